"""The service catalog: services, products and package plans (count, time, gift).

The checkout finds items by code or by any word of the name, ignoring
diacritics, through the same folded-name index the customer search uses; the
back office lists, adds, edits, retires and deletes them here.

An item's price and name are read when a line is sold and copied onto the invoice,
so changing them changes what is sold next, never an invoice, a receipt or a package
already sold (a package keeps its own copy of its terms). For the same reason an item
that was ever sold is never deleted, only retired: its invoice lines point at it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import cast

from sqlalchemy import text
from sqlmodel import Session, col, select

from salontui.i18n import _
from salontui.store import audit, codes
from salontui.store.admin.permissions import require_permission
from salontui.store.bounds import MAX_QUERY, boundary
from salontui.store.db import fetch_all, for_update
from salontui.store.errors import NotFound, RuleViolation, ValidationError
from salontui.store.kinds import PackageKind, Permission
from salontui.store.models import CatalogItem, CustomerPackage, InvoiceLine, PlanService, stored_id
from salontui.store.money import MAX_AMOUNT_MINOR
from salontui.store.numbers import NumberTexts, whole_number
from salontui.store.text import clean_line, fold, prefix_upper_bound, quote

ITEM_KINDS = ("service", "product", "package")
PACKAGE_KINDS = tuple(PackageKind)
MAX_NAME = 120
MAX_CODE = 20
MAX_CATEGORY = 60
MAX_SESSIONS = 1000
MAX_VALIDITY_DAYS = 3660
MAX_DURATION = 1440  # minutes: a whole day
MAX_PLAN_SERVICES = 200
SEARCH_LIMIT = 500
MAX_SERIES_DIGITS = 9
_CODE_SHAPE = re.compile(r"[A-Z0-9][A-Z0-9._-]*")


@dataclass(frozen=True)
class CatalogRow:
    id: int
    code: str
    name: str
    kind: str
    price: int
    package_kind: str | None
    sessions: int | None
    validity_days: int | None
    active: bool
    category: str = ""
    duration_minutes: int | None = None  # services
    commission_percent: int | None = None  # services
    cost_price: int | None = None  # products
    track_stock: bool = False  # products
    can_leave: bool = False  # products
    # Package plans: the services a session covers (ids and codes, in code order).
    service_ids: tuple[int, ...] = ()
    service_codes: tuple[str, ...] = ()


# The columns before ``active`` (a row of a text query is typed as a tuple of any length).
_CatalogColumns = tuple[int, str, str, str, int, str | None, int | None, int | None]
_COLUMNS = ("id, code, name, kind, price, package_kind, sessions, validity_days, active, "
            "category, duration_minutes, commission_percent, cost_price, track_stock, can_leave")


def _from_sql(r) -> CatalogRow:
    """A row of ``_COLUMNS`` (booleans come back as 0/1 from SQLite's driver)."""
    return CatalogRow(*cast(_CatalogColumns, r[:8]), bool(r[8]), category=r[9] or "",
                      duration_minutes=r[10], commission_percent=r[11], cost_price=r[12],
                      track_stock=bool(r[13]), can_leave=bool(r[14]))


def _plain(row: CatalogItem, services: list[tuple[int, str]] | None = None) -> CatalogRow:
    services = services or []
    return CatalogRow(id=stored_id(row), code=row.code, name=row.name, kind=row.kind,
                      price=row.price, package_kind=row.package_kind, sessions=row.sessions,
                      validity_days=row.validity_days, active=row.active,
                      category=row.category or "", duration_minutes=row.duration_minutes,
                      commission_percent=row.commission_percent, cost_price=row.cost_price,
                      track_stock=bool(row.track_stock), can_leave=bool(row.can_leave),
                      service_ids=tuple(i for i, _c in services),
                      service_codes=tuple(c for _i, c in services))


def services_covered(session: Session, plan_ids: Iterable[int | None]
                     ) -> dict[int, tuple[int, ...]]:
    """What a session of each plan pays for: the services its ``plan_service`` rows name
    (a plan naming none, and a package of no plan, cover nothing). The one rule of "this
    package covers that service" for the technician's record and the visit's checkout."""
    wanted = sorted({p for p in plan_ids if p is not None})
    return {plan: tuple(i for i, _c in services)
            for plan, services in _plan_services(session, wanted).items()}


def _plan_services(session: Session, plan_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    """The services each plan covers: {plan id: [(service id, code)…]} in code order."""
    found: dict[int, list[tuple[int, str]]] = {}
    if not plan_ids:
        return found
    statement = (select(PlanService.plan_id, CatalogItem.id, CatalogItem.code)
                 .join(CatalogItem, col(CatalogItem.id) == col(PlanService.service_id))
                 .where(col(PlanService.plan_id).in_(plan_ids))
                 .order_by(col(CatalogItem.code)))
    for plan_id, service_id, code in session.exec(statement):
        found.setdefault(plan_id, []).append((cast(int, service_id), code))
    return found


def _with_services(session: Session, rows: list[CatalogRow]) -> list[CatalogRow]:
    plans = _plan_services(session, [r.id for r in rows if r.kind == "package"])
    if not plans:
        return rows
    return [replace(r, service_ids=tuple(i for i, _c in plans[r.id]),
                    service_codes=tuple(c for _i, c in plans[r.id])) if r.id in plans else r
            for r in rows]


def _full(session: Session, row: CatalogItem) -> CatalogRow:
    item_id = stored_id(row)
    services = _plan_services(session, [item_id]).get(item_id) if row.kind == "package" else None
    return _plain(row, services)


# -- the rules of one item --------------------------------------------------------------------


def _validate_package(kind: str, package_kind: str | None, sessions: int | None,
                      validity_days: int | None, price: int) -> None:
    if kind != "package":
        if package_kind or sessions:
            raise ValidationError(_("Only a package plan has sessions."), field="sessions")
        if validity_days:
            raise ValidationError(_("Only a package plan has a validity."),
                                  field="validity_days")
        return
    if package_kind not in PACKAGE_KINDS:
        raise ValidationError(_("A package plan is a count, time or gift card."),
                              field="package_kind")
    if package_kind in ("count", "gift") and not (sessions and 0 < sessions <= MAX_SESSIONS):
        raise ValidationError(_("Sessions must be 1 to {max}.").format(max=MAX_SESSIONS),
                              field="sessions")
    if package_kind == "time" and sessions:
        raise ValidationError(_("A time card has no session count."), field="sessions")
    if package_kind == "gift" and price != 0:
        raise ValidationError(_("A gift package has price 0."), field="price")
    if not (validity_days and 0 < validity_days <= MAX_VALIDITY_DAYS):
        raise ValidationError(_("Validity must be 1 to {max} days.").format(max=MAX_VALIDITY_DAYS),
                              field="validity_days")


def _clean_name(name: str) -> str:
    return clean_line(name, field="name", limit=MAX_NAME, required=_("Name is required."),
                      too_long=_("Name is longer than {limit} characters."))


def _clean_category(category: str) -> str:
    return clean_line(category, field="category", limit=MAX_CATEGORY,
                      too_long=_("The category is longer than {limit} characters."))


def _clean_price(price: int) -> int:
    return whole_number(price, field="price", high=MAX_AMOUNT_MINOR, texts=NumberTexts(
        not_whole=_("The price must be a whole amount."),
        negative=_("Price cannot be negative."), too_high=_("The price is too large.")))


def _clean_code(session: Session, code: str | None, *, item_id: int | None = None) -> str:
    """The code as stored (upper case), checked: its shape and that no other item has it.
    Empty: the next DV number."""
    code = (code or "").strip().upper()
    if not code:
        return codes.next_code(session, codes.CATALOG)
    if len(code) > MAX_CODE or not _CODE_SHAPE.fullmatch(code):
        raise ValidationError(_("A code is up to {limit} letters A-Z, digits, dots, dashes or "
                                "underscores, without spaces.").format(limit=MAX_CODE),
                              field="code")
    other = session.exec(select(CatalogItem.id).where(CatalogItem.code == code)).first()
    if other is not None and other != item_id:
        raise ValidationError(_("Code {code} is already used.").format(code=quote(code)),
                              field="code")
    counter, prefix, _width = codes.CATALOG
    number = code[len(prefix):]
    if code.startswith(prefix) and number.isdigit():
        # A code typed in the DV series moves the counter past it, so the next
        # automatic code does not run into it (the counter is a 32-bit column).
        if len(number) > MAX_SERIES_DIGITS:
            raise ValidationError(_("A code of the {prefix} series has at most {digits} "
                                    "digits.").format(prefix=prefix, digits=MAX_SERIES_DIGITS),
                                  field="code")
        codes.set_counter(session, counter, int(number))
    return code


@dataclass(frozen=True)
class _Extras:
    """The fields of one kind of item, checked (the others None/False)."""

    duration_minutes: int | None = None
    commission_percent: int | None = None
    cost_price: int | None = None
    track_stock: bool = False
    can_leave: bool = False


def _extras(kind: str, *, duration_minutes: int | None, commission_percent: int | None,
            cost_price: int | None, track_stock: bool, can_leave: bool,
            service_ids: list[int] | None) -> _Extras:
    if kind != "service":
        if duration_minutes is not None:
            raise ValidationError(_("Only a service has a duration."), field="duration_minutes")
        if commission_percent is not None:
            raise ValidationError(_("Only a service has a commission."),
                                  field="commission_percent")
    if kind != "product":
        if cost_price is not None:
            raise ValidationError(_("Only a product has a cost price."), field="cost_price")
        if track_stock:
            raise ValidationError(_("Only a product is kept in stock."), field="track_stock")
        if can_leave:
            raise ValidationError(_("Only a product can be left at the salon."),
                                  field="can_leave")
    if kind != "package" and service_ids:
        raise ValidationError(_("Only a package plan covers services."), field="services")
    if duration_minutes is not None:
        between = _("The duration must be 1 to {max} minutes.").format(max=MAX_DURATION)
        whole_number(duration_minutes, field="duration_minutes", low=1, high=MAX_DURATION,
                     texts=NumberTexts(not_whole=_("The duration must be whole minutes."),
                                       negative=_("The duration cannot be negative."),
                                       too_low=between, too_high=between))
    if commission_percent is not None:
        between = _("The commission must be 0 to 100 %.")
        whole_number(commission_percent, field="commission_percent", low=0, high=100,
                     texts=NumberTexts(
                         not_whole=_("The commission must be a whole percentage."),
                         negative=between, too_high=between))
    if cost_price is not None:
        whole_number(cost_price, field="cost_price", high=MAX_AMOUNT_MINOR, texts=NumberTexts(
            not_whole=_("The cost price must be a whole amount."),
            negative=_("The cost price cannot be negative."),
            too_high=_("The cost price is too large.")))
    return _Extras(duration_minutes, commission_percent, cost_price, track_stock, can_leave)


def _check_services(session: Session, service_ids: list[int] | None,
                    kept: set[int] | None = None) -> list[int]:
    """The services a plan covers, each an existing service and, unless the plan already
    covered it (``kept``), an active one; in the order given, without repeats."""
    wanted = list(dict.fromkeys(service_ids or []))
    if len(wanted) > MAX_PLAN_SERVICES:
        raise ValidationError(_("A plan covers at most {limit} services.").format(
            limit=MAX_PLAN_SERVICES), field="services")
    if not wanted:
        return []
    found = {stored_id(r): r for r in session.exec(
        select(CatalogItem).where(col(CatalogItem.id).in_(wanted)))}
    for service_id in wanted:
        row = found.get(service_id)
        if row is None:
            raise NotFound(_("No catalog item #{id}.").format(id=service_id), field="services")
        if row.kind != "service":
            raise ValidationError(_("{code} is not a service: a plan covers services only.")
                                  .format(code=row.code), field="services")
        if not row.active and service_id not in (kept or set()):
            raise RuleViolation(_("The service {code} {name} is retired.").format(
                code=row.code, name=quote(row.name)), field="services")
    return wanted


def _set_services(session: Session, plan: CatalogItem, service_ids: list[int]) -> None:
    plan_id = stored_id(plan)
    current = set(session.exec(select(PlanService.service_id)
                               .where(PlanService.plan_id == plan_id)))
    for service_id in current - set(service_ids):
        row = session.get(PlanService, (plan_id, service_id))
        if row is not None:
            session.delete(row)
    for service_id in service_ids:
        if service_id not in current:
            session.add(PlanService(plan_id=plan_id, service_id=service_id))
    # The first covered service, as revision 0004 kept it (plan_service holds them all).
    plan.service_id = service_ids[0] if service_ids else None
    session.add(plan)
    session.flush()


def _load_for_update(session: Session, item_id: int) -> CatalogItem:
    row = session.exec(for_update(select(CatalogItem).where(CatalogItem.id == item_id),
                                  session)).first()
    if row is None:
        raise NotFound(_("No catalog item #{id}.").format(id=item_id), field="code")
    return row


# -- writes -------------------------------------------------------------------------------------


@boundary
def create_item(
    session: Session,
    *,
    staff_id: int,
    name: str,
    kind: str,
    price: int,
    package_kind: str | None = None,
    sessions: int | None = None,
    validity_days: int | None = None,
    code: str | None = None,
    category: str = "",
    duration_minutes: int | None = None,
    commission_percent: int | None = None,
    cost_price: int | None = None,
    track_stock: bool = False,
    can_leave: bool = False,
    service_ids: list[int] | None = None,
    approved_by: int | None = None,
) -> CatalogRow:
    """Add a service, product or package plan; the code defaults to the next DV number.

    Each kind has its own fields (a service its duration and commission, a product its
    cost and stock flags, a plan its sessions, validity and the services it covers); a
    field of another kind is refused at that field."""
    name = _clean_name(name)
    if kind not in ITEM_KINDS:
        raise ValidationError(_("Kind must be service, product or package."), field="kind")
    category = _clean_category(category)
    price = _clean_price(price)
    _validate_package(kind, package_kind, sessions, validity_days, price)
    extras = _extras(kind, duration_minutes=duration_minutes,
                     commission_percent=commission_percent, cost_price=cost_price,
                     track_stock=track_stock, can_leave=can_leave, service_ids=service_ids)
    services = _check_services(session, service_ids)
    approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                  permission=Permission.SETTINGS)
    code = _clean_code(session, code)
    row = CatalogItem(code=code, name=name, name_norm=fold(name), kind=kind, price=price,
                      package_kind=package_kind if kind == "package" else None,
                      sessions=sessions if kind == "package" else None,
                      validity_days=validity_days if kind == "package" else None, active=True,
                      category=category, duration_minutes=extras.duration_minutes,
                      commission_percent=extras.commission_percent,
                      cost_price=extras.cost_price, track_stock=extras.track_stock,
                      can_leave=extras.can_leave)
    session.add(row)
    session.flush()
    if services:
        _set_services(session, row, services)
    after = audit.snapshot(row) | {"services": services}
    audit.record(session, staff_id=staff_id, action="create_item", entity="catalog_item",
                 entity_id=row.id, after=after, approved_by=approver)
    return _full(session, row)


@boundary
def update_item(
    session: Session,
    *,
    staff_id: int,
    item_id: int,
    code: str,
    name: str,
    price: int,
    category: str = "",
    kind: str | None = None,
    package_kind: str | None = None,
    sessions: int | None = None,
    validity_days: int | None = None,
    duration_minutes: int | None = None,
    commission_percent: int | None = None,
    cost_price: int | None = None,
    track_stock: bool = False,
    can_leave: bool = False,
    service_ids: list[int] | None = None,
    approved_by: int | None = None,
) -> CatalogRow:
    """Change every editable field of an item (a field left out is cleared, as the form
    sends them all). The kind is fixed once created (``kind``, if given, must be the
    item's). The new price and name are what is sold next; invoices and packages already
    sold keep the ones they were sold with."""
    row = _load_for_update(session, item_id)
    if kind is not None and kind != row.kind:
        raise ValidationError(_("The kind of an item cannot change once it is created: add "
                                "a new item instead."), field="kind")
    kind = row.kind
    name = _clean_name(name)
    category = _clean_category(category)
    price = _clean_price(price)
    _validate_package(kind, package_kind, sessions, validity_days, price)
    extras = _extras(kind, duration_minutes=duration_minutes,
                     commission_percent=commission_percent, cost_price=cost_price,
                     track_stock=track_stock, can_leave=can_leave, service_ids=service_ids)
    kept = {i for i, _c in _plan_services(session, [item_id]).get(item_id, [])}
    services = _check_services(session, service_ids, kept) if kind == "package" else []
    new_code = (code or "").strip().upper()
    approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                  permission=Permission.SETTINGS)
    code = row.code if new_code == row.code else _clean_code(session, new_code, item_id=item_id)
    before = audit.snapshot(row) | {"services": sorted(kept)}
    row.code, row.name, row.name_norm = code, name, fold(name)
    row.price, row.category = price, category
    if kind == "package":
        row.package_kind, row.sessions, row.validity_days = package_kind, sessions, validity_days
    row.duration_minutes = extras.duration_minutes
    row.commission_percent = extras.commission_percent
    row.cost_price = extras.cost_price
    row.track_stock, row.can_leave = extras.track_stock, extras.can_leave
    session.add(row)
    session.flush()
    if kind == "package":
        _set_services(session, row, services)
    audit.record(session, staff_id=staff_id, action="update_item", entity="catalog_item",
                 entity_id=row.id, before=before,
                 after=audit.snapshot(row) | {"services": sorted(services)}, approved_by=approver)
    return _full(session, row)


@boundary
def set_item_active(session: Session, *, staff_id: int, item_id: int,
                    active: bool, approved_by: int | None = None) -> CatalogRow:
    """Retire an item (or bring it back); sold packages keep their own copy of the terms."""
    row = _load_for_update(session, item_id)
    approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                  permission=Permission.SETTINGS)
    before = {"active": row.active}
    row.active = active
    session.add(row)
    audit.record(session, staff_id=staff_id, action="set_item_active", entity="catalog_item",
                 entity_id=row.id, before=before, after={"active": active}, approved_by=approver)
    return _full(session, row)


@boundary
def check_deletable(session: Session, *, item_id: int) -> CatalogRow:
    """The item, if it was never sold and no plan covers it; else a RuleViolation saying
    to retire it instead (what :func:`delete_item` would refuse, asked before a confirm)."""
    row = session.get(CatalogItem, item_id)
    if row is None:
        raise NotFound(_("No catalog item #{id}.").format(id=item_id), field="code")
    _refuse_if_used(session, row)
    return _full(session, row)


def _refuse_if_used(session: Session, row: CatalogItem) -> None:
    item_id, name = stored_id(row), quote(row.name)
    if session.exec(select(InvoiceLine.id).where(InvoiceLine.item_id == item_id)
                    .limit(1)).first() is not None:
        raise RuleViolation(_("{name} has been sold, so it stays on its invoices: retire it "
                              "instead.").format(name=name), field="code")
    if session.exec(select(CustomerPackage.id).where(CustomerPackage.plan_id == item_id)
                    .limit(1)).first() is not None:
        raise RuleViolation(_("{name} has been sold to customers, so it stays with their "
                              "packages: retire it instead.").format(name=name), field="code")
    covered = session.exec(select(PlanService.plan_id).where(PlanService.service_id == item_id)
                           .limit(1)).first()
    legacy = session.exec(select(CatalogItem.id).where(CatalogItem.service_id == item_id,
                                                       CatalogItem.id != item_id)
                          .limit(1)).first()
    if covered is not None or legacy is not None:
        raise RuleViolation(_("{name} is covered by a package plan: take it off the plan, or "
                              "retire it instead.").format(name=name), field="code")


@boundary
def delete_item(session: Session, *, staff_id: int, item_id: int,
                approved_by: int | None = None) -> CatalogRow:
    """Delete an item added by mistake: only one never sold (no invoice line, no customer's
    package) and covered by no plan; anything else is retired instead."""
    row = _load_for_update(session, item_id)
    _refuse_if_used(session, row)
    approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                  permission=Permission.SETTINGS)
    gone = _full(session, row)
    before = audit.snapshot(row) | {"services": list(gone.service_ids)}
    for link in session.exec(select(PlanService).where(PlanService.plan_id == item_id)):
        session.delete(link)
    session.flush()
    session.delete(row)
    session.flush()
    audit.record(session, staff_id=staff_id, action="delete_item", entity="catalog_item",
                 entity_id=item_id, before=before, approved_by=approver)
    return gone


# -- reads ---------------------------------------------------------------------------------------


@boundary
def get_item(session: Session, *, item_id: int | None = None,
             code: str | None = None) -> CatalogRow:
    """One item by id or by code (case-insensitive); NotFound names the unknown code."""
    row = None
    if item_id is not None:
        row = session.get(CatalogItem, item_id)
    elif code:
        row = session.exec(select(CatalogItem).where(
            CatalogItem.code == code.strip().upper())).first()
    if row is None:
        raise NotFound(_("Unknown code '{code}'.").format(code=quote(code or item_id)),
                       field="code")
    return _full(session, row)


@boundary
def service_ids_for(session: Session, *, services: list[str]) -> list[int]:
    """The ids of the services whose codes are ``services`` (as typed in a plan's form),
    or a message at "services" naming a code that is not a service (whether each is
    active is the plan's own rule: see :func:`create_item`)."""
    ids = []
    for typed in services:
        code = typed.strip().upper()
        if not code:
            continue
        row = session.exec(select(CatalogItem).where(CatalogItem.code == code)).first()
        if row is None:
            raise NotFound(_("There is no service with the code {code}.").format(
                code=quote(code)), field="services")
        if row.kind != "service":
            raise ValidationError(_("{code} is not a service: a plan covers services only.")
                                  .format(code=row.code), field="services")
        ids.append(stored_id(row))
    return ids


def _like_escape(text_: str) -> str:
    return text_.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@boundary
def find_items(session: Session, *, query: str, kind: str | None = None,
               limit: int = 20) -> list[CatalogRow]:
    """Active items whose code starts with, or whose name contains a word starting with, query."""
    folded = fold(query or "")
    if not folded:
        return list_items(session, kind=kind, limit=limit)
    code = (query or "").strip().upper()
    params = {"c": code, "cu": prefix_upper_bound(code), "n": f"% {_like_escape(folded)}%",
              "p": folded, "pu": prefix_upper_bound(folded), "k": kind, "lim": limit}
    of_kind = "AND kind = :k " if kind else ""  # (an untyped NULL test PostgreSQL refuses)
    sql = text(
        f"SELECT {_COLUMNS} "
        f"FROM catalog_item WHERE active {of_kind}AND ("
        " (code >= :c AND code < :cu) OR (name_norm >= :p AND name_norm < :pu)"
        " OR (' ' || name_norm) LIKE :n ESCAPE '\\')"
        " ORDER BY (code = :c) DESC, (name_norm >= :p AND name_norm < :pu) DESC, name_norm"
        " LIMIT :lim"
    )
    return [_from_sql(r) for r in session.execute(sql, params)]


@boundary
def search_catalogue(session: Session, *, query: str, kind: str | None = None,
                     include_inactive: bool = True,
                     limit: int = SEARCH_LIMIT) -> list[CatalogRow]:
    """The back office's list: items whose code starts with ``query`` or whose name has a
    word starting with it (diacritics ignored), of ``kind`` if given; active ones first,
    then retired ones, each by name. Plans come with the services they cover.

    It runs at every keystroke of the filter: one indexed-or-scanned query of plain
    columns (a catalogue is thousands of rows, not millions) and one for the plans'
    services."""
    query = (query or "")[:MAX_QUERY]
    limit = max(0, min(limit, 5000))
    folded = fold(query)
    where = []
    params: dict[str, object] = {"lim": limit}
    if kind:
        where.append("kind = :k")
        params["k"] = kind
    if not include_inactive:
        where.append("active")
    order = "active DESC, name_norm, code"
    if folded:
        code = query.strip().upper()
        params |= {"c": code, "cu": prefix_upper_bound(code), "p": folded,
                   "pu": prefix_upper_bound(folded), "n": f"% {_like_escape(folded)}%"}
        where.append("((code >= :c AND code < :cu) OR (name_norm >= :p AND name_norm < :pu)"
                     " OR (' ' || name_norm) LIKE :n ESCAPE '\\')")
        order = ("active DESC, (code = :c) DESC, (name_norm >= :p AND name_norm < :pu) DESC, "
                 "name_norm, code")
    sql = (f"SELECT {_COLUMNS} FROM catalog_item"
           + (f" WHERE {' AND '.join(where)}" if where else "")
           + f" ORDER BY {order} LIMIT :lim")
    rows = [_from_sql(r) for r in fetch_all(session, sql, params)]
    return _with_services(session, rows)


@boundary
def list_items(session: Session, *, kind: str | None = None, include_inactive: bool = False,
               limit: int = 500) -> list[CatalogRow]:
    statement = select(CatalogItem).order_by(CatalogItem.kind, CatalogItem.name_norm)
    if kind:
        statement = statement.where(CatalogItem.kind == kind)
    if not include_inactive:
        statement = statement.where(CatalogItem.active)
    return [_plain(row) for row in session.exec(statement.limit(limit))]
