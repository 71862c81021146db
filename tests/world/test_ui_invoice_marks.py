"""An invoice refunded since is marked so (the customer's list, the invoice, its reprinted
receipt), with the refund's code; the list names who did the lines and the cashier."""

from __future__ import annotations

from test_ui_helpers import SIZE, open_detail, plain, select_row, settle, start, table_rows

from salontui.screens.dialogs.invoice import InvoiceDialog
from salontui.store.db import write_session


def refund_first(engine, staff_id, invoice_id, **kw):
    from salontui.store.refunds import refund_invoice

    with write_session(engine) as s:
        return refund_invoice(s, staff_id=staff_id, invoice_id=invoice_id, reason="Nhầm",
                              idempotency_key="undo", **kw)


async def test_a_refunded_invoice_is_marked_in_the_list_the_dialog_and_the_receipt(
        app, world, engine, staff_id):
    from salontui.screens.dialogs.receipt import ReceiptDialog

    first = world["first_invoice"]
    refund = refund_first(engine, staff_id, first.invoice_id)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        screen = await open_detail(app, pilot, world["customer"].id)
        await pilot.press("3")
        await settle(pilot)
        rows = {row[0]: row for row in table_rows(screen, "#invoices-table")}
        assert rows[first.code][3].startswith(f"▲ refunded {refund.code}")
        assert not rows["HD000002"][3].startswith("▲")
        await select_row(pilot, screen.query_one("#invoices-table"), first.invoice_id)
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, InvoiceDialog)
        head = plain(dialog.query_one("#invoice-head"))
        assert f"▲ REFUNDED by {refund.code}" in head and "cashier Trần Thu Hà" in head
        assert "Cắt tóc nữ (refunded" in table_rows(dialog, "#lines")[0][0]
        await pilot.press("r")  # refunded already: nothing left to refund
        await settle(pilot)
        assert app.screen is dialog
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, ReceiptDialog)
        receipt = " ".join(plain(app.screen.query_one("#receipt")).split())
        assert f"REFUNDED by {refund.code}" in receipt


async def test_the_list_shows_the_technician_and_the_cashier(app, world, engine, staff_id):
    from salontui.store.cart import Cart, CartLine, CartPayment
    from salontui.store.checkout import checkout
    from salontui.store.staff import create_staff

    with write_session(engine) as s:
        tai = create_staff(s, name="Lê Văn Tài", role="technician", staff_id=staff_id).id
        sale = checkout(s, staff_id=staff_id, idempotency_key="tai", cart=Cart(
            customer_id=world["customer"].id,
            lines=[CartLine(kind="service", item_id=world["item"].id, staff_id=tai)],
            payments=[CartPayment("cash", 150_000)]))
    async with app.run_test(size=(120, 30)) as pilot:
        await start(app, pilot)
        screen = await open_detail(app, pilot, world["customer"].id)
        await pilot.press("3")
        await settle(pilot)
        rows = {row[0]: row for row in table_rows(screen, "#invoices-table")}
        assert rows[sale.code][-2:] == ["Lê Văn Tài", "Trần Thu Hà"]  # technician, cashier
        assert rows["HD000001"][-1] == "Trần Thu Hà"  # she took the money
