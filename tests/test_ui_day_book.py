"""The appointment book by keys, at 80×24 and 120×40: the day's grid (time column fixed,
staff columns scrolling sideways, the current time marked), moving, changing day, today,
going to a typed date (a bad one answered at the field), a visit opened and checked in
from the book, and a staff member's day off set from the book (their column goes)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from test_ui_helpers import SIZE, fill, make_customer, plain, read, settle, start, type_text

from salontui.app import SalonApp
from salontui.screens.day.book import AppointmentBookScreen, GoToDateDialog
from salontui.screens.day.book_grid import DayGrid
from salontui.store.db import write_session

TODAY = date(2026, 11, 23)  # fixed_now: Monday 16:30 in the salon (09:30 UTC)
OFFSET = timedelta(hours=7)
NAMES = ["Bảo", "Cúc", "Dung", "Giang", "Hạnh", "Khoa", "Lan"]


def at(day: date, clock_time: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(clock_time)) - OFFSET


@pytest.fixture
def salon(engine, staff_id, fixed_now):
    """Seven technicians (and the owner, in no book), a cut of 45 minutes, and today a
    visit at 10:00 with Bảo and one at 17:00 with Cúc, tomorrow one at 11:00 with Lan."""
    from salontui.store.catalog import create_item
    from salontui.store.day.book import LineIn, book_appointment
    from salontui.store.staff import create_staff

    with write_session(engine) as s:
        techs = {name: create_staff(s, name=name, role="technician", staff_id=staff_id).id
                 for name in NAMES}
        cut = create_item(s, staff_id=staff_id, name="Cắt tóc nữ", kind="service",
                          price=150_000, duration_minutes=45).id
    customer = make_customer(engine, staff_id).id
    other = make_customer(engine, staff_id, name="Phạm Ngọc Lan", phone="0905 111 222").id
    visits = {}
    with write_session(engine) as s:
        for key, who, tech, when in (("morning", customer, "Bảo", at(TODAY, "10:00")),
                                     ("evening", other, "Cúc", at(TODAY, "17:00")),
                                     ("tomorrow", customer, "Lan",
                                      at(TODAY + timedelta(days=1), "11:00"))):
            visits[key] = book_appointment(
                s, staff_id=staff_id, customer_id=who, confirm_past=True,
                lines=[LineIn(cut, staff_id=techs[tech], starts_at=when)]).id
    return {"techs": techs, "cut": cut, "visits": visits, "customer": customer}


async def open_book(app, pilot) -> AppointmentBookScreen:
    await start(app, pilot)
    await pilot.press("ctrl+o")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, AppointmentBookScreen)
    assert screen.book is not None
    return screen


def grid_lines(screen) -> list[str]:
    grid = screen.query_one(DayGrid)
    return [grid.render_line(y).text for y in range(grid.size.height)]


def status_of(engine, appointment_id) -> str:
    from salontui.store.day.appointments import get_appointment

    return read(engine, lambda s: get_appointment(s, appointment_id=appointment_id).status)


async def test_the_book_at_80_columns_moves_scrolls_and_changes_day(db_url, engine, staff_id,
                                                                    salon):
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_book(app, pilot)
        grid = screen.query_one(DayGrid)
        head = plain(screen.query_one("#book-head"))
        assert head.startswith("Monday 23/11/2026 (today)") and "09:00-20:00" in head
        assert "2 visits" in head
        lines = grid_lines(screen)
        # Four staff fit beside the fixed time column; the rest are to the right.
        assert [c.title for c in grid.columns] == NAMES
        titles = [" ".join(cell.split()) for cell in lines[0].split("│")[1:]]
        assert titles == [*NAMES[:3], "Giang >"]
        # Today opens at the current time, marked (16:30 in the salon).
        now = [line for line in lines if line.startswith(">")]
        assert len(now) == 1 and now[0].startswith(">16:30")
        assert grid.row == grid.now_row
        # Up to the 10:00 visit of Bảo (the first column): the block and the status line.
        await pilot.press(*["up"] * 26)
        assert grid.cursor_minute() == 10 * 60
        assert grid.at_cursor() is not None
        status = plain(screen.query_one("#book-status"))
        assert "Cắt tóc nữ" in status and "Nguyễn Thị Hương …0888" in status
        assert "10:00-10:45" in status and "booked" in status
        text = "\n".join(grid_lines(screen))
        assert "·Nguyễn Thị Hương" in text and " Cắt tóc nữ" in text
        # Right past the fourth column: the columns scroll, the time column stays.
        await pilot.press(*["right"] * 5)
        assert grid.current_column().title == "Khoa" and grid.left > 0
        lines = grid_lines(screen)
        assert lines[0].startswith("<") and "Khoa" in lines[0]
        assert lines[1][1:6] == f"{grid.book.slot_start(grid.top) // 60:02d}:" \
            f"{grid.book.slot_start(grid.top) % 60:02d}"
        # Next day, previous day, today.
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.book.day == TODAY + timedelta(days=1)
        assert plain(screen.query_one("#book-head")).startswith("Tuesday 24/11/2026 ·")
        assert grid.now_row is None
        assert not any(line.startswith(">") for line in grid_lines(screen))
        await pilot.press("right_square_bracket", "right_square_bracket")
        await settle(pilot)
        assert screen.book.day == TODAY + timedelta(days=3)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert screen.book.day == TODAY + timedelta(days=2)
        await pilot.press("t")
        await settle(pilot)
        assert screen.book.day == TODAY and grid.row == grid.now_row


async def test_go_to_a_typed_date_and_a_bad_one_is_answered_at_the_field(
        db_url, engine, staff_id, salon):
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_book(app, pilot)
        await pilot.press("g")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, GoToDateDialog)
        await type_text(pilot, "31/02/2026")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog
        assert dialog.errors() == {
            "date": "'31/02/2026' is not a date: use DD/MM/YYYY or YYYY-MM-DD."}
        for typed, said in (("tomorrow", "is not a date"), ("", "Enter a date"),
                            ("2026-13-01", "is not a date"), ("01/01/1800", "1900")):
            await fill(pilot, "go-date", typed)
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen is dialog and said in dialog.errors()["date"], typed
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and screen.book.day == TODAY
        await pilot.press("g")
        await settle(pilot)
        await type_text(pilot, "24/11/2026")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen and screen.book.day == TODAY + timedelta(days=1)
        # Lan's 11:00 visit is in her column.
        assert any(b.staff_id == salon["techs"]["Lan"] for b in screen.book.blocks)


async def test_check_in_from_the_book_and_the_visit_dialog(db_url, engine, staff_id, salon):
    from salontui.screens.day.visit_dialog import VisitDialog

    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_book(app, pilot)
        grid = screen.query_one(DayGrid)
        assert grid.select_block(salon["visits"]["morning"])
        await pilot.press("i")
        await settle(pilot)
        assert status_of(engine, salon["visits"]["morning"]) == "checked_in"
        assert "»Nguyễn Thị Hương" in "\n".join(grid_lines(screen))
        assert "checked in" in plain(screen.query_one("#book-status"))
        # Checking in twice is refused, said, nothing changed.
        await pilot.press("i")
        await settle(pilot)
        assert status_of(engine, salon["visits"]["morning"]) == "checked_in"
        # Enter on the evening visit opens it: its lines, its history; i checks it in.
        assert grid.select_block(salon["visits"]["evening"])
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, VisitDialog)
        head = plain(dialog.query_one("#visit-head"))
        assert "Phạm Ngọc Lan" in head and "17:00-17:45" in head
        keys = plain(dialog.query_one("#visit-keys"))
        assert "i check in" in keys and "to cashier" not in keys
        await pilot.press("i")
        await settle(pilot)
        assert status_of(engine, salon["visits"]["evening"]) == "checked_in"
        assert "to cashier" in plain(dialog.query_one("#visit-keys"))
        history = dialog.query_one("#visit-history")
        assert [history.row_texts(i)[1].strip() for i in range(history.row_count)] == [
            "booked", "checked in"]
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


async def test_a_day_off_set_from_the_book_takes_the_column_away(db_url, engine, staff_id,
                                                                 salon):
    from salontui.screens.day.work_days import WorkDaysDialog
    from salontui.store.day.schedule import works_on

    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_book(app, pilot)
        grid = screen.query_one(DayGrid)
        grid.place_cursor(staff_id=salon["techs"]["Dung"])
        await pilot.press("w")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, WorkDaysDialog)
        await pilot.press("tab")  # from the week to the day shown
        await pilot.press("d")  # day off
        await pilot.press("tab")
        await type_text(pilot, "Nghỉ phép")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert not read(engine, lambda s: works_on(s, salon["techs"]["Dung"], TODAY))
        assert "Dung" not in [c.title for c in grid.columns]
        # Bảo has a visit today: off, the column stays, marked.
        grid.place_cursor(staff_id=salon["techs"]["Bảo"])
        await pilot.press("w")
        await settle(pilot)
        await pilot.press("tab", "d", "enter")
        await settle(pilot)
        assert "Bảo (off)" in [c.title for c in grid.columns]
        # The week: Sunday off for Lan (space on the seventh day).
        grid.place_cursor(staff_id=salon["techs"]["Lan"])
        await pilot.press("w")
        await settle(pilot)
        await pilot.press("7", "enter")
        await settle(pilot)
        assert not read(engine, lambda s: works_on(s, salon["techs"]["Lan"],
                                                   TODAY + timedelta(days=6)))


async def test_the_book_at_120_columns_overlaps_side_by_side_and_live_refresh(
        db_url, engine, staff_id, salon):
    from salontui.store.day.book import LineIn, book_appointment

    bao = salon["techs"]["Bảo"]
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_book(app, pilot)
        grid = screen.query_one(DayGrid)
        lines = grid_lines(screen)
        titles = [" ".join(cell.split()) for cell in lines[0].split("│")[1:]]
        assert titles == NAMES  # seven staff side by side, nothing to scroll
        assert len(lines) >= 30
        # Another desk books Bảo over her 10:00 visit (an overlap confirmed): the book
        # reads again and shows the two side by side; Right goes from one to the other.
        with write_session(engine) as s:
            overlap = book_appointment(s, staff_id=staff_id, customer_id=salon["customer"],
                                       lines=[LineIn(salon["cut"], staff_id=bao,
                                                     starts_at=at(TODAY, "10:15"))],
                                       confirm=True, confirm_past=True).id
        app.data_version += 1
        await settle(pilot)
        column = next(i for i, c in enumerate(grid.columns) if c.staff_id == bao)
        assert grid.lanes[column] == 2
        assert grid.select_block(salon["visits"]["morning"])
        await pilot.press("down")  # 10:15: both visits on this row
        await pilot.press("right")
        assert (grid.column, grid.lane) == (column, 1)
        assert grid.at_cursor().block.appointment_id == overlap
        await pilot.press("right")  # on to the next staff member
        assert grid.current_column().title == "Cúc" and grid.lane == 0
        await pilot.press("left")
        assert grid.at_cursor().block.appointment_id == overlap


async def test_enter_on_an_empty_slot_books_there(db_url, engine, staff_id, salon):
    from salontui.screens.day.booking import BookingDialog

    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_book(app, pilot)
        grid = screen.query_one(DayGrid)
        await pilot.press("right_square_bracket")  # tomorrow
        await settle(pilot)
        grid.place_cursor(row=(15 * 60 - grid.book.first_minute) // 15,
                          staff_id=salon["techs"]["Giang"])
        await pilot.pause()
        assert "15:00 Giang: free" in plain(screen.query_one("#book-status"))
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, BookingDialog)
        assert dialog.starts_at == at(TODAY + timedelta(days=1), "15:00")
        assert dialog.slot_staff_id == salon["techs"]["Giang"]
        await type_text(pilot, "0888")
        await pilot.press("enter")
        await settle(pilot)
        await type_text(pilot, "cat")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen, getattr(app.screen, "errors", lambda: None)()
        [block] = [b for b in screen.book.blocks if b.staff_id == salon["techs"]["Giang"]]
        assert (block.starts.time(), block.label) == (time(15), "Cắt tóc nữ")
        assert grid.at_cursor() is not None and grid.at_cursor().block == block


async def test_a_day_nobody_works_books_anyone_and_adds_a_working_day(db_url, engine,
                                                                      staff_id, fixed_now):
    """Only the owner, in no book: the day has the "Anyone" column; w there asks whose
    days, and an extra working day puts the owner in the book."""
    from salontui.screens.day.work_days import ChooseStaffDialog, WorkDaysDialog

    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_book(app, pilot)
        grid = screen.query_one(DayGrid)
        assert [c.title for c in grid.columns] == ["Anyone"]
        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, ChooseStaffDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, WorkDaysDialog)
        await pilot.press("tab", "w", "enter")  # this day: working
        await settle(pilot)
        assert app.screen is screen
        assert [c.title for c in grid.columns] == ["Trần Thu Hà"]
