"""RemindersScreen: whom to call today, and why (:mod:`salontui.store.day.reminders`).

The reminders due on the salon's day: callbacks due or overdue (a visit's follow-up
asked for one), birthdays of the week, packages in use expiring within the salon's
reminder days, and customers who owe, largest debt first. A row says the kind, the
customer, their phone, what it is about and its day (an overdue callback's day in bold).
A row of filters over the list shows one kind at a time (``1`` callbacks, ``2``
birthdays, ``3`` packages expiring, ``4`` debts, ``0`` all) with how many of each are due.

Keys: Enter opens the customer; ``d`` marks the selected reminder done: a small dialog
asks what was done (a call, an SMS or other care) and a note, writes it to the customer's
care history and takes the reminder off the list (a birthday comes back next year, a
package when its new expiry nears, a debt when it changes). Escape goes back. The list
reads again whenever anything is written, here or at another desk.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Label, Static

from salontui.i18n import N_, _
from salontui.keymap import key_of
from salontui.screens.base import StoreCalls
from salontui.screens.commands import Command, PaletteEntry, binding_commands
from salontui.screens.day.live import LiveDay
from salontui.screens.dialogs.base import FormDialog
from salontui.store.errors import SalonError
from salontui.widgets import fmt as cached
from salontui.widgets.footer import DeskFooter
from salontui.widgets.header import desk_header
from salontui.widgets.inputs import DeskInput, Field, RadioChoice
from salontui.widgets.tables import Cell, Col, DeskTable

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.store.day.reminders import DoneReminder, ReminderList, ReminderRow

ALL = "all"
# The filters of the tab row, in the order of their keys (1..4, then 0: every kind).
FILTERS = (
    ("callback", "1", N_("Call back")),
    ("birthday", "2", N_("Birthday")),
    ("expiry", "3", N_("Expiring")),
    ("debt", "4", N_("Debt")),
    (ALL, "0", N_("All")),
)
LIMIT = 200  # rows of each kind (the counts say how many are due in all)
NOTE_CHARS = 4000  # store.day.reminders.MAX_NOTE
# What was done, as the dialog offers it (the store writes "other" as plain care).
DONE_BY = (("call", N_("Call")), ("sms", N_("SMS")), ("other", N_("Other")))


def kind_text(kind: str) -> str:
    return next((_(label) for name, _key, label in FILTERS if name == kind), kind)


class ReminderDoneDialog(FormDialog):
    """What was done about a reminder (a call, an SMS, other care) and a note; answers the
    :class:`~salontui.store.day.reminders.DoneReminder` written."""

    DEFAULT_CSS = """
    ReminderDoneDialog #done-about { height: auto; padding: 0 1; }
    """

    def __init__(self, reminder: ReminderRow, about: str) -> None:
        super().__init__()
        self.reminder = reminder
        self.about = about
        self.title_text = _("Reminder done")
        self.confirm_label = _("Done")

    def compose_body(self) -> ComposeResult:
        r = self.reminder
        with Vertical(id="done-about"):
            yield Label(Content(f"{kind_text(r.kind)}: {r.customer_name}"))
            yield Label(Content(self.about))
        # The note first, so typing goes straight into it; what was done is one Tab away
        # (its first letter picks it: c, s, o).
        yield Field(_("Note"), DeskInput("", id="done-note", max_length=NOTE_CHARS,
                                         placeholder=_("What the customer said (optional)")),
                    key="note")
        default = "sms" if r.kind == "birthday" else "call"
        yield Field(_("Done by"), RadioChoice([(value, _(label)) for value, label in DONE_BY],
                                              value=default, id="done-by"),
                    key="care_type")

    def prepare(self):
        r = self.reminder
        note = self.value("note")
        care_type = self.query_one("#done-by", RadioChoice).value
        staff_id = self.staff_id

        def save(session: Session) -> DoneReminder:
            from salontui.store.day.reminders import mark_reminder_done

            assert staff_id is not None
            return mark_reminder_done(session, staff_id=staff_id, kind=r.kind,
                                      subject=r.subject, customer_id=r.customer_id,
                                      care_type=care_type, note=note)

        return save


class RemindersScreen(LiveDay, StoreCalls, Screen):
    """The reminders due today, by kind; Enter opens the customer, ``d`` marks one done."""

    help_title = _("Reminders")

    DEFAULT_CSS = """
    RemindersScreen #reminders-head { height: 1; padding: 0 1; text-style: bold; }
    RemindersScreen #reminders-tabs { height: auto; padding: 0 1; }
    RemindersScreen #reminders-table { height: 1fr; }
    RemindersScreen #reminders-detail { height: auto; max-height: 2; padding: 0 1; }
    RemindersScreen #reminders-hint { height: 1; padding: 0 1; color: $text-muted; }
    """

    BINDINGS = [
        Binding("enter", "open", _("Customer"), id="day.reminders.open",
                tooltip=_("Open the customer of the selected reminder")),
        Binding("d", "done", _("Done"), id="day.reminders.done",
                tooltip=_("Mark the selected reminder done: a care note, off the list")),
        Binding("escape", "back", _("Back"), id="day.reminders.back"),
        Binding("r", "reload", _("Reload"), id="day.reminders.reload", show=False,
                tooltip=_("Read the reminders again")),
        *(Binding(key, f"show('{name}')", _(label), id=f"day.reminders.{name}", show=False,
                  tooltip=_("Show every kind of reminder") if name == ALL
                  else _("Show only these reminders: {kind}").format(kind=_(label)))
          for name, key, label in FILTERS),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.listing: ReminderList | None = None
        self.filter = ALL
        self.shown: list[ReminderRow] = []

    def compose(self) -> ComposeResult:
        yield desk_header()
        yield Static(Content(_("Loading…")), id="reminders-head")
        yield Static("", id="reminders-tabs")
        yield DeskTable([
            Col("kind", _("Kind"), 9),
            Col("customer", _("Customer"), 16, grow=1, max_width=20, prose=True),
            Col("phone", _("Phone"), 12),
            Col("what", _("What"), None, min_width=12),
            Col("when", _("When"), 10),
        ], id="reminders-table")
        yield Static("", id="reminders-detail")
        yield Static("", id="reminders-hint")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.sub_title = _("Reminders")
        self.query_one(DeskTable).focus()
        self.watch(self.app, "data_version", self.data_changed)
        self.load()

    # -- reading ------------------------------------------------------------------------
    def on_screen_resume(self) -> None:
        self.query_one(DeskTable).focus()
        self.reload_if_stale()

    def load(self) -> None:
        if self.desk.engine is None:
            return
        day, branch_id = self.today(), self.desk.branch_id

        def read(session: Session) -> ReminderList:
            from salontui.store.day.reminders import reminder_list

            return reminder_list(session, day, branch_id, limit=LIMIT)

        self.ask(read, self.show_list, failed=self.list_failed)

    def list_failed(self, error: SalonError) -> None:
        self.query_one("#reminders-head", Static).update(Content(f"▲ {error.message}"))

    def show_list(self, listing: ReminderList) -> None:
        self.listing = listing
        self.show_head()
        self.show_rows()

    # -- drawing ------------------------------------------------------------------------
    def count_of(self, name: str) -> int:
        if self.listing is None:
            return 0
        counts = self.listing.counts
        return counts.total if name == ALL else counts.of(name)

    def show_head(self) -> None:
        listing = self.listing
        if listing is None:
            return
        fmt = self.desk.formatter
        self.query_one("#reminders-head", Static).update(Content(
            _("Reminders due {day}: {n}").format(day=fmt.date(listing.day),
                                                 n=listing.counts.total)))
        tabs: list[Content | str | tuple[str, str]] = []
        for name, _key, label in FILTERS:
            if tabs:
                tabs.append("  ")
            text = f"{key_of(self, f'day.reminders.{name}')} {_(label)} {self.count_of(name)}"
            tabs.append((f" {text} ", "bold reverse") if name == self.filter else text)
        self.query_one("#reminders-tabs", Static).update(Content.assemble(*tabs))

    def what_of(self, row: ReminderRow) -> str:
        """What a reminder is about; a debt's amount in the desk's own money format."""
        if row.kind == "debt" and row.amount is not None:
            return _("Owes {amount}").format(amount=cached.money(self.desk.formatter,
                                                                 row.amount))
        return row.what

    def show_rows(self, *, keep_cursor: bool = True) -> None:
        listing = self.listing
        rows = list(listing.rows) if listing is not None else []
        self.shown = rows if self.filter == ALL else [r for r in rows if r.kind == self.filter]
        fmt = self.desk.formatter
        day = listing.day if listing is not None else self.today()
        table_rows = []
        for row in self.shown:
            when = fmt.date(row.when)
            late = row.kind == "callback" and row.when < day
            table_rows.append((row.key, [
                kind_text(row.kind), row.customer_name,
                cached.phone(fmt, row.phone) if row.phone else "", self.what_of(row),
                Cell(when, "bold") if late else when,
            ]))
        self.query_one(DeskTable).set_rows(table_rows, keep_cursor=keep_cursor)
        self.show_selected()

    def on_desk_table_row_highlighted(self, event: DeskTable.RowHighlighted) -> None:
        event.stop()
        self.show_selected()

    def show_selected(self) -> None:
        """The selected reminder whole under the list (its columns may be cut at 80), and
        the keys."""
        row = self.selected()
        detail = self.query_one("#reminders-detail", Static)
        if row is None:
            detail.update("")
        else:
            fmt = self.desk.formatter
            parts = [kind_text(row.kind), row.customer_name]
            if row.phone:
                parts.append(cached.phone(fmt, row.phone))
            parts.append(self.what_of(row))
            detail.update(Content(" · ".join(parts)))
        hint = self.query_one("#reminders-hint", Static)
        if self.listing is not None and not self.shown:
            hint.update(Content(_("Nothing to remind: all done.") if self.filter == ALL
                                else _("None of these.")))
            return
        hint.update(Content(_("{open} customer · {done} done · {first}–{last} one kind · "
                              "{all} all").format(
            open=key_of(self, "day.reminders.open"), done=key_of(self, "day.reminders.done"),
            first=key_of(self, "day.reminders.callback"),
            last=key_of(self, "day.reminders.debt"), all=key_of(self, "day.reminders.all"))))

    def selected(self) -> ReminderRow | None:
        key = self.query_one(DeskTable).current_key
        return next((r for r in self.shown if r.key == key), None)

    # -- actions ------------------------------------------------------------------------
    def action_show(self, name: str) -> None:
        if name == self.filter:
            return
        self.filter = name
        self.show_head()
        self.show_rows(keep_cursor=False)

    def action_reload(self) -> None:
        self.load()

    def action_back(self) -> None:
        self.dismiss(None)

    def on_desk_table_row_selected(self, event: DeskTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        row = self.selected()
        if row is not None:
            self.open_customer(row.customer_id)

    def open_customer(self, customer_id: int) -> None:
        """The customer's detail, as the search opens it (its one detail screen, reused)
        when the search is under this screen and its detail is not already open."""
        from salontui.screens.search import CustomerSearchScreen

        stack = self.app.screen_stack
        search = next((s for s in stack if isinstance(s, CustomerSearchScreen)), None)
        if search is not None and (search.detail is None or search.detail not in stack):
            search.open_customer(customer_id)
            return
        from salontui.screens.detail import CustomerDetailScreen

        detail = CustomerDetailScreen()
        detail.show(customer_id)
        self.app.push_screen(detail)

    def action_done(self) -> None:
        row = self.selected()
        if row is None:
            self.app.notify(_("Choose a reminder to mark done."), timeout=4)
            return
        self.app.push_screen(ReminderDoneDialog(row, self.what_of(row)),
                             callback=self.marked_done)

    def marked_done(self, done: DoneReminder | None) -> None:
        if done is None:
            return
        listing = self.listing
        if listing is not None:  # off the list at once; the reading confirms it
            from dataclasses import replace

            key = f"{done.kind}/{done.subject}"
            counts = listing.counts
            fewer = replace(counts, **{done.kind: max(0, counts.of(done.kind) - 1)})
            self.listing = replace(listing, counts=fewer,
                                   rows=tuple(r for r in listing.rows if r.key != key))
            self.show_head()
            self.show_rows()
        self.app.notify(_("Done: written to the customer's care history."), timeout=3)
        self.load()

    def palette_commands(self) -> list[PaletteEntry]:
        return binding_commands(self, (
            Command("day.reminders.open", _("Open the customer"),
                    _("The customer of the selected reminder")),
            Command("day.reminders.done", _("Mark the reminder done"),
                    _("A call, an SMS or other care, with a note")),
            *(Command(f"day.reminders.{name}", _("Show reminders: {what}").format(
                what=_(label))) for name, _key, label in FILTERS),
            Command("day.reminders.reload", _("Read the reminders again")),
            Command("day.reminders.back", _("Close the reminders")),
        ))
