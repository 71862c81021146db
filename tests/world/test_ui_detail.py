"""The customer detail: header card, the seven tabs, paging, invoices, edit/delete/restore."""

from __future__ import annotations

from sqlalchemy import text
from test_ui_helpers import (
    SIZE,
    fill,
    open_detail,
    plain,
    read,
    select_row,
    settle,
    start,
    table_rows,
    type_text,
)

from salontui.screens import detail as detail_module
from salontui.screens.dialogs.confirm import ConfirmDialog
from salontui.screens.dialogs.customer_form import CustomerFormDialog
from salontui.screens.dialogs.invoice import InvoiceDialog
from salontui.screens.search import CustomerSearchScreen
from salontui.store.customers import delete_customer, get_customer
from salontui.store.db import write_session


async def test_header_card_and_every_tab(app, world):
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        screen = await open_detail(app, pilot, world["customer"].id)
        card = plain(screen.query_one("#card"))
        for part in ("KH000001", "Nguyễn Thị Hương", "0935 320 888", "Member",
                     "Points 1.545", "General 500.000 ₫", "Nails 200.000 ₫",
                     "DEBT ▲ 350.000 ₫", "Spent 450.000 ₫", "customer since 23/11/2026",
                     "Expiring ▲", "Thẻ tháng chăm sóc da 13/12/2026"):
            assert part in card, part
        assert screen.loaded == {"packages"}  # the other tabs load when shown
        packages = table_rows(screen, "#packages-table")
        assert [r[0] for r in packages][:1] == ["Thẻ tháng chăm sóc da (time card)"]
        by_name = {r[0]: r for r in packages}
        assert by_name["Gội đầu dưỡng sinh 10 buổi"][3:] == ["in use", "11/06/2027", "10", "2",
                                                              "8"]
        assert by_name["Nhuộm phục hồi 5 buổi"][3] == "reserved"
        assert by_name["Massage cổ vai gáy tặng (gift)"][7] == "3"

        await pilot.press("2")
        await settle(pilot)
        assert screen.active == "appointments"
        invoice_column = [r[4] for r in table_rows(screen, "#appointments-table")]
        assert invoice_column == ["none", "to cashier", "view HD000001"]

        await pilot.press("3")
        await settle(pilot)
        invoices = table_rows(screen, "#invoices-table")
        assert [r[0] for r in invoices] == ["HD000003", "HD000002", "HD000001"]
        assert invoices[0][2:] == ["service", "Cắt tóc nữ", "1", "150.000 ₫", "Trần Thu Hà",
                                   "Trần Thu Hà"]  # the technician, then the cashier
        assert plain(screen.query_one("#invoices-count")) == "3 rows"

        await pilot.press("4")
        await settle(pilot)
        assert "DEBT ▲ 350.000 ₫ owed" in plain(screen.query_one("#debt-bar"))
        assert [r[2:4] for r in table_rows(screen, "#debt-table")] == [
            ["+350.000 ₫", "350.000 ₫"]]

        await pilot.press("5")
        await settle(pilot)
        points = table_rows(screen, "#points-table")
        assert points[-1][1:4] == ["Adjustment: Welcome gift", "+1.500", "1.500"]
        assert points[0][1:4] == ["Earned: HD000003", "+15", "1.545"]

        await pilot.press("6")
        await settle(pilot)
        assert plain(screen.query_one("#vouchers-bar")).startswith("Vouchers now: 0 ₫ · No ")

        await pilot.press("7")
        await settle(pilot)
        assert plain(screen.query_one("#to_collect-bar")).startswith("Nothing to collect.")

        await pilot.press("8")
        await settle(pilot)
        care = table_rows(screen, "#care-table")
        assert [r[3] for r in care] == ["Facial treatment", "Called about her next visit"]

        await pilot.press("9")
        await settle(pilot)
        assert "No promotions yet" in plain(screen.query_one("#promotions-bar"))
        assert screen.loaded == set(detail_module.TABS)


async def test_invoices_are_paged_and_filtered_by_dates(app, world, monkeypatch):
    monkeypatch.setattr(detail_module, "PAGE", 2)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        screen = await open_detail(app, pilot, world["customer"].id)
        await pilot.press("3")
        await settle(pilot)
        count = screen.query_one("#invoices-count")
        assert plain(count) == "1–2 of 3 · ] next page"
        assert screen.check_action("page", (-1,)) is False
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert [r[0] for r in table_rows(screen, "#invoices-table")] == ["HD000001"]
        assert plain(count) == "3–3 of 3 · [ previous"
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert len(table_rows(screen, "#invoices-table")) == 2

        await pilot.press("f")  # the date range
        assert screen.focused.id == "from"
        await fill(pilot, "from", "32/13/2026")
        await pilot.press("enter")
        await settle(pilot)
        error = screen.query_one("#invoices-error")
        assert "is not a date" in plain(error) and error.display
        assert screen.focused.id == "from"  # back at the field that is wrong
        await fill(pilot, "from", "22/11/2026")
        await fill(pilot, "to", "01/11/2026")
        await pilot.press("enter")
        await settle(pilot)
        assert "before the start date" in plain(error)
        await fill(pilot, "to", "")
        await pilot.press("enter")
        await settle(pilot)
        assert not error.display
        assert [r[0] for r in table_rows(screen, "#invoices-table")] == ["HD000003"]
        assert plain(count) == "1 row"
        await fill(pilot, "from", "2026-01-01")
        await fill(pilot, "to", "2026-02-01")
        await pilot.press("enter")
        await settle(pilot)
        assert table_rows(screen, "#invoices-table") == []
        assert plain(count) == "No invoices in these dates."
        assert screen.focused is screen.query_one("#invoices-table")


async def test_open_an_invoice_from_invoices_and_from_appointments(app, world):
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        screen = await open_detail(app, pilot, world["customer"].id)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("end", "enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, InvoiceDialog)
        assert dialog.query_one(".dialog").border_title == "Invoice HD000001"
        assert table_rows(dialog, "#lines") == [["Cắt tóc nữ", "1", "150.000 ₫", "",
                                                  "150.000 ₫", "Trần Thu Hà"]]
        assert table_rows(dialog, "#payments") == [["Cash", "150.000 ₫"]]
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen

        await pilot.press("2")
        await settle(pilot)
        await pilot.press("end", "enter")  # the paid visit: view its invoice
        await settle(pilot)
        assert isinstance(app.screen, InvoiceDialog)
        assert app.screen.invoice.code == "HD000001"
        await pilot.press("escape")
        await pilot.press("up", "enter")  # checked in, not paid: the checkout for that visit
        await settle(pilot)
        from salontui.screens.checkout import CheckoutScreen

        assert isinstance(app.screen, CheckoutScreen)


async def test_refund_and_reprint_from_the_invoice_dialog(app, world, engine):
    """r in an open invoice refunds it; the detail under it lists the refund at once; a
    refund cannot be refunded again; p shows the receipt again."""
    from salontui.screens.dialogs.receipt import ReceiptDialog
    from salontui.screens.dialogs.refund import RefundDialog

    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        screen = await open_detail(app, pilot, world["customer"].id)
        await pilot.press("3")
        await settle(pilot)
        await pilot.press("end", "enter")
        await settle(pilot)
        assert app.screen.invoice.code == "HD000001"
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, ReceiptDialog)
        assert "HD000001" in plain(app.screen.query_one("#receipt"))
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, RefundDialog)
        await fill(pilot, "reason", "Khách không hài lòng")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReceiptDialog)  # the refund's own receipt
        assert "REFUND" in plain(app.screen.query_one("#receipt"))
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen  # the invoice dialog answered and closed
        refund_id, code, total = read(engine, lambda s: s.execute(text(
            "SELECT id, code, total FROM invoice WHERE refund_of_id = (SELECT id FROM invoice "
            "WHERE code = 'HD000001')")).one())
        assert total == -150_000
        codes = [row[0] for row in table_rows(screen, "#invoices-table")]
        assert code in codes  # the refund, listed without leaving the detail
        await select_row(pilot, screen.query_one("#invoices-table"), refund_id)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.invoice.code == code
        await pilot.press("r")  # a refund is not refunded
        await settle(pilot)
        assert isinstance(app.screen, InvoiceDialog)
    assert read(engine, lambda s: s.execute(text("SELECT count(*) FROM invoice")).scalar()) == 4


async def test_package_history_on_request(app, world):
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        screen = await open_detail(app, pilot, world["customer"].id)
        history = screen.query_one("#history")
        assert not history.display
        await select_row(pilot, screen.query_one("#packages-table"), world["count"].id)
        await pilot.press("h")
        await settle(pilot)
        assert history.display
        rows = table_rows(screen, "#history")
        assert [r[1] for r in rows] == ["Back-filled", "Sold"]
        assert rows[0][2] == "+2 used" and rows[0][4] == "Trần Thu Hà"
        await select_row(pilot, screen.query_one("#packages-table"), world["frozen"].id)
        await settle(pilot)
        assert table_rows(screen, "#history")[0][1] == "Reserved"
        await pilot.press("h")
        assert not history.display


async def test_edit_customer(app, engine, world):
    cid = world["customer"].id
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        screen = await open_detail(app, pilot, cid)
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, CustomerFormDialog)
        assert dialog.query_one("#name").value == "Nguyễn Thị Hương"
        assert dialog.query_one("#phone").value == "0935 320 888"
        await fill(pilot, "name", "   ")
        await pilot.press("enter")
        await settle(pilot)
        assert dialog.errors()["name"] == "Name is required."
        assert read(engine, lambda s: get_customer(s, customer_id=cid)).name == \
            "Nguyễn Thị Hương"
        await fill(pilot, "name", "Nguyễn Thị Thu Hương")
        await fill(pilot, "address", "12 Lê Lợi, Huế")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        record = read(engine, lambda s: get_customer(s, customer_id=cid))
        assert (record.name, record.address) == ("Nguyễn Thị Thu Hương", "12 Lê Lợi, Huế")
        assert "Nguyễn Thị Thu Hương" in plain(screen.query_one("#card"))


async def test_delete_customer_asks_first_and_can_be_restored(app, engine, staff_id, world):
    cid = world["customer"].id
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        await open_detail(app, pilot, cid)
        await pilot.press("ctrl+d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert read(engine, lambda s: get_customer(s, customer_id=cid)).deleted_at is None
        await pilot.press("ctrl+d")
        await settle(pilot)
        await type_text(pilot, "KH000001")  # she holds value: her code, typed
        await pilot.press("enter")
        await settle(pilot)
        assert read(engine, lambda s: get_customer(s, customer_id=cid)).deleted_at is not None
        assert isinstance(app.screen, CustomerSearchScreen)

        screen = await open_detail(app, pilot, cid)  # a deleted customer's detail
        assert "DELETED" in plain(screen.query_one("#card"))
        assert screen.check_action("restore_customer", ()) is True
        assert screen.check_action("delete_customer", ()) is False
        await pilot.press("f5")
        await settle(pilot)
        assert read(engine, lambda s: get_customer(s, customer_id=cid)).deleted_at is None
        assert "DELETED" not in plain(screen.query_one("#card"))


async def test_palette_and_help_on_the_detail(app, world):
    from salontui.screens.dialogs.adjust_points import AdjustPointsDialog
    from salontui.screens.dialogs.help import HelpDialog

    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        screen = await open_detail(app, pilot, world["customer"].id)
        names = [name for name, _help, _cb in screen.palette_commands()]
        for wanted in ("Extend package", "Reserve package", "Resume package", "Adjust package",
                       "Adjust points", "Add care note", "Edit care note", "Delete care note",
                       "Give promotion", "Edit customer", "Delete customer"):
            assert wanted in names
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpDialog)
        keys = {key: (text, on) for key, text, on in app.screen.keys}
        assert keys["x"] == ("Extend package", True)
        assert keys["p"] == ("Adjust points", False)  # a Points-tab key, listed all the same
        await pilot.press("escape")
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"adjust points")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, AdjustPointsDialog)
        assert screen.active == "points"  # the palette switched to the tab first


async def test_a_deleted_customer_shows_in_the_bin_detail(app, engine, staff_id, world):
    with write_session(engine) as s:
        delete_customer(s, staff_id=staff_id, customer_id=world["customer"].id)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert "DELETED 23/11/2026" in plain(screen.query_one("#card"))
        # Nothing can be sold to a deleted customer: o and R are not offered, and do nothing.
        assert screen.check_action("checkout", ()) is False
        assert screen.check_action("repay_debt", ()) is False
        for key in ("o", "R"):
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is screen


async def test_a_tab_number_pressed_as_the_customer_opens_is_kept(app, world):
    """Enter then 3 at once on a slow PC: the 3 may come once the screen is there but
    before its tabs have started, whose start-up shows the first tab; the 3's is shown."""
    import asyncio

    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        app.screen.open_customer(world["customer"].id)
        for _tick in range(200):  # composed, the tabs not started yet
            await asyncio.sleep(0)
            if app.screen.query("#tabs"):
                break
        screen = app.screen
        assert screen.query_one("#tabs").active == ""
        screen.action_tab("invoices")  # what the 3 does
        await settle(pilot)
        assert screen.active == "invoices"
        assert screen.query_one("#tabs").active == "invoices"
        assert screen.focused is screen.current.table()
