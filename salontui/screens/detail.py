"""CustomerDetailScreen: the header card and seven tabs (number keys 1–7).

Packages, Appointments, Invoices, Debt, Points, Care history, Promotions.
Each tab loads when first shown, in a thread worker, one page at a time
(paged in SQL: ``[`` and ``]`` turn pages), so a customer with 5,000
invoices opens as fast as one with five. After any change made from a
dialog, the header, the tab and the package history are read again at once.

The footer shows the keys that work on the current tab (a package action on
the Packages tab, Adjust points on the Points tab…); the command palette
offers every action from anywhere and switches to its tab first.

Deleting the customer is ctrl+d, from any tab: a key no tab uses for its rows
(it was ``D``, which a receptionist on the Invoices tab pressed meaning the
invoice). The confirmation says what they still hold (stored value per card,
points, debt, packages with sessions left) and, when they hold anything, asks
for their code to be typed. The Packages tab opens the invoice that sold a
package (``i``); the Care tab lists the deleted notes (F4) to restore one (F5).
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Label, Static, TabbedContent, TabPane

from salontui.formatting import parse_date
from salontui.i18n import N_, _, ngettext
from salontui.screens.base import StoreCalls
from salontui.screens.dialogs.care_note import care_type_label
from salontui.screens.dialogs.packages_common import KIND_LABELS, status_label
from salontui.store.errors import SalonError
from salontui.store.names import card_label
from salontui.widgets.footer import DeskFooter
from salontui.widgets.header import desk_header
from salontui.widgets.header_card import HeaderCard, points_text
from salontui.widgets.inputs import DeskInput
from salontui.widgets.tables import Col, DeskTable

PAGE = 100
INVOICE_RANGE_DAYS = 365
TABS = ("packages", "appointments", "invoices", "debt", "points", "care", "promotions")
PAGED = ("appointments", "invoices", "debt", "points", "care")
CARE_FILTERS = (None, "care", "treatment", "call", "sms", "email")

CHANGE_LABELS = {
    "sell": N_("Sold"), "backfill": N_("Back-filled"), "redeem": N_("Redeemed"),
    "extend": N_("Extended"), "freeze": N_("Reserved"), "resume": N_("Resumed"),
    "adjust_total": N_("Adjusted total"), "adjust_used": N_("Adjusted used"),
    "refund": N_("Refunded"),
}
APPOINTMENT_STATUS = {
    "booked": N_("booked"), "checked_in": N_("checked in"), "paid": N_("paid"),
    "cancelled": N_("cancelled"), "no_show": N_("no-show"),
}
LEDGER_KINDS = {
    "earn": N_("Earned"), "spend": N_("Spent"), "adjust": N_("Adjustment"), "topup": N_("Top-up"),
    "pay": N_("Paid with card"), "charge": N_("On account"), "repay": N_("Repaid"),
    "refund": N_("Refund"), "care": N_("Care action"),
}
INVOICE_KINDS = {"sale": N_("sale"), "refund": N_("refund"), "repayment": N_("repayment")}
USAGE_LABELS = {
    "service": N_("service"), "product": N_("product"), "package": N_("package"),
    "redeem": N_("redeem"), "topup": N_("top-up"), "repay": N_("repay"),
}


def tab_titles() -> dict[str, str]:
    return {
        "packages": _("Packages"), "appointments": _("Appointments"),
        "invoices": _("Invoices"), "debt": _("Debt"), "points": _("Points"),
        "care": _("Care history"), "promotions": _("Promotions"),
    }


def signed(text: str, amount: int) -> Text:
    return Text(("+" if amount > 0 else "") + text)



def technicians_cell(technicians: str | None) -> str:
    """The first technician of an invoice and how many more ("Trần Văn Khoa +1"): a list
    column stays narrow; the invoice itself names them all."""
    names = [n.strip() for n in (technicians or "").split(",") if n.strip()]
    return f"{names[0]} +{len(names) - 1}" if len(names) > 1 else "".join(names)

class Bar(Static):
    """A one-line status of a tab (rows, pages, balance, the keys that matter there)."""

    DEFAULT_CSS = "Bar { height: 1; width: 1fr; padding: 0 1; color: $text-muted; }"


class CustomerDetailScreen(StoreCalls, Screen):
    """Everything about one customer; Escape goes back to the search."""

    help_title = _("Customer")

    BINDINGS = [
        Binding("escape", "back", _("Back"), show=False),  # Esc goes back everywhere; F1 says so
        Binding("enter", "open_row", _("Open"), priority=True, tooltip=_("Open invoice")),
        Binding("enter", "edit_care_note", _("Edit note"), priority=True,
                tooltip=_("Edit care note")),
        Binding("enter", "package_history", _("History"), priority=True, show=False),
        Binding("x", "extend_package", _("Extend"), tooltip=_("Extend package")),
        Binding("r", "reserve_package", _("Reserve"), tooltip=_("Reserve package")),
        Binding("u", "resume_package", _("Resume"), tooltip=_("Resume package")),
        Binding("a", "adjust_package", _("Adjust"), tooltip=_("Adjust package")),
        Binding("h", "package_history", _("History"),
                tooltip=_("Show package history")),
        Binding("i", "package_invoice", _("Invoice"), show=False,  # the bar says it: 80 columns
                tooltip=_("Open the invoice that sold the package")),
        Binding("p", "adjust_points", _("Adjust points")),
        Binding("c", "add_care_note", _("Add note"), tooltip=_("Add care note")),
        Binding("delete", "delete_care_note", _("Delete note"),
                tooltip=_("Delete care note")),
        Binding("t", "care_filter", _("Type"), tooltip=_("Filter care notes by type")),
        Binding("f4", "deleted_care_notes", _("Deleted"), show=False,  # the bar says it
                tooltip=_("Show deleted care notes (again: back to the others)")),
        Binding("f5", "restore_care_note", _("Restore"), tooltip=_("Restore care note")),
        Binding("g", "give_promotion", _("Give promotion")),
        Binding("o", "checkout", _("Checkout"), tooltip=_("Check out this customer")),
        Binding("R", "repay_debt", _("Repay"), tooltip=_("Repay debt")),
        Binding("v", "card_history", _("Card history"),
                tooltip=_("Show the history of a stored-value card")),
        Binding("f", "date_range", _("Dates"), tooltip=_("Change the invoice dates")),
        Binding("left_square_bracket", "page(-1)", _("Prev page")),
        Binding("right_square_bracket", "page(1)", _("Next page")),
        Binding("e", "edit_customer", _("Edit"), tooltip=_("Edit customer")),
        # Not in the footer: rare and destructive; F1 and the palette list it.
        Binding("ctrl+d", "delete_customer", _("Delete"), tooltip=_("Delete customer"),
                show=False),
        Binding("f5", "restore_customer", _("Restore"), tooltip=_("Restore customer")),
        *(Binding(str(i + 1), f"tab('{tab}')", _("Tab: {name}").format(name=title), show=False)
          for i, (tab, title) in enumerate(tab_titles().items())),
    ]

    def __init__(self, customer_id: int | None = None) -> None:
        super().__init__()
        self.built: set[str] = set()
        self._keys_state: tuple = ()
        self.reset(customer_id)

    def reset(self, customer_id: int | None) -> None:
        """Forget everything about the customer shown (the screen is reused: see show)."""
        self.customer_id = customer_id
        self.summary = None
        self.active = "packages"
        self.data: dict[str, list] = {}
        self.loaded: set[str] = set()
        self.page_offset: dict[str, int] = dict.fromkeys(TABS, 0)
        self.more: dict[str, bool] = dict.fromkeys(TABS, False)
        self.invoice_total = 0
        self.care_type: str | None = None
        self.care_deleted = False  # the Care tab lists the deleted notes (F4), to restore (F5)
        self.history_visible = False
        self.history_for: int | None = None
        self.pending = None
        self.select_after_load: tuple[str, str] | None = None
        self.invoice_from = None
        self.invoice_to = None
        self.needs_load = True

    def show(self, customer_id: int) -> None:
        """Show another customer on this (reused) screen: building the screen is most of the
        cost of opening a customer, so the search keeps one and hands it the next customer.
        Answers still on their way for the previous customer are dropped."""
        self.reset(customer_id)
        seqs = self.__dict__.setdefault("_store_seq", {})
        for tag in seqs:
            seqs[tag] += 1
        if not self.is_mounted:
            return
        self.query_one(HeaderCard).update(_("Loading…"))
        self.sub_title = ""
        for table in self.query(DeskTable):
            table.set_rows([], keep_cursor=False)
        for bar in self.query(Bar):
            bar.update("", layout=False)
        self.query_one("#history", DeskTable).display = False
        self.query_one(TabbedContent).active = "packages"

    def on_screen_resume(self) -> None:
        if self.needs_load and self.is_mounted:
            self.start_loading()

    def start_loading(self) -> None:
        from salontui.store import clock

        self.needs_load = False
        fmt = self.app.formatter
        today = fmt.local(clock.now()).date()  # the salon's calendar day
        self.invoice_to = today
        self.invoice_from = today - timedelta(days=INVOICE_RANGE_DAYS)
        if "invoices" in self.built:
            self.query_one("#from", DeskInput).value = fmt.date(self.invoice_from)
            self.query_one("#to", DeskInput).value = fmt.date(self.invoice_to)
            self.query_one("#invoices-error", Label).display = False
        self.load_summary()
        self.load_tab("packages")
        self.table("packages").focus()

    # -- layout ---------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        titles = tab_titles()
        yield desk_header()
        yield HeaderCard(id="card")
        with TabbedContent(initial="packages", id="tabs"):
            for number, tab in enumerate(TABS, start=1):
                with TabPane(f"{number} {titles[tab]}", id=tab):
                    if tab == "packages":
                        yield from self.pane_widgets(tab)
        yield DeskFooter(show_command_palette=False)

    def pane_widgets(self, tab: str) -> list:
        """The widgets of one tab. Only the first tab is built with the screen; the others
        when first shown, so opening a customer builds (and restyles) a seventh as much."""
        if tab == "packages":
            # Who did it at the desk, and who did the service (a redemption's technician).
            history = DeskTable([
                Col("time", _("Time"), 16),
                Col("change", _("Event"), 14),
                Col("detail", _("Detail"), 12),
                Col("note", _("Note"), None, min_width=6),
                Col("by", _("By"), 10, grow=1, max_width=20),
                Col("technician", _("Technician"), 10, grow=1, max_width=20),
            ], id="history")
            history.display = False
            return [
                DeskTable([
                    Col("name", _("Package"), None, min_width=24),
                    Col("bought", _("Bought"), 10, drop=1),
                    Col("activated", _("Activated"), 10, drop=2),
                    Col("status", _("Status"), 8),
                    Col("expires", _("Expires"), 10),
                    Col("total", _("Total"), 5, justify="right"),
                    Col("used", _("Used"), 4, justify="right"),
                    Col("left", _("Left"), 4, justify="right"),
                ], id="packages-table"),
                Bar(id="packages-bar"),
                history,
            ]
        if tab == "appointments":
            return [
                Bar(id="appointments-bar"),
                DeskTable([
                    Col("time", _("Time"), 16),
                    Col("services", _("Services"), None, min_width=12),
                    Col("staff", _("Staff"), 12, grow=1, max_width=20),
                    Col("status", _("Status"), 10),
                    Col("invoice", _("Invoice"), 14),
                ], id="appointments-table"),
            ]
        if tab == "invoices":
            fmt = self.app.formatter
            return [
                Horizontal(
                    Label(_("From")),
                    DeskInput(fmt.date(self.invoice_from), id="from", max_length=20,
                              placeholder=_("DD/MM/YYYY")),
                    Label(_("to")),
                    DeskInput(fmt.date(self.invoice_to), id="to", placeholder=_("DD/MM/YYYY"),
                              max_length=20),
                    Label("", id="invoices-count"),
                    id="invoices-bar", classes="pane-bar",
                ),
                Label("", id="invoices-error", classes="pane-error"),
                DeskTable([
                    Col("code", _("Code"), 8),
                    Col("date", _("Date"), 10),
                    Col("usage", _("Usage"), 9, grow=1, max_width=32, drop=2),
                    Col("item", _("Item"), None, min_width=10),
                    Col("qty", _("Qty"), 3, justify="right"),
                    Col("total", _("Total"), 12, justify="right"),
                    # Who did the lines, and who took the money (left out first when narrow).
                    Col("technician", _("Technician"), 10, grow=1, max_width=24),
                    Col("cashier", _("Cashier"), 10, grow=1, max_width=24, drop=1),
                ], id="invoices-table"),
            ]
        if tab in ("debt", "points"):
            return [
                Bar(id=f"{tab}-bar"),
                DeskTable([
                    Col("time", _("Date"), 16),
                    Col("content", _("Content"), None, min_width=10),
                    Col("change", _("+/−"), 12, justify="right"),
                    Col("balance", _("Balance"), 12, justify="right"),
                    Col("by", _("By"), 12, grow=1, max_width=20),
                ], id=f"{tab}-table"),
            ]
        if tab == "care":
            return [
                Bar(id="care-bar"),
                DeskTable([
                    Col("time", _("Date"), 16),
                    Col("by", _("By"), 12, grow=1, max_width=20),
                    Col("type", _("Type"), 9),
                    Col("title", _("Title"), 16, grow=2, max_width=40, prose=True),
                    Col("description", _("Description"), None, min_width=12),
                ], id="care-table"),
            ]
        return [
            Bar(id="promotions-bar"),
            DeskTable([
                Col("code", _("Code"), 10),
                Col("detail", _("Detail"), None, min_width=10),
                Col("created", _("Created"), 10),
                Col("expires", _("Expires"), 10),
                Col("used", _("Used"), 10),
                Col("note", _("Note"), 12, grow=2, max_width=40, prose=True),
            ], id="promotions-table"),
        ]

    def on_mount(self) -> None:
        self.built.add("packages")
        if self.customer_id is not None:
            self.start_loading()

    def on_resize(self, event) -> None:
        """Full tab titles when they fit; "6 Care" and "7 Promos" on an 80-column terminal."""
        titles = tab_titles()
        if event.size.width < 90:
            titles.update(care=_("Care"), promotions=_("Promos"))
        tabs = self.query_one(TabbedContent)
        for number, tab in enumerate(TABS, start=1):
            label = f"{number} {titles[tab]}"
            content_tab = tabs.get_tab(tab)
            if str(content_tab.label) != label:
                content_tab.label = label

    def table(self, tab: str) -> DeskTable:
        return self.query_one(f"#{tab}-table", DeskTable)

    # -- loading --------------------------------------------------------------------
    def load_summary(self) -> None:
        customer_id = self.customer_id

        def read(session):
            from salontui.store.summary import customer_summary

            return customer_summary(session, customer_id=customer_id)

        self.call_store("summary", read)

    def load_tab(self, tab: str) -> None:
        self.call_store(f"tab:{tab}", self.reader(tab))

    def reader(self, tab: str):
        cid = self.customer_id
        offset = self.page_offset[tab]
        if tab == "packages":
            def read(session):
                from salontui.store.packages import list_packages

                return list_packages(session, customer_id=cid)
        elif tab == "appointments":
            def read(session):
                from salontui.store.appointments import list_appointments

                return list_appointments(session, customer_id=cid, limit=PAGE + 1,
                                         offset=offset)
        elif tab == "invoices":
            date_from, date_to = self.invoice_from, self.invoice_to

            def read(session):
                from salontui.store.invoices import count_invoices, list_invoices

                total = count_invoices(session, customer_id=cid, date_from=date_from,
                                       date_to=date_to)
                rows = list_invoices(session, customer_id=cid, date_from=date_from,
                                     date_to=date_to, limit=PAGE, offset=offset)
                return total, rows
        elif tab in ("debt", "points"):
            def read(session):
                from salontui.store.ledger import ledger_history

                return ledger_history(session, customer_id=cid, account=tab, limit=PAGE + 1,
                                      offset=offset)
        elif tab == "care":
            care_type, only_deleted = self.care_type, self.care_deleted

            def read(session):
                from salontui.store.care import list_care_notes

                return list_care_notes(session, customer_id=cid, type=care_type,
                                       only_deleted=only_deleted, limit=PAGE + 1,
                                       offset=offset)
        else:
            def read(session):
                from salontui.store.promotions import list_customer_promotions

                return list_customer_promotions(session, customer_id=cid)
        return read

    def load_history(self) -> None:
        package = self.selected_package()
        if package is None:
            self.query_one("#history", DeskTable).set_rows([])
            return
        self.history_for = package.id

        def read(session):
            from salontui.store.packages import package_history

            return package_history(session, package_id=package.id)

        self.call_store("history", read)

    def refresh_all(self) -> None:
        """After a change: header, the tab in view and the history again, the rest on demand.

        While the tab reloads its keys are off (no row is known); the footer may be redrawn
        in that gap (the dialog closing refreshes it), so the keys' state is forgotten and
        the footer is redrawn again once the rows are back."""
        self.loaded.clear()
        self._keys_state = ()
        self.load_summary()
        self.load_tab(self.active)
        if self.history_visible:
            self.load_history()

    # -- answers --------------------------------------------------------------------
    def store_result(self, tag: str, value) -> None:
        if tag == "summary":
            self.summary = value
            self.query_one(HeaderCard).show(value, self.app.formatter)
            self.sub_title = f"{value.code} {value.name}"
            self.update_keys()
        elif tag.startswith("tab:"):
            tab = tag[4:]
            if tab == "invoices":
                self.invoice_total, rows = value
                self.more[tab] = self.page_offset[tab] + len(rows) < self.invoice_total
            elif tab in PAGED:
                rows = list(value)
                self.more[tab] = len(rows) > PAGE
                rows = rows[:PAGE]
            else:
                rows = list(value)
            self.data[tab] = rows
            self.loaded.add(tab)
            self.render_tab(tab)
            if self.select_after_load and self.select_after_load[0] == tab:
                self.table(tab).select_key(self.select_after_load[1])
                self.select_after_load = None
            if tab == "packages" and self.history_visible:
                self.load_history()
            self.update_keys()
            if self.pending is not None and self.pending[0] == tab:
                _tab, action = self.pending
                self.pending = None
                action()
        elif tag == "history":
            self.render_history(value)
        elif tag == "delete_customer":
            self.app.notify(_("Deleted {code} {name}. F4 on the search screen finds it to "
                              "restore.").format(code=value.code, name=value.name), timeout=6)
            self.dismiss(None)
        elif tag == "restore_customer":
            self.app.notify(_("Restored {code} {name}.").format(code=value.code,
                                                                 name=value.name), timeout=4)
            self.refresh_all()
        elif tag == "delete_note":
            self.app.notify(_("Care note deleted. F4 lists the deleted notes to restore one."),
                            timeout=4)
            self.refresh_all()
        elif tag == "restore_note":
            self.app.notify(_("Care note '{title}' restored.").format(title=value.title),
                            timeout=4)
            self.refresh_all()
        elif tag == "delete_holdings":
            self.confirm_delete_customer(*value)

    def store_error(self, tag: str, error: SalonError) -> None:
        if tag == "summary":
            self.query_one(HeaderCard).update(Content(f"▲ {error.message}"))
            return
        if tag.startswith("tab:"):
            tab = tag[4:]
            bar = self.query_one("#invoices-error" if tab == "invoices" else f"#{tab}-bar")
            bar.update(Content(f"▲ {error.message}"))
            bar.display = True
            return
        super().store_error(tag, error)

    # -- rendering ------------------------------------------------------------------
    def page_text(self, tab: str, count: int) -> str:
        """"12 rows", or "101–200 of 5,000 · [ previous, ] next page" when there are pages."""
        start = self.page_offset[tab]
        if count == 0:
            return ""
        total = self.invoice_total if tab == "invoices" else None
        if start == 0 and not self.more[tab]:
            return ngettext("{n} row", "{n} rows", count).format(n=count)
        text = _("{a}–{b}").format(a=start + 1, b=start + count)
        if total is not None:
            text += " " + _("of {n}").format(n=total)
        keys = []
        if start > 0:
            keys.append(_("[ previous"))
        if self.more[tab]:
            keys.append(_("] next page"))
        return text + " · " + ", ".join(keys)

    def bar(self, tab: str, text: str) -> None:
        self.query_one(f"#{tab}-bar", Bar).update(Content(text), layout=False)

    def render_tab(self, tab: str) -> None:
        getattr(self, f"render_{tab}")(self.data.get(tab, []))

    def render_packages(self, rows: list) -> None:
        fmt = self.app.formatter
        table_rows = []
        for p in rows:
            name = p.name if p.kind == "count" else f"{p.name} ({_(KIND_LABELS[p.kind])})" \
                if p.kind in KIND_LABELS else p.name
            dim = "" if p.status in ("in_use", "reserved") else "dim"
            table_rows.append((p.id, [
                Text(name, style=dim), fmt.date(p.purchased_on), fmt.date(p.activated_on),
                Text(status_label(p.status), style="bold" if p.status == "reserved" else dim),
                fmt.date(p.expires_on),
                "—" if p.kind == "time" else p.total_uses, p.used,
                "—" if p.remaining is None else p.remaining,
            ]))
        self.table("packages").set_rows(table_rows)
        if not rows:
            self.bar("packages", _("No packages yet."))
        elif self.history_visible:
            self.bar("packages", _("History of the selected package (h hides it)"))
        else:
            self.bar("packages", _("h: history of the selected package · i: its invoice"))

    def render_history(self, events: list) -> None:
        fmt = self.app.formatter
        rows = []
        for e in events:
            detail = ""
            if e.delta_used:
                detail = _("{n:+d} used").format(n=e.delta_used)
            elif e.delta_total:
                detail = _("{n:+d} total").format(n=e.delta_total)
            if e.change == "freeze" and e.frozen_until:
                detail = _("until {date}").format(date=fmt.date(e.frozen_until))
            elif e.new_expiry and e.new_expiry != e.old_expiry:
                detail = (detail + " " if detail else "") + "→ " + fmt.date(e.new_expiry)
            rows.append((e.id, [fmt.datetime(e.created_at),
                                _(CHANGE_LABELS.get(e.change, e.change)), detail, e.note,
                                e.operator_name, e.service_staff_name]))
        self.query_one("#history", DeskTable).set_rows(rows, keep_cursor=False)

    def render_appointments(self, rows: list) -> None:
        fmt = self.app.formatter
        table_rows = []
        for a in rows:
            if a.invoice_state == "view":
                invoice = Text(_("view {code}").format(code=a.invoice_code or ""), style="bold")
            elif a.invoice_state == "to_cashier":
                invoice = Text(_("to cashier"), style="bold")
            else:
                invoice = _("none")
            table_rows.append((a.id, [
                fmt.datetime(a.starts_at), a.services, a.staff_name or "",
                _(APPOINTMENT_STATUS.get(a.status, a.status)), invoice,
            ]))
        self.table("appointments").set_rows(table_rows)
        self.bar("appointments", self.page_text("appointments", len(rows))
                 or _("No appointments."))

    def render_invoices(self, rows: list) -> None:
        from salontui.screens.dialogs.invoice import invoice_item

        fmt = self.app.formatter
        table_rows = []
        for inv in rows:
            usage = ", ".join(_(USAGE_LABELS.get(u.strip(), u.strip()))
                              for u in (inv.usage_type or "").split(",") if u.strip())
            if inv.kind != "sale":
                usage = f"{_(INVOICE_KINDS.get(inv.kind, inv.kind))}: {usage}"
            table_rows.append((inv.id, [
                inv.code, fmt.date(inv.created_at), usage, invoice_item(inv), inv.quantity,
                fmt.money(inv.total), technicians_cell(getattr(inv, "technicians", "")),
                inv.staff_name or "",
            ]))
        self.table("invoices").set_rows(table_rows)
        self.query_one("#invoices-error", Label).display = False
        text = self.page_text("invoices", len(rows)) or _("No invoices in these dates.")
        self.query_one("#invoices-count", Label).update(Content(text))

    def _render_ledger(self, tab: str, rows: list, money: bool) -> None:
        fmt = self.app.formatter
        show = fmt.money if money else partial(points_text, fmt)
        table_rows = []
        for e in rows:
            kind = _(LEDGER_KINDS.get(e.kind, e.kind))
            content = f"{kind}: {e.reason}" if e.reason else kind
            table_rows.append((e.id, [
                fmt.datetime(e.created_at), content, signed(show(e.amount), e.amount),
                show(e.balance_after), e.operator_name or "",
            ]))
        self.table(tab).set_rows(table_rows)
        s = self.summary
        if tab == "debt":
            now = _("Debt now: {amount}").format(amount=fmt.money(s.debt if s else 0))
            if s and s.debt:
                now = _("DEBT ▲ {amount} owed").format(amount=fmt.money(s.debt))
        else:
            now = _("Points now: {n}").format(n=points_text(fmt, s.points if s else 0))
        paging = self.page_text(tab, len(rows)) or _("No entries yet.")
        tail = _("p adjusts points") if tab == "points" else ""
        self.bar(tab, " · ".join(t for t in (now, paging, tail) if t))

    def render_debt(self, rows: list) -> None:
        self._render_ledger("debt", rows, money=True)

    def render_points(self, rows: list) -> None:
        self._render_ledger("points", rows, money=False)

    def render_care(self, rows: list) -> None:
        fmt = self.app.formatter
        self.table("care").set_rows(
            (n.id, [fmt.datetime(n.created_at), n.staff_name or "", care_type_label(n.type),
                    n.title, n.description])
            for n in rows)
        kind = care_type_label(self.care_type) if self.care_type else _("all")
        text = _("Type: {kind} (t changes)").format(kind=kind)
        if self.care_deleted:  # 80 columns: the type only when one is chosen
            text = _("Deleted notes · F5 restores the selected one · F4 back") + (
                f" · {kind}" if self.care_type else "")
            paging = self.page_text("care", len(rows)) or _("No deleted care notes.")
        else:
            text += " · " + _("F4 deleted notes")
            paging = self.page_text("care", len(rows)) or _("No care notes.")
        self.bar("care", f"{text} · {paging}")

    def render_promotions(self, rows: list) -> None:
        fmt = self.app.formatter
        self.table("promotions").set_rows(
            (p.id, [p.code, f"{p.program_name}: {p.detail}" if p.detail else p.program_name,
                    fmt.date(p.created_at), fmt.date(p.expires_on), fmt.date(p.used_on),
                    p.note])
            for p in rows)
        self.bar("promotions", ngettext("{n} promotion · g gives one",
                                        "{n} promotions · g gives one",
                                        len(rows)).format(n=len(rows)) if rows
                 else _("No promotions yet · g gives one"))

    # -- tabs -----------------------------------------------------------------------
    def action_tab(self, tab: str) -> None:
        self.query_one(TabbedContent).active = tab

    async def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        event.stop()
        tab = event.pane.id
        if tab not in TABS:
            return
        self.active = tab
        if tab not in self.built:
            self.built.add(tab)
            await event.pane.mount_all(self.pane_widgets(tab))
        if tab not in self.loaded:
            self.load_tab(tab)
        self.table(tab).focus()
        self.update_keys()

    def switch_to(self, tab: str, then=None) -> None:
        """Show ``tab``; run ``then`` once its rows are there (at once if they already are)."""
        if self.active != tab:
            self.action_tab(tab)
        if then is None:
            return
        if tab in self.loaded and not self.is_pending(f"tab:{tab}"):
            then()
        else:
            self.pending = (tab, then)

    def on_desk_table_row_highlighted(self, event) -> None:
        if event.table.id == "packages-table":
            self.update_keys()
            if self.history_visible:
                package = self.selected_package()
                if package is not None and package.id != self.history_for:
                    self.load_history()

    def on_desk_table_row_selected(self, event) -> None:
        event.stop()

    # -- the keys' conditions -------------------------------------------------------
    def update_keys(self) -> None:
        """Redraw the footer only when the set of working keys really changed (a footer
        redraw rebuilds its widgets: too costly for every cursor move)."""
        from textual.actions import parse

        state = []
        for bindings in self._bindings.key_to_bindings.values():
            for binding in bindings:
                _ns, action, params = parse(binding.action)
                state.append(self.check_action(action, params))
        state = tuple(state)
        if state != self._keys_state:
            self._keys_state = state
            self.refresh_bindings()

    def check_action(self, action: str, parameters) -> bool | None:
        tab = self.active
        typing = isinstance(self.focused, Input)
        deleted = self.summary is not None and self.summary.deleted_at is not None
        package = self.selected_package() if tab == "packages" else None
        checks = {
            "extend_package": tab == "packages" and package is not None,
            "adjust_package": tab == "packages" and package is not None
                              and package.kind != "time",
            "reserve_package": (tab == "packages" and package is not None
                                and package.status != "reserved"),
            "resume_package": tab == "packages" and package is not None
                              and package.status == "reserved",
            "package_history": tab == "packages" and package is not None and not typing,
            "package_invoice": tab == "packages" and package is not None
                               and package.invoice_id is not None,
            "open_row": tab in ("appointments", "invoices") and not typing
                        and self.selected_row(tab) is not None,
            "edit_care_note": tab == "care" and self.selected_row("care") is not None
                              and not typing and not self.care_deleted,
            "delete_care_note": tab == "care" and self.selected_row("care") is not None
                                and not self.care_deleted,
            "restore_care_note": tab == "care" and self.care_deleted and not deleted
                                 and self.selected_row("care") is not None,
            "deleted_care_notes": tab == "care",
            "add_care_note": tab == "care" and not self.care_deleted,
            "care_filter": tab == "care",
            "adjust_points": tab == "points",
            "give_promotion": tab == "promotions",
            "date_range": tab == "invoices",
            "edit_customer": not deleted,
            "delete_customer": not deleted,
            "checkout": not deleted,  # the store refuses it: do not offer it
            "repay_debt": not deleted,
            "restore_customer": deleted,
        }
        if action == "page":
            if tab not in PAGED:
                return False
            step = parameters[0] if parameters else 1
            return self.page_offset[tab] > 0 if step < 0 else self.more[tab]
        return checks.get(action, True)

    # -- selection ------------------------------------------------------------------
    def selected_row(self, tab: str):
        if tab not in self.loaded:
            return None
        key = self.table(tab).current_key
        return next((r for r in self.data.get(tab, []) if str(r.id) == key), None)

    def selected_package(self):
        return self.selected_row("packages")

    # -- dialogs --------------------------------------------------------------------
    def open_dialog(self, dialog) -> None:
        self.app.push_screen(dialog, callback=self.after_dialog)

    def after_dialog(self, result) -> None:
        """A dialog saved something: read everything again, with the cursor on what changed."""
        if result is None:
            return
        row_id = getattr(result, "id", None)
        if row_id is not None:
            self.select_after_load = (self.active, str(row_id))
        if self.active in self.built:  # the keys of the tab come back with its table
            self.table(self.active).focus()
        self.refresh_all()

    def _with_package(self, make_dialog) -> None:
        package = self.selected_package()
        if package is None:
            self.app.notify(_("Choose a package first."), timeout=3)
            return
        dialog = make_dialog(package)
        if dialog is not None:
            self.open_dialog(dialog)

    def action_extend_package(self) -> None:
        from salontui.screens.dialogs.extend_package import ExtendPackageDialog

        self.switch_to("packages", lambda: self._with_package(ExtendPackageDialog))

    def action_reserve_package(self) -> None:
        from salontui.screens.dialogs.reserve_package import ReservePackageDialog

        def make(package):
            if package.status == "reserved":
                self.app.notify(_("Already reserved until {date}: u resumes it.").format(
                    date=self.app.formatter.date(package.frozen_until)), timeout=4)
                return None
            return ReservePackageDialog(package)

        self.switch_to("packages", lambda: self._with_package(make))

    def action_resume_package(self) -> None:
        from salontui.screens.dialogs.resume_package import ResumePackageDialog

        def make(package):
            if package.status != "reserved":
                self.app.notify(_("This package is not reserved."), timeout=3)
                return None
            return ResumePackageDialog(package)

        self.switch_to("packages", lambda: self._with_package(make))

    def action_adjust_package(self) -> None:
        from salontui.screens.dialogs.adjust_package import AdjustPackageDialog

        def make(package):
            if package.kind == "time":
                self.app.notify(_("A time card has no sessions to adjust; extend it instead."),
                                timeout=4)
                return None
            return AdjustPackageDialog(package)

        self.switch_to("packages", lambda: self._with_package(make))

    def action_package_history(self) -> None:
        def toggle():
            history = self.query_one("#history", DeskTable)
            self.history_visible = not self.history_visible
            history.display = self.history_visible
            if self.history_visible:
                self.load_history()
            self.render_packages(self.data.get("packages", []))

        self.switch_to("packages", toggle)

    def action_package_invoice(self) -> None:
        """i: the invoice that sold the selected package (the invoice dialog: refund, reprint)."""
        from salontui.screens.dialogs.invoice import InvoiceDialog

        def refunded(result) -> None:  # a refund from there may cancel the package
            if result is not None:
                self.refresh_all()

        def show(package):
            if package.invoice_id is None:
                self.app.notify(_("This package was not sold on an invoice here (it was "
                                  "entered or imported)."), timeout=4)
                return None
            self.app.push_screen(InvoiceDialog(package.invoice_id), callback=refunded)
            return None

        self.switch_to("packages", lambda: self._with_package(show))

    def action_adjust_points(self) -> None:
        from salontui.screens.dialogs.adjust_points import AdjustPointsDialog

        if self.summary is None:
            return
        self.switch_to("points", lambda: self.open_dialog(AdjustPointsDialog(
            self.customer_id, self.summary.points, customer_name=self.summary.name)))

    def action_card_history(self) -> None:
        from salontui.screens.dialogs.card_history import CardHistoryDialog

        if self.summary is not None:
            self.app.push_screen(CardHistoryDialog(self.customer_id, self.summary.cards,
                                                   customer_name=self.summary.name))

    def action_add_care_note(self) -> None:
        from salontui.screens.dialogs.care_note import CareNoteDialog

        if self.care_deleted:  # a new note belongs with the others: leave the deleted list
            self.action_deleted_care_notes()
        self.switch_to("care", lambda: self.open_dialog(CareNoteDialog(self.customer_id)))

    def action_edit_care_note(self) -> None:
        from salontui.screens.dialogs.care_note import CareNoteDialog

        def edit():
            note = self.selected_row("care")
            if note is None:
                self.app.notify(_("Choose a care note first."), timeout=3)
                return
            self.open_dialog(CareNoteDialog(self.customer_id, note))

        self.switch_to("care", edit)

    def action_delete_care_note(self) -> None:
        from salontui.screens.dialogs.confirm import ConfirmDialog

        def ask():
            note = self.selected_row("care")
            if note is None:
                self.app.notify(_("Choose a care note first."), timeout=3)
                return
            staff_id = self.app.staff_id

            def answer(yes) -> None:
                if not yes:
                    return

                def delete(session):
                    from salontui.store.care import delete_care_note

                    return delete_care_note(session, staff_id=staff_id, note_id=note.id)

                self.call_store("delete_note", delete, write=True)

            self.app.push_screen(ConfirmDialog(
                _("Delete the care note '{title}'?").format(title=note.title),
                title=_("Delete care note"), confirm_label=_("Delete")), callback=answer)

        self.switch_to("care", ask)

    def action_care_filter(self) -> None:
        index = CARE_FILTERS.index(self.care_type)
        self.care_type = CARE_FILTERS[(index + 1) % len(CARE_FILTERS)]
        self.page_offset["care"] = 0
        self.load_tab("care")

    def action_deleted_care_notes(self) -> None:
        """F4 on the Care tab: the deleted notes (to restore one with F5); again: the others."""
        def toggle():
            self.care_deleted = not self.care_deleted
            self.page_offset["care"] = 0
            self.loaded.discard("care")
            self.load_tab("care")
            self.update_keys()

        if self.active != "care":
            self.care_deleted = False
        self.switch_to("care", toggle)

    def action_restore_care_note(self) -> None:
        def restore():
            note = self.selected_row("care")
            if note is None or not note.deleted:
                self.app.notify(_("Choose a deleted care note first: F4 lists them."),
                                timeout=4)
                return
            staff_id = self.app.staff_id

            def write(session):
                from salontui.store.care import restore_care_note

                return restore_care_note(session, staff_id=staff_id, note_id=note.id)

            self.call_store("restore_note", write, write=True)

        if not self.care_deleted:
            self.action_deleted_care_notes()
            return
        self.switch_to("care", restore)

    def action_give_promotion(self) -> None:
        from salontui.screens.dialogs.give_promotion import GivePromotionDialog

        self.switch_to("promotions",
                       lambda: self.open_dialog(GivePromotionDialog(self.customer_id)))

    def action_open_row(self) -> None:
        from salontui.screens.dialogs.invoice import InvoiceDialog

        tab = self.active
        row = self.selected_row(tab)
        if row is None:
            return
        if tab == "invoices":
            self.app.push_screen(InvoiceDialog(row.id), callback=self.after_dialog)
        elif tab == "appointments":
            if row.invoice_state == "view" and row.invoice_id:
                self.app.push_screen(InvoiceDialog(row.invoice_id), callback=self.after_dialog)
            elif row.invoice_state == "to_cashier":
                from salontui.screens.checkout import CheckoutScreen

                self.app.push_screen(CheckoutScreen(self.customer_id, appointment_id=row.id),
                                     callback=self.after_dialog)
            else:
                self.app.notify(_("No invoice for this appointment."), timeout=3)

    # -- checkout ------------------------------------------------------------------
    def refuse_if_deleted(self) -> bool:
        """True (and says why) when the customer is deleted: nothing can be sold to them."""
        if self.summary is not None and self.summary.deleted_at is not None:
            self.app.notify(_("This customer is deleted; restore them first (F5)."), timeout=4)
            return True
        return False

    def action_checkout(self) -> None:
        from salontui.screens.checkout import CheckoutScreen

        if self.refuse_if_deleted():
            return
        self.app.push_screen(CheckoutScreen(self.customer_id), callback=self.after_dialog)

    def action_repay_debt(self) -> None:
        from salontui.screens.checkout import CheckoutScreen

        if self.refuse_if_deleted():
            return
        self.app.push_screen(CheckoutScreen.repay_debt(self.customer_id),
                             callback=self.after_dialog)

    def action_refund_invoice(self) -> None:
        from salontui.screens.dialogs.refund import RefundDialog

        row = self.selected_row("invoices")
        if row is not None:
            self.app.push_screen(RefundDialog(row.id), callback=self.after_dialog)

    # -- paging and dates -----------------------------------------------------------
    def action_page(self, step: int) -> None:
        tab = self.active
        if tab not in PAGED:
            return
        if (step < 0 and self.page_offset[tab] == 0) or (step > 0 and not self.more[tab]):
            return
        self.page_offset[tab] = max(0, self.page_offset[tab] + step * PAGE)
        self.load_tab(tab)

    def action_date_range(self) -> None:
        self.switch_to("invoices")
        self.query_one("#from", DeskInput).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id not in ("from", "to"):
            return
        event.stop()
        error_label = self.query_one("#invoices-error", Label)
        error_label.display = False
        try:
            date_from = parse_date(self.query_one("#from", DeskInput).value, field="from",
                                   required=False)
            date_to = parse_date(self.query_one("#to", DeskInput).value, field="to",
                                 required=False)
            if date_from and date_to and date_from > date_to:
                raise SalonError(_("The end date is before the start date."), field="to")
        except SalonError as error:
            error_label.update(Content(f"▲ {error.message}"))
            error_label.display = True
            self.query_one(f"#{error.field}", DeskInput).focus()
            return
        self.invoice_from, self.invoice_to = date_from, date_to
        self.page_offset["invoices"] = 0
        self.load_tab("invoices")
        self.table("invoices").focus()

    # -- the customer ---------------------------------------------------------------
    def action_edit_customer(self) -> None:
        from salontui.screens.dialogs.customer_form import CustomerFormDialog

        if self.summary is None:
            return

        def answer(record) -> None:
            if record is None:
                return
            if record.id != self.customer_id:
                self.app.push_screen(CustomerDetailScreen(record.id))
                return
            self.refresh_all()

        self.app.push_screen(CustomerFormDialog(self.summary), callback=answer)

    def action_delete_customer(self) -> None:
        """ctrl+d, from any tab: a key no tab uses for its rows (``D`` was one letter from a
        row key, and deleted the customer from the Invoices tab). The confirmation first
        reads what the customer still holds; see :meth:`confirm_delete_customer`."""
        s = self.summary
        if s is None or s.deleted_at is not None:
            return
        customer_id = self.customer_id

        def read(session):
            from salontui.store.packages import list_packages
            from salontui.store.summary import customer_summary

            return (customer_summary(session, customer_id=customer_id),
                    list_packages(session, customer_id=customer_id))

        self.call_store("delete_holdings", read)

    def holdings(self, summary, packages) -> list[str]:
        """What the customer still holds, one line each: stored value per card, points,
        debt, and the packages in use or reserved with what is left of them."""
        fmt = self.app.formatter
        lines = [_("{card} card: {amount} stored value").format(
            card=card_label(card.name), amount=fmt.money(card.balance))
            for card in summary.cards if card.balance]
        if summary.points:
            lines.append(ngettext("{points} point", "{points} points", summary.points).format(
                points=points_text(fmt, summary.points)))
        if summary.debt:
            lines.append(_("Debt: {amount} owed to the salon").format(
                amount=fmt.money(summary.debt)))
        for p in packages:
            if p.status not in ("in_use", "reserved"):
                continue
            if p.remaining is None:
                lines.append(_("{name}: unlimited until {date}").format(
                    name=p.name, date=fmt.date(p.expires_on)))
            elif p.remaining > 0:
                lines.append(ngettext("{name}: {n} session left", "{name}: {n} sessions left",
                                      p.remaining).format(name=p.name, n=p.remaining))
        return lines

    def confirm_delete_customer(self, summary, packages) -> None:
        """Ask before deleting, saying what they hold; when they hold anything, the
        receptionist types the customer's code as a second, explicit confirmation."""
        from salontui.screens.dialogs.confirm import ConfirmDialog

        if summary.deleted_at is not None:
            return
        staff_id, customer_id = self.app.staff_id, self.customer_id

        def answer(yes) -> None:
            if not yes:
                return

            def delete(session):
                from salontui.store.customers import delete_customer

                return delete_customer(session, staff_id=staff_id, customer_id=customer_id)

            self.call_store("delete_customer", delete, write=True)

        held = self.holdings(summary, packages)
        if not held:
            self.app.push_screen(ConfirmDialog(
                _("Delete {code} {name}? Everything about them is kept, and they can be "
                  "restored from the deleted customers (F4 on the search screen).").format(
                    code=summary.code, name=summary.name),
                title=_("Delete customer"), confirm_label=_("Delete")), callback=answer)
            return
        question = "\n".join([
            _("Delete {code} {name}? They still hold:").format(code=summary.code,
                                                             name=summary.name),
            *(f"  • {line}" for line in held),
            _("Everything is kept and they can be restored (F4 on the search screen). "
              "Type their code {code} to delete them.").format(code=summary.code),
        ])
        self.app.push_screen(ConfirmDialog(question, title=_("Delete customer"),
                                           confirm_label=_("Delete"),
                                           type_to_confirm=summary.code), callback=answer)

    def action_restore_customer(self) -> None:
        staff_id, customer_id = self.app.staff_id, self.customer_id

        def restore(session):
            from salontui.store.customers import restore_customer

            return restore_customer(session, staff_id=staff_id, customer_id=customer_id)

        self.call_store("restore_customer", restore, write=True)

    def action_back(self) -> None:
        if isinstance(self.focused, Input):
            self.table(self.active).focus()
            return
        self.dismiss(None)

    # -- palette --------------------------------------------------------------------
    def palette_commands(self):
        entries = [
            (_("Extend package"), _("New expiry for the selected package (x)"),
             self.action_extend_package),
            (_("Reserve package"), _("Freeze the selected package for a while (r)"),
             self.action_reserve_package),
            (_("Resume package"), _("End the reservation of the selected package (u)"),
             self.action_resume_package),
            (_("Adjust package"), _("Correct total or used sessions (a)"),
             self.action_adjust_package),
            (_("Show package history"), _("What happened to the selected package (h)"),
             self.action_package_history),
            (_("Open the package's invoice"), _("The invoice that sold the selected package (i)"),
             self.action_package_invoice),
            (_("Adjust points"), _("Increase or decrease points (p)"),
             self.action_adjust_points),
            (_("Add care note"), _("A call, a treatment, a message… (c)"),
             self.action_add_care_note),
            (_("Edit care note"), _("Change the selected care note (Enter)"),
             self.action_edit_care_note),
            (_("Delete care note"), _("Delete the selected care note (Delete)"),
             self.action_delete_care_note),
            (_("Show deleted care notes"), _("The deleted care notes, to restore one (F4)"),
             self.action_deleted_care_notes),
            (_("Restore care note"), _("Bring back the selected deleted care note (F5)"),
             self.action_restore_care_note),
            (_("Filter care notes by type"), _("All, care, treatment, call, SMS, email (t)"),
             lambda: self.switch_to("care", self.action_care_filter)),
            (_("Give promotion"), _("Give a promotion from the programs list (g)"),
             self.action_give_promotion),
            (_("Open invoice"), _("See the lines and payments of the selected invoice"),
             lambda: self.switch_to("invoices", self.action_open_row)),
            (_("Edit customer"), _("Change name, phone, birthday… (e)"),
             self.action_edit_customer),
            (_("Check out customer"), _("Lines, payment, receipt (o)"), self.action_checkout),
            (_("Repay debt"), _("A debt-repayment invoice (R)"), self.action_repay_debt),
            (_("Refund invoice"), _("Refund the selected invoice"),
             lambda: self.switch_to("invoices", self.action_refund_invoice)),
            (_("Go back to the search"), _("Escape"), lambda: self.dismiss(None)),
        ]
        deleted = self.summary is not None and self.summary.deleted_at is not None
        if deleted:
            entries.append((_("Restore customer"), _("Bring this customer back (F5)"),
                            self.action_restore_customer))
        else:
            entries.append((_("Delete customer"),
                            _("Delete this customer; restorable (ctrl+d)"),
                            self.action_delete_customer))
        return entries

    def help_extra(self):
        return [
            ("1–7", _("Switch tab")),
            (_("Up/Down, PgUp/PgDn"), _("Move in the list")),
            ("ctrl+p", _("All commands by name")),
            ("ctrl+q", _("Quit")),
        ]
