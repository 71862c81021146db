"""``salontui backup PATH``: a consistent copy of a live SQLite database, verified.

A file copy of a database in use can catch it half-written (and misses the
WAL), so the copy goes through SQLite's online backup API
(``sqlite3.Connection.backup``), in one step inside one read transaction:
terminals may go on writing meanwhile; the copy is the database as it was at
one instant.

The copy is written next to the destination under a temporary name, then
checked: ``PRAGMA integrity_check`` on the copy, and every table's row count
compared with the source's counts taken in the very snapshot that was
copied. Only a copy that passes is moved to its name (atomically), so a
failed backup never leaves a half file under the name asked for, and an
existing file is replaced only when ``overwrite=True``.

PostgreSQL has its own tools (``pg_dump``); this refuses them with a message.
"""

from __future__ import annotations

import os
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine

from salontui.i18n import _
from salontui.store.errors import RuleViolation, ValidationError


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size_bytes: int
    rows: int  # rows copied, over every table
    seconds: float
    tables: dict[str, int] = field(default_factory=dict)  # rows per table, verified

    def __str__(self) -> str:
        size = self.size_bytes / 1_000_000
        return (f"{self.path} ({size:,.1f} MB, {self.rows:,} rows in {len(self.tables)} tables, "
                f"integrity ok, {self.seconds:.1f} s)")


def _tables(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name")]


def _counts(conn: sqlite3.Connection, tables: list[str]) -> dict[str, int]:
    return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def _source_file(engine: Engine) -> Path:
    if engine.dialect.name != "sqlite":
        raise ValidationError(_("Backups here are for SQLite files; back up PostgreSQL with "
                                "pg_dump."), field="path")
    return Path(engine.url.database or "").resolve()


def _check_destination(dest: Path, source: Path, overwrite: bool) -> Path:
    dest = Path(dest).expanduser()
    if dest.exists() and dest.is_dir():
        raise ValidationError(_("{path} is a folder; give the name of the backup file.").format(
            path=dest), field="path")
    dest = dest.resolve()
    if dest == source:
        raise ValidationError(_("That is the database itself; choose another file."),
                              field="path")
    if not dest.parent.is_dir():
        raise ValidationError(_("The folder {path} does not exist.").format(path=dest.parent),
                              field="path")
    if dest.exists() and not overwrite:
        raise RuleViolation(_("{path} already exists; choose another name or allow "
                              "overwriting it.").format(path=dest), field="path")
    return dest


def _copy(engine: Engine, partial: Path) -> dict[str, int]:
    """Copy the database into ``partial`` in one backup step; return the row counts of
    the snapshot copied (same read transaction as the copy)."""
    with engine.connect() as conn:
        from salontui.store.db import driver_connection

        source = driver_connection(conn)
        source.execute("BEGIN")
        try:
            counts = _counts(source, _tables(source))
            target = sqlite3.connect(partial)
            try:
                source.backup(target, pages=-1)
            finally:
                target.close()
        finally:
            source.execute("ROLLBACK")
    return counts


def _verify(partial: Path, expected: dict[str, int]) -> None:
    conn = sqlite3.connect(partial)
    try:
        result = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        if result != ["ok"]:
            raise RuleViolation(_("The backup copy failed its integrity check: {details}")
                                .format(details="; ".join(result[:3])), field="path")
        got = _counts(conn, _tables(conn))
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    if got != expected:
        wrong = sorted(t for t in set(got) | set(expected) if got.get(t) != expected.get(t))
        raise RuleViolation(_("The backup copy does not hold the same rows as the database "
                              "({tables}).").format(tables=", ".join(wrong)), field="path")


def _remove(path: Path) -> None:
    for extra in ("", "-wal", "-shm", "-journal"):
        candidate = Path(f"{path}{extra}")
        if candidate.exists():
            candidate.unlink()


def backup(url_or_engine: str | Engine, dest: Path | str, *,
           overwrite: bool = False) -> BackupResult:
    """Write a verified copy of the database to ``dest`` (see the module's docstring)."""
    started = time.perf_counter()
    own_engine = isinstance(url_or_engine, str)
    if isinstance(url_or_engine, str):
        from salontui.store.db import make_engine

        engine = make_engine(url_or_engine)
    else:
        engine = url_or_engine
    try:
        source = _source_file(engine)
        dest = _check_destination(Path(dest), source, overwrite)
        partial = dest.with_name(f".{dest.name}.partial")
        _remove(partial)
        try:
            counts = _copy(engine, partial)
            _verify(partial, counts)
            _remove(Path(f"{partial}-wal"))
            _remove(Path(f"{partial}-shm"))
            os.replace(partial, dest)
        except BaseException:
            _remove(partial)
            raise
        for extra in ("-wal", "-shm"):  # an old copy's leftovers must not pair with the new
            stale = Path(f"{dest}{extra}")
            if stale.exists():
                stale.unlink()
    finally:
        if own_engine:
            engine.dispose()
    return BackupResult(path=dest, size_bytes=dest.stat().st_size, rows=sum(counts.values()),
                        seconds=round(time.perf_counter() - started, 2), tables=counts)
