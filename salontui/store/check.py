"""``salontui check``: prove a whole database consistent, or say readably what is not.

``PRAGMA integrity_check`` says "ok" on a logically corrupt ledger and does not
look at foreign keys, so besides SQLite's own checks this runs the store's
invariants (Beancount's idea: a validation pass over everything):

* SQLite: ``integrity_check``, ``foreign_key_check``;
* the append-only triggers exist on every ledger and document table, and no
  row of those tables was deleted (their ids run 1..N without a hole);
* packages: sessions used never above the total, never negative, and both
  equal to the sums of the package's history; a closed package has exactly one
  "close" event (or a back-fill's "reverse") and an open one none;
* invoices: each line's amount, subtotal = its lines, total = subtotal −
  discount, change given never negative (none on a refund), payments =
  total, refunds point to their invoice;
* ledgers against documents (the contract's table): stored value paid,
  points spent, amounts on account, top-ups and debt repaid each have the
  ledger entries their invoice says, on the invoice's customer; value entries
  name a card of that customer;
* balances: points, vouchers and every stored-value card never below zero, not
  even for a moment (running sums in entry order);
* products to collect: what a customer holds of a product never below zero (at
  any row), and every product sold and left at the salon held once, by its line;
* the owner's reports: each day's business report adds up to its day close, and the
  liabilities report to the books' plain sums;
* code counters at or above the highest code used;
* search keys: each customer's folded name and word keys, and phone keys.

Every invariant is one set-based query (GROUP BY, correlated sums on an
index, window sums), so the whole pass over 100,000 customers and a million
invoices takes about 25 s on a small PC, half of it SQLite's own integrity
check. It runs in one read transaction (a consistent snapshot while the desk
keeps working) with the file memory-mapped for the pass. Each problem names
the check, says what is wrong in words, how many rows, and a few examples; a
check that cannot run at all is reported as a problem too.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine

from salontui.store import chain, rules
from salontui.store.kinds import BUILT_IN_METHOD_KINDS
from salontui.store.models import APPEND_ONLY_TABLES
from salontui.store.text import fold, name_keys

EXAMPLES = 5  # rows named in a message

# (counter name, table, code prefix)
COUNTED_CODES = (
    ("customer", "customer", "KH"),
    ("invoice", "invoice", "HD"),
    ("promotion", "customer_promotion", "KM"),
    ("catalog", "catalog_item", "DV"),
)


@dataclass(frozen=True)
class Problem:
    check: str  # short name of the invariant, e.g. "invoice payments"
    message: str  # what is wrong, for a person
    count: int | None = None  # how many rows are affected, when known

    def __str__(self) -> str:
        return f"[{self.check}] {self.message}"


class _Checker:
    def __init__(self, raw, dialect: str):
        self.raw = raw
        self.sqlite = dialect == "sqlite"
        self.problems: list[Problem] = []

    def cursor(self, sql: str):
        """A DB-API cursor over ``sql`` in the check's transaction (plain tuples, fast)."""
        cursor = self.raw.cursor()
        cursor.execute(sql)
        return cursor

    def rows(self, sql: str) -> list[tuple]:
        return [tuple(r) for r in self.cursor(sql).fetchall()]

    def scalar(self, sql: str):
        found = self.cursor(sql).fetchone()
        return None if found is None else found[0]

    def report(self, check: str, rows: list[tuple], what: str,
               show: Callable[[tuple], str] | None = None, count: int | None = None) -> None:
        """One problem for ``rows`` (if any): '<what>: <a few examples>'. In ``what``,
        ``{n}`` is the count and ``{s}`` an "s" when it is not 1."""
        if not rows:
            return
        total = count if count is not None else len(rows)
        examples = ", ".join((show or (lambda r: str(r[0])))(r) for r in rows[:EXAMPLES])
        more = ", …" if len(rows) > EXAMPLES else ""
        text = what.format(n=f"{total:,}", s="" if total == 1 else "s",
                           entries="entry" if total == 1 else "entries")
        self.problems.append(Problem(check, f"{text}: {examples}{more}", total))

    # -- SQLite's own checks ------------------------------------------------------------------
    def integrity(self) -> None:
        if not self.sqlite:
            return
        result = [r[0] for r in self.rows("PRAGMA integrity_check")]
        if result != ["ok"]:
            self.report("integrity", [(line,) for line in result],
                        "PRAGMA integrity_check found {n} problem{s} in the database file")

    def foreign_keys(self) -> None:
        if not self.sqlite:
            return  # PostgreSQL enforces them on every write
        found = self.rows("PRAGMA foreign_key_check")
        groups: dict[tuple[str, str], list[int]] = {}
        for table, rowid, parent, _fk in found:
            groups.setdefault((table, parent), []).append(rowid)
        for (table, parent), ids in sorted(groups.items()):
            self.report("foreign keys", [(i,) for i in ids],
                        f"{{n}} row{{s}} of {table} with a {parent} that does not exist (ids)")

    # -- append-only ----------------------------------------------------------------------------
    def triggers(self) -> None:
        if self.sqlite:
            have = self.rows("SELECT tbl_name, upper(sql) FROM sqlite_master "
                             "WHERE type = 'trigger'")
        else:
            # pg_trigger, not information_schema (which lists no TRUNCATE trigger): a guard
            # switched off (ALTER TABLE … DISABLE TRIGGER, tgenabled 'D') counts as missing.
            have = self.rows("SELECT c.relname, upper(pg_get_triggerdef(t.oid)) "
                             "FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                             "WHERE NOT t.tgisinternal AND t.tgenabled != 'D'")
        missing = []
        # SQLite: INSERT OR REPLACE is refused by a BEFORE INSERT guard; PostgreSQL: TRUNCATE.
        verbs = ("UPDATE", "DELETE", "INSERT" if self.sqlite else "TRUNCATE")
        for table in APPEND_ONLY_TABLES:
            for verb in verbs:
                guarded = any(t == table and verb in sql and ("RAISE" in sql or "APPEND_ONLY"
                                                              in sql)
                              for t, sql in have)
                if not guarded:
                    missing.append((f"{table} {verb}",))
        self.report("append-only triggers", missing,
                    "{n} append-only guard{s} missing (the table can be rewritten)")

    def chains(self) -> None:
        """Every append-only row's hash follows from the row before and its own content
        (``chain.py``): a row rewritten, removed or slipped in breaks its table's chain,
        even with the triggers dropped and put back around the edit."""
        for table in APPEND_ONLY_TABLES:
            cursor = self.cursor(chain.select_sql(table))
            broken: list[int] = []
            count = 0

            def rows(cursor=cursor):
                while batch := cursor.fetchmany(10_000):
                    yield from batch

            for row_id in chain.broken_links(table, rows()):
                count += 1
                if len(broken) < EXAMPLES + 1:
                    broken.append(row_id)
            self.report("sealed books", [(i,) for i in broken],
                        f"{{n}} row{{s}} of {table} rewritten, removed or inserted out of "
                        f"turn (the row, or the one before it, does not match its seal; ids)",
                        count=count)

    def payment_codes(self, *kinds: str) -> str:
        """An SQL list of the payment codes of ``kinds``: the salon's methods
        (``payment_method``), and the built-in codes it does not list."""
        found = dict(BUILT_IN_METHOD_KINDS)
        found.update(dict(self.rows("SELECT code, kind FROM payment_method")))
        codes = sorted(code for code, kind in found.items() if kind in kinds)
        return ", ".join("'" + code.replace("'", "''") + "'" for code in codes) or "NULL"

    def points_earned(self) -> None:
        """Points earned by each sale, recomputed from the invoice under the rule it kept:
        one point per ``points_rate`` of the lines its ``points_rule`` says earn (NULL:
        the rule before the scheme, services, products and packages at 100 %, rounded
        down) after their share of the discount, less what was not paid with money
        (methods of kind points or waived; stored value too when top-ups earned), times
        the group percent, rounded by the rule. A scheme changed since never changes what
        an old invoice should have earned."""
        # One index probe per sum, and only the sums a rule needs: the sales lines; those
        # of them the rule names when it does not name them all; the top-ups and what was
        # paid with stored value only when top-ups earn.
        def when(condition: str, sql: str, otherwise: str = "0") -> str:
            return f" CASE WHEN i.points_rate > 0 {condition} THEN ({sql}) ELSE {otherwise} END,"

        line_sum = ("SELECT coalesce(sum(amount), 0) FROM invoice_line l WHERE l.invoice_id = "
                    "i.id AND l.kind")
        paid_sum = ("SELECT coalesce(sum(amount), 0) FROM payment p WHERE p.invoice_id = i.id "
                    "AND p.method IN")
        sales = "IN ('service', 'product', 'package')"
        every = "(i.points_rule IS NULL OR i.points_rule LIKE 'service+product+package%')"
        topups = "AND i.points_rule LIKE '%topup%'"
        rows = self.rows(
            "SELECT i.code, i.points_rate, i.points_rule, i.discount,"
            + when("", f"{line_sum} {sales}")
            + when(f"AND NOT {every}", f"{line_sum} {sales} "
                   f"AND i.points_rule LIKE '%' || l.kind || '%'", otherwise="NULL")
            + when(topups, f"{line_sum} = 'topup'")
            + when("", f"{paid_sum} ({self.payment_codes(*rules.NOT_MONEY_KINDS)})")
            + when(topups, f"{paid_sum} ({self.payment_codes('value')})")
            + " (SELECT coalesce(sum(amount), 0) FROM ledger_entry e WHERE e.ref_type = 'invoice'"
            "  AND e.ref_id = i.id AND e.account = 'points' AND e.kind = 'earn') "
            "FROM invoice i WHERE i.kind != 'refund' ORDER BY i.id")
        known: dict[str | None, rules.PointsRule | None] = {}
        wrong, unreadable = [], []
        for code, rate, text, discount, all_sales, named, topup, not_money, value, earned \
                in rows:
            if text not in known:
                try:
                    known[text] = rules.PointsRule.decode(text)
                except ValueError:
                    known[text] = None
            rule = known[text]
            if rule is None:
                unreadable.append((code, text))
                continue
            # int(): PostgreSQL sums are numeric, whose // truncates instead of flooring
            base = rules.earning_base(
                sales=int(all_sales), earning_sales=int(all_sales if named is None else named),
                topups=int(topup) if rule.topups else 0, discount=int(discount))
            not_money = int(not_money) + (int(value) if rule.topups else 0)
            should = rules.points_earned(  # the checkout's rule, on the sums read here
                sales=base, not_money=not_money, rate=int(rate), rule=rule)
            if earned != should:
                wrong.append((code, earned, should))
        self.report("points earned", wrong,
                    "{n} invoice{s} whose points earned are not what the sale earns",
                    lambda r: f"{r[0]} (earned {r[1]:,}, should be {r[2]:,})")
        self.report("points earned", unreadable,
                    "{n} invoice{s} whose points rule cannot be read",
                    lambda r: f"{r[0]} ({r[1]!r})")

    def adjustments_audited(self) -> None:
        """Every entry made by hand (an adjustment, an adjustment ticket's points or a care
        action) has the audit row that says who made it, naming that entry and its
        amount."""
        by_entry: dict[int, int] = {}
        by_note: dict[int, int] = {}  # a care action's entry, by its care note
        for (after,) in self.cursor(
                "SELECT after FROM audit_log WHERE action IN "
                "('adjust_points', 'adjust_vouchers', 'adjust_card', 'ticket_points', "
                "'care_action')"):
            try:
                data = json.loads(after or "{}")
                if "entry_id" in data:
                    by_entry[int(data["entry_id"])] = int(data["amount"])
                elif "care_note_id" in data:
                    by_note[int(data["care_note_id"])] = int(data["amount"])
            except (ValueError, KeyError, TypeError):
                continue
        wrong = [(entry_id, amount) for entry_id, amount, kind, ref_id in self.cursor(
            "SELECT id, amount, kind, ref_id FROM ledger_entry WHERE kind IN ('adjust', 'care') "
            "ORDER BY id")
            if by_entry.get(entry_id, by_note.get(ref_id) if kind == "care" else None)
            != amount]
        self.report("adjustments", wrong,
                    "{n} ledger {entries} made by hand without an audit row that matches",
                    lambda r: f"entry #{r[0]} ({r[1]:+,})")
        self.expiries_audited()

    def expiries_audited(self) -> None:
        """Every 'expire' entry takes points (negative) within an expiry run whose audit row
        names its entries (first to last id), how many customers and how many points; the
        run's entries add up to what its row says. (Part of ``adjustments_audited``: an
        entry nobody can account for, like a made-up adjustment.)"""
        runs: list[tuple[int, int, int, int]] = []  # first id, last id, customers, points
        for (after,) in self.cursor("SELECT after FROM audit_log WHERE action = "
                                    "'expire_points'"):
            try:
                data = json.loads(after or "{}")
                runs.append((int(data["first_entry_id"]), int(data["last_entry_id"]),
                             int(data["customers"]), int(data["points"])))
            except (ValueError, KeyError, TypeError):
                continue
        runs.sort()
        starts = [run[0] for run in runs]
        seen: dict[int, list[int]] = {}  # run index: [entries, points]
        wrong = []
        for entry_id, amount, account in self.cursor(
                "SELECT id, amount, account FROM ledger_entry WHERE kind = 'expire' "
                "ORDER BY id"):
            at = bisect.bisect_right(starts, entry_id) - 1
            if at < 0 or entry_id > runs[at][1] or amount >= 0 or account != "points":
                wrong.append((entry_id, amount))
                continue
            tally = seen.setdefault(at, [0, 0])
            tally[0] += 1
            tally[1] -= amount
        for at, (first, _last, customers, points) in enumerate(runs):
            if seen.get(at, [0, 0]) != [customers, points]:
                wrong.append((first, -points))
        self.report("expiries", wrong,
                    "{n} expired-points {entries} that no expiry run accounts for",
                    lambda r: f"entry #{r[0]} ({r[1]:+,})")

    # -- packages ----------------------------------------------------------------------------
    def package_counts(self) -> None:
        rows = self.rows(
            "SELECT id, name, total_uses, used FROM customer_package "
            "WHERE used < 0 OR total_uses < 0 OR (kind != 'time' AND used > total_uses) "
            "ORDER BY id")
        self.report("package sessions", rows,
                    "{n} package{s} with more sessions used than held, or a negative count",
                    lambda r: f"#{r[0]} {r[1]} ({r[3]} used of {r[2]})")

    def package_history(self) -> None:
        rows = self.rows(
            "SELECT p.id, p.name, p.total_uses, p.used, coalesce(e.t, 0), coalesce(e.u, 0) "
            "FROM customer_package p LEFT JOIN ("
            " SELECT package_id, sum(delta_total) AS t, sum(delta_used) AS u "
            " FROM package_event GROUP BY package_id) e ON e.package_id = p.id "
            "WHERE p.total_uses != coalesce(e.t, 0) OR p.used != coalesce(e.u, 0) "
            "ORDER BY p.id")
        self.report("package history", rows,
                    "{n} package{s} whose sessions differ from the sum of their history",
                    lambda r: f"#{r[0]} {r[1]} (says {r[3]}/{r[2]}, history {r[5]}/{r[4]})")

    def package_closes(self) -> None:
        rows = self.rows(
            "SELECT p.id, p.name, p.closed_on, coalesce(e.n, 0) FROM customer_package p "
            "LEFT JOIN (SELECT package_id, count(*) AS n FROM package_event "
            " WHERE change IN ('close', 'reverse') GROUP BY package_id) e ON e.package_id = p.id "
            "WHERE coalesce(e.n, 0) != CASE WHEN p.closed_on IS NULL THEN 0 ELSE 1 END "
            "ORDER BY p.id")
        self.report("package closes", rows,
                    "{n} package{s} whose closing date does not match one close event in "
                    "its history",
                    lambda r: f"#{r[0]} {r[1]} (closed on {r[2] or '-'}, {r[3]} close events)")

    # -- appointments ------------------------------------------------------------------------
    def appointments(self) -> None:
        """A visit has lines and starts with its first timed line (a line the technician
        records later starts after the others; one taken off moves the start to the next);
        a paid one has its invoice, an unpaid one none; no invoice pays two visits."""
        rows = self.rows(
            "SELECT a.id, a.status FROM appointment a LEFT JOIN ("
            " SELECT appointment_id, count(*) AS n, min(starts_at) AS first"
            " FROM appointment_line GROUP BY appointment_id) l ON l.appointment_id = a.id "
            "WHERE coalesce(l.n, 0) = 0 OR (l.first IS NOT NULL AND l.first != a.starts_at) "
            "OR (a.status = 'paid') != (a.invoice_id IS NOT NULL) ORDER BY a.id")
        self.report("appointments", rows,
                    "{n} appointment{s} without lines, not starting with their first line, "
                    "or whose invoice does not match their status",
                    lambda r: f"#{r[0]} ({r[1]})")
        rows = self.rows("SELECT invoice_id, count(*) FROM appointment "
                         "WHERE invoice_id IS NOT NULL GROUP BY invoice_id "
                         "HAVING count(*) > 1 ORDER BY invoice_id")
        self.report("appointments paid twice", rows,
                    "{n} invoice{s} linked to more than one appointment",
                    lambda r: f"invoice #{r[0]} ({r[1]} visits)")

    # -- invoices ----------------------------------------------------------------------------
    def line_amounts(self) -> None:
        rows = self.rows("SELECT l.id, i.code FROM invoice_line l JOIN invoice i "
                         "ON i.id = l.invoice_id "
                         "WHERE l.amount != l.quantity * l.unit_price - l.discount ORDER BY l.id")
        self.report("invoice lines", rows,
                    "{n} invoice line{s} whose amount is not quantity × price − discount",
                    lambda r: f"line #{r[0]} of {r[1]}")

    def invoice_subtotals(self) -> None:
        # correlated sums: an index probe per invoice beats sorting every line (measured)
        rows = self.rows(
            "SELECT code, subtotal, lines FROM (SELECT i.id, i.code, i.subtotal, "
            " (SELECT coalesce(sum(amount), 0) FROM invoice_line WHERE invoice_id = i.id)"
            " AS lines FROM invoice i) x WHERE subtotal != lines ORDER BY id")
        self.report("invoice subtotals", rows,
                    "{n} invoice{s} whose subtotal is not the sum of the lines",
                    lambda r: f"{r[0]} (subtotal {r[1]:,}, lines {r[2]:,})")

    def invoice_totals(self) -> None:
        rows = self.rows("SELECT code, subtotal, discount, total FROM invoice "
                         "WHERE total != subtotal - discount ORDER BY id")
        self.report("invoice totals", rows, "{n} invoice{s} whose total is not subtotal − discount",
                    lambda r: f"{r[0]} ({r[1]:,} − {r[2]:,} ≠ {r[3]:,})")

    def invoice_change(self) -> None:
        rows = self.rows("SELECT code, change_given FROM invoice WHERE change_given < 0 "
                         "OR (kind = 'refund' AND change_given != 0) ORDER BY id")
        self.report("invoice change", rows,
                    "{n} invoice{s} with change given that is negative or on a refund",
                    lambda r: f"{r[0]} (change {r[1]:,})")

    def invoice_payments(self) -> None:
        rows = self.rows(
            "SELECT code, total, paid FROM (SELECT i.id, i.code, i.total, "
            " (SELECT coalesce(sum(amount), 0) FROM payment WHERE invoice_id = i.id)"
            " AS paid FROM invoice i) x WHERE total != paid ORDER BY id")
        self.report("invoice payments", rows,
                    "{n} invoice{s} whose payments do not add up to the total",
                    lambda r: f"{r[0]} (total {r[1]:,}, paid {r[2]:,})")

    def refund_links(self) -> None:
        rows = self.rows(
            "SELECT code, kind FROM invoice WHERE (kind = 'refund') != (refund_of_id IS NOT NULL) "
            "OR (kind = 'refund' AND total > 0) OR (kind != 'refund' AND total < 0) "
            "OR kind NOT IN ('sale', 'refund', 'repayment') ORDER BY id")
        self.report("refunds", rows,
                    "{n} invoice{s} whose kind, sign and refund link disagree (a refund is "
                    "negative and names its invoice)", lambda r: f"{r[0]} ({r[1]})")

    # -- ledgers against documents -------------------------------------------------------------
    def ledger_matches_documents(self) -> None:
        """Per invoice, account and card: what its payments and lines say must equal what the
        ledger holds (kinds pay/spend/charge/topup/repay/refund; earn and unearn apart)."""
        rows = self.rows(
            "SELECT d.ref_id, i.code, d.account, d.card_id, sum(d.amount) FROM ("
            " SELECT invoice_id AS ref_id, 'value' AS account, coalesce(card_id, 0) AS card_id,"
            "  -amount AS amount FROM payment WHERE method = 'value'"
            " UNION ALL SELECT invoice_id, 'points', 0, -points FROM payment"
            "  WHERE method = 'points'"
            " UNION ALL SELECT invoice_id, 'voucher', 0, -amount FROM payment"
            "  WHERE method = 'voucher'"
            " UNION ALL SELECT invoice_id, 'debt', 0, amount FROM payment WHERE method = 'account'"
            " UNION ALL SELECT invoice_id, 'value', coalesce(card_id, 0), credit FROM invoice_line"
            "  WHERE kind = 'topup'"
            " UNION ALL SELECT invoice_id, 'debt', 0, -amount FROM invoice_line"
            "  WHERE kind = 'repay'"
            " UNION ALL SELECT ref_id, account, CASE WHEN account = 'value'"
            "  THEN coalesce(card_id, 0) ELSE 0 END, -amount FROM ledger_entry"
            "  WHERE ref_type = 'invoice'"
            "  AND kind IN ('pay', 'spend', 'charge', 'topup', 'repay', 'refund')"
            ") d LEFT JOIN invoice i ON i.id = d.ref_id "
            "GROUP BY d.ref_id, i.code, d.account, d.card_id HAVING sum(d.amount) != 0 "
            "ORDER BY d.ref_id")
        self.report("ledger vs invoices", rows,
                    "{n} invoice{s} whose payments or lines do not match their ledger entries",
                    lambda r: f"{r[1] or f'invoice #{r[0]}'} {r[2]} off by {-r[4]:,}")

    def ledger_owners(self) -> None:
        rows = self.rows(
            "SELECT l.id, i.code FROM ledger_entry l LEFT JOIN invoice i ON i.id = l.ref_id "
            "WHERE l.ref_type = 'invoice' "
            "AND (i.id IS NULL OR i.customer_id IS NULL OR i.customer_id != l.customer_id) "
            "ORDER BY l.id")
        self.report("ledger owners", rows,
                    "{n} ledger {entries} of an invoice that is missing or another customer's",
                    lambda r: f"entry #{r[0]} ({r[1] or 'no invoice'})")
        rows = self.rows(
            "SELECT l.id, l.account FROM ledger_entry l LEFT JOIN value_card c "
            "ON c.id = l.card_id WHERE l.account NOT IN ('points', 'value', 'debt', 'voucher') "
            "OR (l.account = 'value' AND (c.id IS NULL OR c.customer_id != l.customer_id)) "
            "OR (l.account != 'value' AND l.card_id IS NOT NULL) ORDER BY l.id")
        self.report("ledger cards", rows,
                    "{n} ledger {entries} with an unknown account, or a card that is missing or "
                    "another customer's", lambda r: f"entry #{r[0]} ({r[1]})")

    def balances(self) -> None:
        """Points and vouchers per customer and value per card never below zero, at any
        entry."""
        for account, key, label in (
                ("points", "customer_id", "the points of {n} customer{s} went below zero"),
                ("voucher", "customer_id", "the vouchers of {n} customer{s} went below zero"),
                ("value", "card_id", "{n} stored-value card{s} went below zero")):
            rows = self.rows(
                f"SELECT {key}, min(running), count(*) FROM ("
                f" SELECT {key}, sum(amount) OVER (PARTITION BY {key} ORDER BY id) AS running"
                f" FROM ledger_entry WHERE account = '{account}') r "
                f"WHERE running < 0 GROUP BY {key} ORDER BY {key}")
            self.report("balances", rows, label,
                        lambda r: f"#{r[0]} (lowest {r[1]:,})")

    # -- products to collect -------------------------------------------------------------------
    def held_products(self) -> None:
        """What a customer holds of a product is never below zero, at any row (running sums
        in row order); a row that sold a product left at the salon names a product line of
        that customer's invoice, not picked up, of that product and quantity; and every
        such line of a sale has exactly one."""
        rows = self.rows(
            "SELECT customer_id, item_id, min(running) FROM ("
            " SELECT customer_id, item_id, sum(quantity) OVER (PARTITION BY customer_id,"
            "  item_id ORDER BY id) AS running FROM held_product_entry) r "
            "WHERE running < 0 GROUP BY customer_id, item_id ORDER BY customer_id, item_id")
        self.report("products to collect", rows,
                    "{n} product{s} of a customer held below zero (customer, product)",
                    lambda r: f"#{r[0]} #{r[1]} (lowest {r[2]:,})")
        rows = self.rows(
            "SELECT h.id, i.code FROM held_product_entry h "
            "LEFT JOIN invoice_line l ON l.id = h.invoice_line_id "
            "LEFT JOIN invoice i ON i.id = l.invoice_id WHERE h.kind = 'sale' AND ("
            " l.id IS NULL OR l.kind != 'product' OR l.picked_up OR l.refund_of_line_id"
            " IS NOT NULL OR i.customer_id IS NULL OR i.customer_id != h.customer_id"
            " OR l.item_id != h.item_id OR l.quantity != h.quantity) ORDER BY h.id")
        self.report("products to collect", rows,
                    "{n} product{s} held as sold that no line of the customer's invoice left "
                    "at the salon", lambda r: f"row #{r[0]} ({r[1] or 'no invoice'})")
        rows = self.rows(
            "SELECT l.id, i.code, count(h.id) FROM invoice_line l "
            "JOIN invoice i ON i.id = l.invoice_id "
            "LEFT JOIN held_product_entry h ON h.invoice_line_id = l.id AND h.kind = 'sale' "
            "WHERE l.kind = 'product' AND NOT l.picked_up AND l.refund_of_line_id IS NULL "
            "AND i.customer_id IS NOT NULL AND l.item_id IS NOT NULL AND l.quantity > 0 "
            "GROUP BY l.id, i.code HAVING count(h.id) != 1 ORDER BY l.id")
        self.report("products to collect", rows,
                    "{n} product line{s} left at the salon not held exactly once for the "
                    "customer", lambda r: f"line #{r[0]} of {r[1]} ({r[2]} rows)")

    # -- back-fills --------------------------------------------------------------------------
    def backfills(self) -> None:
        """What a back-fill wrote points at a back-fill of the same customer (ledger entries,
        spend entries and products held; a reversing one at a reversal), and a reversal
        undoes a back-fill of its customer and kind, never one reversed already or itself a
        reversal: so "check the back-fill" adds up what the books hold."""
        rows = self.rows(
            "SELECT 'ledger', l.id FROM ledger_entry l LEFT JOIN backfill b ON b.id = l.ref_id "
            "WHERE l.ref_type = 'backfill' AND (b.id IS NULL OR b.customer_id != l.customer_id"
            " OR (l.kind = 'reverse') != (b.reverses_id IS NOT NULL)) "
            "UNION ALL SELECT 'spend', e.id FROM spend_entry e "
            "LEFT JOIN backfill b ON b.id = e.ref_id WHERE e.ref_type = 'backfill' "
            "AND (b.id IS NULL OR b.customer_id != e.customer_id) "
            "UNION ALL SELECT 'held', h.id FROM held_product_entry h "
            "LEFT JOIN backfill b ON b.id = h.backfill_id WHERE h.backfill_id IS NOT NULL "
            "AND (b.id IS NULL OR b.customer_id != h.customer_id) ORDER BY 1, 2")
        self.report("back-fills", rows,
                    "{n} row{s} written by a back-fill that is missing or another customer's",
                    lambda r: f"{r[0]} #{r[1]}")
        rows = self.rows(
            "SELECT r.id, r.reverses_id FROM backfill r LEFT JOIN backfill b "
            "ON b.id = r.reverses_id WHERE r.reverses_id IS NOT NULL AND (b.id IS NULL "
            "OR b.customer_id != r.customer_id OR b.kind != r.kind OR b.reverses_id IS NOT NULL"
            " OR (SELECT count(*) FROM backfill o WHERE o.reverses_id = r.reverses_id) > 1) "
            "ORDER BY r.id")
        self.report("back-fills", rows,
                    "{n} reversal{s} of a back-fill that is missing, another customer's or "
                    "kind's, a reversal, or reversed twice",
                    lambda r: f"#{r[0]} of #{r[1]}")

    # -- the owner's reports -------------------------------------------------------------------
    def reports(self) -> None:
        """The daily business report of every day with invoices against the day close's
        figures, and the liabilities now against the books' plain sums.

        One grouped pass (``reports/sums.py``, the queries both read) gives each salon
        day's invoices, lines by kind and payments by method: the sales by kind (lines less
        the invoice discounts) and the payments by method must each add up to the day
        close's sales and refunds (the invoices' totals); the debt put on account (and
        taken off by refunds) and repaid must be the debt ledger's entries of that day's
        invoices; the sessions on that day's invoices must be the packages' history. The
        liabilities report's figures (``reports/liabilities.py``) must be the plain sums
        of the ledgers and held products, and its sessions left (from the packages'
        history) the packages' own counters."""
        from salontui.store.reports.liabilities import position
        from salontui.store.reports.sums import Window, as_date, day_sql, window_sums

        dialect = "sqlite" if self.sqlite else "postgresql"
        offset = int(self.scalar("SELECT utc_offset_minutes FROM salon_settings") or 0)

        def run(sql: str, params) -> list[tuple]:
            assert not params  # (a window without bounds or branch binds nothing)
            return self.rows(sql)

        days = window_sums(run, Window(), dialect=dialect, offset_minutes=offset,
                           by_day=True, whole_days=True).days
        day = day_sql("i.created_at", dialect, offset)
        debt: dict[object, list[int]] = {}
        for d, kind, amount in self.rows(
                f"SELECT {day}, e.kind, sum(e.amount) FROM ledger_entry e "
                f"JOIN invoice i ON i.id = e.ref_id WHERE e.ref_type = 'invoice' "
                f"AND e.account = 'debt' GROUP BY 1, 2"):
            book = debt.setdefault(as_date(d), [0, 0])
            book[0 if kind in ("charge", "refund") else 1] += int(amount)
        sessions = {as_date(d): int(n) for d, n in self.rows(
            f"SELECT {day}, sum(e.delta_used) FROM package_event e "
            f"JOIN invoice i ON i.id = e.invoice_id "
            f"WHERE e.change IN ('redeem', 'refund') GROUP BY 1")}
        wrong = []
        for when, sums in days.items():
            lines = {side: sum(v[2] for (refund, _kind), v in sums.lines.items()
                               if refund == side) - sums.discount(side) for side in (False, True)}
            said = {
                "sales by kind": (lines[False], sums.sales_total),
                "refunds by kind": (lines[True], sums.refunds_total),
                "takings by method": (sum(sums.takings.values()), sums.sales_total),
                "refunds by method": (sum(sums.refunds.values()), sums.refunds_total),
                "put on account": (sums.new_debt + sums.refunds.get("account", 0),
                                   debt.get(when, [0, 0])[0]),
                "debt repaid": (sums.debt_repaid, -debt.get(when, [0, 0])[1]),
                "sessions on invoices": (sum(v[1] for (_r, kind), v in sums.lines.items()
                                             if kind == "redeem"), sessions.get(when, 0)),
            }
            wrong += [(when, what, mine, theirs) for what, (mine, theirs) in said.items()
                      if mine != theirs]
        self.report("reports", wrong,
                    "daily business report: {n} figure{s} off the day close's books (day, "
                    "figure, report, books)",
                    lambda r: f"{r[0]} {r[1]} {r[2]:,} ≠ {r[3]:,}")
        # (the day only splits sessions in use from expired ones: both are summed here)
        at = position(run, dialect=dialect, end=None, day=date.today())
        totals = at.totals
        plain = dict(self.rows("SELECT account, sum(amount) FROM ledger_entry GROUP BY account"))
        held = self.rows("SELECT coalesce(sum(quantity), 0), coalesce(sum(amount), 0) "
                         "FROM held_product_entry")[0]
        left = ("CASE WHEN p.kind != 'time' AND p.total_uses > p.used THEN (p.total_uses - "
                "p.used) * (p.price / p.total_uses) + p.price - p.total_uses * (p.price / "
                "p.total_uses) ELSE 0 END")
        counted = self.rows(
            f"SELECT coalesce(sum(p.total_uses - p.used), 0), coalesce(sum({left}), 0) "
            f"FROM customer_package p WHERE p.closed_on IS NULL AND p.kind != 'time' "
            f"AND p.total_uses > p.used")[0]
        said = {
            "stored value": (totals["stored_value"], int(plain.get("value") or 0)),
            "vouchers": (totals["vouchers"], int(plain.get("voucher") or 0)),
            "debt": (totals["debt"], int(plain.get("debt") or 0)),
            "points": (totals["points"], int(plain.get("points") or 0)),
            "products to collect": (totals["held_value"], int(held[1])),
            "sessions left": (totals["packages_sessions"] + totals["expired_sessions"],
                              int(counted[0])),
            "sessions' value": (totals["packages_value"] + totals["expired_value"],
                                int(counted[1])),
        }
        self.report("reports", [(what, mine, theirs) for what, (mine, theirs) in said.items()
                                if mine != theirs],
                    "liabilities report: {n} figure{s} off the books (figure, report, books)",
                    lambda r: f"{r[0]} {r[1]:,} ≠ {r[2]:,}")

    # -- merges ------------------------------------------------------------------------------
    def merges(self) -> None:
        """A merged customer is deleted and named by exactly one merge in force into the
        customer they point to, and each merge in force names a customer so merged: what
        an undo relies on (store/merge.py), and what shows a merged customer's invoices
        on the customer kept."""
        merged = self.rows(
            "SELECT c.code, CASE WHEN c.deleted_at IS NULL THEN 1 ELSE 0 END, "
            "(SELECT count(*) FROM customer_merge m WHERE m.merged_id = c.id "
            "AND m.kept_id = c.merged_into_id AND m.undone_at IS NULL) "
            "FROM customer c WHERE c.merged_into_id IS NOT NULL ORDER BY c.id")
        self.report("merges", [r for r in merged if r[1] or r[2] != 1],
                    "{n} merged customer{s} not deleted, or without one merge in force "
                    "behind them", lambda r: r[0])
        loose = self.rows(
            "SELECT m.id, d.code FROM customer_merge m JOIN customer d ON d.id = m.merged_id "
            "WHERE m.undone_at IS NULL AND (d.merged_into_id IS NULL "
            "OR d.merged_into_id != m.kept_id OR d.deleted_at IS NULL) ORDER BY m.id")
        self.report("merges", loose,
                    "{n} merge{s} in force whose duplicate is not merged into the customer "
                    "kept", lambda r: f"#{r[0]} {r[1]}")

    # -- counters ----------------------------------------------------------------------------
    def counters(self) -> None:
        values = dict(self.rows("SELECT name, value FROM counter"))
        found = []
        # A branch with an invoice prefix numbers its own invoices (Q1-HD000001).
        own = [(f"invoice:{bid}", "invoice", f"{branch_prefix}HD") for bid, branch_prefix
               in self.rows("SELECT id, invoice_prefix FROM branch WHERE invoice_prefix != ''")
               if branch_prefix.replace("-", "").isalnum()]
        for name, table, prefix in (*COUNTED_CODES, *own):
            top = self.scalar(
                f"SELECT max(CAST(substr(code, {len(prefix) + 1}) AS INTEGER)) FROM {table} "
                f"WHERE code LIKE '{prefix}%'") or 0
            if values.get(name, 0) < top:
                found.append((name, values.get(name, 0), f"{prefix}{top:06d}"))
        self.report("counters", found,
                    "{n} code counter{s} behind the codes used (the next code would repeat one)",
                    lambda r: f"{r[0]} at {r[1]:,}, but {r[2]} exists")

    # -- search keys -------------------------------------------------------------------------
    def search_keys(self) -> None:
        keys: dict[int, list[str]] = {}
        for cid, key in self.cursor("SELECT customer_id, key FROM customer_name_key"):
            keys.setdefault(cid, []).append(key)
        folded: dict[str, tuple[str, list[str]]] = {}
        bad_norm, bad_keys, bad_phone = [], [], []
        for cid, code, name, norm, national, rev in self.cursor(
                "SELECT id, code, name, name_norm, phone_national, phone_rev FROM customer "
                "ORDER BY id"):
            wanted = folded.get(name)
            if wanted is None:
                wanted = folded[name] = (fold(name), sorted(name_keys(name)))
            if norm != wanted[0]:
                bad_norm.append((code, name))
            if sorted(keys.pop(cid, ())) != wanted[1]:
                bad_keys.append((code, name))
            if rev != national[::-1] or not national.isdigit():
                bad_phone.append((code, name))
        self.report("name search", bad_norm,
                    "{n} customer{s} whose folded name is not their name",
                    lambda r: f"{r[0]} {r[1]}")
        self.report("name search", bad_keys,
                    "{n} customer{s} whose search keys do not match the name",
                    lambda r: f"{r[0]} {r[1]}")
        self.report("name search", sorted(keys.items()),
                    "search keys of {n} customer{s} that do not exist", lambda r: f"#{r[0]}")
        self.report("phone search", bad_phone,
                    "{n} customer{s} whose phone search keys do not match the phone",
                    lambda r: f"{r[0]} {r[1]}")


CHECKS = (
    "integrity", "foreign_keys", "triggers", "chains", "package_counts", "package_history",
    "package_closes", "appointments", "line_amounts", "invoice_subtotals", "invoice_totals",
    "invoice_change", "invoice_payments", "refund_links",
    "ledger_matches_documents", "ledger_owners", "points_earned", "adjustments_audited",
    "balances", "held_products", "backfills", "reports", "merges", "counters", "search_keys",
)


def run_checks(engine: Engine, *, only: Iterable[str] | None = None) -> list[Problem]:
    """Every check (or ``only`` those named in CHECKS) on one consistent snapshot;
    an empty list means the database is consistent."""
    names = list(only) if only is not None else list(CHECKS)
    unknown = [n for n in names if n not in CHECKS]
    if unknown:
        raise ValueError(f"unknown checks: {', '.join(unknown)}")
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            # One snapshot for every query while desks go on writing, and nothing written.
            conn = conn.execution_options(isolation_level="REPEATABLE READ",
                                          postgresql_readonly=True)
        raw = conn.connection.dbapi_connection  # plain DB-API: fast rows, our transaction
        assert raw is not None  # checked out: the pool gave it its driver connection
        checker = _Checker(raw, engine.dialect.name)
        restore = []
        if checker.sqlite:
            # Whole-file passes: map the file and cache generously (measured at 1M invoices:
            # the kernel time of small reads goes from ~7 s to nothing), then put back.
            for pragma, value in (("cache_size", -200_000), ("mmap_size", 1 << 31),
                                  ("temp_store", 2)):
                restore.append((pragma, checker.scalar(f"PRAGMA {pragma}")))
                raw.execute(f"PRAGMA {pragma} = {value}")
            raw.execute("BEGIN")  # one read transaction: every query sees the same data
        try:
            for name in names:
                if not checker.sqlite:  # an error must not abort the other checks' transaction
                    raw.cursor().execute("SAVEPOINT salontui_check")
                try:
                    getattr(checker, name)()
                except Exception as error:  # a check that cannot run is a finding too
                    checker.problems.append(Problem(name, f"the check could not run: {error}"))
                    if not checker.sqlite:
                        raw.cursor().execute("ROLLBACK TO SAVEPOINT salontui_check")
        finally:
            raw.rollback()
            for pragma, value in restore:
                raw.execute(f"PRAGMA {pragma} = {int(value)}")
    return checker.problems
