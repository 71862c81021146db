"""The store's hot reads at 100,000 customers / 1,000,000 invoices, beside raw sqlite3.

    python bench/bench_store.py bench/chain.db [--queries 200]

For each kind of query (name prefix as typed, name without diacritics, last
four phone digits, the customer header) it runs N different queries through
the store, each in its own read session as the desk does, and times them.
The raw twin of each query is the very SQL the store sent to ``sqlite3``
(recorded by a cursor subclass on a separate engine, with its parameters,
whether it went through SQLAlchemy or straight to the driver's cursor),
replayed on a plain ``sqlite3`` connection with the same BEGIN and ROLLBACK.
Prints a Markdown table of medians and 95th percentiles in milliseconds and
the ratio store / raw.

Targets: search ≤ 2 ms median, summary ≤ 5 ms median, no hot path more than 3×
its raw twin.
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

TARGETS = {"search": 2.0, "summary": 5.0}
MAX_RATIO = 3.0


def _pick_queries(path: Path, n: int, seed: int) -> dict[str, list]:
    """N targets per kind, drawn from the database itself (deterministic per seed)."""
    from salontui.store.text import fold

    rng = random.Random(seed)
    conn = sqlite3.connect(path)
    try:
        top = conn.execute("SELECT max(id) FROM customer").fetchone()[0]
        ids = [rng.randint(1, top) for _ in range(n)]
        marks = ",".join(map(str, ids))
        rows = {r[0]: r[1:] for r in conn.execute(
            f"SELECT id, name, phone_national FROM customer WHERE id IN ({marks})")}
    finally:
        conn.close()
    names = [rows[i][0] for i in ids]
    prefix = []
    for name in names:  # what a receptionist types: the start of the name, diacritics and all
        words = name.split()
        cut = rng.choice([1, 2, 2, 3])
        text = " ".join(words[:cut])
        if cut < len(words):
            text += " " + words[cut][: rng.randint(1, len(words[cut]))]
        prefix.append(text)
    return {
        "name prefix": prefix,
        "name without diacritics": [fold(name) for name in names],
        "last 4 phone digits": [rows[i][1][-4:] for i in ids],
        "customer summary": ids,
    }


class _RecordingCursor(sqlite3.Cursor):
    """A sqlite3 cursor that notes what it executes while ``log`` is a list."""

    log: list | None = None

    def execute(self, sql, parameters=(), /):
        if _RecordingCursor.log is not None:
            kept = dict(parameters) if isinstance(parameters, dict) else tuple(parameters)
            _RecordingCursor.log.append((sql, kept))
        return super().execute(sql, parameters)


class _RecordingConnection(sqlite3.Connection):
    def cursor(self, factory=_RecordingCursor):
        return super().cursor(factory)

    def execute(self, sql, parameters=(), /):  # the BEGIN of a session goes this way
        return self.cursor().execute(sql, parameters)


class _Capture:
    """The statements the store sends to sqlite3 (through SQLAlchemy or straight to the
    driver's cursor), recorded on an engine of its own so the timed engine is untouched."""

    def __init__(self, url: str):
        from sqlalchemy import event

        from salontui.store.db import make_engine

        self.engine = make_engine(url)

        @event.listens_for(self.engine, "do_connect")
        def _connect(dialect, record, cargs, cparams):
            cparams["factory"] = _RecordingConnection

        with self.engine.connect():  # connect now: the connection's PRAGMAs are not a query
            pass

    def record(self, call: Callable[[object], object]) -> list[tuple[str, object]]:
        _RecordingCursor.log = []
        try:
            call(self.engine)
            return _RecordingCursor.log
        finally:
            _RecordingCursor.log = None


def _time(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return (time.perf_counter() - started) * 1000


def _stats(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="the salon built by bench/make_chain.py")
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    if not args.path.exists():
        parser.error(f"{args.path} does not exist; build it with bench/make_chain.py")

    from salontui.store.db import make_engine, read_session
    from salontui.store.search import search_customers

    try:
        from salontui.store.summary import customer_summary
    except ImportError:  # not written yet: measure what exists
        customer_summary = None

    url = f"sqlite:///{args.path.resolve()}"
    engine = make_engine(url)
    capture = _Capture(url)
    raw = sqlite3.connect(args.path, isolation_level=None, check_same_thread=False)
    raw.execute("PRAGMA foreign_keys = ON")
    counts = raw.execute("SELECT (SELECT count(*) FROM customer), "
                         "(SELECT count(*) FROM invoice)").fetchone()
    queries = _pick_queries(args.path, args.queries, args.seed)

    def store_call(kind: str, value, session=None, on=engine) -> Callable[[], object]:
        """The store function in a fresh read session (as the desk calls it), or inside
        ``session`` (to show what the session itself costs)."""
        def run(s):
            if kind == "customer summary":
                return customer_summary(s, customer_id=value)
            return search_customers(s, query=value)

        if session is not None:
            return lambda: run(session)

        def call():
            with read_session(on) as s:
                return run(s)
        return call

    def raw_call(statements: list[tuple[str, object]]) -> Callable[[], object]:
        def call():
            cursor = raw.cursor()
            for statement, parameters in statements:
                cursor.execute(statement, parameters)
                cursor.fetchall()
            if raw.in_transaction:
                raw.rollback()
        return call

    table = []
    for kind, values in queries.items():
        if kind == "customer summary" and customer_summary is None:
            table.append((kind, None, None, None, "summary.py missing", None))
            continue
        store_ms, open_ms, raw_ms, found = [], [], [], 0
        with read_session(engine) as session:
            for value in values:
                call = store_call(kind, value)
                result = call()  # warm: pages in the cache, statements prepared
                found += bool(result)
                statements = capture.record(
                    lambda on, kind=kind, value=value: store_call(kind, value, on=on)())
                twin = raw_call(statements)
                twin()
                # interleaved, so that neither gets a quieter machine
                store_ms.append(_time(call))
                open_ms.append(_time(store_call(kind, value, session)))
                raw_ms.append(_time(twin))
        group = "summary" if kind == "customer summary" else "search"
        table.append((kind, _stats(store_ms), _stats(raw_ms), group,
                      f"{found}/{len(values)} found", _stats(open_ms)))

    print(f"salontui store at {counts[0]:,} customers / {counts[1]:,} invoices, "
          f"{args.queries} queries each (ms)\n")
    print("| query | salontui median / p95 ms | raw sqlite3 median / p95 ms | ratio "
          "| salontui in an open session | ratio |")
    print("|---|---|---|---|---|---|")
    failures = []
    for kind, store, twin, group, note, inside in table:
        if store is None:
            print(f"| {kind} | – | – | – ({note}) | – | – |")
            continue
        ratio = store[0] / twin[0] if twin[0] else float("inf")
        inner = inside[0] / twin[0] if twin[0] else float("inf")
        print(f"| {kind} | {store[0]:.2f} / {store[1]:.2f} | {twin[0]:.2f} / {twin[1]:.2f} "
              f"| {ratio:.1f}× | {inside[0]:.2f} / {inside[1]:.2f} | {inner:.1f}× |")
        if store[0] > TARGETS[group]:
            failures.append(f"{kind}: median {store[0]:.2f} ms > {TARGETS[group]} ms")
        if ratio > MAX_RATIO:
            failures.append(f"{kind}: {ratio:.1f}× its raw twin > {MAX_RATIO}× "
                            f"({inner:.1f}× without opening the session)")
    print()
    for kind, _store, _twin, _group, note, _inside in table:
        print(f"- {kind}: {note}")
    print("\nsalontui: each call in its own read session, as the desk makes it; \"in an open "
          "session\": the same call inside one session kept open, i.e. without the cost of "
          "opening and closing it. Ratios are of medians, against the raw twin.")
    if failures:
        print("\nOver target:\n" + "\n".join(f"- {f}" for f in failures))
    else:
        print("\nAll within target (search ≤ 2 ms, summary ≤ 5 ms, ≤ 3× raw).")
    raw.close()
    engine.dispose()
    capture.engine.dispose()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
