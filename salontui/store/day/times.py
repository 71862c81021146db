"""The salon's clock for the day's rules: a day of the book, a reminder's date and a
birthday are the salon's calendar days, whatever the server's time zone. Timestamps stay
naive UTC; these turn a salon day into the UTC range it covers and back."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlmodel import Session

from salontui.store.models import SalonSettings


def salon_offset(session: Session) -> timedelta:
    """The salon's offset from UTC, from its settings (Vietnam +7 h by default)."""
    row = session.get(SalonSettings, 1)
    return timedelta(minutes=row.utc_offset_minutes if row is not None else 420)


def day_bounds(day: date, offset: timedelta) -> tuple[datetime, datetime]:
    """The naive-UTC range [start, end) of the salon's calendar ``day``."""
    start = datetime.combine(day, time()) - offset
    return start, start + timedelta(days=1)


def local(moment: datetime, offset: timedelta) -> datetime:
    """A stored (UTC) time as the salon's wall clock reads it."""
    return moment + offset


def utc(moment: datetime, offset: timedelta) -> datetime:
    """The salon's wall-clock time as stored (UTC)."""
    return moment - offset


def salon_day(moment: datetime, offset: timedelta) -> date:
    """The salon's calendar day of a stored time."""
    return (moment + offset).date()
