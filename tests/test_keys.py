"""Every key of the desk has an id (the user's keymap and the palette find it by that id),
unique on its screen: two different actions never share one."""

from __future__ import annotations

import importlib
import pkgutil

from textual.binding import Binding
from textual.dom import DOMNode

import salontui


def desk_classes() -> list[type[DOMNode]]:
    for info in pkgutil.walk_packages(salontui.__path__, "salontui."):
        if ".store" in info.name or ".locale" in info.name or info.name.endswith("__main__"):
            continue
        importlib.import_module(info.name)
    found, todo = [], [DOMNode]
    while todo:
        cls = todo.pop()
        todo.extend(cls.__subclasses__())
        if cls.__module__.startswith("salontui."):
            found.append(cls)
    return found


def own_bindings(cls) -> list[Binding]:
    """The bindings ``cls`` and its salontui ancestors declare (not Textual's own)."""
    found = []
    for klass in cls.__mro__:
        if klass.__module__.startswith("salontui.") and "BINDINGS" in vars(klass):
            found += Binding.make_bindings(vars(klass)["BINDINGS"])
    return found


def test_every_binding_has_a_unique_id():
    classes = desk_classes()
    assert len(classes) > 20
    for cls in classes:
        actions: dict[str, set[str]] = {}
        for binding in own_bindings(cls):
            assert binding.id, f"{cls.__name__}: {binding.key} → {binding.action} has no id"
            actions.setdefault(binding.id, set()).add((binding.action, binding.description))
        shared = {bid: acts for bid, acts in actions.items() if len(acts) > 1}
        assert not shared, f"{cls.__name__}: one id for different keys: {shared}"
