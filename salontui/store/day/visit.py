"""Two hands on one visit (双重稽核): the technician records, the cashier collects.

Once the customer is checked in (``set_appointment_status(status="checked_in")``), the
technician who did the work, signed in as themselves at any desk, records on the visit
what was done: a service, a session redeemed from one of the customer's packages, a
product sold (with its quantity). Each line keeps who recorded it (``recorded_by``);
the cashier then opens the visit at the checkout, checks it and collects (the invoice
says who collected). Only a checked-in visit takes or loses lines: a booked one is
changed at the book (:func:`book.change_appointment`), a paid one is closed.

Recording a service (or a session of it) that was booked and not yet recorded takes that
booked line (the technician confirms what was planned, with its time) instead of adding
a second one, so the checkout never charges a booked service twice. Anything else is a
new line, after the visit's last timed one. A session is redeemed only from the
customer's own package in use whose plan covers the service (``plan_service``, as the
checkout offers them: a package of no plan covers none); the session itself is used when
the visit is paid. Every line recorded or removed is a row of the visit's history and an
audit row; the visit starts with its first timed line (a recorded one comes after the
others and never moves it; taking the first off moves the start to the next).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session

from salontui.i18n import _
from salontui.store import audit, clock
from salontui.store.bounds import boundary
from salontui.store.catalog import services_covered
from salontui.store.day.appointments import (
    AppointmentRow,
    add_event,
    get_appointment,
    load_appointment,
    status_words,
)
from salontui.store.errors import NotFound, RuleViolation, ValidationError
from salontui.store.models import AppointmentLine, CatalogItem, CustomerPackage, Staff
from salontui.store.numbers import NumberTexts, whole_number
from salontui.store.package_reads import IN_USE, PackageRow, list_packages
from salontui.store.packages import check_redeemable
from salontui.store.staff import require_staff

KINDS = ("service", "redeem", "product")
MAX_QUANTITY = 999  # as a checkout line (cart.MAX_QUANTITY)
MAX_LINES = 40
DEFAULT_MINUTES = 30


@dataclass(frozen=True)
class CoveringPackage:
    """A customer's package in use, with the services a session of it covers."""

    package: PackageRow
    service_ids: tuple[int, ...]

    def covers(self, service_id: int) -> bool:
        return covers(self.service_ids, service_id)


def covers(service_ids: tuple[int, ...], service_id: int) -> bool:
    """Whether a session of a plan covering ``service_ids`` pays ``service_id``."""
    return service_id in service_ids


@dataclass(frozen=True)
class VisitSheet:
    """What the recording dialog shows: the visit (its lines, who recorded each), its
    customer, who collected it (None until paid) and the packages a session may be
    redeemed from."""

    appointment: AppointmentRow
    customer_name: str
    collected_by: str | None
    packages: tuple[CoveringPackage, ...]


@boundary
def covering_packages(session: Session, *, customer_id: int,
                      service_id: int | None = None) -> list[CoveringPackage]:
    """The customer's packages in use (not cancelled by a refund), each with the services
    it covers; with ``service_id``, only those that cover it."""
    found = []
    packages = [p for p in list_packages(session, customer_id=customer_id)
                if p.status == IN_USE]
    covered = services_covered(session, (p.plan_id for p in packages))
    for package in packages:
        try:
            check_redeemable(session, package_id=package.id, customer_id=customer_id)
        except (NotFound, RuleViolation):
            continue
        covering = CoveringPackage(package, covered.get(package.plan_id or 0, ()))
        if service_id is None or covering.covers(service_id):
            found.append(covering)
    return found


@boundary
def visit_sheet(session: Session, *, appointment_id: int) -> VisitSheet:
    from salontui.store.customers import load_customer
    from salontui.store.models import Invoice

    row = get_appointment(session, appointment_id=appointment_id)
    customer = load_customer(session, row.customer_id)
    collected = None
    if row.invoice_id is not None:
        invoice = session.get(Invoice, row.invoice_id)
        staff = session.get(Staff, invoice.staff_id) if invoice and invoice.staff_id else None
        collected = staff.name if staff is not None else None
    packages = (tuple(covering_packages(session, customer_id=row.customer_id))
                if row.status == "checked_in" else ())
    return VisitSheet(appointment=row, customer_name=customer.name, collected_by=collected,
                      packages=packages)


def _checked_in(session: Session, appointment_id: int):
    row = load_appointment(session, appointment_id, lock=True)
    if row.status != "checked_in":
        if row.status == "booked":
            message = _("Check the customer in first: lines are recorded on a visit "
                        "that has arrived.")
        else:
            message = _("A {status} visit takes no more changes to its lines.").format(
                status=status_words(row.status))
        raise RuleViolation(message, field="status")
    return row


def _lines(session: Session, appointment_id: int) -> list[AppointmentLine]:
    return list(session.execute(
        select(AppointmentLine).where(
            AppointmentLine.appointment_id == appointment_id)  # type: ignore[arg-type]
        .order_by(AppointmentLine.position, AppointmentLine.id)  # type: ignore[arg-type]
    ).scalars())


def _item(session: Session, item_id: int, kind: str) -> CatalogItem:
    item = session.get(CatalogItem, item_id)
    wanted = "product" if kind == "product" else "service"
    if item is None or item.kind != wanted:
        raise NotFound(_("That is not a service of the catalogue.") if wanted == "service"
                       else _("That is not a product of the catalogue."), field="item")
    if not item.active:
        raise RuleViolation(_("{name} is retired from the catalogue.").format(
            name=item.name), field="item")
    return item


def _keep_start(session: Session, row, lines: list[AppointmentLine]) -> None:
    """The visit starts with its first timed line."""
    timed = [line.starts_at for line in lines if line.starts_at is not None]
    if timed and min(timed) != row.starts_at:
        row.starts_at = min(timed)
        session.add(row)


def _next_start(row, lines: list[AppointmentLine]) -> datetime:
    ends = [line.starts_at + timedelta(minutes=line.minutes) for line in lines
            if line.starts_at is not None]
    return max(ends, default=row.checked_in_at or clock.now())


def _describe(line: AppointmentLine, staff_name: str | None) -> str:
    text = line.label
    if line.kind == "redeem":
        text = _("{service} (session of package #{package})").format(
            service=line.label, package=line.package_id)
    if line.kind == "product" and line.quantity != 1:
        text = f"{line.label} ×{line.quantity}"
    return f"{text} · {staff_name}" if staff_name else text


def _snapshot(line: AppointmentLine) -> dict:
    return audit.snapshot(line, fields=("id", "position", "kind", "item_id", "package_id",
                                        "label", "staff_id", "starts_at", "minutes",
                                        "quantity", "recorded_by"))


@boundary
def record_line(session: Session, *, staff_id: int, appointment_id: int, kind: str,
                item_id: int, package_id: int | None = None, quantity: int = 1,
                staff_member_id: int | None = None) -> AppointmentRow:
    """Record on the checked-in visit a service done, a session redeemed (``package_id``,
    the service ``item_id``) or a product (``quantity``), done by ``staff_member_id``
    (when not given: the staff member a booked line names, else the recorder);
    ``staff_id`` is who records (signed in)."""
    recorder = require_staff(session, staff_id)
    if kind not in KINDS:
        raise ValidationError(_("Record a service, a session or a product."), field="kind")
    quantity = whole_number(quantity, field="quantity", low=1, high=MAX_QUANTITY,
                            texts=NumberTexts(
                                not_whole=_("The quantity must be a whole number."),
                                too_low=_("The quantity must be at least {low}."),
                                too_high=_("The quantity is at most {high}.")))
    if kind != "product" and quantity != 1:
        raise ValidationError(_("A service or a session is recorded one per line."),
                              field="quantity")
    if kind == "redeem" and package_id is None:
        raise ValidationError(_("Choose the package the session is redeemed from."),
                              field="package")
    if kind != "redeem" and package_id is not None:
        raise ValidationError(_("Only a session is redeemed from a package."),
                              field="package")
    named = (require_staff(session, staff_member_id, field="staff_member")
             if staff_member_id is not None else None)
    item = _item(session, item_id, kind)
    row = _checked_in(session, appointment_id)
    lines = _lines(session, appointment_id)
    if len(lines) >= MAX_LINES:
        raise RuleViolation(_("A visit has at most {limit} lines.").format(limit=MAX_LINES),
                            field="item")
    if kind == "redeem":
        assert package_id is not None  # refused above
        same = sum(1 for line in lines if line.kind == "redeem" and line.package_id == package_id)
        check_redeemable(session, package_id=package_id, customer_id=row.customer_id,
                         sessions=same + 1, field="package")
        package = session.get(CustomerPackage, package_id)
        assert package is not None  # check_redeemable found it
        if not covers(services_covered(session, [package.plan_id]).get(
                package.plan_id or 0, ()), item_id):
            raise RuleViolation(_("{package} does not cover {service}.").format(
                package=package.name, service=item.name), field="package")
    now = clock.now()
    booked = next((line for line in lines if kind != "product" and line.kind == "service"
                   and line.recorded_by is None and line.item_id == item_id), None)
    worker = named or recorder
    if booked is not None:  # what was booked, confirmed (by whom it was booked with)
        line = booked
        before = _snapshot(line)
        if named is None and line.staff_id is not None:
            worker = session.get(Staff, line.staff_id) or recorder
        line.kind = kind
        line.package_id = package_id
        line.staff_id = worker.id
    else:
        before = None
        timed = kind != "product"
        line = AppointmentLine(
            appointment_id=appointment_id, kind=kind, item_id=item_id, package_id=package_id,
            position=max((x.position for x in lines), default=0) + 1, label=item.name,
            staff_id=worker.id, starts_at=_next_start(row, lines) if timed else None,
            minutes=(item.duration_minutes or DEFAULT_MINUTES) if timed else 0,
            quantity=quantity, recorded_at=now)
    line.recorded_by = recorder.id
    line.recorded_at = now
    session.add(line)
    session.flush()
    _keep_start(session, row, _lines(session, appointment_id))
    add_event(session, appointment_id=appointment_id, staff_id=staff_id, change="recorded",
              note=_describe(line, worker.name))
    session.flush()
    audit.record(session, staff_id=staff_id, action="record_visit_line", entity="appointment",
                 entity_id=appointment_id, before=before, after=_snapshot(line))
    return get_appointment(session, appointment_id=appointment_id)


@boundary
def remove_line(session: Session, *, staff_id: int, line_id: int) -> AppointmentRow:
    """Take a line off the checked-in visit (recorded by mistake, or a booked service not
    done). A visit keeps at least one line."""
    require_staff(session, staff_id)
    line = session.get(AppointmentLine, line_id)
    if line is None:
        raise NotFound(_("That line is not on the visit any more."), field="line")
    appointment_id = line.appointment_id
    row = _checked_in(session, appointment_id)
    lines = _lines(session, appointment_id)
    line = next((x for x in lines if x.id == line_id), None)
    if line is None:  # removed at another desk while this one waited for the lock
        raise NotFound(_("That line is not on the visit any more."), field="line")
    if len(lines) == 1:
        raise RuleViolation(_("A visit keeps at least one line: record what was done "
                              "before taking this one off."), field="line")
    staff = session.get(Staff, line.staff_id) if line.staff_id is not None else None
    before = _snapshot(line)
    note = _describe(line, staff.name if staff is not None else None)
    session.delete(line)
    session.flush()
    _keep_start(session, row, [x for x in lines if x.id != line_id])
    add_event(session, appointment_id=appointment_id, staff_id=staff_id, change="removed",
              note=note)
    session.flush()
    audit.record(session, staff_id=staff_id, action="remove_visit_line", entity="appointment",
                 entity_id=appointment_id, before=before, after=None)
    return get_appointment(session, appointment_id=appointment_id)
