"""HandOverDialog: give the customer a product they paid for and left at the salon.

The quantity starts at all that is left (Enter hands it all over); typing fewer hands some
over and the rest waits. A note is optional. The store refuses more than is left, at the
quantity (``books/held_products.hand_over``); the date and the staff member are recorded.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from salontui.i18n import _
from salontui.screens.dialogs.base import FormDialog, parse_count
from salontui.widgets.inputs import DeskInput, Field

MAX_NOTE = 250


class HandOverDialog(FormDialog):
    """Answers what was handed over (``HandedOver``: its ``id`` is the product's)."""

    title_text = _("Hand over products")
    confirm_label = _("Hand over")

    def __init__(self, customer_id: int, held) -> None:
        super().__init__()
        self.customer_id = customer_id
        self.held = held  # a ToCollect row: item_id, description, quantity

    def compose_body(self) -> ComposeResult:
        held = self.held
        intro = _("{item}: {n} left to collect").format(item=held.description,
                                                        n=held.quantity)
        yield Static(Content(intro), classes="intro")
        yield Field(_("Quantity"), DeskInput(str(held.quantity), id="quantity", max_length=8),
                    key="quantity", required=True)
        yield Field(_("Note"), DeskInput(id="note", max_length=MAX_NOTE), key="note")

    def prepare(self):
        quantity = parse_count(self.value("quantity"), field="quantity", label=_("Quantity"),
                               allow_zero=False)
        note = self.value("note")
        staff_id, customer_id, item_id = self.staff_id, self.customer_id, self.held.item_id

        def save(session):
            from salontui.store.books.held_products import hand_over

            return hand_over(session, staff_id=staff_id, customer_id=customer_id,
                             item_id=item_id, quantity=quantity, note=note)

        return save
