"""Back-fill by keys at 80×24 (B on the customer): the worked example (5980 over 10
sessions, 2 used: 8 left at 598) typed and seen in the Packages tab; a stored value and
products to collect; the check view setting what was typed beside what is held, and a
reversal; bad input refused at its field with nothing written (a 10,000-character paste
too)."""

from __future__ import annotations

from sqlalchemy import text
from test_ui_helpers import (
    SIZE,
    count_rows,
    make_customer,
    open_detail,
    paste,
    plain,
    read,
    settle,
    table_rows,
    type_text,
)

from salontui.app import SalonApp
from salontui.screens.detail import CustomerDetailScreen
from salontui.store.db import write_session


def catalogue(engine, staff_id) -> None:
    from salontui.store.catalog import create_item

    with write_session(engine) as s:
        create_item(s, staff_id=staff_id, name="Gội 10 buổi", kind="package", price=5980,
                    package_kind="count", sessions=10, validity_days=365)
        create_item(s, staff_id=staff_id, name="Dầu gội bưởi", kind="product",
                    price=180_000)
        create_item(s, staff_id=staff_id, name="Serum dưỡng tóc", kind="product",
                    price=350_000)


async def choose(pilot, downs: int) -> None:
    """B, then the chooser's line ``downs`` below the first."""
    await pilot.press("B")
    await settle(pilot)
    await pilot.press(*["down"] * downs, "enter")
    await settle(pilot)


async def test_the_worked_example_typed_by_keys(db_url, engine, staff_id):
    from salontui.screens.dialogs.backfill import BackfillChooser, PackageBackfillDialog

    catalogue(engine, staff_id)
    customer = make_customer(engine, staff_id)
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        detail = await open_detail(app, pilot, customer.id)
        helps = {name: help_text for name, help_text, _run in detail.palette_commands()}
        assert helps["Back-fill what the customer holds"].endswith("(B)")
        await pilot.press("B")
        await settle(pilot)
        assert isinstance(app.screen, BackfillChooser)
        await pilot.press("down", "enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, PackageBackfillDialog)
        assert "Back-fill: no money is taken today." in plain(dialog.query_one(
            "#backfill-intro"))
        # The plan's price and sessions come as the defaults; the preview is the store's.
        assert (dialog.value("paid"), dialog.value("sessions_total")) == ("5980", "10")
        assert "10 sessions left at 598 ₫ a session" in plain(dialog.query_one("#preview"))
        before = count_rows(engine, "backfill")
        # Bad input, at its field, nothing written: not a number, more used than held, a
        # date that is no date, a 10,000-character paste.
        await pilot.press("tab", "ctrl+u")
        await type_text(pilot, "abc")
        await pilot.press("enter")
        await settle(pilot)
        assert "not an amount" in dialog.errors()["paid"]
        await pilot.press("ctrl+u")
        await type_text(pilot, "5980")
        await pilot.press("tab", "tab", "ctrl+u")
        await type_text(pilot, "11")
        assert plain(dialog.query_one("#preview")) == "Used cannot be more than the sessions."
        await pilot.press("enter")
        await settle(pilot)
        assert "cannot be more than the 10 sessions" in dialog.errors()["sessions_used"]
        await pilot.press("ctrl+u")
        await type_text(pilot, "2")
        assert plain(dialog.query_one("#preview")) == (
            "8 sessions left at 598 ₫ a session (4.784 ₫ left)")
        await pilot.press("tab")
        await type_text(pilot, "31/02/2026")
        await pilot.press("enter")
        await settle(pilot)
        assert "purchased_on" in dialog.errors()
        await pilot.press("ctrl+u")
        await pilot.press("tab", "tab")  # the note
        await paste(pilot, "x" * 10_000)
        assert "too long" in dialog.errors()["note"]
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog and count_rows(engine, "backfill") == before
        await type_text(pilot, "sổ cũ")
        await pilot.press("enter")
        await settle(pilot)
        # Saved: the dialog closed, the Packages tab and the header read again.
        assert isinstance(app.screen, CustomerDetailScreen)
        assert table_rows(detail, "#packages-table")[0][0] == "Gội 10 buổi"
        assert table_rows(detail, "#packages-table")[0][-3:] == ["10", "2", "8"]
        assert count_rows(engine, "backfill") == before + 1
        assert count_rows(engine, "invoice") == 0


async def test_value_and_products_then_check_and_reverse(db_url, engine, staff_id):
    from salontui.screens.dialogs.backfill import ProductBackfillDialog, ValueBackfillDialog
    from salontui.screens.dialogs.backfill_check import (
        BackfillCheckScreen,
        ReverseBackfillDialog,
    )
    from salontui.store.books.held_products import held_quantity
    from salontui.store.ledger import card_balances

    catalogue(engine, staff_id)
    customer = make_customer(engine, staff_id)
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        detail = await open_detail(app, pilot, customer.id)
        # Stored value on the General card: 600,000 left of 500,000 paid (a bonus).
        await choose(pilot, 0)
        dialog = app.screen
        assert isinstance(dialog, ValueBackfillDialog)
        await pilot.press("tab")  # the balance left
        await type_text(pilot, "-600")
        await pilot.press("enter")
        await settle(pilot)
        assert "negative" in dialog.errors()["amount"]
        await pilot.press("ctrl+u")
        await type_text(pilot, "600.000")
        await pilot.press("tab")
        await type_text(pilot, "500.000")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is detail
        assert "600.000 ₫" in plain(detail.query_one("#card"))
        # Two of the second product, paid 700,000.
        await choose(pilot, 3)
        dialog = app.screen
        assert isinstance(dialog, ProductBackfillDialog)
        await pilot.press("down", "enter")  # Serum; Enter goes on to the quantity
        await pilot.press("ctrl+u")
        await type_text(pilot, "0")
        await pilot.press("tab")
        await type_text(pilot, "700.000")
        await pilot.press("enter")
        await settle(pilot)
        assert "more than zero" in dialog.errors()["quantity"]
        await pilot.press("ctrl+u")  # the refusal took the cursor to its field
        await type_text(pilot, "2")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is detail
        serum = read(engine, lambda s: s.execute(text(
            "SELECT id FROM catalog_item WHERE name = 'Serum dưỡng tóc'")).scalar_one())
        assert read(engine, lambda s: held_quantity(s, customer_id=customer.id,
                                                    item_id=serum)) == 2
        # Points: one amount (the points dialog of the back-fill).
        await choose(pilot, 4)
        await type_text(pilot, "1.200")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is detail
        # The check: typed beside held, then the rows, newest first.
        await choose(pilot, 8)
        check = app.screen
        assert isinstance(check, BackfillCheckScreen)
        totals = {row[0]: row[1:] for row in table_rows(check, "#backfill-totals")}
        assert totals["Stored value · General"] == ["600.000 ₫", "600.000 ₫"]
        assert totals["Products to collect"] == ["2 items", "2 items"]
        assert totals["Points"] == ["1,200", "1,200"]
        assert totals["Package"] == ["0 sessions, 0 packages", "0 sessions, 0 packages"]
        rows = table_rows(check, "#backfill-rows")
        assert [r[1][:12] for r in rows] == ["Points 1,200", "Serum dưỡng ", "General card"]
        assert rows[0][-1] == "desk"
        # x on the stored value: the reason is required, then it is taken back.
        await pilot.press("down", "down", "x")
        await settle(pilot)
        reverse = app.screen
        assert isinstance(reverse, ReverseBackfillDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert reverse.errors()["reason"] == "Reason is required."
        await type_text(pilot, "gõ nhầm")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is check
        rows = table_rows(check, "#backfill-rows")
        assert [r[2] for r in rows] == ["reverses #1", "", "", "reversed"]
        totals = {row[0]: row[1:] for row in table_rows(check, "#backfill-totals")}
        assert totals["Stored value · General"] == ["0 ₫", "0 ₫"]
        # Neither a reversed row (the cursor stayed on it) nor a reversal: said, not asked.
        await pilot.press("x")
        await settle(pilot)
        assert app.screen is check
        assert "already reversed" in plain(check.query_one("#backfill-hint"))
        await pilot.press("home", "x")
        await settle(pilot)
        assert app.screen is check
        assert "cannot be reversed" in plain(check.query_one("#backfill-hint"))
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is detail
        assert read(engine, lambda s: [c.balance for c in card_balances(
            s, customer_id=customer.id)]) == [0]
        assert "600.000" not in plain(detail.query_one("#card"))
