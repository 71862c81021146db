"""Confirming a checkout: the invoice, its lines and payments, and every ledger entry,
in one transaction.

The caller opens one ``write_session`` (BEGIN IMMEDIATE) and calls
:func:`checkout`; either everything below is written or nothing is:

* the invoice with the next HD code (a code is never reused: a rolled-back
  checkout gives its number back);
* its lines and payments (cash recorded net of the change given, which the invoice
  keeps so a receipt shows what was tendered);
* ledger entries: stored value spent (per card), points spent, vouchers spent, the
  part on account as debt, points earned, top-ups credited, debt repaid;
* products left at the salon (not yet picked up) held for the customer
  (``books/held_products.py``);
* packages sold and sessions redeemed (with the service staff);
* the promotion marked used, the appointment marked paid;
* one audit row for the invoice (with the tier's discount and multiplier, when the
  customer's tier gave one: the receipt names it);
* the customer's tier moved if the sale earns another (``loyalty.tiers.refresh_tier``).

``idempotency_key`` makes a double Enter or a retry after a crash harmless:
the second call finds the first invoice and returns it instead of writing. Only
the identical request replays (its fingerprint is kept on the invoice); the
same key with another cart is refused, and keys are scoped by operation.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, replace

from sqlmodel import Session, select

from salontui.i18n import _
from salontui.store import audit, clock, codes, rules
from salontui.store.admin.methods import kind_of, method_kinds
from salontui.store.admin.permissions import require_permission
from salontui.store.admin.points_scheme import payment_kinds, sale_rule
from salontui.store.books.held_products import hold_sold_line
from salontui.store.bounds import boundary
from salontui.store.branches import invoice_sequence
from salontui.store.cart import Cart, PricedLine, Quote, quote
from salontui.store.customers import load_customer
from salontui.store.day.appointments import add_event
from salontui.store.errors import NotFound, RuleViolation, ValidationError
from salontui.store.kinds import CUSTOMER_PAYMENT_METHODS, MethodKind
from salontui.store.ledger import check_can_spend, debt_balance, post_entry
from salontui.store.loyalty.members import points_refusal
from salontui.store.loyalty.tiers import TierChange, refresh_tier, tier_benefit
from salontui.store.models import (
    Appointment,
    CatalogItem,
    CustomerPromotion,
    Invoice,
    InvoiceLine,
    Payment,
    ValueCard,
)
from salontui.store.packages import redeem_session, sell_package
from salontui.store.sales.card_topups import refuse_discounted_card_payment, topup_card
from salontui.store.sales.permits import sale_permits
from salontui.store.settings import get_settings
from salontui.store.staff import require_staff

MAX_KEY = 64


@dataclass(frozen=True)
class CheckoutResult:
    invoice_id: int
    code: str
    total: int
    change: int
    points_earned: int
    replayed: bool  # True: this key was confirmed before; nothing new was written
    tier_change: TierChange | None = None  # the customer's tier moved with this document


def _existing(session: Session, key: str, fingerprint: str) -> Invoice | None:
    """The invoice confirmed before under ``key`` (scoped), if any; refused when it was
    confirmed for a different request: a replay repeats only the identical request."""
    found = session.exec(select(Invoice).where(Invoice.idempotency_key == key)).first()
    if found is not None and found.request_hash != fingerprint:
        raise RuleViolation(_("This confirmation was already used for a different request "
                              "({code}); nothing new was written. Start again to make a new "
                              "one.").format(code=found.code), field="idempotency_key")
    return found


def scoped_key(operation: str, key: str) -> str:
    """The stored form of a caller's key: scoped by operation (a sale's key is not a
    refund's) and of fixed length (64 hex digits, the column's width)."""
    return hashlib.sha256(f"{operation}\x1f{key}".encode()).hexdigest()


def fingerprint(operation: str, **request) -> str:
    """SHA-256 of a request as canonical JSON: what a replay must match exactly."""
    body = json.dumps({"operation": operation, **request}, sort_keys=True,
                      ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(body.encode()).hexdigest()


def _replay(session: Session, invoice: Invoice) -> CheckoutResult:
    from sqlalchemy import text

    assert invoice.id is not None  # read from the database

    earned = session.execute(
        text("SELECT coalesce(sum(amount), 0) FROM ledger_entry WHERE ref_type = 'invoice' "
             "AND ref_id = :i AND account = 'points' AND kind = 'earn'"), {"i": invoice.id}
    ).scalar_one()
    return CheckoutResult(invoice_id=invoice.id, code=invoice.code, total=invoice.total,
                          change=invoice.change_given, points_earned=int(earned),
                          replayed=True)


def _check_key(key: str) -> str:
    key = (key or "").strip()
    if not key or len(key) > MAX_KEY:
        raise ValidationError(_("A checkout needs an idempotency key (1 to 64 characters)."),
                              field="idempotency_key")
    return key


def points_earned(session: Session, q: Quote, *, cart: Cart, rate: int,
                  rule: rules.PointsRule) -> int:
    """Points for this sale: one per ``rate`` of what earns, paid with money.

    What earns is the lines of the kinds the salon's scheme names (services, products,
    packages; top-ups when the scheme says so) after their share of the discount, less
    what was not paid with money: points and waivers, and stored value when top-ups
    earn (that money earned when it was put on the card). A method's kind is the
    salon's data (the payment methods). Debt repayments never earn. The customer's
    group multiplier and the rounding are in ``rule``; the rule is
    ``rules.points_earned``.
    """
    if rate <= 0:
        return 0
    amounts: dict[str, int] = {}
    for priced in q.lines:
        amounts[priced.kind] = amounts.get(priced.kind, 0) + priced.amount
    base = rules.points_base(rule, amounts=amounts, discount=q.discount)
    kinds = payment_kinds(session, (p.method for p in cart.payments))
    not_money = sum(p.amount for p in cart.payments
                    if kinds[p.method] in rule.not_money_kinds())
    return rules.points_earned(sales=base, not_money=not_money, rate=rate, rule=rule)


def _validate_payments(session: Session, cart: Cart, q: Quote, *, point_value: int,
                       member_state: str | None, member_reason: str = "") -> None:
    if not q.balanced:
        if q.overpaid:
            raise ValidationError(_("Only cash can be more than the total."), field="payments")
        raise ValidationError(_("The payments do not add up to the total."), field="payments")
    for payment in cart.payments:
        if payment.amount <= 0:
            raise ValidationError(_("A payment must be more than zero."), field=payment.method)
        if payment.method in CUSTOMER_PAYMENT_METHODS and cart.customer_id is None:
            raise RuleViolation(_("A walk-in cannot pay with a card, points, vouchers or on "
                                  "account."), field=payment.method)
        if payment.method == "value":
            card = session.get(ValueCard, payment.card_id) if payment.card_id else None
            if card is None or card.customer_id != cart.customer_id:
                raise NotFound(_("Choose one of the customer's cards."), field="value")
        if payment.method == "points":
            refused = points_refusal(member_state, member_reason)
            if refused:  # (a walk-in was refused above)
                raise RuleViolation(refused, field="points")
            if point_value <= 0 or payment.amount % point_value:
                raise ValidationError(_("Points pay in whole points: the amount must be a "
                                        "multiple of the value of one point."), field="points")
    if cart.customer_id is not None:
        points = sum(p.amount for p in cart.payments if p.method == "points") // max(
            point_value, 1)
        per_card: dict[int, int] = {}
        for payment in cart.payments:
            if payment.method == "value":
                assert payment.card_id is not None  # _validate_payments refused a value
                # payment without one of the customer's cards
                per_card[payment.card_id] = per_card.get(payment.card_id, 0) + payment.amount
        vouchers = sum(p.amount for p in cart.payments if p.method == "voucher")
        check_can_spend(session, customer_id=cart.customer_id, points=points,
                        card_amounts=per_card, vouchers=vouchers)


def _write_lines(session: Session, invoice: Invoice, cart: Cart, q: Quote, *,
                 staff_id: int) -> None:
    assert invoice.id is not None  # flushed by checkout
    for priced in q.lines:
        card_id = None
        package_id = priced.package_id
        if priced.kind == "topup":
            card_id = topup_card(session, customer_id=cart.customer_id,
                                 card_name=priced.card_name,
                                 card_type_id=cart.lines[priced.index].card_type_id,
                                 staff_id=staff_id)
        if priced.kind == "package":
            sold = sell_package(session, staff_id=staff_id, customer_id=cart.customer_id,
                                plan_id=priced.item_id, price=priced.amount,
                                invoice_id=invoice.id)
            package_id = sold.id
        if priced.kind == "redeem":
            redeem_session(session, staff_id=staff_id, package_id=priced.package_id,
                           service_staff_id=priced.staff_id, invoice_id=invoice.id)
        line = InvoiceLine(
            invoice_id=invoice.id, kind=priced.kind, item_id=priced.item_id,
            package_id=package_id, card_id=card_id, description=priced.description,
            quantity=priced.quantity, unit_price=priced.unit_price, discount=priced.discount,
            amount=priced.amount, credit=priced.credit, staff_id=priced.staff_id,
            picked_up=priced.picked_up, unit_cost=_unit_cost(session, priced),
        )
        session.add(line)
        if priced.kind == "product" and not priced.picked_up:
            assert cart.customer_id is not None  # the quote refused a walk-in's
            session.flush()
            hold_sold_line(session, customer_id=cart.customer_id, line=line,
                           staff_id=staff_id)
        if priced.kind == "topup":
            post_entry(session, customer_id=cart.customer_id, account="value",
                       amount=priced.credit, kind="topup",
                       reason=cart.lines[priced.index].note or priced.description,
                       ref_type="invoice", ref_id=invoice.id, operator_id=staff_id,
                       card_id=card_id)
        if priced.kind == "repay":
            post_entry(session, customer_id=cart.customer_id, account="debt",
                       amount=-priced.amount, kind="repay", reason=invoice.code,
                       ref_type="invoice", ref_id=invoice.id, operator_id=staff_id)


def _unit_cost(session: Session, priced: PricedLine) -> int | None:
    """A product's cost price today, kept on its line (the cost-and-profit report's cost of
    this sale whatever the price becomes); None for anything else or a product without."""
    if priced.kind != "product" or priced.item_id is None:
        return None
    item = session.get(CatalogItem, priced.item_id)
    return item.cost_price if item is not None else None


def _write_payments(session: Session, invoice: Invoice, cart: Cart, q: Quote, *,
                    staff_id: int, point_value: int) -> None:
    assert invoice.id is not None  # flushed by checkout
    change_left = q.change
    kinds = method_kinds(session) if change_left else {}
    for payment in cart.payments:
        amount = payment.amount
        if change_left and kind_of(kinds, payment.method) == MethodKind.CASH:  # the change
            taken = min(change_left, amount)
            amount -= taken
            change_left -= taken
            if amount == 0:
                continue
        points = (rules.points_for_amount(amount, point_value=point_value)
                  if payment.method == "points" else 0)
        session.add(Payment(invoice_id=invoice.id, method=payment.method, amount=amount,
                            card_id=payment.card_id if payment.method == "value" else None,
                            points=points))
        ref = {"ref_type": "invoice", "ref_id": invoice.id, "operator_id": staff_id,
               "reason": invoice.code}
        if payment.method == "value":
            post_entry(session, customer_id=cart.customer_id, account="value", amount=-amount,
                       kind="pay", card_id=payment.card_id, **ref)
        elif payment.method == "points":
            post_entry(session, customer_id=cart.customer_id, account="points", amount=-points,
                       kind="spend", **ref)
        elif payment.method == "voucher":
            post_entry(session, customer_id=cart.customer_id, account="voucher",
                       amount=-amount, kind="pay", **ref)
        elif payment.method == "account":
            post_entry(session, customer_id=cart.customer_id, account="debt", amount=amount,
                       kind="charge", **ref)


def _check_repayments(session: Session, cart: Cart, q: Quote) -> None:
    repaying = sum(p.amount for p in q.lines if p.kind == "repay")
    if not repaying:
        return
    owed = debt_balance(session, customer_id=cart.customer_id)
    problem = rules.repayment_problem(owed=owed, repaying=repaying,
                                on_account=any(p.method == "account" for p in cart.payments))
    if problem == rules.MORE_THAN_OWED:
        raise RuleViolation(_("That is more than the customer owes."), field="line0.price")
    if problem is not None:
        raise RuleViolation(_("A debt cannot be repaid on account."), field="account")


def _link_extras(session: Session, invoice: Invoice, cart: Cart) -> None:
    if cart.promotion_id is not None:
        given = session.get(CustomerPromotion, cart.promotion_id)
        assert given is not None  # the quote's promotion_discount refused a missing one
        given.used_on = clock.today()
        given.invoice_id = invoice.id
        session.add(given)
    if cart.appointment_id is not None:
        booking = session.execute(select(Appointment).where(
            Appointment.id == cart.appointment_id).with_for_update()
        ).scalar_one_or_none()  # locked: two desks never pay one visit twice
        if booking is None or booking.customer_id != cart.customer_id:
            raise NotFound(_("That appointment is not this customer's."), field="appointment")
        if booking.invoice_id is not None or booking.status in ("cancelled", "no_show"):
            raise RuleViolation(_("That appointment cannot be paid."), field="appointment")
        booking.status = "paid"
        booking.invoice_id = invoice.id
        session.add(booking)
        add_event(session, appointment_id=booking.id or 0, staff_id=invoice.staff_id,
                  change="paid", note=invoice.code)


@boundary
def checkout(session: Session, *, staff_id: int, cart: Cart,
             idempotency_key: str, approved_by: int | None = None) -> CheckoutResult:
    """Write the invoice for ``cart``; or, if ``idempotency_key`` was confirmed before, return
    that invoice untouched. A price changed, a discount beyond the salon's limit or a
    waived payment needs its permission, or a manager's approval (``approved_by``):
    ``sales.permits``."""
    key = scoped_key("checkout", _check_key(idempotency_key))
    request = fingerprint("checkout", staff_id=staff_id, cart=asdict(cart))
    found = _existing(session, key, request)
    if found is not None:
        return _replay(session, found)
    require_staff(session, staff_id)
    if not cart.lines:
        raise ValidationError(_("Add at least one line."), field="lines")
    member_state, member_reason, group_id = None, "", None
    if cart.customer_id is not None:
        customer = load_customer(session, cart.customer_id)
        if customer.deleted_at is not None:
            raise RuleViolation(_("This customer is deleted; restore them first."),
                                field="customer")
        member_state, member_reason = customer.member_state, customer.member_reason
        group_id = customer.group_id
    settings = get_settings(session)
    q = quote(session, cart=cart)
    _validate_payments(session, cart, q, point_value=settings.point_value,
                       member_state=member_state, member_reason=member_reason)
    _check_repayments(session, cart, q)
    refuse_discounted_card_payment(session, quote=q, card_ids=[
        p.card_id for p in cart.payments if p.card_id is not None])
    kinds = {p.kind for p in q.lines}
    # The points rule the sale earns under, kept on the invoice (the scheme may change).
    rate = rules.points_rate(points_per_amount=settings.points_per_amount,
                             member_state=member_state)
    rule = sale_rule(session, group_id=group_id)
    benefit = tier_benefit(session, cart.customer_id) if cart.customer_id is not None else None
    if rate and benefit is not None and benefit.points_percent != 100:
        rule = replace(rule, tier_percent=benefit.points_percent)  # × the group's
    approver = None
    for permission in sale_permits(session, cart=cart, quote=q,
                                   limit_percent=settings.discount_limit_percent):
        approver = require_permission(session, staff_id=staff_id, permission=permission,
                                      approved_by=approved_by) or approver
    invoice = Invoice(
        code=codes.next_code(session, invoice_sequence(session, cart.branch_id)),
        customer_id=cart.customer_id, branch_id=cart.branch_id,
        created_at=clock.now(), kind="repayment" if kinds == {"repay"} else "sale",
        subtotal=q.subtotal, discount=q.discount, total=q.total, change_given=q.change,
        staff_id=staff_id, idempotency_key=key, note=(cart.note or "")[:250],
        request_hash=request,
        points_rate=rate, points_rule=rule.encode(),
    )
    session.add(invoice)
    session.flush()
    _write_lines(session, invoice, cart, q, staff_id=staff_id)
    _write_payments(session, invoice, cart, q, staff_id=staff_id,
                    point_value=settings.point_value)
    earned = 0
    if cart.customer_id is not None:
        earned = points_earned(session, q, cart=cart, rate=rate, rule=rule)
        if earned:
            post_entry(session, customer_id=cart.customer_id, account="points", amount=earned,
                       kind="earn", reason=invoice.code, ref_type="invoice",
                       ref_id=invoice.id, operator_id=staff_id)
    _link_extras(session, invoice, cart)
    session.flush()
    assert invoice.id is not None  # flushed above
    after: dict = {"code": invoice.code, "total": invoice.total, "cart": cart.to_json()}
    if benefit is not None:  # what the tier gave (the receipt's "Gold tier -5 %")
        after["tier"] = {"id": benefit.tier_id, "name": benefit.name,
                         "discount_percent": q.tier_percent, "discount": q.tier_discount,
                         "points_percent": rule.tier_percent, "refused": benefit.refused}
    audit.record(session, staff_id=staff_id, action="checkout", entity="invoice",
                 entity_id=invoice.id, after=after, approved_by=approver)
    moved = None
    if cart.customer_id is not None and invoice.kind == "sale":
        moved = refresh_tier(session, customer_id=cart.customer_id, staff_id=staff_id,
                             reason=_("Sale {code}").format(code=invoice.code))
    return CheckoutResult(invoice_id=invoice.id, code=invoice.code, total=invoice.total,
                          change=q.change, points_earned=earned, replayed=False,
                          tier_change=moved)
