"""The day close's figures over any window of the salon's days: one set of grouped queries
that the day close (one day), the daily business report (any period, per day) and
``check`` all read, so their figures are the same sums by construction.

A window is a span of UTC instants (a salon day starts at midnight of its UTC offset:
:func:`salontui.store.dayclose.day_bounds`) and a branch (None: the whole chain; an
invoice without a branch is the first branch's, as everywhere). Each query walks the
window's invoices on ``ix_invoice_created`` once and groups in SQL; the salon day of a
row (``day_sql``) is only worked out where a figure is wanted per day.

The queries are run through a :data:`Run` (SQL and its named parameters in, rows out) so
that ``check``, which holds a bare driver connection, asks the same SQL without parameters
(its window is every day, its branch the whole chain).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

# SQL and its named parameters (``:a``) in, rows out.
Run = Callable[[str, Mapping[str, Any]], Sequence[Sequence[Any]]]

# The kinds of line that are sales of something (not money moved between books).
SOLD_KINDS = ("service", "product", "package", "redeem")


def session_run(session: Session) -> Run:
    """A :data:`Run` on ``session``'s transaction."""
    return lambda sql, params: session.execute(text(sql), dict(params)).all()


def dialect_of(session: Session) -> str:
    return session.get_bind().dialect.name


def day_sql(column: str, dialect: str, offset_minutes: int) -> str:
    """SQL for the salon's calendar day of the UTC instant ``column`` (a date on
    PostgreSQL, 'YYYY-MM-DD' text on SQLite: read it with :func:`as_date`)."""
    offset = int(offset_minutes)  # (an int from the settings: safe to write into SQL)
    if dialect == "postgresql":
        return f"CAST({column} + INTERVAL '{offset} minutes' AS DATE)"
    return f"date({column}, '{offset:+d} minutes')"


def as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


@dataclass(frozen=True)
class Window:
    """UTC instants ``[start, end)`` (None: no bound) of one branch (None: every branch;
    ``first_branch_id`` is the branch an invoice without one belongs to)."""

    start: datetime | None = None
    end: datetime | None = None
    branch_id: int | None = None
    first_branch_id: int | None = None

    @property
    def params(self) -> dict[str, Any]:
        params: dict[str, Any] = {}
        if self.start is not None:
            params["a"] = self.start
        if self.end is not None:
            params["b"] = self.end
        if self.branch_id is not None:
            params["branch"] = self.branch_id
        return params

    def during(self, column: str) -> str:
        """SQL for "``column`` is inside the window's instants"."""
        parts = []
        if self.start is not None:
            parts.append(f"{column} >= :a")
        if self.end is not None:
            parts.append(f"{column} < :b")
        return " AND ".join(parts) or "1 = 1"

    def here(self, column: str = "i.branch_id") -> str:
        """SQL for "the invoice is this window's branch" (branches.branch_sql)."""
        from salontui.store.branches import branch_sql

        return branch_sql(column, self.branch_id, self.first_branch_id)

    def invoices(self, alias: str = "i") -> str:
        return f"{self.during(f'{alias}.created_at')} AND {self.here(f'{alias}.branch_id')}"


@dataclass
class DaySums:
    """What one day (or the whole window) adds up to. Money in minor units; refunds and
    what they took back are negative."""

    # invoice kind (sale / repayment / refund) → [count, total, discount]
    invoices: dict[str, list[int]] = field(default_factory=dict)
    # (is a refund, line kind) → [lines, quantity, amount]
    lines: dict[tuple[bool, str], list[int]] = field(default_factory=dict)
    # a service's item id (None: a line without one) → its lines' amount, refunds taken off
    services: dict[int | None, int] = field(default_factory=dict)
    takings: dict[str, int] = field(default_factory=dict)  # per payment method
    refunds: dict[str, int] = field(default_factory=dict)  # per payment method, negative
    sessions_redeemed: int = 0
    sessions_value: int = 0  # revenue the redemptions recognised
    sessions_returned: int = 0  # sessions a refund gave back (negative count)
    sessions_returned_value: int = 0  # negative

    def _invoice(self, kind: str, index: int) -> int:
        return self.invoices.get(kind, [0, 0, 0])[index]

    @property
    def sales_count(self) -> int:  # sale and repayment invoices (the day close's)
        return self._invoice("sale", 0) + self._invoice("repayment", 0)

    @property
    def refunds_count(self) -> int:
        return self._invoice("refund", 0)

    @property
    def sales_total(self) -> int:
        return self._invoice("sale", 1) + self._invoice("repayment", 1)

    @property
    def refunds_total(self) -> int:
        return self._invoice("refund", 1)

    @property
    def visits(self) -> int:  # sale invoices (a repayment alone is no visit)
        return self._invoice("sale", 0)

    def discount(self, refund: bool) -> int:
        if refund:
            return self._invoice("refund", 2)
        return self._invoice("sale", 2) + self._invoice("repayment", 2)

    def line_amount(self, kind: str, refund: bool | None = None) -> int:
        """The amount of ``kind``'s lines: of sales, of refunds, or both (None)."""
        sides = (False, True) if refund is None else (refund,)
        return sum(self.lines.get((side, kind), [0, 0, 0])[2] for side in sides)

    @property
    def new_debt(self) -> int:  # put on account (the day close's: takings on account)
        return self.takings.get("account", 0)

    @property
    def debt_repaid(self) -> int:  # repayment lines, a refunded repayment taken off
        return self.line_amount("repay")

    @property
    def revenue(self) -> int:
        """Sales less refunds, without the money that only moved between the customer's
        books (top-ups paid onto a card, debt repaid): services, products and packages
        after every discount."""
        return (self.sales_total + self.refunds_total - self.line_amount("topup")
                - self.debt_repaid)

    def add(self, other: DaySums) -> None:
        for kind, values in other.invoices.items():
            mine = self.invoices.setdefault(kind, [0, 0, 0])
            for i, v in enumerate(values):
                mine[i] += v
        for key, values in other.lines.items():
            mine = self.lines.setdefault(key, [0, 0, 0])
            for i, v in enumerate(values):
                mine[i] += v
        for item, amount in other.services.items():
            self.services[item] = self.services.get(item, 0) + amount
        for book, theirs in ((self.takings, other.takings), (self.refunds, other.refunds)):
            for method, amount in theirs.items():
                book[method] = book.get(method, 0) + amount
        self.sessions_redeemed += other.sessions_redeemed
        self.sessions_value += other.sessions_value
        self.sessions_returned += other.sessions_returned
        self.sessions_returned_value += other.sessions_returned_value


@dataclass
class WindowSums:
    """The window's sums, and (when asked ``by_day``) each salon day's."""

    total: DaySums
    days: dict[date, DaySums]


def window_sums(run: Run, window: Window, *, dialect: str, offset_minutes: int,
                by_day: bool = False, whole_days: bool = False,
                detail: bool = True) -> WindowSums:
    """The window's invoices, lines, payments and redemptions, summed.

    ``by_day``: each salon day's sums too: its invoices and sessions, its top-up and
    repayment lines and its payments on account (what a day's row of a report shows; the
    day is worked out only for those rows), or every figure with ``whole_days`` (what
    ``check`` compares day by day). ``detail`` False leaves out the lines of every kind
    but repayments, and the services (the day close reads only those)."""
    params = window.params
    inv = window.invoices()
    total = DaySums()
    undated = DaySums()  # rows summed for the window only
    days: dict[date, DaySums] = {}

    def target(day: Any) -> DaySums:
        if day is None:
            return undated
        return days.setdefault(as_date(day), DaySums())

    day = day_sql("i.created_at", dialect, offset_minutes) if by_day else "NULL"

    def dated(condition: str) -> str:
        return day if whole_days or not by_day else f"CASE WHEN {condition} THEN {day} END"

    for d, kind, n, amount, discount in run(
            f"SELECT {day}, i.kind, count(*), coalesce(sum(i.total), 0), "
            f"coalesce(sum(i.discount), 0) FROM invoice i WHERE {inv} GROUP BY 1, 2", params):
        target(d).invoices[str(kind)] = [int(n), int(amount), int(discount)]
    kinds = "" if detail else "AND l.kind = 'repay' "
    service = "CASE WHEN l.kind = 'service' THEN l.item_id END" if detail else "NULL"
    line_day = dated("l.kind IN ('topup', 'repay')")
    for d, refund, kind, item, n, quantity, amount in run(
            f"SELECT {line_day}, i.kind = 'refund', l.kind, "
            f"{service}, count(*), coalesce(sum(l.quantity), 0), coalesce(sum(l.amount), 0) "
            f"FROM invoice_line l JOIN invoice i ON i.id = l.invoice_id WHERE {inv} {kinds}"
            f"GROUP BY 1, 2, 3, 4", params):
        sums = target(d)
        key = (bool(refund), str(kind))
        mine = sums.lines.setdefault(key, [0, 0, 0])
        mine[0] += int(n)
        mine[1] += int(quantity)
        mine[2] += int(amount)
        if kind == "service":
            item_id = None if item is None else int(item)
            sums.services[item_id] = sums.services.get(item_id, 0) + int(amount)
    payment_day = dated("p.method = 'account'")
    for d, refund, method, amount in run(
            f"SELECT {payment_day}, i.kind = 'refund', p.method, "
            f"sum(p.amount) FROM payment p JOIN invoice i ON i.id = p.invoice_id "
            f"WHERE {inv} GROUP BY 1, 2, 3", params):
        sums = target(d)
        book = sums.refunds if refund else sums.takings
        book[str(method)] = book.get(str(method), 0) + int(amount)
    # A session redeemed without an invoice counts at the first branch (it has no till).
    event_day = day_sql("e.created_at", dialect, offset_minutes) if by_day else "NULL"
    for d, change, n, value in run(
            f"SELECT {event_day}, e.change, count(*), coalesce(sum(e.value), 0) "
            f"FROM package_event e LEFT JOIN invoice i ON i.id = e.invoice_id "
            f"WHERE (e.change = 'redeem' OR (e.change = 'refund' AND e.delta_used < 0)) "
            f"AND {window.during('e.created_at')} AND {window.here()} GROUP BY 1, 2", params):
        sums = target(d)
        if change == "redeem":
            sums.sessions_redeemed += int(n)
            sums.sessions_value += int(value)
        else:
            sums.sessions_returned -= int(n)
            sums.sessions_returned_value += int(value)
    total.add(undated)
    for sums in days.values():
        total.add(sums)
    return WindowSums(total=total, days=dict(sorted(days.items())))
