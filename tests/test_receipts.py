"""Receipts fit 58 mm (32 columns) and 80 mm (48 columns) printers, and print to PDF."""

from __future__ import annotations

import pytest

from salontui.store.cart import Cart, CartLine, CartPayment
from salontui.store.catalog import create_item
from salontui.store.checkout import checkout
from salontui.store.invoices import get_invoice
from salontui.store.receipts import receipt_pdf, receipt_text
from salontui.store.settings import get_settings, update_settings
from salontui.store.text import cell_width


@pytest.fixture
def paid(writer, reader, staff_id, technician_id, customer_id, fixed_now):
    with writer() as s:
        update_settings(s, staff_id=staff_id, name="Salon Hoa Mai",
                        address="12 Lê Lợi, Hải Châu, Đà Nẵng", phone="0236 3 888 999",
                        receipt_footer="Cảm ơn quý khách! Hẹn gặp lại.")
        cut = create_item(s, staff_id=staff_id, name="Cắt tóc nữ tạo kiểu chuyên nghiệp",
                          kind="service", price=350_000)
        result = checkout(s, staff_id=staff_id, idempotency_key="r", cart=Cart(
            customer_id=customer_id,
            lines=[CartLine(kind="service", item_id=cut.id, quantity=2, discount=50_000,
                            staff_id=technician_id)],
            payments=[CartPayment("cash", 500_000), CartPayment("card", 200_000)]))
    with reader() as s:
        return get_invoice(s, invoice_id=result.invoice_id), get_settings(s), result.change


@pytest.mark.parametrize("width", [32, 48])
def test_receipt_fits_the_paper(paid, width):
    invoice, settings, change = paid
    text = receipt_text(invoice, settings, width=width, change=change,
                        local_time="23/11/2026 16:30")
    lines = text.splitlines()
    assert all(cell_width(line) <= width for line in lines), [
        line for line in lines if cell_width(line) > width]
    assert "SALON HOA MAI" in text and "HD000001" in text
    assert "Nguyễn Thị Hương" in text
    assert "650.000" in text  # 2 × 350,000 − 50,000
    assert "Cảm ơn quý khách!" in text


def test_receipt_pdf_is_written(paid, tmp_path):
    invoice, settings, change = paid
    path = receipt_pdf(invoice, settings, tmp_path / "HD000001.pdf", change=change)
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 1000
