"""One family of errors, each with a message a receptionist understands.

Store functions raise these *before* anything is written, or inside the unit of
work so the whole transaction rolls back: an operation that fails changes
nothing. ``field`` names the input the message belongs to, so a form can show
it next to that field.
"""

from __future__ import annotations


class SalonError(Exception):
    """Base of every error the desk shows to a person."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message


class ValidationError(SalonError):
    """Input that cannot be accepted as typed (empty, negative, bad date…)."""


class NotFound(SalonError):
    """A code, customer, package or invoice that does not exist."""


class RuleViolation(SalonError):
    """A well-formed request that the salon's rules forbid (e.g. redeem a frozen package)."""


class DuplicateCustomer(SalonError):
    """Another customer has the same phone or name; ``matches`` lists them."""

    def __init__(self, message: str, *, matches: list, field: str | None = None) -> None:
        super().__init__(message, field=field)
        self.matches = matches


class ConcurrentEdit(SalonError):
    """Somebody else changed the record since it was read."""


class DatabaseUnavailable(SalonError):
    """The database cannot be opened or reached (a wrong address, a missing driver, a
    server gone away); the message names the address without its password."""


class DatabaseBusy(SalonError):
    """Another desk kept the rows this operation needs, past the retries."""
