"""The service catalog: plans of every kind, validation, lookup by code or name."""

from __future__ import annotations

import pytest
from refusals import refused_wrongly

from salontui.store.catalog import (
    create_item,
    find_items,
    get_item,
    set_item_active,
    update_item,
)
from salontui.store.errors import NotFound, RuleViolation, SalonError, ValidationError


@pytest.fixture
def catalog(writer, staff_id):
    with writer() as s:
        return {
            "wash": create_item(s, staff_id=staff_id, name="Gội đầu dưỡng sinh", kind="service",
                                price=150_000),
            "cut": create_item(s, staff_id=staff_id, name="Cắt tóc nữ", kind="service",
                               price=200_000, code="CAT01"),
            "oil": create_item(s, staff_id=staff_id, name="Dầu gội thảo dược", kind="product",
                               price=250_000),
            "ten": create_item(s, staff_id=staff_id, name="Gói gội đầu 10 lần", kind="package",
                               price=5980, package_kind="count", sessions=10,
                               validity_days=365),
            "year": create_item(s, staff_id=staff_id, name="Thẻ năm massage", kind="package",
                                price=1980, package_kind="time", validity_days=365),
            "gift": create_item(s, staff_id=staff_id, name="Quà tặng 8 buổi", kind="package",
                                price=0, package_kind="gift", sessions=8, validity_days=180),
        }


def test_codes_and_lookup(reader, catalog):
    assert catalog["wash"].code == "DV0001"
    with reader() as s:
        assert get_item(s, code="cat01").name == "Cắt tóc nữ"
        with pytest.raises(NotFound, match="XYZ"):
            get_item(s, code="XYZ")


def test_find_by_any_word_without_diacritics(reader, catalog):
    with reader() as s:
        # names starting with the word first (alphabetically), then the word inside a name
        assert [r.name for r in find_items(s, query="goi")] == [
            "Gội đầu dưỡng sinh", "Gói gội đầu 10 lần", "Dầu gội thảo dược"]
        assert [r.name for r in find_items(s, query="thao duoc")] == ["Dầu gội thảo dược"]
        assert [r.code for r in find_items(s, query="CAT")] == ["CAT01"]
        assert [r.name for r in find_items(s, query="goi", kind="product")] == [
            "Dầu gội thảo dược"]


def test_retired_items_are_not_offered(writer, reader, staff_id, catalog):
    with writer() as s:
        set_item_active(s, staff_id=staff_id, item_id=catalog["oil"].id, active=False)
    with reader() as s:
        assert find_items(s, query="thao") == []


BAD_ITEMS = [
    ({"name": "", "kind": "service", "price": 1}, "name"),
    ({"name": "X", "kind": "robot", "price": 1}, "kind"),
    ({"name": "X", "kind": "service", "price": -1}, "price"),
    ({"name": "X", "kind": "package", "price": 1, "package_kind": "count",
      "validity_days": 30}, "sessions"),
    ({"name": "X", "kind": "package", "price": 5, "package_kind": "gift", "sessions": 2,
      "validity_days": 30}, "price"),
    ({"name": "X", "kind": "package", "price": 5, "package_kind": "time"}, "validity_days"),
    ({"name": "X", "kind": "service", "price": 1, "code": "CAT01"}, "code"),
]


def test_bad_items_are_refused(writer, staff_id, catalog):
    """Every case of BAD_ITEMS, each in its own write transaction: a ValidationError at its
    field."""
    def attempt(fields):
        with writer() as s:
            create_item(s, staff_id=staff_id, **fields)

    problems = refused_wrongly(BAD_ITEMS, attempt)
    assert not problems, "\n".join(problems)


# -- the back office: every field of each kind, edits, retiring, deleting, the list ----------


def audit_count(reader) -> int:
    from sqlalchemy import text

    with reader() as s:
        return s.execute(text("SELECT count(*) FROM audit_log")).scalar()


@pytest.fixture
def office(writer, staff_id):
    """A service, a product and a count plan covering the service."""
    with writer() as s:
        cut = create_item(s, staff_id=staff_id, name="Cắt tóc nữ", kind="service",
                          price=200_000, code="CAT01", category="Tóc", duration_minutes=45,
                          commission_percent=10)
        wax = create_item(s, staff_id=staff_id, name="Sáp vuốt tóc", kind="product",
                          price=180_000, category="Bán lẻ", cost_price=95_000,
                          track_stock=True, can_leave=True)
        plan = create_item(s, staff_id=staff_id, name="Gói cắt 5 lần", kind="package",
                           price=900_000, package_kind="count", sessions=5,
                           validity_days=180, service_ids=[cut.id])
    return {"cut": cut, "wax": wax, "plan": plan}


def test_each_kind_keeps_its_own_fields(reader, office):
    with reader() as s:
        cut = get_item(s, item_id=office["cut"].id)
        wax = get_item(s, code=office["wax"].code)
        plan = get_item(s, item_id=office["plan"].id)
    assert (cut.category, cut.duration_minutes, cut.commission_percent) == ("Tóc", 45, 10)
    assert (cut.cost_price, cut.track_stock, cut.can_leave) == (None, False, False)
    assert (wax.cost_price, wax.track_stock, wax.can_leave) == (95_000, True, True)
    assert wax.duration_minutes is None
    assert (plan.package_kind, plan.sessions, plan.validity_days) == ("count", 5, 180)
    assert plan.service_ids == (office["cut"].id,) and plan.service_codes == ("CAT01",)


def test_the_old_constructor_of_a_row_still_works():
    from salontui.store.catalog import CatalogRow

    row = CatalogRow(1, "DV0001", "Gội", "service", 100, None, None, None, True)
    assert (row.category, row.duration_minutes, row.service_ids) == ("", None, ())


BAD_FIELDS = [
    ({"name": "   ", "kind": "service", "price": 1}, "name"),
    ({"name": "X" * 121, "kind": "service", "price": 1}, "name"),
    ({"name": "X" * 10_000, "kind": "service", "price": 1}, "name"),
    ({"name": "X", "kind": "service", "price": 1, "category": "C" * 61}, "category"),
    ({"name": "X", "kind": "service", "price": 10**16}, "price"),
    ({"name": "X", "kind": "service", "price": 1, "code": "cat01"}, "code"),
    ({"name": "X", "kind": "service", "price": 1, "code": "A B"}, "code"),
    ({"name": "X", "kind": "service", "price": 1, "code": "DV1234567890"}, "code"),
    ({"name": "X", "kind": "service", "price": 1, "duration_minutes": -5},
     "duration_minutes"),
    ({"name": "X", "kind": "service", "price": 1, "duration_minutes": 0}, "duration_minutes"),
    ({"name": "X", "kind": "service", "price": 1, "duration_minutes": 1441},
     "duration_minutes"),
    ({"name": "X", "kind": "service", "price": 1, "commission_percent": 101},
     "commission_percent"),
    ({"name": "X", "kind": "service", "price": 1, "commission_percent": -1},
     "commission_percent"),
    ({"name": "X", "kind": "service", "price": 1, "cost_price": 5}, "cost_price"),
    ({"name": "X", "kind": "product", "price": 1, "cost_price": -5}, "cost_price"),
    ({"name": "X", "kind": "product", "price": 1, "duration_minutes": 30},
     "duration_minutes"),
    ({"name": "X", "kind": "service", "price": 1, "can_leave": True}, "can_leave"),
    ({"name": "X", "kind": "service", "price": 1, "service_ids": [1]}, "services"),
    ({"name": "X", "kind": "product", "price": 1, "validity_days": 30}, "validity_days"),
    ({"name": "X", "kind": "package", "price": 1, "package_kind": "count", "sessions": 2,
      "validity_days": 30, "service_ids": [99_999]}, "services"),
]


def test_bad_fields_are_refused_at_the_field_and_nothing_is_written(
        writer, reader, staff_id, office):
    """Every case of BAD_FIELDS, each in its own write transaction: a SalonError at its
    field, and no audit entry."""
    def attempt(fields):
        with writer() as s:
            create_item(s, staff_id=staff_id, **fields)

    problems = refused_wrongly(BAD_FIELDS, attempt, error=SalonError,
                               written=lambda: audit_count(reader))
    assert not problems, "\n".join(problems)


def test_a_plan_covers_active_services_only(writer, reader, staff_id, office):
    with writer() as s:
        set_item_active(s, staff_id=staff_id, item_id=office["cut"].id, active=False)
    plan = {"name": "Gói mới", "kind": "package", "price": 1, "package_kind": "count",
            "sessions": 2, "validity_days": 30}
    with pytest.raises(RuleViolation, match="retired") as caught, writer() as s:
        create_item(s, staff_id=staff_id, **plan, service_ids=[office["cut"].id])
    assert caught.value.field == "services"
    with pytest.raises(ValidationError, match="not a service") as caught, writer() as s:
        create_item(s, staff_id=staff_id, **plan, service_ids=[office["wax"].id])
    assert caught.value.field == "services"
    # A plan that already covered a service now retired keeps it when edited.
    old = office["plan"]
    with writer() as s:
        kept = update_item(s, staff_id=staff_id, item_id=old.id, code=old.code, name=old.name,
                           price=950_000, package_kind="count", sessions=5,
                           validity_days=180, service_ids=[office["cut"].id])
    assert kept.price == 950_000 and kept.service_ids == (office["cut"].id,)


def test_service_codes_typed_in_a_form_are_resolved(reader, office):
    from salontui.store.catalog import service_ids_for

    with reader() as s:
        assert service_ids_for(s, services=["cat01", " "]) == [office["cut"].id]
        with pytest.raises(NotFound) as caught:
            service_ids_for(s, services=["NOPE"])
        assert caught.value.field == "services"
        with pytest.raises(ValidationError, match="not a service"):
            service_ids_for(s, services=[office["wax"].code])


def test_update_changes_every_field_and_is_audited(writer, reader, staff_id, office):
    from salontui.store.audit import history

    cut = office["cut"]
    with writer() as s:
        row = update_item(s, staff_id=staff_id, item_id=cut.id, code="cat02",
                          name="Cắt tạo kiểu", price=250_000, category="Tóc nữ",
                          duration_minutes=60, commission_percent=15)
    assert (row.code, row.name, row.price, row.category) == ("CAT02", "Cắt tạo kiểu", 250_000,
                                                              "Tóc nữ")
    assert (row.duration_minutes, row.commission_percent) == (60, 15)
    wax = office["wax"]
    with writer() as s:
        row = update_item(s, staff_id=staff_id, item_id=wax.id, code=wax.code, name=wax.name,
                          price=190_000, cost_price=100_000, track_stock=False,
                          can_leave=True)
    assert (row.price, row.cost_price, row.track_stock, row.can_leave) == (
        190_000, 100_000, False, True)
    plan = office["plan"]
    with writer() as s:
        row = update_item(s, staff_id=staff_id, item_id=plan.id, code=plan.code,
                          name=plan.name, price=0, package_kind="gift", sessions=3,
                          validity_days=90, service_ids=[])
    assert (row.package_kind, row.sessions, row.validity_days, row.service_ids) == (
        "gift", 3, 90, ())
    with reader() as s:
        [entry, *_older] = history(s, entity="catalog_item", entity_id=cut.id)
        assert entry.action == "update_item"
        assert '"price": 200000' in entry.before and '"price": 250000' in entry.after
        assert find_items(s, query="tao kieu")[0].code == "CAT02"


def test_update_refuses_at_the_field_and_writes_nothing(writer, reader, staff_id, office):
    cut = office["cut"]
    same = {"item_id": cut.id, "code": cut.code, "name": cut.name, "price": cut.price}
    cases = [
        ({"kind": "product"}, "kind"),
        ({"code": office["wax"].code}, "code"),
        ({"name": ""}, "name"),
        ({"price": -1}, "price"),
        ({"duration_minutes": -30}, "duration_minutes"),
        ({"commission_percent": 150}, "commission_percent"),
        ({"service_ids": [cut.id]}, "services"),
    ]
    before = audit_count(reader)
    for change, field in cases:
        with pytest.raises(SalonError) as caught, writer() as s:
            update_item(s, staff_id=staff_id, **(same | change))
        assert caught.value.field == field, (change, caught.value.message)
    assert audit_count(reader) == before
    with reader() as s:
        assert get_item(s, item_id=cut.id) == cut


def test_a_code_typed_in_the_dv_series_moves_the_counter(writer, staff_id):
    with writer() as s:
        create_item(s, staff_id=staff_id, name="Gội", kind="service", price=1, code="dv0050")
        auto = create_item(s, staff_id=staff_id, name="Sấy", kind="service", price=1)
    assert auto.code == "DV0051"


def test_the_list_shows_retired_items_after_active_ones(writer, reader, staff_id, office):
    from salontui.store.catalog import search_catalogue

    with writer() as s:
        set_item_active(s, staff_id=staff_id, item_id=office["cut"].id, active=False)
        create_item(s, staff_id=staff_id, name="Cắt mái 100% tự nhiên", kind="service",
                    price=50_000)
    with reader() as s:
        every = search_catalogue(s, query="")
        assert [r.name for r in every] == ["Cắt mái 100% tự nhiên", "Gói cắt 5 lần",
                                           "Sáp vuốt tóc", "Cắt tóc nữ"]
        assert [r.active for r in every] == [True, True, True, False]
        assert [r.name for r in search_catalogue(s, query="cat")] == [
            "Cắt mái 100% tự nhiên", "Gói cắt 5 lần", "Cắt tóc nữ"]
        assert [r.name for r in search_catalogue(s, query="TOC")] == ["Sáp vuốt tóc",
                                                                       "Cắt tóc nữ"]
        assert [r.code for r in search_catalogue(s, query="cat0")] == ["CAT01"]
        assert [r.name for r in search_catalogue(s, query="cat", include_inactive=False,
                                                 kind="service")] == ["Cắt mái 100% tự nhiên"]
        assert search_catalogue(s, query="%") == []  # a LIKE wildcard is a character
        assert [r.name for r in search_catalogue(s, query="100%")] == ["Cắt mái 100% tự nhiên"]
        assert search_catalogue(s, query="goi", kind="package")[0].service_codes == ("CAT01",)
        assert len(search_catalogue(s, query="", limit=2)) == 2
        assert search_catalogue(s, query="x" * 1_000) == []  # cut to a search box's length


def test_delete_only_what_was_never_sold(writer, reader, staff_id, customer_id, office):
    from salontui.store.cart import Cart, CartLine, CartPayment
    from salontui.store.catalog import check_deletable, delete_item
    from salontui.store.checkout import checkout
    from salontui.store.packages import sell_package

    with writer() as s:
        spare = create_item(s, staff_id=staff_id, name="Hấp dầu", kind="service", price=1)
        checkout(s, staff_id=staff_id, idempotency_key="d1", cart=Cart(
            customer_id=customer_id, lines=[CartLine(kind="product", item_id=office["wax"].id)],
            payments=[CartPayment("cash", office["wax"].price)]))
    before = audit_count(reader)
    refusals = [(office["wax"], "has been sold"), (office["cut"], "covered by a package plan")]
    for item, message in refusals:
        with pytest.raises(RuleViolation, match=message), reader() as s:
            check_deletable(s, item_id=item.id)
        with pytest.raises(RuleViolation, match="retire it"), writer() as s:
            delete_item(s, staff_id=staff_id, item_id=item.id)
    assert audit_count(reader) == before
    # The plan covering the service was never sold: it goes (its services with it), and
    # then the service is free to go too.
    with writer() as s:
        gone = delete_item(s, staff_id=staff_id, item_id=office["plan"].id)
        delete_item(s, staff_id=staff_id, item_id=office["cut"].id)
        delete_item(s, staff_id=staff_id, item_id=spare.id)
    assert gone.service_ids == (office["cut"].id,)
    assert audit_count(reader) == before + 3
    with reader() as s:
        for item in (office["plan"], office["cut"], spare):
            with pytest.raises(NotFound):
                get_item(s, item_id=item.id)
    # A plan sold to a customer stays.
    with writer() as s:
        plan = create_item(s, staff_id=staff_id, name="Thẻ tháng", kind="package", price=10,
                           package_kind="time", validity_days=30)
        sell_package(s, staff_id=staff_id, customer_id=customer_id, plan_id=plan.id)
    with pytest.raises(RuleViolation, match="sold to customers"), writer() as s:
        delete_item(s, staff_id=staff_id, item_id=plan.id)


def test_a_new_price_is_for_new_lines_only(writer, reader, staff_id, customer_id, office,
                                           fixed_now):
    """Change an item's price and name: the receipt of an invoice already paid prints the
    very same bytes, and the next checkout sells at the new price under the new name."""
    from salontui.store.cart import Cart, CartLine, CartPayment
    from salontui.store.checkout import checkout
    from salontui.store.invoices import get_invoice
    from salontui.store.receipts import receipt_text
    from salontui.store.settings import get_settings

    cut = office["cut"]

    def sell(key: str, price: int) -> int:
        with writer() as s:
            return checkout(s, staff_id=staff_id, idempotency_key=key, cart=Cart(
                customer_id=customer_id, lines=[CartLine(kind="service", item_id=cut.id)],
                payments=[CartPayment("cash", price)])).invoice_id

    def receipt(invoice_id: int) -> bytes:
        with reader() as s:
            return receipt_text(get_invoice(s, invoice_id=invoice_id), get_settings(s),
                                width=48, local_time="23/11/2026 09:30").encode()

    first = sell("p1", 200_000)
    printed = receipt(first)
    with writer() as s:
        update_item(s, staff_id=staff_id, item_id=cut.id, code=cut.code,
                    name="Cắt tóc nữ cao cấp", price=260_000, duration_minutes=45)
    assert receipt(first) == printed
    assert "Cắt tóc nữ" in printed.decode() and "200.000" in printed.decode()
    second = sell("p2", 260_000)
    with reader() as s:
        [line] = get_invoice(s, invoice_id=second).lines
    assert (line.description, line.unit_price) == ("Cắt tóc nữ cao cấp", 260_000)
    assert "260.000" in receipt(second).decode()
