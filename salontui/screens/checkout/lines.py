"""The checkout's lines: the Add field and its completions, the lines table, and the
prompts that edit the selected line (quantity, price, discount, staff, kept at the salon,
removed) or the invoice's discount. What an edit does to the cart is a rule of
:mod:`salontui.store.sales.cart_rules`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.content import Content
from textual.message import Message
from textual.widgets import Label

from salontui.i18n import _
from salontui.screens.checkout.common import (
    AMOUNT_CHARS,
    COMPLETIONS,
    PERCENT_CHARS,
    QUANTITY_CHARS,
    before_paying,
    check_length,
    parse_typed_amount,
    parse_whole,
    plain_amount,
)
from salontui.screens.checkout.dialogs import PickerDialog, PickerOption
from salontui.screens.checkout.state import CheckoutState
from salontui.screens.dialogs.labels import stored_label
from salontui.store.errors import SalonError
from salontui.store.kinds import LINE_KIND_LABELS
from salontui.store.names import card_label
from salontui.store.sales import cart_rules
from salontui.widgets import fmt as cached
from salontui.widgets.checkout_payments import BoundedInput, PayInput, PaymentPanel
from salontui.widgets.inputs import DeskInput
from salontui.widgets.tables import DeskTable

if TYPE_CHECKING:
    from sqlmodel import Session
    from textual import events

    from salontui.screens.checkout.edits import EditOp
    from salontui.store.cart import CartLine, PricedLine
    from salontui.store.catalog import CatalogRow


class AddInput(BoundedInput):
    """The Add field. Enter hands over what was typed and empties the field at once, in the
    field's own order of keys (see ``_on_key``), so a fast typist (or a barcode scanner) sending
    "DV0001⏎DV0002⏎" adds two lines, never "DV0001DV0002"."""

    class Add(Message):
        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    async def _on_key(self, event: events.Key) -> None:
        # Enter is taken here, in the order of the keys: a binding would only run once the
        # key has bubbled up to the app, after the keys typed behind it.
        if event.key == "enter":
            event.stop()
            event.prevent_default()
            text = self.value
            self.post_message(self.Add(text))
            if text:
                self.value = ""


class LinesMixin(CheckoutState):
    """The lines of :class:`~salontui.screens.checkout.screen.CheckoutScreen`."""

    def line_text(self, line: PricedLine) -> str:
        fmt = self.desk.formatter
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
        fmt = self.desk.formatter
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

    def complete(self, text: str) -> None:
        query = text.strip()
        self.completion_moved = False
        if not query:
            self.completions = []
            self.completion_query = ""
            self.query_one("#completions", DeskTable).display = False
            # An empty search of the same handler: the answers on their way are dropped.
            self.ask(lambda session: None, self.show_completions,
                     failed=self.completion_refused)
            return

        def find(session: Session) -> tuple[str, list[CatalogRow]]:
            from salontui.store.catalog import find_items

            return query, find_items(session, query=query, limit=COMPLETIONS)

        self.ask(find, self.show_completions, failed=self.completion_refused)

    def show_completions(self, found: tuple[str, list[CatalogRow]] | None) -> None:
        """The catalog's matches of what was typed (None: the field was emptied)."""
        table = self.query_one("#completions", DeskTable)
        if found is None:
            return
        query, rows = found
        if query != self.query_one("#add", DeskInput).value.strip():
            return
        self.completions = rows
        self.completion_query = query
        fmt = self.desk.formatter
        table.set_rows(((r.id, [r.code, r.name, stored_label(LINE_KIND_LABELS, r.kind),
                                 cached.money(fmt, r.price)]) for r in rows), keep_cursor=False)
        table.styles.height = min(len(rows), COMPLETIONS) + 1
        table.display = bool(rows)

    def completion_refused(self, error: SalonError) -> None:
        """A search the store refuses shows no completions (Enter says why, at the field)."""

    def hide_completions(self) -> None:
        self.completions = []
        self.completion_query = ""
        self.query_one("#completions", DeskTable).display = False

    def on_add_input_add(self, event: AddInput.Add) -> None:
        event.stop()
        self.submit_add(event.text)

    def submit_add(self, text: str) -> None:
        query = text.strip()
        box = self.query_one("#add", DeskInput)
        if not query:
            if self.cart.lines or self.edits:
                self.query_one(PaymentPanel).field(self.cash_method()).control.focus()
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

    def add_item_op(self, query: str, item_id: int | None) -> EditOp:
        """Add the item with ``item_id``, or the one the code or name finds first; a product
        already on the cart (as sold: price and discount untouched) gets one more instead."""

        def op(session, cart):
            item = cart_rules.find_item(session, query=query, item_id=item_id)
            return cart_rules.add_item(cart, kind=item.kind, item_id=item.id)

        return op

    def select_last_line(self) -> None:
        table = self.query_one("#lines", DeskTable)
        if table.row_count:
            table.move_cursor(row=table.row_count - 1)

    def selected_index(self) -> int | None:
        key = self.query_one("#lines", DeskTable).current_key
        if key is None or self.quote is None:
            return None
        index = int(key)
        return index if index < len(self.cart.lines) else None

    def selected_line(self) -> tuple[int, PricedLine] | None:
        """The selected line (its index and the line as priced), or None, said."""
        index = self.selected_index()
        if index is None or self.quote is None:
            self.show_message(_("Add a line first."), "#lines-error")
            return None
        return index, self.quote.lines[index]

    def line_op(self, index: int, change: Callable[[CartLine], None]) -> EditOp:
        def op(session, cart):
            return cart_rules.edit_line(cart, index, change)

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
        selected = self.selected_line()
        if selected is None:
            return
        index, line = selected

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
        selected = self.selected_line()
        if selected is None:
            return
        index, line = selected
        if not cart_rules.line_takes_price(line.kind):
            self.show_message(_("A package session has no price: its value comes from the "
                                "package."), "#lines-error")
            return
        fmt = self.desk.formatter

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
            return cart_rules.percent_of(base, parse_whole(raw[:-1], field=field), field=field)
        if not raw:
            return 0
        return parse_typed_amount(self.desk.formatter, raw, field=field, allow_zero=True,
                                  allow_negative=True)

    @before_paying
    def action_set_discount(self) -> None:
        selected = self.selected_line()
        if selected is None:
            return
        index, line = selected
        fmt = self.desk.formatter
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
        if self.quote is None:  # a held cart just resumed: its price is on its way
            return
        fmt = self.desk.formatter
        sales = cart_rules.sales_amount(self.quote.lines)

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
        selected = self.selected_line()
        if selected is None:
            return
        index, line = selected
        self.pick_staff(_("Who did line {n}?").format(n=index + 1), line.staff_id,
                        lambda staff_id: self.set_line_staff(index, staff_id))

    def pick_staff(self, title: str, current: int | None, then: Callable[[int], None]) -> None:
        if not self.staff:
            self.show_message(_("No staff to choose from: add staff first."), "#lines-error")
            return
        roles = {"technician": _("technician"), "owner": _("owner"), "manager": _("manager"),
                 "receptionist": _("receptionist")}
        choices = [PickerOption(str(m.id), f"{m.name} ({roles.get(m.role, m.role)})")
                   for m in self.staff]
        wanted = current  # the line's own technician, else the first: never the last chosen

        def answer(key: str | None) -> None:
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
        selected = self.selected_line()
        if selected is None:
            return
        index, line = selected
        if not cart_rules.may_stay_at_salon(line.kind):
            self.show_message(_("Only a product can be kept at the salon for later."),
                              "#lines-error")
            return

        def change(cart_line):
            cart_line.picked_up = not cart_line.picked_up

        self.edit(self.line_op(index, change))

    @before_paying
    def action_remove_line(self) -> None:
        selected = self.selected_line()
        if selected is None:
            return
        index, _line = selected

        def op(session, cart):
            return cart_rules.remove_line(cart, index)

        self.edit(op)

    @before_paying
    def action_move(self, step: int) -> None:
        focused = self.focused
        if isinstance(focused, PayInput):
            fields = [m.code for m in self.pay_methods]
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
