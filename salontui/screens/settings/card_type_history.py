"""CardTypeHistoryDialog: every top-up, payment, refund and adjustment on the cards of one
card type, across customers, read only (``h`` in the Card types section).

Newest first: time, customer, event (with the top-up's note), +/−, what all the type's
cards hold after it, the invoice and the operator. A page is 100 entries (``[`` and ``]``
turn pages); any page costs about the same (``card_types.card_type_history``). The
owner reads here what a promotion sold and what was spent from it.
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
from salontui.widgets.tables import Col, DeskTable

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.store.admin.card_types import CardTypeEntry

PAGE = 100


class CardTypeHistoryDialog(StoreCalls, ModalScreen):
    """One card type's entries with the type's running balance; Escape closes."""

    DEFAULT_CSS = """
    CardTypeHistoryDialog .card-type-history { width: 110; height: 100%; max-height: 34; }
    CardTypeHistoryDialog #type-entries { height: 1fr; }
    """

    BINDINGS = [
        Binding("escape", "close", _("Close"), id="dialog.close"),
        Binding("left_square_bracket", "page(-1)", _("Prev page"),
                id="card_type_history.prev_page"),
        Binding("right_square_bracket", "page(1)", _("Next page"),
                id="card_type_history.next_page"),
    ]

    def __init__(self, card_type_id: int, name: str) -> None:
        super().__init__()
        self.card_type_id = card_type_id
        self.type_name = name
        self.start = 0
        self.more = False
        self.rows: list[CardTypeEntry] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog card-type-history") as box:
            box.border_title = _("Card type history: {name}").format(name=self.type_name)
            yield Static("", id="type-head")
            yield DeskTable([
                Col("time", _("Time"), 16),
                Col("customer", _("Customer"), 9, grow=1, max_width=28, prose=True),
                Col("event", _("Event"), None, min_width=9),
                Col("change", _("+/−"), 10, justify="right"),  # the data widens them
                Col("balance", _("Balance"), 10, justify="right"),
                # At 80 columns the operator is left out (and the invoice too for amounts in
                # billions): an amount is never cut.
                Col("invoice", _("Invoice"), 8, drop=1),
                Col("by", _("Operator"), 8, grow=1, max_width=20, drop=2),
            ], id="type-entries")
            yield Static(_("{previous} {next} pages · Esc close").format(
                previous=key_of(self, "card_type_history.prev_page"),
                next=key_of(self, "card_type_history.next_page")), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#type-entries", DeskTable).focus()
        self.load()

    def load(self) -> None:
        card_type_id, start = self.card_type_id, self.start

        def read(session: Session) -> list[CardTypeEntry]:
            from salontui.store.admin.card_types import card_type_history

            return card_type_history(session, card_type_id=card_type_id, limit=PAGE + 1,
                                     offset=start)

        self.ask(read, self.show_entries, failed=self.entries_failed)

    def show_entries(self, entries: list[CardTypeEntry]) -> None:
        rows = list(entries)
        self.more = len(rows) > PAGE
        self.rows = rows[:PAGE]
        self.render_rows()
        self.refresh_bindings()

    def entries_failed(self, error: SalonError) -> None:
        self.query_one("#type-head", Static).update(Content(f"▲ {error.message}"))

    def render_rows(self) -> None:
        from salontui.screens.detail.ledger import signed

        fmt = self.desk.formatter
        table_rows = []
        for e in self.rows:
            event = card_event(e.kind, e.reason, e.invoice_code)
            table_rows.append((e.id, [
                fmt.datetime(e.created_at), e.customer_name, event,
                signed(fmt.money(e.amount), e.amount), fmt.money(e.balance_after),
                e.invoice_code or "", e.operator_name or "",
            ]))
        self.query_one("#type-entries", DeskTable).set_rows(table_rows, keep_cursor=False)
        self.query_one("#type-head", Static).update(Content(self.head_text()))

    def head_text(self) -> str:
        count = len(self.rows)
        if count == 0:
            return _("No top-up or payment on a card of this type yet.")
        parts = []
        if self.start == 0:
            parts.append(_("The cards of this type hold {amount}").format(
                amount=self.desk.formatter.money(self.rows[0].balance_after)))
        if self.start == 0 and not self.more:
            parts.append(ngettext("{n} entry", "{n} entries", count).format(n=count))
            return " · ".join(parts)
        parts.append(_("{a}–{b}").format(a=self.start + 1, b=self.start + count))
        keys = []
        if self.start > 0:
            keys.append(_("{key} previous").format(
                key=key_of(self, "card_type_history.prev_page")))
        if self.more:
            keys.append(_("{key} next page").format(
                key=key_of(self, "card_type_history.next_page")))
        return " · ".join(parts) + " · " + ", ".join(keys)

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
