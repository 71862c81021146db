"""Tables of bad input run in one test per engine (a database copy per case cost ~0.3 s
each, most of the suite's growth): each case in its own write transaction, every case
that went wrong named, the test failing once with all of them."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pytest

from salontui.store.errors import SalonError, ValidationError


def short(value: Any) -> Any:
    """A case's input as a message shows it: a long text by its start and its length."""
    if isinstance(value, str) and len(value) > 20:
        return f"{value[:12]}…({len(value)})"
    return [short(v) for v in value] if isinstance(value, list) else value


def case_name(number: int, changes: dict) -> str:
    """``case 3 {'name': 'xxxxxxxxxxxx…(10000)'}``: a case's place and input."""
    return f"case {number} {({k: short(v) for k, v in changes.items()})}"


def refused_wrongly(cases: Sequence[tuple], attempt: Callable[[dict], object],
                    written: Callable[[], object] = lambda: None, *,
                    error: type[SalonError] = ValidationError) -> list[str]:
    """Try each case, ``(changes, field)`` or ``(changes, field, message)``, with
    ``attempt(changes)`` (its own write transaction); name every case not refused with
    ``error`` at its field saying its message, or after which ``written()`` reads other
    than before it."""
    problems = []
    for number, (changes, field, *said) in enumerate(cases):
        case = case_name(number, changes)
        before = written()
        try:
            attempt(changes)
        except error as refused:
            if refused.field != field:
                problems.append(f"{case}: refused at {refused.field!r}, not {field!r}: "
                                f"{refused.message!r}")
            if said and said[0] not in refused.message:
                problems.append(f"{case}: {refused.message!r} does not say {said[0]!r}")
        except Exception as other:
            problems.append(f"{case}: {other!r}")
        else:
            problems.append(f"{case}: not refused")
        if written() != before:
            problems.append(f"{case}: something was written")
    return problems


@contextmanager
def one_case(failed: list[str], name: str) -> Iterator[None]:
    """One case of a table a test runs in a loop: a failed check is noted under the case's
    name and the loop goes on to the next; an unexpected error stops the test, naming the
    case. The test asserts none failed."""
    try:
        yield
    except (AssertionError, pytest.fail.Exception) as wrong:
        failed.append(f"case {name}: {wrong}")
    except Exception as unexpected:
        unexpected.add_note(f"case {name}")
        raise


def case_id(change: dict) -> str:
    """A case named by what it sets; a long text by its length."""
    return ", ".join(
        f"{field}='{value[:8]}…' ({len(value)} characters)"
        if isinstance(value, str) and len(value) > 20 else f"{field}={value!r}"
        for field, value in change.items())
