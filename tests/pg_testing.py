"""A real PostgreSQL 16 server for the tests, from PyPI's ``pgserver`` wheel.

One server per test run, on a Unix socket in a temporary folder. The schema is migrated
once into a template database; each test gets a copy of it (``CREATE DATABASE … TEMPLATE``,
a file copy on the server: far cheaper than running the migrations again) and drops it
afterwards.
"""

from __future__ import annotations

import itertools
from pathlib import Path

from sqlalchemy import create_engine, make_url, text

TEMPLATE = "salontui_template"


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
        self._template_ready = False

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

    def fresh_database(self, *, migrated: bool = False) -> str:
        """A new empty database's URL (``migrated=True``: a copy of the migrated template)."""
        name = f"t{next(self._names)}"
        with self._admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            if migrated:
                self._ensure_template()
                conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}" '
                                  'STRATEGY WAL_LOG'))
            else:
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
        self._admin.dispose()
        self._server.cleanup()
