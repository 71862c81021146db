"""Reading service packages: the row a screen shows (:class:`PackageRow`, its status and
remaining sessions worked out for a day), a package's history (:class:`PackageEventRow`)
and the pure rules the desk shows before confirming a write.

It is apart from ``packages.py`` (the writes: sell, redeem, extend, freeze, resume,
adjust, close, refund) because most callers only read — the customer's tabs, the
checkout, the visit's cart, the summary, the export — and the writes build on these
rows and rules: ``packages.py`` imports from here, never the other way round.

The status is worked out when read, never stored (see ``packages.py`` for what each
status means and what it allows); a session's value is an equal share of the price
with the rounding remainder on the last session (:func:`per_session_values`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from types import SimpleNamespace

from sqlalchemy import select as sa_select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from salontui.i18n import _
from salontui.store import clock, rules
from salontui.store.bounds import MAX_DATE, boundary
from salontui.store.dates import show_date
from salontui.store.errors import NotFound, ValidationError
from salontui.store.kinds import PackageStatus
from salontui.store.models import AuditLog, CustomerPackage, PackageEvent, Staff
from salontui.store.money import split_minor
from salontui.store.numbers import is_whole
from salontui.store.rules import package_status, plus_days, session_value, sessions_left

STATUSES = tuple(PackageStatus)
IN_USE, RESERVED, EXPIRED, USED_UP, CLOSED = STATUSES

MAX_FREEZE_DAYS = 3650
ENTITY = "customer_package"  # the audit rows' entity (a freeze's end is read from its row)


@dataclass(frozen=True)
class PackageRow:
    id: int
    customer_id: int
    name: str
    kind: str
    price: int
    purchased_on: date
    activated_on: date
    expires_on: date
    total_uses: int
    used: int
    remaining: int | None  # None for time cards (unlimited until expiry)
    status: str
    frozen_from: date | None
    frozen_until: date | None
    per_session_value: int | None  # what the next redemption recognises; None for time cards
    plan_id: int | None
    invoice_id: int | None = None  # the invoice that sold it (None: back-filled, imported)
    closed_on: date | None = None  # closed early (status "closed")


@dataclass(frozen=True)
class PackageEventRow:
    id: int
    package_id: int
    created_at: datetime
    change: str
    delta_total: int
    delta_used: int
    value: int
    old_expiry: date | None
    new_expiry: date | None
    note: str
    operator_name: str  # who did it at the desk (signed in)
    service_staff_name: str  # who did the service (a redemption's technician), or ""
    invoice_id: int | None
    frozen_until: date | None = None  # a freeze ("Reserved"): the day it ends, as planned


# --- pure rules --------------------------------------------------------------------------


# The status itself (closed > reserved > expired > used up > in use) is
# rules.package_status: import it from salontui.store.rules.


def per_session_values(price: int, total: int) -> list[int]:
    """The value of each session: equal shares, remainder on the last (adds up to ``price``)."""
    if total <= 0:
        return []
    return split_minor(price, total)


def _session_value(kind: str, price: int, total: int, index: int) -> int:
    """Value of session number ``index`` (0-based) of a package (rules.session_value)."""
    return session_value(kind=kind, price=price, total_uses=total, index=index)


def _freeze_days(*, days: int | None, until: date | None, today: date) -> int:
    if days is not None and until is not None:
        raise ValidationError(_("Give either a number of days or an end date, not both."),
                              field="days")
    if until is not None:
        if not isinstance(until, date):
            raise ValidationError(_("Enter the end date of the freeze."), field="until")
        days = (until - today).days
        if days < 1:
            raise ValidationError(_("The freeze must end after today."), field="until")
        if days > MAX_FREEZE_DAYS:
            raise ValidationError(_("A freeze lasts at most {days} days.").format(
                days=MAX_FREEZE_DAYS), field="until")
        return days
    if days is None:
        raise ValidationError(_("Enter how many days to freeze the package."), field="days")
    if not is_whole(days):
        raise ValidationError(_("The number of days must be a whole number."), field="days")
    if not 1 <= days <= MAX_FREEZE_DAYS:
        raise ValidationError(_("Freeze for 1 to {days} days.").format(days=MAX_FREEZE_DAYS),
                              field="days")
    return days


def expiry_after_freeze(package: PackageRow, *, days: int | None = None,
                        until: date | None = None, today: date | None = None) -> date:
    """The expiry a freeze would give (for the dialog to show before confirming)."""
    today = today or clock.today()
    return _moved(package.expires_on, _freeze_days(days=days, until=until, today=today))


def _moved(expiry: date, days: int) -> date:
    """The expiry moved out by a freeze; refused past 2100 (an expiry of 31/12/9999 saved
    before expiries were bounded cannot move: correct it first)."""
    try:
        moved = plus_days(expiry, days)
    except OverflowError:
        moved = None
    if moved is None or moved > MAX_DATE:
        raise ValidationError(_("The expiry {date} cannot move further out; correct it "
                                "first.").format(date=show_date(expiry)), field="days")
    return moved


def expiry_after_resume(package: PackageRow, *, today: date | None = None) -> date:
    """The expiry after resuming today: the frozen days not used are given back, so the
    net move is the days actually frozen. Unchanged if the package is not frozen."""
    return rules.expiry_after_resume(expires_on=package.expires_on,
                                     frozen_from=package.frozen_from,
                                     frozen_until=package.frozen_until,
                                     today=today or clock.today())


# --- reading ------------------------------------------------------------------------------

_COLUMNS = tuple(col(column) for column in (
    CustomerPackage.id, CustomerPackage.customer_id, CustomerPackage.name, CustomerPackage.kind,
    CustomerPackage.price, CustomerPackage.purchased_on, CustomerPackage.activated_on,
    CustomerPackage.expires_on, CustomerPackage.total_uses, CustomerPackage.used,
    CustomerPackage.frozen_from, CustomerPackage.frozen_until, CustomerPackage.plan_id,
    CustomerPackage.invoice_id, CustomerPackage.closed_on,
))


def package_row(*, today: date, **columns) -> PackageRow:
    """A PackageRow from plain column values (for reads that select their own columns)."""
    return _to_row(SimpleNamespace(**columns), today)


def _to_row(values, today: date) -> PackageRow:
    """A PackageRow from an ORM row or a selected-columns row (same attribute names)."""
    kind, total, used = values.kind, values.total_uses, values.used
    closed_on = getattr(values, "closed_on", None)
    counted = kind != "time"
    return PackageRow(
        id=values.id, customer_id=values.customer_id, name=values.name, kind=kind,
        price=values.price, purchased_on=values.purchased_on,
        activated_on=values.activated_on, expires_on=values.expires_on, total_uses=total,
        used=used, remaining=sessions_left(kind=kind, total_uses=total, used=used),
        status=package_status(kind=kind, total_uses=total, used=used,
                              expires_on=values.expires_on, frozen_from=values.frozen_from,
                              frozen_until=values.frozen_until, today=today,
                              closed_on=closed_on),
        frozen_from=values.frozen_from, frozen_until=values.frozen_until,
        per_session_value=(_session_value(kind, values.price, total, min(used, total - 1))
                           if counted and total > 0 else None),
        plan_id=values.plan_id, invoice_id=getattr(values, "invoice_id", None),
        closed_on=closed_on,
    )


@boundary
def get_package(session: Session, *, package_id: int, today: date | None = None) -> PackageRow:
    found = session.execute(
        sa_select(*_COLUMNS).where(col(CustomerPackage.id) == package_id)).first()
    if found is None:
        raise NotFound(_("No package #{id}.").format(id=package_id), field="package")
    return _to_row(found, today or clock.today())


@boundary
def list_packages(session: Session, *, customer_id: int,
                  today: date | None = None) -> list[PackageRow]:
    """A customer's packages: those in use first, then by expiry."""
    today = today or clock.today()
    statement = (sa_select(*_COLUMNS).where(col(CustomerPackage.customer_id) == customer_id)
                 .order_by(col(CustomerPackage.expires_on), col(CustomerPackage.id)))
    rows = [_to_row(values, today) for values in session.execute(statement)]
    return sorted(rows, key=lambda row: row.status != IN_USE)  # stable: keeps expiry order


@boundary
def _freeze_ends(session: Session, package_id: int) -> dict[int, date]:
    """The planned end of each freeze of a package, by its event id. The event keeps the
    expiry before and after; the end of the freeze is in the audit row of the freeze
    (the package as it was after it), so it is read from there."""
    statement = sa_select(col(AuditLog.after)).where(
        col(AuditLog.entity) == ENTITY, col(AuditLog.entity_id) == package_id,
        col(AuditLog.action) == "freeze_package")
    ends: dict[int, date] = {}
    for (after,) in session.execute(statement):
        try:
            data = json.loads(after or "{}")
            until = date.fromisoformat(str(data.get("frozen_until"))[:10])
        except (TypeError, ValueError):
            continue
        for event_id in data.get("events") or ():
            ends[event_id] = until
    return ends


@boundary
def package_history(session: Session, *, package_id: int) -> list[PackageEventRow]:
    """Every action on a package, newest first, with who did it at the desk (the operator)
    and who did the service (a redemption's technician); a freeze with the day it ends."""
    operator, service = aliased(Staff), aliased(Staff)
    statement = (
        sa_select(*(col(column) for column in (
                      PackageEvent.id, PackageEvent.package_id, PackageEvent.created_at,
                      PackageEvent.change, PackageEvent.delta_total, PackageEvent.delta_used,
                      PackageEvent.value, PackageEvent.old_expiry, PackageEvent.new_expiry,
                      PackageEvent.note, PackageEvent.invoice_id)),
                  col(operator.name).label("operator_name"),
                  col(service.name).label("service_staff_name"))
        .outerjoin(operator, col(operator.id) == PackageEvent.operator_id)
        .outerjoin(service, col(service.id) == PackageEvent.service_staff_id)
        .where(col(PackageEvent.package_id) == package_id)
        .order_by(col(PackageEvent.id).desc())
    )
    rows = list(session.execute(statement))
    ends = _freeze_ends(session, package_id) if any(r.change == "freeze" for r in rows) else {}
    return [
        PackageEventRow(
            id=r.id, package_id=r.package_id, created_at=r.created_at, change=r.change,
            delta_total=r.delta_total, delta_used=r.delta_used, value=r.value,
            old_expiry=r.old_expiry, new_expiry=r.new_expiry, note=r.note,
            operator_name=r.operator_name or "", service_staff_name=r.service_staff_name or "",
            invoice_id=r.invoice_id, frozen_until=_freeze_end(r, ends),
        )
        for r in rows
    ]


def _freeze_end(event, ends: dict[int, date]) -> date | None:
    """The end of a freeze event: from its audit row, else its day plus the days it moved
    the expiry by (a freeze moves the expiry out by exactly its length)."""
    if event.change != "freeze":
        return None
    if event.id in ends:
        return ends[event.id]
    if event.old_expiry and event.new_expiry:
        return _d(event.created_at) + (_d(event.new_expiry) - _d(event.old_expiry))
    return None


def _d(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
