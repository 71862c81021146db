"""The store checks the input and its rules before it asks for a permission (issue 16): a
receptionist who typed something the store refuses anyway (a bad amount, an excluded
customer, a package closed already, a refund of a refund…) gets that refusal, at its field,
not NotPermitted: no manager walks over to type a PIN for a write that would be refused.
Nothing is written either way. (tests/test_permissions_enforced.py: a good input is still
refused to a role without the permission, and a manager's approval lets it through.)"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import text

from salontui.store.admin.permissions import NotPermitted
from salontui.store.errors import NotFound, RuleViolation, ValidationError
from salontui.store.staff import create_staff

NEXT_YEAR = date(2027, 11, 23)
TABLES = ("audit_log", "invoice", "ledger_entry", "package_event", "customer_package",
          "backfill", "customer_merge", "value_card", "customer_group", "card_type",
          "payment_method", "catalog_item", "tier", "promotion_program", "branch",
          "care_reason", "commission_rule", "counter")


def written(reader) -> dict[str, int]:
    with reader() as s:
        return {t: s.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}


@pytest.fixture
def world(writer, staff_id, customer_id, fixed_now):
    """What the writes work on, made by the owner, and a receptionist (who may do none of
    them alone)."""
    from salontui.store.books.backfill import BackfillIn, apply_backfill
    from salontui.store.books.backfill_reverse import reverse_backfill
    from salontui.store.cart import Cart, CartLine, CartPayment
    from salontui.store.catalog import create_item
    from salontui.store.checkout import checkout
    from salontui.store.customers import create_customer, delete_customer
    from salontui.store.loyalty.members import set_member_state
    from salontui.store.packages import close_package, sell_package
    from salontui.store.refunds import refund_invoice

    with writer() as s:
        service = create_item(s, staff_id=staff_id, name="Cắt tóc nữ", kind="service",
                              price=200_000).id
        sale = checkout(s, staff_id=staff_id, idempotency_key="sale-1", cart=Cart(
            customer_id=customer_id, lines=[CartLine(kind="service", item_id=service)],
            payments=[CartPayment(method="cash", amount=200_000)]))
        refund = refund_invoice(s, staff_id=staff_id, invoice_id=sale.invoice_id,
                                reason="Khách đổi ý", idempotency_key="refund-1")
        package = sell_package(s, staff_id=staff_id, customer_id=customer_id,
                               name="Gội đầu dưỡng sinh", kind="count", price=5980,
                               total_uses=10, expires_on=NEXT_YEAR).id
        closed = sell_package(s, staff_id=staff_id, customer_id=customer_id,
                              name="Massage cổ vai", kind="count", price=9000,
                              total_uses=5, expires_on=NEXT_YEAR).id
        close_package(s, staff_id=staff_id, package_id=closed, reason="Chuyển nhà")
        backfill = apply_backfill(s, staff_id=staff_id, customer_id=customer_id,
                                  item=BackfillIn(kind="points", amount=500))
        reversed_ = apply_backfill(s, staff_id=staff_id, customer_id=customer_id,
                                   item=BackfillIn(kind="points", amount=300))
        reverse_backfill(s, staff_id=staff_id, backfill_id=reversed_, reason="Gõ nhầm")
        excluded = create_customer(s, staff_id=staff_id, name="Trần Văn Bình",
                                   phone="0913 111 222").id
        set_member_state(s, staff_id=staff_id, customer_id=excluded, state="excluded",
                         reason="Lạm dụng điểm")
        gone = create_customer(s, staff_id=staff_id, name="Nguyễn Hương Giang",
                               phone="0913 888 777").id
        delete_customer(s, staff_id=staff_id, customer_id=gone)
        receptionist = create_staff(s, name="Phạm Lan", role="receptionist",
                                    staff_id=staff_id).id
    return {"service": service, "invoice": sale.invoice_id, "refund": refund.invoice_id,
            "package": package, "closed": closed, "backfill": backfill,
            "reversed": reversed_, "excluded": excluded, "gone": gone,
            "customer": customer_id, "receptionist": receptionist}


def _adjust_points(**kw):
    def run(s, staff, w):
        from salontui.store.ledger import adjust_points
        args = {"customer_id": w["customer"], "amount": 100, "reason": "Quà"} | kw
        if args["customer_id"] == "excluded":
            args["customer_id"] = w["excluded"]
        return adjust_points(s, staff_id=staff, **args)
    return run


def _adjust_card(**kw):
    def run(s, staff, w):
        from salontui.store.ledger import adjust_card
        return adjust_card(s, staff_id=staff, **({"customer_id": w["customer"],
                                                   "card_name": "General", "amount": 50_000,
                                                   "reason": "Nạp bù"} | kw))
    return run


def _adjust_vouchers(**kw):
    def run(s, staff, w):
        from salontui.store.books.vouchers import adjust_vouchers
        return adjust_vouchers(s, staff_id=staff, **({"customer_id": w["customer"],
                                                       "amount": 20_000, "reason": "Quà"} | kw))
    return run


def _reverse_backfill(which: str, reason: str = "Gõ nhầm"):
    def run(s, staff, w):
        from salontui.store.books.backfill_reverse import reverse_backfill
        return reverse_backfill(s, staff_id=staff, backfill_id=w[which], reason=reason)
    return run


def _extend(which: str, new_expiry: date):
    def run(s, staff, w):
        from salontui.store.packages import extend_package
        return extend_package(s, staff_id=staff, package_id=w[which], new_expiry=new_expiry,
                              note="Khách ốm")
    return run


def _adjust_package(which: str, **kw):
    def run(s, staff, w):
        from salontui.store.packages import adjust_package
        return adjust_package(s, staff_id=staff, package_id=w[which],
                              **({"reason": "Sổ cũ"} | kw))
    return run


def _close(which: str, reason: str = "Chuyển nhà"):
    def run(s, staff, w):
        from salontui.store.packages import close_package
        return close_package(s, staff_id=staff, package_id=w[which], reason=reason)
    return run


def _refund(which: str, reason: str = "Khách không hài lòng"):
    def run(s, staff, w):
        from salontui.store.refunds import refund_invoice
        return refund_invoice(s, staff_id=staff, invoice_id=w[which], reason=reason,
                              idempotency_key=f"refund-{which}-{reason}")
    return run


def _merge(keep: str, merge: str):
    def run(s, staff, w):
        from salontui.store.merge import merge_customers
        return merge_customers(s, staff_id=staff, keep_id=w[keep], merge_id=w[merge])
    return run


def _undo_merge(s, staff, w):
    from salontui.store.merge import undo_merge
    return undo_merge(s, staff_id=staff, merge_id=999_999)


def _delete(s, staff, w):
    from salontui.store.customers import delete_customer
    return delete_customer(s, staff_id=staff, customer_id=w["gone"])


def _expire_tomorrow(s, staff, w):
    from salontui.store.points_expiry import expire_points
    return expire_points(s, staff_id=staff, today=date(2030, 1, 1))


def _apply_ticket(s, staff, w):
    from salontui.store.loyalty.tickets import apply_ticket
    return apply_ticket(s, staff_id=staff, ticket_id=999_999)


def _sale_short_paid(s, staff, w):
    """A price changed (a permission) and payments that do not add up (the input)."""
    from salontui.store.cart import Cart, CartLine, CartPayment
    from salontui.store.checkout import checkout
    return checkout(s, staff_id=staff, idempotency_key="short", cart=Cart(
        customer_id=w["customer"], lines=[CartLine(kind="service", item_id=w["service"],
                                                    unit_price=150_000)],
        payments=[CartPayment(method="cash", amount=100_000)]))


def _call(module: str, function: str, **kw):
    """A settings write (the owner's alone by default: a receptionist may not) with ``kw``;
    an id given by name ("service") is the world's."""
    def run(s, staff, w):
        import importlib
        write = getattr(importlib.import_module(f"salontui.store.{module}"), function)
        return write(s, staff_id=staff, **{
            key: w[value] if key.endswith("_id") and isinstance(value, str) else value
            for key, value in kw.items()})
    return run


def _update_salon(s, staff, w):
    from salontui.store.admin.salon import update_salon
    return update_salon(s, staff_id=staff, name="Salon Hương", address="", phone="",
                        receipt_header="", receipt_footer="", currency="VND", locale="xx",
                        phone_region="VN", utc_offset_minutes=420, opening_hours=[],
                        slot_minutes=15, new_member_active=True)


def _update_points_scheme(s, staff, w):
    from salontui.store.admin.points_scheme import update_points_scheme
    return update_points_scheme(s, staff_id=staff, points_per_amount=10_000, point_value=100,
                                services=True, products=True, packages=True, topups=False,
                                rounding="sideways", expiry_days=None)


def _export(function: str, **kw):
    def run(s, staff, w):
        import importlib
        path = w["tmp"] / "taken.csv"
        path.write_text("already here")
        write = getattr(importlib.import_module("salontui.store.io.export"), function)
        return write(s, staff_id=staff, path=path, **kw)
    return run


def _last_cash(s, staff, w):
    from salontui.store.admin.methods import list_methods, set_method_active
    cash = next(m for m in list_methods(s) if m.kind == "cash" and m.active)
    return set_method_active(s, staff_id=staff, method_id=cash.id, active=False)


def _backfill_zero(s, staff, w):
    from salontui.store.books.backfill import BackfillIn, apply_backfill
    return apply_backfill(s, staff_id=staff, customer_id=w["customer"],
                          item=BackfillIn(kind="points", amount=0))


MISSING = 999_999
SETTINGS_CASES: list[tuple[str, Callable, type[Exception], str]] = [
    ("create_group no name", _call("admin.groups", "create_group", name=" "),
     ValidationError, "name"),
    ("set_group_active unknown", _call("admin.groups", "set_group_active", group_id=MISSING,
                                       active=False), NotFound, "group"),
    ("update_group unknown", _call("admin.groups", "update_group", group_id=MISSING,
                                   name="VIP", points_percent=150), NotFound, "group"),
    ("update_method unknown", _call("admin.methods", "update_method", method_id=MISSING,
                                    name="Thẻ", hotkey=None), NotFound, "method"),
    ("retire the last cash method", _last_cash, RuleViolation, "method"),
    ("update_card_type unknown", _call("admin.card_types", "update_card_type",
                                       card_type_id=MISSING, name="Tóc"),
     NotFound, "card_type"),
    ("update_tier unknown", _call("loyalty.tier_admin", "update_tier", tier_id=MISSING,
                                  name="Vàng"), NotFound, "tier"),
    ("restore_tier unknown", _call("loyalty.tier_admin", "restore_tier", tier_id=MISSING),
     NotFound, "tier"),
    ("add_staff no name", _call("admin.staff_admin", "add_staff", name=" "),
     ValidationError, "name"),
    ("update_staff unknown", _call("admin.staff_admin", "update_staff", target_id=MISSING,
                                   name="Lan", role="receptionist"), NotFound, "target"),
    ("deactivate oneself", _call("admin.staff_admin", "set_staff_active",
                                 target_id="receptionist", active=False),
     RuleViolation, "target"),
    ("backfill nothing", _backfill_zero, ValidationError, "amount"),
    ("create_method no name", _call("admin.methods", "create_method", name="", kind="card"),
     ValidationError, "name"),
    ("move_method sideways", _call("admin.methods", "move_method", method_id=1,
                                   direction="left"), ValidationError, "direction"),
    ("update_salon unknown locale", _update_salon, ValidationError, "locale"),
    ("create_card_type no name", _call("admin.card_types", "create_card_type", name=""),
     ValidationError, "name"),
    ("set_card_type_active unknown", _call("admin.card_types", "set_card_type_active",
                                           card_type_id=MISSING, active=False),
     NotFound, "card_type"),
    ("update_points_scheme bad rounding", _update_points_scheme, ValidationError, "rounding"),
    ("add_rule no rate", _call("admin.commissions", "add_rule", applies_to="service"),
     ValidationError, "percent"),
    ("end_rule unknown", _call("admin.commissions", "end_rule", rule_id=MISSING),
     NotFound, "rule"),
    ("change_rule unknown", _call("admin.commissions", "change_rule", rule_id=MISSING,
                                  applies_to="service", percent="10"), NotFound, "rule"),
    ("add_reason no name", _call("loyalty.care_catalogue", "add_reason", care_type="call",
                                 name=""), ValidationError, "name"),
    ("rename_reason unknown", _call("loyalty.care_catalogue", "rename_reason",
                                    reason_id=MISSING, name="Hỏi thăm"), NotFound, "reason"),
    ("set_reason_active unknown", _call("loyalty.care_catalogue", "set_reason_active",
                                        reason_id=MISSING, active=False), NotFound, "reason"),
    ("move_reason sideways", _call("loyalty.care_catalogue", "move_reason", reason_id=1,
                                   direction="left"), ValidationError, "direction"),
    ("create_tier no name", _call("loyalty.tier_admin", "create_tier", name="",
                                  min_spend=9_000_000), ValidationError, "name"),
    ("retire_tier unknown", _call("loyalty.tier_admin", "retire_tier", tier_id=MISSING),
     NotFound, "tier"),
    ("move_tier sideways", _call("loyalty.tier_admin", "move_tier", tier_id=1,
                                 direction="left"), ValidationError, "direction"),
    ("update_tier_settings bad basis", _call("loyalty.tier_admin", "update_tier_settings",
                                             basis="visits", period_months=12,
                                             topup_spend="paid"),
     ValidationError, "tier_basis"),
    ("create_program no name", _call("promotions", "create_program", name="",
                                     discount_percent=5), ValidationError, "name"),
    ("update_program unknown", _call("promotions", "update_program", program_id=MISSING,
                                     name="Tết", discount_percent=5), NotFound, "program"),
    ("set_program_active unknown", _call("promotions", "set_program_active",
                                         program_id=MISSING, active=False),
     NotFound, "program"),
    ("create_branch no code", _call("branches", "create_branch", code="", name="Quận 3"),
     ValidationError, "code"),
    ("update_branch unknown", _call("branches", "update_branch", branch_id=MISSING,
                                    name="Quận 3"), NotFound, "branch"),
    ("create_item no name", _call("catalog", "create_item", name="", kind="service",
                                  price=1), ValidationError, "name"),
    ("update_item unknown", _call("catalog", "update_item", item_id=MISSING, code="",
                                  name="Uốn", price=1), NotFound, "code"),
    ("set_item_active unknown", _call("catalog", "set_item_active", item_id=MISSING,
                                      active=False), NotFound, "code"),
    ("delete_item sold", _call("catalog", "delete_item", item_id="service"), RuleViolation,
     "code"),
    ("export_members onto a file", _export("export_members"), RuleViolation, "path"),
    ("export_invoices onto a file", _export("export_invoices", date_from=date(2026, 11, 1),
                                            date_to=date(2026, 11, 30)),
     RuleViolation, "path"),
    ("export_packages onto a file", _export("export_packages"), RuleViolation, "path"),
]


CASES: list[tuple[str, Callable, type[Exception], str]] = [
    ("adjust_points zero", _adjust_points(amount=0), ValidationError, "amount"),
    ("adjust_points no reason", _adjust_points(reason=" "), ValidationError, "reason"),
    ("adjust_points excluded", _adjust_points(customer_id="excluded"), RuleViolation,
     "customer"),
    ("adjust_points below zero", _adjust_points(amount=-99_999), RuleViolation, "amount"),
    ("adjust_card zero", _adjust_card(amount=0), ValidationError, "amount"),
    ("adjust_card below zero", _adjust_card(amount=-1), RuleViolation, "amount"),
    ("adjust_vouchers no reason", _adjust_vouchers(reason=""), ValidationError, "reason"),
    ("adjust_vouchers below zero", _adjust_vouchers(amount=-1), RuleViolation, "amount"),
    ("reverse_backfill no reason", _reverse_backfill("backfill", reason=""),
     ValidationError, "reason"),
    ("reverse_backfill twice", _reverse_backfill("reversed"), RuleViolation, "backfill"),
    ("extend_package before today", _extend("package", date(2020, 1, 1)), ValidationError,
     "new_expiry"),
    ("extend_package closed", _extend("closed", date(2028, 1, 1)), RuleViolation,
     "package"),
    ("adjust_package same", _adjust_package("package", used=0), ValidationError, "used"),
    ("adjust_package too many used", _adjust_package("package", used=11), ValidationError,
     "used"),
    ("close_package closed", _close("closed"), RuleViolation, "package"),
    ("close_package no reason", _close("package", reason=""), ValidationError, "reason"),
    ("refund no reason", _refund("invoice", reason=" "), ValidationError, "reason"),
    ("refund a refund", _refund("refund"), RuleViolation, "invoice"),
    ("refund all refunded", _refund("invoice"), RuleViolation, "lines"),
    ("merge the same customer", _merge("customer", "customer"), ValidationError,
     "customer"),
    ("merge a deleted customer", _merge("customer", "gone"), RuleViolation, "customer"),
    ("undo an unknown merge", _undo_merge, NotFound, "merge"),
    ("delete a deleted customer", _delete, RuleViolation, "customer"),
    ("expire points of a day to come", _expire_tomorrow, ValidationError, "today"),
    ("apply an unknown ticket", _apply_ticket, NotFound, "ticket"),
    ("checkout paid short at a changed price", _sale_short_paid, ValidationError,
     "payments"),
]


@pytest.mark.parametrize(("write", "error", "field"),
                         [c[1:] for c in CASES + SETTINGS_CASES],
                         ids=[c[0] for c in CASES + SETTINGS_CASES])
def test_a_bad_input_is_refused_before_the_permission_is_asked(writer, reader, world, write,
                                                               error, field, tmp_path):
    before = written(reader)
    with pytest.raises(Exception) as refused, writer() as s:
        write(s, world["receptionist"], world | {"tmp": tmp_path})
    assert not isinstance(refused.value, NotPermitted), refused.value
    assert isinstance(refused.value, error), repr(refused.value)
    assert refused.value.field == field, (refused.value.field, str(refused.value))
    assert written(reader) == before
