"""ReportPickDialog: every report of the registry in a list; Enter shows the one chosen,
Esc leaves the one shown. Answers the report's name (None: Esc)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from salontui.i18n import _
from salontui.store.reports.registry import REPORTS


class ReportPickDialog(ModalScreen[str | None]):
    DEFAULT_CSS = """
    ReportPickDialog .dialog { width: 50; height: auto; }
    ReportPickDialog OptionList { height: auto; max-height: 12; border: none; }
    """

    BINDINGS = [Binding("escape", "close", _("Close"), id="dialog.close")]

    def __init__(self, current: str) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = _("Reports")
            yield OptionList(*(Option(_(kind.title), id=name)
                               for name, kind in REPORTS.items()), id="report-list")
            yield Static(Content(_("Enter shows it · Esc closes")), classes="dialog-hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = list(REPORTS).index(self.current) if self.current in REPORTS \
            else 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_close(self) -> None:
        self.dismiss(None)
