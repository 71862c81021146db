"""The tiers by keys at 80×24: the Settings section (add, edit, retire, move a rank, the
ranking settings with ``s``) and the customer's tier dialog (``T``: the history, a move by
hand with a reason); bad input answered at its field with nothing written."""

from __future__ import annotations

from test_ui_helpers import (
    SIZE,
    make_customer,
    make_service,
    open_detail,
    paste,
    plain,
    read,
    settle,
    table_rows,
    type_text,
)
from test_ui_settings import open_settings

from salontui.app import SalonApp
from salontui.screens.settings import SettingsScreen


def tiers(engine):
    from salontui.store.loyalty.tiers import list_tiers

    return read(engine, lambda s: list_tiers(s, include_inactive=True))


async def test_the_tiers_section_by_keys(db_url, engine, staff_id):
    from salontui.screens.settings.tiers import TierDialog, TierSettingsDialog
    from salontui.store.loyalty.tiers import get_tier_settings

    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(app, pilot, "tiers")
        assert screen.active == "tiers"
        assert table_rows(screen, "#tiers-table")[0][:2] == ["Member", "0 ₫"]
        # a: Gold at 10,000,000 with 5 % off services, ×1.5 points, 500 points on reaching it
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, TierDialog)
        await type_text(pilot, "Gold")
        await pilot.press("tab")
        await type_text(pilot, "10.000.000")
        await pilot.press("tab", "tab")
        await type_text(pilot, "5")
        await pilot.press("tab", "ctrl+u")
        await type_text(pilot, "150")
        await pilot.press("tab")
        await type_text(pilot, "500")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        gold = tiers(engine)[1]
        assert (gold.name, gold.min_spend, gold.discount_percent, gold.points_percent,
                gold.reward_points) == ("Gold", 10_000_000, 5, 150, 500)
        assert table_rows(screen, "#tiers-table")[1][:4] == ["Gold", "10.000.000 ₫",
                                                            "-5 % · ×1.5", "500"]
        # A tier given by hand only (no threshold) goes to the top; [ moves it a rank down.
        await pilot.press("a")
        await settle(pilot)
        await type_text(pilot, "VIP")
        await pilot.press("enter")
        await settle(pilot)
        assert [t.name for t in tiers(engine)] == ["Member", "Gold", "VIP"]
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert [t.name for t in tiers(engine)] == ["Member", "VIP", "Gold"]
        await pilot.pause(0.6)  # the desk's own reload after that write (a poll) comes first
        await settle(pilot)
        await pilot.press("left_square_bracket")  # above Member: refused, said in the bar
        await settle(pilot)
        assert [t.name for t in tiers(engine)] == ["Member", "VIP", "Gold"]
        assert "cannot be first" in str(screen.query_one("#tiers-bar").content)
        # Enter edits; x retires and brings back.
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TierDialog)
        await pilot.press("ctrl+u")
        await type_text(pilot, "Khách VIP")
        await pilot.press("enter")
        await settle(pilot)
        assert tiers(engine)[1].name == "Khách VIP"
        await pilot.press("x")
        await settle(pilot)
        assert not tiers(engine)[1].active
        assert "retired" in table_rows(screen, "#tiers-table")[1][-1]
        await pilot.press("x")
        await settle(pilot)
        assert tiers(engine)[1].active
        # s: ranked by points over 6 months, a top-up counting when paid.
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, TierSettingsDialog)
        await pilot.press("right", "tab", "ctrl+u")
        await type_text(pilot, "6")
        await pilot.press("tab", "right", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SettingsScreen)
        found = read(engine, get_tier_settings)
        assert (found.basis, found.period_months, found.topup_spend) == ("points", 6, "paid")
        assert "points earned over 6 months" in str(screen.query_one("#tiers-bar").content)


async def test_the_tier_dialogs_answer_bad_input_at_the_field(db_url, engine, staff_id):
    from salontui.store.db import write_session
    from salontui.store.loyalty.tier_admin import create_tier

    with write_session(engine) as s:
        create_tier(s, staff_id=staff_id, name="Silver", min_spend=2_000_000)
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(app, pilot, "tiers")
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        await pilot.press("enter")  # no name
        await settle(pilot)
        assert dialog.errors() == {"name": "Name is required."}
        await type_text(pilot, "silver")  # the same name, another case
        await pilot.press("enter")
        await settle(pilot)
        assert "already a tier" in dialog.errors()["name"]
        await pilot.press("ctrl+u")
        await type_text(pilot, "Gold")
        cases = [("min_spend", "-5", "negative"), ("min_spend", "2.000.000", "more than Silver"),
                 ("discount_percent", "150", "0 to 100"),
                 ("points_percent", "50", "100 to 1000"),
                 ("reward_points", "abc", "not a whole number")]
        fields = ["name", "min_spend", "min_points", "discount_percent", "points_percent",
                  "reward_points"]
        at = 0
        for field, typed, said in cases:
            while at != fields.index(field):  # Tab to the field (and back to the first)
                await pilot.press("tab")
                at = (at + 1) % (len(fields) + 2)  # the fields, Confirm and Cancel
            await pilot.press("ctrl+u")
            await type_text(pilot, typed)
            await pilot.press("enter")
            await settle(pilot)
            assert said in dialog.errors().get(field, ""), (field, dialog.errors())
            await pilot.press("ctrl+u")
        await paste(pilot, "9" * 10_000)  # a paste-sized typo: refused, not frozen
        await pilot.press("enter")
        await settle(pilot)
        assert dialog.errors()
        assert [t.name for t in tiers(engine)] == ["Member", "Silver"]
        await pilot.press("escape")
        await settle(pilot)
        # The ranking settings: a period of 0 months is refused at its field.
        await pilot.press("s")
        await settle(pilot)
        dialog = app.screen
        await pilot.press("tab", "ctrl+u")
        await type_text(pilot, "0")
        await pilot.press("enter")
        await settle(pilot)
        assert "at least 1 month" in dialog.errors()["tier_period_months"]


async def test_the_customer_tier_dialog_moves_by_hand_with_a_reason(db_url, engine, staff_id):
    from salontui.screens.dialogs.tier import TierDialog
    from salontui.store.db import write_session
    from salontui.store.loyalty.tier_admin import create_tier
    from salontui.store.models import Customer

    with write_session(engine) as s:
        create_tier(s, staff_id=staff_id, name="Silver", min_spend=2_000_000)
        create_tier(s, staff_id=staff_id, name="Gold", min_spend=10_000_000)
    customer = make_customer(engine, staff_id)
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, rounds=4)
        detail = await open_detail(app, pilot, customer.id)
        await pilot.press("T")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, TierDialog)
        assert "Member · earns Member (0 ₫ over 12 months)" in plain(
            dialog.query_one("#tier-now"))
        await pilot.press("enter")  # no reason
        await settle(pilot)
        assert "Say why" in dialog.errors()["reason"]  # and the reason has the cursor
        await type_text(pilot, "Bạn của chủ tiệm")
        await pilot.press("enter")  # still Member: the tier they hold
        await settle(pilot)
        assert "already in Member" in dialog.errors()["tier"]
        await pilot.press("right", "right")  # the choice has the cursor now: Gold
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert app.screen is detail
        found = read(engine, lambda s: (s.get(Customer, customer.id).tier,
                                        s.get(Customer, customer.id).tier_hold))
        assert found == ("Gold", "up")
        await pilot.press("T")
        await settle(pilot)
        rows = table_rows(app.screen, "#tier-history")
        assert rows[0][1:3] == ["Member → Gold", "Bạn của chủ tiệm"]
        assert "Gold, held up by hand" in plain(app.screen.query_one("#tier-now"))


async def test_the_checkout_shows_the_tier_discount_or_why_there_is_none(db_url, engine,
                                                                        staff_id):
    from salontui.screens.checkout import CheckoutScreen
    from salontui.store.db import write_session
    from salontui.store.loyalty.members import set_member_state
    from salontui.store.loyalty.tier_admin import create_tier
    from salontui.store.loyalty.tiers import set_tier_by_hand

    with write_session(engine) as s:
        gold = create_tier(s, staff_id=staff_id, name="Gold", min_spend=10_000_000,
                           discount_percent=5)
    service = make_service(engine, staff_id, price=200_000)
    member = make_customer(engine, staff_id)
    excluded = make_customer(engine, staff_id, name="Lý Minh Thư", phone="0912 555 010")
    with write_session(engine) as s:
        for who in (member.id, excluded.id):
            set_tier_by_hand(s, staff_id=staff_id, customer_id=who, tier_id=gold.id,
                             reason="Khách VIP")
        set_member_state(s, staff_id=staff_id, customer_id=excluded.id, state="excluded",
                         reason="Gian lận điểm")
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, rounds=4)
        app.push_screen(CheckoutScreen(excluded.id))
        await settle(pilot)
        await type_text(pilot, service.code)
        await pilot.press("enter")
        await settle(pilot)
        totals = plain(app.screen.query_one("#totals"))
        assert "No Gold benefit (excluded)" in totals
        assert app.screen.quote.total == 200_000
        app.pop_screen()
        await settle(pilot)
        app.push_screen(CheckoutScreen(member.id))
        await settle(pilot)
        screen = app.screen
        await type_text(pilot, service.code)
        await pilot.press("enter")
        await settle(pilot)
        assert "Gold tier -5 % -10.000 ₫" in plain(screen.query_one("#totals"))
        assert screen.quote.total == 190_000
        await pilot.press("alt+c", "f9", "f10")  # cash, the remainder, paid
        await settle(pilot)
        assert "Gold tier -5 %" in plain(screen.query_one("#receipt"))
