"""The To collect tab (待出库): products the customer paid for and left at the salon.

It lists what is left to collect, one row per product (since when it waits, how many, the
value paid for them); h or Enter hands the selected one over (all that is left, or some:
the dialog asks, with a note). H shows the history instead (sold and left here,
back-filled, handed over, refunded, reversed, moved by a merge: date, staff, note, what
was left after), paged; H again comes back.
"""

from __future__ import annotations

from rich.text import Text
from textual.binding import Binding

from salontui.i18n import N_, _
from salontui.keymap import key_of
from salontui.screens.commands import Command, binding_commands
from salontui.screens.detail.tab import Bar, DetailTab, Page, page_size, paged
from salontui.widgets.tables import Col, DeskTable


def left_columns() -> list[Col]:
    return [
        Col("since", _("Since"), 10),
        Col("product", _("Product"), None, min_width=12),
        Col("left", _("Left"), 6, justify="right"),
        Col("paid", _("Paid"), 12, justify="right"),
    ]


def history_columns() -> list[Col]:
    return [
        Col("time", _("Date"), 16),
        Col("product", _("Product"), 14, max_width=30, prose=True),
        Col("change", _("+/−"), 6, justify="right"),
        Col("left", _("Left"), 5, justify="right"),
        Col("what", _("What"), None, min_width=12),
    ]


class ToCollectTab(DetailTab):
    tab_id = "to_collect"
    title = N_("To collect")
    is_paged = True  # the history is; what is left comes whole
    ROW_KEYS = (Binding("enter", "hand_over", _("Hand over"), id="detail.to_collect.enter",
                        priority=True, tooltip=_("Hand the selected product over")),)
    KEYS = (
        Binding("h", "hand_over", _("Hand over"), id="detail.to_collect.hand_over",
                tooltip=_("Hand the selected product over (all or some)")),
        Binding("H", "held_history", _("History"), id="detail.to_collect.history",
                show=False,  # the bar says it
                tooltip=_("The history of the products to collect (again: what is left)")),
    )

    def reset(self) -> None:
        super().reset()
        self.history = False  # the history is listed (H), not what is left

    def widgets(self) -> list:
        return [Bar(id="to_collect-bar"), DeskTable(left_columns(), id="to_collect-table")]

    def reader(self):
        cid, offset, size, history = self.customer_id, self.page_offset, page_size(), \
            self.history

        def read(session):
            from salontui.store.books.held_products import held_history, to_collect

            if history:
                return paged(held_history(session, customer_id=cid, limit=size + 1,
                                          offset=offset), size)
            return Page(to_collect(session, customer_id=cid))
        return read

    def render_rows(self) -> None:
        from salontui.store.books.held_products import HeldRow, kind_label

        fmt = self.desk.formatter
        rows = self.rows
        table = self.table()
        history = self.key_text("detail.to_collect.history")
        if self.history:
            table.set_columns(history_columns())
            shown = []
            for r in rows:
                if not isinstance(r, HeldRow):
                    continue
                what = " · ".join(t for t in (kind_label(r.kind), r.invoice_code or "",
                                              r.staff_name or "", r.note) if t)
                change = Text(("+" if r.quantity > 0 else "") + str(r.quantity))
                shown.append((r.id, [fmt.datetime(r.created_at), r.description, change,
                                     str(r.left_after), what]))
            table.set_rows(shown)
            paging = self.page_text(len(rows)) or _("Nothing was ever left here.")
            self.bar(" · ".join((_("History"), paging,
                                 _("{key} what is left").format(key=history))))
            return
        table.set_columns(left_columns())
        table.set_rows((r.id, [fmt.date(r.since), f"{r.code} {r.description}".strip(),
                               str(r.quantity), fmt.money(r.amount)]) for r in rows)
        left = sum(r.quantity for r in rows)
        if left:
            text = _("{n} to collect · {key} hands over").format(
                n=left, key=self.key_text("detail.to_collect.hand_over"))
        else:
            text = _("Nothing to collect.")
        self.bar(" · ".join((text, _("{key} history").format(key=history))))

    def key_text(self, binding_id: str) -> str:
        return key_of(self.detail, binding_id)

    # -- keys -------------------------------------------------------------------------
    def allows(self, action: str) -> bool:
        if action == "hand_over":
            return (not self.history and self.selected() is not None
                    and not self.detail.customer_deleted and not self.typing())
        return True  # held_history

    def action_hand_over(self) -> None:
        from salontui.screens.dialogs.hand_over import HandOverDialog

        def hand_over() -> None:
            row, customer_id = self.selected(), self.customer_id
            if self.history or row is None:
                self.app.notify(_("Choose a product to hand over first."), timeout=3)
                return
            if customer_id is not None and not self.detail.refuse_if_deleted():
                self.detail.open_dialog(HandOverDialog(customer_id, row))

        if self.history and self.detail.active == self.tab_id:
            self.action_held_history()  # back to what is left: choose there
            return
        self.show_then(hand_over)

    def action_held_history(self) -> None:
        """H on the tab: the history; again: what is left."""
        def toggle() -> None:
            self.history = not self.history
            self.page_offset = 0
            self.loaded = False
            self.load()
            self.detail.update_keys()

        if self.detail.active != self.tab_id:
            self.history = False
        self.show_then(toggle)

    def commands(self):
        return binding_commands(self.detail, (
            Command("detail.to_collect.hand_over", _("Hand over products"),
                    _("Give the customer products they left at the salon"),
                    run=self.action_hand_over),
            Command("detail.to_collect.history", _("History of products to collect"),
                    _("Left here, handed over, refunded: when and by whom"),
                    run=self.action_held_history),
        ))
