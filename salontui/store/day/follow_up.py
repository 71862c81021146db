"""After the visit is paid: its follow-up (未预约 → 预约), saved once.

The follow-up says what was done, what the customer said and what they like (the
service record), what to look at next time (next focus), when to get in touch (the next
reminder date, a day of the salon's calendar) and what comes next: *visit* (the next
appointment is booked now, in the same flow) or *callback* (the visit goes on the
reminder list on that date, which a callback needs). It is kept on the appointment and
as a care-history row of the customer (type "treatment"), with a history row of the
appointment and an audit row, in one transaction. A follow-up is saved once: a second
one is refused (a correction is a care note). Skipping it is allowed; the visit then
stays on the day's :func:`not_followed_up` list.

The reminder date is stored as the naive-UTC start of that salon day
(``next_reminder_at``), so "due on or before day D" is ``next_reminder_at <
day_bounds(D)[1]``.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import or_, select
from sqlmodel import Session

from salontui.i18n import _
from salontui.store import audit, clock
from salontui.store.bounds import boundary
from salontui.store.branches import first_branch_id
from salontui.store.care import MAX_TITLE, insert_care_note
from salontui.store.customers import load_customer
from salontui.store.dates import show_date
from salontui.store.day.appointments import (
    AppointmentRow,
    add_event,
    get_appointment,
    load_appointment,
    status_words,
    visit_columns,
    visit_from,
    visit_rows,
)
from salontui.store.day.times import day_bounds, salon_day, salon_offset
from salontui.store.errors import RuleViolation, ValidationError
from salontui.store.models import Appointment, Invoice, Staff, table_of
from salontui.store.staff import require_staff
from salontui.store.text import clean_line

NEXT_STEPS = ("visit", "callback", "")
MAX_SERVICE_NOTES = 1000
MAX_NEXT_FOCUS = 250
MAX_AHEAD_DAYS = 2 * 366  # a reminder further out than this is a typo
FIELDS = ("service_notes", "next_focus", "next_reminder_at", "next_step", "followed_up_at",
          "followed_up_by")

_A = table_of(Appointment)
_I = table_of(Invoice)


def clean_notes(value: str | None, *, field: str, limit: int) -> str:
    """Several lines of typed text: line ends made one kind, each line's trailing spaces
    and the blank lines around the whole dropped; refused (never cut) over ``limit``."""
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    text = "\n".join(line.rstrip() for line in text.split("\n")).strip()
    if len(text) > limit:
        raise ValidationError(_("This is longer than {limit} characters.").format(
            limit=limit), field=field)
    return text


def reminder_problem(day: date | None, *, next_step: str, today: date) -> str | None:
    """What is wrong with the reminder date (None: nothing): a callback needs one, and it
    is today or later, and not years ahead. ``today`` is the salon's."""
    if day is None:
        return _("A callback needs the date to call on.") if next_step == "callback" else None
    if day < today:
        return _("The reminder date has passed: choose today ({date}) or later.").format(
            date=show_date(today))
    if day > today + timedelta(days=MAX_AHEAD_DAYS):
        return _("That is too far ahead for a reminder.")
    return None


def _title(row: AppointmentRow, offset: timedelta) -> str:
    """"Visit 30/11/2026: Cắt tóc nữ, Gội đầu" within the care note's title length."""
    head = _("Visit {date}: ").format(date=show_date(salon_day(row.starts_at, offset)))
    services = row.services or _("no service named")
    room = MAX_TITLE - len(head)
    if len(services) > room:
        services = services[:room - 1].rstrip() + "…"
    return head + services


def _description(service_notes: str, next_focus: str, next_step: str,
                 day: date | None) -> str:
    parts = [service_notes] if service_notes else []
    if next_focus:
        parts.append(_("Next focus: {text}").format(text=next_focus))
    if next_step == "visit":
        parts.append(_("Next step: book the next visit."))
    elif next_step == "callback" and day is not None:
        parts.append(_("Next step: call back on {date}.").format(date=show_date(day)))
    if day is not None and next_step != "callback":
        parts.append(_("Reminder on {date}.").format(date=show_date(day)))
    return "\n\n".join(parts)


@boundary
def save_follow_up(session: Session, *, staff_id: int, appointment_id: int,
                   service_notes: str = "", next_focus: str = "",
                   next_reminder_on: date | None = None,
                   next_step: str = "") -> AppointmentRow:
    """Save the follow-up of a paid visit, once (see the module)."""
    require_staff(session, staff_id)
    if next_step not in NEXT_STEPS:
        raise ValidationError(_("The next step is a visit, a callback or nothing."),
                              field="next_step")
    service_notes = clean_notes(service_notes, field="service_notes", limit=MAX_SERVICE_NOTES)
    next_focus = clean_line(next_focus, field="next_focus", limit=MAX_NEXT_FOCUS,
                            too_long=_("This is longer than {limit} characters."))
    offset = salon_offset(session)
    today = salon_day(clock.now(), offset)
    problem = reminder_problem(next_reminder_on, next_step=next_step, today=today)
    if problem is not None:
        raise ValidationError(problem, field="next_reminder_on")
    if not (service_notes or next_focus or next_step or next_reminder_on):
        raise ValidationError(_("Write what was done, or choose the next step."),
                              field="service_notes")
    row = load_appointment(session, appointment_id, lock=True)
    if row.followed_up_at is not None:
        who = session.get(Staff, row.followed_up_by) if row.followed_up_by else None
        raise RuleViolation(_("This visit's follow-up was saved on {date} by {name}; it is "
                              "saved once (add a care note to say more).").format(
            date=show_date(salon_day(row.followed_up_at, offset)),
            name=who.name if who is not None else "?"), field="appointment")
    if row.status != "paid":
        raise RuleViolation(_("A visit is followed up once it is paid (this one is "
                              "{status}).").format(status=status_words(row.status)),
                            field="appointment")
    customer = load_customer(session, row.customer_id)
    if customer.deleted_at is not None:
        raise RuleViolation(_("This customer is deleted; restore them first."),
                            field="customer")
    before = audit.snapshot(row, fields=FIELDS)
    visit = get_appointment(session, appointment_id=appointment_id)
    row.service_notes = service_notes
    row.next_focus = next_focus
    row.next_step = next_step
    row.next_reminder_at = (day_bounds(next_reminder_on, offset)[0]
                            if next_reminder_on is not None else None)
    row.followed_up_at = clock.now()
    row.followed_up_by = staff_id
    session.add(row)
    note = insert_care_note(session, staff_id=staff_id, customer_id=row.customer_id,
                            type="treatment", title=_title(visit, offset),
                            description=_description(service_notes, next_focus, next_step,
                                                     next_reminder_on))
    step = {"visit": _("next: visit"), "callback": _("next: callback")}.get(next_step, "")
    when = show_date(next_reminder_on) if next_reminder_on is not None else ""
    add_event(session, appointment_id=row.id or 0, staff_id=staff_id, change="followed_up",
              note=" ".join(part for part in (step, when) if part))
    session.flush()
    audit.record(session, staff_id=staff_id, action="save_follow_up", entity="appointment",
                 entity_id=row.id, before=before,
                 after=audit.snapshot(row, fields=FIELDS) | {"care_note_id": note.id})
    return get_appointment(session, appointment_id=row.id or 0)


@boundary
def not_followed_up(session: Session, day: date,
                    branch_id: int | None = None) -> list[AppointmentRow]:
    """The visits paid on the salon's ``day`` (their invoice's time) whose follow-up is
    not saved, in the order they were paid; of one branch (a visit with no branch is the
    first's), or of every branch (``branch_id`` None)."""
    start, end = day_bounds(day, salon_offset(session))
    statement = (select(*visit_columns()).select_from(visit_from())
                 .where(_A.c.status == "paid", _A.c.followed_up_at.is_(None),
                        _I.c.created_at >= start, _I.c.created_at < end)
                 .order_by(_I.c.created_at, _A.c.id))
    if branch_id is not None:
        here = _A.c.branch_id == branch_id
        if branch_id == first_branch_id(session):
            here = or_(here, _A.c.branch_id.is_(None))
        statement = statement.where(here)
    return visit_rows(session, session.execute(statement))
