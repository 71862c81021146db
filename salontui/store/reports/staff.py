"""Staff performance and commission over a period: what each staff member did and sold,
and the commission it earned by the salon's rules (store/admin/commissions.py).

Every figure comes from the invoices' lines (and, for the sessions redeemed, the packages'
history, read by the same grouped sums as the day close: ``reports/sums.py``), on
the invoices dated in the period (the salon's calendar days) of one branch or the chain:

* **Performance** per staff member on the line (``invoice_line.staff_id``): services done
  (units, net of refunds, and their amount), sessions redeemed (count and the revenue they
  recognised, as the day close counts them), products and packages sold, top-ups, and
  sales (services + products + packages + sessions' lines, net of refunds: what the day
  close lists per staff member). Lines with nobody on them are one "no staff" row, so the
  sales column adds up to the invoices' lines.
* **Commission** paid to the line's staff member by the most specific rule in force when
  the line was sold (staff > role > everyone, then an item > its kind; for a service with
  no rule, the catalogue's ``commission_percent``): a percentage of the line's amount
  (after the line's discount; an invoice-wide discount is not spread over lines here) or a
  fixed amount per unit (per session for a redemption; a percentage of a session is of its
  package's price per session, the price over its sessions). A refund line reverses what
  the line it refunds earned, by the rule in force at the ORIGINAL sale; a session given
  back takes back its fixed amount. The staff member's role is their role today.

How it stays fast over a year of a million invoices: one grouped SQL pass over the lines
(by staff, kind, item, sale or refund, and the "rule epoch": the span between two changes
of any rule, in which the rules in force do not change), then the rule of each group is
found in Python (a few hundred groups), never a loop over invoices.

Totals keys (stable, for ``check`` and the tests): ``sales_total``, ``no_staff_sales``,
``services_count``, ``services_amount``, ``sessions_redeemed``, ``sessions_value``,
``products_amount``, ``packages_amount``, ``topups_amount``, ``commission_total``,
``commission_service``, ``commission_product``, ``commission_package``,
``commission_redeem``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import text
from sqlmodel import Session

from salontui.i18n import _
from salontui.store.admin.commissions import (
    Rate,
    all_rates,
    commission,
    resolve,
    who_label,
)
from salontui.store.bounds import boundary
from salontui.store.branches import first_branch_id
from salontui.store.kinds import LINE_KIND_LABELS, LineKind
from salontui.store.reports.period import read_period
from salontui.store.reports.shape import Cell, Column, Report, Series, Table, Value
from salontui.store.reports.sums import SOLD_KINDS, Window, lines_of, session_run

SALES_KINDS = SOLD_KINDS  # the day close's per staff: services, products, packages, sessions
PAID_KINDS = ("service", "product", "package", "redeem")  # lines that earn commission
KINDS = (*SALES_KINDS, "topup")


@dataclass(frozen=True)
class Group:
    """Lines of one staff member, kind and item, sold or refunded in one rule epoch."""

    staff_id: int | None
    kind: str
    item_id: int | None
    epoch: int
    refund: bool
    lines: int
    quantity: int
    amount: int
    value: int  # sessions: their price per session (read only when a percentage needs it)


def _epochs(rates: list[Rate]) -> list[datetime]:
    """Every instant a rule started or ended, in order: the epochs' boundaries."""
    moments = {r.created_at for r in rates if r.created_at is not None}
    moments |= {r.ended_at for r in rates if r.ended_at is not None}
    return sorted(moments)


def _epoch_sql(boundaries: list[datetime], column: str, params: dict) -> str:
    if not boundaries:
        return "0"
    cases = []
    for index, moment in enumerate(boundaries):
        params[f"e{index}"] = moment
        cases.append(f"WHEN {column} < :e{index} THEN {index}")
    return f"CASE {' '.join(cases)} ELSE {len(boundaries)} END"


def _groups(session: Session, *, start: datetime, end: datetime, branch_id: int | None,
            boundaries: list[datetime], with_value: bool) -> list[Group]:
    """The window's lines summed per staff member, kind, item (a session's: its package's
    plan), rule epoch and sale or refund.

    The five parts are packed into one integer for the GROUP BY when it fits in 63 bits
    (SQLite sorts every row for a GROUP BY: one integer sorts about twice as fast as five
    columns over a year's lines), and unpacked here."""
    window = Window(start, end, branch_id, first_branch_id(session))
    params: dict = window.params
    joins = ""
    when = "i.created_at"
    # Without a rule's epoch (no commission rule) no line needs its invoice's time: the
    # lines are read by their invoices' ids alone when those are a run (sums.lines_of: no
    # join, a fifth less over a year).
    source, where = "invoice i JOIN invoice_line l ON l.invoice_id = i.id", window.invoices()
    if not boundaries:
        source, where, params = lines_of(session_run(session), window)
        params = dict(params)
    if boundaries:  # a refund is paid by the rule of the sale it refunds
        joins = ("LEFT JOIN invoice_line ol ON ol.id = l.refund_of_line_id "
                 "LEFT JOIN invoice oi ON oi.id = ol.invoice_id ")
        when = "coalesce(oi.created_at, i.created_at)"
    epoch = _epoch_sql(boundaries, when, params)
    # A session's value for a percentage: its package's price per session (the price over
    # its sessions; the rounding remainder the last session carries is left aside).
    values = ("coalesce(sum(CASE WHEN l.kind = 'redeem' THEN (SELECT CASE WHEN "
              "p.total_uses > 0 THEN p.price / p.total_uses ELSE 0 END FROM customer_package "
              "p WHERE p.id = l.package_id) * l.quantity ELSE 0 END), 0)"
              ) if with_value else "0"
    kinds = ", ".join(f"'{k}'" for k in KINDS)
    kind_code = "CASE l.kind " + " ".join(
        f"WHEN '{k}' THEN {n}" for n, k in enumerate(KINDS)) + " END"
    item = ("CASE WHEN l.kind = 'redeem' THEN (SELECT p.plan_id FROM customer_package p "
            "WHERE p.id = l.package_id) ELSE l.item_id END")
    refund = "CASE WHEN l.refund_of_line_id IS NULL THEN 0 ELSE 1 END"
    top_staff, top_item = session.execute(text(
        "SELECT (SELECT max(id) FROM staff), (SELECT max(id) FROM catalog_item)")).one()
    sizes = (2, len(boundaries) + 1, len(KINDS), int(top_staff or 0) + 2,
             int(top_item or 0) + 2)
    packed = 1
    for size in sizes:
        packed *= size
    if packed < 2**63:
        key = (f"(((CAST({refund} AS BIGINT) * {sizes[1]} + {epoch}) * {sizes[2]} "
               f"+ {kind_code}) * {sizes[3]} + coalesce(l.staff_id + 1, 0)) * {sizes[4]} "
               f"+ coalesce({item} + 1, 0)")
        columns, group_by = key, "1"
    else:  # (ids beyond what packs: five columns)
        columns, group_by = f"{refund}, {epoch}, {kind_code}, l.staff_id, {item}", \
            "1, 2, 3, 4, 5"
    sql = (
        f"SELECT {columns}, "
        "count(*), coalesce(sum(l.quantity), 0), coalesce(sum(l.amount), 0), "
        f"{values} "
        f"FROM {source} "
        f"{joins}"
        f"WHERE {where} AND l.kind IN ({kinds}) "
        f"GROUP BY {group_by}")
    groups = []
    for row in session.execute(text(sql), params):
        if group_by == "1":
            rest, item_part = divmod(int(row[0]), sizes[4])
            rest, staff_part = divmod(rest, sizes[3])
            rest, kind_part = divmod(rest, sizes[2])
            refund_part, epoch_part = divmod(rest, sizes[1])
            parts = (refund_part, epoch_part, kind_part, staff_part - 1 if staff_part else None,
                     item_part - 1 if item_part else None)
            sums = row[1:]
        else:
            parts = tuple(row[:5])
            sums = row[5:]
        n, q, a, v = sums
        groups.append(Group(staff_id=None if parts[3] is None else int(parts[3]),
                            kind=KINDS[int(parts[2])],
                            item_id=None if parts[4] is None else int(parts[4]),
                            epoch=int(parts[1]), refund=bool(parts[0]), lines=int(n),
                            quantity=int(q), amount=int(a), value=int(v)))
    return groups


@dataclass
class _Person:
    name: str
    services_count: int = 0
    services_amount: int = 0
    sessions: int = 0
    sessions_value: int = 0
    products: int = 0
    packages: int = 0
    topups: int = 0
    sales: int = 0
    commission: dict[str, int] | None = None

    def earned(self) -> dict[str, int]:
        if self.commission is None:
            self.commission = {k: 0 for k in PAID_KINDS}
        return self.commission


def _kind_label(kind: str) -> str:
    label = LINE_KIND_LABELS.get(LineKind(kind)) if kind in {k.value for k in LineKind} else None
    return _(label) if label else kind


def sessions_by_staff(session: Session, *, start: datetime, end: datetime,
                      branch_id: int | None) -> dict[int | None, tuple[int, int]]:
    """The sessions redeemed in the window and the revenue they recognised, by the staff
    member who did each: {service_staff_id: (sessions, value)}. The redemptions the day
    close and the daily report count (reports/sums.py: a 'redeem' event of the window, of
    the branch by its invoice, one without an invoice at the first branch), split by
    staff: their sum is the day close's ``sessions_redeemed`` and ``sessions_value``."""
    window = Window(start, end, branch_id, first_branch_id(session))
    found = session.execute(text(
        "SELECT e.service_staff_id, count(*), coalesce(sum(e.value), 0) FROM package_event e "
        "LEFT JOIN invoice i ON i.id = e.invoice_id WHERE e.change = 'redeem' "
        f"AND {window.during('e.created_at')} AND {window.here()} "
        "GROUP BY e.service_staff_id"), window.params)
    return {None if s is None else int(s): (int(n), int(v)) for s, n, v in found}


@boundary
def staff_report(session: Session, *, date_from: date, date_to: date,
                 branch_id: int | None = None) -> Report:
    """Staff performance and commission from ``date_from`` to ``date_to`` (inclusive)."""
    period = read_period(session, date_from=date_from, date_to=date_to, branch_id=branch_id)
    start, end = period.start, period.end
    rates = all_rates(session)
    boundaries = _epochs(rates)
    with_value = any(r.applies_to == "redeem" and r.rate_bp is not None for r in rates)
    groups = _groups(session, start=start, end=end, branch_id=branch_id,
                     boundaries=boundaries, with_value=with_value)
    staff = {int(i): (n, r) for i, n, r in session.execute(
        text("SELECT id, name, role FROM staff"))}
    percent_of = {int(i): int(p) for i, p in session.execute(text(
        "SELECT id, commission_percent FROM catalog_item WHERE kind = 'service' "
        "AND commission_percent IS NOT NULL"))}
    no_staff = _("(no staff)")
    people: dict[int | None, _Person] = {}

    def person(staff_id: int | None) -> _Person:
        if staff_id not in people:
            name = staff[staff_id][0] if staff_id in staff else (
                no_staff if staff_id is None else f"#{staff_id}")
            people[staff_id] = _Person(name=name)
        return people[staff_id]

    # (staff, kind, item, rule id or None, refund) → [quantity, amount, commission, rate]
    detail: dict[tuple, list] = {}
    resolved: dict[tuple, Rate | None] = {}
    for g in groups:
        who = person(g.staff_id)
        if g.kind in SALES_KINDS:
            who.sales += g.amount
        if g.kind == "service":
            who.services_count += g.quantity
            who.services_amount += g.amount
        elif g.kind == "product":
            who.products += g.amount
        elif g.kind == "package":
            who.packages += g.amount
        elif g.kind == "topup":
            who.topups += g.amount
        if g.kind not in PAID_KINDS or g.staff_id is None:
            continue
        key = (g.staff_id, g.kind, g.item_id, g.epoch)
        if key not in resolved:
            at = boundaries[g.epoch - 1] if g.epoch > 0 else datetime.min
            role = staff.get(g.staff_id, ("", None))[1]
            resolved[key] = resolve(rates, kind=g.kind, item_id=g.item_id,
                                    staff_id=g.staff_id, role=role, at=at,
                                    service_percent=percent_of.get(g.item_id)
                                    if g.item_id is not None else None)
        rate = resolved[key]
        if rate is None:
            continue
        earned = commission(rate, amount=g.amount, quantity=g.quantity, value=g.value)
        who.earned()[g.kind] += earned
        row = detail.setdefault((g.staff_id, g.kind, g.item_id, rate.rule_id, g.refund,
                                 rate.rate_bp, rate.fixed_amount),
                                [0, 0, 0, rate])
        row[0] += g.quantity
        row[1] += g.amount
        row[2] += earned
    for staff_id, (count, value) in sessions_by_staff(session, start=start, end=end,
                                                      branch_id=branch_id).items():
        who = person(staff_id)
        who.sessions += count
        who.sessions_value += value
    return _build(session, date_from=date_from, date_to=date_to, branch_id=branch_id,
                  people=people, detail=detail, staff=staff)


def _build(session: Session, *, date_from: date, date_to: date, branch_id: int | None,
           people: dict[int | None, _Person], detail: dict[tuple, list],
           staff: dict[int, tuple[str, str]]) -> Report:
    ordered = sorted(people.items(), key=lambda kv: (kv[0] is None, -kv[1].sales,
                                                    kv[1].name))
    perf_rows: list[tuple[Value, ...]] = []
    comm_rows: list[tuple[Value, ...]] = []
    sums: defaultdict[str, int] = defaultdict(int)
    for _staff_id, p in ordered:
        earned = p.earned()
        figures = {"services_count": p.services_count, "services_amount": p.services_amount,
                   "sessions_redeemed": p.sessions, "sessions_value": p.sessions_value,
                   "products_amount": p.products, "packages_amount": p.packages,
                   "topups_amount": p.topups, "sales_total": p.sales,
                   **{f"commission_{k}": v for k, v in earned.items()},
                   "commission_total": sum(earned.values())}
        for key, number in figures.items():
            sums[key] += number
        perf_rows.append((p.name, p.services_count, p.services_amount, p.sessions,
                          p.sessions_value, p.products, p.packages, p.topups, p.sales))
        if _staff_id is not None:
            comm_rows.append((p.name, p.sales, earned["service"], earned["product"],
                              earned["package"], earned["redeem"], sum(earned.values())))
    totals = dict(sums)
    for key in ("services_count", "services_amount", "sessions_redeemed", "sessions_value",
                "products_amount", "packages_amount", "topups_amount", "sales_total",
                "commission_total", *(f"commission_{k}" for k in PAID_KINDS)):
        totals.setdefault(key, 0)
    totals["no_staff_sales"] = people[None].sales if None in people else 0
    money, count = Cell.MONEY, Cell.COUNT
    performance = Table(
        title=_("Performance"),
        columns=(Column(_("Staff")), Column(_("Services"), count),
                 Column(_("Services amount"), money), Column(_("Sessions"), count),
                 Column(_("Sessions value"), money), Column(_("Products"), money),
                 Column(_("Packages"), money), Column(_("Top-ups"), money),
                 Column(_("Sales"), money)),
        rows=tuple(perf_rows),
        totals=(_("Total"), totals["services_count"], totals["services_amount"],
                totals["sessions_redeemed"], totals["sessions_value"],
                totals["products_amount"], totals["packages_amount"],
                totals["topups_amount"], totals["sales_total"]))
    commission_table = Table(
        title=_("Commission"),
        columns=(Column(_("Staff")), Column(_("Sales"), money), Column(_("Services"), money),
                 Column(_("Products"), money), Column(_("Packages"), money),
                 Column(_("Sessions"), money), Column(_("Commission"), money)),
        rows=tuple(comm_rows),
        totals=(_("Total"), totals["sales_total"] - totals["no_staff_sales"],
                totals["commission_service"], totals["commission_product"],
                totals["commission_package"], totals["commission_redeem"],
                totals["commission_total"]))
    items = _item_names(session, {key[2] for key in detail if key[2] is not None})
    names = {i: n for i, (n, _r) in staff.items()}
    kinds = list(PAID_KINDS)
    detail_rows: list[tuple[Value, ...]] = []
    for found in sorted(detail, key=lambda k: (names.get(k[0], ""), kinds.index(k[1]),
                                               items.get(k[2], ""), k[4])):
        staff_id, kind, item_id, rule_id, refund, _bp, _fixed = found
        quantity, amount, earned, rate = detail[found]
        label = _kind_label(kind) + (" " + _("(refund)") if refund else "")
        rule = (_("catalogue") if rule_id is None else
                _("#{id} {who}").format(id=rule_id, who=who_label(rate, names)))
        detail_rows.append((names.get(staff_id, f"#{staff_id}"), label,
                            items.get(item_id, "") if item_id is not None else "", rule,
                            rate.rate_bp, rate.fixed_amount, quantity, amount, earned))
    detail_table = Table(
        title=_("Commission lines"),
        columns=(Column(_("Staff")), Column(_("Kind")), Column(_("Item")), Column(_("Rule")),
                 Column(_("Rate"), Cell.PERCENT), Column(_("Per unit"), money),
                 Column(_("Qty"), count), Column(_("Amount"), money),
                 Column(_("Commission"), money)),
        rows=tuple(detail_rows),
        totals=(_("Total"), None, None, None, None, None,
                sum(r[6] for r in detail_rows if isinstance(r[6], int)),
                sum(r[7] for r in detail_rows if isinstance(r[7], int)),
                totals["commission_total"]))
    chart_people = [(p.name, p.sales) for _i, p in ordered if p.sales]
    chart = Series(title=_("Revenue by staff"), labels=tuple(n for n, _v in chart_people),
                   values=tuple(v for _n, v in chart_people), cell=Cell.MONEY)
    return Report(name="staff", title=_("Staff performance and commission"),
                  date_from=date_from, date_to=date_to, branch_id=branch_id,
                  tables=(performance, commission_table, detail_table), charts=(chart,),
                  totals=totals)


def _item_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    found = session.execute(text(
        f"SELECT id, code, name FROM catalog_item WHERE id IN ({', '.join(map(str, ids))})"))
    return {int(i): f"{c} {n}" for i, c, n in found}
