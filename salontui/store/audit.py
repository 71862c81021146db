"""The audit log: one row per write, with who, what, when and before/after.

Every store function that writes calls :func:`record` inside its own
transaction, so the audit row and the change commit (or vanish) together.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import Any, overload

from sqlmodel import Session, SQLModel, col, select

from salontui.store import clock
from salontui.store.models import AuditLog


@overload
def snapshot(row: SQLModel, *, fields: tuple[str, ...] | None = None) -> dict: ...
@overload
def snapshot(row: None, *, fields: tuple[str, ...] | None = None) -> None: ...
@overload
def snapshot(row: SQLModel | None, *, fields: tuple[str, ...] | None = None) -> dict | None: ...
def snapshot(row: SQLModel | None, *, fields: tuple[str, ...] | None = None) -> dict | None:
    """A JSON-able dict of a row's columns (or of ``fields``), for before/after."""
    if row is None:
        return None
    data = row.model_dump()
    if fields is not None:
        data = {key: data[key] for key in fields if key in data}
    return data


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot audit {type(value).__name__}")


def _dumps(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, default=_default, ensure_ascii=False, sort_keys=True)


def record(
    session: Session,
    *,
    staff_id: int | None,
    action: str,
    entity: str,
    entity_id: int | None,
    before: Any = None,
    after: Any = None,
    approved_by: int | None = None,
) -> AuditLog:
    """Add the audit row for a write, in the caller's transaction; ``approved_by``: the
    manager whose PIN let ``staff_id`` do it (store/admin/permissions.py)."""
    row = AuditLog(
        created_at=clock.now(),
        staff_id=staff_id,
        action=action,
        entity=entity,
        entity_id=entity_id,
        before=_dumps(before),
        after=_dumps(after),
        approved_by=approved_by,
    )
    session.add(row)
    return row


def history(session: Session, *, entity: str, entity_id: int, limit: int = 200) -> list[AuditLog]:
    """Audit rows of one record, newest first."""
    statement = (
        select(AuditLog)
        .where(AuditLog.entity == entity, AuditLog.entity_id == entity_id)
        .order_by(col(AuditLog.id).desc())
        .limit(limit)
    )
    return list(session.exec(statement))
