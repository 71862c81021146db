"""What a sale needs beyond the desk's everyday rights (the owner's permission table):

* ``price_discount``: a sales line sold at another price than the catalogue's, or a
  discount typed by hand beyond the salon's limit (``discount_limit_percent``) of its line
  (the line's discount) or of the sales (the invoice's discount). The tier's and a
  promotion's discounts are the salon's own rules, never counted.
* ``waive``: a payment with a method of the "waived" kind (nothing real is paid).

:func:`sale_permits` says which; the checkout asks each of
:func:`~salontui.store.admin.permissions.require_permission` before anything is written.
"""

from __future__ import annotations

from sqlmodel import Session

from salontui.store.cart import SALES_KINDS, Cart, Quote
from salontui.store.kinds import Permission
from salontui.store.models import CatalogItem


def beyond_limit(discount: int, base: int, limit_percent: int) -> bool:
    """Whether ``discount`` is more than ``limit_percent`` % of ``base``."""
    return discount > 0 and discount * 100 > base * max(0, limit_percent)


def sale_permits(session: Session, *, cart: Cart, quote: Quote,
                 limit_percent: int) -> list[Permission]:
    """The permissions ``cart`` (priced as ``quote``) needs, in :class:`Permission` order."""
    needed: list[Permission] = []
    changed = False
    for line, priced in zip(cart.lines, quote.lines, strict=True):
        if priced.kind not in SALES_KINDS:
            continue
        if line.unit_price is not None:
            item = session.get(CatalogItem, priced.item_id) if priced.item_id else None
            if item is not None and priced.unit_price != item.price:
                changed = True
        if beyond_limit(priced.discount, priced.quantity * priced.unit_price, limit_percent):
            changed = True
    sales = sum(p.amount for p in quote.lines if p.kind in SALES_KINDS)
    if beyond_limit(cart.discount, sales, limit_percent):
        changed = True
    if changed:
        needed.append(Permission.PRICE_DISCOUNT)
    if quote.waived:  # (the quote read the methods: their kinds are its)
        needed.append(Permission.WAIVE)
    return needed
