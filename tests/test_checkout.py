"""Checkout at the store level: split payments, debt, sessions, cards, points, refunds."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from salontui.store.cart import Cart, CartLine, CartPayment, quote
from salontui.store.catalog import create_item
from salontui.store.checkout import checkout
from salontui.store.customers import create_customer
from salontui.store.dayclose import day_close
from salontui.store.errors import NotFound, RuleViolation, SalonError, ValidationError
from salontui.store.ledger import (
    adjust_points,
    card_balances,
    debt_balance,
    ensure_card,
    points_balance,
)
from salontui.store.loyalty.members import set_member_state
from salontui.store.package_reads import get_package
from salontui.store.packages import freeze_package, sell_package
from salontui.store.refunds import refund_invoice, refundable_lines


@pytest.fixture
def items(writer, staff_id):
    with writer() as s:
        return {
            "cut": create_item(s, staff_id=staff_id, name="Cắt tóc nữ", kind="service",
                               price=1_000_000),
            "dye": create_item(s, staff_id=staff_id, name="Nhuộm tóc", kind="service",
                               price=500_000),
            "oil": create_item(s, staff_id=staff_id, name="Dầu gội thảo dược", kind="product",
                               price=250_000),
            "ten": create_item(s, staff_id=staff_id, name="Gói gội 10 lần", kind="package",
                               price=5980, package_kind="count", sessions=10,
                               validity_days=365),
        }


def _counts(reader) -> dict[str, int]:
    tables = ("invoice", "invoice_line", "payment", "ledger_entry", "package_event",
              "audit_log")
    with reader() as s:
        return {t: s.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in tables}


def _pay(writer, staff_id, cart, key="k1"):
    with writer() as s:
        return checkout(s, staff_id=staff_id, cart=cart, idempotency_key=key)


def test_split_payment_leaves_debt_shown_at_next_checkout_and_repaid(
        writer, reader, staff_id, customer_id, items, fixed_now):
    """1,500,000 paid 500,000 cash + 300,000 card + 200,000 e-wallet + 500,000 on account."""
    cart = Cart(customer_id=customer_id,
                lines=[CartLine(kind="service", item_id=items["cut"].id),
                       CartLine(kind="service", item_id=items["dye"].id)],
                payments=[CartPayment("cash", 500_000), CartPayment("card", 300_000),
                          CartPayment("ewallet", 200_000), CartPayment("account", 500_000)])
    result = _pay(writer, staff_id, cart)
    assert (result.code, result.total, result.change) == ("HD000001", 1_500_000, 0)
    with reader() as s:
        assert debt_balance(s, customer_id=customer_id) == 500_000  # shown at next checkout
    repay = Cart(customer_id=customer_id, lines=[CartLine(kind="repay", unit_price=200_000)],
                 payments=[CartPayment("cash", 200_000)])
    second = _pay(writer, staff_id, repay, key="k2")
    assert second.code == "HD000002"
    with reader() as s:
        assert debt_balance(s, customer_id=customer_id) == 300_000
        kind = s.execute(text("SELECT kind FROM invoice WHERE id = :i"),
                         {"i": second.invoice_id}).scalar()
    assert kind == "repayment"


def test_redeeming_one_session_recognises_598_and_leaves_7(writer, reader, staff_id,
                                                          technician_id, customer_id, fixed_now):
    with writer() as s:
        package = sell_package(s, staff_id=staff_id, customer_id=customer_id, name="Gói gội",
                               kind="count", price=5980, total_uses=10, used=2,
                               expires_on=date(2027, 6, 1))
    cart = Cart(customer_id=customer_id,
                lines=[CartLine(kind="redeem", package_id=package.id, staff_id=technician_id)])
    result = _pay(writer, staff_id, cart)
    assert result.total == 0
    with reader() as s:
        assert get_package(s, package_id=package.id).remaining == 7
        value = s.execute(text("SELECT value FROM package_event WHERE change = 'redeem'")).scalar()
        assert value == 598
        assert day_close(s, day=date(2026, 11, 23)).sessions_value == 598


def test_refund_of_a_line_paid_by_stored_value_restores_the_card(writer, reader, staff_id,
                                                                customer_id, items, fixed_now):
    with writer() as s:
        card = ensure_card(s, customer_id=customer_id)
    _pay(writer, staff_id, Cart(customer_id=customer_id,
                                lines=[CartLine(kind="topup", unit_price=10_000_000,
                                                credit=11_000_000)],
                                payments=[CartPayment("transfer", 10_000_000)]), key="top")
    sale = _pay(writer, staff_id, Cart(
        customer_id=customer_id,
        lines=[CartLine(kind="service", item_id=items["cut"].id),
               CartLine(kind="product", item_id=items["oil"].id)],
        payments=[CartPayment("value", 1_250_000, card_id=card)]), key="sale")
    with reader() as s:
        assert card_balances(s, customer_id=customer_id)[0].balance == 9_750_000
        lines = refundable_lines(s, invoice_id=sale.invoice_id)
    oil = next(line for line in lines if line.kind == "product")
    with writer() as s:
        refund = refund_invoice(s, staff_id=staff_id, invoice_id=sale.invoice_id,
                                line_ids=[oil.line_id], reason="Khách trả lại",
                                idempotency_key="r1")
    assert refund.total == -250_000 and refund.code == "HD000003"
    with reader() as s:
        assert card_balances(s, customer_id=customer_id)[0].balance == 10_000_000
        assert [r.kind for r in refundable_lines(s, invoice_id=sale.invoice_id)] == ["service"]


def test_top_up_credits_more_than_paid(writer, reader, staff_id, customer_id, fixed_now):
    _pay(writer, staff_id, Cart(customer_id=customer_id,
                                lines=[CartLine(kind="topup", unit_price=10_000_000,
                                                credit=11_000_000, card_name="Tóc")],
                                payments=[CartPayment("cash", 10_000_000)]))
    with reader() as s:
        cards = card_balances(s, customer_id=customer_id)
    assert [(c.name, c.balance) for c in cards] == [("Tóc", 11_000_000)]


def test_cash_may_exceed_the_total_and_change_is_given(writer, reader, staff_id, customer_id,
                                                      items, fixed_now):
    cart = Cart(customer_id=customer_id, lines=[CartLine(kind="service",
                                                         item_id=items["dye"].id)],
                payments=[CartPayment("cash", 1_000_000)])
    with reader() as s:
        q = quote(s, cart=cart)
    assert (q.total, q.change, q.due, q.balanced) == (500_000, 500_000, 0, True)
    result = _pay(writer, staff_id, cart)
    assert result.change == 500_000
    with reader() as s:
        paid = s.execute(text("SELECT sum(amount) FROM payment")).scalar()
    assert paid == 500_000  # cash recorded net of change: payments = total


def test_double_enter_never_makes_two_invoices(writer, reader, staff_id, customer_id, items,
                                              fixed_now):
    cart = Cart(customer_id=customer_id, lines=[CartLine(kind="service",
                                                         item_id=items["dye"].id)],
                payments=[CartPayment("card", 500_000)])
    first = _pay(writer, staff_id, cart, key="same")
    before = _counts(reader)
    again = _pay(writer, staff_id, cart, key="same")
    assert again.replayed and again.invoice_id == first.invoice_id
    assert _counts(reader) == before


def test_points_are_earned_spent_and_excluded_members_do_neither(
        writer, reader, staff_id, customer_id, items, fixed_now):
    # default rule: one point per 10,000 đ; a point is worth 100 đ
    _pay(writer, staff_id, Cart(customer_id=customer_id,
                                lines=[CartLine(kind="service", item_id=items["cut"].id)],
                                payments=[CartPayment("cash", 1_000_000)]))
    with reader() as s:
        assert points_balance(s, customer_id=customer_id) == 100
    _pay(writer, staff_id, Cart(customer_id=customer_id,
                                lines=[CartLine(kind="product", item_id=items["oil"].id)],
                                payments=[CartPayment("points", 10_000),
                                          CartPayment("cash", 240_000)]), key="k2")
    with reader() as s:
        assert points_balance(s, customer_id=customer_id) == 100 - 100 + 24
    with writer() as s:
        set_member_state(s, staff_id=staff_id, customer_id=customer_id, state="excluded",
                         reason="Abused the points")
    cart = Cart(customer_id=customer_id, lines=[CartLine(kind="product",
                                                         item_id=items["oil"].id)],
                payments=[CartPayment("points", 2_400), CartPayment("cash", 247_600)])
    with pytest.raises(RuleViolation), writer() as s:
        checkout(s, staff_id=staff_id, cart=cart, idempotency_key="k3")
    cart.payments = [CartPayment("cash", 250_000)]
    _pay(writer, staff_id, cart, key="k4")
    with reader() as s:
        assert points_balance(s, customer_id=customer_id) == 24  # earned nothing


def test_whole_refund_restores_every_balance(writer, reader, staff_id, technician_id,
                                            customer_id, items, fixed_now):
    with writer() as s:
        card = ensure_card(s, customer_id=customer_id)
        adjust_points(s, staff_id=staff_id, customer_id=customer_id, amount=500,
                      reason="Mở thẻ")
        package = sell_package(s, staff_id=staff_id, customer_id=customer_id, name="Gói",
                               kind="count", price=5980, total_uses=10,
                               expires_on=date(2027, 6, 1))
    _pay(writer, staff_id, Cart(customer_id=customer_id,
                                lines=[CartLine(kind="topup", unit_price=2_000_000)],
                                payments=[CartPayment("cash", 2_000_000)]), key="top")
    with reader() as s:
        before = (points_balance(s, customer_id=customer_id),
                  card_balances(s, customer_id=customer_id)[0].balance,
                  debt_balance(s, customer_id=customer_id),
                  get_package(s, package_id=package.id).used)
    sale = _pay(writer, staff_id, Cart(
        customer_id=customer_id,
        lines=[CartLine(kind="service", item_id=items["cut"].id, staff_id=technician_id),
               CartLine(kind="redeem", package_id=package.id, staff_id=technician_id),
               CartLine(kind="package", item_id=items["ten"].id)],
        discount=5_980,
        payments=[CartPayment("value", 500_000, card_id=card), CartPayment("points", 20_000),
                  CartPayment("account", 300_000), CartPayment("cash", 180_000)]), key="sale")
    with writer() as s:
        refund_invoice(s, staff_id=staff_id, invoice_id=sale.invoice_id, reason="Nhầm",
                       idempotency_key="undo")
    with reader() as s:
        after = (points_balance(s, customer_id=customer_id),
                 card_balances(s, customer_id=customer_id)[0].balance,
                 debt_balance(s, customer_id=customer_id),
                 get_package(s, package_id=package.id).used)
        bought = s.execute(text("SELECT id FROM customer_package WHERE id != :p"),
                           {"p": package.id}).scalar()
        assert get_package(s, package_id=bought).status != "in_use"  # the package sold is void
    assert after == before


REFUSED_AT = {"frozen": "line0.package", "over_value": "value", "over_points": "points",
              "others_package": "line0.package", "used_up_in_cart": "line1.package",
              "negative_qty": "line0.quantity", "negative_price": "line0.price",
              "unknown_item": "line0.item", "walkin_account": "account"}


@pytest.mark.parametrize("case", ["frozen", "over_value", "over_points", "negative_qty",
                                  "negative_price", "unknown_item", "unbalanced",
                                  "walkin_account", "repay_too_much", "refund_twice",
                                  "others_package", "used_up_in_cart"])
def test_refusals_write_nothing(writer, reader, staff_id, technician_id, customer_id, items,
                                fixed_now, case):
    with writer() as s:
        card = ensure_card(s, customer_id=customer_id)
        package = sell_package(s, staff_id=staff_id, customer_id=customer_id, name="Gói",
                               kind="count", price=5980, total_uses=10,
                               expires_on=date(2027, 6, 1))
        freeze_package(s, staff_id=staff_id, package_id=package.id, days=10, note="Đi xa")
        last_one = sell_package(s, staff_id=staff_id, customer_id=customer_id, name="Gói 1",
                                kind="count", price=100, total_uses=1,
                                expires_on=date(2027, 6, 1))
        other = create_customer(s, staff_id=staff_id, name="Lê Thị Mai", phone="0987 654 321")
        others = sell_package(s, staff_id=staff_id, customer_id=other.id, name="Gói",
                              kind="count", price=5980, total_uses=10,
                              expires_on=date(2027, 6, 1))
    sale = _pay(writer, staff_id, Cart(customer_id=customer_id,
                                       lines=[CartLine(kind="service",
                                                       item_id=items["dye"].id)],
                                       payments=[CartPayment("cash", 500_000)]), key="paid")
    with writer() as s:
        refund_invoice(s, staff_id=staff_id, invoice_id=sale.invoice_id, reason="x",
                       idempotency_key="r0")
    dye = CartLine(kind="service", item_id=items["dye"].id)
    carts = {
        "frozen": Cart(customer_id=customer_id,
                       lines=[CartLine(kind="redeem", package_id=package.id,
                                       staff_id=technician_id)]),
        "over_value": Cart(customer_id=customer_id, lines=[dye],
                           payments=[CartPayment("value", 500_000, card_id=card)]),
        "over_points": Cart(customer_id=customer_id, lines=[dye],
                            payments=[CartPayment("points", 500_000)]),
        "negative_qty": Cart(customer_id=customer_id,
                             lines=[CartLine(kind="service", item_id=items["dye"].id,
                                             quantity=-1)]),
        "negative_price": Cart(customer_id=customer_id,
                               lines=[CartLine(kind="service", item_id=items["dye"].id,
                                               unit_price=-5)]),
        "unknown_item": Cart(customer_id=customer_id,
                             lines=[CartLine(kind="service", item_id=9999)]),
        "unbalanced": Cart(customer_id=customer_id, lines=[dye],
                           payments=[CartPayment("card", 400_000)]),
        "walkin_account": Cart(customer_id=None, lines=[dye],
                               payments=[CartPayment("account", 500_000)]),
        "others_package": Cart(customer_id=customer_id,
                               lines=[CartLine(kind="redeem", package_id=others.id,
                                               staff_id=technician_id)]),
        "used_up_in_cart": Cart(customer_id=customer_id,
                                lines=[CartLine(kind="redeem", package_id=last_one.id,
                                                staff_id=technician_id)] * 2),
        "repay_too_much": Cart(customer_id=customer_id,
                               lines=[CartLine(kind="repay", unit_price=1)],
                               payments=[CartPayment("cash", 1)]),
    }
    before = _counts(reader)
    with pytest.raises(SalonError) as caught, writer() as s:
        if case == "refund_twice":
            refund_invoice(s, staff_id=staff_id, invoice_id=sale.invoice_id, reason="again",
                           idempotency_key="r2")
        else:
            checkout(s, staff_id=staff_id, cart=carts[case], idempotency_key="bad")
    assert str(caught.value)  # a message that says why
    assert _counts(reader) == before
    if case in REFUSED_AT:  # the desk shows the message at this field
        assert caught.value.field == REFUSED_AT[case]
    if case == "frozen":
        assert "frozen" in str(caught.value) or "reserved" in str(caught.value)
    if case == "unknown_item":
        assert isinstance(caught.value, NotFound)
    if case in ("negative_qty", "negative_price", "unbalanced"):
        assert isinstance(caught.value, ValidationError)


def test_invoice_codes_are_sequential_and_a_failed_checkout_does_not_burn_one(
        writer, staff_id, customer_id, items, fixed_now):
    ok = Cart(customer_id=customer_id, lines=[CartLine(kind="service", item_id=items["dye"].id)],
              payments=[CartPayment("cash", 500_000)])
    bad = Cart(customer_id=customer_id, lines=[CartLine(kind="service",
                                                        item_id=items["dye"].id)],
               payments=[CartPayment("points", 500_000)])
    assert _pay(writer, staff_id, ok, key="a").code == "HD000001"
    with pytest.raises(SalonError), writer() as s:
        checkout(s, staff_id=staff_id, cart=bad, idempotency_key="b")
    assert _pay(writer, staff_id, ok, key="c").code == "HD000002"


def test_day_close_summarises_the_day(writer, reader, staff_id, technician_id, customer_id,
                                     items, fixed_now):
    _pay(writer, staff_id, Cart(customer_id=customer_id,
                                lines=[CartLine(kind="service", item_id=items["cut"].id,
                                                staff_id=technician_id)],
                                payments=[CartPayment("cash", 600_000),
                                          CartPayment("account", 400_000)]), key="a")
    sale = _pay(writer, staff_id, Cart(customer_id=customer_id,
                                       lines=[CartLine(kind="product", item_id=items["oil"].id)],
                                       payments=[CartPayment("card", 250_000)]), key="b")
    _pay(writer, staff_id, Cart(customer_id=customer_id,
                                lines=[CartLine(kind="repay", unit_price=100_000)],
                                payments=[CartPayment("transfer", 100_000)]), key="c")
    with writer() as s:
        refund_invoice(s, staff_id=staff_id, invoice_id=sale.invoice_id, reason="Lỗi",
                       idempotency_key="d")
    with reader() as s:
        dc = day_close(s, day=date(2026, 11, 23))
        other_day = day_close(s, day=date(2026, 11, 24))
    assert dc.takings == {"cash": 600_000, "account": 400_000, "card": 250_000,
                          "transfer": 100_000}
    assert dc.refunds == {"card": -250_000}
    assert (dc.new_debt, dc.debt_repaid, dc.sales_count, dc.refunds_count) == (
        400_000, 100_000, 3, 1)
    assert dc.net["card"] == 0
    assert dc.per_staff[0].name == "Lê Văn Tài" and dc.per_staff[0].amount == 1_000_000
    assert other_day.sales_count == 0


def test_a_key_replays_only_the_identical_request(writer, reader, staff_id, customer_id,
                                                  items, fixed_now):
    """The same key with another cart (another payment, another customer) is refused, not
    answered with the old invoice as 'replayed' while the new sale is silently dropped."""
    cart = Cart(customer_id=customer_id, lines=[CartLine(kind="service",
                                                         item_id=items["dye"].id)],
                payments=[CartPayment("card", 500_000)])
    first = _pay(writer, staff_id, cart, key="k")
    before = _counts(reader)
    other_payment = Cart(customer_id=customer_id, lines=cart.lines,
                         payments=[CartPayment("cash", 500_000)])
    walk_in = Cart(customer_id=None, lines=cart.lines, payments=[CartPayment("card", 500_000)])
    for different in (other_payment, walk_in):
        with pytest.raises(RuleViolation) as refused:
            _pay(writer, staff_id, different, key="k")
        assert refused.value.field == "idempotency_key" and first.code in refused.value.message
    assert _counts(reader) == before
    assert _pay(writer, staff_id, cart, key="k").replayed


def test_keys_are_scoped_by_operation(writer, reader, staff_id, customer_id, items, fixed_now):
    """A refund given the sale's own key makes a refund; it does not return the sale."""
    sale = _pay(writer, staff_id, Cart(customer_id=customer_id,
                                       lines=[CartLine(kind="product", item_id=items["oil"].id)],
                                       payments=[CartPayment("card", 250_000)]), key="shared")
    with writer() as s:
        refund = refund_invoice(s, staff_id=staff_id, invoice_id=sale.invoice_id,
                                reason="Lỗi", idempotency_key="shared")
    assert not refund.replayed and refund.invoice_id != sale.invoice_id
    assert refund.total == -250_000
    with writer() as s:  # the identical refund request replays…
        again = refund_invoice(s, staff_id=staff_id, invoice_id=sale.invoice_id,
                               reason="Lỗi", idempotency_key="shared")
    assert again.replayed and again.invoice_id == refund.invoice_id
    with writer() as s, pytest.raises(RuleViolation):  # …a different one is refused
        refund_invoice(s, staff_id=staff_id, invoice_id=sale.invoice_id,
                       reason="Another reason", idempotency_key="shared")


def test_the_day_close_prints_the_books_seal(writer, reader, staff_id, customer_id, items,
                                             fixed_now, engine):
    """The close carries the chains' head; later the seal proves the past unchanged."""
    from salontui.store import chain

    _pay(writer, staff_id, Cart(customer_id=customer_id,
                                lines=[CartLine(kind="product", item_id=items["oil"].id)],
                                payments=[CartPayment("cash", 250_000)]), key="s1")
    with reader() as s:
        printed = day_close(s, day=date(2026, 11, 23)).seal
    assert chain.parse_seal(printed) is not None
    _pay(writer, staff_id, Cart(customer_id=customer_id,
                                lines=[CartLine(kind="product", item_id=items["oil"].id)],
                                payments=[CartPayment("cash", 250_000)]), key="s2")
    with engine.connect() as conn:  # later writes do not disturb an earlier seal
        assert chain.verify_seal(conn, printed) is None
