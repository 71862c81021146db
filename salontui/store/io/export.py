"""The exports: members (the customer list's filter), invoices (one row per line) and
packages (one row per package), to ``.xlsx`` or ``.csv`` through :mod:`.sheet_writer`.

Each reads in one read session, a page at a time (keyset pages: memory stays flat at
100,000 customers), and hands its rows to the writer as a generator: the file is written
as the rows are read. ``progress(done, total)`` is called as rows are written (``total``
counted first); an exception raised from it stops the export and leaves no file.

* **Members**: the customers :class:`CustomerFilter` matches (the customer list's own
  filter and conditions, :func:`customer_list.conditions`), in the order they were
  created: code, name, phone, member state, tier, points, ranking spend (what ranks them:
  :func:`loyalty.tiers.ranking_spend`'s one SQL, over the salon's rolling period), stored
  value (every card), debt, last visit (the salon's day of their latest invoice) and the
  day they were added.
* **Invoices** from one day to another (the salon's calendar days), oldest first: one row
  per line with the invoice's code, time, customer, kind, the line's kind, description,
  quantity, unit price, discount and amount, the technician and the cashier, and the
  payment methods of the invoice (and the branch, for a chain).
* **Packages**: every package of every customer, by customer: the customer, the package,
  its kind and status today, sessions total / used / left, price, what the next session is
  worth, the days bought, activated and expiring, and a reservation (freeze) if any.

Phones are written as the desk's people type them: a number of the salon's own country
in its national digits (``0935320888``), any other in full (``+8613800000000``); either
way text in the spreadsheet.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import DateTime, bindparam, func, select, text, tuple_
from sqlmodel import Session

from salontui.i18n import _
from salontui.store import clock
from salontui.store.admin.permissions import require_permission
from salontui.store.bounds import boundary
from salontui.store.day.times import day_bounds, salon_day, salon_offset
from salontui.store.errors import ValidationError
from salontui.store.io.sheet_writer import (
    Column,
    ColumnKind,
    WriteResult,
    check_target,
    write_table,
)
from salontui.store.kinds import (
    INVOICE_KIND_LABELS,
    LINE_KIND_LABELS,
    MEMBER_STATE_LABELS,
    PACKAGE_KIND_LABELS,
    PACKAGE_STATUS_LABELS,
    MemberState,
    Permission,
)
from salontui.store.loyalty.customer_list import CustomerFilter, conditions
from salontui.store.models import (
    Customer,
    CustomerPackage,
    Invoice,
    InvoiceLine,
    Payment,
    Staff,
    table_of,
)
from salontui.store.names import tier_label
from salontui.store.settings import get_settings

PAGE = 1000  # customers (or packages) a read
INVOICE_PAGE = 500  # invoices a read (their lines and payments follow)

Progress = Callable[[int, int], object]  # (rows written, rows in all)

_C = table_of(Customer)
_I = table_of(Invoice)
_L = table_of(InvoiceLine)
_P = table_of(Payment)
_S = table_of(Staff)
_K = table_of(CustomerPackage)


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int
    format: str  # "xlsx" or "csv"

    @classmethod
    def of(cls, written: WriteResult) -> ExportResult:
        return cls(path=written.path, rows=written.rows, format=written.format)


# -- shared ---------------------------------------------------------------------------------


def _label(labels, value: str | None) -> str:
    """A stored kind or status in the desk's language (as stored when it has no label)."""
    if not value:
        return ""
    found = next((label for key, label in labels.items() if key == value), None)
    return _(found) if found else value


def _member_state(state: str) -> str:
    if state == MemberState.ACTIVE:
        return _("active")
    return _label(MEMBER_STATE_LABELS, state)


class _Phones:
    """E.164 as people type it: national digits at home, the full number from abroad."""

    def __init__(self, session: Session) -> None:
        import phonenumbers

        region = get_settings(session).phone_region or "VN"
        code = phonenumbers.country_code_for_region(region)
        self.home = f"+{code}" if code else None

    def __call__(self, e164: str | None, national: str | None) -> str:
        if not e164:
            return ""
        if self.home and national and e164.startswith(self.home):
            return national
        return e164


def _moment(value) -> datetime | None:
    """A time as a text query hands it back (SQLite: ISO text; PostgreSQL: a datetime)."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


def _day(value: datetime | None, offset: timedelta) -> date | None:
    return None if value is None else salon_day(value, offset)


def _relay(progress: Progress | None, total: int) -> Callable[[int], object] | None:
    if progress is None:
        return None
    progress(0, total)
    return lambda done: progress(done, max(total, done))


def export_target(path: str | Path, *, overwrite: bool = False) -> Path:
    """The file an export would write, or a refusal at the field ``path`` (what the desk
    asks before it starts: an unknown extension, a missing or unwritable folder, a file
    that is there)."""
    return check_target(path, overwrite=overwrite)


# -- members --------------------------------------------------------------------------------


def member_columns() -> list[Column]:
    return [
        Column(_("Code")), Column(_("Name")), Column(_("Phone"), ColumnKind.PHONE),
        Column(_("Member state")), Column(_("Tier")),
        Column(_("Points"), ColumnKind.INTEGER),
        Column(_("Ranking spend"), ColumnKind.MONEY),
        Column(_("Stored value"), ColumnKind.MONEY), Column(_("Debt"), ColumnKind.MONEY),
        Column(_("Last visit"), ColumnKind.DATE), Column(_("Created"), ColumnKind.DATE),
    ]


def _member_sql(topup_spend: str) -> str:
    from salontui.store.loyalty.tiers import ranking_spend_sql

    ranking = re.sub(r":c\b", "customer.id", ranking_spend_sql(topup_spend))
    balance = ("(SELECT coalesce(sum(amount), 0) FROM ledger_entry "
               "WHERE account = '{account}' AND customer_id = customer.id)")
    return f"""
SELECT customer.id, customer.code, customer.name, customer.phone, customer.phone_national,
  customer.member_state, customer.tier, customer.created_at,
  (SELECT max(created_at) FROM invoice WHERE customer_id = customer.id),
  {balance.format(account="points")}, ({ranking}), {balance.format(account="value")},
  {balance.format(account="debt")}
FROM customer WHERE customer.id IN :ids ORDER BY customer.id"""


def member_rows(session: Session, wanted: CustomerFilter, *,
                today: date | None = None) -> Iterator[tuple]:
    """The rows of :func:`member_columns` for every customer ``wanted`` matches, a page at
    a time (the filter is checked before the first row)."""
    from salontui.store.loyalty.tiers import get_tier_settings, ranking_window

    where = conditions(session, wanted, today=today)
    offset = salon_offset(session)
    phone = _Phones(session)
    statement = text(_member_sql(get_tier_settings(session).topup_spend)).bindparams(
        bindparam("ids", expanding=True), bindparam("since", type_=DateTime()),
        bindparam("until", type_=DateTime()))
    window = ranking_window(session)

    def rows() -> Iterator[tuple]:
        last = 0
        while True:
            ids = [int(i) for i in session.execute(
                select(_C.c.id).where(*where, _C.c.id > last).order_by(_C.c.id).limit(PAGE)
            ).scalars()]
            if not ids:
                return
            last = ids[-1]
            for r in session.execute(statement, {"ids": ids, **window}):
                yield (r[1], r[2], phone(r[3], r[4]), _member_state(r[5]), tier_label(r[6]),
                       int(r[9]), int(r[10]), int(r[11]), int(r[12]),
                       _day(_moment(r[8]), offset), _day(_moment(r[7]), offset))

    return rows()


@boundary
def export_members(session: Session, *, staff_id: int, path: str | Path,
                   wanted: CustomerFilter | None = None, overwrite: bool = False,
                   progress: Progress | None = None, today: date | None = None,
                   approved_by: int | None = None) -> ExportResult:
    """Write the members ``wanted`` matches (every customer: None) to ``path``, for
    ``staff_id`` (the export permission, or a manager's approval: ``approved_by``)."""
    from salontui.store.loyalty.customer_list import count_customers

    wanted = wanted or CustomerFilter()
    check_target(path, overwrite=overwrite)
    require_permission(session, staff_id=staff_id, permission=Permission.EXPORT,
                       approved_by=approved_by)
    rows = member_rows(session, wanted, today=today)
    total = count_customers(session, wanted, today=today) if progress is not None else 0
    return ExportResult.of(write_table(
        path, member_columns(), rows, title=_("Members"),
        exponent=get_settings(session).currency_exponent, overwrite=overwrite,
        progress=_relay(progress, total), read_ahead=True))


# -- invoices -------------------------------------------------------------------------------


def invoice_columns(*, branches: bool = False) -> list[Column]:
    return [
        Column(_("Code")), Column(_("Date"), ColumnKind.DATETIME),
        *([Column(_("Branch"))] if branches else []),
        Column(_("Customer code")), Column(_("Customer")),
        Column(_("Phone"), ColumnKind.PHONE), Column(_("Kind")), Column(_("Line")),
        Column(_("Description")), Column(_("Quantity"), ColumnKind.INTEGER),
        Column(_("Unit price"), ColumnKind.MONEY), Column(_("Discount"), ColumnKind.MONEY),
        Column(_("Amount"), ColumnKind.MONEY), Column(_("Technician")),
        Column(_("Cashier")), Column(_("Payment methods")),
    ]


def _invoice_range(session: Session, date_from: date, date_to: date
                   ) -> tuple[datetime, datetime]:
    for value, field in ((date_from, "date_from"), (date_to, "date_to")):
        if not isinstance(value, date) or isinstance(value, datetime):
            raise ValidationError(_("Enter a date."), field=field)
    if date_to < date_from:
        raise ValidationError(_("The end date is before the start date."), field="date_to")
    offset = salon_offset(session)
    return day_bounds(date_from, offset)[0], day_bounds(date_to, offset)[1]


def _count_lines(session: Session, start: datetime, end: datetime) -> int:
    return int(session.execute(
        select(func.count()).select_from(_L.join(_I, _I.c.id == _L.c.invoice_id))
        .where(_I.c.created_at >= start, _I.c.created_at < end)).scalar_one())


def invoice_rows(session: Session, *, date_from: date, date_to: date,
                 branches: dict[int, str] | None = None) -> Iterator[tuple]:
    """The rows of :func:`invoice_columns` (with the branch when ``branches`` names more
    than one) for the invoices from ``date_from`` to ``date_to``, oldest first."""
    from salontui.store.admin.methods import label_of, method_labels

    start, end = _invoice_range(session, date_from, date_to)
    offset = salon_offset(session)
    phone = _Phones(session)
    labels = method_labels(session)
    with_branch = branches is not None and len(branches) > 1
    first_branch = min(branches) if branches else None
    line_staff = _S.alias("line_staff")

    def rows() -> Iterator[tuple]:
        after: tuple[datetime, int] | None = None
        while True:
            page = select(_I.c.id).where(_I.c.created_at >= start, _I.c.created_at < end)
            if after is not None:
                page = page.where(tuple_(_I.c.created_at, _I.c.id) > tuple_(*after))
            ids = [int(i) for i in session.execute(
                page.order_by(_I.c.created_at, _I.c.id).limit(INVOICE_PAGE)).scalars()]
            if not ids:
                return
            heads = session.execute(
                select(_I.c.id, _I.c.code, _I.c.created_at, _I.c.kind, _C.c.code, _C.c.name,
                       _C.c.phone, _C.c.phone_national, _S.c.name, _I.c.branch_id, _I.c.total)
                .select_from(_I.outerjoin(_C, _C.c.id == _I.c.customer_id)
                             .outerjoin(_S, _S.c.id == _I.c.staff_id))
                .where(_I.c.id.in_(ids)).order_by(_I.c.created_at, _I.c.id)).all()
            after = (heads[-1][2], heads[-1][0])
            lines: dict[int, list] = {}
            for line in session.execute(
                    select(_L.c.invoice_id, _L.c.kind, _L.c.description, _L.c.quantity,
                           _L.c.unit_price, _L.c.discount, _L.c.amount, line_staff.c.name)
                    .select_from(_L.outerjoin(line_staff, line_staff.c.id == _L.c.staff_id))
                    .where(_L.c.invoice_id.in_(ids)).order_by(_L.c.invoice_id, _L.c.id)):
                lines.setdefault(line[0], []).append(line)
            methods: dict[int, list[str]] = {}
            for invoice_id, method in session.execute(
                    select(_P.c.invoice_id, _P.c.method).where(_P.c.invoice_id.in_(ids))
                    .order_by(_P.c.invoice_id, _P.c.id)):
                named = methods.setdefault(invoice_id, [])
                label = label_of(labels, method)
                if label not in named:
                    named.append(label)
            for (invoice_id, code, created_at, kind, customer_code, customer_name, e164,
                 national, cashier, branch_id, total) in heads:
                head = [code, created_at + offset]
                if with_branch and branches is not None:
                    head.append(branches.get(branch_id or first_branch or 0, ""))
                head += [customer_code or "", customer_name or "", phone(e164, national),
                         _label(INVOICE_KIND_LABELS, kind)]
                paid = ", ".join(methods.get(invoice_id, []))
                own = lines.get(invoice_id) or []
                if not own:  # (no invoice is written without lines; said all the same)
                    yield (*head, "", "", None, None, None, total, "", cashier or "", paid)
                for line in own:
                    yield (*head, _label(LINE_KIND_LABELS, line[1]), line[2], line[3],
                           line[4], line[5], line[6], line[7] or "", cashier or "", paid)

    return rows()


@boundary
def export_invoices(session: Session, *, staff_id: int, path: str | Path, date_from: date,
                    date_to: date, overwrite: bool = False, progress: Progress | None = None,
                    approved_by: int | None = None) -> ExportResult:
    """Write one row per line of the invoices from ``date_from`` to ``date_to`` (the
    salon's days, both included) to ``path``, for ``staff_id`` (the export permission, or
    a manager's approval: ``approved_by``)."""
    from salontui.store.branches import list_branches

    start, end = _invoice_range(session, date_from, date_to)
    check_target(path, overwrite=overwrite)
    require_permission(session, staff_id=staff_id, permission=Permission.EXPORT,
                       approved_by=approved_by)
    branches = {b.id: b.name for b in list_branches(session, include_inactive=True)}
    rows = invoice_rows(session, date_from=date_from, date_to=date_to, branches=branches)
    total = _count_lines(session, start, end) if progress is not None else 0
    return ExportResult.of(write_table(
        path, invoice_columns(branches=len(branches) > 1), rows, title=_("Invoices"),
        exponent=get_settings(session).currency_exponent, overwrite=overwrite,
        progress=_relay(progress, total), read_ahead=True))


# -- packages -------------------------------------------------------------------------------


def package_columns() -> list[Column]:
    return [
        Column(_("Customer code")), Column(_("Customer")),
        Column(_("Phone"), ColumnKind.PHONE), Column(_("Package")), Column(_("Kind")),
        Column(_("Status")), Column(_("Total"), ColumnKind.INTEGER),
        Column(_("Used"), ColumnKind.INTEGER), Column(_("Left"), ColumnKind.INTEGER),
        Column(_("Price"), ColumnKind.MONEY),
        Column(_("Per session"), ColumnKind.MONEY),
        Column(_("Bought"), ColumnKind.DATE), Column(_("Activated"), ColumnKind.DATE),
        Column(_("Expires"), ColumnKind.DATE),
        Column(_("Reserved from"), ColumnKind.DATE),
        Column(_("Reserved until"), ColumnKind.DATE),
    ]


def package_rows(session: Session, *, today: date | None = None) -> Iterator[tuple]:
    """The rows of :func:`package_columns`: every package, by customer."""
    from salontui.store.package_reads import package_row

    today = today or salon_day(clock.now(), salon_offset(session))
    phone = _Phones(session)
    columns = (_K.c.id, _K.c.customer_id, _K.c.name, _K.c.kind, _K.c.price,
               _K.c.purchased_on, _K.c.activated_on, _K.c.expires_on, _K.c.total_uses,
               _K.c.used, _K.c.frozen_from, _K.c.frozen_until, _K.c.plan_id,
               _K.c.invoice_id, _K.c.closed_on)
    names = [c.name for c in columns]

    def rows() -> Iterator[tuple]:
        after: tuple[int, int] | None = None
        while True:
            page = (select(*columns, _C.c.code, _C.c.name, _C.c.phone, _C.c.phone_national)
                    .select_from(_K.join(_C, _C.c.id == _K.c.customer_id)))
            if after is not None:
                page = page.where(tuple_(_K.c.customer_id, _K.c.id) > tuple_(*after))
            found = session.execute(
                page.order_by(_K.c.customer_id, _K.c.id).limit(PAGE)).all()
            if not found:
                return
            after = (found[-1][1], found[-1][0])
            for r in found:
                p = package_row(today=today, **dict(zip(names, r[:len(columns)], strict=True)))
                counted = p.kind != "time"
                reserved = p.frozen_from is not None and p.frozen_until is not None
                yield (r[-4], r[-3], phone(r[-2], r[-1]), p.name,
                       _label(PACKAGE_KIND_LABELS, p.kind),
                       _label(PACKAGE_STATUS_LABELS, p.status),
                       p.total_uses if counted else None, p.used,
                       p.remaining, p.price, p.per_session_value, p.purchased_on,
                       p.activated_on, p.expires_on, p.frozen_from if reserved else None,
                       p.frozen_until if reserved else None)

    return rows()


@boundary
def export_packages(session: Session, *, staff_id: int, path: str | Path,
                    overwrite: bool = False, progress: Progress | None = None,
                    today: date | None = None, approved_by: int | None = None
                    ) -> ExportResult:
    """Write every customer's packages, one row each, to ``path``, for ``staff_id`` (the
    export permission, or a manager's approval: ``approved_by``)."""
    check_target(path, overwrite=overwrite)
    require_permission(session, staff_id=staff_id, permission=Permission.EXPORT,
                       approved_by=approved_by)
    rows = package_rows(session, today=today)
    total = (int(session.execute(select(func.count()).select_from(_K)).scalar_one())
             if progress is not None else 0)
    return ExportResult.of(write_table(
        path, package_columns(), rows, title=_("Packages"),
        exponent=get_settings(session).currency_exponent, overwrite=overwrite,
        progress=_relay(progress, total), read_ahead=True))
