"""TodayScreen: the desk's Today board, the first thing a receptionist sees.

The salon's day by state (:func:`salontui.store.day.today.today_board`): the counts at
the top, a row of filters under them (``1`` expected, ``2`` arrived, waiting at the
cashier, ``3`` paid, walk-ins checked out today among them, ``4`` no-show and cancelled,
``5`` paid today and not followed up, ``0`` the whole day), then the visits, each with its
time, customer, services, staff and state ("to cashier" for a visit checked in). Under
the list, the selected visit: its phone, its lines with who recorded each, its invoice
and who collected it, and the keys that apply to it.

Keys: ``i`` checks the selected expected visit in (one key: it reads "to cashier");
Enter opens the checkout of an arrived visit (with its lines), else the customer (an
anonymous walk-in: its invoice); ``r`` records lines on an arrived visit (the technician,
signed in as themselves); ``n`` no-show; ``x`` cancel (with a reason); ``v`` the visit's
lines and history (those three and check-in are the book's own helpers,
:mod:`visit_actions`); ``f`` the follow-up of a paid visit; ``b`` the appointment book;
``R`` the reminders due (their count is on the board); ``/`` or ``s`` (or Escape) go down
to the customer search. The board reads again whenever anything is written, here or at
another desk.
"""

from __future__ import annotations

from datetime import date
from time import monotonic
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from salontui.i18n import N_, _, ngettext
from salontui.keymap import key_of
from salontui.screens.base import StoreCalls
from salontui.screens.commands import Command, PaletteEntry, binding_commands
from salontui.screens.day.live import LiveDay
from salontui.store.errors import SalonError
from salontui.widgets.footer import DeskFooter
from salontui.widgets.header import desk_header
from salontui.widgets.tables import Cell, Col, DeskTable

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.store.day.appointments import AppointmentRow
    from salontui.store.day.today import BoardRow, TodayBoard

ALL = "all"
FOLLOW_UP = "not_followed_up"
# The filters of the tab row, in the order of their keys (1..5, then 0: the whole day).
FILTERS = (
    ("expected", "1", N_("Expected"), N_("Show the visits expected")),
    ("arrived", "2", N_("Arrived"), N_("Show the visits waiting at the cashier")),
    ("paid", "3", N_("Paid"), N_("Show the visits paid and the walk-ins")),
    ("no_show", "4", N_("No-show"), N_("Show the no-shows and the visits cancelled")),
    (FOLLOW_UP, "5", N_("To follow up"), N_("Show the visits paid today not followed up")),
    (ALL, "0", N_("All"), N_("Show the whole day")),
)
REMINDERS_EVERY = 60.0  # seconds: the reminders' count is read again at most this often
WEEKDAYS = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"),
            N_("Saturday"), N_("Sunday"))


def state_text(row: BoardRow) -> str:
    """A visit's state as the board says it."""
    if row.state == "arrived":
        return _("to cashier")
    if row.state == "paid":
        return _("paid, follow up") if row.needs_follow_up else _("paid")
    return {"expected": _("expected"), "no_show": _("no-show"),
            "cancelled": _("cancelled")}.get(row.state, row.state)


def line_text(line) -> str:
    """One line of a visit with who did it and who recorded it."""
    text = line.label
    if line.kind == "redeem":
        text = _("{service}, a package session").format(service=line.label)
    elif line.kind == "product" and line.quantity != 1:
        text = f"{line.label} ×{line.quantity}"
    who = []
    if line.staff_name:
        who.append(line.staff_name)
    if line.recorded_by_name:
        who.append(_("recorded by {name}").format(name=line.recorded_by_name))
    return f"{text} ({', '.join(who)})" if who else text


class TodayScreen(LiveDay, StoreCalls, Screen[None]):
    """Today's visits by state; check in, open the checkout, record, follow up."""

    help_title = _("Today")

    DEFAULT_CSS = """
    TodayScreen #today-head { height: 1; padding: 0 1; text-style: bold; }
    TodayScreen #today-tabs { height: auto; padding: 0 1; }
    TodayScreen #today-table { height: 1fr; }
    TodayScreen #today-detail { height: auto; max-height: 3; padding: 0 1; }
    TodayScreen #today-hint { height: 1; padding: 0 1; color: $text-muted; }
    """

    BINDINGS = [
        Binding("i", "check_in", _("Check in"), id="day.today.check_in",
                tooltip=_("Check the selected visit in: it goes to the cashier")),
        Binding("enter", "open", _("Open"), id="day.today.open",
                tooltip=_("The checkout of an arrived visit, else the customer")),
        Binding("r", "record", _("Record"), id="day.today.record",
                tooltip=_("Record services, sessions and products on an arrived visit")),
        Binding("f", "follow_up", _("Follow up"), id="day.today.follow_up",
                tooltip=_("The follow-up of a paid visit")),
        Binding("b", "book", _("Book"), id="day.today.book",
                tooltip=_("The appointment book")),
        Binding("slash,s", "search", _("Search"), id="day.today.search",
                tooltip=_("The customer search")),
        Binding("n", "no_show", _("No-show"), id="day.today.no_show", show=False,
                tooltip=_("Mark the selected visit a no-show")),
        Binding("x", "cancel_visit", _("Cancel visit"), id="day.today.cancel", show=False,
                tooltip=_("Cancel the selected visit, with a reason")),
        Binding("v", "show_visit", _("Visit"), id="day.today.visit", show=False,
                tooltip=_("The visit's lines and history")),
        Binding("R", "reminders", _("Reminders"), id="day.today.reminders", show=False,
                tooltip=_("Callbacks, birthdays, packages expiring, debts")),
        Binding("escape", "search", _("Search"), id="day.today.back", show=False,
                tooltip=_("Back to the customer search")),
        *(Binding(key, f"show('{name}')", _(label), id=f"day.today.show_{name}", show=False,
                  tooltip=_(tip)) for name, key, label, tip in FILTERS),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.board: TodayBoard | None = None
        self.filter = ALL
        self.shown: list[BoardRow] = []
        self.reminders: int | None = None  # reminders due (None: not known)
        self.reminders_due_at: float | None = None  # when to count them again (monotonic)
        self.loading = False

    def compose(self) -> ComposeResult:
        yield desk_header()
        yield Static(Content(_("Loading…")), id="today-head")
        yield Static("", id="today-tabs")
        yield DeskTable([
            Col("time", _("Time"), 5),
            Col("customer", _("Customer"), 14, grow=1, max_width=26),
            Col("services", _("Services"), None, min_width=12),
            Col("staff", _("Staff"), 10, grow=1, max_width=20, prose=True),
            Col("state", _("State"), 10),
        ], id="today-table")
        yield Static("", id="today-detail")
        yield Static("", id="today-hint")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.sub_title = _("Today")
        self.query_one(DeskTable).focus()
        self.watch(self.app, "data_version", self.data_changed)
        self.load()

    # -- reading ------------------------------------------------------------------------
    def on_screen_resume(self) -> None:
        self.query_one(DeskTable).focus()
        self.reminders_due_at = None  # back from the reminders (or elsewhere): count again
        if not self.reload_if_stale() and self.board is not None:
            self.reminders_due_at = monotonic() + REMINDERS_EVERY
            self.count_reminders(self.board.day)

    def load(self) -> None:
        if self.desk.engine is None:
            return
        day, branch_id = self.today(), self.desk.branch_id

        def read(session: Session) -> TodayBoard:
            from salontui.store.day.today import today_board

            return today_board(session, day=day, branch_id=branch_id)

        self.ask(read, self.show_board, failed=self.board_failed)

    @staticmethod
    def _count_reminders(day: date, branch_id: int | None):
        def count(session: Session) -> int | None:
            try:
                from salontui.store.day.reminders import count_reminders_due
            except ImportError:  # pragma: no cover - the reminders are another module's
                return None
            return count_reminders_due(session, day, branch_id).total

        return count

    def board_failed(self, error: SalonError) -> None:
        self.query_one("#today-head", Static).update(Content(f"▲ {error.message}"))

    def show_reminders(self, count: int | None) -> None:
        self.reminders = count
        self.show_head()

    def show_board(self, board: TodayBoard) -> None:
        self.board = board
        self.show_head()
        self.show_rows()
        if self.reminders_due_at is None or monotonic() >= self.reminders_due_at:
            # Counted once the board is on the screen (it never delays the board), again a
            # minute later at the earliest, or when the board is shown again.
            self.reminders_due_at = monotonic() + REMINDERS_EVERY
            self.call_after_refresh(self.count_reminders, board.day)

    def count_reminders(self, day: date) -> None:
        self.ask(self._count_reminders(day, self.desk.branch_id), self.show_reminders,
                 failed=lambda _error: None, crashed=lambda _error: None)

    # -- drawing ------------------------------------------------------------------------
    def show_head(self) -> None:
        board = self.board
        if board is None:
            return
        fmt = self.desk.formatter
        parts = [_("Today, {weekday} {day}").format(
            weekday=_(WEEKDAYS[board.day.weekday()]), day=fmt.date(board.day))]
        cancelled = board.counts.get("cancelled", 0)
        if cancelled:
            parts.append(_("{n} cancelled").format(n=cancelled))
        if self.reminders:
            parts.append(ngettext("{n} reminder due ({key})", "{n} reminders due ({key})",
                                  self.reminders).format(
                n=self.reminders, key=key_of(self, "day.today.reminders")))
        self.query_one("#today-head", Static).update(Content(" · ".join(parts)))
        tabs: list[Content | str | tuple[str, str]] = []
        for name, _key, label, _tip in FILTERS:  # one space apart: 80 columns in every language
            key = key_of(self, f"day.today.show_{name}")
            text = f"{_(label)} {self.count_of(name)}"
            if name == self.filter:
                tabs.append((f"{key} {text}", "bold reverse"))
            else:
                tabs.extend(((key, "bold"), f" {text}"))
            tabs.append(" ")
        self.query_one("#today-tabs", Static).update(Content.assemble(*tabs))

    def count_of(self, name: str) -> int:
        board = self.board
        if board is None:
            return 0
        if name == ALL:
            return len(board.rows)
        if name == FOLLOW_UP:
            return len(board.not_followed_up)
        if name == "no_show":
            return board.counts.get("no_show", 0) + board.counts.get("cancelled", 0)
        return board.counts.get(name, 0)

    def rows_of(self, name: str) -> list[BoardRow]:
        board = self.board
        if board is None:
            return []
        if name == ALL:
            return list(board.rows)
        if name == FOLLOW_UP:
            return list(board.not_followed_up)
        if name == "no_show":
            return [r for r in board.rows if r.state in ("no_show", "cancelled")]
        return board.of(name)

    def show_rows(self, *, keep_cursor: bool = True) -> None:
        fmt = self.desk.formatter
        self.shown = self.rows_of(self.filter)
        table_rows = []
        for row in self.shown:
            state = state_text(row)
            bold = row.state == "arrived" or row.needs_follow_up
            table_rows.append((row.key, [
                fmt.local(row.starts_at).strftime("%H:%M"),
                row.customer_name, row.services, row.staff_name or "",
                Cell(state, "bold") if bold else state,
            ]))
        self.query_one(DeskTable).set_rows(table_rows, keep_cursor=keep_cursor)
        self.show_selected()

    def selected(self) -> BoardRow | None:
        key = self.query_one(DeskTable).current_key
        return next((r for r in self.shown if r.key == key), None)

    def on_desk_table_row_highlighted(self, event: DeskTable.RowHighlighted) -> None:
        event.stop()
        self.show_selected()

    def show_selected(self) -> None:
        row = self.selected()
        detail = self.query_one("#today-detail", Static)
        hint = self.query_one("#today-hint", Static)
        if row is None:
            empty = _("No visits today yet.") if self.filter == ALL else _("None.")
            detail.update(Content(empty))
            hint.update(Content(_("{book} the appointment book · {search} the customer "
                                  "search").format(book=key_of(self, "day.today.book"),
                                                   search=key_of(self, "day.today.search"))))
            return
        fmt = self.desk.formatter
        first = [row.customer_name]
        if row.phone:
            first.append(fmt.phone(row.phone))
        if row.invoice_code:
            first.append(_("invoice {code} collected by {name}").format(
                code=row.invoice_code, name=row.collected_by or "—")
                if row.collected_by else _("invoice {code}").format(code=row.invoice_code))
        if row.state == "cancelled" and row.reason:
            first.append(_("cancelled: {reason}").format(reason=row.reason))
        elif row.note:
            first.append(row.note)
        lines = " · ".join(line_text(line) for line in row.lines) or row.services
        detail.update(Content("\n".join(x for x in (" · ".join(first), lines) if x)))
        hint.update(Content(self.hint_for(row)))

    def hint_for(self, row: BoardRow) -> str:
        def key(name: str) -> str:
            return key_of(self, f"day.today.{name}")

        if row.state == "expected":
            return _("{check_in} check in · {no_show} no-show · {cancel} cancel · {open} "
                     "customer").format(check_in=key("check_in"), no_show=key("no_show"),
                                        cancel=key("cancel"), open=key("open"))
        if row.state == "arrived":
            return _("{open} checkout · {record} record what was done").format(
                open=key("open"), record=key("record"))
        if row.needs_follow_up:
            return _("{follow_up} follow up · {open} customer").format(
                follow_up=key("follow_up"), open=key("open"))
        if row.walk_in and row.customer_id is None:
            return _("{open} invoice").format(open=key("open"))
        return _("{open} customer").format(open=key("open"))

    # -- filters ------------------------------------------------------------------------
    def action_show(self, name: str) -> None:
        if name == self.filter:
            return
        self.filter = name
        self.show_head()
        self.show_rows(keep_cursor=False)

    # -- actions on the selected visit ------------------------------------------------
    def _visit(self, states: tuple[str, ...], refusal: str) -> BoardRow | None:
        row = self.selected()
        if row is None or row.appointment_id is None or row.state not in states:
            self.app.notify(refusal, timeout=4)
            return None
        return row

    def action_check_in(self) -> None:
        row = self._visit(("expected",), _("Choose an expected visit to check in."))
        if row is not None and row.appointment_id is not None:
            from salontui.screens.day.visit_actions import check_in

            check_in(self, row.appointment_id, self.changed)

    def action_no_show(self) -> None:
        row = self._visit(("expected",), _("Choose an expected visit to mark a no-show."))
        if row is not None and row.appointment_id is not None:
            from salontui.screens.day.visit_actions import no_show

            no_show(self, row.appointment_id, self.changed)

    def action_cancel_visit(self) -> None:
        row = self._visit(("expected",), _("Choose an expected visit to cancel."))
        if row is not None and row.appointment_id is not None:
            from salontui.screens.day.visit_actions import cancel_visit

            cancel_visit(self, row.appointment_id, self.changed)

    def action_show_visit(self) -> None:
        row = self._visit(("expected", "arrived", "paid", "no_show", "cancelled"),
                          _("Choose a visit (a walk-in has no visit: Enter opens it)."))
        if row is not None and row.appointment_id is not None:
            from salontui.screens.day.visit_actions import show_visit

            show_visit(self, row.appointment_id)

    def changed(self, _row: AppointmentRow | None = None) -> None:
        """A visit changed here: read the board again at once."""
        self.load()

    def action_open(self) -> None:
        row = self.selected()
        if row is None:
            return
        if row.state == "arrived" and row.appointment_id is not None:
            from salontui.screens.checkout.screen import CheckoutScreen

            self.app.push_screen(CheckoutScreen(row.customer_id,
                                                appointment_id=row.appointment_id),
                                 callback=self.changed)
            return
        if row.customer_id is None:
            if row.invoice_id is not None:
                from salontui.screens.dialogs.invoice import InvoiceDialog

                self.app.push_screen(InvoiceDialog(row.invoice_id))
            return
        self.open_customer(row.customer_id)

    def on_desk_table_row_selected(self, event: DeskTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def open_customer(self, customer_id: int) -> None:
        """The customer's detail, as the search opens it (one detail screen, reused)."""
        from salontui.screens.search import CustomerSearchScreen

        search = next((s for s in self.app.screen_stack
                       if isinstance(s, CustomerSearchScreen)), None)
        if search is not None:
            search.open_customer(customer_id)
            return
        from salontui.screens.detail import CustomerDetailScreen

        detail = CustomerDetailScreen()
        detail.show(customer_id)
        self.app.push_screen(detail)

    def action_record(self) -> None:
        row = self._visit(("arrived",), _("Choose an arrived visit to record what was done."))
        if row is None or row.appointment_id is None:
            return
        from salontui.screens.day.record_visit import RecordVisitDialog

        self.app.push_screen(RecordVisitDialog(row.appointment_id), callback=self.changed)

    def action_follow_up(self) -> None:
        row = self.selected()
        if row is None or not row.needs_follow_up or row.appointment_id is None:
            self.app.notify(_("Choose a paid visit that is not followed up."), timeout=4)
            return
        from salontui.screens.day.follow_up import FollowUpDialog

        self.app.push_screen(FollowUpDialog(row.appointment_id), callback=self.changed)

    # -- other screens ------------------------------------------------------------------
    def action_book(self) -> None:
        try:
            from salontui.screens.day.book import AppointmentBookScreen
        except ImportError:  # pragma: no cover - until the book is there
            self.app.notify(_("The appointment book is not available."), timeout=4)
            return
        self.app.push_screen(AppointmentBookScreen())

    def action_reminders(self) -> None:
        try:
            from salontui.screens.day.reminders import RemindersScreen
        except ImportError:  # pragma: no cover - until the reminders are there
            self.app.notify(_("The reminders are not available."), timeout=4)
            return
        self.app.push_screen(RemindersScreen())

    def action_search(self) -> None:
        """Down to the customer search (the screen under the board); a checkout on the way
        is never closed (its cart would be lost): it is shown instead."""
        from salontui.screens.checkout.screen import CheckoutScreen
        from salontui.screens.search import CustomerSearchScreen

        stack = self.app.screen_stack
        if not any(isinstance(s, CustomerSearchScreen) for s in stack[:-1]):
            self.app.push_screen(CustomerSearchScreen())
            return
        while not isinstance(self.app.screen, CustomerSearchScreen | CheckoutScreen):
            self.app.pop_screen()

    def palette_commands(self) -> list[PaletteEntry]:
        return binding_commands(self, (
            Command("day.today.check_in", _("Check in the visit"),
                    _("The selected expected visit goes to the cashier")),
            Command("day.today.open", _("Open the visit"),
                    _("The checkout of an arrived visit, else the customer")),
            Command("day.today.record", _("Record what was done"),
                    _("Services, sessions and products on an arrived visit")),
            Command("day.today.follow_up", _("Follow up the visit"),
                    _("The follow-up of a paid visit")),
            Command("day.today.no_show", _("Mark a no-show"), _("The selected visit")),
            Command("day.today.cancel", _("Cancel the visit"), _("With a reason")),
            Command("day.today.visit", _("Show the visit"), _("Its lines and history")),
            Command("day.today.book", _("Open the appointment book")),
            Command("day.today.reminders", _("Show the reminders due")),
            Command("day.today.search", _("Find a customer"), _("The customer search")),
            *(Command(f"day.today.show_{name}", _("Show visits: {what}").format(what=_(label)))
              for name, _key, label, _tip in FILTERS),
        ))
