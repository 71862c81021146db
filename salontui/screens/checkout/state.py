"""What every part of the checkout knows of the screen: :class:`CheckoutState`, the base of
its mixins (:mod:`.edits`, :mod:`.lines`, :mod:`.customer`, :mod:`.payments`,
:mod:`.totals`, :mod:`.confirm`).

It declares, with their types, the state that ``CheckoutScreen.__init__`` sets and, for
the type checker only, the methods one mixin calls on another; at run time it adds
nothing (no attribute, no method: each one is the screen's or a mixin's own). For the
type checker it is also a :class:`~salontui.screens.base.StoreCalls` screen, so a mixin
may call ``query_one``, ``ask`` or read ``desk`` like the screen it is part of.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.screen import Screen

    from salontui.screens.base import StoreCalls
    from salontui.screens.checkout.common import CustomerInfo, DeskMethod
    from salontui.screens.checkout.edits import Edit, EditOp
    from salontui.screens.checkout.payments import Verdict
    from salontui.store.cart import Cart, CartPayment, Quote
    from salontui.store.catalog import CatalogRow
    from salontui.store.checkout import CheckoutResult
    from salontui.store.day.visit_cart import VisitCart
    from salontui.store.errors import SalonError
    from salontui.store.staff import StaffMember

    class _Host(StoreCalls, Screen):
        """The checkout screen as its mixins see it (for the type checker only)."""

else:
    _Host = object


class CheckoutState(_Host):
    """The checkout screen's state, as its mixins read and change it."""

    # What the screen was opened for.
    customer_id: int | None
    appointment_id: int | None
    draft_id: int | None  # the held checkout resumed (it is paid, or held again, over it)
    repay: bool  # opened to repay the customer's debt
    idempotency_key: str  # one per screen: F10 never pays twice
    # The cart, as the store last accepted and priced it.
    cart: Cart
    quote: Quote | None
    info: CustomerInfo | None  # the customer as loaded (None: a walk-in, or loading)
    staff: list[StaffMember]  # who can be chosen for a line (technicians first)
    staff_names: dict[int, str]
    last_staff_id: int | None
    # The edit queue (see .edits) and the confirming.
    edits: deque[Edit]
    in_flight: Edit | None
    dirty: bool
    busy: bool  # confirming
    confirm_wanted: bool  # F10 waits for the edits before it
    result: CheckoutResult | None  # paid: the receipt is shown
    # The payment panel: the methods the salon takes (in its order) and the letters that
    # jump to them inside the panel; amounts by method code, as read from what was typed.
    pay_methods: tuple[DeskMethod, ...]
    pay_letters: dict[str, str]
    amounts: dict[str, int]
    bad_amounts: set[str]
    refused_pastes: set[str]  # a paste too long, not taken: said at the field
    typed: dict[str, str]  # the text each payment amount was read from
    value_card_id: int | None
    pay_focus: str | None  # the method whose key was pressed last (F9 fills it)
    repay_preset: bool
    # The visit being paid (see .visit): its lines as read, put on the cart once; its
    # follow-up asked once paid.
    visit: VisitCart | None
    visit_started: bool
    followed_up: bool
    # The Add field's completions and the prompt that edits a line.
    completions: list[CatalogRow]
    completion_query: str
    completion_moved: bool
    prompt_apply: Callable[[str], None] | None

    if TYPE_CHECKING:
        # What one part calls on another (each is defined once, in the part named).
        # .screen
        def load_customer(self) -> None: ...
        def load_draft(self, draft_id: int) -> None: ...

        # .edits
        def edit(self, op: EditOp | None, *, target: str = "lines",
                 then: Callable[[], None] | None = None,
                 on_error: Callable[[], None] | None = None) -> None: ...
        def requote(self) -> None: ...
        def dispatch(self) -> None: ...
        @property
        def idle(self) -> bool: ...
        def show_message(self, message: str, where: str) -> None: ...
        def clear_store_errors(self) -> None: ...
        def show_error(self, error: SalonError, *, target: str = "lines") -> None: ...

        # .lines
        def render_cart(self) -> None: ...
        def select_last_line(self) -> None: ...
        def pick_staff(self, title: str, current: int | None,
                       then: Callable[[int], None]) -> None: ...

        # .customer
        def promotion_code(self) -> str: ...
        def show_strip(self) -> None: ...

        # .payments
        def verdict(self) -> Verdict: ...
        def method_label(self, method: str) -> str: ...
        def takes(self, method: str) -> bool: ...
        def cash_method(self) -> str: ...
        def show_payment_hints(self) -> None: ...
        @property
        def point_value(self) -> int: ...
        def sync_amounts(self) -> None: ...
        def current_payments(self) -> list[CartPayment]: ...
        def set_amount_text(self, method: str, text: str) -> None: ...

        # .totals
        def show_totals(self) -> None: ...
        def show_due(self) -> None: ...

        # .confirm
        def action_confirm(self) -> None: ...

        # .visit
        def start_visit(self, info: CustomerInfo) -> None: ...
        def visit_strip_text(self) -> str: ...
        def follow_up_visit(self) -> bool: ...
