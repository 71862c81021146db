"""CustomerDetailScreen: the header card and the tabs of :data:`DETAIL_TABS` (number
keys 1–9, in that order).

Packages, Appointments, Invoices, Debt, Points, Vouchers, To collect (products paid for
and left at the salon), Care history, Promotions.
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
``B`` back-fills what the customer holds from before (no money taken today), or opens
the check of what was typed (:mod:`salontui.screens.dialogs.backfill`).

Adding a tab
------------
A tab is one module of this package: a :class:`~salontui.screens.detail.tab.DetailTab`
subclass with its ``tab_id``, ``title``, its keys (``ROW_KEYS``, ``KEYS``,
``VIEW_KEYS``) and their ``action_<name>`` methods and :meth:`allows`, its
palette ``commands()``, its ``widgets()``, a ``reader()`` that reads a page in a
thread worker and ``render_rows()`` that shows it. Then one line: its class in
:data:`DETAIL_TABS`. The screen derives everything else from that list: the panes,
the number keys (their order), the bindings, the footer, F1 and the palette; an
action of a tab's key is run by the tab (the screen forwards ``action_<name>``), and
is offered only while its tab is shown. A salon's own choice of tabs is a screen
made with :meth:`CustomerDetailScreen.with_tabs`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, TabbedContent

from salontui.i18n import _, ngettext
from salontui.keymap import key_of, key_on
from salontui.screens.base import StoreCalls
from salontui.screens.commands import Command, binding_commands
from salontui.screens.detail.appointments import AppointmentsTab
from salontui.screens.detail.care import CareTab
from salontui.screens.detail.debt import DebtTab
from salontui.screens.detail.invoices import InvoicesTab
from salontui.screens.detail.packages import PackagesTab
from salontui.screens.detail.points import PointsTab
from salontui.screens.detail.promotions import PromotionsTab
from salontui.screens.detail.tab import DetailTab, Page
from salontui.screens.detail.to_collect import ToCollectTab
from salontui.screens.detail.vouchers import VouchersTab
from salontui.store.errors import SalonError
from salontui.store.names import card_label
from salontui.widgets.footer import DeskFooter
from salontui.widgets.header import desk_header
from salontui.widgets.header_card import HeaderCard, points_text
from salontui.widgets.tabs import DeskTabs

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.store.customers import CustomerRecord
    from salontui.store.package_reads import PackageRow
    from salontui.store.summary import CustomerSummary

# The tabs, in the order of their number keys: one line per tab.
DETAIL_TABS: tuple[type[DetailTab], ...] = (
    PackagesTab,
    AppointmentsTab,
    InvoicesTab,
    DebtTab,
    PointsTab,
    VouchersTab,
    ToCollectTab,
    CareTab,
    PromotionsTab,
)


def tab_ids(tabs: Sequence[type[DetailTab]]) -> tuple[str, ...]:
    return tuple(tab.tab_id for tab in tabs)


def detail_bindings(tabs: Sequence[type[DetailTab]]) -> list[BindingType]:
    """The screen's keys, from its tabs': Enter on a row first, then the tabs' actions, the
    customer's money keys, the tabs' view keys, paging, the customer's own, the numbers.
    A key declared by two tabs (Enter: open the row) is bound once."""
    def gather(group: str) -> list[Binding]:
        found: list[Binding] = []
        for tab in tabs:
            for binding in getattr(tab, group):
                if not any((b.key, b.action) == (binding.key, binding.action) for b in found):
                    found.append(binding)
        return found

    return [
        Binding("escape", "back", _("Back"),
                id="detail.back", show=False),  # Esc goes back everywhere; F1 says so
        *gather("ROW_KEYS"),
        *gather("KEYS"),
        Binding("o", "checkout", _("Checkout"),
                id="detail.checkout", tooltip=_("Check out this customer")),
        Binding("b", "book_visit", _("Book"),
                id="detail.book_visit", tooltip=_("Book a visit for this customer")),
        Binding("R", "repay_debt", _("Repay"), id="detail.repay_debt", tooltip=_("Repay debt")),
        Binding("v", "card_history", _("Card history"), id="detail.card_history",
                tooltip=_("Show the history of a stored-value card")),
        *gather("VIEW_KEYS"),
        Binding("left_square_bracket", "page(-1)", _("Prev page"), id="detail.prev_page"),
        Binding("right_square_bracket", "page(1)", _("Next page"), id="detail.next_page"),
        Binding("e", "edit_customer", _("Edit"),
                id="detail.edit_customer", tooltip=_("Edit customer")),
        # Not in the footer (80 columns): F1 and the palette list them.
        Binding("M", "member_state", _("Membership"), id="detail.member_state",
                tooltip=_("Activate, exclude or re-activate the member"), show=False),
        Binding("P", "change_phone", _("Change phone"), id="detail.change_phone",
                tooltip=_("A new phone, approved by a manager"), show=False),
        Binding("T", "tier", _("Tier"), id="detail.tier",
                tooltip=_("The tier's history, and a move by hand"), show=False),
        Binding("B", "backfill", _("Back-fill"), id="detail.backfill",
                tooltip=_("What the customer holds from before; no money taken"),
                show=False),
        # Not in the footer: rare and destructive; F1 and the palette list it.
        Binding("ctrl+d", "delete_customer", _("Delete"),
                id="detail.delete_customer", tooltip=_("Delete customer"),
                show=False),
        Binding("f5", "restore_customer", _("Restore"),
                id="detail.restore_customer", tooltip=_("Restore customer")),
        Binding("G", "merge", _("Merge"), id="detail.merge",
                tooltip=_("Merge a duplicate into this customer"), show=False),
        Binding("U", "undo_merge", _("Undo merge"), id="detail.undo_merge",
                tooltip=_("Undo a merge of this customer"), show=False),
        *(Binding(str(number), f"tab('{tab.tab_id}')",
                  _("Tab: {name}").format(name=_(tab.title)), id=f"detail.tab.{tab.tab_id}",
                  show=False)
          for number, tab in enumerate(tabs, start=1)),
    ]


HELD_LINES = 8  # what a customer holds, as a delete or merge confirmation lists it
TAB_PADDING = 2  # a tab's padding (app.tcss: Tab { padding: 0 1; })


def tab_labels(tabs: Sequence[DetailTab], active: str, width: int) -> list[str]:
    """The tabs' titles that fit in ``width`` columns: all in full ("8 Care history") when
    they fit; else all short ("8 Care"); else the tab shown by its short title and the
    others by their number, then as many of them by their short title as still fit, the
    shortest first (nine tabs at 80 columns). The number keys are the tabs' keys whatever
    their labels say; F1 names every tab."""
    def cells(labels) -> int:
        return sum(cell_len(label) + TAB_PADDING for label in labels)

    for narrow in (False, True):
        labels = [tab.label(narrow) for tab in tabs]
        if cells(labels) <= width:
            return labels
    short = [tab.label(True) for tab in tabs]
    labels = [label if tab.tab_id == active else str(tab.number)
              for tab, label in zip(tabs, short, strict=True)]
    for index in sorted(range(len(tabs)), key=lambda i: (cell_len(short[i]), i)):
        wider = [*labels[:index], short[index], *labels[index + 1:]]
        if cells(wider) <= width:
            labels = wider
    return labels


def forward_tab_actions(cls, tabs: Sequence[type[DetailTab]]) -> None:
    """Give ``cls`` an ``action_<name>`` for every key of ``tabs`` it has none for."""
    for tab in tabs:
        for name in sorted(tab.actions()):
            if not hasattr(cls, f"action_{name}"):
                setattr(cls, f"action_{name}", tab_action(name))


def tab_action(name: str):
    """``action_<name>`` of the screen for a tab's key: run by the tab shown if it has
    it, else by the first tab that does (which shows itself first)."""
    def action(self) -> None:
        getattr(self.tab_for(name), f"action_{name}")()

    action.__name__ = f"action_{name}"
    return action


class CustomerDetailScreen(StoreCalls, Screen):
    """Everything about one customer; Escape goes back to the search."""

    help_title = _("Customer")

    TABS: ClassVar[tuple[type[DetailTab], ...]] = DETAIL_TABS
    BINDINGS = detail_bindings(DETAIL_TABS)

    def __init_subclass__(cls, **kwargs) -> None:
        """A subclass with its own TABS gets their keys and actions (see :meth:`with_tabs`)."""
        forward_tab_actions(cls, cls.__dict__.get("TABS", ()))
        super().__init_subclass__(**kwargs)

    @classmethod
    def with_tabs(cls, tabs: Sequence[type[DetailTab]]) -> type[CustomerDetailScreen]:
        """The detail screen with a salon's choice of tabs (in the order of their keys)."""
        tabs = tuple(tabs)
        return type(cls.__name__, (cls,), {"TABS": tabs, "BINDINGS": detail_bindings(tabs),
                                           "__module__": cls.__module__},
                    inherit_bindings=False)

    def __init__(self, customer_id: int | None = None) -> None:
        super().__init__()
        self.tabs: list[DetailTab] = [tab(number) for number, tab
                                      in enumerate(self.TABS, start=1)]
        self.by_id = {tab.tab_id: tab for tab in self.tabs}
        self._keys_state: tuple[bool | None, ...] = ()
        self.reset(customer_id)

    def reset(self, customer_id: int | None) -> None:
        """Forget everything about the customer shown (the screen is reused: see show)."""
        self.customer_id = customer_id
        self.summary: CustomerSummary | None = None
        self.active = self.tabs[0].tab_id
        self.pending: tuple[str, Callable[[], None]] | None = None
        self.select_after_load: tuple[str, str] | None = None
        self.needs_load = True
        self.stale = False  # the database changed while another screen covered this one
        for tab in self.tabs:
            tab.reset()

    @property
    def current(self) -> DetailTab:
        return self.by_id[self.active]

    @property
    def loaded(self) -> set[str]:
        """The ids of the tabs whose rows are there."""
        return {tab.tab_id for tab in self.tabs if tab.loaded}

    @property
    def customer_deleted(self) -> bool:
        return self.summary is not None and self.summary.deleted_at is not None

    def tab_for(self, action: str) -> DetailTab:
        """The tab that runs ``action``: the one shown if it has it, else the first."""
        current = self.current
        if action in current.actions() or hasattr(current, f"action_{action}"):
            return current
        return next(tab for tab in self.tabs if action in tab.actions())

    def show(self, customer_id: int) -> None:
        """Show another customer on this (reused) screen: building the screen is most of the
        cost of opening a customer, so the search keeps one and hands it the next customer.
        Answers still on their way for the previous customer are dropped."""
        self.reset(customer_id)
        self.drop_answers()
        for tab in self.tabs:
            tab.drop_answers()
        if not self.is_mounted:
            return
        self.query_one(HeaderCard).update(_("Loading…"))
        self.sub_title = ""
        for tab in self.tabs:
            tab.clear()
        self.query_one(TabbedContent).active = self.active

    def on_screen_resume(self) -> None:
        if self.needs_load and self.is_mounted:
            self.start_loading()
        elif self.stale:
            self.reload_shown()

    def start_loading(self) -> None:
        self.needs_load = False
        for tab in self.tabs:
            tab.start()
        self.load_summary()
        first = self.tabs[0]
        first.load()
        tabs = self.query_one(DeskTabs)
        if (tabs.active or first.tab_id) == first.tab_id and tabs.asked is None:
            # At once, and only while the first tab is the one shown: a focus in a tab
            # shows that tab, so a late one would undo a number pressed meanwhile.
            self.set_focus(first.table())

    # -- layout ---------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        """Only the first tab is built with the screen; the others when first shown, so
        opening a customer builds (and restyles) a seventh as much."""
        first = self.tabs[0]
        yield desk_header()
        yield HeaderCard(id="card")
        with DeskTabs(initial=first.tab_id, id="tabs"):
            for tab in self.tabs:
                if tab is first:
                    with tab:
                        yield from tab.widgets()
                else:
                    yield tab
        yield DeskFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.tabs[0].built = True
        self.watch(self.app, "data_version", self.data_changed, init=False)
        if self.customer_id is not None:
            self.start_loading()

    def on_resize(self, event) -> None:
        self.fit_tab_labels(event.size.width)

    def fit_tab_labels(self, width: int | None = None) -> None:
        """The tabs' titles as :func:`tab_labels` fits them in the screen's width."""
        width = self.size.width if width is None else width
        tabs = self.query_one(TabbedContent)
        for tab, label in zip(self.tabs, tab_labels(self.tabs, self.active, width),
                              strict=True):
            content_tab = tabs.get_tab(tab.tab_id)
            if str(content_tab.label) != label:
                content_tab.label = label

    # -- loading --------------------------------------------------------------------
    def load_summary(self) -> None:
        customer_id = self.customer_id
        if customer_id is None:
            return

        def read(session: Session) -> CustomerSummary:
            from salontui.store.summary import customer_summary

            return customer_summary(session, customer_id=customer_id)

        self.ask(read, self.show_summary, failed=self.summary_failed)

    def show_summary(self, summary: CustomerSummary) -> None:
        self.summary = summary
        self.query_one(HeaderCard).show(summary, self.desk.formatter)
        self.sub_title = f"{summary.code} {summary.name}"
        self.update_keys()

    def summary_failed(self, error: SalonError) -> None:
        self.query_one(HeaderCard).update(Content(f"▲ {error.message}"))

    def tab_loaded(self, tab: DetailTab) -> None:
        """A tab has shown its rows: the cursor where it belongs, the keys, what waited."""
        if self.select_after_load and self.select_after_load[0] == tab.tab_id:
            tab.table().select_key(self.select_after_load[1])
            self.select_after_load = None
        tab.rows_shown()
        self.update_keys()
        if self.pending is not None and self.pending[0] == tab.tab_id:
            _tab, action = self.pending
            self.pending = None
            action()

    def refresh_all(self) -> None:
        """After a change: header, the tab in view and the history again, the rest on demand.

        While the tab reloads its keys are off (no row is known); the footer may be redrawn
        in that gap (the dialog closing refreshes it), so the keys' state is forgotten and
        the footer is redrawn again once the rows are back."""
        for tab in self.tabs:
            tab.loaded = False
        self._keys_state = ()
        self.load_summary()
        self.current.load()
        for tab in self.tabs:
            tab.changed()

    # -- live updates ---------------------------------------------------------------
    def data_changed(self, _version: int) -> None:
        """The database changed (another desk, or this one): the customer shown is read
        again at once if this screen is in view (a dialog may be over it), else when it
        comes back."""
        if self.customer_id is None or self.needs_load or not self.is_mounted:
            return
        if self.in_view:
            self.reload_shown()
        else:
            self.stale = True

    @property
    def in_view(self) -> bool:
        """On screen: the top screen, or under dialogs only (not under the checkout)."""
        stack = self.app.screen_stack
        if self not in stack:
            return False
        above = stack[stack.index(self) + 1:]
        return all(isinstance(screen, ModalScreen) for screen in above)

    def reload_shown(self) -> None:
        """Read the header and the tab shown again and redraw only what differs (nothing
        is drawn when the change was about someone else); the other tabs read theirs
        again when next shown."""
        self.stale = False
        customer_id, current = self.customer_id, self.current
        if customer_id is None:
            return
        for tab in self.tabs:
            if tab is not current:
                tab.loaded = False

        def read(session: Session) -> CustomerSummary:
            from salontui.store.summary import customer_summary

            return customer_summary(session, customer_id=customer_id)

        # The tags of the ordinary loads: whichever was asked last is the one answered.
        self.ask(read, self.summary_changed, failed=self.summary_failed, tag="show_summary")
        if current.built:
            current.ask(current.reader(), partial(self.page_changed, current),
                        failed=current.show_error, tag="show_page")

    def summary_changed(self, summary: CustomerSummary) -> None:
        if summary != self.summary:
            self.show_summary(summary)

    def page_changed(self, tab: DetailTab, page: Page) -> None:
        waiting = any(wait is not None and wait[0] == tab.tab_id
                      for wait in (self.pending, self.select_after_load))
        if tab.loaded and not waiting and (page.rows, page.more, page.total) == (
                tab.rows, tab.more, tab.total):
            return
        tab.show_page(page)
        tab.changed()

    # -- tabs -----------------------------------------------------------------------
    def action_tab(self, tab: str) -> None:
        self.query_one(DeskTabs).show(tab)  # kept if pressed as the customer opens

    async def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        event.stop()
        tab = event.pane
        if not isinstance(tab, DetailTab) or tab not in self.tabs:
            return
        self.active = tab.tab_id
        self.fit_tab_labels()
        if not tab.built:
            tab.built = True
            await tab.mount_all(tab.widgets())
        if not tab.loaded:
            tab.load()
        self.set_focus(tab.table())  # at once: see start_loading
        self.update_keys()

    def switch_to(self, tab: str, then=None) -> None:
        """Show ``tab``; run ``then`` once its rows are there (at once if they already are)."""
        if self.active != tab:
            self.action_tab(tab)
        if then is None:
            return
        shown = self.by_id[tab]
        if shown.loaded and not shown.is_loading():
            then()
        else:
            self.pending = (tab, then)

    def on_desk_table_row_selected(self, event) -> None:
        event.stop()

    # -- the keys' conditions -------------------------------------------------------
    def update_keys(self) -> None:
        """Redraw the footer only when the set of working keys really changed (a footer
        redraw rebuilds its widgets: too costly for every cursor move)."""
        from textual.actions import parse

        checks: list[bool | None] = []
        for bindings in self._bindings.key_to_bindings.values():
            for binding in bindings:
                _ns, action, params = parse(binding.action)
                checks.append(self.check_action(action, params))
        state = tuple(checks)
        if state != self._keys_state:
            self._keys_state = state
            self.refresh_bindings()

    def check_action(self, action: str, parameters) -> bool | None:
        deleted = self.customer_deleted
        checks = {
            "edit_customer": not deleted,
            "member_state": not deleted,
            "change_phone": not deleted,
            "tier": not deleted,
            "backfill": not deleted,
            "delete_customer": not deleted,
            "checkout": not deleted,  # the store refuses it: do not offer it
            "book_visit": not deleted,
            "repay_debt": not deleted,
            "restore_customer": deleted,
            "merge": not deleted,
        }
        if action in checks:
            return checks[action]
        if action == "page":
            step = parameters[0] if parameters else 1
            return self.current.can_turn(step)
        if any(action in tab.actions() for tab in self.tabs):
            current = self.current  # a tab's key works on its tab only
            return action in current.actions() and current.allows(action)
        return True

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
        if self.current.built:  # the keys of the tab come back with its table
            self.current.table().focus()
        self.refresh_all()

    def selected_package(self):
        return self.by_id["packages"].selected() if "packages" in self.by_id else None

    def action_card_history(self) -> None:
        from salontui.screens.dialogs.card_history import CardHistoryDialog

        if self.summary is not None and self.customer_id is not None:
            self.app.push_screen(CardHistoryDialog(self.customer_id, self.summary.cards,
                                                   customer_name=self.summary.name))

    # -- checkout ------------------------------------------------------------------
    def refuse_if_deleted(self) -> bool:
        """True (and says why) when the customer is deleted: nothing can be sold to them."""
        if self.customer_deleted:
            self.app.notify(_("This customer is deleted; restore them first ({key}).").format(
                key=key_of(self, "detail.restore_customer")), timeout=4)
            return True
        return False

    def action_checkout(self) -> None:
        from salontui.screens.checkout import CheckoutScreen

        if self.refuse_if_deleted():
            return
        self.app.push_screen(CheckoutScreen(self.customer_id), callback=self.after_dialog)

    def action_book_visit(self) -> None:
        """b, from any tab: book the customer's next visit (see the Appointments tab)."""
        from salontui.screens.detail.appointments import book_visit

        if not self.refuse_if_deleted():
            book_visit(self)

    def action_repay_debt(self) -> None:
        from salontui.screens.checkout import CheckoutScreen

        if self.refuse_if_deleted() or self.customer_id is None:
            return
        self.app.push_screen(CheckoutScreen.repay_debt(self.customer_id),
                             callback=self.after_dialog)

    # -- paging ---------------------------------------------------------------------
    def action_page(self, step: int) -> None:
        self.current.turn_page(step)

    # -- the customer ---------------------------------------------------------------
    def action_edit_customer(self) -> None:
        from salontui.screens.dialogs.customer_form import CustomerFormDialog

        if self.summary is None:
            return

        def answer(record) -> None:
            if record is None:
                return
            if record.id != self.customer_id:
                self.app.push_screen(type(self)(record.id))
                return
            self.refresh_all()

        self.app.push_screen(CustomerFormDialog(self.summary), callback=answer)

    def action_member_state(self) -> None:
        """M, from any tab: the membership (activate, exclude with a reason, re-activate)."""
        from salontui.screens.dialogs.member_state import MemberStateDialog

        if self.summary is not None and not self.refuse_if_deleted():
            self.app.push_screen(MemberStateDialog(self.summary), callback=self.customer_changed)

    def action_change_phone(self) -> None:
        """P, from any tab: a new phone for the member, approved by a manager."""
        from salontui.screens.dialogs.change_phone import ChangePhoneDialog

        if self.summary is not None and not self.refuse_if_deleted():
            self.app.push_screen(ChangePhoneDialog(self.summary), callback=self.customer_changed)

    def action_tier(self) -> None:
        """T, from any tab: the tier's history, and a move by hand with a reason."""
        from salontui.screens.dialogs.tier import TierDialog

        if self.summary is not None and not self.refuse_if_deleted():
            self.app.push_screen(TierDialog(self.summary), callback=self.customer_changed)

    def action_backfill(self) -> None:
        """B, from any tab: back-fill what the customer holds from before (a chooser of
        the kinds, then one dialog; or the check of what was typed)."""
        from salontui.screens.dialogs.backfill import BackfillChooser

        if self.summary is not None and not self.refuse_if_deleted():
            self.app.push_screen(BackfillChooser(), callback=self.backfill_chosen)

    def backfill_chosen(self, kind: str | None) -> None:
        from salontui.screens.dialogs.backfill import CHECK, DIALOGS
        from salontui.screens.dialogs.backfill_check import BackfillCheckScreen

        if kind is None or self.summary is None:
            return
        if kind == CHECK:
            self.app.push_screen(BackfillCheckScreen(self.summary), callback=self.after_dialog)
        else:
            self.open_dialog(DIALOGS[kind](self.summary))

    def customer_changed(self, result) -> None:
        """The customer's own fields changed in a dialog (membership, phone): read again."""
        if result is not None:
            self.refresh_all()

    def action_delete_customer(self) -> None:
        """ctrl+d, from any tab: a key no tab uses for its rows (``D`` was one letter from a
        row key, and deleted the customer from the Invoices tab). The confirmation first
        reads what the customer still holds; see :meth:`confirm_delete_customer`."""
        s, customer_id = self.summary, self.customer_id
        if s is None or s.deleted_at is not None or customer_id is None:
            return

        def read(session: Session) -> tuple[CustomerSummary, list[PackageRow]]:
            from salontui.store.package_reads import list_packages
            from salontui.store.summary import customer_summary

            return (customer_summary(session, customer_id=customer_id),
                    list_packages(session, customer_id=customer_id))

        self.ask(read, self.holdings_read)

    def holdings_read(self, found: tuple[CustomerSummary, list[PackageRow]]) -> None:
        self.confirm_delete_customer(*found)

    def holdings(self, summary, packages) -> list[str]:
        """What the customer still holds, one line each: stored value per card, points,
        vouchers, products to collect, debt, and the packages in use or reserved with what
        is left of them; at most :data:`HELD_LINES`, the last saying how many more (the
        question and its buttons stay on an 80×24 screen)."""
        lines = self._holdings(summary, packages)
        if len(lines) > HELD_LINES:
            more = len(lines) - HELD_LINES + 1
            lines = [*lines[:HELD_LINES - 1], _("(+{n} more)").format(n=more)]
        return lines

    def _holdings(self, summary, packages) -> list[str]:
        fmt = self.desk.formatter
        lines = [_("{card} card: {amount} stored value").format(
            card=card_label(card.name), amount=fmt.money(card.balance))
            for card in summary.cards if card.balance]
        if summary.points:
            lines.append(ngettext("{points} point", "{points} points", summary.points).format(
                points=points_text(fmt, summary.points)))
        if summary.vouchers:
            lines.append(_("Vouchers: {amount}").format(amount=fmt.money(summary.vouchers)))
        if summary.to_collect:
            lines.append(ngettext("{n} product to collect", "{n} products to collect",
                                  summary.to_collect).format(n=summary.to_collect))
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
        staff_id, customer_id = self.desk.staff_id, self.customer_id

        def answer(yes) -> None:
            if not yes:
                return

            def delete(session: Session, approved_by: int | None = None) -> CustomerRecord:
                from salontui.store.customers import delete_customer

                return delete_customer(session, staff_id=staff_id, customer_id=customer_id,
                                       approved_by=approved_by)

            self.ask(delete, self.customer_deleted_now, write=True)

        held = self.holdings(summary, packages)
        deleted_key = self.search_deleted_key()
        if not held:
            self.app.push_screen(ConfirmDialog(
                _("Delete {code} {name}? Everything about them is kept, and they can be "
                  "restored from the deleted customers ({key} on the search screen).").format(
                    code=summary.code, name=summary.name, key=deleted_key),
                title=_("Delete customer"), confirm_label=_("Delete")), callback=answer)
            return
        question = "\n".join([
            _("Delete {code} {name}? They still hold:").format(code=summary.code,
                                                             name=summary.name),
            *(f"  • {line}" for line in held),
            _("Everything is kept and they can be restored ({key} on the search screen). "
              "Type their code {code} to delete them.").format(code=summary.code,
                                                              key=deleted_key),
        ])
        self.app.push_screen(ConfirmDialog(question, title=_("Delete customer"),
                                           confirm_label=_("Delete"),
                                           type_to_confirm=summary.code), callback=answer)

    def search_deleted_key(self) -> str:
        """The search screen's key that lists the deleted customers (to restore one)."""
        from salontui.screens.search import CustomerSearchScreen

        return key_on(self, CustomerSearchScreen, "search.deleted")

    def customer_deleted_now(self, record: CustomerRecord) -> None:
        self.app.notify(_("Deleted {code} {name}. {key} on the search screen finds it to "
                          "restore.").format(code=record.code, name=record.name,
                                             key=self.search_deleted_key()), timeout=6)
        self.dismiss(None)

    def action_restore_customer(self) -> None:
        staff_id, customer_id = self.desk.staff_id, self.customer_id

        def restore(session: Session) -> CustomerRecord:
            from salontui.store.customers import restore_customer

            return restore_customer(session, staff_id=staff_id, customer_id=customer_id)

        self.ask(restore, self.customer_restored, write=True)

    def customer_restored(self, record: CustomerRecord) -> None:
        self.app.notify(_("Restored {code} {name}.").format(code=record.code,
                                                             name=record.name), timeout=4)
        self.refresh_all()

    def action_merge(self) -> None:
        """G: merge a duplicate into this customer (screens/detail/merge.py)."""
        from salontui.screens.detail.merge import MergeDoor

        MergeDoor(self).merge()

    def action_undo_merge(self) -> None:
        """U: undo a merge into this customer, or the one that merged them away."""
        from salontui.screens.detail.merge import MergeDoor

        MergeDoor(self).undo()

    def action_back(self) -> None:
        if isinstance(self.focused, Input):
            self.current.table().focus()
            return
        self.dismiss(None)

    # -- palette --------------------------------------------------------------------
    def palette_commands(self):
        ranked = sorted(self.tabs, key=lambda tab: tab.palette_rank)
        entries = [entry for tab in ranked for entry in tab.commands()]
        entries += binding_commands(self, (
            Command("detail.edit_customer", _("Edit customer"),
                    _("Change name, phone, birthday…")),
            Command("detail.member_state", _("Membership"),
                    _("Activate, exclude with a reason, re-activate")),
            Command("detail.change_phone", _("Change phone"),
                    _("A member's new phone, approved by a manager")),
            Command("detail.tier", _("Tier history and move"),
                    _("Why the tier changed; move it by hand with a reason")),
            Command("detail.backfill", _("Back-fill what the customer holds"),
                    _("Stored value, packages, products, points… from before; no money "
                      "taken; check the back-fill")),
            Command("detail.checkout", _("Check out customer"), _("Lines, payment, receipt")),
            Command("detail.book_visit", _("Book a visit"),
                    _("Services, staff and time for this customer")),
            Command("detail.repay_debt", _("Repay debt"), _("A debt-repayment invoice")),
            Command("detail.merge", _("Merge a duplicate"),
                    _("Move a duplicate's packages, balances and history here; undoable")),
            Command("detail.undo_merge", _("Undo a merge"),
                    _("Give a merged duplicate back what moved")),
        ))
        entries += [entry for tab in self.tabs for entry in tab.late_commands()]
        entries.append((_("Changes"), _("Who changed this customer, what and when"),
                        self.show_changes))
        entries += binding_commands(self, (
            Command("detail.back", _("Go back to the search"), run=lambda: self.dismiss(None)),
            Command("detail.restore_customer", _("Restore customer"),
                    _("Bring this customer back"))
            if self.customer_deleted else
            Command("detail.delete_customer", _("Delete customer"),
                    _("Delete this customer; restorable")),
        ))
        return entries

    def show_changes(self) -> None:
        """The audit log of this customer (its own rows and those naming it)."""
        from salontui.screens.audit import AuditScreen

        if self.customer_id is not None:
            self.app.push_screen(AuditScreen(customer_id=self.customer_id,
                                             customer_code=self.summary.code
                                             if self.summary is not None else ""))

    def help_extra(self):
        return [
            (f"1–{len(self.tabs)}", _("Switch tab")),
            (_("Up/Down, PgUp/PgDn"), _("Move in the list")),
            ("ctrl+p", _("All commands by name")),
            ("ctrl+q", _("Quit")),
        ]


forward_tab_actions(CustomerDetailScreen, DETAIL_TABS)
