"""DayGrid: the appointment book's day, drawn line by line.

A fixed time column (one row per slot, the current time's row marked with ``>`` and
reverse video) and one column per staff member, each visit's line a block over the
slots it covers: the customer on its first row, the service on the next, then its
time and the phone's last digits. A block's colour says its status and so does its
first character (``·`` booked, ``»`` checked in, ``√`` paid, ``!`` no-show), so the
book reads in 16 colours, on the Linux console and without colour at all. Two visits
of one person at once sit side by side in the column (lanes).

Columns are at least :data:`MIN_COLUMN` cells wide (wider with lanes, and sharing
the room left): what does not fit scrolls sideways with the cursor, the time column
staying put (``<`` and ``>`` in the header say there is more). Only the lines on screen
are drawn (Textual's line API), each as one strip of known length, from a layout made
once per day read: a day of 30 staff and 400 visits draws in a few milliseconds.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget

from salontui.store.day.day_view import Block, DayBook
from salontui.widgets.tables import fit

TIME_WIDTH = 6  # ">09:15"
MIN_COLUMN = 16  # a staff column, its separator included
MAX_COLUMN = 32  # the most a column (a lane of it) widens to on a wide screen
LANE_MIN = 5  # a lane's least width ("·Khá…"), in a column with visits side by side
SEPARATOR = "│"
KEEP = -1  # place_cursor: stay in the column (no staff member has this id)
MARKERS = {"booked": "·", "checked_in": "»", "paid": "√", "no_show": "!"}
# The 16 ANSI colours: the same on the Linux console and in any terminal's palette.
STATUS_STYLES = {
    "booked": "bold white on blue",
    "checked_in": "bold black on yellow",
    "paid": "black on green",
    "no_show": "white on red",
}


@lru_cache(maxsize=64)
def _style(text: str) -> Style:
    return Style.parse(text) if text else Style()


@dataclass(frozen=True)
class GridColumn:
    """A column of the grid: a staff member (None: lines booked with nobody named)."""

    staff_id: int | None
    title: str
    working: bool = True


@dataclass(frozen=True)
class Placed:
    """A block where it is drawn: its column, lane, first row and number of rows."""

    block: Block
    column: int
    lane: int
    first_row: int
    rows: int


def block_text(block: Block, offset: int, rows: int) -> str:
    """What row ``offset`` of a block ``rows`` high says."""
    marker = MARKERS.get(block.status, "?")
    if rows == 1:
        return f"{marker}{block.customer_name} {block.label}"
    if offset == 0:
        return f"{marker}{block.customer_name}"
    if offset == 1:
        return f" {block.label}"
    if offset == 2:
        return f" {block.starts:%H:%M}-{block.ends:%H:%M}"
    if offset == 3 and block.phone_tail:
        return f" …{block.phone_tail}"
    return ""


class DayGrid(Widget, can_focus=True):
    """The day's grid; the screen owns the keys and moves the cursor with :meth:`move`."""

    DEFAULT_CSS = """
    DayGrid { height: 1fr; width: 1fr; }
    """

    class Clicked(Message):
        """A cell was clicked (``chosen``: a second click on the cursor's cell)."""

        def __init__(self, grid: DayGrid, chosen: bool) -> None:
            super().__init__()
            self.grid = grid
            self.chosen = chosen

        @property
        def control(self) -> DayGrid:
            return self.grid

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.book: DayBook | None = None
        self.columns: list[GridColumn] = []
        self.lanes: list[int] = []
        # cover[column][row][lane] = (placed, offset) or None; rows without a block absent
        self.cover: list[dict[int, list[tuple[Placed, int] | None]]] = []
        self.placed: list[Placed] = []
        self.row = 0  # the cursor: slot, column, lane
        self.column = 0
        self.lane = 0
        self.top = 0  # the first slot and column on screen
        self.left = 0
        self.now_row: int | None = None
        self.cursor_moved: Callable[[], None] | None = None  # the screen's status line

    # -- data -------------------------------------------------------------------------
    @property
    def rows(self) -> int:
        return self.book.slots if self.book is not None else 0

    def show(self, book: DayBook, columns: list[GridColumn], *, now_row: int | None) -> None:
        """Lay out a day read: blocks to columns and lanes; the cursor stays within it."""
        self.book, self.columns, self.now_row = book, columns, now_row
        index = {c.staff_id: i for i, c in enumerate(columns)}
        rows, slot, first = book.slots, book.slot_minutes, book.first_minute
        spans: dict[int, list[tuple[int, int, Block]]] = defaultdict(list)
        for block in book.blocks:
            column = index.get(block.staff_id)
            if column is None:
                continue
            top = min(rows - 1, max(0, (block.start_minute - first) // slot))
            end = min(block.end_minute, book.last_minute)
            bottom = min(rows - 1, max(top, (end - 1 - first) // slot))
            spans[column].append((top, bottom, block))
        self.lanes = [1] * len(columns)
        self.cover = []
        self.placed = []
        for column in range(len(columns)):
            ends: list[int] = []  # the last row of each lane
            placed: list[Placed] = []
            for top, bottom, block in sorted(spans.get(column, ()), key=lambda s: s[:2]):
                lane = next((n for n, end in enumerate(ends) if end < top), len(ends))
                if lane == len(ends):
                    ends.append(bottom)
                else:
                    ends[lane] = bottom
                placed.append(Placed(block, column, lane, top, bottom - top + 1))
            lanes = max(1, len(ends))
            self.lanes[column] = lanes
            cover: dict[int, list[tuple[Placed, int] | None]] = {}
            for p in placed:
                for offset in range(p.rows):
                    cells = cover.get(p.first_row + offset)
                    if cells is None:
                        cells = cover[p.first_row + offset] = [None] * lanes
                    cells[p.lane] = (p, offset)
            self.cover.append(cover)
            self.placed += placed
        self.row = max(0, min(self.row, rows - 1))
        self.column = max(0, min(self.column, len(columns) - 1))
        self.lane = max(0, min(self.lane, self.lanes[self.column] - 1 if columns else 0))
        self.scroll_to_cursor()
        self.refresh()

    def at_cursor(self) -> Placed | None:
        """The block under the cursor, if any."""
        if not self.cover or not 0 <= self.column < len(self.cover):
            return None
        cells = self.cover[self.column].get(self.row)
        cell = cells[self.lane] if cells is not None and self.lane < len(cells) else None
        return cell[0] if cell is not None else None

    def current_column(self) -> GridColumn | None:
        return self.columns[self.column] if 0 <= self.column < len(self.columns) else None

    def cursor_minute(self) -> int | None:
        """The minute of the day the cursor's slot starts at."""
        return self.book.slot_start(self.row) if self.book is not None else None

    def place_cursor(self, *, row: int | None = None, staff_id: int | None = KEEP,
                     lane: int = 0) -> None:
        """Put the cursor on ``row`` and/or the column of ``staff_id`` (None: the "Anyone"
        column; :data:`KEEP`: the column it is on)."""
        if row is not None:
            self.row = max(0, min(row, self.rows - 1))
        if staff_id != KEEP:
            found = next((i for i, c in enumerate(self.columns) if c.staff_id == staff_id),
                         None)
            if found is not None:
                self.column = found
        if self.columns:
            self.lane = max(0, min(lane, self.lanes[self.column] - 1))
        self.moved()

    def select_block(self, appointment_id: int) -> bool:
        """Put the cursor on the first block of a visit; False if it is not shown."""
        for p in self.placed:
            if p.block.appointment_id == appointment_id:
                self.row, self.column, self.lane = p.first_row, p.column, p.lane
                self.moved()
                return True
        return False

    # -- the cursor -------------------------------------------------------------------
    def move(self, rows: int = 0, columns: int = 0) -> None:
        """Move by slots (up/down) and by staff (left/right); left/right stop first at a
        visit side by side with the one under the cursor (another lane, this row)."""
        if not self.columns or not self.rows:
            return
        before = (self.top, self.left, self.row)
        self.row = max(0, min(self.row + rows, self.rows - 1))
        self.lane = min(self.lane, self.lanes[self.column] - 1)
        step = 1 if columns > 0 else -1
        for _ in range(abs(columns)):
            busy = self.busy_lanes(self.column)
            beside = [lane for lane in busy if (lane - self.lane) * step > 0]
            if beside:
                self.lane = min(beside) if step > 0 else max(beside)
                continue
            column = self.column + step
            if not 0 <= column < len(self.columns):
                break
            busy = self.busy_lanes(column)
            self.column = column
            self.lane = (busy[0] if step > 0 else busy[-1]) if busy else 0
        self.moved(before)

    def busy_lanes(self, column: int) -> list[int]:
        """The lanes of ``column`` with a visit on the cursor's row."""
        cells = self.cover[column].get(self.row) if column < len(self.cover) else None
        return [lane for lane, cell in enumerate(cells or ()) if cell is not None]

    def moved(self, before: tuple[int, int, int] | None = None) -> None:
        """The cursor moved from ``before`` (top, left, row): only its old and new lines
        and the header are drawn again when the view did not scroll."""
        self.scroll_to_cursor()
        if before is not None and before[:2] == (self.top, self.left):
            self.refresh_cursor_rows(0, before[2], self.row)
        else:
            self.refresh()
        if self.cursor_moved is not None:
            self.cursor_moved()

    @property
    def page_height(self) -> int:
        return max(1, self.size.height - 1)

    def natural_width(self, column: int, room: int) -> int:
        """A column's least width: a staff name's, or more lanes side by side."""
        return min(room, max(MIN_COLUMN, 1 + self.lanes[column] * LANE_MIN))

    def visible_columns(self) -> list[tuple[int, int]]:
        """(column, width) of the columns on screen from :attr:`left`; the room left over
        is shared among them (each up to :data:`MAX_COLUMN` a lane)."""
        room = max(MIN_COLUMN, self.size.width - TIME_WIDTH)
        shown: list[list[int]] = []
        used = 0
        for column in range(self.left, len(self.columns)):
            width = self.natural_width(column, room)
            if shown and used + width > room:
                break
            shown.append([column, width])
            used += width
        spare = room - used
        for index, entry in enumerate(shown):
            share = spare // (len(shown) - index)
            grow = max(0, min(share, MAX_COLUMN * self.lanes[entry[0]] - entry[1]))
            entry[1] += grow
            spare -= grow
        return [(column, width) for column, width in shown]

    def scroll_to_cursor(self) -> None:
        page = self.page_height
        if self.row < self.top:
            self.top = self.row
        elif self.row >= self.top + page:
            self.top = self.row - page + 1
        self.top = max(0, min(self.top, max(0, self.rows - page)))
        if not self.columns:
            self.left = 0
            return
        room = max(MIN_COLUMN, self.size.width - TIME_WIDTH)
        self.left = max(0, min(self.left, self.column))
        while self.left < self.column and self.column not in {
                c for c, _w in self.visible_columns()}:
            self.left += 1
        # No blank room at the right while columns to the left are hidden.
        while self.left > 0 and sum(self.natural_width(c, room) for c in range(
                self.left - 1, len(self.columns))) <= room:
            self.left -= 1

    def on_resize(self) -> None:
        self.scroll_to_cursor()
        self.refresh()

    def on_click(self, event) -> None:
        if self.book is None or not self.columns:
            return
        row = self.top + event.y - 1
        if event.y < 1 or not 0 <= row < self.rows or event.x < TIME_WIDTH:
            return
        x = TIME_WIDTH
        for column, width in self.visible_columns():
            if x <= event.x < x + width:
                lanes = self.lanes[column]
                inside = event.x - x - 1
                lane = max(0, min(lanes - 1, inside // max(1, (width - 1) // lanes)))
                chosen = (row, column, lane) == (self.row, self.column, self.lane) \
                    or event.chain > 1
                self.row, self.column, self.lane = row, column, lane
                self.moved()
                self.post_message(self.Clicked(self, chosen))
                return
            x += width

    # -- drawing ----------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        """One line, its segments cut to their cells here (one Strip a line, of known
        length: a day change draws every line of the screen)."""
        width = self.size.width
        base = self.rich_style
        if self.book is None or not self.columns:
            return Strip.blank(width, base)
        visible = self.visible_columns()
        muted = base + _style("dim")
        used = TIME_WIDTH + sum(width for _column, width in visible)
        segments: list[Segment] = []
        if y == 0:
            segments.append(Segment("<".ljust(TIME_WIDTH) if self.left else " " * TIME_WIDTH,
                                    muted))
            for column, column_width in visible:
                spec = self.columns[column]
                segments.append(Segment(SEPARATOR, muted))
                title_style = base + _style("bold" if spec.working else "dim italic")
                if column == self.column:
                    title_style += _style("underline")
                segments.append(Segment(fit(spec.title, column_width - 1), title_style))
            strip = Strip(segments, used)
            if visible and visible[-1][0] < len(self.columns) - 1:  # more to the right
                strip = Strip.join([strip.crop(0, max(0, width - 1)),
                                    Strip([Segment(">", muted)], 1)])
            return strip.adjust_cell_length(width, base)
        row = self.top + y - 1
        if not 0 <= row < self.rows:
            return Strip.blank(width, base)
        book = self.book
        minute = book.slot_start(row)
        label = f"{minute // 60 % 24:02d}:{minute % 60:02d}"
        is_now = row == self.now_row
        time_style = base
        if is_now:
            time_style = base + _style("bold reverse")
        elif book.opens is None or not (_minutes(book.opens) <= minute < _minutes(book.closes)):
            time_style = muted
        elif row == self.row:
            time_style = base + _style("bold")
        segments.append(Segment((">" if is_now else " ") + label, time_style))
        reverse = _style("reverse")
        for column, column_width in visible:
            segments.append(Segment(SEPARATOR, muted))
            lanes = self.lanes[column]
            room = column_width - 1
            lane_width = room // lanes
            cells = self.cover[column].get(row)
            on_row = row == self.row and column == self.column
            if cells is None and not on_row:  # an empty cell: the commonest
                segments.append(Segment(("-" if is_now else " ") * room,
                                        muted if is_now else base))
                continue
            for lane in range(lanes):
                cell_width = lane_width if lane < lanes - 1 else room - lane_width * (lanes - 1)
                cell = cells[lane] if cells is not None else None
                if cell is None:
                    text = ("-" if is_now else " ") * cell_width
                    style = muted if is_now else base
                else:
                    placed, offset = cell
                    text = fit(block_text(placed.block, offset, placed.rows), cell_width)
                    style = base + _style(STATUS_STYLES.get(placed.block.status, "reverse"))
                if on_row and lane == self.lane:
                    style += reverse
                segments.append(Segment(text, style))
        if width > used:
            segments.append(Segment(" " * (width - used), base))
            return Strip(segments, width)
        return Strip(segments, used).crop(0, width) if used > width else Strip(segments, width)

    def refresh_cursor_rows(self, header: int, *rows: int) -> None:
        """Redraw only the header (the column's underline) and the lines of ``rows``."""
        self.refresh(Region(0, header, self.size.width, 1))
        for row in set(rows):
            y = row - self.top + 1
            if 1 <= y < self.size.height:
                self.refresh(Region(0, y, self.size.width, 1))


def _minutes(moment) -> int:
    from salontui.store.day.schedule import minutes_of

    return minutes_of(moment) if moment is not None else 0
