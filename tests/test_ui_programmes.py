"""The Settings screen's promotion programmes at 80×24, driven by keys: add one (its scope,
limit per customer and code prefix), edit it, retire and restore it, and bad input
answered at its field with nothing written; the customer's give dialog says what each
programme is on."""

from __future__ import annotations

from datetime import date

from test_ui_helpers import (
    SIZE,
    make_customer,
    open_settings,
    read,
    settle,
    start,
    table_rows,
    type_text,
)
from textual import events

from salontui.app import SalonApp
from salontui.screens.settings import SettingsScreen
from salontui.screens.settings.programmes import ProgramDialog
from salontui.store.db import write_session
from salontui.widgets.inputs import RadioChoice


def programs(engine):
    from salontui.store.promotions import list_programs

    return read(engine, lambda s: list_programs(s, active_only=False))


async def fill_in(pilot, field_id: str, text: str) -> None:
    """Empty the field ``#field_id`` of the dialog shown and type ``text`` into it."""
    pilot.app.screen.query_one(f"#{field_id}").focus()
    await pilot.press("ctrl+u")
    await type_text(pilot, text)


async def test_add_edit_retire_a_programme_by_keys(db_url, engine, staff_id, fixed_now):
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(app, pilot, "programmes")
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ProgramDialog)
        await type_text(pilot, "Tết 2027")
        await fill_in(pilot, "valid-until", "28/02/2027")
        await fill_in(pilot, "percent", "20%")
        dialog.query_one("#scope", RadioChoice).focus()
        await pilot.press("right")  # all sales → services
        await fill_in(pilot, "limit", "1")
        await fill_in(pilot, "prefix", "tet-")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen), dialog.errors()
        [tet] = programs(engine)
        assert (tet.name, tet.valid_from, tet.valid_until) == (
            "Tết 2027", date(2026, 11, 23), date(2027, 2, 28))
        assert (tet.discount_percent, tet.scope, tet.per_customer_limit, tet.code_prefix) == (
            20, "services", 1, "TET-")
        [row] = table_rows(screen, "#programmes-table")
        assert row[:3] == ["Tết 2027", "20 %", "services"]
        assert row[3] == "23/11/2026–28/02/2027" and row[-2:] == ["0", ""]
        assert "1" in row and "TET-" in row  # the limit and the prefix fit at 80 columns
        # Enter on the row edits it: an amount instead of the percentage, on products.
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ProgramDialog)
        assert dialog.query_one("#prefix").value == "TET-"
        await fill_in(pilot, "percent", "")
        await fill_in(pilot, "amount", "50.000")
        dialog.query_one("#scope", RadioChoice).focus()
        await pilot.press("right")
        await fill_in(pilot, "limit", "")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen), dialog.errors()
        [tet] = programs(engine)
        assert (tet.discount_percent, tet.discount_amount, tet.scope) == (0, 50_000, "products")
        assert tet.per_customer_limit is None and tet.code_prefix == "TET-"
        assert table_rows(screen, "#programmes-table")[0][2] == "products"
        # x retires it, x again brings it back.
        await pilot.press("x")
        await settle(pilot)
        assert not programs(engine)[0].active
        assert table_rows(screen, "#programmes-table")[0][-1] == "retired"
        await pilot.press("x")
        await settle(pilot)
        assert programs(engine)[0].active


async def test_bad_input_is_answered_at_the_field(db_url, engine, staff_id, fixed_now):
    from salontui.store.promotions import create_program

    with write_session(engine) as s:
        create_program(s, staff_id=staff_id, name="Voucher", discount_amount=50_000)
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(app, pilot, "programmes")
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ProgramDialog)

        async def refused(field: str) -> str:
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen is dialog
            errors = dialog.errors()
            assert field in errors, errors
            return errors[field]

        assert await refused("name") == "Name is required."
        await type_text(pilot, "Tết")
        await fill_in(pilot, "valid-from", "01/12/2026")
        await fill_in(pilot, "valid-until", "30/11/2026")
        assert "before the start" in await refused("valid_until")
        await fill_in(pilot, "valid-until", "31/12/2026")
        await fill_in(pilot, "percent", "150")
        assert "between 0 and 100" in await refused("discount_percent")
        await fill_in(pilot, "percent", "-5")
        assert "negative" in await refused("discount_percent")
        await fill_in(pilot, "percent", "ten")
        assert "not a whole number" in await refused("discount_percent")
        await fill_in(pilot, "percent", "10")
        await fill_in(pilot, "amount", "20.000")
        assert "not both" in await refused("discount_amount")
        await fill_in(pilot, "percent", "")
        await fill_in(pilot, "amount", "-20.000")
        assert "negative" in await refused("discount_amount")
        await fill_in(pilot, "amount", "abc")
        assert "not an amount" in await refused("discount_amount")
        await fill_in(pilot, "amount", "")
        await fill_in(pilot, "limit", "0")
        assert "1 to 1000" in await refused("per_customer_limit")
        await fill_in(pilot, "limit", "1001")
        assert "1 to 1000" in await refused("per_customer_limit")
        await fill_in(pilot, "limit", "")
        await fill_in(pilot, "prefix", "TẾT")
        assert "letters, digits or -" in await refused("code_prefix")
        await fill_in(pilot, "prefix", "km-")
        assert "cannot start with KM" in await refused("code_prefix")
        await fill_in(pilot, "prefix", "")
        box = dialog.query_one("#name")
        box.focus()
        await pilot.press("ctrl+u")
        box.post_message(events.Paste("x" * 10_000))  # a paste-sized slip: refused whole
        await settle(pilot)
        assert "too long" in await refused("name")
        assert [p.name for p in programs(engine)] == ["Voucher"]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        assert [p.name for p in programs(engine)] == ["Voucher"]


async def test_the_give_dialog_says_what_a_programme_is_on(db_url, engine, staff_id):
    from salontui.screens.dialogs.give_promotion import GivePromotionDialog
    from salontui.store.promotions import create_program

    customer = make_customer(engine, staff_id)
    with write_session(engine) as s:
        create_program(s, staff_id=staff_id, name="Tết", discount_percent=20,
                       scope="services", code_prefix="TET-")
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        app.screen.open_customer(customer.id)
        await settle(pilot, rounds=3)
        await pilot.press("9", "g")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, GivePromotionDialog)
        option = dialog.query_one("#programs").get_option_at_index(0)
        assert "Tết · 20% off services" in str(option.prompt)
        await pilot.press("enter")
        await settle(pilot)
        rows = table_rows(app.screen, "#promotions-table")
        assert rows[0][0].startswith("TET-KM")
        assert "20% off services" in rows[0][1]
