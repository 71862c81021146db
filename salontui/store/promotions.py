"""Promotions: programs the salon runs, and promotions given to customers.

A program has a name, a description, a validity window (``valid_from`` ..
``valid_until``, both inclusive; no end = open-ended) and a discount: a
percentage or a fixed amount in minor units (not both; neither is allowed,
for a gift or a free service described in words), taken off what its
``scope`` says (:class:`~salontui.store.kinds.ProgramScope`: every sales line,
the services only or the products only: the checkout's
``cart.promotion_discount``). A program that is switched off, not started yet
or ended cannot be given, nor one a customer already has as many times as its
``per_customer_limit`` allows (None: no limit).

Giving a program to a customer makes a promotion with the next KM code
(KM000001, KM000002, …: one sequence for every program, sequential, never
reused), after the program's ``code_prefix`` if it has one (TET- gives
TET-KM000012); so codes never collide whatever the prefixes, and a prefix may
not start like one of the salon's own code series (KH, HD, KM, DV), which
would read as a customer's, an invoice's… code. Its expiry defaults to the
program's ``valid_until`` and cannot be later than it, nor before today.

Editing a program (:func:`update_program`) changes what it gives from then on:
the promotions already given keep their codes and expiry, and take off what the
program says when they are used. Each write is one audit row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlmodel import Session

from salontui.i18n import _, ngettext
from salontui.store import audit, clock, codes
from salontui.store.admin.permissions import require_permission
from salontui.store.bounds import boundary, check_expiry
from salontui.store.db import for_update
from salontui.store.errors import NotFound, RuleViolation, ValidationError
from salontui.store.kinds import LineKind, MemberState, Permission, ProgramScope
from salontui.store.models import Customer, CustomerPromotion, PromotionProgram, stored_id, table_of
from salontui.store.money import MAX_AMOUNT_MINOR, format_money
from salontui.store.numbers import NumberTexts, whole_number
from salontui.store.settings import get_settings
from salontui.store.staff import require_staff
from salontui.store.text import clean_line

MAX_NAME = 120
MAX_DESCRIPTION = 500
MAX_NOTE = 250
MAX_PREFIX = 6
MAX_PER_CUSTOMER = 1000  # beyond that "no limit" is what is meant
MAX_POINTS_PRICE = 1_000_000  # points a code may cost (a typo beyond that)
SCOPES = tuple(ProgramScope)
# The line kinds each scope's discount is taken off (SALES_LINE_KINDS for "all").
SCOPE_KINDS: dict[str, tuple[str, ...]] = {
    ProgramScope.ALL: (LineKind.SERVICE, LineKind.PRODUCT, LineKind.PACKAGE),
    ProgramScope.SERVICES: (LineKind.SERVICE,),
    ProgramScope.PRODUCTS: (LineKind.PRODUCT,),
}
# The salon's own code series (store/codes.py): a prefix may not start like one of them.
OWN_SERIES = tuple(sequence[1] for sequence in (codes.CUSTOMER, codes.INVOICE, codes.PROMOTION,
                                                codes.CATALOG))
_PREFIX = re.compile(r"[A-Z0-9-]*")

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
    scope: str = ProgramScope.ALL
    per_customer_limit: int | None = None
    code_prefix: str = ""
    given: int = 0  # promotions given from it (used or not)
    detail: str = ""  # what it takes off, in words: "20% off services"
    points_price: int | None = None  # a customer may buy a code of it with points


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


def discount_text(session: Session, *, discount_percent: int, discount_amount: int,
                  scope: str = ProgramScope.ALL) -> str:
    """What a program takes off, in words ("10% off", "50.000 ₫ off services"); "" for none."""
    if discount_percent:
        discount = f"{discount_percent}%"
    elif discount_amount:
        s = get_settings(session)
        discount = format_money(discount_amount, currency=s.currency,
                                exponent=s.currency_exponent, locale=s.locale)
    else:
        return ""
    if scope == ProgramScope.SERVICES:
        return _("{discount} off services").format(discount=discount)
    if scope == ProgramScope.PRODUCTS:
        return _("{discount} off products").format(discount=discount)
    return _("{discount} off").format(discount=discount)


def detail_text(session: Session, *, description: str, discount_percent: int,
                discount_amount: int, scope: str = ProgramScope.ALL) -> str:
    """What a promotion gives, in words: "10% off services · Tết only"."""
    parts = [discount_text(session, discount_percent=discount_percent,
                           discount_amount=discount_amount, scope=scope), description]
    return " · ".join(part for part in parts if part)


def _program_row(session: Session, row: PromotionProgram, given: int = 0) -> ProgramRow:
    return ProgramRow(id=stored_id(row), name=row.name, description=row.description,
                      valid_from=row.valid_from, valid_until=row.valid_until, active=row.active,
                      discount_percent=row.discount_percent,
                      discount_amount=row.discount_amount, scope=row.scope,
                      per_customer_limit=row.per_customer_limit, code_prefix=row.code_prefix,
                      given=given, points_price=row.points_price,
                      detail=discount_text(session, discount_percent=row.discount_percent,
                                           discount_amount=row.discount_amount,
                                           scope=row.scope))


def clean_prefix(prefix: str) -> str:
    """A program's code prefix, upper-cased: up to :data:`MAX_PREFIX` letters, digits or -,
    not starting like one of the salon's own code series."""
    clean = (prefix or "").strip().upper()
    if len(clean) > MAX_PREFIX or not _PREFIX.fullmatch(clean):
        raise ValidationError(_("A code prefix is up to {limit} letters, digits or -.").format(
            limit=MAX_PREFIX), field="code_prefix")
    own = next((series for series in OWN_SERIES if clean.startswith(series)), None)
    if own is not None:
        raise ValidationError(_("A code prefix cannot start with {series}: that is how the "
                                "salon's own codes start.").format(series=own),
                              field="code_prefix")
    return clean


def _clean_program(*, name: str, description: str, valid_from: date, valid_until: date | None,
                   discount_percent: int, discount_amount: int, scope: str,
                   per_customer_limit: int | None, code_prefix: str,
                   points_price: int | None = None) -> dict:
    """The fields of a program as stored, each refused at its field."""
    clean_name = clean_line(name, field="name", limit=MAX_NAME, required=_("Name is required."),
                            too_long=_("Name is longer than {limit} characters."))
    clean_description = clean_line(description, field="description", limit=MAX_DESCRIPTION,
                                   too_long=_("Description is longer than {limit} characters."))
    if valid_until is not None and valid_until < valid_from:
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
    if scope not in SCOPES:
        raise ValidationError(_("A program's discount is on all sales, services or products."),
                              field="scope")
    if per_customer_limit is not None:
        limit = whole_number(per_customer_limit, field="per_customer_limit", texts=NumberTexts(
            not_whole=_("The limit per customer must be a whole number.")))
        if not 1 <= limit <= MAX_PER_CUSTOMER:
            raise ValidationError(_("The limit per customer must be 1 to {max}, or none.")
                                  .format(max=MAX_PER_CUSTOMER), field="per_customer_limit")
        per_customer_limit = limit
    if points_price is not None:
        price = whole_number(points_price, field="points_price", texts=NumberTexts(
            not_whole=_("The points price must be a whole number.")))
        if not 1 <= price <= MAX_POINTS_PRICE:
            raise ValidationError(_("The points price must be 1 to {max} points, or none.")
                                  .format(max=f"{MAX_POINTS_PRICE:,}"), field="points_price")
        points_price = price
    return {"name": clean_name, "description": clean_description, "valid_from": valid_from,
            "valid_until": valid_until, "discount_percent": percent, "discount_amount": amount,
            "scope": str(ProgramScope(scope)), "per_customer_limit": per_customer_limit,
            "code_prefix": clean_prefix(code_prefix), "points_price": points_price}


@boundary
def create_program(session: Session, *, staff_id: int, name: str, description: str = "",
                   valid_from: date | None = None, valid_until: date | None = None,
                   discount_percent: int = 0, discount_amount: int = 0,
                   scope: str = ProgramScope.ALL, per_customer_limit: int | None = None,
                   code_prefix: str = "", points_price: int | None = None,
                   approved_by: int | None = None) -> ProgramRow:
    """Add a promotion program (active). ``valid_from`` defaults to today; with a
    ``points_price`` a customer may buy a code of it with points
    (:func:`redeem_points_for_code`)."""
    fields = _clean_program(name=name, description=description,
                            valid_from=valid_from or clock.today(), valid_until=valid_until,
                            discount_percent=discount_percent, discount_amount=discount_amount,
                            scope=scope, per_customer_limit=per_customer_limit,
                            code_prefix=code_prefix, points_price=points_price)
    approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                  permission=Permission.SETTINGS)
    row = PromotionProgram(active=True, **fields)
    session.add(row)
    session.flush()
    audit.record(session, staff_id=staff_id, action="create_program",
                 entity="promotion_program", entity_id=row.id, after=audit.snapshot(row),
                 approved_by=approver)
    return _program_row(session, row)


def _load_program(session: Session, program_id: int, *, lock: bool = False) -> PromotionProgram:
    statement = select(PromotionProgram).where(_PROGRAM.c.id == program_id)
    row = session.execute(for_update(statement, session) if lock else statement).scalar()
    if row is None:
        raise NotFound(_("No promotion program #{id}.").format(id=program_id), field="program")
    return row


def _given(session: Session, program_id: int, customer_id: int | None = None) -> int:
    """How many promotions were given from a program (to one customer, if given)."""
    statement = select(func.count()).select_from(_PROMO).where(
        _PROMO.c.program_id == program_id)
    if customer_id is not None:
        statement = statement.where(_PROMO.c.customer_id == customer_id)
    return int(session.execute(statement).scalar_one())


@boundary
def update_program(session: Session, *, staff_id: int, program_id: int, name: str,
                   description: str = "", valid_from: date | None = None,
                   valid_until: date | None = None, discount_percent: int = 0,
                   discount_amount: int = 0, scope: str = ProgramScope.ALL,
                   per_customer_limit: int | None = None, code_prefix: str = "",
                   points_price: int | None = None, approved_by: int | None = None) -> ProgramRow:
    """Change a program (``valid_from`` None: it keeps its start). The promotions already
    given keep their codes and expiry; saving what is there writes nothing."""
    row = _load_program(session, program_id, lock=True)
    fields = _clean_program(name=name, description=description,
                            valid_from=valid_from or row.valid_from, valid_until=valid_until,
                            discount_percent=discount_percent, discount_amount=discount_amount,
                            scope=scope, per_customer_limit=per_customer_limit,
                            code_prefix=code_prefix, points_price=points_price)
    given = _given(session, program_id)
    if all(getattr(row, key) == value for key, value in fields.items()):
        return _program_row(session, row, given)
    approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                  permission=Permission.SETTINGS)
    before = audit.snapshot(row)
    for key, value in fields.items():
        setattr(row, key, value)
    session.add(row)
    session.flush()
    audit.record(session, staff_id=staff_id, action="update_program",
                 entity="promotion_program", entity_id=row.id, before=before,
                 after=audit.snapshot(row), approved_by=approver)
    return _program_row(session, row, given)


@boundary
def set_program_active(session: Session, *, staff_id: int, program_id: int,
                       active: bool, approved_by: int | None = None) -> ProgramRow:
    """Switch a program on or off (off: it can no longer be given; given ones stay)."""
    row = _load_program(session, program_id, lock=True)
    given = _given(session, program_id)
    if row.active == bool(active):
        return _program_row(session, row, given)
    approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                  permission=Permission.SETTINGS)
    before = {"active": row.active}
    row.active = bool(active)
    session.add(row)
    audit.record(session, staff_id=staff_id, action="set_program_active",
                 entity="promotion_program", entity_id=row.id, before=before,
                 after={"active": row.active}, approved_by=approver)
    return _program_row(session, row, given)


@boundary
def list_programs(session: Session, *, active_only: bool = True,
                  today: date | None = None) -> list[ProgramRow]:
    """Programs by name, each with how many promotions it gave. ``active_only``: switched on
    and running today (what can be given)."""
    day = today or clock.today()
    given = (select(_PROMO.c.program_id, func.count().label("n"))
             .group_by(_PROMO.c.program_id).subquery())
    statement = (select(PromotionProgram, func.coalesce(given.c.n, 0))
                 .outerjoin(given, given.c.program_id == _PROGRAM.c.id)
                 .order_by(_PROGRAM.c.name, _PROGRAM.c.id))
    if active_only:
        statement = statement.where(
            _PROGRAM.c.active.is_(True),
            _PROGRAM.c.valid_from <= day,
            (_PROGRAM.c.valid_until.is_(None)) | (_PROGRAM.c.valid_until >= day),
        )
    return [_program_row(session, row, int(n)) for row, n in session.execute(statement)]



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


def promotion_base(*, scope: str, lines: Iterable[tuple[str, int]], manual: int = 0) -> int:
    """What a program of ``scope`` takes its discount off, from a cart's ``lines`` (kind,
    amount): the scope's share of the sales lines, less its share of the invoice's manual
    discount (``manual``, taken off all sales lines in proportion; floored).

    A 20% services-only program on a 200,000 service and a 100,000 product takes 20% of
    200,000; with a 30,000 manual discount, 20% of 180,000."""
    kinds = SCOPE_KINDS.get(scope, SCOPE_KINDS[ProgramScope.ALL])
    sales = share = 0
    for kind, amount in lines:
        if kind in SCOPE_KINDS[ProgramScope.ALL]:
            sales += amount
            if kind in kinds:
                share += amount
    if sales <= 0 or manual >= sales:
        return 0
    return share * (sales - manual) // sales


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


def _refuse_over_limit(session: Session, program: PromotionProgram, customer: Customer) -> None:
    limit = program.per_customer_limit
    if limit is None:
        return
    given = _given(session, stored_id(program), stored_id(customer))
    if given >= limit:
        raise RuleViolation(ngettext(
            "{customer} already has '{name}': it is given once per customer.",
            "{customer} already has '{name}' {given} times: it is given at most {limit} times "
            "per customer.", limit).format(customer=customer.name, name=program.name,
                                           given=given, limit=limit), field="program")


def _promotion_row(session: Session, promo: CustomerPromotion,
                   program: PromotionProgram) -> CustomerPromotionRow:
    return CustomerPromotionRow(
        id=stored_id(promo), customer_id=promo.customer_id, program_id=stored_id(program),
        code=promo.code,
        program_name=program.name,
        detail=detail_text(session, description=program.description,
                           discount_percent=program.discount_percent,
                           discount_amount=program.discount_amount, scope=program.scope),
        created_at=promo.created_at, expires_on=promo.expires_on, used_on=promo.used_on,
        note=promo.note,
    )


@boundary
def give_promotion(session: Session, *, staff_id: int, customer_id: int, program_id: int,
                   expires_on: date | None = None, note: str = "") -> CustomerPromotionRow:
    """Give a running program to a customer, with the next KM code after the program's
    prefix, unless they already have it as many times as it may be given to one customer.

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
    program = _load_program(session, program_id, lock=True)  # two desks: one at a time
    day = clock.today()
    _refuse_unavailable(program, day)
    _refuse_over_limit(session, program, customer)
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
                              code=program.code_prefix
                              + codes.next_code(session, codes.PROMOTION),
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
               _PROMO.c.used_on, _PROMO.c.note, _PROGRAM.c.scope)
        .join(_PROGRAM, _PROGRAM.c.id == _PROMO.c.program_id)
        .where(_PROMO.c.customer_id == customer_id)
        .order_by(_PROMO.c.id.desc())
    )
    return [
        CustomerPromotionRow(
            id=r[0], customer_id=r[1], program_id=r[2], code=r[3], program_name=r[4],
            detail=detail_text(session, description=r[5], discount_percent=r[6],
                               discount_amount=r[7], scope=r[12]),
            created_at=r[8], expires_on=r[9], used_on=r[10], note=r[11])
        for r in session.execute(statement)
    ]


# ---------------------------------------------------------------- codes bought with points
#
# A program with a points price (``points_price``) can be bought by an active member with
# points: :func:`redeem_points_for_code` gives its code the way :func:`give_promotion`
# does (its rules: running, the limit per customer) and takes the price off the points with
# the ledger's own adjustment (``ledger.adjust_points``: never below zero, refused for an
# excluded member, one audit row the integrity check matches to the entry), in the
# caller's one transaction. The entry's reason names the program and the code; the code's
# note says what it cost. :func:`redemption_offer` is what the desk shows before asking.


@dataclass(frozen=True)
class RedeemChoice:
    """A program that can be bought with points, and why this customer cannot buy it now
    ("" when they can)."""

    program: ProgramRow
    problem: str = ""


@dataclass(frozen=True)
class RedemptionOffer:
    """What a customer could buy with points: their balance, why they cannot redeem at all
    ("" when they can: an active member) and the programs with a points price running
    today, cheapest first."""

    customer_id: int
    name: str
    balance: int
    refusal: str
    choices: list[RedeemChoice]


def _lock_member(session: Session, customer_id: int) -> Customer:
    """The customer row, locked on engines that need it (the points are read, then
    written), or NotFound."""
    row = session.execute(for_update(
        select(Customer).where(table_of(Customer).c.id == customer_id), session)).scalar()
    if row is None:
        raise NotFound(_("No customer #{id}.").format(id=customer_id), field="customer")
    return row


def _refuse_not_member(customer: Customer) -> None:
    """Only an active member redeems points: a deleted, excluded or not yet activated
    customer is refused, saying why."""
    if customer.deleted_at is not None:
        raise RuleViolation(_("{name} is deleted; restore them first.").format(
            name=customer.name), field="customer")
    if customer.member_state == MemberState.EXCLUDED:
        if customer.member_reason:
            message = _("{name} is excluded from the loyalty program ({reason}): points "
                        "cannot be redeemed.")
        else:
            message = _("{name} is excluded from the loyalty program: points cannot be "
                        "redeemed.")
        raise RuleViolation(message.format(name=customer.name, reason=customer.member_reason),
                            field="customer")
    if customer.member_state != MemberState.ACTIVE:
        raise RuleViolation(_("{name} is not an active member yet: activate them before "
                              "redeeming points.").format(name=customer.name),
                            field="customer")


def _points_of(session: Session, customer_id: int) -> int:
    from salontui.store.ledger import points_balance

    return points_balance(session, customer_id=customer_id)


def _refuse_redemption(session: Session, customer: Customer, program: PromotionProgram,
                       balance: int) -> int:
    """Every rule of buying ``program`` with points, before anything is written; answers
    its price."""
    price = program.points_price
    if price is None:
        raise RuleViolation(_("The program '{name}' cannot be bought with points.").format(
            name=program.name), field="program")
    _refuse_unavailable(program, clock.today())
    _refuse_over_limit(session, program, customer)
    if balance < price:
        raise RuleViolation(ngettext(
            "{customer} has {left} point; '{name}' costs {price}.",
            "{customer} has {left} points; '{name}' costs {price}.", balance).format(
                customer=customer.name, left=f"{balance:,}", name=program.name,
                price=f"{price:,}"), field="points")
    return price


@boundary
def redemption_offer(session: Session, *, customer_id: int) -> RedemptionOffer:
    """The customer's points, whether they may redeem, and each program running today with
    a points price (cheapest first), with why they cannot buy it now, if so. Reads only."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(_("No customer #{id}.").format(id=customer_id), field="customer")
    balance = _points_of(session, customer_id)
    refusal = ""
    try:
        _refuse_not_member(customer)
    except RuleViolation as error:
        refusal = error.message
    programs = [row for row in list_programs(session, active_only=True)
                if row.points_price is not None]
    programs.sort(key=lambda row: (row.points_price or 0, row.name, row.id))
    choices = []
    for row in programs:
        problem = ""
        if not refusal:
            try:
                _refuse_redemption(session, customer, _load_program(session, row.id), balance)
            except RuleViolation as error:
                problem = error.message
        choices.append(RedeemChoice(program=row, problem=problem))
    return RedemptionOffer(customer_id=customer_id, name=customer.name, balance=balance,
                           refusal=refusal, choices=choices)


@boundary
def check_redemption(session: Session, *, customer_id: int, program_id: int) -> int:
    """Refuse, as :func:`redeem_points_for_code` would, a redemption that cannot be made
    (the desk asks before confirming); answers the points it would cost. Reads only."""
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(_("No customer #{id}.").format(id=customer_id), field="customer")
    _refuse_not_member(customer)
    program = _load_program(session, program_id)
    return _refuse_redemption(session, customer, program, _points_of(session, customer_id))


@boundary
def redeem_points_for_code(session: Session, *, staff_id: int, customer_id: int,
                           program_id: int) -> CustomerPromotionRow:
    """An active member buys a code of ``program_id`` with its points price.

    Refused, before anything is written: an unknown, deleted, excluded or not yet
    activated customer (each said in its own words), a program without a points price,
    switched off, not started or ended, one the customer already has as many times as
    it may be given to one customer, and a balance below the price. Then, in the
    caller's transaction: the code given as :func:`give_promotion` gives it (its
    expiry the program's end; its note what it cost; its audit row) and the price taken
    off the points by ``ledger.adjust_balance`` (reason: the program and the code; its
    audit row; a redemption is no adjustment by hand: no permission). The code shows
    among the customer's promotions and is used at the checkout like any other.
    """
    from salontui.store.ledger import adjust_balance

    require_staff(session, staff_id)
    customer = _lock_member(session, customer_id)
    _refuse_not_member(customer)
    program = _load_program(session, program_id, lock=True)
    price = _refuse_redemption(session, customer, program, _points_of(session, customer_id))
    given = give_promotion(session, staff_id=staff_id, customer_id=customer_id,
                           program_id=program_id,
                           note=ngettext("Bought with {n} point", "Bought with {n} points",
                                         price).format(n=f"{price:,}"))
    adjust_balance(session, staff_id=staff_id, customer_id=customer_id, account="points",
                   amount=-price,
                   reason=_("Points redeemed for '{program}': code {code}").format(
                       program=program.name, code=given.code))
    return given
