"""The phone of a member (store/loyalty/phone.py): a manager approves; the points and tier
move with the new number (the old one kept and still found, marked "old phone") or stay with
the old profile (a new profile for the new number, a care note on both); bad input refused
at its field with nothing written."""

from __future__ import annotations

import json

import pytest
from refusals import refused_wrongly
from sqlalchemy import text
from sqlmodel import select

from salontui.store.care import list_care_notes
from salontui.store.check import run_checks
from salontui.store.customers import create_customer, delete_customer, get_customer
from salontui.store.errors import DuplicateCustomer, SalonError
from salontui.store.ledger import adjust_points, points_balance
from salontui.store.loyalty.phone import change_phone, check_phone_change, list_approvers
from salontui.store.models import CustomerPhone
from salontui.store.search import search_customers
from salontui.store.staff import create_staff

OLD, NEW = "+84935320888", "+84912999888"


@pytest.fixture
def people(writer, staff_id):
    """A receptionist at the desk, a manager to approve, a technician who cannot."""
    with writer() as s:
        return {role: create_staff(s, name=name, role=role, staff_id=staff_id).id
                for role, name in (("receptionist", "Phạm Lan"), ("manager", "Võ Minh"),
                                   ("technician", "Lê Văn Tài"))}


def _change(writer, people, customer_id, keep_with, phone="0912 999 888"):
    with writer() as s:
        return change_phone(s, staff_id=people["receptionist"], customer_id=customer_id,
                            new_phone=phone, approved_by=people["manager"],
                            keep_with=keep_with)


def _audit(reader, action="phone_change"):
    with reader() as s:
        return [(r.entity_id, r.staff_id, r.before and json.loads(r.before),
                 json.loads(r.after))
                for r in s.execute(text("SELECT entity_id, staff_id, before, after FROM "
                                        "audit_log WHERE action = :a ORDER BY id"), {"a": action})]


def _notes(reader, customer_id):
    with reader() as s:
        return [(n.title, n.description) for n in list_care_notes(s, customer_id=customer_id)]


def test_the_points_and_tier_move_with_the_new_number(writer, reader, people, customer_id):
    with writer() as s:
        adjust_points(s, staff_id=people["manager"], customer_id=customer_id, amount=700,
                      reason="Welcome")
    done = _change(writer, people, customer_id, "new")
    assert (done.customer_id, done.old_customer_id, done.old_phone, done.new_phone) == (
        customer_id, customer_id, OLD, NEW)
    with reader() as s:
        assert get_customer(s, customer_id=customer_id).phone == NEW
        assert points_balance(s, customer_id=customer_id) == 700
        kept = s.exec(select(CustomerPhone)).all()
        assert [(k.customer_id, k.phone, k.phone_national, k.phone_rev, k.staff_id,
                 k.approved_by) for k in kept] == [
            (customer_id, OLD, "0935320888", "8880235390", people["receptionist"],
             people["manager"])]
        for typed in ("0935 320 888", "0888", "0935", "+84 935 320 888"):
            found = search_customers(s, query=typed)
            assert [(r.id, r.phone, r.old_phone) for r in found] == [
                (customer_id, NEW, OLD)], typed  # found, marked "old phone"
        assert [(r.id, r.old_phone) for r in search_customers(s, query="9888")] == [
            (customer_id, "")]
    [(entity, staff, before, after)] = _audit(reader)
    assert (entity, staff, before) == (customer_id, people["receptionist"], {"phone": OLD})
    assert after["phone"] == NEW and after["keep_with"] == "new"
    assert (after["approved_by"], after["approver"]) == (people["manager"], "Võ Minh")
    [(title, description)] = _notes(reader, customer_id)
    assert title == "Phone changed to 0912 999 888"
    assert "0935 320 888" in description and "Võ Minh" in description


def test_the_old_profile_keeps_them_and_the_new_number_gets_a_new_profile(
        engine, writer, reader, people, customer_id):
    with writer() as s:
        adjust_points(s, staff_id=people["manager"], customer_id=customer_id, amount=700,
                      reason="Welcome")
    done = _change(writer, people, customer_id, "old")
    assert done.customer_id != customer_id and done.old_customer_id == customer_id
    with reader() as s:
        old, new = (get_customer(s, customer_id=i) for i in (customer_id, done.customer_id))
        assert (old.phone, new.phone, new.name, new.code) == (OLD, NEW, old.name, done.code)
        assert (points_balance(s, customer_id=customer_id),
                points_balance(s, customer_id=new.id)) == (700, 0)
        assert s.execute(text("SELECT count(*) FROM customer_phone")).scalar() == 0
        assert [r.id for r in search_customers(s, query="0935320888")] == [customer_id]
        assert [r.id for r in search_customers(s, query="0912999888")] == [new.id]
    [(title, description)] = _notes(reader, customer_id)
    assert title == f"New number 0912 999 888: new profile {new.code}"
    [(title, description)] = _notes(reader, new.id)
    assert title == f"New profile for the new number of {old.code}"
    assert "keeps the points and tier" in description
    [(entity, _staff, before, after)] = _audit(reader)
    assert (entity, before, after["keep_with"], after["customer_id"]) == (
        customer_id, {"phone": OLD}, "old", new.id)
    assert [e for e, *_ in _audit(reader, "create_customer")][-1] == new.id
    _change(writer, people, customer_id, "new", phone="0912 999 777")  # and then moved
    assert run_checks(engine) == []  # every invariant of salontui check still holds


def test_refusals_at_their_field_write_nothing(writer, reader, staff_id, people, customer_id):
    with writer() as s:
        other = create_customer(s, staff_id=staff_id, name="Trần Văn Nam", phone="0912 000 111")
        gone = create_customer(s, staff_id=staff_id, name="Đặng Thu", phone="0912 000 222")
        delete_customer(s, staff_id=staff_id, customer_id=gone.id)
        retired = create_staff(s, name="Hồ Quang", role="manager", staff_id=staff_id).id
        s.execute(text("UPDATE staff SET active = false WHERE id = :i"), {"i": retired})

    def written():
        with reader() as s:
            return [s.execute(text(f"SELECT count(*) FROM {t}")).scalar()
                    for t in ("audit_log", "customer", "customer_phone", "care_note")]

    def attempt(changes, fn=change_phone, session=writer):
        with session() as s:
            return fn(s, **({"staff_id": people["receptionist"], "customer_id": customer_id,
                                "new_phone": "0912 999 888", "approved_by": people["manager"],
                                "keep_with": "new"} | changes))

    cases = [
        ({"new_phone": ""}, "new_phone", "Phone is required"),
        ({"new_phone": "abc"}, "new_phone", "not a phone"),
        ({"new_phone": "12"}, "new_phone", "not a valid phone"),
        ({"new_phone": "0935 320 888"}, "new_phone", "already Nguyễn Thị Hương's phone"),
        ({"new_phone": "+84 912 000 111"}, "new_phone", f"{other.code} Trần Văn Nam already"),
        ({"new_phone": "0" * 40}, "new_phone", "too long"),
        ({"approved_by": None}, "approved_by", "must approve"),
        ({"approved_by": people["receptionist"]}, "approved_by", "Phạm Lan cannot"),
        ({"approved_by": people["technician"]}, "approved_by", "Only a manager"),
        ({"approved_by": retired}, "approved_by", "inactive"),
        ({"approved_by": 999_999}, "approved_by"),
        ({"keep_with": "both"}, "keep_with", "Choose whether"),
        ({"customer_id": gone.id}, "customer", "deleted"),
        ({"customer_id": 999_999}, "customer", "No customer"),
        ({"staff_id": retired}, "staff"),
        ({"new_phone": "0912\x00999"}, "new_phone"),
    ]
    assert refused_wrongly(cases, attempt, written, error=SalonError) == []
    assert refused_wrongly(cases, lambda c: attempt(c, check_phone_change, reader), written,
                           error=SalonError) == []
    asked = attempt({"keep_with": "old"}, check_phone_change, reader)
    assert (asked.code, asked.old_phone, asked.new_phone, asked.keep_with, asked.approver) == (
        "KH000001", OLD, NEW, "old", "Võ Minh")
    with pytest.raises(DuplicateCustomer) as duplicate:
        attempt({"new_phone": "0912000111", "keep_with": "old"})
    assert [m.id for m in duplicate.value.matches] == [other.id]


def test_a_deleted_customer_is_found_by_an_old_phone_in_the_bin(writer, reader, staff_id,
                                                              people, customer_id):
    _change(writer, people, customer_id, "new")
    with writer() as s:
        delete_customer(s, staff_id=staff_id, customer_id=customer_id)
    with reader() as s:
        assert search_customers(s, query="0935320888") == []
        found = search_customers(s, query="0935320888", deleted=True)
    assert [(r.id, r.old_phone) for r in found] == [(customer_id, OLD)]


def test_the_approvers_are_the_active_managers_and_owners_signed_in_first(
        reader, staff_id, people):
    with reader() as s:
        assert [a.name for a in list_approvers(s)] == ["Trần Thu Hà", "Võ Minh"]
        assert [a.id for a in list_approvers(s, first=people["manager"])] == [
            people["manager"], staff_id]
        assert [a.id for a in list_approvers(s, first=people["receptionist"])] == [
            staff_id, people["manager"]]
