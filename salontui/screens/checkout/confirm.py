"""The checkout's confirm flow: F10 (refused with its reason, or written once with the
screen's idempotency key; a held cart is paid once, see
:func:`salontui.store.sales.cart_rules.pay_held`), the receipt that takes the cart's place,
holding (F11), resuming (F12), cancelling and leaving the checkout.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Static

from salontui.i18n import _, ngettext
from salontui.keymap import key_of
from salontui.screens.checkout.common import (
    before_paying,
    plain_amount,
)
from salontui.screens.checkout.edits import copy_cart
from salontui.screens.checkout.payments import Verdict
from salontui.screens.checkout.state import CheckoutState
from salontui.store.errors import SalonError
from salontui.store.sales import cart_rules
from salontui.widgets.checkout_payments import PaymentPanel
from salontui.widgets.checkout_receipt import ReceiptView, announce_saved
from salontui.widgets.footer import DeskFooter

if TYPE_CHECKING:
    from salontui.store.cart import Cart
    from salontui.store.checkout import CheckoutResult
    from salontui.store.invoices import InvoiceDetail
    from salontui.store.settings import Settings

    # What F10 answers: the result, the invoice as written and the receipt's settings.
    Paid = tuple[CheckoutResult, InvoiceDetail, Settings]


class ConfirmMixin(CheckoutState):
    """Confirm, receipt, hold and resume of
    :class:`~salontui.screens.checkout.screen.CheckoutScreen`."""

    def action_confirm(self) -> None:
        if self.busy or self.result is not None:
            return
        self.sync_amounts()
        if not self.idle:
            self.confirm_wanted = True
            return
        verdict = self.verdict()
        self.show_due()
        if not verdict.ready:
            self.refuse(verdict)
            return
        self.clear_store_errors()
        self.busy = True
        cart = copy_cart(self.cart)
        cart.payments = self.current_payments()
        cart.branch_id = self.desk.branch_id  # paid here (a resumed cart too)
        key = self.idempotency_key
        staff_id = self.desk.staff_id
        draft_id = self.draft_id
        settings = self.desk.settings  # the receipt's header and footer

        def job(session, approved_by=None):  # a manager's approval: StoreCalls
            from salontui.store.invoices import get_invoice
            from salontui.store.settings import get_settings

            # A held cart is paid once, by whichever desk is first.
            result = cart_rules.pay_held(session, staff_id=staff_id, cart=cart,
                                         idempotency_key=key, draft_id=draft_id,
                                         approved_by=approved_by)
            return result, get_invoice(session, invoice_id=result.invoice_id), \
                settings or get_settings(session)

        self.ask(job, self.confirmed, write=True, failed=self.confirm_refused,
                 crashed=self.confirm_crashed)

    def confirm_refused(self, error: SalonError) -> None:
        """The store refused to write the invoice: said under the lines; nothing was paid."""
        self.busy = False
        self.show_error(error, target="lines")
        self.dispatch()

    def confirm_crashed(self, error: BaseException) -> None:
        """Writing the invoice failed otherwise: said, and F10 may try again (one key)."""
        self.store_crashed(error)
        self.busy = False
        self.show_message(_("Not saved: {error}. {key} tries again (it never pays "
                            "twice).").format(error=error, key=key_of(self, "checkout.confirm")),
                          "#lines-error")

    def refuse(self, verdict: Verdict) -> None:
        """F10 refused: say why where it belongs (at the payment field, or under the lines)
        and in a notification, so it is never a silent key."""
        if verdict.field is not None and self.takes(verdict.field):
            field = self.query_one(PaymentPanel).field(verdict.field)
            if not field.error_text:
                field.show_error(verdict.reason)
            field.control.focus()
        else:
            self.show_message(verdict.reason, "#lines-error")
        self.app.notify(verdict.reason, title=_("Not paid"), severity="warning", timeout=5)

    def confirmed(self, paid: Paid) -> None:
        """Paid: the receipt takes the cart's place (one frame; no new screen to build)."""
        result, invoice, settings = paid
        self.result = result
        self.busy = False
        fmt = self.desk.formatter
        title = _("PAID · invoice {code} · total {total}").format(
            code=result.code, total=fmt.money(result.total))
        if result.change:
            title += " · " + _("CHANGE TO GIVE {amount}").format(amount=fmt.money(result.change))
        elif self.cart.appointment_id is not None and self.desk.staff_name:
            # A visit: who collected it (the technicians who recorded it are on the strip).
            title += " · " + _("collected by {name}").format(name=self.desk.staff_name)
        keys = _("{done}: done · {width}: 32/48 columns · {text}: save text · {pdf}: save "
                 "PDF").format(done=key_of(self, "checkout.receipt.done"),
                               width=key_of(self, "checkout.receipt.width"),
                               text=key_of(self, "checkout.receipt.save_text"),
                               pdf=key_of(self, "checkout.receipt.save_pdf"))
        self.query_one("#receipt-title", Static).update(
            Content.from_markup("[b reverse] $title [/]\n$keys", title=title, keys=keys))
        self.sub_title = _("Paid {code}").format(code=result.code)
        self.query_one("#checkout-body").display = False
        self.query_one(DeskFooter).display = False  # the receipt's keys are in its title
        self.query_one("#receipt-area").display = True
        view = self.query_one(ReceiptView)
        view.show(invoice, settings)
        # Lay out now, in the coming frame, not after a first repaint of what is going away;
        # the focus moves once that frame is out (moving it restyles and redraws again). The
        # receipt's keys are the screen's while paid, so they work from the first frame.
        self.refresh(layout=True)
        self.call_after_refresh(view.focus)

    def action_receipt(self, action: str) -> None:
        getattr(self.query_one(ReceiptView), f"action_{action}")()

    @property
    def receipt_shown(self) -> bool:
        return self.result is not None and self.query_one("#receipt-area").display

    def on_receipt_view_saved(self, message: ReceiptView.Saved) -> None:
        announce_saved(self, message)

    def on_receipt_view_closed(self, message: ReceiptView.Closed) -> None:
        message.stop()
        desk = self.desk
        if hasattr(desk, "data_version"):  # lists elsewhere read again, not before
            desk.data_version += 1
        if self.follow_up_visit():  # a visit: its follow-up first, then the checkout closes
            return
        self.dismiss(self.result)

    @before_paying
    def action_hold(self) -> None:
        if self.busy:
            return
        if not self.cart.lines:
            self.show_message(_("There is nothing to hold: the cart is empty."), "#lines-error")
            return
        cart = copy_cart(self.cart)
        cart.payments = self.current_payments()
        cart.branch_id = self.desk.branch_id  # held here: this branch's held list shows it
        first = self.quote.lines[0].description if self.quote and self.quote.lines else ""
        label = cart_rules.held_label(first, len(cart.lines))
        staff_id, draft_id = self.desk.staff_id, self.draft_id

        def job(session):
            return cart_rules.hold_cart(session, staff_id=staff_id, cart=cart, label=label,
                                        draft_id=draft_id)

        self.ask(job, self.held, write=True, failed=self.show_error)

    def held(self, draft_id: int) -> None:
        """Held: said (and how to get it back), and the checkout closes."""
        self.app.notify(_("Held. {key} on a checkout (or Resume held checkout) brings it "
                          "back.").format(key=key_of(self, "checkout.resume")), timeout=5)
        self.dismiss(None)

    @before_paying
    def action_resume(self) -> None:
        from salontui.screens.dialogs.held_checkouts import HeldCheckoutsDialog

        if self.cart.lines:
            self.show_message(_("Hold ({key}) or finish this checkout before resuming "
                                "another.").format(key=key_of(self, "checkout.hold")),
                              "#lines-error")
            return

        def answer(draft_id: int | None) -> None:
            if draft_id is not None:
                self.draft_id = draft_id
                self.load_draft(draft_id)

        self.app.push_screen(HeldCheckoutsDialog(), callback=answer)

    def resume_cart(self, cart: Cart) -> None:
        """Put a held cart on the screen: its lines, customer and payments."""
        payments = list(cart.payments)
        cart.payments = []
        for method in self.pay_methods:
            self.amounts[method.code] = 0
        fmt = self.desk.formatter
        texts, card_id = cart_rules.amounts_from(payments, point_value=self.point_value)
        if "value" in texts:
            self.value_card_id = card_id
        self.cart = cart
        self.quote = None
        for method in self.pay_methods:
            amount = texts.get(method.code, 0)
            if method.code == "points":
                text = str(amount) if amount else ""
            else:
                text = plain_amount(amount, fmt.exponent) if amount else ""
            self.set_amount_text(method.code, text)
        gone = [self.method_label(code) for code, amount in texts.items()
                if amount and not self.takes(code)]
        if gone:  # retired since it was held: said, never dropped silently
            self.show_message(_("This checkout was held with a payment by {methods}, which "
                                "is no longer taken: pay that part another way.").format(
                methods=", ".join(gone)), "#lines-error")
        self.load_customer()
        self.requote()

    @before_paying
    def action_cancel_checkout(self) -> None:
        from salontui.screens.dialogs.confirm import ConfirmDialog

        if self.busy:
            return
        if self.draft_id is None:
            self.leave(ask=True)
            return
        staff_id, draft_id = self.desk.staff_id, self.draft_id

        def answer(yes: bool | None) -> None:
            if not yes:
                return

            def job(session):
                from salontui.store.drafts import delete_draft

                return delete_draft(session, staff_id=staff_id, draft_id=draft_id)

            self.ask(job, self.draft_cancelled, write=True, failed=self.show_error)

        self.app.push_screen(ConfirmDialog(
            _("Cancel this held checkout? It is deleted; nothing was paid."),
            title=_("Cancel checkout"), confirm_label=_("Cancel it")), callback=answer)

    def draft_cancelled(self, _deleted: None) -> None:
        """The held checkout is deleted: said, and the checkout closes."""
        self.app.notify(_("Held checkout cancelled."), timeout=3)
        self.dismiss(None)

    def leave(self, *, ask: bool) -> None:
        from salontui.screens.dialogs.confirm import ConfirmDialog

        if not ask or not self.cart.lines:
            self.dismiss(None)
            return
        text = ngettext("Leave this checkout? Its {n} line is not kept ({key} holds it "
                        "instead).",
                        "Leave this checkout? Its {n} lines are not kept ({key} holds it "
                        "instead).", len(self.cart.lines)).format(
            n=len(self.cart.lines), key=key_of(self, "checkout.hold"))
        if self.draft_id is not None:
            text = _("Leave this checkout? The held copy stays as it was.")

        def answer(yes: bool | None) -> None:
            if yes:
                self.dismiss(None)

        self.app.push_screen(ConfirmDialog(text, title=_("Leave checkout"),
                                           confirm_label=_("Leave"),
                                           cancel_label=_("Stay in the checkout")),
                             callback=answer)

    def action_day_close(self) -> None:
        from salontui.screens.day_close import DayCloseScreen

        self.app.push_screen(DayCloseScreen())
