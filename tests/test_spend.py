"""Spend: what the customer paid for services, products and packages, net of refunds; money
put on a stored-value card counts once: here when it is put on the card (the salon's
setting ``topup_spend`` = "paid"), not again when spent. The other choice (when spent, the
default) is tested with the tiers (test_loyalty_tiers.py)."""

from __future__ import annotations

import pytest

from salontui.store.cart import Cart, CartLine, CartPayment
from salontui.store.catalog import create_item
from salontui.store.checkout import checkout
from salontui.store.ledger import card_balances, ensure_card
from salontui.store.refunds import refund_invoice
from salontui.store.summary import customer_summary, total_spend


@pytest.fixture(autouse=True)
def _topups_count_when_paid(writer):
    from salontui.store.settings import update_settings

    with writer() as s:
        update_settings(s, staff_id=None, topup_spend="paid")


@pytest.fixture
def service(writer, staff_id):
    with writer() as s:
        return create_item(s, staff_id=staff_id, name="Gội đầu dưỡng sinh", kind="service",
                           price=180_000).id


def _pay(writer, staff_id, key, **cart):
    with writer() as s:
        return checkout(s, staff_id=staff_id, cart=Cart(**cart), idempotency_key=key)


def _spent(reader, customer_id) -> int:
    with reader() as s:
        spent = total_spend(s, customer_id=customer_id)
        assert customer_summary(s, customer_id=customer_id).total_spend == spent  # the header
    return spent


def test_a_top_up_counts_once_not_again_when_spent_from_the_card(
        writer, reader, staff_id, customer_id, service, fixed_now):
    with writer() as s:
        card = ensure_card(s, customer_id=customer_id)
    _pay(writer, staff_id, "top", customer_id=customer_id,
         lines=[CartLine(kind="topup", unit_price=10_000_000, credit=11_000_000)],
         payments=[CartPayment("transfer", 10_000_000)])
    assert _spent(reader, customer_id) == 10_000_000  # the money paid, not the credit

    sale = _pay(writer, staff_id, "sale", customer_id=customer_id,
                lines=[CartLine(kind="service", item_id=service)],
                payments=[CartPayment("value", 180_000, card_id=card)])
    with reader() as s:
        assert card_balances(s, customer_id=customer_id)[0].balance == 10_820_000
    assert _spent(reader, customer_id) == 10_000_000  # not 10,180,000

    with writer() as s:  # back onto the card: spending it added nothing, so nothing comes off
        refund_invoice(s, staff_id=staff_id, invoice_id=sale.invoice_id, reason="Khách đổi ý",
                       idempotency_key="r1")
    assert _spent(reader, customer_id) == 10_000_000

    cash = _pay(writer, staff_id, "cash", customer_id=customer_id,
                lines=[CartLine(kind="service", item_id=service)],
                payments=[CartPayment("cash", 200_000)])  # 20,000 change
    assert _spent(reader, customer_id) == 10_180_000
    with writer() as s:  # paid back in money: it comes off
        refund_invoice(s, staff_id=staff_id, invoice_id=cash.invoice_id, reason="Làm lại",
                       idempotency_key="r2")
    assert _spent(reader, customer_id) == 10_000_000


def test_debt_counts_when_sold_not_when_repaid_and_points_are_not_money(
        writer, reader, staff_id, customer_id, service, fixed_now):
    _pay(writer, staff_id, "owe", customer_id=customer_id,
         lines=[CartLine(kind="service", item_id=service)],
         payments=[CartPayment("cash", 80_000), CartPayment("account", 100_000)])
    assert _spent(reader, customer_id) == 180_000
    # A sale and a repayment on one invoice: only the sale is spend.
    _pay(writer, staff_id, "both", customer_id=customer_id,
         lines=[CartLine(kind="service", item_id=service),
                CartLine(kind="repay", unit_price=100_000)],
         payments=[CartPayment("cash", 280_000)])
    assert _spent(reader, customer_id) == 360_000
    _pay(writer, staff_id, "waived", customer_id=customer_id,
         lines=[CartLine(kind="service", item_id=service)],
         payments=[CartPayment("cash", 100_000), CartPayment("free", 80_000)])
    assert _spent(reader, customer_id) == 460_000


def test_a_sale_and_a_debt_paid_from_the_card_add_nothing(writer, reader, staff_id, customer_id,
                                                          service, fixed_now):
    with writer() as s:
        card = ensure_card(s, customer_id=customer_id)
    _pay(writer, staff_id, "top", customer_id=customer_id,
         lines=[CartLine(kind="topup", unit_price=1_000_000)],
         payments=[CartPayment("cash", 1_000_000)])
    _pay(writer, staff_id, "owe", customer_id=customer_id,
         lines=[CartLine(kind="service", item_id=service)],
         payments=[CartPayment("account", 180_000)])
    assert _spent(reader, customer_id) == 1_180_000
    both = _pay(writer, staff_id, "both", customer_id=customer_id,
                lines=[CartLine(kind="service", item_id=service),
                       CartLine(kind="repay", unit_price=180_000)],
                payments=[CartPayment("value", 360_000, card_id=card)])
    assert _spent(reader, customer_id) == 1_180_000  # the card's money counted when put on it
    with writer() as s:  # everything back onto the card and the debt: still nothing changes
        refund_invoice(s, staff_id=staff_id, invoice_id=both.invoice_id, reason="Nhầm",
                       idempotency_key="r1")
    assert _spent(reader, customer_id) == 1_180_000
