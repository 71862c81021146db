"""rules.PointsRule and rules.points_earned: which lines earn, the group multiplier, the
rounding, the rule kept on an invoice (encode/decode, the legacy rule for NULL), worked
examples by hand."""

from __future__ import annotations

import pytest

from salontui.store import rules
from salontui.store.rules import LEGACY_POINTS_RULE, PointsRule


def test_the_worked_example_150_percent_down_and_nearest():
    # 1,250,000 of services at 10,000 a point is 125 points; a group at 150 %: 187.5.
    down = PointsRule(percent=150)
    nearest = PointsRule(percent=150, rounding="nearest")
    assert rules.points_earned(sales=1_250_000, rate=10_000, rule=down) == 187
    assert rules.points_earned(sales=1_250_000, rate=10_000, rule=nearest) == 188
    # below a half rounds down either way, a half rounds up
    assert rules.points_earned(sales=14_999, rate=10_000, rule=PointsRule(rounding="nearest")) == 1
    assert rules.points_earned(sales=15_000, rate=10_000, rule=PointsRule(rounding="nearest")) == 2
    assert rules.points_earned(sales=4_999, rate=10_000, rule=PointsRule(rounding="nearest")) == 0


def test_the_legacy_rule_is_the_rule_before_the_scheme():
    assert PointsRule.decode(None) == LEGACY_POINTS_RULE
    assert LEGACY_POINTS_RULE.earning_kinds() == ("service", "product", "package")
    assert (LEGACY_POINTS_RULE.percent, LEGACY_POINTS_RULE.rounding) == (100, "down")
    # the same figures as before: 450,000 less 45,000 off less 100,000 in points: 30 points
    assert rules.points_earned(sales=450_000, discount=45_000, not_money=100_000,
                               rate=10_000) == 30
    assert rules.points_earned(sales=450_000, discount=45_000, not_money=100_000,
                               rate=10_000, rule=LEGACY_POINTS_RULE) == 30


@pytest.mark.parametrize("rule", [
    LEGACY_POINTS_RULE,
    PointsRule(services=True, products=False, packages=False, topups=True, percent=150,
               rounding="nearest"),
    PointsRule(services=False, products=False, packages=False, topups=False, percent=0),
    PointsRule(services=True, products=True, packages=True, topups=True, percent=1000,
               rounding="nearest"),
])
def test_a_rule_reads_back_as_written_in_at_most_60_characters(rule):
    text = rule.encode()
    assert len(text) <= 60
    assert PointsRule.decode(text) == rule


def test_the_encoding_is_plain_to_read():
    assert LEGACY_POINTS_RULE.encode() == "service+product+package;100;down"
    assert PointsRule(products=False, packages=False, topups=True, percent=150,
                      rounding="nearest").encode() == "service+topup;150;nearest"
    assert PointsRule(False, False, False, False).encode() == ";100;down"


@pytest.mark.parametrize("text", [
    "", "service", "service;100", "service;100;down;x", "service;-5;down", "service;1e3;down",
    "service;100;up", "haircut;100;down", "service+service;100;down",
    "product+service;100;down",  # another spelling of a rule: not what encode writes
    "service;0100;down", "service;١٠٠;down",
])
def test_what_encode_cannot_have_written_is_refused(text):
    with pytest.raises(ValueError):
        PointsRule.decode(text)


def test_only_the_kinds_that_earn_count_with_their_share_of_the_discount():
    amounts = {"service": 600_000, "product": 400_000, "topup": 1_000_000, "repay": 50_000}
    services_only = PointsRule(products=False, packages=False)
    # 100,000 off the 1,000,000 of sales: the services carry 60,000 of it
    assert rules.points_base(services_only, amounts=amounts, discount=100_000) == 540_000
    # every sales line earns: the whole discount, never a top-up or a repayment
    assert rules.points_base(LEGACY_POINTS_RULE, amounts=amounts, discount=100_000) == 900_000
    with_topups = PointsRule(topups=True)
    assert rules.points_base(with_topups, amounts=amounts, discount=100_000) == 1_900_000
    # a share is rounded up (the customer never earns on a discount's crumbs)
    assert rules.points_base(services_only, amounts={"service": 1, "product": 2},
                             discount=1) == 0
    nothing = PointsRule(False, False, False, False)
    assert rules.points_base(nothing, amounts=amounts, discount=100_000) == 0


def test_not_money_comes_off_first_and_nothing_earns_at_zero_percent():
    assert rules.points_earned(sales=300_000, not_money=250_000, rate=10_000) == 5
    assert rules.points_earned(sales=300_000, not_money=400_000, rate=10_000) == 0
    assert rules.points_earned(sales=1_000_000, rate=10_000, rule=PointsRule(percent=0)) == 0
    assert rules.points_earned(sales=1_000_000, rate=0, rule=PointsRule(percent=150)) == 0


def test_stored_value_is_money_unless_top_ups_earn():
    assert "value" not in LEGACY_POINTS_RULE.not_money_kinds()
    assert set(PointsRule(topups=True).not_money_kinds()) == {"points", "voucher", "waived",
                                                              "value"}
    assert set(LEGACY_POINTS_RULE.not_money_kinds()) == {"points", "voucher", "waived"}
