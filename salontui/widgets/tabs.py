"""DeskTabs: the desk's TabbedContent, which keeps a pane asked for as it opens.

A screen with tabs (Settings, a customer) is often opened and switched in one breath
(F12 then 7, Enter then 3). On a slow PC the number may come before the tabs have
started: their start-up then activates the first pane and undoes it. TabbedContent's
``active`` is empty until that start-up, so a pane asked for before it waits and is
shown after it. And an activation another one has overtaken (``active`` has moved on)
goes no further: the screen hears only the pane shown.
"""

from __future__ import annotations

from textual.widgets import TabbedContent


class DeskTabs(TabbedContent):
    """TabbedContent with :meth:`show`, which keeps a pane asked for before the start-up."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.asked: str | None = None  # a pane asked for before the tabs had started

    def show(self, pane: str) -> None:
        """Show ``pane`` now, or once the tabs have started."""
        if self.active:
            self.active = pane
        else:
            self.asked = pane

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.tabbed_content is not self:
            return
        if self.asked is not None:  # the tabs have started: the pane asked for now
            wanted, self.asked = self.asked, None
            if wanted != event.pane.id:
                event.stop()
                self.active = wanted  # its own activation follows
                return
        if event.pane.id != self.active:  # overtaken: a newer activation follows
            event.stop()
