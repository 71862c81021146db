"""RecordVisitDialog: the technician records what was done on a checked-in visit (双重稽核).

Signed in as themselves (F2), from any desk, the technician adds to the visit a service
done, a session redeemed from one of the customer's packages in use that covers the
service, or a product with its quantity; a line recorded by mistake comes off again. The
lines show who did each and who recorded it; the cashier then opens the visit at the
checkout, checks it and collects (:mod:`salontui.store.day.visit` keeps the rules).

Keys: the kind with Left/Right (or its first letter) on the kind row; type a name or a
code in the item field, Up/Down choose among the matches, Enter adds (a session: from
the package highlighted under it, Tab to choose another); a product's quantity in its
own field. Tab reaches the lines: Delete removes the selected one. Escape closes (the
dialog answers the visit as it now is, or None if nothing changed). Bad input is said
at its field and nothing is written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from salontui.i18n import _
from salontui.keymap import key_of
from salontui.screens.dialogs.base import FormDialog, parse_count
from salontui.store.errors import ValidationError
from salontui.widgets.inputs import DeskInput, Field, RadioChoice
from salontui.widgets.tables import Col, DeskTable

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.store.catalog import CatalogRow
    from salontui.store.day.appointments import AppointmentRow
    from salontui.store.day.visit import CoveringPackage, VisitSheet

MATCHES = 8
QUERY_CHARS = 60


def kind_words(kind: str) -> str:
    return {"service": _("service"), "redeem": _("session"),
            "product": _("product")}.get(kind, kind)


class RecordVisitDialog(FormDialog):
    """Record services, sessions and products on a checked-in visit. Answers the visit
    (an AppointmentRow) if anything was recorded or removed, else None."""

    DEFAULT_CSS = """
    RecordVisitDialog .dialog { width: 78; }
    RecordVisitDialog #record-lines { height: auto; max-height: 7; margin-bottom: 1; }
    RecordVisitDialog #record-matches { max-height: 4; margin-left: 16; }
    RecordVisitDialog #field-package OptionList { max-height: 3; }
    RecordVisitDialog #field-quantity DeskInput { width: 8; }
    """

    BINDINGS = [
        Binding("down", "move(1)", _("Next match"), id="day.record.next", show=False),
        Binding("up", "move(-1)", _("Previous match"), id="day.record.previous", show=False),
        Binding("delete", "remove_line", _("Remove line"), id="day.record.remove_line",
                tooltip=_("Take the selected line off the visit")),
    ]

    title_text = _("Record the visit")
    confirm_label = _("Add")

    def __init__(self, appointment_id: int) -> None:
        super().__init__()
        self.appointment_id = appointment_id
        self.sheet: VisitSheet | None = None
        self.matches: list[CatalogRow] = []
        self.covering: list[CoveringPackage] = []
        self.changed: AppointmentRow | None = None
        self.searched = ""

    # -- layout ---------------------------------------------------------------------
    def compose_body(self) -> ComposeResult:
        yield Static(Content(_("Loading…")), id="record-intro", classes="intro")
        yield DeskTable([
            Col("item", _("Line"), None, min_width=14),
            Col("kind", _("Kind"), 7),
            Col("staff", _("Staff"), 10, grow=1, max_width=18, prose=True),
            Col("quantity", _("Qty"), 3, justify="right"),
            Col("recorded", _("Recorded by"), 11, grow=1, max_width=18, prose=True),
        ], id="record-lines")
        yield Field(_("Kind"), RadioChoice([("service", _("Service")),
                                            ("redeem", _("Redeem session")),
                                            ("product", _("Product"))], id="kind"),
                    key="kind")
        yield Field(_("Item"), DeskInput(id="item", max_length=QUERY_CHARS,
                                         placeholder=_("name or code")),
                    key="item", aliases=("staff_member",), required=True)
        yield OptionList(id="record-matches", compact=True)
        package = Field(_("Package"), OptionList(id="packages", compact=True), key="package")
        package.display = False
        yield package
        quantity = Field(_("Quantity"), DeskInput("1", id="quantity", max_length=6),
                         key="quantity")
        quantity.display = False
        yield quantity
        yield Static(Content(self.hint_text()), classes="dialog-hint")

    def hint_text(self) -> str:
        return _("{add} adds · Tab to the lines, {remove} removes one · Esc closes").format(
            add=key_of(self, "dialog.confirm"), remove=key_of(self, "day.record.remove_line"))

    def on_mount(self) -> None:
        matches = self.query_one("#record-matches", OptionList)
        matches.can_focus = False
        matches.display = False
        self.load()

    def focus_first(self) -> None:
        """The item field: a service is the usual line (the kind is one Shift+Tab away)."""
        self.query_one("#item", DeskInput).focus()

    # -- reading --------------------------------------------------------------------
    def load(self) -> None:
        appointment_id = self.appointment_id

        def read(session: Session) -> VisitSheet:
            from salontui.store.day.visit import visit_sheet

            return visit_sheet(session, appointment_id=appointment_id)

        self.ask(read, self.show_sheet)

    def show_sheet(self, sheet: VisitSheet) -> None:
        self.sheet = sheet
        visit = sheet.appointment
        fmt = self.formatter
        from salontui.store.day.appointments import status_words

        head = " · ".join([sheet.customer_name, fmt.local(visit.starts_at).strftime("%H:%M"),
                           status_words(visit.status)])
        signed_in = self.desk.staff_name or _("nobody (F2 signs in)")
        if sheet.collected_by:
            who = _("Collected by {name}.").format(name=sheet.collected_by)
        else:
            who = _("The cashier checks the lines and collects.")
        intro = _("Recording as {name}. {who}").format(name=signed_in, who=who)
        self.query_one("#record-intro", Static).update(Content(f"{head}\n{intro}"))
        table = self.query_one("#record-lines", DeskTable)
        table.set_rows(
            (line.id, [line.label, kind_words(line.kind), line.staff_name or "",
                       str(line.quantity) if line.kind == "product" else "",
                       line.recorded_by_name or _("booked")])
            for line in visit.lines)
        table.styles.height = 1 + max(1, min(len(visit.lines), 6))
        self.show_packages()

    def on_input_changed(self, event: DeskInput.Changed) -> None:
        if event.input.id == "item":
            self.search()

    def on_radio_choice_changed(self, event: RadioChoice.Changed) -> None:
        kind = event.value
        self.field("package").display = kind == "redeem"
        self.field("quantity").display = kind == "product"
        self.search()

    def kind(self) -> str:
        return self.query_one("#kind", RadioChoice).value

    def search(self) -> None:
        query = self.value("item")
        kind = "product" if self.kind() == "product" else "service"
        if not query:
            self.show_matches((query, []))
            return

        def find(session: Session) -> tuple[str, list[CatalogRow]]:
            from salontui.store.catalog import search_catalogue

            return query, search_catalogue(session, query=query, kind=kind,
                                           include_inactive=False, limit=MATCHES)

        self.ask(find, self.show_matches)

    def show_matches(self, found: tuple[str, list[CatalogRow]]) -> None:
        query, rows = found
        self.searched = query
        self.matches = rows
        matches = self.query_one("#record-matches", OptionList)
        matches.set_options([Option(Content(f"{r.code}  {r.name}")) for r in rows])
        matches.display = bool(rows)
        if rows:
            matches.highlighted = 0
        self.show_packages()

    def chosen_item(self) -> CatalogRow | None:
        index = self.query_one("#record-matches", OptionList).highlighted
        if not self.matches or index is None:
            return None
        return self.matches[min(index, len(self.matches) - 1)]

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option_list.id == "record-matches":
            self.show_packages()

    def show_packages(self) -> None:
        """The customer's packages that cover the service chosen (a session's)."""
        item = self.chosen_item()
        sheet = self.sheet
        packages = [] if sheet is None else list(sheet.packages)
        self.covering = [p for p in packages if item is not None and p.covers(item.id)] \
            if item is not None else packages
        fmt = self.formatter
        options = []
        for covering in self.covering:
            p = covering.package
            left = (_("{n} left").format(n=p.remaining) if p.remaining is not None
                    else _("unlimited"))
            options.append(Option(Content(_("{name} · {left} · until {date}").format(
                name=p.name, left=left, date=fmt.date(p.expires_on)))))
        listed = self.query_one("#packages", OptionList)
        listed.set_options(options)
        if options:
            listed.highlighted = 0

    def action_move(self, step: int) -> None:
        matches = self.query_one("#record-matches", OptionList)
        focused = self.focused
        if focused is None or focused.id != "item" or not matches.option_count:
            if step > 0:
                self.focus_next()
            else:
                self.focus_previous()
            return
        matches.highlighted = ((matches.highlighted or 0) + step) % matches.option_count

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_confirm()

    # -- writing --------------------------------------------------------------------
    def prepare(self):
        kind = self.kind()
        staff_id = self.desk.staff_id
        if staff_id is None:
            raise ValidationError(_("Sign in as yourself first ({key}).").format(
                key=key_of(self.app, "app.switch_staff")))
        typed = self.value("item")
        item = self.chosen_item()
        if not typed:
            raise ValidationError(_("Type a name or a code, then choose it in the list."),
                                  field="item")
        if item is None or self.searched != typed or self.is_pending("show_matches"):
            from salontui.store.text import quote

            if self.searched == typed and not self.is_pending("show_matches"):
                raise ValidationError(_("Nothing of the catalogue matches '{text}'.").format(
                    text=quote(typed)), field="item")
            raise ValidationError(_("Still looking for '{text}': press Enter again.").format(
                text=quote(typed)), field="item")
        package_id = None
        if kind == "redeem":
            index = self.query_one("#packages", OptionList).highlighted
            if not self.covering or index is None:
                raise ValidationError(_("No package of this customer's covers {service}.")
                                      .format(service=item.name), field="package")
            package_id = self.covering[min(index, len(self.covering) - 1)].package.id
        quantity = 1
        if kind == "product":
            quantity = parse_count(self.value("quantity"), field="quantity",
                                   label=_("Quantity"), allow_zero=False)
        appointment_id, item_id = self.appointment_id, item.id

        def save(session: Session) -> AppointmentRow:
            from salontui.store.day.visit import record_line

            return record_line(session, staff_id=staff_id, appointment_id=appointment_id,
                               kind=kind, item_id=item_id, package_id=package_id,
                               quantity=quantity)

        return save

    def saved(self, value: AppointmentRow) -> None:
        """Recorded: the dialog stays open for the next line."""
        self.busy = False
        self.changed = value
        self.app.notify(_("Recorded: {line}").format(line=value.lines[-1].label
                                                     if value.lines else ""), timeout=3)
        box = self.query_one("#item", DeskInput)
        box.value = ""
        self.query_one("#quantity", DeskInput).value = "1"
        box.focus()
        self.load()

    def action_remove_line(self) -> None:
        table = self.query_one("#record-lines", DeskTable)
        key = table.current_key
        if self.focused is not table or key is None or self.busy:
            self.show_error(_("Tab to the lines and choose the one to take off."))
            return
        staff_id, line_id = self.desk.staff_id, int(key)
        self.clear_errors()
        self.busy = True

        def remove(session: Session) -> AppointmentRow:
            from salontui.store.day.visit import remove_line

            return remove_line(session, staff_id=staff_id,
                               line_id=line_id)

        self.ask(remove, self.removed, write=True, failed=self.save_refused,
                 crashed=self.save_crashed)

    def removed(self, value: AppointmentRow) -> None:
        self.busy = False
        self.changed = value
        self.load()

    def action_cancel(self) -> None:
        if not self.busy:
            self.dismiss(self.changed)

