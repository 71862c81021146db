"""TicketScreen: one adjustment ticket (phiếu điều chỉnh), new or saved.

The ticket's note and tags (comma-separated), then its lines: a customer with a change of
points and/or a new tier. A line is added (F3) or changed (F4, or Enter on it) in a small
dialog: the customer found as typed by phone or name (Up/Down through the matches, Enter
takes the highlighted one), the points ("+500", "-200"; empty: none), the new tier (Left/
Right or its first letter; "no change") and a note. F8 removes the selected line.

Ctrl+S saves the ticket as a draft ("waiting"). F10 applies it: only a manager or the
owner may (anyone else is told so at once); it asks to confirm, saves what was changed and
applies in one go — points first, then tiers, every change naming the ticket. F9 cancels a
waiting ticket. An applied or cancelled ticket is read-only. Anything refused is said at
its field (a line's problem under the lines, the line selected) and nothing is written.
Escape goes back (asking first when something is not saved). The ticket reads again when
anything is written, here or at another desk; unsaved changes are kept unless the ticket
was applied or cancelled meanwhile.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Label, OptionList, Static

from salontui.i18n import _, ngettext
from salontui.keymap import key_of
from salontui.screens.base import StoreCalls
from salontui.screens.commands import Command, PaletteEntry, binding_commands
from salontui.screens.dialogs.base import FormDialog, refuse_pasted
from salontui.screens.dialogs.confirm import ConfirmDialog
from salontui.store.errors import SalonError, ValidationError
from salontui.store.names import tier_label
from salontui.widgets import fmt as cached
from salontui.widgets.footer import DeskFooter
from salontui.widgets.header import desk_header
from salontui.widgets.inputs import DeskInput, Field, RadioChoice
from salontui.widgets.tables import Col, DeskTable

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.formatting import Formatter
    from salontui.store.loyalty.tickets import TicketDetail, TicketLine, TicketLineIn
    from salontui.store.search import CustomerRow

NOTE_CHARS = 500  # store.loyalty.tickets.MAX_NOTE
TAGS_CHARS = 200  # store.loyalty.tickets.MAX_TAGS
LINE_NOTE_CHARS = 250  # store.loyalty.tickets.MAX_LINE_NOTE
QUERY_CHARS = 60
POINTS_CHARS = 16
RESULTS = 5  # customers listed under the search
EDITING = ("add_line", "edit_line", "remove_line", "save", "apply", "cancel_ticket")


def signed_points(formatter: Formatter, value: int) -> str:
    """A change of points with its sign ("+500", "-200"); "" for none."""
    if not value:
        return ""
    shown = cached.points(formatter, abs(value))
    return f"+{shown}" if value > 0 else f"-{shown}"


def status_text(status: str) -> str:
    from salontui.screens.loyalty.tickets import status_text as text

    return text(status)


class TierChoice(RadioChoice):
    """One tier (or no change), shown as ``◂ Gold ▸``: Left/Right go through them, a
    letter picks the first starting with it."""

    def render(self) -> Content:
        label = dict(self.options).get(self.value, "")
        return Content.assemble(("◂ ", "dim"), (label, "bold"), (" ▸", "dim"))

    def on_click(self, event) -> None:
        event.prevent_default()
        self.action_move(1)

    @property
    def tier_id(self) -> int | None:
        return int(self.value) if self.value else None


class TicketLineDialog(FormDialog):
    """Add a line (``line`` None) or change one: answers the line checked by the store
    (:func:`~salontui.store.loyalty.tickets.check_line`: the customer as they are now);
    nothing is written."""

    DEFAULT_CSS = """
    TicketLineDialog .dialog { width: 76; }
    TicketLineDialog #customer-results { margin-left: 16; height: auto; max-height: 5; }
    TicketLineDialog #customer-chosen { padding-left: 16; color: $text-muted; height: 1; }
    TicketLineDialog #field-points DeskInput { width: 16; }
    """

    BINDINGS = [
        Binding("down", "move(1)", _("Next match or field"), id="loyalty.line.next",
                show=False),
        Binding("up", "move(-1)", _("Previous match or field"), id="loyalty.line.previous",
                show=False),
    ]

    def __init__(self, tiers: list[tuple[int, str]], line: TicketLine | None = None,
                 taken: frozenset[int] = frozenset()) -> None:
        super().__init__()
        self.tiers = tiers
        self.line = line
        self.taken = taken
        self.found: list[CustomerRow] = []
        self.title_text = _("Add a line") if line is None else _("Change the line")
        self.confirm_label = _("Add") if line is None else _("Save line")

    def compose_body(self) -> ComposeResult:
        fmt = self.formatter
        line = self.line
        if line is None:
            yield Field(_("Customer"), DeskInput(id="customer", max_length=QUERY_CHARS,
                                                 placeholder=_("phone or name")),
                        key="customer", required=True)
            results = OptionList(id="customer-results", compact=True)
            results.display = False
            yield results
            yield Static("", id="customer-chosen")
        else:
            yield Field(_("Customer"), Static(Content(
                f"{line.name} · {cached.phone(fmt, line.phone)} · {line.code}")),
                key="customer")
            yield Static(Content(self.customer_now(line.balance, line.current_tier)),
                         id="customer-chosen")
        yield Field(_("Points"), DeskInput(signed_points(fmt, line.points) if line else "",
                                           id="points", max_length=POINTS_CHARS,
                                           placeholder=_("+500 or -200")), key="points")
        options = [("", _("no change")), *((str(i), tier_label(name)) for i, name in self.tiers)]
        value = str(line.tier_id) if line is not None and line.tier_id else ""
        if value and value not in dict(options):
            options.append((value, tier_label(line.tier_name) or f"#{value}") if line
                           else (value, value))
        yield Field(_("New tier"), TierChoice(options, value=value, id="tier"), key="tier")
        yield Field(_("Note"), DeskInput(line.note if line else "", id="line-note",
                                         max_length=LINE_NOTE_CHARS), key="note")

    def on_mount(self) -> None:
        super().on_mount()
        for results in self.query(OptionList):
            results.can_focus = False

    def customer_now(self, balance: int, tier: str) -> str:
        points = ngettext("{n} point now", "{n} points now", balance).format(
            n=cached.points(self.formatter, balance))
        return f"{points} · {tier_label(tier)}"

    # -- the customer -------------------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "customer":
            return
        event.stop()
        self.query_one("#field-customer", Field).clear_error()
        query = event.value.strip()
        if not query:
            self.show_found([])
            return

        def find(session: Session) -> list[CustomerRow]:
            from salontui.store.search import search_customers

            return search_customers(session, query=query, limit=RESULTS)

        self.ask(find, self.show_found, tag="customers")

    def show_found(self, found: list[CustomerRow]) -> None:
        self.found = list(found)
        results = self.query_one("#customer-results", OptionList)
        results.clear_options()
        fmt = self.formatter
        results.add_options([f"{r.name} · {cached.phone(fmt, r.phone)} · {r.code}"
                             for r in self.found])
        results.display = bool(self.found)
        if self.found:
            results.highlighted = 0
        self.show_chosen()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.show_chosen()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one("#points", DeskInput).focus()

    def chosen(self) -> CustomerRow | None:
        if not self.found:
            return None
        index = self.query_one("#customer-results", OptionList).highlighted
        return self.found[index if index is not None else 0]

    def show_chosen(self) -> None:
        row = self.chosen()
        label = self.query_one("#customer-chosen", Static)
        if row is None:
            typed = self.value("customer")
            label.update(Content(_("Nobody found: type a phone or a name.") if typed else ""))
            return
        label.update(Content(f"{row.code} · " + self.customer_now(row.points, row.tier)))

    def action_move(self, step: int) -> None:
        focused = self.focused
        if self.line is None and focused is not None and focused.id == "customer" and self.found:
            results = self.query_one("#customer-results", OptionList)
            results.highlighted = ((results.highlighted or 0) + step) % len(self.found)
            return
        if step > 0:
            self.focus_next()
        else:
            self.focus_previous()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        event.prevent_default()  # not the form's too: it would confirm at once
        if event.input.id == "customer" and self.found:  # Enter takes the match, goes on
            # At once, not after the keys already typed: they go to the points.
            self.set_focus(self.query_one("#points", DeskInput))
            return
        self.action_confirm()

    # -- reading and checking -----------------------------------------------------------
    def read(self) -> TicketLineIn:
        from salontui.store.loyalty.tickets import TicketLineIn
        from salontui.store.money import parse_amount

        if self.line is not None:
            customer_id = self.line.customer_id
        else:
            row = self.chosen()
            if row is None:
                raise ValidationError(_("Find the customer by phone or name."),
                                      field="customer")
            if row.id in self.taken:
                raise ValidationError(_("{name} is already on this ticket: change that line "
                                        "instead.").format(name=row.name), field="customer")
            customer_id = row.id
        typed = self.value("points")
        points = 0
        if typed:
            points = parse_amount(typed, exponent=0, field="points", allow_zero=True,
                                  allow_negative=True)
        tier_id = self.query_one("#tier", TierChoice).tier_id
        return TicketLineIn(customer_id=customer_id, points=points, tier_id=tier_id,
                            note=self.value("note"))

    def prepare(self):  # pragma: no cover - not used: confirm checks in a read
        return None

    def action_confirm(self) -> None:
        if self.busy:
            return
        self.clear_errors()
        try:
            line = self.read()
        except SalonError as error:
            self.show_error(error)
            return
        self.busy = True

        def check(session: Session) -> TicketLine:
            from salontui.store.loyalty.tickets import check_line

            return check_line(session, line=line)

        self.ask(check, self.saved, failed=self.save_refused, crashed=self.save_crashed)

    def on_desk_input_too_long(self, event: DeskInput.TooLong) -> None:
        event.stop()


class TicketScreen(StoreCalls, Screen):
    """One adjustment ticket: its note, tags and lines; saved, applied or cancelled by
    keys. ``ticket_id`` None: a new ticket."""

    help_title = _("Adjustment ticket")

    DEFAULT_CSS = """
    TicketScreen #ticket-head { height: 1; padding: 0 1; text-style: bold; }
    TicketScreen Field { padding: 0 1; }
    TicketScreen #ticket-lines-head { height: 1; padding: 0 1; color: $text-muted; }
    TicketScreen #ticket-lines { height: 1fr; }
    TicketScreen #ticket-line-detail { height: auto; max-height: 2; padding: 0 1; }
    TicketScreen #ticket-error { height: auto; max-height: 2; padding: 0 1; color: $error;
                                 text-style: bold; display: none; }
    TicketScreen #ticket-hint { height: 1; padding: 0 1; color: $text-muted; }
    """

    BINDINGS = [
        Binding("f3", "add_line", _("Add line"), id="loyalty.ticket.add_line",
                tooltip=_("A customer with a change of points and/or a new tier")),
        Binding("f4", "edit_line", _("Change line"), id="loyalty.ticket.edit_line",
                show=False, tooltip=_("Change the selected line")),
        Binding("f8", "remove_line", _("Remove line"), id="loyalty.ticket.remove_line",
                tooltip=_("Take the selected line off the ticket")),
        Binding("ctrl+s", "save", _("Save draft"), id="loyalty.ticket.save", priority=True,
                tooltip=_("Save the ticket as a draft, waiting to be applied")),
        Binding("f10", "apply", _("Apply ticket"), id="loyalty.ticket.apply",
                tooltip=_("Apply the ticket (a manager): points, then tiers")),
        Binding("f9", "cancel_ticket", _("Cancel ticket"), id="loyalty.ticket.cancel_ticket",
                show=False, tooltip=_("Cancel the waiting ticket")),
        Binding("escape", "back", _("Back"), id="loyalty.ticket.back"),
    ]

    def __init__(self, ticket_id: int | None = None) -> None:
        super().__init__()
        self.ticket_id = ticket_id
        self.detail: TicketDetail | None = None
        self.lines: list[TicketLine] = []
        self.tiers: list[tuple[int, str]] = []
        self.dirty = False
        self.loaded = False  # the tiers (and the ticket) read
        self.stale = False

    # -- layout -------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield desk_header()
        yield Static(Content(_("New adjustment ticket") if self.ticket_id is None
                             else _("Loading…")), id="ticket-head")
        yield Field(_("Note"), DeskInput(id="ticket-note", max_length=NOTE_CHARS,
                                         placeholder=_("why these changes")), key="note")
        yield Field(_("Tags"), DeskInput(id="ticket-tags", max_length=TAGS_CHARS,
                                         placeholder=_("comma-separated, e.g. VIP, Tết")),
                    key="tags")
        yield Static("", id="ticket-lines-head")
        yield DeskTable([
            Col("code", _("Code"), 8),
            Col("name", _("Customer"), None, min_width=12),
            Col("phone", _("Phone"), 12),
            Col("points", _("Points"), 8, justify="right"),
            Col("tier", _("New tier"), 9, max_width=16),
            Col("now", _("Now"), 8, justify="right", drop=1),
        ], id="ticket-lines")
        yield Static("", id="ticket-line-detail")
        yield Label("", id="ticket-error")
        yield Static("", id="ticket-hint")
        yield DeskFooter()

    def on_mount(self) -> None:
        self.sub_title = _("Adjustment ticket")
        self.watch(self.app, "data_version", self.data_changed)
        if self.ticket_id is None:
            self.query_one("#ticket-note", DeskInput).focus()
        else:
            self.query_one(DeskTable).focus()
        self.show_all()
        self.load()

    # -- reading ------------------------------------------------------------------------
    def load(self, *, keep_edits: bool = False) -> None:
        if self.desk.engine is None:
            return
        ticket_id = self.ticket_id

        def read(session: Session) -> tuple[TicketDetail | None, list[tuple[int, str]]]:
            from salontui.store.loyalty.tickets import get_ticket
            from salontui.store.loyalty.tiers import list_tiers

            tiers = [(t.id, t.name) for t in list_tiers(session)]
            return (get_ticket(session, ticket_id) if ticket_id is not None else None), tiers

        self.ask(read, self.keep_edits if keep_edits else self.show_ticket,
                 failed=self.load_failed)

    def load_failed(self, error: SalonError) -> None:
        self.show_message(error.message)

    def show_ticket(self, answer: tuple[TicketDetail | None, list[tuple[int, str]]]) -> None:
        detail, self.tiers = answer
        self.loaded = True
        if detail is not None:
            self.use(detail)
        self.show_all()

    def keep_edits(self, answer: tuple[TicketDetail | None, list[tuple[int, str]]]) -> None:
        """Read again while something is not saved: the edits stay, unless the ticket was
        applied or cancelled meanwhile (then it is shown as it is, read-only)."""
        detail, self.tiers = answer
        if detail is None:
            return
        if detail.ticket.waiting:
            self.detail = detail
            self.show_head()
            return
        self.use(detail)
        self.show_all()
        self.desk.notify(_("{code} was {status} meanwhile: your changes were not saved.").format(
            code=detail.ticket.code, status=status_text(detail.ticket.status).lower()),
            severity="warning", timeout=8)

    def use(self, detail: TicketDetail) -> None:
        """Show a ticket as stored: its fields, lines, and whether it can be changed."""
        self.detail = detail
        self.ticket_id = detail.ticket.id
        self.lines = list(detail.lines)
        self.dirty = False
        note = self.query_one("#ticket-note", DeskInput)
        tags = self.query_one("#ticket-tags", DeskInput)
        with note.prevent(Input.Changed), tags.prevent(Input.Changed):
            note.value = detail.ticket.note
            tags.value = ", ".join(detail.ticket.tags)
        read_only = not detail.ticket.waiting
        note.disabled = tags.disabled = read_only
        if read_only:
            self.query_one(DeskTable).focus()
        self.refresh_bindings()

    def data_changed(self, _version: int) -> None:
        """Read again if the ticket can be seen (only dialogs above it); else when shown."""
        if self.desk.engine is None or self.ticket_id is None:
            return
        stack = self.app.screen_stack
        above = stack[stack.index(self) + 1:] if self in stack else []
        if any(not isinstance(screen, ModalScreen) for screen in above):
            self.stale = True
            return
        self.load(keep_edits=self.dirty)

    def on_screen_resume(self) -> None:
        if self.stale:
            self.stale = False
            self.load(keep_edits=self.dirty)

    # -- drawing ------------------------------------------------------------------------
    @property
    def editable(self) -> bool:
        return self.detail is None or self.detail.ticket.waiting

    def show_all(self) -> None:
        self.show_head()
        self.show_lines()

    def show_head(self) -> None:
        fmt = self.desk.formatter
        detail = self.detail
        if detail is None:
            head = _("New adjustment ticket") if self.ticket_id is None else _("Loading…")
        else:
            t = detail.ticket
            head = " · ".join([t.code, status_text(t.status), _("made by {name} {when}").format(
                name=t.created_by or "—", when=fmt.datetime(t.created_at))])
            if t.status == "applied":
                head += " · " + _("applied by {name} {when}").format(
                    name=t.applied_by or "—", when=fmt.datetime(t.applied_at))
            elif t.status == "cancelled":
                head += " · " + _("cancelled by {name} {when}").format(
                    name=t.cancelled_by or "—", when=fmt.datetime(t.cancelled_at))
        if self.dirty:
            head += " · " + _("not saved")
        self.query_one("#ticket-head", Static).update(Content(head))

    def show_lines(self, *, select: int | None = None) -> None:
        fmt = self.desk.formatter
        rows = []
        for line in self.lines:
            rows.append((line.customer_id, [
                line.code, line.name, cached.phone(fmt, line.phone),
                signed_points(fmt, line.points), tier_label(line.tier_name),
                cached.points(fmt, line.balance)]))
        table = self.query_one(DeskTable)
        table.set_rows(rows, keep_cursor=select is None)
        if select is not None and rows:
            table.move_cursor(row=max(0, min(select, len(rows) - 1)))
        total = sum(line.points for line in self.lines)
        tiers = sum(1 for line in self.lines if line.tier_id is not None)
        head = ngettext("{n} line", "{n} lines", len(self.lines)).format(n=len(self.lines))
        if self.lines:
            head += " · " + _("points {points} in all").format(
                points=signed_points(fmt, total) or "0")
            if tiers:
                head += " · " + ngettext("{n} new tier", "{n} new tiers", tiers).format(n=tiers)
        self.query_one("#ticket-lines-head", Static).update(Content(head))
        self.show_selected()
        self.show_hint()

    def on_desk_table_row_highlighted(self, event: DeskTable.RowHighlighted) -> None:
        event.stop()
        self.show_selected()

    def selected_index(self) -> int | None:
        key = self.query_one(DeskTable).current_key
        return next((i for i, line in enumerate(self.lines) if str(line.customer_id) == key),
                    None)

    def show_selected(self) -> None:
        """The selected line whole: the customer, points now and after, tier now and new."""
        index = self.selected_index()
        detail = self.query_one("#ticket-line-detail", Static)
        if index is None:
            detail.update("")
            return
        fmt = self.desk.formatter
        line = self.lines[index]
        parts = [f"{line.code} {line.name}"]
        if line.points:
            after = line.balance + line.points
            text = _("points {now} → {after}").format(now=cached.points(fmt, line.balance),
                                                      after=cached.points(fmt, after))
            if after < 0 and self.editable:
                text += " ▲ " + _("below zero")
            parts.append(text)
        if line.tier_id is not None:
            parts.append(f"{tier_label(line.current_tier)} → {tier_label(line.tier_name)}")
        if line.note:
            parts.append(line.note)
        detail.update(Content(" · ".join(parts)))

    def show_hint(self) -> None:
        hint = self.query_one("#ticket-hint", Static)
        if not self.editable:
            hint.update(Content(_("This ticket is {status}: read-only. {back} goes back.").format(
                status=status_text(self.detail.ticket.status).lower() if self.detail else "",
                back=key_of(self, "loyalty.ticket.back"))))
            return
        keys = {name: key_of(self, f"loyalty.ticket.{name}")
                for name in ("add_line", "edit_line", "remove_line", "save", "apply",
                             "cancel_ticket")}
        text = _("{add_line} add · {edit_line} change · {remove_line} remove · {save} save · "
                 "{apply} apply").format(**keys)
        if self.detail is not None:
            text += " · " + _("{cancel_ticket} cancel ticket").format(**keys)
        hint.update(Content(text))

    def show_message(self, message: str) -> None:
        label = self.query_one("#ticket-error", Label)
        label.update(Content(f"▲ {message}") if message else "")
        label.display = bool(message)

    def clear_errors(self) -> None:
        for field in self.query(Field):
            field.clear_error()
        self.show_message("")

    def show_error(self, error: SalonError) -> None:
        """A refusal at its field: the note or tags under them; a line's under the lines,
        that line selected; anything else under the lines too."""
        name = error.field or ""
        for field in self.query(Field):
            if name in field.keys:
                field.show_error(error.message)
                field.control.focus()
                return
        message = error.message
        if name.startswith("line") and "." in name:
            index_text = name[4:].split(".", 1)[0]
            if index_text.isdigit() and int(index_text) < len(self.lines):
                index = int(index_text)
                self.query_one(DeskTable).move_cursor(row=index)
                message = _("Line {n}: {message}").format(n=index + 1, message=message)
                self.query_one(DeskTable).focus()
        self.show_message(message)

    def errors(self) -> dict[str, str]:
        """Messages now shown, by field ('' for the ticket's own line): for tests."""
        shown = {f.key: f.error_text[2:] for f in self.query(Field) if f.error_text}
        label = self.query_one("#ticket-error", Label)
        if label.display:
            shown[""] = str(label.content)[2:]
        return shown

    # -- editing ------------------------------------------------------------------------
    def check_action(self, action: str, parameters) -> bool | None:
        if action in EDITING and not self.editable:
            return False
        return not (action == "cancel_ticket" and self.detail is None)

    def changed(self) -> None:
        if not self.dirty:
            self.dirty = True
            self.show_head()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id in ("ticket-note", "ticket-tags"):
            self.changed()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "ticket-note":
            self.query_one("#ticket-tags", DeskInput).focus()
        else:
            self.query_one(DeskTable).focus()

    def on_desk_input_too_long(self, event: DeskInput.TooLong) -> None:
        event.stop()

    def action_add_line(self) -> None:
        if not self.loaded:
            return
        taken = frozenset(line.customer_id for line in self.lines)
        self.app.push_screen(TicketLineDialog(self.tiers, taken=taken), callback=self.added)

    def added(self, line: TicketLine | None) -> None:
        if line is None:
            return
        self.lines.append(line)
        self.changed()
        self.clear_errors()
        self.show_lines(select=len(self.lines) - 1)
        self.query_one(DeskTable).focus()

    def on_desk_table_row_selected(self, event: DeskTable.RowSelected) -> None:
        event.stop()
        if self.editable:
            self.action_edit_line()

    def action_edit_line(self) -> None:
        index = self.selected_index()
        if index is None:
            self.app.notify(_("Choose a line to change."), timeout=4)
            return
        self.app.push_screen(TicketLineDialog(self.tiers, self.lines[index]),
                             callback=lambda line: self.edited(index, line))

    def edited(self, index: int, line: TicketLine | None) -> None:
        if line is None or index >= len(self.lines):
            return
        self.lines[index] = line
        self.changed()
        self.clear_errors()
        self.show_lines(select=index)

    def action_remove_line(self) -> None:
        index = self.selected_index()
        if index is None:
            self.app.notify(_("Choose a line to remove."), timeout=4)
            return
        del self.lines[index]
        self.changed()
        self.clear_errors()
        self.show_lines(select=index)

    # -- saving, applying, cancelling -----------------------------------------------------
    def entered(self) -> tuple[str, str, list[TicketLineIn]]:
        from salontui.store.loyalty.tickets import TicketLineIn

        return (self.query_one("#ticket-note", DeskInput).value,
                self.query_one("#ticket-tags", DeskInput).value,
                [TicketLineIn(customer_id=x.customer_id, points=x.points, tier_id=x.tier_id,
                              note=x.note) for x in self.lines])

    def save_job(self):
        """The store call that saves what is on the screen (a new ticket or a change)."""
        note, tags, lines = self.entered()
        staff_id, ticket_id = self.desk.staff_id, self.ticket_id

        def save(session: Session) -> TicketDetail:
            from salontui.store.loyalty.tickets import create_ticket, update_ticket

            if ticket_id is None:
                return create_ticket(session, staff_id=staff_id,
                                     note=note, tags=tags, lines=lines)
            return update_ticket(session, staff_id=staff_id,
                                 ticket_id=ticket_id, note=note, tags=tags, lines=lines)

        return save

    def refused_paste(self) -> bool:
        """Whether a paste too long for the note or the tags was refused and not typed
        over since: nothing is saved without what was meant to be there."""
        return refuse_pasted(self)

    def action_save(self) -> None:
        if not self.editable or not self.loaded:
            return
        self.clear_errors()
        if self.refused_paste():
            return
        self.ask(self.save_job(), self.saved, write=True, failed=self.show_error)

    def saved(self, detail: TicketDetail) -> None:
        self.use(detail)
        self.show_all()
        self.desk.notify(_("Saved as a draft: {code}, waiting to be applied.").format(
            code=detail.ticket.code), timeout=4)

    def action_apply(self) -> None:
        if not self.editable or not self.loaded:
            return
        self.clear_errors()
        if self.refused_paste():
            return
        # Whoever may not apply alone is asked for a manager's approval once confirmed
        # (StoreCalls, at the write).
        self.confirm_apply(True)

    def apply_refused(self, error: SalonError) -> None:
        self.show_error(error)
        self.desk.notify(error.message, severity="error", timeout=6)

    def confirm_apply(self, _may: bool) -> None:
        code = self.detail.ticket.code if self.detail is not None else _("this new ticket")
        n = len(self.lines)
        question = ngettext(
            "Apply {code} ({n} line)? Points change first, then tiers. It cannot be undone.",
            "Apply {code} ({n} lines)? Points change first, then tiers. It cannot be undone.",
            n).format(code=code, n=n)
        if self.dirty or self.detail is None:
            question += " " + _("What is on the screen is saved first.")
        self.app.push_screen(ConfirmDialog(question, title=_("Apply the ticket"),
                                           confirm_label=_("Apply ticket"), cancel_label=_("Back")),
                             callback=self.apply_confirmed)

    def apply_confirmed(self, yes: bool | None) -> None:
        if not yes:
            return
        save = self.save_job() if self.dirty or self.ticket_id is None else None
        staff_id, ticket_id = self.desk.staff_id, self.ticket_id

        def apply(session: Session, approved_by: int | None = None) -> TicketDetail:
            from salontui.store.loyalty.tickets import apply_ticket

            target = save(session).ticket.id if save is not None else ticket_id
            return apply_ticket(session, staff_id=staff_id, ticket_id=target,
                                approved_by=approved_by)

        self.ask(apply, self.applied, write=True, failed=self.apply_refused)

    def applied(self, detail: TicketDetail) -> None:
        self.use(detail)
        self.show_all()
        self.desk.notify(ngettext("Applied {code}: {n} customer changed.",
                                  "Applied {code}: {n} customers changed.",
                                  len(detail.lines)).format(code=detail.ticket.code,
                                                            n=len(detail.lines)), timeout=5)

    def action_cancel_ticket(self) -> None:
        if self.detail is None or not self.editable:
            return
        code = self.detail.ticket.code
        self.app.push_screen(ConfirmDialog(
            _("Cancel {code}? It stays in the list, cancelled; nothing on it is applied.")
            .format(code=code), title=_("Cancel the ticket"), confirm_label=_("Cancel ticket"),
            cancel_label=_("Keep it")), callback=self.cancel_confirmed)

    def cancel_confirmed(self, yes: bool | None) -> None:
        if not yes or self.ticket_id is None:
            return
        staff_id, ticket_id = self.desk.staff_id, self.ticket_id

        def cancel(session: Session) -> TicketDetail:
            from salontui.store.loyalty.tickets import cancel_ticket

            return cancel_ticket(session, staff_id=staff_id,
                                 ticket_id=ticket_id)

        self.ask(cancel, self.cancelled, write=True, failed=self.apply_refused)

    def cancelled(self, detail: TicketDetail) -> None:
        self.use(detail)
        self.show_all()
        self.desk.notify(_("Cancelled {code}.").format(code=detail.ticket.code), timeout=4)

    def action_back(self) -> None:
        if not self.dirty:
            self.dismiss(None)
            return
        self.app.push_screen(ConfirmDialog(
            _("Leave without saving? The changes to this ticket are lost."),
            title=_("Not saved"), confirm_label=_("Leave"), cancel_label=_("Stay")),
            callback=self.leave_confirmed)

    def leave_confirmed(self, yes: bool | None) -> None:
        if yes:
            self.dismiss(None)

    def palette_commands(self) -> list[PaletteEntry]:
        commands: list[Any] = [Command("loyalty.ticket.back", _("Close the ticket"))]
        if self.editable:
            commands[:0] = [
                Command("loyalty.ticket.add_line", _("Add a line to the ticket"),
                        _("A customer with a change of points and/or a new tier")),
                Command("loyalty.ticket.edit_line", _("Change the line")),
                Command("loyalty.ticket.remove_line", _("Remove the line")),
                Command("loyalty.ticket.save", _("Save the ticket as a draft")),
                Command("loyalty.ticket.apply", _("Apply the ticket"),
                        _("A manager: points, then tiers")),
            ]
            if self.detail is not None:
                commands.insert(-1, Command("loyalty.ticket.cancel_ticket",
                                            _("Cancel the ticket")))
        return binding_commands(self, commands)
