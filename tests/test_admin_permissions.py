"""Staff PINs and the owner's permission table (store/admin/pins.py, permissions.py): a PIN
stored only as a slow salted hash and checked in constant time; what each role may do as
the migration ships it, changed only by an owner; a role refused an action gets it by a
manager's PIN, once, and both names are on the audit row; bad input refused at its field
with nothing written."""

from __future__ import annotations

import pytest
from refusals import refused_wrongly
from sqlalchemy import text

from salontui.store import audit
from salontui.store.admin.permissions import (
    NotPermitted,
    allows,
    approve,
    permission_table,
    require_permission,
    set_permission,
)
from salontui.store.admin.pins import N, hash_pin, pin_matches, set_pin, verify_staff_pin
from salontui.store.errors import SalonError
from salontui.store.kinds import Permission
from salontui.store.models import Staff
from salontui.store.staff import create_staff


@pytest.fixture
def people(writer, staff_id):
    with writer() as s:
        found = {role: create_staff(s, name=name, role=role, staff_id=staff_id).id
                 for role, name in (("manager", "Võ Minh"), ("receptionist", "Phạm Lan"),
                                    ("technician", "Lê Văn Tài"))}
    found["owner"] = staff_id
    return found


def audit_rows(reader, action):
    with reader() as s:
        return s.execute(text("SELECT staff_id, entity_id, before, after, approved_by "
                              "FROM audit_log WHERE action = :a ORDER BY id"),
                         {"a": action}).all()


def test_a_pin_is_a_slow_salted_hash_never_the_pin():
    first, second = hash_pin("2468"), hash_pin("2468")
    assert first != second  # a salt of its own
    scheme, n, _r, _p, salt, _key = first.split("$")
    assert (scheme, int(n), len(bytes.fromhex(salt))) == ("scrypt", N, 16) and N >= 2**15
    assert "2468" not in first
    assert pin_matches("2468", first) and pin_matches("2468", second)
    assert not pin_matches("2469", first) and not pin_matches("2468", None)
    assert not pin_matches("2468", "md5$abc") and not pin_matches("2468", "scrypt$x$y")


def test_set_own_pin_then_change_it_with_the_current_one(writer, reader, people):
    lan = people["receptionist"]
    with writer() as s:
        set_pin(s, staff_id=lan, target_id=lan, pin=" 1357 ")
    with reader() as s:
        assert verify_staff_pin(s, staff_id=lan, pin="1357").id == lan
        with pytest.raises(SalonError, match="not right") as wrong:
            verify_staff_pin(s, staff_id=lan, pin="7531")
        assert wrong.value.field == "pin"
        stored = s.get(Staff, lan).pin_hash
    with pytest.raises(SalonError, match="current PIN") as refused, writer() as s:
        set_pin(s, staff_id=lan, target_id=lan, pin="8642", current_pin="0000")
    assert refused.value.field == "current_pin"
    with writer() as s:
        set_pin(s, staff_id=lan, target_id=lan, pin="8642", current_pin="1357")
    with reader() as s:
        assert s.get(Staff, lan).pin_hash != stored
        verify_staff_pin(s, staff_id=lan, pin="8642")
    rows = audit_rows(reader, "set_pin")
    assert len(rows) == 2 and all("1357" not in str(r) and "8642" not in str(r) for r in rows)


def test_who_sets_another_persons_pin(writer, reader, people):
    with writer() as s:  # the owner sets anyone's
        set_pin(s, staff_id=people["owner"], target_id=people["technician"], pin="1111")
        set_pin(s, staff_id=people["owner"], target_id=people["manager"], pin="2222")
    with pytest.raises(SalonError, match="Only the owner") as refused, writer() as s:
        set_pin(s, staff_id=people["receptionist"], target_id=people["technician"],
                pin="3333")
    assert refused.value.field == "staff"
    with pytest.raises(SalonError, match="owner's PIN"), writer() as s:
        set_permission(s, staff_id=people["owner"], role="manager", permission="staff",
                       allowed=True)
        set_pin(s, staff_id=people["manager"], target_id=people["owner"], pin="4444")
    with reader() as s:
        verify_staff_pin(s, staff_id=people["technician"], pin="1111")
        assert s.get(Staff, people["owner"]).pin_hash is None


@pytest.mark.parametrize("pin", ["", "   ", "123", "123456789", "12a4", "１２３４", "12 34",
                                 "-123", "9" * 10_000, "12\x0034"])
def test_a_bad_pin_is_refused_at_the_field_and_nothing_is_written(writer, reader, people, pin):
    before = len(audit_rows(reader, "set_pin"))
    with pytest.raises(SalonError) as refused, writer() as s:
        set_pin(s, staff_id=people["owner"], target_id=people["receptionist"], pin=pin)
    assert refused.value.field == "pin", refused_wrongly(refused.value)
    assert len(audit_rows(reader, "set_pin")) == before
    with reader() as s:
        assert s.get(Staff, people["receptionist"]).pin_hash is None


def test_the_table_as_the_migration_ships_it(reader, people):
    with reader() as s:
        table = {row.permission: row.allowed for row in permission_table(s)}
        assert set(table) == {p.value for p in Permission}
        assert all(row["owner"] for row in table.values())
        assert table["refund"] == {"owner": True, "manager": True, "receptionist": False,
                                   "technician": False}
        assert table["staff"]["manager"] is False and table["settings"]["manager"] is False
        assert table["day_close"]["receptionist"] is True
        assert not any(row["technician"] for row in table.values())
        assert allows(s, staff_id=people["manager"], permission="adjust_points")
        assert not allows(s, staff_id=people["receptionist"], permission="adjust_points")
        assert allows(s, staff_id=people["owner"], permission="staff")


def test_only_an_owner_changes_the_table(writer, reader, people):
    with writer() as s:
        set_permission(s, staff_id=people["owner"], role="receptionist", permission="export",
                       allowed=True)
    with reader() as s:
        assert allows(s, staff_id=people["receptionist"], permission="export")
    [row] = audit_rows(reader, "set_permission")
    assert row.staff_id == people["owner"] and '"allowed": true' in row.after
    for who, role, permission, field in (
            ("manager", "receptionist", "refund", "staff"),
            ("owner", "owner", "refund", "role"),
            ("owner", "cashier", "refund", "role"),
            ("owner", "receptionist", "fly", "permission")):
        with pytest.raises(SalonError) as refused, writer() as s:
            set_permission(s, staff_id=people[who], role=role, permission=permission,
                           allowed=True)
        assert refused.value.field == field, refused_wrongly(refused.value)
    assert len(audit_rows(reader, "set_permission")) == 1


def test_a_managers_pin_approves_one_action_with_both_names(writer, reader, people):
    lan, minh = people["receptionist"], people["manager"]
    with writer() as s:
        set_pin(s, staff_id=people["owner"], target_id=minh, pin="2580")
        set_pin(s, staff_id=people["owner"], target_id=people["technician"], pin="1470")
    with reader() as s:
        with pytest.raises(NotPermitted, match="needs a manager") as refused:
            require_permission(s, staff_id=lan, permission="refund")
        assert refused.value.permission == Permission.REFUND
        with pytest.raises(NotPermitted, match="Settings needs the owner"):  # not a manager's
            require_permission(s, staff_id=lan, permission="settings")
        assert require_permission(s, staff_id=minh, permission="refund") is None
        with pytest.raises(SalonError, match="not right") as wrong:
            approve(s, staff_id=lan, approver_id=minh, pin="0000", permission="refund")
        assert wrong.value.field == "pin"
        with pytest.raises(SalonError, match="may not approve") as weak:
            approve(s, staff_id=lan, approver_id=people["technician"], pin="1470",
                    permission="refund")
        assert weak.value.field == "approver"
        approver = approve(s, staff_id=lan, approver_id=minh, pin="2580", permission="refund")
        assert require_permission(s, staff_id=lan, permission="refund",
                                  approved_by=approver) == minh
        with pytest.raises(NotPermitted):  # an approval names its approver, not anyone
            require_permission(s, staff_id=lan, permission="refund",
                               approved_by=people["technician"])
    with writer() as s:  # the write that used it records both names
        audit.record(s, staff_id=lan, action="refund", entity="invoice", entity_id=1,
                     approved_by=minh)
    [row] = audit_rows(reader, "refund")
    assert (row.staff_id, row.approved_by) == (lan, minh)
