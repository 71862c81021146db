"""The exports on the 100,000-customer demo: every member to .xlsx and to .csv.

    python bench/bench_export.py [--demo bench/chain.db] [--runs 1]

The demo (``bench/make_chain.py``: 100,000 customers, ~1,000,000 invoices) is copied to a
temporary folder and brought to the current schema there (as ``bench_loyalty.py`` does).
Each export runs in a process of its own, so that its peak memory is its own
(``resource.getrusage``: the process's largest resident set, the interpreter and the
store's imports included): ``export_members`` with no filter (every customer: code, name,
phone, state, tier, points, ranking spend, stored value, debt, last visit, created), as
``salontui export members FILE`` runs it, in one read session. Targets: ≤ 15 s and
≤ 300 MB each. For information, the same for the invoices of the demo's last 30 days (one
row per line) and every package.

Prints a Markdown table; exits 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

SECONDS_TARGET = 15.0
MEMORY_TARGET_MB = 300.0


def one(what: str, url: str, path: str) -> dict:
    """One export in this process: its seconds, rows and this process's peak memory."""
    from sqlalchemy import text

    from salontui.store import clock
    from salontui.store.db import make_engine, read_session
    from salontui.store.io.export import export_invoices, export_members, export_packages

    engine = make_engine(url)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    began, cpu = time.perf_counter(), time.process_time()
    with read_session(engine) as session:
        owner = session.execute(text("SELECT min(id) FROM staff WHERE role = 'owner'")
                                ).scalar_one()  # the export permission: the owner has it
        if what == "members":
            result = export_members(session, staff_id=owner, path=path)
        elif what == "invoices":
            last = session.execute(text("SELECT max(created_at) FROM invoice")).scalar_one()
            last = datetime.fromisoformat(last) if isinstance(last, str) else last
            last_day = (last or clock.now()).date()
            result = export_invoices(session, staff_id=owner, path=path,
                                     date_from=last_day - timedelta(days=29), date_to=last_day)
        else:
            result = export_packages(session, staff_id=owner, path=path)
    seconds = time.perf_counter() - began
    return {"rows": result.rows, "seconds": round(seconds, 2),
            "cpu": round(time.process_time() - cpu, 2),
            "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "before_mb": round(before, 1), "bytes": Path(path).stat().st_size}


def measure(url: str, what: str, path: Path) -> dict:
    done = subprocess.run([sys.executable, __file__, "--one", what, url, str(path)],
                          capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{what} → {path.name} failed:\n{done.stderr}")
    path.unlink()
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", type=Path, default=Path(__file__).parent / "chain.db",
                        help="The 100,000-customer demo (bench/make_chain.py).")
    parser.add_argument("--runs", type=int, default=1, help="Runs of each; the slowest counts.")
    parser.add_argument("--one", nargs=3, metavar=("WHAT", "URL", "FILE"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(one(*args.one)))
        return 0
    if not args.demo.exists():
        print(f"No demo at {args.demo}: build it with bench/make_chain.py", file=sys.stderr)
        return 2
    from bench_loyalty import copy_demo

    missed = False
    with tempfile.TemporaryDirectory(prefix="salontui-export-") as folder:
        began = time.perf_counter()
        url = copy_demo(args.demo, Path(folder))
        print(f"(the demo copied and migrated in {time.perf_counter() - began:.1f} s)\n")
        print("| export | rows | file | seconds | CPU s | peak memory | target |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for what, suffix, target in (("members", "xlsx", True), ("members", "csv", True),
                                     ("invoices", "xlsx", False), ("invoices", "csv", False),
                                     ("packages", "xlsx", False)):
            runs = [measure(url, what, Path(folder) / f"{what}.{suffix}")
                    for _ in range(args.runs if target else 1)]
            worst = max(runs, key=lambda r: r["seconds"])
            peak = max(r["peak_mb"] for r in runs)
            if target:
                missed |= worst["seconds"] > SECONDS_TARGET or peak > MEMORY_TARGET_MB
            label = {"members": "every member", "invoices": "invoice lines, last 30 days",
                     "packages": "every package"}[what]
            goal = (f"≤ {SECONDS_TARGET:.0f} s, ≤ {MEMORY_TARGET_MB:.0f} MB" if target
                    else "(information)")
            print(f"| {label} → .{suffix} | {worst['rows']:,} | "
                  f"{worst['bytes'] / 1_000_000:.1f} MB | {worst['seconds']:.1f} | "
                  f"{worst['cpu']:.1f} | {peak:.0f} MB (at start {worst['before_mb']:.0f}) | "
                  f"{goal} |")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
