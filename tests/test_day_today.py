"""The desk's Today board (store/day/today.py): the salon's day by state, walk-ins as paid,
the visits paid today not followed up, the day's edges in the salon's time zone, a
branch's day."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import text

from salontui.store import clock
from salontui.store.cart import Cart, CartLine, CartPayment
from salontui.store.catalog import create_item
from salontui.store.checkout import checkout
from salontui.store.customers import create_customer
from salontui.store.day.appointments import set_appointment_status
from salontui.store.day.book import LineIn, book_appointment
from salontui.store.day.today import today_board

NOW = datetime(2026, 11, 23, 9, 30)  # UTC: 16:30 in the salon (+7), Monday 23
DAY = NOW.date()


def _pay(s, staff_id, customer_id, item, key, appointment_id=None):
    cart = Cart(customer_id=customer_id, appointment_id=appointment_id,
                lines=[CartLine(kind="service", item_id=item.id, staff_id=staff_id)],
                payments=[CartPayment(method="cash", amount=item.price)])
    return checkout(s, staff_id=staff_id, cart=cart, idempotency_key=key)


def _visit(s, staff_id, customer_id, item, starts_at, technician_id, status=None, **kw):
    row = book_appointment(s, staff_id=staff_id, customer_id=customer_id,
                           lines=[LineIn(item.id, technician_id, starts_at)], confirm=True,
                           confirm_past=True, **kw)
    for step in status or ():
        row = set_appointment_status(s, staff_id=staff_id, appointment_id=row.id, status=step,
                                     reason="Khách báo bận" if step == "cancelled" else "")
    return row


def test_the_day_by_state(writer, reader, staff_id, technician_id, customer_id):
    # Sunday: a late visit, paid after midnight; a walk-in.
    with clock.pinned(NOW - timedelta(days=1)), writer() as s:
        cut = create_item(s, staff_id=staff_id, name="Cắt tóc nữ", kind="service",
                          price=150_000, duration_minutes=45)
        lan = create_customer(s, staff_id=staff_id, name="Trần Ngọc Lan",
                              phone="0903 111 222").id
        late = _visit(s, staff_id, lan, cut, datetime(2026, 11, 22, 16, 0), technician_id,
                      status=["checked_in"])
        _pay(s, staff_id, customer_id, cut, "sunday")
    with clock.pinned(NOW), writer() as s:
        # 06:30 and 23:30 in the salon are Monday's; 00:30 on Tuesday is not.
        early = _visit(s, staff_id, customer_id, cut, datetime(2026, 11, 22, 23, 30),
                       technician_id, status=["checked_in"])
        paid_early = _pay(s, staff_id, customer_id, cut, "early", appointment_id=early.id)
        arrived = _visit(s, staff_id, lan, cut, datetime(2026, 11, 23, 8, 0), technician_id,
                         status=["checked_in"])
        gone = _visit(s, staff_id, lan, cut, datetime(2026, 11, 23, 3, 0), technician_id,
                      status=["no_show"])
        off = _visit(s, staff_id, customer_id, cut, datetime(2026, 11, 23, 12, 0),
                     technician_id, status=["cancelled"])
        expected = _visit(s, staff_id, customer_id, cut, datetime(2026, 11, 23, 16, 30),
                          technician_id)
        _visit(s, staff_id, customer_id, cut, datetime(2026, 11, 23, 17, 30), technician_id)
        _pay(s, staff_id, lan, cut, "late", appointment_id=late.id)
        walk_in = _pay(s, staff_id, lan, cut, "walk-in")
        nobody = _pay(s, staff_id, None, cut, "anonymous")
    with clock.pinned(NOW), reader() as s:
        board = today_board(s, day=DAY)
    assert board.day == DAY
    assert board.counts == {"expected": 1, "arrived": 1, "paid": 3, "no_show": 1,
                            "cancelled": 1}
    shown = [(r.key, r.state, r.customer_name) for r in board.rows]
    assert shown == [
        (f"a{early.id}", "paid", "Nguyễn Thị Hương"),
        (f"a{gone.id}", "no_show", "Trần Ngọc Lan"),
        (f"a{arrived.id}", "arrived", "Trần Ngọc Lan"),
        (f"i{walk_in.invoice_id}", "paid", "Trần Ngọc Lan"),
        (f"i{nobody.invoice_id}", "paid", "walk-in"),
        (f"a{off.id}", "cancelled", "Nguyễn Thị Hương"),
        (f"a{expected.id}", "expected", "Nguyễn Thị Hương")]
    first = board.rows[0]
    assert (first.services, first.staff_name, first.phone, first.invoice_code) == (
        "Cắt tóc nữ", "Lê Văn Tài", "+84935320888", paid_early.code)
    assert first.collected_by == "Trần Thu Hà"
    assert board.rows[1].status == "no_show" and board.rows[5].reason == "Khách báo bận"
    walk = board.rows[3]
    assert walk.walk_in and walk.customer_id == lan and walk.phone == "+84903111222"
    assert (walk.services, walk.staff_name, walk.invoice_id) == (
        "Cắt tóc nữ", "Trần Thu Hà", walk_in.invoice_id)
    assert board.rows[4].customer_id is None and board.rows[4].phone == ""
    # Paid today and not followed up: this morning's visit and last night's (paid after
    # midnight), in the order they were paid; walk-ins have no follow-up.
    assert [r.appointment_id for r in board.not_followed_up] == [early.id, late.id]
    assert [r.state for r in board.of("paid")] == ["paid"] * 3
    with writer() as s:
        s.execute(text("UPDATE appointment SET followed_up_at = :at WHERE id = :id"),
                  {"at": NOW, "id": early.id})
    with reader() as s:
        board = today_board(s, day=DAY)
    assert [r.appointment_id for r in board.not_followed_up] == [late.id]
    # Sunday's board: last night's visit (checked in then), yesterday's walk-in.
    with reader() as s:
        sunday = today_board(s, day=DAY - timedelta(days=1))
    assert [(r.appointment_id, r.state) for r in sunday.rows] == [(None, "paid"),
                                                                   (late.id, "paid")]
    assert sunday.not_followed_up == ()


def test_a_branch_board(writer, reader, fixed_now, staff_id, technician_id, customer_id):
    from salontui.store.branches import create_branch, first_branch_id

    with writer() as s:
        cut = create_item(s, staff_id=staff_id, name="Cắt tóc nữ", kind="service",
                          price=150_000)
        create_branch(s, staff_id=staff_id, code="Q1", name="Quận 1")
        other = create_branch(s, staff_id=staff_id, code="Q3", name="Quận 3").id
        first = first_branch_id(s)
        here = _visit(s, staff_id, customer_id, cut, fixed_now + timedelta(hours=1),
                      technician_id)
        there = _visit(s, staff_id, customer_id, cut, fixed_now + timedelta(hours=2),
                       technician_id, branch_id=other)
    with reader() as s:
        assert [r.appointment_id for r in today_board(s, day=DAY, branch_id=first).rows] == [
            here.id]
        assert [r.appointment_id for r in today_board(s, day=DAY, branch_id=other).rows] == [
            there.id]
        assert [r.appointment_id for r in today_board(s, day=DAY).rows] == [here.id, there.id]
