"""ChangePhoneDialog: a member's new phone (P on the customer), approved by a manager.

The new number; whether the points and tier stay with the old profile (the default: the
new number gets a new profile of its own) or move with the new number (the old number is
kept and still found by search, marked "old phone"); who approves: the salon's active
managers and owners, the signed-in one first. Enter checks everything with the store
(:func:`~salontui.store.loyalty.phone.check_phone_change`: a bad or taken number, the same
number, no approver are refused at their field) and then asks to confirm, saying what will
happen; only the confirmation writes. A PIN for the approval comes with the permissions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Label, Static

from salontui.i18n import _
from salontui.screens.dialogs.base import FormDialog
from salontui.screens.dialogs.customer_form import CycleChoice
from salontui.widgets.inputs import DeskInput, Field, RadioChoice

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.store.loyalty.phone import Approver, PhoneChange, PhoneCheck

KEEP_OLD, KEEP_NEW = "old", "new"
NO_APPROVER = ""


def keep_options() -> list[tuple[str, str]]:
    return [(KEEP_OLD, _("Old profile keeps them")), (KEEP_NEW, _("Move to the new number"))]


class ChangePhoneDialog(FormDialog):
    """Answers the PhoneChange done (None if cancelled)."""

    title_text = _("Change phone")
    confirm_label = _("Change phone")

    def __init__(self, customer) -> None:
        super().__init__()
        self.customer = customer  # a CustomerSummary (id, code, name, phone)
        self.checked: PhoneCheck | None = None

    def compose_body(self) -> ComposeResult:
        c = self.customer
        fmt = self.desk.formatter
        yield Static(Content(_("{code} {name} · phone now {phone}").format(
            code=c.code, name=c.name, phone=fmt.phone(c.phone))), classes="intro")
        yield Field(_("New phone"), DeskInput(id="new-phone", max_length=32),
                    key="new_phone", aliases=("phone",), required=True)
        yield Field(_("Points, tier"), RadioChoice(keep_options(), id="keep"), key="keep_with",
                    hint=_("Old profile: the new number gets a new profile of its own."))
        yield Field(_("Approved by"), CycleChoice([(NO_APPROVER, _("Loading…"))],
                                                  id="approver"),
                    key="approved_by", required=True)

    def on_mount(self) -> None:
        super().on_mount()
        first = self.staff_id

        def approvers(session: Session) -> list[Approver]:
            from salontui.store.loyalty.phone import list_approvers

            return list_approvers(session, first=first)

        self.ask(approvers, self.show_approvers)

    def show_approvers(self, approvers: list[Approver]) -> None:
        from salontui.store.kinds import STAFF_ROLE_LABELS

        roles = {str(k): v for k, v in STAFF_ROLE_LABELS.items()}
        options = [(str(a.id), f"{a.name} ({_(roles.get(a.role, a.role))})") for a in approvers]
        choice = self.query_one("#approver", CycleChoice)
        choice.set_options(options or [(NO_APPROVER, _("No manager or owner"))])

    def on_radio_choice_changed(self, event: RadioChoice.Changed) -> None:
        if event.choice.id == "keep":
            hint = (_("Old profile: the new number gets a new profile of its own.")
                    if event.value == KEEP_OLD else
                    _("The old number is kept in the history and still found by search."))
            self.field("keep_with").query_one(".field-hint", Label).update(hint)

    def arguments(self) -> dict:
        approver = self.query_one("#approver", CycleChoice).value
        return {"staff_id": self.staff_id, "customer_id": self.customer.id,
                "new_phone": self.value("new_phone"),
                "approved_by": int(approver) if approver else None,
                "keep_with": self.query_one("#keep", RadioChoice).value}

    def prepare(self):
        """Enter: the store checks the change (nothing written); see :meth:`saved`."""
        arguments = self.arguments()

        def check(session: Session) -> PhoneCheck:
            from salontui.store.loyalty.phone import check_phone_change

            return check_phone_change(session, **arguments)

        return check

    def saved(self, value) -> None:
        from salontui.store.loyalty.phone import PhoneCheck

        if not isinstance(value, PhoneCheck):
            super().saved(value)  # the change is written: the dialog answers it
            return
        self.busy = False
        self.checked = value
        from salontui.screens.dialogs.confirm import ConfirmDialog

        label = _("Change phone")
        self.app.push_screen(ConfirmDialog(self.question(value), title=label,
                                           confirm_label=label), callback=self.confirmed)

    def question(self, check: PhoneCheck) -> str:
        fmt = self.desk.formatter
        old, new = fmt.phone(check.old_phone), fmt.phone(check.new_phone)
        if check.keep_with == KEEP_NEW:
            what = _("{code} {name} answers to {new} from now on, with their points and tier; "
                     "{old} is kept in the history.")
        else:
            what = _("{code} {name} keeps {old} with their points and tier; a new profile is "
                     "made for {new}.")
        return "\n".join([
            what.format(code=check.code, name=check.name, old=old, new=new),
            _("Approved by {name}.").format(name=check.approver),
        ])

    def confirmed(self, yes) -> None:
        if not yes:
            return
        arguments = self.arguments()

        def change(session: Session) -> PhoneChange:
            from salontui.store.loyalty.phone import change_phone

            return change_phone(session, **arguments)

        self.busy = True
        self.ask(change, self.saved, write=True, failed=self.save_refused,
                 crashed=self.save_crashed)

    def result(self, value: PhoneChange):
        fmt = self.desk.formatter
        if value.keep_with == KEEP_NEW:
            self.app.notify(_("The phone is now {new}.").format(new=fmt.phone(value.new_phone)),
                            timeout=4)
        else:
            self.app.notify(_("New profile {code} for {new}.").format(
                code=value.code, new=fmt.phone(value.new_phone)), timeout=5)
        return value
