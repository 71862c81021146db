"""Back-fill by hand (补录): every kind, the worked example (5980 over 10 sessions, 2 used:
8 left at 598), reversal and its refusals, bad input refused at its field with nothing
written, the audit rows, and no sale counted anywhere."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest
from sqlalchemy import text

from salontui.store import catalog, ledger, package_reads, packages
from salontui.store.admin.card_types import create_card_type
from salontui.store.books.backfill import BackfillIn, apply_backfill, package_preview
from salontui.store.books.backfill_check import backfill_check
from salontui.store.books.backfill_reverse import reverse_backfill
from salontui.store.books.held_products import held_quantity, hold
from salontui.store.check import run_checks
from salontui.store.dayclose import day_close
from salontui.store.errors import SalonError
from salontui.store.loyalty.tiers import ranking_spend
from salontui.store.summary import total_spend

TABLES = ("backfill", "ledger_entry", "customer_package", "package_event",
          "held_product_entry", "spend_entry", "value_card", "audit_log")


def counts(s) -> dict[str, int]:
    return {t: s.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}


@pytest.fixture
def shop(writer, staff_id):
    """A package plan of 10 sessions for 5980, a time plan, a product, a card type."""
    with writer() as s:
        plan = catalog.create_item(s, staff_id=staff_id, name="Gội 10 buổi", kind="package",
                                   price=5980, package_kind="count", sessions=10,
                                   validity_days=365)
        month = catalog.create_item(s, staff_id=staff_id, name="Thẻ tháng", kind="package",
                                    price=900_000, package_kind="time", validity_days=30)
        product = catalog.create_item(s, staff_id=staff_id, name="Dầu gội", kind="product",
                                      price=250_000)
        service = catalog.create_item(s, staff_id=staff_id, name="Sấy", kind="service",
                                      price=50_000)
        vip = create_card_type(s, staff_id=staff_id, name="VIP")
    return {"plan": plan.id, "month": month.id, "product": product.id,
            "service": service.id, "vip": vip.id}


def fill(writer, staff_id, customer_id, **fields) -> int:
    with writer() as s:
        return apply_backfill(s, staff_id=staff_id, customer_id=customer_id,
                              item=BackfillIn(**fields))


def test_the_worked_example_and_every_other_kind(writer, reader, staff_id, customer_id, shop):
    """5980 over 10 sessions, 2 used: 8 left at 598 (the preview says it before, the
    package after); then a gift, a time card, stored value on two cards, products,
    points, vouchers, debt and spend, each pointing back at its back-fill row."""
    preview = package_preview(kind="count", price=5980, total=10, used=2)
    assert preview is not None
    assert (preview.sessions_left, preview.per_session, preview.value_left) == (8, 598, 4784)
    assert package_preview(kind="count", price=5980, total=10, used=11) is None
    bought = date.today() - timedelta(days=60)
    first = fill(writer, staff_id, customer_id, kind="package", plan_id=shop["plan"],
                 paid=5980, sessions_used=2, purchased_on=bought, note="sổ cũ")
    with reader() as s:
        (package,) = package_reads.list_packages(s, customer_id=customer_id)
        assert (package.remaining, package.per_session_value, package.price) == (8, 598, 5980)
        assert package.purchased_on == bought and package.invoice_id is None
        assert package.expires_on == bought + timedelta(days=365)  # the plan's validity
        history = package_reads.package_history(s, package_id=package.id)
        assert [(e.change, e.delta_total, e.delta_used, e.note) for e in history] == [
            ("backfill", 0, 2, "sổ cũ"), ("sell", 10, 0, "sổ cũ")]
        row = s.execute(text("SELECT kind, package_id, item_id, paid, sessions_total, "
                             "sessions_used, source FROM backfill WHERE id = :i"),
                        {"i": first}).one()
        assert tuple(row) == ("package", package.id, shop["plan"], 5980, 10, 2, "back-fill")
        audit = s.execute(text("SELECT action, entity_id FROM audit_log WHERE action IN "
                               "('backfill', 'sell_package')")).all()
        assert [tuple(a) for a in audit] == [("backfill", customer_id)]  # one row, the desk's

    fill(writer, staff_id, customer_id, kind="gift", name="Tặng gội", sessions_total=3,
         expires_on=date.today() + timedelta(days=90))
    fill(writer, staff_id, customer_id, kind="package", plan_id=shop["month"], paid=900_000,
         expires_on=date.today() + timedelta(days=20))
    with reader() as s:
        kinds = {p.name: (p.kind, p.price, p.remaining) for p in
                 package_reads.list_packages(s, customer_id=customer_id)}
        assert kinds["Tặng gội"] == ("gift", 0, 3)
        assert kinds["Thẻ tháng"] == ("time", 900_000, None)

    general = fill(writer, staff_id, customer_id, kind="value", paid=1_000_000,
                   amount=600_000)
    fill(writer, staff_id, customer_id, kind="value", card_name="vip", paid=5_000_000,
         amount=2_500_000)
    fill(writer, staff_id, customer_id, kind="product", item_id=shop["product"], quantity=2,
         paid=500_000)
    fill(writer, staff_id, customer_id, kind="points", amount=1200)
    fill(writer, staff_id, customer_id, kind="voucher", amount=300_000)
    fill(writer, staff_id, customer_id, kind="debt", amount=150_000)
    with reader() as s:
        spend_before = ranking_spend(s, customer_id)
    fill(writer, staff_id, customer_id, kind="spend", amount=7_000_000)
    with reader() as s:
        cards = {c.name: c.balance for c in ledger.card_balances(s, customer_id=customer_id)}
        assert cards == {"General": 600_000, "VIP": 2_500_000}
        linked = s.execute(text("SELECT card_type_id FROM value_card WHERE name = 'VIP'"))
        assert linked.scalar_one() == shop["vip"]
        assert held_quantity(s, customer_id=customer_id, item_id=shop["product"]) == 2
        assert ledger.balance(s, customer_id=customer_id, account="points") == 1200
        assert ledger.balance(s, customer_id=customer_id, account="voucher") == 300_000
        assert ledger.balance(s, customer_id=customer_id, account="debt") == 150_000
        assert ranking_spend(s, customer_id) == spend_before + 7_000_000
        entries = s.execute(text(
            "SELECT account, kind, reason, ref_type, count(*) FROM ledger_entry "
            "GROUP BY account, kind, reason, ref_type ORDER BY account")).all()
        assert [tuple(e) for e in entries] == [
            ("debt", "backfill", "back-fill", "backfill", 1),
            ("points", "backfill", "back-fill", "backfill", 1),
            ("value", "backfill", "back-fill", "backfill", 2),
            ("voucher", "backfill", "back-fill", "backfill", 1)]
        paid = s.execute(text("SELECT b.paid, b.amount, l.amount FROM backfill b JOIN "
                              "ledger_entry l ON l.ref_id = b.id AND l.ref_type = 'backfill' "
                              "WHERE b.id = :i"), {"i": general}).one()
        assert tuple(paid) == (1_000_000, 600_000, 600_000)
        held = s.execute(text("SELECT kind, quantity, amount, backfill_id IS NOT NULL "
                              "FROM held_product_entry")).one()
        assert tuple(held) == ("backfill", 2, 500_000, True)
        spend = s.execute(text("SELECT amount, ref_type, reason FROM spend_entry")).one()
        assert tuple(spend) == (7_000_000, "backfill", "back-fill")
        assert s.execute(text("SELECT count(*) FROM audit_log WHERE action = 'backfill'")
                         ).scalar_one() == 10
        assert s.execute(text("SELECT count(*) FROM invoice")).scalar_one() == 0


def test_a_backfill_is_no_sale_and_an_import_writes_no_audit_row(writer, reader, engine,
                                                                   staff_id, customer_id,
                                                                   shop):
    """Nothing is an invoice: the day close and the customer's spend stay as they were.
    An import (``audit_row=False``, its own source) writes its rows in its own
    transaction and no audit row."""
    def figures():
        with reader() as s:
            close = day_close(s, day=date.today())
            return (replace(close, seal=""), total_spend(s, customer_id=customer_id),
                    ranking_spend(s, customer_id))

    before = figures()
    with writer() as s:
        audits = s.execute(text("SELECT count(*) FROM audit_log")).scalar_one()
        for item in (BackfillIn(kind="value", paid=100, amount=120),
                     BackfillIn(kind="package", plan_id=shop["plan"], paid=5980,
                                sessions_used=2),
                     BackfillIn(kind="product", item_id=shop["product"], quantity=1),
                     BackfillIn(kind="points", amount=10),
                     BackfillIn(kind="voucher", amount=10), BackfillIn(kind="debt", amount=10)):
            apply_backfill(s, staff_id=staff_id, customer_id=customer_id, item=item,
                           source="import khach.xlsx", audit_row=False)
        assert s.execute(text("SELECT count(*) FROM audit_log")).scalar_one() == audits
    assert figures() == before
    with reader() as s:
        reasons = s.execute(text("SELECT DISTINCT reason FROM ledger_entry")).scalars().all()
        assert reasons == ["import khach.xlsx"]
        assert set(s.execute(text("SELECT source FROM backfill")).scalars()) == {
            "import khach.xlsx"}


BAD = [
    ({"kind": "stamps", "amount": 5}, "kind"),
    ({"kind": "value", "amount": 0}, "amount"),
    ({"kind": "value", "amount": -5}, "amount"),
    ({"kind": "value", "amount": "500"}, "amount"),
    ({"kind": "value", "amount": 500, "paid": -1}, "paid"),
    ({"kind": "value", "amount": 500, "card_name": "Vàng"}, "card_name"),
    ({"kind": "value", "amount": 500, "card_name": "x" * 61}, "card_name"),
    ({"kind": "points", "amount": 10, "note": "n" * 251}, "note"),
    ({"kind": "debt", "amount": 10**16}, "amount"),
    ({"kind": "package", "plan_id": 99_999, "paid": 1}, "plan_id"),
    ({"kind": "package", "paid": 1, "sessions_total": 5}, "plan_id"),
    ({"kind": "package", "plan": True, "paid": 5980, "sessions_used": 11}, "sessions_used"),
    ({"kind": "package", "plan": True, "paid": 5980, "sessions_used": -1}, "sessions_used"),
    ({"kind": "package", "plan": True, "paid": -1}, "paid"),
    ({"kind": "package", "plan": True, "paid": 5980, "sessions_total": 0}, "sessions_total"),
    ({"kind": "package", "plan": True, "paid": 5980,
      "purchased_on": date.today() + timedelta(days=1)}, "purchased_on"),
    ({"kind": "package", "plan": True, "paid": 5980,
      "expires_on": date.today() - timedelta(days=1)}, "expires_on"),
    ({"kind": "gift", "plan": True, "paid": 100}, "paid"),
    ({"kind": "product", "item_id": 99_999, "quantity": 1}, "item_id"),
    ({"kind": "product", "service": True, "quantity": 1}, "item_id"),
    ({"kind": "product", "product": True, "quantity": 0}, "quantity"),
    ({"kind": "product", "product": True, "quantity": 10_001}, "quantity"),
]


def test_bad_input_is_refused_at_its_field_and_writes_nothing(writer, reader, staff_id,
                                                              customer_id, shop):
    with reader() as s:
        before = counts(s)
    for fields, field in BAD:
        fields = dict(fields)
        for flag, key, target in (("plan", "plan", "plan_id"),
                                  ("service", "service", "item_id"),
                                  ("product", "product", "item_id")):
            if fields.pop(flag, False):
                fields[target] = shop[key]
        with pytest.raises(SalonError) as info, writer() as s:
            apply_backfill(s, staff_id=staff_id, customer_id=customer_id,
                           item=BackfillIn(**fields))
        assert info.value.field == field, (fields, info.value.message)
        assert info.value.message and len(info.value.message) < 200
    with pytest.raises(SalonError) as info, writer() as s:
        apply_backfill(s, staff_id=staff_id, customer_id=customer_id,
                       item=BackfillIn(kind="points", amount=5), source="")
    assert info.value.field == "source"
    with pytest.raises(SalonError) as info, writer() as s:
        apply_backfill(s, staff_id=staff_id, customer_id=99_999,
                       item=BackfillIn(kind="points", amount=5))
    assert info.value.field == "customer"
    with reader() as s:
        assert counts(s) == before


def test_a_wrong_backfill_is_reversed_never_edited_and_only_while_the_books_allow(
        writer, reader, engine, staff_id, customer_id, shop):
    value = fill(writer, staff_id, customer_id, kind="value", paid=500, amount=500)
    points = fill(writer, staff_id, customer_id, kind="points", amount=100)
    package = fill(writer, staff_id, customer_id, kind="package", plan_id=shop["plan"],
                   paid=5980, sessions_used=2)
    used = fill(writer, staff_id, customer_id, kind="package", plan_id=shop["plan"],
                paid=5980, sessions_used=2)
    product = fill(writer, staff_id, customer_id, kind="product", item_id=shop["product"],
                   quantity=2, paid=10)
    spend = fill(writer, staff_id, customer_id, kind="spend", amount=1000)
    debt = fill(writer, staff_id, customer_id, kind="debt", amount=300)
    voucher = fill(writer, staff_id, customer_id, kind="voucher", amount=300)

    def refused(backfill_id, match, reason="sai"):
        with reader() as s:
            before = counts(s)
        with pytest.raises(SalonError, match=match) as info, writer() as s:
            reverse_backfill(s, staff_id=staff_id, backfill_id=backfill_id, reason=reason)
        with reader() as s:
            assert counts(s) == before
        return info.value

    assert refused(value, "Reason is required", reason=" ").field == "reason"
    # Spent since: said what to do instead.
    with writer() as s:
        ledger.adjust_card(s, staff_id=staff_id, customer_id=customer_id, card_name="General",
                           amount=-100, reason="dùng")
        ledger.adjust_points(s, staff_id=staff_id, customer_id=customer_id, amount=-1,
                             reason="dùng")
        (_, used_row) = sorted(p.id for p in package_reads.list_packages(
            s, customer_id=customer_id))
        packages.redeem_session(s, staff_id=staff_id, package_id=used_row,
                                service_staff_id=staff_id)
        hold(s, customer_id=customer_id, item_id=shop["product"], description="Dầu gội",
             quantity=-1, kind="handover", staff_id=staff_id)
    assert "adjustment instead" in refused(value, "Only").message
    assert "Adjust the points" in refused(points, "Only").message
    assert refused(used, "1 session of this package was used since").field == "package"
    assert "Hand over the rest" in refused(product, "1 of the 2").message
    # Reversed: a second row, the books back where they were; never twice.
    with writer() as s:
        for backfill_id in (package, spend, debt, voucher):
            reverse_backfill(s, staff_id=staff_id, backfill_id=backfill_id, reason="gõ nhầm")
    assert refused(package, "already reversed").field == "backfill"
    with reader() as s:
        reversal = s.execute(text("SELECT id, kind, note FROM backfill WHERE reverses_id = :i"),
                             {"i": package}).one()
        assert tuple(reversal)[1:] == ("package", "gõ nhầm")
        rows = {r.id: r for r in backfill_check(s, customer_id=customer_id).rows}
        assert rows[package].reversed_by == reversal.id
        assert rows[reversal.id].reverses_id == package
        pid = s.execute(text("SELECT package_id FROM backfill WHERE id = :i"),
                        {"i": package}).scalar_one()
        row = package_reads.get_package(s, package_id=pid)
        assert (row.status, row.total_uses, row.used) == ("closed", 0, 0)
        assert package_reads.package_history(s, package_id=pid)[0].change == "reverse"
        assert ranking_spend(s, customer_id) == 0
        assert ledger.balance(s, customer_id=customer_id, account="debt") == 0
        assert ledger.balance(s, customer_id=customer_id, account="voucher") == 0
        assert s.execute(text("SELECT count(*) FROM ledger_entry WHERE kind = 'reverse' "
                              "AND reason = 'gõ nhầm' AND ref_type = 'backfill'")
                         ).scalar_one() == 2
        assert s.execute(text("SELECT count(*) FROM audit_log WHERE action = "
                              "'reverse_backfill'")).scalar_one() == 4
    assert "cannot be reversed" in refused(reversal.id, "reverses another").message
    with writer() as s:  # what is left is still the customer's to reverse, once put back
        ledger.adjust_card(s, staff_id=staff_id, customer_id=customer_id, card_name="General",
                           amount=100, reason="trả lại")
        reverse_backfill(s, staff_id=staff_id, backfill_id=value, reason="gõ nhầm")
    with reader() as s:
        assert ledger.balance(s, customer_id=customer_id, account="value") == 0
    assert run_checks(engine) == []


def test_check_the_backfill_sets_typed_beside_held(writer, reader, engine, staff_id,
                                                   customer_id, shop):
    fill(writer, staff_id, customer_id, kind="value", card_name="VIP", paid=900, amount=1000)
    fill(writer, staff_id, customer_id, kind="package", plan_id=shop["plan"], paid=5980,
         sessions_used=2)
    wrong = fill(writer, staff_id, customer_id, kind="points", amount=50)
    fill(writer, staff_id, customer_id, kind="points", amount=500)
    fill(writer, staff_id, customer_id, kind="product", item_id=shop["product"], quantity=3)
    with writer() as s:
        reverse_backfill(s, staff_id=staff_id, backfill_id=wrong, reason="gõ nhầm")
        ledger.adjust_points(s, staff_id=staff_id, customer_id=customer_id, amount=20,
                             reason="quà")
    with reader() as s:
        check = backfill_check(s, customer_id=customer_id)
    lines = {(line.kind, line.card_name): line for line in check.lines}
    assert (lines["value", "VIP"].typed, lines["value", "VIP"].now) == (1000, 1000)
    package = lines["package", ""]
    assert (package.typed, package.now, package.typed_count, package.now_count) == (8, 8, 1, 1)
    assert (lines["points", ""].typed, lines["points", ""].now) == (500, 520)
    assert (lines["product", ""].typed, lines["product", ""].now) == (3, 3)
    assert (lines["spend", ""].typed, lines["gift", ""].typed) == (0, 0)
    assert [r.kind for r in check.rows] == ["points", "product", "points", "points",
                                            "package", "value"]
    assert len(check.standing()) == 4
    first = check.rows[-1]
    assert (first.card_name, first.operator_name, first.source, first.paid) == (
        "VIP", "Trần Thu Hà", "back-fill", 900)
    assert check.rows[-2].package_name == "Gội 10 buổi"
    assert check.rows[1].item_name == "Dầu gội"
    assert run_checks(engine) == []
