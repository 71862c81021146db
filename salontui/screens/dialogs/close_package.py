"""ClosePackageDialog (关闭疗程): close a package early, with a reason.

It says plainly what closing does before anyone confirms: nothing is refunded, the
sessions left can no longer be used, and it cannot be undone (a refund of money is the
refund of the invoice that sold the package).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from salontui.i18n import _, ngettext
from salontui.screens.dialogs.base import FormDialog
from salontui.screens.dialogs.packages_common import package_intro
from salontui.widgets.inputs import DeskInput, Field

MAX_REASON = 250  # store/packages.py MAX_NOTE


def closing_warning(package) -> str:
    """What closing the package does, in one sentence or two."""
    if package.remaining is None:  # a time card: unlimited until expiry
        left = _("It can no longer be used.")
    else:
        left = ngettext("Its {n} session left can no longer be used.",
                        "Its {n} sessions left can no longer be used.",
                        package.remaining).format(n=package.remaining)
    return _("{left} Nothing is refunded, and closing cannot be undone.").format(left=left)


class ClosePackageDialog(FormDialog):
    """Answers the closed PackageRow."""

    title_text = _("Close package")
    confirm_label = _("Close package")

    def __init__(self, package) -> None:
        super().__init__()
        self.package = package

    def compose_body(self) -> ComposeResult:
        yield Static(Content(package_intro(self.package, self.desk.formatter)), classes="intro")
        yield Static(Content(closing_warning(self.package)), classes="warning-text")
        yield Field(_("Reason"), DeskInput(id="reason", max_length=MAX_REASON,
                                           placeholder=_("e.g. moved away")),
                    key="reason", aliases=("note",), required=True)

    def prepare(self):
        reason = self.value("reason")
        staff_id, package_id = self.staff_id, self.package.id

        def save(session, approved_by=None):
            from salontui.store.packages import close_package

            return close_package(session, staff_id=staff_id, package_id=package_id,
                                 reason=reason, approved_by=approved_by)

        return save
