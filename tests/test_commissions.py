"""Commission rules in the store: added, ended, changed (end + add at one instant), their
refusals at the field (nothing written), the settings permission, and which rule pays."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import text

from salontui.store import clock
from salontui.store.admin.commissions import (
    Rate,
    add_rule,
    change_rule,
    commission,
    end_rule,
    list_rules,
    parse_percent,
    resolve,
    show_percent,
)
from salontui.store.admin.permissions import NotPermitted, set_permission
from salontui.store.catalog import create_item
from salontui.store.errors import SalonError
from salontui.store.staff import create_staff


@pytest.fixture
def items(writer, staff_id):
    with writer() as s:
        return {
            "cut": create_item(s, staff_id=staff_id, name="Cắt tóc", kind="service",
                               price=300_000, code="DV01"),
            "oil": create_item(s, staff_id=staff_id, name="Dầu gội", kind="product",
                               price=250_000, code="SP01"),
            "ten": create_item(s, staff_id=staff_id, name="Gói 10 lần", kind="package",
                               price=1_000_000, package_kind="count", sessions=10,
                               validity_days=365, code="GOI10"),
        }


def _count(reader, table: str) -> int:
    with reader() as s:
        return int(s.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_percent_is_typed_as_people_write_it():
    assert [parse_percent(t) for t in ("10", "2.5", "2,5", "12.25 %", "0", "100")] == [
        1000, 250, 250, 1225, 0, 10_000]
    assert [show_percent(b) for b in (1000, 250, 1225, 0)] == ["10", "2.5", "12.25", "0"]


def test_add_end_and_change_a_rule(writer, reader, staff_id, technician_id, items, fixed_now):
    with writer() as s:
        everyone = add_rule(s, staff_id=staff_id, applies_to="service", percent="10")
        session_fee = add_rule(s, staff_id=staff_id, applies_to="redeem", amount="20.000")
        one = add_rule(s, staff_id=staff_id, applies_to="service", item_code="dv01",
                       target_staff_id=technician_id, percent="2.5")
    assert (everyone.rate_bp, everyone.fixed_amount) == (1000, None)
    assert (session_fee.rate_bp, session_fee.fixed_amount) == (None, 20_000)
    assert (one.item_code, one.staff_name, one.rate_bp) == ("DV01", "Lê Văn Tài", 250)
    later = fixed_now + timedelta(hours=2)
    with clock.pinned(later), writer() as s:
        changed = change_rule(s, staff_id=staff_id, rule_id=everyone.id, applies_to="service",
                              percent="12")
        ended = end_rule(s, staff_id=staff_id, rule_id=session_fee.id)
    assert ended.ended_at == later and changed.created_at == later
    with reader() as s:
        shown = list_rules(s)
        history = list_rules(s, include_ended=True)
        old = s.execute(text("SELECT ended_at FROM commission_rule WHERE id = :i"),
                        {"i": everyone.id}).scalar_one()
        actions = [r[0] for r in s.execute(text(
            "SELECT action FROM audit_log WHERE entity = 'commission_rule' ORDER BY id"))]
    assert {r.id for r in shown} == {changed.id, one.id}
    assert len(history) == 4 and history[-1].ended_at is not None
    assert str(old).startswith(str(later.date()))
    assert actions == ["add_commission_rule"] * 3 + ["change_commission_rule",
                                                     "end_commission_rule"]
    with writer() as s, pytest.raises(SalonError) as refused:
        end_rule(s, staff_id=staff_id, rule_id=session_fee.id)
    assert refused.value.field == "rule"


BAD = [
    ({"applies_to": ""}, "applies_to"),
    ({"applies_to": "topup"}, "applies_to"),
    ({"percent": ""}, "percent"),
    ({"percent": "-5"}, "percent"),
    ({"percent": "100.5"}, "percent"),
    ({"percent": "150"}, "percent"),
    ({"percent": "abc"}, "percent"),
    ({"percent": "", "amount": "-20.000"}, "amount"),
    ({"percent": "", "amount": "lots"}, "amount"),
    ({"percent": "10", "amount": "20.000"}, "amount"),
    ({"item_code": "NOPE"}, "item"),
    ({"item_code": "SP01"}, "item"),  # a product for a service rule
    ({"applies_to": "redeem", "item_code": "DV01"}, "item"),  # a session is of a package
    ({"role": "technician", "target_staff_id": "tech"}, "who"),
    ({"role": "janitor"}, "who"),
    ({"target_staff_id": 9999}, "who"),
    ({"item_code": "x" * 10_000}, "item_code"),
    ({"percent": "1" * 10_000}, "percent"),
]


@pytest.mark.parametrize(("change", "field"), BAD)
def test_bad_input_is_refused_at_its_field_and_writes_nothing(
        writer, reader, staff_id, technician_id, items, fixed_now, change, field):
    fields = {"applies_to": "service", "percent": "10", **change}
    if fields.get("target_staff_id") == "tech":
        fields["target_staff_id"] = technician_id
    before = (_count(reader, "commission_rule"), _count(reader, "audit_log"))
    with writer() as s, pytest.raises(SalonError) as refused:
        add_rule(s, staff_id=staff_id, **fields)
    assert refused.value.field == field, refused.value.message
    assert refused.value.message
    assert (_count(reader, "commission_rule"), _count(reader, "audit_log")) == before


def test_two_rules_of_the_same_scope_are_not_in_force_at_once(writer, staff_id, items,
                                                              fixed_now):
    with writer() as s:
        first = add_rule(s, staff_id=staff_id, applies_to="service", item_code="DV01",
                         role="technician", percent="10")
    with writer() as s, pytest.raises(SalonError) as refused:
        add_rule(s, staff_id=staff_id, applies_to="service", item_code="DV01",
                 role="technician", amount="50.000")
    assert refused.value.field == "applies_to"
    with writer() as s:  # another scope is fine, and so is the same one once ended
        add_rule(s, staff_id=staff_id, applies_to="service", item_code="DV01", percent="5")
        end_rule(s, staff_id=staff_id, rule_id=first.id)
        add_rule(s, staff_id=staff_id, applies_to="service", item_code="DV01",
                 role="technician", amount="50.000")


def test_a_receptionist_needs_a_managers_approval(writer, reader, staff_id, items, fixed_now):
    with writer() as s:
        desk = create_staff(s, name="Phạm Lan", role="receptionist", staff_id=staff_id).id
        manager = create_staff(s, name="Đỗ Minh", role="manager", staff_id=staff_id).id
    with writer() as s, pytest.raises(NotPermitted):
        add_rule(s, staff_id=desk, applies_to="product", percent="5")
    with writer() as s, pytest.raises(NotPermitted):  # by default a manager may not either
        add_rule(s, staff_id=desk, applies_to="product", percent="5", approved_by=manager)
    assert _count(reader, "commission_rule") == 0
    with writer() as s:
        set_permission(s, staff_id=staff_id, role="manager", permission="settings",
                       allowed=True)
    with writer() as s:
        row = add_rule(s, staff_id=desk, applies_to="product", percent="5",
                       approved_by=manager)
    with reader() as s:
        who = s.execute(text("SELECT staff_id, approved_by FROM audit_log WHERE entity = "
                             "'commission_rule' AND entity_id = :i"), {"i": row.id}).one()
    assert tuple(who) == (desk, manager)


def test_the_most_specific_rule_in_force_pays():
    t0 = datetime(2026, 1, 1)
    rates = [
        Rate(1, "service", None, None, None, 1000, None, t0, None),  # everyone, services
        Rate(2, "service", None, "technician", None, 1500, None, t0, None),  # a role
        Rate(3, "service", 7, None, None, 2000, None, t0, None),  # everyone, one service
        Rate(4, "service", None, None, 42, None, 30_000, t0, None),  # one person
        Rate(5, "service", None, None, None, 500, None, t0 - timedelta(days=9), t0),  # ended
    ]
    at = t0 + timedelta(days=1)

    def who_pays(**line) -> int | None:
        found = resolve(rates, kind="service", at=at, **line)
        return found.rule_id if found else None

    assert who_pays(item_id=8, staff_id=42, role="technician") == 4  # staff beats all
    assert who_pays(item_id=7, staff_id=5, role="technician") == 2  # role beats item
    assert who_pays(item_id=7, staff_id=5, role="receptionist") == 3  # item beats kind
    assert who_pays(item_id=8, staff_id=5, role="receptionist") == 1
    assert who_pays(item_id=8, staff_id=None, role=None) is None  # nobody on the line
    old = resolve(rates, kind="service", item_id=8, staff_id=5, role="receptionist",
                  at=t0 - timedelta(days=1))
    assert old is not None and old.rule_id == 5  # the rule in force then
    fallback = resolve([], kind="service", item_id=8, staff_id=5, role=None, at=at,
                       service_percent=15)
    assert fallback is not None and fallback.rate_bp == 1500
    assert resolve([], kind="product", item_id=8, staff_id=5, role=None, at=at,
                   service_percent=15) is None
    assert commission(rates[0], amount=300_000, quantity=1) == 30_000
    assert commission(rates[0], amount=-300_000, quantity=-1) == -30_000
    assert commission(rates[0], amount=5, quantity=1) == 1  # 0.5 rounds away from zero
    assert commission(rates[0], amount=-5, quantity=-1) == -1
    assert commission(rates[3], amount=0, quantity=-2) == -60_000
