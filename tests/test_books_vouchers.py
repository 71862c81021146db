"""Vouchers (代金券): a money balance kept like points, adjusted with a reason, spent at the
checkout as the built-in method "voucher", given back by a refund, moved by a merge and
checked by ``salontui check``."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from salontui.store.books.vouchers import adjust_vouchers, voucher_balance, voucher_history
from salontui.store.cart import Cart, CartLine, CartPayment
from salontui.store.catalog import create_item
from salontui.store.check import run_checks
from salontui.store.checkout import checkout
from salontui.store.customers import create_customer
from salontui.store.dayclose import day_close
from salontui.store.errors import NotFound, RuleViolation, SalonError, ValidationError
from salontui.store.invoices import get_invoice
from salontui.store.ledger import post_entry
from salontui.store.merge import merge_customers, undo_merge
from salontui.store.receipts import receipt_text
from salontui.store.refunds import default_refund_payments, refund_invoice
from salontui.store.sales import cart_rules
from salontui.store.settings import get_settings
from salontui.store.summary import customer_summary, total_spend


def _counts(reader) -> tuple[int, int]:
    with reader() as s:
        return (s.execute(text("SELECT count(*) FROM ledger_entry")).scalar_one(),
                s.execute(text("SELECT count(*) FROM audit_log")).scalar_one())


@pytest.fixture
def cut(writer, staff_id):
    with writer() as s:
        return create_item(s, staff_id=staff_id, name="Cắt tóc nữ", kind="service",
                           price=300_000).id


def test_adjust_with_a_reason_keeps_a_running_balance_and_an_audit_row(
        writer, reader, engine, staff_id, customer_id, fixed_now):
    with writer() as s:
        given = adjust_vouchers(s, staff_id=staff_id, customer_id=customer_id,
                                amount=200_000, reason="Quà sinh nhật")
        taken = adjust_vouchers(s, staff_id=staff_id, customer_id=customer_id,
                                amount=-50_000, reason="Nhập sai")
    assert (given.balance_after, taken.balance_after) == (200_000, 150_000)
    with reader() as s:
        assert voucher_balance(s, customer_id=customer_id) == 150_000
        history = voucher_history(s, customer_id=customer_id)
        assert [(r.amount, r.balance_after, r.kind, r.reason, r.operator_name)
                for r in history] == [(-50_000, 150_000, "adjust", "Nhập sai", "Trần Thu Hà"),
                                      (200_000, 200_000, "adjust", "Quà sinh nhật",
                                       "Trần Thu Hà")]
        assert customer_summary(s, customer_id=customer_id).vouchers == 150_000
        before, after = s.execute(text(
            "SELECT before, after FROM audit_log WHERE action = 'adjust_vouchers' "
            "ORDER BY id DESC")).first()
    assert json.loads(before) == {"voucher": 200_000}
    assert json.loads(after)["voucher"] == 150_000 and json.loads(after)["reason"] == "Nhập sai"
    assert run_checks(engine, only=["adjustments_audited", "balances"]) == []


@pytest.mark.parametrize(("changes", "field", "error", "says"), [
    ({"amount": -1}, "amount", RuleViolation, "vouchers left"),
    ({"amount": 0}, "amount", ValidationError, "zero"),
    ({"amount": 10**16}, "amount", ValidationError, "too large"),
    ({"reason": "  "}, "reason", ValidationError, "Reason"),
    ({"reason": "x" * 10_000}, "reason", ValidationError, ""),
    ({"customer_id": 999_999}, "customer", NotFound, ""),
    ({"amount": "100"}, "amount", ValidationError, ""),
])
def test_bad_adjustments_are_refused_at_their_field_and_write_nothing(
        writer, reader, staff_id, customer_id, changes, field, error, says):
    before = _counts(reader)
    with pytest.raises(error) as info, writer() as s:
        adjust_vouchers(s, **({"staff_id": staff_id, "customer_id": customer_id,
                               "amount": 100_000, "reason": "Quà"} | changes))
    assert info.value.field == field and says in info.value.message
    assert _counts(reader) == before


def test_the_ledger_refuses_vouchers_below_zero_naming_them(writer, staff_id, customer_id):
    with writer() as s:
        adjust_vouchers(s, staff_id=staff_id, customer_id=customer_id, amount=50_000,
                        reason="Quà")
    with pytest.raises(RuleViolation) as info, writer() as s:
        post_entry(s, customer_id=customer_id, account="voucher", amount=-80_000, kind="pay",
                   operator_id=staff_id)
    assert "50.000" in info.value.message and "vouchers" in info.value.message


def test_paying_part_with_vouchers_at_the_checkout_and_refunding_gives_them_back(
        writer, reader, engine, staff_id, customer_id, cut, fixed_now):
    with writer() as s:
        adjust_vouchers(s, staff_id=staff_id, customer_id=customer_id, amount=200_000,
                        reason="Quà")
    # F9 on the voucher field offers what the vouchers hold, never more than is left to pay.
    assert cart_rules.fill_amount("voucher", total=300_000, payments=[],
                                  vouchers=200_000) == 200_000
    assert cart_rules.fill_amount("voucher", total=300_000,
                                  payments=[CartPayment("cash", 250_000)],
                                  vouchers=200_000) == 50_000
    cart = Cart(customer_id=customer_id, lines=[CartLine(kind="service", item_id=cut)],
                payments=[CartPayment("voucher", 200_000), CartPayment("cash", 100_000)])
    with writer() as s:
        paid = checkout(s, staff_id=staff_id, cart=cart, idempotency_key="v1")
    with reader() as s:
        assert voucher_balance(s, customer_id=customer_id) == 0
        [entry] = [r for r in voucher_history(s, customer_id=customer_id) if r.kind == "pay"]
        assert (entry.amount, entry.invoice_code) == (-200_000, paid.code)
        assert s.execute(text("SELECT method, amount FROM payment ORDER BY id")).all() == [
            ("voucher", 200_000), ("cash", 100_000)]
        # Not money: no points on it, not spend; the day close has it under its own kind.
        assert total_spend(s, customer_id=customer_id) == 100_000
        close = day_close(s, day=fixed_now.date())
        assert ("voucher", 200_000, 0, 200_000) in close.per_kind
        invoice = get_invoice(s, invoice_id=paid.invoice_id)
        assert "Voucher" in receipt_text(invoice, get_settings(s), width=32)
        assert [p.label for p in invoice.payments] == ["Voucher", "Cash"]
        back = default_refund_payments(s, invoice_id=paid.invoice_id, amount=300_000,
                                       point_value=1)
    assert [(p.method, p.amount) for p in back] == [("voucher", 200_000), ("cash", 100_000)]
    with writer() as s:
        refund_invoice(s, staff_id=staff_id, invoice_id=paid.invoice_id, reason="Khách đổi ý",
                       idempotency_key="r1")
    with reader() as s:
        assert voucher_balance(s, customer_id=customer_id) == 200_000
    assert run_checks(engine, only=["ledger_matches_documents", "balances", "points_earned",
                                    "invoice_payments"]) == []


def test_the_checkout_refuses_more_than_the_vouchers_and_a_walk_in(
        writer, reader, staff_id, customer_id, cut):
    with writer() as s:
        adjust_vouchers(s, staff_id=staff_id, customer_id=customer_id, amount=100_000,
                        reason="Quà")
    before = _counts(reader)
    for customer, field, says in ((customer_id, "voucher", "100.000"),
                                  (None, "voucher", "walk-in")):
        cart = Cart(customer_id=customer, lines=[CartLine(kind="service", item_id=cut)],
                    payments=[CartPayment("voucher", 300_000)])
        with pytest.raises(SalonError) as info, writer() as s:
            checkout(s, staff_id=staff_id, cart=cart, idempotency_key=f"x{customer}")
        assert info.value.field == field and says in info.value.message
    assert _counts(reader) == before
    summary = type("S", (), {"vouchers": 100_000, "member_state": "active", "points": 0})
    assert cart_rules.payment_problem("voucher", 100_001, walk_in=False, customer=summary) \
        == cart_rules.TOO_FEW_VOUCHERS
    assert cart_rules.payment_problem("voucher", 100_000, walk_in=False,
                                      customer=summary) is None
    assert cart_rules.payment_problem("voucher", 1, walk_in=True) == cart_rules.WALK_IN


def test_a_merge_moves_the_vouchers_and_undo_gives_them_back(
        writer, reader, engine, staff_id, customer_id):
    with writer() as s:
        duplicate = create_customer(s, staff_id=staff_id, name="Nguyễn Thị Hương",
                                    phone="0912 000 111", allow_duplicate=True).id
        adjust_vouchers(s, staff_id=staff_id, customer_id=duplicate, amount=70_000,
                        reason="Cũ")
        adjust_vouchers(s, staff_id=staff_id, customer_id=customer_id, amount=30_000,
                        reason="Mới")
        merged = merge_customers(s, staff_id=staff_id, keep_id=customer_id,
                                 merge_id=duplicate)
    with reader() as s:
        assert (voucher_balance(s, customer_id=customer_id),
                voucher_balance(s, customer_id=duplicate)) == (100_000, 0)
    with writer() as s:
        undo_merge(s, staff_id=staff_id, merge_id=merged.merge_id)
    with reader() as s:
        assert (voucher_balance(s, customer_id=customer_id),
                voucher_balance(s, customer_id=duplicate)) == (30_000, 70_000)
    assert run_checks(engine, only=["balances", "adjustments_audited"]) == []


def test_check_finds_vouchers_below_zero_and_a_payment_without_its_entry(
        writer, engine, staff_id, customer_id, cut):
    with writer() as s:
        adjust_vouchers(s, staff_id=staff_id, customer_id=customer_id, amount=100_000,
                        reason="Quà")
        checkout(s, staff_id=staff_id, idempotency_key="v2", cart=Cart(
            customer_id=customer_id, lines=[CartLine(kind="service", item_id=cut)],
            payments=[CartPayment("voucher", 100_000), CartPayment("cash", 200_000)]))
    assert run_checks(engine, only=["balances", "ledger_matches_documents"]) == []
    with engine.begin() as conn:  # an entry slipped in, spending what was never there
        conn.execute(text(
            "INSERT INTO ledger_entry (customer_id, account, created_at, amount, kind, reason, "
            "ref_type, ref_id, operator_id) SELECT :c, 'voucher', created_at, -5000, 'pay', "
            "'x', 'invoice', ref_id, operator_id FROM ledger_entry WHERE account = 'voucher' "
            "AND kind = 'pay'"), {"c": customer_id})
    found = {p.check for p in run_checks(engine, only=["balances", "ledger_matches_documents"])}
    assert found == {"balances", "ledger vs invoices"}
