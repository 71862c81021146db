"""Sales: the cart, the checkout, refunds, invoices, receipts and the day close.

New modules of the area live here; the older ones (``store/cart.py``,
``store/checkout.py``, ``store/refunds.py``…) move in when they are next touched.
"""
