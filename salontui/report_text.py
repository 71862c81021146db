"""A report as text: its heading (title, period, branch), each table with its totals row
and its charts, for ``salontui report NAME`` (``--format text``, the default).

Rich tables, in colour on a terminal and plain (no escape codes, the same layout) when
the output is a file or a pipe. Money in the salon's currency, percentages from basis
points, dates in the salon's order (:class:`Figures`).
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import IO

from rich import box
from rich.console import Console, RenderableType
from rich.table import Table as RichTable
from rich.text import Text

from salontui.i18n import _
from salontui.report_bars import chart
from salontui.store.reports.figures import NUMERIC, Figures, heading
from salontui.store.reports.shape import Cell, Report, Table
from salontui.store.text import cell_width

WIDTH = 100  # of the text when it is not a terminal's


TEXT_MIN = 10  # the narrowest a column of words is squeezed to


def table_renderable(table: Table, figures: Figures) -> RichTable:
    shown = RichTable(title=table.title, title_justify="left", title_style="bold",
                      box=box.SIMPLE_HEAD, show_footer=table.totals is not None,
                      pad_edge=False, show_edge=False, expand=False)
    totals = table.totals or ()
    rows = [[figures.cell(row[i] if i < len(row) else None, column.cell)
             for i, column in enumerate(table.columns)] for row in table.rows]
    for index, column in enumerate(table.columns):
        footer = ""
        if table.totals is not None:
            value = totals[index] if index < len(totals) else None
            footer = figures.cell(value, column.cell)
            if not footer and index == 0:
                footer = _("Total")
        # A figure or a day is never cut nor put on two lines: the words give way first
        # (down to TEXT_MIN columns), and past that the table is wider than the screen.
        figure = column.cell in NUMERIC or column.cell is Cell.DATE
        widest = max((cell_width(r[index]) for r in rows), default=0)
        widest = max(widest, cell_width(footer))
        if figure:  # its header is not cut either (short words would let it look narrower)
            widest = max(widest, cell_width(column.label))
        shown.add_column(column.label, footer=footer, footer_style="bold",
                         justify="right" if column.cell in NUMERIC else "left",
                         no_wrap=figure, overflow="ellipsis" if figure else "fold",
                         min_width=widest if figure else min(widest, TEXT_MIN))
    for cells in rows:
        shown.add_row(*cells)
    if not table.rows:
        shown.caption = _("Nothing in this period.")
        shown.caption_justify = "left"
    return shown


def natural_width(renderable: RenderableType, limit: int = 400, *,
                  least: bool = False) -> int:
    """The columns ``renderable`` takes when nothing squeezes it (a wide table's), or with
    ``least`` the fewest it can take (its words wrapped, its figures whole)."""
    from rich.measure import Measurement

    console = Console(width=limit, color_system=None, force_terminal=False)
    found = Measurement.get(console, console.options, renderable)
    return found.minimum if least else found.maximum


def renderables(report: Report, figures: Figures, *, where: str = "", width: int = WIDTH,
                charts: bool = True) -> Iterator[RenderableType]:
    """What the text shows, in order: the heading, the tables, the charts."""
    yield Text(heading(report, figures, where), style="bold")
    for table in report.tables:
        yield Text("")
        yield table_renderable(table, figures)
    if charts:
        for series in report.charts:
            yield Text("")
            yield chart(series, figures, width=min(width, 100) - 2)


def print_report(report: Report, figures: Figures, *, where: str = "",
                 out: IO[str] | None = None) -> None:
    """Print to ``out`` (stdout): coloured on a terminal, in its width; plain otherwise,
    each table as wide as it needs."""
    console = Console(file=out, highlight=False, soft_wrap=False)
    if console.is_terminal:
        for part in renderables(report, figures, where=where, width=console.width):
            # A table whose figures alone are wider than the terminal is printed whole (the
            # terminal folds its lines), never with figures cut.
            least = natural_width(part, least=True) if isinstance(part, RichTable) else 0
            console.print(part, width=natural_width(part) if least > console.width else None)
        return
    _print_plain(Console(file=out, highlight=False, width=WIDTH, color_system=None,
                         force_terminal=False), report, figures, where)


def _print_plain(console: Console, report: Report, figures: Figures, where: str) -> None:
    for part in renderables(report, figures, where=where, width=WIDTH):
        width = max(WIDTH, natural_width(part)) if isinstance(part, RichTable) else WIDTH
        console.width = width
        console.print(part)


def report_text(report: Report, figures: Figures, *, where: str = "",
                width: int = WIDTH) -> str:
    """The report as plain text (no escape codes), ``width`` columns wide."""
    buffer = io.StringIO()
    _print_plain(Console(file=buffer, highlight=False, width=width, color_system=None,
                         force_terminal=False), report, figures, where)
    return buffer.getvalue()
