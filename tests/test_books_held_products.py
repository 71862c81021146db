"""Products paid for and not yet collected (待出库): left at the salon by the checkout,
handed over some then all, taken back by a refund of their line, moved by a merge, and
checked by ``salontui check``."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from salontui.store.books.held_products import (
    hand_over,
    held_history,
    held_quantity,
    to_collect,
)
from salontui.store.cart import Cart, CartLine, CartPayment, quote
from salontui.store.catalog import create_item
from salontui.store.check import run_checks
from salontui.store.checkout import checkout
from salontui.store.customers import create_customer
from salontui.store.errors import NotFound, RuleViolation, SalonError, ValidationError
from salontui.store.merge import merge_customers, undo_merge
from salontui.store.refunds import refund_invoice, refundable_lines
from salontui.store.summary import customer_summary

CHECKS = ["held_products", "balances", "ledger_matches_documents"]


@pytest.fixture
def oil(writer, staff_id):
    with writer() as s:
        return create_item(s, staff_id=staff_id, name="Dầu gội thảo dược", kind="product",
                           price=250_000).id


def _sell(writer, staff_id, customer_id, oil, *, quantity=3, key="k1", picked_up=False):
    cart = Cart(customer_id=customer_id,
                lines=[CartLine(kind="product", item_id=oil, quantity=quantity,
                                picked_up=picked_up)],
                payments=[CartPayment("cash", 250_000 * quantity)])
    with writer() as s:
        return checkout(s, staff_id=staff_id, cart=cart, idempotency_key=key)


def _counts(reader) -> tuple[int, int]:
    with reader() as s:
        return (s.execute(text("SELECT count(*) FROM held_product_entry")).scalar_one(),
                s.execute(text("SELECT count(*) FROM audit_log")).scalar_one())


def test_a_product_left_at_the_checkout_is_held_then_handed_over_some_then_all(
        writer, reader, engine, staff_id, customer_id, oil, fixed_now):
    sold = _sell(writer, staff_id, customer_id, oil)
    _sell(writer, staff_id, customer_id, oil, quantity=1, key="k2", picked_up=True)
    with reader() as s:
        [left] = to_collect(s, customer_id=customer_id)
        assert (left.description, left.quantity, left.amount, left.since) == (
            "Dầu gội thảo dược", 3, 750_000, fixed_now)
        assert customer_summary(s, customer_id=customer_id).to_collect == 3
    with writer() as s:
        first = hand_over(s, staff_id=staff_id, customer_id=customer_id, item_id=oil,
                          quantity=2, note="Chị lấy 2 chai")
    assert (first.id, first.quantity, first.left) == (oil, 2, 1)
    with reader() as s:
        [left] = to_collect(s, customer_id=customer_id)
        assert (left.quantity, left.amount) == (1, 250_000)  # the value of what is left
    with writer() as s:
        hand_over(s, staff_id=staff_id, customer_id=customer_id, item_id=oil, quantity=1)
    with reader() as s:
        assert to_collect(s, customer_id=customer_id) == []
        history = held_history(s, customer_id=customer_id)
        assert [(r.kind, r.quantity, r.left_after, r.staff_name, r.note, r.invoice_code)
                for r in history] == [
            ("handover", -1, 0, "Trần Thu Hà", "", None),
            ("handover", -2, 1, "Trần Thu Hà", "Chị lấy 2 chai", None),
            ("sale", 3, 3, "Trần Thu Hà", "", sold.code)]
        assert [r.amount for r in history] == [-250_000, -500_000, 750_000]
        after = json.loads(s.execute(text(
            "SELECT after FROM audit_log WHERE action = 'hand_over_products' ORDER BY id"
        )).scalars().first())
    assert (after["quantity"], after["left"], after["note"]) == (2, 1, "Chị lấy 2 chai")
    assert run_checks(engine, only=CHECKS) == []


@pytest.mark.parametrize(("changes", "field", "error", "says"), [
    ({"quantity": 3}, "quantity", RuleViolation, "Only 2 of Dầu gội thảo dược"),
    ({"quantity": 0}, "quantity", ValidationError, "less than 1"),
    ({"quantity": -1}, "quantity", ValidationError, ""),
    ({"quantity": "2"}, "quantity", ValidationError, ""),
    ({"note": "x" * 10_000}, "note", ValidationError, ""),
    ({"item_id": 999_999}, "item", RuleViolation, "Nothing"),
    ({"customer_id": 999_999}, "customer", NotFound, ""),
])
def test_bad_handovers_are_refused_at_their_field_and_write_nothing(
        writer, reader, staff_id, customer_id, oil, changes, field, error, says):
    _sell(writer, staff_id, customer_id, oil, quantity=2)
    before = _counts(reader)
    with pytest.raises(error) as info, writer() as s:
        hand_over(s, **({"staff_id": staff_id, "customer_id": customer_id, "item_id": oil,
                         "quantity": 1, "note": ""} | changes))
    assert info.value.field == field and says in info.value.message
    assert _counts(reader) == before


def test_a_walk_in_cannot_leave_a_product_at_the_salon(writer, reader, staff_id, oil):
    cart = Cart(lines=[CartLine(kind="product", item_id=oil, picked_up=False)],
                payments=[CartPayment("cash", 250_000)])
    with pytest.raises(SalonError) as info, reader() as s:
        quote(s, cart=cart)
    assert info.value.field == "customer"


def test_a_refund_takes_back_what_is_still_held_of_its_line_never_more(
        writer, reader, engine, staff_id, customer_id, oil):
    sold = _sell(writer, staff_id, customer_id, oil)  # 3 left here
    other = _sell(writer, staff_id, customer_id, oil, quantity=1, key="k2")  # 1 more
    with writer() as s:
        hand_over(s, staff_id=staff_id, customer_id=customer_id, item_id=oil, quantity=3)
    with writer() as s:  # 1 left in all: the refund of the 3 takes back that one only
        refund_invoice(s, staff_id=staff_id, invoice_id=sold.invoice_id, reason="Đổi ý",
                       idempotency_key="r1")
    with reader() as s:
        assert held_quantity(s, customer_id=customer_id, item_id=oil) == 0
        [refund_row] = [r for r in held_history(s, customer_id=customer_id)
                        if r.kind == "refund"]
        assert refund_row.quantity == -1 and refund_row.invoice_code == "HD000003"
    with writer() as s:  # nothing is held any more: the other refund takes nothing back
        refund_invoice(s, staff_id=staff_id, invoice_id=other.invoice_id, reason="Đổi ý",
                       idempotency_key="r2")
    with reader() as s:
        assert len(held_history(s, customer_id=customer_id)) == 4
    assert run_checks(engine, only=CHECKS) == []


def test_a_refund_of_a_held_line_takes_all_of_it_back(writer, reader, engine, staff_id,
                                                     customer_id, oil):
    sold = _sell(writer, staff_id, customer_id, oil)
    with writer() as s:
        hand_over(s, staff_id=staff_id, customer_id=customer_id, item_id=oil, quantity=1)
    with reader() as s:
        [line] = refundable_lines(s, invoice_id=sold.invoice_id)
    with writer() as s:
        refund_invoice(s, staff_id=staff_id, invoice_id=sold.invoice_id, reason="Đổi ý",
                       idempotency_key="r1", line_ids=[line.line_id])
    with reader() as s:
        assert to_collect(s, customer_id=customer_id) == []
        amounts = s.execute(text("SELECT sum(amount) FROM held_product_entry")).scalar_one()
    assert int(amounts) == 0  # no value left with nothing left
    assert run_checks(engine, only=CHECKS) == []


def test_a_merge_moves_the_products_to_collect_and_undo_moves_them_back(
        writer, reader, engine, staff_id, customer_id, oil):
    with writer() as s:
        duplicate = create_customer(s, staff_id=staff_id, name="Nguyễn Thị Hương",
                                    phone="0912 000 111", allow_duplicate=True).id
    _sell(writer, staff_id, duplicate, oil, quantity=2)
    with writer() as s:
        merged = merge_customers(s, staff_id=staff_id, keep_id=customer_id,
                                 merge_id=duplicate)
    with reader() as s:
        assert [(r.item_id, r.quantity, r.amount) for r in to_collect(
            s, customer_id=customer_id)] == [(oil, 2, 500_000)]
        assert to_collect(s, customer_id=duplicate) == []
        assert [r.kind for r in held_history(s, customer_id=customer_id)] == ["merge"]
    assert run_checks(engine, only=CHECKS) == []
    with writer() as s:
        undo_merge(s, staff_id=staff_id, merge_id=merged.merge_id)
    with reader() as s:
        assert to_collect(s, customer_id=customer_id) == []
        assert [r.quantity for r in to_collect(s, customer_id=duplicate)] == [2]
    assert run_checks(engine, only=CHECKS) == []


def test_check_finds_held_below_zero_and_a_sale_row_without_its_line(
        writer, engine, staff_id, customer_id, oil):
    _sell(writer, staff_id, customer_id, oil, quantity=1)
    assert run_checks(engine, only=["held_products"]) == []
    with engine.begin() as conn:  # handed over twice behind the store's back
        conn.execute(text(
            "INSERT INTO held_product_entry (customer_id, item_id, description, quantity, "
            "amount, kind, created_at, note) SELECT customer_id, item_id, description, -2, 0, "
            "'handover', created_at, '' FROM held_product_entry"))
        conn.execute(text(  # a sale with no line of the customer's behind it
            "INSERT INTO held_product_entry (customer_id, item_id, description, quantity, "
            "amount, kind, created_at, note) SELECT customer_id, item_id, description, 5, 0, "
            "'sale', created_at, '' FROM held_product_entry WHERE kind = 'sale'"))
    problems = run_checks(engine, only=["held_products"])
    assert len(problems) == 2 and {p.check for p in problems} == {"products to collect"}
