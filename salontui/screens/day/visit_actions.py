"""What the desk does to one visit, from any screen that lists visits (the customer's
Appointments tab, the book, the Today board): check in, cancel (with a reason), mark a
no-show, and show the visit (its lines, who recorded each, and its history).

Each helper takes the screen asking (a :class:`~salontui.screens.base.StoreCalls`
screen: the store is called in its thread workers) and the appointment's id; it reads
the visit first (to say whose visit it is), asks what needs asking (a reason, a yes),
calls the store and says the outcome in a notification. A refusal (a visit already
paid, cancelled by another desk meanwhile…) is said the same way; nothing is written
then and the desk goes on. ``done`` (optional) receives the changed
:class:`~salontui.store.day.appointments.AppointmentRow` (a screen reads itself again).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from salontui.i18n import _
from salontui.screens.base import StoreCalls
from salontui.screens.dialogs.base import FormDialog
from salontui.store.errors import ValidationError
from salontui.widgets.inputs import DeskInput, Field

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.formatting import Formatter
    from salontui.store.day.appointments import AppointmentRow

Done = Callable[["AppointmentRow"], None] | None

REASON_CHARS = 250


@dataclass(frozen=True)
class Visit:
    """A visit as the helpers say it: its row and whose it is."""

    row: AppointmentRow
    customer_code: str
    customer_name: str


def read_visit(appointment_id: int) -> Callable[[Session], Visit]:
    def read(session: Session) -> Visit:
        from salontui.store.customers import get_customer
        from salontui.store.day.appointments import get_appointment

        row = get_appointment(session, appointment_id=appointment_id)
        customer = get_customer(session, customer_id=row.customer_id)
        return Visit(row, customer.code, customer.name)

    return read


def describe(visit: Visit, fmt: Formatter) -> str:
    """"Nguyễn Thị Hương · 24/11/2026 15:00–15:45 · Cắt tóc nữ (Lan)"."""
    row = visit.row
    when = f"{fmt.datetime(row.starts_at)}–{fmt.local(row.ends_at):%H:%M}"
    services = row.services or _("no service")
    if row.staff_name:
        services = f"{services} ({row.staff_name})"
    return f"{visit.customer_name} · {when} · {services}"


def change_label(change: str) -> str:
    """A history row's change in words."""
    from salontui.store.day.appointments import status_words

    words = {"booked": _("booked"), "moved": _("moved"), "changed": _("services changed"),
             "overlap": _("overlap confirmed"), "recorded": _("lines recorded"),
             "followed_up": _("followed up")}
    return words.get(change) or status_words(change)


def _set_status(screen: StoreCalls, appointment_id: int, status: str, said: str,
                done: Done, reason: str = "") -> None:
    """Call the store; notify ``said`` (with the customer's name) or the refusal."""
    staff_id = screen.desk.staff_id

    def write(session: Session) -> Visit:
        from salontui.store.day.appointments import set_appointment_status

        set_appointment_status(session, staff_id=staff_id, appointment_id=appointment_id,
                               status=status, reason=reason)
        return read_visit(appointment_id)(session)

    def then(visit: Visit) -> None:
        screen.desk.notify(said.format(name=visit.customer_name), timeout=4)
        if done is not None:
            done(visit.row)

    screen.ask(write, then, write=True, tag=f"visit-{status}-{appointment_id}")


def _with_visit(screen: StoreCalls, appointment_id: int, then: Callable[[Visit], None]) -> None:
    screen.ask(read_visit(appointment_id), then,
               tag=f"visit-read-{appointment_id}")


def _refuse_unless_booked(screen: StoreCalls, visit: Visit, doing: str) -> bool:
    """True (and says why) when the visit is not booked: nothing to ask about."""
    from salontui.store.day.appointments import status_words

    if visit.row.status == "booked":
        return False
    screen.desk.notify(_("Only a booked visit can be {doing}; this one is {status}.").format(
        doing=doing, status=status_words(visit.row.status)), severity="warning", timeout=5)
    return True


def check_in(screen: StoreCalls, appointment_id: int, done: Done = None) -> None:
    """The customer has arrived: the visit goes to the cashier."""
    _set_status(screen, appointment_id, "checked_in",
                _("{name} is checked in: to cashier."), done)


def no_show(screen: StoreCalls, appointment_id: int, done: Done = None) -> None:
    """Asked first (Enter or y marks it, Esc leaves it)."""
    from salontui.screens.dialogs.confirm import ConfirmDialog

    def ask(visit: Visit) -> None:
        if _refuse_unless_booked(screen, visit, _("marked a no-show")):
            return

        def answer(yes: bool | None) -> None:
            if yes:
                _set_status(screen, appointment_id, "no_show",
                            _("{name}'s visit is marked a no-show."), done)

        screen.desk.push_screen(ConfirmDialog(
            _("Mark this visit a no-show?\n{visit}").format(
                visit=describe(visit, screen.desk.formatter)),
            title=_("No-show"), confirm_label=_("No-show"),
            cancel_label=_("Leave it")), callback=answer)

    _with_visit(screen, appointment_id, ask)


def cancel_visit(screen: StoreCalls, appointment_id: int, done: Done = None) -> None:
    """A reason is asked (required) and the visit is cancelled with it."""

    def ask(visit: Visit) -> None:
        if _refuse_unless_booked(screen, visit, _("cancelled")):
            return

        def answer(row: AppointmentRow | None) -> None:
            if row is None:
                return
            screen.desk.notify(_("{name}'s visit is cancelled.").format(
                name=visit.customer_name), timeout=4)
            if done is not None:
                done(row)

        screen.desk.push_screen(CancelVisitDialog(visit), callback=answer)

    _with_visit(screen, appointment_id, ask)


def show_visit(screen: StoreCalls, appointment_id: int) -> None:
    """The visit's lines (who does what when, who recorded each), its history and what
    can be done with it (the book's visit dialog)."""
    from salontui.screens.day.visit_dialog import VisitDialog

    screen.desk.push_screen(VisitDialog(appointment_id))


class CancelVisitDialog(FormDialog):
    """Why the visit is cancelled (required); answers the cancelled AppointmentRow."""

    def __init__(self, visit: Visit) -> None:
        super().__init__()
        self.visit = visit
        self.title_text = _("Cancel visit")
        self.confirm_label = _("Cancel the visit")

    def on_mount(self) -> None:  # the form's own on_mount runs too (Textual calls both)
        from textual.widgets import Button

        # Esc keeps the visit: "Cancel (Esc)" would read as cancelling it.
        self.query_one("#cancel", Button).label = Content(_("Keep it (Esc)"))

    def compose_body(self) -> ComposeResult:
        yield Static(Content(describe(self.visit, self.formatter)), classes="intro")
        yield Field(_("Reason"), DeskInput(id="reason", max_length=REASON_CHARS,
                                           placeholder=_("why: the customer called…")),
                    key="reason", required=True)

    def prepare(self):
        reason = self.value("reason")
        if not reason:
            raise ValidationError(_("Say why the appointment is cancelled."), field="reason")
        staff_id, appointment_id = self.staff_id, self.visit.row.id

        def cancel(session: Session) -> AppointmentRow:
            from salontui.store.day.appointments import set_appointment_status

            return set_appointment_status(session, staff_id=staff_id,
                                          appointment_id=appointment_id, status="cancelled",
                                          reason=reason)

        return cancel
