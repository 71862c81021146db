"""The checkout's edit queue, and where a refusal is shown.

Every change of the cart is an *edit*: a function of the store session and the cart, run
in a thread worker followed by ``cart.quote``. Edits run one at a time, in the order they
were asked (typing "DV0001 Enter DV0002 Enter" faster than the database answers adds both).
An edit the store refuses changes nothing: the cart stays as it was and the message
appears at the field it names (the add line, the line being edited, a payment field, or
under the lines).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.content import Content
from textual.widgets import Label

from salontui.i18n import _
from salontui.screens.checkout.state import CheckoutState
from salontui.store.errors import SalonError
from salontui.widgets.checkout_payments import PaymentPanel
from salontui.widgets.tables import DeskTable

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.store.cart import Cart, Quote

    EditOp = Callable[[Session, Cart], Cart]


@dataclass
class Edit:
    """One change of the cart: ``op(session, cart) -> cart`` and where its refusal is shown."""

    op: EditOp | None
    target: str = "lines"  # "add", "prompt", "lines"
    then: Callable[[], None] | None = None
    on_error: Callable[[], None] | None = None


def copy_cart(cart: Cart) -> Cart:
    from salontui.store.cart import Cart

    return Cart.from_json(cart.to_json())


class EditsMixin(CheckoutState):
    """The edit queue of :class:`~salontui.screens.checkout.screen.CheckoutScreen` and its
    messages at the fields."""

    def edit(self, op: EditOp | None, *, target: str = "lines",
             then: Callable[[], None] | None = None,
             on_error: Callable[[], None] | None = None) -> None:
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

        def job(session: Session) -> tuple[Cart, Quote]:
            from salontui.store.cart import quote

            cart = op(session, base) if op is not None else base
            cart.payments = payments
            return cart, quote(session, cart=cart)

        self.in_flight = edit
        # One sequence for every edit: only the newest answer counts.
        self.ask(job, self.quote_answered, failed=self.edit_refused,
                 crashed=self.edit_crashed, tag="quote")

    def quote_answered(self, priced: tuple[Cart, Quote]) -> None:
        """The edit in flight is made: the cart and its price as the store accepted them."""
        edit, self.in_flight = self.in_flight, None
        self.cart, self.quote = priced
        self.render_cart()
        if edit is not None and edit.then is not None:
            edit.then()
        self.dispatch()

    def edit_refused(self, error: SalonError) -> None:
        """The store refused the edit in flight: nothing changed; said at its field."""
        edit, self.in_flight = self.in_flight, None
        self.show_error(error, target=edit.target if edit else "lines")
        if edit is not None and edit.on_error is not None:
            edit.on_error()
        self.dispatch()

    def edit_crashed(self, error: BaseException) -> None:
        """The edit in flight failed otherwise: said, and the queue goes on."""
        self.store_crashed(error)
        self.in_flight = None
        self.dispatch()

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
        return name if name == "payments" or self.takes(name) else None

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
        shown: dict[str, str] = {}
        for key in ("add", "prompt", "lines"):
            label = self.query_one(f"#{key}-error", Label)
            if label.has_class("-shown"):
                shown[key] = str(label.content)[2:]
        for field in self.query_one(PaymentPanel).fields():
            if field.error_text:
                shown[field.method] = field.error_text[2:]
        return {key: text.replace("\xa0", " ") for key, text in shown.items()}
