"""Members at the desk, at 80×24: the membership dialog (M on the customer: exclude with a
reason, re-activate, activate) and the header that shows an exclusion; the checkout that
says why an excluded member earns and spends no points; the phone of a member, changed only
through the phone dialog (P) with a manager's approval, both ways, with its bad inputs; and
the search that finds an old phone, marked "(old)"."""

from __future__ import annotations

from sqlalchemy import text
from test_ui_helpers import (
    SIZE,
    fill,
    give_points,
    make_customer,
    paste,
    plain,
    read,
    settle,
    start,
    table_rows,
    type_text,
)

from salontui.app import SalonApp
from salontui.screens.checkout import CheckoutScreen
from salontui.screens.detail.screen import CustomerDetailScreen
from salontui.screens.dialogs.change_phone import ChangePhoneDialog
from salontui.screens.dialogs.confirm import ConfirmDialog
from salontui.screens.dialogs.customer_form import CustomerFormDialog, CycleChoice
from salontui.screens.dialogs.member_state import MemberStateDialog
from salontui.screens.search import CustomerSearchScreen
from salontui.store.customers import get_customer
from salontui.store.db import write_session
from salontui.store.settings import update_settings
from salontui.widgets.inputs import RadioChoice

REASON = "Shared the card with friends"


def audit_count(engine) -> int:
    return read(engine, lambda s: s.execute(text("SELECT count(*) FROM audit_log")).scalar())


def customer(engine, customer_id):
    return read(engine, lambda s: get_customer(s, customer_id=customer_id))


async def open_customer(app, pilot, customer_id) -> CustomerDetailScreen:
    await start(app, pilot)
    app.screen.open_customer(customer_id)
    await settle(pilot)
    assert isinstance(app.screen, CustomerDetailScreen)
    return app.screen


async def press(pilot, *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


def card_text(screen) -> str:
    return plain(screen.query_one("#card"))


async def test_exclude_with_a_reason_then_reactivate_and_the_header_shows_it(
        db_url, engine, staff_id, fixed_now):
    member = make_customer(engine, staff_id)
    give_points(engine, staff_id, member.id, 1_500)
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_customer(app, pilot, member.id)
        assert "Excluded" not in card_text(screen)
        await press(pilot, "M")
        dialog = app.screen
        assert isinstance(dialog, MemberStateDialog)
        assert "Active member" in plain(dialog.query_one("#member-now"))
        assert [label for _v, label in dialog.query_one("#action", RadioChoice).options] == [
            "Exclude"]
        assert dialog.field("reason").display
        before = audit_count(engine)
        for typed, said in (("", "Say why the member is excluded."),
                            ("   ", "Say why the member is excluded.")):
            await fill(pilot, "reason", typed)
            await press(pilot, "enter")
            assert dialog.errors() == {"reason": said}, typed
        dialog.query_one("#reason").focus()
        await paste(pilot, "x" * 300)  # longer than the field: refused, not cut
        await press(pilot, "enter")
        assert "250" in dialog.errors()["reason"] and app.screen is dialog
        assert audit_count(engine) == before
        await fill(pilot, "reason", REASON)
        await press(pilot, "enter")
        assert app.screen is screen
        assert (customer(engine, member.id).member_state,
                customer(engine, member.id).member_reason) == ("excluded", REASON)
        lines = card_text(screen).splitlines()
        assert lines[1].strip() == f"Excluded: {REASON}  earns and spends no points"
        assert "Points 1.500" in card_text(screen)  # kept
        await press(pilot, "M")
        dialog = app.screen
        assert f"Excluded: {REASON}" in plain(dialog.query_one("#member-now"))
        assert [label for _v, label in dialog.query_one("#action", RadioChoice).options] == [
            "Re-activate"]
        assert not dialog.field("reason").display
        await press(pilot, "enter")
        assert app.screen is screen
        assert customer(engine, member.id).member_state == "active"
        assert "Excluded" not in card_text(screen)
        await press(pilot, "M", "escape")  # Escape writes nothing
        assert app.screen is screen and customer(engine, member.id).member_state == "active"


async def test_a_member_not_activated_is_activated_or_excluded(db_url, engine, staff_id,
                                                                fixed_now):
    with write_session(engine) as s:
        update_settings(s, staff_id=staff_id, new_member_active=False)
    waiting = make_customer(engine, staff_id)
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_customer(app, pilot, waiting.id)
        assert "(not activated)" in card_text(screen).splitlines()[0]
        await press(pilot, "M")
        dialog = app.screen
        choice = dialog.query_one("#action", RadioChoice)
        assert [label for _v, label in choice.options] == ["Activate", "Exclude"]
        assert not dialog.field("reason").display  # activating needs no reason
        await press(pilot, "enter")
        assert app.screen is screen
        assert customer(engine, waiting.id).member_state == "active"
        assert "not activated" not in card_text(screen)


async def test_the_checkout_says_why_an_excluded_member_pays_no_points(db_url, engine,
                                                                       staff_id, fixed_now):
    from salontui.store.catalog import create_item
    from salontui.store.loyalty.members import set_member_state

    with write_session(engine) as s:
        create_item(s, staff_id=staff_id, name="Cắt tóc nữ", kind="service", price=150_000,
                    code="DV01")
    member = make_customer(engine, staff_id)
    give_points(engine, staff_id, member.id, 1_500)
    with write_session(engine) as s:
        set_member_state(s, staff_id=staff_id, customer_id=member.id, state="excluded",
                         reason=REASON)
    sentence = f"Excluded member: earns and spends no points ({REASON})."
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        app.push_screen(CheckoutScreen(member.id))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CheckoutScreen)
        assert sentence in " ".join(plain(screen.query_one("#strip")).split())
        await type_text(pilot, "DV01")
        await press(pilot, "enter")
        before = audit_count(engine)
        await press(pilot, "alt+p")
        await type_text(pilot, "100")
        await press(pilot, "alt+c", "f9", "f10")
        assert screen.errors()["points"] == sentence
        assert audit_count(engine) == before and screen.result is None


async def test_a_member_s_phone_changes_only_with_a_manager_both_ways(db_url, engine,
                                                                      staff_id, fixed_now):
    from salontui.store.staff import create_staff

    member = make_customer(engine, staff_id)
    give_points(engine, staff_id, member.id, 1_500)
    other = make_customer(engine, staff_id, name="Trần Văn Nam", phone="0912 000 111")
    with write_session(engine) as s:
        desk = create_staff(s, name="Phạm Lan", role="receptionist", staff_id=staff_id).id
        s.execute(text("UPDATE staff SET active = false WHERE id = :i"), {"i": staff_id})
    app = SalonApp(db_url, staff_id=desk)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_customer(app, pilot, member.id)
        await press(pilot, "e")  # the form: a member's phone is not changed there
        form = app.screen
        assert isinstance(form, CustomerFormDialog)
        await fill(pilot, "phone", "0912 999 888")
        await press(pilot, "enter")
        assert form.errors() == {"phone": "Change the phone with P: a member's phone needs a "
                                          "manager's approval."}
        await press(pilot, "escape")
        assert app.screen is screen

        await press(pilot, "P")  # nobody may approve: the owner is away (inactive)
        dialog = app.screen
        assert isinstance(dialog, ChangePhoneDialog)
        assert dialog.query_one("#approver", CycleChoice).options == [
            ("", "No manager or owner")]
        await fill(pilot, "new-phone", "0912 999 888")
        await press(pilot, "enter")
        assert dialog.errors() == {
            "approved_by": "A manager or the owner must approve a member's phone change."}
        await press(pilot, "escape")
        with write_session(engine) as s:
            s.execute(text("UPDATE staff SET active = true WHERE id = :i"), {"i": staff_id})
            manager = create_staff(s, name="Võ Minh", role="manager", staff_id=staff_id).id

        await press(pilot, "P")
        dialog = app.screen
        approver = dialog.query_one("#approver", CycleChoice)
        assert [label for _v, label in approver.options] == ["Trần Thu Hà (owner)",
                                                              "Võ Minh (manager)"]
        before = audit_count(engine)
        for typed, said in (
                ("", "Phone is required."),
                ("abc", "'abc' is not a phone number."),
                ("12", "'12' is not a valid phone number."),
                ("0935 320 888", "That is already Nguyễn Thị Hương's phone."),
                ("0912 000 111", f"{other.code} Trần Văn Nam already has this phone.")):
            await fill(pilot, "new-phone", typed)
            await press(pilot, "enter")
            assert dialog.errors() == {"new_phone": said}, typed
            assert app.screen is dialog
        assert audit_count(engine) == before

        # The default: the old profile keeps the points; a new profile for the new number.
        await fill(pilot, "new-phone", "0912 999 888")
        approver.focus()
        await press(pilot, "right")  # the manager approves
        await press(pilot, "enter")
        confirm = app.screen
        assert isinstance(confirm, ConfirmDialog)
        question = " ".join(plain(confirm.query_one("#question")).split())
        assert question == (f"{member.code} Nguyễn Thị Hương keeps 0935 320 888 with their "
                            "points and tier; a new profile is made for 0912 999 888. "
                            "Approved by Võ Minh.")
        await press(pilot, "escape")  # not confirmed: nothing written, the dialog stays
        assert app.screen is dialog and audit_count(engine) == before
        await press(pilot, "enter")
        await press(pilot, "enter")
        assert app.screen is screen
        made = read(engine, lambda s: s.execute(text(
            "SELECT id, code, name FROM customer WHERE phone = '+84912999888'")).one())
        assert made.name == "Nguyễn Thị Hương" and made.id != member.id
        assert customer(engine, member.id).phone == "+84935320888"
        approvals = read(engine, lambda s: s.execute(text(
            "SELECT after FROM audit_log WHERE action = 'phone_change'")).scalars().all())
        assert len(approvals) == 1 and f'"approved_by": {manager}' in approvals[0]

        # Points and tier move with the new number: the old one is kept, found, marked.
        await press(pilot, "P")
        dialog = app.screen
        await fill(pilot, "new-phone", "0912 999 777")
        dialog.query_one("#keep", RadioChoice).focus()
        await press(pilot, "right")
        assert "still found by search" in plain(dialog.query_one(".field-hint"))
        await press(pilot, "enter")
        assert "answers to 0912 999 777 from now on" in plain(app.screen.query_one("#question"))
        await press(pilot, "enter")
        assert app.screen is screen
        assert customer(engine, member.id).phone == "+84912999777"
        assert "0912 999 777" in card_text(screen).splitlines()[0]

        await press(pilot, "escape")
        search = app.screen
        assert isinstance(search, CustomerSearchScreen)
        await fill(pilot, "query", "0935320888")
        await settle(pilot)
        rows = table_rows(search, "#results")
        assert [(r[0], r[2]) for r in rows] == [(member.code, "0935 320 888 (old)")]
