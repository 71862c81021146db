"""The follow-up after a paid visit (store.day.follow_up): saved once, on the appointment
and as a care note, with its history and audit rows; a callback needs a reminder date of
the salon's calendar, today or later; bad input refused at its field with nothing written;
the day's visits paid and not followed up."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from refusals import refused_wrongly
from sqlalchemy import text

from salontui.store import clock
from salontui.store.branches import create_branch
from salontui.store.care import list_care_notes
from salontui.store.cart import Cart, CartLine, CartPayment
from salontui.store.catalog import create_item
from salontui.store.checkout import checkout
from salontui.store.day.appointments import appointment_history, set_appointment_status
from salontui.store.day.book import LineIn, book_appointment
from salontui.store.day.follow_up import not_followed_up, save_follow_up
from salontui.store.day.times import day_bounds
from salontui.store.errors import RuleViolation, SalonError, ValidationError
from salontui.store.models import Appointment

# 09:30 UTC on Monday 23/11/2026 is 16:30 in the salon (UTC+7).
DAY = date(2026, 11, 23)
SALON_OFFSET = timedelta(hours=7)


@pytest.fixture
def cut(writer, staff_id):
    with writer() as s:
        return create_item(s, staff_id=staff_id, name="Cắt tóc nữ", kind="service",
                           price=150_000)


def visit(writer, staff_id, customer_id, item, *, at=None, paid=True, branch_id=None,
          key="k"):
    """A visit for ``item`` checked in and (``paid``) paid in cash at ``at`` (default now)."""
    at = at or clock.now()
    with clock.pinned(at), writer() as s:
        row = book_appointment(s, staff_id=staff_id, customer_id=customer_id, lines=[
            LineIn(item.id, staff_id=staff_id, starts_at=at)], confirm=True,
            confirm_past=True, branch_id=branch_id)
        set_appointment_status(s, staff_id=staff_id, appointment_id=row.id,
                               status="checked_in")
        if paid:
            checkout(s, staff_id=staff_id, idempotency_key=key, cart=Cart(
                customer_id=customer_id, appointment_id=row.id, branch_id=branch_id,
                lines=[CartLine(kind="service", item_id=item.id, staff_id=staff_id)],
                payments=[CartPayment(method="cash", amount=item.price)]))
    return row


def counts(reader) -> tuple[int, ...]:
    with reader() as s:
        return tuple(s.execute(text(f"SELECT count(*) FROM {t}")).scalar()
                     for t in ("care_note", "audit_log", "appointment_event"))


def test_a_follow_up_is_saved_once(reader, writer, staff_id, technician_id, customer_id,
                                   cut, fixed_now):
    row = visit(writer, staff_id, customer_id, cut)
    with reader() as s:
        assert [a.id for a in not_followed_up(s, DAY)] == [row.id]
    before = counts(reader)
    with writer() as s:
        saved = save_follow_up(
            s, staff_id=technician_id, appointment_id=row.id,
            service_notes="Cắt ngắn ngang vai.\r\nKhách thích  mái thưa.  \n\n",
            next_focus="  Thử   uốn   nhẹ  ", next_reminder_on=DAY + timedelta(days=30),
            next_step="callback")
    assert saved.followed_up and saved.id == row.id
    assert counts(reader) == tuple(n + 1 for n in before)  # one note, audit, event
    with reader() as s:
        stored = s.get(Appointment, row.id)
        assert stored.service_notes == "Cắt ngắn ngang vai.\nKhách thích  mái thưa."
        assert stored.next_focus == "Thử uốn nhẹ"
        assert stored.next_step == "callback"
        # The reminder is the start of that salon day, in UTC.
        assert stored.next_reminder_at == day_bounds(DAY + timedelta(days=30),
                                                     SALON_OFFSET)[0]
        assert (stored.followed_up_at, stored.followed_up_by) == (fixed_now, technician_id)
        [note] = list_care_notes(s, customer_id=customer_id, type="treatment")
        assert note.title == "Visit 23/11/2026: Cắt tóc nữ"
        assert note.staff_name == "Lê Văn Tài"
        assert note.description.startswith("Cắt ngắn ngang vai.\nKhách thích  mái thưa.")
        assert "Next focus: Thử uốn nhẹ" in note.description
        assert "call back on 23/12/2026" in note.description
        history = appointment_history(s, appointment_id=row.id)
        assert (history[-1].change, history[-1].staff_name) == ("followed_up", "Lê Văn Tài")
        audit = s.execute(text("SELECT action, staff_id FROM audit_log ORDER BY id DESC "
                               "LIMIT 1")).one()
        assert tuple(audit) == ("save_follow_up", technician_id)
        assert not_followed_up(s, DAY) == []
    # A second save is refused, whoever tries, and writes nothing.
    before = counts(reader)
    with pytest.raises(RuleViolation) as refused, writer() as s:
        save_follow_up(s, staff_id=staff_id, appointment_id=row.id, service_notes="Again",
                       next_step="visit")
    assert refused.value.field == "appointment"
    assert "saved once" in refused.value.message and "Lê Văn Tài" in refused.value.message
    assert counts(reader) == before


def test_bad_follow_ups_are_refused_at_their_field(reader, writer, staff_id, customer_id,
                                                   cut, fixed_now):
    paid = visit(writer, staff_id, customer_id, cut, key="a")
    unpaid = visit(writer, staff_id, customer_id, cut, paid=False)
    good = {"appointment_id": paid.id, "service_notes": "Cắt ngắn", "next_focus": "",
            "next_reminder_on": None, "next_step": ""}
    cases = [
        ({"next_step": "callback"}, "next_reminder_on", "needs the date"),
        ({"next_step": "callback", "next_reminder_on": DAY - timedelta(days=1)},
         "next_reminder_on", "has passed"),
        ({"next_reminder_on": DAY + timedelta(days=3 * 366)}, "next_reminder_on",
         "too far ahead"),
        ({"next_reminder_on": datetime(2026, 12, 1, 9)}, "next_reminder_on"),
        ({"next_step": "walk"}, "next_step"),
        ({"service_notes": "x" * 1001}, "service_notes", "1000"),
        ({"service_notes": "x" * 5000}, "service_notes"),
        ({"service_notes": "a\x00b"}, "service_notes", "control character"),
        ({"next_focus": "y" * 251}, "next_focus", "250"),
        ({"next_focus": "line\nbreak " * 30}, "next_focus"),
        ({"service_notes": "  \n ", "next_focus": " "}, "service_notes", "Write what"),
    ]
    rules = [
        ({"appointment_id": unpaid.id}, "appointment", "once it is paid"),
        ({"appointment_id": 999_999}, "appointment"),
    ]

    def attempt(changes):
        with writer() as s:
            save_follow_up(s, staff_id=staff_id, **(good | changes))

    problems = refused_wrongly(cases, attempt, lambda: counts(reader))
    for changes, field, *said in rules:
        before = counts(reader)
        try:
            attempt(changes)
        except SalonError as error:  # a rule, or no such visit
            if error.field != field or (said and said[0] not in error.message):
                problems.append(f"{changes}: {error.field} {error.message}")
        except Exception as other:
            problems.append(f"{changes}: {other!r}")
        else:
            problems.append(f"{changes}: not refused")
        if counts(reader) != before:
            problems.append(f"{changes}: written")
    assert problems == []


def test_the_reminder_date_is_the_salons_calendar(reader, writer, staff_id, customer_id, cut):
    """At 20:00 UTC on 23/11 it is already 24/11 in the salon: 23/11 has passed there."""
    late = datetime(2026, 11, 23, 20, 0)
    row = visit(writer, staff_id, customer_id, cut, at=late)
    with clock.pinned(late):
        with pytest.raises(ValidationError, match="has passed") as refused, writer() as s:
            save_follow_up(s, staff_id=staff_id, appointment_id=row.id, next_step="callback",
                           next_reminder_on=DAY)
        assert refused.value.field == "next_reminder_on"
        with writer() as s:
            save_follow_up(s, staff_id=staff_id, appointment_id=row.id, next_step="callback",
                           next_reminder_on=DAY + timedelta(days=1))
        with reader() as s:
            # Paid on the salon's 24/11, not 23/11.
            assert s.get(Appointment, row.id).next_reminder_at == datetime(2026, 11, 23, 17)


def test_not_followed_up_by_day_and_branch(reader, writer, staff_id, customer_id, cut,
                                          fixed_now):
    with writer() as s:
        branch = create_branch(s, staff_id=staff_id, code="Q3", name="Quận 3")
    first = visit(writer, staff_id, customer_id, cut, key="1")
    there = visit(writer, staff_id, customer_id, cut, key="2", branch_id=branch.id,
                  at=fixed_now + timedelta(minutes=5))
    yesterday = visit(writer, staff_id, customer_id, cut, key="3",
                      at=fixed_now - timedelta(days=1))
    unpaid = visit(writer, staff_id, customer_id, cut, paid=False)
    skipped = visit(writer, staff_id, customer_id, cut, key="4",
                    at=fixed_now + timedelta(minutes=10))
    with writer() as s:
        save_follow_up(s, staff_id=staff_id, appointment_id=first.id, service_notes="OK")
    with reader() as s:
        assert [a.id for a in not_followed_up(s, DAY)] == [there.id, skipped.id]
        assert [a.id for a in not_followed_up(s, DAY, branch_id=branch.id)] == [there.id]
        home = s.execute(text("SELECT min(id) FROM branch")).scalar()
        assert [a.id for a in not_followed_up(s, DAY, branch_id=home)] == [skipped.id]
        assert [a.id for a in not_followed_up(s, DAY - timedelta(days=1))] == [yesterday.id]
        assert unpaid.id not in {a.id for a in not_followed_up(s, DAY)}
