"""The demo's clock: every instant is whole minutes since the first day of the
history (00:00 UTC), every salon day a day number, both plain ``int`` in the hot
loop; :class:`_Calendar` turns them into the strings SQLite stores, from tables
built once (a million visits would otherwise format a million datetimes).
"""

from __future__ import annotations

from datetime import date, timedelta

from salontui.store.demo.catalog_data import UTC_OFFSET_MINUTES


class _Calendar:
    """Minutes since the first day of the history (00:00 UTC) ↔ the strings SQLite stores
    (SQLAlchemy's format, so ORM reads and raw SQL comparisons agree)."""

    def __init__(self, first_day: date, days: int):
        self.first_day = first_day
        self.dates = [(first_day + timedelta(days=i)).isoformat() for i in range(days)]
        self.tod = [f" {m // 60:02d}:{m % 60:02d}:00.000000" for m in range(1440)]
        self.offset = UTC_OFFSET_MINUTES

    def ts(self, t: int) -> str:
        return self.dates[t // 1440] + self.tod[t % 1440]

    def local_day(self, t: int) -> int:
        return (t + self.offset) // 1440

    def date(self, day: int) -> str:
        return self.dates[day]

    def at_local(self, day: int, minutes: int) -> int:
        """The UTC instant ``minutes`` after local midnight of ``day``."""
        return day * 1440 + minutes - self.offset
