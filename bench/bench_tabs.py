"""Every tab of the customer detail, first, middle and last page, for a customer with 20,000
invoices.

    python bench/bench_tabs.py [bench/tabs.db] [--customers 2000] [--busiest 20000] [--runs 30]

Builds the file first when it does not exist: a demo salon whose first customer
(KH000001) has ``--busiest`` visits (about as many invoices), a tenth as many care
notes and a fiftieth as many promotions. Then, for each tab, it makes the store call
the detail screen makes for a page of 100 rows (in its own read session, as the
desk does in its worker thread): packages, appointments, invoices (the desk's
default year and all dates), debt, points, care notes, promotions, and the history
of each stored-value card; plus the header. Prints a Markdown table of the median
and 95th percentile in milliseconds per page. Target: every page ≤ 50 ms.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

PAGE = 100  # rows per page on the detail screen (it asks for one more to know if more follow)
TARGET_MS = 50.0
TODAY = date(2026, 11, 23)
CUSTOMER = 1


def build(path: Path, customers: int, busiest: int) -> None:
    from salontui.store.demo import build_demo

    path.parent.mkdir(parents=True, exist_ok=True)
    print(f"building {path}: {customers:,} customers, KH000001 with {busiest:,} visits…",
          flush=True)
    stats = build_demo(f"sqlite:///{path.resolve()}", customers=customers, seed=1,
                       today=TODAY, busiest=busiest)
    print(f"built {stats}", flush=True)


def counts(path: Path) -> dict[str, int]:
    """Rows per tab for the customer (how many pages there are)."""
    conn = sqlite3.connect(path)
    try:
        one = lambda sql, *args: conn.execute(sql, (CUSTOMER, *args)).fetchone()[0]  # noqa: E731
        found = {
            "appointments": one("SELECT count(*) FROM appointment WHERE customer_id = ?"),
            "debt": one("SELECT count(*) FROM ledger_entry WHERE customer_id = ? "
                        "AND account = 'debt'"),
            "points": one("SELECT count(*) FROM ledger_entry WHERE customer_id = ? "
                          "AND account = 'points'"),
            "care": one("SELECT count(*) FROM care_note WHERE customer_id = ? "
                        "AND deleted_at IS NULL"),
            "invoices (all dates)": one("SELECT count(*) FROM invoice WHERE customer_id = ?"),
            "packages": one("SELECT count(*) FROM customer_package WHERE customer_id = ?"),
            "promotions": one("SELECT count(*) FROM customer_promotion WHERE customer_id = ?"),
        }
        for card_id, name, n in conn.execute(
                "SELECT v.id, v.name, count(e.id) FROM value_card v LEFT JOIN ledger_entry e "
                "ON e.card_id = v.id AND e.account = 'value' WHERE v.customer_id = ? "
                "GROUP BY v.id ORDER BY v.id", (CUSTOMER,)):
            found[f"card history: {name}#{card_id}"] = n
    finally:
        conn.close()
    return found


def calls(engine) -> dict[str, tuple]:
    """Per tab: (function of (session, offset), rows) as the detail screen asks for them."""
    from salontui.store.care import list_care_notes
    from salontui.store.day.appointments import list_appointments
    from salontui.store.invoices import count_invoices, list_invoices
    from salontui.store.ledger import card_history, ledger_history
    from salontui.store.package_reads import list_packages
    from salontui.store.promotions import list_customer_promotions
    from salontui.store.summary import customer_summary

    def invoices(date_from):
        def read(session, offset):
            count_invoices(session, customer_id=CUSTOMER, date_from=date_from, date_to=TODAY)
            return list_invoices(session, customer_id=CUSTOMER, date_from=date_from,
                                 date_to=TODAY, limit=PAGE, offset=offset)
        return read

    def card(card_id):
        return lambda s, o: card_history(s, customer_id=CUSTOMER, card_id=card_id,
                                         limit=PAGE + 1, offset=o)

    c = CUSTOMER
    year_ago = TODAY - timedelta(days=365)
    table = {
        "header": (lambda s, o: customer_summary(s, customer_id=c, today=TODAY), 1),
        "packages": (lambda s, o: list_packages(s, customer_id=c, today=TODAY), None),
        "appointments": (lambda s, o: list_appointments(s, customer_id=c, limit=PAGE + 1,
                                                        offset=o), None),
        "invoices (last year)": (invoices(year_ago), None),
        "invoices (all dates)": (invoices(None), None),
        "debt": (lambda s, o: ledger_history(s, customer_id=c, account="debt",
                                             limit=PAGE + 1, offset=o), None),
        "points": (lambda s, o: ledger_history(s, customer_id=c, account="points",
                                               limit=PAGE + 1, offset=o), None),
        "care": (lambda s, o: list_care_notes(s, customer_id=c, limit=PAGE + 1, offset=o),
                 None),
        "promotions": (lambda s, o: list_customer_promotions(s, customer_id=c), None),
    }
    from salontui.store.db import read_session

    with read_session(engine) as session:
        year = count_invoices(session, customer_id=c, date_from=year_ago, date_to=TODAY)
    table["invoices (last year)"] = (table["invoices (last year)"][0], year)
    return table, card


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, nargs="?", default=Path("bench/tabs.db"))
    parser.add_argument("--customers", type=int, default=2000)
    parser.add_argument("--busiest", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args(argv)
    if not args.path.exists():
        build(args.path, args.customers, args.busiest)

    from salontui.store.db import make_engine, read_session

    engine = make_engine(f"sqlite:///{args.path.resolve()}")
    table, card = calls(engine)
    rows = counts(args.path)
    for name, n in rows.items():
        if name.startswith("card history"):
            card_id = int(name.rsplit("#", 1)[1])
            table[name] = (card(card_id), n)
    print(f"KH000001: {rows['invoices (all dates)']:,} invoices, "
          f"{rows['appointments']:,} appointments, {rows['points']:,} points entries, "
          f"{rows['care']:,} care notes; {args.runs} runs per page\n")
    print("| tab | rows | first page | middle page | last page |")
    print("| --- | ---: | --- | --- | --- |")
    worst = 0.0
    for name, (read, n) in table.items():
        n = rows.get(name, 0) if n is None else n
        paged = name not in ("header", "packages", "promotions")  # one page: all of it
        last = max(0, (n - 1) // PAGE * PAGE) if paged else 0
        offsets = [0, last // PAGE // 2 * PAGE, last]
        cells = []
        for offset in offsets:
            times = []
            for _run in range(args.runs):
                started = time.perf_counter()
                with read_session(engine) as session:
                    read(session, offset)
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            worst = max(worst, p95)
            cells.append(f"{statistics.median(times):.1f} / {p95:.1f} ms")
        print(f"| {name} | {n:,} | " + " | ".join(cells) + " |")
    engine.dispose()
    verdict = "met" if worst <= TARGET_MS else "MISSED"
    print(f"\nworst p95 {worst:.1f} ms (target ≤ {TARGET_MS:.0f} ms: {verdict})")
    return 0 if worst <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
