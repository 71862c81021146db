"""PointsSection: the back office's Points scheme section (being built)."""

from __future__ import annotations

from salontui.i18n import N_, _
from salontui.screens.settings.section import SettingsSection
from salontui.widgets.tables import Col


class PointsSection(SettingsSection):
    section_id = "points"
    title = N_("Points scheme")

    def columns(self):
        return [Col("name", _("Name"))]

    def reader(self):
        return lambda session: []

    def cells(self, row):
        return [row.name]
