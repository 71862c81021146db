"""The receptionist's own keys: keymap.toml rebinds a key by its id; a bad file is one line
at start and the desk opens all the same."""

from __future__ import annotations

import pytest
from test_ui_helpers import SIZE, settle, start

from salontui.app import SalonApp
from salontui.keymap import KEYMAP_ENV, read_keymap
from salontui.screens.dialogs.customer_form import CustomerFormDialog
from salontui.screens.search import CustomerSearchScreen


@pytest.fixture
def keymap_file(tmp_path, monkeypatch):
    path = tmp_path / "keymap.toml"
    monkeypatch.setenv(KEYMAP_ENV, str(path))
    return path


@pytest.fixture
def app(db_url, staff_id):
    return SalonApp(db_url, staff_id=staff_id)


def warnings(app) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "warning"]


async def test_a_keymap_rebinds_a_key_by_its_id(app, keymap_file):
    keymap_file.write_text('search.new_customer = "ctrl+n"\n', encoding="utf-8")
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        assert warnings(app) == []
        await pilot.press("f3")  # the old key does nothing now
        await settle(pilot)
        assert isinstance(app.screen, CustomerSearchScreen)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert isinstance(app.screen, CustomerFormDialog)


async def test_a_bad_keymap_is_one_line_and_the_desk_opens(app, keymap_file):
    keymap_file.write_text('"no.such.key" = "f3"\n"search.new_customer" = "ctrl+"\n'
                           '"search.day_close" = "alt+d"\n', encoding="utf-8")
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        [line] = warnings(app)
        assert "\n" not in line
        assert "no.such.key" in line and "search.new_customer" in line
        assert isinstance(app.screen, CustomerSearchScreen)
        await pilot.press("f3")  # the bad entry left F3 as it was
        await settle(pilot)
        assert isinstance(app.screen, CustomerFormDialog)
    assert app._keymap == {"search.day_close": "alt+d"}  # the good entry applies


async def test_a_file_that_is_no_toml_is_one_line(app, keymap_file):
    keymap_file.write_text("search.new_customer = ctrl+n\n", encoding="utf-8")
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        [line] = warnings(app)
        assert "\n" not in line and str(keymap_file) in line
        assert isinstance(app.screen, CustomerSearchScreen)


def test_no_file_is_no_keymap(keymap_file):
    assert read_keymap() == ({}, "")


def test_keys_may_be_a_list(keymap_file):
    keymap_file.write_text('"checkout.confirm" = ["f10", "ctrl+s"]\n', encoding="utf-8")
    assert read_keymap() == ({"checkout.confirm": "f10,ctrl+s"}, "")


async def test_help_and_palette_read_the_key_from_the_binding(app, keymap_file):
    """F1 and the palette's help show the key the keymap gave, not the one typed once."""
    from textual.binding import Binding

    keymap_file.write_text('"search.new_customer" = "ctrl+n"\n', encoding="utf-8")
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        helps = {name: text for name, text, _cb in app.screen.palette_commands()}
        assert helps["New customer"] == "Add a customer (Ctrl+N)"
        assert helps["Find invoice"] == "Open an invoice by the code on its receipt (F9)"
        await pilot.press("f1")
        await settle(pilot)
        keys = {text: key for key, text, _on in app.screen.keys}
        assert keys["New customer"] == app.get_key_display(Binding("ctrl+n", "x"))


async def test_the_search_palette_is_as_it_was(app):
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        from salontui.screens.commands import commands_for

        entries = [(name, text) for name, text, _cb in commands_for(app.screen)]
        assert entries == [
            ("New customer", "Add a customer (F3)"),
            ("Show deleted customers", "Find a deleted customer to restore (F4)"),
            ("Restore customer", "Restore the selected deleted customer (F5)"),
            ("Open customer", "Open the selected customer (Enter)"),
            ("Check out a walk-in", "A checkout without a customer (F6)"),
            ("Resume held checkout", "Pick a parked checkout (F7)"),
            ("Close the day", "Takings per method, refunds, debt, sessions (F8)"),
            ("Find invoice", "Open an invoice by the code on its receipt (F9)"),
            ("Open the customer list",
             "Filter customers; member states and care over many at once (F10)"),
            ("Show the changes",
             "Who changed what, when: filter by staff, action, customer, dates (F11)"),
            ("Show the reports", "Daily business, staff and commission, appointments, "
                                 "liabilities, cost and profit (Ctrl+R)"),
            ("Open settings", "Catalogue, payment methods, card types, programmes, points, "
                              "groups, salon, staff, permissions, commission (F12)"),
            ("Switch staff member", "Who is at the desk (F2)"),
            ("Open today's board",
             "Today's visits: expected, arrived, paid, not followed up (Ctrl+T)"),
            ("Open the appointment book", "The day by staff member and time (Ctrl+O)"),
            ("Show keys", "Every key of this screen (F1)"),
            ("Quit the desk", "Close salontui (Ctrl+Q)"),
        ]


async def test_detail_and_checkout_read_their_keys_from_the_bindings(app, engine, staff_id,
                                                                     keymap_file):
    """A rebound key of the customer detail and of the checkout is the key their palette
    entries and their bars and hints name."""
    from test_ui_helpers import make_customer, open_detail, plain

    from salontui.screens.checkout import CheckoutScreen

    keymap_file.write_text('"detail.care.deleted" = "ctrl+e"\n'
                           '"checkout.customer" = "ctrl+u"\n', encoding="utf-8")
    customer = make_customer(engine, staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        assert warnings(app) == []
        detail = await open_detail(app, pilot, customer.id)
        helps = {name: text for name, text, _cb in detail.palette_commands()}
        assert helps["Show deleted care notes"] == "The deleted care notes, to restore one (Ctrl+E)"
        assert helps["Restore care note"] == "Bring back the selected deleted care note (F5)"
        detail.switch_to("care")
        await settle(pilot)
        bar = plain(detail.query_one("#care-bar"))
        assert "Ctrl+E deleted notes" in bar and "F4" not in bar
        await pilot.press("ctrl+e")
        await settle(pilot)
        bar = plain(detail.query_one("#care-bar"))
        assert "F5 restores the selected one · Ctrl+E back" in bar

        app.push_screen(CheckoutScreen())
        await settle(pilot)
        checkout = app.screen
        assert isinstance(checkout, CheckoutScreen)
        helps = {name: text for name, text, _cb in checkout.palette_commands()}
        assert helps["Change customer"] == "Or make it a walk-in (Ctrl+U)"
        assert helps["Hold checkout"] == "Park it; resume it later (F11, Alt+H)"
        assert "Ctrl+U chooses a customer" in plain(checkout.query_one("#strip"))


async def test_the_detail_and_checkout_palettes_name_the_default_keys(app, engine, staff_id):
    from test_ui_helpers import make_customer, open_detail

    from salontui.screens.checkout import CheckoutScreen

    customer = make_customer(engine, staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        detail = await open_detail(app, pilot, customer.id)
        helps = {name: text for name, text, _cb in detail.palette_commands()}
        assert helps["Extend package"] == "New expiry for the selected package (x)"
        assert helps["Edit care note"] == "Change the selected care note (Enter)"
        assert helps["Delete customer"] == "Delete this customer; restorable (Ctrl+D)"
        assert helps["Go back to the search"] == "Esc"
        app.push_screen(CheckoutScreen())
        await settle(pilot)
        helps = {name: text for name, text, _cb in app.screen.palette_commands()}
        assert helps["Confirm payment"] == "Write the invoice and show the receipt (F10)"
        assert helps["Remove line"] == "The selected line (Alt+X, Delete)"
        assert helps["Set invoice discount"] == "Off the whole invoice, amount or % (Alt+I)"
        assert helps["Pay cash"].endswith(" field (Alt+C)")
