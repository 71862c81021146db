"""ReportFileDialog: the report on screen, to a file: ``.xlsx`` (a spreadsheet) or ``.pdf``
by the name's end. The name is checked at the field (an unknown end, a missing or
unwritable folder, a file that is there); the store then refuses anyone without the
export right, at the dialog; the file is written in a worker. Answers the path written
(None: Esc)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from salontui.i18n import _
from salontui.screens.dialogs.base import FormDialog
from salontui.widgets.inputs import DeskInput, Field

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.store.reports.figures import Figures
    from salontui.store.reports.shape import Report

MAX_PATH = 1000
EXTENSIONS = (".xlsx", ".pdf")


def report_path(report: Report, folder: Path | None = None) -> Path:
    """``NAME-FROM-TO.xlsx`` in ``folder`` (the home folder), ``-2``… when it is there."""
    folder = folder or Path.home()
    stem = f"{report.name}-{report.date_from.isoformat()}"
    if report.date_to != report.date_from:
        stem += f"-{report.date_to.isoformat()}"
    path, n = folder / f"{stem}.xlsx", 2
    while path.exists():
        path, n = folder / f"{stem}-{n}.xlsx", n + 1
    return path


class ReportFileDialog(FormDialog):
    store_writes = False  # the file is the only thing written

    DEFAULT_CSS = """
    ReportFileDialog .dialog { width: 76; }
    """

    def __init__(self, report: Report, figures: Figures, where: str = "",
                 folder: Path | None = None) -> None:
        super().__init__()
        self.report, self.figures, self.where = report, figures, where
        self.path = report_path(report, folder)
        self.title_text = _("Export the report")
        self.confirm_label = _("Export")

    def compose_body(self) -> ComposeResult:
        yield Static(Content(f"{self.report.title} · {self.figures.period(self.report)}"),
                     classes="intro")
        yield Field(_("File"), DeskInput(str(self.path), id="report-path", max_length=MAX_PATH),
                    key="path", required=True,
                    hint=_(".xlsx (a spreadsheet) or .pdf (to print)"))

    def prepare(self):
        from salontui.store.io.sheet_writer import check_target

        target = check_target(self.value("path"), extensions=EXTENSIONS)
        report, figures, where, staff_id = self.report, self.figures, self.where, self.staff_id

        def write(session: Session) -> Path:
            from salontui.store.reports.access import require_report_export

            require_report_export(session, staff_id=staff_id)
            if target.suffix.lower() == ".pdf":
                from salontui.store.reports.write_pdf import write_report_pdf

                return write_report_pdf(report, target, figures, where=where)
            from salontui.store.reports.write_xlsx import write_report_xlsx

            return write_report_xlsx(report, target, figures, where=where).path

        return write
