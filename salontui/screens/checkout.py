"""CheckoutScreen: take a customer's payment without touching the mouse.

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

import functools
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from salontui.i18n import _, ngettext
from salontui.screens.base import StoreCalls
from salontui.screens.checkout_common import (
    AMOUNT_CHARS,
    METHOD_COMMANDS,
    METHOD_KEYS,
    PAYMENT_METHODS,
    PERCENT_CHARS,
    QUANTITY_CHARS,
    TEXT_CHARS,
    check_length,
    method_label,
    parse_points,
    parse_typed_amount,
    parse_whole,
    plain_amount,
    too_long,
)
from salontui.screens.checkout_dialogs import Choice, PickerDialog
from salontui.store.errors import SalonError, ValidationError
from salontui.store.names import card_label
from salontui.widgets import fmt as cached
from salontui.widgets.checkout_payments import BoundedInput, PayInput, PaymentPanel
from salontui.widgets.checkout_receipt import ReceiptView, announce_saved
from salontui.widgets.footer import DeskFooter
from salontui.widgets.header import desk_header
from salontui.widgets.inputs import DeskInput
from salontui.widgets.tables import Col, DeskTable

COMPLETIONS = 6
PAYMENT_FIELD_NAMES = {m for m, _l, _k in PAYMENT_METHODS} | {"payments"}


@dataclass
class Edit:
    """One change of the cart: ``op(session, cart) -> cart`` and where its refusal is shown."""

    op: Callable[[Any, Any], Any] | None
    target: str = "lines"  # "add", "prompt", "lines"
    then: Callable[[], None] | None = None
    on_error: Callable[[], None] | None = None


@dataclass(frozen=True)
class Verdict:
    """What F10 would do with the checkout as it stands, and the payment line that says it.

    Both come from :meth:`CheckoutScreen.verdict`, so the line never reads "PAID IN FULL"
    while F10 would refuse, and F10 never refuses without saying why."""

    ready: bool  # F10 writes the invoice
    text: str  # the payment line under the panel
    field: str | None = None  # where F10 says why not: a payment method, "payments", "lines"
    reason: str = ""  # why not, as F10 says it


# Methods that take from what a customer holds or owes: never a walk-in's.
CUSTOMER_METHODS = ("value", "points", "account")


@dataclass(frozen=True)
class CustomerInfo:
    summary: Any  # summary.CustomerSummary
    packages: list
    promotions: list
    appointment: Any


class AddInput(BoundedInput):
    """The Add field. Enter hands over what was typed and empties the field at once, in the
    field's own order of keys (see ``_on_key``), so a fast typist (or a barcode scanner) sending
    "DV0001⏎DV0002⏎" adds two lines, never "DV0001DV0002"."""

    class Add(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    async def _on_key(self, event) -> None:
        # Enter is taken here, in the order of the keys: a binding would only run once the
        # key has bubbled up to the app, after the keys typed behind it.
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            text = self.value
            self.post_message(self.Add(text))
            if text:
                self.value = ""


def before_paying(action):
    """An action of the cart: once paid (the receipt on screen) its key does nothing. (The
    keys stay enabled, so the footer is not rebuilt in the middle of showing the receipt.)"""

    @functools.wraps(action)
    def guarded(self, *args, **kwargs):
        if self.result is None:
            return action(self, *args, **kwargs)
        return None

    return guarded


def copy_cart(cart):
    from salontui.store.cart import Cart

    return Cart.from_json(cart.to_json())


class CheckoutScreen(StoreCalls, Screen):
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
        Binding("f1", "app.help", _("Help"), show=False),
        Binding("f10", "confirm", _("Confirm"), tooltip=_("Confirm payment")),
        Binding("f9", "fill_remainder", _("Fill"), tooltip=_("Fill remainder into the field")),
        Binding("f4", "redeem", _("Redeem"), tooltip=_("Redeem a package session")),
        Binding("f3", "change_customer", _("Customer"), tooltip=_("Change the customer")),
        Binding("f11", "hold", _("Hold"), tooltip=_("Hold checkout")),
        Binding("f12", "resume", _("Held"), tooltip=_("Resume held checkout")),
        Binding("f5", "set_quantity", _("Qty"), tooltip=_("Set quantity of the line")),
        Binding("f6", "set_price", _("Price"), tooltip=_("Set price of the line")),
        Binding("f7", "set_discount", _("Disc"), tooltip=_("Set discount of the line")),
        Binding("f8", "choose_staff", _("Staff"), tooltip=_("Choose who did the service")),
        Binding("escape", "back", _("Back"), show=False),
        *(Binding(f"alt+{key}", f"pay('{method}')", _(METHOD_COMMANDS[method]), show=False,
                  priority=True) for method, _label, key in PAYMENT_METHODS),
        Binding("alt+n", "next_card", _("Next card"),
                tooltip=_("Pay from the customer's next stored-value card"), show=False,
                priority=True),
        Binding("alt+u", "top_up", _("Top up card"), show=False, priority=True),
        Binding("alt+d", "repay_debt", _("Repay debt"), show=False, priority=True),
        Binding("alt+o", "apply_promotion", _("Apply promotion"), show=False, priority=True),
        Binding("alt+i", "invoice_discount", _("Set invoice discount"), show=False,
                priority=True),
        Binding("alt+l", "toggle_picked_up", _("Toggle not yet picked up"), show=False,
                priority=True),
        Binding("alt+x", "remove_line", _("Remove line"), show=False, priority=True),
        Binding("delete", "remove_line", _("Remove line"), show=False, priority=True),
        Binding("alt+h", "hold", _("Hold checkout"), show=False, priority=True),
        Binding("alt+r", "resume", _("Resume held checkout"), show=False, priority=True),
        Binding("alt+q", "cancel_checkout", _("Cancel checkout"), show=False, priority=True),
        Binding("alt+y", "day_close", _("Day close"), show=False, priority=True),
        # The receipt's keys once paid (the receipt is not focused: see confirmed()).
        Binding("enter", "receipt('close')", _("Done"), show=False, priority=True),
        Binding("w", "receipt('switch_width')", _("Receipt width 32/48"), show=False,
                priority=True),
        Binding("t", "receipt('save_text')", _("Save receipt as text"), show=False,
                priority=True),
        Binding("p", "receipt('save_pdf')", _("Save receipt as PDF"), show=False,
                priority=True),
        Binding("down", "receipt('scroll_down')", _("Scroll the receipt"), show=False,
                priority=True),
        Binding("up", "receipt('scroll_up')", _("Scroll the receipt"), show=False,
                priority=True),
        Binding("down", "move(1)", _("Next line"), show=False),
        Binding("up", "move(-1)", _("Previous line"), show=False),
        Binding("pagedown", "move(5)", _("Five lines down"), show=False),
        Binding("pageup", "move(-5)", _("Five lines up"), show=False),
    ]

    def __init__(self, customer_id: int | None = None, appointment_id: int | None = None,
                 draft_id: int | None = None, *, repay: bool = False) -> None:
        super().__init__()
        self.customer_id = customer_id
        self.appointment_id = appointment_id
        self.draft_id = draft_id
        self.repay = repay
        self.idempotency_key = uuid.uuid4().hex
        self.cart = None  # the accepted cart (store.cart.Cart)
        self.quote = None  # its quote
        self.info: CustomerInfo | None = None
        self.staff: list = []  # who can be chosen for a line (technicians first)
        self.staff_names: dict[int, str] = {}
        self.last_staff_id: int | None = None
        self.edits: deque[Edit] = deque()
        self.in_flight: Edit | None = None
        self.dirty = False
        self.busy = False  # confirming
        self.confirm_wanted = False
        self.result = None
        self.amounts: dict[str, int] = {m: 0 for m, _l, _k in PAYMENT_METHODS}
        self.bad_amounts: set[str] = set()
        self.refused_pastes: set[str] = set()  # a paste too long, not taken: said at the field
        self.typed: dict[str, str] = {}  # the text each payment amount was read from
        self.value_card_id: int | None = None
        self.completions: list = []
        self.completion_query = ""
        self.completion_moved = False
        self.prompt_apply: Callable[[str], None] | None = None
        self.pay_focus: str | None = None
        self.repay_preset = False

    @classmethod
    def repay_debt(cls, customer_id: int) -> CheckoutScreen:
        """A checkout with one debt-repayment line of the whole debt (editable), ready to pay."""
        return cls(customer_id, repay=True)

    # -- layout ---------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield desk_header()
        with Vertical(id="checkout-body"):
            yield Static(_("Loading…"), id="strip")
            with Horizontal(id="add-row"):
                yield Label(_("Add"), id="add-label")
                yield AddInput(placeholder=_("code or name · Enter adds · ↑↓ line · F1 keys"),
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
                    yield Label(_("Enter applies · Esc cancels"), id="prompt-hint")
                yield Label("", id="prompt-error", classes="checkout-error")
            yield Label("", id="lines-error", classes="checkout-error")
            yield Static("", id="totals")
            yield PaymentPanel(id="payments")
            yield Static("", id="due")
        with Vertical(id="receipt-area"):
            yield Static("", id="receipt-title")
            with Center(id="receipt-centre"):
                yield ReceiptView(id="receipt-view")
            yield Static("", id="receipt-saved")
        yield DeskFooter(show_command_palette=False)

    def on_mount(self) -> None:
        from salontui.store.cart import Cart

        self.cart = Cart(customer_id=self.customer_id, appointment_id=self.appointment_id)
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

    # -- loading --------------------------------------------------------------------
    def load_staff(self) -> None:
        def read(session):
            from salontui.store.staff import list_staff

            return list_staff(session, include_inactive=True)

        self.call_store("staff", read)

    def load_customer(self) -> None:
        customer_id = self.cart.customer_id
        appointment_id = self.cart.appointment_id
        if customer_id is None:
            self.info = None
            self.show_strip()
            return

        def read(session):
            from salontui.store.appointments import get_appointment
            from salontui.store.packages import list_packages
            from salontui.store.promotions import list_customer_promotions
            from salontui.store.summary import customer_summary

            appointment = None
            if appointment_id is not None:
                appointment = get_appointment(session, appointment_id=appointment_id)
            return CustomerInfo(customer_summary(session, customer_id=customer_id),
                                list_packages(session, customer_id=customer_id),
                                list_customer_promotions(session, customer_id=customer_id),
                                appointment)

        self.call_store("customer", read)

    def load_draft(self, draft_id: int) -> None:
        def read(session):
            from salontui.store.drafts import load_draft

            return load_draft(session, draft_id=draft_id)

        self.call_store("draft", read)

    # -- the store's answers --------------------------------------------------------
    def store_result(self, tag: str, value) -> None:
        if tag == "quote":
            self.quote_answered(value)
        elif tag == "complete":
            self.show_completions(value)
        elif tag == "customer":
            self.info = value
            self.show_strip()
            self.show_payment_hints()
            self.recheck_payments()
            if self.repay and not self.repay_preset:
                self.preset_repayment()
        elif tag == "staff":
            self.staff_names = {m.id: m.name for m in value}
            active = [m for m in value if m.active]
            technicians = [m for m in active if m.role == "technician"]
            self.staff = technicians + [m for m in active if m.role != "technician"]
            if self.quote is not None:
                self.render_cart()
        elif tag == "draft":
            self.resume_cart(value)
        elif tag == "confirm":
            self.confirmed(value)
        elif tag == "hold":
            self.app.notify(_("Held. F12 on a checkout (or Resume held checkout) brings it "
                              "back."), timeout=5)
            self.dismiss(None)
        elif tag == "cancel_draft":
            self.app.notify(_("Held checkout cancelled."), timeout=3)
            self.dismiss(None)

    def store_error(self, tag: str, error: SalonError) -> None:
        if tag == "quote":
            edit, self.in_flight = self.in_flight, None
            self.show_error(error, target=edit.target if edit else "lines")
            if edit is not None and edit.on_error is not None:
                edit.on_error()
            self.dispatch()
        elif tag == "confirm":
            self.busy = False
            self.show_error(error, target="lines")
            self.dispatch()
        elif tag == "customer":
            self.query_one("#strip", Static).update(Content(f"▲ {error.message}"))
        elif tag == "complete":
            return
        else:
            self.show_error(error, target="lines")

    def unexpected_error(self, tag: str, error: BaseException) -> None:
        super().unexpected_error(tag, error)
        if tag == "quote":
            self.in_flight = None
            self.dispatch()
        elif tag == "confirm":
            self.busy = False
            self.show_message(_("Not saved: {error}. F10 tries again (it never pays "
                                "twice).").format(error=error), "#lines-error")

    # -- edits, one at a time -------------------------------------------------------
    def edit(self, op, *, target: str = "lines", then=None, on_error=None) -> None:
        """Ask for a change of the cart; it is made (and priced) after the ones before it."""
        self.clear_store_errors()
        self.edits.append(Edit(op, target, then, on_error))
        self.dispatch()

    def requote(self) -> None:
        self.dirty = True
        self.dispatch()

    @property
    def idle(self) -> bool:
        return self.in_flight is None and not self.edits and not self.dirty

    def dispatch(self) -> None:
        if self.in_flight is not None or self.busy:
            return
        if self.edits:
            edit = self.edits.popleft()
        elif self.dirty:
            edit = Edit(None)
        else:
            if self.confirm_wanted:
                self.confirm_wanted = False
                self.action_confirm()
            return
        self.dirty = False
        base = copy_cart(self.cart)
        payments = self.current_payments()
        op = edit.op

        def job(session):
            from salontui.store.cart import quote

            cart = op(session, base) if op is not None else base
            cart.payments = payments
            return cart, quote(session, cart=cart)

        self.in_flight = edit
        self.call_store("quote", job)

    def quote_answered(self, value) -> None:
        edit, self.in_flight = self.in_flight, None
        self.cart, self.quote = value
        self.render_cart()
        if edit is not None and edit.then is not None:
            edit.then()
        self.dispatch()

    # -- rendering ------------------------------------------------------------------
    def show_strip(self) -> None:
        strip = self.query_one("#strip", Static)
        if self.cart.customer_id is None:
            self.sub_title = _("Checkout · walk-in")
            strip.update(Content.from_markup(
                "[b]$walk[/b] · $hint", walk=_("Walk-in"),
                hint=_("F3 chooses a customer (needed for packages, cards, points, debt)")))
            return
        if self.info is None or self.info.summary.id != self.cart.customer_id:
            strip.update(_("Loading the customer…"))
            return
        fmt = self.app.formatter
        s = self.info.summary
        self.sub_title = _("Checkout · {code} {name}").format(code=s.code, name=s.name)
        line1 = Content.from_markup("[b]$name[/b]", name=s.name)
        if s.debt:
            line1 += Content.from_markup("  [reverse bold $error] $debt [/]",
                                         debt=_("DEBT {amount} ▲").format(
                                             amount=fmt.money(s.debt)))
        parts = [Content.from_markup(_("Points") + " [b]$p[/b]",
                                     p=cached.points(fmt, s.points))]
        for card in s.cards:
            parts.append(Content.from_markup("$card [b]$amount[/b]", card=card_label(card.name),
                                             amount=fmt.money(card.balance)))
        if s.member_state == "excluded":
            parts.append(Content(_("no loyalty (excluded)")))
        line1 += Content(" · ") + Content(" · ").join(parts)
        packages = []
        for p in self.info.packages:
            if p.status != "in_use":
                continue
            if p.remaining is None:
                packages.append(_("{name} (to {date})").format(
                    name=p.name, date=fmt.date(p.expires_on)))
            else:
                packages.append(_("{name} ×{left}").format(name=p.name, left=p.remaining))
        line2 = Content.from_markup(
            "[b]$label[/b] $items", label=_("Sessions:"),
            items="; ".join(packages) if packages else _("no package in use"))
        usable = self.usable_promotions()
        if usable:
            line2 += Content(" · ") + Content(ngettext(
                "{n} promotion (Alt+O)", "{n} promotions (Alt+O)", len(usable)).format(
                n=len(usable)))
        lines = [line1, line2]
        a = self.info.appointment
        if a is not None:
            lines.append(Content(_("Appointment {time}: {services}").format(
                time=fmt.datetime(a.starts_at), services=a.services)))
        strip.update(Content("\n").join(lines))

    def line_text(self, line) -> str:
        fmt = self.app.formatter
        text = line.description
        if line.kind == "redeem":
            text = _("Session: {name}").format(name=text)
        elif line.kind == "package":
            text = _("{name} (package)").format(name=text)
        elif line.kind == "product" and not line.picked_up:
            text = _("{name} (kept at salon)").format(name=text)
        elif line.kind == "topup":
            card = card_label(line.card_name)
            text = _("Top-up {card}").format(card=card)
            if line.credit and line.credit != line.unit_price:
                text += " " + _("(credits {amount})").format(amount=fmt.money(line.credit))
        return text

    def render_cart(self) -> None:
        fmt = self.app.formatter
        table = self.query_one("#lines", DeskTable)
        rows = []
        priced = self.quote.lines if self.quote is not None else []
        for line in priced:
            staff = self.staff_names.get(line.staff_id, "") if line.staff_id else ""
            if line.kind == "redeem" and not staff:
                staff = "▲ " + _("who?")
            rows.append((line.index, [
                str(line.index + 1), self.line_text(line), line.quantity,
                cached.money(fmt, line.unit_price),
                cached.money(fmt, line.discount) if line.discount else "",
                cached.money(fmt, line.amount), staff]))
        table.set_rows(rows)
        self.show_totals()
        self.show_due()
        self.show_payment_hints()

    def show_totals(self) -> None:
        fmt = self.app.formatter
        q = self.quote
        totals = self.query_one("#totals", Static)
        if q is None or not q.lines:
            totals.update(Content(_("No lines yet: type a code or a name above.")))
            return
        parts = [ngettext("{n} line", "{n} lines", len(q.lines)).format(n=len(q.lines)),
                 _("Subtotal {amount}").format(amount=fmt.money(q.subtotal))]
        if q.discount:
            label = _("Discount")
            if self.cart.promotion_id is not None:
                label = _("Discount (promotion {code})").format(code=self.promotion_code())
            parts.append(f"{label} -{fmt.money(q.discount)}")
        line = Content(" · ".join(parts) + " · ")
        line += Content.from_markup("[b reverse] $total [/]", total=_("TOTAL {amount}").format(
            amount=fmt.money(q.total)))
        totals.update(line)

    def verdict(self) -> Verdict:
        """What F10 does now: write the invoice, or refuse and say why (see :class:`Verdict`).
        The payment line shows exactly this."""
        fmt = self.app.formatter
        q = self.quote
        if q is None or not self.cart.lines:
            return Verdict(False, "", "lines", _("Add at least one line."))
        panel = self.query_one(PaymentPanel)
        for field in panel.fields():  # a field showing a message pays nothing as typed
            if field.error_text and (field.method in self.bad_amounts
                                     or self.amounts.get(field.method, 0) > 0):
                return Verdict(False, _("NOT PAID ▲ {method}: see the message under it; F10 "
                                        "waits").format(method=method_label(field.method)),
                               field.method, field.error_text[2:])
        for method in CUSTOMER_METHODS:
            why = self.payment_refusal(method, self.amounts.get(method, 0))
            if why:
                return Verdict(False, _("NOT PAID ▲ {method}: {reason}").format(
                    method=method_label(method), reason=why), method, why)
        if q.due:
            return Verdict(False, _("STILL DUE {amount} ▲ · F9 fills it into the payment "
                                    "field").format(amount=fmt.money(q.due)), "payments",
                           _("Still due {amount}: enter a payment (F9 fills the "
                             "remainder).").format(amount=fmt.money(q.due)))
        if q.overpaid:
            return Verdict(False, _("PAID {amount} TOO MUCH ▲ · only cash can be more than the "
                                    "total").format(amount=fmt.money(q.overpaid)), "payments",
                           _("Only cash can be more than the total: {amount} too "
                             "much.").format(amount=fmt.money(q.overpaid)))
        parts = []
        on_account = sum(p.amount for p in self.current_payments() if p.method == "account")
        if on_account:
            parts.append(_("{amount} ON ACCOUNT (debt)").format(amount=fmt.money(on_account)))
        if q.change:
            parts.append(_("CHANGE TO GIVE {amount}").format(amount=fmt.money(q.change)))
        if not parts:
            parts.append(_("PAID IN FULL"))
        return Verdict(True, _("{state} · F10 confirms").format(state=" · ".join(parts)))

    def payment_refusal(self, method: str, amount: int) -> str | None:
        """Why ``amount`` cannot be paid by ``method`` here (the store would refuse it at
        F10), or None. Read from the customer as loaded; the store checks again."""
        if amount <= 0:
            return None
        if method in CUSTOMER_METHODS and self.cart.customer_id is None:
            return {"value": _("A walk-in has no stored-value card: choose the customer "
                               "first (F3)."),
                    "points": _("A walk-in has no points: choose the customer first (F3)."),
                    "account": _("A walk-in cannot pay on account: choose the customer "
                                 "first (F3).")}[method]
        info = self.info
        if info is None or info.summary.id != self.cart.customer_id:
            return None  # still loading: F10 waits for it, then the store decides
        summary = info.summary
        if method == "account" and any(line.kind == "repay" for line in self.cart.lines):
            return _("A debt cannot be repaid on account.")
        if method == "points":
            if summary.member_state != "active":
                return _("This customer cannot pay with points (membership not active).")
            if amount > summary.points:
                return ngettext("Only {left} point left; cannot deduct {n}.",
                                "Only {left} points left; cannot deduct {n}.",
                                summary.points).format(
                    left=f"{max(summary.points, 0):,}", n=f"{amount:,}")
        if method == "value":
            card = self.value_card()
            if card is None:
                return _("This customer has no stored-value card.")
            if amount > card.balance:
                fmt = self.app.formatter
                return _("Only {left} left on the {card} card; cannot deduct {n}.").format(
                    left=fmt.money(card.balance), card=card_label(card.name),
                    n=fmt.money(amount))
        return None

    def show_due(self) -> None:
        due = self.query_one("#due", Static)
        verdict = self.verdict()
        due.set_class(verdict.ready, "-balanced")
        due.update(Content.from_markup("[b reverse] $text [/]", text=verdict.text)
                   if verdict.text else "")

    def show_payment_hints(self) -> None:
        fmt = self.app.formatter
        panel = self.query_one(PaymentPanel)
        summary = self.info.summary if self.info is not None else None
        walk_in = self.cart.customer_id is None
        card = self.value_card()
        value = panel.field("value")
        note = ""
        if walk_in:  # nothing of a customer's is offered to a walk-in as if it would work
            value.set_hint("▲ " + _("walk-in"))
        elif summary is None:
            value.set_hint("…")
        elif card is None:
            value.set_hint(_("no card"))
        else:
            value.set_hint(f"{fmt.money(card.balance)} · {card_label(card.name)}")
            cards = summary.cards
            if len(cards) > 1:  # the key first: the card's name may be cut, the key never
                index = next(i for i, c in enumerate(cards) if c.card_id == card.card_id)
                note = _("Alt+N next card · {card} ({n}/{m})").format(
                    card=card_label(card.name), n=index + 1, m=len(cards))
        value.set_note(note)
        points = self.amounts.get("points", 0)
        if walk_in:
            panel.field("points").set_hint("▲ " + _("walk-in"))
        elif summary is None:
            panel.field("points").set_hint("…")
        else:
            worth = fmt.money(points * self.point_value) if points else ""
            has = _("has {n}").format(n=cached.points(fmt, summary.points))
            panel.field("points").set_hint(f"= {worth} · {has}" if worth else has)
        panel.field("account").set_hint("▲ " + _("walk-in") if walk_in else "")

    # -- messages -------------------------------------------------------------------
    def show_message(self, message: str, where: str) -> None:
        label = self.query_one(where, Label)
        label.update(Content(f"▲ {message}"))
        label.add_class("-shown")

    def clear_store_errors(self) -> None:
        for where in ("#add-error", "#lines-error", "#prompt-error"):
            label = self.query_one(where, Label)
            if label.has_class("-shown"):
                label.update("")
                label.remove_class("-shown")
        for field in self.query_one(PaymentPanel).fields():
            if field.method not in self.bad_amounts and field.has_class("-invalid"):
                field.clear_error()

    def payment_field_for(self, error: SalonError) -> str | None:
        """The payment field a refusal belongs to (the store names it: "points", "value"…)."""
        name = error.field or ""
        return name if name in PAYMENT_FIELD_NAMES else None

    def show_error(self, error: SalonError, *, target: str = "lines") -> None:
        """Show a refusal at its field: a payment field, the line being edited, the add line,
        or under the lines ("Line 2: …")."""
        method = self.payment_field_for(error)
        if method is not None:
            if method == "payments":
                self.show_message(error.message, "#lines-error")
                return
            self.query_one(PaymentPanel).field(method).show_error(error.message)
            return
        name = error.field or ""
        if target == "prompt" and self.query_one("#prompt").display:
            self.show_message(error.message, "#prompt-error")
            return
        if target == "add":
            self.show_message(error.message, "#add-error")
            return
        message = error.message
        if name.startswith("line") and "." in name:
            index = name[4:].split(".", 1)[0]
            if index.isdigit():
                message = _("Line {n}: {message}").format(n=int(index) + 1, message=message)
                self.query_one("#lines", DeskTable).select_key(index)
        self.show_message(message, "#lines-error")

    def errors(self) -> dict[str, str]:
        """Messages now shown, by where ("add", "prompt", "lines", a payment method): for
        tests."""
        shown = {}
        for key in ("add", "prompt", "lines"):
            label = self.query_one(f"#{key}-error", Label)
            if label.has_class("-shown"):
                shown[key] = str(label.content)[2:]
        for field in self.query_one(PaymentPanel).fields():
            if field.error_text:
                shown[field.method] = field.error_text[2:]
        return {key: text.replace("\xa0", " ") for key, text in shown.items()}

    # -- adding lines ---------------------------------------------------------------
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

    def complete(self, text: str) -> None:
        query = text.strip()
        self.completion_moved = False
        if not query:
            self.completions = []
            self.completion_query = ""
            self.query_one("#completions", DeskTable).display = False
            self.call_store("complete", lambda session: None)  # drops answers on their way
            return

        def find(session):
            from salontui.store.catalog import find_items

            return query, find_items(session, query=query, limit=COMPLETIONS)

        self.call_store("complete", find)

    def show_completions(self, value) -> None:
        table = self.query_one("#completions", DeskTable)
        if value is None:
            return
        query, rows = value
        if query != self.query_one("#add", DeskInput).value.strip():
            return
        self.completions = rows
        self.completion_query = query
        fmt = self.app.formatter
        kinds = {"service": _("service"), "product": _("product"), "package": _("package")}
        table.set_rows(((r.id, [r.code, r.name, kinds.get(r.kind, r.kind),
                                 cached.money(fmt, r.price)]) for r in rows), keep_cursor=False)
        table.styles.height = min(len(rows), COMPLETIONS) + 1
        table.display = bool(rows)

    def hide_completions(self) -> None:
        self.completions = []
        self.completion_query = ""
        self.query_one("#completions", DeskTable).display = False

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        box = event.input
        if box.id == "prompt-input" and self.prompt_apply is not None:
            self.prompt_apply(event.value)

    def on_pay_input_confirm(self, event: PayInput.Confirm) -> None:
        event.stop()
        self.action_confirm()

    def on_add_input_add(self, event: AddInput.Add) -> None:
        event.stop()
        self.submit_add(event.text)

    def submit_add(self, text: str) -> None:
        query = text.strip()
        box = self.query_one("#add", DeskInput)
        if not query:
            if self.cart.lines or self.edits:
                self.query_one(PaymentPanel).field("cash").control.focus()
            return
        item_id = None
        table = self.query_one("#completions", DeskTable)
        if self.completion_moved and self.completion_query == query and table.current_key:
            item_id = int(table.current_key)
        self.hide_completions()

        def restore_text() -> None:
            if not box.value:
                box.value = text
                box.cursor_position = len(text)

        self.edit(self.add_item_op(query, item_id), target="add",
                  then=self.select_last_line, on_error=restore_text)

    def add_item_op(self, query: str, item_id: int | None):
        """Add the item with ``item_id``, or the one the code or name finds first; a product
        already on the cart (as sold: price and discount untouched) gets one more instead."""

        def op(session, cart):
            from salontui.store.cart import CartLine
            from salontui.store.catalog import find_items, get_item
            from salontui.store.errors import NotFound

            if item_id is not None:
                item = get_item(session, item_id=item_id)
            else:
                try:
                    item = get_item(session, code=query)
                except NotFound:
                    found = find_items(session, query=query, limit=1)
                    if not found:
                        raise NotFound(_("Unknown code or name '{text}'.").format(text=query),
                                       field="code") from None
                    item = found[0]
            if item.kind == "product":
                for line in cart.lines:
                    if (line.kind == "product" and line.item_id == item.id and line.picked_up
                            and line.unit_price is None and not line.discount):
                        line.quantity += 1
                        return cart
            cart.lines.append(CartLine(kind=item.kind, item_id=item.id))
            return cart

        return op

    def select_last_line(self) -> None:
        table = self.query_one("#lines", DeskTable)
        if table.row_count:
            table.move_cursor(row=table.row_count - 1)

    # -- the selected line ----------------------------------------------------------
    def selected_index(self) -> int | None:
        key = self.query_one("#lines", DeskTable).current_key
        if key is None or self.quote is None:
            return None
        index = int(key)
        return index if index < len(self.cart.lines) else None

    def selected_line(self):
        index = self.selected_index()
        if index is None:
            self.show_message(_("Add a line first."), "#lines-error")
            return None, None
        return index, self.quote.lines[index]

    def line_op(self, index: int, change: Callable[[Any], None]):
        def op(session, cart):
            if index >= len(cart.lines):
                raise ValidationError(_("That line is gone."), field="lines")
            change(cart.lines[index])
            return cart

        return op

    def open_prompt(self, label: str, value: str, apply: Callable[[str], None], *,
                    limit: int = AMOUNT_CHARS) -> None:
        self.clear_store_errors()
        self.prompt_apply = apply
        # "Quantity of line 1: 2", not "Quantity of line 1 2".
        self.query_one("#prompt-label", Label).update(Content(f"{label}:"))
        box = self.query_one("#prompt-input", BoundedInput)
        box.max_length = limit
        box.value = value
        self.query_one("#prompt").display = True
        self.query_one("#prompt-error", Label).remove_class("-shown")
        box.focus()
        box.select_all()

    def close_prompt(self, *, refocus: bool = True) -> None:
        self.prompt_apply = None
        self.query_one("#prompt").display = False
        self.query_one("#prompt-error", Label).remove_class("-shown")
        if refocus:
            self.query_one("#add", DeskInput).focus()

    def prompt_error(self, error: SalonError) -> None:
        self.show_message(error.message, "#prompt-error")

    @before_paying
    def action_set_quantity(self) -> None:
        index, line = self.selected_line()
        if line is None:
            return

        def apply(text: str) -> None:
            try:
                quantity = parse_whole(text, field=f"line{index}.quantity")
            except SalonError as error:
                self.prompt_error(error)
                return

            def change(cart_line):
                cart_line.quantity = quantity

            self.edit(self.line_op(index, change), target="prompt", then=self.close_prompt)

        self.open_prompt(_("Quantity of line {n}").format(n=index + 1), str(line.quantity),
                         apply, limit=QUANTITY_CHARS)

    @before_paying
    def action_set_price(self) -> None:
        index, line = self.selected_line()
        if line is None:
            return
        if line.kind == "redeem":
            self.show_message(_("A package session has no price: its value comes from the "
                                "package."), "#lines-error")
            return
        fmt = self.app.formatter

        def apply(text: str) -> None:
            try:
                price = parse_typed_amount(fmt, text, field=f"line{index}.price",
                                           allow_zero=True, allow_negative=True)
            except SalonError as error:
                self.prompt_error(error)
                return

            def change(cart_line):
                cart_line.unit_price = price

            self.edit(self.line_op(index, change), target="prompt", then=self.close_prompt)

        label = _("Amount of line {n}") if line.kind in ("topup", "repay") else \
            _("Unit price of line {n}")
        self.open_prompt(label.format(n=index + 1), plain_amount(line.unit_price, fmt.exponent),
                         apply)

    def parse_discount(self, text: str, base: int, *, field: str) -> int:
        """An amount, or a percentage of ``base`` ("10%")."""
        raw = check_length(text, field=field, limit=PERCENT_CHARS)
        if raw.endswith("%"):
            percent = parse_whole(raw[:-1], field=field)
            if not 0 <= percent <= 100:
                raise ValidationError(_("A percentage is 0 to 100."), field=field)
            return base * percent // 100
        if not raw:
            return 0
        return parse_typed_amount(self.app.formatter, raw, field=field, allow_zero=True,
                                  allow_negative=True)

    @before_paying
    def action_set_discount(self) -> None:
        index, line = self.selected_line()
        if line is None:
            return
        fmt = self.app.formatter
        gross = line.quantity * line.unit_price

        def apply(text: str) -> None:
            try:
                discount = self.parse_discount(text, gross, field=f"line{index}.discount")
            except SalonError as error:
                self.prompt_error(error)
                return

            def change(cart_line):
                cart_line.discount = discount

            self.edit(self.line_op(index, change), target="prompt", then=self.close_prompt)

        self.open_prompt(_("Discount of line {n} (amount or %)").format(n=index + 1),
                         plain_amount(line.discount, fmt.exponent) if line.discount else "",
                         apply, limit=PERCENT_CHARS)

    @before_paying
    def action_invoice_discount(self) -> None:
        if not self.cart.lines:
            self.show_message(_("Add a line first."), "#lines-error")
            return
        fmt = self.app.formatter
        sales = sum(p.amount for p in self.quote.lines
                    if p.kind in ("service", "product", "package"))

        def apply(text: str) -> None:
            try:
                discount = self.parse_discount(text, sales, field="discount")
            except SalonError as error:
                self.prompt_error(error)
                return

            def op(session, cart):
                cart.discount = discount
                return cart

            self.edit(op, target="prompt", then=self.close_prompt)

        current = plain_amount(self.cart.discount, fmt.exponent) if self.cart.discount else ""
        self.open_prompt(_("Invoice discount (amount or %)"), current, apply,
                         limit=PERCENT_CHARS)

    @before_paying
    def action_choose_staff(self) -> None:
        index, line = self.selected_line()
        if line is None:
            return
        self.pick_staff(_("Who did line {n}?").format(n=index + 1), line.staff_id,
                        lambda staff_id: self.set_line_staff(index, staff_id))

    def pick_staff(self, title: str, current: int | None, then: Callable[[int], None]) -> None:
        if not self.staff:
            self.show_message(_("No staff to choose from: add staff first."), "#lines-error")
            return
        roles = {"technician": _("technician"), "owner": _("owner"), "manager": _("manager"),
                 "receptionist": _("receptionist")}
        choices = [Choice(str(m.id), f"{m.name} ({roles.get(m.role, m.role)})")
                   for m in self.staff]
        wanted = current  # the line's own technician, else the first: never the last chosen

        def answer(key) -> None:
            if key is not None:
                self.last_staff_id = int(key)
                then(int(key))

        self.app.push_screen(PickerDialog(title, choices, current=str(wanted) if wanted else None),
                             callback=answer)

    def set_line_staff(self, index: int, staff_id: int) -> None:
        def change(cart_line):
            cart_line.staff_id = staff_id

        self.edit(self.line_op(index, change))

    @before_paying
    def action_toggle_picked_up(self) -> None:
        index, line = self.selected_line()
        if line is None:
            return
        if line.kind != "product":
            self.show_message(_("Only a product can be kept at the salon for later."),
                              "#lines-error")
            return

        def change(cart_line):
            cart_line.picked_up = not cart_line.picked_up

        self.edit(self.line_op(index, change))

    @before_paying
    def action_remove_line(self) -> None:
        index, line = self.selected_line()
        if line is None:
            return

        def op(session, cart):
            if index < len(cart.lines):
                del cart.lines[index]
            return cart

        self.edit(op)

    @before_paying
    def action_move(self, step: int) -> None:
        focused = self.focused
        if isinstance(focused, PayInput):
            fields = [m for m, _l, _k in PAYMENT_METHODS]
            index = fields.index(focused.method) + (1 if step > 0 else -1)
            if 0 <= index < len(fields):
                self.query_one(PaymentPanel).field(fields[index]).control.focus()
            return
        completions = self.query_one("#completions", DeskTable)
        if completions.display and self.completions:
            completions.move_cursor(row=completions.cursor_row + step)
            self.completion_moved = True
            return
        table = self.query_one("#lines", DeskTable)
        if table.row_count:
            table.move_cursor(row=max(0, min(table.row_count - 1, table.cursor_row + step)))

    # -- customer-bound lines -------------------------------------------------------
    def need_customer(self) -> bool:
        if self.cart.customer_id is None:
            self.show_message(_("Choose the customer first (F3): a walk-in has no packages, "
                                "cards, points or debt."), "#lines-error")
            return False
        if self.info is None or self.info.summary.id != self.cart.customer_id:
            self.show_message(_("The customer is still loading; try again in a moment."),
                              "#lines-error")
            return False
        return True

    @before_paying
    def action_redeem(self) -> None:
        if not self.need_customer():
            return
        from salontui.screens.dialogs.packages_common import status_label

        fmt = self.app.formatter
        packages = self.info.packages
        if not packages:
            self.show_message(_("This customer has no packages."), "#lines-error")
            return
        in_cart = {}
        for line in self.cart.lines:
            if line.kind == "redeem":
                in_cart[line.package_id] = in_cart.get(line.package_id, 0) + 1
        choices = []
        for p in packages:
            if p.status == "in_use":
                left = p.remaining if p.remaining is None else p.remaining - in_cart.get(p.id, 0)
                text = (_("{name} · time card to {date}") if left is None else
                        _("{name} · {left} left · to {date}")).format(
                    name=p.name, left=left, date=fmt.date(p.expires_on))
                choices.append(Choice(str(p.id), text, enabled=left is None or left > 0))
            else:
                why = status_label(p.status)
                if p.status == "reserved" and p.frozen_until:
                    why = _("reserved until {date}").format(date=fmt.date(p.frozen_until))
                elif p.status == "expired":
                    why = _("expired {date}").format(date=fmt.date(p.expires_on))
                choices.append(Choice(str(p.id), f"{p.name} · {why} ▲", enabled=False))

        def chosen(key) -> None:
            if key is None:
                return
            package = next(p for p in packages if str(p.id) == key)
            self.pick_staff(_("Who did the session of {name}?").format(name=package.name),
                            None, lambda staff_id: self.add_redemption(package, staff_id))

        self.app.push_screen(PickerDialog(
            _("Redeem a session"), choices,
            hint=_("Only packages in use can be redeemed · Enter takes · Esc cancels")),
            callback=chosen)

    def add_redemption(self, package, staff_id: int) -> None:
        def op(session, cart):
            from salontui.store.cart import CartLine

            cart.lines.append(CartLine(kind="redeem", package_id=package.id,
                                       description=package.name, staff_id=staff_id))
            return cart

        self.edit(op, then=self.select_last_line)

    @before_paying
    def action_top_up(self) -> None:
        if not self.need_customer():
            return
        from salontui.screens.checkout_dialogs import TopUpDialog

        cards = [c.name for c in self.info.summary.cards]

        def answer(top) -> None:
            if top is None:
                return

            def op(session, cart):
                from salontui.store.cart import CartLine

                cart.lines.append(CartLine(kind="topup", card_name=top.card_name,
                                           unit_price=top.paid, credit=top.credit))
                return cart

            self.edit(op, then=self.select_last_line)

        self.app.push_screen(TopUpDialog(cards), callback=answer)

    @before_paying
    def action_repay_debt(self) -> None:
        if not self.need_customer():
            return
        from salontui.screens.checkout_dialogs import RepayDialog

        debt = self.info.summary.debt
        if debt <= 0:
            self.show_message(_("This customer owes nothing."), "#lines-error")
            return
        self.app.push_screen(RepayDialog(debt), callback=self.add_repayment)

    def add_repayment(self, amount: int | None) -> None:
        if amount is None:
            return

        def op(session, cart):
            from salontui.store.cart import CartLine

            cart.lines.append(CartLine(kind="repay", unit_price=amount))
            return cart

        self.edit(op, then=self.select_last_line)

    def preset_repayment(self) -> None:
        self.repay_preset = True
        debt = self.info.summary.debt
        if debt <= 0:
            self.show_message(_("This customer owes nothing."), "#lines-error")
            return
        if not any(line.kind == "repay" for line in self.cart.lines):
            self.add_repayment(debt)
        self.query_one(PaymentPanel).field("cash").control.focus()

    def usable_promotions(self) -> list:
        if self.info is None:
            return []
        from salontui.store import clock

        today = clock.today()
        return [p for p in self.info.promotions
                if p.used_on is None and (p.expires_on is None or p.expires_on >= today)]

    def promotion_code(self) -> str:
        if self.info is None:
            return ""
        return next((p.code for p in self.info.promotions if p.id == self.cart.promotion_id),
                    "")

    @before_paying
    def action_apply_promotion(self) -> None:
        if not self.need_customer():
            return
        fmt = self.app.formatter
        usable = {p.id for p in self.usable_promotions()}
        choices = [Choice("none", _("No promotion"))]
        for p in self.info.promotions:
            text = f"{p.code} · {p.program_name}" + (f": {p.detail}" if p.detail else "")
            if p.used_on is not None:
                text += " · " + _("used {date}").format(date=fmt.date(p.used_on)) + " ▲"
            elif p.id not in usable:
                text += " · " + _("expired {date}").format(date=fmt.date(p.expires_on)) + " ▲"
            choices.append(Choice(str(p.id), text, enabled=p.id in usable))
        if len(choices) == 1:
            self.show_message(_("No promotion was given to this customer."), "#lines-error")
            return

        def answer(key) -> None:
            if key is None:
                return
            promotion_id = None if key == "none" else int(key)

            def op(session, cart):
                cart.promotion_id = promotion_id
                return cart

            self.edit(op)

        current = str(self.cart.promotion_id) if self.cart.promotion_id else "none"
        self.app.push_screen(PickerDialog(_("Apply promotion"), choices, current=current),
                             callback=answer)

    # -- customer -------------------------------------------------------------------
    @before_paying
    def action_change_customer(self) -> None:
        from salontui.screens.checkout_dialogs import WALK_IN, CustomerPickerDialog

        def answer(choice) -> None:
            if choice is None:
                return
            customer_id = None if choice == WALK_IN else int(choice)
            if customer_id == self.cart.customer_id:
                return
            self.set_customer(customer_id)

        self.app.push_screen(CustomerPickerDialog(), callback=answer)

    def set_customer(self, customer_id: int | None) -> None:
        """Another customer: their own lines (sessions, top-ups, repayments), promotion,
        appointment and card/points/account payments belong to the one before and go."""
        dropped = sum(1 for line in self.cart.lines if line.kind in ("redeem", "topup", "repay"))

        def op(session, cart):
            cart.customer_id = customer_id
            cart.lines = [line for line in cart.lines
                          if line.kind not in ("redeem", "topup", "repay")]
            cart.promotion_id = None
            cart.appointment_id = None
            return cart

        for method in ("value", "points", "account"):
            self.set_amount_text(method, "")
        self.value_card_id = None
        self.info = None

        def loaded() -> None:
            self.load_customer()
            self.show_strip()
            if dropped:
                self.app.notify(ngettext(
                    "{n} line of the previous customer was removed.",
                    "{n} lines of the previous customer were removed.", dropped).format(
                    n=dropped), timeout=5)

        self.edit(op, then=loaded)

    # -- payments -------------------------------------------------------------------
    @property
    def point_value(self) -> int:
        settings = getattr(self.app, "settings", None)
        return getattr(settings, "point_value", 0) or 0

    def value_card(self):
        if self.info is None or not self.info.summary.cards:
            return None
        cards = self.info.summary.cards
        return next((c for c in cards if c.card_id == self.value_card_id), cards[0])

    def payment_changed(self, method: str, text: str) -> None:
        if self.result is not None:
            return
        field = self.query_one(PaymentPanel).field(method)
        fmt = self.app.formatter
        self.typed[method] = text
        self.refused_pastes.discard(method)
        try:
            if method == "points":
                amount = parse_points(text)
            else:
                amount = parse_typed_amount(fmt, text, field=method, allow_zero=True) \
                    if text.strip() else 0
        except SalonError as error:
            field.show_error(error.message)
            self.bad_amounts.add(method)
            self.show_due()
            return
        self.amounts[method] = amount
        why = self.payment_refusal(method, amount)
        if why:  # typed right, but it cannot be paid so: said here, not first at F10
            field.show_error(why)
            self.bad_amounts.add(method)
            self.show_due()
        else:
            self.bad_amounts.discard(method)
            field.clear_error()
        if method == "points":
            self.show_payment_hints()
        self.requote()

    def recheck_payments(self) -> None:
        """The customer (or the card paid from) changed: read what they may pay with again."""
        panel = self.query_one(PaymentPanel)
        for method in CUSTOMER_METHODS:
            if method not in self.refused_pastes:
                self.payment_changed(method, panel.field(method).value)

    def sync_amounts(self) -> None:
        """Read the payment fields again: a change whose message is still on its way is
        taken now (and priced before confirming)."""
        for field in self.query_one(PaymentPanel).fields():
            method = field.method
            text = field.value
            if method in self.refused_pastes:
                continue  # its message stays until the field is typed in again
            if self.typed.get(method, "") != text:  # (the same text reads the same)
                self.payment_changed(method, text)

    def current_payments(self) -> list:
        from salontui.store.cart import CartPayment

        payments = []
        for method, _label, _key in PAYMENT_METHODS:
            amount = self.amounts.get(method, 0)
            if amount <= 0:
                continue
            if method == "points":
                payments.append(CartPayment("points", amount * self.point_value))
            elif method == "value":
                card = self.value_card()
                payments.append(CartPayment("value", amount,
                                            card_id=card.card_id if card else None))
            else:
                payments.append(CartPayment(method, amount))
        return payments

    def set_amount_text(self, method: str, text: str) -> None:
        box = self.query_one(PaymentPanel).field(method).control
        box.value = text
        box.cursor_position = len(text)

    def walk_in_refusal(self, method: str) -> None:
        """A walk-in asked to pay from a card, points or on account: say at once that it
        cannot be, at that field (nothing is offered as if it would work)."""
        field = self.query_one(PaymentPanel).field(method)
        field.show_error(self.payment_refusal(method, 1) or "")
        field.control.focus()
        self.show_due()

    @before_paying
    def action_pay(self, method: str) -> None:
        field = self.query_one(PaymentPanel).field(method)
        if method in CUSTOMER_METHODS and self.cart.customer_id is None:
            self.pay_focus = method
            self.walk_in_refusal(method)
            return
        if method == "value" and self.focused is field.control and self.info is not None:
            self.action_next_card()  # Alt+V again: the next card, as Alt+N
            return
        self.pay_focus = method  # F9 right behind this key fills this field
        field.control.focus()

    @before_paying
    def action_next_card(self) -> None:
        """Pay from the customer's next stored-value card (Alt+N; Alt+V in the field too)."""
        if self.cart.customer_id is None:
            self.walk_in_refusal("value")
            return
        cards = self.info.summary.cards if self.info is not None else []
        if len(cards) < 2:
            self.show_message(_("This customer has only one stored-value card.") if cards else
                              _("This customer has no stored-value card."), "#lines-error")
            return
        current = self.value_card()
        index = next(i for i, c in enumerate(cards) if c.card_id == current.card_id)
        self.value_card_id = cards[(index + 1) % len(cards)].card_id
        self.show_payment_hints()
        self.payment_changed("value", self.query_one(PaymentPanel).field("value").value)
        self.query_one(PaymentPanel).field("value").control.focus()

    def on_descendant_focus(self, event) -> None:
        self.pay_focus = None
        # Gone elsewhere (a payment key, a click) while a line was being edited: drop the edit.
        if self.prompt_apply is not None and getattr(event, "widget", None) is not \
                self.query_one("#prompt-input"):
            self.close_prompt(refocus=False)

    def on_pay_input_jump(self, event: PayInput.Jump) -> None:
        event.stop()
        method = METHOD_KEYS.get(event.letter)
        if method is not None:
            self.action_pay(method)

    @before_paying
    def action_fill_remainder(self) -> None:
        """Put what is still to pay into the focused payment field (cash if none is)."""
        focused = self.focused
        method = self.pay_focus or (focused.method if isinstance(focused, PayInput) else "cash")
        if self.quote is None or not self.cart.lines:
            self.show_message(_("Add a line first."), "#lines-error")
            return
        if method in CUSTOMER_METHODS and self.cart.customer_id is None:
            self.walk_in_refusal(method)
            return
        payments = self.current_payments()
        others = sum(p.amount for p in payments if p.method != method)
        remainder = max(0, self.quote.total - others)
        fmt = self.app.formatter
        if method == "points":
            if self.point_value <= 0 or self.info is None:
                return
            points = min(remainder // self.point_value, max(0, self.info.summary.points))
            self.set_amount_text(method, str(points) if points else "")
        else:
            if method == "value":
                card = self.value_card()
                remainder = min(remainder, max(0, card.balance)) if card else 0
            self.set_amount_text(method, plain_amount(remainder, fmt.exponent)
                                 if remainder else "")
        self.query_one(PaymentPanel).field(method).control.focus()

    # -- confirm --------------------------------------------------------------------
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
        key = self.idempotency_key
        staff_id = self.app.staff_id
        draft_id = self.draft_id
        settings = getattr(self.app, "settings", None)  # the receipt's header and footer

        def job(session):
            from salontui.store.checkout import checkout
            from salontui.store.drafts import delete_draft
            from salontui.store.errors import NotFound, RuleViolation
            from salontui.store.invoices import get_invoice
            from salontui.store.settings import get_settings

            gone = False
            if draft_id is not None:  # a held cart: paid once, by whichever desk is first
                try:
                    delete_draft(session, staff_id=staff_id, draft_id=draft_id)
                except NotFound:
                    gone = True
            result = checkout(session, staff_id=staff_id, cart=cart, idempotency_key=key)
            if gone and not result.replayed:
                # Rolls the whole transaction back: no invoice, no number used.
                raise RuleViolation(_("This held checkout was paid or cancelled at another "
                                      "desk: nothing was charged here."), field="draft")
            return result, get_invoice(session, invoice_id=result.invoice_id), \
                settings or get_settings(session)

        self.call_store("confirm", job, write=True)

    def refuse(self, verdict: Verdict) -> None:
        """F10 refused: say why where it belongs (at the payment field, or under the lines)
        and in a notification, so it is never a silent key."""
        if verdict.field in PAYMENT_FIELD_NAMES and verdict.field != "payments":
            field = self.query_one(PaymentPanel).field(verdict.field)
            if not field.error_text:
                field.show_error(verdict.reason)
            field.control.focus()
        else:
            self.show_message(verdict.reason, "#lines-error")
        self.app.notify(verdict.reason, title=_("Not paid"), severity="warning", timeout=5)

    def confirmed(self, value) -> None:
        """Paid: the receipt takes the cart's place (one frame; no new screen to build)."""
        result, invoice, settings = value
        self.result = result
        self.busy = False
        fmt = self.app.formatter
        title = _("PAID · invoice {code} · total {total}").format(
            code=result.code, total=fmt.money(result.total))
        if result.change:
            title += " · " + _("CHANGE TO GIVE {amount}").format(amount=fmt.money(result.change))
        keys = _("Enter: done · w: 32/48 columns · t: save text · p: save PDF")
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
        if hasattr(self.app, "data_version"):  # lists elsewhere read again, not before
            self.app.data_version += 1
        self.dismiss(self.result)

    # -- hold, resume, cancel -------------------------------------------------------
    @before_paying
    def action_hold(self) -> None:
        if self.busy:
            return
        if not self.cart.lines:
            self.show_message(_("There is nothing to hold: the cart is empty."), "#lines-error")
            return
        cart = copy_cart(self.cart)
        cart.payments = self.current_payments()
        first = self.quote.lines[0].description if self.quote and self.quote.lines else ""
        label = first + (f" +{len(cart.lines) - 1}" if len(cart.lines) > 1 else "")
        staff_id, draft_id = self.app.staff_id, self.draft_id

        def job(session):
            from salontui.store.drafts import park_cart
            from salontui.store.errors import NotFound

            try:
                return park_cart(session, staff_id=staff_id, cart=cart, label=label,
                                 draft_id=draft_id)
            except NotFound:  # the held copy went meanwhile (another desk): hold anew
                return park_cart(session, staff_id=staff_id, cart=cart, label=label)

        self.call_store("hold", job, write=True)

    @before_paying
    def action_resume(self) -> None:
        from salontui.screens.dialogs.held_checkouts import HeldCheckoutsDialog

        if self.cart.lines:
            self.show_message(_("Hold (F11) or finish this checkout before resuming another."),
                              "#lines-error")
            return

        def answer(draft_id) -> None:
            if draft_id is not None:
                self.draft_id = draft_id
                self.load_draft(draft_id)

        self.app.push_screen(HeldCheckoutsDialog(), callback=answer)

    def resume_cart(self, cart) -> None:
        """Put a held cart on the screen: its lines, customer and payments."""
        payments = list(cart.payments)
        cart.payments = []
        for method, _label, _key in PAYMENT_METHODS:
            self.amounts[method] = 0
        fmt = self.app.formatter
        texts: dict[str, int] = {}
        for p in payments:
            if p.method == "points":
                texts["points"] = texts.get("points", 0) + (p.amount // self.point_value
                                                            if self.point_value else 0)
            else:
                texts[p.method] = texts.get(p.method, 0) + p.amount
            if p.method == "value":
                self.value_card_id = p.card_id
        self.cart = cart
        self.quote = None
        for method, _label, _key in PAYMENT_METHODS:
            amount = texts.get(method, 0)
            if method == "points":
                text = str(amount) if amount else ""
            else:
                text = plain_amount(amount, fmt.exponent) if amount else ""
            self.set_amount_text(method, text)
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
        staff_id, draft_id = self.app.staff_id, self.draft_id

        def answer(yes) -> None:
            if not yes:
                return

            def job(session):
                from salontui.store.drafts import delete_draft

                return delete_draft(session, staff_id=staff_id, draft_id=draft_id)

            self.call_store("cancel_draft", job, write=True)

        self.app.push_screen(ConfirmDialog(
            _("Cancel this held checkout? It is deleted; nothing was paid."),
            title=_("Cancel checkout"), confirm_label=_("Cancel it")), callback=answer)

    def leave(self, *, ask: bool) -> None:
        from salontui.screens.dialogs.confirm import ConfirmDialog

        if not ask or not self.cart.lines:
            self.dismiss(None)
            return
        text = ngettext("Leave this checkout? Its {n} line is not kept (F11 holds it instead).",
                        "Leave this checkout? Its {n} lines are not kept (F11 holds it "
                        "instead).", len(self.cart.lines)).format(n=len(self.cart.lines))
        if self.draft_id is not None:
            text = _("Leave this checkout? The held copy stays as it was.")

        def answer(yes) -> None:
            if yes:
                self.dismiss(None)

        self.app.push_screen(ConfirmDialog(text, title=_("Leave checkout"),
                                           confirm_label=_("Leave"),
                                           cancel_label=_("Stay in the checkout")),
                             callback=answer)

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

    def action_day_close(self) -> None:
        from salontui.screens.day_close import DayCloseScreen

        self.app.push_screen(DayCloseScreen())

    # -- keys -----------------------------------------------------------------------
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
            (_("Set quantity"), _("Of the selected line (F5)"), self.action_set_quantity),
            (_("Set price"), _("Unit price of the selected line (F6)"), self.action_set_price),
            (_("Set discount"), _("Of the selected line, amount or % (F7)"),
             self.action_set_discount),
            (_("Set invoice discount"), _("Off the whole invoice, amount or % (Alt+I)"),
             self.action_invoice_discount),
            (_("Choose staff"), _("Who did the selected line (F8)"), self.action_choose_staff),
            (_("Redeem session"), _("One session of a package in use (F4)"),
             self.action_redeem),
            (_("Top up card"), _("Stored value: pay now, credit maybe more (Alt+U)"),
             self.action_top_up),
            (_("Repay debt"), _("Part or all of what the customer owes (Alt+D)"),
             self.action_repay_debt),
            (_("Apply promotion"), _("One given to this customer (Alt+O)"),
             self.action_apply_promotion),
            (_("Toggle not yet picked up"), _("A product left at the salon (Alt+L)"),
             self.action_toggle_picked_up),
            (_("Remove line"), _("The selected line (Alt+X or Delete)"),
             self.action_remove_line),
            (_("Change customer"), _("Or make it a walk-in (F3)"), self.action_change_customer),
        ]
        for method, _label, key in PAYMENT_METHODS:
            entries.append((_(METHOD_COMMANDS[method]),
                            _("{method} field (Alt+{key})").format(
                                method=method_label(method), key=key.upper()),
                            lambda m=method: self.action_pay(m)))
        entries += [
            (_("Next stored-value card"), _("Pay from the customer's next card (Alt+N)"),
             self.action_next_card),
            (_("Fill remainder"), _("What is still due, into the payment field (F9)"),
             self.action_fill_remainder),
            (_("Confirm payment"), _("Write the invoice and show the receipt (F10)"),
             self.action_confirm),
            (_("Hold checkout"), _("Park it; resume it later (F11 or Alt+H)"),
             self.action_hold),
            (_("Resume held checkout"), _("A checkout held earlier (F12 or Alt+R)"),
             self.action_resume),
            (_("Cancel checkout"), _("Leave it; a held one is deleted (Alt+Q)"),
             self.action_cancel_checkout),
            (_("Day close"), _("Today's takings, refunds, debt and sessions (Alt+Y)"),
             self.action_day_close),
        ]
        return entries

    def help_extra(self):
        return [
            (_("Enter"), _("Add the top match (Add field); confirm (payment field)")),
            (_("Up/Down"), _("Choose a completion, a line, or a payment field")),
            (_("c k t e v p a w"), _("In the payment panel: jump to that method")),
            ("ctrl+p", _("All commands by name")),
        ]
