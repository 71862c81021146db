"""The day is one key from anywhere: the desk opens on the Today board (the search under
it, one key away), Ctrl+O opens the appointment book from any screen and Ctrl+T brings
the board back, closing what lay on it but never a checkout."""

from __future__ import annotations

from test_ui_helpers import SIZE, make_customer, settle, start

from salontui.app import SalonApp


async def test_the_desk_opens_on_today_and_the_day_is_one_key_away(engine, db_url, staff_id):
    from salontui.screens.checkout.screen import CheckoutScreen
    from salontui.screens.day.book import AppointmentBookScreen
    from salontui.screens.day.today import TodayScreen
    from salontui.screens.search import CustomerSearchScreen

    make_customer(engine, staff_id)
    app = SalonApp(db_url, staff_id=staff_id, first_screen="today")
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        assert isinstance(app.screen, TodayScreen)
        await pilot.press("slash")  # down to the search: the board is one key back
        await settle(pilot)
        assert isinstance(app.screen, CustomerSearchScreen)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, AppointmentBookScreen)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        assert [type(s) for s in app.screen_stack] == [CustomerSearchScreen,
                                                       AppointmentBookScreen, TodayScreen]
        await pilot.press("ctrl+o")  # the book lies under the board: back down to it
        await settle(pilot)
        assert [type(s) for s in app.screen_stack] == [CustomerSearchScreen,
                                                       AppointmentBookScreen]
        await pilot.press("ctrl+t", "ctrl+t")  # a second press: already there
        await settle(pilot)
        assert len(app.screen_stack) == 3
        # Over a checkout the board opens on top: the cart is never thrown away.
        app.push_screen(CheckoutScreen())
        await settle(pilot)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        assert any(isinstance(s, CheckoutScreen) for s in app.screen_stack)


async def test_a_desk_can_open_on_the_search(engine, db_url, staff_id):
    from salontui.screens.search import CustomerSearchScreen

    app = SalonApp(db_url, staff_id=staff_id, first_screen="search")
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        assert isinstance(app.screen, CustomerSearchScreen)
