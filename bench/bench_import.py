"""The customer import: 100,000 customers and what they hold, into a fresh salon.

    python bench/bench_import.py [--customers 100000] [--keep FOLDER] [--engine sqlite]

Generates (once per folder: ``--keep`` reuses it) a workbook like a salon's export: the
sheet of customers with Vietnamese headers (name, phone, birthday for 70 %, gender, an
address for 30 %, points for 60 %, ranking spend for 50 %, debt for 2 %, vouchers for
3 %) and the sheet of holdings (a package for 30 % of the customers, by the plan's code
or with its own name, sessions and some used; products not yet collected for 5 %; a
card top-up for 20 %, half on a named card type). Then, into a fresh database without
the demo (migrated, a staff member, two plans, a product and a card type made by the
store's own functions):

* the **dry run** (every row read and checked, nothing written), and
* the **import** (one transaction: the customers in bulk, every balance and holding
  through the back-fill),

each in a process of its own, timed, with the process's peak memory
(``resource.getrusage``: the largest resident size, the interpreter included). Then
``salontui check`` on the result. Targets: the import ≤ 60 s, memory ≤ 300 MB.

Prints a Markdown table; exits 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

IMPORT_TARGET_S = 60.0
MEMORY_TARGET_MB = 300.0
HEADERS = ["Mã KH", "Họ tên", "Số điện thoại", "Ngày sinh", "Giới tính", "Địa chỉ",
           "Điểm tích lũy", "Tiền tích lũy", "Công nợ", "Phiếu quà tặng"]
HOLDING_HEADERS = ["Số điện thoại", "Loại", "Gói dịch vụ", "Giá mua", "Tổng số buổi",
                   "Đã dùng", "Ngày mua", "Ngày hết hạn", "Loại thẻ", "Số dư", "Sản phẩm",
                   "Số lượng"]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng"]
MIDDLE = ["Thị", "Văn", "Ngọc", "Minh", "Thu", "Hoài", "Thanh", "Bảo"]
GIVEN = ["Hương", "Lan", "Mai", "Hà", "Linh", "Trang", "Nam", "Hùng", "Dũng", "Phương",
         "Thảo", "Vy", "Nhi", "Tâm", "Quân"]


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_file(path: Path, customers: int, seed: int = 1) -> dict[str, int]:
    """The workbook (write-only: streamed); what it holds, by kind."""
    from openpyxl import Workbook

    rng = random.Random(seed)
    rand = rng.random
    today = date.today()
    counts = dict.fromkeys(("package", "product", "topup", "points", "spend"), 0)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Khách hàng")
    sheet.append(HEADERS)
    holdings: list[list[object]] = []
    for k in range(customers):
        phone = f"09{k // 10_000_000 % 10}{k % 10_000_000:07d}"
        name = (f"{SURNAMES[int(rand() * len(SURNAMES))]} {MIDDLE[int(rand() * len(MIDDLE))]}"
                f" {GIVEN[int(rand() * len(GIVEN))]}")
        birthday = (date(1960, 1, 1) + timedelta(days=int(rand() * 16000))) if rand() < 0.7 \
            else None
        points = int(rand() * 5000) + 1 if rand() < 0.6 else None
        spend = (int(rand() * 200) + 1) * 50_000 if rand() < 0.5 else None
        debt = (int(rand() * 20) + 1) * 10_000 if rand() < 0.02 else None
        vouchers = (int(rand() * 10) + 1) * 50_000 if rand() < 0.03 else None
        counts["points"] += points is not None
        counts["spend"] += spend is not None
        sheet.append([None, name, phone, birthday, "Nữ" if rand() < 0.8 else "Nam",
                      f"{int(rand() * 300) + 1} Lê Lợi, Đà Nẵng" if rand() < 0.3 else None,
                      points, spend, debt, vouchers])
        if rand() < 0.30:
            counts["package"] += 1
            purchased = today - timedelta(days=int(rand() * 300))
            if rand() < 0.7:
                holdings.append([phone, "Gói", "GOI10", None, None, int(rand() * 10),
                                 purchased, None, None, None, None, None])
            else:
                holdings.append([phone, "Gói", "Liệu trình da 6 buổi", 2_400_000, 6,
                                 int(rand() * 6), purchased,
                                 today + timedelta(days=30 + int(rand() * 300)), None, None,
                                 None, None])
        if rand() < 0.05:
            counts["product"] += 1
            holdings.append([phone, "Sản phẩm", None, 180_000, None, None, None, None, None,
                             None, "SP-DAU-GOI", 1 + int(rand() * 3)])
        if rand() < 0.20:
            counts["topup"] += 1
            paid = (int(rand() * 10) + 1) * 500_000
            holdings.append([phone, "Nạp thẻ", None, paid, None, None, None, None,
                             "Thẻ Vàng" if rand() < 0.5 else None, paid + paid // 10, None,
                             None])
    held = book.create_sheet("Còn giữ")
    held.append(HOLDING_HEADERS)
    for row in holdings:
        held.append(row)
    book.save(path)
    return counts


def make_salon(url: str) -> int:
    """A fresh salon (no demo): migrated, an owner, the plans, product and card type the
    file names. The owner's id."""
    from salontui.store.admin.card_types import create_card_type
    from salontui.store.catalog import create_item
    from salontui.store.db import make_engine, write_session
    from salontui.store.schema import upgrade
    from salontui.store.staff import create_staff

    engine = make_engine(url)
    upgrade(engine)
    with write_session(engine) as s:
        owner = create_staff(s, name="Chủ tiệm", role="owner").id
        create_item(s, staff_id=owner, name="Gội đầu dưỡng sinh 10 lần", kind="package",
                    price=5_980_000, package_kind="count", sessions=10, validity_days=365,
                    code="GOI10")
        create_item(s, staff_id=owner, name="Dầu gội thảo dược", kind="product",
                    price=180_000, code="SP-DAU-GOI", can_leave=True)
        create_card_type(s, staff_id=owner, name="Thẻ Vàng")
    engine.dispose()
    return owner


def measure(what: str, url: str, path: Path, owner: int) -> dict[str, object]:
    """One run in this process: the dry run or the import; its time and the process's peak
    memory (what a run in a process of its own holds, the interpreter included)."""
    from salontui.store.db import make_engine, read_session, write_session
    from salontui.store.io.customers_import import dry_run_customers, import_customers

    engine = make_engine(url)
    try:
        began = time.perf_counter()
        if what == "dry":
            with read_session(engine) as s:
                report = dry_run_customers(s, path=str(path))
        else:
            with write_session(engine) as s:
                report = import_customers(s, staff_id=owner, path=str(path))
        seconds = time.perf_counter() - began
    finally:
        engine.dispose()
    return {"seconds": seconds, "peak_mb": peak_mb(), "errors": report.error_count,
            "written": report.written, "changes": report.changes,
            "created": report.customers_created}


def in_process(what: str, url: str, path: Path, owner: int) -> dict[str, object]:
    """:func:`measure` in a process of its own (so each peak is its own)."""
    import json
    import subprocess

    out = subprocess.run([sys.executable, __file__, "--only", what, "--url", url,
                          "--file", str(path), "--owner", str(owner)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, default=None,
                        help="a folder to keep (and reuse) the generated file in")
    parser.add_argument("--url", default=None,
                        help="a database URL to import into (default: a new SQLite file)")
    parser.add_argument("--only", choices=("dry", "import"), help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--owner", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.only:
        import json

        print(json.dumps(measure(args.only, args.url, args.file, args.owner)))
        return 0
    with tempfile.TemporaryDirectory(prefix="salontui-import-") as scratch:
        folder = args.keep or Path(scratch)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"customers-{args.customers}.xlsx"
        if not path.exists():
            began = time.perf_counter()
            counts = make_file(path, args.customers)
            print(f"(the file generated in {time.perf_counter() - began:.1f} s: "
                  f"{path.stat().st_size / 1e6:.1f} MB; {counts})\n")
        url = args.url or f"sqlite:///{Path(scratch) / 'salon.db'}"
        owner = make_salon(url)
        dry = in_process("dry", url, path, owner)
        done = in_process("import", url, path, owner)
        from salontui.store.check import run_checks
        from salontui.store.db import make_engine

        engine = make_engine(url)
        began = time.perf_counter()
        problems = run_checks(engine)
        check_s = time.perf_counter() - began
        engine.dispose()
    slow = float(done["seconds"]) > IMPORT_TARGET_S  # type: ignore[arg-type]
    heavy = max(float(dry["peak_mb"]), float(done["peak_mb"])) > MEMORY_TARGET_MB  # type: ignore[arg-type]
    failed = slow or heavy or bool(problems) or not done["written"] or bool(dry["errors"])
    print("| measure | customers | time | peak memory | target |")
    print("|---|---:|---:|---:|---:|")
    print(f"| dry run: every row read and checked, nothing written | {args.customers:,} | "
          f"{dry['seconds']:.1f} s | {dry['peak_mb']:.0f} MB | ≤ {MEMORY_TARGET_MB:.0f} MB |")
    print(f"| import: the same checks, then the customers in bulk and their balances and "
          f"holdings as back-fills, one transaction | {args.customers:,} | "
          f"{done['seconds']:.1f} s | {done['peak_mb']:.0f} MB | "
          f"≤ {IMPORT_TARGET_S:.0f} s, ≤ {MEMORY_TARGET_MB:.0f} MB |")
    print(f"\n(written: {done['changes']}; customers created: {done['created']}; "
          f"rows in error: {dry['errors']}; salontui check: "
          f"{problems or 'consistent'} in {check_s:.1f} s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
