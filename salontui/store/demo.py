"""A realistic demo salon in Đà Nẵng, built in bulk and deterministic per seed.

``build_demo(url, customers=N, seed=S)`` migrates the database, then writes a
salon's whole history: settings, staff, a catalog in VND, customers with
Vietnamese names and mobile numbers, packages in every status, stored-value
cards, points, debt, care notes, promotions, appointments in every status and
about ten invoices per customer (a few regulars have about a thousand).

How it stays fast (100,000 customers and ~950,000 invoices in about 45 s on
this project's small 2-core test machine, where Python runs single-core): the
history is *simulated in time order* in plain Python (every visit of every
customer, sorted by time once; per-customer figures in one typed array, one
cache line per customer), and the rows go to SQLite through ``executemany``
in large batches on one raw connection, one transaction, with constant
columns as SQL literals and NULLs as ``nullif(?, 0)`` (binding Python's None
is slow). Secondary indexes whose inserts would not be appends are dropped
for the load and created again afterwards from the very SQL the migration
stored in ``sqlite_master``; the append-only triggers are only dropped to
empty the tables (``replace=True``) and are put back the same way. The
rollback journal lives in memory (nearly free on a new file, and a failure
still rolls everything back), the garbage collector is paused, and WAL is
restored at the end. Other engines (PostgreSQL) get the same rows through
SQLAlchemy Core bulk inserts, in dependency order (slower).

What makes the data trustworthy: it is written the way the store writes it.
Each simulated visit follows the checkout's rules (``checkout.py``): lines,
payments adding up to the total, a ledger entry per stored-value, points or
on-account payment, per top-up and per debt repayment, points earned by
active members on what they paid with money; package sessions move only by
``package_event`` rows and only while the package is in use; balances never
go below zero because each customer's history is replayed in time order.
``salontui check`` proves all of it on the result.

Deterministic: one ``random.Random(seed)`` drives everything and every time
derives from ``today`` (default: the store clock's today), so the same seed
and day give the same rows. The demo's "now" is 09:00 at the salon that day,
or the clock's time when the demo is built earlier that morning: nothing it
writes happened later than now (only bookings start in the future). Times
are whole minutes, naive UTC, in SQLAlchemy's storage format; the salon's
day is UTC+7.
"""

from __future__ import annotations

import contextlib
import gc
import json
import random
import sqlite3
import time as _time
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import chain, islice
from typing import Any

from salontui.i18n import _
from salontui.store import clock
from salontui.store.errors import RuleViolation, ValidationError
from salontui.store.money import share_of
from salontui.store.text import MAX_NAME_WORDS, fold

MAX_CUSTOMERS = 2_000_000
MAX_BUSIEST = 200_000  # visits of the benchmarks' busiest customer
HISTORY_DAYS = 3 * 365
UTC_OFFSET_MINUTES = 420  # Vietnam
POINTS_PER_AMOUNT = 10_000
POINT_VALUE = 100
BATCH = 50_000
MULTI_ROWS = 32  # rows per INSERT statement in the bulk load
OPEN_LOCAL = 8 * 60 + 30  # 08:30, minutes after local midnight
CLOSE_LOCAL = 20 * 60 + 30  # 20:30
_KEY_BITS = 21  # customer index bits in a sort key (2**21 > MAX_CUSTOMERS)
# Fields of a customer's figures while the history is replayed (8 per customer: one line).
_LAST, _DEBT, _GENERAL, _SUB, _PTS, _SPEND, _ACTIVE, _FLAGS = range(8)
_FIELDS = 8
_TYPE_BITS = 2

Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class DemoStats:
    customers: int
    staff: int
    catalog_items: int
    invoices: int
    invoice_lines: int
    payments: int
    ledger_entries: int
    packages: int
    package_events: int
    value_cards: int
    appointments: int
    care_notes: int
    promotions_given: int
    seconds: float

    def __str__(self) -> str:
        return (f"{self.customers:,} customers, {self.invoices:,} invoices "
                f"({self.invoice_lines:,} lines, {self.payments:,} payments), "
                f"{self.ledger_entries:,} ledger entries, {self.packages:,} packages, "
                f"{self.appointments:,} appointments, {self.care_notes:,} care notes, "
                f"{self.staff} staff, {self.catalog_items} catalog items "
                f"in {self.seconds:.1f} s")


# ------------------------------------------------------------------------------ the salon

SETTINGS = {
    "id": 1, "name": "Salon Hoa Mai",
    "address": "68 Nguyễn Văn Linh, phường Nam Dương, quận Hải Châu, Đà Nẵng",
    "phone": "0236 3 888 168",
    "receipt_footer": "Cảm ơn quý khách! Hẹn gặp lại tại Salon Hoa Mai.",
    "currency": "VND", "currency_exponent": 0, "locale": "vi_VN", "phone_region": "VN",
    "points_per_amount": POINTS_PER_AMOUNT, "point_value": POINT_VALUE,
    "utc_offset_minutes": UTC_OFFSET_MINUTES,
}

# (name, role, active); ids are 1.. in this order.
STAFF = [
    ("Phạm Thị Hoa Mai", "owner", True),
    ("Lê Minh Tuấn", "manager", True),
    ("Nguyễn Thị Thu Trang", "receptionist", True),
    ("Võ Ngọc Hân", "receptionist", True),
    ("Trần Văn Khoa", "technician", True),
    ("Huỳnh Thị Kim Ngân", "technician", True),
    ("Đặng Thị Ly", "technician", True),
    ("Bùi Minh Quân", "technician", True),
    ("Ngô Thị Diễm", "technician", True),
    ("Dương Thanh Tâm", "technician", True),
    ("Hồ Thị Yến", "technician", True),
    ("Lý Văn Phúc", "technician", False),  # left the salon half-way through the history
]
OWNER, MANAGER = 1, 2
CASHIERS = (3, 3, 4, 4, 4, 2)
TECHNICIANS = (5, 6, 7, 8, 9, 10, 11)
FORMER_TECHNICIAN = 12

# (name, price, weight) -- weights say how often a visit picks the service.
SERVICES = [
    ("Gội đầu dưỡng sinh", 120_000, 30),
    ("Gội đầu thảo dược", 150_000, 12),
    ("Cắt tóc nữ", 150_000, 14),
    ("Cắt tóc nam", 80_000, 6),
    ("Uốn tóc", 650_000, 4),
    ("Duỗi tóc", 600_000, 3),
    ("Nhuộm tóc", 550_000, 6),
    ("Phục hồi tóc Keratin", 450_000, 3),
    ("Massage body", 350_000, 10),
    ("Massage chân", 200_000, 8),
    ("Chăm sóc da mặt", 300_000, 10),
    ("Trị mụn chuyên sâu", 450_000, 4),
    ("Tẩy tế bào chết toàn thân", 250_000, 3),
    ("Làm móng tay", 100_000, 6),
    ("Sơn gel", 150_000, 6),
    ("Nối mi", 300_000, 3),
    ("Triệt lông nách", 200_000, 2),
]
PRODUCTS = [
    ("Dầu gội bưởi 250ml", 180_000),
    ("Dầu xả phục hồi 250ml", 220_000),
    ("Serum dưỡng tóc", 350_000),
    ("Sữa rửa mặt dịu nhẹ", 280_000),
    ("Kem chống nắng SPF50", 320_000),
    ("Mặt nạ dưỡng ẩm (hộp 10 miếng)", 250_000),
    ("Tinh dầu massage sả chanh", 190_000),
]
# (name, package_kind, sessions, price, validity_days, base service index, weight)
PLANS = [
    ("Gói 10 lần gội đầu dưỡng sinh", "count", 10, 1_000_000, 180, 0, 30),
    ("Gói 10 buổi massage body", "count", 10, 3_000_000, 365, 8, 12),
    ("Liệu trình chăm sóc da 7 buổi", "count", 7, 1_980_000, 180, 10, 14),
    ("Liệu trình trị mụn 5 buổi", "count", 5, 1_990_000, 120, 11, 6),
    ("Thẻ tháng gội đầu không giới hạn", "time", None, 1_500_000, 30, 0, 10),
    ("Thẻ năm spa", "time", None, 12_000_000, 365, 8, 3),
    ("Tặng 3 buổi gội đầu", "gift", 3, 0, 90, 0, 0),
    ("Quà sinh nhật: 1 buổi massage chân", "gift", 1, 0, 60, 9, 0),
]
GIFT_PLANS = (6, 7)
SUB_CARD = "Thẻ Spa"
TOPUPS = ((1_000_000, 1_050_000), (2_000_000, 2_150_000), (3_000_000, 3_300_000),
          (5_000_000, 5_600_000), (10_000_000, 11_500_000))

# (name, description, start day, end day (None: open), percent, amount); days from history start
PROGRAMS = [
    ("Khai trương chi nhánh mới", "Giảm 20% mọi dịch vụ", 30, 120, 20, 0),
    ("Tri ân khách hàng thân thiết", "Giảm 100.000đ cho hoá đơn dịch vụ", 200, 400, 0, 100_000),
    ("Tết Nguyên Đán", "Giảm 15% dịch vụ tóc dịp Tết", 420, 470, 15, 0),
    ("Mừng sinh nhật", "Giảm 30% trong tháng sinh nhật", 0, None, 30, 0),
    ("Giới thiệu bạn bè", "Giảm 50.000đ cho khách được giới thiệu", 600, None, 0, 50_000),
]

SURNAMES = [("Nguyễn", 380), ("Trần", 110), ("Lê", 95), ("Phạm", 70), ("Hoàng", 30),
            ("Huỳnh", 25), ("Phan", 45), ("Vũ", 20), ("Võ", 20), ("Đặng", 21), ("Bùi", 20),
            ("Đỗ", 14), ("Hồ", 13), ("Ngô", 13), ("Dương", 10), ("Lý", 5), ("Trương", 8),
            ("Đinh", 6), ("Mai", 5), ("Cao", 4), ("Lâm", 4)]
FEMALE_MIDDLE = ["Thị", "Thị", "Thị", "Thị", "Ngọc", "Thanh", "Thu", "Minh", "Kim", "Mỹ",
                 "Bảo", "Hoài", "Phương", "Diễm", "Khánh", "Thuỳ", "Hồng", "Quỳnh"]
MALE_MIDDLE = ["Văn", "Văn", "Minh", "Quốc", "Đức", "Hữu", "Thành", "Công", "Gia", "Hoàng",
               "Anh", "Thanh", "Ngọc", "Tấn"]
FEMALE_GIVEN = ["Hương", "Lan", "Linh", "Trang", "Hà", "Mai", "Ngọc", "Thảo", "Vy", "Nhung",
                "Hạnh", "Hằng", "Yến", "Phương", "Anh", "Thuỷ", "Dung", "Loan", "Oanh",
                "Quỳnh", "Nga", "Hoa", "Hiền", "Huyền", "Trinh", "Nhi", "My", "Châu", "Giang",
                "Uyên", "Thư", "Tâm", "Diệp", "Tuyết", "Xuân", "Như", "Hồng", "Liên", "Đào",
                "Ánh", "Bích", "Cúc", "Duyên", "Hậu", "Khuê", "Lệ", "Ly", "Nguyệt", "Phượng",
                "Sương", "Thoa", "Trâm", "Vân", "Ý"]
MALE_GIVEN = ["Hùng", "Dũng", "Tuấn", "Minh", "Nam", "Long", "Hải", "Sơn", "Phong", "Khoa",
              "Đức", "Quân", "Huy", "Bảo", "Thắng", "Trung", "Tài", "Lâm", "Hiếu", "Phúc",
              "Khánh", "Vinh", "Đạt", "Tùng", "Cường", "Hoàng", "Kiên", "Lộc", "Nhân", "Quang"]
SECOND_GIVEN = ["Anh", "Giang", "Linh", "Vy", "Như", "Trâm", "Châu", "Nhi"]
# Mobile prefixes that phonenumbers accepts for Vietnam (Viettel, Vinaphone, Mobifone, ...).
PHONE_PREFIXES = ["090", "093", "070", "079", "077", "076", "078", "091", "094", "088", "081",
                  "082", "083", "084", "085", "096", "097", "098", "086", "032", "033", "034",
                  "035", "036", "037", "038", "039", "092", "056", "058", "059", "087"]
STREETS = ["Nguyễn Văn Linh", "Lê Duẩn", "Hùng Vương", "Trần Phú", "Bạch Đằng", "Hàm Nghi",
           "Điện Biên Phủ", "Ngũ Hành Sơn", "Võ Nguyên Giáp", "Lê Văn Hiến", "Tôn Đức Thắng",
           "Nguyễn Tri Phương", "Phan Châu Trinh", "Ông Ích Khiêm", "Hoàng Diệu"]
DISTRICTS = ["Hải Châu", "Thanh Khê", "Sơn Trà", "Ngũ Hành Sơn", "Liên Chiểu", "Cẩm Lệ",
             "Hoà Vang"]
CUSTOMER_NOTES = ["Da nhạy cảm, tránh sản phẩm có cồn.", "Thích gội đầu nước ấm.",
                  "Dị ứng thuốc nhuộm có amoniac.", "Khách quen, hay đi cùng con gái.",
                  "Chỉ đặt lịch buổi tối sau 18h.", "Thích kỹ thuật viên Ngân làm."]
CARE_TITLES = {
    "care": ["Hỏi thăm sau liệu trình", "Tặng điểm tri ân khách hàng", "Chúc mừng sinh nhật"],
    "treatment": ["Tư vấn liệu trình trị mụn", "Theo dõi tình trạng da",
                  "Phục hồi tóc hư tổn: buổi kiểm tra"],
    "call": ["Gọi nhắc lịch hẹn", "Gọi chăm sóc sau dịch vụ", "Gọi mời dùng gói mới"],
    "sms": ["SMS nhắc lịch hẹn", "SMS chúc mừng sinh nhật", "SMS thông báo khuyến mãi"],
    "email": ["Email khuyến mãi tháng", "Email cảm ơn khách hàng"],
}
CARE_TYPES = ("care", "treatment", "call", "sms", "email")
CARE_DESCRIPTIONS = ["Khách hài lòng, hẹn quay lại tuần sau.", "Da đã cải thiện rõ.",
                     "Khách bận, gọi lại sau.", "Đã gửi thông tin ưu đãi.", ""]
SERVICE_NOTES = ["Da khô, nên dưỡng ẩm thêm.", "Tóc yếu, tránh uốn trong 2 tháng.",
                 "Vai gáy căng, tăng thời gian massage.", "Móng mỏng, dùng gel nhẹ."]
NEXT_FOCUS = ["Dưỡng ẩm chuyên sâu", "Phục hồi tóc", "Massage vai gáy", "Trị mụn vùng cằm"]
REFUND_REASONS = ["Khách không hài lòng với kiểu tóc", "Nhập nhầm dịch vụ",
                  "Sản phẩm lỗi, khách trả lại"]
TIERS = ((50_000_000, "Diamond"), (20_000_000, "Gold"), (5_000_000, "Silver"), (0, "Member"))


SHOWCASE = 10  # the first customers carry the guaranteed examples (every status, ...)


def _is_regular(k: int, n: int) -> bool:
    """One customer in a thousand is a regular with ~1,000 invoices; regulars are among the
    first tenth of customers, so they have been coming for years."""
    return k < n // 10 and k % 100 == 7


def _weighted_table(weights: list[int], size: int = 4096) -> list[int]:
    """A lookup table: table[int(random() * size)] picks index i with probability ∝ weight."""
    total = sum(weights)
    table: list[int] = []
    for i, w in enumerate(weights):
        table += [i] * round(w * size / total)
    while len(table) < size:
        table.append(max(range(len(weights)), key=weights.__getitem__))
    return table[:size]


# ------------------------------------------------------------------------------ sinks


_NO_SENTINEL = object()  # a column that is never NULL in the demo's rows


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


class _Shape:
    """One INSERT: the columns bound per row, the ones fixed for every row of this shape.

    ``nulls`` are nullable columns given as 0 (integers) or "" (text, dates) for NULL:
    binding Python's None goes through sqlite3's adaptation machinery and costs several
    times an integer, so SQLite gets ``nullif(?, 0)`` and other engines get None.
    """

    def __init__(self, table: str, bound: tuple[str, ...], fixed: dict[str, Any] | None = None,
                 nulls: tuple[str, ...] = ()):
        import sqlalchemy as sa
        from sqlmodel import SQLModel

        import salontui.store.models  # noqa: F401  (registers the tables)
        from salontui.store import chain

        self.table = table
        # Rows of an append-only table are sealed (chain.py) when flushed: the builder
        # appends them without their hash, :meth:`seal_rows` adds it in id order.
        self.sealer = chain.Sealer(table) if table in chain.SEALED_TABLES else None
        self.bound = (*bound, chain.HASH_COLUMN) if self.sealer else bound
        bound = self.bound
        self.fixed = fixed or {}
        columns = SQLModel.metadata.tables[table].columns
        given = set(bound) | set(self.fixed)
        missing = [c.name for c in columns if c.name not in given and c.name != "id"]
        unknown = [c for c in given if c not in columns]
        if missing or unknown or not set(nulls) <= set(bound):
            # the schema changed: say so rather than write wrong rows
            raise RuntimeError(f"demo shape {table}: missing {missing}, unknown {unknown}")
        self.nulls = {name: 0 if isinstance(columns[name].type, sa.Integer) else ""
                      for name in nulls}
        # For SQLAlchemy (other engines): the stored strings of times and dates as objects.
        self.parse = {name: (datetime.fromisoformat if isinstance(columns[name].type,
                                                                   sa.DateTime)
                             else date.fromisoformat)
                      for name in bound
                      if isinstance(columns[name].type, sa.DateTime | sa.Date)}
        self.columns = [*bound, *self.fixed]
        values = [f"nullif(?, {_literal(self.nulls[c])})" if c in self.nulls else "?"
                  for c in bound]
        values += [_literal(v) for v in self.fixed.values()]
        row = f"({', '.join(values)})"
        self.sql = f"INSERT INTO {table} ({', '.join(self.columns)}) VALUES {row}"
        # Many rows per statement: Python's sqlite3 spends more per executed row than
        # SQLite does inserting it (measured: 32 rows per INSERT, 3× faster).
        self.per_statement = max(1, min(MULTI_ROWS, 900 // max(1, len(bound))))
        self.multi_sql = (f"INSERT INTO {table} ({', '.join(self.columns)}) VALUES "
                          + ", ".join([row] * self.per_statement))
        self.rows: list[tuple] = []
        if self.sealer:
            self._sealing = self._sealing_plan(columns)

    def _sealing_plan(self, columns) -> list[tuple[int, Any, Any]]:
        """Per sealed column, in table order: (index in the row or -1, fixed value, NULL
        sentinel); the id, when SQLite numbers the rows, is index -2."""
        plan = []
        for name in self.sealer.names:
            if name in self.bound:
                plan.append((self.bound.index(name), None, self.nulls.get(name, _NO_SENTINEL)))
            elif name in self.fixed:
                plan.append((-1, self.fixed[name], _NO_SENTINEL))
            elif name == "id":
                plan.append((-2, None, _NO_SENTINEL))
            else:
                raise RuntimeError(f"demo shape {self.table}: cannot seal column {name}")
        return plan

    def seal_rows(self) -> None:
        """Append each pending row's hash (rows are in id order: the chain's order)."""
        if not self.sealer:
            return
        sealer, plan, rows = self.sealer, self._sealing, self.rows
        for r, row in enumerate(rows):
            values = []
            for index, fixed, sentinel in plan:
                if index >= 0:
                    value = row[index]
                    values.append(None if value == sentinel else value)
                elif index == -1:
                    values.append(fixed)
                else:
                    values.append(sealer.last_id + 1)
            rows[r] = (*row, sealer.seal(values))

    def as_dict(self, row: tuple) -> dict[str, Any]:
        """A row as a dict of column values for SQLAlchemy (sentinels back to None)."""
        values = dict(zip(self.bound, row, strict=True))
        for name, sentinel in self.nulls.items():
            if values[name] == sentinel:
                values[name] = None
        for name, parse in self.parse.items():
            if isinstance(values[name], str):
                values[name] = parse(values[name])
        return {**values, **self.fixed}


class _SqliteSink:
    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.counts: dict[str, int] = {}

    def flush(self, shape: _Shape) -> None:
        rows = shape.rows
        if not rows:
            return
        shape.seal_rows()
        per = shape.per_statement
        whole = len(rows) - len(rows) % per
        if whole:
            flat = chain.from_iterable(rows)
            self.conn.executemany(shape.multi_sql, (tuple(islice(flat, per * len(shape.bound)))
                                                    for _chunk in range(whole // per)))
        if whole < len(rows):
            self.conn.executemany(shape.sql, rows[whole:])
        self.counts[shape.table] = self.counts.get(shape.table, 0) + len(rows)
        rows.clear()  # in place: the builder holds references to these lists

    def close(self, shapes: list[_Shape]) -> None:
        for shape in shapes:
            self.flush(shape)


class _CoreSink:
    """PostgreSQL (or any engine): rows kept until the end, then written in dependency
    order through SQLAlchemy Core (foreign keys are checked at once there)."""

    def __init__(self, conn):
        self.conn = conn
        self.counts: dict[str, int] = {}

    def flush(self, shape: _Shape) -> None:
        pass

    def close(self, shapes: list[_Shape]) -> None:
        from sqlmodel import SQLModel

        for shape in shapes:
            table = SQLModel.metadata.tables[shape.table]
            shape.seal_rows()
            for start in range(0, len(shape.rows), 5000):
                chunk = shape.rows[start:start + 5000]
                self.conn.execute(table.insert(), [shape.as_dict(row) for row in chunk])
            self.counts[shape.table] = self.counts.get(shape.table, 0) + len(shape.rows)
            shape.rows.clear()  # in place: the builder holds references to these lists


# ------------------------------------------------------------------------------ time


class _Calendar:
    """Minutes since the first day of the history (00:00 UTC) ↔ the strings SQLite stores
    (SQLAlchemy's format, so ORM reads and raw SQL comparisons agree)."""

    def __init__(self, first_day: date, days: int):
        self.first_day = first_day
        self.dates = [(first_day + timedelta(days=i)).isoformat() for i in range(days)]
        self.tod = [f" {m // 60:02d}:{m % 60:02d}:00.000000" for m in range(1440)]
        self.offset = UTC_OFFSET_MINUTES

    def ts(self, t: int) -> str:
        return self.dates[t // 1440] + self.tod[t % 1440]

    def local_day(self, t: int) -> int:
        return (t + self.offset) // 1440

    def date(self, day: int) -> str:
        return self.dates[day]

    def at_local(self, day: int, minutes: int) -> int:
        """The UTC instant ``minutes`` after local midnight of ``day``."""
        return day * 1440 + minutes - self.offset


# ------------------------------------------------------------------------------ the build


class _Package:
    __slots__ = ("created", "customer", "expires", "frozen_from", "frozen_until", "id",
                 "invoice_id", "kind", "name", "plan", "price", "purchased", "total", "used")

    def __init__(self, pid, customer, plan, name, kind, price, purchased, expires, total,
                 invoice_id, created):
        self.id, self.customer, self.plan, self.name, self.kind = pid, customer, plan, name, kind
        self.price, self.purchased, self.expires = price, purchased, expires
        self.total, self.used = total, 0
        self.frozen_from = self.frozen_until = None
        self.invoice_id, self.created = invoice_id, created

    def status(self, day: int) -> str:
        if self.frozen_from is not None and self.frozen_from <= day < self.frozen_until:
            return "reserved"
        if day > self.expires:
            return "expired"
        if self.kind != "time" and self.used >= self.total:
            return "used_up"
        return "in_use"


class _Builder:
    def __init__(self, *, customers: int, seed: int, today: date, sink, progress,
                 now: datetime | None = None, busiest: int = 0):
        self.n = customers
        self.busiest = busiest
        self.seed = seed
        self.rng = random.Random(seed)
        self.today = today
        self.sink = sink
        self.progress = progress or (lambda stage, fraction: None)
        self.first_day = today - timedelta(days=HISTORY_DAYS)
        self.cal = _Calendar(self.first_day, HISTORY_DAYS + 3000)
        self.today_i = HISTORY_DAYS
        # "Now" for the demo: 09:00 at the salon this morning, or earlier if the clock
        # (``now``, naive UTC) says it is earlier this morning: nothing is written later.
        self.now_t = self.cal.at_local(self.today_i, 9 * 60)
        if now is not None:
            elapsed = now - datetime.combine(self.first_day, datetime.min.time())
            now_t = int(elapsed.total_seconds() // 60)
            if self.cal.at_local(self.today_i, 0) <= now_t < self.now_t:
                self.now_t = now_t
        self._shapes()

    # -- shapes (the INSERTs) ---------------------------------------------------------------
    def _shapes(self) -> None:
        S = _Shape
        self.s_settings = S("salon_settings", tuple(SETTINGS))
        self.s_staff = S("staff", ("id", "name", "role", "active", "created_at"))
        self.s_catalog = S("catalog_item", ("id", "code", "name", "name_norm", "kind", "price",
                                            "package_kind", "sessions", "validity_days",
                                            "service_id", "active"))
        self.s_program = S("promotion_program", ("id", "name", "description", "valid_from",
                                                 "valid_until", "discount_percent",
                                                 "discount_amount", "active"))
        self.s_customer = S("customer", ("id", "code", "name", "name_norm", "phone",
                                         "phone_national", "phone_rev", "birthday", "gender",
                                         "email", "address", "note", "tier", "member_state",
                                         "created_at", "updated_at", "deleted_at"),
                            {"merged_into_id": None}, nulls=("birthday", "deleted_at"))
        self.s_name_key = S("customer_name_key", ("customer_id", "key"))
        self.s_card = S("value_card", ("id", "customer_id", "name", "created_at"))
        self.s_invoice = S("invoice", ("id", "code", "customer_id", "created_at", "kind",
                                       "subtotal", "discount", "total", "staff_id",
                                       "refund_of_id", "note", "points_rate"),
                           {"idempotency_key": None, "change_given": 0, "request_hash": None},
                           nulls=("refund_of_id",))
        self.s_package = S("customer_package", ("id", "customer_id", "plan_id", "name", "kind",
                                                "price", "purchased_on", "activated_on",
                                                "expires_on", "total_uses", "used",
                                                "frozen_from", "frozen_until", "invoice_id",
                                                "created_at"),
                           nulls=("plan_id", "frozen_from", "frozen_until", "invoice_id"))
        # One shape per table, so ids (and the indexes kept during the load) only append.
        self.s_line = S("invoice_line", ("id", "invoice_id", "kind", "item_id", "package_id",
                                         "card_id", "description", "quantity", "unit_price",
                                         "discount", "amount", "credit", "staff_id",
                                         "refund_of_line_id"), {"picked_up": True},
                        nulls=("item_id", "package_id", "card_id", "staff_id",
                               "refund_of_line_id"))
        self.s_payment = S("payment", ("invoice_id", "method", "amount", "card_id", "points"),
                           nulls=("card_id",))
        self.s_ledger = S("ledger_entry", ("customer_id", "account", "card_id", "created_at",
                                           "amount", "kind", "reason", "ref_type", "ref_id",
                                           "operator_id"), nulls=("card_id",))
        self.s_event = S("package_event", ("package_id", "created_at", "change", "delta_total",
                                           "delta_used", "value", "old_expiry", "new_expiry",
                                           "note", "operator_id", "service_staff_id",
                                           "invoice_id"),
                         nulls=("old_expiry", "new_expiry", "service_staff_id", "invoice_id"))
        self.s_appointment = S("appointment", ("customer_id", "starts_at", "services",
                                               "staff_id", "status", "invoice_id", "note",
                                               "service_notes", "next_focus",
                                               "next_reminder_at", "next_step", "created_at"),
                               nulls=("staff_id", "invoice_id", "next_reminder_at"))
        self.s_care = S("care_note", ("id", "customer_id", "type", "title", "description",
                                      "staff_id", "created_at", "updated_at", "deleted_at"),
                        nulls=("deleted_at",))
        self.s_promo = S("customer_promotion", ("id", "customer_id", "program_id", "code",
                                                "created_at", "expires_on", "used_on",
                                                "invoice_id", "note"),
                          nulls=("expires_on", "used_on", "invoice_id"))
        self.s_counter = S("counter", ("name", "value"))
        self.s_audit = S("audit_log", ("created_at", "staff_id", "action", "entity",
                                       "entity_id", "before", "after"))
        # Dependency order (what a database checking foreign keys at once needs).
        self.shapes = [
            self.s_settings, self.s_staff, self.s_catalog, self.s_program, self.s_customer,
            self.s_name_key, self.s_card, self.s_invoice, self.s_package, self.s_line,
            self.s_payment, self.s_ledger, self.s_event, self.s_care, self.s_promo,
            self.s_appointment, self.s_counter, self.s_audit,
        ]

    def _flush_full(self) -> None:
        for shape in self.shapes:
            if len(shape.rows) >= BATCH:
                self.sink.flush(shape)

    # -- the fixed part -------------------------------------------------------------------
    def salon(self) -> None:
        self.s_settings.rows.append(tuple(SETTINGS.values()))
        opened = self.cal.ts(self.cal.at_local(0, 8 * 60))
        for i, (name, role, active) in enumerate(STAFF, start=1):
            self.s_staff.rows.append((i, name, role, active, opened))
        code = 0
        self.service_ids, self.product_ids, self.plan_ids = [], [], []
        for name, price, _w in SERVICES:
            code += 1
            self.s_catalog.rows.append((code, f"DV{code:04d}", name, fold(name), "service",
                                        price, None, None, None, None, True))
            self.service_ids.append(code)
        for name, price in PRODUCTS:
            code += 1
            self.s_catalog.rows.append((code, f"DV{code:04d}", name, fold(name), "product",
                                        price, None, None, None, None, True))
            self.product_ids.append(code)
        for name, kind, sessions, price, days, service, _w in PLANS:
            code += 1
            self.s_catalog.rows.append((code, f"DV{code:04d}", name, fold(name), "package",
                                        price, kind, sessions, days,
                                        self.service_ids[service], True))
            self.plan_ids.append(code)
        self.catalog_count = code
        self.service_table = _weighted_table([w for _n, _p, w in SERVICES])
        self.plan_table = _weighted_table([p[6] for p in PLANS])
        self.programs = []
        for pid, (name, description, start, end, percent, amount) in enumerate(PROGRAMS, 1):
            valid_until = None if end is None else end
            active = end is None or end >= self.today_i
            self.s_program.rows.append((pid, name, description, self.cal.date(start),
                                        None if valid_until is None else
                                        self.cal.date(valid_until), percent, amount, active))
            self.programs.append((pid, start, end, percent, amount))

    # -- customers ------------------------------------------------------------------------
    def people(self) -> None:
        rng = self.rng
        n = self.n
        rand = rng.random
        surnames = _weighted_table([w for _s, w in SURNAMES], 1000)
        # Joins spread from opening day to an hour before now (the last one may join at
        # up to an hour past its slot, still before now).
        start_t = self.cal.at_local(0, OPEN_LOCAL)
        span = max(0, self.now_t - 61 - start_t)
        self.join_t = join_t = []
        self.state = []  # member_state per customer
        self.active = bytearray(n)  # 1: an active member (earns and spends points)
        self.deleted: dict[int, int] = {}  # customer index -> when deleted
        self.cust = []  # (name, folded name, gender, birthday, email, address, note, national)
        used_phones: set[int] = set()
        words: dict[str, str] = {}

        def fold_word(word: str) -> str:  # fold() works letter by letter: fold each word once
            found = words.get(word)
            if found is None:
                found = words[word] = fold(word)
            return found

        n_prefix = len(PHONE_PREFIXES)
        for k in range(n):
            female = rand() < 0.78
            surname = SURNAMES[surnames[int(rand() * 1000)]][0]
            if female:
                middle = FEMALE_MIDDLE[int(rand() * len(FEMALE_MIDDLE))]
                given = FEMALE_GIVEN[int(rand() * len(FEMALE_GIVEN))]
                if rand() < 0.08:
                    given += " " + SECOND_GIVEN[int(rand() * len(SECOND_GIVEN))]
            else:
                middle = MALE_MIDDLE[int(rand() * len(MALE_MIDDLE))]
                given = MALE_GIVEN[int(rand() * len(MALE_GIVEN))]
            name = f"{surname} {middle} {given}"
            folded = f"{fold_word(surname)} {fold_word(middle)} {fold_word(given)}"
            while True:
                number = int(rand() * n_prefix) * 10_000_000 + int(rand() * 10_000_000)
                if number not in used_phones:
                    used_phones.add(number)
                    break
            national = PHONE_PREFIXES[number // 10_000_000] + f"{number % 10_000_000:07d}"
            birthday = ""
            if rand() < 0.7:
                birthday = (date(1962, 1, 1) + timedelta(days=int(rand() * 16000))).isoformat()
            email = ""
            if rand() < 0.2:
                email = folded.replace(" ", "") + f"{int(rand() * 100):02d}@gmail.com"
            address = ""
            if rand() < 0.4:
                address = (f"{1 + int(rand() * 300)} {STREETS[int(rand() * len(STREETS))]}, "
                           f"{DISTRICTS[int(rand() * len(DISTRICTS))]}, Đà Nẵng")
            note = CUSTOMER_NOTES[int(rand() * len(CUSTOMER_NOTES))] if rand() < 0.05 else ""
            r = rand()
            self.state.append("active" if r < 0.88 else "not_activated" if r < 0.97
                              else "excluded")
            self.active[k] = r < 0.88
            # Customers arrive through the whole history; the first ones on opening day.
            join_t.append(start_t + int(span * k / n) + int(rand() * 60))
            self.cust.append((name, folded, "female" if female else "male", birthday, email,
                              address, note, national))
        self.progress("customers", 0.05)

    def visits(self) -> array:
        """Every visit and desk event of the history as one sorted list of integer keys:
        time << 23 | type << 21 | customer. Types: 0 visit, 1 care note, 2 promotion."""
        rng = self.rng
        rand = rng.random
        n = self.n
        keys: list[int] = []
        append = keys.append
        end_day = self.today_i  # visits up to yesterday evening
        shift = _KEY_BITS + _TYPE_BITS
        cal = self.cal
        for k in range(n):
            join = self.join_t[k]
            join_day = cal.local_day(join)
            days = end_day - join_day
            if days <= 0:
                continue
            if _is_regular(k, n):
                count = 700 + int(rand() * 600)  # the regulars: ~1,000 invoices each
            else:
                # ~9 visits on average, more for those who have been customers longer.
                mean = 18.0 * days / HISTORY_DAYS
                count = min(300, int(rng.expovariate(1.0 / mean))) if mean > 0 else 0
                if k < SHOWCASE:
                    count = max(count, 3)
            busiest = k == 0 and self.busiest > 0
            if busiest:  # a benchmark's customer: many visits, notes and promotions
                count = self.busiest
            if count:
                append((join << shift) | k)  # the first visit: the day they joined
            for _visit in range(count - 1):
                day = join_day + 1 + int(rand() * days)
                if day >= end_day:
                    day = end_day - 1
                t = cal.at_local(day, OPEN_LOCAL + int(rand() * (CLOSE_LOCAL - OPEN_LOCAL)))
                if t > join:
                    append((t << shift) | k)
            if busiest or rand() < 0.35:  # care notes
                for _line in range(count // 10 if busiest else 1 + int(rand() * 3)):
                    t = join + int(rand() * (self.now_t - join))
                    append((t << shift) | (1 << _KEY_BITS) | k)
            if busiest or rand() < 0.12:  # promotions given
                for _given in range(count // 50 if busiest else 1):
                    t = join + int(rand() * (self.now_t - join))
                    append((t << shift) | (2 << _KEY_BITS) | k)
        keys.sort()
        self.progress("schedule", 0.15)
        return array("q", keys)  # no million int objects scattered in memory to chase

    # -- the history, in time order ----------------------------------------------------------
    def simulate(self, keys: array) -> None:
        """Replay every visit and desk event in time order, writing rows as the store would.

        Written for speed (a million visits): per-customer figures live in typed arrays
        (one cache line each, no object to chase), rows are plain tuples, nullable
        columns use the shapes' 0/"" sentinels, random draws are shared where harmless.
        """
        rng = self.rng
        rand = rng.random
        cal = self.cal
        dates, tod = cal.dates, cal.tod
        offset = cal.offset
        n = self.n
        half_day = HISTORY_DAYS // 2
        # Per customer, one cache line of figures (fields _LAST, _DEBT, ... below): a visit
        # touches one line instead of a list per figure.
        self.st = st = array("q", bytes(8 * _FIELDS * n))
        for k in range(n):
            st[k << 3] = self.join_t[k]
            st[(k << 3) + _ACTIVE] = self.active[k]
        card_bal = [0]  # balance per card id
        self.pkgs: list[list[_Package] | None] = [None] * n
        pkgs = self.pkgs
        self.all_packages: list[_Package] = []
        self.promos: list[list] = []
        promos_of: list[list | None] = [None] * n
        programs = self.programs
        service_ids, product_ids, plan_ids = self.service_ids, self.product_ids, self.plan_ids
        service_table, plan_table = self.service_table, self.plan_table
        line_rows = self.s_line.rows
        invoice_rows = self.s_invoice.rows
        pay_rows = self.s_payment.rows
        ledger_rows = self.s_ledger.rows
        event_rows = self.s_event.rows
        card_rows, care_rows = self.s_card.rows, self.s_care.rows
        appt_rows = self.s_appointment.rows
        all_packages = self.all_packages
        service_lines = [(name, service_ids[i], price) for i, (name, price, _w)
                         in enumerate(SERVICES)]
        n_service = len(service_table)
        n_plan = len(plan_table)
        n_product = len(PRODUCTS)
        mask = (1 << _KEY_BITS) - 1
        shift = _KEY_BITS + _TYPE_BITS
        money_methods = ("cash", "cash", "cash", "cash", "transfer", "transfer", "transfer",
                         "card", "card", "ewallet")
        cashiers = CASHIERS * 3  # 18 entries: picked by 5 random bits below
        inv_id = line_id = card_id = care_id = promo_id = package_id = 0
        now_t = self.now_t
        total_keys = len(keys)
        tick = max(1, total_keys // 20)
        getrandbits = rng.getrandbits
        for index, key in enumerate(keys):
            if not index & 4095:
                self._flush_full()
                if index % tick == 0:
                    self.progress("history", 0.15 + 0.7 * index / total_keys)
            k = key & mask
            b = k << 3
            t = key >> shift
            cid = k + 1
            stamp = dates[t // 1440] + tod[t % 1440]
            day = (t + offset) // 1440
            if t > st[b]:
                st[b] = t
            etype = (key >> _KEY_BITS) & 3
            if etype == 1:  # a care note (sometimes with a points gift)
                care_id += 1
                ctype = CARE_TYPES[int(rand() * 5)]
                titles = CARE_TITLES[ctype]
                title = titles[int(rand() * len(titles))]
                writer = CASHIERS[int(rand() * 6)]
                deleted_at = ""
                if rand() < 0.03 and t + 1440 < now_t:
                    deleted_at = cal.ts(t + 1440)
                if ctype == "care" and st[b + _ACTIVE] and rand() < 0.4:
                    gift = (100, 200, 500)[int(rand() * 3)]
                    title = f"Tặng {gift} điểm tri ân"
                    ledger_rows.append((cid, "points", 0, stamp, gift, "care",
                                        "Tri ân khách hàng", "care", care_id, writer))
                    # the audit row care_points writes (check matches it to the entry)
                    self.s_audit.rows.append((stamp, writer, "care_action", "customer", cid,
                                              f'{{"points": {st[b + _PTS]}}}',
                                              f'{{"amount": {gift}, "care_note_id": {care_id}, '
                                              f'"care_type": "care", "points": '
                                              f'{st[b + _PTS] + gift}}}'))
                    st[b + _PTS] += gift
                care_rows.append((care_id, cid, ctype, title,
                                  CARE_DESCRIPTIONS[int(rand() * 5)], writer, stamp,
                                  deleted_at or stamp, deleted_at))
                continue
            if etype == 2:  # a promotion given
                running = [p for p in programs if p[1] <= day and (p[2] is None or p[2] >= day)]
                if not running:
                    continue
                program = running[int(rand() * len(running))]
                promo_id += 1
                expires = program[2] if program[2] is not None else day + 90
                record = [promo_id, cid, program[0], f"KM{promo_id:06d}", stamp, expires,
                          None, None, ""]
                self.promos.append(record)
                if promos_of[k] is None:
                    promos_of[k] = []
                    st[b + _FLAGS] |= 2
                promos_of[k].append(record)
                continue

            # ---- a visit: one invoice
            inv_id += 1
            code = f"HD{inv_id:06d}"
            bits = getrandbits(32)  # shared draws: cashier, technician, how many services...
            cashier = cashiers[bits & 15]
            tech = TECHNICIANS[(bits >> 4) % 7]
            if day < half_day and (bits >> 7) & 7 == 0:
                tech = FORMER_TECHNICIAN
            sales = subtotal = 0
            simple = True  # only services and products: may be refunded below
            mine: list[tuple] = []  # this invoice's service and product lines
            owed = st[b + _DEBT]
            repay_only = owed > 0 and (bits >> 10) & 3 == 0
            topped = False
            plist = pkgs[k] if st[b + _FLAGS] & 1 else None
            if not repay_only:
                redeemed = None
                if plist:
                    stale = False
                    for p in plist:
                        ps = p.status(day)
                        if ps == "used_up" or (ps == "expired" and day - p.expires > 30):
                            stale = True  # nothing more can happen to it: forget it
                            continue
                        if ps == "reserved" and rand() < 0.5:
                            back = max(0, p.frozen_until - max(day, p.frozen_from))
                            old = p.expires
                            p.expires = old - back
                            p.frozen_from = p.frozen_until = None
                            event_rows.append((p.id, cal.ts(t - 5), "resume", 0, 0, 0,
                                               dates[old], dates[p.expires],
                                               "Khách quay lại sớm", cashier, 0, 0))
                            ps = p.status(day)
                        elif (ps == "expired" and p.kind != "time" and p.used < p.total
                              and rand() < 0.4):
                            old = p.expires
                            p.expires = day + 60
                            event_rows.append((p.id, stamp, "extend", 0, 0, 0, dates[old],
                                               dates[p.expires], "Gia hạn theo yêu cầu khách",
                                               MANAGER, 0, 0))
                            ps = "in_use"
                        if ps != "in_use" or redeemed is not None:
                            continue
                        r = rand()
                        if r < 0.03:
                            days = (14, 30, 60)[int(r * 100)]
                            old = p.expires
                            p.expires = old + days
                            p.frozen_from, p.frozen_until = day, day + days
                            event_rows.append((p.id, stamp, "freeze", 0, 0, 0, dates[old],
                                               dates[p.expires], "Khách đi công tác", cashier,
                                               0, 0))
                        elif r < 0.035 and p.used > 0 and p.kind != "time":
                            p.used -= 1
                            event_rows.append((p.id, stamp, "adjust_used", 0, -1, 0, "", "",
                                               "Ghi nhầm buổi, điều chỉnh lại", MANAGER, 0, 0))
                        elif r < 0.85:
                            redeemed = p
                    if stale:
                        plist[:] = [q for q in plist if not (
                            q.status(day) == "used_up"
                            or (q.status(day) == "expired" and day - q.expires > 30))]
                if redeemed is not None:
                    p = redeemed
                    value = 0 if p.kind == "time" else share_of(p.price, p.total, p.used)
                    p.used += 1
                    line_id += 1
                    line_rows.append((line_id, inv_id, "redeem", 0, p.id, 0, p.name, 1, 0, 0, 0, 0,
                                      tech, 0))
                    event_rows.append((p.id, stamp, "redeem", 0, 1, value, "", "", "",
                                       cashier, tech, inv_id))
                    simple = False
                    services = 1 if (bits >> 12) & 7 == 0 else 0
                else:
                    r = (bits >> 12) & 63
                    services = 1 if r < 55 else 2 if r < 62 else 3
                for _service in range(services):
                    name, item, price = service_lines[service_table[int(rand() * n_service)]]
                    line_id += 1
                    row = (line_id, inv_id, "service", item, 0, 0, name, 1, price, 0, price, 0,
                           tech, 0)
                    line_rows.append(row)
                    mine.append(row)
                    sales += price
                if (bits >> 18) & 15 == 0:  # a product now and then (1 in 16)
                    pi = int(rand() * n_product)
                    name, price = PRODUCTS[pi]
                    qty = 2 if (bits >> 22) & 7 == 0 else 1
                    disc = (price * qty // 10_000) * 1000 if (bits >> 25) & 15 == 0 else 0
                    line_id += 1
                    row = (line_id, inv_id, "product", product_ids[pi], 0, 0, name, qty, price,
                           disc, price * qty - disc, 0, cashier, 0)
                    line_rows.append(row)
                    mine.append(row)
                    sales += price * qty - disc
                r = rand()
                if r < 0.075 or (k == 0 and plist is None):  # a package sold (or a gift)
                    has_one = plist is not None and any(q.status(day) == "in_use" for q in plist)
                    if k == 0 and plist is None:
                        plan = 4  # showcase: a month card bought on opening day, long expired
                    elif r < 0.012:
                        plan = GIFT_PLANS[int(r * 1000) & 1]
                    else:
                        plan = plan_table[int(rand() * n_plan)]
                    if not has_one or plan in GIFT_PLANS:
                        pname, pkind, sessions, price, validity, _s, _w = PLANS[plan]
                        package_id += 1
                        line_id += 1
                        p = _Package(package_id, cid, plan_ids[plan], pname, pkind, price, day,
                                     day + validity, sessions or 0, inv_id, stamp)
                        all_packages.append(p)
                        if plist is None:
                            pkgs[k] = plist = []
                            st[b + _FLAGS] |= 1
                        plist.append(p)
                        line_rows.append((line_id, inv_id, "package", plan_ids[plan], package_id,
                                          0, pname, 1, price, 0, price, 0, tech, 0))
                        event_rows.append((package_id, stamp, "sell", sessions or 0, 0, 0, "",
                                           dates[p.expires], "", cashier, 0, inv_id))
                        sales += price
                        simple = False
                elif r < 0.105:  # a stored-value top-up
                    amount, credit = TOPUPS[int(rand() * rand() * len(TOPUPS))]
                    if r < 0.084:
                        card_name, slot = SUB_CARD, b + _SUB
                    else:
                        card_name, slot = "General", b + _GENERAL
                    if not st[slot]:
                        card_id += 1
                        st[slot] = card_id
                        card_bal.append(0)
                        card_rows.append((card_id, cid, card_name, stamp))
                    card = st[slot]
                    description = f"Nạp thẻ {card_name}"
                    line_id += 1
                    line_rows.append((line_id, inv_id, "topup", 0, 0, card, description, 1, amount,
                                      0, amount, credit, 0, 0))
                    ledger_rows.append((cid, "value", card, stamp, credit, "topup", description,
                                        "invoice", inv_id, cashier))
                    card_bal[card] += credit
                    subtotal += amount
                    topped = True
                    simple = False
            repaid = 0
            if owed > 0 and (repay_only or rand() < 0.5):
                repaid = owed if rand() < 0.7 or owed < 2000 else (owed // 2000) * 1000
                line_id += 1
                line_rows.append((line_id, inv_id, "repay", 0, 0, 0, "Trả nợ", 1, repaid, 0,
                                  repaid, 0, 0, 0))
                ledger_rows.append((cid, "debt", 0, stamp, -repaid, "repay", code, "invoice",
                                    inv_id, cashier))
                st[b + _DEBT] = owed - repaid
                subtotal += repaid
                simple = False
            subtotal += sales
            # discount: a promotion given earlier, or now and then a 10% courtesy
            discount = 0
            promo_used = False
            if sales > 0:
                mine_promos = promos_of[k] if st[b + _FLAGS] & 2 else None
                if mine_promos:
                    for record in mine_promos:
                        if record[6] is None and record[5] >= day and rand() < 0.6:
                            program = programs[record[2] - 1]
                            discount = min(sales, sales * program[3] // 100 + program[4])
                            record[6], record[7] = day, inv_id
                            promo_used = True
                            break
                if not promo_used and (bits >> 28) & 15 == 0:
                    discount = (sales // 10_000) * 1000
            total = subtotal - discount
            due = total
            not_money = 0
            member = st[b + _ACTIVE]
            r = rand()
            if due > 0 and not topped and r < 0.75 and (st[b + _GENERAL] or st[b + _SUB]):
                for card in (st[b + _GENERAL], st[b + _SUB]):
                    if card and card_bal[card] > 0 and due > 0:
                        amount = min(card_bal[card], due)
                        pay_rows.append((inv_id, "value", amount, card, 0))
                        ledger_rows.append((cid, "value", card, stamp, -amount, "pay", code,
                                            "invoice", inv_id, cashier))
                        card_bal[card] -= amount
                        due -= amount
                        simple = False
            if due > 0 and member and r < 0.25 and st[b + _PTS] >= 300:
                spent = min(st[b + _PTS], due // POINT_VALUE)
                if spent > 0:
                    amount = spent * POINT_VALUE
                    pay_rows.append((inv_id, "points", amount, 0, spent))
                    ledger_rows.append((cid, "points", 0, stamp, -spent, "spend", code,
                                        "invoice", inv_id, cashier))
                    st[b + _PTS] -= spent
                    due -= amount
                    not_money += amount
                    simple = False
            if due > 0:
                r = rand()
                if r < 0.025 and not repaid:
                    pay_rows.append((inv_id, "account", due, 0, 0))
                    ledger_rows.append((cid, "debt", 0, stamp, due, "charge", code, "invoice",
                                        inv_id, cashier))
                    st[b + _DEBT] += due
                    simple = False
                elif r < 0.027:
                    pay_rows.append((inv_id, "free", due, 0, 0))
                    not_money += due
                    simple = False
                elif r < 0.1 and due >= 2000:
                    first = (due // 2000) * 1000
                    pay_rows.append((inv_id, "cash", first, 0, 0))
                    pay_rows.append((inv_id, "transfer", due - first, 0, 0))
                else:
                    pay_rows.append((inv_id, money_methods[int(r * 10)], due, 0, 0))
            earned = 0
            if member:
                base = sales - discount - not_money
                if base >= POINTS_PER_AMOUNT:
                    earned = base // POINTS_PER_AMOUNT
                    ledger_rows.append((cid, "points", 0, stamp, earned, "earn", code,
                                        "invoice", inv_id, cashier))
                    st[b + _PTS] += earned
            invoice_rows.append((inv_id, code, cid, stamp, "repayment" if repay_only else "sale",
                                 subtotal, discount, total, cashier, 0, "",
                                 POINTS_PER_AMOUNT if member else 0))
            st[b + _SPEND] += total - repaid
            # the appointment this visit was booked as, or one that never happened
            r = rand()
            if r < 0.075 and not repay_only:
                starts = t - t % 15
                services_text = ", ".join(row[6] for row in mine[:2]) or "Dùng gói dịch vụ"
                notes = focus = step = reminder = ""
                if r < 0.015:
                    notes = SERVICE_NOTES[int(rand() * len(SERVICE_NOTES))]
                    focus = NEXT_FOCUS[int(rand() * len(NEXT_FOCUS))]
                    step = "visit" if rand() < 0.6 else "callback"
                    reminder = cal.ts(starts + 30 * 1440)
                if r < 0.06:
                    booked = min(starts, max(self.join_t[k],
                                             starts - 1440 * (1 + int(rand() * 6))))
                    appt_rows.append((cid, cal.ts(starts), services_text, tech, "paid", inv_id,
                                      "", notes, focus, reminder, step, cal.ts(booked)))
                elif starts - 3 * 1440 > self.join_t[k]:
                    status = "cancelled" if r < 0.07 else "no_show"
                    earlier = starts - 3 * 1440
                    appt_rows.append((cid, cal.ts(earlier), services_text, tech, status, 0,
                                      "Khách báo bận" if status == "cancelled" else "", "", "",
                                      "", "", cal.ts(earlier - 1440)))
            # now and then a sale is refunded the same day
            elif r > 0.996 and simple and not promo_used and mine:
                rt = t + 10 + int(rand() * 50)
                rstamp = cal.ts(rt)
                inv_id += 1
                rcode = f"HD{inv_id:06d}"
                for row in mine:
                    line_id += 1
                    line_rows.append((line_id, inv_id, row[2], row[3], 0, 0, row[6],
                                      -row[7], row[8], -row[9], -row[10], 0, row[12], row[0]))
                for row in pay_rows[-2:]:
                    if row[0] == inv_id - 1:
                        pay_rows.append((inv_id, row[1], -row[2], 0, 0))
                if earned:
                    back = min(earned, st[b + _PTS])
                    if back > 0:
                        ledger_rows.append((cid, "points", 0, rstamp, -back, "unearn",
                                            f"{rcode} refund", "invoice", inv_id, MANAGER))
                        st[b + _PTS] -= back
                invoice_rows.append((inv_id, rcode, cid, rstamp, "refund", -subtotal, -discount,
                                     -total, MANAGER, inv_id - 1,
                                     REFUND_REASONS[int(rand() * len(REFUND_REASONS))], 0))
                st[b + _SPEND] -= total
                if rt > st[b]:
                    st[b] = rt
        self.counters = {"invoice": inv_id, "line": line_id, "card": card_id, "care": care_id,
                         "promotion": promo_id, "package": package_id}
        self.card_bal = card_bal
        self.progress("history", 0.85)

    # -- this morning at the salon, and the rows kept until the end ----------------------------
    def finish(self) -> None:
        rng = self.rng
        rand = rng.random
        cal = self.cal
        n = self.n
        now_t = self.now_t
        today = self.today_i
        for k in range(SHOWCASE, n):
            if not _is_regular(k, n) and rand() < 0.005:
                last = self.st[k << 3]
                self.deleted[k] = max(last + 1, min(now_t - 1, last + 30 * 1440))
        self._showcase_packages()
        appts = self.s_appointment.rows
        for j, k in enumerate((5, 6, 7)):  # checked in this morning, not paid yet: to cashier
            if k < n and k not in self.deleted:
                starts = min(cal.at_local(today, 8 * 60 + 15 * j), now_t - 15 * (3 - j))
                appts.append((k + 1, cal.ts(starts), SERVICES[j * 4][0], TECHNICIANS[j],
                              "checked_in", 0, "", "", "", "", "",
                              cal.ts(max(self.join_t[k], starts - 2 * 1440))))
        for k in range(n):  # booked for today and the coming three weeks
            if k in self.deleted or not (k == 8 or rand() < 0.04):
                continue
            day = today + (1 if k == 8 else int(rand() * 21))
            starts = cal.at_local(day, 10 * 60 + 30 * int(rand() * 19))
            staff = TECHNICIANS[int(rand() * len(TECHNICIANS))] if rand() < 0.7 else 0
            note = "Khách muốn làm với kỹ thuật viên quen" if rand() < 0.1 else ""
            booked = max(self.join_t[k], now_t - int(rand() * 5 * 1440))
            appts.append((k + 1, cal.ts(starts), SERVICES[int(rand() * len(SERVICES))][0], staff,
                          "booked", 0, note, "", "", "", "", cal.ts(booked)))
        self._customers()
        self._packages_and_promotions()
        counters = (("customer", n), ("invoice", self.counters["invoice"]),
                    ("promotion", self.counters["promotion"]), ("catalog", self.catalog_count))
        self.s_counter.rows.extend(counters)
        summary = {"customers": n, "invoices": self.counters["invoice"],
                   "seed": self.seed, "today": self.today.isoformat()}
        self.s_audit.rows.append((cal.ts(now_t), OWNER, "demo_build", "salon", None, None,
                                  json.dumps(summary, sort_keys=True)))
        self.progress("write", 0.9)
        self.sink.close(self.shapes)

    def _showcase_packages(self) -> None:
        """Legacy packages typed in from the paper book this morning: one of each kind and
        status, whatever the random history gave (the worked examples of the issue)."""
        cal = self.cal
        today = self.today_i
        # (customer, name, kind, price, sessions, used, bought days ago, expires in, freeze)
        specs = [
            (0, "Gói 10 buổi chăm sóc da (sổ cũ)", "count", 5_980_000, 10, 2, 150, 20, False),
            (1, "Tặng 8 buổi gội đầu (sổ cũ)", "gift", 0, 8, 4, 30, 60, False),
            (2, "Thẻ năm chăm sóc tóc (sổ cũ)", "time", 1_980_000, 0, 0, 100, 265, False),
            (3, "Liệu trình 7 buổi massage (sổ cũ)", "count", 1_980_000, 7, 7, 200, 30, False),
            (4, "Gói 10 lần gội đầu (sổ cũ)", "count", 1_000_000, 10, 3, 60, 50, True),
        ]
        events = self.s_event.rows
        for i, (k, name, kind, price, total, used, ago, expires_in, freeze) in enumerate(specs):
            if k >= self.n:
                continue
            self.counters["package"] += 1
            pid = self.counters["package"]
            stamp = cal.ts(self.now_t - 30 + i)
            p = _Package(pid, k + 1, None, name, kind, price, today - ago, today + expires_in,
                         total, None, stamp)
            p.used = used
            self.all_packages.append(p)
            note = "Chuyển từ sổ giấy"
            events.append((pid, stamp, "sell", total, 0, 0, "", cal.date(p.expires), note,
                           MANAGER, 0, 0))
            if used:
                events.append((pid, stamp, "backfill", 0, used, 0, "", "", note, MANAGER, 0,
                               0))
            if freeze:
                old = p.expires
                p.expires = old + 30
                p.frozen_from, p.frozen_until = today, today + 30
                events.append((pid, stamp, "freeze", 0, 0, 0, cal.date(old),
                               cal.date(p.expires), "Khách về quê một tháng", MANAGER, 0, 0))

    def _customers(self) -> None:
        cal = self.cal
        rows, key_rows = self.s_customer.rows, self.s_name_key.rows
        keys_of: dict[str, list[str]] = {}
        st = self.st
        for k in range(self.n):
            name, norm, gender, birthday, email, address, note, national = self.cust[k]
            keys = keys_of.get(norm)
            if keys is None:  # text.name_keys from the folded name (check.py verifies it)
                parts = norm.split()[:MAX_NAME_WORDS]
                keys = keys_of[norm] = [" ".join(parts[i:]) for i in range(len(parts))]
            created = cal.ts(self.join_t[k])
            deleted = cal.ts(self.deleted[k]) if k in self.deleted else ""
            tier = next(label for floor, label in TIERS if st[(k << 3) + _SPEND] >= floor)
            cid = k + 1
            rows.append((cid, f"KH{cid:06d}", name, norm, "+84" + national[1:], national,
                         national[::-1], birthday, gender, email, address, note, tier,
                         self.state[k], created, deleted or created, deleted))
            for key in keys:
                key_rows.append((cid, key))
            if len(rows) >= BATCH:
                self.sink.flush(self.s_customer)
                self.sink.flush(self.s_name_key)

    def _packages_and_promotions(self) -> None:
        date_of = self.cal.date
        rows = self.s_package.rows
        for p in self.all_packages:
            rows.append((p.id, p.customer, p.plan or 0, p.name, p.kind, p.price,
                         date_of(p.purchased), date_of(p.purchased), date_of(p.expires), p.total,
                         p.used, "" if p.frozen_from is None else date_of(p.frozen_from),
                         "" if p.frozen_until is None else date_of(p.frozen_until),
                         p.invoice_id or 0, p.created))
        promos = self.s_promo.rows
        for pid, cid, program, code, created, expires, used_on, invoice_id, note in self.promos:
            promos.append((pid, cid, program, code, created,
                           "" if expires is None else date_of(expires),
                           "" if used_on is None else date_of(used_on), invoice_id or 0, note))

    def run(self) -> None:
        self.salon()
        self.people()
        keys = self.visits()
        self.simulate(keys)
        del keys
        self.finish()


# ------------------------------------------------------------------------------ entry point


def _count(conn, table: str) -> int:
    from sqlalchemy import text

    return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def _refuse_if_not_empty(engine, replace: bool) -> None:
    with engine.connect() as conn:
        customers, staff = _count(conn, "customer"), _count(conn, "staff")
        invoices = _count(conn, "invoice")
    if (customers or staff or invoices) and not replace:
        raise RuleViolation(
            _("This database already holds a salon ({customers} customers, {staff} staff, "
              "{invoices} invoices); the demo is not built over it. Use a new file, or "
              "replace it (this deletes everything in it).").format(
                customers=f"{customers:,}", staff=f"{staff:,}", invoices=f"{invoices:,}"),
            field="replace")


def _model_tables() -> list[str]:
    from sqlmodel import SQLModel

    import salontui.store.models  # noqa: F401

    return [table.name for table in SQLModel.metadata.sorted_tables]


# Indexes kept while loading: rows arrive in their order, so each insert is an append.
# Every other secondary index is dropped for the load and created again afterwards from
# the very SQL the migration stored (random inserts into a big index cost more than
# building it once).
KEEP_INDEXES = frozenset({"ix_invoice_line_invoice_id", "ix_payment_invoice_id", "ix_ledger_ref",
                          "ix_customer_name_key_customer_id"})


def _begin_bulk(conn: sqlite3.Connection, tables: list[str]) -> list[str]:
    """Open the one transaction of the load, empty every table of the salon, drop the
    indexes the load would slow down; return the SQL that puts them back.

    The rollback journal is kept in memory: nearly free on a new file, and a failure still
    rolls everything back (if another connection has the file open in WAL, it stays in
    WAL). The append-only triggers are dropped only to empty the tables, and put back at
    once from the SQL the migration stored.
    """
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    with contextlib.suppress(sqlite3.OperationalError):
        conn.execute("PRAGMA journal_mode = MEMORY")
    conn.execute("PRAGMA cache_size = -1000000")
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA threads = 2")
    conn.execute("BEGIN IMMEDIATE")
    triggers = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                            "ORDER BY name").fetchall()
    for name, _sql in triggers:
        conn.execute(f'DROP TRIGGER "{name}"')
    for table in tables:
        conn.execute(f'DELETE FROM "{table}"')
    for _name, sql in triggers:
        conn.execute(sql)
    indexes = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                           "AND sql IS NOT NULL ORDER BY name").fetchall()
    dropped = []
    for name, sql in indexes:
        if name not in KEEP_INDEXES:
            conn.execute(f'DROP INDEX "{name}"')
            dropped.append(sql)
    return dropped


def _end_bulk(conn: sqlite3.Connection, dropped: list[str]) -> None:
    for sql in dropped:
        conn.execute(sql)
    conn.execute("COMMIT")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA optimize")


def _build_sqlite(path: str, make_builder) -> dict[str, int]:
    """The bulk load: one raw connection, one transaction."""
    tables = _model_tables()
    conn = sqlite3.connect(path, isolation_level=None, timeout=30)
    try:
        dropped = _begin_bulk(conn, tables)
        try:
            builder = make_builder(_SqliteSink(conn))
            builder.run()
            builder.progress("indexes", 0.95)
            _end_bulk(conn, dropped)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return builder.sink.counts
    finally:
        conn.close()


def _build_core(engine, make_builder) -> dict[str, int]:
    """Any other engine (PostgreSQL): the same rows through SQLAlchemy Core, in one
    transaction; the id sequences are moved past the ids written."""
    from sqlalchemy import text

    from salontui.store.db import WRITE_OPTION

    tables = _model_tables()
    postgres = engine.dialect.name == "postgresql"
    with engine.execution_options(**{WRITE_OPTION: True}).begin() as conn:
        if postgres:
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables)
                              + " RESTART IDENTITY CASCADE"))
        else:
            for table in reversed(tables):
                conn.execute(text(f'DELETE FROM "{table}"'))
        builder = make_builder(_CoreSink(conn))
        builder.run()
        if postgres:
            for table in tables:
                if table == "counter":
                    continue
                conn.execute(text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"coalesce(max(id), 1), max(id) IS NOT NULL) FROM \"{table}\""))
    return builder.sink.counts


def build_demo(url: str, *, customers: int = 500, seed: int = 1,
               progress: Progress | None = None, replace: bool = False,
               today: date | None = None, busiest: int = 0) -> DemoStats:
    """Build the demo salon into ``url`` (migrated first) and say what was written.

    Refuses (RuleViolation) a database that already has customers, staff or invoices
    unless ``replace=True``, which deletes everything in it first. ``progress(stage,
    fraction)`` is called now and then. ``today`` (default: the store clock's) anchors
    every date, so the same seed and day give the same rows. ``busiest`` (for
    benchmarks) gives the first customer that many visits, a tenth as many care
    notes and a fiftieth as many promotions.
    """
    if isinstance(customers, bool) or not isinstance(customers, int) or not (
            1 <= customers <= MAX_CUSTOMERS):
        raise ValidationError(_("The demo has 1 to {n} customers.").format(
            n=f"{MAX_CUSTOMERS:,}"),
                              field="customers")
    if isinstance(busiest, bool) or not isinstance(busiest, int) or not (
            0 <= busiest <= MAX_BUSIEST):
        raise ValidationError(_("The busiest customer has 0 to {n} visits.").format(
            n=f"{MAX_BUSIEST:,}"), field="busiest")
    started = _time.perf_counter()
    today = today or clock.today()
    if isinstance(today, datetime):
        today = today.date()

    from salontui.store.db import make_engine
    from salontui.store.schema import upgrade

    def make_builder(sink):
        return _Builder(customers=customers, seed=seed, today=today, sink=sink,
                        progress=progress, now=clock.now(), busiest=busiest)

    engine = make_engine(url)
    collecting = gc.isenabled()
    gc.disable()  # millions of young tuples: the collector would walk them again and again
    try:
        upgrade(engine)
        _refuse_if_not_empty(engine, replace)
        if engine.dialect.name == "sqlite":
            path = engine.url.database
            engine.dispose()
            counts = _build_sqlite(path, make_builder)
        else:
            counts = _build_core(engine, make_builder)
    finally:
        engine.dispose()
        if collecting:
            gc.enable()
    if progress:
        progress("done", 1.0)
    return DemoStats(
        customers=counts.get("customer", 0), staff=counts.get("staff", 0),
        catalog_items=counts.get("catalog_item", 0), invoices=counts.get("invoice", 0),
        invoice_lines=counts.get("invoice_line", 0), payments=counts.get("payment", 0),
        ledger_entries=counts.get("ledger_entry", 0),
        packages=counts.get("customer_package", 0),
        package_events=counts.get("package_event", 0),
        value_cards=counts.get("value_card", 0), appointments=counts.get("appointment", 0),
        care_notes=counts.get("care_note", 0),
        promotions_given=counts.get("customer_promotion", 0),
        seconds=round(_time.perf_counter() - started, 2),
    )
