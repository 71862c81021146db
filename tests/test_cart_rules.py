"""The checkout's rules on a cart (store/sales/cart_rules.py, and when a promotion can be
used, store/promotions.py), each on its own, without a screen: what an Add does, what a
change of customer takes away, why a payment cannot be, what F9 fills, what F10 would do,
and a held cart paid once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import text

from salontui.store.cart import Cart, CartLine, CartPayment, quote
from salontui.store.catalog import create_item
from salontui.store.drafts import delete_draft, list_drafts, park_cart
from salontui.store.errors import NotFound, RuleViolation, ValidationError
from salontui.store.promotions import EXPIRED, USED, promotion_problem, usable_promotions
from salontui.store.sales import cart_rules as rules

TODAY = date(2026, 11, 23)


@dataclass
class Customer:
    member_state: str = "active"
    points: int = 0


@dataclass
class Card:
    balance: int


@dataclass
class Given:
    id: int
    used_on: date | None = None
    expires_on: date | None = None


@pytest.fixture
def items(writer, staff_id):
    with writer() as s:
        return {
            "cut": create_item(s, staff_id=staff_id, name="Cắt tóc nữ", kind="service",
                               price=150_000, code="DV0001"),
            "oil": create_item(s, staff_id=staff_id, name="Dầu gội thảo dược", kind="product",
                               price=250_000, code="SP0001"),
        }


# --- lines ------------------------------------------------------------------------------------


def test_an_add_finds_the_item_chosen_or_by_code_or_by_name(reader, items):
    with reader() as s:
        assert rules.find_item(s, query="x", item_id=items["oil"].id).id == items["oil"].id
        assert rules.find_item(s, query="dv0001").id == items["cut"].id
        assert rules.find_item(s, query="thao duoc").id == items["oil"].id
        with pytest.raises(NotFound) as refused:
            rules.find_item(s, query="ZZ404")
    assert refused.value.field == "code" and "ZZ404" in refused.value.message


def test_a_product_added_again_gets_one_more_on_its_line():
    cart = Cart()
    rules.add_item(cart, kind="product", item_id=7)
    rules.add_item(cart, kind="product", item_id=7)
    assert [(line.item_id, line.quantity) for line in cart.lines] == [(7, 2)]


def test_a_product_sold_otherwise_or_a_service_gets_a_line_of_its_own():
    kept = CartLine(kind="product", item_id=7, picked_up=False)
    priced = CartLine(kind="product", item_id=7, unit_price=1000)
    discounted = CartLine(kind="product", item_id=7, discount=10)
    cart = Cart(lines=[kept, priced, discounted])
    rules.add_item(cart, kind="product", item_id=7)
    rules.add_item(cart, kind="service", item_id=3)
    rules.add_item(cart, kind="service", item_id=3)
    assert [(line.kind, line.quantity) for line in cart.lines[3:]] == [
        ("product", 1), ("service", 1), ("service", 1)]
    assert [line.quantity for line in cart.lines[:3]] == [1, 1, 1]


def test_a_line_is_edited_by_index_and_refused_once_gone():
    cart = Cart(lines=[CartLine(kind="service", item_id=1)])

    def three(line):
        line.quantity = 3

    assert rules.edit_line(cart, 0, three).lines[0].quantity == 3
    with pytest.raises(ValidationError) as refused:
        rules.edit_line(cart, 1, three)
    assert refused.value.field == "lines"
    assert rules.remove_line(cart, 1).lines == cart.lines  # already gone: nothing
    assert rules.remove_line(cart, 0).lines == []


def test_a_session_takes_no_price_and_only_a_product_stays_at_the_salon():
    assert not rules.line_takes_price("redeem")
    assert all(rules.line_takes_price(k) for k in ("service", "product", "topup", "repay"))
    assert rules.may_stay_at_salon("product")
    assert not any(rules.may_stay_at_salon(k) for k in ("service", "package", "redeem"))


def test_a_discount_in_percent_is_floored_and_0_to_100():
    assert rules.percent_of(150_000, 10, field="discount") == 15_000
    assert rules.percent_of(999, 15, field="discount") == 149
    assert rules.percent_of(999, 100, field="discount") == 999
    for bad in (-1, 101):
        with pytest.raises(ValidationError) as refused:
            rules.percent_of(150_000, bad, field="line0.discount")
        assert refused.value.field == "line0.discount"


def test_an_invoice_discount_takes_from_sales_lines_only(reader, customer_id, items):
    cart = Cart(customer_id=customer_id, lines=[
        CartLine(kind="service", item_id=items["cut"].id),
        CartLine(kind="product", item_id=items["oil"].id),
        CartLine(kind="topup", unit_price=500_000),
        CartLine(kind="repay", unit_price=20_000)])
    with reader() as s:
        priced = quote(s, cart=cart).lines
    assert rules.sales_amount(priced) == 400_000


def test_sessions_on_the_cart_are_counted_by_package():
    cart = Cart(lines=[CartLine(kind="redeem", package_id=4), CartLine(kind="service"),
                       CartLine(kind="redeem", package_id=4),
                       CartLine(kind="redeem", package_id=9)])
    assert rules.sessions_in_cart(cart) == {4: 2, 9: 1}


def test_another_customer_takes_away_what_was_the_one_befores():
    cart = Cart(customer_id=1, promotion_id=5, appointment_id=6, lines=[
        CartLine(kind="service", item_id=1), CartLine(kind="redeem", package_id=2),
        CartLine(kind="topup", unit_price=1), CartLine(kind="repay", unit_price=1),
        CartLine(kind="product", item_id=3)])
    assert rules.customer_lines(cart) == 3
    rules.change_customer(cart, None)
    assert (cart.customer_id, cart.promotion_id, cart.appointment_id) == (None, None, None)
    assert [line.kind for line in cart.lines] == ["service", "product"]
    assert rules.customer_lines(cart) == 0


# --- payments ---------------------------------------------------------------------------------


def test_a_walk_in_pays_with_money_only():
    for method in ("value", "points", "account"):
        assert rules.payment_problem(method, 1, walk_in=True) == rules.WALK_IN
        assert rules.payment_problem(method, 0, walk_in=True) is None  # nothing typed
    for method in ("cash", "card", "transfer", "ewallet", "free"):
        assert rules.payment_problem(method, 1, walk_in=True) is None


def test_a_customer_pays_within_what_they_hold():
    member = Customer(points=300)
    check = rules.payment_problem
    assert check("points", 300, walk_in=False, customer=member) is None
    assert check("points", 301, walk_in=False, customer=member) == rules.TOO_FEW_POINTS
    assert check("points", 1, walk_in=False,
                 customer=Customer("excluded", 300)) == rules.NOT_MEMBER
    assert check("value", 1, walk_in=False, customer=member) == rules.NO_CARD
    assert check("value", 500, walk_in=False, customer=member, card=Card(500)) is None
    assert check("value", 501, walk_in=False, customer=member, card=Card(500)) == \
        rules.CARD_SHORT
    assert check("account", 9, walk_in=False, customer=member) is None
    assert check("account", 9, walk_in=False, customer=member, repaying=True) == \
        rules.REPAY_ON_ACCOUNT
    # Still loading the customer: nothing refused yet (the store decides at F10).
    assert check("points", 10**6, walk_in=False) is None


def test_a_debt_repayment_is_seen_on_the_cart():
    assert rules.repays_debt(Cart(lines=[CartLine(kind="repay", unit_price=1)]))
    assert not rules.repays_debt(Cart(lines=[CartLine(kind="service")]))


def test_typed_amounts_become_payments_and_back():
    amounts = {"cash": 100_000, "card": 0, "value": 50_000, "points": 30, "account": 20_000}
    payments = rules.payments_from(amounts, point_value=1_000, card_id=8)
    assert payments == [CartPayment("cash", 100_000), CartPayment("value", 50_000, card_id=8),
                        CartPayment("points", 30_000), CartPayment("account", 20_000)]
    assert rules.amounts_from(payments, point_value=1_000) == (
        {"cash": 100_000, "value": 50_000, "points": 30, "account": 20_000}, 8)
    assert rules.amounts_from([CartPayment("points", 30_000)], point_value=0) == (
        {"points": 0}, None)


def test_f9_fills_what_the_other_payments_leave():
    paid = [CartPayment("cash", 100_000), CartPayment("card", 20_000)]
    assert rules.fill_amount("card", total=150_000, payments=paid) == 50_000
    assert rules.fill_amount("cash", total=90_000, payments=paid) == 70_000  # its own again
    assert rules.fill_amount("cash", total=15_000, payments=paid) == 0  # never negative
    assert rules.fill_amount("points", total=150_000, payments=paid, point_value=1_000,
                             points=70) == 30
    assert rules.fill_amount("points", total=150_000, payments=paid, point_value=1_000,
                             points=12) == 12
    assert rules.fill_amount("points", total=150_000, payments=paid, point_value=0) == 0
    assert rules.fill_amount("value", total=150_000, payments=paid, card=Card(10_000)) == 10_000
    assert rules.fill_amount("value", total=150_000, payments=paid, card=None) == 0


def test_f10_settles_only_a_paid_cart(reader, customer_id, items):
    def settled(payments):
        cart = Cart(customer_id=customer_id, lines=[
            CartLine(kind="service", item_id=items["cut"].id)], payments=payments)
        with reader() as s:
            q = quote(s, cart=cart)
        return rules.settle(q, has_lines=True, payments=payments)

    assert rules.settle(None, has_lines=False, payments=[]).state == rules.NO_LINES
    assert settled([CartPayment("cash", 100_000)]) == rules.Settlement(rules.DUE, 50_000)
    assert settled([CartPayment("card", 160_000)]) == rules.Settlement(rules.OVERPAID, 10_000)
    assert settled([CartPayment("cash", 200_000)]) == rules.Settlement(rules.READY,
                                                                       change=50_000)
    assert settled([CartPayment("cash", 100_000), CartPayment("account", 50_000)]) == \
        rules.Settlement(rules.READY, on_account=50_000)


# --- promotions -------------------------------------------------------------------------------


def test_a_promotion_is_used_once_and_not_after_its_last_day():
    assert promotion_problem(used_on=None, expires_on=None, today=TODAY) is None
    assert promotion_problem(used_on=None, expires_on=TODAY, today=TODAY) is None
    assert promotion_problem(used_on=None, expires_on=date(2026, 11, 22), today=TODAY) == \
        EXPIRED
    assert promotion_problem(used_on=date(2026, 11, 1), expires_on=None, today=TODAY) == USED
    given = [Given(1), Given(2, used_on=TODAY), Given(3, expires_on=date(2026, 1, 1)),
             Given(4, expires_on=TODAY)]
    assert [p.id for p in usable_promotions(given, today=TODAY)] == [1, 4]


# --- held carts -------------------------------------------------------------------------------


def test_a_held_cart_is_listed_by_its_first_line():
    assert rules.held_label("Cắt tóc nữ", 1) == "Cắt tóc nữ"
    assert rules.held_label("Cắt tóc nữ", 3) == "Cắt tóc nữ +2"


def _cart(customer_id, items):
    return Cart(customer_id=customer_id,
                lines=[CartLine(kind="service", item_id=items["cut"].id)],
                payments=[CartPayment("cash", 150_000)])


def _invoices(reader) -> int:
    with reader() as s:
        return s.execute(text("SELECT count(*) FROM invoice")).scalar()


def test_holding_again_a_cart_whose_copy_went_holds_it_anew(writer, reader, staff_id,
                                                            customer_id, items):
    cart = _cart(customer_id, items)
    with writer() as s:
        first = rules.hold_cart(s, staff_id=staff_id, cart=cart, label="a")
    with writer() as s:
        assert rules.hold_cart(s, staff_id=staff_id, cart=cart, label="b",
                               draft_id=first) == first
        delete_draft(s, staff_id=staff_id, draft_id=first)
    with writer() as s:
        again = rules.hold_cart(s, staff_id=staff_id, cart=cart, label="c", draft_id=first)
    with reader() as s:
        assert [(d.id, d.label) for d in list_drafts(s)] == [(again, "c")]


def test_a_held_cart_is_paid_once(writer, reader, staff_id, customer_id, items, fixed_now):
    cart = _cart(customer_id, items)
    with writer() as s:
        draft = park_cart(s, staff_id=staff_id, cart=cart, label="a")
    with writer() as s:
        paid = rules.pay_held(s, staff_id=staff_id, cart=cart, idempotency_key="k1",
                              draft_id=draft)
    assert not paid.replayed and _invoices(reader) == 1
    with reader() as s:
        assert list_drafts(s) == []
    with writer() as s:  # the same F10 again (a retry): the same invoice, not an error
        again = rules.pay_held(s, staff_id=staff_id, cart=cart, idempotency_key="k1",
                               draft_id=draft)
    assert again.replayed and again.invoice_id == paid.invoice_id
    with pytest.raises(RuleViolation) as refused, writer() as s:  # another desk's F10
        rules.pay_held(s, staff_id=staff_id, cart=cart, idempotency_key="k2", draft_id=draft)
    assert refused.value.field == "draft" and _invoices(reader) == 1


def test_a_cart_not_held_is_simply_paid(writer, reader, staff_id, customer_id, items,
                                        fixed_now):
    with writer() as s:
        result = rules.pay_held(s, staff_id=staff_id, cart=_cart(customer_id, items),
                                idempotency_key="k1", draft_id=None)
    assert result.total == 150_000 and _invoices(reader) == 1
