"""Reading invoices: the customer's invoices tab (paged in SQL) and one invoice in full.

A customer with 5,000 invoices lists as fast as one with 5: a page is an
index range on ``(customer_id, created_at)`` with LIMIT/OFFSET, and only the
lines of that page's invoices are read afterwards (one more indexed query).
Paid invoices never change owner, so a customer's list also holds the
invoices of the duplicates merged into them (found through ``customer_merge``,
an index lookup; see :mod:`merge`).
Dates are the salon's calendar days (``utc_offset_minutes`` of the settings),
turned into UTC bounds, since timestamps are stored in UTC.

Invoices are written by :mod:`checkout` and :mod:`refunds`; nothing here writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import cast

from sqlalchemy import func, select, text
from sqlmodel import Session

from salontui.i18n import _
from salontui.store.admin.methods import kind_of, methods_by_code
from salontui.store.bounds import boundary
from salontui.store.branches import BranchRow, list_branches
from salontui.store.dates import date_hint
from salontui.store.errors import NotFound, ValidationError
from salontui.store.kinds import payment_method_label
from salontui.store.models import (
    Customer,
    CustomerMerge,
    CustomerPromotion,
    Invoice,
    InvoiceLine,
    LedgerEntry,
    Payment,
    Staff,
    ValueCard,
    table_of,
)
from salontui.store.settings import get_settings
from salontui.store.text import quote

MAX_PAGE = 1000

_I = table_of(Invoice)
_L = table_of(InvoiceLine)
_P = table_of(Payment)
_S = table_of(Staff)
_C = table_of(Customer)
_V = table_of(ValueCard)
_M = table_of(CustomerMerge)


@dataclass(frozen=True)
class InvoiceRow:
    id: int
    code: str
    created_at: datetime
    kind: str  # sale / refund / repayment
    usage_type: str  # the kinds of its lines, comma separated, in line order: "service,redeem"
    item: str  # first line's description, "+N more" when there are others
    quantity: int  # sum of the lines' quantities
    total: int
    staff_name: str | None  # the cashier
    technicians: str = ""  # who did its lines, comma separated, in line order
    refund_state: str = ""  # "" / "partly" / "refunded" (every line refunded)
    refund_codes: str = ""  # the refunds of it, comma separated: "HD000007, HD000009"
    branch: str = ""  # the branch's name, when the salon has more than one


@dataclass(frozen=True)
class InvoiceLineRow:
    kind: str
    description: str
    quantity: int
    unit_price: int
    discount: int
    amount: int
    staff_name: str | None  # who did the service (the technician), not the cashier
    id: int = 0
    card_name: str | None = None  # a top-up: the card credited
    credit: int = 0  # a top-up: the value credited (negative on its refund)
    balance_after: int | None = None  # a top-up: that card's balance once this invoice was paid
    refunded_by: str = ""  # the refund(s) of this line: "HD000007"


# The columns of a line's row before ``credit``: kind … staff name, id, card name.
_LineColumns = tuple[str, str, int, int, int, int, str | None, int, str | None]


@dataclass(frozen=True)
class PaymentRow:
    method: str  # the method's code, as the payment stores it
    amount: int  # what the invoice took (cash: net of the change given)
    card_name: str | None
    points: int
    card_id: int | None = None
    # The method as the salon's list says it now (store/admin/methods.py): its name as
    # shown (a method renamed since reads its new name) and its kind.
    label: str = ""
    kind: str = ""


@dataclass(frozen=True)
class InvoiceDetail:
    id: int
    code: str
    created_at: datetime
    kind: str
    customer_id: int | None
    customer_name: str | None
    subtotal: int
    discount: int
    total: int
    staff_name: str | None
    refund_of_code: str | None
    note: str
    lines: list[InvoiceLineRow]
    payments: list[PaymentRow]
    change_given: int = 0  # cash handed back: tendered = the cash payment + this
    promotion_code: str | None = None  # the promotion used on it (part of its discount)
    refund_state: str = ""  # "" / "partly" / "refunded" (every line refunded)
    refund_codes: tuple[str, ...] = ()  # its refunds, oldest first
    branch: BranchRow | None = None  # where it was written, when the salon has more than one
    # The customer's tier's part of the discount ("Gold tier -5 %"), as the checkout's
    # audit row recorded it (store/checkout.py): the tier's name then, its percent, amount.
    tier_name: str = ""
    tier_percent: int = 0
    tier_discount: int = 0


def refund_state(line_ids: list[int], refunded: set[int]) -> str:
    """"refunded" when every line was refunded, "partly" when some were, else ""."""
    done = sum(1 for i in line_ids if i in refunded)
    if not done:
        return ""
    return "refunded" if done == len(line_ids) else "partly"


def _refunds_of(session: Session, ids: list[int], owners: list[int] | None):
    """The refunds of the invoices ``ids``: {invoice id: [codes]} and {line id: [codes]}.

    A refund belongs to the customer of the invoice it reverses, so ``owners`` (the
    customer and their merged duplicates) keeps the read on the customer's index."""
    refund = _I.alias("refund")
    conditions = [refund.c.refund_of_id.in_(ids), refund.c.kind == "refund"]
    if owners is not None:
        conditions.append(refund.c.customer_id.in_(owners))
    by_invoice: dict[int, list[str]] = {}
    by_line: dict[int, list[str]] = {}
    statement = (select(refund.c.refund_of_id, refund.c.code, _L.c.refund_of_line_id)
                 .select_from(refund.outerjoin(_L, _L.c.invoice_id == refund.c.id))
                 .where(*conditions).order_by(refund.c.id, _L.c.id))
    for invoice_id, code, line_id in session.execute(statement):
        codes = by_invoice.setdefault(invoice_id, [])
        if code not in codes:
            codes.append(code)
        if line_id is not None and code not in by_line.setdefault(line_id, []):
            by_line[line_id].append(code)
    return by_invoice, by_line


def _utc_bounds(session: Session, date_from: date | None,
                date_to: date | None) -> tuple[datetime | None, datetime | None]:
    """[start of date_from, start of the day after date_to) in UTC."""
    if date_from is None and date_to is None:
        return None, None
    for value, field in ((date_from, "date_from"), (date_to, "date_to")):
        if value is not None and (not isinstance(value, date) or isinstance(value, datetime)):
            raise ValidationError(_("Enter a date ({pattern} or YYYY-MM-DD).").format(
                pattern=date_hint()), field=field)
    if date_from is not None and date_to is not None and date_to < date_from:
        raise ValidationError(_("The end date is before the start date."), field="date_to")
    offset = timedelta(minutes=get_settings(session).utc_offset_minutes)
    start = datetime.combine(date_from, time()) - offset if date_from is not None else None
    end = (datetime.combine(date_to + timedelta(days=1), time()) - offset
           if date_to is not None else None)
    return start, end


def _owners(session: Session, customer_id: int) -> list[int]:
    """The customer and the duplicates merged into them (a merge not undone)."""
    merged = session.execute(select(_M.c.merged_id).where(
        _M.c.kept_id == customer_id, _M.c.undone_at.is_(None)).order_by(_M.c.merged_id))
    return [customer_id, *(r[0] for r in merged)]


def _where(owners: list[int], start: datetime | None, end: datetime | None) -> list:
    conditions = [_I.c.customer_id == owners[0] if len(owners) == 1
                  else _I.c.customer_id.in_(owners)]
    if start is not None:
        conditions.append(_I.c.created_at >= start)
    if end is not None:
        conditions.append(_I.c.created_at < end)
    return conditions


def _check_paging(limit: int, offset: int) -> None:
    if limit < 0 or offset < 0:
        raise ValidationError(_("Paging must not be negative."), field="limit")


@boundary
def count_invoices(session: Session, *, customer_id: int, date_from: date | None = None,
                   date_to: date | None = None) -> int:
    """How many invoices the customer has (within the dates): an index-only count."""
    start, end = _utc_bounds(session, date_from, date_to)
    statement = select(func.count()).select_from(_I).where(
        *_where(_owners(session, customer_id), start, end))
    return int(session.execute(statement).scalar_one())


@boundary
def list_invoices(session: Session, *, customer_id: int, date_from: date | None = None,
                  date_to: date | None = None, limit: int = 100,
                  offset: int = 0) -> list[InvoiceRow]:
    """A page of the customer's invoices, newest first, paged in SQL."""
    _check_paging(limit, offset)
    start, end = _utc_bounds(session, date_from, date_to)
    # The page's ids from the index alone (skipping OFFSET rows costs index entries, not
    # table rows: the last page of 5,000 invoices is as quick as the first), then the rows.
    owners = _owners(session, customer_id)
    page = (
        select(_I.c.id)
        .where(*_where(owners, start, end))
        .order_by(_I.c.created_at.desc(), _I.c.id.desc())
        .limit(min(limit, MAX_PAGE)).offset(offset)
    )
    ids = list(session.execute(page).scalars())
    if not ids:
        return []
    found = {r[0]: r for r in session.execute(
        select(_I.c.id, _I.c.code, _I.c.created_at, _I.c.kind, _I.c.total, _S.c.name,
               _I.c.branch_id)
        .select_from(_I.outerjoin(_S, _S.c.id == _I.c.staff_id))
        .where(_I.c.id.in_(ids)))}
    branches = {b.id: b.name for b in list_branches(session, include_inactive=True)}
    first = min(branches, default=None)
    heads = [found[i] for i in ids]
    lines: dict[int, list[tuple[str, str, int]]] = {i: [] for i in ids}
    line_ids: dict[int, list[int]] = {i: [] for i in ids}
    technicians: dict[int, list[str]] = {i: [] for i in ids}
    line_staff = _S.alias("line_staff")
    statement = (select(_L.c.invoice_id, _L.c.kind, _L.c.description, _L.c.quantity, _L.c.id,
                        line_staff.c.name)
                 .select_from(_L.outerjoin(line_staff, line_staff.c.id == _L.c.staff_id))
                 .where(_L.c.invoice_id.in_(ids)).order_by(_L.c.invoice_id, _L.c.id))
    for invoice_id, kind, description, quantity, line_id, technician in session.execute(
            statement):
        lines[invoice_id].append((kind, description, quantity))
        line_ids[invoice_id].append(line_id)
        if technician and technician not in technicians[invoice_id]:
            technicians[invoice_id].append(technician)
    refunds, refunded_lines = _refunds_of(session, ids, owners)
    rows = []
    for invoice_id, code, created_at, kind, total, staff_name, branch_id in heads:
        own = lines[invoice_id]
        kinds = list(dict.fromkeys(k for k, _d, _q in own))
        item = own[0][1] if own else ""
        if len(own) > 1:
            item = _("{item} +{n} more").format(item=item, n=len(own) - 1)
        rows.append(InvoiceRow(id=invoice_id, code=code, created_at=created_at, kind=kind,
                               usage_type=",".join(kinds), item=item,
                               quantity=sum(q for _k, _d, q in own), total=total,
                               staff_name=staff_name,
                               technicians=", ".join(technicians[invoice_id]),
                               refund_state=refund_state(line_ids[invoice_id],
                                                         set(refunded_lines)),
                               refund_codes=", ".join(refunds.get(invoice_id, [])),
                               branch=branches.get(branch_id or first or 0, "")
                               if len(branches) > 1 else ""))
    return rows


@boundary
def get_invoice(session: Session, *, invoice_id: int) -> InvoiceDetail:
    """One invoice with its lines (and who did each service) and its payments."""
    original = _I.alias("original")
    promotion = (select(table_of(CustomerPromotion).c.code)
                 .where(table_of(CustomerPromotion).c.invoice_id == _I.c.id)
                 .limit(1).scalar_subquery())
    head = session.execute(
        select(_I.c.id, _I.c.code, _I.c.created_at, _I.c.kind, _I.c.customer_id, _C.c.name,
               _I.c.subtotal, _I.c.discount, _I.c.total, _S.c.name, original.c.code, _I.c.note,
               _I.c.change_given, promotion, _I.c.branch_id)
        .select_from(
            _I.outerjoin(_C, _C.c.id == _I.c.customer_id)
            .outerjoin(_S, _S.c.id == _I.c.staff_id)
            .outerjoin(original, original.c.id == _I.c.refund_of_id))
        .where(_I.c.id == invoice_id)
    ).first()
    if head is None:
        raise NotFound(_("No invoice #{id}.").format(id=invoice_id), field="invoice")
    line_staff = _S.alias("line_staff")
    rows = session.execute(
        select(_L.c.kind, _L.c.description, _L.c.quantity, _L.c.unit_price, _L.c.discount,
               _L.c.amount, line_staff.c.name, _L.c.id, _V.c.name, _L.c.credit, _L.c.card_id)
        .select_from(_L.outerjoin(line_staff, line_staff.c.id == _L.c.staff_id)
                     .outerjoin(_V, _V.c.id == _L.c.card_id))
        .where(_L.c.invoice_id == invoice_id).order_by(_L.c.id)).all()
    refunds, refunded_lines = _refunds_of(session, [invoice_id],
                                          [head[4]] if head[4] is not None else None)
    lines = [InvoiceLineRow(*cast(_LineColumns, r[:9]), credit=r[9],
                            balance_after=_balance_after(session, invoice_id, r[10], head[4])
                            if r[0] == "topup" and r[10] is not None else None,
                            refunded_by=", ".join(refunded_lines.get(r[7], [])))
             for r in rows]
    methods = methods_by_code(session)
    kinds = {code: m.kind for code, m in methods.items()}
    payments = [
        PaymentRow(r[0], r[1], r[2], r[3], r[4], label=methods[r[0]].label
                   if r[0] in methods else payment_method_label(r[0]),
                   kind=kind_of(kinds, r[0]))
        for r in session.execute(
            select(_P.c.method, _P.c.amount, _V.c.name, _P.c.points, _P.c.card_id)
            .select_from(_P.outerjoin(_V, _V.c.id == _P.c.card_id))
            .where(_P.c.invoice_id == invoice_id).order_by(_P.c.id))
    ]
    tier_name, tier_percent, tier_discount = (
        _tier_part(session, invoice_id) if head[7] and head[3] == "sale" else ("", 0, 0))
    return InvoiceDetail(id=head[0], code=head[1], created_at=head[2], kind=head[3],
                         customer_id=head[4], customer_name=head[5], subtotal=head[6],
                         discount=head[7], total=head[8], staff_name=head[9],
                         refund_of_code=head[10], note=head[11], lines=lines,
                         payments=payments, change_given=head[12],
                         promotion_code=head[13],
                         refund_state=refund_state([r[7] for r in rows], set(refunded_lines)),
                         refund_codes=tuple(refunds.get(invoice_id, [])),
                         branch=_branch_of(session, head[14]), tier_name=tier_name,
                         tier_percent=tier_percent, tier_discount=tier_discount)


def _tier_part(session: Session, invoice_id: int) -> tuple[str, int, int]:
    """The tier's name, percent and amount of an invoice's discount, from the audit row
    of its checkout (the invoice has no column of its own for it); nothing when none."""
    import json

    found = session.execute(text(
        "SELECT after FROM audit_log WHERE entity = 'invoice' AND entity_id = :i "
        "AND action = 'checkout' ORDER BY id LIMIT 1"), {"i": invoice_id}).scalar()
    try:
        tier = json.loads(found or "{}").get("tier") or {}
        if int(tier.get("discount") or 0) > 0:
            return str(tier["name"]), int(tier["discount_percent"]), int(tier["discount"])
    except (ValueError, KeyError, TypeError, AttributeError):
        pass
    return "", 0, 0


def _branch_of(session: Session, branch_id: int | None) -> BranchRow | None:
    """The branch an invoice was written at (no branch: the first), when the salon has
    more than one (a closed one counts: its invoices still name it); else None."""
    branches = list_branches(session, include_inactive=True)
    if len(branches) < 2:
        return None
    wanted = branch_id if branch_id is not None else branches[0].id
    return next((b for b in branches if b.id == wanted), None)


def _balance_after(session: Session, invoice_id: int, card_id: int, customer_id: int) -> int:
    """The card's balance once ``invoice_id`` was written: its entries up to the last one
    this invoice made on it (a reprint months later says the same)."""
    _E = table_of(LedgerEntry)
    last = (select(func.max(_E.c.id))
            .where(_E.c.ref_type == "invoice", _E.c.ref_id == invoice_id,
                   _E.c.card_id == card_id).scalar_subquery())
    return int(session.execute(
        select(func.coalesce(func.sum(_E.c.amount), 0))
        .where(_E.c.customer_id == customer_id, _E.c.account == "value",
               _E.c.card_id == card_id, _E.c.id <= last)
    ).scalar_one())


@boundary
def invoice_id_by_code(session: Session, code: str) -> int:
    """The id of the invoice whose code is on a receipt: "HD000123", "hd123" or just "123"
    (the number is padded to the code's width)."""
    from salontui.store.codes import INVOICE, format_code

    _name, prefix, width = INVOICE
    raw = (code or "").strip().upper().replace(" ", "")
    if not raw:
        raise ValidationError(_("Enter the invoice code."), field="code")
    # A branch's prefix comes first ("Q1-HD000123", "q1-hd123"): kept as typed.
    branch_prefix, marker, number = raw.rpartition(prefix)
    if not marker:
        branch_prefix, number = "", raw
    if not (number.isascii() and number.isdigit()) or len(number) > 12 \
            or len(branch_prefix) > 6:
        raise ValidationError(_("'{code}' is not an invoice code (like {example}).").format(
            code=quote(code), example=format_code(prefix, width, 123)), field="code")
    wanted = branch_prefix + format_code(prefix, width, int(number))
    found = session.execute(select(_I.c.id).where(_I.c.code == wanted)).first()
    if found is None:
        raise NotFound(_("No invoice {code}.").format(code=wanted), field="code")
    return found[0]
