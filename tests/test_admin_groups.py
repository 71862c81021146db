"""Customer groups: named once, one per customer, a points multiplier each; every change
audited with its before and after; bad input refused at the field with nothing written."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from refusals import refused_wrongly
from sqlalchemy import text

from salontui.store.admin.groups import (
    create_group,
    group_name,
    list_groups,
    set_customer_group,
    set_group_active,
    update_group,
)
from salontui.store.errors import NotFound, RuleViolation, SalonError


def audit_rows(engine, action):
    with engine.connect() as conn:
        return conn.execute(text("SELECT before, after FROM audit_log WHERE action = :a "
                                 "ORDER BY id"), {"a": action}).all()


def test_create_edit_retire_and_members(engine, writer, reader, staff_id, customer_id):
    with writer() as s:
        vip = create_group(s, staff_id=staff_id, name="  Khách   VIP ", points_percent=150)
        family = create_group(s, staff_id=staff_id, name="Gia đình nhân viên")
    assert (vip.name, vip.points_percent, family.points_percent) == ("Khách VIP", 150, 100)
    with writer() as s:
        set_customer_group(s, staff_id=staff_id, customer_id=customer_id, group_id=vip.id)
        update_group(s, staff_id=staff_id, group_id=vip.id, name="VIP vàng", points_percent=200)
    with reader() as s:
        rows = {g.name: g for g in list_groups(s)}
        assert rows["VIP vàng"].members == 1 and rows["Gia đình nhân viên"].members == 0
        assert group_name(s, vip.id) == "VIP vàng" and group_name(s, None) == ""
    [(before, after)] = audit_rows(engine, "update_group")
    assert json.loads(before)["points_percent"] == 150
    assert json.loads(after)["points_percent"] == 200
    with writer() as s:
        set_group_active(s, staff_id=staff_id, group_id=family.id, active=False)
    with reader() as s:
        assert [g.name for g in list_groups(s, include_inactive=False)] == ["VIP vàng"]
        assert [g.name for g in list_groups(s)][-1] == "Gia đình nhân viên"  # retired last


def test_a_retired_group_takes_no_new_customer(writer, staff_id, customer_id):
    with writer() as s:
        group = create_group(s, staff_id=staff_id, name="Doanh nghiệp")
        set_group_active(s, staff_id=staff_id, group_id=group.id, active=False)
    with pytest.raises(RuleViolation, match="retired"), writer() as s:
        set_customer_group(s, staff_id=staff_id, customer_id=customer_id, group_id=group.id)
    with writer() as s:  # leaving it is always allowed
        set_customer_group(s, staff_id=staff_id, customer_id=customer_id, group_id=None)


BAD = [
    ({"name": ""}, "name", "Name is required."),
    ({"name": "x" * 61}, "name", "longer than 60"),
    ({"name": "gia dinh"}, "name", "already a group"),
    ({"points_percent": -1}, "points_percent", "0 to 1000"),
    ({"points_percent": 1001}, "points_percent", "0 to 1000"),
    ({"points_percent": 1.5}, "points_percent", "whole"),
    ({"points_percent": "150"}, "points_percent", "whole"),
]


def test_bad_input_is_refused_at_the_field(engine, writer, staff_id):
    with writer() as s:
        create_group(s, staff_id=staff_id, name="Gia đình")

    def attempt(changes):
        with writer() as s:
            create_group(s, staff_id=staff_id,
                         **({"name": "Doanh nghiệp", "points_percent": 100} | changes))

    problems = refused_wrongly(BAD, attempt, lambda: audit_rows(engine, "create_group"))
    assert not problems, "\n".join(problems)


def test_unknown_group_and_customer(writer, staff_id, customer_id):
    with pytest.raises(NotFound), writer() as s:
        update_group(s, staff_id=staff_id, group_id=999, name="X", points_percent=100)
    with pytest.raises(NotFound), writer() as s:
        set_customer_group(s, staff_id=staff_id, customer_id=customer_id, group_id=999)


@pytest.mark.sqlite_only
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(max_size=80),
       percent=st.one_of(st.integers(), st.floats(), st.text(max_size=8)))
def test_any_input_is_saved_or_refused_cleanly(writer, reader, staff_id, name, percent):
    try:
        with writer() as s:
            row = create_group(s, staff_id=staff_id, name=name, points_percent=percent)
    except SalonError as error:
        assert error.field in ("name", "points_percent")
        return
    assert 0 <= row.points_percent <= 1000 and 0 < len(row.name) <= 60
    with reader() as s:
        assert row.name in [g.name for g in list_groups(s)]
