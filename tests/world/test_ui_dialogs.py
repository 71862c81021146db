"""The dialogs of the detail screen: extend, reserve, resume, adjust package, adjust points,
care notes, give promotion. Each: first field focused, Tab moves on, Enter confirms from any
field, Escape cancels; every bad input shows its message at the field and changes nothing;
a good one changes the store and the screen shows it at once."""

from __future__ import annotations

from datetime import date

from test_ui_helpers import (
    SIZE,
    fill,
    open_detail,
    plain,
    read,
    select_row,
    settle,
    start,
    table_rows,
    type_text,
)

from salontui.screens.dialogs.adjust_package import AdjustPackageDialog
from salontui.screens.dialogs.adjust_points import AdjustPointsDialog
from salontui.screens.dialogs.care_note import CareNoteDialog
from salontui.screens.dialogs.confirm import ConfirmDialog
from salontui.screens.dialogs.extend_package import ExtendPackageDialog
from salontui.screens.dialogs.give_promotion import GivePromotionDialog
from salontui.screens.dialogs.reserve_package import ReservePackageDialog
from salontui.screens.dialogs.resume_package import ResumePackageDialog
from salontui.store.care import list_care_notes
from salontui.store.ledger import points_balance
from salontui.store.package_reads import get_package, package_history
from salontui.store.promotions import list_customer_promotions


def package_state(engine, package_id):
    """Everything a package action could change: the row and its history length."""
    return read(engine, lambda s: (get_package(s, package_id=package_id),
                                   len(package_history(s, package_id=package_id))))


async def refused(pilot, dialog, field: str, message: str) -> None:
    """Enter: the dialog stays open and shows ``message`` at ``field``."""
    await pilot.press("enter")
    await settle(pilot)
    assert pilot.app.screen is dialog
    shown = dialog.errors()
    assert message in shown.get(field, ""), shown


async def open_package_dialog(app, pilot, world, package_key: str, key: str, cls):
    screen = await open_detail(app, pilot, world["customer"].id)
    await select_row(pilot, screen.query_one("#packages-table"), world[package_key].id)
    await pilot.press(key)
    await settle(pilot)
    assert isinstance(app.screen, cls)
    return screen, app.screen


async def test_extend_package(app, engine, world):
    pid = world["count"].id
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        screen, dialog = await open_package_dialog(app, pilot, world, "count", "x",
                                                   ExtendPackageDialog)
        assert dialog.focused.id == "new-expiry"
        await pilot.press("tab")
        assert dialog.focused.id == "note"
        before = package_state(engine, pid)
        await refused(pilot, dialog, "new_expiry", "Enter a date")
        await fill(pilot, "new-expiry", "31/02/2027")
        await refused(pilot, dialog, "new_expiry", "is not a date")
        await fill(pilot, "note", "Was ill for two weeks")
        await fill(pilot, "new-expiry", "01/01/2026")
        await refused(pilot, dialog, "new_expiry", "cannot be before today")
        await fill(pilot, "new-expiry", "2027-01-01")
        await refused(pilot, dialog, "new_expiry", "must be after the current expiry")
        await fill(pilot, "new-expiry", "31/12/2027")
        await fill(pilot, "note", "")
        await refused(pilot, dialog, "note", "Note is required.")
        assert package_state(engine, pid) == before

        await fill(pilot, "note", "Was ill for two weeks")
        dialog.query_one("#new-expiry").focus()  # Enter confirms from the first field too
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        after, events = package_state(engine, pid)
        assert after.expires_on == date(2027, 12, 31) and events == before[1] + 1
        row = next(r for r in table_rows(screen, "#packages-table")
                   if r[0] == "Gội đầu dưỡng sinh 10 buổi")
        assert row[4] == "31/12/2027"

        await pilot.press("x")
        await settle(pilot)
        await pilot.press("escape")  # cancels
        await settle(pilot)
        assert app.screen is screen
        assert package_state(engine, pid)[0].expires_on == date(2027, 12, 31)


async def test_reserve_package_shows_the_expiry_after_resuming(app, engine, world):
    pid = world["count"].id  # expires 11/06/2027
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        screen, dialog = await open_package_dialog(app, pilot, world, "count", "r",
                                                   ReservePackageDialog)
        assert dialog.focused.id == "days"
        preview = dialog.query_one("#preview")
        await type_text(pilot, "14")
        assert plain(preview) == "Expires after resuming: 25/06/2027"  # live, as typed
        before = package_state(engine, pid)

        await fill(pilot, "days", "")
        await fill(pilot, "note", "Travelling")
        await refused(pilot, dialog, "days", "Enter a number of days or an end date.")
        for typed, message in (("abc", "is not a whole number"),
                               ("0", "must be more than zero"),
                               ("-3", "cannot be negative"),
                               ("4000", "Freeze for 1 to 3650 days.")):
            await fill(pilot, "days", typed)
            await refused(pilot, dialog, "days", message)
        await fill(pilot, "days", "")
        await fill(pilot, "until", "01/11/2026")
        await refused(pilot, dialog, "until", "must end after today")
        await fill(pilot, "until", "2026-12-23")
        await fill(pilot, "note", "")
        await refused(pilot, dialog, "note", "Note is required.")
        assert package_state(engine, pid) == before

        await fill(pilot, "note", "Travelling")
        assert plain(preview) == "Expires after resuming: 11/07/2027"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        after, _events = package_state(engine, pid)
        assert after.status == "reserved" and after.frozen_until == date(2026, 12, 23)
        assert after.expires_on == date(2027, 7, 11)
        assert screen.selected_package().status == "reserved"
        assert screen.check_action("reserve_package", ()) is False  # now u, not r
        assert screen.check_action("resume_package", ()) is True


async def test_resume_package(app, engine, world):
    pid = world["frozen"].id  # reserved 23/11–07/12, expiry moved to 07/03/2027
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        screen = await open_detail(app, pilot, world["customer"].id)
        await select_row(pilot, screen.query_one("#packages-table"), world["count"].id)
        screen.action_resume_package()  # as from the palette, on a package in use
        await settle(pilot)
        assert app.screen is screen  # nothing to resume: a notice, no dialog

        await select_row(pilot, screen.query_one("#packages-table"), world["time"].id)
        assert screen.check_action("adjust_package", ()) is False  # a time card: no count
        screen.action_adjust_package()
        await settle(pilot)
        assert app.screen is screen

        await select_row(pilot, screen.query_one("#packages-table"), pid)
        await pilot.press("u")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ResumePackageDialog)
        assert dialog.focused.id == "note"
        assert plain(dialog.query_one("#preview")) == \
            "Resuming today: expires 21/02/2027 (now 07/03/2027)"
        await pilot.press("escape")
        await settle(pilot)
        assert package_state(engine, pid)[0].status == "reserved"

        await pilot.press("u")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        after, _events = package_state(engine, pid)
        assert after.status == "in_use" and after.frozen_until is None
        assert after.expires_on == date(2027, 2, 21)  # what the dialog said


async def test_adjust_package(app, engine, world):
    pid = world["count"].id  # 10 sessions, 2 used
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        screen, dialog = await open_package_dialog(app, pilot, world, "count", "a",
                                                   AdjustPackageDialog)
        assert dialog.focused.id == "total"
        assert plain(dialog.query_one("#preview")) == "Remaining after: 8"
        before = package_state(engine, pid)
        await fill(pilot, "reason", "Counted on paper")
        await fill(pilot, "total", "abc")
        await refused(pilot, dialog, "total_uses", "'abc' is not a whole number.")
        await fill(pilot, "total", "10")
        await fill(pilot, "used", "-1")
        await refused(pilot, dialog, "used", "Used cannot be negative.")
        await fill(pilot, "used", "12")
        await refused(pilot, dialog, "used", "cannot be more than the total")
        await fill(pilot, "used", "2")
        await refused(pilot, dialog, "total_uses", "Nothing changed")
        await fill(pilot, "used", "3")
        await fill(pilot, "reason", "")
        await refused(pilot, dialog, "reason", "Reason is required.")
        assert package_state(engine, pid) == before

        await fill(pilot, "reason", "Counted on paper")
        assert plain(dialog.query_one("#preview")) == "Remaining after: 7"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        after, events = package_state(engine, pid)
        assert (after.used, after.remaining, events) == (3, 7, before[1] + 1)
        await pilot.press("h")
        await settle(pilot)
        history = table_rows(screen, "#history")
        assert history[0][1:4] == ["Adjusted used", "+1 used", "Counted on paper"]


async def test_adjust_points(app, engine, world):
    cid = world["customer"].id  # 1,545 points

    def balance():
        return read(engine, lambda s: points_balance(s, customer_id=cid))

    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        screen = await open_detail(app, pilot, cid)
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AdjustPointsDialog)
        assert dialog.focused.id == "amount"  # typing goes straight into the amount
        preview = dialog.query_one("#preview")
        assert plain(preview) == "Balance after: 1.545"
        await pilot.press("tab")
        assert dialog.focused.id == "direction"
        await fill(pilot, "note", "Birthday gift")
        await refused(pilot, dialog, "amount", "Enter an amount.")
        for typed, message in (("abc", "'abc' is not an amount."),
                               ("0", "The amount must be more than zero.")):
            await fill(pilot, "amount", typed)
            await refused(pilot, dialog, "amount", message)
        dialog.query_one("#direction").focus()
        await pilot.press("right")  # Decrease
        await fill(pilot, "amount", "999999")
        assert "below zero" in plain(preview)
        await refused(pilot, dialog, "amount", "Only 1,545 points left")
        await fill(pilot, "amount", "-99999")
        await refused(pilot, dialog, "amount", "Only 1,545 points left")
        await fill(pilot, "amount", "500")
        await fill(pilot, "note", "")
        await refused(pilot, dialog, "reason", "Reason is required.")
        assert balance() == 1545

        dialog.query_one("#direction").focus()
        await pilot.press("left")  # Increase
        await fill(pilot, "note", "Birthday gift")
        assert plain(preview) == "Balance after: 2.045"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert balance() == 2045
        assert "Points 2.045" in plain(screen.query_one("#card"))
        assert table_rows(screen, "#points-table")[0][1:4] == [
            "Adjustment: Birthday gift", "+500", "2.045"]

        await pilot.press("p")  # the choice says which way; the amount has no sign
        await settle(pilot)
        dialog = app.screen
        dialog.query_one("#direction").focus()
        await pilot.press("right")  # Decrease
        await fill(pilot, "amount", "200")
        await fill(pilot, "note", "Typo yesterday")
        await pilot.press("enter")
        await settle(pilot)
        assert balance() == 1845
        assert "Points 1.845" in plain(screen.query_one("#card"))

        await pilot.press("p")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and balance() == 1845


async def test_care_notes_add_edit_delete_filter(app, engine, world):
    cid = world["customer"].id

    def notes(**kw):
        return read(engine, lambda s: list_care_notes(s, customer_id=cid, **kw))

    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        screen = await open_detail(app, pilot, cid)
        await pilot.press("8")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, CareNoteDialog)
        assert dialog.focused.id == "title"
        await pilot.press("tab")
        assert dialog.focused.id == "type"
        await pilot.press("s")  # the first letter picks: SMS
        assert dialog.query_one("#type").value == "sms"
        await refused(pilot, dialog, "title", "Title is required.")
        assert len(notes()) == 2
        assert dialog.focused.id == "title"
        await type_text(pilot, "Reminder sent")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert (notes()[0].type, notes()[0].title) == ("sms", "Reminder sent")
        assert table_rows(screen, "#care-table")[0][2:4] == ["SMS", "Reminder sent"]

        await pilot.press("enter")  # edit the selected note
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, CareNoteDialog) and dialog.note is not None
        await fill(pilot, "title", "")
        await refused(pilot, dialog, "title", "Title is required.")
        await fill(pilot, "title", "Reminder sent by SMS")
        await pilot.press("enter")
        await settle(pilot)
        assert notes()[0].title == "Reminder sent by SMS"

        await pilot.press("delete")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert len(notes()) == 3
        await pilot.press("delete")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert len(notes()) == 2 and notes(include_deleted=True)[0].deleted
        assert len(table_rows(screen, "#care-table")) == 2

        await pilot.press("t")  # filter: care
        await settle(pilot)
        assert table_rows(screen, "#care-table") == []
        await pilot.press("t")  # treatment
        await settle(pilot)
        assert [r[3] for r in table_rows(screen, "#care-table")] == ["Facial treatment"]
        assert "Type: Treatment" in plain(screen.query_one("#care-bar"))


async def test_give_promotion(app, engine, world):
    cid = world["customer"].id

    def given():
        return read(engine, lambda s: list_customer_promotions(s, customer_id=cid))

    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        screen = await open_detail(app, pilot, cid)
        await pilot.press("9")
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, GivePromotionDialog)
        assert dialog.focused.id == "programs"
        assert [p.name for p in dialog.programs] == ["Tết 2027: 20% off"]
        await fill(pilot, "expires", "01/01/2020")
        await refused(pilot, dialog, "expires_on", "in the past")
        await fill(pilot, "expires", "1/1/20x")
        await refused(pilot, dialog, "expires_on", "is not a date")
        assert given() == []
        await fill(pilot, "expires", "")
        await fill(pilot, "note", "Loyal since 2019")
        dialog.query_one("#programs").focus()
        await pilot.press("enter")  # Enter on the program list confirms too
        await settle(pilot)
        assert app.screen is screen
        promotions = given()
        assert [(p.program_name, p.note) for p in promotions] == [
            ("Tết 2027: 20% off", "Loyal since 2019")]
        assert table_rows(screen, "#promotions-table")[0][0] == promotions[0].code

        await pilot.press("g")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and len(given()) == 1
