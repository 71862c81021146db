"""Parked checkouts: hold a cart while the customer steps away, resume it, or cancel it.

A draft is not a document: nothing in it has touched a ledger, so it can be
updated and deleted. Its cart is stored as JSON (``Cart.to_json``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlmodel import Session

from salontui.i18n import _
from salontui.store import audit, clock
from salontui.store.bounds import boundary
from salontui.store.cart import Cart
from salontui.store.errors import NotFound, ValidationError
from salontui.store.models import CheckoutDraft, stored_id
from salontui.store.staff import require_staff

MAX_LABEL = 120


@dataclass(frozen=True)
class DraftRow:
    id: int
    customer_id: int | None
    customer_name: str | None
    label: str
    lines: int
    updated_at: datetime


@boundary
def park_cart(session: Session, *, staff_id: int, cart: Cart, label: str = "",
              draft_id: int | None = None) -> int:
    """Save ``cart`` as a draft (a new one, or over ``draft_id``); returns the draft id."""
    require_staff(session, staff_id)
    if not cart.lines:
        raise ValidationError(_("There is nothing to hold: the cart is empty."), field="lines")
    label = " ".join((label or "").split())[:MAX_LABEL]
    moment = clock.now()
    row = session.get(CheckoutDraft, draft_id) if draft_id is not None else None
    if draft_id is not None and row is None:
        raise NotFound(_("That held checkout is gone (resumed or cancelled elsewhere)."),
                       field="draft")
    if row is None:
        row = CheckoutDraft(created_at=moment, updated_at=moment, cart="{}")
    row.customer_id = cart.customer_id
    row.branch_id = cart.branch_id
    row.staff_id = staff_id
    row.label = label
    row.cart = cart.to_json()
    row.updated_at = moment
    session.add(row)
    session.flush()
    audit.record(session, staff_id=staff_id, action="park_cart", entity="checkout_draft",
                 entity_id=row.id, after={"label": label, "lines": len(cart.lines)})
    return stored_id(row)


@boundary
def load_draft(session: Session, *, draft_id: int) -> Cart:
    row = session.get(CheckoutDraft, draft_id)
    if row is None:
        raise NotFound(_("That held checkout is gone (resumed or cancelled elsewhere)."),
                       field="draft")
    return Cart.from_json(row.cart)


@boundary
def delete_draft(session: Session, *, staff_id: int, draft_id: int) -> None:
    """Cancel a held checkout (or drop it once it has been paid)."""
    require_staff(session, staff_id)
    row = session.get(CheckoutDraft, draft_id)
    if row is None:
        raise NotFound(_("That held checkout is gone already."), field="draft")
    before = {"label": row.label, "cart": row.cart}
    session.delete(row)
    audit.record(session, staff_id=staff_id, action="delete_draft", entity="checkout_draft",
                 entity_id=draft_id, before=before)


def list_drafts(session: Session, *, limit: int = 50,
                branch_id: int | None = None) -> list[DraftRow]:
    """Held checkouts (of one branch, or all), most recently touched first."""
    from salontui.store.branches import branch_sql, first_branch_id

    where = branch_sql("d.branch_id", branch_id, first_branch_id(session))
    sql = text("SELECT d.id, d.customer_id, c.name, d.label, d.cart, d.updated_at "
               "FROM checkout_draft d LEFT JOIN customer c ON c.id = d.customer_id "
               f"WHERE {where} ORDER BY d.updated_at DESC, d.id DESC LIMIT :n")
    rows = []
    for did, cid, name, label, cart, updated in session.execute(
            sql, {"n": limit, "branch": branch_id}):
        if isinstance(updated, str):
            updated = datetime.fromisoformat(updated)
        rows.append(DraftRow(did, cid, name, label, len(Cart.from_json(cart).lines), updated))
    return rows
