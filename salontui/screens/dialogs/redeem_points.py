"""RedeemPointsDialog: a member buys a promotion code with points.

It lists the programmes running today that have a points price (cheapest first), each
with its price and what it gives, under the customer's balance; the line under the list
says why the highlighted one cannot be bought now (not enough points, the limit per
customer), and a customer who cannot redeem at all (excluded, not activated) is told so
at the top. Enter asks the store the same question the redemption will (so a refusal
appears at the list, before any confirmation), then asks to confirm with the balance
after; yes buys it (``promotions.redeem_points_for_code``) and the dialog answers the
code given.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from salontui.i18n import _, ngettext
from salontui.screens.dialogs.base import FormDialog
from salontui.store.errors import SalonError, ValidationError
from salontui.widgets import fmt as cached
from salontui.widgets.inputs import Field

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.store.promotions import (
        CustomerPromotionRow,
        RedeemChoice,
        RedemptionOffer,
    )


class RedeemPointsDialog(FormDialog):
    """Answers the CustomerPromotionRow bought (None: nothing bought)."""

    title_text = _("Redeem points")
    confirm_label = _("Buy code")

    def __init__(self, customer_id: int) -> None:
        super().__init__()
        self.customer_id = customer_id
        self.offer: RedemptionOffer | None = None
        self.confirmed = False  # the person said yes: the next confirm writes

    def compose_body(self) -> ComposeResult:
        yield Static(_("Reading the points…"), id="redeem-balance", classes="intro")
        yield Field(_("Programme"), OptionList(id="redeem-programs", compact=True),
                    key="program", aliases=("program_id", "customer", "points"),
                    required=True)
        yield Static("", id="redeem-note", classes="dialog-hint")

    def on_mount(self) -> None:
        super().on_mount()
        customer_id = self.customer_id

        def offer(session: Session) -> RedemptionOffer:
            from salontui.store.promotions import redemption_offer

            return redemption_offer(session, customer_id=customer_id)

        self.ask(offer, self.show_offer, failed=self.offer_failed)

    # -- what can be bought -----------------------------------------------------------
    def points(self, value: int) -> str:
        return cached.points(self.formatter, value)

    def show_offer(self, offer: RedemptionOffer) -> None:
        fmt = self.formatter
        self.offer = offer
        balance = ngettext("{name}: {points} point", "{name}: {points} points",
                           offer.balance).format(name=offer.name,
                                                 points=self.points(offer.balance))
        self.query_one("#redeem-balance", Static).update(
            Content(f"{balance}\n▲ {offer.refusal}" if offer.refusal else balance))
        options = self.query_one("#redeem-programs", OptionList)
        options.clear_options()
        for choice in offer.choices:
            program = choice.program
            assert program.points_price is not None  # (only priced programmes are offered)
            price = ngettext("{points} point", "{points} points",
                             program.points_price).format(
                points=self.points(program.points_price))
            gives = f" · {program.detail}" if program.detail else ""
            until = f"  ({fmt.date(program.valid_until)})" if program.valid_until else ""
            line = f"{program.name} · {price}{gives}{until}"
            # one that cannot be bought now is dimmed (the line under the list says why)
            options.add_option(Option(Content.styled(line, "dim") if choice.problem
                                      else Content(line), id=str(program.id)))
        if offer.choices:
            options.highlighted = 0
            self.show_problem()
        else:
            self.note(_("No programme can be bought with points today (Settings, "
                        "Programmes: a points price)."))

    def offer_failed(self, error: SalonError) -> None:
        self.note(f"▲ {error.message}")

    def note(self, text: str) -> None:
        self.query_one("#redeem-note", Static).update(Content(text))

    def selected(self) -> RedeemChoice | None:
        index = self.query_one("#redeem-programs", OptionList).highlighted
        if self.offer is None or index is None or not 0 <= index < len(self.offer.choices):
            return None
        return self.offer.choices[index]

    def show_problem(self) -> None:
        """Under the list: why the highlighted programme cannot be bought now, or how."""
        choice = self.selected()
        if choice is None:
            return
        self.note(f"▲ {choice.problem}" if choice.problem
                  else _("Up/Down to choose; Enter to redeem"))

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.clear_errors()
        self.show_problem()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_confirm()

    # -- Enter: ask the store, then the person, then buy ------------------------------
    def action_confirm(self) -> None:
        if self.busy:
            return
        if self.confirmed:
            super().action_confirm()  # prepare(): the redemption itself
            return
        self.clear_errors()
        choice = self.selected()
        if choice is None:
            self.show_error(ValidationError(_("Choose a programme."), field="program"))
            return
        customer_id, program_id = self.customer_id, choice.program.id

        def check(session: Session) -> int:
            from salontui.store.promotions import check_redemption

            return check_redemption(session, customer_id=customer_id, program_id=program_id)

        self.busy = True
        self.ask(check, lambda price: self.ask_to_confirm(choice, price),
                 failed=self.save_refused, crashed=self.save_crashed)

    def ask_to_confirm(self, choice: RedeemChoice, price: int) -> None:
        from salontui.screens.dialogs.confirm import ConfirmDialog

        self.busy = False
        assert self.offer is not None
        left = self.offer.balance - price
        question = ngettext(
            "Redeem {price} of {name}'s points for '{program}'? {left} point is left.",
            "Redeem {price} of {name}'s points for '{program}'? {left} points are left.",
            left).format(price=self.points(price), name=self.offer.name,
                         program=choice.program.name, left=self.points(left))
        self.app.push_screen(ConfirmDialog(question, title=_("Redeem points"),
                                           confirm_label=_("Buy code")), self.answered)

    def answered(self, yes: bool | None) -> None:
        if not yes:
            self.query_one("#redeem-programs", OptionList).focus()
            return
        self.confirmed = True
        try:
            self.action_confirm()
        finally:
            self.confirmed = False

    def prepare(self):
        choice = self.selected()
        if choice is None:
            raise ValidationError(_("Choose a programme."), field="program")
        staff_id, customer_id, program_id = self.staff_id, self.customer_id, choice.program.id

        def redeem(session: Session) -> CustomerPromotionRow:
            from salontui.store.promotions import redeem_points_for_code

            assert staff_id is not None
            return redeem_points_for_code(session, staff_id=staff_id, customer_id=customer_id,
                                          program_id=program_id)

        return redeem
