"""BookingDialog: book a visit, or move / change a booked one (``appointment_id``).

Opened from an empty slot of the book (its start and staff member filled in), from a
customer (the customer filled in) or on a booked visit (its lines filled in: saving
moves it and/or changes its services). Tab goes, in this order, through

* the customer, unless given: a phone ending or a name; the matches are listed under it
  (Up/Down, Enter picks one); F3 makes a new customer without leaving and books them;
* the date and the time, on the salon's clock ("15", "1500", "15:00" and "15h30" are
  all 15:…);
* the services booked, one line each: its staff member (a letter jumps to the next name
  with a word starting with it, Left/Right go through them; "anyone" is no one named)
  and its minutes (the service's duration unless typed); a line follows the one before
  (a moved visit keeps its lines' own gaps); F8 removes the line;
* a service to add, found as typed by code or any word of its name (Enter adds the one
  highlighted, with the staff member of the line before, or the slot's);
* a note.

The customer's packages in use are shown under the customer, and the visit's end under
the services. Enter on any other field books (or saves). A clash (a staff member booked
twice, outside opening hours, a day off) or a start that has passed is asked about first
(:class:`~salontui.store.day.conflicts.NeedsConfirmation`): Enter books it all the same
(the store records it), Esc goes back to the form. Anything refused is said at its field
and nothing is written.

Keystrokes, "a walk-in books a haircut for 15:00 with a named stylist": from the
customer ``b``, ``1`` ``5``, Tab, ``c`` ``a`` ``t``, Enter, the stylist's letter, Enter:
10; from the stylist's empty 15:00 slot: the slot's key, four digits of the phone,
Enter, ``c`` ``a`` ``t``, Enter, Enter: 11.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from salontui.i18n import _, ngettext
from salontui.keymap import key_of
from salontui.screens.dialogs.base import DialogButtons, FormDialog, parse_count
from salontui.screens.dialogs.customer_form import CustomerFormDialog
from salontui.store import clock
from salontui.store.errors import SalonError, ValidationError
from salontui.widgets.inputs import DeskInput, Field, RadioChoice

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.store.catalog import CatalogRow
    from salontui.store.day.appointments import AppointmentRow
    from salontui.store.day.conflicts import NeedsConfirmation
    from salontui.store.package_reads import PackageRow
    from salontui.store.search import CustomerRow
    from salontui.store.staff import StaffMember

RESULTS = 5  # matches listed under a search field
MINUTES_CHARS = 4
TIME_CHARS = 8
QUERY_CHARS = 60
NOTE_CHARS = 250
SHOWN_PACKAGES = 3
DEFAULT_MINUTES = 30  # a service without a duration (the store's default too)
_CLOCK = re.compile(r"^(\d{1,2})(?:\s*[:hH.]\s*(\d{2})?)?$")


def parse_clock(text: str, *, field: str = "time") -> time:
    """A time of day typed at the desk: "15", "1500", "15:00", "15h", "15h30", "9.30"."""
    from salontui.store.text import quote

    raw = (text or "").strip()
    if not raw:
        raise ValidationError(_("Enter the time (HH:MM)."), field=field)
    hour = minute = -1
    if len(raw) <= TIME_CHARS and raw.isascii():
        if raw.isdigit() and len(raw) in (3, 4):
            hour, minute = int(raw[:-2]), int(raw[-2:])
        elif (found := _CLOCK.match(raw)) is not None:
            hour, minute = int(found[1]), int(found[2] or 0)
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        raise ValidationError(_("'{text}' is not a time of day: use HH:MM, e.g. 15:00.")
                              .format(text=quote(raw)), field=field)
    return time(hour, minute)


def minutes_text(minutes: int) -> str:
    """"45 min", "1 h 30 min"."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return _("{m} min").format(m=rest)
    if not rest:
        return _("{h} h").format(h=hours)
    return _("{h} h {m} min").format(h=hours, m=rest)


@dataclass(frozen=True)
class Chosen:
    """The customer the visit is for."""

    id: int
    code: str
    name: str
    phone: str


@dataclass(frozen=True)
class BookingStart:
    """What the dialog reads when it opens."""

    staff: list[StaffMember]
    customer: Chosen | None = None
    packages: list[PackageRow] = field(default_factory=list)
    appointment: AppointmentRow | None = None


def packages_text(packages: list[PackageRow], fmt) -> str:
    """The customer's packages in use, one line: "Gội đầu 10 buổi: 8 left · …"."""
    used = [p for p in packages if p.status == "in_use"]
    if not used:
        return _("Packages: none in use.")
    parts = []
    for p in used[:SHOWN_PACKAGES]:
        if p.remaining is None:
            parts.append(_("{name}: until {date}").format(name=p.name,
                                                          date=fmt.date(p.expires_on)))
        else:
            parts.append(ngettext("{name}: {n} session left", "{name}: {n} sessions left",
                                  p.remaining).format(name=p.name, n=p.remaining))
    text = _("Packages: {list}").format(list=" · ".join(parts))
    if len(used) > SHOWN_PACKAGES:
        text += " " + _("(+{n} more)").format(n=len(used) - SHOWN_PACKAGES)
    return text


class StaffChoice(RadioChoice):
    """One staff member (or anyone), shown as ``◂ Lan ▸``: a letter picks the first with a
    word of the name starting with it, the given name first ("l" finds Nguyễn Thị Lan
    before Lê Văn Tài), the same letter again the next one; Left/Right go through them
    all."""

    last_letter = ""

    def render(self) -> Content:
        label = dict(self.options).get(self.value, "")
        return Content.assemble(("◂ ", "dim"), (label, "bold"), (" ▸", "dim"))

    def on_click(self, event) -> None:
        event.prevent_default()  # not RadioChoice's: one value shown, a click goes on
        self.action_move(1)

    def on_key(self, event) -> None:
        from salontui.store.text import fold

        char = fold(event.character or "")
        if len(char) != 1 or not char.isalnum():
            return
        event.stop()
        event.prevent_default()  # not RadioChoice's first-letter jump
        given = [v for v, label in self.options if (fold(label).split() or [""])[-1]
                 .startswith(char)]
        other = [v for v, label in self.options
                 if v not in given and any(w.startswith(char) for w in fold(label).split())]
        found = given + other
        if not found:
            self.app.bell()
            return
        again, self.last_letter = self.last_letter == char, char
        if again and self.value in found:  # the same letter again: the next one
            self.value = found[(found.index(self.value) + 1) % len(found)]
        else:
            self.value = found[0]

    def on_blur(self, _event) -> None:
        self.last_letter = ""

    @property
    def staff_id(self) -> int | None:
        return int(self.value) if self.value else None


class ServiceLine(Horizontal):
    """One service of the visit: its name, staff member, minutes and times."""

    def __init__(self, serial: int, *, item_id: int | None, label: str,
                 staff: list[tuple[str, str]], staff_id: int | None, minutes: int,
                 offset: timedelta | None = None) -> None:
        super().__init__(id=f"line-{serial}", classes="service-line")
        self.serial = serial
        self.item_id = item_id
        self.label_text = label
        self.gap = offset  # from the visit's start (a moved visit's own gap); None: follows
        value = str(staff_id) if staff_id else ""
        if value and value not in dict(staff):
            staff = [*staff, (value, f"#{staff_id}")]
        self.choice = StaffChoice(staff, value=value, id=f"staff-{serial}")
        self.minutes = DeskInput(str(minutes), id=f"minutes-{serial}",
                                 max_length=MINUTES_CHARS, classes="line-minutes")
        self.name_label = Label(Content(label), classes="line-name")
        self.times_label = Label("", classes="line-times")

    def compose(self) -> ComposeResult:
        yield self.name_label
        yield self.choice
        yield self.minutes
        yield self.times_label

    def number(self, n: int) -> None:
        self.name_label.update(Content(f"{n} {self.label_text}"))

    def show_times(self, text: str) -> None:
        self.times_label.update(Content(text))


class BookingDialog(FormDialog, inherit_bindings=False):
    """Answers the booked (or changed) AppointmentRow, or None."""

    DEFAULT_CSS = """
    BookingDialog .booking-dialog { width: 76; overflow-y: auto; }
    BookingDialog .results { margin-left: 16; display: none; max-height: 5; }
    BookingDialog .booking-note { padding-left: 16; color: $text-muted; height: auto; }
    BookingDialog #lines { height: auto; max-height: 6; overflow-y: auto; }
    BookingDialog .service-line { height: 1; }
    BookingDialog .line-name { width: 1fr; }
    BookingDialog StaffChoice { width: 20; }
    BookingDialog .line-minutes { width: 5; }
    BookingDialog .line-times { width: 12; padding-left: 1; }
    BookingDialog #field-time DeskInput { width: 8; }
    BookingDialog #field-date DeskInput { width: 12; }
    """

    BINDINGS = [
        Binding("escape", "cancel", _("Close"), id="day.booking.close"),
        Binding("enter", "confirm", _("Book"), id="day.booking.save"),
        Binding("f3", "new_customer", _("New customer"), id="day.booking.new_customer"),
        Binding("f8", "remove_line", _("Remove service"), id="day.booking.remove_line"),
        # The screen's own (not inherited: the form's Enter and Esc are this dialog's).
        Binding("tab", "app.focus_next", _("Next field"), id="day.booking.next_field",
                show=False),
        Binding("shift+tab", "app.focus_previous", _("Previous field"),
                id="day.booking.previous_field", show=False),
        Binding("down", "move(1)", _("Next match or field"), id="day.booking.next",
                show=False),
        Binding("up", "move(-1)", _("Previous match or field"), id="day.booking.previous",
                show=False),
    ]

    def __init__(self, customer_id: int | None = None, starts_at: datetime | None = None,
                 staff_id: int | None = None, appointment_id: int | None = None) -> None:
        super().__init__()
        self.customer_id = customer_id
        self.starts_at = starts_at
        self.slot_staff_id = staff_id
        self.appointment_id = appointment_id
        self.fixed_customer = customer_id is not None or appointment_id is not None
        self.customer: Chosen | None = None
        self.customer_label = ""
        self.customers: list[CustomerRow] = []
        self.services: list[CatalogRow] = []
        self.searched = {"customer": "", "service": ""}  # what the list shown answers
        self.pick_due: set[str] = set()  # Enter came before the matches: pick on arrival
        self.staff_options: list[tuple[str, str]] = [("", _("anyone"))]
        self.serial = 0
        self.loaded = False
        self.confirm_overlap = False
        self.confirm_past = False
        self.title_text = (_("Move or change visit #{id}").format(id=appointment_id)
                           if appointment_id else _("Book a visit"))
        self.confirm_label = _("Save") if appointment_id else _("Book")

    # -- layout ---------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog booking-dialog") as box:
            box.border_title = self.title_text
            yield from self.compose_body()
            yield Static(self.hint_text(), classes="dialog-hint", id="booking-hint")
            yield Label("", id="form-error", classes="form-error")
            with DialogButtons(classes="dialog-buttons"):
                save = f"{self.confirm_label} ({key_of(self, 'day.booking.save')})"
                yield Button(Content(save), id="confirm", compact=True, variant="primary")
                close = key_of(self, "day.booking.close")
                yield Button(Content(_("Close ({key})").format(key=close)), id="cancel",
                             compact=True)

    def compose_body(self) -> ComposeResult:
        fmt = self.formatter
        if self.fixed_customer:
            yield Field(_("Customer"), Static(_("Loading…"), id="customer-fixed"),
                        key="customer")
        else:
            yield Field(_("Customer"), DeskInput(
                id="customer", max_length=QUERY_CHARS,
                placeholder=_("phone ending or name")), key="customer", required=True)
            yield OptionList(id="customer-results", classes="results", compact=True)
        packages = Static("", id="packages", classes="booking-note")
        packages.display = False
        yield packages
        day, clock_text = clock.today(), ""
        if self.starts_at is not None:
            shown = fmt.local(self.starts_at)
            day, clock_text = shown.date(), shown.strftime("%H:%M")
        yield Field(_("Date"), DeskInput(fmt.date(day), id="date", max_length=20,
                                         placeholder=fmt.date_hint()),
                    key="date", required=True)
        yield Field(_("Time"), DeskInput(clock_text, id="time", max_length=TIME_CHARS,
                                         placeholder=_("HH:MM")),
                    key="time", aliases=("starts_at",), required=True)
        lines = Field(_("Services"), Vertical(id="lines"), key="lines",
                      aliases=("staff_member", "minutes"))
        lines.display = False
        yield lines
        yield Field(_("Add service"), DeskInput(
            id="service", max_length=QUERY_CHARS, placeholder=_("code or name")),
            key="service", aliases=("services",), required=not self.appointment_id)
        yield OptionList(id="service-results", classes="results", compact=True)
        yield Static("", id="ends", classes="booking-note")
        yield Field(_("Note"), DeskInput(id="note", max_length=NOTE_CHARS), key="note")

    def hint_text(self) -> str:
        keys = {name: key_of(self, f"day.booking.{name}")
                for name in ("save", "new_customer", "remove_line", "close")}
        parts = [(_("{key} saves") if self.appointment_id else _("{key} books")).format(
            key=keys["save"])]
        if not self.fixed_customer:
            parts.append(_("{key} new customer").format(key=keys["new_customer"]))
        parts.append(_("{key} removes a service").format(key=keys["remove_line"]))
        parts.append(_("{key} closes").format(key=keys["close"]))
        return " · ".join(parts)

    def on_mount(self) -> None:
        for results in self.query(OptionList):
            results.can_focus = False
        customer_id, appointment_id = self.customer_id, self.appointment_id
        branch_id = self.desk.branch_id

        def read(session: Session) -> BookingStart:
            from salontui.store.customers import get_customer
            from salontui.store.day.appointments import get_appointment
            from salontui.store.package_reads import list_packages
            from salontui.store.staff import list_staff

            staff = list_staff(session, branch_id=branch_id)
            appointment = None
            cid = customer_id
            if appointment_id is not None:
                appointment = get_appointment(session, appointment_id=appointment_id)
                cid = appointment.customer_id
            if cid is None:
                return BookingStart(staff=staff)
            record = get_customer(session, customer_id=cid)
            return BookingStart(
                staff=staff, appointment=appointment,
                customer=Chosen(record.id, record.code, record.name, record.phone),
                packages=list_packages(session, customer_id=cid))

        self.ask(read, self.started, failed=self.start_refused)

    def focus_first(self) -> None:  # the form's on_mount asks
        """Where the receptionist types first: the customer when not known, else the
        time when not given, else the service."""
        if not self.fixed_customer:
            self.query_one("#customer", DeskInput).focus()
        elif not self.value("time"):
            self.query_one("#time", DeskInput).focus()
        else:
            self.query_one("#service", DeskInput).focus()

    def started(self, start: BookingStart) -> None:
        self.loaded = True
        technicians = [m for m in start.staff if m.role == "technician"]
        others = [m for m in start.staff if m.role != "technician"]
        self.staff_options = [("", _("anyone"))] + [(str(m.id), m.name)
                                                   for m in technicians + others]
        for line in self.lines():
            current = line.choice.value
            line.choice.options = list(self.staff_options)
            if current and current not in dict(self.staff_options):
                line.choice.options.append((current, f"#{current}"))
            line.choice.refresh()
        if start.customer is not None:
            self.show_customer(start.customer, start.packages)
        row = start.appointment
        if row is not None:
            self.fill_from(row)

    def start_refused(self, error: SalonError) -> None:
        self.loaded = True
        self.show_error(error)

    def fill_from(self, row: AppointmentRow) -> None:
        """A visit to move or change: its start, services, staff, minutes and note."""
        fmt = self.formatter
        shown = fmt.local(row.starts_at)
        self.query_one("#date", DeskInput).value = fmt.date(shown.date())
        self.query_one("#time", DeskInput).value = shown.strftime("%H:%M")
        self.query_one("#note", DeskInput).value = row.note or ""
        services = [line for line in row.lines if line.kind == "service"]
        follows: datetime | None = None
        first = services[0].starts_at if services and services[0].starts_at else row.starts_at
        for index, line in enumerate(services):
            offset = None
            start = line.starts_at
            if index and start is not None and start != follows:
                offset = start - first
            self.add_line(line.item_id, line.label, line.staff_id, line.minutes, offset=offset,
                          focus=False)
            follows = (start or follows or first) + timedelta(minutes=line.minutes)
        self.query_one("#time", DeskInput).focus()

    # -- the customer ---------------------------------------------------------------
    def show_customer(self, chosen: Chosen, packages: list[PackageRow]) -> None:
        self.customer = chosen
        label = f"{chosen.name} · {self.formatter.phone(chosen.phone)} · {chosen.code}"
        self.customer_label = label
        if self.fixed_customer:
            self.query_one("#customer-fixed", Static).update(Content(label))
        else:
            box = self.query_one("#customer", DeskInput)
            box.value = label
            box.cursor_position = len(label)
        self.show_packages(packages)

    def show_packages(self, packages: list[PackageRow] | None) -> None:
        shown = self.query_one("#packages", Static)
        if packages is None:
            shown.display = False
            return
        shown.update(Content(packages_text(packages, self.formatter)))
        shown.display = True

    def pick_customer(self) -> None:
        results = self.query_one("#customer-results", OptionList)
        index = results.highlighted
        if not self.customers or index is None:
            self.field("customer").show_error(
                _("No customer matches: {key} makes a new one.").format(
                    key=key_of(self, "day.booking.new_customer")))
            return
        row = self.customers[min(index, len(self.customers) - 1)]
        self.use_customer(Chosen(row.id, row.code, row.name, row.phone))

    def use_customer(self, chosen: Chosen) -> None:
        """The visit is for ``chosen``: shown in the field, their packages read, and on to
        the next thing to type."""
        self.hide_results("customer")
        self.show_customer(chosen, [])
        self.query_one("#packages", Static).update(_("Packages: …"))
        customer_id = chosen.id

        def read(session: Session) -> list[PackageRow]:
            from salontui.store.package_reads import list_packages

            return list_packages(session, customer_id=customer_id)

        self.ask(read, self.show_packages)
        if not self.value("time"):
            self.query_one("#time", DeskInput).focus()
        elif not self.lines():
            self.query_one("#service", DeskInput).focus()
        else:
            self.lines()[0].choice.focus()

    def action_new_customer(self) -> None:
        if self.fixed_customer or self.busy:
            return
        typed = "" if self.customer is not None else self.value("customer")
        self.app.push_screen(NewCustomerDialog(typed), callback=self.customer_made)

    def customer_made(self, record) -> None:
        if record is None:
            self.query_one("#customer", DeskInput).focus()
            return
        self.use_customer(Chosen(record.id, record.code, record.name, record.phone))

    # -- searching --------------------------------------------------------------------
    def on_input_changed(self, event: Input.Changed) -> None:
        box = event.input.id or ""
        self.confirm_overlap = self.confirm_past = False  # asked again about what is new
        if box == "customer":
            if event.value == self.customer_label and self.customer is not None:
                return
            if self.customer is not None:
                self.customer = None
                self.customer_label = ""
                self.show_packages(None)
            self.search("customer", event.value)
        elif box == "service":
            self.search("service", event.value)
        else:
            self.show_times()

    def on_descendant_focus(self, event) -> None:
        """Matches are listed under their field while it is typed in; elsewhere they go."""
        for kind in ("customer", "service"):
            if event.widget.id != kind and self.query(f"#{kind}-results"):
                self.hide_results(kind)

    def on_radio_choice_changed(self, _event) -> None:
        self.confirm_overlap = False

    def search(self, kind: str, text: str) -> None:
        query = text.strip()
        if not query:
            self.pick_due.discard(kind)
            self.hide_results(kind)
            return
        if kind == "customer":
            def find_customers(session: Session) -> tuple[str, list]:
                from salontui.store.search import search_customers

                return query, search_customers(session, query=query, limit=RESULTS)

            self.ask(find_customers, self.show_customers, failed=self.search_refused,
                     tag="customers")
            return

        def find_services(session: Session) -> tuple[str, list]:
            from salontui.store.catalog import search_catalogue

            return query, search_catalogue(session, query=query, kind="service",
                                           include_inactive=False, limit=RESULTS)

        self.ask(find_services, self.show_services, failed=self.search_refused,
                 tag="services")

    def search_refused(self, error: SalonError) -> None:
        self.show_error(error)

    def show_customers(self, found: tuple[str, list[CustomerRow]]) -> None:
        query, rows = found
        self.customers = rows
        fmt = self.formatter
        self.fill_results("customer", query, [
            f"{r.name} · {fmt.phone(r.phone)} · {r.code}" for r in rows])
        if "customer" in self.pick_due:
            self.pick_due.discard("customer")
            self.pick_customer()

    def show_services(self, found: tuple[str, list[CatalogRow]]) -> None:
        query, rows = found
        self.services = rows
        self.fill_results("service", query, [
            f"{r.code}  {r.name}  {minutes_text(r.duration_minutes or DEFAULT_MINUTES)}"
            for r in rows])
        if "service" in self.pick_due:
            self.pick_due.discard("service")
            self.pick_service()

    def fill_results(self, kind: str, query: str, texts: list[str]) -> None:
        self.searched[kind] = query
        results = self.query_one(f"#{kind}-results", OptionList)
        results.set_options([Option(Content(text)) for text in texts])
        results.display = bool(texts)
        if texts:
            results.highlighted = 0

    def hide_results(self, kind: str) -> None:
        results = self.query_one(f"#{kind}-results", OptionList)
        if results.display:
            results.display = False
        self.searched[kind] = ""

    def results_shown(self) -> str | None:
        """The search field focused whose matches are listed ("customer"/"service")."""
        focused = self.focused
        kind = focused.id if focused is not None else None
        if kind in ("customer", "service") and self.query_one(
                f"#{kind}-results", OptionList).display:
            return kind
        return None

    def answered(self, kind: str) -> bool:
        """The list shown answers what is typed now."""
        return self.searched[kind] == self.value(kind) and not self.is_pending(f"{kind}s")

    def action_move(self, step: int) -> None:
        kind = self.results_shown()
        if kind is None:
            if step > 0:
                self.focus_next()
            else:
                self.focus_previous()
            return
        results = self.query_one(f"#{kind}-results", OptionList)
        count = results.option_count
        if count:
            results.highlighted = ((results.highlighted or 0) + step) % count

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option_list.id == "customer-results":
            self.pick_customer()
        else:
            self.pick_service()

    # -- the services -----------------------------------------------------------------
    def lines(self) -> list[ServiceLine]:
        return list(self.query(ServiceLine))

    def pick_service(self) -> None:
        results = self.query_one("#service-results", OptionList)
        index = results.highlighted
        if not self.services or index is None:
            from salontui.store.text import quote

            self.field("service").show_error(
                _("No service matches '{text}'.").format(text=quote(self.value("service"))))
            return
        row = self.services[min(index, len(self.services) - 1)]
        lines = self.lines()
        staff_id = lines[-1].choice.staff_id if lines else self.slot_staff_id
        self.add_line(row.id, row.name, staff_id, row.duration_minutes or DEFAULT_MINUTES)
        self.query_one("#service", DeskInput).value = ""
        self.hide_results("service")

    def add_line(self, item_id: int | None, label: str, staff_id: int | None, minutes: int,
                 *, offset: timedelta | None = None, focus: bool = True) -> None:
        self.serial += 1
        line = ServiceLine(self.serial, item_id=item_id, label=label,
                           staff=list(self.staff_options), staff_id=staff_id,
                           minutes=minutes, offset=offset)
        shown = self.field("lines")
        shown.display = True
        shown.clear_error()
        self.field("service").clear_error()
        mounting = self.query_one("#lines", Vertical).mount(line)

        async def placed() -> None:
            await mounting
            self.number_lines()
            if focus:
                line.choice.focus()

        self.call_later(placed)

    def number_lines(self) -> None:
        for n, line in enumerate(self.lines(), 1):
            line.number(n)
        self.show_times()

    def focused_line(self) -> ServiceLine | None:
        node = self.focused
        while node is not None and not isinstance(node, ServiceLine):
            node = node.parent  # type: ignore[assignment]
        return node

    def check_action(self, action: str, parameters) -> bool | None:
        if action == "new_customer":
            return not self.fixed_customer
        if action == "remove_line":
            return self.focused_line() is not None
        return True

    def action_remove_line(self) -> None:
        line = self.focused_line()
        if line is None or self.busy:
            return
        lines = self.lines()
        index = lines.index(line)
        if index == 0 and len(lines) > 1:
            lines[1].gap = None  # the next one starts the visit now
        line.remove()
        self.confirm_overlap = False
        if len(lines) > 1:  # the focus stays in the lines: the next one, else the one before
            lines[index + 1 if index + 1 < len(lines) else index - 1].choice.focus()
        else:
            self.field("lines").display = False
            self.query_one("#service", DeskInput).focus()
        self.call_after_refresh(self.number_lines)

    # -- times ------------------------------------------------------------------------
    def typed_start(self) -> datetime | None:
        """The start as typed (the salon's clock), or None while it cannot be read."""
        try:
            day = self.formatter.parse_date(self.value("date"), field="date")
            at = parse_clock(self.value("time"))
        except SalonError:
            return None
        return datetime.combine(day, at) if day else None

    def show_times(self) -> None:
        start = self.typed_start()
        lines = [line for line in self.lines() if line.is_attached]
        ends = self.query_one("#ends", Static)
        if not lines:
            ends.update("")
            return
        total = 0
        end: datetime | None = None
        follows = start
        for line in lines:
            try:
                minutes = int(line.minutes.value.strip())
            except ValueError:
                minutes = 0
            total += max(minutes, 0)
            if start is None or follows is None:
                line.show_times("")
                continue
            begins = start + line.gap if line.gap is not None else follows
            follows = begins + timedelta(minutes=max(minutes, 0))
            end = follows if end is None else max(end, follows)
            line.show_times(f"{begins:%H:%M}–{follows:%H:%M}")
        if end is None or start is None:
            ends.update(Content(_("{total} in all · enter the time to see the end").format(
                total=minutes_text(total))))
            return
        ends.update(Content(_("{start}–{end} · {total} in all").format(
            start=f"{start:%H:%M}", end=f"{end:%H:%M}", total=minutes_text(total))))

    # -- keys -------------------------------------------------------------------------
    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        event.prevent_default()  # not the form's: Enter in a search field picks
        box = event.input.id
        if box == "customer" and self.customer is None and self.value("customer"):
            self.enter_on_search("customer")
            return
        if box == "service" and self.value("service"):
            self.enter_on_search("service")
            return
        self.action_confirm()

    def enter_on_search(self, kind: str) -> None:
        """Enter in a search field picks the match highlighted; typed faster than the
        matches came, the first match of what is typed is picked when they come."""
        if not self.answered(kind):
            self.pick_due.add(kind)
            if not self.is_pending(f"{kind}s"):  # the list went with the focus: again
                self.search(kind, self.value(kind))
            return
        if kind == "customer":
            self.pick_customer()
        else:
            self.pick_service()

    def action_cancel(self) -> None:
        kind = self.results_shown()
        if kind is not None:
            self.hide_results(kind)
            return
        super().action_cancel()

    # -- saving -----------------------------------------------------------------------
    def prepare(self) -> Callable[[Session], AppointmentRow] | None:
        from salontui.store.day.book import MAX_MINUTES, MIN_MINUTES, LineIn

        if not self.loaded:
            return None
        chosen = self.customer
        if chosen is None:
            raise ValidationError(_("Choose the customer: type a phone ending or a name and "
                                    "pick them, or {key} for a new one.").format(
                key=key_of(self, "day.booking.new_customer")), field="customer")
        day = self.formatter.parse_date(self.value("date"), field="date")
        at = parse_clock(self.value("time"))
        if self.value("service"):
            raise ValidationError(_("Pick the service from the list with Enter, or clear "
                                    "the field."), field="service")
        lines = self.lines()
        if not lines:
            raise ValidationError(_("Choose at least one service."), field="service")
        planned: list[tuple[int, int | None, timedelta | None, int]] = []
        for n, line in enumerate(lines, 1):
            if line.item_id is None:
                raise ValidationError(_("Service {n} ({name}) is not in the catalogue: "
                                        "remove it ({key}) and add one that is.").format(
                    n=n, name=line.label_text, key=key_of(self, "day.booking.remove_line")),
                    field="lines")
            try:
                minutes = parse_count(line.minutes.value, field="lines",
                                      label=_("Minutes"), allow_zero=False)
            except SalonError as error:
                line.minutes.focus()
                raise ValidationError(_("Service {n}: {problem}").format(
                    n=n, problem=error.message), field="lines") from None
            if not MIN_MINUTES <= minutes <= MAX_MINUTES:
                line.minutes.focus()
                raise ValidationError(_("Service {n}: a service lasts {low} to {high} "
                                        "minutes.").format(n=n, low=MIN_MINUTES,
                                                           high=MAX_MINUTES), field="lines")
            planned.append((line.item_id, line.choice.staff_id,
                            line.gap if n > 1 else None, minutes))
        assert day is not None
        local_start = datetime.combine(day, at)
        note = self.value("note")
        staff_id, customer_id = self.staff_id, chosen.id
        appointment_id, branch_id = self.appointment_id, self.desk.branch_id
        confirm, confirm_past = self.confirm_overlap, self.confirm_past

        def save(session: Session) -> AppointmentRow:
            from salontui.store.day.book import book_appointment, change_appointment
            from salontui.store.day.times import salon_offset, utc

            start = utc(local_start, salon_offset(session))
            lines_in = [LineIn(item_id=item_id, staff_id=staff,
                               starts_at=start if index == 0 else (
                                   start + offset if offset is not None else None),
                               minutes=minutes)
                        for index, (item_id, staff, offset, minutes) in enumerate(planned)]
            if appointment_id is not None:
                return change_appointment(session, staff_id=staff_id,
                                          appointment_id=appointment_id, lines=lines_in,
                                          note=note, confirm=confirm,
                                          confirm_past=confirm_past)
            return book_appointment(session, staff_id=staff_id, customer_id=customer_id,
                                    lines=lines_in, note=note, branch_id=branch_id,
                                    confirm=confirm, confirm_past=confirm_past)

        return save

    def save_refused(self, error: SalonError) -> None:
        from salontui.store.day.conflicts import NeedsConfirmation

        if isinstance(error, NeedsConfirmation):
            self.busy = False
            self.ask_to_confirm(error)
            return
        super().save_refused(error)

    def ask_to_confirm(self, error: NeedsConfirmation) -> None:
        """Say what clashes and ask: Enter (or y) books it all the same, Esc goes back."""
        from salontui.screens.dialogs.confirm import ConfirmDialog

        said = [f"• {c.text}" for c in error.conflicts] or [f"• {error.message}"]
        past = any(c.kind == "past" for c in error.conflicts)
        question = "\n".join([*said, "", _("Book it all the same? It is written in the "
                                           "visit's history.") if not past else
                              _("Book it all the same?")])

        def answer(yes: bool | None) -> None:
            if not yes:
                self.query_one("#time", DeskInput).focus()
                return
            if past:
                self.confirm_past = True
            if not past or any(c.kind != "past" for c in error.conflicts):
                self.confirm_overlap = True
            self.action_confirm()

        self.app.push_screen(ConfirmDialog(question, title=_("Book anyway?"),
                                           confirm_label=_("Book anyway"),
                                           cancel_label=_("Back to the form")),
                             callback=answer)


class NewCustomerDialog(CustomerFormDialog):
    """The customer form for a new customer, with what was typed in the booking's customer
    field put in as their phone (mostly digits) or their name."""

    def __init__(self, typed: str = "") -> None:
        super().__init__()
        self.typed = typed.strip()

    def on_mount(self) -> None:  # the form's own on_mount runs too (Textual calls both)
        text = self.typed
        if not text:
            return
        phone = sum(ch.isdigit() for ch in text) * 2 > len(text)
        box = self.query_one("#phone" if phone else "#name", DeskInput)
        box.value = text
        box.cursor_position = len(text)
        if not phone:  # the name is there: the phone is what is left to type
            self.call_after_refresh(self.query_one("#phone", DeskInput).focus)
