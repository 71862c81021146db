"""The customer list (store/loyalty/customer_list.py), on both engines: each filter alone,
filters combined, counts equal to the rows, pages and orders in SQL, "select all matching",
spend by the header's own rule, and bad filters refused at their fields."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from refusals import one_case
from sqlmodel import select

from salontui.store import clock
from salontui.store.cart import Cart, CartLine, CartPayment
from salontui.store.catalog import create_item
from salontui.store.checkout import checkout
from salontui.store.customers import create_customer, delete_customer
from salontui.store.errors import SalonError
from salontui.store.ledger import post_entry
from salontui.store.loyalty.customer_list import (
    CustomerFilter,
    count_customers,
    customer_ids,
    list_customers,
)
from salontui.store.models import Customer, Tier
from salontui.store.summary import total_spend

NOW = datetime(2026, 11, 23, 2, 0)  # a Monday, 09:00 at the salon (UTC+7)
TODAY = date(2026, 11, 23)


@pytest.fixture
def now():
    with clock.pinned(NOW):
        yield NOW


def _tier(s, name: str, position: int) -> int:
    tier = Tier(name=name, position=position, min_spend=None, active=True, created_at=NOW)
    s.add(tier)
    s.flush()
    assert tier.id is not None
    return tier.id


def _set_tier(s, customer_id: int, tier_id: int, name: str) -> None:
    row = s.get(Customer, customer_id)
    row.tier_id, row.tier, row.tier_hold = tier_id, name, "up"  # as if given by hand
    s.add(row)


def _sell(writer, staff_id, customer_id, item, when: datetime, *, on_account: int = 0,
          key: str) -> None:
    payments = [CartPayment(method="cash", amount=item.price - on_account)]
    if on_account:
        payments.append(CartPayment(method="account", amount=on_account))
    with clock.pinned(when), writer() as s:
        checkout(s, staff_id=staff_id, cart=Cart(
            customer_id=customer_id, lines=[CartLine(kind="service", item_id=item.id,
                                                     staff_id=staff_id)],
            payments=payments), idempotency_key=key)


@pytest.fixture
def salon(writer, staff_id, now):
    """Five customers (the fifth deleted) with what each filter looks at:

    ========  ======  =========  ========  =================  ===========  =========
    customer  tier    birthday   state     last visit         owes         else
    ========  ======  =========  ========  =================  ===========  =========
    an        Silver  15 March   active    01/11/2026         200,000
    binh      Member  2 March    active    10/09/2026         nothing      a call
    cuc       Silver  20 July    excluded  never              nothing      a package
    dung      Gold    none       active    20/11/2026         150,000      an SMS
    ========  ======  =========  ========  =================  ===========  =========
    """
    from salontui.store.care import add_care_note
    from salontui.store.loyalty.members import set_member_state
    from salontui.store.packages import sell_package

    with writer() as s:
        silver, gold = _tier(s, "Silver", 1), _tier(s, "Gold", 2)
        member = s.exec(select(Tier.id).where(Tier.position == 0)).one()
        people = {}
        for key, name, phone, birthday in (
                ("an", "Nguyễn Thị An", "0935 100 001", date(1990, 3, 15)),
                ("binh", "Trần Văn Bình", "0935 100 002", date(1985, 3, 2)),
                ("cuc", "Lê Thị Cúc", "0935 100 003", date(1992, 7, 20)),
                ("dung", "Phạm Văn Dũng", "0935 100 004", None),
                ("gone", "Đỗ Thị Gone", "0935 100 005", date(1991, 3, 9))):
            people[key] = create_customer(s, staff_id=staff_id, name=name, phone=phone,
                                          birthday=birthday).id
        _set_tier(s, people["an"], silver, "Silver")
        _set_tier(s, people["cuc"], silver, "Silver")
        _set_tier(s, people["gone"], silver, "Silver")
        _set_tier(s, people["dung"], gold, "Gold")
        set_member_state(s, staff_id=staff_id, customer_id=people["cuc"], state="excluded",
                         reason="Staff")
        item = create_item(s, staff_id=staff_id, name="Cắt tóc nữ", kind="service",
                           price=300_000)
        post_entry(s, customer_id=people["an"], account="debt", amount=200_000,
                   kind="charge", operator_id=staff_id)
        add_care_note(s, staff_id=staff_id, customer_id=people["binh"], type="call",
                      title="Hỏi thăm", description="")
        add_care_note(s, staff_id=staff_id, customer_id=people["dung"], type="sms",
                      title="Nhắc lịch", description="")
        sell_package(s, staff_id=staff_id, customer_id=people["cuc"], name="Gội 10 buổi",
                     kind="count", price=1_000_000, total_uses=10, used=2,
                     purchased_on=TODAY - timedelta(days=100),
                     activated_on=TODAY - timedelta(days=100),
                     expires_on=TODAY + timedelta(days=10))
        delete_customer(s, staff_id=staff_id, customer_id=people["gone"])
    _sell(writer, staff_id, people["an"], item, datetime(2026, 11, 1, 3, 0), key="a1")
    _sell(writer, staff_id, people["binh"], item, datetime(2026, 9, 10, 3, 0), key="b1")
    _sell(writer, staff_id, people["dung"], item, datetime(2026, 11, 20, 3, 0),
          on_account=150_000, key="d1")
    people.update(silver=silver, gold=gold, member=member)
    return people


def names(reader, wanted: CustomerFilter) -> list[str]:
    """The given names of the customers ``wanted`` matches, by code (the order they were
    added); the count and the ids of "select all matching" agree with the rows."""
    with reader() as s:
        rows = list_customers(s, wanted, limit=1000)
        assert count_customers(s, wanted) == len(rows)
        assert customer_ids(s, wanted) == sorted(r.id for r in rows)
    return [r.name.split()[-1] for r in rows]


def test_each_filter_alone_and_combined(reader, salon):
    p = salon
    cases = [
        (CustomerFilter(), ["An", "Bình", "Cúc", "Dũng"]),
        (CustomerFilter(member_state="excluded"), ["Cúc"]),
        (CustomerFilter(member_state="active"), ["An", "Bình", "Dũng"]),
        (CustomerFilter(tier_id=p["silver"]), ["An", "Cúc"]),
        (CustomerFilter(tier_id=p["member"]), ["Bình"]),
        (CustomerFilter(tier_id=p["gold"]), ["Dũng"]),
        (CustomerFilter(birthday_month=3), ["An", "Bình"]),
        (CustomerFilter(birthday_month=7), ["Cúc"]),
        (CustomerFilter(birthday_month=12), []),
        (CustomerFilter(has_debt=True), ["An", "Dũng"]),
        (CustomerFilter(has_debt=False), ["Bình", "Cúc"]),
        (CustomerFilter(visited_after=date(2026, 11, 1)), ["An", "Dũng"]),
        (CustomerFilter(visited_after=date(2026, 11, 2)), ["Dũng"]),
        (CustomerFilter(visited_before=date(2026, 11, 1)), ["Bình"]),
        (CustomerFilter(visited_before=date(2026, 11, 2)), ["An", "Bình"]),
        (CustomerFilter(visited_after=date(2026, 9, 1), visited_before=date(2026, 11, 2)),
         ["An", "Bình"]),
        (CustomerFilter(not_visited_since=date(2026, 10, 1)), ["Bình", "Cúc"]),
        (CustomerFilter(package_days=10), ["Cúc"]),
        (CustomerFilter(package_days=9), []),
        (CustomerFilter(care_type="call"), ["Bình"]),
        (CustomerFilter(care_type="sms"), ["Dũng"]),
        (CustomerFilter(care_type="email"), []),
        (CustomerFilter(spend_min=300_000), ["An", "Bình", "Dũng"]),
        (CustomerFilter(spend_max=0), ["Cúc"]),
        (CustomerFilter(spend_min=1, spend_max=300_000), ["An", "Bình", "Dũng"]),
        # combined: every condition narrows
        (CustomerFilter(tier_id=p["silver"], birthday_month=3, has_debt=True), ["An"]),
        (CustomerFilter(tier_id=p["silver"], birthday_month=3, has_debt=False), []),
        (CustomerFilter(member_state="active", has_debt=True,
                        visited_after=date(2026, 11, 10)), ["Dũng"]),
        (CustomerFilter(birthday_month=3, not_visited_since=date(2026, 10, 1),
                        care_type="call"), ["Bình"]),
    ]
    failed: list[str] = []
    for wanted, expected in cases:
        with one_case(failed, repr(wanted)):
            assert names(reader, wanted) == expected
    assert not failed, "\n".join(failed)


def test_a_customer_without_a_tier_holds_the_first(writer, reader, salon):
    with writer() as s:
        row = s.get(Customer, salon["binh"])
        row.tier_id = None
        s.add(row)
    assert names(reader, CustomerFilter(tier_id=salon["member"])) == ["Bình"]
    assert names(reader, CustomerFilter(tier_id=salon["member"], birthday_month=3,
                                        has_debt=False)) == ["Bình"]
    assert names(reader, CustomerFilter(tier_id=salon["silver"])) == ["An", "Cúc"]


def test_rows_say_tier_state_last_visit_spend_and_debt(reader, salon):
    with reader() as s:
        rows = {r.name: r for r in list_customers(s, CustomerFilter())}
        an, cuc, dung = rows["Nguyễn Thị An"], rows["Lê Thị Cúc"], rows["Phạm Văn Dũng"]
        assert (an.code.startswith("KH"), an.tier, an.member_state, an.debt) == (
            True, "Silver", "active", 200_000)
        assert an.last_visit == datetime(2026, 11, 1, 3, 0)
        assert an.spend == total_spend(s, customer_id=an.id) == 300_000
        assert (cuc.member_state, cuc.last_visit) == ("excluded", None)
        assert cuc.spend == total_spend(s, customer_id=cuc.id) == 0  # (no invoice)
        assert dung.debt == 150_000 and dung.spend == total_spend(s, customer_id=dung.id)


def test_pages_and_orders_in_sql(reader, salon):
    everyone = CustomerFilter()
    with reader() as s:
        by_code = [r.code for r in list_customers(s, everyone, order="code")]
        assert by_code == sorted(by_code)
        assert [r.code for r in list_customers(s, everyone, limit=2, offset=1)] == by_code[1:3]
        assert list_customers(s, everyone, limit=2, offset=10) == []
        by_name = [r.name for r in list_customers(s, everyone, order="name")]
        assert by_name == ["Lê Thị Cúc", "Nguyễn Thị An", "Phạm Văn Dũng", "Trần Văn Bình"]
        recent = [r.name.split()[-1] for r in list_customers(s, everyone, order="last_visit")]
        assert recent == ["Dũng", "An", "Bình", "Cúc"]  # never visited last
        assert count_customers(s, everyone) == 4


def test_bad_filters_are_refused_at_their_fields(reader, salon):
    cases = [
        ({"member_state": "vip"}, "member_state"),
        ({"tier_id": 999_999}, "tier_id"),
        ({"birthday_month": 0}, "birthday_month"),
        ({"birthday_month": 13}, "birthday_month"),
        ({"birthday_month": 2**70}, "birthday_month"),
        ({"birthday_month": "3"}, "birthday_month"),
        ({"visited_after": date(2026, 11, 2), "visited_before": date(2026, 11, 1)},
         "visited_before"),
        ({"visited_after": date(1066, 1, 1)}, "visited_after"),
        ({"visited_before": datetime(2026, 1, 1)}, "visited_before"),
        ({"spend_min": -1}, "spend_min"),
        ({"spend_max": 10**16}, "spend_max"),
        ({"spend_min": 500, "spend_max": 100}, "spend_max"),
        ({"has_debt": "yes"}, "has_debt"),
        ({"package_days": -1}, "package_days"),
        ({"package_days": 99_999}, "package_days"),
        ({"care_type": "fax"}, "care_type"),
        ({"care_type": "x" * 10_000}, "care_type"),
    ]
    failed: list[str] = []
    for changes, field in cases:
        with one_case(failed, repr(changes)[:60]):
            wanted = CustomerFilter(**changes)
            for ask in (count_customers, customer_ids, list_customers):
                with reader() as s, pytest.raises(SalonError) as refused:
                    ask(s, wanted)
                assert refused.value.field == field, (ask.__name__, refused.value)
    with reader() as s:
        for kw, field in (({"order": "price"}, "order"), ({"limit": -1}, "limit"),
                          ({"limit": 5000}, "limit"), ({"offset": -1}, "offset")):
            with pytest.raises(SalonError) as refused:
                list_customers(s, CustomerFilter(), **kw)
            assert refused.value.field == field
        with pytest.raises(SalonError):
            count_customers(s, "tier=Gold")  # not a filter at all
    assert not failed, "\n".join(failed)
