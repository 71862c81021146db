"""The Appointments tab: the customer's visits, paged; Enter opens a visit's invoice, or
the checkout of one still to pay ("to cashier").

On the selected visit: ``I`` checks it in, ``m`` moves or changes it (the booking
dialog, its lines filled in), ``X`` cancels it (with a reason), ``N`` marks a no-show,
``s`` shows it (its lines, who recorded each, its history). ``b`` books the customer's
next visit from any tab of the detail (the screen's key; :func:`book_visit`): the
booking shows here, selected.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding

from salontui.i18n import N_, _
from salontui.keymap import key_of
from salontui.screens.detail.tab import OPEN_ROW, Bar, DetailTab, page_size, paged
from salontui.screens.dialogs.labels import stored_label
from salontui.store.kinds import APPOINTMENT_STATUS_LABELS
from salontui.widgets.tables import Col, DeskTable

if TYPE_CHECKING:
    from salontui.screens.detail.screen import CustomerDetailScreen
    from salontui.store.day.appointments import AppointmentRow

# What the tab's keys do to the selected visit; only a booked one changes.
BOOKED_ONLY = {"move_visit", "cancel_visit", "no_show", "check_in"}


def book_visit(detail: CustomerDetailScreen) -> None:
    """Book the customer's next visit; once booked the Appointments tab shows it,
    selected (``b`` on every tab of the detail)."""
    from salontui.screens.day.booking import BookingDialog

    if detail.customer_id is None:
        return

    def booked(row: AppointmentRow | None) -> None:
        if row is None:
            return
        fmt = detail.desk.formatter
        detail.desk.notify(_("Booked {when}: {services}.").format(
            when=fmt.datetime(row.starts_at), services=row.services), timeout=4)
        shown = AppointmentsTab.tab_id in detail.by_id
        if shown:
            detail.select_after_load = (AppointmentsTab.tab_id, str(row.id))
        detail.refresh_all()
        if shown:
            detail.switch_to(AppointmentsTab.tab_id)

    detail.app.push_screen(BookingDialog(customer_id=detail.customer_id), callback=booked)


class AppointmentsTab(DetailTab):
    tab_id = "appointments"
    title = N_("Appointments")
    is_paged = True
    ROW_KEYS = (OPEN_ROW,)
    KEYS = (
        Binding("I", "check_in", _("Check in"), id="detail.appointments.check_in",
                tooltip=_("Check in the selected visit: to cashier")),
        Binding("m", "move_visit", _("Move"), id="detail.appointments.move",
                tooltip=_("Move or change the selected visit")),
        # In the bar and F1, not the footer (80 columns).
        Binding("X", "cancel_visit", _("Cancel visit"), id="detail.appointments.cancel",
                show=False, tooltip=_("Cancel the selected visit, with a reason")),
        Binding("N", "no_show", _("No-show"), id="detail.appointments.no_show", show=False,
                tooltip=_("Mark the selected visit a no-show")),
        Binding("s", "show_visit", _("Show visit"), id="detail.appointments.show",
                show=False, tooltip=_("The selected visit's lines and history")),
    )

    def widgets(self) -> list:
        return [
            Bar(id="appointments-bar"),
            DeskTable([
                Col("time", _("Time"), 16),
                Col("services", _("Services"), None, min_width=12),
                Col("staff", _("Staff"), 12, grow=1, max_width=20),
                Col("status", _("Status"), 10),
                Col("invoice", _("Invoice"), 14),
            ], id="appointments-table"),
        ]

    def reader(self):
        cid, offset, size = self.customer_id, self.page_offset, page_size()

        def read(session):
            from salontui.store.day.appointments import list_appointments

            return paged(list_appointments(session, customer_id=cid, limit=size + 1,
                                           offset=offset), size)
        return read

    def render_rows(self) -> None:
        fmt = self.desk.formatter
        table_rows = []
        for a in self.rows:
            invoice: Text | str
            if a.invoice_state == "view":
                invoice = Text(_("view {code}").format(code=a.invoice_code or ""), style="bold")
            elif a.invoice_state == "to_cashier":
                invoice = Text(_("to cashier"), style="bold")
            else:
                invoice = _("none")
            table_rows.append((a.id, [
                fmt.datetime(a.starts_at), a.services, a.staff_name or "",
                stored_label(APPOINTMENT_STATUS_LABELS, a.status), invoice,
            ]))
        self.table().set_rows(table_rows)
        detail = self.detail
        keys = _("{book} book · {show} show · {cancel} cancel · {no_show} no-show").format(
            book=key_of(detail, "detail.book_visit"),
            show=key_of(detail, "detail.appointments.show"),
            cancel=key_of(detail, "detail.appointments.cancel"),
            no_show=key_of(detail, "detail.appointments.no_show"))
        counted = self.page_text(len(self.rows))
        self.bar(f"{counted} · {keys}" if counted else _("No appointments. {key} books one.")
                 .format(key=key_of(detail, "detail.book_visit")))

    def allows(self, action: str) -> bool:
        row = self.selected()
        if self.typing() or row is None:  # Enter: open_row
            return False
        if action in BOOKED_ONLY:
            return row.status == "booked"
        return True

    def commands(self):
        from salontui.screens.commands import Command, binding_commands

        return binding_commands(self.detail, (
            Command("detail.appointments.check_in", _("Check in visit"),
                    _("The selected visit goes to the cashier"), run=self.action_check_in),
            Command("detail.appointments.move", _("Move or change visit"),
                    _("New time, staff or services for the selected visit"),
                    run=self.action_move_visit),
            Command("detail.appointments.cancel", _("Cancel visit"),
                    _("Cancel the selected visit, with a reason"),
                    run=self.action_cancel_visit),
            Command("detail.appointments.no_show", _("Mark visit a no-show"),
                    _("The customer did not come"), run=self.action_no_show),
            Command("detail.appointments.show", _("Show visit"),
                    _("The selected visit's lines and history"), run=self.action_show_visit),
        ))

    # -- the selected visit -----------------------------------------------------------
    def visit_changed(self, row: AppointmentRow) -> None:
        """A visit was changed from here: read again, the cursor on it."""
        self.detail.after_dialog(row)

    def on_selected(self, act) -> None:
        """``act(row)`` on the selected visit, once the tab is shown (the palette runs a
        key's action from any tab)."""
        def run() -> None:
            row = self.selected()
            if row is None:
                self.app.notify(_("Select a visit first."), timeout=3)
                return
            act(row)

        self.show_then(run)

    def action_check_in(self) -> None:
        from salontui.screens.day.visit_actions import check_in

        self.on_selected(lambda row: check_in(self.detail, row.id, self.visit_changed))

    def action_cancel_visit(self) -> None:
        from salontui.screens.day.visit_actions import cancel_visit

        self.on_selected(lambda row: cancel_visit(self.detail, row.id, self.visit_changed))

    def action_no_show(self) -> None:
        from salontui.screens.day.visit_actions import no_show

        self.on_selected(lambda row: no_show(self.detail, row.id, self.visit_changed))

    def action_show_visit(self) -> None:
        from salontui.screens.day.visit_actions import show_visit

        self.on_selected(lambda row: show_visit(self.detail, row.id))

    def action_move_visit(self) -> None:
        self.on_selected(self.move_visit)

    def move_visit(self, row: AppointmentRow) -> None:
        from salontui.screens.day.booking import BookingDialog

        if row.status != "booked":
            self.app.notify(_("Only a booked visit can be moved or changed."), timeout=4)
            return

        def changed(changed_row: AppointmentRow | None) -> None:
            if changed_row is not None:
                fmt = self.desk.formatter
                self.app.notify(_("Saved {when}: {services}.").format(
                    when=fmt.datetime(changed_row.starts_at), services=changed_row.services),
                    timeout=4)
                self.visit_changed(changed_row)

        self.app.push_screen(BookingDialog(appointment_id=row.id), callback=changed)

    def action_open_row(self) -> None:
        from salontui.screens.dialogs.invoice import InvoiceDialog

        row = self.selected()
        if row is None:
            return
        detail = self.detail
        if row.invoice_state == "view" and row.invoice_id:
            self.app.push_screen(InvoiceDialog(row.invoice_id), callback=detail.after_dialog)
        elif row.invoice_state == "to_cashier":
            from salontui.screens.checkout import CheckoutScreen

            self.app.push_screen(CheckoutScreen(detail.customer_id, appointment_id=row.id),
                                 callback=detail.after_dialog)
        else:
            self.app.notify(_("No invoice for this appointment."), timeout=3)
