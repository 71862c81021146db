"""Every owner's report over a year of the 100,000-customer demo (~1,000,000 invoices).

    python bench/bench_reports.py [--demo bench/chain.db] [--runs 3]

Each report (``salontui report NAME``) is built by its store function over the 365 days
ending on the demo's last invoice, in a read session of its own as the Reports screen and
the command build it, ``--runs`` times; the slowest run counts. For information, the daily
report over the last day and the last 30 days too. A demo at an older schema is copied
into a temporary folder and migrated there first (``bench_loyalty.copy_demo``).

Target: ≤ 1 s for each report over the year. Prints a Markdown table; exits 1 if a target
is missed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

TARGET_SECONDS = 1.0


def last_day(engine) -> date:
    from sqlalchemy import text

    from salontui.store.db import read_session

    with read_session(engine) as session:
        last = session.execute(text("SELECT max(created_at) FROM invoice")).scalar_one()
    last = datetime.fromisoformat(last) if isinstance(last, str) else last
    return last.date()


def timed(engine, name: str, date_from: date, date_to: date,
          runs: int) -> tuple[float, float, int]:
    """The slowest of ``runs`` builds of report ``name`` (wall and this process's CPU: on
    SQLite the CPU, which a loaded machine does not inflate as much), and its table rows."""
    from salontui.store.db import read_session
    from salontui.store.reports.registry import report_kind

    builder = report_kind(name).builder()
    worst, worst_cpu, rows = 0.0, 0.0, 0
    for _run in range(runs):
        began, began_cpu = time.perf_counter(), time.process_time()
        with read_session(engine) as session:
            report = builder(session, date_from=date_from, date_to=date_to)
        worst = max(worst, time.perf_counter() - began)
        worst_cpu = max(worst_cpu, time.process_time() - began_cpu)
        rows = sum(len(table.rows) for table in report.tables)
    return worst, worst_cpu, rows


def is_current(path: Path) -> bool:
    from salontui.store.db import make_engine
    from salontui.store.schema import HEAD_REVISION, current_revision

    engine = make_engine(f"sqlite:///{path.resolve()}")
    try:
        return current_revision(engine) == HEAD_REVISION
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", type=Path, default=Path(__file__).parent / "chain.db",
                        help="The 100,000-customer demo (bench/make_chain.py).")
    parser.add_argument("--runs", type=int, default=3, help="Runs of each; the slowest counts.")
    args = parser.parse_args(argv)
    if not args.demo.exists():
        print(f"{args.demo} is missing: build it with bench/make_chain.py", file=sys.stderr)
        return 2
    from salontui.store.db import make_engine
    from salontui.store.reports.registry import REPORTS

    with tempfile.TemporaryDirectory() as folder:
        if is_current(args.demo):
            url = f"sqlite:///{args.demo.resolve()}"
        else:
            sys.path.insert(0, str(Path(__file__).parent))
            from bench_loyalty import copy_demo

            url = copy_demo(args.demo, Path(folder))
        engine = make_engine(url)
        end = last_day(engine)
        year = (end - timedelta(days=364), end)
        cases = [(name, *year, True) for name in REPORTS]
        cases += [("daily", end, end, False),
                  ("daily", end - timedelta(days=29), end, False)]
        print(f"| report | period | rows | slowest of {args.runs} | CPU | target |")
        print("|---|---|--:|--:|--:|--:|")
        missed = False
        for name, start, stop, counts in cases:
            seconds, cpu, rows = timed(engine, name, start, stop, args.runs)
            days = (stop - start).days + 1
            target = f"≤ {TARGET_SECONDS:.0f} s" if counts else "—"
            missed |= counts and seconds > TARGET_SECONDS
            print(f"| {name} | {days} days to {stop} | {rows:,} | {seconds * 1000:,.0f} ms "
                  f"| {cpu * 1000:,.0f} ms | {target} |")
        engine.dispose()
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
