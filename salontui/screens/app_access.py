"""The desk's app, typed, for screens and dialogs.

Textual types ``self.app`` as ``App[Any]``: reading ``self.app.formatter`` or
``self.app.engine`` from a screen is a guess a type checker cannot follow.
``desk_app(node)`` (or ``self.desk`` in a :class:`DeskApp` subclass, which every
``StoreCalls`` screen and dialog is) is the same object typed as
:class:`~salontui.app.SalonApp`, so its ``engine``, ``staff_id``, ``formatter``
and ``settings`` are checked. ``SalonApp`` is imported for type checking only:
no import cycle (the app imports screens) and nothing more loaded at start-up.
Widgets import no screens (see pyproject's import contracts) and keep reading
``self.app``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from salontui.app import SalonApp


def desk_app(node: DOMNode) -> SalonApp:
    """The running :class:`SalonApp` of ``node`` (a screen or a widget on one)."""
    return cast("SalonApp", node.app)


class DeskApp:
    """Mixin for a Screen or a Widget: ``self.desk`` is ``self.app`` typed as SalonApp."""

    @property
    def desk(self) -> SalonApp:
        return desk_app(cast("DOMNode", self))
