"""The desk's keys that do a guarded action (the owner's permission table,
``kinds.Permission``), for the palette.

Nothing is hidden nor switched off for a role: whatever a role may not do alone a manager
may approve (the store refuses, the desk asks for the approval at once: StoreCalls), so a
key kept out of sight would hide the way to get it done. What the palette does instead: an
entry whose action the signed-in role may not do alone is greyed, and says that a manager
approves it.
``app.grants`` holds what the signed-in role may do (read at sign-in; None: not read yet,
nothing said).
"""

from __future__ import annotations

from typing import Any

from salontui.i18n import _
from salontui.store.kinds import Permission

# binding id → the permission its action needs.
GUARDED: dict[str, str] = {
    "invoice.refund": Permission.REFUND,
    "detail.delete_customer": Permission.DELETE_CUSTOMER,
    "detail.merge": Permission.MERGE_CUSTOMERS,
    "detail.undo_merge": Permission.MERGE_CUSTOMERS,
    "detail.points.adjust": Permission.ADJUST_POINTS,
    "detail.packages.extend": Permission.ADJUST_PACKAGES,
    "detail.packages.adjust": Permission.ADJUST_PACKAGES,
    "detail.packages.close": Permission.ADJUST_PACKAGES,
    "detail.vouchers.adjust": Permission.ADJUST_BALANCES,
    "detail.backfill": Permission.ADJUST_BALANCES,
    "backfill_check.reverse": Permission.ADJUST_BALANCES,
    "loyalty.customers.import": Permission.ADJUST_BALANCES,
    "loyalty.ticket.apply": Permission.APPLY_TICKETS,
    "loyalty.customers.export": Permission.EXPORT,
    "search.day_close": Permission.DAY_CLOSE,
    "checkout.day_close": Permission.DAY_CLOSE,
    "search.settings": Permission.SETTINGS,
}


def approval_note(app: Any, binding_id: str) -> str:
    """" · a manager approves" when the signed-in role may not do ``binding_id``'s action
    alone; "" otherwise (or while the role's rights are not read yet)."""
    wanted = GUARDED.get(binding_id)
    grants = getattr(app, "grants", None)
    if wanted is None or grants is None or wanted in grants:
        return ""
    return _approval_text()


def needs_approval(help_text: str) -> bool:
    """Whether a palette entry's help carries :func:`approval_note` (shown greyed)."""
    return help_text.endswith(_approval_text())


def _approval_text() -> str:
    return " · " + _("a manager approves")  # read at each call: the language may change
