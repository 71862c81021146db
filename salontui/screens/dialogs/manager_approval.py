"""ManagerApprovalDialog: an action the signed-in role may not do alone
(:class:`~salontui.store.admin.permissions.NotPermitted`), approved once by someone whose
role may: picked from the active staff who may and have a PIN, their PIN typed masked and
checked in the store (:func:`~salontui.store.admin.permissions.approve`, a read). Answers
the approver's id (the store call is then made again with ``approved_by``), or None (Esc:
nothing is written). A wrong PIN is said at the PIN field; nobody to approve is said
plainly. Opened by :class:`~salontui.screens.base.StoreCalls` for any store call that
takes ``approved_by``, never by a screen itself.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from salontui.i18n import _
from salontui.screens.dialogs.customer_form import CycleChoice
from salontui.screens.dialogs.pin_sign_in import PinCheckDialog
from salontui.store.errors import ValidationError
from salontui.widgets.inputs import DeskInput, Field

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.store.admin.permissions import Approver

NOBODY = ""


class ManagerApprovalDialog(PinCheckDialog):
    """Answers the approver's staff id, or None."""

    title_text = _("Approval")  # a manager's, or the owner's for what only an owner may do
    confirm_label = _("Approve")

    def __init__(self, permission: str, message: str) -> None:
        super().__init__()
        self.permission = permission
        self.message = message
        self.nobody = False

    def compose_body(self) -> ComposeResult:
        yield Static(Content(self.message), classes="intro", id="approval-why")
        yield Field(_("Approved by"), CycleChoice([(NOBODY, _("Loading…"))], id="approver"),
                    key="approver", required=True)
        yield Field(_("Their PIN"), DeskInput(id="pin", password=True, max_length=8),
                    key="pin", required=True)

    def focus_first(self) -> None:
        self.query_one("#pin", DeskInput).focus()  # the first approver is chosen already

    def on_mount(self) -> None:
        super().on_mount()
        staff_id, permission = self.staff_id, self.permission

        def load(session: Session) -> list[Approver]:
            from salontui.store.admin.permissions import approvers

            return approvers(session, staff_id=staff_id, permission=permission)

        self.ask(load, self.show_approvers)

    def show_approvers(self, found: list[Approver]) -> None:
        from salontui.store.kinds import STAFF_ROLE_LABELS

        roles = {str(k): v for k, v in STAFF_ROLE_LABELS.items()}
        options = [(str(a.id), f"{a.name} ({_(roles.get(a.role, a.role))})") for a in found]
        self.nobody = not options
        self.query_one("#approver", CycleChoice).set_options(
            options or [(NOBODY, _("Nobody can approve this"))])
        if self.nobody:
            self.show_error(self.nobody_error())

    def nobody_error(self) -> ValidationError:
        return ValidationError(_("Nobody can approve this: no other active staff member "
                                 "whose role may do it has a PIN. The owner sets PINs in "
                                 "Settings, Staff."), field="approver")

    def prepare(self) -> Callable[[Session], Any]:
        if self.nobody:
            raise self.nobody_error()
        chosen = self.query_one("#approver", CycleChoice).value
        if not chosen:
            raise ValidationError(_("Choose who approves."), field="approver")
        pin = self.value("pin")
        if not pin:
            raise ValidationError(_("Type their PIN."), field="pin")
        staff_id, approver_id, permission = self.staff_id, int(chosen), self.permission

        def check(session: Session) -> int:
            from salontui.store.admin.permissions import approve

            return approve(session, staff_id=staff_id, approver_id=approver_id, pin=pin,
                           permission=permission)

        return check
