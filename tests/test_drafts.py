"""Held checkouts: park, list, resume and cancel."""

from __future__ import annotations

import pytest

from salontui.store.cart import Cart, CartLine, CartPayment
from salontui.store.drafts import delete_draft, list_drafts, load_draft, park_cart
from salontui.store.errors import NotFound, ValidationError


def test_park_resume_and_cancel(writer, reader, staff_id, customer_id):
    cart = Cart(customer_id=customer_id, lines=[CartLine(kind="topup", unit_price=500_000)],
                payments=[CartPayment("cash", 200_000)], note="chờ chồng đến trả")
    with writer() as s:
        draft = park_cart(s, staff_id=staff_id, cart=cart, label="Chị Hương")
    with reader() as s:
        [row] = list_drafts(s)
        assert (row.customer_name, row.label, row.lines) == ("Nguyễn Thị Hương", "Chị Hương", 1)
        assert load_draft(s, draft_id=draft) == cart
    cart.lines.append(CartLine(kind="repay", unit_price=1))
    with writer() as s:
        assert park_cart(s, staff_id=staff_id, cart=cart, draft_id=draft) == draft
        delete_draft(s, staff_id=staff_id, draft_id=draft)
    with reader() as s:
        assert list_drafts(s) == []
        with pytest.raises(NotFound):
            load_draft(s, draft_id=draft)


def test_an_empty_cart_is_not_held(writer, staff_id):
    with pytest.raises(ValidationError), writer() as s:
        park_cart(s, staff_id=staff_id, cart=Cart())
