"""The Settings screen (F12 on the search screen): its sections by number, the common keys
(a adds, e or Enter edits, x retires and restores), and the customer groups section driven
by keys at 80×24: add, edit, retire, bad input answered at the field."""

from __future__ import annotations

import pytest
from test_ui_helpers import SIZE, open_settings, paste, read, settle, table_rows, type_text

from salontui.app import SalonApp
from salontui.screens.settings import SettingsScreen
from salontui.screens.settings.groups import GroupDialog


def groups(engine):
    from salontui.store.admin.groups import list_groups

    return read(engine, lambda s: list_groups(s))


async def test_f12_opens_settings_and_numbers_show_sections(db_url, engine, staff_id):
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(app, pilot)
        assert screen.active == "catalogue"
        await pilot.press("6")
        await settle(pilot)
        assert screen.active == "groups"
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, SettingsScreen)


@pytest.mark.parametrize("moment", ["before the tabs start", "as the tabs start",
                                    "before the list has the focus"])
async def test_a_section_key_pressed_as_settings_opens_is_kept(db_url, engine, staff_id,
                                                                 moment):
    """F12 then 6 at once on a slow PC: the 6 may come once the screen is there but before
    its tabs have started (whose start-up shows the first section), or after that but
    before the first section's list has taken the focus (a focus in a section shows it);
    either way the 6's section is shown, its list focused."""
    import asyncio

    from test_ui_helpers import start

    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        screen = SettingsScreen()
        app.push_screen(screen)
        started = moment != "before the tabs start"
        for _tick in range(1000):
            await asyncio.sleep(0)
            tabs = screen.query("#sections")
            if tabs and bool(tabs.first().active) == started and (
                    moment != "before the list has the focus" or screen.focused is not None):
                break
        assert screen.query_one("#sections").active == ("catalogue" if started else "")
        assert screen.focused is None or "table" not in str(screen.focused.id)
        screen.action_section("groups")  # what the 6 does
        await settle(pilot)
        assert screen.active == "groups"
        assert screen.query_one("#sections").active == "groups"
        assert screen.focused is screen.current.table()


async def test_groups_add_edit_retire_by_keys(db_url, engine, staff_id):
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(app, pilot, "groups")
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, GroupDialog)
        await type_text(pilot, "Khách VIP")
        await pilot.press("tab", "ctrl+u")
        await type_text(pilot, "150")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        [vip] = groups(engine)
        assert (vip.name, vip.points_percent, vip.active) == ("Khách VIP", 150, True)
        assert table_rows(screen, "#groups-table")[0][:2] == ["Khách VIP", "150 %"]
        # Enter on the row edits it.
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, GroupDialog)
        await pilot.press("ctrl+u")
        await type_text(pilot, "VIP vàng")
        await pilot.press("enter")
        await settle(pilot)
        assert groups(engine)[0].name == "VIP vàng"
        # x retires it, x again brings it back.
        await pilot.press("x")
        await settle(pilot)
        assert not groups(engine)[0].active
        assert "retired" in table_rows(screen, "#groups-table")[0][3]
        await pilot.press("x")
        await settle(pilot)
        assert groups(engine)[0].active


async def test_groups_bad_input_is_answered_at_the_field(db_url, engine, staff_id):
    from salontui.store.admin.groups import create_group
    from salontui.store.db import write_session

    with write_session(engine) as s:
        create_group(s, staff_id=staff_id, name="Gia đình nhân viên")
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(app, pilot, "groups")
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        await pilot.press("enter")  # empty name
        await settle(pilot)
        assert dialog.errors() == {"name": "Name is required."}
        await type_text(pilot, "gia dinh nhan vien")  # the same name, folded
        await pilot.press("enter")
        await settle(pilot)
        assert "already a group" in dialog.errors()["name"]
        await pilot.press("ctrl+u")
        await type_text(pilot, "Doanh nghiệp")
        await pilot.press("tab", "ctrl+u")
        await type_text(pilot, "-5")
        await pilot.press("enter")
        await settle(pilot)
        assert "negative" in dialog.errors()["points_percent"]
        await pilot.press("ctrl+u")
        await type_text(pilot, "5000")
        await pilot.press("enter")
        await settle(pilot)
        assert "0 to 1000" in dialog.errors()["points_percent"]
        await pilot.press("ctrl+u")
        await paste(pilot, "x" * 10_000)  # a paste-sized typo: refused, not frozen
        await pilot.press("enter")
        await settle(pilot)
        assert dialog.errors()
        assert [g.name for g in groups(engine)] == ["Gia đình nhân viên"]
