"""The Today board at 80×24, by keys: the day by state, another desk's booking shown
without a key, ``i`` checks a visit in (it goes to the cashier), a technician signed in
as themselves records a service and a product on it (``r``; bad input at its field), the
board says who recorded them, and Enter opens the visit's checkout."""

from __future__ import annotations

from datetime import datetime, timedelta

from test_ui_helpers import SIZE, fill, plain, settle, start, table_rows

from salontui.app import SalonApp
from salontui.store import clock
from salontui.store.db import write_session

NOW = datetime(2026, 11, 23, 9, 30)  # 16:30 in the salon (+7)


def make_day(engine, staff_id, technician_id):
    """A paid visit this morning, a no-show, two visits still expected, a walk-in: the
    first expected visit and the three customers."""
    from salontui.store.cart import Cart, CartLine, CartPayment
    from salontui.store.catalog import create_item
    from salontui.store.checkout import checkout
    from salontui.store.customers import create_customer
    from salontui.store.day.appointments import set_appointment_status
    from salontui.store.day.book import LineIn, book_appointment

    with write_session(engine) as s:
        cut = create_item(s, staff_id=staff_id, name="Cắt tóc nữ", kind="service",
                          price=150_000, duration_minutes=45)
        create_item(s, staff_id=staff_id, name="Dầu gội bưởi", kind="product", price=120_000)
        people = [create_customer(s, staff_id=staff_id, name=name, phone=phone).id
                  for name, phone in (("Nguyễn Thị Hương", "0935 320 888"),
                                      ("Trần Ngọc Lan", "0903 111 222"),
                                      ("Phạm Minh Châu", "0912 345 678"))]

        def visit(customer_id, hours, *steps):
            row = book_appointment(s, staff_id=staff_id, customer_id=customer_id, lines=[
                LineIn(cut.id, technician_id, NOW + timedelta(hours=hours))],
                confirm=True, confirm_past=True)
            for step in steps:
                row = set_appointment_status(s, staff_id=staff_id, appointment_id=row.id,
                                             status=step)
            return row

        paid = visit(people[0], -6, "checked_in")
        checkout(s, staff_id=staff_id, idempotency_key="paid", cart=Cart(
            customer_id=people[0], appointment_id=paid.id,
            lines=[CartLine(kind="service", item_id=cut.id, staff_id=technician_id)],
            payments=[CartPayment(method="cash", amount=150_000)]))
        visit(people[1], -5, "no_show")
        expected = visit(people[2], 0.5)
        visit(people[1], 2)
        checkout(s, staff_id=staff_id, idempotency_key="walk-in", cart=Cart(
            customer_id=None, lines=[CartLine(kind="product", item_id=cut.id + 1)],
            payments=[CartPayment(method="cash", amount=120_000)]))
    return expected, people


async def test_check_in_record_and_open_the_checkout(db_url, engine, staff_id, technician_id):
    from salontui.screens.checkout.screen import CheckoutScreen
    from salontui.screens.day.record_visit import RecordVisitDialog
    from salontui.screens.day.today import TodayScreen
    from salontui.store.day.book import LineIn, book_appointment
    from salontui.store.staff import list_staff

    with clock.pinned(NOW):
        expected, people = make_day(engine, staff_id, technician_id)
        app = SalonApp(db_url, staff_id=staff_id)
        async with app.run_test(size=SIZE) as pilot:
            await start(app, pilot)
            board = TodayScreen()
            app.push_screen(board)
            await settle(pilot)
            tabs = plain(board.query_one("#today-tabs"))
            assert "1 Expected 2" in tabs and "2 Arrived 0" in tabs and "3 Paid 2" in tabs
            assert "4 No-show 1" in tabs and "5 To follow up 1" in tabs
            assert [row[1:] for row in table_rows(board, "#today-table")] == [
                ["Nguyễn Thị Hương", "Cắt tóc nữ", "Lê Văn Tài", "paid, follow up"],
                ["Trần Ngọc Lan", "Cắt tóc nữ", "Lê Văn Tài", "no-show"],
                ["walk-in", "Dầu gội bưởi", "", "paid"],
                ["Phạm Minh Châu", "Cắt tóc nữ", "Lê Văn Tài", "expected"],
                ["Trần Ngọc Lan", "Cắt tóc nữ", "Lê Văn Tài", "expected"]]
            assert table_rows(board, "#today-table")[3][0] == "17:00"

            # Another desk books a visit for tonight: it shows without a key pressed.
            with write_session(engine) as s:
                book_appointment(s, staff_id=staff_id, customer_id=people[0],
                                 lines=[LineIn(1, technician_id, NOW + timedelta(hours=3))],
                                 confirm=True)
            for _ in range(30):
                if "1 Expected 3" in plain(board.query_one("#today-tabs")):
                    break
                await pilot.pause(0.1)
            assert "1 Expected 3" in plain(board.query_one("#today-tabs"))

            # 1 shows the expected visits; i checks the first in: it goes to the cashier.
            await pilot.press("1")
            await settle(pilot)
            assert [r[1] for r in table_rows(board, "#today-table")] == [
                "Phạm Minh Châu", "Trần Ngọc Lan", "Nguyễn Thị Hương"]
            assert "i check in" in plain(board.query_one("#today-hint"))
            await pilot.press("i")
            await settle(pilot)
            assert [r[1] for r in table_rows(board, "#today-table")] == [
                "Trần Ngọc Lan", "Nguyễn Thị Hương"]
            await pilot.press("2")
            await settle(pilot)
            assert table_rows(board, "#today-table") == [
                ["17:00", "Phạm Minh Châu", "Cắt tóc nữ", "Lê Văn Tài", "to cashier"]]

            # The technician signs in as herself and records the cut and two shampoos.
            [tech] = [m for m in await _staff(engine, list_staff) if m.id == technician_id]
            app.sign_in(tech)
            await pilot.press("r")
            await settle(pilot)
            dialog = app.screen
            assert isinstance(dialog, RecordVisitDialog)
            assert "Recording as Lê Văn Tài" in plain(dialog.query_one("#record-intro"))
            await fill(pilot, "item", "cắt")
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            assert table_rows(dialog, "#record-lines") == [
                ["Cắt tóc nữ", "service", "Lê Văn Tài", "", "Lê Văn Tài"]]
            await pilot.press("shift+tab", "p")  # the kind: product
            await fill(pilot, "item", "dau goi")
            await settle(pilot)
            await fill(pilot, "quantity", "0")
            await pilot.press("enter")
            await settle(pilot)
            assert dialog.errors() == {"quantity": "Quantity must be more than zero."}
            await fill(pilot, "quantity", "2")
            await pilot.press("enter")
            await settle(pilot)
            assert table_rows(dialog, "#record-lines")[1] == [
                "Dầu gội bưởi", "product", "Lê Văn Tài", "2", "Lê Văn Tài"]
            # Bad input is answered at its field, nothing written: nothing matches; a
            # session with no package of hers covering the cut.
            await fill(pilot, "item", "zzz")
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            assert dialog.errors() == {"item": "Nothing of the catalogue matches 'zzz'."}
            await pilot.press("shift+tab", "r")  # the kind: a session redeemed
            await fill(pilot, "item", "cắt")
            await settle(pilot)
            await pilot.press("enter")
            await settle(pilot)
            assert dialog.errors() == {
                "package": "No package of this customer's covers Cắt tóc nữ."}
            assert len(table_rows(dialog, "#record-lines")) == 2
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is board
            detail = plain(board.query_one("#today-detail"))
            assert "Cắt tóc nữ (Lê Văn Tài, recorded by Lê Văn Tài)" in detail
            assert "Dầu gội bưởi ×2 (Lê Văn Tài, recorded by Lê Văn Tài)" in detail

            # The cashier opens it: the visit's checkout.
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, CheckoutScreen)
            assert app.screen.appointment_id == expected.id


async def _staff(engine, list_staff):
    from salontui.store.db import read_session

    with read_session(engine) as s:
        return list_staff(s)
