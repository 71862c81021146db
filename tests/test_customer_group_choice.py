"""A customer's group chosen at the desk: create_customer and update_customer write it with
the customer's other fields (one audit row), a retired group takes no new member, and the
header's summary names the group."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text

from salontui.store.admin.groups import create_group, set_customer_group, set_group_active
from salontui.store.customers import create_customer, get_customer, update_customer
from salontui.store.errors import NotFound, RuleViolation, ValidationError
from salontui.store.summary import customer_summary

HUONG = {"name": "Nguyễn Thị Hương", "phone": "0935 320 888"}


def count(session, table: str = "audit_log") -> int:
    return session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def last_audit(session, action: str) -> tuple[dict | None, dict]:
    before, after = session.execute(text(
        "SELECT before, after FROM audit_log WHERE action = :a ORDER BY id DESC LIMIT 1"),
        {"a": action}).one()
    return (json.loads(before) if before else None), json.loads(after)


@pytest.fixture
def groups(writer, staff_id):
    with writer() as s:
        vip = create_group(s, staff_id=staff_id, name="Khách VIP", points_percent=150)
        family = create_group(s, staff_id=staff_id, name="Gia đình nhân viên")
        old = create_group(s, staff_id=staff_id, name="Doanh nghiệp cũ")
        set_group_active(s, staff_id=staff_id, group_id=old.id, active=False)
    return {"vip": vip.id, "family": family.id, "old": old.id}


def test_a_new_customer_is_put_in_a_group_with_one_audit_row(writer, reader, staff_id,
                                                              groups):
    with writer() as s:
        before = count(s)
        made = create_customer(s, staff_id=staff_id, group_id=groups["vip"], **HUONG)
        assert count(s) == before + 1
        _, after = last_audit(s, "create_customer")
    assert made.group_id == groups["vip"] and after["group_id"] == groups["vip"]
    with reader() as s:
        summary = customer_summary(s, customer_id=made.id)
    assert (summary.group_id, summary.group_name) == (groups["vip"], "Khách VIP")


def test_without_a_group_the_header_names_none(writer, reader, staff_id, groups):
    with writer() as s:
        made = create_customer(s, staff_id=staff_id, **HUONG)
    with reader() as s:
        summary = customer_summary(s, customer_id=made.id)
    assert (made.group_id, summary.group_id, summary.group_name) == (None, None, "")


def test_an_edit_sets_changes_clears_or_keeps_the_group(writer, reader, staff_id, groups):
    with writer() as s:
        cid = create_customer(s, staff_id=staff_id, **HUONG).id
    with writer() as s:
        before = count(s)
        moved = update_customer(s, staff_id=staff_id, customer_id=cid, group_id=groups["vip"],
                                **HUONG)
        assert count(s) == before + 1  # the group alone is a change, audited once
        old, new = last_audit(s, "update_customer")
    assert moved.group_id == groups["vip"]
    assert old is not None and (old["group_id"], new["group_id"]) == (None, groups["vip"])
    with writer() as s:  # a caller that says nothing of the group leaves it
        renamed = update_customer(s, staff_id=staff_id, customer_id=cid,
                                  name="Nguyễn Thị Hương Giang", phone=HUONG["phone"])
    assert renamed.group_id == groups["vip"]
    with writer() as s:  # the name and the group in one save: one row
        before = count(s)
        both = update_customer(s, staff_id=staff_id, customer_id=cid,
                               group_id=groups["family"], **HUONG)
        assert count(s) == before + 1
    assert (both.name, both.group_id) == (HUONG["name"], groups["family"])
    with writer() as s:
        cleared = update_customer(s, staff_id=staff_id, customer_id=cid, group_id=None,
                                  **HUONG)
    assert cleared.group_id is None
    with writer() as s:  # the same again: nothing written
        before = count(s)
        update_customer(s, staff_id=staff_id, customer_id=cid, group_id=None, **HUONG)
        assert count(s) == before
    with reader() as s:
        assert customer_summary(s, customer_id=cid).group_name == ""


def test_a_retired_group_takes_no_new_member_but_keeps_its_own(writer, reader, staff_id,
                                                               groups):
    with writer() as s:
        before = (count(s), count(s, "customer"))
        with pytest.raises(RuleViolation, match="retired") as caught:
            create_customer(s, staff_id=staff_id, group_id=groups["old"], **HUONG)
        assert caught.value.field == "group"
        assert (count(s), count(s, "customer")) == before
        cid = create_customer(s, staff_id=staff_id, **HUONG).id
    with writer() as s:
        with pytest.raises(RuleViolation, match="retired") as caught:
            update_customer(s, staff_id=staff_id, customer_id=cid, group_id=groups["old"],
                            **HUONG)
        assert caught.value.field == "group"
    with reader() as s:
        assert get_customer(s, customer_id=cid).group_id is None
    # One already in it (put there before it was retired) may stay, and be edited.
    with writer() as s:
        set_group_active(s, staff_id=staff_id, group_id=groups["old"], active=True)
        set_customer_group(s, staff_id=staff_id, customer_id=cid, group_id=groups["old"])
        set_group_active(s, staff_id=staff_id, group_id=groups["old"], active=False)
    with writer() as s:
        kept = update_customer(s, staff_id=staff_id, customer_id=cid, group_id=groups["old"],
                               name="Hương", phone=HUONG["phone"])
    assert (kept.name, kept.group_id) == ("Hương", groups["old"])
    with reader() as s:
        assert customer_summary(s, customer_id=cid).group_name == "Doanh nghiệp cũ"


@pytest.mark.parametrize("bad", [9999, -1])
def test_an_unknown_group_is_not_found(writer, staff_id, groups, bad):
    with writer() as s:
        cid = create_customer(s, staff_id=staff_id, **HUONG).id
        before = count(s)
        for call in (lambda: create_customer(s, staff_id=staff_id, group_id=bad,
                                             name="Lý Thanh Tâm", phone="0977 888 999"),
                     lambda: update_customer(s, staff_id=staff_id, customer_id=cid,
                                             group_id=bad, **HUONG)):
            with pytest.raises(NotFound) as caught:
                call()
            assert caught.value.field == "group"
        assert count(s) == before


@pytest.mark.parametrize("bad", ["1", True, 1.5, 2**70])
def test_a_group_that_is_not_a_number_is_refused_at_the_field(writer, staff_id, groups, bad):
    with writer() as s:
        cid = create_customer(s, staff_id=staff_id, **HUONG).id
        before = count(s)
        with pytest.raises(ValidationError) as caught:
            create_customer(s, staff_id=staff_id, group_id=bad, name="Lý Thanh Tâm",
                            phone="0977 888 999")
        assert caught.value.field == "group"
        with pytest.raises(ValidationError) as caught:
            update_customer(s, staff_id=staff_id, customer_id=cid, group_id=bad, **HUONG)
        assert caught.value.field == "group"
        assert count(s) == before
