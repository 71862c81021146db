"""Engine factory, SQLite pragmas and the unit of work.

Why it looks like this (ARCHITECTURE.md has the layers; these are facts measured on a
small two-core counter PC with SQLite 3.40):

* Python's sqlite3 starts a *deferred* transaction; when it upgrades to a write
  while another terminal writes it fails at once with "database is locked",
  ignoring busy_timeout. So the driver's own transaction handling is switched
  off (``isolation_level=None``) and we emit ``BEGIN`` ourselves: ``BEGIN
  IMMEDIATE`` for a unit of work that writes, plain ``BEGIN`` for one that
  only reads (so reading terminals never queue behind a writer).
* Every connection gets WAL, foreign keys, a busy timeout and
  ``synchronous=FULL`` (a commit that says done survives a power cut).
* Desks writing at once take turns fairly: ``BEGIN IMMEDIATE`` is preceded
  by the file's write lock (:mod:`salontui.store.write_lock`: a waiting desk
  is woken when the writer before it commits, instead of polling in SQLite's
  busy handler), given back right after ``COMMIT`` or ``ROLLBACK``. A wait
  too long ends in :class:`~salontui.store.write_lock.WriteBusy`, also when
  SQLite's own busy timeout runs out ("database is locked").
* One short session per unit of work with ``expire_on_commit=False``, so
  nothing lazy-loads after the session has closed.
* No engine exists at import time; :func:`make_engine` makes one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import cast

from sqlalchemy import Connection, Engine, create_engine, event, make_url
from sqlmodel import Session

BUSY_TIMEOUT_MS = 10_000
WRITE_OPTION = "salontui_write"


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Make an engine for ``url`` with the pragmas and transaction rules we rely on."""
    if url.startswith("sqlite"):
        # No file (sqlite://, sqlite+pysqlite://, sqlite:///) or :memory: is a database
        # that vanishes; the demo and the write lock need its file name.
        if make_url(url).database in (None, "", ":memory:"):
            raise ValueError("salontui needs a SQLite file, not an in-memory database")
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000},
        )
        _install_sqlite_hooks(engine)
        _install_write_lock(engine)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True)


def _install_sqlite_hooks(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA synchronous = FULL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        # Straight to the driver: SQLAlchemy's execution path would cost more than
        # the desk's hottest reads themselves.
        dbapi_conn = conn.connection.dbapi_connection
        if not conn.get_execution_options().get(WRITE_OPTION):
            dbapi_conn.execute("BEGIN")
            return
        # (our own attribute on this engine's dialect, set by _install_write_lock)
        engine.dialect.salontui_write_lock.begin_immediate(  # type: ignore[attr-defined]
            dbapi_conn)


class _HeldLocks:
    """The file's write lock, held by the DBAPI connection whose write transaction is open.

    Taken before ``BEGIN IMMEDIATE``; given back when that transaction ends:
    after the dialect's commit or rollback (SQLAlchemy's own ``commit`` event
    comes *before* the COMMIT, too early), or when the connection is closed.
    A connection dropped while checked out is rolled back by the pool, through
    the same dialect call.
    """

    def __init__(self, lock) -> None:
        self.lock = lock
        self._held: dict[int, object] = {}  # id → the DBAPI connection (kept: no id reuse)

    def begin_immediate(self, dbapi_conn) -> None:
        from salontui.store.write_lock import WriteBusy

        self.lock.acquire()
        try:
            dbapi_conn.execute("BEGIN IMMEDIATE")
        except BaseException as error:
            self.lock.release()
            if isinstance(error, sqlite3.OperationalError) and "locked" in str(error):
                raise WriteBusy() from error  # a writer outside salontui held it 10 s
            raise
        self._held[id(dbapi_conn)] = dbapi_conn

    def done(self, dbapi_conn, *, closed: bool = False) -> None:
        """Release the lock if ``dbapi_conn`` held it and its transaction is over."""
        raw = getattr(dbapi_conn, "dbapi_connection", None) or dbapi_conn  # a pool's proxy
        if id(raw) not in self._held or not (closed or not raw.in_transaction):
            return
        if self._held.pop(id(raw), None) is not None:
            self.lock.release()


def driver_connection(connection: Connection) -> sqlite3.Connection:
    """The ``sqlite3`` connection under a checked-out SQLAlchemy connection on SQLite."""
    raw = connection.connection.dbapi_connection
    assert raw is not None  # checked out: the pool gave it its driver connection
    return cast(sqlite3.Connection, raw)  # the pysqlite driver's connection


def _install_write_lock(engine: Engine) -> None:
    """Take the write lock at BEGIN IMMEDIATE (see ``_on_begin``); give it back after the
    driver's commit, rollback or close: the dialect's calls are wrapped for this engine."""
    from salontui.store.write_lock import lock_for

    held = _HeldLocks(lock_for(engine.url.database))
    dialect = engine.dialect
    # The engine's dialect carries its lock (one dialect object per engine).
    dialect.salontui_write_lock = held  # type: ignore[attr-defined]

    def after(name: str, closed: bool = False):
        inner = getattr(dialect, name)

        def call(dbapi_conn, *args, **kwargs):
            try:
                return inner(dbapi_conn, *args, **kwargs)
            finally:
                held.done(dbapi_conn, closed=closed)

        setattr(dialect, name, call)

    after("do_commit")
    after("do_rollback")
    after("do_close", closed=True)
    after("do_terminate", closed=True)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One unit of work that writes: BEGIN IMMEDIATE, commit on success, roll back on error.

    On PostgreSQL it also tells the other desks (``NOTIFY``, see :mod:`.changes`), sent
    last in the transaction: delivered with the commit, dropped with a rollback. SQLite
    needs nothing (a commit changes the file's ``data_version``)."""
    bind = engine.execution_options(**{WRITE_OPTION: True})
    with Session(bind, expire_on_commit=False) as session:
        try:
            yield session
            if engine.dialect.name == "postgresql":
                from salontui.store.changes import announce

                announce(session)
            session.commit()
        except BaseException:
            session.rollback()
            raise


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """One unit of work that only reads (a deferred transaction, rolled back at the end)."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
        finally:
            session.rollback()


def for_update(statement, session: Session):
    """Add ``FOR UPDATE`` on engines that need it (PostgreSQL); SQLite is already serialised
    by BEGIN IMMEDIATE, so a read-then-write on a balance cannot interleave there."""
    if session.get_bind().dialect.name == "postgresql":
        # populate_existing: an object already in the session is refreshed from the locked
        # row, not handed back with the values it had before another desk's commit.
        return statement.with_for_update().execution_options(populate_existing=True)
    return statement


def fetch_all(session: Session, sql: str, params: dict | None = None) -> list[tuple]:
    """Hot read: run ``sql`` on the session's own DBAPI cursor, inside its transaction.

    SQLAlchemy's execution path costs several times the query itself on the
    desk's hottest reads (search as you type, the customer header); on SQLite
    this goes straight to ``sqlite3``. Values come back as the driver gives
    them (dates as ISO strings on SQLite). Other engines take the normal path.
    """
    from sqlalchemy import text

    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return [tuple(row) for row in connection.execute(text(sql), params or {})]
    cursor = driver_connection(connection).cursor()
    try:
        return cursor.execute(sql, params or {}).fetchall()
    finally:
        cursor.close()
