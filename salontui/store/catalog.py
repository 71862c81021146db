"""The service catalog: services, products and package plans (count, time, gift).

The checkout finds items by code or by any word of the name, ignoring
diacritics, through the same folded-name index the customer search uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from sqlalchemy import text
from sqlmodel import Session, select

from salontui.i18n import _
from salontui.store import audit, codes
from salontui.store.bounds import boundary
from salontui.store.errors import NotFound, ValidationError
from salontui.store.kinds import PackageKind
from salontui.store.models import CatalogItem, stored_id
from salontui.store.staff import require_staff
from salontui.store.text import fold, prefix_upper_bound, quote

ITEM_KINDS = ("service", "product", "package")
PACKAGE_KINDS = tuple(PackageKind)
MAX_NAME = 120
MAX_SESSIONS = 1000
MAX_VALIDITY_DAYS = 3660


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


# The columns before ``active`` (a row of a text query is typed as a tuple of any length).
_CatalogColumns = tuple[int, str, str, str, int, str | None, int | None, int | None]


def _plain(row: CatalogItem) -> CatalogRow:
    return CatalogRow(id=stored_id(row), code=row.code, name=row.name, kind=row.kind,
                      price=row.price, package_kind=row.package_kind, sessions=row.sessions,
                      validity_days=row.validity_days, active=row.active)


def _validate_package(kind: str, package_kind: str | None, sessions: int | None,
                      validity_days: int | None, price: int) -> None:
    if kind != "package":
        if package_kind or sessions:
            raise ValidationError(_("Only a package plan has sessions."), field="sessions")
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
) -> CatalogRow:
    """Add a service, product or package plan; the code defaults to the next DV number."""
    require_staff(session, staff_id)
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError(_("Name is required."), field="name")
    if len(name) > MAX_NAME:
        raise ValidationError(_("Name is longer than {limit} characters.").format(limit=MAX_NAME),
                              field="name")
    if kind not in ITEM_KINDS:
        raise ValidationError(_("Kind must be service, product or package."), field="kind")
    if not isinstance(price, int) or price < 0:
        raise ValidationError(_("Price cannot be negative."), field="price")
    _validate_package(kind, package_kind, sessions, validity_days, price)
    code = (code or "").strip().upper() or codes.next_code(session, codes.CATALOG)
    if session.exec(select(CatalogItem.id).where(CatalogItem.code == code)).first():
        raise ValidationError(_("Code {code} is already used.").format(code=quote(code)),
                              field="code")
    row = CatalogItem(code=code, name=name, name_norm=fold(name), kind=kind, price=price,
                      package_kind=package_kind if kind == "package" else None,
                      sessions=sessions if kind == "package" else None,
                      validity_days=validity_days if kind == "package" else None, active=True)
    session.add(row)
    session.flush()
    audit.record(session, staff_id=staff_id, action="create_item", entity="catalog_item",
                 entity_id=row.id, after=audit.snapshot(row))
    return _plain(row)


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
    return _plain(row)


@boundary
def find_items(session: Session, *, query: str, kind: str | None = None,
               limit: int = 20) -> list[CatalogRow]:
    """Active items whose code starts with, or whose name contains a word starting with, query."""
    folded = fold(query or "")
    if not folded:
        return list_items(session, kind=kind, limit=limit)
    code = (query or "").strip().upper()
    params = {"c": code, "cu": prefix_upper_bound(code), "n": f"% {folded}%", "p": folded,
              "pu": prefix_upper_bound(folded), "k": kind, "lim": limit}
    of_kind = "AND kind = :k " if kind else ""  # (an untyped NULL test PostgreSQL refuses)
    sql = text(
        "SELECT id, code, name, kind, price, package_kind, sessions, validity_days, active "
        f"FROM catalog_item WHERE active {of_kind}AND ("
        " (code >= :c AND code < :cu) OR (name_norm >= :p AND name_norm < :pu)"
        " OR (' ' || name_norm) LIKE :n)"
        " ORDER BY (code = :c) DESC, (name_norm >= :p AND name_norm < :pu) DESC, name_norm"
        " LIMIT :lim"
    )
    return [CatalogRow(*cast(_CatalogColumns, r[:8]), bool(r[8]))
            for r in session.execute(sql, params)]


@boundary
def list_items(session: Session, *, kind: str | None = None, include_inactive: bool = False,
               limit: int = 500) -> list[CatalogRow]:
    statement = select(CatalogItem).order_by(CatalogItem.kind, CatalogItem.name_norm)
    if kind:
        statement = statement.where(CatalogItem.kind == kind)
    if not include_inactive:
        statement = statement.where(CatalogItem.active)
    return [_plain(row) for row in session.exec(statement.limit(limit))]


@boundary
def set_item_active(session: Session, *, staff_id: int, item_id: int,
                    active: bool) -> CatalogRow:
    """Retire an item (or bring it back); sold packages keep their own copy of the terms."""
    require_staff(session, staff_id)
    row = session.get(CatalogItem, item_id)
    if row is None:
        raise NotFound(_("No catalog item #{id}.").format(id=item_id), field="code")
    before = {"active": row.active}
    row.active = active
    session.add(row)
    audit.record(session, staff_id=staff_id, action="set_item_active", entity="catalog_item",
                 entity_id=row.id, before=before, after={"active": active})
    return _plain(row)
