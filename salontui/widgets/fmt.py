"""Memoised calls to the app's Formatter for the hot lists (search results, ledgers).

Formatting a phone (phonenumbers) or an amount (Babel) costs 0.1–0.2 ms; fifty
result rows per keystroke add up. The Formatter is a frozen dataclass, so it
is part of the cache key: a settings change (currency, locale) is a new key.
"""

from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=8192)
def phone(fmt, e164: str) -> str:
    return fmt.phone(e164)


@lru_cache(maxsize=8192)
def money(fmt, minor: int) -> str:
    return fmt.money(minor)


@lru_cache(maxsize=8192)
def points(fmt, value: int) -> str:
    """Points with the locale's digit grouping (points are not money: no currency)."""
    from babel.numbers import format_decimal

    return format_decimal(value, locale=fmt.locale)
