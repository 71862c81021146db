"""What the checkout's modules (and the day close, the refund and invoice dialogs) share:
the payment methods as the checkout offers them and field lengths (from
:mod:`salontui.widgets.checkout_fields`), line labels, reading what was typed (lengths,
whole numbers, points, amounts) and an amount typed back into a field; and the pieces of
the checkout screen's mixins: the customer as loaded, and the guard that keeps the cart's
keys quiet once paid.

Nothing here imports the store or SQLAlchemy, so importing a checkout screen stays light.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Concatenate, ParamSpec, Protocol, TypeVar

from salontui.i18n import _
from salontui.widgets.checkout_fields import (
    AMOUNT_CHARS,
    BUILT_IN_METHODS,
    PERCENT_CHARS,
    POINTS_CHARS,
    QUANTITY_CHARS,
    TEXT_CHARS,
    DeskMethod,
    desk_methods,
    label_of,
    method_letters,
)
from salontui.widgets.documents import APP_DIR, documents_dir, safe_name, write_text_file
from salontui.widgets.inputs import too_long  # one message for every field

if TYPE_CHECKING:
    from salontui.formatting import Formatter
    from salontui.store.day.appointments import AppointmentRow
    from salontui.store.day.visit_cart import VisitCart
    from salontui.store.package_reads import PackageRow
    from salontui.store.promotions import CustomerPromotionRow
    from salontui.store.summary import CustomerSummary

__all__ = [
    "AMOUNT_CHARS",
    "APP_DIR",
    "BUILT_IN_METHODS",
    "COMPLETIONS",
    "PERCENT_CHARS",
    "POINTS_CHARS",
    "QUANTITY_CHARS",
    "TEXT_CHARS",
    "CustomerInfo",
    "DeskMethod",
    "before_paying",
    "check_length",
    "desk_methods",
    "documents_dir",
    "label_of",
    "method_letters",
    "parse_points",
    "parse_typed_amount",
    "parse_whole",
    "plain_amount",
    "safe_name",
    "too_long",
    "write_text_file",
]

COMPLETIONS = 6


@dataclass(frozen=True)
class CustomerInfo:
    """The checkout's customer as loaded: what they hold and owe, their packages and
    promotions, and the appointment being paid (if any)."""

    summary: CustomerSummary
    packages: list[PackageRow]
    promotions: list[CustomerPromotionRow]
    appointment: AppointmentRow | None
    # Their cards whose type pays for no discounted sale (card types' "discounts apply").
    no_discount_cards: frozenset[int] = frozenset()
    # The visit's lines to start the cart with (read once, when the checkout opens for
    # an appointment), or why it has none to pay ("already paid").
    visit: VisitCart | None = None
    visit_refused: str = ""


class Paying(Protocol):
    """A checkout: ``result`` is set once paid."""

    @property
    def result(self) -> object: ...


P = ParamSpec("P")
S = TypeVar("S", bound=Paying)


def before_paying(action: Callable[Concatenate[S, P], None]) -> Callable[Concatenate[S, P], None]:
    """An action of the cart: once paid (the receipt on screen) its key does nothing. (The
    keys stay enabled, so the footer is not rebuilt in the middle of showing the receipt.)"""

    @functools.wraps(action)
    def guarded(self: S, *args: P.args, **kwargs: P.kwargs) -> None:
        if self.result is None:
            return action(self, *args, **kwargs)
        return None

    return guarded


def check_length(text: str, *, field: str, limit: int) -> str:
    """``text`` stripped, or a ValidationError at ``field`` when it is longer than ``limit``
    (before anything tries to read a number out of it)."""
    from salontui.store.errors import ValidationError

    raw = (text or "").strip()
    if len(raw) > limit:
        raise ValidationError(too_long(limit), field=field)
    return raw


def parse_whole(text: str, *, field: str, limit: int = QUANTITY_CHARS) -> int:
    """A whole number as typed ("3", "-2"), its length checked first."""
    from salontui.store.errors import ValidationError

    raw = check_length(text, field=field, limit=limit).replace(" ", "")
    sign = -1 if raw.startswith("-") else 1
    digits = raw[1:] if raw[:1] in ("+", "-") else raw
    if not digits.isascii() or not digits.isdigit():
        raise ValidationError(_("'{text}' is not a whole number.").format(text=raw),
                              field=field)
    return sign * int(digits)


def parse_points(text: str, *, field: str = "points") -> int:
    """Points as typed: digits, maybe grouped ("1.500"); never negative."""
    from salontui.store.errors import ValidationError

    raw = check_length(text, field=field, limit=POINTS_CHARS)
    digits = raw.replace(".", "").replace(",", "").replace(" ", "")
    if digits and not (digits.isascii() and digits.isdigit()):
        raise ValidationError(_("Points are a whole number, not negative."), field=field)
    return int(digits) if digits else 0


def parse_typed_amount(formatter: Formatter, text: str, *, field: str, allow_zero: bool = False,
                       allow_negative: bool = False) -> int:
    """An amount typed at the checkout: its length checked, then the money parser."""
    raw = check_length(text, field=field, limit=AMOUNT_CHARS)
    return formatter.parse_money(raw, field=field, allow_zero=allow_zero,
                                 allow_negative=allow_negative)


def plain_amount(minor: int, exponent: int) -> str:
    """An amount as the receptionist would type it back: 1500000, or 59.80 (no grouping, no
    currency sign, so the money parser reads it again exactly)."""
    from salontui.store.money import to_decimal_string

    return to_decimal_string(minor, exponent)
