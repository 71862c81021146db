"""InvoiceDialog: one invoice, read only: its lines and its payments.

A paid invoice is never edited; from here it can be refunded (``r``, wholly
or chosen lines, in the refund dialog) and its receipt shown again for
reprinting (``p``). After a refund the dialog answers the refund's result, so
the customer detail under it reads everything again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from salontui.i18n import _, ngettext
from salontui.keymap import key_of
from salontui.screens.base import StoreCalls
from salontui.screens.checkout.common import label_of
from salontui.screens.dialogs.labels import stored_label
from salontui.store.errors import SalonError
from salontui.store.kinds import INVOICE_KIND_LABELS
from salontui.store.names import card_label
from salontui.widgets.tables import Col, DeskTable

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.store.invoices import InvoiceDetail


def refund_mark(row) -> str:
    """How an invoice refunded since is marked in a list: "▲ refunded HD000007" or
    "▲ partly refunded HD000007, HD000009" ("" if it was not)."""
    state, codes = getattr(row, "refund_state", ""), getattr(row, "refund_codes", "")
    if not state:
        return ""
    if not isinstance(codes, str):
        codes = ", ".join(codes)
    if state == "refunded":
        return "▲ " + _("refunded {codes}").format(codes=codes)
    return "▲ " + _("partly refunded {codes}").format(codes=codes)


def invoice_item(row) -> str:
    """The Item cell of an invoice in a list, its refund mark first."""
    mark = refund_mark(row)
    return f"{mark} · {row.item}" if mark else row.item


class InvoiceDialog(StoreCalls, ModalScreen):
    """Shows an invoice; Escape or Enter closes it, r refunds it, p shows its receipt."""

    BINDINGS = [
        Binding("escape,enter", "close", _("Close"), id="invoice.close"),
        Binding("r", "refund", _("Refund"),
                id="invoice.refund", tooltip=_("Refund this invoice, wholly or lines")),
        Binding("p", "receipt", _("Receipt"),
                id="invoice.receipt", tooltip=_("Show the receipt to print again")),
    ]

    def __init__(self, invoice_id: int) -> None:
        super().__init__()
        self.invoice_id = invoice_id
        self.invoice: InvoiceDetail | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog invoice-dialog") as box:
            box.border_title = _("Invoice")
            yield Static(_("Loading…"), id="invoice-head")
            yield DeskTable([
                Col("item", _("Item"), None, min_width=14),
                Col("qty", _("Qty"), 3, justify="right"),
                Col("price", _("Price"), 12, justify="right"),
                Col("discount", _("Discount"), 10, justify="right"),
                Col("amount", _("Amount"), 12, justify="right"),
                Col("staff", _("Technician"), 10, grow=1, max_width=20),
            ], id="lines")
            yield Static("", id="invoice-totals")
            yield DeskTable([
                Col("method", _("Payment"), None, min_width=12),
                Col("amount", _("Amount"), 14, justify="right"),
            ], id="payments")
            yield Static(_("{refund} refund · {receipt} receipt · Esc close").format(
                refund=key_of(self, "invoice.refund"), receipt=key_of(self, "invoice.receipt")),
                         classes="dialog-hint")

    def on_mount(self) -> None:
        invoice_id = self.invoice_id

        def load(session: Session) -> InvoiceDetail:
            from salontui.store.invoices import get_invoice

            return get_invoice(session, invoice_id=invoice_id)

        self.ask(load, self.show_invoice, failed=self.invoice_failed)

    def show_invoice(self, inv: InvoiceDetail) -> None:
        self.invoice = inv
        fmt = self.desk.formatter
        box = self.query_one(".dialog")
        box.border_title = _("Invoice {code}").format(code=inv.code)
        from salontui.store.receipts import line_text, refund_note

        head = _("{date} · {kind} · {customer} · cashier {staff}").format(
            date=fmt.datetime(inv.created_at), kind=stored_label(INVOICE_KIND_LABELS, inv.kind),
            customer=inv.customer_name or _("walk-in"), staff=inv.staff_name or "—")
        if inv.branch is not None:  # a chain's invoice: where it was written
            head += "\n" + _("Branch: {name}").format(name=inv.branch.name)
        if inv.refund_of_code:
            head += "\n" + _("Refund of {code}").format(code=inv.refund_of_code)
        refunded = refund_note(inv)
        if refunded:  # not as it was: refunded since, wholly or in part
            head += "\n▲ " + refunded
        if inv.note:
            head += "\n" + _("Note: {note}").format(note=inv.note)
        self.query_one("#invoice-head", Static).update(Content(head))
        self.query_one("#lines", DeskTable).set_rows(
            (i, [line_text(line, fmt.money), line.quantity, fmt.money(line.unit_price),
                 fmt.money(line.discount) if line.discount else "", fmt.money(line.amount),
                 line.staff_name or ""])
            for i, line in enumerate(inv.lines))
        totals = _("Subtotal {subtotal} · Discount {discount} · Total {total}").format(
            subtotal=fmt.money(inv.subtotal), discount=fmt.money(inv.discount),
            total=fmt.money(inv.total))
        if inv.promotion_code:  # say where the discount came from
            totals += "\n" + _("Promotion {code} applied").format(code=inv.promotion_code)
        self.query_one("#invoice-totals", Static).update(Text(totals, style="bold"))
        rows = []
        for i, pay in enumerate(inv.payments):
            label = pay.label or label_of({}, pay.method)  # the method's name now
            if pay.card_name:
                label += f" ({card_label(pay.card_name)})"
            if pay.points:
                label += " " + ngettext("({n} point)", "({n} points)", pay.points).format(
                    n=pay.points)
            rows.append((i, [label, fmt.money(pay.amount)]))
        self.query_one("#payments", DeskTable).set_rows(rows)
        self.query_one("#lines", DeskTable).focus()
        self.refresh_bindings()
        if inv.kind == "refund" or inv.refund_state == "refunded":
            self.query_one(".dialog-hint", Static).update(_("{receipt} receipt · Esc close").format(
                receipt=key_of(self, "invoice.receipt")))

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "refund":  # a refund is not refunded again, nor a refunded invoice
            return self.invoice is not None and self.invoice.kind != "refund" and \
                self.invoice.refund_state != "refunded"
        if action == "receipt":
            return self.invoice is not None
        return True

    def action_refund(self) -> None:
        from salontui.screens.dialogs.refund import RefundDialog

        def refunded(result) -> None:
            if result is not None:
                self.dismiss(result)

        self.app.push_screen(RefundDialog(self.invoice_id), callback=refunded)

    def action_receipt(self) -> None:
        from salontui.screens.dialogs.receipt import ReceiptDialog

        self.app.push_screen(ReceiptDialog(self.invoice, self.desk.settings))

    def invoice_failed(self, error: SalonError) -> None:
        self.query_one("#invoice-head", Static).update(Content(f"▲ {error.message}"))

    def action_close(self) -> None:
        self.dismiss(None)
