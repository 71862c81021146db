"""The detail's tabs are data: the screen reads its list of tabs, and a salon's own
choice of tabs gets its panes, number keys, keys and palette from that list alone."""

from __future__ import annotations

from test_ui_helpers import SIZE, settle, start, table_rows

from salontui.screens.detail import DETAIL_TABS, TABS, CustomerDetailScreen
from salontui.screens.detail.packages import PackagesTab
from salontui.screens.detail.points import PointsTab


def test_the_number_keys_follow_the_list_of_tabs():
    assert tuple(tab.tab_id for tab in DETAIL_TABS) == TABS
    keys = CustomerDetailScreen._merged_bindings.key_to_bindings
    for number, tab in enumerate(DETAIL_TABS, start=1):
        assert [b.action for b in keys[str(number)]] == [f"tab('{tab.tab_id}')"]
    assert str(len(DETAIL_TABS) + 1) not in keys


async def test_a_salon_s_own_choice_of_tabs(app, world):
    screen_type = CustomerDetailScreen.with_tabs((PointsTab, PackagesTab))
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        screen = screen_type(world["customer"].id)
        app.push_screen(screen)
        await settle(pilot)
        assert [tab.tab_id for tab in screen.tabs] == ["points", "packages"]
        assert screen.active == "points" and screen.loaded == {"points"}
        assert table_rows(screen, "#points-table")[0][1:4] == ["Earned: HD000003", "+15", "1.545"]
        assert screen.check_action("adjust_points", ()) is True
        assert screen.check_action("extend_package", ()) is False  # not its tab
        assert not screen.query("#invoices-table")
        keys = screen._bindings.key_to_bindings
        assert "3" not in keys and "g" not in keys and "f" not in keys
        await pilot.press("2")
        await settle(pilot)
        assert screen.active == "packages"
        assert table_rows(screen, "#packages-table")
        assert screen.check_action("adjust_points", ()) is False
        names = [name for name, _help, _cb in screen.palette_commands()]
        assert "Adjust points" in names and "Give promotion" not in names
        assert screen.help_extra()[0][0] == "1–2"
