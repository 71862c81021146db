"""StaffPickerDialog (F2): who is at the desk; every change is stamped with them."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from salontui.i18n import _
from salontui.store.kinds import STAFF_ROLE_LABELS


class StaffPickerDialog(ModalScreen):
    """Choose the signed-in staff member; answers the chosen StaffMember, or None."""

    BINDINGS = [Binding("escape", "cancel", _("Cancel"), id="dialog.cancel")]

    def __init__(self, staff: list, *, current_id: int | None = None) -> None:
        super().__init__()
        self.staff = list(staff)
        self.current_id = current_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = _("Who is at the desk?")
            options = []
            for member in self.staff:
                mark = "• " if member.id == self.current_id else "  "
                role = _(STAFF_ROLE_LABELS.get(member.role, member.role))
                options.append(Option(Content(f"{mark}{member.name} ({role})"),
                                      id=str(member.id)))
            yield OptionList(*options, id="staff-list", compact=True)
            yield Static(_("Up/Down to choose, Enter to sign in, Esc to cancel"),
                         classes="dialog-hint")

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        option_list.focus()
        for index, member in enumerate(self.staff):
            if member.id == self.current_id:
                option_list.highlighted = index
                break
        else:
            if self.staff:
                option_list.highlighted = 0

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        chosen = next(m for m in self.staff if str(m.id) == event.option.id)
        self.dismiss(chosen)

    def action_cancel(self) -> None:
        self.dismiss(None)
