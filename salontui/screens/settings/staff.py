"""StaffSection: who works at the salon, their role, whether they are active and whether
their PIN is set; the dialogs that add or edit someone and set a PIN, and ``w`` their
working week (the appointment book's own dialog, screens/day/work_days.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from textual.binding import Binding

from salontui.i18n import N_, _
from salontui.screens.commands import Command
from salontui.screens.dialogs.base import FormDialog
from salontui.screens.settings.section import SettingsSection
from salontui.store.errors import ValidationError
from salontui.store.kinds import STAFF_ROLE_LABELS, StaffRole
from salontui.widgets.inputs import DeskInput, Field, RadioChoice
from salontui.widgets.tables import Cell, Col

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.store.admin.staff_admin import StaffRow

NAME_LENGTH = 120


def role_label(role: str) -> str:
    label = STAFF_ROLE_LABELS.get(role)  # type: ignore[call-overload]
    return _(label) if label else role


def week_text(pattern: str) -> str:
    """A weekly pattern ("1111100", Monday first) in short day names: "Mon–Fri",
    "Mon, Wed–Sat", "every day", or "—" for none (not in the appointment book)."""
    from salontui.screens.day.work_days import DAY_NAMES

    days = [i for i, mark in enumerate(pattern[:7]) if mark == "1"]
    if not days:
        return "—"
    if len(days) == 7:
        return _("every day")
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    parts = []
    for run in runs:
        first, last = _(DAY_NAMES[run[0]]), _(DAY_NAMES[run[-1]])
        if len(run) == 1:
            parts.append(first)
        elif len(run) == 2:
            parts.append(f"{first}, {last}")
        else:
            parts.append(f"{first}–{last}")
    return ", ".join(parts)


class StaffList(list):
    """The rows read, with each active person's week (for the section's last column)."""

    weeks: dict[int, str]


class StaffDialog(FormDialog):
    """Add a staff member (``row`` None) or edit one's name and role."""

    def __init__(self, row: StaffRow | None = None) -> None:
        super().__init__()
        self.row = row
        self.title_text = _("Edit staff member") if row else _("New staff member")

    def compose_body(self):
        row = self.row
        yield Field(_("Name"), DeskInput(row.name if row else "", id="name",
                                         max_length=NAME_LENGTH), key="name", required=True)
        yield Field(_("Role"), RadioChoice([(r.value, role_label(r)) for r in StaffRole],
                                           value=row.role if row else StaffRole.RECEPTIONIST,
                                           id="role"), key="role")

    def prepare(self) -> Callable[[Session], Any]:
        name, role = self.value("name"), self.value("role")
        staff_id, row = self.staff_id, self.row

        def save(session: Session, approved_by: int | None = None) -> Any:
            from salontui.store.admin.staff_admin import add_staff, update_staff

            assert staff_id is not None
            if row is None:
                return add_staff(session, staff_id=staff_id, name=name, role=role,
                                 approved_by=approved_by)
            return update_staff(session, staff_id=staff_id, target_id=row.id, name=name,
                                role=role, approved_by=approved_by)

        return save


class PinDialog(FormDialog):
    """Set a staff member's PIN: typed twice, masked; one's own also takes the current
    one (once one is set)."""

    def __init__(self, row: StaffRow, *, own: bool) -> None:
        super().__init__()
        self.row = row
        self.own = own and row.has_pin
        self.title_text = _("PIN of {name}").format(name=row.name)

    def compose_body(self):
        if self.own:
            yield Field(_("Current PIN"), DeskInput(id="current-pin", password=True,
                                                    max_length=8), key="current_pin")
        yield Field(_("New PIN"), DeskInput(id="pin", password=True, max_length=8),
                    key="pin", required=True, hint=_("4 to 8 digits"))
        yield Field(_("Again"), DeskInput(id="again", password=True, max_length=8),
                    key="again", required=True)

    def prepare(self) -> Callable[[Session], Any]:
        from salontui.store.admin.pins import check_pin_format

        pin = check_pin_format(self.value("pin"))
        if self.value("again") != pin:
            raise ValidationError(_("The two PINs differ: type the same one twice."),
                                  field="again")
        current = self.value("current_pin") if self.own else None
        staff_id, target_id = self.staff_id, self.row.id

        def save(session: Session) -> Any:
            from salontui.store.admin.pins import set_pin

            assert staff_id is not None
            set_pin(session, staff_id=staff_id, target_id=target_id, pin=pin,
                    current_pin=current)
            return target_id

        return save


class StaffSection(SettingsSection):
    section_id = "staff"
    title = N_("Staff")
    add_name = N_("Add staff member")
    edit_name = N_("Edit staff member")
    toggle_name = N_("Deactivate or bring back staff member")
    empty_text = N_("No staff yet: {key} adds someone")
    KEYS = (Binding("p", "set_pin", _("PIN"), id="settings.staff.pin",
                    tooltip=_("Set the staff member's PIN")),
            Binding("w", "work_days", _("Work days"), id="settings.staff.work_days",
                    tooltip=_("The staff member's working week, as the appointment book "
                              "shows it")))

    def __init__(self, number: int) -> None:
        super().__init__(number)
        self.weeks: dict[int, str] = {}  # staff id → their week ("1111100"), the active

    def columns(self) -> list[Col]:
        return [Col("name", _("Name")), Col("role", _("Role"), 13),
                Col("pin", _("PIN"), 10), Col("state", _("State"), 9),
                Col("works", _("Works"), 9, prose=True)]

    def reader(self) -> Callable[[Session], list[StaffRow]]:
        def read(session: Session) -> list[StaffRow]:
            from salontui.store import clock
            from salontui.store.admin.staff_admin import list_staff_admin
            from salontui.store.day.schedule import staff_on

            rows = StaffList(list_staff_admin(session))
            rows.weeks = {c.id: c.work_days for c in staff_on(session, clock.today())}
            return rows

        return read

    def show_rows(self, rows: Sequence[StaffRow], select: str | None = None) -> None:
        self.weeks = getattr(rows, "weeks", {})
        super().show_rows(rows, select)

    def cells(self, row: StaffRow) -> list:
        week = self.weeks.get(row.id)
        return [row.name, role_label(row.role),
                Cell(_("set"), "") if row.has_pin else Cell(_("no PIN"), "dim"),
                Cell(_("inactive"), "dim") if not row.active else Cell(""),
                week_text(week) if week is not None else ""]

    def add_dialog(self) -> StaffDialog:
        return StaffDialog()

    def edit_dialog(self, row: StaffRow) -> StaffDialog:
        return StaffDialog(row)

    def confirm_toggle(self, row: StaffRow, go: Callable[[], None]) -> None:
        """``x`` asks first: deactivating someone stops them signing in."""
        from salontui.screens.dialogs.confirm import ConfirmDialog

        if row.active:
            question = _("Deactivate {name}? They can no longer sign in nor be chosen; "
                         "what they did stays.").format(name=row.name)
            title, label = _("Deactivate staff member"), _("Deactivate")
        else:
            question = _("Bring {name} back?").format(name=row.name)
            title, label = _("Bring back staff member"), _("Bring back")
        self.desk.push_screen(
            ConfirmDialog(question, title=title, confirm_label=label, cancel_label=_("Cancel")),
            callback=lambda yes: go() if yes else None)

    def toggle_job(self, row: StaffRow) -> Callable[[Session], StaffRow]:
        staff_id, target_id, active = self.desk.staff_id, row.id, not row.active

        def toggle(session: Session, approved_by: int | None = None) -> StaffRow:
            from salontui.store.admin.staff_admin import set_staff_active

            assert staff_id is not None
            return set_staff_active(session, staff_id=staff_id, target_id=target_id,
                                    active=active, approved_by=approved_by)

        return toggle

    def allows(self, action: str) -> bool:
        if action in ("set_pin", "work_days"):
            row = self.selected()
            return row is not None and row.active
        return True

    def action_set_pin(self) -> None:
        row = self.selected()
        if row is None or not row.active:
            return
        self.desk.push_screen(PinDialog(row, own=row.id == self.desk.staff_id),
                              callback=self.pin_set)

    def pin_set(self, value: Any) -> None:
        if value is None:
            return
        self.desk.notify(_("The PIN is set."))
        self.settings_screen.saved(value)

    def action_work_days(self) -> None:
        """The selected person's working week (and today's exception): the appointment
        book's dialog, on the salon's today."""
        row = self.selected()
        if row is None or not row.active:
            return
        member_id, branch_id = row.id, self.desk.branch_id

        def read(session: Session) -> tuple[Any, date]:
            from salontui.store import clock
            from salontui.store.day.schedule import staff_on

            day = clock.today()
            return next((c for c in staff_on(session, day, branch_id) if c.id == member_id),
                        None), day

        self.ask(read, lambda found: self.open_work_days(row, *found), failed=self.show_error,
                 tag="work_days")

    def open_work_days(self, row: StaffRow, column: Any, day: date) -> None:
        from salontui.screens.day.work_days import WorkDaysDialog

        if column is None:  # a member of another branch: not in this desk's book
            self.bar(_("{name} works at another branch: set their days at its desk.").format(
                name=row.name))
            return

        def saved(value: Any) -> None:
            if value is not None:
                self.desk.notify(_("Working days saved: {name}").format(name=row.name),
                                 timeout=3)
                self.load(select=self.row_key(row))

        self.desk.push_screen(WorkDaysDialog(column, day), callback=saved)

    def commands(self) -> list[Command]:
        return [Command("settings.staff.pin", _("Set a staff member's PIN")),
                Command("settings.staff.work_days", _("Set a staff member's working days"),
                        _("The week, and a day off or an extra day"))]
