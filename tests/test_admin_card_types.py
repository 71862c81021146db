"""Card types (副卡): named once with a bonus rule and whether discounts apply; a top-up
picks one (its card made and linked, credited by the rule, its note kept as the entry's
reason); a card whose type takes no discounts cannot pay a discounted sale; a type's
history across customers with its running balance. Bad input refused at the field with
nothing written."""

from __future__ import annotations

import json

import pytest
from refusals import refused_wrongly
from sqlalchemy import text

from salontui.store import rules
from salontui.store.admin.card_types import (
    card_type_history,
    create_card_type,
    list_card_types,
    set_card_type_active,
    update_card_type,
)
from salontui.store.cart import Cart, CartLine, CartPayment, quote
from salontui.store.catalog import create_item
from salontui.store.checkout import checkout
from salontui.store.customers import create_customer
from salontui.store.errors import NotFound, RuleViolation, ValidationError
from salontui.store.ledger import adjust_card, card_balances, card_history
from salontui.store.sales import cart_rules
from salontui.store.sales.card_topups import no_discount_cards, topup_choices


def audit_rows(engine, action):
    with engine.connect() as conn:
        return conn.execute(text("SELECT before, after FROM audit_log WHERE action = :a "
                                 "ORDER BY id"), {"a": action}).all()


def counts(engine) -> dict[str, int]:
    tables = ("card_type", "value_card", "invoice", "ledger_entry", "audit_log")
    with engine.connect() as conn:
        return {t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar() for t in tables}


def pay(writer, staff_id, cart, key):
    with writer() as s:
        return checkout(s, staff_id=staff_id, cart=cart, idempotency_key=key)


def top_up_cart(customer_id, paid, **line):
    return Cart(customer_id=customer_id,
                lines=[CartLine(kind="topup", unit_price=paid, **line)],
                payments=[CartPayment("cash", paid)])


# --------------------------------------------------------------------- the bonus rule


@pytest.mark.parametrize(("paid", "credited"), [
    (20_000_000, 22_000_000), (9_000_000, 9_000_000), (10_000_000, 11_000_000),
    (25_000_000, 27_000_000), (0, 0),
])
def test_bonus_credit_gives_the_bonus_per_whole_amount_paid(paid, credited):
    assert rules.bonus_credit(paid, pay=10_000_000, get=11_000_000) == credited


def test_bonus_credit_without_a_rule_credits_what_is_paid():
    assert rules.bonus_credit(5_000, pay=None, get=None) == 5_000
    assert rules.bonus_credit(5_000, pay=0, get=10) == 5_000


# --------------------------------------------------------------------- the section's rules


def test_create_edit_retire_and_count_cards(engine, writer, reader, staff_id, customer_id):
    with writer() as s:
        hair = create_card_type(s, staff_id=staff_id, name="  Thẻ   tóc ", bonus_pay=10_000_000,
                                bonus_get=11_000_000)
        nails = create_card_type(s, staff_id=staff_id, name="Thẻ móng", discounts_apply=False)
    assert (hair.name, hair.bonus_pay, hair.bonus_get, hair.discounts_apply) == (
        "Thẻ tóc", 10_000_000, 11_000_000, True)
    assert (nails.bonus_pay, nails.bonus_get, nails.discounts_apply) == (None, None, False)
    pay(writer, staff_id, top_up_cart(customer_id, 1_000_000, card_type_id=hair.id), "t1")
    with writer() as s:
        update_card_type(s, staff_id=staff_id, card_type_id=hair.id, name="Tóc VIP",
                         bonus_pay=5_000_000, bonus_get=6_000_000, discounts_apply=False)
    with reader() as s:
        rows = {t.name: t for t in list_card_types(s)}
        # The card sold before keeps the name it was made with; it is linked to the type.
        assert [c.name for c in card_balances(s, customer_id=customer_id)] == ["Thẻ tóc"]
    assert (rows["Tóc VIP"].cards, rows["Thẻ móng"].cards) == (1, 0)
    assert (rows["Tóc VIP"].bonus_pay, rows["Tóc VIP"].discounts_apply) == (5_000_000, False)
    [(before, after)] = audit_rows(engine, "update_card_type")
    assert json.loads(before)["name"] == "Thẻ tóc" and json.loads(after)["name"] == "Tóc VIP"
    with writer() as s:
        set_card_type_active(s, staff_id=staff_id, card_type_id=nails.id, active=False)
    with reader() as s:
        assert [t.name for t in list_card_types(s, active_only=True)] == ["Tóc VIP"]
        assert [t.name for t in list_card_types(s)][-1] == "Thẻ móng"  # retired last
    with writer() as s:
        set_card_type_active(s, staff_id=staff_id, card_type_id=nails.id, active=True)
    assert len(audit_rows(engine, "set_card_type_active")) == 2
    with writer() as s:  # the rule may be taken off again
        row = update_card_type(s, staff_id=staff_id, card_type_id=hair.id, name="Tóc VIP")
    assert (row.bonus_pay, row.bonus_get, row.cards) == (None, None, 1)


BAD = [
    ({"name": ""}, "name", "Name is required."),
    ({"name": "   "}, "name", "Name is required."),
    ({"name": "x" * 61}, "name", "longer than 60"),
    ({"name": "x" * 10_000}, "name", "longer than"),
    ({"name": "the tich"}, "name", "already a card type"),  # "Thẻ tích", folded
    ({"name": "GENERAL"}, "name", "general card"),
    ({"name": " general "}, "name", "general card"),
    ({"bonus_pay": 10_000}, "bonus_get", "both amounts"),
    ({"bonus_get": 10_000}, "bonus_pay", "both amounts"),
    ({"bonus_pay": 0, "bonus_get": 10}, "bonus_pay", "more than zero"),
    ({"bonus_pay": -5, "bonus_get": 10}, "bonus_pay", "more than zero"),
    ({"bonus_pay": 100, "bonus_get": 99}, "bonus_get", "less than the amount paid"),
    ({"bonus_pay": 100, "bonus_get": -1}, "bonus_get", "less than the amount paid"),
    ({"bonus_pay": 100, "bonus_get": 1_001}, "bonus_get", "10 times"),
    ({"bonus_pay": 1.5, "bonus_get": 2}, "bonus_pay", "whole"),
    ({"bonus_pay": 100, "bonus_get": "110"}, "bonus_get", "whole"),
    ({"bonus_pay": 10**16, "bonus_get": 10**16}, "bonus_pay", "too large"),
    ({"discounts_apply": "no"}, "discounts_apply", ""),
]


def test_bad_input_is_refused_at_the_field(engine, writer, staff_id):
    with writer() as s:
        create_card_type(s, staff_id=staff_id, name="Thẻ tích")

    def attempt(changes):
        with writer() as s:
            create_card_type(s, staff_id=staff_id, **({"name": "Thẻ tóc"} | changes))

    problems = refused_wrongly(BAD, attempt, lambda: counts(engine))
    assert not problems, "\n".join(problems)


def test_bad_edits_are_refused_and_change_nothing(engine, writer, reader, staff_id):
    with writer() as s:
        create_card_type(s, staff_id=staff_id, name="Thẻ tích")
        hair = create_card_type(s, staff_id=staff_id, name="Thẻ tóc", bonus_pay=100,
                                bonus_get=110)

    def attempt(changes):
        with writer() as s:
            update_card_type(s, staff_id=staff_id, card_type_id=hair.id,
                             **({"name": "Thẻ tóc"} | changes))

    def written():
        with reader() as s:
            row = next(t for t in list_card_types(s) if t.id == hair.id)
        return counts(engine), (row.name, row.bonus_pay, row.bonus_get)

    assert written()[1] == ("Thẻ tóc", 100, 110)
    problems = refused_wrongly(BAD[:10], attempt, written)
    assert not problems, "\n".join(problems)


def test_renaming_a_type_to_its_own_name_in_other_case_is_allowed(writer, staff_id):
    with writer() as s:
        hair = create_card_type(s, staff_id=staff_id, name="Thẻ tóc")
        assert update_card_type(s, staff_id=staff_id, card_type_id=hair.id,
                                name="THẺ TÓC").name == "THẺ TÓC"


def test_an_unknown_type_is_not_found(writer, reader, staff_id):
    with pytest.raises(NotFound), writer() as s:
        update_card_type(s, staff_id=staff_id, card_type_id=4242, name="X")
    with pytest.raises(NotFound), writer() as s:
        set_card_type_active(s, staff_id=staff_id, card_type_id=4242, active=False)
    with pytest.raises(NotFound), reader() as s:
        card_type_history(s, card_type_id=4242)


# --------------------------------------------------------------------- the top-up


def test_a_top_up_of_a_type_with_a_note_end_to_end(engine, writer, reader, staff_id,
                                                   customer_id, fixed_now):
    with writer() as s:
        hair = create_card_type(s, staff_id=staff_id, name="Thẻ tóc", bonus_pay=10_000_000,
                                bonus_get=11_000_000)
    cart = top_up_cart(customer_id, 20_000_000, card_type_id=hair.id,
                       note="  Khuyến mãi  Tết 2027 ")
    with reader() as s:
        assert quote(s, cart=cart).lines[0].credit == 22_000_000  # by the type's rule
    result = pay(writer, staff_id, cart, "t1")
    with reader() as s:
        [card] = card_balances(s, customer_id=customer_id)
        linked = s.execute(text("SELECT card_type_id, name FROM value_card WHERE id = :c"),
                           {"c": card.card_id}).one()
        [entry] = card_history(s, customer_id=customer_id, card_id=card.card_id)
        line_card = s.execute(text("SELECT card_id FROM invoice_line WHERE invoice_id = :i"),
                              {"i": result.invoice_id}).scalar()
    assert (card.name, card.balance) == ("Thẻ tóc", 22_000_000)
    assert tuple(linked) == (hair.id, "Thẻ tóc") and line_card == card.card_id
    assert (entry.kind, entry.amount, entry.reason, entry.invoice_code) == (
        "topup", 22_000_000, "Khuyến mãi Tết 2027", result.code)
    # A typed credit still wins over the rule; the same card takes the next top-up, even
    # after the type is renamed.
    with writer() as s:
        update_card_type(s, staff_id=staff_id, card_type_id=hair.id, name="Tóc VIP",
                         bonus_pay=10_000_000, bonus_get=11_000_000)
    pay(writer, staff_id, top_up_cart(customer_id, 9_000_000, card_type_id=hair.id,
                                      credit=9_500_000), "t2")
    with reader() as s:
        assert [(c.name, c.balance) for c in card_balances(s, customer_id=customer_id)] == [
            ("Thẻ tóc", 31_500_000)]
        entries = card_history(s, customer_id=customer_id, card_id=card.card_id)
    assert entries[0].reason == "Card top-up"  # no note: as before
    assert len(audit_rows(engine, "create_card")) == 1


def test_a_note_too_long_is_refused_at_the_line(engine, writer, staff_id, customer_id):
    before = counts(engine)
    with pytest.raises(ValidationError, match="longer than 250") as refused, writer() as s:
        checkout(s, staff_id=staff_id, cart=top_up_cart(customer_id, 100_000, note="x" * 251),
                 idempotency_key="t1")
    assert refused.value.field == "line0.note"
    assert counts(engine) == before


def test_a_retired_or_unknown_type_takes_no_top_up(engine, writer, staff_id, customer_id):
    with writer() as s:
        old = create_card_type(s, staff_id=staff_id, name="Thẻ cũ")
        set_card_type_active(s, staff_id=staff_id, card_type_id=old.id, active=False)
    before = counts(engine)
    with pytest.raises(RuleViolation, match="retired") as refused, writer() as s:
        checkout(s, staff_id=staff_id, idempotency_key="t1",
                 cart=top_up_cart(customer_id, 100_000, card_type_id=old.id))
    assert refused.value.field == "line0.card"
    with pytest.raises(NotFound), writer() as s:
        checkout(s, staff_id=staff_id, idempotency_key="t2",
                 cart=top_up_cart(customer_id, 100_000, card_type_id=4242))
    assert counts(engine) == before


def test_a_named_card_from_before_types_becomes_the_types_card(engine, writer, reader,
                                                               staff_id, customer_id):
    with writer() as s:
        adjust_card(s, staff_id=staff_id, customer_id=customer_id, card_name="thẻ tóc",
                    amount=300_000, reason="Opening balance")
        adjust_card(s, staff_id=staff_id, customer_id=customer_id, card_name="Nails",
                    amount=100_000, reason="Opening balance")
        hair = create_card_type(s, staff_id=staff_id, name="Thẻ tóc")
        create_card_type(s, staff_id=staff_id, name="Spa", discounts_apply=False)
        retired = create_card_type(s, staff_id=staff_id, name="Cũ")
        set_card_type_active(s, staff_id=staff_id, card_type_id=retired.id, active=False)
    with reader() as s:
        choices = topup_choices(s, customer_id=customer_id)
    # General, the types in use, then the customer's own named card without a type
    # ("thẻ tóc" is the type's, by its name).
    assert [(c.key.split(":")[0], c.name, c.balance) for c in choices] == [
        ("general", "General", 0), ("type", "Spa", 0), ("type", "Thẻ tóc", 0),
        ("card", "Nails", 100_000)]
    assert choices[1].discounts_apply is False
    pay(writer, staff_id, top_up_cart(customer_id, 200_000, card_type_id=hair.id), "t1")
    with reader() as s:
        cards = {c.name: c.balance for c in card_balances(s, customer_id=customer_id)}
        choices = topup_choices(s, customer_id=customer_id)
    assert cards == {"thẻ tóc": 500_000, "Nails": 100_000}
    mine = next(c for c in choices if c.card_type_id == hair.id)
    assert (mine.card_name, mine.balance) == ("thẻ tóc", 500_000)
    assert len(audit_rows(engine, "link_card_type")) == 1
    with pytest.raises(NotFound), reader() as s:
        topup_choices(s, customer_id=4242)


def test_a_type_renamed_onto_a_card_of_another_type_is_refused(writer, staff_id,
                                                              customer_id):
    with writer() as s:
        first = create_card_type(s, staff_id=staff_id, name="Tóc")
    pay(writer, staff_id, top_up_cart(customer_id, 100_000, card_type_id=first.id), "t1")
    with writer() as s:
        update_card_type(s, staff_id=staff_id, card_type_id=first.id, name="Tóc cũ")
        second = create_card_type(s, staff_id=staff_id, name="TÓC")
    with pytest.raises(RuleViolation, match="another card type"), writer() as s:
        checkout(s, staff_id=staff_id, idempotency_key="t2",
                 cart=top_up_cart(customer_id, 100_000, card_type_id=second.id))


def test_a_held_cart_from_before_notes_and_types_still_loads():
    old = json.dumps({"customer_id": 7, "lines": [
        {"kind": "topup", "item_id": None, "package_id": None, "card_name": "Tóc",
         "description": "", "quantity": 1, "unit_price": 500_000, "discount": 0,
         "credit": None, "staff_id": None, "picked_up": True}], "payments": [],
        "discount": 0, "promotion_id": None, "appointment_id": None, "note": "",
        "branch_id": None})
    [line] = Cart.from_json(old).lines
    assert (line.card_name, line.card_type_id, line.note) == ("Tóc", None, "")
    again = Cart.from_json(Cart(lines=[CartLine(kind="topup", card_type_id=3,
                                                note="Tết")]).to_json())
    assert (again.lines[0].card_type_id, again.lines[0].note) == (3, "Tết")


# --------------------------------------------------------------------- discounts


@pytest.fixture
def spa_card(writer, staff_id, customer_id):
    """A customer's card of a type whose discounts do not apply, holding 5,000,000."""
    with writer() as s:
        spa = create_card_type(s, staff_id=staff_id, name="Spa", discounts_apply=False)
    pay(writer, staff_id, top_up_cart(customer_id, 5_000_000, card_type_id=spa.id), "spa")
    with writer() as s:
        [card] = card_balances(s, customer_id=customer_id)
        cut = create_item(s, staff_id=staff_id, name="Cắt tóc nữ", kind="service",
                          price=1_000_000)
    return card.card_id, cut.id


@pytest.mark.parametrize("where", ["line", "invoice"])
def test_a_card_without_discounts_cannot_pay_a_discounted_sale(engine, writer, reader,
                                                               staff_id, customer_id,
                                                               spa_card, where):
    card_id, cut = spa_card
    line = CartLine(kind="service", item_id=cut, discount=100_000 if where == "line" else 0)
    cart = Cart(customer_id=customer_id, lines=[line],
                discount=100_000 if where == "invoice" else 0,
                payments=[CartPayment("value", 900_000, card_id=card_id)])
    before = counts(engine)
    with pytest.raises(RuleViolation, match="does not pay for a sale with a discount") as no, \
            writer() as s:
        checkout(s, staff_id=staff_id, cart=cart, idempotency_key="sale")
    assert no.value.field == "value"
    assert counts(engine) == before
    with reader() as s:
        assert no_discount_cards(s, customer_id=customer_id) == [card_id]
        assert cart_rules.card_discount_problem(discounts_apply=False,
                                                quote=quote(s, cart=cart)) == \
            cart_rules.NO_DISCOUNTS
    # Paid another way, or without the discount, it goes through.
    cart.payments = [CartPayment("cash", 900_000)]
    pay(writer, staff_id, cart, "cash")
    full = Cart(customer_id=customer_id, lines=[CartLine(kind="service", item_id=cut)],
                payments=[CartPayment("value", 1_000_000, card_id=card_id)])
    pay(writer, staff_id, full, "value")
    with reader() as s:
        assert card_balances(s, customer_id=customer_id)[0].balance == 4_000_000
        assert not cart_rules.card_discount_problem(discounts_apply=False,
                                                    quote=quote(s, cart=full))


def test_a_card_whose_discounts_apply_pays_a_discounted_sale(writer, reader, staff_id,
                                                            customer_id):
    with writer() as s:
        hair = create_card_type(s, staff_id=staff_id, name="Tóc")
        cut = create_item(s, staff_id=staff_id, name="Cắt", kind="service",
                          price=1_000_000).id
    pay(writer, staff_id, top_up_cart(customer_id, 2_000_000, card_type_id=hair.id), "t")
    with reader() as s:
        [card] = card_balances(s, customer_id=customer_id)
        assert no_discount_cards(s, customer_id=customer_id) == []
    pay(writer, staff_id, Cart(customer_id=customer_id, discount=100_000,
                               lines=[CartLine(kind="service", item_id=cut)],
                               payments=[CartPayment("value", 900_000,
                                                     card_id=card.card_id)]), "sale")


# --------------------------------------------------------------------- history


def test_a_types_history_across_customers_with_its_running_balance(writer, reader, staff_id,
                                                                   customer_id, fixed_now):
    with writer() as s:
        hair = create_card_type(s, staff_id=staff_id, name="Tóc", bonus_pay=1_000_000,
                                bonus_get=1_100_000)
        other = create_card_type(s, staff_id=staff_id, name="Spa")
        second = create_customer(s, staff_id=staff_id, name="Trần Văn Bình",
                                 phone="0905 111 222").id
        cut = create_item(s, staff_id=staff_id, name="Cắt", kind="service", price=300_000).id
    first = pay(writer, staff_id, top_up_cart(customer_id, 1_000_000, card_type_id=hair.id,
                                              note="Tết"), "a")
    pay(writer, staff_id, top_up_cart(second, 500_000, card_type_id=hair.id), "b")
    pay(writer, staff_id, top_up_cart(second, 700_000, card_type_id=other.id), "c")
    with reader() as s:
        card = next(c for c in card_balances(s, customer_id=customer_id))
    sale = pay(writer, staff_id, Cart(customer_id=customer_id,
                                      lines=[CartLine(kind="service", item_id=cut)],
                                      payments=[CartPayment("value", 300_000,
                                                            card_id=card.card_id)]), "d")
    with writer() as s:
        adjust_card(s, staff_id=staff_id, customer_id=second, card_name="Tóc",
                    amount=-50_000, reason="Correction")
    with reader() as s:
        rows = card_type_history(s, card_type_id=hair.id)
        page = card_type_history(s, card_type_id=hair.id, limit=2, offset=1)
        spa = card_type_history(s, card_type_id=other.id)
        assert card_type_history(s, card_type_id=hair.id, offset=10) == []
        with pytest.raises(ValidationError):
            card_type_history(s, card_type_id=hair.id, limit=-1)
    assert [(r.customer_name, r.kind, r.amount, r.balance_after) for r in rows] == [
        ("Trần Văn Bình", "adjust", -50_000, 1_250_000),
        ("Nguyễn Thị Hương", "pay", -300_000, 1_300_000),
        ("Trần Văn Bình", "topup", 500_000, 1_600_000),
        ("Nguyễn Thị Hương", "topup", 1_100_000, 1_100_000),
    ]
    assert rows[-1].reason == "Tết" and rows[-1].invoice_code == first.code
    assert rows[1].invoice_code == sale.code and rows[0].invoice_code is None
    assert all(r.operator_name for r in rows)
    assert [r.id for r in page] == [r.id for r in rows[1:3]]
    assert [r.balance_after for r in page] == [1_300_000, 1_600_000]
    assert [(r.amount, r.balance_after) for r in spa] == [(700_000, 700_000)]
