"""What the checkout asks of card types (see :mod:`salontui.store.admin.card_types`):
which cards a top-up may go on, what it credits by default, the card it goes on (made
when the customer has none of that type), and whether a card may pay for a discounted
sale.

A top-up line names its card by type (``CartLine.card_type_id``) or, for the General
card and a customer's named card from before types existed, by name
(``CartLine.card_name``). The customer's card of a type is found by its link, whatever
it is called now; a customer's card of the same name without a type (typed freely
before) becomes that type's card rather than a second card of the same name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlmodel import Session

from salontui.i18n import _
from salontui.store import audit, clock, rules
from salontui.store.admin.card_types import load_card_type
from salontui.store.bounds import boundary
from salontui.store.db import for_update
from salontui.store.errors import NotFound, RuleViolation
from salontui.store.ledger import MAX_REASON, card_balances, ensure_card
from salontui.store.models import CardType, Customer, ValueCard, stored_id, table_of
from salontui.store.names import GENERAL_CARD, card_label
from salontui.store.sales import cart_rules
from salontui.store.text import clean_line, fold, quote

if TYPE_CHECKING:
    from salontui.store.cart import CartLine, Quote

MAX_NOTE = MAX_REASON  # the note is the top-up entry's reason
_CARD = table_of(ValueCard)
_TYPE = table_of(CardType)
_CUSTOMER = table_of(Customer)


@dataclass(frozen=True)
class TopUpChoice:
    """One card a top-up may go on, as the checkout's list shows it."""

    key: str  # "general", "type:<id>" or "card:<id>"
    name: str  # the type's name, the card's name, or GENERAL_CARD (as stored)
    card_type_id: int | None
    card_id: int | None  # the customer's card it goes on (None: the top-up makes it)
    card_name: str | None  # that card's own name (it may differ from a renamed type's)
    balance: int
    bonus_pay: int | None = None
    bonus_get: int | None = None
    discounts_apply: bool = True

    def credit(self, paid: int) -> int:
        """What this card is credited for ``paid`` by its type's bonus rule."""
        return rules.bonus_credit(paid, pay=self.bonus_pay, get=self.bonus_get)


def _customer_cards(session: Session, customer_id: int) -> list:
    return list(session.execute(
        select(_CARD.c.id, _CARD.c.name, _CARD.c.card_type_id)
        .where(_CARD.c.customer_id == customer_id).order_by(_CARD.c.id)))


@boundary
def topup_choices(session: Session, *, customer_id: int) -> list[TopUpChoice]:
    """The General card, then each card type in use (on the customer's card of it if they
    have one), then the customer's named cards without a type that no type of the same
    name stands for. A retired type is not offered (its cards still pay)."""
    if session.get(Customer, customer_id) is None:
        raise NotFound(_("No customer #{id}.").format(id=customer_id), field="customer")
    balances = {c.card_id: c.balance for c in card_balances(session, customer_id=customer_id)}
    cards = _customer_cards(session, customer_id)
    general = next((c for c in cards if c.name.casefold() == GENERAL_CARD.casefold()), None)
    choices = [TopUpChoice(key="general", name=GENERAL_CARD, card_type_id=None,
                           card_id=general.id if general else None,
                           card_name=general.name if general else None,
                           balance=balances.get(general.id, 0) if general else 0)]
    types = sorted(session.scalars(select(CardType).where(CardType.active)),  # type: ignore[arg-type]
                   key=lambda t: fold(t.name))
    for card_type in types:
        own = next((c for c in cards if c.card_type_id == card_type.id), None)
        choices.append(TopUpChoice(
            key=f"type:{card_type.id}", name=card_type.name, card_type_id=card_type.id,
            card_id=own.id if own else None, card_name=own.name if own else None,
            balance=balances.get(own.id, 0) if own else 0, bonus_pay=card_type.bonus_pay,
            bonus_get=card_type.bonus_get, discounts_apply=card_type.discounts_apply))
    type_names = {t.name.casefold() for t in types}
    for card in sorted(cards, key=lambda c: fold(c.name)):
        if (card.card_type_id is None and card is not general
                and card.name.casefold() not in type_names):
            choices.append(TopUpChoice(key=f"card:{card.id}", name=card.name,
                                       card_type_id=None, card_id=card.id,
                                       card_name=card.name, balance=balances.get(card.id, 0)))
    return choices


def topup_type(session: Session, card_type_id: int, *, field: str) -> CardType:
    """The card type a top-up names: it must exist and be in use."""
    card_type = load_card_type(session, card_type_id, field=field)
    if not card_type.active:
        raise RuleViolation(_("The card type {name} is retired: top up another card.").format(
            name=quote(card_type.name)), field=field)
    return card_type


def default_credit(session: Session, *, card_type_id: int | None, paid: int,
                   field: str) -> int:
    """What a top-up of ``paid`` credits when no other value is typed: by the type's bonus
    rule (none, or no type: what is paid)."""
    if card_type_id is None:
        return paid
    card_type = topup_type(session, card_type_id, field=field)
    return rules.bonus_credit(paid, pay=card_type.bonus_pay, get=card_type.bonus_get)


def topup_line_credit(session: Session, line: CartLine, *, paid: int, where: str) -> int:
    """A top-up line's credit as priced: the value typed, else by its type's bonus rule
    (else what is paid). Its type must be in use and its note fit a ledger entry's
    reason."""
    clean_line(line.note, field=f"{where}.note", limit=MAX_NOTE,
               too_long=_("Note is longer than {limit} characters."))
    default = default_credit(session, card_type_id=line.card_type_id, paid=paid,
                             field=f"{where}.card")
    return default if line.credit is None else line.credit


@boundary
def topup_card(session: Session, *, customer_id: int, card_name: str | None,
               card_type_id: int | None, staff_id: int) -> int:
    """The id of the card a top-up goes on, made (and audited) if the customer has none.

    By type: the customer's card linked to it; else their card of the type's name without
    a type, which is linked to it from now on; else a new card named as the type is now.
    A card of that name already of another type is refused (a type renamed to a name a
    customer's card of another type has). By name (no type): as ``ensure_card``."""
    if card_type_id is None:
        return ensure_card(session, customer_id=customer_id, name=card_name or GENERAL_CARD,
                           staff_id=staff_id)
    card_type = topup_type(session, card_type_id, field="card")
    session.execute(for_update(select(_CUSTOMER.c.id).where(_CUSTOMER.c.id == customer_id),
                               session))
    cards = _customer_cards(session, customer_id)
    own = next((c for c in cards if c.card_type_id == card_type_id), None)
    if own is not None:
        return int(own.id)
    same = next((c for c in cards if c.name.casefold() == card_type.name.casefold()), None)
    if same is not None:
        if same.card_type_id is not None:
            raise RuleViolation(_("This customer's card {card} is of another card type; top "
                                  "it up under that type.").format(card=quote(same.name)),
                                field="card")
        card = session.get(ValueCard, same.id)
        assert card is not None  # just read
        card.card_type_id = card_type_id
        session.add(card)
        audit.record(session, staff_id=staff_id, action="link_card_type", entity="value_card",
                     entity_id=same.id, before={"card_type_id": None},
                     after={"card_type_id": card_type_id})
        return int(same.id)
    card = ValueCard(customer_id=customer_id, name=card_type.name, created_at=clock.now(),
                     card_type_id=card_type_id)
    session.add(card)
    session.flush()
    audit.record(session, staff_id=staff_id, action="create_card", entity="value_card",
                 entity_id=card.id, after=audit.snapshot(card))
    return stored_id(card)


@boundary
def no_discount_cards(session: Session, *, customer_id: int) -> list[int]:
    """The customer's cards whose type pays for no discounted sale (for the checkout to say
    so at the payment field as it is typed)."""
    return list(session.execute(
        select(_CARD.c.id).join(_TYPE, _TYPE.c.id == _CARD.c.card_type_id)
        .where(_CARD.c.customer_id == customer_id, _TYPE.c.discounts_apply.is_(False))
        .order_by(_CARD.c.id)).scalars())


def refuse_discounted_card_payment(session: Session, *, card_ids: list[int],
                                   quote: Quote) -> None:
    """Refused at the stored-value payment field: paying a sale with any discount (a line's
    or the invoice's) from a card whose type says discounts do not apply."""
    if not card_ids or not cart_rules.discounted(quote):
        return
    rows = session.execute(
        select(_CARD.c.name, _TYPE.c.discounts_apply)
        .join(_TYPE, _TYPE.c.id == _CARD.c.card_type_id)
        .where(_CARD.c.id.in_(sorted(set(card_ids)))).order_by(_CARD.c.id))
    for name, discounts_apply in rows:
        problem = cart_rules.card_discount_problem(discounts_apply=bool(discounts_apply),
                                                   quote=quote)
        if problem is not None:
            raise RuleViolation(cart_rules.no_discounts_message(card_label(name)),
                                field="value")
