"""A wrong back-fill undone (see :mod:`salontui.store.books.backfill`): never edited away,
but reversed by a second ``backfill`` row (``reverses_id``) and reversing entries, while
the customer's books still hold what it put in."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from salontui.i18n import _, ngettext
from salontui.store import audit, clock, ledger, packages
from salontui.store.admin.permissions import require_permission
from salontui.store.books.backfill import (
    LEDGER_ACCOUNTS,
    MAX_NOTE,
    PACKAGE_KINDS,
    REF_TYPE,
    add_row,
    figure,
    lock_customer,
    spend_entry,
)
from salontui.store.books.held_products import held_quantity, hold
from salontui.store.bounds import boundary
from salontui.store.errors import NotFound, RuleViolation
from salontui.store.kinds import (
    BACKFILL_REASON,
    BackfillKind,
    HeldProductKind,
    LedgerEntryKind,
    Permission,
)
from salontui.store.models import Backfill, CatalogItem, stored_id, table_of
from salontui.store.staff import require_staff
from salontui.store.text import clean_line

_BACKFILL = table_of(Backfill)



@boundary
def reverse_backfill(session: Session, *, staff_id: int, backfill_id: int, reason: str,
                     approved_by: int | None = None) -> int:
    """Undo a wrong back-fill by a second row that reverses it (``reverses_id``) and
    reversing entries: a ledger entry of kind "reverse" taking the amount back, the package
    taken to no sessions and closed (a package event "reverse"), the products taken back
    (held products "reverse"), or a negative spend entry. Returns the new row's id.

    Refused, with what to do instead and nothing written: no reason, a back-fill already
    reversed or itself a reversal, and what the customer's books no longer allow (the
    stored value, points or vouchers partly spent since, the debt partly repaid, sessions
    of the package used, products handed over)."""
    staff = require_staff(session, staff_id)
    reason = clean_line(reason, field="reason", limit=MAX_NOTE,
                        required=_("Reason is required."),
                        too_long=_("Reason is longer than {limit} characters."))
    original = session.get(Backfill, backfill_id)
    if original is None:
        raise NotFound(_("No back-fill #{id}.").format(id=backfill_id), field="backfill")
    if original.reverses_id is not None:
        raise RuleViolation(_("This row reverses another back-fill; it cannot be reversed. "
                              "Back-fill what the customer holds again instead."),
                            field="backfill")
    lock_customer(session, original.customer_id)
    done = session.execute(select(_BACKFILL.c.created_at).where(
        _BACKFILL.c.reverses_id == backfill_id).limit(1)).first()
    if done is not None:
        raise RuleViolation(_("This back-fill was already reversed."), field="backfill")
    kind = BackfillKind(original.kind)
    _refuse_reversal(session, original, kind)
    approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                  permission=Permission.ADJUST_BALANCES)
    customer_id = original.customer_id
    row = Backfill(customer_id=customer_id, kind=kind.value, source=BACKFILL_REASON,
                   created_at=clock.now(), operator_id=staff.id, card_id=original.card_id,
                   package_id=original.package_id, item_id=original.item_id,
                   quantity=original.quantity, paid=original.paid, amount=original.amount,
                   sessions_total=original.sessions_total,
                   sessions_used=original.sessions_used, purchased_on=original.purchased_on,
                   expires_on=original.expires_on, reverses_id=stored_id(original), note=reason)
    effect: dict[str, int] = {}
    if kind in PACKAGE_KINDS:
        assert original.package_id is not None  # a package back-fill names its package
        packages.reverse_backfilled_package(
            session, staff_id=stored_id(staff), package_id=original.package_id,
            used_at_backfill=original.sessions_used, note=reason, audit_row=False)
        new_id = add_row(session, row)
    elif kind == BackfillKind.PRODUCT:
        assert original.item_id is not None  # a product back-fill names its product
        new_id = add_row(session, row)
        product = session.get(CatalogItem, original.item_id)
        effect["held_id"] = hold(session, customer_id=customer_id, item_id=original.item_id,
                                 description=product.name if product else "",
                                 quantity=-original.quantity, kind=HeldProductKind.REVERSE,
                                 amount=-original.paid, backfill_id=new_id,
                                 staff_id=staff.id, note=reason)
    elif kind == BackfillKind.SPEND:
        new_id = add_row(session, row)
        effect["spend_id"] = spend_entry(session, stored_id(staff), customer_id, -original.amount,
                                    reason, new_id)
    else:
        new_id = add_row(session, row)
        effect["entry_id"] = ledger.post_entry(
            session, customer_id=customer_id, account=LEDGER_ACCOUNTS[kind],
            amount=-original.amount, kind=LedgerEntryKind.REVERSE, reason=reason,
            ref_type=REF_TYPE, ref_id=new_id, operator_id=staff.id, card_id=original.card_id,
            allow_excluded=True)
    audit.record(session, staff_id=staff.id, action="reverse_backfill", entity="customer",
                 entity_id=customer_id, before=audit.snapshot(original),
                 after=audit.snapshot(row) | effect, approved_by=approver)
    return new_id


def _refuse_reversal(session: Session, original: Backfill, kind: BackfillKind) -> None:
    """What the customer's books no longer allow to take back whole."""
    customer_id, amount = original.customer_id, original.amount
    if kind in LEDGER_ACCOUNTS:
        account = LEDGER_ACCOUNTS[kind]
        card_id = original.card_id if kind == BackfillKind.VALUE else None
        left = ledger.balance(session, customer_id=customer_id, account=account,
                              card_id=card_id)
        if left >= amount:
            return
        shown, typed = (figure(session, kind, n) for n in (left, amount))
        messages = {
            BackfillKind.VALUE: _("Only {left} of the {typed} back-filled is left on the card: "
                                  "some was spent since. Correct the card with an adjustment "
                                  "instead."),
            BackfillKind.POINTS: _("Only {left} of the {typed} points back-filled are left: "
                                   "some were spent since. Adjust the points instead."),
            BackfillKind.VOUCHER: _("Only {left} of the {typed} in vouchers back-filled is "
                                    "left: some was spent since. Adjust the vouchers "
                                    "instead."),
            BackfillKind.DEBT: _("Only {left} of the {typed} of debt back-filled is still "
                                 "owed: some was repaid since. Refund the repayment first."),
        }
        raise RuleViolation(messages[kind].format(left=shown, typed=typed), field="backfill")
    if kind == BackfillKind.PRODUCT and original.item_id is not None:
        left = held_quantity(session, customer_id=customer_id, item_id=original.item_id)
        if left < original.quantity:
            handed = original.quantity - left
            raise RuleViolation(ngettext(
                "{n} of the {typed} back-filled was handed over since: it cannot be "
                "reversed. Hand over the rest instead.",
                "{n} of the {typed} back-filled were handed over since: they cannot be "
                "reversed. Hand over the rest instead.", handed).format(
                n=handed, typed=original.quantity), field="backfill")
