"""The receptionist's own keys: ``keymap.toml`` in the config folder rebinds any key of
the desk by its id, through Textual's keymap (:meth:`App.set_keymap`).

The file maps a binding id (every ``Binding`` of the desk has one, e.g.
``search.new_customer`` or ``checkout.confirm``) to a key, or several separated by
commas::

    "search.new_customer" = "ctrl+n"
    "checkout.confirm" = "f10,ctrl+s"

The file is ``keymap.toml`` in the platform's config folder (platformdirs), or the file
that ``SALONTUI_KEYMAP`` names. A missing file is no keymap. A file that cannot be read,
an unknown id or a key that is no key is reported in one line when the desk opens; the
good entries are applied all the same and the desk opens.
"""

from __future__ import annotations

import os
from pathlib import Path

from salontui.config import APP_NAME

KEYMAP_ENV = "SALONTUI_KEYMAP"
KEYMAP_FILE = "keymap.toml"
MODIFIERS = {"ctrl", "alt", "shift", "super", "meta", "hyper"}


def keymap_path() -> Path:
    """Where the desk reads the user's keys from."""
    named = os.environ.get(KEYMAP_ENV)
    if named:
        return Path(named).expanduser()
    from platformdirs import user_config_path

    return user_config_path(APP_NAME, appauthor=False) / KEYMAP_FILE


def flatten(table: dict, prefix: str = "") -> dict[str, object]:
    """TOML reads ``search.new_customer = "…"`` (no quotes) as nested tables: join them."""
    found: dict[str, object] = {}
    for name, value in table.items():
        if isinstance(value, dict):
            found.update(flatten(value, f"{prefix}{name}."))
        else:
            found[f"{prefix}{name}"] = value
    return found


def is_key(key: str) -> bool:
    """Whether ``key`` ("f3", "ctrl+n", "left_square_bracket", "[") names a key."""
    from textual.keys import Keys, key_to_character

    *modifiers, name = key.split("+") if len(key) > 1 else [key]
    if not name or any(m not in MODIFIERS for m in modifiers):
        return False
    if len(name) == 1:
        return name.isprintable()
    known = {k.value for k in Keys}
    return name in known or key_to_character(name) is not None or name in (
        "space", "enter", "escape", "tab", "backspace", "delete")


def known_ids() -> set[str]:
    """Every binding id of the desk: its app, screens, dialogs and widgets."""
    import importlib
    import pkgutil

    from textual.binding import Binding
    from textual.dom import DOMNode

    import salontui

    for info in pkgutil.walk_packages(salontui.__path__, "salontui."):
        if not any(part in info.name for part in (".store", ".locale", "__main__", ".cli")):
            importlib.import_module(info.name)
    ids: set[str] = set()
    todo = [DOMNode]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        bindings = vars(cls).get("BINDINGS")
        if cls.__module__.startswith("salontui.") and bindings:
            ids.update(b.id for b in Binding.make_bindings(bindings) if b.id)
    return ids


def read_keymap(path: Path | None = None) -> tuple[dict[str, str], str]:
    """(id → keys, a one-line report of what is wrong, or "") of the user's file."""
    import tomllib

    from salontui.i18n import _

    path = path or keymap_path()
    if not path.is_file():
        return {}, ""
    try:
        entries = flatten(tomllib.loads(path.read_text(encoding="utf-8")))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return {}, _("Your keys in {path} were not read: {error}").format(path=path,
                                                                          error=error)
    known = known_ids()
    keymap: dict[str, str] = {}
    problems: list[str] = []
    for binding_id, value in entries.items():
        keys = value
        if isinstance(value, list) and all(isinstance(k, str) for k in value):
            keys = ",".join(value)
        if binding_id not in known:
            problems.append(_("no key has the id {id}").format(id=binding_id))
        elif not isinstance(keys, str) or not all(
                isinstance(k, str) and is_key(k.strip()) for k in keys.split(",")):
            problems.append(_("{id}: {keys} is not a key").format(id=binding_id,
                                                                  keys=repr(value)))
        else:
            keymap[binding_id] = ",".join(k.strip() for k in keys.split(","))
    report = ""
    if problems:
        report = _("Your keys in {path}: {problems}").format(path=path,
                                                            problems="; ".join(problems))
    return keymap, report


def live_bindings(node):
    """``node``'s bindings with the user's keymap applied: the keys as they are now."""
    keymap = getattr(node.app, "_keymap", None)
    if not keymap:
        return node._bindings
    bindings = node._bindings.copy()
    bindings.apply_keymap(keymap)
    return bindings


def keys_of(node, binding_id: str) -> list[str]:
    """How the keys of the binding ``binding_id`` of ``node`` are shown ("F3", "Alt+I"),
    after the user's keymap: a text that names a key reads it here, never types it."""
    found = []
    for bindings in live_bindings(node).key_to_bindings.values():
        for binding in bindings:
            if binding.id == binding_id:
                found.append(key_label(binding.key))
    return found


def key_of(node, binding_id: str) -> str:
    """The first key of the binding ``binding_id`` of ``node`` as shown ("F5"), after the
    user's keymap: what a bar or a hint names ("F5 restores the selected one")."""
    keys = keys_of(node, binding_id)
    return keys[0] if keys else ""


NAMED_KEYS = {"escape": "Esc", "space": "Space", "pageup": "PgUp", "pagedown": "PgDn"}


def key_label(key: str) -> str:
    """A key as the desk's texts write it: "F3", "Alt+I", "Ctrl+D", "e", "R", "Esc",
    "Space" (the way they are printed on a keyboard's keys)."""
    from textual.keys import key_to_character

    *modifiers, name = key.split("+")
    if name in NAMED_KEYS:
        name = NAMED_KEYS[name]
    elif len(name) > 1 and (char := key_to_character(name)) is not None and char.isprintable():
        name = char
    elif name.startswith("f") and name[1:].isdigit():
        name = name.upper()
    elif len(name) > 1:
        name = name.capitalize()
    elif modifiers:
        name = name.upper()
    return "+".join([m.capitalize() for m in modifiers] + [name])


def key_on(node, owner: type, binding_id: str) -> str:
    """The first key of the binding ``binding_id`` of the class ``owner`` (a screen not on
    top, e.g. "the search screen's F4" named from the detail), after the user's keymap."""
    keymap = getattr(node.app, "_keymap", None) or {}
    for binding in getattr(owner, "BINDINGS", ()):
        if getattr(binding, "id", None) == binding_id:
            keys = keymap.get(binding_id, binding.key)
            return key_label(keys.split(",")[0].strip())
    return ""
