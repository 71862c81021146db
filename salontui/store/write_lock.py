"""Desks writing to one SQLite file take turns: a waiting desk is woken, and served first.

Why: SQLite lets one writer at a time into a database. A desk that finds another
writing waits in SQLite's busy handler, which *sleeps and polls*: it retries
after 1, 2, 5, 10, 15, 20, 25, 25, 25, 50, 50 and then every 100 ms. A
writer that has just committed and comes back before the sleeper's next poll
takes the database again, so a desk can lose turn after turn. Measured with
``bench/bench_concurrency.py`` on a 2-core machine (3,000 customers, 40% of
the operations writes), busy handler alone: 4 desks × 2,500 operations, the
slowest write waited 1.4 to 5.1 s although a write transaction holds the
database for 1 to 3 ms; 12 desks, 3.1 to 5.6 s (issue #9 saw 8.7 s and
9.87 s, close to the 10 s after which a desk gets "database is locked"). The
polling shows in the figures: with 12 desks the p99 of every operation sits
at 236 ms run after run, just past the 228 ms that the busy handler's first
eleven sleeps add up to.

How: before ``BEGIN IMMEDIATE`` a writing desk takes a lock that *blocks*
(the kernel wakes a waiter when it is released) and gives it back right after
its ``COMMIT`` or ``ROLLBACK``:

* between the threads of one process (the desk's thread workers), a
  first-come-first-served lock per database file, taken first, so only one
  thread of a process stands in line for the files below;
* between processes, ``flock`` on two files beside the database (like
  ``-wal`` and ``-shm`` they live as long as the database and hold no data):
  the *turn*, ``<database>-writelock``, held while writing, and the *line*,
  ``<database>-writelock-queue``. A desk takes the line, then waits for the
  turn, then leaves the line. So the one desk waiting for the turn is the
  only one that can take it when it is released: the desk that has just
  committed must stand in line again, behind it. ``flock`` alone would not
  do: the kernel wakes the waiters and the first to run takes the lock,
  which is usually the one that has just released it (measured: the waiting
  desk lost in 5 of 8 runs of the test in ``tests/test_concurrency.py``).
  Among desks waiting for the line the kernel picks whoever runs first: not
  a strict queue, but a desk that has just written never passes the one
  already waiting for the turn.

``BEGIN IMMEDIATE`` then finds the database free; SQLite's busy handler
remains for writers that do not take this lock (the ``sqlite3`` shell, the
bulk demo build) and for the fall-backs below.

What it is not: it guards nothing by itself. SQLite's own locking keeps the
data correct whatever happens to the lock files; this only orders the queue.
Hence the fall-backs, where the busy timeout alone rules as before: no
``fcntl`` (Windows: threads of one process still take turns), lock files
that cannot be opened (a read-only folder; an existing read-only file is
opened for reading, which is enough for ``flock``), ``flock`` refused (some
network file systems), a database that is not a plain file (``file:`` URIs).
PostgreSQL has its own row locks and never comes here.

* **Never forever.** Waiting ends after :data:`TIMEOUT_S` (the busy timeout's
  10 s) with :class:`WriteBusy`, a :class:`SalonError` the desk shows: "Another
  desk is busy saving; try again." ``flock`` has no timeout, so a contended
  wait runs in a short-lived helper thread that the caller waits for with a
  timeout; a helper whose caller gave up lets go as soon as it gets its turn.
  Each acquisition opens its own descriptors (``flock`` belongs to an open
  file description), so an abandoned helper never shares one with a later
  writer. The uncontended path costs about 15 µs (two opens, three
  ``flock``), against 1 to 3 ms for the transaction it guards.
* **A desk killed** (``kill -9``, a crash, a power cut) holds nothing: the
  kernel drops a process's ``flock`` with its last descriptor, and SQLite
  rolls its transaction back.
* **Nesting.** The lock is taken at ``BEGIN IMMEDIATE``, not when a
  ``write_session`` is opened, so a write session opened inside another that
  has not written yet works as before. A thread asking for a second write
  transaction on a database while its own first one is open would wait for
  itself (SQLite would say "database is locked" after 10 s): that is a bug in
  the caller, refused at once with ``RuntimeError``.
* **Fork.** A child process starts with nothing held (a lock held by another
  thread of the parent at the fork would never be released in the child).
* **The price of fairness.** SQLite drops a connection's page cache when
  another connection has written since its last transaction, so a write
  after somebody else's reloads what it reads (measured with ``PRAGMA
  data_version``: such a "cold" checkout holds the database 4.5 ms, a warm
  one 2.9 ms). Under the busy handler the desk that wrote last usually wins
  again, so 88% of the benchmark's writes were warm; taking turns makes 99%
  of them cold. When desks write back to back (the benchmark, on 2 cores)
  that costs about a quarter of the operations a second; the slowest wait
  goes from seconds to tens of milliseconds, which is what a receptionist
  feels (README, Performance). ``mmap_size`` barely changed the cold cost
  (5–15%, within the noise) and was left out.

Migrations (``schema.upgrade``) begin their transaction with the same write
option and so take the lock too; ``backup`` and ``check`` only read (a
``BEGIN`` that is not immediate) and never take it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
import weakref
from collections import deque

from salontui.i18n import _
from salontui.store.errors import SalonError

try:
    import fcntl
except ImportError:  # Windows: threads of one process only; the busy timeout between desks
    # (the module is then None: every use checks "fcntl is None" first)
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger("salontui.store")

TIMEOUT_S = 10.0
SUFFIX = "-writelock"  # the turn: <database>-writelock
QUEUE_SUFFIX = "-queue"  # the line: <database>-writelock-queue


class WriteBusy(SalonError):
    """Another desk held the database for writing longer than the timeout."""

    def __init__(self) -> None:
        super().__init__(_("Another desk is busy saving; try again."))


def _open(path: str) -> int | None:
    """A new descriptor of a lock file, or None when it cannot be had (fall back)."""
    for flags in (os.O_RDWR | os.O_CREAT, os.O_RDONLY):
        try:
            return os.open(path, flags | getattr(os, "O_CLOEXEC", 0), 0o666)
        except OSError:
            continue
    return None


def _close(fd: int) -> None:
    with contextlib.suppress(OSError):
        fcntl.flock(fd, fcntl.LOCK_UN)  # for every copy of it (a forked child's too)
    os.close(fd)


def _try(fd: int) -> bool | None:
    """flock without waiting: True got it, False somebody has it, None flock refused."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False
    except OSError:
        return None


class _FairThreads:
    """The threads of one process, first come first served: a release hands the lock
    to the thread that has waited longest (``threading.Lock`` would let the releasing
    thread take it straight back)."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._held = False
        self._queue: deque[threading.Lock] = deque()

    def acquire(self, timeout: float) -> bool:
        with self._mutex:
            if not self._held:
                self._held = True
                return True
            turn = threading.Lock()
            turn.acquire()
            self._queue.append(turn)
        if turn.acquire(timeout=max(0.0, timeout)):
            return True  # handed over by release()
        with self._mutex:
            if turn in self._queue:
                self._queue.remove(turn)
                return False
        turn.acquire()  # handed over between the timeout and the mutex: it is ours
        return True

    def release(self) -> None:
        with self._mutex:
            if self._queue:
                self._queue.popleft().release()  # still held: by the next thread now
            else:
                self._held = False


class _Waiter:
    """Waits in a helper thread for the line (unless ``in_line``), then for the turn, so
    that the caller can stop waiting at its deadline."""

    def __init__(self, turn: int, line: int, *, in_line: bool) -> None:
        self.turn = turn
        self.line = line
        self.in_line = in_line
        self.got = threading.Event()
        self.failed: OSError | None = None
        self._mutex = threading.Lock()
        self._abandoned = False
        threading.Thread(target=self._run, name="salontui-writelock", daemon=True).start()

    def _run(self) -> None:
        try:
            if not self.in_line:
                fcntl.flock(self.line, fcntl.LOCK_EX)
            fcntl.flock(self.turn, fcntl.LOCK_EX)
        except OSError as error:
            self.failed = error
        finally:
            _close(self.line)  # the next in line may now wait for the turn
        with self._mutex:
            if self._abandoned:  # the caller gave up: let the next desk in
                _close(self.turn)
                return
            self.got.set()

    def wait(self, timeout: float) -> bool:
        self.got.wait(max(0.0, timeout))
        with self._mutex:
            if self.got.is_set():
                return True
            self._abandoned = True
            return False


class WriteLock:
    """The write lock of one database file in this process (see the module's docstring).

    ``path`` is the turn's lock file; the line's is ``path + QUEUE_SUFFIX``.
    """

    def __init__(self, path: str | None) -> None:
        self.path = path if fcntl is not None else None  # None: the threads of one process
        self._threads = _FairThreads()
        self._owner: int | None = None  # the thread that took it
        self._fd: int | None = None
        _every.add(self)

    def acquire(self, timeout: float = TIMEOUT_S) -> None:
        """Wait for the lock, at most ``timeout`` seconds (then :class:`WriteBusy`)."""
        if self._owner == threading.get_ident():
            raise RuntimeError(
                "a write transaction is already open on this database in this thread; "
                "a second one would wait for the first forever")
        deadline = time.monotonic() + timeout
        if not self._threads.acquire(timeout):
            raise WriteBusy()
        try:
            self._fd = self._lock_files(deadline)
        except BaseException:
            self._threads.release()
            raise
        self._owner = threading.get_ident()

    def release(self) -> None:
        """Give the lock back (the caller has committed or rolled back)."""
        fd, self._fd, self._owner = self._fd, None, None
        try:
            if fd is not None:
                _close(fd)
        finally:
            self._threads.release()

    def _lock_files(self, deadline: float) -> int | None:
        """Stand in line, take the turn, leave the line: the turn's descriptor, or None
        where the files cannot be used (then only SQLite's busy timeout orders desks)."""
        if self.path is None:
            return None
        turn = _open(self.path)
        line = _open(self.path + QUEUE_SUFFIX) if turn is not None else None
        if line is None:
            if turn is not None:
                os.close(turn)
            log.debug("no write lock files at %s; the busy timeout orders writers", self.path)
            return None
        assert turn is not None  # the line is opened only once the turn is
        in_line = _try(line)
        got = _try(turn) if in_line else False
        if in_line is None or got is None:  # flock refused here (some network file systems)
            _close(turn)
            _close(line)
            return None
        if got:
            _close(line)
            return turn
        waiter = _Waiter(turn, line, in_line=in_line)
        if not waiter.wait(deadline - time.monotonic()):
            raise WriteBusy()  # the waiter closes both when it gets the turn
        if waiter.failed is not None:
            os.close(turn)
            return None
        return turn


_registry: dict[str, WriteLock] = {}
_registry_mutex = threading.Lock()
_every: weakref.WeakSet[WriteLock] = weakref.WeakSet()


def lock_for(database: str | None) -> WriteLock:
    """The one write lock of this process for the SQLite file ``database`` (a path).

    Every engine on the same file shares it. ``None`` or a ``file:`` URI gets a lock
    of its own that orders the threads of its engine only.
    """
    if not database or database.startswith("file:"):
        return WriteLock(None)
    key = os.path.realpath(database)
    with _registry_mutex:
        lock = _registry.get(key)
        if lock is None:
            lock = _registry[key] = WriteLock(key + SUFFIX)
        return lock


def _forget_after_fork() -> None:
    """In a forked child: nothing is held (the parent's holder gives the file lock back
    for both, with LOCK_UN)."""
    global _registry_mutex
    _registry_mutex = threading.Lock()
    for lock in list(_every):
        lock._threads = _FairThreads()
        lock._owner = None
        if lock._fd is not None:
            os.close(lock._fd)
            lock._fd = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_after_fork)
