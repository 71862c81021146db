"""AuditScreen: who changed what, when, read only (the audit log every write records).

A table, newest first: when (the salon's clock), who, the action, what it was about and
the change (``key: old → new``, the flexible column). ``f`` filters by staff member,
action, customer code and the salon's days (the filter is said on one line over the
table); ``[`` and ``]`` turn pages (50 a page, paged in the store); Enter shows the whole
before and after of the row in a small dialog; Esc goes back.

Opened from the search screen (F11 or the palette) for everything, and from a customer's
detail ("Changes" in the palette) for that customer's own changes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from salontui.i18n import _
from salontui.keymap import key_of
from salontui.screens.base import StoreCalls
from salontui.screens.commands import Command, PaletteEntry, binding_commands
from salontui.screens.dialogs.base import FormDialog
from salontui.screens.loyalty.care_dialogs import CycleChoice
from salontui.store.admin.audit_view import AuditFilter
from salontui.store.errors import NotFound, SalonError
from salontui.widgets.footer import DeskFooter
from salontui.widgets.header import desk_header
from salontui.widgets.inputs import DeskInput, Field
from salontui.widgets.tables import Col, DeskTable

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.store.admin.audit_view import AuditRow

PAGE = 50
ANY = ""
CODE_CHARS = 20
DATE_CHARS = 20  # store.bounds.MAX_DATE_TEXT
CHANGE_WIDTH = 200  # characters of one value in the entry's "Changed" lines


@dataclass(frozen=True)
class Choices:
    """What the filter dialog offers: staff (id, name) and the actions in the log."""

    staff: tuple[tuple[int, str], ...] = ()
    actions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Wanted:
    """The filter and the customer's code it was typed with (to show it back)."""

    filter: AuditFilter
    customer_code: str = ""


@dataclass(frozen=True)
class AuditPage:
    rows: list[AuditRow]
    more: bool  # a page after this one
    choices: Choices


def _when(fmt, row: AuditRow) -> str:
    return row.when.strftime(f"{fmt.date_format} %H:%M")


def change_text(row: AuditRow) -> str:
    """The list's change, then who approved it (a manager's PIN): at 80 columns the
    change comes first; the whole row (Enter) names the approver in its first lines."""
    if not row.approved_by:
        return row.change
    approved = _("approved by {name}").format(name=row.approved_by)
    return f"{row.change} · {approved}" if row.change else approved


def _pretty(text: str | None) -> str:
    """The stored JSON indented, one key a line (as is when it cannot be read)."""
    if text is None:
        return "—"
    try:
        return json.dumps(json.loads(text), ensure_ascii=False, indent=2, sort_keys=True)
    except ValueError:
        return text


class AuditFilterDialog(FormDialog):
    """Staff, action, customer code, dates; answers a :class:`Wanted` checked by the store
    (a code not found, a date that cannot be read, the end before the start: at its
    field)."""

    store_writes = False  # the store only checks: a read

    DEFAULT_CSS = """
    AuditFilterDialog .dialog { width: 70; }
    """

    def __init__(self, current: Wanted, choices: Choices) -> None:
        super().__init__()
        self.current = current
        self.choices = choices
        self.title_text = _("Filter the changes")
        self.confirm_label = _("Show")

    def compose_body(self) -> ComposeResult:
        f, fmt = self.current.filter, self.formatter
        anyone = _("Any")
        yield Field(_("Staff"), CycleChoice(
            [(ANY, anyone), *((str(i), name) for i, name in self.choices.staff)],
            value=str(f.staff_id) if f.staff_id is not None else ANY, id="audit-staff"),
            key="staff_id", hint=_("What they did or approved"))
        yield Field(_("Action"), CycleChoice(
            [(ANY, anyone), *((a, a) for a in self.choices.actions)],
            value=f.action or ANY, id="audit-action"), key="action")
        yield Field(_("Customer code"), DeskInput(
            self.current.customer_code, id="audit-customer", max_length=CODE_CHARS,
            placeholder="KH000123"), key="customer", aliases=("customer_id", "code"))
        hint = fmt.date_hint()
        for key, label, day in (("date_from", _("From"), f.date_from),
                                ("date_to", _("To"), f.date_to)):
            yield Field(label, DeskInput(fmt.date(day) if day else "",
                                         id=f"audit-{key.replace('_', '-')}",
                                         max_length=DATE_CHARS, placeholder=hint), key=key)

    def focus_first(self) -> None:
        self.query_one("#audit-staff", CycleChoice).focus()

    def prepare(self) -> Callable[[Session], Wanted]:
        fmt = self.formatter
        date_from = fmt.parse_date(self.value("date_from"), field="date_from", required=False)
        date_to = fmt.parse_date(self.value("date_to"), field="date_to", required=False)
        staff = self.query_one("#audit-staff", CycleChoice).value
        action = self.query_one("#audit-action", CycleChoice).value or None
        code = self.value("customer")
        wanted = AuditFilter(staff_id=int(staff) if staff else None, action=action,
                             date_from=date_from, date_to=date_to)

        def check(session: Session) -> Wanted:
            from salontui.store.admin.audit_view import check_filter
            from salontui.store.customers import get_customer_by_code

            found = wanted
            if code:
                try:
                    customer = get_customer_by_code(session, code=code)
                except NotFound as error:
                    raise NotFound(error.message, field="customer") from None
                found = replace(wanted, customer_id=customer.id)
            return Wanted(check_filter(found), code.upper())

        return check


class AuditEntryDialog(ModalScreen):
    """One audit row whole: who, when, who approved, and the before and after JSON."""

    DEFAULT_CSS = """
    AuditEntryDialog .dialog { width: 76; height: auto; max-height: 22; }
    AuditEntryDialog VerticalScroll { height: auto; max-height: 16; }
    """

    BINDINGS = [Binding("escape", "close", _("Close"), id="dialog.close")]

    def __init__(self, row: AuditRow, when: str) -> None:
        super().__init__()
        self.row = row
        self.when = when

    def compose(self) -> ComposeResult:
        r = self.row
        with Vertical(classes="dialog") as box:
            box.border_title = _("Change")
            head = _("{when} · {who} · {action} · {entity} #{id}").format(
                when=self.when, who=r.who or _("the system"), action=r.action,
                entity=r.entity, id=r.entity_id if r.entity_id is not None else "—")
            if r.approved_by:
                head += " · " + _("approved by {name}").format(name=r.approved_by)
            yield Static(Content(head), id="entry-head")
            with VerticalScroll():
                from salontui.store.admin.audit_view import change_parts

                changed = change_parts(r.before, r.after, width=CHANGE_WIDTH)
                if changed:  # what changed, key by key, before the whole of both
                    yield Static(Content(_("Changed:") + "\n" + "\n".join(
                        f"  {part}" for part in changed)), id="entry-changed")
                yield Static(Content(_("Before:") + "\n" + _pretty(r.before)),
                             id="entry-before")
                yield Static(Content(_("After:") + "\n" + _pretty(r.after)), id="entry-after")
            yield Static(Content(_("Esc closes")), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()

    def action_close(self) -> None:
        self.dismiss(None)


class AuditScreen(StoreCalls, Screen[None]):
    """The audit log, filtered and paged; read only."""

    help_title = _("Changes")

    DEFAULT_CSS = """
    AuditScreen #audit-filter { height: 1; padding: 0 1; }
    AuditScreen #audit-table { height: 1fr; }
    AuditScreen #audit-status { height: 1; padding: 0 1; }
    """

    BINDINGS = [
        Binding("enter", "show", _("Show"), id="audit.show", show=False,
                tooltip=_("Show the whole change of the row")),
        Binding("f", "filter", _("Filter"), id="audit.filter",
                tooltip=_("Filter by staff, action, customer and dates")),
        Binding("x", "clear_filter", _("Clear filter"), id="audit.clear_filter", show=False),
        Binding("left_square_bracket", "page(-1)", _("Prev page"), id="audit.previous_page"),
        Binding("right_square_bracket", "page(1)", _("Next page"), id="audit.next_page"),
        Binding("escape", "back", _("Back"), id="audit.back"),
    ]

    def __init__(self, *, customer_id: int | None = None, customer_code: str = "") -> None:
        super().__init__()
        self.wanted = Wanted(AuditFilter(customer_id=customer_id), customer_code)
        self.page = 0
        self.more = False
        self.rows: list[AuditRow] = []
        self.choices = Choices()
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield desk_header()
        yield Static("", id="audit-filter")
        yield DeskTable([
            Col("when", _("When"), 16),
            Col("who", _("Who"), 11, prose=True),
            Col("action", _("Action"), 13, prose=True),
            Col("what", _("What"), 10, prose=True),
            Col("change", _("Change"), None, min_width=20),
        ], id="audit-table")
        yield Static(Content(_("Loading…")), id="audit-status")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.sub_title = _("Changes")
        self.query_one(DeskTable).focus()
        self.watch(self.app, "data_version", self.data_changed, init=False)
        self.show_filter()
        self.load()

    def data_changed(self, _version: int) -> None:
        if self.app.screen is self:
            self.load()

    def load(self) -> None:
        if self.desk.engine is None:
            return
        wanted, offset = self.wanted.filter, self.page * PAGE

        def read(session: Session) -> AuditPage:
            from salontui.store.admin.audit_view import audit_actions, audit_page
            from salontui.store.staff import list_staff

            rows = audit_page(session, wanted=wanted, limit=PAGE + 1, offset=offset)
            staff = tuple((s.id, s.name) for s in list_staff(session, include_inactive=True))
            return AuditPage(rows=rows[:PAGE], more=len(rows) > PAGE,
                             choices=Choices(staff=staff,
                                             actions=tuple(audit_actions(session))))

        self.ask(read, self.show_page, failed=self.load_failed)

    def load_failed(self, error: SalonError) -> None:
        self.query_one("#audit-status", Static).update(Content(f"▲ {error.message}"))

    def show_page(self, page: AuditPage) -> None:
        if not page.rows and self.page > 0:  # the page went away
            self.page -= 1
            self.load()
            return
        self.rows, self.more, self.choices = page.rows, page.more, page.choices
        self.loaded = True
        fmt = self.desk.formatter
        self.query_one(DeskTable).set_rows([
            (str(r.id), [_when(fmt, r), r.who or _("system"), r.action,
                         r.entity if r.entity_id is None else f"{r.entity} #{r.entity_id}",
                         change_text(r)]) for r in self.rows], keep_cursor=False)
        self.show_status()

    def show_status(self) -> None:
        parts = [_("page {page}").format(page=self.page + 1)]
        if not self.rows:
            parts = [_("no change matches")]
        else:
            parts.append(_("{key} shows a change").format(key=key_of(self, "audit.show")))
            if self.page or self.more:
                parts.append(_("{prev}/{next} pages").format(
                    prev=key_of(self, "audit.previous_page"),
                    next=key_of(self, "audit.next_page")))
        self.query_one("#audit-status", Static).update(Content(" · ".join(parts)))

    def filter_text(self) -> str:
        f, fmt = self.wanted.filter, self.desk.formatter
        parts = []
        if f.staff_id is not None:
            parts.append(next((n for i, n in self.choices.staff if i == f.staff_id),
                              f"#{f.staff_id}"))
        if f.action:
            parts.append(f.action)
        if f.customer_id is not None:
            parts.append(self.wanted.customer_code or f"#{f.customer_id}")
        if f.date_from or f.date_to:
            parts.append(f"{fmt.date(f.date_from)} – {fmt.date(f.date_to)}")
        if not parts:
            return _("Every change · {key} filters").format(key=key_of(self, "audit.filter"))
        return _("Filter: {parts}").format(parts=" · ".join(parts))

    def show_filter(self) -> None:
        self.query_one("#audit-filter", Static).update(Content(self.filter_text()))

    # -- actions ----------------------------------------------------------------------------
    def current(self) -> AuditRow | None:
        key = self.query_one(DeskTable).current_key
        return next((r for r in self.rows if str(r.id) == key), None)

    def on_desk_table_row_selected(self, event: DeskTable.RowSelected) -> None:
        event.stop()
        self.action_show()

    def action_show(self) -> None:
        row = self.current()
        if row is not None:
            self.app.push_screen(AuditEntryDialog(row, _when(self.desk.formatter, row)))

    def action_filter(self) -> None:
        self.app.push_screen(AuditFilterDialog(self.wanted, self.choices),
                             callback=self.filtered)

    def filtered(self, wanted: Wanted | None) -> None:
        if wanted is None or wanted == self.wanted:
            return
        self.set_filter(wanted)

    def set_filter(self, wanted: Wanted) -> None:
        self.wanted, self.page = wanted, 0
        self.show_filter()
        self.load()

    def action_clear_filter(self) -> None:
        if not self.wanted.filter.is_empty():
            self.set_filter(Wanted(AuditFilter()))

    def action_page(self, step: int) -> None:
        page = self.page + step
        if page < 0 or (step > 0 and not self.more):
            return
        self.page = page
        self.load()

    def action_back(self) -> None:
        self.dismiss(None)

    def palette_commands(self) -> list[PaletteEntry]:
        return binding_commands(self, (
            Command("audit.filter", _("Filter the changes"),
                    _("By staff, action, customer and dates")),
            Command("audit.clear_filter", _("Show every change")),
            Command("audit.show", _("Show the change"), _("The whole before and after")),
            Command("audit.next_page", _("Show the next page")),
            Command("audit.previous_page", _("Show the previous page")),
            Command("audit.back", _("Close the changes")),
        ))

