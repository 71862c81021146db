"""Staff: who is signed in at the desk, and who did the service."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from salontui.i18n import _
from salontui.store import audit, clock
from salontui.store.bounds import boundary
from salontui.store.errors import NotFound, ValidationError
from salontui.store.kinds import StaffRole
from salontui.store.models import Staff, stored_id

ROLES = tuple(StaffRole)
MAX_NAME = 120


@dataclass(frozen=True)
class StaffMember:
    id: int
    name: str
    role: str
    active: bool


def _plain(row: Staff) -> StaffMember:
    return StaffMember(id=stored_id(row), name=row.name, role=row.role, active=row.active)


@boundary
def create_staff(session: Session, *, name: str, role: str = "receptionist",
                 staff_id: int | None = None, approved_by: int | None = None) -> StaffMember:
    """Add a staff member. ``staff_id`` is who adds them (None for the first owner);
    ``approved_by``: who approved it (``admin.staff_admin.add_staff`` checks the
    permission; this is its body, also the set-up's and the tests')."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_("Name is required."), field="name")
    if len(name) > MAX_NAME:
        raise ValidationError(_("Name is longer than {limit} characters.").format(limit=MAX_NAME),
                              field="name")
    if role not in ROLES:
        raise ValidationError(_("Role must be one of {roles}.").format(roles=", ".join(ROLES)),
                              field="role")
    # A technician has a column in the appointment book every day until told otherwise.
    work_days = "1111111" if role == "technician" else "0000000"
    row = Staff(name=name, role=role, active=True, created_at=clock.now(),
                work_days=work_days)
    session.add(row)
    session.flush()
    audit.record(session, staff_id=staff_id or row.id, action="create_staff", entity="staff",
                 entity_id=row.id, after=audit.snapshot(row), approved_by=approved_by)
    return _plain(row)


def list_staff(session: Session, *, include_inactive: bool = False,
               role: str | None = None, branch_id: int | None = None) -> list[StaffMember]:
    """Staff, by name; with ``branch_id``, those of that branch and those of every branch."""
    statement = select(Staff).order_by(Staff.name)
    if branch_id is not None:
        statement = statement.where((col(Staff.branch_id) == branch_id)
                                    | col(Staff.branch_id).is_(None))
    if not include_inactive:
        statement = statement.where(Staff.active)
    if role:
        statement = statement.where(Staff.role == role)
    return [_plain(row) for row in session.exec(statement)]


def get_staff(session: Session, staff_id: int) -> StaffMember:
    row = session.get(Staff, staff_id)
    if row is None:
        raise NotFound(_("No staff member #{id}.").format(id=staff_id), field="staff")
    return _plain(row)


def require_staff(session: Session, staff_id: int | None, *, field: str = "staff") -> Staff:
    """The acting staff member of a write; refused if unknown or inactive."""
    if staff_id is None:
        raise ValidationError(_("Sign in as a staff member first."), field=field)
    row = session.get(Staff, staff_id)
    if row is None or not row.active:
        raise NotFound(_("That staff member does not exist or is inactive."), field=field)
    return row
