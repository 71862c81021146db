"""AdjustPointsDialog: increase or decrease a customer's points, with a note.

One way to say the direction: the Increase/Decrease choice; the amount is a
number of points without a sign. A sign that agrees with the choice is taken
("-500" with Decrease); one that disagrees ("-500" with Increase) is refused
at the amount, never guessed. The balance after the change is shown as you
type; the store refuses a decrease below zero (the message appears at the amount).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from salontui.i18n import _, ngettext
from salontui.screens.dialogs.base import FormDialog
from salontui.store.errors import SalonError, ValidationError
from salontui.store.money import parse_amount
from salontui.widgets import fmt as cached
from salontui.widgets.inputs import DeskInput, Field, RadioChoice

INCREASE = "increase"
DECREASE = "decrease"


def sign_texts() -> tuple[str, str]:
    """The messages for a sign that disagrees with the choice: a minus, a plus."""
    return (_("A minus sign says decrease, but Increase is chosen: choose Decrease, or "
              "type the number without a sign."),
            _("A plus sign says increase, but Decrease is chosen: choose Increase, or "
              "type the number without a sign."))


def points_text(formatter, value: int) -> str:
    return cached.points(formatter, value)


class AdjustPointsDialog(FormDialog):
    """Answers the new LedgerRow. (The vouchers' dialog is this one in money:
    ``adjust_vouchers.py``; what differs is in the hooks below the layout.)"""

    title_text = _("Adjust points")
    confirm_label = _("Adjust")

    def __init__(self, customer_id: int, balance: int, *, customer_name: str = "") -> None:
        super().__init__()
        self.customer_id = customer_id
        self.balance = balance
        self.customer_name = customer_name

    # -- what the account is ---------------------------------------------------------
    def intro(self) -> str:
        return ngettext("{name}: {points} point now", "{name}: {points} points now",
                        self.balance).format(name=self.customer_name,
                                             points=self.show(self.balance))

    def amount_field(self) -> Field:
        return Field(_("Points"), DeskInput(placeholder=_("e.g. 500"), id="amount",
                                            max_length=30),
                     key="amount", aliases=("points",), required=True)

    def parse(self, typed: str) -> int:
        """The number typed, signed as typed."""
        return parse_amount(typed, exponent=0, field="amount", allow_negative=True)

    def show(self, value: int) -> str:
        """A balance as the dialog shows it."""
        return points_text(self.desk.formatter, value)

    def store_call(self, amount: int, reason: str):
        staff_id, customer_id = self.staff_id, self.customer_id

        def save(session, approved_by=None):
            from salontui.store.ledger import adjust_points

            return adjust_points(session, staff_id=staff_id, customer_id=customer_id,
                                 amount=amount, reason=reason, approved_by=approved_by)

        return save

    # -- layout and behaviour --------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        yield Static(Content(self.intro()), classes="intro")
        # The amount first: what the receptionist types at once; the choice gives the sign.
        yield self.amount_field()
        yield Field(_("Kind"), RadioChoice([(INCREASE, _("Increase")), (DECREASE, _("Decrease"))],
                                      id="direction"), key="direction")
        yield Field(_("Note"), DeskInput(id="note"), key="reason", aliases=("note",),
                    required=True)
        yield Static("", id="preview", classes="preview")

    def on_mount(self) -> None:
        super().on_mount()
        self.update_preview()

    def on_input_changed(self, event) -> None:
        if event.input.id == "amount":
            self.update_preview()

    def on_radio_choice_changed(self, event: RadioChoice.Changed) -> None:
        self.update_preview()

    def signed_amount(self) -> int:
        """The change in points: the number typed, with the sign the choice gives."""
        typed = self.value("amount")
        amount = self.parse(typed)
        decrease = self.query_one("#direction", RadioChoice).value == DECREASE
        minus, plus = sign_texts()
        if amount < 0 and not decrease:
            raise ValidationError(minus, field="amount")
        if typed.startswith("+") and decrease:
            raise ValidationError(plus, field="amount")
        return -abs(amount) if decrease else abs(amount)

    def update_preview(self) -> None:
        preview = self.query_one("#preview", Static)
        try:
            signed = self.signed_amount()
        except SalonError as error:
            text = _("Balance after: {points}").format(points=self.show(self.balance))
            if error.message in sign_texts():
                text += "  ▲ " + _("the sign and the choice disagree")
            preview.update(Content(text))
            return
        after = self.balance + signed
        text = _("Balance after: {points}").format(points=self.show(after))
        if after < 0:
            text += "  ▲ " + _("below zero: not allowed")
        preview.update(Content(text))

    def prepare(self):
        return self.store_call(self.signed_amount(), self.value("reason"))
