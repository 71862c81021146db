"""The store refuses what a role may not do (issue 16): every guarded write, made by a
receptionist or a technician (the reference defaults: a receptionist only closes the day, a
technician nothing), is refused with NotPermitted and writes nothing; a manager's approval
(``approved_by``) lets it through once and the audit row names both; an approval by the one
asking, or by someone whose role may not do it either, is refused."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import text

from salontui.store.admin.permissions import NotPermitted, approvers, require_permission
from salontui.store.admin.pins import set_pin
from salontui.store.kinds import Permission
from salontui.store.staff import create_staff

TODAY = date(2026, 11, 23)
NEXT_YEAR = date(2027, 11, 23)
TABLES = ("audit_log", "invoice", "ledger_entry", "package_event", "customer_package",
          "backfill", "customer_group", "card_type", "payment_method", "catalog_item",
          "tier", "promotion_program", "branch", "care_reason", "staff", "customer_merge")


@pytest.fixture
def team(writer, staff_id):
    with writer() as s:
        found = {role: create_staff(s, name=name, role=role, staff_id=staff_id).id
                 for role, name in (("manager", "Võ Minh"), ("receptionist", "Phạm Lan"),
                                    ("technician", "Lê Văn Tài"))}
        set_pin(s, staff_id=staff_id, target_id=found["manager"], pin="2468")
        set_pin(s, staff_id=staff_id, target_id=found["receptionist"], pin="1357")
    found["owner"] = staff_id
    return found


def written(reader) -> dict[str, int]:
    with reader() as s:
        return {t: s.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}


def last_audit(reader) -> tuple:
    with reader() as s:
        return s.execute(text("SELECT action, staff_id, approved_by FROM audit_log "
                              "ORDER BY id DESC LIMIT 1")).one()


@pytest.fixture
def world(writer, staff_id, customer_id, fixed_now):
    """What the guarded writes work on, made by the owner."""
    from salontui.store.books.backfill import BackfillIn, apply_backfill
    from salontui.store.cart import Cart, CartLine, CartPayment
    from salontui.store.catalog import create_item
    from salontui.store.checkout import checkout
    from salontui.store.customers import create_customer
    from salontui.store.packages import sell_package

    with writer() as s:
        service = create_item(s, staff_id=staff_id, name="Cắt tóc nữ", kind="service",
                              price=200_000).id
        sale = checkout(s, staff_id=staff_id, idempotency_key="sale-1", cart=Cart(
            customer_id=customer_id, lines=[CartLine(kind="service", item_id=service)],
            payments=[CartPayment(method="cash", amount=200_000)]))
        package = sell_package(s, staff_id=staff_id, customer_id=customer_id,
                               name="Gội đầu dưỡng sinh", kind="count", price=5980,
                               total_uses=10, expires_on=NEXT_YEAR).id
        backfill = apply_backfill(s, staff_id=staff_id, customer_id=customer_id,
                                  item=BackfillIn(kind="points", amount=500))
        twin = create_customer(s, staff_id=staff_id, name="Nguyễn Hương Giang",
                               phone="0913 888 777").id
        other = create_customer(s, staff_id=staff_id, name="Trần Văn Bình",
                                phone="0913 111 222").id
    return {"service": service, "invoice": sale.invoice_id, "package": package,
            "backfill": backfill, "twin": twin, "other": other, "customer": customer_id}


def guarded_writes(w: dict, tmp) -> list[tuple[Permission, str, Callable]]:
    """(permission, audit action or '' for a read, write(session, staff, approved_by))."""
    from salontui.store.admin.card_types import create_card_type
    from salontui.store.admin.groups import create_group
    from salontui.store.admin.methods import create_method
    from salontui.store.books.backfill import BackfillIn, apply_backfill
    from salontui.store.books.backfill_reverse import reverse_backfill
    from salontui.store.books.vouchers import adjust_vouchers
    from salontui.store.branches import create_branch
    from salontui.store.cart import Cart, CartLine, CartPayment
    from salontui.store.catalog import create_item
    from salontui.store.checkout import checkout
    from salontui.store.customers import delete_customer
    from salontui.store.dayclose import day_close
    from salontui.store.io.export import export_members, export_packages
    from salontui.store.ledger import adjust_card, adjust_points
    from salontui.store.loyalty.care_catalogue import add_reason
    from salontui.store.loyalty.tier_admin import create_tier
    from salontui.store.merge import merge_customers
    from salontui.store.packages import adjust_package, close_package, extend_package
    from salontui.store.promotions import create_program
    from salontui.store.refunds import refund_invoice

    c, P = w["customer"], Permission

    def sale(**line):
        def run(s, staff, by):
            return checkout(s, staff_id=staff, approved_by=by,
                            idempotency_key=f"sale-{staff}-{by}-{sorted(line.items())}",
                            cart=Cart(customer_id=c, lines=[CartLine(
                                kind="service", item_id=w["service"], **line)],
                                payments=[CartPayment(method="cash", amount=200_000 - (
                                    line.get("discount") or 0) - (
                                    200_000 - line["unit_price"] if "unit_price" in line
                                    else 0))]))
        return run

    def waived(s, staff, by):
        return checkout(s, staff_id=staff, approved_by=by, idempotency_key=f"free-{staff}-{by}",
                        cart=Cart(customer_id=c, lines=[CartLine(kind="service",
                                                                 item_id=w["service"])],
                                  payments=[CartPayment(method="free", amount=200_000)]))

    return [
        (P.REFUND, "refund", lambda s, staff, by: refund_invoice(
            s, staff_id=staff, invoice_id=w["invoice"], reason="Khách không hài lòng",
            idempotency_key=f"refund-{staff}-{by}", approved_by=by)),
        (P.DELETE_CUSTOMER, "delete_customer", lambda s, staff, by: delete_customer(
            s, staff_id=staff, customer_id=w["other"], approved_by=by)),
        (P.MERGE_CUSTOMERS, "merge_customers", lambda s, staff, by: merge_customers(
            s, staff_id=staff, keep_id=c, merge_id=w["twin"], approved_by=by)),
        (P.ADJUST_POINTS, "adjust_points", lambda s, staff, by: adjust_points(
            s, staff_id=staff, customer_id=c, amount=100, reason="Quà", approved_by=by)),
        (P.ADJUST_PACKAGES, "extend_package", lambda s, staff, by: extend_package(
            s, staff_id=staff, package_id=w["package"], new_expiry=date(2028, 1, 1),
            note="Khách ốm", approved_by=by)),
        (P.ADJUST_PACKAGES, "adjust_package", lambda s, staff, by: adjust_package(
            s, staff_id=staff, package_id=w["package"], used=1, reason="Sổ cũ",
            approved_by=by)),
        (P.ADJUST_PACKAGES, "close_package", lambda s, staff, by: close_package(
            s, staff_id=staff, package_id=w["package"], reason="Chuyển nhà", approved_by=by)),
        (P.ADJUST_BALANCES, "adjust_card", lambda s, staff, by: adjust_card(
            s, staff_id=staff, customer_id=c, card_name="General", amount=50_000,
            reason="Nạp bù", approved_by=by)),
        (P.ADJUST_BALANCES, "adjust_vouchers", lambda s, staff, by: adjust_vouchers(
            s, staff_id=staff, customer_id=c, amount=20_000, reason="Quà", approved_by=by)),
        (P.ADJUST_BALANCES, "backfill", lambda s, staff, by: apply_backfill(
            s, staff_id=staff, customer_id=c, item=BackfillIn(kind="voucher", amount=10_000),
            approved_by=by)),
        (P.ADJUST_BALANCES, "reverse_backfill", lambda s, staff, by: reverse_backfill(
            s, staff_id=staff, backfill_id=w["backfill"], reason="Gõ nhầm", approved_by=by)),
        (P.PRICE_DISCOUNT, "checkout", sale(unit_price=150_000)),
        (P.PRICE_DISCOUNT, "checkout", sale(discount=40_000)),  # 20 %: beyond the 10 %
        (P.WAIVE, "checkout", waived),
        (P.DAY_CLOSE, "", lambda s, staff, by: day_close(s, day=TODAY, staff_id=staff,
                                                          approved_by=by)),
        (P.EXPORT, "", lambda s, staff, by: export_members(
            s, staff_id=staff, path=tmp / f"m{staff}-{by}.csv", approved_by=by)),
        (P.EXPORT, "", lambda s, staff, by: export_packages(
            s, staff_id=staff, path=tmp / f"p{staff}-{by}.csv", approved_by=by)),
        (P.SETTINGS, "create_group", lambda s, staff, by: create_group(
            s, staff_id=staff, name=f"VIP {by}", approved_by=by)),
        (P.SETTINGS, "create_card_type", lambda s, staff, by: create_card_type(
            s, staff_id=staff, name=f"Thẻ vàng {by}", approved_by=by)),
        (P.SETTINGS, "create_method", lambda s, staff, by: create_method(
            s, staff_id=staff, name=f"Momo {by}", kind="card", approved_by=by)),
        (P.SETTINGS, "create_item", lambda s, staff, by: create_item(
            s, staff_id=staff, name=f"Uốn {by}", kind="service", price=1, approved_by=by)),
        (P.SETTINGS, "create_tier", lambda s, staff, by: create_tier(
            s, staff_id=staff, name=f"Gold {by}", min_spend=9_000_000, approved_by=by)),
        (P.SETTINGS, "create_program", lambda s, staff, by: create_program(
            s, staff_id=staff, name=f"Tết {by}", discount_percent=5, approved_by=by)),
        (P.SETTINGS, "add_care_reason", lambda s, staff, by: add_reason(
            s, staff_id=staff, care_type="call", name=f"Hỏi thăm {by}", approved_by=by)),
        (P.SETTINGS, "create_branch", lambda s, staff, by: create_branch(
            s, staff_id=staff, code=f"Q{by}", name=f"Quận {by}", approved_by=by)),
    ]


def test_each_guarded_write_is_refused_to_a_role_without_it_and_a_manager_approves_it(
        writer, reader, team, world, tmp_path):
    failed: list[str] = []
    receptionist, technician, manager = team["receptionist"], team["technician"], \
        team["manager"]
    # A manager may not approve the settings (the owner's).
    with writer() as s, pytest.raises(NotPermitted):
        require_permission(s, staff_id=technician, permission=Permission.SETTINGS,
                           approved_by=manager)
    for permission, action, write in guarded_writes(world, tmp_path):
        name = f"{permission} {action}"
        for who, approver in ((technician, None), (receptionist, None),
                              (receptionist, receptionist), (technician, receptionist)):
            if permission == Permission.DAY_CLOSE and receptionist in (who, approver):
                continue  # a receptionist closes the day by default (and may approve it)
            before = written(reader)
            try:
                with writer() as s:
                    write(s, who, approver)
            except NotPermitted as refused:
                if refused.permission != permission:
                    failed.append(f"{name}: refused for {refused.permission}")
            else:
                failed.append(f"{name}: not refused to {who} approved by {approver}")
            if written(reader) != before:
                failed.append(f"{name}: something was written for {who}")
        # The settings are the owner's alone by default: the owner approves them.
        boss = team["owner"] if permission == Permission.SETTINGS else manager
        try:
            with writer() as s:
                write(s, technician, boss)
        except Exception as error:
            failed.append(f"{name}: the approval did not do it: {error!r}")
            continue
        if action and last_audit(reader) != (action, technician, boss):
            failed.append(f"{name}: audit {last_audit(reader)}")
    assert failed == [], "\n".join(failed)


def test_the_owner_and_a_manager_do_it_alone_and_approvers_are_who_may(writer, reader, team):
    from salontui.store.admin.groups import create_group
    from salontui.store.admin.staff_admin import add_staff

    with writer() as s:
        create_group(s, staff_id=team["owner"], name="VIP")
    assert last_audit(reader) == ("create_group", team["owner"], None)
    with pytest.raises(NotPermitted) as refused, writer() as s:  # settings: the owner's
        create_group(s, staff_id=team["manager"], name="Bạc")
    assert refused.value.permission == Permission.SETTINGS
    with pytest.raises(NotPermitted), writer() as s:  # staff: the owner's
        add_staff(s, staff_id=team["manager"], name="Đỗ Hà")
    with writer() as s:  # the owner approves (no PIN needed here: approve() checks it)
        add_staff(s, staff_id=team["manager"], name="Đỗ Hà", approved_by=team["owner"])
    assert last_audit(reader) == ("create_staff", team["manager"], team["owner"])
    with reader() as s:
        # Who may approve a refund for the receptionist: the manager (with a PIN); not the
        # owner (no PIN yet), nor the receptionist herself.
        assert [a.name for a in approvers(s, staff_id=team["receptionist"],
                                          permission=Permission.REFUND)] == ["Võ Minh"]
        assert approvers(s, staff_id=team["receptionist"],
                         permission=Permission.SETTINGS) == []  # nobody: the owner, no PIN
