"""Points bought into a promotion code: a programme with a points price, an active member
with enough points; the code given as give_promotion gives it, the price off the points in
the same transaction (its reason naming the programme and the code), audited; the code
used at the checkout. Every refusal writes nothing."""

from __future__ import annotations

import json
from datetime import date

import pytest
from refusals import one_case as case
from sqlalchemy import text

from salontui.store import catalog
from salontui.store.cart import Cart, CartLine, CartPayment, quote
from salontui.store.checkout import checkout
from salontui.store.customers import create_customer
from salontui.store.errors import NotFound, RuleViolation, ValidationError
from salontui.store.ledger import adjust_points, ledger_history, points_balance
from salontui.store.promotions import (
    check_redemption,
    create_program,
    list_customer_promotions,
    redeem_points_for_code,
    redemption_offer,
    set_program_active,
    update_program,
)

TODAY = date(2026, 11, 23)  # the fixed_now fixture's date


def written(session) -> tuple[int, ...]:
    """What a redemption writes: promotions, ledger entries, audit rows, the KM counter."""
    return tuple(session.execute(text(sql)).scalar_one() for sql in (
        "SELECT count(*) FROM customer_promotion", "SELECT count(*) FROM ledger_entry",
        "SELECT count(*) FROM audit_log",
        "SELECT coalesce(max(value), 0) FROM counter WHERE name = 'promotion'"))


@pytest.fixture
def voucher(writer, staff_id, fixed_now):
    """'Đổi 500 điểm': 50,000 ₫ off, at most twice per customer, 500 points."""
    with writer() as s:
        return create_program(s, staff_id=staff_id, name="Đổi 500 điểm",
                              description="Voucher 50.000 ₫", valid_from=date(2026, 11, 1),
                              valid_until=date(2027, 3, 31), discount_amount=50_000,
                              per_customer_limit=2, points_price=500)


@pytest.fixture
def member(writer, staff_id, customer_id, fixed_now) -> int:
    """The customer, an active member with 1,200 points."""
    with writer() as s:
        adjust_points(s, staff_id=staff_id, customer_id=customer_id, amount=1_200,
                      reason="Tri ân")
    return customer_id


def test_a_programme_keeps_its_points_price_bounded(writer, reader, staff_id, fixed_now):
    with writer() as s:
        made = create_program(s, staff_id=staff_id, name="Voucher", discount_amount=50_000,
                              points_price=500)
        assert made.points_price == 500
        changed = update_program(s, staff_id=staff_id, program_id=made.id, name="Voucher",
                                 discount_amount=50_000, points_price=800)
        assert changed.points_price == 800
        cleared = update_program(s, staff_id=staff_id, program_id=made.id, name="Voucher",
                                 discount_amount=50_000)
        assert cleared.points_price is None
    failed: list[str] = []
    for price, said in ((0, "1 to 1,000,000"), (-5, "1 to 1,000,000"),
                        (1_000_001, "1 to 1,000,000"), (2.5, "whole number")):
        with case(failed, repr(price)):
            with writer() as s, pytest.raises(ValidationError, match=said) as caught:
                create_program(s, staff_id=staff_id, name="Bad", points_price=price)
            assert caught.value.field == "points_price"
    assert not failed, "\n".join(failed)
    with reader() as s:
        assert s.execute(text("SELECT count(*) FROM promotion_program")).scalar_one() == 1


def test_enough_points_buy_the_code_in_one_transaction(writer, reader, staff_id, member,
                                                       voucher, fixed_now):
    with writer() as s:
        before = written(s)
        given = redeem_points_for_code(s, staff_id=staff_id, customer_id=member,
                                       program_id=voucher.id)
        after = written(s)
    assert given.code == "KM000001" and given.program_id == voucher.id
    assert given.expires_on == date(2027, 3, 31)  # the programme's end, as given
    assert given.note == "Bought with 500 points"
    # one promotion, one ledger entry, two audit rows (the code given, the points taken)
    assert [a - b for a, b in zip(after, before, strict=True)] == [1, 1, 2, 1]
    with reader() as s:
        assert points_balance(s, customer_id=member) == 700
        [entry, _gift] = ledger_history(s, customer_id=member, account="points")
        assert (entry.amount, entry.kind, entry.balance_after) == (-500, "adjust", 700)
        assert entry.reason == "Points redeemed for 'Đổi 500 điểm': code KM000001"
        assert [p.code for p in list_customer_promotions(s, customer_id=member)] == [
            "KM000001"]
        audits = dict(s.execute(text(  # (the latest of each: the redemption's)
            "SELECT action, after FROM audit_log WHERE action IN "
            "('give_promotion', 'adjust_points') ORDER BY id")).all())
    assert json.loads(audits["give_promotion"])["code"] == "KM000001"
    assert json.loads(audits["adjust_points"])["amount"] == -500


def test_the_offer_lists_the_programmes_with_a_price_and_why_not(writer, reader, staff_id,
                                                                 member, voucher, fixed_now):
    with writer() as s:
        create_program(s, staff_id=staff_id, name="Không đổi điểm", discount_percent=10)
        create_program(s, staff_id=staff_id, name="Đổi 2.000 điểm", discount_amount=250_000,
                       points_price=2_000)
    with reader() as s:
        offer = redemption_offer(s, customer_id=member)
    assert (offer.balance, offer.refusal) == (1_200, "")
    assert [(c.program.name, c.program.points_price) for c in offer.choices] == [
        ("Đổi 500 điểm", 500), ("Đổi 2.000 điểm", 2_000)]  # cheapest first; priced only
    assert offer.choices[0].problem == ""
    assert "has 1,200 points" in offer.choices[1].problem
    with reader() as s:
        assert check_redemption(s, customer_id=member, program_id=voucher.id) == 500


def test_every_refusal_says_why_and_writes_nothing(writer, reader, engine, staff_id, member,
                                                   voucher, fixed_now):
    with writer() as s:
        plain = create_program(s, staff_id=staff_id, name="Không đổi điểm",
                               discount_percent=10)
        dear = create_program(s, staff_id=staff_id, name="Đổi 5.000 điểm",
                              discount_amount=500_000, points_price=5_000)
        ended = create_program(s, staff_id=staff_id, name="Hè", valid_from=date(2026, 6, 1),
                               valid_until=date(2026, 11, 22), discount_percent=15,
                               points_price=100)
        later = create_program(s, staff_id=staff_id, name="Xuân", valid_from=date(2027, 3, 1),
                               discount_percent=5, points_price=100)
        off = create_program(s, staff_id=staff_id, name="Tắt", discount_percent=5,
                             points_price=100)
        set_program_active(s, staff_id=staff_id, program_id=off.id, active=False)
        once = create_program(s, staff_id=staff_id, name="Một lần", discount_percent=5,
                              points_price=100, per_customer_limit=1)
        redeem_points_for_code(s, staff_id=staff_id, customer_id=member, program_id=once.id)

        def customer(name: str, phone: str, state: str, reason: str = "") -> int:
            cid = create_customer(s, staff_id=staff_id, name=name, phone=phone).id
            adjust_points(s, staff_id=staff_id, customer_id=cid, amount=1_000, reason="Tặng")
            s.execute(text("UPDATE customer SET member_state = :state, member_reason = :reason "
                           "WHERE id = :id"), {"state": state, "reason": reason, "id": cid})
            return cid

        excluded = customer("Lý Thanh Tâm", "0977 888 999", "excluded", "Gian lận điểm")
        waiting = customer("Đỗ Minh Khoa", "0905 111 222", "not_activated")
    cases = [  # (customer, programme, error, field, what it says)
        (member, dear.id, RuleViolation, "points", "has 1,100 points; 'Đổi 5.000 điểm' "
                                                   "costs 5,000"),
        (member, plain.id, RuleViolation, "program", "cannot be bought with points"),
        (member, ended.id, RuleViolation, "program", "ended on 2026-11-22"),
        (member, later.id, RuleViolation, "program", "starts on 2027-03-01"),
        (member, off.id, RuleViolation, "program", "switched off"),
        (member, once.id, RuleViolation, "program", "given once per customer"),
        (member, 9_999, NotFound, "program", "No promotion program"),
        (9_999, voucher.id, NotFound, "customer", "No customer"),
        (excluded, voucher.id, RuleViolation, "customer",
         "Lý Thanh Tâm is excluded from the loyalty program (Gian lận điểm)"),
        (waiting, voucher.id, RuleViolation, "customer", "not an active member yet"),
    ]
    failed: list[str] = []
    for cid, program_id, error, field, said in cases:
        with case(failed, said):
            with reader() as s:
                before = written(s)
                with pytest.raises(error) as asked:  # the desk's question, the same answer
                    check_redemption(s, customer_id=cid, program_id=program_id)
                assert asked.value.field == field and said in asked.value.message
            with writer() as s, pytest.raises(error) as caught:
                redeem_points_for_code(s, staff_id=staff_id, customer_id=cid,
                                       program_id=program_id)
            assert caught.value.field == field and said in caught.value.message
            with reader() as s:
                assert written(s) == before
    assert not failed, "\n".join(failed)
    with reader() as s:
        assert redemption_offer(s, customer_id=excluded).refusal.startswith(
            "Lý Thanh Tâm is excluded")
        assert points_balance(s, customer_id=member) == 1_100


def test_the_limit_per_customer_counts_codes_given_or_bought(writer, reader, staff_id, member,
                                                             voucher, fixed_now):
    from salontui.store.promotions import give_promotion

    with writer() as s:
        give_promotion(s, staff_id=staff_id, customer_id=member, program_id=voucher.id)
        redeem_points_for_code(s, staff_id=staff_id, customer_id=member, program_id=voucher.id)
    with writer() as s, pytest.raises(RuleViolation, match="at most 2 times") as caught:
        redeem_points_for_code(s, staff_id=staff_id, customer_id=member, program_id=voucher.id)
    assert caught.value.field == "program"
    with reader() as s:
        assert points_balance(s, customer_id=member) == 700
        offer = redemption_offer(s, customer_id=member)
        assert "at most 2 times" in offer.choices[0].problem


def test_the_code_bought_is_used_at_the_checkout(writer, reader, staff_id, member, voucher,
                                                 fixed_now):
    with writer() as s:
        service = catalog.create_item(s, staff_id=staff_id, name="Gội đầu dưỡng sinh",
                                      kind="service", price=200_000)
        bought = redeem_points_for_code(s, staff_id=staff_id, customer_id=member,
                                        program_id=voucher.id)
    cart = Cart(customer_id=member, promotion_id=bought.id,
                lines=[CartLine(kind="service", item_id=service.id, staff_id=staff_id)],
                payments=[CartPayment("cash", 150_000)])
    with reader() as s:
        priced = quote(s, cart=cart)
    assert (priced.subtotal, priced.discount, priced.total) == (200_000, 50_000, 150_000)
    with writer() as s:
        checkout(s, staff_id=staff_id, idempotency_key="redeemed-1", cart=cart)
    with reader() as s:
        [promo] = list_customer_promotions(s, customer_id=member)
        assert promo.used_on == TODAY
        assert s.execute(text("SELECT total FROM invoice")).scalar_one() == 150_000
