"""``salontui backup``: a consistent, verified copy of a live database (SQLite backup API;
pg_dump for PostgreSQL)."""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import make_url, text

from salontui.store.backup import BackupResult, archive_counts, backup, libpq_target
from salontui.store.check import run_checks
from salontui.store.customers import create_customer
from salontui.store.db import make_engine, write_session
from salontui.store.demo import build_demo
from salontui.store.errors import DatabaseUnavailable, RuleViolation, ValidationError
from salontui.store.ledger import adjust_points
from salontui.store.schema import ensure_current

OWNER = 1  # the demo's owner


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("backup") / "demo.db"
    build_demo(f"sqlite:///{path}", customers=60, seed=5, today=date(2026, 11, 23))
    return path


@pytest.fixture
def live(demo_file, tmp_path):
    """A live salon: an engine on a fresh copy of the demo."""
    path = tmp_path / "salon.db"
    shutil.copy(demo_file, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


def _counts(path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}
    finally:
        conn.close()


def _checks(path):
    engine = make_engine(f"sqlite:///{path}")
    try:
        ensure_current(engine)  # the copy opens like any salon database
        return run_checks(engine)
    finally:
        engine.dispose()


def test_backup_while_another_connection_writes(live, tmp_path):
    """Another terminal is in the middle of a checkout (an invoice written, its payment not
    yet) when the backup runs: the copy has none of it, and passes every check."""
    before = _counts(live.url.database)
    written, release, done = threading.Event(), threading.Event(), threading.Event()

    def terminal():
        with write_session(live) as s:
            create_customer(s, staff_id=OWNER, name="Đỗ Thị Mới", phone="0905 123 321")
            s.execute(text(
                "INSERT INTO invoice (code, customer_id, created_at, kind, subtotal, discount, "
                "total, staff_id, note) VALUES ('HD999999', 1, '2026-11-23 02:00:00.000000', "
                "'sale', 100000, 0, 100000, 1, '')"))
            s.flush()
            written.set()
            release.wait(30)
        done.set()

    worker = threading.Thread(target=terminal)
    worker.start()
    assert written.wait(30)
    try:
        result = backup(live, tmp_path / "copy.db")
    finally:
        release.set()
        worker.join(30)
    assert done.is_set()
    copy = tmp_path / "copy.db"
    assert _counts(copy) == before == result.tables
    assert _checks(copy) == []
    after = _counts(live.url.database)  # the terminal's work committed after the copy
    assert after["customer"] == before["customer"] + 1
    assert after["invoice"] == before["invoice"] + 1


def test_backup_during_a_stream_of_commits(live, tmp_path):
    """Points adjusted and customers added again and again while the copy is taken: the copy
    is one instant of the database (its counts are the snapshot's) and passes every check."""
    stop = threading.Event()
    commits = []

    def terminal():
        n = 0
        while not stop.is_set() and n < 2000:
            n += 1
            with write_session(live) as s:
                cid = create_customer(s, staff_id=OWNER, name=f"Khách Thử {n}",
                                      phone=f"0905{n:06d}").id
                adjust_points(s, staff_id=OWNER, customer_id=cid, amount=100, reason="Thử")
            commits.append(time.monotonic())

    worker = threading.Thread(target=terminal)
    worker.start()
    while not commits:
        time.sleep(0.01)
    try:
        result = backup(live, tmp_path / "copy.db")
    finally:
        stop.set()
        worker.join(60)
    copy = tmp_path / "copy.db"
    counts = _counts(copy)
    assert counts == result.tables
    conn = sqlite3.connect(copy)
    new_customers = conn.execute(
        "SELECT count(*) FROM customer WHERE name LIKE 'Khách Thử %'").fetchone()[0]
    adjustments = conn.execute(  # (the terminal's: the demo has adjustments of its own)
        "SELECT count(*) FROM ledger_entry WHERE kind = 'adjust' AND reason = 'Thử'").fetchone()[0]
    conn.close()
    assert new_customers >= 1 and adjustments == new_customers  # whole transactions only
    assert _checks(copy) == []


def test_refuses_to_overwrite_unless_asked(live, tmp_path):
    dest = tmp_path / "copy.db"
    dest.write_bytes(b"an older backup")
    with pytest.raises(RuleViolation) as err:
        backup(live, dest)
    assert "already exists" in err.value.message
    assert dest.read_bytes() == b"an older backup"
    result = backup(live, dest, overwrite=True)
    assert result.path == dest.resolve() and _checks(dest) == []
    assert not [p.name for p in tmp_path.iterdir() if "partial" in p.name or "copy.db-" in p.name]


@pytest.mark.parametrize("where", ["itself", "missing folder", "a folder"])
def test_refuses_bad_destinations(live, tmp_path, where):
    dest = {"itself": live.url.database, "missing folder": tmp_path / "nope" / "copy.db",
            "a folder": tmp_path}[where]
    with pytest.raises(ValidationError) as err:
        backup(live, dest, overwrite=True)
    assert err.value.field == "path"


def test_from_a_url_with_a_readable_result(live, tmp_path):
    result = backup(f"sqlite:///{live.url.database}", str(tmp_path / "copy.db"))
    assert isinstance(result, BackupResult)
    assert result.rows == sum(result.tables.values()) > 0
    assert result.size_bytes > 0
    assert "integrity ok" in str(result) and "copy.db" in str(result)


def test_postgresql_without_pg_dump_says_what_to_install(tmp_path, monkeypatch):
    pytest.importorskip("psycopg")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    engine = make_engine("postgresql+psycopg://salon:secret@localhost/salon")
    with pytest.raises(ValidationError) as err:
        backup(engine, tmp_path / "copy.dump")
    assert "pg_dump" in err.value.message and "postgresql-client" in err.value.message
    assert "secret" not in err.value.message
    assert list(tmp_path.iterdir()) == []


def test_the_password_goes_to_pg_tools_only_through_the_environment():
    url = make_url("postgresql+psycopg://salon:s%40cr%27t@db.example:5433/salon it"
                   "?sslmode=require")
    args, env = libpq_target(url)
    assert args[0] == "-d" and "s@cr'" not in " ".join(args)
    assert env["PGPASSWORD"] == "s@cr't"
    assert args[1] == ("host='db.example' port='5433' user='salon' dbname='salon it' "
                       "sslmode='require'")
    socket, _env = libpq_target(make_url("postgresql+psycopg://postgres:@/t1?host=%2Ftmp%2Fpg"))
    assert socket == ["-d", "user='postgres' dbname='t1' host='/tmp/pg'"]


def test_an_unreachable_postgresql_is_one_sentence(tmp_path, pg_tools_on_path):
    pytest.importorskip("psycopg")
    engine = make_engine("postgresql+psycopg://salon:secret@127.0.0.1:1/salon")
    with pytest.raises(DatabaseUnavailable) as err:
        backup(engine, tmp_path / "copy.dump")
    assert "Cannot reach" in err.value.message and "secret" not in err.value.message
    assert list(tmp_path.iterdir()) == []


@pytest.fixture
def pg_tools_on_path(monkeypatch):
    """PostgreSQL's client programs from the pgserver wheel, found on the PATH like an
    installed postgresql-client's."""
    pgserver = pytest.importorskip("pgserver")
    folder = Path(pgserver.__file__).parent / "pginstall" / "bin"
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")


def test_each_engine_backs_up_in_its_own_format_verified(engine, staff_id, tmp_path,
                                                         engine_name, pg_tools_on_path):
    """SQLite: a database file; PostgreSQL: pg_dump's custom format. Either way the rows
    counted back out of the copy are the database's, and an existing file is kept unless
    overwriting is asked for."""
    with write_session(engine) as s:
        cid = create_customer(s, staff_id=staff_id, name="Võ Thị Sáu", phone="0908 765 432").id
        adjust_points(s, staff_id=staff_id, customer_id=cid, amount=250, reason="Chào mừng")
    (tmp_path / "backups").mkdir()
    dest = tmp_path / "backups" / "copy.bak"
    result = backup(engine, dest)
    magic = b"SQLite format 3" if engine_name == "sqlite" else b"PGDMP"
    assert dest.read_bytes().startswith(magic)
    assert result.tables["customer"] == 1 and result.tables["ledger_entry"] == 1
    assert result.rows == sum(result.tables.values())
    assert result.engine == engine_name and str(dest.name) in str(result)
    with pytest.raises(RuleViolation, match="already exists"):
        backup(engine, dest)
    assert backup(engine, dest, overwrite=True).tables == result.tables
    assert [p.name for p in dest.parent.iterdir()] == ["copy.bak"]  # no partial file left
    if engine_name == "postgresql":  # a cut archive does not pass for a backup
        cut = tmp_path / "cut.bak"
        cut.write_bytes(dest.read_bytes()[: dest.stat().st_size // 2])
        with pytest.raises(RuleViolation, match="cannot be read back"):
            dict(archive_counts(shutil.which("pg_restore"), cut))
        assert dict(archive_counts(shutil.which("pg_restore"), dest)) == result.tables
