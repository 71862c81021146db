"""The daily business report over a period (one day or many): what was sold, how it was
paid, what was refunded, the debt charged and repaid, the package sessions redeemed, new
customers and visits, per day when the period is longer than one.

Every figure is the day close's sums (``reports/sums.py``: the very queries the day close
runs, over the period's invoices on ``ix_invoice_created``), so a one-day report and the
day close of that day agree to the unit: ``sales_total``, ``refunds_total``,
``takings.<method>`` and ``refunds.<method>``, ``new_debt``, ``debt_repaid``,
``sessions_redeemed``, ``sessions_value``. A branch is its invoices (an invoice without
one is the first branch's); a session redeemed without an invoice counts at the first
branch, as in the day close. New customers are the chain's (a customer belongs to no
branch).

Words used in the report:

* **Sales**: sale and repayment invoices (the day close's); **net** = sales + refunds.
* **Revenue**: net, less what only moved between a customer's books (top-ups paid onto a
  card, debt repaid): services, products and packages after every discount. The sessions
  redeemed are shown apart: they recognise revenue of packages paid before.
* **Visits**: sale invoices (a repayment alone is none).

Totals keys (stable, not translated): ``sales_count``, ``refunds_count``,
``sales_total``, ``refunds_total``, ``net_total``, ``revenue``, ``visits``,
``new_customers``, ``sales_<kind>`` and ``refunds_<kind>`` for each line kind (service,
product, package, redeem, topup, repay), ``sales_discount``, ``refunds_discount``,
``takings.<method>``, ``refunds.<method>`` (payment method codes), ``new_debt``,
``debt_refunded``, ``debt_repaid``, ``sessions_redeemed``, ``sessions_value``,
``sessions_returned``, ``sessions_returned_value``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session

from salontui.i18n import N_, _
from salontui.store.admin.methods import kind_label, kind_of, label_of, list_methods
from salontui.store.bounds import boundary
from salontui.store.reports.period import Period, read_period
from salontui.store.reports.shape import Cell, Column, Report, Series, Table, Value
from salontui.store.reports.sums import (
    DaySums,
    as_date,
    day_sql,
    session_run,
    window_sums,
)

# The line kinds in the order the report lists them, with their row label.
KIND_ROWS = (
    ("service", N_("Services")), ("product", N_("Products")), ("package", N_("Packages")),
    ("redeem", N_("Sessions on invoices")), ("topup", N_("Top-ups")),
    ("repay", N_("Debt repaid")),
)
TOP_SERVICES = 10  # the chart's bars; the rest is one "other services" bar


@boundary
def daily_report(session: Session, *, date_from: date, date_to: date,
                 branch_id: int | None = None) -> Report:
    """The daily business report of ``date_from`` … ``date_to`` (the salon's days), of one
    branch or the chain."""
    period = read_period(session, date_from=date_from, date_to=date_to, branch_id=branch_id)
    run = session_run(session)
    many = period.days > 1
    sums = window_sums(run, period.window, dialect=period.dialect,
                       offset_minutes=period.offset_minutes, by_day=many)
    total = sums.total
    new_customers = _new_customers(session, period, by_day=many)
    methods = list_methods(session)
    labels = {m.code: m.label for m in methods}
    kinds = {m.code: m.kind for m in methods}
    order = [m.code for m in methods]

    totals = _totals(total, sum(new_customers.values()))
    tables = [
        _summary(total, totals["new_customers"]),
        _by_kind(total),
        _by_method(total, labels, kinds, order),
        _debt(total),
        _sessions(total),
    ]
    charts = []
    if many:
        tables.append(_per_day(period, sums.days, new_customers))
        charts.append(Series(
            title=_("Revenue by day"),
            labels=tuple(day.isoformat() for day in period.each_day()),
            values=tuple(sums.days.get(day, DaySums()).revenue for day in period.each_day()),
            by_day=True))
    tables.append(_notes(branch_id is not None))
    charts.append(_by_service(session, total))
    return Report(name="daily", title=_("Daily business"), date_from=date_from,
                  date_to=date_to, branch_id=branch_id, tables=tuple(tables),
                  charts=tuple(charts), totals=totals)


def _new_customers(session: Session, period: Period, *, by_day: bool) -> dict[date | None, int]:
    """Customers created in the period (the chain's), per day when asked."""
    day = day_sql("c.created_at", period.dialect, period.offset_minutes) if by_day else "NULL"
    rows = session_run(session)(
        f"SELECT {day}, count(*) FROM customer c WHERE c.created_at >= :a "
        f"AND c.created_at < :b GROUP BY 1", {"a": period.start, "b": period.end})
    return {(as_date(d) if d is not None else None): int(n) for d, n in rows}


def _totals(total: DaySums, new_customers: int) -> dict[str, int]:
    totals = {
        "sales_count": total.sales_count, "refunds_count": total.refunds_count,
        "sales_total": total.sales_total, "refunds_total": total.refunds_total,
        "net_total": total.sales_total + total.refunds_total, "revenue": total.revenue,
        "visits": total.visits, "new_customers": new_customers,
        "sales_discount": -total.discount(False), "refunds_discount": -total.discount(True),
        "new_debt": total.new_debt, "debt_refunded": total.refunds.get("account", 0),
        "debt_repaid": total.debt_repaid,
        "sessions_redeemed": total.sessions_redeemed, "sessions_value": total.sessions_value,
        "sessions_returned": total.sessions_returned,
        "sessions_returned_value": total.sessions_returned_value,
    }
    for kind, _label in KIND_ROWS:
        totals[f"sales_{kind}"] = total.line_amount(kind, refund=False)
        totals[f"refunds_{kind}"] = total.line_amount(kind, refund=True)
    for method, amount in total.takings.items():
        totals[f"takings.{method}"] = amount
    for method, amount in total.refunds.items():
        totals[f"refunds.{method}"] = amount
    return totals


def _summary(total: DaySums, new_customers: int) -> Table:
    net = total.sales_total + total.refunds_total
    rows: list[tuple[Value, ...]] = [
        (_("Sales (sale and repayment invoices)"), total.sales_count, total.sales_total),
        (_("Refunds"), total.refunds_count, total.refunds_total),
        (_("Net (sales less refunds)"), None, net),
        (_("Revenue (net, less top-ups and debt repaid)"), None, total.revenue),
        (_("Sessions redeemed (value recognised)"), total.sessions_redeemed,
         total.sessions_value),
        (_("Visits (sale invoices)"), total.visits, None),
        (_("New customers"), new_customers, None),
    ]
    return Table(title=_("Summary"), columns=(
        Column(_("Figure")), Column(_("Count"), Cell.COUNT), Column(_("Amount"), Cell.MONEY)),
        rows=tuple(rows))


def _by_kind(total: DaySums) -> Table:
    rows: list[tuple[Value, ...]] = []
    for kind, label in KIND_ROWS:
        lines = sum(total.lines.get((side, kind), [0, 0, 0])[0] for side in (False, True))
        if not lines:
            continue
        quantity = sum(total.lines.get((side, kind), [0, 0, 0])[1] for side in (False, True))
        sold = total.line_amount(kind, refund=False)
        refunded = total.line_amount(kind, refund=True)
        rows.append((_(label), lines, quantity, sold, refunded, sold + refunded))
    for kind in sorted({k for _side, k in total.lines} - {k for k, _label in KIND_ROWS}):
        sold, refunded = total.line_amount(kind, refund=False), total.line_amount(kind, True)
        rows.append((kind, None, None, sold, refunded, sold + refunded))
    sales_discount, refunds_discount = -total.discount(False), -total.discount(True)
    if sales_discount or refunds_discount:
        rows.append((_("Invoice discounts"), None, None, sales_discount, refunds_discount,
                     sales_discount + refunds_discount))
    return Table(
        title=_("Sales by kind"),
        columns=(Column(_("Kind")), Column(_("Lines"), Cell.COUNT),
                 Column(_("Quantity"), Cell.COUNT), Column(_("Sold"), Cell.MONEY),
                 Column(_("Refunded"), Cell.MONEY), Column(_("Net"), Cell.MONEY)),
        rows=tuple(rows),
        totals=(_("Total"), None, None, total.sales_total, total.refunds_total,
                total.sales_total + total.refunds_total))


def _by_method(total: DaySums, labels: dict[str, str], kinds: dict[str, str],
               order: list[str]) -> Table:
    """Payments by the salon's methods (their names as they are now, the day close's
    order), with the kind each is to the books."""
    used = set(total.takings) | set(total.refunds)
    codes = [c for c in order if c in used] + sorted(used - set(order))
    rows = tuple(
        (label_of(labels, code), kind_label(kind_of(kinds, code)), total.takings.get(code, 0),
         total.refunds.get(code, 0), total.takings.get(code, 0) + total.refunds.get(code, 0))
        for code in codes)
    takings, refunds = sum(total.takings.values()), sum(total.refunds.values())
    return Table(
        title=_("Payments by method"),
        columns=(Column(_("Method")), Column(_("Kind")), Column(_("Takings"), Cell.MONEY),
                 Column(_("Refunds"), Cell.MONEY), Column(_("Net"), Cell.MONEY)),
        rows=rows, totals=(_("Total"), None, takings, refunds, takings + refunds))


def _debt(total: DaySums) -> Table:
    charged, refunded, repaid = (total.new_debt, total.refunds.get("account", 0),
                                 total.debt_repaid)
    return Table(
        title=_("Debt"),
        columns=(Column(_("Figure")), Column(_("Amount"), Cell.MONEY)),
        rows=((_("Put on account"), charged), (_("Taken off by refunds"), refunded),
              (_("Repaid"), -repaid)),
        totals=(_("Change in debt owed"), charged + refunded - repaid))


def _sessions(total: DaySums) -> Table:
    return Table(
        title=_("Package sessions"),
        columns=(Column(_("Figure")), Column(_("Sessions"), Cell.COUNT),
                 Column(_("Value"), Cell.MONEY)),
        rows=((_("Redeemed"), total.sessions_redeemed, total.sessions_value),
              (_("Given back by refunds"), total.sessions_returned,
               total.sessions_returned_value)),
        totals=(_("Net"), total.sessions_redeemed + total.sessions_returned,
                total.sessions_value + total.sessions_returned_value))


def _per_day(period: Period, days: dict[date, DaySums],
             new_customers: dict[date | None, int]) -> Table:
    rows: list[tuple[Value, ...]] = []
    sums = [0] * 8
    for day in period.each_day():
        d = days.get(day, DaySums())
        figures = (d.visits, new_customers.get(day, 0), d.sales_total, d.refunds_total,
                   d.revenue, d.new_debt, d.debt_repaid, d.sessions_value)
        sums = [a + b for a, b in zip(sums, figures, strict=True)]
        rows.append((day, *figures))
    totals: tuple[Value, ...] = (_("Total"), *sums)
    return Table(
        title=_("By day"),
        columns=(Column(_("Day"), Cell.DATE), Column(_("Visits"), Cell.COUNT),
                 Column(_("New customers"), Cell.COUNT), Column(_("Sales"), Cell.MONEY),
                 Column(_("Refunds"), Cell.MONEY), Column(_("Revenue"), Cell.MONEY),
                 Column(_("On account"), Cell.MONEY), Column(_("Repaid"), Cell.MONEY),
                 Column(_("Sessions value"), Cell.MONEY)),
        rows=tuple(rows), totals=totals)


def _by_service(session: Session, total: DaySums) -> Series:
    """The services' lines (net of refunds, after their own discounts), the top ones by
    amount and the rest as one."""
    ids = [i for i in total.services if i is not None]
    names: dict[Any, str] = {}
    if ids:
        for item_id, name in session_run(session)(
                f"SELECT id, name FROM catalog_item WHERE id IN "
                f"({', '.join(str(int(i)) for i in ids)})", {}):
            names[int(item_id)] = str(name)
    ranked = sorted(((amount, names.get(item_id, _("Other services")))
                     for item_id, amount in total.services.items() if item_id is not None),
                    key=lambda pair: (-pair[0], pair[1]))
    top = ranked[:TOP_SERVICES]
    rest = sum(amount for amount, _name in ranked[TOP_SERVICES:]) + total.services.get(None, 0)
    labels = [name for _amount, name in top]
    values = [amount for amount, _name in top]
    if rest:
        labels.append(_("Other services"))
        values.append(rest)
    return Series(title=_("Revenue by service"), labels=tuple(labels), values=tuple(values))


def _notes(one_branch: bool) -> Table:
    notes: list[tuple[Value, ...]] = [
        (_("Sales are the sale and repayment invoices, as in the day close; revenue leaves "
           "out top-ups paid onto cards and debt repaid."),),
        (_("Sessions redeemed recognise revenue of packages paid for before."),),
    ]
    if one_branch:
        notes.append((_("New customers are the whole chain's: a customer belongs to no "
                        "branch."),))
    return Table(title=_("Notes"), columns=(Column(_("Note")),), rows=tuple(notes))
