"""What a booking clashes with: a staff member already booked at that time, a time
outside the salon's opening hours, a staff member's day off.

Conflicts are warned, not hidden, and not forbidden: the receptionist may book an
overlap on purpose (a colour processing while the stylist cuts someone else). The store
refuses a clashing booking with :class:`NeedsConfirmation` (its ``conflicts`` say
what), and books it when asked again with ``confirm=True``, writing the conflicts into
the appointment's history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, select
from sqlmodel import Session

from salontui.i18n import _
from salontui.store.dates import show_date
from salontui.store.errors import RuleViolation
from salontui.store.models import Appointment, AppointmentLine, Customer, Staff, StaffDay, table_of

LIVE = ("booked", "checked_in")  # what a staff member can be double-booked with
# How far back a line that still overlaps may start (a line lasts at most 12 hours; a
# visit migrated from the old free text may say more): the index range of the search.
LOOK_BACK = timedelta(hours=24)

_A = table_of(Appointment)
_L = table_of(AppointmentLine)
_C = table_of(Customer)
_S = table_of(Staff)
_D = table_of(StaffDay)


@dataclass(frozen=True)
class Conflict:
    kind: str  # "overlap" / "hours" / "day_off" (and "past", see book.check_start)
    text: str  # one sentence for the receptionist ("Lan is booked 15:00-15:45 (Hương)")
    staff_id: int | None = None
    appointment_id: int | None = None  # the other visit, for an overlap


@dataclass(frozen=True)
class PlannedLine:
    """A line as it would be booked: who, from when, how long (UTC)."""

    staff_id: int | None
    starts_at: datetime
    minutes: int


class NeedsConfirmation(RuleViolation):
    """A booking that clashes: asked again with confirm=True it is booked all the same."""

    def __init__(self, message: str, *, conflicts: list[Conflict],
                 field: str | None = "starts_at") -> None:
        super().__init__(message, field=field)
        self.conflicts = conflicts


def find_conflicts(session: Session, lines: list[PlannedLine], *,
                   branch_id: int | None = None,
                   ignore_appointment_id: int | None = None) -> list[Conflict]:
    """Every conflict of ``lines``: another live appointment (booked or checked in) of
    the same staff member overlapping a line; a line outside the salon's opening hours of
    its day (settings ``opening_hours``, the salon's time zone); a line whose staff
    member does not work that day (weekly pattern and exceptions, see ``schedule``).
    ``ignore_appointment_id``: the appointment being moved or changed.

    A staff member is double-booked across branches too (one person, one pair of hands);
    ``branch_id`` is the branch booked at. Three queries at most: the settings, the staff
    with their exceptions of those days, the lines that may overlap (by the index on
    staff and start)."""
    from salontui.store.day.schedule import hours_of, minutes_of, works
    from salontui.store.day.times import local, salon_offset
    from salontui.store.models import SalonSettings
    from salontui.store.settings import weekday_hours

    if not lines:
        return []
    offset = salon_offset(session)
    settings = session.get(SalonSettings, 1) or SalonSettings()
    week = weekday_hours(settings.opening_hours)
    found: list[Conflict] = []

    def add(conflict: Conflict) -> None:
        if all(c.text != conflict.text for c in found):
            found.append(conflict)

    def clock_text(moment: datetime) -> str:
        return f"{local(moment, offset):%H:%M}"

    spans = [(line, line.starts_at, line.starts_at + timedelta(minutes=line.minutes))
             for line in lines]
    staff_ids = sorted({line.staff_id for line in lines if line.staff_id is not None})
    days = sorted({local(start, offset).date() for _line, start, _end in spans})
    people: dict[int, tuple[str, str]] = {}  # id → (name, work_days)
    exceptions: dict[tuple[int, date], tuple[bool, str]] = {}
    if staff_ids:
        statement = (
            select(_S.c.id, _S.c.name, _S.c.work_days, _D.c.day, _D.c.working, _D.c.note)
            .select_from(_S.outerjoin(_D, and_(_D.c.staff_id == _S.c.id, _D.c.day.in_(days))))
            .where(_S.c.id.in_(staff_ids))
        )
        for sid, name, work_days, day, working, note in session.execute(statement):
            people[sid] = (name, work_days or "")
            if day is not None:
                exceptions[(sid, day)] = (bool(working), note or "")

    # Double-booked: one query over the index (staff_id, starts_at).
    if staff_ids:
        first = min(start for _line, start, _end in spans)
        last = max(end for _line, _start, end in spans)
        overlapping = (
            select(_L.c.staff_id, _L.c.starts_at, _L.c.minutes, _A.c.id, _C.c.name)
            .select_from(_L.join(_A, _A.c.id == _L.c.appointment_id)
                         .join(_C, _C.c.id == _A.c.customer_id))
            .where(_L.c.staff_id.in_(staff_ids), _L.c.starts_at < last,
                   _L.c.starts_at > first - LOOK_BACK, _A.c.status.in_(LIVE))
            .order_by(_L.c.starts_at, _A.c.id)
        )
        if ignore_appointment_id is not None:
            overlapping = overlapping.where(_A.c.id != ignore_appointment_id)
        booked = list(session.execute(overlapping))
        for line, start, end in spans:
            if line.staff_id is None:
                continue
            name = people.get(line.staff_id, ("#" + str(line.staff_id), ""))[0]
            for sid, other_start, minutes, other_id, customer in booked:
                other_end = other_start + timedelta(minutes=minutes or 0)
                if sid == line.staff_id and other_start < end and other_end > start:
                    add(Conflict("overlap", _(
                        "{staff} is already booked {start}-{end} with {customer}.").format(
                        staff=name, start=clock_text(other_start), end=clock_text(other_end),
                        customer=customer), staff_id=sid, appointment_id=other_id))
        for index, (line, start, end) in enumerate(spans):  # two lines of this visit at once
            for other, other_start, other_end in spans[index + 1:]:
                if (line.staff_id is not None and other.staff_id == line.staff_id
                        and other_start < end and other_end > start):
                    add(Conflict("overlap", _(
                        "{staff} has two services of this visit at once ({start}-{end})."
                    ).format(staff=people.get(line.staff_id, ("", ""))[0],
                             start=clock_text(other_start), end=clock_text(other_end)),
                        staff_id=line.staff_id))

    # Opening hours, in the salon's time zone.
    for line, start, end in spans:
        wall = local(start, offset)
        day = wall.date()
        hours = hours_of(week[day.weekday()])
        if hours is None:
            add(Conflict("hours", _("The salon is closed on {day}.").format(
                day=show_date(day))))
            continue
        opens, closes = (minutes_of(t) for t in hours)
        first_minute = wall.hour * 60 + wall.minute
        last_minute = first_minute + line.minutes
        if first_minute < opens or last_minute > closes:
            add(Conflict("hours", _(
                "{start}-{end} is outside the opening hours ({opens}-{closes}).").format(
                start=clock_text(start), end=clock_text(end), opens=f"{hours[0]:%H:%M}",
                closes="24:00" if closes == 24 * 60 else f"{hours[1]:%H:%M}")))

    # Days off (the weekly pattern and the day's exception).
    for line, start, _end in spans:
        if line.staff_id is None or line.staff_id not in people:
            continue
        day = local(start, offset).date()
        name, work_days = people[line.staff_id]
        exception = exceptions.get((line.staff_id, day))
        if not works(work_days, day, exception[0] if exception else None):
            note = exception[1] if exception else ""
            text = (_("{staff} is off on {day} ({note}).") if note
                    else _("{staff} is off on {day}.")).format(
                staff=name, day=show_date(day), note=note)
            add(Conflict("day_off", text, staff_id=line.staff_id))
    return found
