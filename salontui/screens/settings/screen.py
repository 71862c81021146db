"""SettingsScreen: the back office, one section per tab (F12 on the search screen).

Keys common to every section: ``a`` adds, ``e`` (or Enter on a row) edits, ``x`` retires a
row or brings it back, ``/`` goes to the filter of a section that has one, and the
numbers show a section. A key the section shown does not have is off (and left out of
the footer). A section's own keys are gathered here, as the customer detail gathers its
tabs' keys. Another desk's change reloads the section shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Input, TabbedContent

from salontui.i18n import _
from salontui.screens.base import StoreCalls
from salontui.screens.commands import Command, binding_commands
from salontui.screens.settings.card_types import CardTypesSection
from salontui.screens.settings.care_catalogue import CareCatalogueSection
from salontui.screens.settings.catalogue import CatalogueSection
from salontui.screens.settings.commission import CommissionSection
from salontui.screens.settings.groups import GroupsSection
from salontui.screens.settings.methods import MethodsSection
from salontui.screens.settings.permissions import PermissionsSection
from salontui.screens.settings.points import PointsSection
from salontui.screens.settings.programmes import ProgrammesSection
from salontui.screens.settings.salon import SalonSection
from salontui.screens.settings.section import SECTION_KEYS, SettingsSection
from salontui.screens.settings.staff import StaffSection
from salontui.screens.settings.tiers import TiersSection
from salontui.widgets.footer import DeskFooter
from salontui.widgets.header import desk_header
from salontui.widgets.tables import DeskTable
from salontui.widgets.tabs import DeskTabs

if TYPE_CHECKING:
    from salontui.screens.commands import PaletteEntry

SECTIONS: tuple[type[SettingsSection], ...] = (
    CatalogueSection, MethodsSection, CardTypesSection, ProgrammesSection, PointsSection,
    GroupsSection, SalonSection, CareCatalogueSection, TiersSection, StaffSection,
    PermissionsSection, CommissionSection,
)
COMMON = ("add", "edit", "retire", "filter")


def settings_bindings(sections: Sequence[type[SettingsSection]]) -> list[BindingType]:
    own: list[Binding] = []
    for section in sections:
        for binding in section.KEYS:
            if not any((b.key, b.action) == (binding.key, binding.action) for b in own):
                own.append(binding)
    return [
        Binding("escape", "back", _("Back"), id="settings.back", show=False),
        Binding("a", "add", _("Add"), id="settings.add"),
        Binding("e", "edit", _("Edit"), id="settings.edit"),
        Binding("x", "retire", _("Retire/restore"), id="settings.toggle",
                tooltip=_("Retire the row, or bring it back")),
        Binding("slash", "filter", _("Filter"), id="settings.filter"),
        *own,
        # The tenth section is on 0, the eleventh on - (the keys after 9 on the number row).
        *(Binding(SECTION_KEYS[number - 1], f"section('{section.section_id}')",
                  _("Section: {name}").format(name=_(section.title)),
                  id=f"settings.section.{section.section_id}", show=False)
          for number, section in enumerate(sections, start=1)),
    ]


def section_action(name: str):
    """``action_<name>`` of the screen for a section's own key: run by the section shown."""
    def action(self: SettingsScreen) -> None:
        section = self.current
        if name in section.actions():
            getattr(section, f"action_{name}")()

    action.__name__ = f"action_{name}"
    return action


class SettingsScreen(StoreCalls, Screen):
    """The salon's settings; Escape goes back to where it was opened."""

    help_title = _("Settings")
    SECTIONS: ClassVar[tuple[type[SettingsSection], ...]] = SECTIONS
    BINDINGS = settings_bindings(SECTIONS)

    def __init__(self, first: str | None = None) -> None:
        super().__init__()
        self.sections = [section(number) for number, section
                         in enumerate(self.SECTIONS, start=1)]
        self.by_id = {section.section_id: section for section in self.sections}
        self.active = first if first in self.by_id else self.sections[0].section_id
        self.stale: set[str] = set()

    @property
    def current(self) -> SettingsSection:
        return self.by_id[self.active]

    def compose(self) -> ComposeResult:
        yield desk_header()
        with DeskTabs(initial=self.active, id="sections"):
            yield from self.sections
        yield DeskFooter(show_command_palette=False)

    def on_mount(self) -> None:
        self.title = _("Settings")
        self.watch(self.app, "data_version", self.data_changed, init=False)
        self.current.load()  # the list takes the focus once the tabs have started

    def on_resize(self, event) -> None:
        narrow = event.size.width < 90
        tabs = self.query_one(TabbedContent)
        for section in self.sections:
            label = section.label(narrow)
            tab = tabs.get_tab(section.section_id)
            if str(tab.label) != label:
                tab.label = label

    def focus_list(self) -> None:
        """The list of the section the tabs show takes the focus, at once: a focus made
        later (as ``Widget.focus`` does) on a section no longer shown would show it
        again."""
        shown = self.by_id.get(self.query_one(TabbedContent).active, self.current)
        self.set_focus(shown.table())

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        event.stop()
        pane = event.pane.id
        if pane is None or pane not in self.by_id:
            return
        self.active = pane
        section = self.current
        if not section.loaded or pane in self.stale:
            self.stale.discard(pane)
            section.load()
        self.call_after_refresh(self.focus_list)
        self.refresh_bindings()

    def data_changed(self, _version: int) -> None:
        """Another desk (or this one) wrote: the section shown reads again, the others
        when next shown."""
        self.stale = {s.section_id for s in self.sections if s.loaded} - {self.active}
        if self.current.loaded:
            self.current.load()

    # -- keys ---------------------------------------------------------------------------
    def typing(self) -> bool:
        return isinstance(self.focused, Input)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        section = self.current if self.is_mounted else None
        if section is None:
            return True
        if action == "add":
            return section.can_add() or False
        if action == "edit":
            return section.can_edit() or False
        if action == "retire":
            return section.can_toggle() or False
        if action == "filter":
            return section.filterable or False
        if action in {a for s in self.SECTIONS for a in s.actions()}:
            if action not in section.actions():
                return False
            allows = getattr(section, "allows", None)
            return allows(action) if allows is not None else True
        return True

    def action_back(self) -> None:
        if self.typing() and self.current.filterable:
            field = self.query_one(f"#{self.active}-filter", Input)
            if field.value:
                field.value = ""
                return
            self.focus_list()
            return
        self.dismiss()

    def action_section(self, section_id: str) -> None:
        self.query_one(DeskTabs).show(section_id)  # kept if pressed as Settings opens

    def action_filter(self) -> None:
        if self.current.filterable:
            self.query_one(f"#{self.active}-filter", Input).focus()

    def action_add(self) -> None:
        dialog = self.current.add_dialog()
        if dialog is not None:
            self.app.push_screen(dialog, callback=self.saved)

    def action_edit(self) -> None:
        row = self.current.selected()
        if row is None:
            self.current.bar(_("Nothing to edit here: add one first."))
            return
        dialog = self.current.edit_dialog(row)
        if dialog is not None:
            self.app.push_screen(dialog, callback=self.saved)

    def action_retire(self) -> None:
        section = self.current
        row = section.selected()
        job = section.toggle_job(row) if row is not None else None
        if job is None:
            return
        confirm = getattr(section, "confirm_toggle", None)  # a section that asks first
        if confirm is not None:
            confirm(row, lambda: self.ask(job, self.saved, write=True,
                                          failed=section.show_error))
            return
        self.ask(job, self.saved, write=True, failed=section.show_error)

    def saved(self, value: Any) -> None:
        """A dialog or ``x`` wrote: the section reads again, the cursor on the row."""
        if value is None:
            return
        section = self.current
        key = section.row_key(value) if hasattr(value, "id") else None
        section.load(select=key)
        self.focus_list()

    def on_desk_table_row_selected(self, event: DeskTable.RowSelected) -> None:
        event.stop()
        if self.check_action("edit", ()):
            self.action_edit()

    def palette_commands(self) -> list[PaletteEntry]:
        section = self.current
        commands: list[Command] = []
        if section.can_add() and section.add_name:
            commands.append(Command("settings.add", _(section.add_name)))
        if section.can_edit() and section.edit_name:
            commands.append(Command("settings.edit", _(section.edit_name)))
        if section.can_toggle() and section.toggle_name:
            commands.append(Command("settings.toggle", _(section.toggle_name)))
        if section.filterable:
            commands.append(Command("settings.filter", _("Filter the list")))
        commands += section.commands()
        commands += [Command(f"settings.section.{s.section_id}",
                             _("Settings: {name}").format(name=_(s.title)))
                     for s in self.sections if s is not section]
        return binding_commands(self, tuple(commands))


for _section in SECTIONS:
    for _name in sorted(_section.actions()):
        if _name not in COMMON and not hasattr(SettingsScreen, f"action_{_name}"):
            setattr(SettingsScreen, f"action_{_name}", section_action(_name))
