"""The adjustment tickets at 80×24 (screens/loyalty/tickets.py and ticket.py), by keys: a
receptionist makes a ticket of two lines (one found by phone with a deduction and a new
tier, one by name with points), saves it as a draft and may not apply it alone; a manager
applies it and it turns read-only; bad input is said at its field with nothing written;
the list filters by status and shows another desk's write without a key."""

from __future__ import annotations

import time
from datetime import datetime

import pytest
from test_ui_helpers import (
    SIZE,
    count_rows,
    fill,
    make_customer,
    paste,
    plain,
    settle,
    table_rows,
)

from salontui.app import SalonApp
from salontui.store import clock
from salontui.store.db import read_session, write_session

NOW = datetime(2026, 11, 23, 2, 30)  # 09:30 in the salon


@pytest.fixture
def now():
    with clock.pinned(NOW):
        yield NOW


@pytest.fixture
def salon(engine, staff_id, now):
    from salontui.store.ledger import adjust_points
    from salontui.store.models import Tier
    from salontui.store.staff import create_staff

    huong = make_customer(engine, staff_id)
    mai = make_customer(engine, staff_id, name="Lê Thị Mai", phone="0905 123 456")
    with write_session(engine) as s:
        manager = create_staff(s, name="Lê Minh Tuấn", role="manager", staff_id=staff_id)
        desk = create_staff(s, name="Phạm Thu Trang", role="receptionist", staff_id=staff_id)
        adjust_points(s, staff_id=staff_id, customer_id=mai.id, amount=300,
                      reason="Khách quen")
        s.add(Tier(name="Silver", position=1, min_spend=5_000_000, created_at=NOW))
        s.add(Tier(name="Gold", position=2, min_spend=20_000_000, created_at=NOW))
    return {"huong": huong, "mai": mai, "manager": manager, "desk": desk}


def written(engine) -> tuple[int, int, int]:
    return (count_rows(engine, "adjustment_ticket"), count_rows(engine, "ledger_entry"),
            count_rows(engine, "tier_event"))


async def open_list(app, pilot):
    from salontui.screens.loyalty.tickets import TicketListScreen

    await settle(pilot, rounds=4)
    assert app.engine is not None, app.status
    app.push_screen(TicketListScreen())
    await settle(pilot)
    assert isinstance(app.screen, TicketListScreen)
    return app.screen


async def add_line(pilot, find: str, points: str, tier_letter: str = "") -> None:
    from salontui.screens.loyalty.ticket import TicketLineDialog

    await pilot.press("f3")
    await settle(pilot)
    assert isinstance(pilot.app.screen, TicketLineDialog)
    await pilot.press(*find)
    await settle(pilot)
    await pilot.press("enter")  # takes the customer found, goes to the points
    await pilot.press(*points)
    if tier_letter:
        await pilot.press("tab", tier_letter)
    await pilot.press("enter")
    await settle(pilot)


async def test_a_ticket_of_two_lines_made_saved_refused_then_applied_by_keys(
        db_url, engine, salon):
    from salontui.screens.dialogs.confirm import ConfirmDialog
    from salontui.screens.dialogs.manager_approval import ManagerApprovalDialog
    from salontui.screens.loyalty.ticket import TicketScreen
    from salontui.store.ledger import points_balance
    from salontui.store.loyalty.tickets import list_tickets

    desk, manager = salon["desk"], salon["manager"]
    app = SalonApp(db_url, staff_id=desk.id, first_screen="search")
    async with app.run_test(size=SIZE) as pilot:
        listing = await open_list(app, pilot)
        assert "Adjustment tickets: 0" in plain(listing.query_one("#tickets-head"))
        assert "No tickets here" in plain(listing.query_one("#tickets-hint"))
        await pilot.press("a")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TicketScreen)
        assert screen.focused.id == "ticket-note"
        await pilot.press(*"Doi soat", "enter", *"VIP")
        await add_line(pilot, "0905", "-100", "g")  # Lê Thị Mai by phone: Gold
        await add_line(pilot, "huong", "500")
        assert app.screen is screen
        rows = table_rows(screen, "#ticket-lines")
        assert rows == [["KH000002", "Lê Thị Mai", "0905 123 456", "-100", "Gold", "300"],
                        ["KH000001", "Nguyễn Thị Hương", "0935 320 888", "+500", "", "0"]]
        assert "not saved" in plain(screen.query_one("#ticket-head"))
        assert "2 lines" in plain(screen.query_one("#ticket-lines-head"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert plain(screen.query_one("#ticket-head")).startswith("DC000001 · Waiting")
        with read_session(engine) as s:
            (row,) = list_tickets(s).rows
        assert (row.code, row.status, row.note, row.tags, row.lines) == (
            "DC000001", "waiting", "Doi soat", ("VIP",), 2)

        # A receptionist may not apply alone: once confirmed, a manager's approval is asked
        # (nobody here has a PIN yet: said so); Esc leaves it refused, nothing written.
        before = written(engine)
        await pilot.press("f10")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await settle(pilot)
        approval = app.screen
        assert isinstance(approval, ManagerApprovalDialog)
        assert "Nobody can approve" in approval.errors()["approver"]
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert "needs a manager" in screen.errors()[""]
        assert written(engine) == before

        # The manager applies it: asked first, then read-only.
        from salontui.store.staff import get_staff

        with read_session(engine) as s:
            app.sign_in(get_staff(s, manager.id))
        await pilot.press("f10")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        assert "Apply DC000001 (2 lines)?" in plain(app.screen.query_one("#question"))
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        head = plain(screen.query_one("#ticket-head"))
        assert "Applied" in head and "applied by Lê Minh Tuấn" in head
        assert "read-only" in plain(screen.query_one("#ticket-hint"))
        assert screen.query_one("#ticket-note").disabled
        with read_session(engine) as s:
            assert points_balance(s, customer_id=salon["mai"].id) == 200
            assert points_balance(s, customer_id=salon["huong"].id) == 500
        before = written(engine)
        await pilot.press("f10", "f3", "f8", "ctrl+s")  # nothing to do on an applied ticket
        await settle(pilot)
        assert app.screen is screen and written(engine) == before
        names = [name for name, _help, _run in screen.palette_commands()]
        assert names == ["Close the ticket"]
        assert screen.query_one("#ticket-lines").region.right <= SIZE[0]

        # Back in the list: the applied ticket, by status.
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is listing
        rows = table_rows(listing, "#tickets-table")
        assert rows[0][:5] == ["DC000001", "23/11/2026", "Applied", "2", "VIP"]
        assert "1 Waiting 0" in plain(listing.query_one("#tickets-tabs"))
        await pilot.press("1")
        await settle(pilot)
        assert table_rows(listing, "#tickets-table") == []
        await pilot.press("0")
        await settle(pilot)
        assert len(table_rows(listing, "#tickets-table")) == 1
        names = [name for name, _help, _run in listing.palette_commands()]
        assert "New adjustment ticket" in names and "Show tickets: Waiting" in names
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TicketScreen) and app.screen.ticket_id == row.id


async def test_bad_input_is_said_at_its_field_and_nothing_is_written(db_url, engine, salon):
    from salontui.screens.loyalty.ticket import TicketLineDialog
    from salontui.screens.loyalty.tickets import TicketFilterDialog

    app = SalonApp(db_url, staff_id=salon["desk"].id, first_screen="search")
    async with app.run_test(size=SIZE) as pilot:
        listing = await open_list(app, pilot)
        await pilot.press("a")
        await settle(pilot)
        screen = app.screen
        before = written(engine)
        # No line.
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Add at least one line" in screen.errors()[""]
        # A line: nobody found, then no change, then not a number.
        await pilot.press("f3")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, TicketLineDialog)
        await pilot.press("z")
        await settle(pilot)
        assert "Nobody found" in plain(dialog.query_one("#customer-chosen"))
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert "Find the customer" in dialog.errors()["customer"]
        dialog.query_one("#customer").value = ""
        await pilot.press(*"0905")
        await settle(pilot)
        assert "300 points now" in plain(dialog.query_one("#customer-chosen"))
        await pilot.press("enter", "enter")
        await settle(pilot)
        assert "points, a new tier, or both" in dialog.errors()["points"]
        await pilot.press(*"abc", "enter")
        await settle(pilot)
        assert "not an amount" in dialog.errors()["points"]
        dialog.query_one("#points").value = "-400"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen  # a deduction below zero waits for the apply to refuse
        assert "below zero" in plain(screen.query_one("#ticket-line-detail"))
        # The same customer twice is refused in the dialog.
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press(*"0905")
        await settle(pilot)
        await pilot.press("enter", "5", "enter")
        await settle(pilot)
        assert "already on this ticket" in app.screen.errors()["customer"]
        await pilot.press("escape")
        await settle(pilot)
        # A tag too long; a note pasted too long.
        await pilot.click("#ticket-tags")
        screen.query_one("#ticket-tags").value = "VIP, " + "t" * 31
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "longer than 30 characters" in screen.errors()["tags"]
        screen.query_one("#ticket-tags").value = "VIP"
        screen.query_one("#ticket-note").focus()
        await paste(pilot, "x" * 600)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "too long" in screen.errors()["note"]
        assert written(engine) == before
        # Escape asks first when something is not saved.
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is listing
        # The filter: a last day before the first, said at it.
        await pilot.press("f")
        await settle(pilot)
        assert isinstance(app.screen, TicketFilterDialog)
        await fill(pilot, "date-from", "23/11/2026")
        await fill(pilot, "date-to", "22/11/2026")
        await pilot.press("enter")
        await settle(pilot)
        assert "before the first" in app.screen.errors()["date_to"]
        app.screen.query_one("#date-to").value = "24/11/2026"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is listing
        assert "23/11/2026–24/11/2026" in plain(listing.query_one("#tickets-head"))

        # Another desk's ticket shows here without a key.
        from salontui.store.loyalty.tickets import TicketLineIn, create_ticket

        with write_session(engine) as s:
            create_ticket(s, staff_id=salon["manager"].id, tags="Tết",
                          lines=[TicketLineIn(salon["huong"].id, points=50)])
        deadline = time.monotonic() + 3
        while not table_rows(listing, "#tickets-table") and time.monotonic() < deadline:
            await pilot.pause(0.1)
            await settle(pilot)
        assert table_rows(listing, "#tickets-table")[0][0] == "DC000001"

        # Open it; another desk applies it meanwhile: shown applied, read-only, unasked.
        from salontui.screens.loyalty.ticket import TicketScreen
        from salontui.store.loyalty.tickets import apply_ticket

        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TicketScreen)
        assert plain(screen.query_one("#ticket-head")).startswith("DC000001 · Waiting")
        with write_session(engine) as s:
            apply_ticket(s, staff_id=salon["manager"].id, ticket_id=screen.ticket_id)
        deadline = time.monotonic() + 3
        while screen.editable and time.monotonic() < deadline:
            await pilot.pause(0.1)
            await settle(pilot)
        assert "applied by Lê Minh Tuấn" in plain(screen.query_one("#ticket-head"))
        assert "read-only" in plain(screen.query_one("#ticket-hint"))
