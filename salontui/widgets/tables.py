"""DeskTable: a fast, keyboard-first table drawn line by line.

Textual's DataTable renders every cell through Rich (a 50-row search result
cost ~40 ms to draw on the desk's PCs, more than a keystroke's budget). This
table pre-formats each row once into plain strings cut to their column
widths and draws only the visible lines (Textual's line API), ~1 ms a frame.

* Columns follow their data: each is as wide as its widest cell among the
  rows loaded (a cell formatted only when drawn counts once it is drawn) and
  its header, at least its given width, within the screen; one flexible
  column (the name, the note…) takes what is left. When the data does not
  fit, the flexible column gives way first (down to a few cells), then text
  columns, and numbers and codes last, so "KH1000000" and "100.000" show whole
  at 80 columns. Cells are plain text, never parsed as markup (a customer
  called "[VIP] Lan" stays as typed); ``Cell(text, style)`` adds bold/dim.
* Up/Down/PgUp/PgDn/Home/End move the cursor, Enter or a click on the
  current row selects; the cursor row is reverse video so it shows without
  colour. Rows are replaced in one go by :meth:`set_rows`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Region
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

GAP = 1  # blank cells in front of every column
ELLIPSIS = "…"
FLEX_FLOOR = 8  # the flexible column gives way to the data down to this many cells


@dataclass(frozen=True)
class Col:
    """A column: a fixed ``width``, or None for the flexible column (at least ``min_width``).

    On a wide terminal a column with ``grow`` takes a share of the room left (up to
    ``max_width``); the flexible column takes the rest.
    """

    key: str
    label: str
    width: int | None = None  # None: the flexible column; else the least width (data widens it)
    justify: str = "left"
    min_width: int = 10
    grow: int = 0
    max_width: int = 40
    # On a narrow screen, a column with ``drop`` > 0 is left out (highest first) rather than
    # cut the flexible column below its ``min_width``: at 80 columns a package's name matters
    # more than the day it was activated.
    drop: int = 0
    # Free text (a title, a note) that may be cut like the flexible column; a status, a
    # date, an amount or a code never should be (see :meth:`DeskTable.cut_texts`).
    prose: bool = False


@dataclass(frozen=True)
class Cell:
    """A cell with a Rich style ("bold", "dim", "reverse bold")."""

    text: str
    style: str = ""

    def __str__(self) -> str:
        return self.text


def fit(text: str, width: int, justify: str = "left") -> str:
    """``text`` cut (with an ellipsis) or padded to exactly ``width`` cells."""
    text = " ".join(text.split()) if "\n" in text or "\t" in text else text
    length = cell_len(text)
    if length > width:
        return set_cell_size(text, width - 1) + ELLIPSIS if width > 0 else ""
    if justify == "right":
        return " " * (width - length) + text
    return text + " " * (width - length)


def column_widths(specs: Sequence[Col], width: int,
                  natural: Sequence[int] | None = None) -> list[int]:
    """The width of each column for a table ``width`` cells wide (see :class:`Col`); 0 for
    a column left out because the flexible column would otherwise be cut below its
    ``min_width`` (columns with ``drop``, the highest first)."""
    shown = list(range(len(specs)))
    droppable = sorted((i for i, c in enumerate(specs) if c.drop), key=lambda i: -specs[i].drop)
    while True:
        widths = _fit_widths([specs[i] for i in shown], width,
                             None if natural is None else [natural[i] for i in shown])
        squeezed = any(specs[i].width is None and w < specs[i].min_width
                       for i, w in zip(shown, widths, strict=True))
        if not squeezed or not droppable:
            break
        shown.remove(droppable.pop(0))
    out = [0] * len(specs)
    for i, w in zip(shown, widths, strict=True):
        out[i] = w
    return out


def _fit_widths(specs: Sequence[Col], width: int,
                natural: Sequence[int] | None = None) -> list[int]:
    """The width of each column for a table ``width`` cells wide (see :class:`Col`).

    ``natural`` is each column's widest content (data and header): a fixed column
    gets at least that, up to its ``max_width``; if everything does not fit, the
    flexible column shrinks (down to :data:`FLEX_FLOOR`), then the left-aligned
    columns, then the right-aligned ones (numbers), each no narrower than its width.
    """
    base = [c.width if c.width is not None else c.min_width for c in specs]
    widths = list(base)
    if natural is not None:
        for i, c in enumerate(specs):
            if c.width is not None:
                widths[i] = max(base[i], min(natural[i], max(c.max_width, base[i])))
    over = sum(widths) + GAP * len(specs) - width
    if over > 0:
        for i, c in enumerate(specs):  # free text widened by its data gives that back first
            if c.prose and over > 0:
                take = min(over, widths[i] - base[i])
                widths[i] -= take
                over -= take
        for i, c in enumerate(specs):  # the flexible column gives way to the data first
            if c.width is None and over > 0:
                take = min(over, max(0, widths[i] - min(FLEX_FLOOR, c.min_width)))
                widths[i] -= take
                over -= take
        for justify in ("left", "center", "right"):  # then text, numbers last
            for i in sorted(range(len(specs)), key=lambda i: base[i] - widths[i]):
                if over <= 0:
                    break
                if specs[i].width is not None and specs[i].justify == justify:
                    take = min(over, widths[i] - base[i])
                    widths[i] -= take
                    over -= take
    extra = width - sum(widths) - GAP * len(specs)
    flexible = [i for i, c in enumerate(specs) if c.width is None]
    growing = [i for i, c in enumerate(specs) if c.width is not None and c.grow]
    if extra > 0 and growing:
        weight = sum(specs[i].grow for i in growing) + 3 * len(flexible)
        for i in growing:
            share = min(extra * specs[i].grow // weight, specs[i].max_width - widths[i])
            widths[i] += max(0, share)
        extra = width - sum(widths) - GAP * len(specs)
    if extra > 0 and flexible:
        widths[flexible[0]] += extra
    return widths


def cell_parts(value) -> tuple[str, str]:
    if callable(value):  # a lazy cell: formatted when its row is first drawn or read
        value = value()
    if isinstance(value, Cell):
        return value.text, value.style
    if isinstance(value, Text):
        return value.plain, str(value.style or "")
    return ("" if value is None else str(value)), ""


class DeskTable(Widget, can_focus=True):
    """Rows of pre-formatted text with a row cursor; fast to fill and to draw."""

    DEFAULT_CSS = """
    DeskTable { height: 1fr; }
    DeskTable > .desk-table--header { text-style: bold; color: $text-muted; }
    DeskTable > .desk-table--cursor { text-style: bold reverse; }
    DeskTable:focus > .desk-table--cursor { text-style: bold reverse; }
    """
    COMPONENT_CLASSES = {"desk-table--header", "desk-table--cursor"}

    BINDINGS = [
        Binding("up", "move(-1)", "Up", id="table.up", show=False),
        Binding("down", "move(1)", "Down", id="table.down", show=False),
        Binding("pageup", "page(-1)", "Page up", id="table.page_up", show=False),
        Binding("pagedown", "page(1)", "Page down", id="table.page_down", show=False),
        Binding("home", "jump(0)", "First", id="table.first", show=False),
        Binding("end", "jump(-1)", "Last", id="table.last", show=False),
        Binding("enter", "select", "Select", id="table.select", show=False),
    ]

    cursor_row: reactive[int] = reactive(0, repaint=False, init=False)

    class RowHighlighted(Message):
        def __init__(self, table: DeskTable, key: str | None) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> DeskTable:
            return self.table

    class RowSelected(Message):
        def __init__(self, table: DeskTable, key: str | None) -> None:
            super().__init__()
            self.table = table
            self.key = key

        @property
        def control(self) -> DeskTable:
            return self.table

    def __init__(self, columns: Sequence[Col], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.specs = list(columns)
        # (key, cells): a row's cells are resolved to (text, style) the first time the row
        # is drawn or read, so fifty results cost only the twenty on screen (a phone or an
        # amount takes 0.1-0.3 ms to format).
        self._rows: list[tuple[str, Sequence]] = []
        self._resolved: dict[int, list[tuple[str, str]]] = {}
        self._top = 0
        self._widths: list[int] = []
        self._lines: dict[tuple[int, bool], Strip] = {}
        self._header: Strip | None = None
        # The widest content per column (header and the cells measured so far) and the
        # rows whose lazy cells are measured (lazy cells count once drawn).
        self._natural = self._header_widths()
        self._measured: set[int] = set()

    def set_columns(self, columns: Sequence[Col]) -> None:
        """Change the columns (a column shown only for some data); the rows are cleared,
        for :meth:`set_rows` to fill. The same columns again change nothing."""
        columns = list(columns)
        if columns == self.specs:
            return
        self.specs = columns
        self._rows, self._resolved, self._measured = [], {}, set()
        self._natural = self._header_widths()
        self._lay_out()
        self.refresh()

    def _header_widths(self) -> list[int]:
        return [cell_len(c.label) for c in self.specs]

    def _measure(self, cells: Sequence, *, lazy: bool) -> bool:
        """Widen the columns' natural widths to ``cells``; True if any grew. Lazy cells
        (functions) are skipped unless ``lazy`` (they are already resolved then)."""
        grew = False
        natural = self._natural
        for i, value in enumerate(cells[:len(natural)]):
            if not lazy and callable(value):
                continue
            text = value[0] if lazy else cell_parts(value)[0]
            length = cell_len(text) if not text.isascii() else len(text)
            if length > natural[i]:
                natural[i] = length
                grew = True
        return grew

    # -- data -----------------------------------------------------------------------
    def set_rows(self, rows: Iterable[tuple[object, Sequence]], *,
                 keep_cursor: bool = True) -> None:
        """Replace every row (key, cells) at once. A cell is text, a :class:`Cell`, a Rich
        Text, or a function of no arguments giving one of those (formatted when shown).
        With ``keep_cursor`` the cursor stays on the same row (by key) if it is still
        there, else at the same position."""
        previous = self.current_key
        self._rows = [(str(key), cells) for key, cells in rows]
        self._resolved = {}
        self._measured = set()
        self._natural = self._header_widths()
        for _key, cells in self._rows:
            self._measure(cells, lazy=False)
        self._lay_out()
        cursor = self.cursor_row if keep_cursor else 0
        if keep_cursor and previous is not None:
            cursor = next((i for i, (key, _cells) in enumerate(self._rows) if key == previous),
                          cursor)
        cursor = max(0, min(cursor, len(self._rows) - 1))
        if not keep_cursor:
            self._top = 0
        self.set_reactive(DeskTable.cursor_row, cursor)
        self._scroll_to_cursor()
        self.refresh()
        self.post_message(self.RowHighlighted(self, self.current_key))

    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def current_key(self) -> str | None:
        """The key of the row under the cursor, or None when the table is empty."""
        if not self._rows or not 0 <= self.cursor_row < len(self._rows):
            return None
        return self._rows[self.cursor_row][0]

    def select_key(self, key: str) -> bool:
        """Put the cursor on the row with ``key``; False if there is no such row."""
        for index, (row_key, _cells) in enumerate(self._rows):
            if row_key == key:
                self.move_cursor(row=index)
                return True
        return False

    def row_texts(self, index: int) -> list[str]:
        """The cells of row ``index`` as plain text (for tests and copy)."""
        return [text for text, _style in self._cells(index)]

    def cut_texts(self) -> list[str]:
        """What this table cuts short as laid out now: a header, or a cell of a column other
        than the flexible one on the rows on screen (the flexible column gives way by
        design). For the layout tests in every language and size."""
        if not self._widths:
            return []
        cut = []
        shown = [(i, c, w) for i, (c, w) in enumerate(zip(self.specs, self._widths,
                                                            strict=True)) if w or not c.drop]
        cut += [c.label for _i, c, w in shown if cell_len(c.label) > w]
        end = min(len(self._rows), self._top + self.page_height)
        for row in range(self._top, end):
            cells = self._cells(row)
            cut += [cells[i][0] for i, c, w in shown
                    if c.width is not None and not c.prose and i < len(cells)
                    and cell_len(cells[i][0]) > w]
        return cut

    def _cells(self, index: int) -> list[tuple[str, str]]:
        cells = self._resolved.get(index)
        if cells is None:
            cells = self._resolved[index] = [cell_parts(v) for v in self._rows[index][1]]
        return cells

    # -- cursor ---------------------------------------------------------------------
    @property
    def page_height(self) -> int:
        return max(1, self.size.height - 1)

    def move_cursor(self, *, row: int, animate: bool = False) -> None:
        if not self._rows:
            return
        self.cursor_row = max(0, min(row, len(self._rows) - 1))

    def watch_cursor_row(self, old: int, new: int) -> None:
        self._lines.pop((old, True), None)
        self._lines.pop((old, False), None)
        self._lines.pop((new, True), None)
        self._lines.pop((new, False), None)
        if not self._scroll_to_cursor():
            self.refresh_line(old)
            self.refresh_line(new)
        self.post_message(self.RowHighlighted(self, self.current_key))

    def refresh_line(self, row: int) -> None:
        y = row - self._top + 1
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def _scroll_to_cursor(self) -> bool:
        """Bring the cursor into view; True if the view moved (everything redrawn)."""
        top = self._top
        if self.cursor_row < top:
            top = self.cursor_row
        elif self.cursor_row >= top + self.page_height:
            top = self.cursor_row - self.page_height + 1
        top = max(0, min(top, max(0, len(self._rows) - self.page_height)))
        if top != self._top:
            self._top = top
            self.refresh()
            return True
        return False

    def action_move(self, step: int) -> None:
        self.move_cursor(row=self.cursor_row + step)

    def action_page(self, step: int) -> None:
        self.move_cursor(row=self.cursor_row + step * self.page_height)

    def action_jump(self, where: int) -> None:
        self.move_cursor(row=0 if where == 0 else len(self._rows) - 1)

    def action_select(self) -> None:
        if self._rows:
            self.post_message(self.RowSelected(self, self.current_key))

    def on_click(self, event) -> None:
        row = self._top + event.y - 1
        if event.y < 1 or not 0 <= row < len(self._rows):
            return
        if row == self.cursor_row or event.chain > 1:
            self.action_select()
        else:
            self.cursor_row = row

    def on_mouse_scroll_down(self, event) -> None:
        event.stop()
        self.move_cursor(row=self.cursor_row + 3)

    def on_mouse_scroll_up(self, event) -> None:
        event.stop()
        self.move_cursor(row=self.cursor_row - 3)

    # -- layout and drawing ---------------------------------------------------------
    def _lay_out(self) -> None:
        """Column widths from the screen width and the content; drawn lines are dropped."""
        self._widths = column_widths(self.specs, self.size.width, self._natural)
        self._lines.clear()
        self._header = None

    def on_resize(self) -> None:
        self._lay_out()
        self._scroll_to_cursor()
        self.refresh()

    def render_lines(self, crop: Region) -> list[Strip]:
        """Measure the lazy cells of the rows on screen first: if they need wider columns,
        every line of this frame is drawn with the new widths."""
        grew = False
        end = min(len(self._rows), self._top + self.page_height)
        for row in range(self._top, end):
            if row not in self._measured:
                self._measured.add(row)
                if any(callable(v) for v in self._rows[row][1]):
                    grew = self._measure(self._cells(row), lazy=True) or grew
        if grew:
            self._lay_out()
            self.refresh()
        return super().render_lines(crop)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._lines.clear()
        self._header = None

    def _format(self, cells: list[tuple[str, str]], base: Style) -> list[Segment]:
        segments = []
        for col, width, (text, style) in zip(self.specs, self._widths, cells, strict=False):
            if not width and col.drop:
                continue  # left out on this screen (Col.drop)
            segments.append(Segment(" " * GAP, base))
            cell_style = base + Style.parse(style) if style else base
            segments.append(Segment(fit(text, width, col.justify), cell_style))
        return segments

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if not self._widths:
            self.on_resize()
        if y == 0:
            if self._header is None:
                style = base + self.get_component_rich_style("desk-table--header")
                labels = [(c.label, "") for c in self.specs]
                self._header = Strip(self._format(labels, style)).adjust_cell_length(
                    width, style)
            return self._header
        row = self._top + y - 1
        if not 0 <= row < len(self._rows):
            return Strip.blank(width, base)
        selected = row == self.cursor_row
        strip = self._lines.get((row, selected))
        if strip is None:
            style = base
            if selected:
                style = base + self.get_component_rich_style("desk-table--cursor")
            strip = Strip(self._format(self._cells(row), style)).adjust_cell_length(
                width, style)
            self._lines[(row, selected)] = strip
        return strip
