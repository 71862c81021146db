"""The label of a value as the store keeps it (a kind, a status), for the desk's lists and
dialogs.

The mappings of :mod:`salontui.store.kinds` are keyed by their enums; a row from the
store carries the stored string. A member compares equal to its string, so the label is
found all the same; a value with no label is shown as stored.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from salontui.i18n import _

K = TypeVar("K", bound=str)


def stored_label(labels: Mapping[K, str], value: str) -> str:
    """The translated label of ``value`` in ``labels`` (one of kinds.py's mappings), or
    ``value`` itself when it has none."""
    text = next((label for key, label in labels.items() if key == value), value)
    return _(text)


def card_event(kind: str, reason: str, invoice_code: str | None) -> str:
    """A stored-value card's history row: the entry's kind, then its reason (a top-up's
    note, an adjustment's why) unless the reason only repeats the invoice's code."""
    from salontui.store.kinds import LEDGER_ENTRY_KIND_LABELS

    event = stored_label(LEDGER_ENTRY_KIND_LABELS, kind)
    if reason and reason != invoice_code:
        event = f"{event}: {reason}"
    return event
