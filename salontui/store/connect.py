"""Opening a database, and what the desk says when it cannot.

A wrong or unreachable URL, a missing driver or a server that goes away mid-session
becomes one :class:`DatabaseUnavailable` sentence naming the address (never its
password) and what to do, instead of a driver's traceback. A write that PostgreSQL
aborts because another desk's transaction got in the way (a serialization failure or a
deadlock: nothing of it was written) is run again a few times before the desk is told.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Engine, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, InterfaceError, NoSuchModuleError
from sqlalchemy.exc import OperationalError as SAOperationalError
from sqlmodel import Session

from salontui.i18n import _
from salontui.store.errors import DatabaseBusy, DatabaseUnavailable

log = logging.getLogger("salontui.store")

T = TypeVar("T")

# SQLSTATEs of a transaction PostgreSQL rolled back so another could go on.
RETRYABLE = {"40001", "40P01"}  # serialization_failure, deadlock_detected
ATTEMPTS = 4


def safe_url(url: str) -> str:
    """``url`` as it can be shown: the password hidden, a SQLite file as its path."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return url.split("@")[-1] if "@" in url else url
    if parsed.get_backend_name() == "sqlite":
        return parsed.database or url
    return parsed.render_as_string(hide_password=True)


def open_engine(url: str) -> Engine:
    """An engine on ``url``, reachable and migrated to the code's schema."""
    from salontui.store.db import make_engine
    from salontui.store.schema import ensure_current

    shown = safe_url(url)
    try:
        backend = make_url(url).get_backend_name()
    except ArgumentError:
        backend = "sqlite"  # a plain path
    if backend not in ("sqlite", "postgresql"):
        raise DatabaseUnavailable(_(
            "{url} is not a database salontui can open: it works with a SQLite file or "
            "PostgreSQL (postgresql://user@host/database).").format(url=shown))
    try:
        engine = make_engine(url)
    except (ArgumentError, NoSuchModuleError) as error:
        raise DatabaseUnavailable(_(
            "{url} is not a database salontui can open: it works with a SQLite file or "
            "PostgreSQL (postgresql://user@host/database).").format(url=shown)) from error
    except ModuleNotFoundError as error:
        raise DatabaseUnavailable(_(
            "The driver for {url} is not installed: pip install 'salontui[postgres]' "
            "installs PostgreSQL's.").format(url=shown)) from error
    try:
        ensure_current(engine)
    except DBAPIError as error:
        engine.dispose()
        raise unavailable(error, url) from error
    return engine


def unavailable(error: BaseException, url: str) -> DatabaseUnavailable:
    """The sentence for a database that cannot be reached (``error`` from the driver)."""
    reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
    return DatabaseUnavailable(_(
        "Cannot reach the database at {url} ({reason}). Check that the server is running "
        "and the address is right; nothing was written.").format(url=safe_url(url),
                                                                 reason=reason[:200]))


def is_connection_lost(error: BaseException) -> bool:
    """A driver error that means the server or the connection is gone, not a bad query."""
    if isinstance(error, InterfaceError) or getattr(error, "connection_invalidated", False):
        return True
    if not isinstance(error, SAOperationalError):
        return False
    if not type(getattr(error, "orig", None)).__module__.startswith("psycopg"):
        return False  # SQLite's own (a locked file…) are said where they happen
    state = _sqlstate(error)
    # no state: the connection failed; 08…: connection exceptions; 57P0…: shut down
    return state is None or state.startswith("08") or state.startswith("57P0")


def in_session(engine: Engine, fn: Callable[[Session], T], *, write: bool) -> T:
    """``fn(session)`` in a read or (retried) write transaction, a lost server said in
    one sentence."""
    from salontui.store.db import read_session

    try:
        if write:
            return run_write(engine, fn)
        with read_session(engine) as session:
            return fn(session)
    except DBAPIError as error:
        if is_connection_lost(error):
            raise unavailable(error, engine.url.render_as_string(hide_password=False)) \
                from error
        raise


def _sqlstate(error: BaseException) -> str | None:
    orig = getattr(error, "orig", None)
    return getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)


def run_write(engine: Engine, fn: Callable[[Session], T], *, attempts: int = ATTEMPTS) -> T:
    """``fn(session)`` in one write transaction; run again (from the start, in a new
    transaction) when PostgreSQL rolled it back for another desk's sake."""
    from salontui.store.db import write_session

    for attempt in range(1, attempts + 1):
        try:
            with write_session(engine) as session:
                return fn(session)
        except DBAPIError as error:
            if _sqlstate(error) not in RETRYABLE:
                raise
            log.info("write retried after %s (attempt %d)", _sqlstate(error), attempt)
            time.sleep(0.01 * attempt)
    raise DatabaseBusy(_("Another desk kept the same records busy; nothing was written. "
                         "Try again."))
