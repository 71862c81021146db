"""AppointmentBookScreen: the salon's day by staff member and time.

A time column (one row per slot, from the opening hours; the slot's length is a salon
setting) and a column per staff member who works that day, plus anyone with a visit
that day (marked off) and, when a line has nobody named, an "Anyone" column first. Each
line of a visit is a block (see :mod:`book_grid`). The arrows move between slots and
staff (and between two visits of one person at once); ``[`` and ``]`` change day, ``t``
comes back to today, ``g`` goes to a typed date. Enter on an empty slot books there
(``BookingDialog``), on a block shows the visit (its lines, its history, what can be
done with it); ``b`` books at the cursor even over a visit; ``i`` checks the visit in;
``w`` sets the staff member's working days (the week, and the day shown off or on).

The line under the grid says what the cursor is on. The book reads again whenever
anything is written, here or at another desk (``app.data_version``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, time, timedelta
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from salontui.i18n import N_, _, ngettext
from salontui.keymap import key_of
from salontui.screens.base import StoreCalls
from salontui.screens.commands import Command, binding_commands
from salontui.screens.day.book_grid import KEEP, DayGrid, GridColumn
from salontui.screens.day.live import LiveDay
from salontui.screens.dialogs.base import FormDialog
from salontui.store.errors import SalonError
from salontui.widgets.footer import DeskFooter
from salontui.widgets.header import desk_header

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.store.day.appointments import AppointmentRow
    from salontui.store.day.day_view import Block, DayBook
    from salontui.store.day.schedule import StaffColumn

WEEKDAYS = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"),
            N_("Saturday"), N_("Sunday"))
CONTEXT_ROWS = 2  # slots shown above the current time when today opens


class AppointmentBookScreen(LiveDay, StoreCalls, Screen[None]):
    """The day's book: slots down, staff across."""

    help_title = _("Appointment book")

    DEFAULT_CSS = """
    AppointmentBookScreen #book-head { height: 1; width: 1fr; padding: 0 1;
                                       text-style: bold; }
    AppointmentBookScreen #book-status { height: 1; width: 1fr; padding: 0 1; }
    """

    BINDINGS = [
        Binding("escape", "back", _("Back"), id="day.book.back", show=False),
        Binding("enter", "open", _("Open/Book"), id="day.book.open",
                tooltip=_("Show the visit under the cursor, or book the empty slot")),
        Binding("i", "check_in", _("Check in"), id="day.book.check_in",
                tooltip=_("Check the visit under the cursor in (to cashier)")),
        Binding("left_square_bracket", "day(-1)", _("Prev day"), id="day.book.prev_day",
                tooltip=_("Show the previous day")),
        Binding("right_square_bracket", "day(1)", _("Next day"), id="day.book.next_day",
                tooltip=_("Show the next day")),
        Binding("t", "today", _("Today"), id="day.book.today", tooltip=_("Show today")),
        Binding("g", "go_to", _("Date"), id="day.book.go_to",
                tooltip=_("Go to a date you type")),
        Binding("w", "work_days", _("Work days"), id="day.book.work_days",
                tooltip=_("The staff member's working days and days off")),
        Binding("b", "book_here", _("Book here"), id="day.book.book_here", show=False,
                tooltip=_("Book at the cursor, even over another visit")),
        Binding("up", "move(-1, 0)", _("Earlier slot"), id="day.book.up", show=False),
        Binding("down", "move(1, 0)", _("Later slot"), id="day.book.down", show=False),
        Binding("left", "move(0, -1)", _("Staff to the left"), id="day.book.left",
                show=False),
        Binding("right", "move(0, 1)", _("Staff to the right"), id="day.book.right",
                show=False),
        Binding("pageup", "page(-1)", _("A page earlier"), id="day.book.page_up",
                show=False),
        Binding("pagedown", "page(1)", _("A page later"), id="day.book.page_down",
                show=False),
        Binding("home", "edge(0)", _("First slot"), id="day.book.first", show=False),
        Binding("end", "edge(1)", _("Last slot"), id="day.book.last", show=False),
        Binding("r", "reload", _("Reload"), id="day.book.reload", show=False,
                tooltip=_("Read the day again")),
    ]

    def __init__(self, day: date | None = None) -> None:
        super().__init__()
        self.day = day
        self.book: DayBook | None = None
        self.placed_day: date | None = None  # the day the cursor was placed for
        # The days either side of the one shown, read ahead (each with the data version it
        # was read at): [ and ] show them at once, with no round trip to the store.
        self.ahead: dict[date, tuple[int, DayBook]] = {}

    def compose(self) -> ComposeResult:
        yield desk_header()
        yield Static("", id="book-head")
        yield DayGrid(id="book-grid")
        yield Static("", id="book-status")
        yield DeskFooter()

    @property
    def grid(self) -> DayGrid:
        return self.query_one(DayGrid)

    def on_mount(self) -> None:
        self.title = _("Appointment book")
        self.grid.cursor_moved = self.show_status
        self.grid.focus()
        self.watch(self.app, "data_version", self.data_changed, init=False)
        # The current time's mark moves down a slot as the day goes (drawn only then:
        # an idle desk sends nothing).
        self.set_interval(30, self.tick)
        self.load()

    def tick(self) -> None:
        grid, book = self.grid, self.book
        if book is None:
            return
        row = self.now_row(book)
        if row != grid.now_row:
            grid.now_row = row
            grid.refresh()

    # -- the day ------------------------------------------------------------------------
    def shown_day(self) -> date:
        if self.day is None:
            self.day = self.today()
        return self.day

    def load(self) -> None:
        day = self.shown_day()
        self.show_head(day, loading=self.book is None or self.book.day != day)
        self.ask(self.reader(day), self.show_book, failed=self.book_failed)

    def reader(self, day: date) -> Callable[[Session], DayBook]:
        branch_id = self.desk.branch_id

        def read(session: Session) -> DayBook:
            from salontui.store.day.day_view import day_book

            return day_book(session, day, branch_id)

        return read

    def read_ahead(self, day: date) -> None:
        """Read the days before and after ``day`` in the background (not already read at
        this data version)."""
        version = self.desk.data_version
        self.ahead = {d: kept for d, kept in self.ahead.items()
                      if kept[0] == version and abs((d - day).days) <= 1}
        for step in (1, -1):
            wanted = day + timedelta(days=step)
            if wanted in self.ahead:
                continue

            def keep(book: DayBook, version: int = version) -> None:
                if self.desk.data_version == version:
                    self.ahead[book.day] = (version, book)

            self.ask(self.reader(wanted), keep, failed=lambda _error: None,
                     crashed=lambda _error: None, tag=f"read-ahead{step}")

    def book_failed(self, error: SalonError) -> None:
        self.query_one("#book-head", Static).update(Content(f"▲ {error.message}"),
                                                    layout=False)

    def show_head(self, day: date, *, loading: bool = False) -> None:
        fmt = self.desk.formatter
        parts = [f"{_(WEEKDAYS[day.weekday()])} {fmt.date(day)}"]
        if day == self.today():
            parts[0] += " " + _("(today)")
        book = self.book if self.book is not None and self.book.day == day else None
        if loading or book is None:
            parts.append(_("Loading…"))
        elif book.closed:
            parts.append(_("closed"))
        else:
            parts.append(f"{clock_text(book.opens)}-{clock_text(book.closes)}")
        if book is not None and not loading:
            visits = book.appointment_count()
            parts.append(ngettext("{n} visit", "{n} visits", visits).format(n=visits))
        # One line of fixed height: no layout pass (every day change redraws it).
        self.query_one("#book-head", Static).update(Content(" · ".join(parts)), layout=False)

    def show_book(self, book: DayBook) -> None:
        if book.day != self.day:
            return  # the day changed again while this one was read
        grid = self.grid
        keep = self.placed_day == book.day
        shown = grid.current_column()
        before = shown.staff_id if keep and shown is not None else KEEP
        minute = grid.cursor_minute() if keep else None
        self.book = book
        columns = []
        if book.unassigned or not book.columns:  # a day nobody works still books "anyone"
            columns.append(GridColumn(None, _("Anyone")))
        for c in book.columns:
            title = c.name if c.working else _("{name} (off)").format(name=c.name)
            columns.append(GridColumn(c.id, title, c.working))
        grid.show(book, columns, now_row=self.now_row(book))
        if keep and minute is not None:
            grid.place_cursor(row=(minute - book.first_minute) // book.slot_minutes,
                              staff_id=before, lane=grid.lane)
        else:
            self.placed_day = book.day
            row = self.now_row(book)
            if row is None and book.opens is not None:
                from salontui.store.day.schedule import minutes_of

                row = (minutes_of(book.opens) - book.first_minute) // book.slot_minutes
            grid.top = max(0, (row or 0) - CONTEXT_ROWS)
            grid.place_cursor(row=row or 0, staff_id=columns[0].staff_id if columns else KEEP)
        self.show_head(book.day)
        self.show_status()
        self.read_ahead(book.day)

    def now_row(self, book: DayBook) -> int | None:
        """The slot of the current time, when the day shown is today."""
        from salontui.store import clock

        now = self.desk.formatter.local(clock.now())
        if now.date() != book.day:
            return None
        minute = now.hour * 60 + now.minute
        if not book.first_minute <= minute < book.last_minute:
            return None
        return (minute - book.first_minute) // book.slot_minutes

    def show_status(self) -> None:
        """What the cursor is on, in words, under the grid."""
        status = self.query_one("#book-status", Static)
        grid, book = self.grid, self.book
        if book is None:
            status.update("", layout=False)
            return
        column = grid.current_column()
        placed = grid.at_cursor()
        if column is None:
            status.update(Content(_("Nobody works this day.")), layout=False)
            return
        if placed is not None:
            status.update(Content(self.block_words(placed.block, column.title)),
                          layout=False)
            return
        minute = grid.cursor_minute() or 0
        status.update(Content(_("{time} {staff}: free · {key} books").format(
            time=f"{minute // 60 % 24:02d}:{minute % 60:02d}", staff=column.title,
            key=key_of(self, "day.book.open"))), layout=False)

    def block_words(self, block: Block, staff: str) -> str:
        from salontui.screens.dialogs.labels import stored_label
        from salontui.store.kinds import APPOINTMENT_STATUS_LABELS

        words = [f"{block.starts:%H:%M}-{block.ends:%H:%M}", block.label,
                 f"{block.customer_name} …{block.phone_tail}" if block.phone_tail
                 else block.customer_name,
                 stored_label(APPOINTMENT_STATUS_LABELS, block.status), staff]
        if block.note:
            words.append(block.note)
        return " · ".join(words)

    # -- live refresh ---------------------------------------------------------------
    def on_screen_resume(self) -> None:
        self.reload_if_stale()

    # -- keys -----------------------------------------------------------------------
    def action_move(self, rows: int, columns: int) -> None:
        self.grid.move(rows, columns)

    def action_page(self, step: int) -> None:
        grid = self.grid
        grid.move(step * grid.page_height, 0)

    def action_edge(self, where: int) -> None:
        grid = self.grid
        grid.place_cursor(row=0 if where == 0 else grid.rows - 1, lane=grid.lane)


    def action_day(self, step: int) -> None:
        self.go_to(self.shown_day() + timedelta(days=step))

    def action_today(self) -> None:
        self.go_to(self.today())

    def go_to(self, day: date) -> None:
        """Show ``day``: at once if it was read ahead (and nothing was written since)."""
        self.day = day
        kept = self.ahead.get(day)
        if kept is not None and kept[0] == self.desk.data_version:
            self.show_book(kept[1])
            return
        self.load()

    def action_go_to(self) -> None:
        def chosen(day: date | None) -> None:
            if day is not None:
                self.go_to(day)

        self.app.push_screen(GoToDateDialog(self.shown_day()), callback=chosen)

    def action_reload(self) -> None:
        self.load()

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.dismiss(None)

    def on_day_grid_clicked(self, event: DayGrid.Clicked) -> None:
        if event.chosen:
            self.action_open()

    def action_open(self) -> None:
        placed = self.grid.at_cursor()
        if placed is not None:
            self.open_visit(placed.block.appointment_id)
        else:
            self.action_book_here()

    def action_book_here(self) -> None:
        grid, book = self.grid, self.book
        column = grid.current_column()
        minute = grid.cursor_minute()
        if book is None or column is None or minute is None:
            return
        starts_at = book.utc_of(minute)
        try:
            from salontui.screens.day.booking import BookingDialog
        except ImportError:
            self.desk.notify(_("Booking is not available on this desk yet."), timeout=4)
            return
        self.app.push_screen(BookingDialog(starts_at=starts_at, staff_id=column.staff_id),
                             callback=self.booked)

    def booked(self, row: AppointmentRow | None) -> None:
        if row is None:
            return
        day = self.desk.formatter.local(row.starts_at).date()
        if day != self.day:
            self.day = day
        self.bump()  # this book reads again (the visit's day), and every list behind it

    def open_visit(self, appointment_id: int) -> None:
        from salontui.screens.day.visit_dialog import VisitDialog

        def closed(changed: bool | None) -> None:
            if changed:
                self.load()

        self.app.push_screen(VisitDialog(appointment_id), callback=closed)

    def action_check_in(self) -> None:
        from salontui.screens.day.visit_actions import check_in

        placed = self.grid.at_cursor()
        if placed is None:
            self.desk.notify(_("Put the cursor on a visit to check it in."), timeout=3)
            return

        def done(_row: AppointmentRow) -> None:
            self.bump()  # this book reads again, and every list behind it

        check_in(self, placed.block.appointment_id, done=done)

    def action_work_days(self) -> None:
        """The working days of the cursor's staff member; on the "Anyone" column (or a
        day nobody works), of a staff member chosen first."""
        column = self.grid.current_column()
        book = self.book
        if book is None:
            return
        staff = next((c for c in book.columns
                      if column is not None and c.id == column.staff_id), None)
        if staff is not None:
            self.edit_work_days(staff)
            return
        day, branch_id = book.day, self.desk.branch_id

        def read(session: Session) -> list[StaffColumn]:
            from salontui.store.day.schedule import staff_on

            return staff_on(session, day, branch_id)

        def choose(everyone: list[StaffColumn]) -> None:
            from salontui.screens.day.work_days import ChooseStaffDialog

            def chosen(member: StaffColumn | None) -> None:
                if member is not None:
                    self.edit_work_days(member)

            self.app.push_screen(ChooseStaffDialog(everyone), callback=chosen)

        self.ask(read, choose)

    def edit_work_days(self, staff: StaffColumn) -> None:
        from salontui.screens.day.work_days import WorkDaysDialog

        def saved(result: object) -> None:
            if result is not None:
                self.bump()

        self.app.push_screen(WorkDaysDialog(staff, self.shown_day()), callback=saved)

    def bump(self) -> None:
        """This desk wrote: the book and the lists behind it read again (another desk's
        writes come by the app's change watcher)."""
        desk = self.desk
        if hasattr(desk, "data_version"):
            desk.data_version += 1

    def palette_commands(self):
        return binding_commands(self, (
            Command("day.book.open", _("Open or book the slot"),
                    _("The visit under the cursor, or a booking there")),
            Command("day.book.book_here", _("Book at the cursor"),
                    _("Even over another visit")),
            Command("day.book.check_in", _("Check in the visit"), _("To cashier")),
            Command("day.book.prev_day", _("Show previous day")),
            Command("day.book.next_day", _("Show next day")),
            Command("day.book.today", _("Show today")),
            Command("day.book.go_to", _("Go to a date")),
            Command("day.book.work_days", _("Set working days"),
                    _("The staff member's week and days off")),
        ))


class GoToDateDialog(FormDialog):
    """A date typed as the salon writes it (or YYYY-MM-DD); answers the date."""

    title_text = _("Go to date")
    confirm_label = _("Go")

    def __init__(self, day: date) -> None:
        super().__init__()
        self.day = day

    def compose_body(self) -> ComposeResult:
        from salontui.widgets.inputs import DeskInput, Field

        yield Field(_("Date"), DeskInput(placeholder=self.formatter.date_hint(),
                                         id="go-date", max_length=20),
                    key="date", required=True)

    def prepare(self):
        day = self.formatter.parse_date(self.value("date"), field="date")
        self.dismiss(day)
        return None


def clock_text(moment: time | None) -> str:
    """A time of day as the book shows it ("09:00"; midnight at closing is "24:00")."""
    if moment is None:
        return ""
    return "24:00" if moment == time.max else f"{moment:%H:%M}"
