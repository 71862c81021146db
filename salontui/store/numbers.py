"""Whole numbers a store function is given: one check, the caller's own words.

A count, a price in minor units, a discount or a number of sessions arrives as
a Python ``int``; ``True`` is an ``int`` to Python but never a number to a salon.
:func:`whole_number` checks one such number against its bounds and raises a
:class:`ValidationError` at its field with the sentence the caller chose for
each way it can be wrong (:class:`NumberTexts`), so every area keeps its own
messages while the rule is written once.
"""

from __future__ import annotations

from dataclasses import dataclass

from salontui.store.errors import ValidationError


def is_whole(value: object) -> bool:
    """An ``int`` that is not a ``bool``."""
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True)
class NumberTexts:
    """The messages about one number, each a whole sentence, already translated.

    ``too_low`` may name ``{low}`` and ``too_high`` may name ``{high}``. ``negative``,
    when given, is said for any number below zero (before ``too_low``), and stands in
    for ``too_low`` when that is empty.
    """

    not_whole: str
    too_high: str = ""
    too_low: str = ""
    negative: str = ""


def whole_number(value: object, *, field: str, texts: NumberTexts,
                 low: int | None = None, high: int | None = None) -> int:
    """``value`` if it is a whole number within ``low..high`` (either may be open)."""
    if not is_whole(value):
        raise ValidationError(texts.not_whole, field=field)
    assert isinstance(value, int)
    if texts.negative and value < 0:
        raise ValidationError(texts.negative, field=field)
    if low is not None and value < low:
        raise ValidationError((texts.too_low or texts.negative).format(low=low), field=field)
    if high is not None and value > high:
        raise ValidationError(texts.too_high.format(high=high), field=field)
    return value
