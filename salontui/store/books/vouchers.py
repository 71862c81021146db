"""Vouchers (代金券, phiếu quà tặng): a money value the customer holds, kept like points.

A voucher balance is the sum of the customer's ledger entries of the account ``voucher``
(:mod:`salontui.store.ledger`): never a stored total, never below zero (``post_entry``
refuses it, naming the vouchers and what is left). It comes in by hand with a reason
(:func:`adjust_vouchers`), by a back-fill or an import, and goes out at the checkout
through the built-in payment method ``voucher`` (an entry of kind ``pay``); a refund gives
back to the vouchers what was paid with them (kind ``refund``). A merge moves the balance
to the customer kept.

Paying with a voucher is not money coming in: like points and waivers (``rules``'
``NOT_MONEY_KINDS``) it earns no points and is not spend. The money, if any, came in
when the voucher was sold or given.
"""

from __future__ import annotations

from sqlmodel import Session

from salontui.store.bounds import boundary
from salontui.store.kinds import LedgerAccount, Permission
from salontui.store.ledger import LedgerRow, adjust_balance, balance, ledger_history

ACCOUNT = LedgerAccount.VOUCHER


@boundary
def voucher_balance(session: Session, *, customer_id: int) -> int:
    """What the customer holds in vouchers, in minor units."""
    return balance(session, customer_id=customer_id, account=ACCOUNT)


@boundary
def voucher_history(session: Session, *, customer_id: int, limit: int = 200,
                    offset: int = 0) -> list[LedgerRow]:
    """A page of the customer's voucher entries, newest first, each with the balance after
    it, its operator and its invoice's code (see ``ledger.ledger_history``)."""
    return ledger_history(session, customer_id=customer_id, account=ACCOUNT, limit=limit,
                          offset=offset)


@boundary
def adjust_vouchers(session: Session, *, staff_id: int, customer_id: int, amount: int,
                    reason: str, approved_by: int | None = None) -> LedgerRow:
    """Give (amount > 0) or take back (amount < 0) vouchers by hand, in minor units, with a
    reason.

    Refused: amount 0 or beyond the money limit, no reason, an unknown or deleted
    customer, and a decrease below zero ("Only 50.000 ₫ of vouchers left; cannot deduct
    80.000 ₫."). One ``adjust`` entry (ref_type "adjustment") and one audit row
    ``adjust_vouchers`` on the customer with the balance before and after.
    """
    return adjust_balance(session, staff_id=staff_id, customer_id=customer_id,
                          account=ACCOUNT, amount=amount, reason=reason,
                          permission=Permission.ADJUST_BALANCES, approved_by=approved_by)
