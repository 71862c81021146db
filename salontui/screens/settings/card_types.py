"""CardTypesSection: the salon's stored-value card types (副卡: a hair card, a spa card…),
each with its bonus rule ("pay 10,000,000 get 11,000,000") and whether the card may pay for
a discounted sale; the dialog that adds or edits one; ``h`` shows a type's history across
customers. The checkout's top-up picks one of these instead of typing a card's name."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.binding import Binding

from salontui.i18n import N_, _
from salontui.screens.commands import Command
from salontui.screens.dialogs.base import FormDialog
from salontui.screens.settings.groups import active_cell
from salontui.screens.settings.section import SettingsSection
from salontui.widgets.checkout_fields import AMOUNT_CHARS
from salontui.widgets.inputs import DeskInput, Field, RadioChoice
from salontui.widgets.tables import Cell, Col

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.formatting import Formatter
    from salontui.store.admin.card_types import CardTypeRow

NAME_CHARS = 60  # as long as a card type's name may be


def bonus_text(fmt: Formatter, pay: int | None, get: int | None) -> str:
    """A bonus rule as the owner says it: "pay 10.000.000 ₫ get 11.000.000 ₫" ('' for none)."""
    if pay is None or get is None:
        return ""
    return _("pay {pay} get {get}").format(pay=fmt.money(pay), get=fmt.money(get))


class CardTypeDialog(FormDialog):
    """Add a card type (``card_type`` None) or edit one; answers the CardTypeRow saved."""

    def __init__(self, card_type: CardTypeRow | None = None) -> None:
        super().__init__()
        self.card_type = card_type
        self.title_text = _("Edit card type") if card_type else _("New card type")

    def compose_body(self):
        from salontui.store.money import to_decimal_string

        kind = self.card_type
        exponent = self.formatter.exponent

        def typed(amount: int | None) -> str:
            return "" if amount is None else to_decimal_string(amount, exponent)

        yield Field(_("Card type"), DeskInput(kind.name if kind else "", id="name",
                                         max_length=NAME_CHARS), key="name", required=True)
        yield Field(_("Bonus: pay"), DeskInput(typed(kind.bonus_pay if kind else None),
                                               id="bonus-pay", max_length=AMOUNT_CHARS,
                                               placeholder="10000000"),
                    key="bonus_pay", hint=_("A top-up of this much…"))
        yield Field(_("Bonus: get"), DeskInput(typed(kind.bonus_get if kind else None),
                                               id="bonus-get", max_length=AMOUNT_CHARS,
                                               placeholder="11000000"),
                    key="bonus_get",
                    hint=_("…puts this much on the card (both blank: no bonus)"))
        applies = kind.discounts_apply if kind else True
        yield Field(_("Discounts"), RadioChoice(
            [("yes", _("Apply")), ("no", _("Do not apply"))],
            value="yes" if applies else "no", id="discounts"), key="discounts_apply",
            hint=_("Do not apply: it cannot pay for a discounted sale"))

    def amount(self, key: str) -> int | None:
        """An amount of the bonus rule as typed (blank: none)."""
        text = self.value(key)
        return self.formatter.parse_money(text, field=key) if text else None

    def prepare(self) -> Callable[[Session], CardTypeRow]:
        name = self.value("name")
        pay = self.amount("bonus_pay")
        get = self.amount("bonus_get")
        applies = self.value("discounts_apply") != "no"
        staff_id, card_type = self.staff_id, self.card_type

        def save(session: Session, approved_by: int | None = None) -> CardTypeRow:
            from salontui.store.admin.card_types import create_card_type, update_card_type

            assert staff_id is not None
            if card_type is None:
                return create_card_type(session, staff_id=staff_id, name=name, bonus_pay=pay,
                                        bonus_get=get, discounts_apply=applies,
                                        approved_by=approved_by)
            return update_card_type(session, staff_id=staff_id, card_type_id=card_type.id,
                                    name=name, bonus_pay=pay, bonus_get=get,
                                    discounts_apply=applies, approved_by=approved_by)

        return save


class CardTypesSection(SettingsSection):
    section_id = "card-types"
    title = N_("Card types")
    add_name = N_("Add card type")
    edit_name = N_("Edit card type")
    toggle_name = N_("Retire or restore card type")
    empty_text = N_("No card types yet: {key} adds one (a hair card, a spa card…)")
    KEYS = (Binding("h", "history", _("History"), id="settings.card_types.history",
                    tooltip=_("Every top-up and payment on cards of this type")),)

    def columns(self) -> list[Col]:
        return [Col("name", _("Card type")),
                Col("bonus", _("Bonus"), 10, prose=True),
                Col("discounts", _("Discounts"), 9),
                Col("cards", _("Cards"), 6, justify="right"),
                Col("state", _("State"), 8)]

    def reader(self) -> Callable[[Session], list[CardTypeRow]]:
        def read(session: Session) -> list[CardTypeRow]:
            from salontui.store.admin.card_types import list_card_types

            return list_card_types(session)

        return read

    def cells(self, row: CardTypeRow) -> list:
        from salontui.widgets import fmt as cached

        fmt = self.desk.formatter
        return [row.name, bonus_text(fmt, row.bonus_pay, row.bonus_get),
                _("apply") if row.discounts_apply else Cell(_("do not apply"), "bold"),
                cached.points(fmt, row.cards), active_cell(row.active)]

    def add_dialog(self) -> CardTypeDialog:
        return CardTypeDialog()

    def edit_dialog(self, row: CardTypeRow) -> CardTypeDialog:
        return CardTypeDialog(row)

    def toggle_job(self, row: CardTypeRow) -> Callable[[Session], CardTypeRow]:
        staff_id, card_type_id, active = self.desk.staff_id, row.id, not row.active

        def toggle(session: Session, approved_by: int | None = None) -> CardTypeRow:
            from salontui.store.admin.card_types import set_card_type_active

            assert staff_id is not None
            return set_card_type_active(session, staff_id=staff_id, card_type_id=card_type_id,
                                        active=active, approved_by=approved_by)

        return toggle

    # -- h: the history ---------------------------------------------------------------
    def allows(self, action: str) -> bool:
        return action != "history" or bool(self.rows)

    def action_history(self) -> None:
        row = self.selected()
        if row is None:
            self.bar(_("No card type to show: add one first."))
            return
        from salontui.screens.settings.card_type_history import CardTypeHistoryDialog

        self.app.push_screen(CardTypeHistoryDialog(row.id, row.name))

    def commands(self) -> list[Command]:
        return [Command("settings.card_types.history", _("Show card type history"))]
