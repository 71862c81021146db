"""AdjustVouchersDialog: give or take back vouchers (代金券) by hand, in money, with a note.

The points' dialog in money (``adjust_points.py``): the Increase/Decrease choice gives
the sign, the balance after is shown as you type, and the store refuses a decrease below
zero at the amount (``books/vouchers.adjust_vouchers``).
"""

from __future__ import annotations

from salontui.i18n import _
from salontui.screens.dialogs.adjust_points import AdjustPointsDialog
from salontui.widgets.inputs import DeskInput, Field


class AdjustVouchersDialog(AdjustPointsDialog):
    """Answers the new LedgerRow."""

    title_text = _("Adjust vouchers")

    def intro(self) -> str:
        return _("{name}: {amount} in vouchers now").format(name=self.customer_name,
                                                            amount=self.show(self.balance))

    def amount_field(self) -> Field:
        return Field(_("Amount"), DeskInput(placeholder=_("e.g. 100000"), id="amount",
                                            max_length=30),
                     key="amount", aliases=("voucher",), required=True)

    def parse(self, typed: str) -> int:
        return self.desk.formatter.parse_money(typed, field="amount", allow_negative=True)

    def show(self, value: int) -> str:
        return self.desk.formatter.money(value)

    def store_call(self, amount: int, reason: str):
        staff_id, customer_id = self.staff_id, self.customer_id

        def save(session, approved_by=None):
            from salontui.store.books.vouchers import adjust_vouchers

            return adjust_vouchers(session, staff_id=staff_id, customer_id=customer_id,
                                   amount=amount, reason=reason, approved_by=approved_by)

        return save
