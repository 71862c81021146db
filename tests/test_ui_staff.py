"""The Staff section of Settings (0 on the Settings screen) at 80×24, by keys: add a
receptionist (a bad name and a 10,000-character paste refused at the field first), set
their PIN (typed twice, masked), deactivate them after a confirmation."""

from __future__ import annotations

from test_ui_helpers import SIZE, open_settings, paste, read, settle, table_rows, type_text

from salontui.app import SalonApp
from salontui.screens.dialogs.confirm import ConfirmDialog
from salontui.screens.settings import SettingsScreen
from salontui.screens.settings.staff import PinDialog, StaffDialog


def staff(engine):
    from salontui.store.admin.staff_admin import list_staff_admin

    return {r.name: r for r in read(engine, lambda s: list_staff_admin(s))}


async def test_add_set_pin_deactivate(db_url, engine, staff_id):
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(app, pilot, "staff")
        assert table_rows(screen, "#staff-table")[0][:3] == ["Trần Thu Hà", "owner", "no PIN"]
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, StaffDialog)
        await pilot.press("space", "enter")  # a name of spaces
        await settle(pilot)
        assert dialog.errors() == {"name": "Name is required."}
        await pilot.press("ctrl+u")
        await paste(pilot, "x" * 10_000)  # refused at the field, not frozen on
        await pilot.press("enter")
        await settle(pilot)
        assert "name" in dialog.errors() and app.screen is dialog
        assert list(staff(engine)) == ["Trần Thu Hà"]
        await pilot.press("ctrl+u")
        await type_text(pilot, "Nguyễn Lan")
        await pilot.press("enter")  # the role is a receptionist unless chosen
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        lan = staff(engine)["Nguyễn Lan"]
        assert (lan.role, lan.active, lan.has_pin) == ("receptionist", True, False)
        assert ["Nguyễn Lan", "receptionist", "no PIN", "", "—"] in table_rows(
            screen, "#staff-table")  # not in the appointment book: no working days
        assert screen.current.selected().id == lan.id
        # p: the PIN, typed twice; a short one and two that differ refused at the field.
        await pilot.press("p")
        await settle(pilot)
        pins = app.screen
        assert isinstance(pins, PinDialog) and not pins.own
        assert pins.query_one("#pin").password
        await type_text(pilot, "12")
        await pilot.press("enter")
        await settle(pilot)
        assert "4 to 8 digits" in pins.errors()["pin"]
        await pilot.press("ctrl+u")
        await type_text(pilot, "2468")
        await pilot.press("tab")
        await type_text(pilot, "1357")
        await pilot.press("enter")
        await settle(pilot)
        assert "differ" in pins.errors()["again"]
        await pilot.press("ctrl+u")
        await type_text(pilot, "2468")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        assert staff(engine)["Nguyễn Lan"].has_pin
        # x asks first, then deactivates.
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert not staff(engine)["Nguyễn Lan"].active
        assert ["Nguyễn Lan", "receptionist", "set", "inactive", ""] in table_rows(
            screen, "#staff-table")
