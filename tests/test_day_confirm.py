"""A booking that needs confirming is asked once: a start that has passed and a double
booking come in one question, and confirming both books it (on both engines)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from salontui.store.catalog import create_item
from salontui.store.customers import create_customer
from salontui.store.day.appointments import appointment_history
from salontui.store.day.book import LineIn, book_appointment
from salontui.store.day.conflicts import NeedsConfirmation


def test_a_past_double_booking_is_one_question(fixed_now, writer, reader, staff_id,
                                               technician_id, customer_id):
    with writer() as s:
        cut = create_item(s, staff_id=staff_id, name="Cắt tóc nữ", kind="service",
                          price=150_000, duration_minutes=45)
        other = create_customer(s, staff_id=staff_id, name="Trần Ngọc Lan",
                                phone="0903 111 222").id
        start = fixed_now - timedelta(minutes=30)  # 16:00 at the salon, half an hour ago
        book_appointment(s, staff_id=staff_id, customer_id=other, confirm_past=True,
                         lines=[LineIn(cut.id, technician_id, start)])
    line = LineIn(cut.id, technician_id, start)
    with pytest.raises(NeedsConfirmation) as asked, writer() as s:
        book_appointment(s, staff_id=staff_id, customer_id=customer_id, lines=[line])
    assert {c.kind for c in asked.value.conflicts} == {"past", "overlap"}
    with pytest.raises(NeedsConfirmation) as asked, writer() as s:  # one of the two said
        book_appointment(s, staff_id=staff_id, customer_id=customer_id, lines=[line],
                         confirm_past=True)
    assert {c.kind for c in asked.value.conflicts} == {"overlap"}
    with writer() as s:
        row = book_appointment(s, staff_id=staff_id, customer_id=customer_id, lines=[line],
                               confirm=True, confirm_past=True)
    with reader() as s:
        changes = [e.change for e in appointment_history(s, appointment_id=row.id)]
    assert changes == ["booked", "overlap"]
