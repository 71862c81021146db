"""Where the salon's database lives, chosen without importing anything heavy.

The default is one SQLite file in the platform's data directory (platformdirs),
so a receptionist never has to think about paths. ``--db`` or the
``SALONTUI_DB`` environment variable choose another file or a full SQLAlchemy
URL (``postgresql+psycopg://…`` for a chain).
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "salontui"
DB_ENV = "SALONTUI_DB"
DEFAULT_DB_FILE = "salon.db"


def default_db_path() -> Path:
    """The SQLite file used when neither ``--db`` nor ``SALONTUI_DB`` says otherwise."""
    from platformdirs import user_data_path

    return user_data_path(APP_NAME, appauthor=False) / DEFAULT_DB_FILE


def resolve_db_url(db: str | None = None) -> str:
    """Turn ``--db`` (a path or a URL), the environment, or the default into a URL."""
    value = db or os.environ.get(DB_ENV) or ""
    if "://" in value:
        return value
    path = Path(value).expanduser() if value else default_db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path.resolve()}"


def sqlite_path(url: str) -> Path | None:
    """The file behind a SQLite URL, or None for any other engine."""
    prefix = "sqlite:///"
    if url.startswith(prefix):
        return Path(url[len(prefix):])
    return None
