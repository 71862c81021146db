"""The Settings screen's Salon section at 80×24: the settings as rows, e (or Enter on a
row) opens the long form on that row's field, every field reached by Tab and scrolled
into view; the name, opening hours and slot edited by keys and taken by the desk at once;
bad input answered at its field with nothing written; the currency fixed once money is
recorded."""

from __future__ import annotations

from sqlalchemy import text
from test_ui_helpers import SIZE, give_points, make_customer, read, settle, table_rows
from test_ui_settings import open_settings
from textual import events
from textual.containers import VerticalScroll

from salontui.app import SalonApp
from salontui.screens.settings import SettingsScreen
from salontui.screens.settings.salon import ROWS, SalonDialog


def settings(engine):
    from salontui.store.settings import get_settings

    return read(engine, get_settings)


def audits(engine) -> int:
    return read(engine, lambda s: s.execute(text("SELECT count(*) FROM audit_log")).scalar())


def visible(dialog: SalonDialog) -> bool:
    """Whether the focused control is inside the scrolled part of the form shown."""
    form = dialog.query_one("#salon-form", VerticalScroll)
    focused = dialog.focused
    assert focused is not None
    return form.region.contains_region(focused.region)


async def select_setting(pilot, screen: SettingsScreen, key: str) -> None:
    table = screen.current.table()
    table.move_cursor(row=ROWS.index(key))
    await pilot.pause()


async def clear_and_type(pilot, value: str) -> None:
    await pilot.press("end", "ctrl+u")
    if value:
        await pilot.press(*value)


async def test_the_salon_as_rows_and_every_field_reachable(db_url, engine, staff_id):
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(app, pilot, "salon")
        rows = table_rows(screen, "#salon-table")
        assert len(rows) == len(ROWS) == 20
        assert ["Expiry reminders", "14 days before a package expires"] in rows
        assert rows[0] == ["Salon name", "Salon"]
        assert ["Opening hours: Monday", "09:00–20:00"] in rows
        assert ["Appointment slot", "15 minutes"] in rows  # 0006: a quarter of an hour
        assert rows[-1] == ["Idle lock", "never"]
        assert screen.check_action("add", ()) is False  # one form: nothing to add or retire
        assert screen.check_action("retire", ()) is False
        names = [name for name, _help, _cb in screen.palette_commands()]
        assert "Edit the salon's settings" in names
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SalonDialog)
        assert dialog.focused.id == "name"
        seen = []
        for _ in range(18):  # Tab reaches every field, each scrolled into view
            await pilot.press("tab")
            await settle(pilot)
            assert visible(dialog), dialog.focused
            seen.append(dialog.focused.id)
        assert seen[-1] == "new-member" and "slot" in seen and "hours-6" in seen
        assert seen[-2] == "reminder-days"
        assert dialog.query_one("#confirm").region.bottom <= SIZE[1]  # buttons on screen
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


async def test_edit_name_hours_and_slot_by_keys(db_url, engine, staff_id):
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(app, pilot, "salon")
        await pilot.press("e")
        await settle(pilot)
        await clear_and_type(pilot, "Salon Hoa Mai")
        await pilot.press("escape")  # cancelled: nothing written
        await settle(pilot)
        assert settings(engine).name == "Salon"
        # Enter on the Monday row opens the form there.
        await select_setting(pilot, screen, "hours_0")
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SalonDialog) and dialog.focused.id == "hours-0"
        await clear_and_type(pilot, "8:30-19")
        await pilot.press("tab")
        await clear_and_type(pilot, "")  # closed on Tuesday
        for _ in range(6):  # Wednesday … Sunday, then the slot
            await pilot.press("tab")
        assert dialog.focused.id == "slot"
        await clear_and_type(pilot, "45")
        await pilot.press("tab")
        assert dialog.focused.id == "reminder-days"
        await clear_and_type(pilot, "30")
        await pilot.press("shift+tab", "shift+tab")
        await clear_and_type(pilot, "")  # closed on Sunday
        dialog.query_one("#name").focus()
        await clear_and_type(pilot, "Salon Hoa Mai")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        saved = settings(engine)
        assert (saved.name, saved.slot_minutes, saved.reminder_days) == (
            "Salon Hoa Mai", 45, 30)
        assert saved.opening_hours.split(",") == ["08:30-19:00", ""] + ["09:00-20:00"] * 4 + [
            ""]
        rows = table_rows(screen, "#salon-table")
        assert rows[0] == ["Salon name", "Salon Hoa Mai"]
        assert ["Opening hours: Monday", "08:30–19:00"] in rows
        assert ["Opening hours: Tuesday", "day off"] in rows
        assert ["Appointment slot", "45 minutes"] in rows
        assert ["Expiry reminders", "30 days before a package expires"] in rows
        assert app.settings is not None and app.settings.name == "Salon Hoa Mai"
        assert app.title == "Salon Hoa Mai"  # the desk took the settings at once


async def test_locale_and_offset_are_taken_by_the_desk(db_url, engine, staff_id):
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(app, pilot, "salon")
        await select_setting(pilot, screen, "locale")
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert dialog.focused.id == "locale"
        await pilot.press("right")  # Tiếng Việt → 中文
        await pilot.press("tab", "tab")
        assert dialog.focused.id == "utc-offset"
        await clear_and_type(pilot, "+8")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        saved = settings(engine)
        assert (saved.locale, saved.utc_offset_minutes) == ("zh_CN", 480)
        assert (app.formatter.locale, app.formatter.utc_offset_minutes) == ("zh_CN", 480)
        assert ["UTC offset", "+08:00"] in table_rows(screen, "#salon-table")


async def test_bad_input_is_answered_at_the_field(db_url, engine, staff_id):
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(app, pilot, "salon")
        before = (settings(engine), audits(engine))
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SalonDialog)

        async def refused(widget: str, value: str, field: str, message: str) -> None:
            dialog.query_one(f"#{widget}").focus()
            await clear_and_type(pilot, value)
            dialog.query_one("#name").focus()  # Enter from elsewhere: the error goes there
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen is dialog
            shown = dialog.errors()
            assert message in shown.get(field, ""), shown
            for _ in range(300):  # focused and scrolled to it after the refresh the message
                if visible(dialog) and getattr(dialog.focused, "id", None) == widget:  # (loaded)
                    break
                await pilot.pause(0.01)
            form = dialog.query_one("#salon-form", VerticalScroll)
            assert visible(dialog) and dialog.focused.id == widget, (
                form.region, form.scroll_y, form.max_scroll_y, dialog.focused.region,
                dialog.focused.virtual_region)
            dialog.query_one(f"#{widget}").focus()

        await refused("name", "", "name", "Name is required.")
        await clear_and_type(pilot, "Salon Hoa Mai")
        await refused("hours-3", "20:00-09:00", "hours_3", "must close after it opens")
        await clear_and_type(pilot, "all day")
        await refused("hours-3", "all day", "hours_3", "09:00-20:00")
        await clear_and_type(pilot, "")
        await refused("slot", "25", "slot_minutes", "The slot is one of 5, 10, 15")
        await refused("slot", "abc", "slot_minutes", "is not a whole number")
        await refused("slot", "-30", "slot_minutes", "cannot be negative")
        await clear_and_type(pilot, "30")
        await refused("reminder-days", "0", "reminder_days", "must be more than zero")
        await refused("reminder-days", "400", "reminder_days", "between 1 and 365 days")
        await refused("reminder-days", "two weeks", "reminder_days", "is not a whole number")
        await clear_and_type(pilot, "14")
        await refused("lock-minutes", "241", "lock_minutes", "0 (never) to 240 idle minutes")
        await refused("lock-minutes", "-5", "lock_minutes", "cannot be negative")
        await refused("lock-minutes", "soon", "lock_minutes", "is not a whole number")
        await clear_and_type(pilot, "0")
        await refused("utc-offset", "+15:00", "utc_offset_minutes", "between -12:00 and +14:00")
        await refused("utc-offset", "seven", "utc_offset_minutes", "+07:00")
        await clear_and_type(pilot, "+07:00")
        await refused("phone-region", "XX", "phone_region", "not a country code")
        await clear_and_type(pilot, "VN")
        await refused("phone", "12", "phone", "not a")
        await clear_and_type(pilot, "")
        await refused("currency", "ABC", "currency", "Choose a currency the desk knows")
        await clear_and_type(pilot, "VND")
        # A paste-sized slip into the footer: refused whole, said at the field.
        footer = dialog.query_one("#receipt-footer")
        footer.focus()
        footer.post_message(events.Paste("x" * 10_000))
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "too long" in dialog.errors().get("receipt_footer", "")
        assert app.screen is dialog
        assert (settings(engine), audits(engine)) == before


async def test_the_currency_is_fixed_once_money_is_recorded(db_url, engine, staff_id):
    customer = make_customer(engine, staff_id)
    give_points(engine, staff_id, customer.id, 100)
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(app, pilot, "salon")
        assert ["Currency", "VND (fixed: money is recorded in it)"] in table_rows(
            screen, "#salon-table")
        await select_setting(pilot, screen, "currency")
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, SalonDialog)
        assert dialog.query_one("#currency").disabled
        assert dialog.focused.id == "name"  # the fixed field takes no focus
