"""The customer list: every live customer, filtered by what loyalty and care ask about,
counted and paged in SQL.

A :class:`CustomerFilter` combines any of: member state, tier, birthday month, last visit
on or after / before a day, total spend from / to, owes or owes nothing, a package in use
expiring within N days, not visited since a day, and a care type received. Every
condition narrows (they are ANDed); an empty filter is every customer not deleted.

How each is asked, so that 100,000 customers and ~1,000,000 invoices answer in tens of
milliseconds (see ``bench/bench_loyalty.py``):

* the customer's own columns by their indexes: ``ix_customer_tier``,
  ``ix_customer_member_state``; the birthday's month by an expression both engines read
  (the ISO text's characters 6-7 on SQLite, ``to_char`` on PostgreSQL, as the reminders'
  birthdays do);
* owing: the customers whose debt ledger sums above zero, one grouped pass over the
  ledger's ``(account, customer_id, amount)`` index (``ix_ledger_account_customer``);
* visits: ``EXISTS`` on the invoice's ``(customer_id, created_at)`` index: a visit is an
  invoice (as the search's "Last visit" column reads it), its day the salon's calendar
  day;
* a package expiring, a care type received: the set of customers with one, from the
  package's and the care note's own rows;
* spend: the header's one rule of spend (:data:`salontui.store.summary.SPEND_SQL`), per
  customer, asked last. It is the costly one (the rule reads each invoice's payments): a
  spend range alone over 100,000 customers takes seconds; with another condition, only
  what that one left.

The first tier is also the tier of a customer without one (``tier_id`` NULL).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, and_, exists, func, literal_column, or_, select
from sqlmodel import Session

from salontui.i18n import _
from salontui.store import clock
from salontui.store.bounds import MAX_DATE, boundary
from salontui.store.day.times import day_bounds, salon_day, salon_offset
from salontui.store.errors import NotFound, ValidationError
from salontui.store.kinds import CareType, MemberState
from salontui.store.models import (
    CareNote,
    Customer,
    CustomerPackage,
    Invoice,
    LedgerEntry,
    Tier,
    table_of,
)
from salontui.store.money import MAX_AMOUNT_MINOR

MAX_PACKAGE_DAYS = 3660  # ten years: further is a typing slip
MAX_LIMIT = 1000  # rows of one page
ORDERS = ("code", "name", "last_visit")

_C = table_of(Customer)
_LE = table_of(LedgerEntry)
_I = table_of(Invoice)
_P = table_of(CustomerPackage)
_N = table_of(CareNote)
_T = table_of(Tier)


@dataclass(frozen=True)
class CustomerFilter:
    """What the list shows; None (or False for ``has_debt``'s "either") is "any"."""

    member_state: str | None = None  # kinds.MemberState
    tier_id: int | None = None
    birthday_month: int | None = None  # 1..12
    visited_after: date | None = None  # last visit on or after this day
    visited_before: date | None = None  # visited, and last before this day
    spend_min: int | None = None  # total spend (the header's) at least, minor units
    spend_max: int | None = None  # … at most
    has_debt: bool | None = None  # True: owes something; False: owes nothing
    package_days: int | None = None  # a package in use expiring within these days
    not_visited_since: date | None = None  # no visit on or after this day (or never)
    care_type: str | None = None  # kinds.CareType: a care note of this type received

    def is_empty(self) -> bool:
        return self == CustomerFilter()


@dataclass(frozen=True)
class CustomerListRow:
    """One line of the list."""

    id: int
    code: str
    name: str
    phone: str
    tier: str  # the tier's name
    member_state: str
    last_visit: datetime | None
    spend: int
    debt: int
    points: int


@dataclass(frozen=True)
class TierChoice:
    """A tier the filter offers (the first tier first)."""

    id: int
    name: str
    active: bool


def tier_choices(session: Session) -> list[TierChoice]:
    """Every tier, in rank order: what a filter by tier offers (a retired tier may still
    be held)."""
    return [TierChoice(id=tid, name=name, active=bool(active)) for tid, name, active in
            session.execute(select(_T.c.id, _T.c.name, _T.c.active)
                            .order_by(_T.c.position, _T.c.id))]


# -- checking a filter --------------------------------------------------------------------


def check_filter(session: Session, wanted: CustomerFilter) -> CustomerFilter:
    """``wanted`` if every part of it can be asked; else a ValidationError (or NotFound for
    a tier that is not there) at the part's own field (named as the dataclass names it)."""
    if wanted.member_state is not None and wanted.member_state not in tuple(MemberState):
        raise ValidationError(_("Member state must be one of {states}.").format(
            states=", ".join(MemberState)), field="member_state")
    if wanted.tier_id is not None and session.get(Tier, wanted.tier_id) is None:
        raise NotFound(_("No tier #{id}.").format(id=wanted.tier_id), field="tier_id")
    if wanted.birthday_month is not None and not 1 <= wanted.birthday_month <= 12:
        raise ValidationError(_("A month is 1 to 12."), field="birthday_month")
    if (wanted.visited_after is not None and wanted.visited_before is not None
            and wanted.visited_after >= wanted.visited_before):
        raise ValidationError(_("The last visit cannot be both on or after the first day "
                                "and before the second: the second must be later."),
                              field="visited_before")
    for name, value in (("spend_min", wanted.spend_min), ("spend_max", wanted.spend_max)):
        if value is not None and value < 0:
            raise ValidationError(_("Spend cannot be negative."), field=name)
        if value is not None and value > MAX_AMOUNT_MINOR:
            raise ValidationError(_("That amount is too large."), field=name)
    if (wanted.spend_min is not None and wanted.spend_max is not None
            and wanted.spend_min > wanted.spend_max):
        raise ValidationError(_("The highest spend is lower than the lowest."),
                              field="spend_max")
    if wanted.package_days is not None and not 0 <= wanted.package_days <= MAX_PACKAGE_DAYS:
        raise ValidationError(_("Days are 0 to {n}.").format(n=f"{MAX_PACKAGE_DAYS:,}"),
                              field="package_days")
    if wanted.care_type is not None and wanted.care_type not in tuple(CareType):
        raise ValidationError(_("Type must be one of {types}.").format(
            types=", ".join(CareType)), field="care_type")
    return wanted


# -- the conditions -------------------------------------------------------------------------


def _month(session: Session):
    """A birthday's month as "MM" (see the module)."""
    if session.get_bind().dialect.name == "sqlite":
        return func.substr(_C.c.birthday, 6, 2)
    return func.to_char(_C.c.birthday, "MM")


def spend_expression():
    """The header's spend (``summary.SPEND_SQL``) of the customer row being filtered: the
    same SQL, its customer parameter read from the outer ``customer`` row."""
    from salontui.store import summary

    return literal_column("(" + re.sub(r":c\b", "customer.id", summary.SPEND_SQL) + ")")


def _first_tier_id(session: Session) -> int | None:
    return session.execute(select(_T.c.id).order_by(_T.c.position, _T.c.id).limit(1)
                           ).scalar_one_or_none()


def _tier_condition(session: Session, tier_id: int) -> ColumnElement[bool]:
    """The customers of a tier. A customer without one (NULL) holds the first tier: asked
    only if there is such a customer (one probe of the tier's index), since ``tier_id = x
    OR tier_id IS NULL`` keeps SQLite from driving the query by the other conditions (the
    debtors' few thousand ids, say): five times slower on the first tier at 100,000."""
    if tier_id == _first_tier_id(session) and session.execute(
            select(_C.c.id).where(_C.c.tier_id.is_(None)).limit(1)).first() is not None:
        return or_(_C.c.tier_id == tier_id, _C.c.tier_id.is_(None))
    return _C.c.tier_id == tier_id


def _today(session: Session) -> date:
    return salon_day(clock.now(), salon_offset(session))


def _visits(since: datetime, *, before: bool = False):
    """EXISTS a visit (an invoice) of the outer customer at or after ``since`` (or, with
    ``before``, before it)."""
    moment = _I.c.created_at < since if before else _I.c.created_at >= since
    return exists().where(_I.c.customer_id == _C.c.id, moment)


def conditions(session: Session, wanted: CustomerFilter, *, today: date | None = None) -> list:
    """The WHERE conditions of ``wanted`` on the ``customer`` table (checked first), the
    cheap ones first and spend last."""
    check_filter(session, wanted)
    offset = salon_offset(session)
    found: list[ColumnElement[bool]] = [_C.c.deleted_at.is_(None)]
    if wanted.member_state is not None:
        found.append(_C.c.member_state == wanted.member_state)
    if wanted.tier_id is not None:
        found.append(_tier_condition(session, wanted.tier_id))
    if wanted.birthday_month is not None:
        found.append(_C.c.birthday.is_not(None))
        found.append(_month(session) == f"{wanted.birthday_month:02d}")
    if wanted.has_debt is not None:
        owing = (select(_LE.c.customer_id).where(_LE.c.account == "debt")
                 .group_by(_LE.c.customer_id).having(func.sum(_LE.c.amount) > 0))
        found.append(_C.c.id.in_(owing) if wanted.has_debt else _C.c.id.not_in(owing))
    if wanted.package_days is not None:
        day = today or _today(session)
        last = min(day + timedelta(days=wanted.package_days), MAX_DATE)
        # In use as rules.package_status says: not closed, not reserved today, not expired,
        # a session left (a time card has no count).
        in_use = (select(_P.c.customer_id).where(
            _P.c.expires_on >= day, _P.c.expires_on <= last, _P.c.closed_on.is_(None),
            or_(_P.c.kind == "time", _P.c.used < _P.c.total_uses),
            ~and_(_P.c.frozen_from.is_not(None), _P.c.frozen_until.is_not(None),
                  _P.c.frozen_from <= day, _P.c.frozen_until > day)))
        found.append(_C.c.id.in_(in_use))
    if wanted.care_type is not None:
        cared = select(_N.c.customer_id).where(_N.c.type == wanted.care_type,
                                               _N.c.deleted_at.is_(None))
        found.append(_C.c.id.in_(cared))
    if wanted.visited_after is not None:
        found.append(_visits(day_bounds(wanted.visited_after, offset)[0]))
    if wanted.visited_before is not None:
        start = day_bounds(wanted.visited_before, offset)[0]
        found.append(_visits(start, before=True))
        found.append(~_visits(start))
    if wanted.not_visited_since is not None:
        found.append(~_visits(day_bounds(wanted.not_visited_since, offset)[0]))
    if wanted.spend_min is not None or wanted.spend_max is not None:
        spend = spend_expression()
        if wanted.spend_min is not None:
            found.append(spend >= wanted.spend_min)
        if wanted.spend_max is not None:
            found.append(spend <= wanted.spend_max)
    return found


# -- reading --------------------------------------------------------------------------------


@boundary
def count_customers(session: Session, wanted: CustomerFilter, *,
                    today: date | None = None) -> int:
    """How many live customers ``wanted`` matches."""
    statement = select(func.count()).select_from(_C).where(
        *conditions(session, wanted, today=today))
    return int(session.execute(statement).scalar_one())


@boundary
def customer_ids(session: Session, wanted: CustomerFilter, *,
                 today: date | None = None) -> list[int]:
    """The ids of every customer ``wanted`` matches, in id order ("select all matching")."""
    statement = select(_C.c.id).where(*conditions(session, wanted, today=today)).order_by(
        _C.c.id)
    return [int(cid) for cid in session.execute(statement).scalars()]


def _last_visit():
    return (select(func.max(_I.c.created_at)).where(_I.c.customer_id == _C.c.id)
            .scalar_subquery())


def _balance(account: str):
    return (select(func.coalesce(func.sum(_LE.c.amount), 0))
            .where(_LE.c.customer_id == _C.c.id, _LE.c.account == account)
            .scalar_subquery())


@boundary
def list_customers(session: Session, wanted: CustomerFilter, *, limit: int = 100,
                   offset: int = 0, order: str = "code",
                   today: date | None = None) -> list[CustomerListRow]:
    """A page of the customers ``wanted`` matches: by code, by name, or by last visit
    (latest first, never visited last). The page's ids come first (filter, order, limit
    in SQL), then their columns, so spend and balances are read for the page only."""
    if order not in ORDERS:
        raise ValidationError(_("Order by one of {orders}.").format(orders=", ".join(ORDERS)),
                              field="order")
    if not 0 <= limit <= MAX_LIMIT:
        raise ValidationError(_("A page has 0 to {n} rows.").format(n=MAX_LIMIT),
                              field="limit")
    if offset < 0:
        raise ValidationError(_("Paging must not be negative."), field="offset")
    keys = {"code": [_C.c.code],
            "name": [_C.c.name_norm, _C.c.id],
            "last_visit": [_last_visit().desc().nulls_last(), _C.c.id]}[order]
    page = select(_C.c.id).where(*conditions(session, wanted, today=today)).order_by(
        *keys).limit(limit).offset(offset)
    ids = [int(cid) for cid in session.execute(page).scalars()]
    if not ids:
        return []
    statement = select(
        _C.c.id, _C.c.code, _C.c.name, _C.c.phone, _C.c.tier, _C.c.member_state,
        _last_visit(), spend_expression(), _balance("debt"), _balance("points"),
    ).where(_C.c.id.in_(ids))
    found = {}
    for r in session.execute(statement):
        last = r[6]
        if isinstance(last, str):  # (SQLite hands back a literal column's text as is)
            last = datetime.fromisoformat(last)
        found[r[0]] = CustomerListRow(id=r[0], code=r[1], name=r[2], phone=r[3], tier=r[4],
                                      member_state=r[5], last_visit=last, spend=int(r[7]),
                                      debt=int(r[8]), points=int(r[9]))
    return [found[cid] for cid in ids if cid in found]
