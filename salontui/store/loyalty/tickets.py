"""Adjustment tickets (phiếu điều chỉnh): a reviewed correction of points and tiers.

A ticket has a code (DC000001, from the counter table like customer and invoice codes),
a note, tags and lines; each line is a customer with a change of points (+/-) and/or a
new tier. It is saved as a draft ("waiting"), may be changed or cancelled while it
waits, and is applied once, by a manager or the owner:

* in one transaction, line by line, points first (a points entry of kind ``adjust``,
  ref_type "ticket", whose reason names the ticket's code), then the tier
  (:func:`salontui.store.loyalty.tiers.set_tier_by_hand` with the ticket's id, so the
  tier history names it); a line with points and no tier asks the tier rules again
  (:func:`~salontui.store.loyalty.tiers.refresh_tier`: on a points basis, points move
  tiers);
* everything is checked before anything is written: a deduction below zero, an excluded
  or deleted customer, refuse the whole ticket with the customer named;
* the ticket row is taken ``FOR UPDATE`` (SQLite: the write transaction holds the whole
  database), so of two desks applying at once one applies and the other is told who
  applied it and when; nothing more is written.

A ticket applied or cancelled is read-only. Every write is audited: one row on the
ticket, and on apply one row per customer whose points moved (the tier rules write their
own). The lines of a waiting ticket are replaced whole by :func:`update_ticket`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, func, literal, or_, select
from sqlmodel import Session

from salontui.i18n import _, ngettext
from salontui.store import audit, clock, codes
from salontui.store.admin.permissions import require_permission
from salontui.store.bounds import boundary
from salontui.store.dates import show_date
from salontui.store.day.times import day_bounds, salon_offset
from salontui.store.db import for_update
from salontui.store.errors import NotFound, RuleViolation, SalonError, ValidationError
from salontui.store.kinds import MemberState, Permission
from salontui.store.models import (
    AdjustmentLine,
    AdjustmentTicket,
    Customer,
    LedgerEntry,
    Staff,
    Tier,
    stored_id,
    table_of,
)
from salontui.store.names import tier_label
from salontui.store.staff import require_staff
from salontui.store.text import clean_line, fold, quote

# The counter of ticket codes (codes.py's sequences: name, prefix, digits).
TICKET_CODES = ("adjustment_ticket", "DC", 6)

WAITING = "waiting"
APPLIED = "applied"
CANCELLED = "cancelled"
STATUSES = (WAITING, APPLIED, CANCELLED)
MAX_NOTE = 500
MAX_TAGS = 200  # the tags together, as stored ("Tết,VIP,sửa lỗi")
MAX_TAG = 30
MAX_LINE_NOTE = 250
MAX_LINES = 500
MAX_POINTS = 100_000_000  # one line's change either way: beyond it is a typing slip
MAX_PAGE = 500
REF_TYPE = "ticket"  # the ledger entries and spend entries a ticket writes
MAX_REASON = 250  # ledger.MAX_REASON

_T = table_of(AdjustmentTicket)
_L = table_of(AdjustmentLine)
_C = table_of(Customer)
_LE = table_of(LedgerEntry)
_TIER = table_of(Tier)
_S = table_of(Staff)


@dataclass(frozen=True)
class TicketLineIn:
    """A line as typed: the customer, the change of points (0: none), the new tier (None:
    none) and a note of its own."""

    customer_id: int
    points: int = 0
    tier_id: int | None = None
    note: str = ""


@dataclass(frozen=True)
class TicketRow:
    """A ticket as the list shows it."""

    id: int
    code: str
    status: str
    note: str
    tags: tuple[str, ...]
    lines: int
    created_at: datetime
    created_by: str | None
    applied_at: datetime | None = None
    applied_by: str | None = None
    cancelled_at: datetime | None = None
    cancelled_by: str | None = None

    @property
    def waiting(self) -> bool:
        return self.status == WAITING


@dataclass(frozen=True)
class TicketLine:
    """A line with its customer as they are now: code, name, phone, points, tier."""

    customer_id: int
    code: str
    name: str
    phone: str
    points: int  # the change
    tier_id: int | None  # the new tier
    tier_name: str | None
    note: str
    current_tier: str  # the tier the customer holds now
    balance: int  # the customer's points now
    member_state: str
    deleted: bool
    id: int | None = None  # None: not saved yet (a line checked before the ticket is saved)


@dataclass(frozen=True)
class TicketDetail:
    ticket: TicketRow
    lines: tuple[TicketLine, ...]


@dataclass(frozen=True)
class TicketPage:
    """A page of the list, with how many tickets match (``total``) and how many of each
    status match the other filters (``counts``: the filter row's numbers)."""

    rows: tuple[TicketRow, ...]
    total: int
    counts: dict[str, int]

    def count(self, status: str | None) -> int:
        return sum(self.counts.values()) if status is None else self.counts.get(status, 0)


# ---------------------------------------------------------------- validation


def _clean_note(note: str) -> str:
    return clean_line(note, field="note", limit=MAX_NOTE,
                      too_long=_("The note is longer than {limit} characters."))


def split_tags(tags: str) -> tuple[str, ...]:
    """The tags of a stored (or typed) comma-separated text, spaces tidied, empty ones out."""
    return tuple(t for t in (" ".join(part.split()) for part in (tags or "").split(",")) if t)


def _clean_tags(tags: str) -> str:
    """Typed tags as stored: comma-separated without spaces around, each at most
    ``MAX_TAG`` characters, a tag typed twice (ignoring case and accents) kept once."""
    kept: list[str] = []
    seen: set[str] = set()
    for tag in split_tags(tags):
        if len(tag) > MAX_TAG:
            raise ValidationError(_("The tag {tag} is longer than {limit} characters.").format(
                tag=quote(tag), limit=MAX_TAG), field="tags")
        if fold(tag) not in seen:
            seen.add(fold(tag))
            kept.append(tag)
    stored = ",".join(kept)
    if len(stored) > MAX_TAGS:
        raise ValidationError(_("The tags are longer than {limit} characters together.").format(
            limit=MAX_TAGS), field="tags")
    return stored


def _where(index: int | None, name: str) -> str:
    """A line's field: ``line2.points`` on a ticket, ``points`` alone for one line."""
    return name if index is None else f"line{index}.{name}"


@dataclass(frozen=True)
class _Customer:
    id: int
    code: str
    name: str
    phone: str
    tier: str
    tier_id: int | None  # None: the first tier
    member_state: str
    deleted: bool


def _customers(session: Session, ids: Sequence[int], *, lock: bool = False
               ) -> dict[int, _Customer]:
    if not ids:
        return {}
    statement = select(_C.c.id, _C.c.code, _C.c.name, _C.c.phone, _C.c.tier, _C.c.tier_id,
                       _C.c.member_state, _C.c.deleted_at).where(_C.c.id.in_(sorted(set(ids))))
    if lock:
        statement = for_update(statement, session)
    return {r.id: _Customer(r.id, r.code, r.name, r.phone, r.tier, r.tier_id, r.member_state,
                            r.deleted_at is not None) for r in session.execute(statement)}


def _tiers(session: Session) -> dict[int, tuple[str, bool]]:
    """Every tier, the first (rank 0) first: its name and whether it is active (a salon
    has a handful)."""
    return {r.id: (r.name, r.active) for r in session.execute(
        select(_TIER.c.id, _TIER.c.name, _TIER.c.active)
        .order_by(_TIER.c.position, _TIER.c.id))}


def _holds(customer: _Customer, tier_id: int, tiers: dict[int, tuple[str, bool]]) -> bool:
    """Whether the customer holds the tier now (no tier recorded: the first)."""
    held = customer.tier_id if customer.tier_id is not None else next(iter(tiers), None)
    return held == tier_id


def _balances(session: Session, ids: Sequence[int]) -> dict[int, int]:
    if not ids:
        return {}
    statement = (select(_LE.c.customer_id, func.sum(_LE.c.amount))
                 .where(_LE.c.customer_id.in_(sorted(set(ids))), _LE.c.account == "points")
                 .group_by(_LE.c.customer_id))
    return {cid: int(total or 0) for cid, total in session.execute(statement)}


def _check_line(line: TicketLineIn, index: int | None, customers: dict[int, _Customer],
                tiers: dict[int, tuple[str, bool]]) -> tuple[TicketLineIn, _Customer]:
    """A line's own rules; the line with its note tidied, and its customer."""
    customer = customers.get(line.customer_id)
    if customer is None:
        raise NotFound(_("No customer #{id}.").format(id=line.customer_id),
                       field=_where(index, "customer"))
    if customer.deleted:
        raise RuleViolation(_("{name} is deleted; restore them first.").format(
            name=customer.name), field=_where(index, "customer"))
    if abs(line.points) > MAX_POINTS:
        raise ValidationError(_("A line changes points by at most {limit}.").format(
            limit=f"{MAX_POINTS:,}"), field=_where(index, "points"))
    if line.tier_id is not None:
        tier = tiers.get(line.tier_id)
        if tier is None:
            raise NotFound(_("No tier #{id}.").format(id=line.tier_id),
                           field=_where(index, "tier"))
        if not tier[1]:
            raise RuleViolation(_("The tier {name} is retired.").format(name=quote(tier[0])),
                                field=_where(index, "tier"))
        if _holds(customer, line.tier_id, tiers):
            raise RuleViolation(_("{name} is already in {tier}.").format(
                name=customer.name, tier=tier_label(tier[0])), field=_where(index, "tier"))
    if line.points == 0 and line.tier_id is None:
        raise ValidationError(_("Give a change of points, a new tier, or both."),
                              field=_where(index, "points"))
    if line.points and customer.member_state == MemberState.EXCLUDED:
        raise RuleViolation(_("{name} is excluded from the loyalty program: no points can be "
                              "given or taken.").format(name=customer.name),
                            field=_where(index, "points"))
    note = clean_line(line.note, field=_where(index, "note"), limit=MAX_LINE_NOTE,
                      too_long=_("The note is longer than {limit} characters."))
    return TicketLineIn(customer_id=line.customer_id, points=line.points,
                        tier_id=line.tier_id, note=note), customer


def _check_lines(session: Session, lines: Sequence[TicketLineIn]) -> list[TicketLineIn]:
    if not lines:
        raise ValidationError(_("Add at least one line: a customer and a change."),
                              field="lines")
    if len(lines) > MAX_LINES:
        raise ValidationError(_("A ticket has at most {limit} lines.").format(limit=MAX_LINES),
                              field="lines")
    customers = _customers(session, [line.customer_id for line in lines])
    tiers = _tiers(session)
    clean: list[TicketLineIn] = []
    seen: set[int] = set()
    for index, line in enumerate(lines):
        checked, customer = _check_line(line, index, customers, tiers)
        if customer.id in seen:
            raise ValidationError(_("{name} is on the ticket twice: one line per "
                                    "customer.").format(name=customer.name),
                                  field=_where(index, "customer"))
        seen.add(customer.id)
        clean.append(checked)
    return clean


def _line_row(line: TicketLineIn, customer: _Customer, tiers: dict[int, tuple[str, bool]],
              balance: int, line_id: int | None = None) -> TicketLine:
    return TicketLine(
        id=line_id, customer_id=customer.id, code=customer.code, name=customer.name,
        phone=customer.phone, points=line.points, tier_id=line.tier_id,
        tier_name=tiers[line.tier_id][0] if line.tier_id in tiers else None, note=line.note,
        current_tier=customer.tier, balance=balance, member_state=customer.member_state,
        deleted=customer.deleted)


@boundary
def check_line(session: Session, *, line: TicketLineIn) -> TicketLine:
    """One line checked on its own (the line dialog, before it joins the ticket): refused
    at its field ("customer", "points", "tier", "note") as saving would refuse it;
    answered with the customer as they are now."""
    customers = _customers(session, [line.customer_id])
    tiers = _tiers(session)
    checked, customer = _check_line(line, None, customers, tiers)
    balance = _balances(session, [customer.id]).get(customer.id, 0)
    return _line_row(checked, customer, tiers, balance)


@boundary
def check_can_apply(session: Session, *, staff_id: int) -> None:
    """Refuse (:class:`~salontui.store.admin.permissions.NotPermitted`) a staff member whose
    role may not apply tickets alone (the owner's table: a manager's approval may)."""
    require_permission(session, staff_id=staff_id, permission=Permission.APPLY_TICKETS)


# ---------------------------------------------------------------- reading


def _staff_names(session: Session, ids: Sequence[int | None]) -> dict[int, str]:
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    return dict(session.execute(select(_S.c.id, _S.c.name).where(_S.c.id.in_(wanted))).all())


_TICKET_COLUMNS = (_T.c.id, _T.c.code, _T.c.status, _T.c.note, _T.c.tags, _T.c.created_at,
                   _T.c.created_by, _T.c.applied_at, _T.c.applied_by, _T.c.cancelled_at,
                   _T.c.cancelled_by)


def _rows(session: Session, found: Sequence) -> list[TicketRow]:
    ids = [r.id for r in found]
    counts: dict[int, int] = {}
    if ids:
        counts = dict(session.execute(
            select(_L.c.ticket_id, func.count()).where(_L.c.ticket_id.in_(ids))
            .group_by(_L.c.ticket_id)).all())
    names = _staff_names(session, [x for r in found
                                   for x in (r.created_by, r.applied_by, r.cancelled_by)])
    return [TicketRow(
        id=r.id, code=r.code, status=r.status, note=r.note, tags=split_tags(r.tags),
        lines=counts.get(r.id, 0), created_at=r.created_at, created_by=names.get(r.created_by),
        applied_at=r.applied_at, applied_by=names.get(r.applied_by),
        cancelled_at=r.cancelled_at, cancelled_by=names.get(r.cancelled_by)) for r in found]


def _ticket_row(session: Session, ticket_id: int) -> TicketRow:
    found = session.execute(select(*_TICKET_COLUMNS).where(_T.c.id == ticket_id)).first()
    if found is None:
        raise NotFound(_("No adjustment ticket #{id}.").format(id=ticket_id), field="ticket")
    return _rows(session, [found])[0]


def _lines(session: Session, ticket_id: int) -> list[TicketLine]:
    stored = list(session.execute(
        select(_L.c.id, _L.c.customer_id, _L.c.points, _L.c.tier_id, _L.c.note)
        .where(_L.c.ticket_id == ticket_id).order_by(_L.c.id)))
    ids = [r.customer_id for r in stored]
    customers = _customers(session, ids)
    balances = _balances(session, ids)
    tiers = _tiers(session)
    return [_line_row(TicketLineIn(r.customer_id, r.points, r.tier_id, r.note),
                      customers[r.customer_id], tiers, balances.get(r.customer_id, 0), r.id)
            for r in stored]


@boundary
def get_ticket(session: Session, ticket_id: int) -> TicketDetail:
    """A ticket with its lines, each with its customer as they are now (code, name, phone,
    points, tier) and the new tier's name."""
    row = _ticket_row(session, ticket_id)
    return TicketDetail(ticket=row, lines=tuple(_lines(session, ticket_id)))


def _tag_spellings(session: Session, tag: str) -> list[str]:
    """How ``tag`` is written on the tickets (ignoring case and accents)."""
    wanted = fold(" ".join(tag.split()))
    spellings: set[str] = set()
    for (stored,) in session.execute(select(_T.c.tags).where(_T.c.tags != "").distinct()):
        spellings.update(t for t in split_tags(stored) if fold(t) == wanted)
    return sorted(spellings)


@boundary
def list_tags(session: Session) -> list[str]:
    """Every tag in use, once (its first spelling, ignoring case), sorted: the filter's
    choices."""
    found: dict[str, str] = {}
    for (stored,) in session.execute(select(_T.c.tags).where(_T.c.tags != "").distinct()):
        for tag in split_tags(stored):
            found.setdefault(fold(tag), tag)
    return [found[key] for key in sorted(found)]


@boundary
def list_tickets(session: Session, status: str | None = None, tag: str | None = None,
                 date_from: date | None = None, date_to: date | None = None,
                 limit: int = 100, offset: int = 0) -> TicketPage:
    """A page of tickets, newest first: of one status (None: every one), carrying a tag
    (ignoring case and accents), made between two of the salon's days (both included).
    The page says how many match and how many of each status match the other filters."""
    if status is not None and status not in STATUSES:
        raise ValidationError(_("Status must be one of {statuses}.").format(
            statuses=", ".join(STATUSES)), field="status")
    if not 0 < limit <= MAX_PAGE or offset < 0:
        raise ValidationError(_("Paging must be 1 to {limit} rows from a place not "
                              "below zero.").format(limit=MAX_PAGE), field="limit")
    if date_from is not None and date_to is not None and date_from > date_to:
        raise ValidationError(_("The last day is before the first."), field="date_to")
    conditions = []
    if tag is not None and " ".join(tag.split()):
        if len(" ".join(tag.split())) > MAX_TAG:
            raise ValidationError(_("The tag {tag} is longer than {limit} characters.").format(
                tag=quote(tag), limit=MAX_TAG), field="tag")
        spellings = _tag_spellings(session, tag)
        if not spellings:
            return TicketPage(rows=(), total=0, counts={})
        delimited = literal(",") + _T.c.tags + literal(",")
        conditions.append(or_(*(delimited.contains(f",{s},", autoescape=True)
                                for s in spellings)))
    offset_of_salon = salon_offset(session)
    if date_from is not None:
        conditions.append(_T.c.created_at >= day_bounds(date_from, offset_of_salon)[0])
    if date_to is not None:
        conditions.append(_T.c.created_at < day_bounds(date_to, offset_of_salon)[1])
    counts = {s: int(n) for s, n in session.execute(
        select(_T.c.status, func.count()).where(*conditions).group_by(_T.c.status))}
    if status is not None:
        conditions.append(_T.c.status == status)
    found = list(session.execute(select(*_TICKET_COLUMNS).where(*conditions)
                                 .order_by(_T.c.created_at.desc(), _T.c.id.desc())
                                 .limit(limit).offset(offset)))
    total = counts.get(status, 0) if status is not None else sum(counts.values())
    return TicketPage(rows=tuple(_rows(session, found)), total=total, counts=counts)


# ---------------------------------------------------------------- writing


def _lock_ticket(session: Session, ticket_id: int) -> AdjustmentTicket:
    statement = for_update(select(AdjustmentTicket).where(_T.c.id == ticket_id), session)
    ticket = session.execute(statement).scalars().first()
    if ticket is None:
        raise NotFound(_("No adjustment ticket #{id}.").format(id=ticket_id), field="ticket")
    return ticket


def _when(session: Session, moment: datetime | None) -> tuple[str, str]:
    if moment is None:
        return "—", ""
    local = moment + salon_offset(session)
    return show_date(local.date()), local.strftime("%H:%M")


def _refuse_not_waiting(session: Session, ticket: AdjustmentTicket, doing: str) -> None:
    """A ticket applied or cancelled is read-only: said with who did it and when."""
    if ticket.status == WAITING:
        return
    names = _staff_names(session, [ticket.applied_by, ticket.cancelled_by])
    if ticket.status == APPLIED:
        day, time = _when(session, ticket.applied_at)
        who = names.get(ticket.applied_by or 0, "—")
        done = _("{code} was already applied by {name} on {day} at {time}.")
    else:
        day, time = _when(session, ticket.cancelled_at)
        who = names.get(ticket.cancelled_by or 0, "—")
        done = _("{code} was cancelled by {name} on {day} at {time}.")
    message = done.format(code=ticket.code, name=who, day=day, time=time)
    raise RuleViolation(f"{message} {doing}", field="ticket")


def _write_lines(session: Session, ticket_id: int, lines: Sequence[TicketLineIn]) -> None:
    for line in lines:
        session.add(AdjustmentLine(ticket_id=ticket_id, customer_id=line.customer_id,
                                   points=line.points, tier_id=line.tier_id, note=line.note))
    session.flush()


def _lines_audit(lines: Sequence[TicketLineIn]) -> list[dict]:
    return [{"customer_id": x.customer_id, "points": x.points, "tier_id": x.tier_id,
             "note": x.note} for x in lines]


@boundary
def create_ticket(session: Session, *, staff_id: int, note: str = "", tags: str = "",
                  lines: list[TicketLineIn]) -> TicketDetail:
    """Save a new ticket as a draft ("waiting") with its next code (DC000001).

    Refused at its field: a note over 500 characters ("note"); a tag over 30, or the tags
    over 200 together ("tags"); no line ("lines"); a line of an unknown or deleted
    customer, a customer twice ("line<i>.customer"), no change or too many points, points
    for an excluded member ("line<i>.points"), an unknown or retired tier
    ("line<i>.tier").
    """
    staff = require_staff(session, staff_id)
    clean_note = _clean_note(note)
    clean_tags = _clean_tags(tags)
    clean = _check_lines(session, lines)
    ticket = AdjustmentTicket(code=codes.next_code(session, TICKET_CODES), note=clean_note,
                              tags=clean_tags, status=WAITING, created_at=clock.now(),
                              created_by=staff.id)
    session.add(ticket)
    session.flush()
    _write_lines(session, stored_id(ticket), clean)
    audit.record(session, staff_id=staff.id, action="create_ticket", entity="adjustment_ticket",
                 entity_id=ticket.id, after={"code": ticket.code, "note": clean_note,
                                             "tags": clean_tags, "lines": _lines_audit(clean)})
    return get_ticket(session, stored_id(ticket))


def _stored_lines(session: Session, ticket_id: int) -> list[TicketLineIn]:
    return [TicketLineIn(r.customer_id, r.points, r.tier_id, r.note) for r in session.execute(
        select(_L.c.customer_id, _L.c.points, _L.c.tier_id, _L.c.note)
        .where(_L.c.ticket_id == ticket_id).order_by(_L.c.id))]


@boundary
def update_ticket(session: Session, *, staff_id: int, ticket_id: int, note: str, tags: str,
                  lines: list[TicketLineIn]) -> TicketDetail:
    """Change a waiting ticket: its note, tags and lines (replaced whole), by the rules of
    :func:`create_ticket`. A ticket applied or cancelled is refused ("ticket")."""
    staff = require_staff(session, staff_id)
    ticket = _lock_ticket(session, ticket_id)
    _refuse_not_waiting(session, ticket, _("It can no longer be changed."))
    clean_note = _clean_note(note)
    clean_tags = _clean_tags(tags)
    clean = _check_lines(session, lines)
    before = {"note": ticket.note, "tags": ticket.tags,
              "lines": _lines_audit(_stored_lines(session, ticket_id))}
    ticket.note, ticket.tags = clean_note, clean_tags
    session.add(ticket)
    session.execute(delete(_L).where(_L.c.ticket_id == ticket_id))
    _write_lines(session, ticket_id, clean)
    audit.record(session, staff_id=staff.id, action="update_ticket", entity="adjustment_ticket",
                 entity_id=ticket_id, before=before,
                 after={"note": clean_note, "tags": clean_tags, "lines": _lines_audit(clean)})
    return get_ticket(session, ticket_id)


@boundary
def cancel_ticket(session: Session, *, staff_id: int, ticket_id: int) -> TicketDetail:
    """Cancel a waiting ticket (it stays in the list, read-only). A ticket applied or
    already cancelled is refused ("ticket")."""
    staff = require_staff(session, staff_id)
    ticket = _lock_ticket(session, ticket_id)
    _refuse_not_waiting(session, ticket, _("It can no longer be cancelled."))
    ticket.status = CANCELLED
    ticket.cancelled_at = clock.now()
    ticket.cancelled_by = staff.id
    session.add(ticket)
    session.flush()
    audit.record(session, staff_id=staff.id, action="cancel_ticket", entity="adjustment_ticket",
                 entity_id=ticket_id, before={"status": WAITING},
                 after={"status": CANCELLED, "code": ticket.code})
    return get_ticket(session, ticket_id)


def _reason(code: str, *notes: str) -> str:
    """The reason of what a ticket writes: its code, then the line's (or ticket's) note."""
    note = next((n for n in notes if n), "")
    text = f"{code} · {note}" if note else code
    return text if len(text) <= MAX_REASON else text[:MAX_REASON - 1] + "…"


def _refuse_unappliable(lines: Sequence[TicketLineIn], customers: dict[int, _Customer],
                        balances: dict[int, int], tiers: dict[int, tuple[str, bool]]) -> None:
    """Everything that would stop a line, checked for every line before anything is
    written: the whole ticket is refused, the customer named."""
    for line in lines:
        customer = customers.get(line.customer_id)
        if customer is None:  # pragma: no cover - a line's customer is never removed
            raise NotFound(_("No customer #{id}.").format(id=line.customer_id), field="lines")
        if customer.deleted:
            raise RuleViolation(_("{name} is deleted; restore them first. Nothing was "
                                  "applied.").format(name=customer.name), field="lines")
        if line.tier_id is not None:
            name, active = tiers.get(line.tier_id, ("#" + str(line.tier_id), False))
            if not active:
                raise RuleViolation(_("{name}: the tier {tier} is retired. Nothing was "
                                      "applied.").format(name=customer.name,
                                                         tier=quote(tier_label(name))),
                                    field="lines")
            if _holds(customer, line.tier_id, tiers):
                raise RuleViolation(_("{name} is already in {tier}. Nothing was applied.")
                                    .format(name=customer.name, tier=tier_label(name)),
                                    field="lines")
        if not line.points:
            continue
        if customer.member_state == MemberState.EXCLUDED:
            raise RuleViolation(_("{name} is excluded from the loyalty program: no points can "
                                  "be given or taken. Nothing was applied.").format(
                name=customer.name), field="lines")
        current = balances.get(customer.id, 0)
        if current + line.points < 0:
            raise RuleViolation(ngettext(
                "{name}: only {left} point left; cannot deduct {n}. Nothing was applied.",
                "{name}: only {left} points left; cannot deduct {n}. Nothing was applied.",
                current).format(name=customer.name, left=f"{current:,}", n=f"{-line.points:,}"),
                field="lines")


@boundary
def apply_ticket(session: Session, *, staff_id: int, ticket_id: int,
                 approved_by: int | None = None) -> TicketDetail:
    """Apply a waiting ticket (the apply_tickets permission, or a manager's approval:
    ``approved_by``), in the caller's transaction: for
    each line its points first, then its tier; every entry and tier change names the
    ticket. Refused whole, nothing written: a staff member whose role may not
    (NotPermitted), a
    ticket applied or cancelled, said with who did it and when ("ticket"), a line whose
    customer is deleted, excluded (for points) or would go below zero ("lines", the
    customer named)."""
    from salontui.store.ledger import post_entry
    from salontui.store.loyalty import tiers as tier_rules

    staff = require_staff(session, staff_id)
    ticket = _lock_ticket(session, ticket_id)
    _refuse_not_waiting(session, ticket, _("A ticket is applied only once."))
    lines = _stored_lines(session, ticket_id)
    if not lines:  # pragma: no cover - a ticket is saved with at least one line
        raise RuleViolation(_("The ticket has no lines."), field="lines")
    ids = [line.customer_id for line in lines]
    customers = _customers(session, ids, lock=True)
    balances = _balances(session, ids)
    _refuse_unappliable(lines, customers, balances, _tiers(session))
    approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                  permission=Permission.APPLY_TICKETS)
    code = ticket.code
    applied: list[dict] = []
    for line in lines:
        customer = customers[line.customer_id]
        reason = _reason(code, line.note, ticket.note)
        done: dict = {"customer_id": customer.id}
        try:
            if line.points:
                before = balances.get(customer.id, 0)
                entry_id = post_entry(session, customer_id=customer.id, account="points",
                                      amount=line.points, kind="adjust", reason=reason,
                                      ref_type=REF_TYPE, ref_id=ticket_id,
                                      operator_id=staff.id)
                audit.record(session, staff_id=staff.id, action="ticket_points",
                             entity="customer", entity_id=customer.id,
                             before={"points": before},
                             after={"points": before + line.points, "amount": line.points,
                                    "reason": reason, "entry_id": entry_id,
                                    "ticket_id": ticket_id}, approved_by=approver)
                done.update(points=line.points, points_before=before)
            if line.tier_id is not None:
                tier_rules.set_tier_by_hand(session, staff_id=staff.id, customer_id=customer.id,
                                            tier_id=line.tier_id, reason=reason,
                                            ticket_id=ticket_id)
                done["tier_id"] = line.tier_id
            else:
                tier_rules.refresh_tier(session, customer_id=customer.id, staff_id=staff.id,
                                        reason=reason, ticket_id=ticket_id)
        except SalonError as error:  # said with the customer it stopped at; nothing kept
            raise RuleViolation(_("{name}: {message} Nothing was applied.").format(
                name=customer.name, message=error.message), field="lines") from error
        applied.append(done)
    ticket.status = APPLIED
    ticket.applied_at = clock.now()
    ticket.applied_by = staff.id
    session.add(ticket)
    session.flush()
    audit.record(session, staff_id=staff.id, action="apply_ticket", entity="adjustment_ticket",
                 entity_id=ticket_id, before={"status": WAITING},
                 after={"status": APPLIED, "code": code, "lines": applied}, approved_by=approver)
    return get_ticket(session, ticket_id)
