"""AdjustPackageDialog: correct the total sessions or the used ones, with a reason.

The sessions left after the change are shown as you type; more used than the total
(fewer than none left) is warned at once at the field that was changed, and refused
on confirming, before anything reaches the store.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from salontui.i18n import _
from salontui.screens.dialogs.base import FormDialog, parse_count
from salontui.screens.dialogs.packages_common import package_intro
from salontui.store.errors import SalonError, ValidationError
from salontui.widgets.inputs import DeskInput, Field


class AdjustPackageDialog(FormDialog):
    """Answers the adjusted PackageRow."""

    title_text = _("Adjust package")
    confirm_label = _("Adjust")

    def __init__(self, package) -> None:
        super().__init__()
        self.package = package
        self.warned: tuple[str, str] | None = None  # (field, message) warned while typing

    def compose_body(self) -> ComposeResult:
        p = self.package
        yield Static(Content(package_intro(p, self.desk.formatter)), classes="intro")
        yield Field(_("Total uses"), DeskInput(str(p.total_uses), id="total", max_length=12),
                    key="total_uses", aliases=("total",), required=True)
        yield Field(_("Used"), DeskInput(str(p.used), id="used", max_length=12), key="used",
                    required=True)
        yield Field(_("Reason"), DeskInput(id="reason"), key="reason", aliases=("note",),
                    required=True)
        yield Static("", id="preview", classes="preview")

    def on_mount(self) -> None:
        super().on_mount()
        self.update_preview()

    def on_input_changed(self, event) -> None:
        if event.input.id in ("total", "used"):
            self.update_preview()

    def read_counts(self) -> tuple[int, int]:
        total = parse_count(self.value("total_uses"), field="total_uses", label=_("Total uses"))
        used = parse_count(self.value("used"), field="used", label=_("Used"))
        return total, used

    def overdrawn(self, total: int, used: int) -> tuple[str, str] | None:
        """More used than the total: (the field the receptionist changed, the message);
        the field is the used sessions, unless only the total moved."""
        if used <= total:
            return None
        field = "total_uses" if used == self.package.used else "used"
        return field, _("Sessions used ({used}) cannot be more than the total "
                        "({total}).").format(used=used, total=total)

    def update_preview(self) -> None:
        preview = self.query_one("#preview", Static)
        try:
            total, used = self.read_counts()
        except SalonError:
            preview.update(_("Remaining after: —"))
            return
        text = _("Remaining after: {n}").format(n=total - used)
        problem = self.overdrawn(total, used)
        warned, self.warned = self.warned, None
        if warned is not None and (problem is None or problem[0] != warned[0]):
            field = self.field(warned[0])
            if field.error_text[2:] == warned[1]:  # still our warning: answered now
                field.clear_error()
        if problem is not None:
            text += "  ▲ " + _("more used than the total: not allowed")
            self.field(problem[0]).show_error(problem[1])  # the cursor stays put
            self.warned = problem
        preview.update(Content(text))

    def prepare(self):
        total, used = self.read_counts()
        problem = self.overdrawn(total, used)
        if problem is not None:
            field, message = problem
            raise ValidationError(message, field=field)
        p = self.package
        if total == p.total_uses and used == p.used:
            raise ValidationError(_("Nothing changed: change the total or the used sessions."),
                                  field="total_uses")
        reason = self.value("reason")
        new_total = total if total != p.total_uses else None
        new_used = used if used != p.used else None
        staff_id = self.staff_id

        def save(session, approved_by=None):
            from salontui.store.packages import adjust_package

            return adjust_package(session, staff_id=staff_id, package_id=p.id,
                                  total_uses=new_total, used=new_used, reason=reason,
                                  approved_by=approved_by)

        return save
