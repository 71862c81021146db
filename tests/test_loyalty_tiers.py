"""Loyalty tiers on both engines: the ladder (made, edited, moved, retired, renamed with its
holders' labels), what ranks a customer (spend over the rolling period, a top-up counted
once under either setting, spend given by hand; or points), the engine with its manual
holds over a worked sequence of sales and refunds, the one-time reward, and the benefit at
the checkout (a discount on services, a points multiplier times the group's) that an
excluded member does not get."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from refusals import refused_wrongly
from sqlalchemy import text

from salontui.store import clock
from salontui.store.cart import Cart, CartLine, CartPayment, quote
from salontui.store.catalog import create_item
from salontui.store.checkout import checkout
from salontui.store.customers import create_customer, get_customer
from salontui.store.errors import NotFound, RuleViolation
from salontui.store.ledger import ensure_card
from salontui.store.loyalty.tier_admin import (
    create_tier,
    move_tier,
    restore_tier,
    retire_tier,
    update_tier,
    update_tier_settings,
)
from salontui.store.loyalty.tiers import (
    earned_tier,
    first_tier_id,
    list_tiers,
    ranking_points,
    ranking_spend,
    refresh_tier,
    set_tier_by_hand,
    tier_benefit,
    tier_history,
)
from salontui.store.models import Customer, SpendEntry
from salontui.store.refunds import refund_invoice
from salontui.store.summary import total_spend

M = 1_000_000


@pytest.fixture
def ladder(writer, staff_id):
    """Member (the migration's first tier, at 0), Silver 2M, Gold 10M (500 points on
    reaching it), Diamond 20M (1,000): made out of order, each takes its rank."""
    with writer() as s:
        gold = create_tier(s, staff_id=staff_id, name="Gold", min_spend=10 * M,
                           reward_points=500)
        silver = create_tier(s, staff_id=staff_id, name="Silver", min_spend=2 * M)
        diamond = create_tier(s, staff_id=staff_id, name="Diamond", min_spend=20 * M,
                              reward_points=1000)
        return {"Member": first_tier_id(s), "Silver": silver.id, "Gold": gold.id,
                "Diamond": diamond.id}


@pytest.fixture
def service(writer, staff_id):
    with writer() as s:
        return create_item(s, staff_id=staff_id, name="Uốn tóc", kind="service",
                           price=1_000_000).id


def _sale(writer, staff_id, customer_id, service, amount, key, method="cash", card_id=None):
    with writer() as s:
        return checkout(s, staff_id=staff_id, idempotency_key=key, cart=Cart(
            customer_id=customer_id,
            lines=[CartLine(kind="service", item_id=service, unit_price=amount)],
            payments=[CartPayment(method, amount, card_id=card_id)]))


def _refund(writer, staff_id, invoice_id, key):
    with writer() as s:
        return refund_invoice(s, staff_id=staff_id, invoice_id=invoice_id, reason="Khách đổi ý",
                              idempotency_key=key)


def _state(reader, customer_id) -> tuple[str, str]:
    with reader() as s:
        c = s.get(Customer, customer_id)
        return c.tier, c.tier_hold


def _rewards(reader, customer_id) -> list[tuple[int, str]]:
    with reader() as s:
        return [(int(a), r) for a, r in s.execute(text(
            "SELECT amount, reason FROM ledger_entry WHERE customer_id = :c "
            "AND kind = 'reward' ORDER BY id"), {"c": customer_id})]


def test_a_new_customer_starts_in_the_first_tier_and_the_ladder_is_ranked(
        writer, reader, staff_id, customer_id, ladder):
    with reader() as s:
        c = s.get(Customer, customer_id)
        assert (c.tier_id, c.tier, c.tier_hold) == (ladder["Member"], "Member", "")
        tiers = list_tiers(s)
        assert [(t.name, t.position, t.min_spend) for t in tiers] == [
            ("Member", 0, 0), ("Silver", 1, 2 * M), ("Gold", 2, 10 * M),
            ("Diamond", 3, 20 * M)]
        assert tiers[0].holders == 1 and tiers[2].reward_points == 500
        assert earned_tier(s, customer_id).name == "Member"


# The worked example: thresholds Silver 2M, Gold 10M, Diamond 20M. Each step: what happens,
# then the tier and the hold after it, and the ranking spend.
WORKED = [
    ("sale A 3M", "Silver", "", 3 * M),
    ("hand Gold", "Gold", "up", 3 * M),  # above what spend earns: held up (+500 reward)
    ("sale B 5M", "Gold", "up", 8 * M),  # earns Silver: Gold stays
    ("sale C 4M", "Gold", "up", 12 * M),  # earns Gold: not higher, the hold stays
    ("sale D 9M", "Diamond", "", 21 * M),  # earns Diamond: higher, the hold ends (+1,000)
    ("refund D", "Gold", "", 12 * M),  # no hold: the tier follows the refund at once
    ("hand Silver", "Silver", "down", 12 * M),  # below what spend earns: held down (was Gold)
    ("sale E 7M", "Silver", "down", 19 * M),  # earns Gold: not higher than Gold, held
    ("refund C", "Silver", "down", 15 * M),
    ("refund B", "Silver", "down", 10 * M),
    ("refund A", "Silver", "down", 7 * M),  # earns Silver: the held tier
    ("refund E", "Member", "down", 0),  # earns Member: a hold down is a ceiling, not a floor
    ("sale F 25M", "Diamond", "", 25 * M),  # earns Diamond, higher than Gold: free again
]


def test_the_manual_holds_over_a_sequence_of_sales_and_refunds(
        writer, reader, staff_id, customer_id, ladder, service, fixed_now):
    invoices: dict[str, int] = {}
    failed = []
    for step, (what, tier, hold, spend) in enumerate(WORKED):
        verb, name = what.split()[:2]
        with clock.pinned(fixed_now + timedelta(minutes=step)):
            if verb == "sale":
                amount = int(what.split()[2][:-1]) * M
                invoices[name] = _sale(writer, staff_id, customer_id, service, amount,
                                       f"k{step}").invoice_id
            elif verb == "refund":
                _refund(writer, staff_id, invoices[name], f"r{step}")
            else:
                with writer() as s:
                    set_tier_by_hand(s, staff_id=staff_id, customer_id=customer_id,
                                     tier_id=ladder[name], reason="Khách quen của chủ tiệm")
            with reader() as s:
                got = (*_state(reader, customer_id), ranking_spend(s, customer_id))
        if got != (tier, hold, spend):
            failed.append(f"step {step} {what}: {got}, not {(tier, hold, spend)}")
    assert not failed, "\n".join(failed)
    with reader() as s:
        history = tier_history(s, customer_id)
    assert [(e.from_name, e.to_name) for e in reversed(history)] == [
        ("Member", "Silver"), ("Silver", "Gold"), ("Gold", "Diamond"), ("Diamond", "Gold"),
        ("Gold", "Silver"), ("Silver", "Member"), ("Member", "Diamond")]
    assert history[-1].reason.startswith("Sale HD") and history[-2].reason == \
        "Khách quen của chủ tiệm" and history[-2].staff_name == "Trần Thu Hà"
    assert history[3].reason.startswith("Refund HD")
    # Gold's reward when given by hand, Diamond's when earned: once each, never again.
    assert _rewards(reader, customer_id) == [(500, "Reward for reaching Gold"),
                                             (1000, "Reward for reaching Diamond")]


def test_a_top_up_counts_once_when_spent_or_when_paid(writer, reader, staff_id, customer_id,
                                                      ladder, service, fixed_now):
    with writer() as s:
        card = ensure_card(s, customer_id=customer_id)

    def spent() -> tuple[int, int]:
        with reader() as s:
            return total_spend(s, customer_id=customer_id), ranking_spend(s, customer_id)

    # When spent (the default): the top-up adds nothing, what the card pays adds.
    with writer() as s:
        checkout(s, staff_id=staff_id, idempotency_key="top", cart=Cart(
            customer_id=customer_id,
            lines=[CartLine(kind="topup", unit_price=10 * M, credit=11 * M)],
            payments=[CartPayment("transfer", 10 * M)]))
    assert spent() == (0, 0)
    sale = _sale(writer, staff_id, customer_id, service, 3 * M, "card", "value", card)
    assert spent() == (3 * M, 3 * M)
    assert _state(reader, customer_id) == ("Silver", "")
    _refund(writer, staff_id, sale.invoice_id, "r1")  # back onto the card: it comes off
    assert spent() == (0, 0)
    assert _state(reader, customer_id) == ("Member", "")
    # When paid: the same invoices count the top-up, and the card's payments nothing.
    with writer() as s:
        update_tier_settings(s, staff_id=staff_id, basis="spend", period_months=12,
                             topup_spend="paid")
    assert spent() == (10 * M, 10 * M)
    _sale(writer, staff_id, customer_id, service, 3 * M, "card2", "value", card)
    assert spent() == (10 * M, 10 * M)
    assert _state(reader, customer_id) == ("Gold", "")


def test_the_rolling_period_and_spend_given_by_hand(writer, reader, staff_id, customer_id,
                                                    ladder, service):
    long_ago = datetime(2025, 10, 1, 9, 0)
    with clock.pinned(long_ago):
        _sale(writer, staff_id, customer_id, service, 5 * M, "old")
    now = datetime(2026, 11, 23, 9, 30)
    with clock.pinned(now):
        _sale(writer, staff_id, customer_id, service, 1 * M, "new")
        with reader() as s:
            assert ranking_spend(s, customer_id) == 1 * M  # 14 months ago: out of 12
            assert ranking_spend(s, customer_id, as_of=datetime(2026, 9, 30)) == 5 * M
            assert total_spend(s, customer_id=customer_id) == 6 * M  # the header: all time
        assert _state(reader, customer_id) == ("Member", "")
        with writer() as s:
            update_tier_settings(s, staff_id=staff_id, basis="spend", period_months=24,
                                 topup_spend="spent")
            s.add(SpendEntry(customer_id=customer_id, amount=5 * M, reason="Chăm sóc",
                             ref_type="care", created_at=now, staff_id=staff_id))
            s.flush()
            change = refresh_tier(s, customer_id=customer_id, staff_id=staff_id,
                                  reason="Spend given by hand")
        assert (change.from_name, change.to_name) == ("Member", "Gold")
        with reader() as s:
            assert ranking_spend(s, customer_id) == 11 * M
            assert ranking_points(s, customer_id) == 600  # 6M at 10,000 a point
        # Ranked by points instead: Silver from 500 points, Gold from 5,000.
        with writer() as s:
            update_tier_settings(s, staff_id=staff_id, basis="points", period_months=12,
                                 topup_spend="spent")
            update_tier(s, staff_id=staff_id, tier_id=ladder["Silver"], name="Silver",
                        min_spend=2 * M, min_points=50)
            update_tier(s, staff_id=staff_id, tier_id=ladder["Gold"], name="Gold",
                        min_spend=10 * M, min_points=5000, reward_points=500)
            change = refresh_tier(s, customer_id=customer_id, staff_id=staff_id,
                                  reason="Ranked by points")
        assert change.to_name == "Silver"  # 100 points this year; Gold was not held by hand


def test_a_reward_is_given_once_and_only_to_an_active_member(writer, reader, staff_id,
                                                             customer_id, ladder):
    from salontui.store.loyalty.members import set_member_state

    def hand(tier, who=customer_id):
        with writer() as s:
            return set_tier_by_hand(s, staff_id=staff_id, customer_id=who,
                                    tier_id=ladder[tier], reason="Thăng hạng tặng")

    assert hand("Gold").reward_points == 500
    assert hand("Member").reward_points == 0
    assert hand("Gold").reward_points == 0  # reached again: not twice
    assert _rewards(reader, customer_id) == [(500, "Reward for reaching Gold")]
    with writer() as s:
        other = create_customer(s, staff_id=staff_id, name="Lý Minh Thư",
                                phone="0912 555 010").id
        set_member_state(s, staff_id=staff_id, customer_id=other, state="excluded",
                         reason="Gian lận điểm")
    change = hand("Diamond", other)  # the tier moves for an excluded member; no reward
    assert (change.to_name, change.reward_points) == ("Diamond", 0)
    assert _rewards(reader, other) == []


def test_renaming_a_tier_renames_its_holders_labels(writer, reader, staff_id, customer_id,
                                                    ladder):
    with writer() as s:
        set_tier_by_hand(s, staff_id=staff_id, customer_id=customer_id,
                         tier_id=ladder["Gold"], reason="VIP")
        other = create_customer(s, staff_id=staff_id, name="Đỗ Hải Yến",
                                phone="0903 111 222").id
        update_tier(s, staff_id=staff_id, tier_id=ladder["Gold"], name="Vàng",
                    min_spend=10 * M, reward_points=500)
        update_tier(s, staff_id=staff_id, tier_id=ladder["Member"], name="Thành viên",
                    min_spend=0)
    with reader() as s:
        assert get_customer(s, customer_id=customer_id).tier == "Vàng"
        assert get_customer(s, customer_id=other).tier == "Thành viên"
        assert tier_history(s, customer_id)[0].to_name == "Vàng"  # history reads the new name


def test_moving_and_retiring_keep_the_ladder_in_order(writer, reader, staff_id, customer_id,
                                                      ladder):
    with writer() as s:
        vip = create_tier(s, staff_id=staff_id, name="VIP", discount_percent=10)  # by hand
        assert vip.position == 4
        assert move_tier(s, staff_id=staff_id, tier_id=vip.id, direction="lower").position == 3
        assert move_tier(s, staff_id=staff_id, tier_id=ladder["Diamond"],
                         direction="higher").position == 4  # back above it: no threshold
        assert move_tier(s, staff_id=staff_id, tier_id=ladder["Diamond"],
                         direction="higher").position == 4  # the top: nothing moves
    for tier, direction, said in (("Gold", "lower", "needs more than Gold"),
                                  ("Silver", "lower", "starts at 0")):
        with pytest.raises(RuleViolation, match=said) as refused, writer() as s:
            move_tier(s, staff_id=staff_id, tier_id=ladder[tier], direction=direction)
        assert refused.value.field == "position"
    with writer() as s:
        set_tier_by_hand(s, staff_id=staff_id, customer_id=customer_id,
                         tier_id=ladder["Gold"], reason="VIP")
        retired = retire_tier(s, staff_id=staff_id, tier_id=ladder["Gold"])
        assert not retired.active
    assert _state(reader, customer_id) == ("Member", "")  # moved at once, the hold gone
    with reader() as s:
        assert tier_history(s, customer_id)[0].reason == "The tier Gold was retired"
        assert "Gold" not in [t.name for t in list_tiers(s)]
        assert "Gold" in [t.name for t in list_tiers(s, include_inactive=True)]
    with pytest.raises(RuleViolation, match="retired") as refused, writer() as s:
        set_tier_by_hand(s, staff_id=staff_id, customer_id=customer_id,
                         tier_id=ladder["Gold"], reason="VIP")
    assert refused.value.field == "tier"
    with writer() as s:
        assert restore_tier(s, staff_id=staff_id, tier_id=ladder["Gold"]).active
    with pytest.raises(RuleViolation, match="first tier") as refused, writer() as s:
        retire_tier(s, staff_id=staff_id, tier_id=ladder["Member"])
    assert refused.value.field == "tier"


def test_bad_input_is_refused_at_its_field_with_nothing_written(engine, writer, reader,
                                                                staff_id, customer_id, ladder):
    from salontui.store.errors import SalonError

    good = {"name": "Platinum", "min_spend": 30 * M, "min_points": None,
            "discount_percent": 5, "points_percent": 150, "reward_points": 100}
    cases = [
        ({"name": ""}, "name", "required"),
        ({"name": "x" * 41}, "name", "longer than 40"),
        ({"name": "  gold "}, "name", "already a tier"),
        ({"min_spend": -1}, "min_spend", "negative"),
        ({"min_spend": 10 ** 16}, "min_spend", "too large"),
        ({"min_points": -5}, "min_points", "negative"),
        ({"discount_percent": 101}, "discount_percent", "0 to 100"),
        ({"discount_percent": -1}, "discount_percent", "negative"),
        ({"points_percent": 99}, "points_percent", "100 to 1000"),
        ({"points_percent": 1001}, "points_percent", "100 to 1000"),
        ({"reward_points": -1}, "reward_points", "negative"),
        ({"min_spend": 2 * M}, "min_spend", "more than"),  # ties Silver
        ({"name": "Bronze", "min_spend": 1 * M, "min_points": 0}, "min_points",
         "more than Member"),  # ranks above Member by spend, then must by points too
    ]

    def written():
        with reader() as s:
            audits = s.execute(text("SELECT count(*) FROM audit_log")).scalar()
            return audits, [(t.name, t.position, t.min_spend) for t in
                            list_tiers(s, include_inactive=True)]

    def add(change):
        with writer() as s:
            create_tier(s, staff_id=staff_id, **{**good, **change})

    problems = refused_wrongly(cases, add, written, error=SalonError)
    edits = [
        ({"tier_id": ladder["Member"], "name": "Member", "min_spend": 100}, "min_spend",
         "starts at 0"),
        ({"tier_id": ladder["Gold"], "name": "Gold", "min_spend": 25 * M}, "min_spend",
         "less than Diamond"),
        ({"tier_id": ladder["Gold"], "name": "Diamond"}, "name", "already a tier"),
        ({"tier_id": 999, "name": "Gold"}, "tier"),
    ]

    def edit(change):
        with writer() as s:
            update_tier(s, staff_id=staff_id, **change)

    problems += refused_wrongly(edits, edit, written, error=SalonError)
    moves = [
        ({"tier_id": ladder["Gold"], "reason": ""}, "reason", "Say why"),
        ({"tier_id": ladder["Gold"], "reason": "x" * 251}, "reason", "longer than"),
        ({"tier_id": ladder["Member"], "reason": "Đã là thành viên"}, "tier", "already in"),
        ({"tier_id": 999, "reason": "VIP"}, "tier"),
    ]

    def hand(change):
        with writer() as s:
            set_tier_by_hand(s, staff_id=staff_id, customer_id=customer_id, **change)

    problems += refused_wrongly(moves, hand, written, error=SalonError)
    settings = [
        ({"basis": "visits"}, "tier_basis"),
        ({"period_months": 0}, "tier_period_months"),
        ({"period_months": 121}, "tier_period_months"),
        ({"topup_spend": "never"}, "topup_spend"),
    ]

    def setting(change):
        with writer() as s:
            update_tier_settings(s, staff_id=staff_id, **{
                "basis": "spend", "period_months": 12, "topup_spend": "spent", **change})

    problems += refused_wrongly(settings, setting, written, error=SalonError)
    assert not problems, "\n".join(problems)
    with pytest.raises(NotFound), writer() as s:
        set_tier_by_hand(s, staff_id=staff_id, customer_id=999, tier_id=ladder["Gold"],
                         reason="VIP")


def test_checkout_with_a_tier_discount_and_multiplier(engine, writer, reader, staff_id,
                                                      customer_id, ladder, service, fixed_now):
    from salontui.store.admin.groups import create_group, set_customer_group
    from salontui.store.check import run_checks
    from salontui.store.invoices import get_invoice
    from salontui.store.models import Invoice
    from salontui.store.receipts import receipt_text
    from salontui.store.settings import get_settings

    with writer() as s:
        update_tier(s, staff_id=staff_id, tier_id=ladder["Gold"], name="Gold",
                    min_spend=10 * M, discount_percent=5, points_percent=150)
        group = create_group(s, staff_id=staff_id, name="VIP", points_percent=200)
        set_customer_group(s, staff_id=staff_id, customer_id=customer_id, group_id=group.id)
        set_tier_by_hand(s, staff_id=staff_id, customer_id=customer_id,
                         tier_id=ladder["Gold"], reason="Khách VIP")
        product = create_item(s, staff_id=staff_id, name="Dầu gội", kind="product",
                              price=500_000).id
    cart = Cart(customer_id=customer_id,
                lines=[CartLine(kind="service", item_id=service),
                       CartLine(kind="product", item_id=product)],
                payments=[CartPayment("cash", 1_450_000)])
    with reader() as s:
        q = quote(s, cart=cart)
    assert (q.tier_name, q.tier_percent, q.tier_discount, q.total) == (
        "Gold", 5, 50_000, 1_450_000)  # 5 % of the service only
    with writer() as s:
        paid = checkout(s, staff_id=staff_id, cart=cart, idempotency_key="gold")
    # 1,450,000 at 10,000 a point: 145, × 200 % (group) × 150 % (tier) = 435
    assert paid.points_earned == 435
    with reader() as s:
        invoice = s.get(Invoice, paid.invoice_id)
        assert invoice.points_rule == "service+product+package;200;down;150"
        detail = get_invoice(s, invoice_id=paid.invoice_id)
        receipt = receipt_text(detail, get_settings(s), width=48)
    assert "Gold tier -5 %" in receipt and "50.000" in receipt
    assert run_checks(engine, only=["points_earned"]) == []


def test_an_excluded_member_gets_no_tier_benefit_but_follows_spend(
        writer, reader, staff_id, customer_id, ladder, service, fixed_now):
    from salontui.store.loyalty.members import set_member_state

    with writer() as s:
        update_tier(s, staff_id=staff_id, tier_id=ladder["Silver"], name="Silver",
                    min_spend=2 * M, discount_percent=10, points_percent=200)
        set_tier_by_hand(s, staff_id=staff_id, customer_id=customer_id,
                         tier_id=ladder["Silver"], reason="Thử")
        set_member_state(s, staff_id=staff_id, customer_id=customer_id, state="excluded",
                         reason="Gian lận điểm")
        benefit = tier_benefit(s, customer_id)
    assert benefit.discount_percent == 0 and "excluded" in benefit.refused
    cart = Cart(customer_id=customer_id, lines=[CartLine(kind="service", item_id=service,
                                                         unit_price=12 * M)],
                payments=[CartPayment("cash", 12 * M)])
    with reader() as s:
        q = quote(s, cart=cart)
    assert (q.tier_discount, q.total) == (0, 12 * M) and "excluded" in q.tier_refused
    with writer() as s:
        paid = checkout(s, staff_id=staff_id, cart=cart, idempotency_key="x")
    assert paid.points_earned == 0
    assert paid.tier_change is not None and paid.tier_change.to_name == "Gold"
    assert _state(reader, customer_id) == ("Gold", "")
    assert _rewards(reader, customer_id) == []  # Gold's 500 are an active member's


def test_a_merge_keeps_the_better_tier(writer, reader, staff_id, customer_id, ladder):
    from salontui.store.merge import merge_customers

    with writer() as s:
        other = create_customer(s, staff_id=staff_id, name="Nguyễn T. Hương",
                                phone="0935 320 889").id
        set_tier_by_hand(s, staff_id=staff_id, customer_id=other, tier_id=ladder["Gold"],
                         reason="VIP")
        merge_customers(s, staff_id=staff_id, keep_id=customer_id, merge_id=other)
    assert _state(reader, customer_id) == ("Gold", "up")
    with reader() as s:
        assert "better tier" in tier_history(s, customer_id)[0].reason
