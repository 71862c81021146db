"""Points expiry: points are kept for the scheme's days (``points_expiry_days``; None, the
default: for ever), then an 'expire' entry takes them off the balance.

Points are spent first in, first out: whatever a customer spent, had taken back or lost
came out of their oldest points. So the points still held that are older than the
window are the balance less what was earned or given (every points entry that added)
in the window, when that is more than nothing: a customer with 500 points who earned
200 of them in the last N days loses 300. Run again the same day, nothing is left to
take: the balance is then no more than the window's points. Nothing is stored but the
ledger's entries, so the answer is the same however often and however late it runs.

A customer excluded from the loyalty programme is left alone (their points move for
nothing, the ledger's rule); a deleted customer's points expire like anyone's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import case, func, select
from sqlmodel import Session

from salontui.i18n import _
from salontui.store import audit, clock
from salontui.store.admin.permissions import require_permission
from salontui.store.bounds import boundary
from salontui.store.dayclose import day_bounds
from salontui.store.db import for_update
from salontui.store.errors import ValidationError
from salontui.store.kinds import LedgerAccount, LedgerEntryKind, MemberState, Permission
from salontui.store.models import Customer, LedgerEntry, stored_id, table_of
from salontui.store.settings import get_settings

CHUNK = 500  # customer ids per IN (...) list
REF_TYPE = "expiry"

_LE = table_of(LedgerEntry)
_CUSTOMER = table_of(Customer)


@dataclass(frozen=True)
class ExpiryResult:
    """What a run of :func:`expire_points` did."""

    customers: int  # how many customers lost points
    points: int  # how many points they lost in all
    days: int | None  # the days points are kept (None: they never expire; nothing done)


def first_kept_day(today: date, days: int) -> date:
    """The oldest day whose points are still kept on ``today``: kept for 30 days, a point
    earned on 1 March is gone on 31 March."""
    return today - timedelta(days=days - 1)


def _excess(session: Session, *, since, customer_ids: Sequence[int] | None = None
            ) -> dict[int, int]:
    """Per customer holding points older than ``since`` (UTC): how many, first in first
    out. Excluded members are left out."""
    balance = func.sum(_LE.c.amount)
    recent = func.sum(case((( _LE.c.amount > 0) & (_LE.c.created_at >= since), _LE.c.amount),
                           else_=0))
    statement = (
        select(_LE.c.customer_id, balance - recent)
        .select_from(_LE.join(_CUSTOMER, _CUSTOMER.c.id == _LE.c.customer_id))
        .where(_LE.c.account == LedgerAccount.POINTS,
               _CUSTOMER.c.member_state != MemberState.EXCLUDED)
        .group_by(_LE.c.customer_id)
        .having(balance > recent)
    )
    if customer_ids is not None:
        statement = statement.where(_LE.c.customer_id.in_(customer_ids))
    return {int(cid): int(excess) for cid, excess in session.execute(statement)}


@boundary
def points_to_expire(session: Session, *, today: date) -> ExpiryResult:
    """What :func:`expire_points` would take on ``today`` (nothing is written)."""
    settings = get_settings(session)
    days = settings.points_expiry_days
    if days is None:
        return ExpiryResult(0, 0, None)
    since = day_bounds(first_kept_day(today, days), settings.utc_offset_minutes)[0]
    found = _excess(session, since=since)
    return ExpiryResult(len(found), sum(found.values()), days)


@boundary
def expire_points(session: Session, *, staff_id: int, today: date,
                  approved_by: int | None = None) -> ExpiryResult:
    """Take off every customer's points older than the scheme keeps them, as of ``today``
    (the salon's date; not a day still to come): one 'expire' entry per customer and one
    audit row for the run. Nothing is done when points never expire, and a second run
    on the same day finds nothing left to take."""
    if today > clock.today():
        raise ValidationError(_("Points can only be expired as of today or a day before."),
                              field="today")
    approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                  permission=Permission.ADJUST_POINTS)
    settings = get_settings(session)
    days = settings.points_expiry_days
    if days is None:
        return ExpiryResult(0, 0, None)
    since = day_bounds(first_kept_day(today, days), settings.utc_offset_minutes)[0]
    candidates = sorted(_excess(session, since=since))
    found: dict[int, int] = {}
    for start in range(0, len(candidates), CHUNK):
        chunk = candidates[start:start + CHUNK]
        # Lock the customers (PostgreSQL), then read again: a desk that earned or spent
        # for one of them meanwhile has committed, and its entry counts.
        session.execute(for_update(select(_CUSTOMER.c.id).where(_CUSTOMER.c.id.in_(chunk))
                                   .order_by(_CUSTOMER.c.id), session)).all()
        found.update(_excess(session, since=since, customer_ids=chunk))
    now = clock.now()
    entries = [LedgerEntry(customer_id=cid, account=LedgerAccount.POINTS, created_at=now,
                           amount=-excess, kind=LedgerEntryKind.EXPIRE, reason="",
                           ref_type=REF_TYPE, operator_id=staff_id)
               for cid, excess in sorted(found.items())]
    if not entries:
        return ExpiryResult(0, 0, days)
    session.add_all(entries)
    session.flush()
    ids = [stored_id(entry) for entry in entries]
    total = sum(found.values())
    audit.record(session, staff_id=staff_id, action="expire_points", entity="ledger_entry",
                 entity_id=None, after={"today": today, "days": days, "customers": len(ids),
                                        "points": total, "first_entry_id": ids[0],
                                        "last_entry_id": ids[-1]}, approved_by=approver)
    return ExpiryResult(len(ids), total, days)
