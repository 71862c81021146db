"""ResumePackageDialog: end a reservation today; shows the new expiry before confirming."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from salontui.i18n import _
from salontui.screens.dialogs.base import FormDialog
from salontui.screens.dialogs.packages_common import package_intro
from salontui.widgets.inputs import DeskInput, Field


class ResumePackageDialog(FormDialog):
    """Answers the resumed PackageRow."""

    title_text = _("Resume package")
    confirm_label = _("Resume")

    def __init__(self, package) -> None:
        super().__init__()
        self.package = package

    def compose_body(self) -> ComposeResult:
        yield Static(Content(package_intro(self.package, self.desk.formatter)), classes="intro")
        yield Field(_("Note"), DeskInput(id="note"), key="note", aliases=("reason",))
        yield Static(Content(self.preview_text()), id="preview", classes="preview")

    def preview_text(self) -> str:
        fmt = self.desk.formatter
        try:
            from salontui.store import clock
            from salontui.store.package_reads import expiry_after_resume

            after = expiry_after_resume(self.package, today=clock.today())
        except Exception as error:
            return _("Cannot resume: {error}").format(error=error)
        return _("Resuming today: expires {new} (now {old})").format(
            new=fmt.date(after), old=fmt.date(self.package.expires_on))

    def prepare(self):
        note = self.value("note")
        staff_id, package_id = self.staff_id, self.package.id

        def save(session):
            from salontui.store.packages import resume_package

            return resume_package(session, staff_id=staff_id, package_id=package_id, note=note)

        return save
