"""Cost and profit over a period: what the products sold cost the salon, and the margin,
by product and by category, beside the revenue of the services and packages (which have
no cost price).

* **Revenue** is the lines' amounts (after each line's own discount; a discount on the
  whole invoice is not spread over its lines), refunds taken off.
* **Cost** is quantity × the product's cost price on the day it was sold
  (``invoice_line.unit_cost``, written at the checkout since migration 0010; a refund line
  carries the cost of the line it refunds, so a refund takes its cost back too). A line
  sold before 0010 has no cost of its own: it is costed at the catalogue's cost price
  today, and the report says how many units were (``costed_today``). A product without a
  cost price costs nothing here, and the report counts those units (``without_cost``).
* **Margin** = revenue − cost, and its percentage of the revenue (basis points).

Every figure is one grouped query over the period's invoice lines (by their invoice ids,
on ``ix_invoice_created``), of one branch or the chain.

Totals keys (stable): ``products_revenue``, ``products_cost``, ``products_margin``,
``products_margin_bp`` (basis points; absent when there is no revenue),
``products_quantity``, ``services_revenue``, ``packages_revenue``, ``revenue_total``,
``margin_total`` (revenue of every kind less the products' cost), ``costed_today``,
``without_cost``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from salontui.i18n import _
from salontui.store.bounds import boundary
from salontui.store.reports.period import basis_points, read_period
from salontui.store.reports.shape import Cell, Column, Report, Series, Table, Value
from salontui.store.reports.sums import lines_of, session_run


@dataclass
class Sold:
    name: str
    category: str
    quantity: int = 0
    revenue: int = 0
    cost: int = 0
    costed_today: int = 0  # units sold before costs were kept, costed at today's price
    without_cost: int = 0  # units of a product with no cost price at all

    @property
    def margin(self) -> int:
        return self.revenue - self.cost

    def add(self, other: Sold) -> None:
        self.quantity += other.quantity
        self.revenue += other.revenue
        self.cost += other.cost
        self.costed_today += other.costed_today
        self.without_cost += other.without_cost


@boundary
def profit_report(session: Session, *, date_from: date, date_to: date,
                  branch_id: int | None = None) -> Report:
    """Product cost and margin of ``date_from`` … ``date_to`` (the salon's days), of one
    branch or the chain."""
    period = read_period(session, date_from=date_from, date_to=date_to, branch_id=branch_id)
    run = session_run(session)
    source, where, params = lines_of(run, period.window)
    products: dict[int | None, Sold] = {}
    revenue: dict[str, int] = {}
    # The lines are summed per kind (a product: per item) first, on one whole number (a
    # product's item, 0 for none; −1 … −3 the other kinds: one sort key), then each of those
    # few rows is joined to its product: a line's cost is its own unit cost, or the
    # product's cost price today when it has none (units × that price, per product).
    for kind, item, name, category, quantity, amount, cost, today, none in run(
            "SELECT CASE WHEN g.k >= 0 THEN 'product' WHEN g.k = -1 THEN 'service' "
            "WHEN g.k = -2 THEN 'package' ELSE 'redeem' END, CASE WHEN g.k > 0 THEN g.k END, "
            "c.name, c.category, g.quantity, g.amount, "
            "g.costed + coalesce(c.cost_price, 0) * g.uncosted, "
            "CASE WHEN c.cost_price IS NOT NULL THEN g.uncosted ELSE 0 END, "
            "CASE WHEN c.cost_price IS NULL THEN g.uncosted ELSE 0 END FROM ("
            "SELECT CASE l.kind WHEN 'product' THEN coalesce(l.item_id, 0) WHEN 'service' "
            "THEN -1 WHEN 'package' THEN -2 ELSE -3 END AS k, "
            "coalesce(sum(l.quantity), 0) AS quantity, coalesce(sum(l.amount), 0) AS amount, "
            "coalesce(sum(l.quantity * l.unit_cost), 0) AS costed, "
            "coalesce(sum(CASE WHEN l.unit_cost IS NULL THEN l.quantity ELSE 0 END), 0) "
            f"AS uncosted FROM {source} WHERE {where} "
            "AND l.kind IN ('service', 'product', 'package', 'redeem') GROUP BY 1) g "
            "LEFT JOIN catalog_item c ON c.id = g.k AND g.k > 0",
            params):
        revenue[str(kind)] = revenue.get(str(kind), 0) + int(amount)
        if kind != "product":
            continue
        item_id = None if item is None else int(item)
        products[item_id] = Sold(
            name=str(name) if name is not None else _("Product not in the catalogue"),
            category=str(category or ""), quantity=int(quantity), revenue=int(amount),
            cost=int(cost), costed_today=int(today), without_cost=int(none))
    whole = Sold(name=_("Total"), category="")
    for sold in products.values():
        whole.add(sold)
    categories: dict[str, Sold] = {}
    for sold in products.values():
        categories.setdefault(sold.category, Sold(name=sold.category or _("No category"),
                                                  category=sold.category)).add(sold)
    services, packages = revenue.get("service", 0), revenue.get("package", 0)
    totals = {
        "products_revenue": whole.revenue, "products_cost": whole.cost,
        "products_margin": whole.margin, "products_quantity": whole.quantity,
        "services_revenue": services, "packages_revenue": packages,
        "revenue_total": sum(revenue.values()),
        "margin_total": sum(revenue.values()) - whole.cost,
        "costed_today": whole.costed_today, "without_cost": whole.without_cost,
    }
    margin_bp = basis_points(whole.margin, whole.revenue)
    if margin_bp is not None:
        totals["products_margin_bp"] = margin_bp
    ranked = sorted(products.values(), key=lambda s: (-s.margin, s.name.casefold()))
    tables = [
        _summary(totals, whole, revenue),
        _table(_("Products"), _("Product"), ranked, whole),
        _table(_("Product categories"), _("Category"),
               sorted(categories.values(), key=lambda s: (-s.margin, s.name.casefold())), whole),
        _notes(whole),
    ]
    chart = Series(title=_("Product margin by product"),
                   labels=tuple(s.name for s in ranked[:10]),
                   values=tuple(s.margin for s in ranked[:10]))
    return Report(name="profit", title=_("Cost and profit"), date_from=date_from,
                  date_to=date_to, branch_id=branch_id, tables=tuple(tables),
                  charts=(chart,) if ranked else (), totals=totals)


def _summary(totals: dict[str, int], whole: Sold, revenue: dict[str, int]) -> Table:
    rows: list[tuple[Value, ...]] = [
        (_("Products"), whole.revenue, whole.cost, whole.margin,
         basis_points(whole.margin, whole.revenue)),
        (_("Services (no cost price)"), revenue.get("service", 0), None,
         revenue.get("service", 0), None),
        (_("Packages sold (no cost price)"), revenue.get("package", 0), None,
         revenue.get("package", 0), None),
    ]
    if revenue.get("redeem", 0):
        rows.append((_("Sessions on invoices"), revenue["redeem"], None, revenue["redeem"], None))
    return Table(
        title=_("Summary"),
        columns=(Column(_("Kind")), Column(_("Revenue"), Cell.MONEY),
                 Column(_("Cost"), Cell.MONEY), Column(_("Margin"), Cell.MONEY),
                 Column(_("Margin %"), Cell.PERCENT)),
        rows=tuple(rows),
        totals=(_("Total"), totals["revenue_total"], whole.cost, totals["margin_total"],
                basis_points(totals["margin_total"], totals["revenue_total"])))


def _table(title: str, first: str, rows: list[Sold], whole: Sold) -> Table:
    return Table(
        title=title,
        columns=(Column(first), Column(_("Quantity"), Cell.COUNT),
                 Column(_("Revenue"), Cell.MONEY), Column(_("Cost"), Cell.MONEY),
                 Column(_("Margin"), Cell.MONEY), Column(_("Margin %"), Cell.PERCENT)),
        rows=tuple((s.name, s.quantity, s.revenue, s.cost, s.margin,
                    basis_points(s.margin, s.revenue)) for s in rows),
        totals=(_("Total"), whole.quantity, whole.revenue, whole.cost, whole.margin,
                basis_points(whole.margin, whole.revenue)))


def _notes(whole: Sold) -> Table:
    notes: list[tuple[Value, ...]] = [
        (_("Revenue is each line's amount after its own discount: an invoice's discount is "
           "not spread over its lines."),),
        (_("A refund takes off its revenue and its cost."),),
        (_("Cost is the product's cost price on the day it was sold."),),
    ]
    if whole.costed_today:
        notes.append((_("{units} units sold before costs were kept with each sale are costed "
                        "at today's cost price.").format(units=whole.costed_today),))
    if whole.without_cost:
        notes.append((_("{units} units of products without a cost price are counted at no "
                        "cost.").format(units=whole.without_cost),))
    return Table(title=_("Notes"), columns=(Column(_("Note")),), rows=tuple(notes))
