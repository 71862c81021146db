"""Customers: required fields, normalised phones, duplicates, soft delete, audit."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import text

from salontui.store import clock
from salontui.store.customers import (
    create_customer,
    delete_customer,
    get_customer,
    restore_customer,
    update_customer,
)
from salontui.store.errors import (
    ConcurrentEdit,
    DuplicateCustomer,
    NotFound,
    RuleViolation,
    ValidationError,
)
from salontui.store.search import search_customers


def _counts(reader) -> tuple[int, int]:
    with reader() as s:
        customers = s.execute(text("SELECT count(*) FROM customer")).scalar()
        audits = s.execute(text("SELECT count(*) FROM audit_log")).scalar()
    return customers, audits


def test_create_normalises_phone_and_gives_sequential_codes(writer, staff_id):
    with writer() as s:
        first = create_customer(s, staff_id=staff_id, name="  Nguyễn   Thị Hương ",
                                phone="0935 320 888")
        second = create_customer(s, staff_id=staff_id, name="Đặng Văn Lâm",
                                 phone="+84 912 345 678")
    assert first.code == "KH000001" and second.code == "KH000002"
    assert first.name == "Nguyễn Thị Hương"
    assert first.phone == "+84935320888"
    assert second.phone == "+84912345678"


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"name": "", "phone": "0935320888"}, "name", "Name is required"),
        ({"name": "   ", "phone": "0935320888"}, "name", "Name is required"),
        ({"name": "A" * 121, "phone": "0935320888"}, "name", "longer than 120"),
        ({"name": "Lê Na", "phone": ""}, "phone", "Phone is required"),
        ({"name": "Lê Na", "phone": "12"}, "phone", "not a valid phone"),
        ({"name": "Lê Na", "phone": "abc"}, "phone", "not a phone"),
        ({"name": "Lê Na", "phone": "0" * 40}, "phone", "too long"),
        ({"name": "Lê Na", "phone": "0935320881", "email": "not-an-email"}, "email", "email"),
        ({"name": "Lê Na", "phone": "0935320881", "gender": "robot"}, "gender", "Gender"),
    ],
)
def test_bad_input_is_refused_at_the_field_and_writes_nothing(writer, reader, staff_id, fields,
                                                              field, message):
    before = _counts(reader)
    with pytest.raises(ValidationError) as caught, writer() as s:
        create_customer(s, staff_id=staff_id, **fields)
    assert caught.value.field == field
    assert message in str(caught.value)
    assert _counts(reader) == before


def test_birthday_in_the_future_is_refused(writer, staff_id):
    with pytest.raises(ValidationError) as caught, writer() as s:
        create_customer(s, staff_id=staff_id, name="Lê Na", phone="0935320881",
                        birthday=clock.today() + timedelta(days=1))
    assert caught.value.field == "birthday"


def test_duplicate_phone_reports_the_existing_customer(writer, reader, staff_id, customer_id):
    before = _counts(reader)
    with pytest.raises(DuplicateCustomer) as caught, writer() as s:
        create_customer(s, staff_id=staff_id, name="Hương khác", phone="+84935320888")
    assert [m.id for m in caught.value.matches] == [customer_id]
    assert caught.value.field == "phone"
    assert "KH000001" in str(caught.value)
    assert _counts(reader) == before


def test_duplicate_name_ignoring_case_and_accents_warns(writer, staff_id, customer_id):
    with pytest.raises(DuplicateCustomer) as caught, writer() as s:
        create_customer(s, staff_id=staff_id, name="nguyen thi huong", phone="0912000111")
    assert caught.value.field == "name"
    assert caught.value.matches[0].id == customer_id


def test_receptionist_may_go_on_with_a_duplicate(writer, staff_id, customer_id):
    with writer() as s:
        again = create_customer(s, staff_id=staff_id, name="Nguyễn Thị Hương",
                                phone="0912000111", allow_duplicate=True)
    assert again.id != customer_id


def test_every_write_has_an_audit_row_with_before_and_after(writer, reader, staff_id,
                                                            customer_id):
    with reader() as s:
        record = get_customer(s, customer_id=customer_id)
    with writer() as s:
        update_customer(s, staff_id=staff_id, customer_id=customer_id, name="Nguyễn Thị Hường",
                        phone="0935320888", note="Thích gội đầu", birthday=date(1990, 5, 1),
                        expected_updated_at=record.updated_at)
    with reader() as s:
        rows = s.execute(text("SELECT action, staff_id, before, after FROM audit_log "
                              "WHERE entity = 'customer' ORDER BY id")).all()
    assert [r.action for r in rows] == ["create_customer", "update_customer"]
    assert all(r.staff_id == staff_id for r in rows)
    assert "Nguyễn Thị Hương" in rows[1].before and "Nguyễn Thị Hường" in rows[1].after


def test_concurrent_edit_is_refused(writer, reader, staff_id, customer_id):
    with reader() as s:
        seen = get_customer(s, customer_id=customer_id).updated_at
    with writer() as s:  # another terminal saves first
        update_customer(s, staff_id=staff_id, customer_id=customer_id, name="Nguyễn Thị Hương",
                        phone="0935320888", note="changed elsewhere")
    with pytest.raises(ConcurrentEdit), writer() as s:
        update_customer(s, staff_id=staff_id, customer_id=customer_id, name="Nguyễn Thị Hương",
                        phone="0935320888", note="mine", expected_updated_at=seen)
    with reader() as s:
        assert get_customer(s, customer_id=customer_id).note == "changed elsewhere"


def test_renaming_updates_search(writer, reader, staff_id, customer_id):
    with writer() as s:
        update_customer(s, staff_id=staff_id, customer_id=customer_id, name="Trần Mai Anh",
                        phone="0935320888")
    with reader() as s:
        assert [r.id for r in search_customers(s, query="mai anh")] == [customer_id]
        assert search_customers(s, query="huong") == []


def test_soft_delete_hides_and_restore_brings_back(writer, reader, staff_id, customer_id):
    with writer() as s:
        delete_customer(s, staff_id=staff_id, customer_id=customer_id)
    with reader() as s:
        assert search_customers(s, query="huong") == []
        deleted = search_customers(s, query="huong", deleted=True)
        assert [r.id for r in deleted] == [customer_id] and deleted[0].deleted
    with pytest.raises(RuleViolation), writer() as s:
        delete_customer(s, staff_id=staff_id, customer_id=customer_id)
    with writer() as s:
        restore_customer(s, staff_id=staff_id, customer_id=customer_id)
    with reader() as s:
        assert [r.id for r in search_customers(s, query="huong")] == [customer_id]


def test_unknown_customer_and_unknown_staff(writer, staff_id):
    with pytest.raises(NotFound), writer() as s:
        delete_customer(s, staff_id=staff_id, customer_id=4242)
    with pytest.raises(NotFound), writer() as s:
        create_customer(s, staff_id=999, name="Lê Na", phone="0935320881")
