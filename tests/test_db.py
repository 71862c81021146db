"""The database layer: pragmas, BEGIN IMMEDIATE, migrations, sessions, settings."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from salontui.store.db import make_engine, read_session, write_session
from salontui.store.schema import current_revision, ensure_current, head_revision
from salontui.store.settings import get_settings, update_settings
from salontui.store.staff import create_staff


@pytest.mark.sqlite_only
def test_connection_pragmas(engine):
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_foreign_keys_are_enforced(engine):
    # SQLite says "FOREIGN KEY constraint failed", PostgreSQL "… violates foreign key …".
    with pytest.raises(IntegrityError, match=r"(?i)foreign key"), write_session(engine) as s:
        s.execute(text("INSERT INTO value_card (customer_id, name, created_at) "
                       "VALUES (999, 'x', '2026-01-01')"))


def test_in_memory_sqlite_is_refused():
    with pytest.raises(ValueError):
        make_engine("sqlite://")


def test_new_database_is_created_by_migrating(tmp_path):
    eng = make_engine(f"sqlite:///{tmp_path / 'new.db'}")
    assert current_revision(eng) is None
    assert ensure_current(eng) is True
    assert current_revision(eng) == head_revision()
    assert ensure_current(eng) is False  # already current: nothing applied


def test_old_database_is_upgraded_on_open(tmp_path):
    """A file at an older revision (here: empty, as before the first migration) is upgraded."""
    path = tmp_path / "old.db"
    import sqlite3

    sqlite3.connect(path).execute("CREATE TABLE unrelated (x)").connection.commit()
    eng = make_engine(f"sqlite:///{path}")
    ensure_current(eng)
    with read_session(eng) as s:
        tables = {r[0] for r in s.execute(text("SELECT name FROM sqlite_master"))}
    assert {"customer", "ledger_entry", "unrelated"} <= tables


def test_write_session_rolls_back_everything_on_error(engine, staff_id):
    with pytest.raises(RuntimeError), write_session(engine) as s:
        create_staff(s, name="Phạm Văn An", role="technician", staff_id=staff_id)
        raise RuntimeError("boom")
    with read_session(engine) as s:
        names = [r[0] for r in s.execute(text("SELECT name FROM staff"))]
        audits = s.execute(text("SELECT count(*) FROM audit_log")).scalar()
    assert "Phạm Văn An" not in names
    assert audits == 1  # only the fixture's owner


def test_two_connections_writing_at_once_both_succeed(engine, staff_id):
    """Read-then-write in two threads at once: with BEGIN IMMEDIATE neither gets 'locked'."""
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def writer(n: int) -> None:
        try:
            barrier.wait()
            for i in range(20):
                with write_session(engine) as s:
                    s.execute(text("SELECT count(*) FROM staff")).scalar()
                    time.sleep(0.001)  # hold the transaction open across the read
                    create_staff(s, name=f"Thread {n} staff {i}", role="technician",
                                 staff_id=staff_id)
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with read_session(engine) as s:
        assert s.execute(text("SELECT count(*) FROM staff")).scalar() == 41


@pytest.mark.sqlite_only
def test_deferred_transactions_would_lock(db_url, engine):
    """Why BEGIN IMMEDIATE: two plain deferred transactions upgrading to writes collide."""
    import sqlite3

    path = db_url.removeprefix("sqlite:///")
    a = sqlite3.connect(path, timeout=0.2, isolation_level=None)
    b = sqlite3.connect(path, timeout=0.2, isolation_level=None)
    a.execute("BEGIN")
    b.execute("BEGIN")
    a.execute("SELECT count(*) FROM staff").fetchone()
    b.execute("SELECT count(*) FROM staff").fetchone()
    a.execute("INSERT INTO counter (name, value) VALUES ('a', 1)")
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        b.execute("INSERT INTO counter (name, value) VALUES ('b', 1)")
    a.execute("COMMIT")
    b.execute("ROLLBACK")


_WORKER = """
import sys
from salontui.store.db import make_engine, write_session
from salontui.store.customers import create_customer
engine = make_engine(sys.argv[1])
staff_id = int(sys.argv[2])
offset = int(sys.argv[3])
for i in range(int(sys.argv[4])):
    with write_session(engine) as s:
        create_customer(s, staff_id=staff_id, name=f"Khách {offset + i}",
                        phone=f"09{offset + i:08d}")
"""


def test_two_processes_write_one_file_without_loss(db_url, engine, staff_id):
    per_process = 40
    procs = [
        subprocess.Popen([sys.executable, "-c", _WORKER, db_url, str(staff_id), str(off),
                          str(per_process)], stderr=subprocess.PIPE, text=True)
        for off in (10_000, 20_000)
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    with read_session(engine) as s:
        count = s.execute(text("SELECT count(*) FROM customer")).scalar()
        codes = [r[0] for r in s.execute(text("SELECT code FROM customer ORDER BY code"))]
    assert count == 2 * per_process
    assert codes == [f"KH{n:06d}" for n in range(1, 2 * per_process + 1)]  # no gap, no reuse


def test_settings_default_to_vnd_and_are_shared_between_terminals(db_url, engine, staff_id):
    with read_session(engine) as s:
        settings = get_settings(s)
    assert (settings.currency, settings.currency_exponent, settings.phone_region) == ("VND", 0,
                                                                                      "VN")
    with write_session(engine) as s:
        update_settings(s, staff_id=staff_id, name="Salon Hoa Mai", currency="CNY")
    other_terminal = make_engine(db_url)
    with read_session(other_terminal) as s:
        settings = get_settings(s)
    assert (settings.name, settings.currency, settings.currency_exponent) == (
        "Salon Hoa Mai", "CNY", 2)


def test_help_imports_neither_textual_nor_sqlalchemy():
    code = (
        "import sys\n"
        "sys.argv = ['salontui', '--help']\n"
        "from salontui.launch import main\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('textual', 'sqlalchemy',"
        " 'sqlmodel')]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, cwd=Path(__file__).parent)
    assert "HEAVY []" in out.stdout, out.stdout + out.stderr
    assert "opens the desk" in out.stdout


def test_desk_options_open_the_desk_without_typer(tmp_path):
    """``salontui --db F --staff 1`` opens the desk without importing Typer (start-up time)."""
    code = (
        "import sys\n"
        f"sys.argv = ['salontui', '--db', {str(tmp_path / 'x.db')!r}, '--staff', '1']\n"
        "import salontui.app\n"
        "salontui.app.run_desk = lambda url, **kw: print('DESK', url.endswith('x.db'), kw)\n"
        "from salontui.launch import main\n"
        "main()\n"
        "print('TYPER', 'typer' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, cwd=Path(__file__).parent)
    assert "DESK True {'demo_if_empty': False, 'staff_id': 1}" in out.stdout, out.stderr
    assert "TYPER False" in out.stdout


@pytest.mark.parametrize(("args", "expected"), [
    ([], {"db": None, "demo_if_empty": False, "staff_id": None}),
    (["--db=a.db", "--demo"], {"db": "a.db", "demo_if_empty": True, "staff_id": None}),
    (["--staff", "7", "--db", "b.db"], {"db": "b.db", "demo_if_empty": False, "staff_id": 7}),
    (["--staff", "x"], None),  # Typer says what is wrong
    (["--db"], None),
    (["--help"], None),
    (["check"], None),
    (["--db", "a.db", "backup", "copy.db"], None),
])
def test_only_the_desks_own_options_skip_typer(args, expected):
    from salontui.launch import desk_options

    assert desk_options(args) == expected


def test_db_upgrade_command(tmp_path):
    from typer.testing import CliRunner

    from salontui.cli import app

    path = tmp_path / "cli.db"
    runner = CliRunner()
    first = runner.invoke(app, ["db", "upgrade", "--db", str(path)])
    assert first.exit_code == 0, first.output
    assert "Upgraded from empty" in first.output
    again = runner.invoke(app, ["--db", str(path), "db", "upgrade"])
    assert "Already up to date" in again.output


def test_head_revision_constant_is_the_newest_migration(engine, tmp_path):
    """schema.HEAD_REVISION spares the desk an Alembic import; it must name the newest
    migration, and an older database is still upgraded when opened."""
    from salontui.store.schema import HEAD_REVISION, upgrade

    assert head_revision() == HEAD_REVISION
    assert current_revision(engine) == HEAD_REVISION
    assert ensure_current(engine) is False
    old = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    assert current_revision(old) is None
    upgrade(old, "0001")
    assert current_revision(old) == "0001"
    assert ensure_current(old) is True
    assert current_revision(old) == HEAD_REVISION


def test_migrations_match_the_models(engine):
    """The migrations build exactly the tables the models describe (autogenerate finds nothing)."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext
    from sqlmodel import SQLModel

    import salontui.store.models  # noqa: F401

    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_today_follows_the_salon_offset_once_set():
    """23:30 UTC is already tomorrow in Vietnam (+7 h): packages and reports use that day."""
    from datetime import date, datetime

    from salontui.store import clock

    with clock.pinned(datetime(2026, 11, 23, 23, 30)):
        assert clock.today() == date(2026, 11, 23)
        clock.use_salon_offset(420)
        assert clock.today() == date(2026, 11, 24)
        clock.use_salon_offset(None)


def test_searched_columns_sort_in_byte_order(engine):
    """Prefix ranges (``key >= :p AND key < :p || U+10FFFF``) and the desk's order need byte
    order: SQLite's default; on PostgreSQL the columns are COLLATE "C" whatever the server's
    default collation is."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            found = dict(conn.execute(text(
                "SELECT table_name || '.' || column_name, collation_name "
                "FROM information_schema.columns WHERE column_name IN "
                "('name_norm', 'key', 'phone_rev', 'phone_national', 'code')")).all())
            for column in ("customer.name_norm", "customer_name_key.key", "customer.phone_rev",
                           "customer.phone_national", "customer.code", "invoice.code",
                           "catalog_item.code", "catalog_item.name_norm"):
                assert found[column] == "C", column
    with write_session(engine) as s:
        for code in ("b1", "B2", "a1"):
            s.execute(text("INSERT INTO catalog_item (code, name, name_norm, kind, price, active)"
                           " VALUES (:c, :c, :c, 'service', 0, TRUE)"), {"c": code})
    with engine.connect() as conn:
        ordered = [r[0] for r in conn.execute(text("SELECT code FROM catalog_item ORDER BY code"))]
    assert ordered == ["B2", "a1", "b1"]  # a linguistic collation says a1, b1, B2


def test_the_first_branch_is_made_by_the_migration(engine):
    """A one-branch salon has its branch without naming it (rows with no branch are its)."""
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*), min(code) FROM branch")).one() == (1, "1")
