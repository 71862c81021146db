"""ReceiptDialog: the receipt of any invoice (a refund, a reprint) as the printer prints it.

The receipt is a :class:`~salontui.widgets.checkout_receipt.ReceiptView`: ``w``
switches between 58 mm (32 columns) and 80 mm (48 columns), ``t`` writes the
text file and ``p`` the PDF in the user's documents folder, and the dialog says
where. Enter or Escape closes it. (Right after a checkout, the checkout screen
shows the same view in place of the cart.)
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from salontui.i18n import _
from salontui.keymap import key_on
from salontui.widgets.checkout_receipt import ReceiptView, announce_saved


class ReceiptDialog(ModalScreen):
    """The receipt on screen, with keys to switch width and to save it as text or PDF."""

    # Opaque: the screen behind is not drawn again under a see-through veil (that
    # blending costs more than the receipt itself on a slow PC).
    DEFAULT_CSS = """
    ReceiptDialog { background: $background; }
    ReceiptDialog .receipt-dialog { width: auto; max-width: 100%; padding: 0; }
    ReceiptDialog #receipt-saved { display: none; height: auto; padding: 0 1;
                                   text-style: bold; }
    ReceiptDialog #receipt-saved.-shown { display: block; }
    """

    BINDINGS = [Binding("escape", "close", _("Close"), id="dialog.close")]

    def __init__(self, invoice, settings) -> None:
        super().__init__()
        self.invoice = invoice
        self.settings = settings

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog receipt-dialog") as box:
            box.border_title = _("Receipt {code}").format(code=self.invoice.code)
            box.border_subtitle = _("{width} 32/48 · {text} text · {pdf} PDF · {done} "
                                    "close").format(
                width=key_on(self, ReceiptView, "receipt.width"),
                text=key_on(self, ReceiptView, "receipt.save_text"),
                pdf=key_on(self, ReceiptView, "receipt.save_pdf"),
                done=key_on(self, ReceiptView, "receipt.done"))
            yield ReceiptView(id="receipt-view")
            yield Static("", id="receipt-saved")

    def on_mount(self) -> None:
        view = self.query_one(ReceiptView)
        view.show(self.invoice, self.settings)
        view.focus()

    @property
    def view(self) -> ReceiptView:
        return self.query_one(ReceiptView)

    @property
    def saved(self) -> list:
        return self.view.saved

    def on_receipt_view_saved(self, message: ReceiptView.Saved) -> None:
        announce_saved(self, message)

    def on_receipt_view_closed(self, message: ReceiptView.Closed) -> None:
        message.stop()
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)
