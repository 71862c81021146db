"""The checkout by keys alone: lines by code, split payment, confirm, receipt; every refusal
shows its message and writes nothing; double confirm, hold and resume, refund, day close."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import text
from test_ui_helpers import (
    SIZE,
    add_debt,
    freeze,
    give_points,
    make_customer,
    make_program,
    paste,
    plain,
    read,
    sell,
    settle,
    start,
    table_rows,
    top_up,
    type_text,
)

from salontui.app import SalonApp
from salontui.screens.checkout import CheckoutScreen
from salontui.screens.checkout.dialogs import CustomerPickerDialog, PickerDialog
from salontui.screens.day_close import DayCloseScreen
from salontui.screens.dialogs.confirm import ConfirmDialog
from salontui.screens.dialogs.held_checkouts import HeldCheckoutsDialog
from salontui.screens.dialogs.receipt import ReceiptDialog
from salontui.screens.dialogs.refund import RefundDialog
from salontui.screens.search import CustomerSearchScreen
from salontui.store.db import write_session
from salontui.store.ledger import card_balances, debt_balance, points_balance
from salontui.widgets.checkout_receipt import ReceiptView

COUNTED = ("invoice", "invoice_line", "payment", "ledger_entry", "package_event", "audit_log")


def counts(engine) -> dict[str, int]:
    return read(engine, lambda s: {t: s.execute(text(f"SELECT count(*) FROM {t}")).scalar()
                                   for t in COUNTED})


@pytest.fixture
def salon(engine, staff_id, technician_id, fixed_now, monkeypatch, tmp_path):
    """A catalog with codes, a customer with a bit of everything, documents in tmp_path."""
    from salontui.store import clock
    from salontui.store.catalog import create_item
    from salontui.store.promotions import give_promotion

    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(tmp_path / "docs"))
    with write_session(engine) as s:
        items = {code: create_item(s, staff_id=staff_id, name=name, kind=kind, price=price,
                                   code=code)
                 for code, name, kind, price in (
                     ("DV01", "Cắt tóc nữ", "service", 150_000),
                     ("DV02", "Gội đầu dưỡng sinh", "service", 120_000),
                     ("DV03", "Nhuộm tóc thời trang", "service", 850_000),
                     ("SP01", "Dầu gội thảo dược", "product", 250_000))}
    customer = make_customer(engine, staff_id)
    cid = customer.id
    give_points(engine, staff_id, cid, 1_500)
    add_debt(engine, staff_id, cid, 350_000)
    top_up(engine, staff_id, cid, 500_000)
    count = sell(engine, staff_id, cid, used=2)
    frozen = freeze(engine, staff_id, sell(engine, staff_id, cid, name="Nhuộm 5 buổi",
                                           total=5).id)
    with clock.pinned(fixed_now - timedelta(days=60)):
        expired = sell(engine, staff_id, cid, name="Gói cũ hết hạn", total=5, days=30)
    used_up = sell(engine, staff_id, cid, name="Gói đã dùng hết", total=3, used=3)
    program = make_program(engine, staff_id)
    with write_session(engine) as s:
        promo = give_promotion(s, staff_id=staff_id, customer_id=cid, program_id=program.id)
    return {"items": items, "customer": customer, "count": count, "frozen": frozen,
            "expired": expired, "used_up": used_up, "promo": promo,
            "technician": technician_id, "docs": tmp_path / "docs"}


@pytest.fixture
def app(db_url, staff_id, salon):
    return SalonApp(db_url, staff_id=staff_id)


async def open_checkout(app, pilot, *args, **kwargs) -> CheckoutScreen:
    await start(app, pilot)
    app.push_screen(CheckoutScreen(*args, **kwargs))
    await settle(pilot)
    assert isinstance(app.screen, CheckoutScreen)
    return app.screen


async def add_codes(pilot, *codes: str) -> None:
    for code in codes:
        await type_text(pilot, code)
        await pilot.press("enter")
    await settle(pilot)


async def keys(pilot, *pressed: str) -> None:
    await pilot.press(*pressed)
    await settle(pilot)


def invoice_rows_of(app):
    return read(app.engine, lambda s: s.execute(text("SELECT id FROM invoice")).all())


def invoice_rows(engine):
    return read(engine, lambda s: s.execute(text(
        "SELECT id, code, total FROM invoice ORDER BY id")).all())


async def test_whole_checkout_by_keys(app, engine, salon):
    """Three lines by code, cash + stored value + points + the rest on account, F10, the
    receipt; the invoice, its payments and every ledger are right."""
    cid = salon["customer"].id
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checkout(app, pilot, cid)
        strip = plain(screen.query_one("#strip"))
        assert "DEBT 350.000 ₫ ▲" in strip and "Points 1.500" in strip
        assert "Gội đầu dưỡng sinh 10 buổi ×8" in strip  # in use, sessions left
        assert "Nhuộm 5 buổi" not in strip  # reserved: not offered
        await add_codes(pilot, "DV01", "DV03", "SP01")
        assert [r[1] for r in table_rows(screen, "#lines")] == [
            "Cắt tóc nữ", "Nhuộm tóc thời trang", "Dầu gội thảo dược"]
        assert screen.quote.total == 1_250_000
        await keys(pilot, "enter")  # empty Add field: on to the cash field
        await type_text(pilot, "200000")
        await keys(pilot, "alt+v")
        await type_text(pilot, "300000")
        await keys(pilot, "alt+p")
        await type_text(pilot, "1000")  # points at 100 ₫ each = 100,000
        await keys(pilot, "alt+a", "f9")  # the rest on account
        assert screen.amounts["account"] == 650_000
        # The debt it makes is named, not "PAID IN FULL".
        assert "650.000 ₫ ON ACCOUNT (debt) · F10 confirms" in plain(screen.query_one("#due"))
        await keys(pilot, "f10")
        assert screen.receipt_shown and app.screen is screen
        receipt = plain(screen.query_one("#receipt"))
        assert "HD000001" in receipt and "1.250.000 ₫" in receipt
        assert "PAID" in plain(screen.query_one("#receipt-title"))
        await keys(pilot, "enter")
        assert isinstance(app.screen, CustomerSearchScreen)
        assert screen.result.code == "HD000001"

    payments = read(engine, lambda s: s.execute(text(
        "SELECT method, amount, points FROM payment ORDER BY id")).all())
    assert [tuple(p) for p in payments] == [("cash", 200_000, 0), ("value", 300_000, 0),
                                            ("points", 100_000, 1000),
                                            ("account", 650_000, 0)]

    def balances(s):
        return (card_balances(s, customer_id=cid)[0].balance, points_balance(s, customer_id=cid),
                debt_balance(s, customer_id=cid))

    # Points: 1,500 - 1,000 spent + (1,250,000 - 100,000 paid in points) / 10,000 earned.
    assert read(engine, balances) == (200_000, 500 + 115, 350_000 + 650_000)


async def test_completion_ignores_diacritics_and_enter_takes_the_highlighted(app, salon):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checkout(app, pilot, salon["customer"].id)
        await type_text(pilot, "goi")
        await settle(pilot)
        assert [r[0] for r in table_rows(screen, "#completions")] == ["DV02", "SP01"]
        await keys(pilot, "down", "enter")
        assert [r[1] for r in table_rows(screen, "#lines")] == ["Dầu gội thảo dược"]
        # Typed ahead of the database: both lines, in order (a barcode scanner does this).
        await pilot.press(*"DV01", "enter", *"DV02", "enter")
        await settle(pilot)
        assert [line.item_id for line in screen.cart.lines] == [
            salon["items"][c].id for c in ("SP01", "DV01", "DV02")]


async def test_line_keys_quantity_price_discount_staff_and_refusals(app, engine, salon):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checkout(app, pilot, salon["customer"].id)
        before = counts(engine)
        await add_codes(pilot, "NOPE42")
        assert "Unknown" in screen.errors()["add"] and not screen.cart.lines
        assert screen.query_one("#add").value == "NOPE42"  # kept, to correct
        await keys(pilot, "ctrl+u")
        await add_codes(pilot, "SP01")
        await keys(pilot, "f5")
        await type_text(pilot, "-2")
        await keys(pilot, "enter")
        assert "less than 1" in screen.errors()["prompt"]
        assert screen.cart.lines[0].quantity == 1  # nothing changed
        await keys(pilot, "ctrl+u")
        await type_text(pilot, "3")
        await keys(pilot, "enter")
        assert screen.cart.lines[0].quantity == 3 and not screen.query_one("#prompt").display
        await keys(pilot, "f6")
        await type_text(pilot, "-5000")
        await keys(pilot, "enter")
        assert "less than 0" in screen.errors()["prompt"]
        assert screen.cart.lines[0].unit_price is None
        await keys(pilot, "escape")
        await keys(pilot, "f7")
        await type_text(pilot, "10%")
        await keys(pilot, "enter")
        assert screen.quote.lines[0].discount == 75_000 and screen.quote.total == 675_000
        await keys(pilot, "f8")
        assert isinstance(app.screen, PickerDialog)
        await keys(pilot, "enter")
        assert screen.cart.lines[0].staff_id == salon["technician"]
        assert table_rows(screen, "#lines")[0][-1] == "Lê Văn Tài"
        await keys(pilot, "alt+l")  # left at the salon, picked up later
        assert screen.cart.lines[0].picked_up is False
        await keys(pilot, "alt+x")
        assert screen.cart.lines == []
    assert counts(engine) == before


async def test_redeem_offers_only_packages_in_use_and_store_refuses_a_frozen_one(
        app, engine, salon, staff_id):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checkout(app, pilot, salon["customer"].id)
        await keys(pilot, "f4")
        picker = app.screen
        assert isinstance(picker, PickerDialog)
        offered = {c.key: c.enabled for c in picker.choices}
        assert offered[str(salon["count"].id)] is True
        for key in ("frozen", "expired", "used_up"):
            assert offered[str(salon[key].id)] is False
        assert any("reserved until" in c.text for c in picker.choices)
        await keys(pilot, "enter")  # the package in use
        await keys(pilot, "enter")  # the technician
        line = screen.cart.lines[0]
        assert (line.kind, line.package_id, line.staff_id) == (
            "redeem", salon["count"].id, salon["technician"])
        assert screen.quote.total == 0
        # Frozen at another terminal before paying: the store refuses, nothing is written.
        freeze(engine, staff_id, salon["count"].id, days=7)
        before = counts(engine)
        await keys(pilot, "f10")
        assert "reserved" in screen.errors()["lines"].lower()
        assert not screen.receipt_shown
        assert counts(engine) == before


async def test_paying_more_stored_value_or_points_than_held_is_refused(app, engine, salon):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checkout(app, pilot, salon["customer"].id)
        await add_codes(pilot, "DV03")  # 850,000
        before = counts(engine)
        await keys(pilot, "alt+v")
        await type_text(pilot, "600000")  # the card holds 500,000
        await keys(pilot, "alt+c", "f9", "f10")
        assert "500.000" in screen.errors()["value"]
        assert counts(engine) == before
        await keys(pilot, "alt+v", "ctrl+u")
        await keys(pilot, "alt+p")
        await type_text(pilot, "2000")  # holds 1,500 points
        await keys(pilot, "alt+c", "f9", "f10")
        assert "1,500 points" in screen.errors()["points"]
        assert counts(engine) == before
        assert screen.result is None


async def test_unbalanced_payment_and_bad_amount_are_refused(app, engine, salon):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checkout(app, pilot, salon["customer"].id)
        await add_codes(pilot, "DV01")
        before = counts(engine)
        await keys(pilot, "f10")
        assert "Still due 150.000 ₫" in screen.errors()["lines"]
        await keys(pilot, "alt+k")
        await type_text(pilot, "200000")  # a bank card cannot pay more than the total
        await keys(pilot, "f10")
        assert "Only cash" in screen.errors()["lines"]
        await keys(pilot, "ctrl+u")
        await type_text(pilot, "12.5")
        assert "not an amount" in screen.errors()["card"]
        await keys(pilot, "f10")
        assert counts(engine) == before
        # Enter in a payment field confirms once it is balanced.
        await keys(pilot, "ctrl+u", "alt+c")
        await type_text(pilot, "200000")
        await keys(pilot, "enter")
        assert screen.receipt_shown
        assert screen.result.change == 50_000
        assert "Change" in plain(screen.query_one("#receipt"))
        assert "CHANGE TO GIVE 50.000 ₫" in plain(screen.query_one("#receipt-title"))


async def test_double_confirm_makes_one_invoice(app, engine, salon, staff_id):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checkout(app, pilot, None)  # a walk-in
        await add_codes(pilot, "DV02")
        await keys(pilot, "enter", "f9")
        await pilot.press("f10", "f10", "enter")
        await settle(pilot)
        assert len(invoice_rows(engine)) == 1
        # A retry with the screen's key (after a crash, say) finds the same invoice.
        from salontui.store.checkout import checkout

        with write_session(engine) as s:
            again = checkout(s, staff_id=staff_id, cart=screen.cart,
                             idempotency_key=screen.idempotency_key)
        assert again.replayed and again.invoice_id == screen.result.invoice_id
    assert len(invoice_rows(engine)) == 1


async def test_hold_resume_and_cancel(app, engine, salon):
    cid = salon["customer"].id
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checkout(app, pilot, cid)
        await add_codes(pilot, "DV01", "SP01")
        await keys(pilot, "alt+c")
        await type_text(pilot, "100000")
        await keys(pilot, "f11")
        assert isinstance(app.screen, CustomerSearchScreen)
        assert read(engine, lambda s: s.execute(text(
            "SELECT count(*) FROM checkout_draft")).scalar()) == 1
        screen = await open_checkout(app, pilot)  # a new, empty checkout
        await keys(pilot, "f12")
        assert isinstance(app.screen, HeldCheckoutsDialog)
        assert table_rows(app.screen, "#drafts")[0][1] == "Nguyễn Thị Hương"
        await keys(pilot, "enter")
        await settle(pilot)
        assert screen.cart.customer_id == cid and len(screen.cart.lines) == 2
        assert screen.amounts["cash"] == 100_000
        assert "Nguyễn Thị Hương" in plain(screen.query_one("#strip"))
        await keys(pilot, "alt+k", "f9", "f10", "enter")
        assert screen.result is not None
        assert read(engine, lambda s: s.execute(text(
            "SELECT count(*) FROM checkout_draft")).scalar()) == 0  # paid: gone
        # Hold a walk-in's cart, then cancel it from the list.
        screen = await open_checkout(app, pilot)
        await add_codes(pilot, "DV02")
        await keys(pilot, "alt+h")
        screen = await open_checkout(app, pilot)
        await keys(pilot, "f12", "delete")
        assert isinstance(app.screen, ConfirmDialog)
        await keys(pilot, "enter")
        assert "Nothing is held" in plain(app.screen.query_one("#drafts-note"))
        await keys(pilot, "escape", "escape")
        assert isinstance(app.screen, CustomerSearchScreen)


async def test_escape_asks_before_dropping_lines_and_customer_can_change(app, salon):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checkout(app, pilot, salon["customer"].id)
        await add_codes(pilot, "DV01")
        await keys(pilot, "alt+d")  # repay debt: all of it by default
        await keys(pilot, "enter")
        assert [line.kind for line in screen.cart.lines] == ["service", "repay"]
        assert screen.quote.total == 150_000 + 350_000
        await keys(pilot, "f3")
        assert isinstance(app.screen, CustomerPickerDialog)
        await keys(pilot, "enter")  # the first row: walk-in
        assert screen.cart.customer_id is None
        assert [line.kind for line in screen.cart.lines] == ["service"]  # repay went
        assert "Walk-in" in plain(screen.query_one("#strip"))
        await keys(pilot, "escape")
        assert isinstance(app.screen, ConfirmDialog)
        await keys(pilot, "escape")
        assert app.screen is screen
        await keys(pilot, "escape", "enter")
        assert isinstance(app.screen, CustomerSearchScreen)


async def test_repay_debt_alone(app, engine, salon):
    cid = salon["customer"].id
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checkout(app, pilot, cid, repay=True)
        assert [(line.kind, line.unit_price) for line in screen.cart.lines] == [
            ("repay", 350_000)]
        await keys(pilot, "f6", "ctrl+u")
        await type_text(pilot, "200000")
        await keys(pilot, "enter", "alt+c", "f9", "f10", "enter")
        assert screen.result is not None
    assert read(engine, lambda s: debt_balance(s, customer_id=cid)) == 150_000
    kind = read(engine, lambda s: s.execute(text("SELECT kind FROM invoice")).scalar())
    assert kind == "repayment"


async def test_promotion_and_invoice_discount(app, salon):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checkout(app, pilot, salon["customer"].id)
        await add_codes(pilot, "DV03")
        await keys(pilot, "alt+o", "down", "enter")  # the promotion: 20% off
        assert screen.cart.promotion_id == salon["promo"].id
        assert screen.quote.total == 680_000
        await keys(pilot, "alt+i")
        await type_text(pilot, "30000")
        await keys(pilot, "enter")
        assert screen.quote.discount == 30_000 + 164_000  # 20% of what is left after 30,000
        assert "Discount (promotion" in plain(screen.query_one("#totals"))
        await keys(pilot, "alt+c", "f9", "f10")  # paid: the receipt names the promotion
        code = salon["promo"].code
        assert f"Promotion {code}" in plain(screen.query_one("#receipt"))

    def detail(s):
        from salontui.store.invoices import get_invoice

        invoice_id = s.execute(text("SELECT max(id) FROM invoice")).scalar()
        return get_invoice(s, invoice_id=invoice_id).promotion_code

    assert read(app.engine, detail) == code  # the invoice dialog says it too


async def test_receipt_width_text_and_pdf(app, salon):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checkout(app, pilot, salon["customer"].id)
        await add_codes(pilot, "DV01")
        await keys(pilot, "enter", "f9", "f10")
        assert screen.receipt_shown
        view = screen.query_one(ReceiptView)
        assert app.focused is view
        widths = {len(line) for line in plain(screen.query_one("#receipt")).splitlines()}
        await keys(pilot, "w")
        narrow = {len(line) for line in plain(screen.query_one("#receipt")).splitlines()}
        assert max(narrow) <= 32 < max(widths)
        await keys(pilot, "t", "p")
        await settle(pilot, rounds=4)
        paths = sorted(p.name for p in view.saved)
        assert paths == ["HD000001-32.txt", "HD000001.pdf"]
        assert all(str(p).startswith(str(salon["docs"])) for p in view.saved)
        assert "saved" in plain(screen.query_one("#receipt-saved"))
        assert (salon["docs"] / "salontui" / "receipts" / "HD000001.pdf").stat().st_size > 500
        assert "HD000001" in (salon["docs"] / "salontui" / "receipts" /
                              "HD000001-32.txt").read_text(encoding="utf-8")
        await keys(pilot, "f10", "alt+c")  # paid: the cart's keys do nothing now
        assert screen.receipt_shown and len(invoice_rows_of(app)) == 1
        await keys(pilot, "escape")
        assert isinstance(app.screen, CustomerSearchScreen)
        ReceiptView.last_width = 48


async def test_refund_from_the_dialog_restores_balances(app, engine, salon, staff_id):
    from salontui.store.cart import Cart, CartLine, CartPayment
    from salontui.store.checkout import checkout

    cid = salon["customer"].id
    items = salon["items"]
    card_id = read(engine, lambda s: card_balances(s, customer_id=cid)[0].card_id)
    cart = Cart(customer_id=cid, lines=[CartLine(kind="service", item_id=items["DV01"].id),
                                        CartLine(kind="product", item_id=items["SP01"].id),
                                        CartLine(kind="redeem", package_id=salon["count"].id,
                                                 staff_id=salon["technician"])],
                payments=[CartPayment("value", 300_000, card_id=card_id),
                          CartPayment("cash", 100_000)])
    with write_session(engine) as s:
        sale = checkout(s, staff_id=staff_id, cart=cart, idempotency_key="sale")

    def state(s):
        from salontui.store.package_reads import get_package

        return (card_balances(s, customer_id=cid)[0].balance, points_balance(s, customer_id=cid),
                get_package(s, package_id=salon["count"].id).remaining)

    assert read(engine, state) == (200_000, 1_500 + 40, 7)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        app.push_screen(RefundDialog(sale.invoice_id))
        await settle(pilot)
        dialog = app.screen
        assert len(table_rows(dialog, "#refund-lines")) == 3
        assert dialog.query_one("#refund-pay0").value == "300000"  # stored value first
        assert dialog.query_one("#refund-pay1").value == "100000"
        await keys(pilot, "enter")  # no reason yet
        assert "reason" in dialog.errors()["reason"].lower()
        assert len(invoice_rows(engine)) == 1
        assert dialog.focused.id == "reason"
        await type_text(pilot, "Khách đổi ý")
        await keys(pilot, "enter")
        assert isinstance(app.screen, ReceiptDialog)
        assert "REFUND" in plain(app.screen.query_one("#receipt"))
        await keys(pilot, "escape")
        assert isinstance(app.screen, CustomerSearchScreen)
    assert read(engine, state) == (500_000, 1_500, 8)
    assert [r.total for r in invoice_rows(engine)] == [400_000, -400_000]


async def test_refund_of_chosen_lines(app, engine, salon, staff_id):
    from salontui.store.cart import Cart, CartLine, CartPayment
    from salontui.store.checkout import checkout

    items = salon["items"]
    cart = Cart(customer_id=salon["customer"].id,
                lines=[CartLine(kind="service", item_id=items["DV01"].id),
                       CartLine(kind="product", item_id=items["SP01"].id)],
                payments=[CartPayment("card", 400_000)])
    with write_session(engine) as s:
        sale = checkout(s, staff_id=staff_id, cart=cart, idempotency_key="sale")
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        app.push_screen(RefundDialog(sale.invoice_id))
        await settle(pilot)
        dialog = app.screen
        await keys(pilot, "space")  # untick the service: the product alone
        assert "250.000" in plain(dialog.query_one("#refund-amount"))
        assert dialog.query_one("#refund-pay0").value == "250000"
        await keys(pilot, "tab", "tab", "tab")
        await type_text(pilot, "Hàng lỗi")
        await keys(pilot, "enter", "enter")
    rows = invoice_rows(engine)
    assert [r.total for r in rows] == [400_000, -250_000]


async def test_day_close_shows_the_figures_and_prints(app, engine, salon, staff_id, fixed_now):
    from salontui.store.cart import Cart, CartLine, CartPayment
    from salontui.store.checkout import checkout

    items = salon["items"]
    with write_session(engine) as s:
        checkout(s, staff_id=staff_id, idempotency_key="a", cart=Cart(
            customer_id=salon["customer"].id,
            lines=[CartLine(kind="service", item_id=items["DV03"].id,
                            staff_id=salon["technician"]),
                   CartLine(kind="redeem", package_id=salon["count"].id,
                            staff_id=salon["technician"])],
            payments=[CartPayment("cash", 500_000), CartPayment("account", 350_000)]))
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        day = (fixed_now + timedelta(minutes=420)).date()
        app.push_screen(DayCloseScreen(day))
        await settle(pilot)
        screen = app.screen
        methods = table_rows(screen, "#methods")
        assert ["Cash", "500.000 ₫", "", "500.000 ₫"] in methods
        assert ["On account", "350.000 ₫", "", "350.000 ₫"] in methods
        figures = dict(map(tuple, table_rows(screen, "#figures")))
        assert figures["New debt (on account)"] == "350.000 ₫"
        assert figures["Sessions redeemed (1)"] == "598.000 ₫"
        assert table_rows(screen, "#staff")[0] == ["Lê Văn Tài", "2", "850.000 ₫"]
        await keys(pilot, "p")
        await settle(pilot, rounds=3)
        saved = screen.saved_path
        assert saved.parent == salon["docs"] / "salontui" / "day-close"
        assert "New debt (on account)" in saved.read_text(encoding="utf-8")
        assert str(saved) in plain(screen.query_one("#day-saved"))
        await keys(pilot, "left_square_bracket")
        assert table_rows(screen, "#methods") == [["Total", "0 ₫", "0 ₫", "0 ₫"]]
        await keys(pilot, "t", "right_square_bracket")  # today, then no further: not lived
        await settle(pilot)
        assert screen.shown_day() == screen.today()


async def test_fits_80_by_24_and_every_action_is_in_the_palette(app, salon):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checkout(app, pilot, salon["customer"].id)
        await add_codes(pilot, "DV01", "DV02", "DV03", "SP01")
        for widget_id in ("#strip", "#add", "#lines", "#totals", "#payments", "#due"):
            region = screen.query_one(widget_id).region
            assert region.height > 0 and region.bottom <= SIZE[1] - 1, widget_id
        names = [name for name, _help, _callback in screen.palette_commands()]
        for verb in ("Add line", "Set quantity", "Set price", "Set discount", "Choose staff",
                     "Redeem session", "Top up card", "Repay debt", "Apply promotion",
                     "Pay cash", "Pay by card", "Fill remainder", "Confirm payment",
                     "Hold checkout", "Resume held checkout", "Cancel checkout", "Day close"):
            assert verb in names
        described = [b for b in screen.BINDINGS if not b.description]
        assert described == []


async def test_a_held_checkout_paid_at_another_desk_is_not_charged_twice(app, engine, salon,
                                                                        staff_id):
    from salontui.store.cart import Cart, CartLine
    from salontui.store.drafts import delete_draft, park_cart

    cart = Cart(customer_id=salon["customer"].id,
                lines=[CartLine(kind="service", item_id=salon["items"]["DV01"].id)])
    with write_session(engine) as s:
        draft_id = park_cart(s, staff_id=staff_id, cart=cart, label="Cắt tóc nữ")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checkout(app, pilot, draft_id=draft_id)  # opened from the list
        assert screen.cart.customer_id == salon["customer"].id and screen.quote.total == 150_000
        with write_session(engine) as s:  # the other desk takes it first
            delete_draft(s, staff_id=staff_id, draft_id=draft_id)
        before = counts(engine)
        await keys(pilot, "enter", "f9", "f10")
        assert "another desk" in screen.errors()["lines"]
        assert screen.result is None and counts(engine) == before


def test_checkout_modules_do_not_import_the_store():
    """The desk may import these screens at start-up: SQLAlchemy loads only when they run."""
    import subprocess
    import sys

    code = ("import sys, salontui.screens.checkout, salontui.screens.day_close, "
            "salontui.screens.dialogs.refund, salontui.screens.dialogs.receipt, "
            "salontui.screens.dialogs.held_checkouts;"
            "print(','.join(m for m in ('sqlalchemy', 'sqlmodel') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == ""


async def test_checkout_of_a_checked_in_appointment_marks_it_paid(app, engine, salon, staff_id,
                                                                  fixed_now):
    from test_ui_helpers import book

    from salontui.store.day.appointments import get_appointment

    cid = salon["customer"].id
    visit = book(engine, staff_id, cid, fixed_now, status="checked_in")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checkout(app, pilot, cid, appointment_id=visit.id)
        assert "Appointment" in plain(screen.query_one("#strip"))
        await add_codes(pilot, "DV01")
        await keys(pilot, "enter", "f9", "f10")
        assert screen.receipt_shown
    row = read(engine, lambda s: get_appointment(s, appointment_id=visit.id))
    assert (row.status, row.invoice_id) == ("paid", screen.result.invoice_id)


async def test_a_huge_paste_is_refused_at_each_field_and_the_cart_stays(app, engine, salon):
    """10,000 digits pasted into an amount, the quantity, the price, the discount or the
    points: a message at that field, the cart as it was, nothing written, the app alive."""
    huge = "9" * 10_000
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checkout(app, pilot, salon["customer"].id)
        await add_codes(pilot, "DV01")
        before = counts(engine)
        for key, method in (("alt+c", "cash"), ("alt+k", "card"), ("alt+p", "points"),
                            ("alt+v", "value")):
            await keys(pilot, key)
            await paste(pilot, huge)
            assert "too long" in screen.errors()[method], method
            assert len(screen.query_one(f"#pay-{method}").value) <= 24
        for key in ("f5", "f6", "f7", "alt+i"):
            await keys(pilot, "escape", key)
            box = screen.query_one("#prompt-input")
            kept = box.value
            await paste(pilot, huge)
            assert "too long" in screen.errors()["prompt"], key
            assert box.value == kept
            box.value = huge  # filled some other way: still read safely
            await keys(pilot, "enter")
            assert "too long" in screen.errors()["prompt"], key
        await keys(pilot, "escape")  # the prompt closes; on to the Add field
        await paste(pilot, huge)
        assert "too long" in screen.errors()["add"]
        assert app.is_running and app.screen is screen
        assert len(screen.cart.lines) == 1 and screen.cart.lines[0].quantity == 1
        assert screen.quote.total == 150_000
        await keys(pilot, "f10")
        assert screen.result is None and counts(engine) == before


def notes(app) -> list[str]:
    """The notifications shown now."""
    return [n.message for n in app._notifications]


async def test_the_payment_line_says_what_f10_will_do(app, engine, salon):
    """Never "PAID IN FULL" or "CHANGE TO GIVE …" while a field shows an error; F10 refuses
    then and says why; "1e9" is refused at the field, never read as 19; a debt is named."""
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checkout(app, pilot, salon["customer"].id)
        await add_codes(pilot, "DV01")  # 150,000
        before = counts(engine)
        await keys(pilot, "alt+c")
        await type_text(pilot, "999999999999999")
        assert "CHANGE TO GIVE 999.999.999.849.999 ₫ · F10 confirms" in plain(
            screen.query_one("#due"))
        await keys(pilot, "alt+k")
        await type_text(pilot, "12.5")
        assert "not an amount" in screen.errors()["card"]
        due = plain(screen.query_one("#due"))
        assert "CHANGE" not in due and "PAID IN FULL" not in due and "F10 confirms" not in due
        assert "Bank card" in due
        await keys(pilot, "alt+c", "f10")
        assert screen.result is None and counts(engine) == before
        assert any("not an amount" in text for text in notes(app))
        assert app.focused is screen.query_one("#pay-card")
        # Letters are not dropped: "1e9" typed in the e-wallet field is refused there.
        await keys(pilot, "ctrl+u", "alt+c", "ctrl+u", "alt+e")
        await type_text(pilot, "1e9")
        assert screen.query_one("#pay-ewallet").value == "1e9"
        assert "not an amount" in screen.errors()["ewallet"]
        assert screen.amounts["ewallet"] != 19
        await keys(pilot, "f10")
        assert screen.result is None and counts(engine) == before
        # What is left on account is named as the debt it makes.
        await keys(pilot, "ctrl+u", "alt+c")
        await type_text(pilot, "130000")
        await keys(pilot, "alt+a")
        await type_text(pilot, "20000")
        assert screen.errors() == {}
        assert "20.000 ₫ ON ACCOUNT (debt) · F10 confirms" in plain(screen.query_one("#due"))
        await keys(pilot, "f10")
        assert screen.result is not None
    assert read(engine, lambda s: debt_balance(s, customer_id=salon["customer"].id)) == (
        350_000 + 20_000)


async def test_a_walk_in_is_never_offered_a_card_points_or_account(app, engine, salon):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checkout(app, pilot, None)
        await add_codes(pilot, "DV01")
        before = counts(engine)
        panel = screen.query_one("#payments")
        for method in ("value", "points", "account"):
            assert "walk-in" in plain(panel.field(method).query_one(".pay-hint")), method
        await keys(pilot, "alt+a")  # said at once, at the field
        assert "walk-in cannot pay on account" in screen.errors()["account"]
        assert "F10 confirms" not in plain(screen.query_one("#due"))
        await type_text(pilot, "150000")  # typed anyway: refused, never "PAID IN FULL"
        assert "walk-in cannot pay on account" in screen.errors()["account"]
        due = plain(screen.query_one("#due"))
        assert "PAID IN FULL" not in due and "NOT PAID ▲ On account" in due
        await keys(pilot, "f10")
        assert screen.result is None and counts(engine) == before
        assert any("walk-in" in text for text in notes(app))
        await keys(pilot, "alt+v", "f9")
        assert "stored-value card" in screen.errors()["value"]
        await keys(pilot, "alt+a", "ctrl+u", "alt+c", "f9")
        assert "PAID IN FULL · F10 confirms" in plain(screen.query_one("#due"))
        await keys(pilot, "f10")
        assert screen.result is not None


async def test_paying_from_a_second_card_is_a_key_f1_and_the_palette_list(app, engine, salon,
                                                                        staff_id):
    """Alt+N takes the next card (Alt+V again too); the key is in F1 and the palette, and
    the line under the field that says so fits at 80 columns."""
    from salontui.screens.dialogs.help import HelpDialog

    cid = salon["customer"].id
    top_up(engine, staff_id, cid, 2_000_000, card="VIP")
    cards = {c.name: c.card_id for c in read(engine, lambda s: card_balances(s, customer_id=cid))}
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checkout(app, pilot, cid)
        names = [name for name, _help, _callback in screen.palette_commands()]
        assert "Next stored-value card" in names
        await keys(pilot, "f1")
        assert isinstance(app.screen, HelpDialog)
        assert any("next stored-value card" in does for _key, does, _on in app.screen.keys)
        await keys(pilot, "escape")
        await add_codes(pilot, "DV03")  # 850,000
        note = screen.query_one("#field-value").query_one(".pay-note")
        first = plain(note)
        assert first == "Alt+N next card · General (1/2)"
        assert note.region.width >= len(first) and note.region.right <= SIZE[0]
        await keys(pilot, "alt+n")
        assert plain(note) == "Alt+N next card · VIP (2/2)"
        assert app.focused is screen.query_one("#pay-value")
        await type_text(pilot, "850000")
        assert "PAID IN FULL · F10 confirms" in plain(screen.query_one("#due"))
        await keys(pilot, "f10")
        assert screen.result is not None
    paid = read(engine, lambda s: s.execute(text(
        "SELECT card_id, amount FROM payment")).all())
    assert [tuple(p) for p in paid] == [(cards["VIP"], 850_000)]


async def test_alt_letters_never_type_into_a_dialog_of_the_checkout(app, engine, salon):
    """The checkout's Alt+letter keys typed in a dialog opened from it (top-up, repay, the
    customer picker) are not text; a paste too long for a field is said at that field."""
    from textual import events

    from salontui.screens.checkout.dialogs import RepayDialog, TopUpDialog

    async def alt(*letters: str) -> None:
        for letter in letters:  # as a terminal sends it: ESC + letter, read as alt+letter
            app.post_message(events.Key(f"alt+{letter}", letter))
        await settle(pilot)

    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checkout(app, pilot, salon["customer"].id)
        await keys(pilot, "alt+u")
        dialog = app.screen
        assert isinstance(dialog, TopUpDialog)
        await alt("c", "k", "p", "v", "a")
        await type_text(pilot, "1000000")
        assert dialog.query_one("#paid").value == "1000000"
        await paste(pilot, "9" * 10_000)
        assert "too long" in dialog.errors()["paid"]
        assert dialog.query_one("#paid").value == "1000000"
        await keys(pilot, "enter")
        assert app.screen is screen and screen.cart.lines[0].kind == "topup"
        await keys(pilot, "alt+d")
        assert isinstance(app.screen, RepayDialog)
        await alt("c", "w")
        assert app.screen.query_one("#repay-amount").value == "350000"
        await keys(pilot, "escape", "f3")
        assert isinstance(app.screen, CustomerPickerDialog)
        await alt("c", "e")
        assert app.screen.query_one("#customer-query").value == ""
        await keys(pilot, "escape")
        assert app.screen is screen


async def test_the_receipt_of_a_top_up_names_the_card_and_the_value(app, engine, salon):
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_checkout(app, pilot, salon["customer"].id)
        await keys(pilot, "alt+u")
        await type_text(pilot, "10000000")
        await keys(pilot, "tab")
        await type_text(pilot, "11000000")
        await keys(pilot, "enter", "alt+c", "f9", "f10")
        assert screen.receipt_shown
        receipt = " ".join(plain(screen.query_one("#receipt")).split())
        # The card held 500,000 before: 11,000,000 credited makes 11,500,000.
        assert ("Top-up: card 'General' +11.000.000 ₫ credited, balance 11.500.000 ₫"
                in receipt)
