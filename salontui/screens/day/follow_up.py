"""FollowUpDialog: the follow-up of a paid visit (未预约 → 预约), saved once.

What was done, what the customer said and what they like (the service record, several
lines), what to look at next time (next focus), when to get in touch (the next reminder,
a date the salon's way: DD/MM/YYYY or YYYY-MM-DD, or "+28" days / "+4w" weeks from
today; a date like 31/02 is answered at the field) and the next step: *visit* (the next
appointment is booked now: :class:`~salontui.screens.day.booking.BookingDialog` opens
for the customer as soon as the follow-up is saved, on the reminder date at this
visit's time with its staff member when a date was given) or *callback* (on the
reminder list on that date, which it then needs). Saved by
:func:`salontui.store.day.follow_up.save_follow_up`; refusals at their field, nothing
written.

Keystrokes, "checked-in visit → paid with a redeemed session → next visit booked in four
weeks, same time and stylist": Enter on the Today board's visit, Enter (redeem), F10,
Enter (receipt), Alt+V, ``+`` ``2`` ``8``, Enter (saved; the booking opens), ``c`` ``a``
``t``, Enter (the service, with the visit's stylist), Enter (booked): 14.

Keys: Tab between fields; Alt+V next step visit, Alt+C callback (either goes to the
date field if it is empty), from any field; Ctrl+S saves from anywhere (Enter saves from
every field but the service record, where it starts a new line); Esc skips (allowed: the
visit stays on the day's not-followed-up list). Answers "visit", "callback", "saved" (no next step)
or None (skipped).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Button, Label, Static, TextArea

from salontui.i18n import _
from salontui.keymap import key_of
from salontui.screens.dialogs.base import DialogButtons, FormDialog
from salontui.store.errors import ValidationError
from salontui.widgets.inputs import DeskInput, Field, RadioChoice, too_long

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.store.day.appointments import AppointmentRow

NOTES_CHARS = 1000  # store.day.follow_up.MAX_SERVICE_NOTES
FOCUS_CHARS = 250  # store.day.follow_up.MAX_NEXT_FOCUS
DATE_CHARS = 20  # store.bounds.MAX_DATE_TEXT
_AHEAD = re.compile(r"^\+\s*(\d{1,3})\s*([dDwW]?)$")


def parse_reminder(formatter, text: str) -> date | None:
    """The reminder date as typed: "+28" (days) or "+4w" (weeks) from the salon's today,
    else a date the salon's way (None: empty)."""
    from salontui.store import clock

    found = _AHEAD.match((text or "").strip())
    if found:
        days = int(found.group(1)) * (7 if found.group(2).lower() == "w" else 1)
        return clock.today() + timedelta(days=days)
    return formatter.parse_date(text, field="next_reminder_on", required=False)


class NotesArea(TextArea):
    """The service record: several lines, a steady cursor (no blink timer)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(soft_wrap=True, show_line_numbers=False, tab_behavior="focus",
                         compact=True, **kwargs)
        self.cursor_blink = False


class FollowUpDialog(FormDialog):
    """Answers "visit" / "callback" / "saved", or None when skipped."""

    DEFAULT_CSS = """
    FollowUpDialog #visit-line { color: $text-muted; margin-bottom: 1; }
    FollowUpDialog NotesArea { width: 1fr; height: 4; }
    FollowUpDialog #field-next_reminder_on DeskInput { width: 12; }
    """

    BINDINGS = [
        Binding("ctrl+s", "confirm", _("Save"), id="day.follow_up.save", priority=True),
        Binding("alt+v", "step('visit')", _("Next step: book the next visit"),
                id="day.follow_up.visit", priority=True),
        Binding("alt+c", "step('callback')", _("Next step: call back"),
                id="day.follow_up.callback", priority=True),
    ]

    def __init__(self, appointment_id: int) -> None:
        super().__init__()
        self.appointment_id = appointment_id
        self.title_text = _("Follow-up of the visit")
        self.confirm_label = _("Save")
        self.step = ""  # what was saved
        self.day: date | None = None  # the reminder date saved
        self.visit: AppointmentRow | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as box:
            box.border_title = self.title_text
            yield from self.compose_body()
            yield Label("", id="form-error", classes="form-error")
            yield Static(_("{save} save · {visit} next visit · {callback} call back · "
                           "{skip} skip").format(
                save=key_of(self, "day.follow_up.save"),
                visit=key_of(self, "day.follow_up.visit"),
                callback=key_of(self, "day.follow_up.callback"),
                skip=key_of(self, "dialog.cancel")), classes="dialog-hint")
            with DialogButtons(classes="dialog-buttons"):
                yield Button(Content(f"{self.confirm_label} "
                                     f"({key_of(self, 'day.follow_up.save')})"),
                             id="confirm", compact=True, variant="primary")
                yield Button(Content(_("Skip ({key})").format(
                    key=key_of(self, "dialog.cancel"))), id="cancel", compact=True)

    def compose_body(self) -> ComposeResult:
        yield Static(_("Loading the visit…"), id="visit-line")
        yield Field(_("Service record"), NotesArea(id="service_notes"), key="service_notes",
                    hint=_("What was done, what the customer said, what they like"))
        yield Field(_("Next focus"), DeskInput(id="next_focus", max_length=FOCUS_CHARS),
                    key="next_focus")
        yield Field(_("Next reminder"), DeskInput(
            id="next_reminder_on", max_length=DATE_CHARS,
            placeholder=self.formatter.date_hint()), key="next_reminder_on",
            hint=_("or +28 (days), +4w (weeks) from today"))
        yield Field(_("Next step"), RadioChoice([
            ("", _("Nothing yet")), ("visit", _("Visit (book now)")),
            ("callback", _("Callback"))], id="next_step"), key="next_step")

    def on_mount(self) -> None:
        super().on_mount()
        appointment_id = self.appointment_id

        def read(session: Session) -> tuple[AppointmentRow, str]:
            from salontui.store.customers import load_customer
            from salontui.store.day.appointments import get_appointment

            row = get_appointment(session, appointment_id=appointment_id)
            return row, load_customer(session, row.customer_id).name

        self.ask(read, self.visit_loaded, failed=self.show_error)

    def visit_loaded(self, loaded: tuple[AppointmentRow, str]) -> None:
        row, name = loaded
        self.visit = row
        fmt = self.formatter
        parts = [name, fmt.datetime(row.starts_at), row.services]
        if row.staff_name:
            parts[-1] += f" ({row.staff_name})"
        if row.invoice_code:
            parts.append(row.invoice_code)
        self.query_one("#visit-line", Static).update(Content(" · ".join(
            part for part in parts if part)))
        if row.followed_up:
            self.show_error(_("This visit's follow-up is already saved."))

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        self.field("service_notes").clear_error()

    def action_step(self, step: str) -> None:
        choice = self.query_one("#next_step", RadioChoice)
        choice.value = step
        if not self.value("next_reminder_on"):
            self.query_one("#next_reminder_on", DeskInput).focus()

    def prepare(self):
        notes = self.query_one("#service_notes", NotesArea).text
        if len(notes.strip()) > NOTES_CHARS:
            raise ValidationError(too_long(NOTES_CHARS), field="service_notes")
        day = parse_reminder(self.formatter, self.value("next_reminder_on"))
        step = self.query_one("#next_step", RadioChoice).value
        focus = self.value("next_focus")
        staff_id, appointment_id = self.staff_id, self.appointment_id
        self.step, self.day = step, day

        def save(session: Session) -> AppointmentRow:
            from salontui.store.day.follow_up import save_follow_up

            return save_follow_up(session, staff_id=staff_id, appointment_id=appointment_id,
                                  service_notes=notes, next_focus=focus,
                                  next_reminder_on=day, next_step=step)

        return save

    def saved(self, value: AppointmentRow) -> None:
        """Saved: with next step "visit" the booking opens for the customer (this dialog
        answers once it closes); otherwise the dialog answers at once."""
        self.busy = False
        desk = self.desk
        if hasattr(desk, "data_version"):
            desk.data_version += 1
        if self.step != "visit":
            self.dismiss("callback" if self.step == "callback" else "saved")
            return
        try:
            from salontui.screens.day.booking import BookingDialog
        except ImportError:  # a desk without the book: the follow-up is saved all the same
            self.app.notify(_("Follow-up saved; book the next visit from the book."),
                            timeout=5)
            self.dismiss("visit")
            return
        self.app.notify(_("Follow-up saved. Book the next visit."), timeout=3)
        def booked(_row: AppointmentRow | None) -> None:
            self.dismiss("visit")  # not returned: a callback's awaitable is awaited

        self.app.push_screen(BookingDialog(customer_id=value.customer_id,
                                           **self.next_visit(value)), callback=booked)

    def next_visit(self, row: AppointmentRow) -> dict:
        """Where the booking starts: on the reminder date at this visit's time (UTC), with
        the staff member of its first service."""
        staff_id = next((line.staff_id for line in row.lines
                         if line.kind in ("service", "redeem") and line.staff_id), None)
        start = None
        if self.day is not None:
            fmt = self.formatter
            at = datetime.combine(self.day, fmt.local(row.starts_at).time())
            start = at - timedelta(minutes=fmt.utc_offset_minutes)
        return {"starts_at": start, "staff_id": staff_id}

    def action_cancel(self) -> None:
        if self.busy:
            return
        self.app.notify(_("Follow-up skipped: the visit stays on the list to follow up."),
                        timeout=4)
        self.dismiss(None)
