"""Salon settings live in the database, so every terminal of the salon shares them."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlmodel import Session

from salontui.i18n import _
from salontui.store import audit
from salontui.store.errors import ValidationError
from salontui.store.models import SalonSettings
from salontui.store.text import quote

# Minor-unit exponents of the currencies a salon is likely to use.
CURRENCY_EXPONENTS = {"VND": 0, "CNY": 2, "USD": 2, "EUR": 2, "THB": 2, "JPY": 0, "KRW": 0}


@dataclass(frozen=True)
class Settings:
    name: str
    address: str
    phone: str
    receipt_footer: str
    currency: str
    currency_exponent: int
    locale: str
    phone_region: str
    points_per_amount: int
    point_value: int
    utc_offset_minutes: int = 420
    receipt_header: str = ""
    opening_hours: str = ",".join(["09:00-20:00"] * 7)
    slot_minutes: int = 15
    reminder_days: int = 14
    tier_basis: str = "spend"
    tier_period_months: int = 12
    topup_spend: str = "spent"
    lock_minutes: int = 0  # the desk locks after this many idle minutes (0: never)
    discount_limit_percent: int = 10  # beyond it, a discount needs the price_discount right
    new_member_active: bool = True
    points_services: bool = True
    points_products: bool = True
    points_packages: bool = True
    points_topups: bool = False
    points_rounding: str = "down"
    points_expiry_days: int | None = None


def settings_of(row: SalonSettings) -> Settings:
    """The settings row as plain data."""
    return Settings(**{k: v for k, v in row.model_dump().items() if k != "id"})


_to_plain = settings_of


def weekday_hours(opening_hours: str) -> list[str]:
    """The stored opening hours ("09:00-20:00,…", Monday first) as seven days, each
    "HH:MM-HH:MM" or "" (closed); a short or missing list reads as closed days."""
    days = [day.strip() for day in (opening_hours or "").split(",")][:7]
    return days + [""] * (7 - len(days))


def get_settings(session: Session) -> Settings:
    """The salon's settings; defaults (VND, VN) if the row was never written."""
    row = session.get(SalonSettings, 1)
    return _to_plain(row or SalonSettings())


def update_settings(session: Session, *, staff_id: int | None, **changes) -> Settings:
    """Change any settings at once, as given (for tests, imports and set-up scripts); the
    currency's exponent follows the currency unless given. The back office writes through
    named, checked functions instead: ``admin.salon.update_salon`` (which also keeps the
    currency once money is recorded) and the points scheme's."""
    row = session.get(SalonSettings, 1) or SalonSettings()
    before = asdict(_to_plain(row))
    if "currency" in changes:
        currency = str(changes["currency"]).upper()
        if currency not in CURRENCY_EXPONENTS and "currency_exponent" not in changes:
            raise ValidationError(_("Unknown currency '{currency}'.").format(
                currency=quote(currency)),
                                  field="currency")
        changes["currency"] = currency
        changes.setdefault("currency_exponent", CURRENCY_EXPONENTS.get(currency, 2))
    for key, value in changes.items():
        if key == "id" or not hasattr(row, key):
            raise ValidationError(_("Unknown setting '{key}'.").format(key=key), field=key)
        setattr(row, key, value)
    if row.points_per_amount <= 0:
        raise ValidationError(_("Points rule must be a positive amount."),
                              field="points_per_amount")
    session.add(row)
    after = asdict(_to_plain(row))
    audit.record(session, staff_id=staff_id, action="update_settings", entity="settings",
                 entity_id=1, before=before, after=after)
    return _to_plain(row)
