"""Create and upgrade the schema with the Alembic migrations shipped in the package.

A new database is made by migrating from nothing; an old one is upgraded when
opened. No ``create_all`` here: the migrations are the schema's history.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


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


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to ``revision`` in one transaction."""
    from alembic import command

    from salontui.store.db import WRITE_OPTION

    write = engine.execution_options(**{WRITE_OPTION: True})
    with write.begin() as conn:
        command.upgrade(_config(conn), revision)


def ensure_current(engine: Engine) -> bool:
    """Upgrade if the database is behind the code; return True if anything was applied."""
    if current_revision(engine) == head_revision():
        return False
    upgrade(engine)
    return True
