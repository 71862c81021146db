"""The demo's vouchers, products left at the salon and back-fills (bringing a salon in).

In the history (``history.py`` calls these on the few visits they touch; their draws come
from a stream of their own, ``books:<seed>``, not from the history's):

* after about one visit in five hundred the manager gives the customer a voucher by hand,
  with a reason (as ``books.vouchers.adjust_vouchers`` writes it: an ``adjust`` entry of
  the voucher account and its ``adjust_vouchers`` audit row naming the entry); at a later
  visit the customer often pays part or all of a bill with them (the built-in method
  "voucher": a ``pay`` entry; not money, so it earns no points and is no spend), and the
  first such sale that is refunded gives back to the vouchers what they paid (a
  ``refund`` entry);
* a product that can be left at the salon (the catalogue's ``can_leave``: the shampoo and
  the conditioner), when sold, is now and then left there: its line not picked up and
  the ``sale`` row of ``held_product_entry`` the checkout writes for it; at one of the
  customer's later visits it is usually handed over (a ``handover`` row with the staff
  member, the time, a note and the value in proportion, and the ``hand_over_products``
  audit row), now and then one of two. Whoever did not come back still has theirs to
  collect today.

This afternoon the receptionist typed in the salon's paper book (:meth:`_Books.bring_in`)
through the store's own functions: ``books.backfill.apply_backfill`` for five packages
(KH000001 to KH000005: the worked example 5,980,000 over 10 sessions with 2 used, a gift,
a time card, one used up, one of a plan that the manager then froze for a month with
``freeze_package``), two bottles of shampoo paid and left at the salon (KH000006, at the
cashier now), a General card's balance typed with a zero too many, reversed by the
manager (``reverse_backfill``) and typed again (KH000007), points and vouchers (the next
active member). They run, as the back
office's functions do (``office.py``), on a scratch SQLite file migrated like any other
and holding just what they read (the settings, staff, catalogue and card types, the
customers and their cards); the ids their rows get follow the salon's (a placeholder row
per table stands at the last id the load gave), and the rows they wrote, audit rows
included, are read back and handed to the load as they are.
"""

from __future__ import annotations

import os
import sqlite3
import tempfile
from contextlib import AbstractContextManager
from datetime import date, datetime, time, timedelta

from salontui.store.demo.catalog_data import (
    FROZEN_NOTE,
    HANDOVER_NOTES,
    MANAGER,
    MISTYPED,
    PAPER_BOOK,
    PAPER_CARD,
    PAPER_PACKAGES,
    PAPER_POINTS,
    PAPER_PRODUCT,
    PAPER_VOUCHERS,
    SETTINGS,
    SHOWCASE,
    STAFF,
    UTC_OFFSET_MINUTES,
    VOUCHER_GIFTS,
)
from salontui.store.demo.history import _FLAGS, _GENERAL, _PTS, _SUB, HELD, VOUCHERS, _Package
from salontui.store.demo.loyalty import RECEPTIONIST, _dumps
from salontui.store.demo.office import columns_of
from salontui.store.demo.state import _State

PAPER_MINUTES = 30  # the paper book is typed in from this many minutes before now
# The tables the paper book's functions write, in the order their rows are read back (the
# ids they give follow the salon's: see :meth:`_Books._offsets`).
WRITTEN = ("value_card", "customer_package", "package_event", "backfill", "ledger_entry",
           "held_product_entry")


class _Books(_State):
    """Vouchers, products left at the salon and the paper book (methods of the builder)."""

    # -- vouchers ---------------------------------------------------------------------------
    def add_vouchers(self, k: int, amount: int) -> None:
        """Vouchers the customer holds move by ``amount`` (the flag says whether any)."""
        held = self.vouchers.get(k, 0) + amount
        b = (k << 3) + _FLAGS
        if held:
            self.vouchers[k] = held
            self.st[b] |= VOUCHERS
        else:
            self.vouchers.pop(k, None)
            self.st[b] &= ~VOUCHERS

    def give_vouchers(self, k: int, stamp: str, staff: int) -> None:
        """The manager gives a voucher by hand with a reason (``adjust_vouchers``)."""
        value, reason = VOUCHER_GIFTS[int(self.books_rng.random() * len(VOUCHER_GIFTS))]
        cid = k + 1
        before = self.vouchers.get(k, 0)
        entry_id = self._entry_id()
        self.s_ledger.rows.append((cid, "voucher", 0, stamp, value, "adjust", reason,
                                   "adjustment", None, staff))
        self.add_vouchers(k, value)
        self._audit_until(stamp)
        self.s_audit.rows.append((stamp, staff, "adjust_vouchers", "customer", cid,
                                  _dumps({"voucher": before}),
                                  _dumps({"voucher": before + value, "amount": value,
                                          "reason": reason, "entry_id": entry_id})))

    # -- products left at the salon ---------------------------------------------------------
    def hold_sold(self, k: int, line_id: int, item: int, description: str, quantity: int,
                  amount: int, stamp: str, staff: int) -> None:
        """A product line left at the salon, held for the customer as the checkout holds
        it (``held_products.hold_sold_line``: its audit row is the checkout's)."""
        self.held_id += 1
        self.s_held.rows.append((k + 1, item, description[:200], quantity, amount, "sale",
                                 line_id, 0, stamp, staff, ""))
        held = self.held_of.setdefault(k, {})
        found = held.get(item)
        if found is None:
            held[item] = [description, quantity, amount]
        else:
            found[0] = description
            found[1] += quantity
            found[2] += amount
        self.st[(k << 3) + _FLAGS] |= HELD

    def hand_over(self, k: int, stamp: str, staff: int) -> None:
        """What the customer has to collect is handed over (``held_products.hand_over``,
        product by product): all of it, or now and then one of two."""
        rand = self.books_rng.random
        cid = k + 1
        held = self.held_of[k]
        note = HANDOVER_NOTES[int(rand() * len(HANDOVER_NOTES))]
        self._audit_until(stamp)
        for item, (description, left, value) in list(held.items()):
            quantity = 1 if left > 1 and rand() < 0.25 else left
            out = value if quantity >= left else value * quantity // left  # value_out
            self.held_id += 1
            self.s_held.rows.append((cid, item, description, -quantity, -out, "handover", 0,
                                     0, stamp, staff, note))
            self.s_audit.rows.append((stamp, staff, "hand_over_products", "customer", cid,
                                      _dumps({"item_id": item, "left": left}),
                                      _dumps({"item_id": item, "quantity": quantity,
                                              "left": left - quantity, "amount": out,
                                              "note": note, "entry_id": self.held_id})))
            if quantity < left:
                held[item] = [description, left - quantity, value - out]
            else:
                del held[item]
        if not held:
            del self.held_of[k]
            self.st[(k << 3) + _FLAGS] &= ~HELD

    # -- the paper book ---------------------------------------------------------------------
    def _paper_customers(self) -> dict[str, int]:
        """Who holds what on the paper book (customer indexes; those the demo has)."""
        chosen = {f"package{i}": spec[0] for i, spec in enumerate(PAPER_PACKAGES)}
        chosen["product"], chosen["card"] = PAPER_PRODUCT[0], PAPER_CARD[0]
        # points and vouchers: an active member (an excluded one earns no points)
        member = next((k for k in range(7, SHOWCASE) if k < self.n and self.active[k]), None)
        if member is not None:
            chosen["points"] = member
        return {what: k for what, k in chosen.items() if k < self.n}

    def bring_in(self) -> None:
        """Type the paper book in through the store's functions on a scratch database
        (see the module) and hand the rows they wrote to the load."""
        from salontui.store import clock
        from salontui.store.db import make_engine, write_session
        from salontui.store.schema import upgrade

        chosen = self._paper_customers()
        if not chosen:
            return
        offsets = self._offsets()
        with tempfile.TemporaryDirectory(prefix="salontui-demo-") as folder:
            path = os.path.join(folder, "paper-book.db")
            engine = make_engine(f"sqlite:///{path}")
            try:
                upgrade(engine)
                self._lay_out(path, sorted(set(chosen.values())), offsets)
                with clock.salon_offset(UTC_OFFSET_MINUTES), write_session(engine) as session:
                    self._type_in(session, chosen)
                    session.flush()
                    self._take_in(session.connection(), offsets)
            finally:
                engine.dispose()

    def _offsets(self) -> dict[str, int]:
        """Per table the paper book writes, the last id the load gave so far."""
        sink = self.sink.counts
        return {"value_card": self.counters["card"],
                "customer_package": self.counters["package"],
                "package_event": sink.get("package_event", 0) + len(self.s_event.rows),
                "backfill": sink.get("backfill", 0) + len(self.s_backfill.rows),
                "ledger_entry": self._entry_id() - 1,
                "held_product_entry": self.held_id}

    def _lay_out(self, path: str, customers: list[int], offsets: dict[str, int]) -> None:
        """What the functions read, on the scratch (foreign keys not enforced: the
        placeholders name nobody): the salon's settings and staff, its catalogue and card
        types, the customers and their cards; a placeholder row at each offset."""
        cal = self.cal
        conn = sqlite3.connect(path)
        try:
            with conn:
                conn.execute("DELETE FROM salon_settings")
                self._insert(conn, "salon_settings", list(SETTINGS), [tuple(SETTINGS.values())])
                opened = cal.ts(cal.at_local(0, 8 * 60))
                self._insert(conn, "staff", ["id", "name", "role", "active", "created_at"],
                             [(i, name, role, active, opened)
                              for i, (name, role, active) in enumerate(STAFF, 1)])
                for table in ("catalog_item", "card_type"):
                    self._insert(conn, table, list(columns_of(table)),
                                 list(self.office.tables[table]))
                rows, cards = [], []
                for k in customers:
                    name, folded, gender, _birthday, email, address, note, national = \
                        self.cust[k]
                    joined = cal.ts(self.join_t[k])
                    rows.append((k + 1, f"KH{k + 1:06d}", name, folded, "+84" + national[1:],
                                 national, national[::-1], gender, email, address, note,
                                 "Member", self.state[k], "", joined, joined, 1, ""))
                    for slot in (_GENERAL, _SUB):
                        card = self.st[(k << 3) + slot]
                        if card:
                            cards.append((card, k + 1, self.card_names[card], joined,
                                          self.card_type_ids[card] or None))
                self._insert(conn, "customer", [
                    "id", "code", "name", "name_norm", "phone", "phone_national", "phone_rev",
                    "gender", "email", "address", "note", "tier", "member_state",
                    "member_reason", "created_at", "updated_at", "tier_id", "tier_hold"], rows)
                self._insert(conn, "value_card", ["id", "customer_id", "name", "created_at",
                                                  "card_type_id"], cards)
                for table, last in offsets.items():
                    if last:
                        self._placeholder(conn, table, last)
        finally:
            conn.close()

    @staticmethod
    def _insert(conn: sqlite3.Connection, table: str, columns: list[str],
                rows: list[tuple]) -> None:
        marks = ", ".join("?" * len(columns))
        conn.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)

    @staticmethod
    def _placeholder(conn: sqlite3.Connection, table: str, row_id: int) -> None:
        """A row at ``row_id`` (0 in every column that takes no NULL), so the next row the
        store writes gets the id after it; unless a row already stands there."""
        from sqlmodel import SQLModel

        required = [c.name for c in SQLModel.metadata.tables[table].columns
                    if not c.nullable and c.name != "id"]
        conn.execute(f"INSERT OR IGNORE INTO {table} (id, {', '.join(required)}) "
                     f"VALUES (?{', 0' * len(required)})", (row_id,))

    def _at(self, minute: int) -> AbstractContextManager[None]:
        """The store's clock at the paper book's ``minute``."""
        from salontui.store import clock

        t = self.now_t - PAPER_MINUTES + minute
        return clock.pinned(datetime.combine(self.cal.first_day, time()) + timedelta(minutes=t))

    def _type_in(self, session, chosen: dict[str, int]) -> None:
        """The receptionist types the paper book in (the manager approves each back-fill);
        the manager freezes a package and reverses the card's balance typed with a zero
        too many."""
        from salontui.store.books.backfill import BackfillIn, apply_backfill
        from salontui.store.books.backfill_reverse import reverse_backfill
        from salontui.store.models import Backfill
        from salontui.store.packages import freeze_package

        today = self.today
        plans, products = self.office.plans, self.office.products
        minute = 0
        for i, (_k, name, kind, price, total, used, ago, expires_in, plan,
                frozen) in enumerate(PAPER_PACKAGES):
            k = chosen.get(f"package{i}")
            if k is None:
                continue
            with self._at(minute):
                typed = BackfillIn(
                    kind="gift" if kind == "gift" else "package", name=name,
                    package_kind="" if kind == "gift" else kind,
                    plan_id=None if plan is None else plans[plan].id, paid=price,
                    sessions_total=total, sessions_used=used,
                    purchased_on=today - timedelta(days=ago),
                    expires_on=today + timedelta(days=expires_in), note=PAPER_BOOK)
                backfill_id = apply_backfill(session, staff_id=RECEPTIONIST,
                                             approved_by=MANAGER, customer_id=k + 1,
                                             item=typed)
                if frozen:
                    package_id = session.get(Backfill, backfill_id).package_id
                    freeze_package(session, staff_id=MANAGER, package_id=package_id, days=30,
                                   note=FROZEN_NOTE)
            minute += 1
        k = chosen.get("product")
        if k is not None:
            _k, product, quantity, paid = PAPER_PRODUCT
            with self._at(minute):
                apply_backfill(session, staff_id=RECEPTIONIST, approved_by=MANAGER,
                               customer_id=k + 1,
                               item=BackfillIn(kind="product", item_id=products[product].id,
                                               quantity=quantity, paid=paid, note=PAPER_BOOK))
            minute += 1
        k = chosen.get("card")
        if k is not None:
            _k, paid, left = PAPER_CARD
            with self._at(minute):
                wrong = apply_backfill(session, staff_id=RECEPTIONIST, approved_by=MANAGER,
                                       customer_id=k + 1,
                                       item=BackfillIn(kind="value", amount=left * 10,
                                                       paid=paid, note=PAPER_BOOK))
            with self._at(minute + 2):
                reverse_backfill(session, staff_id=MANAGER, backfill_id=wrong, reason=MISTYPED)
            with self._at(minute + 3):
                apply_backfill(session, staff_id=RECEPTIONIST, approved_by=MANAGER,
                               customer_id=k + 1,
                               item=BackfillIn(kind="value", amount=left, paid=paid,
                                               note=PAPER_BOOK))
            minute += 4
        k = chosen.get("points")
        if k is not None:
            with self._at(minute):
                for kind, amount in (("points", PAPER_POINTS), ("voucher", PAPER_VOUCHERS)):
                    apply_backfill(session, staff_id=RECEPTIONIST, approved_by=MANAGER,
                                   customer_id=k + 1,
                                   item=BackfillIn(kind=kind, amount=amount, note=PAPER_BOOK))

    def _take_in(self, conn, offsets: dict[str, int]) -> None:
        """The rows the functions wrote (ids past the offsets), into the load's shapes and
        the builder's figures (cards, packages, balances); their audit rows in time order
        with the back office's."""
        shapes = {"value_card": self.s_card, "package_event": self.s_event,
                  "backfill": self.s_backfill, "ledger_entry": self.s_ledger,
                  "held_product_entry": self.s_held}
        for table in WRITTEN:
            shape = shapes.get(table)
            if shape is None:  # (the packages: written at the end, as objects)
                columns = tuple(c for c in columns_of(table) if c != "id")
            else:  # as the shape binds them (the seal is the load's)
                columns = tuple(c for c in shape.bound if c != "row_hash")
            rows = conn.exec_driver_sql(
                f"SELECT id, {', '.join(columns)} FROM {table} WHERE id > ? ORDER BY id",
                (offsets[table],)).all()
            for row_id, *values in rows:
                if table == "customer_package":
                    self._package(dict(zip(columns, values, strict=True)), row_id)
                    continue
                assert shape is not None
                shape.rows.append(tuple(values))
                if table == "value_card":
                    self.counters["card"] = row_id
                    self.card_bal.append(0)
                    self.card_names.append(values[2])
                    self.card_type_ids.append(values[4] or 0)
                elif table == "ledger_entry":
                    self._moved(*values[:5])
                elif table == "held_product_entry":
                    self.held_id = row_id
        for row in conn.exec_driver_sql(
                "SELECT created_at, staff_id, action, entity, entity_id, before, after "
                "FROM audit_log ORDER BY id"):
            self._audit_until(row[0])
            self.s_audit.rows.append(tuple(row))

    def _package(self, row: dict, package_id: int) -> None:
        def day(stored: str | None) -> int | None:
            if stored is None:
                return None
            return (date.fromisoformat(stored) - self.cal.first_day).days

        assert row["closed_on"] is None  # (the paper book reverses no package)
        p = _Package(package_id, row["customer_id"], row["plan_id"], row["name"], row["kind"],
                     row["price"], day(row["purchased_on"]), day(row["expires_on"]),
                     row["total_uses"], None, row["created_at"])
        p.used = row["used"]
        p.frozen_from, p.frozen_until = day(row["frozen_from"]), day(row["frozen_until"])
        self.all_packages.append(p)
        self.counters["package"] = package_id

    def _moved(self, customer_id: int, account: str, card_id: int | None, _at: str,
               amount: int) -> None:
        """A ledger entry of the paper book, on the customer's figures."""
        k = customer_id - 1
        if account == "points":
            self.st[(k << 3) + _PTS] += amount
        elif account == "voucher":
            self.add_vouchers(k, amount)
        elif account == "value" and card_id is not None:
            self.card_bal[card_id] += amount
