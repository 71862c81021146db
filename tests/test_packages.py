"""Service packages: count, time and gift cards; redeem, extend, freeze, resume, adjust.

All on a real migrated SQLite file; the store's clock is pinned (``fixed_now`` is
Monday 23/11/2026 09:30) and moved with ``clock.pinned`` where a test needs time to pass.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from salontui.store import clock, codes
from salontui.store.errors import NotFound, RuleViolation, ValidationError
from salontui.store.models import CatalogItem
from salontui.store.package_reads import (
    expiry_after_freeze,
    expiry_after_resume,
    get_package,
    list_packages,
    package_history,
    per_session_values,
)
from salontui.store.packages import (
    adjust_package,
    cancel_package,
    extend_package,
    freeze_package,
    redeem_session,
    restore_session,
    resume_package,
    sell_package,
)
from salontui.store.rules import package_status
from salontui.store.staff import create_staff

TODAY = date(2026, 11, 23)
NEXT_YEAR = date(2027, 11, 23)


# --- helpers -------------------------------------------------------------------------------


def sell(writer, staff_id, customer_id, **fields):
    fields.setdefault("name", "Gội đầu dưỡng sinh")
    fields.setdefault("kind", "count")
    fields.setdefault("price", 5980)
    if fields["kind"] != "time":
        fields.setdefault("total_uses", 10)
    fields.setdefault("expires_on", NEXT_YEAR)
    with writer() as s:
        return sell_package(s, staff_id=staff_id, customer_id=customer_id, **fields)


def redeem(writer, staff_id, package_id, service_staff_id, **kw):
    with writer() as s:
        return redeem_session(s, staff_id=staff_id, package_id=package_id,
                              service_staff_id=service_staff_id, **kw)


def state(reader, package_id):
    """Everything an operation could touch: the package row, its history, the audit log."""
    with reader() as s:
        package = dict(s.execute(text("SELECT * FROM customer_package WHERE id = :p"),
                                 {"p": package_id}).mappings().one())
        events = [tuple(r) for r in s.execute(
            text("SELECT * FROM package_event WHERE package_id = :p ORDER BY id"),
            {"p": package_id})]
        audits = [tuple(r) for r in s.execute(text("SELECT * FROM audit_log ORDER BY id"))]
    return package, events, audits


def audit_count(reader) -> int:
    with reader() as s:
        return s.execute(text("SELECT count(*) FROM audit_log")).scalar_one()


def assert_columns_are_event_sums(reader, package_id):
    with reader() as s:
        total, used = s.execute(text("SELECT total_uses, used FROM customer_package "
                                     "WHERE id = :p"), {"p": package_id}).one()
        sum_total, sum_used = s.execute(
            text("SELECT coalesce(sum(delta_total), 0), coalesce(sum(delta_used), 0) "
                 "FROM package_event WHERE package_id = :p"), {"p": package_id}).one()
    assert (total, used) == (sum_total, sum_used)


def get(reader, package_id):
    with reader() as s:
        return get_package(s, package_id=package_id)


def history(reader, package_id):
    with reader() as s:
        return package_history(s, package_id=package_id)


def refused(writer, exc, match, operation):
    """Run ``operation`` in a write session that commits even after the refusal: anything
    written before the check would land, so an unchanged database proves validate-first."""
    with writer() as s, pytest.raises(exc, match=match) as info:
        operation(s)
    return info.value


# --- per-session value ---------------------------------------------------------------------


def test_per_session_values_add_up_with_remainder_on_last():
    assert per_session_values(5980, 10) == [598] * 10
    assert per_session_values(5980, 7) == [854] * 6 + [856]
    assert sum(per_session_values(5980, 7)) == 5980
    assert per_session_values(0, 8) == [0] * 8
    assert per_session_values(1980, 0) == []


@settings(max_examples=200, deadline=None)
@given(price=st.integers(0, 10**12), total=st.integers(1, 1000))
def test_per_session_values_always_add_up_to_the_price(price, total):
    values = per_session_values(price, total)
    assert len(values) == total
    assert sum(values) == price
    assert len(set(values[:-1])) <= 1
    assert values[-1] >= values[0]
    assert values[-1] - values[0] < total


# --- the worked examples ---------------------------------------------------------------------


def test_count_card_back_filled_5980_for_10_with_2_used(
        fixed_now, writer, reader, staff_id, technician_id, customer_id):
    package = sell(writer, staff_id, customer_id, price=5980, total_uses=10, used=2,
                   purchased_on=date(2026, 9, 1), note="Bought at the old shop")
    assert package.remaining == 8
    assert package.per_session_value == 598
    assert package.status == "in_use"
    assert (package.total_uses, package.used) == (10, 2)
    events = history(reader, package.id)
    assert [(e.change, e.delta_total, e.delta_used) for e in events] == [
        ("backfill", 0, 2), ("sell", 10, 0)]
    assert_columns_are_event_sums(reader, package.id)
    assert audit_count(reader) == 4  # owner, technician, customer, this sale

    event = redeem(writer, staff_id, package.id, technician_id)
    assert event.value == 598
    after = get(reader, package.id)
    assert (after.used, after.remaining) == (3, 7)
    assert_columns_are_event_sums(reader, package.id)


def test_5980_for_7_sessions_recognises_six_of_854_and_a_last_of_856(
        fixed_now, writer, reader, staff_id, technician_id, customer_id):
    package = sell(writer, staff_id, customer_id, price=5980, total_uses=7)
    assert package.per_session_value == 854
    values = [redeem(writer, staff_id, package.id, technician_id).value for _ in range(7)]
    assert values == [854] * 6 + [856]
    assert sum(values) == 5980
    done = get(reader, package.id)
    assert (done.status, done.remaining) == ("used_up", 0)
    before = state(reader, package.id)
    refused(writer, RuleViolation, "Package is used up.",
            lambda s: redeem_session(s, staff_id=staff_id, package_id=package.id,
                                     service_staff_id=technician_id))
    assert state(reader, package.id) == before
    with reader() as s:
        recognised = s.execute(text("SELECT sum(value) FROM package_event WHERE package_id = :p"
                                    " AND change = 'redeem'"), {"p": package.id}).scalar_one()
    assert recognised == 5980
    assert_columns_are_event_sums(reader, package.id)


def test_year_card_is_used_any_number_of_times_until_expiry(
        fixed_now, writer, reader, staff_id, technician_id, customer_id):
    package = sell(writer, staff_id, customer_id, name="Thẻ năm", kind="time", price=1980,
                   expires_on=date(2027, 11, 22))
    assert (package.total_uses, package.remaining, package.per_session_value) == (0, None, None)
    for _ in range(25):
        assert redeem(writer, staff_id, package.id, technician_id).value == 0
    with clock.pinned(datetime(2027, 11, 22, 18, 0)):  # the last day still counts
        redeem(writer, staff_id, package.id, technician_id)
        assert get(reader, package.id).status == "in_use"
    assert get(reader, package.id).used == 26
    with clock.pinned(datetime(2027, 11, 23, 9, 0)):
        assert get(reader, package.id).status == "expired"
        before = state(reader, package.id)
        refused(writer, RuleViolation, r"Package expired on 22/11/2027\.",
                lambda s: redeem_session(s, staff_id=staff_id, package_id=package.id,
                                         service_staff_id=technician_id))
        assert state(reader, package.id) == before
    assert_columns_are_event_sums(reader, package.id)


def test_time_card_has_no_session_count(fixed_now, writer, staff_id, customer_id):
    error = refused(writer, ValidationError, "time card has no session count",
                    lambda s: sell_package(s, staff_id=staff_id, customer_id=customer_id,
                                           name="Thẻ tháng", kind="time", price=500,
                                           total_uses=30, expires_on=NEXT_YEAR))
    assert error.field == "total_uses"


def test_gift_of_8_sessions_with_4_used_leaves_4_at_price_0(
        fixed_now, writer, reader, staff_id, technician_id, customer_id):
    package = sell(writer, staff_id, customer_id, name="Tặng 8 buổi", kind="gift", price=None,
                   total_uses=8, used=4)
    assert (package.price, package.remaining, package.status) == (0, 4, "in_use")
    assert package.per_session_value == 0
    assert redeem(writer, staff_id, package.id, technician_id).value == 0
    assert get(reader, package.id).remaining == 3


def test_gift_with_a_price_is_refused(fixed_now, writer, reader, staff_id, customer_id):
    audits = audit_count(reader)
    error = refused(writer, ValidationError, "gift package is free",
                    lambda s: sell_package(s, staff_id=staff_id, customer_id=customer_id,
                                           name="Tặng", kind="gift", price=100, total_uses=2,
                                           expires_on=NEXT_YEAR))
    assert error.field == "price"
    assert audit_count(reader) == audits


# --- freeze and resume ----------------------------------------------------------------------


def test_frozen_package_is_refused_and_resume_moves_expiry_by_the_days_frozen(
        fixed_now, writer, reader, staff_id, technician_id, customer_id):
    package = sell(writer, staff_id, customer_id, expires_on=date(2027, 5, 31))
    shown = expiry_after_freeze(package, days=30)
    assert shown == date(2027, 6, 30)
    with writer() as s:
        frozen = freeze_package(s, staff_id=staff_id, package_id=package.id, days=30,
                                note="Customer travelling")
    assert frozen.expires_on == shown  # what the dialog showed is what happened
    assert (frozen.frozen_from, frozen.frozen_until) == (TODAY, date(2026, 12, 23))
    assert frozen.status == "reserved"

    before = state(reader, package.id)
    error = refused(writer, RuleViolation,
                    r"Package is reserved \(frozen\) until 23/12/2026\.",
                    lambda s: redeem_session(s, staff_id=staff_id, package_id=package.id,
                                             service_staff_id=technician_id))
    assert error.field == "package"
    assert state(reader, package.id) == before

    with clock.pinned(datetime(2026, 12, 3, 10, 0)):  # back after 10 of the 30 days
        current = get(reader, package.id)
        assert current.status == "reserved"
        shown = expiry_after_resume(current)
        assert shown == date(2027, 6, 10)
        with writer() as s:
            resumed = resume_package(s, staff_id=staff_id, package_id=package.id,
                                     note="Back early")
        assert resumed.expires_on == shown == date(2027, 5, 31) + timedelta(days=10)
        assert (resumed.frozen_from, resumed.frozen_until, resumed.status) == (
            None, None, "in_use")
        assert redeem(writer, staff_id, package.id, technician_id).value == 598

    changes = [(e.change, e.old_expiry, e.new_expiry) for e in history(reader, package.id)]
    assert changes[1:3] == [
        ("resume", date(2027, 6, 30), date(2027, 6, 10)),
        ("freeze", date(2027, 5, 31), date(2027, 6, 30)),
    ]
    assert_columns_are_event_sums(reader, package.id)


def test_freeze_that_runs_its_course_keeps_the_moved_expiry(
        fixed_now, writer, reader, staff_id, technician_id, customer_id):
    package = sell(writer, staff_id, customer_id, expires_on=date(2027, 1, 10))
    until = date(2026, 12, 7)
    assert expiry_after_freeze(package, until=until) == date(2027, 1, 24)
    with writer() as s:
        freeze_package(s, staff_id=staff_id, package_id=package.id, until=until,
                       note="Surgery")
    with clock.pinned(datetime(2026, 12, 6, 9, 0)):
        assert get(reader, package.id).status == "reserved"
    with clock.pinned(datetime(2026, 12, 7, 9, 0)):  # the end date is the first usable day
        current = get(reader, package.id)
        assert (current.status, current.expires_on) == ("in_use", date(2027, 1, 24))
        assert expiry_after_resume(current) == date(2027, 1, 24)
        redeem(writer, staff_id, package.id, technician_id)
        refused(writer, RuleViolation, "not frozen",
                lambda s: resume_package(s, staff_id=staff_id, package_id=package.id))


def test_resume_on_the_day_of_the_freeze_gives_every_day_back(
        fixed_now, writer, reader, staff_id, customer_id):
    package = sell(writer, staff_id, customer_id)
    with writer() as s:
        freeze_package(s, staff_id=staff_id, package_id=package.id, days=14, note="Mistake")
    with writer() as s:
        resumed = resume_package(s, staff_id=staff_id, package_id=package.id)
    assert resumed.expires_on == package.expires_on
    assert resumed.status == "in_use"


@pytest.mark.parametrize(("kwargs", "match", "field"), [
    ({"days": 0, "note": "x"}, "1 to 3650 days", "days"),
    ({"days": -5, "note": "x"}, "1 to 3650 days", "days"),
    ({"days": 3651, "note": "x"}, "1 to 3650 days", "days"),
    ({"note": "x"}, "how many days", "days"),
    ({"days": 5, "until": date(2026, 12, 1), "note": "x"}, "not both", "days"),
    ({"until": TODAY, "note": "x"}, "end after today", "until"),
    ({"days": 10, "note": "  "}, "Note is required", "note"),
])
def test_bad_freeze_is_refused_and_changes_nothing(
        fixed_now, writer, reader, staff_id, customer_id, kwargs, match, field):
    package = sell(writer, staff_id, customer_id)
    before = state(reader, package.id)
    error = refused(writer, ValidationError, match,
                    lambda s: freeze_package(s, staff_id=staff_id, package_id=package.id,
                                             **kwargs))
    assert error.field == field
    assert state(reader, package.id) == before


def test_freeze_is_refused_when_frozen_expired_or_used_up(
        fixed_now, writer, reader, staff_id, technician_id, customer_id):
    frozen = sell(writer, staff_id, customer_id)
    with writer() as s:
        freeze_package(s, staff_id=staff_id, package_id=frozen.id, days=10, note="Away")
    used_up = sell(writer, staff_id, customer_id, total_uses=1)
    redeem(writer, staff_id, used_up.id, technician_id)
    expiring = sell(writer, staff_id, customer_id, expires_on=date(2026, 11, 30))
    cases = [(frozen.id, r"already reserved \(frozen\) until 03/12/2026"),
             (used_up.id, "used up")]
    for package_id, match in cases:
        before = state(reader, package_id)
        refused(writer, RuleViolation, match,
                lambda s, p=package_id: freeze_package(s, staff_id=staff_id, package_id=p,
                                                       days=5, note="x"))
        assert state(reader, package_id) == before
    with clock.pinned(datetime(2026, 12, 1, 9, 0)):
        before = state(reader, expiring.id)
        refused(writer, RuleViolation, "expired on 30/11/2026",
                lambda s: freeze_package(s, staff_id=staff_id, package_id=expiring.id,
                                         days=5, note="x"))
        assert state(reader, expiring.id) == before


# --- extend ---------------------------------------------------------------------------------


def test_extend_moves_the_expiry_and_records_old_and_new(
        fixed_now, writer, reader, staff_id, customer_id):
    package = sell(writer, staff_id, customer_id, expires_on=date(2027, 1, 31))
    with writer() as s:
        extended = extend_package(s, staff_id=staff_id, package_id=package.id,
                                  new_expiry=date(2027, 3, 31), note="Goodwill")
    assert extended.expires_on == date(2027, 3, 31)
    event = history(reader, package.id)[0]
    assert (event.change, event.old_expiry, event.new_expiry, event.note) == (
        "extend", date(2027, 1, 31), date(2027, 3, 31), "Goodwill")
    assert (event.delta_total, event.delta_used) == (0, 0)


def test_extend_revives_an_expired_package(
        fixed_now, writer, reader, staff_id, technician_id, customer_id):
    package = sell(writer, staff_id, customer_id, expires_on=date(2026, 11, 30))
    with clock.pinned(datetime(2026, 12, 15, 9, 0)):
        assert get(reader, package.id).status == "expired"
        with writer() as s:
            extend_package(s, staff_id=staff_id, package_id=package.id,
                           new_expiry=date(2027, 2, 28), note="Owner approved")
        assert get(reader, package.id).status == "in_use"
        redeem(writer, staff_id, package.id, technician_id)


@pytest.mark.parametrize(("new_expiry", "note", "match", "field"), [
    (date(2026, 11, 22), "Late", r"cannot be before today \(23/11/2026\)", "new_expiry"),
    (date(2027, 1, 31), "Same", "after the current expiry, 31/01/2027", "new_expiry"),
    (date(2027, 1, 1), "Earlier", "after the current expiry", "new_expiry"),
    (date(2027, 3, 31), "", "Note is required", "note"),
    (date(2027, 3, 31), "x" * 251, "longer than 250", "note"),
])
def test_bad_extend_is_refused_and_changes_nothing(
        fixed_now, writer, reader, staff_id, customer_id, new_expiry, note, match, field):
    package = sell(writer, staff_id, customer_id, expires_on=date(2027, 1, 31))
    before = state(reader, package.id)
    error = refused(writer, ValidationError, match,
                    lambda s: extend_package(s, staff_id=staff_id, package_id=package.id,
                                             new_expiry=new_expiry, note=note))
    assert error.field == field
    assert state(reader, package.id) == before


def test_extend_of_expired_package_to_a_date_before_today_is_refused(
        fixed_now, writer, reader, staff_id, customer_id):
    package = sell(writer, staff_id, customer_id, expires_on=date(2026, 11, 25))
    with clock.pinned(datetime(2026, 12, 10, 9, 0)):
        before = state(reader, package.id)
        refused(writer, ValidationError, "before today",
                lambda s: extend_package(s, staff_id=staff_id, package_id=package.id,
                                         new_expiry=date(2026, 12, 1), note="Too late"))
        assert state(reader, package.id) == before


# --- adjust ---------------------------------------------------------------------------------


def test_adjust_writes_an_event_per_figure_with_its_delta(
        fixed_now, writer, reader, staff_id, customer_id):
    package = sell(writer, staff_id, customer_id, total_uses=10, used=2)
    audits = audit_count(reader)
    with writer() as s:
        adjusted = adjust_package(s, staff_id=staff_id, package_id=package.id, total_uses=12,
                                   used=5, reason="Counted the paper card")
    assert (adjusted.total_uses, adjusted.used, adjusted.remaining) == (12, 5, 7)
    assert audit_count(reader) == audits + 1
    events = history(reader, package.id)
    assert [(e.change, e.delta_total, e.delta_used, e.note) for e in events[:2]] == [
        ("adjust_used", 0, 3, "Counted the paper card"),
        ("adjust_total", 2, 0, "Counted the paper card"),
    ]
    with writer() as s:
        adjust_package(s, staff_id=staff_id, package_id=package.id, used=4,
                        reason="One session was a mistake")
    assert history(reader, package.id)[0].delta_used == -1
    assert get(reader, package.id).used == 4
    assert_columns_are_event_sums(reader, package.id)


@pytest.mark.parametrize(("kwargs", "exc", "match", "field"), [
    ({"used": 11, "reason": "x"}, ValidationError, r"used \(11\) cannot be more than the total "
                                                   r"\(10\)", "used"),
    ({"total_uses": 1, "reason": "x"}, ValidationError, "cannot be more than the total",
     "total_uses"),
    ({"used": -1, "reason": "x"}, ValidationError, "cannot be negative", "used"),
    ({"total_uses": -3, "reason": "x"}, ValidationError, "cannot be negative", "total_uses"),
    ({"total_uses": 0, "reason": "x"}, ValidationError, "at least 1", "total_uses"),
    ({"used": 3, "reason": ""}, ValidationError, "Reason is required", "reason"),
    ({"used": 3, "reason": "   "}, ValidationError, "Reason is required", "reason"),
    ({"reason": "x"}, ValidationError, "Enter the new number", "total_uses"),
    ({"used": 2, "reason": "x"}, ValidationError, "Nothing to change", "used"),
])
def test_bad_adjust_is_refused_and_changes_nothing(
        fixed_now, writer, reader, staff_id, customer_id, kwargs, exc, match, field):
    package = sell(writer, staff_id, customer_id, total_uses=10, used=2)
    before = state(reader, package.id)
    error = refused(writer, exc, match,
                    lambda s: adjust_package(s, staff_id=staff_id, package_id=package.id,
                                              **kwargs))
    assert error.field == field
    assert state(reader, package.id) == before


def test_time_card_total_cannot_be_adjusted_but_used_can(
        fixed_now, writer, reader, staff_id, customer_id):
    package = sell(writer, staff_id, customer_id, kind="time", price=1980)
    refused(writer, RuleViolation, "no session count",
            lambda s: adjust_package(s, staff_id=staff_id, package_id=package.id,
                                      total_uses=5, reason="x"))
    with writer() as s:
        adjusted = adjust_package(s, staff_id=staff_id, package_id=package.id, used=3,
                                   reason="Visits before the system")
    assert (adjusted.used, adjusted.remaining, adjusted.status) == (3, None, "in_use")
    assert_columns_are_event_sums(reader, package.id)


# --- redeem ---------------------------------------------------------------------------------


def test_redeem_needs_an_active_service_staff_member(
        fixed_now, writer, reader, staff_id, technician_id, customer_id):
    package = sell(writer, staff_id, customer_id)
    with writer() as s:
        s.execute(text("UPDATE staff SET active = FALSE WHERE id = :t"), {"t": technician_id})
    before = state(reader, package.id)
    for service_staff_id, exc, match in [
        (None, ValidationError, "who did the service"),
        (technician_id, NotFound, "inactive"),
        (9999, NotFound, "does not exist"),
    ]:
        error = refused(writer, exc, match,
                        lambda s, t=service_staff_id: redeem_session(
                            s, staff_id=staff_id, package_id=package.id, service_staff_id=t))
        assert error.field == "service_staff"
    refused(writer, NotFound, "No package #424242",
            lambda s: redeem_session(s, staff_id=staff_id, package_id=424242,
                                     service_staff_id=staff_id))
    refused(writer, NotFound, "No invoice #77",
            lambda s: redeem_session(s, staff_id=staff_id, package_id=package.id,
                                     service_staff_id=staff_id, invoice_id=77))
    assert state(reader, package.id) == before


def test_every_operation_writes_exactly_one_audit_row(
        fixed_now, writer, reader, staff_id, technician_id, customer_id):
    operations = [
        ("sell_package", lambda s: sell_package(
            s, staff_id=staff_id, customer_id=customer_id, name="Combo", kind="count",
            price=5980, total_uses=10, used=2, expires_on=NEXT_YEAR)),
        ("redeem_package", lambda s: redeem_session(
            s, staff_id=staff_id, package_id=1, service_staff_id=technician_id)),
        ("extend_package", lambda s: extend_package(
            s, staff_id=staff_id, package_id=1, new_expiry=date(2028, 1, 1), note="x")),
        ("freeze_package", lambda s: freeze_package(
            s, staff_id=staff_id, package_id=1, days=3, note="x")),
        ("resume_package", lambda s: resume_package(s, staff_id=staff_id, package_id=1)),
        ("adjust_package", lambda s: adjust_package(
            s, staff_id=staff_id, package_id=1, total_uses=11, used=4, reason="x")),
    ]
    for action, operation in operations:
        count = audit_count(reader)
        with writer() as s:
            operation(s)
        assert audit_count(reader) == count + 1
        with reader() as s:
            last = s.execute(text("SELECT action, entity, entity_id, staff_id FROM audit_log "
                                  "ORDER BY id DESC LIMIT 1")).one()
        assert tuple(last) == (action, "customer_package", 1, staff_id)
        assert_columns_are_event_sums(reader, 1)


def test_history_rows_carry_time_change_delta_note_operator_and_service_staff(
        fixed_now, writer, reader, staff_id, technician_id, customer_id):
    with writer() as s:
        receptionist = create_staff(s, name="Phạm Mai", role="receptionist",
                                    staff_id=staff_id).id
    package = sell(writer, staff_id, customer_id, note="Khai trương")
    with clock.pinned(datetime(2026, 11, 24, 14, 5)):
        redeem(writer, receptionist, package.id, technician_id, note="Gội + massage")
    events = history(reader, package.id)
    assert [e.change for e in events] == ["redeem", "sell"]
    newest, oldest = events
    assert newest.created_at == datetime(2026, 11, 24, 14, 5)
    assert (newest.delta_total, newest.delta_used, newest.value) == (0, 1, 598)
    assert newest.note == "Gội + massage"
    assert newest.operator_name == "Phạm Mai"
    assert newest.service_staff_name == "Lê Văn Tài"
    assert oldest.created_at == fixed_now
    assert (oldest.delta_total, oldest.delta_used, oldest.note) == (10, 0, "Khai trương")
    assert (oldest.operator_name, oldest.service_staff_name) == ("Trần Thu Hà", "")


# --- lists ----------------------------------------------------------------------------------


def test_the_header_lists_the_packages_in_use_expiring_within_30_days(
        fixed_now, writer, reader, staff_id, technician_id, customer_id):
    from salontui.store.summary import EXPIRING_WITHIN_DAYS, customer_summary

    assert EXPIRING_WITHIN_DAYS == 30
    soon = sell(writer, staff_id, customer_id, name="Soon", expires_on=date(2026, 12, 3))
    today_last = sell(writer, staff_id, customer_id, name="Last day", expires_on=TODAY)
    edge = sell(writer, staff_id, customer_id, name="Edge", expires_on=date(2026, 12, 23))
    later = sell(writer, staff_id, customer_id, name="Later", expires_on=date(2026, 12, 24))
    used_up = sell(writer, staff_id, customer_id, name="Used up", total_uses=1,
                   expires_on=date(2026, 12, 1))
    redeem(writer, staff_id, used_up.id, technician_id)
    frozen = sell(writer, staff_id, customer_id, name="Frozen", expires_on=date(2026, 12, 1))
    with writer() as s:
        freeze_package(s, staff_id=staff_id, package_id=frozen.id, days=5, note="x")
    with reader() as s:
        expiring = customer_summary(s, customer_id=customer_id).expiring
        assert [p.name for p in expiring] == ["Last day", "Soon", "Edge"]
    with clock.pinned(datetime(2026, 11, 24, 9, 0)), reader() as s:  # Last day has expired
        ids = [p.id for p in customer_summary(s, customer_id=customer_id).expiring]
        assert today_last.id not in ids
        assert ids == [soon.id, edge.id, later.id]  # Later is now within 30 days


def test_list_packages_puts_those_in_use_first_then_by_expiry(
        fixed_now, writer, reader, staff_id, technician_id, customer_id):
    late = sell(writer, staff_id, customer_id, name="Late", expires_on=date(2027, 9, 1))
    used_up = sell(writer, staff_id, customer_id, name="Used up", total_uses=1,
                   expires_on=date(2026, 12, 1))
    redeem(writer, staff_id, used_up.id, technician_id)
    early = sell(writer, staff_id, customer_id, name="Early", expires_on=date(2027, 2, 1))
    frozen = sell(writer, staff_id, customer_id, name="Frozen", expires_on=date(2027, 1, 1))
    with writer() as s:
        freeze_package(s, staff_id=staff_id, package_id=frozen.id, days=7, note="x")
    with reader() as s:
        rows = list_packages(s, customer_id=customer_id)
    assert [(r.name, r.status) for r in rows] == [
        ("Early", "in_use"), ("Late", "in_use"),
        ("Used up", "used_up"), ("Frozen", "reserved"),
    ]
    assert {r.id for r in rows} == {late.id, used_up.id, early.id, frozen.id}
    with reader() as s:
        assert list_packages(s, customer_id=customer_id + 1) == []
        with pytest.raises(NotFound):
            get_package(s, package_id=999)


# --- selling --------------------------------------------------------------------------------


def add_plan(writer, **fields) -> int:
    fields.setdefault("name", "Liệu trình 10 buổi")
    fields.setdefault("kind", "package")
    with writer() as s:
        plan = CatalogItem(code=codes.next_code(s, codes.CATALOG), name_norm=fields["name"],
                           **fields)
        s.add(plan)
        s.flush()
        return plan.id


def test_sell_from_a_catalog_plan(fixed_now, writer, reader, staff_id, customer_id):
    plan_id = add_plan(writer, price=5980, package_kind="count", sessions=10,
                       validity_days=180)
    package = sell(writer, staff_id, customer_id, plan_id=plan_id, name=None, kind=None,
                   price=None, total_uses=None, expires_on=None)
    assert (package.name, package.kind, package.price, package.total_uses) == (
        "Liệu trình 10 buổi", "count", 5980, 10)
    assert package.expires_on == TODAY + timedelta(days=180)
    assert package.plan_id == plan_id
    year = add_plan(writer, name="Thẻ năm", price=1980, package_kind="time", validity_days=365)
    card = sell(writer, staff_id, customer_id, plan_id=year, name=None, kind=None, price=None,
                total_uses=None, expires_on=None, activated_on=date(2026, 12, 1))
    assert (card.kind, card.total_uses, card.expires_on) == ("time", 0, date(2027, 12, 1))


def test_sell_from_an_unknown_or_withdrawn_plan_is_refused(
        fixed_now, writer, reader, staff_id, customer_id):
    withdrawn = add_plan(writer, price=100, package_kind="count", sessions=2,
                         validity_days=30, active=False)
    service = add_plan(writer, name="Cắt tóc", kind="service", price=100)
    audits = audit_count(reader)
    refused(writer, RuleViolation, "no longer sold",
            lambda s: sell_package(s, staff_id=staff_id, customer_id=customer_id,
                                   plan_id=withdrawn))
    for plan_id in (service, 999):
        refused(writer, NotFound, "plan does not exist",
                lambda s, p=plan_id: sell_package(s, staff_id=staff_id,
                                                  customer_id=customer_id, plan_id=p))
    assert audit_count(reader) == audits


@pytest.mark.parametrize(("fields", "match", "field"), [
    ({"name": "  "}, "Name is required", "name"),
    ({"kind": "forever"}, "Choose the kind", "kind"),
    ({"price": None}, "Enter the price", "price"),
    ({"price": -1}, "cannot be negative", "price"),
    ({"total_uses": None}, "number of sessions", "total_uses"),
    ({"total_uses": 0}, "at least 1", "total_uses"),
    ({"used": -1}, "cannot be negative", "used"),
    ({"used": 11}, "cannot be more than the 10 sessions", "used"),
    ({"purchased_on": date(2026, 11, 24)}, "cannot be in the future", "purchased_on"),
    ({"activated_on": date(2026, 1, 1)}, "before the purchase date", "activated_on"),
    ({"expires_on": None}, "Enter the expiry date", "expires_on"),
    ({"expires_on": date(2026, 11, 22)}, "22/11/2026 is already past", "expires_on"),
    ({"note": "n" * 251}, "longer than 250", "note"),
])
def test_bad_sale_is_refused_and_writes_nothing(
        fixed_now, writer, reader, staff_id, customer_id, fields, match, field):
    def count(s):
        return s.execute(text("SELECT (SELECT count(*) FROM customer_package), "
                              "(SELECT count(*) FROM package_event), "
                              "(SELECT count(*) FROM audit_log)")).one()

    with reader() as s:
        before = count(s)
    base = {"name": "Combo", "kind": "count", "price": 5980, "total_uses": 10,
            "expires_on": NEXT_YEAR} | fields
    error = refused(writer, ValidationError, match,
                    lambda s: sell_package(s, staff_id=staff_id, customer_id=customer_id,
                                           **base))
    assert error.field == field
    with reader() as s:
        assert count(s) == before


def test_sell_to_a_deleted_customer_or_as_nobody_is_refused(
        fixed_now, writer, staff_id, customer_id):
    from salontui.store.customers import delete_customer

    refused(writer, ValidationError, "Sign in",
            lambda s: sell_package(s, staff_id=None, customer_id=customer_id, name="X",
                                   kind="count", price=1, total_uses=1, expires_on=NEXT_YEAR))
    refused(writer, NotFound, "No customer",
            lambda s: sell_package(s, staff_id=staff_id, customer_id=999, name="X",
                                   kind="count", price=1, total_uses=1, expires_on=NEXT_YEAR))
    with writer() as s:
        delete_customer(s, staff_id=staff_id, customer_id=customer_id)
    refused(writer, RuleViolation, "deleted",
            lambda s: sell_package(s, staff_id=staff_id, customer_id=customer_id, name="X",
                                   kind="count", price=1, total_uses=1, expires_on=NEXT_YEAR))


# --- refunds --------------------------------------------------------------------------------


def test_restore_session_gives_back_the_last_session_and_its_value(
        fixed_now, writer, reader, staff_id, technician_id, customer_id):
    package = sell(writer, staff_id, customer_id, price=5980, total_uses=7, used=6)
    assert redeem(writer, staff_id, package.id, technician_id).value == 856
    with clock.pinned(datetime(2028, 1, 1, 9, 0)):  # long expired: a refund still restores
        with writer() as s:
            event = restore_session(s, staff_id=staff_id, package_id=package.id,
                                    note="Refund HD000002")
        assert (event.change, event.delta_used, event.value) == ("refund", -1, -856)
        assert get(reader, package.id).used == 6
    with writer() as s:
        adjust_package(s, staff_id=staff_id, package_id=package.id, used=0, reason="x")
    before = state(reader, package.id)
    refused(writer, RuleViolation, "No used session",
            lambda s: restore_session(s, staff_id=staff_id, package_id=package.id))
    assert state(reader, package.id) == before
    assert_columns_are_event_sums(reader, package.id)


@pytest.mark.parametrize("kind", ["count", "time", "gift"])
def test_cancel_package_voids_an_unused_package_for_good(
        fixed_now, writer, reader, staff_id, technician_id, customer_id, kind):
    package = sell(writer, staff_id, customer_id, kind=kind, price=0 if kind == "gift" else 900)
    with writer() as s:
        freeze_package(s, staff_id=staff_id, package_id=package.id, days=5, note="x")
    with writer() as s:
        cancelled = cancel_package(s, staff_id=staff_id, package_id=package.id,
                                   note="Refund HD000009")
    assert (cancelled.total_uses, cancelled.used, cancelled.status) == (0, 0, "expired")
    assert cancelled.expires_on == date(2026, 11, 22)
    assert cancelled.frozen_from is None
    assert history(reader, package.id)[0].change == "refund"
    assert_columns_are_event_sums(reader, package.id)
    before = state(reader, package.id)
    for operation in (
        lambda s: redeem_session(s, staff_id=staff_id, package_id=package.id,
                                 service_staff_id=technician_id),
        lambda s: extend_package(s, staff_id=staff_id, package_id=package.id,
                                 new_expiry=NEXT_YEAR, note="x"),
        lambda s: freeze_package(s, staff_id=staff_id, package_id=package.id, days=3,
                                 note="x"),
        lambda s: adjust_package(s, staff_id=staff_id, package_id=package.id, used=0,
                                 total_uses=None if kind == "time" else 3, reason="x"),
        lambda s: cancel_package(s, staff_id=staff_id, package_id=package.id),
    ):
        refused(writer, RuleViolation, "cancelled by a refund", operation)
    assert state(reader, package.id) == before


def test_cancel_package_is_refused_once_a_session_was_used(
        fixed_now, writer, reader, staff_id, technician_id, customer_id):
    package = sell(writer, staff_id, customer_id)
    redeem(writer, staff_id, package.id, technician_id)
    before = state(reader, package.id)
    refused(writer, RuleViolation, "1 session",
            lambda s: cancel_package(s, staff_id=staff_id, package_id=package.id))
    assert state(reader, package.id) == before


# --- status -----------------------------------------------------------------------------


def test_status_precedence_reserved_expired_used_up_in_use():
    def status(**kw):
        base = {"kind": "count", "total_uses": 10, "used": 3, "expires_on": date(2026, 12, 31),
                "frozen_from": None, "frozen_until": None, "today": TODAY}
        return package_status(**(base | kw))

    assert status() == "in_use"
    assert status(used=10) == "used_up"
    assert status(kind="time", total_uses=0, used=99) == "in_use"
    assert status(used=10, expires_on=date(2026, 11, 22)) == "expired"
    assert status(expires_on=TODAY) == "in_use"
    frozen = {"frozen_from": TODAY, "frozen_until": date(2026, 11, 30)}
    assert status(used=10, expires_on=date(2026, 11, 1), **frozen) == "reserved"
    assert status(today=date(2026, 11, 30), **frozen) == "in_use"
    assert status(today=date(2026, 11, 22), **frozen) == "in_use"


def test_history_and_events_are_append_only(fixed_now, writer, staff_id, customer_id):
    package = sell(writer, staff_id, customer_id)
    with pytest.raises(Exception, match="append-only"), writer() as s:
        s.execute(text("UPDATE package_event SET delta_used = 5 WHERE package_id = :p"),
                  {"p": package.id})
