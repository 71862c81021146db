"""CheckoutScreen: take a customer's payment without touching the mouse.

This module owns the Screen itself: its layout (compose), key bindings, palette entries
and help, its state, loading what it shows and wiring the store's answers and the
fields' messages to the parts that handle them. Those parts are mixins, one per concern:
:mod:`.edits` (the edit queue, messages at the fields), :mod:`.lines` (adding and
editing lines), :mod:`.customer` (the customer strip, their sessions, cards, debt and
promotions), :mod:`.payments` (the payment panel and the verdict), :mod:`.totals` and
:mod:`.confirm` (F10, the receipt, hold and resume). The rules live in
:mod:`salontui.store.sales.cart_rules`.

Layout, top to bottom: what the customer has (packages in use with sessions
left, stored-value cards, points and, unmissable, ``DEBT … ▲``); the line to
add items by code or name (completion from the catalog, Enter adds the top
match); the cart's lines; the totals; one payment field per method; and what
is still due or the change to give.

How the cart is kept right: every change is an *edit*, a function of the
store session and the cart, run in a thread worker followed by
``cart.quote``. Edits run one at a time, in the order they were asked (typing
"DV0001 Enter DV0002 Enter" faster than the database answers adds both). An
edit the store refuses changes nothing: the cart stays as it was and the
message appears at the field it names (the add line, the line being edited,
a payment field). Payment fields are read as they are typed and the quote
follows (only the newest answer counts).

Confirming (F10, or Enter in a payment field) writes through
``checkout.checkout`` with one idempotency key made when the screen opened:
a double F10, or a retry after a failure, never makes two invoices. Then the
receipt takes the cart's place on this screen (w: 32/48 columns, t: text
file, p: PDF; no new screen to build, so it is up in one frame); Enter or
Escape closes the checkout with the
:class:`~salontui.store.checkout.CheckoutResult` as the screen's answer.

Keys: letters are for typing, so actions are function keys and Alt+letter
(inside the payment panel a plain letter jumps to its method too). F1 lists
them all; Ctrl+P finds every action by name.
"""

from __future__ import annotations

import uuid
from collections import deque
from functools import partial
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from salontui.i18n import _
from salontui.keymap import key_of
from salontui.screens.base import StoreCalls
from salontui.screens.checkout.common import (
    AMOUNT_CHARS,
    BUILT_IN_METHODS,
    TEXT_CHARS,
    CustomerInfo,
    DeskMethod,
    desk_methods,
    method_letters,
    too_long,
)
from salontui.screens.checkout.confirm import ConfirmMixin
from salontui.screens.checkout.customer import CustomerMixin
from salontui.screens.checkout.edits import EditsMixin
from salontui.screens.checkout.lines import AddInput, LinesMixin
from salontui.screens.checkout.payments import PaymentsMixin
from salontui.screens.checkout.totals import TotalsMixin
from salontui.screens.checkout.visit import VisitMixin, read_visit
from salontui.screens.commands import Command, binding_commands
from salontui.store.errors import SalonError
from salontui.widgets.checkout_payments import BoundedInput, PayInput, PaymentPanel
from salontui.widgets.checkout_receipt import ReceiptView
from salontui.widgets.footer import DeskFooter
from salontui.widgets.header import desk_header
from salontui.widgets.inputs import DeskInput
from salontui.widgets.tables import Col, DeskTable

if TYPE_CHECKING:
    from salontui.store.staff import StaffMember


def pay_binding(method: DeskMethod) -> Binding:
    """The key that jumps to ``method``'s payment field: Alt+its letter."""
    return Binding(f"alt+{method.hotkey}", f"pay('{method.code}')", method.command,
                   show=False, id=f"checkout.pay.{method.code}", priority=True)


def salon_methods(screen: Screen) -> tuple[DeskMethod, ...]:
    """The methods the salon takes now (the app's list, read at start and after every
    change), else the built-in ones (an app that has not read its list)."""
    from textual._context import NoActiveAppError

    try:
        rows = getattr(screen.app, "methods", None)
    except NoActiveAppError:
        rows = None
    found = desk_methods(rows) if rows else ()
    return found or BUILT_IN_METHODS


class CheckoutScreen(EditsMixin, LinesMixin, CustomerMixin, PaymentsMixin, TotalsMixin,
                     ConfirmMixin, VisitMixin, StoreCalls, Screen):
    """The cashier: lines, payments, confirm, receipt. Answers the CheckoutResult, or None."""

    help_title = _("Checkout")

    DEFAULT_CSS = """
    CheckoutScreen #checkout-body { height: 1fr; }
    CheckoutScreen #receipt-area { height: 1fr; }
    CheckoutScreen #receipt-centre { height: 1fr; }
    CheckoutScreen #receipt-title { width: 100%; height: 2; text-align: center; }
    CheckoutScreen #receipt-view { border: round $primary; }
    CheckoutScreen #receipt-saved { display: none; width: 100%; height: auto;
                                    text-style: bold; text-align: center; }
    CheckoutScreen #receipt-saved.-shown { display: block; }
    CheckoutScreen #strip { height: auto; max-height: 4; padding: 0 1; background: $boost; }
    CheckoutScreen #add-row { height: 1; margin-top: 1; }
    CheckoutScreen #add-label { width: auto; padding: 0 1; text-style: bold; }
    CheckoutScreen #add { width: 1fr; }
    CheckoutScreen #completions { height: 7; border-left: thick $primary; }
    CheckoutScreen #lines { height: 1fr; min-height: 4; }
    CheckoutScreen #prompt { height: auto; }
    CheckoutScreen #prompt > Horizontal { height: 1; }
    CheckoutScreen #prompt-label { width: auto; padding: 0 1; text-style: bold; }
    CheckoutScreen #prompt-input { width: 16; }
    CheckoutScreen #prompt-hint { width: 1fr; padding-left: 1; color: $text-muted; }
    CheckoutScreen .checkout-error { display: none; color: $error; text-style: bold;
                                     padding: 0 1; height: auto; }
    CheckoutScreen .checkout-error.-shown { display: block; }
    CheckoutScreen #totals { height: auto; padding: 0 1; border-top: solid $primary; }
    CheckoutScreen #payments { padding: 0 1; }
    CheckoutScreen #due { height: 1; padding: 0 1; color: $warning; }
    CheckoutScreen #due.-balanced { color: $success; }
    """

    # The footer shows the keys in this order and cuts what does not fit at 80 columns:
    # paying and holding first; F1 (every key) and Esc are in the hint line above.
    BINDINGS = [
        Binding("f1", "app.help", _("Help"), id="app.help", show=False),
        Binding("f10", "confirm", _("Confirm"),
                id="checkout.confirm", tooltip=_("Confirm payment")),
        Binding("f9", "fill_remainder", _("Fill"),
                id="checkout.fill", tooltip=_("Fill remainder into the field")),
        Binding("f4", "redeem", _("Redeem"),
                id="checkout.redeem", tooltip=_("Redeem a package session")),
        Binding("f3", "change_customer", _("Customer"),
                id="checkout.customer", tooltip=_("Change the customer")),
        Binding("f11", "hold", _("Hold"), id="checkout.hold", tooltip=_("Hold checkout")),
        Binding("f12", "resume", _("Held"),
                id="checkout.resume", tooltip=_("Resume held checkout")),
        Binding("f5", "set_quantity", _("Qty"),
                id="checkout.quantity", tooltip=_("Set quantity of the line")),
        Binding("f6", "set_price", _("Price"),
                id="checkout.price", tooltip=_("Set price of the line")),
        Binding("f7", "set_discount", _("Disc"),
                id="checkout.discount", tooltip=_("Set discount of the line")),
        Binding("f8", "choose_staff", _("Staff"),
                id="checkout.staff", tooltip=_("Choose who did the service")),
        Binding("escape", "back", _("Back"), id="checkout.back", show=False),
        # The built-in methods' keys; the salon's list replaces them when the screen is made
        # (see use_methods).
        *(pay_binding(method) for method in BUILT_IN_METHODS),
        Binding("alt+n", "next_card", _("Next card"), id="checkout.next_card",
                tooltip=_("Pay from the customer's next stored-value card"), show=False,
                priority=True),
        Binding("alt+u", "top_up", _("Top up card"),
                id="checkout.top_up", show=False, priority=True),
        Binding("alt+d", "repay_debt", _("Repay debt"),
                id="checkout.repay_debt", show=False, priority=True),
        Binding("alt+o", "apply_promotion", _("Apply promotion"),
                id="checkout.promotion", show=False, priority=True),
        Binding("alt+i", "invoice_discount", _("Set invoice discount"),
                id="checkout.invoice_discount", show=False,
                priority=True),
        Binding("alt+l", "toggle_picked_up", _("Toggle not yet picked up"),
                id="checkout.picked_up", show=False,
                priority=True),
        Binding("alt+x", "remove_line", _("Remove line"),
                id="checkout.remove_line", show=False, priority=True),
        Binding("delete", "remove_line", _("Remove line"),
                id="checkout.remove_line.delete", show=False, priority=True),
        Binding("alt+h", "hold", _("Hold checkout"),
                id="checkout.hold.alt", show=False, priority=True),
        Binding("alt+r", "resume", _("Resume held checkout"),
                id="checkout.resume.alt", show=False, priority=True),
        Binding("alt+q", "cancel_checkout", _("Cancel checkout"),
                id="checkout.cancel", show=False, priority=True),
        Binding("alt+y", "day_close", _("Day close"),
                id="checkout.day_close", show=False, priority=True),
        # The receipt's keys once paid (the receipt is not focused: see confirmed()).
        Binding("enter", "receipt('close')", _("Done"),
                id="checkout.receipt.done", show=False, priority=True),
        Binding("w", "receipt('switch_width')", _("Receipt width 32/48"),
                id="checkout.receipt.width", show=False,
                priority=True),
        Binding("t", "receipt('save_text')", _("Save receipt as text"),
                id="checkout.receipt.save_text", show=False,
                priority=True),
        Binding("p", "receipt('save_pdf')", _("Save receipt as PDF"),
                id="checkout.receipt.save_pdf", show=False,
                priority=True),
        Binding("down", "receipt('scroll_down')", _("Scroll the receipt"),
                id="checkout.receipt.down", show=False,
                priority=True),
        Binding("up", "receipt('scroll_up')", _("Scroll the receipt"),
                id="checkout.receipt.up", show=False,
                priority=True),
        Binding("down", "move(1)", _("Next line"), id="checkout.next_line", show=False),
        Binding("up", "move(-1)", _("Previous line"), id="checkout.previous_line", show=False),
        Binding("pagedown", "move(5)", _("Five lines down"), id="checkout.five_down", show=False),
        Binding("pageup", "move(-5)", _("Five lines up"), id="checkout.five_up", show=False),
    ]

    def __init__(self, customer_id: int | None = None, appointment_id: int | None = None,
                 draft_id: int | None = None, *, repay: bool = False) -> None:
        from salontui.store.cart import Cart

        super().__init__()
        # The state's meaning and types: see CheckoutState (.state).
        self.customer_id = customer_id
        self.appointment_id = appointment_id
        self.draft_id = draft_id
        self.repay = repay
        self.idempotency_key = uuid.uuid4().hex
        self.cart = Cart(customer_id=customer_id, appointment_id=appointment_id)
        self.quote = None
        self.info = None
        self.staff = []
        self.staff_names = {}
        self.last_staff_id = None
        self.edits = deque()
        self.in_flight = None
        self.dirty = False
        self.busy = False
        self.confirm_wanted = False
        self.result = None
        self.use_methods(salon_methods(self))
        self.amounts = {m.code: 0 for m in self.pay_methods}
        self.bad_amounts = set()
        self.refused_pastes = set()
        self.typed = {}
        self.value_card_id = None
        self.completions = []
        self.completion_query = ""
        self.completion_moved = False
        self.prompt_apply = None
        self.pay_focus = None
        self.repay_preset = False
        self.visit = None
        self.visit_started = False
        self.followed_up = False

    def use_methods(self, methods: tuple[DeskMethod, ...]) -> None:
        """Offer ``methods`` (the salon's, in its order): their fields, letters and keys. The
        built-in methods' Alt+letters of the class give way to the salon's (after the
        user's keymap, which still rebinds any of them by id)."""
        self.pay_methods = methods
        self.pay_letters = method_letters(methods)
        if methods == BUILT_IN_METHODS:
            return
        # The salon's keys where the built-in ones were (F1 lists them in that order); a
        # fresh list per key: the class's lists are shared.
        ours = [pay_binding(method) for method in methods if method.hotkey]
        keys: dict[str, list[Binding]] = {}
        for key, bindings in self._bindings.key_to_bindings.items():
            kept = [b for b in bindings if not b.action.startswith("pay(")]
            if len(kept) < len(bindings):
                for binding in ours:
                    keys[binding.key] = [*keys.get(binding.key, []), binding]
                ours = []
            if kept:
                keys[key] = [*keys.get(key, []), *kept]
        self._bindings.key_to_bindings = keys

    @classmethod
    def repay_debt(cls, customer_id: int) -> CheckoutScreen:
        """A checkout with one debt-repayment line of the whole debt (editable), ready to pay."""
        return cls(customer_id, repay=True)

    def compose(self) -> ComposeResult:
        yield desk_header()
        with Vertical(id="checkout-body"):
            yield Static(_("Loading…"), id="strip")
            with Horizontal(id="add-row"):
                yield Label(_("Add"), id="add-label")
                # Enter is the field's own key (AddInput), not a binding.
                yield AddInput(placeholder=_("code or name · Enter adds · ↑↓ line · {key} "
                                             "keys").format(key=key_of(self, "app.help")),
                               id="add", max_length=TEXT_CHARS)
            yield Label("", id="add-error", classes="checkout-error")
            yield DeskTable([
                Col("code", _("Code"), 7),
                Col("name", _("Item"), None, min_width=12),
                Col("kind", _("Kind"), 8),
                Col("price", _("Price"), 13, justify="right"),
            ], id="completions")
            yield DeskTable([
                Col("n", "#", 2, justify="right"),
                Col("item", _("Item"), None, min_width=12),
                Col("qty", _("Qty"), 3, justify="right"),
                Col("price", _("Price"), 12, justify="right"),
                Col("discount", _("Disc"), 10, justify="right"),
                Col("amount", _("Amount"), 12, justify="right"),
                Col("staff", _("Staff"), 9),
            ], id="lines")
            with Vertical(id="prompt"):
                with Horizontal():
                    yield Label("", id="prompt-label")
                    yield BoundedInput(id="prompt-input", max_length=AMOUNT_CHARS)
                    # Enter is the field's own (Input.Submitted); the other key is "back".
                    yield Label(_("Enter applies · {key} cancels").format(
                        key=key_of(self, "checkout.back")), id="prompt-hint")
                yield Label("", id="prompt-error", classes="checkout-error")
            yield Label("", id="lines-error", classes="checkout-error")
            yield Static("", id="totals")
            yield PaymentPanel(self.pay_methods,
                               {m.code: key_of(self, f"checkout.pay.{m.code}")
                                for m in self.pay_methods}, self.pay_letters, id="payments")
            yield Static("", id="due")
        with Vertical(id="receipt-area"):
            yield Static("", id="receipt-title")
            with Center(id="receipt-centre"):
                yield ReceiptView(id="receipt-view")
            yield Static("", id="receipt-saved")
        yield DeskFooter(show_command_palette=False)

    def on_mount(self) -> None:
        completions = self.query_one("#completions", DeskTable)
        completions.can_focus = False
        completions.display = False
        self.query_one("#lines", DeskTable).can_focus = False
        self.query_one("#prompt").display = False
        self.query_one("#receipt-area").display = False
        self.sub_title = _("Checkout")
        self.load_staff()
        if self.draft_id is not None:
            self.load_draft(self.draft_id)
        else:
            self.load_customer()
            self.render_cart()
        self.query_one("#add", DeskInput).focus()

    def load_staff(self) -> None:
        branch_id = self.desk.branch_id

        def read(session) -> tuple[list[StaffMember], list[StaffMember]]:
            from salontui.store.staff import list_staff

            everyone = list_staff(session, include_inactive=True)
            if branch_id is None:
                return everyone, everyone
            return everyone, list_staff(session, branch_id=branch_id)

        self.ask(read, self.staff_loaded, failed=self.show_error)

    def staff_loaded(self, staff: tuple[list[StaffMember], list[StaffMember]]) -> None:
        """Who can be chosen for a line: the branch's staff (and those of every branch),
        technicians first; every name, for the lines (a held cart's too)."""
        members, here = staff
        self.staff_names = {m.id: m.name for m in members}
        active = [m for m in here if m.active]
        technicians = [m for m in active if m.role == "technician"]
        self.staff = technicians + [m for m in active if m.role != "technician"]
        if self.quote is not None:
            self.render_cart()

    def load_customer(self) -> None:
        customer_id = self.cart.customer_id
        appointment_id = self.cart.appointment_id
        if customer_id is None and appointment_id is None:
            self.info = None
            self.show_strip()
            return
        # The visit's lines start the cart once, when it is still empty (not a held cart).
        start_visit = (appointment_id is not None and not self.visit_started
                       and not self.cart.lines and self.draft_id is None)

        def read(session):
            from salontui.store.day.appointments import get_appointment
            from salontui.store.package_reads import list_packages
            from salontui.store.promotions import list_customer_promotions
            from salontui.store.sales.card_topups import no_discount_cards
            from salontui.store.summary import customer_summary

            appointment = None
            visit, refused = None, ""
            who = customer_id
            if appointment_id is not None:
                appointment = get_appointment(session, appointment_id=appointment_id)
                who = who if who is not None else appointment.customer_id
                if start_visit:
                    visit, refused = read_visit(session, appointment_id)
            return CustomerInfo(customer_summary(session, customer_id=who),
                                list_packages(session, customer_id=who),
                                list_customer_promotions(session, customer_id=who),
                                appointment, frozenset(no_discount_cards(
                                    session, customer_id=who)), visit, refused)

        self.ask(read, self.customer_loaded, failed=self.customer_failed)

    def customer_loaded(self, info: CustomerInfo) -> None:
        """The customer as loaded: the strip, what they may pay with, and a repayment; a
        checkout of a visit starts with the visit's lines."""
        if self.cart.customer_id is None and self.cart.appointment_id is not None:
            # Opened for a visit alone: its customer pays.
            self.customer_id = self.cart.customer_id = info.summary.id
        self.info = info
        self.show_strip()
        self.show_payment_hints()
        self.recheck_payments()
        if self.repay and not self.repay_preset:
            self.preset_repayment(info)
        if info.visit is not None or info.visit_refused:
            self.start_visit(info)

    def customer_failed(self, error: SalonError) -> None:
        self.query_one("#strip", Static).update(Content(f"▲ {error.message}"))

    def load_draft(self, draft_id: int) -> None:
        def read(session):
            from salontui.store.drafts import load_draft

            return load_draft(session, draft_id=draft_id)

        self.ask(read, self.resume_cart, failed=self.show_error)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "add":
            event.stop()
            self.complete(event.value)
        elif isinstance(event.input, PayInput):
            event.stop()
            self.payment_changed(event.input.method, event.value)

    def on_desk_input_too_long(self, event: DeskInput.TooLong) -> None:
        """A paste longer than the field: not taken, and said at the field. A payment field
        keeps its message (and F10 waits) until it is typed in again."""
        event.stop()
        message = too_long(event.limit)
        box = event.box
        if isinstance(box, PayInput):
            self.query_one(PaymentPanel).field(box.method).show_error(message)
            self.bad_amounts.add(box.method)
            self.refused_pastes.add(box.method)
            self.show_due()
        elif box.id == "prompt-input":
            self.show_message(message, "#prompt-error")
        else:
            self.show_message(message, "#add-error")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        box = event.input
        if box.id == "prompt-input" and self.prompt_apply is not None:
            self.prompt_apply(event.value)

    def on_descendant_focus(self, event) -> None:
        self.pay_focus = None
        # Gone elsewhere (a payment key, a click) while a line was being edited: drop the edit.
        if self.prompt_apply is not None and getattr(event, "widget", None) is not \
                self.query_one("#prompt-input"):
            self.close_prompt(refocus=False)

    def action_back(self) -> None:
        if self.result is not None:  # paid: Escape is done, like Enter on the receipt
            self.on_receipt_view_closed(ReceiptView.Closed())
            return
        if self.busy:
            return
        if self.query_one("#prompt").display:
            self.close_prompt()
            return
        box = self.query_one("#add", DeskInput)
        if self.focused is box and box.value:
            box.value = ""
            self.hide_completions()
            return
        if isinstance(self.focused, PayInput):
            box.focus()
            return
        self.leave(ask=True)

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "receipt":  # its keys are letters: only while the receipt is shown
            return self.result is not None
        if action == "remove_line":
            focused = self.focused
            # Delete edits the text of a field that has some; Alt+X always removes the line.
            if isinstance(focused, Input) and focused.value:
                return False
        return True

    def palette_commands(self):
        entries = [
            (_("Add line"), _("Type a code or a name in the Add field, Enter"),
             lambda: self.query_one("#add", DeskInput).focus()),
        ]
        return entries + binding_commands(self, (
            Command("checkout.quantity", _("Set quantity"), _("Of the selected line")),
            Command("checkout.price", _("Set price"), _("Unit price of the selected line")),
            Command("checkout.discount", _("Set discount"),
                    _("Of the selected line, amount or %")),
            Command("checkout.invoice_discount", _("Set invoice discount"),
                    _("Off the whole invoice, amount or %")),
            Command("checkout.staff", _("Choose staff"), _("Who did the selected line")),
            Command("checkout.redeem", _("Redeem session"), _("One session of a package in use")),
            Command("checkout.top_up", _("Top up card"),
                    _("Stored value: pay now, credit maybe more")),
            Command("checkout.repay_debt", _("Repay debt"),
                    _("Part or all of what the customer owes")),
            Command("checkout.promotion", _("Apply promotion"), _("One given to this customer")),
            Command("checkout.picked_up", _("Toggle not yet picked up"),
                    _("A product left at the salon")),
            Command("checkout.remove_line", _("Remove line"), _("The selected line"),
                    also=("checkout.remove_line.delete",)),
            Command("checkout.customer", _("Change customer"), _("Or make it a walk-in")),
            *(Command(f"checkout.pay.{m.code}", m.command,
                      _("{method} field").format(method=m.label),
                      run=None if m.hotkey else partial(self.action_pay, m.code))
              for m in self.pay_methods),
            Command("checkout.next_card", _("Next stored-value card"),
                    _("Pay from the customer's next card")),
            Command("checkout.fill", _("Fill remainder"),
                    _("What is still due, into the payment field")),
            Command("checkout.confirm", _("Confirm payment"),
                    _("Write the invoice and show the receipt")),
            Command("checkout.hold", _("Hold checkout"), _("Park it; resume it later"),
                    also=("checkout.hold.alt",)),
            Command("checkout.resume", _("Resume held checkout"), _("A checkout held earlier"),
                    also=("checkout.resume.alt",)),
            Command("checkout.cancel", _("Cancel checkout"), _("Leave it; a held one is deleted")),
            Command("checkout.day_close", _("Day close"),
                    _("Today's takings, refunds, debt and sessions")),
        ))

    def help_extra(self):
        return [
            (_("Enter"), _("Add the top match (Add field); confirm (payment field)")),
            (_("Up/Down"), _("Choose a completion, a line, or a payment field")),
            (" ".join(self.pay_letters), _("In the payment panel: jump to that method")),
            ("ctrl+p", _("All commands by name")),
        ]
