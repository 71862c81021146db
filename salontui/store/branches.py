"""Branches of a chain: where a desk stands.

Customers and what they hold (packages, cards, points, debt) belong to the chain;
staff, appointments, invoices and held checkouts to a branch. ``branch_id`` NULL on
those rows means the first branch (rows written before the salon had branches are
sealed and are never rewritten), so :func:`branch_sql` reads "this branch" as "its id,
or NULL when it is the first". A salon with one branch never names it.

A branch may give its invoices a prefix ("Q1-" → Q1-HD000001): it then has its own
invoice counter, so each branch's codes run without holes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import Session, col, select

from salontui.i18n import _
from salontui.store import audit, clock
from salontui.store.admin.permissions import require_permission
from salontui.store.bounds import boundary
from salontui.store.errors import NotFound, ValidationError
from salontui.store.kinds import Permission
from salontui.store.models import Branch, stored_id
from salontui.store.text import clean_line, quote

MAX_CODE = 10
MAX_PREFIX = 6
_CODE = re.compile(r"^[A-Z0-9][A-Z0-9_-]*$")


@dataclass(frozen=True)
class BranchRow:
    id: int
    code: str
    name: str
    address: str
    phone: str
    receipt_header: str
    invoice_prefix: str
    active: bool


def _plain(row: Branch) -> BranchRow:
    return BranchRow(id=stored_id(row), code=row.code, name=row.name, address=row.address,
                     phone=row.phone, receipt_header=row.receipt_header,
                     invoice_prefix=row.invoice_prefix, active=row.active)


def list_branches(session: Session, *, include_inactive: bool = False) -> list[BranchRow]:
    """The chain's branches, the first one first."""
    statement = select(Branch).order_by(col(Branch.id))
    if not include_inactive:
        statement = statement.where(Branch.active)
    return [_plain(row) for row in session.exec(statement)]


def first_branch_id(session: Session) -> int | None:
    """The first branch: the one rows without a branch belong to."""
    return session.exec(select(Branch.id).order_by(col(Branch.id)).limit(1)).first()


@boundary
def find_branch(session: Session, *, code: str) -> BranchRow:
    """A branch by its code (case-insensitive); NotFound names the code and the known ones."""
    wanted = (code or "").strip().upper()
    row = session.exec(select(Branch).where(Branch.code == wanted)).first()
    if row is None:
        known = ", ".join(b.code for b in list_branches(session))
        raise NotFound(_("No branch {code} (the branches are: {known}).").format(
            code=quote(code), known=known), field="branch")
    return _plain(row)


def get_branch(session: Session, branch_id: int | None) -> BranchRow:
    """A branch by id; None is the first branch."""
    if branch_id is None:
        branch_id = first_branch_id(session)
    row = session.get(Branch, branch_id) if branch_id is not None else None
    if row is None:
        raise NotFound(_("No branch #{id}.").format(id=branch_id), field="branch")
    return _plain(row)


def branch_sql(column: str, branch_id: int | None, first_id: int | None) -> str:
    """SQL for "``column`` is this branch" (None: every branch; it binds ``:branch``). A row
    with no branch is the first branch's."""
    if branch_id is None:
        return "1 = 1"
    if branch_id == first_id:
        return f"({column} = :branch OR {column} IS NULL)"
    return f"{column} = :branch"


def _clean(code: str | None, name: str | None, address: str | None, phone: str | None,
           receipt_header: str | None, invoice_prefix: str | None) -> dict[str, str]:
    code = (code or "").strip().upper()
    if not code:
        raise ValidationError(_("Enter a short code for the branch (e.g. Q1)."), field="code")
    if len(code) > MAX_CODE or not _CODE.match(code):
        raise ValidationError(_("A branch code is up to {limit} letters, digits, - or _.")
                              .format(limit=MAX_CODE), field="code")
    prefix = (invoice_prefix or "").strip().upper()
    if len(prefix) > MAX_PREFIX or (prefix and not re.match(r"^[A-Z0-9-]+$", prefix)) \
            or prefix.startswith("HD"):  # (would read as one of the chain's own codes)
        raise ValidationError(_("An invoice prefix is up to {limit} letters, digits or -.")
                              .format(limit=MAX_PREFIX), field="invoice_prefix")
    too_long = _("This is longer than {limit} characters.")
    return {
        "code": code,
        "name": clean_line(name, field="name", limit=120, too_long=too_long,
                           required=_("Name is required.")),
        "address": clean_line(address, field="address", limit=250, too_long=too_long),
        "phone": clean_line(phone, field="phone", limit=20, too_long=too_long),
        "receipt_header": clean_line(receipt_header, field="receipt_header", limit=250,
                                     too_long=too_long),
        "invoice_prefix": prefix,
    }


def _refuse_taken(session: Session, code: str, prefix: str, branch_id: int | None) -> None:
    for row in session.exec(select(Branch)):
        if row.id == branch_id:
            continue
        if row.code == code:
            raise ValidationError(_("Branch code {code} is already used.").format(
                code=quote(code)), field="code")
        if prefix and row.invoice_prefix == prefix:
            raise ValidationError(_("Invoice prefix {prefix} is already used by {branch}.")
                                  .format(prefix=quote(prefix), branch=row.name),
                                  field="invoice_prefix")


@boundary
def create_branch(session: Session, *, staff_id: int, code: str, name: str,
                  address: str = "", phone: str = "", receipt_header: str = "",
                  invoice_prefix: str = "", approved_by: int | None = None) -> BranchRow:
    """Open a branch of the chain."""
    fields = _clean(code, name, address, phone, receipt_header, invoice_prefix)
    _refuse_taken(session, fields["code"], fields["invoice_prefix"], None)
    approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                  permission=Permission.SETTINGS)
    row = Branch(code=fields["code"], name=fields["name"], address=fields["address"],
                 phone=fields["phone"], receipt_header=fields["receipt_header"],
                 invoice_prefix=fields["invoice_prefix"], active=True, created_at=clock.now())
    session.add(row)
    session.flush()
    audit.record(session, staff_id=staff_id, action="create_branch", entity="branch",
                 entity_id=row.id, after=audit.snapshot(row), approved_by=approver)
    return _plain(row)


@boundary
def update_branch(session: Session, *, staff_id: int, branch_id: int, code: str | None = None,
                  name: str | None = None, address: str | None = None,
                  phone: str | None = None, receipt_header: str | None = None,
                  invoice_prefix: str | None = None, active: bool | None = None,
                  approved_by: int | None = None) -> BranchRow:
    """Change a branch (None: keep). An invoice prefix changed later starts its own
    counter; the codes already given keep theirs."""
    row = session.get(Branch, branch_id)
    if row is None:
        raise NotFound(_("No branch #{id}.").format(id=branch_id), field="branch")
    before = audit.snapshot(row)
    fields = _clean(row.code if code is None else code, row.name if name is None else name,
                    row.address if address is None else address,
                    row.phone if phone is None else phone,
                    row.receipt_header if receipt_header is None else receipt_header,
                    row.invoice_prefix if invoice_prefix is None else invoice_prefix)
    _refuse_taken(session, fields["code"], fields["invoice_prefix"], row.id)
    if active is False and row.id == first_branch_id(session):
        raise ValidationError(_("The first branch cannot be closed: rows without a branch "
                                "are its."), field="active")
    approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                  permission=Permission.SETTINGS)
    for key, value in fields.items():
        setattr(row, key, value)
    if active is not None:
        row.active = active
    session.add(row)
    session.flush()
    audit.record(session, staff_id=staff_id, action="update_branch", entity="branch",
                 entity_id=row.id, before=before, after=audit.snapshot(row), approved_by=approver)
    return _plain(row)


def invoice_sequence(session: Session, branch_id: int | None) -> tuple[str, str, int]:
    """The code sequence of an invoice written at ``branch_id``: the chain's HD000001 or,
    for a branch with a prefix, its own (Q1-HD000001, counter ``invoice:<id>``)."""
    from salontui.store.codes import INVOICE

    name, prefix, width = INVOICE
    if branch_id is None:
        return INVOICE
    row = session.get(Branch, branch_id)
    if row is None:
        raise NotFound(_("No branch #{id}.").format(id=branch_id), field="branch")
    if not row.invoice_prefix:
        return INVOICE
    return (f"{name}:{row.id}", f"{row.invoice_prefix}{prefix}", width)
