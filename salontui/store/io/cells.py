"""A cell of an imported sheet read as what its column holds, or a refusal saying why.

Each reader takes the cell as :mod:`readers` gives it (text, a number, a date cell) and
returns the value the store takes, or raises a :class:`ValidationError` whose message is
the sentence the import's report shows at that row and column. The salon's ways are in
:class:`Conventions` (read once per import from its settings): the phone's home region,
the currency's minor unit, how it writes dates.

* text: numbers become their digits ("123", not "123.0"); refused when longer than the
  column takes or holding a control character;
* a phone: ``phones.parse_phone`` (a number cell whose leading 0 Excel dropped reads the
  same: 935320888 is 0935 320 888 at home);
* a date: a date cell, or typed as the salon writes dates or YYYY-MM-DD
  (``dates.parse_date``); a number is not taken for a date (Excel's day count would be a
  guess);
* money: a number cell is in the currency's unit (VND whole, 59.8 yuan is 5980 fen); text
  is read as at the desk (``money.parse_amount``: "1.500.000", "1,500,000");
* a count (points, sessions, a quantity): a whole number, with or without thousands
  separators ("1.200", "1,200").

None of them accepts a negative value: a sheet says what is held, not what is taken.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from salontui.i18n import _
from salontui.store.bounds import MAX_NUMBER_TEXT, bad_character
from salontui.store.dates import parse_date
from salontui.store.errors import ValidationError
from salontui.store.money import MAX_AMOUNT_MINOR, parse_amount
from salontui.store.phones import Phone, parse_phone
from salontui.store.text import quote

_GROUPED = re.compile(r"[0-9]{1,3}(?:([.,' ])[0-9]{3})(?:\1[0-9]{3})*")
_DIGITS = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class Conventions:
    """How the salon writes what a sheet holds (from its settings)."""

    region: str = "VN"
    exponent: int = 0
    locale: str = "vi_VN"
    today: date | None = None


def _refuse(message: str) -> ValidationError:
    return ValidationError(message)


def text(value: object, *, limit: int) -> str:
    """A line (or a note) of text, spaces tidied at its ends."""
    if isinstance(value, bool):
        raise _refuse(_("This should be text, not yes or no."))
    if isinstance(value, datetime | date):
        value = value.isoformat()[:10]
    raw = str(value).strip()
    if len(raw) > limit:
        raise _refuse(_("This text is longer than {limit} characters.").format(limit=limit))
    bad = bad_character(raw)
    if bad is not None:
        raise _refuse(_("Remove the control character {char} from this text.").format(
            char=bad))
    return raw


def line(value: object, *, limit: int) -> str:
    """One line of text: inner white space (line breaks too) as single spaces."""
    return " ".join(text(value, limit=limit).split())


def phone(value: object, conventions: Conventions) -> Phone:
    if isinstance(value, (bool, datetime | date)):
        raise _refuse(_("This is not a phone number."))
    if isinstance(value, int):
        raw = str(value)
    elif isinstance(value, float):
        raise _refuse(_("'{text}' is not a phone number.").format(text=quote(value)))
    else:
        raw = str(value)
    return parse_phone(raw, region=conventions.region)


def day(value: object, conventions: Conventions) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool | int | float):
        raise _refuse(_("'{text}' is not a date: make the cell a date, or type it as "
                        "YYYY-MM-DD.").format(text=quote(value)))
    found = parse_date(str(value), locale=conventions.locale)
    assert found is not None  # required: a date or a refusal
    return found


def money(value: object, conventions: Conventions) -> int:
    """An amount in minor units, 0 or more."""
    exponent = conventions.exponent
    if isinstance(value, (bool, datetime | date)):
        raise _refuse(_("This is not an amount."))
    if isinstance(value, int):
        minor = value * 10**exponent
    elif isinstance(value, float):
        try:
            scaled = Decimal(repr(value)).scaleb(exponent)
        except InvalidOperation:
            raise _refuse(_("'{text}' is not an amount.").format(text=quote(value))) from None
        if scaled != scaled.to_integral_value():
            raise _refuse(_("'{text}' has too many decimals.").format(text=quote(value)))
        minor = int(scaled)
    else:
        minor = parse_amount(str(value), exponent=exponent, allow_zero=True,
                             allow_negative=True)
    if minor < 0:
        raise _refuse(_("An amount held cannot be negative."))
    if minor > MAX_AMOUNT_MINOR:
        raise _refuse(_("That amount is too large."))
    return minor


def count(value: object, *, high: int) -> int:
    """A whole number from 0 to ``high``."""
    if isinstance(value, (bool, datetime | date)):
        raise _refuse(_("This is not a whole number."))
    if isinstance(value, float):
        raise _refuse(_("'{text}' is not a whole number.").format(text=quote(value)))
    if isinstance(value, int):
        number = value
    else:
        raw = str(value).strip()
        if len(raw) > MAX_NUMBER_TEXT:
            raise _refuse(_("That number is too large."))
        body = raw[1:] if raw[:1] in "+-" else raw
        if _GROUPED.fullmatch(body):
            body = re.sub(r"[.,' ]", "", body)
        if not _DIGITS.fullmatch(body):
            raise _refuse(_("'{text}' is not a whole number.").format(text=quote(raw)))
        number = int(body)
        if raw.startswith("-"):
            number = -number
    if number < 0:
        raise _refuse(_("This cannot be negative."))
    if number > high:
        raise _refuse(_("{n} is more than {high}.").format(n=f"{number:,}", high=f"{high:,}"))
    return number
