"""The owner's permission table: which role may do which guarded action
(:class:`~salontui.store.kinds.Permission`), and a manager's approval of one action a role
may not do alone.

An owner may do everything and has no rows: the owner's rights cannot be taken away at the
desk, so a salon can never lock itself out. Every other role has one row per permission
(migration 0009 wrote the reference systems' defaults); a permission with no row for a
role (one added by a later version) is refused until the owner allows it.

An approval is a manager (or anyone whose role may do it) typing their PIN at the desk for
one action: :func:`approve` checks it and returns who approved, and the write records both
names (``audit_log.approved_by``).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from salontui.i18n import _
from salontui.store import audit
from salontui.store.bounds import boundary
from salontui.store.errors import RuleViolation, ValidationError
from salontui.store.kinds import PERMISSION_LABELS, Permission, StaffRole
from salontui.store.models import RolePermission, Staff, stored_id
from salontui.store.staff import require_staff

# The roles the table holds (the owner's is everything and not stored).
TABLE_ROLES = (StaffRole.MANAGER, StaffRole.RECEPTIONIST, StaffRole.TECHNICIAN)
# The reference systems' defaults, as migration 0009 wrote them: what a salon built
# without the migrations' rows (the demo's bulk load) starts with.
DEFAULT_GRANTS: dict[str, frozenset[str]] = {
    StaffRole.MANAGER: frozenset(Permission) - {Permission.SETTINGS, Permission.STAFF},
    StaffRole.RECEPTIONIST: frozenset({Permission.DAY_CLOSE}),
    StaffRole.TECHNICIAN: frozenset(),
}


class NotPermitted(RuleViolation):
    """The acting staff member's role may not do this: a manager's approval may."""

    def __init__(self, message: str, *, permission: Permission, field: str | None = None):
        super().__init__(message, field=field)
        self.permission = permission


@dataclass(frozen=True)
class PermissionRow:
    permission: str
    allowed: dict[str, bool]  # role → allowed (the owner: always)


def _clean_permission(permission: str) -> Permission:
    if permission not in tuple(Permission):
        raise ValidationError(_("Unknown permission '{name}'.").format(name=permission),
                              field="permission")
    return Permission(permission)


def role_allows(session: Session, role: str, permission: str) -> bool:
    """Whether ``role`` may do ``permission`` by the owner's table (an owner: always)."""
    if role == StaffRole.OWNER:
        return True
    row = session.get(RolePermission, (role, permission))
    return bool(row is not None and row.allowed)


def allows(session: Session, *, staff_id: int | None, permission: str) -> bool:
    """Whether the active staff member ``staff_id`` may do ``permission`` alone."""
    actor = require_staff(session, staff_id)
    return role_allows(session, actor.role, _clean_permission(permission))


def require_permission(session: Session, *, staff_id: int | None, permission: str,
                       approved_by: int | None = None) -> int | None:
    """Refuse (:class:`NotPermitted`) unless the acting staff member's role may do
    ``permission``, or ``approved_by`` (from :func:`approve`) may. Returns who approved
    (None when no approval was needed), for the write's audit row."""
    wanted = _clean_permission(permission)
    actor = require_staff(session, staff_id)
    if role_allows(session, actor.role, wanted):
        return None
    if approved_by is not None:
        approver = require_staff(session, approved_by, field="approver")
        if approved_by != staff_id and role_allows(session, approver.role, wanted):
            return approved_by
    # Settings and staff are the owner's alone by default: a manager's PIN would not do.
    if role_allows(session, StaffRole.MANAGER, wanted):
        message = _("{action} needs a manager: their PIN approves it once.")
    else:
        message = _("{action} needs the owner: their PIN approves it once.")
    raise NotPermitted(message.format(action=_(PERMISSION_LABELS[wanted])), permission=wanted)


def approve(session: Session, *, staff_id: int | None, approver_id: int, pin: str,
            permission: str) -> int:
    """A manager's PIN typed for one action of ``staff_id``: checked, and the approver's
    id returned for :func:`require_permission` and the audit row. Refused at "pin" for a
    wrong PIN, at "approver" for someone whose own role may not do it or who is the one
    asking."""
    from salontui.store.admin.pins import verify_staff_pin

    wanted = _clean_permission(permission)
    require_staff(session, staff_id)
    approver = verify_staff_pin(session, staff_id=approver_id, pin=pin)
    if approver_id == staff_id:
        raise RuleViolation(_("Someone else approves: a manager, with their PIN."),
                            field="approver")
    if not role_allows(session, approver.role, wanted):
        raise RuleViolation(_("{name} may not approve this either.").format(
            name=approver.name), field="approver")
    return approver_id


@dataclass(frozen=True)
class Approver:
    id: int
    name: str
    role: str


def approvers(session: Session, *, staff_id: int | None, permission: str) -> list[Approver]:
    """Who may approve ``permission`` for ``staff_id`` (the desk's picker): every other
    active staff member whose role may do it and who has a PIN, managers first (an owner
    last), by name. Empty: nobody can (no manager with a PIN yet)."""
    wanted = _clean_permission(permission)
    rows = session.exec(select(Staff).where(col(Staff.active),
                                            col(Staff.pin_hash).is_not(None))).all()
    found = [Approver(id=stored_id(r), name=r.name, role=r.role) for r in rows
             if r.id != staff_id and role_allows(session, r.role, wanted)]
    return sorted(found, key=lambda a: (a.role == StaffRole.OWNER, a.name.casefold()))


def permission_table(session: Session) -> list[PermissionRow]:
    """Every permission with what each role may do, in :class:`Permission` order."""
    rows = session.exec(select(RolePermission)).all()
    allowed = {(r.role, r.permission): r.allowed for r in rows}
    return [PermissionRow(permission=p.value, allowed={
        StaffRole.OWNER.value: True,
        **{role.value: allowed.get((role.value, p.value), False) for role in TABLE_ROLES}})
        for p in Permission]


@boundary
def set_permission(session: Session, *, staff_id: int, role: str, permission: str,
                   allowed: bool) -> None:
    """The owner allows or refuses one permission to one role (an audit row)."""
    actor = require_staff(session, staff_id)
    if actor.role != StaffRole.OWNER:
        raise RuleViolation(_("Only an owner changes what each role may do."),
                            field="staff")
    wanted = _clean_permission(permission)
    if role not in {r.value for r in TABLE_ROLES}:
        raise ValidationError(_("An owner may do everything; choose a manager, receptionist "
                                "or technician."), field="role")
    row = session.get(RolePermission, (role, wanted.value))
    before = None if row is None else row.allowed
    if row is None:
        row = RolePermission(role=role, permission=wanted.value, allowed=bool(allowed))
    else:
        row.allowed = bool(allowed)
    session.add(row)
    audit.record(session, staff_id=staff_id, action="set_permission", entity="role_permission",
                 entity_id=None, before={"role": role, "permission": wanted.value,
                                         "allowed": before},
                 after={"role": role, "permission": wanted.value, "allowed": bool(allowed)})
