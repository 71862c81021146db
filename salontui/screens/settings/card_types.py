"""CardTypesSection: the back office's Card types section (being built)."""

from __future__ import annotations

from salontui.i18n import N_, _
from salontui.screens.settings.section import SettingsSection
from salontui.widgets.tables import Col


class CardTypesSection(SettingsSection):
    section_id = "card-types"
    title = N_("Card types")

    def columns(self):
        return [Col("name", _("Name"))]

    def reader(self):
        return lambda session: []

    def cells(self, row):
        return [row.name]
