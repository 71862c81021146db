"""The points scheme section of Settings at 80×24, by keys: the scheme as rows, the form
(e) saving every field, bad input answered at its field with nothing written, a scheme
where nothing earns said in the status line, and E expiring old points after a
confirmation."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import text
from test_ui_helpers import (
    SIZE,
    give_points,
    make_customer,
    open_settings,
    plain,
    read,
    settle,
    table_rows,
    type_text,
)
from textual import events

from salontui.app import SalonApp
from salontui.screens.dialogs.confirm import ConfirmDialog
from salontui.screens.settings import SettingsScreen
from salontui.screens.settings.points import PointsDialog
from salontui.store import clock
from salontui.store.db import write_session


def scheme(engine):
    from salontui.store.admin.points_scheme import get_points_scheme

    return read(engine, lambda s: get_points_scheme(s))


def set_scheme(engine, staff_id, **changes):
    from salontui.store.admin.points_scheme import update_points_scheme

    now = scheme(engine)
    fields = {"points_per_amount": now.points_per_amount, "point_value": now.point_value,
              "services": now.services, "products": now.products, "packages": now.packages,
              "topups": now.topups, "rounding": now.rounding,
              "expiry_days": now.expiry_days} | changes
    with write_session(engine) as s:
        update_points_scheme(s, staff_id=staff_id, **fields)


def bar(screen) -> str:
    return plain(screen.current.query_one("#points-bar"))


def rows(screen) -> dict[str, str]:
    return dict((row[0], row[1]) for row in table_rows(screen, "#points-table"))


async def field(pilot, key: str) -> None:
    """Focus the form's field ``key`` (as Tab would)."""
    pilot.app.screen.field(key).control.focus()
    await pilot.pause()


async def test_the_scheme_is_shown_and_edited_in_the_form(db_url, engine, staff_id):
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(app, pilot, "points")
        shown = rows(screen)
        assert shown["One point per"].startswith("10.000") and "paid with money" in \
            shown["One point per"]
        assert shown["Top-ups"] == "earn nothing"
        assert shown["Points expire"] == "never"
        assert "edits the points scheme" in bar(screen)
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, PointsDialog)
        await pilot.press("ctrl+u")
        await type_text(pilot, "20000")
        await field(pilot, "point_value")
        await pilot.press("ctrl+u")
        await type_text(pilot, "200")
        await field(pilot, "products")
        await pilot.press("right")  # do not earn
        await field(pilot, "topups")
        await pilot.press("right")  # earn
        await field(pilot, "rounding")
        await pilot.press("right")  # to the nearest point
        await field(pilot, "expiry_days")
        await type_text(pilot, "365")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen), dialog.errors()
        saved = scheme(engine)
        assert (saved.points_per_amount, saved.point_value, saved.products, saved.topups,
                saved.rounding, saved.expiry_days) == (20_000, 200, False, True, "nearest", 365)
        assert app.settings.point_value == 200  # the checkout's points take the new value
        shown = rows(screen)
        assert shown["Products"] == "earn nothing"
        assert shown["Rounding"] == "to the nearest point"
        assert shown["Points expire"] == "after 365 days"
        # Enter on a row opens the form at that row's field.
        await pilot.press("end", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PointsDialog)
        assert app.screen.focused is app.screen.field("expiry_days").control
        await pilot.press("escape")
        await settle(pilot)


async def test_bad_input_is_answered_at_the_field(db_url, engine, staff_id):
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(app, pilot, "points")
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, PointsDialog)

        async def answer(key: str, typed: str) -> str:
            await field(pilot, key)
            await pilot.press("ctrl+u")
            await type_text(pilot, typed)
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen is dialog
            message = dialog.errors().get(key, "")
            await pilot.press("ctrl+u")
            await type_text(pilot, {"points_per_amount": "10000", "point_value": "100",
                                    "expiry_days": ""}[key])
            return message

        assert "Enter an amount" in await answer("points_per_amount", "")
        assert "more than zero" in await answer("points_per_amount", "0")
        assert "negative" in await answer("points_per_amount", "-10000")
        assert "no decimals" in await answer("points_per_amount", "0,5")
        assert "not an amount" in await answer("points_per_amount", "mười nghìn")
        assert "too large" in await answer("points_per_amount", "100000001")
        assert "more than zero" in await answer("point_value", "0")
        assert "more than the amount spent" in await answer("point_value", "20000")
        assert "at least 1 day" in await answer("expiry_days", "0")
        assert "at most 3650" in await answer("expiry_days", "5000")
        assert "negative" in await answer("expiry_days", "-30")
        assert "not a whole number" in await answer("expiry_days", "một năm")
        await field(pilot, "points_per_amount")
        dialog.field("points_per_amount").control.post_message(events.Paste("9" * 10_000))
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog and dialog.errors().get("points_per_amount")
        await pilot.press("escape")
        await settle(pilot)
        assert scheme(engine).points_per_amount == 10_000
        audits = read(engine, lambda s: s.execute(text(
            "SELECT count(*) FROM audit_log WHERE action = 'update_points_scheme'")).scalar())
        assert audits == 0


async def test_a_scheme_where_nothing_earns_says_so(db_url, engine, staff_id):
    set_scheme(engine, staff_id, services=False, products=False, packages=False)
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(app, pilot, "points")
        assert "no sale earns a point" in bar(screen)
        assert not screen.check_action("expire", ())  # points never expire: E is off


async def test_e_expires_the_old_points_after_a_confirmation(db_url, engine, staff_id,
                                                              fixed_now):
    customer = make_customer(engine, staff_id)
    with clock.pinned(datetime(2026, 6, 1, 3)):
        give_points(engine, staff_id, customer.id, 500)
    with clock.pinned(datetime(2026, 11, 20, 3)):
        give_points(engine, staff_id, customer.id, 80)
    set_scheme(engine, staff_id, expiry_days=90)
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(app, pilot, "points")
        assert "E expires points now" in bar(screen)
        await pilot.press("E")
        await settle(pilot)
        confirm = app.screen
        assert isinstance(confirm, ConfirmDialog)
        assert "before 26/08/2026" in confirm.question and "500 in all" in confirm.question
        await pilot.press("escape")  # kept: nothing written
        await settle(pilot)
        from salontui.store.ledger import points_balance

        assert read(engine, lambda s: points_balance(s, customer_id=customer.id)) == 580
        await pilot.press("E")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert read(engine, lambda s: points_balance(s, customer_id=customer.id)) == 80
        assert "expired (500 in all)" in bar(screen)
        await pilot.press("E")  # again today: nothing left
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        assert "nothing to expire" in bar(screen)
