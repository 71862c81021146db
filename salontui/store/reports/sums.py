"""The day close's figures over any window of the salon's days: one set of grouped queries
that the day close (one day), the daily business report (any period, per day) and
``check`` all read, so their figures are the same sums by construction.

A window is a span of UTC instants (a salon day starts at midnight of its UTC offset:
:func:`salontui.store.dayclose.day_bounds`) and a branch (None: the whole chain; an
invoice without a branch is the first branch's, as everywhere). Each query walks the
window's invoices on ``ix_invoice_created`` once and groups in SQL; the salon day of a
row (``day_sql``) is only worked out where a figure is wanted per day. Whole days wanted
per day are read a day at a time, the day written into the SQL rather than worked out per
row (``_invoices_day_by_day``, ``_Parts``): the same sums, a quarter less time over a year
on SQLite, a tenth on PostgreSQL.

The queries are run through a :data:`Run` (SQL and its named parameters in, rows out) so
that ``check``, which holds a bare driver connection, asks the same SQL without parameters
(its window is every day, its branch the whole chain).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
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
    """SQL for the salon's calendar day of the UTC instant ``column``: its Julian day
    number, a whole number (read it with :func:`as_date`)."""
    offset = int(offset_minutes)  # (an int from the settings: safe to write into SQL)
    if dialect == "postgresql":  # (2,451,545: the Julian day number of 1 January 2000)
        return (f"(CAST({column} + INTERVAL '{offset} minutes' AS DATE) - DATE '2000-01-01' "
                f"+ 2451545)")
    # SQLite: the Julian day number of the salon's day, a whole number (a text key costs a
    # third more to group by), from the instant cut to the second (the day's bounds are
    # whole minutes; SQLite would round the microseconds to milliseconds, putting
    # 23:59:59.9996 on the next day while the window's bounds, compared as text, keep it on
    # its own) in whole milliseconds (exact: no fraction of a day in floating point).
    shift = offset * 60_000 + 43_200_000  # the offset, and Julian days start at noon
    return (f"((CAST(julianday(substr({column}, 1, 19)) * 86400000 + 0.5 AS INTEGER) "
            f"+ {shift}) / 86400000)")


JULIAN_ORDINAL = 1_721_425  # a Julian day number less this is a date's ordinal
DAY_KEY = 100_000_000  # above any Julian day number: a grouping key's kind × this + its day


def as_date(value: Any) -> date:
    """A day as :func:`day_sql` gives it (a Julian day number)."""
    if isinstance(value, int):
        return date.fromordinal(value - JULIAN_ORDINAL)
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

    lo = hi = None
    count = 0
    invoices = None
    if by_day and dialect in DAY_BY_DAY:
        invoices = _invoices_day_by_day(run, window, offset_minutes)
    ranges: dict[int, list[int]] | None = {}  # a day's Julian number → [first id, last, n]
    if invoices is None:
        invoices = run(
            f"SELECT {day}, i.kind, count(*), coalesce(sum(i.total), 0), "
            f"coalesce(sum(i.discount), 0), min(i.id), max(i.id) FROM invoice i WHERE {inv} "
            f"GROUP BY 1, 2", params)
        ranges = None
    for d, kind, n, amount, discount, first, last in invoices:
        target(d).invoices[str(kind)] = [int(n), int(amount), int(discount)]
        count += int(n)
        lo = int(first) if lo is None else min(lo, int(first))
        hi = int(last) if hi is None else max(hi, int(last))
        if ranges is not None:
            span = ranges.setdefault(int(d), [int(first), int(last), 0])
            span[0], span[1] = min(span[0], int(first)), max(span[1], int(last))
            span[2] += int(n)
    if lo is not None and hi is not None:
        parts = _Parts(run, window, day, whole_days=whole_days or not by_day, lo=lo, hi=hi,
                       count=count, detail=detail, day_ranges=ranges)
        for d, refund, kind, item, n, quantity, amount in parts.lines():
            sums = target(d)
            key = (bool(refund), str(kind))
            mine = sums.lines.setdefault(key, [0, 0, 0])
            mine[0] += int(n)
            mine[1] += int(quantity)
            mine[2] += int(amount)
            if kind == "service":
                item_id = None if item is None else int(item)
                sums.services[item_id] = sums.services.get(item_id, 0) + int(amount)
        for d, refund, method, amount in parts.payments():
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


DAYS_AT_ONCE = 400  # days in one compound SELECT (SQLite allows 500 parts)
DAY_BY_DAY = ("sqlite", "postgresql")  # the engines that read a period a day at a time


def _invoices_day_by_day(run: Run, window: Window,
                         offset_minutes: int) -> Sequence[Sequence[Any]] | None:
    """The window's invoices summed per salon day and kind, each day by its own part of
    one compound SELECT over its instants on ``ix_invoice_created``, the day's Julian day
    number written in: rows as the grouped query gives them. SQLite sorts every row of a
    GROUP BY, and working out each row's day costs as much again: a day at a time, it
    sorts a day's rows by kind (half the time over a year). None when the window is not
    whole salon days (the caller groups by the day worked out per row)."""
    if window.start is None or window.end is None:
        return None
    shift = timedelta(minutes=int(offset_minutes))
    day = (window.start + shift).date()
    if datetime.combine(day, time()) - shift != window.start:
        return None
    days: list[tuple[int, datetime, datetime]] = []
    while True:
        start = datetime.combine(day, time()) - shift
        if start >= window.end:
            break
        if start + timedelta(days=1) > window.end:
            return None
        days.append((day.toordinal() + JULIAN_ORDINAL, start, start + timedelta(days=1)))
        day += timedelta(days=1)
    here = window.here()
    rows: list[Sequence[Any]] = []
    for first in range(0, len(days), DAYS_AT_ONCE):
        params = {k: v for k, v in window.params.items() if k not in ("a", "b")}
        parts = []
        for n, (julian, start, end) in enumerate(days[first:first + DAYS_AT_ONCE]):
            params[f"a{n}"], params[f"b{n}"] = start, end
            parts.append(
                f"SELECT {int(julian)}, i.kind, count(*), coalesce(sum(i.total), 0), "
                f"coalesce(sum(i.discount), 0), min(i.id), max(i.id) FROM invoice i "
                f"WHERE i.created_at >= :a{n} AND i.created_at < :b{n} AND {here} "
                f"GROUP BY i.kind")
        rows.extend(run(" UNION ALL ".join(parts), params))
    return rows


class _Parts:
    """The lines and payments of the window's invoices, grouped.

    When the window's invoices are exactly the ids ``lo`` … ``hi`` (the usual case: ids
    follow time; ``count`` says how many the window has), the lines and payments are read
    by their invoice id range alone, with no join (half the time over a year), and the
    refunds' part (few) by their invoices' ids: a sale's part is the whole less the
    refunds'. Otherwise (a branch among others, an invoice written out of turn) each line
    and payment is joined to its invoice. Rows: (day or None, is a refund, …).

    When the invoices were summed per day (``day_ranges``: each day's Julian number →
    [first id, last id, invoices]), the days whose invoices are a run of ids (nearly all:
    ids follow time) give their rows' day without working it out: the sales' part is one
    compound SELECT, a part per such day over its run, its day written in, and a part per
    stretch of ids between them (invoices written out of turn) working out each row's day
    (SQLite sorts a day's rows, not a year's, and works out few days: a third less over a
    year). The refunds' rows look theirs up."""

    MAX_STRETCHES = 100  # more stretches out of turn: the whole window at once

    REFUNDS_AT_ONCE = 2_000  # ids in one IN list

    def __init__(self, run: Run, window: Window, day: str, *, whole_days: bool, lo: int,
                 hi: int, count: int, detail: bool,
                 day_ranges: dict[int, list[int]] | None = None):
        self.run, self.window, self.detail = run, window, detail
        self.lo, self.hi = lo, hi
        self.params = window.params
        # The day of a row: every row's (whole_days, or NULL when not by day), or only of
        # the rows a day's row of a report shows (top-ups, repayments, payments on account).
        self.day, self.whole_days = day, whole_days
        in_range = run(f"SELECT count(*) FROM invoice WHERE id BETWEEN {lo} AND {hi}", {})
        self.exact = int(in_range[0][0]) == count
        self.refund_ids: list[int] = []
        if self.exact:
            self.refund_ids = [int(r[0]) for r in run(
                f"SELECT id FROM invoice WHERE id BETWEEN {lo} AND {hi} AND kind = 'refund'",
                {})]
        self.runs = self._runs(day_ranges) if self.exact and day != "NULL" else None
        if self.runs:
            self.whole_days = True  # (every row's day comes nearly free)

    def _runs(self, day_ranges: dict[int, list[int]] | None
              ) -> list[tuple[int | None, int, int]] | None:
        """(Julian day, first id, last id) of each day whose invoices are a run of ids, and
        (None, first, last) for each stretch of ids between those (every id of the window
        is one of its invoices: ``exact``); None when they are too many."""
        if not day_ranges:
            return None
        whole = sorted((first, last, day) for day, (first, last, n) in day_ranges.items()
                       if last - first + 1 == n)
        runs: list[tuple[int | None, int, int]] = []
        at = self.lo
        for first, last, day in whole:
            if first > at:
                runs.append((None, at, first - 1))
            runs.append((day, first, last))
            at = last + 1
        if at <= self.hi:
            runs.append((None, at, self.hi))
        if sum(1 for day, _a, _b in runs if day is None) > self.MAX_STRETCHES:
            return None
        return runs

    def _day_of(self, alias: str) -> str:
        """The day of a line or payment (``alias``) from its invoice: ``i`` when joined,
        else looked up by id (an index probe)."""
        if self.day == "NULL" or not self.exact:
            return self.day
        return f"(SELECT {self.day} FROM invoice i WHERE i.id = {alias}.invoice_id)"

    def _by_day(self, select: str, keys: int, sums: int, where: str, dated: str,
                source: str) -> list[tuple]:
        """``select`` (``{day}`` and ``{refund}`` in it, then ``keys`` grouping columns, then
        ``sums`` sums) grouped, per day for every row when ``whole_days``; else ``{day}``
        is left NULL and the caller's key carries the day of the rows that need one."""
        if self.day != "NULL" and self.whole_days:
            return self._split(select.replace("{day}", self._day_of("x")), source, keys,
                               sums, where, dated=True, per_day=select)
        return self._split(select.replace("{day}", "NULL"), source, keys, sums, where,
                           dated=False)

    def _split(self, select: str, source: str, keys: int, sums: int, where: str, *,
               dated: bool, per_day: str | None = None) -> list[tuple]:
        """Rows of ``select`` over ``source`` (alias ``x``; ``where``: more conditions)
        grouped by its ``keys`` (and its day when ``dated``): each (day, is a refund, *keys,
        *sums), the refunds' rows taken off the sales' (``{refund}`` in ``select`` is the
        flag). Constant columns are never grouped by (a sort key costs)."""
        positions = [str(3 + k) for k in range(keys)]
        group = ", ".join((["1"] if dated else []) + positions)
        rows: list[tuple] = []
        if not self.exact:
            joined = select.format(refund="i.kind = 'refund'")
            for row in self.run(
                    f"SELECT {joined} FROM {source} JOIN invoice i ON i.id = x.invoice_id "
                    f"WHERE {self.window.invoices()} {where} GROUP BY {group}, 2", self.params):
                rows.append((row[0], bool(row[1]), *row[2:]))
            return rows
        if per_day is not None and self.runs:
            sales = self._day_by_day(per_day, source, ", ".join(positions), where)
        else:
            sales = [tuple(row) for row in self.run(
                f"SELECT {select.format(refund='0')} FROM {source} "
                f"WHERE x.invoice_id BETWEEN {self.lo} AND {self.hi} {where} "
                f"GROUP BY {group}", {})]
        for row in sales:
            rows.append((row[0], False, *row[2:]))
        ids = self.refund_ids
        for start in range(0, len(ids), self.REFUNDS_AT_ONCE):
            chunk = ", ".join(str(i) for i in ids[start:start + self.REFUNDS_AT_ONCE])
            for row in self.run(
                    f"SELECT {select.format(refund='1')} FROM {source} "
                    f"WHERE x.invoice_id IN ({chunk}) {where} GROUP BY {group}", {}):
                rows.append((row[0], True, *row[2:]))
                rows.append(_negated(row[0], row[2:], sums))
        return rows

    def _day_by_day(self, select: str, source: str, group: str, where: str) -> list[tuple]:
        """The sales' rows of ``select`` (``{day}`` and ``{refund}`` in it), a part per run of
        invoice ids (``runs``): a day's, its Julian day written in; a stretch's, each row's
        day worked out and grouped by."""
        assert self.runs is not None
        rows: list[tuple] = []
        for first in range(0, len(self.runs), DAYS_AT_ONCE):
            parts = []
            for day, lo, hi in self.runs[first:first + DAYS_AT_ONCE]:
                written = self._day_of("x") if day is None else str(int(day))
                by = group if day is not None else f"1, {group}"
                parts.append(f"SELECT {select.replace('{day}', written).format(refund='0')} "
                             f"FROM {source} WHERE x.invoice_id BETWEEN {int(lo)} AND "
                             f"{int(hi)} {where} GROUP BY {by}")
            rows.extend(tuple(row) for row in self.run(" UNION ALL ".join(parts), {}))
        return rows

    # One whole number per kind of line (a service: its item), so the lines group on one
    # integer key (a text key and a second column cost a third more over a year), and the
    # kind and item are read back from it (a column more in the sort costs a fifth more).
    KEY_KINDS = ("product", "package", "redeem", "topup", "repay")  # keys −1 … −5
    OTHER_KEY = -6  # a kind of line none of these (never written today)
    LINE_KEY = ("CASE x.kind WHEN 'service' THEN coalesce(x.item_id, 0) WHEN 'product' THEN -1 "
                "WHEN 'package' THEN -2 WHEN 'redeem' THEN -3 WHEN 'topup' THEN -4 "
                "WHEN 'repay' THEN -5 ELSE -6 END")

    def _dated(self) -> bool:
        """Whether a few rows (top-ups, repayments, payments on account) are wanted per day
        while the others are not: their day then rides in their grouping key (one key, one
        sort over the rows: a second query, or a second key, costs a scan or a sort more)."""
        return self.day != "NULL" and not self.whole_days

    def lines(self) -> list[tuple]:
        """(day, is a refund, kind, service item, lines, quantity, amount) rows."""
        where = "" if self.detail else "AND x.kind = 'repay'"  # (the day close's)
        key = self.LINE_KEY
        if self._dated():  # a top-up's or repayment's key: −(4 or 5 × 10⁸ + its day)
            key = (f"CASE WHEN x.kind IN ('topup', 'repay') THEN -((CASE x.kind WHEN 'topup' "
                   f"THEN 4 ELSE 5 END) * {DAY_KEY} + {self._day_of('x')}) ELSE {key} END")
        sums = "count(*), coalesce(sum(x.quantity), 0), coalesce(sum(x.amount), 0)"
        rows = self._by_day("{day}, {refund}, " + key + ", " + sums, 1, 3, where,
                            "x.kind IN ('topup', 'repay')", "invoice_line x")
        found = []
        others = False
        for row in rows:
            day, number = row[0], int(row[2])
            if number <= -DAY_KEY:  # a top-up or repayment of the day in the key
                kind = self.KEY_KINDS[(-number) // DAY_KEY - 1]
                day = (-number) % DAY_KEY
                item = None
            elif number >= 0:
                kind, item = "service", number or None
            elif number == self.OTHER_KEY:
                others = True
                continue
            else:
                kind, item = self.KEY_KINDS[-number - 1], None
            found.append((day, row[1], kind, item, *row[3:]))
        if others:  # by their own names (rare: a second pass over the window's lines)
            known = ", ".join(f"'{k}'" for k in ("service", *self.KEY_KINDS))
            for row in self._by_day("{day}, {refund}, x.kind, " + sums, 1, 3,
                                    f"{where} AND x.kind NOT IN ({known})", "1 = 0",
                                    "invoice_line x"):
                found.append((row[0], row[1], row[2], None, *row[3:]))
        return found

    def payments(self) -> list[tuple]:
        """(day, is a refund, method, amount) rows."""
        key = "x.method"
        if self._dated():  # a payment on account's key: 'account@' and its day
            key = (f"CASE WHEN x.method = 'account' THEN 'account@' || "
                   f"CAST({self._day_of('x')} AS TEXT) ELSE x.method END")
        found = []
        for row in self._by_day("{day}, {refund}, " + key + ", sum(x.amount)",
                                1, 1, "", "x.method = 'account'", "payment x"):
            day, method = row[0], str(row[2])
            if method.startswith("account@"):
                day, method = int(method[len("account@"):]), "account"
            found.append((day, row[1], method, *row[3:]))
        return found

def _negated(day: Any, keys_and_sums: Sequence[Any], sums: int) -> tuple:
    """A sales row taking off a refunds' row (its last ``sums`` values negated)."""
    keys, values = keys_and_sums[:-sums], keys_and_sums[-sums:]
    return (day, False, *keys, *(-int(v) for v in values))


def lines_of(run: Run, window: Window) -> tuple[str, str, dict[str, Any]]:
    """(FROM, WHERE, parameters) for the lines ``l`` of the window's invoices: by their
    invoice ids alone when the window's invoices are exactly a run of ids (no join), else
    joined to their invoice ``i``."""
    found = run(f"SELECT count(*), min(i.id), max(i.id) FROM invoice i "
                f"WHERE {window.invoices()}", window.params)
    count, lo, hi = found[0] if found else (0, None, None)
    if not count or lo is None or hi is None:
        return "invoice_line l", "1 = 0", {}
    lo, hi = int(lo), int(hi)
    in_range = run(f"SELECT count(*) FROM invoice WHERE id BETWEEN {lo} AND {hi}", {})
    if int(in_range[0][0]) == int(count):
        return "invoice_line l", f"l.invoice_id BETWEEN {lo} AND {hi}", {}
    return ("invoice_line l JOIN invoice i ON i.id = l.invoice_id", window.invoices(),
            window.params)
