"""VisitDialog: one visit as the appointment book opens it.

Its customer, its day and times, its lines (service, staff member, start, minutes, and
who recorded a line on the visit), its note or why it was cancelled, and its history
(booked, moved, an overlap confirmed, checked in, paid…), with what can be done now:
``i`` check in, ``u`` undo a check-in, ``e`` move or change it (the booking dialog),
``c`` cancel it (with a reason), ``n`` mark a no-show, ``p`` take it to the cashier,
``o`` open the customer. Keys that do nothing for the visit's status are greyed in F1
and left out of the hint. It reads again when anything is written; Escape closes
(answering whether something changed).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from salontui.i18n import _
from salontui.keymap import key_of
from salontui.screens.base import StoreCalls
from salontui.store.errors import SalonError
from salontui.widgets.tables import Col, DeskTable

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.store.day.appointments import AppointmentRow
    from salontui.store.day.day_view import VisitView

# Which keys a visit's status allows (the store has the last word).
ALLOWED = {
    "check_in": ("booked",),
    "undo_check_in": ("checked_in",),
    "change": ("booked",),
    "cancel": ("booked",),
    "no_show": ("booked",),
    "cashier": ("checked_in",),
}


class VisitDialog(StoreCalls, ModalScreen[bool]):
    """A visit: its lines, its history and what can be done with it."""

    help_title = _("Visit")

    DEFAULT_CSS = """
    VisitDialog .visit-dialog { width: 90; }
    VisitDialog #visit-lines { height: auto; max-height: 8; }
    VisitDialog #visit-history { height: auto; max-height: 8; }
    VisitDialog .visit-title { color: $text-muted; text-style: bold; margin-top: 1; }
    VisitDialog #visit-keys { color: $text-muted; margin-top: 1; }
    """

    BINDINGS = [
        Binding("escape", "close", _("Close"), id="day.visit.close"),
        Binding("i", "check_in", _("Check in"), id="day.visit.check_in"),
        Binding("u", "undo_check_in", _("Undo check-in"), id="day.visit.undo_check_in"),
        Binding("e", "change", _("Move/change"), id="day.visit.change",
                tooltip=_("Move the visit or change its services")),
        Binding("c", "cancel", _("Cancel visit"), id="day.visit.cancel"),
        Binding("n", "no_show", _("No-show"), id="day.visit.no_show"),
        Binding("p", "cashier", _("To cashier"), id="day.visit.cashier",
                tooltip=_("Open the checkout of the checked-in visit")),
        Binding("o", "customer", _("Customer"), id="day.visit.customer",
                tooltip=_("Open the customer")),
    ]

    def __init__(self, appointment_id: int) -> None:
        super().__init__()
        self.appointment_id = appointment_id
        self.view: VisitView | None = None
        self.changed = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog visit-dialog") as box:
            box.border_title = _("Visit")
            yield Static(Content(_("Loading…")), id="visit-head")
            yield DeskTable([
                Col("time", _("Time"), 11),
                Col("service", _("Service"), None, min_width=14),
                Col("staff", _("Staff"), 12, grow=1, max_width=20),
                Col("minutes", _("Min"), 4, justify="right"),
                Col("by", _("Recorded by"), 10, drop=1),
            ], id="visit-lines")
            yield Label(_("History"), classes="visit-title")
            yield DeskTable([
                Col("when", _("When"), 16),
                Col("change", _("Event"), 10),
                Col("by", _("By"), 10, drop=1),
                Col("note", _("Note"), None, min_width=12),
            ], id="visit-history")
            yield Static("", id="visit-keys")

    def on_mount(self) -> None:
        self.query_one("#visit-lines", DeskTable).focus()
        self.watch(self.app, "data_version", self.data_changed, init=False)
        self.load()

    def data_changed(self, _version: int) -> None:
        if self.app.screen is self:
            self.load()

    def load(self) -> None:
        appointment_id = self.appointment_id

        def read(session: Session) -> VisitView:
            from salontui.store.day.day_view import visit_view

            return visit_view(session, appointment_id=appointment_id)

        self.ask(read, self.show_visit, failed=self.visit_failed)

    def visit_failed(self, error: SalonError) -> None:
        self.query_one("#visit-head", Static).update(Content(f"▲ {error.message}"))

    @property
    def status(self) -> str | None:
        return self.view.appointment.status if self.view is not None else None

    def show_visit(self, view: VisitView) -> None:
        from salontui.screens.day.visit_actions import change_label
        from salontui.screens.dialogs.labels import stored_label
        from salontui.store.kinds import APPOINTMENT_STATUS_LABELS

        self.view = view
        fmt = self.desk.formatter
        a = view.appointment
        status = stored_label(APPOINTMENT_STATUS_LABELS, a.status)
        box = self.query_one(".visit-dialog", Vertical)
        box.border_title = _("Visit · {status}").format(status=status)
        start, end = fmt.local(a.starts_at), fmt.local(a.ends_at)
        head = [" · ".join(part for part in (view.customer_name, view.customer_code,
                                              fmt.phone(view.customer_phone)) if part),
                f"{fmt.date(start.date())} {start:%H:%M}-{end:%H:%M} · {status}"]
        if a.note:
            head.append(_("Note: {note}").format(note=a.note))
        if a.reason:
            head.append(_("Why cancelled: {reason}").format(reason=a.reason))
        self.query_one("#visit-head", Static).update(Content("\n".join(head)))
        lines = self.query_one("#visit-lines", DeskTable)
        lines.set_rows([(line.id, [
            f"{fmt.local(line.starts_at):%H:%M}-{fmt.local(line.ends_at):%H:%M}"
            if line.starts_at is not None and line.ends_at is not None else "",
            line.label if line.quantity == 1 else f"{line.label} ×{line.quantity}",
            line.staff_name or _("anyone"), str(line.minutes) if line.minutes else "",
            line.recorded_by_name or "",
        ]) for line in a.lines])
        lines.styles.height = max(2, len(a.lines) + 1)
        history = self.query_one("#visit-history", DeskTable)
        history.set_rows([(n, [fmt.datetime(e.created_at), change_label(e.change),
                               e.staff_name or "", e.note])
                          for n, e in enumerate(view.history)], keep_cursor=False)
        history.styles.height = max(2, len(view.history) + 1)
        self.show_keys()
        self.refresh_bindings()

    def show_keys(self) -> None:
        """The keys that work now, in one line under the history."""
        words = []
        for action, binding_id, label in (
                ("check_in", "day.visit.check_in", _("check in")),
                ("undo_check_in", "day.visit.undo_check_in", _("undo check-in")),
                ("cashier", "day.visit.cashier", _("to cashier")),
                ("change", "day.visit.change", _("move")),
                ("cancel", "day.visit.cancel", _("cancel")),
                ("no_show", "day.visit.no_show", _("no-show")),
                ("customer", "day.visit.customer", _("customer")),
                ("close", "day.visit.close", _("close"))):
            if self.allows(action):
                words.append(f"{key_of(self, binding_id)} {label}")
        self.query_one("#visit-keys", Static).update(Content(" · ".join(words)))

    def allows(self, action: str) -> bool:
        if action in ALLOWED:
            return self.status in ALLOWED[action]
        return action in ("close", "customer") and (action == "close" or self.view is not None)

    def check_action(self, action: str, parameters) -> bool | None:
        if action in ALLOWED or action == "customer":
            return self.allows(action)
        return True

    # -- actions --------------------------------------------------------------------
    def action_close(self) -> None:
        self.dismiss(self.changed)

    def after_change(self, _row: AppointmentRow | None = None) -> None:
        """A change is written: this dialog and every screen behind it read again."""
        self.changed = True
        self.desk.data_version += 1
        self.load()

    def action_check_in(self) -> None:
        from salontui.screens.day.visit_actions import check_in

        if self.allows("check_in"):
            check_in(self, self.appointment_id, done=self.after_change)

    def action_undo_check_in(self) -> None:
        if not self.allows("undo_check_in"):
            return
        staff_id, appointment_id = self.desk.staff_id, self.appointment_id

        def write(session: Session) -> AppointmentRow:
            from salontui.store.day.appointments import set_appointment_status

            return set_appointment_status(session, staff_id=staff_id,
                                          appointment_id=appointment_id, status="booked")

        def done(row: AppointmentRow) -> None:
            self.desk.notify(_("The check-in is undone."), timeout=3)
            self.after_change(row)

        self.ask(write, done, write=True)

    def action_cancel(self) -> None:
        from salontui.screens.day.visit_actions import cancel_visit

        if self.allows("cancel"):
            cancel_visit(self, self.appointment_id, done=self.after_change)

    def action_no_show(self) -> None:
        from salontui.screens.day.visit_actions import no_show

        if self.allows("no_show"):
            no_show(self, self.appointment_id, done=self.after_change)

    def action_change(self) -> None:
        if not self.allows("change"):
            return
        from salontui.screens.day.booking import BookingDialog

        def saved(row) -> None:
            if row is not None:
                self.after_change(row)

        self.app.push_screen(BookingDialog(appointment_id=self.appointment_id),
                             callback=saved)

    def action_cashier(self) -> None:
        if not self.allows("cashier") or self.view is None:
            return
        from salontui.screens.checkout import CheckoutScreen

        customer_id = self.view.appointment.customer_id
        self.dismiss(True)
        self.app.push_screen(CheckoutScreen(customer_id, appointment_id=self.appointment_id))

    def action_customer(self) -> None:
        if self.view is None:
            return
        from salontui.screens.detail import CustomerDetailScreen

        customer_id = self.view.appointment.customer_id
        self.dismiss(self.changed)
        self.app.push_screen(CustomerDetailScreen(customer_id))
