"""ExtendPackageDialog: a new expiry date and a note (why the salon extends it)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from salontui.i18n import _
from salontui.screens.dialogs.base import FormDialog
from salontui.screens.dialogs.packages_common import package_intro
from salontui.widgets.inputs import DeskInput, Field


class ExtendPackageDialog(FormDialog):
    """Answers the extended PackageRow."""

    title_text = _("Extend package")
    confirm_label = _("Extend")

    def __init__(self, package) -> None:
        super().__init__()
        self.package = package

    def compose_body(self) -> ComposeResult:
        yield Static(Content(package_intro(self.package, self.desk.formatter)), classes="intro")
        yield Field(_("New expiry"), DeskInput(placeholder=self.formatter.date_hint(),
                                                 id="new-expiry", max_length=20),
                    key="new_expiry", aliases=("expires_on", "expiry", "date"), required=True)
        yield Field(_("Note"), DeskInput(id="note"), key="note", aliases=("reason",),
                    required=True)

    def prepare(self):
        new_expiry = self.formatter.parse_date(self.value("new_expiry"), field="new_expiry")
        note = self.value("note")
        staff_id, package_id = self.staff_id, self.package.id

        def save(session, approved_by=None):
            from salontui.store.packages import extend_package

            return extend_package(session, staff_id=staff_id, package_id=package_id,
                                  new_expiry=new_expiry, note=note, approved_by=approved_by)

        return save
