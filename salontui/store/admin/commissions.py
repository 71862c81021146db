"""Commission rules: what the staff member on a line earns from it.

A rule (:class:`~salontui.store.models.CommissionRule`) pays a percentage of a line's
amount (after the line's discount) or a fixed amount per unit (per session, for a
redemption). It applies to one kind of line (a service, a product, a package sold or a
package session redeemed) and either to every item of that kind or to one item of the
catalogue (for a redemption, the package plan the session comes from); and to everyone,
one role, or one staff member (never a role and a staff member at once).

Rules are never edited: a change ends the rule and adds another at the same instant, so
a report over last month pays last month's rules, and a refund takes back what the
original sale paid (the rule in force when it was sold). Two rules of exactly the same
scope are never in force together: the old one is ended first (or changed).

Which rule pays a line (:func:`resolve`): among the rules in force when it was sold and
whose scope covers it, the most specific: a staff member's over a role's over everyone's,
then (for the same "who") one item's over its whole kind. When none covers a service
line, the catalogue's ``commission_percent`` of that service is the least specific rule
(everyone, that service); a line covered by nothing earns nothing.

Writes take the settings permission (the owner's table; a manager's PIN may approve one),
are checked at their fields before anything is written and leave one audit row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from salontui.i18n import N_, _
from salontui.store import audit, clock
from salontui.store.bounds import boundary
from salontui.store.errors import NotFound, RuleViolation, ValidationError
from salontui.store.kinds import Permission, StaffRole
from salontui.store.models import CatalogItem, CommissionRule, Staff, stored_id
from salontui.store.money import parse_amount
from salontui.store.settings import get_settings
from salontui.store.text import quote

# What a rule applies to: the line's kind, with the catalogue kind of its one item.
APPLIES_TO: dict[str, str] = {"service": "service", "product": "product",
                              "package": "package", "redeem": "package"}
APPLIES_TO_LABELS = {"service": N_("services"), "product": N_("products"),
                     "package": N_("packages sold"), "redeem": N_("sessions redeemed")}
MAX_RATE_BP = 10_000  # 100 %
MAX_PERCENT_TEXT = 12
_PERCENT = re.compile(r"^([0-9]{1,3})(?:[.,]([0-9]{1,2}))?$")


@dataclass(frozen=True)
class RuleRow:
    """A rule as the back office shows it."""

    id: int
    applies_to: str
    item_id: int | None
    item_code: str  # '' for every item of the kind
    item_name: str
    role: str | None
    staff_id: int | None
    staff_name: str  # '' unless for one staff member
    rate_bp: int | None
    fixed_amount: int | None
    created_at: datetime
    ended_at: datetime | None

    @property
    def in_force(self) -> bool:
        return self.ended_at is None


@dataclass(frozen=True)
class Rate:
    """A rule reduced to what :func:`resolve` and :func:`commission` need."""

    rule_id: int | None  # None: the service's catalogue commission_percent
    applies_to: str
    item_id: int | None
    role: str | None
    staff_id: int | None
    rate_bp: int | None
    fixed_amount: int | None
    created_at: datetime | None = None
    ended_at: datetime | None = None

    def in_force_at(self, moment: datetime) -> bool:
        return ((self.created_at is None or self.created_at <= moment)
                and (self.ended_at is None or moment < self.ended_at))

    def specificity(self) -> tuple[int, int]:
        who = 2 if self.staff_id is not None else 1 if self.role is not None else 0
        return who, 1 if self.item_id is not None else 0


# -- the rule of a line (pure: the report calls these over grouped rows) ------------------


def rate_of(rule: CommissionRule) -> Rate:
    return Rate(rule_id=rule.id, applies_to=rule.applies_to, item_id=rule.item_id,
                role=rule.role, staff_id=rule.staff_id, rate_bp=rule.rate_bp,
                fixed_amount=rule.fixed_amount, created_at=rule.created_at,
                ended_at=rule.ended_at)


def resolve(rates: Iterable[Rate], *, kind: str, item_id: int | None, staff_id: int | None,
            role: str | None, at: datetime,
            service_percent: int | None = None) -> Rate | None:
    """The rule that pays a line of ``kind`` (item ``item_id``) done by ``staff_id`` (whose
    role is ``role``) and sold at ``at``: the most specific rule in force then (staff over
    role over everyone, then an item over its kind); else, for a service, the catalogue's
    ``service_percent`` (its ``commission_percent``); else None (no commission). A line
    without a staff member earns nothing."""
    if staff_id is None:
        return None
    best: Rate | None = None
    for rate in rates:
        if rate.applies_to != kind or not rate.in_force_at(at):
            continue
        if rate.item_id is not None and rate.item_id != item_id:
            continue
        if rate.staff_id is not None and rate.staff_id != staff_id:
            continue
        if rate.role is not None and rate.role != role:
            continue
        if best is None or rate.specificity() > best.specificity():
            best = rate
    if best is None and kind == "service" and service_percent is not None:
        best = Rate(rule_id=None, applies_to="service", item_id=item_id, role=None,
                    staff_id=None, rate_bp=service_percent * 100, fixed_amount=None)
    return best


def commission(rate: Rate | None, *, amount: int, quantity: int, value: int = 0) -> int:
    """What ``rate`` pays on lines adding up to ``amount`` and ``quantity`` (signed: a
    refund's are negative and take back as much). A percentage is of the amount (for a
    redemption, of the sessions' ``value``: their package's price per session), rounded
    half away from zero so a refund of the same line takes back exactly what it paid; a
    fixed amount is per unit."""
    if rate is None:
        return 0
    if rate.fixed_amount is not None:
        return rate.fixed_amount * quantity
    base = value if rate.applies_to == "redeem" else amount
    bp = rate.rate_bp or 0
    share = (abs(base) * bp * 2 + MAX_RATE_BP) // (2 * MAX_RATE_BP)
    return share if base >= 0 else -share


# -- reading ------------------------------------------------------------------------------


def _rows(session: Session, rules: Sequence[CommissionRule]) -> list[RuleRow]:
    item_ids = {r.item_id for r in rules if r.item_id is not None}
    staff_ids = {r.staff_id for r in rules if r.staff_id is not None}
    items = {i.id: (i.code, i.name) for i in session.exec(
        select(CatalogItem).where(col(CatalogItem.id).in_(item_ids)))} if item_ids else {}
    names = dict(session.exec(select(Staff.id, Staff.name).where(
        col(Staff.id).in_(staff_ids))).all()) if staff_ids else {}
    return [RuleRow(
        id=stored_id(r), applies_to=r.applies_to, item_id=r.item_id,
        item_code=items.get(r.item_id, ("", ""))[0] if r.item_id else "",
        item_name=items.get(r.item_id, ("", ""))[1] if r.item_id else "",
        role=r.role, staff_id=r.staff_id,
        staff_name=names.get(r.staff_id, "") if r.staff_id else "",
        rate_bp=r.rate_bp, fixed_amount=r.fixed_amount, created_at=r.created_at,
        ended_at=r.ended_at) for r in rules]


def _order(rule: CommissionRule) -> tuple:
    kinds = list(APPLIES_TO)
    return (rule.ended_at is not None, kinds.index(rule.applies_to)
            if rule.applies_to in kinds else len(kinds), rule.item_id is not None,
            rule.role is not None or rule.staff_id is not None, -(rule.id or 0))


@boundary
def list_rules(session: Session, *, include_ended: bool = False) -> list[RuleRow]:
    """The rules in force (with ``include_ended``, the ended ones too, after them, newest
    first): by kind, the whole kind before one item, everyone before a role or a person."""
    statement = select(CommissionRule)
    if not include_ended:
        statement = statement.where(col(CommissionRule.ended_at).is_(None))
    return _rows(session, sorted(session.exec(statement), key=_order))


def all_rates(session: Session) -> list[Rate]:
    """Every rule ever made (ended ones too), for a report over any period."""
    return [rate_of(r) for r in session.exec(select(CommissionRule))]


# -- parsing what was typed -----------------------------------------------------------------


def parse_percent(text: str, *, field: str = "percent") -> int:
    """A percentage typed at the desk ("10", "2.5", "2,5", "12.5 %") as basis points (1000,
    250, 1250): 0 to 100 with at most two decimals."""
    raw = (text or "").strip().removesuffix("%").strip()
    if not raw:
        raise ValidationError(_("Enter a percentage."), field=field)
    if len(raw) > MAX_PERCENT_TEXT:
        raise ValidationError(_("A percentage is 0 to 100."), field=field)
    if raw.startswith("-"):
        raise ValidationError(_("A percentage cannot be negative."), field=field)
    found = _PERCENT.match(raw)
    if found is None:
        raise ValidationError(_("'{text}' is not a percentage (e.g. 10 or 2.5).").format(
            text=quote(raw)), field=field)
    whole, decimals = found.group(1), found.group(2) or ""
    basis = int(whole) * 100 + int(decimals.ljust(2, "0"))
    if basis > MAX_RATE_BP:
        raise ValidationError(_("A percentage is 0 to 100."), field=field)
    return basis


def show_percent(rate_bp: int) -> str:
    """Basis points as typed: 1000 → "10", 250 → "2.5", 1225 → "12.25"."""
    whole, part = divmod(rate_bp, 100)
    return f"{whole}" if not part else f"{whole}.{part:02d}".rstrip("0")


@dataclass(frozen=True)
class _Clean:
    applies_to: str
    item_id: int | None
    role: str | None
    staff_id: int | None
    rate_bp: int | None
    fixed_amount: int | None


def _clean(session: Session, *, applies_to: str, item_code: str, role: str | None,
           target_staff_id: int | None, percent: str, amount: str) -> _Clean:
    kind = (applies_to or "").strip().lower()
    if kind not in APPLIES_TO:
        raise ValidationError(_("Choose what the rule applies to: services, products, "
                                "packages sold or sessions redeemed."), field="applies_to")
    item_id = None
    code = (item_code or "").strip()
    if code:
        if len(code) > 20:
            raise NotFound(_("Unknown code '{code}'.").format(code=quote(code)), field="item")
        item = session.exec(select(CatalogItem).where(
            CatalogItem.code == code.upper())).first()
        if item is None:
            raise NotFound(_("Unknown code '{code}'.").format(code=quote(code)), field="item")
        if item.kind != APPLIES_TO[kind]:
            wanted = (_("a package plan (the session is one of its sessions)")
                      if kind == "redeem" else _(APPLIES_TO_LABELS[kind]))
            raise ValidationError(_("{code} is not one of the {kind}: this rule needs "
                                    "{wanted}.").format(code=item.code,
                                                        kind=_(APPLIES_TO_LABELS[kind]),
                                                        wanted=wanted), field="item")
        item_id = item.id
    clean_role = (role or "").strip().lower() or None
    if clean_role is not None and target_staff_id is not None:
        raise ValidationError(_("A rule is for one role or one staff member, not both."),
                              field="who")
    if clean_role is not None and clean_role not in {r.value for r in StaffRole}:
        raise ValidationError(_("Unknown role '{role}'.").format(role=quote(clean_role)),
                              field="who")
    if target_staff_id is not None and session.get(Staff, target_staff_id) is None:
        raise NotFound(_("No staff member #{id}.").format(id=target_staff_id), field="who")
    has_percent, has_amount = bool((percent or "").strip()), bool((amount or "").strip())
    if has_percent and has_amount:
        raise ValidationError(_("A rule is a percentage or a fixed amount, not both: clear "
                                "one."), field="amount")
    if not has_percent and not has_amount:
        raise ValidationError(_("Enter a percentage, or a fixed amount per unit."),
                              field="percent")
    rate_bp = parse_percent(percent) if has_percent else None
    fixed = None
    if has_amount:
        settings = get_settings(session)
        fixed = parse_amount(amount, exponent=settings.currency_exponent, field="amount",
                             allow_zero=True)
    return _Clean(applies_to=kind, item_id=item_id, role=clean_role,
                  staff_id=target_staff_id, rate_bp=rate_bp, fixed_amount=fixed)


def _refuse_same_scope(session: Session, clean: _Clean, *, ending: int | None = None) -> None:
    statement = select(CommissionRule).where(
        col(CommissionRule.ended_at).is_(None), CommissionRule.applies_to == clean.applies_to)
    for rule in session.exec(statement):
        if rule.id != ending and (rule.item_id, rule.role, rule.staff_id) == (
                clean.item_id, clean.role, clean.staff_id):
            raise RuleViolation(_("A rule for exactly this is already in force: end it first, "
                                  "or change it."), field="applies_to")


def _load(session: Session, rule_id: int) -> CommissionRule:
    rule = session.get(CommissionRule, rule_id)
    if rule is None:
        raise NotFound(_("No commission rule #{id}.").format(id=rule_id), field="rule")
    if rule.ended_at is not None:
        raise RuleViolation(_("This rule has already ended."), field="rule")
    return rule


def _guard(session: Session, staff_id: int, approved_by: int | None) -> int | None:
    from salontui.store.admin.permissions import require_permission

    return require_permission(session, staff_id=staff_id, permission=Permission.SETTINGS,
                              approved_by=approved_by)


def _insert(session: Session, clean: _Clean, *, staff_id: int, now: datetime) -> CommissionRule:
    rule = CommissionRule(applies_to=clean.applies_to, item_id=clean.item_id, role=clean.role,
                          staff_id=clean.staff_id, rate_bp=clean.rate_bp,
                          fixed_amount=clean.fixed_amount, created_at=now, created_by=staff_id)
    session.add(rule)
    session.flush()
    return rule


def _snapshot(rule: CommissionRule) -> dict:
    return audit.snapshot(rule, fields=("applies_to", "item_id", "role", "staff_id", "rate_bp",
                                        "fixed_amount", "created_at", "ended_at"))


# -- writing --------------------------------------------------------------------------------


@boundary
def add_rule(session: Session, *, staff_id: int, applies_to: str, item_code: str = "",
             role: str | None = None, target_staff_id: int | None = None, percent: str = "",
             amount: str = "", approved_by: int | None = None) -> RuleRow:
    """Add a rule from what was typed: ``percent`` ("10", "2.5") or ``amount`` (per unit),
    one of them; ``item_code`` empty for every item of the kind; ``role`` or
    ``target_staff_id`` (not both) or neither for everyone."""
    clean = _clean(session, applies_to=applies_to, item_code=item_code, role=role,
                   target_staff_id=target_staff_id, percent=percent, amount=amount)
    _refuse_same_scope(session, clean)
    approver = _guard(session, staff_id, approved_by)
    rule = _insert(session, clean, staff_id=staff_id, now=clock.now())
    audit.record(session, staff_id=staff_id, action="add_commission_rule",
                 entity="commission_rule", entity_id=rule.id, after=_snapshot(rule),
                 approved_by=approver)
    return _rows(session, [rule])[0]


@boundary
def end_rule(session: Session, *, staff_id: int, rule_id: int,
             approved_by: int | None = None) -> RuleRow:
    """End a rule now: lines sold from now on no longer earn by it (those sold before
    still do, and so do their refunds)."""
    rule = _load(session, rule_id)
    approver = _guard(session, staff_id, approved_by)
    before = _snapshot(rule)
    rule.ended_at = clock.now()
    session.add(rule)
    audit.record(session, staff_id=staff_id, action="end_commission_rule",
                 entity="commission_rule", entity_id=rule.id, before=before,
                 after=_snapshot(rule), approved_by=approver)
    return _rows(session, [rule])[0]


@boundary
def change_rule(session: Session, *, staff_id: int, rule_id: int, applies_to: str,
                item_code: str = "", role: str | None = None,
                target_staff_id: int | None = None, percent: str = "", amount: str = "",
                approved_by: int | None = None) -> RuleRow:
    """Change a rule: it ends now and the new one (the fields as :func:`add_rule` takes
    them) starts at the same instant, in one transaction. Returns the new rule."""
    old = _load(session, rule_id)
    clean = _clean(session, applies_to=applies_to, item_code=item_code, role=role,
                   target_staff_id=target_staff_id, percent=percent, amount=amount)
    _refuse_same_scope(session, clean, ending=rule_id)
    approver = _guard(session, staff_id, approved_by)
    before = _snapshot(old)
    now = clock.now()
    old.ended_at = now
    session.add(old)
    session.flush()
    rule = _insert(session, clean, staff_id=staff_id, now=now)
    audit.record(session, staff_id=staff_id, action="change_commission_rule",
                 entity="commission_rule", entity_id=rule.id,
                 before={"rule_id": old.id, **before},
                 after={"ended_rule_id": old.id, **_snapshot(rule)}, approved_by=approver)
    return _rows(session, [rule])[0]


def who_label(row: RuleRow | Rate, names: dict[int, str] | None = None) -> str:
    """"everyone", a role's name or the staff member's name, translated."""
    from salontui.store.kinds import STAFF_ROLE_LABELS

    if row.staff_id is not None:
        name = row.staff_name if isinstance(row, RuleRow) else (names or {}).get(
            row.staff_id, "")
        return name or f"#{row.staff_id}"
    if row.role is not None:
        label = STAFF_ROLE_LABELS.get(StaffRole(row.role)) if row.role in {
            r.value for r in StaffRole} else None
        return _(label) if label else row.role
    return _("everyone")

