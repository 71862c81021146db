"""Points expiry in the store (both engines): a worked example by the calendar, first in
first out; the same day twice takes nothing more; nothing without an expiry; excluded
members left alone; ``check`` accepts the entries and catches one made up."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from sqlalchemy import text

from salontui.store import clock
from salontui.store.admin.points_scheme import update_points_scheme
from salontui.store.check import run_checks
from salontui.store.customers import create_customer
from salontui.store.errors import ValidationError
from salontui.store.ledger import adjust_points, points_balance
from salontui.store.loyalty.members import set_member_state
from salontui.store.models import LedgerEntry
from salontui.store.points_expiry import (
    ExpiryResult,
    expire_points,
    first_kept_day,
    points_to_expire,
)

TODAY = date(2026, 11, 23)  # fixed_now's day (a Monday)


def _keep(writer, staff_id, days):
    with writer() as s:
        update_points_scheme(s, staff_id=staff_id, points_per_amount=10_000, point_value=100,
                             services=True, products=True, packages=True, topups=False,
                             rounding="down", expiry_days=days)


def _give(writer, staff_id, customer_id, amount, moment: datetime):
    with clock.pinned(moment), writer() as s:
        adjust_points(s, staff_id=staff_id, customer_id=customer_id, amount=amount,
                      reason="Tặng điểm" if amount > 0 else "Đổi quà")


def _points(reader, customer_id):
    with reader() as s:
        return points_balance(s, customer_id=customer_id)


def _customer(writer, staff_id, name, phone):
    with writer() as s:
        return create_customer(s, staff_id=staff_id, name=name, phone=phone).id


def test_kept_for_30_days_a_point_of_1_march_is_gone_on_31_march():
    assert first_kept_day(date(2026, 3, 31), 30) == date(2026, 3, 2)
    assert first_kept_day(TODAY, 1) == TODAY


def test_the_oldest_points_go_first_and_only_once(writer, reader, engine, staff_id,
                                                  customer_id, fixed_now):
    """Kept 30 days, on 23 November: 300 given on 1 September, 200 on 1 October, 100 spent
    on 15 October (out of September's), 50 given on 10 November. The 200 left of September
    and the 200 of October are older than 25 October: 400 expire, the 50 stay."""
    for amount, moment in ((300, datetime(2026, 9, 1, 3)), (200, datetime(2026, 10, 1, 3)),
                           (-100, datetime(2026, 10, 15, 3)), (50, datetime(2026, 11, 10, 3))):
        _give(writer, staff_id, customer_id, amount, moment)
    fresh = _customer(writer, staff_id, "Lê Thị Mai", "0905 111 222")
    _give(writer, staff_id, fresh, 80, datetime(2026, 11, 20, 3))
    _keep(writer, staff_id, 30)
    with reader() as s:
        assert points_to_expire(s, today=TODAY) == ExpiryResult(1, 400, 30)
    with writer() as s:
        result = expire_points(s, staff_id=staff_id, today=TODAY)
    assert result == ExpiryResult(1, 400, 30)
    assert _points(reader, customer_id) == 50
    assert _points(reader, fresh) == 80
    with writer() as s:  # the same day again: nothing left to take, nothing written
        assert expire_points(s, staff_id=staff_id, today=TODAY) == ExpiryResult(0, 0, 30)
    with reader() as s:
        entries = s.execute(text("SELECT customer_id, amount, kind, ref_type FROM ledger_entry "
                                 "WHERE kind = 'expire'")).all()
        audits = s.execute(text("SELECT after FROM audit_log "
                                "WHERE action = 'expire_points'")).scalars().all()
    assert [tuple(e) for e in entries] == [(customer_id, -400, "expire", "expiry")]
    assert len(audits) == 1
    assert json.loads(audits[0]) | {"first_entry_id": 0, "last_entry_id": 0} == {
        "today": "2026-11-23", "days": 30, "customers": 1, "points": 400,
        "first_entry_id": 0, "last_entry_id": 0}
    assert run_checks(engine) == []


def test_a_day_is_the_salons_day(writer, reader, staff_id, customer_id, fixed_now):
    """At UTC+7 the salon's 25 October starts at 17:00 UTC on the 24th: a point given a
    minute before is a day older, and expires a day sooner."""
    _give(writer, staff_id, customer_id, 7, datetime(2026, 10, 24, 16, 59))
    _give(writer, staff_id, customer_id, 5, datetime(2026, 10, 24, 17, 0))
    _keep(writer, staff_id, 30)
    with writer() as s:
        assert expire_points(s, staff_id=staff_id, today=TODAY).points == 7
    assert _points(reader, customer_id) == 5


def test_spending_takes_the_oldest_points_first(writer, reader, staff_id, customer_id,
                                                fixed_now):
    _give(writer, staff_id, customer_id, 100, datetime(2026, 1, 5, 3))
    _give(writer, staff_id, customer_id, 100, datetime(2026, 11, 20, 3))
    _give(writer, staff_id, customer_id, -150, datetime(2026, 11, 21, 3))  # all the old 100
    _keep(writer, staff_id, 90)
    with writer() as s:
        assert expire_points(s, staff_id=staff_id, today=TODAY).customers == 0
    assert _points(reader, customer_id) == 50


def test_nothing_expires_without_an_expiry(writer, reader, staff_id, customer_id, fixed_now):
    _give(writer, staff_id, customer_id, 100, datetime(2020, 1, 5, 3))
    with writer() as s:
        assert expire_points(s, staff_id=staff_id, today=TODAY) == ExpiryResult(0, 0, None)
    assert _points(reader, customer_id) == 100


def test_an_excluded_member_keeps_their_frozen_points(writer, reader, staff_id, customer_id,
                                                     fixed_now):
    _give(writer, staff_id, customer_id, 100, datetime(2025, 1, 5, 3))
    with writer() as s:
        set_member_state(s, staff_id=staff_id, customer_id=customer_id, state="excluded",
                         reason="Abused the points")
    _keep(writer, staff_id, 30)
    with writer() as s:
        assert expire_points(s, staff_id=staff_id, today=TODAY).customers == 0
    assert _points(reader, customer_id) == 100


def test_a_day_still_to_come_is_refused(writer, reader, staff_id, customer_id, fixed_now):
    _give(writer, staff_id, customer_id, 100, datetime(2026, 11, 1, 3))
    _keep(writer, staff_id, 30)
    with pytest.raises(ValidationError) as refused, writer() as s:
        expire_points(s, staff_id=staff_id, today=date(2027, 1, 1))
    assert refused.value.field == "today"
    assert _points(reader, customer_id) == 100


def test_a_made_up_expiry_is_caught(writer, engine, staff_id, customer_id, fixed_now):
    _give(writer, staff_id, customer_id, 100, datetime(2026, 1, 5, 3))
    with writer() as s:  # points taken as if expired, with no run to account for them
        s.add(LedgerEntry(customer_id=customer_id, account="points", created_at=fixed_now,
                          amount=-60, kind="expire", reason="", ref_type="expiry",
                          operator_id=staff_id))
    problems = run_checks(engine)
    assert [p.check for p in problems] == ["expiries"], [str(p) for p in problems]


def test_the_command_expires_as_of_a_day_once(db_url, writer, reader, staff_id, customer_id,
                                              fixed_now):
    from typer.testing import CliRunner

    from salontui.cli import app

    runner = CliRunner()
    never = runner.invoke(app, ["points-expire", "--db", db_url])
    assert never.exit_code == 0, never.output
    assert "never expire" in never.output
    _give(writer, staff_id, customer_id, 120, datetime(2026, 1, 5, 3))
    _keep(writer, staff_id, 30)
    early = runner.invoke(app, ["points-expire", "--day", "2026-01-20", "--db", db_url])
    assert early.exit_code == 0 and "0 points of 0 customer(s)" in early.output, early.output
    done = runner.invoke(app, ["points-expire", "--db", db_url])
    assert done.exit_code == 0, done.output
    assert "Points older than 30 days expired: 120 points of 1 customer(s)." in done.output
    again = runner.invoke(app, ["points-expire", "--db", db_url])
    assert "0 points of 0 customer(s)" in again.output
    future = runner.invoke(app, ["points-expire", "--day", "2030-01-01", "--db", db_url])
    assert future.exit_code == 1 and "Traceback" not in future.output
    assert _points(reader, customer_id) == 0
