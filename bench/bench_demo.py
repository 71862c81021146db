"""Build the demo salon on SQLite or PostgreSQL and say what it cost.

    python bench/bench_demo.py --engine sqlite
    python bench/bench_demo.py --engine postgresql
    python bench/bench_demo.py --engine postgresql --url postgresql+psycopg://…/salon --replace
    python bench/bench_demo.py --engine sqlite --branches 5

Builds 100,000 customers (about 950,000 invoices) with ``build_demo`` (``--branches N``:
a chain of N branches, same targets), then runs
``salontui check`` on the result (``--no-check`` skips it). SQLite builds into a
file in a temporary folder (``--db`` keeps it where you say). PostgreSQL starts
its own server (PyPI's ``pgserver``, with its default settings) in a temporary
folder and removes it afterwards; ``--url`` builds on a server of yours instead,
into a database that must hold no salon unless ``--replace`` is given (which
drops the salon in it).

Prints a Markdown table: the build's wall time, this process's CPU time and peak
resident memory (``getrusage``), the server's CPU time (PostgreSQL, own server
only: the postmaster and its backends), and the check's wall time. Exits 1 if a
target is missed: the build in ≤ 60 s on SQLite, ≤ 120 s on PostgreSQL, and a
check that finds nothing.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from datetime import date
from pathlib import Path

TARGET_SECONDS = {"sqlite": 60.0, "postgresql": 120.0}


@contextmanager
def own_postgres():
    """A PostgreSQL server of our own in a temporary folder; yields (url, cpu seconds
    function) and stops the server afterwards."""
    import pgserver
    import psutil
    from sqlalchemy import create_engine, make_url, text

    folder = Path(tempfile.mkdtemp(prefix="salontui-bench-pg-"))
    server = pgserver.get_server(folder, cleanup_mode="stop")
    try:
        base = make_url(server.get_uri()).set(drivername="postgresql+psycopg")
        admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("CREATE DATABASE demo"))
        admin.dispose()
        postmaster = psutil.Process(int((folder / "postmaster.pid").read_text().split()[0]))

        def cpu_seconds() -> float:
            """The server's CPU time so far: the postmaster, its children that ended and
            those still running (the load's backend has ended once the build returns)."""
            times = postmaster.cpu_times()
            total = times.user + times.system + times.children_user + times.children_system
            for child in postmaster.children(recursive=True):
                try:
                    child_times = child.cpu_times()
                except psutil.NoSuchProcess:
                    continue
                total += child_times.user + child_times.system
            return total

        yield base.set(database="demo").render_as_string(hide_password=False), cpu_seconds
    finally:
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


def measure(url: str, args, server_cpu) -> dict[str, float | str]:
    from salontui.store.check import run_checks
    from salontui.store.db import make_engine
    from salontui.store.demo import build_demo

    started = time.perf_counter()

    def progress(stage: str, fraction: float) -> None:
        print(f"  {time.perf_counter() - started:6.1f} s  {stage:<10} {fraction:4.0%}",
              flush=True)

    cpu_before = time.process_time()
    server_before = server_cpu() if server_cpu else 0.0
    started = time.perf_counter()
    stats = build_demo(url, customers=args.customers, seed=args.seed, today=args.today,
                       progress=progress, replace=args.replace, branches=args.branches)
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_before
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    time.sleep(0.2)  # the load's backend has gone: let the postmaster count its time
    result: dict[str, float | str] = {
        "built": str(stats), "build wall (s)": wall, "build CPU, this process (s)": cpu,
        "peak RSS, this process (MB)": peak_mb}
    if server_cpu:
        result["build CPU, the server (s)"] = server_cpu() - server_before
    if args.check:
        engine = make_engine(url)
        started = time.perf_counter()
        problems = run_checks(engine)
        result["check wall (s)"] = time.perf_counter() - started
        result["check problems"] = len(problems)
        for problem in problems:
            print(f"  - {problem}")
        engine.dispose()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--branches", type=int, default=1, help="a chain of N branches")
    parser.add_argument("--today", type=date.fromisoformat, default=date(2026, 11, 23),
                        help="the day the history ends (YYYY-MM-DD)")
    parser.add_argument("--db", type=Path, help="SQLite: the file to build (replaced), kept")
    parser.add_argument("--url", help="PostgreSQL: a database on a server of yours")
    parser.add_argument("--replace", action="store_true",
                        help="--url: replace the salon in that database")
    parser.add_argument("--no-check", dest="check", action="store_false",
                        help="do not run salontui check on the result")
    args = parser.parse_args(argv)

    if args.engine == "sqlite":
        folder = None
        if args.db is None:
            folder = Path(tempfile.mkdtemp(prefix="salontui-bench-demo-"))
            path = folder / "demo.db"
        else:
            path = args.db
            path.parent.mkdir(parents=True, exist_ok=True)
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        try:
            result = measure(f"sqlite:///{path.resolve()}", args, None)
            result["file (MB)"] = path.stat().st_size / 1_000_000
        finally:
            if folder is not None:
                shutil.rmtree(folder, ignore_errors=True)
    elif args.url:
        result = measure(args.url, args, None)
    else:
        with own_postgres() as (url, server_cpu):
            result = measure(url, args, server_cpu)

    print(f"\n{result.pop('built')}\n")
    chain = f", {args.branches} branches" if args.branches > 1 else ""
    print(f"| {args.engine}, {args.customers:,} customers{chain} | |")
    print("|---|---:|")
    for name, value in result.items():
        print(f"| {name} | {value:,.1f} |" if isinstance(value, float) else
              f"| {name} | {value} |")
    target = TARGET_SECONDS[args.engine]
    missed = []
    if args.customers <= 100_000 and result["build wall (s)"] > target:
        missed.append(f"the build took more than {target:.0f} s")
    if result.get("check problems"):
        missed.append("check found problems")
    for what in missed:
        print(f"MISSED: {what}")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
