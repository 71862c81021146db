"""Loyalty tiers: the salon's ladder (Member, Silver, Gold, Diamond…), what ranks a
customer on it, and the one engine that moves them.

**Ranking.** A customer ranks by their *ranking spend* over the salon's rolling period
(``tier_period_months``, 12 by default, ending now): the one rule of spend
(``summary.spend_sql``: what they paid for services, products and packages, net of
refunds; a top-up of stored value counts once, when paid or when spent as the salon's
``topup_spend`` says), over the invoices of the period, plus the accumulated spend given
or taken by hand in the period (``spend_entry``). Or, when the salon ranks by points
(``tier_basis`` = "points"), by their *ranking points*: the points their sales earned in
the period, net of what refunds took back (kinds earn and unearn; points given by hand,
rewards, spent or expired points do not rank: a customer does not fall a tier for paying
with points, and a reward never lifts its own tier).

**The ladder.** A tier has a rank (``position``, 0 the first tier), a threshold on each
basis (``min_spend``, ``min_points``; none: never reached on that basis, only by hand), a
benefit (a discount in percent on services, a points multiplier of 100 to 1000 %) and a
one-time reward in points. The first tier starts at 0 on both bases and cannot be
retired; thresholds rise with the rank (checked at the field, on every change), so the
*earned tier* (:func:`earned_tier`) is simply the highest active tier whose threshold the
figure reaches.

**The engine** (:func:`refresh_tier`, after every sale and refund of the customer, in
the same transaction; and after anything else that moves spend or points) applies the
manual holds:

* no hold: the customer holds the earned tier;
* held **up** (given a tier above the earned one by hand): they keep it until spend earns
  a higher one, which they then get (the hold ends);
* held **down** (given a tier below the earned one by hand): they keep the lower tier
  until spend earns a tier higher than the one they held before the move
  (``tier_before_id``), which they then get (the hold ends). The hold is a ceiling, not a
  floor: if spend falls below the held tier they fall with it (still held down). A
  member moved down from the top tier stays down until moved by hand (or the salon adds
  a tier above).

Every change is a row of the customer's tier history (``tier_event``: from, to, why,
who, when, the adjustment ticket) and keeps ``customer.tier`` (the name many screens
read) in step with ``customer.tier_id``. Reaching a tier *upwards*, by spend or by hand,
gives its reward once per customer and tier (a ``reward`` entry of the points ledger
naming the tier; the ledger is the record that it was given), to an active member only.

**Excluded members** (and members not activated yet) keep a tier that follows their
spend like anyone's, but get no benefit from it: no discount, no multiplier (they earn no
points at all), no reward. :func:`tier_benefit` is what the checkout asks, with the
sentence it shows when the benefit is withheld.

A change of the salon's basis, period or top-up setting, or of a threshold, moves each
customer at their next sale or refund (re-ranking 100,000 customers at once is not a
back-office keystroke); retiring a tier moves its holders at once.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import DateTime, bindparam, text
from sqlmodel import Session, col, select

from salontui.i18n import _
from salontui.store import audit, clock
from salontui.store.bounds import boundary
from salontui.store.db import for_update
from salontui.store.errors import NotFound, RuleViolation
from salontui.store.kinds import LedgerEntryKind, MemberState
from salontui.store.models import (
    AdjustmentTicket,
    Customer,
    Staff,
    Tier,
    TierEvent,
    stored_id,
)
from salontui.store.money import format_money
from salontui.store.names import tier_label
from salontui.store.settings import get_settings
from salontui.store.staff import require_staff
from salontui.store.summary import spend_sql
from salontui.store.text import clean_line, quote

MAX_NAME = 40  # tier.name
MAX_REASON = 250  # tier_event.reason
MAX_PERIOD_MONTHS = 120
MAX_MIN_POINTS = 10**9
MAX_REWARD = 1_000_000
MIN_MULTIPLIER, MAX_MULTIPLIER = 100, 1000
BASIS_SPEND, BASIS_POINTS = "spend", "points"
BASES = (BASIS_SPEND, BASIS_POINTS)
HOLD_UP, HOLD_DOWN = "up", "down"
LOWER, HIGHER = "lower", "higher"  # move_tier's directions: one rank down or up
REWARD_REF = "tier"  # the ref_type of a reward's ledger entry (ref_id: the tier)


# -- rows ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TierRow:
    """A tier as the back office lists it."""

    id: int
    name: str
    position: int  # rank: 0 the first tier
    min_spend: int | None  # None: not reached by spend (only by hand)
    min_points: int | None
    discount_percent: int  # on services; 0: none
    points_percent: int  # 100: as everyone
    reward_points: int  # 0: none
    active: bool
    holders: int = 0  # customers (not deleted) in it

    def threshold(self, basis: str) -> int | None:
        return self.min_points if basis == BASIS_POINTS else self.min_spend


@dataclass(frozen=True)
class TierSettings:
    """How the salon ranks: by spend or points, over how many months, and when a top-up of
    stored value counts as spend."""

    basis: str
    period_months: int
    topup_spend: str


@dataclass(frozen=True)
class TierChange:
    """A customer's tier changed (one row of their history)."""

    customer_id: int
    event_id: int
    from_tier_id: int | None
    to_tier_id: int
    from_name: str
    to_name: str
    reason: str
    hold: str  # the hold after the change: "" / up / down
    reward_points: int = 0  # given with the change (0: none)


@dataclass(frozen=True)
class TierEventRow:
    """One row of a customer's tier history."""

    id: int
    created_at: datetime
    from_name: str
    to_name: str
    reason: str
    staff_name: str
    ticket_code: str  # "" when no ticket


@dataclass(frozen=True)
class TierBenefit:
    """What the customer's tier gives at the checkout, or why it gives nothing."""

    tier_id: int
    name: str
    discount_percent: int  # on services (0 when refused)
    points_percent: int  # 100 when refused
    refused: str = ""  # the sentence the checkout shows when the benefit is withheld


def tier_row(tier: Tier, holders: int = 0) -> TierRow:
    return TierRow(id=stored_id(tier), name=tier.name, position=tier.position,
                   min_spend=tier.min_spend, min_points=tier.min_points,
                   discount_percent=tier.discount_percent or 0,
                   points_percent=tier.points_percent or 100,
                   reward_points=tier.reward_points or 0, active=tier.active,
                   holders=holders)


def money_text(session: Session, minor: int) -> str:
    s = get_settings(session)
    return format_money(minor, currency=s.currency, exponent=s.currency_exponent,
                        locale=s.locale)


# -- reading ------------------------------------------------------------------------------


def all_tiers(session: Session, *, lock: bool = False) -> list[Tier]:
    statement = select(Tier).order_by(col(Tier.position), col(Tier.id))
    return list(session.exec(for_update(statement, session) if lock else statement))


@boundary
def list_tiers(session: Session, include_inactive: bool = False) -> list[TierRow]:
    """The tiers by rank (the first tier first), with how many customers hold each."""
    tiers = all_tiers(session)
    first = tiers[0].id if tiers else None
    holders: dict[int | None, int] = {}
    for tier_id, n in session.execute(text(
            "SELECT tier_id, count(*) FROM customer WHERE deleted_at IS NULL "
            "GROUP BY tier_id")):
        key = first if tier_id is None else tier_id
        holders[key] = holders.get(key, 0) + int(n)
    return [tier_row(t, holders.get(t.id, 0)) for t in tiers if include_inactive or t.active]


@boundary
def first_tier_id(session: Session) -> int:
    """The first tier (rank 0), where every new customer starts."""
    tier = session.exec(select(Tier).order_by(col(Tier.position), col(Tier.id))).first()
    if tier is None:  # the migration seeds "Member": only a damaged database has none
        raise NotFound(_("The salon has no tiers."), field="tier")
    return stored_id(tier)


def load_tier(session: Session, tier_id: int) -> Tier:
    tier = session.get(Tier, tier_id) if isinstance(tier_id, int) else None
    if tier is None:
        raise NotFound(_("No tier #{id}.").format(id=tier_id), field="tier")
    return tier


@boundary
def get_tier_settings(session: Session) -> TierSettings:
    s = get_settings(session)
    return TierSettings(basis=s.tier_basis, period_months=s.tier_period_months,
                        topup_spend=s.topup_spend)


# -- ranking ------------------------------------------------------------------------------


def months_before(moment: datetime, months: int) -> datetime:
    """``moment`` moved back ``months`` calendar months (31 March − 1 month: 28/29 February)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


def _period(session: Session, as_of: datetime | None) -> tuple[TierSettings, dict]:
    settings = get_tier_settings(session)
    until = as_of or clock.now()
    return settings, {"since": months_before(until, settings.period_months), "until": until}


def _scalar(session: Session, sql: str, params: dict) -> int:
    statement = text(sql).bindparams(bindparam("since", type_=DateTime()),
                                     bindparam("until", type_=DateTime()))
    return int(session.execute(statement, params).scalar_one() or 0)


def ranking_spend_sql(topup_spend: str) -> str:
    """The SQL of :func:`ranking_spend` for the customer ``:c`` over ``:since`` to
    ``:until`` (a statement over many customers puts the outer row's id for ``:c``, as the
    export of members does)."""
    return (f"{spend_sql(topup_spend, since=True)} + (SELECT coalesce(sum(amount), 0) "
            "FROM spend_entry WHERE customer_id = :c AND created_at >= :since "
            "AND created_at <= :until)")


def ranking_window(session: Session, as_of: datetime | None = None) -> dict:
    """``{"since": …, "until": …}``: the salon's rolling period ending at ``as_of`` (now)."""
    return _period(session, as_of)[1]


def _ranking_spend(session: Session, customer_id: int, settings: TierSettings,
                   window: dict) -> int:
    return _scalar(session, f"SELECT {ranking_spend_sql(settings.topup_spend)}",
                   {"c": customer_id, **window})


def _ranking_points(session: Session, customer_id: int, window: dict) -> int:
    return _scalar(session, "SELECT coalesce(sum(amount), 0) FROM ledger_entry "
                   "WHERE customer_id = :c AND account = 'points' "
                   "AND kind IN ('earn', 'unearn') AND created_at >= :since "
                   "AND created_at <= :until", {"c": customer_id, **window})


@boundary
def ranking_spend(session: Session, customer_id: int, as_of: datetime | None = None) -> int:
    """What ranks the customer by spend: their spend over the rolling period ending at
    ``as_of`` (now), plus the spend given or taken by hand in it (one statement)."""
    settings, window = _period(session, as_of)
    return _ranking_spend(session, customer_id, settings, window)


@boundary
def ranking_points(session: Session, customer_id: int, as_of: datetime | None = None) -> int:
    """What ranks the customer by points: the points their sales earned over the rolling
    period ending at ``as_of`` (now), less what refunds took back."""
    _settings, window = _period(session, as_of)
    return _ranking_points(session, customer_id, window)


def _figure(session: Session, customer_id: int, as_of: datetime | None = None
            ) -> tuple[str, int]:
    settings, window = _period(session, as_of)
    if settings.basis == BASIS_POINTS:
        return BASIS_POINTS, _ranking_points(session, customer_id, window)
    return BASIS_SPEND, _ranking_spend(session, customer_id, settings, window)


def _earned(tiers: list[Tier], basis: str, figure: int) -> Tier:
    """The highest active tier whose threshold on ``basis`` the figure reaches; the first
    tier when none does (a figure below 0, after a spend deduction)."""
    found = tiers[0]
    for tier in tiers:
        threshold = tier.min_points if basis == BASIS_POINTS else tier.min_spend
        if tier.active and threshold is not None and threshold <= figure:
            found = tier
    return found


@boundary
def earned_tier(session: Session, customer_id: int) -> TierRow:
    """The tier the customer's ranking figure earns now (holds by hand aside)."""
    tiers = all_tiers(session)
    if not tiers:
        raise NotFound(_("The salon has no tiers."), field="tier")
    basis, figure = _figure(session, customer_id)
    return tier_row(_earned(tiers, basis, figure))


# -- the engine ---------------------------------------------------------------------------


def _lock_customer(session: Session, customer_id: int) -> Customer:
    if isinstance(customer_id, bool) or not isinstance(customer_id, int):
        raise NotFound(_("No customer #{id}.").format(id=customer_id), field="customer")
    customer = session.exec(for_update(select(Customer).where(Customer.id == customer_id),
                                       session)).first()
    if customer is None:
        raise NotFound(_("No customer #{id}.").format(id=customer_id), field="customer")
    return customer


def _reward_given(session: Session, customer_id: int, tier_id: int) -> bool:
    return session.execute(text(
        "SELECT 1 FROM ledger_entry WHERE ref_type = :r AND ref_id = :t "
        "AND customer_id = :c AND kind = :k"),
        {"r": REWARD_REF, "t": tier_id, "c": customer_id,
         "k": str(LedgerEntryKind.REWARD)}).first() is not None


def _give_reward(session: Session, customer: Customer, tier: Tier,
                 staff_id: int | None) -> int:
    """The tier's reward, once per customer and tier, to an active member: the points."""
    from salontui.store.ledger import post_entry

    points = tier.reward_points or 0
    if points <= 0 or customer.member_state != MemberState.ACTIVE:
        return 0
    if _reward_given(session, stored_id(customer), stored_id(tier)):
        return 0
    post_entry(session, customer_id=stored_id(customer), account="points", amount=points,
               kind=str(LedgerEntryKind.REWARD),
               reason=_("Reward for reaching {tier}").format(
                   tier=tier_label(tier.name))[:MAX_REASON],
               ref_type=REWARD_REF, ref_id=stored_id(tier), operator_id=staff_id)
    return points


def _move(session: Session, customer: Customer, tiers: dict[int, Tier], target: Tier, *,
          hold: str, before_id: int | None, reason: str, staff_id: int | None,
          ticket_id: int | None, action: str) -> TierChange:
    """Put the customer in ``target`` with ``hold``: the history row, the name kept in step,
    the reward when it is a move up, one audit row."""
    current_id = customer.tier_id or min(tiers.values(), key=lambda t: t.position).id
    current = tiers.get(current_id) if current_id is not None else None
    before = {"tier_id": customer.tier_id, "tier": customer.tier, "hold": customer.tier_hold,
              "tier_before_id": customer.tier_before_id}
    event = TierEvent(customer_id=stored_id(customer), from_tier_id=current_id,
                      to_tier_id=target.id, reason=reason, ticket_id=ticket_id,
                      created_at=clock.now(), staff_id=staff_id)
    session.add(event)
    customer.tier_id = target.id
    customer.tier = target.name
    customer.tier_hold = hold
    customer.tier_before_id = before_id if hold == HOLD_DOWN else None
    session.add(customer)
    session.flush()
    up = current is None or target.position > current.position
    reward = _give_reward(session, customer, target, staff_id) if up else 0
    audit.record(session, staff_id=staff_id, action=action, entity="customer",
                 entity_id=customer.id, before=before,
                 after={"tier_id": target.id, "tier": target.name, "hold": hold,
                        "tier_before_id": customer.tier_before_id, "reason": reason,
                        "ticket_id": ticket_id, "event_id": event.id,
                        "reward_points": reward})
    return TierChange(customer_id=stored_id(customer), event_id=stored_id(event),
                      from_tier_id=current_id, to_tier_id=stored_id(target),
                      from_name=current.name if current is not None else "",
                      to_name=target.name, reason=reason, hold=hold, reward_points=reward)


def _clean_reason(reason: str | None, *, required: bool) -> str:
    return clean_line(reason, field="reason", limit=MAX_REASON,
                      required=_("Say why the tier changes.") if required else None,
                      too_long=_("The reason is longer than {limit} characters."))


def _target(tiers: dict[int, Tier], current: Tier, earned: Tier, hold: str,
            before: Tier | None) -> tuple[Tier, str]:
    """Where the manual rules put a customer holding ``current`` (held ``hold``) whose
    figure earns ``earned``: the tier and the hold after."""
    if hold == HOLD_UP and current.active:
        if earned.position > current.position:
            return earned, ""
        return current, HOLD_UP
    if hold == HOLD_DOWN and current.active:
        ceiling = before.position if before is not None else current.position
        if earned.position > ceiling:
            return earned, ""
        if earned.position < current.position:
            return earned, HOLD_DOWN  # a ceiling, not a floor: down with the spend
        return current, HOLD_DOWN
    return earned, ""


@boundary
def refresh_tier(session: Session, *, customer_id: int, staff_id: int | None, reason: str,
                 ticket_id: int | None = None) -> TierChange | None:
    """Move the customer to the tier their ranking figure and the manual holds give now
    (see the module); None when they stay where they are. Call it, in the same
    transaction, after anything that moves their spend or points: a sale, a refund, spend
    given by hand, an adjustment ticket. Cheap: the tiers, the customer's row and one
    indexed statement of their figure."""
    reason = _clean_reason(reason, required=True)
    customer = _lock_customer(session, customer_id)
    ordered = all_tiers(session)
    if not ordered:
        return None
    tiers = {stored_id(t): t for t in ordered}
    current = tiers.get(customer.tier_id or stored_id(ordered[0]), ordered[0])
    basis, figure = _figure(session, customer_id)
    earned = _earned(ordered, basis, figure)
    before = tiers.get(customer.tier_before_id) if customer.tier_before_id else None
    target, hold = _target(tiers, current, earned, customer.tier_hold, before)
    if target.id == current.id and customer.tier_id is not None:
        if hold != customer.tier_hold:  # the hold ends without a move: no history row
            customer.tier_hold = hold
            customer.tier_before_id = customer.tier_before_id if hold == HOLD_DOWN else None
            session.add(customer)
        return None
    if target.id == current.id:  # no tier recorded yet (the first, implied): record it
        customer.tier_id, customer.tier = target.id, target.name
        session.add(customer)
        return None
    return _move(session, customer, tiers, target, hold=hold,
                 before_id=customer.tier_before_id, reason=reason, staff_id=staff_id,
                 ticket_id=ticket_id, action="tier_change")


@boundary
def set_tier_by_hand(session: Session, *, staff_id: int, customer_id: int, tier_id: int,
                     reason: str, ticket_id: int | None = None) -> TierChange:
    """Give the customer a tier by hand, saying why (from an adjustment ticket: its id).

    Above the tier their figure earns, it is held **up** (kept until spend earns a higher
    one); below it, held **down** (kept until spend earns a tier higher than the one held
    before the move: the tier they hold now, or the one they held before an earlier move
    down that still holds); the earned tier itself ends any hold. Reaching a tier upwards
    gives its reward if it was never given to them. Refused: the tier they already hold,
    a retired tier, a deleted customer."""
    require_staff(session, staff_id)
    reason = _clean_reason(reason, required=True)
    target = load_tier(session, tier_id)
    if not target.active:
        raise RuleViolation(_("The tier {name} is retired.").format(name=quote(target.name)),
                            field="tier")
    customer = _lock_customer(session, customer_id)
    if customer.deleted_at is not None:
        raise RuleViolation(_("This customer is deleted; restore them first."),
                            field="customer")
    ordered = all_tiers(session)
    tiers = {stored_id(t): t for t in ordered}
    current = tiers.get(customer.tier_id or stored_id(ordered[0]), ordered[0])
    if current.id == target.id:
        raise RuleViolation(_("{name} is already in {tier}.").format(
            name=customer.name, tier=tier_label(target.name)), field="tier")
    basis, figure = _figure(session, customer_id)
    earned = _earned(ordered, basis, figure)
    before_id: int | None = None
    if target.position > earned.position:
        hold = HOLD_UP
    elif target.position < earned.position:
        hold = HOLD_DOWN
        held_before = (tiers.get(customer.tier_before_id)
                       if customer.tier_hold == HOLD_DOWN and customer.tier_before_id
                       else None)
        before_id = stored_id(held_before if held_before is not None
                              and held_before.position > current.position else current)
    else:
        hold = ""
    return _move(session, customer, tiers, target, hold=hold, before_id=before_id,
                 reason=reason, staff_id=staff_id, ticket_id=ticket_id,
                 action="set_tier_by_hand")


@boundary
def keep_better_tier(session: Session, *, staff_id: int, kept_id: int, merged_id: int,
                     reason: str) -> TierChange | None:
    """A merge of customers: the customer kept takes the duplicate's tier when it ranks
    higher, held up (as if given by hand: kept until spend earns a higher one; the
    duplicate's invoices stay theirs and do not rank the customer kept). No reward: the
    tier was reached before, by the duplicate."""
    kept = _lock_customer(session, kept_id)
    merged = session.get(Customer, merged_id)
    ordered = all_tiers(session)
    if merged is None or not ordered:
        return None
    tiers = {stored_id(t): t for t in ordered}
    first = ordered[0]
    mine = tiers.get(kept.tier_id or stored_id(first), first)
    theirs = tiers.get(merged.tier_id or stored_id(first), first)
    if not theirs.active or theirs.position <= mine.position:
        return None
    before = {"tier_id": kept.tier_id, "tier": kept.tier, "hold": kept.tier_hold}
    event = TierEvent(customer_id=kept_id, from_tier_id=mine.id, to_tier_id=theirs.id,
                      reason=_clean_reason(reason, required=True), created_at=clock.now(),
                      staff_id=staff_id)
    session.add(event)
    kept.tier_id, kept.tier, kept.tier_hold, kept.tier_before_id = (
        theirs.id, theirs.name, HOLD_UP, None)
    session.add(kept)
    session.flush()
    audit.record(session, staff_id=staff_id, action="tier_change", entity="customer",
                 entity_id=kept_id, before=before,
                 after={"tier_id": theirs.id, "tier": theirs.name, "hold": HOLD_UP,
                        "reason": event.reason, "event_id": event.id})
    return TierChange(customer_id=kept_id, event_id=stored_id(event),
                      from_tier_id=mine.id, to_tier_id=stored_id(theirs),
                      from_name=mine.name, to_name=theirs.name, reason=event.reason,
                      hold=HOLD_UP)


@boundary
def tier_history(session: Session, customer_id: int, limit: int = 200) -> list[TierEventRow]:
    """The customer's tier changes, newest first: from, to, why, who, when, the ticket."""
    if isinstance(customer_id, bool) or not isinstance(customer_id, int) \
            or session.get(Customer, customer_id) is None:
        raise NotFound(_("No customer #{id}.").format(id=customer_id), field="customer")
    names = {t.id: t.name for t in all_tiers(session)}
    staff = dict(session.exec(select(Staff.id, Staff.name)).all())
    events = list(session.exec(select(TierEvent).where(TierEvent.customer_id == customer_id)
                               .order_by(col(TierEvent.id).desc()).limit(limit)))
    ticket_ids = {e.ticket_id for e in events if e.ticket_id is not None}
    tickets = dict(session.exec(select(AdjustmentTicket.id, AdjustmentTicket.code).where(
        col(AdjustmentTicket.id).in_(ticket_ids))).all()) if ticket_ids else {}
    return [TierEventRow(id=stored_id(e), created_at=e.created_at,
                         from_name=names.get(e.from_tier_id, "") if e.from_tier_id else "",
                         to_name=names.get(e.to_tier_id, "") if e.to_tier_id else "",
                         reason=e.reason, staff_name=staff.get(e.staff_id, "") or "",
                         ticket_code=tickets.get(e.ticket_id, "") if e.ticket_id else "")
            for e in events]


@dataclass(frozen=True)
class CustomerTier:
    """A customer's place on the ladder, for the desk: the tier held and how (``hold``;
    held down: ``before``, the tier held before the move), the tier their figure earns,
    the figure (spend or points, per ``basis``, over ``period_months``), the tiers they may
    be moved to (active, by rank) and their history."""

    customer_id: int
    tier_id: int
    tier: str
    hold: str
    before: str
    earned: str
    basis: str
    figure: int
    period_months: int
    tiers: list[TierRow]
    history: list[TierEventRow]


@boundary
def customer_tier(session: Session, customer_id: int) -> CustomerTier:
    """Everything the customer's tier dialog shows, in one read."""
    history = tier_history(session, customer_id)  # NotFound for no such customer
    customer = session.get(Customer, customer_id)
    assert customer is not None
    ordered = all_tiers(session)
    tiers = {stored_id(t): t for t in ordered}
    current = tiers.get(customer.tier_id or stored_id(ordered[0]), ordered[0])
    before = tiers.get(customer.tier_before_id) if customer.tier_before_id else None
    settings = get_tier_settings(session)
    basis, figure = _figure(session, customer_id)
    return CustomerTier(customer_id=customer_id, tier_id=stored_id(current),
                        tier=current.name, hold=customer.tier_hold,
                        before=before.name if before is not None else "",
                        earned=_earned(ordered, basis, figure).name, basis=basis,
                        figure=figure, period_months=settings.period_months,
                        tiers=[tier_row(t) for t in ordered if t.active], history=history)


# -- the benefit at the checkout ------------------------------------------------------------


def benefit_refusal(member_state: str | None, tier: str) -> str:
    """Why a customer's tier gives them nothing at the checkout ('' when it does)."""
    if member_state == MemberState.EXCLUDED:
        return _("No {tier} benefit (excluded)").format(tier=tier_label(tier))
    if member_state == MemberState.NOT_ACTIVATED:
        return _("No {tier} benefit (not activated)").format(tier=tier_label(tier))
    return ""


@boundary
def tier_benefit(session: Session, customer_id: int) -> TierBenefit | None:
    """The discount on services and the points multiplier the customer's tier gives now;
    nothing for an excluded or not-activated member (``refused`` says why). None: no
    such customer, or their tier gives no benefit at all."""
    row = session.execute(text(
        "SELECT c.member_state, t.id, t.name, t.discount_percent, t.points_percent, t.active "
        "FROM customer c JOIN tier t ON t.id = coalesce(c.tier_id, "
        " (SELECT id FROM tier ORDER BY position, id LIMIT 1)) WHERE c.id = :c"),
        {"c": customer_id}).first()
    if row is None:
        return None
    state, tier_id, name, discount, percent, active = row
    discount, percent = int(discount or 0), int(percent or 100)
    if not active or (discount == 0 and percent == 100):
        return None
    refused = benefit_refusal(state, name)
    if refused:
        return TierBenefit(tier_id=tier_id, name=name, discount_percent=0, points_percent=100,
                           refused=refused)
    return TierBenefit(tier_id=tier_id, name=name, discount_percent=discount,
                       points_percent=percent)
