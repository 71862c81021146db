"""The Vouchers tab (代金券): the customer's vouchers, entry by entry, with the balance after
each (given by hand, back-filled, paid at the checkout, given back by a refund); a adjusts
them, with a reason."""

from __future__ import annotations

from textual.binding import Binding

from salontui.i18n import N_, _
from salontui.keymap import key_of
from salontui.screens.commands import Command, binding_commands
from salontui.screens.detail.ledger import LedgerTab
from salontui.store.kinds import VOUCHER_ENTRY_KIND_LABELS


class VouchersTab(LedgerTab):
    tab_id = "vouchers"
    account = "voucher"
    kind_labels = VOUCHER_ENTRY_KIND_LABELS
    title = N_("Vouchers")
    KEYS = (Binding("a", "adjust_vouchers", _("Adjust vouchers"),
                    id="detail.vouchers.adjust"),)

    def balance_text(self) -> str:
        s = self.summary
        return _("Vouchers now: {amount}").format(
            amount=self.desk.formatter.money(s.vouchers if s else 0))

    def bar_tail(self) -> str:
        return _("{key} adjusts vouchers").format(
            key=key_of(self.detail, "detail.vouchers.adjust"))

    def allows(self, action: str) -> bool:
        return not self.detail.customer_deleted

    def action_adjust_vouchers(self) -> None:
        from salontui.screens.dialogs.adjust_vouchers import AdjustVouchersDialog

        self.adjust_with(lambda customer_id, summary: AdjustVouchersDialog(
            customer_id, summary.vouchers, customer_name=summary.name), refuse_deleted=True)

    def commands(self):
        return binding_commands(self.detail, (
            Command("detail.vouchers.adjust", _("Adjust vouchers"),
                    _("Give or take back vouchers, with a reason"),
                    run=self.action_adjust_vouchers),))
