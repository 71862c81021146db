"""``salontui restore BACKUP``: put a backup back, checked first, never half-written.

A backup is what ``salontui backup`` writes: a SQLite database file, or a
``pg_dump`` custom-format archive of a PostgreSQL database. Each goes back to
its own kind of database only; anything else is refused with a sentence that
says what the file is.

The target must not hold a salon (customers, staff, invoices or any other row
besides what a new database's migrations write) unless ``force=True``; a new
file, an empty file and an empty or newly migrated database are fine.

SQLite: the backup file (and its ``-wal``, if a live file was copied) is
copied next to the target under a temporary name, so the backup itself is
never opened for writing. The copy must be a salontui database; it is
brought to this version's schema (an older backup is migrated as the desk
would on opening it), passes every check of ``salontui check`` and only then
replaces the target, by an atomic rename, with the target's write lock held.
The target's old ``-wal`` is checkpointed into it and removed first: it
belongs to the file being replaced.

PostgreSQL: ``pg_restore`` (on the PATH, with the URL's password in
``PGPASSWORD``) must read the archive and find salontui's tables in it before
the target is touched. The target's ``public`` schema is then renamed aside and
a new one made (keeping its owner and grants); the archive is restored into
it in one transaction (``--single-transaction``; objects belong to the user
restoring, as after ``salontui db upgrade``: ``--no-owner --no-privileges``),
migrated to this version and checked. Only when all of that passes is the old
schema dropped; if anything fails, the new schema is dropped and the old one
renamed back, so the target is as it was.

Close every desk first: a desk still open on the target keeps working with the
database as it was before the restore.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError, OperationalError

from salontui.i18n import _
from salontui.store.errors import NotFound, RuleViolation, SalonError, ValidationError

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_ARCHIVE_MAGIC = b"PGDMP"
# Rows a new database already holds after its migrations: a target holding nothing else
# has no salon in it yet.
SEEDED_TABLES = frozenset({"alembic_version", "salon_settings", "branch", "counter",
                           "payment_method", "tier", "role_permission"})
# A salontui database has at least these (the first migration made them).
SALONTUI_TABLES = ("alembic_version", "customer", "invoice")
STAGING_SUFFIXES = ("", "-wal", "-shm", "-journal", "-writelock", "-writelock-queue")


@dataclass(frozen=True)
class RestoreResult:
    target: str  # the file, or the database URL without its password
    customers: int
    invoices: int
    newest_invoice: datetime | None  # the salon's local time
    seal: str  # the books' seal (chain.seal), as a day close prints it
    seconds: float

    def __str__(self) -> str:
        newest = (f", the newest on {self.newest_invoice:%Y-%m-%d %H:%M}"
                  if self.newest_invoice else "")
        return (f"{self.target}: {self.customers:,} customers, {self.invoices:,} invoices"
                f"{newest}; seal of the books {self.seal}; every check passed "
                f"({self.seconds:.1f} s)")


# ------------------------------------------------------------------------------ the entry


def restore(backup: Path | str, target_url: str, *, force: bool = False) -> RestoreResult:
    """Restore ``backup`` into the database at ``target_url`` (see the module's docstring).

    Raises a SalonError with one sentence for a person when anything is wrong: no such
    file, not a salontui backup, the wrong kind of database, a target that holds a salon
    (without ``force``), a database that cannot be reached, a backup that fails a check.
    """
    started = time.perf_counter()
    path = _backup_file(backup)
    kind = _kind_of(path)
    try:
        url = make_url(target_url)
        backend = url.get_backend_name()
    except ArgumentError as error:
        raise ValidationError(_("{url} is not a database URL.").format(url=target_url),
                              field="db") from error
    if kind == "sqlite" and backend != "sqlite":
        raise RuleViolation(_("{path} is a backup of a SQLite database; it can be restored "
                              "only into a SQLite file.").format(path=path),
                            field="db")
    if kind == "postgresql" and backend != "postgresql":
        raise RuleViolation(_("{path} is a PostgreSQL backup (pg_dump); it can be restored "
                              "only into a PostgreSQL database.").format(path=path),
                            field="db")
    if kind == "sqlite":
        summary = _restore_sqlite(path, url, force)
    else:
        summary = _restore_postgresql(path, url, force)
    shown = (str(_sqlite_target(url)) if kind == "sqlite"
             else url.render_as_string(hide_password=True))
    return RestoreResult(target=shown, seconds=round(time.perf_counter() - started, 2),
                         **summary)


def _backup_file(backup: Path | str) -> Path:
    path = Path(backup).expanduser()
    if path.is_dir():
        raise ValidationError(_("{path} is a folder; give the backup file.").format(path=path),
                              field="path")
    if not path.is_file():
        raise NotFound(_("There is no file {path}.").format(path=path), field="path")
    return path.resolve()


def _kind_of(path: Path) -> str:
    try:
        with path.open("rb") as file:
            head = file.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise ValidationError(_("{path} cannot be read: {reason}").format(
            path=path, reason=error.strerror or error), field="path") from error
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_ARCHIVE_MAGIC):
        return "postgresql"
    raise ValidationError(_("{path} is not a salontui backup (neither a SQLite database nor "
                            "a pg_dump archive).").format(path=path), field="path")


def _not_salontui(path: Path) -> ValidationError:
    return ValidationError(_("{path} is a database, but not a salontui one.").format(path=path),
                           field="path")


def _known_revision(revision: str | None) -> bool:
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    from salontui.store.schema import _config

    if not revision:
        return False
    try:
        return ScriptDirectory.from_config(_config()).get_revision(revision) is not None
    except CommandError:
        return False


def _refuse_unknown_revision(revision: str | None, path: Path) -> None:
    if not _known_revision(revision):
        raise RuleViolation(_("{path} was written by another version of salontui (schema "
                              "{revision}); restore it with that version or a newer one.")
                            .format(path=path, revision=revision or "?"), field="path")


def _check(engine: Engine, path: Path) -> None:
    """Bring the restored copy to this version's schema, then every check of ``check``."""
    from salontui.store.check import run_checks
    from salontui.store.schema import ensure_current

    ensure_current(engine)
    problems = run_checks(engine)
    if problems:
        listed = "; ".join(str(p) for p in problems[:3])
        raise RuleViolation(_("{path} fails the checks, so nothing was restored: {problems}")
                            .format(path=path, problems=listed), field="path")


def _summary(engine: Engine) -> dict:
    """What the restored database holds, for the report."""
    from salontui.store import chain

    with engine.connect() as conn:
        customers = conn.exec_driver_sql("SELECT count(*) FROM customer").scalar_one()
        invoices = conn.exec_driver_sql("SELECT count(*) FROM invoice").scalar_one()
        newest = conn.exec_driver_sql("SELECT max(created_at) FROM invoice").scalar()
        offset = conn.exec_driver_sql(
            "SELECT utc_offset_minutes FROM salon_settings WHERE id = 1").scalar()
        seal = chain.seal(conn)
    if isinstance(newest, str):
        newest = datetime.fromisoformat(newest)
    if newest is not None:
        newest += timedelta(minutes=offset or 0)  # stored in UTC; shown in the salon's time
    return {"customers": int(customers), "invoices": int(invoices), "newest_invoice": newest,
            "seal": seal}


def _holds_data(counts: dict[str, int]) -> bool:
    return any(rows for table, rows in counts.items() if table not in SEEDED_TABLES)


def _refuse_data(target: str) -> RuleViolation:
    return RuleViolation(_("{target} already holds data; restore into a new database, or "
                           "replace it with --force (everything in it is lost).").format(
                               target=target), field="force")


# -------------------------------------------------------------------------------- SQLite


def _sqlite_target(url: URL) -> Path:
    if url.database in (None, "", ":memory:") or url.database.startswith("file:"):
        raise ValidationError(_("Restore into a SQLite file: give its name."), field="db")
    return Path(url.database).expanduser().resolve()


def _sqlite_counts(conn: sqlite3.Connection) -> dict[str, int]:
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def _sqlite_target_holds_data(target: Path) -> bool:
    """Whether the file ``target`` holds anything a restore would lose (an unreadable or
    foreign file counts as holding data)."""
    if target.stat().st_size == 0:
        return False
    try:
        conn = sqlite3.connect(f"{target.as_uri()}?mode=ro", uri=True)
        try:
            return _holds_data(_sqlite_counts(conn))
        finally:
            conn.close()
    except sqlite3.Error:
        return True


def _remove_staging(staging: Path) -> None:
    for suffix in STAGING_SUFFIXES:
        Path(f"{staging}{suffix}").unlink(missing_ok=True)


def _stage_sqlite(backup: Path, staging: Path) -> None:
    """Copy the backup (and a ``-wal`` beside it) to ``staging``; make sure it is a
    salontui database this version can open."""
    shutil.copyfile(backup, staging)
    wal = Path(f"{backup}-wal")
    if wal.is_file():
        shutil.copyfile(wal, f"{staging}-wal")
    try:
        conn = sqlite3.connect(staging)
        try:
            tables = {r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
            if not set(SALONTUI_TABLES) <= tables:
                raise _not_salontui(backup)
            revision = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        raise ValidationError(_("{path} is damaged and cannot be read as a database: {reason}")
                              .format(path=backup, reason=error), field="path") from error
    _refuse_unknown_revision(revision[0] if revision else None, backup)


def _seal_file(staging: Path) -> None:
    """Leave ``staging`` one self-contained file on disk: its WAL checkpointed and gone."""
    conn = sqlite3.connect(staging, isolation_level=None)
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode = DELETE")
    finally:
        conn.close()
    fd = os.open(staging, os.O_RDWR)  # (Windows flushes only what it may write)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _swap_sqlite(staging: Path, target: Path) -> None:
    """Move ``staging`` to ``target`` atomically; the target's old WAL (which belongs to
    the old file) is checkpointed into it and removed first."""
    from salontui.store.write_lock import lock_for

    lock = lock_for(str(target))
    lock.acquire()
    try:
        if target.exists():
            try:
                conn = sqlite3.connect(target, isolation_level=None, timeout=10)
                try:
                    busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
                finally:
                    conn.close()
            except sqlite3.DatabaseError:
                busy = 0  # not a database (--force): nothing to keep of it
            if busy:
                raise RuleViolation(_("{path} is in use; close every desk, then restore "
                                      "again.").format(path=target), field="db")
            for suffix in ("-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
        os.replace(staging, target)
        if hasattr(os, "O_DIRECTORY"):  # the rename itself on disk (POSIX)
            fd = os.open(target.parent, os.O_RDONLY | os.O_DIRECTORY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
    finally:
        lock.release()


def _restore_sqlite(backup: Path, url: URL, force: bool) -> dict:
    from salontui.store.db import make_engine

    target = _sqlite_target(url)
    if target == backup:
        raise ValidationError(_("That is the backup itself; restore it into another file."),
                              field="db")
    if target.is_dir():
        raise ValidationError(_("{path} is a folder; give the name of the database file.")
                              .format(path=target), field="db")
    if not target.parent.is_dir():
        raise ValidationError(_("The folder {path} does not exist.").format(
            path=target.parent), field="db")
    if target.exists() and not force and _sqlite_target_holds_data(target):
        raise _refuse_data(str(target))
    staging = target.with_name(f".{target.name}.restoring")
    _remove_staging(staging)
    try:
        _stage_sqlite(backup, staging)
        engine = make_engine(f"sqlite:///{staging}")
        try:
            _check(engine, backup)
            summary = _summary(engine)
        finally:
            engine.dispose()
        _seal_file(staging)
        _swap_sqlite(staging, target)
    finally:
        _remove_staging(staging)
    return summary


# ---------------------------------------------------------------------------- PostgreSQL


def _read_archive(pg_restore: str, archive: Path) -> None:
    """Refuse an archive pg_restore cannot read, or one without salontui's tables."""
    listed = subprocess.run([pg_restore, "--list", str(archive)], stdin=subprocess.DEVNULL,
                            capture_output=True, text=True, encoding="utf-8", errors="replace")
    if listed.returncode != 0:
        from salontui.store.backup import tool_error

        raise ValidationError(_("{path} cannot be read as a pg_dump archive: {reason}").format(
            path=archive, reason=tool_error("pg_restore", listed.stderr) or "?"), field="path")
    tables = {line.split()[-2] for line in listed.stdout.splitlines()
              if " TABLE public " in line and not line.startswith(";")}
    if not set(SALONTUI_TABLES) <= tables:
        raise _not_salontui(archive)
    version = subprocess.run(
        [pg_restore, "--data-only", "--table=alembic_version", "-f", "-", str(archive)],
        stdin=subprocess.DEVNULL, capture_output=True, text=True, encoding="utf-8",
        errors="replace").stdout.splitlines()
    rows = [line for i, line in enumerate(version)
            if i and version[i - 1].startswith("COPY ") and line != "\\."]
    _refuse_unknown_revision(rows[0].strip() if rows else None, archive)


def _pg_counts(conn) -> dict[str, int]:
    tables = [r[0] for r in conn.exec_driver_sql(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
    return {t: int(conn.exec_driver_sql(f'SELECT count(*) FROM public."{t}"').scalar_one())
            for t in tables}


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _set_aside(conn, aside: str) -> None:
    """Rename ``public`` to ``aside`` and make a new ``public`` with its owner and grants."""
    old = conn.exec_driver_sql(
        "SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'public'").first()
    grants = conn.exec_driver_sql(
        "SELECT CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END, "
        "a.privilege_type FROM pg_namespace n, aclexplode(n.nspacl) a "
        "WHERE n.nspname = 'public'").all()
    if old is not None:
        conn.exec_driver_sql(f"ALTER SCHEMA public RENAME TO {_quote_ident(aside)}")
    conn.exec_driver_sql("CREATE SCHEMA public")
    if old is None:
        return
    statements = [f"ALTER SCHEMA public OWNER TO {old[0]}"]
    statements += [f"GRANT {privilege} ON SCHEMA public TO {grantee}"
                   for grantee, privilege in grants]
    for statement in statements:  # as far as this user may; the schema is theirs anyway
        try:
            with conn.begin_nested():
                conn.exec_driver_sql(statement)
        except DBAPIError:
            pass


def _put_back(engine: Engine, aside: str, had_public: bool) -> None:
    """Undo :func:`_set_aside`: drop the new ``public``, rename the old one back."""
    try:
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP SCHEMA IF EXISTS public CASCADE")
            if had_public:
                conn.exec_driver_sql(f"ALTER SCHEMA {_quote_ident(aside)} RENAME TO public")
    except DBAPIError as error:
        raise RuleViolation(_("The restore failed, and what the database held before could "
                              "not be put back: it is in the schema {schema}.").format(
                                  schema=aside), field="db") from error


def _database_error(url: URL, error: DBAPIError) -> SalonError:
    if isinstance(error, OperationalError):
        from salontui.store.connect import unavailable

        return unavailable(error, url.render_as_string(hide_password=False))
    reason = str(error.orig or error).strip().splitlines()
    return RuleViolation(_("The database {url} refused the restore: {reason}").format(
        url=url.render_as_string(hide_password=True), reason=reason[0] if reason else "?"),
        field="db")


def _restore_postgresql(archive: Path, url: URL, force: bool) -> dict:
    from salontui.store.backup import libpq_target, pg_tool, tool_error
    from salontui.store.db import make_engine

    pg_restore = pg_tool("pg_restore")
    _read_archive(pg_restore, archive)
    shown = url.render_as_string(hide_password=True)
    try:
        engine = make_engine(url.render_as_string(hide_password=False))
    except (ArgumentError, NoSuchModuleError, ImportError) as error:
        raise ValidationError(_("{url} is not a database URL salontui can use.").format(
            url=shown), field="db") from error
    aside = f"salontui_before_restore_{datetime.now():%Y%m%d%H%M%S}"
    try:
        try:
            with engine.begin() as conn:
                if _holds_data(_pg_counts(conn)) and not force:
                    raise _refuse_data(shown)
                had_public = conn.exec_driver_sql(
                    "SELECT 1 FROM pg_namespace WHERE nspname = 'public'").first() is not None
                _set_aside(conn, aside)
        except DBAPIError as error:
            raise _database_error(url, error) from error
        engine.dispose()  # nothing pooled may remember the schema set aside
        try:
            target, env = libpq_target(url)
            done = subprocess.run(
                [pg_restore, "--single-transaction", "--exit-on-error", "--no-owner",
                 "--no-privileges", "--no-password", *target, str(archive)],
                env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                encoding="utf-8", errors="replace")
            if done.returncode != 0:
                raise RuleViolation(_("pg_restore could not restore {path}, so nothing was "
                                      "restored: {reason}").format(
                    path=archive, reason=tool_error("pg_restore", done.stderr) or "?"),
                    field="path")
            try:
                _check(engine, archive)
                summary = _summary(engine)
            except DBAPIError as error:
                raise _database_error(url, error) from error
        except BaseException:
            engine.dispose()
            _put_back(engine, aside, had_public)
            raise
        try:
            with engine.begin() as conn:
                conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {_quote_ident(aside)} CASCADE")
        except DBAPIError as error:
            raise _database_error(url, error) from error
    finally:
        engine.dispose()
    return summary
