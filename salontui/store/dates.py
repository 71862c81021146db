"""How the salon writes a date with numbers, for the desk's fields and the store's messages.

A locale's short date format (Babel) gives the order of day, month and year and their
separator: vi_VN writes DD/MM/YYYY, zh_CN YYYY/MM/DD. The desk's formatter
(:mod:`salontui.formatting`) shows and parses dates with :func:`date_pattern`; the
store, which has no formatter, names dates in its messages with :func:`show_date` and
asks for a date with :func:`date_hint`, in the salon's locale: once the desk has read
the salon's settings it calls :func:`use_salon_locale` (as it calls
``clock.use_salon_offset``); until then the desk's own order (vi_VN) is used.

This module imports nothing of the user interface: the store reads it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

ISO_DATE_FORMAT = "%Y-%m-%d"
DEFAULT_LOCALE = "vi_VN"
_STRFTIME = {"d": "%d", "M": "%m", "y": "%Y"}
_HINT = {"d": "DD", "M": "MM", "y": "YYYY"}

_salon_locale = DEFAULT_LOCALE


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


def use_salon_locale(locale: str | None) -> None:
    """Write the store's dates in ``locale``'s order (None: the desk's own, vi_VN)."""
    global _salon_locale
    _salon_locale = locale or DEFAULT_LOCALE


def salon_locale() -> str:
    """The locale the store writes its dates in (see :func:`use_salon_locale`)."""
    return _salon_locale


def show_date(value: date, locale: str | None = None) -> str:
    """``value`` as the salon writes it ("31/12/2026" for vi_VN), for a message."""
    return value.strftime(date_pattern(locale or _salon_locale).strftime)


def date_hint(locale: str | None = None) -> str:
    """The salon's pattern as a message names it ("DD/MM/YYYY" for vi_VN)."""
    return date_pattern(locale or _salon_locale).hint


def parse_date(text: str, *, field: str = "date", required: bool = True,
               locale: str | None = None) -> date | None:
    """Accept YYYY-MM-DD and the date pattern of ``locale`` (the salon's if not given:
    DD/MM/YYYY for vi_VN, YYYY/MM/DD for zh_CN) between 1900 and 2100; raise
    ValidationError with a message otherwise (the length is checked before parsing; the
    message repeats at most the start of what was typed)."""
    from salontui.i18n import _
    from salontui.store.bounds import MAX_DATE_TEXT, check_date
    from salontui.store.errors import ValidationError
    from salontui.store.text import quote

    locale = locale or _salon_locale
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
            return check_date(parsed, field=field, locale=locale)
    raise ValidationError(_("'{text}' is not a date: use {pattern} or YYYY-MM-DD.").format(
        text=quote(raw), pattern=pattern.hint), field=field)
