"""The checkout, split by what each part does: :mod:`.screen` (the Screen: layout, keys,
wiring), :mod:`.edits`, :mod:`.lines`, :mod:`.customer`, :mod:`.payments`, :mod:`.totals`,
:mod:`.confirm` (its parts, one mixin each), :mod:`.dialogs` (its small dialogs) and
:mod:`.common` (what they and the day close, refund and invoice dialogs share). Its rules
are in :mod:`salontui.store.sales.cart_rules`.
"""

from salontui.screens.checkout.screen import CheckoutScreen

__all__ = ["CheckoutScreen"]
