"""Small dialogs of the checkout: pick one of a list, pick a customer, and the forms of a
top-up and a debt repayment (which only read what was typed: the checkout screen
prices the cart and the store refuses what is wrong).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from salontui.i18n import _
from salontui.keymap import key_of
from salontui.screens.base import StoreCalls
from salontui.screens.checkout.common import (
    AMOUNT_CHARS,
    TEXT_CHARS,
    check_length,
    parse_typed_amount,
    too_long,
)
from salontui.screens.dialogs.base import FormDialog
from salontui.store.errors import SalonError
from salontui.store.names import GENERAL_CARD, card_label
from salontui.widgets import fmt as cached
from salontui.widgets.checkout_payments import BoundedInput
from salontui.widgets.inputs import DeskInput, Field
from salontui.widgets.tables import Col, DeskTable

if TYPE_CHECKING:
    from salontui.formatting import Formatter
    from salontui.store.sales.card_topups import TopUpChoice
    from salontui.store.search import CustomerRow

WALK_IN = "walk-in"
CUSTOMER_LIMIT = 20
NOTE_CHARS = 250  # a top-up's note: as long as its ledger entry's reason may be


@dataclass(frozen=True)
class PickerOption:
    key: str
    text: str
    enabled: bool = True


class PickerDialog(ModalScreen):
    """One of a short list (a technician, a package, a card, a promotion). Up/Down, Enter;
    Escape answers None. Choices that cannot be taken are shown dimmed with the reason."""

    BINDINGS = [Binding("escape", "cancel", _("Cancel"), id="dialog.cancel")]

    def __init__(self, title: str, choices: list[PickerOption], *, hint: str = "",
                 current: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.choices = list(choices)
        self.hint = hint
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = self.title_text
            yield OptionList(*(Option(Content(c.text), id=c.key, disabled=not c.enabled)
                               for c in self.choices), id="choices")
            # Up/Down and Enter are the list's own keys (no bindings of this dialog's).
            yield Static(self.hint or _("Up/Down to choose, Enter to take, {key} to "
                                        "cancel").format(key=key_of(self, "dialog.cancel")),
                         classes="dialog-hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.focus()
        keys = [c.key for c in self.choices if c.enabled]
        wanted = self.current if self.current in keys else (keys[0] if keys else None)
        for index, choice in enumerate(self.choices):
            if choice.key == wanted:
                options.highlighted = index
                break

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)


class CustomerPickerDialog(StoreCalls, ModalScreen):
    """Choose a customer: type a name, phone digits or a code; Enter takes the highlighted
    row. For a checkout the first row is always "Walk-in"; for a merge there is none and
    the customer shown is left out. Answers a customer id, :data:`WALK_IN`, or None
    (Escape)."""

    DEFAULT_CSS = """
    CustomerPickerDialog #customer-results { height: 12; }
    """

    BINDINGS = [
        Binding("escape", "cancel", _("Cancel"), id="dialog.cancel"),
        Binding("enter", "pick", _("Choose"), id="picker.choose", priority=True),
        Binding("down", "move(1)", _("Next"), id="picker.next", show=False),
        Binding("up", "move(-1)", _("Previous"), id="picker.previous", show=False),
    ]

    def __init__(self, *, title: str = "", walk_in: bool = True,
                 exclude: int | None = None) -> None:
        super().__init__()
        self.rows: list[CustomerRow] = []
        self.title_text = title or _("Customer of this checkout")
        self.walk_in = walk_in
        self.exclude = exclude

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog checkout-picker") as box:
            box.border_title = self.title_text
            yield BoundedInput(placeholder=_("Name, phone digits or code"),
                               id="customer-query", max_length=TEXT_CHARS)
            yield DeskTable([
                Col("code", _("Code"), 8),
                Col("name", _("Name"), None, min_width=12),
                Col("phone", _("Phone"), 12),
                Col("debt", _("Debt"), 11, justify="right"),
            ], id="customer-results")
            yield Static(_("{choose} takes the highlighted customer · {cancel} cancels").format(
                choose=key_of(self, "picker.choose"), cancel=key_of(self, "dialog.cancel")),
                classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(DeskTable).can_focus = False
        self.query_one(DeskInput).focus()
        self.search("")

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.search(event.value)

    def on_desk_input_too_long(self, event: DeskInput.TooLong) -> None:
        event.stop()
        self.app.notify(too_long(event.limit), severity="warning", timeout=4)

    def search(self, query: str) -> None:
        def find(session):
            from salontui.store.search import search_customers

            return search_customers(session, query=query, limit=CUSTOMER_LIMIT)

        self.ask(find, self.show_results)

    def show_results(self, found: list[CustomerRow]) -> None:
        """The customers found (after "Walk-in", the first row when there is one)."""
        self.rows = [r for r in found if r.id != self.exclude]
        fmt = self.desk.formatter
        rows: list[tuple[object, list[str]]] = (
            [(WALK_IN, ["", _("Walk-in (no customer)"), "", ""])] if self.walk_in else [])
        for r in self.rows:
            rows.append((r.id, [r.code, r.name, cached.phone(fmt, r.phone),
                                cached.money(fmt, r.debt) if r.debt else ""]))
        table = self.query_one(DeskTable)
        table.set_rows(rows, keep_cursor=False)
        if self.walk_in and self.rows and self.query_one(DeskInput).value.strip():
            table.move_cursor(row=1)

    def action_move(self, step: int) -> None:
        table = self.query_one(DeskTable)
        table.move_cursor(row=table.cursor_row + step)

    def action_pick(self) -> None:
        key = self.query_one(DeskTable).current_key
        if key is None:
            return
        self.dismiss(WALK_IN if key == WALK_IN else int(key))

    def on_desk_table_row_selected(self, event) -> None:
        event.stop()
        self.action_pick()

    def action_cancel(self) -> None:
        self.dismiss(None)


class LocalFormDialog(FormDialog):
    """A form whose answer is what was typed (read by ``read``); nothing is written here."""

    def read(self):
        raise NotImplementedError

    def prepare(self):  # pragma: no cover - not used: confirm answers at once
        return None

    def action_confirm(self) -> None:
        self.clear_errors()
        try:
            value = self.read()
        except SalonError as error:
            self.show_error(error)
            return
        self.dismiss(value)

    def on_desk_input_too_long(self, event: DeskInput.TooLong) -> None:
        """A paste too long for its field: not taken, and said under that field."""
        event.stop()
        field = next((f for f in self.query(Field) if f.control is event.box), None)
        self.show_error(too_long(event.limit), field=field.key if field else None)


@dataclass(frozen=True)
class TopUp:
    card_name: str
    paid: int
    credit: int
    card_type_id: int | None = None  # a card type (its card is found or made at F10)
    note: str = ""  # kept as the reason of the top-up's ledger entry


def topup_option(formatter: Formatter, choice: TopUpChoice) -> str:
    """A card in the top-up's list: its name, what it holds (or that it is new), its bonus
    rule and whether discounts do not apply."""
    from salontui.screens.settings.card_types import bonus_text

    name = card_label(choice.name)
    if choice.card_name and choice.card_name.casefold() != choice.name.casefold():
        name = _("{type} (card {card})").format(type=name, card=choice.card_name)
    parts = [name, formatter.money(choice.balance) if choice.card_id is not None
             else _("new card")]
    rule = bonus_text(formatter, choice.bonus_pay, choice.bonus_get)
    if rule:
        parts.append(rule)
    if not choice.discounts_apply:
        parts.append(_("no discounted sales"))
    return " · ".join(parts)


class TopUpDialog(LocalFormDialog):
    """Top up the card chosen from the list (:class:`~salontui.store.sales.card_topups.
    TopUpChoice`): what is paid now, what the card is credited (blank: by its type's bonus
    rule, e.g. pay 10,000,000 get 11,000,000; else the same) and a note, the promotion it
    was bought under, kept in the card's history."""

    def __init__(self, choice: TopUpChoice | None = None) -> None:
        from salontui.store.sales.card_topups import TopUpChoice

        super().__init__()
        self.choice = choice or TopUpChoice(key="general", name=GENERAL_CARD, card_type_id=None,
                                            card_id=None, card_name=None, balance=0)
        self.title_text = _("Top up card: {card}").format(card=card_label(self.choice.name))
        self.confirm_label = _("Add top-up")

    def compose_body(self) -> ComposeResult:
        from salontui.screens.settings.card_types import bonus_text

        choice = self.choice
        rule = bonus_text(self.formatter, choice.bonus_pay, choice.bonus_get)
        yield Field(_("Paid now"), BoundedInput(id="paid", placeholder="10.000.000",
                                                max_length=AMOUNT_CHARS), key="paid",
                    required=True)
        yield Field(_("Value credited"), BoundedInput(id="credit", max_length=AMOUNT_CHARS,
                                                      placeholder=_("same as paid")),
                    key="credit", hint=_("Blank: by its rule, {rule}").format(rule=rule)
                    if rule else _("Blank: the amount paid"))
        yield Field(_("Note"), BoundedInput(id="note", max_length=NOTE_CHARS,
                                            placeholder=_("the promotion it was bought under")),
                    key="note")

    def focus_first(self) -> None:
        self.query_one("#paid", DeskInput).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        """The credit's placeholder says what a blank credits for the amount typed."""
        if event.input.id != "paid":
            return
        credit = self.query_one("#credit", DeskInput)
        try:
            paid = parse_typed_amount(self.formatter, event.value, field="paid")
        except SalonError:
            credit.placeholder = _("same as paid")
            return
        credit.placeholder = self.formatter.money(self.choice.credit(paid))

    def read(self) -> TopUp:
        fmt = self.formatter
        choice = self.choice
        paid = parse_typed_amount(fmt, self.value("paid"), field="paid")
        credit_text = self.value("credit")
        credit = parse_typed_amount(fmt, credit_text, field="credit") if credit_text \
            else choice.credit(paid)
        note = " ".join(check_length(self.value("note"), field="note", limit=NOTE_CHARS).split())
        return TopUp(card_name=choice.card_name or choice.name, paid=paid, credit=credit,
                     card_type_id=choice.card_type_id, note=note)


class RepayDialog(LocalFormDialog):
    """Repay debt: how much (default: all of it)."""

    def __init__(self, debt: int) -> None:
        super().__init__()
        self.debt = debt
        self.title_text = _("Repay debt")
        self.confirm_label = _("Add repayment")

    def compose_body(self) -> ComposeResult:
        from salontui.screens.checkout.common import plain_amount

        fmt = self.formatter
        yield Static(_("Owed now: {amount}").format(amount=fmt.money(self.debt)),
                     classes="intro")
        yield Field(_("Amount repaid"), BoundedInput(
            value=plain_amount(self.debt, fmt.exponent), id="repay-amount",
            max_length=AMOUNT_CHARS),
            key="amount", aliases=("price",), required=True)

    def read(self) -> int:
        from salontui.store.errors import RuleViolation

        amount = parse_typed_amount(self.formatter, self.value("amount"), field="amount")
        if amount > self.debt:
            raise RuleViolation(_("That is more than the customer owes ({amount}).").format(
                amount=self.formatter.money(self.debt)), field="amount")
        return amount
