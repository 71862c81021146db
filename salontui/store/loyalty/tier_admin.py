"""The salon's tier ladder in the back office (Settings → Tiers): add, change, retire,
restore and move a tier, and how tiers rank (basis, period, when a top-up counts).

Every change keeps the ladder whole, checked at the field: names unique, the first tier
starting at 0 and never retired, thresholds rising with the rank. A renamed tier renames
its holders' ``customer.tier`` in the same transaction; a retired tier's holders move at
once (:func:`tiers.refresh_tier`); other changes move customers at their next sale or
refund. The ranking and the engine are :mod:`salontui.store.loyalty.tiers`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlmodel import Session, select

from salontui.i18n import _
from salontui.store import audit, clock
from salontui.store.admin.permissions import require_permission
from salontui.store.bounds import boundary
from salontui.store.errors import RuleViolation, ValidationError
from salontui.store.kinds import Permission
from salontui.store.loyalty.tiers import (
    BASES,
    BASIS_POINTS,
    BASIS_SPEND,
    HIGHER,
    LOWER,
    MAX_MIN_POINTS,
    MAX_MULTIPLIER,
    MAX_NAME,
    MAX_PERIOD_MONTHS,
    MAX_REASON,
    MAX_REWARD,
    MIN_MULTIPLIER,
    TierRow,
    TierSettings,
    all_tiers,
    get_tier_settings,
    load_tier,
    money_text,
    refresh_tier,
    tier_row,
)
from salontui.store.models import SalonSettings, Tier
from salontui.store.money import MAX_AMOUNT_MINOR
from salontui.store.names import tier_label
from salontui.store.numbers import NumberTexts, whole_number
from salontui.store.summary import TOPUP_SPEND_CHOICES
from salontui.store.text import clean_line, fold, quote


def _clean_name(session: Session, name: str, *, tier_id: int | None = None) -> str:
    clean = clean_line(name, field="name", limit=MAX_NAME, required=_("Name is required."),
                       too_long=_("Name is longer than {limit} characters."))
    folded = fold(clean)
    for other_id, other in session.exec(select(Tier.id, Tier.name)):
        if other_id != tier_id and fold(other) == folded:
            raise ValidationError(_("There is already a tier called {name}.").format(
                name=quote(other)), field="name")
    return clean


def _threshold(tier: Tier, basis: str) -> int | None:
    return tier.min_points if basis == BASIS_POINTS else tier.min_spend


def _optional_number(value: int | None, *, field: str, high: int, label: str) -> int | None:
    if value is None:
        return None
    return whole_number(value, field=field, low=0, high=high, texts=NumberTexts(
        not_whole=_("{label} must be a whole number.").format(label=label),
        negative=_("{label} cannot be negative.").format(label=label),
        too_high=_("{label} is too large.").format(label=label)))


@dataclass(frozen=True)
class _Fields:
    name: str
    min_spend: int | None
    min_points: int | None
    discount_percent: int
    points_percent: int
    reward_points: int


def _clean_fields(session: Session, *, tier_id: int | None, name: str, min_spend: int | None,
                  min_points: int | None, discount_percent: int | None,
                  points_percent: int | None, reward_points: int | None) -> _Fields:
    clean = _clean_name(session, name, tier_id=tier_id)
    spend = _optional_number(min_spend, field="min_spend", high=MAX_AMOUNT_MINOR,
                             label=_("The spend threshold"))
    points = _optional_number(min_points, field="min_points", high=MAX_MIN_POINTS,
                              label=_("The points threshold"))
    discount = _optional_number(discount_percent, field="discount_percent", high=10**6,
                                label=_("The discount")) or 0
    if discount > 100:
        raise ValidationError(_("The discount is 0 to 100 %."), field="discount_percent")
    multiplier = _optional_number(points_percent, field="points_percent", high=10**6,
                                  label=_("The points multiplier"))
    multiplier = 100 if multiplier is None else multiplier
    if not MIN_MULTIPLIER <= multiplier <= MAX_MULTIPLIER:
        raise ValidationError(_("The points multiplier is {low} to {high} %.").format(
            low=MIN_MULTIPLIER, high=MAX_MULTIPLIER), field="points_percent")
    reward = _optional_number(reward_points, field="reward_points", high=MAX_REWARD,
                              label=_("The reward")) or 0
    return _Fields(clean, spend, points, discount, multiplier, reward)


def _threshold_text(session: Session, basis: str, value: int) -> str:
    if basis == BASIS_POINTS:
        return _("{n} points").format(n=f"{value:,}")
    return money_text(session, value)


def _check_order(session: Session, ordered: list[Tier], *, subjects: tuple[Tier, ...],
                 moving: bool = False) -> None:
    """Refuse (before anything is committed) a ladder whose first tier does not start at a
    spend of 0 (and 0 points; no points threshold there reads as 0) or whose
    thresholds do not rise with the rank among the active tiers, where it touches the
    ``subjects`` (the tier being saved; a moved tier and the one it swapped with): at the
    threshold of the tier being saved, or at ``position`` for a move."""
    first = ordered[0]
    if not first.active:
        raise RuleViolation(_("A retired tier cannot be first."),
                            field="position" if moving else "tier")

    def value(tier: Tier, basis: str) -> int | None:
        found = tier.min_points if basis == BASIS_POINTS else tier.min_spend
        return 0 if tier is first and found is None and basis == BASIS_POINTS else found

    for basis, field in ((BASIS_SPEND, "min_spend"), (BASIS_POINTS, "min_points")):
        if value(first, basis) != 0:
            if moving:
                raise RuleViolation(_("The first tier starts at 0: {name} cannot be first.")
                                    .format(name=first.name), field="position")
            raise ValidationError(_("The first tier starts at 0."), field=field)
        lower: Tier | None = None
        for tier in ordered:
            threshold = value(tier, basis)
            if not tier.active or threshold is None:
                continue
            low = value(lower, basis) if lower is not None else None
            touched = any(tier is t or lower is t for t in subjects)
            if lower is not None and low is not None and threshold <= low and touched:
                if moving:
                    raise RuleViolation(_("{name} needs more than {lower} ({amount}): it "
                                          "ranks above it.").format(
                        name=tier_label(tier.name), lower=tier_label(lower.name),
                        amount=_threshold_text(session, basis, low)), field="position")
                if tier is subjects[0]:
                    raise ValidationError(_("A higher tier needs more than {lower} "
                                            "({amount}).").format(
                        lower=tier_label(lower.name), amount=_threshold_text(session, basis, low)),
                        field=field)
                raise ValidationError(_("A lower tier needs less than {higher} "
                                        "({amount}).").format(
                    higher=tier_label(tier.name),
                    amount=_threshold_text(session, basis, threshold)),
                    field=field)
            lower = tier


def _renumber(session: Session, ordered: list[Tier]) -> None:
    for position, tier in enumerate(ordered):
        if tier.position != position:
            tier.position = position
            session.add(tier)


def _apply(tier: Tier, fields: _Fields) -> None:
    tier.name = fields.name
    tier.min_spend = fields.min_spend
    tier.min_points = fields.min_points
    tier.discount_percent = fields.discount_percent or None
    tier.points_percent = fields.points_percent if fields.points_percent != 100 else None
    tier.reward_points = fields.reward_points or None


@boundary
def create_tier(session: Session, *, staff_id: int, name: str, min_spend: int | None = None,
                min_points: int | None = None, discount_percent: int | None = None,
                points_percent: int | None = None,
                reward_points: int | None = None, approved_by: int | None = None) -> TierRow:
    """Add a tier. It takes the rank its threshold on the salon's basis says (above every
    tier that needs as much or less; without one, at the top); the thresholds must then
    rise with the rank on both bases."""
    fields = _clean_fields(session, tier_id=None, name=name, min_spend=min_spend,
                           min_points=min_points, discount_percent=discount_percent,
                           points_percent=points_percent, reward_points=reward_points)
    ordered = all_tiers(session, lock=True)
    basis = get_tier_settings(session).basis
    mine = fields.min_points if basis == BASIS_POINTS else fields.min_spend
    at = len(ordered)
    if mine is not None:
        below = [i for i, t in enumerate(ordered)
                 if (found := _threshold(t, basis)) is not None and found <= mine]
        at = 1 + max(below, default=0)
    tier = Tier(name=fields.name, position=at, active=True, created_at=clock.now())
    _apply(tier, fields)
    ordered.insert(max(at, 1) if ordered else 0, tier)
    _check_order(session, ordered, subjects=(tier,))
    approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                  permission=Permission.SETTINGS)
    session.add(tier)
    _renumber(session, ordered)
    session.flush()
    audit.record(session, staff_id=staff_id, action="create_tier", entity="tier",
                 entity_id=tier.id, after=audit.snapshot(tier), approved_by=approver)
    return tier_row(tier)


@boundary
def update_tier(session: Session, *, staff_id: int, tier_id: int, name: str,
                min_spend: int | None = None, min_points: int | None = None,
                discount_percent: int | None = None, points_percent: int | None = None,
                reward_points: int | None = None, approved_by: int | None = None) -> TierRow:
    """Change a tier. A new name is written to its holders' ``customer.tier`` in the same
    transaction; new thresholds move customers at their next sale or refund; sales already
    made keep what they were given."""
    tier = load_tier(session, tier_id)
    fields = _clean_fields(session, tier_id=tier_id, name=name, min_spend=min_spend,
                           min_points=min_points, discount_percent=discount_percent,
                           points_percent=points_percent, reward_points=reward_points)
    ordered = all_tiers(session, lock=True)
    before = audit.snapshot(tier)
    old_name = tier.name
    with session.no_autoflush:
        _apply(tier, fields)
        _check_order(session, ordered, subjects=(tier,))
    approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                  permission=Permission.SETTINGS)
    session.add(tier)
    renamed = 0
    if tier.name != old_name:
        first = ordered[0].id == tier.id
        renamed = session.connection().execute(text(
            "UPDATE customer SET tier = :name WHERE tier_id = :t"
            + (" OR tier_id IS NULL" if first else "")),
            {"name": tier.name, "t": tier.id}).rowcount or 0
    session.flush()
    audit.record(session, staff_id=staff_id, action="update_tier", entity="tier",
                 entity_id=tier.id, before=before,
                 after={**audit.snapshot(tier), "customers_renamed": renamed}, approved_by=approver)
    return tier_row(tier)


@boundary
def retire_tier(session: Session, *, staff_id: int, tier_id: int,
                approved_by: int | None = None) -> TierRow:
    """Retire a tier: nobody earns it or is given it any more, and its holders move at
    once to the tier their figure earns (any hold ends), each with a row of history. The
    first tier is never retired."""
    tier = load_tier(session, tier_id)
    ordered = all_tiers(session, lock=True)
    if ordered[0].id == tier.id:
        raise RuleViolation(_("The first tier cannot be retired."), field="tier")
    if not tier.active:
        return tier_row(tier)
    approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                  permission=Permission.SETTINGS)
    tier.active = False
    session.add(tier)
    session.flush()
    holders = [cid for (cid,) in session.execute(text(
        "SELECT id FROM customer WHERE tier_id = :t ORDER BY id"), {"t": tier.id})]
    reason = _("The tier {name} was retired").format(name=tier.name)[:MAX_REASON]
    moved = 0
    for customer_id in holders:
        if refresh_tier(session, customer_id=customer_id, staff_id=staff_id,
                        reason=reason) is not None:
            moved += 1
    audit.record(session, staff_id=staff_id, action="retire_tier", entity="tier",
                 entity_id=tier.id, before={"active": True},
                 after={"active": False, "customers_moved": moved}, approved_by=approver)
    return tier_row(tier)


@boundary
def restore_tier(session: Session, *, staff_id: int, tier_id: int,
                 approved_by: int | None = None) -> TierRow:
    """Bring a retired tier back (its threshold must still fit the ladder); customers
    reach it again at their next sale or refund."""
    tier = load_tier(session, tier_id)
    if tier.active:
        return tier_row(tier)
    ordered = all_tiers(session, lock=True)
    with session.no_autoflush:
        tier.active = True
        _check_order(session, ordered, subjects=(tier,))
    approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                  permission=Permission.SETTINGS)
    session.add(tier)
    audit.record(session, staff_id=staff_id, action="restore_tier", entity="tier",
                 entity_id=tier.id, before={"active": False}, after={"active": True},
                 approved_by=approver)
    return tier_row(tier)


@boundary
def move_tier(session: Session, *, staff_id: int, tier_id: int, direction: str,
              approved_by: int | None = None) -> TierRow:
    """Move a tier one rank lower or higher (``direction``: "lower" / "higher"). At either
    end nothing moves and nothing is written; a move that would break the ladder (the
    first tier starts at 0, thresholds rise with the rank) is refused."""
    if direction not in (LOWER, HIGHER):
        raise ValidationError(_("A tier moves one rank lower or higher."), field="direction")
    tier = load_tier(session, tier_id)
    ordered = all_tiers(session, lock=True)
    index = next(i for i, t in enumerate(ordered) if t.id == tier.id)
    other = index - 1 if direction == LOWER else index + 1
    if not 0 <= other < len(ordered):
        return tier_row(tier)
    before = {t.name: t.position for t in ordered}
    ordered[index], ordered[other] = ordered[other], ordered[index]
    _check_order(session, ordered, subjects=(tier, ordered[index]), moving=True)
    approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                  permission=Permission.SETTINGS)
    _renumber(session, ordered)
    session.flush()
    audit.record(session, staff_id=staff_id, action="move_tier", entity="tier",
                 entity_id=tier.id, before={"positions": before},
                 after={"positions": {t.name: t.position for t in ordered}}, approved_by=approver)
    return tier_row(tier)


@boundary
def update_tier_settings(session: Session, *, staff_id: int, basis: str, period_months: int,
                         topup_spend: str, approved_by: int | None = None) -> TierSettings:
    """How the salon ranks: ``basis`` spend or points, over ``period_months`` (1 to 120)
    rolling months, a top-up counting as spend when ``paid`` or when ``spent``. Customers
    move at their next sale or refund; the header's "Spent" follows ``topup_spend`` at
    once (one rule of spend)."""
    if basis not in BASES:
        raise ValidationError(_("Rank by spend or by points."), field="tier_basis")
    months = whole_number(period_months, field="tier_period_months", low=1,
                          high=MAX_PERIOD_MONTHS, texts=NumberTexts(
        not_whole=_("The period is a whole number of months."),
        too_low=_("The period is at least {low} month."),
        too_high=_("The period is at most {high} months.")))
    if topup_spend not in TOPUP_SPEND_CHOICES:
        raise ValidationError(_("A top-up counts when paid or when spent."),
                              field="topup_spend")
    approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                  permission=Permission.SETTINGS)
    row = session.get(SalonSettings, 1) or SalonSettings()
    before = {"tier_basis": row.tier_basis, "tier_period_months": row.tier_period_months,
              "topup_spend": row.topup_spend}
    row.tier_basis, row.tier_period_months, row.topup_spend = basis, months, topup_spend
    session.add(row)
    audit.record(session, staff_id=staff_id, action="update_tier_settings", entity="settings",
                 entity_id=1, before=before,
                 after={"tier_basis": basis, "tier_period_months": months,
                        "topup_spend": topup_spend}, approved_by=approver)
    return TierSettings(basis=basis, period_months=months, topup_spend=topup_spend)
