"""Member states (store/loyalty/members.py): activate, exclude with a reason, re-activate,
one at a time and over a selection; an excluded member at checkout earns nothing and cannot
pay by points (and the checkout says why); the points kept come back on re-activation;
new customers active or not as the salon says; a member's phone is not edited in place."""

from __future__ import annotations

import json

import pytest
from refusals import refused_wrongly
from sqlalchemy import text

from salontui.store.cart import Cart, CartLine, CartPayment
from salontui.store.catalog import create_item
from salontui.store.check import run_checks
from salontui.store.checkout import checkout
from salontui.store.customers import create_customer, delete_customer, update_customer
from salontui.store.errors import RuleViolation, SalonError
from salontui.store.ledger import adjust_points, points_balance
from salontui.store.loyalty.members import points_refusal, set_member_state, set_member_states
from salontui.store.settings import update_settings
from salontui.store.summary import customer_summary

REASON = "Shared the card with friends"


def _audits(reader) -> int:
    with reader() as s:
        return s.execute(text("SELECT count(*) FROM audit_log")).scalar()


def _state(reader, customer_id) -> tuple[str, str]:
    with reader() as s:
        found = customer_summary(s, customer_id=customer_id)
    return found.member_state, found.member_reason


def test_activate_exclude_and_reactivate_with_the_reason_audited(writer, reader, staff_id):
    with writer() as s:
        update_settings(s, staff_id=staff_id, new_member_active=False)
        waiting = create_customer(s, staff_id=staff_id, name="Lê Thị Mai", phone="0905 123 456")
    assert waiting.member_state == "not_activated"
    with writer() as s:
        active = set_member_state(s, staff_id=staff_id, customer_id=waiting.id, state="active")
    assert (active.member_state, active.member_reason) == ("active", "")
    with writer() as s:
        set_member_state(s, staff_id=staff_id, customer_id=waiting.id, state="excluded",
                         reason=f"  {REASON} ")
    assert _state(reader, waiting.id) == ("excluded", REASON)
    with writer() as s:
        back = set_member_state(s, staff_id=staff_id, customer_id=waiting.id, state="active")
    assert (back.member_state, back.member_reason) == ("active", "")  # the reason goes
    with reader() as s:
        rows = s.execute(text("SELECT before, after FROM audit_log WHERE action = "
                              "'set_member_state' ORDER BY id")).all()
    changes = [(json.loads(b)["member_state"], json.loads(a)) for b, a in rows]
    assert changes == [
        ("not_activated", {"member_state": "active", "member_reason": ""}),
        ("active", {"member_state": "excluded", "member_reason": REASON}),
        ("excluded", {"member_state": "active", "member_reason": ""}),
    ]
    assert json.loads(rows[2][0])["member_reason"] == REASON


def test_refusals_at_their_field_write_nothing(writer, reader, staff_id, customer_id):
    with writer() as s:
        gone = create_customer(s, staff_id=staff_id, name="Trần Văn Nam", phone="0912 000 111")
        delete_customer(s, staff_id=staff_id, customer_id=gone.id)

    def attempt(changes):
        with writer() as s:
            set_member_state(s, **({"staff_id": staff_id, "customer_id": customer_id,
                                    "state": "excluded", "reason": REASON} | changes))

    cases = [
        ({"reason": ""}, "reason", "Say why"),
        ({"reason": "   "}, "reason", "Say why"),
        ({"reason": "x" * 251}, "reason", "longer than 250"),
        ({"state": "gold"}, "state", "Unknown membership state"),
        ({"state": "not_activated"}, "state", "cannot be set back"),
        ({"state": "active"}, "state", "already an active member"),
        ({"customer_id": gone.id}, "state", "deleted"),
        ({"customer_id": 999_999}, "customer", "No customer"),
        ({"staff_id": 999_999}, "staff"),
        ({"reason": "a\x00b"}, "reason"),
    ]
    assert refused_wrongly(cases, attempt, lambda: _audits(reader), error=SalonError) == []
    attempt({})
    assert refused_wrongly([({}, "state", "already excluded")], attempt,
                           lambda: _audits(reader), error=SalonError) == []


@pytest.fixture
def oil(writer, staff_id):
    with writer() as s:
        return create_item(s, staff_id=staff_id, name="Dầu gội thảo dược", kind="product",
                           price=250_000)


def _sell(writer, staff_id, customer_id, oil, key, payments):
    with writer() as s:
        return checkout(s, staff_id=staff_id, idempotency_key=key, cart=Cart(
            customer_id=customer_id, lines=[CartLine(kind="product", item_id=oil.id)],
            payments=payments))


def test_an_excluded_member_at_checkout_earns_nothing_and_cannot_pay_by_points(
        engine, writer, reader, staff_id, customer_id, oil, fixed_now):
    with writer() as s:  # one point per 10,000 đ; a point is worth 100 đ
        adjust_points(s, staff_id=staff_id, customer_id=customer_id, amount=500, reason="Gift")
        set_member_state(s, staff_id=staff_id, customer_id=customer_id, state="excluded",
                         reason=REASON)
    with pytest.raises(RuleViolation) as refused, writer() as s:
        checkout(s, staff_id=staff_id, idempotency_key="k1", cart=Cart(
            customer_id=customer_id, lines=[CartLine(kind="product", item_id=oil.id)],
            payments=[CartPayment("points", 10_000), CartPayment("cash", 240_000)]))
    assert refused.value.field == "points"
    assert refused.value.message == (
        f"Excluded member: earns and spends no points ({REASON}).")
    _sell(writer, staff_id, customer_id, oil, "k2", [CartPayment("cash", 250_000)])
    with reader() as s:
        assert points_balance(s, customer_id=customer_id) == 500  # kept, nothing earned
        assert s.execute(text("SELECT points_rate FROM invoice")).scalar() == 0
    with pytest.raises(RuleViolation, match="excluded"), writer() as s:
        adjust_points(s, staff_id=staff_id, customer_id=customer_id, amount=10, reason="x")
    with writer() as s:  # re-activated: the same 500 points to spend, and earning again
        set_member_state(s, staff_id=staff_id, customer_id=customer_id, state="active")
    _sell(writer, staff_id, customer_id, oil, "k3",
          [CartPayment("points", 50_000), CartPayment("cash", 200_000)])
    with reader() as s:
        assert points_balance(s, customer_id=customer_id) == 500 - 500 + 20
    assert run_checks(engine) == []


def test_a_member_not_activated_earns_and_spends_nothing(writer, reader, staff_id, oil,
                                                         fixed_now):
    with writer() as s:
        update_settings(s, staff_id=staff_id, new_member_active=False)
        waiting = create_customer(s, staff_id=staff_id, name="Lê Thị Mai", phone="0905 123 456")
        adjust_points(s, staff_id=staff_id, customer_id=waiting.id, amount=100, reason="Gift")
    _sell(writer, staff_id, waiting.id, oil, "k1", [CartPayment("cash", 250_000)])
    with pytest.raises(RuleViolation, match="not activated") as refused:
        _sell(writer, staff_id, waiting.id, oil, "k2",
              [CartPayment("points", 10_000), CartPayment("cash", 240_000)])
    assert refused.value.field == "points"
    with reader() as s:
        assert points_balance(s, customer_id=waiting.id) == 100


def test_the_sentence_of_each_state():
    assert points_refusal("active") is None and points_refusal(None) is None
    assert points_refusal("excluded", "Fraud") == (
        "Excluded member: earns and spends no points (Fraud).")
    assert points_refusal("excluded") == "Excluded member: earns and spends no points."
    assert "not activated" in (points_refusal("not_activated") or "")


def test_bulk_states_change_each_customer_and_report_the_refused(writer, reader, staff_id,
                                                                 customer_id):
    with writer() as s:
        ids = [create_customer(s, staff_id=staff_id, name=name, phone=phone).id
               for name, phone in (("Trần Văn Nam", "0912 000 111"),
                                   ("Đặng Thu Trang", "0912 000 222"),
                                   ("Phạm Minh Khôi", "0912 000 333"))]
        delete_customer(s, staff_id=staff_id, customer_id=ids[1])
        set_member_state(s, staff_id=staff_id, customer_id=ids[2], state="excluded",
                         reason="Earlier")
    before = _audits(reader)
    with writer() as s:
        report = set_member_states(s, staff_id=staff_id, state="excluded", reason=REASON,
                                   customer_ids=[customer_id, *ids, customer_id, 999_999])
    assert report.changed == [customer_id, ids[0]]
    assert [(r.customer_id, r.name) for r in report.refused] == [
        (ids[1], "Đặng Thu Trang"), (ids[2], "Phạm Minh Khôi"), (999_999, "")]
    assert "deleted" in report.refused[0].message
    assert "already excluded" in report.refused[1].message
    assert _audits(reader) == before + 2
    assert _state(reader, ids[0]) == ("excluded", REASON)
    assert _state(reader, ids[2]) == ("excluded", "Earlier")  # not overwritten
    for changes, field in (({"reason": ""}, "reason"), ({"state": "vip"}, "state"),
                           ({"customer_ids": "1"}, "customers")):
        with pytest.raises(SalonError) as refused, writer() as s:
            set_member_states(s, **({"staff_id": staff_id, "customer_ids": ids,
                                     "state": "excluded", "reason": REASON} | changes))
        assert refused.value.field == field
    assert _audits(reader) == before + 2


@pytest.mark.parametrize("active", [True, False])
def test_new_customers_follow_the_salon_setting(writer, staff_id, active):
    with writer() as s:
        update_settings(s, staff_id=staff_id, new_member_active=active)
        record = create_customer(s, staff_id=staff_id, name="Lê Thị Mai", phone="0905 123 456")
    assert record.member_state == ("active" if active else "not_activated")


def test_a_member_s_phone_is_not_edited_in_place(writer, reader, staff_id, customer_id):
    with pytest.raises(RuleViolation, match="manager") as refused, writer() as s:
        update_customer(s, staff_id=staff_id, customer_id=customer_id,
                        name="Nguyễn Thị Hương", phone="0912 999 888")
    assert refused.value.field == "phone"
    with writer() as s:  # the same number written differently is no change
        update_customer(s, staff_id=staff_id, customer_id=customer_id,
                        name="Nguyễn Thị Hương", phone="+84 935 320 888", note="VIP")
        update_settings(s, staff_id=staff_id, new_member_active=False)
        waiting = create_customer(s, staff_id=staff_id, name="Lê Thị Mai", phone="0905 123 456")
    with writer() as s:  # not a member yet: the phone is a field like the others
        fixed = update_customer(s, staff_id=staff_id, customer_id=waiting.id,
                                name="Lê Thị Mai", phone="0905 123 457")
    assert fixed.phone == "+84905123457"
