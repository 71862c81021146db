"""Check the back-fill (from B on the customer): what was typed beside what the customer
holds now, then every back-fill row; ``x`` reverses the selected one.

The first table has one line per kind (one per card for stored value): the total the
back-fills still standing put in, and the customer's total now (``backfill_check`` in the
store adds both up). The second lists the back-fill rows, newest first: when, who, from
where (typed at the desk, or the file an import read), what, and whether it was reversed.
A wrong one is never edited: ``x`` asks for the reason (:class:`ReverseBackfillDialog`,
which says what will be taken back) and the store writes the reversing row, or says at
the reason what the customer's books no longer allow and what to do instead.
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
from salontui.screens.base import StoreCalls
from salontui.screens.dialogs.base import FormDialog
from salontui.screens.dialogs.labels import stored_label
from salontui.store.errors import SalonError
from salontui.store.kinds import BACKFILL_KIND_LABELS, BACKFILL_REASON, BackfillKind
from salontui.store.names import card_label
from salontui.widgets.inputs import DeskInput, Field
from salontui.widgets.tables import Col, DeskTable

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.formatting import Formatter
    from salontui.store.books.backfill_check import BackfillCheck, BackfillRow, CheckLine



def kind_label(kind: str) -> str:
    return stored_label(BACKFILL_KIND_LABELS, kind)


def figure(fmt: Formatter, kind: str, n: int) -> str:
    """Money, points, sessions or items, as the kind counts."""
    if kind == BackfillKind.POINTS:
        return f"{n:,}"
    if kind in (BackfillKind.PACKAGE, BackfillKind.GIFT):
        return ngettext("{n} session", "{n} sessions", n).format(n=n)
    if kind == BackfillKind.PRODUCT:
        return ngettext("{n} item", "{n} items", n).format(n=n)
    return fmt.money(n)


def line_cells(fmt: Formatter, line: CheckLine) -> list[str]:
    what = kind_label(line.kind)
    if line.kind == BackfillKind.VALUE:
        what = f"{what} · {card_label(line.card_name)}"
    typed, now = figure(fmt, line.kind, line.typed), figure(fmt, line.kind, line.now)
    if line.kind in (BackfillKind.PACKAGE, BackfillKind.GIFT):
        typed, now = (ngettext("{sessions}, {n} package", "{sessions}, {n} packages",
                               count).format(sessions=text, n=count)
                      for text, count in ((typed, line.typed_count), (now, line.now_count)))
    return [what, typed, now]


def describe(fmt: Formatter, row: BackfillRow) -> str:
    """What one back-fill row brought in, in a line."""
    kind = row.kind
    if kind == BackfillKind.VALUE:
        return _("{card} card: {amount} (paid {paid})").format(
            card=card_label(row.card_name), amount=fmt.money(row.amount),
            paid=fmt.money(row.paid))
    if kind in (BackfillKind.PACKAGE, BackfillKind.GIFT):
        if not row.sessions_total:
            return _("{name}: until {date}").format(name=row.package_name,
                                                    date=fmt.date(row.expires_on))
        return _("{name}: {left} of {total} left, {paid}").format(
            name=row.package_name, left=row.sessions_total - row.sessions_used,
            total=row.sessions_total, paid=fmt.money(row.paid))
    if kind == BackfillKind.PRODUCT:
        return _("{item} × {n}, paid {paid}").format(item=row.item_name, n=row.quantity,
                                                     paid=fmt.money(row.paid))
    return f"{kind_label(kind)} {figure(fmt, kind, row.amount)}"


def state_text(row: BackfillRow) -> str:
    if row.reverses_id is not None:
        return _("reverses #{id}").format(id=row.reverses_id)
    if row.reversed_by is not None:
        return _("reversed")
    return ""


def source_text(source: str) -> str:
    return _("desk") if source == BACKFILL_REASON else source


class BackfillCheckScreen(StoreCalls, ModalScreen):
    """The customer's back-fill checked; answers True once something was reversed."""

    DEFAULT_CSS = """
    BackfillCheckScreen .backfill-check { width: 100%; max-width: 100; height: 100%;
                                          max-height: 30; }
    BackfillCheckScreen #backfill-totals { height: 9; margin-bottom: 1; }
    BackfillCheckScreen #backfill-rows { height: 1fr; }
    """

    BINDINGS = [
        Binding("escape", "close", _("Close"), id="dialog.close"),
        Binding("x", "reverse", _("Reverse"), id="backfill_check.reverse",
                tooltip=_("Reverse the selected back-fill, with a reason")),
    ]

    def __init__(self, customer) -> None:
        super().__init__()
        self.customer = customer  # a CustomerSummary (id, code, name)
        self.found: BackfillCheck | None = None
        self.changed = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog backfill-check") as box:
            box.border_title = _("Check the back-fill")
            box.border_subtitle = f"{self.customer.code} {self.customer.name}"
            yield DeskTable([Col("what", _("Kind"), None, min_width=14),
                             Col("typed", _("Typed"), 14, justify="right"),
                             Col("now", _("Holds now"), 14, justify="right")],
                            id="backfill-totals")
            yield DeskTable([Col("when", _("When"), 16),
                             Col("what", _("What"), None, min_width=16, prose=True),
                             Col("state", _("State"), 8),
                             Col("by", _("By"), 8, max_width=12, drop=1),
                             Col("source", _("Source"), 8, max_width=24, drop=2)],
                            id="backfill-rows")
            yield Static("", id="backfill-hint", classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#backfill-rows", DeskTable).focus()
        self.load()

    def load(self) -> None:
        customer_id = self.customer.id

        def read(session: Session) -> BackfillCheck:
            from salontui.store.books.backfill_check import backfill_check

            return backfill_check(session, customer_id=customer_id)

        self.ask(read, self.show_check, failed=self.check_failed)

    def show_check(self, found: BackfillCheck) -> None:
        fmt = self.desk.formatter
        self.found = found
        totals = self.query_one("#backfill-totals", DeskTable)
        totals.set_rows((f"{line.kind}:{line.card_name}", line_cells(fmt, line))
                        for line in found.lines)
        totals.styles.height = 1 + min(len(found.lines), 9)
        self.query_one("#backfill-rows", DeskTable).set_rows(
            (row.id, [fmt.datetime(row.created_at), describe(fmt, row), state_text(row),
                      row.operator_name, source_text(row.source)]) for row in found.rows)
        if found.rows:
            hint = _("{key} reverses the selected back-fill · Esc close").format(
                key=key_of(self, "backfill_check.reverse"))
        else:
            hint = _("Nothing back-filled yet · Esc close")
        self.query_one("#backfill-hint", Static).update(Content(hint))
        self.refresh_bindings()

    def check_failed(self, error: SalonError) -> None:
        self.query_one("#backfill-hint", Static).update(Content(f"▲ {error.message}"))

    def selected(self) -> BackfillRow | None:
        key = self.query_one("#backfill-rows", DeskTable).current_key
        if self.found is None or key is None:
            return None
        return next((r for r in self.found.rows if str(r.id) == key), None)

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "reverse":
            return bool(self.found and self.found.rows)
        return True

    def action_reverse(self) -> None:
        row = self.selected()
        if row is None:
            return
        if row.reverses_id is not None or row.reversed_by is not None:
            self.query_one("#backfill-hint", Static).update(Content("▲ " + (
                _("This row reverses another back-fill; it cannot be reversed.")
                if row.reverses_id is not None else _("This back-fill was already reversed."))))
            return
        self.app.push_screen(ReverseBackfillDialog(row, describe(self.desk.formatter, row)),
                             callback=self.reversed)

    def reversed(self, result) -> None:
        if result is None:
            return
        self.changed = True
        self.load()

    def action_close(self) -> None:
        self.dismiss(True if self.changed else None)


class ReverseBackfillDialog(FormDialog):
    """The reason for reversing one back-fill (required); answers the reversing row's id."""

    title_text = _("Reverse back-fill")
    confirm_label = _("Reverse")

    def __init__(self, row: BackfillRow, what: str) -> None:
        super().__init__()
        self.row = row
        self.what = what

    def compose_body(self) -> ComposeResult:
        yield Static(Content(_("Take back {kind}: {what}. The back-fill stays in the "
                               "history, marked reversed.").format(
            kind=kind_label(self.row.kind), what=self.what)), classes="intro")
        yield Field(_("Reason"), DeskInput(id="reason", max_length=250), key="reason",
                    aliases=("backfill", "package"), required=True)

    def prepare(self):
        reason = self.value("reason")
        staff_id, backfill_id = self.staff_id, self.row.id

        def save(session: Session, approved_by: int | None = None) -> int:
            from salontui.store.books.backfill_reverse import reverse_backfill

            assert staff_id is not None
            return reverse_backfill(session, staff_id=staff_id, backfill_id=backfill_id,
                                    reason=reason, approved_by=approved_by)

        return save
