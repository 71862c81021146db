"""PinSignInDialog: the PIN of the staff member picked at F2 (masked, checked in the store,
about 0.15 s by design); LockDialog: the same over everything once the desk has been idle
for the salon's lock minutes (what lies under it, a half-done checkout, stays)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Button, Input, Static

from salontui.i18n import _
from salontui.keymap import key_of
from salontui.screens.dialogs.base import FormDialog
from salontui.widgets.inputs import DeskInput, Field

if TYPE_CHECKING:
    from sqlmodel import Session


class PinCheckDialog(FormDialog):
    """A form whose confirm checks a PIN typed in ``#pin``: a read (nothing is written);
    a refusal is said at its field and the PIN emptied for the next try."""

    store_writes = False

    def save_refused(self, error) -> None:
        pin = self.query_one("#pin", DeskInput)
        with pin.prevent(Input.Changed):  # emptying it must not take the message away
            pin.value = ""
        super().save_refused(error)


class PinSignInDialog(PinCheckDialog):
    """Type the PIN of ``member`` (a StaffMember); answers the signed-in StaffMember, or
    None. A wrong PIN is said at the field and nobody is signed in."""

    def __init__(self, member: Any) -> None:
        super().__init__()
        self.member = member
        self.title_text = _("Sign in: {name}").format(name=member.name)
        self.confirm_label = _("Sign in")

    def compose_body(self) -> ComposeResult:
        yield Field(_("PIN"), DeskInput(id="pin", password=True, max_length=8), key="pin",
                    required=True)

    def prepare(self) -> Callable[[Session], Any]:
        pin, staff_id = self.value("pin"), self.member.id

        def check(session: Session) -> Any:
            from salontui.store.admin.pins import sign_in

            return sign_in(session, staff_id=staff_id, pin=pin)

        return check


class LockDialog(PinSignInDialog):
    """The idle lock: the signed-in person's PIN unlocks; F2 lets someone else sign in.
    Esc does not close it."""

    BINDINGS = [*FormDialog.BINDINGS,
                # A modal screen holds the app's keys back: F2 is bound here too.
                Binding("f2", "app.switch_staff", _("Staff"), id="app.switch_staff",
                        show=False)]

    def __init__(self, member: Any) -> None:
        super().__init__(member)
        self.title_text = _("Locked: {name}").format(name=member.name)
        self.confirm_label = _("Unlock")

    def compose_body(self) -> ComposeResult:
        yield from super().compose_body()
        yield Static(_("The desk was idle. {key}: someone else signs in.").format(
            key=key_of(self.app, "app.switch_staff")), classes="dialog-hint")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#cancel", Button).display = False

    def action_cancel(self) -> None:
        """Locked: Esc stays here."""
