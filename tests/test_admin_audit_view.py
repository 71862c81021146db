"""The audit viewer's reads (store/admin/audit_view.py): filtered by staff, action,
customer and the salon's days; newest first and paged in SQL; the change read as
``key: old → new``; a bad filter refused at its field."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from salontui.store import audit, clock
from salontui.store.admin.audit_view import (
    AuditFilter,
    audit_actions,
    audit_page,
    change_parts,
    describe_change,
)
from salontui.store.errors import ValidationError
from salontui.store.staff import create_staff


@pytest.fixture
def log(writer, staff_id, customer_id):
    """A few rows on known days (UTC; the salon is +7 h): 22 Nov 20:00 UTC is the 23rd."""
    with writer() as s:
        other = create_staff(s, name="Phạm Lan", role="receptionist", staff_id=staff_id).id
    plan = [
        (datetime(2026, 11, 20, 3), staff_id, "customer.update", "customer", customer_id,
         {"name": "Hương", "phone": "0935"}, {"name": "Hương N.", "phone": "0935"}, None),
        (datetime(2026, 11, 21, 3), other, "ledger.post", "ledger_entry", 9,
         None, {"amount": 50000, "customer_id": customer_id, "note": "x" * 80}, staff_id),
        (datetime(2026, 11, 22, 20), other, "ledger.post", "ledger_entry", 10,
         None, {"amount": 1, "customer_id": customer_id * 10 + 1}, None),
        (datetime(2026, 11, 23, 3), staff_id, "settings.update", "settings", 1,
         None, None, None),
    ]
    for when, who, action, entity, entity_id, before, after, approved in plan:
        with clock.pinned(when), writer() as s:
            audit.record(s, staff_id=who, action=action, entity=entity, entity_id=entity_id,
                         before=before, after=after, approved_by=approved)
    with writer() as s:  # JSON that cannot be read, as an old row might hold
        row = audit.record(s, staff_id=None, action="odd", entity="x", entity_id=None)
        row.before, row.after = "{not json", '"plain"'
        row.created_at = datetime(2026, 11, 1)
    return {"owner": staff_id, "other": other, "customer": customer_id}


def ids(rows):
    return [(r.action, r.entity_id) for r in rows]


def test_filters_paging_and_the_change(reader, log, staff_id):
    with reader() as s:
        mine = [r for r in audit_page(s, wanted=AuditFilter(), limit=100)
                if r.action in ("settings.update", "ledger.post", "customer.update")]
        assert ids(mine)[:4] == [("settings.update", 1), ("ledger.post", 10),
                                 ("ledger.post", 9), ("customer.update", log["customer"])]
        first = mine[0]
        assert first.when == datetime(2026, 11, 23, 10)  # the salon's wall clock
        assert first.who == "Trần Thu Hà" and first.approved_by is None
        # staff
        by_other = audit_page(s, wanted=AuditFilter(staff_id=log["other"]))
        assert ids(by_other) == [("ledger.post", 10), ("ledger.post", 9)]
        assert by_other[1].approved_by == "Trần Thu Hà" and by_other[1].who == "Phạm Lan"
        # action
        assert ids(audit_page(s, wanted=AuditFilter(action="settings.update"))) == [
            ("settings.update", 1)]
        # the salon's days: 22 Nov 20:00 UTC is the 23rd in the salon
        day = audit_page(s, wanted=AuditFilter(date_from=date(2026, 11, 21),
                                               date_to=date(2026, 11, 22)))
        assert ids(day) == [("ledger.post", 9)]
        assert ids(audit_page(s, wanted=AuditFilter(
            date_from=date(2026, 11, 23), date_to=date(2026, 11, 23),
            staff_id=log["other"]))) == [("ledger.post", 10)]
        # a customer: its own rows and rows naming it, not a customer whose id starts so
        theirs = audit_page(s, wanted=AuditFilter(customer_id=log["customer"]))
        assert ("ledger.post", 9) in ids(theirs)
        assert ("customer.update", log["customer"]) in ids(theirs)
        assert ("ledger.post", 10) not in ids(theirs)
        # paging, newest first
        whole = audit_page(s, wanted=AuditFilter(), limit=100)
        pages = [r for k in range(0, len(whole), 2)
                 for r in audit_page(s, wanted=AuditFilter(), limit=2, offset=k)]
        assert [r.id for r in pages] == [r.id for r in whole]
        assert audit_page(s, wanted=AuditFilter(), limit=2, offset=len(whole)) == []
        # the change: only the keys that changed, values shortened
        update = next(r for r in whole if r.action == "customer.update")
        assert update.change == "name: Hương → Hương N."
        post = next(r for r in whole if r.entity_id == 9)
        assert post.change.startswith("amount: 50000; customer_id: ")
        assert "note: " + "x" * 29 + "…" in post.change
        odd = next(r for r in whole if r.action == "odd")
        assert odd.change == "{not json → plain"
        assert odd.before == "{not json"
        assert "settings.update" in audit_actions(s)
        assert audit_actions(s) == sorted(set(audit_actions(s)))


def test_describe_change():
    assert describe_change(None, None) == ""
    assert describe_change('{"a": 1}', '{"a": 2, "b": null}') == "a: 1 → 2"
    assert describe_change('{"a": 1}', None) == "a: 1 → —"
    assert describe_change("[1]", "[2]") == "[1] → [2]"
    assert describe_change("oops", '{"a": 1}') == 'oops → {"a": 1}'


@pytest.mark.parametrize(("wanted", "field"), [
    (AuditFilter(date_from=date(2026, 11, 2), date_to=date(2026, 11, 1)), "date_to"),
    (AuditFilter(date_from=date(1800, 1, 1)), "date_from"),
    (AuditFilter(date_to="2026-11-01"), "date_to"),  # type: ignore[arg-type]
    (AuditFilter(action="   "), "action"),
    (AuditFilter(staff_id=-1), "staff_id"),
])
def test_a_bad_filter_is_refused_at_its_field(reader, wanted, field):
    with reader() as s, pytest.raises(ValidationError) as refused:
        audit_page(s, wanted=wanted)
    assert refused.value.field == field


def test_bad_paging_is_refused(reader):
    with reader() as s:
        for limit, offset, field in ((-1, 0, "limit"), (5000, 0, "limit"), (10, -1, "offset")):
            with pytest.raises(ValidationError) as refused:
                audit_page(s, wanted=AuditFilter(), limit=limit, offset=offset)
            assert refused.value.field == field


def test_a_staff_filter_also_shows_what_their_pin_approved(reader, log):
    with reader() as s:
        owner = audit_page(s, wanted=AuditFilter(staff_id=log["owner"]))
        assert ("ledger.post", 9) in ids(owner)  # Phạm Lan's, approved by the owner
        assert ("ledger.post", 10) not in ids(owner)
        row = next(r for r in owner if r.entity_id == 9)
        assert (row.who, row.approved_by) == ("Phạm Lan", "Trần Thu Hà")


def test_change_parts_are_whole_values_one_a_line():
    note = "x" * 80
    assert change_parts(f'{{"a": 1, "n": "{note}", "same": 3}}', '{"a": 2, "n": "y", "same": 3}',
                        width=200) == ["a: 1 → 2", f"n: {note} → y"]
    assert change_parts(None, '{"pin": "set"}') == ["pin: set"]
    assert change_parts('{"a": 1}', '{"a": 1}') == []
