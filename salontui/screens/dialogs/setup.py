"""SetupDialog: a new, empty salon; build a demo salon to try things, or start empty."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from salontui.i18n import _

DEMO = "demo"
EMPTY = "empty"


class SetupDialog(ModalScreen[str | None]):
    """Answers ``"demo"`` or ``"empty"`` (Escape: None, asked again next start)."""

    BINDINGS = [Binding("escape", "cancel", _("Cancel"), id="dialog.cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = _("Welcome to salontui")
            yield Static(_("This salon has no customers and no staff yet."))
            yield OptionList(
                Option(Content(_("Create a demo salon (500 customers, to try things out)")),
                       id=DEMO),
                Option(Content(_("Start empty (you will be the owner)")), id=EMPTY),
                id="setup-choice", compact=True,
            )
            yield Static(_("Up/Down to choose, Enter to go on"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
