"""The points scheme in the store (both engines): editing it (bad input answered at the
field, audited), a checkout earning under it and the customer's group, the rule kept on
the invoice, and ``check`` recomputing every invoice under its own rule."""

from __future__ import annotations

import json

import pytest
from refusals import case_id as _case_id
from refusals import one_case as _case
from sqlalchemy import text

from salontui.store.admin.groups import create_group, set_customer_group
from salontui.store.admin.points_scheme import get_points_scheme, update_points_scheme
from salontui.store.cart import Cart, CartLine, CartPayment
from salontui.store.catalog import create_item
from salontui.store.check import run_checks
from salontui.store.checkout import checkout
from salontui.store.errors import ValidationError
from salontui.store.ledger import ensure_card, points_balance
from salontui.store.models import LedgerEntry
from salontui.store.settings import update_settings

SCHEME = {"points_per_amount": 10_000, "point_value": 100, "services": True,
          "products": True, "packages": True, "topups": False, "rounding": "down",
          "expiry_days": None}


@pytest.fixture
def items(writer, staff_id):
    with writer() as s:
        return {
            "cut": create_item(s, staff_id=staff_id, name="Cắt tóc nữ", kind="service",
                               price=1_250_000),
            "oil": create_item(s, staff_id=staff_id, name="Dầu gội thảo dược", kind="product",
                               price=250_000),
        }


def _scheme(writer, staff_id, **changes):
    with writer() as s:
        return update_points_scheme(s, staff_id=staff_id, **(SCHEME | changes))


def _pay(writer, staff_id, cart, key):
    with writer() as s:
        return checkout(s, staff_id=staff_id, cart=cart, idempotency_key=key)


def _sale(customer_id, items, *payments, lines=("cut",)):
    total = sum(items[name].price for name in lines)
    return Cart(customer_id=customer_id,
                lines=[CartLine(kind="service" if name == "cut" else "product",
                                item_id=items[name].id) for name in lines],
                payments=list(payments) or [CartPayment("cash", total)])


def _rule_of(reader, invoice_id):
    with reader() as s:
        return s.execute(text("SELECT points_rate, points_rule FROM invoice WHERE id = :i"),
                         {"i": invoice_id}).one()


def _problems(engine):
    return [str(p) for p in run_checks(engine) if p.check not in ("integrity",)]


# -- the scheme --------------------------------------------------------------------------------


def test_the_scheme_is_read_changed_and_audited(writer, reader, staff_id):
    with reader() as s:
        scheme = get_points_scheme(s)
    assert (scheme.points_per_amount, scheme.point_value, scheme.rounding,
            scheme.expiry_days, scheme.topups) == (10_000, 100, "down", None, False)
    saved = _scheme(writer, staff_id, points_per_amount=20_000, point_value=200,
                    products=False, topups=True, rounding="nearest", expiry_days=365)
    with reader() as s:
        assert get_points_scheme(s) == saved
        before, after = s.execute(text(
            "SELECT before, after FROM audit_log WHERE action = 'update_points_scheme'")).one()
    assert json.loads(before)["points_per_amount"] == 10_000
    wanted = {"points_per_amount": 20_000, "products": False, "topups": True,
              "expiry_days": 365}
    assert json.loads(after).items() >= wanted.items()


def test_nothing_earning_is_allowed(writer, staff_id):
    saved = _scheme(writer, staff_id, services=False, products=False, packages=False,
                    topups=False)
    assert saved.earns_nothing


BAD = [
    ({"points_per_amount": 0}, "points_per_amount", "more than zero"),
    ({"points_per_amount": -10_000}, "points_per_amount", "more than zero"),
    ({"points_per_amount": 100_000_001}, "points_per_amount", "too large"),
    ({"points_per_amount": "10000"}, "points_per_amount", ""),
    ({"points_per_amount": True}, "points_per_amount", ""),
    ({"point_value": 0}, "point_value", "more than zero"),
    ({"point_value": -1}, "point_value", "more than zero"),
    ({"point_value": 10_001}, "point_value", "more than the amount spent"),
    ({"rounding": "up"}, "rounding", "down or nearest"),
    ({"rounding": "x" * 10_000}, "rounding", ""),
    ({"expiry_days": 0}, "expiry_days", "at least 1 day"),
    ({"expiry_days": -30}, "expiry_days", "at least 1 day"),
    ({"expiry_days": 3651}, "expiry_days", "at most 3650"),
    ({"services": "yes"}, "services", ""),
]


def test_bad_input_is_refused_at_its_field_and_nothing_is_written(writer, reader, staff_id):
    """Every case of BAD, each in its own write transaction."""
    failed: list[str] = []
    for change, field, says in BAD:
        with _case(failed, _case_id(change)):
            with pytest.raises(ValidationError) as refused, writer() as s:
                update_points_scheme(s, staff_id=staff_id, **(SCHEME | change))
            assert refused.value.field == field
            assert says in refused.value.message
            with reader() as s:
                assert get_points_scheme(s).points_per_amount == 10_000
                assert s.execute(text("SELECT count(*) FROM audit_log "
                                      "WHERE action = 'update_points_scheme'")).scalar() == 0
    assert not failed, "\n".join(failed)


def test_less_than_one_whole_unit_of_the_currency_is_refused(writer, staff_id):
    # VND has no minor unit: 1 đồng a point is the least; in USD one dollar (100 cents).
    _scheme(writer, staff_id, points_per_amount=1, point_value=1)
    with writer() as s:
        update_settings(s, staff_id=staff_id, currency="USD")
    with pytest.raises(ValidationError) as refused, writer() as s:
        update_points_scheme(s, staff_id=staff_id, **(SCHEME | {"points_per_amount": 50,
                                                                "point_value": 1}))
    assert refused.value.field == "points_per_amount"
    assert "one whole unit" in refused.value.message
    assert _scheme(writer, staff_id, points_per_amount=100, point_value=1).points_per_amount \
        == 100


# -- earning at the checkout -------------------------------------------------------------------


def test_a_group_earns_its_multiplier_rounded_as_the_scheme_says(
        writer, reader, engine, staff_id, customer_id, items, fixed_now):
    with writer() as s:
        vip = create_group(s, staff_id=staff_id, name="VIP", points_percent=150)
        set_customer_group(s, staff_id=staff_id, customer_id=customer_id, group_id=vip.id)
    first = _pay(writer, staff_id, _sale(customer_id, items), "down")
    assert first.points_earned == 187  # 1,250,000 at 10,000 a point × 150 %: 187.5
    assert _rule_of(reader, first.invoice_id) == (10_000, "service+product+package;150;down")
    _scheme(writer, staff_id, rounding="nearest")
    second = _pay(writer, staff_id, _sale(customer_id, items), "nearest")
    assert second.points_earned == 188
    assert _rule_of(reader, second.invoice_id)[1] == "service+product+package;150;nearest"
    with reader() as s:
        assert points_balance(s, customer_id=customer_id) == 375
    assert _problems(engine) == []


def test_only_the_kinds_the_scheme_names_earn(writer, engine, staff_id, customer_id, items,
                                             fixed_now):
    _scheme(writer, staff_id, products=False)
    both = _pay(writer, staff_id, _sale(customer_id, items, lines=("cut", "oil")), "mixed")
    assert both.points_earned == 125  # the product's 250,000 earns nothing
    _scheme(writer, staff_id, services=False, products=False, packages=False)
    none = _pay(writer, staff_id, _sale(customer_id, items), "none")
    assert none.points_earned == 0
    assert _problems(engine) == []


def test_the_kinds_that_earn_carry_their_share_of_the_discount(writer, engine, staff_id,
                                                               customer_id, items, fixed_now):
    """1,250,000 of services and 250,000 of products, 150,000 off: the services carry
    125,000 of it (5/6), so 1,125,000 earns 112 points."""
    _scheme(writer, staff_id, products=False)
    cart = _sale(customer_id, items, CartPayment("cash", 1_350_000), lines=("cut", "oil"))
    cart.discount = 150_000
    assert _pay(writer, staff_id, cart, "discount").points_earned == 112
    assert _problems(engine) == []


def test_top_ups_earn_once_and_the_card_money_does_not_earn_again(
        writer, reader, engine, staff_id, customer_id, items, fixed_now):
    with writer() as s:
        card = ensure_card(s, customer_id=customer_id)
    _scheme(writer, staff_id, topups=True)
    topup = _pay(writer, staff_id, Cart(
        customer_id=customer_id, lines=[CartLine(kind="topup", unit_price=2_000_000)],
        payments=[CartPayment("transfer", 2_000_000)]), "topup")
    assert topup.points_earned == 200
    spent = _pay(writer, staff_id, _sale(customer_id, items,
                                         CartPayment("value", 1_250_000, card_id=card)), "spend")
    assert spent.points_earned == 0
    # Without top-ups earning, the card's money earns when it is spent (the old rule).
    _scheme(writer, staff_id, topups=False)
    again = _pay(writer, staff_id, _sale(customer_id, items,
                                         CartPayment("value", 250_000, card_id=card),
                                         CartPayment("cash", 1_000_000)), "spend2")
    assert again.points_earned == 125
    assert _problems(engine) == []


def test_a_method_the_salon_counts_as_waived_earns_nothing(writer, engine, staff_id,
                                                           customer_id, items, fixed_now):
    with writer() as s:  # say the salon's "transfer" is a voucher the salon gives away
        s.execute(text("UPDATE payment_method SET kind = 'waived' WHERE code = 'transfer'"))
    sale = _pay(writer, staff_id, _sale(customer_id, items, CartPayment("transfer", 1_000_000),
                                        CartPayment("cash", 250_000)), "voucher")
    assert sale.points_earned == 25
    assert _problems(engine) == []


# -- check -------------------------------------------------------------------------------------


def test_changing_the_scheme_afterwards_changes_no_old_invoice(
        writer, reader, engine, staff_id, customer_id, items, fixed_now):
    with writer() as s:
        vip = create_group(s, staff_id=staff_id, name="VIP", points_percent=150)
        set_customer_group(s, staff_id=staff_id, customer_id=customer_id, group_id=vip.id)
    old = _pay(writer, staff_id, _sale(customer_id, items, lines=("cut", "oil")), "old")
    assert old.points_earned == 225
    _scheme(writer, staff_id, points_per_amount=50_000, services=False, rounding="nearest",
            topups=True)
    with writer() as s:
        s.execute(text("UPDATE customer_group SET points_percent = 300"))
    assert _problems(engine) == []
    with reader() as s:
        earned = s.execute(text("SELECT amount FROM ledger_entry WHERE kind = 'earn' "
                                "AND ref_id = :i"), {"i": old.invoice_id}).scalar()
    assert earned == 225
    assert _rule_of(reader, old.invoice_id) == (10_000, "service+product+package;150;down")


def test_an_invoice_before_the_scheme_is_checked_by_the_old_rule(
        writer, reader, engine, staff_id, customer_id, items, fixed_now):
    """A sale written as before 0005 (no rule kept) earns services, products and packages at
    100 % rounded down, whatever the scheme says now."""
    sale = _pay(writer, staff_id, _sale(customer_id, items), "legacy")
    with writer() as s:  # what the demo and every sale before 0005 wrote: no rule
        _behind_the_guard(s, "invoice", "UPDATE invoice SET points_rule = NULL")
    _scheme(writer, staff_id, services=False, rounding="nearest")
    problems = _problems(engine)
    # Rewriting the row broke its seal (as it must), and nothing else.
    assert problems and all("sealed books" in p for p in problems), problems
    assert sale.points_earned == 125


def _behind_the_guard(session, table, sql):
    """Run an UPDATE the append-only guard refuses, with the guard off, and put it back."""
    if session.get_bind().dialect.name == "sqlite":
        name = f"{table}_no_update"
        create = session.execute(text("SELECT sql FROM sqlite_master WHERE name = :n"),
                                 {"n": name}).scalar_one()
        session.execute(text(f"DROP TRIGGER {name}"))
        session.execute(text(sql))
        session.execute(text(create))
    else:
        session.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        session.execute(text(sql))
        session.execute(text(f"ALTER TABLE {table} ENABLE TRIGGER USER"))


def test_points_written_for_an_invoice_beyond_its_rule_are_caught(
        writer, engine, staff_id, customer_id, items, fixed_now):
    sale = _pay(writer, staff_id, _sale(customer_id, items), "sale")
    _scheme(writer, staff_id, rounding="nearest")  # a change of scheme is not tampering
    assert _problems(engine) == []
    with writer() as s:  # an extra 'earn' slipped in, sealed like any row
        s.add(LedgerEntry(customer_id=customer_id, account="points", created_at=fixed_now,
                          amount=1000, kind="earn", reason="HD000001", ref_type="invoice",
                          ref_id=sale.invoice_id, operator_id=staff_id))
    problems = _problems(engine)
    assert any("[points earned]" in p and "should be 125" in p for p in problems), problems
