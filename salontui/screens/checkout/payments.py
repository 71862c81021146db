"""The checkout's payment panel: amounts read as they are typed, what the customer's
card and points allow, the Alt+letter jumps, F9's remainder, and the verdict (what F10
would do, and the line that says it). The rules (which methods need a customer, what a
card or points allow, what F10 would do) are in :mod:`salontui.store.sales.cart_rules`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from salontui.i18n import _, ngettext
from salontui.keymap import key_of
from salontui.screens.checkout.common import (
    before_paying,
    label_of,
    parse_points,
    parse_typed_amount,
    plain_amount,
)
from salontui.screens.checkout.state import CheckoutState
from salontui.store.errors import SalonError
from salontui.store.names import card_label
from salontui.store.sales import cart_rules
from salontui.widgets import fmt as cached
from salontui.widgets.checkout_payments import PayInput, PaymentPanel

if TYPE_CHECKING:
    from salontui.store.cart import CartPayment
    from salontui.store.ledger import CardBalance


@dataclass(frozen=True)
class Verdict:
    """What F10 would do with the checkout as it stands, and the payment line that says it.

    Both come from :meth:`CheckoutScreen.verdict`, so the line never reads "PAID IN FULL"
    while F10 would refuse, and F10 never refuses without saying why."""

    ready: bool  # F10 writes the invoice
    text: str  # the payment line under the panel
    field: str | None = None  # where F10 says why not: a payment method, "payments", "lines"
    reason: str = ""  # why not, as F10 says it


# Methods that take from what a customer holds or owes: never a walk-in's.
CUSTOMER_METHODS = cart_rules.CUSTOMER_METHODS


class PaymentsMixin(CheckoutState):
    """The payment panel of :class:`~salontui.screens.checkout.screen.CheckoutScreen`."""

    def method_label(self, method: str) -> str:
        """A method's name as the checkout shows it (the salon's list)."""
        found = next((m for m in self.pay_methods if m.code == method), None)
        return found.label if found is not None else label_of({}, method)

    def takes(self, method: str) -> bool:
        """Whether the salon takes ``method`` now: it has a field in the panel."""
        return any(m.code == method for m in self.pay_methods)

    def cash_method(self) -> str:
        """Where money goes by default (F9 with no field chosen, Enter on an empty Add):
        the first cash method."""
        return self.query_one(PaymentPanel).first_cash()

    def verdict(self) -> Verdict:
        """What F10 does now: write the invoice, or refuse and say why (see :class:`Verdict`).
        The payment line shows exactly this."""
        fmt = self.desk.formatter
        confirm = key_of(self, "checkout.confirm")
        settled = cart_rules.settle(self.quote, has_lines=bool(self.cart.lines),
                                    payments=self.current_payments())
        if settled.state == cart_rules.NO_LINES:
            return Verdict(False, "", "lines", _("Add at least one line."))
        panel = self.query_one(PaymentPanel)
        for field in panel.fields():  # a field showing a message pays nothing as typed
            if field.error_text and (field.method in self.bad_amounts
                                     or self.amounts.get(field.method, 0) > 0):
                return Verdict(False, _("NOT PAID ▲ {method}: see the message under it; {key} "
                                        "waits").format(method=self.method_label(field.method),
                                                        key=confirm),
                               field.method, field.error_text[2:])
        for method in CUSTOMER_METHODS:
            why = self.payment_refusal(method, self.amounts.get(method, 0))
            if why:
                return Verdict(False, _("NOT PAID ▲ {method}: {reason}").format(
                    method=self.method_label(method), reason=why), method, why)
        if settled.state == cart_rules.DUE:
            due = settled.amount
            fill = key_of(self, "checkout.fill")
            return Verdict(False, _("STILL DUE {amount} ▲ · {key} fills it into the payment "
                                    "field").format(amount=fmt.money(due), key=fill),
                           "payments",
                           _("Still due {amount}: enter a payment ({key} fills the "
                             "remainder).").format(amount=fmt.money(due), key=fill))
        if settled.state == cart_rules.OVERPAID:
            over = settled.amount
            return Verdict(False, _("PAID {amount} TOO MUCH ▲ · only cash can be more than the "
                                    "total").format(amount=fmt.money(over)), "payments",
                           _("Only cash can be more than the total: {amount} too "
                             "much.").format(amount=fmt.money(over)))
        parts = []
        if settled.on_account:
            parts.append(_("{amount} ON ACCOUNT (debt)").format(
                amount=fmt.money(settled.on_account)))
        if settled.change:
            parts.append(_("CHANGE TO GIVE {amount}").format(amount=fmt.money(settled.change)))
        if not parts:
            parts.append(_("PAID IN FULL"))
        return Verdict(True, _("{state} · {key} confirms").format(
            state=" · ".join(parts), key=confirm))

    def payment_refusal(self, method: str, amount: int) -> str | None:
        """Why ``amount`` cannot be paid by ``method`` here (the store would refuse it at
        F10), or None. Read from the customer as loaded; the store checks again."""
        info = self.info
        # Still loading: nothing is refused yet; F10 waits for it, then the store decides.
        loaded = info is not None and info.summary.id == self.cart.customer_id
        summary = info.summary if info is not None and loaded else None
        card = self.value_card() if method == "value" and summary is not None else None
        problem = cart_rules.payment_problem(
            method, amount, walk_in=self.cart.customer_id is None,
            customer=summary, card=card,
            repaying=cart_rules.repays_debt(self.cart))
        if problem is None and card is not None and info is not None and amount > 0:
            problem = cart_rules.card_discount_problem(
                discounts_apply=card.card_id not in info.no_discount_cards, quote=self.quote)
            if problem == cart_rules.NO_DISCOUNTS:
                return cart_rules.no_discounts_message(card_label(card.name))
        if problem is None:
            return None
        if problem == cart_rules.WALK_IN:
            key = key_of(self, "checkout.customer")
            return {"value": _("A walk-in has no stored-value card: choose the customer "
                               "first ({key}).").format(key=key),
                    "points": _("A walk-in has no points: choose the customer first "
                                "({key}).").format(key=key),
                    "voucher": _("A walk-in has no vouchers: choose the customer first "
                                 "({key}).").format(key=key),
                    "account": _("A walk-in cannot pay on account: choose the customer "
                                 "first ({key}).").format(key=key)}[method]
        if problem == cart_rules.REPAY_ON_ACCOUNT:
            return _("A debt cannot be repaid on account.")
        if problem == cart_rules.NOT_MEMBER and summary is not None:
            from salontui.store.loyalty.members import points_refusal

            return points_refusal(summary.member_state, summary.member_reason) or _(
                "This customer cannot pay with points (membership not active).")
        if problem == cart_rules.TOO_FEW_VOUCHERS and summary is not None:
            # Short: the field's message line is half the panel wide.
            return _("The vouchers hold only {left}.").format(
                left=self.desk.formatter.money(max(summary.vouchers, 0)))
        if problem == cart_rules.TOO_FEW_POINTS and summary is not None:
            points = summary.points
            return ngettext("Only {left} point left; cannot deduct {n}.",
                            "Only {left} points left; cannot deduct {n}.",
                            points).format(left=f"{max(points, 0):,}", n=f"{amount:,}")
        if problem == cart_rules.NO_CARD or card is None:  # (no card: never CARD_SHORT)
            return _("This customer has no stored-value card.")
        fmt = self.desk.formatter  # CARD_SHORT
        return _("Only {left} left on the {card} card; cannot deduct {n}.").format(
            left=fmt.money(card.balance), card=card_label(card.name), n=fmt.money(amount))

    def show_payment_hints(self) -> None:
        fmt = self.desk.formatter
        panel = self.query_one(PaymentPanel)
        summary = self.info.summary if self.info is not None else None
        walk_in = self.cart.customer_id is None
        card = self.value_card()
        if panel.has("value"):  # (stored value, points and on account may be retired)
            value = panel.field("value")
            note = ""
            if walk_in:  # nothing of a customer's is offered to a walk-in as if it would work
                value.set_hint("▲ " + _("walk-in"))
            elif summary is None:
                value.set_hint("…")
            elif card is None:
                value.set_hint(_("no card"))
            else:
                value.set_hint(f"{fmt.money(card.balance)} · {card_label(card.name)}")
                cards = summary.cards
                if len(cards) > 1:  # the key first: the card's name may be cut, the key never
                    index = next(i for i, c in enumerate(cards) if c.card_id == card.card_id)
                    note = _("{key} next card · {card} ({n}/{m})").format(
                        key=key_of(self, "checkout.next_card"), card=card_label(card.name),
                        n=index + 1, m=len(cards))
            value.set_note(note)
        points = self.amounts.get("points", 0)
        if panel.has("points"):
            if walk_in:
                panel.field("points").set_hint("▲ " + _("walk-in"))
            elif summary is None:
                panel.field("points").set_hint("…")
            elif summary.member_state != "active":  # the strip says why (members.py)
                from salontui.store.kinds import MEMBER_STATE_LABELS

                labels = {str(k): v for k, v in MEMBER_STATE_LABELS.items()}
                label = labels.get(summary.member_state, summary.member_state)
                panel.field("points").set_hint("▲ " + _(label))
            else:
                worth = fmt.money(points * self.point_value) if points else ""
                has = _("has {n}").format(n=cached.points(fmt, summary.points))
                panel.field("points").set_hint(f"= {worth} · {has}" if worth else has)
        if panel.has("voucher"):  # what the vouchers hold (the first thing a card's says)
            if walk_in:
                panel.field("voucher").set_hint("▲ " + _("walk-in"))
            elif summary is None:
                panel.field("voucher").set_hint("…")
            else:
                panel.field("voucher").set_hint(fmt.money(summary.vouchers))
        if panel.has("account"):
            panel.field("account").set_hint("▲ " + _("walk-in") if walk_in else "")

    @property
    def point_value(self) -> int:
        settings = self.desk.settings
        return (settings.point_value or 0) if settings is not None else 0

    def value_card(self) -> CardBalance | None:
        if self.info is None or not self.info.summary.cards:
            return None
        cards = self.info.summary.cards
        return next((c for c in cards if c.card_id == self.value_card_id), cards[0])

    def payment_changed(self, method: str, text: str) -> None:
        if self.result is not None:
            return
        field = self.query_one(PaymentPanel).field(method)
        fmt = self.desk.formatter
        self.typed[method] = text
        self.refused_pastes.discard(method)
        try:
            if method == "points":
                amount = parse_points(text)
            else:
                amount = parse_typed_amount(fmt, text, field=method, allow_zero=True) \
                    if text.strip() else 0
        except SalonError as error:
            field.show_error(error.message)
            self.bad_amounts.add(method)
            self.show_due()
            return
        self.amounts[method] = amount
        why = self.payment_refusal(method, amount)
        if why:  # typed right, but it cannot be paid so: said here, not first at F10
            field.show_error(why)
            self.bad_amounts.add(method)
            self.show_due()
        else:
            self.bad_amounts.discard(method)
            field.clear_error()
        if method == "points":
            self.show_payment_hints()
        self.requote()

    def recheck_payments(self) -> None:
        """The customer (or the card paid from) changed: read what they may pay with again."""
        panel = self.query_one(PaymentPanel)
        for method in CUSTOMER_METHODS:
            if method not in self.refused_pastes and panel.has(method):
                self.payment_changed(method, panel.field(method).value)

    def sync_amounts(self) -> None:
        """Read the payment fields again: a change whose message is still on its way is
        taken now (and priced before confirming)."""
        for field in self.query_one(PaymentPanel).fields():
            method = field.method
            text = field.value
            if method in self.refused_pastes:
                continue  # its message stays until the field is typed in again
            if self.typed.get(method, "") != text:  # (the same text reads the same)
                self.payment_changed(method, text)

    def current_payments(self) -> list[CartPayment]:
        card = self.value_card()
        return cart_rules.payments_from(self.amounts, point_value=self.point_value,
                                        card_id=card.card_id if card else None)

    def set_amount_text(self, method: str, text: str) -> None:
        box = self.query_one(PaymentPanel).field(method).control
        box.value = text
        box.cursor_position = len(text)

    def walk_in_refusal(self, method: str) -> None:
        """A walk-in asked to pay from a card, points or on account: say at once that it
        cannot be, at that field (nothing is offered as if it would work)."""
        field = self.query_one(PaymentPanel).field(method)
        field.show_error(self.payment_refusal(method, 1) or "")
        field.control.focus()
        self.show_due()

    @before_paying
    def action_pay(self, method: str) -> None:
        if not self.takes(method):  # (a method retired since: no field)
            return
        field = self.query_one(PaymentPanel).field(method)
        if method in CUSTOMER_METHODS and self.cart.customer_id is None:
            self.pay_focus = method
            self.walk_in_refusal(method)
            return
        if method == "value" and self.focused is field.control and self.info is not None:
            self.action_next_card()  # Alt+V again: the next card, as Alt+N
            return
        self.pay_focus = method  # F9 right behind this key fills this field
        field.control.focus()

    @before_paying
    def action_next_card(self) -> None:
        """Pay from the customer's next stored-value card (Alt+N; Alt+V in the field too)."""
        if not self.takes("value"):  # stored value retired: no card is paid from
            return
        if self.cart.customer_id is None:
            self.walk_in_refusal("value")
            return
        cards = self.info.summary.cards if self.info is not None else []
        if len(cards) < 2:
            self.show_message(_("This customer has only one stored-value card.") if cards else
                              _("This customer has no stored-value card."), "#lines-error")
            return
        current = self.value_card() or cards[0]  # (there are cards: never None)
        index = next(i for i, c in enumerate(cards) if c.card_id == current.card_id)
        self.value_card_id = cards[(index + 1) % len(cards)].card_id
        self.show_payment_hints()
        self.payment_changed("value", self.query_one(PaymentPanel).field("value").value)
        self.query_one(PaymentPanel).field("value").control.focus()

    def on_pay_input_jump(self, event: PayInput.Jump) -> None:
        event.stop()
        method = self.pay_letters.get(event.letter)
        if method is not None:
            self.action_pay(method)

    def on_pay_input_confirm(self, event: PayInput.Confirm) -> None:
        event.stop()
        self.action_confirm()

    @before_paying
    def action_fill_remainder(self) -> None:
        """Put what is still to pay into the focused payment field (cash if none is)."""
        focused = self.focused
        method = self.pay_focus or (focused.method if isinstance(focused, PayInput)
                                    else self.cash_method())
        if self.quote is None or not self.cart.lines:
            self.show_message(_("Add a line first."), "#lines-error")
            return
        if method in CUSTOMER_METHODS and self.cart.customer_id is None:
            self.walk_in_refusal(method)
            return
        if method == "points" and (self.point_value <= 0 or self.info is None):
            return
        if method == "voucher" and self.info is None:
            return  # still loading: what they hold is not known yet
        amount = cart_rules.fill_amount(
            method, total=self.quote.total, payments=self.current_payments(),
            point_value=self.point_value,
            points=self.info.summary.points if self.info is not None else 0,
            card=self.value_card() if method == "value" else None,
            vouchers=self.info.summary.vouchers if self.info is not None else 0)
        fmt = self.desk.formatter
        if method == "points":
            self.set_amount_text(method, str(amount) if amount else "")
        else:
            self.set_amount_text(method, plain_amount(amount, fmt.exponent) if amount else "")
        self.query_one(PaymentPanel).field(method).control.focus()
