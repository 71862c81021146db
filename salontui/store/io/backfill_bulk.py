"""The back-fills of customers an import has just created, written in bulk: the very rows
``books.backfill.apply_backfill`` writes, many at a time.

``apply_backfill`` is the one way a back-fill is written, at the desk and for an existing
customer in an import; one call costs about a millisecond (it locks the customer, looks up
their cards and balances, flushes each row to learn its id, seals each ledger entry on its
own), so 170,000 back-fills of a salon's 100,000 customers would take minutes. A customer
the import created in this very transaction holds nothing yet: no card, no balance, no
package, never excluded, so nothing needs looking up or refusing, and the same rows are
written a table at a time:

* points, vouchers, debt: a ``backfill`` row (the amount) and a ledger entry of that
  account (kind "backfill", reason the source, ``ref_type`` "backfill", ``ref_id`` the
  back-fill);
* stored value: the card (the General card, or a card of the card type named) made once
  per customer and card, the ``backfill`` row (card, paid, amount) and its ledger entry;
* ranking spend: the ``backfill`` row, a spend entry (``ref_type`` "backfill") and, for
  a customer whose spend earns a tier above the first, the tier engine
  (``loyalty.tiers.refresh_tier``, as ``apply_backfill`` calls it);
* products: the ``backfill`` row (product, quantity, paid) and the held products' row;
* packages and gifts: the package as ``packages.sell_package(backfill=True)`` gives it
  (the plan's name, kind, sessions and validity where the row gives none; activated the
  day it was bought), its "sell" event and, for sessions already used, its "backfill"
  event (their note the row's note, or the source), and the ``backfill`` row.

Ids are taken as the ORM takes them (:func:`reserve_ids`) and the ledger's and
the packages' histories are sealed in id order with ``chain.Sealer`` from the chains'
heads, as the ORM's flush seals them (the ORM is flushed first, so the heads are current;
on PostgreSQL under the chains' advisory lock). A test writes one file both ways and
compares the rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Table, insert, select, text
from sqlmodel import Session

from salontui.store import chain, clock
from salontui.store.books.backfill import BackfillIn
from salontui.store.kinds import BackfillKind, HeldProductKind, LedgerEntryKind, PackageKind
from salontui.store.models import (
    Backfill,
    CardType,
    CatalogItem,
    CustomerPackage,
    HeldProductEntry,
    LedgerEntry,
    PackageEvent,
    SpendEntry,
    ValueCard,
    table_of,
)
from salontui.store.names import GENERAL_CARD
from salontui.store.rules import expiry_from_validity, plan_sessions

REF_TYPE = "backfill"  # books.backfill.REF_TYPE
INSERT_CHUNK = 5000
LEDGER_ACCOUNTS = {BackfillKind.POINTS.value: "points", BackfillKind.VOUCHER.value: "voucher",
                   BackfillKind.DEBT.value: "debt", BackfillKind.VALUE.value: "value"}

_BACKFILL = table_of(Backfill)
_LEDGER = table_of(LedgerEntry)
_CARD = table_of(ValueCard)
_CARD_TYPE = table_of(CardType)
_PACKAGE = table_of(CustomerPackage)
_EVENT = table_of(PackageEvent)
_SPEND = table_of(SpendEntry)
_HELD = table_of(HeldProductEntry)
_ITEM = table_of(CatalogItem)


@dataclass(frozen=True)
class _Plan:
    id: int
    name: str
    package_kind: str | None
    sessions: int | None
    validity_days: int | None


class _Rows:
    """The rows of one table waiting to be written, with the ids they will have."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.rows: list[dict[str, Any]] = []

    def add(self, **values: Any) -> dict[str, Any]:
        self.rows.append(values)
        return values


def reserve_ids(session: Session, table: str, count: int) -> list[int]:
    """``count`` new ids of ``table`` for rows inserted with their ids given: on SQLite the
    next ones after the largest (the write transaction holds the file), on PostgreSQL drawn
    from the table's sequence."""
    if count <= 0:
        return []
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        return [int(v) for (v,) in connection.execute(text(
            f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) "
            "FROM generate_series(1, :n)"), {"n": count})]
    last = connection.execute(text(f"SELECT coalesce(max(id), 0) FROM {table}")).scalar_one()
    return list(range(int(last) + 1, int(last) + 1 + count))


def _number(session: Session, rows: _Rows) -> None:
    """Give every row of ``rows`` its id."""
    for row, new_id in zip(rows.rows, reserve_ids(session, rows.table.name, len(rows.rows)),
                           strict=True):
        row["id"] = new_id


def _seal(session: Session, rows: _Rows) -> None:
    """Number and seal the rows of an append-only table, after its chain's head."""
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({chain.PG_CHAIN_LOCK})")
    last_id, last_hash = chain.head(connection, rows.table.name)
    _number(session, rows)
    sealer = chain.Sealer(rows.table.name, last_id=last_id, last_hash=last_hash)
    names = sealer.names
    for row in rows.rows:
        row[chain.HASH_COLUMN] = sealer.seal([row[name] for name in names])


def _insert(session: Session, rows: _Rows) -> None:
    for start in range(0, len(rows.rows), INSERT_CHUNK):
        session.execute(insert(rows.table), rows.rows[start:start + INSERT_CHUNK])


def _plans(session: Session, ids: Iterable[int]) -> dict[int, _Plan]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {row.id: _Plan(row.id, row.name, row.package_kind, row.sessions, row.validity_days)
            for row in session.execute(select(
                _ITEM.c.id, _ITEM.c.name, _ITEM.c.package_kind, _ITEM.c.sessions,
                _ITEM.c.validity_days).where(_ITEM.c.id.in_(wanted)))}


def _products(session: Session, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {int(item_id): name for item_id, name in session.execute(
        select(_ITEM.c.id, _ITEM.c.name).where(_ITEM.c.id.in_(wanted)))}


def _card_types(session: Session) -> dict[str, tuple[int, str]]:
    return {name.casefold(): (int(cid), name) for cid, name in session.execute(
        select(_CARD_TYPE.c.id, _CARD_TYPE.c.name).where(_CARD_TYPE.c.active.is_(True)))}


def write_backfills(session: Session, *, staff_id: int, source: str,
                    items: Sequence[tuple[int, BackfillIn]],
                    now: datetime | None = None, today: date | None = None) -> list[int]:
    """Write the back-fills ``items`` ((customer id, what was typed), each customer created
    in this transaction; checked by the import's plan) as ``apply_backfill`` would; the
    customers whose ranking spend was back-filled (their tier is the caller's to refresh:
    :func:`refresh_tiers`)."""
    if not items:
        return []
    session.flush()  # the ORM's pending rows first: the chains' heads are theirs
    now = now or clock.now()
    today = today or clock.today()
    plans = _plans(session, (i.plan_id for _c, i in items if i.plan_id is not None))
    products = _products(session, (i.item_id for _c, i in items
                                   if i.kind == BackfillKind.PRODUCT.value and i.item_id))
    card_types = _card_types(session)
    backfills, ledger = _Rows(_BACKFILL), _Rows(_LEDGER)
    cards, packages, events = _Rows(_CARD), _Rows(_PACKAGE), _Rows(_EVENT)
    spends, held = _Rows(_SPEND), _Rows(_HELD)
    card_of: dict[tuple[int, str], dict[str, Any]] = {}
    spent: list[int] = []
    # (backfill row, its effect row, the effect's link column): linked once ids are known
    links: list[tuple[dict[str, Any], dict[str, Any], str, str]] = []

    def backfill(customer_id: int, item: BackfillIn, **values: Any) -> dict[str, Any]:
        row = {"customer_id": customer_id, "kind": item.kind, "source": source,
               "created_at": now, "operator_id": staff_id, "card_id": None,
               "package_id": None, "item_id": None, "quantity": 0, "paid": 0, "amount": 0,
               "sessions_total": 0, "sessions_used": 0, "purchased_on": None,
               "expires_on": None, "reverses_id": None, "note": " ".join(item.note.split())}
        row.update(values)
        return backfills.add(**row)

    for customer_id, item in items:
        kind = item.kind
        if kind in LEDGER_ACCOUNTS:
            card = None
            paid = 0
            if kind == BackfillKind.VALUE.value:
                card = _card(cards, card_of, card_types, customer_id, item.card_name, now)
                paid = item.paid
            row = backfill(customer_id, item, amount=item.amount, paid=paid)
            entry = ledger.add(customer_id=customer_id, account=LEDGER_ACCOUNTS[kind],
                               card_id=None, created_at=now, amount=item.amount,
                               kind=LedgerEntryKind.BACKFILL.value, reason=source,
                               ref_type=REF_TYPE, ref_id=None, operator_id=staff_id)
            links.append((row, entry, "ref_id", "id"))
            if card is not None:
                links.append((card, row, "card_id", "id"))
                links.append((card, entry, "card_id", "id"))
        elif kind == BackfillKind.SPEND.value:
            row = backfill(customer_id, item, amount=item.amount)
            entry = spends.add(customer_id=customer_id, amount=item.amount, reason=source,
                               ref_type=REF_TYPE, ref_id=None, created_at=now,
                               staff_id=staff_id)
            links.append((row, entry, "ref_id", "id"))
            spent.append(customer_id)
        elif kind == BackfillKind.PRODUCT.value:
            assert item.item_id is not None  # the plan found the product
            row = backfill(customer_id, item, item_id=item.item_id, quantity=item.quantity,
                           paid=item.paid)
            entry = held.add(customer_id=customer_id, item_id=item.item_id,
                             description=products[item.item_id][:200],
                             quantity=item.quantity, amount=item.paid,
                             kind=HeldProductKind.BACKFILL.value, invoice_line_id=None,
                             backfill_id=None, created_at=now, staff_id=staff_id,
                             note=" ".join(item.note.split()))
            links.append((row, entry, "backfill_id", "id"))
        else:
            _package(customer_id, item, plans, source, staff_id, now, today, backfill,
                     packages, events, links)
    for rows in (cards, packages, backfills, spends, held):
        _number(session, rows)
    for source_row, target_row, column, key in links:
        target_row[column] = source_row[key]
    _seal(session, ledger)
    _seal(session, events)
    for rows in (cards, packages, backfills, ledger, events, spends, held):
        _insert(session, rows)
    return sorted(set(spent))


def _card(cards: _Rows, card_of: dict[tuple[int, str], dict[str, Any]],
          card_types: dict[str, tuple[int, str]], customer_id: int, typed: str,
          now: datetime) -> dict[str, Any]:
    """The customer's card a value back-fill goes on, made once (as ``_card`` of the
    back-fill: the General card, or a card of the active card type named)."""
    name = " ".join((typed or "").split())
    wanted = (name or GENERAL_CARD).casefold()
    type_id = None
    if wanted != GENERAL_CARD.casefold():
        type_id, name = card_types[wanted]
    else:
        name = GENERAL_CARD
    key = (customer_id, name.casefold())
    found = card_of.get(key)
    if found is None:
        found = card_of[key] = cards.add(customer_id=customer_id, name=name, created_at=now,
                                         card_type_id=type_id)
    return found


def _package(customer_id: int, item: BackfillIn, plans: dict[int, _Plan], source: str,
             staff_id: int, now: datetime, today: date, backfill, packages: _Rows,
             events: _Rows, links: list) -> None:
    """A package as ``sell_package(backfill=True)`` gives it, its events, its back-fill."""
    plan = plans.get(item.plan_id) if item.plan_id is not None else None
    gift = item.kind == BackfillKind.GIFT.value
    kind = PackageKind.GIFT.value if gift else (
        (plan.package_kind if plan else None) or item.package_kind)
    name = " ".join(item.name.split()) or (plan.name if plan else "")
    price = 0 if gift and not item.paid else item.paid
    total = item.sessions_total
    if kind == PackageKind.TIME.value:
        total = 0
    elif total is None and plan is not None:
        total = plan_sessions(kind=kind, sessions=plan.sessions)
    purchased = item.purchased_on or today
    expires = item.expires_on
    if expires is None and plan is not None and plan.validity_days:
        expires = expiry_from_validity(activated_on=purchased, validity_days=plan.validity_days)
    used = item.sessions_used
    note = " ".join(item.note.split())
    event_note = (note or source).strip()
    package = packages.add(customer_id=customer_id, plan_id=item.plan_id, name=name,
                           kind=kind, price=price, purchased_on=purchased,
                           activated_on=purchased, expires_on=expires, total_uses=total,
                           used=used, frozen_from=None, frozen_until=None, invoice_id=None,
                           created_at=now, closed_on=None)
    common = {"created_at": now, "value": 0, "old_expiry": None, "operator_id": staff_id,
              "service_staff_id": None, "invoice_id": None, "note": event_note}
    sold = events.add(change="sell", delta_total=total, delta_used=0, new_expiry=expires,
                      package_id=None, **common)
    links.append((package, sold, "package_id", "id"))
    if used:
        filled = events.add(change="backfill", delta_total=0, delta_used=used,
                            new_expiry=None, package_id=None, **common)
        links.append((package, filled, "package_id", "id"))
    row = backfill(customer_id, item, item_id=item.plan_id, paid=price,
                   sessions_total=total, sessions_used=used, purchased_on=purchased,
                   expires_on=expires)
    links.append((package, row, "package_id", "id"))


def refresh_tiers(session: Session, *, staff_id: int, source: str,
                  customer_ids: Sequence[int], spend: dict[int, int]) -> None:
    """The tier engine for the new customers whose back-filled spend earns a tier above the
    first (the others stay where every customer starts): ``refresh_tier``, as the
    back-fill of spend calls it."""
    from salontui.store.loyalty.tiers import all_tiers, get_tier_settings, refresh_tier

    if not customer_ids or get_tier_settings(session).basis != "spend":
        return
    ladder = [t for t in all_tiers(session) if t.active and t.position > 0
              and t.min_spend is not None]
    if not ladder:
        return
    lowest = min(t.min_spend or 0 for t in ladder)
    for customer_id in customer_ids:
        if spend.get(customer_id, 0) >= lowest:
            refresh_tier(session, customer_id=customer_id, staff_id=staff_id, reason=source)


def count_rows(session: Session, table: str) -> int:
    """Rows of ``table`` (for tests)."""
    return int(session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
