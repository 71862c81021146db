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
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from salontui.i18n import _
from salontui.keymap import key_of
from salontui.screens.app_access import DeskApp
from salontui.screens.base import StoreCalls
from salontui.screens.dialogs.base import FormDialog
from salontui.store.errors import ValidationError
from salontui.widgets.inputs import DeskInput, Field
from salontui.widgets.tables import Col, DeskTable

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.formatting import Formatter
    from salontui.store.day.appointments import AppointmentRow, EventRow

Done = Callable[["AppointmentRow"], None] | None

REASON_CHARS = 250


@dataclass(frozen=True)
class Visit:
    """A visit as the helpers say it: its row, whose it is, and (for show) its history."""

    row: AppointmentRow
    customer_code: str
    customer_name: str
    history: tuple[EventRow, ...] = ()


def read_visit(appointment_id: int, *, history: bool = False) -> Callable[[Session], Visit]:
    def read(session: Session) -> Visit:
        from salontui.store.customers import get_customer
        from salontui.store.day.appointments import appointment_history, get_appointment

        row = get_appointment(session, appointment_id=appointment_id)
        customer = get_customer(session, customer_id=row.customer_id)
        events = appointment_history(session, appointment_id=appointment_id) if history else []
        return Visit(row, customer.code, customer.name, tuple(events))

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


def _with_visit(screen: StoreCalls, appointment_id: int, then: Callable[[Visit], None], *,
                history: bool = False) -> None:
    screen.ask(read_visit(appointment_id, history=history), then,
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
    """The visit's lines (who does what when, who recorded each) and its history."""
    def show(visit: Visit) -> None:
        screen.desk.push_screen(VisitHistoryDialog(visit))

    _with_visit(screen, appointment_id, show, history=True)


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


class VisitHistoryDialog(DeskApp, ModalScreen):
    """One visit, read only: its lines and its history; Esc or Enter closes."""

    DEFAULT_CSS = """
    VisitHistoryDialog .visit-dialog { width: 78; height: auto; max-height: 100%; }
    VisitHistoryDialog #visit-lines { height: auto; max-height: 7; }
    VisitHistoryDialog #visit-history { height: auto; max-height: 10; }
    VisitHistoryDialog .visit-head { margin-top: 1; text-style: bold; }
    """

    BINDINGS = [Binding("escape,enter", "close", _("Close"), id="day.visit_history.close")]

    def __init__(self, visit: Visit) -> None:
        super().__init__()
        self.visit = visit

    def compose(self) -> ComposeResult:
        from salontui.screens.dialogs.labels import stored_label
        from salontui.store.kinds import APPOINTMENT_STATUS_LABELS

        fmt = self.desk.formatter
        row = self.visit.row
        with Vertical(classes="dialog visit-dialog") as box:
            box.border_title = _("Visit #{id}").format(id=row.id)
            box.border_subtitle = f"{self.visit.customer_code} {self.visit.customer_name}"
            status = stored_label(APPOINTMENT_STATUS_LABELS, row.status)
            head = _("{start}–{end} · {status}").format(
                start=fmt.datetime(row.starts_at), end=f"{fmt.local(row.ends_at):%H:%M}",
                status=status)
            if row.invoice_code:
                head += " · " + _("invoice {code}").format(code=row.invoice_code)
            yield Static(Content(head))
            if row.note:
                yield Static(Content(_("Note: {note}").format(note=row.note)))
            if row.reason:
                yield Static(Content(_("Reason: {reason}").format(reason=row.reason)))
            yield DeskTable([
                Col("time", _("Time"), 11),
                Col("what", _("Service"), None, min_width=12),
                Col("staff", _("Staff"), 10, grow=1, max_width=18),
                Col("minutes", _("Min"), 4, justify="right"),
                Col("by", _("Recorded by"), 10, grow=1, max_width=16),
            ], id="visit-lines")
            yield Static(_("History"), classes="visit-head")
            yield DeskTable([
                Col("when", _("When"), 16),
                Col("change", _("Change"), 12),
                Col("note", _("Note"), None, min_width=12, prose=True),
                Col("by", _("By"), 10, grow=1, max_width=16),
            ], id="visit-history")
            yield Static(_("{key} closes").format(key=key_of(self, "day.visit_history.close")),
                         classes="dialog-hint")

    def on_mount(self) -> None:
        fmt = self.desk.formatter
        lines = []
        for line in self.visit.row.lines:
            when = ""
            if line.starts_at is not None and line.ends_at is not None:
                when = f"{fmt.local(line.starts_at):%H:%M}–{fmt.local(line.ends_at):%H:%M}"
            what = line.label if line.quantity == 1 else f"{line.label} ×{line.quantity}"
            minutes = str(line.minutes) if line.kind == "service" else ""
            lines.append((line.id, [when, what, line.staff_name or _("anyone"), minutes,
                                    line.recorded_by_name or _("desk")]))
        table = self.query_one("#visit-lines", DeskTable)
        table.set_rows(lines)
        table.styles.height = 1 + max(1, min(len(lines), 6))
        history = [(str(index), [fmt.datetime(e.created_at), change_label(e.change), e.note,
                                 e.staff_name or ""])
                   for index, e in enumerate(self.visit.history)]
        events = self.query_one("#visit-history", DeskTable)
        events.set_rows(history)
        events.styles.height = 1 + max(1, min(len(history), 9))
        events.focus()

    def action_close(self) -> None:
        self.dismiss(None)

