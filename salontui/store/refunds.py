"""Refunds: a new numbered document that reverses a paid invoice, wholly or in part.

A paid invoice is never edited. A refund names the lines it takes back
(default: all not refunded yet) and is paid out to chosen methods (default:
back the way the invoice was paid). It restores what the lines gave or took:

* a redeemed session comes back to its package;
* a package bought is cancelled (only if none of its sessions was used);
* a top-up is taken off the card again (only if the card still holds it);
* a debt repayment puts the debt back;
* a product left at the salon (not yet picked up) is no longer held for the
  customer: what is still held of it is taken back, never more;
* money paid by card, points, vouchers or on account goes back there; points the
  invoice earned are taken back in proportion.

The refund's lines and payments are negative, so every ledger and every
day-close total simply adds up.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from sqlalchemy import text
from sqlmodel import Session, col, select

from salontui.i18n import _
from salontui.store import audit, clock, codes, rules
from salontui.store.admin.methods import kind_of, label_of, methods_by_code
from salontui.store.admin.permissions import require_permission
from salontui.store.books.held_products import take_back_held
from salontui.store.bounds import boundary
from salontui.store.branches import invoice_sequence
from salontui.store.cart import SALES_KINDS, CartPayment
from salontui.store.checkout import (
    CheckoutResult,
    _check_key,
    _existing,
    _replay,
    fingerprint,
    scoped_key,
)
from salontui.store.errors import NotFound, RuleViolation, ValidationError
from salontui.store.kinds import Permission
from salontui.store.ledger import points_balance, post_entry
from salontui.store.models import Invoice, InvoiceLine, Payment, stored_id
from salontui.store.money import split_minor
from salontui.store.packages import cancel_package, restore_session
from salontui.store.settings import get_settings

# Default order to pay a partial refund back, by the methods' kinds: cancel debt first,
# then what the customer holds with the salon, then money (within a kind, the method
# lowest in the salon's list first: e-wallet, transfer, then bank card).
REFUND_ORDER = ("account", "value", "points", "voucher", "waived", "card", "cash")
# Kinds paid back no more than the invoice took by them (money may go back any way).
LIMITED_KINDS = ("value", "points", "voucher", "waived", "account")
MAX_REASON = 250


@dataclass(frozen=True)
class RefundableLine:
    line_id: int
    kind: str
    description: str
    amount: int  # what refunding this line pays back (its share of the invoice discount off)


def _discount_shares(lines: list[InvoiceLine], discount: int) -> dict[int, int]:
    """The invoice discount spread over its sales lines, in proportion, remainder on the last."""
    sales = [line for line in lines if line.kind in SALES_KINDS and line.amount > 0]
    base = sum(line.amount for line in sales)
    if not discount or not base:
        return {}
    shares = {stored_id(line): discount * line.amount // base for line in sales}
    shares[stored_id(sales[-1])] += discount - sum(shares.values())
    return shares


def _lines_of(session: Session, invoice_id: int) -> list[InvoiceLine]:
    return list(session.exec(select(InvoiceLine).where(InvoiceLine.invoice_id == invoice_id)
                             .order_by(col(InvoiceLine.id))))


def _refunded_line_ids(session: Session, invoice_id: int) -> set[int]:
    sql = text("SELECT l.refund_of_line_id FROM invoice_line l JOIN invoice i "
               "ON i.id = l.invoice_id WHERE i.refund_of_id = :i")
    return {r[0] for r in session.execute(sql, {"i": invoice_id}) if r[0] is not None}


@boundary
def refundable_lines(session: Session, *, invoice_id: int) -> list[RefundableLine]:
    """The lines of an invoice that can still be refunded, with what each pays back."""
    invoice = session.get(Invoice, invoice_id)
    if invoice is None:
        raise NotFound(_("No such invoice."), field="invoice")
    lines = _lines_of(session, invoice_id)
    shares = _discount_shares(lines, invoice.discount)
    done = _refunded_line_ids(session, invoice_id)
    return [RefundableLine(stored_id(line), line.kind, line.description,
                           line.amount - shares.get(stored_id(line), 0))
            for line in lines if line.id not in done]


def _paid_by_method(session: Session, invoice_id: int) -> dict[tuple[str, int | None], int]:
    """What is left to pay back per (method, card): original payments less earlier refunds."""
    sql = text("SELECT p.method, p.card_id, sum(p.amount) FROM payment p JOIN invoice i "
               "ON i.id = p.invoice_id WHERE i.id = :i OR i.refund_of_id = :i "
               "GROUP BY p.method, p.card_id")
    return {(m, c): int(a) for m, c, a in session.execute(sql, {"i": invoice_id}) if a}


@boundary
def default_refund_payments(session: Session, *, invoice_id: int, amount: int,
                            point_value: int) -> list[CartPayment]:
    """Back the way it was paid: each method up to what it paid, debt first, cash last."""
    left = _paid_by_method(session, invoice_id)
    methods = methods_by_code(session)
    kinds = {code: m.kind for code, m in methods.items()}

    def order(method: str) -> tuple[int, int]:
        found = methods.get(method)
        return REFUND_ORDER.index(kind_of(kinds, method)), -(found.position if found else 0)

    ordered = sorted(left.items(), key=lambda kv: order(kv[0][0]))
    payments: list[CartPayment] = []
    remaining = amount
    for (method, card_id), available in ordered:
        if remaining <= 0:
            break
        take = min(available, remaining)
        if method == "points":
            take -= take % point_value
        if take > 0:
            payments.append(CartPayment(method=method, amount=take, card_id=card_id))
            remaining -= take
    if remaining > 0:
        raise RuleViolation(_("That is more than was paid."), field="payments")
    return payments


def _check_refund_payments(session: Session, invoice: Invoice, payments: list[CartPayment],
                           amount: int, point_value: int) -> None:
    if sum(p.amount for p in payments) != amount:
        raise ValidationError(_("The refund payments do not add up to the refund."),
                              field="payments")
    left = _paid_by_method(session, stored_id(invoice))
    methods = methods_by_code(session)
    kinds = {code: m.kind for code, m in methods.items()}
    labels = {code: m.label for code, m in methods.items()}
    paid_by = {method for method, _card in left}
    for payment in payments:
        method = methods.get(payment.method)
        if method is None or payment.amount <= 0:
            raise ValidationError(_("Each refund payment must be a method and an amount above "
                                    "zero."), field="payments")
        if not method.active and payment.method not in paid_by:  # back the way it came
            raise RuleViolation(_("'{method}' is no longer taken (retired in Settings): pay "
                                  "back another way.").format(method=method.label),
                                field=payment.method)
        if kind_of(kinds, payment.method) in LIMITED_KINDS:
            available = left.get((payment.method, payment.card_id), 0)
            if payment.amount > available:
                raise RuleViolation(_("Only {amount} was paid by {method}.").format(
                    amount=available, method=label_of(labels, payment.method)),
                    field=payment.method)
            if payment.method == "points" and payment.amount % point_value:
                raise ValidationError(_("Points are refunded in whole points."), field="points")


def _refund_reason(refund: Invoice) -> str:
    """The reason on the ledger entries of a refund ("HD000012 refund")."""
    return _("{code} refund").format(code=refund.code)


def _reverse_line(session: Session, refund: Invoice, line: InvoiceLine, amount: int,
                  customer_id: int | None, staff_id: int) -> None:
    assert refund.id is not None  # flushed by refund_invoice
    ref = {"ref_type": "invoice", "ref_id": refund.id, "operator_id": staff_id,
           "reason": _refund_reason(refund)}
    note = _("Refund {code}").format(code=refund.code)
    if line.kind == "redeem":
        restore_session(session, staff_id=staff_id, package_id=line.package_id,
                        invoice_id=refund.id, note=note)
    elif line.kind == "package":
        cancel_package(session, staff_id=staff_id, package_id=line.package_id,
                       invoice_id=refund.id, note=note)
    elif line.kind == "topup":
        # Same kinds as the lines they reverse, so each kind's entries sum to its lines.
        post_entry(session, customer_id=customer_id, account="value", amount=-line.credit,
                   kind="topup", card_id=line.card_id, **ref)
    elif line.kind == "repay":
        post_entry(session, customer_id=customer_id, account="debt", amount=line.amount,
                   kind="repay", **ref)
    reversed_line = InvoiceLine(
        invoice_id=refund.id, kind=line.kind, item_id=line.item_id, package_id=line.package_id,
        card_id=line.card_id, description=line.description, quantity=-line.quantity,
        unit_price=line.unit_price, discount=-line.discount, amount=-line.amount,
        credit=-line.credit, staff_id=line.staff_id, refund_of_line_id=line.id,
        unit_cost=line.unit_cost,  # the refund takes back the cost the sale had
    )
    session.add(reversed_line)
    if line.kind == "product" and not line.picked_up and customer_id is not None:
        session.flush()
        take_back_held(session, customer_id=customer_id, line_id=stored_id(line),
                       refund_line_id=stored_id(reversed_line), staff_id=staff_id, note=note)


def _pay_back(session: Session, refund: Invoice, payments: list[CartPayment],
              customer_id: int | None, staff_id: int, point_value: int) -> None:
    assert refund.id is not None  # flushed by refund_invoice
    ref = {"ref_type": "invoice", "ref_id": refund.id, "operator_id": staff_id,
           "reason": _refund_reason(refund)}
    for payment in payments:
        points = (rules.points_for_amount(payment.amount, point_value=point_value)
                  if payment.method == "points" else 0)
        session.add(Payment(invoice_id=refund.id, method=payment.method, amount=-payment.amount,
                            card_id=payment.card_id if payment.method == "value" else None,
                            points=-points))
        if payment.method == "value":
            post_entry(session, customer_id=customer_id, account="value", amount=payment.amount,
                       kind="refund", card_id=payment.card_id, **ref)
        elif payment.method == "points":
            post_entry(session, customer_id=customer_id, account="points", amount=points,
                       kind="refund", allow_excluded=True, **ref)
        elif payment.method == "voucher":
            post_entry(session, customer_id=customer_id, account="voucher",
                       amount=payment.amount, kind="refund", **ref)
        elif payment.method == "account":
            post_entry(session, customer_id=customer_id, account="debt", amount=-payment.amount,
                       kind="refund", **ref)


def _take_back_points(session: Session, invoice: Invoice, refund: Invoice, amount: int,
                      staff_id: int) -> None:
    """Points the invoice earned, taken back in proportion (never below zero)."""
    earned = session.execute(
        text("SELECT coalesce(sum(amount), 0) FROM ledger_entry WHERE ref_type = 'invoice' "
             "AND account = 'points' AND kind IN ('earn', 'unearn') AND ref_id IN "
             "(SELECT id FROM invoice WHERE id = :i OR refund_of_id = :i)"),
        {"i": invoice.id},
    ).scalar_one()
    if earned <= 0 or invoice.total <= 0:
        return  # nothing to take back: spare the two reads below
    share = rules.points_taken_back(
        earned=earned, total=invoice.total,
        refunded_before=-_refunded_so_far(session, stored_id(invoice)),
        refund=amount, balance=points_balance(session, customer_id=invoice.customer_id))
    if share > 0:
        post_entry(session, customer_id=invoice.customer_id, account="points", amount=-share,
                   kind="unearn", reason=_refund_reason(refund), ref_type="invoice",
                   ref_id=refund.id, operator_id=staff_id, allow_excluded=True)


def _refunded_so_far(session: Session, invoice_id: int) -> int:
    """Sum of earlier refunds' totals (negative or 0)."""
    return int(session.execute(text("SELECT coalesce(sum(total), 0) FROM invoice "
                                     "WHERE refund_of_id = :i"), {"i": invoice_id}).scalar_one())


@boundary
def refund_invoice(
    session: Session,
    *,
    staff_id: int,
    invoice_id: int,
    reason: str,
    idempotency_key: str,
    line_ids: list[int] | None = None,
    payments: list[CartPayment] | None = None,
    branch_id: int | None = None,
    approved_by: int | None = None,
) -> CheckoutResult:
    """Refund ``line_ids`` of an invoice (default: every line not refunded yet), as a
    document of the branch where it is done (``branch_id``; None: the first). The refund
    permission, or a manager's approval (``approved_by``), is needed."""
    key = scoped_key("refund", _check_key(idempotency_key))
    request = fingerprint("refund", staff_id=staff_id, invoice_id=invoice_id, reason=reason,
                          line_ids=line_ids, branch_id=branch_id,
                          payments=None if payments is None else [asdict(p) for p in payments])
    found = _existing(session, key, request)
    if found is not None:
        return _replay(session, found)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError(_("Give the reason for the refund."), field="reason")
    if len(reason) > MAX_REASON:
        raise ValidationError(_("The reason is too long."), field="reason")
    invoice = session.get(Invoice, invoice_id)
    if invoice is None:
        raise NotFound(_("No such invoice."), field="invoice")
    if invoice.kind == "refund":
        raise RuleViolation(_("A refund cannot itself be refunded."), field="invoice")
    open_lines = {r.line_id: r for r in refundable_lines(session, invoice_id=invoice_id)}
    chosen = list(open_lines) if line_ids is None else list(dict.fromkeys(line_ids))
    if not chosen:
        raise RuleViolation(_("Everything on this invoice was refunded already."), field="lines")
    for line_id in chosen:
        if line_id not in open_lines:
            raise RuleViolation(_("That line is not on the invoice or was refunded already."),
                                field="lines")
    amount = sum(open_lines[i].amount for i in chosen)
    settings = get_settings(session)
    if payments is None:
        payments = default_refund_payments(session, invoice_id=invoice_id, amount=amount,
                                           point_value=settings.point_value)
    _check_refund_payments(session, invoice, payments, amount, settings.point_value)
    all_lines = {line.id: line for line in _lines_of(session, invoice_id)}
    chosen_lines = [all_lines[i] for i in chosen]
    discount_back = sum(all_lines[i].amount for i in chosen) - amount
    approver = require_permission(session, staff_id=staff_id, permission=Permission.REFUND,
                                  approved_by=approved_by)
    refund = Invoice(
        code=codes.next_code(session, invoice_sequence(session, branch_id)),
        customer_id=invoice.customer_id, branch_id=branch_id, created_at=clock.now(),
        kind="refund",
        subtotal=-sum(line.amount for line in chosen_lines), discount=-discount_back,
        total=-amount, staff_id=staff_id, refund_of_id=invoice.id, idempotency_key=key,
        note=reason, request_hash=request,
    )
    session.add(refund)
    session.flush()
    if invoice.customer_id is not None:
        _take_back_points(session, invoice, refund, amount, staff_id)
    for line in chosen_lines:
        _reverse_line(session, refund, line, open_lines[line.id].amount, invoice.customer_id,
                      staff_id)
    _pay_back(session, refund, payments, invoice.customer_id, staff_id, settings.point_value)
    session.flush()
    audit.record(session, staff_id=staff_id, action="refund", entity="invoice",
                 entity_id=refund.id, approved_by=approver, before={"invoice": invoice.code},
                 after={"code": refund.code, "total": refund.total, "lines": chosen,
                        "reason": reason})
    moved = None
    if invoice.customer_id is not None:  # the tier follows the refund at once
        from salontui.store.loyalty.tiers import refresh_tier

        moved = refresh_tier(session, customer_id=invoice.customer_id, staff_id=staff_id,
                             reason=_("Refund {code}").format(code=refund.code))
    return CheckoutResult(invoice_id=stored_id(refund), code=refund.code, total=refund.total,
                          change=0, points_earned=0, replayed=False, tier_change=moved)


def split_evenly(amount: int, methods: list[str]) -> list[CartPayment]:
    """A refund paid out evenly over ``methods`` (a helper for the screen)."""
    return [CartPayment(method=m, amount=a) for m, a in zip(methods, split_minor(amount,
                                                                                 len(methods)),
                                                             strict=True)]
