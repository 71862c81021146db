"""The reminders screen at 80×24 (screens/day/reminders.py): each kind listed with its
customer, phone, what and when, one kind at a time by its key; Enter opens the customer;
``d`` with a note marks one done (a care note of the type chosen) and it leaves the list;
a paste-sized note is answered at its field and a reminder another desk did meanwhile is
said in the dialog, nothing written either way; another desk's write shows without a
key."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta

import pytest
from test_ui_helpers import SIZE, count_rows, make_customer, paste, read, settle, table_rows

from salontui.app import SalonApp
from salontui.store import clock
from salontui.store.db import write_session

NOW = datetime(2026, 11, 23, 2, 0)  # a Monday, 09:00 in the salon (UTC+7)
DAY = date(2026, 11, 23)


@pytest.fixture
def now():
    with clock.pinned(NOW):
        yield NOW


@pytest.fixture
def due(engine, staff_id, now):
    """One reminder of each kind: a callback overdue since Friday, a birthday on Thursday,
    a package expiring on Saturday, a debt."""
    from salontui.store.ledger import post_entry
    from salontui.store.models import Appointment
    from salontui.store.packages import sell_package

    called = make_customer(engine, staff_id)
    born = make_customer(engine, staff_id, name="Lê Thị Mai", phone="0905 123 456",
                         birthday=date(1990, 11, 26))
    holder = make_customer(engine, staff_id, name="Phạm Văn Đức", phone="0913 222 333")
    owes = make_customer(engine, staff_id, name="Đặng Văn Lâm", phone="0912 345 678")
    with write_session(engine) as s:
        visit = Appointment(customer_id=called.id, starts_at=datetime(2026, 11, 6, 3, 0),
                            status="paid", next_step="callback",
                            next_reminder_at=datetime(2026, 11, 20, 2, 0),
                            next_focus="Hỏi về màu nhuộm", created_at=NOW)
        s.add(visit)
        sell_package(s, staff_id=staff_id, customer_id=holder.id, name="Gội đầu 10 buổi",
                     kind="count", price=1_000_000, total_uses=10, used=6,
                     purchased_on=DAY - timedelta(days=100),
                     activated_on=DAY - timedelta(days=100),
                     expires_on=DAY + timedelta(days=5))
        post_entry(s, customer_id=owes.id, account="debt", amount=250_000, kind="charge",
                   operator_id=staff_id)
    return {"callback": called, "birthday": born, "expiry": holder, "debt": owes}


async def open_reminders(app, pilot):
    from salontui.screens.day.reminders import RemindersScreen

    await settle(pilot, rounds=4)
    assert app.engine is not None, app.status
    app.push_screen(RemindersScreen())
    await settle(pilot)
    assert isinstance(app.screen, RemindersScreen)
    return app.screen


async def select(pilot, screen, kind: str) -> None:
    table = screen.query_one("#reminders-table")
    for index, row in enumerate(screen.shown):
        if row.kind == kind:
            table.move_cursor(row=index)
            await pilot.pause()
            return
    raise AssertionError(f"no {kind} reminder")


def written(engine) -> tuple[int, int]:
    return count_rows(engine, "care_note"), count_rows(engine, "reminder_done")


async def test_each_kind_listed_enter_opens_the_customer(db_url, staff_id, due):
    from salontui.screens.detail import CustomerDetailScreen

    app = SalonApp(db_url, staff_id=staff_id, first_screen="search")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reminders(app, pilot)
        rows = table_rows(screen, "#reminders-table")
        assert [row[0] for row in rows] == ["Call back", "Birthday", "Expiring", "Debt"]
        assert rows[0][1:] == ["Nguyễn Thị Hương", "0935 320 888", "Hỏi về màu nhuộm",
                               "20/11/2026"]
        assert rows[1][1:] == ["Lê Thị Mai", "0905 123 456", "Birthday: turns 36",
                               "26/11/2026"]
        assert rows[2][2:] == ["0913 222 333", "Gội đầu 10 buổi: 4 sessions left",
                               "28/11/2026"]
        assert rows[3][3] == "Owes 250.000 ₫"
        head = str(screen.query_one("#reminders-head").render())
        assert "Reminders due 23/11/2026: 4" in head
        tabs = str(screen.query_one("#reminders-tabs").render())
        assert "1 Call back 1" in tabs and "0 All 4" in tabs
        await pilot.press("4")  # debts only
        assert [row[0] for row in table_rows(screen, "#reminders-table")] == ["Debt"]
        await pilot.press("2")
        assert [row[1] for row in table_rows(screen, "#reminders-table")] == ["Lê Thị Mai"]
        await pilot.press("0")
        assert len(table_rows(screen, "#reminders-table")) == 4
        names = [name for name, _help, _run in screen.palette_commands()]
        assert "Mark the reminder done" in names and "Show reminders: Debt" in names
        await select(pilot, screen, "birthday")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CustomerDetailScreen)
        assert app.screen.customer_id == due["birthday"].id
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        # Every line of the screen fits 80 columns: nothing cut but the flexible columns.
        assert screen.query_one("#reminders-table").region.right <= SIZE[0]


async def test_done_with_a_note_leaves_the_list_and_bad_input_is_said(db_url, engine,
                                                                      staff_id, due):
    from salontui.screens.day.reminders import ReminderDoneDialog

    app = SalonApp(db_url, staff_id=staff_id, first_screen="search")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_reminders(app, pilot)
        await select(pilot, screen, "callback")
        await pilot.press("d")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ReminderDoneDialog)
        assert dialog.focused.id == "done-note"
        await pilot.press(*"Hen thu Bay")
        await pilot.press("tab", "s")  # done by SMS
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert [row.kind for row in screen.shown] == ["birthday", "expiry", "debt"]
        from salontui.store.care import list_care_notes

        (note,) = read(engine, lambda s: list_care_notes(s, customer_id=due["callback"].id))
        assert (note.type, note.title, note.description) == (
            "sms", "Call back: Hỏi về màu nhuộm", "Hen thu Bay")

        # A paste of 10,000 characters into the note: said at the field, nothing written.
        await select(pilot, screen, "debt")
        await pilot.press("d")
        await settle(pilot)
        dialog = app.screen
        before = written(engine)
        await paste(pilot, "x" * 10_000)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog
        assert "too long" in dialog.errors().get("note", "")
        assert written(engine) == before
        # Another desk marks it done meanwhile: said in the dialog, nothing written here.
        from salontui.store.day.reminders import mark_reminder_done

        row = dialog.reminder
        with write_session(engine) as s:
            mark_reminder_done(s, staff_id=staff_id, kind=row.kind, subject=row.subject,
                               customer_id=row.customer_id, care_type="call",
                               note="Đã gọi từ quầy 2")
        before = written(engine)
        dialog.query_one("#done-note").value = "Hứa trả tuần sau"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog
        assert "already done" in dialog.errors().get("", "")
        assert written(engine) == before
        await pilot.press("escape")
        await settle(pilot)
        # The other desk's write shows here without a key pressed.
        deadline = time.monotonic() + 3
        while any(r.kind == "debt" for r in screen.shown) and time.monotonic() < deadline:
            await pilot.pause(0.1)
            await settle(pilot)
        assert [row.kind for row in screen.shown] == ["birthday", "expiry"]
        assert "0 All 2" in str(screen.query_one("#reminders-tabs").render())
