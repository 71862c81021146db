"""The working week from the Staff section of Settings (w), at 80×24: the appointment
book's dialog for the selected person; the week saved is the book's and the list's last
column; an inactive person's key is off."""

from __future__ import annotations

from test_ui_helpers import SIZE, open_settings, read, settle, table_rows

from salontui.app import SalonApp
from salontui.screens.day.work_days import WorkDaysDialog
from salontui.store.admin.staff_admin import set_staff_active
from salontui.store.db import write_session
from salontui.store.models import Staff
from salontui.store.staff import create_staff


def week_of(engine, member_id: int) -> str:
    return read(engine, lambda s: s.get(Staff, member_id).work_days)


async def test_work_days_from_the_staff_section(db_url, engine, staff_id):
    with write_session(engine) as s:
        lan = create_staff(s, name="Lan", role="technician", staff_id=staff_id)
        gone = create_staff(s, name="Mai", role="technician", staff_id=staff_id)
    with write_session(engine) as s:
        set_staff_active(s, staff_id=staff_id, target_id=gone.id, active=False)
    before = week_of(engine, lan.id)
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(app, pilot, "staff")
        section = screen.current
        section.table().select_key(str(gone.id))
        await settle(pilot)
        assert not screen.check_action("work_days", ())  # inactive: off
        section.table().select_key(str(lan.id))
        await settle(pilot)
        assert screen.check_action("work_days", ())
        rows = {r[0]: r for r in table_rows(screen, "#staff-table")}
        assert (rows["Lan"][4], rows["Mai"][4], rows["Trần Thu Hà"][4]) == (
            "every day", "", "—")
        await pilot.press("w")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, WorkDaysDialog) and dialog.staff.id == lan.id
        await pilot.press("7")  # Sunday on or off
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        after = week_of(engine, lan.id)
        assert (before, after) == ("1111111", "1111110")
        await settle(pilot)  # the section reads again: the week shown is the book's
        rows = {r[0]: r for r in table_rows(screen, "#staff-table")}
        assert rows["Lan"][4] == "Mon–Sat"


def test_week_text():
    from salontui.screens.settings.staff import week_text

    assert [week_text(w) for w in ("0000000", "1111111", "1111100", "1011110", "1100001",
                                   "0000010")] == [
        "—", "every day", "Mon–Fri", "Mon, Wed–Sat", "Mon, Tue, Sun", "Sat"]
