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
    "deleted rows": [
        "DROP TRIGGER audit_log_no_delete",
        "INSERT INTO audit_log (created_at, staff_id, action, entity) "
        f"VALUES ({NOW}, 1, 'x', 'y')",
        "INSERT INTO audit_log (created_at, staff_id, action, entity) "
        f"VALUES ({NOW}, 1, 'x', 'y')",
        "DELETE FROM audit_log WHERE id = 2",
        "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log "
        "BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END",
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
    "counters": ["UPDATE counter SET value = 5 WHERE name = 'invoice'"],
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
        "triggers": "append-only triggers", "no_holes": "deleted rows",
        "package_counts": "package sessions", "package_history": "package history",
        "line_amounts": "invoice lines", "invoice_subtotals": "invoice subtotals",
        "invoice_totals": "invoice totals", "invoice_payments": "invoice payments",
        "invoice_change": "invoice change",
        "refund_links": "refunds", "ledger_matches_documents": "ledger vs invoices",
        "ledger_owners": "ledger owners", "balances": "balances", "counters": "counters",
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
