"""DeskFooter: Textual's Footer, rebuilt only when the keys it shows really change.

The stock footer rebuilds its key widgets on every bindings refresh (focus
moves, tab switches, cursor moves…), several times per action; on a slow PC
that is most of the time it takes to open a customer. This one compares what
it would show (key, description, enabled) with what it shows, and rebuilds
once, after the refresh, only if they differ.
"""

from __future__ import annotations

from textual.widgets import Footer


class DeskFooter(Footer):
    """A footer that skips rebuilds that would change nothing."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("compact", True)
        # No "^p palette" at the right: at 80 columns it pushed real keys off the line.
        # F1 lists every key of the screen, Ctrl+P included; the search status says so.
        kwargs.setdefault("show_command_palette", False)
        super().__init__(**kwargs)
        self._shown: tuple | None = None
        self._pending = False

    def _wanted(self) -> tuple:
        return tuple(
            (key, binding.description, enabled)
            for key, (_ns, binding, enabled, _tip) in self.screen.active_bindings.items()
            if binding.show
        )

    def bindings_changed(self, screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if not self._pending:
            self._pending = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._pending = False
        if not self.is_attached:
            return
        wanted = self._wanted()
        if wanted != self._shown:
            self._shown = wanted
            await self.recompose()
