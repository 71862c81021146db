"""A visit at the cashier, by keys at 80×24: the checkout starts with the visit's lines
and their staff, offers the package session its plan covers (one key takes it), pays,
and asks for the follow-up; saved with a callback (a care note, off the not-followed-up
list), or skipped (still on it); a bad date answered at its field with nothing written;
and the whole "checked-in visit → paid with a redeemed session → next visit booked" in
at most 15 keys."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from test_ui_helpers import SIZE, make_customer, plain, read, settle, start, type_text

from salontui.app import SalonApp
from salontui.screens.checkout import CheckoutScreen
from salontui.screens.checkout.visit import RedeemOfferDialog
from salontui.screens.day.follow_up import FollowUpDialog
from salontui.store import clock
from salontui.store.db import write_session

DAY_TEXT = "23/11/2026"  # fixed_now (09:30 UTC) is 16:30 on Monday 23/11/2026 in the salon


@pytest.fixture
def visit(engine, staff_id, technician_id, fixed_now):
    """A checked-in haircut by the technician; the customer's cut card (8 of 10 left)
    covers it."""
    from salontui.store.catalog import create_item
    from salontui.store.day.appointments import set_appointment_status
    from salontui.store.day.book import LineIn, book_appointment
    from salontui.store.packages import sell_package

    customer = make_customer(engine, staff_id)
    with write_session(engine) as s:
        cut = create_item(s, staff_id=staff_id, name="Cắt tóc nữ", kind="service",
                          price=150_000, code="DV01", duration_minutes=45)
        oil = create_item(s, staff_id=staff_id, name="Dầu gội thảo dược", kind="product",
                          price=250_000, code="SP01")
        plan = create_item(s, staff_id=staff_id, name="Thẻ cắt 10 buổi", kind="package",
                           price=1_200_000, package_kind="count", sessions=10,
                           validity_days=365, service_ids=[cut.id])
        card = sell_package(s, staff_id=staff_id, customer_id=customer.id, plan_id=plan.id,
                            used=2, purchased_on=clock.today() - timedelta(days=20))
        row = book_appointment(s, staff_id=staff_id, customer_id=customer.id, lines=[
            LineIn(cut.id, staff_id=technician_id, starts_at=fixed_now)],
            confirm=True, confirm_past=True)
        set_appointment_status(s, staff_id=staff_id, appointment_id=row.id,
                               status="checked_in")
    return {"id": row.id, "customer": customer.id, "card": card.id, "oil": oil.id,
            "cut": cut.id}


@pytest.fixture
def app(db_url, staff_id, visit):
    return SalonApp(db_url, staff_id=staff_id)


async def press(pilot, *keys: str) -> int:
    """Press ``keys`` one by one, letting the desk answer each; how many were pressed."""
    for key in keys:
        await pilot.press(key)
        await settle(pilot)
    return len(keys)


async def open_visit(app, pilot, visit, *, customer=True) -> CheckoutScreen:
    """The checkout of the visit, as Enter on the Today board's visit opens it (or by
    the visit alone: its customer is read from it)."""
    await start(app, pilot)
    screen = CheckoutScreen(visit["customer"] if customer else None,
                            appointment_id=visit["id"])
    app.push_screen(screen)
    await settle(pilot)
    return screen


def waiting(engine):
    from salontui.store.day.follow_up import not_followed_up

    return [a.id for a in read(engine, lambda s: not_followed_up(s, clock.today()))]


def counts(engine) -> tuple[int, ...]:
    return read(engine, lambda s: tuple(
        s.execute(text(f"SELECT count(*) FROM {t}")).scalar()
        for t in ("care_note", "audit_log", "appointment_event")))


async def test_visit_redeemed_paid_and_followed_up_with_a_callback(app, engine, visit,
                                                                  technician_id):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_visit(app, pilot, visit)
        # The visit's line, with its staff, and the session offered over it.
        assert [(line.kind, line.item_id, line.staff_id) for line in screen.cart.lines] == [
            ("service", visit["cut"], technician_id)]
        assert isinstance(app.screen, RedeemOfferDialog)
        offer = plain(app.screen.query_one("#offers"))
        assert "Cắt tóc nữ (Lê Văn Tài) → redeem 1 session of Thẻ cắt 10 buổi (8 left)" \
            in offer
        await press(pilot, "enter")  # redeem
        assert app.screen is screen
        assert [(line.kind, line.package_id, line.staff_id) for line in screen.cart.lines] \
            == [("redeem", visit["card"], technician_id)]
        assert screen.quote.total == 0
        row = screen.query_one("#lines").row_texts(0)
        assert "Thẻ cắt 10 buổi" in row[1] and row[-1].startswith("Lê Văn")
        await press(pilot, "f10")
        assert screen.receipt_shown
        assert "collected by Trần Thu Hà" in plain(screen.query_one("#receipt-title"))
        await press(pilot, "enter")  # the receipt is done: the follow-up
        dialog = app.screen
        assert isinstance(dialog, FollowUpDialog)
        assert "Cắt tóc nữ (Lê Văn Tài)" in plain(dialog.query_one("#visit-line"))
        await type_text(pilot, "Cat ngan ngang vai")
        await press(pilot, "enter")  # a second line of the record
        await type_text(pilot, "Thich mai thua")
        await press(pilot, "tab")
        await type_text(pilot, "Thu uon nhe")
        await press(pilot, "alt+c")  # callback: on to the date
        await type_text(pilot, "07/12/2026")
        await press(pilot, "enter")
        assert not isinstance(app.screen, FollowUpDialog | CheckoutScreen)
    paid = read(engine, lambda s: s.execute(text(
        "SELECT status, next_step, next_reminder_at, service_notes, next_focus, "
        "followed_up_by FROM appointment WHERE id = :a"), {"a": visit["id"]}).one())
    assert paid.status == "paid" and paid.next_step == "callback"
    assert paid.service_notes == "Cat ngan ngang vai\nThich mai thua"
    assert paid.next_focus == "Thu uon nhe"
    # 07/12 00:00 in the salon (UTC+7), stored in UTC.
    assert str(paid.next_reminder_at).startswith("2026-12-06 17:00:00")
    note = read(engine, lambda s: s.execute(text(
        "SELECT type, title, description FROM care_note")).one())
    assert note.type == "treatment" and note.title == f"Visit {DAY_TEXT}: Cắt tóc nữ"
    assert "Next focus: Thu uon nhe" in note.description
    used = read(engine, lambda s: s.execute(text(
        "SELECT used FROM customer_package WHERE id = :p"), {"p": visit["card"]}).scalar())
    assert used == 3
    assert waiting(engine) == []


async def test_a_bad_date_is_answered_at_its_field_and_skipping_keeps_the_visit_waiting(
        app, engine, visit, technician_id):
    """The technician recorded a product on the visit: it comes with its quantity and the
    strip says who recorded it (the checkout opened by the visit alone: its customer
    pays); no session taken (n); paid in cash; the follow-up refuses
    31/02 at the date field and a callback without a date, writing nothing; Esc skips."""
    from salontui.store.models import AppointmentLine

    with write_session(engine) as s:
        s.add(AppointmentLine(appointment_id=visit["id"], position=2, kind="product",
                              item_id=visit["oil"], label="Dầu gội thảo dược",
                              quantity=2, recorded_by=technician_id,
                              recorded_at=clock.now()))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_visit(app, pilot, visit, customer=False)
        assert screen.cart.customer_id == visit["customer"]
        assert isinstance(app.screen, RedeemOfferDialog)
        await press(pilot, "n")  # charge instead
        assert [(line.kind, line.quantity) for line in screen.cart.lines] == [
            ("service", 1), ("product", 2)]
        assert "recorded by Lê Văn Tài (2)" in plain(screen.query_one("#strip"))
        assert screen.quote.total == 150_000 + 2 * 250_000
        await press(pilot, "enter", "f9", "f10", "enter")  # cash, all of it; paid; done
        dialog = app.screen
        assert isinstance(dialog, FollowUpDialog)
        before = counts(engine)
        await press(pilot, "alt+c")
        assert dialog.focused is dialog.query_one("#next_reminder_on")
        await press(pilot, "enter")
        assert "needs the date" in dialog.errors()["next_reminder_on"]
        await type_text(pilot, "31/02/2026")
        await press(pilot, "enter")
        assert "is not a date" in dialog.errors()["next_reminder_on"]
        await pilot.press(*["backspace"] * 10)
        await type_text(pilot, "22/11/2026")
        await press(pilot, "ctrl+s")
        assert "has passed" in dialog.errors()["next_reminder_on"]
        assert app.screen is dialog and counts(engine) == before
        await press(pilot, "escape")  # skip
        assert not isinstance(app.screen, FollowUpDialog | CheckoutScreen)
    assert counts(engine) == before
    assert waiting(engine) == [visit["id"]]


async def test_visit_to_next_visit_booked_in_at_most_15_keys(app, engine, visit,
                                                             technician_id, fixed_now):
    """Checked-in visit → paid with a redeemed session → next visit booked four weeks on,
    at the same time with the same stylist: every key counted."""
    keys = 1  # Enter on the Today board's visit opens its checkout (opened here directly)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_visit(app, pilot, visit)
        keys += await press(pilot, "enter")  # redeem the session offered
        keys += await press(pilot, "f10")  # nothing due: paid
        assert screen.receipt_shown
        keys += await press(pilot, "enter")  # the receipt is done: the follow-up
        assert isinstance(app.screen, FollowUpDialog)
        keys += await press(pilot, "alt+v", "+", "2", "8", "enter")
        from salontui.screens.day.booking import BookingDialog

        assert isinstance(app.screen, BookingDialog)
        keys += await press(pilot, "c", "a", "t", "enter", "enter")
        assert not isinstance(app.screen, BookingDialog | FollowUpDialog | CheckoutScreen)
    assert keys <= 15, keys
    booked = read(engine, lambda s: s.execute(text(
        "SELECT a.starts_at, l.staff_id, a.status FROM appointment a JOIN appointment_line l "
        "ON l.appointment_id = a.id WHERE a.id <> :a"), {"a": visit["id"]}).one())
    assert str(booked.starts_at).startswith(str(fixed_now + timedelta(days=28)))
    assert (booked.staff_id, booked.status) == (technician_id, "booked")
    step = read(engine, lambda s: s.execute(text(
        "SELECT next_step FROM appointment WHERE id = :a"), {"a": visit["id"]}).scalar())
    assert step == "visit"
    print(f"checked-in visit → paid with a redeemed session → next visit booked: {keys} keys")
