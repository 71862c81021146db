"""The salon's settings as the back office edits them (admin.salon.update_salon): every
field checked and refused at its field with nothing written, the currency fixed once money
is recorded, the opening hours and UTC offset read as typed, every change audited; the
receipt header on receipts, and new customers active members or not as the salon says."""

from __future__ import annotations

import dataclasses
import json

import pytest
from refusals import case_name
from sqlalchemy import text

from salontui.store.admin.salon import (
    SLOT_MINUTES,
    format_offset,
    parse_hours,
    parse_offset,
    salon_view,
    update_salon,
)
from salontui.store.branches import BranchRow
from salontui.store.catalog import create_item
from salontui.store.customers import create_customer
from salontui.store.errors import RuleViolation, SalonError, ValidationError
from salontui.store.settings import get_settings, update_settings, weekday_hours

HOURS = ["09:00-20:00"] * 6 + [""]  # closed on Sunday
FORM = dict(name="Salon Hoa Mai", address="68 Nguyễn Văn Linh, Đà Nẵng",
            phone="0236 3888 168", receipt_header="MST 0401234567",
            receipt_footer="Cảm ơn quý khách!", currency="VND", locale="vi_VN",
            phone_region="VN", utc_offset_minutes=420, opening_hours=HOURS, slot_minutes=30,
            new_member_active=True)


def save(writer, staff_id, **changes):
    with writer() as s:
        return update_salon(s, staff_id=staff_id, **(FORM | changes))


def audit_rows(engine, action="update_salon"):
    with engine.connect() as conn:
        return conn.execute(text("SELECT before, after FROM audit_log WHERE action = :a "
                                 "ORDER BY id"), {"a": action}).all()


def snapshot(reader):
    with reader() as s:
        row = s.execute(text("SELECT * FROM salon_settings")).all()
        audits = s.execute(text("SELECT count(*) FROM audit_log")).scalar()
    return row, audits


def test_save_every_field_and_read_it_back(engine, writer, reader, staff_id):
    saved = save(writer, staff_id, name="  Salon   Hoa Mai ", phone_region="vn",
                 currency="cny", locale="zh_CN", utc_offset_minutes=480, slot_minutes=15,
                 opening_hours=["9-20", "09:00 - 20:30", "", "10:00-24:00", "9:00-21:00",
                                "08:30-22:00", ""], new_member_active=False)
    assert (saved.name, saved.phone_region, saved.currency, saved.currency_exponent) == (
        "Salon Hoa Mai", "VN", "CNY", 2)
    assert saved.phone == "0236 3888 168"  # as the receipts print it
    assert saved.opening_hours == ("09:00-20:00,09:00-20:30,,10:00-24:00,09:00-21:00,"
                                   "08:30-22:00,")
    with reader() as s:
        view = salon_view(s)
        assert get_settings(s) == saved
    assert view.hours == ("09:00-20:00", "09:00-20:30", "", "10:00-24:00", "09:00-21:00",
                          "08:30-22:00", "")
    assert (view.settings.locale, view.settings.slot_minutes, view.currency_locked) == (
        "zh_CN", 15, False)
    assert view.settings.new_member_active is False
    [(before, after)] = audit_rows(engine)
    before, after = json.loads(before), json.loads(after)
    assert before["currency"] == "VND" and after["currency"] == "CNY"
    assert "points_per_amount" not in after  # only what changed, and never the points
    # Saving the same again changes nothing, and says so in the audit.
    save(writer, staff_id, **{k: getattr(saved, k) for k in FORM if k != "opening_hours"},
         opening_hours=list(view.hours))
    assert [json.loads(a) for _b, a in audit_rows(engine)][-1] == {}


def test_the_points_scheme_on_the_same_row_is_left_alone(writer, reader, staff_id):
    with writer() as s:
        update_settings(s, staff_id=staff_id, points_per_amount=5_000, points_topups=True)
    save(writer, staff_id, name="Salon Mới")
    with reader() as s:
        settings = get_settings(s)
    assert (settings.points_per_amount, settings.points_topups, settings.name) == (
        5_000, True, "Salon Mới")


@pytest.mark.parametrize("record", ["invoice", "ledger", "package"])
def test_the_currency_is_fixed_once_money_is_recorded(writer, reader, staff_id, customer_id,
                                                      technician_id, fixed_now, record):
    from salontui.store.ledger import adjust_points
    from salontui.store.packages import sell_package

    with writer() as s:
        if record == "ledger":
            adjust_points(s, staff_id=staff_id, customer_id=customer_id, amount=100,
                          reason="Welcome")
        elif record == "package":
            sell_package(s, staff_id=staff_id, customer_id=customer_id, name="Gội 10 buổi",
                         kind="count", price=500_000, total_uses=10,
                         expires_on=fixed_now.date().replace(year=2027))
        else:
            from salontui.store.cart import Cart, CartLine, CartPayment
            from salontui.store.checkout import checkout

            cut = create_item(s, staff_id=staff_id, name="Cắt", kind="service", price=100_000)
            checkout(s, staff_id=staff_id, idempotency_key="k", cart=Cart(
                customer_id=customer_id, lines=[CartLine(kind="service", item_id=cut.id,
                                                         staff_id=technician_id)],
                payments=[CartPayment("cash", 100_000)]))
    with reader() as s:
        assert salon_view(s).currency_locked
    before = snapshot(reader)
    with pytest.raises(RuleViolation) as refused:
        save(writer, staff_id, currency="USD")
    assert refused.value.field == "currency"
    assert "stays VND" in refused.value.message
    assert snapshot(reader) == before
    assert save(writer, staff_id, name="Salon Hoa Mai 2").name == "Salon Hoa Mai 2"


BAD = [
    ({"name": ""}, "name", "Name is required."),
    ({"name": "   "}, "name", "Name is required."),
    ({"name": "x" * 121}, "name", "This is longer than 120 characters."),
    ({"name": "x" * 10_000}, "name", "This text is longer than 4000 characters."),
    ({"name": "Salon\x1b[31m"}, "name", "Remove the control character U+001B"),
    ({"address": "x" * 251}, "address", "This is longer than 250 characters."),
    ({"receipt_header": "x" * 251}, "receipt_header", "This is longer than 250 characters."),
    ({"receipt_footer": "x" * 251}, "receipt_footer", "This is longer than 250 characters."),
    ({"phone": "12"}, "phone", "not a"),
    ({"phone": "0236 3888 168 0236 3888 168 0236 38"}, "phone", "Phone is too long."),
    ({"currency": "XYZ"}, "currency", "Choose a currency the desk knows"),
    ({"currency": ""}, "currency", "Choose a currency the desk knows"),
    ({"locale": "fr_FR"}, "locale", "Choose one of the desk's locales"),
    ({"locale": ""}, "locale", "Choose one of the desk's locales"),
    ({"phone_region": "XX"}, "phone_region", "not a country code"),
    ({"phone_region": ""}, "phone_region", "not a country code"),
    ({"utc_offset_minutes": 841}, "utc_offset_minutes", "between -12:00 and +14:00"),
    ({"utc_offset_minutes": -721}, "utc_offset_minutes", "between -12:00 and +14:00"),
    ({"utc_offset_minutes": 425}, "utc_offset_minutes", "quarters of an hour"),
    ({"utc_offset_minutes": True}, "utc_offset_minutes", "This should be a whole number."),
    ({"opening_hours": HOURS[:6]}, "opening_hours", "each of the seven days"),
    ({"opening_hours": [*HOURS[:2], "20:00-09:00", *HOURS[3:]]}, "hours_2",
     "must close after it opens"),
    ({"opening_hours": ["09:00-09:00", *HOURS[1:]]}, "hours_0", "must close after it opens"),
    ({"opening_hours": [*HOURS[:6], "25:00-26:00"]}, "hours_6", "is not a time of day"),
    ({"opening_hours": [*HOURS[:6], "all day"]}, "hours_6", "09:00-20:00"),
    ({"opening_hours": [*HOURS[:6], "9" * 10000]}, "opening_hours", "longer than 4000"),
    ({"opening_hours": [*HOURS[:6], "9" * 300]}, "hours_6", "09:00-20:00"),
    ({"slot_minutes": 25}, "slot_minutes", "The slot is one of 5, 10, 15"),
    ({"slot_minutes": 0}, "slot_minutes", "The slot is one of"),
    ({"slot_minutes": -30}, "slot_minutes", "The slot is one of"),
    ({"slot_minutes": "30"}, "slot_minutes", "This should be a whole number."),
    ({"new_member_active": 1}, "new_member_active", ""),
    ({"reminder_days": 0}, "reminder_days", "between 1 and 365 days"),
    ({"reminder_days": 366}, "reminder_days", "between 1 and 365 days"),
    ({"reminder_days": -14}, "reminder_days", "between 1 and 365 days"),
    ({"reminder_days": "14"}, "reminder_days", "This should be a whole number."),
    ({"reminder_days": True}, "reminder_days", "This should be a whole number."),
    ({"lock_minutes": 241}, "lock_minutes", "0 (never) to 240 idle minutes"),
    ({"lock_minutes": -1}, "lock_minutes", "0 (never) to 240 idle minutes"),
    ({"lock_minutes": "5"}, "lock_minutes", "This should be a whole number."),
]


def test_bad_input_is_refused_at_its_field(writer, reader, staff_id):
    """Every case of BAD on one database, each in its own write transaction: refused with a
    SalonError at its field whose message says its message, and nothing written."""
    problems = []
    for number, (changes, field, message) in enumerate(BAD):
        case = case_name(number, changes)
        before = snapshot(reader)
        try:
            save(writer, staff_id, **changes)
        except SalonError as refused:
            if refused.field != field:
                problems.append(f"{case}: refused at {refused.field!r}, not {field!r}")
            if message not in refused.message:
                problems.append(f"{case}: {refused.message!r} does not say {message!r}")
        except Exception as other:
            problems.append(f"{case}: {other!r}")
        else:
            problems.append(f"{case}: not refused")
        if snapshot(reader) != before:
            problems.append(f"{case}: something was written")
    assert not problems, "\n".join(problems)


def test_the_days_an_expiry_is_reminded_ahead(engine, writer, reader, staff_id):
    assert save(writer, staff_id).reminder_days == 14  # not given: kept
    assert save(writer, staff_id, reminder_days=30).reminder_days == 30
    assert save(writer, staff_id, reminder_days=365).reminder_days == 365
    assert save(writer, staff_id, reminder_days=1).reminder_days == 1
    with reader() as s:
        assert salon_view(s).settings.reminder_days == 1
    before, after = (json.loads(x) for x in audit_rows(engine)[-1])
    assert (before, after) == ({"reminder_days": 365}, {"reminder_days": 1})


def test_an_unknown_staff_member_changes_nothing(writer, reader):
    before = snapshot(reader)
    with pytest.raises(SalonError):
        save(writer, 999_999)
    assert snapshot(reader) == before


@pytest.mark.parametrize(("typed", "minutes"), [
    ("+07:00", 420), ("+7", 420), ("7", 420), ("UTC+8", 480), ("+0800", 480),
    ("-03:30", -210), ("−03:30", -210), ("+05:45", 345), ("+14:00", 840), ("-12:00", -720),
    (" +00:00 ", 0),
])
def test_offsets_are_read_as_typed(typed, minutes):
    assert parse_offset(typed) == minutes
    assert parse_offset(format_offset(minutes)) == minutes


@pytest.mark.parametrize("typed", ["", "abc", "+7:75", "+99:00:00", "++7", "7" * 10_000])
def test_offsets_that_are_not_offsets(typed):
    with pytest.raises(ValidationError) as refused:
        parse_offset(typed)
    assert refused.value.field == "utc_offset_minutes"


def test_format_offset():
    assert [format_offset(m) for m in (420, 0, -210, 345)] == [
        "+07:00", "+00:00", "-03:30", "+05:45"]


@pytest.mark.parametrize(("typed", "hours"), [
    ("", ""), ("  ", ""), ("9-20", "09:00-20:00"), ("09:00-20:00", "09:00-20:00"),
    ("9:30 – 21:15", "09:30-21:15"), ("8h30-17h", "08:30-17:00"), ("00:00-24:00",
                                                                   "00:00-24:00"),
])
def test_hours_are_read_as_typed(typed, hours):
    assert parse_hours(typed, field="hours_0") == hours


def test_weekday_hours_always_gives_seven_days():
    assert weekday_hours(",".join(HOURS)) == HOURS
    assert weekday_hours("") == [""] * 7
    assert weekday_hours("09:00-20:00") == ["09:00-20:00"] + [""] * 6


def test_the_slot_choices():
    assert SLOT_MINUTES == (5, 10, 15, 20, 30, 45, 60, 90, 120)


@pytest.mark.parametrize(("active", "state"), [(True, "active"), (False, "not_activated")])
def test_a_new_customer_is_a_member_at_once_or_not(writer, staff_id, active, state):
    save(writer, staff_id, new_member_active=active)
    with writer() as s:
        customer = create_customer(s, staff_id=staff_id, name="Lê Thị Mai",
                                   phone="0905 123 456")
    assert customer.member_state == state


def test_the_receipt_header_heads_the_receipt_and_a_branch_s_comes_after(
        writer, reader, staff_id, customer_id, technician_id, fixed_now):
    from salontui.store.cart import Cart, CartLine, CartPayment
    from salontui.store.checkout import checkout
    from salontui.store.invoices import get_invoice
    from salontui.store.receipts import receipt_lines

    save(writer, staff_id)
    with writer() as s:
        cut = create_item(s, staff_id=staff_id, name="Cắt", kind="service", price=100_000)
        paid = checkout(s, staff_id=staff_id, idempotency_key="h", cart=Cart(
            customer_id=customer_id, lines=[CartLine(kind="service", item_id=cut.id,
                                                     staff_id=technician_id)],
            payments=[CartPayment("cash", 100_000)]))
    with reader() as s:
        invoice, settings = get_invoice(s, invoice_id=paid.invoice_id), get_settings(s)
    lines = [line.strip() for line in receipt_lines(invoice, settings, width=48)]
    assert lines[:4] == ["SALON HOA MAI", "68 Nguyễn Văn Linh, Đà Nẵng", "0236 3888 168",
                         "MST 0401234567"]
    branch = BranchRow(id=2, code="Q2", name="Salon Hoa Mai Thảo Điền", address="",
                       phone="", receipt_header="Chi nhánh Thảo Điền", invoice_prefix="",
                       active=True)
    lines = [line.strip() for line in receipt_lines(
        dataclasses.replace(invoice, branch=branch), settings, width=48)]
    assert lines[:6] == ["SALON HOA MAI", "Salon Hoa Mai Thảo Điền",
                         "68 Nguyễn Văn Linh, Đà Nẵng", "0236 3888 168", "MST 0401234567",
                         "Chi nhánh Thảo Điền"]
    save(writer, staff_id, receipt_header="")
    with reader() as s:
        lines = [line.strip() for line in receipt_lines(invoice, get_settings(s), width=48)]
    assert "MST 0401234567" not in lines


def test_the_idle_lock_minutes(engine, writer, reader, staff_id):
    assert save(writer, staff_id).lock_minutes == 0  # not given: kept (never)
    assert save(writer, staff_id, lock_minutes=240).lock_minutes == 240
    assert save(writer, staff_id, lock_minutes=5).lock_minutes == 5
    with reader() as s:
        assert salon_view(s).settings.lock_minutes == 5
    before, after = (json.loads(x) for x in audit_rows(engine)[-1])
    assert (before, after) == ({"lock_minutes": 240}, {"lock_minutes": 5})
