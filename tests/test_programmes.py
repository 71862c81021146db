"""Promotion programmes in the back office: what a programme's discount is on (scope), how
many times one customer may be given it, the prefix of the codes it gives, editing one;
and the checkout taking the discount off the scope's share only."""

from __future__ import annotations

import json
from datetime import date

import pytest
from refusals import case_id
from refusals import one_case as case
from sqlalchemy import text

from salontui.store import catalog
from salontui.store.cart import Cart, CartLine, CartPayment, quote
from salontui.store.checkout import checkout
from salontui.store.customers import create_customer
from salontui.store.errors import NotFound, RuleViolation, ValidationError
from salontui.store.promotions import (
    create_program,
    give_promotion,
    list_customer_promotions,
    list_programs,
    promotion_base,
    set_program_active,
    update_program,
)

TODAY = date(2026, 11, 23)  # the fixed_now fixture's date


def count(session, table: str) -> int:
    return session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def audits(session, action: str) -> list[tuple[str | None, str | None]]:
    return [tuple(r) for r in session.execute(text(
        "SELECT before, after FROM audit_log WHERE action = :a ORDER BY id"), {"a": action})]


@pytest.fixture
def tet(writer, staff_id, fixed_now):
    with writer() as s:
        return create_program(s, staff_id=staff_id, name="Tết 2027", description="Tết only",
                              valid_from=date(2026, 11, 1), valid_until=date(2027, 2, 28),
                              discount_percent=20, scope="services", per_customer_limit=1,
                              code_prefix="tet-")


def test_create_keeps_scope_limit_and_prefix(writer, reader, staff_id, tet):
    assert (tet.scope, tet.per_customer_limit, tet.code_prefix) == ("services", 1, "TET-")
    assert tet.given == 0 and tet.detail == "20% off services"
    with reader() as s:
        assert list_programs(s) == [tet]
        [(_before, after)] = audits(s, "create_program")
    stored = json.loads(after)
    assert (stored["scope"], stored["per_customer_limit"], stored["code_prefix"]) == (
        "services", 1, "TET-")


def test_defaults_are_all_sales_no_limit_no_prefix(writer, staff_id, customer_id, fixed_now):
    with writer() as s:
        made = create_program(s, staff_id=staff_id, name="Voucher", discount_amount=50_000)
        given = give_promotion(s, staff_id=staff_id, customer_id=customer_id,
                               program_id=made.id)
        again = give_promotion(s, staff_id=staff_id, customer_id=customer_id,
                               program_id=made.id)
    assert (made.scope, made.per_customer_limit, made.code_prefix) == ("all", None, "")
    assert (given.code, again.code) == ("KM000001", "KM000002")


def test_codes_are_prefix_and_the_one_km_sequence(writer, reader, staff_id, customer_id, tet):
    with writer() as s:
        plain = create_program(s, staff_id=staff_id, name="Refer a friend",
                               discount_percent=10, scope="products")
        first = give_promotion(s, staff_id=staff_id, customer_id=customer_id,
                               program_id=plain.id)
        second = give_promotion(s, staff_id=staff_id, customer_id=customer_id,
                                program_id=tet.id)
    assert (first.code, second.code) == ("KM000001", "TET-KM000002")
    # The customer's tab says what each is on.
    assert second.detail == "20% off services · Tết only"
    with reader() as s:
        listed = list_customer_promotions(s, customer_id=customer_id)
        programs = {p.name: p for p in list_programs(s, active_only=False)}
    assert [(p.code, p.detail) for p in listed] == [
        ("TET-KM000002", "20% off services · Tết only"), ("KM000001", "10% off products")]
    assert programs["Tết 2027"].given == 1 and programs["Refer a friend"].given == 1


def test_the_limit_per_customer_is_kept(writer, reader, staff_id, customer_id, tet):
    with writer() as s:
        other = create_customer(s, staff_id=staff_id, name="Lý Thanh Tâm",
                                phone="0977 888 999").id
        give_promotion(s, staff_id=staff_id, customer_id=customer_id, program_id=tet.id)
    with writer() as s:
        before = count(s, "audit_log")
        with pytest.raises(RuleViolation) as caught:
            give_promotion(s, staff_id=staff_id, customer_id=customer_id, program_id=tet.id)
        assert caught.value.field == "program"
        assert caught.value.message == (
            "Nguyễn Thị Hương already has 'Tết 2027': it is given once per customer.")
        assert count(s, "customer_promotion") == 1 and count(s, "audit_log") == before
    with writer() as s:  # the refusal used no code; another customer may have it
        assert give_promotion(s, staff_id=staff_id, customer_id=other,
                              program_id=tet.id).code == "TET-KM000002"
        twice = create_program(s, staff_id=staff_id, name="Twice", discount_percent=5,
                               per_customer_limit=2)
        for _ in range(2):
            give_promotion(s, staff_id=staff_id, customer_id=customer_id, program_id=twice.id)
    with writer() as s, pytest.raises(RuleViolation, match="2 times: it is given at most 2 times"):
        give_promotion(s, staff_id=staff_id, customer_id=customer_id, program_id=twice.id)
    with writer() as s:  # a higher limit lets one more be given
        update_program(s, staff_id=staff_id, program_id=twice.id, name="Twice",
                       discount_percent=5, per_customer_limit=3)
        assert give_promotion(s, staff_id=staff_id, customer_id=customer_id,
                              program_id=twice.id).code == "KM000005"


def test_update_changes_the_programme_and_given_codes_stay(writer, reader, staff_id,
                                                           customer_id, tet):
    with writer() as s:
        given = give_promotion(s, staff_id=staff_id, customer_id=customer_id,
                               program_id=tet.id)
    with writer() as s:
        changed = update_program(s, staff_id=staff_id, program_id=tet.id, name="Tết vui",
                                 description="", valid_until=date(2027, 3, 31),
                                 discount_amount=100_000, scope="all",
                                 per_customer_limit=None, code_prefix="XUAN")
    assert (changed.name, changed.valid_from, changed.valid_until) == (
        "Tết vui", date(2026, 11, 1), date(2027, 3, 31))  # no start given: it keeps its own
    assert (changed.discount_percent, changed.discount_amount, changed.scope) == (
        0, 100_000, "all")
    assert (changed.per_customer_limit, changed.code_prefix, changed.given) == (None, "XUAN", 1)
    with writer() as s:
        again = give_promotion(s, staff_id=staff_id, customer_id=customer_id,
                               program_id=tet.id)
    assert again.code == "XUANKM000002"
    with reader() as s:
        codes = [p.code for p in list_customer_promotions(s, customer_id=customer_id)]
        [(before, after)] = audits(s, "update_program")
    assert codes == ["XUANKM000002", given.code] and given.code == "TET-KM000001"
    assert json.loads(before)["code_prefix"] == "TET-"
    assert json.loads(after)["code_prefix"] == "XUAN"


def test_update_that_changes_nothing_writes_nothing(writer, staff_id, tet):
    with writer() as s:
        before = count(s, "audit_log")
        same = update_program(s, staff_id=staff_id, program_id=tet.id, name=" Tết 2027 ",
                              description="Tết only", valid_from=date(2026, 11, 1),
                              valid_until=date(2027, 2, 28), discount_percent=20,
                              scope="services", per_customer_limit=1, code_prefix="TET-")
        assert count(s, "audit_log") == before
    assert same == tet


def test_update_unknown_programme(writer, staff_id, fixed_now):
    with writer() as s, pytest.raises(NotFound) as caught:
        update_program(s, staff_id=staff_id, program_id=999, name="X")
    assert caught.value.field == "program"


def test_retire_and_restore_keep_the_count(writer, reader, staff_id, customer_id, tet):
    with writer() as s:
        give_promotion(s, staff_id=staff_id, customer_id=customer_id, program_id=tet.id)
        off = set_program_active(s, staff_id=staff_id, program_id=tet.id, active=False)
    assert off.active is False and off.given == 1
    with reader() as s:
        assert list_programs(s) == []


BAD = [
    ({"name": ""}, "name"),
    ({"name": "   "}, "name"),
    ({"name": "x" * 121}, "name"),
    ({"name": "x" * 10_000}, "name"),
    ({"description": "x" * 501}, "description"),
    ({"valid_from": date(2026, 12, 1), "valid_until": date(2026, 11, 30)}, "valid_until"),
    ({"valid_until": date(9999, 12, 31)}, "valid_until"),
    ({"discount_percent": 101}, "discount_percent"),
    ({"discount_percent": -1}, "discount_percent"),
    ({"discount_percent": 2.5}, "discount_percent"),
    ({"discount_percent": "10"}, "discount_percent"),
    ({"discount_amount": -1000}, "discount_amount"),
    ({"discount_amount": 10**18}, "discount_amount"),
    ({"discount_percent": 10, "discount_amount": 1000}, "discount_amount"),
    ({"scope": "nails"}, "scope"),
    ({"scope": ""}, "scope"),
    ({"per_customer_limit": 0}, "per_customer_limit"),
    ({"per_customer_limit": -1}, "per_customer_limit"),
    ({"per_customer_limit": 1001}, "per_customer_limit"),
    ({"per_customer_limit": "2"}, "per_customer_limit"),
    ({"code_prefix": "ABCDEFG"}, "code_prefix"),
    ({"code_prefix": "TẾT"}, "code_prefix"),
    ({"code_prefix": "A B"}, "code_prefix"),
    ({"code_prefix": "TET!"}, "code_prefix"),
    ({"code_prefix": "x" * 10_000}, "code_prefix"),
    ({"code_prefix": "km"}, "code_prefix"),
    ({"code_prefix": "KM-"}, "code_prefix"),
    ({"code_prefix": "HD1"}, "code_prefix"),
    ({"code_prefix": "KH"}, "code_prefix"),
    ({"code_prefix": "DV-"}, "code_prefix"),
]


def test_create_refuses_bad_input_and_writes_nothing(writer, staff_id, fixed_now):
    """Every case of BAD, each in its own write transaction."""
    failed: list[str] = []
    for kwargs, field in BAD:
        args = {"name": "Tết", **kwargs}
        with case(failed, case_id(kwargs)), writer() as s:
            before = count(s, "audit_log")
            with pytest.raises(ValidationError) as caught:
                create_program(s, staff_id=staff_id, **args)
            assert caught.value.field == field
            assert count(s, "promotion_program") == 0 and count(s, "audit_log") == before
    assert not failed, "\n".join(failed)


def test_update_refuses_bad_input_and_changes_nothing(writer, reader, staff_id, tet):
    """Every case of BAD, each in its own write transaction."""
    failed: list[str] = []
    for kwargs, field in BAD:
        args = {"name": "Tết", "discount_percent": 20, **kwargs}
        with case(failed, case_id(kwargs)):
            with writer() as s:
                before = count(s, "audit_log")
                with pytest.raises(ValidationError) as caught:
                    update_program(s, staff_id=staff_id, program_id=tet.id, **args)
                assert caught.value.field == field
                assert count(s, "audit_log") == before
            with reader() as s:
                assert list_programs(s, active_only=False) == [tet]
    assert not failed, "\n".join(failed)


def test_update_end_before_the_kept_start(writer, staff_id, tet):
    with writer() as s, pytest.raises(ValidationError, match="before the start") as caught:
        update_program(s, staff_id=staff_id, program_id=tet.id, name="Tết",
                       valid_until=date(2026, 10, 31))
    assert caught.value.field == "valid_until"


def test_a_prefix_is_tidied():
    from salontui.store.promotions import clean_prefix

    assert clean_prefix("  tet- ") == "TET-"
    assert clean_prefix("") == ""
    assert clean_prefix("K") == "K"  # KKM000001 reads as none of the salon's series


# --- the discount's scope ------------------------------------------------------------------


def test_the_base_is_the_scopes_share():
    lines = [("service", 200_000), ("product", 100_000), ("redeem", 0), ("topup", 500_000)]
    assert promotion_base(scope="services", lines=lines) == 200_000
    assert promotion_base(scope="products", lines=lines) == 100_000
    assert promotion_base(scope="all", lines=lines) == 300_000  # a top-up is not a sale
    assert promotion_base(scope="all", lines=[*lines, ("package", 1_000_000)]) == 1_300_000
    assert promotion_base(scope="services", lines=[*lines, ("package", 1_000_000)]) == 200_000
    # The manual discount is taken off every sales line in proportion.
    assert promotion_base(scope="services", lines=lines, manual=30_000) == 180_000
    assert promotion_base(scope="products", lines=lines, manual=30_000) == 90_000
    assert promotion_base(scope="all", lines=lines, manual=30_000) == 270_000
    assert promotion_base(scope="all", lines=lines, manual=400_000) == 0
    assert promotion_base(scope="products", lines=[("service", 100)]) == 0
    assert promotion_base(scope="services", lines=[]) == 0


@pytest.fixture
def shop(writer, staff_id, customer_id, fixed_now):
    with writer() as s:
        service = catalog.create_item(s, staff_id=staff_id, name="Nhuộm", kind="service",
                                      price=200_000)
        product = catalog.create_item(s, staff_id=staff_id, name="Dầu gội", kind="product",
                                      price=100_000)
    return service.id, product.id


def _cart(customer_id, staff_id, shop, promotion_id, discount=0, payments=()):
    service, product = shop
    return Cart(customer_id=customer_id, promotion_id=promotion_id, discount=discount,
                lines=[CartLine(kind="service", item_id=service, staff_id=staff_id),
                       CartLine(kind="product", item_id=product)],
                payments=list(payments))


SCOPES = [  # (scope, percent, amount, off) on the 200,000 service and 100,000 product
    ("services", 20, 0, 40_000),  # the worked example: 20% of the 200,000 service
    ("products", 20, 0, 20_000),
    ("all", 20, 0, 60_000),
    ("services", 0, 250_000, 200_000),  # an amount never more than the scope's share
    ("products", 0, 30_000, 30_000),
]


def test_the_checkout_takes_the_discount_off_the_scope(writer, reader, staff_id, customer_id,
                                                       shop):
    """Every case of SCOPES, each its own programme given in its own write transaction."""
    failed: list[str] = []
    for scope, percent, amount, off in SCOPES:
        with case(failed, f"{scope}, {percent}%, {amount:,}"):
            with writer() as s:
                program = create_program(s, staff_id=staff_id, name="P", scope=scope,
                                         discount_percent=percent, discount_amount=amount)
                promo = give_promotion(s, staff_id=staff_id, customer_id=customer_id,
                                       program_id=program.id)
            with reader() as s:
                q = quote(s, cart=_cart(customer_id, staff_id, shop, promo.id))
            assert (q.subtotal, q.discount, q.total) == (300_000, off, 300_000 - off)
    assert not failed, "\n".join(failed)


def test_the_worked_example_is_paid_and_the_manual_discount_shares(writer, reader, staff_id,
                                                                   customer_id, shop):
    with writer() as s:
        program = create_program(s, staff_id=staff_id, name="Tết", scope="services",
                                 discount_percent=20)
        promo = give_promotion(s, staff_id=staff_id, customer_id=customer_id,
                               program_id=program.id)
    with reader() as s:
        shared = quote(s, cart=_cart(customer_id, staff_id, shop, promo.id, discount=30_000))
    assert shared.discount == 30_000 + 36_000  # 20% of the service's 180,000 after its share
    with writer() as s:
        paid = checkout(s, staff_id=staff_id, idempotency_key="tet-1", cart=_cart(
            customer_id, staff_id, shop, promo.id, payments=[CartPayment("cash", 260_000)]))
        total = s.execute(text("SELECT total FROM invoice WHERE id = :i"),
                          {"i": paid.invoice_id}).scalar_one()
    assert total == 260_000
