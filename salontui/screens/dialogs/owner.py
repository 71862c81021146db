"""OwnerDialog: the first staff member of an empty salon (the owner; no PIN yet)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Static

from salontui.i18n import _
from salontui.screens.dialogs.base import FormDialog
from salontui.widgets.inputs import DeskInput, Field


class OwnerDialog(FormDialog):
    """Asks the owner's name and creates them; answers the StaffMember."""

    title_text = _("Start empty")
    confirm_label = _("Create owner")

    def compose_body(self) -> ComposeResult:
        yield Static(_("Your name: every change you make will carry it."))
        yield Field(_("Owner's name"), DeskInput(id="owner-name"), key="name", required=True)

    def prepare(self):
        name = self.value("name")

        def save(session):
            from salontui.store.staff import create_staff

            return create_staff(session, name=name, role="owner")

        return save
