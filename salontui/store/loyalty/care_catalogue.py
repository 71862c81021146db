"""The salon's care catalogue: the reasons of care within each care type ("Birthday" and
"Apology" under Care, "Reminder" under SMS…), in the salon's own order.

The types themselves are the store's (:class:`~salontui.store.kinds.CareType`: care,
treatment, call, sms, email): a care note's type decides how it is shown and what the
reminders write, so a salon names reasons, not types. A reason is added, renamed, moved up
or down within its type, and retired (no longer offered; care given for it keeps its
name) or brought back. Two reasons of one type never share a name (ignoring case and
diacritics). Every write has its audit row.

A bulk care action names its reason by id, or by a name typed at the desk: a name not in
the catalogue joins it (:func:`find_or_add_reason`), so a salon that has set nothing up
can still act, and its catalogue fills as it works.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from salontui.i18n import _
from salontui.store import audit
from salontui.store.admin.permissions import require_permission
from salontui.store.bounds import boundary
from salontui.store.db import for_update
from salontui.store.errors import NotFound, ValidationError
from salontui.store.kinds import CARE_TYPE_LABELS, CareType, Permission
from salontui.store.models import CareReason, stored_id
from salontui.store.staff import require_staff
from salontui.store.text import clean_line, fold, quote

MAX_NAME = 120  # care_reason.name, and the care note's title it becomes
CARE_TYPES = tuple(CareType)
DIRECTIONS = ("up", "down")


@dataclass(frozen=True)
class ReasonRow:
    id: int
    care_type: str
    name: str
    position: int
    active: bool


def _row(reason: CareReason) -> ReasonRow:
    return ReasonRow(id=stored_id(reason), care_type=reason.care_type, name=reason.name,
                     position=reason.position, active=reason.active)


def _clean_type(care_type: str) -> str:
    if care_type not in CARE_TYPES:
        raise ValidationError(_("Type must be one of {types}.").format(
            types=", ".join(CARE_TYPES)), field="care_type")
    return care_type


def _type_label(care_type: str) -> str:
    label = CARE_TYPE_LABELS.get(CareType(care_type))
    return _(label) if label else care_type


def _clean_name(session: Session, care_type: str, name: str, *,
                reason_id: int | None = None) -> str:
    clean = clean_line(name, field="name", limit=MAX_NAME,
                       required=_("Reason is required."),
                       too_long=_("Reason is longer than {limit} characters."))
    same = _by_name(session, care_type, clean)
    if same is not None and same.id != reason_id:
        raise ValidationError(_("{type} already has the reason {name}.").format(
            type=_type_label(care_type), name=quote(same.name)), field="name")
    return clean


def _by_name(session: Session, care_type: str, name: str) -> CareReason | None:
    """The reason of ``care_type`` called ``name``, ignoring case and diacritics."""
    wanted = fold(name)
    for reason in session.exec(select(CareReason).where(CareReason.care_type == care_type)):
        if fold(reason.name) == wanted:
            return reason
    return None


def _load(session: Session, reason_id: int) -> CareReason:
    reason = session.get(CareReason, reason_id)
    if reason is None:
        raise NotFound(_("No care reason #{id}.").format(id=reason_id), field="reason")
    return reason


def _sort_key(reason: CareReason | ReasonRow) -> tuple[int, int, int]:
    return (CARE_TYPES.index(reason.care_type) if reason.care_type in CARE_TYPES
            else len(CARE_TYPES), reason.position, reason.id or 0)


# -- reading --------------------------------------------------------------------------------


@boundary
def list_reasons(session: Session, *, care_type: str | None = None,
                 include_inactive: bool = True) -> list[ReasonRow]:
    """The catalogue by type (in :class:`CareType` order), then the salon's order."""
    statement = select(CareReason)
    if care_type is not None:
        statement = statement.where(CareReason.care_type == _clean_type(care_type))
    if not include_inactive:
        statement = statement.where(col(CareReason.active).is_(True))
    return [_row(r) for r in sorted(session.exec(statement), key=_sort_key)]


@boundary
def get_reason(session: Session, reason_id: int) -> ReasonRow:
    return _row(_load(session, reason_id))


# -- writing --------------------------------------------------------------------------------


def _insert(session: Session, care_type: str, name: str) -> CareReason:
    last = session.execute(select(func.max(CareReason.position)).where(
        CareReason.care_type == care_type)).scalar_one()
    reason = CareReason(care_type=care_type, name=name, position=(last or 0) + 1, active=True)
    session.add(reason)
    session.flush()
    return reason


@boundary
def add_reason(session: Session, *, staff_id: int, care_type: str, name: str,
               approved_by: int | None = None) -> ReasonRow:
    """A new reason at the end of its type's list."""
    kind = _clean_type(care_type)
    clean = _clean_name(session, kind, name)
    approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                  permission=Permission.SETTINGS)
    reason = _insert(session, kind, clean)
    audit.record(session, staff_id=staff_id, action="add_care_reason", entity="care_reason",
                 entity_id=reason.id, after=audit.snapshot(reason), approved_by=approver)
    return _row(reason)


@boundary
def rename_reason(session: Session, *, staff_id: int, reason_id: int, name: str,
                  approved_by: int | None = None) -> ReasonRow:
    """A new name for a reason (care already given keeps the name it was given under: the
    care note's title is its own copy). The type does not change: retire it and add one
    under the other type."""
    reason = _load(session, reason_id)
    clean = _clean_name(session, reason.care_type, name, reason_id=reason_id)
    if clean == reason.name:
        return _row(reason)
    approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                  permission=Permission.SETTINGS)
    before = {"name": reason.name}
    reason.name = clean
    session.add(reason)
    audit.record(session, staff_id=staff_id, action="rename_care_reason",
                 entity="care_reason", entity_id=reason.id, before=before,
                 after={"name": clean}, approved_by=approver)
    return _row(reason)


@boundary
def set_reason_active(session: Session, *, staff_id: int, reason_id: int,
                      active: bool, approved_by: int | None = None) -> ReasonRow:
    """Retire a reason (no longer offered) or bring it back."""
    reason = _load(session, reason_id)
    if reason.active == active:
        return _row(reason)
    approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                  permission=Permission.SETTINGS)
    before = {"active": reason.active}
    reason.active = active
    session.add(reason)
    audit.record(session, staff_id=staff_id, action="set_care_reason_active",
                 entity="care_reason", entity_id=reason.id, before=before,
                 after={"active": active}, approved_by=approver)
    return _row(reason)


@boundary
def move_reason(session: Session, *, staff_id: int, reason_id: int,
                direction: str, approved_by: int | None = None) -> ReasonRow:
    """Move a reason one place up or down its type's list. At either end nothing moves
    and nothing is written."""
    if direction not in DIRECTIONS:
        raise ValidationError(_("A reason moves up or down."), field="direction")
    reason = _load(session, reason_id)
    reasons = sorted(session.exec(for_update(select(CareReason).where(
        CareReason.care_type == reason.care_type), session)), key=_sort_key)
    index = next(i for i, r in enumerate(reasons) if r.id == reason_id)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(reasons):
        return _row(reason)
    approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                  permission=Permission.SETTINGS)
    before = {stored_id(r): r.position for r in reasons}
    reasons[index], reasons[other] = reasons[other], reasons[index]
    for position, row in enumerate(reasons, start=1):  # 1…n again, whatever they were
        if row.position != position:
            row.position = position
            session.add(row)
    audit.record(session, staff_id=staff_id, action="move_care_reason", entity="care_reason",
                 entity_id=reason.id, before={"positions": before},
                 after={"positions": {stored_id(r): r.position for r in reasons}},
                 approved_by=approver)
    return _row(reason)


@boundary
def find_or_add_reason(session: Session, *, staff_id: int, care_type: str,
                       name: str) -> ReasonRow:
    """The reason of ``care_type`` called ``name`` (ignoring case and diacritics; a retired
    one comes back), or a new one added to the catalogue: what a bulk care action does
    with a reason typed at the desk."""
    require_staff(session, staff_id)
    kind = _clean_type(care_type)
    clean = clean_line(name, field="reason", limit=MAX_NAME,
                       required=_("Reason is required."),
                       too_long=_("Reason is longer than {limit} characters."))
    found = _by_name(session, kind, clean)
    if found is not None:
        if not found.active:
            return set_reason_active(session, staff_id=staff_id, reason_id=stored_id(found),
                                     active=True)
        return _row(found)
    reason = _insert(session, kind, clean)
    audit.record(session, staff_id=staff_id, action="add_care_reason", entity="care_reason",
                 entity_id=reason.id, after=audit.snapshot(reason))
    return _row(reason)
