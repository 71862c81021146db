"""Back-fill (补录): what a customer still holds from before the desk, typed without
charging anything today.

One entry point, :func:`apply_backfill`, writes a ``backfill`` row (what was typed) and its
effect in the books, each effect pointing back at it:

* **value**: a ledger entry (account "value", kind "backfill") of the balance left, on the
  General card or a named card (a card type's, or a card the customer has), created if
  needed; the amount paid originally is kept on the back-fill row;
* **package** / **gift**: a package given through ``packages.sell_package`` (its "sell"
  and "backfill" events), with the price paid (0 for a gift), the sessions and those used,
  the purchase date and the expiry (or a time card's validity end); each session is worth
  what the store says (5980 over 10 sessions, 2 used: 8 left at 598);
* **product**: products paid for and not yet collected (``held_products.hold``);
* **points** / **voucher** / **debt**: a ledger entry of that account;
* **spend**: accumulated ranking spend (a ``spend_entry``), and the tier refreshed.

The ledger entries' reason is the back-fill's ``source`` ("back-fill" at the desk, "import
FILE" from an import), ref_type "backfill", ref_id the back-fill row. Nothing is an
invoice: a back-fill counts in no day close, report or spend (unless it *is* spend).

A wrong back-fill is never edited away: :func:`reverse_backfill` writes a second row that
reverses it (``reverses_id``) and reversing entries. :func:`backfill_check` is what the
"check the back-fill" view compares: what was typed and what the customer holds now.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from salontui.i18n import _
from salontui.store import audit, clock, ledger, packages
from salontui.store.admin.permissions import require_permission
from salontui.store.books.held_products import MAX_QUANTITY, hold
from salontui.store.bounds import boundary
from salontui.store.db import for_update
from salontui.store.errors import NotFound, RuleViolation, SalonError, ValidationError
from salontui.store.kinds import (
    BACKFILL_REASON,
    BackfillKind,
    HeldProductKind,
    LedgerAccount,
    LedgerEntryKind,
    MemberState,
    PackageKind,
    Permission,
)
from salontui.store.models import (
    Backfill,
    CardType,
    CatalogItem,
    Customer,
    SpendEntry,
    ValueCard,
    stored_id,
    table_of,
)
from salontui.store.money import MAX_AMOUNT_MINOR, format_money
from salontui.store.names import GENERAL_CARD
from salontui.store.numbers import NumberTexts, whole_number
from salontui.store.rules import session_value, sessions_left
from salontui.store.settings import get_settings
from salontui.store.staff import require_staff
from salontui.store.text import clean_line, quote

KINDS = tuple(BackfillKind)
REF_TYPE = "backfill"
MAX_NOTE = 250
MAX_SOURCE = 160

# The kinds that are one ledger entry, and their account.
LEDGER_ACCOUNTS = {
    BackfillKind.VALUE: LedgerAccount.VALUE, BackfillKind.POINTS: LedgerAccount.POINTS,
    BackfillKind.VOUCHER: LedgerAccount.VOUCHER, BackfillKind.DEBT: LedgerAccount.DEBT,
}
PACKAGE_KINDS = (BackfillKind.PACKAGE, BackfillKind.GIFT)

# sell_package's fields, named as BackfillIn names them.
_PACKAGE_FIELDS = {"price": "paid", "total_uses": "sessions_total", "used": "sessions_used",
                   "plan": "plan_id", "kind": "package_kind"}

_CARD = table_of(ValueCard)
_CARD_TYPE = table_of(CardType)
_BACKFILL = table_of(Backfill)
_CUSTOMER = table_of(Customer)


@dataclass
class BackfillIn:
    """What the receptionist (or an import's row) typed of one thing a customer holds.

    The fields each kind reads (the others are ignored):

    * value: ``amount`` (the balance left, > 0), ``paid`` (paid originally, ≥ 0),
      ``card_name`` ("" or "General": the General card; else a card type's name or a
      card the customer has);
    * package / gift: ``plan_id`` (or, without a plan, ``name`` and ``package_kind``
      "count" / "time"), ``paid`` (the price paid; 0 for a gift), ``sessions_total``
      (None: the plan's; none for a time card), ``sessions_used``, ``purchased_on``
      (None: today), ``expires_on`` (None: the plan's validity from the purchase);
    * product: ``item_id`` (a product of the catalogue), ``quantity`` (> 0), ``paid``;
    * points / voucher / debt / spend: ``amount`` (> 0: points, or money).

    ``note`` goes on the back-fill row (and on a package's history).
    """

    kind: str
    amount: int = 0
    paid: int = 0
    card_name: str = ""
    plan_id: int | None = None
    name: str = ""
    package_kind: str = ""
    sessions_total: int | None = None
    sessions_used: int = 0
    purchased_on: date | None = None
    expires_on: date | None = None
    item_id: int | None = None
    quantity: int = 0
    note: str = ""


@dataclass(frozen=True)
class PackagePreview:
    """What a back-filled package holds, as the package dialog shows it while typing."""

    sessions_left: int | None  # None: a time card (used any number of times)
    per_session: int | None  # what the next session is worth; None for a time card
    value_left: int  # what the sessions left are worth


# --- rules ----------------------------------------------------------------------------------


def package_preview(*, kind: str, price: int, total: int, used: int) -> PackagePreview | None:
    """Sessions left and what each is worth, exactly as the package will say once given
    (``packages``' rule: equal shares, the remainder on the last session): 5980 over 10
    sessions with 2 used leaves 8 at 598. None while the figures cannot make a package
    (no sessions, more used than held, a negative price)."""
    if kind == PackageKind.TIME:
        return PackagePreview(sessions_left=None, per_session=None, value_left=0)
    if total <= 0 or used < 0 or used > total or price < 0:
        return None
    left = sessions_left(kind=kind, total_uses=total, used=used)
    per = (session_value(kind=kind, price=price, total_uses=total, index=min(used, total - 1))
           if left else 0)
    return PackagePreview(sessions_left=left, per_session=per,
                          value_left=packages.value_left(kind, price, total, used))


def _amount(value: int, *, kind: str) -> int:
    points = kind == BackfillKind.POINTS
    return whole_number(value, field="amount", low=1,
                        high=ledger.MAX_POINTS if points else MAX_AMOUNT_MINOR,
                        texts=NumberTexts(
                            not_whole=_("The amount must be a whole number."),
                            negative=_("The amount cannot be negative."),
                            too_low=(_("Enter the points, more than zero.") if points
                                     else _("Enter an amount more than zero.")),
                            too_high=_("That amount is too large.")))


def _paid(value: int) -> int:
    return whole_number(value, field="paid", low=0, high=MAX_AMOUNT_MINOR, texts=NumberTexts(
        not_whole=_("The amount paid must be a whole number."),
        negative=_("The amount paid cannot be negative."),
        too_high=_("That amount is too large.")))


def _quantity(value: int) -> int:
    return whole_number(value, field="quantity", low=1, high=MAX_QUANTITY, texts=NumberTexts(
        not_whole=_("The quantity must be a whole number."),
        negative=_("The quantity cannot be negative."),
        too_low=_("Type a quantity from 1 to {limit}.").format(limit=MAX_QUANTITY),
        too_high=_("Type a quantity from 1 to {limit}.").format(limit=MAX_QUANTITY)))


def _note(value: str) -> str:
    return clean_line(value, field="note", limit=MAX_NOTE,
                      too_long=_("Note is longer than {limit} characters."))


def _source(value: str) -> str:
    return clean_line(value, field="source", limit=MAX_SOURCE,
                      required=_("Say where the back-fill comes from."),
                      too_long=_("The source is longer than {limit} characters."))


def _kind(value: str) -> BackfillKind:
    if value not in KINDS:
        raise ValidationError(_("Unknown kind of back-fill '{kind}'.").format(
            kind=quote(value)), field="kind")
    return BackfillKind(value)


def lock_customer(session: Session, customer_id: int) -> tuple[str, str]:
    """The customer's name and member state, their row locked on engines that need it;
    refused when unknown or deleted."""
    found = session.execute(for_update(
        select(_CUSTOMER.c.name, _CUSTOMER.c.member_state, _CUSTOMER.c.deleted_at)
        .where(_CUSTOMER.c.id == customer_id), session)).first()
    if found is None:
        raise NotFound(_("No customer #{id}.").format(id=customer_id), field="customer")
    if found.deleted_at is not None:
        raise RuleViolation(_("{name} is deleted; restore them first.").format(
            name=found.name), field="customer")
    return found.name, found.member_state


def _refuse_excluded(name: str, state: str, kind: BackfillKind) -> None:
    if state == MemberState.EXCLUDED and kind in (BackfillKind.POINTS, BackfillKind.SPEND):
        field = "amount"
        if kind == BackfillKind.POINTS:
            raise RuleViolation(_("{name} is excluded from the loyalty program: no points can "
                                  "be given or taken.").format(name=name), field=field)
        raise RuleViolation(_("{name} is excluded from the loyalty program: no spend can be "
                              "given or taken.").format(name=name), field=field)


@dataclass(frozen=True)
class _Card:
    card_id: int | None  # the customer's card, or None: made when written
    name: str
    card_type_id: int | None  # the type a card made now belongs to


def _card(session: Session, customer_id: int, typed: str) -> _Card:
    """The card a stored-value back-fill goes on: the General card ("" or "General"), a
    card of the customer by name or by its type, or a card of an active type made for it.
    Anything else is refused (a typo makes no stray card)."""
    name = clean_line(typed, field="card_name", limit=ledger.MAX_CARD_NAME,
                      too_long=_("Card name is longer than {limit} characters."))
    cards = list(session.execute(select(_CARD.c.id, _CARD.c.name, _CARD.c.card_type_id)
                                 .where(_CARD.c.customer_id == customer_id)))
    wanted = (name or GENERAL_CARD).casefold()
    own = next((c for c in cards if c.name.casefold() == wanted), None)
    if own is not None:
        return _Card(int(own.id), own.name, None)
    if wanted == GENERAL_CARD.casefold():
        return _Card(None, GENERAL_CARD, None)
    types = session.execute(select(_CARD_TYPE.c.id, _CARD_TYPE.c.name)
                            .where(_CARD_TYPE.c.active.is_(True)))
    card_type = next((t for t in types if t.name.casefold() == wanted), None)
    if card_type is None:
        raise NotFound(_("There is no card type called {name}, and the customer has no card "
                         "of that name.").format(name=quote(name)), field="card_name")
    linked = next((c for c in cards if c.card_type_id == card_type.id), None)
    if linked is not None:
        return _Card(int(linked.id), linked.name, None)
    return _Card(None, card_type.name, int(card_type.id))


def _write_card(session: Session, customer_id: int, card: _Card) -> int:
    if card.card_id is not None:
        return card.card_id
    row = ValueCard(customer_id=customer_id, name=card.name, created_at=clock.now(),
                    card_type_id=card.card_type_id)
    session.add(row)
    session.flush()
    return stored_id(row)


def _product(session: Session, item_id: int | None) -> CatalogItem:
    item = session.get(CatalogItem, item_id) if item_id is not None else None
    if item is None or item.kind != "product":
        raise NotFound(_("Choose a product of the catalogue."), field="item_id")
    return item


def figure(session: Session, kind: BackfillKind, n: int) -> str:
    """Points as a number, anything else as money in the salon's currency."""
    if kind == BackfillKind.POINTS:
        return f"{n:,}"
    settings = get_settings(session)
    return format_money(n, currency=settings.currency, exponent=settings.currency_exponent,
                        locale=settings.locale)


# --- writing --------------------------------------------------------------------------------


@boundary
def apply_backfill(session: Session, *, staff_id: int, customer_id: int, item: BackfillIn,
                   source: str = BACKFILL_REASON, audit_row: bool = True,
                   approved_by: int | None = None) -> int:
    """Bring in one thing the customer holds from before (see the module) and return the
    back-fill row's id: the adjust_balances permission, or a manager's approval
    (``approved_by``), is needed.

    Everything is checked before anything is written: a refusal (a ValidationError,
    NotFound or RuleViolation naming the BackfillIn field, e.g. "amount", "plan_id",
    "sessions_used") leaves the session as it was. No commit: the caller's transaction
    holds it. ``audit_row=False`` is for an import, which writes one audit row for the
    whole file; at the desk each back-fill writes its own ("backfill", on the customer).
    """
    with session.begin_nested():  # the input is checked first; a refusal takes it back
        row, effect = _write_rows(session, staff_id=staff_id, customer_id=customer_id,
                                  item=item, source=source)
        approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                      permission=Permission.ADJUST_BALANCES)
    if audit_row:
        _audit(session, staff_id, customer_id, row, effect, approver)
    return stored_id(row)


@boundary
def write_backfill(session: Session, *, staff_id: int, customer_id: int, item: BackfillIn,
                   source: str = BACKFILL_REASON, audit_row: bool = True,
                   approved_by: int | None = None) -> int:
    """The body of :func:`apply_backfill`, with no permission of its own: an import checks
    it once for the file (``import_customers``) and writes one audit row for the whole
    file (``audit_row=False``)."""
    row, effect = _write_rows(session, staff_id=staff_id, customer_id=customer_id, item=item,
                              source=source)
    if audit_row:
        _audit(session, staff_id, customer_id, row, effect, approved_by)
    return stored_id(row)


def _audit(session: Session, staff_id: int, customer_id: int, row: Backfill,
           effect: dict[str, int], approved_by: int | None) -> None:
    audit.record(session, staff_id=staff_id, action="backfill", entity="customer",
                 entity_id=customer_id, after=audit.snapshot(row) | effect,
                 approved_by=approved_by)


def _write_rows(session: Session, *, staff_id: int, customer_id: int, item: BackfillIn,
                source: str) -> tuple[Backfill, dict[str, int]]:
    """The back-fill row and what it gives, each part checked before it is written."""
    require_staff(session, staff_id)
    kind = _kind(item.kind)
    source = _source(source)
    note = _note(item.note)
    name, state = lock_customer(session, customer_id)
    _refuse_excluded(name, state, kind)
    row = Backfill(customer_id=customer_id, kind=kind.value, source=source,
                   created_at=clock.now(), operator_id=staff_id, note=note)
    effect: dict[str, int] = {}
    if kind in PACKAGE_KINDS:
        effect = _package(session, staff_id, customer_id, kind, item, note or source, row)
        add_row(session, row)
    elif kind == BackfillKind.PRODUCT:
        product = _product(session, item.item_id)
        row.item_id, row.quantity, row.paid = product.id, _quantity(item.quantity), \
            _paid(item.paid)
        backfill_id = add_row(session, row)
        effect["held_id"] = hold(session, customer_id=customer_id, item_id=stored_id(product),
                                 description=product.name, quantity=row.quantity,
                                 kind=HeldProductKind.BACKFILL, amount=row.paid,
                                 backfill_id=backfill_id, staff_id=staff_id, note=note)
    elif kind == BackfillKind.SPEND:
        row.amount = _amount(item.amount, kind=kind)
        backfill_id = add_row(session, row)
        effect["spend_id"] = spend_entry(session, staff_id, customer_id, row.amount, source,
                                    backfill_id)
    else:
        row.amount = _amount(item.amount, kind=kind)
        card = None
        if kind == BackfillKind.VALUE:
            row.paid = _paid(item.paid)
            card = _card(session, customer_id, item.card_name)
        if card is not None:
            row.card_id = _write_card(session, customer_id, card)
        backfill_id = add_row(session, row)
        effect["entry_id"] = ledger.post_entry(
            session, customer_id=customer_id, account=LEDGER_ACCOUNTS[kind], amount=row.amount,
            kind=LedgerEntryKind.BACKFILL, reason=source, ref_type=REF_TYPE,
            ref_id=backfill_id, operator_id=staff_id, card_id=row.card_id)
    return row, effect


def add_row(session: Session, row: Backfill) -> int:
    session.add(row)
    session.flush()
    return stored_id(row)


def _package(session: Session, staff_id: int, customer_id: int, kind: BackfillKind,
             item: BackfillIn, note: str, row: Backfill) -> dict[str, int]:
    """Give the package through the store's one way of giving packages; fill the
    back-fill row with what it holds."""
    plan_kind = None
    if item.plan_id is not None:
        plan = session.get(CatalogItem, item.plan_id)
        if plan is None or plan.kind != "package":
            raise NotFound(_("That package plan does not exist."), field="plan_id")
        plan_kind = plan.package_kind
    elif not " ".join(item.name.split()):
        raise ValidationError(_("Choose the package plan."), field="plan_id")
    package_kind = (PackageKind.GIFT.value if kind == BackfillKind.GIFT
                    else plan_kind or item.package_kind or None)
    if package_kind == PackageKind.GIFT and kind == BackfillKind.PACKAGE:
        raise ValidationError(_("This plan is a gift: back-fill it as a gift package."),
                              field="plan_id")
    total = item.sessions_total
    if package_kind == PackageKind.TIME and total == 0:
        total = None
    try:
        sold = packages.sell_package(
            session, staff_id=staff_id, customer_id=customer_id, plan_id=item.plan_id,
            name=" ".join(item.name.split()) or None, kind=package_kind,
            price=0 if kind == BackfillKind.GIFT and not item.paid else item.paid,
            total_uses=total, purchased_on=item.purchased_on, expires_on=item.expires_on,
            used=item.sessions_used, note=note, backfill=True)
    except SalonError as error:
        error.field = _PACKAGE_FIELDS.get(error.field or "", error.field)
        raise
    row.package_id, row.item_id, row.paid = sold.id, sold.plan_id, sold.price
    row.sessions_total, row.sessions_used = sold.total_uses, sold.used
    row.purchased_on, row.expires_on = sold.purchased_on, sold.expires_on
    return {"package_id": sold.id}


def spend_entry(session: Session, staff_id: int, customer_id: int, amount: int, reason: str,
           backfill_id: int) -> int:
    from salontui.store.loyalty.tiers import refresh_tier

    entry = SpendEntry(customer_id=customer_id, amount=amount, reason=reason,
                       ref_type=REF_TYPE, ref_id=backfill_id, created_at=clock.now(),
                       staff_id=staff_id)
    session.add(entry)
    session.flush()
    refresh_tier(session, customer_id=customer_id, staff_id=staff_id, reason=reason)
    return stored_id(entry)

