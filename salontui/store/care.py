"""Care history: calls, treatments, messages, each with a type, title and description.

Notes are soft-deleted (``deleted_at``) and can be restored; every add, edit,
delete and restore writes one audit row, edits with the note's fields before
and after. A note keeps its author (who wrote it); the audit row says who
changed it. An edit that changes nothing writes nothing.

Notes cannot be added to, or edited on, a deleted customer, and a deleted
note must be restored before it can be edited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from salontui.i18n import _
from salontui.store import audit, clock
from salontui.store.bounds import boundary
from salontui.store.errors import NotFound, RuleViolation, ValidationError
from salontui.store.kinds import CareType
from salontui.store.models import CareNote, Customer, Staff, stored_id, table_of
from salontui.store.staff import require_staff

CARE_TYPES = tuple(CareType)
MAX_TITLE = 120
MAX_DESCRIPTION = 4000
AUDITED_FIELDS = ("type", "title", "description", "deleted_at")

_NOTE = table_of(CareNote)
_STAFF = table_of(Staff)


@dataclass(frozen=True)
class CareRow:
    id: int
    customer_id: int
    type: str
    title: str
    description: str
    staff_name: str | None
    created_at: datetime
    updated_at: datetime
    deleted: bool


def _clean_type(value: str | None) -> str:
    kind = (value or "").strip().lower()
    if kind not in CARE_TYPES:
        raise ValidationError(_("Type must be one of {types}.").format(
            types=", ".join(CARE_TYPES)), field="type")
    return kind


def _clean_title(value: str | None) -> str:
    title = " ".join((value or "").split())
    if not title:
        raise ValidationError(_("Title is required."), field="title")
    if len(title) > MAX_TITLE:
        raise ValidationError(_("Title is longer than {limit} characters.").format(
            limit=MAX_TITLE), field="title")
    return title


def _clean_description(value: str | None) -> str:
    text = (value or "").strip()
    if len(text) > MAX_DESCRIPTION:
        raise ValidationError(_("Description is longer than {limit} characters.").format(
            limit=MAX_DESCRIPTION), field="description")
    return text


def _live_customer(session: Session, customer_id: int) -> Customer:
    row = session.get(Customer, customer_id)
    if row is None:
        raise NotFound(_("No customer #{id}.").format(id=customer_id), field="customer")
    if row.deleted_at is not None:
        raise RuleViolation(_("{name} is deleted; restore them first.").format(name=row.name),
                            field="customer")
    return row


def _load_note(session: Session, note_id: int) -> CareNote:
    row = session.get(CareNote, note_id)
    if row is None:
        raise NotFound(_("No care note #{id}.").format(id=note_id), field="note")
    return row


def _to_row(session: Session, note: CareNote) -> CareRow:
    staff_name = None
    if note.staff_id is not None:
        staff_name = session.execute(
            select(_STAFF.c.name).where(_STAFF.c.id == note.staff_id)).scalar_one_or_none()
    return CareRow(id=stored_id(note), customer_id=note.customer_id, type=note.type,
                   title=note.title, description=note.description, staff_name=staff_name,
                   created_at=note.created_at, updated_at=note.updated_at,
                   deleted=note.deleted_at is not None)


@boundary
def insert_care_note(session: Session, *, staff_id: int | None, customer_id: int, type: str,
                     title: str, description: str = "") -> CareNote:
    """Validate and add a note without an audit row (for operations that audit themselves,
    like a care action)."""
    kind = _clean_type(type)
    clean_title = _clean_title(title)
    clean_description = _clean_description(description)
    moment = clock.now()
    note = CareNote(customer_id=customer_id, type=kind, title=clean_title,
                    description=clean_description, staff_id=staff_id, created_at=moment,
                    updated_at=moment)
    session.add(note)
    session.flush()
    return note


@boundary
def add_care_note(session: Session, *, staff_id: int, customer_id: int, type: str,
                  title: str, description: str = "") -> CareRow:
    """Add a note to a customer's care history (type care/treatment/call/sms/email)."""
    require_staff(session, staff_id)
    _clean_type(type)
    _clean_title(title)
    _clean_description(description)
    _live_customer(session, customer_id)
    note = insert_care_note(session, staff_id=staff_id, customer_id=customer_id, type=type,
                            title=title, description=description)
    audit.record(session, staff_id=staff_id, action="add_care_note", entity="care_note",
                 entity_id=note.id, after=audit.snapshot(note))
    return _to_row(session, note)


@boundary
def edit_care_note(session: Session, *, staff_id: int, note_id: int, type: str, title: str,
                   description: str) -> CareRow:
    """Change a note's type, title and description; the audit row has before and after."""
    require_staff(session, staff_id)
    kind = _clean_type(type)
    clean_title = _clean_title(title)
    clean_description = _clean_description(description)
    note = _load_note(session, note_id)
    if note.deleted_at is not None:
        raise RuleViolation(_("This care note is deleted; restore it first."), field="note")
    _live_customer(session, note.customer_id)
    if (note.type, note.title, note.description) == (kind, clean_title, clean_description):
        return _to_row(session, note)
    before = audit.snapshot(note, fields=AUDITED_FIELDS)
    note.type, note.title, note.description = kind, clean_title, clean_description
    note.updated_at = clock.now()
    session.add(note)
    session.flush()
    audit.record(session, staff_id=staff_id, action="edit_care_note", entity="care_note",
                 entity_id=note.id, before=before,
                 after=audit.snapshot(note, fields=AUDITED_FIELDS))
    return _to_row(session, note)


@boundary
def delete_care_note(session: Session, *, staff_id: int, note_id: int) -> CareRow:
    """Soft delete: hidden from the history, kept, restorable."""
    require_staff(session, staff_id)
    note = _load_note(session, note_id)
    if note.deleted_at is not None:
        raise RuleViolation(_("This care note is already deleted."), field="note")
    before = audit.snapshot(note, fields=AUDITED_FIELDS)
    note.deleted_at = clock.now()
    note.updated_at = note.deleted_at
    session.add(note)
    session.flush()
    audit.record(session, staff_id=staff_id, action="delete_care_note", entity="care_note",
                 entity_id=note.id, before=before,
                 after=audit.snapshot(note, fields=AUDITED_FIELDS))
    return _to_row(session, note)


@boundary
def restore_care_note(session: Session, *, staff_id: int, note_id: int) -> CareRow:
    """Bring a deleted note back."""
    require_staff(session, staff_id)
    note = _load_note(session, note_id)
    if note.deleted_at is None:
        raise RuleViolation(_("This care note is not deleted."), field="note")
    before = audit.snapshot(note, fields=AUDITED_FIELDS)
    note.deleted_at = None
    note.updated_at = clock.now()
    session.add(note)
    session.flush()
    audit.record(session, staff_id=staff_id, action="restore_care_note", entity="care_note",
                 entity_id=note.id, before=before,
                 after=audit.snapshot(note, fields=AUDITED_FIELDS))
    return _to_row(session, note)


@boundary
def list_care_notes(session: Session, *, customer_id: int, type: str | None = None,
                    include_deleted: bool = False, only_deleted: bool = False,
                    limit: int = 200, offset: int = 0) -> list[CareRow]:
    """A page of a customer's care history, newest first; ``type`` filters one kind.
    Deleted notes only with ``include_deleted`` (their ``deleted`` flag is set);
    ``only_deleted`` lists just those (the desk's list of notes to restore)."""
    if limit < 0 or offset < 0:
        raise ValidationError(_("Paging must not be negative."), field="limit")
    statement = (
        select(_NOTE.c.id, _NOTE.c.customer_id, _NOTE.c.type, _NOTE.c.title,
               _NOTE.c.description, _STAFF.c.name, _NOTE.c.created_at, _NOTE.c.updated_at,
               _NOTE.c.deleted_at)
        .select_from(_NOTE)
        .outerjoin(_STAFF, _STAFF.c.id == _NOTE.c.staff_id)
        .where(_NOTE.c.customer_id == customer_id)
    )
    if type:
        statement = statement.where(_NOTE.c.type == _clean_type(type))
    if only_deleted:
        statement = statement.where(_NOTE.c.deleted_at.is_not(None))
    elif not include_deleted:
        statement = statement.where(_NOTE.c.deleted_at.is_(None))
    statement = statement.order_by(_NOTE.c.created_at.desc(), _NOTE.c.id.desc())
    statement = statement.limit(limit).offset(offset)
    return [
        CareRow(id=r[0], customer_id=r[1], type=r[2], title=r[3], description=r[4],
                staff_name=r[5], created_at=r[6], updated_at=r[7], deleted=r[8] is not None)
        for r in session.execute(statement)
    ]
