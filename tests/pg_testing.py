"""A real PostgreSQL 16 server for the tests, from PyPI's ``pgserver`` wheel.

One server per test run, on a Unix socket in a temporary folder. The schema is migrated
once into a template database; each test gets a copy of it (``CREATE DATABASE … TEMPLATE``,
a file copy on the server: far cheaper than running the migrations again) and drops it
afterwards. The copies are made ahead by a thread, a couple at a time, while tests run:
making one waits on the server's disk, not on this process, so the wait overlaps the
previous test instead of adding to it.
"""

from __future__ import annotations

import itertools
import queue
import threading
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

TEMPLATE = "salontui_template"
AHEAD = 2  # migrated copies kept ready


class PgServer:
    def __init__(self, folder: Path) -> None:
        import pgserver

        self._server = pgserver.get_server(folder, cleanup_mode="stop")
        base = make_url(self._server.get_uri()).set(drivername="postgresql+psycopg")
        self._base = base
        self._admin = create_engine(base.set(database="postgres"),
                                    isolation_level="AUTOCOMMIT")
        with self._admin.connect() as conn:  # a throwaway server: durability is not tested
            for setting in ("fsync", "synchronous_commit", "full_page_writes"):
                conn.execute(text(f"ALTER SYSTEM SET {setting} = off"))
            conn.execute(text("SELECT pg_reload_conf()"))
        self._names = itertools.count(1)
        self._name_lock = threading.Lock()
        self._template_ready = False
        self._ready: queue.Queue[str] = queue.Queue(maxsize=AHEAD)
        self._maker: threading.Thread | None = None
        self._stopping = threading.Event()

    def url(self, database: str) -> str:
        return self._base.set(database=database).render_as_string(hide_password=False)

    def _ensure_template(self) -> None:
        if self._template_ready:
            return
        from salontui.store.db import make_engine
        from salontui.store.schema import upgrade

        with self._admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{TEMPLATE}"'))
            conn.execute(text(f'CREATE DATABASE "{TEMPLATE}"'))
        engine = make_engine(self.url(TEMPLATE))
        try:
            upgrade(engine)
        finally:
            engine.dispose()
        self._template_ready = True

    def _next_name(self) -> str:
        with self._name_lock:
            return f"t{next(self._names)}"

    def _make_ahead(self) -> None:
        while not self._stopping.is_set():
            name = self._next_name()
            with self._admin.connect() as conn:
                conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}" '
                                  'STRATEGY WAL_LOG'))
            while not self._stopping.is_set():
                try:
                    self._ready.put(name, timeout=0.2)
                    break
                except queue.Full:
                    continue

    def migrated_database(self) -> str:
        """A copy of the migrated template, made ahead of time."""
        self._ensure_template()
        if self._maker is None:
            self._maker = threading.Thread(target=self._make_ahead, daemon=True,
                                           name="pg-copies")
            self._maker.start()
        return self.url(self._ready.get(timeout=60))

    def fresh_database(self, *, migrated: bool = False) -> str:
        """A new empty database's URL (``migrated=True``: a copy of the migrated template)."""
        if migrated:
            return self.migrated_database()
        name = self._next_name()
        with self._admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        return self.url(name)

    def admin(self):
        """A connection to the server's own database, in autocommit (to create, drop, or
        throw the desks' connections out)."""
        return self._admin.connect()

    def drop_database(self, url: str) -> None:
        name = make_url(url).database
        with self._admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def stop(self) -> None:
        self._stopping.set()
        if self._maker is not None:
            self._maker.join(timeout=10)
        self._admin.dispose()
        self._server.cleanup()
