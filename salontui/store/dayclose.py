"""The day-close summary for the desk: what came in, how, and who did the work.

A day is the salon's calendar day (``utc_offset_minutes`` from settings),
since timestamps are stored in UTC. Every figure is a set-based sum over the
day's documents, so it always agrees with the invoices and the ledgers. It ends
with the books' seal (the head of every hash chain), for the printout.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import text
from sqlmodel import Session

from salontui.store import chain
from salontui.store.admin.methods import kind_of, list_methods
from salontui.store.kinds import MethodKind
from salontui.store.settings import get_settings


@dataclass(frozen=True)
class StaffTotal:
    name: str
    lines: int
    amount: int


@dataclass(frozen=True)
class DayClose:
    day: date
    sales_count: int
    refunds_count: int
    sales_total: int  # sale and repayment invoices
    refunds_total: int  # negative
    takings: dict[str, int]  # per payment method, sales and repayments
    refunds: dict[str, int]  # per payment method, negative
    new_debt: int  # put on account today
    debt_repaid: int
    sessions_redeemed: int
    sessions_value: int  # revenue recognised by the redemptions
    per_staff: list[StaffTotal]
    # The books' seal when this close was made (chain.py): printed, it proves later with
    # ``salontui check --seal`` that nothing written before it was rewritten.
    seal: str = ""
    # The salon's payment methods as they are now, by code: the name each is shown under
    # (a method renamed since reads its new name on an old day too) and its kind; and
    # their order (the payment panel's).
    labels: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)
    order: tuple[str, ...] = ()

    @property
    def net(self) -> dict[str, int]:
        methods = sorted(set(self.takings) | set(self.refunds))
        return {m: self.takings.get(m, 0) + self.refunds.get(m, 0) for m in methods}

    def method_kind(self, method: str) -> str:
        return kind_of(self.kinds, method)

    @property
    def per_kind(self) -> list[tuple[str, int, int, int]]:
        """(kind, takings, refunds, net) of each kind the day's payments had, in the books'
        order (cash, card-like, stored value, points, vouchers, on account, waived): what the
        till, the bank, the cards, the points, the vouchers and the debt should show."""
        totals: dict[str, list[int]] = {}
        for column, amounts in ((0, self.takings), (1, self.refunds)):
            for method, amount in amounts.items():
                totals.setdefault(self.method_kind(method), [0, 0])[column] += amount
        order = [str(k) for k in MethodKind]
        return [(kind, t, r, t + r) for kind, (t, r) in
                sorted(totals.items(), key=lambda kv: order.index(kv[0])
                       if kv[0] in order else len(order))]


def day_bounds(day: date, utc_offset_minutes: int) -> tuple[datetime, datetime]:
    """The UTC instants where the salon's ``day`` starts and ends."""
    start = datetime.combine(day, time()) - timedelta(minutes=utc_offset_minutes)
    return start, start + timedelta(days=1)


def day_close(session: Session, *, day: date, branch_id: int | None = None) -> DayClose:
    """The day's takings, refunds, debt, sessions and staff totals: of one branch, or of
    the whole chain (``branch_id`` None). A session redeemed without an invoice counts at
    the first branch (it has no till)."""
    from salontui.store.branches import branch_sql, first_branch_id

    settings = get_settings(session)
    methods = list_methods(session)
    start, end = day_bounds(day, settings.utc_offset_minutes)
    window = {"a": start, "b": end, "branch": branch_id}
    first = first_branch_id(session)
    here = branch_sql("i.branch_id", branch_id, first)
    inv = f"i.created_at >= :a AND i.created_at < :b AND {here}"

    def rows(sql: str):
        return session.execute(text(sql), window).all()

    counts = {k: (int(n), int(t or 0)) for k, n, t in rows(
        f"SELECT i.kind = 'refund', count(*), sum(i.total) FROM invoice i WHERE {inv} "
        "GROUP BY i.kind = 'refund'")}
    takings: dict[str, int] = {}
    refunds: dict[str, int] = {}
    for is_refund, method, amount in rows(
            f"SELECT i.kind = 'refund', p.method, sum(p.amount) FROM payment p "
            f"JOIN invoice i ON i.id = p.invoice_id WHERE {inv} GROUP BY 1, 2"):
        (refunds if is_refund else takings)[method] = int(amount)
    repaid = rows(f"SELECT coalesce(sum(l.amount), 0) FROM invoice_line l JOIN invoice i "
                  f"ON i.id = l.invoice_id WHERE {inv} AND l.kind = 'repay'")[0][0]
    redeemed = rows("SELECT count(*), coalesce(sum(e.value), 0) FROM package_event e "
                    "LEFT JOIN invoice i ON i.id = e.invoice_id "
                    "WHERE e.change = 'redeem' AND e.created_at >= :a AND e.created_at < :b "
                    f"AND {here}")[0]
    staff = [StaffTotal(name or "—", int(n), int(a or 0)) for name, n, a in rows(
        f"SELECT s.name, count(*), sum(l.amount) FROM invoice_line l "
        f"JOIN invoice i ON i.id = l.invoice_id LEFT JOIN staff s ON s.id = l.staff_id "
        f"WHERE {inv} AND l.kind IN ('service', 'product', 'package', 'redeem') "
        f"GROUP BY s.name ORDER BY sum(l.amount) DESC, s.name")]
    return DayClose(
        day=day, sales_count=counts.get(0, (0, 0))[0], refunds_count=counts.get(1, (0, 0))[0],
        sales_total=counts.get(0, (0, 0))[1], refunds_total=counts.get(1, (0, 0))[1],
        takings=takings, refunds=refunds, new_debt=takings.get("account", 0),
        debt_repaid=int(repaid), sessions_redeemed=int(redeemed[0]),
        sessions_value=int(redeemed[1]), per_staff=staff,
        seal=chain.seal(session.connection()),
        labels={m.code: m.label for m in methods}, kinds={m.code: m.kind for m in methods},
        order=tuple(m.code for m in methods),
    )
