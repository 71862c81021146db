"""What the checkout's fields share: the payment methods as it offers them (the salon's
list, which the app reads: their names, kinds, Alt+letters and palette entries; the
built-in ones until the list is read) and how long what is typed in a field may be.

Widgets and screens both read these (the payment panel, the checkout, the day close, the
refund and invoice dialogs); nothing here imports SQLAlchemy (the built-in methods and
their labels are ``store/kinds.py``'s, which imports none).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from salontui.i18n import N_, _
from salontui.store.kinds import PAYMENT_METHOD_LABELS, PaymentMethod, payment_method_label


@dataclass(frozen=True)
class DeskMethod:
    """A payment method as the checkout offers it: its code (what the payment stores), the
    salon's name for it, its kind (what the books make of it) and its Alt+letter ("": none).
    Made from the salon's list (``store/admin/methods.py``'s MethodRow) by
    :func:`desk_methods`."""

    code: str
    name: str
    kind: str
    hotkey: str = ""

    @property
    def label(self) -> str:
        """Its name on the desk: the salon's, or a built-in's own name, translated."""
        return payment_method_label(self.code, self.name)

    @property
    def command(self) -> str:
        """What its palette entry and its key in F1 say (each begins with its verb)."""
        if self.code in METHOD_COMMANDS and self.name == PAYMENT_METHOD_LABELS.get(
                self.code):  # type: ignore[call-overload]
            return _(METHOD_COMMANDS[self.code])
        return _("Pay by {method}").format(method=self.label)


# The methods as they came (migration 0005): the checkout's keys until the salon's list is
# read, and the binding ids a keymap may rebind (checkout.pay.<code>). The order is the
# payment panel's: money first.
# Not Alt+B nor Alt+F: terminals send them as ESC b / ESC f, which Textual reads as
# Ctrl+Left / Ctrl+Right (word moves), so they would never arrive.
BUILT_IN_METHODS: tuple[DeskMethod, ...] = tuple(
    DeskMethod(method, PAYMENT_METHOD_LABELS[method], kind, key) for method, kind, key in (
        (PaymentMethod.CASH, "cash", "c"),
        (PaymentMethod.CARD, "card", "k"),
        (PaymentMethod.TRANSFER, "card", "t"),
        (PaymentMethod.EWALLET, "card", "e"),
        (PaymentMethod.VALUE, "value", "v"),
        (PaymentMethod.POINTS, "points", "p"),
        (PaymentMethod.ACCOUNT, "account", "a"),
        (PaymentMethod.FREE, "waived", "w"),
    ))
# Letters that also jump to a built-in method inside the payment panel (plain letters reach
# the field unharmed, so b and f work there though Alt+B and Alt+F do not).
LETTER_ALIASES = {"b": PaymentMethod.CARD, "f": PaymentMethod.FREE}
# What a palette entry for each built-in method says (each begins with its verb).
METHOD_COMMANDS = {
    "cash": N_("Pay cash"), "card": N_("Pay by card"), "transfer": N_("Pay by transfer"),
    "ewallet": N_("Pay by e-wallet"), "value": N_("Pay with stored value"),
    "points": N_("Pay with points"), "voucher": N_("Pay with vouchers"),
    "account": N_("Put on account"), "free": N_("Waive the rest"),
}


def desk_methods(rows: Iterable) -> tuple[DeskMethod, ...]:
    """The active methods of the salon's list (rows with code, name, kind, hotkey and
    active, in its order) as the checkout offers them."""
    return tuple(DeskMethod(row.code, row.name, row.kind, row.hotkey or "")
                 for row in rows if row.active)


def method_letters(methods: Iterable[DeskMethod]) -> dict[str, str]:
    """Letter → method code inside the payment panel: each method's key, and b and f for
    the bank card and waived while they are offered and the letter is no method's."""
    methods = tuple(methods)
    letters = {m.hotkey: m.code for m in methods if m.hotkey}
    codes = {m.code for m in methods}
    for letter, code in LETTER_ALIASES.items():
        if code in codes and letter not in letters:
            letters[letter] = code
    return letters


# How long what is typed in a field of the checkout may be (its Input's max_length, and
# checked again before anything is converted, since a field can be filled by code too).
# An amount: up to 10^15 minor units with separators, decimals and a sign.
AMOUNT_CHARS = 24
PERCENT_CHARS = AMOUNT_CHARS + 1  # a discount: an amount, or "12%"
POINTS_CHARS = 20
QUANTITY_CHARS = 5
TEXT_CHARS = 120  # a code or a name, a card's name, a search


def label_of(labels: Mapping[str, str], code: str) -> str:
    """A payment method's name on the desk: as ``labels`` (the salon's list, by code) says
    it, else a built-in's own name translated, else its code as stored."""
    return labels.get(code) or payment_method_label(code)
