"""What the day's screens share: the salon's today, and reading again when the database
changes (here or at another desk) while they can be seen, else once shown again."""

from __future__ import annotations

from datetime import date

from textual.screen import ModalScreen


class LiveDay:
    """A mixin for a screen of the day with a ``load()`` and ``self.desk``."""

    stale = False  # a change came while another screen covered this one

    def today(self) -> date:
        """The salon's calendar date now (its offset, not the machine's)."""
        from salontui.store import clock

        return self.desk.formatter.local(clock.now()).date()  # type: ignore[attr-defined]

    def data_changed(self, _version: int) -> None:
        """Read again if the screen can be seen (only dialogs above it); else when shown."""
        if self.desk.engine is None:  # type: ignore[attr-defined]
            return
        stack = self.app.screen_stack  # type: ignore[attr-defined]
        above = stack[stack.index(self) + 1:] if self in stack else []
        if any(not isinstance(screen, ModalScreen) for screen in above):
            self.stale = True
            return
        self.load()  # type: ignore[attr-defined]

    def reload_if_stale(self) -> bool:
        """Read again what changed while covered; whether it did."""
        if not self.stale:
            return False
        self.stale = False
        self.load()  # type: ignore[attr-defined]
        return True
