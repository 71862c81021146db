"""The command palette (Ctrl+P): every action of the current screen, by a name that
begins with its verb ("Extend package", "Adjust points", "New customer"…).

A screen lists its commands in ``palette_commands()`` as (name, help, callback), made
with :func:`binding_commands` from its bindings where one does what the entry does (the
key shown in the help is read from the binding, after the user's keymap);
the app adds its own (switch staff, help). Palette callbacks call the screen's
methods directly, so a command works from any tab (it switches tab first).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

# One entry of the palette: (name, help, what it runs).
PaletteEntry = tuple[str, str, Callable[[], object]]


@dataclass(frozen=True)
class Command:
    """A palette entry made from a binding of the screen: its name (beginning with its
    verb) and what it does; the keys it shows and the action it runs are the binding's
    (after the user's keymap), or ``action``, another action of the screen, when the
    palette means a variant of the key (F4 toggles; "Show deleted customers" shows), or
    ``run``, when the entry does more than the key (shows its tab first). ``also`` names
    other bindings of the same action (F11 and Alt+H hold) whose keys are shown too."""

    binding_id: str
    name: str
    help: str = ""
    action: str | None = None
    also: tuple[str, ...] = ()  # more bindings of the same action, their keys shown too
    run: Callable[[], object] | None = None  # what the entry does, when not the action


def binding_commands(node, commands: Sequence[Command]) -> list[PaletteEntry]:
    """(name, help with the binding's current keys, callback) of each of ``commands``."""
    from textual.actions import parse

    from salontui.keymap import keys_of
    from salontui.screens.guarded import approval_note

    actions = {binding.id: binding.action
               for bindings in node._bindings.key_to_bindings.values() for binding in bindings}
    entries: list[PaletteEntry] = []
    for command in commands:
        keys = ", ".join(key for binding_id in (command.binding_id, *command.also)
                         for key in keys_of(node, binding_id))
        help_text = f"{command.help} ({keys})" if command.help and keys else command.help or keys
        help_text += approval_note(node.app, command.binding_id)  # a role without the right
        if command.run is not None:
            entries.append((command.name, help_text, command.run))
            continue
        _namespace, name, params = parse(command.action or actions[command.binding_id])
        method = getattr(node, f"action_{name}")
        entries.append((command.name, help_text, partial(method, *params)))
    return entries


def commands_for(screen) -> list[PaletteEntry]:
    found = list(getattr(screen, "palette_commands", lambda: [])())
    found += list(getattr(screen.app, "desk_commands", lambda: [])())
    return found


class DeskCommands(Provider):
    """The desk's commands for the screen the palette was opened on."""

    async def discover(self) -> Hits:
        for name, help_text, callback in commands_for(self.screen):
            yield DiscoveryHit(shown(name, help_text), callback, text=name, help=help_text)

    async def search(self, query: str) -> Hits:
        """Match ignoring case and diacritics ("gia han goi" finds "Gia hạn gói"), as the
        customer search does."""
        from salontui.store.text import fold

        matcher = self.matcher(fold(query))
        for name, help_text, callback in commands_for(self.screen):
            score = matcher.match(fold(name))
            if score > 0:
                yield Hit(score, shown(name, help_text), callback, text=name, help=help_text)


def shown(name: str, help_text: str) -> Content:
    """An entry's name as the palette shows it: greyed when the signed-in role may not do
    it alone (its help says a manager approves); still there, since one may."""
    from salontui.screens.guarded import needs_approval

    return Content.styled(name, "dim") if needs_approval(help_text) else Content(name)
