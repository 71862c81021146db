"""The appointment book's day, read in one go: the opening hours, the slot, a column per
staff member who works that day (and anyone with a visit that day), and a block per
line of every visit of the day (cancelled ones left out; a no-show stays, marked).

One query reads the day's lines with their visits and customers (by the index on the
lines' start), one the staff with the day's exceptions: a day with 30 staff and 400
visits reads in a few milliseconds. Times in the result are the salon's wall clock
(naive, local); the stored UTC start of each block is kept to book or move from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlmodel import Session

from salontui.store.bounds import boundary
from salontui.store.day.appointments import AppointmentRow, EventRow
from salontui.store.day.schedule import (
    StaffColumn,
    branch_clause,
    columns_for,
    hours_of,
    minutes_of,
)
from salontui.store.day.times import day_bounds, salon_offset
from salontui.store.models import (
    Appointment,
    AppointmentLine,
    Customer,
    SalonSettings,
    table_of,
)
from salontui.store.settings import weekday_hours

UNASSIGNED = None  # the staff id of the "Anyone" column: lines booked with nobody named
DEFAULT_SPAN = (9 * 60, 18 * 60)  # a closed day's grid, when nothing is booked
PHONE_TAIL = 4

_A = table_of(Appointment)
_L = table_of(AppointmentLine)
_C = table_of(Customer)


@dataclass(frozen=True)
class Block:
    """One line of a visit in the book: who, what, when (the salon's wall clock), with
    whom (``staff_id`` None: the "Anyone" column)."""

    appointment_id: int
    line_id: int
    customer_id: int
    customer_name: str
    phone_tail: str  # the phone's last digits ("0888"), to tell two Hương apart
    label: str  # the service
    starts: datetime  # local
    ends: datetime  # local
    starts_at: datetime  # UTC, as stored
    minutes: int
    status: str  # booked / checked_in / paid / no_show
    staff_id: int | None
    note: str  # the visit's note

    @property
    def start_minute(self) -> int:
        """Minutes from the day's midnight (local)."""
        return self.starts.hour * 60 + self.starts.minute

    @property
    def end_minute(self) -> int:
        return self.start_minute + max(self.minutes, 1)


@dataclass(frozen=True)
class DayBook:
    """The book of one salon day."""

    day: date
    opens: time | None  # None: closed that day
    closes: time | None
    slot_minutes: int
    offset_minutes: int  # the salon's offset from UTC (local = UTC + offset)
    first_minute: int  # the grid: from this minute of the day (a slot's start)…
    last_minute: int  # …to this one (the end of the last slot), covering every block
    columns: tuple[StaffColumn, ...]  # working staff by name
    blocks: tuple[Block, ...]  # by start
    unassigned: bool  # some line has no staff: the book shows an "Anyone" column

    @property
    def closed(self) -> bool:
        return self.opens is None

    @property
    def slots(self) -> int:
        return max(1, (self.last_minute - self.first_minute) // self.slot_minutes)

    def slot_start(self, index: int) -> int:
        """The minute of the day slot ``index`` starts at."""
        return self.first_minute + index * self.slot_minutes

    def utc_of(self, minute: int) -> datetime:
        """The stored (UTC) time of a minute of this day (for booking from a slot)."""
        return (datetime.combine(self.day, time()) + timedelta(minutes=minute)
                - timedelta(minutes=self.offset_minutes))

    def appointment_count(self) -> int:
        return len({b.appointment_id for b in self.blocks})


def _phone_tail(phone: str | None) -> str:
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    return digits[-PHONE_TAIL:]


@boundary
def day_book(session: Session, day: date, branch_id: int | None = None) -> DayBook:
    """The book of the salon's ``day`` at ``branch_id`` (None: every branch)."""
    from salontui.store.branches import first_branch_id

    settings = session.get(SalonSettings, 1) or SalonSettings()
    offset = salon_offset(session)
    slot = settings.slot_minutes if settings.slot_minutes and settings.slot_minutes > 0 else 15
    hours = hours_of(weekday_hours(settings.opening_hours)[day.weekday()])
    start, end = day_bounds(day, offset)
    statement = (
        select(_A.c.id, _L.c.id, _A.c.customer_id, _C.c.name, _C.c.phone, _L.c.label,
               _L.c.starts_at, _L.c.minutes, _A.c.status, _L.c.staff_id, _A.c.note)
        .select_from(_L.join(_A, _A.c.id == _L.c.appointment_id)
                     .join(_C, _C.c.id == _A.c.customer_id))
        .where(_L.c.starts_at >= start, _L.c.starts_at < end, _A.c.status != "cancelled",
               _L.c.kind != "product")
        .order_by(_L.c.starts_at, _A.c.id, _L.c.position, _L.c.id)
    )
    clause = branch_clause(branch_id, first_branch_id(session)) if branch_id is not None \
        else []
    statement = statement.where(*clause)
    blocks: list[Block] = []
    for (aid, lid, cid, name, phone, label, starts_at, minutes, status, staff,
         note) in session.execute(statement):
        starts = starts_at + offset
        blocks.append(Block(
            appointment_id=aid, line_id=lid, customer_id=cid, customer_name=name,
            phone_tail=_phone_tail(phone), label=label, starts=starts,
            ends=starts + timedelta(minutes=minutes or 0), starts_at=starts_at,
            minutes=minutes or 0, status=status, staff_id=staff, note=note or ""))
    booked = {b.staff_id for b in blocks if b.staff_id is not None}
    columns = columns_for(session, day, branch_id, booked)
    first, last = (minutes_of(hours[0]), minutes_of(hours[1])) if hours else DEFAULT_SPAN
    for block in blocks:
        first = min(first, block.start_minute)
        last = max(last, min(24 * 60, block.end_minute))
    first -= first % slot
    last = min(24 * 60, last + (-(last - first)) % slot)
    return DayBook(day=day, opens=hours[0] if hours else None,
                   closes=hours[1] if hours else None, slot_minutes=slot,
                   offset_minutes=int(offset.total_seconds() // 60), first_minute=first,
                   last_minute=max(last, first + slot), columns=tuple(columns),
                   blocks=tuple(blocks),
                   unassigned=any(b.staff_id is None for b in blocks))


@dataclass(frozen=True)
class VisitView:
    """One visit as the book opens it: the visit with its lines, its customer, its
    history (oldest first)."""

    appointment: AppointmentRow
    customer_name: str
    customer_code: str
    customer_phone: str  # E.164
    history: tuple[EventRow, ...]


@boundary
def visit_view(session: Session, *, appointment_id: int) -> VisitView:
    """A visit, its customer and its history, for the book's visit dialog."""
    from salontui.store.day.appointments import appointment_history, get_appointment

    row = get_appointment(session, appointment_id=appointment_id)
    customer = session.execute(select(_C.c.name, _C.c.code, _C.c.phone).where(
        _C.c.id == row.customer_id)).one()
    return VisitView(appointment=row, customer_name=customer[0], customer_code=customer[1],
                     customer_phone=customer[2] or "",
                     history=tuple(appointment_history(session,
                                                       appointment_id=appointment_id)))
