"""The staff list in Settings: who works at the salon, in which role, and whether their PIN
is set. Adding, editing and deactivating someone takes the staff permission (the owner's
table, store/admin/permissions.py; an owner always). The salon always keeps an active owner:
the last one can be neither deactivated nor given another role, and nobody deactivates
themselves. A PIN is set with store/admin/pins.py ``set_pin``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, select

from salontui.i18n import _
from salontui.store import audit
from salontui.store.bounds import boundary
from salontui.store.errors import NotFound, RuleViolation, ValidationError
from salontui.store.kinds import Permission, StaffRole
from salontui.store.models import Branch, Staff, stored_id
from salontui.store.staff import MAX_NAME, ROLES, StaffMember, create_staff, require_staff
from salontui.store.text import clean_line


@dataclass(frozen=True)
class StaffRow:
    id: int
    name: str
    role: str
    active: bool
    branch: str  # '' for every branch
    has_pin: bool
    pin_set_at: datetime | None


def _require_manager_of_staff(session: Session, staff_id: int,
                              approved_by: int | None) -> tuple[Staff, int | None, bool]:
    """The acting staff member, who approved (None: nobody needed to), and whether an
    owner acts or approves (only an owner makes, moves or deactivates an owner)."""
    from salontui.store.admin.permissions import NotPermitted, require_permission

    actor = require_staff(session, staff_id)
    try:
        approver = require_permission(session, staff_id=staff_id, permission=Permission.STAFF,
                                      approved_by=approved_by)
    except NotPermitted as refused:
        raise NotPermitted(_("Only the owner, or whoever the owner lets manage staff, "
                             "changes the staff list."), permission=Permission.STAFF,
                           field="staff") from refused
    owner = actor.role == StaffRole.OWNER or (
        approver is not None and require_staff(session, approver).role == StaffRole.OWNER)
    return actor, approver, owner


def _clean_name(name: str) -> str:
    return clean_line(name, field="name", limit=MAX_NAME, required=_("Name is required."),
                      too_long=_("Name is longer than {limit} characters."))


def _clean_role(role: str) -> str:
    if role not in ROLES:
        raise ValidationError(_("Role must be one of {roles}.").format(roles=", ".join(ROLES)),
                              field="role")
    return role


def _load(session: Session, target_id: int) -> Staff:
    row = session.get(Staff, target_id)
    if row is None:
        raise NotFound(_("No staff member #{id}.").format(id=target_id), field="target")
    return row


def _active_owners(session: Session) -> int:
    return len(session.exec(select(Staff.id).where(
        Staff.role == StaffRole.OWNER, Staff.active)).all())


def _row(row: Staff, branches: dict[int, str]) -> StaffRow:
    return StaffRow(id=stored_id(row), name=row.name, role=row.role, active=row.active,
                    branch=branches.get(row.branch_id, "") if row.branch_id else "",
                    has_pin=row.pin_hash is not None, pin_set_at=row.pin_set_at)


def _branches(session: Session) -> dict[int, str]:
    return {stored_id(b): b.name for b in session.exec(select(Branch))}


def list_staff_admin(session: Session) -> list[StaffRow]:
    """Everyone, the active first, by name."""
    branches = _branches(session)
    rows = sorted(session.exec(select(Staff)), key=lambda r: (not r.active, r.name.casefold()))
    return [_row(r, branches) for r in rows]


@boundary
def add_staff(session: Session, *, staff_id: int, name: str,
              role: str = "receptionist", approved_by: int | None = None) -> StaffMember:
    """Add a staff member (store/staff.py ``create_staff``), if the acting one may (the
    staff permission, or an approval: ``approved_by``)."""
    clean, wanted = _clean_name(name), _clean_role(role)
    _actor, approver, _owner = _require_manager_of_staff(session, staff_id, approved_by)
    return create_staff(session, name=clean, role=wanted, staff_id=staff_id,
                        approved_by=approver)


@boundary
def update_staff(session: Session, *, staff_id: int, target_id: int, name: str,
                 role: str, approved_by: int | None = None) -> StaffRow:
    """Rename someone or change their role (not the last active owner's)."""
    target = _load(session, target_id)
    clean, wanted = _clean_name(name), _clean_role(role)
    _actor, approver, owner = _require_manager_of_staff(session, staff_id, approved_by)
    if StaffRole.OWNER in (target.role, wanted) and not owner and target.role != wanted:
        raise RuleViolation(_("Only an owner makes someone an owner, or changes an "
                              "owner's role."), field="role")
    if (target.role == StaffRole.OWNER and wanted != StaffRole.OWNER and target.active
            and _active_owners(session) <= 1):
        raise RuleViolation(_("{name} is the last active owner: the salon keeps one.").format(
            name=target.name), field="role")
    before = {"name": target.name, "role": target.role}
    target.name, target.role = clean, wanted
    session.add(target)
    audit.record(session, staff_id=staff_id, action="update_staff", entity="staff",
                 entity_id=target_id, before=before, after={"name": clean, "role": wanted},
                 approved_by=approver)
    return _row(target, _branches(session))


@boundary
def set_staff_active(session: Session, *, staff_id: int, target_id: int,
                     active: bool, approved_by: int | None = None) -> StaffRow:
    """Deactivate someone (they can no longer sign in nor be chosen; what they did stays)
    or bring them back."""
    target = _load(session, target_id)
    if not active and target_id == staff_id:
        raise RuleViolation(_("Nobody deactivates themselves."), field="target")
    _actor, approver, owner = _require_manager_of_staff(session, staff_id, approved_by)
    if not active:
        if target.role == StaffRole.OWNER and not owner:
            raise RuleViolation(_("Only an owner deactivates an owner."), field="target")
        if target.role == StaffRole.OWNER and target.active and _active_owners(session) <= 1:
            raise RuleViolation(_("{name} is the last active owner: the salon keeps "
                                  "one.").format(name=target.name), field="target")
    before = {"active": target.active}
    target.active = bool(active)
    session.add(target)
    audit.record(session, staff_id=staff_id, action="set_staff_active", entity="staff",
                 entity_id=target_id, before=before, after={"active": bool(active)},
                 approved_by=approver)
    return _row(target, _branches(session))
