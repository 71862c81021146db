"""The checkout's totals: the line of subtotal, discount and TOTAL under the lines,
and the payment line under the panel (the verdict's text: still due, change, paid).
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from salontui.i18n import _, ngettext
from salontui.screens.checkout.state import CheckoutState


class TotalsMixin(CheckoutState):
    """The totals of :class:`~salontui.screens.checkout.screen.CheckoutScreen`."""

    def show_totals(self) -> None:
        fmt = self.desk.formatter
        q = self.quote
        totals = self.query_one("#totals", Static)
        if q is None or not q.lines:
            totals.update(Content(_("No lines yet: type a code or a name above.")))
            return
        parts = [ngettext("{n} line", "{n} lines", len(q.lines)).format(n=len(q.lines)),
                 _("Subtotal {amount}").format(amount=fmt.money(q.subtotal))]
        if q.tier_discount:  # the customer's tier: "Gold tier -5 % -50.000 ₫"
            from salontui.store.receipts import tier_discount_label

            parts.append(f"{tier_discount_label(q.tier_name, q.tier_percent)} "
                         f"-{fmt.money(q.tier_discount)}")
        other = q.discount - q.tier_discount
        if other:
            label = _("Discount")
            if self.cart.promotion_id is not None:
                label = _("Discount (promotion {code})").format(code=self.promotion_code())
            parts.append(f"{label} -{fmt.money(other)}")
        if q.tier_refused:  # an excluded or not-activated member: said, not applied
            parts.append(q.tier_refused)
        line = Content(" · ".join(parts) + " · ")
        line += Content.from_markup("[b reverse] $total [/]", total=_("TOTAL {amount}").format(
            amount=fmt.money(q.total)))
        totals.update(line)

    def show_due(self) -> None:
        due = self.query_one("#due", Static)
        verdict = self.verdict()
        due.set_class(verdict.ready, "-balanced")
        due.update(Content.from_markup("[b reverse] $text [/]", text=verdict.text)
                   if verdict.text else "")
