"""Desks writing to one SQLite file at once: nobody gets "database is locked", every write lands.

The write lock itself (``store/write_lock.py``) is tested across real processes:
a second process waits until the first releases it, a holder killed with
``kill -9`` releases it, a wait gives up with a readable error. Then several
desks (processes) run the concurrency benchmark's mixed operations on one
salon: a short version in the suite, a long one with ``pytest --soak``. No
timing is asserted (the machine may be busy); only outcomes.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from salontui.store.check import run_checks
from salontui.store.db import make_engine, read_session, write_session
from salontui.store.ledger import adjust_points, points_balance
from salontui.store.write_lock import QUEUE_SUFFIX, SUFFIX, WriteBusy, WriteLock, lock_for

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="flock is POSIX")

BENCH = Path(__file__).resolve().parents[1] / "bench"

# A process holding the write lock of argv[1] until it reads a line (or is killed).
_HOLDER = r"""
import sys
from salontui.store.write_lock import lock_for
lock = lock_for(sys.argv[1])
lock.acquire(timeout=30)
print("held", flush=True)
sys.stdin.readline()
lock.release()
print("released", flush=True)
"""

# A process that asks for the write lock of argv[1] and says when it has it.
_ASKER = r"""
import sys
from salontui.store.write_lock import lock_for
lock = lock_for(sys.argv[1])
print("asking", flush=True)
lock.acquire(timeout=30)
print("got", flush=True)
lock.release()
"""


def _start(script: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", script, *args], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _expect(child: subprocess.Popen, word: str) -> None:
    line = child.stdout.readline().strip()
    assert line == word, f"expected {word!r}, got {line!r}: {child.stderr.read()}"


@pytest.fixture
def database(tmp_path) -> str:
    path = tmp_path / "salon.db"
    path.touch()
    return str(path)


def test_a_second_process_waits_until_the_first_releases(database):
    holder = _start(_HOLDER, database)
    asker = None
    try:
        _expect(holder, "held")
        asker = _start(_ASKER, database)
        _expect(asker, "asking")
        time.sleep(0.3)
        assert asker.poll() is None  # still waiting: the holder has not released
        holder.stdin.write("go\n")
        holder.stdin.flush()
        _expect(holder, "released")
        _expect(asker, "got")
        assert asker.wait(timeout=30) == 0
    finally:
        for child in (holder, asker):
            if child is not None and child.poll() is None:
                child.kill()
                child.wait()
    turn = Path(lock_for(database).path)
    assert turn.name == "salon.db" + SUFFIX  # beside the database, with its line
    assert Path(f"{turn}{QUEUE_SUFFIX}").exists()


def test_a_holder_killed_with_kill_nine_releases_the_lock(database):
    holder = _start(_HOLDER, database)
    try:
        _expect(holder, "held")
        mine = WriteLock(lock_for(database).path)
        with pytest.raises(WriteBusy, match=r"Another desk is busy saving; try again\."):
            mine.acquire(timeout=0.1)
        holder.kill()  # SIGKILL: no release, no cleanup
        holder.wait(timeout=30)
        mine.acquire(timeout=30)  # the kernel gave it back
        mine.release()
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()


def test_a_writer_that_gave_up_does_not_keep_the_lock_when_its_turn_comes(database):
    holder = _start(_HOLDER, database)
    try:
        _expect(holder, "held")
        mine = WriteLock(lock_for(database).path)
        with pytest.raises(WriteBusy):
            mine.acquire(timeout=0.1)  # leaves a helper thread waiting for the file lock
        holder.stdin.write("go\n")
        holder.stdin.flush()
        _expect(holder, "released")
        holder.wait(timeout=30)
        other = _start(_ASKER, database)  # the abandoned wait must not block this one
        _expect(other, "asking")
        _expect(other, "got")
        assert other.wait(timeout=30) == 0
        mine.acquire(timeout=30)
        mine.release()
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()


def test_threads_of_one_process_take_turns(database):
    lock = lock_for(database)
    assert lock_for(database) is lock  # one per file in a process, whatever the engine
    inside, most = 0, 0
    guard = threading.Lock()

    def work() -> None:
        nonlocal inside, most
        for _ in range(50):
            lock.acquire()
            with guard:
                inside += 1
                most = max(most, inside)
            time.sleep(0)
            with guard:
                inside -= 1
            lock.release()

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most == 1


def test_a_thread_that_comes_back_queues_behind_the_waiting_one(database):
    lock = WriteLock(lock_for(database).path)
    order = []
    lock.acquire()

    def other() -> None:
        lock.acquire()
        order.append("waiting one")
        lock.release()

    thread = threading.Thread(target=other)
    thread.start()
    deadline = time.monotonic() + 30
    while not lock._threads._queue and time.monotonic() < deadline:
        time.sleep(0.001)
    lock.release()
    lock.acquire()  # straight back: behind the thread already waiting
    order.append("coming back")
    lock.release()
    thread.join(timeout=30)
    assert order == ["waiting one", "coming back"]


@pytest.mark.sqlite_only
def test_a_writer_outside_salontui_holding_the_database_gives_a_readable_error(engine,
                                                                             db_url,
                                                                             staff_id,
                                                                             customer_id):
    import sqlite3

    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _short(dbapi_conn, _record) -> None:  # the busy timeout, short for the test
        dbapi_conn.execute("PRAGMA busy_timeout = 50")

    engine.dispose()
    shell = sqlite3.connect(engine.url.database, isolation_level=None)
    shell.execute("BEGIN IMMEDIATE")  # e.g. the sqlite3 shell, which takes no write lock
    try:
        with pytest.raises(WriteBusy, match=r"Another desk is busy saving; try again\."), \
                write_session(engine) as s:
            adjust_points(s, staff_id=staff_id, customer_id=customer_id, amount=5,
                          reason="Khách quen")
    finally:
        shell.execute("ROLLBACK")
        shell.close()
    with write_session(engine) as s:  # the refused one gave the write lock back
        adjust_points(s, staff_id=staff_id, customer_id=customer_id, amount=3,
                      reason="Khách quen")
    with read_session(engine) as s:
        assert points_balance(s, customer_id=customer_id) == 3


def test_thread_workers_of_one_desk_writing_at_once_lose_nothing(engine, staff_id,
                                                                 customer_id):
    errors = []

    def worker() -> None:
        try:
            for _ in range(25):
                _one_write(engine, staff_id, customer_id)
        except Exception as error:  # every failure is the finding
            errors.append(error)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with read_session(engine) as s:
        assert points_balance(s, customer_id=customer_id) == 4 * 25 * 2


def test_without_a_usable_lock_file_writes_still_work(tmp_path):
    # A lock file that cannot be opened (here: a link into a missing folder; in life, a
    # read-only folder): the busy timeout alone orders the writers, as before.
    from salontui.store.customers import create_customer
    from salontui.store.schema import upgrade
    from salontui.store.staff import create_staff

    path = tmp_path / "odd.db"
    Path(f"{path}{SUFFIX}").symlink_to(tmp_path / "missing" / "lock")
    engine = make_engine(f"sqlite:///{path}")
    try:
        upgrade(engine)  # the migrations write too
        with write_session(engine) as s:
            owner = create_staff(s, name="Trần Thu Hà", role="owner").id
            customer = create_customer(s, staff_id=owner, name="Nguyễn Thị Hương",
                                       phone="0935 320 888").id
        for amount in (10, 20):
            with write_session(engine) as s:
                adjust_points(s, staff_id=owner, customer_id=customer, amount=amount,
                              reason="Khách quen")
        with read_session(engine) as s:
            assert points_balance(s, customer_id=customer) == 30
    finally:
        engine.dispose()
    assert not (tmp_path / "missing").exists()


@pytest.mark.sqlite_only
def test_a_write_session_inside_another(engine, staff_id, customer_id):
    # The outer one has not written yet: it holds nothing, the inner one works.
    with write_session(engine) as outer:
        with write_session(engine) as inner:
            adjust_points(inner, staff_id=staff_id, customer_id=customer_id, amount=5,
                          reason="Khách quen")
        adjust_points(outer, staff_id=staff_id, customer_id=customer_id, amount=7,
                      reason="Khách quen")
    # The outer one holds the database: the inner one would wait for it forever; refused
    # at once (a bug in the caller), and the outer one still commits.
    started = time.monotonic()
    with write_session(engine) as outer:
        adjust_points(outer, staff_id=staff_id, customer_id=customer_id, amount=1,
                      reason="Khách quen")
        with pytest.raises(RuntimeError, match="already open"), \
                write_session(engine) as inner:
            inner.execute(text("SELECT 1"))
    assert time.monotonic() - started < 5
    with read_session(engine) as s:
        assert points_balance(s, customer_id=customer_id) == 13


def test_a_failed_write_gives_the_lock_back(engine, staff_id, customer_id):
    from salontui.store.errors import ValidationError

    with pytest.raises(ValidationError), write_session(engine) as s:
        adjust_points(s, staff_id=staff_id, customer_id=customer_id, amount=5,
                      reason="Khách quen")
        adjust_points(s, staff_id=staff_id, customer_id=customer_id, amount=0,
                      reason="Khách quen")
    done = []
    worker = threading.Thread(target=lambda: done.append(_one_write(engine, staff_id,
                                                                      customer_id)))
    worker.start()
    worker.join(timeout=30)
    assert done == [2]
    with read_session(engine) as s:
        assert points_balance(s, customer_id=customer_id) == 2  # the failed one left nothing


def _one_write(engine, staff_id: int, customer_id: int) -> int:
    with write_session(engine) as s:
        adjust_points(s, staff_id=staff_id, customer_id=customer_id, amount=2,
                      reason="Khách quen")
    return 2


# A desk (process) writing care notes on argv[1]; "hold" keeps its first write
# transaction open until it reads a line, then at once writes again.
_DESK = r"""
import sys
from salontui.store.care import add_care_note
from salontui.store.db import make_engine, write_session
url, staff, customer, mode = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
engine = make_engine(url)

def note(s, title):
    add_care_note(s, staff_id=staff, customer_id=customer, type="call", title=title)

if mode == "hold":
    with write_session(engine) as s:
        note(s, "A1")
        print("holding", flush=True)
        sys.stdin.readline()
    with write_session(engine) as s:  # straight back for more
        note(s, "A2")
else:
    print("asking", flush=True)
    with write_session(engine) as s:
        note(s, "B")
print("done", flush=True)
"""


def test_a_desk_that_was_waiting_writes_before_one_that_comes_back(engine, db_url, staff_id,
                                                                   customer_id):
    # SQLite's busy handler alone lets the desk that has just committed begin again while
    # the waiting one sleeps between polls: the waiting one can lose every time.
    from salontui.store.models import CareNote

    args = (db_url, str(staff_id), str(customer_id))
    holder = _start(_DESK, *args, "hold")
    asker = None
    try:
        _expect(holder, "holding")
        asker = _start(_DESK, *args, "ask")
        _expect(asker, "asking")
        time.sleep(0.5)  # the asker is waiting for the database
        holder.stdin.write("go\n")
        holder.stdin.flush()
        _expect(holder, "done")
        _expect(asker, "done")
    finally:
        for child in (holder, asker):
            if child is not None and child.poll() is None:
                child.kill()
                child.wait()
    with read_session(engine) as s:
        titles = list(s.execute(text(f"SELECT title FROM {CareNote.__tablename__} "
                                     "ORDER BY id")).scalars())
    assert titles == ["A1", "B", "A2"]


def _bench():
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    import bench_concurrency

    return bench_concurrency


@pytest.fixture(scope="module")
def small_salon(tmp_path_factory) -> str:
    from salontui.store.demo import build_demo

    path = tmp_path_factory.mktemp("desks") / "salon.db"
    build_demo(f"sqlite:///{path}", customers=300, seed=3)
    return f"sqlite:///{path}"


def _desks_on_one_file(url: str, procs: int, ops: int) -> None:
    bench = _bench()
    before = bench.counts(url)
    outcome, _wall = bench.run(url, procs, ops, seed=11)
    after = bench.counts(url)
    assert dict(outcome.errors) == {}  # no "database is locked", nor anything else
    assert sum(outcome.saved.values()) > procs  # the mix did write
    for kind in bench.WRITES:  # every write that said saved is in the database
        assert after[kind] - before[kind] == outcome.saved[kind], kind
    engine = make_engine(url)
    try:
        assert run_checks(engine) == []
    finally:
        engine.dispose()


def test_four_desks_writing_at_once_lose_nothing(small_salon):
    _desks_on_one_file(small_salon, procs=4, ops=40)


@pytest.mark.soak
def test_twelve_desks_writing_at_once_lose_nothing_soak(small_salon, soak):
    if not soak:
        pytest.skip("long version: pytest --soak")
    _desks_on_one_file(small_salon, procs=12, ops=1500)
