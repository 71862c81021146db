"""What the checkout screens share: payment method names and keys, line labels, amounts
typed back into a field, and where printed documents (receipts, day close) are written.

Nothing here imports the store or SQLAlchemy, so importing a checkout screen stays light.
"""

from __future__ import annotations

import os
from pathlib import Path

from salontui.i18n import N_, _
from salontui.widgets.inputs import too_long  # one message for every field

# (method, label, Alt+letter). The order is the order of the payment panel: money first.
# Not Alt+B nor Alt+F: terminals send them as ESC b / ESC f, which Textual reads as
# Ctrl+Left / Ctrl+Right (word moves), so they would never arrive.
PAYMENT_METHODS = (
    ("cash", N_("Cash"), "c"),
    ("card", N_("Bank card"), "k"),
    ("transfer", N_("Transfer"), "t"),
    ("ewallet", N_("E-wallet"), "e"),
    ("value", N_("Stored value"), "v"),
    ("points", N_("Points"), "p"),
    ("account", N_("On account"), "a"),
    ("free", N_("Waived"), "w"),
)
METHOD_LABELS = {method: label for method, label, _key in PAYMENT_METHODS}
# Letters that jump to a method inside the payment panel (plain letters reach the field
# unharmed, so b and f work there too).
METHOD_KEYS = {key: method for method, _label, key in PAYMENT_METHODS} | {"b": "card",
                                                                          "f": "free"}
# What a palette entry for each method says (each begins with its verb).
METHOD_COMMANDS = {
    "cash": N_("Pay cash"), "card": N_("Pay by card"), "transfer": N_("Pay by transfer"),
    "ewallet": N_("Pay by e-wallet"), "value": N_("Pay with stored value"),
    "points": N_("Pay with points"), "account": N_("Put on account"), "free": N_("Waive the rest"),
}
KIND_LABELS = {
    "service": N_("service"), "product": N_("product"), "package": N_("package"),
    "redeem": N_("session"), "topup": N_("top-up"), "repay": N_("repay"),
}
APP_DIR = "salontui"

# How long what is typed in a field of the checkout may be (its Input's max_length, and
# checked again before anything is converted, since a field can be filled by code too).
# An amount: up to 10^15 minor units with separators, decimals and a sign.
AMOUNT_CHARS = 24
PERCENT_CHARS = AMOUNT_CHARS + 1  # a discount: an amount, or "12%"
POINTS_CHARS = 20
QUANTITY_CHARS = 5
TEXT_CHARS = 120  # a code or a name, a card's name, a search




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


def parse_typed_amount(formatter, text: str, *, field: str, allow_zero: bool = False,
                       allow_negative: bool = False) -> int:
    """An amount typed at the checkout: its length checked, then the money parser."""
    raw = check_length(text, field=field, limit=AMOUNT_CHARS)
    return formatter.parse_money(raw, field=field, allow_zero=allow_zero,
                                 allow_negative=allow_negative)


def method_label(method: str) -> str:
    return _(METHOD_LABELS.get(method, method))


def plain_amount(minor: int, exponent: int) -> str:
    """An amount as the receptionist would type it back: 1500000, or 59.80 (no grouping, no
    currency sign, so the money parser reads it again exactly)."""
    from salontui.store.money import to_decimal_string

    return to_decimal_string(minor, exponent)


def documents_dir(kind: str) -> Path:
    """Where printed documents of ``kind`` ("receipts", "day-close") are written.

    The user's documents folder (platformdirs; ``XDG_DOCUMENTS_DIR`` honoured) when
    there is one, else the program's data folder (a server reached over SSH often
    has no ~/Documents). The folder is created.
    """
    from platformdirs import user_data_path, user_documents_path

    docs = user_documents_path()
    if docs.is_dir() or os.environ.get("XDG_DOCUMENTS_DIR"):
        base = docs / APP_DIR
    else:
        base = user_data_path(APP_DIR, appauthor=False) / "documents"
    target = base / kind
    target.mkdir(parents=True, exist_ok=True)
    return target


def safe_name(text: str) -> str:
    """A file name made of ``text`` (an invoice code, a date): letters, digits, - and _."""
    cleaned = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in text.strip())
    return cleaned or "document"


def write_text_file(kind: str, name: str, text: str) -> Path:
    """Write ``text`` as ``<documents>/<kind>/<name>.txt`` (UTF-8) and return the path."""
    path = documents_dir(kind) / f"{safe_name(name)}.txt"
    path.write_text(text, encoding="utf-8")
    return path
