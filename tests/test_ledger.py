"""Ledgers: points, stored value (general card + sub-cards) and debt, on a real SQLite file."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError

from salontui.store import clock
from salontui.store.customers import create_customer, delete_customer
from salontui.store.errors import NotFound, RuleViolation, ValidationError
from salontui.store.ledger import (
    GENERAL_CARD,
    adjust_card,
    adjust_points,
    balance,
    card_balances,
    care_action,
    debt_balance,
    ensure_card,
    ledger_history,
    points_balance,
    post_entry,
)
from salontui.store.loyalty.members import set_member_state


def count(session, table: str) -> int:
    return session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def audit_rows(session, action: str) -> list[dict]:
    rows = session.execute(
        text("SELECT entity, entity_id, staff_id, before, after FROM audit_log "
             "WHERE action = :a ORDER BY id"), {"a": action}).all()
    return [{"entity": r[0], "entity_id": r[1], "staff_id": r[2],
             "before": json.loads(r[3]) if r[3] else None,
             "after": json.loads(r[4]) if r[4] else None} for r in rows]


def new_customer(writer, staff_id, name: str, phone: str) -> int:
    with writer() as s:
        return create_customer(s, staff_id=staff_id, name=name, phone=phone).id


@pytest.fixture
def three_customers(writer, staff_id, customer_id) -> list[int]:
    return [
        customer_id,
        new_customer(writer, staff_id, "Trần Văn Bình", "0912 345 678"),
        new_customer(writer, staff_id, "Đặng Thu Trang", "0987 654 321"),
    ]


# ---------------------------------------------------------------- points


def test_points_over_credited_then_corrected_restores_balance(writer, reader, staff_id,
                                                               customer_id):
    """The worked example: 1,200 points, over-credited by 5,000, then corrected by −5,000."""
    with writer() as s:
        adjust_points(s, staff_id=staff_id, customer_id=customer_id, amount=1200,
                      reason="Opening balance")
        wrong = adjust_points(s, staff_id=staff_id, customer_id=customer_id, amount=5000,
                              reason="Birthday bonus")
        fix = adjust_points(s, staff_id=staff_id, customer_id=customer_id, amount=-5000,
                            reason="Correction: bonus given twice")
    assert wrong.balance_after == 6200
    assert fix.balance_after == 1200
    assert fix.operator_name == "Trần Thu Hà"
    with reader() as s:
        assert points_balance(s, customer_id=customer_id) == 1200
        history = ledger_history(s, customer_id=customer_id, account="points")
    assert [(r.amount, r.balance_after) for r in history] == [
        (-5000, 1200), (5000, 6200), (1200, 1200)]
    assert history[0].reason == "Correction: bonus given twice"
    assert history[1].reason == "Birthday bonus"
    assert all(r.kind == "adjust" and r.ref_type == "adjustment" for r in history)
    assert all(r.operator_name == "Trần Thu Hà" for r in history)


def test_points_decrease_below_zero_is_refused_and_writes_nothing(writer, staff_id,
                                                                  customer_id):
    with writer() as s:
        adjust_points(s, staff_id=staff_id, customer_id=customer_id, amount=1200, reason="Visit")
    with writer() as s:
        entries, audits = count(s, "ledger_entry"), count(s, "audit_log")
        with pytest.raises(RuleViolation) as caught:
            adjust_points(s, staff_id=staff_id, customer_id=customer_id, amount=-5000,
                          reason="Redeem gift")
        assert caught.value.field == "amount"
        assert str(caught.value) == "Only 1,200 points left; cannot deduct 5,000."
        # Nothing was written, even inside the still-open transaction.
        assert count(s, "ledger_entry") == entries
        assert count(s, "audit_log") == audits
        assert points_balance(s, customer_id=customer_id) == 1200
        # Taking exactly what is there is allowed.
        row = adjust_points(s, staff_id=staff_id, customer_id=customer_id, amount=-1200,
                            reason="Redeem gift")
        assert row.balance_after == 0


def test_adjust_points_writes_one_audit_row_with_before_and_after(writer, staff_id,
                                                                   customer_id):
    with writer() as s:
        adjust_points(s, staff_id=staff_id, customer_id=customer_id, amount=300, reason="Visit")
        row = adjust_points(s, staff_id=staff_id, customer_id=customer_id, amount=-100,
                            reason="Gift")
        audits = audit_rows(s, "adjust_points")
    assert len(audits) == 2
    last = audits[-1]
    assert last["entity"] == "customer" and last["entity_id"] == customer_id
    assert last["staff_id"] == staff_id
    assert last["before"] == {"points": 300}
    assert last["after"]["points"] == 200
    assert last["after"]["amount"] == -100
    assert last["after"]["reason"] == "Gift"
    assert last["after"]["entry_id"] == row.id


@pytest.mark.parametrize(
    ("amount", "reason", "error", "field"),
    [
        (0, "Visit", ValidationError, "amount"),
        (100, "", ValidationError, "reason"),
        (100, "   ", ValidationError, "reason"),
        (100, "x" * 251, ValidationError, "reason"),
        (1.5, "Visit", ValidationError, "amount"),
        (True, "Visit", ValidationError, "amount"),
        (10**13, "Visit", ValidationError, "amount"),
    ],
)
def test_adjust_points_validation_writes_nothing(writer, staff_id, customer_id, amount, reason,
                                                 error, field):
    with writer() as s:
        before = count(s, "ledger_entry"), count(s, "audit_log")
        with pytest.raises(error) as caught:
            adjust_points(s, staff_id=staff_id, customer_id=customer_id, amount=amount,
                          reason=reason)
        assert caught.value.field == field
        assert str(caught.value)  # a message a person can read
        assert (count(s, "ledger_entry"), count(s, "audit_log")) == before


def test_adjust_points_unknown_customer_or_staff(writer, staff_id, customer_id):
    with writer() as s:
        with pytest.raises(NotFound) as caught:
            adjust_points(s, staff_id=staff_id, customer_id=99999, amount=10, reason="Visit")
        assert caught.value.field == "customer"
        with pytest.raises(NotFound):
            adjust_points(s, staff_id=99999, customer_id=customer_id, amount=10, reason="Visit")
        assert count(s, "ledger_entry") == 0


def test_excluded_member_earns_and_spends_no_points(writer, reader, staff_id, customer_id):
    with writer() as s:
        adjust_points(s, staff_id=staff_id, customer_id=customer_id, amount=500, reason="Visit")
        set_member_state(s, staff_id=staff_id, customer_id=customer_id, state="excluded",
                         reason="Abused the points")
    with writer() as s:
        entries = count(s, "ledger_entry")
        with pytest.raises(RuleViolation, match="excluded"):
            adjust_points(s, staff_id=staff_id, customer_id=customer_id, amount=100,
                          reason="Visit")
        with pytest.raises(RuleViolation, match="excluded"):
            adjust_points(s, staff_id=staff_id, customer_id=customer_id, amount=-100,
                          reason="Gift")
        with pytest.raises(RuleViolation, match="excluded"):
            post_entry(s, customer_id=customer_id, account="points", amount=40, kind="earn",
                       ref_type="invoice", ref_id=None, operator_id=staff_id)
        with pytest.raises(RuleViolation, match="excluded"):
            post_entry(s, customer_id=customer_id, account="points", amount=-40, kind="spend",
                       operator_id=staff_id)
        assert count(s, "ledger_entry") == entries
        # A refund may reverse points posted before the exclusion, when asked explicitly.
        post_entry(s, customer_id=customer_id, account="points", amount=-500, kind="unearn",
                   ref_type="invoice", operator_id=staff_id, allow_excluded=True)
        post_entry(s, customer_id=customer_id, account="points", amount=500, kind="refund",
                   ref_type="invoice", operator_id=staff_id, allow_excluded=True)
        # Stored value and debt still work for them.
        post_entry(s, customer_id=customer_id, account="debt", amount=100_000, kind="charge",
                   operator_id=staff_id)
        adjust_card(s, staff_id=staff_id, customer_id=customer_id, card_name=GENERAL_CARD,
                    amount=50_000, reason="Top-up")
    with reader() as s:
        assert points_balance(s, customer_id=customer_id) == 500
        assert debt_balance(s, customer_id=customer_id) == 100_000


def test_deleted_customer_cannot_be_adjusted(writer, staff_id, customer_id):
    with writer() as s:
        delete_customer(s, staff_id=staff_id, customer_id=customer_id)
    with writer() as s:
        with pytest.raises(RuleViolation, match="restore"):
            adjust_points(s, staff_id=staff_id, customer_id=customer_id, amount=10,
                          reason="Visit")
        with pytest.raises(RuleViolation, match="restore"):
            adjust_card(s, staff_id=staff_id, customer_id=customer_id, card_name="General",
                        amount=10, reason="Top-up")
        assert count(s, "ledger_entry") == 0


# ---------------------------------------------------------------- stored value


def test_general_card_and_named_sub_card_have_separate_balances(writer, reader, staff_id,
                                                                customer_id):
    with writer() as s:
        general = adjust_card(s, staff_id=staff_id, customer_id=customer_id,
                              card_name="general", amount=2_000_000, reason="Top-up")
        nails = adjust_card(s, staff_id=staff_id, customer_id=customer_id,
                            card_name="Nail card", amount=500_000, reason="Top-up")
        spent = adjust_card(s, staff_id=staff_id, customer_id=customer_id,
                            card_name="NAIL CARD", amount=-200_000, reason="Manual charge")
    assert general.card_name == GENERAL_CARD  # "general" is the General card
    assert nails.card_id != general.card_id
    assert spent.card_id == nails.card_id  # card names match ignoring case
    assert spent.balance_after == 300_000
    with reader() as s:
        cards = card_balances(s, customer_id=customer_id)
        assert [(c.name, c.balance) for c in cards] == [
            ("General", 2_000_000), ("Nail card", 300_000)]
        assert balance(s, customer_id=customer_id, account="value",
                       card_id=general.card_id) == 2_000_000
        assert balance(s, customer_id=customer_id, account="value",
                       card_id=nails.card_id) == 300_000
        assert balance(s, customer_id=customer_id, account="value") == 2_300_000
        nail_history = ledger_history(s, customer_id=customer_id, account="value",
                                      card_id=nails.card_id)
        all_history = ledger_history(s, customer_id=customer_id, account="value")
    assert [(r.amount, r.balance_after) for r in nail_history] == [
        (-200_000, 300_000), (500_000, 500_000)]
    # Across cards, each row carries its own card's running balance.
    assert [(r.card_name, r.balance_after) for r in all_history] == [
        ("Nail card", 300_000), ("Nail card", 500_000), ("General", 2_000_000)]


def test_value_below_zero_is_refused_and_writes_nothing(writer, staff_id, customer_id):
    with writer() as s:
        adjust_card(s, staff_id=staff_id, customer_id=customer_id, card_name="General",
                    amount=150_000, reason="Top-up")
        nails = adjust_card(s, staff_id=staff_id, customer_id=customer_id,
                            card_name="Nails", amount=900_000, reason="Top-up")
    with writer() as s:
        before = count(s, "ledger_entry"), count(s, "audit_log"), count(s, "value_card")
        with pytest.raises(RuleViolation) as caught:
            adjust_card(s, staff_id=staff_id, customer_id=customer_id, card_name="General",
                        amount=-200_000, reason="Charge")
        assert caught.value.field == "amount"
        assert "150.000" in str(caught.value) and "200.000" in str(caught.value)
        # The other card's money does not cover the general card.
        with pytest.raises(RuleViolation):
            post_entry(s, customer_id=customer_id, account="value", amount=-200_000,
                       kind="pay", operator_id=staff_id)
        with pytest.raises(RuleViolation):
            post_entry(s, customer_id=customer_id, account="value", amount=-900_001,
                       kind="pay", card_id=nails.card_id, operator_id=staff_id)
        # Taking from a card the customer does not have creates nothing.
        with pytest.raises(RuleViolation):
            adjust_card(s, staff_id=staff_id, customer_id=customer_id, card_name="Spa",
                        amount=-1, reason="Charge")
        after = count(s, "ledger_entry"), count(s, "audit_log"), count(s, "value_card")
        assert after == before


def test_adjust_card_validation(writer, staff_id, customer_id):
    with writer() as s:
        for kwargs, field in [
            ({"card_name": "", "amount": 10, "reason": "x"}, "card_name"),
            ({"card_name": "x" * 61, "amount": 10, "reason": "x"}, "card_name"),
            ({"card_name": "General", "amount": 0, "reason": "x"}, "amount"),
            ({"card_name": "General", "amount": 10, "reason": ""}, "reason"),
        ]:
            with pytest.raises(ValidationError) as caught:
                adjust_card(s, staff_id=staff_id, customer_id=customer_id, **kwargs)
            assert caught.value.field == field
        with pytest.raises(NotFound):
            adjust_card(s, staff_id=staff_id, customer_id=4242, card_name="General",
                        amount=10, reason="x")
        assert count(s, "ledger_entry") == count(s, "value_card") == 0


def test_adjust_card_audits_once_and_notes_the_new_card(writer, staff_id, customer_id):
    with writer() as s:
        audits_before = count(s, "audit_log")
        adjust_card(s, staff_id=staff_id, customer_id=customer_id, card_name="Spa",
                    amount=100, reason="Top-up")
        adjust_card(s, staff_id=staff_id, customer_id=customer_id, card_name="Spa",
                    amount=-40, reason="Charge")
        audits = audit_rows(s, "adjust_card")
        assert count(s, "audit_log") == audits_before + 2  # no extra row for the new card
    assert len(audits) == 2
    assert audits[0]["after"]["card_created"] is True
    assert audits[1]["after"]["card_created"] is False
    assert audits[1]["before"]["balance"] == 100 and audits[1]["after"]["balance"] == 60


def test_ensure_card_is_idempotent_and_post_entry_defaults_to_general(writer, reader,
                                                                      staff_id, customer_id):
    with writer() as s:
        first = ensure_card(s, customer_id=customer_id)
        assert ensure_card(s, customer_id=customer_id, name="GENERAL") == first
        entry_id = post_entry(s, customer_id=customer_id, account="value", amount=70_000,
                              kind="topup", ref_type="invoice", ref_id=None,
                              operator_id=staff_id)
        assert count(s, "value_card") == 1
        with pytest.raises(NotFound):
            ensure_card(s, customer_id=777, name="Spa")
    with reader() as s:
        (row,) = ledger_history(s, customer_id=customer_id, account="value")
    assert row.id == entry_id and row.card_id == first and row.card_name == GENERAL_CARD


def test_ensure_card_from_the_desk_audits_a_new_card(writer, staff_id, customer_id):
    with writer() as s:
        card = ensure_card(s, customer_id=customer_id, name="Hair", staff_id=staff_id)
        ensure_card(s, customer_id=customer_id, name="hair", staff_id=staff_id)
        audits = audit_rows(s, "create_card")
    assert len(audits) == 1 and audits[0]["entity_id"] == card


def test_post_entry_refuses_a_card_of_another_customer(writer, staff_id, customer_id):
    other = new_customer(writer, staff_id, "Phạm Minh Khoa", "0903 111 222")
    with writer() as s:
        their_card = ensure_card(s, customer_id=other)
        with pytest.raises(NotFound):
            post_entry(s, customer_id=customer_id, account="value", amount=10, kind="topup",
                       card_id=their_card, operator_id=staff_id)
        with pytest.raises(ValidationError) as caught:
            post_entry(s, customer_id=customer_id, account="points", amount=10, kind="earn",
                       card_id=their_card, operator_id=staff_id)
        assert caught.value.field == "card"
        assert count(s, "ledger_entry") == 0


@pytest.mark.parametrize(
    ("kwargs", "error", "field"),
    [
        ({"account": "cash", "amount": 10, "kind": "earn"}, ValidationError, "account"),
        ({"account": "points", "amount": 0, "kind": "earn"}, ValidationError, "amount"),
        ({"account": "points", "amount": 10, "kind": ""}, ValidationError, "kind"),
        ({"account": "points", "amount": 10, "kind": "x" * 21}, ValidationError, "kind"),
        ({"account": "points", "amount": -1, "kind": "spend"}, RuleViolation, "amount"),
    ],
)
def test_post_entry_validation(writer, staff_id, customer_id, kwargs, error, field):
    with writer() as s:
        with pytest.raises(error) as caught:
            post_entry(s, customer_id=customer_id, operator_id=staff_id, **kwargs)
        assert caught.value.field == field
        assert count(s, "ledger_entry") == 0


def test_post_entry_writes_no_audit_row(writer, staff_id, customer_id):
    with writer() as s:
        audits = count(s, "audit_log")
        post_entry(s, customer_id=customer_id, account="points", amount=40, kind="earn",
                   ref_type="invoice", ref_id=7, operator_id=staff_id)
        assert count(s, "audit_log") == audits
        assert count(s, "ledger_entry") == 1


# ---------------------------------------------------------------- debt


def test_debt_balance_is_the_sum_with_running_balances(writer, reader, staff_id, customer_id):
    other = new_customer(writer, staff_id, "Võ Thị Lan", "0908 765 432")
    with writer() as s:
        for who, amount, kind in [
            (customer_id, 300_000, "charge"),
            (other, 999_000, "charge"),  # another customer's debt never mixes in
            (customer_id, -100_000, "repay"),
            (customer_id, 50_000, "charge"),
            (customer_id, -250_000, "repay"),
            (customer_id, 80_000, "charge"),
        ]:
            post_entry(s, customer_id=who, account="debt", amount=amount, kind=kind,
                       ref_type="invoice", operator_id=staff_id)
        # Points entries interleaved do not disturb the debt running balance.
        post_entry(s, customer_id=customer_id, account="points", amount=8, kind="earn",
                   operator_id=staff_id)
    with reader() as s:
        assert debt_balance(s, customer_id=customer_id) == 80_000
        assert debt_balance(s, customer_id=other) == 999_000
        history = ledger_history(s, customer_id=customer_id, account="debt")
    assert [(r.amount, r.balance_after) for r in history] == [
        (80_000, 80_000), (-250_000, 0), (50_000, 250_000), (-100_000, 200_000),
        (300_000, 300_000)]
    assert [r.kind for r in history] == ["charge", "repay", "charge", "repay", "charge"]


def test_history_pages_newest_first_with_correct_running_balances(writer, reader, staff_id,
                                                                   customer_id):
    with writer() as s:
        for amount in (10, 20, 30, 40, 50):
            adjust_points(s, staff_id=staff_id, customer_id=customer_id, amount=amount,
                          reason=f"Visit {amount}")
    with reader() as s:
        first = ledger_history(s, customer_id=customer_id, account="points", limit=2)
        second = ledger_history(s, customer_id=customer_id, account="points", limit=2,
                                offset=2)
        last = ledger_history(s, customer_id=customer_id, account="points", limit=2, offset=4)
        with pytest.raises(ValidationError):
            ledger_history(s, customer_id=customer_id, account="points", limit=-1)
        with pytest.raises(ValidationError):
            ledger_history(s, customer_id=customer_id, account="coins")
    # Running balances count every older entry, even those on later pages.
    assert [(r.amount, r.balance_after) for r in first] == [(50, 150), (40, 100)]
    assert [(r.amount, r.balance_after) for r in second] == [(30, 60), (20, 30)]
    assert [(r.amount, r.balance_after) for r in last] == [(10, 10)]


def test_history_keeps_entry_times(writer, reader, staff_id, customer_id):
    with clock.pinned(datetime(2026, 1, 5, 10, 0)), writer() as s:
        adjust_points(s, staff_id=staff_id, customer_id=customer_id, amount=5, reason="Visit")
    with reader() as s:
        (row,) = ledger_history(s, customer_id=customer_id, account="points")
    assert row.created_at == datetime(2026, 1, 5, 10, 0)


# ---------------------------------------------------------------- append-only


def test_ledger_rows_cannot_be_updated_or_deleted(engine, writer, reader, staff_id,
                                                  customer_id):
    with writer() as s:
        row = adjust_points(s, staff_id=staff_id, customer_id=customer_id, amount=5000,
                            reason="Visit")
    with pytest.raises(DatabaseError, match="append-only"), writer() as s:
        s.execute(text("UPDATE ledger_entry SET amount = 1 WHERE id = :i"), {"i": row.id})
    with pytest.raises(DatabaseError, match="append-only"), writer() as s:
        s.execute(text("DELETE FROM ledger_entry WHERE id = :i"), {"i": row.id})
    # Straight through the driver too, outside any helper.
    with engine.connect() as conn:
        with pytest.raises(DatabaseError, match="append-only"):
            conn.execute(text("UPDATE ledger_entry SET reason = 'x'"))
        conn.rollback()
    with reader() as s:
        assert points_balance(s, customer_id=customer_id) == 5000
        (kept,) = ledger_history(s, customer_id=customer_id, account="points")
    assert kept.reason == "Visit"


# ---------------------------------------------------------------- care actions


def test_care_action_gives_points_to_every_customer(writer, reader, staff_id, three_customers):
    with writer() as s:
        adjust_points(s, staff_id=staff_id, customer_id=three_customers[0], amount=100,
                      reason="Visit")
        audits_before = count(s, "audit_log")
        touched = care_action(s, staff_id=staff_id, customer_ids=three_customers,
                              account="points", amount=500, care_type="care",
                              reason="Tết greeting")
        assert touched == 3
        care_audits = audit_rows(s, "care_action")
        assert count(s, "audit_log") == audits_before + 3  # one row per customer touched
    assert sorted(a["entity_id"] for a in care_audits) == sorted(three_customers)
    first_audit = next(a for a in care_audits if a["entity_id"] == three_customers[0])
    assert first_audit["before"] == {"points": 100}
    assert first_audit["after"]["points"] == 600
    with reader() as s:
        assert [points_balance(s, customer_id=c) for c in three_customers] == [600, 500, 500]
        for cid in three_customers:
            (entry, *_rest) = ledger_history(s, customer_id=cid, account="points")
            assert entry.kind == "care" and entry.ref_type == "care"
            assert entry.reason == "Tết greeting"
            note = s.execute(text("SELECT customer_id, type, title, description FROM care_note "
                                  "WHERE id = :i"), {"i": entry.ref_id}).one()
            assert tuple(note) == (cid, "care", "Gave 500 points", "Tết greeting")


def test_care_action_with_an_unknown_customer_writes_nothing(writer, reader, staff_id,
                                                             three_customers):
    with writer() as s:
        before = (count(s, "ledger_entry"), count(s, "care_note"), count(s, "audit_log"))
        with pytest.raises(NotFound) as caught:
            care_action(s, staff_id=staff_id, customer_ids=[*three_customers, 99999],
                        account="points", amount=500, care_type="care", reason="Tết greeting")
        assert "99999" in str(caught.value)
        assert (count(s, "ledger_entry"), count(s, "care_note"), count(s, "audit_log")) == before
    with reader() as s:
        assert [points_balance(s, customer_id=c) for c in three_customers] == [0, 0, 0]


def test_care_action_deduction_is_all_or_nothing(writer, reader, staff_id, three_customers):
    a, b, c = three_customers
    with writer() as s:
        for cid in (a, c):
            adjust_points(s, staff_id=staff_id, customer_id=cid, amount=1000, reason="Visit")
    with writer() as s:
        before = (count(s, "ledger_entry"), count(s, "care_note"), count(s, "audit_log"))
        with pytest.raises(RuleViolation) as caught:
            care_action(s, staff_id=staff_id, customer_ids=three_customers, account="points",
                        amount=-300, care_type="call", reason="Expired points")
        assert "Trần Văn Bình" in str(caught.value)  # says who lacks the points
        assert (count(s, "ledger_entry"), count(s, "care_note"), count(s, "audit_log")) == before
    with writer() as s:
        assert care_action(s, staff_id=staff_id, customer_ids=[a, c, a], account="points",
                           amount=-300, care_type="call", reason="Expired points") == 2
    with reader() as s:
        assert [points_balance(s, customer_id=x) for x in (a, b, c)] == [700, 0, 700]


def test_care_action_refuses_an_excluded_member_for_points(writer, reader, staff_id,
                                                           three_customers):
    with writer() as s:
        set_member_state(s, staff_id=staff_id, customer_id=three_customers[2],
                         state="excluded", reason="Abused the points")
    with writer() as s:
        with pytest.raises(RuleViolation, match=r"Đặng Thu Trang.*excluded"):
            care_action(s, staff_id=staff_id, customer_ids=three_customers, account="points",
                        amount=100, care_type="sms", reason="Promo")
        assert count(s, "ledger_entry") == 0
        # Stored money is not loyalty: it may still be given to them.
        care_action(s, staff_id=staff_id, customer_ids=three_customers, account="value",
                    amount=50_000, care_type="sms", reason="Apology for the wait")
    with reader() as s:
        for cid in three_customers:
            assert [(x.name, x.balance) for x in card_balances(s, customer_id=cid)] == [
                (GENERAL_CARD, 50_000)]


def test_care_action_value_uses_the_general_card_only(writer, reader, staff_id,
                                                      three_customers):
    a, b, _c = three_customers
    with writer() as s:
        adjust_card(s, staff_id=staff_id, customer_id=a, card_name="Nails", amount=100_000,
                    reason="Top-up")
        adjust_card(s, staff_id=staff_id, customer_id=a, card_name="General", amount=30_000,
                    reason="Top-up")
        with pytest.raises(RuleViolation, match="General"):
            care_action(s, staff_id=staff_id, customer_ids=[a], account="value",
                        amount=-50_000, care_type="care", reason="Correction")
        care_action(s, staff_id=staff_id, customer_ids=[a, b], account="value", amount=20_000,
                    care_type="treatment", reason="Compensation")
    with reader() as s:
        assert [(x.name, x.balance) for x in card_balances(s, customer_id=a)] == [
            ("General", 50_000), ("Nails", 100_000)]
        assert [(x.name, x.balance) for x in card_balances(s, customer_id=b)] == [
            ("General", 20_000)]


@pytest.mark.parametrize(
    ("kwargs", "error", "field"),
    [
        ({"account": "debt"}, ValidationError, "account"),
        ({"amount": 0}, ValidationError, "amount"),
        ({"care_type": "visit"}, ValidationError, "care_type"),
        ({"reason": " "}, ValidationError, "reason"),
        ({"customer_ids": []}, ValidationError, "customers"),
    ],
)
def test_care_action_validation(writer, staff_id, customer_id, kwargs, error, field):
    args = {"customer_ids": [customer_id], "account": "points", "amount": 100,
            "care_type": "care", "reason": "Greeting", **kwargs}
    with writer() as s:
        with pytest.raises(error) as caught:
            care_action(s, staff_id=staff_id, **args)
        assert caught.value.field == field
        assert count(s, "ledger_entry") == count(s, "care_note") == 0


def test_any_page_carries_the_same_running_balance_as_the_whole_history(
        writer, reader, staff_id, customer_id):
    """The balance before a page plus the page's own entries equals the running sum over
    the whole history, for every page of points and of each card (two cards interleaved,
    another customer's entries in between)."""
    other = new_customer(writer, staff_id, "Trần Văn Bình", "0912 345 678")
    with writer() as s:
        nails = ensure_card(s, customer_id=customer_id, name="Nails")
        general = ensure_card(s, customer_id=customer_id)
        for i in range(120):
            post_entry(s, customer_id=customer_id, account="points", amount=7 + i % 5,
                       kind="earn", operator_id=staff_id)
            if i % 4 == 3:
                post_entry(s, customer_id=customer_id, account="points", amount=-9,
                           kind="spend", operator_id=staff_id)
            post_entry(s, customer_id=customer_id, account="value", amount=1_000 * (i + 1),
                       kind="topup", card_id=general if i % 3 else nails,
                       operator_id=staff_id)
            post_entry(s, customer_id=other, account="points", amount=3, kind="earn",
                       operator_id=staff_id)
    with reader() as s:
        for account, card in (("points", None), ("value", None), ("value", nails),
                              ("value", general)):
            whole = ledger_history(s, customer_id=customer_id, account=account, card_id=card,
                                   limit=1000)
            expected: dict[int, int] = {}
            running: dict = {}
            for row in reversed(whole):  # recomputed from scratch, oldest first
                running[row.card_id] = running.get(row.card_id, 0) + row.amount
                expected[row.id] = running[row.card_id]
            assert len(whole) == {None: {"points": 150, "value": 120}[account], nails: 40,
                                  general: 80}[card]
            for offset in range(0, len(whole), 17):  # every page, the middle ones included
                page = ledger_history(s, customer_id=customer_id, account=account,
                                      card_id=card, limit=17, offset=offset)
                assert [r.id for r in page] == [r.id for r in whole[offset:offset + 17]]
                assert [r.balance_after for r in page] == [expected[r.id] for r in page]


def test_card_history_lists_one_card_with_its_invoice_codes(writer, reader, staff_id,
                                                            customer_id, fixed_now):
    from salontui.store.cart import Cart, CartLine, CartPayment
    from salontui.store.checkout import checkout
    from salontui.store.ledger import card_history

    other = new_customer(writer, staff_id, "Trần Văn Bình", "0912 345 678")
    with writer() as s:
        general = ensure_card(s, customer_id=customer_id)
        strangers = ensure_card(s, customer_id=other)
        checkout(s, staff_id=staff_id, idempotency_key="top", cart=Cart(
            customer_id=customer_id, lines=[CartLine(kind="topup", unit_price=10_000_000,
                                                     credit=11_000_000)],
            payments=[CartPayment("transfer", 10_000_000)]))
        adjust_card(s, staff_id=staff_id, customer_id=customer_id, card_name="Nails",
                    amount=50_000, reason="Quà sinh nhật")
        adjust_card(s, staff_id=staff_id, customer_id=customer_id, card_name="General",
                    amount=-1_000_000, reason="Nhập nhầm")
    with reader() as s:
        rows = card_history(s, customer_id=customer_id, card_id=general)
        with pytest.raises(NotFound) as err:
            card_history(s, customer_id=customer_id, card_id=strangers)
    assert err.value.field == "card"
    assert [(r.kind, r.amount, r.balance_after, r.invoice_code, r.operator_name)
            for r in rows] == [
        ("adjust", -1_000_000, 10_000_000, None, "Trần Thu Hà"),
        ("topup", 11_000_000, 11_000_000, "HD000001", "Trần Thu Hà")]


def test_one_point_left_is_said_in_the_singular(writer, staff_id, customer_id):
    with writer() as s:
        adjust_points(s, staff_id=staff_id, customer_id=customer_id, amount=1, reason="Visit")
    with writer() as s, pytest.raises(RuleViolation) as caught:
        adjust_points(s, staff_id=staff_id, customer_id=customer_id, amount=-5, reason="Gift")
    assert str(caught.value) == "Only 1 point left; cannot deduct 5."
