"""GroupsSection: the salon's customer groups (VIP, staff family, corporate…) and the
points multiplier of each; the dialog that adds or edits one."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from salontui.i18n import N_, _
from salontui.screens.dialogs.base import FormDialog, parse_count
from salontui.screens.settings.section import SettingsSection
from salontui.widgets.inputs import DeskInput, Field
from salontui.widgets.tables import Cell, Col

if TYPE_CHECKING:
    from sqlmodel import Session

    from salontui.store.admin.groups import GroupRow


def active_cell(active: bool) -> Cell:
    """A row's state: "retired" (dim) or nothing for the usual case."""
    return Cell(_("retired"), "dim") if not active else Cell("")


class GroupDialog(FormDialog):
    """Add a group (``group`` None) or edit one; answers the GroupRow saved."""

    def __init__(self, group: GroupRow | None = None) -> None:
        super().__init__()
        self.group = group
        self.title_text = _("Edit customer group") if group else _("New customer group")

    def compose_body(self):
        group = self.group
        yield Field(_("Group"), DeskInput(group.name if group else "", id="name", max_length=60),
                    key="name", required=True)
        yield Field(_("Points ×%"), DeskInput(str(group.points_percent) if group else "100",
                                              id="points-percent", max_length=5),
                    key="points_percent",
                    hint=_("100 earns as everyone, 150 one and a half times, 0 none"))

    def prepare(self) -> Callable[[Session], GroupRow]:
        name = self.value("name")
        percent = parse_count(self.value("points_percent"), field="points_percent",
                              label=_("The points multiplier"))
        staff_id, group = self.staff_id, self.group

        def save(session: Session, approved_by: int | None = None) -> GroupRow:
            from salontui.store.admin.groups import create_group, update_group

            assert staff_id is not None
            if group is None:
                return create_group(session, staff_id=staff_id, name=name,
                                    points_percent=percent, approved_by=approved_by)
            return update_group(session, staff_id=staff_id, group_id=group.id, name=name,
                                points_percent=percent, approved_by=approved_by)

        return save


class GroupsSection(SettingsSection):
    section_id = "groups"
    title = N_("Customer groups")
    short_title = N_("Groups")
    add_name = N_("Add customer group")
    edit_name = N_("Edit customer group")
    toggle_name = N_("Retire or restore customer group")
    empty_text = N_("No customer groups yet: {key} adds one (VIP, staff family, corporate…)")

    def columns(self) -> list[Col]:
        return [Col("name", _("Group")), Col("percent", _("Points ×%"), 9, justify="right"),
                Col("members", _("Customers"), 9, justify="right"),
                Col("state", _("State"), 8)]

    def reader(self) -> Callable[[Session], list[GroupRow]]:
        def read(session: Session) -> list[GroupRow]:
            from salontui.store.admin.groups import list_groups

            return list_groups(session)

        return read

    def cells(self, row: GroupRow) -> list:
        from salontui.widgets import fmt as cached

        return [row.name, f"{row.points_percent} %", cached.points(self.desk.formatter,
                                                                    row.members),
                active_cell(row.active)]

    def add_dialog(self) -> GroupDialog:
        return GroupDialog()

    def edit_dialog(self, row: GroupRow) -> GroupDialog:
        return GroupDialog(row)

    def toggle_job(self, row: GroupRow) -> Callable[[Session], GroupRow]:
        staff_id, group_id, active = self.desk.staff_id, row.id, not row.active

        def toggle(session: Session, approved_by: int | None = None) -> GroupRow:
            from salontui.store.admin.groups import set_group_active

            assert staff_id is not None
            return set_group_active(session, staff_id=staff_id, group_id=group_id,
                                    active=active, approved_by=approved_by)

        return toggle
