"""Merging duplicates moves everything to the customer kept; undo gives it all back."""

from __future__ import annotations

from datetime import date

import pytest

from salontui.store.care import add_care_note, list_care_notes
from salontui.store.customers import create_customer, get_customer
from salontui.store.errors import RuleViolation, ValidationError
from salontui.store.ledger import adjust_card, adjust_points, card_balances, points_balance
from salontui.store.merge import merge_customers, related_customer_ids, undo_merge
from salontui.store.package_reads import list_packages
from salontui.store.packages import sell_package
from salontui.store.search import search_customers


@pytest.fixture
def duplicate_id(writer, staff_id, customer_id):
    with writer() as s:
        dup = create_customer(s, staff_id=staff_id, name="Nguyễn Thị Hương",
                              phone="0912 000 111", allow_duplicate=True)
        adjust_points(s, staff_id=staff_id, customer_id=dup.id, amount=300, reason="Cũ")
        adjust_card(s, staff_id=staff_id, customer_id=dup.id, card_name="Tóc", amount=200_000,
                    reason="Nạp cũ")
        sell_package(s, staff_id=staff_id, customer_id=dup.id, name="Gói cũ", kind="count",
                     price=1000, total_uses=5, expires_on=date(2027, 1, 1))
        add_care_note(s, staff_id=staff_id, customer_id=dup.id, type="call", title="Gọi hỏi")
        adjust_points(s, staff_id=staff_id, customer_id=customer_id, amount=100, reason="Mới")
    return dup.id


def _state(reader, cid):
    with reader() as s:
        return (points_balance(s, customer_id=cid),
                [(c.name, c.balance) for c in card_balances(s, customer_id=cid)],
                [p.name for p in list_packages(s, customer_id=cid)],
                [n.title for n in list_care_notes(s, customer_id=cid)])


def test_merge_moves_everything_and_undo_restores_it(writer, reader, staff_id, customer_id,
                                                    duplicate_id, fixed_now):
    kept_before, dup_before = _state(reader, customer_id), _state(reader, duplicate_id)
    with writer() as s:
        result = merge_customers(s, staff_id=staff_id, keep_id=customer_id,
                                 merge_id=duplicate_id)
    assert _state(reader, customer_id) == (400, [("Tóc", 200_000)], ["Gói cũ"], ["Gọi hỏi"])
    with reader() as s:
        assert get_customer(s, customer_id=duplicate_id).deleted_at is not None
        assert [r.id for r in search_customers(s, query="huong")] == [customer_id]
        assert related_customer_ids(s, customer_id=customer_id) == [customer_id, duplicate_id]
    with writer() as s:
        undo_merge(s, staff_id=staff_id, merge_id=result.merge_id)
    assert _state(reader, customer_id)[0] == kept_before[0]
    assert _state(reader, customer_id)[2:] == kept_before[2:]
    assert _state(reader, duplicate_id) == dup_before
    with pytest.raises(RuleViolation), writer() as s:
        undo_merge(s, staff_id=staff_id, merge_id=result.merge_id)


def test_merge_refusals(writer, staff_id, customer_id, duplicate_id):
    with pytest.raises(ValidationError), writer() as s:
        merge_customers(s, staff_id=staff_id, keep_id=customer_id, merge_id=customer_id)
    with writer() as s:
        merge_customers(s, staff_id=staff_id, keep_id=customer_id, merge_id=duplicate_id)
    with pytest.raises(RuleViolation), writer() as s:
        merge_customers(s, staff_id=staff_id, keep_id=customer_id, merge_id=duplicate_id)


def test_undo_is_refused_when_the_points_were_spent(writer, staff_id, customer_id,
                                                   duplicate_id):
    with writer() as s:
        result = merge_customers(s, staff_id=staff_id, keep_id=customer_id,
                                 merge_id=duplicate_id)
        adjust_points(s, staff_id=staff_id, customer_id=customer_id, amount=-400, reason="Đổi")
    with pytest.raises(RuleViolation), writer() as s:
        undo_merge(s, staff_id=staff_id, merge_id=result.merge_id)


def test_the_merges_offered_to_undo(writer, reader, staff_id, customer_id, duplicate_id):
    from salontui.store.merge import merges_to_undo

    with writer() as s:
        result = merge_customers(s, staff_id=staff_id, keep_id=customer_id,
                                 merge_id=duplicate_id)
    with reader() as s:
        from_kept = merges_to_undo(s, customer_id=customer_id)
        from_duplicate = merges_to_undo(s, customer_id=duplicate_id)
        dup_code = get_customer(s, customer_id=duplicate_id).code
    assert from_kept == from_duplicate
    assert [(m.id, m.merged_code, m.merged_name) for m in from_kept] == [
        (result.merge_id, dup_code, "Nguyễn Thị Hương")]
    assert from_kept[0].staff_name  # who merged, for the pick list
    with writer() as s:
        undo_merge(s, staff_id=staff_id, merge_id=result.merge_id)
    with reader() as s:
        assert merges_to_undo(s, customer_id=customer_id) == []


def test_check_finds_merges_and_undos_consistent(engine, writer, staff_id, customer_id,
                                                 duplicate_id):
    from salontui.store.check import run_checks

    with writer() as s:
        merged = merge_customers(s, staff_id=staff_id, keep_id=customer_id,
                                 merge_id=duplicate_id)
    assert run_checks(engine, only=["merges"]) == []
    with writer() as s:
        undo_merge(s, staff_id=staff_id, merge_id=merged.merge_id)
    with writer() as s:
        merge_customers(s, staff_id=staff_id, keep_id=customer_id, merge_id=duplicate_id)
    assert run_checks(engine, only=["merges"]) == []  # merged again after an undo
