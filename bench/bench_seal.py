"""What sealing the books costs a checkout: the store's checkout with and without the seal.

    python bench/bench_seal.py [DB] [--customers 20000] [--runs 300]

Builds a demo salon in DB (or a temporary file) when it does not exist, then times
``checkout`` (one write session: three lines, cash and card, points earned) ``--runs``
times with the sealing hook in place and as many times with it removed, alternating so
both see the same machine. Prints the medians and their ratio (target: ≤ 1.20).
Rows written without a seal are flagged by ``check`` afterwards, so the benchmark works
on a copy.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", nargs="?", type=Path)
    parser.add_argument("--customers", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=300)
    args = parser.parse_args()

    from sqlalchemy import event, text
    from sqlalchemy.orm import Session

    from salontui.store import chain
    from salontui.store.cart import Cart, CartLine, CartPayment, quote
    from salontui.store.catalog import list_items
    from salontui.store.checkout import checkout
    from salontui.store.db import make_engine, read_session, write_session
    from salontui.store.demo import build_demo

    work = Path(tempfile.mkdtemp(prefix="seal-bench-"))
    source = args.db or work / "salon.db"
    if not source.exists():
        started = time.perf_counter()
        build_demo(f"sqlite:///{source}", customers=args.customers, seed=3,
                   today=date(2026, 11, 23))
        print(f"built {args.customers:,} customers in {time.perf_counter() - started:.1f} s",
              file=sys.stderr)
    path = work / "copy.db"
    shutil.copy(source, path)
    engine = make_engine(f"sqlite:///{path}")
    with read_session(engine) as s:
        services = [i for i in list_items(s) if i.kind == "service"][:2]
        product = next(i for i in list_items(s) if i.kind == "product")
        customers = [r[0] for r in s.execute(text(
            "SELECT id FROM customer WHERE deleted_at IS NULL ORDER BY id LIMIT 5000"))]
    rng = random.Random(1)
    timings: dict[bool, list[float]] = {True: [], False: []}
    for run in range(args.runs * 2):
        sealed = run % 2 == 0
        if sealed:
            chain.install()
        else:
            event.remove(Session, "before_flush", chain._seal_pending)
        cart = Cart(customer_id=rng.choice(customers),
                    lines=[CartLine(kind="service", item_id=services[0].id),
                           CartLine(kind="service", item_id=services[1].id),
                           CartLine(kind="product", item_id=product.id)])
        with read_session(engine) as s:
            total = quote(s, cart=cart).total
        cart.payments = [CartPayment("cash", total // 2), CartPayment("card", total - total // 2)]
        started = time.perf_counter()
        with write_session(engine) as s:
            checkout(s, staff_id=1, cart=cart, idempotency_key=f"bench-{run}")
        timings[sealed].append((time.perf_counter() - started) * 1000)
    chain.install()
    with_seal = statistics.median(timings[True])
    without = statistics.median(timings[False])
    print("| checkout in the store | median | p95 |")
    print("| --- | --- | --- |")
    for label, key in (("sealed", True), ("not sealed", False)):
        values = sorted(timings[key])
        print(f"| {label} | {statistics.median(values):.2f} ms | "
              f"{values[int(len(values) * 0.95)]:.2f} ms |")
    ratio = with_seal / without
    print(f"\nratio sealed / not sealed: {ratio:.2f} (target ≤ 1.20)")
    engine.dispose()
    shutil.rmtree(work, ignore_errors=True)
    return 0 if ratio <= 1.20 else 1


if __name__ == "__main__":
    sys.exit(main())
