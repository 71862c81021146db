"""CardHistoryDialog: the history of a customer's stored-value card, read only.

Every top-up, payment, refund, adjustment and care action on the card, newest
first: time, event, +/−, the card's balance after it, the invoice code and the
operator. A page is 100 entries (``[`` and ``]`` turn pages); any page opens
as fast as the first (``ledger.card_history``). A customer with more than one
card chooses it in the list above the history (Up/Down; Enter or Tab goes to
the history); with one card the list is not shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from salontui.i18n import _, ngettext
from salontui.keymap import key_of
from salontui.screens.base import StoreCalls
from salontui.screens.dialogs.labels import card_event
from salontui.store.errors import SalonError
from salontui.store.names import card_label
from salontui.widgets.tables import Col, DeskTable

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.store.ledger import CardBalance, LedgerRow

PAGE = 100


class CardHistoryDialog(StoreCalls, ModalScreen):
    """One card's entries with the running balance; Escape closes."""

    DEFAULT_CSS = """
    CardHistoryDialog .card-history-dialog { width: 96; height: 100%; max-height: 30; }
    CardHistoryDialog #card-list { height: 3; margin-bottom: 1; }
    CardHistoryDialog #card-entries { height: 1fr; }
    """

    BINDINGS = [
        Binding("escape", "close", _("Close"), id="dialog.close"),
        Binding("left_square_bracket", "page(-1)", _("Prev page"), id="card_history.prev_page"),
        Binding("right_square_bracket", "page(1)", _("Next page"), id="card_history.next_page"),
    ]

    def __init__(self, customer_id: int, cards: list[CardBalance], *,
                 customer_name: str = "") -> None:
        """``cards``: the customer's cards (``CardBalance``, General first), as the header
        has them."""
        super().__init__()
        self.customer_id = customer_id
        self.cards = list(cards)
        self.customer_name = customer_name
        self.card_id = self.cards[0].card_id if self.cards else None
        self.start = 0
        self.more = False
        self.rows: list[LedgerRow] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog card-history-dialog") as box:
            box.border_title = _("Card history")
            if self.customer_name:
                box.border_subtitle = self.customer_name
            cards = DeskTable([
                Col("card", _("Card"), None, min_width=12),
                Col("balance", _("Balance"), 14, justify="right"),
            ], id="card-list")
            cards.display = len(self.cards) > 1
            yield cards
            yield Static("", id="card-head")
            yield DeskTable([
                Col("time", _("Time"), 16),
                Col("event", _("Event"), None, min_width=10),
                Col("change", _("+/−"), 10, justify="right"),  # the data widens them
                Col("balance", _("Balance"), 10, justify="right"),
                Col("invoice", _("Invoice"), 8),
                Col("by", _("Operator"), 8, grow=1, max_width=20, drop=1),
            ], id="card-entries")
            pages = {"previous": key_of(self, "card_history.prev_page"),
                     "next": key_of(self, "card_history.next_page")}
            hint = _("{previous} {next} pages · Esc close").format(**pages)
            if len(self.cards) > 1:
                hint = _("Up/Down choose a card · Tab its history · {previous} {next} pages · "
                         "Esc close").format(**pages)
            yield Static(hint, classes="dialog-hint")

    def on_mount(self) -> None:
        fmt = self.desk.formatter
        if not self.cards:
            self.query_one("#card-head", Static).update(
                _("This customer has no stored-value card yet."))
            return
        listing = self.query_one("#card-list", DeskTable)
        listing.set_rows((c.card_id, [card_label(c.name), fmt.money(c.balance)])
                         for c in self.cards)
        listing.styles.height = 1 + min(len(self.cards), 4)  # the header and up to 4 cards
        (listing if len(self.cards) > 1 else self.query_one("#card-entries", DeskTable)).focus()
        self.load()

    # -- loading --------------------------------------------------------------------
    def load(self) -> None:
        customer_id, card_id, start = self.customer_id, self.card_id, self.start
        if card_id is None:  # no card: nothing to read (on_mount says so)
            return

        def read(session: Session) -> list[LedgerRow]:
            from salontui.store.ledger import card_history

            return card_history(session, customer_id=customer_id, card_id=card_id,
                                limit=PAGE + 1, offset=start)

        self.ask(read, self.show_entries, failed=self.entries_failed)

    def on_desk_table_row_highlighted(self, event: DeskTable.RowHighlighted) -> None:
        if event.table.id != "card-list" or event.key is None:
            return
        card_id = int(event.key)
        if card_id != self.card_id:
            self.card_id = card_id
            self.start = 0
            self.load()

    def on_desk_table_row_selected(self, event: DeskTable.RowSelected) -> None:
        if event.table.id == "card-list":
            self.query_one("#card-entries", DeskTable).focus()

    def show_entries(self, entries: list[LedgerRow]) -> None:
        rows = list(entries)
        self.more = len(rows) > PAGE
        self.rows = rows[:PAGE]
        self.render_rows()
        self.refresh_bindings()

    def entries_failed(self, error: SalonError) -> None:
        self.query_one("#card-head", Static).update(Content(f"▲ {error.message}"))

    # -- rendering ------------------------------------------------------------------
    def render_rows(self) -> None:
        from salontui.screens.detail import signed

        fmt = self.desk.formatter
        table_rows = []
        for e in self.rows:
            event = card_event(e.kind, e.reason, e.invoice_code)
            table_rows.append((e.id, [
                fmt.datetime(e.created_at), event, signed(fmt.money(e.amount), e.amount),
                fmt.money(e.balance_after), e.invoice_code or "", e.operator_name or "",
            ]))
        self.query_one("#card-entries", DeskTable).set_rows(table_rows, keep_cursor=False)
        card = next((c for c in self.cards if c.card_id == self.card_id), None)
        head = _("{card} card: balance {balance}").format(
            card=card_label(card.name) if card else "",
            balance=fmt.money(card.balance if card else 0))
        head += " · " + self.page_text()
        self.query_one("#card-head", Static).update(Content(head))

    def page_text(self) -> str:
        count = len(self.rows)
        if count == 0:
            return _("No entries yet.")
        if self.start == 0 and not self.more:
            return ngettext("{n} entry", "{n} entries", count).format(n=count)
        text = _("{a}–{b}").format(a=self.start + 1, b=self.start + count)
        keys = []
        if self.start > 0:
            keys.append(_("{key} previous").format(key=key_of(self, "card_history.prev_page")))
        if self.more:
            keys.append(_("{key} next page").format(key=key_of(self, "card_history.next_page")))
        return text + " · " + ", ".join(keys)

    # -- actions --------------------------------------------------------------------
    def check_action(self, action: str, parameters) -> bool | None:
        if action == "page":
            step = parameters[0] if parameters else 1
            return self.start > 0 if step < 0 else self.more
        return True

    def action_page(self, step: int) -> None:
        if (step < 0 and self.start == 0) or (step > 0 and not self.more):
            return
        self.start = max(0, self.start + step * PAGE)
        self.load()

    def action_close(self) -> None:
        self.dismiss(None)
