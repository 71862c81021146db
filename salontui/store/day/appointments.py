"""Appointments as the desk reads them, and each appointment's history.

A visit is booked → checked in → paid (by its invoice), or cancelled / no-show. What is
done, by whom and when is its lines (service, staff, start, minutes; or, recorded on
the checked-in visit, a session redeemed or a product); its services text and its staff
are read from the lines. The invoice column says *view invoice* once an invoice is
linked, *to cashier* while the customer is checked in and nothing is paid, and nothing
otherwise. An appointment becomes *paid* only through the checkout that writes its
invoice (:mod:`salontui.store.checkout` links the two).

Every change is a row of the appointment's history (:func:`add_event`) and an audit row.
Times are naive UTC like every timestamp of the store.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session

from salontui.i18n import _
from salontui.store import audit, clock
from salontui.store.bounds import boundary
from salontui.store.errors import NotFound, RuleViolation, ValidationError
from salontui.store.kinds import AppointmentStatus
from salontui.store.models import (
    Appointment,
    AppointmentEvent,
    AppointmentLine,
    Invoice,
    Staff,
    table_of,
)
from salontui.store.staff import require_staff
from salontui.store.text import clean_line

STATUSES = tuple(AppointmentStatus)
# What the desk may do by hand; "paid" comes from the checkout (see set_appointment_status).
TRANSITIONS = {
    "booked": ("checked_in", "cancelled", "no_show"),
    "checked_in": ("paid", "booked"),
}
MAX_NOTE = 250
MAX_REASON = 250
MAX_EVENT_NOTE = 500
MAX_PAGE = 1000

_A = table_of(Appointment)
_L = table_of(AppointmentLine)
_E = table_of(AppointmentEvent)
_S = table_of(Staff)
_I = table_of(Invoice)


@dataclass(frozen=True)
class LineRow:
    """One line of a visit: a service (staff, start, minutes), a session redeemed from a
    package, or a product; with who recorded it (None: booked at the desk)."""

    id: int
    position: int
    kind: str  # service / product / redeem
    item_id: int | None
    package_id: int | None
    label: str
    staff_id: int | None
    staff_name: str | None
    starts_at: datetime | None
    minutes: int
    quantity: int
    recorded_by: int | None
    recorded_by_name: str | None

    @property
    def ends_at(self) -> datetime | None:
        return None if self.starts_at is None else self.starts_at + timedelta(
            minutes=self.minutes)


@dataclass(frozen=True)
class AppointmentRow:
    id: int
    customer_id: int
    starts_at: datetime
    ends_at: datetime
    services: str  # the lines' labels, comma-separated
    staff_name: str | None  # the lines' staff, comma-separated (None: nobody named)
    status: str
    invoice_id: int | None
    invoice_code: str | None
    invoice_state: str  # "none" | "to_cashier" | "view"
    note: str
    reason: str
    followed_up: bool
    branch_id: int | None
    lines: tuple[LineRow, ...] = ()


@dataclass(frozen=True)
class EventRow:
    created_at: datetime
    change: str
    note: str
    staff_name: str | None


def invoice_state(status: str, invoice_id: int | None) -> str:
    """What the invoice column says: view (linked), to cashier (checked in, unpaid), none."""
    if invoice_id is not None:
        return "view"
    if status == "checked_in":
        return "to_cashier"
    return "none"


def status_words(status: str) -> str:
    """A status as the words a message says ("checked in")."""
    words = {"booked": _("booked"), "checked_in": _("checked in"), "paid": _("paid"),
             "cancelled": _("cancelled"), "no_show": _("no show")}
    return words.get(status, status.replace("_", " "))


def lines_of(session: Session, appointment_ids: list[int]) -> dict[int, list[LineRow]]:
    """The lines of each appointment, in order (one query for a page of visits)."""
    if not appointment_ids:
        return {}
    recorder = _S.alias("recorder")
    statement = (
        select(_L.c.appointment_id, _L.c.id, _L.c.position, _L.c.kind, _L.c.item_id,
               _L.c.package_id, _L.c.label, _L.c.staff_id, _S.c.name, _L.c.starts_at,
               _L.c.minutes, _L.c.quantity, _L.c.recorded_by, recorder.c.name)
        .select_from(_L.outerjoin(_S, _S.c.id == _L.c.staff_id)
                     .outerjoin(recorder, recorder.c.id == _L.c.recorded_by))
        .where(_L.c.appointment_id.in_(appointment_ids))
        .order_by(_L.c.appointment_id, _L.c.position, _L.c.id)
    )
    found: dict[int, list[LineRow]] = defaultdict(list)
    for r in session.execute(statement):
        found[r[0]].append(LineRow(*r[1:]))
    return found


def visit_columns():
    return (_A.c.id, _A.c.customer_id, _A.c.starts_at, _A.c.status, _A.c.invoice_id,
            _I.c.code, _A.c.note, _A.c.reason, _A.c.followed_up_at, _A.c.branch_id)


def visit_from():
    return _A.outerjoin(_I, _I.c.id == _A.c.invoice_id)


def visit_rows(session: Session, found) -> list[AppointmentRow]:
    found = list(found)
    lines = lines_of(session, [r[0] for r in found])
    return [to_row(r, lines.get(r[0], [])) for r in found]


def to_row(r, lines: list[LineRow]) -> AppointmentRow:
    """An appointment read by :func:`_columns`, with its lines."""
    services = [line for line in lines if line.kind != "product"] or lines
    timed = [line for line in lines if line.starts_at is not None]
    ends = max((line.ends_at for line in timed if line.ends_at), default=r[2])
    staff: list[str] = []
    for line in services:
        if line.staff_name and line.staff_name not in staff:
            staff.append(line.staff_name)
    return AppointmentRow(
        id=r[0], customer_id=r[1], starts_at=r[2], ends_at=max(ends, r[2]),
        services=", ".join(line.label for line in services if line.label),
        staff_name=", ".join(staff) or None, status=r[3], invoice_id=r[4],
        invoice_code=r[5], invoice_state=invoice_state(r[3], r[4]), note=r[6],
        reason=r[7], followed_up=r[8] is not None, branch_id=r[9], lines=tuple(lines))


def load_appointment(session: Session, appointment_id: int, *, lock: bool = False
                     ) -> Appointment:
    """The appointment row to change (locked against another desk's change with ``lock``)."""
    statement = select(Appointment).where(Appointment.id == appointment_id)  # type: ignore[arg-type]
    if lock:
        statement = statement.with_for_update()
    row = session.execute(statement).scalar_one_or_none()
    if row is None:
        raise NotFound(_("No appointment #{id}.").format(id=appointment_id),
                       field="appointment")
    return row


@boundary
def get_appointment(session: Session, *, appointment_id: int) -> AppointmentRow:
    found = session.execute(
        select(*visit_columns()).select_from(visit_from()).where(_A.c.id == appointment_id)
    ).first()
    if found is None:
        raise NotFound(_("No appointment #{id}.").format(id=appointment_id),
                       field="appointment")
    return visit_rows(session, [found])[0]


@boundary
def list_appointments(session: Session, *, customer_id: int, limit: int = 100,
                      offset: int = 0) -> list[AppointmentRow]:
    """A page of the customer's appointments, newest first (an index range, any page)."""
    if limit < 0 or offset < 0:
        raise ValidationError(_("Paging must not be negative."), field="limit")
    statement = (
        select(*visit_columns()).select_from(visit_from())
        .where(_A.c.customer_id == customer_id)
        .order_by(_A.c.starts_at.desc(), _A.c.id.desc())
        .limit(min(limit, MAX_PAGE)).offset(offset)
    )
    return visit_rows(session, session.execute(statement))


def appointments_by_id(session: Session, ids: list[int]) -> list[AppointmentRow]:
    """Appointments by id (any order of ``ids``; returned by start)."""
    if not ids:
        return []
    statement = (select(*visit_columns()).select_from(visit_from()).where(_A.c.id.in_(ids))
                 .order_by(_A.c.starts_at, _A.c.id))
    return visit_rows(session, session.execute(statement))


@boundary
def appointment_history(session: Session, *, appointment_id: int) -> list[EventRow]:
    """The appointment's history, oldest first."""
    statement = (select(_E.c.created_at, _E.c.change, _E.c.note, _S.c.name)
                 .select_from(_E.outerjoin(_S, _S.c.id == _E.c.staff_id))
                 .where(_E.c.appointment_id == appointment_id).order_by(_E.c.id))
    return [EventRow(*r) for r in session.execute(statement)]


def add_event(session: Session, *, appointment_id: int, staff_id: int | None, change: str,
              note: str = "") -> None:
    """One row of the appointment's history (the caller writes the audit row)."""
    session.add(AppointmentEvent(appointment_id=appointment_id, created_at=clock.now(),
                                 staff_id=staff_id, change=change,
                                 note=note[:MAX_EVENT_NOTE]))


@boundary
def set_appointment_status(session: Session, *, staff_id: int, appointment_id: int,
                           status: str, reason: str = "") -> AppointmentRow:
    """Move an appointment along: booked → checked in, cancelled (with a reason) or
    no-show; checked in → back to booked (checked in by mistake), or paid only once its
    invoice is linked (the checkout does that)."""
    require_staff(session, staff_id)
    if status not in STATUSES:
        raise ValidationError(_("Status must be one of {statuses}.").format(
            statuses=", ".join(STATUSES)), field="status")
    reason = clean_line(reason, field="reason", limit=MAX_REASON,
                        too_long=_("Reason is longer than {limit} characters."))
    if status == "cancelled" and not reason:
        raise ValidationError(_("Say why the appointment is cancelled."), field="reason")
    row = load_appointment(session, appointment_id, lock=True)
    if row.status == status:
        raise RuleViolation(_("The appointment is already {status}.").format(
            status=status_words(status)), field="status")
    allowed = TRANSITIONS.get(row.status, ())
    if status not in allowed:
        raise RuleViolation(
            _("A {status} appointment cannot become {new_status}.").format(
                status=status_words(row.status), new_status=status_words(status)),
            field="status")
    if status == "paid" and row.invoice_id is None:
        raise RuleViolation(_("Take the payment at the cashier: the invoice marks the "
                              "appointment paid."), field="status")
    before = audit.snapshot(row, fields=("status", "reason", "checked_in_at"))
    row.status = status
    if status == "cancelled":
        row.reason = reason
    if status == "checked_in":
        row.checked_in_at = clock.now()
    elif status == "booked":
        row.checked_in_at = None
    session.add(row)
    add_event(session, appointment_id=row.id or 0, staff_id=staff_id, change=status,
              note=reason)
    session.flush()
    audit.record(session, staff_id=staff_id, action="set_appointment_status",
                 entity="appointment", entity_id=row.id, before=before,
                 after=audit.snapshot(row, fields=("status", "reason", "checked_in_at")))
    return get_appointment(session, appointment_id=row.id)
