"""The appointment book's rules, on both engines: booking by lines (the end follows the
durations), bad input answered at its field with nothing written, conflicts (double-booked,
outside the opening hours, a day off or a closed day; a confirmed overlap recorded), moving
a visit, status transitions, staff working days and their exceptions, and the day as the
book reads it (columns, the "Anyone" column, times in the salon's zone)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta

import pytest
from refusals import one_case, refused_wrongly
from sqlalchemy import text

from salontui.store.catalog import create_item
from salontui.store.customers import create_customer, delete_customer
from salontui.store.day.appointments import (
    appointment_history,
    get_appointment,
    list_appointments,
    set_appointment_status,
)
from salontui.store.day.book import LineIn, book_appointment, change_appointment
from salontui.store.day.conflicts import NeedsConfirmation, PlannedLine, find_conflicts
from salontui.store.day.day_view import day_book, visit_view
from salontui.store.day.schedule import (
    clear_staff_day,
    opening_for,
    set_staff_day,
    set_work_days,
    staff_days,
    staff_on,
    working_staff,
    works_on,
)
from salontui.store.errors import NotFound, RuleViolation, SalonError, ValidationError
from salontui.store.settings import update_settings
from salontui.store.staff import create_staff

NOW = datetime(2026, 11, 23, 9, 30)  # fixed_now: Monday 16:30 in the salon (UTC+7)
OFFSET = timedelta(hours=7)
TODAY = date(2026, 11, 23)
TUESDAY = date(2026, 11, 24)
SATURDAY = date(2026, 11, 28)
SUNDAY = date(2026, 11, 29)


def at(day: date, clock_time: str, offset: timedelta = OFFSET) -> datetime:
    """The stored (UTC) time of the salon's wall clock ``clock_time`` on ``day``."""
    return datetime.combine(day, time.fromisoformat(clock_time)) - offset


def count(reader, table: str) -> int:
    with reader() as s:
        return s.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def written(reader) -> tuple[int, int, int, int]:
    """What a refused call must not change: audit rows, visits, their lines and history."""
    return tuple(count(reader, t) for t in ("audit_log", "appointment", "appointment_line",
                                            "appointment_event"))  # type: ignore[return-value]


@pytest.fixture
def services(engine, writer, staff_id) -> dict[str, int]:
    """A cut (45 min), a wash (30 min), a colour with no duration and a product."""
    with writer() as s:
        return {
            "cut": create_item(s, staff_id=staff_id, name="Cắt tóc nữ", kind="service",
                               price=150_000, duration_minutes=45).id,
            "wash": create_item(s, staff_id=staff_id, name="Gội đầu", kind="service",
                                price=60_000, duration_minutes=30).id,
            "colour": create_item(s, staff_id=staff_id, name="Nhuộm tóc", kind="service",
                                  price=500_000).id,
            "shampoo": create_item(s, staff_id=staff_id, name="Dầu gội", kind="product",
                                   price=90_000).id,
        }


def book(writer, staff_id, customer_id, lines, **kw):
    with writer() as s:
        return book_appointment(s, staff_id=staff_id, customer_id=customer_id, lines=lines,
                                **kw)


# -- booking --------------------------------------------------------------------------------


def test_book_and_list_newest_first(fixed_now, writer, reader, staff_id, technician_id,
                                    customer_id, services):
    before = count(reader, "audit_log")
    first = book(writer, staff_id, customer_id,
                 [LineIn(services["cut"], staff_id=technician_id,
                         starts_at=at(TUESDAY, "10:00"))], note="  Khách   quen ")
    second = book(writer, staff_id, customer_id,
                  [LineIn(services["wash"], starts_at=at(TUESDAY + timedelta(days=6),
                                                          "15:00"))])
    assert count(reader, "audit_log") == before + 2
    assert first.status == "booked" and first.invoice_state == "none"
    assert first.services == "Cắt tóc nữ" and first.staff_name == "Lê Văn Tài"
    assert first.note == "Khách quen"
    assert second.staff_name is None
    with reader() as s:
        rows = list_appointments(s, customer_id=customer_id)
        assert [r.id for r in rows] == [second.id, first.id]
        assert [r.id for r in list_appointments(s, customer_id=customer_id, limit=1,
                                                offset=1)] == [first.id]
        history = appointment_history(s, appointment_id=first.id)
    assert [e.change for e in history] == ["booked"]
    # The history reads as the desk does: the salon's wall clock and the staff's name.
    assert "24/11/2026 10:00" in history[0].note and "Lê Văn Tài" in history[0].note


def test_the_end_follows_the_durations(fixed_now, writer, staff_id, technician_id,
                                       customer_id, services):
    row = book(writer, staff_id, customer_id, [
        LineIn(services["cut"], staff_id=technician_id, starts_at=at(TUESDAY, "10:00")),
        LineIn(services["wash"], staff_id=technician_id),  # follows the cut
        LineIn(services["colour"]),  # no duration: the default half hour
        LineIn(services["wash"], starts_at=at(TUESDAY, "13:00"), minutes=20),  # typed
    ])
    starts = [(line.starts_at, line.minutes) for line in row.lines]
    assert starts == [(at(TUESDAY, "10:00"), 45), (at(TUESDAY, "10:45"), 30),
                      (at(TUESDAY, "11:15"), 30), (at(TUESDAY, "13:00"), 20)]
    assert row.starts_at == at(TUESDAY, "10:00") and row.ends_at == at(TUESDAY, "13:20")
    assert row.services == "Cắt tóc nữ, Gội đầu, Nhuộm tóc, Gội đầu"


def test_bad_bookings_are_refused_at_their_field(fixed_now, writer, reader, staff_id,
                                                 customer_id, services):
    start = at(TUESDAY, "10:00")
    cut = services["cut"]
    cases = [
        ({"lines": []}, "services", "Choose at least one service"),
        ({"lines": [LineIn(999_999, starts_at=start)]}, "services", "not a service"),
        ({"lines": [LineIn(services["shampoo"], starts_at=start)]}, "services"),
        ({"lines": [LineIn(cut, starts_at=start)] * 21}, "services"),
        ({"lines": [LineIn(cut, starts_at=start, minutes=0)]}, "minutes"),  # end = start
        ({"lines": [LineIn(cut, starts_at=start, minutes=-30)]}, "minutes"),  # end before
        ({"lines": [LineIn(cut, starts_at=start, minutes=13 * 60)]}, "minutes"),
        ({"lines": [LineIn(cut)]}, "starts_at", "date and time"),
        ({"lines": [LineIn(cut, starts_at="tomorrow")]}, "starts_at"),  # type: ignore[arg-type]
        ({"lines": [LineIn(cut, starts_at=start.replace(tzinfo=UTC))]}, "starts_at"),
        ({"lines": [LineIn(cut, starts_at=at(TODAY - timedelta(days=1), "10:00"))]},
         "starts_at", "in the past"),
        ({"lines": [LineIn(cut, starts_at=start + timedelta(days=4 * 366))]}, "starts_at"),
        ({"lines": [LineIn(cut, staff_id=999, starts_at=start)]}, "staff_member"),
        ({"note": "n" * 251}, "note"),
        ({"note": "n" * 10_000}, "note"),
        ({"note": "a\x00b"}, "note"),
        ({"customer_id": 999_999}, "customer"),
        ({"staff_id": None}, "staff"),
    ]

    def attempt(changes):
        args = {"staff_id": staff_id, "customer_id": customer_id,
                "lines": [LineIn(cut, starts_at=start)]} | changes
        with writer() as s:
            book_appointment(s, **args)

    problems = refused_wrongly(cases, attempt, lambda: written(reader), error=SalonError)
    assert not problems, "\n".join(problems)


def test_a_start_that_has_passed_needs_confirming(fixed_now, writer, reader, staff_id,
                                                  technician_id, customer_id, services):
    before = written(reader)
    line = LineIn(services["wash"], staff_id=technician_id, starts_at=at(TODAY, "15:00"))
    with pytest.raises(NeedsConfirmation) as asked:
        book(writer, staff_id, customer_id, [line])
    assert asked.value.field == "starts_at"
    assert [c.kind for c in asked.value.conflicts] == ["past"]
    assert written(reader) == before
    row = book(writer, staff_id, customer_id, [line], confirm_past=True)
    assert row.status == "booked"


def test_deleted_customer_cannot_book(fixed_now, writer, staff_id, customer_id, services):
    with writer() as s:
        delete_customer(s, staff_id=staff_id, customer_id=customer_id)
    with pytest.raises(RuleViolation) as refused:
        book(writer, staff_id, customer_id,
             [LineIn(services["wash"], starts_at=at(TUESDAY, "10:00"))])
    assert refused.value.field == "customer"


# -- statuses -------------------------------------------------------------------------------


def test_check_in_shows_to_cashier_then_the_checkout_marks_it_paid(
        fixed_now, engine, writer, reader, staff_id, technician_id, customer_id, services):
    from salontui.store.cart import Cart, CartLine, CartPayment
    from salontui.store.checkout import checkout

    booked = book(writer, staff_id, customer_id, [
        LineIn(services["cut"], staff_id=technician_id, starts_at=NOW)], confirm_past=True)
    with writer() as s:
        arrived = set_appointment_status(s, staff_id=staff_id, appointment_id=booked.id,
                                         status="checked_in")
    assert arrived.status == "checked_in" and arrived.invoice_state == "to_cashier"
    with pytest.raises(RuleViolation) as refused, writer() as s:
        set_appointment_status(s, staff_id=staff_id, appointment_id=booked.id, status="paid")
    assert "cashier" in refused.value.message
    cart = Cart(customer_id=customer_id,
                lines=[CartLine(kind="service", item_id=services["cut"],
                                staff_id=technician_id)],
                payments=[CartPayment(method="cash", amount=150_000)],
                appointment_id=booked.id)
    with writer() as s:
        invoice = checkout(s, staff_id=staff_id, cart=cart, idempotency_key="visit-1")
    with reader() as s:
        paid = get_appointment(s, appointment_id=booked.id)
        history = [e.change for e in appointment_history(s, appointment_id=booked.id)]
    assert paid.status == "paid" and paid.invoice_state == "view"
    assert paid.invoice_code == invoice.code
    assert history[:2] == ["booked", "checked_in"] and "paid" in history


def test_status_transitions_refused(fixed_now, writer, reader, staff_id, customer_id,
                                    services):
    cases = [
        (["cancelled"], "checked_in"),  # no check-in of a cancelled visit
        (["no_show"], "booked"),
        (["no_show"], "checked_in"),
        (["checked_in"], "cancelled"),
        (["checked_in"], "checked_in"),
        ([], "paid"),
        ([], "booked"),
    ]
    failed: list[str] = []
    for number, (path, refused) in enumerate(cases):
        with one_case(failed, f"{number} {path} → {refused}"):
            row = book(writer, staff_id, customer_id,
                       [LineIn(services["wash"], starts_at=at(TUESDAY, "10:00"))],
                       confirm=True)
            with writer() as s:
                for status in path:
                    set_appointment_status(s, staff_id=staff_id, appointment_id=row.id,
                                           status=status, reason="Khách báo bận")
            before = written(reader)
            with pytest.raises(RuleViolation) as error, writer() as s:
                set_appointment_status(s, staff_id=staff_id, appointment_id=row.id,
                                       status=refused, reason="Khách báo bận")
            assert error.value.field == "status"
            assert written(reader) == before
    assert not failed, "\n".join(failed)


def test_cancel_needs_a_reason_and_no_show_is_kept(fixed_now, writer, reader, staff_id,
                                                   customer_id, services):
    line = [LineIn(services["wash"], starts_at=at(TUESDAY, "10:00"))]
    row = book(writer, staff_id, customer_id, line)
    before = written(reader)
    for reason in ("", "   "):
        with pytest.raises(ValidationError) as refused, writer() as s:
            set_appointment_status(s, staff_id=staff_id, appointment_id=row.id,
                                   status="cancelled", reason=reason)
        assert refused.value.field == "reason"
    with pytest.raises(ValidationError) as refused, writer() as s:
        set_appointment_status(s, staff_id=staff_id, appointment_id=row.id,
                               status="cancelled", reason="x" * 251)
    assert refused.value.field == "reason"
    assert written(reader) == before
    with writer() as s:
        cancelled = set_appointment_status(s, staff_id=staff_id, appointment_id=row.id,
                                           status="cancelled", reason=" Khách  báo bận ")
    assert cancelled.status == "cancelled" and cancelled.reason == "Khách báo bận"
    other = book(writer, staff_id, customer_id, line)
    with writer() as s:
        missed = set_appointment_status(s, staff_id=staff_id, appointment_id=other.id,
                                        status="no_show")
    assert missed.status == "no_show"
    with reader() as s:
        history = appointment_history(s, appointment_id=row.id)
        book_day = day_book(s, TUESDAY)
    assert [(e.change, e.note) for e in history][-1] == ("cancelled", "Khách báo bận")
    # The book leaves the cancelled visit out and keeps the no-show, marked.
    assert [(b.appointment_id, b.status) for b in book_day.blocks] == [(other.id, "no_show")]


def test_unknown_status_and_appointment(fixed_now, writer, staff_id, customer_id, services):
    row = book(writer, staff_id, customer_id,
               [LineIn(services["wash"], starts_at=at(TUESDAY, "10:00"))])
    with pytest.raises(ValidationError), writer() as s:
        set_appointment_status(s, staff_id=staff_id, appointment_id=row.id, status="done")
    with pytest.raises(NotFound), writer() as s:
        set_appointment_status(s, staff_id=staff_id, appointment_id=row.id + 1,
                               status="cancelled", reason="x")


# -- conflicts ------------------------------------------------------------------------------


def test_double_booked_staff_is_warned_and_a_confirmed_overlap_recorded(
        fixed_now, engine, writer, reader, staff_id, technician_id, customer_id, services):
    with writer() as s:
        lan = create_customer(s, staff_id=staff_id, name="Phạm Ngọc Lan",
                              phone="0905 111 222").id
    first = book(writer, staff_id, customer_id, [
        LineIn(services["cut"], staff_id=technician_id, starts_at=at(TUESDAY, "10:00"))])
    before = written(reader)
    clash = [LineIn(services["wash"], staff_id=technician_id, starts_at=at(TUESDAY, "10:30"))]
    with pytest.raises(NeedsConfirmation) as asked:
        book(writer, staff_id, lan, clash)
    [conflict] = asked.value.conflicts
    assert conflict.kind == "overlap" and conflict.staff_id == technician_id
    assert conflict.appointment_id == first.id
    assert conflict.text == "Lê Văn Tài is already booked 10:00-10:45 with Nguyễn Thị Hương."
    assert conflict.text in asked.value.message
    assert written(reader) == before
    # Back to back is no overlap; another staff member at the same time neither.
    with writer() as s:
        back = find_conflicts(s, [PlannedLine(technician_id, at(TUESDAY, "10:45"), 30)])
        assert back == []
    row = book(writer, staff_id, lan, clash, confirm=True)
    with reader() as s:
        history = appointment_history(s, appointment_id=row.id)
        audit = s.execute(text("SELECT after FROM audit_log WHERE action = 'book_appointment' "
                               "AND entity_id = :a"), {"a": row.id}).scalar_one()
    assert [(e.change, e.note) for e in history][-1] == ("overlap", conflict.text)
    assert json.loads(audit)["confirmed"] == [conflict.text]
    # A cancelled, paid or no-show visit does not hold the staff member.
    with writer() as s:
        for appointment_id, status in ((first.id, "no_show"), (row.id, "cancelled")):
            set_appointment_status(s, staff_id=staff_id, appointment_id=appointment_id,
                                   status=status, reason="Khách báo bận")
    with reader() as s:
        assert find_conflicts(s, [PlannedLine(technician_id, at(TUESDAY, "10:15"), 30)]) == []


def test_two_lines_of_one_visit_with_one_person_at_once(fixed_now, writer, staff_id,
                                                       technician_id, customer_id, services):
    with pytest.raises(NeedsConfirmation) as asked:
        book(writer, staff_id, customer_id, [
            LineIn(services["cut"], staff_id=technician_id, starts_at=at(TUESDAY, "10:00")),
            LineIn(services["wash"], staff_id=technician_id, starts_at=at(TUESDAY, "10:15"))])
    assert [c.kind for c in asked.value.conflicts] == ["overlap"]
    assert "two services of this visit" in asked.value.conflicts[0].text


def test_outside_the_opening_hours_and_a_closed_day(fixed_now, writer, reader, staff_id,
                                                    technician_id, customer_id, services):
    with writer() as s:
        update_settings(s, staff_id=staff_id,
                        opening_hours=",".join(["09:00-20:00"] * 6 + [""]))
    cases = [
        (at(TUESDAY, "08:30"), 45, "08:30-09:15 is outside the opening hours (09:00-20:00)."),
        (at(TUESDAY, "19:45"), 30, "19:45-20:15 is outside the opening hours (09:00-20:00)."),
        (at(SUNDAY, "10:00"), 30, "The salon is closed on 29/11/2026."),
    ]
    with reader() as s:
        for start, minutes, said in cases:
            found = find_conflicts(s, [PlannedLine(None, start, minutes)])
            assert [(c.kind, c.text) for c in found] == [("hours", said)]
        assert find_conflicts(s, [PlannedLine(None, at(TUESDAY, "19:30"), 30)]) == []
        assert opening_for(s, SUNDAY) is None
        assert opening_for(s, TUESDAY) == (time(9), time(20))
    with pytest.raises(NeedsConfirmation):
        book(writer, staff_id, customer_id,
             [LineIn(services["wash"], starts_at=at(SUNDAY, "10:00"))])


def test_conflicts_read_the_salons_time_zone(fixed_now, writer, reader, staff_id,
                                             technician_id, customer_id, services):
    """A salon in China (UTC+8): the same stored time is an hour later on its wall clock."""
    china = timedelta(hours=8)
    with writer() as s:
        update_settings(s, staff_id=staff_id, utc_offset_minutes=480)
    book(writer, staff_id, customer_id, [
        LineIn(services["cut"], staff_id=technician_id, starts_at=at(TUESDAY, "10:00", china))])
    with reader() as s:
        found = find_conflicts(s, [PlannedLine(technician_id, at(TUESDAY, "10:30", china), 30)])
        early = find_conflicts(s, [PlannedLine(None, at(TUESDAY, "08:00", china), 30)])
        shown = day_book(s, TUESDAY)
    assert found[0].text == "Lê Văn Tài is already booked 10:00-10:45 with Nguyễn Thị Hương."
    assert early[0].text.startswith("08:00-08:30 is outside")
    assert [(b.starts.time(), b.ends.time()) for b in shown.blocks] == [(time(10), time(10, 45))]


def test_a_day_off_by_pattern_or_exception(fixed_now, writer, reader, staff_id,
                                           technician_id, customer_id, services):
    with writer() as s:
        set_work_days(s, staff_id=staff_id, member_id=technician_id, work_days="1111100")
        set_staff_day(s, staff_id=staff_id, member_id=technician_id, day=TUESDAY,
                      working=False, note="Nghỉ phép")
        set_staff_day(s, staff_id=staff_id, member_id=technician_id,
                      day=SUNDAY, working=True)
    with reader() as s:
        def kinds(day):
            return [(c.kind, c.text) for c in find_conflicts(
                s, [PlannedLine(technician_id, at(day, "10:00"), 30)])]

        assert kinds(SATURDAY) == [("day_off", "Lê Văn Tài is off on 28/11/2026.")]
        assert kinds(TUESDAY) == [("day_off", "Lê Văn Tài is off on 24/11/2026 (Nghỉ phép).")]
        assert kinds(SUNDAY) == []  # an extra working day
        assert kinds(TUESDAY + timedelta(days=1)) == []
        # The owner is in no book (0000000): booking them is a day off too.
        assert [c.kind for c in find_conflicts(
            s, [PlannedLine(staff_id, at(SUNDAY, "10:00"), 30)])] == ["day_off"]
    with pytest.raises(NeedsConfirmation) as asked:
        book(writer, staff_id, customer_id,
             [LineIn(services["wash"], staff_id=technician_id, starts_at=at(SATURDAY, "10:00"))])
    assert asked.value.conflicts[0].kind == "day_off"


def test_moving_a_visit_does_not_clash_with_itself(fixed_now, writer, reader, staff_id,
                                                   technician_id, customer_id, services):
    with writer() as s:
        other_tech = create_staff(s, name="Đỗ Minh Anh", role="technician",
                                  staff_id=staff_id).id
    row = book(writer, staff_id, customer_id, [
        LineIn(services["cut"], staff_id=technician_id, starts_at=at(TUESDAY, "10:00"))])
    with writer() as s:
        moved = change_appointment(s, staff_id=staff_id, appointment_id=row.id, lines=[
            LineIn(services["cut"], staff_id=technician_id, starts_at=at(TUESDAY, "10:15"))])
        restaffed = change_appointment(s, staff_id=staff_id, appointment_id=row.id, lines=[
            LineIn(services["cut"], staff_id=other_tech, starts_at=at(TUESDAY, "10:15"))])
        changed = change_appointment(s, staff_id=staff_id, appointment_id=row.id, lines=[
            LineIn(services["wash"], staff_id=other_tech, starts_at=at(TUESDAY, "10:15"))],
            note="Đổi sang gội")
    assert moved.starts_at == at(TUESDAY, "10:15")
    assert restaffed.staff_name == "Đỗ Minh Anh"
    assert (changed.services, changed.note) == ("Gội đầu", "Đổi sang gội")
    with reader() as s:
        history = [e.change for e in appointment_history(s, appointment_id=row.id)]
        audits = s.execute(text("SELECT count(*) FROM audit_log WHERE action = "
                                "'change_appointment' AND entity_id = :a"),
                           {"a": row.id}).scalar_one()
    assert history == ["booked", "moved", "moved", "changed"] and audits == 3
    # Onto another visit of the same staff member: warned like a booking.
    other = book(writer, staff_id, customer_id, [
        LineIn(services["cut"], staff_id=technician_id, starts_at=at(TUESDAY, "14:00"))])
    with pytest.raises(NeedsConfirmation), writer() as s:
        change_appointment(s, staff_id=staff_id, appointment_id=row.id, lines=[
            LineIn(services["wash"], staff_id=technician_id, starts_at=at(TUESDAY, "14:15"))])
    # A checked-in visit is not moved.
    with writer() as s:
        set_appointment_status(s, staff_id=staff_id, appointment_id=other.id,
                               status="checked_in")
    with pytest.raises(RuleViolation) as refused, writer() as s:
        change_appointment(s, staff_id=staff_id, appointment_id=other.id, lines=[
            LineIn(services["cut"], staff_id=technician_id, starts_at=at(TUESDAY, "15:00"))])
    assert refused.value.field == "status"


# -- working days ---------------------------------------------------------------------------


def test_working_days_and_exceptions(fixed_now, engine, writer, reader, staff_id,
                                     technician_id, customer_id, services):
    with writer() as s:
        bich = create_staff(s, name="Bích", role="technician", staff_id=staff_id).id
        an = create_staff(s, name="Ánh", role="technician", staff_id=staff_id).id
        set_work_days(s, staff_id=staff_id, member_id=bich, work_days=" 1111 100 ")
    with reader() as s:
        names = [c.name for c in working_staff(s, TUESDAY)]
        assert names == ["Ánh", "Bích", "Lê Văn Tài"]  # by name, diacritics aside
        assert [c.name for c in working_staff(s, SATURDAY)] == ["Ánh", "Lê Văn Tài"]
        assert works_on(s, bich, TUESDAY) and not works_on(s, bich, SATURDAY)
        assert not works_on(s, staff_id, TUESDAY)  # the owner: 0000000
        everyone = {c.name: c.working for c in staff_on(s, SATURDAY)}
        assert everyone == {"Ánh": True, "Bích": False, "Lê Văn Tài": True,
                            "Trần Thu Hà": False}
    audits = count(reader, "audit_log")
    with writer() as s:
        set_staff_day(s, staff_id=staff_id, member_id=an, day=TUESDAY, working=False,
                      note="Ốm")
        set_staff_day(s, staff_id=staff_id, member_id=an, day=TUESDAY, working=False,
                      note="Nghỉ ốm")  # the day's exception replaced, not doubled
        set_staff_day(s, staff_id=staff_id, member_id=bich, day=SATURDAY, working=True)
    assert count(reader, "audit_log") == audits + 3
    with reader() as s:
        assert [c.name for c in working_staff(s, TUESDAY)] == ["Bích", "Lê Văn Tài"]
        assert [c.name for c in working_staff(s, SATURDAY)] == ["Ánh", "Bích", "Lê Văn Tài"]
        listed = staff_days(s, None, TODAY, SUNDAY)
        assert [(d.staff_name, d.day, d.working, d.note) for d in listed] == [
            ("Ánh", TUESDAY, False, "Nghỉ ốm"), ("Bích", SATURDAY, True, "")]
        assert listed[0].created_by_name == "Trần Thu Hà"
        assert [d.day for d in staff_days(s, bich, TODAY, SUNDAY)] == [SATURDAY]
    # Off, but with a visit that day: in the book all the same, marked off.
    book(writer, staff_id, customer_id, [LineIn(services["wash"], staff_id=an,
                                                starts_at=at(TUESDAY, "10:00"))], confirm=True)
    with reader() as s:
        columns = {c.name: c for c in working_staff(s, TUESDAY)}
    assert not columns["Ánh"].working and columns["Ánh"].note == "Nghỉ ốm"
    assert columns["Bích"].working
    with writer() as s:
        assert clear_staff_day(s, staff_id=staff_id, member_id=bich, day=SATURDAY)
        assert not clear_staff_day(s, staff_id=staff_id, member_id=bich, day=SATURDAY)
    with reader() as s:
        assert not works_on(s, bich, SATURDAY)


def test_bad_working_days_are_refused_at_their_field(fixed_now, writer, reader, staff_id,
                                                     technician_id):
    def attempt_week(changes):
        with writer() as s:
            set_work_days(s, **({"staff_id": staff_id, "member_id": technician_id,
                                 "work_days": "1111100"} | changes))

    def attempt_day(changes):
        with writer() as s:
            set_staff_day(s, **({"staff_id": staff_id, "member_id": technician_id,
                                 "day": TUESDAY, "working": False, "note": ""} | changes))

    week = [
        ({"work_days": "11111"}, "work_days"),
        ({"work_days": "abcdefg"}, "work_days"),
        ({"work_days": "11111112"}, "work_days"),
        ({"work_days": ""}, "work_days"),
        ({"work_days": "1" * 10_000}, "work_days"),
        ({"member_id": 999}, "member"),
        ({"staff_id": 999}, "staff"),
    ]
    day = [
        ({"note": "n" * 121}, "note"),
        ({"note": "n" * 10_000}, "note"),
        ({"day": "2026-11-24"}, "day"),
        ({"day": date(2031, 1, 1)}, "day"),
        ({"working": "yes"}, "working"),
        ({"member_id": 999}, "member"),
    ]
    problems = refused_wrongly(week, attempt_week, lambda: count(reader, "audit_log"),
                               error=SalonError)
    problems += refused_wrongly(day, attempt_day, lambda: count(reader, "audit_log"),
                                error=SalonError)
    with pytest.raises(ValidationError) as refused, reader() as s:
        staff_days(s, None, SUNDAY, TODAY)
    assert refused.value.field == "to_day"
    assert not problems, "\n".join(problems)


# -- the day as the book reads it ------------------------------------------------------------


def test_the_day_book_columns_blocks_and_the_anyone_column(
        fixed_now, writer, reader, staff_id, technician_id, customer_id, services):
    with writer() as s:
        anh = create_staff(s, name="Ánh", role="technician", staff_id=staff_id).id
        create_staff(s, name="Zô", role="technician", staff_id=staff_id)
        set_staff_day(s, staff_id=staff_id, member_id=anh, day=TUESDAY, working=False)
        lan = create_customer(s, staff_id=staff_id, name="Phạm Ngọc Lan",
                              phone="0905 111 222").id
    visit = book(writer, staff_id, customer_id, [
        LineIn(services["cut"], staff_id=technician_id, starts_at=at(TUESDAY, "10:00")),
        LineIn(services["wash"])], note="Tóc dài")
    walk_in = book(writer, staff_id, lan, [LineIn(services["colour"],
                                                  starts_at=at(TUESDAY, "20:30"))],
                   confirm=True)
    book(writer, staff_id, lan, [LineIn(services["wash"], staff_id=technician_id,
                                        starts_at=at(TUESDAY + timedelta(days=1), "10:00"))])
    with reader() as s:
        shown = day_book(s, TUESDAY)
    assert (shown.opens, shown.closes, shown.slot_minutes) == (time(9), time(20), 15)
    assert [c.name for c in shown.columns] == ["Lê Văn Tài", "Zô"]  # Ánh is off, no visit
    assert shown.unassigned
    assert [(b.appointment_id, b.label, b.staff_id, b.starts.time(), b.ends.time(),
             b.customer_name, b.phone_tail, b.status) for b in shown.blocks] == [
        (visit.id, "Cắt tóc nữ", technician_id, time(10), time(10, 45), "Nguyễn Thị Hương",
         "0888", "booked"),
        (visit.id, "Gội đầu", None, time(10, 45), time(11, 15), "Nguyễn Thị Hương", "0888",
         "booked"),
        (walk_in.id, "Nhuộm tóc", None, time(20, 30), time(21), "Phạm Ngọc Lan", "1222",
         "booked"),
    ]
    assert shown.blocks[0].note == "Tóc dài"
    with reader() as s:
        opened = visit_view(s, appointment_id=visit.id)
    assert (opened.customer_name, opened.customer_phone) == ("Nguyễn Thị Hương", "+84935320888")
    assert [line.label for line in opened.appointment.lines] == ["Cắt tóc nữ", "Gội đầu"]
    assert [e.change for e in opened.history] == ["booked"]
    assert shown.blocks[0].starts_at == at(TUESDAY, "10:00")
    # The grid runs from opening to the last visit's end, by slots.
    assert (shown.first_minute, shown.last_minute) == (9 * 60, 21 * 60)
    assert shown.slots == 48 and shown.utc_of(10 * 60) == at(TUESDAY, "10:00")
    assert shown.appointment_count() == 2
    with reader() as s:
        quiet = day_book(s, SUNDAY)
    assert quiet.blocks == () and not quiet.unassigned
    assert [c.name for c in quiet.columns] == ["Ánh", "Lê Văn Tài", "Zô"]
