"""Products paid for and not yet collected (待出库): a ledger of goods held for a customer.

Every change is a new row of ``held_product_entry`` (append-only: the database refuses
UPDATE and DELETE). A sale left at the salon (a product line with ``picked_up`` off, written
by the checkout) or a back-fill puts a quantity in; a handover (:func:`hand_over`), a
refund of that line (:func:`take_back_held`), a reversed back-fill or a merge takes it out.
What a customer still has to collect of an item is the sum of its rows, never a stored
total, and never below zero.

Each row also carries money (``amount``, signed): what was paid for what it put in, and the
share of it that leaves with what it takes out (:func:`value_out`: in proportion, the last
one takes the rest), so the sum of an item's amounts is the value of what is still held,
and it is zero when nothing is.

A merge of customers moves what is held (:func:`move_held`): a row out of the duplicate and
one into the customer kept, of kind :data:`MERGE`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session

from salontui.i18n import _
from salontui.store import audit, clock
from salontui.store.bounds import boundary
from salontui.store.db import for_update
from salontui.store.errors import NotFound, RuleViolation, ValidationError
from salontui.store.kinds import (
    HELD_PRODUCT_KIND_LABELS,
    HeldProductKind,
)
from salontui.store.models import (
    CatalogItem,
    Customer,
    HeldProductEntry,
    Invoice,
    InvoiceLine,
    Staff,
    stored_id,
    table_of,
)
from salontui.store.numbers import NumberTexts, whole_number
from salontui.store.staff import require_staff
from salontui.store.text import clean_line

_HELD = table_of(HeldProductEntry)
_ITEM = table_of(CatalogItem)
_CUSTOMER = table_of(Customer)
_LINE = table_of(InvoiceLine)
_INVOICE = table_of(Invoice)
_STAFF = table_of(Staff)
MAX_QUANTITY = 10_000
MAX_NOTE = 250
MERGE = HeldProductKind.MERGE
KINDS = tuple(str(k) for k in HeldProductKind)


def kind_label(kind: str) -> str:
    """A row's kind as the desk shows it, translated ("Handed over")."""
    label = {str(k): v for k, v in HELD_PRODUCT_KIND_LABELS.items()}.get(kind)
    return _(label) if label else kind


@dataclass(frozen=True)
class ToCollect:
    """What is left to collect of one product: how many, the value paid for them, and
    since when they have been waiting (the first row since the item was last all
    collected). ``id`` is the item's (a row of the desk's list)."""

    item_id: int
    code: str
    description: str
    quantity: int
    amount: int
    since: datetime

    @property
    def id(self) -> int:
        return self.item_id


@dataclass(frozen=True)
class HeldRow:
    """One row of the history of a customer's products to collect, with what is left of
    its product after it."""

    id: int
    created_at: datetime
    kind: str
    item_id: int
    description: str
    quantity: int  # signed: + held, − handed over or taken back
    amount: int
    staff_name: str | None
    note: str
    invoice_code: str | None
    left_after: int


@dataclass(frozen=True)
class HandedOver:
    """What :func:`hand_over` wrote: the row, and what is left of the product after it."""

    id: int  # the product's (the row of the desk's list it changed)
    entry_id: int
    description: str
    quantity: int
    left: int


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
    if kind not in KINDS:
        raise ValidationError(_("Unknown kind of product row '{kind}'.").format(kind=kind),
                              field="kind")
    if quantity == 0 or abs(quantity) > MAX_QUANTITY:
        raise ValidationError(_("Type a quantity from 1 to {limit}.").format(
            limit=MAX_QUANTITY), field="quantity")
    if quantity < 0:
        _lock_customer(session, customer_id)  # two desks never hand over the same one
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


# ---------------------------------------------------------------- reading


def _lock_customer(session: Session, customer_id: int) -> tuple[str, bool]:
    """The customer's name and whether they are deleted, their row locked on engines that
    need it (a read of what is held, then a row taking from it)."""
    if isinstance(customer_id, bool) or not isinstance(customer_id, int):
        raise NotFound(_("No customer #{id}.").format(id=customer_id), field="customer")
    found = session.execute(for_update(
        select(_CUSTOMER.c.name, _CUSTOMER.c.deleted_at).where(_CUSTOMER.c.id == customer_id),
        session)).first()
    if found is None:
        raise NotFound(_("No customer #{id}.").format(id=customer_id), field="customer")
    return found[0], found[1] is not None


def held_value(session: Session, *, customer_id: int, item_id: int) -> int:
    """The value paid for what is still held of ``item_id`` (the sum of its rows' amounts)."""
    return int(session.execute(
        select(func.coalesce(func.sum(_HELD.c.amount), 0)).where(
            _HELD.c.customer_id == customer_id, _HELD.c.item_id == item_id)).scalar_one())


def value_out(session: Session, *, customer_id: int, item_id: int, quantity: int) -> int:
    """The share of the value held that leaves with ``quantity`` of ``item_id`` (positive):
    in proportion to what is held, rounded down; all of it with the last ones."""
    left = held_quantity(session, customer_id=customer_id, item_id=item_id)
    value = held_value(session, customer_id=customer_id, item_id=item_id)
    if left <= 0 or value <= 0:
        return 0
    return value if quantity >= left else value * quantity // left


def _rows(session: Session, customer_id: int, item_id: int | None = None):
    conditions = [_HELD.c.customer_id == customer_id]
    if item_id is not None:
        conditions.append(_HELD.c.item_id == item_id)
    return session.execute(
        select(_HELD.c.item_id, _HELD.c.quantity, _HELD.c.amount, _HELD.c.created_at,
               _HELD.c.description)
        .where(*conditions).order_by(_HELD.c.id)).all()


@boundary
def to_collect(session: Session, *, customer_id: int) -> list[ToCollect]:
    """What the customer still has to collect, one row per product with some left, the
    longest waiting first."""
    state: dict[int, list] = {}  # item: [left, value, since, description]
    for item_id, quantity, amount, created_at, description in _rows(session, customer_id):
        held = state.setdefault(item_id, [0, 0, created_at, description])
        if held[0] <= 0:  # all collected before this row: it starts waiting again
            held[2] = created_at
        held[0] += quantity
        held[1] += amount
        if quantity > 0:
            held[3] = description
    left = {i: h for i, h in state.items() if h[0] > 0}
    if not left:
        return []
    codes = dict(session.execute(select(_ITEM.c.id, _ITEM.c.code).where(
        _ITEM.c.id.in_(list(left)))).all())
    rows = [ToCollect(item_id=i, code=codes.get(i, ""), description=h[3], quantity=h[0],
                      amount=h[1], since=h[2]) for i, h in left.items()]
    return sorted(rows, key=lambda r: (r.since, r.item_id))


def count_to_collect(session: Session, *, customer_id: int) -> int:
    """How many products the customer still has to collect, all items together."""
    return int(session.execute(
        select(func.coalesce(func.sum(_HELD.c.quantity), 0)).where(
            _HELD.c.customer_id == customer_id)).scalar_one())


@boundary
def held_history(session: Session, *, customer_id: int, item_id: int | None = None,
                 limit: int = 200, offset: int = 0) -> list[HeldRow]:
    """A page of the history of the customer's products to collect (of one product, with
    ``item_id``), newest first: sold and left here, back-filled, handed over, refunded,
    reversed, moved by a merge; each with its date, staff, note, invoice and what is left
    of its product after it."""
    if limit < 0 or offset < 0:
        raise ValidationError(_("Paging must not be negative."), field="limit")
    conditions = [_HELD.c.customer_id == customer_id]
    if item_id is not None:
        conditions.append(_HELD.c.item_id == item_id)
    ids = list(session.execute(select(_HELD.c.id).where(*conditions)
                               .order_by(_HELD.c.id.desc()).limit(limit).offset(offset))
               .scalars())
    if not ids:
        return []
    page = session.execute(
        select(_HELD.c.id, _HELD.c.created_at, _HELD.c.kind, _HELD.c.item_id,
               _HELD.c.description, _HELD.c.quantity, _HELD.c.amount, _HELD.c.note,
               _STAFF.c.name.label("staff_name"), _INVOICE.c.code.label("invoice_code"))
        .select_from(_HELD)
        .outerjoin(_STAFF, _STAFF.c.id == _HELD.c.staff_id)
        .outerjoin(_LINE, _LINE.c.id == _HELD.c.invoice_line_id)
        .outerjoin(_INVOICE, _INVOICE.c.id == _LINE.c.invoice_id)
        .where(_HELD.c.id.in_(ids)).order_by(_HELD.c.id)).all()
    before = session.execute(
        select(_HELD.c.item_id, func.sum(_HELD.c.quantity))
        .where(*conditions, _HELD.c.id < page[0].id).group_by(_HELD.c.item_id))
    running = {item: int(total or 0) for item, total in before}
    rows = []
    for r in page:  # oldest first: carry each product's count through the page
        running[r.item_id] = running.get(r.item_id, 0) + r.quantity
        rows.append(HeldRow(id=r.id, created_at=r.created_at, kind=r.kind, item_id=r.item_id,
                            description=r.description, quantity=r.quantity, amount=r.amount,
                            staff_name=r.staff_name, note=r.note,
                            invoice_code=r.invoice_code, left_after=running[r.item_id]))
    rows.reverse()
    return rows


# ---------------------------------------------------------------- writing


def _quantity_texts() -> NumberTexts:
    return NumberTexts(not_whole=_("Quantity must be a whole number."),
                       too_low=_("Quantity cannot be less than {low}."),
                       too_high=_("Quantity is too large."))


@boundary
def hand_over(session: Session, *, staff_id: int, customer_id: int, item_id: int,
              quantity: int, note: str = "") -> HandedOver:
    """Give the customer ``quantity`` of a product held for them (some or all of it),
    recorded with the date, the staff member and a note (optional).

    Refused: a quantity not from 1 to what is left ("Only 2 of Dầu gội are left to
    collect."), a product with nothing left to collect, an unknown or deleted customer,
    a note over 250 characters. One ``handover`` row (its value in proportion: see
    :func:`value_out`) and one audit row ``hand_over_products`` on the customer.
    """
    staff = require_staff(session, staff_id)
    quantity = whole_number(quantity, field="quantity", low=1, high=MAX_QUANTITY,
                            texts=_quantity_texts())
    note = clean_line(note, field="note", limit=MAX_NOTE,
                      too_long=_("Note is longer than {limit} characters."))
    name, deleted = _lock_customer(session, customer_id)
    if deleted:
        raise RuleViolation(_("{name} is deleted; restore them first.").format(name=name),
                            field="customer")
    held = next((r for r in to_collect(session, customer_id=customer_id)
                 if r.item_id == item_id), None)
    if held is None:
        raise RuleViolation(_("Nothing of this product is left to collect."), field="item")
    if quantity > held.quantity:
        raise RuleViolation(_("Only {left} of {item} are left to collect.").format(
            left=held.quantity, item=held.description), field="quantity")
    value = value_out(session, customer_id=customer_id, item_id=item_id, quantity=quantity)
    entry_id = hold(session, customer_id=customer_id, item_id=item_id,
                    description=held.description, quantity=-quantity,
                    kind=HeldProductKind.HANDOVER, amount=-value, staff_id=staff.id,
                    note=note)
    left = held.quantity - quantity
    audit.record(session, staff_id=staff.id, action="hand_over_products", entity="customer",
                 entity_id=customer_id,
                 before={"item_id": item_id, "left": held.quantity},
                 after={"item_id": item_id, "quantity": quantity, "left": left,
                        "amount": value, "note": note, "entry_id": entry_id})
    return HandedOver(id=item_id, entry_id=entry_id, description=held.description,
                      quantity=quantity, left=left)


def hold_sold_line(session: Session, *, customer_id: int, line: InvoiceLine,
                   staff_id: int | None) -> int:
    """A product line sold and left at the salon (``picked_up`` off): held for the customer
    (a ``sale`` row naming the line, at the line's amount). The checkout's audit row covers
    it."""
    assert line.item_id is not None  # a product line names its product
    return hold(session, customer_id=customer_id, item_id=line.item_id,
                description=line.description, quantity=line.quantity,
                kind=HeldProductKind.SALE, amount=line.amount,
                invoice_line_id=stored_id(line), staff_id=staff_id)


def take_back_held(session: Session, *, customer_id: int, line_id: int, refund_line_id: int,
                   staff_id: int | None, note: str = "") -> int:
    """A refund of a product line that was left at the salon: what is still held of it is
    no longer the customer's to collect (a ``refund`` row naming the refund's line). Never
    more than the line put in less what refunds took back of it before, nor more than is
    still held of the product (some may have been handed over). Returns how many."""
    line = session.get(InvoiceLine, line_id)
    if line is None or line.item_id is None:
        return 0
    sold = int(session.execute(select(func.coalesce(func.sum(_HELD.c.quantity), 0)).where(
        _HELD.c.invoice_line_id == line_id, _HELD.c.kind == HeldProductKind.SALE,
        _HELD.c.customer_id == customer_id)).scalar_one())
    refund_lines = select(_LINE.c.id).where(_LINE.c.refund_of_line_id == line_id)
    taken = -int(session.execute(select(func.coalesce(func.sum(_HELD.c.quantity), 0)).where(
        _HELD.c.invoice_line_id.in_(refund_lines), _HELD.c.kind == HeldProductKind.REFUND,
        _HELD.c.customer_id == customer_id)).scalar_one())
    _lock_customer(session, customer_id)
    left = held_quantity(session, customer_id=customer_id, item_id=line.item_id)
    quantity = min(sold - taken, left)
    if quantity <= 0:
        return 0
    value = value_out(session, customer_id=customer_id, item_id=line.item_id,
                      quantity=quantity)
    hold(session, customer_id=customer_id, item_id=line.item_id, description=line.description,
         quantity=-quantity, kind=HeldProductKind.REFUND, amount=-value,
         invoice_line_id=refund_line_id, staff_id=staff_id, note=note)
    return quantity


def move_held(session: Session, *, source: int, target: int, staff_id: int | None,
              note: str, items: list[list[int]] | None = None) -> list[list[int]]:
    """Move what ``source`` holds to ``target`` (a merge; with ``items``, its undo: those
    [item, quantity, amount] back): a row out of one and a row into the other per product,
    kind :data:`MERGE`. Returns what moved, as [item, quantity, amount] lists. Refused when
    ``source`` no longer holds as much (undoing a merge after a handover)."""
    if items is None:
        items = [[r.item_id, r.quantity, r.amount]
                 for r in to_collect(session, customer_id=source)]
    descriptions = {r.item_id: r.description for r in to_collect(session, customer_id=source)}
    moved = []
    for item_id, quantity, amount in items:
        description = descriptions.get(item_id)
        if description is None:
            description = session.execute(select(_ITEM.c.name).where(
                _ITEM.c.id == item_id)).scalar_one_or_none() or ""
        hold(session, customer_id=source, item_id=item_id, description=description,
             quantity=-quantity, kind=MERGE, amount=-amount, staff_id=staff_id, note=note)
        hold(session, customer_id=target, item_id=item_id, description=description,
             quantity=quantity, kind=MERGE, amount=amount, staff_id=staff_id, note=note)
        moved.append([item_id, quantity, amount])
    return moved
