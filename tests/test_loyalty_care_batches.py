"""Bulk care actions (store/loyalty/care_batches.py) and the care catalogue
(store/loyalty/care_catalogue.py), on both engines.

The worked example: 100 points given to the 2,000 customers a filter picks (of 2,500) make
2,000 ledger entries and 2,000 care notes with the type and the reason, nothing for the
others, and the books still check. A deduction below zero is refused for that customer
and the others go through, one report; a run stopped (a chunk limit, a crash) leaves the
rest pending and runs again to the end; a customer whose writing fails is refused alone.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from refusals import one_case
from sqlalchemy import func, insert, select, text

from salontui.store import clock
from salontui.store.check import run_checks
from salontui.store.customers import create_customer, delete_customer
from salontui.store.errors import NotFound, RuleViolation, SalonError, ValidationError
from salontui.store.ledger import adjust_points, points_balance
from salontui.store.loyalty import care_batches
from salontui.store.loyalty.care_batches import (
    batch_report,
    get_batch,
    run_batch,
    running_batches,
    start_batch,
)
from salontui.store.loyalty.care_catalogue import (
    add_reason,
    list_reasons,
    move_reason,
    rename_reason,
    set_reason_active,
)
from salontui.store.loyalty.customer_list import CustomerFilter
from salontui.store.models import (
    CareNote,
    Customer,
    CustomerNameKey,
    LedgerEntry,
    SpendEntry,
    table_of,
)
from salontui.store.text import fold, name_keys

NOW = datetime(2026, 11, 23, 2, 0)


@pytest.fixture(autouse=True)
def now():
    with clock.pinned(NOW):
        yield NOW


def bulk_customers(writer, count: int, *, march: int) -> list[int]:
    """``count`` customers in one statement (the desk's create_customer checks duplicates
    one by one: too slow for thousands); the first ``march`` born in March, the rest in
    June. Codes TB000001…, so they never meet the desk's KH codes."""
    table = table_of(Customer)
    rows = []
    for i in range(1, count + 1):
        name = f"Khách Thử {i:05d}"
        national = f"09{i:08d}"
        rows.append({
            "code": f"TB{i:06d}", "name": name, "name_norm": fold(name),
            "phone": "+84" + national[1:], "phone_national": national,
            "phone_rev": national[::-1], "birthday": date(1990, 3 if i <= march else 6, 1),
            "gender": "", "email": "", "address": "", "note": "", "tier": "Member",
            "member_state": "active", "member_reason": "", "tier_hold": "",
            "created_at": NOW, "updated_at": NOW})
    with writer() as s:
        s.execute(insert(table), rows)
        ids = list(s.execute(select(table.c.id).where(table.c.code.like("TB%"))
                             .order_by(table.c.id)).scalars())
        s.execute(insert(table_of(CustomerNameKey)), [
            {"customer_id": cid, "key": key}
            for cid, row in zip(ids, rows, strict=True) for key in name_keys(row["name"])])
    return ids


def count(reader, sql: str, **params) -> int:
    with reader() as s:
        return int(s.execute(text(sql), params).scalar_one())


def test_worked_example_100_points_to_2000_filtered_customers(writer, reader, engine,
                                                              staff_id):
    ids = bulk_customers(writer, 2500, march=2000)
    march = CustomerFilter(birthday_month=3)
    with writer() as s:
        batch = start_batch(s, staff_id=staff_id, action="points", amount=100,
                            care_type="care", reason="Tri ân khách hàng",
                            note="Tặng 100 điểm tháng sinh nhật", matching=march)
    assert (batch.total, batch.pending, batch.status) == (2000, 2000, "running")
    seen: list[tuple[int, int]] = []
    report = run_batch(engine, batch.id, progress=lambda done, total: seen.append((done,
                                                                                   total)))
    assert seen[-1] == (2000, 2000) and len(seen) == 4  # chunks of 500
    assert (report.batch.done, report.batch.refused, report.batch.pending) == (2000, 0, 0)
    assert report.batch.status == "done" and report.refused == []
    entries = count(reader, "SELECT count(*) FROM ledger_entry WHERE kind = 'care' "
                    "AND account = 'points' AND amount = 100 AND ref_type = 'care'")
    notes = count(reader, "SELECT count(*) FROM care_note WHERE type = 'care' "
                  "AND title = 'Tri ân khách hàng' "
                  "AND description = 'Tặng 100 điểm tháng sinh nhật'")
    assert (entries, notes) == (2000, 2000)
    june = ids[2000:]
    with reader() as s:
        assert points_balance(s, customer_id=ids[0]) == 100
        assert points_balance(s, customer_id=june[0]) == 0
        # each entry names its care note; each customer one audit row naming both
        entry = s.execute(select(LedgerEntry).where(LedgerEntry.customer_id == ids[7])
                          ).scalars().one()
        note = s.get(CareNote, entry.ref_id)
        assert note.customer_id == ids[7]
        assert entry.reason == "Tri ân khách hàng: Tặng 100 điểm tháng sinh nhật"
    assert count(reader, "SELECT count(*) FROM audit_log WHERE action = 'care_action'") == 2000
    assert count(reader, "SELECT count(*) FROM care_reason WHERE name = 'Tri ân khách hàng' "
                 "AND care_type = 'care'") == 1  # the typed reason joined the catalogue
    assert run_checks(engine) == []


@pytest.fixture
def three(writer, staff_id):
    """Lan with 50 points, Minh with 10, Hoa with 50."""
    ids = []
    with writer() as s:
        for name, phone, points in (("Nguyễn Thị Lan", "0935 200 001", 50),
                                    ("Trần Văn Minh", "0935 200 002", 10),
                                    ("Lê Thị Hoa", "0935 200 003", 50)):
            cid = create_customer(s, staff_id=staff_id, name=name, phone=phone).id
            adjust_points(s, staff_id=staff_id, customer_id=cid, amount=points,
                          reason="Opening balance")
            ids.append(cid)
    return ids


def test_deducting_below_zero_is_refused_for_that_customer_the_others_go_through(
        writer, reader, engine, staff_id, three):
    from salontui.store.loyalty.members import set_member_state

    lan, minh, hoa = three
    with writer() as s:
        extra = create_customer(s, staff_id=staff_id, name="Phạm Văn Đức",
                                phone="0935 200 004").id
        gone = create_customer(s, staff_id=staff_id, name="Đỗ Thị Gone",
                               phone="0935 200 005").id
        adjust_points(s, staff_id=staff_id, customer_id=extra, amount=100, reason="Gift")
        set_member_state(s, staff_id=staff_id, customer_id=extra, state="excluded",
                         reason="Staff")
        delete_customer(s, staff_id=staff_id, customer_id=gone)
        reason = add_reason(s, staff_id=staff_id, care_type="care", name="Sai sót")
        batch = start_batch(s, staff_id=staff_id, action="points", amount=-20,
                            care_type="care", reason_id=reason.id, note="Trừ điểm nhầm",
                            customer_ids=[lan, minh, hoa, extra, gone, lan])
    assert batch.total == 5  # Lan once
    report = run_batch(engine, batch.id)
    assert (report.batch.done, report.batch.refused, report.batch.pending) == (2, 3, 0)
    why = {r.customer_id: r.message for r in report.refused}
    assert why == {
        minh: "Trần Văn Minh: only 10 points left; cannot deduct 20.",
        extra: "Phạm Văn Đức is excluded from the loyalty program: no points can be given "
               "or taken.",
        gone: "Đỗ Thị Gone is deleted; restore them first."}
    with reader() as s:
        assert [points_balance(s, customer_id=c) for c in (lan, minh, hoa, extra)] == [
            30, 10, 30, 100]
        refused_notes = s.execute(select(func.count()).select_from(CareNote).where(
            CareNote.customer_id.in_([minh, extra, gone]),
            CareNote.title == "Sai sót")).scalar_one()
        assert refused_notes == 0  # a refused customer gets nothing, not even a note
    assert run_checks(engine) == []


def test_a_stopped_run_resumes_where_it_stopped(writer, reader, engine, staff_id, three):
    lan, minh, _hoa = three
    with writer() as s:
        more = [create_customer(s, staff_id=staff_id, name=f"Khách {n}",
                                phone=f"0935 300 00{n}").id for n in range(1, 4)]
        batch = start_batch(s, staff_id=staff_id, action="points", amount=5,
                            care_type="care", reason="Xin lỗi", customer_ids=[*three, *more])
    first = run_batch(engine, batch.id, chunk=1, progress=lambda done, total: False)
    assert (first.batch.done, first.batch.pending) == (1, 5)  # Esc at the desk: stop
    first = run_batch(engine, batch.id, chunk=1, max_chunks=1)
    assert (first.batch.done, first.batch.pending, first.batch.status) == (2, 4, "running")
    with reader() as s:
        assert [b.id for b in running_batches(s)] == [batch.id]

    def crash(done, total):  # the desk dies after the next chunk
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_batch(engine, batch.id, chunk=2, progress=crash)
    with reader() as s:
        assert get_batch(s, batch.id).pending == 2
    again = run_batch(engine, batch.id, chunk=2)
    assert (again.batch.done, again.batch.pending, again.batch.status) == (6, 0, "done")
    with reader() as s:
        assert running_batches(s) == []
        assert [points_balance(s, customer_id=c) for c in (lan, minh, *more)] == [
            55, 15, 5, 5, 5]  # each customer once, however many runs
    assert run_batch(engine, batch.id).batch.done == 6  # done: only reports
    assert count(reader, "SELECT count(*) FROM audit_log WHERE action = 'finish_care_batch'"
                 ) == 1
    assert run_checks(engine) == []


def test_a_customer_whose_writing_fails_is_refused_alone(writer, reader, engine, staff_id,
                                                         three, monkeypatch):
    lan, minh, hoa = three
    real = care_batches._refresh_tier

    def refuse_minh(session, batch, customer_id):
        if customer_id == minh:
            raise RuleViolation("Minh's tier cannot move today.", field="tier")
        return real(session, batch, customer_id)

    monkeypatch.setattr(care_batches, "_refresh_tier", refuse_minh)
    with writer() as s:
        batch = start_batch(s, staff_id=staff_id, action="spend", amount=500_000,
                            care_type="care", reason="Bù tích lũy", customer_ids=three)
    report = run_batch(engine, batch.id)
    assert (report.batch.done, report.batch.refused) == (2, 1)
    assert [(r.customer_id, r.message) for r in report.refused] == [
        (minh, "Minh's tier cannot move today.")]
    with reader() as s:
        spent = dict(s.execute(select(SpendEntry.customer_id, SpendEntry.amount)).all())
        assert spent == {lan: 500_000, hoa: 500_000}
        notes = s.execute(select(CareNote.customer_id).where(CareNote.title == "Bù tích lũy")
                          ).scalars().all()
        assert sorted(notes) == sorted([lan, hoa])
    assert run_checks(engine) == []


def test_spend_given_and_deducted_and_calls_logged(writer, reader, engine, staff_id, three):
    lan, minh, _hoa = three
    with writer() as s:
        give = start_batch(s, staff_id=staff_id, action="spend", amount=2_000_000,
                           care_type="care", reason="Chuyển tích lũy", customer_ids=[lan])
    assert run_batch(engine, give.id).batch.done == 1
    with writer() as s:
        take = start_batch(s, staff_id=staff_id, action="spend", amount=-1_500_000,
                           care_type="care", reason="Chuyển tích lũy", customer_ids=[lan, minh])
    report = run_batch(engine, take.id)
    assert (report.batch.done, report.batch.refused) == (1, 1)
    assert report.refused[0].customer_id == minh
    assert "cannot deduct" in report.refused[0].message
    with writer() as s:
        call = start_batch(s, staff_id=staff_id, action="call", care_type="call",
                           reason="Hỏi thăm", note="Khách hẹn tuần sau", customer_ids=three)
    assert run_batch(engine, call.id).batch.done == 3
    with reader() as s:
        assert s.execute(select(func.sum(SpendEntry.amount)).where(
            SpendEntry.customer_id == lan)).scalar_one() == 500_000
        calls = s.execute(select(CareNote.customer_id, CareNote.type, CareNote.description)
                          .where(CareNote.title == "Hỏi thăm")).all()
        assert sorted(calls) == sorted((c, "call", "Khách hẹn tuần sau") for c in three)
        assert [points_balance(s, customer_id=c) for c in three] == [50, 10, 50]
    assert run_checks(engine) == []


def test_spend_given_moves_the_tier(writer, reader, engine, staff_id, three):
    from salontui.store.loyalty.tier_admin import create_tier

    lan = three[0]
    with writer() as s:
        gold = create_tier(s, staff_id=staff_id, name="Gold", min_spend=1_000_000)
        batch = start_batch(s, staff_id=staff_id, action="spend", amount=1_200_000,
                            care_type="care", reason="Chuyển tích lũy", customer_ids=[lan])
    run_batch(engine, batch.id)
    with reader() as s:
        assert s.get(Customer, lan).tier_id == gold.id


def test_bad_starts_are_refused_at_their_fields_and_write_nothing(writer, reader, staff_id,
                                                                  three):
    with writer() as s:
        other = add_reason(s, staff_id=staff_id, care_type="sms", name="Chúc mừng")
        retired = add_reason(s, staff_id=staff_id, care_type="care", name="Cũ")
        set_reason_active(s, staff_id=staff_id, reason_id=retired.id, active=False)
    good = {"action": "points", "amount": 100, "care_type": "care", "reason": "Tri ân",
            "note": "", "customer_ids": three}
    cases = [
        ({"action": "fax"}, "action"),
        ({"action": 3}, "action"),
        ({"amount": 0}, "amount"),
        ({"amount": 10**13}, "amount"),
        ({"amount": 2**70}, "amount"),
        ({"action": "spend", "amount": 10**16}, "amount"),
        ({"action": "call", "amount": 5}, "amount"),
        ({"care_type": "visit"}, "care_type"),
        ({"reason": ""}, "reason"),
        ({"reason": "   "}, "reason"),
        ({"reason": "x" * 121}, "reason"),
        ({"reason": "a\x00b"}, "reason"),
        ({"reason": "", "reason_id": 999_999}, "reason"),
        ({"reason": "", "reason_id": other.id}, "reason"),
        ({"reason": "", "reason_id": retired.id}, "reason"),
        ({"reason_id": other.id}, "reason"),  # both chosen and typed
        ({"note": "x" * 4001}, "note"),
        ({"note": "x" * 10_000}, "note"),
        ({"customer_ids": []}, "customers"),
        ({"customer_ids": [999_999]}, "customers"),
        ({"customer_ids": ["1"]}, "customers"),
        ({"customer_ids": list(range(10_001))}, "customers"),
        ({"customer_ids": None}, "customers"),
        ({"matching": CustomerFilter(birthday_month=1)}, "customers"),  # both
        ({"customer_ids": None, "matching": CustomerFilter(birthday_month=13)},
         "birthday_month"),
        ({"except_ids": three}, "customers"),  # nobody left
    ]
    before = count(reader, "SELECT count(*) FROM audit_log")
    failed: list[str] = []
    for changes, field in cases:
        with one_case(failed, repr(changes)[:60]):
            with pytest.raises(SalonError) as refused, writer() as s:
                start_batch(s, staff_id=staff_id, **{**good, **changes})
            assert refused.value.field == field, refused.value
            assert isinstance(refused.value, ValidationError | NotFound | RuleViolation)
    with pytest.raises(SalonError) as refused, writer() as s:
        start_batch(s, staff_id=None, **good)
    assert refused.value.field == "staff"
    assert not failed, "\n".join(failed)
    assert count(reader, "SELECT count(*) FROM audit_log") == before
    assert count(reader, "SELECT count(*) FROM care_batch") == 0
    with pytest.raises(ValidationError), reader() as s:
        get_batch(s, "1")
    with pytest.raises(NotFound), reader() as s:
        batch_report(s, 999)


def test_the_care_catalogue(writer, reader, staff_id):
    with writer() as s:
        birthday = add_reason(s, staff_id=staff_id, care_type="care", name="Sinh nhật")
        sorry = add_reason(s, staff_id=staff_id, care_type="care", name="Xin lỗi")
        remind = add_reason(s, staff_id=staff_id, care_type="sms", name="Nhắc lịch")
        move_reason(s, staff_id=staff_id, reason_id=sorry.id, direction="up")
        move_reason(s, staff_id=staff_id, reason_id=sorry.id, direction="up")  # at the top
        rename_reason(s, staff_id=staff_id, reason_id=remind.id, name="Nhắc lịch hẹn")
        set_reason_active(s, staff_id=staff_id, reason_id=birthday.id, active=False)
    with reader() as s:
        shown = [(r.care_type, r.name, r.active) for r in list_reasons(s)]
        assert shown == [("care", "Xin lỗi", True), ("care", "Sinh nhật", False),
                         ("sms", "Nhắc lịch hẹn", True)]
        assert [r.name for r in list_reasons(s, care_type="care", include_inactive=False)] \
            == ["Xin lỗi"]
    cases = [
        (lambda s: add_reason(s, staff_id=staff_id, care_type="care", name="xin loi"),
         "name"),  # the same name, ignoring case and accents
        (lambda s: add_reason(s, staff_id=staff_id, care_type="fax", name="A"), "care_type"),
        (lambda s: add_reason(s, staff_id=staff_id, care_type="care", name=""), "name"),
        (lambda s: add_reason(s, staff_id=staff_id, care_type="care", name="x" * 121),
         "name"),
        (lambda s: rename_reason(s, staff_id=staff_id, reason_id=999, name="A"), "reason"),
        (lambda s: move_reason(s, staff_id=staff_id, reason_id=sorry.id, direction="left"),
         "direction"),
    ]
    failed: list[str] = []
    for number, (attempt, field) in enumerate(cases):
        with one_case(failed, str(number)):
            with pytest.raises(SalonError) as refused, writer() as s:
                attempt(s)
            assert refused.value.field == field, refused.value
    assert not failed, "\n".join(failed)
    # The same name under another type is another reason.
    with writer() as s:
        assert add_reason(s, staff_id=staff_id, care_type="sms", name="Xin lỗi").id
