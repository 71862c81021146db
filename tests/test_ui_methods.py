"""The payment methods at the desk, at 80×24: the Settings section by keys (add, edit, move,
retire, bad input answered at the field), and a method the salon added or renamed at the
checkout (its field and key, F1, the palette), on the receipt and in the day close."""

from __future__ import annotations

from test_ui_helpers import SIZE, plain, read, settle, start, table_rows, type_text
from test_ui_settings import open_settings
from textual import events

from salontui.app import SalonApp
from salontui.screens.checkout import CheckoutScreen
from salontui.screens.day_close import DayCloseScreen
from salontui.screens.settings import SettingsScreen
from salontui.screens.settings.methods import MethodDialog
from salontui.store.db import write_session
from salontui.widgets.checkout_payments import PaymentPanel

BUILT_IN = ["cash", "card", "transfer", "ewallet", "value", "points", "account", "free",
            "voucher"]


def methods(engine):
    from salontui.store.admin.methods import list_methods

    return read(engine, lambda s: list_methods(s))


def codes(engine) -> list[str]:
    return [m.code for m in methods(engine)]


def method(engine, code: str):
    return next(m for m in methods(engine) if m.code == code)


async def keys(pilot, *pressed: str) -> None:
    await pilot.press(*pressed)
    await settle(pilot)


async def test_methods_add_edit_move_retire_by_keys(db_url, engine, staff_id):
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(app, pilot, "methods")
        rows = table_rows(screen, "#methods-table")
        assert [r[:4] for r in rows[:2]] == [["1", "Alt+C", "Cash", "Cash"],
                                             ["2", "Alt+K", "Bank card", "Card-like"]]
        assert rows[4][2:4] == ["Stored value", "Stored value"] and len(rows) == 9
        assert rows[8][1:4] == ["", "Voucher", "Voucher"]  # no Alt key: the salon gives one
        assert "9 payment methods" in plain(screen.query_one("#methods-bar"))
        await keys(pilot, "a")
        dialog = app.screen
        assert isinstance(dialog, MethodDialog)
        await type_text(pilot, "WeChat")
        await pilot.press("tab")
        await type_text(pilot, "g")
        await keys(pilot, "enter")
        assert isinstance(app.screen, SettingsScreen)
        wechat = method(engine, "wechat")
        assert (wechat.name, wechat.kind, wechat.hotkey, wechat.position) == (
            "WeChat", "card", "g", 10)
        assert table_rows(screen, "#methods-table")[9][:4] == ["10", "Alt+G", "WeChat",
                                                             "Card-like"]
        assert [m.code for m in app.methods][-1] == "wechat"  # the next checkout has it
        # Enter edits the row under the cursor (the one just added).
        await keys(pilot, "enter")
        assert isinstance(app.screen, MethodDialog)
        await pilot.press("ctrl+u")
        await type_text(pilot, "WeChat Pay")
        await keys(pilot, "enter")
        assert method(engine, "wechat").name == "WeChat Pay"
        # [ moves it up the list (and the cursor with it), ] back down.
        await keys(pilot, "left_square_bracket")
        assert codes(engine)[-2:] == ["wechat", "voucher"]
        assert table_rows(screen, "#methods-table")[8][2] == "WeChat Pay"
        await keys(pilot, "left_square_bracket")
        assert codes(engine)[7] == "wechat"
        await keys(pilot, "right_square_bracket")
        assert codes(engine)[-2:] == ["wechat", "voucher"]
        # x retires it (its key is freed), x again brings it back without one.
        await keys(pilot, "x")
        gone = method(engine, "wechat")
        assert (gone.active, gone.hotkey) == (False, None)
        assert "retired" in table_rows(screen, "#methods-table")[8][4]
        assert "wechat" not in [m.code for m in app.methods if m.active]
        await keys(pilot, "x")
        assert method(engine, "wechat").active


async def test_methods_palette_names_the_moves(db_url, engine, staff_id):
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(app, pilot, "methods")
        helps = {name: text for name, text, _cb in screen.palette_commands()}
        assert helps["Move payment method up"] == \
            "Earlier in the checkout's payment panel ([, Ctrl+Up)"
        assert helps["Move payment method down"] == \
            "Later in the checkout's payment panel (], Ctrl+Down)"
        assert "Add payment method" in helps and "Retire or restore payment method" in helps
        await keys(pilot, "down", "down")
        [(_name, _help, move_down)] = [e for e in screen.palette_commands()
                                       if e[0] == "Move payment method down"]
        move_down()
        await settle(pilot)
        assert codes(engine)[2:4] == ["ewallet", "transfer"]


async def test_methods_bad_input_is_answered_at_the_field(db_url, engine, staff_id):
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(app, pilot, "methods")
        await keys(pilot, "a")
        dialog = app.screen
        await keys(pilot, "enter")  # empty name
        assert dialog.errors() == {"name": "Name is required."}
        await type_text(pilot, "bank card")  # another's name, folded
        await keys(pilot, "enter")
        assert "already a payment method called 'Bank card'" in dialog.errors()["name"]
        name = dialog.query_one("#name")
        name.post_message(events.Paste("x" * 10_000))  # refused at the field, not cut
        await settle(pilot)
        await keys(pilot, "enter")
        assert "60 characters at most" in dialog.errors()["name"]
        name.focus()
        await pilot.press("ctrl+u")
        await type_text(pilot, "WeChat")
        await pilot.press("tab")
        for letter, message in (("h", "the checkout's key for Hold checkout"),
                                ("c", "already the key of 'Cash'"),
                                ("1", "one letter, a to z"),
                                ("f", "does not reach the desk")):
            await pilot.press("ctrl+u")
            await type_text(pilot, letter)
            await keys(pilot, "enter")
            assert message in dialog.errors()["hotkey"], letter
        await pilot.press("ctrl+u")
        await type_text(pilot, "g")
        await pilot.press("tab", "tab")  # past the kind, to the code
        await type_text(pilot, "9x")
        await keys(pilot, "enter")
        assert "beginning with a letter" in dialog.errors()["code"]
        assert codes(engine) == BUILT_IN  # nothing written
        await keys(pilot, "escape")
        assert isinstance(app.screen, SettingsScreen)
        # The last cash method stays: said on the section's line.
        await keys(pilot, "x")
        assert "last cash method" in plain(app.screen.query_one("#methods-bar"))
        assert method(engine, "cash").active


async def test_a_stored_value_method_keeps_its_kind_in_the_dialog(db_url, engine, staff_id):
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(app, pilot, "methods")
        await keys(pilot, *["down"] * 4, "e")
        dialog = app.screen
        assert isinstance(dialog, MethodDialog)
        assert "Stored value (fixed: the salon's own books)" in plain(dialog.query_one("#kind"))
        await pilot.press("ctrl+u")
        await type_text(pilot, "Thẻ trả trước")
        await keys(pilot, "enter")
        assert (method(engine, "value").name, method(engine, "value").kind) == (
            "Thẻ trả trước", "value")


def add_wechat_and_rename_ewallet(engine, staff_id):
    from salontui.store.admin.methods import create_method, list_methods, update_method

    with write_session(engine) as s:
        create_method(s, staff_id=staff_id, name="WeChat", kind="card", hotkey="g")
        ewallet = next(m for m in list_methods(s) if m.code == "ewallet")
        update_method(s, staff_id=staff_id, method_id=ewallet.id, name="MoMo", hotkey="m")


async def test_a_new_and_a_renamed_method_at_the_checkout_receipt_and_day_close(
        db_url, engine, staff_id, fixed_now, monkeypatch, tmp_path):
    from salontui.screens.dialogs.help import screen_keys
    from salontui.store.cart import Cart, CartLine, CartPayment
    from salontui.store.catalog import create_item
    from salontui.store.checkout import checkout

    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(tmp_path / "docs"))
    with write_session(engine) as s:
        cut = create_item(s, staff_id=staff_id, name="Cắt tóc nữ", kind="service",
                          price=150_000, code="DV01")
        old = checkout(s, staff_id=staff_id, idempotency_key="old", cart=Cart(
            lines=[CartLine(kind="service", item_id=cut.id)],
            payments=[CartPayment("ewallet", 150_000)]))
    add_wechat_and_rename_ewallet(engine, staff_id)
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        app.push_screen(CheckoutScreen())
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CheckoutScreen)
        panel = screen.query_one(PaymentPanel)
        labels = [f.label_text for f in panel.fields()]
        assert labels == ["Alt+C Cash", "Alt+K Bank card", "Alt+T Transfer", "Alt+M MoMo",
                          "Alt+V Card value", "Alt+P Points", "Alt+A On account",
                          "Alt+W Waived", "Voucher", "Alt+G WeChat"]
        shown = {key: does for key, does, _on in screen_keys(screen)}
        assert shown["alt+g"] == "Pay by WeChat" and shown["alt+m"] == "Pay by MoMo"
        order = list(shown)  # the salon's keys where the built-in ones were, in its order
        assert order.index("esc") < order.index("alt+c") < order.index("alt+g") < \
            order.index("alt+n")
        assert "alt+e" not in shown  # the e-wallet's old key is gone with its name
        helps = {name: text for name, text, _cb in screen.palette_commands()}
        assert helps["Pay by WeChat"] == "WeChat field (Alt+G)"
        assert helps["Pay cash"] == "Cash field (Alt+C)"  # the built-in ones as before
        await type_text(pilot, "DV01")
        await keys(pilot, "enter", "alt+g")
        assert app.focused is screen.query_one("#pay-wechat")
        await keys(pilot, "c")  # a letter in the panel jumps, as Alt+letter does
        assert app.focused is screen.query_one("#pay-cash")
        await keys(pilot, "g", "f9")
        assert screen.amounts["wechat"] == 150_000
        assert "PAID IN FULL" in plain(screen.query_one("#due"))
        await keys(pilot, "f10")
        receipt = plain(screen.query_one("#receipt"))
        assert "WeChat" in receipt
        from salontui.store.invoices import get_invoice

        paid = read(engine, lambda s: get_invoice(s, invoice_id=screen.result.invoice_id))
        assert [(p.method, p.amount) for p in paid.payments] == [("wechat", 150_000)]
        await keys(pilot, "escape")
        app.push_screen(DayCloseScreen(fixed_now.date()))
        await settle(pilot)
        close = app.screen
        rows = {r[0]: r for r in table_rows(close, "#methods")}
        assert rows["MoMo"][1] == "150.000 ₫" and rows["WeChat"][1] == "150.000 ₫"
        assert "E-wallet" not in rows
        kinds = table_rows(close, "#kinds")
        assert kinds == [["Card-like", "300.000 ₫", "", "300.000 ₫"]]
        from salontui.screens.day_close import day_close_text

        printed = day_close_text(close.close, app.formatter)
        assert "  WeChat" in printed and "  MoMo" in printed
        assert "PER KIND (NET)\n  Card-like" in printed
        # The old invoice, paid by e-wallet before the rename, reads MoMo.
        old_invoice = read(engine, lambda s: get_invoice(s, invoice_id=old.invoice_id))
        assert [(p.method, p.label) for p in old_invoice.payments] == [("ewallet", "MoMo")]


async def test_the_default_methods_keep_the_checkout_as_it_was(db_url, engine, staff_id):
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        assert [m.code for m in app.methods] == BUILT_IN
        app.push_screen(CheckoutScreen())
        await settle(pilot)
        screen = app.screen
        labels = [f.label_text for f in screen.query_one(PaymentPanel).fields()]
        assert labels == ["Alt+C Cash", "Alt+K Bank card", "Alt+T Transfer",
                          "Alt+E E-wallet", "Alt+V Card value", "Alt+P Points",
                          "Alt+A On account", "Alt+W Waived", "Voucher"]
        # The voucher has no key of its own (migration 0008): b is still the bank card.
        assert type(screen).BINDINGS and screen.pay_letters == {
            "c": "cash", "k": "card", "t": "transfer", "e": "ewallet", "v": "value",
            "p": "points", "a": "account", "w": "free", "b": "card", "f": "free"}


async def test_a_method_retired_at_another_desk_leaves_the_next_checkout(
        db_url, engine, staff_id):
    from salontui.store.admin.methods import set_method_active

    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        with write_session(engine) as s:  # another desk
            set_method_active(s, staff_id=staff_id, method_id=method(engine, "transfer").id,
                              active=False)
        app.post_message(__import__("salontui.app", fromlist=["DatabaseChanged"])
                         .DatabaseChanged())
        await settle(pilot)
        assert "transfer" not in [m.code for m in app.methods if m.active]
        app.push_screen(CheckoutScreen())
        await settle(pilot)
        panel = app.screen.query_one(PaymentPanel)
        assert not panel.has("transfer") and len(panel.fields()) == 8
        await keys(pilot, "alt+t")  # its key does nothing now
        assert app.focused is app.screen.query_one("#add")
