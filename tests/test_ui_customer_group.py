"""The customer's group at the desk, at 80×24: the customer form offers none and the
salon's active groups (a retired one only to its own members), saving puts the customer
in the group chosen, and the header card names it."""

from __future__ import annotations

from test_ui_helpers import SIZE, fill, make_customer, plain, read, settle, start, type_text

from salontui.app import SalonApp
from salontui.screens.detail.screen import CustomerDetailScreen
from salontui.screens.dialogs.customer_form import CustomerFormDialog, CycleChoice
from salontui.store.customers import get_customer
from salontui.store.db import write_session


def make_groups(engine, staff_id) -> dict[str, int]:
    from salontui.store.admin.groups import create_group, set_group_active

    with write_session(engine) as s:
        vip = create_group(s, staff_id=staff_id, name="Khách VIP", points_percent=150)
        old = create_group(s, staff_id=staff_id, name="Doanh nghiệp cũ")
        set_group_active(s, staff_id=staff_id, group_id=old.id, active=False)
        family = create_group(s, staff_id=staff_id, name="Gia đình nhân viên")
    return {"vip": vip.id, "old": old.id, "family": family.id}


def labels(choice: CycleChoice) -> list[str]:
    return [label for _value, label in choice.options]


async def test_a_new_customer_is_put_in_a_group_and_the_header_names_it(db_url, engine,
                                                                        staff_id):
    groups = make_groups(engine, staff_id)
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        await pilot.press("f3")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, CustomerFormDialog)
        choice = dialog.query_one("#group", CycleChoice)
        # None first, then the active groups by name; the retired one is not offered.
        assert labels(choice) == ["None", "Gia đình nhân viên", "Khách VIP"]
        assert choice.value == ""
        await type_text(pilot, "Võ Thị Sáu")
        await fill(pilot, "phone", "0905 123 456")
        choice.focus()
        await pilot.press("right", "right")  # None → Gia đình nhân viên → Khách VIP
        assert "Khách VIP" in str(choice.render())
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CustomerDetailScreen), dialog.errors()
        record = read(engine, lambda s: get_customer(s, customer_id=screen.customer_id))
        assert record.group_id == groups["vip"]
        header = plain(screen.query_one("#card")).splitlines()[0]
        assert header.endswith("Khách VIP")


async def test_editing_changes_the_group_and_a_retired_one_stays_only_for_its_own(
        db_url, engine, staff_id):
    from salontui.store.admin.groups import set_customer_group, set_group_active

    groups = make_groups(engine, staff_id)
    customer = make_customer(engine, staff_id)
    with write_session(engine) as s:  # put in the old group before it was retired
        set_group_active(s, staff_id=staff_id, group_id=groups["old"], active=True)
        set_customer_group(s, staff_id=staff_id, customer_id=customer.id,
                           group_id=groups["old"])
        set_group_active(s, staff_id=staff_id, group_id=groups["old"], active=False)
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        app.screen.open_customer(customer.id)
        await settle(pilot, rounds=3)
        screen = app.screen
        assert "Doanh nghiệp cũ" in plain(screen.query_one("#card")).splitlines()[0]
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, CustomerFormDialog)
        choice = dialog.query_one("#group", CycleChoice)
        assert labels(choice) == ["None", "Gia đình nhân viên", "Khách VIP",
                                  "Doanh nghiệp cũ (retired)"]
        assert choice.value == str(groups["old"])
        # Saving with the retired group kept, and another field changed, is fine.
        await fill(pilot, "address", "12 Lê Lợi, Huế")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen, dialog.errors()
        record = read(engine, lambda s: get_customer(s, customer_id=customer.id))
        assert (record.address, record.group_id) == ("12 Lê Lợi, Huế", groups["old"])
        # Now to the family group: the header follows.
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        choice = dialog.query_one("#group", CycleChoice)
        choice.focus()
        await pilot.press("g")  # a first letter jumps to it
        assert choice.value == str(groups["family"])
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen, dialog.errors()
        assert read(engine, lambda s: get_customer(s, customer_id=customer.id)).group_id == \
            groups["family"]
        header = plain(screen.query_one("#card")).splitlines()[0]
        assert header.endswith("Gia đình nhân viên") and "Doanh nghiệp" not in header
        # And to none: the retired group is no longer offered.
        await pilot.press("e")
        await settle(pilot)
        choice = app.screen.query_one("#group", CycleChoice)
        assert "Doanh nghiệp cũ (retired)" not in labels(choice)
        choice.focus()
        await pilot.press("n")
        await pilot.press("enter")
        await settle(pilot)
        assert read(engine, lambda s: get_customer(s, customer_id=customer.id)).group_id is None
        assert "Gia đình" not in plain(screen.query_one("#card"))


async def test_a_group_retired_while_the_form_is_open_is_refused_at_the_field(
        db_url, engine, staff_id):
    from salontui.store.admin.groups import set_group_active

    groups = make_groups(engine, staff_id)
    customer = make_customer(engine, staff_id)
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        app.screen.open_customer(customer.id)
        await settle(pilot, rounds=3)
        await pilot.press("e")
        await settle(pilot)
        dialog = app.screen
        choice = dialog.query_one("#group", CycleChoice)
        choice.focus()
        await pilot.press("k")  # Khách VIP
        with write_session(engine) as s:  # another desk retires it meanwhile
            set_group_active(s, staff_id=staff_id, group_id=groups["vip"], active=False)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog
        assert "retired" in dialog.errors()["group"]
        assert read(engine, lambda s: get_customer(s, customer_id=customer.id)).group_id is None
