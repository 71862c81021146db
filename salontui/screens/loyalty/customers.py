"""CustomerListScreen: every customer, filtered by what loyalty and care ask about, and care
given to many at once.

The filter (``f``: member state, tier, birthday month, last visit from / before, no visit
since, spend from / to, debt, a package expiring within N days, a care type received; all
combined) is said on one line over the list, and how many it matches of how many there are
("1,234 of 100,000"). The list is paged in the store (50 a page: ``n`` the next, ``p``
the one before; ``o`` orders it by code, name or last visit). A row says the code, name,
phone, tier, member state, last visit, spend and debt (at 80 columns the phone and the
state give way; the line under the list says the selected customer whole).

Selecting: Space marks the customer under the cursor (and moves down); ``a`` selects every
customer the filter matches, on every page (Space then leaves one out; ``a`` again or
``c`` clears). Then ``b`` opens a care action over the selection (give or deduct points or
spend, log a call, an SMS or an email, with a care type, a reason from the care catalogue
and a note), asks once more naming how many customers, and runs it with a progress bar,
a chunk of customers per transaction; the report at the end names who was refused and
why. A care action left unfinished (the desk closed while it ran, or stopped with Esc) is
offered when the list opens. ``m`` activates or excludes the selection. ``e`` writes the
customers the filter matches to a spreadsheet (.xlsx or .csv), with a progress bar.

``i`` imports customers (and what they hold) or care actions from a spreadsheet, checked
first (import_dialog.py).

Enter opens the customer (the desk's one customer screen). The list reads again whenever
anything is written, here or at another desk (while a care action runs: once it ends).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from salontui.i18n import _, ngettext
from salontui.keymap import key_of
from salontui.screens.base import StoreCalls
from salontui.screens.commands import Command, PaletteEntry, binding_commands
from salontui.screens.day.live import LiveDay
from salontui.screens.loyalty.care_dialogs import (
    MAX_IDS_A_CALL,
    MONTHS,
    BatchRunDialog,
    CareActionDialog,
    Chosen,
    FilterDialog,
    MemberStateDialog,
    batch_action_text,
    care_type_text,
    member_state_text,
)
from salontui.store.errors import SalonError
from salontui.store.names import tier_label
from salontui.widgets import fmt as cached
from salontui.widgets.footer import DeskFooter
from salontui.widgets.header import desk_header
from salontui.widgets.tables import Cell, Col, DeskTable

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.store.io.report import ImportReport
    from salontui.store.loyalty.care_batches import BatchReport, BatchRow
    from salontui.store.loyalty.care_catalogue import ReasonRow
    from salontui.store.loyalty.customer_list import (
        CustomerFilter,
        CustomerListRow,
        TierChoice,
    )
    from salontui.store.loyalty.members import MemberStatesReport

PAGE = 50  # customers a page (each row's spend is the header's rule: ~0.2 ms a customer)
ORDERS = ("code", "name", "last_visit")
MARK = "*"


@dataclass(frozen=True)
class ListPage:
    """What one reading of the list brings: the page and the counts (``everyone`` None:
    not read again, the filter changed but not the salon)."""

    rows: list[CustomerListRow]
    matched: int
    everyone: int | None
    tiers: list[TierChoice]


def _empty_filter() -> CustomerFilter:
    from salontui.store.loyalty.customer_list import CustomerFilter

    return CustomerFilter()


class CustomerListScreen(LiveDay, StoreCalls, Screen):
    """Customers by filter, selected by hand or all matching, and care over the selection."""

    help_title = _("Customer list")

    DEFAULT_CSS = """
    CustomerListScreen #list-filter { height: 1; padding: 0 1; }
    CustomerListScreen #list-head { height: 1; padding: 0 1; text-style: bold; }
    CustomerListScreen #list-table { height: 1fr; }
    CustomerListScreen #list-detail { height: 1; padding: 0 1; }
    """

    BINDINGS = [
        Binding("enter", "open", _("Open"), id="loyalty.customers.open", show=False,
                tooltip=_("Open the customer under the cursor")),
        Binding("space", "toggle_row", _("Select"), id="loyalty.customers.toggle",
                tooltip=_("Select the customer under the cursor (again: leave out)")),
        Binding("a", "select_all", _("All"), id="loyalty.customers.select_all",
                tooltip=_("Select every customer the filter matches (again: none)")),
        Binding("c", "clear_selection", _("Clear selection"),
                id="loyalty.customers.clear_selection", show=False),
        Binding("f", "filter", _("Filter"), id="loyalty.customers.filter",
                tooltip=_("Filter the customers")),
        Binding("x", "clear_filter", _("Clear filter"), id="loyalty.customers.clear_filter",
                show=False),
        Binding("b", "care", _("Care action"), id="loyalty.customers.care",
                tooltip=_("Give or deduct points or spend, or log a call, an SMS or an "
                          "email, for the selected customers")),
        Binding("m", "member_state", _("Member state"),
                id="loyalty.customers.member_state", show=False,
                tooltip=_("Activate or exclude the selected customers")),
        Binding("o", "order", _("Order"), id="loyalty.customers.order", show=False,
                tooltip=_("Order by code, name or last visit")),
        Binding("n", "page(1)", _("Next page"), id="loyalty.customers.next_page",
                show=False),
        Binding("p", "page(-1)", _("Previous page"), id="loyalty.customers.previous_page",
                show=False),
        Binding("i", "import_file", _("Import"), id="loyalty.customers.import", show=False,
                tooltip=_("Import customers or care actions from a spreadsheet")),
        Binding("t", "tickets", _("Tickets"), id="loyalty.customers.tickets",
                tooltip=_("Adjustment tickets: points and tiers corrected by a manager")),
        Binding("e", "export", _("Export"), id="loyalty.customers.export", show=False,
                tooltip=_("Write the customers the filter matches to a spreadsheet "
                          "(.xlsx or .csv)")),
        Binding("r", "reload", _("Reload"), id="loyalty.customers.reload", show=False),
        Binding("escape", "back", _("Back"), id="loyalty.customers.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filter: CustomerFilter = _empty_filter()
        self.order = ORDERS[0]
        self.page = 0
        self.rows: list[CustomerListRow] = []
        self.matched = 0
        self.everyone = 0
        self.counted = False  # ``everyone`` is read (again after a write)
        self.tiers: list[TierChoice] = []
        self.loaded = False
        self.picked: set[int] = set()  # selected by hand
        self.all_matching = False  # every customer the filter matches…
        self.left_out: set[int] = set()  # …less these
        self.batch_running = False
        self.offered: set[int] = set()  # unfinished batches already offered here
        self.to_top = False  # the next rows shown start with the cursor at the top

    def compose(self) -> ComposeResult:
        yield desk_header()
        yield Static("", id="list-filter")
        yield Static(Content(_("Loading…")), id="list-head")
        yield DeskTable([
            Col("mark", " ", 1),
            Col("code", _("Code"), 8),
            Col("name", _("Name"), None, min_width=14),
            Col("phone", _("Phone"), 12, drop=2),
            Col("tier", _("Tier"), 6),
            Col("state", _("State"), 6, drop=1),
            Col("visit", _("Last visit"), 10),
            Col("spend", _("Spend"), 9, justify="right"),
            Col("debt", _("Debt"), 7, justify="right"),
        ], id="list-table")
        yield Static("", id="list-detail")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.sub_title = _("Customer list")
        self.query_one(DeskTable).focus()
        self.watch(self.app, "data_version", self.data_changed, init=False)
        self.show_filter()
        self.load()
        self.offer_unfinished()

    def on_screen_resume(self) -> None:
        self.query_one(DeskTable).focus()
        self.reload_if_stale()

    # -- reading ------------------------------------------------------------------------
    def data_changed(self, version: int) -> None:
        self.counted = False  # how many customers there are may have changed too
        if self.batch_running:  # a chunk committed: read once the run ends
            self.stale = True
            return
        super().data_changed(version)

    def load(self) -> None:
        """Read the page (and how many match); how many customers there are only when the
        salon changed (a filter, a page or an order does not change it)."""
        if self.desk.engine is None:
            return
        wanted, order, offset = self.filter, self.order, self.page * PAGE
        count_everyone = not self.counted

        def read(session: Session) -> ListPage:
            from salontui.store.loyalty.customer_list import (
                CustomerFilter,
                count_customers,
                list_customers,
                tier_choices,
            )

            everyone = (count_customers(session, CustomerFilter())
                        if count_everyone or wanted.is_empty() else None)
            matched = (everyone if wanted.is_empty() and everyone is not None
                       else count_customers(session, wanted))
            rows = list_customers(session, wanted, limit=PAGE, offset=offset, order=order)
            return ListPage(rows=rows, matched=matched, everyone=everyone,
                            tiers=tier_choices(session))

        self.ask(read, self.show_page, failed=self.list_failed)

    def list_failed(self, error: SalonError) -> None:
        self.query_one("#list-head", Static).update(Content(f"▲ {error.message}"))

    def show_page(self, page: ListPage) -> None:
        if not page.rows and self.page > 0 and page.matched:  # the page went away
            self.page = max(0, (page.matched - 1) // PAGE)
            self.load()
            return
        self.rows, self.matched = page.rows, page.matched
        if page.everyone is not None:
            self.everyone, self.counted = page.everyone, True
        self.tiers = page.tiers
        self.loaded = True
        self.show_rows(keep_cursor=not self.to_top)
        self.to_top = False
        self.show_head()
        self.show_filter()

    # -- drawing ------------------------------------------------------------------------
    def is_selected(self, customer_id: int) -> bool:
        if self.all_matching:
            return customer_id not in self.left_out
        return customer_id in self.picked

    @property
    def selected_count(self) -> int:
        if self.all_matching:
            return max(0, self.matched - len(self.left_out))
        return len(self.picked)

    def cells(self, row: CustomerListRow) -> list:
        fmt = self.desk.formatter
        state = "" if row.member_state == "active" else member_state_text(row.member_state)
        return [
            MARK if self.is_selected(row.id) else "",
            row.code, row.name, lambda: cached.phone(fmt, row.phone) if row.phone else "",
            tier_label(row.tier), state, fmt.date(row.last_visit),
            lambda: cached.money(fmt, row.spend),
            (lambda: Cell(cached.money(fmt, row.debt), "bold")) if row.debt else "",
        ]

    def show_rows(self, *, keep_cursor: bool = True) -> None:
        self.query_one(DeskTable).set_rows([(str(r.id), self.cells(r)) for r in self.rows],
                                           keep_cursor=keep_cursor)
        self.show_selected()

    def show_head(self) -> None:
        fmt = self.desk.formatter
        n = lambda value: cached.points(fmt, value)  # noqa: E731
        parts = [_("{matched} of {everyone}").format(matched=n(self.matched),
                                                      everyone=n(self.everyone))]
        if self.matched > PAGE:
            pages = (self.matched - 1) // PAGE + 1
            parts.append(_("page {page}/{pages}").format(page=self.page + 1, pages=pages))
        if self.selected_count:
            parts.append(ngettext("{n} selected", "{n} selected", self.selected_count).format(
                n=n(self.selected_count)))
        elif self.loaded and not self.matched:
            parts.append(_("no customer matches"))
        self.query_one("#list-head", Static).update(Content(" · ".join(parts)))

    def filter_text(self) -> str:
        """The filter in one line ("Silver · born in March · owes")."""
        f, fmt = self.filter, self.desk.formatter
        parts = []
        if f.member_state:
            parts.append(member_state_text(f.member_state))
        if f.tier_id is not None:
            name = next((t.name for t in self.tiers if t.id == f.tier_id), f"#{f.tier_id}")
            parts.append(tier_label(name))
        if f.birthday_month:
            parts.append(_("born in {month}").format(month=_(MONTHS[f.birthday_month - 1])))
        if f.visited_after:
            parts.append(_("visited since {day}").format(day=fmt.date(f.visited_after)))
        if f.visited_before:
            parts.append(_("last visit before {day}").format(day=fmt.date(f.visited_before)))
        if f.not_visited_since:
            parts.append(_("no visit since {day}").format(day=fmt.date(f.not_visited_since)))
        if f.spend_min is not None:
            parts.append(_("spent ≥ {amount}").format(amount=fmt.money(f.spend_min)))
        if f.spend_max is not None:
            parts.append(_("spent ≤ {amount}").format(amount=fmt.money(f.spend_max)))
        if f.has_debt is not None:
            parts.append(_("owes") if f.has_debt else _("owes nothing"))
        if f.package_days is not None:
            parts.append(ngettext("package expiring within {n} day",
                                  "package expiring within {n} days",
                                  f.package_days).format(n=f.package_days))
        if f.care_type:
            parts.append(_("received: {type}").format(type=care_type_text(f.care_type)))
        if not parts:
            return _("Every customer · {key} filters").format(
                key=key_of(self, "loyalty.customers.filter"))
        return _("Filter: {what}").format(what=" · ".join(parts))

    def show_filter(self) -> None:
        self.query_one("#list-filter", Static).update(Content(self.filter_text()))

    def on_desk_table_row_highlighted(self, event: DeskTable.RowHighlighted) -> None:
        event.stop()
        self.show_selected()

    def show_selected(self) -> None:
        """The customer under the cursor whole (columns give way at 80)."""
        row = self.current()
        detail = self.query_one("#list-detail", Static)
        if row is None:
            detail.update("")
            return
        fmt = self.desk.formatter
        parts = [row.code, row.name]
        if row.phone:
            parts.append(cached.phone(fmt, row.phone))
        parts.append(tier_label(row.tier))
        parts.append(member_state_text(row.member_state))
        parts.append(ngettext("{n} point", "{n} points", row.points).format(
            n=cached.points(fmt, row.points)))
        detail.update(Content(" · ".join(parts)))

    def current(self) -> CustomerListRow | None:
        key = self.query_one(DeskTable).current_key
        return next((r for r in self.rows if str(r.id) == key), None)

    def redraw_marks(self) -> None:
        table = self.query_one(DeskTable)
        cursor = table.cursor_row
        self.show_rows()
        table.move_cursor(row=cursor)
        self.show_head()

    # -- selecting ------------------------------------------------------------------------
    def action_toggle_row(self) -> None:
        row = self.current()
        if row is None:
            return
        if self.all_matching:
            self.left_out ^= {row.id}
        else:
            self.picked ^= {row.id}
        table = self.query_one(DeskTable)
        cursor = table.cursor_row
        self.redraw_marks()
        table.move_cursor(row=cursor + 1)

    def action_select_all(self) -> None:
        if self.all_matching and not self.left_out:
            self.action_clear_selection()
            return
        self.all_matching, self.left_out, self.picked = True, set(), set()
        self.redraw_marks()

    def action_clear_selection(self) -> None:
        self.all_matching, self.left_out, self.picked = False, set(), set()
        self.redraw_marks()

    def chosen(self) -> Chosen | None:
        """The selection as the store takes it; None (and said) when it is empty or too
        many are left out of "all matching" for one call."""
        if not self.selected_count:
            self.app.notify(_("Select customers first: {one} one, {all} every one the "
                              "filter matches.").format(
                one=key_of(self, "loyalty.customers.toggle"),
                all=key_of(self, "loyalty.customers.select_all")), timeout=5)
            return None
        if self.all_matching:
            if len(self.left_out) > MAX_IDS_A_CALL:
                self.app.notify(_("Too many customers left out by hand: narrow the filter "
                                  "instead."), severity="warning", timeout=6)
                return None
            return Chosen(count=self.selected_count, matching=self.filter,
                          except_ids=sorted(self.left_out))
        if len(self.picked) > MAX_IDS_A_CALL:
            self.app.notify(_("Too many customers selected by hand: select all matching "
                              "a filter instead."), severity="warning", timeout=6)
            return None
        return Chosen(count=self.selected_count, customer_ids=sorted(self.picked))

    # -- filter, order, pages ---------------------------------------------------------------
    def action_filter(self) -> None:
        self.app.push_screen(FilterDialog(self.filter, self.tiers), callback=self.filtered)

    def filtered(self, wanted: CustomerFilter | None) -> None:
        if wanted is None or wanted == self.filter:
            return
        self.set_filter(wanted)

    def set_filter(self, wanted: CustomerFilter) -> None:
        had = self.selected_count
        self.filter, self.page, self.to_top = wanted, 0, True
        self.all_matching, self.left_out, self.picked = False, set(), set()
        if had:
            self.app.notify(_("A new filter: the selection is cleared."), timeout=3)
        self.show_filter()
        self.load()

    def action_clear_filter(self) -> None:
        if not self.filter.is_empty():
            self.set_filter(_empty_filter())

    def action_order(self) -> None:
        self.order = ORDERS[(ORDERS.index(self.order) + 1) % len(ORDERS)]
        self.page, self.to_top = 0, True
        names = {"code": _("by code"), "name": _("by name"),
                 "last_visit": _("by last visit")}
        self.app.notify(_("Ordered {how}.").format(how=names[self.order]), timeout=2)
        self.load()

    def action_page(self, step: int) -> None:
        pages = max(1, (self.matched - 1) // PAGE + 1)
        page = max(0, min(self.page + step, pages - 1))
        if page != self.page:
            self.page, self.to_top = page, True
            self.load()

    def action_reload(self) -> None:
        self.load()

    def action_import_file(self) -> None:
        from salontui.screens.loyalty.import_dialog import ImportDialog

        self.app.push_screen(ImportDialog(), callback=self.imported)

    def imported(self, report: ImportReport | None) -> None:
        """After an import: what it wrote, and the list read again."""
        if report is None or not report.written:
            return
        fmt = self.desk.formatter
        if report.what == "customers":
            text = _("Imported {file}: {created} new, {updated} updated.").format(
                file=report.file, created=cached.points(fmt, report.customers_created),
                updated=cached.points(fmt, report.customers_updated))
        else:
            text = _("Imported {file}.").format(file=report.file)
        if report.error_count:
            text += " " + ngettext("{n} row in error was left out.",
                                   "{n} rows in error were left out.",
                                   report.bad_rows).format(n=cached.points(fmt,
                                                                           report.bad_rows))
        self.app.notify(text, timeout=8)
        self.counted = False
        self.load()

    def action_tickets(self) -> None:
        from salontui.screens.loyalty.tickets import TicketListScreen

        self.app.push_screen(TicketListScreen())

    def action_back(self) -> None:
        self.dismiss(None)

    def action_export(self) -> None:
        """The customers the filter matches to a file (a dialog: the path, a progress bar)."""
        if not self.loaded:
            return
        from salontui.screens.dialogs.export_file import ExportMembersDialog
        from salontui.store import clock

        what = _("no filter") if self.filter.is_empty() else self.filter_text()
        today = self.desk.formatter.local(clock.now()).date()
        self.app.push_screen(ExportMembersDialog(self.filter, self.matched, what, today),
                             callback=self.exported)

    def exported(self, result) -> None:
        if result is None:
            return
        fmt = self.desk.formatter
        self.app.notify(ngettext("{n} customer written to {file}",
                                 "{n} customers written to {file}", result.rows).format(
            n=cached.points(fmt, result.rows), file=result.path), timeout=8)

    # -- the customer -----------------------------------------------------------------------
    def on_desk_table_row_selected(self, event: DeskTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        row = self.current()
        if row is None:
            return
        from salontui.screens.search import CustomerSearchScreen

        stack = self.app.screen_stack
        search = next((s for s in stack if isinstance(s, CustomerSearchScreen)), None)
        if search is not None and (search.detail is None or search.detail not in stack):
            search.open_customer(row.id)
            return
        from salontui.screens.detail import CustomerDetailScreen

        detail = CustomerDetailScreen()
        detail.show(row.id)
        self.app.push_screen(detail)

    # -- care over the selection ------------------------------------------------------------
    def action_care(self) -> None:
        chosen = self.chosen()
        if chosen is None:
            return

        def read(session: Session) -> list[ReasonRow]:
            from salontui.store.loyalty.care_catalogue import list_reasons

            return list_reasons(session, include_inactive=False)

        def ask_care(reasons: list[ReasonRow]) -> None:
            self.app.push_screen(CareActionDialog(chosen, reasons), callback=self.started)

        self.ask(read, ask_care, tag="reasons")

    def started(self, batch: BatchRow | None) -> None:
        if batch is not None:
            self.run(batch)

    def run(self, batch: BatchRow) -> None:
        self.batch_running = True
        self.offered.add(batch.id)
        self.app.push_screen(BatchRunDialog(batch), callback=self.ran)

    def ran(self, report: BatchReport | None) -> None:
        self.batch_running = False
        if report is not None and not report.batch.pending:
            self.action_clear_selection()
        self.stale = False
        self.load()

    def offer_unfinished(self) -> None:
        """A care action left running (the desk closed, or stopped): offer to finish it."""
        if self.desk.engine is None:
            return

        def read(session: Session) -> list[BatchRow]:
            from salontui.store.loyalty.care_batches import running_batches

            return running_batches(session)

        self.ask(read, self.unfinished)

    def unfinished(self, batches: list[BatchRow]) -> None:
        batch = next((b for b in batches if b.id not in self.offered), None)
        if batch is None:
            return
        self.offered.add(batch.id)
        fmt = self.desk.formatter
        question = _("A care action was not finished: {what} ({type}: {reason}), started "
                     "{when} by {who}; {done} of {total} customers done. Finish it now?"
                     ).format(what=batch_action_text(fmt, batch.action, batch.amount),
                              type=care_type_text(batch.care_type), reason=batch.reason,
                              when=fmt.datetime(batch.created_at),
                              who=batch.staff_name or "?",
                              done=cached.points(fmt, batch.handled),
                              total=cached.points(fmt, batch.total))
        from salontui.screens.dialogs.confirm import ConfirmDialog

        def answer(yes: bool | None) -> None:
            if yes:
                self.run(batch)

        self.app.push_screen(ConfirmDialog(question, title=_("Care action"),
                                           confirm_label=_("Finish"),
                                           cancel_label=_("Later")), callback=answer)

    def action_member_state(self) -> None:
        chosen = self.chosen()
        if chosen is not None:
            self.app.push_screen(MemberStateDialog(chosen), callback=self.states_set)

    def states_set(self, report: MemberStatesReport | None) -> None:
        if report is None:
            return
        fmt = self.desk.formatter
        text = ngettext("{n} customer changed", "{n} customers changed",
                        len(report.changed)).format(n=cached.points(fmt, len(report.changed)))
        if report.refused:
            text += " · " + ngettext("{n} left as they were", "{n} left as they were",
                                     len(report.refused)).format(
                n=cached.points(fmt, len(report.refused)))
            text += ": " + report.refused[0].message
        self.app.notify(text, timeout=8)
        self.all_matching, self.left_out, self.picked = False, set(), set()  # done with it
        self.load()

    def palette_commands(self) -> list[PaletteEntry]:
        return binding_commands(self, (
            Command("loyalty.customers.filter", _("Filter the customers"),
                    _("Member state, tier, birthday, visits, spend, debt, packages, care")),
            Command("loyalty.customers.clear_filter", _("Show every customer")),
            Command("loyalty.customers.import", _("Import customers or care actions"),
                    _("From a spreadsheet (.xlsx or .csv), checked first")),
            Command("loyalty.customers.tickets", _("Open adjustment tickets"),
                    _("Points and tiers corrected by a manager")),
            Command("loyalty.customers.export", _("Export the customers to a spreadsheet"),
                    _("The customers the filter matches, to .xlsx or .csv")),
            Command("loyalty.customers.select_all", _("Select all matching customers")),
            Command("loyalty.customers.clear_selection", _("Clear the selection")),
            Command("loyalty.customers.care", _("Give care to the selected customers"),
                    _("Points, spend, a call, an SMS or an email")),
            Command("loyalty.customers.member_state",
                    _("Set the member state of the selected customers")),
            Command("loyalty.customers.order", _("Order the customers"),
                    _("By code, name or last visit")),
            Command("loyalty.customers.next_page", _("Show the next page")),
            Command("loyalty.customers.previous_page", _("Show the previous page")),
            Command("loyalty.customers.open", _("Open the customer")),
            Command("loyalty.customers.back", _("Close the customer list")),
        ))

