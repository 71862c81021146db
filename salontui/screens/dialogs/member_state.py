"""MemberStateDialog: a customer's membership (M on the customer): activate, exclude with a
reason, re-activate.

It shows the state now (and why, for an excluded member) and offers only what can be done
from it: a member not activated can be activated or excluded, an active one excluded, an
excluded one re-activated (which clears the reason). Excluding asks for a reason; the
reason field is shown only then. The rule is the store's
(:mod:`salontui.store.loyalty.members`), which refuses anything else at its field.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from salontui.i18n import _
from salontui.screens.dialogs.base import FormDialog
from salontui.widgets.inputs import DeskInput, Field, RadioChoice

ACTIVE, EXCLUDED, NOT_ACTIVATED = "active", "excluded", "not_activated"


def state_text(state: str, reason: str = "") -> str:
    """The membership as one phrase for the dialog's first line."""
    if state == EXCLUDED:
        return (_("Excluded: {reason}").format(reason=reason) if reason
                else _("Excluded"))
    if state == NOT_ACTIVATED:
        return _("Member not activated: earns no points yet")
    return _("Active member")


def actions_from(state: str) -> list[tuple[str, str]]:
    """What can be done from ``state``: (the state it leads to, its label)."""
    if state == NOT_ACTIVATED:
        return [(ACTIVE, _("Activate")), (EXCLUDED, _("Exclude"))]
    if state == EXCLUDED:
        return [(ACTIVE, _("Re-activate"))]
    return [(EXCLUDED, _("Exclude"))]


class MemberStateDialog(FormDialog):
    """Answers the saved CustomerRecord (None if cancelled)."""

    title_text = _("Membership")
    confirm_label = _("Save")

    def __init__(self, customer) -> None:
        super().__init__()
        self.customer = customer  # a CustomerSummary (id, code, name, member_state…)

    def compose_body(self) -> ComposeResult:
        c = self.customer
        reason = getattr(c, "member_reason", "")
        yield Static(Content(f"{c.code} {c.name} · {state_text(c.member_state, reason)}"),
                     classes="intro", id="member-now")
        actions = actions_from(c.member_state)
        yield Field(_("Action"), RadioChoice(actions, id="action"), key="action",
                    aliases=("state",))
        yield Field(_("Reason"), DeskInput(id="reason", max_length=250,
                                           placeholder=_("Why they are excluded")),
                    key="reason", required=True)
        if c.member_state != EXCLUDED:
            yield Static(_("An excluded member keeps their points but earns and spends none "
                           "until re-activated."), classes="dialog-hint")

    def on_mount(self) -> None:
        super().on_mount()
        self.show_reason()

    def on_radio_choice_changed(self, event: RadioChoice.Changed) -> None:
        self.show_reason()

    def show_reason(self) -> None:
        self.field("reason").display = self.query_one("#action", RadioChoice).value == EXCLUDED

    def prepare(self):
        state = self.query_one("#action", RadioChoice).value
        reason = self.value("reason") if state == EXCLUDED else ""
        staff_id, customer_id = self.staff_id, self.customer.id

        def save(session):
            from salontui.store.loyalty.members import set_member_state

            return set_member_state(session, staff_id=staff_id, customer_id=customer_id,
                                    state=state, reason=reason)

        return save

    def result(self, value):
        self.app.notify(state_text(value.member_state, value.member_reason), timeout=3)
        return value
