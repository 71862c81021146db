"""Card types (副卡, thẻ phụ): the named stored-value sub-cards the owner sets once, each
with its bonus rule ("pay 10,000,000 get 11,000,000") and whether it may pay for a
discounted sale. The checkout's top-up picks one of them instead of typing a card's name.

A customer's card links to its type (``value_card.card_type_id``) and keeps the name it
was created with: renaming a type renames no card already on a customer (what was sold
stays as sold, as on its receipts), and a type's history (:func:`card_type_history`)
follows the link, not the name. Retiring a type stops new top-ups of it; the cards of it
keep their money and still pay.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session

from salontui.i18n import _
from salontui.store import audit, clock
from salontui.store.admin.permissions import require_permission
from salontui.store.bounds import boundary
from salontui.store.errors import NotFound, ValidationError
from salontui.store.kinds import Permission
from salontui.store.models import (
    CardType,
    Customer,
    Invoice,
    LedgerEntry,
    Staff,
    ValueCard,
    stored_id,
    table_of,
)
from salontui.store.money import MAX_AMOUNT_MINOR
from salontui.store.names import GENERAL_CARD
from salontui.store.numbers import NumberTexts, whole_number
from salontui.store.text import clean_line, fold, quote

MAX_NAME = 60
BONUS_TIMES = 10  # a rule crediting more than ten times what is paid is a typing slip
MAX_PAGE = 1000  # entries of a history page

_TYPE = table_of(CardType)
_LE = table_of(LedgerEntry)
_CARD = table_of(ValueCard)
_CUSTOMER = table_of(Customer)
_STAFF = table_of(Staff)
_INVOICE = table_of(Invoice)


@dataclass(frozen=True)
class CardTypeRow:
    id: int
    name: str
    bonus_pay: int | None  # the bonus rule: pay this much…
    bonus_get: int | None  # …and get this much credited (both None: no bonus)
    discounts_apply: bool  # False: the card pays for no discounted sale
    active: bool
    cards: int = 0  # customers' cards of this type


@dataclass(frozen=True)
class CardTypeEntry:
    """One entry on a card of the type, with what all cards of the type hold after it."""

    id: int
    created_at: datetime
    customer_id: int
    customer_code: str
    customer_name: str
    card_name: str
    amount: int
    kind: str
    reason: str
    balance_after: int
    invoice_code: str | None
    operator_name: str | None


def _row(card_type: CardType, cards: int = 0) -> CardTypeRow:
    return CardTypeRow(id=stored_id(card_type), name=card_type.name,
                       bonus_pay=card_type.bonus_pay, bonus_get=card_type.bonus_get,
                       discounts_apply=card_type.discounts_apply, active=card_type.active,
                       cards=cards)


def _clean_name(session: Session, name: str, *, card_type_id: int | None = None) -> str:
    clean = clean_line(name, field="name", limit=MAX_NAME, required=_("Name is required."),
                       too_long=_("Name is longer than {limit} characters."))
    folded = fold(clean)
    if folded in {fold(GENERAL_CARD), fold(_(GENERAL_CARD))}:
        raise ValidationError(_("{name} is the general card's name: choose another.").format(
            name=quote(clean)), field="name")
    for other_id, other in session.execute(select(_TYPE.c.id, _TYPE.c.name)):
        if other_id != card_type_id and fold(other) == folded:
            raise ValidationError(_("There is already a card type called {name}.").format(
                name=quote(other)), field="name")
    return clean


def _amount(value: int | None, *, field: str) -> int | None:
    if value is None:
        return None
    return whole_number(value, field=field, high=MAX_AMOUNT_MINOR, texts=NumberTexts(
        not_whole=_("The amount must be a whole number."),
        too_high=_("That amount is too large.")))


def clean_bonus(pay: int | None, get: int | None) -> tuple[int | None, int | None]:
    """A bonus rule as stored: both amounts or neither; something is paid; the card gets
    at least what is paid and at most :data:`BONUS_TIMES` times it."""
    pay = _amount(pay, field="bonus_pay")
    get = _amount(get, field="bonus_get")
    if pay is None and get is None:
        return None, None
    if pay is None or get is None:
        raise ValidationError(_("Enter both amounts of the bonus rule, or neither."),
                              field="bonus_pay" if pay is None else "bonus_get")
    if pay <= 0:
        raise ValidationError(_("The amount paid must be more than zero."), field="bonus_pay")
    if get < pay:
        raise ValidationError(_("The value credited cannot be less than the amount paid."),
                              field="bonus_get")
    if get > BONUS_TIMES * pay:
        raise ValidationError(_("The value credited cannot be more than {n} times the amount "
                                "paid.").format(n=BONUS_TIMES), field="bonus_get")
    return pay, get


def load_card_type(session: Session, card_type_id: int, *, field: str = "card_type") -> CardType:
    card_type = session.get(CardType, card_type_id)
    if card_type is None:
        raise NotFound(_("No card type #{id}.").format(id=card_type_id), field=field)
    return card_type


@boundary
def list_card_types(session: Session, *, active_only: bool = False) -> list[CardTypeRow]:
    """The card types, those in use first, by name, with how many customers' cards each
    has."""
    counts = dict(session.execute(
        select(_CARD.c.card_type_id, func.count()).where(_CARD.c.card_type_id.is_not(None))
        .group_by(_CARD.c.card_type_id)).all())
    statement = select(CardType)
    if active_only:
        statement = statement.where(CardType.active)  # type: ignore[arg-type]
    found = sorted(session.scalars(statement), key=lambda t: (not t.active, fold(t.name)))
    return [_row(t, counts.get(t.id, 0)) for t in found]


@boundary
def create_card_type(session: Session, *, staff_id: int, name: str,
                     bonus_pay: int | None = None, bonus_get: int | None = None,
                     discounts_apply: bool = True, approved_by: int | None = None) -> CardTypeRow:
    clean = _clean_name(session, name)
    pay, get = clean_bonus(bonus_pay, bonus_get)
    approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                  permission=Permission.SETTINGS)
    card_type = CardType(name=clean, bonus_pay=pay, bonus_get=get,
                         discounts_apply=discounts_apply, active=True, created_at=clock.now())
    session.add(card_type)
    session.flush()
    audit.record(session, staff_id=staff_id, action="create_card_type", entity="card_type",
                 entity_id=card_type.id, after=audit.snapshot(card_type), approved_by=approver)
    return _row(card_type)


@boundary
def update_card_type(session: Session, *, staff_id: int, card_type_id: int, name: str,
                     bonus_pay: int | None = None, bonus_get: int | None = None,
                     discounts_apply: bool = True, approved_by: int | None = None) -> CardTypeRow:
    """Rename a type or change its rules. Cards already sold keep their name and their
    money; a new bonus rule counts from the next top-up, and whether discounts apply from
    the next payment."""
    card_type = load_card_type(session, card_type_id)
    clean = _clean_name(session, name, card_type_id=card_type_id)
    pay, get = clean_bonus(bonus_pay, bonus_get)
    approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                  permission=Permission.SETTINGS)
    before = audit.snapshot(card_type)
    card_type.name, card_type.bonus_pay, card_type.bonus_get = clean, pay, get
    card_type.discounts_apply = discounts_apply
    session.add(card_type)
    session.flush()
    audit.record(session, staff_id=staff_id, action="update_card_type", entity="card_type",
                 entity_id=card_type.id, before=before, after=audit.snapshot(card_type),
                 approved_by=approver)
    return _row(card_type, _cards_of(session, card_type_id))


@boundary
def set_card_type_active(session: Session, *, staff_id: int, card_type_id: int,
                         active: bool, approved_by: int | None = None) -> CardTypeRow:
    """Retire a type (no new top-up of it; its cards keep their money and still pay) or
    bring it back."""
    card_type = load_card_type(session, card_type_id)
    approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                  permission=Permission.SETTINGS)
    before = {"active": card_type.active}
    card_type.active = active
    session.add(card_type)
    audit.record(session, staff_id=staff_id, action="set_card_type_active",
                 entity="card_type", entity_id=card_type.id, before=before,
                 after={"active": active}, approved_by=approver)
    return _row(card_type, _cards_of(session, card_type_id))


def _cards_of(session: Session, card_type_id: int) -> int:
    return int(session.execute(select(func.count()).select_from(_CARD).where(
        _CARD.c.card_type_id == card_type_id)).scalar_one())


# ---------------------------------------------------------------- history


@boundary
def card_type_history(session: Session, *, card_type_id: int, limit: int = 100,
                      offset: int = 0) -> list[CardTypeEntry]:
    """A page of every entry (top-up, payment, refund, adjustment, merge) on the cards of a
    type, across customers, newest first, each with what all the type's cards hold after
    it. Cards belong to the type by their link, whatever they are called.

    The page's ids come first (the entries of the type's cards, newest first), then the
    page's rows, and the balance before its oldest row is one SUM over the same join
    (through the ledger's (customer, account, card) index)."""
    load_card_type(session, card_type_id)
    if limit < 0 or offset < 0:
        raise ValidationError(_("Paging must not be negative."), field="limit")
    limit = min(limit, MAX_PAGE)
    joined = _LE.join(_CARD, (_CARD.c.id == _LE.c.card_id)
                      & (_CARD.c.customer_id == _LE.c.customer_id))
    conditions = (_CARD.c.card_type_id == card_type_id, _LE.c.account == "value")
    ids = list(session.execute(
        select(_LE.c.id).select_from(joined).where(*conditions)
        .order_by(_LE.c.id.desc()).limit(limit).offset(offset)).scalars())
    if not ids:
        return []
    statement = (
        select(_LE.c.id, _LE.c.created_at, _LE.c.customer_id, _LE.c.amount, _LE.c.kind,
               _LE.c.reason, _CARD.c.name.label("card_name"),
               _CUSTOMER.c.code.label("customer_code"),
               _CUSTOMER.c.name.label("customer_name"),
               _STAFF.c.name.label("operator_name"), _INVOICE.c.code.label("invoice_code"))
        .select_from(joined.join(_CUSTOMER, _CUSTOMER.c.id == _LE.c.customer_id)
                     .outerjoin(_STAFF, _STAFF.c.id == _LE.c.operator_id)
                     .outerjoin(_INVOICE, (_LE.c.ref_type == "invoice")
                                & (_INVOICE.c.id == _LE.c.ref_id)))
        .where(_LE.c.id.in_(ids))
        .order_by(_LE.c.id)
    )
    page = list(session.execute(statement))
    running = int(session.execute(
        select(func.coalesce(func.sum(_LE.c.amount), 0)).select_from(joined)
        .where(*conditions, _LE.c.id < page[0].id)).scalar_one())
    rows = []
    for r in page:  # oldest first: carry the type's balance through the page
        running += r.amount
        rows.append(CardTypeEntry(
            id=r.id, created_at=r.created_at, customer_id=r.customer_id,
            customer_code=r.customer_code, customer_name=r.customer_name,
            card_name=r.card_name, amount=r.amount, kind=r.kind, reason=r.reason,
            balance_after=running, invoice_code=r.invoice_code,
            operator_name=r.operator_name))
    rows.reverse()
    return rows
