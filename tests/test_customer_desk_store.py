"""The store side of the customer detail as a receptionist found it (issue #9): a package's
history names both the operator and the technician and when a freeze ends; a package
knows the invoice that sold it; saving an unchanged customer writes nothing; deleted care
notes can be listed and restored; messages about counts read "1 session", "2 sessions".
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from salontui.store import clock
from salontui.store.care import (
    add_care_note,
    delete_care_note,
    list_care_notes,
    restore_care_note,
)
from salontui.store.customers import get_customer, update_customer
from salontui.store.errors import RuleViolation
from salontui.store.package_reads import get_package, list_packages, package_history
from salontui.store.packages import (
    cancel_package,
    check_redeemable,
    freeze_package,
    redeem_session,
    resume_package,
    sell_package,
)
from salontui.store.staff import create_staff


def sell(writer, staff_id, customer_id, *, total=10, used=0):
    with writer() as s:
        return sell_package(s, staff_id=staff_id, customer_id=customer_id,
                            name="Gội đầu dưỡng sinh", kind="count", price=5980,
                            total_uses=total, used=used, expires_on=date(2027, 11, 23))


def audit_rows(reader) -> int:
    with reader() as s:
        return s.execute(text("SELECT count(*) FROM audit_log")).scalar_one()


def test_history_names_the_operator_and_the_technician_of_a_redemption(
        fixed_now, writer, reader, staff_id, customer_id):
    package = sell(writer, staff_id, customer_id)
    with writer() as s:
        tech = create_staff(s, name="Lê Văn Tài", role="technician", staff_id=staff_id).id
    with writer() as s:
        redeem_session(s, staff_id=staff_id, package_id=package.id, service_staff_id=tech)
    with reader() as s:
        redeemed, sold = package_history(s, package_id=package.id)
    assert (redeemed.operator_name, redeemed.service_staff_name) == ("Trần Thu Hà", "Lê Văn Tài")
    assert (sold.operator_name, sold.service_staff_name) == ("Trần Thu Hà", "")


def test_a_freeze_in_the_history_says_when_it_ends(fixed_now, writer, reader, staff_id,
                                                    customer_id):
    package = sell(writer, staff_id, customer_id)
    with writer() as s:
        freeze_package(s, staff_id=staff_id, package_id=package.id, days=14, note="Travelling")
    with writer() as s:
        resume_package(s, staff_id=staff_id, package_id=package.id)
    with writer() as s:
        freeze_package(s, staff_id=staff_id, package_id=package.id,
                       until=date(2027, 1, 10), note="Surgery")
    with reader() as s:
        events = package_history(s, package_id=package.id)
    assert [e.change for e in events] == ["freeze", "resume", "freeze", "sell"]
    # Not the new expiry (which moved out by the frozen days): the day the freeze ends.
    assert events[0].frozen_until == date(2027, 1, 10)
    assert events[0].new_expiry == date(2027, 11, 23) + (date(2027, 1, 10) - date(2026, 11, 23))
    assert events[2].frozen_until == date(2026, 12, 7)
    assert events[1].frozen_until is None and events[3].frozen_until is None


def test_a_back_filled_package_has_no_invoice(fixed_now, writer, reader, staff_id,
                                                  customer_id):
    backfilled = sell(writer, staff_id, customer_id)  # sold before the desk: no invoice
    assert backfilled.invoice_id is None
    with reader() as s:
        assert get_package(s, package_id=backfilled.id).invoice_id is None
        assert [p.invoice_id for p in list_packages(s, customer_id=customer_id)] == [None]


def test_a_package_sold_at_checkout_carries_its_invoice(fixed_now, writer, reader, staff_id,
                                                        customer_id):
    from salontui.store.cart import Cart, CartLine, CartPayment
    from salontui.store.catalog import create_item
    from salontui.store.checkout import checkout

    with writer() as s:
        plan = create_item(s, staff_id=staff_id, name="Gội 10 buổi", kind="package",
                           package_kind="count", price=1_000_000, sessions=10,
                           validity_days=365)
    cart = Cart(customer_id=customer_id, lines=[CartLine(kind="package", item_id=plan.id)],
                payments=[CartPayment(method="cash", amount=1_000_000)])
    with writer() as s:
        invoice = checkout(s, staff_id=staff_id, cart=cart, idempotency_key="p1")
    with reader() as s:
        (package,) = list_packages(s, customer_id=customer_id)
    assert package.invoice_id == invoice.invoice_id


def test_saving_an_unchanged_customer_writes_nothing(writer, reader, staff_id, customer_id):
    with reader() as s:
        before = get_customer(s, customer_id=customer_id)
    audits = audit_rows(reader)
    with writer() as s:
        same = update_customer(s, staff_id=staff_id, customer_id=customer_id,
                               name=" Nguyễn  Thị Hương ", phone="+84935320888",
                               expected_updated_at=before.updated_at)
    assert same == before  # updated_at unchanged: the desk says "Nothing changed"
    assert audit_rows(reader) == audits
    with writer() as s:
        changed = update_customer(s, staff_id=staff_id, customer_id=customer_id,
                                  name="Nguyễn Thị Hương", phone="0935320888", note="VIP",
                                  expected_updated_at=before.updated_at)
    assert changed.note == "VIP" and audit_rows(reader) == audits + 1


def test_deleted_care_notes_are_listed_and_restored_with_an_audit_row(
        fixed_now, writer, reader, staff_id, customer_id):
    with writer() as s:
        kept = add_care_note(s, staff_id=staff_id, customer_id=customer_id, type="call",
                             title="Called")
        gone = add_care_note(s, staff_id=staff_id, customer_id=customer_id, type="sms",
                             title="Reminder sent")
    with writer() as s:
        delete_care_note(s, staff_id=staff_id, note_id=gone.id)
    with reader() as s:
        assert [n.id for n in list_care_notes(s, customer_id=customer_id)] == [kept.id]
        deleted = list_care_notes(s, customer_id=customer_id, only_deleted=True)
    assert [(n.id, n.deleted) for n in deleted] == [(gone.id, True)]
    with writer() as s:
        restore_care_note(s, staff_id=staff_id, note_id=gone.id)
    with reader() as s:
        assert list_care_notes(s, customer_id=customer_id, only_deleted=True) == []
        assert {n.id for n in list_care_notes(s, customer_id=customer_id)} == {kept.id, gone.id}
        action = s.execute(text("SELECT action FROM audit_log ORDER BY id DESC")).scalar()
    assert action == "restore_care_note"


@pytest.mark.parametrize(("used", "message"), [
    (1, "1 session of this package was used; give it back first."),
    (2, "2 sessions of this package were used; give those back first."),
])
def test_a_count_in_a_refusal_takes_its_plural(fixed_now, writer, staff_id, customer_id, used,
                                               message):
    package = sell(writer, staff_id, customer_id, used=used)
    with writer() as s, pytest.raises(RuleViolation) as info:
        cancel_package(s, staff_id=staff_id, package_id=package.id)
    assert info.value.message == message


@pytest.mark.parametrize(("used", "message"), [
    (9, "Only 1 session left on this package."),
    (8, "Only 2 sessions left on this package."),
])
def test_sessions_left_takes_its_plural(fixed_now, writer, staff_id, customer_id, used,
                                        message):
    package = sell(writer, staff_id, customer_id, used=used)
    with writer() as s, pytest.raises(RuleViolation) as info:
        check_redeemable(s, package_id=package.id, customer_id=customer_id, sessions=3)
    assert info.value.message == message
    assert clock.today() == date(2026, 11, 23)
