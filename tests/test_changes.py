"""The change signal (store/changes.py), on both engines: a commit by any connection is
seen within a second, a rollback or a read is not, and a database that goes away ends the
watcher quietly."""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import text

from salontui.store.changes import (
    POLL_SECONDS,
    ChangeWatcher,
    PostgresWatcher,
    SqliteWatcher,
    make_watcher,
    open_watcher,
)
from salontui.store.db import make_engine, read_session, write_session
from salontui.store.ledger import adjust_points, points_balance


class Signals:
    """What a watcher called back, and when."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self.arrived = threading.Event()

    def __call__(self) -> None:
        self.times.append(time.monotonic())
        self.arrived.set()

    def wait(self, timeout: float = 3.0) -> bool:
        return self.arrived.wait(timeout)

    def clear(self) -> None:
        self.times.clear()
        self.arrived.clear()


@pytest.fixture
def watch(engine):
    """Start a watcher of ``engine`` (``quick``: SQLite asked every 20 ms, for the tests
    that wait for nothing to happen); every one is stopped after the test."""
    started: list[ChangeWatcher] = []

    def start(*, quick: bool = False) -> tuple[ChangeWatcher, Signals]:
        if quick and engine.dialect.name == "sqlite":
            watcher: ChangeWatcher = SqliteWatcher(engine, poll=0.02).open()
        else:
            opened = open_watcher(engine)
            assert opened is not None
            watcher = opened
        signals = Signals()
        watcher.start(signals)
        started.append(watcher)
        return watcher, signals

    yield start
    for watcher in started:
        watcher.stop()


def add_points(engine, staff_id, customer_id, amount=100):
    with write_session(engine) as s:
        adjust_points(s, staff_id=staff_id, customer_id=customer_id, amount=amount,
                      reason="Welcome gift")


def test_each_engine_has_its_watcher(engine, engine_name):
    kind = {"sqlite": SqliteWatcher, "postgresql": PostgresWatcher}[engine_name]
    assert isinstance(make_watcher(engine), kind)


def test_a_commit_by_another_desk_is_seen_within_a_second(engine, db_url, staff_id,
                                                           customer_id, watch):
    _watcher, signals = watch()
    other = make_engine(db_url)  # another desk: its own engine and connections
    try:
        committed = time.monotonic()
        add_points(other, staff_id, customer_id)
        assert signals.wait(), "no change signalled"
        assert signals.times[0] - committed < 1.0
    finally:
        other.dispose()


def test_the_desks_own_commits_count_too(engine, staff_id, customer_id, watch):
    _watcher, signals = watch()
    committed = time.monotonic()
    add_points(engine, staff_id, customer_id)  # the watched engine's own pool
    assert signals.wait(), "no change signalled"
    assert signals.times[0] - committed < 1.0


def test_nothing_is_signalled_while_nothing_changes(engine, staff_id, customer_id, watch):
    watcher, signals = watch(quick=True)
    deadline = time.monotonic() + 0.4
    while time.monotonic() < deadline:  # reads, as an idle desk's screens do
        with read_session(engine) as s:
            points_balance(s, customer_id=customer_id)
        time.sleep(0.02)
    assert not signals.times
    assert watcher.running and watcher.changes == 0


def test_a_rolled_back_write_is_not_signalled(engine, staff_id, customer_id, watch):
    watcher, signals = watch(quick=True)
    with pytest.raises(RuntimeError), write_session(engine) as s:
        adjust_points(s, staff_id=staff_id, customer_id=customer_id, amount=100,
                      reason="Welcome gift")
        s.flush()
        raise RuntimeError("the receptionist's PC crashed mid-write")
    assert not signals.wait(0.4)
    with read_session(engine) as s:
        assert points_balance(s, customer_id=customer_id) == 0
    # and the next real commit still is
    add_points(engine, staff_id, customer_id)
    assert signals.wait()
    assert watcher.changes == 1


def test_a_burst_of_commits_is_signalled(engine, staff_id, customer_id, watch):
    watcher, signals = watch()
    for _ in range(5):
        add_points(engine, staff_id, customer_id, amount=10)
    assert signals.wait()
    deadline = time.monotonic() + 3
    while time.monotonic() < deadline and watcher.changes == 0:
        time.sleep(0.01)
    assert 1 <= watcher.changes <= 5  # coalesced on SQLite, one per commit at most


def test_a_commit_before_start_is_signalled_once_started(engine, staff_id, customer_id):
    """The baseline is taken when the watcher opens (the desk opens it before its first
    read): a commit between that read and the thread starting is not lost."""
    watcher = open_watcher(engine)
    assert watcher is not None
    try:
        add_points(engine, staff_id, customer_id)
        signals = Signals()
        watcher.start(signals)
        assert signals.wait()
    finally:
        watcher.stop()


def test_stop_ends_the_thread_at_once(engine, watch):
    watcher, _signals = watch()
    assert watcher.running
    began = time.monotonic()
    watcher.stop()
    assert not watcher.running
    assert time.monotonic() - began < POLL_SECONDS + 0.5
    watcher.stop()  # twice is harmless


def test_a_watcher_never_started_closes_its_connection(engine):
    watcher = open_watcher(engine)
    assert watcher is not None
    watcher.stop()
    assert watcher._connection is None


def test_no_watcher_for_a_database_that_cannot_be_opened(engine_name, tmp_path, caplog):
    if engine_name == "sqlite":
        url = f"sqlite:///{tmp_path / 'no such folder' / 'salon.db'}"
    else:
        url = "postgresql+psycopg://nobody@/none?host=" + str(tmp_path)  # no server there
    engine = make_engine(url)
    try:
        assert open_watcher(engine) is None
    finally:
        engine.dispose()
    assert "no live updates" in caplog.text


def test_a_database_that_goes_away_ends_the_watcher_quietly(engine, engine_name, staff_id,
                                                            customer_id, watch, caplog):
    watcher, signals = watch(quick=True)
    if engine_name == "postgresql":
        with engine.connect() as conn:  # the server ends the watcher's session
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE query = 'LISTEN salontui_changes'"))
    else:
        watcher._connection.close()  # the file's connection is gone under the watcher
    deadline = time.monotonic() + 3
    while watcher.running and time.monotonic() < deadline:
        time.sleep(0.01)
    assert not watcher.running
    assert "live updates stopped" in caplog.text
    add_points(engine, staff_id, customer_id)  # the desk goes on writing
    with read_session(engine) as s:
        assert points_balance(s, customer_id=customer_id) == 100
    assert not signals.times
