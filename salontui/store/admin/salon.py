"""The salon's own settings as the back office edits them: its name and address for the
receipts, its phone, currency, locale, phone region, time zone, opening hours, the
appointment book's slot, how many days ahead a package's expiry is reminded and whether
a new customer is a member at once.

One named function writes them (:func:`update_salon`), every field checked and said at
its field; the points scheme, on the same row, is written by its own function
(store/admin/points_scheme.py) and never touched here. Changing a setting never changes
an invoice, a ledger entry or a receipt already printed, with one consequence: the
currency is fixed once money is recorded (:func:`currency_in_use`).

The parsing a field needs before it reaches the store (a UTC offset typed "+07:00", a
day's hours typed "9:00 - 20:00") is here too, so the form and the store read them the
same way.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from sqlalchemy import exists
from sqlalchemy import select as sa_select
from sqlmodel import Session, select

from salontui.i18n import _
from salontui.store import audit
from salontui.store.admin.permissions import require_permission
from salontui.store.bounds import boundary
from salontui.store.db import for_update
from salontui.store.errors import RuleViolation, ValidationError
from salontui.store.kinds import Permission
from salontui.store.models import CustomerPackage, Invoice, LedgerEntry, SalonSettings
from salontui.store.phones import format_phone, parse_phone
from salontui.store.settings import (
    CURRENCY_EXPONENTS,
    Settings,
    get_settings,
    settings_of,
    weekday_hours,
)
from salontui.store.text import clean_line, quote

# The locales the desk formats money and dates in (formatting.py through Babel) and has
# words for (i18n.py: English, Vietnamese, Chinese).
SALON_LOCALES = ("en", "vi_VN", "zh_CN")
SLOT_MINUTES = (5, 10, 15, 20, 30, 45, 60, 90, 120)
MIN_OFFSET, MAX_OFFSET = -12 * 60, 14 * 60  # UTC−12:00 (Baker Island) to UTC+14:00 (Kiribati)
MIN_REMINDER_DAYS, MAX_REMINDER_DAYS = 1, 365  # packages expiring within: the reminders
MAX_NAME = 120
MAX_LINE = 250  # address, receipt header and footer (the columns' limits)
MAX_PHONE = 40
DAYS = 7  # Monday..Sunday

_OFFSET = re.compile(r"^(?:UTC|GMT)?\s*([+\-−]?)\s*(\d{1,2})(?::?(\d{2}))?$", re.IGNORECASE)
_TIME = r"(\d{1,2})(?:[:.h](\d{2})|h)?"
_HOURS = re.compile(rf"^{_TIME}\s*[-–—]\s*{_TIME}$")


@dataclass(frozen=True)
class SalonView:
    """The settings as the Salon section shows them, and whether the currency can change."""

    settings: Settings
    hours: tuple[str, ...]  # Monday..Sunday, "HH:MM-HH:MM" or "" (closed)
    currency_locked: bool


# -- fields typed at the desk -----------------------------------------------------------


def format_offset(minutes: int) -> str:
    """420 → "+07:00", −210 → "−03:30" (written with an ASCII minus, as typed)."""
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{rest:02d}"


def parse_offset(text: str, *, field: str = "utc_offset_minutes") -> int:
    """The salon's offset from UTC typed as "+07:00" (also "+7", "7", "+0700", "UTC+7",
    "-03:30"), in minutes; a message at ``field`` otherwise."""
    typed = (text or "").strip()
    found = _OFFSET.match(typed) if len(typed) <= 12 else None
    if found is None:
        raise ValidationError(_("Type the offset from UTC as +07:00 or -03:30."), field=field)
    sign, hours, minutes = found.groups()
    total = int(hours) * 60 + int(minutes or 0)
    if int(minutes or 0) >= 60:
        raise ValidationError(_("Type the offset from UTC as +07:00 or -03:30."), field=field)
    return -total if sign and sign in "-−" else total


def parse_hours(text: str, *, field: str) -> str:
    """A day's opening hours typed "09:00-20:00" (also "9:00 - 20:00", "9-20"), as
    "HH:MM-HH:MM"; "" (nothing typed) is closed that day. The salon closes after it opens,
    the same day (24:00 is midnight)."""
    typed = (text or "").strip()
    if not typed:
        return ""
    found = _HOURS.match(typed) if len(typed) <= 20 else None
    if found is None:
        raise ValidationError(_("Type the hours as 09:00-20:00, or leave it empty when "
                                "closed."), field=field)
    open_h, open_m, close_h, close_m = (int(part or 0) for part in found.groups())
    opens, closes = open_h * 60 + open_m, close_h * 60 + close_m
    if open_h > 23 or close_h > 24 or open_m > 59 or close_m > 59 or closes > 24 * 60:
        raise ValidationError(_("'{text}' is not a time of day.").format(text=quote(typed)),
                              field=field)
    if closes <= opens:
        raise ValidationError(_("The salon must close after it opens."), field=field)
    return f"{open_h:02d}:{open_m:02d}-{close_h:02d}:{close_m:02d}"


# -- reading ------------------------------------------------------------------------------


def currency_in_use(session: Session) -> bool:
    """Whether money is recorded yet: an invoice, a ledger entry or a package's price."""
    for table in (Invoice, LedgerEntry, CustomerPackage):
        if session.execute(sa_select(exists().select_from(table))).scalar():
            return True
    return False


@boundary
def salon_view(session: Session) -> SalonView:
    settings = get_settings(session)
    return SalonView(settings=settings, hours=tuple(weekday_hours(settings.opening_hours)),
                     currency_locked=currency_in_use(session))


# -- writing ------------------------------------------------------------------------------


def _clean_currency(session: Session, currency: str, now: str) -> str:
    code = (currency or "").strip().upper()
    if code not in CURRENCY_EXPONENTS:
        raise ValidationError(_("Choose a currency the desk knows: {known}.").format(
            known=", ".join(CURRENCY_EXPONENTS)), field="currency")
    if code != now and currency_in_use(session):
        # Amounts are stored as whole minor units of the salon's currency (store/money.py):
        # 150000 is 150.000 ₫ in VND and would read as $1,500.00 in USD. Every invoice,
        # balance and price already recorded would change its meaning, so it stays.
        raise RuleViolation(_("The currency stays {currency}: money is already recorded in "
                              "it, and every amount would be read in the new "
                              "currency.").format(currency=now), field="currency")
    return code


def _clean_region(region: str) -> str:
    import phonenumbers

    code = (region or "").strip().upper()
    if code not in phonenumbers.SUPPORTED_REGIONS:
        raise ValidationError(_("'{text}' is not a country code for phone numbers (e.g. VN, "
                                "CN, US).").format(text=quote(region)), field="phone_region")
    return code


def _clean_phone(phone: str, region: str) -> str:
    """The salon's phone as the receipts print it (national format at home), or ""."""
    if not (phone or "").strip():
        return ""
    parsed = parse_phone(phone, region=region, field="phone")
    shown = format_phone(parsed.e164, region=region)
    return shown if len(shown) <= MAX_PHONE else parsed.e164


def _clean_hours(hours: list[str]) -> str:
    if len(hours) != DAYS:
        raise ValidationError(_("Give the opening hours of each of the seven days."),
                              field="opening_hours")
    return ",".join(parse_hours(day, field=f"hours_{index}")
                    for index, day in enumerate(hours))


MAX_LOCK_MINUTES = 240  # the idle lock: at most four hours


@boundary
def update_salon(session: Session, *, staff_id: int, name: str, address: str, phone: str,
                 receipt_header: str, receipt_footer: str, currency: str, locale: str,
                 phone_region: str, utc_offset_minutes: int, opening_hours: list[str],
                 slot_minutes: int, new_member_active: bool,
                 reminder_days: int | None = None,
                 lock_minutes: int | None = None, approved_by: int | None = None) -> Settings:
    """Change the salon's settings (every one given, as the form shows them all).

    ``opening_hours``: Monday..Sunday, "HH:MM-HH:MM" or "" when closed. The currency's
    exponent follows the currency. ``reminder_days``: packages expiring within this many
    days are on the reminders list (1 to 365; None keeps it). ``lock_minutes``: the desk
    locks after this many minutes without a key (0 never, up to 240; None keeps it).
    Audited with the settings before and after.
    """
    row = session.exec(for_update(select(SalonSettings).where(SalonSettings.id == 1),
                                  session)).first() or SalonSettings()
    too_long = _("This is longer than {limit} characters.")
    clean: dict[str, object] = {
        "name": clean_line(name, field="name", limit=MAX_NAME, too_long=too_long,
                           required=_("Name is required.")),
        "address": clean_line(address, field="address", limit=MAX_LINE, too_long=too_long),
        "receipt_header": clean_line(receipt_header, field="receipt_header", limit=MAX_LINE,
                                     too_long=too_long),
        "receipt_footer": clean_line(receipt_footer, field="receipt_footer", limit=MAX_LINE,
                                     too_long=too_long),
    }
    region = _clean_region(phone_region)
    clean["phone_region"] = region
    clean["phone"] = _clean_phone(phone, region)
    code = _clean_currency(session, currency, row.currency)
    clean["currency"], clean["currency_exponent"] = code, CURRENCY_EXPONENTS[code]
    if locale not in SALON_LOCALES:
        raise ValidationError(_("Choose one of the desk's locales: {known}.").format(
            known=", ".join(SALON_LOCALES)), field="locale")
    clean["locale"] = locale
    if not MIN_OFFSET <= utc_offset_minutes <= MAX_OFFSET:
        raise ValidationError(_("The offset from UTC must be between -12:00 and +14:00."),
                              field="utc_offset_minutes")
    if utc_offset_minutes % 15:
        raise ValidationError(_("The offset from UTC is whole quarters of an hour (+05:45, "
                                "not +05:40)."), field="utc_offset_minutes")
    clean["utc_offset_minutes"] = utc_offset_minutes
    clean["opening_hours"] = _clean_hours(opening_hours)
    if slot_minutes not in SLOT_MINUTES:
        raise ValidationError(_("The slot is one of {known} minutes.").format(
            known=", ".join(str(m) for m in SLOT_MINUTES)), field="slot_minutes")
    clean["slot_minutes"] = slot_minutes
    if reminder_days is not None:
        if not MIN_REMINDER_DAYS <= reminder_days <= MAX_REMINDER_DAYS:
            raise ValidationError(_("Remind between {low} and {high} days before an "
                                    "expiry.").format(low=MIN_REMINDER_DAYS,
                                                      high=MAX_REMINDER_DAYS),
                                  field="reminder_days")
        clean["reminder_days"] = reminder_days
    if lock_minutes is not None:
        if not 0 <= lock_minutes <= MAX_LOCK_MINUTES:
            raise ValidationError(_("The desk locks after 0 (never) to {high} idle "
                                    "minutes.").format(high=MAX_LOCK_MINUTES),
                                  field="lock_minutes")
        clean["lock_minutes"] = lock_minutes
    clean["new_member_active"] = new_member_active
    approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                  permission=Permission.SETTINGS)
    before = asdict(settings_of(row))
    for key, value in clean.items():
        setattr(row, key, value)
    session.add(row)
    session.flush()
    after = settings_of(row)
    changed = {key for key, value in asdict(after).items() if before[key] != value}
    audit.record(session, staff_id=staff_id, action="update_salon", entity="settings",
                 entity_id=1, before={key: before[key] for key in sorted(changed)},
                 after={key: getattr(after, key) for key in sorted(changed)}, approved_by=approver)
    return after
