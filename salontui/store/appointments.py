"""Appointments: booked → checked in → paid (by its invoice), or cancelled / no-show.

The appointments tab lists a customer's bookings newest first with the
invoice column the desk shows: *view invoice* once an invoice is linked,
*to cashier* while the customer is checked in and nothing is paid yet, and
nothing otherwise. An appointment becomes *paid* only through the checkout
that writes its invoice (:mod:`checkout` links the two); the desk can move a
booking to checked in, cancelled or no-show.

Times are naive UTC like every timestamp of the store.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session

from salontui.i18n import _
from salontui.store import audit, clock
from salontui.store.bounds import boundary
from salontui.store.customers import load_customer
from salontui.store.errors import NotFound, RuleViolation, ValidationError
from salontui.store.kinds import AppointmentStatus
from salontui.store.models import Appointment, Invoice, Staff, table_of
from salontui.store.staff import require_staff
from salontui.store.text import clean_line

STATUSES = tuple(AppointmentStatus)
# What the desk may do by hand; "paid" comes from the checkout (see set_appointment_status).
TRANSITIONS = {
    "booked": ("checked_in", "cancelled", "no_show"),
    "checked_in": ("paid",),
}
MAX_SERVICES = 250
MAX_NOTE = 250
MAX_PAST = timedelta(days=1)  # a walk-in may be recorded late the same day, not last week
MAX_AHEAD = timedelta(days=3 * 366)
MAX_PAGE = 1000

_A = table_of(Appointment)
_S = table_of(Staff)
_I = table_of(Invoice)


@dataclass(frozen=True)
class AppointmentRow:
    id: int
    customer_id: int
    starts_at: datetime
    services: str
    staff_name: str | None
    status: str
    invoice_id: int | None
    invoice_code: str | None
    invoice_state: str  # "none" | "to_cashier" | "view"
    note: str


def invoice_state(status: str, invoice_id: int | None) -> str:
    """What the invoice column says: view (linked), to cashier (checked in, unpaid), none."""
    if invoice_id is not None:
        return "view"
    if status == "checked_in":
        return "to_cashier"
    return "none"


def _columns():
    return (_A.c.id, _A.c.customer_id, _A.c.starts_at, _A.c.services, _S.c.name, _A.c.status,
            _A.c.invoice_id, _I.c.code, _A.c.note)


def _from():
    return (_A.outerjoin(_S, _S.c.id == _A.c.staff_id)
            .outerjoin(_I, _I.c.id == _A.c.invoice_id))


def _to_row(r) -> AppointmentRow:
    return AppointmentRow(id=r[0], customer_id=r[1], starts_at=r[2], services=r[3],
                          staff_name=r[4], status=r[5], invoice_id=r[6], invoice_code=r[7],
                          invoice_state=invoice_state(r[5], r[6]), note=r[8])


@boundary
def get_appointment(session: Session, *, appointment_id: int) -> AppointmentRow:
    found = session.execute(
        select(*_columns()).select_from(_from()).where(_A.c.id == appointment_id)
    ).first()
    if found is None:
        raise NotFound(_("No appointment #{id}.").format(id=appointment_id),
                       field="appointment")
    return _to_row(found)


@boundary
def list_appointments(session: Session, *, customer_id: int, limit: int = 100,
                      offset: int = 0) -> list[AppointmentRow]:
    """A page of the customer's appointments, newest first (an index range, any page)."""
    if limit < 0 or offset < 0:
        raise ValidationError(_("Paging must not be negative."), field="limit")
    statement = (
        select(*_columns()).select_from(_from())
        .where(_A.c.customer_id == customer_id)
        .order_by(_A.c.starts_at.desc(), _A.c.id.desc())
        .limit(min(limit, MAX_PAGE)).offset(offset)
    )
    return [_to_row(r) for r in session.execute(statement)]


def _status_words(status: str) -> str:
    """A status as the words a message says ("checked in")."""
    words = {"booked": _("booked"), "checked_in": _("checked in"), "paid": _("paid"),
             "cancelled": _("cancelled"), "no_show": _("no show")}
    return words.get(status, status.replace("_", " "))


@boundary
def book_appointment(session: Session, *, staff_id: int, customer_id: int, starts_at: datetime,
                     services: str, staff_member_id: int | None = None,
                     note: str = "", branch_id: int | None = None) -> AppointmentRow:
    """Book a visit: when, what, optionally with whom, at which branch (None: the first).
    Status "booked"."""
    require_staff(session, staff_id)
    if not isinstance(starts_at, datetime):
        raise ValidationError(_("Enter the date and time of the appointment."),
                              field="starts_at")
    if starts_at.tzinfo is not None:
        raise ValidationError(_("The appointment time must be a UTC time without zone."),
                              field="starts_at")
    now = clock.now()
    if starts_at < now - MAX_PAST:
        raise ValidationError(_("An appointment cannot be booked in the past."),
                              field="starts_at")
    if starts_at > now + MAX_AHEAD:
        raise ValidationError(_("That is too far ahead to book."), field="starts_at")
    services = clean_line(services, field="services", limit=MAX_SERVICES,
                          required=_("Services is required."),
                          too_long=_("Services is longer than {limit} characters."))
    note = clean_line(note, field="note", limit=MAX_NOTE,
                      too_long=_("Note is longer than {limit} characters."))
    if staff_member_id is not None:
        require_staff(session, staff_member_id, field="staff_member")
    customer = load_customer(session, customer_id)
    if customer.deleted_at is not None:
        raise RuleViolation(_("This customer is deleted; restore them first."),
                            field="customer")
    row = Appointment(customer_id=customer_id, starts_at=starts_at, services=services,
                      staff_id=staff_member_id, status="booked", note=note, created_at=now,
                      branch_id=branch_id)
    session.add(row)
    session.flush()
    audit.record(session, staff_id=staff_id, action="book_appointment", entity="appointment",
                 entity_id=row.id, after=audit.snapshot(row))
    return get_appointment(session, appointment_id=row.id)


@boundary
def set_appointment_status(session: Session, *, staff_id: int, appointment_id: int,
                           status: str) -> AppointmentRow:
    """Move an appointment along: booked → checked in, cancelled or no-show; checked in →
    paid only once its invoice is linked (the checkout does that)."""
    require_staff(session, staff_id)
    if status not in STATUSES:
        raise ValidationError(_("Status must be one of {statuses}.").format(
            statuses=", ".join(STATUSES)), field="status")
    row = session.get(Appointment, appointment_id)
    if row is None:
        raise NotFound(_("No appointment #{id}.").format(id=appointment_id),
                       field="appointment")
    if row.status == status:
        raise RuleViolation(_("The appointment is already {status}.").format(
            status=_status_words(status)), field="status")
    allowed = TRANSITIONS.get(row.status, ())
    if status not in allowed:
        raise RuleViolation(
            _("A {status} appointment cannot become {new_status}.").format(
                status=_status_words(row.status), new_status=_status_words(status)),
            field="status")
    if status == "paid" and row.invoice_id is None:
        raise RuleViolation(_("Take the payment at the cashier: the invoice marks the "
                              "appointment paid."), field="status")
    before = audit.snapshot(row, fields=("status",))
    row.status = status
    session.add(row)
    session.flush()
    audit.record(session, staff_id=staff_id, action="set_appointment_status",
                 entity="appointment", entity_id=row.id, before=before,
                 after={"status": status})
    return get_appointment(session, appointment_id=row.id)
