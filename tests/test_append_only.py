"""The append-only tables refuse to be rewritten on both engines (UPDATE, DELETE; SQLite's
INSERT OR REPLACE; PostgreSQL's TRUNCATE), and a guard switched off is reported by check."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from salontui.store.cart import Cart, CartLine, CartPayment
from salontui.store.catalog import create_item
from salontui.store.check import run_checks
from salontui.store.checkout import checkout
from salontui.store.ledger import adjust_points
from salontui.store.models import APPEND_ONLY_TABLES


@pytest.fixture
def written(writer, reader, staff_id, customer_id):
    """A row in every append-only table: a package sold at the checkout (an invoice, its
    line and payment, the package's first event, the points it earned, the audit rows)."""
    with writer() as s:
        plan = create_item(s, staff_id=staff_id, name="Gói gội 10 lần", kind="package",
                           price=500_000, package_kind="count", sessions=10, validity_days=365)
        checkout(s, staff_id=staff_id, idempotency_key="k", cart=Cart(
            customer_id=customer_id, lines=[CartLine(kind="package", item_id=plan.id)],
            payments=[CartPayment("cash", 500_000)]))
    with reader() as s:
        for table in APPEND_ONLY_TABLES:
            assert s.execute(text(f"SELECT count(*) FROM {table}")).scalar() > 0, table


@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
def test_rows_cannot_be_changed_or_removed(engine, written, table):
    for sql in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}"):
        with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
            conn.execute(text(sql))


@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
def test_a_table_cannot_be_emptied_at_once(engine, engine_name, written, table):
    if engine_name == "sqlite":
        pytest.skip("SQLite has no TRUNCATE (DELETE without WHERE is refused above)")
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {table} CASCADE"))
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM audit_log")).scalar() > 0


def test_a_guard_switched_off_is_reported(engine, engine_name, written):
    with engine.begin() as conn:
        if engine_name == "postgresql":
            conn.execute(text("ALTER TABLE ledger_entry DISABLE TRIGGER ledger_entry_no_update"))
        else:  # SQLite cannot disable a trigger: only drop it
            conn.execute(text("DROP TRIGGER ledger_entry_no_update"))
    problems = run_checks(engine, only=["triggers"])
    assert [p.check for p in problems] == ["append-only triggers"]
    assert "ledger_entry UPDATE" in problems[0].message


def test_a_row_removed_behind_the_guards_is_caught_on_both_engines(engine, engine_name,
                                                                   written, writer,
                                                                   staff_id, customer_id):
    """With its guard dropped and put back around the edit, a removed ledger row still
    breaks the table's seal: the check of removed rows holds on PostgreSQL too (ids come
    from a sequence there, with holes after a rollback, so a count of ids would not do)."""
    with writer() as s:  # a row after the one removed, whose seal names it
        adjust_points(s, staff_id=staff_id, customer_id=customer_id, amount=5,
                      reason="Khách quen")
    with engine.begin() as conn:
        victim = conn.execute(text("SELECT min(id) FROM ledger_entry")).scalar()
        if engine_name == "postgresql":
            conn.execute(text("ALTER TABLE ledger_entry DISABLE TRIGGER ledger_entry_no_delete"))
            conn.execute(text("DELETE FROM ledger_entry WHERE id = :i"), {"i": victim})
            conn.execute(text("ALTER TABLE ledger_entry ENABLE TRIGGER ledger_entry_no_delete"))
        else:
            sql = conn.execute(text("SELECT sql FROM sqlite_master WHERE name = "
                                    "'ledger_entry_no_delete'")).scalar()
            conn.execute(text("DROP TRIGGER ledger_entry_no_delete"))
            conn.execute(text("DELETE FROM ledger_entry WHERE id = :i"), {"i": victim})
            conn.execute(text(sql))
    problems = run_checks(engine)
    assert "sealed books" in [p.check for p in problems]
    assert "append-only triggers" not in [p.check for p in problems]  # put back
