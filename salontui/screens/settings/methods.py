"""MethodsSection: the back office's Payment methods section (being built)."""

from __future__ import annotations

from salontui.i18n import N_, _
from salontui.screens.settings.section import SettingsSection
from salontui.widgets.tables import Col


class MethodsSection(SettingsSection):
    section_id = "methods"
    title = N_("Payment methods")

    def columns(self):
        return [Col("name", _("Name"))]

    def reader(self):
        return lambda session: []

    def cells(self, row):
        return [row.name]
