"""Ledgers: points, stored value (a general card plus named sub-cards) and debt.

Every change is a new row of ``ledger_entry``; rows are never updated or
deleted (the database's triggers refuse it). A balance is the SQL sum of a
customer's entries for one account (and one card, for stored value); a
running balance is the sum of the entries before a page plus the page's own
entries in order. Nothing stores a total that could drift from its entries.

Rules:

* Points, vouchers and each stored-value card never go below zero; debt is not
  checked here (the checkout decides what may be repaid or refunded).
* Customers excluded from loyalty (``member_state == "excluded"``) earn and
  spend no points: every points posting for them is refused.
* Amounts are signed integers: points, or minor units of the salon's
  currency. Zero is refused: an entry that changes nothing is noise.
* A value entry without a card goes on the customer's general card
  (``GENERAL_CARD``), created on first use.
* Read-then-write on a balance is safe: on SQLite the write session holds
  ``BEGIN IMMEDIATE``; on PostgreSQL the customer row is locked ``FOR UPDATE``
  before the balance is read.

:func:`post_entry` is the low-level write that checkout uses (its caller writes
the audit row). :func:`adjust_points`, :func:`adjust_card` and
:func:`care_action` are desk operations: each validates everything first, then
writes its entries and its audit rows in the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session

from salontui.i18n import _, ngettext
from salontui.store import audit, clock
from salontui.store.admin.permissions import require_permission
from salontui.store.bounds import boundary
from salontui.store.care import CARE_TYPES, insert_care_note
from salontui.store.db import for_update
from salontui.store.errors import NotFound, RuleViolation, ValidationError
from salontui.store.kinds import LedgerAccount, Permission
from salontui.store.models import (
    Customer,
    Invoice,
    LedgerEntry,
    Staff,
    ValueCard,
    stored_id,
    table_of,
)
from salontui.store.money import MAX_AMOUNT_MINOR, format_money
from salontui.store.names import GENERAL_CARD
from salontui.store.numbers import is_whole
from salontui.store.settings import get_settings
from salontui.store.staff import require_staff
from salontui.store.text import clean_line

ACCOUNTS = tuple(LedgerAccount)
MAX_REASON = 250
MAX_KIND = 20
MAX_REF_TYPE = 20
MAX_CARD_NAME = 60
MAX_POINTS = 10**12
CHUNK = 500  # ids per IN (...) list: far below every engine's parameter limit

_LE = table_of(LedgerEntry)
_CARD = table_of(ValueCard)
_STAFF = table_of(Staff)
_CUSTOMER = table_of(Customer)
_INVOICE = table_of(Invoice)


@dataclass(frozen=True)
class LedgerRow:
    """One entry of a ledger with the balance of its account (or card) after it."""

    id: int
    created_at: datetime
    account: str
    card_id: int | None
    card_name: str | None
    amount: int
    kind: str
    reason: str
    ref_type: str | None
    ref_id: int | None
    operator_name: str | None
    balance_after: int
    invoice_code: str | None = None  # the invoice it belongs to (ref_type "invoice")


@dataclass(frozen=True)
class CardBalance:
    card_id: int
    name: str
    balance: int


@dataclass(frozen=True)
class _CustomerState:
    id: int
    name: str
    member_state: str
    deleted: bool


# ---------------------------------------------------------------- validation helpers


def _check_account(account: str, *, allowed: Sequence[str] = ACCOUNTS) -> str:
    if account not in allowed:
        raise ValidationError(_("Account must be one of {accounts}.").format(
            accounts=", ".join(allowed)), field="account")
    return account


def _check_amount(amount: int, *, account: str, field: str = "amount") -> int:
    if not is_whole(amount):
        raise ValidationError(_("The amount must be a whole number."), field=field)
    if amount == 0:
        raise ValidationError(_("The amount cannot be zero."), field=field)
    limit = MAX_POINTS if account == "points" else MAX_AMOUNT_MINOR
    if abs(amount) > limit:
        raise ValidationError(_("That amount is too large."), field=field)
    return amount


def _clean_reason(value: str | None, *, required: bool = False) -> str:
    return clean_line(value, field="reason", limit=MAX_REASON,
                      required=_("Reason is required.") if required else None,
                      too_long=_("Reason is longer than {limit} characters."))


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def _lock_customers(session: Session, customer_ids: Sequence[int]) -> dict[int, _CustomerState]:
    """The customers' loyalty state, their rows locked on engines that need it."""
    found: dict[int, _CustomerState] = {}
    for chunk in _chunks(customer_ids):
        statement = for_update(
            select(_CUSTOMER.c.id, _CUSTOMER.c.name, _CUSTOMER.c.member_state,
                   _CUSTOMER.c.deleted_at).where(_CUSTOMER.c.id.in_(chunk)),
            session,
        )
        for cid, name, state, deleted_at in session.execute(statement):
            found[cid] = _CustomerState(cid, name, state, deleted_at is not None)
    return found


def _lock_customer(session: Session, customer_id: int) -> _CustomerState:
    if isinstance(customer_id, bool) or not isinstance(customer_id, int):
        raise NotFound(_("No customer #{id}.").format(id=customer_id), field="customer")
    found = _lock_customers(session, [customer_id])
    if customer_id not in found:
        raise NotFound(_("No customer #{id}.").format(id=customer_id), field="customer")
    return found[customer_id]


def _refuse_excluded(customer: _CustomerState) -> None:
    if customer.member_state == "excluded":
        raise RuleViolation(
            _("{name} is excluded from the loyalty program: "
              "no points can be given or taken.").format(name=customer.name),
            field="customer",
        )


def _refuse_deleted(customer: _CustomerState) -> None:
    if customer.deleted:
        raise RuleViolation(_("{name} is deleted; restore them first.").format(
            name=customer.name), field="customer")


def _points(n: int) -> str:
    return f"{n:,}"


def _money(session: Session, minor: int) -> str:
    s = get_settings(session)
    return format_money(minor, currency=s.currency, exponent=s.currency_exponent,
                        locale=s.locale)


def _refuse_points_below_zero(current: int, amount: int, *, who: str = "",
                              field: str = "amount") -> None:
    if current + amount < 0:
        if who:
            message = ngettext("{who}: only {left} point left; cannot deduct {n}.",
                               "{who}: only {left} points left; cannot deduct {n}.", current)
        else:
            message = ngettext("Only {left} point left; cannot deduct {n}.",
                               "Only {left} points left; cannot deduct {n}.", current)
        raise RuleViolation(message.format(who=who, left=_points(current), n=_points(-amount)),
                            field=field)


def _refuse_card_below_zero(session: Session, current: int, amount: int, card_name: str,
                            *, who: str = "", field: str = "amount") -> None:
    if current + amount < 0:
        if who:
            message = _("{who}: only {left} left on the {card} card; cannot deduct {n}.")
        else:
            message = _("Only {left} left on the {card} card; cannot deduct {n}.")
        raise RuleViolation(message.format(who=who, left=_money(session, current), card=card_name,
                                           n=_money(session, -amount)), field=field)


def _refuse_vouchers_below_zero(session: Session, current: int, amount: int, *,
                                field: str = "amount") -> None:
    if current + amount < 0:
        raise RuleViolation(_("Only {left} of vouchers left; cannot deduct {n}.").format(
            left=_money(session, current), n=_money(session, -amount)), field=field)


@boundary
def check_can_spend(session: Session, *, customer_id: int, points: int = 0,
                    card_amounts: dict[int, int] | None = None, vouchers: int = 0) -> None:
    """Refuse spending more points, stored value or vouchers than the customer has, naming
    the payment field ("points", "value" or "voucher") so the checkout shows it where it
    was typed.

    ``card_amounts`` maps a card id to the total to take from it. :func:`post_entry`
    checks again while writing; this is the early, friendly refusal.
    """
    if points:
        current = balance(session, customer_id=customer_id, account="points")
        _refuse_points_below_zero(current, -points, field="points")
    if vouchers:
        current = balance(session, customer_id=customer_id, account="voucher")
        _refuse_vouchers_below_zero(session, current, -vouchers, field="voucher")
    for card_id, amount in (card_amounts or {}).items():
        name = _card_of_customer(session, customer_id, card_id)
        current = balance(session, customer_id=customer_id, account="value", card_id=card_id)
        _refuse_card_below_zero(session, current, -amount, name, field="value")


# ---------------------------------------------------------------- balances


@boundary
def balance(session: Session, *, customer_id: int, account: str,
            card_id: int | None = None) -> int:
    """Sum of a customer's entries of ``account``. For "value", ``card_id`` None sums all
    cards; a card id sums that card only."""
    _check_account(account)
    statement = select(func.coalesce(func.sum(_LE.c.amount), 0)).where(
        _LE.c.customer_id == customer_id, _LE.c.account == account
    )
    if account == "value" and card_id is not None:
        statement = statement.where(_LE.c.card_id == card_id)
    return int(session.execute(statement).scalar_one())


@boundary
def points_balance(session: Session, *, customer_id: int) -> int:
    return balance(session, customer_id=customer_id, account="points")


@boundary
def debt_balance(session: Session, *, customer_id: int) -> int:
    return balance(session, customer_id=customer_id, account="debt")


def card_sort_key(card: CardBalance) -> tuple[bool, str, int]:
    """General card first, then by name: the order cards are shown in everywhere."""
    return (card.name != GENERAL_CARD, card.name.casefold(), card.card_id)


@boundary
def card_balances(session: Session, *, customer_id: int) -> list[CardBalance]:
    """Every stored-value card of the customer with its balance: General first, then by name.
    A card without entries shows 0."""
    statement = (
        select(_CARD.c.id, _CARD.c.name, func.coalesce(func.sum(_LE.c.amount), 0))
        .select_from(_CARD)
        .outerjoin(_LE, (_LE.c.card_id == _CARD.c.id) & (_LE.c.account == "value")
                   & (_LE.c.customer_id == _CARD.c.customer_id))
        .where(_CARD.c.customer_id == customer_id)
        .group_by(_CARD.c.id, _CARD.c.name)
    )
    cards = [CardBalance(card_id=cid, name=name, balance=int(total))
             for cid, name, total in session.execute(statement)]
    return sorted(cards, key=card_sort_key)


def _normalise_card_name(name: str | None) -> str:
    clean = clean_line(name, field="card_name", limit=MAX_CARD_NAME,
                       required=_("Card name is required."),
                       too_long=_("Card name is longer than {limit} characters."))
    return GENERAL_CARD if clean.casefold() == GENERAL_CARD.casefold() else clean


def _find_card(session: Session, customer_id: int, name: str) -> int | None:
    """A card of the customer by name, ignoring case (a customer has a handful of cards)."""
    statement = select(_CARD.c.id, _CARD.c.name).where(_CARD.c.customer_id == customer_id)
    wanted = name.casefold()
    for cid, card_name in session.execute(statement):
        if card_name.casefold() == wanted:
            return cid
    return None


@boundary
def ensure_card(session: Session, *, customer_id: int, name: str = GENERAL_CARD,
                staff_id: int | None = None) -> int:
    """The id of the customer's card called ``name`` (ignoring case); created if missing.

    Called from the desk with ``staff_id`` it is an operation of its own and writes
    one audit row when it creates the card. Called inside another operation
    (``staff_id`` None) the caller's audit row covers it.
    """
    if staff_id is not None:
        require_staff(session, staff_id)
    clean = _normalise_card_name(name)
    _lock_customer(session, customer_id)
    found = _find_card(session, customer_id, clean)
    if found is not None:
        return found
    card = ValueCard(customer_id=customer_id, name=clean, created_at=clock.now())
    session.add(card)
    session.flush()
    if staff_id is not None:
        audit.record(session, staff_id=staff_id, action="create_card", entity="value_card",
                     entity_id=card.id, after=audit.snapshot(card))
    return stored_id(card)


def _card_of_customer(session: Session, customer_id: int, card_id: int) -> str:
    row = session.execute(
        select(_CARD.c.customer_id, _CARD.c.name).where(_CARD.c.id == card_id)
    ).first()
    if row is None or row[0] != customer_id:
        raise NotFound(_("That stored-value card does not belong to this customer."),
                       field="card")
    return row[1]


# ---------------------------------------------------------------- writing entries


def _insert(session: Session, *, customer_id: int, account: str, card_id: int | None,
            amount: int, kind: str, reason: str, ref_type: str | None, ref_id: int | None,
            operator_id: int | None) -> LedgerEntry:
    entry = LedgerEntry(customer_id=customer_id, account=account, card_id=card_id,
                        created_at=clock.now(), amount=amount, kind=kind, reason=reason,
                        ref_type=ref_type, ref_id=ref_id, operator_id=operator_id)
    session.add(entry)
    session.flush()
    return entry


@boundary
def post_entry(
    session: Session,
    *,
    customer_id: int,
    account: str,
    amount: int,
    kind: str,
    reason: str = "",
    ref_type: str | None = None,
    ref_id: int | None = None,
    operator_id: int | None,
    card_id: int | None = None,
    allow_excluded: bool = False,
) -> int:
    """Append one entry and return its id. Low level (checkout): writes no audit row.

    Refused: an unknown account or customer, amount 0, a points entry for an
    excluded member, a card on a points/debt/voucher entry or a card of another customer,
    and a points, card or voucher balance that would go below zero. A value entry without
    ``card_id`` goes on the general card (created if needed).

    ``allow_excluded=True`` is for reversing points posted before the customer was
    excluded (a refund): the one case where an excluded member's points may move.
    """
    _check_account(account)
    _check_amount(amount, account=account)
    kind = clean_line(kind, field="kind", limit=MAX_KIND, required=_("Kind is required."),
                      too_long=_("Kind is longer than {limit} characters."))
    reason = _clean_reason(reason)
    if ref_type is not None:
        ref_type = clean_line(ref_type, field="ref_type", limit=MAX_REF_TYPE,
                              required=_("Reference type is required."),
                              too_long=_("Reference type is longer than {limit} characters."))
    customer = _lock_customer(session, customer_id)
    if account == "points" and not allow_excluded:
        _refuse_excluded(customer)
    if account != "value":
        if card_id is not None:
            raise ValidationError(_("Only stored-value entries have a card."), field="card")
        if account == "points":
            current = balance(session, customer_id=customer_id, account="points")
            _refuse_points_below_zero(current, amount)
        elif account == "voucher" and amount < 0:
            current = balance(session, customer_id=customer_id, account="voucher")
            _refuse_vouchers_below_zero(session, current, amount)
    else:
        if card_id is None:
            existing = _find_card(session, customer_id, GENERAL_CARD)
            current = 0 if existing is None else balance(
                session, customer_id=customer_id, account="value", card_id=existing)
            _refuse_card_below_zero(session, current, amount, GENERAL_CARD)
            card_id = existing if existing is not None else ensure_card(
                session, customer_id=customer_id)
        else:
            card_name = _card_of_customer(session, customer_id, card_id)
            current = balance(session, customer_id=customer_id, account="value",
                              card_id=card_id)
            _refuse_card_below_zero(session, current, amount, card_name)
    entry = _insert(session, customer_id=customer_id, account=account, card_id=card_id,
                    amount=amount, kind=kind, reason=reason, ref_type=ref_type, ref_id=ref_id,
                    operator_id=operator_id)
    return stored_id(entry)


def _to_row(entry: LedgerEntry, *, card_name: str | None, operator_name: str | None,
            balance_after: int) -> LedgerRow:
    return LedgerRow(
        id=stored_id(entry), created_at=entry.created_at, account=entry.account,
        card_id=entry.card_id, card_name=card_name, amount=entry.amount, kind=entry.kind,
        reason=entry.reason,
        ref_type=entry.ref_type, ref_id=entry.ref_id, operator_name=operator_name,
        balance_after=balance_after,
    )


@boundary
def adjust_points(session: Session, *, staff_id: int, customer_id: int, amount: int,
                  reason: str, approved_by: int | None = None) -> LedgerRow:
    """Give (amount > 0) or take back (amount < 0) points by hand, with a reason.

    Refused: amount 0, no reason, an unknown or deleted customer, an excluded
    member, and a decrease below zero ("Only 1,200 points left; cannot deduct
    5,000."). Writes one ``adjust`` entry (ref_type "adjustment") and one audit
    row on the customer with the balance before and after. The adjust_points permission,
    or a manager's approval (``approved_by``), is needed.
    """
    return adjust_balance(session, staff_id=staff_id, customer_id=customer_id,
                          account="points", amount=amount, reason=reason,
                          permission=Permission.ADJUST_POINTS, approved_by=approved_by)


# Audited adjustments by hand of an account without cards, by the audit row's action.
ADJUST_ACTIONS = {"points": "adjust_points", "voucher": "adjust_vouchers"}


def adjust_balance(session: Session, *, staff_id: int, customer_id: int, account: str,
                   amount: int, reason: str, permission: Permission | None = None,
                   approved_by: int | None = None) -> LedgerRow:
    """An adjustment by hand of ``account`` ("points" or "voucher"), with a reason: the
    body of :func:`adjust_points` and ``books.vouchers.adjust_vouchers`` (each is the
    boundary that checks its arguments). ``permission``: the one the desk's adjustment
    needs, checked after the input and the rules (a refusal that has nothing to do with
    rights comes first, and no manager is called over for it) and before anything is
    written; ``approved_by``: who approved it, for the audit row. A write that takes points
    as its own rule (points redeemed for a code, an import) calls it with no permission.

    Refused: amount 0, no reason, an unknown or deleted customer, for points an excluded
    member, and a decrease below zero. Writes one ``adjust`` entry (ref_type
    "adjustment") and one audit row (its action by :data:`ADJUST_ACTIONS`) on the customer,
    with the balance before and after under the account's name (``salontui check`` matches
    the two).
    """
    _check_account(account, allowed=tuple(ADJUST_ACTIONS))
    staff = require_staff(session, staff_id)
    _check_amount(amount, account=account)
    reason = _clean_reason(reason, required=True)
    customer = _lock_customer(session, customer_id)
    _refuse_deleted(customer)
    current = balance(session, customer_id=customer_id, account=account)
    if account == "points":
        _refuse_excluded(customer)
        _refuse_points_below_zero(current, amount)
    else:
        _refuse_vouchers_below_zero(session, current, amount)
    if permission is not None:
        approved_by = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                         permission=permission)
    entry = _insert(session, customer_id=customer_id, account=account, card_id=None,
                    amount=amount, kind="adjust", reason=reason, ref_type="adjustment",
                    ref_id=None, operator_id=staff.id)
    after = current + amount
    audit.record(session, staff_id=staff.id, action=ADJUST_ACTIONS[account],
                 entity="customer", entity_id=customer_id, before={account: current},
                 after={account: after, "amount": amount, "reason": reason,
                        "entry_id": entry.id}, approved_by=approved_by)
    return _to_row(entry, card_name=None, operator_name=staff.name, balance_after=after)


@boundary
def adjust_card(session: Session, *, staff_id: int, customer_id: int, card_name: str,
                amount: int, reason: str, approved_by: int | None = None) -> LedgerRow:
    """Add to (amount > 0) or take from (amount < 0) one stored-value card, with a reason.

    The card is found by name ignoring case ("general" is the General card) and
    created when money is first put on it. Refused: amount 0, no reason, an
    unknown or deleted customer, and a card balance going below zero. One
    ``adjust`` entry and one audit row (which notes whether the card was created).
    """
    staff = require_staff(session, staff_id)
    name = _normalise_card_name(card_name)
    _check_amount(amount, account="value")
    reason = _clean_reason(reason, required=True)
    customer = _lock_customer(session, customer_id)
    _refuse_deleted(customer)
    existing = _find_card(session, customer_id, name)
    current = 0 if existing is None else balance(
        session, customer_id=customer_id, account="value", card_id=existing)
    _refuse_card_below_zero(session, current, amount, name)
    approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                  permission=Permission.ADJUST_BALANCES)
    card_id = existing if existing is not None else ensure_card(
        session, customer_id=customer_id, name=name)
    entry = _insert(session, customer_id=customer_id, account="value", card_id=card_id,
                    amount=amount, kind="adjust", reason=reason, ref_type="adjustment",
                    ref_id=None, operator_id=staff.id)
    after = current + amount
    audit.record(session, staff_id=staff.id, action="adjust_card", entity="customer",
                 entity_id=customer_id,
                 before={"card": name, "card_id": card_id, "balance": current},
                 after={"card": name, "card_id": card_id, "balance": after, "amount": amount,
                        "reason": reason, "entry_id": entry.id,
                        "card_created": existing is None}, approved_by=approver)
    return _to_row(entry, card_name=name, operator_name=staff.name, balance_after=after)


# ---------------------------------------------------------------- history


@boundary
def ledger_history(session: Session, *, customer_id: int, account: str,
                   card_id: int | None = None, limit: int = 200,
                   offset: int = 0) -> list[LedgerRow]:
    """A page of a customer's entries of ``account``, newest first, each with the running
    balance after it and the code of its invoice, if any.

    For "value", ``card_id`` None lists every card; each row's balance is then that
    row's card's balance. Any page costs about the same, however long the history
    (a customer with 20,000 invoices): the page's rows come from the index, the
    balance before its oldest row is one indexed SUM (per card), and the running
    balance is carried through the page's rows only.
    """
    _check_account(account)
    if limit < 0 or offset < 0:
        raise ValidationError(_("Paging must not be negative."), field="limit")
    conditions = [_LE.c.customer_id == customer_id, _LE.c.account == account]
    if account == "value" and card_id is not None:
        conditions.append(_LE.c.card_id == card_id)
    ids = list(session.execute(
        select(_LE.c.id).where(*conditions).order_by(_LE.c.id.desc())
        .limit(limit).offset(offset)).scalars())
    if not ids:
        return []
    statement = (
        select(_LE.c.id, _LE.c.created_at, _LE.c.account, _LE.c.card_id, _LE.c.amount,
               _LE.c.kind, _LE.c.reason, _LE.c.ref_type, _LE.c.ref_id,
               _CARD.c.name.label("card_name"), _STAFF.c.name.label("operator_name"),
               _INVOICE.c.code.label("invoice_code"))
        .select_from(_LE)
        .outerjoin(_CARD, _CARD.c.id == _LE.c.card_id)
        .outerjoin(_STAFF, _STAFF.c.id == _LE.c.operator_id)
        .outerjoin(_INVOICE, (_LE.c.ref_type == "invoice") & (_INVOICE.c.id == _LE.c.ref_id))
        .where(_LE.c.id.in_(ids))
        .order_by(_LE.c.id)
    )
    page = list(session.execute(statement))
    before = session.execute(
        select(_LE.c.card_id, func.sum(_LE.c.amount))
        .where(*conditions, _LE.c.id < page[0].id).group_by(_LE.c.card_id))
    running = {cid: int(total or 0) for cid, total in before}
    rows = []
    for r in page:  # oldest first: carry each card's balance through the page
        running[r.card_id] = running.get(r.card_id, 0) + r.amount
        rows.append(LedgerRow(
            id=r.id, created_at=r.created_at, account=r.account, card_id=r.card_id,
            card_name=r.card_name, amount=r.amount, kind=r.kind, reason=r.reason,
            ref_type=r.ref_type, ref_id=r.ref_id, operator_name=r.operator_name,
            balance_after=running[r.card_id], invoice_code=r.invoice_code))
    rows.reverse()
    return rows


def card_history(session: Session, *, customer_id: int, card_id: int, limit: int = 200,
                 offset: int = 0) -> list[LedgerRow]:
    """A page of one stored-value card's history, newest first: top-ups, payments,
    refunds, adjustments and care actions, each with the card's balance after it, the
    invoice code and the operator. Refused (NotFound, field "card") when the card is
    not the customer's."""
    _card_of_customer(session, customer_id, card_id)
    return ledger_history(session, customer_id=customer_id, account="value", card_id=card_id,
                          limit=limit, offset=offset)


# ---------------------------------------------------------------- care actions


def _balances_of(session: Session, customer_ids: Sequence[int], account: str) -> dict[int, int]:
    """Points, or General-card balances, of many customers in one grouped query per chunk."""
    totals: dict[int, int] = {}
    for chunk in _chunks(customer_ids):
        statement = select(_LE.c.customer_id, func.sum(_LE.c.amount)).where(
            _LE.c.customer_id.in_(chunk), _LE.c.account == account
        )
        if account == "value":
            statement = statement.join(_CARD, _CARD.c.id == _LE.c.card_id).where(
                _CARD.c.name == GENERAL_CARD)
        for cid, total in session.execute(statement.group_by(_LE.c.customer_id)):
            totals[cid] = int(total or 0)
    return totals


@boundary
def care_action(session: Session, *, staff_id: int, customer_ids: list[int], account: str,
                amount: int, care_type: str, reason: str) -> int:
    """Give (amount > 0) or deduct (amount < 0) points or stored money (the General card)
    for many customers at once, as a care action; returns how many customers it touched.

    All or nothing: every customer is checked first (exists, not deleted, not
    excluded for points, enough points or money for a deduction) and any failure
    writes nothing for anyone; the message names the customer. A customer listed
    twice counts once. For each customer it writes a care note (type
    ``care_type``, the reason as description), a ``care`` entry referring to that
    note (ref_type "care", ref_id = the note's id) and one audit row on the
    customer with the balance before and after: one audit row per customer
    touched, so each customer's audit trail shows it.
    """
    staff = require_staff(session, staff_id)
    _check_account(account, allowed=("points", "value"))
    _check_amount(amount, account=account)
    kind = (care_type or "").strip().lower()
    if kind not in CARE_TYPES:
        raise ValidationError(_("Care type must be one of {types}.").format(
            types=", ".join(CARE_TYPES)), field="care_type")
    reason = _clean_reason(reason, required=True)
    ids: list[int] = []
    seen: set[int] = set()
    for cid in customer_ids or []:
        if isinstance(cid, bool) or not isinstance(cid, int):
            raise NotFound(_("No customer #{id}.").format(id=cid), field="customers")
        if cid not in seen:
            seen.add(cid)
            ids.append(cid)
    if not ids:
        raise ValidationError(_("Choose at least one customer."), field="customers")
    found = _lock_customers(session, ids)
    missing = [cid for cid in ids if cid not in found]
    if missing:
        listed = ", ".join(f"#{cid}" for cid in missing[:5])
        raise NotFound(_("No customer {ids}; nothing was given.").format(ids=listed),
                       field="customers")
    current = _balances_of(session, ids, account)
    for cid in ids:
        customer = found[cid]
        _refuse_deleted(customer)
        if account == "points":
            _refuse_excluded(customer)
            _refuse_points_below_zero(current.get(cid, 0), amount, who=customer.name)
        else:
            _refuse_card_below_zero(session, current.get(cid, 0), amount, GENERAL_CARD,
                                    who=customer.name)
    if account == "points":
        title = (ngettext("Gave {n} point", "Gave {n} points", abs(amount)) if amount > 0
                 else ngettext("Deducted {n} point", "Deducted {n} points", abs(amount))
                 ).format(n=_points(abs(amount)))
    else:
        title = (_("Added {amount} to the {card} card") if amount > 0
                 else _("Deducted {amount} from the {card} card")).format(
            amount=_money(session, abs(amount)), card=GENERAL_CARD)
    for cid in ids:
        card_id = ensure_card(session, customer_id=cid) if account == "value" else None
        note = insert_care_note(session, staff_id=staff.id, customer_id=cid, type=kind,
                                title=title, description=reason)
        entry = _insert(session, customer_id=cid, account=account, card_id=card_id,
                        amount=amount, kind="care", reason=reason, ref_type="care",
                        ref_id=note.id, operator_id=staff.id)
        before = current.get(cid, 0)
        audit.record(session, staff_id=staff.id, action="care_action", entity="customer",
                     entity_id=cid, before={account: before},
                     after={account: before + amount, "amount": amount, "care_type": kind,
                            "reason": reason, "entry_id": entry.id, "care_note_id": note.id,
                            "customers": len(ids)})
    return len(ids)
