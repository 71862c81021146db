"""The one formatter for money, dates and phones on screen.

Screens never format a number or a date themselves: they ask a
:class:`Formatter` made from the salon's settings, so switching the salon to
CNY or the display to Chinese changes every screen at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from salontui.store.dates import (
    DEFAULT_LOCALE,
    ISO_DATE_FORMAT,
    DatePattern,
    date_pattern,
    parse_date,
)
from salontui.store.money import format_money, parse_amount
from salontui.store.phones import format_phone

# How a locale writes a date is the store's (store/dates.py: its messages name the same
# pattern as the fields); the desk reads it from here.
__all__ = ["DEFAULT_LOCALE", "ISO_DATE_FORMAT", "DatePattern", "Formatter", "date_pattern",
           "parse_date"]


@dataclass(frozen=True)
class Formatter:
    currency: str = "VND"
    exponent: int = 0
    locale: str = DEFAULT_LOCALE
    phone_region: str = "VN"
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

    # The methods ``date`` and ``datetime`` would hide the types of the same names in the
    # class body: the types are written ``dt.date`` and ``dt.datetime`` here.
    def date(self, value: dt.date | dt.datetime | None) -> str:
        if value is None:
            return ""
        if isinstance(value, dt.datetime):
            value = self.local(value).date()
        return value.strftime(self.date_format)

    def datetime(self, value: dt.datetime | None) -> str:
        if value is None:
            return ""
        return self.local(value).strftime(f"{self.date_format} %H:%M")

    @property
    def date_format(self) -> str:
        """The ``strftime`` pattern of the salon's locale ("%d/%m/%Y" for vi_VN)."""
        return date_pattern(self.locale).strftime

    def date_hint(self) -> str:
        """What a date field shows as its placeholder: "DD/MM/YYYY" for vi_VN."""
        return date_pattern(self.locale).hint

    def parse_date(self, text: str, *, field: str = "date",
                   required: bool = True) -> dt.date | None:
        """:func:`parse_date` in the salon's locale."""
        return parse_date(text, field=field, required=required, locale=self.locale)

    def local(self, value: dt.datetime) -> dt.datetime:
        return value + dt.timedelta(minutes=self.utc_offset_minutes)

    def phone(self, e164: str) -> str:
        return format_phone(e164, region=self.phone_region) if e164 else ""
