"""The Debt tab: what the customer owes the salon, entry by entry (on account, repaid)."""

from __future__ import annotations

from salontui.i18n import N_, _
from salontui.screens.detail.ledger import LedgerTab


class DebtTab(LedgerTab):
    tab_id = "debt"
    title = N_("Debt")

    def balance_text(self) -> str:
        fmt, s = self.desk.formatter, self.summary
        now = _("Debt now: {amount}").format(amount=fmt.money(s.debt if s else 0))
        if s and s.debt:
            now = _("DEBT ▲ {amount} owed").format(amount=fmt.money(s.debt))
        return now
