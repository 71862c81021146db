"""Who works when: a staff member's weekly pattern (``Staff.work_days``, Monday..Sunday,
"1" a working day) and the exceptions to it (:class:`StaffDay`: a day off on a working
day, a working day on a day off, with a note), and the salon's opening hours of a day.

The appointment book has a column for every active staff member of the branch (and of
every branch) who works that day, and for anyone with a visit booked that day even if
they are off (marked off, so the visit is not lost from sight). Days are the salon's
calendar days.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy import and_, or_, select
from sqlmodel import Session

from salontui.i18n import _
from salontui.store import audit, clock
from salontui.store.bounds import boundary
from salontui.store.db import for_update
from salontui.store.errors import NotFound, ValidationError
from salontui.store.models import (
    Appointment,
    AppointmentLine,
    SalonSettings,
    Staff,
    StaffDay,
    table_of,
)
from salontui.store.settings import weekday_hours
from salontui.store.staff import require_staff
from salontui.store.text import clean_line, fold

WEEK = 7
MAX_DAY_NOTE = 120
MAX_DAYS_LISTED = 400
_PATTERN = re.compile(r"^[01]{7}$")

_S = table_of(Staff)
_D = table_of(StaffDay)
_A = table_of(Appointment)
_L = table_of(AppointmentLine)
_CREATOR = _S.alias("creator")


@dataclass(frozen=True)
class StaffColumn:
    """A staff member's column in the book for one day."""

    id: int
    name: str
    role: str
    working: bool  # works that day; False: off, shown for the visits booked with them
    note: str = ""  # the exception's note ("Nghỉ phép")
    exception: bool | None = None  # the day's exception (True: extra day, False: day off)
    work_days: str = "0000000"


@dataclass(frozen=True)
class StaffDayRow:
    """An exception to a staff member's weekly pattern."""

    staff_id: int
    staff_name: str
    day: date
    working: bool
    note: str
    created_at: datetime
    created_by_name: str | None


def works_by_pattern(work_days: str | None, day: date) -> bool:
    """Whether the weekly pattern ("1111100": Monday..Friday) has ``day`` as a working day."""
    days = work_days or ""
    return len(days) == WEEK and days[day.weekday()] == "1"


def works(work_days: str | None, day: date, exception: bool | None) -> bool:
    """The day's exception if there is one, else the weekly pattern."""
    return bool(exception) if exception is not None else works_by_pattern(work_days, day)


def works_on(session: Session, staff: Staff | int, day: date) -> bool:
    """Whether a staff member (a row or an id) works on the salon's calendar ``day``: an
    exception for that day says so, else the weekly pattern; an inactive or unknown
    staff member works no day."""
    row = staff if isinstance(staff, Staff) else session.get(Staff, staff)
    if row is None or not row.active:
        return False
    exception = session.execute(
        select(_D.c.working).where(_D.c.staff_id == row.id, _D.c.day == day)
    ).scalar_one_or_none()
    return works(row.work_days, day, exception)


def exceptions_of(session: Session, staff_ids: Iterable[int], days: Iterable[date]
                  ) -> dict[tuple[int, date], tuple[bool, str]]:
    """The exceptions of ``staff_ids`` on ``days``: (staff, day) → (working, note)."""
    ids, wanted = sorted(set(staff_ids)), sorted(set(days))
    if not ids or not wanted:
        return {}
    statement = select(_D.c.staff_id, _D.c.day, _D.c.working, _D.c.note).where(
        _D.c.staff_id.in_(ids), _D.c.day.in_(wanted))
    return {(r[0], r[1]): (bool(r[2]), r[3]) for r in session.execute(statement)}


def name_order(name: str, staff_id: int) -> tuple[str, str, int]:
    """The book's order of columns: by name, diacritics aside ("Ánh" beside "Anh")."""
    return fold(name), name, staff_id


def columns_for(session: Session, day: date, branch_id: int | None,
                booked: Iterable[int] = (), *, everyone: bool = False) -> list[StaffColumn]:
    """The columns of ``day``: active staff of the branch (and of every branch) who work
    that day (with ``everyone``: off or not), and everyone in ``booked`` (staff with
    visits that day), off or not. By name. One query (staff with the day's exception),
    one more for booked staff from elsewhere."""
    statement = (
        select(_S.c.id, _S.c.name, _S.c.role, _S.c.work_days, _D.c.working, _D.c.note)
        .select_from(_S.outerjoin(_D, and_(_D.c.staff_id == _S.c.id, _D.c.day == day)))
        .where(_S.c.active.is_(True))
    )
    if branch_id is not None:
        statement = statement.where(or_(_S.c.branch_id == branch_id, _S.c.branch_id.is_(None)))
    booked_ids = set(booked)
    found: dict[int, StaffColumn] = {}
    for sid, name, role, work_days, exception, note in session.execute(statement):
        working = works(work_days, day, exception)
        if working or everyone or sid in booked_ids:
            found[sid] = StaffColumn(id=sid, name=name, role=role, working=working,
                                     note=note or "", exception=exception,
                                     work_days=work_days or "0000000")
    missing = booked_ids - set(found)
    if missing:  # inactive, or of another branch, with a visit here that day
        others = (
            select(_S.c.id, _S.c.name, _S.c.role, _S.c.work_days, _D.c.working, _D.c.note)
            .select_from(_S.outerjoin(_D, and_(_D.c.staff_id == _S.c.id, _D.c.day == day)))
            .where(_S.c.id.in_(sorted(missing)))
        )
        for sid, name, role, work_days, exception, note in session.execute(others):
            found[sid] = StaffColumn(id=sid, name=name, role=role, working=False,
                                     note=note or "", exception=exception,
                                     work_days=work_days or "0000000")
    return sorted(found.values(), key=lambda c: name_order(c.name, c.id))


def booked_staff(session: Session, day: date, branch_id: int | None) -> set[int]:
    """Staff with a line of a visit (not cancelled) on the salon's ``day`` at the branch."""
    from salontui.store.branches import first_branch_id
    from salontui.store.day.times import day_bounds, salon_offset

    start, end = day_bounds(day, salon_offset(session))
    statement = (
        select(_L.c.staff_id).distinct()
        .select_from(_L.join(_A, _A.c.id == _L.c.appointment_id))
        .where(_L.c.starts_at >= start, _L.c.starts_at < end, _L.c.staff_id.is_not(None),
               _A.c.status != "cancelled")
    )
    statement = statement.where(*branch_clause(branch_id, first_branch_id(session)))
    return {r[0] for r in session.execute(statement)}


def branch_clause(branch_id: int | None, first_id: int | None) -> list:
    """"An appointment of this branch" (None: every branch); one without a branch is the
    first branch's."""
    if branch_id is None:
        return []
    if branch_id == first_id:
        return [or_(_A.c.branch_id == branch_id, _A.c.branch_id.is_(None))]
    return [_A.c.branch_id == branch_id]


def working_staff(session: Session, day: date, branch_id: int | None = None
                  ) -> list[StaffColumn]:
    """The book's columns on the salon's ``day`` (see :func:`columns_for`)."""
    return columns_for(session, day, branch_id, booked_staff(session, day, branch_id))


@boundary
def staff_on(session: Session, day: date, branch_id: int | None = None) -> list[StaffColumn]:
    """Every active staff member of the branch (and of every branch), each saying whether
    they work on ``day``: whose working days to set."""
    return columns_for(session, day, branch_id, everyone=True)


def opening_for(session: Session, day: date) -> tuple[time, time] | None:
    """The salon's opening hours on ``day`` (settings ``opening_hours``, Monday first), or
    None when it is closed that day; "24:00" closes at midnight (``time.max``)."""
    row = session.get(SalonSettings, 1)
    hours = row.opening_hours if row is not None else SalonSettings().opening_hours
    return hours_of(weekday_hours(hours)[day.weekday()])


def hours_of(text: str) -> tuple[time, time] | None:
    """"09:00-20:00" as (open, close); None for "" (closed) or a value that does not read."""
    opens, _sep, closes = (text or "").partition("-")
    try:
        open_at = _clock_time(opens)
        close_at = _clock_time(closes)
    except ValueError:
        return None
    if close_at <= open_at:
        return None
    return open_at, close_at


def _clock_time(text: str) -> time:
    hours, _sep, minutes = text.strip().partition(":")
    h, m = int(hours), int(minutes or 0)
    if (h, m) == (24, 0):
        return time.max
    return time(h, m)


def minutes_of(moment: time) -> int:
    """A time of day in minutes from midnight (``time.max``, midnight at close: 1440)."""
    if moment == time.max:
        return 24 * 60
    return moment.hour * 60 + moment.minute


# -- writing -------------------------------------------------------------------------------


def _member(session: Session, member_id: int) -> Staff:
    row = session.execute(for_update(
        select(Staff).where(_S.c.id == member_id), session)).scalars().first()
    if row is None:
        raise NotFound(_("No staff member #{id}.").format(id=member_id), field="member")
    return row


def _exception_row(session: Session, member_id: int, day: date) -> StaffDay | None:
    return session.execute(for_update(
        select(StaffDay).where(_D.c.staff_id == member_id, _D.c.day == day), session)
    ).scalars().first()


@boundary
def set_work_days(session: Session, *, staff_id: int, member_id: int, work_days: str) -> str:
    """A staff member's weekly pattern: seven "1"/"0", Monday first ("1111100"); the
    pattern as stored."""
    require_staff(session, staff_id)
    pattern = "".join((work_days or "").split())
    if not _PATTERN.match(pattern):
        raise ValidationError(_("The week is seven days, Monday first, each 1 (works) or 0 "
                                "(off): 1111100."), field="work_days")
    row = _member(session, member_id)
    before = row.work_days
    row.work_days = pattern
    session.add(row)
    session.flush()
    audit.record(session, staff_id=staff_id, action="set_work_days", entity="staff",
                 entity_id=row.id, before={"work_days": before},
                 after={"work_days": pattern})
    return pattern


def _check_day(day: date) -> None:
    from salontui.store.bounds import add_years

    today = clock.today()
    if day < add_years(today, -1) or day > add_years(today, 3):
        raise ValidationError(_("Choose a day within a year back and three years ahead."),
                              field="day")


@boundary
def set_staff_day(session: Session, *, staff_id: int, member_id: int, day: date,
                  working: bool, note: str = "") -> StaffDayRow:
    """An exception for one day: off (``working`` False) on a working day of the pattern,
    or working on a day off; replaces the day's exception if there was one."""
    require_staff(session, staff_id)
    note = clean_line(note, field="note", limit=MAX_DAY_NOTE,
                      too_long=_("Note is longer than {limit} characters."))
    _check_day(day)
    member = _member(session, member_id)
    row = _exception_row(session, member_id, day)
    before = audit.snapshot(row, fields=("day", "working", "note"))
    if row is None:
        row = StaffDay(staff_id=member_id, day=day, working=working, note=note,
                       created_at=clock.now(), created_by=staff_id)
    else:
        row.working, row.note = working, note
        row.created_at, row.created_by = clock.now(), staff_id
    session.add(row)
    session.flush()
    audit.record(session, staff_id=staff_id, action="set_staff_day", entity="staff",
                 entity_id=member_id, before=before,
                 after=audit.snapshot(row, fields=("day", "working", "note")))
    acting = session.get(Staff, staff_id)
    return StaffDayRow(staff_id=member_id, staff_name=member.name, day=day, working=working,
                       note=note, created_at=row.created_at,
                       created_by_name=acting.name if acting is not None else None)


@boundary
def clear_staff_day(session: Session, *, staff_id: int, member_id: int, day: date) -> bool:
    """Drop the day's exception (the weekly pattern holds again); False if there was none."""
    require_staff(session, staff_id)
    _member(session, member_id)
    row = _exception_row(session, member_id, day)
    if row is None:
        return False
    before = audit.snapshot(row, fields=("day", "working", "note"))
    session.delete(row)
    session.flush()
    audit.record(session, staff_id=staff_id, action="clear_staff_day", entity="staff",
                 entity_id=member_id, before=before, after=None)
    return True


@boundary
def staff_days(session: Session, member_id: int | None, from_day: date, to_day: date
               ) -> list[StaffDayRow]:
    """The exceptions from ``from_day`` to ``to_day`` (both included), of one staff member
    or (None) of everyone; by day, then name."""
    if to_day < from_day:
        raise ValidationError(_("The last day comes before the first."), field="to_day")
    if (to_day - from_day).days > MAX_DAYS_LISTED:
        raise ValidationError(_("List at most {days} days at a time.").format(
            days=MAX_DAYS_LISTED), field="to_day")
    statement = (
        select(_D.c.staff_id, _S.c.name, _D.c.day, _D.c.working, _D.c.note, _D.c.created_at,
               _CREATOR.c.name)
        .select_from(_D.join(_S, _S.c.id == _D.c.staff_id)
                     .outerjoin(_CREATOR, _CREATOR.c.id == _D.c.created_by))
        .where(_D.c.day >= from_day, _D.c.day <= to_day)
        .order_by(_D.c.day, _S.c.name, _D.c.staff_id)
    )
    if member_id is not None:
        statement = statement.where(_D.c.staff_id == member_id)
    return [StaffDayRow(staff_id=r[0], staff_name=r[1], day=r[2], working=bool(r[3]),
                        note=r[4], created_at=r[5], created_by_name=r[6])
            for r in session.execute(statement)]
