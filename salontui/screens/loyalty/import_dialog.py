"""ImportDialog: customers, or care actions, from a spreadsheet (``i`` on the customer list).

What is imported (customers and what they hold, or care actions), the file's path, and the
options: points and ranking spend added to what the customer has or reset to the file's
figure, and whether rows in error are skipped or stop the whole import. Enter checks the
file (the store's dry run, in a worker): how many rows create, update or leave a customer,
and a table of every error by sheet, row and column. Enter again imports it, one
transaction with a progress bar (Esc stops it: nothing is imported), and says what was
written; the list reads again. A path that is no file, or a file that is no spreadsheet
the import knows, is said at the path, and nothing is written.

Changing what, the path or an option after a check checks again before importing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Button, Static

from salontui.i18n import _, ngettext
from salontui.screens.dialogs.base import FormDialog
from salontui.screens.loyalty.care_dialogs import DeskProgressBar
from salontui.store.errors import SalonError, ValidationError
from salontui.widgets.inputs import DeskInput, Field, RadioChoice
from salontui.widgets.tables import Col, DeskTable

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.store.admin.permissions import NotPermitted
    from salontui.store.io.report import ImportReport

log = logging.getLogger("salontui.desk")

CUSTOMERS, CARE = "customers", "care"
PATH_CHARS = 1000  # store.io.readers.MAX_PATH
SUMMARY_LINES = 4
ERRORS_SHOWN = 200


class ImportStopped(Exception):
    """Esc while the import runs: its transaction rolls back."""


class ImportDialog(FormDialog):
    """Answers the ImportReport of an import that ran (written or not), or None."""

    DEFAULT_CSS = """
    ImportDialog .dialog { width: 78; }
    ImportDialog #import-summary { height: auto; max-height: 4; margin: 1 0 0 0;
                                   display: none; }
    ImportDialog #import-errors { height: 5; display: none; }
    ImportDialog #import-bar { display: none; }
    """

    BINDINGS = [
        Binding("escape", "cancel", _("Cancel"), id="dialog.cancel"),
        Binding("enter", "confirm", _("Check"), id="import.check"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.title_text = _("Import from a spreadsheet")
        self.confirm_label = _("Check")
        self.checked: tuple | None = None  # the arguments the preview is for
        self.preview: ImportReport | None = None
        self.running = False
        self.stopping = False
        self.report: ImportReport | None = None  # the import's, once it ran
        self.checked_args: tuple | None = None  # the arguments of the check under way

    def compose_body(self) -> ComposeResult:
        yield Field(_("Import"), RadioChoice([(CUSTOMERS, _("Customers and holdings")),
                                              (CARE, _("Care actions"))], id="what"),
                    key="what")
        yield Field(_("File"), DeskInput("", id="path", max_length=PATH_CHARS,
                                         placeholder=_("the .xlsx or .csv file's path")),
                    key="path", required=True)
        yield Field(_("Points"), RadioChoice([("add", _("add to theirs")),
                                              ("reset", _("the file's figure"))],
                                             id="points"), key="points")
        yield Field(_("Ranking spend"), RadioChoice([("add", _("add to theirs")),
                                                     ("reset", _("the file's figure"))],
                                                    id="spend"), key="spend")
        yield Field(_("Rows in error"), RadioChoice([("stop", _("import nothing")),
                                                     ("skip", _("skip them"))], id="skip"),
                    key="skip", aliases=("skip_bad_rows",))
        yield Static("", id="import-summary")
        yield DeskTable([Col("sheet", _("Sheet"), 9, max_width=14, prose=True),
                         Col("row", _("Row"), 5, justify="right"),
                         Col("column", _("Column"), 12, max_width=18, prose=True),
                         Col("message", _("Error"), None, min_width=20, prose=True)],
                        id="import-errors")
        yield DeskProgressBar(total=None, show_eta=False, id="import-bar")

    def focus_first(self) -> None:
        self.query_one("#path", DeskInput).focus()

    # -- reading the form ---------------------------------------------------------------------
    def choice(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", RadioChoice).value

    def args(self) -> tuple[str, str, str, str, bool]:
        """(what, path, points, spend, skip bad rows) as the form says."""
        path = self.value("path")
        if not path:
            raise ValidationError(_("Give the file to import (.xlsx or .csv)."), field="path")
        return (self.choice("what"), path, self.choice("points"), self.choice("spend"),
                self.choice("skip") == "skip")

    def on_radio_choice_changed(self, event: RadioChoice.Changed) -> None:
        if event.choice.id == "what" and self.is_mounted:
            customers = event.value == CUSTOMERS
            self.field("points").display = customers
            self.field("spend").display = customers

    # -- checking (the dry run) ------------------------------------------------------------------
    def action_confirm(self) -> None:
        if self.running or self.busy:
            return
        if self.report is not None:  # imported: Enter closes
            self.dismiss(self.report)
            return
        args = self.read_form(self.args)
        if args is None:
            return
        if self.preview is None or args[:4] != (self.checked or ())[:4]:
            self.check(args)
        else:
            self.start(args)

    def check(self, args: tuple[str, str, str, str, bool]) -> None:
        what, path, points, spend, _skip = args

        def dry_run(session: Session) -> ImportReport:
            if what == CARE:
                from salontui.store.io.care_import import dry_run_care

                return dry_run_care(session, path=path)
            from salontui.store.io.customers_import import dry_run_customers

            return dry_run_customers(session, path=path, points=points, spend=spend)

        self.busy = True
        self.preview, self.checked = None, None
        self.show_summary([_("Checking {path}…").format(path=path)])
        self.query_one("#import-errors", DeskTable).display = False
        self.ask(dry_run, self.checked_file, failed=self.check_refused,
                 crashed=self.save_crashed, tag="import-check")
        self.checked_args = args

    def check_refused(self, error: SalonError) -> None:
        self.busy = False
        self.show_summary([])
        self.show_error(error)

    def checked_file(self, report: ImportReport) -> None:
        self.busy = False
        self.preview, self.checked = report, self.checked_args
        self.show_report(report)
        todo = sum(len(s.create) + len(s.update) for s in report.sheets) + sum(
            s.rows - len(s.bad) for s in report.sheets if s.kind == "holdings")
        if report.what == CARE:
            todo = sum(s.rows - len(s.bad) for s in report.sheets)
        self.set_confirm(_("Import") if todo else _("Check"))
        if not todo:
            self.show_error(_("Nothing in this file would be imported."))

    def show_report(self, report: ImportReport) -> None:
        from salontui.store.io.report import summary_lines

        lines = summary_lines(report)
        if report.dry_run:
            lines = lines[1:]  # "a dry run, nothing written": the title says it
        if report.error_count:
            lines.append(ngettext("{n} error: below, by row and column.",
                                  "{n} errors: below, by row and column.",
                                  report.error_count).format(n=f"{report.error_count:,}"))
        self.show_summary(lines)
        table = self.query_one("#import-errors", DeskTable)
        errors = report.sorted_errors()[:ERRORS_SHOWN]
        table.set_rows([(str(i), [e.sheet, str(e.row), e.column, e.message])
                        for i, e in enumerate(errors)])
        table.styles.height = min(len(errors), 5) + 1
        table.display = bool(errors)

    def show_summary(self, lines: list[str]) -> None:
        shown = lines[:SUMMARY_LINES]
        if len(lines) > SUMMARY_LINES:
            shown[-1] += " …"
        summary = self.query_one("#import-summary", Static)
        summary.update(Content("\n".join(shown)))
        summary.display = bool(shown)

    def set_confirm(self, label: str) -> None:
        self.query_one("#confirm", Button).label = Content(f"{label} (Enter)")

    # -- importing ----------------------------------------------------------------------------
    def start(self, args: tuple[str, str, str, str, bool],
              approved_by: int | None = None) -> None:
        preview = self.preview
        assert preview is not None
        if preview.error_count and not args[4]:
            self.show_error(ngettext(
                "{n} row is in error: nothing would be imported. Correct the file, or "
                "choose to skip the rows in error.",
                "{n} rows are in error: nothing would be imported. Correct the file, or "
                "choose to skip the rows in error.", preview.bad_rows).format(
                n=f"{preview.bad_rows:,}"), field="skip")
            return
        self.running = True
        self.set_confirm(_("Import"))
        self.query_one("#confirm", Button).disabled = True
        bar = self.query_one("#import-bar", DeskProgressBar)
        bar.display = True
        self.show_summary([_("Importing… (Esc stops: nothing is imported)")])
        self.run_worker(lambda: self.work(args, approved_by), thread=True, exclusive=True,
                        group="import-run", name="import-run", exit_on_error=False)

    def work(self, args: tuple[str, str, str, str, bool],
             approved_by: int | None = None) -> None:
        """In the worker's thread: the import, one transaction (``approved_by``: the
        manager who approved it, when the signed-in role may not bring balances in)."""
        from salontui.screens.base import not_permitted, run_in_session

        what, path, points, spend, skip = args
        staff_id, engine = self.staff_id, self.desk.engine

        def step(done: int, total: int) -> None:
            if self.stopping:
                raise ImportStopped
            self.app.call_from_thread(self.show_progress, done, total)

        def run(session: Session) -> ImportReport:
            assert staff_id is not None
            if what == CARE:
                from salontui.store.io.care_import import import_care

                return import_care(session, staff_id=staff_id, path=path,
                                   skip_bad_rows=skip, progress=step)
            from salontui.store.io.customers_import import import_customers

            return import_customers(session, staff_id=staff_id, path=path, points=points,
                                    spend=spend, skip_bad_rows=skip, progress=step,
                                    approved_by=approved_by)

        try:
            assert engine is not None  # the list it opens from read the salon
            report = run_in_session(engine, run, write=True)
        except ImportStopped:
            self.app.call_from_thread(self.ended, None,
                                      _("Stopped: nothing was imported."))
            return
        except SalonError as error:
            if approved_by is None and not_permitted(error):
                self.app.call_from_thread(self.needs_approval, args, error)
                return
            self.app.call_from_thread(self.ended, None, error.message)
            return
        except Exception as error:  # never let a worker take the desk down
            log.exception("import of %s failed", path)
            self.app.call_from_thread(self.ended, None, str(error))
            return
        self.app.call_from_thread(self.ended, report, "")

    def needs_approval(self, args: tuple[str, str, str, str, bool],
                       error: NotPermitted) -> None:
        """The role may not import balances alone: a manager approves (the import runs
        again, once, with their name) or Esc leaves it refused, nothing imported."""
        from salontui.screens.dialogs.manager_approval import ManagerApprovalDialog

        self.ended(None, error.message)

        def answered(approver: int | None) -> None:
            if approver is not None:
                self.start(args, approved_by=approver)

        self.app.push_screen(ManagerApprovalDialog(error.permission, error.message),
                             callback=answered)

    def show_progress(self, done: int, total: int) -> None:
        bar = self.query_one("#import-bar", DeskProgressBar)
        if total:
            bar.update(progress=done, total=total)
            self.show_summary([_("Importing: {done} of {total}… (Esc stops: nothing is "
                                 "imported)").format(done=f"{done:,}", total=f"{total:,}")])
        else:
            self.show_summary([_("Reading: {done} rows… (Esc stops: nothing is "
                                 "imported)").format(done=f"{done:,}")])

    def ended(self, report: ImportReport | None, message: str) -> None:
        self.running = False
        self.query_one("#import-bar", DeskProgressBar).display = False
        button = self.query_one("#confirm", Button)
        button.disabled = False
        if report is None:
            self.stopping = False
            self.preview = self.checked = None
            self.set_confirm(_("Check"))
            self.show_summary([])
            self.show_error(message)
            return
        self.report = report
        self.show_report(report)
        self.set_confirm(_("Close"))
        button.focus()

    def action_cancel(self) -> None:
        if self.running:
            self.stopping = True
            self.show_summary([_("Stopping… nothing will be imported.")])
            return
        if not self.busy:
            self.dismiss(self.report)

    def prepare(self) -> Callable[[Session], object] | None:  # the form's own flow instead
        return None
