"""The salon's day end to end, by keys only, at 80×24 (到店 → 消费 → 收银 → 预约): the
desk opens on today's board; the receptionist finds the customer and books a haircut
with a named stylist; back on the board the visit is expected; it is checked in ("to
cashier"); Enter opens its checkout with the line and its stylist, the package session
that covers it is redeemed instead of charging; paid; the follow-up books the next visit
four weeks on. Then the board reads paid, nothing left to follow up, and the next visit
is in the book."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import text
from test_ui_helpers import SIZE, make_customer, read, settle, start, type_text

from salontui.app import SalonApp
from salontui.store import clock
from salontui.store.db import write_session

NOW = datetime(2026, 11, 23, 9, 30)  # 16:30 on Monday 23/11/2026 at the salon (+7)


def salon(engine, staff_id, technician_id) -> dict:
    """A customer whose cut card (8 of 10 left) covers the haircut."""
    from salontui.store.catalog import create_item
    from salontui.store.packages import sell_package

    customer = make_customer(engine, staff_id)
    with write_session(engine) as s:
        cut = create_item(s, staff_id=staff_id, name="Cắt tóc nữ", kind="service",
                          price=150_000, code="DV01", duration_minutes=45)
        plan = create_item(s, staff_id=staff_id, name="Thẻ cắt 10 buổi", kind="package",
                           price=1_200_000, package_kind="count", sessions=10,
                           validity_days=365, service_ids=[cut.id])
        card = sell_package(s, staff_id=staff_id, customer_id=customer.id, plan_id=plan.id,
                            used=2, purchased_on=clock.today() - timedelta(days=20))
    return {"customer": customer.id, "card": card.id, "cut": cut.id}


async def press(pilot, *keys: str) -> None:
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


def visits(engine) -> list[tuple]:
    return read(engine, lambda s: s.execute(text(
        "SELECT a.id, a.status, a.starts_at, l.staff_id, l.kind, a.next_step, a.invoice_id "
        "FROM appointment a JOIN appointment_line l ON l.appointment_id = a.id "
        "ORDER BY a.starts_at")).all())


async def test_book_check_in_redeem_pay_follow_up_and_book_again(engine, db_url, staff_id,
                                                                 technician_id):
    from salontui.screens.checkout import CheckoutScreen
    from salontui.screens.checkout.visit import RedeemOfferDialog
    from salontui.screens.day.booking import BookingDialog
    from salontui.screens.day.follow_up import FollowUpDialog
    from salontui.screens.day.today import TodayScreen

    with clock.pinned(NOW):
        held = salon(engine, staff_id, technician_id)
        app = SalonApp(db_url, staff_id=staff_id, first_screen="today")
        async with app.run_test(size=SIZE) as pilot:
            await start(app, pilot)
            assert isinstance(app.screen, TodayScreen)
            # Find the customer and book a haircut at 17:00 with Tài.
            await press(pilot, "slash")
            await type_text(pilot, "0888")
            await settle(pilot)
            await press(pilot, "enter", "b")
            assert isinstance(app.screen, BookingDialog)
            await press(pilot, "1", "7", "tab")
            await type_text(pilot, "cat")
            await press(pilot, "enter", "t", "enter")
            assert not isinstance(app.screen, BookingDialog)
            [(visit_id, status, starts, stylist, *_rest)] = visits(engine)
            assert (status, stylist) == ("booked", technician_id)
            assert str(starts).startswith("2026-11-23 10:00")  # 17:00 at the salon
            # Back to the board: expected; check in, and the cashier opens it.
            await press(pilot, "ctrl+t")
            board = app.screen
            assert isinstance(board, TodayScreen)
            await press(pilot, "1")
            assert [r.appointment_id for r in board.shown] == [visit_id]
            await press(pilot, "i")
            assert visits(engine)[0][1] == "checked_in"
            await press(pilot, "2")
            assert [r.appointment_id for r in board.shown] == [visit_id]
            await press(pilot, "enter")
            assert isinstance(app.screen, RedeemOfferDialog)
            await press(pilot, "enter")  # redeem the session instead of charging
            checkout = app.screen
            assert isinstance(checkout, CheckoutScreen)
            assert [(line.kind, line.staff_id) for line in checkout.cart.lines] == [
                ("redeem", technician_id)]
            assert checkout.quote.total == 0
            await press(pilot, "f10", "enter")  # paid; the receipt is done
            assert isinstance(app.screen, FollowUpDialog)
            await type_text(pilot, "Tóc khô, thích kiểu cũ")
            await press(pilot, "alt+v", "+", "2", "8", "enter")
            assert isinstance(app.screen, BookingDialog)
            await type_text(pilot, "cat")
            await press(pilot, "enter", "enter")
            assert app.screen is board
            await press(pilot, "0")
            assert board.count_of("paid") == 1 and board.count_of("follow_up") == 0
    first, following = visits(engine)
    assert first[:2] == (visit_id, "paid") and first[5] == "visit" and first[6] is not None
    assert (following[1], following[3]) == ("booked", technician_id)
    assert str(following[2]).startswith("2026-12-21 10:00")  # four weeks on, same time
    sessions = read(engine, lambda s: s.execute(text(
        "SELECT used FROM customer_package WHERE id = :p"), {"p": held["card"]}).scalar())
    assert sessions == 3
