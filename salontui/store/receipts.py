"""Receipts: plain text for 58 mm (32 columns) and 80 mm (48 columns) printers, and PDF.

The text is what a thermal printer prints and what the screen shows; the PDF
carries the same lines, each run of text in a font that has its letters
(store/pdf_text.py: Roboto for Vietnamese, STSong-Light for Chinese).
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from salontui.i18n import _
from salontui.store.kinds import MethodKind, PaymentMethod, payment_method_label
from salontui.store.money import format_money
from salontui.store.names import card_label, tier_label
from salontui.store.text import cell_width, fit

WIDTHS = (32, 48)


def _pair(left: str, right: str, width: int) -> str:
    """Left text and right-aligned figure on one line; on two when they do not fit."""
    if cell_width(left) + 1 + cell_width(right) > width:
        right = fit(right, width)
        return fit(left, width) + "\n" + " " * (width - cell_width(right)) + right
    return left + " " * (width - cell_width(left) - cell_width(right)) + right


def _center(text: str, width: int) -> str:
    text = fit(text, width)
    pad = (width - cell_width(text)) // 2
    return " " * pad + text


def topup_text(line, money) -> str:
    """What a top-up line says: the card, the value credited and the card's balance after
    ("Top-up: card 'General' +11.000.000 ₫ credited, balance 11.000.000 ₫")."""
    card = card_label(getattr(line, "card_name", None))
    credit = getattr(line, "credit", 0) or 0
    balance = getattr(line, "balance_after", None)
    if credit < 0:  # its refund: the value taken back off the card
        if balance is None:
            return _("Top-up refunded: card '{card}' {credit} taken back").format(
                card=card, credit=money(credit))
        return _("Top-up refunded: card '{card}' {credit} taken back, balance "
                 "{balance}").format(card=card, credit=money(credit), balance=money(balance))
    if balance is None:
        return _("Top-up: card '{card}' +{credit} credited").format(card=card,
                                                                   credit=money(credit))
    return _("Top-up: card '{card}' +{credit} credited, balance {balance}").format(
        card=card, credit=money(credit), balance=money(balance))


def tier_discount_label(tier: str, percent: int) -> str:
    """The tier's part of a discount, as the receipt and the checkout say it ("Gold tier
    -5 %")."""
    return _("{tier} tier -{percent} %").format(tier=tier_label(tier), percent=percent)


def line_text(line, money) -> str:
    """A line's text on a receipt: its description; a top-up names its card and value."""
    text = topup_text(line, money) if line.kind == "topup" else line.description
    if getattr(line, "refunded_by", ""):
        text = _("{item} (refunded {codes})").format(item=text, codes=line.refunded_by)
    return text


def refund_note(invoice) -> str:
    """"REFUNDED by HD000007" / "PARTLY REFUNDED by …" for an invoice refunded since it was
    paid (a refund itself, or an invoice never refunded: "")."""
    codes = ", ".join(getattr(invoice, "refund_codes", ()) or ())
    state = getattr(invoice, "refund_state", "")
    if not codes or invoice.kind == "refund":
        return ""
    if state == "refunded":
        return _("REFUNDED by {codes}").format(codes=codes)
    return _("PARTLY REFUNDED by {codes}").format(codes=codes)


def _kind(payment) -> str:
    """A payment's kind (its method's, in the salon's list); a row that does not say is
    the built-in method of its code."""
    from salontui.store.admin.methods import BUILT_IN_KINDS

    return getattr(payment, "kind", "") or BUILT_IN_KINDS.get(payment.method, "")


def receipt_lines(invoice, settings, *, width: int = 32, local_time: str = "") -> list[str]:
    """The receipt of ``invoice`` (an ``invoices.InvoiceDetail``), line by line.

    It is headed with the salon's name, then its address and phone; in a chain, the
    branch the invoice was written at: its name, address and phone (the salon's when it
    has none). Then the salon's own line (its ``receipt_header``, set in the back office)
    and, in a chain, the branch's own line after it.

    Cash shows what the customer handed over, then the change given back (the
    invoice records cash net of the change, which is what the till keeps).
    """
    if width not in WIDTHS:
        raise ValueError(f"receipt width must be one of {WIDTHS}")

    def money(minor: int) -> str:
        return format_money(minor, currency=settings.currency,
                            exponent=settings.currency_exponent, locale=settings.locale)

    rule = "-" * width
    out = [_center(settings.name.upper(), width)]
    branch = getattr(invoice, "branch", None)  # a chain's: the branch it was written at
    header = getattr(settings, "receipt_header", "")
    place: tuple[str, ...] = (settings.address, settings.phone, header)
    if branch is not None:
        place = (branch.name, branch.address or settings.address,
                 branch.phone or settings.phone, header, branch.receipt_header)
    for part in place:
        out += [_center(chunk, width) for chunk in textwrap.wrap(part, width)]
    out.append(rule)
    title = _("REFUND") if invoice.kind == "refund" else _("RECEIPT")
    out.append(_pair(f"{title} {invoice.code}", local_time, width))
    if getattr(invoice, "refund_of_code", None):
        out.append(fit(_("Refund of {code}").format(code=invoice.refund_of_code), width))
    refunded = refund_note(invoice)
    if refunded:  # a reprint of an invoice refunded since: said at the top
        out += textwrap.wrap(refunded, width)
    if invoice.customer_name:
        out.append(fit(_("Customer: {name}").format(name=invoice.customer_name), width))
    if invoice.staff_name:
        out.append(fit(_("Cashier: {name}").format(name=invoice.staff_name), width))
    out.append(rule)
    for line in invoice.lines:
        out += textwrap.wrap(line_text(line, money), width) or [""]
        qty = f"  {line.quantity} x {money(line.unit_price)}"
        out.append(_pair(qty, money(line.amount + line.discount), width))
        if line.discount:
            out.append(_pair("  " + _("Discount"), money(-line.discount), width))
        if getattr(line, "staff_name", None) and line.kind in ("service", "redeem"):
            out.append(fit("  " + _("by {name}").format(name=line.staff_name), width))
    out.append(rule)
    if invoice.discount:
        out.append(_pair(_("Subtotal"), money(invoice.subtotal), width))
        out.append(_pair(_("Discount"), money(-invoice.discount), width))
        if getattr(invoice, "tier_discount", 0):
            out.append(_pair("  " + tier_discount_label(invoice.tier_name,
                                                         invoice.tier_percent),
                             money(-invoice.tier_discount), width))
        if getattr(invoice, "promotion_code", None):
            out.append(fit("  " + _("Promotion {code}").format(code=invoice.promotion_code),
                           width))
    out.append(_pair(_("TOTAL"), money(invoice.total), width))
    change = getattr(invoice, "change_given", 0)
    cash_shown = False
    for payment in invoice.payments:
        amount = payment.amount
        if _kind(payment) == MethodKind.CASH and change and not cash_shown:
            amount, cash_shown = amount + change, True
        # The method's name now (a method renamed since reads its new name).
        label = getattr(payment, "label", "") or payment_method_label(payment.method)
        if getattr(payment, "card_name", None):
            label = f"{label} ({card_label(payment.card_name)})"
        if payment.method == "points" and getattr(payment, "points", 0):
            label = f"{label} {abs(payment.points)}"
        out.append(_pair("  " + label, money(amount), width))
    if change and not cash_shown:  # all of the cash went back as change
        cash = payment_method_label(PaymentMethod.CASH)
        out.append(_pair("  " + cash, money(change), width))
    if change:
        out.append(_pair(_("Change"), money(change), width))
    if settings.receipt_footer:
        out.append(rule)
        out += [_center(chunk, width) for chunk in textwrap.wrap(settings.receipt_footer, width)]
    return [row for line in out for row in line.split("\n")]


def receipt_text(invoice, settings, *, width: int = 32, local_time: str = "") -> str:
    return "\n".join(receipt_lines(invoice, settings, width=width,
                                   local_time=local_time)) + "\n"


def receipt_pdf(invoice, settings, dest: Path, *, local_time: str = "") -> Path:
    """Write the 80 mm receipt as a PDF page of the same lines (the 48-column text), as
    long as they need; each run of text in the font that has its letters
    (store/pdf_text.py: Vietnamese in Roboto, Chinese in STSong-Light)."""
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from salontui.store import pdf_text

    lines = receipt_lines(invoice, settings, width=48, local_time=local_time)
    size, row, margin, pad = 7.5, 4.2 * mm, 3 * mm, 1 * mm  # pad: a cell's inner margin
    page_w, page_h = 80 * mm, 12 * mm + row * len(lines)
    left, right = margin + pad, page_w - margin - pad
    pdf_text.fonts()
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    canvas = Canvas(str(dest), pagesize=(page_w, page_h))
    canvas.setTitle(invoice.code)
    canvas.setAuthor("salontui")
    canvas.setLineWidth(0.2 * mm)
    top = page_h - margin  # of the row drawn next
    for line in lines:
        # The baseline sits a little below the row's middle.
        base = top - row / 2 - 0.3 * size * 25.4 / 72 * mm
        if line and set(line) == {"-"}:
            canvas.line(margin, top - row / 2, page_w - margin, top - row / 2)
        else:
            # Monospaced layout in a proportional font: keep columns by splitting on the gap.
            first, _sep, last = line.rpartition("  ")
            if first.strip() and last.strip() and not line.startswith(" " * 4):
                pdf_text.draw(canvas, left, base, first.rstrip(), size)
                pdf_text.draw(canvas, right, base, last.strip(), size, align="right")
            elif line.startswith(" " * 4):  # centred
                pdf_text.draw(canvas, page_w / 2, base, line.strip(), size, align="center")
            else:
                pdf_text.draw(canvas, left, base, line, size)
        top -= row
    canvas.showPage()
    canvas.save()
    return dest
