"""Merging a duplicate customer into the one kept, and undoing the merge.

What belongs to the duplicate moves to the customer kept: packages, care
notes, appointments, promotions and parked checkouts change owner (the moved
ids are recorded). Ledgers are append-only, so balances move by entries: the
duplicate's points, vouchers, debt and each card's stored value are posted out of the
duplicate and into the customer kept (kind "merge"), so are the products they have still
to collect (a row out of one, a row into the other: ``books/held_products.move_held``),
and the duplicate is
soft-deleted with ``merged_into_id`` set. Paid invoices never change: they
stay under the duplicate's code, and lists of the customer kept include them
through :func:`related_customer_ids`.

Undo moves the recorded rows back and posts the balances and the products to collect
back, provided the customer kept still holds them.

Tiers: the customer kept takes the duplicate's tier when it ranks higher, held as if
given by hand (``loyalty.tiers.keep_better_tier``); the duplicate's invoices do not
rank them. Undoing the merge leaves the tier as it is (the tier history says why it
changed; a manager moves it by hand if need be).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select, text
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from salontui.i18n import _
from salontui.store import audit, clock
from salontui.store.admin.permissions import require_permission
from salontui.store.books.held_products import move_held
from salontui.store.bounds import boundary
from salontui.store.customers import load_customer
from salontui.store.errors import NotFound, RuleViolation, ValidationError
from salontui.store.kinds import Permission
from salontui.store.ledger import balance, card_balances, ensure_card, post_entry
from salontui.store.models import Customer, CustomerMerge, Staff, ValueCard, stored_id

MOVED_TABLES = ("customer_package", "care_note", "appointment", "customer_promotion",
                "checkout_draft")
# The ledger accounts without cards whose balance moves (stored value moves card by card).
BALANCE_ACCOUNTS = ("points", "debt", "voucher")


@dataclass(frozen=True)
class MergeResult:
    merge_id: int
    kept_id: int
    merged_id: int
    moved: dict


def related_customer_ids(session: Session, *, customer_id: int) -> list[int]:
    """The customer and every customer merged into them (whose invoices are theirs too)."""
    rows = session.execute(text("SELECT merged_id FROM customer_merge "
                                "WHERE kept_id = :c AND undone_at IS NULL ORDER BY id"),
                           {"c": customer_id})
    return [customer_id, *(r[0] for r in rows)]


def _move_balances(session: Session, *, source: int, target: int, staff_id: int,
                   ref_id: int, reason: str) -> dict:
    moved: dict = {"points": 0, "debt": 0, "voucher": 0, "cards": []}
    ref = {"ref_type": "merge", "ref_id": ref_id, "operator_id": staff_id, "reason": reason}
    for account in BALANCE_ACCOUNTS:
        amount = balance(session, customer_id=source, account=account)
        if amount:
            post_entry(session, customer_id=source, account=account, amount=-amount,
                       kind="merge", allow_excluded=True, **ref)
            post_entry(session, customer_id=target, account=account, amount=amount,
                       kind="merge", allow_excluded=True, **ref)
            moved[account] = amount
    for card in card_balances(session, customer_id=source):
        if card.balance:
            target_card = ensure_card(session, customer_id=target, name=card.name)
            post_entry(session, customer_id=source, account="value", amount=-card.balance,
                       kind="merge", card_id=card.card_id, **ref)
            post_entry(session, customer_id=target, account="value", amount=card.balance,
                       kind="merge", card_id=target_card, **ref)
            moved["cards"].append([card.card_id, target_card, card.balance])
    moved["held"] = move_held(session, source=source, target=target, staff_id=staff_id,
                              note=reason)
    return moved


@boundary
def merge_customers(session: Session, *, staff_id: int, keep_id: int,
                    merge_id: int, approved_by: int | None = None) -> MergeResult:
    """Merge customer ``merge_id`` (the duplicate) into ``keep_id``."""
    if keep_id == merge_id:
        raise ValidationError(_("Choose two different customers."), field="customer")
    kept = load_customer(session, keep_id)
    duplicate = load_customer(session, merge_id)
    if kept.deleted_at is not None:
        raise RuleViolation(_("{name} is deleted; restore them first.").format(name=kept.code),
                            field="customer")
    if duplicate.deleted_at is not None:
        raise RuleViolation(_("{code} is deleted or merged already.").format(code=duplicate.code),
                            field="customer")
    approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                  permission=Permission.MERGE_CUSTOMERS)
    record = CustomerMerge(kept_id=keep_id, merged_id=merge_id, staff_id=staff_id, moved="{}",
                           created_at=clock.now())
    session.add(record)
    session.flush()
    moved: dict = {}
    for table in MOVED_TABLES:
        ids = [r[0] for r in session.execute(
            text(f"SELECT id FROM {table} WHERE customer_id = :m"), {"m": merge_id})]
        if ids:
            session.execute(text(f"UPDATE {table} SET customer_id = :k WHERE customer_id = :m"),
                            {"k": keep_id, "m": merge_id})
        moved[table] = ids
    moved["balances"] = _move_balances(session, source=merge_id, target=keep_id,
                                       staff_id=staff_id, ref_id=stored_id(record),
                                       reason=_("Merged {merged} into {kept}").format(
                                           merged=duplicate.code, kept=kept.code))
    from salontui.store.loyalty.tiers import keep_better_tier

    better = keep_better_tier(session, staff_id=staff_id, kept_id=keep_id, merged_id=merge_id,
                              reason=_("Merged {merged} into {kept}: the better tier is kept")
                              .format(merged=duplicate.code, kept=kept.code))
    if better is not None:
        moved["tier"] = {"from": better.from_tier_id, "to": better.to_tier_id}
    record.moved = json.dumps(moved)
    duplicate.deleted_at = clock.now()
    duplicate.merged_into_id = keep_id
    duplicate.updated_at = duplicate.deleted_at
    session.add_all([record, duplicate])
    session.flush()
    audit.record(session, staff_id=staff_id, action="merge_customers", entity="customer",
                 entity_id=keep_id, before={"merged": duplicate.code},
                 after={"merge_id": record.id, "moved": moved}, approved_by=approver)
    return MergeResult(merge_id=stored_id(record), kept_id=keep_id, merged_id=merge_id, moved=moved)


@boundary
def undo_merge(session: Session, *, staff_id: int, merge_id: int,
               approved_by: int | None = None) -> MergeResult:
    """Give the duplicate back what the merge moved, and bring them back to search."""
    record = session.get(CustomerMerge, merge_id)
    if record is None:
        raise NotFound(_("No such merge."), field="merge")
    if record.undone_at is not None:
        raise RuleViolation(_("This merge was undone already."), field="merge")
    approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                  permission=Permission.MERGE_CUSTOMERS)
    moved = json.loads(record.moved)
    reason = _("Undo merge #{id}").format(id=record.id)
    ref = {"ref_type": "merge", "ref_id": record.id, "operator_id": staff_id, "reason": reason}
    for table in MOVED_TABLES:
        ids = [int(i) for i in moved.get(table, [])]
        if ids:
            marks = ",".join(str(i) for i in ids)
            session.execute(text(f"UPDATE {table} SET customer_id = :m WHERE id IN ({marks}) "
                                 "AND customer_id = :k"),
                            {"m": record.merged_id, "k": record.kept_id})
    balances = moved.get("balances", {})
    for account in BALANCE_ACCOUNTS:
        amount = balances.get(account, 0)
        if amount:
            post_entry(session, customer_id=record.kept_id, account=account, amount=-amount,
                       kind="merge", allow_excluded=True, **ref)
            post_entry(session, customer_id=record.merged_id, account=account, amount=amount,
                       kind="merge", allow_excluded=True, **ref)
    for source_card, target_card, amount in balances.get("cards", []):
        if session.get(ValueCard, source_card) is None:
            raise NotFound(_("A card of the merge is missing."), field="merge")
        post_entry(session, customer_id=record.kept_id, account="value", amount=-amount,
                   kind="merge", card_id=target_card, **ref)
        post_entry(session, customer_id=record.merged_id, account="value", amount=amount,
                   kind="merge", card_id=source_card, **ref)
    if balances.get("held"):
        move_held(session, source=record.kept_id, target=record.merged_id, staff_id=staff_id,
                  note=reason, items=balances["held"])
    duplicate = load_customer(session, record.merged_id)
    duplicate.deleted_at = None
    duplicate.merged_into_id = None
    duplicate.updated_at = clock.now()
    record.undone_at = duplicate.updated_at
    session.add_all([record, duplicate])
    audit.record(session, staff_id=staff_id, action="undo_merge", entity="customer",
                 entity_id=record.kept_id, before={"merge_id": record.id},
                 after={"restored": duplicate.code}, approved_by=approver)
    return MergeResult(merge_id=stored_id(record), kept_id=record.kept_id,
                       merged_id=record.merged_id, moved=moved)


@dataclass(frozen=True)
class MergeRow:
    """A merge the desk offers to undo: who was kept, who was merged, when and by whom."""

    id: int
    kept_code: str
    kept_name: str
    merged_code: str
    merged_name: str
    created_at: datetime
    staff_name: str


def merges_to_undo(session: Session, *, customer_id: int) -> list[MergeRow]:
    """The merges still in force that this customer is part of, newest first: those into
    them (they are the customer kept) and the one that merged them away."""
    kept, merged = aliased(Customer), aliased(Customer)
    statement = (
        select(col(CustomerMerge.id), col(kept.code), col(kept.name), col(merged.code),
               col(merged.name), col(CustomerMerge.created_at), col(Staff.name))
        .join(kept, col(kept.id) == CustomerMerge.kept_id)
        .join(merged, col(merged.id) == CustomerMerge.merged_id)
        .outerjoin(Staff, col(Staff.id) == CustomerMerge.staff_id)
        .where(col(CustomerMerge.undone_at).is_(None),
               or_(col(CustomerMerge.kept_id) == customer_id,
                   col(CustomerMerge.merged_id) == customer_id))
        .order_by(col(CustomerMerge.id).desc()))
    return [MergeRow(id=r[0], kept_code=r[1], kept_name=r[2], merged_code=r[3],
                     merged_name=r[4], created_at=r[5], staff_name=r[6] or "")
            for r in session.execute(statement)]
