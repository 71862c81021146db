"""The one formatter for money, dates and phones on screen.

Screens never format a number or a date themselves: they ask a
:class:`Formatter` made from the salon's settings, so switching the salon to
CNY or the display to Chinese changes every screen at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from salontui.store.money import format_money, parse_amount
from salontui.store.phones import format_phone

DATE_INPUT_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


@dataclass(frozen=True)
class Formatter:
    currency: str = "VND"
    exponent: int = 0
    locale: str = "vi_VN"
    phone_region: str = "VN"
    date_format: str = "%d/%m/%Y"
    utc_offset_minutes: int = 420  # timestamps are stored in UTC; shown in the salon's time

    @classmethod
    def from_settings(cls, settings) -> Formatter:
        return cls(currency=settings.currency, exponent=settings.currency_exponent,
                   locale=settings.locale, phone_region=settings.phone_region,
                   utc_offset_minutes=settings.utc_offset_minutes)

    def money(self, minor: int | None) -> str:
        if minor is None:
            return ""
        return format_money(minor, currency=self.currency, exponent=self.exponent,
                            locale=self.locale)

    def parse_money(self, text: str, *, field: str = "amount", allow_zero: bool = False,
                    allow_negative: bool = False) -> int:
        return parse_amount(text, exponent=self.exponent, field=field, allow_zero=allow_zero,
                            allow_negative=allow_negative)

    def date(self, value: date | datetime | None) -> str:
        if value is None:
            return ""
        if isinstance(value, datetime):
            value = self.local(value).date()
        return value.strftime(self.date_format)

    def datetime(self, value: datetime | None) -> str:
        if value is None:
            return ""
        return self.local(value).strftime(f"{self.date_format} %H:%M")

    def local(self, value: datetime) -> datetime:
        return value + timedelta(minutes=self.utc_offset_minutes)

    def phone(self, e164: str) -> str:
        return format_phone(e164, region=self.phone_region) if e164 else ""


def parse_date(text: str, *, field: str = "date", required: bool = True) -> date | None:
    """Accept YYYY-MM-DD and DD/MM/YYYY between 1900 and 2100; raise ValidationError with a
    message otherwise (the length is checked before parsing; the message repeats at most
    the start of what was typed)."""
    from salontui.i18n import _
    from salontui.store.bounds import MAX_DATE_TEXT, check_date
    from salontui.store.errors import ValidationError
    from salontui.store.text import quote

    raw = (text or "").strip()
    if not raw:
        if required:
            raise ValidationError(_("Enter a date (DD/MM/YYYY or YYYY-MM-DD)."), field=field)
        return None
    if len(raw) <= MAX_DATE_TEXT and raw.isascii():
        for fmt in DATE_INPUT_FORMATS:
            try:
                parsed = datetime.strptime(raw, fmt).date()
            except ValueError:
                continue
            return check_date(parsed, field=field)
    raise ValidationError(_("'{text}' is not a date: use DD/MM/YYYY or YYYY-MM-DD.").format(
        text=quote(raw)), field=field)
