"""The sealed books (``store/chain.py``) from the store's side: every row written through
the store is sealed, a database from before the seals is sealed by its upgrade, and the
desk's own writes keep ``check`` clean."""

from __future__ import annotations

import sqlite3

from salontui.store import chain
from salontui.store.check import run_checks
from salontui.store.db import make_engine
from salontui.store.ledger import adjust_points
from salontui.store.schema import upgrade

NOW = "'2026-11-20 03:00:00.000000'"


def _old_salon(path) -> None:
    """A salon written at revision 0002 (before the seals): a sale that earned points."""
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine, "0002")
    engine.dispose()
    conn = sqlite3.connect(path, isolation_level=None)
    for sql in (
        "INSERT INTO salon_settings (id, name, address, phone, receipt_footer, currency, "
        "currency_exponent, locale, phone_region, points_per_amount, point_value, "
        "utc_offset_minutes) VALUES (1, 'S', '', '', '', 'VND', 0, 'vi_VN', 'VN', 10000, 100, "
        "420)",
        f"INSERT INTO staff (id, name, role, active, created_at) VALUES (1, 'Hà', 'owner', 1, "
        f"{NOW})",
        "INSERT INTO customer (id, code, name, name_norm, phone, phone_national, phone_rev, "
        "gender, email, address, note, tier, member_state, created_at, updated_at) VALUES "
        f"(1, 'KH000001', 'An', 'an', '+84905000001', '0905000001', '1000005090', '', '', '', "
        f"'', 'Member', 'active', {NOW}, {NOW})",
        "INSERT INTO customer_name_key (customer_id, key) VALUES (1, 'an')",
        "INSERT INTO invoice (id, code, customer_id, created_at, kind, subtotal, discount, "
        f"total, change_given, staff_id, note) VALUES (1, 'HD000001', 1, {NOW}, 'sale', "
        "250000, 0, 250000, 0, 1, '')",
        "INSERT INTO invoice_line (id, invoice_id, kind, description, quantity, unit_price, "
        "discount, amount, credit, picked_up) VALUES (1, 1, 'service', 'Cắt', 1, 250000, 0, "
        "250000, 0, 1)",
        "INSERT INTO payment (id, invoice_id, method, amount, points) VALUES "
        "(1, 1, 'cash', 250000, 0)",
        "INSERT INTO ledger_entry (customer_id, account, created_at, amount, kind, reason, "
        f"ref_type, ref_id, operator_id) VALUES (1, 'points', {NOW}, 25, 'earn', 'HD000001', "
        "'invoice', 1, 1)",
        f"INSERT INTO audit_log (created_at, staff_id, action, entity, entity_id) VALUES "
        f"({NOW}, 1, 'checkout', 'invoice', 1)",
        "INSERT INTO counter (name, value) VALUES ('invoice', 1), ('customer', 1)",
    ):
        conn.execute(sql)
    conn.close()


def test_an_old_database_is_sealed_by_its_upgrade(tmp_path):
    path = tmp_path / "old.db"
    _old_salon(path)
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    assert run_checks(engine) == []
    conn = sqlite3.connect(path)
    try:
        for table in chain.SEALED_TABLES:
            assert conn.execute(f"SELECT count(*) FROM {table} WHERE row_hash IS NULL"
                                ).fetchone()[0] == 0
        # the rate an old sale earned at is kept, so its points can be recomputed
        assert conn.execute("SELECT points_rate FROM invoice").fetchone()[0] == 10_000
        # and the guards are back after the sealing pass
        try:
            conn.execute("UPDATE payment SET method = 'card'")
            raise AssertionError("payment could be updated")
        except sqlite3.DatabaseError as error:
            assert "append-only" in str(error)
    finally:
        conn.close()
    engine.dispose()


def test_store_writes_are_sealed_in_order(engine, writer, staff_id, customer_id):
    """Each write appends to its table's chain; the chain checks out row by row."""
    for amount in (100, 250, -50):
        with writer() as s:
            adjust_points(s, staff_id=staff_id, customer_id=customer_id, amount=amount,
                          reason="Khách quen")
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(chain.select_sql("ledger_entry")).all()
    assert [r[0] for r in rows] == [1, 2, 3]
    assert all(r[-1] is not None and len(r[-1]) == chain.HASH_BYTES for r in rows)
    assert list(chain.broken_links("ledger_entry", rows)) == []
    assert run_checks(engine) == []


def test_a_hash_covers_every_column_and_its_place():
    names = chain.columns("payment")
    assert names == ("id", "amount", "card_id", "invoice_id", "method", "points")
    row = (1, 250000, None, 1, "cash", 0)
    sealed = chain.link(chain.GENESIS, names, row)
    assert chain.link(chain.GENESIS, names, (1, 250000, None, 1, "card", 0)) != sealed
    assert chain.link(chain.GENESIS, names, (2, 250000, None, 1, "cash", 0)) != sealed
    assert chain.link(sealed, names, row) != sealed  # the same row elsewhere in the chain
    # a value as the ORM holds it and as SQLite stores it seal alike
    from datetime import datetime

    audit = chain.columns("audit_log")
    assert audit == ("id", "action", "after", "approved_by", "before", "created_at", "entity",
                     "entity_id", "staff_id")
    typed = (1, "x", None, None, None, datetime(2026, 11, 20, 3, 0), "y", None, 1)
    stored = (1, "x", None, None, None, "2026-11-20 03:00:00.000000", "y", None, 1)
    assert chain.link(chain.GENESIS, audit, typed) == chain.link(chain.GENESIS, audit, stored)
