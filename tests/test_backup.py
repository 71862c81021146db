"""``salontui backup``: a consistent, verified copy of a live database (SQLite backup API)."""

from __future__ import annotations

import shutil
import sqlite3
import threading
import time
from datetime import date

import pytest
from sqlalchemy import text

from salontui.store.backup import BackupResult, backup
from salontui.store.check import run_checks
from salontui.store.customers import create_customer
from salontui.store.db import make_engine, write_session
from salontui.store.demo import build_demo
from salontui.store.errors import RuleViolation, ValidationError
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
    adjustments = conn.execute(
        "SELECT count(*) FROM ledger_entry WHERE kind = 'adjust'").fetchone()[0]
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


def test_postgres_is_refused_with_a_message():
    pytest.importorskip("psycopg")
    engine = make_engine("postgresql+psycopg://salon@localhost/salon")
    with pytest.raises(ValidationError) as err:
        backup(engine, "copy.db")
    assert "pg_dump" in err.value.message
