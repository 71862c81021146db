"""The Invoices tab: the customer's invoices between two dates (the last year at first),
counted and paged; Enter opens one (refund, reprint), f changes the dates. In a chain
the customer's invoices from every branch, with a Branch column naming where each was
written (left out first on a narrow screen)."""

from __future__ import annotations

from datetime import date, timedelta

from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Input, Label

from salontui.i18n import N_, _
from salontui.screens.commands import Command, binding_commands
from salontui.screens.detail.tab import OPEN_ROW, DetailTab, Page, page_size
from salontui.screens.dialogs.labels import stored_label
from salontui.store.errors import SalonError
from salontui.store.kinds import INVOICE_KIND_LABELS, LINE_KIND_LABELS
from salontui.widgets.inputs import DeskInput
from salontui.widgets.tables import Col, DeskTable

INVOICE_RANGE_DAYS = 365


def technicians_cell(technicians: str | None) -> str:
    """The first technician of an invoice and how many more ("Trần Văn Khoa +1"): a list
    column stays narrow; the invoice itself names them all."""
    names = [n.strip() for n in (technicians or "").split(",") if n.strip()]
    return f"{names[0]} +{len(names) - 1}" if len(names) > 1 else "".join(names)


class InvoicesTab(DetailTab):
    tab_id = "invoices"
    title = N_("Invoices")
    is_paged = True
    palette_rank = 1  # "Open invoice" after the other tabs' commands
    ROW_KEYS = (OPEN_ROW,)
    VIEW_KEYS = (Binding("f", "date_range", _("Dates"),
                         id="detail.invoices.dates", tooltip=_("Change the invoice dates")),)

    def reset(self) -> None:
        super().reset()
        self.invoice_from: date | None = None
        self.invoice_to: date | None = None

    def start(self) -> None:
        from salontui.store import clock

        fmt = self.desk.formatter
        today = fmt.local(clock.now()).date()  # the salon's calendar day
        self.invoice_to = today
        self.invoice_from = today - timedelta(days=INVOICE_RANGE_DAYS)
        if self.built:
            self.query_one("#from", DeskInput).value = fmt.date(self.invoice_from)
            self.query_one("#to", DeskInput).value = fmt.date(self.invoice_to)
            self.query_one("#invoices-error", Label).display = False

    def widgets(self) -> list:
        fmt = self.desk.formatter
        return [
            Horizontal(
                Label(_("From")),
                DeskInput(fmt.date(self.invoice_from), id="from", max_length=20,
                          placeholder=fmt.date_hint()),
                Label(_("to")),
                DeskInput(fmt.date(self.invoice_to), id="to", placeholder=fmt.date_hint(),
                          max_length=20),
                Label("", id="invoices-count"),
                id="invoices-bar", classes="pane-bar",
            ),
            Label("", id="invoices-error", classes="pane-error"),
            DeskTable(self.table_columns(branches=False), id="invoices-table"),
        ]

    @staticmethod
    def table_columns(*, branches: bool) -> list[Col]:
        """The table's columns; ``branches``: with the Branch column (a chain's invoices)."""
        return [
            Col("code", _("Code"), 8),
            Col("date", _("Date"), 10),
            # Where it was written: a chain's only, and the last left out when narrow.
            *([Col("branch", _("Branch"), 8, grow=1, max_width=20, drop=1)] if branches
              else []),
            Col("usage", _("Usage"), 9, grow=1, max_width=32, drop=3),
            Col("item", _("Item"), None, min_width=10),
            Col("qty", _("Qty"), 3, justify="right"),
            Col("total", _("Total"), 12, justify="right"),
            # Who did the lines, and who took the money (left out when narrow).
            Col("technician", _("Technician"), 10, grow=1, max_width=24),
            Col("cashier", _("Cashier"), 10, grow=1, max_width=24, drop=2),
        ]

    def reader(self):
        cid, offset, size = self.customer_id, self.page_offset, page_size()
        date_from, date_to = self.invoice_from, self.invoice_to

        def read(session) -> Page:
            from salontui.store.invoices import count_invoices, list_invoices

            total = count_invoices(session, customer_id=cid, date_from=date_from,
                                   date_to=date_to)
            rows = list(list_invoices(session, customer_id=cid, date_from=date_from,
                                      date_to=date_to, limit=size, offset=offset))
            return Page(rows, offset + len(rows) < total, total)
        return read

    def show_error(self, error: SalonError) -> None:
        label = self.query_one("#invoices-error", Label)
        label.update(Content(f"▲ {error.message}"))
        label.display = True

    def render_rows(self) -> None:
        from salontui.screens.dialogs.invoice import invoice_item

        fmt = self.desk.formatter
        rows = self.rows
        branches = any(getattr(inv, "branch", "") for inv in rows)
        table_rows = []
        for inv in rows:
            usage = ", ".join(stored_label(LINE_KIND_LABELS, u.strip())
                              for u in (inv.usage_type or "").split(",") if u.strip())
            if inv.kind != "sale":
                usage = f"{stored_label(INVOICE_KIND_LABELS, inv.kind)}: {usage}"
            branch = [getattr(inv, "branch", "")] if branches else []
            table_rows.append((inv.id, [
                inv.code, fmt.date(inv.created_at), *branch, usage, invoice_item(inv),
                inv.quantity, fmt.money(inv.total),
                technicians_cell(getattr(inv, "technicians", "")), inv.staff_name or "",
            ]))
        table = self.table()
        table.set_columns(self.table_columns(branches=branches))
        table.set_rows(table_rows)
        self.query_one("#invoices-error", Label).display = False
        text = self.page_text(len(rows)) or _("No invoices in these dates.")
        self.query_one("#invoices-count", Label).update(Content(text))

    # -- keys -------------------------------------------------------------------------
    def allows(self, action: str) -> bool:
        if action == "open_row":
            return not self.typing() and self.selected() is not None
        return True  # date_range

    def action_open_row(self) -> None:
        from salontui.screens.dialogs.invoice import InvoiceDialog

        row = self.selected()
        if row is not None:
            self.app.push_screen(InvoiceDialog(row.id), callback=self.detail.after_dialog)

    def action_refund_invoice(self) -> None:
        from salontui.screens.dialogs.refund import RefundDialog

        row = self.selected()
        if row is not None:
            self.app.push_screen(RefundDialog(row.id), callback=self.detail.after_dialog)

    def action_date_range(self) -> None:
        self.show_then()
        self.query_one("#from", DeskInput).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id not in ("from", "to"):
            return
        event.stop()
        error_label = self.query_one("#invoices-error", Label)
        error_label.display = False
        try:
            fmt = self.desk.formatter
            date_from = fmt.parse_date(self.query_one("#from", DeskInput).value, field="from",
                                   required=False)
            date_to = fmt.parse_date(self.query_one("#to", DeskInput).value, field="to",
                                 required=False)
            if date_from and date_to and date_from > date_to:
                raise SalonError(_("The end date is before the start date."), field="to")
        except SalonError as error:
            error_label.update(Content(f"▲ {error.message}"))
            error_label.display = True
            self.query_one(f"#{error.field}", DeskInput).focus()
            return
        self.invoice_from, self.invoice_to = date_from, date_to
        self.page_offset = 0
        self.load()
        self.table().focus()

    def commands(self):
        return binding_commands(self.detail, (
            Command("detail.open_row", _("Open invoice"),
                    _("See the lines and payments of the selected invoice"),
                    run=lambda: self.show_then(self.action_open_row)),))

    def late_commands(self):
        return [(_("Refund invoice"), _("Refund the selected invoice"),
                 lambda: self.show_then(self.action_refund_invoice))]
