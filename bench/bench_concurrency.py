"""Several desks on one SQLite file: how long operations take and how long writes wait.

    python bench/bench_concurrency.py DB [--procs 4] [--ops 2500] [--customers 3000]

DB is a salon to work in; when the file does not exist a demo salon of
``--customers`` customers is built there first (``store.demo.build_demo``).
The operations write into DB (it is not copied).

N processes (each its own engine, as N desks are) warm up, wait for each other,
then each runs M operations back to back, chosen at random with fixed weights
through the real store functions, each in its own unit of work as the desk
calls them:

* search: a name prefix or the last four phone digits (read);
* summary: the customer header (read);
* checkout: the price read in a read session, then one service paid in cash,
  confirmed in a write session (write);
* points: a manual points adjustment with a reason (write);
* care note: a call logged in the care history (write).

For every operation: its latency (from opening the unit of work to its
end, commit included). For every write: its *wait*, the time from asking for
the write transaction to holding it (the ``begin`` of the connection, from
before salontui's own handler to after it: the write lock, if any, and
``BEGIN IMMEDIATE`` with SQLite's busy handler), and how long it then held
the database (to the end of its COMMIT). Errors are counted by kind,
"database is locked" separately.

Prints a Markdown table (p50 / p95 / p99 / max in ms, per kind and in total),
the errors, then proves that every write that said it was saved is in the
database (invoices, points entries and care notes counted before and after)
and runs ``salontui check``'s invariants on the result.

Targets (issue #9): 4 processes × 2,500 operations: p99 ≤ 150 ms and no
write waits over 1 s; 12 processes: no "database is locked" and no wait over
3 s. Exits 1 when a target for the given number of processes is missed.
Figures taken while other work runs on the machine are noisy.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

# Operation kinds and their weights (out of 100): 60% reads, 40% writes.
MIX = (("search", 35), ("summary", 25), ("checkout", 15), ("points", 15), ("care note", 10))
WRITES = ("checkout", "points", "care note")
REASON = "bench concurrency"
NOTE_TITLE = "Bench concurrency call"
P99_TARGET_MS = 150.0


@dataclass(frozen=True)
class Plan:
    """What every process works on, drawn once from the database."""

    url: str
    staff_id: int
    members: list[int]  # active, live customers: every write is allowed on them
    queries: list[str]  # what receptionists type
    service_id: int


@dataclass
class Outcome:
    """One process's measurements."""

    latency: dict[str, list[float]] = field(default_factory=dict)  # ms per kind
    wait: dict[str, list[float]] = field(default_factory=dict)  # ms per write kind
    held: dict[str, list[float]] = field(default_factory=dict)  # ms from BEGIN to COMMIT done
    errors: Counter = field(default_factory=Counter)  # (kind, error text) → count
    saved: Counter = field(default_factory=Counter)  # writes that returned normally


def prepare(path: Path, customers: int) -> None:
    if path.exists():
        return
    from salontui.store.demo import build_demo

    started = time.perf_counter()
    build_demo(f"sqlite:///{path.resolve()}", customers=customers)
    print(f"built {customers:,} customers in {time.perf_counter() - started:.1f} s",
          file=sys.stderr)


def make_plan(url: str, seed: int) -> Plan:
    from sqlalchemy import text

    from salontui.store.catalog import list_items
    from salontui.store.db import make_engine, read_session
    from salontui.store.staff import list_staff

    engine = make_engine(url)
    try:
        with read_session(engine) as s:
            # Who adjusts points by hand: a role the owner's table lets do it alone.
            staff = [m for m in list_staff(s) if m.role in ("owner", "manager")]
            service = list_items(s, kind="service")[0]
            rows = s.execute(text(
                "SELECT id, name, phone_national FROM customer "
                "WHERE deleted_at IS NULL AND member_state = 'active' ORDER BY id")).all()
    finally:
        engine.dispose()
    rng = random.Random(seed)
    picked = rng.sample(rows, min(len(rows), 500))
    queries = []
    for _id, name, phone in picked:
        words = name.split()
        queries.append(phone[-4:] if rng.random() < 0.3 else
                       " ".join([*words[:-1], words[-1][:2]]))
    return Plan(url=url, staff_id=staff[0].id, members=[r[0] for r in picked],
                queries=queries, service_id=service.id)


class _Waits:
    """Times the write transaction's begin: before and after salontui's own handler."""

    def __init__(self, engine) -> None:
        from sqlalchemy import event

        from salontui.store.db import WRITE_OPTION

        self.last: float | None = None  # ms waited by the last write transaction
        self.held_from = 0.0  # when it got the database
        self._started = 0.0

        def before(conn) -> None:
            self._started = time.perf_counter()

        def after(conn) -> None:
            if conn.get_execution_options().get(WRITE_OPTION):
                self.held_from = time.perf_counter()
                self.last = (self.held_from - self._started) * 1000

        # before, salontui's own handlers (taken off and put back in order), after
        own = list(engine.dispatch.begin)
        for handler in own:
            event.remove(engine, "begin", handler)
        event.listen(engine, "begin", before)
        for handler in own:
            event.listen(engine, "begin", handler)
        event.listen(engine, "begin", after)


def _operations(plan: Plan):
    from salontui.store.care import add_care_note
    from salontui.store.cart import Cart, CartLine, CartPayment, quote
    from salontui.store.checkout import checkout
    from salontui.store.db import read_session, write_session
    from salontui.store.ledger import adjust_points
    from salontui.store.search import search_customers
    from salontui.store.summary import customer_summary

    def search(engine, rng) -> None:
        with read_session(engine) as s:
            search_customers(s, query=rng.choice(plan.queries))

    def summary(engine, rng) -> None:
        with read_session(engine) as s:
            customer_summary(s, customer_id=rng.choice(plan.members))

    def pay(engine, rng) -> None:
        cart = Cart(customer_id=rng.choice(plan.members),
                    lines=[CartLine(kind="service", item_id=plan.service_id)])
        with read_session(engine) as s:
            total = quote(s, cart=cart).total
        cart.payments = [CartPayment("cash", total)]
        with write_session(engine) as s:
            checkout(s, staff_id=plan.staff_id, cart=cart, idempotency_key=uuid.uuid4().hex)

    def points(engine, rng) -> None:
        with write_session(engine) as s:
            adjust_points(s, staff_id=plan.staff_id, customer_id=rng.choice(plan.members),
                          amount=rng.randint(1, 50), reason=REASON)

    def care(engine, rng) -> None:
        with write_session(engine) as s:
            add_care_note(s, staff_id=plan.staff_id, customer_id=rng.choice(plan.members),
                          type="call", title=NOTE_TITLE, description="")

    return {"search": search, "summary": summary, "checkout": pay, "points": points,
            "care note": care}


def _error_text(error: BaseException) -> str:
    text = str(error).splitlines()[0] if str(error) else ""
    if "database is locked" in text:
        return "database is locked"
    return f"{type(error).__name__}: {text[:80]}"


def desk(plan: Plan, ops: int, seed: int, barrier) -> Outcome:
    """One desk (process): warm up, wait for the others, run ``ops`` operations."""
    from salontui.store.db import make_engine

    engine = make_engine(plan.url)
    waits = _Waits(engine)
    operations = _operations(plan)
    kinds = [k for k, _w in MIX]
    weights = [w for _k, w in MIX]
    rng = random.Random(seed)
    out = Outcome()
    for kind in kinds:  # imports, compiled statements, caches: not what is measured
        try:
            operations[kind](engine, rng)
            if kind in WRITES:
                out.saved[kind] += 1
        except Exception as error:  # a failure here is a failure too
            out.errors[(kind, _error_text(error))] += 1
    barrier.wait()
    for kind in rng.choices(kinds, weights, k=ops):
        waits.last = None
        started = time.perf_counter()
        try:
            operations[kind](engine, rng)
        except Exception as error:
            out.errors[(kind, _error_text(error))] += 1
        else:
            if kind in WRITES:
                out.saved[kind] += 1
        ended = time.perf_counter()
        out.latency.setdefault(kind, []).append((ended - started) * 1000)
        if kind in WRITES and waits.last is not None:
            out.wait.setdefault(kind, []).append(waits.last)
            out.held.setdefault(kind, []).append((ended - waits.held_from) * 1000)
    engine.dispose()
    return out


def _run_desk(args) -> Outcome:
    return desk(*args)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _row(name: str, values: list[float]) -> str:
    if not values:
        return f"| {name} | 0 | | | | |"
    return (f"| {name} | {len(values):,} | {pct(values, 0.5):.1f} | {pct(values, 0.95):.1f} | "
            f"{pct(values, 0.99):.1f} | {max(values):.1f} |")


def counts(url: str) -> Counter:
    """Rows that the writes of the bench add: invoices, points adjustments, care notes."""
    import sqlite3

    from sqlalchemy.engine import make_url

    conn = sqlite3.connect(make_url(url).database)
    try:
        return Counter({
            "checkout": conn.execute("SELECT count(*) FROM invoice").fetchone()[0],
            "points": conn.execute(
                "SELECT count(*) FROM ledger_entry WHERE kind = 'adjust' AND reason = ?",
                (REASON,)).fetchone()[0],
            "care note": conn.execute("SELECT count(*) FROM care_note WHERE title = ?",
                                      (NOTE_TITLE,)).fetchone()[0],
        })
    finally:
        conn.close()


def run(url: str, procs: int, ops: int, seed: int) -> tuple[Outcome, float]:
    """``procs`` desks × ``ops`` operations; the merged outcome and the wall time."""
    plan = make_plan(url, seed)
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager:
        barrier = manager.Barrier(procs + 1)
        with context.Pool(procs) as pool:
            pending = pool.map_async(_run_desk, [(plan, ops, seed * 1000 + i, barrier)
                                                 for i in range(procs)])
            barrier.wait()
            started = time.perf_counter()
            outcomes = pending.get()
            wall = time.perf_counter() - started
    merged = Outcome()
    for one in outcomes:
        for kind, values in one.latency.items():
            merged.latency.setdefault(kind, []).extend(values)
        for kind, values in one.wait.items():
            merged.wait.setdefault(kind, []).extend(values)
        for kind, values in one.held.items():
            merged.held.setdefault(kind, []).extend(values)
        merged.errors.update(one.errors)
        merged.saved.update(one.saved)
    return merged, wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--procs", type=int, default=4)
    parser.add_argument("--ops", type=int, default=2500)
    parser.add_argument("--customers", type=int, default=3000,
                        help="size of the demo salon built when DB does not exist")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)

    prepare(args.db, args.customers)
    url = f"sqlite:///{args.db.resolve()}"
    before = counts(url)
    outcome, wall = run(url, args.procs, args.ops, args.seed)
    after = counts(url)

    every = [v for values in outcome.latency.values() for v in values]
    waits = [v for values in outcome.wait.values() for v in values]
    print(f"{args.procs} processes × {args.ops:,} operations in {wall:.1f} s "
          f"({len(every) / wall:,.0f} operations a second)\n")
    print("| operation | count | p50 ms | p95 ms | p99 ms | max ms |")
    print("|---|---:|---:|---:|---:|---:|")
    for kind, _weight in MIX:
        print(_row(kind, outcome.latency.get(kind, [])))
    print(_row("**all**", every))
    for kind in WRITES:
        print(_row(f"wait to write: {kind}", outcome.wait.get(kind, [])))
    print(_row("**wait to write: all**", waits))
    for kind in WRITES:
        print(_row(f"database held: {kind}", outcome.held.get(kind, [])))

    locked = sum(n for (_k, text), n in outcome.errors.items() if text == "database is locked")
    print(f"\nerrors: {sum(outcome.errors.values())} ({locked} 'database is locked')")
    for (kind, text), n in sorted(outcome.errors.items()):
        print(f"  {n:>5} × {kind}: {text}")

    lost = {k: outcome.saved[k] - (after[k] - before[k]) for k in WRITES}
    print("writes saved and found: " + ", ".join(
        f"{k} {outcome.saved[k]:,}/{after[k] - before[k]:,}" for k in WRITES))

    from salontui.store.check import run_checks
    from salontui.store.db import make_engine

    engine = make_engine(url)
    try:
        problems = run_checks(engine)
    finally:
        engine.dispose()
    print(f"check: {'ok' if not problems else f'{len(problems)} problems'}")
    for problem in problems[:10]:
        print(f"  {problem}")

    missed = []
    if locked:
        missed.append(f"{locked} 'database is locked'")
    if any(lost.values()):
        missed.append(f"writes said saved but not found: {lost}")
    if problems:
        missed.append("check failed")
    wait_target = 1000.0 if args.procs <= 4 else 3000.0
    if waits and max(waits) > wait_target:
        missed.append(f"a write waited {max(waits):.0f} ms (target ≤ {wait_target:.0f} ms)")
    if args.procs <= 4 and every and pct(every, 0.99) > P99_TARGET_MS:
        missed.append(f"p99 {pct(every, 0.99):.1f} ms (target ≤ {P99_TARGET_MS:.0f} ms)")
    print("targets: " + ("met" if not missed else "missed: " + "; ".join(missed)))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
