"""Care history: add, edit, soft delete, restore, list by type; every change audited."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from sqlalchemy import text

from salontui.store import clock
from salontui.store.care import (
    CARE_TYPES,
    add_care_note,
    delete_care_note,
    edit_care_note,
    list_care_notes,
    restore_care_note,
)
from salontui.store.customers import delete_customer
from salontui.store.errors import NotFound, RuleViolation, ValidationError


def count(session, table: str) -> int:
    return session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def audits_of(session, note_id: int) -> list[tuple[str, int, dict | None, dict | None]]:
    rows = session.execute(
        text("SELECT action, staff_id, before, after FROM audit_log "
             "WHERE entity = 'care_note' AND entity_id = :i ORDER BY id"), {"i": note_id})
    return [(r[0], r[1], json.loads(r[2]) if r[2] else None, json.loads(r[3]) if r[3] else None)
            for r in rows]


def test_add_care_note(writer, reader, staff_id, customer_id, fixed_now):
    with writer() as s:
        note = add_care_note(s, staff_id=staff_id, customer_id=customer_id, type=" SMS ",
                             title="  Reminder   for Friday ",
                             description="Sent the booking reminder.\nShe replied OK.")
        (audit,) = audits_of(s, note.id)
    assert note.type == "sms"
    assert note.title == "Reminder for Friday"
    assert note.description == "Sent the booking reminder.\nShe replied OK."
    assert note.staff_name == "Trần Thu Hà"
    assert note.created_at == note.updated_at == fixed_now
    assert note.deleted is False
    assert audit[0] == "add_care_note" and audit[1] == staff_id
    assert audit[3]["title"] == "Reminder for Friday"
    with reader() as s:
        assert list_care_notes(s, customer_id=customer_id) == [note]


def test_edit_is_audited_with_before_and_after(writer, reader, staff_id, technician_id,
                                               customer_id):
    with clock.pinned(datetime(2026, 11, 20, 15, 0)), writer() as s:
        note = add_care_note(s, staff_id=staff_id, customer_id=customer_id, type="call",
                             title="Called about colour", description="No answer")
    with clock.pinned(datetime(2026, 11, 21, 9, 0)), writer() as s:
        edited = edit_care_note(s, staff_id=technician_id, note_id=note.id, type="treatment",
                                title="Colour treatment", description="Ash blonde, 45 min")
        history = audits_of(s, note.id)
    assert (edited.type, edited.title, edited.description) == (
        "treatment", "Colour treatment", "Ash blonde, 45 min")
    assert edited.created_at == datetime(2026, 11, 20, 15, 0)
    assert edited.updated_at == datetime(2026, 11, 21, 9, 0)
    assert edited.staff_name == "Trần Thu Hà"  # the author stays; the audit says who edited
    action, who, before, after = history[-1]
    assert (action, who) == ("edit_care_note", technician_id)
    assert before == {"type": "call", "title": "Called about colour",
                      "description": "No answer", "deleted_at": None}
    assert after == {"type": "treatment", "title": "Colour treatment",
                     "description": "Ash blonde, 45 min", "deleted_at": None}
    with reader() as s:
        (listed,) = list_care_notes(s, customer_id=customer_id)
    assert listed == edited


def test_edit_that_changes_nothing_writes_nothing(writer, staff_id, customer_id):
    with writer() as s:
        note = add_care_note(s, staff_id=staff_id, customer_id=customer_id, type="care",
                             title="Follow-up", description="Fine")
        audits = count(s, "audit_log")
        same = edit_care_note(s, staff_id=staff_id, note_id=note.id, type="care",
                              title=" Follow-up ", description="Fine")
        assert same == note
        assert count(s, "audit_log") == audits


def test_delete_is_soft_and_restore_brings_it_back(writer, reader, staff_id, customer_id):
    with writer() as s:
        keep = add_care_note(s, staff_id=staff_id, customer_id=customer_id, type="care",
                             title="Keep me")
        gone = add_care_note(s, staff_id=staff_id, customer_id=customer_id, type="email",
                             title="Wrong customer")
    with writer() as s:
        deleted = delete_care_note(s, staff_id=staff_id, note_id=gone.id)
        assert deleted.deleted is True
        assert count(s, "care_note") == 2  # still in the database
        action, _who, before, after = audits_of(s, gone.id)[-1]
        assert action == "delete_care_note"
        assert before["deleted_at"] is None and after["deleted_at"] is not None
    with reader() as s:
        assert [n.id for n in list_care_notes(s, customer_id=customer_id)] == [keep.id]
        everything = list_care_notes(s, customer_id=customer_id, include_deleted=True)
        assert {(n.id, n.deleted) for n in everything} == {(keep.id, False), (gone.id, True)}
    with writer() as s:
        with pytest.raises(RuleViolation, match="already deleted"):
            delete_care_note(s, staff_id=staff_id, note_id=gone.id)
        with pytest.raises(RuleViolation, match="restore"):
            edit_care_note(s, staff_id=staff_id, note_id=gone.id, type="email", title="x",
                           description="")
        restored = restore_care_note(s, staff_id=staff_id, note_id=gone.id)
        assert restored.deleted is False
        assert audits_of(s, gone.id)[-1][0] == "restore_care_note"
        with pytest.raises(RuleViolation, match="not deleted"):
            restore_care_note(s, staff_id=staff_id, note_id=gone.id)
    with reader() as s:
        assert {n.id for n in list_care_notes(s, customer_id=customer_id)} == {keep.id, gone.id}


def test_list_filters_by_type_newest_first_and_pages(writer, reader, staff_id, customer_id):
    with writer() as s:
        for day, kind in enumerate(["call", "sms", "call", "treatment", "call"], start=1):
            with clock.pinned(datetime(2026, 11, day, 10, 0)):
                add_care_note(s, staff_id=staff_id, customer_id=customer_id, type=kind,
                              title=f"Day {day}")
    with reader() as s:
        calls = list_care_notes(s, customer_id=customer_id, type="call")
        assert [n.title for n in calls] == ["Day 5", "Day 3", "Day 1"]
        assert [n.title for n in list_care_notes(s, customer_id=customer_id, type="SMS")] == [
            "Day 2"]
        assert list_care_notes(s, customer_id=customer_id, type="email") == []
        page = list_care_notes(s, customer_id=customer_id, limit=2, offset=1)
        assert [n.title for n in page] == ["Day 4", "Day 3"]
        assert len(list_care_notes(s, customer_id=customer_id)) == 5
        with pytest.raises(ValidationError) as caught:
            list_care_notes(s, customer_id=customer_id, type="fax")
        assert caught.value.field == "type"


def test_every_care_type_is_accepted(writer, staff_id, customer_id):
    with writer() as s:
        for kind in CARE_TYPES:
            add_care_note(s, staff_id=staff_id, customer_id=customer_id, type=kind, title=kind)
        assert count(s, "care_note") == len(CARE_TYPES) == 5


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 121}, "title"),
        ({"type": "visit"}, "type"),
        ({"type": ""}, "type"),
        ({"description": "x" * 4001}, "description"),
    ],
)
def test_add_validation_writes_nothing(writer, staff_id, customer_id, kwargs, field):
    args = {"type": "care", "title": "Follow-up", "description": "", **kwargs}
    with writer() as s:
        audits = count(s, "audit_log")
        with pytest.raises(ValidationError) as caught:
            add_care_note(s, staff_id=staff_id, customer_id=customer_id, **args)
        assert caught.value.field == field
        assert count(s, "care_note") == 0 and count(s, "audit_log") == audits


def test_edit_validation_changes_nothing(writer, reader, staff_id, customer_id):
    with writer() as s:
        note = add_care_note(s, staff_id=staff_id, customer_id=customer_id, type="care",
                             title="Follow-up")
    with writer() as s:
        audits = count(s, "audit_log")
        for kwargs, field in [({"title": ""}, "title"), ({"type": "fax"}, "type"),
                              ({"title": "y" * 121}, "title")]:
            args = {"type": "care", "title": "New", "description": "", **kwargs}
            with pytest.raises(ValidationError) as caught:
                edit_care_note(s, staff_id=staff_id, note_id=note.id, **args)
            assert caught.value.field == field
        assert count(s, "audit_log") == audits
    with reader() as s:
        assert list_care_notes(s, customer_id=customer_id) == [note]


def test_unknown_customer_note_or_staff(writer, staff_id, customer_id):
    with writer() as s:
        with pytest.raises(NotFound) as caught:
            add_care_note(s, staff_id=staff_id, customer_id=424242, type="care", title="Hi")
        assert caught.value.field == "customer"
        with pytest.raises(NotFound):
            add_care_note(s, staff_id=999, customer_id=customer_id, type="care", title="Hi")
        for action in (delete_care_note, restore_care_note):
            with pytest.raises(NotFound):
                action(s, staff_id=staff_id, note_id=777)
        with pytest.raises(NotFound):
            edit_care_note(s, staff_id=staff_id, note_id=777, type="care", title="x",
                           description="")
        assert count(s, "care_note") == 0


def test_deleted_customer_gets_no_new_notes(writer, staff_id, customer_id):
    with writer() as s:
        delete_customer(s, staff_id=staff_id, customer_id=customer_id)
    with writer() as s:
        with pytest.raises(RuleViolation, match="restore them first"):
            add_care_note(s, staff_id=staff_id, customer_id=customer_id, type="care",
                          title="Hi")
        assert count(s, "care_note") == 0
