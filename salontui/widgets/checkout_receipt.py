"""ReceiptView: a receipt as the printer prints it, with its keys.

``w`` switches between 58 mm (32 columns) and 80 mm (48 columns) paper, ``t``
writes the text file and ``p`` the PDF (in the user's documents folder, see
:func:`~salontui.widgets.documents.documents_dir`), in a thread; Enter
posts :class:`ReceiptView.Closed` (Escape is the host's: it closes the same way).
The host shows where a file went (:class:`ReceiptView.Saved`). The checkout
shows it in place of the cart right after confirming (no new screen to build:
the receipt is up in one frame); ``ReceiptDialog`` wraps it for any other
invoice.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, cast

from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from salontui.i18n import _

if TYPE_CHECKING:
    from textual.app import ComposeResult
    from textual.screen import Screen

    from salontui.formatting import Formatter
    from salontui.store.invoices import InvoiceDetail
    from salontui.store.settings import Settings


class ReceiptHost(Protocol):
    """What a receipt reads from the app it runs in (the desk's app; widgets import no
    app, so it is named by what it has)."""

    @property
    def formatter(self) -> Formatter: ...


class ReceiptView(VerticalScroll, can_focus=True):
    """The receipt text in a scrollable frame; keys to switch width and to save it."""

    DEFAULT_CSS = """
    ReceiptView { height: auto; max-height: 1fr; width: auto; scrollbar-size-vertical: 1; }
    ReceiptView > #receipt { width: auto; padding: 0 1; }
    """

    BINDINGS = [
        Binding("enter", "close", _("Done"), id="receipt.done", show=False),
        Binding("w", "switch_width", _("Width 32/48"), id="receipt.width", show=False,
                tooltip=_("Switch 58 mm / 80 mm receipt")),
        Binding("t", "save_text", _("Save text"), id="receipt.save_text", show=False,
                tooltip=_("Write the receipt as a .txt")),
        Binding("p", "save_pdf", _("Save PDF"), id="receipt.save_pdf", show=False,
                tooltip=_("Write the receipt as a PDF")),
        Binding("down", "scroll_down", _("Scroll down"), id="receipt.down", show=False),
        Binding("up", "scroll_up", _("Scroll up"), id="receipt.up", show=False),
    ]

    last_width = 48  # the paper chosen last, for the next receipt

    class Closed(Message):
        """Enter or Escape on the receipt."""

    class Saved(Message):
        def __init__(self, kind: str, path: Path | None, error: BaseException | None = None):
            super().__init__()
            self.kind = kind
            self.path = path
            self.error = error

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.invoice: InvoiceDetail | None = None
        self.settings: Settings | None = None
        self.paper = ReceiptView.last_width
        self.saved: list[Path] = []

    def compose(self) -> ComposeResult:
        yield Static("", id="receipt")

    def show(self, invoice: InvoiceDetail, settings: Settings) -> None:
        self.invoice, self.settings = invoice, settings
        self.paper = ReceiptView.last_width
        self.saved = []
        self.render_receipt()

    @property
    def host(self) -> ReceiptHost:
        # Textual types the app as App[Any]; the desk's app has what ReceiptHost names.
        return cast("ReceiptHost", self.app)

    @property
    def shown(self) -> tuple[InvoiceDetail, Settings]:
        """The invoice and settings shown (a receipt's keys work only once one is)."""
        if self.invoice is None or self.settings is None:
            raise LookupError("no receipt is shown")
        return self.invoice, self.settings

    @property
    def local_time(self) -> str:
        return self.host.formatter.datetime(self.shown[0].created_at)

    def text(self, width: int | None = None) -> str:
        from salontui.store.receipts import receipt_text

        invoice, settings = self.shown
        return receipt_text(invoice, settings, width=width or self.paper,
                            local_time=self.local_time)

    @property
    def plain_text(self) -> str:
        return self.text().rstrip("\n")

    def render_receipt(self) -> None:
        self.query_one("#receipt", Static).update(Content(self.plain_text))
        self.border_subtitle = _("{n} columns").format(n=self.paper)
        # The paper, its margins, the frame and a scroll bar: a fixed width centres it.
        self.styles.width = self.paper + 5

    def action_switch_width(self) -> None:
        self.paper = 32 if self.paper == 48 else 48
        ReceiptView.last_width = self.paper
        self.render_receipt()

    def action_close(self) -> None:
        self.post_message(self.Closed())

    def action_save_text(self) -> None:
        from salontui.widgets.documents import write_text_file

        text, name = self.text(), f"{self.shown[0].code}-{self.paper}"
        self.write_file("text", lambda: write_text_file("receipts", name, text))

    def action_save_pdf(self) -> None:
        from salontui.widgets.documents import documents_dir, safe_name

        (invoice, settings), local_time = self.shown, self.local_time

        def job() -> Path:
            from salontui.store.receipts import receipt_pdf

            dest = documents_dir("receipts") / f"{safe_name(invoice.code)}.pdf"
            return receipt_pdf(invoice, settings, dest, local_time=local_time)

        self.write_file("pdf", job)

    def write_file(self, kind: str, job: Callable[[], Path]) -> None:
        """Write a file in a thread (a PDF takes a moment); say where once it is there."""

        def work() -> None:
            try:
                path = job()
            except Exception as error:  # a full disk, no permission: say so, keep going
                self.post_message(self.Saved(kind, None, error))
                return
            self.post_message(self.Saved(kind, path))

        self.run_worker(work, thread=True, group=f"file-{kind}", exit_on_error=False)

    def on_receipt_view_saved(self, message: Saved) -> None:
        if message.path is not None:
            self.saved.append(message.path)


def saved_text(message: ReceiptView.Saved) -> str:
    """What to tell the receptionist about a file written (or not)."""
    if message.path is None:
        return "▲ " + _("Not saved: {error}").format(error=message.error)
    label = _("PDF saved: {path}") if message.kind == "pdf" else _("Text saved: {path}")
    return label.format(path=message.path)


def announce_saved(screen: Screen, message: ReceiptView.Saved) -> None:
    """Say where a receipt file went: under the receipt (``#receipt-saved`` of ``screen``)
    and in a notification. The checkout and the receipt dialog both show receipts."""
    text = saved_text(message)
    label = screen.query_one("#receipt-saved", Static)
    label.update(Content(text))
    label.add_class("-shown")
    screen.app.notify(text, timeout=6)
