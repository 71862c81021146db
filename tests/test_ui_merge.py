"""Merging duplicates at the desk, at 80×24 (DESIGN: duplicates can be merged, and a merge
can be undone): G on the customer kept picks the duplicate (the customer shown is not
offered), says what moves, and merges; a receptionist needs a manager's PIN for it; U
undoes it, from the customer kept or from the duplicate opened among the deleted
customers; Esc at any step writes nothing."""

from __future__ import annotations

from sqlalchemy import text
from test_ui_helpers import (
    SIZE,
    count_rows,
    make_customer,
    open_detail,
    plain,
    read,
    settle,
    start,
    table_rows,
    type_text,
)

from salontui.app import SalonApp
from salontui.screens.checkout.dialogs import CustomerPickerDialog, PickerDialog
from salontui.screens.dialogs.confirm import ConfirmDialog
from salontui.store.admin.pins import set_pin
from salontui.store.customers import create_customer, get_customer
from salontui.store.db import write_session
from salontui.store.ledger import adjust_points, points_balance
from salontui.store.staff import create_staff


def make_duplicate(engine, staff_id) -> int:
    with write_session(engine) as s:
        dup = create_customer(s, staff_id=staff_id, name="Nguyễn Thị Hương",
                              phone="0912 000 111", allow_duplicate=True)
        adjust_points(s, staff_id=staff_id, customer_id=dup.id, amount=300, reason="Cũ")
        return dup.id


def points(engine, customer_id: int) -> int:
    return read(engine, lambda s: points_balance(s, customer_id=customer_id))


def deleted(engine, customer_id: int) -> bool:
    return read(engine, lambda s: get_customer(s, customer_id=customer_id)).deleted_at is not None


async def merge_by_keys(app, pilot, code: str) -> None:
    """G, pick the duplicate by its code, and Enter on the confirmation."""
    await pilot.press("G")
    await settle(pilot)
    await pick_duplicate(app, pilot, code)
    await pilot.press("enter")
    await settle(pilot)


async def pick_duplicate(app, pilot, code: str) -> None:
    picker = app.screen
    assert isinstance(picker, CustomerPickerDialog)
    await type_text(pilot, code)
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


async def test_merge_and_undo_by_keys(db_url, engine, staff_id, fixed_now):
    kept = make_customer(engine, staff_id)
    duplicate = make_duplicate(engine, staff_id)
    dup_code = read(engine, lambda s: get_customer(s, customer_id=duplicate)).code
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        screen = await open_detail(app, pilot, kept.id)
        names = [name for name, _help, _run in screen.palette_commands()]
        assert "Merge a duplicate" in names and "Undo a merge" in names
        await pilot.press("U")  # nothing merged yet: said, nothing opened
        await settle(pilot)
        assert app.screen is screen
        await pilot.press("G")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, CustomerPickerDialog)
        assert kept.id not in [r.id for r in picker.rows]  # not merged into themselves
        assert all(r[1] != "Walk-in (no customer)" for r in table_rows(picker, "DeskTable"))
        await pick_duplicate(app, pilot, dup_code)
        confirm = app.screen
        assert isinstance(confirm, ConfirmDialog)
        question = plain(confirm.query_one("#question"))
        assert f"Merge {dup_code} Nguyễn Thị Hương into {kept.code}" in question
        assert "300 points" in question and "U undoes the merge" in question
        box = confirm.query_one(".dialog").region
        assert box.right <= SIZE[0] and box.bottom <= SIZE[1]
        audits = count_rows(engine)
        await pilot.press("escape")  # Esc: nothing merged
        await settle(pilot)
        assert app.screen is screen and count_rows(engine) == audits
        assert not deleted(engine, duplicate)

        await merge_by_keys(app, pilot, dup_code)
        assert app.screen is screen
        assert deleted(engine, duplicate) and points(engine, kept.id) == 300
        assert "Points 300" in plain(screen.query_one("#card"))

        # U from the customer kept: the merge, confirmed, undone.
        await pilot.press("U")
        await settle(pilot)
        pick = app.screen
        assert isinstance(pick, PickerDialog)
        assert pick.choices[0].text.startswith(f"{dup_code} Nguyễn Thị Hương into {kept.code}")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert not deleted(engine, duplicate) and points(engine, duplicate) == 300
        assert points(engine, kept.id) == 0


async def test_undo_from_the_duplicate_opened_among_the_deleted(db_url, engine, staff_id,
                                                                  fixed_now):
    from salontui.store.merge import merge_customers

    kept = make_customer(engine, staff_id)
    duplicate = make_duplicate(engine, staff_id)
    with write_session(engine) as s:
        merge_customers(s, staff_id=staff_id, keep_id=kept.id, merge_id=duplicate)
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        screen = await open_detail(app, pilot, duplicate)
        assert "DELETED" in plain(screen.query_one("#card"))
        assert screen.check_action("merge", ()) is False  # a merged customer takes nothing
        await pilot.press("U", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert "DELETED" not in plain(screen.query_one("#card"))
        assert points(engine, duplicate) == 300


async def test_a_receptionist_merges_with_a_managers_pin(db_url, engine, staff_id, fixed_now):
    from salontui.screens.dialogs.manager_approval import ManagerApprovalDialog

    kept = make_customer(engine, staff_id)
    duplicate = make_duplicate(engine, staff_id)
    dup_code = read(engine, lambda s: get_customer(s, customer_id=duplicate)).code
    with write_session(engine) as s:
        lan = create_staff(s, name="Phạm Lan", role="receptionist", staff_id=staff_id).id
        tuan = create_staff(s, name="Võ Minh Tuấn", role="manager", staff_id=staff_id).id
        set_pin(s, staff_id=staff_id, target_id=tuan, pin="2468")
    app = SalonApp(db_url, staff_id=lan)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        screen = await open_detail(app, pilot, kept.id)
        helps = {name: text for name, text, _run in screen.palette_commands()}
        assert helps["Merge a duplicate"].endswith("· a manager approves")
        audits = count_rows(engine)
        await merge_by_keys(app, pilot, dup_code)
        approval = app.screen
        assert isinstance(approval, ManagerApprovalDialog)
        await pilot.press("escape")  # refused: nothing merged, said on the screen
        await settle(pilot)
        assert app.screen is screen and count_rows(engine) == audits
        assert not deleted(engine, duplicate)
        await merge_by_keys(app, pilot, dup_code)
        assert isinstance(app.screen, ManagerApprovalDialog)
        await type_text(pilot, "2468")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen and deleted(engine, duplicate)
        approved = read(engine, lambda s: s.execute(text(
            "SELECT staff_id, approved_by FROM audit_log WHERE action = 'merge_customers'"
        )).all())
        assert [tuple(r) for r in approved] == [(lan, tuan)]


async def test_the_palette_greys_what_a_manager_approves(db_url, engine, staff_id, fixed_now):
    kept = make_customer(engine, staff_id)
    with write_session(engine) as s:
        lan = create_staff(s, name="Phạm Lan", role="receptionist", staff_id=staff_id).id
    app = SalonApp(db_url, staff_id=lan)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        await open_detail(app, pilot, kept.id)
        options = await palette_options(app, pilot, "merge")

        def dim(option) -> bool:
            """Whether the name (the first line; the help below it is always dim) is."""
            name_ends = option_text(option).index("\n")
            return any("dim" in str(span.style) and span.start < name_ends
                       for span in option.prompt.spans)

        merge = next(o for o in options if "Merge a duplicate" in str(option_text(o)))
        assert dim(merge)
        await pilot.press("escape")
        await settle(pilot)
        options = await palette_options(app, pilot, "book a visit")  # hers: not greyed
        book = next(o for o in options if "Book a visit" in str(option_text(o)))
        assert not dim(book)


def option_text(option) -> str:
    return getattr(option.prompt, "plain", str(option.prompt))


async def palette_options(app, pilot, query: str) -> list:
    """Ctrl+P, ``query`` typed, and the entries the palette shows for it."""
    from textual.command import CommandList, CommandPalette

    await pilot.press("ctrl+p")
    await settle(pilot)
    assert isinstance(app.screen, CommandPalette)
    await type_text(pilot, query)
    for _ in range(100):  # the palette searches in a worker
        options = app.screen.query_one(CommandList).options
        if options:
            return list(options)
        await pilot.pause(0.02)
    raise AssertionError(f"nothing in the palette for {query!r}")


async def test_a_duplicate_holding_much_still_fits_the_confirmation(db_url, engine, staff_id,
                                                                    fixed_now):
    from datetime import date

    from salontui.store.packages import sell_package

    kept = make_customer(engine, staff_id)
    duplicate = make_duplicate(engine, staff_id)  # 300 points, and twelve packages
    with write_session(engine) as s:
        for n in range(12):
            sell_package(s, staff_id=staff_id, customer_id=duplicate, name=f"Gói {n + 1}",
                         kind="count", price=100_000, total_uses=5,
                         expires_on=date(2027, 12, 1))
        dup_code = get_customer(s, customer_id=duplicate).code
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        await open_detail(app, pilot, kept.id)
        await pilot.press("G")
        await settle(pilot)
        await pick_duplicate(app, pilot, dup_code)
        confirm = app.screen
        assert isinstance(confirm, ConfirmDialog)
        question = plain(confirm.query_one("#question"))
        assert "300 points" in question and "(+6 more)" in question
        assert question.count("  • ") == 8
        for button in ("#confirm", "#cancel"):
            region = confirm.query_one(button).region
            assert region.bottom <= SIZE[1] and region.right <= SIZE[0], button
