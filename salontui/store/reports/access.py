"""Who may read the owner's reports: the owner and managers.

The permission table (``role_permission``) has no "reports" right of its own (the issue's
list: refund, delete or merge, adjust, price and discount, waive, day close, tickets,
export, settings, staff); the reports show every sale, commission and liability of the
salon, so they are the owner's and the managers' by role, not by a row the owner could
give a receptionist. Writing one to a file is an export: the ``export`` right besides.
"""

from __future__ import annotations

from sqlmodel import Session

from salontui.i18n import _
from salontui.store.admin.permissions import NotPermitted, allows
from salontui.store.kinds import Permission, StaffRole
from salontui.store.staff import require_staff

READERS = (StaffRole.OWNER, StaffRole.MANAGER)


def may_read_reports(session: Session, *, staff_id: int | None) -> bool:
    if staff_id is None:
        return False
    actor = require_staff(session, staff_id)
    return actor.role in READERS


def require_report_reader(session: Session, *, staff_id: int | None) -> None:
    """Refuse (:class:`NotPermitted`) anyone but an owner or a manager."""
    if not may_read_reports(session, staff_id=staff_id):
        raise NotPermitted(_("The reports are for the owner and the managers."),
                           permission=Permission.EXPORT)


def may_export_reports(session: Session, *, staff_id: int | None) -> bool:
    """Whether ``staff_id`` may write a report to a file (a reader with the export right)."""
    return (may_read_reports(session, staff_id=staff_id)
            and allows(session, staff_id=staff_id, permission=Permission.EXPORT))


def require_report_export(session: Session, *, staff_id: int | None) -> None:
    require_report_reader(session, staff_id=staff_id)
    if not allows(session, staff_id=staff_id, permission=Permission.EXPORT):
        raise NotPermitted(_("Your role may not export: ask the owner."),
                           permission=Permission.EXPORT)
