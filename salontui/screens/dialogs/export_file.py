"""ExportMembersDialog: the customers a filter matches, to a spreadsheet file.

One field, the file (``customers-YYYY-MM-DD.xlsx`` in the home folder by default, another
name when that one is there; ``.csv`` also taken). The path is checked at the field before
anything is read (an unknown extension, a missing or unwritable folder, a file that is
there); then the export runs in a worker on a read session with a progress bar, and the
dialog answers the :class:`ExportResult`. Esc while it runs stops it, and nothing is left
under the name given.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from salontui.i18n import _, ngettext
from salontui.screens.dialogs.base import FormDialog
from salontui.screens.loyalty.care_dialogs import DeskProgressBar
from salontui.store.errors import SalonError
from salontui.widgets import fmt as cached
from salontui.widgets.inputs import DeskInput, Field

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.store.io.export import ExportResult
    from salontui.store.loyalty.customer_list import CustomerFilter

MAX_PATH = 1000


class Stopped(Exception):
    """Esc while the export ran (raised in the worker: the export stops, leaves no file)."""


def default_path(stem: str, today: date, folder: Path | None = None) -> Path:
    """``stem-YYYY-MM-DD.xlsx`` in ``folder`` (the home folder); ``-2``, ``-3``… after the
    date when that file is there already."""
    folder = folder or Path.home()
    name = f"{stem}-{today.isoformat()}"
    path, n = folder / f"{name}.xlsx", 2
    while path.exists():
        path, n = folder / f"{name}-{n}.xlsx", n + 1
    return path


class ExportMembersDialog(FormDialog):
    """Answers the ExportResult (None: closed without writing)."""

    DEFAULT_CSS = """
    ExportMembersDialog .dialog { width: 76; }
    ExportMembersDialog #export-bar { display: none; margin: 1 0 0 0; }
    ExportMembersDialog #export-count { height: auto; }
    """

    title_text = _("Export customers")
    confirm_label = _("Export")

    def __init__(self, wanted: CustomerFilter, matched: int, filter_text: str,
                 today: date, folder: Path | None = None) -> None:
        super().__init__()
        self.wanted = wanted
        self.matched = matched
        self.filter_text = filter_text
        self.path = default_path("customers", today, folder)
        self.stopping = False

    def compose_body(self) -> ComposeResult:
        fmt = self.desk.formatter
        intro = ngettext("{n} customer · {filter}", "{n} customers · {filter}",
                         self.matched).format(n=cached.points(fmt, self.matched),
                                              filter=self.filter_text)
        yield Static(Content(intro), classes="intro")
        yield Field(_("File"), DeskInput(str(self.path), id="path", max_length=MAX_PATH),
                    key="path", required=True,
                    hint=_(".xlsx (a spreadsheet) or .csv (UTF-8)"))
        yield DeskProgressBar(total=max(self.matched, 1), show_eta=False, id="export-bar")
        yield Static("", id="export-count")

    # -- starting -----------------------------------------------------------------------
    def prepare(self):
        from salontui.store.io.export import export_target

        target = export_target(self.value("path"))
        wanted, progress = self.wanted, self.progress

        staff_id = self.staff_id

        def run(session: Session, approved_by: int | None = None) -> ExportResult:
            from salontui.store.io.export import export_members

            assert staff_id is not None  # signed in
            return export_members(session, staff_id=staff_id, path=target, wanted=wanted,
                                  progress=progress, approved_by=approved_by)
        return run

    def action_confirm(self) -> None:
        """As a form's, but the export only reads: a read session, and a progress bar."""
        job = self.read_form(self.prepare)
        if job is None:
            return
        self.busy, self.stopping = True, False
        self.query_one(DeskProgressBar).display = True
        self.show_progress(0, self.matched)
        self.ask(job, self.saved, write=False, failed=self.save_refused,
                 crashed=self.save_crashed)

    # -- in the worker's thread ---------------------------------------------------------
    def progress(self, done: int, total: int) -> None:
        if self.stopping:
            raise Stopped
        self.app.call_from_thread(self.show_progress, done, total)

    # -- on the UI thread -----------------------------------------------------------------
    def show_progress(self, done: int, total: int) -> None:
        fmt = self.desk.formatter
        self.query_one(DeskProgressBar).update(progress=done, total=max(total, 1))
        text = _("{done} of {total} customers written · Esc stops").format(
            done=cached.points(fmt, done), total=cached.points(fmt, total))
        self.query_one("#export-count", Static).update(Content(text))

    def ended(self) -> None:
        self.busy = False
        self.query_one(DeskProgressBar).display = False
        self.query_one("#export-count", Static).update("")

    def save_refused(self, error: SalonError) -> None:
        self.ended()
        super().save_refused(error)

    def save_crashed(self, error: BaseException) -> None:
        self.ended()
        if isinstance(error, Stopped):
            self.query_one("#export-count", Static).update(Content(
                _("Stopped: no file was written.")))
            self.field("path").control.focus()
            return
        self.store_crashed(error)
        self.show_error(_("Not written: {error}").format(error=error))

    def action_cancel(self) -> None:
        if self.busy:
            self.stopping = True
            self.query_one("#export-count", Static).update(Content(_("Stopping…")))
            return
        self.dismiss(None)
