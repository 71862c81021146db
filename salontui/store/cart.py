"""A cart being checked out, and its price: the part of checkout that writes nothing.

The checkout screen edits a :class:`Cart` (plain data, JSON-able so a cart can
be parked and resumed) and asks :func:`quote` after every change; the quote
says the total, what is still due and the change for cash. Every rule that
can be checked before writing is checked here, so a refusal always comes
before anything touches the database.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

from sqlmodel import Session

from salontui.i18n import _
from salontui.store import rules
from salontui.store.admin.methods import methods_by_code
from salontui.store.bounds import boundary
from salontui.store.errors import NotFound, RuleViolation, ValidationError
from salontui.store.kinds import SALES_LINE_KINDS, LineKind, MethodKind
from salontui.store.models import CatalogItem, CustomerPromotion, PromotionProgram
from salontui.store.money import MAX_AMOUNT_MINOR
from salontui.store.numbers import NumberTexts, whole_number
from salontui.store.packages import check_redeemable
from salontui.store.text import quote as quote_text

LINE_KINDS = tuple(LineKind)
# Lines whose price counts as sales (discounts apply to these, points are earned on them).
SALES_KINDS = SALES_LINE_KINDS
MAX_QUANTITY = 999
MAX_LINES = 200
MAX_NOTE = 250  # the invoice's note


@dataclass
class CartLine:
    kind: str
    item_id: int | None = None  # service, product, package plan
    package_id: int | None = None  # redeem: the customer's package
    card_name: str | None = None  # topup: which card (default: the general card)
    description: str = ""
    quantity: int = 1
    unit_price: int | None = None  # default: the catalog price
    discount: int = 0
    credit: int | None = None  # topup: value credited (default: by its type's bonus rule)
    staff_id: int | None = None  # who did the service (commission)
    picked_up: bool = True  # product left at the salon: False
    card_type_id: int | None = None  # topup: the card type (its card, made if need be)
    note: str = ""  # topup: what it was bought under, kept as its ledger entry's reason


@dataclass
class CartPayment:
    method: str
    amount: int
    card_id: int | None = None  # value: which stored-value card


@dataclass
class Cart:
    customer_id: int | None = None  # None: a walk-in
    lines: list[CartLine] = field(default_factory=list)
    payments: list[CartPayment] = field(default_factory=list)
    discount: int = 0  # invoice-level discount, minor units
    promotion_id: int | None = None  # a CustomerPromotion given to this customer
    appointment_id: int | None = None
    note: str = ""
    branch_id: int | None = None  # where it is paid (None: the first branch)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, data: str) -> Cart:
        raw = json.loads(data)
        raw["lines"] = [CartLine(**line) for line in raw.get("lines", [])]
        raw["payments"] = [CartPayment(**p) for p in raw.get("payments", [])]
        return cls(**raw)


@dataclass(frozen=True)
class PricedLine:
    index: int
    kind: str
    item_id: int | None
    package_id: int | None
    description: str
    quantity: int
    unit_price: int
    discount: int
    amount: int
    credit: int
    staff_id: int | None
    card_name: str | None
    picked_up: bool


@dataclass(frozen=True)
class Quote:
    lines: list[PricedLine]
    subtotal: int
    discount: int  # invoice-level (manual + promotion)
    total: int
    paid: int  # all payments as typed (cash may exceed)
    due: int  # still to pay (0 when paid in full)
    change: int  # cash to give back
    overpaid: int  # paid beyond the total by other means than cash: must be corrected
    # The customer's tier: its discount on services (part of ``discount``), its name and
    # percent for the totals and the receipt ("Gold tier -5 %"), and why it gives nothing
    # (an excluded or not-activated member: store/loyalty/tiers.py, tier_benefit).
    tier_discount: int = 0
    tier_name: str = ""
    tier_percent: int = 0
    tier_refused: str = ""
    waived: bool = False  # a payment is of the "waived" kind (sales/permits.py)

    @property
    def balanced(self) -> bool:
        """Payments cover the total exactly (cash may exceed it: that is change)."""
        return self.due == 0 and self.overpaid == 0


def _discount_texts() -> NumberTexts:
    return NumberTexts(not_whole=_("The discount must be a whole number."),
                       too_low=_("The discount cannot be less than {low}."),
                       too_high=_("The discount is too large."))


def _price_line(session: Session, cart: Cart, index: int, line: CartLine) -> PricedLine:
    where = f"line{index}"
    if line.kind not in LINE_KINDS:
        raise ValidationError(_("Unknown line kind '{kind}'.").format(kind=quote_text(line.kind)),
                              field=where)
    quantity = whole_number(line.quantity, field=f"{where}.quantity", low=1, high=MAX_QUANTITY,
                            texts=NumberTexts(not_whole=_("Quantity must be a whole number."),
                                              too_low=_("Quantity cannot be less than {low}."),
                                              too_high=_("Quantity is too large.")))
    description = (line.description or "").strip()
    unit_price = line.unit_price
    credit = 0
    if line.kind in SALES_KINDS:
        item = session.get(CatalogItem, line.item_id) if line.item_id is not None else None
        if item is None:
            raise NotFound(_("Unknown item code."), field=f"{where}.item")
        expected = "package" if line.kind == "package" else line.kind
        if item.kind != expected:
            raise ValidationError(_("{code} is a {kind}, not a {expected}.").format(
                code=item.code, kind=item.kind, expected=expected), field=f"{where}.item")
        if not item.active:
            raise RuleViolation(_("{name} is no longer sold.").format(name=item.name),
                                field=f"{where}.item")
        if line.kind == "package" and quantity != 1:
            raise ValidationError(_("Sell one package per line."), field=f"{where}.quantity")
        description = description or item.name
        unit_price = item.price if unit_price is None else unit_price
    elif line.kind == "redeem":
        if line.package_id is None:
            raise ValidationError(_("Choose the package to redeem."), field=f"{where}.package")
        if quantity != 1:
            raise ValidationError(_("Redeem one session per line."), field=f"{where}.quantity")
        if line.staff_id is None:
            raise ValidationError(_("Choose who did the service."), field=f"{where}.staff")
        if cart.customer_id is not None:
            same = sum(1 for other in cart.lines[:index + 1]
                       if other.kind == "redeem" and other.package_id == line.package_id)
            check_redeemable(session, package_id=line.package_id,
                             customer_id=cart.customer_id, sessions=same,
                             field=f"{where}.package")
        unit_price = 0
        description = description or _("Package session")
    else:  # topup, repay
        if unit_price is None:
            raise ValidationError(_("Enter the amount."), field=f"{where}.price")
        if quantity != 1:
            raise ValidationError(_("Quantity must be 1."), field=f"{where}.quantity")
        description = description or (_("Card top-up") if line.kind == "topup"
                                      else _("Debt repayment"))
    unit_price = whole_number(unit_price, field=f"{where}.price", low=0, high=MAX_AMOUNT_MINOR,
                              texts=NumberTexts(
                                  not_whole=_("The price must be a whole number."),
                                  too_low=_("The price cannot be less than {low}."),
                                  too_high=_("The price is too large.")))
    if line.kind in ("topup", "repay") and unit_price == 0:
        raise ValidationError(_("The amount must be more than zero."), field=f"{where}.price")
    gross = quantity * unit_price
    discount = whole_number(line.discount, field=f"{where}.discount", texts=_discount_texts(),
                            low=0, high=MAX_AMOUNT_MINOR)
    if discount > gross:
        raise ValidationError(_("The discount is more than the line."),
                              field=f"{where}.discount")
    if discount and line.kind not in SALES_KINDS:
        raise ValidationError(_("Only sales lines take a discount."),
                              field=f"{where}.discount")
    if line.kind == "topup":
        from salontui.store.sales.card_topups import topup_line_credit

        credit = topup_line_credit(session, line, paid=unit_price, where=where)
        credit = whole_number(credit, field=f"{where}.credit", low=1, high=MAX_AMOUNT_MINOR,
                              texts=NumberTexts(
                            not_whole=_("The value credited must be a whole number."),
                            too_low=_("The value credited cannot be less than {low}."),
                            too_high=_("The value credited is too large.")))
    if line.kind in ("redeem", "topup", "repay") and cart.customer_id is None:
        raise RuleViolation(_("Choose the customer first: a walk-in has no packages, cards "
                              "or debt."), field="customer")
    if line.kind == "package" and cart.customer_id is None:
        raise RuleViolation(_("Choose the customer who buys the package."), field="customer")
    if line.kind == "product" and not line.picked_up and cart.customer_id is None:
        raise RuleViolation(_("A product is kept at the salon only for a known customer: "
                              "choose the customer first."), field="customer")
    amount = rules.line_amount(quantity=quantity, unit_price=unit_price, discount=discount)
    return PricedLine(index=index, kind=line.kind, item_id=line.item_id,
                      package_id=line.package_id, description=description[:200],
                      quantity=quantity, unit_price=unit_price, discount=discount,
                      amount=amount, credit=credit, staff_id=line.staff_id,
                      card_name=line.card_name, picked_up=line.picked_up)


def promotion_discount(session: Session, cart: Cart, lines: list[PricedLine],
                       manual: int = 0) -> int:
    """What the cart's promotion takes off the sales lines its program is on (all, the
    services or the products: ``promotions.promotion_base``), after the manual discount
    ``manual`` (0 without a promotion)."""
    if cart.promotion_id is None:
        return 0
    from salontui.store import clock
    from salontui.store.promotions import USED, promotion_base, promotion_problem

    given = session.get(CustomerPromotion, cart.promotion_id)
    if given is None or given.customer_id != cart.customer_id:
        raise NotFound(_("That promotion was not given to this customer."), field="promotion")
    problem = promotion_problem(used_on=given.used_on, expires_on=given.expires_on,
                                today=clock.today())
    if problem == USED:
        raise RuleViolation(_("Promotion {code} was already used.").format(code=given.code),
                            field="promotion")
    if problem is not None:
        raise RuleViolation(_("Promotion {code} has expired.").format(code=given.code),
                            field="promotion")
    program = session.get(PromotionProgram, given.program_id)
    assert program is not None  # a foreign key: programmes are never deleted
    base = promotion_base(scope=program.scope, lines=[(p.kind, p.amount) for p in lines],
                          manual=manual)
    return rules.promotion_off(sales=base, percent=program.discount_percent,
                               amount=program.discount_amount)


@boundary
def quote(session: Session, *, cart: Cart) -> Quote:
    """Price the cart and weigh its payments. Raises on anything that could not be checked out
    except an unbalanced payment, which the quote reports as ``due``."""
    if len(cart.lines) > MAX_LINES:
        raise ValidationError(_("Too many lines on one invoice."), field="lines")
    if len(cart.note) > MAX_NOTE:  # refused, never cut: the invoice keeps the note whole
        raise ValidationError(_("Note is longer than {limit} characters.").format(
            limit=MAX_NOTE), field="note")
    lines = [_price_line(session, cart, i, line) for i, line in enumerate(cart.lines)]
    subtotal = sum(p.amount for p in lines)
    sales = sum(p.amount for p in lines if p.kind in SALES_KINDS)
    manual = whole_number(cart.discount, field="discount", texts=_discount_texts(), low=0,
                          high=MAX_AMOUNT_MINOR)
    benefit = _tier_benefit(session, cart)
    tier_off = 0
    if benefit is not None and benefit.discount_percent:
        from salontui.store.kinds import ProgramScope
        from salontui.store.promotions import promotion_base

        # The tier's percent of the services, after their share of the manual discount;
        # a promotion then takes its part of what is left.
        tier_off = promotion_base(scope=ProgramScope.SERVICES, manual=manual,
                                  lines=[(p.kind, p.amount) for p in lines]
                                  ) * benefit.discount_percent // 100
    discount = manual + tier_off + promotion_discount(session, cart, lines, manual + tier_off)
    if discount > sales:
        raise ValidationError(_("The discount is more than the services and products."),
                              field="discount")
    total = subtotal - discount
    paid = 0
    cash = 0
    waived = False
    methods = methods_by_code(session) if cart.payments else {}
    for i, payment in enumerate(cart.payments):
        method = methods.get(payment.method)
        if method is None:
            raise ValidationError(_("Unknown payment method '{method}'.").format(
                method=quote_text(payment.method)), field=f"payment{i}")
        if not method.active:
            raise RuleViolation(_("'{method}' is no longer taken (retired in Settings): pay "
                                  "another way.").format(method=quote_text(method.label)),
                                field=payment.method)
        whole_number(payment.amount, field=payment.method, low=0, high=MAX_AMOUNT_MINOR,
                     texts=NumberTexts(not_whole=_("The amount must be a whole number."),
                                       too_low=_("The amount cannot be less than {low}."),
                                       too_high=_("The amount is too large.")))
        paid += payment.amount
        if method.kind == MethodKind.CASH:  # only cash may exceed the total: the change
            cash += payment.amount
        waived = waived or method.kind == MethodKind.WAIVED
    over = max(0, paid - total)
    change = min(over, cash)
    return Quote(lines=lines, subtotal=subtotal, discount=discount, total=total, paid=paid,
                 due=max(0, total - paid), change=change, overpaid=over - change,
                 tier_discount=tier_off, tier_name=benefit.name if benefit else "",
                 tier_percent=benefit.discount_percent if benefit else 0,
                 tier_refused=benefit.refused if benefit else "", waived=waived)


def _tier_benefit(session: Session, cart: Cart):
    """What the cart's customer's tier gives (store/loyalty/tiers.py); None for a walk-in."""
    if cart.customer_id is None:
        return None
    from salontui.store.loyalty.tiers import tier_benefit

    return tier_benefit(session, cart.customer_id)
