"""The reminders due at the desk (store/day/reminders.py), on both engines: callbacks due
or overdue, birthdays of the week across the turn of the year and on 29 February,
packages in use expiring within the salon's reminder days, debts largest first; every
date the salon's calendar day whatever the server's clock; marking one done writes a care
note, a done row and an audit row and takes it off the list (until its subject changes),
twice is refused, and bad input is refused at its field with nothing written."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

import pytest
from refusals import refused_wrongly
from sqlalchemy import text

from salontui.store import clock
from salontui.store.care import list_care_notes
from salontui.store.customers import create_customer, delete_customer
from salontui.store.day.reminders import (
    ReminderCounts,
    birthday_window,
    count_reminders_due,
    mark_reminder_done,
    reminders_due,
)
from salontui.store.errors import RuleViolation, SalonError
from salontui.store.ledger import post_entry
from salontui.store.models import Appointment
from salontui.store.packages import (
    close_package,
    extend_package,
    freeze_package,
    sell_package,
)
from salontui.store.settings import update_settings

DAY = date(2026, 11, 23)  # the fixed_now fixture's day (a Monday)


def person(writer, staff_id, name, phone, birthday=None):
    with writer() as s:
        return create_customer(s, staff_id=staff_id, name=name, phone=phone,
                               birthday=birthday).id


def callback(writer, customer_id, remind_at: datetime, *, step="callback", focus="",
             starts_at=datetime(2026, 11, 1, 3, 0)) -> int:
    """A paid visit whose follow-up asked for ``step`` at ``remind_at`` (UTC)."""
    with writer() as s:
        row = Appointment(customer_id=customer_id, starts_at=starts_at, status="paid",
                          next_step=step, next_reminder_at=remind_at, next_focus=focus,
                          followed_up_at=starts_at, created_at=starts_at)
        s.add(row)
        s.flush()
        return row.id


def due(reader, day=None, **kw):
    with reader() as s:
        return reminders_due(s, day, **kw)


def of(rows, kind):
    return [r for r in rows if r.kind == kind]


def counts(reader, day=None) -> ReminderCounts:
    with reader() as s:
        return count_reminders_due(s, day)


def written(reader) -> tuple[int, int, int]:
    with reader() as s:
        return tuple(s.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                     for table in ("care_note", "reminder_done", "audit_log"))


def done(writer, staff_id, row, care_type="call", note=""):
    with writer() as s:
        return mark_reminder_done(s, staff_id=staff_id, kind=row.kind, subject=row.subject,
                                  customer_id=row.customer_id, care_type=care_type, note=note)


# -- callbacks -----------------------------------------------------------------------------


def test_callbacks_due_or_overdue_by_the_salon_day(writer, reader, staff_id, customer_id):
    """The salon is at +07:00: a callback at 17:30 UTC on the 23rd is the salon's 24th."""
    other = person(writer, staff_id, "Lê Thị Mai", "0905 123 456")
    gone = person(writer, staff_id, "Phạm Văn Đức", "0913 222 333")
    late_night = callback(writer, customer_id, datetime(2026, 11, 23, 17, 30),
                          focus="Hỏi  về màu nhuộm")
    overdue = callback(writer, other, datetime(2026, 11, 20, 3, 0))
    callback(writer, other, datetime(2026, 11, 20, 3, 0), step="visit")  # booked, not called
    callback(writer, other, datetime(2026, 11, 25, 2, 0))  # not yet
    callback(writer, gone, datetime(2026, 11, 20, 3, 0))
    with writer() as s:
        delete_customer(s, staff_id=staff_id, customer_id=gone)

    assert [r.ref_id for r in of(due(reader, DAY), "callback")] == [overdue]
    rows = of(due(reader, date(2026, 11, 24)), "callback")
    assert [r.ref_id for r in rows] == [overdue, late_night]  # the oldest first
    first, second = rows
    assert (first.subject, first.when, first.customer_name) == (
        str(overdue), date(2026, 11, 20), "Lê Thị Mai")
    assert first.what == "Call back after the visit of 01/11/2026"
    assert (second.when, second.what, second.phone) == (
        date(2026, 11, 24), "Hỏi về màu nhuộm", "+84935320888")
    # The day not given is the salon's today: a server at 16:59 UTC is at 23:59 in the salon.
    with clock.pinned(datetime(2026, 11, 23, 16, 59)):
        assert [r.ref_id for r in of(due(reader), "callback")] == [overdue]
        assert counts(reader).callback == 1
    with clock.pinned(datetime(2026, 11, 23, 17, 0)):
        assert [r.ref_id for r in of(due(reader), "callback")] == [overdue, late_night]
        assert counts(reader).callback == 2
    # The salon moves to +08:00: 17:30 UTC is still the 24th, 15:59 UTC the 23rd.
    with writer() as s:
        update_settings(s, staff_id=staff_id, utc_offset_minutes=480)
    with clock.pinned(datetime(2026, 11, 23, 15, 59)):
        assert [r.ref_id for r in of(due(reader), "callback")] == [overdue]


def test_callbacks_of_a_branch(writer, reader, staff_id, customer_id):
    from salontui.store.branches import create_branch, first_branch_id

    with writer() as s:
        second = create_branch(s, staff_id=staff_id, code="Q2", name="Thảo Điền").id
        first = first_branch_id(s)
    here = callback(writer, customer_id, datetime(2026, 11, 20, 3, 0))  # NULL: the first
    there = callback(writer, customer_id, datetime(2026, 11, 21, 3, 0))
    with writer() as s:
        s.get(Appointment, there).branch_id = second
    assert [r.ref_id for r in of(due(reader, DAY), "callback")] == [here, there]
    assert [r.ref_id for r in of(due(reader, DAY, branch_id=first), "callback")] == [here]
    assert [r.ref_id for r in of(due(reader, DAY, branch_id=second), "callback")] == [there]


# -- birthdays -----------------------------------------------------------------------------


def test_the_birthday_window():
    window = birthday_window(date(2026, 12, 28))
    assert window[(12, 31)] == date(2026, 12, 31)
    assert window[(1, 3)] == date(2027, 1, 3)
    assert (1, 4) not in window and (12, 27) not in window
    assert birthday_window(date(2027, 2, 22))[(2, 29)] == date(2027, 2, 28)  # no 29th
    assert (2, 29) not in birthday_window(date(2027, 3, 1))
    assert birthday_window(date(2028, 2, 23))[(2, 29)] == date(2028, 2, 29)
    assert (2, 29) not in birthday_window(date(2028, 2, 22))  # kept on the 29th that year


def test_birthdays_of_the_week_across_the_year(writer, reader, staff_id):
    eve = person(writer, staff_id, "Ngô Thị Lan", "0905 100 001", date(1990, 12, 31))
    new_year = person(writer, staff_id, "Đỗ Văn Hùng", "0905 100 002", date(1985, 1, 1))
    person(writer, staff_id, "Vũ Thị Hoa", "0905 100 003", date(1992, 1, 2))  # a day late
    christmas = person(writer, staff_id, "Bùi Thị Thu", "0905 100 004", date(1992, 12, 25))
    person(writer, staff_id, "Lý Văn Nam", "0905 100 005")  # no birthday known
    gone = person(writer, staff_id, "Hồ Thị Vân", "0905 100 006", date(1990, 12, 30))
    with writer() as s:
        delete_customer(s, staff_id=staff_id, customer_id=gone)

    rows = of(due(reader, date(2026, 12, 26)), "birthday")  # Christmas was yesterday
    assert [(r.customer_id, r.when, r.subject, r.what) for r in rows] == [
        (eve, date(2026, 12, 31), f"{eve}:2026", "Birthday: turns 36"),
        (new_year, date(2027, 1, 1), f"{new_year}:2027", "Birthday: turns 42"),
    ]
    # 17:30 UTC on the 25th is the salon's 26th: the 1st of January is in its week.
    with clock.pinned(datetime(2026, 12, 25, 17, 30)):
        assert [r.customer_id for r in of(due(reader), "birthday")] == [eve, new_year]
    with clock.pinned(datetime(2026, 12, 25, 16, 0)):  # 23:00 on the 25th in the salon
        assert [r.customer_id for r in of(due(reader), "birthday")] == [christmas, eve]
        assert counts(reader).birthday == 2


def test_a_29_february_birthday(writer, reader, staff_id):
    leapling = person(writer, staff_id, "Trịnh Thị Nhung", "0905 100 007", date(1992, 2, 29))
    rows = of(due(reader, date(2027, 2, 22)), "birthday")
    assert [(r.when, r.subject) for r in rows] == [(date(2027, 2, 28), f"{leapling}:2027")]
    assert of(due(reader, date(2027, 3, 1)), "birthday") == []
    assert [r.when for r in of(due(reader, date(2028, 2, 23)), "birthday")] == [
        date(2028, 2, 29)]
    assert of(due(reader, date(2028, 2, 22)), "birthday") == []


def test_a_birthday_done_comes_back_next_year(writer, reader, staff_id):
    cid = person(writer, staff_id, "Ngô Thị Lan", "0905 100 001", date(1990, 12, 31))
    (row,) = of(due(reader, date(2026, 12, 30)), "birthday")
    done(writer, staff_id, row, care_type="sms", note="Chúc mừng sinh nhật")
    assert of(due(reader, date(2026, 12, 30)), "birthday") == []
    (again,) = of(due(reader, date(2027, 12, 30)), "birthday")
    assert (again.customer_id, again.subject) == (cid, f"{cid}:2027")


# -- packages expiring ---------------------------------------------------------------------


def package(writer, staff_id, customer_id, days, *, kind="count", total=10, used=0,
            name="Gội đầu 10 buổi"):
    with writer() as s:
        return sell_package(s, staff_id=staff_id, customer_id=customer_id, name=name,
                            kind=kind, price=1_000_000, total_uses=total if kind != "time"
                            else None, used=used, purchased_on=DAY - timedelta(days=100),
                            activated_on=DAY - timedelta(days=100),
                            expires_on=DAY + timedelta(days=days)).id


def test_packages_in_use_expiring_within_the_reminder_days(writer, reader, staff_id,
                                                          customer_id, fixed_now):
    today = package(writer, staff_id, customer_id, 0, name="Hết hạn hôm nay")
    last = package(writer, staff_id, customer_id, 14, name="Còn 14 ngày", used=7)
    package(writer, staff_id, customer_id, 15, name="Còn 15 ngày")
    year = package(writer, staff_id, customer_id, 3, kind="time", name="Thẻ năm")
    package(writer, staff_id, customer_id, 5, used=10, name="Đã dùng hết")
    closed = package(writer, staff_id, customer_id, 6, name="Đã đóng")
    frozen = package(writer, staff_id, customer_id, 5, name="Đang giữ")
    with writer() as s:
        close_package(s, staff_id=staff_id, package_id=closed, reason="Chuyển nhà")
        freeze_package(s, staff_id=staff_id, package_id=frozen, days=3, note="Đi công tác")
    rows = of(due(reader, DAY), "expiry")
    assert [r.ref_id for r in rows] == [today, year, last]  # by expiry
    assert [(r.when, r.what, r.amount) for r in rows] == [
        (DAY, "Hết hạn hôm nay: 10 sessions left", 10),
        (DAY + timedelta(days=3), "Thẻ năm", None),
        (DAY + timedelta(days=14), "Còn 14 ngày: 3 sessions left", 3)]
    assert rows[0].subject == f"{today}:{DAY.isoformat()}"
    # Three days on, the freeze is over (expiry moved to day 8): it is in use again.
    later = [r.ref_id for r in of(due(reader, DAY + timedelta(days=3)), "expiry")]
    assert frozen in later and today not in later  # expired yesterday
    # The salon's reminder days: 30 brings the 15th day in.
    with writer() as s:
        update_settings(s, staff_id=staff_id, reminder_days=30)
    assert len(of(due(reader, DAY), "expiry")) == 4
    assert counts(reader, DAY).expiry == 4


def test_an_extended_package_comes_back_when_it_nears_again(writer, reader, staff_id,
                                                             customer_id, fixed_now):
    pid = package(writer, staff_id, customer_id, 10)
    (row,) = of(due(reader, DAY), "expiry")
    done(writer, staff_id, row, note="Khách sẽ dùng hết trong tháng")
    assert of(due(reader, DAY), "expiry") == []
    with writer() as s:
        extend_package(s, staff_id=staff_id, package_id=pid, new_expiry=DAY + timedelta(40),
                       note="Gia hạn")
    assert of(due(reader, DAY), "expiry") == []  # 40 days out
    (again,) = of(due(reader, DAY + timedelta(days=30)), "expiry")
    assert again.subject == f"{pid}:{(DAY + timedelta(40)).isoformat()}"


# -- debt ----------------------------------------------------------------------------------


def debt(writer, staff_id, customer_id, amount, kind="charge"):
    with writer() as s:
        return post_entry(s, customer_id=customer_id, account="debt", amount=amount, kind=kind,
                          operator_id=staff_id)


def test_debts_largest_first_and_back_when_they_change(writer, reader, staff_id, customer_id):
    small = person(writer, staff_id, "Lê Thị Mai", "0905 123 456")
    paid = person(writer, staff_id, "Phạm Văn Đức", "0913 222 333")
    gone = person(writer, staff_id, "Hồ Thị Vân", "0905 100 006")
    with clock.pinned(datetime(2026, 11, 20, 17, 30)):  # the salon's 21st
        latest = debt(writer, staff_id, customer_id, 300_000)
    debt(writer, staff_id, small, 50_000)
    debt(writer, staff_id, paid, 100_000)
    debt(writer, staff_id, paid, -100_000, kind="repay")
    debt(writer, staff_id, gone, 900_000)
    with writer() as s:
        delete_customer(s, staff_id=staff_id, customer_id=gone)
    rows = of(due(reader, DAY), "debt")
    assert [(r.customer_id, r.amount) for r in rows] == [(customer_id, 300_000), (small, 50_000)]
    first = rows[0]
    assert (first.subject, first.ref_id, first.when) == (
        f"{customer_id}:{latest}", latest, date(2026, 11, 21))
    assert first.what.startswith("Owes 300.000")
    assert counts(reader, DAY).debt == 2
    done(writer, staff_id, first, note="Hẹn trả cuối tháng")
    assert [r.customer_id for r in of(due(reader, DAY), "debt")] == [small]
    debt(writer, staff_id, customer_id, -100_000, kind="repay")  # paid part: back, 200,000
    (back,) = [r for r in of(due(reader, DAY), "debt") if r.customer_id == customer_id]
    assert back.amount == 200_000 and back.subject != first.subject
    assert [r.kind for r in due(reader, DAY, kinds=["debt"])] == ["debt", "debt"]


# -- marking done --------------------------------------------------------------------------


def test_done_writes_a_care_note_and_leaves_the_list(writer, reader, engine, staff_id,
                                                     customer_id, fixed_now):
    visit = callback(writer, customer_id, datetime(2026, 11, 22, 2, 0), focus="Màu nhuộm")
    (row,) = due(reader, DAY)
    assert counts(reader, DAY) == ReminderCounts(callback=1)
    result = done(writer, staff_id, row, care_type="call",
                  note="  Khách hẹn thứ Bảy\ntuần sau ")
    assert (result.kind, result.subject, result.customer_id, result.care_type) == (
        "callback", str(visit), customer_id, "call")
    assert due(reader, DAY) == [] and counts(reader, DAY).total == 0
    with reader() as s:
        (note,) = list_care_notes(s, customer_id=customer_id)
        done_row = s.execute(text("SELECT kind, subject, customer_id, care_note_id, staff_id "
                                  "FROM reminder_done")).one()
        audit = s.execute(text("SELECT action, entity, entity_id, staff_id, after FROM "
                               "audit_log WHERE action = 'reminder_done'")).one()
    assert (note.id, note.type, note.title, note.description, note.staff_name) == (
        result.care_note_id, "call", "Call back: Màu nhuộm", "Khách hẹn thứ Bảy\ntuần sau",
        "Trần Thu Hà")
    assert tuple(done_row) == ("callback", str(visit), customer_id, note.id, staff_id)
    assert audit[:4] == ("reminder_done", "reminder_done", result.id, staff_id)
    assert json.loads(audit[4])["care_type"] == "call"
    # Twice is refused, saying who did it, and nothing is written.
    before = written(reader)
    with pytest.raises(RuleViolation) as twice:
        done(writer, staff_id, row)
    assert twice.value.field == "kind"
    assert "already done by Trần Thu Hà on 23/11/2026 at 16:30" in twice.value.message
    assert written(reader) == before


@pytest.mark.parametrize(("typed", "stored"), [("other", "care"), ("SMS", "sms")])
def test_what_was_done_is_the_care_type(writer, reader, staff_id, customer_id, typed, stored):
    debt(writer, staff_id, customer_id, 80_000)
    (row,) = due(reader, DAY)
    assert done(writer, staff_id, row, care_type=typed).care_type == stored
    with reader() as s:
        (note,) = list_care_notes(s, customer_id=customer_id)
    assert note.type == stored and note.title.startswith("Debt reminder: owes 80.000")
    assert note.description == ""  # a note is not needed


def test_bad_input_is_refused_at_its_field_with_nothing_written(writer, reader, staff_id,
                                                               customer_id, technician_id):
    other = person(writer, staff_id, "Lê Thị Mai", "0905 123 456")
    gone = person(writer, staff_id, "Hồ Thị Vân", "0905 100 006")
    with writer() as s:
        delete_customer(s, staff_id=staff_id, customer_id=gone)
    visit = callback(writer, customer_id, datetime(2026, 11, 22, 2, 0))
    booked = callback(writer, customer_id, datetime(2026, 11, 22, 2, 0), step="visit")
    entry = debt(writer, staff_id, customer_id, 80_000)
    points = None
    with writer() as s:
        points = post_entry(s, customer_id=customer_id, account="points", amount=10,
                            kind="earn", operator_id=staff_id)
    good = dict(staff_id=staff_id, kind="callback", subject=str(visit),
                customer_id=customer_id, care_type="call", note="Đã gọi")
    cases = [
        ({"kind": "fax"}, "kind", "A reminder is one of callback, birthday, expiry, debt"),
        ({"kind": ""}, "kind"),
        ({"kind": 3}, "kind"),
        ({"care_type": "fax"}, "care_type", "call, sms, other"),
        ({"care_type": ""}, "care_type"),
        ({"note": "x" * 10_000}, "note", "longer than 4000"),
        ({"note": "x" * 4001}, "note", "longer than 4000"),
        ({"note": "Đã gọi\x00"}, "note", "control character"),
        ({"subject": "abc"}, "subject", "not valid"),
        ({"subject": ""}, "subject"),
        ({"subject": "9" * 10_000}, "subject"),
        ({"subject": str(booked)}, "subject", "No callback"),
        ({"subject": "999999"}, "subject", "No callback"),
        ({"customer_id": other}, "subject", "not about this customer"),
        ({"customer_id": 999_999}, "customer", "No customer"),
        ({"customer_id": gone, "kind": "birthday", "subject": f"{gone}:2026"}, "customer",
         "deleted"),
        ({"kind": "birthday", "subject": f"{other}:2026"}, "subject", "not about"),
        ({"kind": "birthday", "subject": f"{customer_id}:3000"}, "subject", "not valid"),
        ({"kind": "birthday", "subject": f"{customer_id}"}, "subject", "not valid"),
        ({"kind": "expiry", "subject": "999999:2026-12-01"}, "subject", "No package"),
        ({"kind": "expiry", "subject": "1:2026-02-31"}, "subject", "not valid"),
        ({"kind": "debt", "subject": f"{customer_id}:{points}"}, "subject", "No debt entry"),
        ({"kind": "debt", "subject": f"{other}:{entry}"}, "subject", "not about"),
        ({"staff_id": None}, "staff"),
        ({"staff_id": 999_999}, "staff"),
    ]

    def attempt(changes):
        with writer() as s:
            mark_reminder_done(s, **(good | changes))

    problems = refused_wrongly(cases, attempt, lambda: written(reader), error=SalonError)
    assert not problems, "\n".join(problems)
    assert len(due(reader, DAY)) == 2  # the callback and the debt are still due


def test_reminders_bad_arguments(reader):
    with reader() as s:
        for kw, field in (({"limit": 0}, "limit"), ({"limit": 10**9}, "limit"),
                          ({"kinds": ["fax"]}, "kind"), ({"day": "2026-11-23"}, "day")):
            with pytest.raises(SalonError) as refused:
                reminders_due(s, **kw)
            assert refused.value.field == field, kw


def test_the_list_and_its_counts_in_one_reading(writer, reader, staff_id, customer_id,
                                                fixed_now):
    from salontui.store.day.reminders import reminder_list

    for day in (18, 19, 20, 21):
        callback(writer, customer_id, datetime(2026, 11, day, 3, 0))
    debt(writer, staff_id, customer_id, 80_000)
    package(writer, staff_id, customer_id, 3)
    with reader() as s:
        listing = reminder_list(s, None, limit=2)  # the salon's today: fixed_now's day
        assert listing.day == DAY
        assert listing.rows == tuple(reminders_due(s, DAY, limit=2))
        assert listing.counts == count_reminders_due(s, DAY) == ReminderCounts(
            callback=4, expiry=1, debt=1)
        assert [r.kind for r in listing.rows] == ["callback", "callback", "expiry", "debt"]
        assert reminder_list(s, DAY).counts.total == 6
