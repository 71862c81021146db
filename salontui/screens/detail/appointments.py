"""The Appointments tab: the customer's visits, paged; Enter opens a visit's invoice, or
the checkout of one still to pay ("to cashier")."""

from __future__ import annotations

from rich.text import Text

from salontui.i18n import N_, _
from salontui.screens.detail.tab import OPEN_ROW, Bar, DetailTab, page_size, paged
from salontui.screens.dialogs.labels import stored_label
from salontui.store.kinds import APPOINTMENT_STATUS_LABELS
from salontui.widgets.tables import Col, DeskTable


class AppointmentsTab(DetailTab):
    tab_id = "appointments"
    title = N_("Appointments")
    is_paged = True
    ROW_KEYS = (OPEN_ROW,)

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
        self.bar(self.page_text(len(self.rows)) or _("No appointments."))

    def allows(self, action: str) -> bool:
        return not self.typing() and self.selected() is not None  # Enter: open_row

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
