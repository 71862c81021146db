"""DuplicateCustomerDialog: "this phone/name is already KH000123": open that one, or go on.

Going on reads "Create anyway (c)" for a new customer and "Save anyway (s)" when an
existing customer is edited (nothing is created then).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from salontui.i18n import _
from salontui.keymap import key_of
from salontui.screens.app_access import DeskApp

CONTINUE = "continue"


class DuplicateCustomerDialog(DeskApp, ModalScreen):
    """Answers the chosen existing CustomerRecord, ``CONTINUE`` to save anyway, or None."""

    BINDINGS = [
        Binding("escape", "cancel", _("Back to the form"), id="duplicate.back"),
        Binding("o", "open", _("Open the existing customer"), id="duplicate.open"),
        Binding("c", "go_on", _("Create anyway"), id="duplicate.create"),
        Binding("s", "save_anyway", _("Save anyway"), id="duplicate.save"),
    ]

    def __init__(self, message: str, matches: list, *, editing: bool = False) -> None:
        super().__init__()
        self.message = message
        self.matches = list(matches)
        self.editing = editing

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "go_on":
            return not self.editing
        if action == "save_anyway":
            return self.editing
        return True

    def compose(self) -> ComposeResult:
        fmt = self.desk.formatter
        with Vertical(classes="dialog") as box:
            box.border_title = _("Already a customer?")
            yield Static(Content(f"▲ {self.message}"), classes="warning-text")
            yield OptionList(
                *(Option(Content(f"{m.code}  {m.name}  {fmt.phone(m.phone)}"), id=str(m.id))
                  for m in self.matches),
                id="matches", compact=True,
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button(Content(_("Open (Enter)")), id="open", compact=True,
                             variant="primary")
                go_on = (_("Save anyway ({key})").format(key=key_of(self, "duplicate.save"))
                         if self.editing else
                         _("Create anyway ({key})").format(key=key_of(self, "duplicate.create")))
                yield Button(Content(go_on), id="go-on", compact=True)
                yield Button(Content(_("Back (Esc)")), id="back", compact=True)

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        option_list.highlighted = 0
        option_list.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self._open(event.option.id)

    def _open(self, option_id: str | None) -> None:
        chosen = next((m for m in self.matches if str(m.id) == option_id), None)
        if chosen is not None:
            self.dismiss(chosen)

    def action_open(self) -> None:
        option_list = self.query_one(OptionList)
        index = option_list.highlighted
        if index is not None:
            self._open(option_list.get_option_at_index(index).id)

    def action_go_on(self) -> None:
        self.dismiss(CONTINUE)

    def action_save_anyway(self) -> None:
        self.dismiss(CONTINUE)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "open":
            self.action_open()
        elif event.button.id == "go-on":
            self.action_go_on()
        else:
            self.action_cancel()
