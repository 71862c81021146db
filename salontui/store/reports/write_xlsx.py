"""A report as a spreadsheet (.xlsx): a first sheet saying what it is (report, period,
branch), then one sheet per table with its totals row last.

Written by the one sheet writer (``store/io/sheet_writer.py``): a frozen header row,
money as numbers in the currency's unit (VND whole, CNY with two decimals), counts as
whole numbers, percentages as numbers with a percent format, dates as dates; the file is
written under a temporary name and moved to its name when complete.
"""

from __future__ import annotations

from pathlib import Path

from salontui.i18n import _
from salontui.store.io.sheet_writer import (
    Column,
    ColumnKind,
    Sheet,
    WriteResult,
    check_target,
    write_sheets,
)
from salontui.store.reports.figures import Figures
from salontui.store.reports.shape import Cell, Report, Table, Value
from salontui.store.reports.shape import Column as ReportColumn

KINDS = {Cell.TEXT: ColumnKind.TEXT, Cell.MONEY: ColumnKind.MONEY,
         Cell.COUNT: ColumnKind.INTEGER, Cell.PERCENT: ColumnKind.PERCENT,
         Cell.DATE: ColumnKind.DATE}


def _typed(row: tuple[Value, ...], columns: tuple[ReportColumn, ...]) -> tuple[Value, ...]:
    """A row as its sheet's columns take it: a word in a column of numbers or days (a
    totals row's "Total" under "Day") goes to the first empty text column, else is left
    out; the sheet keeps its numbers numbers."""
    out: list[Value] = []
    words: list[str] = []
    for value, column in zip(row, columns, strict=False):
        if isinstance(value, str) and column.cell is not Cell.TEXT:
            words.append(value)
            value = None
        out.append(value)
    out += [None] * (len(columns) - len(out))
    if words:
        spare = next((i for i, c in enumerate(columns)
                      if c.cell is Cell.TEXT and out[i] in (None, "")), None)
        if spare is not None:
            out[spare] = " ".join(words)
    return tuple(out)


def _rows(table: Table) -> list[tuple[Value, ...]]:
    rows = [_typed(tuple(row), table.columns) for row in table.rows]
    if table.totals is not None:
        totals = list(_typed(tuple(table.totals), table.columns))
        if not any(isinstance(v, str) and v for v in totals):
            first_text = next((i for i, c in enumerate(table.columns)
                               if c.cell is Cell.TEXT and totals[i] in (None, "")), None)
            if first_text is not None:
                totals[first_text] = _("Total")
        rows.append(tuple(totals))
    return rows


def report_sheets(report: Report, figures: Figures, *, where: str = "") -> list[Sheet]:
    about = Sheet(_("Report"), [Column(_("Report")), Column(report.title)], [
        (_("Period"), figures.period(report)),
        (_("From"), report.date_from.isoformat()),
        (_("To"), report.date_to.isoformat()),
        *([(_("Branch"), where)] if where else []),
        (_("Currency"), figures.currency),
    ])
    return [about, *(Sheet(table.title, [Column(c.label, KINDS[c.cell]) for c in table.columns],
                           _rows(table)) for table in report.tables)]


def write_report_xlsx(report: Report, path: str | Path, figures: Figures, *,
                      where: str = "", overwrite: bool = False) -> WriteResult:
    """Write ``report`` to ``path`` (a .xlsx name; refused at ``path`` otherwise)."""
    target = check_target(path, overwrite=overwrite, extensions=(".xlsx",))
    return write_sheets(target, report_sheets(report, figures, where=where),
                        exponent=figures.exponent, overwrite=overwrite)
