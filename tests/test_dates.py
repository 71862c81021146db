"""Dates on screen and in date fields follow the salon's locale (issue #10)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from salontui.formatting import Formatter, date_pattern, parse_date
from salontui.store import dates
from salontui.store.bounds import check_date, check_expiry
from salontui.store.errors import ValidationError

DAY = date(2026, 11, 3)


def test_a_vietnamese_salon_shows_day_month_year_as_before():
    fmt = Formatter(locale="vi_VN")
    assert fmt.date(DAY) == "03/11/2026"
    assert fmt.date_hint() == "DD/MM/YYYY"
    assert fmt.datetime(datetime(2026, 11, 3, 2, 5)) == "03/11/2026 09:05"  # UTC+7
    assert Formatter().date(DAY) == "03/11/2026"


def test_a_chinese_salon_shows_year_month_day():
    fmt = Formatter(locale="zh_CN")
    assert fmt.date(DAY) == "2026/11/03"
    assert fmt.date_hint() == "YYYY/MM/DD"
    assert fmt.datetime(datetime(2026, 11, 23, 2, 5)) == "2026/11/23 09:05"


def test_an_unknown_locale_falls_back_to_day_month_year():
    assert date_pattern("xx_YY").hint == "DD/MM/YYYY"
    assert Formatter(locale="").date(DAY) == "03/11/2026"


@pytest.mark.parametrize("locale", ["vi_VN", "zh_CN", "en_US", "de_DE", "ko_KR"])
@pytest.mark.parametrize("day", [DAY, date(1900, 1, 1), date(2100, 12, 31), date(2024, 2, 29)])
def test_what_is_shown_parses_back(locale, day):
    fmt = Formatter(locale=locale)
    assert fmt.parse_date(fmt.date(day)) == day
    assert fmt.parse_date(day.isoformat()) == day  # ISO is always accepted


def test_each_locale_parses_its_own_order():
    assert Formatter(locale="vi_VN").parse_date("23/11/2026") == date(2026, 11, 23)
    assert Formatter(locale="vi_VN").parse_date("3/1/2026") == date(2026, 1, 3)
    assert Formatter(locale="zh_CN").parse_date("2026/11/23") == date(2026, 11, 23)
    assert parse_date("23/11/2026") == date(2026, 11, 23)  # the default is vi_VN
    with pytest.raises(ValidationError):
        Formatter(locale="zh_CN").parse_date("23/11/2026")


@pytest.mark.parametrize("typed", ["31/02/2026", "32/01/2026", "2026-13-01", "hôm nay", "1/1"])
def test_bad_dates_are_refused_with_the_same_message_for_vi_VN(typed):
    with pytest.raises(ValidationError) as info:
        Formatter(locale="vi_VN").parse_date(typed, field="until")
    assert info.value.field == "until"
    assert info.value.message.endswith("is not a date: use DD/MM/YYYY or YYYY-MM-DD.")


def test_the_messages_name_the_locale_pattern():
    with pytest.raises(ValidationError) as info:
        Formatter(locale="vi_VN").parse_date("  ")
    assert info.value.message == "Enter a date (DD/MM/YYYY or YYYY-MM-DD)."
    with pytest.raises(ValidationError) as info:
        Formatter(locale="zh_CN").parse_date("  ")
    assert info.value.message == "Enter a date (YYYY/MM/DD or YYYY-MM-DD)."
    with pytest.raises(ValidationError) as info:
        Formatter(locale="zh_CN").parse_date("nope")
    assert info.value.message == "'nope' is not a date: use YYYY/MM/DD or YYYY-MM-DD."
    assert Formatter(locale="zh_CN").parse_date("", required=False) is None


@pytest.mark.parametrize("typed", ["31/12/9999", "01/01/1899"])
def test_dates_stay_bounded(typed):
    with pytest.raises(ValidationError, match="between 01/01/1900 and 31/12/2100"):
        Formatter(locale="vi_VN").parse_date(typed)
    with pytest.raises(ValidationError, match="between 1900/01/01 and 2100/12/31"):
        Formatter(locale="zh_CN").parse_date("-".join(reversed(typed.split("/"))))


@pytest.fixture
def chinese_salon():
    """The store writes its dates as a zh_CN salon does (as the desk sets it from the
    salon's settings), and back to the desk's own order after the test."""
    dates.use_salon_locale("zh_CN")
    yield
    dates.use_salon_locale(None)


def test_the_store_messages_name_the_desks_pattern_by_default():
    with pytest.raises(ValidationError) as info:
        check_date("31/12/2026", field="until")
    assert info.value.message == "Enter a date (DD/MM/YYYY or YYYY-MM-DD)."
    with pytest.raises(ValidationError, match=r"later than 23/11/2076 \(50 years"):
        check_expiry(date(2099, 1, 1), field="expires_on", today=date(2026, 11, 23))


def test_the_store_messages_name_the_salons_pattern(chinese_salon):
    with pytest.raises(ValidationError) as info:
        check_date("31/12/2026", field="until")
    assert info.value.message == "Enter a date (YYYY/MM/DD or YYYY-MM-DD)."
    assert "DD/MM/YYYY" not in info.value.message
    with pytest.raises(ValidationError, match="between 1900/01/01 and 2100/12/31"):
        check_date(date(1899, 12, 31), field="until")
    with pytest.raises(ValidationError, match=r"later than 2076/11/23 \(50 years"):
        check_expiry(date(2099, 1, 1), field="expires_on", today=date(2026, 11, 23))
    assert parse_date("2026/11/23") == date(2026, 11, 23)  # and reads the salon's order
    with pytest.raises(ValidationError, match="use YYYY/MM/DD or YYYY-MM-DD"):
        parse_date("23/11/2026")


def test_a_package_message_writes_its_dates_in_the_salons_order(
        chinese_salon, fixed_now, writer, staff_id, customer_id):
    from salontui.store.packages import extend_package, sell_package

    with writer() as s:
        package = sell_package(s, staff_id=staff_id, customer_id=customer_id, name="Gội đầu",
                               kind="count", price=5980, total_uses=10,
                               expires_on=date(2027, 1, 31))
    with writer() as s, pytest.raises(ValidationError) as info:
        extend_package(s, staff_id=staff_id, package_id=package.id,
                       new_expiry=date(2026, 11, 22), note="Late")
    assert "(2026/11/23)" in info.value.message
    with writer() as s, pytest.raises(ValidationError) as info:
        extend_package(s, staff_id=staff_id, package_id=package.id,
                       new_expiry=datetime(2027, 3, 31, 9, 0), note="Late")  # not a date
    assert "YYYY/MM/DD" in info.value.message and "DD/MM/YYYY" not in info.value.message
