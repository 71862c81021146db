"""The app around the screens: first paint before the store, a new salon's first start,
who is signed in, and errors that must not take the desk down."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import text
from test_ui_helpers import SIZE, fill, make_customer, plain, read, settle, start, type_text

import salontui.app as app_module
from salontui.app import SalonApp
from salontui.screens.dialogs.customer_form import CustomerFormDialog
from salontui.screens.dialogs.owner import OwnerDialog
from salontui.screens.dialogs.setup import SetupDialog
from salontui.screens.dialogs.staff_picker import StaffPickerDialog
from salontui.screens.search import CustomerSearchScreen
from salontui.store.staff import list_staff


def test_the_first_paint_does_not_wait_for_the_store():
    """app.py and the screens import Textual only; SQLAlchemy comes in a worker."""
    code = ("import sys, salontui.app, salontui.screens.search, salontui.screens.detail;"
            "heavy = [m for m in ('sqlalchemy', 'sqlmodel', 'alembic') if m in sys.modules];"
            "print(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == ""


async def test_loading_then_ready(db_url, staff_id):
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, CustomerSearchScreen)  # painted before the store
        assert app.status in ("Loading…", "Ready")
        await start(app, pilot)
        assert app.status == "Ready"
        assert plain(app.screen.query_one("#status")).startswith("Ready")


async def test_a_new_salon_can_start_empty(db_url, engine):
    app = SalonApp(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        assert isinstance(app.screen, SetupDialog)
        await pilot.press("down", "enter")  # Start empty
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, OwnerDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert dialog.errors()["name"] == "Name is required."
        assert read(engine, lambda s: list_staff(s)) == []
        await type_text(pilot, "Phạm Thị Mai")
        await pilot.press("enter")
        await settle(pilot)
        staff = read(engine, lambda s: list_staff(s))
        assert [(m.name, m.role) for m in staff] == [("Phạm Thị Mai", "owner")]
        assert app.staff_id == staff[0].id and app.sub_title == "Phạm Thị Mai"
        assert isinstance(app.screen, CustomerSearchScreen)


@pytest.mark.parametrize("how", ["asked", "demo_if_empty"])
async def test_a_new_salon_can_be_a_demo(db_url, engine, monkeypatch, how):
    monkeypatch.setattr(app_module, "DEMO_CUSTOMERS", 25)  # the desk builds 500
    app = SalonApp(db_url, demo_if_empty=how == "demo_if_empty")
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        if how == "asked":
            assert isinstance(app.screen, SetupDialog)
            await pilot.press("enter")  # Create a demo salon
            await settle(pilot, rounds=4)
        assert isinstance(app.screen, CustomerSearchScreen)
        assert read(engine, lambda s: s.execute(text("SELECT count(*) FROM customer")).scalar()) \
            == 25
        assert len(app.screen.rows) == 25
        owner = next(m for m in app.staff if m.role == "owner")
        assert app.staff_id == owner.id  # signed in as the demo's owner


async def test_staff_picker_signs_in_and_every_write_carries_it(db_url, engine, staff_id,
                                                                 technician_id):
    app = SalonApp(db_url)  # two staff: the desk asks who is there
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        assert isinstance(app.screen, StaffPickerDialog)
        await pilot.press("escape")  # nobody yet: writes are refused
        await settle(pilot)
        assert app.staff_id is None
        await pilot.press("f3")
        await settle(pilot)
        await fill(pilot, "name", "Võ Thị Sáu")
        await fill(pilot, "phone", "0905 123 456")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CustomerFormDialog)
        assert app.screen.errors()[""] == "Sign in as a staff member first."
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, StaffPickerDialog)
        names = [m.name for m in app.screen.staff]
        await pilot.press(*["down"] * names.index("Lê Văn Tài"), "enter")
        await settle(pilot)
        assert (app.staff_id, app.sub_title) == (technician_id, "Lê Văn Tài")
        await pilot.press("f3")
        await settle(pilot)
        await fill(pilot, "name", "Võ Thị Sáu")
        await fill(pilot, "phone", "0905 123 456")
        await pilot.press("enter")
        await settle(pilot)
        stamped = read(engine, lambda s: s.execute(text(
            "SELECT staff_id FROM audit_log WHERE action = 'create_customer'")).scalar())
        assert stamped == technician_id


async def test_an_unexpected_error_is_shown_and_the_desk_goes_on(db_url, staff_id, monkeypatch):
    import salontui.store.customers as customers

    def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(customers, "create_customer", broken)
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        await pilot.press("f3")
        await settle(pilot)
        await fill(pilot, "name", "Võ Thị Sáu")
        await fill(pilot, "phone", "0905 123 456")
        await pilot.press("enter")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, CustomerFormDialog)
        assert dialog.errors()[""] == "Not saved: disk on fire"
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CustomerSearchScreen) and app.is_running


async def test_a_database_that_cannot_open_is_reported(tmp_path):
    app = SalonApp(f"sqlite:///{tmp_path}/no/such/folder/salon.db")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, rounds=3)
        assert app.engine is None
        assert app.status.startswith("Could not open the salon:")
        await pilot.press("f3")  # the desk is still there
        await settle(pilot)
        assert app.is_running


async def test_the_reused_detail_shows_the_customer_asked_for(db_url, engine, staff_id,
                                                              fixed_now):
    """A customer opened from the results always shows that customer, also on reuse."""
    first = make_customer(engine, staff_id)
    second = make_customer(engine, staff_id, name="Đặng Văn Lâm", phone="0912 345 678")
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        for customer in (first, second, first):
            app.screen.open_customer(customer.id)
            await settle(pilot)
            assert customer.name in plain(app.screen.query_one("#card"))
            await pilot.press("escape")
            await settle(pilot)


async def test_the_linux_console_gets_its_16_colours_and_glyphs_it_can_draw(
        db_url, staff_id, monkeypatch):
    """TERM=linux: the ANSI theme (the console's own 16 colours), no ⭘ in the header and
    no ⏎ in the footer (not in console fonts)."""
    from textual.widgets import Header

    monkeypatch.setenv("TERM", "linux")
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        assert app.theme == "ansi-dark"
        assert app.screen.query_one(Header).icon == "*"
        enter = next(b for b in CustomerSearchScreen.BINDINGS if b.key == "enter")
        assert app.get_key_display(enter) == "enter"  # the footer's label for Enter
    monkeypatch.setenv("TERM", "xterm-256color")
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        assert app.theme != "ansi-dark"
        assert app.screen.query_one(Header).icon == "⭘"
