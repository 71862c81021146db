"""The Points tab: the customer's points, entry by entry; p adjusts them."""

from __future__ import annotations

from textual.binding import Binding

from salontui.i18n import N_, _
from salontui.keymap import key_of
from salontui.screens.commands import Command, binding_commands
from salontui.screens.detail.ledger import LedgerTab
from salontui.widgets.header_card import points_text


class PointsTab(LedgerTab):
    tab_id = "points"
    title = N_("Points")
    KEYS = (Binding("p", "adjust_points", _("Adjust points"), id="detail.points.adjust"),)

    def show_amount(self, value: int) -> str:
        return points_text(self.desk.formatter, value)

    def balance_text(self) -> str:
        s = self.summary
        return _("Points now: {n}").format(n=points_text(self.desk.formatter,
                                                         s.points if s else 0))

    def bar_tail(self) -> str:
        return _("{key} adjusts points").format(key=key_of(self.detail, "detail.points.adjust"))

    def action_adjust_points(self) -> None:
        from salontui.screens.dialogs.adjust_points import AdjustPointsDialog

        self.adjust_with(lambda customer_id, summary: AdjustPointsDialog(
            customer_id, summary.points, customer_name=summary.name))

    def commands(self):
        return binding_commands(self.detail, (
            Command("detail.points.adjust", _("Adjust points"),
                    _("Increase or decrease points"), run=self.action_adjust_points),))
