"""LedgerTab: a tab listing one ledger account of the customer (its entries, newest
first, with the balance after each), paged; the Debt, Points and Vouchers tabs are three."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text

from salontui.i18n import _
from salontui.screens.detail.tab import Bar, DetailTab, page_size, paged
from salontui.screens.dialogs.labels import stored_label
from salontui.store.kinds import BACKFILL_REASON, LEDGER_ENTRY_KIND_LABELS, LedgerEntryKind
from salontui.widgets.tables import Col, DeskTable

if TYPE_CHECKING:
    from textual.screen import Screen


def signed(text: str, amount: int) -> Text:
    return Text(("+" if amount > 0 else "") + text)


class LedgerTab(DetailTab):
    """The entries of the account ``account`` ("": the one named by ``tab_id``: "debt",
    "points")."""

    is_paged = True
    account: ClassVar[str] = ""
    # What each kind of entry is called on this tab.
    kind_labels: ClassVar[Mapping[LedgerEntryKind, str]] = LEDGER_ENTRY_KIND_LABELS

    def widgets(self) -> list:
        return [
            Bar(id=f"{self.tab_id}-bar"),
            DeskTable([
                Col("time", _("Date"), 16),
                # At 80 columns what an entry was matters more than who typed it.
                Col("content", _("Content"), None, min_width=28, prose=True),
                Col("change", _("+/−"), 12, justify="right"),
                Col("balance", _("Balance"), 12, justify="right"),
                Col("by", _("By"), 12, grow=1, max_width=20, drop=1),
            ], id=f"{self.tab_id}-table"),
        ]

    def reader(self):
        cid, offset, size = self.customer_id, self.page_offset, page_size()
        account = self.account or self.tab_id

        def read(session):
            from salontui.store.ledger import ledger_history

            return paged(ledger_history(session, customer_id=cid, account=account,
                                        limit=size + 1, offset=offset), size)
        return read

    def show_amount(self, value: int) -> str:
        """An amount of the account: money (the points tab shows points)."""
        return self.desk.formatter.money(value)

    def balance_text(self) -> str:  # pragma: no cover - every ledger tab has its own
        """What the customer holds now, at the start of the bar."""
        raise NotImplementedError

    def bar_tail(self) -> str:
        """The key that matters here, at the end of the bar."""
        return ""

    def adjust_with(self, dialog: Callable[[int, Any], Screen], *,
                    refuse_deleted: bool = False) -> None:
        """Open this tab's adjust dialog (``dialog(customer_id, summary)``) once the tab is
        shown, so it starts from the balance the receptionist sees."""
        detail = self.detail
        if detail.summary is None or (refuse_deleted and detail.refuse_if_deleted()):
            return

        def adjust() -> None:
            summary, customer_id = detail.summary, detail.customer_id
            if summary is not None and customer_id is not None:
                detail.open_dialog(dialog(customer_id, summary))

        self.show_then(adjust)

    def render_rows(self) -> None:
        fmt = self.desk.formatter
        show = self.show_amount
        rows = self.rows
        table_rows = []
        for e in rows:
            kind = stored_label(self.kind_labels, e.kind)
            # A back-fill typed at the desk says so by its kind; an import names its file.
            said = e.reason and not (e.kind == LedgerEntryKind.BACKFILL
                                     and e.reason == BACKFILL_REASON)
            content = f"{kind}: {e.reason}" if said else kind
            table_rows.append((e.id, [
                fmt.datetime(e.created_at), content, signed(show(e.amount), e.amount),
                show(e.balance_after), e.operator_name or "",
            ]))
        self.table().set_rows(table_rows)
        paging = self.page_text(len(rows)) or _("No entries yet.")
        self.bar(" · ".join(t for t in (self.balance_text(), paging, self.bar_tail()) if t))
