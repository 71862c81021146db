"""The audit viewer's reads: a page of audit rows, filtered, newest first, readable.

Every write records one ``audit_log`` row (store/audit.py). The viewer asks for a page of
them by an :class:`AuditFilter` (who did it or approved it with their PIN, the action, a
customer, the salon's calendar days) and gets :class:`AuditRow` s: the salon's wall-clock
time, the names of who did it and who approved it, and the change as ``key: old → new``
for the keys that changed.

A customer's rows are those about the customer itself (entity ``customer`` and its id,
on the ``ix_audit_entity`` index) and those whose before/after JSON names
``"customer_id": <id>`` (a LIKE on the JSON text, which store/audit.py writes with
``sort_keys`` and the default separators, so the key reads the same in every row).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, or_, select
from sqlmodel import Session

from salontui.i18n import _
from salontui.store.bounds import MAX_DATE, boundary
from salontui.store.day.times import day_bounds, local, salon_offset
from salontui.store.errors import ValidationError
from salontui.store.models import AuditLog, Staff, table_of

MAX_LIMIT = 1000  # rows of one page
VALUE_WIDTH = 30  # characters of one value in the short change
MIN_DATE = date(1900, 1, 1)

_A = table_of(AuditLog)
_S = table_of(Staff)


@dataclass(frozen=True)
class AuditFilter:
    """What the viewer shows; None is "any". Dates are the salon's calendar days."""

    staff_id: int | None = None
    action: str | None = None
    customer_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None

    def is_empty(self) -> bool:
        return self == AuditFilter()


@dataclass(frozen=True)
class AuditRow:
    """One audit row as the viewer shows it."""

    id: int
    when: datetime  # the salon's wall clock
    who: str | None  # the staff member's name (None: the system)
    approved_by: str | None  # the manager whose PIN approved it
    action: str
    entity: str
    entity_id: int | None
    change: str  # "key: old → new; …" (the keys that changed), shortened
    before: str | None  # the JSON as stored
    after: str | None


def check_filter(wanted: AuditFilter) -> AuditFilter:
    """``wanted`` if it can be asked; else a ValidationError at the part's own field."""
    for name in ("date_from", "date_to"):
        value = getattr(wanted, name)
        if value is None:
            continue
        if not isinstance(value, date) or isinstance(value, datetime):
            raise ValidationError(_("Enter a date."), field=name)
        if not MIN_DATE <= value <= MAX_DATE:
            raise ValidationError(_("A date is between {a} and {b}.").format(
                a=MIN_DATE.year, b=MAX_DATE.year), field=name)
    if (wanted.date_from is not None and wanted.date_to is not None
            and wanted.date_to < wanted.date_from):
        raise ValidationError(_("The end date is before the start date."), field="date_to")
    for name in ("staff_id", "customer_id"):
        value = getattr(wanted, name)
        if value is not None and value < 0:
            raise ValidationError(_("No such id."), field=name)
    if wanted.action is not None and not wanted.action.strip():
        raise ValidationError(_("Pick an action."), field="action")
    return wanted


def _names_customer(column, customer_id: int):
    """The JSON text names ``"customer_id": <id>`` followed by the end of the value."""
    key = f'%"customer_id": {customer_id}'
    return or_(column.like(key + ",%"), column.like(key + "}%"))


def _conditions(session: Session, wanted: AuditFilter) -> list:
    conditions: list = []
    if wanted.staff_id is not None:  # what they did, and what their PIN approved
        conditions.append(or_(_A.c.staff_id == wanted.staff_id,
                              _A.c.approved_by == wanted.staff_id))
    if wanted.action is not None:
        conditions.append(_A.c.action == wanted.action)
    if wanted.customer_id is not None:
        conditions.append(or_(
            and_(_A.c.entity == "customer", _A.c.entity_id == wanted.customer_id),
            _names_customer(_A.c.before, wanted.customer_id),
            _names_customer(_A.c.after, wanted.customer_id)))
    if wanted.date_from is not None or wanted.date_to is not None:
        offset = salon_offset(session)
        if wanted.date_from is not None:
            conditions.append(_A.c.created_at >= day_bounds(wanted.date_from, offset)[0])
        if wanted.date_to is not None:
            conditions.append(_A.c.created_at < day_bounds(wanted.date_to, offset)[1])
    return conditions


def shorten(value: object, width: int = VALUE_WIDTH) -> str:
    """A value on one short line: JSON for lists and dicts, '…' past ``width``."""
    if value is None:
        text = "—"
    elif isinstance(value, str):
        text = value
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    else:
        text = str(value)
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


_UNREAD = object()


def _load(text: str | None) -> object:
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return _UNREAD


def change_parts(before: str | None, after: str | None, *,
                 width: int = VALUE_WIDTH) -> list[str]:
    """``key: old → new`` for each key whose value changed (``key: new`` for a key that
    is new), in key order; a value that is not a JSON object reads ``old → new``; JSON
    that cannot be read is shown as is. Each value cut at ``width`` characters."""
    old, new = _load(before), _load(after)
    if old is _UNREAD or new is _UNREAD:
        left = before if old is _UNREAD else shorten(old, width)
        right = after if new is _UNREAD else shorten(new, width)
        return [f"{shorten(left, width)} → {shorten(right, width)}"]
    if isinstance(old, dict | None) and isinstance(new, dict | None) and (old or new):
        old_d = old or {}
        new_d = new or {}
        parts = []
        for key in sorted(set(old_d) | set(new_d)):
            a, b = old_d.get(key), new_d.get(key)
            if a == b:
                continue
            if key not in old_d:
                parts.append(f"{key}: {shorten(b, width)}")
            else:
                parts.append(f"{key}: {shorten(a, width)} → {shorten(b, width)}")
        return parts
    if old == new:
        return []
    return [f"{shorten(old, width)} → {shorten(new, width)}"]


def describe_change(before: str | None, after: str | None, *,
                    width: int = VALUE_WIDTH) -> str:
    """:func:`change_parts` on one line, joined by '; ' (the viewer's list)."""
    return "; ".join(change_parts(before, after, width=width))


@boundary
def audit_page(session: Session, *, wanted: AuditFilter, limit: int = 100,
               offset: int = 0) -> list[AuditRow]:
    """A page of the audit rows ``wanted`` matches, newest first, paged in SQL."""
    check_filter(wanted)
    if not 0 <= limit <= MAX_LIMIT:
        raise ValidationError(_("A page has 0 to {n} rows.").format(n=MAX_LIMIT),
                              field="limit")
    if offset < 0:
        raise ValidationError(_("Paging must not be negative."), field="offset")
    who = _S.alias("who")
    approver = _S.alias("approver")
    statement = (
        select(_A.c.id, _A.c.created_at, who.c.name, approver.c.name, _A.c.action,
               _A.c.entity, _A.c.entity_id, _A.c.before, _A.c.after)
        .select_from(_A.outerjoin(who, who.c.id == _A.c.staff_id)
                     .outerjoin(approver, approver.c.id == _A.c.approved_by))
        .where(*_conditions(session, wanted))
        .order_by(_A.c.created_at.desc(), _A.c.id.desc())
        .limit(limit).offset(offset))
    offset_td: timedelta = salon_offset(session)
    return [AuditRow(id=r[0], when=local(r[1], offset_td), who=r[2], approved_by=r[3],
                     action=r[4], entity=r[5], entity_id=r[6],
                     change=describe_change(r[7], r[8]), before=r[7], after=r[8])
            for r in session.execute(statement)]


@boundary
def audit_actions(session: Session) -> list[str]:
    """The actions the log holds, in order: what the viewer's filter offers."""
    return [str(a) for a in session.execute(
        select(_A.c.action).distinct().order_by(_A.c.action)).scalars()]
