"""Closing a course (关闭疗程): a package closed early with a reason keeps its price,
sessions and history, records what its sessions left were worth, and takes no further
action; the refusals, and bad reasons answered at the field with nothing written.

On both engines; the store's clock is pinned (``fixed_now``: Monday 23/11/2026 09:30).
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import text

from salontui.store import clock
from salontui.store.check import run_checks
from salontui.store.dates import show_date
from salontui.store.errors import NotFound, RuleViolation, ValidationError
from salontui.store.package_reads import (
    get_package,
    list_packages,
    package_history,
    per_session_values,
)
from salontui.store.packages import (
    adjust_package,
    cancel_package,
    check_redeemable,
    close_package,
    extend_package,
    freeze_package,
    redeem_session,
    restore_session,
    resume_package,
    sell_package,
    value_left,
)
from salontui.store.rules import package_status

TODAY = date(2026, 11, 23)
NEXT_YEAR = date(2027, 11, 23)
REASON = "Khách chuyển nhà ra Hà Nội"


def sell(writer, staff_id, customer_id, **fields):
    fields.setdefault("name", "Gội đầu dưỡng sinh")
    fields.setdefault("kind", "count")
    fields.setdefault("price", 5980)
    if fields["kind"] != "time":
        fields.setdefault("total_uses", 10)
    fields.setdefault("expires_on", NEXT_YEAR)
    with writer() as s:
        return sell_package(s, staff_id=staff_id, customer_id=customer_id, **fields)


def close(writer, staff_id, package_id, reason=REASON):
    with writer() as s:
        return close_package(s, staff_id=staff_id, package_id=package_id, reason=reason)


def state(reader, package_id):
    """Everything closing could touch: the package row, its history, the audit log."""
    with reader() as s:
        package = dict(s.execute(text("SELECT * FROM customer_package WHERE id = :p"),
                                 {"p": package_id}).mappings().one())
        events = [tuple(r) for r in s.execute(
            text("SELECT * FROM package_event WHERE package_id = :p ORDER BY id"),
            {"p": package_id})]
        audits = [tuple(r) for r in s.execute(text("SELECT * FROM audit_log ORDER BY id"))]
    return package, events, audits


def test_the_rule_closed_wins_over_every_other_status():
    common = dict(kind="count", total_uses=10, used=3, expires_on=NEXT_YEAR, today=TODAY)
    assert package_status(**common, frozen_from=None, frozen_until=None) == "in_use"
    assert package_status(**common, frozen_from=None, frozen_until=None,
                          closed_on=TODAY) == "closed"
    assert package_status(**common, frozen_from=TODAY, frozen_until=NEXT_YEAR,
                          closed_on=TODAY) == "closed"  # not "reserved"
    assert package_status(**(common | {"expires_on": TODAY - timedelta(days=1)}),
                          frozen_from=None, frozen_until=None, closed_on=TODAY) == "closed"
    assert package_status(kind="count", total_uses=10, used=10, expires_on=NEXT_YEAR,
                          frozen_from=None, frozen_until=None, today=3, closed_on=1) == "closed"


def test_value_left_is_what_the_unused_sessions_are_worth():
    assert value_left("count", 5980, 7, 0) == 5980
    assert value_left("count", 5980, 7, 6) == per_session_values(5980, 7)[-1] == 856
    assert value_left("count", 5980, 7, 2) == 5980 - 2 * 854
    assert value_left("count", 5980, 7, 7) == 0
    assert value_left("time", 5980, 0, 0) == 0
    assert value_left("gift", 0, 3, 1) == 0


def test_close_keeps_everything_on_record(engine, writer, reader, staff_id, customer_id,
                                          technician_id, fixed_now):
    package = sell(writer, staff_id, customer_id, price=5980, total_uses=7)
    for _ in range(2):
        with writer() as s:
            redeem_session(s, staff_id=staff_id, package_id=package.id,
                           service_staff_id=technician_id)
    closed = close(writer, staff_id, package.id, reason=f"  {REASON}  ")
    assert closed.status == "closed" and closed.closed_on == TODAY
    assert (closed.total_uses, closed.used, closed.remaining, closed.price) == (7, 2, 5, 5980)
    assert closed.expires_on == NEXT_YEAR  # nothing else moves
    with reader() as s:
        [event, *_] = package_history(s, package_id=package.id)
        listed = list_packages(s, customer_id=customer_id)
        assert get_package(s, package_id=package.id).status == "closed"
    assert (event.change, event.delta_total, event.delta_used) == ("close", 0, 0)
    assert event.note == REASON and event.value == 5980 - 2 * 854  # the five left, kept
    assert [p.status for p in listed] == ["closed"]
    with engine.connect() as conn:
        before, after = conn.execute(text(
            "SELECT before, after FROM audit_log WHERE action = 'close_package'")).one()
    assert json.loads(before)["closed_on"] is None
    assert json.loads(after)["closed_on"] == TODAY.isoformat()
    assert json.loads(after)["events"] == [event.id]
    assert run_checks(engine, only=["package_counts", "package_history",
                                    "package_closes"]) == []


def test_a_closed_package_takes_no_further_action(writer, reader, staff_id, customer_id,
                                                  technician_id, fixed_now):
    package = sell(writer, staff_id, customer_id)
    close(writer, staff_id, package.id)
    said = f"This package was closed on {show_date(TODAY)}."
    with clock.pinned(clock.now() + timedelta(days=3)):  # closed on stays the day it was
        actions = {
            "redeem": lambda s: redeem_session(s, staff_id=staff_id, package_id=package.id,
                                               service_staff_id=technician_id),
            "check": lambda s: check_redeemable(s, package_id=package.id,
                                                customer_id=customer_id),
            "extend": lambda s: extend_package(s, staff_id=staff_id, package_id=package.id,
                                               new_expiry=NEXT_YEAR + timedelta(days=30),
                                               note="Goodwill"),
            "freeze": lambda s: freeze_package(s, staff_id=staff_id, package_id=package.id,
                                               days=10, note="Travelling"),
            "resume": lambda s: resume_package(s, staff_id=staff_id, package_id=package.id),
            "adjust": lambda s: adjust_package(s, staff_id=staff_id, package_id=package.id,
                                               used=1, reason="Typo"),
            "close": lambda s: close_package(s, staff_id=staff_id, package_id=package.id,
                                             reason="Again"),
        }
        for name, action in actions.items():
            before = state(reader, package.id)
            with pytest.raises(RuleViolation) as refused, writer() as s:
                action(s)
            assert refused.value.message == said, name
            assert refused.value.field == "package"
            assert state(reader, package.id) == before, name


def test_a_frozen_package_closes_and_stays_closed(writer, reader, staff_id, customer_id,
                                                  fixed_now):
    package = sell(writer, staff_id, customer_id)
    with writer() as s:
        freeze_package(s, staff_id=staff_id, package_id=package.id, days=30, note="Away")
    closed = close(writer, staff_id, package.id)
    assert closed.status == "closed"
    with pytest.raises(RuleViolation, match="closed on"), writer() as s:
        resume_package(s, staff_id=staff_id, package_id=package.id)


def test_an_expired_package_may_be_closed_a_used_up_one_not(writer, reader, staff_id,
                                                            customer_id, technician_id,
                                                            fixed_now):
    expired = sell(writer, staff_id, customer_id, purchased_on=TODAY - timedelta(days=60),
                   expires_on=TODAY)
    with clock.pinned(clock.now() + timedelta(days=2)):
        assert close(writer, staff_id, expired.id).status == "closed"
    used_up = sell(writer, staff_id, customer_id, total_uses=1)
    with writer() as s:
        redeem_session(s, staff_id=staff_id, package_id=used_up.id,
                       service_staff_id=technician_id)
    before = state(reader, used_up.id)
    with pytest.raises(RuleViolation, match="used up"), writer() as s:
        close_package(s, staff_id=staff_id, package_id=used_up.id, reason=REASON)
    assert state(reader, used_up.id) == before


def test_a_time_card_and_a_gift_close_with_no_value_left(writer, staff_id, customer_id,
                                                         fixed_now, reader):
    time_card = sell(writer, staff_id, customer_id, kind="time", price=3_000_000)
    gift = sell(writer, staff_id, customer_id, kind="gift", price=0, total_uses=3)
    for package in (time_card, gift):
        assert close(writer, staff_id, package.id).status == "closed"
        with reader() as s:
            assert package_history(s, package_id=package.id)[0].value == 0


def test_a_package_cancelled_by_a_refund_is_not_closed(writer, reader, staff_id, customer_id,
                                                       fixed_now):
    package = sell(writer, staff_id, customer_id)
    with writer() as s:
        cancel_package(s, staff_id=staff_id, package_id=package.id)
    before = state(reader, package.id)
    with pytest.raises(RuleViolation, match="cancelled by a refund"), writer() as s:
        close_package(s, staff_id=staff_id, package_id=package.id, reason=REASON)
    assert state(reader, package.id) == before


def test_a_redemption_refunded_after_closing_gives_its_session_back(
        engine, writer, reader, staff_id, customer_id, technician_id, fixed_now):
    """A refund of money is the invoice's business: it still gives the session back, and
    the package stays closed (and consistent)."""
    package = sell(writer, staff_id, customer_id)
    with writer() as s:
        redeem_session(s, staff_id=staff_id, package_id=package.id,
                       service_staff_id=technician_id)
    close(writer, staff_id, package.id)
    with writer() as s:
        restore_session(s, staff_id=staff_id, package_id=package.id)
    with reader() as s:
        row = get_package(s, package_id=package.id)
    assert (row.used, row.status) == (0, "closed")
    assert run_checks(engine, only=["package_history", "package_closes"]) == []


BAD_REASONS = [
    ("", "Reason is required."),
    ("   ", "Reason is required."),
    ("x" * 251, "Reason is longer than 250 characters."),
    ("x" * 10_000, "This text is longer than 4000 characters."),
    ("Bad\x00reason", "Remove the control character U+0000 from this text."),
]


def test_a_bad_reason_is_refused_at_its_field(writer, reader, staff_id, customer_id,
                                              fixed_now):
    """Every case of BAD_REASONS, on a package of its own, in a write transaction of its
    own: a ValidationError at the reason saying exactly its message, and nothing written."""
    problems = []
    for number, (reason, message) in enumerate(BAD_REASONS):
        short = f"{reason[:12]}…({len(reason)})" if len(reason) > 20 else reason
        case = f"case {number} reason={short!r}"
        package = sell(writer, staff_id, customer_id)
        before = state(reader, package.id)
        try:
            close(writer, staff_id, package.id, reason=reason)
        except ValidationError as refused:
            if (refused.field, refused.message) != ("reason", message):
                problems.append(f"{case}: refused at {refused.field!r} with "
                                f"{refused.message!r}, not 'reason' with {message!r}")
        except Exception as other:
            problems.append(f"{case}: {other!r}")
        else:
            problems.append(f"{case}: not refused")
        if state(reader, package.id) != before:
            problems.append(f"{case}: something was written")
    assert not problems, "\n".join(problems)


def test_bad_arguments(writer, staff_id, customer_id, fixed_now):
    package = sell(writer, staff_id, customer_id)
    with pytest.raises(NotFound), writer() as s:
        close_package(s, staff_id=staff_id, package_id=999_999, reason=REASON)
    with pytest.raises(ValidationError), writer() as s:
        close_package(s, staff_id=staff_id, package_id="1", reason=REASON)  # type: ignore[arg-type]
    with pytest.raises(ValidationError), writer() as s:
        close_package(s, staff_id=staff_id, package_id=package.id,
                      reason=None)  # type: ignore[arg-type]
    with pytest.raises((NotFound, ValidationError, RuleViolation)), writer() as s:
        close_package(s, staff_id=999_999, package_id=package.id, reason=REASON)
