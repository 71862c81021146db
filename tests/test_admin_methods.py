"""The salon's payment methods (store/admin/methods.py): listed in its order, added with a
kind the books know, renamed, moved, retired; every change audited; bad input refused at
the field with nothing written. And what follows them: the cart takes any active method
and goes by its kind (only cash gives change), invoices keep their method's code and read
its name now (receipt, invoice, refund, day close), and `check` passes."""

from __future__ import annotations

import json
import re

import pytest
from refusals import refused_wrongly
from sqlalchemy import text

from salontui.store.admin.methods import (
    CHECKOUT_ALT_KEYS,
    create_method,
    derive_code,
    list_methods,
    method_kinds,
    method_labels,
    move_method,
    set_method_active,
    update_method,
)
from salontui.store.cart import Cart, CartLine, CartPayment, quote
from salontui.store.catalog import create_item
from salontui.store.checkout import checkout
from salontui.store.dayclose import day_close
from salontui.store.errors import NotFound, RuleViolation, ValidationError
from salontui.store.invoices import get_invoice
from salontui.store.receipts import receipt_text
from salontui.store.refunds import default_refund_payments, refund_invoice
from salontui.store.settings import get_settings

# Migration 0005's eight, then 0008's voucher at the end of the list.
BUILT_IN = ["cash", "card", "transfer", "ewallet", "value", "points", "account", "free",
            "voucher"]


def audit_rows(engine, action):
    with engine.connect() as conn:
        return conn.execute(text("SELECT before, after FROM audit_log WHERE action = :a "
                                 "ORDER BY id"), {"a": action}).all()


def audit_count(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT count(*) FROM audit_log")).scalar_one()


def by_code(reader) -> dict:
    with reader() as s:
        return {m.code: m for m in list_methods(s)}


@pytest.fixture
def cut(writer, staff_id):
    with writer() as s:
        return create_item(s, staff_id=staff_id, name="Cắt tóc nữ", kind="service",
                           price=150_000)


def sale(cut_id: int, *payments: CartPayment, customer_id: int | None = None) -> Cart:
    return Cart(customer_id=customer_id, lines=[CartLine(kind="service", item_id=cut_id)],
                payments=list(payments))


def pay(writer, staff_id, cart, key):
    with writer() as s:
        return checkout(s, staff_id=staff_id, cart=cart, idempotency_key=key)


# -- the list ----------------------------------------------------------------------------


def test_the_built_in_methods_come_in_the_panel_order_with_their_kinds_and_keys(reader):
    with reader() as s:
        methods = list_methods(s)
    assert [m.code for m in methods] == BUILT_IN
    assert [m.kind for m in methods] == ["cash", "card", "card", "card", "value", "points",
                                         "account", "waived", "voucher"]
    assert [m.hotkey for m in methods] == [*"cktevpaw", None]
    assert [m.label for m in methods] == ["Cash", "Bank card", "Transfer", "E-wallet",
                                          "Stored value", "Points", "On account", "Waived",
                                          "Voucher"]
    assert [m.position for m in methods] == list(range(1, 10))
    assert all(m.active and m.built_in for m in methods)


def test_a_new_method_is_added_at_the_end_with_a_code_made_from_its_name(
        engine, writer, reader, staff_id):
    with writer() as s:
        wechat = create_method(s, staff_id=staff_id, name="  WeChat   Pay ", kind="card",
                               hotkey="G")
        momo = create_method(s, staff_id=staff_id, name="Ví điện tử MoMo", kind="card")
        comp = create_method(s, staff_id=staff_id, name="微信", kind="waived", hotkey="")
        mine = create_method(s, staff_id=staff_id, name="Tiền đô", kind="cash",
                             code="usd_cash")
    assert (wechat.code, wechat.name, wechat.kind, wechat.hotkey) == (
        "wechatpay", "WeChat Pay", "card", "g")
    assert (momo.code, momo.hotkey) == ("vidientumomo", None)  # folded, at most 12
    assert comp.code == "method" and comp.hotkey is None  # nothing ASCII in the name
    assert mine.code == "usd_cash"
    with reader() as s:
        methods = list_methods(s)
        assert [m.code for m in methods][-4:] == ["wechatpay", "vidientumomo", "method",
                                                  "usd_cash"]
        assert [m.position for m in methods] == list(range(1, 14))
        assert derive_code(s, "E-wallet!") == "ewallet2"  # taken: a number after it
        assert derive_code(s, "Payments") == "payments2"  # a field of the checkout
        assert derive_code(s, "123") == "method2"
    [(before, after)] = audit_rows(engine, "create_method")[:1]
    assert before is None and json.loads(after)["code"] == "wechatpay"


BAD = [
    ({"name": ""}, "name", "Name is required."),
    ({"name": "   "}, "name", "Name is required."),
    ({"name": "x" * 61}, "name", "longer than 60"),
    ({"name": "x" * 10_000}, "name", "longer than"),
    ({"name": "bank CARD"}, "name", "already a payment method called 'Bank card'"),
    ({"name": "E-Wallet"}, "name", "already a payment method"),
    ({"hotkey": "c"}, "hotkey", "Alt+C is already the key of 'Cash'"),
    ({"hotkey": "K"}, "hotkey", "already the key of 'Bank card'"),
    ({"hotkey": "h"}, "hotkey", "Alt+H is the checkout's key for Hold checkout"),
    ({"hotkey": "n"}, "hotkey", "key for Next card"),
    ({"hotkey": "x"}, "hotkey", "key for Remove line"),
    ({"hotkey": "b"}, "hotkey", "Alt+B does not reach"),
    ({"hotkey": "f"}, "hotkey", "Alt+F does not reach"),
    ({"hotkey": "1"}, "hotkey", "one letter, a to z"),
    ({"hotkey": "gh"}, "hotkey", "one letter, a to z"),
    ({"hotkey": "ă"}, "hotkey", "one letter, a to z"),
    ({"hotkey": "-"}, "hotkey", "one letter, a to z"),
    ({"kind": "value"}, "kind", "one method of each, built in"),
    ({"kind": "points"}, "kind", "one method of each, built in"),
    ({"kind": "account"}, "kind", "one method of each, built in"),
    ({"kind": "voucher"}, "kind", "one method of each, built in"),
    ({"kind": "bitcoin"}, "kind", "Unknown kind"),
    ({"kind": ""}, "kind", "Unknown kind"),
    ({"code": "cash"}, "code", "already a payment method with the code 'cash'"),
    ({"code": "payments"}, "code", "another field of the checkout"),
    ({"code": "9lives"}, "code", "beginning with a letter"),
    ({"code": "we chat"}, "code", "letters a–z"),
    ({"code": "x" * 13}, "code", "1 to 12"),
    ({"code": "ví"}, "code", "letters a–z"),
]


def test_bad_input_is_refused_at_the_field_and_nothing_is_written(engine, writer, reader,
                                                                 staff_id):
    def attempt(changes):
        with writer() as s:
            create_method(s, staff_id=staff_id,
                          **({"name": "WeChat", "kind": "card", "hotkey": "g"} | changes))

    assert list(by_code(reader)) == BUILT_IN
    problems = refused_wrongly(BAD, attempt,
                               lambda: (audit_count(engine), list(by_code(reader))))
    assert not problems, "\n".join(problems)


def test_wrong_types_are_refused_at_their_field(writer, staff_id):
    for args, field in (({"name": 5}, "name"), ({"hotkey": 3}, "hotkey"),
                        ({"kind": None}, "kind")):
        with pytest.raises(ValidationError) as refused, writer() as s:
            create_method(s, staff_id=staff_id, **({"name": "WeChat", "kind": "card"} | args))
        assert refused.value.field == field


def test_renaming_changes_the_name_everywhere_but_never_an_invoice(
        engine, writer, reader, staff_id, cut, fixed_now):
    """An invoice paid by e-wallet keeps the code; renamed MoMo, it reads MoMo."""
    paid = pay(writer, staff_id, sale(cut.id, CartPayment("ewallet", 150_000)), "e1")
    methods = by_code(reader)
    with writer() as s:
        momo = update_method(s, staff_id=staff_id, method_id=methods["ewallet"].id,
                             name="MoMo", hotkey="m")
    assert (momo.code, momo.name, momo.label, momo.hotkey) == ("ewallet", "MoMo", "MoMo", "m")
    with reader() as s:
        stored = s.execute(text("SELECT method FROM payment WHERE invoice_id = :i"),
                           {"i": paid.invoice_id}).scalar_one()
        invoice = get_invoice(s, invoice_id=paid.invoice_id)
        settings = get_settings(s)
        assert method_labels(s)["ewallet"] == "MoMo"
        close = day_close(s, day=fixed_now.date())
    assert stored == "ewallet"
    assert [(p.method, p.label, p.kind) for p in invoice.payments] == [
        ("ewallet", "MoMo", "card")]
    receipt = receipt_text(invoice, settings, width=48)
    assert "MoMo" in receipt and "E-wallet" not in receipt
    assert close.labels["ewallet"] == "MoMo" and close.takings == {"ewallet": 150_000}
    assert close.per_kind == [("card", 150_000, 0, 150_000)]
    [(before, after)] = audit_rows(engine, "update_method")
    assert json.loads(before)["name"] == "E-wallet" and json.loads(after)["name"] == "MoMo"
    from salontui.store.check import run_checks

    assert run_checks(engine) == []


def test_update_refuses_bad_input_at_the_field(engine, writer, reader, staff_id):
    methods = by_code(reader)
    before = audit_count(engine)
    for args, field, message in (
            ({"name": ""}, "name", "required"),
            ({"name": "Cash"}, "name", "already a payment method"),
            ({"hotkey": "c"}, "hotkey", "already the key of 'Cash'"),
            ({"hotkey": "q"}, "hotkey", "Cancel checkout")):
        with pytest.raises(ValidationError, match=re.escape(message)) as refused, \
                writer() as s:
            update_method(s, staff_id=staff_id, method_id=methods["ewallet"].id,
                          **({"name": "MoMo", "hotkey": "e"} | args))
        assert refused.value.field == field
    with pytest.raises(NotFound), writer() as s:
        update_method(s, staff_id=staff_id, method_id=9_999, name="X", hotkey=None)
    assert audit_count(engine) == before
    with writer() as s:  # its own name and key again: fine
        update_method(s, staff_id=staff_id, method_id=methods["ewallet"].id,
                      name="e-wallet", hotkey="E")
    assert (by_code(reader)["ewallet"].name, by_code(reader)["ewallet"].hotkey) == (
        "e-wallet", "e")


def test_a_kind_changes_only_among_cash_card_waived_and_only_while_unused(
        writer, reader, staff_id, cut, fixed_now):
    methods = by_code(reader)
    with writer() as s:  # transfer never used: it may become cash-like
        row = update_method(s, staff_id=staff_id, method_id=methods["transfer"].id,
                            name="Transfer", hotkey="t", kind="cash")
    assert row.kind == "cash"
    pay(writer, staff_id, sale(cut.id, CartPayment("card", 150_000)), "c1")
    with reader() as s:
        used = {m.code: m.used for m in list_methods(s, with_use=True)}
    assert used["card"] is True and used["transfer"] is False
    with pytest.raises(RuleViolation, match="Payments were taken by 'Bank card'") as refused, \
            writer() as s:
        update_method(s, staff_id=staff_id, method_id=methods["card"].id, name="Bank card",
                      hotkey="k", kind="waived")
    assert refused.value.field == "kind"
    for code in ("value", "points", "voucher", "account"):
        with pytest.raises(RuleViolation, match="its kind does not change"), writer() as s:
            update_method(s, staff_id=staff_id, method_id=methods[code].id,
                          name=methods[code].name, hotkey=methods[code].hotkey, kind="cash")
    with pytest.raises(ValidationError, match="one method of each"), writer() as s:
        update_method(s, staff_id=staff_id, method_id=methods["transfer"].id,
                      name="Transfer", hotkey="t", kind="value")
    with writer() as s:  # the same kind again is no change
        update_method(s, staff_id=staff_id, method_id=methods["points"].id, name="Điểm",
                      hotkey="p", kind="points")
        # The voucher method is renamed and given a key of the salon's (none came with it);
        # b, which no terminal delivers with Alt, is no method's.
        row = update_method(s, staff_id=staff_id, method_id=methods["voucher"].id,
                            name="Phiếu quà tặng", hotkey="g")
    assert (row.name, row.hotkey, row.kind) == ("Phiếu quà tặng", "g", "voucher")
    with pytest.raises(ValidationError, match=re.escape("Alt+B does not reach")), \
            writer() as s:
        update_method(s, staff_id=staff_id, method_id=methods["transfer"].id,
                      name="Transfer", hotkey="b")


def test_the_last_cash_method_stays(writer, reader, staff_id):
    methods = by_code(reader)
    with pytest.raises(RuleViolation, match="last cash method") as refused, writer() as s:
        set_method_active(s, staff_id=staff_id, method_id=methods["cash"].id, active=False)
    assert refused.value.field == "method"
    with pytest.raises(RuleViolation, match="last cash method"), writer() as s:
        update_method(s, staff_id=staff_id, method_id=methods["cash"].id, name="Cash",
                      hotkey="c", kind="card")
    with writer() as s:  # with another cash method, the first may go
        usd = create_method(s, staff_id=staff_id, name="US dollars", kind="cash", hotkey="z")
        set_method_active(s, staff_id=staff_id, method_id=methods["cash"].id, active=False)
    with pytest.raises(RuleViolation, match="'US dollars' is the last cash"), writer() as s:
        set_method_active(s, staff_id=staff_id, method_id=usd.id, active=False)


def test_retiring_frees_the_key_and_the_cart_refuses_the_method(
        engine, writer, reader, staff_id, cut):
    methods = by_code(reader)
    with writer() as s:
        gone = set_method_active(s, staff_id=staff_id, method_id=methods["transfer"].id,
                                 active=False)
    assert (gone.active, gone.hotkey) == (False, None)
    [(before, _after)] = audit_rows(engine, "set_method_active")
    assert json.loads(before) == {"active": True, "hotkey": "t"}
    with writer() as s:  # its key is free for another
        create_method(s, staff_id=staff_id, name="Techcombank", kind="card", hotkey="t")
    with reader() as s:
        assert [m.code for m in list_methods(s, active_only=True)] == [
            "cash", "card", "ewallet", "value", "points", "account", "free", "voucher",
            "techcombank"]
        with pytest.raises(RuleViolation, match="'Transfer' is no longer taken") as refused:
            quote(s, cart=sale(cut.id, CartPayment("transfer", 150_000)))
        assert refused.value.field == "transfer"
        with pytest.raises(ValidationError, match="Unknown payment method 'bitcoin'"):
            quote(s, cart=sale(cut.id, CartPayment("bitcoin", 150_000)))
    with pytest.raises(ValidationError, match="no key: bring it back first"), writer() as s:
        update_method(s, staff_id=staff_id, method_id=gone.id, name="Transfer", hotkey="j")
    with writer() as s:  # back, without a key (t is another's now)
        back = set_method_active(s, staff_id=staff_id, method_id=gone.id, active=True)
    assert (back.active, back.hotkey) == (True, None)


def test_moving_a_method_changes_the_panel_order(engine, writer, reader, staff_id):
    methods = by_code(reader)
    with writer() as s:
        moved = move_method(s, staff_id=staff_id, method_id=methods["ewallet"].id,
                            direction="up")
        move_method(s, staff_id=staff_id, method_id=methods["ewallet"].id, direction="up")
        move_method(s, staff_id=staff_id, method_id=methods["free"].id, direction="up")
    assert moved.code == "ewallet" and moved.position == 3
    assert list(by_code(reader)) == ["cash", "ewallet", "card", "transfer", "value",
                                     "points", "free", "account", "voucher"]
    before = audit_count(engine)
    with writer() as s:  # at either end nothing moves, nothing is written
        move_method(s, staff_id=staff_id, method_id=methods["cash"].id, direction="up")
        move_method(s, staff_id=staff_id, method_id=methods["voucher"].id, direction="down")
    assert audit_count(engine) == before
    with pytest.raises(ValidationError, match="up or down") as refused, writer() as s:
        move_method(s, staff_id=staff_id, method_id=methods["cash"].id, direction="left")
    assert refused.value.field == "direction"
    with pytest.raises(NotFound), writer() as s:
        move_method(s, staff_id=staff_id, method_id=9_999, direction="up")
    [(before_move, after_move)] = audit_rows(engine, "move_method")[:1]
    assert json.loads(before_move)["positions"]["ewallet"] == 4
    assert json.loads(after_move)["positions"]["ewallet"] == 3


# -- what a payment does goes by its method's kind -----------------------------------------


def test_only_a_cash_method_gives_change(writer, reader, staff_id, cut):
    with writer() as s:
        create_method(s, staff_id=staff_id, name="US dollars", kind="cash", hotkey="z",
                      code="usd")
        create_method(s, staff_id=staff_id, name="WeChat", kind="card", hotkey="g")
        update_method(s, staff_id=staff_id, method_id=by_code(reader)["cash"].id,
                      name="Tiền mặt", hotkey="c")
    with reader() as s:
        q = quote(s, cart=sale(cut.id, CartPayment("usd", 200_000)))
        assert (q.change, q.overpaid, q.balanced) == (50_000, 0, True)
        q = quote(s, cart=sale(cut.id, CartPayment("wechat", 200_000)))
        assert (q.change, q.overpaid, q.balanced) == (0, 50_000, False)
    paid = pay(writer, staff_id, sale(cut.id, CartPayment("usd", 200_000)), "u1")
    assert paid.change == 50_000
    with reader() as s:
        invoice = get_invoice(s, invoice_id=paid.invoice_id)
        receipt = receipt_text(invoice, get_settings(s), width=48)
    assert [(p.method, p.amount, p.kind) for p in invoice.payments] == [("usd", 150_000,
                                                                          "cash")]
    assert "US dollars" in receipt and "Change" in receipt
    with pytest.raises(ValidationError, match="Only cash"), writer() as s:
        checkout(s, staff_id=staff_id, cart=sale(cut.id, CartPayment("wechat", 200_000)),
                 idempotency_key="w1")


def test_a_walk_in_pays_with_money_and_a_new_waived_method_is_not_spend(
        writer, reader, staff_id, cut, customer_id):
    from salontui.store.summary import customer_summary

    with writer() as s:
        create_method(s, staff_id=staff_id, name="Khách mời", kind="waived", code="guest")
    for code in ("value", "points", "account"):
        with pytest.raises(RuleViolation, match="walk-in"), writer() as s:
            checkout(s, staff_id=staff_id, cart=sale(cut.id, CartPayment(code, 150_000)),
                     idempotency_key=f"walk-{code}")
    pay(writer, staff_id, sale(cut.id, CartPayment("guest", 100_000),
                               CartPayment("cash", 50_000), customer_id=customer_id), "g1")
    with reader() as s:
        assert customer_summary(s, customer_id=customer_id).total_spend == 50_000
        assert method_kinds(s)["guest"] == "waived"


def test_a_new_method_pays_shows_and_is_refunded_by_its_name(
        engine, writer, reader, staff_id, cut, customer_id, fixed_now):
    with writer() as s:
        create_method(s, staff_id=staff_id, name="WeChat", kind="card", hotkey="g")
    paid = pay(writer, staff_id, sale(cut.id, CartPayment("wechat", 100_000),
                                      CartPayment("cash", 50_000),
                                      customer_id=customer_id), "w1")
    with reader() as s:
        back = default_refund_payments(s, invoice_id=paid.invoice_id, amount=120_000,
                                       point_value=1)
        assert [(p.method, p.amount) for p in back] == [("wechat", 100_000), ("cash", 20_000)]
        invoice = get_invoice(s, invoice_id=paid.invoice_id)
        receipt = receipt_text(invoice, get_settings(s), width=32)
    assert "WeChat" in receipt
    with writer() as s:
        refund = refund_invoice(s, staff_id=staff_id, invoice_id=paid.invoice_id,
                                reason="Không hài lòng", idempotency_key="r1",
                                payments=[CartPayment("wechat", 100_000),
                                          CartPayment("cash", 50_000)])
    with writer() as s:  # retired since: it no longer takes money…
        set_method_active(s, staff_id=staff_id, method_id=by_code(reader)["wechat"].id,
                          active=False)
    with reader() as s:
        detail = get_invoice(s, invoice_id=refund.invoice_id)
        close = day_close(s, day=fixed_now.date())
    assert [(p.method, p.label, p.amount) for p in detail.payments] == [
        ("wechat", "WeChat", -100_000), ("cash", "Cash", -50_000)]
    # … and the day close still names it, under card-like
    assert close.labels["wechat"] == "WeChat"
    assert close.takings == {"wechat": 100_000, "cash": 50_000}
    assert close.refunds == {"wechat": -100_000, "cash": -50_000}
    assert close.per_kind == [("cash", 50_000, -50_000, 0), ("card", 100_000, -100_000, 0)]
    from salontui.store.check import run_checks

    assert run_checks(engine) == []


def test_a_refund_goes_back_by_a_retired_method_it_was_paid_with_only(
        writer, reader, staff_id, cut, fixed_now):
    with writer() as s:
        create_method(s, staff_id=staff_id, name="WeChat", kind="card", hotkey="g")
        create_method(s, staff_id=staff_id, name="Zalo Pay", kind="card", hotkey="z")
    paid = pay(writer, staff_id, sale(cut.id, CartPayment("wechat", 150_000)), "w1")
    with writer() as s:
        for code in ("wechat", "zalopay"):
            set_method_active(s, staff_id=staff_id, method_id=by_code(reader)[code].id,
                              active=False)
    with pytest.raises(RuleViolation, match="'Zalo Pay' is no longer taken") as refused, \
            writer() as s:
        refund_invoice(s, staff_id=staff_id, invoice_id=paid.invoice_id, reason="x",
                       idempotency_key="r0", payments=[CartPayment("zalopay", 150_000)])
    assert refused.value.field == "zalopay"
    with writer() as s:
        refund_invoice(s, staff_id=staff_id, invoice_id=paid.invoice_id, reason="x",
                       idempotency_key="r1", payments=[CartPayment("wechat", 150_000)])


def test_the_checkout_keys_the_store_keeps_are_the_checkouts_alt_keys():
    from textual.binding import Binding

    from salontui.screens.checkout import CheckoutScreen

    alt = {b.key.removeprefix("alt+") for b in Binding.make_bindings(CheckoutScreen.BINDINGS)
           if b.key.startswith("alt+") and not b.action.startswith("pay(")}
    assert alt == set(CHECKOUT_ALT_KEYS)
