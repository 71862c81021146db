"""The store's one source of "now" and "today", so tests can pin time.

Timestamps are naive UTC; calendar dates (expiry, freeze) are the salon's
local date. ``pinned`` fixes both for a test or a demo build.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime

_pinned: datetime | None = None


def now() -> datetime:
    """Current time, naive UTC (what the database stores)."""
    if _pinned is not None:
        return _pinned
    return datetime.now(UTC).replace(tzinfo=None)


def today() -> date:
    """The salon's calendar date."""
    if _pinned is not None:
        return _pinned.date()
    return date.today()


@contextmanager
def pinned(moment: datetime) -> Iterator[None]:
    """Pretend it is ``moment`` inside the block."""
    global _pinned
    previous, _pinned = _pinned, moment
    try:
        yield
    finally:
        _pinned = previous
