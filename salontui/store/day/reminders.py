"""The reminders due at the desk: whom to call today, and why.

Four kinds, each computed by the salon's calendar day (its UTC offset, ``times.py``),
whatever the server's clock says:

* *callback*: a paid visit whose follow-up chose "callback" (``next_step``) and whose
  ``next_reminder_at`` falls on the day or before it (overdue ones stay until done);
* *birthday*: a customer (not deleted) whose birthday falls in the seven days from the
  day, across the turn of the year; a 29 February birthday is kept on 28 February in a
  year without one;
* *expiry*: a package in use on the day (not used up, reserved or closed: the rules of
  ``rules.package_status``) whose expiry falls within the salon's ``reminder_days``
  (14 by default) from the day, the day itself included;
* *debt*: a customer (not deleted) whose debt ledger sums to more than zero, largest
  first (one grouped scan of the ledger's covering index).

A reminder is taken off the list by :func:`mark_reminder_done`: a care note saying what
was done (a call, an SMS or another kind of care, with a note), a ``reminder_done`` row
and an audit row. What a reminder was about is its *subject*, so it comes back only when
that changes: a callback is its appointment; a birthday, the customer and the year; an
expiry, the package and its expiry date (a package extended comes back when its new date
nears); a debt, the customer and the latest entry of their debt ledger (paying part of it
or adding to it brings the reminder back).

Callbacks are the branch's (their visit's); birthdays, packages and debt are the
customer's, shared by the whole chain.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from sqlalchemy import String, and_, cast, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from salontui.i18n import N_, _, ngettext
from salontui.store import audit, clock
from salontui.store.bounds import MAX_DATE, MIN_DATE, boundary
from salontui.store.care import insert_care_note
from salontui.store.dates import show_date
from salontui.store.day.times import day_bounds, salon_day, salon_offset
from salontui.store.errors import NotFound, RuleViolation, ValidationError
from salontui.store.kinds import CareType, PackageStatus
from salontui.store.models import (
    Appointment,
    Customer,
    CustomerPackage,
    LedgerEntry,
    ReminderDone,
    Staff,
    stored_id,
    table_of,
)
from salontui.store.money import format_money
from salontui.store.rules import package_status, sessions_left
from salontui.store.settings import get_settings
from salontui.store.staff import require_staff


class ReminderKind(StrEnum):
    CALLBACK = "callback"
    BIRTHDAY = "birthday"
    EXPIRY = "expiry"
    DEBT = "debt"


REMINDER_KINDS = tuple(ReminderKind)

# The reminders list's kind column and its filter.
REMINDER_KIND_LABELS = {
    ReminderKind.CALLBACK: N_("Call back"), ReminderKind.BIRTHDAY: N_("Birthday"),
    ReminderKind.EXPIRY: N_("Expiring"), ReminderKind.DEBT: N_("Debt"),
}

# What was done about a reminder, as the desk offers it; each is written as a care note
# of the care type it maps to ("other" is plain care).
DONE_CARE_TYPES = {"call": CareType.CALL, "sms": CareType.SMS, "other": CareType.CARE}

BIRTHDAY_DAYS = 7  # "this week": the day and the six after it
DEFAULT_REMINDER_DAYS = 14
DEFAULT_LIMIT = 200  # rows of each kind
MAX_LIMIT = 2000
MAX_NOTE = 4000  # a care note's description
MAX_TITLE = 120  # a care note's title
CHUNK = 500  # ids per IN (...) list

_A = table_of(Appointment)
_C = table_of(Customer)
_P = table_of(CustomerPackage)
_LE = table_of(LedgerEntry)
_D = table_of(ReminderDone)
_S = table_of(Staff)


@dataclass(frozen=True)
class ReminderRow:
    """One reminder due: who, why and since when.

    ``when`` is the callback's day, the birthday this year (or next, in the last days of
    December), the package's expiry, or the day of the latest debt entry. ``ref_id`` is
    the appointment, package or latest debt entry it is about (None for a birthday);
    ``amount`` the debt owed (minor units) or, for a package, its sessions left."""

    kind: str
    subject: str
    customer_id: int
    customer_name: str
    phone: str
    what: str
    when: date
    ref_id: int | None = None
    amount: int | None = None

    @property
    def key(self) -> str:
        """Unique in a list: the kind and the subject."""
        return f"{self.kind}/{self.subject}"


@dataclass(frozen=True)
class ReminderCounts:
    """How many reminders of each kind are due (none left out by a limit)."""

    callback: int = 0
    birthday: int = 0
    expiry: int = 0
    debt: int = 0

    @property
    def total(self) -> int:
        return self.callback + self.birthday + self.expiry + self.debt

    def of(self, kind: str) -> int:
        return int(getattr(self, ReminderKind(kind).value))


@dataclass(frozen=True)
class DoneReminder:
    """A reminder marked done, with the care note that records it."""

    id: int
    kind: str
    subject: str
    customer_id: int
    care_note_id: int
    care_type: str


def kind_label(kind: str) -> str:
    """A reminder's kind as the desk says it."""
    label = REMINDER_KIND_LABELS.get(kind)  # type: ignore[call-overload]
    return _(label) if label else kind


# -- the day's list ---------------------------------------------------------------------


def _chunks(values: Sequence, size: int = CHUNK) -> Iterable[Sequence]:
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _done(session: Session, kind: str, subjects: Sequence[str]) -> set[str]:
    """Which of ``subjects`` of ``kind`` are done (the unique index of kind, subject)."""
    if not subjects:
        return set()
    if len(subjects) > CHUNK:  # a long list: every done subject of the kind at once
        statement = select(_D.c.subject).where(_D.c.kind == kind)
        found = set(session.execute(statement).scalars())
        return found & set(subjects)
    done: set[str] = set()
    for chunk in _chunks(list(subjects)):
        done.update(session.execute(select(_D.c.subject).where(
            _D.c.kind == kind, _D.c.subject.in_(chunk))).scalars())
    return done


def _branch_condition(session: Session, branch_id: int | None):
    """Appointments of ``branch_id`` (None: every branch; NULL is the first branch's)."""
    if branch_id is None:
        return None
    from salontui.store.branches import first_branch_id

    if branch_id == first_branch_id(session):
        return or_(_A.c.branch_id == branch_id, _A.c.branch_id.is_(None))
    return _A.c.branch_id == branch_id


def _callbacks_where(session: Session, day: date, branch_id: int | None) -> list:
    """Visits whose callback falls on ``day`` or before, of customers not deleted, not
    done (the done row's subject is the visit's id: one lookup of its unique index)."""
    _start, end = day_bounds(day, salon_offset(session))
    done = (select(_D.c.id).where(_D.c.kind == ReminderKind.CALLBACK,
                                  _D.c.subject == cast(_A.c.id, String))
            .correlate(_A).exists())
    conditions = [_A.c.next_step == "callback", _A.c.next_reminder_at.is_not(None),
                  _A.c.next_reminder_at < end, _C.c.deleted_at.is_(None), ~done]
    branch = _branch_condition(session, branch_id)
    if branch is not None:
        conditions.append(branch)
    return conditions


def _callbacks(session: Session, day: date, branch_id: int | None,
               limit: int) -> list[ReminderRow]:
    offset = salon_offset(session)
    statement = (
        select(_A.c.id, _A.c.customer_id, _C.c.name, _C.c.phone, _A.c.next_reminder_at,
               _A.c.next_focus, _A.c.starts_at)
        .select_from(_A.join(_C, _C.c.id == _A.c.customer_id))
        .where(*_callbacks_where(session, day, branch_id))
        .order_by(_A.c.next_reminder_at, _A.c.id)
        .limit(limit)
    )
    locale = get_settings(session).locale
    rows = []
    for aid, cid, name, phone, remind_at, focus, starts_at in session.execute(statement):
        what = " ".join((focus or "").split()) or _(
            "Call back after the visit of {day}").format(
            day=show_date(salon_day(starts_at, offset), locale))
        rows.append(ReminderRow(kind=ReminderKind.CALLBACK, subject=str(aid),
                                customer_id=cid, customer_name=name, phone=phone, what=what,
                                when=salon_day(remind_at, offset), ref_id=aid))
    return rows


def _count_callbacks(session: Session, day: date, branch_id: int | None) -> int:
    statement = (select(func.count()).select_from(_A.join(_C, _C.c.id == _A.c.customer_id))
                 .where(*_callbacks_where(session, day, branch_id)))
    return int(session.execute(statement).scalar_one())


def birthday_window(day: date, days: int = BIRTHDAY_DAYS) -> dict[tuple[int, int], date]:
    """(month, day) of a birthday → the day it is kept in the ``days`` days from ``day``:
    across the turn of the year, and 29 February on 28 February in a year without one."""
    window: dict[tuple[int, int], date] = {}
    for step in range(days):
        when = day + timedelta(days=step)
        window[(when.month, when.day)] = when
        if (when.month, when.day) == (2, 28):
            try:
                date(when.year, 2, 29)
            except ValueError:  # no 29 February this year: its birthdays are kept today
                window[(2, 29)] = when
    return window


def _month_day(session: Session):
    """A birthday's month and day as "MM-DD", in SQL: one pass over the customers. SQLite
    stores a date as its ISO text, whose characters 6 to 10 these are (twice as fast as
    ``strftime`` on every row at 100,000 customers); PostgreSQL says it with ``to_char``."""
    if session.get_bind().dialect.name == "sqlite":
        return func.substr(_C.c.birthday, 6, 5)
    return func.to_char(_C.c.birthday, "MM-DD")


def _birthdays(session: Session, day: date) -> list[ReminderRow]:
    window = birthday_window(day)
    keys = sorted(f"{m:02d}-{d:02d}" for m, d in window)
    statement = (
        select(_C.c.id, _C.c.name, _C.c.phone, _C.c.birthday)
        .where(_C.c.deleted_at.is_(None), _C.c.birthday.is_not(None),
               _month_day(session).in_(keys))
    )
    rows = []
    for cid, name, phone, birthday in session.execute(statement):
        when = window.get((birthday.month, birthday.day))
        if when is None:  # the engine and Python disagree on a date: never listed wrong
            continue
        age = when.year - birthday.year
        what = (_("Birthday: turns {age}").format(age=age) if 0 < age < 130
                else _("Birthday"))
        rows.append(ReminderRow(kind=ReminderKind.BIRTHDAY, subject=f"{cid}:{when.year}",
                                customer_id=cid, customer_name=name, phone=phone, what=what,
                                when=when))
    rows.sort(key=lambda r: (r.when, r.customer_name, r.customer_id))
    return rows


def _reminder_days(session: Session) -> int:
    days = get_settings(session).reminder_days
    return days if isinstance(days, int) and days >= 0 else DEFAULT_REMINDER_DAYS


def _expiring(session: Session, day: date) -> list[ReminderRow]:
    last = min(day + timedelta(days=_reminder_days(session)), MAX_DATE)
    statement = (
        select(_P.c.id, _P.c.customer_id, _C.c.name, _C.c.phone, _P.c.name, _P.c.kind,
               _P.c.total_uses, _P.c.used, _P.c.expires_on, _P.c.frozen_from,
               _P.c.frozen_until, _P.c.closed_on)
        .select_from(_P.join(_C, _C.c.id == _P.c.customer_id))
        .where(_P.c.expires_on >= day, _P.c.expires_on <= last, _P.c.closed_on.is_(None),
               or_(_P.c.kind == "time", _P.c.used < _P.c.total_uses),
               _C.c.deleted_at.is_(None))
        .order_by(_P.c.expires_on, _C.c.name, _P.c.id)
    )
    rows = []
    for (pid, cid, name, phone, package, kind, total, used, expires_on, frozen_from,
         frozen_until, closed_on) in session.execute(statement):
        status = package_status(kind=kind, total_uses=total, used=used, expires_on=expires_on,
                                frozen_from=frozen_from, frozen_until=frozen_until, today=day,
                                closed_on=closed_on)
        if status != PackageStatus.IN_USE:
            continue
        left = sessions_left(kind=kind, total_uses=total, used=used)
        what = (ngettext("{package}: {n} session left", "{package}: {n} sessions left",
                         left).format(package=package, n=left)
                if left is not None else package)
        rows.append(ReminderRow(kind=ReminderKind.EXPIRY,
                                subject=f"{pid}:{expires_on.isoformat()}", customer_id=cid,
                                customer_name=name, phone=phone, what=what, when=expires_on,
                                ref_id=pid, amount=left))
    return rows


def _debtors(session: Session) -> list[tuple[int, int, int]]:
    """(customer, debt, latest debt entry) of every customer owing, largest debt first:
    one grouped scan of the ledger's (customer, account, …, amount) index."""
    total = func.sum(_LE.c.amount)
    statement = (
        select(_LE.c.customer_id, total, func.max(_LE.c.id))
        .where(_LE.c.account == "debt")
        .group_by(_LE.c.customer_id)
        .having(total > 0)
    )
    found = [(cid, int(owed), int(latest)) for cid, owed, latest in session.execute(statement)]
    found.sort(key=lambda r: (-r[1], r[0]))
    return found


def _debts(session: Session, *, limit: int | None) -> tuple[list[ReminderRow], int]:
    """The customers owing (not done, not deleted), largest first, the first ``limit``
    of them as rows; and how many there are."""
    debtors = _debtors(session)
    done = _done(session, ReminderKind.DEBT, [f"{cid}:{latest}" for cid, _o, latest in debtors])
    debtors = [r for r in debtors if f"{r[0]}:{r[2]}" not in done]
    if debtors:  # the deleted are few: one pass, not an IN list per 500 debtors
        deleted = set(session.execute(
            select(_C.c.id).where(_C.c.deleted_at.is_not(None))).scalars())
        debtors = [r for r in debtors if r[0] not in deleted]
    shown = debtors if limit is None else debtors[:limit]
    if not shown:
        return [], len(debtors)
    people = {cid: (name, phone) for cid, name, phone in session.execute(
        select(_C.c.id, _C.c.name, _C.c.phone).where(_C.c.id.in_([r[0] for r in shown])))}
    offset = salon_offset(session)
    since = {eid: at for eid, at in session.execute(select(_LE.c.id, _LE.c.created_at).where(
        _LE.c.id.in_([r[2] for r in shown])))}
    settings = get_settings(session)
    said: dict[int, str] = {}  # Babel takes ~0.1 ms an amount; debts repeat amounts
    rows = []
    for cid, owed, latest in shown:
        name, phone = people[cid]
        money = said.get(owed) or said.setdefault(owed, format_money(
            owed, currency=settings.currency, exponent=settings.currency_exponent,
            locale=settings.locale))
        rows.append(ReminderRow(kind=ReminderKind.DEBT, subject=f"{cid}:{latest}",
                                customer_id=cid, customer_name=name, phone=phone,
                                what=_("Owes {amount}").format(amount=money),
                                when=salon_day(since[latest], offset), ref_id=latest,
                                amount=owed))
    return rows, len(debtors)


def _not_done(session: Session, kind: str, rows: list[ReminderRow]) -> list[ReminderRow]:
    done = _done(session, kind, [r.subject for r in rows])
    return [r for r in rows if r.subject not in done]


def _the_day(session: Session, day: date | None) -> date:
    return day if day is not None else salon_day(clock.now(), salon_offset(session))


def _kinds(kinds: list[str] | None) -> tuple[str, ...]:
    if kinds is None:
        return REMINDER_KINDS
    for kind in kinds:
        if kind not in REMINDER_KINDS:
            raise ValidationError(_("A reminder is one of {kinds}.").format(
                kinds=", ".join(REMINDER_KINDS)), field="kind")
    return tuple(k for k in REMINDER_KINDS if k in kinds)


@boundary
def reminders_due(session: Session, day: date | None = None, branch_id: int | None = None,
                  limit: int = DEFAULT_LIMIT, kinds: list[str] | None = None
                  ) -> list[ReminderRow]:
    """The reminders due on the salon's calendar ``day`` (None: the salon's today), not yet
    done: callbacks (oldest first), birthdays (by day), packages expiring (by expiry),
    then debts (largest first), at most ``limit`` of each kind. ``branch_id`` narrows the
    callbacks to a branch's visits (None: every branch); ``kinds`` to some kinds."""
    if not 0 < limit <= MAX_LIMIT:
        raise ValidationError(_("Ask for between 1 and {n} reminders.").format(n=MAX_LIMIT),
                              field="limit")
    wanted = _kinds(kinds)
    the_day = _the_day(session, day)
    rows: list[ReminderRow] = []
    if ReminderKind.CALLBACK in wanted:
        rows += _callbacks(session, the_day, branch_id, limit)
    if ReminderKind.BIRTHDAY in wanted:
        rows += _not_done(session, ReminderKind.BIRTHDAY, _birthdays(session, the_day))[:limit]
    if ReminderKind.EXPIRY in wanted:
        rows += _not_done(session, ReminderKind.EXPIRY, _expiring(session, the_day))[:limit]
    if ReminderKind.DEBT in wanted:
        rows += _debts(session, limit=limit)[0]
    return rows


@boundary
def count_reminders_due(session: Session, day: date | None = None,
                        branch_id: int | None = None) -> ReminderCounts:
    """How many reminders of each kind :func:`reminders_due` would list without a limit."""
    the_day = _the_day(session, day)
    return ReminderCounts(
        callback=_count_callbacks(session, the_day, branch_id),
        birthday=len(_not_done(session, ReminderKind.BIRTHDAY, _birthdays(session, the_day))),
        expiry=len(_not_done(session, ReminderKind.EXPIRY, _expiring(session, the_day))),
        debt=_debts(session, limit=0)[1],
    )


@dataclass(frozen=True)
class ReminderList:
    """The reminders list of one day: the rows (at most a limit of each kind) and how many
    of each kind are due in all."""

    day: date
    rows: tuple[ReminderRow, ...]
    counts: ReminderCounts


@boundary
def reminder_list(session: Session, day: date | None = None, branch_id: int | None = None,
                  limit: int = DEFAULT_LIMIT) -> ReminderList:
    """:func:`reminders_due` with :func:`count_reminders_due`, each kind read once (the
    desk's reminders screen)."""
    if not 0 < limit <= MAX_LIMIT:
        raise ValidationError(_("Ask for between 1 and {n} reminders.").format(n=MAX_LIMIT),
                              field="limit")
    the_day = _the_day(session, day)
    callbacks = _callbacks(session, the_day, branch_id, limit)
    birthdays = _not_done(session, ReminderKind.BIRTHDAY, _birthdays(session, the_day))
    expiring = _not_done(session, ReminderKind.EXPIRY, _expiring(session, the_day))
    debts, owing = _debts(session, limit=limit)
    counts = ReminderCounts(
        callback=(len(callbacks) if len(callbacks) < limit
                  else _count_callbacks(session, the_day, branch_id)),
        birthday=len(birthdays), expiry=len(expiring), debt=owing)
    return ReminderList(day=the_day, counts=counts,
                        rows=(*callbacks, *birthdays[:limit], *expiring[:limit], *debts))


# -- marking one done -------------------------------------------------------------------


def _subject_parts(kind: str, subject: str) -> tuple[int, ...] | tuple[int, date]:
    """A subject's ids (and a package's expiry), or a ValidationError at "subject"."""
    wrong = ValidationError(_("This reminder's subject is not valid."), field="subject")
    text = subject.strip()
    if len(text) > 60:
        raise wrong
    try:
        if kind == ReminderKind.CALLBACK:
            return (int(text),)
        first, sep, second = text.partition(":")
        if not sep:
            raise wrong
        if kind == ReminderKind.EXPIRY:
            return int(first), date.fromisoformat(second)
        return int(first), int(second)
    except ValueError:
        raise wrong from None


def _check_subject(session: Session, kind: str, subject: str, customer_id: int) -> str:
    """What the reminder is about, checked against the database: the customer's own
    visit (with a callback), package, year, or latest debt entry. Returns the care note's
    title."""
    parts = _subject_parts(kind, subject)
    not_theirs = ValidationError(_("This reminder is not about this customer."),
                                 field="subject")
    settings = get_settings(session)
    if kind == ReminderKind.CALLBACK:
        visit = session.get(Appointment, parts[0])
        if visit is None or visit.next_step != "callback":
            raise NotFound(_("No callback for visit #{id}.").format(id=parts[0]),
                           field="subject")
        if visit.customer_id != customer_id:
            raise not_theirs
        focus = " ".join((visit.next_focus or "").split())
        return _("Call back: {focus}").format(focus=focus) if focus else _("Call back")
    first, second = parts[0], parts[1]
    if kind == ReminderKind.BIRTHDAY:
        year = int(second)  # type: ignore[arg-type]
        if first != customer_id:
            raise not_theirs
        if not MIN_DATE.year <= year <= MAX_DATE.year:
            raise ValidationError(_("This reminder's subject is not valid."), field="subject")
        return _("Birthday wishes {year}").format(year=year)
    if kind == ReminderKind.EXPIRY:
        package = session.get(CustomerPackage, first)
        if package is None:
            raise NotFound(_("No package #{id}.").format(id=first), field="subject")
        if package.customer_id != customer_id:
            raise not_theirs
        assert isinstance(second, date)
        return _("Package expiring {day}: {package}").format(
            day=show_date(second, settings.locale), package=package.name)
    if first != customer_id:
        raise not_theirs
    entry = session.get(LedgerEntry, second)
    if entry is None or entry.account != "debt" or entry.customer_id != customer_id:
        raise NotFound(_("No debt entry #{id} of this customer.").format(id=second),
                       field="subject")
    owed = int(session.execute(select(func.coalesce(func.sum(_LE.c.amount), 0)).where(
        _LE.c.customer_id == customer_id, _LE.c.account == "debt")).scalar_one())
    money = format_money(owed, currency=settings.currency, exponent=settings.currency_exponent,
                         locale=settings.locale)
    return _("Debt reminder: owes {amount}").format(amount=money)


@boundary
def mark_reminder_done(session: Session, *, staff_id: int, kind: str, subject: str,
                       customer_id: int, care_type: str, note: str = "") -> DoneReminder:
    """Take a reminder off the list: a care note (``care_type`` call, sms or other, which
    is written as plain care; the note as its description, the title said from the
    reminder), the ``reminder_done`` row and one audit row. Refused, with nothing written:
    an unknown kind or care type, a note over 4,000 characters, a subject that is not this
    customer's, a deleted customer, and a reminder already done (by whom and when)."""
    staff = require_staff(session, staff_id)
    if kind not in REMINDER_KINDS:
        raise ValidationError(_("A reminder is one of {kinds}.").format(
            kinds=", ".join(REMINDER_KINDS)), field="kind")
    type_ = DONE_CARE_TYPES.get((care_type or "").strip().lower())
    if type_ is None:
        raise ValidationError(_("Say what was done: {types}.").format(
            types=", ".join(DONE_CARE_TYPES)), field="care_type")
    text = (note or "").strip()
    if len(text) > MAX_NOTE:
        raise ValidationError(_("The note is longer than {limit} characters.").format(
            limit=MAX_NOTE), field="note")
    customer = session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(_("No customer #{id}.").format(id=customer_id), field="customer")
    if customer.deleted_at is not None:
        raise RuleViolation(_("{name} is deleted; restore them first.").format(
            name=customer.name), field="customer")
    subject = subject.strip()
    title = _check_subject(session, kind, subject, customer_id)
    _refuse_done(session, kind, subject)
    title = title if len(title) <= MAX_TITLE else title[:MAX_TITLE - 1] + "…"
    care = insert_care_note(session, staff_id=staff.id, customer_id=customer_id, type=type_,
                            title=title, description=text)
    row = ReminderDone(kind=kind, subject=subject, customer_id=customer_id,
                       care_note_id=care.id, staff_id=staff.id, done_at=clock.now())
    try:
        with session.begin_nested():  # another desk marked it done a moment ago
            session.add(row)
            session.flush()
    except IntegrityError:
        _refuse_done(session, kind, subject)
        raise RuleViolation(_("This reminder is already done."), field="kind") from None
    audit.record(session, staff_id=staff.id, action="reminder_done", entity="reminder_done",
                 entity_id=row.id,
                 after={"kind": kind, "subject": subject, "customer_id": customer_id,
                        "care_note_id": care.id, "care_type": str(type_), "note": text})
    return DoneReminder(id=stored_id(row), kind=kind, subject=subject,
                        customer_id=customer_id, care_note_id=stored_id(care),
                        care_type=str(type_))


def _refuse_done(session: Session, kind: str, subject: str) -> None:
    found = session.execute(
        select(_D.c.done_at, _S.c.name).select_from(_D.outerjoin(_S, _S.c.id == _D.c.staff_id))
        .where(and_(_D.c.kind == kind, _D.c.subject == subject))).first()
    if found is None:
        return
    done_at, name = found
    moment = done_at + salon_offset(session)
    raise RuleViolation(_("This reminder was already done by {name} on {day} at "
                          "{time}.").format(name=name or "—",
                                            day=show_date(moment.date()),
                                            time=moment.strftime("%H:%M")), field="kind")
