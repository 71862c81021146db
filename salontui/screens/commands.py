"""The command palette (Ctrl+P): every action of the current screen, by a name that
begins with its verb ("Extend package", "Adjust points", "New customer"…).

A screen lists its commands in ``palette_commands()`` as (name, help, callback);
the app adds its own (switch staff, help). Palette callbacks call the screen's
methods directly, so a command works from any tab (it switches tab first).
"""

from __future__ import annotations

from textual.command import DiscoveryHit, Hit, Hits, Provider


def commands_for(screen) -> list[tuple[str, str, object]]:
    found = list(getattr(screen, "palette_commands", lambda: [])())
    found += list(getattr(screen.app, "desk_commands", lambda: [])())
    return found


class DeskCommands(Provider):
    """The desk's commands for the screen the palette was opened on."""

    async def discover(self) -> Hits:
        for name, help_text, callback in commands_for(self.screen):
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        """Match ignoring case and diacritics ("gia han goi" finds "Gia hạn gói"), as the
        customer search does."""
        from salontui.store.text import fold

        matcher = self.matcher(fold(query))
        for name, help_text, callback in commands_for(self.screen):
            score = matcher.match(fold(name))
            if score > 0:
                yield Hit(score, name, callback, help=help_text)
