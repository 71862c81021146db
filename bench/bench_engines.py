"""The store's hot paths on SQLite and PostgreSQL side by side, on the same chain-size salon.

    python bench/bench_engines.py                       # builds both salons, then measures
    python bench/bench_engines.py --sqlite bench/chain.db --postgres postgresql+psycopg://…

Without ``--sqlite`` it builds 100,000 customers (about a million invoices) into a
temporary SQLite file; without ``--postgres`` it starts its own PostgreSQL (PyPI's
``pgserver``, as ``bench_demo.py`` does) and builds the same salon there (same seed,
same day: the same rows). Then, for each engine, over ``--queries`` different targets
drawn from the salon (the same on both), each call in its own session as the desk
makes it:

* search: name prefix as typed (diacritics and all), name without diacritics, the last
  four digits of a phone;
* the customer header (``customer_summary``);
* opening the busiest customer: the header, the first page of invoices and the
  packages (what the detail reads first);
* a checkout through the store API: one service paid in cash, in its own write
  transaction.

Prints a Markdown table (median and 95th percentile, ms) and the ratio
PostgreSQL / SQLite of the medians. Exits 1 if a PostgreSQL target is missed:
every search p95 ≤ 5 ms, summary p95 ≤ 5 ms, checkout p95 ≤ 30 ms.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from datetime import date
from pathlib import Path

TARGETS_PG = {"name prefix": 5.0, "name without diacritics": 5.0, "last 4 phone digits": 5.0,
              "customer summary": 5.0, "checkout (store)": 30.0}
KINDS = ("name prefix", "name without diacritics", "last 4 phone digits", "customer summary",
         "open the busiest customer", "checkout (store)")


def _pick(engine, n: int, seed: int) -> dict[str, list]:
    """The same targets on both engines: customer ids drawn by the seed, then their rows."""
    from sqlalchemy import text

    from salontui.store.text import fold

    rng = random.Random(seed)
    with engine.connect() as conn:
        top = conn.execute(text("SELECT max(id) FROM customer")).scalar()
        ids = [rng.randint(1, top) for _ in range(n)]
        rows = {r[0]: r[1:] for r in conn.execute(
            text("SELECT id, name, phone_national FROM customer WHERE id IN "
                 f"({','.join(map(str, ids))})"))}
    ids = [i for i in ids if i in rows]
    prefixes = []
    for i in ids:
        words = rows[i][0].split()
        cut = rng.choice([1, 2, 2, 3])
        typed = " ".join(words[:cut])
        if cut < len(words):
            typed += " " + words[cut][: rng.randint(1, len(words[cut]))]
        prefixes.append(typed)
    return {"name prefix": prefixes,
            "name without diacritics": [fold(rows[i][0]) for i in ids],
            "last 4 phone digits": [rows[i][1][-4:] for i in ids],
            "customer summary": ids}


def _calls(engine, targets: dict[str, list], n: int) -> dict[str, list[Callable[[], object]]]:
    from sqlalchemy import text

    from salontui.store.cart import Cart, CartLine, CartPayment
    from salontui.store.checkout import checkout
    from salontui.store.db import read_session, write_session
    from salontui.store.invoices import list_invoices
    from salontui.store.package_reads import list_packages
    from salontui.store.search import search_customers
    from salontui.store.summary import customer_summary

    def reading(fn):
        def call():
            with read_session(engine) as s:
                return fn(s)
        return call

    with engine.connect() as conn:
        busiest = conn.execute(text(
            "SELECT customer_id FROM invoice WHERE customer_id IS NOT NULL "
            "GROUP BY customer_id ORDER BY count(*) DESC LIMIT 1")).scalar()
        staff = conn.execute(text("SELECT min(id) FROM staff WHERE active")).scalar()
        item = conn.execute(text("SELECT min(id) FROM catalog_item WHERE kind = 'service' "
                                 "AND active")).scalar()
        price = conn.execute(text("SELECT price FROM catalog_item WHERE id = :i"),
                             {"i": item}).scalar()

    def open_busiest(s):
        customer_summary(s, customer_id=busiest)
        list_invoices(s, customer_id=busiest, limit=50)
        return list_packages(s, customer_id=busiest)

    stamp = time.time_ns()

    def sale(k: int):
        def call():
            with write_session(engine) as s:
                return checkout(s, staff_id=staff, idempotency_key=f"bench-{stamp}-{k}",
                                cart=Cart(lines=[CartLine(kind="service", item_id=item)],
                                          payments=[CartPayment("cash", price)]))
        return call

    calls = {kind: [reading(lambda s, q=q: search_customers(s, query=q)) for q in values]
             for kind, values in targets.items() if kind != "customer summary"}
    calls["customer summary"] = [reading(lambda s, c=c: customer_summary(s, customer_id=c))
                                 for c in targets["customer summary"]]
    calls["open the busiest customer"] = [reading(open_busiest)] * max(20, n // 10)
    calls["checkout (store)"] = [sale(k) for k in range(max(20, n // 4))]
    return calls


def _measure(engine, targets, n) -> dict[str, tuple[float, float]]:
    from bench_store import _stats, _time  # the same timing and percentiles as there

    out = {}
    for kind, calls in _calls(engine, targets, n).items():
        for call in calls[:5]:  # warm: pages cached, statements prepared
            if kind != "checkout (store)":
                call()
        out[kind] = _stats([_time(call) for call in calls])
    return out


def _build(url: str, customers: int, seed: int, today: date, branches: int = 1) -> None:
    from salontui.store.demo import build_demo

    started = time.perf_counter()
    stats = build_demo(url, customers=customers, seed=seed, today=today, busiest=20_000,
                       branches=branches)
    print(f"built {stats} in {time.perf_counter() - started:.0f} s", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", type=Path, help="a salon built by bench/make_chain.py")
    parser.add_argument("--postgres", help="a PostgreSQL URL holding the same salon")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--branches", type=int, default=1,
                        help="build a chain of N branches (when the script builds)")
    args = parser.parse_args(argv)
    today = date(2026, 11, 23)

    from salontui.store.db import make_engine

    with ExitStack() as stack:
        sqlite_url = (f"sqlite:///{args.sqlite.resolve()}" if args.sqlite else None)
        if sqlite_url is None:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
            sqlite_url = f"sqlite:///{folder / 'chain.db'}"
            _build(sqlite_url, args.customers, args.seed, today, args.branches)
        pg_url = args.postgres
        if pg_url is None:
            from bench_demo import own_postgres

            pg_url, _cpu = stack.enter_context(own_postgres())
            _build(pg_url, args.customers, args.seed, today, args.branches)
        results = {}
        for name, url in (("SQLite", sqlite_url), ("PostgreSQL", pg_url)):
            engine = make_engine(url)
            targets = _pick(engine, args.queries, seed=2026)
            results[name] = _measure(engine, targets, args.queries)
            engine.dispose()
    print("\n| hot path | SQLite median | SQLite p95 | PostgreSQL median | PostgreSQL p95 "
          "| PG / SQLite |")
    print("|---|---:|---:|---:|---:|---:|")
    missed = []
    for kind in KINDS:
        (sm, sp), (pm, pp) = results["SQLite"][kind], results["PostgreSQL"][kind]
        print(f"| {kind} | {sm:.2f} | {sp:.2f} | {pm:.2f} | {pp:.2f} | {pm / sm:.1f}× |")
        if kind in TARGETS_PG and pp > TARGETS_PG[kind]:
            missed.append(f"{kind}: PostgreSQL p95 {pp:.2f} ms > {TARGETS_PG[kind]} ms")
    for line in missed:
        print("MISSED", line)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
