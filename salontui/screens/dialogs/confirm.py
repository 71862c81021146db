"""ConfirmDialog: a yes/no question; Enter (or y) confirms, Escape (or n) answers None."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from salontui.i18n import _


class ConfirmDialog(ModalScreen[bool | None]):
    """Ask before something that matters (delete a customer, delete a care note)."""

    BINDINGS = [
        Binding("escape,n", "cancel", _("Cancel")),
        Binding("enter,y", "confirm", _("Confirm")),
    ]

    def __init__(self, question: str, *, title: str = "", confirm_label: str = "") -> None:
        super().__init__()
        self.question = question
        self.title_text = title or _("Please confirm")
        self.confirm_label = confirm_label or _("Yes")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = self.title_text
            yield Static(Content(self.question), id="question")
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content(f"{self.confirm_label} (Enter)"), id="confirm",
                             compact=True, variant="error")
                yield Button(Content(_("Cancel (Esc)")), id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#confirm", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "confirm":
            self.dismiss(True)
        else:
            self.dismiss(None)

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(None)
