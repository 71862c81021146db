"""PermissionsSection: the owner's table of what each role may do, one row per guarded
action (:class:`~salontui.store.kinds.Permission`) and one column per role.

The owner's column is always allowed and never edited (an owner's rights cannot be taken
away at the desk: store/admin/permissions.py). Up and Down move between actions, Left and
Right between the manager's, the receptionist's and the technician's columns; Space or
Enter allows or refuses the cell under the cursor through ``set_permission`` (owner only,
one audit row each). Anyone else sees the table read only, with a line saying so: the
toggle key is off for them, and the store refuses it all the same.

A cell reads ✓ (allowed) or · (not); on the Linux console, whose font has no ✓, "yes"
and "-". The cell under the cursor is in brackets, so it shows without colour.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.binding import Binding

from salontui.i18n import N_, _
from salontui.screens.commands import Command
from salontui.screens.settings.section import SettingsSection
from salontui.store.kinds import PERMISSION_LABELS, Permission, StaffRole
from salontui.widgets.tables import Cell, Col, DeskTable

if TYPE_CHECKING:
    from sqlmodel import Session

# The columns, in order; the owner's first and fixed.
ROLES = (StaffRole.OWNER, StaffRole.MANAGER, StaffRole.RECEPTIONIST, StaffRole.TECHNICIAN)
EDITABLE = ROLES[1:]
# Short headers: four columns and the action's words fit 80 columns.
ROLE_HEADERS = {StaffRole.OWNER: N_("Owner"), StaffRole.MANAGER: N_("Manager"),
                StaffRole.RECEPTIONIST: N_("Recept."), StaffRole.TECHNICIAN: N_("Techn.")}


@dataclass(frozen=True)
class GridRow:
    """One action of the table: what each role may do, and whether the one reading may
    change it (an owner)."""

    id: str  # the permission
    allowed: dict[str, bool]
    editable: bool


def marks() -> tuple[str, str]:
    """(allowed, not allowed) as the terminal can draw them."""
    if os.environ.get("TERM") == "linux":
        return _("yes"), "-"
    return "✓", "·"


def read_grid(staff_id: int | None) -> Callable[[Session], list[GridRow]]:
    def read(session: Session) -> list[GridRow]:
        from salontui.store.admin.permissions import permission_table
        from salontui.store.errors import SalonError
        from salontui.store.staff import require_staff

        try:
            owner = require_staff(session, staff_id).role == StaffRole.OWNER
        except SalonError:  # nobody signed in, or no longer active: read only
            owner = False
        return [GridRow(id=row.permission, allowed=dict(row.allowed), editable=owner)
                for row in permission_table(session)]

    return read


class PermissionsSection(SettingsSection):
    section_id = "permissions"
    title = N_("Permissions")
    short_title = N_("Rights")
    KEYS = (
        Binding("space", "permission_toggle", _("Allow/refuse"),
                id="settings.permissions.toggle",
                tooltip=_("Allow or refuse the action to the role under the cursor")),
        Binding("left", "permission_left", _("Role left"), id="settings.permissions.left",
                show=False),
        Binding("right", "permission_right", _("Role right"),
                id="settings.permissions.right", show=False),
    )

    def __init__(self, number: int) -> None:
        super().__init__(number)
        self.column = 1  # an index of ROLES: the manager's to start with
        self.drawn: tuple[str | None, int] = (None, 0)  # the cursor's cell last drawn

    @property
    def editable(self) -> bool:
        return bool(self.rows) and self.rows[0].editable

    @property
    def role(self) -> StaffRole:
        return ROLES[self.column]

    def columns(self) -> list[Col]:
        return [Col("permission", _("Action"), None, min_width=20),
                *(Col(str(role), _(ROLE_HEADERS[role]), 5) for role in ROLES)]

    def reader(self) -> Callable[[Session], list[GridRow]]:
        return read_grid(self.desk.staff_id)

    def cells(self, row: GridRow) -> list:
        yes, no = marks()
        cursor = min(self.table().cursor_row, len(self.rows) - 1)
        current = self.rows[cursor].id if self.rows else None
        self.drawn = (current, self.column)
        found: list = [_(PERMISSION_LABELS[Permission(row.id)])]
        for index, role in enumerate(ROLES):
            mark = yes if row.allowed.get(role) else no
            if row.id == current and index == self.column:
                found.append(Cell(f"[{mark}]", "bold"))
            else:
                found.append(Cell(f" {mark}", "dim" if role == StaffRole.OWNER else ""))
        return found

    def redraw(self) -> None:
        """The rows drawn again if the cursor's cell moved (a row or a column)."""
        table = self.table()
        if self.rows and self.drawn != (table.current_key, self.column):
            self.drawn = (table.current_key, self.column)
            table.set_rows([(self.row_key(row), self.cells(row)) for row in self.rows])

    def status(self) -> str:
        if not self.rows:
            return ""
        if not self.editable:
            return _("Read only: only an owner changes what each role may do.")
        return _("{role}: Space or Enter allows or refuses · ←/→ another role · the owner "
                 "may do everything").format(role=_(ROLE_HEADERS[self.role]))

    def allows(self, action: str) -> bool:
        if action == "permission_toggle":
            return self.editable and self.selected() is not None
        return bool(self.rows)

    def on_desk_table_row_highlighted(self, event: DeskTable.RowHighlighted) -> None:
        event.stop()
        self.redraw()

    def on_desk_table_row_selected(self, event: DeskTable.RowSelected) -> None:
        """Enter toggles here (there is no form to edit a cell in)."""
        event.stop()
        self.action_permission_toggle()

    def move_column(self, step: int) -> None:
        self.column = max(1, min(len(ROLES) - 1, self.column + step))
        self.redraw()
        self.bar(self.status(), message=False)

    def action_permission_left(self) -> None:
        self.move_column(-1)

    def action_permission_right(self) -> None:
        self.move_column(1)

    def action_permission_toggle(self) -> None:
        row = self.selected()
        if row is None:
            return
        if not self.editable:
            self.bar(self.status(), message=False)
            return
        staff_id, role, permission = self.desk.staff_id, str(self.role), row.id
        allowed = not row.allowed.get(role, False)

        def save(session: Session) -> str:
            from salontui.store.admin.permissions import set_permission

            assert staff_id is not None
            set_permission(session, staff_id=staff_id, role=role, permission=permission,
                           allowed=allowed)
            return permission

        self.settings_screen.ask(save, lambda key: self.load(select=key), write=True,
                                 failed=self.show_error)

    def commands(self) -> list[Command]:
        if not self.editable:
            return []
        return [Command("settings.permissions.toggle",
                        _("Allow or refuse an action to a role"))]
