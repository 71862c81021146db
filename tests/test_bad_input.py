"""No input crashes the store: every bad value is a SalonError at its field and writes nothing.

The parsers of the desk (amounts, counts, dates) check length and shape before converting;
messages repeat at most the start of what was typed; dates are bounded (1900–2100, an
expiry at most 50 years out); control characters and over-long text are refused, never
cut; and every public store function answers a wrong type, an impossible number or date
with a ValidationError naming the field (``store.bounds.boundary``), never a raw
TypeError, OverflowError or AttributeError.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from salontui.formatting import parse_date
from salontui.screens.dialogs.base import parse_count
from salontui.store import care, catalog, customers, ledger, package_reads, packages, promotions
from salontui.store.admin import commissions, permissions, pins
from salontui.store.books import held_products, vouchers
from salontui.store.books.backfill import BackfillIn, apply_backfill
from salontui.store.books.backfill_reverse import reverse_backfill
from salontui.store.bounds import boundary, check_email
from salontui.store.cart import Cart, CartLine, CartPayment
from salontui.store.checkout import checkout
from salontui.store.day.appointments import set_appointment_status
from salontui.store.day.book import LineIn, book_appointment, change_appointment
from salontui.store.day.follow_up import save_follow_up
from salontui.store.day.reminders import mark_reminder_done
from salontui.store.day.schedule import set_staff_day, set_work_days
from salontui.store.day.visit import record_line
from salontui.store.db import read_session, write_session
from salontui.store.drafts import park_cart
from salontui.store.errors import SalonError, ValidationError
from salontui.store.invoices import invoice_id_by_code
from salontui.store.io import care_import, customers_import
from salontui.store.loyalty import (
    care_batches,
    care_catalogue,
    members,
    phone,
    tickets,
    tier_admin,
)
from salontui.store.money import parse_amount
from salontui.store.refunds import refund_invoice
from salontui.store.reports import daily, liabilities, profit
from salontui.store.search import search_customers
from salontui.store.text import quote

PAGE = "9" * 10_000
BAD_TEXT = [
    "", "   ", "abc", "-0", "1e9", "9" * 20, "5,000", "5.000", "31/02/2026", "2026-13-01",
    "💇‍♀️🧴", "a\x00b", "x" * 10_000, "'; DROP TABLE customer;--",
]
WRONG_TYPES = [0, -1, 2**70, None, 1.5, float("nan"), ["a"], True]
BAD_VALUES = BAD_TEXT + WRONG_TYPES


def audit_rows(engine) -> int:
    with read_session(engine) as s:
        return s.execute(text("SELECT count(*) FROM audit_log")).scalar_one()


# --- the parsers of the desk ----------------------------------------------------------------


def test_a_pasted_page_of_digits_is_refused_at_once_not_converted():
    start = time.perf_counter()
    for exponent in (0, 2):
        with pytest.raises(ValidationError, match="too large") as info:
            parse_amount(PAGE, exponent=exponent)  # was ValueError: Exceeds the limit (4300)
        assert info.value.field == "amount"
    with pytest.raises(ValidationError, match="too large"):
        parse_count(PAGE, field="days", label="Days")  # was ValueError in int(raw)
    assert time.perf_counter() - start < 1  # refused before any conversion (a loaded machine aside)


@pytest.mark.parametrize("typed", ["1\u00a0000", "1\u2009000", "1 000 000"])
def test_an_amount_grouped_by_any_space_is_read(typed):
    assert parse_amount(typed) == int("".join(typed.split()))


@pytest.mark.parametrize("typed", ["²", "٣", "1²", "+-1", "١٢٣"])
def test_digits_other_than_0_to_9_are_not_numbers(typed):
    with pytest.raises(ValidationError, match="is not"):
        parse_count(typed, field="days", label="Days")
    with pytest.raises(ValidationError):
        parse_amount(typed)


def test_minus_zero_is_zero_and_an_empty_count_asks_for_a_number():
    assert parse_count("-0", field="used", label="Used") == 0
    with pytest.raises(ValidationError, match="must be more than zero"):
        parse_count("-0", field="days", label="Days", allow_zero=False)
    for empty in ("", "  ", ".", " , "):
        with pytest.raises(ValidationError) as info:
            parse_count(empty, field="used", label="Used")
        assert info.value.message == "Enter a number."


@pytest.mark.parametrize("typed", ["31/12/9999", "01/01/1899", "0001-01-01", "2101-01-01"])
def test_dates_are_bounded_1900_to_2100(typed):
    with pytest.raises(ValidationError, match="between 01/01/1900 and 31/12/2100"):
        parse_date(typed, field="new_expiry")


def test_messages_repeat_at_most_thirty_characters_of_what_was_typed():
    assert quote("abcdefghijklmnopqrstuvwxyz0123456789") == "abcdefghijklmnopqrstuvwxyz012…"
    assert quote("a\x00b") == "a\ufffdb"
    for call in (lambda t: parse_amount(t), lambda t: parse_count(t, field="n", label="N"),
                 lambda t: parse_date(t, field="d")):
        with pytest.raises(ValidationError) as info:
            call("z" * 10_000)
        assert len(info.value.message) < 90, info.value.message


# --- single fields in the store ------------------------------------------------------------


@pytest.mark.parametrize("email", ["a@b", "a@b.c", "a..b@salon.vn", "a b@salon.vn", "@salon.vn",
                                   "huong@", "huong@salon..vn", "huong@-salon.vn"])
def test_an_email_needs_a_real_domain(writer, staff_id, engine, email):
    before = audit_rows(engine)
    with pytest.raises(ValidationError, match="is not an email address") as info, writer() as s:
        customers.create_customer(s, staff_id=staff_id, name="Lê Thu", phone="0905 111 333",
                                  email=email)
    assert info.value.field == "email"
    assert audit_rows(engine) == before


@pytest.mark.parametrize("email", ["huong@salon.vn", "nguyen.thi+spa@mail.example.com",
                                   "huong@sàlon.vn"])
def test_real_emails_are_taken(email):
    assert check_email(email)


@pytest.mark.parametrize("field", ["name", "address", "note", "email"])
@pytest.mark.parametrize("char", ["\x00", "\x1b", "\x07", "\x7f", "\ud800"])
def test_control_characters_are_refused_in_every_text_field(writer, staff_id, engine, field,
                                                            char):
    values = {"name": "Lê Thu", "phone": "0905 111 333"}
    values[field] = f"Lê{char}Thu" if field != "email" else f"le{char}thu@salon.vn"
    before = audit_rows(engine)
    with pytest.raises(ValidationError) as info, writer() as s:
        customers.create_customer(s, staff_id=staff_id, **values)
    assert info.value.field == field
    assert audit_rows(engine) == before


def test_a_long_note_is_refused_at_its_field_never_cut(writer, staff_id, customer_id, engine):
    with writer() as s:
        item = catalog.create_item(s, staff_id=staff_id, name="Gội", kind="service",
                                   price=100_000)
    before = audit_rows(engine)
    cart = Cart(customer_id=customer_id, lines=[CartLine(kind="service", item_id=item.id,
                                                         staff_id=staff_id)],
                payments=[CartPayment("cash", 100_000)], note="n" * 251)
    with pytest.raises(ValidationError, match="longer than 250") as info, writer() as s:
        checkout(s, staff_id=staff_id, cart=cart, idempotency_key="k1")  # was cut to 250
    assert info.value.field == "note"
    assert audit_rows(engine) == before


def _package(writer, staff_id, customer_id, **kw):
    kw.setdefault("expires_on", date.today() + timedelta(days=300))
    with writer() as s:
        return packages.sell_package(s, staff_id=staff_id, customer_id=customer_id,
                                     name="Gội 10 buổi", kind="count", price=5980,
                                     total_uses=10, **kw)


def test_an_expiry_is_at_most_fifty_years_out(writer, staff_id, customer_id, engine):
    today = date.today()
    package = _package(writer, staff_id, customer_id)
    before = audit_rows(engine)
    for far in (date(9999, 12, 31), today.replace(year=today.year + 51)):
        with pytest.raises(ValidationError) as info, writer() as s:
            packages.extend_package(s, staff_id=staff_id, package_id=package.id,
                                    new_expiry=far, note="typo")
        assert info.value.field == "new_expiry"
        with pytest.raises(ValidationError) as info, writer() as s:
            packages.sell_package(s, staff_id=staff_id, customer_id=customer_id, name="X",
                                  kind="count", price=1, total_uses=1, expires_on=far)
        assert info.value.field == "expires_on"
    assert audit_rows(engine) == before
    with writer() as s:  # 50 years is still fine
        packages.extend_package(s, staff_id=staff_id, package_id=package.id,
                                new_expiry=today.replace(year=today.year + 49), note="ok")


def test_freezing_a_package_that_expires_in_9999_says_so(writer, staff_id, customer_id,
                                                         engine):
    """A package saved with 31/12/9999 before expiries were bounded: freezing it said
    'date value out of range' (OverflowError)."""
    package = _package(writer, staff_id, customer_id)
    with writer() as s:
        s.execute(text("UPDATE customer_package SET expires_on = '9999-12-31' WHERE id = :i"),
                  {"i": package.id})
    before = audit_rows(engine)
    for days in (30, 1):
        with pytest.raises(ValidationError, match="cannot move further out") as info, \
                writer() as s:
            packages.freeze_package(s, staff_id=staff_id, package_id=package.id, days=days,
                                    note="away")
        assert info.value.field == "days"
    with read_session(engine) as s:
        row = package_reads.get_package(s, package_id=package.id)
        with pytest.raises(ValidationError, match="cannot move further out"):
            package_reads.expiry_after_freeze(row, days=30)
    assert audit_rows(engine) == before


# --- the boundary: wrong types and impossible values ----------------------------------------


def test_the_boundary_names_the_field_and_runs_nothing():
    calls = []

    @boundary
    def f(session, *, customer_id: int, when: date | None = None, names: list[str],
          cart: Cart, flag: bool = False):
        calls.append(1)

    good = {"customer_id": 1, "names": ["a"], "cart": Cart()}
    f(None, **good)
    for bad, field in [({"customer_id": "1"}, "customer"), ({"customer_id": 2**63}, "customer"),
                       ({"customer_id": True}, "customer"), ({"when": "2026-01-01"}, "when"),
                       ({"when": datetime(2026, 1, 1)}, "when"), ({"when": date(1, 1, 1)}, "when"),
                       ({"names": "a"}, "names"), ({"names": [1]}, "names"),
                       ({"cart": None}, "cart"), ({"flag": 1}, "flag"),
                       ({"cart": Cart(note=5)}, "note"),
                       ({"cart": Cart(lines=[CartLine(kind="service", quantity="2")])},
                        "line0.quantity"),
                       ({"cart": Cart(lines=[None])}, "line0")]:
        with pytest.raises(ValidationError) as info:
            f(None, **(good | bad))
        assert info.value.field == field, (bad, info.value.field)
    assert calls == [1]


@pytest.fixture
def desk(engine, staff_id, customer_id, writer, tmp_path):
    """One of everything a store function may refer to, made through the store."""
    today = date.today()
    files = import_files(tmp_path)
    with writer() as s:
        care_catalogue.add_reason(s, staff_id=staff_id, care_type="care", name="Tri ân")
        item = catalog.create_item(s, staff_id=staff_id, name="Gội", kind="service",
                                   price=100_000)
        package = packages.sell_package(s, staff_id=staff_id, customer_id=customer_id,
                                        name="Gội 10 buổi", kind="count", price=5980,
                                        total_uses=10, expires_on=today + timedelta(days=300))
        note = care.add_care_note(s, staff_id=staff_id, customer_id=customer_id, type="call",
                                  title="Gọi lại", description="Thứ bảy")
        program = promotions.create_program(s, staff_id=staff_id, name="Tết",
                                            discount_percent=10,
                                            valid_until=today + timedelta(days=60),
                                            points_price=100)
        ledger.adjust_points(s, staff_id=staff_id, customer_id=customer_id, amount=5000,
                             reason="Welcome")
        backfill = apply_backfill(s, staff_id=staff_id, customer_id=customer_id,
                                  item=BackfillIn(kind="points", amount=300))
        tomorrow = datetime.now() + timedelta(days=1)
        booked = book_appointment(s, staff_id=staff_id, customer_id=customer_id,
                                  confirm=True, lines=[LineIn(item.id, starts_at=tomorrow)])
        arrived = book_appointment(s, staff_id=staff_id, customer_id=customer_id,
                                   confirm=True, lines=[LineIn(item.id, starts_at=tomorrow)])
        set_appointment_status(s, staff_id=staff_id, appointment_id=arrived.id,
                               status="checked_in")
        visit = book_appointment(s, staff_id=staff_id, customer_id=customer_id,
                                 confirm=True, lines=[LineIn(item.id, starts_at=tomorrow)])
        paid = checkout(s, staff_id=staff_id, idempotency_key="desk-1", cart=Cart(
            customer_id=customer_id, lines=[CartLine(kind="service", item_id=item.id,
                                                     staff_id=staff_id)],
            payments=[CartPayment("cash", 100_000)], appointment_id=visit.id))
        oil = catalog.create_item(s, staff_id=staff_id, name="Dầu gội", kind="product",
                                  price=50_000)
        checkout(s, staff_id=staff_id, idempotency_key="desk-2", cart=Cart(  # left here
            customer_id=customer_id, lines=[CartLine(kind="product", item_id=oil.id,
                                                     quantity=5, picked_up=False)],
            payments=[CartPayment("cash", 250_000)]))
    return {"staff": staff_id, "customer": customer_id, "item": item.id, "product": oil.id,
            "package": package.id, "note": note.id, "program": program.id,
            "invoice": paid.invoice_id, "today": today, "booked": booked.id,
            "arrived": arrived.id, "paid_visit": visit.id, "backfill": backfill, **files}


def import_files(folder) -> dict[str, str]:
    """A spreadsheet of customers (the desk's customer and a new one) and one of care
    actions, for the imports."""
    from openpyxl import Workbook

    found = {}
    for key, rows in (
            ("customers_file", [["Name", "Phone", "Points"], ["Nguyễn Thị Hương",
                                                              "0935 320 888", 10],
                                ["Lê Văn Mới", "0935 777 111", 5]]),
            ("care_file", [["Phone", "Action", "Care type", "Reason", "Value"],
                           ["0935 320 888", "give points", "care", "Tri ân", 10]])):
        book = Workbook()
        for row in rows:
            book.active.append(row)
        path = folder / f"{key}.xlsx"
        book.save(path)
        found[key] = str(path)
    return found


def store_calls(d) -> list[tuple[str, object, dict]]:
    """(name, function, good keyword arguments) for the store's public functions."""
    today = d["today"]
    cart = Cart(customer_id=d["customer"], lines=[CartLine(kind="service", item_id=d["item"],
                                                           staff_id=d["staff"])],
                payments=[CartPayment("cash", 100_000)])
    who = {"staff_id": d["staff"]}
    return [
        ("create_customer", customers.create_customer,
         who | {"name": "Trần Mai", "phone": "0905 222 444", "email": "mai@salon.vn",
                "birthday": date(1990, 5, 1), "address": "1 Lê Lợi", "note": "",
                "gender": "female"}),
        ("update_customer", customers.update_customer,
         who | {"customer_id": d["customer"], "name": "Nguyễn Thị Hương",
                "phone": "0935 320 888", "note": "VIP"}),
        ("set_member_states", members.set_member_states,  # already active: reported, kept
         who | {"customer_ids": [d["customer"]], "state": "active", "reason": ""}),
        ("get_customer_by_code", customers.get_customer_by_code, {"code": "KH000001"}),
        ("sell_package", packages.sell_package,
         who | {"customer_id": d["customer"], "name": "Nhuộm", "kind": "count", "price": 100,
                "total_uses": 5, "expires_on": today + timedelta(days=90)}),
        ("redeem_session", packages.redeem_session,
         who | {"package_id": d["package"], "service_staff_id": d["staff"], "note": ""}),
        ("extend_package", packages.extend_package,
         who | {"package_id": d["package"], "new_expiry": today + timedelta(days=400),
                "note": "ốm"}),
        ("freeze_package", packages.freeze_package,
         who | {"package_id": d["package"], "days": 10, "note": "đi xa"}),
        ("adjust_package", packages.adjust_package,
         who | {"package_id": d["package"], "total_uses": 12, "used": 1, "reason": "sửa"}),
        ("add_care_note", care.add_care_note,
         who | {"customer_id": d["customer"], "type": "call", "title": "Gọi",
                "description": "Hẹn"}),
        ("edit_care_note", care.edit_care_note,
         who | {"note_id": d["note"], "type": "sms", "title": "Nhắn", "description": "x"}),
        ("adjust_points", ledger.adjust_points,
         who | {"customer_id": d["customer"], "amount": 500, "reason": "quà"}),
        ("adjust_vouchers", vouchers.adjust_vouchers,
         who | {"customer_id": d["customer"], "amount": 50_000, "reason": "quà"}),
        ("hand_over", held_products.hand_over,
         who | {"customer_id": d["customer"], "item_id": d["product"], "quantity": 1,
                "note": "lấy 1 chai"}),
        ("set_pin", pins.set_pin, who | {"target_id": d["staff"], "pin": "2468"}),
        ("set_permission", permissions.set_permission,
         who | {"role": "receptionist", "permission": "export", "allowed": True}),
        ("adjust_card", ledger.adjust_card,
         who | {"customer_id": d["customer"], "card_name": "General", "amount": 1000,
                "reason": "nạp"}),
        ("care_action", ledger.care_action,
         who | {"customer_ids": [d["customer"]], "account": "points", "amount": 10,
                "care_type": "care", "reason": "sinh nhật"}),
        ("give_promotion", promotions.give_promotion,
         who | {"customer_id": d["customer"], "program_id": d["program"],
                "expires_on": today + timedelta(days=30), "note": ""}),
        ("redeem_points_for_code", promotions.redeem_points_for_code,
         who | {"customer_id": d["customer"], "program_id": d["program"]}),
        ("create_program", promotions.create_program,
         who | {"name": "Hè", "description": "", "discount_percent": 5,
                "valid_until": today + timedelta(days=30)}),
        ("book_appointment", book_appointment,
         who | {"customer_id": d["customer"], "note": "", "confirm": True,
                "lines": [LineIn(d["item"], starts_at=datetime.now() + timedelta(days=1))]}),
        ("change_appointment", change_appointment,
         who | {"appointment_id": d["booked"], "note": "", "confirm": True,
                "lines": [LineIn(d["item"], starts_at=datetime.now() + timedelta(days=2))]}),
        ("set_appointment_status", set_appointment_status,
         who | {"appointment_id": d["booked"], "status": "cancelled", "reason": "bận"}),
        ("record_line", record_line,
         who | {"appointment_id": d["arrived"], "kind": "service", "item_id": d["item"],
                "quantity": 1}),
        ("save_follow_up", save_follow_up,
         who | {"appointment_id": d["paid_visit"], "service_notes": "tóc khô",
                "next_focus": "dưỡng", "next_reminder_on": today + timedelta(days=28),
                "next_step": "callback"}),
        ("set_work_days", set_work_days,
         who | {"member_id": d["staff"], "work_days": "1111100"}),
        ("set_staff_day", set_staff_day,
         who | {"member_id": d["staff"], "day": today + timedelta(days=3),
                "working": False, "note": "nghỉ phép"}),
        ("mark_reminder_done", mark_reminder_done,
         who | {"kind": "birthday", "subject": f"{d['customer']}:{today.year}",
                "customer_id": d["customer"], "care_type": "call", "note": "chúc mừng"}),
        ("create_item", catalog.create_item,
         who | {"name": "Sấy", "kind": "service", "price": 50_000}),
        ("checkout", checkout, who | {"cart": cart, "idempotency_key": "new-key"}),
        ("refund_invoice", refund_invoice,
         who | {"invoice_id": d["invoice"], "reason": "khách đổi ý",
                "idempotency_key": "refund-key"}),
        ("park_cart", park_cart, who | {"cart": cart, "label": "Gội"}),
        ("search_customers", search_customers, {"query": "huong"}),
        ("check_phone_change", phone.check_phone_change,
         who | {"customer_id": d["customer"], "new_phone": "0912 111 999",
                "approved_by": d["staff"], "keep_with": "new"}),
        ("change_phone", phone.change_phone,  # after update_customer: the phone changes
         who | {"customer_id": d["customer"], "new_phone": "0912 111 999",
                "approved_by": d["staff"], "keep_with": "new"}),
        ("create_ticket", tickets.create_ticket,
         who | {"note": "sửa điểm", "tags": "tết",
                "lines": [tickets.TicketLineIn(d["customer"], points=100)]}),
        ("create_tier", tier_admin.create_tier,
         who | {"name": "Bạch kim", "min_spend": 90_000_000, "discount_percent": 12,
                "points_percent": 200, "reward_points": 2000}),
        ("update_tier_settings", tier_admin.update_tier_settings,
         who | {"basis": "spend", "period_months": 12, "topup_spend": "spent"}),
        ("add_reason", care_catalogue.add_reason,
         who | {"care_type": "call", "name": "Hỏi thăm"}),
        ("start_batch", care_batches.start_batch,
         who | {"action": "points", "amount": 100, "care_type": "care",
                "reason": "Sinh nhật", "note": "tặng", "customer_ids": [d["customer"]]}),
        ("invoice_id_by_code", invoice_id_by_code, {"code": "HD000001"}),
        ("apply_backfill", apply_backfill,
         who | {"customer_id": d["customer"], "source": "back-fill",
                "item": BackfillIn(kind="value", paid=100_000, amount=120_000,
                                   note="sổ cũ")}),
        ("reverse_backfill", reverse_backfill,
         who | {"backfill_id": d["backfill"], "reason": "gõ nhầm"}),
        ("dry_run_customers", customers_import.dry_run_customers,
         {"path": d["customers_file"], "points": "add", "spend": "reset"}),
        ("import_customers", customers_import.import_customers,
         who | {"path": d["customers_file"], "points": "reset", "spend": "add",
                "skip_bad_rows": False}),
        ("dry_run_care", care_import.dry_run_care, {"path": d["care_file"]}),
        ("import_care", care_import.import_care,
         who | {"path": d["care_file"], "skip_bad_rows": True}),
        ("add_commission_rule", commissions.add_rule,
         who | {"applies_to": "product", "item_code": "", "percent": "5", "amount": ""}),
        # the owner's reports read: a bad period or branch is refused, nothing written
        ("daily_report", daily.daily_report, {"date_from": d["today"], "date_to": d["today"]}),
        ("liabilities_report", liabilities.liabilities_report,
         {"date_from": d["today"], "date_to": d["today"], "branch_id": None}),
        ("profit_report", profit.profit_report,
         {"date_from": d["today"] - timedelta(days=30), "date_to": d["today"]}),
    ]


def test_every_call_of_the_list_is_good_as_given(engine, desk):
    """The good arguments are good: each call succeeds (a refusal below is the bad value's)."""
    for name, fn, kwargs in store_calls(desk):
        with write_session(engine) as s:
            try:
                fn(s, **kwargs)
            except SalonError as error:
                pytest.fail(f"{name}: {error.message} ({error.field})")


def _outcome(engine, fn, kwargs):
    before = audit_rows(engine)
    try:
        with write_session(engine) as s:
            fn(s, **kwargs)
    except SalonError as error:
        assert audit_rows(engine) == before, "refused, yet something was written"
        return error
    return None


def test_bad_values_in_every_argument_are_refused_at_their_field(engine, desk, soak):
    """Each argument of each call, given each bad value: a SalonError (never another
    exception) and nothing written; text that is merely odd ("abc" as a reason) may be
    taken. Wrong types, NUL, 10,000 characters and 2**70 are always refused."""

    def run(case_index: int, arg_index: int, value) -> None:
        name, fn, kwargs = store_calls(desk)[case_index]
        args = [a for a in kwargs if a != "staff_id"]
        arg = args[arg_index % len(args)]
        refused = _outcome(engine, fn, kwargs | {arg: value})
        always_bad = (not isinstance(value, str) and value is not None
                      and not (isinstance(value, int) and not isinstance(value, bool)
                               and type(kwargs[arg]) is int and abs(value) < 2**63)
                      and not (isinstance(value, bool) and type(kwargs[arg]) is bool)
                      ) or (isinstance(value, str) and ("\x00" in value or len(value) > 5000))
        if always_bad:
            assert refused is not None, f"{name}({arg}={value!r:.40}) was taken"
        if refused is not None:
            assert refused.message and len(refused.message) < 200, refused.message

    n_cases = len(store_calls(desk))
    strategy = given(st.integers(0, n_cases - 1), st.integers(0, 20), st.sampled_from(BAD_VALUES))
    test = settings(max_examples=3000 if soak else 300, deadline=None, database=None,
                    suppress_health_check=list(HealthCheck))(strategy(run))
    test()


def test_staff_id_of_the_wrong_type_is_refused_too(engine, desk):
    for name, fn, kwargs in store_calls(desk):
        if "staff_id" not in kwargs:
            continue
        for value in ("1", 1.0, 2**70, [1]):
            error = _outcome(engine, fn, kwargs | {"staff_id": value})
            assert error is not None and error.field == "staff", name
