"""The audit viewer at 80×24 (screens/audit.py): opened by F11 from the search, filtered by
action in its dialog, a bad date and a 10,000-character paste refused at their fields,
Enter shows a row's whole before and after, and a customer's own changes from the
detail's palette."""

from __future__ import annotations

from dataclasses import replace

from test_ui_helpers import (
    SIZE,
    give_points,
    make_customer,
    open_detail,
    paste,
    plain,
    settle,
    start,
    table_rows,
)

from salontui.app import SalonApp
from salontui.store.admin.audit_view import AuditFilter


async def test_the_audit_viewer(db_url, engine, staff_id):
    from salontui.screens.audit import AuditEntryDialog, AuditFilterDialog, AuditScreen
    from salontui.screens.commands import commands_for
    from salontui.screens.loyalty.care_dialogs import CycleChoice

    huong = make_customer(engine, staff_id)
    lan = make_customer(engine, staff_id, name="Phạm Thị Lan", phone="0935 400 001")
    give_points(engine, staff_id, huong.id, 50)
    give_points(engine, staff_id, lan.id, 20)

    app = SalonApp(db_url, staff_id=staff_id, first_screen="search")
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        await pilot.press("f11")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AuditScreen)
        rows = table_rows(screen, "#audit-table")
        assert len(rows) >= 5
        assert rows[0][1] == "Trần Thu Hà" and rows[0][2] == "adjust_points"
        assert plain(screen.query_one("#audit-filter")).startswith("Every change")
        # f: the action create_customer
        await pilot.press("f")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AuditFilterDialog)
        action = dialog.query_one("#audit-action", CycleChoice)
        action.value = "create_customer"
        # a date that is no date: refused at its field, the dialog stays
        dialog.query_one("#audit-date-from").value = "31/13/2026"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog
        assert "date_from" in dialog.errors()
        # the end before the start: at the end's field (the store's check)
        dialog.query_one("#audit-date-from").value = "02/11/2026"
        dialog.query_one("#audit-date-to").value = "01/11/2026"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog and list(dialog.errors()) == ["date_to"]
        dialog.query_one("#audit-date-from").value = ""
        dialog.query_one("#audit-date-to").value = ""
        # a 10,000-character paste into the customer code: refused at the field
        dialog.query_one("#audit-customer").focus()
        await paste(pilot, "K" * 10_000)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog and "customer" in dialog.errors()
        dialog.query_one("#audit-customer").value = "KH999999"  # typed over: not found
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog and list(dialog.errors()) == ["customer"]
        dialog.query_one("#audit-customer").value = ""
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        rows = table_rows(screen, "#audit-table")
        assert {r[2] for r in rows} == {"create_customer"} and len(rows) == 2
        assert plain(screen.query_one("#audit-filter")) == "Filter: create_customer"
        # Enter: the whole before and after
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AuditEntryDialog)
        assert "Phạm Thị Lan" in plain(app.screen.query_one("#entry-after"))
        await pilot.press("escape")
        await pilot.press("escape")
        await settle(pilot)
        # the customer's own changes, from the detail's palette
        detail = await open_detail(app, pilot, huong.id)
        entry = next(cb for name, _text, cb in commands_for(detail) if name == "Changes")
        entry()
        await settle(pilot)
        mine = app.screen
        assert isinstance(mine, AuditScreen)
        rows = table_rows(mine, "#audit-table")
        assert [r[2] for r in rows] == ["adjust_points", "create_customer"]
        assert plain(mine.query_one("#audit-filter")) == f"Filter: {huong.code}"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is detail


async def test_an_approved_change_names_the_approver_and_reads_key_by_key(db_url, engine,
                                                                          staff_id):
    """A row a manager's PIN approved says so in the list and in the whole change, which
    lists what changed key by key before the whole before and after; filtering by the
    manager shows it too."""
    from salontui.screens.audit import AuditEntryDialog, AuditScreen
    from salontui.store import audit
    from salontui.store.db import write_session
    from salontui.store.staff import create_staff

    customer = make_customer(engine, staff_id)
    with write_session(engine) as s:
        lan = create_staff(s, name="Lan", role="receptionist", staff_id=staff_id)
        tuan = create_staff(s, name="Tuấn", role="manager", staff_id=staff_id)
        audit.record(s, staff_id=lan.id, action="adjust_points", entity="customer",
                     entity_id=customer.id, before={"points": 0, "reason": None},
                     after={"points": 500, "reason": "Sinh nhật khách hàng thân thiết"},
                     approved_by=tuan.id)
    app = SalonApp(db_url, staff_id=staff_id, first_screen="search")
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        app.push_screen(AuditScreen())
        await settle(pilot)
        screen = app.screen
        first = table_rows(screen, "#audit-table")[0]
        assert first[1:3] == ["Lan", "adjust_points"]
        assert first[4].startswith("points: 0 → 500; reason: — → Sinh")
        assert first[4].endswith("… · approved by Tuấn")
        await pilot.press("enter")
        await settle(pilot)
        entry = app.screen
        assert isinstance(entry, AuditEntryDialog)
        assert "approved by Tuấn" in plain(entry.query_one("#entry-head"))
        assert plain(entry.query_one("#entry-changed")).splitlines() == [
            "Changed:", "  points: 0 → 500",
            "  reason: — → Sinh nhật khách hàng thân thiết"]
        await pilot.press("escape")
        await settle(pilot)
        screen.set_filter(replace(screen.wanted, filter=AuditFilter(staff_id=tuan.id)))
        await settle(pilot)
        assert [r[1] for r in table_rows(screen, "#audit-table")] == ["Lan"]
