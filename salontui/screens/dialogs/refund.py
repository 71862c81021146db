"""RefundDialog: refund a paid invoice, wholly or chosen lines, to chosen methods.

Every line not refunded yet is ticked (Space ticks or unticks the highlighted
line, ``a`` all or none). The amounts per method start as the store's default,
back the way the invoice was paid (debt first, then stored value and points,
cash last), and follow the ticks; any of them can be typed over (cash is always
offered). A reason is required. Enter confirms: the refund is its own numbered
document (``refunds.refund_invoice``, idempotent: one key per dialog), it
restores sessions, cards, points and debt, and its receipt is shown; once the
receipt is closed the dialog answers the refund's CheckoutResult (None if
cancelled).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, NamedTuple

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from salontui.i18n import _, ngettext
from salontui.keymap import key_of
from salontui.screens.checkout.common import label_of, parse_typed_amount, plain_amount
from salontui.screens.dialogs.base import FormDialog
from salontui.screens.dialogs.labels import stored_label
from salontui.store.errors import SalonError, ValidationError
from salontui.store.kinds import LINE_KIND_LABELS
from salontui.store.names import card_label
from salontui.store.text import cell_width
from salontui.widgets.inputs import DeskInput, Field
from salontui.widgets.tables import Cell, Col, DeskTable

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.store.cart import CartPayment
    from salontui.store.checkout import CheckoutResult
    from salontui.store.invoices import InvoiceDetail
    from salontui.store.refunds import RefundableLine
    from salontui.store.settings import Settings

LABEL_WIDTH = 16  # a Field's label column


class Refundable(NamedTuple):
    """What the dialog reads first: the invoice, its lines not refunded yet, the settings
    and the store's default refund (back the way it was paid)."""

    detail: InvoiceDetail
    lines: list[RefundableLine]
    settings: Settings
    available: list[CartPayment]
    # The salon's payment methods' names by code (a method renamed reads its new name), and
    # the active cash method money may always go back by (None: none in the list).
    labels: dict[str, str] | None = None
    cash: str | None = "cash"


def no_payments(session: Session) -> list[CartPayment]:
    """Nothing ticked: no refund payments (a call that answers the newest ticks)."""
    return []


class RefundDialog(FormDialog):
    """Tick lines, check the methods, give the reason, Enter."""

    DEFAULT_CSS = """
    RefundDialog #refund-lines { height: 2; }
    RefundDialog #refund-amount { text-style: bold; margin-bottom: 1; }
    RefundDialog #refund-payments { height: auto; }
    RefundDialog .field-label, RefundDialog .field-hint { text-wrap: nowrap;
                                                          text-overflow: ellipsis; }
    """

    BINDINGS = [
        Binding("space", "tick", _("Tick line"),
                id="refund.tick", tooltip=_("Tick or untick the line")),
        Binding("a", "toggle_all", _("All/none"),
                id="refund.all", tooltip=_("Tick all lines or none")),
    ]

    def __init__(self, invoice_id: int, *, show_receipt: bool = True) -> None:
        super().__init__()
        self.invoice_id = invoice_id
        self.show_receipt = show_receipt
        self.idempotency_key = uuid.uuid4().hex
        self.title_text = _("Refund invoice")
        self.confirm_label = _("Refund")
        self.invoice: InvoiceDetail | None = None
        self.lines: list[RefundableLine] = []
        self.ticked: set[int] = set()
        self.methods: list[tuple[str, int | None]] = []
        self.labels: dict[str, str] = {}
        self.settings: Settings | None = None

    def compose_body(self) -> ComposeResult:
        yield Static(_("Loading…"), id="refund-head")
        yield DeskTable([
            Col("tick", "", 3),
            Col("item", _("Line"), None, min_width=12),
            Col("kind", _("Kind"), 8),
            Col("amount", _("Pays back"), 13, justify="right"),
        ], id="refund-lines")
        yield Static("", id="refund-amount")
        yield Vertical(id="refund-payments")
        yield Field(_("Reason"), DeskInput(id="reason", placeholder=_("why the refund")),
                    key="reason", required=True)

    def on_mount(self) -> None:
        self.query_one("#refund-lines", DeskTable).focus()
        invoice_id = self.invoice_id

        def read(session: Session) -> Refundable:
            from salontui.store.admin.methods import list_methods
            from salontui.store.invoices import get_invoice
            from salontui.store.refunds import default_refund_payments, refundable_lines
            from salontui.store.settings import get_settings

            methods = list_methods(session)
            cash = next((m.code for m in methods if m.active and m.kind == "cash"), None)
            labels = {m.code: m.label for m in methods}
            detail = get_invoice(session, invoice_id=invoice_id)
            lines = refundable_lines(session, invoice_id=invoice_id)
            settings = get_settings(session)
            total = sum(line.amount for line in lines)
            available: list[CartPayment] = []
            if total > 0:
                try:
                    available = default_refund_payments(session, invoice_id=invoice_id,
                                                        amount=total,
                                                        point_value=settings.point_value)
                except SalonError:
                    available = []
            return Refundable(detail, lines, settings, available, labels, cash)

        self.ask(read, self.loaded, failed=self.load_failed)

    def focus_first(self) -> None:
        pass

    # -- answers --------------------------------------------------------------------
    def load_failed(self, error: SalonError) -> None:
        self.query_one("#refund-head", Static).update(Content(f"▲ {error.message}"))

    def saved(self, value: tuple[CheckoutResult, InvoiceDetail, Settings]) -> None:
        """The refund is written: its receipt, then the dialog answers the refund."""
        self.busy = False
        result, detail, settings = value
        desk = self.desk
        if hasattr(desk, "data_version"):
            desk.data_version += 1
        if not self.show_receipt:
            self.dismiss(result)
            return
        from salontui.screens.dialogs.receipt import ReceiptDialog

        def closed(_answer: object) -> None:  # the refund's receipt read: answer the caller
            self.dismiss(result)

        self.app.push_screen(ReceiptDialog(detail, settings), callback=closed)

    def loaded(self, found: Refundable) -> None:
        detail, lines, settings, available, labels, cash = found
        self.labels = labels or {}
        fmt = self.desk.formatter
        self.invoice, self.lines, self.settings = detail, list(lines), settings
        box = self.query_one(".dialog")
        box.border_title = _("Refund invoice {code}").format(code=detail.code)
        head = _("{date} · {customer} · total {total}").format(
            date=fmt.datetime(detail.created_at), customer=detail.customer_name or _("walk-in"),
            total=fmt.money(detail.total))
        if not self.lines:
            head += "\n▲ " + _("Everything on this invoice was refunded already.")
        self.query_one("#refund-head", Static).update(Content(head))
        self.ticked = {line.line_id for line in self.lines}
        methods = [(p.method, p.card_id) for p in available]
        if cash is not None and (cash, None) not in methods:  # money may always go back
            methods.append((cash, None))
        self.methods = methods
        value_cards = [card_label(p.card_name) for p in detail.payments
                       if p.method == "value" and p.card_name]
        defaults = {(p.method, p.card_id): p.amount for p in available}
        fields = []
        for index, (method, card) in enumerate(methods):
            label, hint = label_of(self.labels, method), ""
            if method == "value" and len(set(value_cards)) == 1 and value_cards[0]:
                # The card in the label when it fits the label's 16 columns; else under the
                # field, in full (a label never wraps: the dialog fits 80×24).
                named = _("{card} card").format(card=value_cards[0])
                if cell_width(named) <= LABEL_WIDTH:
                    label = named
                else:
                    hint = _("Back to the card '{card}'").format(card=value_cards[0])
            aliases = [method] + (["payments"] if index == 0 else [])
            amount = defaults.get((method, card), 0)
            box = DeskInput(value=plain_amount(amount, fmt.exponent) if amount else "",
                            id=f"refund-pay{index}", placeholder="0", max_length=30)
            fields.append(Field(label, box, key=f"pay{index}", aliases=aliases, hint=hint))
        self.query_one("#refund-payments", Vertical).mount_all(fields)
        self.show_lines()

    # -- lines ----------------------------------------------------------------------
    @property
    def amount(self) -> int:
        return sum(line.amount for line in self.lines if line.line_id in self.ticked)

    def show_lines(self) -> None:
        fmt = self.desk.formatter
        table = self.query_one("#refund-lines", DeskTable)
        table.styles.height = min(len(self.lines), 6) + 1
        table.set_rows(
            (line.line_id, [Cell("[x]" if line.line_id in self.ticked else "[ ]", "bold"),
                            line.description, stored_label(LINE_KIND_LABELS, line.kind),
                            fmt.money(line.amount)])
            for line in self.lines)
        self.query_one("#refund-amount", Static).update(Content(
            ngettext("Refund {amount} · {n} of {m} line · Space ticks, {all}: all or none",
                     "Refund {amount} · {n} of {m} lines · Space ticks, {all}: all or none",
                     len(self.lines)).format(
                amount=fmt.money(self.amount), n=len(self.ticked), m=len(self.lines),
                all=key_of(self, "refund.all"))))

    def action_tick(self) -> None:
        key = self.query_one("#refund-lines", DeskTable).current_key
        if key is None:
            return
        line_id = int(key)
        self.ticked ^= {line_id}
        self.ticks_changed()

    def action_toggle_all(self) -> None:
        everything = {line.line_id for line in self.lines}
        self.ticked = set() if self.ticked == everything else everything
        self.ticks_changed()

    def ticks_changed(self) -> None:
        self.show_lines()
        amount, invoice_id = self.amount, self.invoice_id
        point_value = self.settings.point_value if self.settings else 0
        if amount <= 0:
            self.fill_defaults([])
            # An answer on its way for the ticks before is dropped: this call is the newest.
            self.ask(no_payments, self.fill_defaults, failed=self.show_error)
            return

        def read(session: Session) -> list[CartPayment]:
            from salontui.store.refunds import default_refund_payments

            return default_refund_payments(session, invoice_id=invoice_id, amount=amount,
                                           point_value=point_value)

        self.ask(read, self.fill_defaults, failed=self.show_error)

    def fill_defaults(self, payments: list[CartPayment]) -> None:
        exponent = self.desk.formatter.exponent
        amounts = {(p.method, p.card_id): p.amount for p in payments}
        for index, key in enumerate(self.methods):
            box = self.query_one(f"#refund-pay{index}", DeskInput)
            amount = amounts.get(key, 0)
            box.value = plain_amount(amount, exponent) if amount else ""

    def on_desk_table_row_selected(self, event) -> None:
        event.stop()
        self.action_confirm()

    # -- confirm --------------------------------------------------------------------
    def prepare(self):
        from salontui.store.cart import CartPayment

        if self.invoice is None:
            return None
        if not self.ticked:
            raise ValidationError(_("Tick at least one line to refund."), field="lines")
        fmt = self.desk.formatter
        payments = []
        for index, (method, card_id) in enumerate(self.methods):
            text = self.value(f"pay{index}")
            if not text:
                continue
            amount = parse_typed_amount(fmt, text, field=f"pay{index}", allow_zero=True)
            if amount:
                payments.append(CartPayment(method=method, amount=amount, card_id=card_id))
        reason = self.value("reason")
        line_ids = [line.line_id for line in self.lines if line.line_id in self.ticked]
        staff_id, invoice_id, key = self.staff_id, self.invoice_id, self.idempotency_key
        branch_id = self.desk.branch_id  # the refund is this branch's document (its till)

        def job(session, approved_by=None):  # a manager's approval: StoreCalls
            from salontui.store.invoices import get_invoice
            from salontui.store.refunds import refund_invoice
            from salontui.store.settings import get_settings

            result = refund_invoice(session, staff_id=staff_id, invoice_id=invoice_id,
                                    reason=reason, idempotency_key=key, line_ids=line_ids,
                                    payments=payments, branch_id=branch_id,
                                    approved_by=approved_by)
            return result, get_invoice(session, invoice_id=result.invoice_id), \
                get_settings(session)

        return job
