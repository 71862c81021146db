"""Promotion programs, and giving one to a customer with a sequential KM code."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import text

from salontui.store.customers import create_customer, delete_customer
from salontui.store.errors import NotFound, RuleViolation, ValidationError
from salontui.store.promotions import (
    create_program,
    give_promotion,
    list_customer_promotions,
    list_programs,
    set_program_active,
)

TODAY = date(2026, 11, 23)  # the fixed_now fixture's date


def count(session, table: str) -> int:
    return session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


@pytest.fixture
def program(writer, staff_id, fixed_now):
    with writer() as s:
        return create_program(s, staff_id=staff_id, name="Tết 2027",
                              description="Hair services only", valid_from=date(2026, 11, 1),
                              valid_until=date(2027, 2, 28), discount_percent=10)


def test_create_program_is_listed_and_audited(writer, reader, staff_id, fixed_now, program):
    assert program.name == "Tết 2027" and program.active is True
    assert program.valid_from == date(2026, 11, 1)
    assert program.valid_until == date(2027, 2, 28)
    with reader() as s:
        assert list_programs(s) == [program]
        (after,) = s.execute(text("SELECT after FROM audit_log WHERE action = 'create_program' "
                                  "AND entity_id = :i"), {"i": program.id}).scalars()
    assert json.loads(after)["name"] == "Tết 2027"


def test_valid_from_defaults_to_today(writer, staff_id, fixed_now):
    with writer() as s:
        made = create_program(s, staff_id=staff_id, name="Open-ended", discount_amount=50_000)
    assert made.valid_from == TODAY and made.valid_until is None


def test_give_promotion_codes_are_sequential_and_listed(writer, reader, staff_id, customer_id,
                                                        fixed_now, program):
    with writer() as s:
        other = create_customer(s, staff_id=staff_id, name="Lý Thanh Tâm",
                                phone="0977 888 999").id
        voucher = create_program(s, staff_id=staff_id, name="Voucher 50k",
                                 discount_amount=50_000)
        first = give_promotion(s, staff_id=staff_id, customer_id=customer_id,
                               program_id=program.id, note="Loyal customer")
        second = give_promotion(s, staff_id=staff_id, customer_id=other, program_id=program.id)
        third = give_promotion(s, staff_id=staff_id, customer_id=customer_id,
                               program_id=voucher.id, expires_on=date(2026, 12, 31))
    assert [first.code, second.code, third.code] == ["KM000001", "KM000002", "KM000003"]
    # The expiry defaults to the program's end date.
    assert first.expires_on == date(2027, 2, 28)
    assert first.created_at == fixed_now and first.used_on is None
    with reader() as s:
        mine = list_customer_promotions(s, customer_id=customer_id)
        theirs = list_customer_promotions(s, customer_id=other)
    assert [p.code for p in mine] == ["KM000003", "KM000001"]  # newest first
    latest, older = mine
    assert older == first
    assert (older.program_name, older.detail, older.expires_on, older.note) == (
        "Tết 2027", "10% off · Hair services only", date(2027, 2, 28), "Loyal customer")
    assert latest.program_name == "Voucher 50k"
    assert "50.000" in latest.detail and latest.detail.endswith("off")
    assert latest.expires_on == date(2026, 12, 31)
    assert [p.code for p in theirs] == ["KM000002"]


def test_give_promotion_writes_one_audit_row(writer, staff_id, customer_id, program):
    with writer() as s:
        audits = count(s, "audit_log")
        given = give_promotion(s, staff_id=staff_id, customer_id=customer_id,
                               program_id=program.id)
        assert count(s, "audit_log") == audits + 1
        (after,) = s.execute(text("SELECT after FROM audit_log WHERE action = 'give_promotion'"
                                  )).scalars()
    assert json.loads(after)["code"] == given.code


def test_inactive_program_cannot_be_given(writer, reader, staff_id, customer_id, program):
    with writer() as s:
        off = set_program_active(s, staff_id=staff_id, program_id=program.id, active=False)
    assert off.active is False
    with writer() as s:
        with pytest.raises(RuleViolation, match="switched off") as caught:
            give_promotion(s, staff_id=staff_id, customer_id=customer_id,
                           program_id=program.id)
        assert caught.value.field == "program"
        assert count(s, "customer_promotion") == 0
    with reader() as s:
        assert list_programs(s) == []
        assert [p.id for p in list_programs(s, active_only=False)] == [program.id]


def test_expired_or_future_program_cannot_be_given(writer, reader, staff_id, customer_id,
                                                   fixed_now):
    with writer() as s:
        ended = create_program(s, staff_id=staff_id, name="Summer", valid_from=date(2026, 6, 1),
                               valid_until=date(2026, 11, 22), discount_percent=15)
        later = create_program(s, staff_id=staff_id, name="Spring", valid_from=date(2027, 3, 1),
                               discount_percent=5)
        last_day = create_program(s, staff_id=staff_id, name="Today only",
                                  valid_from=TODAY, valid_until=TODAY, discount_percent=20)
    with writer() as s:
        with pytest.raises(RuleViolation, match="ended on 2026-11-22"):
            give_promotion(s, staff_id=staff_id, customer_id=customer_id, program_id=ended.id)
        with pytest.raises(RuleViolation, match="starts on 2027-03-01"):
            give_promotion(s, staff_id=staff_id, customer_id=customer_id, program_id=later.id)
        assert count(s, "customer_promotion") == 0
        # Its last day still counts; the refusals above used no code.
        given = give_promotion(s, staff_id=staff_id, customer_id=customer_id,
                               program_id=last_day.id)
        assert given.code == "KM000001" and given.expires_on == TODAY
    with reader() as s:
        assert [p.name for p in list_programs(s)] == ["Today only"]
        assert [p.name for p in list_programs(s, today=date(2027, 3, 1))] == ["Spring"]
        assert [p.name for p in list_programs(s, active_only=False)] == [
            "Spring", "Summer", "Today only"]


def test_give_promotion_expiry_rules(writer, staff_id, customer_id, fixed_now, program):
    with writer() as s:
        with pytest.raises(ValidationError, match="after the program ends") as caught:
            give_promotion(s, staff_id=staff_id, customer_id=customer_id,
                           program_id=program.id, expires_on=date(2027, 3, 1))
        assert caught.value.field == "expires_on"
        with pytest.raises(ValidationError, match="past"):
            give_promotion(s, staff_id=staff_id, customer_id=customer_id,
                           program_id=program.id, expires_on=date(2026, 11, 22))
        with pytest.raises(ValidationError) as caught:
            give_promotion(s, staff_id=staff_id, customer_id=customer_id,
                           program_id=program.id, note="x" * 251)
        assert caught.value.field == "note"
        assert count(s, "customer_promotion") == 0
        open_ended = create_program(s, staff_id=staff_id, name="Refer a friend",
                                    discount_percent=10)
        given = give_promotion(s, staff_id=staff_id, customer_id=customer_id,
                               program_id=open_ended.id)
        assert given.expires_on is None


def test_give_promotion_unknown_or_deleted(writer, staff_id, customer_id, program):
    with writer() as s:
        with pytest.raises(NotFound) as caught:
            give_promotion(s, staff_id=staff_id, customer_id=5555, program_id=program.id)
        assert caught.value.field == "customer"
        with pytest.raises(NotFound) as caught:
            give_promotion(s, staff_id=staff_id, customer_id=customer_id, program_id=5555)
        assert caught.value.field == "program"
        delete_customer(s, staff_id=staff_id, customer_id=customer_id)
        with pytest.raises(RuleViolation, match="restore"):
            give_promotion(s, staff_id=staff_id, customer_id=customer_id,
                           program_id=program.id)
        assert count(s, "customer_promotion") == 0


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 121}, "name"),
        ({"description": "x" * 501}, "description"),
        ({"valid_from": date(2026, 12, 1), "valid_until": date(2026, 11, 30)}, "valid_until"),
        ({"discount_percent": 101}, "discount_percent"),
        ({"discount_percent": -1}, "discount_percent"),
        ({"discount_percent": 2.5}, "discount_percent"),
        ({"discount_amount": -1000}, "discount_amount"),
        ({"discount_percent": 10, "discount_amount": 1000}, "discount_amount"),
    ],
)
def test_create_program_validation_writes_nothing(writer, staff_id, fixed_now, kwargs, field):
    args = {"name": "Tết", **kwargs}
    with writer() as s:
        audits = count(s, "audit_log")
        with pytest.raises(ValidationError) as caught:
            create_program(s, staff_id=staff_id, **args)
        assert caught.value.field == field
        assert count(s, "promotion_program") == 0 and count(s, "audit_log") == audits
