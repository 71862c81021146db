"""CatalogueSection: the salon's services, products and package plans in the back office.

A list filtered as it is typed (a code's start or any word of the name, diacritics not
needed), active items first and retired ones after; ``k`` shows one kind at a time (all,
services, products, package plans) and the status line says which. ``a`` adds (the kind
first), ``e``/Enter edits, ``x`` retires or brings back, and ``Ctrl+D`` deletes an item
added by mistake, once confirmed, if it was never sold (otherwise the store says to retire
it, before anything is asked). The list reads at most ``SEARCH_LIMIT`` rows: a longer
catalogue is narrowed by typing, and the status line says so.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual.binding import Binding

from salontui.i18n import N_, _, ngettext
from salontui.keymap import key_of
from salontui.screens.commands import Command
from salontui.screens.dialogs.labels import stored_label
from salontui.screens.settings.groups import active_cell
from salontui.screens.settings.item_form import ItemDialog
from salontui.screens.settings.section import SettingsSection
from salontui.store.kinds import LINE_KIND_LABELS, PACKAGE_KIND_LABELS
from salontui.widgets.tables import Col

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlmodel import Session

    from salontui.store.catalog import CatalogRow

SEARCH_LIMIT = 200  # rows read per filter: a longer list is narrowed by typing

# What ``k`` shows in turn: (the store's kind, or None for all; how the status line says it).
KINDS: tuple[tuple[str | None, str], ...] = (
    (None, N_("all kinds")), ("service", N_("services")), ("product", N_("products")),
    ("package", N_("package plans")),
)


class CatalogueSection(SettingsSection):
    section_id = "catalogue"
    title = N_("Catalogue")
    filterable = True
    filter_placeholder = N_("Filter: the start of a code or of any word of the name")
    add_name = N_("Add catalogue item")
    edit_name = N_("Edit catalogue item")
    toggle_name = N_("Retire or restore catalogue item")
    empty_text = N_("The catalogue is empty: {key} adds a service, a product or a package plan")
    KEYS: ClassVar[tuple[Binding, ...]] = (
        Binding("k", "kind", _("Kind"), id="settings.catalogue.kind",
                tooltip=_("Show all items, then only services, products or package plans")),
        Binding("ctrl+d", "delete", _("Delete"), id="settings.catalogue.delete",
                tooltip=_("Delete an item never sold (one sold is retired instead)")),
    )

    def __init__(self, number: int) -> None:
        super().__init__(number)
        self.kind_index = 0
        self.more = False  # more rows matched than were read
        self.shared: tuple = ()

    @property
    def kind(self) -> str | None:
        return KINDS[self.kind_index][0]

    # -- the list ---------------------------------------------------------------------
    def columns(self) -> list[Col]:
        return [Col("code", _("Code"), 6), Col("name", _("Item"), None, min_width=14),
                Col("kind", _("Kind"), 7), Col("category", _("Category"), 8, drop=1,
                                                  prose=True, max_width=16),
                Col("price", _("Price"), 9, justify="right"),
                Col("size", _("Time/uses"), 6, justify="right"),
                Col("state", _("State"), 7)]

    def reader(self) -> Callable[[Session], list[CatalogRow]]:
        query, kind = self.filter_text(), self.kind

        def read(session: Session) -> list[CatalogRow]:
            from salontui.store.catalog import search_catalogue

            return search_catalogue(session, query=query, kind=kind, limit=SEARCH_LIMIT + 1)

        return read

    def show_rows(self, rows: Sequence[CatalogRow], select: str | None = None) -> None:
        self.more = len(rows) > SEARCH_LIMIT
        # What every row's cells share, found once per keystroke rather than once a row.
        self.shared = (self.desk.formatter, kind_labels(), active_cell(False), active_cell(True))
        super().show_rows(rows[:SEARCH_LIMIT], select)

    def cells(self, row: CatalogRow) -> list:
        from salontui.widgets import fmt as cached

        formatter, labels, retired, active = self.shared
        kind = row.package_kind if row.kind == "package" and row.package_kind else row.kind
        # The name (the flexible column, sized by the room left, not by its text) and the
        # price (Babel) are only looked at for the rows drawn.
        return [row.code, lambda: row.name, labels.get(kind, kind), row.category,
                lambda: cached.money(formatter, row.price), size_text(row),
                active if row.active else retired]

    def status(self) -> str:
        n = len(self.rows)
        typed = self.filter_text()
        if not n and not typed and self.kind is None:
            return super().status()
        if self.more:
            count = _("The first {n} items: type to narrow them down").format(n=n)
        else:
            count = ngettext("{n} item", "{n} items", n).format(n=n)
        return _("{count} · showing {kind} ({key}: another kind)").format(
            count=count, kind=_(KINDS[self.kind_index][1]),
            key=key_of(self.settings_screen, "settings.catalogue.kind"))

    # -- the common keys ----------------------------------------------------------------
    def add_dialog(self) -> ItemDialog:
        return ItemDialog()

    def edit_dialog(self, row: CatalogRow) -> ItemDialog:
        return ItemDialog(row)

    def toggle_job(self, row: CatalogRow) -> Callable[[Session], CatalogRow]:
        staff_id, item_id, active = self.desk.staff_id, row.id, not row.active

        def toggle(session: Session, approved_by: int | None = None) -> CatalogRow:
            from salontui.store.catalog import set_item_active

            assert staff_id is not None
            return set_item_active(session, staff_id=staff_id, item_id=item_id, active=active,
                                   approved_by=approved_by)

        return toggle

    # -- its own keys ---------------------------------------------------------------------
    def allows(self, action: str) -> bool:
        if action == "delete":
            return self.selected() is not None
        return True

    def action_kind(self) -> None:
        """Show the next kind (all → services → products → package plans → all)."""
        self.kind_index = (self.kind_index + 1) % len(KINDS)
        self.load()

    def action_delete(self) -> None:
        row = self.selected()
        if row is None:
            return
        item_id = row.id

        def check(session: Session) -> CatalogRow:
            from salontui.store.catalog import check_deletable

            return check_deletable(session, item_id=item_id)

        self.ask(check, self.confirm_delete, failed=self.show_error)

    def confirm_delete(self, row: CatalogRow) -> None:
        from salontui.screens.dialogs.confirm import ConfirmDialog

        question = _("Delete {code} {name}? It was never sold, so nothing else changes. "
                     "This cannot be undone.").format(code=row.code, name=row.name)
        self.desk.push_screen(
            ConfirmDialog(question, title=_("Delete catalogue item"),
                          confirm_label=_("Delete"), cancel_label=_("Keep it")),
            callback=lambda yes: self.delete(row) if yes else None)

    def delete(self, row: CatalogRow) -> None:
        staff_id, item_id = self.desk.staff_id, row.id

        def delete(session: Session, approved_by: int | None = None) -> CatalogRow:
            from salontui.store.catalog import delete_item

            assert staff_id is not None
            return delete_item(session, staff_id=staff_id, item_id=item_id, approved_by=approved_by)

        self.ask(delete, self.deleted, write=True, failed=self.show_error)

    def deleted(self, row: CatalogRow) -> None:
        self.desk.notify(_("{code} {name} was deleted.").format(code=row.code, name=row.name))
        self.load()
        self.table().focus()

    def commands(self) -> list[Command]:
        return [Command("settings.catalogue.kind", _("Show another kind of catalogue item")),
                Command("settings.catalogue.delete", _("Delete catalogue item"),
                        help=_("Only an item never sold"))]


def kind_labels() -> dict[str, str]:
    """The Kind column's words: a plan by its own kind ("count card"), a service or a
    product as such."""
    return {**{str(k): stored_label(LINE_KIND_LABELS, k) for k in ("service", "product")},
            **{str(k): stored_label(PACKAGE_KIND_LABELS, k) for k in PACKAGE_KIND_LABELS}}


def size_text(row: CatalogRow) -> str:
    """How long a service takes, how many sessions a plan holds, or how long a time card
    lasts."""
    if row.kind == "service" and row.duration_minutes:
        return _("{n} min").format(n=row.duration_minutes)
    if row.kind == "package":
        if row.sessions:
            return ngettext("{n} use", "{n} uses", row.sessions).format(n=row.sessions)
        if row.validity_days:
            return ngettext("{n} day", "{n} days", row.validity_days).format(
                n=row.validity_days)
    return ""
