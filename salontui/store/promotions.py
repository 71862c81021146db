"""Promotions: programs the salon runs, and promotions given to customers.

A program has a name, a description, a validity window (``valid_from`` ..
``valid_until``, both inclusive; no end = open-ended) and a discount: a
percentage or a fixed amount in minor units (not both; neither is allowed,
for a gift or a free service described in words). A program that is switched
off, not started yet or ended cannot be given.

Giving a program to a customer makes a promotion with the next KM code
(KM000001, KM000002, …: sequential, never reused). Its expiry defaults to the
program's ``valid_until`` and cannot be later than it, nor before today.
Each write is one audit row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session

from salontui.i18n import _
from salontui.store import audit, clock, codes
from salontui.store.bounds import boundary, check_expiry
from salontui.store.errors import NotFound, RuleViolation, ValidationError
from salontui.store.models import Customer, CustomerPromotion, PromotionProgram, stored_id, table_of
from salontui.store.money import MAX_AMOUNT_MINOR, format_money
from salontui.store.numbers import NumberTexts, whole_number
from salontui.store.settings import get_settings
from salontui.store.staff import require_staff
from salontui.store.text import clean_line

MAX_NAME = 120
MAX_DESCRIPTION = 500
MAX_NOTE = 250

_PROGRAM = table_of(PromotionProgram)
_PROMO = table_of(CustomerPromotion)


@dataclass(frozen=True)
class ProgramRow:
    id: int
    name: str
    description: str
    valid_from: date
    valid_until: date | None
    active: bool
    discount_percent: int
    discount_amount: int


@dataclass(frozen=True)
class CustomerPromotionRow:
    id: int
    customer_id: int
    program_id: int
    code: str
    program_name: str
    detail: str
    created_at: datetime
    expires_on: date | None
    used_on: date | None
    note: str


def _program_row(row: PromotionProgram) -> ProgramRow:
    return ProgramRow(id=stored_id(row), name=row.name, description=row.description,
                      valid_from=row.valid_from, valid_until=row.valid_until, active=row.active,
                      discount_percent=row.discount_percent,
                      discount_amount=row.discount_amount)


def detail_text(session: Session, *, description: str, discount_percent: int,
                discount_amount: int) -> str:
    """What a promotion gives, in words: "10% off · Hair services only"."""
    parts = []
    if discount_percent:
        parts.append(_("{discount} off").format(discount=f"{discount_percent}%"))
    if discount_amount:
        s = get_settings(session)
        parts.append(_("{discount} off").format(discount=format_money(
            discount_amount, currency=s.currency, exponent=s.currency_exponent,
            locale=s.locale)))
    if description:
        parts.append(description)
    return " · ".join(parts)


@boundary
def create_program(session: Session, *, staff_id: int, name: str, description: str = "",
                   valid_from: date | None = None, valid_until: date | None = None,
                   discount_percent: int = 0, discount_amount: int = 0) -> ProgramRow:
    """Add a promotion program (active). ``valid_from`` defaults to today."""
    require_staff(session, staff_id)
    clean_name = clean_line(name, field="name", limit=MAX_NAME, required=_("Name is required."),
                            too_long=_("Name is longer than {limit} characters."))
    clean_description = clean_line(description, field="description", limit=MAX_DESCRIPTION,
                                   too_long=_("Description is longer than {limit} characters."))
    start = valid_from or clock.today()
    if valid_until is not None and valid_until < start:
        raise ValidationError(_("The end date is before the start date."), field="valid_until")
    if valid_until is not None:
        check_expiry(valid_until, field="valid_until", today=clock.today())
    percent = whole_number(discount_percent, field="discount_percent", texts=NumberTexts(
        not_whole=_("Discount percentage must be a whole number.")))
    if not 0 <= percent <= 100:
        raise ValidationError(_("Discount percentage must be between 0 and 100."),
                              field="discount_percent")
    amount = whole_number(discount_amount, field="discount_amount", texts=NumberTexts(
        not_whole=_("Discount amount must be a whole number.")))
    if amount < 0:
        raise ValidationError(_("Discount amount cannot be negative."), field="discount_amount")
    if amount > MAX_AMOUNT_MINOR:
        raise ValidationError(_("That amount is too large."), field="discount_amount")
    if percent and amount:
        raise ValidationError(_("Give a percentage or an amount off, not both."),
                              field="discount_amount")
    row = PromotionProgram(name=clean_name, description=clean_description, valid_from=start,
                           valid_until=valid_until, discount_percent=percent,
                           discount_amount=amount, active=True)
    session.add(row)
    session.flush()
    audit.record(session, staff_id=staff_id, action="create_program",
                 entity="promotion_program", entity_id=row.id, after=audit.snapshot(row))
    return _program_row(row)


def _load_program(session: Session, program_id: int) -> PromotionProgram:
    row = session.get(PromotionProgram, program_id)
    if row is None:
        raise NotFound(_("No promotion program #{id}.").format(id=program_id), field="program")
    return row


@boundary
def set_program_active(session: Session, *, staff_id: int, program_id: int,
                       active: bool) -> ProgramRow:
    """Switch a program on or off (off: it can no longer be given; given ones stay)."""
    require_staff(session, staff_id)
    row = _load_program(session, program_id)
    if row.active == bool(active):
        return _program_row(row)
    before = {"active": row.active}
    row.active = bool(active)
    session.add(row)
    audit.record(session, staff_id=staff_id, action="set_program_active",
                 entity="promotion_program", entity_id=row.id, before=before,
                 after={"active": row.active})
    return _program_row(row)


@boundary
def list_programs(session: Session, *, active_only: bool = True,
                  today: date | None = None) -> list[ProgramRow]:
    """Programs by name. ``active_only``: switched on and running today (what can be given)."""
    day = today or clock.today()
    statement = select(*_PROGRAM.c).order_by(_PROGRAM.c.name, _PROGRAM.c.id)
    if active_only:
        statement = statement.where(
            _PROGRAM.c.active.is_(True),
            _PROGRAM.c.valid_from <= day,
            (_PROGRAM.c.valid_until.is_(None)) | (_PROGRAM.c.valid_until >= day),
        )
    return [
        ProgramRow(id=r.id, name=r.name, description=r.description, valid_from=r.valid_from,
                   valid_until=r.valid_until, active=bool(r.active),
                   discount_percent=r.discount_percent, discount_amount=r.discount_amount)
        for r in session.execute(statement)
    ]


# Why a promotion given to a customer cannot be used (see :func:`promotion_problem`).
USED, EXPIRED = "used", "expired"


def promotion_problem(*, used_on: date | None, expires_on: date | None,
                      today: date) -> str | None:
    """Why a given promotion cannot be applied today: :data:`USED` (once only) or
    :data:`EXPIRED` (its last day is before today); None when it can."""
    if used_on is not None:
        return USED
    if expires_on is not None and expires_on < today:
        return EXPIRED
    return None


def usable_promotions(promotions: list, *, today: date) -> list:
    """The promotions of ``promotions`` (rows with ``used_on`` and ``expires_on``) that can
    be applied today, in their order."""
    return [p for p in promotions
            if promotion_problem(used_on=p.used_on, expires_on=p.expires_on, today=today)
            is None]


def _refuse_unavailable(program: PromotionProgram, day: date) -> None:
    if not program.active:
        raise RuleViolation(_("The program '{name}' is switched off.").format(
            name=program.name), field="program")
    if program.valid_from > day:
        raise RuleViolation(
            _("The program '{name}' starts on {date}.").format(
                name=program.name, date=program.valid_from.isoformat()),
            field="program")
    if program.valid_until is not None and program.valid_until < day:
        raise RuleViolation(
            _("The program '{name}' ended on {date}.").format(
                name=program.name, date=program.valid_until.isoformat()),
            field="program")


def _promotion_row(session: Session, promo: CustomerPromotion,
                   program: PromotionProgram) -> CustomerPromotionRow:
    return CustomerPromotionRow(
        id=stored_id(promo), customer_id=promo.customer_id, program_id=stored_id(program),
        code=promo.code,
        program_name=program.name,
        detail=detail_text(session, description=program.description,
                           discount_percent=program.discount_percent,
                           discount_amount=program.discount_amount),
        created_at=promo.created_at, expires_on=promo.expires_on, used_on=promo.used_on,
        note=promo.note,
    )


@boundary
def give_promotion(session: Session, *, staff_id: int, customer_id: int, program_id: int,
                   expires_on: date | None = None, note: str = "") -> CustomerPromotionRow:
    """Give a running program to a customer, with the next KM code.

    The expiry defaults to the program's end; it cannot be before today nor
    after the program's end.
    """
    require_staff(session, staff_id)
    clean_note = clean_line(note, field="note", limit=MAX_NOTE,
                            too_long=_("Note is longer than {limit} characters."))
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(_("No customer #{id}.").format(id=customer_id), field="customer")
    if customer.deleted_at is not None:
        raise RuleViolation(_("{name} is deleted; restore them first.").format(
            name=customer.name), field="customer")
    program = _load_program(session, program_id)
    day = clock.today()
    _refuse_unavailable(program, day)
    expiry = expires_on if expires_on is not None else program.valid_until
    if expiry is not None:
        if expiry < day:
            raise ValidationError(_("The expiry date is in the past."), field="expires_on")
        if expires_on is not None:
            check_expiry(expires_on, field="expires_on", today=day)
        if program.valid_until is not None and expiry > program.valid_until:
            raise ValidationError(
                _("The expiry cannot be after the program ends ({date}).").format(
                    date=program.valid_until.isoformat()), field="expires_on")
    promo = CustomerPromotion(customer_id=customer_id, program_id=stored_id(program),
                              code=codes.next_code(session, codes.PROMOTION),
                              created_at=clock.now(), expires_on=expiry, note=clean_note)
    session.add(promo)
    session.flush()
    audit.record(session, staff_id=staff_id, action="give_promotion",
                 entity="customer_promotion", entity_id=promo.id, after=audit.snapshot(promo))
    return _promotion_row(session, promo, program)


@boundary
def list_customer_promotions(session: Session, *,
                             customer_id: int) -> list[CustomerPromotionRow]:
    """A customer's promotions, newest first, with the program's name and what it gives."""
    statement = (
        select(_PROMO.c.id, _PROMO.c.customer_id, _PROMO.c.program_id, _PROMO.c.code,
               _PROGRAM.c.name, _PROGRAM.c.description, _PROGRAM.c.discount_percent,
               _PROGRAM.c.discount_amount, _PROMO.c.created_at, _PROMO.c.expires_on,
               _PROMO.c.used_on, _PROMO.c.note)
        .join(_PROGRAM, _PROGRAM.c.id == _PROMO.c.program_id)
        .where(_PROMO.c.customer_id == customer_id)
        .order_by(_PROMO.c.id.desc())
    )
    return [
        CustomerPromotionRow(
            id=r[0], customer_id=r[1], program_id=r[2], code=r[3], program_name=r[4],
            detail=detail_text(session, description=r[5], discount_percent=r[6],
                               discount_amount=r[7]),
            created_at=r[8], expires_on=r[9], used_on=r[10], note=r[11])
        for r in session.execute(statement)
    ]
