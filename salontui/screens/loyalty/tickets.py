"""TicketListScreen: the adjustment tickets (phiếu điều chỉnh), newest first.

A row says the ticket's code, the day it was made, its status, how many lines it has, its
tags, its note and who made it (who applied or cancelled it, once done). A row of filters
over the list shows one status at a time (``1`` waiting, ``2`` applied, ``3`` cancelled,
``0`` all) with how many of each match; ``f`` opens a small dialog for a tag and a range
of days (empty fields: no filter). The list is paged in the store (``n`` the next page,
``p`` the one before).

Keys: ``a`` a new ticket, Enter opens the selected one (:class:`~salontui.screens.loyalty.
ticket.TicketScreen`), Escape goes back. The list reads again whenever anything is
written, here or at another desk.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from salontui.i18n import N_, _
from salontui.keymap import key_of
from salontui.screens.base import StoreCalls
from salontui.screens.commands import Command, PaletteEntry, binding_commands
from salontui.screens.dialogs.base import FormDialog
from salontui.store.errors import SalonError, ValidationError
from salontui.widgets.footer import DeskFooter
from salontui.widgets.header import desk_header
from salontui.widgets.inputs import DeskInput, Field, too_long
from salontui.widgets.tables import Cell, Col, DeskTable

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.store.loyalty.tickets import TicketPage, TicketRow

ALL = "all"
# The status filters of the tab row, in the order of their keys (1..3, then 0: all).
FILTERS = (
    ("waiting", "1", N_("Waiting")),
    ("applied", "2", N_("Applied")),
    ("cancelled", "3", N_("Cancelled")),
    (ALL, "0", N_("All")),
)
PAGE = 100  # tickets a page
TAG_CHARS = 30  # store.loyalty.tickets.MAX_TAG
DATE_CHARS = 20


def status_text(status: str) -> str:
    """A ticket's status in the desk's language."""
    return next((_(label) for name, _key, label in FILTERS if name == status), status)


@dataclass(frozen=True)
class TicketFilter:
    """The list's filters other than the status: a tag and a range of the salon's days."""

    tag: str = ""
    date_from: date | None = None
    date_to: date | None = None

    @property
    def empty(self) -> bool:
        return not self.tag and self.date_from is None and self.date_to is None


class TicketFilterDialog(FormDialog):
    """A tag (one of those in use, ignoring case) and a range of days; answers a
    :class:`TicketFilter` (every field empty: no filter). Nothing is written."""

    def __init__(self, current: TicketFilter, tags: list[str]) -> None:
        super().__init__()
        self.current = current
        self.tags = tags
        self.title_text = _("Filter tickets")
        self.confirm_label = _("Filter")

    def compose_body(self) -> ComposeResult:
        fmt = self.formatter
        shown = ", ".join(self.tags[:8]) + (" …" if len(self.tags) > 8 else "")
        yield Field(_("Tag"), DeskInput(self.current.tag, id="tag", max_length=TAG_CHARS,
                                        placeholder=_("any tag")), key="tag",
                    hint=_("In use: {tags}").format(tags=shown) if self.tags else "")
        yield Field(_("From"), DeskInput(fmt.date(self.current.date_from), id="date-from",
                                         max_length=DATE_CHARS, placeholder=fmt.date_hint()),
                    key="date_from")
        yield Field(_("To"), DeskInput(fmt.date(self.current.date_to), id="date-to",
                                       max_length=DATE_CHARS, placeholder=fmt.date_hint()),
                    key="date_to")

    def read(self) -> TicketFilter:
        fmt = self.formatter
        date_from = fmt.parse_date(self.value("date_from"), field="date_from", required=False)
        date_to = fmt.parse_date(self.value("date_to"), field="date_to", required=False)
        if date_from is not None and date_to is not None and date_from > date_to:
            raise ValidationError(_("The last day is before the first."), field="date_to")
        return TicketFilter(tag=" ".join(self.value("tag").split()), date_from=date_from,
                            date_to=date_to)

    def prepare(self):  # pragma: no cover - not used: confirm answers at once
        return None

    def action_confirm(self) -> None:
        self.clear_errors()
        try:
            answer = self.read()
        except SalonError as error:
            self.show_error(error)
            return
        self.dismiss(answer)

    def on_desk_input_too_long(self, event: DeskInput.TooLong) -> None:
        event.stop()
        field = next((f for f in self.query(Field) if f.control is event.box), None)
        self.show_error(too_long(event.limit), field=field.key if field else None)


class TicketListScreen(StoreCalls, Screen):
    """The adjustment tickets, by status, tag and day; ``a`` new, Enter opens one."""

    help_title = _("Adjustment tickets")

    DEFAULT_CSS = """
    TicketListScreen #tickets-head { height: 1; padding: 0 1; text-style: bold; }
    TicketListScreen #tickets-tabs { height: auto; padding: 0 1; }
    TicketListScreen #tickets-table { height: 1fr; }
    TicketListScreen #tickets-detail { height: auto; max-height: 2; padding: 0 1; }
    TicketListScreen #tickets-hint { height: 1; padding: 0 1; color: $text-muted; }
    """

    BINDINGS = [
        Binding("enter", "open", _("Open"), id="loyalty.tickets.open",
                tooltip=_("Open the selected ticket")),
        Binding("a", "new", _("New"), id="loyalty.tickets.new",
                tooltip=_("A new adjustment ticket")),
        Binding("f", "filter", _("Filter"), id="loyalty.tickets.filter",
                tooltip=_("Filter by tag and days")),
        Binding("escape", "back", _("Back"), id="loyalty.tickets.back"),
        Binding("n", "page(1)", _("Next page"), id="loyalty.tickets.next_page", show=False),
        Binding("p", "page(-1)", _("Previous page"), id="loyalty.tickets.previous_page",
                show=False),
        Binding("r", "reload", _("Reload"), id="loyalty.tickets.reload", show=False,
                tooltip=_("Read the tickets again")),
        *(Binding(key, f"show('{name}')", _(label), id=f"loyalty.tickets.{name}", show=False,
                  tooltip=_("Show every ticket") if name == ALL
                  else _("Show only these tickets: {status}").format(status=_(label)))
          for name, key, label in FILTERS),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.page: TicketPage | None = None
        self.tags: list[str] = []
        self.status = ALL
        self.filter = TicketFilter()
        self.first_row = 0
        self.stale = False

    def compose(self) -> ComposeResult:
        yield desk_header()
        yield Static(Content(_("Loading…")), id="tickets-head")
        yield Static("", id="tickets-tabs")
        yield DeskTable([
            Col("code", _("Code"), 8),
            Col("date", _("Date"), 10),
            Col("status", _("Status"), 9),
            Col("lines", _("Lines"), 5, justify="right"),
            Col("tags", _("Tags"), 10, max_width=20, prose=True, drop=1),
            Col("note", _("Note"), None, min_width=12),
            Col("who", _("By"), 10, max_width=20, prose=True, drop=2),
        ], id="tickets-table")
        yield Static("", id="tickets-detail")
        yield Static("", id="tickets-hint")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.sub_title = _("Adjustment tickets")
        self.query_one(DeskTable).focus()
        self.watch(self.app, "data_version", self.data_changed)
        self.load()

    # -- reading ------------------------------------------------------------------------
    def data_changed(self, _version: int) -> None:
        """Read again if the list can be seen (only dialogs above it); else when shown."""
        if self.desk.engine is None:
            return
        stack = self.app.screen_stack
        above = stack[stack.index(self) + 1:] if self in stack else []
        if any(not isinstance(screen, ModalScreen) for screen in above):
            self.stale = True
            return
        self.load()

    def on_screen_resume(self) -> None:
        self.query_one(DeskTable).focus()
        if self.stale:
            self.stale = False
            self.load()

    def load(self) -> None:
        if self.desk.engine is None:
            return
        status = None if self.status == ALL else self.status
        chosen, first_row = self.filter, self.first_row

        def read(session: Session) -> tuple[TicketPage, list[str]]:
            from salontui.store.loyalty.tickets import list_tags, list_tickets

            page = list_tickets(session, status=status, tag=chosen.tag or None,
                                date_from=chosen.date_from, date_to=chosen.date_to,
                                limit=PAGE, offset=first_row)
            return page, list_tags(session)

        self.ask(read, self.show_page, failed=self.list_failed)

    def list_failed(self, error: SalonError) -> None:
        self.query_one("#tickets-head", Static).update(Content(f"▲ {error.message}"))

    def show_page(self, answer: tuple[TicketPage, list[str]]) -> None:
        page, self.tags = answer
        if not page.rows and self.first_row and page.total:  # the last page emptied meanwhile
            self.first_row = max(0, (page.total - 1) // PAGE * PAGE)
            self.load()
            return
        self.page = page
        self.show_head()
        self.show_rows()

    # -- drawing ------------------------------------------------------------------------
    def count_of(self, name: str) -> int:
        if self.page is None:
            return 0
        return self.page.count(None if name == ALL else name)

    def filter_text(self) -> str:
        fmt, chosen = self.desk.formatter, self.filter
        parts = []
        if chosen.tag:
            parts.append(_("tag {tag}").format(tag=chosen.tag))
        if chosen.date_from is not None or chosen.date_to is not None:
            parts.append(f"{fmt.date(chosen.date_from) or '…'}–{fmt.date(chosen.date_to) or '…'}")
        return ", ".join(parts)

    def show_head(self) -> None:
        page = self.page
        if page is None:
            return
        head = _("Adjustment tickets: {n}").format(n=page.total)
        if page.total > PAGE:
            head += "  " + _("{first}–{last} of {n}").format(
                first=self.first_row + 1 if page.rows else 0,
                last=self.first_row + len(page.rows), n=page.total)
        if not self.filter.empty:
            head += "  (" + self.filter_text() + ")"
        self.query_one("#tickets-head", Static).update(Content(head))
        tabs: list[Content | str | tuple[str, str]] = []
        for name, _key, label in FILTERS:
            if tabs:
                tabs.append("  ")
            text = f"{key_of(self, f'loyalty.tickets.{name}')} {_(label)} {self.count_of(name)}"
            tabs.append((f" {text} ", "bold reverse") if name == self.status else text)
        self.query_one("#tickets-tabs", Static).update(Content.assemble(*tabs))

    @staticmethod
    def who_of(row: TicketRow) -> str:
        if row.status == "applied":
            return row.applied_by or ""
        if row.status == "cancelled":
            return row.cancelled_by or ""
        return row.created_by or ""

    def show_rows(self, *, keep_cursor: bool = True) -> None:
        rows = list(self.page.rows) if self.page is not None else []
        fmt = self.desk.formatter
        table_rows = []
        for row in rows:
            status = status_text(row.status)
            table_rows.append((row.id, [
                row.code, fmt.date(row.created_at),
                Cell(status, "bold") if row.waiting else status,
                str(row.lines), ", ".join(row.tags), row.note, self.who_of(row),
            ]))
        self.query_one(DeskTable).set_rows(table_rows, keep_cursor=keep_cursor)
        self.show_selected()

    def on_desk_table_row_highlighted(self, event: DeskTable.RowHighlighted) -> None:
        event.stop()
        self.show_selected()

    def show_selected(self) -> None:
        """The selected ticket whole under the list (its columns may be cut at 80), and the
        keys."""
        row = self.selected()
        detail = self.query_one("#tickets-detail", Static)
        if row is None:
            detail.update("")
        else:
            fmt = self.desk.formatter
            parts = [row.code, status_text(row.status)]
            done = {"applied": (row.applied_by, row.applied_at),
                    "cancelled": (row.cancelled_by, row.cancelled_at)}.get(row.status)
            parts.append(_("made by {name} {when}").format(
                name=row.created_by or "—", when=fmt.datetime(row.created_at)))
            if done is not None:
                parts.append(_("{status} by {name} {when}").format(
                    status=status_text(row.status), name=done[0] or "—",
                    when=fmt.datetime(done[1])))
            if row.tags:
                parts.append(", ".join(row.tags))
            if row.note:
                parts.append(row.note)
            detail.update(Content(" · ".join(parts)))
        hint = self.query_one("#tickets-hint", Static)
        if self.page is not None and not self.page.rows:
            hint.update(Content(_("No tickets here. {new} makes one.").format(
                new=key_of(self, "loyalty.tickets.new"))))
            return
        keys = {name: key_of(self, f"loyalty.tickets.{name}")
                for name in ("open", "new", "filter", "waiting", "cancelled", "all")}
        text = _("{open} open · {new} new · {filter} filter · {waiting}–{cancelled} status · "
                 "{all} all").format(**keys)
        if self.page is not None and self.page.total > PAGE:
            text += " · " + _("{next}/{previous} page").format(
                next=key_of(self, "loyalty.tickets.next_page"),
                previous=key_of(self, "loyalty.tickets.previous_page"))
        hint.update(Content(text))

    def selected(self) -> TicketRow | None:
        key = self.query_one(DeskTable).current_key
        rows = self.page.rows if self.page is not None else ()
        return next((r for r in rows if str(r.id) == key), None)

    # -- actions ------------------------------------------------------------------------
    def action_show(self, name: str) -> None:
        if name == self.status:
            return
        self.status = name
        self.first_row = 0
        self.load()

    def action_page(self, step: int) -> None:
        total = self.page.total if self.page is not None else 0
        offset = self.first_row + step * PAGE
        if offset < 0 or offset >= total:
            self.app.bell()
            return
        self.first_row = offset
        self.load()

    def action_reload(self) -> None:
        self.load()

    def action_back(self) -> None:
        self.dismiss(None)

    def action_filter(self) -> None:
        self.app.push_screen(TicketFilterDialog(self.filter, self.tags),
                             callback=self.filtered)

    def filtered(self, chosen: TicketFilter | None) -> None:
        if chosen is None or chosen == self.filter:
            return
        self.filter = chosen
        self.first_row = 0
        self.load()

    def on_desk_table_row_selected(self, event: DeskTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        row = self.selected()
        if row is None:
            self.app.notify(_("Choose a ticket to open."), timeout=4)
            return
        from salontui.screens.loyalty.ticket import TicketScreen

        self.app.push_screen(TicketScreen(row.id))

    def action_new(self) -> None:
        from salontui.screens.loyalty.ticket import TicketScreen

        self.app.push_screen(TicketScreen())

    def palette_commands(self) -> list[PaletteEntry]:
        return binding_commands(self, (
            Command("loyalty.tickets.new", _("New adjustment ticket"),
                    _("Points and tiers of customers, applied by a manager")),
            Command("loyalty.tickets.open", _("Open the ticket"),
                    _("The selected adjustment ticket")),
            Command("loyalty.tickets.filter", _("Filter tickets"), _("By tag and days")),
            *(Command(f"loyalty.tickets.{name}", _("Show tickets: {what}").format(
                what=_(label))) for name, _key, label in FILTERS),
            Command("loyalty.tickets.next_page", _("Next page of tickets")),
            Command("loyalty.tickets.previous_page", _("Previous page of tickets")),
            Command("loyalty.tickets.reload", _("Read the tickets again")),
            Command("loyalty.tickets.back", _("Close the tickets")),
        ))
