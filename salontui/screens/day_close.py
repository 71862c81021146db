"""DayCloseScreen: the desk's end-of-day summary (``dayclose.day_close``).

Takings per payment method (the salon's, under their names now) with the day's refunds
and the net, a subtotal per kind (cash for the till, card-like for the bank, stored value,
points, on account, waived), then the invoices and refunds counted, new debt and debt
repaid, sessions redeemed and the revenue they recognise, and what each staff member's
lines came to. The day is the salon's calendar day. ``[`` and ``]`` step a day back and forward,
``t`` comes back to today, ``p`` writes the summary as a text file (in the
user's documents folder) and says where. Escape goes back.

In a chain it is the desk's branch's day; ``b`` switches to the whole chain and back,
and the head says which. A salon with one branch has no such key.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Label, Static

from salontui.i18n import N_, _
from salontui.keymap import key_of
from salontui.screens.base import StoreCalls
from salontui.screens.checkout.common import label_of
from salontui.screens.commands import Command, binding_commands
from salontui.store.errors import SalonError
from salontui.widgets.footer import DeskFooter
from salontui.widgets.header import desk_header
from salontui.widgets.tables import Cell, Col, DeskTable

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.formatting import Formatter
    from salontui.store.dayclose import DayClose

TEXT_WIDTH = 48
WEEKDAYS = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"),
            N_("Saturday"), N_("Sunday"))


def day_close_text(close: DayClose, fmt: Formatter, salon_name: str = "",
                   width: int = TEXT_WIDTH, place: str = "") -> str:
    """The summary as plain text, ``width`` columns: for the printer and the .txt file.
    ``place`` is a chain's branch (or the whole chain), under the salon's name."""
    from salontui.store.text import cell_width

    def pair(left: str, right: str) -> str:
        gap = max(1, width - cell_width(left) - cell_width(right))
        return left + " " * gap + right

    rule = "-" * width
    rows = method_rows(close)
    out = []
    if salon_name:
        out.append(salon_name.upper())
    if place:
        out.append(place)
    out += [_("DAY CLOSE {day}").format(day=fmt.date(close.day)), rule]
    amounts = [(method, (takings, refunds, net)) for method, takings, refunds, net in rows]
    sections = [(_("TAKINGS"), 0), (_("REFUNDS"), 1), (_("NET"), 2)]
    for title, column in sections:
        if column > 0 and not close.refunds:  # net = takings: said once
            continue
        out.append(title)
        for method, figures in amounts:
            if figures[column] or column != 1:
                out.append(pair("  " + label_of(close.labels, method),
                                fmt.money(figures[column])))
        out.append(pair("  " + _("Total"), fmt.money(sum(f[column] for _m, f in amounts))))
    kinds = close.per_kind
    if kinds:  # what the till, the bank, the cards, the points and the debt should show
        out.append(_("PER KIND (NET)"))
        out += [pair("  " + kind_label(kind), fmt.money(net)) for kind, _t, _r, net in kinds]
    out.append(rule)
    out += [pair(label, figure) for label, figure in figure_rows(close, fmt)]
    out += [rule, _("PER STAFF")]
    for staff in close.per_staff:
        out.append(pair(f"  {staff_name(staff.name)} ({staff.lines})", fmt.money(staff.amount)))
    if not close.per_staff:
        out.append("  " + _("no lines"))
    if close.seal:
        digest, _at, ids = close.seal.partition("@")
        out += [rule, _("BOOKS SEALED"), "  " + digest, "  @" + ids,
                _("Keep this page: 'salontui check --seal' with these two lines joined "
                  "proves later that nothing before them was rewritten.")]
    return "\n".join(out) + "\n"


def staff_name(name: str) -> str:
    """The store names lines without a staff member "—"."""
    return _("(no staff chosen)") if name in ("", "—") else name


def kind_label(kind: str) -> str:
    """A kind of payment method as the day close says it ("Card-like")."""
    from salontui.screens.dialogs.labels import stored_label
    from salontui.store.kinds import METHOD_KIND_LABELS

    return stored_label(METHOD_KIND_LABELS, kind)


def method_rows(close: DayClose) -> list[tuple[str, int, int, int]]:
    """(method, takings, refunds, net) in the salon's order of its methods (the payment
    panel's), methods of the day only."""
    order = list(close.order)
    methods = sorted(set(close.takings) | set(close.refunds),
                     key=lambda m: order.index(m) if m in order else len(order))
    return [(m, close.takings.get(m, 0), close.refunds.get(m, 0),
             close.takings.get(m, 0) + close.refunds.get(m, 0)) for m in methods]


def figure_rows(close: DayClose, fmt: Formatter) -> list[tuple[str, str]]:
    from salontui.widgets import fmt as cached

    net = close.sales_total + close.refunds_total
    count = partial(cached.points, fmt)  # a count with the locale's grouping: 2.677
    return [
        (_("Invoices ({n})").format(n=count(close.sales_count)), fmt.money(close.sales_total)),
        (_("Refunds ({n})").format(n=count(close.refunds_count)),
         fmt.money(close.refunds_total)),
        (_("Net"), fmt.money(net)),
        (_("New debt (on account)"), fmt.money(close.new_debt)),
        (_("Debt repaid"), fmt.money(close.debt_repaid)),
        (_("Sessions redeemed ({n})").format(n=count(close.sessions_redeemed)),
         fmt.money(close.sessions_value)),
    ]


class DayCloseScreen(StoreCalls, Screen):
    """One day's takings, refunds, debt and sessions; ``p`` writes it as text."""

    help_title = _("Day close")

    DEFAULT_CSS = """
    DayCloseScreen #day-head { height: auto; padding: 0 1; text-style: bold; }
    DayCloseScreen #day-body { height: 1fr; }
    DayCloseScreen .day-title { padding: 0 1; margin-top: 1; text-style: bold;
                                color: $text-muted; }
    DayCloseScreen #methods { height: auto; max-height: 11; }
    DayCloseScreen #kinds { height: auto; max-height: 8; }
    DayCloseScreen #figures { height: auto; max-height: 9; margin-top: 1; }
    DayCloseScreen #staff { height: auto; min-height: 3; max-height: 20; }
    DayCloseScreen #day-saved { height: auto; padding: 0 1; text-style: bold; }
    DayCloseScreen #day-seal { height: auto; padding: 0 1; }
    """

    BINDINGS = [
        Binding("escape", "back", _("Back"), id="day_close.back"),
        Binding("p", "print", _("Save text"), id="day_close.save_text",
                tooltip=_("Save the day close as a text file to print")),
        Binding("left_square_bracket", "day(-1)", _("Prev day"), id="day_close.prev_day",
                tooltip=_("Show the previous day")),
        Binding("right_square_bracket", "day(1)", _("Next day"), id="day_close.next_day",
                tooltip=_("Show the next day")),
        Binding("t", "today", _("Today"), id="day_close.today", tooltip=_("Show today")),
        Binding("r", "reload", _("Reload"),
                id="day_close.reload", show=False, tooltip=_("Read the day again")),
        Binding("b", "whole_chain", _("Branch/chain"), id="day_close.whole_chain",
                tooltip=_("Show this branch or the whole chain")),
    ]

    def __init__(self, day: date | None = None) -> None:
        super().__init__()
        self.day = day
        self.close: DayClose | None = None
        self.whole_chain = False  # a chain's desk: its branch's day, or every branch's

    def compose(self) -> ComposeResult:
        yield desk_header()
        yield Static("", id="day-head")
        with VerticalScroll(id="day-body"):
            yield Label(_("Takings per method"), classes="day-title")
            yield DeskTable([
                Col("method", _("Method"), None, min_width=12),
                Col("takings", _("Takings"), 14, justify="right"),
                Col("refunds", _("Refunds"), 14, justify="right"),
                Col("net", _("Net"), 14, justify="right"),
            ], id="methods")
            yield Label(_("Per kind"), classes="day-title")
            yield DeskTable([
                Col("kind", _("Kind"), None, min_width=12),
                Col("takings", _("Takings"), 14, justify="right"),
                Col("refunds", _("Refunds"), 14, justify="right"),
                Col("net", _("Net"), 14, justify="right"),
            ], id="kinds")
            yield DeskTable([
                Col("what", _("Figure"), None, min_width=20),
                Col("value", _("Amount"), 16, justify="right"),
            ], id="figures")
            yield Label(_("Per staff"), classes="day-title")
            yield DeskTable([
                Col("name", _("Staff"), None, min_width=12),
                Col("lines", _("Lines"), 6, justify="right"),
                Col("amount", _("Amount"), 16, justify="right"),
            ], id="staff")
            yield Label(_("Books sealed"), classes="day-title")
            yield Static("", id="day-seal")
        yield Static("", id="day-saved")
        yield DeskFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.query_one("#methods", DeskTable).focus()
        self.load()

    def today(self) -> date:
        from salontui.store import clock

        return self.desk.formatter.local(clock.now()).date()

    def shown_day(self) -> date:
        """The day shown: the one asked for, else the salon's today."""
        if self.day is None:
            self.day = self.today()
        return self.day

    def load(self) -> None:
        day = self.shown_day()
        self.sub_title = _("Day close {day}").format(day=self.desk.formatter.date(day))
        self.query_one("#day-head", Static).update(Content(_("Loading…")))
        branch_id = None if self.whole_chain else self.desk.branch_id  # None: every branch

        staff_id = self.desk.staff_id

        def read(session: Session, approved_by: int | None = None) -> DayClose:
            from salontui.store.dayclose import day_close

            return day_close(session, day=day, branch_id=branch_id, staff_id=staff_id,
                             approved_by=approved_by)

        self.ask(read, self.show_day, failed=self.day_failed)

    def day_failed(self, error: SalonError) -> None:
        self.query_one("#day-head", Static).update(Content(f"▲ {error.message}"))

    def show_day(self, c: DayClose) -> None:
        self.close = c
        fmt = self.desk.formatter
        day = fmt.date(c.day)
        weekday = WEEKDAYS[c.day.weekday()]
        head = _("{weekday} {day} · {previous} previous day · {next} next day · {today} today · "
                 "{print} print").format(
            weekday=_(weekday), day=day, previous=key_of(self, "day_close.prev_day"),
            next=key_of(self, "day_close.next_day"), today=key_of(self, "day_close.today"),
            print=key_of(self, "day_close.save_text"))
        if self.desk.in_chain:  # which till: the branch's, or every branch's
            toggle = key_of(self, "day_close.whole_chain")
            other = (_("{key} this branch") if self.whole_chain
                     else _("{key} whole chain")).format(key=toggle)
            head = f"{self.place()} · {head} · {other}"
        self.query_one("#day-head", Static).update(Content(head))
        rows = [(m, [label_of(c.labels, m), fmt.money(t), fmt.money(r) if r else "",
                     Cell(fmt.money(n), "bold")]) for m, t, r, n in method_rows(c)]
        total_takings = sum(c.takings.values())
        total_refunds = sum(c.refunds.values())
        rows.append(("total", [Cell(_("Total"), "bold"), Cell(fmt.money(total_takings), "bold"),
                               Cell(fmt.money(total_refunds), "bold"),
                               Cell(fmt.money(total_takings + total_refunds), "bold")]))
        methods = self.query_one("#methods", DeskTable)
        methods.set_rows(rows, keep_cursor=False)
        methods.styles.height = len(rows) + 1
        kinds = self.query_one("#kinds", DeskTable)
        kinds.set_rows(((kind, [kind_label(kind), fmt.money(t), fmt.money(r) if r else "",
                                Cell(fmt.money(n), "bold")]) for kind, t, r, n in c.per_kind),
                       keep_cursor=False)
        kinds.styles.height = max(2, len(c.per_kind) + 1)
        figures = self.query_one("#figures", DeskTable)
        figure_list = figure_rows(c, fmt)
        figures.set_rows(((i, [label, value]) for i, (label, value) in enumerate(figure_list)),
                         keep_cursor=False)
        figures.styles.height = len(figure_list) + 1
        staff = self.query_one("#staff", DeskTable)
        staff.set_rows(((i, [staff_name(s.name), s.lines, fmt.money(s.amount)])
                        for i, s in enumerate(c.per_staff)), keep_cursor=False)
        staff.styles.height = max(2, len(c.per_staff) + 1)
        self.query_one("#day-seal", Static).update(Content(c.seal))

    def place(self) -> str:
        """Whose day is shown, in a chain: the desk's branch or the whole chain."""
        branch = self.desk.branch
        if self.whole_chain or branch is None:
            return _("Whole chain")
        return branch.name

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "whole_chain":  # a salon with one branch has no such key
            return self.desk.in_chain
        return True

    def keys_not_here(self) -> set[str]:
        """Keys the help leaves out: the chain's, in a salon with one branch."""
        return set() if self.desk.in_chain else {"day_close.whole_chain"}

    def action_whole_chain(self) -> None:
        if not self.desk.in_chain:
            return
        self.whole_chain = not self.whole_chain
        self.load()

    def action_day(self, step: int) -> None:
        """The day before or after; never past today (a day not lived has nothing to close)."""
        day = self.shown_day() + timedelta(days=step)
        if day > self.today():
            return
        self.day = day
        self.load()

    def action_today(self) -> None:
        self.day = self.today()
        self.load()

    def action_reload(self) -> None:
        self.load()

    def action_print(self) -> None:
        from salontui.screens.checkout.common import write_text_file

        if self.close is None:
            return
        settings = self.desk.settings
        branch = self.desk.branch
        place = self.place() if branch is not None else ""
        text = day_close_text(self.close, self.desk.formatter,
                              getattr(settings, "name", "") or "", place=place)
        name = f"day-close-{self.close.day.isoformat()}"
        if branch is not None:  # a branch's day and the chain's are two files
            name += "-chain" if self.whole_chain else f"-{branch.code}"
        saved = self.query_one("#day-saved", Static)

        def work():
            try:
                path = write_text_file("day-close", name, text)
            except OSError as error:
                self.app.call_from_thread(saved.update, Content(
                    "▲ " + _("Not saved: {error}").format(error=error)))
                return
            self.app.call_from_thread(self.printed, path)

        self.run_worker(work, thread=True, group="print", exit_on_error=False)

    def printed(self, path) -> None:
        self.saved_path = path
        text = _("Day close saved: {path}").format(path=path)
        self.query_one("#day-saved", Static).update(Content(text))
        self.app.notify(text, timeout=6)

    def action_back(self) -> None:
        self.dismiss(None)

    def palette_commands(self):
        commands = [
            Command("day_close.save_text", _("Print day close"), _("Write it as a text file")),
            Command("day_close.prev_day", _("Show previous day")),
            Command("day_close.next_day", _("Show next day")),
            Command("day_close.today", _("Show today")),
        ]
        if self.desk.in_chain:
            commands.append(Command("day_close.whole_chain", _("Show this branch or the whole "
                                                               "chain")))
        return binding_commands(self, tuple(commands))
