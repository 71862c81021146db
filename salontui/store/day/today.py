"""The desk's Today board: the salon's day at a glance, by state.

* *expected*: booked, not arrived yet;
* *arrived*: checked in, waiting to pay ("to cashier");
* *paid*: the visits paid, and the walk-ins checked out today (a sale invoice of the
  day at the branch that pays no appointment, with a customer or anonymous);
* *no-show*, and *cancelled* (counted; the board may show them).

Beside them, the visits paid today (by their invoice's time, a visit of the night before
too) that are not followed up yet (未预约): the follow-up is saved on the appointment
(``followed_up_at``), so walk-ins have none.

The day is the salon's calendar day (:mod:`times`): a visit at 23:30 local time is that
day's, not the next. The board opens on the 100,000-customer demo in a few queries: the
day's visits by the appointments' start index, their lines in one query, and the day's
sale invoices by their time, with their lines (a walk-in's services and staff).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, bindparam, literal_column, or_, select
from sqlmodel import Session

from salontui.i18n import _
from salontui.store.bounds import boundary
from salontui.store.day.appointments import LineRow, lines_of
from salontui.store.day.times import day_bounds, salon_offset
from salontui.store.models import (
    Appointment,
    Customer,
    Invoice,
    InvoiceLine,
    Staff,
    table_of,
)

EXPECTED, ARRIVED, PAID, NO_SHOW, CANCELLED = STATES = (
    "expected", "arrived", "paid", "no_show", "cancelled")
STATE_OF_STATUS = {"booked": EXPECTED, "checked_in": ARRIVED, "paid": PAID,
                   "no_show": NO_SHOW, "cancelled": CANCELLED}
# Invoice lines that say what a walk-in had done or bought (not a top-up or a repayment).
WALK_IN_KINDS = ("service", "product", "package", "redeem")

_A = table_of(Appointment)
_C = table_of(Customer)
_I = table_of(Invoice)
_IL = table_of(InvoiceLine)
_S = table_of(Staff)


@dataclass(frozen=True)
class BoardRow:
    """One visit on the board: an appointment, or a walk-in's invoice."""

    key: str  # "a<appointment id>" or "i<invoice id>": unique on the board
    state: str  # expected / arrived / paid / no_show / cancelled
    appointment_id: int | None  # None: a walk-in
    customer_id: int | None  # None: an anonymous walk-in
    customer_name: str
    phone: str  # E.164, "" for an anonymous walk-in
    starts_at: datetime  # UTC: the visit's start; a walk-in's: when it was paid
    services: str
    staff_name: str | None  # the lines' staff, comma-separated
    status: str  # the appointment's status ("paid" for a walk-in)
    invoice_id: int | None
    invoice_code: str | None
    collected_by: str | None  # who took the payment (the invoice's staff)
    recorded_by: str | None  # who recorded lines on the visit (names, comma-separated)
    followed_up: bool
    reason: str = ""  # why it was cancelled
    note: str = ""
    lines: tuple[LineRow, ...] = ()

    @property
    def walk_in(self) -> bool:
        return self.appointment_id is None

    @property
    def needs_follow_up(self) -> bool:
        return self.status == "paid" and not self.walk_in and not self.followed_up


@dataclass(frozen=True)
class TodayBoard:
    day: date
    rows: tuple[BoardRow, ...]  # the day's visits and walk-ins, by time
    counts: dict[str, int] = field(default_factory=dict)  # per state (every state named)
    not_followed_up: tuple[BoardRow, ...] = ()  # paid today, follow-up not saved

    def of(self, state: str) -> list[BoardRow]:
        return [row for row in self.rows if row.state == state]


def _names(values) -> str | None:
    seen: list[str] = []
    for value in values:
        if value and value not in seen:
            seen.append(value)
    return ", ".join(seen) or None


def _services_of(lines: list[LineRow]) -> tuple[str, str | None]:
    """(services text, staff names) of a visit's lines: as ``AppointmentRow`` reads them."""
    shown = [line for line in lines if line.kind != "product"] or lines
    return (", ".join(line.label for line in shown if line.label),
            _names(line.staff_name for line in shown))


def _in_branch(column, branch_id: int | None, first_id: int | None):
    if branch_id is None:
        return literal_column("1") == literal_column("1")
    if branch_id == first_id:
        return or_(column == branch_id, column.is_(None))
    return column == branch_id


@boundary
def today_board(session: Session, *, day: date, branch_id: int | None = None) -> TodayBoard:
    """The board of the salon's ``day`` at ``branch_id`` (None: every branch)."""
    from salontui.store.branches import first_branch_id

    start, end = day_bounds(day, salon_offset(session))
    first = first_branch_id(session) if branch_id is not None else None
    collector = _S.alias("collector")
    visits = list(session.execute(
        select(_A.c.id, _A.c.customer_id, _A.c.starts_at, _A.c.status, _A.c.invoice_id,
               _I.c.code, collector.c.name, _A.c.followed_up_at, _A.c.reason, _A.c.note,
               _C.c.name, _C.c.phone)
        .select_from(_A.join(_C, _C.c.id == _A.c.customer_id)
                     .outerjoin(_I, _I.c.id == _A.c.invoice_id)
                     .outerjoin(collector, collector.c.id == _I.c.staff_id))
        .where(_A.c.starts_at >= start, _A.c.starts_at < end,
               _in_branch(_A.c.branch_id, branch_id, first))
        .order_by(_A.c.starts_at, _A.c.id)))
    invoices = _day_invoices(session, start, end, branch_id, first)
    linked = {v[4] for v in visits if v[4] is not None}
    unlinked = [i for i in invoices if i not in linked]
    # Visits of other days paid today (checked in late at night, paid after midnight):
    # not walk-ins; they wait for their follow-up with today's.
    # (One pass over the visits paid by an invoice from the day's first on, whatever the
    # number of invoices: appointment.invoice_id has no index of its own.)
    earlier = [] if not unlinked else [v for v in session.execute(
        select(_A.c.id, _A.c.customer_id, _A.c.starts_at, _A.c.status, _A.c.invoice_id,
               _I.c.code, collector.c.name, _A.c.followed_up_at, _A.c.reason,
               _A.c.note, _C.c.name, _C.c.phone)
        .select_from(_A.join(_C, _C.c.id == _A.c.customer_id)
                     .join(_I, _I.c.id == _A.c.invoice_id)
                     .outerjoin(collector, collector.c.id == _I.c.staff_id))
        .where(_A.c.invoice_id >= min(unlinked), _A.c.invoice_id <= max(unlinked)))
        if v[4] in invoices and v[4] not in linked]
    linked |= {v[4] for v in earlier}
    lines = lines_of(session, [v[0] for v in visits] + [v[0] for v in earlier])
    rows = [_visit_row(v, lines.get(v[0], [])) for v in visits]
    rows += [walk_in for invoice_id, walk_in in invoices.items() if invoice_id not in linked]
    rows.sort(key=lambda r: (r.starts_at, r.key))
    counts = dict.fromkeys(STATES, 0)
    for row in rows:
        counts[row.state] += 1
    # Paid today (the invoice's time, as follow_up.not_followed_up), in the order paid.
    waiting = [r for r in rows if r.needs_follow_up and r.invoice_id in invoices]
    waiting += [row for row in (_visit_row(v, lines.get(v[0], [])) for v in earlier)
                if row.needs_follow_up]
    waiting.sort(key=lambda r: (invoices[r.invoice_id or 0].starts_at, r.invoice_id or 0))
    return TodayBoard(day=day, rows=tuple(rows), counts=counts,
                      not_followed_up=tuple(waiting))


def _visit_row(v, lines: list[LineRow]) -> BoardRow:
    services, staff = _services_of(lines)
    return BoardRow(
        key=f"a{v[0]}", state=STATE_OF_STATUS.get(v[3], v[3]), appointment_id=v[0],
        customer_id=v[1], customer_name=v[10], phone=v[11], starts_at=v[2],
        services=services, staff_name=staff, status=v[3], invoice_id=v[4],
        invoice_code=v[5], collected_by=v[6],
        recorded_by=_names(line.recorded_by_name for line in lines),
        followed_up=v[7] is not None, reason=v[8], note=v[9], lines=tuple(lines))


def _day_invoices(session: Session, start: datetime, end: datetime, branch_id: int | None,
                  first: int | None) -> dict[int, BoardRow]:
    """The day's sale invoices at the branch, each as a walk-in's row (one query: the
    invoices by their time, their lines by the invoice index)."""
    line_staff = _S.alias("line_staff")
    collector = _S.alias("collector")
    found = session.execute(
        select(_I.c.id, _I.c.code, _I.c.created_at, _I.c.customer_id, _C.c.name,
               _C.c.phone, collector.c.name, _IL.c.description, line_staff.c.name)
        .select_from(
            _I.outerjoin(_C, _C.c.id == _I.c.customer_id)
            .outerjoin(collector, collector.c.id == _I.c.staff_id)
            .outerjoin(_IL, and_(_IL.c.invoice_id == _I.c.id,
                                 _IL.c.kind.in_(bindparam("kinds", WALK_IN_KINDS,
                                                          expanding=True))))
            .outerjoin(line_staff, line_staff.c.id == _IL.c.staff_id))
        .where(_I.c.created_at >= start, _I.c.created_at < end, _I.c.kind == "sale",
               _in_branch(_I.c.branch_id, branch_id, first))
        .order_by(_I.c.id, _IL.c.id))
    heads: dict[int, tuple] = {}
    labels: dict[int, list[str]] = defaultdict(list)
    staff: dict[int, list[str]] = defaultdict(list)
    for r in found:
        heads.setdefault(r[0], r)
        if r[7]:
            labels[r[0]].append(r[7])
        if r[8]:
            staff[r[0]].append(r[8])
    walk_in = _("walk-in")
    return {invoice_id: BoardRow(
        key=f"i{invoice_id}", state=PAID, appointment_id=None, customer_id=r[3],
        customer_name=r[4] if r[3] is not None else walk_in, phone=r[5] or "",
        starts_at=r[2], services=", ".join(labels[invoice_id]),
        staff_name=_names(staff[invoice_id]), status="paid", invoice_id=invoice_id,
        invoice_code=r[1], collected_by=r[6], recorded_by=None, followed_up=False)
        for invoice_id, r in heads.items()}
