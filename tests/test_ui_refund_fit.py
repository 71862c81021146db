"""The refund dialog fits 80×24 in every language: a card's name never wraps its label."""

from __future__ import annotations

import pytest
from test_ui_helpers import SIZE, make_customer, settle, start, top_up

from salontui import i18n
from salontui.app import SalonApp
from salontui.store.db import write_session


@pytest.mark.parametrize("lang", ["en", "vi"])
async def test_the_refund_dialog_fits_80_columns_with_a_long_card_name(
        db_url, engine, staff_id, fixed_now, lang):
    from salontui.screens.dialogs.refund import RefundDialog
    from salontui.store.cart import Cart, CartLine, CartPayment
    from salontui.store.catalog import create_item
    from salontui.store.checkout import checkout
    from salontui.store.ledger import card_balances

    customer = make_customer(engine, staff_id)
    top_up(engine, staff_id, customer.id, 900_000, card="Thẻ VIP Kim Cương Đặc Biệt")
    with write_session(engine) as s:
        item = create_item(s, staff_id=staff_id, name="Cắt tóc nữ", kind="service",
                           price=150_000)
        card = card_balances(s, customer_id=customer.id)[0].card_id
        sale = checkout(s, staff_id=staff_id, idempotency_key="x", cart=Cart(
            customer_id=customer.id, lines=[CartLine(kind="service", item_id=item.id)],
            payments=[CartPayment("value", 100_000, card_id=card),
                      CartPayment("cash", 50_000)]))
    i18n.install(lang)
    try:
        app = SalonApp(db_url, staff_id=staff_id)
        async with app.run_test(size=SIZE) as pilot:
            await start(app, pilot)
            app.push_screen(RefundDialog(sale.invoice_id))
            await settle(pilot)
            dialog = app.screen
            labels = list(dialog.query(".field-label"))
            assert len(labels) == 3  # the card, cash, the reason
            for label in labels:
                assert label.region.height == 1, str(label.content)
            box = dialog.query_one(".dialog").region
            assert box.right <= SIZE[0] and box.bottom <= SIZE[1]
            for widget in dialog.query("Field"):
                assert widget.region.bottom <= box.bottom
            hint = dialog.query_one(".field-hint")  # the card, named in full under its field
            assert "Thẻ VIP Kim Cương Đặc Biệt" in str(hint.content)
            assert hint.region.height == 1
            assert hint.region.width - 16 >= len(str(hint.content))
    finally:
        i18n.install("en")
