"""The salon's tables (SQLModel). The schema itself is made by Alembic migrations.

Rules the schema carries:

* Money is ``int`` minor units (never Decimal/float: SQLite stores those as REAL).
* Ledgers (``ledger_entry``, ``package_event``) are append-only: SQLite
  triggers from the migrations refuse UPDATE and DELETE on them, and
  ``salontui check`` verifies sums against them.
* A package's ``total_uses`` and ``used`` are the running sums of its
  ``package_event`` deltas, kept on the row so lists are cheap; ``check``
  proves they equal the sums. Remaining (total − used) is never stored.
* Customers and care notes are soft-deleted (``deleted_at``) and restorable.
* Times are naive UTC datetimes (``NaiveDatetime``: one convention for ORM
  rows and raw SQL reads alike); calendar dates (expiry, birthday) are ``date``.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from pydantic import NaiveDatetime
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    Index,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlmodel import Field, SQLModel


def search_key(length: int) -> String:
    """A text searched by prefix range (``key >= :p AND key < :p || U+10FFFF``) or ordered
    for the desk: byte order on every engine. SQLite's default already is; PostgreSQL's
    follows the server's collation (``en_US.UTF-8`` orders and cuts ranges differently),
    so there the column is declared ``COLLATE "C"``."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")


class SalonSettings(SQLModel, table=True):
    """One row (id 1): settings every terminal of the salon shares."""

    __tablename__ = "salon_settings"

    id: int = Field(default=1, primary_key=True)
    name: str = Field(default="Salon", max_length=120)
    address: str = Field(default="", max_length=250)
    phone: str = Field(default="", max_length=40)
    receipt_footer: str = Field(default="", max_length=250)
    currency: str = Field(default="VND", max_length=3)
    currency_exponent: int = Field(default=0)
    locale: str = Field(default="vi_VN", max_length=16)
    phone_region: str = Field(default="VN", max_length=2)
    # Points earned: one point per ``points_per_amount`` minor units spent.
    points_per_amount: int = Field(default=10_000)
    # What one point is worth when paying with points, in minor units.
    point_value: int = Field(default=100)
    # The salon's offset from UTC (Vietnam and China: +7 h / +8 h): day boundaries, display.
    utc_offset_minutes: int = Field(default=420)
    receipt_header: str = Field(default="", max_length=250)
    # Monday..Sunday, "HH:MM-HH:MM" each or "" when closed, comma-separated.
    opening_hours: str = Field(default=",".join(["09:00-20:00"] * 7), max_length=120)
    slot_minutes: int = Field(default=15)  # the appointment book's slot
    reminder_days: int = Field(default=14)  # packages expiring within this many days
    new_member_active: bool = True  # a new customer with a phone is an active member at once
    # The points scheme: which kinds of line earn, rounding, expiry (None: never).
    points_services: bool = True
    points_products: bool = True
    points_packages: bool = True
    points_topups: bool = False
    points_rounding: str = Field(default="down", max_length=8)  # down / nearest
    points_expiry_days: int | None = None
    # Tiers: ranked by spend over a rolling period of months, or by points; a top-up of
    # stored value counts towards spend when paid or when spent (the default).
    tier_basis: str = Field(default="spend", max_length=8)  # spend / points
    tier_period_months: int = Field(default=12)
    lock_minutes: int = Field(default=0)  # the desk locks after this many idle minutes (0: never)
    # A price change or a discount beyond this percentage needs the price_discount permission.
    discount_limit_percent: int = Field(default=10)
    topup_spend: str = Field(default="spent", max_length=8)  # paid / spent


class Counter(SQLModel, table=True):
    """Sequences for human codes (KH000123, HD000456): advanced inside the writing
    transaction, so a code is never reused and never skipped by a rollback."""

    __tablename__ = "counter"

    name: str = Field(primary_key=True, max_length=20)
    value: int = Field(default=0)


class Branch(SQLModel, table=True):
    """A salon of a chain. Customers and what they hold belong to the chain; staff,
    appointments, invoices and held checkouts to a branch (NULL: the first branch, so
    rows written before branches existed, which are sealed, need no rewrite)."""

    __tablename__ = "branch"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_column=Column(String(10), unique=True, nullable=False))
    name: str = Field(max_length=120)
    address: str = Field(default="", max_length=250)
    phone: str = Field(default="", max_length=20)
    receipt_header: str = Field(default="", max_length=250)
    invoice_prefix: str = Field(default="", max_length=6)  # "Q1-" → Q1-HD000001
    active: bool = True
    created_at: NaiveDatetime


class Staff(SQLModel, table=True):
    __tablename__ = "staff"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    # owner / manager / receptionist / technician
    role: str = Field(default="receptionist", max_length=20)
    active: bool = Field(default=True)
    created_at: NaiveDatetime
    branch_id: int | None = Field(default=None, foreign_key="branch.id")  # None: every branch
    # Monday..Sunday, "1" a working day: who has a column in the appointment book.
    work_days: str = Field(default="0000000", max_length=7)
    # "scrypt$n$r$p$salt$hash" (store/admin/pins.py); None: no PIN set yet.
    pin_hash: str | None = Field(default=None, max_length=200)
    pin_set_at: NaiveDatetime | None = None


class RolePermission(SQLModel, table=True):
    """The owner's table: whether a role may do one guarded action (kinds.Permission).
    An owner may do everything and has no rows."""

    __tablename__ = "role_permission"

    role: str = Field(max_length=20, primary_key=True)
    permission: str = Field(max_length=30, primary_key=True)
    allowed: bool


class Customer(SQLModel, table=True):
    __tablename__ = "customer"
    __table_args__ = (
        Index("ix_customer_phone_rev", "phone_rev"),
        Index("ix_customer_phone_national", "phone_national"),
        Index("ix_customer_name_norm", "name_norm"),
        Index("ix_customer_tier", "tier_id"),
        Index("ix_customer_member_state", "member_state"),
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_column=Column(search_key(20), unique=True, nullable=False))
    name: str = Field(max_length=120)
    name_norm: str = Field(sa_column=Column(search_key(120), nullable=False))
    phone: str = Field(max_length=20)  # E.164
    phone_national: str = Field(sa_column=Column(search_key(20), nullable=False))
    phone_rev: str = Field(sa_column=Column(search_key(20), nullable=False))
    birthday: date | None = None
    gender: str = Field(default="", max_length=10)
    email: str = Field(default="", max_length=120)
    address: str = Field(default="", max_length=250)
    note: str = Field(default="", max_length=1000)
    tier: str = Field(default="Member", max_length=40)  # the tier's name (kept with tier_id)
    member_state: str = Field(default="active", max_length=20)  # not_activated/active/excluded
    member_reason: str = Field(default="", max_length=250)  # why excluded
    created_at: NaiveDatetime
    updated_at: NaiveDatetime
    deleted_at: NaiveDatetime | None = None
    merged_into_id: int | None = Field(default=None, foreign_key="customer.id")
    group_id: int | None = Field(default=None, foreign_key="customer_group.id")
    tier_id: int | None = Field(default=None, foreign_key="tier.id")
    # A tier given by hand: "up" holds until spend earns a higher one; "down" holds until
    # spend passes the tier held before (tier_before_id).
    tier_hold: str = Field(default="", max_length=4)
    tier_before_id: int | None = Field(default=None, foreign_key="tier.id")


class Tier(SQLModel, table=True):
    """A loyalty tier: reached by ranking spend over the salon's rolling period (or by
    ranking points), with its benefit (a discount on services, a points multiplier) and a
    one-time reward in points on reaching it."""

    __tablename__ = "tier"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(40), unique=True, nullable=False))
    position: int  # rank: 0 the first tier
    min_spend: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    min_points: int | None = None
    discount_percent: int | None = None  # on services
    points_percent: int | None = None  # 150: one and a half times the points
    reward_points: int | None = None  # once, on reaching the tier
    active: bool = True
    created_at: NaiveDatetime


class TierEvent(SQLModel, table=True):
    """Append-only: a customer's tier changed (from, to, why, when, who; the ticket)."""

    __tablename__ = "tier_event"
    __table_args__ = (Index("ix_tier_event_customer", "customer_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id")
    from_tier_id: int | None = Field(default=None, foreign_key="tier.id")
    to_tier_id: int | None = Field(default=None, foreign_key="tier.id")
    reason: str = Field(max_length=250)
    ticket_id: int | None = None
    created_at: NaiveDatetime
    staff_id: int | None = Field(default=None, foreign_key="staff.id")


class SpendEntry(SQLModel, table=True):
    """Append-only: accumulated spend given or taken by hand (tiền tích lũy), added to the
    ranking spend that moves tiers."""

    __tablename__ = "spend_entry"
    __table_args__ = (Index("ix_spend_entry_customer", "customer_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id")
    amount: int = Field(sa_column=Column(BigInteger, nullable=False))
    reason: str = Field(max_length=250)
    ref_type: str = Field(default="", max_length=12)  # care / ticket / import
    ref_id: int | None = None
    created_at: NaiveDatetime
    staff_id: int | None = Field(default=None, foreign_key="staff.id")


class AdjustmentTicket(SQLModel, table=True):
    """A reviewed correction (phiếu điều chỉnh): waiting → applied by a manager, or
    cancelled while waiting."""

    __tablename__ = "adjustment_ticket"
    __table_args__ = (Index("ix_adjustment_ticket_status", "status", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_column=Column(String(20), unique=True, nullable=False))
    note: str = Field(default="", max_length=500)
    tags: str = Field(default="", max_length=200)  # comma-separated
    status: str = Field(max_length=10)  # waiting / applied / cancelled
    created_at: NaiveDatetime
    created_by: int | None = Field(default=None, foreign_key="staff.id")
    applied_at: NaiveDatetime | None = None
    applied_by: int | None = Field(default=None, foreign_key="staff.id")
    cancelled_at: NaiveDatetime | None = None
    cancelled_by: int | None = Field(default=None, foreign_key="staff.id")


class AdjustmentLine(SQLModel, table=True):
    """A customer on a ticket: a points change and/or a new tier."""

    __tablename__ = "adjustment_line"
    __table_args__ = (Index("ix_adjustment_line_ticket", "ticket_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="adjustment_ticket.id")
    customer_id: int = Field(foreign_key="customer.id")
    points: int = 0
    tier_id: int | None = Field(default=None, foreign_key="tier.id")
    note: str = Field(default="", max_length=250)


class CustomerPhone(SQLModel, table=True):
    """A phone number a customer had: still found by search, marked "old phone"."""

    __tablename__ = "customer_phone"
    __table_args__ = (
        Index("ix_old_phone_rev", "phone_rev"),
        Index("ix_old_phone_national", "phone_national"),
        Index("ix_old_phone_customer", "customer_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id")
    phone: str = Field(max_length=20)  # E.164
    phone_national: str = Field(sa_column=Column(search_key(20), nullable=False))
    phone_rev: str = Field(sa_column=Column(search_key(20), nullable=False))
    replaced_at: NaiveDatetime
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    approved_by: int | None = Field(default=None, foreign_key="staff.id")


class CareReason(SQLModel, table=True):
    """The salon's care catalogue: reasons within each care type ("Birthday", "Apology")."""

    __tablename__ = "care_reason"
    __table_args__ = (UniqueConstraint("care_type", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    care_type: str = Field(max_length=10)
    name: str = Field(max_length=120)
    position: int = 0
    active: bool = True


class CareBatch(SQLModel, table=True):
    """A care action over many customers, done customer by customer so that it resumes."""

    __tablename__ = "care_batch"

    id: int | None = Field(default=None, primary_key=True)
    action: str = Field(max_length=12)  # points / spend / call / sms / email
    amount: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    care_type: str = Field(max_length=10)
    reason_id: int | None = Field(default=None, foreign_key="care_reason.id")
    reason: str = Field(default="", max_length=120)
    note: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    status: str = Field(max_length=10)  # running / done
    total: int
    created_at: NaiveDatetime
    finished_at: NaiveDatetime | None = None
    staff_id: int | None = Field(default=None, foreign_key="staff.id")


class CareBatchItem(SQLModel, table=True):
    __tablename__ = "care_batch_item"
    __table_args__ = (
        UniqueConstraint("batch_id", "customer_id"),
        Index("ix_care_batch_item_status", "batch_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="care_batch.id")
    customer_id: int = Field(foreign_key="customer.id")
    status: str = Field(max_length=10)  # pending / done / refused
    message: str = Field(default="", max_length=250)
    done_at: NaiveDatetime | None = None


class CustomerNameKey(SQLModel, table=True):
    """Word-suffixes of a customer's folded name, for prefix search on any word."""

    __tablename__ = "customer_name_key"
    __table_args__ = (Index("ix_customer_name_key_key", "key", "customer_id"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    key: str = Field(sa_column=Column(search_key(120), nullable=False))


class CatalogItem(SQLModel, table=True):
    """Services, products and package plans the salon sells."""

    __tablename__ = "catalog_item"
    __table_args__ = (Index("ix_catalog_item_name_norm", "name_norm"),)

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_column=Column(search_key(20), unique=True, nullable=False))
    name: str = Field(max_length=120)
    name_norm: str = Field(sa_column=Column(search_key(120), nullable=False))
    kind: str = Field(max_length=10)  # service / product / package
    price: int = 0
    package_kind: str | None = Field(default=None, max_length=10)  # count / time / gift
    sessions: int | None = None  # count and gift packages
    validity_days: int | None = None  # days from activation to expiry
    service_id: int | None = Field(default=None, foreign_key="catalog_item.id")
    active: bool = True
    category: str = Field(default="", max_length=60)
    duration_minutes: int | None = None  # services: the appointment book's default length
    commission_percent: int | None = None  # services: the technician's default share
    cost_price: int | None = None  # products
    track_stock: bool = False  # products (no inventory yet)
    can_leave: bool = False  # products: may be left at the salon uncollected


class PlanService(SQLModel, table=True):
    """The services a session of a package plan covers."""

    __tablename__ = "plan_service"

    plan_id: int = Field(foreign_key="catalog_item.id", primary_key=True)
    service_id: int = Field(foreign_key="catalog_item.id", primary_key=True)


class PaymentMethodRow(SQLModel, table=True):
    """A way the salon takes money (its list: cash, bank card, WeChat, MoMo, …), mapped to
    the kind the books understand. ``code`` is what a payment row stores, so a method
    renamed or retired never changes an invoice."""

    __tablename__ = "payment_method"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_column=Column(String(12), unique=True, nullable=False))
    name: str = Field(max_length=60)
    kind: str = Field(max_length=10)  # cash/card/value/points/voucher/account/waived
    hotkey: str | None = Field(default=None, max_length=1)  # the checkout's Alt+letter
    position: int = 0
    active: bool = True


class CardType(SQLModel, table=True):
    """A named stored-value sub-card (副卡) the owner sets once, with its bonus rule."""

    __tablename__ = "card_type"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(60), unique=True, nullable=False))
    bonus_pay: int | None = None  # pay this much …
    bonus_get: int | None = None  # … get this much credited
    discounts_apply: bool = True  # may pay for a discounted sale
    active: bool = True
    created_at: NaiveDatetime


class CustomerGroup(SQLModel, table=True):
    """A named group of customers (VIP, staff family, corporate), with its points multiplier."""

    __tablename__ = "customer_group"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(60), unique=True, nullable=False))
    points_percent: int = 100  # 150: earns one and a half times the points
    active: bool = True
    created_at: NaiveDatetime


class ValueCard(SQLModel, table=True):
    """A stored-value card of a customer: the general card or a named sub-card."""

    __tablename__ = "value_card"
    __table_args__ = (UniqueConstraint("customer_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    name: str = Field(max_length=60)
    created_at: NaiveDatetime
    card_type_id: int | None = Field(default=None, foreign_key="card_type.id")


class LedgerEntry(SQLModel, table=True):
    """Append-only: points, stored value and debt. A balance is the sum of entries."""

    __tablename__ = "ledger_entry"
    __table_args__ = (
        Index("ix_ledger_customer_account", "customer_id", "account", "card_id", "amount"),
        Index("ix_ledger_ref", "ref_type", "ref_id"),
        # Who owes (or holds) anything at all: the reminders' debts without a full scan;
        # the liabilities at a past day, on this index alone (its entries' time: 0011).
        Index("ix_ledger_account_customer", "account", "customer_id", "amount", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id")
    account: str = Field(max_length=10)  # points / value / debt / voucher
    card_id: int | None = Field(default=None, foreign_key="value_card.id")
    created_at: NaiveDatetime
    amount: int  # signed: points, or minor units
    kind: str = Field(max_length=20)  # earn, spend, adjust, topup, pay, charge, repay, refund, care
    reason: str = Field(default="", max_length=250)
    ref_type: str | None = Field(default=None, max_length=20)  # invoice / adjustment / care
    ref_id: int | None = None
    operator_id: int | None = Field(default=None, foreign_key="staff.id")
    row_hash: bytes | None = Field(default=None, sa_column=Column(LargeBinary(16)))  # chain.py


class Backfill(SQLModel, table=True):
    """Append-only: what a customer still held from before, as typed (by hand at the desk,
    or by an import: ``source``). What it put in the books are ledger entries, package
    events and held products pointing back at it; a wrong one is undone by a second row
    that reverses it (``reverses_id``), never edited away."""

    __tablename__ = "backfill"
    __table_args__ = (
        Index("ix_backfill_customer", "customer_id", "id"),
        Index("ix_backfill_reverses", "reverses_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id")
    kind: str = Field(max_length=10)  # value/package/gift/product/points/voucher/debt/spend
    source: str = Field(max_length=160)  # "back-fill" / "import FILE"
    created_at: NaiveDatetime
    operator_id: int | None = Field(default=None, foreign_key="staff.id")
    card_id: int | None = Field(default=None, foreign_key="value_card.id")
    package_id: int | None = Field(default=None, foreign_key="customer_package.id")
    item_id: int | None = Field(default=None, foreign_key="catalog_item.id")  # product/plan
    quantity: int = 0  # products held
    paid: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    # Credited balance, points, voucher value, debt or spend; a package's price is ``paid``.
    amount: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    sessions_total: int = 0
    sessions_used: int = 0
    purchased_on: date | None = None
    expires_on: date | None = None
    reverses_id: int | None = Field(default=None, foreign_key="backfill.id")
    note: str = Field(default="", max_length=250)


class HeldProductEntry(SQLModel, table=True):
    """Append-only: products paid for and left at the salon (待出库). A sale or a back-fill
    puts a quantity in; a handover, a refund or a reversed back-fill takes it out. What a
    customer still has to collect of an item is the sum of its quantities."""

    __tablename__ = "held_product_entry"
    __table_args__ = (
        Index("ix_held_product_customer", "customer_id", "item_id", "quantity"),
        Index("ix_held_product_line", "invoice_line_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id")
    item_id: int = Field(foreign_key="catalog_item.id")
    description: str = Field(max_length=200)
    quantity: int  # signed
    amount: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))
    kind: str = Field(max_length=10)  # sale / backfill / handover / refund / reverse
    invoice_line_id: int | None = Field(default=None, foreign_key="invoice_line.id")
    backfill_id: int | None = Field(default=None, foreign_key="backfill.id")
    created_at: NaiveDatetime
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    note: str = Field(default="", max_length=250)


class CustomerPackage(SQLModel, table=True):
    """A service package a customer owns (course card / 疗程卡 / gói dịch vụ)."""

    __tablename__ = "customer_package"
    __table_args__ = (Index("ix_customer_package_customer", "customer_id", "expires_on"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id")
    plan_id: int | None = Field(default=None, foreign_key="catalog_item.id")
    name: str = Field(max_length=120)
    kind: str = Field(max_length=10)  # count / time / gift
    price: int = 0
    purchased_on: date
    activated_on: date
    expires_on: date
    total_uses: int = 0  # running sum of package_event.delta_total (0 for time cards)
    used: int = 0  # running sum of package_event.delta_used
    frozen_from: date | None = None
    frozen_until: date | None = None
    invoice_id: int | None = Field(default=None, foreign_key="invoice.id")
    created_at: NaiveDatetime
    closed_on: date | None = None  # closed early (关闭疗程): no session left to use


class PackageEvent(SQLModel, table=True):
    """Append-only history of a package: every action is a row."""

    __tablename__ = "package_event"
    # A package's history in order; every column the liabilities sum, so a package's
    # balance at a past day is read on the index alone (0011).
    __table_args__ = (Index("ix_package_event_package", "package_id", "id", "created_at",
                            "change", "delta_total", "delta_used", "old_expiry"),)

    id: int | None = Field(default=None, primary_key=True)
    package_id: int = Field(foreign_key="customer_package.id")
    created_at: NaiveDatetime
    # sell, backfill, redeem, extend, freeze, resume, adjust_total, adjust_used, refund
    change: str = Field(max_length=20)
    delta_total: int = 0
    delta_used: int = 0
    value: int = 0  # revenue recognised by a redemption, minor units
    old_expiry: date | None = None
    new_expiry: date | None = None
    note: str = Field(default="", max_length=250)
    operator_id: int | None = Field(default=None, foreign_key="staff.id")
    service_staff_id: int | None = Field(default=None, foreign_key="staff.id")
    invoice_id: int | None = Field(default=None, foreign_key="invoice.id")
    row_hash: bytes | None = Field(default=None, sa_column=Column(LargeBinary(16)))  # chain.py


class Invoice(SQLModel, table=True):
    """A paid document. Immutable once written; a refund is a new invoice."""

    __tablename__ = "invoice"
    __table_args__ = (
        Index("ix_invoice_customer_created", "customer_id", "created_at"),
        Index("ix_invoice_created", "created_at"),  # a day's invoices (Today, day close)
    )

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(sa_column=Column(search_key(20), unique=True, nullable=False))
    customer_id: int | None = Field(default=None, foreign_key="customer.id")
    created_at: NaiveDatetime
    kind: str = Field(default="sale", max_length=10)  # sale / refund / repayment
    subtotal: int = 0
    discount: int = 0
    total: int = 0  # signed: a refund is negative
    change_given: int = Field(default=0, sa_column_kwargs={"server_default": "0"})  # cash back
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    refund_of_id: int | None = Field(default=None, foreign_key="invoice.id")
    idempotency_key: str | None = Field(
        default=None, sa_column=Column(String(64), unique=True, nullable=True)
    )
    note: str = Field(default="", max_length=250)
    # Points per this many minor units the sale earned at (0: it could earn none), so
    # ``check`` can recompute the points earned whatever the scheme is today.
    points_rate: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    # SHA-256 of the request confirmed under ``idempotency_key``: a replay must match it.
    request_hash: str | None = Field(default=None, max_length=64)
    row_hash: bytes | None = Field(default=None, sa_column=Column(LargeBinary(16)))  # chain.py
    branch_id: int | None = Field(default=None, foreign_key="branch.id")  # None: the first
    # The points rule the sale earned under (rules.PointsRule.encode; None: before 0005).
    points_rule: str | None = Field(default=None, max_length=60)


class InvoiceLine(SQLModel, table=True):
    __tablename__ = "invoice_line"

    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    kind: str = Field(max_length=12)  # service/product/package/redeem/topup/repay
    item_id: int | None = Field(default=None, foreign_key="catalog_item.id")
    package_id: int | None = Field(default=None, foreign_key="customer_package.id")
    card_id: int | None = Field(default=None, foreign_key="value_card.id")
    description: str = Field(max_length=200)
    quantity: int = 1
    unit_price: int = 0
    discount: int = 0
    amount: int = 0  # quantity * unit_price - discount (signed on refunds)
    credit: int = 0  # value credited by a top-up (may exceed amount paid)
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    picked_up: bool = True
    refund_of_line_id: int | None = Field(default=None, foreign_key="invoice_line.id")
    row_hash: bytes | None = Field(default=None, sa_column=Column(LargeBinary(16)))  # chain.py
    # A product's cost price per unit on the day it was sold (None: not a product, no cost
    # price set, or sold before 0010), for the cost-and-profit report.
    unit_cost: int | None = None


class CommissionRule(SQLModel, table=True):
    """What the staff member on a line earns from it: ``rate_bp`` (percent × 100) of the
    line's amount, or ``fixed_amount`` per unit (per session for a redemption). For one
    item (``item_id``) or every item of ``applies_to`` (service / product / package /
    redeem); for one staff member, one role, or everyone (both None). Never edited: a
    change ends the rule (``ended_at``) and adds another, so a report pays the rules in
    force when each line was sold (which of them: store/admin/commissions.py)."""

    __tablename__ = "commission_rule"
    __table_args__ = (
        Index("ix_commission_rule_applies", "applies_to", "item_id"),
        CheckConstraint("(rate_bp IS NULL) <> (fixed_amount IS NULL)",
                        name="ck_commission_rule_one_way"),
    )

    id: int | None = Field(default=None, primary_key=True)
    applies_to: str = Field(max_length=10)  # service / product / package / redeem
    item_id: int | None = Field(default=None, foreign_key="catalog_item.id")
    role: str | None = Field(default=None, max_length=20)
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    rate_bp: int | None = None  # 1000 = 10 %
    fixed_amount: int | None = None  # minor units per unit / session
    created_at: NaiveDatetime
    created_by: int | None = Field(default=None, foreign_key="staff.id")
    ended_at: NaiveDatetime | None = None


class Payment(SQLModel, table=True):
    __tablename__ = "payment"

    id: int | None = Field(default=None, primary_key=True)
    invoice_id: int = Field(foreign_key="invoice.id", index=True)
    method: str = Field(max_length=12)  # cash/card/transfer/ewallet/value/points/account/free
    amount: int  # minor units (signed: refunds are negative)
    card_id: int | None = Field(default=None, foreign_key="value_card.id")
    points: int = 0  # points spent, for method=points
    row_hash: bytes | None = Field(default=None, sa_column=Column(LargeBinary(16)))  # chain.py


class Appointment(SQLModel, table=True):
    """A visit: booked → checked in → paid (its invoice), or cancelled / no-show. What is
    done, by whom and when is its lines (:class:`AppointmentLine`); ``starts_at`` is the
    first line's start, kept by the store so a customer's visits sort by an index."""

    __tablename__ = "appointment"
    __table_args__ = (
        Index("ix_appointment_customer_starts", "customer_id", "starts_at"),
        Index("ix_appointment_starts", "starts_at"),
        Index("ix_appointment_reminder", "next_reminder_at"),
        Index("ix_appointment_invoice", "invoice_id"),  # the visit an invoice paid
    )

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id")
    starts_at: NaiveDatetime
    status: str = Field(default="booked", max_length=12)  # booked/checked_in/paid/cancelled/no_show
    invoice_id: int | None = Field(default=None, foreign_key="invoice.id")
    note: str = Field(default="", max_length=250)
    reason: str = Field(default="", max_length=250)  # why it was cancelled
    checked_in_at: NaiveDatetime | None = None
    # The follow-up after payment (saved once): the service record, next focus, the next
    # reminder and the next step (visit: booked now; callback: a reminder on that date).
    service_notes: str = Field(default="", max_length=1000)
    next_focus: str = Field(default="", max_length=250)
    next_reminder_at: NaiveDatetime | None = None
    next_step: str = Field(default="", max_length=10)  # visit / callback
    followed_up_at: NaiveDatetime | None = None
    followed_up_by: int | None = Field(default=None, foreign_key="staff.id")
    created_at: NaiveDatetime
    branch_id: int | None = Field(default=None, foreign_key="branch.id")  # None: the first


class AppointmentLine(SQLModel, table=True):
    """One line of a visit: a service booked (staff, start, minutes), or what the
    technician recorded on the checked-in visit (a service done, a session redeemed from
    a package, a product), with who recorded it."""

    __tablename__ = "appointment_line"
    __table_args__ = (
        Index("ix_appointment_line_appointment", "appointment_id", "position"),
        Index("ix_appointment_line_starts", "starts_at"),
        Index("ix_appointment_line_staff_starts", "staff_id", "starts_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    appointment_id: int = Field(foreign_key="appointment.id")
    position: int
    kind: str = Field(max_length=10)  # service / product / redeem
    item_id: int | None = Field(default=None, foreign_key="catalog_item.id")
    package_id: int | None = Field(default=None, foreign_key="customer_package.id")
    label: str = Field(max_length=120)  # the service's name when booked (or the old text)
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    starts_at: NaiveDatetime | None = None  # None for a product
    minutes: int = 0
    quantity: int = 1
    recorded_by: int | None = Field(default=None, foreign_key="staff.id")
    recorded_at: NaiveDatetime


class AppointmentEvent(SQLModel, table=True):
    """A row of an appointment's history: booked, moved, services changed, overlap
    confirmed, checked in, recorded, cancelled, no-show, paid, followed up."""

    __tablename__ = "appointment_event"
    __table_args__ = (Index("ix_appointment_event_appointment", "appointment_id", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    appointment_id: int = Field(foreign_key="appointment.id")
    created_at: NaiveDatetime
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    change: str = Field(max_length=12)
    note: str = Field(default="", max_length=500)


class StaffDay(SQLModel, table=True):
    """An exception to a staff member's weekly pattern: a day off on a working day, or a
    working day on a day off."""

    __tablename__ = "staff_day"
    __table_args__ = (UniqueConstraint("staff_id", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    staff_id: int = Field(foreign_key="staff.id")
    day: date
    working: bool = False
    note: str = Field(default="", max_length=120)
    created_at: NaiveDatetime
    created_by: int | None = Field(default=None, foreign_key="staff.id")


class ReminderDone(SQLModel, table=True):
    """A reminder taken off the desk's list, with the care note that records what was
    done. ``subject`` names what it was about, so the same reminder never comes back
    (a birthday's year, a package's expiry, the debt as it stood, a visit's callback)."""

    __tablename__ = "reminder_done"
    __table_args__ = (UniqueConstraint("kind", "subject"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=10)  # callback / birthday / expiry / debt
    subject: str = Field(max_length=60)
    customer_id: int = Field(foreign_key="customer.id")
    care_note_id: int | None = Field(default=None, foreign_key="care_note.id")
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    done_at: NaiveDatetime


class CareNote(SQLModel, table=True):
    """Care history: calls, treatments, messages. Soft-deleted, edits audited."""

    __tablename__ = "care_note"
    __table_args__ = (Index("ix_care_note_customer", "customer_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id")
    type: str = Field(max_length=10)  # care/treatment/call/sms/email
    title: str = Field(max_length=120)
    description: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    created_at: NaiveDatetime
    updated_at: NaiveDatetime
    deleted_at: NaiveDatetime | None = None


class PromotionProgram(SQLModel, table=True):
    __tablename__ = "promotion_program"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    description: str = Field(default="", max_length=500)
    valid_from: date
    valid_until: date | None = None
    discount_percent: int = 0
    discount_amount: int = 0
    active: bool = True
    scope: str = Field(default="all", max_length=10)  # all / services / products
    per_customer_limit: int | None = None  # times one customer may be given it
    code_prefix: str = Field(default="", max_length=6)  # codes given: prefix + KM number
    points_price: int | None = None  # a customer may buy a code of it with points


class CustomerPromotion(SQLModel, table=True):
    __tablename__ = "customer_promotion"

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(foreign_key="customer.id", index=True)
    program_id: int = Field(foreign_key="promotion_program.id")
    code: str = Field(sa_column=Column(String(20), unique=True, nullable=False))
    created_at: NaiveDatetime
    expires_on: date | None = None
    used_on: date | None = None
    invoice_id: int | None = Field(default=None, foreign_key="invoice.id")
    note: str = Field(default="", max_length=250)


class AuditLog(SQLModel, table=True):
    """Who did what, when, with before/after as JSON. One row per write."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)

    id: int | None = Field(default=None, primary_key=True)
    created_at: NaiveDatetime
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    action: str = Field(max_length=40)
    entity: str = Field(max_length=30)
    entity_id: int | None = None
    before: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    after: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    row_hash: bytes | None = Field(default=None, sa_column=Column(LargeBinary(16)))  # chain.py
    # The manager whose PIN let a role do what it may not alone (None: no approval needed).
    approved_by: int | None = Field(default=None, foreign_key="staff.id")


APPEND_ONLY_TABLES = (
    "ledger_entry", "package_event", "invoice", "invoice_line", "payment", "audit_log",
)


class CheckoutDraft(SQLModel, table=True):
    """A parked checkout (held cart), resumed later or cancelled. Not a document:
    nothing in it has touched a ledger, so it may be updated and deleted."""

    __tablename__ = "checkout_draft"

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int | None = Field(default=None, foreign_key="customer.id")
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    label: str = Field(default="", max_length=120)
    cart: str = Field(sa_column=Column(Text, nullable=False))  # JSON of the cart
    created_at: NaiveDatetime
    updated_at: NaiveDatetime
    branch_id: int | None = Field(default=None, foreign_key="branch.id")  # None: the first


class CustomerMerge(SQLModel, table=True):
    """A merge of a duplicate into the customer kept, with what moved, so it can be undone."""

    __tablename__ = "customer_merge"

    id: int | None = Field(default=None, primary_key=True)
    kept_id: int = Field(foreign_key="customer.id", index=True)
    merged_id: int = Field(foreign_key="customer.id", index=True)
    staff_id: int | None = Field(default=None, foreign_key="staff.id")
    moved: str = Field(sa_column=Column(Text, nullable=False))  # JSON: table -> ids, balances
    created_at: NaiveDatetime
    undone_at: NaiveDatetime | None = None


class _Stored(Protocol):
    id: int | None


def stored_id(row: _Stored) -> int:
    """The id of a row read from, or flushed to, the database (None only before that)."""
    assert row.id is not None, "the row was never flushed"
    return row.id


def table_of(model: type[SQLModel]) -> Table:
    """A table model's Core table (``model.__table__``), typed for the checker."""
    # SQLAlchemy's declarative mapping sets __table__ on every table=True class;
    # SQLModel does not declare it.
    table: Table = model.__table__  # type: ignore[attr-defined]
    return table


def _seal_append_only_rows() -> None:
    from salontui.store import chain

    chain.install()


_seal_append_only_rows()
