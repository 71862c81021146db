"""``v`` on a customer: the history of a stored-value card (time, event, +/−, balance, invoice
code, operator), choosing the card when there are several, paged by ``[`` and ``]``."""

from __future__ import annotations

from test_ui_helpers import SIZE, open_detail, plain, settle, start, table_rows

from salontui.screens.detail import CustomerDetailScreen
from salontui.screens.dialogs.card_history import PAGE, CardHistoryDialog
from salontui.store.cart import Cart, CartLine, CartPayment
from salontui.store.checkout import checkout
from salontui.store.db import write_session
from salontui.store.ledger import card_balances, post_entry


async def test_v_shows_each_card_with_running_balance_invoice_and_pages(app, engine, staff_id,
                                                                        world):
    cid = world["customer"].id
    with write_session(engine) as s:
        general, nails = (c.card_id for c in card_balances(s, customer_id=cid))
        checkout(s, staff_id=staff_id, idempotency_key="by-card", cart=Cart(
            customer_id=cid, lines=[CartLine(kind="service", item_id=world["item"].id)],
            payments=[CartPayment("value", 150_000, card_id=general)]))
        for _i in range(PAGE + 5):  # the Nails card has more than a page
            post_entry(s, customer_id=cid, account="value", card_id=nails, amount=1_000,
                       kind="adjust", reason="Tip", operator_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        screen = await open_detail(app, pilot, cid)
        await pilot.press("v")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, CardHistoryDialog)
        assert dialog.query_one("#card-list").display  # two cards: choose one
        assert table_rows(dialog, "#card-list") == [["General", "350.000 ₫"],
                                                    ["Nails", "305.000 ₫"]]
        rows = table_rows(dialog, "#card-entries")
        assert [r[1:] for r in rows] == [
            ["Paid with card", "-150.000 ₫", "350.000 ₫", "HD000004", "Trần Thu Hà"],
            ["Adjustment: Opening balance", "+500.000 ₫", "500.000 ₫", "", "Trần Thu Hà"]]
        assert "General card: balance 350.000 ₫" in plain(dialog.query_one("#card-head"))

        await pilot.press("down")  # the Nails card
        await settle(pilot)
        rows = table_rows(dialog, "#card-entries")
        assert len(rows) == PAGE and rows[0][3] == "305.000 ₫" and rows[-1][3] == "206.000 ₫"
        assert "] next page" in plain(dialog.query_one("#card-head"))
        await pilot.press("right_square_bracket")
        await settle(pilot)
        rows = table_rows(dialog, "#card-entries")
        assert [r[3] for r in rows] == [f"{k}.000 ₫" for k in range(205, 199, -1)]
        assert rows[-1][1] == "Adjustment: Opening balance"
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert table_rows(dialog, "#card-entries")[0][3] == "305.000 ₫"

        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and isinstance(screen, CustomerDetailScreen)
