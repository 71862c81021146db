"""A refusal that has nothing to do with rights comes before a manager's approval (issue 16),
at 80×24: a receptionist adjusts the points of a customer excluded from the loyalty
program, or takes more points than are left: the form says why, no approval dialog opens
(no manager walks over for nothing) and nothing is written. A good adjustment still asks
for the manager's approval."""

from __future__ import annotations

from test_ui_helpers import SIZE, count_rows, fill, give_points, make_customer, settle, start

from salontui.app import SalonApp
from salontui.store.db import write_session
from salontui.store.loyalty.members import set_member_state
from salontui.store.staff import create_staff


async def test_a_receptionist_sees_the_refusal_without_calling_a_manager(db_url, engine,
                                                                         staff_id, fixed_now):
    from salontui.screens.dialogs.adjust_points import AdjustPointsDialog
    from salontui.screens.dialogs.manager_approval import ManagerApprovalDialog

    excluded = make_customer(engine, staff_id)
    member = make_customer(engine, staff_id, name="Đặng Văn Lâm", phone="0912 345 678")
    give_points(engine, staff_id, member.id, 200)
    with write_session(engine) as s:
        set_member_state(s, staff_id=staff_id, customer_id=excluded.id, state="excluded",
                         reason="Lạm dụng điểm")
        lan = create_staff(s, name="Phạm Lan", role="receptionist", staff_id=staff_id).id
    entries, audits = count_rows(engine, "ledger_entry"), count_rows(engine, "audit_log")
    app = SalonApp(db_url, staff_id=lan, first_screen="search")
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        app.push_screen(AdjustPointsDialog(excluded.id, 0, customer_name=excluded.name))
        await settle(pilot)
        dialog = app.screen
        await fill(pilot, "amount", "500")
        await fill(pilot, "note", "Quà sinh nhật")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog  # no approval dialog: the refusal, at the form
        assert not any(isinstance(s, ManagerApprovalDialog) for s in app.screen_stack)
        said = " ".join(dialog.errors().values())
        assert "excluded from the loyalty program" in said
        assert "manager" not in said
        box = dialog.query_one(".dialog").region
        assert box.right <= SIZE[0] and box.bottom <= SIZE[1]
        await pilot.press("escape")
        await settle(pilot)

        # More points taken than are left: refused at the amount, no manager asked.
        app.push_screen(AdjustPointsDialog(member.id, 200, customer_name=member.name))
        await settle(pilot)
        dialog = app.screen
        dialog.query_one("#direction").focus()
        await pilot.press("right")  # Decrease
        await fill(pilot, "amount", "500")
        await fill(pilot, "note", "Trừ nhầm")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog
        assert "cannot deduct" in dialog.errors()["amount"]
        assert count_rows(engine, "ledger_entry") == entries
        assert count_rows(engine, "audit_log") == audits

        # A good adjustment: her role may not, so the manager's approval is asked.
        await fill(pilot, "amount", "50")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ManagerApprovalDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is dialog
        assert "needs a manager" in " ".join(dialog.errors().values())
        assert count_rows(engine, "ledger_entry") == entries
