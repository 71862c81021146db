"""The Permissions section of Settings (- on the Settings screen) at 80×24: the owner
toggles a role's cell with Space or Enter and the store's table agrees (one audit row per
change); a manager sees the table read only and Space changes nothing."""

from __future__ import annotations

from test_ui_helpers import SIZE, count_rows, open_settings, plain, read, settle, table_rows

from salontui.app import SalonApp
from salontui.store.admin.permissions import role_allows
from salontui.store.db import write_session
from salontui.store.staff import create_staff


def allowed(engine, role: str, permission: str) -> bool:
    return read(engine, lambda s: role_allows(s, role, permission))


async def test_the_owner_toggles_a_cell_and_a_manager_only_reads(db_url, engine, staff_id):
    with write_session(engine) as s:
        manager = create_staff(s, name="Lê Minh Tuấn", role="manager", staff_id=staff_id)
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(app, pilot, "permissions")
        rows = table_rows(screen, "#permissions-table")
        assert rows[0] == ["Refund", "✓", "[✓]", "·", "·"]  # the manager's column first
        assert rows[-1] == ["Staff", "✓", "·", "·", "·"]
        assert "Space or Enter" in plain(screen.query_one("#permissions-bar"))
        assert not allowed(engine, "receptionist", "refund")
        audits = count_rows(engine)
        await pilot.press("left")  # the owner's column is not one to move to
        await pilot.press("right", "space")
        await settle(pilot)
        assert allowed(engine, "receptionist", "refund")
        assert table_rows(screen, "#permissions-table")[0] == ["Refund", "✓", "✓", "[✓]",
                                                                 "·"]
        await pilot.press("enter")  # Enter toggles too
        await settle(pilot)
        assert not allowed(engine, "receptionist", "refund")
        await pilot.press("space")
        await settle(pilot)
        assert allowed(engine, "receptionist", "refund")
        assert count_rows(engine) == audits + 3  # one audit row per change
        # Down a row, right to the technician: the cursor's cell follows.
        await pilot.press("down", "right", "right")
        await settle(pilot)
        rows = table_rows(screen, "#permissions-table")
        assert rows[1] == ["Delete a customer", "✓", "✓", "·", "[·]"]
        assert rows[0][4] == "·"

        # The store has the last word: the table shown as the owner's, but a manager
        # signed in by now (another desk, F2): refused on the bar, nothing written.
        # (Called at once: the reload the last write causes may come first, which shows
        # the table read only instead; either way the bar says why and nothing is written.)
        audits = count_rows(engine)
        app.sign_in(manager)
        screen.current.action_permission_toggle()
        await settle(pilot)
        assert "only an owner changes what each role may do." in plain(
            screen.query_one("#permissions-bar")).lower()
        assert count_rows(engine) == audits and not allowed(engine, "technician",
                                                              "delete_customer")
        # A manager: the same table, read only; Space and Enter change nothing.
        await pilot.press("escape")
        await settle(pilot)
        screen = await open_settings(app, pilot, "permissions")
        assert "only an owner" in plain(screen.query_one("#permissions-bar"))
        assert not screen.check_action("permission_toggle", ())
        audits = count_rows(engine)
        await pilot.press("right", "space", "enter")
        await settle(pilot)
        assert allowed(engine, "receptionist", "refund")
        assert not allowed(engine, "technician", "refund")
        assert count_rows(engine) == audits
        assert "only an owner" in plain(screen.query_one("#permissions-bar"))
