"""ChangeWatcher: tells a desk that the database changed, whichever desk changed it.

Two desks open on one database each show a customer; when one of them writes, the
other should show it within a second, without a key pressed and without costing
anything while nothing changes. The watcher holds one connection of its own and a
daemon thread, and calls ``on_change()`` (from that thread) once per change it sees;
the desk reads again what it shows. Its own desk's writes count too: the watcher's
connection is not the desk's.

* SQLite: ``PRAGMA data_version`` on the watcher's own connection changes when any
  other connection commits (this process's pool included). It is asked every
  :data:`POLL_SECONDS`: a few microseconds each (the WAL index in shared memory, no
  page read), so the thread sleeps the rest of the time.
* PostgreSQL: :func:`announce` sends ``NOTIFY salontui_changes`` inside every write
  transaction (``write_session`` does it just before the commit): delivered at the
  commit, dropped with a rollback. The watcher's connection ``LISTEN``s and its thread
  blocks on the socket (and a wake-up pipe to stop it): no wake-up at all while idle.

A database that goes away (a closed server, a broken file) ends the watcher quietly,
with a line in the log: the desk goes on without live updates.
"""

from __future__ import annotations

import logging
import os
import select
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlmodel import Session

log = logging.getLogger("salontui.store.changes")

CHANNEL = "salontui_changes"
POLL_SECONDS = 0.5  # SQLite: how often data_version is asked (latency ≤ this, then a read)


def announce(session: Session) -> None:
    """Tell the desks listening that this transaction changed something (PostgreSQL:
    ``NOTIFY``, delivered when it commits, never if it rolls back). SQLite needs nothing:
    every commit changes the file's ``data_version``."""
    from sqlalchemy import text

    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"NOTIFY {CHANNEL}"))


class ChangeWatcher:
    """One engine's change signal; see the module. :func:`open_watcher` makes one (its
    connection open and its baseline taken), :meth:`start` calls ``on_change`` from its
    thread, :meth:`stop` ends it (and closes the connection)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._connection: Any = None
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._on_change: Callable[[], None] = lambda: None
        self.changes = 0  # how many changes were signalled (tests, logs)

    # -- life -------------------------------------------------------------------------
    def open(self) -> ChangeWatcher:
        """Open the watcher's own connection and take the baseline: a commit after this
        returns is signalled once the thread runs."""
        raw = self.engine.raw_connection()
        self._connection = raw.driver_connection
        raw.detach()  # the watcher's alone: never handed back to the pool
        try:
            self._baseline()
        except BaseException:
            self._close()
            raise
        return self

    def start(self, on_change: Callable[[], None]) -> None:
        if self._thread is not None or self._connection is None:
            return
        self._on_change = on_change
        self._thread = threading.Thread(target=self._run, name="salontui-changes",
                                        daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 2.0) -> None:
        """End the thread (it closes the connection); a watcher never started is closed."""
        self._stopping.set()
        self._wake()
        thread = self._thread
        if thread is None:
            self._close()
        elif thread is not threading.current_thread():
            thread.join(timeout)
        if not self.running:
            self._release()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        try:
            self._watch()
        except Exception as error:
            if not self._stopping.is_set():
                log.warning("live updates stopped: %s", error)
        finally:
            self._close()

    def _signal(self) -> None:
        self.changes += 1
        try:
            self._on_change()
        except Exception:  # the receiver's problem; the watcher goes on
            log.exception("change callback failed")

    def _close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                connection.close()
            except Exception:  # closing a connection to a database that went away
                log.debug("closing the watcher's connection failed", exc_info=True)

    # -- per engine -------------------------------------------------------------------
    def _baseline(self) -> None:  # pragma: no cover - each engine has its own
        raise NotImplementedError

    def _watch(self) -> None:  # pragma: no cover - each engine has its own
        raise NotImplementedError

    def _wake(self) -> None:
        """Wake the thread up to stop (a thread waiting on the event needs nothing)."""

    def _release(self) -> None:
        """Free what the thread waited on, once it has ended."""


class SqliteWatcher(ChangeWatcher):
    """``PRAGMA data_version`` every :data:`POLL_SECONDS` on a connection of its own."""

    def __init__(self, engine: Engine, *, poll: float = POLL_SECONDS) -> None:
        super().__init__(engine)
        self.poll = poll
        self._version: int | None = None

    def _read_version(self) -> int:
        return self._connection.execute("PRAGMA data_version").fetchone()[0]

    def _baseline(self) -> None:
        self._version = self._read_version()

    def _watch(self) -> None:
        while not self._stopping.wait(self.poll):
            version = self._read_version()
            if version != self._version:
                self._version = version
                self._signal()


class PostgresWatcher(ChangeWatcher):
    """``LISTEN`` on a connection of its own; the thread sleeps on its socket."""

    def __init__(self, engine: Engine) -> None:
        super().__init__(engine)
        self._wake_r = self._wake_w = -1

    def _baseline(self) -> None:
        connection = self._connection
        connection.autocommit = True  # LISTEN now, and notifications between transactions
        connection.execute(f"LISTEN {CHANNEL}")
        self._wake_r, self._wake_w = os.pipe()

    def _drain(self) -> int:
        """The notifications that have arrived, without waiting: how many."""
        return sum(1 for _note in self._connection.notifies(timeout=0))

    def _watch(self) -> None:
        connection = self._connection
        if self._drain():  # arrived while the LISTEN was answered, before the thread ran
            self._signal()
        while not self._stopping.is_set():
            ready, _w, _x = select.select([connection.fileno(), self._wake_r], [], [])
            if self._stopping.is_set():
                return
            if connection.fileno() in ready:
                if self._drain():  # several commits at once: one signal
                    self._signal()
                elif connection.closed or connection.broken:
                    raise ConnectionError("the database connection is closed")

    def _wake(self) -> None:
        if self._wake_w >= 0:
            os.write(self._wake_w, b"x")

    def _release(self) -> None:
        for fd in (self._wake_r, self._wake_w):
            if fd >= 0:
                os.close(fd)
        self._wake_r = self._wake_w = -1


def make_watcher(engine: Engine) -> ChangeWatcher:
    """The watcher for ``engine``'s kind of database (not opened yet)."""
    if engine.dialect.name == "sqlite":
        return SqliteWatcher(engine)
    if engine.dialect.name == "postgresql":
        return PostgresWatcher(engine)
    raise ValueError(f"no change signal for {engine.dialect.name}")


def open_watcher(engine: Engine) -> ChangeWatcher | None:
    """A watcher of ``engine`` with its connection open and its baseline taken, or None
    (logged) when it cannot be had: the desk then works without live updates."""
    try:
        return make_watcher(engine).open()
    except Exception as error:
        log.warning("no live updates: %s", error)
        return None
