"""Build the benchmark salon: 100,000 customers and about a million invoices.

    python bench/make_chain.py bench/chain.db

Prints the time it took (the target is under 60 s). The file is replaced if it exists.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="SQLite file to write")
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", type=date.fromisoformat, default=date(2026, 11, 23),
                        help="the day the history ends (YYYY-MM-DD)")
    args = parser.parse_args(argv)

    from salontui.store.demo import build_demo

    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{args.path}{suffix}").unlink(missing_ok=True)
    args.path.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()

    def progress(stage: str, fraction: float) -> None:
        print(f"  {time.perf_counter() - started:6.1f} s  {stage:<10} {fraction:4.0%}",
              flush=True)

    stats = build_demo(f"sqlite:///{args.path.resolve()}", customers=args.customers,
                       seed=args.seed, today=args.today, progress=progress)
    seconds = time.perf_counter() - started
    size = args.path.stat().st_size / 1_000_000
    print(f"built {stats}")
    print(f"file {args.path} ({size:,.0f} MB); wall {seconds:.1f} s, "
          f"CPU {time.process_time():.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
