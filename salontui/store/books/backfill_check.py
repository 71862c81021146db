"""Check the back-fill: what was typed beside what the customer holds now.

The reference desks ask the receptionist to compare the two before moving on: for each
kind, the total the back-fills still standing put in (a reversed one and its reversal
count for nothing) and the customer's current total (stored value per card, packages
with their sessions left, products to collect, points, vouchers, debt, ranking spend),
then every back-fill row (when, who, from where, what, reversed or not).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlmodel import Session

from salontui.i18n import _
from salontui.store import ledger, package_reads
from salontui.store.books.backfill import KINDS, LEDGER_ACCOUNTS, PACKAGE_KINDS
from salontui.store.bounds import boundary
from salontui.store.errors import NotFound
from salontui.store.kinds import BackfillKind, PackageKind
from salontui.store.models import (
    Backfill,
    CatalogItem,
    Customer,
    CustomerPackage,
    HeldProductEntry,
    Staff,
    ValueCard,
    table_of,
)

MAX_ROWS = 500  # a customer's back-fill rows shown (an import writes a handful each)

_BACKFILL = table_of(Backfill)
_HELD = table_of(HeldProductEntry)
_STAFF = table_of(Staff)
_CARD = table_of(ValueCard)
_PACKAGE = table_of(CustomerPackage)
_ITEM = table_of(CatalogItem)


@dataclass(frozen=True)
class CheckLine:
    """One kind (one card, for stored value): typed beside held now. Money in minor
    units, points, sessions left (packages) or items (products to collect); ``typed_count``
    and ``now_count`` count packages (back-filled, and in use now)."""

    kind: str
    typed: int
    now: int
    card_name: str = ""
    typed_count: int = 0
    now_count: int = 0


@dataclass(frozen=True)
class BackfillRow:
    id: int
    created_at: datetime
    operator_name: str
    source: str
    kind: str
    card_name: str
    package_name: str
    item_name: str  # the product, or the package's plan
    paid: int
    amount: int
    quantity: int
    sessions_total: int
    sessions_used: int
    purchased_on: date | None
    expires_on: date | None
    note: str
    reverses_id: int | None  # this row reverses that one
    reversed_by: int | None  # this row was reversed by that one


@dataclass(frozen=True)
class BackfillCheck:
    lines: list[CheckLine]
    rows: list[BackfillRow]  # newest first

    def standing(self) -> list[BackfillRow]:
        """The rows that still count: not reversed and not reversals."""
        return [r for r in self.rows if r.reverses_id is None and r.reversed_by is None]


@boundary
def backfill_check(session: Session, *, customer_id: int) -> BackfillCheck:
    """What the "check the back-fill" view shows (see the module)."""
    if session.get(Customer, customer_id) is None:
        raise NotFound(_("No customer #{id}.").format(id=customer_id), field="customer")
    rows = _rows(session, customer_id)
    standing = [r for r in rows if r.reverses_id is None and r.reversed_by is None]
    lines: list[CheckLine] = []
    for kind in KINDS:
        mine = [r for r in standing if r.kind == kind]
        if kind == BackfillKind.VALUE:
            lines.extend(_cards(session, customer_id, mine))
        elif kind in PACKAGE_KINDS:
            lines.append(_packages(session, customer_id, kind, mine))
        elif kind == BackfillKind.PRODUCT:
            held = session.execute(select(func.coalesce(func.sum(_HELD.c.quantity), 0))
                                   .where(_HELD.c.customer_id == customer_id)).scalar_one()
            lines.append(CheckLine(kind, sum(r.quantity for r in mine), int(held)))
        elif kind == BackfillKind.SPEND:
            from salontui.store.loyalty.tiers import ranking_spend

            lines.append(CheckLine(kind, sum(r.amount for r in mine),
                                   ranking_spend(session, customer_id)))
        else:
            now = ledger.balance(session, customer_id=customer_id, account=LEDGER_ACCOUNTS[kind])
            lines.append(CheckLine(kind, sum(r.amount for r in mine), now))
    return BackfillCheck(lines=lines, rows=rows)


def _cards(session: Session, customer_id: int, mine: list[BackfillRow]) -> list[CheckLine]:
    """One line per card: each card the customer has, and each a back-fill named."""
    cards = ledger.card_balances(session, customer_id=customer_id)
    typed: dict[str, int] = {}
    for r in mine:
        typed[r.card_name] = typed.get(r.card_name, 0) + r.amount
    lines = [CheckLine(BackfillKind.VALUE, typed.pop(c.name, 0), c.balance, card_name=c.name)
             for c in cards]
    lines.extend(CheckLine(BackfillKind.VALUE, amount, 0, card_name=name)
                 for name, amount in typed.items())
    return lines or [CheckLine(BackfillKind.VALUE, 0, 0, card_name=ledger.GENERAL_CARD)]


def _packages(session: Session, customer_id: int, kind: BackfillKind,
              mine: list[BackfillRow]) -> CheckLine:
    """Sessions left (and how many packages) back-filled, beside the packages in use now
    (gifts apart from the others)."""
    gift = kind == BackfillKind.GIFT
    in_use = [p for p in package_reads.list_packages(session, customer_id=customer_id)
              if p.status == package_reads.IN_USE and (p.kind == PackageKind.GIFT) == gift]
    return CheckLine(kind, typed=sum(max(r.sessions_total - r.sessions_used, 0) for r in mine),
                     now=sum(p.remaining or 0 for p in in_use), typed_count=len(mine),
                     now_count=len(in_use))


def _rows(session: Session, customer_id: int) -> list[BackfillRow]:
    bf, reversal = _BACKFILL, _BACKFILL.alias("reversal")
    plan = _ITEM
    statement = (
        select(bf.c.id, bf.c.created_at, _STAFF.c.name.label("operator"), bf.c.source,
               bf.c.kind, _CARD.c.name.label("card"), _PACKAGE.c.name.label("package"),
               plan.c.name.label("item"), bf.c.paid, bf.c.amount, bf.c.quantity,
               bf.c.sessions_total, bf.c.sessions_used, bf.c.purchased_on, bf.c.expires_on,
               bf.c.note, bf.c.reverses_id, reversal.c.id.label("reversed_by"))
        .select_from(bf)
        .outerjoin(_STAFF, _STAFF.c.id == bf.c.operator_id)
        .outerjoin(_CARD, _CARD.c.id == bf.c.card_id)
        .outerjoin(_PACKAGE, _PACKAGE.c.id == bf.c.package_id)
        .outerjoin(plan, plan.c.id == bf.c.item_id)
        .outerjoin(reversal, reversal.c.reverses_id == bf.c.id)
        .where(bf.c.customer_id == customer_id)
        .order_by(bf.c.id.desc()).limit(MAX_ROWS))
    return [BackfillRow(
        id=r.id, created_at=r.created_at, operator_name=r.operator or "", source=r.source,
        kind=r.kind, card_name=r.card or "", package_name=r.package or "",
        item_name=r.item or "", paid=r.paid, amount=r.amount, quantity=r.quantity,
        sessions_total=r.sessions_total, sessions_used=r.sessions_used,
        purchased_on=r.purchased_on, expires_on=r.expires_on, note=r.note,
        reverses_id=r.reverses_id, reversed_by=r.reversed_by) for r in session.execute(statement)]
