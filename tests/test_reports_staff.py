"""The staff report (performance and commission) and the appointments report, on known
days: the issue's worked example (10 % on a service, 20,000 per session, then refunds),
the rule in force at the sale paying (and taking back), and the totals agreeing with the
invoices and the day close."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import text

from salontui.store import clock
from salontui.store.admin.commissions import add_rule, change_rule, end_rule, list_rules
from salontui.store.cart import Cart, CartLine, CartPayment
from salontui.store.catalog import create_item, update_item
from salontui.store.checkout import checkout
from salontui.store.dayclose import day_close
from salontui.store.packages import sell_package
from salontui.store.refunds import refund_invoice
from salontui.store.reports.staff import staff_report
from salontui.store.staff import create_staff

DAY = date(2026, 11, 23)  # fixed_now's salon day (09:30 UTC is 16:30 at +07:00)


@pytest.fixture
def salon(writer, staff_id, technician_id, customer_id, fixed_now):
    with writer() as s:
        cut = create_item(s, staff_id=staff_id, name="Cắt tóc", kind="service",
                          price=300_000, code="DV01")
        oil = create_item(s, staff_id=staff_id, name="Dầu gội", kind="product",
                          price=250_000, code="SP01")
        package = sell_package(s, staff_id=staff_id, customer_id=customer_id,
                               name="Gói gội 10 lần", kind="count", price=1_000_000,
                               total_uses=10, expires_on=date(2027, 6, 1))
        other = create_staff(s, name="Võ Thị Mai", role="technician", staff_id=staff_id).id
    return {"cut": cut.id, "oil": oil.id, "package": package.id, "a": technician_id,
            "b": other}


def _pay(writer, staff_id, cart: Cart, key: str):
    with writer() as s:
        return checkout(s, staff_id=staff_id, cart=cart, idempotency_key=key)


def _lines(reader, invoice_id: int) -> dict[str, list[int]]:
    with reader() as s:
        found: dict[str, list[int]] = {}
        for line_id, kind in s.execute(text(
                "SELECT id, kind FROM invoice_line WHERE invoice_id = :i ORDER BY id"),
                {"i": invoice_id}):
            found.setdefault(kind, []).append(line_id)
        return found


def _report(reader, day: date = DAY, **kw):
    with reader() as s:
        return staff_report(s, date_from=day, date_to=day, **kw)


def _commission_of(report, name: str) -> int:
    table = report.tables[1]
    return next(row[-1] for row in table.rows if row[0] == name)


def test_the_worked_example_ten_percent_and_20000_a_session_after_refunds(
        writer, reader, staff_id, customer_id, salon, fixed_now):
    """A service of 300,000 and two sessions by A: 30,000 + 2 × 20,000 = 70,000; the rule
    on services then goes up to 50 %; the service is refunded (−30,000: the rule of the
    sale, not today's) and one session given back (−20,000): 20,000 is left."""
    with writer() as s:
        add_rule(s, staff_id=staff_id, applies_to="service", item_code="DV01", percent="10")
        fee = add_rule(s, staff_id=staff_id, applies_to="redeem", amount="20.000")
    a = salon["a"]
    with clock.pinned(fixed_now + timedelta(minutes=5)):
        sale = _pay(writer, staff_id, Cart(
            customer_id=customer_id,
            lines=[CartLine(kind="service", item_id=salon["cut"], staff_id=a),
                   CartLine(kind="redeem", package_id=salon["package"], staff_id=a),
                   CartLine(kind="redeem", package_id=salon["package"], staff_id=a)],
            payments=[CartPayment("cash", 300_000)]), "sale")
    report = _report(reader)
    assert _commission_of(report, "Lê Văn Tài") == 70_000
    assert report.totals["commission_service"] == 30_000
    assert report.totals["commission_redeem"] == 40_000
    lines = _lines(reader, sale.invoice_id)
    with clock.pinned(fixed_now + timedelta(minutes=10)), writer() as s:
        [rule] = [r for r in list_rules(s) if r.applies_to == "service"]
        change_rule(s, staff_id=staff_id, rule_id=rule.id, applies_to="service",
                    item_code="DV01", percent="50")
    with clock.pinned(fixed_now + timedelta(minutes=20)), writer() as s:
        refund_invoice(s, staff_id=staff_id, invoice_id=sale.invoice_id, reason="Khách đổi ý",
                       idempotency_key="r1", line_ids=[lines["service"][0]])
    with clock.pinned(fixed_now + timedelta(minutes=25)), writer() as s:
        refund_invoice(s, staff_id=staff_id, invoice_id=sale.invoice_id, reason="Buổi dư",
                       idempotency_key="r2", line_ids=[lines["redeem"][1]])
    report = _report(reader)
    assert _commission_of(report, "Lê Văn Tài") == 20_000
    totals = report.totals
    assert (totals["commission_service"], totals["commission_redeem"]) == (0, 20_000)
    assert totals["commission_total"] == 20_000
    assert totals["services_count"] == 0 and totals["services_amount"] == 0
    detail = report.tables[2].rows
    refunds = [r for r in detail if "(refund)" in str(r[1])]
    assert sorted(r[-1] for r in refunds) == [-30_000, -20_000]
    assert {r[4] for r in refunds} == {1000, None}  # the refund took back at 10 %, not 50 %
    assert fee.fixed_amount in {r[5] for r in refunds}
    # A new sale after the change earns 50 %.
    with clock.pinned(fixed_now + timedelta(minutes=30)):
        _pay(writer, staff_id, Cart(
            customer_id=customer_id,
            lines=[CartLine(kind="service", item_id=salon["cut"], staff_id=a)],
            payments=[CartPayment("cash", 300_000)]), "later")
    assert _commission_of(_report(reader), "Lê Văn Tài") == 170_000


def test_staff_beats_role_beats_everyone_and_the_catalogue_comes_last(
        writer, reader, staff_id, customer_id, salon, fixed_now):
    with writer() as s:
        desk = create_staff(s, name="Phạm Lan", role="receptionist", staff_id=staff_id).id
        add_rule(s, staff_id=staff_id, applies_to="service", percent="10")
        add_rule(s, staff_id=staff_id, applies_to="service", role="technician", percent="15")
        add_rule(s, staff_id=staff_id, applies_to="service", target_staff_id=salon["b"],
                 percent="20")
        add_rule(s, staff_id=staff_id, applies_to="product", item_code="SP01",
                 amount="5.000")
    _pay(writer, staff_id, Cart(
        customer_id=customer_id,
        lines=[CartLine(kind="service", item_id=salon["cut"], staff_id=salon["a"]),
               CartLine(kind="service", item_id=salon["cut"], staff_id=salon["b"]),
               CartLine(kind="service", item_id=salon["cut"], staff_id=desk),
               CartLine(kind="product", item_id=salon["oil"], quantity=2, staff_id=desk),
               CartLine(kind="product", item_id=salon["oil"])],  # nobody: no commission
        payments=[CartPayment("cash", 1_650_000)]), "k")
    report = _report(reader)
    assert _commission_of(report, "Lê Văn Tài") == 45_000  # the technicians' 15 %
    assert _commission_of(report, "Võ Thị Mai") == 60_000  # her own 20 %
    assert _commission_of(report, "Phạm Lan") == 30_000 + 10_000  # everyone's + 2 × 5,000
    assert report.totals["no_staff_sales"] == 250_000
    assert "(no staff)" in [row[0] for row in report.tables[0].rows]
    # No rule on services at all: the catalogue's commission_percent of the service pays.
    with clock.pinned(fixed_now + timedelta(minutes=1)), writer() as s:
        for rule in list_rules(s):
            if rule.applies_to == "service":
                end_rule(s, staff_id=staff_id, rule_id=rule.id)
        update_item(s, staff_id=staff_id, item_id=salon["cut"], code="DV01", name="Cắt tóc",
                    price=300_000, commission_percent=5)
    with clock.pinned(fixed_now + timedelta(minutes=2)):
        _pay(writer, staff_id, Cart(
            customer_id=customer_id,
            lines=[CartLine(kind="service", item_id=salon["cut"], staff_id=salon["a"])],
            payments=[CartPayment("cash", 300_000)]), "k2")
    assert _commission_of(_report(reader), "Lê Văn Tài") == 45_000 + 15_000


def test_the_totals_agree_with_the_invoices_and_the_day_close(
        writer, reader, staff_id, customer_id, salon, fixed_now):
    a, b = salon["a"], salon["b"]
    sale = _pay(writer, staff_id, Cart(
        customer_id=customer_id,
        lines=[CartLine(kind="service", item_id=salon["cut"], staff_id=a, discount=50_000),
               CartLine(kind="product", item_id=salon["oil"], staff_id=b),
               CartLine(kind="product", item_id=salon["oil"]),
               CartLine(kind="redeem", package_id=salon["package"], staff_id=b),
               CartLine(kind="topup", unit_price=500_000)],
        payments=[CartPayment("cash", 1_250_000)]), "one")
    lines = _lines(reader, sale.invoice_id)
    with clock.pinned(fixed_now + timedelta(minutes=3)), writer() as s:
        refund_invoice(s, staff_id=staff_id, invoice_id=sale.invoice_id, reason="Lỗi",
                       idempotency_key="r", line_ids=[lines["product"][0]])
    # Tomorrow's sale is not today's.
    with clock.pinned(fixed_now + timedelta(days=1)):
        _pay(writer, staff_id, Cart(customer_id=customer_id, lines=[
            CartLine(kind="service", item_id=salon["cut"], staff_id=a)],
            payments=[CartPayment("cash", 300_000)]), "two")
    report = _report(reader)
    with reader() as s:
        dc = day_close(s, day=DAY)
        lines_total = s.execute(text(
            "SELECT sum(l.amount) FROM invoice_line l JOIN invoice i ON i.id = l.invoice_id "
            "WHERE i.created_at < :b AND l.kind IN ('service', 'product', 'package', "
            "'redeem')"), {"b": datetime(2026, 11, 23, 17)}).scalar_one()
    performance = report.tables[0]
    sales = {row[0]: row[-1] for row in performance.rows}
    assert sum(sales.values()) == report.totals["sales_total"] == lines_total == 500_000
    assert sales == {"Lê Văn Tài": 250_000, "Võ Thị Mai": 0, "(no staff)": 250_000}
    assert {t.name: t.amount for t in dc.per_staff} == {
        "Lê Văn Tài": 250_000, "Võ Thị Mai": 0, "—": 250_000}
    assert report.totals["sessions_redeemed"] == dc.sessions_redeemed == 1
    assert report.totals["sessions_value"] == dc.sessions_value == 100_000
    assert report.totals["topups_amount"] == 500_000
    assert performance.totals is not None and performance.totals[-1] == 500_000
    chart = report.charts[0]
    assert dict(zip(chart.labels, chart.values, strict=True)) == {
        "Lê Văn Tài": 250_000, "(no staff)": 250_000}
    week = _report(reader, DAY)
    with reader() as s:
        two_days = staff_report(s, date_from=DAY, date_to=DAY + timedelta(days=1))
    assert two_days.totals["sales_total"] == week.totals["sales_total"] + 300_000


def test_a_period_upside_down_is_refused_at_its_end(reader, fixed_now):
    from salontui.store.errors import ValidationError

    with reader() as s, pytest.raises(ValidationError) as refused:
        staff_report(s, date_from=DAY, date_to=DAY - timedelta(days=1))
    assert refused.value.field == "date_to"


def test_appointments_booked_arrived_no_show_and_cancelled_on_a_known_day(
        writer, reader, staff_id, customer_id, salon, fixed_now):
    from salontui.store.day.appointments import set_appointment_status
    from salontui.store.day.book import LineIn, book_appointment
    from salontui.store.reports.appointments import appointments_report

    a, b = salon["a"], salon["b"]
    plan = [(a, 10, "checked_in"), (a, 11, "no_show"), (a, 12, "cancelled"),
            (a, 13, "booked"), (b, 14, "checked_in"), (a, 24 + 10, "booked")]  # + tomorrow
    with writer() as s:
        for who, hour, status in plan:
            row = book_appointment(s, staff_id=staff_id, customer_id=customer_id, confirm=True,
                                   confirm_past=True,
                                   lines=[LineIn(item_id=salon["cut"], staff_id=who,
                                                 starts_at=datetime(2026, 11, 23)
                                                 + timedelta(hours=hour - 7))])
            if status != "booked":
                set_appointment_status(s, staff_id=staff_id, appointment_id=row.id,
                                       status=status, reason="Bận việc")
    with reader() as s:
        day = appointments_report(s, date_from=DAY, date_to=DAY)
        two = appointments_report(s, date_from=DAY, date_to=DAY + timedelta(days=1))
    assert day.totals == {"booked": 5, "arrived": 2, "no_show": 1, "cancelled": 1, "open": 1,
                          "arrived_rate": 4000, "no_show_rate": 2000, "cancelled_rate": 2000}
    by_staff = {row[0]: row[1:] for row in day.tables[1].rows}
    assert by_staff == {"Lê Văn Tài": (4, 1, 1, 1, 1, 2500, 2500, 2500),
                        "Võ Thị Mai": (1, 1, 0, 0, 0, 10_000, 0, 0)}
    assert two.totals["booked"] == 6 and two.totals["open"] == 2
    assert [row[:2] for row in two.tables[2].rows] == [(DAY, 5), (DAY + timedelta(days=1), 1)]
    assert two.charts[0].values == (5, 1) and two.charts[0].by_day


def test_a_percentage_of_a_session_and_a_rule_for_one_package_plan(
        writer, reader, staff_id, customer_id, salon, fixed_now):
    """10 % of every session (the package's 1,000,000 over 10: 10,000 a session), and for
    the sessions of the plan GOI5 a fixed 7,000 instead (one item beats its kind)."""
    with writer() as s:
        plan = create_item(s, staff_id=staff_id, name="Gói 5 lần", kind="package",
                           price=500_000, package_kind="count", sessions=5,
                           validity_days=365, code="GOI5")
        planned = sell_package(s, staff_id=staff_id, customer_id=customer_id,
                               plan_id=plan.id)
        add_rule(s, staff_id=staff_id, applies_to="redeem", percent="10")
        add_rule(s, staff_id=staff_id, applies_to="redeem", item_code="GOI5", amount="7000")
    with clock.pinned(fixed_now + timedelta(minutes=1)):
        sale = _pay(writer, staff_id, Cart(customer_id=customer_id, lines=[
            CartLine(kind="redeem", package_id=salon["package"], staff_id=salon["a"]),
            CartLine(kind="redeem", package_id=salon["package"], staff_id=salon["a"]),
            CartLine(kind="redeem", package_id=planned.id, staff_id=salon["a"])]), "s")
    assert _commission_of(_report(reader), "Lê Văn Tài") == 2 * 10_000 + 7_000
    lines = _lines(reader, sale.invoice_id)
    with clock.pinned(fixed_now + timedelta(minutes=2)), writer() as s:
        refund_invoice(s, staff_id=staff_id, invoice_id=sale.invoice_id, reason="Trả buổi",
                       idempotency_key="r", line_ids=[lines["redeem"][0]])
    report = _report(reader)
    assert _commission_of(report, "Lê Văn Tài") == 10_000 + 7_000
    assert report.totals["sessions_redeemed"] == 3  # as the day close counts them
    assert report.totals["sessions_value"] == 2 * 100_000 + 100_000
