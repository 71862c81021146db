"""The demo salon: deterministic, consistent (salontui check passes), and realistic enough to
show every screen: every package kind and status, every appointment status, Vietnamese
names with diacritics, valid mobile numbers, skewed invoice counts. Built on either engine:
the same seed gives the same rows on SQLite and PostgreSQL, and both pass every check."""

from __future__ import annotations

import hashlib
import sqlite3
from collections import Counter
from datetime import date, datetime
from itertools import pairwise

import pytest
from sqlalchemy import make_url

from salontui.store.check import run_checks
from salontui.store.customers import create_customer
from salontui.store.day.appointments import list_appointments
from salontui.store.db import make_engine, read_session, write_session
from salontui.store.demo import build_demo
from salontui.store.errors import RuleViolation, ValidationError
from salontui.store.invoices import count_invoices, get_invoice, list_invoices
from salontui.store.ledger import adjust_points
from salontui.store.package_reads import list_packages
from salontui.store.phones import parse_phone
from salontui.store.rules import package_status
from salontui.store.search import search_customers
from salontui.store.settings import get_settings
from salontui.store.summary import customer_summary
from salontui.store.text import fold

TODAY = date(2026, 11, 23)
CUSTOMERS = 300
# Rows of every table that holds the salon's data, in a stable order.
TABLES = ("customer", "customer_name_key", "invoice", "invoice_line", "payment",
          "ledger_entry", "customer_package", "package_event", "value_card", "appointment",
          "care_note", "customer_promotion", "promotion_program", "catalog_item", "staff",
          "salon_settings", "counter", "audit_log", "plan_service", "payment_method",
          "card_type", "customer_group", "tier", "tier_event", "care_reason",
          "customer_phone", "adjustment_ticket", "adjustment_line", "backfill",
          "held_product_entry")


def _dump(path, table: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        order = {"counter": "name", "plan_service": "plan_id, service_id"}.get(table, "id")
        return conn.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()
    finally:
        conn.close()


def _digests(engine) -> dict[str, tuple[int, str]]:
    """Per table of the salon: how many rows, and a hash of all of them (columns by name,
    rows by id, each value as text the way the seal writes it, so that SQLite's strings
    and 1/0 read the same as PostgreSQL's times, dates and booleans)."""
    from sqlmodel import SQLModel

    from salontui.store.chain import _text

    digests = {}
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            names = sorted(c.name for c in table.columns)
            order = "id" if "id" in table.columns else ", ".join(names)  # (role_permission)
            digest = hashlib.sha256()
            count = 0
            for row in conn.exec_driver_sql(
                    f"SELECT {', '.join(names)} FROM {table.name} ORDER BY {order}"):
                count += 1
                digest.update(repr([None if v is None else _text(v) for v in row]).encode())
            digests[table.name] = (count, digest.hexdigest())
    return digests


def _pg_schema(url: str) -> dict[str, set]:
    """A PostgreSQL database's constraints, indexes and triggers (with their definitions)."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            def rows(sql):
                return {tuple(r) for r in conn.exec_driver_sql(sql)}
            return {
                "constraints": rows(
                    "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
                    "FROM pg_constraint WHERE connamespace = current_schema()::regnamespace"),
                "indexes": rows("SELECT tablename, indexname, indexdef FROM pg_indexes "
                                "WHERE schemaname = current_schema()"),
                "triggers": rows("SELECT tgrelid::regclass::text, tgname, tgenabled, "
                                 "pg_get_triggerdef(oid) FROM pg_trigger "
                                 "WHERE NOT tgisinternal"),
            }
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "salon.db"
    stages = []
    stats = build_demo(f"sqlite:///{path}", customers=CUSTOMERS, seed=7, today=TODAY,
                       progress=lambda stage, fraction: stages.append((stage, fraction)))
    engine = make_engine(f"sqlite:///{path}")
    yield path, engine, stats, stages
    engine.dispose()


@pytest.fixture(scope="module")
def demo_digests(demo):
    return _digests(demo[1])


@pytest.fixture(scope="module")
def pg_demo(pg_server):
    """The same demo (seed, size, day) built on PostgreSQL."""
    url = pg_server.fresh_database()
    stages = []
    stats = build_demo(url, customers=CUSTOMERS, seed=7, today=TODAY,
                       progress=lambda stage, fraction: stages.append((stage, fraction)))
    engine = make_engine(url)
    yield url, engine, stats, stages
    engine.dispose()
    pg_server.drop_database(url)


def test_stats_and_progress(demo):
    _path, _engine, stats, stages = demo
    assert stats.customers == CUSTOMERS
    assert stats.invoices > 8 * CUSTOMERS
    assert stats.invoice_lines >= stats.invoices
    assert stats.staff >= 8 and stats.catalog_items >= 25
    assert "customers" in str(stats) and "invoices" in str(stats)
    fractions = [f for _s, f in stages]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0


def test_passes_every_check(demo):
    _path, engine, _stats, _stages = demo
    assert run_checks(engine) == []


def test_on_postgresql_passes_every_check(pg_demo, demo):
    _url, engine, stats, stages = pg_demo
    assert run_checks(engine) == []
    assert stats.customers == CUSTOMERS and stats.invoices > 8 * CUSTOMERS
    assert {field: value for field, value in vars(stats).items() if field != "seconds"} == {
        field: value for field, value in vars(demo[2]).items() if field != "seconds"}
    assert [stage for stage, _f in stages] == [stage for stage, _f in demo[3]]


def test_on_postgresql_the_same_rows_as_on_sqlite(pg_demo, demo_digests):
    """Every table: the same number of rows and the same rows (ids, codes, sums, seals)."""
    digests = _digests(pg_demo[1])
    assert {t for t, (count, _d) in demo_digests.items() if count} >= set(TABLES)
    for table, digest in demo_digests.items():
        assert digests[table] == digest, table


def test_on_postgresql_the_load_leaves_the_migrated_schema(pg_demo, pg_server):
    """The foreign keys, unique constraints and indexes dropped for the load are all back,
    as the migrations made them, and so are the append-only guards, switched on."""
    migrated = pg_server.fresh_database(migrated=True)
    try:
        assert _pg_schema(pg_demo[0]) == _pg_schema(migrated)
    finally:
        pg_server.drop_database(migrated)


def test_same_seed_same_rows(demo, demo_digests, db_url, engine_name):
    path, _engine, _stats, _stages = demo
    build_demo(db_url, customers=CUSTOMERS, seed=7, today=TODAY)
    engine = make_engine(db_url)
    assert _digests(engine) == demo_digests
    engine.dispose()
    if engine_name == "sqlite":  # the very values, types and all
        again = make_url(db_url).database
        for table in TABLES:
            assert _dump(again, table) == _dump(path, table), table


def test_another_seed_another_salon(demo, tmp_path):
    path, _engine, _stats, _stages = demo
    other = tmp_path / "other.db"
    build_demo(f"sqlite:///{other}", customers=CUSTOMERS, seed=8, today=TODAY)
    assert _dump(other, "customer") != _dump(path, "customer")
    assert _dump(other, "invoice") != _dump(path, "invoice")


def test_settings_staff_and_catalog(demo):
    _path, engine, _stats, _stages = demo
    with read_session(engine) as s:
        settings = get_settings(s)
        kinds = dict(s.connection().exec_driver_sql(
            "SELECT kind, count(*) FROM catalog_item GROUP BY kind").all())
        plans = {r[0] for r in s.connection().exec_driver_sql(
            "SELECT package_kind FROM catalog_item WHERE kind = 'package'")}
        roles = Counter(r[0] for r in s.connection().exec_driver_sql("SELECT role FROM staff"))
    assert settings.name == "Salon Hoa Mai" and "Đà Nẵng" in settings.address
    assert (settings.currency, settings.currency_exponent, settings.phone_region) == (
        "VND", 0, "VN")
    assert settings.receipt_footer
    assert roles["owner"] == 1 and roles["manager"] >= 1
    assert roles["receptionist"] >= 2 and roles["technician"] >= 5
    assert kinds["service"] >= 10 and kinds["product"] >= 5 and kinds["package"] >= 5
    assert plans == {"count", "time", "gift"}


# The payment methods migrations 0005 and 0008 write into every database (code, kind, key,
# position).
BUILT_IN_METHODS = [("cash", "cash", "c", 1), ("card", "card", "k", 2),
                    ("transfer", "card", "t", 3), ("ewallet", "card", "e", 4),
                    ("value", "value", "v", 5), ("points", "points", "p", 6),
                    ("account", "account", "a", 7), ("free", "waived", "w", 8),
                    ("voucher", "voucher", None, 9)]


def test_the_built_in_payment_methods_are_kept(demo):
    """The load empties every table, payment_method too: the nine methods the migrations
    wrote must come back (a demo without them cannot take money at the checkout), and the
    salon's own follow them, card-like, each with its key."""
    path, _engine, _stats, _stages = demo
    methods = [(code, kind, key, position)
               for _id, code, _name, kind, key, position, _active in _dump(path, "payment_method")]
    assert methods[:9] == BUILT_IN_METHODS
    own = {code: (kind, key) for code, kind, key, _position in methods[9:]}
    assert own == {"momo": ("card", "m"), "zalopay": ("card", "z"), "wechatpay": ("card", "g"),
                   "alipay": ("card", "j"), "shoponline": ("card", "s")}


# The back office's tables, with the audit entity of each (the audit log names the table).
OFFICE = ("catalog_item", "payment_method", "card_type", "promotion_program", "customer_group",
          "care_reason", "tier")


def _as_audited(value):
    """A value as the audit log's JSON writes it (times and dates in ISO form)."""
    return value.isoformat() if isinstance(value, date | datetime) else value


def test_the_back_office_is_what_its_functions_made(demo):
    """Every catalogue item, method the salon added, card type, programme, group, care
    reason and tier above the first was made by its store function: it has that function's
    audit row, and the row is what the audit says the function wrote (then any later switch
    on or off), by the owner, column for column; a plan covers the services its create_item
    row names."""
    import json

    from sqlmodel import SQLModel, select

    from salontui.store.audit import snapshot

    _path, engine, _stats, _stages = demo
    with read_session(engine) as s:
        audit = s.connection().exec_driver_sql(
            "SELECT action, entity, entity_id, staff_id, after FROM audit_log "
            "WHERE entity IN ('catalog_item', 'payment_method', 'card_type', "
            "'promotion_program', 'customer_group', 'care_reason', 'tier') ORDER BY id").all()
        made: dict[tuple[str, int], dict] = {}
        for action, entity, entity_id, staff_id, after in audit:
            assert staff_id == 1  # the owner
            values = json.loads(after)
            if action.startswith(("create_", "add_")):
                assert (entity, entity_id) not in made, (entity, entity_id)
                made[entity, entity_id] = values
            else:
                assert action.startswith("set_") and action.endswith("_active"), action
                made[entity, entity_id].update(values)
        covered = made_covered = 0
        for table in OFFICE:
            model = next(m for m in SQLModel.__subclasses__()
                         if getattr(m, "__tablename__", None) == table)
            rows = s.exec(select(model)).all()
            for row in rows:
                if table == "payment_method" and row.code in dict(
                        (code, kind) for code, kind, _k, _p in BUILT_IN_METHODS):
                    continue  # the migration's
                if table == "tier" and row.position == 0:
                    continue  # the migration's (Member)
                wanted = dict(made.pop((table, row.id)))
                services = wanted.pop("services", None)
                got = {k: _as_audited(v) for k, v in snapshot(row).items()}
                assert got == wanted, (table, row.id)
                if table == "catalog_item" and row.kind == "package":
                    plan_services = s.connection().exec_driver_sql(
                        f"SELECT service_id FROM plan_service WHERE plan_id = {row.id} "
                        "ORDER BY service_id").scalars().all()
                    assert plan_services == sorted(services) and services, row.name
                    made_covered += 1
                covered += 1
    assert made == {}  # no audit row for a row that is not there
    assert covered == 32 + 5 + 3 + 7 + 3 + 7 + 3 and made_covered == 8


def test_the_back_office_is_typed_in_the_same_every_time():
    """The store's functions give the same rows for the same day and now (what lets the
    builds of one day share one back office), and the shared one is read only."""
    from dataclasses import FrozenInstanceError
    from datetime import timedelta

    from salontui.store.demo import office
    from salontui.store.demo.calendar import _Calendar
    from salontui.store.demo.catalog_data import HISTORY_DAYS

    cal = _Calendar(TODAY - timedelta(days=HISTORY_DAYS), HISTORY_DAYS + 10)
    now = cal.at_local(HISTORY_DAYS, 9 * 60)
    first = office._type_in(cal, today=HISTORY_DAYS, now_t=now)
    assert office._type_in(cal, today=HISTORY_DAYS, now_t=now) == first
    shared = office.make_back_office(cal, today=HISTORY_DAYS, now_t=now)
    assert shared == first and office.make_back_office(
        cal, today=HISTORY_DAYS, now_t=now) is shared
    earlier = office.make_back_office(cal, today=HISTORY_DAYS, now_t=now - 60)
    assert earlier != shared  # (the groups were made an hour earlier)
    # methods, card types, programmes (made, ended), groups, care reasons, tiers
    assert len(first.audit) == len(first.tables["catalog_item"]) + 5 + 3 + 7 + 3 + 3 + 7 + 3
    with pytest.raises(FrozenInstanceError):
        shared.audit = ()  # type: ignore[misc]
    with pytest.raises(TypeError):
        shared.tables["catalog_item"] = ()  # type: ignore[index]


def test_services_products_plans_programmes_and_groups(demo):
    """What the back office gives the desk: services with a category, a duration and a
    commission; products with a cost price; each plan covering one or more services; the
    programmes with their scope and prefix, ended ones switched off; the groups."""
    _path, engine, _stats, _stages = demo
    with read_session(engine) as s:
        conn = s.connection()
        items = conn.exec_driver_sql(
            "SELECT kind, category, duration_minutes, commission_percent, cost_price "
            "FROM catalog_item").all()
        programs = conn.exec_driver_sql(
            "SELECT name, scope, per_customer_limit, code_prefix, active, valid_until "
            "FROM promotion_program ORDER BY id").all()
        groups = conn.exec_driver_sql(
            "SELECT name, points_percent, active FROM customer_group ORDER BY id").all()
    for kind, category, minutes, commission, cost in items:
        assert category, kind
        assert (minutes is not None, commission is not None) == ((kind == "service",) * 2)
        assert (cost is not None) == (kind == "product")
        if kind == "product":
            assert cost > 0
    assert {p[1] for p in programs} == {"all", "services"}
    assert {p[3] for p in programs} >= {"", "TET-"}
    for name, _scope, _limit, _prefix, active, until in programs:
        assert bool(active) == (until is None or date.fromisoformat(str(until)) >= TODAY), name
    assert [tuple(g) for g in groups] == [("VIP", 150, 1), ("Gia đình nhân viên", 200, 1),
                                          ("Doanh nghiệp", 100, 1)]


def test_customers_in_groups_cards_of_types_and_the_new_methods(demo):
    """The history uses the back office: about 3 % of the customers are VIPs and a few
    are in the other groups, each put there this morning with set_customer_group's audit
    row; sub-cards opened once card types existed are of a type (named after it, topped up
    by its bonus rule); payments are taken by MoMo, ZaloPay… too; the audit log runs in
    time order."""
    import json

    _path, engine, _stats, _stages = demo
    with read_session(engine) as s:
        conn = s.connection()
        members = conn.exec_driver_sql(
            "SELECT c.id, g.name, c.updated_at FROM customer c "
            "JOIN customer_group g ON g.id = c.group_id ORDER BY c.id").all()
        audited = conn.exec_driver_sql(
            "SELECT entity_id, before, after, created_at FROM audit_log "
            "WHERE action = 'set_customer_group' ORDER BY entity_id").all()
        deleted_members = conn.exec_driver_sql(
            "SELECT count(*) FROM customer WHERE group_id IS NOT NULL "
            "AND deleted_at IS NOT NULL").scalar_one()
        cards = conn.exec_driver_sql(
            "SELECT v.name, t.name, t.bonus_pay, t.bonus_get FROM value_card v "
            "LEFT JOIN card_type t ON t.id = v.card_type_id").all()
        topups = conn.exec_driver_sql(
            "SELECT l.unit_price, l.credit, t.bonus_pay, t.bonus_get FROM invoice_line l "
            "JOIN value_card v ON v.id = l.card_id JOIN card_type t ON t.id = v.card_type_id "
            "WHERE l.kind = 'topup'").all()
        no_discount = conn.exec_driver_sql(
            "SELECT count(*) FROM payment p JOIN invoice i ON i.id = p.invoice_id "
            "JOIN value_card v ON v.id = p.card_id JOIN card_type t ON t.id = v.card_type_id "
            "WHERE NOT t.discounts_apply AND i.discount != 0").scalar_one()
        methods = dict(conn.exec_driver_sql(
            "SELECT method, count(*) FROM payment GROUP BY method").all())
        times = conn.exec_driver_sql("SELECT created_at FROM audit_log ORDER BY id").scalars().all()
    groups = Counter(name for _id, name, _at in members)
    assert 0.015 * CUSTOMERS <= groups["VIP"] <= 0.05 * CUSTOMERS
    assert set(groups) == {"VIP", "Gia đình nhân viên", "Doanh nghiệp"}
    assert deleted_members == 0
    assert [a[0] for a in audited] == [m[0] for m in members]
    assert all(json.loads(before) == {"group_id": None} for _c, before, _a, _t in audited)
    assert {a[3] for a in audited} == {m[2] for m in members} and len({m[2] for m in members}) == 1
    typed = Counter(type_name for name, type_name, _p, _g in cards if type_name)
    assert set(typed) == {"Thẻ vàng", "Thẻ bạc", "Thẻ quà tặng"}
    assert all(name == type_name for name, type_name, _p, _g in cards if type_name)
    assert {name for name, type_name, _p, _g in cards if not type_name} == {"General", "Thẻ Spa"}
    for paid, credit, pay, get in topups:
        assert credit == (paid if pay is None else paid + paid // pay * (get - pay))
    assert no_discount == 0  # a gift card never paid for a discounted sale
    assert {"momo", "zalopay"} <= set(methods)
    assert {"cash", "card", "transfer", "ewallet"} <= set(methods)
    assert times == sorted(times)


def test_vietnamese_names_and_valid_unique_phones(demo):
    path, _engine, _stats, _stages = demo
    rows = _dump(path, "customer")
    names = [r[2] for r in rows]
    assert sum(name != fold(name) for name in names) > 0.9 * len(names)  # diacritics
    surnames = Counter(name.split()[0] for name in names)
    assert surnames.most_common(1)[0][0] == "Nguyễn"
    assert {"Trần", "Lê", "Phạm"} <= set(surnames)
    assert any(name.startswith("Đ") or " Đ" in name for name in names)
    phones = [r[4] for r in rows]
    assert len(set(phones)) == len(phones)
    for _id, _code, _name, _norm, e164, national, rev, *_rest in rows:
        parsed = parse_phone(national, region="VN")
        assert (parsed.e164, parsed.national_digits, parsed.reversed_digits) == (
            e164, national, rev)
        assert len(national) == 10 and national[:2] in ("03", "05", "07", "08", "09")


def test_packages_in_every_kind_and_status(demo):
    _path, engine, _stats, _stages = demo
    with read_session(engine) as s:
        rows = s.connection().exec_driver_sql(
            "SELECT kind, total_uses, used, expires_on, frozen_from, frozen_until "
            "FROM customer_package").all()
        statuses = Counter()
        for kind, total, used, expires, frozen_from, frozen_until in rows:
            def day(value):
                return None if value is None else date.fromisoformat(value)
            statuses[(kind, package_status(kind=kind, total_uses=total, used=used,
                                           expires_on=day(expires), frozen_from=day(frozen_from),
                                           frozen_until=day(frozen_until), today=TODAY))] += 1
        # the worked examples of the paper-book customers
        first = list_packages(s, customer_id=1, today=TODAY)
    assert {status for _k, status in statuses} == {"in_use", "reserved", "expired", "used_up"}
    assert {kind for kind, _s in statuses} == {"count", "time", "gift"}
    assert ("gift", "in_use") in statuses and ("time", "in_use") in statuses
    old = next(p for p in first if p.name.endswith("(sổ cũ)"))
    assert (old.total_uses, old.used, old.remaining, old.per_session_value) == (10, 2, 8, 598_000)


def test_appointments_in_every_status(demo):
    _path, engine, _stats, _stages = demo
    with read_session(engine) as s:
        statuses = dict(s.connection().exec_driver_sql(
            "SELECT status, count(*) FROM appointment GROUP BY status").all())
        waiting = s.connection().exec_driver_sql(
            "SELECT customer_id FROM appointment WHERE status = 'checked_in'").scalars().all()
        unpaid_paid = s.connection().exec_driver_sql(
            "SELECT count(*) FROM appointment WHERE (status = 'paid') != "
            "(invoice_id IS NOT NULL)").scalar_one()
        states = {a.invoice_state for cid in waiting
                  for a in list_appointments(s, customer_id=cid)}
    assert set(statuses) == {"booked", "checked_in", "paid", "cancelled", "no_show"}
    assert unpaid_paid == 0
    assert {"to_cashier", "view"} <= states


# Today at the salon, as stored (UTC): 00:00 to 24:00 at UTC+7, and the demo's now, 15:00.
DAY_START, DAY_END, NOW_STORED = ("2026-11-22 17:00", "2026-11-23 17:00",
                                  "2026-11-23 08:00:00.000000")


def test_staff_weeks_and_this_weeks_exceptions(demo):
    """Technicians have one or two days off a week, staggered, none at the weekend; the
    others are not in the book; this week a technician is off sick today, another in on
    their day off, and a third on leave later in the week."""
    _path, engine, _stats, _stages = demo
    with read_session(engine) as s:
        conn = s.connection()
        staff = conn.exec_driver_sql(
            "SELECT id, role, active, work_days FROM staff ORDER BY id").all()
        exceptions = conn.exec_driver_sql(
            "SELECT staff_id, day, working, note FROM staff_day ORDER BY day, staff_id").all()
    weeks = {sid: days for sid, role, active, days in staff if role == "technician" and active}
    assert len(weeks) == 7
    assert all(days.count("0") in (1, 2) and days[5:] == "11" for days in weeks.values())
    assert all(any(days[d] == "0" for days in weeks.values()) for d in range(5))  # staggered
    assert {days for sid, _r, _a, days in staff if sid not in weeks} == {"0000000"}
    monday = TODAY.weekday()
    sick, extra, leave = exceptions
    assert (str(sick[1]), bool(sick[2]), weeks[sick[0]][monday]) == (str(TODAY), False, "1")
    assert (str(extra[1]), bool(extra[2]), weeks[extra[0]][monday]) == (str(TODAY), True, "0")
    assert str(leave[1]) > str(TODAY) and not leave[2]
    assert all(note for *_row, note in exceptions)


def test_todays_book(demo):
    """Every technician at work today has a day of visits; by the demo's now (15:00) some
    are paid (their invoices linked, the invoice's services the visit's, done by its
    technician), some checked in waiting at the cashier, the rest expected; one no-show,
    one cancelled with a reason, one running late; a few paid visits are followed up and a
    few not yet; walk-ins were checked out. Each visit's lines follow each other from its
    start, each service with the catalogue's name and duration."""
    from salontui.store.day.follow_up import not_followed_up
    from salontui.store.day.today import today_board

    _path, engine, _stats, _stages = demo
    with read_session(engine) as s:
        conn = s.connection()
        visits = conn.exec_driver_sql(
            "SELECT a.id, a.status, a.invoice_id, a.reason, a.starts_at, a.checked_in_at, "
            "a.followed_up_at FROM appointment a WHERE a.starts_at >= ? AND a.starts_at < ? "
            "ORDER BY a.id", (DAY_START, DAY_END)).all()
        lines = conn.exec_driver_sql(
            "SELECT l.appointment_id, l.position, l.kind, l.label, l.staff_id, l.starts_at, "
            "l.minutes, c.name, c.duration_minutes, a.starts_at FROM appointment_line l "
            "JOIN appointment a ON a.id = l.appointment_id "
            "LEFT JOIN catalog_item c ON c.id = l.item_id "
            "ORDER BY l.appointment_id, l.position").all()
        working = {sid for (sid,) in conn.exec_driver_sql(
            "SELECT id FROM staff WHERE role = 'technician' AND active AND ("
            " (substr(work_days, 1, 1) = '1' AND id NOT IN (SELECT staff_id FROM staff_day "
            "   WHERE day = ? AND NOT working))"
            " OR id IN (SELECT staff_id FROM staff_day WHERE day = ? AND working))",
            (str(TODAY), str(TODAY))).all()}
        invoiced = conn.exec_driver_sql(  # (a session of a package may pay the first)
            "SELECT a.id, i.created_at, group_concat(CASE WHEN il.kind = 'service' THEN "
            "il.description END), group_concat(il.staff_id) FROM appointment a "
            "JOIN invoice i ON i.id = a.invoice_id JOIN invoice_line il "
            "ON il.invoice_id = i.id AND il.kind IN ('service', 'redeem') "
            "WHERE a.starts_at >= ? GROUP BY a.id", (DAY_START,)).all()
        board = today_board(s, day=TODAY)
        waiting = not_followed_up(s, TODAY)
    assert TODAY.weekday() == 0 and len(working) == 5
    by_id = {v[0]: v for v in visits}
    of_visit: dict[int, list] = {}
    for line in lines:
        of_visit.setdefault(line[0], []).append(line)
    per_staff = Counter(of_visit[aid][0][4] for aid in by_id)
    assert set(per_staff) == working and min(per_staff.values()) >= 4
    statuses = Counter(v[1] for v in visits)
    assert statuses["paid"] >= 10 and statuses["checked_in"] >= 3 and statuses["booked"] >= 10
    assert statuses["no_show"] == 1 and statuses["cancelled"] == 1
    assert all(v[3] for v in visits if v[1] == "cancelled")
    assert all(v[5] is not None for v in visits if v[1] in ("paid", "checked_in"))
    assert any(str(v[4]) < NOW_STORED for v in visits if v[1] == "booked")  # one late
    followed = [v for v in visits if v[1] == "paid" and v[6] is not None]
    assert len(followed) >= 2 and len(waiting) >= 2
    assert {a.id for a in waiting} == {v[0] for v in visits if v[1] == "paid"} - {
        v[0] for v in followed}
    for aid, paid_at, services, staff in invoiced:
        visit = of_visit[aid]
        assert DAY_START <= str(paid_at) <= NOW_STORED
        assert {line[4] for line in visit} == {int(x) for x in staff.split(",")}
        assert set((services or "").split(",")) - {""} <= {line[3] for line in visit}
    assert {aid for aid, *_rest in invoiced} == {v[0] for v in visits if v[1] == "paid"}
    for aid, visit in of_visit.items():
        timed = [line for line in visit if line[5] is not None]
        assert str(timed[0][5]) == str(timed[0][9]), aid  # the visit starts with its first
        for before, after in pairwise(timed):
            assert (datetime.fromisoformat(str(after[5]))
                    - datetime.fromisoformat(str(before[5]))).seconds == before[6] * 60
        for _aid, _p, _kind, label, _s, _at, minutes, name, duration, _start in timed:
            if name is not None:
                assert (label, minutes) == (name, duration)
    assert board.counts["paid"] > statuses["paid"]  # and the walk-ins
    assert board.counts["arrived"] == statuses["checked_in"]


def test_reminders_due_today(demo):
    """The desk's reminders: callbacks due today or overdue (asked for long ago: done
    then), birthdays this week, packages expiring within the salon's 14 days, debt."""
    from salontui.store.day.reminders import count_reminders_due

    _path, engine, _stats, _stages = demo
    with read_session(engine) as s:
        counts = count_reminders_due(s, TODAY)
        done = s.connection().exec_driver_sql(
            "SELECT count(*) FROM reminder_done d JOIN care_note c ON c.id = d.care_note_id "
            "WHERE d.kind = 'callback' AND c.type = 'call'").scalar_one()
    assert counts.callback >= 4 and counts.birthday >= 2
    assert counts.expiry >= 1 and counts.debt >= 1
    assert done > 0


def test_money_points_debt_cards_care_and_promotions(demo):
    _path, engine, _stats, _stages = demo
    with read_session(engine) as s:
        conn = s.connection()
        accounts = dict(conn.exec_driver_sql(
            "SELECT account || ':' || kind, count(*) FROM ledger_entry "
            "GROUP BY account, kind").all())
        methods = {r[0] for r in conn.exec_driver_sql("SELECT DISTINCT method FROM payment")}
        cards = {r[0] for r in conn.exec_driver_sql("SELECT DISTINCT name FROM value_card")}
        kinds = {r[0] for r in conn.exec_driver_sql("SELECT DISTINCT kind FROM invoice")}
        care = {r[0] for r in conn.exec_driver_sql("SELECT DISTINCT type FROM care_note")}
        promos = conn.exec_driver_sql(
            "SELECT count(*), count(used_on) FROM customer_promotion").one()
        debtors = conn.exec_driver_sql(
            "SELECT count(*) FROM (SELECT customer_id FROM ledger_entry WHERE account = 'debt' "
            "GROUP BY customer_id HAVING sum(amount) > 0)").scalar_one()
        audit = conn.exec_driver_sql("SELECT action FROM audit_log").scalars().all()
    for kind in ("points:earn", "points:spend", "points:care", "points:reward",
                 "points:adjust", "value:topup", "value:pay", "debt:charge", "debt:repay"):
        assert accounts.get(kind, 0) > 0, kind
    assert {"cash", "card", "transfer", "ewallet", "value", "points", "account"} <= methods
    assert {"General", "Thẻ Spa"} <= cards
    assert kinds == {"sale", "refund", "repayment"}
    assert care == {"care", "treatment", "call", "sms", "email"}
    assert promos[0] > 0 and promos[1] > 0
    assert debtors > 0
    # One row for the build, one per care action (each hand-made entry has its audit row),
    # the back office's (its functions' own, and the groups this morning), loyalty's
    # (the customers ranked in the tiers, a few moved by hand, vouchers bought with points,
    # phones changed) and the books' (vouchers given, products handed over, the paper
    # book's back-fills, a package frozen and a back-fill reversed).
    assert audit.count("demo_build") == 1 and set(audit) == {
        "demo_build", "care_action", "create_item", "create_method", "create_card_type",
        "create_program", "set_program_active", "create_group", "set_customer_group",
        "add_care_reason", "create_tier", "tier_change", "set_tier_by_hand",
        "give_promotion", "adjust_points", "phone_change", "create_ticket", "ticket_points",
        "apply_ticket", "cancel_ticket", "adjust_vouchers", "hand_over_products", "backfill",
        "freeze_package", "reverse_backfill"}


def test_each_customer_holds_the_tier_their_spend_earned(demo):
    """The tiers are Member, Silver, Gold and Diamond with their thresholds and benefits;
    every customer holds the tier their ranking spend over the salon's 12 months earned
    when they were ranked (the store's own ranking_spend at that moment), unless the owner
    moved them up by hand (held up, the last row of their history saying why, or naming the
    adjustment ticket that did); the name agrees with the tier; a tier above the first has
    its history (from Member, then the move by hand), and an active member its one-time
    reward, once per tier reached; a deleted customer is not ranked."""
    from salontui.store.demo.catalog_data import HELD_UP, RANKED
    from salontui.store.loyalty.tiers import list_tiers, ranking_spend

    _path, engine, _stats, _stages = demo
    with read_session(engine) as s:
        conn = s.connection()
        tiers = list_tiers(s)
        customers = conn.exec_driver_sql(
            "SELECT id, tier, tier_id, tier_hold, deleted_at, member_state FROM customer "
            "ORDER BY id").all()
        events: dict[int, list[tuple]] = {}
        for cid, old, new, reason, at, ticket in conn.exec_driver_sql(
                "SELECT e.customer_id, e.from_tier_id, e.to_tier_id, e.reason, e.created_at, "
                "t.code FROM tier_event e LEFT JOIN adjustment_ticket t ON t.id = e.ticket_id "
                "ORDER BY e.id"):
            events.setdefault(cid, []).append((old, new, reason, at, ticket))
        ranked_at = datetime.fromisoformat(str(max(
            at for history in events.values() for *_e, at, _t in history)))
        rewards = Counter(conn.exec_driver_sql(
            "SELECT customer_id, ref_id FROM ledger_entry WHERE kind = 'reward' "
            "AND ref_type = 'tier'").all())
        spend = {cid: ranking_spend(s, cid, as_of=ranked_at) for cid, *_rest in customers}
    assert [(t.name, t.min_spend, t.discount_percent, t.points_percent, t.reward_points)
            for t in tiers] == [("Member", 0, 0, 100, 0), ("Silver", 5_000_000, 3, 110, 200),
                                ("Gold", 15_000_000, 5, 125, 500),
                                ("Diamond", 40_000_000, 10, 150, 1_000)]
    first, by_id = tiers[0], {t.id: t for t in tiers}
    held = Counter()
    for cid, name, tier_id, hold, deleted_at, state in customers:
        tier = by_id[tier_id]
        assert name == tier.name, cid
        history = events.get(cid, [])
        if deleted_at is not None:
            assert (tier_id, hold, history) == (first.id, "", []), cid
            continue
        earned = max((t for t in tiers if t.min_spend <= spend[cid]), key=lambda t: t.position)
        path = [first.id] + ([earned.id] if earned is not first else [])
        if hold == "up":
            held[tier.name] += 1
            assert tier.position == earned.position + 1, cid
            reason, ticket = history[-1][2], history[-1][4]
            assert reason in HELD_UP or (ticket and reason.startswith(ticket)), reason
            path.append(tier.id)
        else:
            assert hold == "" and tier is earned, (cid, spend[cid], tier.name, earned.name)
        assert [(old, new) for old, new, *_r in history] == list(pairwise(path)), cid
        assert all(event[2] == RANKED for event in history[:1 if earned is not first else 0])
        reached = {new for _old, new, *_r in history}
        got = {tier_id for (c, tier_id), n in rewards.items() if c == cid and n == 1}
        assert sum(n for (c, _t), n in rewards.items() if c == cid) == len(got), cid
        assert got == (reached if state == "active" else set()), cid
    assert sum(held.values()) == 3 + 1  # (and one by the ticket applied)
    assert {t.name for t in tiers if t.holders} >= {"Member", "Silver"}


def test_vouchers_for_points_phones_changed_and_excluded_members(demo):
    """Two programmes are sold for points; a few members bought a voucher with points (the
    code, the points taken off naming the programme and the code); adjustment tickets
    applied, waiting and cancelled, the applied one's points entry naming its code; two
    members changed their phone (the old number kept, found by search as an old phone);
    every excluded member says why."""
    _path, engine, _stats, _stages = demo
    with read_session(engine) as s:
        conn = s.connection()
        priced = conn.exec_driver_sql(
            "SELECT name, points_price FROM promotion_program WHERE points_price IS NOT NULL "
            "ORDER BY points_price").all()
        bought = conn.exec_driver_sql(
            "SELECT p.customer_id, p.code, g.name, g.points_price FROM customer_promotion p "
            "JOIN promotion_program g ON g.id = p.program_id WHERE p.note LIKE 'Đổi bằng %' "
            "ORDER BY p.id").all()
        entries = conn.exec_driver_sql(
            "SELECT customer_id, amount, reason FROM ledger_entry WHERE kind = 'adjust' "
            "ORDER BY id").all()
        old = conn.exec_driver_sql(
            "SELECT o.customer_id, o.phone_national, c.phone_national FROM customer_phone o "
            "JOIN customer c ON c.id = o.customer_id ORDER BY o.id").all()
        found = [search_customers(s, query=national) for _c, national, _now in old]
        tickets = conn.exec_driver_sql(
            "SELECT t.code, t.status, count(l.id), sum(l.points) FROM adjustment_ticket t "
            "JOIN adjustment_line l ON l.ticket_id = t.id GROUP BY t.id ORDER BY t.id").all()
        ticket_entries = conn.exec_driver_sql(
            "SELECT t.code, e.amount, e.reason FROM ledger_entry e "
            "JOIN adjustment_ticket t ON t.id = e.ref_id WHERE e.ref_type = 'ticket'").all()
        excluded = conn.exec_driver_sql(
            "SELECT count(*), count(nullif(member_reason, '')) FROM customer "
            "WHERE member_state = 'excluded'").one()
    assert [p[1] for p in priced] == [500, 2_000]
    assert len(bought) == 3
    for cid, code, name, price in bought:
        assert (cid, -price) in [(c, a) for c, a, reason in entries
                                 if code in reason and name in reason]
    assert [(code, status, lines) for code, status, lines, _p in tickets] == [
        ("DC000001", "applied", 2), ("DC000002", "waiting", 1), ("DC000003", "cancelled", 1)]
    assert [(code, amount) for code, amount, reason in ticket_entries
            if reason.startswith(code)] == [("DC000001", tickets[0][3])]
    assert len(old) == 2 and all(was != now for _c, was, now in old)
    assert [[r.id for r in rows] for rows in found] == [[c] for c, _w, _n in old]
    assert excluded[0] > 0 and excluded[0] == excluded[1]


def test_vouchers_products_to_collect_and_back_fills(demo):
    """Customers hold vouchers the manager gave with a reason, some paid part of a bill with
    them and a refund gave some back; products sold were left at the salon (the line not
    picked up, held once), most handed over later by a staff member, and the shampoo of the
    paper book is still to collect; the paper book came in by back-fill (packages with the
    worked example, a product, a card's balance, points and vouchers), the card's balance
    typed with a zero too many reversed and typed again."""
    from salontui.store.books.backfill_check import backfill_check
    from salontui.store.books.held_products import held_history, to_collect
    from salontui.store.books.vouchers import voucher_balance, voucher_history
    from salontui.store.demo.catalog_data import MISTYPED, PAPER_BOOK, VOUCHER_GIFTS

    _path, engine, _stats, _stages = demo
    with read_session(engine) as s:
        conn = s.connection()
        entries = dict(conn.exec_driver_sql(
            "SELECT kind, count(*) FROM ledger_entry WHERE account = 'voucher' "
            "GROUP BY kind").all())
        holders = conn.exec_driver_sql(
            "SELECT customer_id FROM ledger_entry WHERE account = 'voucher' "
            "GROUP BY customer_id HAVING sum(amount) > 0 ORDER BY customer_id").scalars().all()
        given = {reason for (reason,) in conn.exec_driver_sql(
            "SELECT reason FROM ledger_entry WHERE account = 'voucher' AND kind = 'adjust'")}
        paid = conn.exec_driver_sql(
            "SELECT count(*) FROM payment WHERE method = 'voucher' AND amount > 0").scalar_one()
        held = dict(conn.exec_driver_sql(
            "SELECT kind, count(*) FROM held_product_entry GROUP BY kind").all())
        left = conn.exec_driver_sql(
            "SELECT count(*) FROM invoice_line WHERE kind = 'product' "
            "AND NOT picked_up").scalar_one()
        handed = conn.exec_driver_sql(
            "SELECT count(*), count(staff_id) FROM held_product_entry "
            "WHERE kind = 'handover'").one()
        collecting = conn.exec_driver_sql(
            "SELECT customer_id FROM held_product_entry GROUP BY customer_id "
            "HAVING sum(quantity) > 0 ORDER BY customer_id").scalars().all()
        backfills = conn.exec_driver_sql(
            "SELECT id, customer_id, kind, amount, paid, reverses_id, note, source "
            "FROM backfill ORDER BY id").all()
        reversed_entry = conn.exec_driver_sql(
            "SELECT e.amount, e.reason FROM ledger_entry e JOIN backfill b ON b.id = e.ref_id "
            "WHERE e.ref_type = 'backfill' AND b.reverses_id IS NOT NULL").one()
        vouchers = {cid: voucher_balance(s, customer_id=cid) for cid in holders}
        history = voucher_history(s, customer_id=holders[0])
        shampoo = to_collect(s, customer_id=6)
        product_history = held_history(s, customer_id=6)
        check = backfill_check(s, customer_id=7)
        header = customer_summary(s, customer_id=holders[0], today=TODAY)
        collector = customer_summary(s, customer_id=6, today=TODAY)
    assert {"adjust", "pay", "refund", "backfill"} <= set(entries)
    assert len(holders) >= 3 and all(v > 0 for v in vouchers.values())
    assert given <= {reason for _value, reason in VOUCHER_GIFTS} and paid == entries["pay"]
    assert history and history[0].balance_after == vouchers[holders[0]]
    assert header.vouchers == vouchers[holders[0]]
    assert held["sale"] == left > 0 and handed[0] == held["handover"] > 0
    assert handed[1] == handed[0]  # each by a staff member
    assert 6 in collecting and collector.to_collect >= 2
    assert [(r.description, r.quantity, r.amount) for r in shampoo] == [
        ("Dầu gội bưởi 250ml", 2, 360_000)]
    assert [r.kind for r in product_history] == ["backfill"]
    kinds = [(cid, kind) for _i, cid, kind, *_rest in backfills]
    assert kinds[:6] == [(1, "package"), (2, "gift"), (3, "package"), (4, "package"),
                         (5, "package"), (6, "product")]
    assert {kind for _cid, kind in kinds} == {
        "package", "gift", "product", "value", "points", "voucher"}
    wrong, undo, right = [row for row in backfills if row[1] == 7]
    assert (wrong[3], undo[3], right[3]) == (32_500_000, 32_500_000, 3_250_000)
    assert undo[5] == wrong[0] and undo[6] == MISTYPED and wrong[5] is right[5] is None
    assert reversed_entry == (-32_500_000, MISTYPED)
    assert all(row[7] == "back-fill" for row in backfills)
    assert all(row[6] == PAPER_BOOK for row in backfills if row[5] is None)
    assert {r.reversed_by for r in check.rows if r.id == wrong[0]} == {undo[0]}


def test_invoices_skewed_about_ten_per_customer(demo):
    path, _engine, stats, _stages = demo
    per_customer = Counter(r[2] for r in _dump(path, "invoice"))
    assert max(per_customer.values()) >= 500  # a regular with about a thousand visits
    ordinary = sorted(per_customer.values())[len(per_customer) // 2]
    assert 3 <= ordinary <= 15
    assert 8 <= stats.invoices / CUSTOMERS <= 16


def test_the_store_works_on_the_demo(db_url):
    """Counters and id sequences are past the codes and ids used, a sealed entry follows
    the demo's chains; search, the header and the invoice tab work."""
    build_demo(db_url, customers=CUSTOMERS, seed=7, today=TODAY)
    engine = make_engine(db_url)
    with write_session(engine) as s:
        created = create_customer(s, staff_id=1, name="Khách Mới", phone="0905 111 999")
    assert created.code == f"KH{CUSTOMERS + 1:06d}" and created.id == CUSTOMERS + 1
    with write_session(engine) as s:  # a ledger entry and its audit row: both sealed
        adjust_points(s, staff_id=1, customer_id=1, amount=5, reason="Khách quen")
    assert run_checks(engine) == []
    with read_session(engine) as s:
        found = search_customers(s, query="nguyen")
        assert found and all("nguyen" in fold(r.name) for r in found)
        regular = s.connection().exec_driver_sql(
            "SELECT customer_id FROM invoice GROUP BY customer_id "
            "ORDER BY count(*) DESC LIMIT 1").scalar_one()
        summary = customer_summary(s, customer_id=regular, today=TODAY)
        assert summary.total_spend > 0
        page = list_invoices(s, customer_id=regular, limit=50, offset=100)
        assert len(page) == 50
        assert count_invoices(s, customer_id=regular) >= 500
        detail = get_invoice(s, invoice_id=page[0].id)
        assert sum(p.amount for p in detail.payments) == detail.total
        assert detail.created_at < datetime(2026, 11, 23, 2, 0)
    engine.dispose()


def test_refuses_a_salon_with_customers_unless_replaced(demo_digests, db_url):
    """On PostgreSQL the guards refuse to empty the sealed tables: the salon's tables are
    dropped and migrated again instead, in the build's transaction."""
    build_demo(db_url, customers=50, seed=3, today=TODAY)
    with pytest.raises(RuleViolation) as err:
        build_demo(db_url, customers=50, seed=3, today=TODAY)
    assert "already holds a salon" in err.value.message
    stats = build_demo(db_url, customers=CUSTOMERS, seed=7, today=TODAY, replace=True)
    assert stats.customers == CUSTOMERS
    engine = make_engine(db_url)
    assert _digests(engine) == demo_digests
    assert run_checks(engine) == []
    engine.dispose()
    with pytest.raises(ValidationError):
        build_demo(db_url, customers=0, replace=True)


def test_a_replace_that_fails_leaves_the_old_salon(db_url, monkeypatch):
    from salontui.store.demo import build

    build_demo(db_url, customers=50, seed=3, today=TODAY)
    engine = make_engine(db_url)
    before = _digests(engine)

    def fail(self):
        raise RuntimeError("the power went off")

    monkeypatch.setattr(build._Builder, "finish", fail)
    with pytest.raises(RuntimeError, match="power"):
        build_demo(db_url, customers=CUSTOMERS, seed=7, today=TODAY, replace=True)
    assert _digests(engine) == before
    assert run_checks(engine) == []
    engine.dispose()


def test_the_engine_neutral_path_writes_the_same_rows(demo, tmp_path):
    """Other engines (PostgreSQL) get the rows through SQLAlchemy Core, in dependency order:
    on SQLite with foreign keys enforced, that path must write exactly the bulk path's rows."""
    from salontui.store import demo as module
    from salontui.store.schema import upgrade

    path, _engine, _stats, _stages = demo
    core = tmp_path / "core.db"
    engine = make_engine(f"sqlite:///{core}")
    upgrade(engine)
    module._build_core(engine, lambda sink: module._Builder(
        customers=CUSTOMERS, seed=7, today=TODAY, sink=sink, progress=None))
    engine.dispose()
    for table in TABLES:
        assert _dump(core, table) == _dump(path, table), table


def test_nothing_the_demo_writes_is_later_than_now(tmp_path):
    """Built at 07:00 at the salon (00:00 UTC), before the demo's usual 09:00: no row is
    stamped after the clock (bookings may start later: they are bookings)."""
    from salontui.store import clock

    now = datetime(2026, 11, 23, 0, 0)
    path = tmp_path / "early.db"
    with clock.pinned(now):
        build_demo(f"sqlite:///{path}", customers=60, seed=7)
    stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f")  # as stored
    conn = sqlite3.connect(path)
    try:
        later = []
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"):
            for column in conn.execute(f"PRAGMA table_info({table})"):
                name, kind = column[1], column[2]
                if kind != "DATETIME" or name == "next_reminder_at":
                    continue
                where = f"{name} > ?"
                if (table, name) == ("appointment", "starts_at"):
                    where += " AND status NOT IN ('booked', 'cancelled')"
                if (table, name) == ("appointment_line", "starts_at"):
                    where += (" AND appointment_id NOT IN (SELECT id FROM appointment "
                              "WHERE status IN ('booked', 'cancelled'))")
                found = conn.execute(f"SELECT count(*), max({name}) FROM {table} "
                                     f"WHERE {where}", (stamp,)).fetchone()
                if found[0]:
                    later.append((table, name, found))
        today = dict(conn.execute(
            "SELECT status, count(*) FROM appointment WHERE starts_at >= ? "
            "GROUP BY status", (stamp,)).fetchall())
    finally:
        conn.close()
    assert later == []
    # before opening: today's book is all ahead (one cancelled last night or this morning)
    assert today["booked"] > 20 and today["cancelled"] == 1 and set(today) == {
        "booked", "cancelled"}


def test_a_big_demo_built_early_has_nobody_joining_later_than_now():
    """With many customers the last ones join minutes apart, up to "now": at 07:00 none
    may join at 08:30."""
    from salontui.store import demo as module

    now = datetime(2026, 11, 23, 0, 0)
    builder = module._Builder(customers=20_000, seed=1, today=TODAY, sink=None, progress=None,
                              now=now)
    builder.people()
    assert builder.cal.ts(max(builder.join_t)) <= now.strftime("%Y-%m-%d %H:%M:%S.%f")
    assert builder.cal.ts(max(builder.join_t)) > "2026-11-22"


# -- a chain: salontui demo --branches N --------------------------------------------------------

BRANCHES = 3


@pytest.fixture(scope="module")
def chain_digests(tmp_path_factory):
    """A chain of three branches built on SQLite: what every engine must build again."""
    path = tmp_path_factory.mktemp("chain") / "chain.db"
    build_demo(f"sqlite:///{path}", customers=CUSTOMERS, seed=7, today=TODAY, branches=BRANCHES)
    engine = make_engine(f"sqlite:///{path}")
    try:
        yield path, _digests(engine)
    finally:
        engine.dispose()


def test_a_chain_passes_every_check_with_codes_per_branch(chain_digests, db_url):
    """Three branches, each with its staff, invoices, appointments and its own invoice
    sequence (the store's: the first on the chain's HD counter, the others on their
    prefix's), codes without holes and counters at the last; the same rows on both
    engines; the store then numbers the next invoice of a branch after the demo's."""
    from salontui.store.branches import invoice_sequence, list_branches
    from salontui.store.codes import next_code

    stats = build_demo(db_url, customers=CUSTOMERS, seed=7, today=TODAY, branches=BRANCHES)
    assert stats.branches == BRANCHES and f"{BRANCHES} branches" in str(stats)
    engine = make_engine(db_url)
    try:
        assert run_checks(engine) == []
        assert _digests(engine) == chain_digests[1]
        with read_session(engine) as s:
            conn = s.connection()
            branches = list_branches(s)
            assert [b.code for b in branches] == ["1", "TK", "ST"]
            assert branches[0].invoice_prefix == "" and branches[1].invoice_prefix == "TK-"
            assert all(b.name and b.address and b.phone for b in branches)
            counters = dict(conn.exec_driver_sql("SELECT name, value FROM counter").all())
            sequences = {}
            for branch in branches:
                name, prefix, width = invoice_sequence(s, branch.id)
                codes = conn.exec_driver_sql(
                    f"SELECT code FROM invoice WHERE branch_id = {branch.id} ORDER BY id"
                ).scalars().all()
                assert len(codes) > 100, branch.code  # invoices at every branch
                assert codes == [f"{prefix}{i:0{width}d}" for i in range(1, len(codes) + 1)]
                assert counters[name] == len(codes)
                sequences[branch.id] = (name, prefix, len(codes))
            assert len({name for name, _p, _n in sequences.values()}) == BRANCHES
            assert conn.exec_driver_sql("SELECT count(*) FROM invoice WHERE branch_id IS NULL "
                                        "OR branch_id NOT IN (1, 2, 3)").scalar_one() == 0
            # Staff: the owner at every branch (NULL), everyone else at one; an invoice's
            # and an appointment's staff work at its branch.
            staff = conn.exec_driver_sql("SELECT role, branch_id FROM staff").all()
            assert [role for role, branch in staff if branch is None] == ["owner"]
            for branch in branches:
                roles = {role for role, at in staff if at == branch.id}
                assert {"manager", "receptionist", "technician"} <= roles, branch.code
            for table, staff_of in (("invoice", "invoice t"),
                                    ("appointment", "appointment t JOIN appointment_line l "
                                                    "ON l.appointment_id = t.id")):
                staff = "t.staff_id" if table == "invoice" else "l.staff_id"
                assert conn.exec_driver_sql(
                    f"SELECT count(*) FROM {staff_of} JOIN staff w ON w.id = {staff} "
                    "WHERE w.branch_id IS NOT NULL AND w.branch_id != t.branch_id"
                ).scalar_one() == 0, table
            appointments = dict(conn.exec_driver_sql(
                "SELECT branch_id, count(*) FROM appointment GROUP BY branch_id").all())
            assert set(appointments) == {1, 2, 3}
            assert conn.exec_driver_sql(
                "SELECT count(*) FROM appointment a JOIN invoice i ON i.id = a.invoice_id "
                "WHERE a.branch_id != i.branch_id").scalar_one() == 0
            # Customers mostly visit their own branch, some now and then another.
            visits = conn.exec_driver_sql(
                "SELECT customer_id, branch_id, count(*) FROM invoice "
                "GROUP BY customer_id, branch_id").all()
        per_customer: dict[int, list[int]] = {}
        for customer, _branch, count in visits:
            per_customer.setdefault(customer, []).append(count)
        assert sum(max(c) for c in per_customer.values()) > 0.8 * stats.invoices
        assert sum(len(c) > 1 for c in per_customer.values()) > 0.2 * len(per_customer)
        second = branches[1].id
        name, prefix, count = sequences[second]
        with write_session(engine) as s:
            assert next_code(s, invoice_sequence(s, second)) == f"{prefix}{count + 1:06d}"
    finally:
        engine.dispose()


def test_a_chain_has_the_single_salons_customers_and_history(demo, chain_digests):
    """The branches come from a stream of their own: the chain's customers and their history
    up to last night (packages, cards, payments, care notes) are the single salon's, only
    spread over the branches. Today's book is each branch's own (a chain has more
    technicians at work, so more visits today), and so is what today's visits changed."""
    path, _engine, _stats, _stages = demo
    today = "2026-11-22 17:00"  # 00:00 at the salon, as stored (UTC)
    queries = {
        # (not their tier, nor with it the VIP group: the ranking counts today's visits)
        "customer": "SELECT id, code, name, name_norm, phone, phone_national, phone_rev, "
                    "birthday, gender, email, address, note, member_state, member_reason, "
                    "created_at, deleted_at FROM customer ORDER BY id",
        "customer_package": "SELECT id, customer_id, plan_id, name, kind, price, purchased_on, "
                            "created_at FROM customer_package WHERE created_at < ? ORDER BY id",
        "value_card": "SELECT * FROM value_card WHERE created_at < ? ORDER BY id",
        "payment": "SELECT p.* FROM payment p JOIN invoice i ON i.id = p.invoice_id "
                   "WHERE i.created_at < ? ORDER BY p.id",
        # (a care note is written by the customer's own branch's receptionist)
        "care_note": "SELECT count(*) FROM care_note WHERE created_at < ?",
        # the same visits, by the same customers
        "invoice": "SELECT customer_id FROM invoice WHERE created_at < ? ORDER BY id",
    }
    for table, sql in queries.items():
        rows = []
        for db in (chain_digests[0], path):
            conn = sqlite3.connect(db)
            try:
                rows.append(conn.execute(sql, (today,) if "?" in sql else ()).fetchall())
            finally:
                conn.close()
        assert rows[0] == rows[1], table
        assert rows[0], table


def test_demo_branches_from_the_command_line(tmp_path):
    from typer.testing import CliRunner

    from salontui.cli import app
    from salontui.store.demo import MAX_BRANCHES

    url = f"sqlite:///{tmp_path / 'chain.db'}"
    runner = CliRunner()
    built = runner.invoke(app, ["demo", "--customers", "60", "--branches", "3", "--db", url])
    assert built.exit_code == 0, built.output
    assert "Demo salon ready: 3 branches, 60 customers" in built.output
    checked = runner.invoke(app, ["check", "--db", url])
    assert checked.exit_code == 0 and "consistent" in checked.output, checked.output
    listed = runner.invoke(app, ["branch", "list", "--db", url])
    assert "TK" in listed.output and "[ST-]" in listed.output, listed.output
    too_many = runner.invoke(app, ["demo", "--branches", str(MAX_BRANCHES + 1), "--replace",
                                   "--db", url])
    assert too_many.exit_code == 2 and "Traceback" not in too_many.output
    with pytest.raises(ValueError, match="branches"):
        build_demo(url, customers=60, branches=0, replace=True)
