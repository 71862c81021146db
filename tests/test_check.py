"""``salontui check``: a clean demo salon passes, and every invariant catches its own kind of
damage (each case breaks the database one way, through raw SQL, dropping the append-only
trigger first where the damage needs an UPDATE or DELETE)."""

from __future__ import annotations

import shutil
import sqlite3
from datetime import date

import pytest

from salontui.store.check import CHECKS, Problem, run_checks
from salontui.store.db import make_engine
from salontui.store.demo import build_demo


@pytest.fixture(scope="module")
def clean_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("check") / "clean.db"
    build_demo(f"sqlite:///{path}", customers=300, seed=7, today=date(2026, 11, 23))
    return path


@pytest.fixture
def salon(clean_file, tmp_path):
    """A fresh copy of the clean demo to break."""
    path = tmp_path / "salon.db"
    shutil.copy(clean_file, path)
    return path


def _checks(path, **kw) -> list[Problem]:
    engine = make_engine(f"sqlite:///{path}")
    try:
        return run_checks(engine, **kw)
    finally:
        engine.dispose()


def _break(path, *statements: str) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        for sql in statements:
            conn.execute(sql)
    finally:
        conn.close()


def _one(path, sql: str):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchone()
    finally:
        conn.close()


def test_clean_demo_passes(salon):
    assert _checks(salon) == []


def test_problem_reads_well():
    problem = Problem("invoice payments", "2 invoices whose payments do not add up", 2)
    assert str(problem) == "[invoice payments] 2 invoices whose payments do not add up"


def test_only_and_unknown_checks(salon):
    assert _checks(salon, only=["counters", "balances"]) == []
    with pytest.raises(ValueError):
        _checks(salon, only=["no such check"])


# Each case: (label of the problem expected, damage as SQL statements).
SERVICE_LINE = "(SELECT min(id) FROM invoice_line WHERE kind = 'service')"
SALE = "(SELECT min(id) FROM invoice WHERE kind = 'sale' AND total > 0)"
CARD = "(SELECT min(id) FROM value_card)"
CARD_OWNER = f"(SELECT customer_id FROM value_card WHERE id = {CARD})"
EARNER = "(SELECT customer_id FROM ledger_entry WHERE kind = 'earn' ORDER BY id LIMIT 1)"
LEDGER = ("INSERT INTO ledger_entry (customer_id, account, card_id, created_at, amount, kind, "
          "reason, ref_type, ref_id, operator_id) VALUES ")
NOW = "'2026-11-23 02:00:00.000000'"

DAMAGE = {
    "integrity": [
        "PRAGMA writable_schema = ON",
        "UPDATE sqlite_master SET sql = 'CREATE INDEX ix_customer_name_norm ON customer (phone)'"
        " WHERE name = 'ix_customer_name_norm'",
    ],
    "foreign keys": [
        f"{LEDGER} (999999, 'debt', NULL, {NOW}, 5, 'adjust', 'x', 'adjustment', NULL, 1)",
    ],
    "append-only triggers": ["DROP TRIGGER ledger_entry_no_update"],
    "sealed books": [  # a row removed behind the triggers' back, and the triggers put back
        "DROP TRIGGER audit_log_no_delete",
        "DELETE FROM audit_log WHERE id = 2",
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
    ],
    "points earned": [  # an earn entry rewritten upwards (the sums still agree)
        "DROP TRIGGER ledger_entry_no_update",
        "UPDATE ledger_entry SET amount = amount + 1000000 WHERE id = "
        "(SELECT min(id) FROM ledger_entry WHERE kind = 'earn')",
    ],
    "adjustments": [  # points given by hand with no audit row saying who
        f"{LEDGER} ({EARNER}, 'points', NULL, {NOW}, 5000, 'adjust', 'x', 'adjustment', "
        "NULL, 1)",
    ],
    "package sessions": [
        "UPDATE customer_package SET used = total_uses + 1 WHERE id = "
        "(SELECT min(id) FROM customer_package WHERE kind = 'count')",
        "INSERT INTO package_event (package_id, created_at, change, delta_total, delta_used, "
        "value, note, operator_id) SELECT id, " + NOW + ", 'adjust_used', 0, "
        "used - (SELECT sum(delta_used) FROM package_event WHERE package_id = p.id), 0, 'x', 1 "
        "FROM customer_package p WHERE id = "
        "(SELECT min(id) FROM customer_package WHERE kind = 'count')",
    ],
    "package history": [
        "INSERT INTO package_event (package_id, created_at, change, delta_total, delta_used, "
        f"value, note, operator_id) VALUES (1, {NOW}, 'redeem', 0, 1, 0, '', 1)",
    ],
    "package closes": [  # closed with no close event in its history
        "UPDATE customer_package SET closed_on = '2026-11-20' WHERE id = 1",
    ],
    "invoice lines": [
        "DROP TRIGGER invoice_line_no_update",
        f"UPDATE invoice_line SET unit_price = unit_price + 1000 WHERE id = {SERVICE_LINE}",
    ],
    "invoice subtotals": [
        "DROP TRIGGER invoice_line_no_update",
        "UPDATE invoice_line SET unit_price = unit_price + 1000, amount = amount + 1000 "
        f"WHERE id = {SERVICE_LINE}",
    ],
    "invoice change": [
        "DROP TRIGGER invoice_no_update",
        f"UPDATE invoice SET change_given = -500 WHERE id = {SALE}",
    ],
    "invoice totals": [
        "DROP TRIGGER invoice_no_update",
        f"UPDATE invoice SET discount = discount + 1000 WHERE id = {SALE}",
    ],
    "invoice payments": [
        "DROP TRIGGER payment_no_update",
        f"UPDATE payment SET amount = amount - 1000 WHERE invoice_id = {SALE} AND id = "
        f"(SELECT min(id) FROM payment WHERE invoice_id = {SALE})",
    ],
    "refunds": [
        "DROP TRIGGER invoice_no_update",
        f"UPDATE invoice SET kind = 'refund' WHERE id = {SALE}",
    ],
    "ledger vs invoices": [  # debt charged with no payment on account behind it
        f"{LEDGER} ((SELECT customer_id FROM invoice WHERE id = {SALE}), 'debt', NULL, {NOW}, "
        f"50000, 'charge', 'x', 'invoice', {SALE}, 1)",
    ],
    "ledger owners": [  # points earned on somebody else's invoice
        f"{LEDGER} ((SELECT customer_id FROM invoice WHERE id = {SALE}) + 1, 'points', NULL, "
        f"{NOW}, 10, 'earn', 'x', 'invoice', {SALE}, 1)",
    ],
    "ledger cards": [  # stored value put on another customer's card
        f"{LEDGER} ({CARD_OWNER} + 1, 'value', {CARD}, {NOW}, 1000, 'adjust', 'x', "
        "'adjustment', NULL, 1)",
    ],
    "balances": [  # spent before it was given: the final sum is fine, the history is not
        f"INSERT INTO customer (code, name, name_norm, phone, phone_national, phone_rev, gender,"
        f" email, address, note, tier, member_state, created_at, updated_at) VALUES "
        f"('KH999999', 'An', 'an', '+84905000001', '0905000001', '1000005090', '', '', '', '',"
        f" 'Member', 'active', {NOW}, {NOW})",
        f"{LEDGER} ((SELECT id FROM customer WHERE code = 'KH999999'), 'points', NULL, {NOW}, "
        "-500, 'adjust', 'x', 'adjustment', NULL, 1)",
        f"{LEDGER} ((SELECT id FROM customer WHERE code = 'KH999999'), 'points', NULL, {NOW}, "
        "500, 'adjust', 'x', 'adjustment', NULL, 1)",
        "INSERT INTO customer_name_key (customer_id, key) "
        "SELECT id, 'an' FROM customer WHERE code = 'KH999999'",
        "UPDATE counter SET value = 999999 WHERE name = 'customer'",
    ],
    "products to collect": [  # handed over what was never left at the salon
        "INSERT INTO held_product_entry (customer_id, item_id, description, quantity, amount, "
        f"kind, created_at, note) SELECT 1, min(id), 'x', -1, 0, 'handover', {NOW}, '' "
        "FROM catalog_item WHERE kind = 'product'"],
    "back-fills": [  # points said to be back-filled, with no back-fill behind them
        f"{LEDGER} (3, 'points', NULL, {NOW}, 100, 'backfill', 'back-fill', 'backfill', 999999,"
        " 1)"],
    "reports": [  # a cash payment said to be on account: the day's debt is not the ledger's
        "DROP TRIGGER payment_no_update",
        f"UPDATE payment SET method = 'account' WHERE id = (SELECT min(id) FROM payment "
        f"WHERE method = 'cash' AND invoice_id = {SALE})"],
    "counters": ["UPDATE counter SET value = 5 WHERE name = 'invoice'"],
    "merges": [  # a customer said to be merged away with no merge behind it (no undo)
        f"UPDATE customer SET merged_into_id = 1, deleted_at = {NOW} WHERE id = 4"],

    "appointments": [  # a paid visit's lines gone
        "DELETE FROM appointment_line WHERE appointment_id = "
        "(SELECT min(id) FROM appointment WHERE status = 'paid')"],
    "appointments paid twice": [  # a second visit says it was paid by the first's invoice
        "UPDATE appointment SET status = 'paid', invoice_id = (SELECT min(invoice_id) FROM "
        "appointment) WHERE id = (SELECT min(id) FROM appointment WHERE invoice_id IS NULL)"],
    "name search": ["UPDATE customer SET name_norm = 'someone else' WHERE id = 3"],
    "phone search": ["UPDATE customer SET phone_rev = '123' WHERE id = 3"],
}


@pytest.mark.parametrize("label", list(DAMAGE))
def test_each_invariant_catches_its_damage(salon, label):
    _break(salon, *DAMAGE[label])
    problems = _checks(salon)
    assert label in {p.check for p in problems}, [str(p) for p in problems]
    for problem in problems:
        assert problem.message and str(problem).startswith(f"[{problem.check}]")


def test_every_check_can_fail():
    """The cases above cover every check that run_checks runs."""
    covered = {
        "integrity": "integrity", "foreign_keys": "foreign keys",
        "triggers": "append-only triggers", "chains": "sealed books",
        "points_earned": "points earned", "adjustments_audited": "adjustments",
        "package_counts": "package sessions", "package_history": "package history",
        "package_closes": "package closes", "appointments": "appointments",
        "line_amounts": "invoice lines",
        "invoice_subtotals": "invoice subtotals",
        "invoice_totals": "invoice totals", "invoice_payments": "invoice payments",
        "invoice_change": "invoice change",
        "refund_links": "refunds", "ledger_matches_documents": "ledger vs invoices",
        "ledger_owners": "ledger owners", "balances": "balances", "counters": "counters",
        "held_products": "products to collect",
        "backfills": "back-fills",
        "reports": "reports", "merges": "merges",
        "search_keys": "name search",
    }
    assert set(covered) == set(CHECKS)
    assert set(covered.values()) <= set(DAMAGE)


def test_damage_is_named_precisely(salon):
    """A message says which rows: the invoice code, how much, and how many."""
    code = _one(salon, f"SELECT code FROM invoice WHERE id = {SALE}")[0]
    _break(salon, *DAMAGE["invoice payments"])
    problems = [p for p in _checks(salon) if p.check == "invoice payments"]
    assert len(problems) == 1 and problems[0].count == 1
    assert code in problems[0].message and "paid" in problems[0].message


def test_negative_card_balance(salon):
    _break(salon, f"{LEDGER} ({CARD_OWNER}, 'value', {CARD}, {NOW}, -999999999, 'adjust', "
                  "'x', 'adjustment', NULL, 1)")
    problems = _checks(salon, only=["balances"])
    assert [p.check for p in problems] == ["balances"]
    assert "stored-value card went below zero" in problems[0].message


def test_negative_points_at_the_end(salon):
    _break(salon, f"{LEDGER} ({EARNER}, 'points', NULL, {NOW}, -999999999, 'adjust', 'x', "
                  "'adjustment', NULL, 1)")
    problems = _checks(salon, only=["balances"])
    assert "points" in problems[0].message


def test_missing_name_keys(salon):
    _break(salon, "DELETE FROM customer_name_key WHERE customer_id = 5")
    problems = _checks(salon, only=["search_keys"])
    assert [p.check for p in problems] == ["name search"]
    assert "KH000005" in problems[0].message


def test_a_check_that_cannot_run_is_reported(salon):
    _break(salon, "DROP TABLE counter")
    problems = _checks(salon)
    assert [p.check for p in problems] == ["counters"]
    assert "could not run" in problems[0].message


# -- tamper-evidence: what the sums alone could not see ------------------------------------

def _sealed_problems(path) -> list[Problem]:
    return [p for p in _checks(path) if p.check == "sealed books"]


def test_insert_or_replace_is_refused_on_every_append_only_table(salon):
    """INSERT OR REPLACE deletes the row in the way without firing DELETE triggers; the
    database refuses it (a points entry of 83,163 cannot become 1,083,163)."""
    conn = sqlite3.connect(salon, isolation_level=None)
    try:
        for table in ("ledger_entry", "package_event", "invoice", "invoice_line", "payment",
                      "audit_log"):
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            row = conn.execute(f"SELECT * FROM {table} ORDER BY id LIMIT 1").fetchone()
            marks = ", ".join("?" * len(columns))
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                conn.execute(f"INSERT OR REPLACE INTO {table} VALUES ({marks})", row)
            with pytest.raises(sqlite3.DatabaseError, match="append-only"):
                conn.execute(f"REPLACE INTO {table} VALUES ({marks})", row)
        code = conn.execute("SELECT code FROM invoice ORDER BY id LIMIT 1").fetchone()[0]
        with pytest.raises(sqlite3.DatabaseError, match="append-only"):  # by its unique code
            conn.execute("INSERT OR REPLACE INTO invoice (code, created_at, kind) "
                         f"VALUES ('{code}', {NOW}, 'sale')")
    finally:
        conn.close()
    assert _checks(salon) == []


def test_a_rewritten_amount_is_caught_even_with_the_triggers_put_back(salon):
    _break(salon,
           "DROP TRIGGER ledger_entry_no_update",
           "UPDATE ledger_entry SET amount = amount + 1000000 WHERE id = 7",
           "CREATE TRIGGER ledger_entry_no_update BEFORE UPDATE ON ledger_entry "
           "BEGIN SELECT RAISE(ABORT, 'ledger_entry is append-only'); END")
    problems = _sealed_problems(salon)
    assert len(problems) == 1 and problems[0].count == 1
    assert "ledger_entry" in problems[0].message and ": 7" in problems[0].message


def test_a_cash_payment_switched_to_card_is_caught(salon):
    """Both sides still add up; only the seal sees it."""
    pid = _one(salon, "SELECT min(id) FROM payment WHERE method = 'cash'")[0]
    _break(salon, "DROP TRIGGER payment_no_update",
           f"UPDATE payment SET method = 'card' WHERE id = {pid}")
    problems = [p for p in _checks(salon) if p.check != "append-only triggers"]
    assert [p.check for p in problems] == ["sealed books"]
    assert f": {pid}" in problems[0].message


def test_a_made_up_adjustment_is_caught(salon):
    """An adjust entry slipped in with a well-formed hash still has no audit row."""
    from salontui.store import chain

    conn = sqlite3.connect(salon, isolation_level=None)
    try:
        last_id, last_hash = conn.execute(
            "SELECT id, row_hash FROM ledger_entry ORDER BY id DESC LIMIT 1").fetchone()
        customer = conn.execute(EARNER[1:-1]).fetchone()[0]
        given = {"id": last_id + 1, "customer_id": customer, "account": "points",
                 "card_id": None, "created_at": "2026-11-23 02:00:00.000000", "amount": 5000,
                 "kind": "adjust", "reason": "x", "ref_type": "adjustment", "ref_id": None,
                 "operator_id": 1}
        values = tuple(given[name] for name in chain.columns("ledger_entry"))
        row_hash = chain.link(last_hash, chain.columns("ledger_entry"), values)
        conn.execute(f"INSERT INTO ledger_entry ({', '.join(chain.columns('ledger_entry'))}, "
                     "row_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                     (*values, row_hash))
    finally:
        conn.close()
    assert [p.check for p in _checks(salon)] == ["adjustments"]


def test_rewriting_the_whole_chain_does_not_match_a_printed_seal(salon):
    """Whoever rewrites a row and recomputes every hash after it passes the chain check,
    but not the seal printed on an earlier day close."""
    from salontui.store import chain

    engine = make_engine(f"sqlite:///{salon}")
    with engine.connect() as conn:
        printed = chain.seal(conn)
        assert chain.verify_seal(conn, printed) is None
    engine.dispose()
    conn = sqlite3.connect(salon, isolation_level=None)
    try:
        conn.execute("DROP TRIGGER payment_no_update")
        pid = conn.execute("SELECT min(id) FROM payment WHERE method = 'cash'").fetchone()[0]
        conn.execute(f"UPDATE payment SET method = 'card' WHERE id = {pid}")
        names = chain.columns("payment")
        sealer = chain.Sealer("payment")
        for row in conn.execute(f"SELECT {', '.join(names)} FROM payment ORDER BY id")\
                .fetchall():
            conn.execute("UPDATE payment SET row_hash = ? WHERE id = ?",
                         (sealer.seal(row), row[0]))
    finally:
        conn.close()
    assert _sealed_problems(salon) == []  # a perfect forgery of the chain itself…
    engine = make_engine(f"sqlite:///{salon}")
    with engine.connect() as conn:
        assert "rewritten" in chain.verify_seal(conn, printed)  # …but not of the seal
        assert chain.verify_seal(conn, "nonsense") is not None
    engine.dispose()


def test_a_merge_in_force_whose_duplicate_is_back_is_caught(salon):
    _break(salon, "INSERT INTO customer_merge (kept_id, merged_id, staff_id, moved, created_at)"
           f" VALUES (1, 5, 1, '{{}}', {NOW})")
    problems = [str(p) for p in _checks(salon)]
    assert any(p.startswith("[merges] 1 merge in force whose duplicate") for p in problems), \
        problems
