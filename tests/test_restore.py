"""``salontui restore``: a backup goes back checked, whole or not at all, on both engines.

The drill: a small salon (customers, a sale, a split payment leaving debt, a top-up, points
spent) is backed up while another desk keeps writing, then restored into a new database:
every check passes, the tables hold exactly the rows of the snapshot the backup was taken
in, every customer's points, stored value and debt are what they were, and the restored
books' seal is a point the live books still pass through.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import text

from salontui.store import chain
from salontui.store.backup import backup
from salontui.store.cart import Cart, CartLine, CartPayment
from salontui.store.catalog import create_item
from salontui.store.check import run_checks
from salontui.store.checkout import checkout
from salontui.store.customers import create_customer
from salontui.store.db import make_engine, read_session, write_session
from salontui.store.errors import NotFound, RuleViolation, ValidationError
from salontui.store.ledger import adjust_points, card_balances, debt_balance, points_balance
from salontui.store.restore import RestoreResult, restore
from salontui.store.schema import ensure_current


@pytest.fixture(autouse=True)
def pg_tools_on_path(monkeypatch):
    """PostgreSQL's client programs from the pgserver wheel (the program finds them on the
    PATH, as an installed postgresql-client's)."""
    try:
        import pgserver
    except ImportError:
        return
    folder = Path(pgserver.__file__).parent / "pginstall" / "bin"
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ.get('PATH', '')}")


@pytest.fixture
def new_url(request, engine_name, tmp_path):
    """The URL of a database that does not exist yet (SQLite) or is empty (PostgreSQL)."""
    if engine_name == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.db'}"
        return
    server = request.getfixturevalue("pg_server")
    url = server.fresh_database(migrated=False)
    yield url
    server.drop_database(url)


@pytest.fixture
def salon(engine, staff_id) -> list[int]:
    """A few customers and their visits, through the store like the desk; their ids."""
    with write_session(engine) as s:
        cut = create_item(s, staff_id=staff_id, name="Cắt tóc nữ", kind="service",
                          price=300_000).id
        oil = create_item(s, staff_id=staff_id, name="Dầu gội thảo dược", kind="product",
                          price=150_000).id
        ids = [create_customer(s, staff_id=staff_id, name=name, phone=phone).id
               for name, phone in (("Nguyễn Thị Hương", "0935 320 888"),
                                   ("Trần Văn Minh", "0905 111 222"),
                                   ("Lê Thị Lan", "0912 345 678"))]
    carts = [
        Cart(customer_id=ids[0], lines=[CartLine(kind="service", item_id=cut)],
             payments=[CartPayment("cash", 300_000)]),
        Cart(customer_id=ids[1], lines=[CartLine(kind="service", item_id=cut),
                                        CartLine(kind="product", item_id=oil)],
             payments=[CartPayment("card", 250_000), CartPayment("account", 200_000)]),
        Cart(customer_id=ids[2], lines=[CartLine(kind="topup", unit_price=1_000_000,
                                                 credit=1_100_000)],
             payments=[CartPayment("transfer", 1_000_000)]),
        Cart(customer_id=ids[0], lines=[CartLine(kind="product", item_id=oil)],
             payments=[CartPayment("points", 3_000), CartPayment("cash", 147_000)]),
        Cart(customer_id=None, lines=[CartLine(kind="product", item_id=oil)],
             payments=[CartPayment("cash", 150_000)]),
    ]
    for n, cart in enumerate(carts):
        with write_session(engine) as s:
            checkout(s, staff_id=staff_id, cart=cart, idempotency_key=f"drill-{n}")
    return ids


def _balances(engine, ids) -> dict[int, tuple]:
    with read_session(engine) as s:
        return {cid: (points_balance(s, customer_id=cid),
                      [(c.name, c.balance) for c in card_balances(s, customer_id=cid)],
                      debt_balance(s, customer_id=cid)) for cid in ids}


def _counts(engine) -> dict[str, int]:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            tables = [r[0] for r in conn.exec_driver_sql(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%'")]
        else:
            tables = [r[0] for r in conn.exec_driver_sql(
                "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        return {t: conn.exec_driver_sql(f'SELECT count(*) FROM "{t}"').scalar_one()
                for t in tables}


def _opened(url):
    engine = make_engine(url)
    ensure_current(engine)
    return engine


def _backup_name(engine_name: str) -> str:
    return "salon-backup.db" if engine_name == "sqlite" else "salon-backup.dump"


def test_restore_drill_under_load(engine, salon, staff_id, new_url, tmp_path, engine_name):
    """Backed up while another desk adds customers and gives them points; restored into a
    new database: checks pass, the snapshot's rows exactly, every balance as it was."""
    before = _balances(engine, salon)
    stop, started = threading.Event(), threading.Event()
    written: list[int] = []

    def desk():
        n = 0
        while not stop.is_set() and n < 500:
            n += 1
            with write_session(engine) as s:
                cid = create_customer(s, staff_id=staff_id, name=f"Khách Mới {n}",
                                      phone=f"0906{n:06d}").id
                adjust_points(s, staff_id=staff_id, customer_id=cid, amount=100,
                              reason="Khai trương")
            written.append(cid)
            started.set()

    worker = threading.Thread(target=desk)
    worker.start()
    try:
        assert started.wait(30)
        made = backup(engine, tmp_path / _backup_name(engine_name))
    finally:
        stop.set()
        worker.join(60)
    assert written  # the desk was writing while the copy was taken

    result = restore(made.path, new_url)
    assert isinstance(result, RestoreResult)
    restored = make_engine(new_url)
    try:
        assert run_checks(restored) == []
        assert _counts(restored) == made.tables  # exactly the snapshot, nothing half
        assert _balances(restored, salon) == before
        with restored.connect() as conn:
            new_points = conn.execute(text(
                "SELECT c.id, coalesce(sum(l.amount), 0) FROM customer c LEFT JOIN "
                "ledger_entry l ON l.customer_id = c.id WHERE c.name LIKE 'Khách Mới %' "
                "GROUP BY c.id")).all()
        assert all(points == 100 for _cid, points in new_points)  # whole transactions only
        assert result.customers == made.tables["customer"] == 3 + len(new_points)
        assert result.invoices == made.tables["invoice"] == 5
        assert result.newest_invoice is not None
        with engine.connect() as conn:  # the live books still pass through the copy's seal
            assert chain.verify_seal(conn, result.seal) is None
    finally:
        restored.dispose()
    shown = str(result)
    assert f"{result.customers:,} customers" in shown and result.seal in shown
    assert not [p.name for p in tmp_path.iterdir() if "restoring" in p.name]


def _cli(*args):
    from typer.testing import CliRunner

    from salontui.cli import app

    return CliRunner().invoke(app, [str(a) for a in args])


def test_cli_backup_then_restore_refuses_data_without_force(engine, salon, staff_id, db_url,
                                                           new_url, tmp_path, engine_name):
    copy = tmp_path / _backup_name(engine_name)
    made = _cli("backup", copy, "--db", db_url)
    assert made.exit_code == 0, made.output
    assert "Backup written and verified" in made.output
    first = _cli("restore", copy, "--db", new_url)
    assert first.exit_code == 0, first.output
    assert "Restored and checked" in first.output and "3 customers, 5 invoices" in first.output

    with write_session(engine) as s:  # the live salon moves on; the restored one has data
        create_customer(s, staff_id=staff_id, name="Phạm Thu Trang", phone="0977 000 111")
    again = _cli("backup", copy, "--db", db_url, "--overwrite")
    assert again.exit_code == 0, again.output
    refused = _cli("restore", copy, "--db", new_url)
    assert refused.exit_code == 1
    assert "already holds data" in refused.output and "--force" in refused.output
    assert "Traceback" not in refused.output
    target = _opened(new_url)
    try:
        assert _counts(target)["customer"] == 3  # untouched
    finally:
        target.dispose()

    forced = _cli("restore", copy, "--db", new_url, "--force")
    assert forced.exit_code == 0, forced.output
    assert "4 customers" in forced.output
    target = make_engine(new_url)
    try:
        assert run_checks(target) == []
        assert _counts(target) == _counts(engine)
    finally:
        target.dispose()


def _tamper(engine) -> None:
    """Rewrite one sealed ledger row behind the triggers' back (as someone holding the
    database could): the chain check finds it."""
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            triggers = conn.exec_driver_sql(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'ledger_entry'").all()
            for name, _sql in triggers:
                conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
            conn.exec_driver_sql("UPDATE ledger_entry SET amount = amount + 1 WHERE id = 1")
            for _name, sql in triggers:
                conn.exec_driver_sql(sql)
        else:
            conn.exec_driver_sql("ALTER TABLE ledger_entry DISABLE TRIGGER USER")
            conn.exec_driver_sql("UPDATE ledger_entry SET amount = amount + 1 WHERE id = 1")
            conn.exec_driver_sql("ALTER TABLE ledger_entry ENABLE TRIGGER USER")


def test_a_backup_that_fails_the_checks_leaves_the_target_as_it_was(
        engine, salon, db_url, new_url, tmp_path, engine_name):
    """Restored with --force over a salon: the backup fails its checks, so the salon is
    still there, whole (on PostgreSQL: its schema put back)."""
    good = tmp_path / f"good-{_backup_name(engine_name)}"
    bad = tmp_path / f"bad-{_backup_name(engine_name)}"
    backup(engine, good)
    restore(good, new_url)
    target = make_engine(new_url)
    try:
        held = _counts(target)
    finally:
        target.dispose()
    _tamper(engine)
    backup(engine, bad)
    with pytest.raises(RuleViolation) as err:
        restore(bad, new_url, force=True)
    assert "fails the checks" in err.value.message
    target = make_engine(new_url)
    try:
        assert _counts(target) == held
        assert run_checks(target) == []
        if engine_name == "postgresql":
            with target.connect() as conn:
                schemas = conn.exec_driver_sql(
                    "SELECT nspname FROM pg_namespace WHERE starts_with(nspname, 'salontui')").all()
            assert schemas == []
    finally:
        target.dispose()
    assert not [p.name for p in tmp_path.iterdir() if "restoring" in p.name]


@pytest.mark.sqlite_only
def test_the_wrong_files_are_refused_in_one_sentence(tmp_path, engine_name):
    """A missing file, a folder, a file that is no backup, a SQLite database of something
    else, and each kind of backup into the other kind of database."""
    target = f"sqlite:///{tmp_path / 'target.db'}"
    pg_target = "postgresql+psycopg://salon:secret@127.0.0.1:1/salon"
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a database")
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE things (x)").connection.commit()
    pg_archive = tmp_path / "salon.dump"
    pg_archive.write_bytes(b"PGDMP\x01\x0f\x00 and so on")
    a_sqlite_backup = tmp_path / "salon-copy.db"
    engine = _opened(f"sqlite:///{a_sqlite_backup}")
    engine.dispose()

    cases = [
        (tmp_path / "missing.db", target, NotFound, "There is no file"),
        (tmp_path, target, ValidationError, "is a folder"),
        (text_file, target, ValidationError, "is not a salontui backup"),
        (other, target, ValidationError, "not a salontui one"),
        (a_sqlite_backup, pg_target, RuleViolation, "only into a SQLite file"),
        (pg_archive, target, RuleViolation, "only into a PostgreSQL database"),
    ]
    for path, url, error, words in cases:
        with pytest.raises(error) as err:
            restore(path, url)
        assert words in err.value.message
        assert "secret" not in err.value.message
        assert not (tmp_path / "target.db").exists()
        result = _cli("restore", path, "--db", url)
        assert result.exit_code == 1 and words in result.output, result.output
        assert isinstance(result.exception, SystemExit)  # said, not a traceback


@pytest.mark.sqlite_only
def test_an_existing_empty_or_new_file_is_restored_into(engine, salon, tmp_path, engine_name):
    """A database with nothing but what its migrations write is no salon: no --force needed;
    the target's stale WAL does not outlive it."""
    copy = tmp_path / "copy.db"
    backup(engine, copy)
    empty = tmp_path / "empty.db"
    _opened(f"sqlite:///{empty}").dispose()
    Path(f"{empty}-wal").write_bytes(b"")  # a leftover of the old file
    result = restore(copy, f"sqlite:///{empty}")
    assert result.customers == 3
    assert not Path(f"{empty}-wal").exists()
    restored = _opened(f"sqlite:///{empty}")
    try:
        assert run_checks(restored) == []
    finally:
        restored.dispose()
    with pytest.raises(ValidationError, match="backup itself"):
        restore(copy, f"sqlite:///{copy}", force=True)


def test_an_unreachable_database_is_one_sentence(engine, salon, tmp_path, engine_name):
    copy = tmp_path / _backup_name(engine_name)
    backup(engine, copy)
    if engine_name == "sqlite":
        url = f"sqlite:///{tmp_path / 'no such folder' / 'salon.db'}"
        words = "does not exist"
    else:
        url = "postgresql+psycopg://salon:secret@127.0.0.1:1/salon"
        words = "Cannot reach the database"
    result = _cli("restore", copy, "--db", url)
    assert result.exit_code == 1, result.output
    assert words in result.output and "secret" not in result.output
    assert isinstance(result.exception, SystemExit)


def test_without_pg_restore_it_says_how_to_install_it(tmp_path, monkeypatch):
    archive = tmp_path / "salon.dump"
    archive.write_bytes(b"PGDMP\x01\x0f\x00 and so on")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    with pytest.raises(ValidationError) as err:
        restore(archive, "postgresql+psycopg://salon:secret@localhost/salon")
    assert "pg_restore" in err.value.message and "postgresql-client" in err.value.message
    assert "secret" not in err.value.message
