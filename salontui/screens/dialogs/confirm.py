"""ConfirmDialog: a yes/no question; Enter (or y) confirms, Escape (or n) answers None.

With ``type_to_confirm`` (a customer's code) it is a second, explicit confirmation:
the answer is yes only once that text is typed (case and spaces aside); anything else
shows a message at the field and the dialog stays open.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from salontui.i18n import _
from salontui.widgets.inputs import DeskInput, Field


class ConfirmDialog(ModalScreen[bool | None]):
    """Ask before something that matters (delete a customer, delete a care note)."""

    BINDINGS = [
        Binding("escape,n", "cancel", _("Cancel"), id="confirm.no"),
        Binding("enter,y", "confirm", _("Confirm"), id="confirm.yes"),
    ]

    def __init__(self, question: str, *, title: str = "", confirm_label: str = "",
                 type_to_confirm: str | None = None, cancel_label: str = "") -> None:
        super().__init__()
        # What Esc does, in words that cannot be read as the action itself: "Cancel" on
        # "Leave checkout?" reads, in Vietnamese ("Hủy"), like cancelling the checkout.
        self.cancel_label = cancel_label or _("Cancel")
        self.question = question
        self.title_text = title or _("Please confirm")
        self.confirm_label = confirm_label or _("Yes")
        self.type_to_confirm = type_to_confirm

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = self.title_text
            yield Static(Content(self.question), id="question")
            if self.type_to_confirm:
                yield Field(_("Code"), DeskInput(id="typed"), key="typed", required=True)
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content(f"{self.confirm_label} (Enter)"), id="confirm",
                             compact=True, variant="error")
                yield Button(Content(_("{label} (Esc)").format(label=self.cancel_label)),
                             id="cancel", compact=True)

    def on_mount(self) -> None:
        if self.type_to_confirm:
            self.query_one("#typed", DeskInput).focus()
        else:
            self.query_one("#confirm", Button).focus()

    def on_input_submitted(self, event: DeskInput.Submitted) -> None:
        event.stop()
        self.action_confirm()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "confirm":
            self.action_confirm()
        else:
            self.dismiss(None)

    def action_confirm(self) -> None:
        if self.type_to_confirm:
            field = self.query_one("#field-typed", Field)
            typed = "".join(field.value.split()).upper()
            if typed != "".join(self.type_to_confirm.split()).upper():
                field.show_error(_("Type {code} to confirm.").format(code=self.type_to_confirm))
                field.control.focus()
                return
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(None)
