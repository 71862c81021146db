"""The working week from the Staff section of Settings (w), at 80×24: the appointment
book's dialog for the selected person; the week saved is the book's; an inactive person's
key is off."""

from __future__ import annotations

from test_ui_helpers import SIZE, read, settle, start

from salontui.app import SalonApp
from salontui.screens.day.work_days import WorkDaysDialog
from salontui.screens.settings import SettingsScreen
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
        await start(app, pilot)
        await pilot.press("f12")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        await pilot.press("0")
        await settle(pilot)
        section = screen.current
        section.table().select_key(str(gone.id))
        await settle(pilot)
        assert not screen.check_action("work_days", ())  # inactive: off
        section.table().select_key(str(lan.id))
        await settle(pilot)
        assert screen.check_action("work_days", ())
        await pilot.press("w")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, WorkDaysDialog) and dialog.staff.id == lan.id
        await pilot.press("7")  # Sunday on or off
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        after = week_of(engine, lan.id)
        assert after[:6] == before[:6] and after[6] != before[6]
