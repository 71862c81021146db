"""The one formatter for money, dates and phones on screen.

Screens never format a number or a date themselves: they ask a
:class:`Formatter` made from the salon's settings, so switching the salon to
CNY or the display to Chinese changes every screen at once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from salontui.store.money import format_money, parse_amount
from salontui.store.phones import format_phone

ISO_DATE_FORMAT = "%Y-%m-%d"
DEFAULT_LOCALE = "vi_VN"
_STRFTIME = {"d": "%d", "M": "%m", "y": "%Y"}
_HINT = {"d": "DD", "M": "MM", "y": "YYYY"}


@dataclass(frozen=True)
class DatePattern:
    """How a locale writes a date with numbers: its order of day, month and year and its
    separator, always two-digit days and months and four-digit years (so columns line up
    and no century is guessed). ``strftime`` formats and parses it; ``hint`` is what a
    field shows ("DD/MM/YYYY" for vi_VN, "YYYY/MM/DD" for zh_CN)."""

    strftime: str
    hint: str


@lru_cache(maxsize=32)
def date_pattern(locale: str) -> DatePattern:
    """The salon's date pattern, from the order and separator of Babel's short date format
    for ``locale`` (vi_VN ``d/M/yy`` gives DD/MM/YYYY); DD/MM/YYYY if Babel does not know
    the locale."""
    try:
        from babel.dates import get_date_format

        pattern = get_date_format("short", locale=locale or DEFAULT_LOCALE).pattern
    except Exception:  # an unknown or malformed locale: the desk's own order
        pattern = "d/M/yy"
    fields = re.findall(r"([dMy])\1*", pattern)
    between = re.findall(r"[dMy]+([^dMy]+)[dMy]", pattern)
    separator = between[0].strip() if between and between[0].strip() else "/"
    if sorted(fields) != ["M", "d", "y"] or any(ch.isalpha() for ch in separator):
        fields, separator = ["d", "M", "y"], "/"
    return DatePattern(strftime=separator.join(_STRFTIME[f] for f in fields),
                       hint=separator.join(_HINT[f] for f in fields))


@dataclass(frozen=True)
class Formatter:
    currency: str = "VND"
    exponent: int = 0
    locale: str = "vi_VN"
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

    @property
    def date_format(self) -> str:
        """The ``strftime`` pattern of the salon's locale ("%d/%m/%Y" for vi_VN)."""
        return date_pattern(self.locale).strftime

    def date_hint(self) -> str:
        """What a date field shows as its placeholder: "DD/MM/YYYY" for vi_VN."""
        return date_pattern(self.locale).hint

    def parse_date(self, text: str, *, field: str = "date", required: bool = True) -> date | None:
        """:func:`parse_date` in the salon's locale."""
        return parse_date(text, field=field, required=required, locale=self.locale)

    def local(self, value: datetime) -> datetime:
        return value + timedelta(minutes=self.utc_offset_minutes)

    def phone(self, e164: str) -> str:
        return format_phone(e164, region=self.phone_region) if e164 else ""


def parse_date(text: str, *, field: str = "date", required: bool = True,
               locale: str = DEFAULT_LOCALE) -> date | None:
    """Accept YYYY-MM-DD and the date pattern of ``locale`` (DD/MM/YYYY for vi_VN, YYYY/MM/DD
    for zh_CN) between 1900 and 2100; raise ValidationError with a message otherwise (the
    length is checked before parsing; the message repeats at most the start of what was
    typed)."""
    from salontui.i18n import _
    from salontui.store.bounds import MAX_DATE_TEXT, check_date
    from salontui.store.errors import ValidationError
    from salontui.store.text import quote

    pattern = date_pattern(locale)
    raw = (text or "").strip()
    if not raw:
        if required:
            raise ValidationError(_("Enter a date ({pattern} or YYYY-MM-DD).").format(
                pattern=pattern.hint), field=field)
        return None
    if len(raw) <= MAX_DATE_TEXT and raw.isascii():
        for fmt in (ISO_DATE_FORMAT, pattern.strftime):
            try:
                parsed = datetime.strptime(raw, fmt).date()
            except ValueError:
                continue
            return check_date(parsed, field=field)
    raise ValidationError(_("'{text}' is not a date: use {pattern} or YYYY-MM-DD.").format(
        text=quote(raw), pattern=pattern.hint), field=field)
