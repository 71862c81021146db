"""Products paid for and not yet collected (待出库): a ledger of goods held for a customer.

Every change is a new row of ``held_product_entry`` (append-only: the database refuses
UPDATE and DELETE). A sale left at the salon or a back-fill puts a quantity in; a handover,
a refund or a reversed back-fill takes it out. What a customer still has to collect of an
item is the sum of its rows, never a stored total, and never below zero.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from salontui.i18n import _
from salontui.store import clock
from salontui.store.errors import RuleViolation, ValidationError
from salontui.store.kinds import HeldProductKind
from salontui.store.models import HeldProductEntry, stored_id, table_of

_HELD = table_of(HeldProductEntry)
MAX_QUANTITY = 10_000


def held_quantity(session: Session, *, customer_id: int, item_id: int) -> int:
    """How many of ``item_id`` the customer still has to collect."""
    return int(session.execute(
        select(func.coalesce(func.sum(_HELD.c.quantity), 0)).where(
            _HELD.c.customer_id == customer_id, _HELD.c.item_id == item_id)).scalar_one())


def hold(session: Session, *, customer_id: int, item_id: int, description: str, quantity: int,
         kind: str, amount: int = 0, invoice_line_id: int | None = None,
         backfill_id: int | None = None, staff_id: int | None, note: str = "") -> int:
    """Append one row (low level: the caller validates the customer and writes the audit
    row) and return its id. ``quantity`` is signed; a row that would leave less than
    nothing to collect is refused."""
    if kind not in tuple(HeldProductKind):
        raise ValidationError(_("Unknown kind of product row '{kind}'.").format(kind=kind),
                              field="kind")
    if quantity == 0 or abs(quantity) > MAX_QUANTITY:
        raise ValidationError(_("Type a quantity from 1 to {limit}.").format(
            limit=MAX_QUANTITY), field="quantity")
    if quantity < 0:
        left = held_quantity(session, customer_id=customer_id, item_id=item_id)
        if left + quantity < 0:
            raise RuleViolation(_("Only {left} of {item} are left to collect.").format(
                left=left, item=description), field="quantity")
    row = HeldProductEntry(customer_id=customer_id, item_id=item_id,
                           description=description[:200], quantity=quantity, amount=amount,
                           kind=kind, invoice_line_id=invoice_line_id,
                           backfill_id=backfill_id, created_at=clock.now(),
                           staff_id=staff_id, note=note[:250])
    session.add(row)
    session.flush()
    return stored_id(row)
