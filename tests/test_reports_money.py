"""The money reports (issue 16): the daily business report agrees with the day close to the
unit, the liabilities are the books as they stood at a date, the profit keeps each sale's
cost, a branch is its invoices, and bad periods are refused at their field."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import text

from salontui.store import clock
from salontui.store.branches import create_branch, first_branch_id
from salontui.store.cart import Cart, CartLine, CartPayment
from salontui.store.catalog import create_item, update_item
from salontui.store.checkout import checkout
from salontui.store.dayclose import day_close
from salontui.store.errors import ValidationError
from salontui.store.ledger import ensure_card
from salontui.store.packages import sell_package
from salontui.store.refunds import refund_invoice, refundable_lines
from salontui.store.reports.registry import REPORTS

DAY = date(2026, 11, 23)  # fixed_now: 09:30 UTC, 16:30 at the salon (UTC+7)
MINE = ("daily", "liabilities", "profit")


def _report(reader, name, date_from=DAY, date_to=DAY, branch_id=None):
    with reader() as s:
        return REPORTS[name].builder()(s, date_from=date_from, date_to=date_to,
                                       branch_id=branch_id)


@pytest.fixture
def items(writer, staff_id):
    with writer() as s:
        return {
            "cut": create_item(s, staff_id=staff_id, name="Cắt tóc nữ", kind="service",
                               price=1_000_000, category="Tóc"),
            "oil": create_item(s, staff_id=staff_id, name="Dầu gội thảo dược", kind="product",
                               price=250_000, cost_price=100_000, category="Dầu gội"),
            "mask": create_item(s, staff_id=staff_id, name="Mặt nạ", kind="product",
                                price=80_000, category="Da"),
        }


def _pay(writer, staff_id, key, lines, payments, customer_id=None, branch_id=None):
    with writer() as s:
        return checkout(s, staff_id=staff_id, idempotency_key=key, cart=Cart(
            customer_id=customer_id, lines=lines, payments=payments, branch_id=branch_id))


def _worked_day(writer, reader, staff_id, customer_id, items):
    """A sale of 1,500,000 paid cash 700,000 + card 500,000 + 300,000 on account; the
    products of it refunded (500,000 back in cash); 200,000 of the debt repaid by transfer."""
    sale = _pay(writer, staff_id, "sale", [
        CartLine(kind="service", item_id=items["cut"].id),
        CartLine(kind="product", item_id=items["oil"].id, quantity=2)],
        [CartPayment("cash", 700_000), CartPayment("card", 500_000),
         CartPayment("account", 300_000)], customer_id=customer_id)
    with reader() as s:
        oil = next(line for line in refundable_lines(s, invoice_id=sale.invoice_id)
                   if line.kind == "product")
    with writer() as s:
        refund_invoice(s, staff_id=staff_id, invoice_id=sale.invoice_id, line_ids=[oil.line_id],
                       reason="Khách trả lại", idempotency_key="refund",
                       payments=[CartPayment("cash", 500_000)])
    _pay(writer, staff_id, "repay", [CartLine(kind="repay", unit_price=200_000)],
         [CartPayment("transfer", 200_000)], customer_id=customer_id)
    return sale


def test_the_worked_day_in_the_daily_report_and_the_day_close(writer, reader, staff_id,
                                                              customer_id, items, fixed_now):
    _worked_day(writer, reader, staff_id, customer_id, items)
    report = _report(reader, "daily")
    with reader() as s:
        close = day_close(s, day=DAY)
    t = report.totals
    expected = {
        "sales_count": 2, "refunds_count": 1, "sales_total": 1_700_000,
        "refunds_total": -500_000, "net_total": 1_200_000, "revenue": 1_000_000,
        "visits": 1, "sales_service": 1_000_000, "sales_product": 500_000,
        "refunds_product": -500_000, "sales_repay": 200_000,
        "takings.cash": 700_000, "takings.card": 500_000, "takings.account": 300_000,
        "takings.transfer": 200_000, "refunds.cash": -500_000,
        "new_debt": 300_000, "debt_repaid": 200_000, "debt_refunded": 0,
        "sessions_redeemed": 0, "sessions_value": 0,
    }
    assert {k: t.get(k, 0) for k in expected} == expected
    # the day close's figures, the very same
    assert (close.sales_total, close.refunds_total, close.new_debt, close.debt_repaid) == (
        t["sales_total"], t["refunds_total"], t["new_debt"], t["debt_repaid"])
    assert close.takings == {"cash": 700_000, "card": 500_000, "account": 300_000,
                             "transfer": 200_000}
    assert close.refunds == {"cash": -500_000}
    tables = {table.title: table for table in report.tables}
    by_kind = tables["Sales by kind"]
    assert by_kind.totals[3:] == (1_700_000, -500_000, 1_200_000)
    assert {row[0]: row[5] for row in by_kind.rows} == {
        "Services": 1_000_000, "Products": 0, "Debt repaid": 200_000}
    methods = tables["Payments by method"]
    assert methods.totals[2:] == (1_700_000, -500_000, 1_200_000)
    assert tables["Debt"].totals == ("Change in debt owed", 100_000)
    assert "By day" not in tables  # one day: no per-day table
    by_service = next(c for c in report.charts if not c.by_day)
    assert (by_service.labels, by_service.values) == (("Cắt tóc nữ",), (1_000_000,))


def test_sessions_redeemed_agree_with_the_day_close(writer, reader, staff_id, technician_id,
                                                    customer_id, fixed_now):
    with writer() as s:
        package = sell_package(s, staff_id=staff_id, customer_id=customer_id, name="Gói gội",
                               kind="count", price=5980, total_uses=10, used=2,
                               expires_on=date(2027, 6, 1))
    _pay(writer, staff_id, "redeem", [CartLine(kind="redeem", package_id=package.id,
                                               staff_id=technician_id)], [],
         customer_id=customer_id)
    t = _report(reader, "daily").totals
    with reader() as s:
        close = day_close(s, day=DAY)
    assert (t["sessions_redeemed"], t["sessions_value"]) == (1, 598)
    assert (close.sessions_redeemed, close.sessions_value) == (1, 598)


def test_a_period_adds_up_its_days(writer, reader, staff_id, customer_id, items, fixed_now):
    _worked_day(writer, reader, staff_id, customer_id, items)
    with clock.pinned(datetime(2026, 11, 25, 3, 0)):
        _pay(writer, staff_id, "later", [CartLine(kind="service", item_id=items["cut"].id)],
             [CartPayment("cash", 1_000_000)], customer_id=customer_id)
    report = _report(reader, "daily", date(2026, 11, 22), date(2026, 11, 26))
    per_day = next(t for t in report.tables if t.title == "By day")
    assert [row[0] for row in per_day.rows] == [date(2026, 11, d) for d in range(22, 27)]
    with reader() as s:
        for row in per_day.rows:
            close = day_close(s, day=row[0])
            assert (row[3], row[4], row[6], row[7]) == (
                close.sales_total, close.refunds_total, close.new_debt, close.debt_repaid)
    assert report.totals["sales_total"] == 2_700_000
    assert per_day.totals[3] == 2_700_000
    revenue = next(c for c in report.charts if c.by_day)
    assert revenue.values == (0, 1_000_000, 0, 1_000_000, 0)
    assert revenue.labels[1] == "2026-11-23"


def test_invoices_written_out_of_turn_keep_their_days(writer, reader, staff_id, customer_id,
                                                     items, fixed_now):
    """Sales written after a later day's (a higher id, an earlier time): each day of the
    report still agrees with its day close (SQLite reads the days whose invoices are a run
    of ids with their day written in, the ids between by each row's own day)."""
    cut = [CartLine(kind="service", item_id=items["cut"].id)]
    for key, moment, payment in (
            ("22", datetime(2026, 11, 22, 3), CartPayment("cash", 1_000_000)),
            ("23", datetime(2026, 11, 23, 3), CartPayment("card", 1_000_000)),
            ("22b", datetime(2026, 11, 22, 5), CartPayment("account", 1_000_000))):
        with clock.pinned(moment):
            _pay(writer, staff_id, key, cut, [payment], customer_id=customer_id)
    with clock.pinned(datetime(2026, 11, 22, 6)):
        _pay(writer, staff_id, "repay", [CartLine(kind="repay", unit_price=400_000)],
             [CartPayment("transfer", 400_000)], customer_id=customer_id)
    report = _report(reader, "daily", date(2026, 11, 21), date(2026, 11, 24))
    per_day = next(t for t in report.tables if t.title == "By day")
    assert [(row[0].day, row[1], row[3], row[5], row[6], row[7]) for row in per_day.rows] == [
        (21, 0, 0, 0, 0, 0), (22, 2, 2_400_000, 2_000_000, 1_000_000, 400_000),
        (23, 1, 1_000_000, 1_000_000, 0, 0), (24, 0, 0, 0, 0, 0)]
    with reader() as s:
        for row in per_day.rows:
            close = day_close(s, day=row[0])
            assert (row[3], row[4], row[6], row[7]) == (
                close.sales_total, close.refunds_total, close.new_debt, close.debt_repaid)
    assert report.totals["takings.account"] == 1_000_000
    assert report.totals["sales_service"] == 3_000_000


def test_a_branch_is_its_invoices(writer, reader, staff_id, customer_id, items, fixed_now):
    with writer() as s:
        first = first_branch_id(s)
        second = create_branch(s, staff_id=staff_id, code="q2", name="Quận 2").id
    cut = [CartLine(kind="service", item_id=items["cut"].id)]
    _pay(writer, staff_id, "a", cut, [CartPayment("cash", 1_000_000)])  # no branch: the first
    _pay(writer, staff_id, "b", cut, [CartPayment("card", 1_000_000)], branch_id=second)
    _pay(writer, staff_id, "c", cut, [CartPayment("card", 1_000_000)], branch_id=second)
    totals = {b: _report(reader, "daily", branch_id=b).totals for b in (None, first, second)}
    assert [totals[b]["sales_total"] for b in (None, first, second)] == [
        3_000_000, 1_000_000, 2_000_000]
    assert totals[second].get("takings.cash", 0) == 0
    with reader() as s:
        for branch in (first, second):
            assert day_close(s, day=DAY, branch_id=branch).sales_total == \
                totals[branch]["sales_total"]
    profit = {b: _report(reader, "profit", branch_id=b).totals for b in (first, second)}
    assert (profit[first]["services_revenue"], profit[second]["services_revenue"]) == (
        1_000_000, 2_000_000)


def test_liabilities_before_and_after_a_redemption_and_a_top_up(
        writer, reader, staff_id, technician_id, customer_id, items, fixed_now):
    with writer() as s:  # day 1: a package of 10 sessions for 5,980, 2 used already
        package = sell_package(s, staff_id=staff_id, customer_id=customer_id, name="Gói gội",
                               kind="count", price=5980, total_uses=10, used=2,
                               expires_on=date(2027, 6, 1))
        time_card = sell_package(s, staff_id=staff_id, customer_id=customer_id,
                                 name="Thẻ tháng", kind="time", price=3_100_000,
                                 expires_on=date(2026, 12, 23))
        ensure_card(s, customer_id=customer_id)
    day2 = datetime(2026, 11, 24, 3, 0)
    with clock.pinned(day2):  # day 2: a session redeemed, a top-up, a product left here
        _pay(writer, staff_id, "redeem", [CartLine(kind="redeem", package_id=package.id,
                                                   staff_id=technician_id)], [],
             customer_id=customer_id)
        _pay(writer, staff_id, "topup", [CartLine(kind="topup", unit_price=10_000_000,
                                                  credit=11_000_000)],
             [CartPayment("transfer", 10_000_000)], customer_id=customer_id)
        _pay(writer, staff_id, "owe", [CartLine(kind="service", item_id=items["cut"].id)],
             [CartPayment("account", 1_000_000)], customer_id=customer_id)
        before = _report(reader, "liabilities", DAY, DAY)
        after = _report(reader, "liabilities", DAY, date(2026, 11, 24))
    b, a = before.totals, after.totals
    # 8 sessions left of 10 × 598 (the last 598 + 2): 4,784; then 7: 4,186
    assert (b["packages_sessions"], b["packages_value"]) == (8, 5980 - 2 * 598)
    assert (a["packages_sessions"], a["packages_value"]) == (7, 5980 - 3 * 598)
    # the time card: 31 days from 23/11 to 23/12; 30 left after the 23rd, 29 after the 24th
    assert b["time_cards_value"] == 3_100_000 * 30 // 31
    assert a["time_cards_value"] == 3_100_000 * 29 // 31
    assert (b["stored_value"], a["stored_value"]) == (0, 11_000_000)
    assert (b["debt"], a["debt"]) == (0, 1_000_000)
    assert a["liabilities_total"] == (a["packages_value"] + a["time_cards_value"]
                                      + 11_000_000)
    with writer() as s:  # the package closed today: nothing left owed on it from today
        from salontui.store.packages import close_package
        with clock.pinned(day2 + timedelta(days=1)):
            close_package(s, staff_id=staff_id, package_id=package.id, reason="Chuyển đi")
    with clock.pinned(day2 + timedelta(days=1)):
        closed = _report(reader, "liabilities", DAY, date(2026, 11, 25)).totals
        still = _report(reader, "liabilities", DAY, date(2026, 11, 24)).totals
    assert closed["packages_value"] == 0 and still["packages_value"] == 5980 - 3 * 598
    assert time_card.id is not None


def test_profit_keeps_each_sales_cost(writer, reader, staff_id, customer_id, items,
                                      fixed_now):
    oil, mask = items["oil"], items["mask"]
    first = _pay(writer, staff_id, "p1", [CartLine(kind="product", item_id=oil.id, quantity=2)],
                 [CartPayment("cash", 500_000)], customer_id=customer_id)
    with writer() as s:  # the cost goes up: the first sale keeps 100,000 a unit
        update_item(s, staff_id=staff_id, item_id=oil.id, code=oil.code, name=oil.name,
                    price=250_000, category=oil.category, cost_price=120_000)
    _pay(writer, staff_id, "p2", [CartLine(kind="product", item_id=oil.id),
                                  CartLine(kind="product", item_id=mask.id),
                                  CartLine(kind="service", item_id=items["cut"].id)],
         [CartPayment("cash", 1_330_000)], customer_id=customer_id)
    with reader() as s:
        costs = sorted(s.execute(text(
            "SELECT unit_cost FROM invoice_line WHERE kind = 'product' AND item_id = :i"),
            {"i": oil.id}).scalars())
    assert costs == [100_000, 120_000]
    t = _report(reader, "profit").totals
    assert (t["products_revenue"], t["products_cost"], t["products_margin"]) == (
        830_000, 320_000, 510_000)
    assert t["products_margin_bp"] == 6145  # 510,000 of 830,000
    assert t["without_cost"] == 1 and t["services_revenue"] == 1_000_000
    # the mask had no cost price when sold: once it has one, its old line is costed at it
    with writer() as s:
        update_item(s, staff_id=staff_id, item_id=mask.id, code=mask.code, name=mask.name,
                    price=80_000, category=mask.category, cost_price=30_000)
    t = _report(reader, "profit").totals
    assert (t["products_cost"], t["costed_today"], t["without_cost"]) == (350_000, 1, 0)
    # a refund of the first sale takes back its revenue and its own cost (100,000 a unit)
    with writer() as s:
        refund_invoice(s, staff_id=staff_id, invoice_id=first.invoice_id, reason="Lỗi",
                       idempotency_key="r")
    report = _report(reader, "profit")
    t = report.totals
    assert (t["products_revenue"], t["products_cost"]) == (330_000, 150_000)
    by_product = {row[0]: row[1:] for row in report.tables[1].rows}
    assert by_product["Dầu gội thảo dược"] == (1, 250_000, 120_000, 130_000, 5200)
    by_category = {row[0]: row[1:] for row in report.tables[2].rows}
    assert by_category["Da"] == (1, 80_000, 30_000, 50_000, 6250)


def test_an_empty_period_is_all_zeros(reader, staff_id, fixed_now):
    for name in MINE:
        report = _report(reader, name, date(2026, 1, 1), date(2026, 1, 31))
        assert report.name == name and report.tables
        assert all(value == 0 for value in report.totals.values()), (name, report.totals)
    daily = _report(reader, "daily", date(2026, 1, 1), date(2026, 1, 31))
    assert len(next(t for t in daily.tables if t.title == "By day").rows) == 31


@pytest.mark.parametrize("name", MINE)
def test_bad_periods_are_refused_at_their_field(reader, staff_id, name):
    cases = [
        ({"date_from": DAY, "date_to": DAY - timedelta(days=1)}, "date_to"),
        ({"date_from": date(2020, 1, 1), "date_to": date(2026, 1, 1)}, "date_from"),
        ({"date_from": DAY, "date_to": DAY, "branch_id": 999}, "branch"),
        ({"date_from": "2026-11-23", "date_to": DAY}, "date_from"),
        ({"date_from": DAY, "date_to": date(9999, 1, 1)}, "date_to"),
    ]
    builder = REPORTS[name].builder()
    with reader() as s:
        for arguments, field in cases:
            with pytest.raises(ValidationError) as refused:
                builder(s, **arguments)
            assert refused.value.field == field, (arguments, refused.value)
        # about three years is fine
        builder(s, date_from=date(2024, 1, 1), date_to=date(2026, 12, 31))


def test_a_day_ends_at_the_salons_midnight_to_the_microsecond(writer, reader, staff_id, items):
    cut = [CartLine(kind="service", item_id=items["cut"].id)]
    for key, moment in (("last", datetime(2026, 11, 23, 16, 59, 59, 999_900)),
                        ("first", datetime(2026, 11, 23, 17, 0, 0))):  # 00:00 at UTC+7
        with clock.pinned(moment):
            _pay(writer, staff_id, key, cut, [CartPayment("cash", 1_000_000)])
    report = _report(reader, "daily", DAY, DAY + timedelta(days=1))
    per_day = next(t for t in report.tables if t.title == "By day")
    assert [(row[0], row[1], row[3]) for row in per_day.rows] == [
        (DAY, 1, 1_000_000), (DAY + timedelta(days=1), 1, 1_000_000)]
    with reader() as s:
        assert [day_close(s, day=d).sales_count for d in (DAY, DAY + timedelta(days=1))] == [
            1, 1]


def test_liabilities_at_a_date_read_the_expiry_it_had_then(writer, reader, staff_id,
                                                           customer_id, fixed_now):
    from salontui.store.packages import extend_package

    with writer() as s:  # expires at the end of today
        package = sell_package(s, staff_id=staff_id, customer_id=customer_id, name="Gói gội",
                               kind="count", price=1000, total_uses=10, expires_on=DAY)
    later = datetime(2026, 11, 25, 3, 0)
    with clock.pinned(later), writer() as s:  # extended two days later
        extend_package(s, staff_id=staff_id, package_id=package.id,
                       new_expiry=date(2027, 1, 31), note="Khách xin thêm")
    with clock.pinned(later + timedelta(days=1)):
        on = {d: _report(reader, "liabilities", DAY, d).totals
              for d in (DAY, DAY + timedelta(days=1), DAY + timedelta(days=2))}
    assert [(t["packages_sessions"], t["expired_sessions"]) for t in on.values()] == [
        (10, 0), (0, 10), (10, 0)]
    assert on[DAY]["packages_value"] == 1000 and on[DAY + timedelta(days=1)][
        "expired_value"] == 1000


def test_the_demo_days_agree_with_their_day_closes(tmp_path):
    """Every day of the demo's last eight weeks (sales, refunds, debt, vouchers, packages,
    products left at the salon, this afternoon's desk): the report of the whole period, its
    days, and a report of each day, against each day's close."""
    from salontui.store.db import make_engine, read_session
    from salontui.store.demo import build_demo

    url = f"sqlite:///{tmp_path / 'demo.db'}"
    build_demo(url, customers=150, seed=5, today=DAY)
    engine = make_engine(url)
    first = DAY - timedelta(days=55)
    try:
        with read_session(engine) as s:
            whole = REPORTS["daily"].builder()(s, date_from=first, date_to=DAY)
            rows = next(t for t in whole.tables if t.title == "By day").rows
            assert len(rows) == 56 and whole.totals["sales_count"] > 100
            for row in rows:
                close = day_close(s, day=row[0])
                one = REPORTS["daily"].builder()(s, date_from=row[0], date_to=row[0]).totals
                takings = {k[8:]: v for k, v in one.items() if k.startswith("takings.")}
                refunds = {k[8:]: v for k, v in one.items() if k.startswith("refunds.")}
                assert (takings, refunds) == (close.takings, close.refunds), row[0]
                assert (one["sales_total"], one["refunds_total"], one["new_debt"],
                        one["debt_repaid"], one["sessions_redeemed"], one["sessions_value"],
                        one["sales_count"], one["refunds_count"]) == (
                    close.sales_total, close.refunds_total, close.new_debt, close.debt_repaid,
                    close.sessions_redeemed, close.sessions_value, close.sales_count,
                    close.refunds_count), row[0]
                assert (row[3], row[4], row[6], row[7], row[8]) == (
                    close.sales_total, close.refunds_total, close.new_debt,
                    close.debt_repaid, close.sessions_value), row[0]
            profit = REPORTS["profit"].builder()(s, date_from=first, date_to=DAY).totals
            assert profit["products_cost"] > 0 and profit["costed_today"] == 0
    finally:
        engine.dispose()
