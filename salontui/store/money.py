"""Money as integer minor units, one currency per database. Never float.

SQLModel's ``Decimal`` is stored as REAL on SQLite and silently loses money,
so amounts are ``int`` minor units everywhere in the store: đồng for VND
(no minor unit), fen for CNY, cents for USD. Parsing and formatting go
through the salon's currency and exponent; display follows the locale (Babel).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from salontui.i18n import _
from salontui.store.bounds import MAX_NUMBER_TEXT
from salontui.store.errors import ValidationError
from salontui.store.text import quote

MAX_AMOUNT_MINOR = 10**15  # far beyond any salon bill; stops typos like 15 zeros


@dataclass(frozen=True, order=True)
class Money:
    """An amount in minor units of the salon's currency."""

    minor: int
    currency: str = "VND"
    exponent: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.minor, int) or isinstance(self.minor, bool):
            raise TypeError("Money holds integer minor units only")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor + other.minor, self.currency, self.exponent)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.minor - other.minor, self.currency, self.exponent)

    def __neg__(self) -> Money:
        return Money(-self.minor, self.currency, self.exponent)

    def _same(self, other: Money) -> None:
        if other.currency != self.currency:
            raise ValueError(f"cannot mix {self.currency} and {other.currency}")

    def split(self, parts: int) -> list[Money]:
        """Split into ``parts`` shares that add up exactly; the remainder goes on the last."""
        return [Money(m, self.currency, self.exponent) for m in split_minor(self.minor, parts)]


def split_minor(total: int, parts: int) -> list[int]:
    """5980 over 7 → six of 854 and a last of 856: equal shares, remainder on the last."""
    if parts <= 0:
        raise ValueError("parts must be positive")
    share = total // parts
    return [share] * (parts - 1) + [total - share * (parts - 1)]


def share_of(total: int, parts: int, index: int) -> int:
    """The value of share number ``index`` (0-based) of :func:`split_minor`."""
    share = total // parts
    return total - share * (parts - 1) if index >= parts - 1 else share


_DIGITS = frozenset("0123456789")
_NUMBER = re.compile(r"^[+-]?[0-9.,\s_']+$")


def parse_amount(
    text: str,
    *,
    exponent: int = 0,
    field: str = "amount",
    allow_zero: bool = False,
    allow_negative: bool = False,
) -> int:
    """Parse an amount typed at the desk into minor units.

    Accepts "1500000", "1.500.000", "1,500,000", "1 500 000" and, for
    currencies with a minor unit, "59.80" or "59,80". A separator followed by
    exactly three digits is a thousands separator; otherwise, where the
    currency has a minor unit, the last separator is the decimal point.

    The length and the shape are checked before any conversion (``int`` of a
    pasted page of digits is slow, and refused past 4,300 digits), and a
    message repeats at most the start of what was typed (:func:`text.quote`).
    """
    if not isinstance(text, str | None):
        raise ValidationError(_("Enter an amount."), field=field)
    raw = (text or "").strip()
    if not raw:
        raise ValidationError(_("Enter an amount."), field=field)
    if not _NUMBER.match(raw) or not any(ch in _DIGITS for ch in raw):
        raise ValidationError(_("'{text}' is not an amount.").format(text=quote(raw)),
                              field=field)
    if len(raw) > MAX_NUMBER_TEXT:
        raise ValidationError(_("That amount is too large."), field=field)
    sign = -1 if raw.startswith("-") else 1
    body = "".join(raw.lstrip("+-").split()).replace("_", "").replace("'", "")
    whole, frac = body, ""
    last_sep = max(body.rfind("."), body.rfind(","))
    if last_sep >= 0:
        tail = body[last_sep + 1 :]
        is_thousands = len(tail) == 3 and (exponent == 0 or body.count(body[last_sep]) > 1
                                             or _has_other_separator(body, last_sep))
        if exponent == 0 or is_thousands:
            if len(tail) != 3 and exponent == 0:
                raise ValidationError(
                    _("'{text}' is not an amount: this currency has no decimals.").format(
                        text=quote(raw)), field=field
                )
            whole, frac = body, ""
        else:
            whole, frac = body[:last_sep], tail
    whole = whole.replace(".", "").replace(",", "")
    if frac and (len(frac) > exponent or not frac.isdigit()):
        raise ValidationError(_("'{text}' has too many decimals.").format(text=quote(raw)),
                              field=field)
    if not whole and not frac:
        raise ValidationError(_("'{text}' is not an amount.").format(text=quote(raw)),
                              field=field)
    minor = int(whole or "0") * 10**exponent + int((frac or "0").ljust(exponent, "0") or "0")
    minor *= sign
    if minor > MAX_AMOUNT_MINOR or minor < -MAX_AMOUNT_MINOR:
        raise ValidationError(_("That amount is too large."), field=field)
    if minor < 0 and not allow_negative:
        raise ValidationError(_("The amount cannot be negative."), field=field)
    if minor == 0 and not allow_zero:
        raise ValidationError(_("The amount must be more than zero."), field=field)
    return minor


def _has_other_separator(body: str, last_sep: int) -> bool:
    other = "," if body[last_sep] == "." else "."
    return other in body[:last_sep]


def to_decimal_string(minor: int, exponent: int) -> str:
    """Minor units as a plain decimal string, exact (no float on the way)."""
    if exponent == 0:
        return str(minor)
    sign = "-" if minor < 0 else ""
    digits = str(abs(minor)).rjust(exponent + 1, "0")
    return f"{sign}{digits[:-exponent]}.{digits[-exponent:]}"


def format_money(minor: int, *, currency: str = "VND", exponent: int = 0,
                 locale: str = "vi_VN") -> str:
    """Format for display with the locale's grouping and symbol (Babel), exactly."""
    from decimal import Decimal

    from babel.numbers import format_currency

    value = Decimal(to_decimal_string(minor, exponent))
    return format_currency(value, currency, locale=locale)
