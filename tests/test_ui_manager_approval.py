"""A manager's approval at the desk (issue 16), at 80×24: a receptionist refunds, the store
refuses (her role may not), the approval dialog asks who approves and their PIN; a wrong PIN
is refused at the PIN field with nothing written; Esc writes nothing; the manager's PIN does
the refund once and the audit viewer shows both names. Nothing is hidden from her: the
palette says what a manager approves."""

from __future__ import annotations

from test_ui_helpers import (
    SIZE,
    count_rows,
    fill,
    make_customer,
    make_service,
    pay_service,
    plain,
    settle,
    start,
    table_rows,
    type_text,
)

from salontui.app import SalonApp
from salontui.store.admin.pins import set_pin
from salontui.store.db import write_session
from salontui.store.staff import create_staff


async def test_a_receptionist_refunds_with_a_managers_pin(db_url, engine, staff_id, fixed_now):
    from salontui.screens.audit import AuditScreen
    from salontui.screens.dialogs.manager_approval import ManagerApprovalDialog
    from salontui.screens.dialogs.receipt import ReceiptDialog
    from salontui.screens.dialogs.refund import RefundDialog

    customer = make_customer(engine, staff_id)
    sale = pay_service(engine, staff_id, customer.id, make_service(engine, staff_id), key="s")
    with write_session(engine) as s:
        lan = create_staff(s, name="Phạm Lan", role="receptionist", staff_id=staff_id).id
        tuan = create_staff(s, name="Võ Minh Tuấn", role="manager", staff_id=staff_id).id
        set_pin(s, staff_id=staff_id, target_id=tuan, pin="2468")
    invoices = count_rows(engine, "invoice")
    app = SalonApp(db_url, staff_id=lan, first_screen="search")
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        # Nothing is hidden: the palette says which actions a manager approves for her.
        helps = {name: help_text for name, help_text, _run in app.screen.palette_commands()}
        assert helps["Open settings"].endswith("· a manager approves")
        assert "manager" not in helps["Close the day"]  # a receptionist closes the day
        app.push_screen(RefundDialog(sale.invoice_id))
        await settle(pilot)
        refund = app.screen
        await fill(pilot, "reason", "Khách đổi ý")
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ManagerApprovalDialog)
        assert "Refund needs a manager" in plain(dialog.query_one("#approval-why"))
        assert dialog.query_one("#approver").value == str(tuan)  # the only one who may
        box = dialog.query_one(".dialog").region
        assert box.right <= SIZE[0] and box.bottom <= SIZE[1]
        assert dialog.focused is not None and dialog.focused.id == "pin"
        await type_text(pilot, "1111")  # a wrong PIN: said at the field, nothing written
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog
        assert "not right" in dialog.errors()["pin"]
        assert dialog.query_one("#pin").value == ""
        assert count_rows(engine, "invoice") == invoices
        await pilot.press("escape")  # Esc: refused as before, nothing written
        await settle(pilot)
        assert app.screen is refund
        assert "needs a manager" in refund.errors()[""]
        assert count_rows(engine, "invoice") == invoices
        await pilot.press("enter")  # again: the manager is there this time
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ManagerApprovalDialog)
        await type_text(pilot, "2468")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReceiptDialog)
        assert count_rows(engine, "invoice") == invoices + 1
        await pilot.press("escape")
        await settle(pilot)
        app.push_screen(AuditScreen())
        await settle(pilot)
        rows = [r for r in table_rows(app.screen, "#audit-table") if r[2] == "refund"]
        assert [r[1] for r in rows] == ["Phạm Lan"]
        assert rows[0][4].endswith("approved by Võ Minh Tuấn")
