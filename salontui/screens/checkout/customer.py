"""The checkout's customer: the strip of what they hold and owe, the lines only a
customer has (a package session, a card top-up, a debt repayment), their promotions, and
changing the customer (what goes with the one before is a rule of
:mod:`salontui.store.sales.cart_rules`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static

from salontui.i18n import _, ngettext
from salontui.keymap import key_of, key_on
from salontui.screens.checkout.common import (
    CustomerInfo,
    before_paying,
)
from salontui.screens.checkout.dialogs import PickerDialog, PickerOption
from salontui.screens.checkout.state import CheckoutState
from salontui.store.names import card_label
from salontui.store.sales import cart_rules
from salontui.widgets import fmt as cached
from salontui.widgets.checkout_payments import PaymentPanel
from salontui.widgets.header_card import to_collect_text

if TYPE_CHECKING:
    from salontui.screens.checkout.dialogs import TopUp
    from salontui.store.package_reads import PackageRow
    from salontui.store.promotions import CustomerPromotionRow
    from salontui.store.sales.card_topups import TopUpChoice


class CustomerMixin(CheckoutState):
    """The customer of :class:`~salontui.screens.checkout.screen.CheckoutScreen`."""

    def show_strip(self) -> None:
        strip = self.query_one("#strip", Static)
        if self.cart.customer_id is None:
            self.sub_title = _("Checkout · walk-in")
            strip.update(Content.from_markup(
                "[b]$walk[/b] · $hint", walk=_("Walk-in"),
                hint=_("{key} chooses a customer (needed for packages, cards, points, "
                       "debt)").format(key=key_of(self, "checkout.customer"))))
            return
        if self.info is None or self.info.summary.id != self.cart.customer_id:
            strip.update(_("Loading the customer…"))
            return
        fmt = self.desk.formatter
        s = self.info.summary
        self.sub_title = _("Checkout · {code} {name}").format(code=s.code, name=s.name)
        line1 = Content.from_markup("[b]$name[/b]", name=s.name)
        if s.debt:
            line1 += Content.from_markup("  [reverse bold $error] $debt [/]",
                                         debt=_("DEBT {amount} ▲").format(
                                             amount=fmt.money(s.debt)))
        parts = [Content.from_markup(_("Points") + " [b]$p[/b]",
                                     p=cached.points(fmt, s.points))]
        for card in s.cards:
            parts.append(Content.from_markup("$card [b]$amount[/b]", card=card_label(card.name),
                                             amount=fmt.money(card.balance)))
        if s.vouchers:
            parts.append(Content.from_markup(_("Vouchers") + " [b]$amount[/b]",
                                             amount=fmt.money(s.vouchers)))
        line1 += Content(" · ") + Content(" · ").join(parts)
        from salontui.store.loyalty.members import points_refusal

        loyalty = points_refusal(s.member_state, s.member_reason)
        packages = []
        for p in self.info.packages:
            if p.status != "in_use":
                continue
            if p.remaining is None:
                packages.append(_("{name} (to {date})").format(
                    name=p.name, date=fmt.date(p.expires_on)))
            else:
                packages.append(_("{name} ×{left}").format(name=p.name, left=p.remaining))
        line2 = Content.from_markup(
            "[b]$label[/b] $items", label=_("Sessions:"),
            items="; ".join(packages) if packages else _("no package in use"))
        if s.to_collect:  # first: the receptionist sees it while taking payment
            line2 = Content.from_markup("[b $warning]$label[/] · ", label=to_collect_text(
                s.to_collect)) + line2
        usable = self.usable_promotions()
        if usable:
            line2 += Content(" · ") + Content(ngettext(
                "{n} promotion ({key})", "{n} promotions ({key})", len(usable)).format(
                n=len(usable), key=key_of(self, "checkout.promotion")))
        lines = [line1, line2]
        if loyalty:  # an excluded member (or one not activated) is told why, under the name
            lines.insert(1, Content.from_markup("[b $warning]▲ $why[/]", why=loyalty))
        a = self.info.appointment
        if a is not None:
            text = _("Appointment {time}: {services}").format(
                time=fmt.datetime(a.starts_at), services=a.services)
            recorded = self.visit_strip_text()
            lines.append(Content(f"{text} · {recorded}" if recorded else text))
        strip.update(Content("\n").join(lines))

    def need_customer(self) -> CustomerInfo | None:
        """The customer as loaded, or None, said (a walk-in, or still loading)."""
        if self.cart.customer_id is None:
            self.show_message(_("Choose the customer first ({key}): a walk-in has no "
                                "packages, cards, points or debt.").format(
                key=key_of(self, "checkout.customer")), "#lines-error")
            return None
        if self.info is None or self.info.summary.id != self.cart.customer_id:
            self.show_message(_("The customer is still loading; try again in a moment."),
                              "#lines-error")
            return None
        return self.info

    @before_paying
    def action_redeem(self) -> None:
        info = self.need_customer()
        if info is None:
            return
        from salontui.screens.dialogs.packages_common import status_label

        fmt = self.desk.formatter
        packages = info.packages
        if not packages:
            self.show_message(_("This customer has no packages."), "#lines-error")
            return
        in_cart = cart_rules.sessions_in_cart(self.cart)
        choices = []
        for p in packages:
            if p.status == "in_use":
                left = p.remaining if p.remaining is None else p.remaining - in_cart.get(p.id, 0)
                text = (_("{name} · time card to {date}") if left is None else
                        _("{name} · {left} left · to {date}")).format(
                    name=p.name, left=left, date=fmt.date(p.expires_on))
                choices.append(PickerOption(str(p.id), text, enabled=left is None or left > 0))
            else:
                why = status_label(p.status)
                if p.status == "reserved" and p.frozen_until:
                    why = _("reserved until {date}").format(date=fmt.date(p.frozen_until))
                elif p.status == "expired":
                    why = _("expired {date}").format(date=fmt.date(p.expires_on))
                elif p.status == "closed" and p.closed_on:
                    why = _("closed {date}").format(date=fmt.date(p.closed_on))
                choices.append(PickerOption(str(p.id), f"{p.name} · {why} ▲", enabled=False))

        def chosen(key: str | None) -> None:
            if key is None:
                return
            package = next(p for p in packages if str(p.id) == key)
            self.pick_staff(_("Who did the session of {name}?").format(name=package.name),
                            None, lambda staff_id: self.add_redemption(package, staff_id))

        # Enter is the list's own key (no binding of the dialog's); Escape is the dialog's.
        self.app.push_screen(PickerDialog(
            _("Redeem a session"), choices,
            hint=_("Only packages in use can be redeemed · Enter takes · {key} "
                   "cancels").format(key=key_on(self, PickerDialog, "dialog.cancel"))),
            callback=chosen)

    def add_redemption(self, package: PackageRow, staff_id: int) -> None:
        def op(session, cart):
            from salontui.store.cart import CartLine

            cart.lines.append(CartLine(kind="redeem", package_id=package.id,
                                       description=package.name, staff_id=staff_id))
            return cart

        self.edit(op, then=self.select_last_line)

    @before_paying
    def action_top_up(self) -> None:
        """Top up a card: chosen from a list (the General card, the salon's card types, the
        customer's own named cards), never typed; with only the General card, no list."""
        info = self.need_customer()
        if info is None:
            return
        customer_id = info.summary.id

        def read(session):
            from salontui.store.sales.card_topups import topup_choices

            return topup_choices(session, customer_id=customer_id)

        self.ask(read, self.choose_top_up)

    def choose_top_up(self, choices: list[TopUpChoice]) -> None:
        from salontui.screens.checkout.dialogs import topup_option

        if len(choices) == 1:
            self.open_top_up(choices[0])
            return
        fmt = self.desk.formatter

        def chosen(key: str | None) -> None:
            if key is not None:
                self.open_top_up(next(c for c in choices if c.key == key))

        self.app.push_screen(PickerDialog(
            _("Top up which card?"), [PickerOption(c.key, topup_option(fmt, c)) for c in choices]),
            callback=chosen)

    def open_top_up(self, choice: TopUpChoice) -> None:
        from salontui.screens.checkout.dialogs import TopUpDialog

        def answer(top: TopUp | None) -> None:
            if top is None:
                return

            def op(session, cart):
                from salontui.store.cart import CartLine

                cart.lines.append(CartLine(kind="topup", card_name=top.card_name,
                                           card_type_id=top.card_type_id, unit_price=top.paid,
                                           credit=top.credit, note=top.note))
                return cart

            self.edit(op, then=self.select_last_line)

        self.app.push_screen(TopUpDialog(choice), callback=answer)

    @before_paying
    def action_repay_debt(self) -> None:
        info = self.need_customer()
        if info is None:
            return
        from salontui.screens.checkout.dialogs import RepayDialog

        debt = info.summary.debt
        if debt <= 0:
            self.show_message(_("This customer owes nothing."), "#lines-error")
            return
        self.app.push_screen(RepayDialog(debt), callback=self.add_repayment)

    def add_repayment(self, amount: int | None) -> None:
        if amount is None:
            return

        def op(session, cart):
            from salontui.store.cart import CartLine

            cart.lines.append(CartLine(kind="repay", unit_price=amount))
            return cart

        self.edit(op, then=self.select_last_line)

    def preset_repayment(self, info: CustomerInfo) -> None:
        """Opened to repay the debt: one repayment line of all of it, and the cash field."""
        self.repay_preset = True
        debt = info.summary.debt
        if debt <= 0:
            self.show_message(_("This customer owes nothing."), "#lines-error")
            return
        if not any(line.kind == "repay" for line in self.cart.lines):
            self.add_repayment(debt)
        self.query_one(PaymentPanel).field(self.cash_method()).control.focus()

    def usable_promotions(self) -> list[CustomerPromotionRow]:
        if self.info is None:
            return []
        from salontui.store import clock
        from salontui.store.promotions import usable_promotions

        return usable_promotions(self.info.promotions, today=clock.today())

    def promotion_code(self) -> str:
        if self.info is None:
            return ""
        return next((p.code for p in self.info.promotions if p.id == self.cart.promotion_id),
                    "")

    @before_paying
    def action_apply_promotion(self) -> None:
        info = self.need_customer()
        if info is None:
            return
        fmt = self.desk.formatter
        usable = {p.id for p in self.usable_promotions()}
        choices = [PickerOption("none", _("No promotion"))]
        for p in info.promotions:
            text = f"{p.code} · {p.program_name}" + (f": {p.detail}" if p.detail else "")
            if p.used_on is not None:
                text += " · " + _("used {date}").format(date=fmt.date(p.used_on)) + " ▲"
            elif p.id not in usable:
                text += " · " + _("expired {date}").format(date=fmt.date(p.expires_on)) + " ▲"
            choices.append(PickerOption(str(p.id), text, enabled=p.id in usable))
        if len(choices) == 1:
            self.show_message(_("No promotion was given to this customer."), "#lines-error")
            return

        def answer(key: str | None) -> None:
            if key is None:
                return
            promotion_id = None if key == "none" else int(key)

            def op(session, cart):
                cart.promotion_id = promotion_id
                return cart

            self.edit(op)

        current = str(self.cart.promotion_id) if self.cart.promotion_id else "none"
        self.app.push_screen(PickerDialog(_("Apply promotion"), choices, current=current),
                             callback=answer)

    @before_paying
    def action_change_customer(self) -> None:
        from salontui.screens.checkout.dialogs import WALK_IN, CustomerPickerDialog

        def answer(choice: int | str | None) -> None:
            if choice is None:
                return
            customer_id = None if choice == WALK_IN else int(choice)
            if customer_id == self.cart.customer_id:
                return
            self.set_customer(customer_id)

        self.app.push_screen(CustomerPickerDialog(), callback=answer)

    def set_customer(self, customer_id: int | None) -> None:
        """Another customer: their own lines (sessions, top-ups, repayments), promotion,
        appointment and card/points/account payments belong to the one before and go."""
        dropped = cart_rules.customer_lines(self.cart)

        def op(session, cart):
            return cart_rules.change_customer(cart, customer_id)

        for method in cart_rules.CUSTOMER_METHODS:
            if self.takes(method):  # (a method retired has no field)
                self.set_amount_text(method, "")
        self.value_card_id = None
        self.info = None

        def loaded() -> None:
            self.load_customer()
            self.show_strip()
            if dropped:
                self.app.notify(ngettext(
                    "{n} line of the previous customer was removed.",
                    "{n} lines of the previous customer were removed.", dropped).format(
                    n=dropped), timeout=5)

        self.edit(op, then=loaded)
