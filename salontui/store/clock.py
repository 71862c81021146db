"""The store's one source of "now" and "today", so tests can pin time.

Timestamps are naive UTC; calendar dates (expiry, freeze, "before today") are
the salon's date. Once the desk has read the salon's settings it calls
:func:`use_salon_offset`, so an owner on a server in another time zone sees
the same "today" as the counter PC; until then the machine's date is used.
``pinned`` fixes both for a test or a demo build.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta

_pinned: datetime | None = None
_salon_offset: timedelta | None = None


def use_salon_offset(minutes: int | None) -> None:
    """Take calendar dates from UTC shifted by the salon's offset (None: the machine's)."""
    global _salon_offset
    _salon_offset = None if minutes is None else timedelta(minutes=minutes)


def now() -> datetime:
    """Current time, naive UTC (what the database stores)."""
    if _pinned is not None:
        return _pinned
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    """The salon's calendar date."""
    if _salon_offset is None:
        return _pinned.date() if _pinned is not None else date.today()
    return (now() + _salon_offset).date()


@contextmanager
def salon_offset(minutes: int | None) -> Iterator[None]:
    """Take calendar dates from the salon's offset inside the block, then as before (a
    demo build's store calls, whose "today" is the salon's whatever the machine's)."""
    global _salon_offset
    previous = _salon_offset
    use_salon_offset(minutes)
    try:
        yield
    finally:
        _salon_offset = previous


@contextmanager
def pinned(moment: datetime) -> Iterator[None]:
    """Pretend it is ``moment`` inside the block."""
    global _pinned
    previous, _pinned = _pinned, moment
    try:
        yield
    finally:
        _pinned = previous
