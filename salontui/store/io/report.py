"""What an import says it did, or would do: rows by what happens to them, and every error
by sheet, row and column.

The same :class:`ImportReport` answers a dry run (nothing written: ``written`` False) and
a real run. Rows are named by their sheet row number (the header is row 1 of a template),
and listed as ranges (:func:`row_ranges`: "2–150, 152, 160–201"), so a report of 100,000
rows stays a few lines long; errors are listed one by one, in sheet and row order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from salontui.i18n import _, ngettext

CREATE, UPDATE, SKIP = "create", "update", "skip"
MAX_ERRORS = 10_000  # errors kept in a report (the count goes on)


@dataclass(frozen=True, order=True)
class RowError:
    """One thing wrong with one cell (``column`` the header as the file writes it) or one
    row (``column`` "")."""

    sheet: str  # the sheet's name in the file
    row: int
    column: str
    message: str


@dataclass
class SheetReport:
    """What happens to the rows of one sheet."""

    name: str  # the sheet's name in the file
    kind: str  # customers / holdings / care
    rows: int = 0  # data rows read (empty rows aside)
    create: list[int] = field(default_factory=list)  # customers sheet: rows of new customers
    update: list[int] = field(default_factory=list)  # rows that change a customer
    skip: list[int] = field(default_factory=list)  # rows that change nothing
    bad: set[int] = field(default_factory=set)  # rows in error (imported: none of the row)


@dataclass
class ImportReport:
    """A dry run's or an import's report (see the module)."""

    file: str  # the file's name (no folder)
    what: str  # "customers" or "care"
    dry_run: bool
    options: dict[str, object] = field(default_factory=dict)
    sheets: list[SheetReport] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    written: bool = False  # a real run that wrote its rows
    customers_created: int = 0
    customers_updated: int = 0
    changes: dict[str, int] = field(default_factory=dict)  # what was (or would be) written

    def sheet(self, kind: str) -> SheetReport | None:
        return next((s for s in self.sheets if s.kind == kind), None)

    def add_error(self, sheet: SheetReport, row: int, column: str, message: str) -> None:
        sheet.bad.add(row)
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(RowError(sheet.name, row, column, message))

    @property
    def bad_rows(self) -> int:
        return sum(len(s.bad) for s in self.sheets)

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    def sorted_errors(self) -> list[RowError]:
        order = {s.name: i for i, s in enumerate(self.sheets)}
        return sorted(self.errors, key=lambda e: (order.get(e.sheet, 99), e.row, e.column))


def row_ranges(rows: Iterable[int]) -> str:
    """Row numbers as ranges: [2, 3, 4, 7] → "2–4, 7"; "" for none."""
    parts: list[str] = []
    start = previous = None
    for row in sorted(set(rows)):
        if previous is not None and row == previous + 1:
            previous = row
            continue
        if start is not None:
            parts.append(str(start) if start == previous else f"{start}–{previous}")
        start = previous = row
    if start is not None:
        parts.append(str(start) if start == previous else f"{start}–{previous}")
    return ", ".join(parts)


def summary_lines(report: ImportReport) -> list[str]:
    """The report's counts and row lists in a few lines, in the desk's language (the
    command line prints them; the desk shows them over its error table)."""
    lines: list[str] = []
    if report.dry_run:
        lines.append(_("Dry run of {file}: nothing was written.").format(file=report.file))
    elif report.written:
        lines.append(_("Imported {file}.").format(file=report.file))
    else:
        lines.append(_("Nothing was imported from {file}.").format(file=report.file))
    for sheet in report.sheets:
        good = sheet.rows - len(sheet.bad)
        if sheet.kind == "customers":
            lines.append(ngettext(
                "Sheet {sheet}: {rows} row; create {create}, update {update}, no change "
                "{skip}, in error {bad}.",
                "Sheet {sheet}: {rows} rows; create {create}, update {update}, no change "
                "{skip}, in error {bad}.", sheet.rows).format(
                sheet=sheet.name, rows=f"{sheet.rows:,}", create=f"{len(sheet.create):,}",
                update=f"{len(sheet.update):,}", skip=f"{len(sheet.skip):,}",
                bad=f"{len(sheet.bad):,}"))
            for label, rows in ((_("create"), sheet.create), (_("update"), sheet.update),
                                (_("no change"), sheet.skip)):
                if rows:
                    lines.append("  " + _("{what}: rows {rows}").format(
                        what=label, rows=row_ranges(rows)))
        else:
            lines.append(ngettext(
                "Sheet {sheet}: {rows} row; to bring in {good}, in error {bad}.",
                "Sheet {sheet}: {rows} rows; to bring in {good}, in error {bad}.",
                sheet.rows).format(sheet=sheet.name, rows=f"{sheet.rows:,}",
                                   good=f"{good:,}", bad=f"{len(sheet.bad):,}"))
        if sheet.bad:
            lines.append("  " + _("in error: rows {rows}").format(rows=row_ranges(sheet.bad)))
    return lines
