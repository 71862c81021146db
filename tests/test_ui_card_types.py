"""Card types at the desk, by keys at 80×24: the Settings section (add, edit, retire, bad
input answered at the field with nothing written, a type's history with h) and the
checkout's top-up picking a type from a list (its bonus as the credit, a note kept)."""

from __future__ import annotations

from sqlalchemy import text
from test_ui_helpers import (
    SIZE,
    make_customer,
    make_service,
    open_settings,
    paste,
    plain,
    read,
    settle,
    start,
    table_rows,
    top_up,
    type_text,
)

from salontui.app import SalonApp
from salontui.screens.checkout import CheckoutScreen
from salontui.screens.checkout.dialogs import PickerDialog, TopUpDialog
from salontui.screens.settings import SettingsScreen
from salontui.screens.settings.card_type_history import CardTypeHistoryDialog
from salontui.screens.settings.card_types import CardTypeDialog
from salontui.store.db import write_session


async def keys(pilot, *pressed: str) -> None:
    await pilot.press(*pressed)
    await settle(pilot)


def card_types(engine):
    from salontui.store.admin.card_types import list_card_types

    return read(engine, lambda s: list_card_types(s))


def make_type(engine, staff_id, name, **kw):
    from salontui.store.admin.card_types import create_card_type

    with write_session(engine) as s:
        return create_card_type(s, staff_id=staff_id, name=name, **kw)


async def test_card_types_add_edit_retire_by_keys(db_url, engine, staff_id):
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(app, pilot, "card-types")
        assert "No card types yet: a adds one" in plain(screen.query_one("#card-types-bar"))
        await keys(pilot, "a")
        assert isinstance(app.screen, CardTypeDialog)
        await type_text(pilot, "Thẻ tóc")
        await pilot.press("tab")
        await type_text(pilot, "10.000.000")
        await pilot.press("tab")
        await type_text(pilot, "11000000")
        await keys(pilot, "enter")
        assert isinstance(app.screen, SettingsScreen)
        [hair] = card_types(engine)
        assert (hair.name, hair.bonus_pay, hair.bonus_get, hair.discounts_apply, hair.active) \
            == ("Thẻ tóc", 10_000_000, 11_000_000, True, True)
        row = table_rows(screen, "#card-types-table")[0]
        assert row[:3] == ["Thẻ tóc", "pay 10.000.000 ₫ get 11.000.000 ₫", "apply"]
        assert row[3] == "0"
        assert screen.query_one("#card-types-table").cut_texts() == []
        # Enter on the row edits it: a new name, no bonus, discounts do not apply.
        await keys(pilot, "enter")
        dialog = app.screen
        assert isinstance(dialog, CardTypeDialog)
        assert dialog.query_one("#bonus-pay").value == "10000000"
        await pilot.press("ctrl+u")
        await type_text(pilot, "Tóc VIP")
        await pilot.press("tab", "ctrl+u", "tab", "ctrl+u", "tab", "d")
        await keys(pilot, "enter")
        [hair] = card_types(engine)
        assert (hair.name, hair.bonus_pay, hair.discounts_apply) == ("Tóc VIP", None, False)
        assert table_rows(screen, "#card-types-table")[0][1:3] == ["", "do not apply"]
        # x retires it, x again brings it back.
        await keys(pilot, "x")
        assert not card_types(engine)[0].active
        assert "retired" in table_rows(screen, "#card-types-table")[0][4]
        await keys(pilot, "x")
        assert card_types(engine)[0].active


async def test_card_types_bad_input_is_answered_at_the_field(db_url, engine, staff_id):
    make_type(engine, staff_id, "Thẻ tóc")
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(app, pilot, "card-types")
        await keys(pilot, "a")
        dialog = app.screen
        assert isinstance(dialog, CardTypeDialog)
        await keys(pilot, "enter")  # empty name
        assert dialog.errors() == {"name": "Name is required."}
        await type_text(pilot, "the toc")  # the same name, folded
        await keys(pilot, "enter")
        assert "already a card type" in dialog.errors()["name"]
        await pilot.press("ctrl+u")
        await type_text(pilot, "general")
        await keys(pilot, "enter")
        assert "general card" in dialog.errors()["name"]
        await pilot.press("ctrl+u")
        await paste(pilot, "x" * 10_000)  # a paste-sized typo: refused, not cut
        assert "too long" in dialog.errors()["name"]
        await type_text(pilot, "Thẻ spa")
        await pilot.press("tab")
        await type_text(pilot, "-5")
        await keys(pilot, "enter")
        assert "negative" in dialog.errors()["bonus_pay"]
        await pilot.press("ctrl+u")
        await type_text(pilot, "abc")
        await keys(pilot, "enter")
        assert "not an amount" in dialog.errors()["bonus_pay"]
        await pilot.press("ctrl+u")
        await type_text(pilot, "1000000")
        await keys(pilot, "enter")  # pay without get
        assert "both amounts" in dialog.errors()["bonus_get"]
        await type_text(pilot, "900000")
        await keys(pilot, "enter")
        assert "less than the amount paid" in dialog.errors()["bonus_get"]
        await pilot.press("ctrl+u")
        await type_text(pilot, "20000000")
        await keys(pilot, "enter")
        assert "10 times" in dialog.errors()["bonus_get"]
        await pilot.press("ctrl+u")
        await paste(pilot, "9" * 10_000)
        assert "too long" in dialog.errors()["bonus_get"]
        await keys(pilot, "enter")
        assert app.screen is dialog
        assert [t.name for t in card_types(engine)] == ["Thẻ tóc"]
        await keys(pilot, "escape")
        assert isinstance(app.screen, SettingsScreen)
    assert [t.name for t in card_types(engine)] == ["Thẻ tóc"]


async def test_h_shows_a_card_types_history_paged(db_url, engine, staff_id, monkeypatch):
    """h (and the palette) opens the type's history: every customer's entries, newest
    first, with the type's balance; [ and ] turn pages."""
    import salontui.screens.settings.card_type_history as history
    from salontui.store.ledger import adjust_card

    monkeypatch.setattr(history, "PAGE", 2)
    hair = make_type(engine, staff_id, "Thẻ tóc")
    make_type(engine, staff_id, "Thẻ spa")
    lan = make_customer(engine, staff_id, name="Lê Thị Lan", phone="0905 000 111").id
    binh = make_customer(engine, staff_id, name="Trần Văn Bình", phone="0905 000 222").id
    with write_session(engine) as s:
        from salontui.store.sales.card_topups import topup_card

        for cid in (lan, binh):
            topup_card(s, customer_id=cid, card_name=None, card_type_id=hair.id,
                       staff_id=staff_id)
    top_up(engine, staff_id, lan, 300_000, card="Thẻ tóc")
    top_up(engine, staff_id, binh, 500_000, card="Thẻ tóc")
    with write_session(engine) as s:
        adjust_card(s, staff_id=staff_id, customer_id=lan, card_name="Thẻ tóc",
                    amount=-100_000, reason="Correction")
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(app, pilot, "card-types")
        names = [name for name, _help, _run in screen.palette_commands()]
        assert "Show card type history" in names
        assert table_rows(screen, "#card-types-table")[1][0] == "Thẻ tóc"
        assert table_rows(screen, "#card-types-table")[1][3] == "2"
        await keys(pilot, "down", "h")
        dialog = app.screen
        assert isinstance(dialog, CardTypeHistoryDialog)
        rows = table_rows(dialog, "#type-entries")
        assert [r[1] for r in rows] == ["Lê Thị Lan", "Trần Văn Bình"]
        assert rows[0][2] == "Adjustment: Correction"
        assert [r[3:5] for r in rows] == [["-100.000 ₫", "700.000 ₫"],
                                          ["+500.000 ₫", "800.000 ₫"]]
        from salontui.widgets.tables import DeskTable

        assert dialog.query_one("#type-entries", DeskTable).cut_texts() == []  # at 80×24
        head = plain(dialog.query_one("#type-head"))
        assert "hold 700.000 ₫" in head and "] next page" in head
        await keys(pilot, "right_square_bracket")
        rows = table_rows(dialog, "#type-entries")
        assert [(r[1], r[4]) for r in rows] == [("Lê Thị Lan", "300.000 ₫")]
        await keys(pilot, "left_square_bracket")
        assert len(table_rows(dialog, "#type-entries")) == 2
        await keys(pilot, "escape")
        assert app.screen is screen
        # The palette's entry opens it too, on the row under the cursor.
        run = next(r for name, _help, r in screen.palette_commands()
                   if name == "Show card type history")
        run()
        await settle(pilot)
        assert isinstance(app.screen, CardTypeHistoryDialog)
        assert "No top-up or payment" not in plain(app.screen.query_one("#type-head"))


# --------------------------------------------------------------------- the checkout


async def test_the_checkout_top_up_picks_a_type_and_keeps_a_note(db_url, engine, staff_id):
    hair = make_type(engine, staff_id, "Thẻ tóc", bonus_pay=10_000_000, bonus_get=11_000_000)
    old = make_type(engine, staff_id, "Thẻ cũ")
    from salontui.store.admin.card_types import set_card_type_active

    with write_session(engine) as s:
        set_card_type_active(s, staff_id=staff_id, card_type_id=old.id, active=False)
    cid = make_customer(engine, staff_id).id
    top_up(engine, staff_id, cid, 200_000, card="Nails")  # a named card from before types
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        app.push_screen(CheckoutScreen(cid))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CheckoutScreen)
        await keys(pilot, "alt+u")
        picker = app.screen
        assert isinstance(picker, PickerDialog)
        texts = [c.text.replace("\xa0", " ") for c in picker.choices]
        assert texts[0].startswith("General") and texts[2].startswith("Nails")
        assert texts[1].startswith("Thẻ tóc") and "pay 10.000.000 ₫ get 11.000.000 ₫" in texts[1]
        assert not any("Thẻ cũ" in t for t in texts)  # retired: not offered
        await keys(pilot, "down", "enter")
        dialog = app.screen
        assert isinstance(dialog, TopUpDialog)
        assert "Thẻ tóc" in dialog.title_text
        await type_text(pilot, "20000000")
        await settle(pilot)
        assert dialog.query_one("#credit").placeholder.replace("\xa0", " ") == "22.000.000 ₫"
        await pilot.press("tab", "tab")
        await type_text(pilot, "Khuyến mãi Tết")
        await keys(pilot, "enter")
        assert app.screen is screen
        [line] = screen.cart.lines
        assert (line.card_type_id, line.unit_price, line.credit, line.note) == (
            hair.id, 20_000_000, 22_000_000, "Khuyến mãi Tết")
        assert "Thẻ tóc" in table_rows(screen, "#lines")[0][1]
        await keys(pilot, "alt+c", "f9", "f10")
        assert screen.result is not None
    card = read(engine, lambda s: s.execute(text(
        "SELECT c.card_type_id, c.name, e.amount, e.reason FROM value_card c JOIN "
        "ledger_entry e ON e.card_id = c.id WHERE e.kind = 'topup'")).one())
    assert tuple(card) == (hair.id, "Thẻ tóc", 22_000_000, "Khuyến mãi Tết")


async def test_a_card_without_discounts_is_refused_at_the_value_field(db_url, engine,
                                                                     staff_id):
    spa = make_type(engine, staff_id, "Thẻ spa", discounts_apply=False)
    cid = make_customer(engine, staff_id).id
    make_service(engine, staff_id, price=1_000_000)
    with write_session(engine) as s:
        from salontui.store.sales.card_topups import topup_card

        topup_card(s, customer_id=cid, card_name=None, card_type_id=spa.id, staff_id=staff_id)
    top_up(engine, staff_id, cid, 2_000_000, card="Thẻ spa")
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        app.push_screen(CheckoutScreen(cid))
        await settle(pilot)
        screen = app.screen
        await type_text(pilot, "Cắt tóc")
        await keys(pilot, "enter")
        assert len(screen.cart.lines) == 1
        await keys(pilot, "alt+v", "f9")
        assert not screen.errors().get("value")  # no discount: the card pays it all
        await keys(pilot, "f7")
        await type_text(pilot, "10%")
        await keys(pilot, "enter")
        assert screen.quote.total == 900_000
        await keys(pilot, "alt+v", "ctrl+u")
        await type_text(pilot, "900000")
        await settle(pilot)
        assert "does not pay for a sale with a discount" in screen.errors()["value"]
        await keys(pilot, "f10")
        assert screen.result is None
        assert "does not pay for a sale with a discount" in screen.errors()["value"]
    assert read(engine, lambda s: s.execute(text("SELECT count(*) FROM invoice")).scalar()) == 0
