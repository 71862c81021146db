"""ReportsScreen: the owner's reports at the desk: the tables of one report over a period,
or its charts (revenue by day, by service, by staff) drawn as bars for 80×24 and 16
colours.

``r`` picks the report (a list of them), ``p`` the period (today, yesterday, this week,
this month, last month, this year, or two days typed), ``[`` and ``]`` step to the period
before or after, ``b`` (in a chain) goes through the branches and the whole chain, ``c``
shows the charts or the tables, ``x`` writes the report shown to a .xlsx or .pdf file.
The report is built in the store, in a worker; it reads again when anything is written.

For the owner and the managers (``store/reports/access.py``: by role, the permission
table has no right of its own for reports); the export takes the export right too, and
is greyed without it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from salontui.i18n import _
from salontui.keymap import key_of
from salontui.screens.base import StoreCalls
from salontui.screens.commands import Command, PaletteEntry, binding_commands
from salontui.store.errors import SalonError
from salontui.store.reports.registry import REPORTS
from salontui.widgets.footer import DeskFooter
from salontui.widgets.header import desk_header

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.store.branches import BranchRow
    from salontui.store.reports.figures import Figures
    from salontui.store.reports.shape import Report

FIRST_REPORT = "daily"


@dataclass(frozen=True)
class Shown:
    """What one read gives the screen: the report, the chain's branches, whether the
    export is allowed."""

    report: Report
    branches: tuple[BranchRow, ...]
    may_export: bool


class ReportsScreen(StoreCalls, Screen[None]):
    help_title = _("Reports")

    DEFAULT_CSS = """
    ReportsScreen #report-head { height: auto; padding: 0 1; text-style: bold; }
    ReportsScreen #report-body { height: 1fr; padding: 0 1; overflow: auto auto; }
    ReportsScreen #report-view { width: auto; }
    ReportsScreen #report-status { height: 1; padding: 0 1; }
    """

    BINDINGS = [
        Binding("r", "pick_report", _("Report"), id="reports.pick",
                tooltip=_("Choose the report")),
        Binding("p", "period", _("Period"), id="reports.period",
                tooltip=_("Today, this month… or two days typed")),
        Binding("left_square_bracket", "step(-1)", _("Before"), id="reports.previous",
                tooltip=_("The period before"), show=False),
        Binding("right_square_bracket", "step(1)", _("After"), id="reports.next",
                tooltip=_("The period after"), show=False),
        Binding("c", "toggle_charts", _("Charts/tables"), id="reports.charts",
                tooltip=_("Show the charts or the tables")),
        Binding("b", "branch", _("Branch"), id="reports.branch",
                tooltip=_("One branch after the other, then the whole chain")),
        Binding("x", "export", _("Export"), id="reports.export",
                tooltip=_("Write the report shown to a .xlsx or .pdf file")),
        Binding("escape", "back", _("Back"), id="reports.back"),
    ]

    def __init__(self, name: str = FIRST_REPORT, *, date_from: date | None = None,
                 date_to: date | None = None) -> None:
        super().__init__()
        self.report_name = name if name in REPORTS else FIRST_REPORT
        self.date_from, self.date_to = date_from, date_to
        self.branch_id: int | None = None  # None: the whole chain (or the one branch)
        self.charts = False
        self.shown: Shown | None = None

    def compose(self) -> ComposeResult:
        yield desk_header()
        yield Static("", id="report-head")
        with ScrollableContainer(id="report-body"):
            yield Static("", id="report-view")
        yield Static(Content(_("Loading…")), id="report-status")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.sub_title = _("Reports")
        if self.date_to is None:
            self.date_to = self.today()
        if self.date_from is None:
            self.date_from = self.date_to
        self.branch_id = self.desk.branch_id if self.desk.in_chain else None
        self.query_one("#report-body").focus()
        self.watch(self.app, "data_version", self.data_changed, init=False)
        self.load()

    def today(self) -> date:
        from salontui.store import clock

        return self.desk.formatter.local(clock.now()).date()

    def figures(self) -> Figures:
        from salontui.store.reports.figures import Figures

        settings = self.desk.settings
        return Figures.from_settings(settings) if settings is not None else Figures()

    def data_changed(self, _version: int) -> None:
        if self.app.screen is self:
            self.load()

    # -- reading --------------------------------------------------------------------------
    def load(self) -> None:
        if self.desk.engine is None:
            return
        kind = REPORTS[self.report_name]
        first, last = self.date_from, self.date_to
        assert first is not None and last is not None
        branch_id, staff_id = self.branch_id, self.desk.staff_id
        self.query_one("#report-status", Static).update(Content(_("Loading…")))

        def read(session: Session) -> Shown:
            from salontui.store.branches import list_branches
            from salontui.store.reports.access import (
                may_export_reports,
                require_report_reader,
            )

            require_report_reader(session, staff_id=staff_id)
            report = kind.builder()(session, date_from=first, date_to=last,
                                    branch_id=branch_id)
            return Shown(report, tuple(list_branches(session)),
                         may_export_reports(session, staff_id=staff_id))

        self.ask(read, self.show, failed=self.load_failed)

    def load_failed(self, error: SalonError) -> None:
        self.shown = None
        self.query_one("#report-view", Static).update(Content(f"▲ {error.message}"))
        self.query_one("#report-status", Static).update("")
        self.refresh_bindings()

    def where(self) -> str:
        """The branch shown, in a chain ('' for a salon with one)."""
        if not self.desk.in_chain:
            return ""
        branches = self.shown.branches if self.shown is not None else ()
        found = next((b for b in branches if b.id == self.branch_id), None)
        return found.name if found is not None else _("all branches")

    def show(self, shown: Shown) -> None:
        self.shown = shown
        self.draw()
        self.refresh_bindings()

    def draw(self) -> None:
        from salontui.store.reports.figures import heading

        if self.shown is None:
            return
        report, figures = self.shown.report, self.figures()
        self.query_one("#report-head", Static).update(
            Content(heading(report, figures, self.where())))
        view = self.query_one("#report-view", Static)
        body = self.query_one("#report-body")
        shown = self.view(report, figures)
        # A table a little wider than the screen wraps its words; when its figures alone
        # are wider, it takes the width it needs, words unwrapped, and the body scrolls
        # sideways (its figures are never cut).
        room = max(body.size.width - 3, 20)
        width = room if self.charts else self.width_for(shown, room)
        view.styles.width = width
        view.update(shown)
        mode = _("{key} tables") if self.charts else _("{key} charts")
        status = [mode.format(key=key_of(self, "reports.charts")),
                  _("{previous}/{next} period before/after").format(
                      previous=key_of(self, "reports.previous"),
                      next=key_of(self, "reports.next"))]
        if width > room:
            status.append(_("←/→ the columns off the screen"))
        self.query_one("#report-status", Static).update(Content(" · ".join(status)))

    @staticmethod
    def width_for(shown: RenderableType, room: int) -> int:
        from salontui.report_text import natural_width

        if natural_width(shown, least=True) <= room:
            return room
        return natural_width(shown)

    def view(self, report: Report, figures: Figures) -> RenderableType:
        from salontui.report_bars import chart
        from salontui.report_text import table_renderable

        parts: list[RenderableType] = []
        if self.charts:
            width = max(self.query_one("#report-body").size.width - 3, 20)
            for series in report.charts:
                parts += [chart(series, figures, width=width), Text("")]
            if not report.charts:
                parts.append(Text(_("This report has no charts: {key} shows its tables.")
                                  .format(key=key_of(self, "reports.charts"))))
        else:
            for table in report.tables:
                parts += [table_renderable(table, figures), Text("")]
            if not report.tables:
                parts.append(Text(_("Nothing in this period.")))
        return Group(*parts)

    def on_resize(self) -> None:
        self.call_after_refresh(self.draw)

    # -- actions ----------------------------------------------------------------------------
    def check_action(self, action: str, parameters) -> bool | None:
        if action == "branch":
            return self.desk.in_chain
        if action == "export":
            return True if self.shown is not None and self.shown.may_export else None
        return True

    def keys_not_here(self) -> set[str]:
        return set() if self.desk.in_chain else {"reports.branch"}

    def action_pick_report(self) -> None:
        from salontui.screens.dialogs.report_pick import ReportPickDialog

        self.app.push_screen(ReportPickDialog(self.report_name), callback=self.picked)

    def picked(self, name: str | None) -> None:
        if name is not None:
            self.show_report(name)

    def show_report(self, name: str) -> None:
        if name != self.report_name:
            self.report_name = name
            self.load()

    def action_period(self) -> None:
        from salontui.screens.dialogs.report_period import ReportPeriodDialog

        assert self.date_from is not None and self.date_to is not None
        self.app.push_screen(ReportPeriodDialog(self.date_from, self.date_to, self.today()),
                             callback=self.period_chosen)

    def period_chosen(self, period: tuple[date, date] | None) -> None:
        if period is not None and period != (self.date_from, self.date_to):
            self.date_from, self.date_to = period
            self.load()

    def action_step(self, step: int) -> None:
        from salontui.store.reports.periods import step_period

        assert self.date_from is not None and self.date_to is not None
        self.date_from, self.date_to = step_period(self.date_from, self.date_to, step)
        self.load()

    def action_toggle_charts(self) -> None:
        self.charts = not self.charts
        self.query_one("#report-body", ScrollableContainer).scroll_home(animate=False)
        self.draw()

    def action_branch(self) -> None:
        if not self.desk.in_chain or self.shown is None:
            return
        ids: list[int | None] = [b.id for b in self.shown.branches]
        ids.append(None)
        index = ids.index(self.branch_id) if self.branch_id in ids else -1
        self.branch_id = ids[(index + 1) % len(ids)]
        self.load()

    def action_export(self) -> None:
        from salontui.screens.dialogs.report_file import ReportFileDialog

        if self.shown is None:
            return
        self.app.push_screen(ReportFileDialog(self.shown.report, self.figures(),
                                              self.where()), callback=self.exported)

    def exported(self, path) -> None:
        if path is None:
            return
        text = _("Report written: {path}").format(path=path)
        self.query_one("#report-status", Static).update(Content(text))
        self.app.notify(text, timeout=6)

    def action_back(self) -> None:
        self.dismiss(None)

    def palette_commands(self) -> list[PaletteEntry]:
        commands = [
            Command("reports.pick", _("Choose a report")),
            *(Command("reports.pick", _("Show the report: {title}").format(
                title=_(kind.title)), run=partial(self.show_report, name))
              for name, kind in REPORTS.items()),
            Command("reports.period", _("Choose the period"),
                    _("Today, yesterday, this week, this month, last month, this year")),
            Command("reports.previous", _("Show the period before")),
            Command("reports.next", _("Show the period after")),
            Command("reports.charts", _("Show the charts or the tables")),
            Command("reports.export", _("Export the report"), _("To .xlsx or .pdf")),
            Command("reports.back", _("Close the reports")),
        ]
        if self.desk.in_chain:
            commands.append(Command("reports.branch", _("Show another branch or the "
                                                        "whole chain")))
        return binding_commands(self, tuple(commands))
