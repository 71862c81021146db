"""The demo's back office, made by the store's own functions.

The history is written in bulk (shapes of plain rows); the back office is not: it is what
the owner types in at Settings, so the demo has it typed in. The catalogue
(``catalog.create_item``: services with their category, duration and commission, products
with their cost, plans with the services they cover), the salon's own payment methods
(``admin.methods.create_method``), card types (``admin.card_types.create_card_type``),
promotion programmes (``promotions.create_program``, and ``set_program_active`` the
morning after one ends; two of them sold for points), customer groups
(``admin.groups.create_group``), the care catalogue's reasons
(``loyalty.care_catalogue.add_reason``) and the loyalty tiers above the first
(``loyalty.tier_admin.create_tier``: Silver, Gold, Diamond with their thresholds, benefits and
rewards, set up this afternoon; the first, Member, is the migration's own) are each made
by that function, by the owner, with the store clock pinned to the moment it was done
(a programme on its first day, so its dates were not in the past when it was made).

They run on a scratch database, a temporary SQLite file migrated like any other (so it
holds what a new salon holds: the eight built-in payment methods), in one transaction;
the rows they made and their audit rows are read back and handed to the bulk load as
they are (ids, codes, defaults), and the scratch is thrown away. So every engine's load
writes exactly what the functions made, and the demo follows whatever those functions
learn. The scratch costs about 0.1 s, the same at 100 customers as at a million; nothing
of it touches the salon being built, whose load stays one transaction.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from types import MappingProxyType
from typing import TYPE_CHECKING

from salontui.store.demo.calendar import _Calendar
from salontui.store.demo.catalog_data import (
    CARD_TYPES,
    CARD_TYPES_DAY,
    CARE_REASONS,
    GROUPS,
    METHODS,
    OWNER,
    PLAN_CATEGORY,
    PLANS,
    PRODUCTS,
    PROGRAMS,
    SERVICES,
    STAFF,
    TIERS,
)

if TYPE_CHECKING:
    from salontui.store.admin.card_types import CardTypeRow
    from salontui.store.catalog import CatalogRow

# The back office's tables, in an order the foreign keys accept.
TABLES = ("catalog_item", "plan_service", "payment_method", "card_type", "promotion_program",
          "customer_group", "care_reason", "tier")
AUDIT_COLUMNS = ("created_at", "staff_id", "action", "entity", "entity_id", "before", "after")


def columns_of(table: str) -> tuple[str, ...]:
    """A table's columns in the model's order (the shapes and the read-back agree)."""
    from sqlmodel import SQLModel

    import salontui.store.models  # noqa: F401  (registers the tables)

    return tuple(c.name for c in SQLModel.metadata.tables[table].columns)


@dataclass(frozen=True)
class Program:
    """A programme as the history gives and uses it."""

    id: int
    start: int  # its first and last day (history day numbers; None: open-ended)
    end: int | None
    percent: int
    amount: int
    scope: str
    limit: int | None  # times one customer may be given it
    prefix: str  # of the codes it gives
    points_price: int | None = None  # a member may buy its code with this many points
    name: str = ""


@dataclass(frozen=True)
class TierInfo:
    """A tier as the demo ranks customers with it (by rank, the first tier first)."""

    id: int
    name: str
    min_spend: int
    reward_points: int


@dataclass(frozen=True)
class BackOffice:
    """What the functions made: rows per table (columns as :func:`columns_of`), the audit
    rows in order, the counters, and what the history needs to know of it. Read only: one
    is shared by the builds of the same day (:func:`make_back_office`)."""

    tables: Mapping[str, tuple[tuple, ...]]
    audit: tuple[tuple, ...]  # AUDIT_COLUMNS, in the order they were written
    counters: Mapping[str, int]
    services: tuple[CatalogRow, ...]  # in SERVICES order
    products: tuple[CatalogRow, ...]  # … PRODUCTS order
    plans: tuple[CatalogRow, ...]  # … PLANS order
    programs: tuple[Program, ...]  # by id
    methods: tuple[str, ...]  # codes, in METHODS order
    card_types: tuple[CardTypeRow, ...]  # in CARD_TYPES order
    groups: tuple[int, ...]  # ids, in GROUPS order
    tiers: tuple[TierInfo, ...] = ()  # by rank


# The back offices made in this process, by (first day, today, now): the functions give
# the same rows for the same moments, so the builds of one day (the tests', the
# benchmarks') type it in once. A few days at most are kept.
_made: dict[tuple[date, int, int], BackOffice] = {}
KEEP = 4


def make_back_office(cal: _Calendar, *, today: int, now_t: int) -> BackOffice:
    """Type the demo's back office in through the store's functions (see the module) and
    read back what they made. ``today`` is the history's day number of today, ``now_t``
    the demo's now (minutes): nothing is done later than now."""
    key = (cal.first_day, today, now_t)
    office = _made.get(key)
    if office is None:
        office = _type_in(cal, today=today, now_t=now_t)
        while len(_made) >= KEEP:
            del _made[next(iter(_made))]
        _made[key] = office
    return office


def _type_in(cal: _Calendar, *, today: int, now_t: int) -> BackOffice:
    """The scratch database, the owner's steps on it in time order, the rows read back."""
    from sqlalchemy import text

    from salontui.store import clock
    from salontui.store.db import make_engine, write_session
    from salontui.store.schema import upgrade

    with tempfile.TemporaryDirectory(prefix="salontui-demo-") as folder:
        engine = make_engine(f"sqlite:///{os.path.join(folder, 'back-office.db')}")
        try:
            upgrade(engine)
            with write_session(engine) as session:
                # The first tier, as the migration seeds it, dated the day the salon opened
                # (the migration stamps it with the moment it ran: not the same twice).
                session.execute(text("UPDATE tier SET created_at = :at"),
                                {"at": cal.ts(cal.at_local(0, 8 * 60))})
                name, role, active = STAFF[OWNER - 1]
                session.execute(text(  # the owner, as the load writes them (staff id 1)
                    "INSERT INTO staff (id, name, role, active, created_at) "
                    "VALUES (:id, :name, :role, :active, :at)"),
                    {"id": OWNER, "name": name, "role": role, "active": active,
                     "at": cal.ts(cal.at_local(0, 8 * 60))})
                owner = _Owner(session, cal)
                start = datetime.combine(cal.first_day, time())
                for t, _order, step, args in sorted(_steps(owner, cal, today=today,
                                                           now_t=now_t)):
                    with clock.pinned(start + timedelta(minutes=t)):
                        step(*args)
                session.flush()  # (the last audit row is still pending)
                tables, audit, counters = _read_back(session)
        finally:
            engine.dispose()
    return BackOffice(
        tables=MappingProxyType(tables), audit=audit, counters=MappingProxyType(counters),
        services=tuple(owner.services), products=tuple(owner.products),
        plans=tuple(owner.plans),
        programs=tuple(sorted(owner.programs.values(), key=lambda p: p.id)),
        methods=tuple(owner.methods), card_types=tuple(owner.card_types),
        groups=tuple(owner.groups), tiers=tuple(owner.tiers))


def _steps(owner: _Owner, cal: _Calendar, *, today: int,
           now_t: int) -> list[tuple[int, int, Callable[..., None], tuple]]:
    """What the owner did and when (minutes; none later than now), in the order given
    for things done at the same minute: the catalogue and the payment methods at opening,
    card types a year later, each programme on its first day and switched off the
    morning after its last, the customer groups this afternoon, the tiers just before
    now (the customers are ranked in them then: ``loyalty.py``)."""
    steps: list[tuple[int, Callable[..., None], tuple]] = [
        (cal.at_local(0, 8 * 60), owner.open_salon, ()),
        (cal.at_local(0, 8 * 60), owner.add_care_reasons, ()),
        (cal.at_local(CARD_TYPES_DAY, 8 * 60), owner.add_card_types, ()),
    ]
    for i, (_name, _text, start, end, *_terms) in enumerate(PROGRAMS):
        steps.append((cal.at_local(start, 8 * 60), owner.start_program, (i,)))
        if end is not None and end < today:
            steps.append((cal.at_local(end + 1, 8 * 60), owner.end_program, (i,)))
    steps.append((now_t - 2, owner.add_groups, ()))
    steps.append((now_t - 1, owner.add_tiers, ()))
    return [(min(t, now_t), order, step, args) for order, (t, step, args) in enumerate(steps)]


class _Owner:
    """The owner at Settings: each step calls the store's functions, as staff id 1, and
    keeps what they answered."""

    def __init__(self, session, cal: _Calendar):
        self.session, self.cal = session, cal
        self.services: list[CatalogRow] = []
        self.products: list[CatalogRow] = []
        self.plans: list[CatalogRow] = []
        self.methods: list[str] = []
        self.card_types: list[CardTypeRow] = []
        self.groups: list[int] = []
        self.programs: dict[int, Program] = {}  # by index in PROGRAMS
        self.tiers: list[TierInfo] = []

    def open_salon(self) -> None:
        """The catalogue (services, products, then the plans covering the services) and
        the salon's own payment methods."""
        from salontui.store import catalog
        from salontui.store.admin import methods

        s = self.session
        for name, category, price, minutes, commission, _w in SERVICES:
            self.services.append(catalog.create_item(
                s, staff_id=OWNER, name=name, kind="service", price=price, category=category,
                duration_minutes=minutes, commission_percent=commission))
        for name, category, price, cost, can_leave in PRODUCTS:
            self.products.append(catalog.create_item(
                s, staff_id=OWNER, name=name, kind="product", price=price, category=category,
                cost_price=cost, can_leave=can_leave))
        for name, kind, sessions, price, days, covered, _w in PLANS:
            self.plans.append(catalog.create_item(
                s, staff_id=OWNER, name=name, kind="package", price=price, package_kind=kind,
                sessions=sessions, validity_days=days, category=PLAN_CATEGORY,
                service_ids=[self.services[i].id for i in covered]))
        for name, key, _share in METHODS:
            self.methods.append(methods.create_method(
                s, staff_id=OWNER, name=name, kind="card", hotkey=key).code)

    def add_card_types(self) -> None:
        from salontui.store.admin import card_types

        for name, pay, get, discounts, _w in CARD_TYPES:
            self.card_types.append(card_types.create_card_type(
                self.session, staff_id=OWNER, name=name, bonus_pay=pay, bonus_get=get,
                discounts_apply=discounts))

    def start_program(self, i: int) -> None:
        from salontui.store import promotions

        (name, description, start, end, percent, amount, scope, limit, prefix,
         points_price) = PROGRAMS[i]
        day = self.cal.first_day
        row = promotions.create_program(
            self.session, staff_id=OWNER, name=name, description=description,
            valid_from=day + timedelta(days=start),
            valid_until=None if end is None else day + timedelta(days=end),
            discount_percent=percent, discount_amount=amount, scope=scope,
            per_customer_limit=limit, code_prefix=prefix, points_price=points_price)
        self.programs[i] = Program(row.id, start, end, row.discount_percent,
                                   row.discount_amount, row.scope, row.per_customer_limit,
                                   row.code_prefix, row.points_price, row.name)

    def end_program(self, i: int) -> None:
        from salontui.store import promotions

        promotions.set_program_active(self.session, staff_id=OWNER,
                                      program_id=self.programs[i].id, active=False)

    def add_care_reasons(self) -> None:
        from salontui.store.loyalty import care_catalogue

        for care_type, name in CARE_REASONS:
            care_catalogue.add_reason(self.session, staff_id=OWNER, care_type=care_type,
                                      name=name)

    def add_tiers(self) -> None:
        """Silver, Gold and Diamond above the migration's Member (thresholds on spend and
        on points, a discount on services, a points multiplier, a one-time reward)."""
        from salontui.store.loyalty import tier_admin, tiers

        for name, spend, points, discount, percent, reward in TIERS[1:]:
            tier_admin.create_tier(self.session, staff_id=OWNER, name=name, min_spend=spend,
                                   min_points=points, discount_percent=discount,
                                   points_percent=percent, reward_points=reward)
        self.tiers = [TierInfo(t.id, t.name, t.min_spend or 0, t.reward_points)
                      for t in tiers.list_tiers(self.session)]

    def add_groups(self) -> None:
        from salontui.store.admin import groups

        for name, percent in GROUPS:
            self.groups.append(groups.create_group(
                self.session, staff_id=OWNER, name=name, points_percent=percent).id)


def _read_back(session) -> tuple[dict[str, tuple[tuple, ...]], tuple[tuple, ...],
                                 dict[str, int]]:
    """The rows the functions made, as the load writes them: booleans as bool (SQLite
    gives 1/0), times and dates as SQLite stores them (the shapes' own format); the
    audit rows; the counters."""
    import sqlalchemy as sa
    from sqlmodel import SQLModel

    conn = session.connection()
    tables = {}
    for table in TABLES:
        columns = columns_of(table)
        model = SQLModel.metadata.tables[table].columns
        flags = [i for i, c in enumerate(columns) if isinstance(model[c].type, sa.Boolean)]
        order = "id" if "id" in columns else ", ".join(columns)
        rows = []
        for row in conn.exec_driver_sql(
                f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}"):
            values = list(row)
            for i in flags:
                values[i] = bool(values[i])
            rows.append(tuple(values))
        tables[table] = tuple(rows)
    audit = tuple(tuple(r) for r in conn.exec_driver_sql(
        f"SELECT {', '.join(AUDIT_COLUMNS)} FROM audit_log ORDER BY id"))
    counters = {name: value for name, value in conn.exec_driver_sql(
        "SELECT name, value FROM counter")}
    return tables, audit, counters
