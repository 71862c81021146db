"""ReservePackageDialog (freeze): a number of days OR an end date, and a note.

While you type it shows the expiry the package will have after resuming
(``package_reads.expiry_after_freeze``): the expiry moves out by the frozen days.
"""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from salontui.i18n import _
from salontui.screens.dialogs.base import FormDialog, parse_count
from salontui.screens.dialogs.packages_common import package_intro
from salontui.store.errors import SalonError, ValidationError
from salontui.widgets.inputs import DeskInput, Field


class ReservePackageDialog(FormDialog):
    """Answers the reserved (frozen) PackageRow."""

    title_text = _("Reserve package")
    confirm_label = _("Reserve")

    def __init__(self, package) -> None:
        super().__init__()
        self.package = package

    def compose_body(self) -> ComposeResult:
        yield Static(Content(package_intro(self.package, self.desk.formatter)), classes="intro")
        yield Field(_("Days"), DeskInput(placeholder=_("e.g. 30"), id="days", max_length=12),
                    key="days")
        yield Field(_("Or until"), DeskInput(placeholder=self.formatter.date_hint(), id="until",
                                               max_length=20),
                    key="until", aliases=("frozen_until", "end", "date"))
        yield Field(_("Note"), DeskInput(id="note"), key="note", aliases=("reason",),
                    required=True)
        yield Static("", id="preview", classes="preview")

    def on_mount(self) -> None:
        super().on_mount()
        self.update_preview()

    def on_input_changed(self, event) -> None:
        if event.input.id in ("days", "until"):
            self.update_preview()

    def read_period(self) -> tuple[int | None, date | None]:
        days = parse_count(self.value("days"), field="days", label=_("Days"),
                           allow_zero=False, required=False)
        until = self.formatter.parse_date(self.value("until"), field="until", required=False)
        if days is None and until is None:
            raise ValidationError(_("Enter a number of days or an end date."), field="days")
        if days is not None and until is not None:
            raise ValidationError(_("Enter days or an end date, not both."), field="until")
        return days, until

    def update_preview(self) -> None:
        preview = self.query_one("#preview", Static)
        try:
            days, until = self.read_period()
            from salontui.store import clock
            from salontui.store.package_reads import expiry_after_freeze

            after = expiry_after_freeze(self.package, days=days, until=until,
                                        today=clock.today())
        except SalonError as error:
            if not self.value("days") and not self.value("until"):
                preview.update(_("Expires after resuming: type days or an end date"))
            else:
                preview.update(Content(_("Expires after resuming: —  ({problem})").format(
                    problem=error.message)))
            return
        except Exception:
            preview.update(_("Expires after resuming: —"))
            return
        preview.update(_("Expires after resuming: {date}").format(
            date=self.desk.formatter.date(after)))

    def prepare(self):
        days, until = self.read_period()
        note = self.value("note")
        staff_id, package_id = self.staff_id, self.package.id

        def save(session):
            from salontui.store.packages import freeze_package

            return freeze_package(session, staff_id=staff_id, package_id=package_id,
                                  days=days, until=until, note=note)

        return save
