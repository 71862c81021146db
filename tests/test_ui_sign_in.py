"""Signing in at the desk by PIN (F2: a name, then the PIN when one is set) and the idle
lock over a half-done checkout, at 80x24."""

from __future__ import annotations

from test_ui_helpers import settle, start, table_rows, type_text

from salontui.app import SalonApp
from salontui.screens.checkout import CheckoutScreen
from salontui.screens.dialogs.pin_sign_in import LockDialog, PinSignInDialog
from salontui.screens.dialogs.staff_picker import StaffPickerDialog
from salontui.store.admin.pins import set_pin
from salontui.store.catalog import create_item
from salontui.store.db import write_session
from salontui.store.settings import update_settings
from salontui.store.staff import create_staff

SIZE = (80, 24)


async def test_pin_sign_in_and_the_idle_lock(db_url, engine, staff_id):
    with write_session(engine) as s:
        lan = create_staff(s, name="Lan", role="receptionist", staff_id=staff_id)
        set_pin(s, staff_id=staff_id, target_id=lan.id, pin="2468")
        create_item(s, staff_id=staff_id, code="DV01", name="Cắt tóc nữ", kind="service",
                    price=150_000)
        update_settings(s, staff_id=staff_id, lock_minutes=5)
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        assert app.staff_id == staff_id and app.lock_seconds == 0  # by name: never locks
        assert not app.idle_check(now=app.last_key + 3600)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, StaffPickerDialog)
        names = [m.name for m in app.screen.staff]
        await pilot.press("home", *["down"] * names.index("Lan"), "enter")
        await settle(pilot)
        assert isinstance(app.screen, PinSignInDialog) and app.staff_id == staff_id
        await type_text(pilot, "1357")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.errors() == {"pin": "That PIN is not right."}
        assert app.staff_id == staff_id
        await type_text(pilot, "2468")
        await pilot.press("enter")
        await settle(pilot)
        assert app.staff_id == lan.id and app.sub_title == "Lan"
        assert app.lock_seconds == 300 and app.lock_timer is not None

        app.push_screen(CheckoutScreen())
        await settle(pilot)
        checkout = app.screen
        assert isinstance(checkout, CheckoutScreen)
        await type_text(pilot, "DV01")
        await pilot.press("enter")
        await settle(pilot)
        assert [r[1] for r in table_rows(checkout, "#lines")] == ["Cắt tóc nữ"]
        assert not app.idle_check(now=app.last_key + 299)  # a key 4'59" ago: not yet
        assert app.idle_check(now=app.last_key + 300)
        await settle(pilot)
        assert isinstance(app.screen, LockDialog)
        await pilot.press("escape", "ctrl+t")  # locked: neither closes it
        await settle(pilot)
        assert isinstance(app.screen, LockDialog)
        await type_text(pilot, "1111")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.errors() == {"pin": "That PIN is not right."}
        await type_text(pilot, "2468")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is checkout and app.staff_id == lan.id
        assert [r[1] for r in table_rows(checkout, "#lines")] == ["Cắt tóc nữ"]
        # Locked again: F2 lets someone else in (the owner, no PIN yet: by name); a
        # cancelled pick leaves the lock where it was.
        assert app.idle_check(now=app.last_key + 300)
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, StaffPickerDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LockDialog)
        await pilot.press("f2")
        await settle(pilot)
        names = [m.name for m in app.screen.staff]
        await pilot.press("home", *["down"] * names.index("Trần Thu Hà"), "enter")
        await settle(pilot)
        assert app.screen is checkout and app.staff_id == staff_id
        assert app.lock_seconds == 0  # no PIN: this desk does not lock
        assert [r[1] for r in table_rows(checkout, "#lines")] == ["Cắt tóc nữ"]


async def test_a_one_person_salon_with_a_pin_asks_it_at_start(db_url, engine, staff_id):
    """The only person has a PIN: the desk starts on it, nobody signed in until it is
    typed; a wrong one is refused at the field."""
    with write_session(engine) as s:
        set_pin(s, staff_id=staff_id, target_id=staff_id, pin="2468")
    app = SalonApp(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, PinSignInDialog) and dialog.member.id == staff_id
        assert app.staff_id is None and "nobody signed in (F2)" in app.sub_title
        await type_text(pilot, "1357")
        await pilot.press("enter")
        await settle(pilot)
        assert dialog.errors() == {"pin": "That PIN is not right."}
        assert app.screen is dialog and app.staff_id is None
        await type_text(pilot, "2468")
        await pilot.press("enter")
        await settle(pilot)
        assert app.staff_id == staff_id and app.sub_title == "Trần Thu Hà"
        assert app.staff_has_pin and not isinstance(app.screen, PinSignInDialog)


async def test_staff_with_a_pin_asks_it_at_start_and_esc_signs_nobody_in(db_url, engine,
                                                                          staff_id):
    """--staff names someone with a PIN: the desk starts on their PIN; Esc leaves nobody
    signed in (F2 signs in). With several staff and no --staff: a name, then the PIN;
    someone without a PIN still signs in by name."""
    with write_session(engine) as s:
        lan = create_staff(s, name="Lan", role="receptionist", staff_id=staff_id)
        set_pin(s, staff_id=staff_id, target_id=lan.id, pin="2468")
    app = SalonApp(db_url, staff_id=lan.id)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        assert isinstance(app.screen, PinSignInDialog) and app.screen.member.id == lan.id
        assert app.staff_id is None
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, PinSignInDialog)
        assert app.staff_id is None and app.sub_title == "nobody signed in (F2)"
        assert "Nobody is signed in: F2 signs in." in [n.message for n in app._notifications]
    app = SalonApp(db_url)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        picker = app.screen
        assert isinstance(picker, StaffPickerDialog) and app.staff_id is None
        names = [m.name for m in picker.staff]
        await pilot.press("home", *["down"] * names.index("Lan"), "enter")
        await settle(pilot)
        assert isinstance(app.screen, PinSignInDialog) and app.staff_id is None
        await type_text(pilot, "2468")
        await pilot.press("enter")
        await settle(pilot)
        assert app.staff_id == lan.id
    app = SalonApp(db_url, staff_id=staff_id)  # no PIN: by name, as before
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        assert app.staff_id == staff_id and app.sub_title == "Trần Thu Hà"
        assert not isinstance(app.screen, (PinSignInDialog, StaffPickerDialog))
