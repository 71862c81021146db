"""Customer groups: VIP, staff family, corporate… A customer belongs to at most one
group (so a group's points multiplier is never in doubt); the header names it and the
points a sale earns are multiplied by it (``points_percent``, 100 = as everyone)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import Session, col, select

from salontui.i18n import _
from salontui.store import audit, clock
from salontui.store.admin.permissions import require_permission
from salontui.store.bounds import boundary
from salontui.store.errors import NotFound, RuleViolation, ValidationError
from salontui.store.kinds import Permission
from salontui.store.models import Customer, CustomerGroup, stored_id
from salontui.store.numbers import NumberTexts, whole_number
from salontui.store.staff import require_staff
from salontui.store.text import clean_line, fold, quote

MAX_NAME = 60
MAX_POINTS_PERCENT = 1000  # ten times the points: beyond that it is a typing slip


@dataclass(frozen=True)
class GroupRow:
    id: int
    name: str
    points_percent: int
    active: bool
    members: int = 0


def _row(group: CustomerGroup, members: int = 0) -> GroupRow:
    return GroupRow(id=stored_id(group), name=group.name, points_percent=group.points_percent,
                    active=group.active, members=members)


def _clean_name(session: Session, name: str, *, group_id: int | None = None) -> str:
    clean = clean_line(name, field="name", limit=MAX_NAME, required=_("Name is required."),
                       too_long=_("Name is longer than {limit} characters."))
    folded = fold(clean)
    for other_id, other in session.exec(select(CustomerGroup.id, CustomerGroup.name)):
        if other_id != group_id and fold(other) == folded:
            raise ValidationError(_("There is already a group called {name}.").format(
                name=quote(other)), field="name")
    return clean


def _clean_percent(value: int) -> int:
    percent = whole_number(value, field="points_percent", texts=NumberTexts(
        not_whole=_("The points multiplier must be a whole percentage.")))
    if not 0 <= percent <= MAX_POINTS_PERCENT:
        raise ValidationError(_("The points multiplier must be 0 to {max} %.").format(
            max=MAX_POINTS_PERCENT), field="points_percent")
    return percent


def _load(session: Session, group_id: int) -> CustomerGroup:
    group = session.get(CustomerGroup, group_id)
    if group is None:
        raise NotFound(_("No customer group #{id}.").format(id=group_id), field="group")
    return group


@boundary
def list_groups(session: Session, *, include_inactive: bool = True) -> list[GroupRow]:
    """The groups by name, with how many customers (not deleted) are in each."""
    members = dict(session.exec(
        select(Customer.group_id, func.count()).where(
            Customer.group_id.is_not(None),  # type: ignore[union-attr]
            Customer.deleted_at.is_(None))  # type: ignore[union-attr]
        .group_by(col(Customer.group_id))).all())
    statement = select(CustomerGroup)
    if not include_inactive:
        statement = statement.where(CustomerGroup.active)
    groups = sorted(session.exec(statement), key=lambda g: (not g.active, fold(g.name)))
    return [_row(g, members.get(g.id, 0)) for g in groups]


@boundary
def create_group(session: Session, *, staff_id: int, name: str,
                 points_percent: int = 100, approved_by: int | None = None) -> GroupRow:
    group = CustomerGroup(name=_clean_name(session, name),
                          points_percent=_clean_percent(points_percent), active=True,
                          created_at=clock.now())
    approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                  permission=Permission.SETTINGS)
    session.add(group)
    session.flush()
    audit.record(session, staff_id=staff_id, action="create_group", entity="customer_group",
                 entity_id=group.id, after=audit.snapshot(group), approved_by=approver)
    return _row(group)


@boundary
def update_group(session: Session, *, staff_id: int, group_id: int, name: str,
                 points_percent: int, approved_by: int | None = None) -> GroupRow:
    """Rename a group or change its multiplier: sales already made keep the points they
    earned (the rule they earned under is on each invoice)."""
    group = _load(session, group_id)
    clean_name = _clean_name(session, name, group_id=group_id)
    percent = _clean_percent(points_percent)
    approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                  permission=Permission.SETTINGS)
    before = audit.snapshot(group)
    group.name, group.points_percent = clean_name, percent
    session.add(group)
    audit.record(session, staff_id=staff_id, action="update_group", entity="customer_group",
                 entity_id=group.id, before=before, after=audit.snapshot(group),
                 approved_by=approver)
    return _row(group)


@boundary
def set_group_active(session: Session, *, staff_id: int, group_id: int,
                     active: bool, approved_by: int | None = None) -> GroupRow:
    """Retire a group (no customer can be put in it; those in it stay, and keep its
    multiplier) or bring it back."""
    group = _load(session, group_id)
    approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                  permission=Permission.SETTINGS)
    before = {"active": group.active}
    group.active = active
    session.add(group)
    audit.record(session, staff_id=staff_id, action="set_group_active",
                 entity="customer_group", entity_id=group.id, before=before,
                 after={"active": active}, approved_by=approver)
    return _row(group)


@boundary
def set_customer_group(session: Session, *, staff_id: int, customer_id: int,
                       group_id: int | None) -> Customer:
    """Put a customer in a group (None: in none)."""
    require_staff(session, staff_id)
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(_("No customer #{id}.").format(id=customer_id), field="customer")
    if group_id is not None:
        group = _load(session, group_id)
        if not group.active and customer.group_id != group_id:
            raise RuleViolation(_("The group {name} is retired.").format(
                name=quote(group.name)), field="group")
    before = {"group_id": customer.group_id}
    customer.group_id = group_id
    customer.updated_at = clock.now()
    session.add(customer)
    audit.record(session, staff_id=staff_id, action="set_customer_group", entity="customer",
                 entity_id=stored_id(customer), before=before, after={"group_id": group_id})
    return customer


def group_name(session: Session, group_id: int | None) -> str:
    """The name of a customer's group ('' for none): for the header."""
    if group_id is None:
        return ""
    group = session.get(CustomerGroup, group_id)
    return group.name if group is not None else ""
