"""The demo's builder and its bulk load: what runs the steps, and what writes them.

:class:`_Builder` holds the build's state (random stream, calendar, shapes) and
runs the steps in order: the salon and its customers (``people.py``), today's
book planned (``day.py``), the history with today's visits paid so far, vouchers and
products left at the salon (``history.py``, ``books.py``), then today at the salon: the
paper book's back-fills (``books.py``), the book and the bookings ahead (``day.py``),
the tiers (``loyalty.py``) and the rows kept until the end (here). :func:`build_demo`
migrates the database and loads the rows: on SQLite in one transaction on one raw
connection, with the indexes that would slow the load dropped and built again
afterwards (:func:`_build_sqlite`);
on PostgreSQL by COPY, table by table, in one transaction (``postgres.py``); on
any other engine through SQLAlchemy Core (:func:`_build_core`).
"""

from __future__ import annotations

import contextlib
import gc
import json
import random
import sqlite3
import time as _time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from salontui.i18n import _
from salontui.store import clock
from salontui.store.demo.books import _Books
from salontui.store.demo.calendar import _Calendar
from salontui.store.demo.catalog_data import (
    BRANCHES_OPEN_BY,
    HISTORY_DAYS,
    MAX_BRANCHES,
    NOW_LOCAL,
    OWNER,
    SETTINGS,
    SHOWCASE,
    _is_regular,
)
from salontui.store.demo.day import _Day
from salontui.store.demo.history import _History
from salontui.store.demo.loyalty import _Loyalty
from salontui.store.demo.office import TABLES as OFFICE_TABLES
from salontui.store.demo.office import columns_of
from salontui.store.demo.people import _People
from salontui.store.demo.postgres import _build_postgres, move_sequences
from salontui.store.demo.sinks import BATCH, _CoreSink, _Shape, _SqliteSink
from salontui.store.errors import RuleViolation, ValidationError

MAX_CUSTOMERS = 2_000_000
MAX_BUSIEST = 200_000  # visits of the benchmarks' busiest customer

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
    branches: int = 1
    appointments_today: int = 0  # today's book (every branch), walk-ins not counted

    def __str__(self) -> str:
        chain = f"{self.branches} branches, " if self.branches > 1 else ""
        return (f"{chain}{self.customers:,} customers, {self.invoices:,} invoices "
                f"({self.invoice_lines:,} lines, {self.payments:,} payments), "
                f"{self.ledger_entries:,} ledger entries, {self.packages:,} packages, "
                f"{self.appointments:,} appointments ({self.appointments_today:,} today), "
                f"{self.care_notes:,} care notes, {self.staff} staff, "
                f"{self.catalog_items} catalog items in {self.seconds:.1f} s")


class _Builder(_People, _History, _Day, _Loyalty, _Books):
    """One build: its random stream, calendar and shapes, and the steps in order
    (:meth:`run`); the steps themselves are in ``people.py``, ``history.py``, ``day.py``,
    ``loyalty.py`` and ``books.py``."""

    def __init__(self, *, customers: int, seed: int, today: date, sink, progress,
                 now: datetime | None = None, busiest: int = 0, branches: int = 1):
        self.n = customers
        self.busiest = busiest
        self.seed = seed
        self.rng = random.Random(seed)
        self.today = today
        self.sink = sink
        self.progress = progress or (lambda stage, fraction: None)
        self.first_day = today - timedelta(days=HISTORY_DAYS)
        self.cal = _Calendar(self.first_day, HISTORY_DAYS + 3000)
        # A chain (branches > 1) draws where each visit happens from a stream of its own,
        # so the main stream, and with it the salon's history, is the single salon's.
        self.branches = branches
        self.branch_rng = random.Random(f"branches:{seed}")
        # What the back office adds to the history (a sub-card's type, a customer's group)
        # is drawn from a stream of its own too, so that adding to it moves no other draw.
        self.office_rng = random.Random(f"office:{seed}")
        # So are the books of vouchers and products left at the salon (books.py).
        self.books_rng = random.Random(f"books:{seed}")
        # The stored branch_id of the first branch's rows: NULL (0) in a single salon, as
        # a salon upgraded to branches has them; 1 in a chain. Branch values index the
        # per-branch lists below (0 only for a single salon, 1..branches for a chain).
        self.first_branch = 0 if branches == 1 else 1
        # When each branch opened (08:00 at the salon): the first on the history's first
        # day, the later ones one after another.
        self.branch_opened = [self.cal.at_local(0, 8 * 60)] * (branches + 1)
        for j in range(2, branches + 1):
            day = int(HISTORY_DAYS * BRANCHES_OPEN_BY * (j - 1) / (branches - 1))
            self.branch_opened[j] = self.cal.at_local(day, 8 * 60)
        self.today_i = HISTORY_DAYS
        # "Now" for the demo: 15:00 at the salon today, or earlier if the clock (``now``,
        # naive UTC) says it is earlier today: nothing is written later.
        self.now_t = self.cal.at_local(self.today_i, NOW_LOCAL)
        if now is not None:
            elapsed = now - datetime.combine(self.first_day, datetime.min.time())
            now_t = int(elapsed.total_seconds() // 60)
            if self.cal.at_local(self.today_i, 0) <= now_t < self.now_t:
                self.now_t = now_t
        self.rank_window()  # when the customers are ranked in the tiers (loyalty.py)
        self._shapes()

    # -- shapes (the INSERTs) ---------------------------------------------------------------
    def _shapes(self) -> None:
        S = _Shape
        # A single demo salon is a chain's first branch: its staff, invoices and
        # appointments say so by NULL (0 here), as a salon upgraded to branches does. In a
        # chain every row names its branch (a staff member's NULL: every branch, the owner).
        self.s_settings = S("salon_settings", tuple(SETTINGS))
        self.s_branch = S("branch", ("id", "code", "name", "address", "phone",
                                     "receipt_header", "invoice_prefix", "active",
                                     "created_at"))
        # No PIN yet: the owner sets them (a demo signs in by name).
        self.s_staff = S("staff", ("id", "name", "role", "active", "created_at", "branch_id",
                                   "work_days"), fixed={"pin_hash": None, "pin_set_at": None},
                         nulls=("branch_id",))
        self.s_staff_day = S("staff_day", ("staff_id", "day", "working", "note", "created_at",
                                           "created_by"))
        # What each role may do: the defaults the migration writes (the load empties it).
        from salontui.store.admin.permissions import DEFAULT_GRANTS, TABLE_ROLES
        from salontui.store.kinds import Permission

        self.s_role_permission = S("role_permission", ("role", "permission", "allowed"))
        self.s_role_permission.rows.extend(
            (role.value, p.value, p in DEFAULT_GRANTS[role]) for role in TABLE_ROLES
            for p in Permission)
        # The back office: every column as the store's functions wrote it (office.py).
        self.office_shapes = {table: S(table, columns_of(table)) for table in OFFICE_TABLES}
        self.s_customer = S("customer", ("id", "code", "name", "name_norm", "phone",
                                         "phone_national", "phone_rev", "birthday", "gender",
                                         "email", "address", "note", "tier", "member_state",
                                         "created_at", "updated_at", "deleted_at", "group_id",
                                         "tier_id", "tier_hold", "member_reason"),
                            {"merged_into_id": None, "tier_before_id": None},
                            nulls=("birthday", "deleted_at", "group_id"))
        # Loyalty (loyalty.py): the tier history, old phone numbers.
        self.s_tier_event = S("tier_event", ("id", "customer_id", "from_tier_id",
                                             "to_tier_id", "reason", "ticket_id", "created_at",
                                             "staff_id"), nulls=("ticket_id",))
        self.s_customer_phone = S("customer_phone", ("customer_id", "phone", "phone_national",
                                                     "phone_rev", "replaced_at", "staff_id",
                                                     "approved_by"))
        self.s_ticket = S("adjustment_ticket", ("id", "code", "note", "tags", "status",
                                                "created_at", "created_by", "applied_at",
                                                "applied_by", "cancelled_at", "cancelled_by"),
                          nulls=("applied_at", "applied_by", "cancelled_at", "cancelled_by"))
        self.s_ticket_line = S("adjustment_line", ("ticket_id", "customer_id", "points",
                                                   "tier_id", "note"), nulls=("tier_id",))
        self.s_name_key = S("customer_name_key", ("customer_id", "key"))
        self.s_card = S("value_card", ("id", "customer_id", "name", "created_at",
                                       "card_type_id"), nulls=("card_type_id",))
        self.s_invoice = S("invoice", ("id", "code", "customer_id", "created_at", "kind",
                                       "subtotal", "discount", "total", "staff_id",
                                       "refund_of_id", "note", "points_rate", "branch_id"),
                           {"idempotency_key": None, "change_given": 0, "request_hash": None,
                            "points_rule": None},
                           nulls=("refund_of_id", "branch_id"))
        self.s_package = S("customer_package", ("id", "customer_id", "plan_id", "name", "kind",
                                                "price", "purchased_on", "activated_on",
                                                "expires_on", "total_uses", "used",
                                                "frozen_from", "frozen_until", "invoice_id",
                                                "created_at"),
                           {"closed_on": None},
                           nulls=("plan_id", "frozen_from", "frozen_until", "invoice_id"))
        # One shape per table, so ids (and the indexes kept during the load) only append.
        self.s_line = S("invoice_line", ("id", "invoice_id", "kind", "item_id", "package_id",
                                         "card_id", "description", "quantity", "unit_price",
                                         "discount", "amount", "credit", "staff_id",
                                         "refund_of_line_id", "picked_up", "unit_cost"),
                        nulls=("item_id", "package_id", "card_id", "staff_id",
                               "refund_of_line_id", "unit_cost"))
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
        # Issue 15's books (books.py): back-fills, products held for their customers.
        self.s_backfill = S("backfill", ("customer_id", "kind", "source", "created_at",
                                         "operator_id", "card_id", "package_id", "item_id",
                                         "quantity", "paid", "amount", "sessions_total",
                                         "sessions_used", "purchased_on", "expires_on",
                                         "reverses_id", "note"),
                            nulls=("operator_id", "card_id", "package_id", "item_id",
                                   "purchased_on", "expires_on", "reverses_id"))
        self.s_held = S("held_product_entry", ("customer_id", "item_id", "description",
                                               "quantity", "amount", "kind", "invoice_line_id",
                                               "backfill_id", "created_at", "staff_id", "note"),
                        nulls=("invoice_line_id", "backfill_id", "staff_id"))
        # The book (day.py): appointments by id, their lines and their history.
        self.s_appointment = S("appointment", ("id", "customer_id", "starts_at", "status",
                                               "invoice_id", "note", "reason", "checked_in_at",
                                               "service_notes", "next_focus",
                                               "next_reminder_at", "next_step",
                                               "followed_up_at", "followed_up_by",
                                               "created_at", "branch_id"),
                               nulls=("invoice_id", "checked_in_at", "next_reminder_at",
                                      "followed_up_at", "followed_up_by", "branch_id"))
        self.s_appt_line = S("appointment_line", ("appointment_id", "position", "kind",
                                                  "item_id", "package_id", "label", "staff_id",
                                                  "starts_at", "minutes", "quantity",
                                                  "recorded_by", "recorded_at"),
                             nulls=("item_id", "package_id", "staff_id", "starts_at",
                                    "recorded_by"))
        self.s_appt_event = S("appointment_event", ("appointment_id", "created_at", "staff_id",
                                                    "change", "note"), nulls=("staff_id",))
        self.s_reminder_done = S("reminder_done", ("kind", "subject", "customer_id",
                                                   "care_note_id", "staff_id", "done_at"))
        self.s_care = S("care_note", ("id", "customer_id", "type", "title", "description",
                                      "staff_id", "created_at", "updated_at", "deleted_at"),
                        nulls=("deleted_at",))
        self.s_promo = S("customer_promotion", ("id", "customer_id", "program_id", "code",
                                                "created_at", "expires_on", "used_on",
                                                "invoice_id", "note"),
                          nulls=("expires_on", "used_on", "invoice_id"))
        self.s_counter = S("counter", ("name", "value"))
        self.s_audit = S("audit_log", ("created_at", "staff_id", "action", "entity",
                                       "entity_id", "before", "after"),
                         fixed={"approved_by": None})  # nothing in the history needed one
        # Dependency order (what a database checking foreign keys at once needs).
        self.shapes = [
            self.s_settings, self.s_branch, self.s_staff, self.s_staff_day,
            self.s_role_permission,
            *self.office_shapes.values(), self.s_customer, self.s_name_key,
            self.s_ticket, self.s_ticket_line, self.s_tier_event, self.s_customer_phone,
            self.s_card,
            self.s_invoice, self.s_package, self.s_line, self.s_payment, self.s_ledger,
            self.s_event, self.s_backfill, self.s_held, self.s_care, self.s_promo,
            self.s_appointment, self.s_appt_line, self.s_appt_event, self.s_reminder_done,
            self.s_counter, self.s_audit,
        ]

    def _flush_full(self) -> None:
        for shape in self.shapes:
            if len(shape.rows) >= BATCH:
                self.sink.flush(shape)

    # -- today at the salon, and the rows kept until the end ---------------------------------
    def finish(self) -> None:
        rng = self.rng
        rand = rng.random
        cal = self.cal
        n = self.n
        now_t = self.now_t
        today_customers = self.today_customers  # (they came today: not deleted since)
        for k in range(SHOWCASE, n):
            if not _is_regular(k, n) and rand() < 0.005 and k not in today_customers:
                last = self.st[k << 3]
                self.deleted[k] = max(last + 1, min(now_t - 1, last + 30 * 1440))
        self.bring_in()  # the paper book typed in this afternoon (books.py)
        self.write_day()  # today's book and the bookings ahead (day.py)
        self.loyalty()  # the tiers, the showcase of the loyalty rules (loyalty.py)
        self._customers()
        self._packages_and_promotions()
        # The chain's invoice counter is the first branch's (it has no prefix); every later
        # branch numbers its own (branches.invoice_sequence), even before its first invoice.
        seq = self.invoice_seq
        counters = {"customer": n, "invoice": seq[self.first_branch],
                    "promotion": self.counters["promotion"]}
        if self.counters.get("ticket"):  # the adjustment tickets' DC codes (loyalty.py)
            counters["adjustment_ticket"] = self.counters["ticket"]
        counters |= {f"invoice:{j}": seq[j] for j in range(2, self.branches + 1)}
        # the back office's own (the catalogue's DV numbers), as its functions left them
        counters |= {name: value for name, value in sorted(self.office.counters.items())
                     if name not in counters}
        self.s_counter.rows.extend(counters.items())
        summary = {"customers": n, "invoices": self.counters["invoice"],
                   "appointments_today": self.appointments_today,
                   "seed": self.seed, "today": self.today.isoformat()}
        if self.branches > 1:
            summary["branches"] = self.branches
        self.s_audit.rows.append((cal.ts(now_t), OWNER, "demo_build", "salon", None, None,
                                  json.dumps(summary, sort_keys=True)))
        self.progress("write", 0.9)
        self.sink.close(self.shapes)
        self.sink.counts["appointments today"] = self.appointments_today

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
        self.plan_day()
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
    """Any engine without a bulk load of its own: the same rows through SQLAlchemy Core,
    in one transaction, into an empty salon (its tables emptied first; on PostgreSQL the
    sealed ones must be empty already, and the id sequences are moved past the ids
    written)."""
    from sqlalchemy import text

    from salontui.store.db import WRITE_OPTION

    tables = _model_tables()
    with engine.execution_options(**{WRITE_OPTION: True}).begin() as conn:
        for table in reversed(tables):
            conn.execute(text(f'DELETE FROM "{table}"'))
        builder = make_builder(_CoreSink(conn))
        builder.run()
        if engine.dialect.name == "postgresql":
            move_sequences(conn, tables)
    return builder.sink.counts


def build_demo(url: str, *, customers: int = 500, seed: int = 1,
               progress: Progress | None = None, replace: bool = False,
               today: date | None = None, busiest: int = 0, branches: int = 1) -> DemoStats:
    """Build the demo salon into ``url`` (migrated first) and say what was written.

    Refuses (RuleViolation) a database that already has customers, staff or invoices
    unless ``replace=True``, which deletes everything in it first: on SQLite the rows of
    every table, on PostgreSQL (whose guards refuse to empty the sealed tables) the
    salon's tables themselves, then migrates again; either way in the transaction of
    the build, so a build that fails leaves the old salon as it was. ``progress(stage,
    fraction)`` is called now and then. ``today`` (default: the store clock's) anchors
    every date, so the same seed and day give the same rows. ``busiest`` (for
    benchmarks) gives the first customer that many visits, a tenth as many care
    notes and a fiftieth as many promotions. ``branches`` > 1 builds a chain: the first
    branch as a single salon has it, and the later ones (each with its staff and invoice
    prefix) opening one after another; each customer has a home branch and now and then
    visits another. With 1 the rows are exactly a single salon's.
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
    if isinstance(branches, bool) or not isinstance(branches, int) or not (
            1 <= branches <= MAX_BRANCHES):
        # (the CLI bounds --branches, so only a caller of this function gets here)
        raise ValueError(f"the demo has 1 to {MAX_BRANCHES} branches, not {branches!r}")
    started = _time.perf_counter()
    today = today or clock.today()
    if isinstance(today, datetime):
        today = today.date()

    from salontui.store.db import make_engine
    from salontui.store.schema import upgrade

    def make_builder(sink):
        return _Builder(customers=customers, seed=seed, today=today, sink=sink,
                        progress=progress, now=clock.now(), busiest=busiest,
                        branches=branches)

    engine = make_engine(url)
    collecting = gc.isenabled()
    gc.disable()  # millions of young tuples: the collector would walk them again and again
    try:
        postgres = engine.dialect.name == "postgresql"
        if not (postgres and replace):  # (PostgreSQL replaces by migrating from nothing)
            upgrade(engine)
            _refuse_if_not_empty(engine, replace)
        if engine.dialect.name == "sqlite":
            path = engine.url.database
            assert path is not None  # make_engine refuses a SQLite URL without a file
            engine.dispose()
            counts = _build_sqlite(path, make_builder)
        elif postgres:
            counts = _build_postgres(engine, make_builder, _model_tables(), replace=replace)
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
        seconds=round(_time.perf_counter() - started, 2), branches=counts.get("branch", 0),
        appointments_today=counts.get("appointments today", 0),
    )
