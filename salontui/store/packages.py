"""Service packages (course cards / 疗程卡 / gói dịch vụ): sell, redeem, extend,
freeze, resume, adjust and close, each with its row in the package's history.

Kinds: a *count* card (e.g. 5980 for 10 sessions), a *time* card (unlimited
use until expiry) and *gift* sessions (price 0). ``total_uses`` and ``used``
on the package row are running sums of its ``package_event`` deltas; every
operation writes its event, moves the columns by exactly the event's deltas
and writes one audit row. Remaining (total − used) and the status are worked
out when read, never stored:

* *closed*: closed early with a reason (:func:`close_package`, 关闭疗程); nothing else
  can be done with it;
* *reserved*: frozen today (``frozen_from <= today < frozen_until``);
* *expired*: today is after the expiry date;
* *used up*: a count or gift card with every session used;
* *in use*: anything else, and only then can a session be redeemed.

A refund of an invoice gives a redeemed session back (:func:`restore_session`)
or voids a package bought and not used (:func:`cancel_package`: no sessions
left, expired yesterday, and refused for every later action).

A session's value is an equal share of the price in minor units with the
rounding remainder on the last session, so the sessions add up to the price
exactly (5980 over 7: six of 854 and a last of 856).

The reads (the rows, their status and value, a package's history, the freeze and resume
expiries the dialogs show) are ``package_reads.py``; this module is the writes.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from salontui.i18n import _, ngettext
from salontui.store import audit, clock, rules
from salontui.store.admin.permissions import require_permission
from salontui.store.bounds import boundary, check_expiry
from salontui.store.customers import load_customer
from salontui.store.dates import date_hint, show_date
from salontui.store.db import for_update
from salontui.store.errors import NotFound, RuleViolation, ValidationError
from salontui.store.kinds import PackageChange, PackageKind, Permission
from salontui.store.models import CatalogItem, CustomerPackage, Invoice, PackageEvent
from salontui.store.money import MAX_AMOUNT_MINOR
from salontui.store.numbers import NumberTexts, whole_number
from salontui.store.package_reads import (
    CLOSED,
    ENTITY,
    EXPIRED,
    IN_USE,
    RESERVED,
    USED_UP,
    PackageEventRow,
    PackageRow,
    _freeze_days,
    _moved,
    _session_value,
    _to_row,
    package_history,
    per_session_values,
)
from salontui.store.rules import (
    expiry_from_validity,
    freeze,
    package_status,
    plan_sessions,
    sessions_left,
)
from salontui.store.staff import require_staff

PACKAGE_KINDS = tuple(PackageKind)
EVENT_CHANGES = tuple(PackageChange)

MAX_NAME = 120
MAX_NOTE = 250
MAX_SESSIONS = 1000


# --- validation helpers --------------------------------------------------------------------


def _clean_note(value: str | None, *, field: str = "note", required: str | None = None,
                too_long: str | None = None) -> str:
    """The note stripped. ``required`` is the message when it is empty and must not be;
    ``too_long`` the message (with ``{limit}``) when it is too long (default: the note's)."""
    text = (value or "").strip()
    if required and not text:
        raise ValidationError(required, field=field)
    if len(text) > MAX_NOTE:
        message = too_long or _("Note is longer than {limit} characters.")
        raise ValidationError(message.format(limit=MAX_NOTE), field=field)
    return text


def _sessions_texts() -> NumberTexts:
    return NumberTexts(
        not_whole=_("The number of sessions must be a whole number."),
        negative=_("The number of sessions cannot be negative."),
        too_low=_("The number of sessions must be at least {low}."),
        too_high=_("The number of sessions cannot be more than {high}."),
    )


def _date(value, *, field: str, message: str) -> date:
    """``value`` if it is a date; else ``message`` ("Enter the … date ({pattern} or
    YYYY-MM-DD)."), its pattern the salon's."""
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValidationError(message.format(pattern=date_hint()), field=field)
    return value


def _check_invoice(session: Session, invoice_id: int | None) -> None:
    if invoice_id is not None and session.get(Invoice, invoice_id) is None:
        raise NotFound(_("No invoice #{id}.").format(id=invoice_id), field="invoice")


def _load_for_write(session: Session, package_id: int) -> CustomerPackage:
    statement = for_update(select(CustomerPackage).where(CustomerPackage.id == package_id),
                           session)
    row = session.exec(statement).first()
    if row is None:
        raise NotFound(_("No package #{id}.").format(id=package_id), field="package")
    return row


def _status_of(row: CustomerPackage, today: date) -> str:
    return package_status(kind=row.kind, total_uses=row.total_uses, used=row.used,
                          expires_on=row.expires_on, frozen_from=row.frozen_from,
                          frozen_until=row.frozen_until, today=today, closed_on=row.closed_on)


def _closed_text(closed_on: date) -> str:
    return _("This package was closed on {date}.").format(date=show_date(closed_on))


def _refuse_closed(row: CustomerPackage) -> None:
    """A closed package takes no further action (extend, freeze, resume, adjust)."""
    if row.closed_on is not None:
        raise RuleViolation(_closed_text(row.closed_on), field="package")


def _why_not_in_use(row: CustomerPackage, status: str) -> str:
    if status == CLOSED:
        assert row.closed_on is not None  # closed: closed_on is set
        return _closed_text(row.closed_on)
    if status == RESERVED:
        assert row.frozen_until is not None  # reserved: frozen_from <= today < frozen_until
        return _("Package is reserved (frozen) until {date}.").format(
            date=show_date(row.frozen_until))
    if status == EXPIRED:
        return _("Package expired on {date}.").format(date=show_date(row.expires_on))
    return _("Package is used up.")


def _event(session: Session, row: CustomerPackage, *, change: str, operator_id: int,
           delta_total: int = 0, delta_used: int = 0, value: int = 0,
           old_expiry: date | None = None, new_expiry: date | None = None, note: str = "",
           service_staff_id: int | None = None, invoice_id: int | None = None) -> PackageEvent:
    """Append a history row and move the package's counters by exactly its deltas."""
    assert row.id is not None  # a stored package
    event = PackageEvent(
        package_id=row.id, created_at=clock.now(), change=change, delta_total=delta_total,
        delta_used=delta_used, value=value, old_expiry=old_expiry, new_expiry=new_expiry,
        note=note, operator_id=operator_id, service_staff_id=service_staff_id,
        invoice_id=invoice_id,
    )
    row.total_uses += delta_total
    row.used += delta_used
    session.add(event)
    session.add(row)
    return event


def _finish(session: Session, row: CustomerPackage, *, staff_id: int, action: str,
            before: dict | None, events: list[PackageEvent], today: date,
            audit_row: bool = True, approved_by: int | None = None) -> PackageRow:
    session.flush()
    if audit_row:
        after = audit.snapshot(row) | {"events": [event.id for event in events]}
        audit.record(session, staff_id=staff_id, action=action, entity=ENTITY,
                     entity_id=row.id, before=before, after=after, approved_by=approved_by)
    return _to_row(row, today)


# --- writing ------------------------------------------------------------------------------


@boundary
def sell_package(
    session: Session,
    *,
    staff_id: int,
    customer_id: int,
    plan_id: int | None = None,
    name: str | None = None,
    kind: str | None = None,
    price: int | None = None,
    total_uses: int | None = None,
    purchased_on: date | None = None,
    activated_on: date | None = None,
    expires_on: date | None = None,
    used: int = 0,
    note: str = "",
    invoice_id: int | None = None,
    backfill: bool = False,
) -> PackageRow:
    """Give a customer a package, from a catalog plan or from explicit fields.

    Explicit fields win over the plan's. ``used > 0`` back-fills a package bought
    before (e.g. 5980 for 10 sessions, 2 already used): a "sell" event for the
    sessions, then a "backfill" event for the used ones. A gift is free; a time
    card has no session count (unlimited use until expiry).

    ``backfill=True`` is the back-fill's own call (``books.backfill.apply_backfill``):
    a plan the salon no longer sells may be named (it was bought when it was sold),
    and the back-fill's audit row stands for this one (none is written here).
    """
    require_staff(session, staff_id)
    customer = load_customer(session, customer_id)
    if customer.deleted_at is not None:
        raise RuleViolation(_("This customer is deleted; restore them first."),
                            field="customer")
    today = clock.today()
    plan_days: int | None = None
    if plan_id is not None:
        plan = session.get(CatalogItem, plan_id)
        if plan is None or plan.kind != "package":
            raise NotFound(_("That package plan does not exist."), field="plan")
        if not plan.active and not backfill:
            raise RuleViolation(_("The plan '{name}' is no longer sold.").format(name=plan.name),
                                field="plan")
        name = plan.name if name is None else name
        kind = plan.package_kind if kind is None else kind
        price = plan.price if price is None else price
        if total_uses is None:
            total_uses = plan_sessions(kind=kind, sessions=plan.sessions)
        plan_days = plan.validity_days

    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_("Name is required."), field="name")
    if len(name) > MAX_NAME:
        raise ValidationError(_("Name is longer than {limit} characters.").format(limit=MAX_NAME),
                              field="name")
    if kind not in PACKAGE_KINDS:
        raise ValidationError(_("Choose the kind: count card, time card or gift."), field="kind")
    if kind == "gift":
        price = 0 if price is None else price
        if price != 0:
            raise ValidationError(_("A gift package is free: its price must be 0."),
                                  field="price")
    if price is None:
        raise ValidationError(_("Enter the price."), field="price")
    price = whole_number(price, field="price", low=0, high=MAX_AMOUNT_MINOR, texts=NumberTexts(
        not_whole=_("The price must be a whole number."),
        negative=_("The price cannot be negative."),
        too_high=_("The price cannot be more than {high}.")))
    if kind == "time":
        if total_uses:
            raise ValidationError(_("A time card has no session count: it is used any number "
                                    "of times until it expires."), field="total_uses")
        total_uses = 0
    else:
        if total_uses is None:
            raise ValidationError(_("Enter the number of sessions."), field="total_uses")
        total_uses = whole_number(total_uses, field="total_uses", texts=_sessions_texts(),
                                  low=1, high=MAX_SESSIONS)
    used = whole_number(used, field="used", low=0, high=MAX_SESSIONS, texts=NumberTexts(
        not_whole=_("Sessions already used must be a whole number."),
        negative=_("Sessions already used cannot be negative."),
        too_high=_("Sessions already used cannot be more than {high}.")))
    if kind != "time" and used > total_uses:
        raise ValidationError(_("Sessions already used cannot be more than the {total} "
                                "sessions of the package.").format(total=total_uses),
                              field="used")

    purchased_on = _date(purchased_on or today, field="purchased_on",
                         message=_("Enter the purchase date ({pattern} or YYYY-MM-DD)."))
    if purchased_on > today:
        raise ValidationError(_("The purchase date cannot be in the future."),
                              field="purchased_on")
    activated_on = _date(activated_on or purchased_on, field="activated_on",
                         message=_("Enter the activation date ({pattern} or YYYY-MM-DD)."))
    if activated_on < purchased_on:
        raise ValidationError(_("The activation date cannot be before the purchase date."),
                              field="activated_on")
    if expires_on is None and plan_days:
        expires_on = expiry_from_validity(activated_on=activated_on, validity_days=plan_days)
    if expires_on is None:
        raise ValidationError(_("Enter the expiry date."), field="expires_on")
    expires_on = _date(expires_on, field="expires_on",
                       message=_("Enter the expiry date ({pattern} or YYYY-MM-DD)."))
    if expires_on < today:
        raise ValidationError(_("The expiry date {date} is already past.").format(
            date=show_date(expires_on)), field="expires_on")
    if expires_on < activated_on:
        raise ValidationError(_("The expiry date cannot be before the activation date."),
                              field="expires_on")
    check_expiry(expires_on, field="expires_on", today=today)
    note = _clean_note(note)
    _check_invoice(session, invoice_id)

    row = CustomerPackage(
        customer_id=customer_id, plan_id=plan_id, name=name, kind=kind, price=price,
        purchased_on=purchased_on, activated_on=activated_on, expires_on=expires_on,
        total_uses=0, used=0, invoice_id=invoice_id, created_at=clock.now(),
    )
    session.add(row)
    session.flush()
    events = [_event(session, row, change="sell", operator_id=staff_id, delta_total=total_uses,
                     new_expiry=expires_on, note=note, invoice_id=invoice_id)]
    if used:
        events.append(_event(session, row, change="backfill", operator_id=staff_id,
                             delta_used=used, note=note))
    return _finish(session, row, staff_id=staff_id, action="sell_package", before=None,
                   events=events, today=today, audit_row=not backfill)


@boundary
def redeem_session(session: Session, *, staff_id: int, package_id: int, service_staff_id: int,
                   note: str = "", invoice_id: int | None = None) -> PackageEventRow:
    """Use one session of a package in use, recording who did the service.

    The event's value is this session's share of the price (remainder on the last
    session); a time card's redemptions are worth 0.
    """
    require_staff(session, staff_id)
    if service_staff_id is None:
        raise ValidationError(_("Choose the staff member who did the service."),
                              field="service_staff")
    require_staff(session, service_staff_id, field="service_staff")
    row = _load_for_write(session, package_id)
    note = _clean_note(note)
    _check_invoice(session, invoice_id)
    today = clock.today()
    status = _status_of(row, today)
    if status != IN_USE:
        _refuse_cancelled(session, row)
        raise RuleViolation(_why_not_in_use(row, status), field="package")
    before = audit.snapshot(row)
    value = _session_value(row.kind, row.price, row.total_uses, row.used)
    event = _event(session, row, change="redeem", operator_id=staff_id, delta_used=1,
                   value=value, note=note, service_staff_id=service_staff_id,
                   invoice_id=invoice_id)
    _finish(session, row, staff_id=staff_id, action="redeem_package", before=before,
            events=[event], today=today)
    return package_history(session, package_id=row.id)[0]


@boundary
def extend_package(session: Session, *, staff_id: int, package_id: int, new_expiry: date,
                   note: str, approved_by: int | None = None) -> PackageRow:
    """Move the expiry later (never before today, always after the current expiry)."""
    row = _load_for_write(session, package_id)
    _refuse_closed(row)
    _refuse_cancelled(session, row)
    new_expiry = _date(new_expiry, field="new_expiry",
                       message=_("Enter the new expiry date ({pattern} or YYYY-MM-DD)."))
    today = clock.today()
    if new_expiry < today:
        raise ValidationError(_("The new expiry cannot be before today ({date}).").format(
            date=show_date(today)), field="new_expiry")
    if new_expiry <= row.expires_on:
        raise ValidationError(_("The new expiry must be after the current expiry, {date}.")
                              .format(date=show_date(row.expires_on)), field="new_expiry")
    check_expiry(new_expiry, field="new_expiry", today=today)
    note = _clean_note(note, required=_("Note is required."))
    approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                  permission=Permission.ADJUST_PACKAGES)
    before = audit.snapshot(row)
    old_expiry = row.expires_on
    row.expires_on = new_expiry
    event = _event(session, row, change="extend", operator_id=staff_id, old_expiry=old_expiry,
                   new_expiry=new_expiry, note=note)
    return _finish(session, row, staff_id=staff_id, action="extend_package", before=before,
                   events=[event], today=today, approved_by=approver)


@boundary
def freeze_package(session: Session, *, staff_id: int, package_id: int, days: int | None = None,
                   until: date | None = None, note: str) -> PackageRow:
    """Reserve (freeze) a package from today for ``days`` days or until ``until``.

    The expiry moves out by the frozen days now, so the dialog can show it;
    resuming early gives the unused days back.
    """
    require_staff(session, staff_id)
    row = _load_for_write(session, package_id)
    _refuse_closed(row)
    _refuse_cancelled(session, row)
    today = clock.today()
    days = _freeze_days(days=days, until=until, today=today)
    note = _clean_note(note, required=_("Note is required."))
    status = _status_of(row, today)
    if status == RESERVED:
        assert row.frozen_until is not None  # reserved: frozen_from <= today < frozen_until
        raise RuleViolation(_("Package is already reserved (frozen) until {date}.").format(
            date=show_date(row.frozen_until)), field="package")
    if status != IN_USE:
        raise RuleViolation(_why_not_in_use(row, status), field="package")
    before = audit.snapshot(row)
    old_expiry = row.expires_on
    _moved(old_expiry, days)  # refuses an expiry that cannot move that far
    row.expires_on, row.frozen_from, row.frozen_until = freeze(expires_on=old_expiry,
                                                               today=today, days=days)
    event = _event(session, row, change="freeze", operator_id=staff_id, old_expiry=old_expiry,
                   new_expiry=row.expires_on, note=note)
    return _finish(session, row, staff_id=staff_id, action="freeze_package", before=before,
                   events=[event], today=today)


@boundary
def resume_package(session: Session, *, staff_id: int, package_id: int,
                   note: str = "") -> PackageRow:
    """End a freeze today. The unused frozen days come off the expiry again, so in
    the end the expiry has moved out by the days actually frozen."""
    require_staff(session, staff_id)
    row = _load_for_write(session, package_id)
    _refuse_closed(row)
    _refuse_cancelled(session, row)
    note = _clean_note(note)
    today = clock.today()
    if _status_of(row, today) != RESERVED:
        raise RuleViolation(_("Package is not frozen."), field="package")
    before = audit.snapshot(row)
    old_expiry = row.expires_on
    row.expires_on = rules.expiry_after_resume(expires_on=old_expiry,
                                               frozen_from=row.frozen_from,
                                               frozen_until=row.frozen_until, today=today)
    row.frozen_from = None
    row.frozen_until = None
    event = _event(session, row, change="resume", operator_id=staff_id, old_expiry=old_expiry,
                   new_expiry=row.expires_on, note=note)
    return _finish(session, row, staff_id=staff_id, action="resume_package", before=before,
                   events=[event], today=today)


@boundary
def adjust_package(session: Session, *, staff_id: int, package_id: int,
                   total_uses: int | None = None, used: int | None = None,
                   reason: str, approved_by: int | None = None) -> PackageRow:
    """Correct the session count or the sessions used, with a reason.

    Each changed figure is an event (adjust_total / adjust_used) carrying the delta.
    """
    row = _load_for_write(session, package_id)
    _refuse_closed(row)
    _refuse_cancelled(session, row)
    if total_uses is None and used is None:
        raise ValidationError(_("Enter the new number of sessions or of sessions used."),
                              field="total_uses")
    new_total = row.total_uses
    if total_uses is not None:
        if row.kind == "time":
            raise RuleViolation(_("A time card has no session count to adjust."),
                                field="total_uses")
        new_total = whole_number(total_uses, field="total_uses", texts=_sessions_texts(),
                                 low=1, high=MAX_SESSIONS)
    new_used = row.used
    if used is not None:
        new_used = whole_number(used, field="used", low=0, high=MAX_SESSIONS, texts=NumberTexts(
            not_whole=_("Sessions used must be a whole number."),
            negative=_("Sessions used cannot be negative."),
            too_high=_("Sessions used cannot be more than {high}.")))
    if row.kind != "time" and new_used > new_total:
        field = "used" if used is not None else "total_uses"
        raise ValidationError(_("Sessions used ({used}) cannot be more than the total "
                                "({total}).").format(used=new_used, total=new_total),
                              field=field)
    if new_total == row.total_uses and new_used == row.used:
        raise ValidationError(_("Nothing to change: the figures are the same as now."),
                              field="total_uses" if total_uses is not None else "used")
    reason = _clean_note(reason, field="reason", required=_("Reason is required."),
                         too_long=_("Reason is longer than {limit} characters."))
    approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                  permission=Permission.ADJUST_PACKAGES)
    today = clock.today()
    before = audit.snapshot(row)
    events = []
    if new_total != row.total_uses:
        events.append(_event(session, row, change="adjust_total", operator_id=staff_id,
                             delta_total=new_total - row.total_uses, note=reason))
    if new_used != row.used:
        events.append(_event(session, row, change="adjust_used", operator_id=staff_id,
                             delta_used=new_used - row.used, note=reason))
    return _finish(session, row, staff_id=staff_id, action="adjust_package", before=before,
                   events=events, today=today, approved_by=approver)


def value_left(kind: str, price: int, total_uses: int, used: int) -> int:
    """What the sessions not used yet are worth (the shares of the price they would
    recognise when redeemed); 0 for a time card, whose redemptions are worth nothing."""
    if kind == "time" or total_uses <= used:
        return 0
    return sum(per_session_values(price, total_uses)[used:])


@boundary
def close_package(session: Session, *, staff_id: int, package_id: int,
                  reason: str, approved_by: int | None = None) -> PackageRow:
    """Close a package early, with a reason (关闭疗程: the customer moved away, the course
    was changed for another…).

    Nothing is refunded and no figure moves: the package keeps its price, sessions and
    history, and its "close" event records what the sessions left were worth (the salon
    keeps that value; a refund of money is a refund of the invoice). From ``closed_on``
    (today) the package is *closed*: no session can be redeemed and it can no longer be
    extended, frozen, resumed or adjusted. An expired package may be closed (to say why
    it was never used up); a used-up one has nothing left to close, a closed one is
    closed already.
    """
    row = _load_for_write(session, package_id)
    _refuse_closed(row)
    _refuse_cancelled(session, row)
    today = clock.today()
    if _status_of(row, today) == USED_UP:
        raise RuleViolation(_("Package is used up: there is nothing left to close."),
                            field="package")
    reason = _clean_note(reason, field="reason", required=_("Reason is required."),
                         too_long=_("Reason is longer than {limit} characters."))
    approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                  permission=Permission.ADJUST_PACKAGES)
    before = audit.snapshot(row)
    row.closed_on = today
    event = _event(session, row, change="close", operator_id=staff_id, note=reason,
                   value=value_left(row.kind, row.price, row.total_uses, row.used))
    return _finish(session, row, staff_id=staff_id, action="close_package", before=before,
                   events=[event], today=today, approved_by=approver)


# --- refunds (used by the refund of an invoice) ---------------------------------------------


def _cancelled(session: Session, package_id: int) -> bool:
    """A package is cancelled once its purchase was refunded (a "refund" event that gave
    no session back)."""
    statement = sa_select(col(PackageEvent.id)).where(
        col(PackageEvent.package_id) == package_id, col(PackageEvent.change) == "refund",
        col(PackageEvent.delta_used) == 0).limit(1)
    return session.execute(statement).first() is not None


def _refuse_cancelled(session: Session, row: CustomerPackage) -> None:
    assert row.id is not None  # a stored package
    if _cancelled(session, row.id):
        raise RuleViolation(_("This package was cancelled by a refund."), field="package")


@boundary
def check_redeemable(session: Session, *, package_id: int, customer_id: int | None,
                     sessions: int = 1, field: str = "package") -> None:
    """Refuse, before anything is written, redeeming ``sessions`` of a package that is not
    this customer's or not in use (reserved, expired, used up, cancelled).

    The checkout quote calls it so a bad redemption line is refused at its field
    while the receptionist is still building the cart; :func:`redeem_session`
    checks again under the write lock.
    """
    row = session.get(CustomerPackage, package_id)
    if row is None or row.customer_id != customer_id:
        raise NotFound(_("That package is not this customer's."), field=field)
    status = _status_of(row, clock.today())
    if status != IN_USE:
        raise RuleViolation(_why_not_in_use(row, status), field=field)
    assert row.id is not None  # read from the database
    if _cancelled(session, row.id):
        raise RuleViolation(_("This package was cancelled by a refund."), field=field)
    left = sessions_left(kind=row.kind, total_uses=row.total_uses, used=row.used)
    if left is not None and sessions > left:
        raise RuleViolation(ngettext("Only {left} session left on this package.",
                                     "Only {left} sessions left on this package.",
                                     left).format(left=left), field=field)


@boundary
def restore_session(session: Session, *, staff_id: int, package_id: int,
                    invoice_id: int | None = None, note: str = "") -> PackageEventRow:
    """Give back one used session (the refund of a redemption), whatever the status.

    The event's value takes back what the last session used recognised.
    """
    require_staff(session, staff_id)
    row = _load_for_write(session, package_id)
    note = _clean_note(note)
    _check_invoice(session, invoice_id)
    if row.used < 1:
        raise RuleViolation(_("No used session to give back on this package."),
                            field="package")
    today = clock.today()
    before = audit.snapshot(row)
    value = -_session_value(row.kind, row.price, row.total_uses, row.used - 1)
    event = _event(session, row, change="refund", operator_id=staff_id, delta_used=-1,
                   value=value, note=note, invoice_id=invoice_id)
    _finish(session, row, staff_id=staff_id, action="restore_session", before=before,
            events=[event], today=today)
    return package_history(session, package_id=row.id)[0]


@boundary
def cancel_package(session: Session, *, staff_id: int, package_id: int,
                   invoice_id: int | None = None, note: str = "") -> PackageRow:
    """Void a package whose purchase is refunded: only if none of its sessions was used.

    Its sessions go to 0, any freeze ends and it expires yesterday, so it shows as
    expired and can no longer be redeemed, extended, frozen or adjusted.
    """
    require_staff(session, staff_id)
    row = _load_for_write(session, package_id)
    note = _clean_note(note)
    _check_invoice(session, invoice_id)
    if row.used > 0:
        raise RuleViolation(ngettext(
            "{used} session of this package was used; give it back first.",
            "{used} sessions of this package were used; give those back first.",
            row.used).format(used=row.used), field="package")
    _refuse_cancelled(session, row)
    today = clock.today()
    before = audit.snapshot(row)
    old_expiry = row.expires_on
    row.expires_on = min(old_expiry, today - timedelta(days=1))
    row.frozen_from = None
    row.frozen_until = None
    event = _event(session, row, change="refund", operator_id=staff_id,
                   delta_total=-row.total_uses, old_expiry=old_expiry,
                   new_expiry=row.expires_on, note=note, invoice_id=invoice_id)
    return _finish(session, row, staff_id=staff_id, action="cancel_package", before=before,
                   events=[event], today=today)



# --- back-fills (books/backfill.py) ----------------------------------------------------------


@boundary
def reverse_backfilled_package(session: Session, *, staff_id: int, package_id: int,
                               used_at_backfill: int, note: str = "",
                               audit_row: bool = True) -> PackageRow:
    """Undo a package brought in by a wrong back-fill: one "reverse" event takes its
    sessions (total and used) to nothing, any freeze ends, and it is closed today.

    Refused (nothing written) when the package has been used since it was back-filled
    (more sessions used than the back-fill said: give them back or close the package
    instead), or is already closed or cancelled."""
    require_staff(session, staff_id)
    row = _load_for_write(session, package_id)
    _refuse_closed(row)
    _refuse_cancelled(session, row)
    note = _clean_note(note, field="reason", too_long=_("Reason is longer than {limit} "
                                                        "characters."))
    since = row.used - used_at_backfill
    if since > 0:
        raise RuleViolation(ngettext(
            "{n} session of this package was used since it was back-filled: it cannot be "
            "reversed. Adjust or close the package instead.",
            "{n} sessions of this package were used since it was back-filled: it cannot be "
            "reversed. Adjust or close the package instead.", since).format(n=since),
            field="package")
    today = clock.today()
    before = audit.snapshot(row)
    row.closed_on = today
    row.frozen_from = None
    row.frozen_until = None
    event = _event(session, row, change="reverse", operator_id=staff_id,
                   delta_total=-row.total_uses, delta_used=-row.used, note=note,
                   value=value_left(row.kind, row.price, row.total_uses, row.used))
    return _finish(session, row, staff_id=staff_id, action="reverse_backfill_package",
                   before=before, events=[event], today=today, audit_row=audit_row)
