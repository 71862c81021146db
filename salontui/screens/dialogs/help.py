"""HelpDialog (F1): every key of the screen it was opened on, with what it does."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Static

from salontui.i18n import _


def screen_keys(screen: Screen) -> list[tuple[str, str, bool]]:
    """(key, what it does, works here now?) for every key of ``screen`` and the app's own;
    not the keys a node says are not there at all (``keys_not_here()``: binding ids, e.g.
    the day close's branch key in a salon with one branch)."""
    from textual.actions import parse

    from salontui.keymap import live_bindings

    app = screen.app
    rows: list[tuple[str, str, bool]] = []
    seen: set[tuple[str, str]] = set()  # (key, action): a screen may re-bind an app key
    for node in (screen, app):
        ours = [b for cls in type(node).__mro__ if cls.__module__.startswith("salontui")
                for b in cls.__dict__.get("BINDINGS", [])]
        # By action name: a screen may make more keys of one of its actions for itself
        # (the checkout's Alt+letter of each payment method the salon added).
        names = {parse(b.action)[1] for b in ours if getattr(b, "action", None)}
        not_here = getattr(node, "keys_not_here", None)
        absent = set(not_here()) if callable(not_here) else set()
        for bindings in live_bindings(node).key_to_bindings.values():
            for binding in bindings:
                if binding.id in absent:
                    continue
                _namespace, action, params = parse(binding.action)
                if not binding.description or binding.system or action not in names:
                    continue
                key = app.get_key_display(binding)
                if (key, action) in seen:
                    continue
                seen.add((key, action))
                enabled = bool(node.check_action(action, params))
                rows.append((key, binding.tooltip or binding.description, enabled))
    extra = getattr(screen, "help_extra", None)
    if callable(extra):
        rows.extend((key, text, True) for key, text in extra())
    return rows


class HelpDialog(ModalScreen[None]):
    """The keys of the current screen; Escape, Enter or F1 close it."""

    BINDINGS = [Binding("escape,enter,f1,q", "close", _("Close"), id="help.close")]

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.keys = screen_keys(screen)
        self.screen_title = getattr(screen, "help_title", "") or _("Keys")

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog help-dialog") as box:
            box.border_title = _("Keys: {screen}").format(screen=self.screen_title)
            table: DataTable[Text] = DataTable(id="keys", cursor_type="row",
                                               show_cursor=False)
            table.add_column(Text(_("Key")), key="key")
            table.add_column(Text(_("Does")), key="does")
            for key, description, enabled in self.keys:
                note = "" if enabled else "  " + _("(not now)")
                table.add_row(Text(key, style="bold"),
                              Text(description + note, style="" if enabled else "dim"))
            yield table
            yield Static(_("Ctrl+P: all commands by name · Esc: close"), classes="dialog-hint")

    def action_close(self) -> None:
        self.dismiss(None)
