"""Human codes (KH000123 for customers, HD000456 for invoices).

A counter row is advanced inside the writing transaction (under BEGIN
IMMEDIATE on SQLite, FOR UPDATE on PostgreSQL), so two terminals never get
the same code, and a rolled-back operation gives its number back rather than
leaving a hole: codes are sequential and never reused.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlmodel import Session, select

from salontui.store.db import for_update
from salontui.store.models import Counter

CUSTOMER = ("customer", "KH", 6)
INVOICE = ("invoice", "HD", 6)
PROMOTION = ("promotion", "KM", 6)
CATALOG = ("catalog", "DV", 4)


def next_number(session: Session, name: str) -> int:
    # The row is made first if missing (a no-op when it exists), then locked: two desks
    # taking the first code of a fresh database would otherwise both try to create it.
    session.execute(text("INSERT INTO counter (name, value) VALUES (:name, 0) "
                         "ON CONFLICT (name) DO NOTHING"), {"name": name})
    statement = for_update(select(Counter).where(Counter.name == name), session)
    counter = session.exec(statement).one()
    counter.value += 1
    session.add(counter)
    session.flush()
    return counter.value


def next_codes(session: Session, sequence: tuple[str, str, int], count: int) -> list[str]:
    """The next ``count`` codes of ``sequence`` at once, for a bulk write (an import): one
    move of the counter instead of one per code, with the same guarantees."""
    if count <= 0:
        return []
    name, prefix, width = sequence
    first = next_number(session, name)
    if count > 1:
        counter = session.get(Counter, name)
        assert counter is not None  # next_number made and locked it
        counter.value += count - 1
        session.add(counter)
        session.flush()
    return [format_code(prefix, width, number) for number in range(first, first + count)]


def format_code(prefix: str, width: int, number: int) -> str:
    return f"{prefix}{number:0{width}d}"


def next_code(session: Session, sequence: tuple[str, str, int]) -> str:
    """The next code of ``sequence`` (one of the module's constants)."""
    name, prefix, width = sequence
    return format_code(prefix, width, next_number(session, name))


def set_counter(session: Session, name: str, value: int) -> None:
    """Move a counter forward after a bulk load (never backwards)."""
    counter = session.get(Counter, name) or Counter(name=name, value=0)
    counter.value = max(counter.value, value)
    session.add(counter)
