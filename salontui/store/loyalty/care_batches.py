"""Care given to many customers at once, customer by customer, so that it resumes.

A bulk care action is a :class:`~salontui.store.models.CareBatch` (what is done: give or
deduct points, give or deduct accumulated spend, or log a call, an SMS or an email sent;
its care type, its reason from the care catalogue and a note) and one
:class:`~salontui.store.models.CareBatchItem` per customer, pending until done or refused.

* :func:`start_batch` checks everything that does not depend on a customer, then writes
  the batch and every item, in one transaction (the customers are a list, or every
  customer a filter matches, less some left out by hand).
* :func:`run_batch` does the pending items a chunk at a time, each chunk in its own
  transaction, and says how far it got after each. A customer is all or nothing: what
  would refuse them (deleted; excluded from the loyalty program, for points and spend;
  a deduction below zero) is decided for the whole chunk *before* anything is written,
  and a refused customer gets nothing but their item's message; the others' rows are
  written together and commit with their items marked done. A chunk that fails while
  writing (a rule only the writing finds, e.g. the tier refreshed after spend) is rolled
  back whole and done again one customer per transaction, the one that fails refused with
  its message. Anything else (the desk closed, the server lost) stops the run with the
  chunk's customers still pending; :func:`run_batch` again continues where it stopped,
  and the desk offers it when the customer list opens (:func:`running_batches`).
* :func:`batch_report`: how many done, refused and pending, and who was refused, why.

For each customer done: one care note (type = the care type, title = the reason,
description = the note: the customer's care history), one audit row (``care_action`` on
the customer, naming the batch, the care note and the entry it wrote), and for points a
``care`` entry of the points ledger (its reason the care reason and the start of the
note; ``ref_type`` "care", ``ref_id`` the care note, as the older
:func:`salontui.store.ledger.care_action` wrote them), for spend a
:class:`~salontui.store.models.SpendEntry` (``ref_type`` "care", ``ref_id`` the care note)
and the customer's tier refreshed (``loyalty.tiers.refresh_tier``; points given by hand
do not rank: tiers rank the points sales earned). The customer who started the batch is
who acts, also when another desk finishes it.

Why chunks: SQLite commits with ``synchronous=FULL`` (a commit survives a power cut), so a
transaction per customer would cost 10,000 flushes to disk for 10,000 customers; a chunk's
rows go in a few multi-row statements. Deciding refusals before writing keeps each
customer whole without a SAVEPOINT per customer (a flush each, the same cost again).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from salontui.i18n import _, ngettext
from salontui.store import audit, clock
from salontui.store.bounds import boundary
from salontui.store.care import MAX_DESCRIPTION
from salontui.store.db import for_update
from salontui.store.errors import NotFound, RuleViolation, SalonError, ValidationError
from salontui.store.kinds import CareType, MemberState
from salontui.store.ledger import MAX_POINTS
from salontui.store.loyalty.care_catalogue import MAX_NAME, find_or_add_reason
from salontui.store.loyalty.customer_list import CustomerFilter, customer_ids
from salontui.store.loyalty.tiers import ranking_spend, refresh_tier
from salontui.store.models import (
    CareBatch,
    CareBatchItem,
    CareNote,
    CareReason,
    Customer,
    LedgerEntry,
    SpendEntry,
    Staff,
    stored_id,
    table_of,
)
from salontui.store.money import MAX_AMOUNT_MINOR, format_money
from salontui.store.settings import get_settings
from salontui.store.staff import require_staff

ACTIONS = ("points", "spend", "call", "sms", "email")
LOGGED = ("call", "sms", "email")  # a care note only: nothing is given or taken
CHUNK = 500  # customers per transaction of a run
MAX_CHUNK = 5000
MAX_MESSAGE = 250  # care_batch_item.message
MAX_ENTRY_REASON = 250  # ledger_entry.reason, spend_entry.reason
IDS_PER_STATEMENT = 500  # ids per IN (...) list
REFUSED_SHOWN = 200  # refused customers a report lists

PENDING, DONE, REFUSED = "pending", "done", "refused"
RUNNING, FINISHED = "running", "done"

_ITEM = table_of(CareBatchItem)
_BATCH = table_of(CareBatch)
_C = table_of(Customer)
_LE = table_of(LedgerEntry)
_STAFF = table_of(Staff)


@dataclass(frozen=True)
class BatchRow:
    """A bulk care action and how far it is."""

    id: int
    action: str  # points / spend / call / sms / email
    amount: int  # signed: + given, − deducted; 0 for a call, an SMS or an email
    care_type: str
    reason_id: int | None
    reason: str
    note: str
    status: str  # running / done
    total: int
    done: int
    refused: int
    pending: int
    created_at: datetime
    finished_at: datetime | None
    staff_name: str

    @property
    def handled(self) -> int:
        return self.done + self.refused


@dataclass(frozen=True)
class RefusedItem:
    customer_id: int
    code: str
    name: str
    message: str


@dataclass(frozen=True)
class BatchReport:
    """What a batch did: its counts and (the first :data:`REFUSED_SHOWN` of) who was
    refused, and why."""

    batch: BatchRow
    refused: list[RefusedItem]


class _ChunkFailed(Exception):
    """A chunk's writing was refused (a SalonError) for its ``item_ids``: rolled back."""

    def __init__(self, item_ids: list[int], error: SalonError) -> None:
        super().__init__(error.message)
        self.item_ids = item_ids
        self.error = error


# -- reading ------------------------------------------------------------------------------


def _counts(session: Session, batch_ids: Sequence[int]) -> dict[int, dict[str, int]]:
    counts: dict[int, dict[str, int]] = {bid: {} for bid in batch_ids}
    if not batch_ids:
        return counts
    statement = (select(_ITEM.c.batch_id, _ITEM.c.status, func.count())
                 .where(_ITEM.c.batch_id.in_(list(batch_ids)))
                 .group_by(_ITEM.c.batch_id, _ITEM.c.status))
    for bid, status, n in session.execute(statement):
        counts[bid][status] = int(n)
    return counts


def _rows(session: Session, batches: Sequence[CareBatch]) -> list[BatchRow]:
    ids = [stored_id(b) for b in batches]
    counts = _counts(session, ids)
    staff_ids = {b.staff_id for b in batches if b.staff_id is not None}
    names: dict[int, str] = {}
    if staff_ids:
        names.update((sid, name) for sid, name in session.execute(
            select(_STAFF.c.id, _STAFF.c.name).where(_STAFF.c.id.in_(staff_ids))))
    return [BatchRow(
        id=stored_id(b), action=b.action, amount=b.amount, care_type=b.care_type,
        reason_id=b.reason_id, reason=b.reason, note=b.note, status=b.status, total=b.total,
        done=counts[stored_id(b)].get(DONE, 0), refused=counts[stored_id(b)].get(REFUSED, 0),
        pending=counts[stored_id(b)].get(PENDING, 0), created_at=b.created_at,
        finished_at=b.finished_at, staff_name=names.get(b.staff_id or 0, "")) for b in batches]


def _load(session: Session, batch_id: int) -> CareBatch:
    batch = session.get(CareBatch, batch_id)
    if batch is None:
        raise NotFound(_("No care action #{id}.").format(id=batch_id), field="batch")
    return batch


@boundary
def get_batch(session: Session, batch_id: int) -> BatchRow:
    return _rows(session, [_load(session, batch_id)])[0]


@boundary
def running_batches(session: Session) -> list[BatchRow]:
    """Batches not finished (a desk closed, a server lost while one ran), newest first."""
    statement = select(CareBatch).where(col(CareBatch.status) == RUNNING).order_by(
        col(CareBatch.id).desc())
    return _rows(session, session.execute(statement).scalars().all())


@boundary
def batch_report(session: Session, batch_id: int, *,
                 limit: int = REFUSED_SHOWN) -> BatchReport:
    """The batch's counts and the customers refused (the first ``limit``), with why."""
    row = get_batch(session, batch_id)
    statement = (select(_ITEM.c.customer_id, _C.c.code, _C.c.name, _ITEM.c.message)
                 .join(_C, _C.c.id == _ITEM.c.customer_id)
                 .where(_ITEM.c.batch_id == batch_id, _ITEM.c.status == REFUSED)
                 .order_by(_ITEM.c.id).limit(max(0, min(limit, 10_000))))
    refused = [RefusedItem(customer_id=cid, code=code, name=name, message=message)
               for cid, code, name, message in session.execute(statement)]
    return BatchReport(batch=row, refused=refused)


# -- starting -------------------------------------------------------------------------------


def _check_action(action: str, amount: int) -> None:
    if action not in ACTIONS:
        raise ValidationError(_("Action must be one of {actions}.").format(
            actions=", ".join(ACTIONS)), field="action")
    if action in LOGGED:
        if amount != 0:
            raise ValidationError(_("A call, an SMS or an email gives nothing: no amount."),
                                  field="amount")
        return
    if amount == 0:
        raise ValidationError(_("The amount cannot be zero."), field="amount")
    limit = MAX_POINTS if action == "points" else MAX_AMOUNT_MINOR
    if abs(amount) > limit:
        raise ValidationError(_("That amount is too large."), field="amount")


def _check_note(note: str) -> str:
    text = (note or "").strip()
    if len(text) > MAX_DESCRIPTION:
        raise ValidationError(_("The note is longer than {limit} characters.").format(
            limit=MAX_DESCRIPTION), field="note")
    return text


def _resolve_reason(session: Session, *, staff_id: int, care_type: str,
                    reason_id: int | None, reason: str) -> tuple[int, str]:
    """(id, name) of the batch's reason: one of the catalogue's, or a typed one that
    joins the catalogue (care_catalogue.find_or_add_reason)."""
    typed = " ".join((reason or "").split())
    if reason_id is not None and typed:
        raise ValidationError(_("Choose a reason or type one, not both."), field="reason")
    if reason_id is None:
        if not typed:
            raise ValidationError(_("Reason is required."), field="reason")
        if len(typed) > MAX_NAME:
            raise ValidationError(_("Reason is longer than {limit} characters.").format(
                limit=MAX_NAME), field="reason")
        row = find_or_add_reason(session, staff_id=staff_id, care_type=care_type, name=typed)
        return row.id, row.name
    found = session.get(CareReason, reason_id)
    if found is None:
        raise NotFound(_("No care reason #{id}.").format(id=reason_id), field="reason")
    if found.care_type != care_type:
        raise ValidationError(_("That reason belongs to another care type."), field="reason")
    if not found.active:
        raise RuleViolation(_("The reason {name} is retired.").format(name=found.name),
                            field="reason")
    return reason_id, found.name


def _chunks(ids: Sequence[int], size: int = IDS_PER_STATEMENT):
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _chosen(session: Session, customer_ids_given: list[int] | None,
            matching: CustomerFilter | None, except_ids: list[int] | None,
            today: date | None) -> list[int]:
    if (customer_ids_given is None) == (matching is None):
        raise ValidationError(_("Choose the customers: a list, or all that match a filter."),
                              field="customers")
    if matching is not None:
        ids = customer_ids(session, matching, today=today)
    else:
        assert customer_ids_given is not None
        ids = list(dict.fromkeys(customer_ids_given))  # each once, in the order given
        found: set[int] = set()
        for chunk in _chunks(ids):
            found.update(session.execute(select(_C.c.id).where(_C.c.id.in_(chunk))).scalars())
        missing = [cid for cid in ids if cid not in found]
        if missing:
            raise NotFound(_("No customer {ids}; nothing was started.").format(
                ids=", ".join(f"#{cid}" for cid in missing[:5])), field="customers")
    left_out = set(except_ids or ())
    ids = [cid for cid in ids if cid not in left_out]
    if not ids:
        raise ValidationError(_("Choose at least one customer."), field="customers")
    return ids


@boundary
def start_batch(session: Session, *, staff_id: int, action: str, amount: int = 0,
                care_type: str, reason_id: int | None = None, reason: str = "",
                note: str = "", customer_ids: list[int] | None = None,
                matching: CustomerFilter | None = None, except_ids: list[int] | None = None,
                today: date | None = None) -> BatchRow:
    """Write a bulk care action and one pending item per customer; nothing is given yet
    (:func:`run_batch` does that).

    ``action``: "points" or "spend" with a signed ``amount`` (given > 0, deducted < 0), or
    "call", "sms", "email" (logged: amount 0). ``care_type``: a :class:`CareType`. The
    reason: ``reason_id`` of the catalogue (of that type, not retired) or ``reason`` typed
    (found in the catalogue ignoring case, else added to it). ``note``: the description of
    every care note written (at most 4,000 characters).

    The customers: ``customer_ids`` (every one must exist; each counted once), or every
    customer ``matching`` a filter at this moment; less ``except_ids`` either way.
    One audit row for the batch (the care catalogue writes its own if a reason joins it).
    """
    require_staff(session, staff_id)
    _check_action(action, amount)
    if care_type not in tuple(CareType):
        raise ValidationError(_("Type must be one of {types}.").format(
            types=", ".join(CareType)), field="care_type")
    clean_note = _check_note(note)
    ids = _chosen(session, customer_ids, matching, except_ids, today)
    chosen_id, chosen_name = _resolve_reason(session, staff_id=staff_id, care_type=care_type,
                                             reason_id=reason_id, reason=reason)
    batch = CareBatch(action=action, amount=amount, care_type=care_type, reason_id=chosen_id,
                      reason=chosen_name, note=clean_note, status=RUNNING, total=len(ids),
                      created_at=clock.now(), staff_id=staff_id)
    session.add(batch)
    session.flush()
    batch_id = stored_id(batch)
    for chunk in _chunks(ids, 5000):
        session.execute(insert(_ITEM), [
            {"batch_id": batch_id, "customer_id": cid, "status": PENDING, "message": ""}
            for cid in chunk])
    audit.record(session, staff_id=staff_id, action="start_care_batch", entity="care_batch",
                 entity_id=batch_id, after={
                     "action": action, "amount": amount, "care_type": care_type,
                     "reason_id": chosen_id, "reason": chosen_name, "note": clean_note,
                     "customers": len(ids), "by_filter": matching is not None})
    return BatchRow(id=batch_id, action=action, amount=amount, care_type=care_type,
                    reason_id=chosen_id, reason=chosen_name, note=clean_note, status=RUNNING,
                    total=len(ids), done=0, refused=0, pending=len(ids),
                    created_at=batch.created_at, finished_at=None,
                    staff_name=require_staff(session, staff_id).name)


# -- running --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Customer:
    id: int
    name: str
    member_state: str
    deleted: bool


def _customers(session: Session, ids: Sequence[int]) -> dict[int, _Customer]:
    """The customers' state, their rows locked on engines that need it."""
    statement = for_update(select(_C.c.id, _C.c.name, _C.c.member_state, _C.c.deleted_at)
                           .where(_C.c.id.in_(list(ids))), session)
    return {cid: _Customer(cid, name, state, deleted is not None)
            for cid, name, state, deleted in session.execute(statement)}


def _points_of(session: Session, ids: Sequence[int]) -> dict[int, int]:
    statement = (select(_LE.c.customer_id, func.sum(_LE.c.amount))
                 .where(_LE.c.customer_id.in_(list(ids)), _LE.c.account == "points")
                 .group_by(_LE.c.customer_id))
    return {cid: int(total or 0) for cid, total in session.execute(statement)}


def _spend_of(session: Session, customer_id: int) -> int:
    """The spend a deduction takes from: what ranks the customer (their spend over the
    tiers' rolling period and the spend given or taken by hand in it)."""
    return ranking_spend(session, customer_id)


def _money(session: Session, minor: int) -> str:
    s = get_settings(session)
    return format_money(minor, currency=s.currency, exponent=s.currency_exponent,
                        locale=s.locale)


def _refusal(session: Session, batch: CareBatch, customer: _Customer | None,
             points: dict[int, int]) -> str | None:
    """Why this customer gets nothing from ``batch`` (None: they get it)."""
    if customer is None:
        return _("This customer is no longer there.")
    if customer.deleted:
        return _("{name} is deleted; restore them first.").format(name=customer.name)
    if batch.action == "points":
        if customer.member_state == MemberState.EXCLUDED:
            return _("{name} is excluded from the loyalty program: no points can be given "
                     "or taken.").format(name=customer.name)
        left = points.get(customer.id, 0)
        if left + batch.amount < 0:
            return ngettext("{who}: only {left} point left; cannot deduct {n}.",
                            "{who}: only {left} points left; cannot deduct {n}.", left).format(
                who=customer.name, left=f"{left:,}", n=f"{-batch.amount:,}")
    if batch.action == "spend":
        if customer.member_state == MemberState.EXCLUDED:
            return _("{name} is excluded from the loyalty program: no spend can be given "
                     "or taken.").format(name=customer.name)
        if batch.amount < 0:
            left = _spend_of(session, customer.id)
            if left + batch.amount < 0:
                return _("{who}: only {left} of spend; cannot deduct {n}.").format(
                    who=customer.name, left=_money(session, left),
                    n=_money(session, -batch.amount))
    return None


def _entry_reason(batch: CareBatch) -> str:
    """The ledger's (or spend entry's) reason: the care reason and the start of the note."""
    text = f"{batch.reason}: {batch.note}" if batch.note else batch.reason
    text = " ".join(text.split())
    return text if len(text) <= MAX_ENTRY_REASON else text[:MAX_ENTRY_REASON - 1] + "…"


def _refresh_tier(session: Session, batch: CareBatch, customer_id: int) -> None:
    """Spend moves tiers at once (points given by hand do not: tiers rank the points sales
    earned, ``tiers.ranking_points``)."""
    refresh_tier(session, customer_id=customer_id, staff_id=batch.staff_id,
                 reason=_("Care: {reason}").format(reason=batch.reason))


def _write(session: Session, batch: CareBatch, customers: list[int],
           points: dict[int, int], now: datetime) -> None:
    """The rows of every customer of ``customers`` (none of them refused): care notes,
    entries, tiers, audit rows."""
    staff_id = batch.staff_id
    notes = [CareNote(customer_id=cid, type=batch.care_type, title=batch.reason,
                      description=batch.note, staff_id=staff_id, created_at=now,
                      updated_at=now) for cid in customers]
    session.add_all(notes)
    session.flush()
    reason = _entry_reason(batch)
    common = {"batch_id": batch.id, "action": batch.action, "care_type": batch.care_type,
              "reason": batch.reason}
    if batch.action == "points":
        entries = [LedgerEntry(customer_id=cid, account="points", card_id=None, created_at=now,
                               amount=batch.amount, kind="care", reason=reason,
                               ref_type="care", ref_id=note.id, operator_id=staff_id)
                   for cid, note in zip(customers, notes, strict=True)]
        session.add_all(entries)
        session.flush()
        for cid, note, entry in zip(customers, notes, entries, strict=True):
            before = points.get(cid, 0)
            audit.record(session, staff_id=staff_id, action="care_action", entity="customer",
                         entity_id=cid, before={"points": before},
                         after={**common, "points": before + batch.amount,
                                "amount": batch.amount, "entry_id": entry.id,
                                "care_note_id": note.id})
    elif batch.action == "spend":
        spends = [SpendEntry(customer_id=cid, amount=batch.amount, reason=reason,
                             ref_type="care", ref_id=note.id, created_at=now,
                             staff_id=staff_id)
                  for cid, note in zip(customers, notes, strict=True)]
        session.add_all(spends)
        session.flush()
        for cid, note, spend in zip(customers, notes, spends, strict=True):
            audit.record(session, staff_id=staff_id, action="care_action", entity="customer",
                         entity_id=cid, after={**common, "amount": batch.amount,
                                               "spend_entry_id": spend.id,
                                               "care_note_id": note.id})
            _refresh_tier(session, batch, cid)
    else:
        for cid, note in zip(customers, notes, strict=True):
            audit.record(session, staff_id=staff_id, action="care_action", entity="customer",
                         entity_id=cid, after={**common, "amount": 0,
                                               "care_note_id": note.id})
    session.flush()


def _run_chunk(session: Session, batch_id: int, size: int) -> int:
    """Do the next ``size`` pending items of the batch (see the module); how many."""
    batch = _load(session, batch_id)
    items = session.execute(for_update(
        select(_ITEM.c.id, _ITEM.c.customer_id)
        .where(_ITEM.c.batch_id == batch_id, _ITEM.c.status == PENDING)
        .order_by(_ITEM.c.id).limit(size), session)).all()
    if not items:
        return 0
    ids = [cid for _item, cid in items]
    customers = _customers(session, ids)
    points = _points_of(session, ids) if batch.action == "points" else {}
    now = clock.now()
    outcome: list[dict] = []
    going: list[int] = []
    for item_id, cid in items:
        why = _refusal(session, batch, customers.get(cid), points)
        if why is None:
            going.append(cid)
            outcome.append({"item": item_id, "st": DONE, "msg": "", "at": now})
        else:
            outcome.append({"item": item_id, "st": REFUSED, "msg": why[:MAX_MESSAGE],
                            "at": now})
    if going:
        try:
            _write(session, batch, going, points, now)
        except SalonError as error:
            raise _ChunkFailed([item_id for item_id, _cid in items], error) from error
    session.execute(
        update(_ITEM).where(_ITEM.c.id == bindparam("item"))
        .values(status=bindparam("st"), message=bindparam("msg"), done_at=bindparam("at")),
        outcome)
    return len(items)


def _refuse_item(session: Session, item_id: int, message: str) -> int:
    """Refuse one item (still pending) with ``message``; 1 if it was."""
    result = session.execute(
        update(_ITEM).where(_ITEM.c.id == item_id, _ITEM.c.status == PENDING)
        .values(status=REFUSED, message=message[:MAX_MESSAGE], done_at=clock.now()))
    return 1 if result.rowcount else 0  # type: ignore[attr-defined]


def _finish(session: Session, batch_id: int) -> None:
    """Mark the batch done once nothing is pending (one audit row with its counts)."""
    batch = session.execute(for_update(select(CareBatch).where(col(CareBatch.id) == batch_id),
                                       session)).scalar_one()
    if batch.status != RUNNING:
        return
    counts = _counts(session, [batch_id])[batch_id]
    if counts.get(PENDING, 0):
        return
    batch.status = FINISHED
    batch.finished_at = clock.now()
    session.add(batch)
    audit.record(session, staff_id=batch.staff_id, action="finish_care_batch",
                 entity="care_batch", entity_id=batch_id,
                 after={"done": counts.get(DONE, 0), "refused": counts.get(REFUSED, 0)})


Progress = Callable[[int, int], object]


def run_batch(engine: Engine, batch_id: int, *, chunk: int = CHUNK,
              progress: Progress | None = None,
              max_chunks: int | None = None) -> BatchReport:
    """Do the batch's pending items, ``chunk`` customers per transaction (see the module),
    and report. ``progress(handled, total)`` is called after each chunk (from this
    thread); if it answers False the run stops there, the rest left pending. So does
    ``max_chunks``. A batch already done only reports."""
    from salontui.store.connect import in_session

    if isinstance(chunk, bool) or not isinstance(chunk, int) or not 1 <= chunk <= MAX_CHUNK:
        raise ValidationError(_("A chunk is 1 to {n} customers.").format(n=MAX_CHUNK),
                              field="chunk")
    start = in_session(engine, lambda s: get_batch(s, batch_id), write=False)
    handled, total = start.handled, start.total
    rounds = 0
    while start.status == RUNNING and (max_chunks is None or rounds < max_chunks):
        try:
            done = in_session(engine, lambda s: _run_chunk(s, batch_id, chunk), write=True)
        except _ChunkFailed:
            done = _one_by_one(engine, batch_id, chunk)
        if not done:
            break
        rounds += 1
        handled += done
        if progress is not None and progress(min(handled, total), total) is False:
            break
    in_session(engine, lambda s: _finish(s, batch_id), write=True)
    return in_session(engine, lambda s: batch_report(s, batch_id), write=False)


def run_batch_here(session: Session, batch_id: int, *, chunk: int = CHUNK) -> BatchReport:
    """Do every pending item of the batch in the caller's transaction, finish it and
    report: all or nothing with whatever else that transaction writes (the care actions of
    an imported file). A chunk whose writing is refused raises (the caller rolls back);
    a customer refused before writing is in the report, as with :func:`run_batch`."""
    while True:
        try:
            done = _run_chunk(session, batch_id, chunk)
        except _ChunkFailed as failed:
            raise failed.error from failed
        if not done:
            break
    _finish(session, batch_id)
    return batch_report(session, batch_id)


def _one_by_one(engine: Engine, batch_id: int, count: int) -> int:
    """The next ``count`` items one customer per transaction: the one whose writing is
    refused gets its message, the others go through."""
    from salontui.store.connect import in_session

    handled = 0
    for _step in range(count):
        try:
            done = in_session(engine, lambda s: _run_chunk(s, batch_id, 1), write=True)
        except _ChunkFailed as failed:
            (item_id,) = failed.item_ids
            message = failed.error.message

            def refuse(session: Session, item_id: int = item_id, message: str = message) -> int:
                return _refuse_item(session, item_id, message)

            in_session(engine, refuse, write=True)
            done = 1  # (refused here, or done by another desk meanwhile: handled)
        if not done:
            break
        handled += done
    return handled
