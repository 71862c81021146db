"""The staff list in Settings (store/admin/staff_admin.py): adding, editing and deactivating
takes the staff permission (an owner always); the salon keeps an active owner and nobody
deactivates themselves; every change audited; bad input refused at its field with nothing
written."""

from __future__ import annotations

import json

import pytest
from refusals import refused_wrongly
from sqlalchemy import text

from salontui.store.admin.permissions import set_permission
from salontui.store.admin.pins import set_pin
from salontui.store.admin.staff_admin import (
    add_staff,
    list_staff_admin,
    set_staff_active,
    update_staff,
)
from salontui.store.errors import NotFound, RuleViolation


def audit_rows(engine, action):
    with engine.connect() as conn:
        return conn.execute(text("SELECT staff_id, entity_id, before, after FROM audit_log "
                                 "WHERE action = :a ORDER BY id"), {"a": action}).all()


def test_add_edit_deactivate_bring_back(engine, writer, reader, staff_id):
    with writer() as s:
        lan = add_staff(s, staff_id=staff_id, name="  Nguyễn   Lan ", role="receptionist")
    assert lan.name == "Nguyễn Lan"
    [(who, _, _, after)] = audit_rows(engine, "create_staff")[-1:]
    assert who == staff_id and json.loads(after)["name"] == "Nguyễn Lan"
    with writer() as s:
        update_staff(s, staff_id=staff_id, target_id=lan.id, name="Lan Nguyễn", role="manager")
        set_pin(s, staff_id=staff_id, target_id=lan.id, pin="2468")
    [(who, target, before, after)] = audit_rows(engine, "update_staff")
    assert (who, target) == (staff_id, lan.id)
    assert json.loads(before) == {"name": "Nguyễn Lan", "role": "receptionist"}
    assert json.loads(after) == {"name": "Lan Nguyễn", "role": "manager"}
    with reader() as s:
        rows = {r.name: r for r in list_staff_admin(s)}
    assert rows["Lan Nguyễn"].has_pin and rows["Lan Nguyễn"].pin_set_at is not None
    assert not rows["Trần Thu Hà"].has_pin and rows["Lan Nguyễn"].branch == ""
    with writer() as s:
        set_staff_active(s, staff_id=staff_id, target_id=lan.id, active=False)
    with reader() as s:
        assert [r.name for r in list_staff_admin(s)][-1] == "Lan Nguyễn"  # inactive last
        assert not list_staff_admin(s)[-1].active
    with writer() as s:
        set_staff_active(s, staff_id=staff_id, target_id=lan.id, active=True)
    assert [json.loads(a) for *_, a in audit_rows(engine, "set_staff_active")] == [
        {"active": False}, {"active": True}]


def test_the_staff_permission(writer, staff_id):
    with writer() as s:
        manager = add_staff(s, staff_id=staff_id, name="Quản lý", role="manager").id
        desk = add_staff(s, staff_id=staff_id, name="Lễ tân", role="receptionist").id
    for attempt in (lambda s: add_staff(s, staff_id=manager, name="Mới"),
                    lambda s: update_staff(s, staff_id=desk, target_id=desk, name="X",
                                           role="owner"),
                    lambda s: set_staff_active(s, staff_id=manager, target_id=desk,
                                               active=False)):
        with pytest.raises(RuleViolation, match="manage staff") as refused, writer() as s:
            attempt(s)
        assert refused.value.field == "staff"
    with writer() as s:  # the owner lets managers manage staff
        set_permission(s, staff_id=staff_id, role="manager", permission="staff", allowed=True)
    with writer() as s:
        add_staff(s, staff_id=manager, name="Mới")
        set_staff_active(s, staff_id=manager, target_id=desk, active=False)
    with pytest.raises(RuleViolation, match="Only an owner") as refused, writer() as s:
        update_staff(s, staff_id=manager, target_id=manager, name="Quản lý", role="owner")
    assert refused.value.field == "role"
    with pytest.raises(RuleViolation, match="Only an owner"), writer() as s:
        set_staff_active(s, staff_id=manager, target_id=staff_id, active=False)


def test_the_last_owner_and_oneself(writer, reader, staff_id):
    with pytest.raises(RuleViolation, match="last active owner") as refused, writer() as s:
        update_staff(s, staff_id=staff_id, target_id=staff_id, name="Hà", role="manager")
    assert refused.value.field == "role"
    with pytest.raises(RuleViolation, match="themselves") as refused, writer() as s:
        set_staff_active(s, staff_id=staff_id, target_id=staff_id, active=False)
    assert refused.value.field == "target"
    with writer() as s:  # a second owner: now the first may step down
        second = add_staff(s, staff_id=staff_id, name="Chủ hai", role="owner").id
        update_staff(s, staff_id=staff_id, target_id=staff_id, name="Hà", role="manager")
    with pytest.raises(RuleViolation, match="last active owner"), writer() as s:
        update_staff(s, staff_id=second, target_id=second, name="Chủ hai", role="technician")
    with reader() as s:
        assert {r.name: r.role for r in list_staff_admin(s)} == {"Hà": "manager",
                                                                  "Chủ hai": "owner"}
    with pytest.raises(NotFound) as refused, writer() as s:
        set_staff_active(s, staff_id=second, target_id=999, active=False)
    assert refused.value.field == "target"


BAD = [
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"name": "x" * 121}, "name", "longer"),
    ({"name": "x" * 10_000}, "name"),
    ({"role": "boss"}, "role"),
    ({"role": ""}, "role"),
]


def test_bad_input_is_refused_at_its_field(engine, writer, staff_id):
    with writer() as s:
        lan = add_staff(s, staff_id=staff_id, name="Lan").id

    def added(changes):
        with writer() as s:
            add_staff(s, staff_id=staff_id, **({"name": "Mai", "role": "technician"} | changes))

    def edited(changes):
        with writer() as s:
            update_staff(s, staff_id=staff_id, target_id=lan,
                         **({"name": "Mai", "role": "technician"} | changes))

    problems = refused_wrongly(BAD, added, lambda: audit_rows(engine, "create_staff"))
    problems += refused_wrongly(BAD, edited, lambda: audit_rows(engine, "update_staff"))
    assert not problems, "\n".join(problems)
