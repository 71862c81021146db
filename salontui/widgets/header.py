"""The desk's header: Textual's Header, with an icon the Linux console can draw.

The stock icon (⭘) is in no console font: on TERM=linux it shows as a box.
"""

from __future__ import annotations

import os

from textual.widgets import Header

CONSOLE_ICON = "*"


def desk_header() -> Header:
    """A Header for a screen of the desk."""
    if os.environ.get("TERM") == "linux":
        return Header(icon=CONSOLE_ICON)
    return Header()
