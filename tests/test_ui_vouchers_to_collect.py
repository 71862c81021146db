"""Vouchers and products to collect at the desk, by keys at 80×24: the Vouchers tab (its
running balance, a adjusts with a reason, bad input answered at the field, a 10,000-character
paste refused), the header's voucher balance, a sale paid part with vouchers (Tab in the
payment panel, F9 fills what they hold); the To collect tab (h hands over some, the
quantity starting at all that is left, bad input at the field; H the history), the
header's and the checkout's "products to collect"."""

from __future__ import annotations

from sqlalchemy import text
from test_ui_helpers import (
    SIZE,
    count_rows,
    make_customer,
    make_service,
    paste,
    plain,
    read,
    settle,
    start,
    table_rows,
    type_text,
)

from salontui.app import SalonApp
from salontui.screens.checkout import CheckoutScreen
from salontui.screens.detail.screen import CustomerDetailScreen
from salontui.screens.dialogs.adjust_vouchers import AdjustVouchersDialog
from salontui.screens.dialogs.hand_over import HandOverDialog
from salontui.store.db import write_session


async def press(pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


async def open_customer(app, pilot, customer_id) -> CustomerDetailScreen:
    await start(app, pilot)
    app.screen.open_customer(customer_id)
    await settle(pilot)
    assert isinstance(app.screen, CustomerDetailScreen)
    return app.screen


def card_text(screen) -> str:
    return plain(screen.query_one("#card"))


def tab_title(screen, tab_id: str) -> str:
    from textual.widgets import TabbedContent

    return str(screen.query_one(TabbedContent).get_tab(tab_id).label)


async def test_vouchers_adjusted_on_their_tab_and_paid_at_the_checkout(
        db_url, engine, staff_id, fixed_now):
    member = make_customer(engine, staff_id)
    make_service(engine, staff_id, price=150_000)
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_customer(app, pilot, member.id)
        assert "Vouchers" not in card_text(screen)  # none: not said
        await press(pilot, "6")
        assert screen.active == "vouchers" and tab_title(screen, "vouchers") == "6 Vouchers"
        assert "Vouchers now: 0 ₫" in plain(screen.query_one("#vouchers-bar"))
        await press(pilot, "a")
        dialog = app.screen
        assert isinstance(dialog, AdjustVouchersDialog)
        before = count_rows(engine)
        for typed, said in (("", "amount"), ("mười nghìn", "amount"), ("0", "amount"),
                            ("-50000", "amount")):
            dialog.query_one("#amount").focus()
            await pilot.press("ctrl+u")
            await type_text(pilot, typed)
            await press(pilot, "enter")
            assert app.screen is dialog and said in dialog.errors(), (typed, dialog.errors())
        dialog.query_one("#amount").focus()
        await pilot.press("ctrl+u")
        await type_text(pilot, "200000")
        await press(pilot, "enter")  # no reason
        assert "required" in dialog.errors()["reason"]
        dialog.query_one("#note").focus()
        await paste(pilot, "x" * 10_000)  # refused at the field, not cut nor frozen on
        await press(pilot, "enter")
        assert app.screen is dialog and "250" in dialog.errors()["reason"]
        assert count_rows(engine) == before  # nothing written
        await type_text(pilot, "Quà sinh nhật")
        assert "200.000 ₫" in plain(dialog.query_one("#preview"))
        await press(pilot, "enter")
        assert app.screen is screen
        [row] = table_rows(screen, "#vouchers-table")
        assert row[1:4] == ["Adjustment: Quà sinh nhật", "+200.000 ₫", "200.000 ₫"]
        assert "Vouchers 200.000 ₫" in card_text(screen)
        # A decrease below zero: refused at the amount by the store, nothing written.
        await press(pilot, "a")
        dialog = app.screen
        await type_text(pilot, "300000")
        dialog.query_one("#direction").focus()
        await press(pilot, "down")
        dialog.query_one("#note").focus()
        await type_text(pilot, "Nhập sai")
        await press(pilot, "enter")
        assert "vouchers left" in dialog.errors()["amount"]
        await press(pilot, "escape")
        # The checkout: F9 in the voucher field fills what they hold.
        await press(pilot, "o")
        checkout = app.screen
        assert isinstance(checkout, CheckoutScreen)
        assert "Vouchers 200.000 ₫" in plain(checkout.query_one("#strip"))
        await type_text(pilot, "DV0001")
        await press(pilot, "enter")
        # Into the panel; the voucher method came without a key: Tab reaches it.
        await press(pilot, "alt+c")
        voucher = checkout.query_one("#field-voucher").control
        for _step in range(12):
            if app.focused is voucher:
                break
            await press(pilot, "tab")
        assert app.focused is voucher
        await press(pilot, "f9")
        assert checkout.query_one("#field-voucher").control.value == "150000"
        await pilot.press("ctrl+u")
        await type_text(pilot, "250000")  # more than they hold: said at the field
        await settle(pilot)
        assert "200.000" in checkout.errors()["voucher"]
        await pilot.press("ctrl+u")
        await type_text(pilot, "100000")
        await press(pilot, "alt+c", "f9", "f10")
        assert checkout.result is not None
    payments = read(engine, lambda s: s.execute(text(
        "SELECT method, amount FROM payment ORDER BY id")).all())
    assert [tuple(p) for p in payments] == [("cash", 50_000), ("voucher", 100_000)]
    with write_session(engine) as s:
        from salontui.store.books.vouchers import voucher_balance

        assert voucher_balance(s, customer_id=member.id) == 100_000


async def test_products_left_at_the_salon_are_handed_over_on_their_tab(
        db_url, engine, staff_id, fixed_now):
    from salontui.store.cart import Cart, CartLine, CartPayment
    from salontui.store.catalog import create_item
    from salontui.store.checkout import checkout

    member = make_customer(engine, staff_id)
    with write_session(engine) as s:
        oil = create_item(s, staff_id=staff_id, name="Dầu gội thảo dược", kind="product",
                          price=250_000)
        checkout(s, staff_id=staff_id, idempotency_key="left", cart=Cart(
            customer_id=member.id, payments=[CartPayment("cash", 500_000)],
            lines=[CartLine(kind="product", item_id=oil.id, quantity=2, picked_up=False)]))
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_customer(app, pilot, member.id)
        assert "2 products to collect ▲" in card_text(screen)
        await press(pilot, "7")
        assert screen.active == "to_collect"
        [row] = table_rows(screen, "#to_collect-table")
        assert row[1:] == [f"{oil.code} Dầu gội thảo dược", "2", "500.000 ₫"]
        assert "2 to collect" in plain(screen.query_one("#to_collect-bar"))
        await press(pilot, "h")
        dialog = app.screen
        assert isinstance(dialog, HandOverDialog)
        assert dialog.query_one("#quantity").value == "2"  # all that is left
        before = count_rows(engine)
        for typed, said in (("3", "Only 2 of Dầu gội thảo dược"), ("0", "more than zero"),
                            ("-1", "negative"), ("hai", "not a whole number"),
                            ("", "Enter a number")):
            dialog.query_one("#quantity").focus()
            await pilot.press("ctrl+u")
            await type_text(pilot, typed)
            await press(pilot, "enter")
            assert app.screen is dialog and said in dialog.errors().get("quantity", ""), (
                typed, dialog.errors())
        dialog.query_one("#quantity").focus()
        await paste(pilot, "9" * 10_000)  # refused at the field at once
        await press(pilot, "enter")
        assert app.screen is dialog and "quantity" in dialog.errors()
        assert count_rows(engine) == before
        dialog.query_one("#quantity").focus()
        await pilot.press("ctrl+u")
        await type_text(pilot, "1")
        dialog.query_one("#note").focus()
        await type_text(pilot, "Chị lấy 1 chai")
        await press(pilot, "enter")
        assert app.screen is screen
        [row] = table_rows(screen, "#to_collect-table")
        assert row[2:] == ["1", "250.000 ₫"]
        assert "1 product to collect ▲" in card_text(screen)
        await press(pilot, "H")  # the history
        rows = table_rows(screen, "#to_collect-table")
        assert [r[2:4] for r in rows] == [["-1", "1"], ["+2", "2"]]
        assert rows[0][4].startswith("Handed over")
        await press(pilot, "H")  # back to what is left
        assert len(table_rows(screen, "#to_collect-table")) == 1
        await press(pilot, "o")  # the checkout says it while taking payment
        assert "1 product to collect ▲" in plain(app.screen.query_one("#strip"))
