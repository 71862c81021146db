"""The back office: the Settings screen and its sections."""

from salontui.screens.settings.screen import SettingsScreen

__all__ = ["SettingsScreen"]
