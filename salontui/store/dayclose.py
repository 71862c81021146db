"""The day-close summary for the desk: what came in, how, and who did the work.

A day is the salon's calendar day (``utc_offset_minutes`` from settings),
since timestamps are stored in UTC. Every figure is a set-based sum over the
day's documents, so it always agrees with the invoices and the ledgers. It ends
with the books' seal (the head of every hash chain), for the printout.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

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


def day_close(session: Session, *, day: date, branch_id: int | None = None,
              staff_id: int | None = None, approved_by: int | None = None) -> DayClose:
    """The day's takings, refunds, debt, sessions and staff totals: of one branch, or of
    the whole chain (``branch_id`` None). A session redeemed without an invoice counts at
    the first branch (it has no till). Nothing is written: the day close is a read. At the
    desk (``staff_id`` given) the signed-in role needs the day_close permission, or a
    manager's approval (``approved_by``); the owner's command line and the reports, which
    add up the same sums, pass no one."""
    if staff_id is not None:
        from salontui.store.admin.permissions import require_permission
        from salontui.store.kinds import Permission

        require_permission(session, staff_id=staff_id, permission=Permission.DAY_CLOSE,
                           approved_by=approved_by)
    from salontui.store.branches import first_branch_id
    from salontui.store.reports.sums import Window, dialect_of, session_run, window_sums

    settings = get_settings(session)
    methods = list_methods(session)
    start, end = day_bounds(day, settings.utc_offset_minutes)
    window = Window(start, end, branch_id, first_branch_id(session))
    run = session_run(session)
    # The figures: the same sums as the daily business report's (reports/sums.py).
    sums = window_sums(run, window, dialect=dialect_of(session),
                       offset_minutes=settings.utc_offset_minutes, detail=False).total
    staff = [StaffTotal(name or "—", int(n), int(a or 0)) for name, n, a in run(
        f"SELECT s.name, count(*), sum(l.amount) FROM invoice_line l "
        f"JOIN invoice i ON i.id = l.invoice_id LEFT JOIN staff s ON s.id = l.staff_id "
        f"WHERE {window.invoices()} AND l.kind IN ('service', 'product', 'package', 'redeem') "
        f"GROUP BY s.name ORDER BY sum(l.amount) DESC, s.name", window.params)]
    return DayClose(
        day=day, sales_count=sums.sales_count, refunds_count=sums.refunds_count,
        sales_total=sums.sales_total, refunds_total=sums.refunds_total,
        takings=sums.takings, refunds=sums.refunds, new_debt=sums.new_debt,
        debt_repaid=sums.debt_repaid, sessions_redeemed=sums.sessions_redeemed,
        sessions_value=sums.sessions_value, per_staff=staff,
        seal=chain.seal(session.connection()),
        labels={m.code: m.label for m in methods}, kinds={m.code: m.kind for m in methods},
        order=tuple(m.code for m in methods),
    )
