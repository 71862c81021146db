"""TierDialog: a customer's loyalty tier (T on the customer): where they stand, their tier
history, and a move by hand.

The first line says the tier held and how (earned, held up by hand, held down by hand and
since which tier), what their figure earns now and the figure (spend or points over the
salon's period). Then the history, newest first: when, from → to, why (a sale, a refund,
a reason typed by hand, the ticket), who. Then the move: a tier (Left/Right, or its first
letter) and the reason, required. The rules of the move (held up above the tier earned,
held down below it, the reward once) are the store's
(:func:`salontui.store.loyalty.tiers.set_tier_by_hand`), which refuses anything else at its
field.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from salontui.i18n import _, ngettext
from salontui.screens.dialogs.base import FormDialog
from salontui.screens.dialogs.customer_form import CycleChoice
from salontui.store.names import tier_label
from salontui.widgets.inputs import DeskInput, Field
from salontui.widgets.tables import Col, DeskTable

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.formatting import Formatter
    from salontui.store.loyalty.tiers import CustomerTier, TierChange

LOADING = ""  # the tier choice's value until the tiers are read


def standing_text(fmt: Formatter, found: CustomerTier) -> str:
    """"Gold, held up by hand · earns Silver (3.000.000 ₫ over 12 months)"."""
    tier = tier_label(found.tier)
    if found.hold == "up":
        now = _("{tier}, held up by hand").format(tier=tier)
    elif found.hold == "down":
        now = _("{tier}, held down by hand (was {before})").format(
            tier=tier, before=tier_label(found.before))
    else:
        now = tier
    months = ngettext("{n} month", "{n} months", found.period_months).format(
        n=found.period_months)
    if found.basis == "points":
        figure = ngettext("{n} point", "{n} points", found.figure).format(
            n=f"{found.figure:,}")
    else:
        figure = fmt.money(found.figure)
    return _("{now} · earns {earned} ({figure} over {months})").format(
        now=now, earned=tier_label(found.earned), figure=figure, months=months)


class TierDialog(FormDialog):
    """Answers the TierChange made (None if cancelled)."""

    DEFAULT_CSS = """
    TierDialog #tier-history { height: 1; margin-bottom: 1; }
    """

    title_text = _("Tier")
    confirm_label = _("Move tier")

    def __init__(self, customer) -> None:
        super().__init__()
        self.customer = customer  # a CustomerSummary (id, code, name, tier…)
        self.found: CustomerTier | None = None

    def compose_body(self) -> ComposeResult:
        c = self.customer
        yield Static(Content(f"{c.code} {c.name} · {tier_label(c.tier)}"), classes="intro",
                     id="tier-now")
        yield DeskTable([Col("when", _("When"), 16), Col("move", _("Tier change"), 18),
                         Col("why", _("Why"), None, min_width=10, prose=True),
                         Col("by", _("By"), 8, max_width=14, drop=1)], id="tier-history")
        yield Field(_("Move to"), CycleChoice([(LOADING, _("Loading…"))], id="tier"),
                    key="tier")
        yield Field(_("Reason"), DeskInput("", id="reason", max_length=250,
                                           placeholder=_("why the tier changes by hand")),
                    key="reason", required=True)

    def on_mount(self) -> None:
        super().on_mount()
        customer_id = self.customer.id

        def read(session: Session) -> CustomerTier:
            from salontui.store.loyalty.tiers import customer_tier

            return customer_tier(session, customer_id)

        self.ask(read, self.show_tier, failed=self.show_error)

    def show_tier(self, found: CustomerTier) -> None:
        fmt = self.formatter
        self.found = found
        self.query_one("#tier-now", Static).update(Content(
            f"{self.customer.code} {self.customer.name} · {standing_text(fmt, found)}"))
        history = self.query_one("#tier-history", DeskTable)
        history.set_rows((e.id, [
            fmt.datetime(e.created_at),
            f"{tier_label(e.from_name)} → {tier_label(e.to_name)}",
            f"{e.reason} ({e.ticket_code})" if e.ticket_code else e.reason,
            e.staff_name]) for e in found.history)
        history.display = bool(found.history)
        history.styles.height = 1 + min(len(found.history), 7)  # the header and 7 rows
        choice = self.query_one("#tier", CycleChoice)
        choice.set_options([(str(t.id), tier_label(t.name)) for t in found.tiers])
        choice.value = str(found.tier_id)

    def prepare(self) -> Callable[[Session], TierChange] | None:
        from salontui.store.errors import ValidationError

        chosen = self.query_one("#tier", CycleChoice).value
        if chosen == LOADING:
            raise ValidationError(_("The tiers are still being read."), field="tier")
        reason = self.value("reason")
        staff_id, customer_id, tier_id = self.staff_id, self.customer.id, int(chosen)

        def move(session: Session) -> TierChange:
            from salontui.store.loyalty.tiers import set_tier_by_hand

            assert staff_id is not None
            return set_tier_by_hand(session, staff_id=staff_id, customer_id=customer_id,
                                    tier_id=tier_id, reason=reason)

        return move
