"""Loyalty is reached by keys: F10 on the search opens the customer list, t there the
adjustment tickets; Esc comes back each time."""

from __future__ import annotations

from test_ui_helpers import SIZE, make_customer, settle, start

from salontui.app import SalonApp


async def test_the_customer_list_and_the_tickets_are_keys_away(engine, db_url, staff_id):
    from salontui.screens.loyalty.customers import CustomerListScreen
    from salontui.screens.loyalty.tickets import TicketListScreen
    from salontui.screens.search import CustomerSearchScreen

    make_customer(engine, staff_id)
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        await pilot.press("f10")
        await settle(pilot)
        assert isinstance(app.screen, CustomerListScreen)
        await pilot.press("t")
        await settle(pilot)
        assert isinstance(app.screen, TicketListScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CustomerListScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CustomerSearchScreen)
