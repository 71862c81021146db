"""The checkout's rules on a cart being edited, written once and tested without a screen.

The checkout screen runs each change of its cart through one of these (inside its
edits, in a thread worker) and reads what F10 would do from :func:`settle`:

- what adding an item does: a product sold as catalogued gets one more, not a second
  line (:func:`add_item`; :func:`find_item` reads what was typed);
- a line edited by index, or gone (:func:`edit_line`, :func:`remove_line`); which lines
  take a price (:func:`line_takes_price`) or may stay at the salon
  (:func:`may_stay_at_salon`); a discount typed as a percentage (:func:`percent_of`)
  and the base of an invoice discount (:func:`sales_amount`);
- what a change of customer takes away: their sessions, top-ups and repayments, the
  promotion and the appointment (:func:`change_customer`);
- the sessions of a package already on the cart (:func:`sessions_in_cart`);
- which payment methods need a customer and why an amount cannot be paid by a method
  (:func:`payment_problem`), and whether a card's type lets it pay for a discounted
  sale (:func:`card_discount_problem`); what "fill the remainder" puts into a field
  (:func:`fill_amount`); the typed amounts as payments and back (:func:`payments_from`,
  :func:`amounts_from`);
- what F10 would do with the cart as priced (:func:`settle`);
- holding a cart (:func:`held_label`, :func:`hold_cart`) and paying a held one once
  (:func:`pay_held`).

The rule says what is so; the screen says it (a problem is a code, not a sentence, except
where the store refuses with its own message). Nothing here imports SQLAlchemy at module
level: the checkout screen imports this module when the desk starts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from salontui.i18n import _
from salontui.store import kinds
from salontui.store.errors import NotFound, RuleViolation, ValidationError

# Lines that belong to the customer of the cart (a walk-in has none of them).
CUSTOMER_LINE_KINDS = kinds.CUSTOMER_LINE_KINDS
# Methods that take from what a customer holds or owes: never a walk-in's. (Each is the
# one built-in method of its kind, stored value, points, vouchers or on account: its code
# is the kind's, see store/admin/methods.py.)
CUSTOMER_METHODS = kinds.CUSTOMER_PAYMENT_METHODS

# Why an amount cannot be paid by a method (see :func:`payment_problem`).
WALK_IN = "walk_in"  # a walk-in has no card, no points, no vouchers, no account
REPAY_ON_ACCOUNT = "repay_on_account"  # a debt is not repaid with more debt
NOT_MEMBER = "not_member"  # points: membership not active
TOO_FEW_POINTS = "too_few_points"
NO_CARD = "no_card"
CARD_SHORT = "card_short"  # more than the card holds
NO_DISCOUNTS = "no_discounts"  # the card's type pays for no discounted sale
TOO_FEW_VOUCHERS = "too_few_vouchers"  # more than the customer holds in vouchers

# What F10 would do (see :func:`settle`).
NO_LINES, DUE, OVERPAID, READY = "no_lines", "due", "overpaid", "ready"


# --- lines ------------------------------------------------------------------------------------


def find_item(session, *, query: str, item_id: int | None = None):
    """The catalogue item an Add means: the one chosen (``item_id``), else the one whose code
    is ``query``, else the first whose code or name it finds; NotFound at "code" if none."""
    from salontui.store.catalog import find_items, get_item

    if item_id is not None:
        return get_item(session, item_id=item_id)
    try:
        return get_item(session, code=query)
    except NotFound:
        found = find_items(session, query=query, limit=1)
        if not found:
            raise NotFound(_("Unknown code or name '{text}'.").format(text=query),
                           field="code") from None
        return found[0]


def add_item(cart, *, kind: str, item_id: int):
    """Add one of a catalogue item. A product already on the cart as sold (taken home, its
    price and discount untouched) gets one more instead of a second line."""
    from salontui.store.cart import CartLine

    if kind == "product":
        for line in cart.lines:
            if (line.kind == "product" and line.item_id == item_id and line.picked_up
                    and line.unit_price is None and not line.discount):
                line.quantity += 1
                return cart
    cart.lines.append(CartLine(kind=kind, item_id=item_id))
    return cart


def edit_line(cart, index: int, change: Callable[[Any], None]):
    """Apply ``change`` to line ``index``; refused when that line is no longer there."""
    if index >= len(cart.lines):
        raise ValidationError(_("That line is gone."), field="lines")
    change(cart.lines[index])
    return cart


def remove_line(cart, index: int):
    """Take line ``index`` off (nothing when it is already gone)."""
    if index < len(cart.lines):
        del cart.lines[index]
    return cart


def line_takes_price(kind: str) -> bool:
    """A package session has no price: its value comes from the package."""
    return kind != "redeem"


def may_stay_at_salon(kind: str) -> bool:
    """Only a product can be kept at the salon for later (not yet picked up)."""
    return kind == "product"


def percent_of(base: int, percent: int, *, field: str) -> int:
    """A discount of ``percent`` % of ``base`` (floored); a percentage is 0 to 100."""
    if not 0 <= percent <= 100:
        raise ValidationError(_("A percentage is 0 to 100."), field=field)
    return base * percent // 100


def sales_amount(lines: Iterable) -> int:
    """What an invoice discount may take from: the priced service, product and package
    lines (not sessions, top-ups nor repayments)."""
    return sum(p.amount for p in lines if p.kind in ("service", "product", "package"))


def sessions_in_cart(cart) -> dict[int, int]:
    """Sessions of each package the cart already redeems, by package id."""
    counts: dict[int, int] = {}
    for line in cart.lines:
        if line.kind == "redeem":
            counts[line.package_id] = counts.get(line.package_id, 0) + 1
    return counts


def customer_lines(cart) -> int:
    """How many lines belong to the cart's customer (and go with them)."""
    return sum(1 for line in cart.lines if line.kind in CUSTOMER_LINE_KINDS)


def change_customer(cart, customer_id: int | None):
    """The cart for another customer (None: a walk-in). The lines of the one before
    (sessions, top-ups, repayments), their promotion and their appointment go; what was
    paid from their card, points or account goes too (the screen empties those fields)."""
    cart.customer_id = customer_id
    cart.lines = [line for line in cart.lines if line.kind not in CUSTOMER_LINE_KINDS]
    cart.promotion_id = None
    cart.appointment_id = None
    return cart


# --- payments ---------------------------------------------------------------------------------


def payment_problem(method: str, amount: int, *, walk_in: bool, customer=None, card=None,
                    repaying: bool = False) -> str | None:
    """Why ``amount`` cannot be paid by ``method`` (one of the codes above), or None.

    ``customer`` is the customer as loaded (``member_state``, ``points``, ``vouchers``;
    None while loading: nothing is refused yet, the store decides at F10), ``card`` the
    stored-value
    card paid from (``balance``; None: no card), ``repaying`` whether the cart repays debt.
    """
    if amount <= 0:
        return None
    if method in CUSTOMER_METHODS and walk_in:
        return WALK_IN
    if customer is None:
        return None
    if method == "account" and repaying:
        return REPAY_ON_ACCOUNT
    if method == "points":
        if customer.member_state != "active":
            return NOT_MEMBER
        if amount > customer.points:
            return TOO_FEW_POINTS
    if method == "value":
        if card is None:
            return NO_CARD
        if amount > card.balance:
            return CARD_SHORT
    if method == "voucher" and amount > customer.vouchers:
        return TOO_FEW_VOUCHERS
    return None


def discounted(quote) -> bool:
    """Whether a priced cart takes anything off: a line's discount or the invoice's (manual
    or a promotion)."""
    return quote is not None and (quote.discount > 0 or any(p.discount for p in quote.lines))


def card_discount_problem(*, discounts_apply: bool, quote) -> str | None:
    """:data:`NO_DISCOUNTS` when a card whose type says discounts do not apply would pay
    for a sale with any discount, else None (the store refuses it at F10 too)."""
    return NO_DISCOUNTS if not discounts_apply and discounted(quote) else None


def no_discounts_message(card: str) -> str:
    """What is said at the stored-value field (and by the store) for :data:`NO_DISCOUNTS`."""
    return _("The {card} card does not pay for a sale with a discount: take the discount "
             "off, or pay another way.").format(card=card)


def repays_debt(cart) -> bool:
    return any(line.kind == "repay" for line in cart.lines)


def payments_from(amounts: dict[str, int], *, point_value: int, card_id: int | None = None):
    """The cart's payments from the amounts typed per method (a method's code, in the
    order of the payment panel): points are counted in points and paid at ``point_value``
    each; stored value names the card paid from."""
    from salontui.store.cart import CartPayment

    payments = []
    for method, amount in amounts.items():
        if amount <= 0:
            continue
        if method == "points":
            payments.append(CartPayment("points", amount * point_value))
        elif method == "value":
            payments.append(CartPayment("value", amount, card_id=card_id))
        else:
            payments.append(CartPayment(method, amount))
    return payments


def amounts_from(payments: Iterable, *, point_value: int) -> tuple[dict[str, int], int | None]:
    """The amounts to type back per method for a held cart's payments (points in points),
    and the stored-value card it paid from (None: none named)."""
    amounts: dict[str, int] = {}
    card_id = None
    for p in payments:
        if p.method == "points":
            amounts["points"] = amounts.get("points", 0) + (p.amount // point_value
                                                            if point_value else 0)
        else:
            amounts[p.method] = amounts.get(p.method, 0) + p.amount
        if p.method == "value":
            card_id = p.card_id
    return amounts, card_id


def fill_amount(method: str, *, total: int, payments: Iterable, point_value: int = 0,
                points: int = 0, card=None, vouchers: int = 0) -> int:
    """What F9 puts into ``method``'s field: what the other payments leave of ``total``;
    in points, as many whole points as cover it and the customer has; from a card or the
    vouchers, no more than they hold."""
    others = sum(p.amount for p in payments if p.method != method)
    remainder = max(0, total - others)
    if method == "points":
        if point_value <= 0:
            return 0
        return min(remainder // point_value, max(0, points))
    if method == "value":
        return min(remainder, max(0, card.balance)) if card else 0
    if method == "voucher":
        return min(remainder, max(0, vouchers))
    return remainder


@dataclass(frozen=True)
class Settlement:
    """What F10 would do with a priced cart: write the invoice (:data:`READY`) or not."""

    state: str  # NO_LINES, DUE, OVERPAID, READY
    amount: int = 0  # DUE: still to pay; OVERPAID: paid too much
    on_account: int = 0  # READY: the part that becomes debt
    change: int = 0  # READY: cash to give back


def settle(quote, *, has_lines: bool, payments: Iterable) -> Settlement:
    """F10's verdict on the cart's money: lines first, then all of it paid, then not more
    than the total except in cash (that is change)."""
    if quote is None or not has_lines:
        return Settlement(NO_LINES)
    if quote.due:
        return Settlement(DUE, quote.due)
    if quote.overpaid:
        return Settlement(OVERPAID, quote.overpaid)
    on_account = sum(p.amount for p in payments if p.method == "account")
    return Settlement(READY, on_account=on_account, change=quote.change)


# --- held carts -------------------------------------------------------------------------------


def held_label(first: str, lines: int) -> str:
    """How a held cart is listed: its first line, and how many more ("Cắt tóc +2")."""
    return first + (f" +{lines - 1}" if lines > 1 else "")


def hold_cart(session, *, staff_id: int, cart, label: str, draft_id: int | None = None) -> int:
    """Hold ``cart`` (again, over the held copy ``draft_id``); if that copy went meanwhile
    (another desk paid or cancelled it), hold it anew."""
    from salontui.store.drafts import park_cart

    try:
        return park_cart(session, staff_id=staff_id, cart=cart, label=label,
                         draft_id=draft_id)
    except NotFound:
        return park_cart(session, staff_id=staff_id, cart=cart, label=label)


def pay_held(session, *, staff_id: int, cart, idempotency_key: str, draft_id: int | None,
             approved_by: int | None = None):
    """Check out ``cart``; a held one (``draft_id``) is paid once, by whichever desk is first:
    its held copy is deleted in the same transaction, and if it is already gone the whole
    transaction is refused (no invoice, no number used), unless this very checkout was
    confirmed before (the idempotency key replays it). ``approved_by``: a manager's
    approval of a price, a discount or a waiver (``checkout``)."""
    from salontui.store.checkout import checkout
    from salontui.store.drafts import delete_draft

    gone = False
    if draft_id is not None:
        try:
            delete_draft(session, staff_id=staff_id, draft_id=draft_id)
        except NotFound:
            gone = True
    result = checkout(session, staff_id=staff_id, cart=cart, idempotency_key=idempotency_key,
                      approved_by=approved_by)
    if gone and not result.replayed:
        raise RuleViolation(_("This held checkout was paid or cancelled at another "
                              "desk: nothing was charged here."), field="draft")
    return result
