"""The period a report is asked for, checked once for every report: its salon days, their
UTC instants and the branch.

A builder is ``@boundary``-decorated (wrong types, impossible dates refused at their field)
and starts with :func:`read_period`, which refuses, at the field, an end before the start,
a period longer than :data:`MAX_DAYS` (a typo such as 2206 for 2026 would read a lifetime)
and a branch that does not exist. A report only reads: nothing is written, no audit row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlmodel import Session

from salontui.i18n import _
from salontui.store.branches import first_branch_id
from salontui.store.dayclose import day_bounds
from salontui.store.errors import ValidationError
from salontui.store.models import Branch
from salontui.store.reports.sums import Window, dialect_of
from salontui.store.settings import get_settings

MAX_DAYS = 3 * 366 + 1  # about three years, however the leap days fall


@dataclass(frozen=True)
class Period:
    date_from: date
    date_to: date  # inclusive
    branch_id: int | None
    offset_minutes: int  # the salon's UTC offset (its days)
    dialect: str
    window: Window  # the UTC instants [start of date_from, end of date_to) and the branch

    @property
    def start(self) -> datetime:
        assert self.window.start is not None  # (always bounded)
        return self.window.start

    @property
    def end(self) -> datetime:
        assert self.window.end is not None  # (always bounded)
        return self.window.end

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1

    def each_day(self) -> list[date]:
        return [self.date_from + timedelta(days=n) for n in range(self.days)]


def read_period(session: Session, *, date_from: date, date_to: date,
                branch_id: int | None) -> Period:
    """The period checked: the end not before the start (refused at ``date_to``), at most
    :data:`MAX_DAYS` days (refused at ``date_from``), the branch one the salon has (refused
    at ``branch``)."""
    if date_to < date_from:
        raise ValidationError(_("The end of the period is before its start."),
                              field="date_to")
    if (date_to - date_from).days + 1 > MAX_DAYS:
        raise ValidationError(_("A report covers at most three years: choose a shorter "
                                "period."), field="date_from")
    if branch_id is not None and session.get(Branch, branch_id) is None:
        raise ValidationError(_("No branch #{id}.").format(id=branch_id), field="branch")
    offset = get_settings(session).utc_offset_minutes
    window = Window(day_bounds(date_from, offset)[0], day_bounds(date_to, offset)[1],
                    branch_id, first_branch_id(session))
    return Period(date_from=date_from, date_to=date_to, branch_id=branch_id,
                  offset_minutes=offset, dialect=dialect_of(session), window=window)


def basis_points(part: int, whole: int) -> int | None:
    """``part`` of ``whole`` in basis points (1,000 = 10 %), rounded half away from zero;
    None when ``whole`` is 0."""
    if whole == 0:
        return None
    sign = -1 if (part < 0) != (whole < 0) else 1
    return sign * ((abs(part) * 10_000 * 2 + abs(whole)) // (2 * abs(whole)))
