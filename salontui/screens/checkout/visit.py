"""The checkout of a visit: it starts with the visit's lines, offers the customer's
package sessions for the services they cover, says who recorded what, and after the
receipt asks for the visit's follow-up.

Opened with ``appointment_id`` (from the Today board, the book or the customer's
appointments), the cart starts with the visit's lines as
:func:`salontui.store.day.visit_cart.visit_cart` reads them: each service with its staff,
each session the technician recorded, each product with its quantity. Lines that cannot
go on a cart are said under the lines. When packages in use cover services on the cart,
one small dialog asks once (:class:`RedeemOfferDialog`): Enter redeems every session
offered, ``n`` or Escape charges them; Space unticks a line first (Up/Down moves). That is
one key for the usual case (redeem them all), and a line can still be taken out. The
strip's appointment line names who recorded lines on the visit. Once paid, the receipt's
Enter opens the follow-up (:class:`salontui.screens.day.follow_up.FollowUpDialog`); the
checkout closes after it (saved or skipped).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from salontui.i18n import _, ngettext
from salontui.keymap import key_of
from salontui.screens.checkout.state import CheckoutState
from salontui.store.errors import RuleViolation

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.screens.checkout.common import CustomerInfo
    from salontui.store.day.visit_cart import RedeemOffer, VisitCart, VisitLine


def read_visit(session: Session, appointment_id: int) -> tuple[VisitCart | None, str]:
    """The visit's cart, or why it has none (already paid, cancelled…)."""
    from salontui.store.day.visit_cart import visit_cart

    try:
        return visit_cart(session, appointment_id), ""
    except RuleViolation as refused:
        return None, refused.message


def recorded_text(visit: VisitCart) -> str:
    """"recorded by Tài (3, 4)": who recorded which lines of the visit ("" if nobody did:
    every line was booked at the desk)."""
    parts = [f"{name} ({', '.join(str(n) for n in numbers)})"
             for name, numbers in visit.recorders]
    return _("recorded by {who}").format(who="; ".join(parts)) if parts else ""


class OfferRow:
    """One line of the offer: the visit's line and the package it would use."""

    def __init__(self, index: int, line: VisitLine, offer: RedeemOffer) -> None:
        self.index = index
        self.line = line
        self.offer = offer
        self.ticked = True

    def text(self) -> str:
        who = f" ({self.line.staff_name})" if self.line.staff_name else ""
        left = (_("time card") if self.offer.remaining is None else ngettext(
            "{n} left", "{n} left", self.offer.remaining).format(n=self.offer.remaining))
        return _("{service}{who} → redeem 1 session of {package} ({left})").format(
            service=self.line.label, who=who, package=self.offer.name, left=left)


class RedeemOfferDialog(ModalScreen[frozenset[int]]):
    """Redeem package sessions instead of charging? Enter redeems the ticked lines (all,
    as offered); ``n`` or Escape charges them all; Space (un)ticks the line at the cursor.
    Answers the indexes (of the visit's lines) to redeem: empty to charge."""

    BINDINGS = [
        Binding("enter", "redeem", _("Redeem"), id="checkout.offer.redeem"),
        Binding("escape,n", "charge", _("Charge instead"), id="checkout.offer.charge"),
        Binding("space", "tick", _("Tick or untick the line"), id="checkout.offer.tick"),
        Binding("down", "move(1)", _("Next line"), id="checkout.offer.down", show=False),
        Binding("up", "move(-1)", _("Previous line"), id="checkout.offer.up", show=False),
    ]

    DEFAULT_CSS = """
    RedeemOfferDialog #offers { height: auto; max-height: 10; }
    """

    def __init__(self, rows: list[OfferRow]) -> None:
        super().__init__()
        self.rows = rows
        self.cursor = 0

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = _("Redeem package sessions?")
            yield Static("", id="offers")
            yield Static(_("{redeem}: redeem the ticked · {tick}: tick/untick · {charge}: "
                           "charge them all").format(
                redeem=key_of(self, "checkout.offer.redeem"),
                tick=key_of(self, "checkout.offer.tick"),
                charge=key_of(self, "checkout.offer.charge")), classes="dialog-hint")

    def on_mount(self) -> None:
        self.show()

    def show(self) -> None:
        lines = []
        for number, row in enumerate(self.rows):
            mark = "[x]" if row.ticked else "[ ]"
            text = Content(f"{mark} {row.text()}")
            if number == self.cursor and len(self.rows) > 1:
                text = text.stylize("reverse")
            lines.append(text)
        self.query_one("#offers", Static).update(Content("\n").join(lines))

    def action_move(self, step: int) -> None:
        self.cursor = max(0, min(len(self.rows) - 1, self.cursor + step))
        self.show()

    def action_tick(self) -> None:
        row = self.rows[self.cursor]
        row.ticked = not row.ticked
        self.show()

    def action_redeem(self) -> None:
        self.dismiss(frozenset(row.index for row in self.rows if row.ticked))

    def action_charge(self) -> None:
        self.dismiss(frozenset())


class VisitMixin(CheckoutState):
    """The visit of :class:`~salontui.screens.checkout.screen.CheckoutScreen`."""

    def start_visit(self, info: CustomerInfo) -> None:
        """Put the visit's lines on the cart (once), then offer its sessions."""
        self.visit_started = True
        if info.visit is None:
            self.show_message(info.visit_refused, "#lines-error")
            return
        visit = self.visit = info.visit
        self.show_strip()  # who recorded the lines
        if not visit.lines:
            self.visit_added()
            return

        def op(session, cart):
            cart.lines.extend(visit.cart_lines())
            return cart

        self.edit(op, then=self.visit_added)

    def visit_added(self) -> None:
        """The visit's lines are on the cart (the last ones: a line typed before they came
        goes first): what was left out is said, and the sessions are offered."""
        visit = self.visit
        if visit is None:
            return
        if visit.notes:
            self.show_message(" ".join(visit.notes), "#lines-error")
        from salontui.store.day.visit_cart import planned_redemptions

        planned = planned_redemptions(visit)
        if not planned:
            return
        first = len(self.cart.lines) - len(visit.lines)
        rows = [OfferRow(i, visit.lines[i], offer) for i, offer in sorted(planned.items())]

        def answer(chosen: frozenset[int] | None) -> None:
            if chosen:
                self.redeem_offered(first, {i: planned[i] for i in chosen})

        self.app.push_screen(RedeemOfferDialog(rows), callback=answer)

    def redeem_offered(self, first: int, chosen: dict[int, RedeemOffer]) -> None:
        """The chosen service lines become sessions of their package (a line changed or
        removed meanwhile is left as it is)."""
        visit = self.visit
        assert visit is not None  # offered from the visit

        def op(session, cart):
            for index, offer in chosen.items():
                line = visit.lines[index]
                at = first + index
                if at < len(cart.lines):
                    current = cart.lines[at]
                    if (current.kind, current.item_id, current.staff_id) == (
                            "service", line.item_id, line.staff_id):
                        cart.lines[at] = line.cart_line(offer)
            return cart

        self.edit(op)

    def visit_strip_text(self) -> str:
        """What the strip adds to the appointment's line: who recorded its lines."""
        return recorded_text(self.visit) if self.visit is not None else ""

    def follow_up_visit(self) -> bool:
        """Once paid (the receipt closed): the visit's follow-up, then the checkout closes
        with its result. False when there is no visit to follow up."""
        appointment_id = self.cart.appointment_id
        if appointment_id is None or self.result is None or self.followed_up:
            return False
        self.followed_up = True
        from salontui.screens.day.follow_up import FollowUpDialog

        def closed(_answer: str | None) -> None:
            self.dismiss(self.result)

        self.app.push_screen(FollowUpDialog(appointment_id), callback=closed)
        return True
