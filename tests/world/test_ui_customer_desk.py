"""The customer detail and its dialogs as a receptionist found them (issue #9), each driven
by keys on the real desk over a real SQLite file: the package history names the operator
and the technician and when a freeze ends; the points dialog has one way to say the
direction; adjusting a package warns before it goes below zero and gives the package keys
back; the technician picker starts where it should; deleting a customer says what they
hold and asks for their code; editing says "Save anyway" and "Nothing changed"; counts
take their plural; a deleted care note comes back; a package opens the invoice that sold it.
"""

from __future__ import annotations

from sqlalchemy import text
from test_ui_helpers import (
    SIZE,
    count_rows,
    fill,
    make_customer,
    open_detail,
    plain,
    read,
    select_row,
    settle,
    start,
    table_rows,
    type_text,
)

from salontui.screens.dialogs.adjust_package import AdjustPackageDialog
from salontui.screens.dialogs.adjust_points import AdjustPointsDialog
from salontui.screens.dialogs.confirm import ConfirmDialog
from salontui.screens.dialogs.customer_form import CustomerFormDialog
from salontui.screens.dialogs.duplicate import DuplicateCustomerDialog
from salontui.screens.dialogs.invoice import InvoiceDialog
from salontui.screens.search import CustomerSearchScreen
from salontui.store.customers import get_customer
from salontui.store.db import write_session
from salontui.store.ledger import points_balance
from salontui.store.package_reads import get_package


def notices(app) -> list[str]:
    return [str(n.message) for n in app._notifications]


def footer_keys(screen) -> set[str]:
    """The keys the footer shows now, enabled."""
    footer = screen.query_one("DeskFooter")
    return {key for key, _description, enabled in footer._shown or () if enabled}


def add_technician(engine, staff_id, name="Lê Văn Tài"):
    from salontui.store.staff import create_staff

    with write_session(engine) as s:
        return create_staff(s, name=name, role="technician", staff_id=staff_id).id


# --- the package history -------------------------------------------------------------------


async def test_history_shows_operator_and_technician_and_when_a_freeze_ends(
        app, engine, staff_id, world):
    from salontui.store.packages import redeem_session

    tech = add_technician(engine, staff_id)
    with write_session(engine) as s:
        redeem_session(s, staff_id=staff_id, package_id=world["count"].id,
                       service_staff_id=tech)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        screen = await open_detail(app, pilot, world["customer"].id)
        await select_row(pilot, screen.query_one("#packages-table"), world["count"].id)
        await pilot.press("h")
        await settle(pilot)
        history = screen.query_one("#history")
        assert [c.label for c in history.specs][-2:] == ["By", "Technician"]
        redeemed = table_rows(screen, "#history")[0]
        assert redeemed[1] == "Redeemed"
        assert redeemed[-2:] == ["Trần Thu Hà", "Lê Văn Tài"]  # the operator and the technician
        assert table_rows(screen, "#history")[-1][-2:] == ["Trần Thu Hà", ""]

        # Frozen for 14 days on 23/11/2026: it ends 07/12/2026 (the expiry moved to 07/03/2027).
        await select_row(pilot, screen.query_one("#packages-table"), world["frozen"].id)
        await settle(pilot)
        reserved = table_rows(screen, "#history")[0]
        assert reserved[1:3] == ["Reserved", "until 07/12/2026"]


# --- the points dialog ---------------------------------------------------------------------


async def test_points_take_their_sign_from_the_choice_and_a_disagreeing_sign_is_refused(
        app, engine, world):
    cid = world["customer"].id  # 1,545 points

    def balance():
        return read(engine, lambda s: points_balance(s, customer_id=cid))

    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        screen = await open_detail(app, pilot, cid)
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AdjustPointsDialog)
        await fill(pilot, "note", "Typo yesterday")
        await fill(pilot, "amount", "-200")  # Increase is chosen
        assert "the sign and the choice disagree" in plain(dialog.query_one("#preview"))
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog
        assert "A minus sign says decrease, but Increase is chosen" in dialog.errors()["amount"]
        assert balance() == 1545

        dialog.query_one("#direction").focus()
        await pilot.press("right")  # Decrease
        await fill(pilot, "amount", "+200")
        await pilot.press("enter")
        await settle(pilot)
        assert "A plus sign says increase, but Decrease is chosen" in dialog.errors()["amount"]
        assert balance() == 1545

        await fill(pilot, "amount", "200")  # unsigned: the choice says which way
        assert plain(dialog.query_one("#preview")) == "Balance after: 1.345"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen and balance() == 1345


# --- the adjust-package dialog -------------------------------------------------------------


async def test_adjust_package_warns_at_the_field_before_going_below_zero(app, engine, world):
    pid = world["count"].id  # 10 sessions, 2 used
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        screen = await open_detail(app, pilot, world["customer"].id)
        await select_row(pilot, screen.query_one("#packages-table"), pid)
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, AdjustPackageDialog)
        await fill(pilot, "reason", "Counted on paper")
        await fill(pilot, "used", "11")
        preview = plain(dialog.query_one("#preview"))
        assert preview.startswith("Remaining after: -1") and "▲" in preview
        # Warned at once, at the field, before Enter.
        assert dialog.errors()["used"] == "Sessions used (11) cannot be more than the total (10)."
        assert dialog.focused.id == "used"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog  # refused: nothing written
        assert "cannot be more than the total" in dialog.errors()["used"]
        assert read(engine, lambda s: get_package(s, package_id=pid)).used == 2

        await fill(pilot, "total", "12")  # answered from the other field: the warning goes
        assert "used" not in dialog.errors()
        assert plain(dialog.query_one("#preview")) == "Remaining after: 1"
        await fill(pilot, "total", "10")
        await fill(pilot, "used", "10")
        assert dialog.errors() == {}
        assert plain(dialog.query_one("#preview")) == "Remaining after: 0"


async def test_after_adjusting_a_package_its_keys_come_back(app, engine, world, monkeypatch):
    """After the dialog the packages table has the focus and the footer its keys again,
    whichever answer comes back first. The footer is redrawn as the dialog closes, while
    the rows are being read again (no package keys then); here the header is read slowly
    (a busy disk), so the rows come back first."""
    import threading

    from salontui.store import summary

    gate = threading.Event()
    gate.set()
    read_summary = summary.customer_summary

    def slow_summary(*args, **kwargs):
        gate.wait(10)
        return read_summary(*args, **kwargs)

    monkeypatch.setattr(summary, "customer_summary", slow_summary)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        screen = await open_detail(app, pilot, world["customer"].id)
        table = screen.query_one("#packages-table")
        await select_row(pilot, table, world["count"].id)
        assert {"x", "a", "h"} <= footer_keys(screen)
        await pilot.press("a")
        await settle(pilot)
        await fill(pilot, "used", "3")
        await fill(pilot, "reason", "Counted on paper")
        gate.clear()
        await pilot.press("enter")
        for _round in range(100):  # the save answers; the rows come back before the header
            await pilot.pause(0.02)
            if app.screen is screen and "packages" in screen.loaded:
                break
        assert app.screen is screen and "packages" in screen.loaded
        await pilot.pause(0.05)
        gate.set()
        await settle(pilot)
        await pilot.pause(0.05)
        assert screen.focused is table
        assert table.current_key == str(world["count"].id)
        assert {"x", "a", "h"} <= footer_keys(screen)


# --- the technician picker -----------------------------------------------------------------


async def test_technician_picker_starts_on_the_first_not_the_last_chosen(
        app, engine, staff_id, world):
    from salontui.screens.checkout import CheckoutScreen
    from salontui.screens.checkout.dialogs import PickerDialog

    add_technician(engine, staff_id, "Lê Văn Tài")
    second = add_technician(engine, staff_id, "Phạm Thị Mai")
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        app.push_screen(CheckoutScreen(world["customer"].id))
        await settle(pilot)
        checkout = app.screen
        for _round in range(2):
            await pilot.press("f4")  # redeem a session: the package, then who did it
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            picker = app.screen
            assert isinstance(picker, PickerDialog)
            options = picker.query_one("#choices")
            assert options.highlighted == 0, "starts on the first, whoever was chosen before"
            await pilot.press("down", "enter")  # the second technician
            await settle(pilot)
        assert [line.staff_id for line in checkout.cart.lines] == [second, second]

        await pilot.press("f8")  # a line with its technician: the picker starts on them
        await settle(pilot)
        picker = app.screen
        options = picker.query_one("#choices")
        assert picker.choices[options.highlighted].key == str(second)


# --- deleting the customer -----------------------------------------------------------------


async def test_delete_says_what_they_hold_and_wants_their_code(app, engine, world):
    cid = world["customer"].id
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        screen = await open_detail(app, pilot, cid)
        await pilot.press("3")  # the Invoices tab: D is no longer the customer's
        await settle(pilot)
        await pilot.press("D")
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("ctrl+d")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        question = plain(dialog.query_one("#question"))
        for held in ("General card: 500.000 ₫ stored value",
                     "Nails card: 200.000 ₫ stored value",
                     "1.545 points", "Debt: 350.000 ₫ owed to the salon",
                     "Gội đầu dưỡng sinh 10 buổi: 8 sessions left",
                     "Massage cổ vai gáy tặng: 3 sessions left",
                     "Nhuộm phục hồi 5 buổi: 4 sessions left",
                     "Thẻ tháng chăm sóc da: unlimited until 13/12/2026",
                     "Type their code KH000001"):
            assert held in question, held
        assert dialog.focused.id == "typed"
        await pilot.press("enter")  # nothing typed: refused at the field
        await settle(pilot)
        assert app.screen is dialog
        assert "Type KH000001 to confirm." in dialog.query_one("#field-typed").error_text
        await type_text(pilot, "KH000002")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog
        assert read(engine, lambda s: get_customer(s, customer_id=cid)).deleted_at is None
        await fill(pilot, "typed", "kh000001")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CustomerSearchScreen)
        assert read(engine, lambda s: get_customer(s, customer_id=cid)).deleted_at is not None


async def test_delete_a_customer_who_holds_nothing_asks_once(app, engine, staff_id, world):
    empty = make_customer(engine, staff_id, name="Trần Văn Nam", phone="0912 000 111")
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        await open_detail(app, pilot, empty.id)
        await pilot.press("ctrl+d")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog) and not dialog.query("#typed")
        assert "hold" not in plain(dialog.query_one("#question"))
        await pilot.press("enter")
        await settle(pilot)
        assert read(engine, lambda s: get_customer(s, customer_id=empty.id)).deleted_at


# --- editing the customer ------------------------------------------------------------------


async def test_editing_into_a_duplicate_phone_offers_save_anyway(app, engine, staff_id, world):
    other = make_customer(engine, staff_id, name="Trần Văn Nam", phone="0912 000 111")
    cid = world["customer"].id
    with write_session(engine) as s:  # not a member yet: the form edits the phone (a
        # member's changes with a manager's approval: test_ui_members)
        s.execute(text("UPDATE customer SET member_state = 'not_activated' WHERE id = :i"),
                  {"i": cid})
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        screen = await open_detail(app, pilot, cid)
        await pilot.press("e")
        await settle(pilot)
        await fill(pilot, "phone", "0912000111")
        await pilot.press("enter")
        await settle(pilot)
        warning = app.screen
        assert isinstance(warning, DuplicateCustomerDialog)
        assert str(warning.query_one("#go-on").label) == "Save anyway (s)"
        assert warning.check_action("go_on", ()) is False  # nothing is created here
        await pilot.press("c")
        await settle(pilot)
        assert app.screen is warning
        await pilot.press("s")
        await settle(pilot)
        assert app.screen is screen
        record = read(engine, lambda s: get_customer(s, customer_id=cid))
        assert record.phone == read(engine, lambda s: get_customer(
            s, customer_id=other.id)).phone


async def test_saving_an_unchanged_customer_says_nothing_changed(app, engine, world):
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        screen = await open_detail(app, pilot, world["customer"].id)
        before = count_rows(engine)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, CustomerFormDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert "Nothing changed." in notices(app)
        assert count_rows(engine) == before


# --- counts --------------------------------------------------------------------------------


async def test_counts_take_their_plural(app, engine, staff_id, world):
    from salontui.store.customers import delete_customer
    from salontui.store.promotions import give_promotion

    cid = world["customer"].id
    with write_session(engine) as s:
        give_promotion(s, staff_id=staff_id, customer_id=cid,
                       program_id=world["program"].id)
        delete_customer(s, staff_id=staff_id, customer_id=cid)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        await pilot.press("f4")  # the deleted customers: one
        await settle(pilot)
        status = " ".join(plain(w) for w in app.screen.query("Static, Label")
                          if "deleted customer" in plain(w))
        assert "1 deleted customer " in status and "customers" not in status
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        await pilot.press("9")
        await settle(pilot)
        assert plain(screen.query_one("#promotions-bar")).startswith("1 promotion ·")


async def test_points_dialog_says_1_point(app, engine, staff_id, world):
    from salontui.screens.dialogs.adjust_points import AdjustPointsDialog as Dialog
    from salontui.store.ledger import adjust_points

    with write_session(engine) as s:
        adjust_points(s, staff_id=staff_id, customer_id=world["customer"].id, amount=-1544,
                      reason="Spent on a gift")
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        await open_detail(app, pilot, world["customer"].id)
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, Dialog)
        assert plain(app.screen.query_one(".intro")) == "Nguyễn Thị Hương: 1 point now"


# --- care notes ----------------------------------------------------------------------------


async def test_a_deleted_care_note_is_listed_and_restored(app, engine, world):
    from salontui.store.care import list_care_notes

    cid = world["customer"].id
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        screen = await open_detail(app, pilot, cid)
        await pilot.press("8")
        await settle(pilot)
        assert "F4 deleted notes" in plain(screen.query_one("#care-bar"))
        assert table_rows(screen, "#care-table")[0][3] == "Facial treatment"
        await pilot.press("delete")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert [r[3] for r in table_rows(screen, "#care-table")] == [
            "Called about her next visit"]

        await pilot.press("f4")  # the deleted notes
        await settle(pilot)
        assert [r[3] for r in table_rows(screen, "#care-table")] == ["Facial treatment"]
        assert "Deleted notes" in plain(screen.query_one("#care-bar"))
        assert "f5" in footer_keys(screen) and "c" not in footer_keys(screen)
        before = count_rows(engine)
        await pilot.press("f5")
        await settle(pilot)
        assert table_rows(screen, "#care-table") == []
        assert count_rows(engine) == before + 1
        action = read(engine, lambda s: s.execute(text(
            "SELECT action FROM audit_log ORDER BY id DESC")).scalar())
        assert action == "restore_care_note"
        await pilot.press("f4")  # back to the notes: both there
        await settle(pilot)
        assert [r[3] for r in table_rows(screen, "#care-table")] == [
            "Facial treatment", "Called about her next visit"]
    assert len(read(engine, lambda s: list_care_notes(s, customer_id=cid))) == 2


# --- a package's invoice -------------------------------------------------------------------


async def test_i_opens_the_invoice_that_sold_a_package(app, engine, staff_id, world):
    from salontui.store.cart import Cart, CartLine, CartPayment
    from salontui.store.catalog import create_item
    from salontui.store.checkout import checkout
    from salontui.store.package_reads import list_packages

    cid = world["customer"].id
    with write_session(engine) as s:
        plan = create_item(s, staff_id=staff_id, name="Gội 10 buổi", kind="package",
                           package_kind="count", price=1_000_000, sessions=10,
                           validity_days=365)
    cart = Cart(customer_id=cid, lines=[CartLine(kind="package", item_id=plan.id)],
                payments=[CartPayment(method="cash", amount=1_000_000)])
    with write_session(engine) as s:
        sold = checkout(s, staff_id=staff_id, cart=cart, idempotency_key="pkg1")
    package = next(p for p in read(engine, lambda s: list_packages(s, customer_id=cid))
                   if p.invoice_id == sold.invoice_id)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        screen = await open_detail(app, pilot, cid)
        table = screen.query_one("#packages-table")
        await select_row(pilot, table, world["count"].id)  # back-filled: no invoice
        assert screen.check_action("package_invoice", ()) is False
        screen.action_package_invoice()
        await settle(pilot)
        assert app.screen is screen
        await select_row(pilot, table, package.id)
        await settle(pilot)
        assert screen.check_action("package_invoice", ()) is True
        assert "i: its invoice" in plain(screen.query_one("#packages-bar"))
        await pilot.press("i")
        await settle(pilot)
        assert isinstance(app.screen, InvoiceDialog)
        assert app.screen.invoice.code == sold.code
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


async def test_new_keys_are_listed_by_f1(app, world):
    from salontui.screens.dialogs.help import HelpDialog

    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        await open_detail(app, pilot, world["customer"].id)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpDialog)
        keys = {key: text for key, text, _on in app.screen.keys}
        assert keys["^d"] == "Delete customer"
        assert keys["i"] == "Open the invoice that sold the package"
        assert keys["f4"] == "Show deleted care notes (again: back to the others)"
        assert "D" not in keys
