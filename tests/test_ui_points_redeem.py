"""Points into a promotion code by keys at 80×24: the programme's points price typed in
Settings (bad input at its field, the price in the list), then on the customer's
Promotions tab r lists what can be bought under the balance, says why one cannot be,
asks before buying, and the code bought is listed; an excluded member is told why."""

from __future__ import annotations

from datetime import date

from test_ui_helpers import (
    SIZE,
    count_rows,
    give_points,
    make_customer,
    open_settings,
    plain,
    read,
    settle,
    start,
    table_rows,
    type_text,
)

from salontui.app import SalonApp
from salontui.screens.detail.screen import CustomerDetailScreen
from salontui.screens.dialogs.confirm import ConfirmDialog
from salontui.screens.dialogs.redeem_points import RedeemPointsDialog
from salontui.screens.settings import SettingsScreen
from salontui.screens.settings.programmes import ProgramDialog
from salontui.store.db import write_session


def within_screen(app, widget_id: str) -> bool:
    region = app.screen.query_one(f"#{widget_id}").region
    return region.height > 0 and region.bottom <= SIZE[1]


async def test_the_points_price_is_typed_in_settings_and_listed(db_url, engine, staff_id,
                                                                fixed_now):
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(app, pilot, "programmes")
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ProgramDialog)
        await type_text(pilot, "Đổi 500 điểm")
        dialog.query_one("#amount").focus()
        await type_text(pilot, "50.000")
        dialog.query_one("#points-price").focus()
        assert within_screen(app, "points-price") and within_screen(app, "confirm")
        for typed, said in (("0", "1 to 1,000,000"), ("-5", "cannot be negative"),
                            ("năm trăm", "not a whole number"), ("2.000.000", "too large")):
            await pilot.press("ctrl+u")
            await type_text(pilot, typed)
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen is dialog
            assert said in dialog.errors().get("points_price", ""), (typed, dialog.errors())
        assert count_rows(engine, "promotion_program") == 0
        await pilot.press("ctrl+u")
        await type_text(pilot, "500")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen), dialog.errors()
        [row] = table_rows(screen, "#programmes-table")
        assert row[0] == "Đổi 500 điểm" and "500" in row[-3:-2]  # the price, at 80 columns
        await pilot.press("enter")  # edited: the price is there, and can be taken away
        await settle(pilot)
        assert app.screen.query_one("#points-price").value == "500"
        app.screen.query_one("#points-price").focus()
        await pilot.press("ctrl+u", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen), app.screen.errors()
        from salontui.store.promotions import list_programs

        [program] = read(engine, lambda s: list_programs(s, active_only=False))
        assert program.points_price is None


async def test_a_code_is_bought_with_points_from_the_promotions_tab(db_url, engine, staff_id,
                                                                   fixed_now):
    from salontui.store.promotions import create_program

    customer = make_customer(engine, staff_id)
    give_points(engine, staff_id, customer.id, 1_200)
    excluded = make_customer(engine, staff_id, name="Lý Thanh Tâm", phone="0977 888 999")
    give_points(engine, staff_id, excluded.id, 5_000)
    with write_session(engine) as s:
        create_program(s, staff_id=staff_id, name="Đổi 500 điểm", discount_amount=50_000,
                       valid_until=date(2027, 3, 31), points_price=500)
        create_program(s, staff_id=staff_id, name="Đổi 2.000 điểm", discount_amount=250_000,
                       points_price=2_000)
        create_program(s, staff_id=staff_id, name="Tết", discount_percent=10)  # not for points
        from sqlalchemy import text

        s.execute(text("UPDATE customer SET member_state = 'excluded', "
                       "member_reason = 'Gian lận điểm' WHERE id = :id"), {"id": excluded.id})
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        app.screen.open_customer(customer.id)
        await settle(pilot, rounds=3)
        detail = app.screen
        assert isinstance(detail, CustomerDetailScreen)
        await pilot.press("9")
        await settle(pilot)
        assert "r for points" in plain(detail.query_one("#promotions-bar"))
        await pilot.press("r")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RedeemPointsDialog)
        assert plain(dialog.query_one("#redeem-balance")) == "Nguyễn Thị Hương: 1.200 points"
        options = dialog.query_one("#redeem-programs")
        assert [str(options.get_option_at_index(i).prompt).replace("\xa0", " ") for i in range(
            options.option_count)] == ["Đổi 500 điểm · 500 points · 50.000 ₫ off  (31/03/2027)",
                                       "Đổi 2.000 điểm · 2.000 points · 250.000 ₫ off"]
        assert within_screen(app, "confirm")
        # The dear one: why not, under the list; Enter refuses it at the list.
        await pilot.press("down")
        await settle(pilot)
        assert "has 1,200 points" in plain(dialog.query_one("#redeem-note"))
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog
        assert "'Đổi 2.000 điểm' costs 2,000" in dialog.errors()["program"]
        # The cheap one: asked first; Esc there buys nothing.
        await pilot.press("up")
        await settle(pilot)
        assert not dialog.errors()
        await pilot.press("enter")
        await settle(pilot)
        asked = app.screen
        assert isinstance(asked, ConfirmDialog)
        assert "Redeem 500 of Nguyễn Thị Hương's points for 'Đổi 500 điểm'? 700 points " \
               "are left." in str(asked.question)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is dialog and count_rows(engine, "customer_promotion") == 0
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await settle(pilot, rounds=8)
        assert app.screen is detail, getattr(app.screen, "errors", dict)()
        [row] = table_rows(detail, "#promotions-table")
        assert row[0] == "KM000001" and row[1].startswith("Đổi 500 điểm")
        assert row[-1] == "Bought with 500 points"
        from salontui.store.ledger import points_balance

        assert read(engine, lambda s: points_balance(s, customer_id=customer.id)) == 700
        # An excluded member: told why at the top, and Enter refuses at the list.
        await pilot.press("escape")
        await settle(pilot)
        app.screen.open_customer(excluded.id)
        await settle(pilot, rounds=3)
        await pilot.press("9", "r")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RedeemPointsDialog)
        assert "excluded from the loyalty program (Gian lận điểm)" in plain(
            dialog.query_one("#redeem-balance"))
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog
        assert "points cannot be redeemed" in dialog.errors()["program"]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CustomerDetailScreen)
        assert count_rows(engine, "customer_promotion") == 1
