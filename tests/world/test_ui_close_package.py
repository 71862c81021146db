"""Closing a course from the Packages tab at 80×24: C asks the reason (required, said at
the field), then the package shows as closed, takes no other action, and the checkout
offers none of its sessions; the store refuses a redemption."""

from __future__ import annotations

import pytest
from test_ui_helpers import SIZE, open_detail, read, select_row, settle, start, table_rows

from salontui.screens.checkout import CheckoutScreen
from salontui.screens.checkout.dialogs import PickerDialog
from salontui.screens.dialogs.close_package import ClosePackageDialog
from salontui.store.db import write_session
from salontui.store.errors import RuleViolation
from salontui.store.package_reads import get_package, package_history
from salontui.store.packages import redeem_session

NAME = "Gội đầu dưỡng sinh 10 buổi"


def package_state(engine, package_id):
    return read(engine, lambda s: (get_package(s, package_id=package_id),
                                   len(package_history(s, package_id=package_id))))


async def test_close_a_package_from_the_packages_tab(app, engine, world, staff_id):
    pid = world["count"].id
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        screen = await open_detail(app, pilot, world["customer"].id)
        await select_row(pilot, screen.query_one("#packages-table"), pid)
        names = [name for name, _help, _cb in screen.palette_commands()]
        assert "Close package" in names
        await pilot.press("C")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ClosePackageDialog)
        assert dialog.focused.id == "reason"
        assert "8 sessions left can no longer be used" in str(
            dialog.query_one(".warning-text").render())
        before = package_state(engine, pid)
        await pilot.press("enter")  # no reason
        await settle(pilot)
        assert app.screen is dialog
        assert dialog.errors() == {"reason": "Reason is required."}
        assert package_state(engine, pid) == before
        await pilot.press(*"Moved away")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        after, events = package_state(engine, pid)
        assert after.status == "closed" and events == before[1] + 1
        assert (after.used, after.total_uses) == (before[0].used, before[0].total_uses)
        row = next(r for r in table_rows(screen, "#packages-table") if r[0] == NAME)
        assert row[3] == "closed"

        # No other action: the key says why instead of opening a dialog.
        await select_row(pilot, screen.query_one("#packages-table"), pid)
        for key in ("x", "r", "a", "C"):
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is screen, key
        assert any("closed on 23/11/2026" in str(n.message) for n in app._notifications)
        # The history says it, with the reason.
        await pilot.press("h")
        await settle(pilot)
        history = table_rows(screen, "#history")
        assert history[0][1] == "Closed" and history[0][3] == "Moved away"

        # The checkout offers none of its sessions, and says why.
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, CheckoutScreen)
        await pilot.press("f4")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, PickerDialog)
        [closed] = [c for c in picker.choices if c.key == str(pid)]
        assert not closed.enabled and "closed 23/11/2026" in closed.text
    with pytest.raises(RuleViolation, match="closed on 23/11/2026"), write_session(engine) as s:
        redeem_session(s, staff_id=staff_id, package_id=pid, service_staff_id=staff_id)
