"""Booking at the desk by keys at 80×24 (screens/day/booking.py and visit_actions.py, the
customer's Appointments tab): book from a customer and from an empty slot within the
keystroke budget, move a visit, change its services, cancel with a reason, no-show,
check in, show a visit with its history, a clash or a passed start asked about before
booking, and a walk of bad input over the dialog's fields with nothing written."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from test_ui_helpers import (
    SIZE,
    count_rows,
    make_customer,
    open_detail,
    paste,
    read,
    select_row,
    settle,
    start,
    table_rows,
    type_text,
)

from salontui.app import SalonApp
from salontui.store import clock
from salontui.store.db import write_session

NOW = datetime(2026, 11, 23, 2, 0)  # a Monday, 09:00 in the salon (UTC+7)
OFFSET = timedelta(hours=7)
TOMORROW_10 = datetime(2026, 11, 24, 3, 0)  # 10:00 in the salon, UTC


@pytest.fixture
def now():
    with clock.pinned(NOW):
        yield NOW


@pytest.fixture
def salon(engine, staff_id, now):
    """Two stylists (Lan and Tài), a haircut of 45 minutes and a hair wash of 30, a
    customer with a package in use."""
    from test_ui_helpers import sell

    from salontui.store.catalog import create_item
    from salontui.store.staff import create_staff

    with write_session(engine) as s:
        tai = create_staff(s, name="Lê Văn Tài", role="technician", staff_id=staff_id).id
        lan = create_staff(s, name="Nguyễn Thị Lan", role="technician", staff_id=staff_id).id
        cut = create_item(s, staff_id=staff_id, name="Cắt tóc nữ", kind="service",
                          price=150_000, duration_minutes=45)
        wash = create_item(s, staff_id=staff_id, name="Gội đầu dưỡng sinh", kind="service",
                           price=80_000, duration_minutes=30)
    customer = make_customer(engine, staff_id)
    sell(engine, staff_id, customer.id, name="Gội đầu 10 buổi", total=10, used=2)
    return {"lan": lan, "tai": tai, "cut": cut, "wash": wash, "customer": customer}


def booked(engine, customer_id):
    from salontui.store.day.appointments import list_appointments

    return read(engine, lambda s: list_appointments(s, customer_id=customer_id))


def history(engine, appointment_id):
    from salontui.store.day.appointments import appointment_history

    return read(engine, lambda s: appointment_history(s, appointment_id=appointment_id))


def book_at(engine, staff_id, salon, starts_at, *, staff=None, item=None):
    from salontui.store.day.book import LineIn, book_appointment

    with write_session(engine) as s:
        return book_appointment(
            s, staff_id=staff_id, customer_id=salon["customer"].id,
            lines=[LineIn(item_id=(item or salon["cut"]).id, staff_id=staff or salon["lan"],
                          starts_at=starts_at)])


async def keys(pilot, *names: str) -> int:
    """Press each key as a person would (the desk answers before the next one); the
    number of keys pressed."""
    for name in names:
        await pilot.press(name)
        await settle(pilot)
    return len(names)


def errors(app) -> dict[str, str]:
    return app.screen.errors()


async def open_appointments(app, pilot, customer_id):
    await start(app, pilot)
    detail = await open_detail(app, pilot, customer_id)
    await keys(pilot, "2")
    return detail


async def test_a_customer_books_a_haircut_at_15_with_a_named_stylist_in_ten_keys(
        db_url, engine, staff_id, salon):
    """From the customer: b, 1 5, Tab, c a t, Enter, l (Lan), Enter: 10 keys (≤ 12). The
    packages in use are shown while booking; the visit shows on the Appointments tab."""
    from salontui.screens.day.booking import BookingDialog

    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        detail = await open_detail(app, pilot, salon["customer"].id)
        count = await keys(pilot, "b")
        dialog = app.screen
        assert isinstance(dialog, BookingDialog)
        assert "Gội đầu 10 buổi: 8 sessions left" in str(
            dialog.query_one("#packages").content)
        count += await keys(pilot, "1", "5", "tab", "c", "a", "t", "enter", "l")
        assert "15:00–15:45" in str(dialog.query_one("#ends").content)
        count += await keys(pilot, "enter")
        assert count == 10 <= 12
        assert app.screen is detail and detail.active == "appointments"
        [visit] = booked(engine, salon["customer"].id)
        assert visit.starts_at == datetime(2026, 11, 23, 15, 0) - OFFSET
        assert visit.ends_at - visit.starts_at == timedelta(minutes=45)
        [line] = visit.lines
        assert (line.label, line.staff_id, line.minutes) == ("Cắt tóc nữ", salon["lan"], 45)
        assert detail.by_id["appointments"].selected().id == visit.id
        assert [e.change for e in history(engine, visit.id)] == ["booked"]


async def test_an_empty_slot_books_a_walk_in_found_by_phone_in_eleven_keys(
        db_url, engine, staff_id, salon):
    """The slot gives the time and the stylist: the slot's key, 0 8 8 8 (the phone's
    end), Enter, c a t, Enter, Enter: 11 keys (≤ 12)."""
    from salontui.screens.day.booking import BookingDialog

    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        slot = datetime(2026, 11, 23, 15, 0) - OFFSET
        app.push_screen(BookingDialog(starts_at=slot, staff_id=salon["lan"]))
        await settle(pilot)
        count = 1  # the slot's key on the book opens the dialog
        count += await keys(pilot, "0", "8", "8", "8", "enter")
        assert "Nguyễn Thị Hương" in app.screen.query_one("#customer").value
        count += await keys(pilot, "c", "a", "t", "enter", "enter")
        assert count == 11 <= 12
        assert not isinstance(app.screen, BookingDialog)
        [visit] = booked(engine, salon["customer"].id)
        assert visit.starts_at == slot and visit.lines[0].staff_id == salon["lan"]


async def test_a_new_customer_is_made_without_leaving_the_booking(db_url, engine, staff_id,
                                                                  salon):
    from salontui.screens.day.booking import BookingDialog, NewCustomerDialog

    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        app.push_screen(BookingDialog(starts_at=TOMORROW_10, staff_id=salon["tai"]))
        await settle(pilot)
        await type_text(pilot, "Trần Mai")
        await keys(pilot, "f3")
        assert isinstance(app.screen, NewCustomerDialog)
        assert app.screen.query_one("#name").value == "Trần Mai"
        await type_text(pilot, "0912 345 678")
        await keys(pilot, "enter")
        dialog = app.screen
        assert isinstance(dialog, BookingDialog)
        assert dialog.customer is not None and dialog.customer.name == "Trần Mai"
        assert "none in use" in str(dialog.query_one("#packages").content)
        await type_text(pilot, "goi")
        await keys(pilot, "enter", "enter")
        assert not isinstance(app.screen, BookingDialog)
        [visit] = booked(engine, dialog.customer.id)
        assert visit.services == "Gội đầu dưỡng sinh"


async def test_move_a_visit_to_another_time_and_stylist(db_url, engine, staff_id, salon):
    visit = book_at(engine, staff_id, salon, TOMORROW_10)
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_appointments(app, pilot, salon["customer"].id)
        await select_row(pilot, detail.by_id["appointments"].table(), visit.id)
        await keys(pilot, "m")
        dialog = app.screen
        assert dialog.query_one("#time").value == "10:00"
        await keys(pilot, "ctrl+u")
        await type_text(pilot, "16:30")
        await keys(pilot, "tab", "t", "enter")  # the line's stylist: Tài
        assert app.screen is detail
        [moved] = booked(engine, salon["customer"].id)
        assert moved.id == visit.id
        assert moved.starts_at == datetime(2026, 11, 24, 16, 30) - OFFSET
        assert moved.lines[0].staff_id == salon["tai"]
        assert [e.change for e in history(engine, visit.id)] == ["booked", "moved"]


async def test_change_a_visits_services(db_url, engine, staff_id, salon):
    """A wash added after the haircut follows it with the same stylist; F8 removes the
    haircut: the wash starts the visit."""
    visit = book_at(engine, staff_id, salon, TOMORROW_10)
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_appointments(app, pilot, salon["customer"].id)
        await select_row(pilot, detail.by_id["appointments"].table(), visit.id)
        await keys(pilot, "m")
        dialog = app.screen
        await keys(pilot, "tab", "tab", "tab")  # time → the haircut's staff, minutes → add
        assert dialog.focused.id == "service"
        await type_text(pilot, "goi")
        await keys(pilot, "enter")
        lines = dialog.lines()
        assert [line.label_text for line in lines] == ["Cắt tóc nữ", "Gội đầu dưỡng sinh"]
        assert lines[1].choice.staff_id == salon["lan"]
        assert "10:45–11:15" in str(lines[1].times_label.content)
        lines[0].choice.focus()
        await keys(pilot, "f8")
        assert [line.label_text for line in dialog.lines()] == ["Gội đầu dưỡng sinh"]
        assert "10:00–10:30" in str(dialog.query_one("#ends").content)
        await keys(pilot, "enter")
        assert app.screen is detail
        [changed] = booked(engine, salon["customer"].id)
        assert (changed.services, changed.starts_at) == ("Gội đầu dưỡng sinh", TOMORROW_10)
        assert [e.change for e in history(engine, visit.id)] == ["booked", "changed"]


async def test_cancel_needs_a_reason_no_show_check_in_and_show(db_url, engine, staff_id, salon):
    from salontui.screens.day.visit_actions import CancelVisitDialog
    from salontui.screens.day.visit_dialog import VisitDialog

    first = book_at(engine, staff_id, salon, TOMORROW_10)
    second = book_at(engine, staff_id, salon, TOMORROW_10 + timedelta(days=1))
    third = book_at(engine, staff_id, salon, NOW + timedelta(hours=1))
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        detail = await open_appointments(app, pilot, salon["customer"].id)
        table = detail.by_id["appointments"].table()
        await select_row(pilot, table, first.id)
        await keys(pilot, "X")
        assert isinstance(app.screen, CancelVisitDialog)
        audit = count_rows(engine)
        await keys(pilot, "enter")  # no reason: refused at the field, nothing written
        assert "Say why" in errors(app)["reason"]
        assert count_rows(engine) == audit
        await type_text(pilot, "Khách báo bận")
        await keys(pilot, "enter")
        assert app.screen is detail
        await select_row(pilot, table, second.id)
        await keys(pilot, "N", "enter")
        await select_row(pilot, table, third.id)
        await keys(pilot, "I")
        status = {v.id: (v.status, v.reason) for v in booked(engine, salon["customer"].id)}
        assert status == {first.id: ("cancelled", "Khách báo bận"),
                          second.id: ("no_show", ""), third.id: ("checked_in", "")}
        rows = {row[0]: row for row in table_rows(detail, "#appointments-table")}
        assert any("cancelled" in row for row in rows.values())
        # A cancelled visit is not cancelled again nor moved: the keys are off.
        await select_row(pilot, table, first.id)
        await keys(pilot, "X", "m")
        assert app.screen is detail
        await keys(pilot, "s")
        shown = app.screen
        assert isinstance(shown, VisitDialog)
        [line] = table_rows(shown, "#visit-lines")
        assert line[1:4] == ["Cắt tóc nữ", "Nguyễn Thị Lan", "45"]
        changes = [row[1] for row in table_rows(shown, "#visit-history")]
        assert changes == ["booked", "cancelled"]
        assert "Khách báo bận" in table_rows(shown, "#visit-history")[1][3]
        await keys(pilot, "escape")
        assert app.screen is detail


async def test_a_start_that_has_passed_is_asked_about_first(db_url, engine, staff_id, salon):
    """10:00 today at 11:00: asked first; Esc goes back to the form with nothing written,
    Enter books it all the same."""
    from salontui.screens.day.booking import BookingDialog
    from salontui.screens.dialogs.confirm import ConfirmDialog

    app = SalonApp(db_url, staff_id=staff_id)
    with clock.pinned(NOW + timedelta(hours=2)):
        async with app.run_test(size=SIZE) as pilot:
            await open_appointments(app, pilot, salon["customer"].id)
            await keys(pilot, "b", "1", "0", "tab", "c", "a", "t", "enter", "enter")
            assert isinstance(app.screen, ConfirmDialog)
            assert "The start has passed" in str(app.screen.query_one("#question").content)
            await keys(pilot, "escape")
            assert isinstance(app.screen, BookingDialog)
            assert booked(engine, salon["customer"].id) == []
            await keys(pilot, "enter", "enter")
            assert not isinstance(app.screen, (BookingDialog, ConfirmDialog))
            [visit] = booked(engine, salon["customer"].id)
            assert visit.starts_at == datetime(2026, 11, 23, 10, 0) - OFFSET


async def test_a_double_booking_is_warned_then_confirmed_and_recorded(db_url, engine,
                                                                      staff_id, salon):
    from salontui.screens.day.booking import BookingDialog
    from salontui.screens.day.visit_actions import show_visit
    from salontui.screens.day.visit_dialog import VisitDialog
    from salontui.screens.dialogs.confirm import ConfirmDialog

    first = book_at(engine, staff_id, salon, TOMORROW_10)
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        app.push_screen(BookingDialog(customer_id=salon["customer"].id,
                                      starts_at=TOMORROW_10 + timedelta(minutes=15),
                                      staff_id=salon["lan"]))
        await settle(pilot)
        await keys(pilot, "g", "o", "i", "enter", "enter")
        assert isinstance(app.screen, ConfirmDialog)
        assert "Lan" in str(app.screen.query_one("#question").content)
        await keys(pilot, "escape")  # back to the form: nothing written
        assert isinstance(app.screen, BookingDialog)
        assert len(booked(engine, salon["customer"].id)) == 1
        await keys(pilot, "enter", "y")  # asked again; y books it all the same
        assert not isinstance(app.screen, (BookingDialog, ConfirmDialog))
        second = next(v for v in booked(engine, salon["customer"].id) if v.id != first.id)
        assert [e.change for e in history(engine, second.id)] == ["booked", "overlap"]
        show_visit(app.screen, second.id)
        await settle(pilot)
        assert isinstance(app.screen, VisitDialog)
        overlap = table_rows(app.screen, "#visit-history")[1]
        assert overlap[1] == "overlap confirmed" and "Lan" in overlap[3]


BAD_INPUT = [
    # (the field, what it holds, the field the message is at, its words)
    ("date", "31/02/2026", "date", "is not a date"),
    ("date", "", "date", "Enter a date"),
    ("time", "25:61", "time", "is not a time"),
    ("time", "", "time", "Enter the time"),
    ("minutes", "0", "lines", "more than zero"),
    ("minutes", "-5", "lines", "negative"),
    ("minutes", "abc", "lines", "not a whole number"),
    ("minutes", "2000", "lines", "5 to 720 minutes"),
    ("service", "ZZZ999", "service", "No service matches"),  # Enter in the field: no match
    ("note", "", "service", "Pick the service"),  # ZZZ999 still there, Enter on the note
]


async def test_bad_input_is_answered_at_its_field_and_nothing_is_written(db_url, engine,
                                                                        staff_id, salon):
    """Each case on a form otherwise right (the customer, 15:00 today, a haircut): Enter
    answers at the field and writes nothing; no customer, no service; then a
    10,000-character paste into every field."""
    from refusals import one_case

    from salontui.screens.day.booking import BookingDialog

    failed: list[str] = []
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        audit = count_rows(engine)
        slot = datetime(2026, 11, 23, 15, 0) - OFFSET

        async def open_dialog(customer_id: int | None) -> BookingDialog:
            app.push_screen(BookingDialog(customer_id=customer_id, starts_at=slot,
                                          staff_id=salon["lan"]))
            await settle(pilot)
            dialog = app.screen
            assert isinstance(dialog, BookingDialog)
            dialog.add_line(salon["cut"].id, "Cắt tóc nữ", salon["lan"], 45)
            await settle(pilot)
            return dialog

        def refused(dialog, field: str, words: str) -> None:
            assert app.screen is dialog, "the dialog closed"
            assert words in errors(app).get(field, ""), errors(app)
            assert count_rows(engine) == audit, "something was written"

        dialog = await open_dialog(salon["customer"].id)
        for number, (where, typed, field, words) in enumerate(BAD_INPUT):
            with one_case(failed, f"{number} {where}={typed!r}"):
                for name, good in (("date", "23/11/2026"), ("time", "15:00")):
                    dialog.query_one(f"#{name}").value = good
                dialog.lines()[0].minutes.value = "45"
                box = (dialog.lines()[0].minutes if where == "minutes"
                       else dialog.query_one(f"#{where}"))
                box.value = typed
                box.focus()
                await settle(pilot)
                await keys(pilot, "enter")
                refused(dialog, field, words)
        with one_case(failed, "no service"):
            dialog.query_one("#service").value = ""
            dialog.lines()[0].choice.focus()
            await keys(pilot, "f8", "enter")
            refused(dialog, "service", "at least one service")
        await keys(pilot, "escape")
        dialog = await open_dialog(None)
        with one_case(failed, "no customer"):
            await keys(pilot, "enter")
            refused(dialog, "customer", "Choose the customer")
        huge = "9" * 10_000
        for name in ("customer", "date", "time", "service", "note", "minutes"):
            with one_case(failed, f"paste into {name}"):
                box = (dialog.lines()[0].minutes if name == "minutes"
                       else dialog.query_one(f"#{name}"))
                box.focus()
                await paste(pilot, huge)
                field = "lines" if name == "minutes" else name
                assert "too long" in errors(app).get(field, ""), errors(app)
                assert len(box.value) < 100
                await keys(pilot, "enter")
                refused(dialog, field, "too long")
        assert app.is_running
    assert not failed, "\n".join(failed)
    assert booked(engine, salon["customer"].id) == []


def test_a_time_is_typed_the_way_the_desk_says_it():
    from datetime import time

    from salontui.screens.day.booking import parse_clock
    from salontui.store.errors import ValidationError

    for typed, meant in (("15", time(15)), ("1500", time(15)), ("15:00", time(15)),
                         ("15h", time(15)), ("15h30", time(15, 30)), ("9.30", time(9, 30)),
                         ("930", time(9, 30)), (" 07:05 ", time(7, 5)), ("0", time(0))):
        assert parse_clock(typed) == meant, typed
    for typed in ("25:61", "24", "15:60", "15:5", "1:2:3", "abc", "١٥", "9" * 10_000, ""):
        with pytest.raises(ValidationError) as refused:
            parse_clock(typed)
        assert refused.value.field == "time" and len(refused.value.message) < 80, typed
