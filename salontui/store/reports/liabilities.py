"""Assets and liabilities at the end of a day: what the salon still owes its customers
(package sessions paid and not used, stored value, vouchers, products paid and not yet
collected), what they owe it (debt), and the points they hold.

Everything is read from the books as they stood at the end of ``date_to`` (the salon's
day): the ledger entries, package events and held-product rows created before that
instant, never the cached counters (``customer_package.used``) nor today's balances.

* **Package sessions** (count and gift cards): for each package not closed by then, the
  sessions left (total − used, from its events) at the exact per-session value of
  ``store/packages.py`` (equal shares of the price, the remainder on the last session:
  ``packages.value_left``), in use (not expired on the day) or expired and unused (shown
  apart, not counted: the salon keeps what an expired package was not used for).
* **Time cards** (unlimited use until the expiry): their redemptions are worth nothing, so
  the unused part is valued as the share of the price for the days not yet run: price ×
  days left after the day ÷ days from activation to expiry (both days counted). This is
  a choice (straight-line over the validity), stated in the report.
* **Stored value** by card type (a card without a type under its own name, the General
  card as "General"), **vouchers**, **debt** receivable, **points** (a count; their value
  at today's point value is shown beside), **products to collect** at the price they were
  sold for (the held rows' amounts).

Totals keys (stable): ``packages_sessions``, ``packages_value``, ``packages_count``,
``expired_sessions``, ``expired_value``, ``time_cards``, ``time_cards_value``,
``stored_value``, ``vouchers``, ``debt``, ``points``, ``held_quantity``, ``held_value``,
``liabilities_total`` (packages + time cards + stored value + vouchers + products).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session

from salontui.i18n import _
from salontui.store import clock
from salontui.store.bounds import boundary
from salontui.store.names import GENERAL_CARD
from salontui.store.reports.period import read_period
from salontui.store.reports.shape import Cell, Column, Report, Table, Value
from salontui.store.reports.sums import Run, session_run
from salontui.store.settings import get_settings


@dataclass
class Position:
    """The books at one instant (None: as they are, every row counted)."""

    # package kind (count / gift) → [packages, sessions left, value left], in use
    packages: dict[str, list[int]] = field(default_factory=dict)
    expired: dict[str, list[int]] = field(default_factory=dict)  # … expired unused
    time_cards: list[int] = field(default_factory=lambda: [0, 0])  # [cards, value]
    cards: dict[str, list[int]] = field(default_factory=dict)  # group → [cards, balance]
    accounts: dict[str, list[int]] = field(default_factory=dict)  # account → [holders, sum]
    held: dict[int, list[int]] = field(default_factory=dict)  # item → [quantity, value]

    def account(self, name: str) -> int:
        return self.accounts.get(name, [0, 0])[1]

    @property
    def totals(self) -> dict[str, int]:
        packages = [sum(v[i] for v in self.packages.values()) for i in range(3)]
        expired = [sum(v[i] for v in self.expired.values()) for i in range(3)]
        held = [sum(v[i] for v in self.held.values()) for i in range(2)]
        stored = sum(v[1] for v in self.cards.values())
        totals = {
            "packages_count": packages[0], "packages_sessions": packages[1],
            "packages_value": packages[2], "expired_sessions": expired[1],
            "expired_value": expired[2], "time_cards": self.time_cards[0],
            "time_cards_value": self.time_cards[1], "stored_value": stored,
            "vouchers": self.account("voucher"), "debt": self.account("debt"),
            "points": self.account("points"), "held_quantity": held[0], "held_value": held[1],
        }
        totals["liabilities_total"] = (packages[2] + self.time_cards[1] + stored
                                       + totals["vouchers"] + held[1])
        return totals


def _days(start: str, end: str, dialect: str) -> str:
    """SQL for the days from the date ``start`` to the date ``end``."""
    if dialect == "postgresql":
        return f"({end} - {start})"
    return f"CAST(julianday({end}) - julianday({start}) AS INTEGER)"


def position(run: Run, *, dialect: str, end: datetime | None, day: date) -> Position:
    """The books at ``end`` (None: every row), packages' expiry judged on ``day``.

    Literal values only (``check`` runs this on a bare connection): ``end`` and ``day``
    are written into the SQL as ISO text."""
    at = Position()
    day_text = f"'{day.isoformat()}'"
    the_day = f"CAST({day_text} AS DATE)" if dialect == "postgresql" else day_text
    instant = "" if end is None else f"'{end.isoformat(sep=' ')}'"
    before = "1 = 1" if end is None else f"{{col}} < {instant}"
    sqlite = dialect == "sqlite"
    # Each package's history summed in one pass over it, in the order of the package index
    # that covers every column read here (``ix_package_event_package``, migration 0011: no
    # sort, no fetch of the rows). At an instant past: only the events until then count,
    # and the expiry on the day is the one the first change of it after the instant
    # replaced (its old expiry), carried in a text key: the event's id, zero-padded, then
    # that expiry, the smallest of them the first.
    events = "package_event INDEXED BY ix_package_event_package" if sqlite else "package_event"
    if end is None:
        history = (f"SELECT package_id, sum(delta_total) AS t, sum(delta_used) AS u, "
                   f"max(CASE WHEN change IN ('close', 'reverse') THEN 1 ELSE 0 END) AS closed, "
                   f"0 AS after_only, NULL AS later FROM {events} GROUP BY package_id")
        expiry = "p.expires_on"
    else:
        until = f"created_at < {instant}"
        padded = ("printf('%012d', id) || old_expiry" if sqlite else
                  "lpad(CAST(id AS TEXT), 12, '0') || CAST(old_expiry AS TEXT)")
        history = (
            f"SELECT package_id, sum(CASE WHEN {until} THEN delta_total ELSE 0 END) AS t, "
            f"sum(CASE WHEN {until} THEN delta_used ELSE 0 END) AS u, "
            f"max(CASE WHEN {until} AND change IN ('close', 'reverse') THEN 1 ELSE 0 END) "
            f"AS closed, min(CASE WHEN {until} THEN 0 ELSE 1 END) AS after_only, "
            f"min(CASE WHEN NOT ({until}) AND old_expiry IS NOT NULL THEN {padded} END) "
            f"AS later FROM {events} GROUP BY package_id")
        expiry = ("coalesce(substr(e.later, 13), p.expires_on)" if sqlite else
                  "coalesce(CAST(substr(e.later, 13) AS DATE), p.expires_on)")
    per_package = (
        f"SELECT p.kind AS kind, p.price AS price, p.activated_on AS activated, "
        f"{expiry} AS expiry, e.t AS t, e.u AS u, e.closed AS closed "
        f"FROM ({history}) e JOIN customer_package p ON p.id = e.package_id "
        f"WHERE e.after_only = 0")
    # packages.value_left: (t − u) equal shares of price // t, the remainder on the last;
    # a time card: its price × the days left after the day ÷ the days of its validity (the
    # product in 64 bits: a price times a year of days passes PostgreSQL's 32-bit integer).
    left = "CASE WHEN t > u THEN (t - u) * (price / t) + price - t * (price / t) ELSE 0 END"
    total_days = _days("activated", "expiry", dialect) + " + 1"
    days_left = _days(the_day, "expiry", dialect)
    share = (f"CASE WHEN {total_days} <= 0 THEN 0 WHEN {days_left} >= {total_days} THEN price "
             f"ELSE CAST(price AS BIGINT) * {days_left} / ({total_days}) END")
    for kind, expired, n, sessions, value, time_value in run(
            f"SELECT kind, CASE WHEN expiry < {the_day} THEN 1 ELSE 0 END, count(*), "
            f"sum(t - u), sum({left}), sum(CASE WHEN kind = 'time' AND expiry >= {the_day} "
            f"THEN {share} ELSE 0 END) FROM ({per_package}) x "
            f"WHERE closed = 0 AND (kind = 'time' OR t > u) GROUP BY 1, 2", {}):
        if kind == "time":
            if not expired:
                at.time_cards = [int(n), int(time_value)]
            continue
        book = at.expired if expired else at.packages
        book[str(kind)] = [int(n), int(sessions), int(value)]
    # Balances per card: read by a scan of the whole ledger whenever each entry's time is
    # needed (SQLite would otherwise fetch every row through an index: two to three times
    # slower).
    scan = "ledger_entry l NOT INDEXED" if dialect == "sqlite" else "ledger_entry l"
    for group, n, balance in run(
            "SELECT coalesce(ct.name, c.name), count(*), sum(x.b) FROM ("
            f" SELECT l.card_id AS card_id, sum(l.amount) AS b FROM {scan}"
            f" WHERE l.account = 'value' AND {before.format(col='l.created_at')}"
            " GROUP BY l.card_id) x JOIN value_card c ON c.id = x.card_id "
            "LEFT JOIN card_type ct ON ct.id = c.card_type_id WHERE x.b != 0 GROUP BY 1", {}):
        at.cards[str(group)] = [int(n), int(balance)]
    # Per customer and account: on the account index in its order (no sort), which covers
    # the entries' time too (``ix_ledger_account_customer``, migration 0011), now or at a date.
    for account, n, balance in run(
            "SELECT account, count(*), sum(b) FROM ("
            " SELECT max(l.account) AS account, sum(l.amount) AS b FROM ledger_entry l"
            " WHERE l.account IN ('voucher', 'debt', 'points')"
            f" AND {before.format(col='l.created_at')} GROUP BY l.account, l.customer_id) x"
            " WHERE b != 0 GROUP BY account", {}):
        at.accounts[str(account)] = [int(n), int(balance)]
    for item, quantity, value in run(
            "SELECT h.item_id, sum(h.quantity), sum(h.amount) FROM held_product_entry h "
            f"WHERE {before.format(col='h.created_at')} GROUP BY h.item_id "
            "HAVING sum(h.quantity) != 0 OR sum(h.amount) != 0", {}):
        at.held[int(item)] = [int(quantity), int(value)]
    return at


@boundary
def liabilities_report(session: Session, *, date_from: date, date_to: date,
                       branch_id: int | None = None) -> Report:
    """What the salon owes and is owed at the end of ``date_to`` (the salon's day). The
    books are the chain's (a customer's packages, cards and debt belong to no branch), so a
    branch asked for is checked and named, and the figures are the chain's."""
    period = read_period(session, date_from=date_from, date_to=date_to, branch_id=branch_id)
    end: datetime | None = period.end
    if end is not None and end > clock.now():
        end = None  # nothing is written in the future: every row counts (the fast sums)
    run = session_run(session)
    at = position(run, dialect=period.dialect, end=end, day=date_to)
    totals = at.totals
    settings = get_settings(session)
    names = _names(run, list(at.held))
    tables = [
        _owed(totals),
        _receivable(totals, settings.point_value),
        _packages(at),
        _cards(at),
        _held(at, names),
        _notes(),
    ]
    return Report(name="liabilities", title=_("Assets and liabilities"), date_from=date_from,
                  date_to=date_to, branch_id=branch_id, tables=tuple(tables), totals=totals)


def _names(run: Run, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {int(i): str(n) for i, n in run(
        f"SELECT id, name FROM catalog_item WHERE id IN ({', '.join(str(int(i)) for i in ids)})",
        {})}


def _owed(totals: dict[str, int]) -> Table:
    rows: list[tuple[Value, ...]] = [
        (_("Package sessions not used"), totals["packages_sessions"], totals["packages_value"]),
        (_("Time cards (share of the days left)"), totals["time_cards"],
         totals["time_cards_value"]),
        (_("Stored value held"), None, totals["stored_value"]),
        (_("Vouchers held"), None, totals["vouchers"]),
        (_("Products paid, not yet collected"), totals["held_quantity"], totals["held_value"]),
    ]
    return Table(
        title=_("Owed to customers"),
        columns=(Column(_("Liability")), Column(_("Count"), Cell.COUNT),
                 Column(_("Value"), Cell.MONEY)),
        rows=tuple(rows),
        totals=(_("Total owed to customers"), None, totals["liabilities_total"]))


def _receivable(totals: dict[str, int], point_value: int) -> Table:
    return Table(
        title=_("Owed to the salon, and points"),
        columns=(Column(_("Figure")), Column(_("Count"), Cell.COUNT),
                 Column(_("Value"), Cell.MONEY)),
        rows=((_("Debt receivable"), None, totals["debt"]),
              (_("Points held (value at today's point value)"), totals["points"],
               totals["points"] * point_value),
              (_("Expired package sessions never used (not owed)"),
               totals["expired_sessions"], totals["expired_value"])))


def _packages(at: Position) -> Table:
    labels = {"count": _("Count packages"), "gift": _("Gift packages")}
    rows: list[tuple[Value, ...]] = []
    for kind in sorted(at.packages):
        n, sessions, value = at.packages[kind]
        rows.append((labels.get(kind, kind), n, sessions, value))
    if at.time_cards[0]:
        rows.append((_("Time cards"), at.time_cards[0], None, at.time_cards[1]))
    return Table(
        title=_("Package sessions not used"),
        columns=(Column(_("Kind")), Column(_("Packages"), Cell.COUNT),
                 Column(_("Sessions left"), Cell.COUNT), Column(_("Value"), Cell.MONEY)),
        rows=tuple(rows),
        totals=(_("Total"), sum(v[0] for v in at.packages.values()) + at.time_cards[0],
                sum(v[1] for v in at.packages.values()),
                sum(v[2] for v in at.packages.values()) + at.time_cards[1]))


def _cards(at: Position) -> Table:
    rows: list[tuple[Value, ...]] = []
    for group in sorted(at.cards, key=lambda g: (g != GENERAL_CARD, g.casefold())):
        n, balance = at.cards[group]
        rows.append((_(GENERAL_CARD) if group == GENERAL_CARD else group, n, balance))
    holders = {"voucher": _("Vouchers"), "debt": _("Debt receivable")}
    for account in ("voucher", "debt"):
        n, balance = at.accounts.get(account, [0, 0])
        rows.append((holders[account], n, balance))
    return Table(
        title=_("Stored value by card type, vouchers, debt"),
        columns=(Column(_("Book")), Column(_("Holders"), Cell.COUNT),
                 Column(_("Balance"), Cell.MONEY)),
        rows=tuple(rows))


def _held(at: Position, names: dict[int, str]) -> Table:
    rows = tuple((names.get(item, f"#{item}"), quantity, value)
                 for item, (quantity, value) in sorted(
                     at.held.items(), key=lambda kv: names.get(kv[0], "").casefold()))
    return Table(
        title=_("Products paid, not yet collected"),
        columns=(Column(_("Product")), Column(_("Quantity"), Cell.COUNT),
                 Column(_("Value (as sold)"), Cell.MONEY)),
        rows=rows,
        totals=(_("Total"), sum(r[1] for r in rows), sum(r[2] for r in rows)))


def _notes() -> Table:
    return Table(title=_("Notes"), columns=(Column(_("Note")),), rows=(
        (_("Everything is as the books stood at the end of the day: the entries and package "
           "history written until then."),),
        (_("A package session is worth its share of the price (the remainder on the last "
           "session), as when it is redeemed."),),
        (_("A time card is valued at the share of its price for the days left after the day, "
           "over the days from its activation to its expiry."),),
        (_("Packages, cards, vouchers, debt and points are the chain's: they belong to no "
           "branch."),),
    ))
