"""What the checkout of a visit starts with (store.day.visit_cart): the visit's lines as
cart lines with their staff and who recorded them, the packages in use offered for the
services their plan covers, what cannot go on a cart left out with a note; and a visit
is never paid twice."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text

from salontui.store import clock
from salontui.store.cart import Cart, CartLine, CartPayment, quote
from salontui.store.catalog import create_item, set_item_active
from salontui.store.checkout import checkout
from salontui.store.day.appointments import get_appointment, set_appointment_status
from salontui.store.day.book import LineIn, book_appointment
from salontui.store.day.visit_cart import planned_redemptions, visit_cart
from salontui.store.errors import RuleViolation
from salontui.store.models import AppointmentLine
from salontui.store.packages import freeze_package, sell_package


@pytest.fixture
def salon(writer, staff_id, technician_id, customer_id, fixed_now):
    """Two services, a product, a plan covering the cut and one covering the wash; the
    customer holds a cut card (8 left), a frozen and an expired cut card, and a wash
    card; a visit checked in for a cut (by the technician) and a wash (nobody named)."""
    today = clock.today()
    with writer() as s:
        cut = create_item(s, staff_id=staff_id, name="Cắt tóc nữ", kind="service",
                          price=150_000, code="DV01")
        wash = create_item(s, staff_id=staff_id, name="Gội đầu dưỡng sinh", kind="service",
                           price=120_000, code="DV02")
        oil = create_item(s, staff_id=staff_id, name="Dầu gội thảo dược", kind="product",
                          price=250_000, code="SP01")
        cut_plan = create_item(s, staff_id=staff_id, name="Thẻ cắt 10 buổi", kind="package",
                               price=1_200_000, package_kind="count", sessions=10,
                               validity_days=365, service_ids=[cut.id])
        wash_plan = create_item(s, staff_id=staff_id, name="Thẻ gội 5 buổi", kind="package",
                                price=500_000, package_kind="count", sessions=5,
                                validity_days=365, service_ids=[wash.id])

        def sell(plan, **kw):
            return sell_package(s, staff_id=staff_id, customer_id=customer_id,
                                plan_id=plan.id, purchased_on=today - timedelta(days=30),
                                activated_on=today - timedelta(days=30), **kw)

        cards = sell(cut_plan, used=2, expires_on=today + timedelta(days=200))
        frozen = sell(cut_plan, expires_on=today + timedelta(days=100))
        freeze_package(s, staff_id=staff_id, package_id=frozen.id, days=10, note="Đi xa")
        with clock.pinned(fixed_now - timedelta(days=20)):
            expired = sell(cut_plan, expires_on=today - timedelta(days=1))
        washes = sell(wash_plan, used=4, expires_on=today + timedelta(days=50))
        visit = book_appointment(s, staff_id=staff_id, customer_id=customer_id, lines=[
            LineIn(cut.id, staff_id=technician_id, starts_at=fixed_now),
            LineIn(wash.id)], confirm=True, confirm_past=True)
        set_appointment_status(s, staff_id=staff_id, appointment_id=visit.id,
                               status="checked_in")
    return {"cut": cut, "wash": wash, "oil": oil, "cards": cards, "frozen": frozen,
            "expired": expired, "washes": washes, "visit": visit, "cut_plan": cut_plan}


def record(writer, appointment_id, *lines):
    """Lines a technician recorded on the visit (kind, item, package, staff, quantity,
    recorded_by, label), after the booked ones."""
    with writer() as s:
        start = s.execute(text("SELECT count(*) FROM appointment_line WHERE appointment_id "
                               "= :a"), {"a": appointment_id}).scalar()
        for n, (kind, item_id, package_id, staff, quantity, by, label) in enumerate(lines, 1):
            s.add(AppointmentLine(appointment_id=appointment_id, position=start + n, kind=kind,
                                  item_id=item_id, package_id=package_id, label=label,
                                  staff_id=staff, quantity=quantity, recorded_by=by,
                                  recorded_at=clock.now(),
                                  starts_at=clock.now() if kind != "product" else None,
                                  minutes=30 if kind != "product" else 0))


def test_a_visit_becomes_its_cart(reader, writer, salon, staff_id, technician_id,
                                  customer_id):
    """Services with their staff, a session the technician recorded, a product with its
    quantity; old free text left out with a note; the cut offered from the card in use
    only (not the frozen nor the expired one); who recorded each line."""
    visit = salon["visit"]
    record(writer, visit.id,
           ("redeem", salon["wash"].id, salon["washes"].id, technician_id, 1, technician_id,
            "Gội đầu dưỡng sinh"),
           ("product", salon["oil"].id, None, None, 2, technician_id, "Dầu gội thảo dược"),
           ("service", None, None, technician_id, 1, None, "Uốn tóc (ghi tay)"))
    with reader() as s:
        cart = visit_cart(s, visit.id)
    assert (cart.appointment_id, cart.customer_id, cart.status) == (
        visit.id, customer_id, "checked_in")
    assert [(line.kind, line.label, line.staff_id, line.quantity) for line in cart.lines] == [
        ("service", "Cắt tóc nữ", technician_id, 1),
        ("service", "Gội đầu dưỡng sinh", None, 1),
        ("redeem", "Thẻ gội 5 buổi", technician_id, 1),
        ("product", "Dầu gội thảo dược", None, 2)]
    assert [line.recorded_by_name for line in cart.lines] == [
        None, None, "Lê Văn Tài", "Lê Văn Tài"]
    assert cart.recorders == [("Lê Văn Tài", [3, 4])]
    assert cart.lines[0].staff_name == "Lê Văn Tài"
    assert len(cart.notes) == 1 and "Uốn tóc (ghi tay)" in cart.notes[0]
    cut_offers = cart.lines[0].offers
    assert [(o.package_id, o.remaining) for o in cut_offers] == [(salon["cards"].id, 8)]
    # The wash card's last session is the technician's: nothing left to offer.
    assert cart.lines[1].offers == ()
    # Taken: the cut becomes a session of the card; the wash (nobody named) is not offered.
    assert set(planned_redemptions(cart)) == {0}
    lines = cart.cart_lines(redeem={0, 1})
    assert [(c.kind, c.package_id, c.staff_id) for c in lines] == [
        ("redeem", salon["cards"].id, technician_id), ("service", None, None),
        ("redeem", salon["washes"].id, technician_id), ("product", None, None)]
    with reader() as s:
        priced = quote(s, cart=Cart(customer_id=customer_id, lines=lines,
                                    appointment_id=visit.id))
        charged = quote(s, cart=Cart(customer_id=customer_id, lines=cart.cart_lines(),
                                     appointment_id=visit.id))
    assert priced.total == 120_000 + 2 * 250_000
    assert charged.total == 150_000 + 120_000 + 2 * 250_000


def test_sessions_are_shared_out_and_what_cannot_be_redeemed_is_said(
        reader, writer, salon, staff_id, technician_id, customer_id):
    """Two cuts on one card with one session left: only the first is offered it. A
    session recorded on a package that is no longer in use is charged as its service,
    with a note; a retired item is left out with a note."""
    with writer() as s:
        one_left = sell_package(s, staff_id=staff_id, customer_id=customer_id,
                                plan_id=salon["cut_plan"].id, used=9,
                                purchased_on=clock.today() - timedelta(days=3),
                                activated_on=clock.today() - timedelta(days=3),
                                expires_on=clock.today() + timedelta(days=5))
        extra = create_item(s, staff_id=staff_id, name="Hấp dầu", kind="service",
                            price=90_000)
    visit = salon["visit"]
    record(writer, visit.id,
           ("service", salon["cut"].id, None, technician_id, 1, technician_id, "Cắt tóc nữ"),
           ("redeem", salon["cut"].id, salon["frozen"].id, technician_id, 1, technician_id,
            "Cắt tóc nữ"),
           ("service", extra.id, None, technician_id, 1, technician_id, "Hấp dầu"))
    with writer() as s:
        set_item_active(s, staff_id=staff_id, item_id=extra.id, active=False)
    with reader() as s:
        cart = visit_cart(s, visit.id)
    # The booked cut and wash, the recorded cut, the frozen card's session as a cut.
    assert [line.kind for line in cart.lines] == ["service"] * 4
    assert cart.lines[3].staff_id == technician_id
    assert [o.package_id for o in cart.lines[0].offers] == [one_left.id, salon["cards"].id]
    planned = planned_redemptions(cart)
    # The card expiring first for the first cut, the other card for the others.
    assert {i: (p.package_id, p.remaining) for i, p in planned.items()} == {
        0: (one_left.id, 1), 2: (salon["cards"].id, 8), 3: (salon["cards"].id, 7)}
    assert any("Thẻ cắt 10 buổi" in n and "Charged as Cắt tóc nữ" in n for n in cart.notes)
    assert any("Hấp dầu" in n and "retired" in n for n in cart.notes)
    with reader() as s:
        priced = quote(s, cart=Cart(customer_id=customer_id, lines=cart.cart_lines(
            redeem={0}), appointment_id=visit.id))
        every = quote(s, cart=Cart(customer_id=customer_id, lines=cart.cart_lines(
            redeem=planned), appointment_id=visit.id))
    assert priced.total == 120_000 + 2 * 150_000
    assert every.total == 120_000  # only the wash (nobody named) is charged


def test_no_paying_twice(reader, writer, engine, salon, staff_id, technician_id,
                         customer_id):
    """Two carts for one visit (two desks): the first is paid, the second refused with
    nothing written; a paid, cancelled or no-show visit has no cart to start."""
    visit = salon["visit"]
    with reader() as s:
        start = visit_cart(s, visit.id)

    def cart_of(lines):
        total = 150_000 + 120_000
        return Cart(customer_id=customer_id, lines=lines, appointment_id=visit.id,
                    payments=[CartPayment(method="cash", amount=total)])

    first, second = cart_of(start.cart_lines()), cart_of(start.cart_lines())
    with writer() as s:
        paid = checkout(s, staff_id=staff_id, cart=first, idempotency_key="desk-1")

    def invoices():
        with reader() as s:
            return s.execute(text("SELECT count(*) FROM invoice")).scalar(), s.execute(
                text("SELECT count(*) FROM audit_log")).scalar()

    before = invoices()
    with pytest.raises(RuleViolation) as refused, writer() as s:
        checkout(s, staff_id=technician_id, cart=second, idempotency_key="desk-2")
    assert refused.value.field == "appointment"
    assert invoices() == before
    with reader() as s:
        row = get_appointment(s, appointment_id=visit.id)
        assert (row.status, row.invoice_id) == ("paid", paid.invoice_id)
        with pytest.raises(RuleViolation, match="already paid") as again:
            visit_cart(s, visit.id)
    assert paid.code in again.value.message
    # A cancelled visit: no cart either.
    with writer() as s:
        other = book_appointment(s, staff_id=staff_id, customer_id=customer_id, lines=[
            LineIn(salon["cut"].id, starts_at=clock.now() + timedelta(days=1))])
        set_appointment_status(s, staff_id=staff_id, appointment_id=other.id,
                               status="cancelled", reason="Khách bận")
    with reader() as s, pytest.raises(RuleViolation, match="cancelled"):
        visit_cart(s, other.id)


def test_a_booked_visit_and_a_redemption_with_item_on_the_invoice(
        reader, writer, salon, staff_id, technician_id, customer_id):
    """A booked (not yet checked-in) visit starts its cart too; paid with the offered
    session, the package's session is used with the technician, the invoice's session line
    names the service, and the visit is paid."""
    with writer() as s:
        booked = book_appointment(s, staff_id=staff_id, customer_id=customer_id, lines=[
            LineIn(salon["cut"].id, staff_id=technician_id,
                   starts_at=clock.now() + timedelta(hours=1))])
    with reader() as s:
        cart = visit_cart(s, booked.id)
    assert cart.status == "booked" and set(planned_redemptions(cart)) == {0}
    with writer() as s:
        paid = checkout(s, staff_id=staff_id, idempotency_key="k", cart=Cart(
            customer_id=customer_id, appointment_id=booked.id,
            lines=cart.cart_lines(redeem={0})))
    assert paid.total == 0
    with reader() as s:
        line = s.execute(text("SELECT kind, item_id, package_id, staff_id FROM invoice_line "
                              "WHERE invoice_id = :i"), {"i": paid.invoice_id}).one()
        used = s.execute(text("SELECT used FROM customer_package WHERE id = :p"),
                         {"p": salon["cards"].id}).scalar()
        assert get_appointment(s, appointment_id=booked.id).status == "paid"
    assert tuple(line) == ("redeem", salon["cut"].id, salon["cards"].id, technician_id)
    assert used == 3


def test_cart_line_is_plain_cart_data(reader, salon):
    with reader() as s:
        cart = visit_cart(s, salon["visit"].id)
    line = cart.cart_lines()[0]
    assert isinstance(line, CartLine) and line.unit_price is None  # the catalogue's price
