"""Create and upgrade the schema with the Alembic migrations shipped in the package.

A new database is made by migrating from nothing; an old one is upgraded when
opened. No ``create_all`` here: the migrations are the schema's history.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# The newest migration's revision, written here so that opening an up-to-date database
# (every start of the desk) needs no Alembic import, about 0.3 s on a counter PC.
# A test checks it against the migrations folder.
HEAD_REVISION = "0011"


def _config(connection=None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_config()).get_current_head()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to ``revision`` in one transaction."""
    from alembic import command

    from salontui.store.db import WRITE_OPTION

    write = engine.execution_options(**{WRITE_OPTION: True})
    with write.begin() as conn:
        command.upgrade(_config(conn), revision)


def current_revision(engine: Engine) -> str | None:
    """The revision recorded in the database, read with plain SQL (None: never migrated)."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    with engine.connect() as conn:
        try:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except DBAPIError:  # no such table: an empty database
            return None


def ensure_current(engine: Engine) -> bool:
    """Upgrade if the database is behind the code; return True if anything was applied."""
    if current_revision(engine) == HEAD_REVISION:
        return False
    upgrade(engine)
    return True
