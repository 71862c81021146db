"""Money is integer minor units; parsing and splitting are exact."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salontui.store.errors import ValidationError
from salontui.store.money import Money, format_money, parse_amount, split_minor
from salontui.store.text import fold, name_keys


def test_split_puts_the_remainder_on_the_last_share():
    assert split_minor(5980, 10) == [598] * 10
    assert split_minor(5980, 7) == [854] * 6 + [856]


@given(st.integers(min_value=0, max_value=10**12), st.integers(min_value=1, max_value=500))
def test_split_always_adds_up(total, parts):
    shares = split_minor(total, parts)
    assert sum(shares) == total and len(shares) == parts
    assert all(s == shares[0] for s in shares[:-1]) and shares[-1] >= shares[0]


@pytest.mark.parametrize(
    ("text", "exponent", "minor"),
    [("1500000", 0, 1_500_000), ("1.500.000", 0, 1_500_000), ("1,500,000", 0, 1_500_000),
     ("1 500 000", 0, 1_500_000), ("59.80", 2, 5980), ("59,8", 2, 5980),
     ("5,980.00", 2, 598000), ("1.234.567,89", 2, 123456789), ("-5000", 0, -5000)],
)
def test_parse_amount(text, exponent, minor):
    assert parse_amount(text, exponent=exponent, allow_negative=True) == minor


@pytest.mark.parametrize("text", ["", "abc", "0", "-5", "1.5", "12a", "1" * 20, "."])
def test_parse_amount_refuses(text):
    with pytest.raises(ValidationError):
        parse_amount(text, exponent=0)


def test_money_never_holds_a_float():
    with pytest.raises(TypeError):
        Money(0.1)  # type: ignore[arg-type]
    assert Money(100) + Money(200) == Money(300)


def test_format_money_follows_the_locale():
    assert format_money(1_500_000) == "1.500.000\xa0₫"
    assert format_money(598000, currency="CNY", exponent=2, locale="zh_CN") == "¥5,980.00"


def test_fold_handles_d_stroke_and_marks():
    assert fold("Đặng Thị Hương") == "dang thi huong"
    assert fold("  NGUYỄN   văn  ") == "nguyen van"
    assert name_keys("Nguyễn Thị Hương") == ["nguyen thi huong", "thi huong", "huong"]
