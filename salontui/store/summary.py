"""The customer header: everything the salon owes the customer and they owe it, at a glance.

One call, a handful of index lookups (target ≤ 5 ms at 100k customers and
1M invoices; see bench/). Balances come from the ledgers, never from a
stored total.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import text
from sqlmodel import Session

from salontui.store.customers import load_customer
from salontui.store.ledger import CardBalance, card_balances, debt_balance, points_balance
from salontui.store.packages import PackageRow, expiring_packages

EXPIRING_WITHIN_DAYS = 30


@dataclass(frozen=True)
class CustomerSummary:
    id: int
    code: str
    name: str
    phone: str
    tier: str
    member_state: str
    points: int
    cards: list[CardBalance]
    debt: int
    total_spend: int
    created_at: datetime
    deleted_at: datetime | None
    birthday: date | None
    gender: str
    email: str
    address: str
    note: str
    updated_at: datetime
    expiring: list[PackageRow]


def total_spend(session: Session, *, customer_id: int) -> int:
    """What the customer has spent: sales less refunds (debt repayments are not spend)."""
    sql = text("SELECT coalesce(sum(total), 0) FROM invoice "
               "WHERE customer_id = :c AND kind IN ('sale', 'refund')")
    return int(session.execute(sql, {"c": customer_id}).scalar_one())


def customer_summary(session: Session, *, customer_id: int,
                     today: date | None = None) -> CustomerSummary:
    row = load_customer(session, customer_id)
    return CustomerSummary(
        id=row.id, code=row.code, name=row.name, phone=row.phone, tier=row.tier,
        member_state=row.member_state,
        points=points_balance(session, customer_id=customer_id),
        cards=card_balances(session, customer_id=customer_id),
        debt=debt_balance(session, customer_id=customer_id),
        total_spend=total_spend(session, customer_id=customer_id),
        created_at=row.created_at, deleted_at=row.deleted_at, birthday=row.birthday,
        gender=row.gender, email=row.email, address=row.address, note=row.note,
        updated_at=row.updated_at,
        expiring=expiring_packages(session, customer_id=customer_id,
                                   within_days=EXPIRING_WITHIN_DAYS, today=today),
    )
