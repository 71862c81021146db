"""The names the salon's data starts with, shown in the desk's language.

The general stored-value card is stored as "General" and the first tiers as
"Member", "Silver", "Gold", "Diamond": data, compared and searched as stored, so
they stay English in the database whatever language each desk speaks. Where a
person reads them, these functions translate the built-in names and leave the
names a salon gave (a card "Tóc", a tier "VIP") as typed.
"""

from __future__ import annotations

from salontui.i18n import N_, _

GENERAL_CARD = N_("General")
DEFAULT_TIERS = (N_("Member"), N_("Silver"), N_("Gold"), N_("Diamond"))


def card_label(name: str | None) -> str:
    """A stored-value card's name as the desk shows it ("General" → "Thẻ chung")."""
    if not name:
        return _(GENERAL_CARD)
    return _(name) if name == GENERAL_CARD else name


def tier_label(name: str | None) -> str:
    """A tier's name as the desk shows it ("Member" → "Thành viên")."""
    if not name:
        return ""
    return _(name) if name in DEFAULT_TIERS else name
