"""The desk as a receptionist meets it, measured through a real pseudo-terminal.

    python bench/bench_desk.py DB [--rounds 15]

DB is a demo salon: a SQLite file (``bench/make_chain.py`` builds the
100,000-customer one) or a PostgreSQL URL holding one (``salontui demo --db URL``).
Measures, at 80×24:

* launch to first paint, median of N, beside a minimal Textual app (a Header
  and an Input) measured in the same run, the two launched in turn;
* launch to the first search results (the newest customers listed);
* keystroke to updated results, p50/p95 over 100 keystrokes (names and phone
  digits typed one key at a time), and the bytes each keystroke sends;
* opening the customer with the most invoices (≈1,000);
* bytes written for the first paint, and per second while idle;
* peak memory (the child's maximum resident set).

Every figure is the time until the terminal received the last byte of the
update, so it includes the database, the layout and the rendering.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from desk_pty import spawn

MINIMAL_APP = """
from textual.app import App
from textual.widgets import Header, Input


class Minimal(App):
    def compose(self):
        yield Header()
        yield Input(placeholder="Search")


Minimal().run()
"""
TYPED = ["nguyen thi h", "0935", "tran van", "huong", "2888", "le thi mai", "pham", "0987654"]
CLEAR = b"\x15"  # ctrl+u: clear the input


def _env() -> dict[str, str]:
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="80", LINES="24")
    env.pop("NO_COLOR", None)
    return env


def _desk_argv(db: str, staff_id: int) -> list[str]:
    return [sys.executable, "-m", "salontui", "--db", db, "--staff", str(staff_id)]


def first_paint(argv: list[str], marker: bytes) -> tuple[float, int]:
    run = spawn(argv, env=_env())
    at = run.read_until(marker)
    end = run.read_until_quiet(0.05)
    size = len(run.output)
    run.stop()
    return min(at, end) if at else end, size


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db")
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    from sqlalchemy import create_engine, text

    db = args.db if "://" in args.db else str(Path(args.db).resolve())
    engine = create_engine(db if "://" in db else f"sqlite:///{db}")
    with engine.connect() as con:
        def one(sql: str):
            return con.execute(text(sql)).first()

        staff_id = one("SELECT id FROM staff WHERE role = 'owner' LIMIT 1")[0]
        newest = one("SELECT code FROM customer WHERE deleted_at IS NULL "
                     "ORDER BY id DESC LIMIT 1")[0]
        busiest, invoices = one(
            "SELECT c.code, count(*) FROM invoice i JOIN customer c ON c.id = i.customer_id "
            "GROUP BY c.code ORDER BY count(*) DESC LIMIT 1")
        customers = one("SELECT count(*) FROM customer")[0]
    engine.dispose()

    with tempfile.TemporaryDirectory() as tmp:
        minimal = Path(tmp) / "minimal.py"
        minimal.write_text(MINIMAL_APP)
        # Alternate the two, so a change in the machine's load falls on both alike.
        base, ours = [], []
        for _ in range(args.rounds):
            base.append(first_paint([sys.executable, str(minimal)], b"earch"))
            ours.append(first_paint(_desk_argv(db, staff_id), b"earch"))

    # One long session: first results, keystrokes, idle, detail, memory.
    run = spawn(_desk_argv(db, staff_id), env=_env())
    first_results = run.read_until(newest.encode())
    run.read_until_quiet(0.3)
    latencies: list[float] = []
    key_bytes: list[int] = []
    while len(latencies) < 100:
        for query in TYPED:
            for ch in query:
                sent = run.send(ch)
                end = run.read_until_quiet(0.12)
                latencies.append(max(0.0, end - sent))
                key_bytes.append(run.bytes_since(sent))
                if len(latencies) >= 100:
                    break
            run.send(CLEAR)
            run.read_until_quiet(0.15)
            if len(latencies) >= 100:
                break
    idle_from = time.perf_counter() - run.started
    run.read_for(5.0)
    idle_bytes = run.bytes_since(idle_from) / 5.0
    details: list[float] = []
    for _ in range(5):
        run.send(CLEAR + busiest.encode())
        run.read_until_quiet(0.3)
        sent = run.send(b"\r")
        end = run.read_until_quiet(0.3)
        details.append(end - sent)
        run.send(b"\x1b")
        run.read_until_quiet(0.3)
    peak_kb = run.stop()

    base_paint = statistics.median(t for t, _ in base)
    our_paint = statistics.median(t for t, _ in ours)
    print(f"Desk at 80×24, {customers:,} customers; busiest customer {busiest} "
          f"with {invoices:,} invoices\n")
    print("| measure | salontui | target |")
    print("| --- | --- | --- |")
    print(f"| launch to first paint, median of {args.rounds} | {our_paint * 1000:.0f} ms "
          f"(minimal Textual app: {base_paint * 1000:.0f} ms, ratio "
          f"{our_paint / base_paint:.2f}) | ≤ 1.3× the minimal app |")
    print(f"| launch to first search results | {first_results * 1000:.0f} ms | |")
    print(f"| keystroke to updated results, p50 / p95 of {len(latencies)} | "
          f"{pct(latencies, 0.5) * 1000:.1f} / {pct(latencies, 0.95) * 1000:.1f} ms | "
          f"p95 ≤ 50 ms |")
    print(f"| open the customer with {invoices:,} invoices, median of 5 | "
          f"{statistics.median(details) * 1000:.0f} ms | ≤ 150 ms |")
    print(f"| peak memory | {peak_kb / 1024:.0f} MB | ≤ 120 MB |")
    print(f"| bytes for the first paint | {statistics.median(s for _, s in ours):,.0f} "
          f"(minimal app: {statistics.median(s for _, s in base):,.0f}) | |")
    print(f"| bytes per search keystroke, median | {statistics.median(key_bytes):,.0f} | |")
    print(f"| bytes per second while idle | {idle_bytes:.0f} | 0 |")


if __name__ == "__main__":
    main()
