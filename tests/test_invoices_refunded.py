"""What an invoice says about itself after the fact: a top-up names its card, the value
credited and the balance; a refunded invoice is marked refunded or partly refunded with the
refund's code (list, detail, reprinted receipt); the list names the technicians and the
cashier."""

from __future__ import annotations

import pytest

from salontui.store.cart import Cart, CartLine, CartPayment
from salontui.store.catalog import create_item
from salontui.store.checkout import checkout
from salontui.store.invoices import get_invoice, list_invoices
from salontui.store.receipts import receipt_lines, receipt_pdf, receipt_text
from salontui.store.refunds import refund_invoice, refundable_lines
from salontui.store.settings import get_settings
from salontui.store.text import cell_width


def one_line(text: str) -> str:
    return " ".join(text.replace("\xa0", " ").split())


@pytest.fixture
def items(writer, staff_id):
    with writer() as s:
        return {
            "cut": create_item(s, staff_id=staff_id, name="Cắt tóc nữ", kind="service",
                               price=150_000, code="DV01"),
            "oil": create_item(s, staff_id=staff_id, name="Dầu gội thảo dược", kind="product",
                               price=250_000, code="SP01"),
        }


def pay(writer, staff_id, cart, key):
    with writer() as s:
        return checkout(s, staff_id=staff_id, cart=cart, idempotency_key=key)


@pytest.mark.parametrize("width", [32, 48])
def test_a_top_up_receipt_names_the_card_the_value_and_the_balance(
        writer, reader, staff_id, customer_id, fixed_now, width, tmp_path):
    top = pay(writer, staff_id, Cart(customer_id=customer_id, lines=[
        CartLine(kind="topup", unit_price=10_000_000, credit=11_000_000)],
        payments=[CartPayment("transfer", 10_000_000)]), "top")
    with reader() as s:
        invoice, settings = get_invoice(s, invoice_id=top.invoice_id), get_settings(s)
    line = invoice.lines[0]
    assert (line.card_name, line.credit, line.balance_after) == (
        "General", 11_000_000, 11_000_000)
    text = receipt_text(invoice, settings, width=width)
    assert all(cell_width(row) <= width for row in text.splitlines())
    assert ("Top-up: card 'General' +11.000.000 ₫ credited, balance 11.000.000 ₫"
            in one_line(text))
    # The PDF prints the 48-column lines.
    assert any("Top-up: card 'General'" in row for row in receipt_lines(invoice, settings,
                                                                         width=48))
    assert receipt_pdf(invoice, settings, tmp_path / "top.pdf").stat().st_size > 500


def test_a_second_top_up_shows_the_balance_after_it_even_when_reprinted_later(
        writer, reader, staff_id, customer_id, fixed_now):
    first = pay(writer, staff_id, Cart(customer_id=customer_id, lines=[
        CartLine(kind="topup", unit_price=1_000_000)],
        payments=[CartPayment("cash", 1_000_000)]), "a")
    pay(writer, staff_id, Cart(customer_id=customer_id, lines=[
        CartLine(kind="topup", unit_price=500_000, card_name="VIP")],
        payments=[CartPayment("cash", 500_000)]), "b")
    second = pay(writer, staff_id, Cart(customer_id=customer_id, lines=[
        CartLine(kind="topup", unit_price=2_000_000)],
        payments=[CartPayment("cash", 2_000_000)]), "c")
    with reader() as s:
        settings = get_settings(s)
        again = receipt_text(get_invoice(s, invoice_id=first.invoice_id), settings, width=48)
        later = receipt_text(get_invoice(s, invoice_id=second.invoice_id), settings, width=48)
    assert "+1.000.000 ₫ credited, balance 1.000.000 ₫" in one_line(again)
    assert "card 'General' +2.000.000 ₫ credited, balance 3.000.000 ₫" in one_line(later)


def test_a_refunded_invoice_says_so_with_the_refund_codes(writer, reader, staff_id,
                                                          technician_id, customer_id, items,
                                                          fixed_now):
    sale = pay(writer, staff_id, Cart(customer_id=customer_id, lines=[
        CartLine(kind="service", item_id=items["cut"].id, staff_id=technician_id),
        CartLine(kind="product", item_id=items["oil"].id)],
        payments=[CartPayment("cash", 400_000)]), "sale")
    with reader() as s:
        fresh = get_invoice(s, invoice_id=sale.invoice_id)
        lines = refundable_lines(s, invoice_id=sale.invoice_id)
    assert (fresh.refund_state, fresh.refund_codes) == ("", ())
    oil = next(line for line in lines if line.kind == "product")
    with writer() as s:
        first = refund_invoice(s, staff_id=staff_id, invoice_id=sale.invoice_id,
                               line_ids=[oil.line_id], reason="Hàng lỗi", idempotency_key="r1")
    with reader() as s:
        partly = get_invoice(s, invoice_id=sale.invoice_id)
        row = list_invoices(s, customer_id=customer_id)[-1]
        settings = get_settings(s)
    assert (partly.refund_state, partly.refund_codes) == ("partly", (first.code,))
    assert [line.refunded_by for line in partly.lines] == ["", first.code]
    assert (row.code, row.refund_state, row.refund_codes) == (sale.code, "partly", first.code)
    text = one_line(receipt_text(partly, settings, width=32))
    assert f"PARTLY REFUNDED by {first.code}" in text
    assert f"Dầu gội thảo dược (refunded {first.code})" in text
    with writer() as s:
        second = refund_invoice(s, staff_id=staff_id, invoice_id=sale.invoice_id,
                                reason="Khách đổi ý", idempotency_key="r2")
    with reader() as s:
        whole = get_invoice(s, invoice_id=sale.invoice_id)
        rows = {r.code: r for r in list_invoices(s, customer_id=customer_id)}
    codes = f"{first.code}, {second.code}"
    assert (whole.refund_state, whole.refund_codes) == ("refunded", (first.code, second.code))
    assert (rows[sale.code].refund_state, rows[sale.code].refund_codes) == ("refunded", codes)
    assert rows[first.code].refund_state == ""  # a refund is not itself refunded
    assert f"REFUNDED by {codes}" in one_line(receipt_text(whole, settings, width=48))


def test_the_list_names_the_technicians_and_the_cashier(writer, reader, staff_id,
                                                        technician_id, customer_id, items,
                                                        fixed_now):
    pay(writer, staff_id, Cart(customer_id=customer_id, lines=[
        CartLine(kind="service", item_id=items["cut"].id, staff_id=technician_id),
        CartLine(kind="service", item_id=items["cut"].id, staff_id=technician_id),
        CartLine(kind="product", item_id=items["oil"].id)],
        payments=[CartPayment("cash", 550_000)]), "sale")
    with reader() as s:
        row = list_invoices(s, customer_id=customer_id)[0]
    assert (row.staff_name, row.technicians) == ("Trần Thu Hà", "Lê Văn Tài")
