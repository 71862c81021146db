"""The pure rules (store/rules.py) the desk's transactions and the demo's builder share:
worked examples, on dates and on the demo's day numbers alike."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salontui.store import rules

TODAY = date(2026, 11, 23)


def test_days_move_and_count_on_dates_and_day_numbers():
    assert rules.plus_days(TODAY, 30) == date(2026, 12, 23)
    assert rules.plus_days(TODAY, -23) == date(2026, 10, 31)
    assert rules.plus_days(1000, 30) == 1030
    assert rules.days_between(TODAY, date(2026, 12, 23)) == 30
    assert rules.days_between(1030, 1000) == -30


def test_a_line_costs_quantity_times_price_less_its_discount():
    assert rules.line_amount(quantity=2, unit_price=180_000, discount=36_000) == 324_000
    assert rules.line_amount(quantity=1, unit_price=120_000, discount=0) == 120_000
    assert rules.line_amount(quantity=1, unit_price=0, discount=0) == 0  # a redemption


def test_a_topup_credits_what_was_paid_unless_a_bonus_is_given():
    assert rules.topup_credit(paid=1_000_000) == 1_000_000
    assert rules.topup_credit(paid=1_000_000, credit=1_050_000) == 1_050_000


def test_a_promotion_takes_a_percent_plus_an_amount_never_more_than_the_sales():
    assert rules.promotion_off(sales=150_000, percent=20, amount=0) == 30_000
    assert rules.promotion_off(sales=150_000, percent=0, amount=100_000) == 100_000
    assert rules.promotion_off(sales=80_000, percent=0, amount=100_000) == 80_000
    assert rules.promotion_off(sales=999, percent=15, amount=0) == 149  # floored


def test_only_an_active_member_invoice_keeps_an_earning_rate():
    assert rules.points_rate(points_per_amount=10_000, member_state="active") == 10_000
    for state in ("not_activated", "excluded", None):
        assert rules.points_rate(points_per_amount=10_000, member_state=state) == 0
    assert rules.points_rate(points_per_amount=0, member_state="active") == 0


def test_points_are_earned_on_sales_after_discount_less_points_and_free_floored():
    # 450,000 of services, 45,000 off, 100,000 paid with points: 305,000 earns 30 points
    assert rules.points_earned(sales=450_000, discount=45_000, not_money=100_000,
                               rate=10_000) == 30
    assert rules.points_earned(sales=9_999, rate=10_000) == 0
    assert rules.points_earned(sales=10_000, rate=10_000) == 1
    assert rules.points_earned(sales=120_000, discount=0, not_money=200_000, rate=10_000) == 0
    assert rules.points_earned(sales=1_000_000, rate=0) == 0  # not an active member


def test_a_points_payment_takes_whole_points():
    assert rules.points_for_amount(30_000, point_value=100) == 300
    assert rules.points_for_amount(30_050, point_value=100) == 300


def test_a_refund_takes_back_points_in_proportion():
    invoice = {"earned": 30, "total": 300_000}
    # a third refunded: a third of the points
    assert rules.points_taken_back(**invoice, refunded_before=0, refund=100_000,
                                   balance=500) == 10
    # the rest after that: all that is left of them (the caller passes earned net of before)
    assert rules.points_taken_back(earned=20, total=300_000, refunded_before=100_000,
                                   refund=200_000, balance=500) == 20
    # floored, and never more than the customer holds
    assert rules.points_taken_back(**invoice, refunded_before=0, refund=50_000,
                                   balance=500) == 5
    assert rules.points_taken_back(**invoice, refunded_before=0, refund=300_000,
                                   balance=12) == 12
    assert rules.points_taken_back(**invoice, refunded_before=0, refund=300_000,
                                   balance=-3) == 0
    assert rules.points_taken_back(earned=0, total=300_000, refunded_before=0,
                                   refund=300_000, balance=50) == 0


def test_a_repayment_is_refused_above_the_debt_or_on_account():
    assert rules.repayment_problem(owed=500_000, repaying=500_000, on_account=False) is None
    assert rules.repayment_problem(owed=500_000, repaying=600_000,
                                   on_account=False) == rules.MORE_THAN_OWED
    assert rules.repayment_problem(owed=500_000, repaying=200_000,
                                   on_account=True) == rules.ON_ACCOUNT
    assert rules.repayment_problem(owed=0, repaying=0, on_account=True) is None  # no repayment
    assert rules.debt_after(owed=500_000, repaid=200_000) == 300_000
    assert rules.debt_after(owed=0, charged=150_000) == 150_000


def test_a_package_from_a_plan_starts_with_its_sessions_and_expires_after_its_validity():
    assert rules.plan_sessions(kind="count", sessions=10) == 10
    assert rules.plan_sessions(kind="gift", sessions=3) == 3
    assert rules.plan_sessions(kind="time", sessions=None) == 0
    assert rules.expiry_from_validity(activated_on=TODAY, validity_days=180) == date(2027, 5, 22)
    assert rules.expiry_from_validity(activated_on=400, validity_days=180) == 580


def test_sessions_left_is_total_less_used_and_none_for_a_time_card():
    assert rules.sessions_left(kind="count", total_uses=10, used=3) == 7
    assert rules.sessions_left(kind="gift", total_uses=3, used=3) == 0
    assert rules.sessions_left(kind="time", total_uses=0, used=40) is None


def test_session_values_are_equal_shares_with_the_remainder_on_the_last():
    def values(price, total):
        return [rules.session_value(kind="count", price=price, total_uses=total, index=i)
                for i in range(total)]

    assert values(5980, 10) == [598] * 10
    assert values(5980, 7) == [854] * 6 + [856]
    assert rules.session_value(kind="time", price=12_000_000, total_uses=0, index=5) == 0
    assert rules.session_value(kind="gift", price=0, total_uses=3, index=2) == 0
    assert rules.session_value(kind="count", price=5980, total_uses=0, index=0) == 0


@given(price=st.integers(0, 10**12), total=st.integers(1, 1000))
def test_session_values_always_add_up_to_the_price(price, total):
    shares = [rules.session_value(kind="count", price=price, total_uses=total, index=i)
              for i in range(total)]
    assert sum(shares) == price
    assert max(shares) - min(shares) < total


@pytest.mark.parametrize("days", [(TODAY, date(2026, 11, 30), date(2026, 12, 31)),
                                  (0, 7, 38)], ids=["dates", "day numbers"])
def test_status_precedence_reserved_expired_used_up_in_use(days):
    today, week, expiry = days

    def status(**kw):
        base = {"kind": "count", "total_uses": 10, "used": 3, "expires_on": expiry,
                "frozen_from": None, "frozen_until": None, "today": today}
        return rules.package_status(**(base | kw))

    assert status() == rules.IN_USE
    assert status(used=10) == rules.USED_UP
    assert status(kind="time", total_uses=0, used=99) == rules.IN_USE
    assert status(expires_on=rules.plus_days(today, -1)) == rules.EXPIRED
    assert status(expires_on=today) == rules.IN_USE
    assert status(used=10, expires_on=rules.plus_days(today, -1), frozen_from=today,
                  frozen_until=week) == rules.RESERVED
    assert status(today=week, frozen_from=today, frozen_until=week) == rules.IN_USE


def test_a_freeze_moves_the_expiry_out_and_a_resume_gives_back_the_unused_days():
    expiry = date(2026, 12, 31)
    moved, frozen_from, frozen_until = rules.freeze(expires_on=expiry, today=TODAY, days=30)
    assert (moved, frozen_from, frozen_until) == (date(2027, 1, 30), TODAY, date(2026, 12, 23))
    # back after 10 days: the 20 unused come off again, the expiry moved by the 10 frozen
    ten_later = date(2026, 12, 3)
    assert rules.unused_frozen_days(frozen_from=TODAY, frozen_until=frozen_until,
                                    today=ten_later) == 20
    assert rules.expiry_after_resume(expires_on=moved, frozen_from=TODAY,
                                     frozen_until=frozen_until,
                                     today=ten_later) == date(2027, 1, 10)
    # not frozen, or the freeze over: nothing to give back
    assert rules.expiry_after_resume(expires_on=expiry, frozen_from=None, frozen_until=None,
                                     today=TODAY) == expiry
    assert rules.unused_frozen_days(frozen_from=TODAY, frozen_until=frozen_until,
                                    today=date(2027, 1, 5)) == 0
    # on day numbers: the same
    assert rules.freeze(expires_on=500, today=400, days=14) == (514, 400, 414)
    assert rules.expiry_after_resume(expires_on=514, frozen_from=400, frozen_until=414,
                                     today=404) == 504
