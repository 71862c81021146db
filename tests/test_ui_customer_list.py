"""The customer list at 80×24 (screens/loyalty/customers.py and care_dialogs.py): filtered
by a dialog and said on one line with "n of m", selected by hand and all matching, a bulk
care action confirmed, run with a progress bar and reported (a deduction below zero
refused for one customer, the others through); Enter opens the customer; a care action
left unfinished is offered when the list opens; the member state of a selection; bad
input in the filter and action dialogs answered at its field with nothing written; the
care catalogue's section of Settings."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from refusals import one_case
from test_ui_helpers import (
    SIZE,
    count_rows,
    fill,
    open_settings,
    paste,
    plain,
    read,
    settle,
    start,
    table_rows,
    type_text,
)

from salontui.app import SalonApp
from salontui.store import clock
from salontui.store.db import write_session

NOW = datetime(2026, 11, 23, 2, 0)  # a Monday, 09:00 at the salon (UTC+7)


@pytest.fixture
def now():
    with clock.pinned(NOW):
        yield NOW


@pytest.fixture
def people(engine, staff_id, now):
    """Six customers: Lan, Mai and Hoa born in March (Lan with 50 points, Mai with 10, Hoa
    with 50, Hoa a Silver member by hand), Đức excluded, Tâm and Vy born in June."""
    from salontui.store.customers import create_customer
    from salontui.store.ledger import adjust_points
    from salontui.store.loyalty.members import set_member_state
    from salontui.store.models import Customer, Tier

    found = {}
    with write_session(engine) as s:
        silver = Tier(name="Silver", position=1, active=True, created_at=NOW)
        s.add(silver)
        s.flush()
        for key, name, phone, month, points in (
                ("lan", "Nguyễn Thị Lan", "0935 400 001", 3, 50),
                ("mai", "Trần Thị Mai", "0935 400 002", 3, 10),
                ("hoa", "Lê Thị Hoa", "0935 400 003", 3, 50),
                ("duc", "Phạm Văn Đức", "0935 400 004", 3, 0),
                ("tam", "Đỗ Minh Tâm", "0935 400 005", 6, 0),
                ("vy", "Võ Thảo Vy", "0935 400 006", 6, 0)):
            cid = create_customer(s, staff_id=staff_id, name=name, phone=phone,
                                  birthday=date(1990, month, 10)).id
            if points:
                adjust_points(s, staff_id=staff_id, customer_id=cid, amount=points,
                              reason="Opening balance")
            found[key] = cid
        hoa = s.get(Customer, found["hoa"])
        hoa.tier_id, hoa.tier, hoa.tier_hold = silver.id, "Silver", "up"
        s.add(hoa)
        set_member_state(s, staff_id=staff_id, customer_id=found["duc"], state="excluded",
                         reason="Nhân viên")
        found["silver"] = silver.id
    return found


async def open_list(app, pilot):
    from salontui.screens.loyalty.customers import CustomerListScreen

    await start(app, pilot)
    screen = CustomerListScreen()
    app.push_screen(screen)
    await settle(pilot)
    assert screen in app.screen_stack
    return screen


def head(screen) -> str:
    return plain(screen.query_one("#list-head"))


def points_of(engine, customer_id) -> int:
    from salontui.store.ledger import points_balance

    return read(engine, lambda s: points_balance(s, customer_id=customer_id))


async def test_filter_select_care_report_and_open(db_url, engine, staff_id, people):
    from salontui.screens.detail import CustomerDetailScreen
    from salontui.screens.loyalty.care_dialogs import (
        BatchRunDialog,
        CareActionDialog,
        FilterDialog,
        MemberStateDialog,
    )

    app = SalonApp(db_url, staff_id=staff_id, first_screen="search")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(app, pilot)
        assert head(screen) == "6 of 6"
        assert "Every customer" in plain(screen.query_one("#list-filter"))
        assert [r[2] for r in table_rows(screen, "#list-table")][:2] == [
            "Nguyễn Thị Lan", "Trần Thị Mai"]
        # f: born in March, active
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, FilterDialog)
        await pilot.press("right", "right")  # Any → not activated → active
        await pilot.press("tab", "tab")
        await type_text(pilot, "3")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert plain(screen.query_one("#list-filter")) == "Filter: active · born in March"
        assert head(screen) == "3 of 6"
        rows = table_rows(screen, "#list-table")
        assert [r[2] for r in rows] == ["Nguyễn Thị Lan", "Trần Thị Mai", "Lê Thị Hoa"]
        # Space by hand, then all matching; Space leaves one out, a again: none
        await pilot.press("space")
        assert head(screen) == "3 of 6 · 1 selected"
        assert table_rows(screen, "#list-table")[0][0] == "*"
        await pilot.press("a")
        assert head(screen) == "3 of 6 · 3 selected"
        await pilot.press("space")  # (the cursor moved to Mai) Mai left out
        assert head(screen) == "3 of 6 · 2 selected"
        await pilot.press("space")  # Hoa left out too
        await pilot.press("a")  # all matching again, nobody left out
        assert head(screen) == "3 of 6 · 3 selected"
        # b: deduct 20 points from the three; Mai has 10
        await pilot.press("b")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, CareActionDialog)
        assert "For 3 customers" in plain(dialog.query_one("#care-for"))
        await pilot.press("right")  # Deduct points
        await pilot.press("tab")
        await type_text(pilot, "20")
        await pilot.press("tab", "tab", "tab")  # care type, reason (a new one), its name
        await type_text(pilot, "Trừ điểm nhầm")
        await pilot.press("tab")
        await type_text(pilot, "Điều chỉnh theo yêu cầu")
        await pilot.press("enter")
        await settle(pilot)
        question = plain(app.screen.query_one("#question"))
        assert question.startswith("Deduct 20 points for 3 customers? Care: Trừ điểm nhầm.")
        await pilot.press("enter")
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        run = app.screen
        assert isinstance(run, BatchRunDialog)
        assert plain(run.query_one("#run-count")) == "Done: 2 · refused: 1"
        assert table_rows(run, "#run-refused")[0][1:] == [
            "Trần Thị Mai", "Trần Thị Mai: only 10 points left; cannot deduct 20."]
        assert run.query_one("#run-bar").percentage == 1
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert head(screen) == "3 of 6"  # done: the selection is cleared
        assert [points_of(engine, people[k]) for k in ("lan", "mai", "hoa")] == [30, 10, 30]
        from salontui.store.care import list_care_notes

        [note] = read(engine, lambda s: list_care_notes(s, customer_id=people["lan"]))
        assert (note.type, note.title, note.description) == (
            "care", "Trừ điểm nhầm", "Điều chỉnh theo yêu cầu")
        # m: exclude two by hand; a reason is required
        await pilot.press("home", "space", "space")  # Lan and Mai
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, MemberStateDialog)
        await pilot.press("right")  # Exclude
        await pilot.press("enter")
        await settle(pilot)
        assert "Say why" in app.screen.errors()["reason"]  # (and the reason has the focus)
        await type_text(pilot, "Tài khoản chung")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert head(screen) == "1 of 6"  # only Hoa is still an active member born in March
        # x clears the filter; o orders by name; Enter opens the customer
        await pilot.press("x")
        await settle(pilot)
        assert head(screen) == "6 of 6"
        await pilot.press("o")
        await settle(pilot)
        assert table_rows(screen, "#list-table")[0][2] == "Đỗ Minh Tâm"
        names = [name for name, _help, _run in screen.palette_commands()]
        assert "Give care to the selected customers" in names
        assert "Filter the customers" in names
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CustomerDetailScreen)
        assert app.screen.customer_id == people["tam"]
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert screen.query_one("#list-table").region.right <= SIZE[0]
        assert screen.query_one("#list-table").cut_texts() == []


async def test_an_unfinished_care_action_is_offered_when_the_list_opens(db_url, engine,
                                                                         staff_id, people):
    from salontui.screens.dialogs.confirm import ConfirmDialog
    from salontui.screens.loyalty.care_dialogs import BatchRunDialog
    from salontui.store.loyalty.care_batches import run_batch, start_batch

    with write_session(engine) as s:
        batch = start_batch(s, staff_id=staff_id, action="call", care_type="call",
                            reason="Hỏi thăm", customer_ids=[people[k] for k in (
                                "lan", "mai", "hoa", "tam")])
    run_batch(engine, batch.id, chunk=1, max_chunks=1)  # the desk closed after one
    app = SalonApp(db_url, staff_id=staff_id, first_screen="search")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        question = plain(app.screen.query_one("#question"))
        assert "not finished: Log a call (Call: Hỏi thăm)" in question
        assert "1 of 4 customers done. Finish it now?" in question
        await pilot.press("enter")
        await settle(pilot)
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert isinstance(app.screen, BatchRunDialog)
        assert plain(app.screen.query_one("#run-count")) == "Done: 4 · refused: 0"
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
    assert count_rows(engine, "care_note") == 4


async def test_bad_input_in_the_filter_and_action_dialogs(db_url, engine, staff_id, people):
    from salontui.screens.loyalty.care_dialogs import CareActionDialog, FilterDialog

    app = SalonApp(db_url, staff_id=staff_id, first_screen="search")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_list(app, pilot)
        await pilot.press("f")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, FilterDialog)
        filter_cases = [
            ({"birthday-month": "13"}, "birthday_month", "A month is 1 to 12."),
            ({"birthday-month": "ab"}, "birthday_month", "is not a whole number"),
            ({"birthday-month": "-3"}, "birthday_month", "cannot be negative"),
            ({"birthday-month": "0"}, "birthday_month", "must be more than zero"),
            ({"visited-after": "31/02/2026"}, "visited_after", "is not a date"),
            ({"visited-after": "01/01/1066"}, "visited_after", "between 01/01/1900"),
            ({"visited-before": "hôm qua"}, "visited_before", "is not a date"),
            ({"visited-after": "02/11/2026", "visited-before": "01/11/2026"},
             "visited_before", "must be later"),
            ({"not-visited-since": "2026-13-01"}, "not_visited_since", "is not a date"),
            ({"spend-min": "-5"}, "spend_min", "cannot be negative"),
            ({"spend-min": "abc"}, "spend_min", "is not an amount"),
            ({"spend-max": "9" * 25}, "spend_max", "too large"),
            ({"spend-min": "500.000", "spend-max": "100.000"}, "spend_max",
             "lower than the lowest"),
            ({"package-days": "-1"}, "package_days", "cannot be negative"),
            ({"package-days": "99999"}, "package_days", "Days are 0 to 3,660."),
        ]
        failed: list[str] = []
        for typed, field, message in filter_cases:
            with one_case(failed, repr(typed)):
                for widget, text in typed.items():
                    await fill(pilot, widget, text)
                await pilot.press("enter")
                await settle(pilot)
                assert app.screen is dialog, "the dialog closed"
                errors = dialog.errors()
                assert message in errors.get(field, ""), errors
                for widget in typed:
                    await fill(pilot, widget, "")
        # A 10,000-character paste into a date: said, not taken, not shown as a filter.
        dialog.query_one("#not-visited-since").focus()
        await paste(pilot, "1" * 10_000)
        assert dialog.query_one("#not-visited-since").value == ""
        await pilot.press("enter")
        await settle(pilot)
        assert "too long" in dialog.errors()["not_visited_since"]
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and screen.filter.is_empty()

        # The action dialog, over two customers selected by hand.
        await pilot.press("space", "space", "b")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, CareActionDialog)
        action_cases = [
            ({"amount": ""}, "amount", "Enter a number."),
            ({"amount": "-5"}, "amount", "cannot be negative"),
            ({"amount": "0"}, "amount", "must be more than zero"),
            ({"amount": "99999999"}, "amount", "too large"),
            ({"amount": "1e9"}, "amount", "is not a whole number"),
            ({"amount": "5", "new-reason": ""}, "new_reason",
             "Type the reason, or choose one of the catalogue."),
            ({"amount": "5", "new-reason": "   "}, "new_reason", "Type the reason"),
        ]
        for typed, field, message in action_cases:
            with one_case(failed, repr(typed)):
                for widget, text in typed.items():
                    await fill(pilot, widget, text)
                await pilot.press("enter")
                await settle(pilot)
                assert app.screen is dialog, "the dialog closed"
                errors = dialog.errors()
                assert message in errors.get(field, ""), errors
        # Spend: an amount of money, read the salon's way.
        dialog.query_one("#action").value = "give_spend"
        await pilot.pause()
        for typed, message in (("-500", "cannot be negative"), ("abc", "is not an amount"),
                               ("9" * 25, "too large")):
            with one_case(failed, typed):
                await fill(pilot, "amount", typed)
                await pilot.press("enter")
                await settle(pilot)
                assert message in dialog.errors().get("amount", ""), dialog.errors()
        # A call has no amount: the field goes away.
        dialog.query_one("#action").value = "call"
        await pilot.pause()
        assert not dialog.field("amount").display
        assert dialog.query_one("#care-type").value == "call"
        # Pastes longer than the reason (120) and the note (4,000): refused at the field.
        dialog.query_one("#new-reason").focus()
        await paste(pilot, "x" * 10_000)
        dialog.query_one("#note").focus()
        await paste(pilot, "y" * 10_000)
        await pilot.press("enter")
        await settle(pilot)
        errors = dialog.errors()
        assert "too long: 120" in errors.get("new_reason", ""), errors
        assert "too long: 4000" in errors.get("note", ""), errors
        # Confirmed, then Esc on the question: back in the dialog, nothing written.
        await fill(pilot, "new-reason", "Hỏi thăm")
        await fill(pilot, "note", "Khách bận")  # (a field a paste was refused at waits)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is dialog
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert not failed, "\n".join(failed)
    assert count_rows(engine, "care_batch") == 0
    assert count_rows(engine, "care_reason") == 0
    assert count_rows(engine, "care_note") == 0


async def test_care_catalogue_in_settings(db_url, engine, staff_id):
    from salontui.screens.settings.care_catalogue import CareReasonDialog
    from salontui.store.loyalty.care_catalogue import list_reasons

    def reasons():
        return [(r.care_type, r.name, r.active) for r in read(engine, list_reasons)]

    app = SalonApp(db_url, staff_id=staff_id, first_screen="search")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(app, pilot, "care_catalogue")
        assert "No care reasons yet" in plain(screen.query_one("#care_catalogue-bar"))
        for name, care_type_keys in (("Sinh nhật", ()), ("Xin lỗi", ()),
                                     ("Nhắc lịch", ("right", "right", "right"))):
            await pilot.press("a")
            await settle(pilot)
            assert isinstance(app.screen, CareReasonDialog)
            await type_text(pilot, name)
            if care_type_keys:
                await pilot.press("shift+tab", *care_type_keys)
            await pilot.press("enter")
            await settle(pilot)
        assert reasons() == [("care", "Sinh nhật", True), ("care", "Xin lỗi", True),
                             ("sms", "Nhắc lịch", True)]
        # The same name again (case and accents aside): said at the field.
        table = screen.query_one("#care_catalogue-table")
        table.move_cursor(row=0)
        await pilot.press("a")
        await settle(pilot)
        await type_text(pilot, "sinh nhat")
        await pilot.press("enter")
        await settle(pilot)
        assert "already has the reason" in app.screen.errors()["name"]
        await pilot.press("escape")
        await settle(pilot)
        # ] moves Sinh nhật down; e renames; x retires
        table.move_cursor(row=0)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert [r[1] for r in reasons()] == ["Xin lỗi", "Sinh nhật", "Nhắc lịch"]
        assert table_rows(screen, "#care_catalogue-table")[1][:3] == ["Care", "2", "Sinh nhật"]
        await pilot.press("e")
        await settle(pilot)
        await pilot.press("ctrl+u")
        await type_text(pilot, "Chúc mừng sinh nhật")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert reasons()[1] == ("care", "Chúc mừng sinh nhật", False)
        assert "retired" in table_rows(screen, "#care_catalogue-table")[1][3]
        assert screen.query_one("#care_catalogue-table").cut_texts() == []
