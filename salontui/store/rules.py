"""The desk's money, points, package and debt rules as pure functions.

Each rule is written once here, on plain integers and days, and called both by
the store's transactions (``checkout.py``, ``packages.py``, ``refunds.py``,
``check.py``) and by the demo's bulk builder (``store/demo/``), so a rule
changed here is changed for the desk, for the proof and for the demo alike.
Nothing here touches a session, the clock or a translation: a rule says what
the figure is, the caller says what to refuse and how.

Days are either ``date`` objects (the desk) or day numbers (the demo counts
days from the first day of its history, as plain ``int``, for speed): a rule
that moves or compares days works on both and gives back the same kind.
Amounts are integer minor units (money.py); never float.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

from salontui.store.kinds import LineKind, PackageStatus
from salontui.store.money import share_of

Day = TypeVar("Day", date, int)

# Package statuses, in the order they win (see :func:`package_status`).
IN_USE, RESERVED, EXPIRED, USED_UP, CLOSED = tuple(PackageStatus)
# Why a debt repayment is refused (see :func:`repayment_problem`).
MORE_THAN_OWED, ON_ACCOUNT = "more_than_owed", "on_account"


# --- days -----------------------------------------------------------------------------------


def plus_days(day: Day, days: int) -> Day:
    """``day`` moved by ``days`` (negative: earlier); a date stays a date, a number a number."""
    return day + days if isinstance(day, int) else day + timedelta(days=days)


def days_between(start: Day, end: Day) -> int:
    """Whole days from ``start`` to ``end`` (negative when ``end`` is earlier)."""
    gap = end - start
    return gap if isinstance(gap, int) else gap.days


# --- invoice lines ----------------------------------------------------------------------------


def line_amount(*, quantity: int, unit_price: int, discount: int) -> int:
    """What a line costs: quantity × unit price, less the line's discount."""
    return quantity * unit_price - discount


def topup_credit(*, paid: int, credit: int | None = None) -> int:
    """The value a top-up puts on the card: what was paid, unless a credit is given
    (a bonus: 1,000,000 paid, 1,050,000 credited)."""
    return paid if credit is None else credit


def bonus_credit(paid: int, *, pay: int | None, get: int | None) -> int:
    """What a card type's bonus rule "pay ``pay`` get ``get``" credits for ``paid``: the
    amount, plus ``get − pay`` for every whole ``pay`` in it (pay 10,000,000 get 11,000,000:
    20,000,000 credits 22,000,000, 9,000,000 credits 9,000,000). Without a rule (either
    amount None, or ``pay`` not positive) it credits what was paid."""
    if pay is None or get is None or pay <= 0:
        return paid
    return paid + (paid // pay) * (get - pay)


def promotion_off(*, sales: int, percent: int, amount: int) -> int:
    """What a promotion takes off the sales lines: ``percent`` of them (floored) plus a
    fixed ``amount``, never more than the sales."""
    return min(sales * percent // 100 + amount, sales)


# --- points -------------------------------------------------------------------------------------


def points_rate(*, points_per_amount: int, member_state: str | None) -> int:
    """The earning rate an invoice keeps: the salon's ``points_per_amount`` for an active
    member; 0 (earns nothing) for a walk-in (``None``), a member not activated or excluded,
    or a salon that gives no points."""
    return points_per_amount if member_state == "active" and points_per_amount > 0 else 0


# How a point's fraction is settled: thrown away, or to the nearest point (a half up).
ROUND_DOWN, ROUND_NEAREST = "down", "nearest"
POINTS_ROUNDINGS = (ROUND_DOWN, ROUND_NEAREST)
# Payment kinds (payment_method.kind) that never earn: no money came in (a voucher's money,
# if any, came in when it was sold or given: store/books/vouchers.py).
NOT_MONEY_KINDS = ("points", "voucher", "waived")
_EARNING_SALES = (LineKind.SERVICE, LineKind.PRODUCT, LineKind.PACKAGE)


@dataclass(frozen=True)
class PointsRule:
    """How a sale earns points, kept on its invoice (``invoice.points_rule``) so the
    points it earned can be recomputed whatever the salon's scheme becomes.

    Which kinds of line earn (services, products, packages, top-ups), the customer's group
    multiplier in percent (100: as everyone, 150: half as much again, 0: nothing) and the
    rounding of the last fraction of a point. The rate (money per point) is kept apart,
    in ``invoice.points_rate``, as it was before the scheme had more to it. The default is
    the rule every sale before the scheme (migration 0005) earned under: services,
    products and packages, ×100 %, rounded down.

    ``tier_percent`` is the multiplier of the customer's loyalty tier (100: none), applied
    on top of the group's: the two multiply (a group at 150 % and a tier at 120 % earn
    180 %). It is written as a fourth part only when it is not 100, so every rule written
    before tiers reads back the same.
    """

    services: bool = True
    products: bool = True
    packages: bool = True
    topups: bool = False
    percent: int = 100
    rounding: str = ROUND_DOWN
    tier_percent: int = 100

    def earning_kinds(self) -> tuple[str, ...]:
        """The line kinds that earn, in the order of :class:`LineKind`."""
        wanted = {LineKind.SERVICE: self.services, LineKind.PRODUCT: self.products,
                  LineKind.PACKAGE: self.packages, LineKind.TOPUP: self.topups}
        return tuple(str(kind) for kind in LineKind if wanted.get(kind))

    def not_money_kinds(self) -> tuple[str, ...]:
        """Payment kinds that earn nothing: points, vouchers and waivers; and, when top-ups earn,
        stored value (the money earned once, when it was put on the card)."""
        return (*NOT_MONEY_KINDS, "value") if self.topups else NOT_MONEY_KINDS

    def encode(self) -> str:
        """The rule as the invoice keeps it: "service+product+package;150;down" (the
        kinds that earn, '+'-joined, possibly none; the percent; the rounding), and
        ";120" after it for a tier's multiplier other than 100: at most 60 characters."""
        text = f"{'+'.join(self.earning_kinds())};{self.percent};{self.rounding}"
        return text if self.tier_percent == 100 else f"{text};{self.tier_percent}"

    @classmethod
    def decode(cls, text: str | None) -> PointsRule:
        """The rule an invoice earned under; None (a sale before the scheme) is the legacy
        rule. Anything :meth:`encode` cannot have written raises ValueError."""
        if text is None:
            return LEGACY_POINTS_RULE
        parts = text.split(";")
        if len(parts) not in (3, 4):
            raise ValueError(f"not a points rule: {text!r}")
        kinds, percent, rounding = parts[:3]
        tier = parts[3] if len(parts) == 4 else "100"
        named = [k for k in kinds.split("+") if k] if kinds else []
        allowed = {str(k) for k in (*_EARNING_SALES, LineKind.TOPUP)}
        if (any(k not in allowed for k in named) or len(set(named)) != len(named)
                or not percent.isdigit() or rounding not in POINTS_ROUNDINGS
                or not tier.isdigit()):
            raise ValueError(f"not a points rule: {text!r}")
        rule = cls(services="service" in named, products="product" in named,
                   packages="package" in named, topups="topup" in named,
                   percent=int(percent), rounding=rounding, tier_percent=int(tier))
        if rule.encode() != text:  # one spelling per rule: what is sealed reads back the same
            raise ValueError(f"not a points rule: {text!r}")
        return rule


LEGACY_POINTS_RULE = PointsRule()


def points_base(rule: PointsRule, *, amounts: Mapping[str, int], discount: int) -> int:
    """What earns, before what was not paid with money is taken off: the lines of the
    kinds that earn (``amounts`` maps a line kind to the sum of its lines), less their
    share of the invoice discount (:func:`earning_base`)."""
    earning = rule.earning_kinds()
    return earning_base(
        sales=sum(amounts.get(k, 0) for k in _EARNING_SALES),
        earning_sales=sum(amounts.get(k, 0) for k in _EARNING_SALES if k in earning),
        topups=amounts.get(LineKind.TOPUP, 0) if rule.topups else 0, discount=discount)


def earning_base(*, sales: int, earning_sales: int, topups: int, discount: int) -> int:
    """The sales lines that earn (``earning_sales`` of all ``sales``: services, products,
    packages) less their share of the invoice discount, plus the top-ups that earn. The
    discount is taken off the sales lines (never a top-up), so the lines that earn carry
    the part of it in proportion to their amount, rounded up (all of it when every sales
    line earns)."""
    if earning_sales == sales:
        share = discount
    else:
        share = -(-discount * earning_sales // sales) if sales > 0 else 0
    return earning_sales - share + topups


def points_earned(*, sales: int, discount: int = 0, not_money: int = 0, rate: int,
                  rule: PointsRule = LEGACY_POINTS_RULE) -> int:
    """Points a sale earns: one per ``rate`` (the invoice's :func:`points_rate`) of what
    earns (``sales``: the lines of the kinds that earn, :func:`points_base`) after the
    invoice ``discount``, less what was paid without money (``not_money``: points,
    waivers, and stored value when top-ups earn), times the rule's group percent and its
    tier percent, rounded by the rule (down or to the nearest point) once, at the end; 0
    when the rate is 0 or the base is not positive. What was not paid with money is taken
    off what earns first, so a point is never earned on money that did not come in.

    1,250,000 of services at 10,000 a point for a group at 150 %: 187.5, so 187 points
    rounded down, 188 to the nearest; in a tier at 120 % as well: 225.
    """
    if rate <= 0 or rule.percent <= 0 or rule.tier_percent <= 0:
        return 0
    base = max(0, sales - discount - not_money) * rule.percent * rule.tier_percent
    per = rate * 10_000
    if rule.rounding == ROUND_NEAREST:
        return (2 * base + per) // (2 * per)
    return base // per


def points_for_amount(amount: int, *, point_value: int) -> int:
    """The whole points ``amount`` is worth at ``point_value`` each (floored): what a points
    payment of that amount takes off the balance."""
    return amount // point_value


def points_taken_back(*, earned: int, total: int, refunded_before: int, refund: int,
                      balance: int) -> int:
    """Points a refund takes back: the points the invoice earned (less any taken back
    before) in proportion of ``refund`` to what was left to refund (``total`` less
    ``refunded_before``), floored; all of them when the refund takes what is left; never
    more than the customer's ``balance``, never below 0."""
    if earned <= 0 or total <= 0:
        return 0
    left = total - refunded_before
    share = earned if refund >= left else earned * refund // left
    return max(0, min(share, balance))


# --- debt ---------------------------------------------------------------------------------------


def repayment_problem(*, owed: int, repaying: int, on_account: bool) -> str | None:
    """Why an invoice's debt repayment of ``repaying`` cannot go through, or None: it may
    not be more than the customer ``owed`` (:data:`MORE_THAN_OWED`), and a debt is not
    repaid on account (:data:`ON_ACCOUNT`). No repayment (0) is never a problem."""
    if repaying <= 0:
        return None
    if repaying > owed:
        return MORE_THAN_OWED
    if on_account:
        return ON_ACCOUNT
    return None


def debt_after(*, owed: int, repaid: int = 0, charged: int = 0) -> int:
    """The customer's debt after an invoice: what they owed, less what it repaid, plus the
    part paid on account."""
    return owed - repaid + charged


# --- packages -----------------------------------------------------------------------------------


def plan_sessions(*, kind: str | None, sessions: int | None) -> int | None:
    """The sessions a package sold from a plan starts with: the plan's count (count cards,
    gifts); 0 for a time card, which is used any number of times until it expires."""
    return 0 if kind == "time" else sessions


def expiry_from_validity(*, activated_on: Day, validity_days: int) -> Day:
    """A package's expiry: its activation day plus the plan's days of validity."""
    return plus_days(activated_on, validity_days)


def sessions_left(*, kind: str, total_uses: int, used: int) -> int | None:
    """Sessions still to use (total − used, never stored); None for a time card."""
    return None if kind == "time" else total_uses - used


def session_value(*, kind: str, price: int, total_uses: int, index: int) -> int:
    """The value session ``index`` (0-based) of a package recognises: an equal share of
    the price in minor units with the rounding remainder on the last session, so the
    sessions add up to the price (5980 over 7: six of 854 and a last of 856); 0 for a time
    card or a package without sessions."""
    if kind == "time" or total_uses <= 0:
        return 0
    return share_of(price, total_uses, index)


def package_status(*, kind: str, total_uses: int, used: int, expires_on: Day,
                   frozen_from: Day | None, frozen_until: Day | None, today: Day,
                   closed_on: Day | None = None) -> str:
    """closed (closed early: ``closed_on`` is set, whatever else is true) > reserved (frozen
    today: ``frozen_from <= today < frozen_until``) > expired (today is after the expiry
    day) > used up (a count or gift card with every session used) > in use. Only a package
    in use can be redeemed."""
    if closed_on is not None:
        return CLOSED
    if frozen_from is not None and frozen_until is not None and frozen_from <= today < frozen_until:
        return RESERVED
    if today > expires_on:
        return EXPIRED
    if kind != "time" and used >= total_uses:
        return USED_UP
    return IN_USE


def freeze(*, expires_on: Day, today: Day, days: int) -> tuple[Day, Day, Day]:
    """A freeze (reserve) of ``days`` days from today: (new expiry, frozen from, frozen
    until). The expiry moves out by the frozen days at once, so the desk can show it."""
    return plus_days(expires_on, days), today, plus_days(today, days)


def unused_frozen_days(*, frozen_from: Day | None, frozen_until: Day | None,
                       today: Day) -> int:
    """Days of a freeze not used yet if it ended today (0 when not frozen or over)."""
    if frozen_from is None or frozen_until is None:
        return 0
    return max(0, days_between(max(today, frozen_from), frozen_until))


def expiry_after_resume(*, expires_on: Day, frozen_from: Day | None, frozen_until: Day | None,
                        today: Day) -> Day:
    """The expiry when a freeze ends today: the frozen days not used are given back, so in
    the end the expiry has moved out by the days actually frozen."""
    back = unused_frozen_days(frozen_from=frozen_from, frozen_until=frozen_until, today=today)
    return plus_days(expires_on, -back)
