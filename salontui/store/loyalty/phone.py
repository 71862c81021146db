"""The phone of a member: changed only with a manager's approval, the old number kept.

A member's phone is what their points, stored value and tier answer to at the
desk, so changing it is the classic fraud path. The customer form no longer
changes a member's phone (``customers.update_customer`` refuses it); this is the
one way, :func:`change_phone`:

* ``approved_by``: an active manager or owner approves (the desk's picker; the
  signed-in staff member may approve their own change if they are one). A PIN
  for the approval comes with the permissions; today the approver is named.
* The new number is validated like the customer form's (``store/phones.py``),
  must differ from the current one and belong to no other live customer.
* ``keep_with="new"``: the points, tier and everything else move with the new
  number. The customer's phone becomes the new one; the old number is kept as a
  :class:`~salontui.store.models.CustomerPhone` row (with its search keys), so
  searching it still finds the customer, marked "old phone". The move is
  recorded as an adjustment in the audit log (action ``phone_change``: before
  and after, who asked, who approved) and noted in the care history. It is not
  an adjustment ticket: a ticket line changes points or a tier, and a move of
  the number changes neither.
* ``keep_with="old"`` (the reference's default): the old profile keeps its
  phone, points and tier; a new customer profile is made for the new number
  (``create_customer`` with the same name, birthday, gender, email and address;
  its membership as the salon's setting says), and a care note on both says so.
  The ``phone_change`` audit row is on the old profile.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from salontui.i18n import _
from salontui.store import audit, clock
from salontui.store.bounds import boundary
from salontui.store.care import insert_care_note
from salontui.store.customers import create_customer, to_record
from salontui.store.db import for_update
from salontui.store.errors import DuplicateCustomer, NotFound, RuleViolation, ValidationError
from salontui.store.kinds import CareType, StaffRole
from salontui.store.models import Customer, CustomerPhone, Staff, stored_id
from salontui.store.phones import Phone, format_phone, parse_phone
from salontui.store.settings import get_settings
from salontui.store.staff import require_staff

KEEP_WITH_NEW = "new"  # the points and tier move with the new number (same profile)
KEEP_WITH_OLD = "old"  # they stay with the old profile; a new profile for the new number
KEEP_WITH = (KEEP_WITH_OLD, KEEP_WITH_NEW)
APPROVERS = (StaffRole.OWNER.value, StaffRole.MANAGER.value)


@dataclass(frozen=True)
class PhoneChange:
    """What :func:`change_phone` did. ``customer_id`` is the profile that now answers to
    the new number: the same customer (``keep_with="new"``) or the new profile ("old")."""

    keep_with: str
    customer_id: int
    code: str
    old_customer_id: int
    old_phone: str  # E.164
    new_phone: str  # E.164
    approved_by: int


@dataclass(frozen=True)
class Approver:
    """A staff member who may approve a phone change (the dialog's picker)."""

    id: int
    name: str
    role: str


def list_approvers(session: Session, *, first: int | None = None) -> list[Approver]:
    """The active managers and owners, ``first`` (the signed-in one) first if one of them,
    then by name."""
    rows = session.exec(select(Staff).where(col(Staff.active).is_(True),
                                            col(Staff.role).in_(APPROVERS))).all()
    found = [Approver(stored_id(r), r.name, r.role) for r in rows]
    return sorted(found, key=lambda a: (a.id != first, a.name, a.id))


def _approver(session: Session, approved_by: int | None) -> Staff:
    if approved_by is None:
        raise ValidationError(_("A manager or the owner must approve a member's phone change."),
                              field="approved_by")
    row = session.get(Staff, approved_by)
    if row is None or not row.active:
        raise NotFound(_("That staff member does not exist or is inactive."),
                       field="approved_by")
    if row.role not in APPROVERS:
        raise RuleViolation(_("Only a manager or the owner can approve a phone change; {name} "
                              "cannot.").format(name=row.name), field="approved_by")
    return row


def _load_customer(session: Session, customer_id: int, *, lock: bool) -> Customer:
    statement = select(Customer).where(col(Customer.id) == customer_id)
    row = session.execute(for_update(statement, session) if lock
                          else statement).scalar_one_or_none()
    if row is None:
        raise NotFound(_("No customer #{id}.").format(id=customer_id), field="customer")
    if row.deleted_at is not None:
        raise RuleViolation(_("This customer is deleted; restore them first."),
                            field="customer")
    return row


@dataclass(frozen=True)
class PhoneCheck:
    """A phone change that would be taken (:func:`check_phone_change`): for the desk's
    confirmation, before anything is written."""

    customer_id: int
    code: str
    name: str
    old_phone: str  # E.164
    new_phone: str  # E.164
    keep_with: str
    approver: str  # the approver's name


def _checked(session: Session, *, customer_id: int, new_phone: str, approved_by: int | None,
             keep_with: str, lock: bool) -> tuple[Customer, Phone, Staff]:
    """Every refusal of :func:`change_phone`, in the order the desk's fields come."""
    if keep_with not in KEEP_WITH:
        raise ValidationError(_("Choose whether the points and tier go with the new number "
                                "or stay with the old profile."), field="keep_with")
    row = _load_customer(session, customer_id, lock=lock)
    parsed = parse_phone(new_phone, region=get_settings(session).phone_region,
                         field="new_phone")
    if parsed.e164 == row.phone:
        raise RuleViolation(_("That is already {name}'s phone.").format(name=row.name),
                            field="new_phone")
    taken = [to_record(other) for other in session.exec(
        select(Customer).where(col(Customer.phone_rev) == parsed.reversed_digits,  # indexed
                               col(Customer.phone) == parsed.e164, col(Customer.id) != row.id,
                               col(Customer.deleted_at).is_(None))
        .order_by(col(Customer.id)).limit(10))]
    if taken:
        raise DuplicateCustomer(_("{code} {name} already has this phone.").format(
            code=taken[0].code, name=taken[0].name), matches=taken, field="new_phone")
    return row, parsed, _approver(session, approved_by)


@boundary
def check_phone_change(session: Session, *, staff_id: int, customer_id: int, new_phone: str,
                       approved_by: int | None, keep_with: str = KEEP_WITH_OLD) -> PhoneCheck:
    """What :func:`change_phone` would do with these arguments, refused the same way;
    nothing is written (the desk asks to confirm with this)."""
    require_staff(session, staff_id)
    row, parsed, approver = _checked(session, customer_id=customer_id, new_phone=new_phone,
                                     approved_by=approved_by, keep_with=keep_with, lock=False)
    return PhoneCheck(stored_id(row), row.code, row.name, row.phone, parsed.e164, keep_with,
                      approver.name)


@boundary
def change_phone(session: Session, *, staff_id: int, customer_id: int, new_phone: str,
                 approved_by: int | None, keep_with: str = KEEP_WITH_OLD) -> PhoneChange:
    """Give a member a new phone, approved by a manager or the owner; see the module.

    Refused at its field, nothing written: ``keep_with`` not "old" or "new"; an unknown
    or deleted customer ("customer"); a phone that is empty, not a phone, the customer's
    own or another customer's ("new_phone"; the last a :class:`DuplicateCustomer` naming
    them); no approver, or one who is not an active manager or owner ("approved_by").
    """
    staff = require_staff(session, staff_id)
    row, parsed, approver = _checked(session, customer_id=customer_id, new_phone=new_phone,
                                     approved_by=approved_by, keep_with=keep_with, lock=True)
    settings = get_settings(session)

    def shown(e164: str) -> str:
        return format_phone(e164, region=settings.phone_region)

    old_phone, moment = row.phone, clock.now()
    who = {"approved_by": approver.id, "approver": approver.name}
    if keep_with == KEEP_WITH_NEW:
        session.add(CustomerPhone(customer_id=stored_id(row), phone=row.phone,
                                  phone_national=row.phone_national, phone_rev=row.phone_rev,
                                  replaced_at=moment, staff_id=staff.id, approved_by=approver.id))
        row.phone, row.phone_national = parsed.e164, parsed.national_digits
        row.phone_rev, row.updated_at = parsed.reversed_digits, moment
        session.add(row)
        session.flush()
        insert_care_note(
            session, staff_id=staff.id, customer_id=stored_id(row), type=CareType.CARE,
            title=_("Phone changed to {new}").format(new=shown(parsed.e164)),
            description=_("The old number {old} is kept in the history; points and tier stay "
                          "with this profile. Approved by {approver}.").format(
                old=shown(old_phone), approver=approver.name))
        result = PhoneChange(KEEP_WITH_NEW, stored_id(row), row.code, stored_id(row),
                             old_phone, parsed.e164, stored_id(approver))
    else:
        made = create_customer(session, staff_id=staff.id, name=row.name, phone=parsed.e164,
                               birthday=row.birthday, gender=row.gender, email=row.email,
                               address=row.address, allow_duplicate=True)
        insert_care_note(
            session, staff_id=staff.id, customer_id=stored_id(row), type=CareType.CARE,
            title=_("New number {new}: new profile {code}").format(
                new=shown(parsed.e164), code=made.code),
            description=_("The new number has its own profile {code}; points and tier stay "
                          "with this profile and its number {old}. Approved by "
                          "{approver}.").format(code=made.code, old=shown(old_phone),
                                                approver=approver.name))
        insert_care_note(
            session, staff_id=staff.id, customer_id=made.id, type=CareType.CARE,
            title=_("New profile for the new number of {code}").format(code=row.code),
            description=_("{code} {name} (number {old}) keeps the points and tier; this "
                          "profile starts anew. Approved by {approver}.").format(
                code=row.code, name=row.name, old=shown(old_phone), approver=approver.name))
        result = PhoneChange(KEEP_WITH_OLD, made.id, made.code, stored_id(row), old_phone,
                             parsed.e164, stored_id(approver))
    audit.record(session, staff_id=staff.id, action="phone_change", entity="customer",
                 entity_id=row.id, before={"phone": old_phone},
                 after={"phone": row.phone, "new_phone": parsed.e164, "keep_with": keep_with,
                        "customer_id": result.customer_id, "code": result.code} | who)
    return result
