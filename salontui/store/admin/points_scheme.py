"""The points scheme: how a sale earns points, what a point is worth, when points expire.

The scheme is part of the salon's settings row (``salon_settings``: the rate, the value of
a point, which kinds of line earn, the rounding, the days points are kept), edited here
by one named function of its own, audited before and after. A sale keeps the rule it
earned under on its invoice (:class:`~salontui.store.rules.PointsRule`, with the group
multiplier of its customer), so changing the scheme never changes the points an invoice
earned, and ``check`` recomputes each invoice by its own rule.

Which payments are money is the salon's data too: a payment method's kind
(``payment_method.kind``) says whether it is points or waived (never money), or stored
value (not money again when top-ups earn: it earned when it was put on the card).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

from sqlmodel import Session, select

from salontui.i18n import _
from salontui.store import audit, rules
from salontui.store.admin.permissions import require_permission
from salontui.store.bounds import boundary
from salontui.store.errors import ValidationError
from salontui.store.kinds import BUILT_IN_METHOD_KINDS, Permission
from salontui.store.models import CustomerGroup, PaymentMethodRow, SalonSettings
from salontui.store.numbers import NumberTexts, whole_number
from salontui.store.settings import get_settings

MAX_PER_AMOUNT = 100_000_000  # minor units per point: beyond that it is a typing slip
MAX_EXPIRY_DAYS = 3650  # ten years


@dataclass(frozen=True)
class PointsScheme:
    """The salon's points scheme as the owner edits it."""

    points_per_amount: int  # minor units of sales per point
    point_value: int  # minor units a point pays
    services: bool
    products: bool
    packages: bool
    topups: bool
    rounding: str  # rules.ROUND_DOWN / ROUND_NEAREST
    expiry_days: int | None  # None: points never expire
    currency: str = "VND"
    currency_exponent: int = 0

    @property
    def earns_nothing(self) -> bool:
        """No kind of line earns: the rate is kept, but no sale earns a point."""
        return not (self.services or self.products or self.packages or self.topups)


def _scheme(row: SalonSettings) -> PointsScheme:
    return PointsScheme(
        points_per_amount=row.points_per_amount, point_value=row.point_value,
        services=row.points_services, products=row.points_products,
        packages=row.points_packages, topups=row.points_topups,
        rounding=row.points_rounding, expiry_days=row.points_expiry_days,
        currency=row.currency, currency_exponent=row.currency_exponent)


@boundary
def get_points_scheme(session: Session) -> PointsScheme:
    """The scheme now (the defaults when the settings row was never written)."""
    return _scheme(session.get(SalonSettings, 1) or SalonSettings())


def _per_amount(value: int, *, exponent: int) -> int:
    unit = 10 ** exponent
    amount = whole_number(value, field="points_per_amount", texts=NumberTexts(
        not_whole=_("The amount per point must be a whole amount."),
        negative=_("The amount per point must be more than zero.")))
    if amount <= 0:
        raise ValidationError(_("The amount per point must be more than zero."),
                              field="points_per_amount")
    if amount < unit:
        raise ValidationError(_("The amount per point must be at least one whole unit of "
                                "the currency."), field="points_per_amount")
    if amount > MAX_PER_AMOUNT:
        raise ValidationError(_("The amount per point is too large: nobody would ever earn "
                                "a point."), field="points_per_amount")
    return amount


def _point_value(value: int, *, per_amount: int) -> int:
    worth = whole_number(value, field="point_value", texts=NumberTexts(
        not_whole=_("The value of a point must be a whole amount."),
        negative=_("The value of a point must be more than zero.")))
    if worth <= 0:
        raise ValidationError(_("The value of a point must be more than zero."),
                              field="point_value")
    if worth > per_amount:
        raise ValidationError(_("A point cannot be worth more than the amount spent to earn "
                                "it."), field="point_value")
    return worth


def _expiry(days: int | None) -> int | None:
    if days is None:
        return None
    return whole_number(days, field="expiry_days", low=1, high=MAX_EXPIRY_DAYS,
                        texts=NumberTexts(
                            not_whole=_("The days points are kept must be a whole number."),
                            too_low=_("Points are kept at least {low} day."),
                            too_high=_("Points are kept at most {high} days (ten years)."),
                        ))


@boundary
def update_points_scheme(session: Session, *, staff_id: int, points_per_amount: int,
                         point_value: int, services: bool, products: bool, packages: bool,
                         topups: bool, rounding: str, expiry_days: int | None,
                         approved_by: int | None = None) -> PointsScheme:
    """Change the scheme; sales already made keep what they earned (and the rule they
    earned under). No kind earning is allowed: then no sale earns a point."""
    row = session.get(SalonSettings, 1) or SalonSettings()
    before = asdict(_scheme(row))
    per_amount = _per_amount(points_per_amount, exponent=row.currency_exponent)
    worth = _point_value(point_value, per_amount=per_amount)
    if rounding not in rules.POINTS_ROUNDINGS:
        raise ValidationError(_("Rounding is down or nearest."), field="rounding")
    keep = _expiry(expiry_days)
    approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                  permission=Permission.SETTINGS)
    row.points_per_amount, row.point_value = per_amount, worth
    row.points_services, row.points_products = services, products
    row.points_packages, row.points_topups = packages, topups
    row.points_rounding, row.points_expiry_days = rounding, keep
    session.add(row)
    session.flush()
    after = asdict(_scheme(row))
    audit.record(session, staff_id=staff_id, action="update_points_scheme",
                 entity="settings", entity_id=1, before=before, after=after, approved_by=approver)
    return _scheme(row)


# --- what the checkout earns under --------------------------------------------------------


def group_percent(session: Session, group_id: int | None) -> int:
    """The points multiplier of a customer's group (100 when in none)."""
    if group_id is None:
        return 100
    group = session.get(CustomerGroup, group_id)
    return 100 if group is None else group.points_percent


def sale_rule(session: Session, *, group_id: int | None) -> rules.PointsRule:
    """The rule a sale earns under now: the salon's kinds and rounding, the customer's
    group multiplier."""
    settings = get_settings(session)
    return rules.PointsRule(
        services=settings.points_services, products=settings.points_products,
        packages=settings.points_packages, topups=settings.points_topups,
        percent=group_percent(session, group_id), rounding=settings.points_rounding)


def payment_kinds(session: Session, codes: Iterable[str]) -> dict[str, str]:
    """The kind of each payment code (the salon's list of methods; the built-in kinds for
    a code the list does not hold)."""
    wanted = set(codes)
    found = dict(session.exec(select(PaymentMethodRow.code, PaymentMethodRow.kind)
                              .where(PaymentMethodRow.code.in_(wanted))).all()  # type: ignore[attr-defined]
                 ) if wanted else {}
    return {code: found.get(code, BUILT_IN_METHOD_KINDS.get(code, "cash"))
            for code in wanted}
