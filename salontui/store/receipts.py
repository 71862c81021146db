"""Receipts: plain text for 58 mm (32 columns) and 80 mm (48 columns) printers, and PDF.

The text is what a thermal printer prints and what the screen shows; the PDF
carries the same lines in a font that has every Vietnamese letter (Roboto,
from the ``font-roboto`` package).
"""

from __future__ import annotations

import textwrap
import unicodedata
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


def _font_path() -> Path:
    import font_roboto

    return Path(font_roboto.__file__).parent / "files" / "Roboto-Regular.ttf"


def receipt_pdf(invoice, settings, dest: Path, *, local_time: str = "") -> Path:
    """Write the 80 mm receipt as a PDF page of the same lines."""
    from fpdf import FPDF

    lines = receipt_lines(invoice, settings, width=48, local_time=local_time)
    pdf = FPDF(unit="mm", format=(80, 12 + 4.2 * len(lines)))
    pdf.set_margins(3, 3, 3)
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.add_font("Roboto", "", str(_font_path()))
    pdf.set_font("Roboto", size=7.5)
    for line in lines:
        if line and set(line) == {"-"}:
            y = pdf.get_y() + 2.1
            pdf.line(3, y, 77, y)
            pdf.ln(4.2)
            continue
        # Monospaced layout in a proportional font: keep columns by splitting on the gap.
        left, _sep, right = unicodedata.normalize("NFC", line).rpartition("  ")
        if left.strip() and right.strip() and not line.startswith(" " * 4):
            pdf.cell(50, 4.2, left.rstrip())
            pdf.cell(24, 4.2, right.strip(), align="R", new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.cell(74, 4.2, line.strip() if line.startswith(" " * 4) else line,
                     align="C" if line.startswith(" " * 4) else "L",
                     new_x="LMARGIN", new_y="NEXT")
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    pdf.output(str(dest))
    return dest
