"""The service catalog: plans of every kind, validation, lookup by code or name."""

from __future__ import annotations

import pytest

from salontui.store.catalog import create_item, find_items, get_item, set_item_active
from salontui.store.errors import NotFound, ValidationError


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


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "", "kind": "service", "price": 1}, "name"),
        ({"name": "X", "kind": "robot", "price": 1}, "kind"),
        ({"name": "X", "kind": "service", "price": -1}, "price"),
        ({"name": "X", "kind": "package", "price": 1, "package_kind": "count",
          "validity_days": 30}, "sessions"),
        ({"name": "X", "kind": "package", "price": 5, "package_kind": "gift", "sessions": 2,
          "validity_days": 30}, "price"),
        ({"name": "X", "kind": "package", "price": 5, "package_kind": "time"}, "validity_days"),
        ({"name": "X", "kind": "service", "price": 1, "code": "CAT01"}, "code"),
    ],
)
def test_bad_items_are_refused(writer, staff_id, catalog, fields, field):
    with pytest.raises(ValidationError) as caught, writer() as s:
        create_item(s, staff_id=staff_id, **fields)
    assert caught.value.field == field
