"""ReportPeriodDialog: the period of a report: a quick choice (today, yesterday, this week,
this month, last month, this year) fills the two days, or they are typed in the salon's
date order. A day that cannot be read, or the end before the start, is refused at its
field. Answers ``(first, last)`` (None: Esc)."""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.content import Content
from textual.widgets import Static

from salontui.i18n import _
from salontui.screens.dialogs.base import FormDialog
from salontui.screens.loyalty.care_dialogs import CycleChoice
from salontui.store.errors import ValidationError
from salontui.store.reports.period import MAX_DAYS  # the builders' own limit
from salontui.store.reports.periods import QUICK_LABELS, Quick, quick_period
from salontui.widgets.inputs import DeskInput, Field, RadioChoice

TYPED = "typed"
DATE_CHARS = 20  # store.bounds.MAX_DATE_TEXT


class ReportPeriodDialog(FormDialog):
    DEFAULT_CSS = """
    ReportPeriodDialog .dialog { width: 60; }
    """

    def __init__(self, first: date, last: date, today: date) -> None:
        super().__init__()
        self.first, self.last, self.today = first, last, today
        self.title_text = _("Period of the report")
        self.confirm_label = _("Show")

    def compose_body(self) -> ComposeResult:
        fmt = self.formatter
        options = [(TYPED, _("Days typed")), *((q.value, _(QUICK_LABELS[q])) for q in Quick)]
        current = next((q.value for q in Quick
                        if quick_period(q, self.today) == (self.first, self.last)), TYPED)
        yield Field(_("Period"), CycleChoice(options, value=current, id="period-quick"),
                    key="quick")
        hint = fmt.date_hint()
        yield Field(_("From"), DeskInput(fmt.date(self.first), id="period-from",
                                         max_length=DATE_CHARS, placeholder=hint),
                    key="date_from")
        yield Field(_("To"), DeskInput(fmt.date(self.last), id="period-to",
                                       max_length=DATE_CHARS, placeholder=hint), key="date_to")
        yield Static(Content(_("←/→ on Period picks one; or type the days.")),
                     classes="dialog-hint")

    def focus_first(self) -> None:
        self.query_one("#period-quick", CycleChoice).focus()

    def on_radio_choice_changed(self, event: RadioChoice.Changed) -> None:
        if event.value == TYPED:
            return
        fmt = self.formatter
        first, last = quick_period(event.value, self.today)
        self.query_one("#period-from", DeskInput).value = fmt.date(first)
        self.query_one("#period-to", DeskInput).value = fmt.date(last)

    def read_period(self) -> tuple[date, date]:
        fmt = self.formatter
        first = fmt.parse_date(self.value("date_from"), field="date_from")
        last = fmt.parse_date(self.value("date_to"), field="date_to")
        assert first is not None and last is not None  # required: parse_date refuses none
        if last < first:
            raise ValidationError(_("The last day is before the first."), field="date_to")
        if (last - first).days >= MAX_DAYS:
            raise ValidationError(_("Three years at most at the desk ('salontui report' "
                                    "takes longer ones)."), field="date_from")
        return first, last

    def action_confirm(self) -> None:
        """Nothing to ask the store: the days read, the dialog answers them."""
        period = self.read_form(self.read_period)
        if period is not None:
            self.dismiss(period)
