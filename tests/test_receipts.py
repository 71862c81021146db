"""Receipts fit 58 mm (32 columns) and 80 mm (48 columns) printers, and print to PDF
(Vietnamese and Chinese names kept as text)."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from salontui.store.cart import Cart, CartLine, CartPayment
from salontui.store.catalog import create_item
from salontui.store.checkout import checkout
from salontui.store.customers import create_customer
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
        assert result.change == 50_000
        return get_invoice(s, invoice_id=result.invoice_id), get_settings(s)


@pytest.mark.parametrize("width", [32, 48])
def test_receipt_fits_the_paper(paid, width):
    invoice, settings = paid
    text = receipt_text(invoice, settings, width=width, local_time="23/11/2026 16:30")
    lines = text.splitlines()
    assert all(cell_width(line) <= width for line in lines), [
        line for line in lines if cell_width(line) > width]
    assert "SALON HOA MAI" in text and "HD000001" in text
    assert "Nguyễn Thị Hương" in text
    assert "650.000" in text  # 2 × 350,000 − 50,000
    assert "Cảm ơn quý khách!" in text


def test_receipt_shows_the_cash_handed_over_and_the_change(paid):
    """650,000 paid 500,000 cash + 200,000 card: the till keeps 450,000 cash, the receipt
    (and any reprint, read back from the database) says 500,000 tendered, 50,000 change."""
    invoice, settings = paid
    cash = next(p for p in invoice.payments if p.method == "cash")
    assert (cash.amount, invoice.change_given) == (450_000, 50_000)
    lines = receipt_text(invoice, settings, width=48).splitlines()
    cash_line = next(line for line in lines if line.startswith("  Cash"))
    change_line = next(line for line in lines if line.startswith("Change"))
    assert cash_line.endswith("500.000\xa0₫") and change_line.endswith(" 50.000\xa0₫")


def test_receipt_pdf_is_written(paid, tmp_path):
    invoice, settings = paid
    path = receipt_pdf(invoice, settings, tmp_path / "HD000001.pdf")
    data = path.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 1000


def test_receipt_pdf_keeps_vietnamese_and_chinese_names(writer, reader, staff_id,
                                                        technician_id, fixed_now, tmp_path):
    """A Chinese customer buying a Vietnamese-named and a Chinese-named service: the 80 mm
    page carries every name as text (Roboto for the Vietnamese, STSong-Light for the
    Chinese), with the money beside it."""
    with writer() as s:
        wang = create_customer(s, staff_id=staff_id, name="王小明", phone="0935 320 999").id
        cut = create_item(s, staff_id=staff_id, name="Cắt tóc nữ", kind="service",
                          price=350_000)
        wash = create_item(s, staff_id=staff_id, name="洗发护理", kind="service",
                           price=120_000)
        result = checkout(s, staff_id=staff_id, idempotency_key="zh", cart=Cart(
            customer_id=wang,
            lines=[CartLine(kind="service", item_id=cut.id, staff_id=technician_id),
                   CartLine(kind="service", item_id=wash.id, staff_id=technician_id)],
            payments=[CartPayment("cash", 470_000)]))
    with reader() as s:
        invoice, settings = get_invoice(s, invoice_id=result.invoice_id), get_settings(s)
    path = receipt_pdf(invoice, settings, tmp_path / "HD000001.pdf",
                       local_time="23/11/2026 16:30")
    pages = PdfReader(str(path)).pages
    assert len(pages) == 1 and round(float(pages[0].mediabox.width) / 72 * 25.4) == 80
    text = pages[0].extract_text().replace("\xa0", " ")
    for said in ("王小明", "洗发护理", "Cắt tóc nữ", "Lê Văn Tài", "HD000001", "470.000 ₫"):
        assert said in text, (said, text)
