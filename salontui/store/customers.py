"""Customers: create, update, soft delete, restore, and the duplicate warning.

Name and phone are required; the phone is normalised to E.164 with the
salon's default region. A second customer with the same phone or the same
name is not created silently: :class:`DuplicateCustomer` carries the
existing customer(s) so the desk can offer to open that one instead, and
the receptionist may go on with ``allow_duplicate=True``.

The customer's group (VIP, staff family…: store/admin/groups.py) is chosen in the
same form, so it is written with the other fields under the same audit row
(``group_id`` of :func:`create_customer` and :func:`update_customer`); a retired
group takes no new member (one already in it may stay).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any, Literal

from sqlalchemy import delete, or_
from sqlmodel import Session, col, select

from salontui.i18n import _
from salontui.store import audit, clock, codes
from salontui.store.admin.permissions import require_permission
from salontui.store.bounds import boundary, check_email, check_int
from salontui.store.errors import (
    ConcurrentEdit,
    DuplicateCustomer,
    NotFound,
    RuleViolation,
    ValidationError,
)
from salontui.store.kinds import MemberState, Permission
from salontui.store.models import Customer, CustomerGroup, CustomerNameKey, Tier, stored_id
from salontui.store.phones import parse_phone
from salontui.store.settings import get_settings
from salontui.store.staff import require_staff
from salontui.store.text import fold, name_keys, quote

MAX_NAME = 120
MAX_EMAIL = 120
MAX_ADDRESS = 250
MAX_NOTE = 1000
GENDERS = ("", "female", "male", "other")
MEMBER_STATES = tuple(MemberState)


@dataclass(frozen=True)
class CustomerRecord:
    """A customer's own fields, as plain data for forms and headers."""

    id: int
    code: str
    name: str
    phone: str
    birthday: date | None
    gender: str
    email: str
    address: str
    note: str
    tier: str
    member_state: str
    created_at: datetime
    deleted_at: datetime | None
    # Pass back as expected_updated_at to catch a concurrent edit.
    updated_at: datetime | None = None
    group_id: int | None = None  # the customer's group (None: in none)
    member_reason: str = ""  # why the member is excluded (store/loyalty/members.py)


def to_record(row: Customer) -> CustomerRecord:
    return CustomerRecord(
        id=stored_id(row), code=row.code, name=row.name, phone=row.phone, birthday=row.birthday,
        gender=row.gender, email=row.email, address=row.address, note=row.note,
        tier=row.tier, member_state=row.member_state, created_at=row.created_at,
        deleted_at=row.deleted_at, updated_at=row.updated_at, group_id=row.group_id,
        member_reason=row.member_reason,
    )


class _Keep(Enum):
    KEEP = "keep"


# update_customer's group_id when the caller does not touch the group.
KEEP_GROUP: Literal[_Keep.KEEP] = _Keep.KEEP


def _clean_group(session: Session, group_id: int | None, *, current: int | None) -> int | None:
    """A group a customer may be put in: one that exists and is not retired, unless the
    customer is already in it (None: in none)."""
    if group_id is None:
        return None
    check_int(group_id, field="group")
    group = session.get(CustomerGroup, group_id)
    if group is None:
        raise NotFound(_("No customer group #{id}.").format(id=group_id), field="group")
    if not group.active and group_id != current:
        raise RuleViolation(_("The group {name} is retired.").format(name=quote(group.name)),
                            field="group")
    return group_id


def _clean_text(value: str | None, *, field: str, limit: int, too_long: str,
                required: str | None = None) -> str:
    """The text tidied (a note keeps its lines). ``required``: the message when it is empty
    and must not be; ``too_long``: the message (with ``{limit}``) when it is too long."""
    text = " ".join((value or "").split()) if field != "note" else (value or "").strip()
    if required and not text:
        raise ValidationError(required, field=field)
    if len(text) > limit:
        raise ValidationError(too_long.format(limit=limit), field=field)
    return text


def _validate(session: Session, *, name: str, phone: str, gender: str, email: str,
              address: str, note: str, birthday: date | None) -> dict:
    region = get_settings(session).phone_region
    clean: dict[str, Any] = {
        "name": _clean_text(name, field="name", limit=MAX_NAME,
                            required=_("Name is required."),
                            too_long=_("Name is longer than {limit} characters.")),
        "email": _clean_text(email, field="email", limit=MAX_EMAIL,
                             too_long=_("Email is longer than {limit} characters.")),
        "address": _clean_text(address, field="address", limit=MAX_ADDRESS,
                               too_long=_("Address is longer than {limit} characters.")),
        "note": _clean_text(note, field="note", limit=MAX_NOTE,
                            too_long=_("Note is longer than {limit} characters.")),
    }
    if clean["email"] and not check_email(clean["email"]):
        raise ValidationError(_("'{email}' is not an email address.").format(
            email=quote(clean["email"])), field="email")
    if gender not in GENDERS:
        raise ValidationError(_("Gender must be female, male or other."), field="gender")
    if birthday is not None and birthday > clock.today():
        raise ValidationError(_("Birthday cannot be in the future."), field="birthday")
    parsed = parse_phone(phone, region=region)
    clean.update(
        name_norm=fold(clean["name"]), phone=parsed.e164, phone_national=parsed.national_digits,
        phone_rev=parsed.reversed_digits, gender=gender, birthday=birthday,
    )
    return clean


def find_duplicates(session: Session, *, name: str, phone_e164: str,
                    exclude_id: int | None = None) -> list[CustomerRecord]:
    """Live customers with this phone or exactly this (folded) name."""
    statement = select(Customer).where(
        col(Customer.deleted_at).is_(None),
        or_(col(Customer.phone) == phone_e164, col(Customer.name_norm) == fold(name)),
    )
    if exclude_id is not None:
        statement = statement.where(Customer.id != exclude_id)
    return [to_record(row) for row in session.exec(statement.order_by(col(Customer.id)).limit(10))]


def _write_name_keys(session: Session, customer_id: int, name: str) -> None:
    session.execute(delete(CustomerNameKey).where(col(CustomerNameKey.customer_id) == customer_id))
    for key in name_keys(name):
        session.add(CustomerNameKey(customer_id=customer_id, key=key))


def _raise_if_duplicate(session: Session, clean: dict, exclude_id: int | None) -> None:
    matches = find_duplicates(session, name=clean["name"], phone_e164=clean["phone"],
                              exclude_id=exclude_id)
    if not matches:
        return
    first = matches[0]
    same_phone = any(m.phone == clean["phone"] for m in matches)
    if same_phone:
        message = _("{code} {name} already has this phone.")
    else:
        message = _("{code} {name} already has this name.")
    raise DuplicateCustomer(
        message.format(code=first.code, name=first.name),
        matches=matches, field="phone" if same_phone else "name",
    )


@boundary
def create_customer(
    session: Session,
    *,
    staff_id: int,
    name: str,
    phone: str,
    birthday: date | None = None,
    gender: str = "",
    email: str = "",
    address: str = "",
    note: str = "",
    allow_duplicate: bool = False,
    group_id: int | None = None,
) -> CustomerRecord:
    """Add a customer with the next KH code; warn (raise) on a duplicate phone or name.

    With a phone (always: it is required) the customer is an active member at once, or
    "not activated" when the salon's settings say so (``new_member_active``)."""
    require_staff(session, staff_id)
    clean = _validate(session, name=name, phone=phone, gender=gender, email=email,
                      address=address, note=note, birthday=birthday)
    clean["group_id"] = _clean_group(session, group_id, current=None)
    if not allow_duplicate:
        _raise_if_duplicate(session, clean, exclude_id=None)
    moment = clock.now()
    state = (MemberState.ACTIVE if get_settings(session).new_member_active
             else MemberState.NOT_ACTIVATED)
    from salontui.store.loyalty.tiers import first_tier_id

    tier = session.get(Tier, first_tier_id(session))  # every customer starts in the first
    assert tier is not None
    row = Customer(code=codes.next_code(session, codes.CUSTOMER), created_at=moment,
                   updated_at=moment, member_state=str(state), tier_id=tier.id,
                   tier=tier.name, **clean)
    session.add(row)
    session.flush()
    _write_name_keys(session, stored_id(row), row.name)
    audit.record(session, staff_id=staff_id, action="create_customer", entity="customer",
                 entity_id=row.id, after=audit.snapshot(row))
    return to_record(row)


def phone_needs_approval(member_state: str) -> bool:
    """Whether changing this customer's phone needs a manager (store/loyalty/phone.py): a
    member's does (active or excluded: the number is what their points and tier answer
    to); a customer whose membership is not activated yet is edited like any field."""
    return member_state != MemberState.NOT_ACTIVATED


def load_customer(session: Session, customer_id: int) -> Customer:
    """The customer row (for store modules); NotFound if there is none."""
    row = session.get(Customer, customer_id)
    if row is None:
        raise NotFound(_("No customer #{id}.").format(id=customer_id), field="customer")
    return row


@boundary
def get_customer(session: Session, *, customer_id: int) -> CustomerRecord:
    return to_record(load_customer(session, customer_id))


@boundary
def get_customer_by_code(session: Session, *, code: str) -> CustomerRecord:
    row = session.exec(select(Customer).where(Customer.code == code.strip().upper())).first()
    if row is None:
        raise NotFound(_("No customer with code '{code}'.").format(code=quote(code)),
                       field="code")
    return to_record(row)


@boundary
def update_customer(
    session: Session,
    *,
    staff_id: int,
    customer_id: int,
    name: str,
    phone: str,
    birthday: date | None = None,
    gender: str = "",
    email: str = "",
    address: str = "",
    note: str = "",
    expected_updated_at: datetime | None = None,
    allow_duplicate: bool = False,
    group_id: int | Literal[_Keep.KEEP] | None = KEEP_GROUP,
) -> CustomerRecord:
    """Change a customer's fields, and their group when ``group_id`` is given (None: in
    none). ``expected_updated_at`` guards against a concurrent edit.

    Saving what is already there writes nothing (no audit row, ``updated_at`` unchanged):
    the record comes back as it was, so the desk can say "Nothing changed"."""
    require_staff(session, staff_id)
    row = load_customer(session, customer_id)
    if row.deleted_at is not None:
        raise RuleViolation(_("This customer is deleted; restore them first."), field="customer")
    if expected_updated_at is not None and row.updated_at != expected_updated_at:
        raise ConcurrentEdit(
            _("Somebody else changed this customer meanwhile; reopen to see their change."),
            field="name",
        )
    clean = _validate(session, name=name, phone=phone, gender=gender, email=email,
                      address=address, note=note, birthday=birthday)
    if group_id is not KEEP_GROUP:
        clean["group_id"] = _clean_group(session, group_id, current=row.group_id)
    if all(getattr(row, key) == value for key, value in clean.items()):
        return to_record(row)
    if clean["phone"] != row.phone and phone_needs_approval(row.member_state):
        raise RuleViolation(_("A member's phone is changed with a manager's approval "
                              "(Change phone), not here."), field="phone")
    if not allow_duplicate and (clean["phone"] != row.phone or clean["name_norm"] != row.name_norm):
        _raise_if_duplicate(session, clean, exclude_id=row.id)
    before = audit.snapshot(row)
    name_changed = clean["name"] != row.name
    for key, value in clean.items():
        setattr(row, key, value)
    row.updated_at = clock.now()
    session.add(row)
    session.flush()
    if name_changed:
        _write_name_keys(session, stored_id(row), row.name)
    audit.record(session, staff_id=staff_id, action="update_customer", entity="customer",
                 entity_id=row.id, before=before, after=audit.snapshot(row))
    return to_record(row)


@boundary
def delete_customer(session: Session, *, staff_id: int, customer_id: int,
                    approved_by: int | None = None) -> CustomerRecord:
    """Soft delete: the customer disappears from search but every record stays."""
    row = load_customer(session, customer_id)
    if row.deleted_at is not None:
        raise RuleViolation(_("This customer is already deleted."), field="customer")
    approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                  permission=Permission.DELETE_CUSTOMER)
    row.deleted_at = clock.now()
    row.updated_at = row.deleted_at
    session.add(row)
    audit.record(session, staff_id=staff_id, action="delete_customer", entity="customer",
                 entity_id=row.id, before={"deleted_at": None},
                 after={"deleted_at": row.deleted_at}, approved_by=approver)
    return to_record(row)


@boundary
def restore_customer(session: Session, *, staff_id: int, customer_id: int) -> CustomerRecord:
    """Bring a soft-deleted customer back."""
    require_staff(session, staff_id)
    row = load_customer(session, customer_id)
    if row.deleted_at is None:
        raise RuleViolation(_("This customer is not deleted."), field="customer")
    if row.merged_into_id is not None:
        raise RuleViolation(_("This customer was merged; undo the merge instead."),
                            field="customer")
    before = {"deleted_at": row.deleted_at}
    row.deleted_at = None
    row.updated_at = clock.now()
    session.add(row)
    audit.record(session, staff_id=staff_id, action="restore_customer", entity="customer",
                 entity_id=row.id, before=before, after={"deleted_at": None})
    return to_record(row)
