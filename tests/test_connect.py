"""Opening a database and losing it: one sentence, never a traceback, nothing half-written;
a write PostgreSQL aborts for another desk's sake is run again."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import text

from salontui.store.connect import in_session, open_engine, run_write, safe_url
from salontui.store.errors import DatabaseBusy, DatabaseUnavailable
from salontui.store.ledger import adjust_points, points_balance


def test_the_password_is_never_shown():
    assert safe_url("postgresql+psycopg://bob:s3cret@db.example/salon") == \
        "postgresql+psycopg://bob:***@db.example/salon"
    assert "s3cret" not in safe_url("postgresql://bob:s3cret@[bad")


@pytest.mark.parametrize(("url", "says"), [
    ("mysql://bob:pw@localhost/salon", "works with a SQLite file or PostgreSQL"),
    ("nonsense://bob:pw@x", "works with a SQLite file or PostgreSQL"),
    ("postgresql+psycopg2://bob:pw@localhost/salon", "driver"),
    ("postgresql+psycopg://bob:pw@127.0.0.1:1/salon", "Cannot reach the database"),
])
def test_a_bad_address_is_one_sentence_naming_it_without_its_password(url, says):
    with pytest.raises(DatabaseUnavailable, match=says) as caught:
        open_engine(url)
    assert ":pw@" not in caught.value.message and "bob:***@" in caught.value.message


def test_the_command_line_says_it_in_one_line_and_fails():
    done = subprocess.run([sys.executable, "-m", "salontui", "check", "--db",
                           "postgresql+psycopg://bob:pw@127.0.0.1:1/salon"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "pw@" not in done.stderr
    assert done.stderr.strip().count("\n") == 0
    assert "Cannot reach the database at postgresql+psycopg://bob:***@127.0.0.1:1" in done.stderr


def test_a_server_gone_mid_session_is_said_and_nothing_is_half_written(
        request, engine, engine_name, staff_id, customer_id):
    if engine_name == "sqlite":
        pytest.skip("an embedded database cannot go away")
    server = request.getfixturevalue("pg_server")
    in_session(engine, lambda s: adjust_points(s, staff_id=staff_id, customer_id=customer_id,
                                               amount=5, reason="Khách quen"), write=True)
    database = engine.url.database
    with server.admin() as conn:  # the server drops every desk's connection
        conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE datname = :d AND pid != pg_backend_pid()"), {"d": database})
    with pytest.raises(DatabaseUnavailable, match="Cannot reach the database"):
        def write(session):
            adjust_points(session, staff_id=staff_id, customer_id=customer_id, amount=7,
                          reason="Khách quen")
            session.flush()
            with server.admin() as conn:
                conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                  "WHERE datname = :d AND pid != pg_backend_pid()"),
                             {"d": database})
        in_session(engine, write, write=True)
    assert in_session(engine, lambda s: points_balance(s, customer_id=customer_id),
                      write=False) == 5


def test_a_write_aborted_for_another_desk_is_run_again(engine, engine_name, staff_id,
                                                       customer_id):
    if engine_name == "sqlite":
        pytest.skip("SQLite serialises writers: no transaction is aborted for another")
    attempts = []

    def write(session):
        attempts.append(1)
        adjust_points(session, staff_id=staff_id, customer_id=customer_id, amount=5,
                      reason="Khách quen")
        if len(attempts) == 1:  # the server's own serialization failure, once
            session.execute(text("DO $$ BEGIN RAISE EXCEPTION 'conflict' "
                                 "USING ERRCODE = '40001'; END $$"))

    run_write(engine, write)
    assert len(attempts) == 2
    assert in_session(engine, lambda s: points_balance(s, customer_id=customer_id),
                      write=False) == 5  # once, not twice

    def always(session):
        session.execute(text("DO $$ BEGIN RAISE EXCEPTION 'deadlock' "
                             "USING ERRCODE = '40P01'; END $$"))

    with pytest.raises(DatabaseBusy, match="Try again"):
        run_write(engine, always)
