"""The Packages tab: the customer's packages, their actions and each one's history.

x extends, r reserves, u resumes, a adjusts, C closes (关闭疗程) the selected package; h
(or Enter) shows its history under the list; i opens the invoice that sold it. A closed
package takes none of those actions: its key says why instead of opening a dialog.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.binding import Binding

from salontui.i18n import N_, _
from salontui.keymap import key_of
from salontui.screens.commands import Command, binding_commands
from salontui.screens.detail.tab import Bar, DetailTab, Page
from salontui.screens.dialogs.labels import stored_label
from salontui.screens.dialogs.packages_common import status_label
from salontui.store.kinds import PACKAGE_CHANGE_LABELS, PACKAGE_KIND_LABELS
from salontui.widgets.tables import Col, DeskTable

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.store.package_reads import PackageEventRow


class PackagesTab(DetailTab):
    tab_id = "packages"
    title = N_("Packages")
    KEYS = (
        Binding("enter", "package_history", _("History"),
                id="detail.packages.history.enter", priority=True, show=False),
        Binding("x", "extend_package", _("Extend"),
                id="detail.packages.extend", tooltip=_("Extend package")),
        Binding("r", "reserve_package", _("Reserve"),
                id="detail.packages.reserve", tooltip=_("Reserve package")),
        Binding("u", "resume_package", _("Resume"),
                id="detail.packages.resume", tooltip=_("Resume package")),
        Binding("a", "adjust_package", _("Adjust"),
                id="detail.packages.adjust", tooltip=_("Adjust package")),
        Binding("h", "package_history", _("History"), id="detail.packages.history",
                tooltip=_("Show package history")),
        # Not in the footer: rare and final; F1 and the palette list it.
        Binding("C", "close_package", _("Close"), id="detail.packages.close", show=False,
                tooltip=_("Close package")),
        Binding("i", "package_invoice", _("Invoice"),
                id="detail.packages.invoice", show=False,  # the bar says it: 80 columns
                tooltip=_("Open the invoice that sold the package")),
    )

    def reset(self) -> None:
        super().reset()
        self.history_visible = False
        self.history_for: int | None = None

    def clear(self) -> None:
        super().clear()
        self.query_one("#history", DeskTable).display = False

    def widgets(self) -> list:
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

    def reader(self):
        cid = self.customer_id

        def read(session) -> Page:
            from salontui.store.package_reads import list_packages

            return Page(list(list_packages(session, customer_id=cid)))
        return read

    def render_rows(self) -> None:
        fmt = self.desk.formatter
        rows = self.rows
        table_rows = []
        for p in rows:
            name = p.name if p.kind == "count" else f"{p.name} ({_(PACKAGE_KIND_LABELS[p.kind])})" \
                if p.kind in PACKAGE_KIND_LABELS else p.name
            dim = "" if p.status in ("in_use", "reserved") else "dim"
            table_rows.append((p.id, [
                Text(name, style=dim), fmt.date(p.purchased_on), fmt.date(p.activated_on),
                Text(status_label(p.status), style="bold" if p.status == "reserved" else dim),
                fmt.date(p.expires_on),
                "—" if p.kind == "time" else p.total_uses, p.used,
                "—" if p.remaining is None else p.remaining,
            ]))
        self.table().set_rows(table_rows)
        if not rows:
            self.bar(_("No packages yet."))
        elif self.history_visible:
            self.bar(_("History of the selected package ({key} hides it)").format(
                key=key_of(self.detail, "detail.packages.history")))
        else:
            self.bar(_("{history}: history of the selected package · {invoice}: its "
                       "invoice").format(
                history=key_of(self.detail, "detail.packages.history"),
                invoice=key_of(self.detail, "detail.packages.invoice")))

    # -- the history of the selected package --------------------------------------------
    def rows_shown(self) -> None:
        if self.history_visible:
            self.load_history()

    def changed(self) -> None:
        if self.history_visible:
            self.load_history()

    def load_history(self) -> None:
        package = self.selected()
        if package is None:
            self.query_one("#history", DeskTable).set_rows([])
            return
        self.history_for = package.id

        def read(session: Session) -> list[PackageEventRow]:
            from salontui.store.package_reads import package_history

            return package_history(session, package_id=package.id)

        self.ask(read, self.show_history)

    def show_history(self, events: list[PackageEventRow]) -> None:
        fmt = self.desk.formatter
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
                                stored_label(PACKAGE_CHANGE_LABELS, e.change), detail, e.note,
                                e.operator_name, e.service_staff_name]))
        self.query_one("#history", DeskTable).set_rows(rows, keep_cursor=False)

    def on_desk_table_row_highlighted(self, event) -> None:
        if event.table.id == "packages-table":
            self.detail.update_keys()
            if self.history_visible:
                package = self.selected()
                if package is not None and package.id != self.history_for:
                    self.load_history()

    # -- keys -------------------------------------------------------------------------
    def allows(self, action: str) -> bool:
        package = self.selected()
        if package is None:
            return False
        if action == "adjust_package":
            return package.kind != "time"
        if action == "reserve_package":
            return package.status != "reserved"
        if action == "resume_package":
            return package.status == "reserved"
        if action == "package_history":
            return not self.typing()
        if action == "package_invoice":
            return package.invoice_id is not None
        return True

    def _with_package(self, make_dialog, *, closed_too: bool = False) -> None:
        package = self.selected()
        if package is None:
            self.app.notify(_("Choose a package first."), timeout=3)
            return
        if package.status == "closed" and not closed_too:
            self.app.notify(_("This package was closed on {date}.").format(
                date=self.desk.formatter.date(package.closed_on)), timeout=4)
            return
        dialog = make_dialog(package)
        if dialog is not None:
            self.detail.open_dialog(dialog)

    def action_extend_package(self) -> None:
        from salontui.screens.dialogs.extend_package import ExtendPackageDialog

        self.show_then(lambda: self._with_package(ExtendPackageDialog))

    def action_reserve_package(self) -> None:
        from salontui.screens.dialogs.reserve_package import ReservePackageDialog

        def make(package):
            if package.status == "reserved":
                self.app.notify(_("Already reserved until {date}: {key} resumes it.").format(
                    date=self.desk.formatter.date(package.frozen_until),
                    key=key_of(self.detail, "detail.packages.resume")), timeout=4)
                return None
            return ReservePackageDialog(package)

        self.show_then(lambda: self._with_package(make))

    def action_resume_package(self) -> None:
        from salontui.screens.dialogs.resume_package import ResumePackageDialog

        def make(package):
            if package.status != "reserved":
                self.app.notify(_("This package is not reserved."), timeout=3)
                return None
            return ResumePackageDialog(package)

        self.show_then(lambda: self._with_package(make))

    def action_adjust_package(self) -> None:
        from salontui.screens.dialogs.adjust_package import AdjustPackageDialog

        def make(package):
            if package.kind == "time":
                self.app.notify(_("A time card has no sessions to adjust; extend it instead."),
                                timeout=4)
                return None
            return AdjustPackageDialog(package)

        self.show_then(lambda: self._with_package(make))

    def action_close_package(self) -> None:
        from salontui.screens.dialogs.close_package import ClosePackageDialog

        def make(package):
            if package.status == "used_up":
                self.app.notify(_("Package is used up: there is nothing left to close."),
                                timeout=4)
                return None
            return ClosePackageDialog(package)

        self.show_then(lambda: self._with_package(make))

    def action_package_history(self) -> None:
        def toggle():
            history = self.query_one("#history", DeskTable)
            self.history_visible = not self.history_visible
            history.display = self.history_visible
            if self.history_visible:
                self.load_history()
            self.render_rows()

        self.show_then(toggle)

    def action_package_invoice(self) -> None:
        """i: the invoice that sold the selected package (the invoice dialog: refund, reprint)."""
        from salontui.screens.dialogs.invoice import InvoiceDialog

        def refunded(result) -> None:  # a refund from there may cancel the package
            if result is not None:
                self.detail.refresh_all()

        def show(package):
            if package.invoice_id is None:
                self.app.notify(_("This package was not sold on an invoice here (it was "
                                  "entered or imported)."), timeout=4)
                return None
            self.app.push_screen(InvoiceDialog(package.invoice_id), callback=refunded)
            return None

        self.show_then(lambda: self._with_package(show, closed_too=True))

    def commands(self):
        return binding_commands(self.detail, (
            Command("detail.packages.extend", _("Extend package"),
                    _("New expiry for the selected package"), run=self.action_extend_package),
            Command("detail.packages.reserve", _("Reserve package"),
                    _("Freeze the selected package for a while"),
                    run=self.action_reserve_package),
            Command("detail.packages.resume", _("Resume package"),
                    _("End the reservation of the selected package"),
                    run=self.action_resume_package),
            Command("detail.packages.adjust", _("Adjust package"),
                    _("Correct total or used sessions"), run=self.action_adjust_package),
            Command("detail.packages.close", _("Close package"),
                    _("Close the selected package early, with a reason (nothing is refunded)"),
                    run=self.action_close_package),
            Command("detail.packages.history", _("Show package history"),
                    _("What happened to the selected package"),
                    run=self.action_package_history),
            Command("detail.packages.invoice", _("Open the package's invoice"),
                    _("The invoice that sold the selected package"),
                    run=self.action_package_invoice),
        ))
