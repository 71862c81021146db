"""CustomerSearchScreen: the desk's first screen. Type, Up/Down, Enter.

One input, searched as you type: a name or part of it (no case, no
diacritics), phone digits (the last 4 are typical) or a code (KH123).
Queries go to the store through ``ask`` (screens/base.py), at most one at a
time: keys typed while one runs mark the search as due, and its answer starts
one more query with what is typed by then (its own rows are not shown), so a
slow answer never overwrites a fresh one and no keystroke waits for the
database. A query the store refuses clears the results and says why under
them. The results table is replaced in one batch. Focus stays in the input: Up,
Down, PgUp and PgDn move through the results from there.

Keys are function keys (letters are for typing): F3 new customer, F4 show
deleted customers (and back), F5 restore the selected deleted customer.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import ModalScreen, Screen
from textual.widgets import Label, Static

from salontui.formatting import Formatter
from salontui.i18n import _, ngettext
from salontui.keymap import key_of
from salontui.screens.base import StoreCalls
from salontui.screens.commands import Command, PaletteEntry, binding_commands
from salontui.store.bounds import MAX_QUERY
from salontui.store.errors import SalonError
from salontui.store.names import tier_label
from salontui.widgets import fmt as cached
from salontui.widgets.footer import DeskFooter
from salontui.widgets.header import desk_header
from salontui.widgets.inputs import DeskInput
from salontui.widgets.tables import Cell, Col, DeskTable

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.screens.detail import CustomerDetailScreen
    from salontui.store.customers import CustomerRecord
    from salontui.store.search import CustomerRow

RESULT_LIMIT = 50
DETAIL_SCREEN = "customer-detail"
SEARCH = "search"  # the tag of the search's store calls (one in flight at a time)


def debt_cell(fmt: Formatter, minor: int) -> Cell:
    """A debt in the results: bold, so it is seen without relying on colour."""
    return Cell(cached.money(fmt, minor), "bold")


def old_phone_cell(fmt: Formatter, e164: str) -> str:
    """A customer found by a number they had before (an old phone): that number, marked
    "(old)": "(old phone)" made the column so wide the name was cut to 8 letters at 80
    columns."""
    return _("{phone} (old)").format(phone=cached.phone(fmt, e164))


class CustomerSearchScreen(StoreCalls, Screen[None]):
    """Find a customer in a few keystrokes; open, add or restore one."""

    help_title = _("Customer search")

    BINDINGS = [
        Binding("enter", "open_customer", _("Open"), id="search.open_customer", priority=True),
        Binding("f3", "new_customer", _("New customer"), id="search.new_customer"),
        Binding("f4", "toggle_deleted", _("Deleted"), id="search.deleted",
                tooltip=_("Show deleted customers (again: back to the others)")),
        Binding("f5", "restore_customer", _("Restore"), id="search.restore_customer",
                tooltip=_("Restore the selected deleted customer")),
        Binding("f2", "app.switch_staff", _("Staff"),
                id="app.switch_staff", tooltip=_("Switch staff member"),
                show=False),  # who is signed in is in the header; F1 lists the key
        Binding("f6", "checkout", _("Walk-in"),
                id="search.walk_in", tooltip=_("Checkout for a walk-in")),
        Binding("f7", "held_checkouts", _("Held"),
                id="search.held", tooltip=_("Resume held checkout")),
        Binding("f8", "day_close", _("Day close"), id="search.day_close"),
        Binding("f9", "find_invoice", _("Invoice"),
                id="search.find_invoice", tooltip=_("Find an invoice by its code")),
        # Not in the footer (80 columns would lose F12 and F1): F1 and the palette list it.
        Binding("f10", "customer_list", _("Members"), id="search.customer_list",
                tooltip=_("The customer list: filters, member states, care over many"),
                show=False),
        # Not in the footer (no room at 80 columns): F1 and the palette list it.
        Binding("f11", "audit", _("Changes"), id="search.audit",
                tooltip=_("Who changed what, when: the audit log"), show=False),
        # Not in the footer (no room at 80 columns): F1 and the palette list it.
        Binding("ctrl+r", "reports", _("Reports"), id="search.reports",
                tooltip=_("Reports: sales, staff, visits, liabilities, profit"),
                show=False),
        Binding("f12", "settings", _("Settings"), id="search.settings",
                tooltip=_("The back office: catalogue, payment methods, card types…")),
        Binding("escape", "clear_search", _("Clear search"), id="search.clear", show=False),
        Binding("down", "move(1)", _("Next result"), id="search.next", show=False),
        Binding("up", "move(-1)", _("Previous result"), id="search.previous", show=False),
        Binding("pagedown", "move(10)", _("Ten results down"), id="search.ten_down", show=False),
        Binding("pageup", "move(-10)", _("Ten results up"), id="search.ten_up", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.deleted = False
        self.rows: list[CustomerRow] = []
        self.query_text = ""
        self.detail: CustomerDetailScreen | None = None
        self.searching = False  # a query is in flight
        self.search_due = False  # typed since it started: search again when it answers
        self.refreshing = False  # the query runs because another desk wrote: keep the cursor
        self.stale = False  # a change came while another screen covered this one
        self.failed = False  # the rows on screen are cleared by a refusal

    def compose(self) -> ComposeResult:
        yield desk_header()
        yield DeskInput(placeholder=_("Search: name, phone digits or code"), id="query",
                        max_length=MAX_QUERY, keep_what_fits=True)
        yield Label("", id="mode")
        yield DeskTable(self._columns(), id="results")
        yield Static("", id="status")
        yield DeskFooter()

    def _columns(self) -> list[Col]:
        return [
            Col("code", _("Code"), 8),
            Col("name", _("Name"), None, min_width=14),
            Col("phone", _("Phone"), 12),
            Col("tier", _("Tier"), 7),
            Col("points", _("Points"), 6, justify="right"),
            Col("debt", _("Debt"), 11, justify="right"),
            Col("visit", _("Last visit"), 10),
        ]

    def on_mount(self) -> None:
        table = self.query_one(DeskTable)
        table.can_focus = False
        self.query_one(DeskInput).focus()
        self.watch(self.app, "status", self._show_status)
        self.watch(self.app, "data_version", self._on_data_version)

    # -- searching ------------------------------------------------------------------
    def _on_data_version(self, _version: int) -> None:
        """Something was written (here or at another desk): read the list again, now if it
        can be seen (only dialogs above it), else when it is shown again. Textual draws
        the screen under the top one too, so a list read again under the customer detail
        would repaint the whole terminal for a change nobody can see."""
        if self.desk.engine is None:
            return
        stack = self.app.screen_stack
        above = stack[stack.index(self) + 1:] if self in stack else []
        if any(not isinstance(screen, ModalScreen) for screen in above):
            self.stale = True
            return
        self.refreshing = True
        self.run_search()

    def on_input_changed(self, event: DeskInput.Changed) -> None:
        self.query_text = event.value
        self.run_search()

    def on_screen_resume(self) -> None:
        self.query_one(DeskInput).focus()
        if self.stale:
            self.stale = False
            self.refreshing = True
            self.run_search()

    def run_search(self) -> None:
        """Ask for the results of what is typed now.

        At most one query is in flight: keys typed meanwhile only mark the search as
        due again, and the answer starts one more query with what is typed by then.
        (A worker per key piled up thousands of cancelled workers on a long paste typed
        key by key, each new one cancelling all the others: 27 s for 4,000 keys.)
        """
        if self.desk.engine is None:
            return
        if self.searching:
            self.search_due = True
            return
        self._start_search()

    def _start_search(self) -> None:
        self.searching = True
        self.search_due = False
        query, deleted = self.query_text, self.deleted

        def find(session: Session) -> list[CustomerRow]:
            from salontui.store.search import search_customers

            return search_customers(session, query=query, limit=RESULT_LIMIT, deleted=deleted)

        self.ask(find, self.show_results, failed=self.search_failed,
                 crashed=self.search_failed, tag=SEARCH)

    def _answered(self) -> bool:
        """The query in flight has answered: True if that answer is the one to show, False
        if keys were typed meanwhile (the next query has started instead)."""
        self.searching = False
        if self.search_due:  # typed more while this one ran: ask again with what is there now
            self._start_search()
            return False
        return True

    def show_results(self, rows: list[CustomerRow]) -> None:
        if not self._answered():
            return
        refreshing, self.refreshing = self.refreshing, False
        if rows == self.rows and not self.failed:
            self._show_status(self.desk.status)  # the same rows: nothing to draw again
            return
        self.failed = False
        self.rows = rows
        fmt = self.desk.formatter
        table_rows = []
        for r in self.rows:  # phones and amounts: formatted for the rows drawn (lazy cells)
            debt = partial(debt_cell, fmt, r.debt) if r.debt else ""
            table_rows.append((r.id, [
                r.code, r.name, partial(old_phone_cell, fmt, r.old_phone) if r.old_phone
                else partial(cached.phone, fmt, r.phone), tier_label(r.tier),
                partial(cached.points, fmt, r.points), debt, fmt.date(r.last_visit),
            ]))
        # A refresh keeps the cursor on the customer it was on; a new query starts at the top.
        self.query_one(DeskTable).set_rows(table_rows, keep_cursor=refreshing)
        self._show_status(self.desk.status)

    def search_failed(self, error: BaseException) -> None:
        """A query refused (or failed): no rows are left from the one before, and the
        status says why (a failure that is no refusal is logged by ``ask``)."""
        if not self._answered():
            return
        self.rows = []
        self.refreshing = False
        self.failed = True
        self.query_one(DeskTable).set_rows([], keep_cursor=False)
        reason = error.message if isinstance(error, SalonError) else str(error)
        self.query_one("#status", Static).update(
            Text(_("Search failed: {error}").format(error=reason)))

    def _show_status(self, status: str) -> None:
        count = len(self.rows)
        if self.desk.engine is None:
            text = status
        elif self.deleted and count >= RESULT_LIMIT:
            text = _("{status} · the latest {n} deleted customers (type to find others) · "
                     "{key} restores").format(status=status, n=count,
                                              key=key_of(self, "search.restore_customer"))
        elif self.deleted:
            text = ngettext("{status} · {n} deleted customer · {key} restores the selected one",
                            "{status} · {n} deleted customers · {key} restores the selected one",
                            count).format(status=status, n=count,
                                          key=key_of(self, "search.restore_customer"))
        elif not self.query_text.strip():
            text = _("{status} · newest customers · type a name, phone or code · "
                     "{key} keys").format(status=status, key=key_of(self.app, "app.help"))
        else:
            text = _("{status} · {n} found").format(status=status, n=count)
            if count >= RESULT_LIMIT:
                text += " " + _("(the first {n}: type more to narrow)").format(n=RESULT_LIMIT)
        self.query_one("#status", Static).update(Text(text), layout=False)

    # -- selection ------------------------------------------------------------------
    def selected(self) -> CustomerRow | None:
        key = self.query_one(DeskTable).current_key
        return next((r for r in self.rows if str(r.id) == key), None)

    def action_move(self, step: int) -> None:
        table = self.query_one(DeskTable)
        if table.row_count:
            row = max(0, min(table.row_count - 1, table.cursor_row + step))
            table.move_cursor(row=row, animate=False)

    def on_desk_table_row_selected(self, event) -> None:
        event.stop()
        self.action_open_customer()

    def action_open_customer(self) -> None:
        row = self.selected()
        if row is None:
            return
        self.open_customer(row.id)

    def open_customer(self, customer_id: int) -> None:
        """Show a customer's detail. One detail screen is built and installed, then reused
        for every customer (building it is most of the cost of opening one)."""
        from salontui.screens.detail import CustomerDetailScreen

        if self.detail is None:
            self.detail = CustomerDetailScreen()
            self.app.install_screen(self.detail, name=DETAIL_SCREEN)
        self.detail.show(customer_id)
        self.app.push_screen(self.detail, callback=lambda _result: self.run_search())

    def action_clear_search(self) -> None:
        box = self.query_one(DeskInput)
        if box.value:
            box.value = ""
        elif self.deleted:
            self.action_toggle_deleted()

    # -- new, deleted, restore ------------------------------------------------------
    def action_checkout(self, draft_id: int | None = None) -> None:
        from salontui.screens.checkout import CheckoutScreen

        self.app.push_screen(CheckoutScreen(draft_id=draft_id),
                             callback=lambda _result: self.run_search())

    def action_held_checkouts(self) -> None:
        from salontui.screens.dialogs.held_checkouts import HeldCheckoutsDialog

        def chosen(draft_id) -> None:
            if draft_id is not None:
                self.action_checkout(draft_id)

        self.app.push_screen(HeldCheckoutsDialog(), callback=chosen)

    def action_day_close(self) -> None:
        from salontui.screens.day_close import DayCloseScreen

        self.app.push_screen(DayCloseScreen())

    def action_find_invoice(self) -> None:
        from salontui.screens.dialogs.find_invoice import FindInvoiceDialog
        from salontui.screens.dialogs.invoice import InvoiceDialog

        def found(invoice_id) -> None:
            if invoice_id is not None:
                self.app.push_screen(InvoiceDialog(invoice_id))

        self.app.push_screen(FindInvoiceDialog(), callback=found)

    def action_customer_list(self) -> None:
        from salontui.screens.loyalty.customers import CustomerListScreen

        self.app.push_screen(CustomerListScreen())

    def action_audit(self) -> None:
        from salontui.screens.audit import AuditScreen

        self.app.push_screen(AuditScreen())

    def action_reports(self) -> None:
        """The reports, for the owner and the managers (anyone else is told, at once)."""
        staff_id = self.desk.staff_id

        def check(session: Session) -> None:
            from salontui.store.reports.access import require_report_reader

            require_report_reader(session, staff_id=staff_id)

        self.ask(check, self.open_reports)

    def open_reports(self, _allowed: None) -> None:
        from salontui.screens.reports import ReportsScreen

        self.app.push_screen(ReportsScreen())

    def action_settings(self) -> None:
        from salontui.screens.settings import SettingsScreen

        self.app.push_screen(SettingsScreen())

    def action_new_customer(self) -> None:
        from salontui.screens.dialogs.customer_form import CustomerFormDialog

        def answer(record) -> None:
            if record is not None:
                self.run_search()
                self.open_customer(record.id)

        self.app.push_screen(CustomerFormDialog(), callback=answer)

    def action_toggle_deleted(self) -> None:
        self.deleted = not self.deleted
        mode = self.query_one("#mode", Label)
        if self.deleted:
            mode.update(Text(" " + _("DELETED CUSTOMERS: {restore} restores the selected one, "
                                     "{back} goes back").format(
                restore=key_of(self, "search.restore_customer"),
                back=key_of(self, "search.deleted")) + " "))
            mode.display = True
        else:
            mode.update("")
            mode.display = False
        self.refresh_bindings()
        self.run_search()

    def action_show_deleted(self) -> None:
        if not self.deleted:
            self.action_toggle_deleted()

    def action_restore_customer(self) -> None:
        row = self.selected()
        if not self.deleted or row is None:
            self.app.notify(_("Show the deleted customers ({key}) and choose one to "
                              "restore.").format(key=key_of(self, "search.deleted")),
                            timeout=4)
            return
        staff_id = self.desk.staff_id
        customer_id = row.id

        def restore(session: Session) -> CustomerRecord:
            from salontui.store.customers import restore_customer

            return restore_customer(session, staff_id=staff_id, customer_id=customer_id)

        self.ask(restore, self.restored, write=True)

    def restored(self, record: CustomerRecord) -> None:
        self.app.notify(_("Restored {code} {name}.").format(code=record.code,
                                                             name=record.name), timeout=4)
        self.run_search()

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "restore_customer":
            return self.deleted
        if action in ("checkout", "held_checkouts", "day_close", "find_invoice", "settings",
                      "audit", "reports"):
            return not self.deleted  # the deleted list is for restoring: its keys only
        return True

    def help_extra(self):
        return [("ctrl+p", _("All commands by name")), ("ctrl+q", _("Quit"))]

    def palette_commands(self) -> list[PaletteEntry]:
        return binding_commands(self, (
            Command("search.new_customer", _("New customer"), _("Add a customer")),
            Command("search.deleted", _("Show deleted customers"),
                    _("Find a deleted customer to restore"), action="show_deleted"),
            Command("search.restore_customer", _("Restore customer"),
                    _("Restore the selected deleted customer")),
            Command("search.open_customer", _("Open customer"), _("Open the selected customer")),
            Command("search.walk_in", _("Check out a walk-in"), _("A checkout without a customer")),
            Command("search.held", _("Resume held checkout"), _("Pick a parked checkout")),
            Command("search.day_close", _("Close the day"),
                    _("Takings per method, refunds, debt, sessions")),
            Command("search.find_invoice", _("Find invoice"),
                    _("Open an invoice by the code on its receipt")),
            Command("search.customer_list", _("Open the customer list"),
                    _("Filter customers; member states and care over many at once")),
            Command("search.audit", _("Show the changes"),
                    _("Who changed what, when: filter by staff, action, customer, dates")),
            Command("search.reports", _("Show the reports"),
                    _("Daily business, staff and commission, appointments, liabilities, "
                      "cost and profit")),
            Command("search.settings", _("Open settings"),
                    _("Catalogue, payment methods, card types, programmes, points, groups, "
                      "salon, staff, permissions, commission")),
        ))
