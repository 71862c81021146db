"""What the checkout's fields share: the payment methods (their names, labels, Alt+letters
and palette entries) and how long what is typed in a field may be.

Widgets and screens both read these (the payment panel, the checkout, the day close, the
refund and invoice dialogs); nothing here imports SQLAlchemy (the methods and their
labels are ``store/kinds.py``'s, which imports none).
"""

from __future__ import annotations

from salontui.i18n import N_, _
from salontui.store.kinds import PAYMENT_METHOD_LABELS, PaymentMethod

# (method, label, Alt+letter). The order is the order of the payment panel: money first.
# The label is the method's name on the desk: :func:`method_label` reads it here (the
# payment panel, but for the shorter "Card value", the checkout's messages and palette, the
# day close, the invoice and refund dialogs). The printed receipt's names are the store's.
# Not Alt+B nor Alt+F: terminals send them as ESC b / ESC f, which Textual reads as
# Ctrl+Left / Ctrl+Right (word moves), so they would never arrive.
PAYMENT_METHODS: tuple[tuple[str, str, str], ...] = tuple(
    (method, PAYMENT_METHOD_LABELS[method], key) for method, key in (
        (PaymentMethod.CASH, "c"),
        (PaymentMethod.CARD, "k"),
        (PaymentMethod.TRANSFER, "t"),
        (PaymentMethod.EWALLET, "e"),
        (PaymentMethod.VALUE, "v"),
        (PaymentMethod.POINTS, "p"),
        (PaymentMethod.ACCOUNT, "a"),
        (PaymentMethod.FREE, "w"),
    ))
METHOD_LABELS: dict[str, str] = {method: label for method, label, _key in PAYMENT_METHODS}
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

# How long what is typed in a field of the checkout may be (its Input's max_length, and
# checked again before anything is converted, since a field can be filled by code too).
# An amount: up to 10^15 minor units with separators, decimals and a sign.
AMOUNT_CHARS = 24
PERCENT_CHARS = AMOUNT_CHARS + 1  # a discount: an amount, or "12%"
POINTS_CHARS = 20
QUANTITY_CHARS = 5
TEXT_CHARS = 120  # a code or a name, a card's name, a search


def method_label(method: str) -> str:
    """A payment method's name on the desk, translated (an unknown one as stored)."""
    return _(METHOD_LABELS.get(method, method))
