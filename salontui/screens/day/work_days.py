"""WorkDaysDialog: a staff member's working days, from the appointment book (``w``).

The weekly pattern (Monday..Sunday: Left/Right go through the days, Space or the day's
number 1-7 turns one on or off) and the day shown in the book: as the week says, a day
off, or an extra working day, with a note ("Nghỉ phép"). Enter saves both in one go;
the book then shows the staff member's column or not. From the book's "Anyone" column (or
a day nobody works) :class:`ChooseStaffDialog` asks whose days first.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Static

from salontui.i18n import N_, _
from salontui.screens.dialogs.base import FormDialog
from salontui.widgets.inputs import DeskInput, Field, RadioChoice

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.store.day.schedule import StaffColumn

DAY_NAMES = (N_("Mon"), N_("Tue"), N_("Wed"), N_("Thu"), N_("Fri"), N_("Sat"), N_("Sun"))
WEEKDAYS = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"),
            N_("Saturday"), N_("Sunday"))
NOTE_CHARS = 120


class WeekChoice(Widget, can_focus=True):
    """Seven days, each on or off: "[x] Mon [x] Tue [ ] Wed …"; ``value`` is "1111100"."""

    DEFAULT_CSS = """
    WeekChoice { height: 1; width: 1fr; }
    WeekChoice:focus { background: $boost; }
    """

    BINDINGS = [
        Binding("right", "move(1)", _("Next day"), id="day.week.next", show=False),
        Binding("left", "move(-1)", _("Previous day"), id="day.week.previous", show=False),
        Binding("space,x", "flip", _("Works or not"), id="day.week.toggle", show=False),
    ]

    value: reactive[str] = reactive("0000000")
    cursor: reactive[int] = reactive(0)

    class Changed(Message):
        def __init__(self, week: WeekChoice, value: str) -> None:
            super().__init__()
            self.week = week
            self.value = value

        @property
        def control(self) -> WeekChoice:
            return self.week

    def __init__(self, value: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.set_reactive(WeekChoice.value, value if len(value) == 7 else "0000000")

    def render(self) -> Content:
        parts: list[Content | str | tuple[str, str]] = []
        for index, name in enumerate(DAY_NAMES):
            if parts:
                parts.append(" ")
            mark = "x" if self.value[index] == "1" else " "
            text = f"[{mark}]{_(name)}"
            if index == self.cursor and self.has_focus:
                parts.append((text, "reverse"))
            elif self.value[index] == "1":
                parts.append((text, "bold"))
            else:
                parts.append(text)
        return Content.assemble(*parts)

    def action_move(self, step: int) -> None:
        self.cursor = (self.cursor + step) % 7

    def action_flip(self) -> None:
        """The day under the cursor: on if it was off, off if it was on."""
        days = list(self.value)
        days[self.cursor] = "0" if days[self.cursor] == "1" else "1"
        self.value = "".join(days)

    def on_key(self, event) -> None:
        if event.character and event.character in "1234567":
            event.stop()
            self.cursor = int(event.character) - 1
            self.action_flip()

    def watch_value(self, value: str) -> None:
        self.post_message(self.Changed(self, value))

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()


class WorkDaysDialog(FormDialog):
    """Answers True once saved."""

    title_text = _("Working days")
    confirm_label = _("Save")

    def __init__(self, staff: StaffColumn, day: date) -> None:
        super().__init__()
        self.staff = staff
        self.day = day

    def compose_body(self) -> ComposeResult:
        fmt = self.formatter
        day = f"{_(WEEKDAYS[self.day.weekday()])} {fmt.date(self.day)}"
        yield Static(Content(_("{name}: the week, and {day}.").format(
            name=self.staff.name, day=day)), classes="intro")
        yield Field(_("Works on"), WeekChoice(self.staff.work_days, id="week"),
                    key="work_days", hint=_("Left/Right a day, Space on or off"))
        exception = self.staff.exception
        choice = "week" if exception is None else ("on" if exception else "off")
        on_day = _("On {date}").format(date=fmt.date(self.day))
        yield Field(on_day, RadioChoice([("week", _("as the week")), ("off", _("day off")),
                                      ("on", _("working"))], value=choice, id="day-choice"),
                    key="day_choice", aliases=("day", "working"))
        yield Field(_("Note"), DeskInput(value=self.staff.note, id="day-note",
                                         max_length=NOTE_CHARS,
                                         placeholder=_("e.g. leave, training")),
                    key="note")

    def prepare(self):
        week = self.query_one("#week", WeekChoice).value
        choice = self.query_one("#day-choice", RadioChoice).value
        note = self.value("note")
        staff_id, member_id, day = self.staff_id, self.staff.id, self.day
        old_week = self.staff.work_days

        def save(session: Session) -> bool:
            from salontui.store.day.schedule import (
                clear_staff_day,
                set_staff_day,
                set_work_days,
            )

            if week != old_week:
                set_work_days(session, staff_id=staff_id, member_id=member_id,
                              work_days=week)
            if choice == "week":
                clear_staff_day(session, staff_id=staff_id, member_id=member_id, day=day)
            else:
                set_staff_day(session, staff_id=staff_id, member_id=member_id, day=day,
                              working=choice == "on", note=note)
            return True

        return save


class ChooseStaffDialog(ModalScreen):
    """Whose working days to set (from the book's "Anyone" column, or a day nobody works):
    every active staff member, marked off when they do not work the day shown; answers
    the chosen StaffColumn or None."""

    BINDINGS = [Binding("escape", "cancel", _("Cancel"), id="day.work_days.cancel_choice")]

    def __init__(self, staff: list[StaffColumn]) -> None:
        super().__init__()
        self.staff = list(staff)

    def compose(self) -> ComposeResult:
        from textual.containers import Vertical
        from textual.widgets import OptionList
        from textual.widgets.option_list import Option

        from salontui.screens.dialogs.labels import stored_label
        from salontui.store.kinds import STAFF_ROLE_LABELS

        with Vertical(classes="dialog") as box:
            box.border_title = _("Whose working days?")
            options = []
            for member in self.staff:
                role = stored_label(STAFF_ROLE_LABELS, member.role)
                state = "" if member.working else " · " + _("off")
                options.append(Option(Content(f"{member.name} ({role}){state}"),
                                      id=str(member.id)))
            yield OptionList(*options, id="work-staff", compact=True)
            yield Static(_("Up/Down to choose, Enter to open, Esc to cancel"),
                         classes="dialog-hint")

    def on_mount(self) -> None:
        from textual.widgets import OptionList

        choices = self.query_one(OptionList)
        choices.focus()
        if self.staff:
            choices.highlighted = 0

    def on_option_list_option_selected(self, event) -> None:
        event.stop()
        self.dismiss(next(m for m in self.staff if str(m.id) == event.option.id))

    def action_cancel(self) -> None:
        self.dismiss(None)
