"""FindInvoiceDialog: open an invoice by the code on its receipt (HD000123, or just 123).

A customer comes back with a receipt to ask for a refund or a copy: the code
is all the receptionist needs. The dialog answers the invoice's id; the
search screen then opens it (where r refunds and p reprints).
"""

from __future__ import annotations

from textual.app import ComposeResult

from salontui.i18n import _
from salontui.screens.dialogs.base import FormDialog
from salontui.widgets.inputs import DeskInput, Field


class FindInvoiceDialog(FormDialog):
    """Answers the id of the invoice whose code was typed."""

    title_text = _("Find invoice")
    confirm_label = _("Open")

    def compose_body(self) -> ComposeResult:
        yield Field(_("Invoice code"), DeskInput(placeholder="HD000123", id="code",
                                                 max_length=20),
                    key="code", required=True)

    def prepare(self):
        code = self.value("code")

        def find(session):
            from salontui.store.invoices import invoice_id_by_code

            return invoice_id_by_code(session, code)

        return find
