"""The Commission section of Settings (= on the Settings screen) at 80×24: a rule added
through its dialog (a bad percentage and an item of the wrong kind refused at their
fields first), shown in the list, changed, ended after a question, and the ended ones
shown with h; a receptionist is asked for a manager's approval."""

from __future__ import annotations

from test_ui_helpers import (
    SIZE,
    count_rows,
    fill,
    make_service,
    open_settings,
    paste,
    read,
    settle,
    table_rows,
)

from salontui.app import SalonApp
from salontui.screens.dialogs.confirm import ConfirmDialog
from salontui.screens.settings import SettingsScreen
from salontui.screens.settings.commission import CommissionRuleDialog


def rules(engine, include_ended=False):
    from salontui.store.admin.commissions import list_rules

    return read(engine, lambda s: list_rules(s, include_ended=include_ended))


async def test_add_see_change_and_end_a_rule_at_80x24(db_url, engine, staff_id):
    make_service(engine, staff_id)  # DV…: a service, so a product's code is wrong here
    from salontui.store.catalog import create_item
    from salontui.store.db import write_session

    with write_session(engine) as s:
        create_item(s, staff_id=staff_id, name="Dầu gội", kind="product", price=90_000,
                    code="SP01")
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(app, pilot, "commission")
        assert "No rules yet" in str(screen.current.status())
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, CommissionRuleDialog)
        dialog.query_one("#item-code").focus()
        await paste(pilot, "x" * 10_000)  # refused at its field, not cut nor frozen on
        await pilot.press("enter")
        await settle(pilot)
        assert "item_code" in dialog.errors() and rules(engine) == []
        await fill(pilot, "item-code", "a")  # typed over: the paste is forgotten
        await fill(pilot, "item-code", "")
        await fill(pilot, "percent", "150")
        await pilot.press("enter")
        await settle(pilot)
        assert "0 to 100" in dialog.errors().get("percent", ""), dialog.errors()
        await fill(pilot, "item-code", "SP01")
        await fill(pilot, "percent", "10")
        await pilot.press("enter")
        await settle(pilot)
        assert "item_code" in dialog.errors()  # a product for a service rule
        assert rules(engine) == []
        await fill(pilot, "item-code", "")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        [rule] = rules(engine)
        assert (rule.applies_to, rule.rate_bp, rule.item_id) == ("service", 1000, None)
        rows = table_rows(screen, "#commission-table")
        assert rows[0][:4] == ["services", "all", "everyone", "10 %"]

        # e changes it: the old one ends, the new one is in force.
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, CommissionRuleDialog)
        await fill(pilot, "percent", "")
        await fill(pilot, "amount", "20.000")
        await pilot.press("enter")
        await settle(pilot)
        [changed] = rules(engine)
        assert (changed.rate_bp, changed.fixed_amount) == (None, 20_000)
        assert len(rules(engine, include_ended=True)) == 2
        assert table_rows(screen, "#commission-table")[0][3].startswith("20")

        # x asks, then ends it; h shows the ended ones.
        audits = count_rows(engine)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert rules(engine) == [] and count_rows(engine) == audits + 1
        assert table_rows(screen, "#commission-table") == []
        await pilot.press("h")
        await settle(pilot)
        ended = table_rows(screen, "#commission-table")
        assert len(ended) == 2 and all(row[4].startswith("ended") for row in ended)
        await pilot.press("x")  # an ended rule cannot be ended again
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        assert "already ended" in str(screen.query_one("#commission-bar").render())

        # A receptionist may not: the desk asks for a manager's approval; Esc writes nothing.
        from salontui.screens.dialogs.manager_approval import ManagerApprovalDialog
        from salontui.store.staff import create_staff

        with write_session(engine) as s:
            desk = create_staff(s, name="Phạm Lan", role="receptionist", staff_id=staff_id)
        app.sign_in(desk)
        await pilot.press("a")
        await settle(pilot)
        await fill(pilot, "percent", "5")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ManagerApprovalDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CommissionRuleDialog)
        assert rules(engine) == []
