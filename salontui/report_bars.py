"""A report's charts as text: bars drawn with block characters, for a terminal.

Readable at 80×24 and in 16 colours (a Linux console): one colour for the bars, no shades
told apart, the figure written beside every bar. A series over days (``by_day``) is drawn
as columns, one per day (days summed into groups when there are more than the width
holds), the first and last day under them; any other series as one bar a line, its label
on the left and its figure on the right, longest first as the builder ordered it.
Returns Rich ``Text``, outside the store (which gives the figures, not how a terminal
draws them): the CLI prints it as the Reports screen shows it.
"""

from __future__ import annotations

import os
from datetime import date

from rich.text import Text

from salontui.i18n import _
from salontui.store.reports.figures import Figures
from salontui.store.reports.shape import Series
from salontui.store.text import cell_width, fit

EIGHTHS = " ▏▎▍▌▋▊▉"  # a horizontal bar's last cell, by eighths
RISING = " ▁▂▃▄▅▆▇"  # a column's top cell, by eighths
FULL = "█"
# A Linux console's font has the full and half blocks only: any part of a cell is a half.
CONSOLE_EIGHTHS = " " + "▌" * 7
CONSOLE_RISING = " " + "▄" * 7
BAR_STYLE = "green"
LABEL_MAX = 24
MIN_BAR = 8


def _parts() -> tuple[str, str]:
    """(a bar's last cell, a column's top cell) by eighths, in glyphs this terminal has."""
    if os.environ.get("TERM") == "linux":
        return CONSOLE_EIGHTHS, CONSOLE_RISING
    return EIGHTHS, RISING


def chart(series: Series, figures: Figures, *, width: int = 78, height: int = 8) -> Text:
    """``series`` drawn in ``width`` columns (a title line first)."""
    out = Text(no_wrap=True, overflow="ellipsis")
    out.append(series.title, style="bold")
    out.append("\n")
    if not series.values or not any(v > 0 for v in series.values):
        out.append(_("Nothing to draw in this period."))
        return out
    if series.by_day:
        out.append_text(_columns(series, figures, width, height))
    else:
        out.append_text(_bars(series, figures, width))
    return out


def _bars(series: Series, figures: Figures, width: int) -> Text:
    values = [max(v, 0) for v in series.values]
    top = max(values)
    texts = [figures.cell(v, series.cell) for v in series.values]
    value_w = max(cell_width(t) for t in texts)
    label_w = min(max(cell_width(label) for label in series.labels),
                  max(LABEL_MAX, width // 3), max(width - value_w - MIN_BAR - 2, 4))
    bar_w = max(width - label_w - value_w - 2, 1)
    eighths_of, _rising = _parts()
    out = Text(no_wrap=True)
    for index, (label, value, text) in enumerate(zip(series.labels, values, texts,
                                                     strict=True)):
        if index:
            out.append("\n")
        cut = fit(label, label_w)
        out.append(cut + " " * (label_w - cell_width(cut)) + " ")
        eighths = value * bar_w * 8 // top if top else 0
        full, part = divmod(eighths, 8)
        bar = FULL * full + (eighths_of[part] if part else "")
        if value and not bar:
            bar = eighths_of[1]
        out.append(bar, style=BAR_STYLE)
        out.append(" " * (bar_w - len(bar)) + " " + " " * (value_w - cell_width(text)) + text)
    return out


def _day(figures: Figures, label: str) -> str:
    """A day's label in the salon's order when it is an ISO day (2026-11-30)."""
    try:
        return figures.date(date.fromisoformat(label)) if len(label) == 10 else label
    except ValueError:
        return label


def _groups(series: Series, room: int) -> tuple[list[str], list[int]]:
    """The days summed into at most ``room`` groups of equal length (the last shorter)."""
    labels, values = list(series.labels), list(series.values)
    if len(values) <= room:
        return labels, values
    size = -(-len(values) // room)
    return ([labels[i] for i in range(0, len(labels), size)],
            [sum(values[i:i + size]) for i in range(0, len(values), size)])


def _columns(series: Series, figures: Figures, width: int, height: int) -> Text:
    labels, values = _groups(series, max(width, 1))
    step = 2 if len(values) * 2 <= width else 1  # a gap between columns when they fit
    values = [max(v, 0) for v in values]
    top = max(values)
    out = Text(no_wrap=True)
    out.append(_("highest {value}").format(value=figures.cell(top, series.cell)), style="dim")
    levels = [v * height * 8 // top if top else 0 for v in values]
    _eighths, rising = _parts()
    for row in range(height - 1, -1, -1):
        out.append("\n")
        line = []
        for level, value in zip(levels, values, strict=True):
            filled = level - row * 8
            if filled >= 8:
                cell = FULL
            elif filled > 0:
                cell = rising[filled]
            elif row == 0 and value > 0:
                cell = rising[1]  # a day with anything shows
            else:
                cell = " "
            line.append(cell + " " * (step - 1))
        out.append("".join(line).rstrip(), style=BAR_STYLE)
    first, last = _day(figures, labels[0]), _day(figures, labels[-1])
    span = len(values) * step - (step - 1)
    gap = max(span - cell_width(first) - cell_width(last), 1)
    out.append("\n" + first + (" " * gap + last if len(labels) > 1 else ""))
    return out
