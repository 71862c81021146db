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

PostgreSQL: the copy is ``pg_dump``'s custom format (``-Fc``), made by the
``pg_dump`` found on the PATH (PostgreSQL's client programs; without it, one
sentence says how to get it). The URL's password reaches it only through the
``PGPASSWORD`` environment variable, never on its command line or in a message.
The same checks as for SQLite: a transaction exports its snapshot, counts every
table's rows in it and holds it while ``pg_dump --snapshot`` copies exactly that
snapshot; the archive, written under a temporary name, is then read back through
``pg_restore`` and every table's rows counted against the snapshot's before the
file is moved to its name.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import URL, Engine
from sqlalchemy.exc import DBAPIError

from salontui.i18n import _
from salontui.store.errors import RuleViolation, ValidationError


@dataclass(frozen=True)
class BackupResult:
    path: Path
    size_bytes: int
    rows: int  # rows copied, over every table
    seconds: float
    tables: dict[str, int] = field(default_factory=dict)  # rows per table, verified
    engine: str = "sqlite"  # what it is a copy of: "sqlite" (a database file) or "postgresql"

    def __str__(self) -> str:
        size = self.size_bytes / 1_000_000
        verified = "integrity ok" if self.engine == "sqlite" else "pg_dump custom format, rows ok"
        return (f"{self.path} ({size:,.1f} MB, {self.rows:,} rows in {len(self.tables)} tables, "
                f"{verified}, {self.seconds:.1f} s)")


# ------------------------------------------------------------------ PostgreSQL's own tools


def pg_tool(name: str) -> str:
    """The path of PostgreSQL's client program ``name`` (pg_dump, pg_restore) on the PATH,
    or a ValidationError that says what it is and how to get it."""
    found = shutil.which(name)
    if found is None:
        raise ValidationError(_(
            "PostgreSQL is backed up and restored with its own tools, and {tool} is not on "
            "this computer's PATH: install PostgreSQL's client programs (the postgresql-client "
            "package on Linux, the PostgreSQL installer on Windows or macOS) and try again."
        ).format(tool=name), field="path")
    return found


def _quote(value: str) -> str:
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def libpq_target(url: URL) -> tuple[list[str], dict[str, str]]:
    """``-d <conninfo>`` for a PostgreSQL tool, and its environment: the URL's password in
    ``PGPASSWORD`` (so that it appears on no command line and in no message)."""
    params: dict[str, str] = {}
    if url.host:
        params["host"] = url.host
    if url.port:
        params["port"] = str(url.port)
    if url.username:
        params["user"] = url.username
    if url.database:
        params["dbname"] = url.database
    for key, value in url.query.items():
        params[key] = ",".join(value) if isinstance(value, tuple) else value
    password = params.pop("password", None) or url.password
    env = dict(os.environ)
    if password:
        env["PGPASSWORD"] = str(password)
    conninfo = " ".join(f"{key}={_quote(value)}" for key, value in params.items())
    return (["-d", conninfo] if conninfo else []), env


def tool_error(tool: str, stderr: str) -> str:
    """What a PostgreSQL tool said went wrong, in one line (its first error)."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if "error:" in line or "FATAL" in line] or lines
    if not errors:
        return ""
    first = errors[0]
    for prefix in (f"{tool}: error: ", f"{tool}: "):
        if first.startswith(prefix):
            first = first[len(prefix):]
    return first


def archive_counts(pg_restore: str, archive: Path) -> Iterator[tuple[str, int]]:
    """(table, rows) for every table of the ``public`` schema in a pg_dump archive, read
    back through ``pg_restore`` (one COPY block per table, one line per row); raises
    RuleViolation if the archive cannot be read to its end."""
    with tempfile.TemporaryFile() as errors, subprocess.Popen(
            [pg_restore, "--data-only", "-f", "-", str(archive)], stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=errors, encoding="utf-8",
            errors="replace") as child:
        assert child.stdout is not None
        table: str | None = None
        rows = 0
        for line in child.stdout:
            if table is None:
                if line.startswith("COPY ") and line.rstrip().endswith("FROM stdin;"):
                    name = line[5:].split(" (", 1)[0].split(" ", 1)[0]
                    schema, _dot, name = name.rpartition(".")
                    table = name.strip('"') if schema.strip('"') in ("public", "") else ""
                    rows = 0
            elif line in ("\\.\n", "\\."):
                if table:
                    yield table, rows
                table = None
            else:
                rows += 1
        if child.wait() != 0 or table is not None:
            errors.seek(0)
            said = errors.read().decode("utf-8", "replace")
            raise RuleViolation(_("The backup cannot be read back: {reason}").format(
                reason=tool_error("pg_restore", said) or "pg_restore failed"), field="path")


def _tables(conn: sqlite3.Connection) -> list[str]:
    return [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name")]


def _counts(conn: sqlite3.Connection, tables: list[str]) -> dict[str, int]:
    return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def _source_file(engine: Engine) -> Path:
    return Path(engine.url.database or "").resolve()


def _check_destination(dest: Path, source: Path | None, overwrite: bool) -> Path:
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
        if engine.dialect.name == "postgresql":
            return _backup_postgresql(engine, Path(dest), overwrite, started)
        if engine.dialect.name != "sqlite":
            raise ValidationError(_("Backups are made of SQLite files and PostgreSQL "
                                    "databases only."), field="path")
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


# ------------------------------------------------------------------------------ PostgreSQL


def _pg_counts(conn) -> dict[str, int]:
    tables = [r[0] for r in conn.exec_driver_sql(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename")]
    return {t: int(conn.exec_driver_sql(f'SELECT count(*) FROM public."{t}"').scalar_one())
            for t in tables}


def _pg_dump(engine: Engine, partial: Path) -> dict[str, int]:
    """pg_dump the database into ``partial``; return the row counts of the snapshot dumped.

    A repeatable-read transaction exports its snapshot and counts the rows in it, and stays
    open while ``pg_dump --snapshot`` dumps exactly that snapshot."""
    pg_dump = pg_tool("pg_dump")
    target, env = libpq_target(engine.url)
    conn = engine.connect().execution_options(isolation_level="REPEATABLE READ")
    with conn, conn.begin():
        conn.exec_driver_sql("SET TRANSACTION READ ONLY")
        snapshot = conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
        counts = _pg_counts(conn)
        done = subprocess.run(
            [pg_dump, "--format=custom", f"--snapshot={snapshot}", "--no-password",
             "-f", str(partial), *target],
            env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
            encoding="utf-8", errors="replace")
    if done.returncode != 0:
        raise RuleViolation(_("pg_dump could not back up the database: {reason}").format(
            reason=tool_error("pg_dump", done.stderr) or f"exit code {done.returncode}"),
            field="path")
    return counts


def _backup_postgresql(engine: Engine, dest: Path, overwrite: bool,
                       started: float) -> BackupResult:
    pg_tool("pg_dump")  # no tool, no need to look further
    pg_restore = pg_tool("pg_restore")
    dest = _check_destination(dest, None, overwrite)
    partial = dest.with_name(f".{dest.name}.partial")
    _remove(partial)
    try:
        try:
            counts = _pg_dump(engine, partial)
        except DBAPIError as error:
            from salontui.store.connect import unavailable

            raise unavailable(error, engine.url.render_as_string(hide_password=False)) \
                from error
        got = dict(archive_counts(pg_restore, partial))
        wrong = sorted(t for t in counts if got.get(t, 0) != counts[t])
        if wrong:
            raise RuleViolation(_("The backup copy does not hold the same rows as the "
                                  "database ({tables}).").format(tables=", ".join(wrong)),
                                field="path")
        _fsync(partial)
        os.replace(partial, dest)
    except BaseException:
        _remove(partial)
        raise
    return BackupResult(path=dest, size_bytes=dest.stat().st_size, rows=sum(counts.values()),
                        seconds=round(time.perf_counter() - started, 2), tables=counts,
                        engine="postgresql")


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDWR)  # (Windows flushes only what it may write)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
