"""Two hands on one visit: the technician records services, sessions redeemed and products
on the checked-in visit (store/day/visit.py); what a booked, cancelled or paid visit
refuses; every line in the visit's history and the audit log."""

from __future__ import annotations

from datetime import timedelta

import pytest
from refusals import refused_wrongly
from sqlalchemy import text

from salontui.store.catalog import create_item
from salontui.store.customers import create_customer
from salontui.store.day.appointments import (
    appointment_history,
    get_appointment,
    set_appointment_status,
)
from salontui.store.day.book import LineIn, book_appointment
from salontui.store.day.visit import covering_packages, record_line, remove_line, visit_sheet
from salontui.store.errors import NotFound, RuleViolation, SalonError
from salontui.store.packages import sell_package
from salontui.store.staff import create_staff


def _count(reader, table: str = "audit_log") -> int:
    with reader() as s:
        return s.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


@pytest.fixture
def salon(fixed_now, writer, staff_id, technician_id, customer_id):
    """A cut (45 min) and a wash booked with the technician at 10:00 UTC, checked in; a
    shampoo to sell; a 10-session wash card of the customer covering the wash only, and a
    card of no plan."""
    with writer() as s:
        cut = create_item(s, staff_id=staff_id, name="Cắt tóc nữ", kind="service",
                          price=150_000, duration_minutes=45)
        wash = create_item(s, staff_id=staff_id, name="Gội đầu dưỡng sinh", kind="service",
                           price=80_000, duration_minutes=30)
        colour = create_item(s, staff_id=staff_id, name="Nhuộm tóc", kind="service",
                             price=500_000, duration_minutes=90)
        shampoo = create_item(s, staff_id=staff_id, name="Dầu gội bưởi", kind="product",
                              price=120_000)
        plan = create_item(s, staff_id=staff_id, name="Gội 10 buổi", kind="package",
                           price=700_000, package_kind="count", sessions=10,
                           validity_days=180, service_ids=[wash.id])
        card = sell_package(s, staff_id=staff_id, customer_id=customer_id, plan_id=plan.id)
        loose = sell_package(s, staff_id=staff_id, customer_id=customer_id,
                             name="Thẻ cũ 3 buổi", kind="count", price=300_000, total_uses=3,
                             purchased_on=fixed_now.date(), activated_on=fixed_now.date(),
                             expires_on=fixed_now.date() + timedelta(days=90))
        visit = book_appointment(s, staff_id=staff_id, customer_id=customer_id, lines=[
            LineIn(cut.id, technician_id, fixed_now + timedelta(minutes=30)),
            LineIn(wash.id, technician_id)], confirm=True)
        set_appointment_status(s, staff_id=staff_id, appointment_id=visit.id,
                               status="checked_in")
    return {"cut": cut, "wash": wash, "colour": colour, "shampoo": shampoo, "card": card,
            "loose": loose, "visit": visit}


def test_technician_records_service_session_and_product(salon, writer, reader, staff_id,
                                                        technician_id):
    visit = salon["visit"]
    with writer() as s:
        other = create_staff(s, name="Phạm Mai", role="technician", staff_id=staff_id).id
    audits, events = _count(reader), _count(reader, "appointment_event")
    with writer() as s:
        # The booked cut, confirmed at the desk: the same line, now recorded (still the
        # technician's).
        row = record_line(s, staff_id=staff_id, appointment_id=visit.id, kind="service",
                          item_id=salon["cut"].id)
        assert [(x.kind, x.label, x.staff_name, x.recorded_by_name) for x in row.lines] == [
            ("service", "Cắt tóc nữ", "Lê Văn Tài", "Trần Thu Hà"),
            ("service", "Gội đầu dưỡng sinh", "Lê Văn Tài", None)]
        # The booked wash paid by a session of the wash card: it becomes the redeem line.
        row = record_line(s, staff_id=technician_id, appointment_id=visit.id, kind="redeem",
                          item_id=salon["wash"].id, package_id=salon["card"].id)
        assert (row.lines[1].kind, row.lines[1].package_id, row.lines[1].recorded_by) == (
            "redeem", salon["card"].id, technician_id)
        # A colour not booked: a new line after the visit's last timed one, by another
        # technician named by the recorder; and two bottles of shampoo.
        row = record_line(s, staff_id=technician_id, appointment_id=visit.id, kind="service",
                          item_id=salon["colour"].id, staff_member_id=other)
        row = record_line(s, staff_id=technician_id, appointment_id=visit.id, kind="product",
                          item_id=salon["shampoo"].id, quantity=2)
    assert [(x.kind, x.label, x.staff_name, x.quantity, x.recorded_by_name)
            for x in row.lines] == [
        ("service", "Cắt tóc nữ", "Lê Văn Tài", 1, "Trần Thu Hà"),
        ("redeem", "Gội đầu dưỡng sinh", "Lê Văn Tài", 1, "Lê Văn Tài"),
        ("service", "Nhuộm tóc", "Phạm Mai", 1, "Lê Văn Tài"),
        ("product", "Dầu gội bưởi", "Lê Văn Tài", 2, "Lê Văn Tài")]
    colour, product = row.lines[2], row.lines[3]
    assert colour.starts_at == row.lines[1].ends_at and colour.minutes == 90
    assert product.starts_at is None
    assert row.starts_at == visit.starts_at and row.status == "checked_in"
    assert _count(reader) == audits + 4
    assert _count(reader, "appointment_event") == events + 4
    with reader() as s:
        history = appointment_history(s, appointment_id=visit.id)
    assert [e.change for e in history[-4:]] == ["recorded"] * 4
    assert history[-1].note == "Dầu gội bưởi ×2 · Lê Văn Tài"
    assert history[-1].staff_name == "Lê Văn Tài"
    # The session itself is used when the visit is paid, not when it is recorded.
    with reader() as s:
        assert s.execute(text("SELECT used FROM customer_package WHERE id = :p"),
                         {"p": salon["card"].id}).scalar_one() == 0

    # A line recorded by mistake comes off; the audit row keeps what it was.
    with writer() as s:
        row = remove_line(s, staff_id=staff_id, line_id=product.id)
    assert [x.label for x in row.lines] == ["Cắt tóc nữ", "Gội đầu dưỡng sinh", "Nhuộm tóc"]
    with reader() as s:
        last = appointment_history(s, appointment_id=visit.id)[-1]
        before = s.execute(text("SELECT action, before FROM audit_log ORDER BY id DESC "
                                "LIMIT 1")).one()
    assert (last.change, last.note, last.staff_name) == (
        "removed", "Dầu gội bưởi ×2 · Lê Văn Tài", "Trần Thu Hà")
    assert before[0] == "remove_visit_line" and "Dầu gội bưởi" in before[1]


def test_the_start_stays_the_first_line(salon, engine, writer, technician_id):
    """Taking the first booked service off (not done) moves the visit's start to the next
    one; what is recorded later never moves it (and ``check`` agrees)."""
    from salontui.store.check import run_checks

    visit = salon["visit"]
    with writer() as s:
        row = get_appointment(s, appointment_id=visit.id)
        cut, wash = row.lines
        row = remove_line(s, staff_id=technician_id, line_id=cut.id)
        assert row.starts_at == wash.starts_at
        row = record_line(s, staff_id=technician_id, appointment_id=visit.id, kind="service",
                          item_id=salon["cut"].id)
        assert row.starts_at == wash.starts_at
        assert row.lines[-1].starts_at == wash.ends_at
        record_line(s, staff_id=technician_id, appointment_id=visit.id, kind="service",
                    item_id=salon["wash"].id)
    assert run_checks(engine, only=["appointments"]) == []
    with writer() as s:
        # The last line stays: a visit has lines.
        row = remove_line(s, staff_id=technician_id, line_id=wash.id)
    with pytest.raises(RuleViolation) as refused, writer() as s:
        remove_line(s, staff_id=technician_id, line_id=row.lines[0].id)
    assert refused.value.field == "line"


def test_packages_offered_for_a_session(salon, reader, customer_id):
    with reader() as s:
        every = covering_packages(s, customer_id=customer_id)
        wash = covering_packages(s, customer_id=customer_id, service_id=salon["wash"].id)
        cut = covering_packages(s, customer_id=customer_id, service_id=salon["cut"].id)
        sheet = visit_sheet(s, appointment_id=salon["visit"].id)
    assert {p.package.id for p in every} == {salon["card"].id, salon["loose"].id}
    # The wash card covers the wash only; a card of no plan covers none (as the checkout
    # offers sessions).
    assert [p.package.id for p in wash] == [salon["card"].id]
    assert cut == []
    assert sheet.customer_name == "Nguyễn Thị Hương" and sheet.collected_by is None
    assert len(sheet.packages) == 2


def test_recording_refusals(salon, writer, reader, staff_id, technician_id, customer_id):
    """Bad lines are refused at their field with nothing written."""
    visit = salon["visit"]
    with writer() as s:
        stranger = create_customer(s, staff_id=staff_id, name="Lý Thu", phone="0912 000 111")
        theirs = sell_package(s, staff_id=staff_id, customer_id=stranger.id,
                              name="Thẻ của người khác", kind="count", price=100_000,
                              total_uses=2, purchased_on=salon["visit"].starts_at.date(),
                              activated_on=salon["visit"].starts_at.date(),
                              expires_on=salon["visit"].starts_at.date() + timedelta(days=30))
        retired = create_item(s, staff_id=staff_id, name="Uốn tóc", kind="service",
                              price=400_000)
        from salontui.store.catalog import set_item_active

        set_item_active(s, staff_id=staff_id, item_id=retired.id, active=False)
        one = create_item(s, staff_id=staff_id, name="Cắt nhuộm 1 buổi", kind="package",
                          price=100_000, package_kind="count", sessions=1, validity_days=30,
                          service_ids=[salon["cut"].id, salon["colour"].id])
        two = sell_package(s, staff_id=staff_id, customer_id=customer_id, plan_id=one.id)
        record_line(s, staff_id=technician_id, appointment_id=visit.id, kind="redeem",
                    item_id=salon["cut"].id, package_id=two.id)
    base = {"staff_id": technician_id, "appointment_id": visit.id, "kind": "service",
            "item_id": salon["colour"].id}
    cases = [
        ({"kind": "package"}, "kind"),
        ({"kind": "refund"}, "kind"),
        ({"item_id": salon["shampoo"].id}, "item"),
        ({"kind": "product", "item_id": salon["cut"].id}, "item"),
        ({"item_id": 999_999}, "item"),
        ({"item_id": retired.id}, "item"),
        ({"quantity": 2}, "quantity"),
        ({"quantity": 0, "kind": "product", "item_id": salon["shampoo"].id}, "quantity"),
        ({"quantity": 1000, "kind": "product", "item_id": salon["shampoo"].id}, "quantity"),
        ({"quantity": "2"}, "quantity"),
        ({"kind": "redeem"}, "package"),
        ({"package_id": salon["card"].id}, "package"),
        # The wash card does not cover a colour, nor a card of no plan; a stranger's card
        # is not hers; the one-session card is already redeemed on this visit.
        ({"kind": "redeem", "package_id": salon["card"].id}, "package", "does not cover"),
        ({"kind": "redeem", "package_id": salon["loose"].id}, "package", "does not cover"),
        ({"kind": "redeem", "package_id": theirs.id}, "package"),
        ({"kind": "redeem", "package_id": two.id}, "package"),
        ({"kind": "redeem", "package_id": 999_999}, "package"),
        ({"staff_member_id": 999_999}, "staff_member"),
        ({"staff_id": 999_999}, "staff"),
        ({"appointment_id": 999_999}, "appointment"),
    ]

    def attempt(changes):
        with writer() as s:
            record_line(s, **(base | changes))

    def written():
        return _count(reader), _count(reader, "appointment_line")

    assert refused_wrongly(cases, attempt, written, error=SalonError) == []
    with pytest.raises(NotFound) as refused, writer() as s:
        remove_line(s, staff_id=technician_id, line_id=999_999)
    assert refused.value.field == "line"


def test_only_a_checked_in_visit_takes_lines(salon, engine, writer, reader, fixed_now,
                                             staff_id, technician_id, customer_id):
    """A booked visit is checked in first; a paid, cancelled or no-show one is closed; a
    cancelled visit is never checked in."""
    with writer() as s:
        booked = book_appointment(s, staff_id=staff_id, customer_id=customer_id, lines=[
            LineIn(salon["cut"].id, technician_id, fixed_now + timedelta(hours=3))],
            confirm=True)
        cancelled = book_appointment(s, staff_id=staff_id, customer_id=customer_id, lines=[
            LineIn(salon["cut"].id, technician_id, fixed_now + timedelta(hours=5))],
            confirm=True)
        set_appointment_status(s, staff_id=staff_id, appointment_id=cancelled.id,
                               status="cancelled", reason="Khách báo bận")
    from test_ui_helpers import pay_service

    pay_service(engine, staff_id, customer_id, salon["cut"], key="visit-paid",
                appointment_id=salon["visit"].id)
    with reader() as s:
        paid = get_appointment(s, appointment_id=salon["visit"].id)
        booked_line = get_appointment(s, appointment_id=booked.id).lines[0]
    assert paid.status == "paid"
    for visit, word in ((booked, "Check the customer in first"), (cancelled, "cancelled"),
                        (paid, "paid")):
        before = _count(reader), _count(reader, "appointment_line")
        with pytest.raises(RuleViolation) as refused, writer() as s:
            record_line(s, staff_id=technician_id, appointment_id=visit.id,
                        kind="product", item_id=salon["shampoo"].id)
        assert refused.value.field == "status" and word in refused.value.message
        with pytest.raises(RuleViolation), writer() as s:
            remove_line(s, staff_id=technician_id, line_id=visit.lines[0].id
                        if visit.lines else booked_line.id)
        assert (_count(reader), _count(reader, "appointment_line")) == before
    with pytest.raises(RuleViolation) as refused, writer() as s:
        set_appointment_status(s, staff_id=staff_id, appointment_id=cancelled.id,
                               status="checked_in")
    assert refused.value.field == "status"
