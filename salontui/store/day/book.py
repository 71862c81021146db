"""Booking a visit: a customer, one or more services from the catalogue, each with its
own staff member and length (the service's duration unless typed), from a start time;
the end follows from the lengths.

A line without its own start follows the line before it. A start earlier than now
(a walk-in written down late the same day) needs ``confirm_past``; a start before
today is refused. Conflicts (:mod:`conflicts`) refuse the booking with
:class:`NeedsConfirmation` unless ``confirm``; a confirmed overlap is written in the
appointment's history. Every booking, move and change is a history row and an audit
row, in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session

from salontui.i18n import _
from salontui.store import audit, clock
from salontui.store.bounds import boundary
from salontui.store.customers import load_customer
from salontui.store.day.appointments import (
    AppointmentRow,
    add_event,
    get_appointment,
    load_appointment,
)
from salontui.store.day.conflicts import (
    Conflict,
    NeedsConfirmation,
    PlannedLine,
    find_conflicts,
)
from salontui.store.day.times import day_bounds, salon_offset
from salontui.store.errors import NotFound, RuleViolation, ValidationError
from salontui.store.models import Appointment, AppointmentLine, CatalogItem
from salontui.store.staff import require_staff
from salontui.store.text import clean_line

MAX_LINES = 20
MIN_MINUTES = 5
MAX_MINUTES = 12 * 60
DEFAULT_MINUTES = 30
MAX_AHEAD = timedelta(days=3 * 366)
MAX_NOTE = 250


@dataclass(frozen=True)
class LineIn:
    """A service to book: which (a catalogue service's id), with whom (None: anyone),
    from when (None: when the line before ends; the first line needs one, UTC), for how
    long (None: the service's duration)."""

    item_id: int
    staff_id: int | None = None
    starts_at: datetime | None = None
    minutes: int | None = None


@dataclass(frozen=True)
class PlannedService:
    item_id: int
    label: str
    staff_id: int | None
    starts_at: datetime
    minutes: int


def plan_lines(session: Session, lines: list[LineIn]) -> list[PlannedService]:
    """The lines as they would be booked (each with its start and length), or the first
    thing wrong with them, at the field it belongs to."""
    if not lines:
        raise ValidationError(_("Choose at least one service."), field="services")
    if len(lines) > MAX_LINES:
        raise ValidationError(_("A visit has at most {limit} services.").format(
            limit=MAX_LINES), field="services")
    planned: list[PlannedService] = []
    previous_end: datetime | None = None
    for number, line in enumerate(lines, 1):
        item = session.get(CatalogItem, line.item_id)
        if item is None or item.kind != "service":
            raise NotFound(_("Service {number} is not a service of the catalogue.").format(
                number=number), field="services")
        if not item.active:
            raise RuleViolation(_("{name} is retired from the catalogue.").format(
                name=item.name), field="services")
        if line.staff_id is not None:
            require_staff(session, line.staff_id, field="staff_member")
        start = line.starts_at or previous_end
        if start is None:
            raise ValidationError(_("Enter the date and time of the appointment."),
                                  field="starts_at")
        if start.tzinfo is not None:
            raise ValidationError(_("The appointment time must be a UTC time without zone."),
                                  field="starts_at")
        minutes = line.minutes if line.minutes is not None else (
            item.duration_minutes or DEFAULT_MINUTES)
        if not MIN_MINUTES <= minutes <= MAX_MINUTES:
            raise ValidationError(_("A service lasts {low} to {high} minutes.").format(
                low=MIN_MINUTES, high=MAX_MINUTES), field="minutes")
        planned.append(PlannedService(item_id=item.id or 0, label=item.name,
                                      staff_id=line.staff_id, starts_at=start,
                                      minutes=minutes))
        previous_end = start + timedelta(minutes=minutes)
    return planned


def check_start(session: Session, start: datetime, *, confirm_past: bool) -> list[Conflict]:
    """A start before today is refused and one more than three years ahead is a typo; one
    earlier than now (a walk-in written down late) is a conflict to confirm, asked with
    the others (:func:`conflicts_or_refuse`) in one question."""
    now = clock.now()
    today_start, _end = day_bounds(clock.today(), salon_offset(session))
    if start < today_start:
        raise ValidationError(_("An appointment cannot be booked in the past."),
                              field="starts_at")
    if start > now + MAX_AHEAD:
        raise ValidationError(_("That is too far ahead to book."), field="starts_at")
    if start < now and not confirm_past:
        return [Conflict("past", _("The start has passed."))]
    return []


def conflicts_or_refuse(session: Session, planned: list[PlannedService], *, confirm: bool,
                        branch_id: int | None, ignore: int | None = None,
                        past: list[Conflict] | None = None) -> list[Conflict]:
    """The booking's conflicts when confirmed; when not, :class:`NeedsConfirmation` with
    every one still to confirm (an unconfirmed past start among them: one question)."""
    found = find_conflicts(session, [PlannedLine(p.staff_id, p.starts_at, p.minutes)
                                     for p in planned],
                           branch_id=branch_id, ignore_appointment_id=ignore)
    asked = list(past or []) + ([] if confirm else found)
    if asked:
        raise NeedsConfirmation(" ".join(c.text for c in asked), conflicts=asked)
    return found


def write_lines(session: Session, appointment_id: int, planned: list[PlannedService],
                *, recorded_by: int | None = None) -> None:
    now = clock.now()
    for position, p in enumerate(planned, 1):
        session.add(AppointmentLine(appointment_id=appointment_id, position=position,
                                    kind="service", item_id=p.item_id, label=p.label,
                                    staff_id=p.staff_id, starts_at=p.starts_at,
                                    minutes=p.minutes, quantity=1,
                                    recorded_by=recorded_by, recorded_at=now))


def describe(session: Session, planned: list[PlannedService]) -> str:
    """The lines in a history row, as the desk reads them: "Cắt tóc nữ 24/11/2026 15:00
    (45 min) Lan, …" (the salon's wall clock, staff by name)."""
    from salontui.store.dates import show_date
    from salontui.store.day.times import local
    from salontui.store.models import Staff

    offset = salon_offset(session)
    names: dict[int, str] = {}
    for p in planned:
        if p.staff_id is not None and p.staff_id not in names:
            member = session.get(Staff, p.staff_id)
            names[p.staff_id] = member.name if member is not None else f"#{p.staff_id}"
    parts = []
    for p in planned:
        wall = local(p.starts_at, offset)
        text = _("{service} {day} {time} ({minutes} min)").format(
            service=p.label, day=show_date(wall.date()), time=f"{wall:%H:%M}",
            minutes=p.minutes)
        if p.staff_id is not None:
            text += " " + names[p.staff_id]
        parts.append(text)
    return ", ".join(parts)


@boundary
def book_appointment(session: Session, *, staff_id: int, customer_id: int,
                     lines: list[LineIn], note: str = "", branch_id: int | None = None,
                     confirm: bool = False, confirm_past: bool = False) -> AppointmentRow:
    """Book a visit at ``branch_id`` (None: the first). Status "booked"."""
    require_staff(session, staff_id)
    note = clean_line(note, field="note", limit=MAX_NOTE,
                      too_long=_("Note is longer than {limit} characters."))
    planned = plan_lines(session, lines)
    past = check_start(session, planned[0].starts_at, confirm_past=confirm_past)
    customer = load_customer(session, customer_id)
    if customer.deleted_at is not None:
        raise RuleViolation(_("This customer is deleted; restore them first."),
                            field="customer")
    found = conflicts_or_refuse(session, planned, confirm=confirm, branch_id=branch_id,
                                past=past)
    row = Appointment(customer_id=customer_id, starts_at=planned[0].starts_at,
                      status="booked", note=note, created_at=clock.now(),
                      branch_id=branch_id)
    session.add(row)
    session.flush()
    write_lines(session, row.id or 0, planned)
    described = describe(session, planned)
    add_event(session, appointment_id=row.id or 0, staff_id=staff_id, change="booked",
              note=described)
    if found:
        add_event(session, appointment_id=row.id or 0, staff_id=staff_id, change="overlap",
                  note=" ".join(c.text for c in found))
    session.flush()
    audit.record(session, staff_id=staff_id, action="book_appointment", entity="appointment",
                 entity_id=row.id, after=audit.snapshot(row) | {
                     "lines": described,
                     "confirmed": [c.text for c in found]})
    return get_appointment(session, appointment_id=row.id or 0)


def _replace_lines(session: Session, row: Appointment, planned: list[PlannedService]) -> None:
    session.execute(delete(AppointmentLine).where(
        AppointmentLine.appointment_id == row.id))  # type: ignore[arg-type]
    write_lines(session, row.id or 0, planned)
    row.starts_at = planned[0].starts_at
    session.add(row)


@boundary
def change_appointment(session: Session, *, staff_id: int, appointment_id: int,
                       lines: list[LineIn], note: str | None = None, confirm: bool = False,
                       confirm_past: bool = False) -> AppointmentRow:
    """Move a booked visit (new times and/or staff) or change its services: its lines are
    replaced by ``lines``. Only a booked visit changes (once checked in, what is done is
    recorded on the visit, see ``visit``); conflicts with
    other visits are warned as when booking (the visit's own lines never clash with
    themselves)."""
    require_staff(session, staff_id)
    row = load_appointment(session, appointment_id, lock=True)
    if row.status != "booked":
        raise RuleViolation(_("Only a booked visit can be moved or changed."),
                            field="status")
    planned = plan_lines(session, lines)
    past = check_start(session, planned[0].starts_at, confirm_past=confirm_past)
    if note is not None:
        row.note = clean_line(note, field="note", limit=MAX_NOTE,
                              too_long=_("Note is longer than {limit} characters."))
    found = conflicts_or_refuse(session, planned, confirm=confirm, branch_id=row.branch_id,
                                ignore=row.id, past=past)
    before = get_appointment(session, appointment_id=appointment_id)
    _replace_lines(session, row, planned)
    # Moved: the same services at another time or with someone else; changed: services.
    same_services = [line.item_id for line in before.lines if line.kind == "service"] == [
        p.item_id for p in planned]
    moved = same_services and (
        before.starts_at != planned[0].starts_at
        or [(line.staff_id, line.starts_at, line.minutes) for line in before.lines
            if line.kind == "service"] != [(p.staff_id, p.starts_at, p.minutes)
                                           for p in planned])
    described = describe(session, planned)
    add_event(session, appointment_id=row.id or 0, staff_id=staff_id,
              change="moved" if moved else "changed", note=described)
    if found:
        add_event(session, appointment_id=row.id or 0, staff_id=staff_id, change="overlap",
                  note=" ".join(c.text for c in found))
    session.flush()
    audit.record(session, staff_id=staff_id, action="change_appointment",
                 entity="appointment", entity_id=row.id,
                 before={"starts_at": before.starts_at.isoformat(),
                         "services": before.services, "staff": before.staff_name},
                 after={"lines": described, "confirmed": [c.text for c in found]})
    return get_appointment(session, appointment_id=row.id or 0)
