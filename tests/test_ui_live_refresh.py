"""Two desks on one database file: what one desk writes shows on the other within a second,
without a key pressed (store/changes.py, the detail's and the search's data_version)."""

from __future__ import annotations

import time

import pytest
from test_ui_helpers import (
    SIZE,
    add_note,
    fill,
    give_points,
    make_customer,
    make_service,
    open_detail,
    pay_service,
    plain,
    settle,
    start,
    table_rows,
)
from textual.screen import Screen

from salontui.app import SalonApp
from salontui.screens.detail import CustomerDetailScreen
from salontui.screens.dialogs.adjust_points import AdjustPointsDialog
from salontui.store.customers import update_customer
from salontui.store.db import write_session
from salontui.widgets.header_card import HeaderCard
from salontui.widgets.tables import DeskTable

LIVE = 1.0  # the promise: another desk's change is on screen within this many seconds
PATIENCE = 3.0  # how long a test waits for it before it fails


@pytest.fixture
def hương(engine, staff_id):
    return make_customer(engine, staff_id)


@pytest.fixture
def lâm(engine, staff_id):
    return make_customer(engine, staff_id, name="Đặng Văn Lâm", phone="0912 345 678")


@pytest.fixture
def desks(db_url, staff_id, hương, lâm):
    """Two desks on the same salon file."""
    return SalonApp(db_url, staff_id=staff_id), SalonApp(db_url, staff_id=staff_id)


def at(desk: SalonApp):
    """Run the test's own calls into a desk as that desk: Textual finds "the app" of a
    widget from the caller's context, which two desks in one test share."""
    return desk._context()


async def shown_within(pilots, check, what: str) -> float:
    """Wait (no key pressed) until ``check()`` holds on screen; how long it took."""
    began = time.monotonic()
    while True:
        if check():
            return time.monotonic() - began
        if time.monotonic() - began > PATIENCE:
            raise AssertionError(f"{what}: not shown after {PATIENCE} s")
        for pilot in pilots:
            await pilot.pause(0.02)


def card(screen) -> str:
    return plain(screen.query_one("#card"))


def search_row(app, code: str) -> list[str]:
    return next(r for r in table_rows(app.screen, "#results") if r[0] == code)


async def test_points_added_elsewhere_show_on_a_detail_and_a_search_list(desks, engine,
                                                                         staff_id, hương):
    desk1, desk2 = desks
    async with desk1.run_test(size=SIZE) as p1, desk2.run_test(size=SIZE) as p2:
        await start(desk1, p1)
        await start(desk2, p2)
        with at(desk1):
            detail = await open_detail(desk1, p1, hương.id)
        assert "Points 0" in card(detail)
        assert desk1.change_watcher is not None and desk1.change_watcher.running
        assert search_row(desk2, "KH000001")[4] == "0"

        committed = time.monotonic()
        give_points(engine, staff_id, hương.id, 1500)  # a third desk, through the store
        took = await shown_within([p1, p2], lambda: "Points 1.500" in card(detail)
                                  and search_row(desk2, "KH000001")[4] == "1.500",
                                  "the new balance")
        assert took < PATIENCE
        assert time.monotonic() - committed < PATIENCE


async def test_points_adjusted_in_one_desks_dialog_show_on_the_other(desks, hương):
    desk1, desk2 = desks
    async with desk1.run_test(size=SIZE) as p1, desk2.run_test(size=SIZE) as p2:
        await start(desk1, p1)
        await start(desk2, p2)
        with at(desk1):
            watching = await open_detail(desk1, p1, hương.id)
        await p1.press("5")  # the Points tab
        await settle(p1)
        assert table_rows(watching, "#points-table") == []

        with at(desk2):
            writing = await open_detail(desk2, p2, hương.id)
            await p2.press("5", "p")
            await settle(p2)
            assert isinstance(desk2.screen, AdjustPointsDialog)
            await fill(p2, "amount", "500")
            await fill(p2, "note", "Birthday gift")
            await p2.press("enter")
            await settle(p2)
        assert desk2.screen is writing and "Points 500" in card(writing)

        await shown_within([p1, p2], lambda: "Points 500" in card(watching)
                           and table_rows(watching, "#points-table")[:1] != [],
                           "the other desk's adjustment")
        assert table_rows(watching, "#points-table")[0][1:4] == [
            "Adjustment: Birthday gift", "+500", "500"]


async def test_a_care_note_and_a_checkout_show_on_the_tab_in_view(desks, engine, staff_id,
                                                                 hương):
    desk1, desk2 = desks
    item = make_service(engine, staff_id)
    async with desk1.run_test(size=SIZE) as p1, desk2.run_test(size=SIZE) as p2:
        await start(desk1, p1)
        await start(desk2, p2)
        with at(desk1):
            detail = await open_detail(desk1, p1, hương.id)
        await p1.press("8")  # Care history
        await settle(p1)
        assert table_rows(detail, "#care-table") == []

        add_note(engine, staff_id, hương.id, title="Asked for Saturday")
        await shown_within([p1, p2], lambda: [r[3] for r in table_rows(detail, "#care-table")]
                           == ["Asked for Saturday"], "the care note")

        await p1.press("3")  # Invoices
        await settle(p1)
        assert table_rows(detail, "#invoices-table") == []
        pay_service(engine, staff_id, hương.id, item, key="live-1")
        await shown_within([p1, p2], lambda: len(table_rows(detail, "#invoices-table")) == 1
                           and "Spent 150.000" in card(detail), "the checkout")
        assert detail.loaded == {"invoices"}  # the other tabs read again when shown
        await p1.press("8")
        await settle(p1)
        assert [r[3] for r in table_rows(detail, "#care-table")] == ["Asked for Saturday"]


async def test_an_edit_elsewhere_renames_the_customer_in_a_search_list(desks, engine,
                                                                       staff_id, lâm):
    desk1, desk2 = desks
    async with desk1.run_test(size=SIZE) as p1, desk2.run_test(size=SIZE) as p2:
        await start(desk1, p1)
        await start(desk2, p2)
        table = desk2.screen.query_one("#results", DeskTable)
        assert search_row(desk2, "KH000002")[1] == "Đặng Văn Lâm"
        with write_session(engine) as s:
            update_customer(s, staff_id=staff_id, customer_id=lâm.id, name="Đặng Văn Lâm Anh",
                            phone="0912 345 678")
        await shown_within([p1, p2], lambda: search_row(desk2, "KH000002")[1]
                           == "Đặng Văn Lâm Anh", "the new name")
        assert search_row(desk1, "KH000002")[1] == "Đặng Văn Lâm Anh"
        assert table.row_count == 2


async def test_a_change_about_someone_else_redraws_nothing(desks, engine, staff_id, hương,
                                                           lâm):
    desk1, desk2 = desks
    async with desk1.run_test(size=SIZE) as p1, desk2.run_test(size=SIZE) as p2:
        await start(desk1, p1)
        await start(desk2, p2)
        with at(desk1):
            detail = await open_detail(desk1, p1, hương.id)
        drawn: list[str] = []
        header = detail.query_one(HeaderCard)
        packages = detail.query_one("#packages-table", DeskTable)
        show, set_rows = header.show, packages.set_rows
        header.show = lambda *a, **k: (drawn.append("header"), show(*a, **k))  # type: ignore
        packages.set_rows = (  # type: ignore[method-assign]
            lambda *a, **k: (drawn.append("packages"), set_rows(*a, **k)))
        version = desk1.data_version

        give_points(engine, staff_id, lâm.id, 200)  # not the customer shown
        await shown_within([p1, p2], lambda: desk1.data_version > version, "the signal")
        await settle(p1)
        assert drawn == []

        give_points(engine, staff_id, hương.id, 300)
        await shown_within([p1, p2], lambda: "Points 300" in card(detail), "the new balance")
        await settle(p1)
        assert drawn == ["header"]  # the packages did not change


async def test_a_detail_covered_by_another_screen_reads_again_when_it_comes_back(
        desks, engine, staff_id, hương):
    desk1, desk2 = desks
    async with desk1.run_test(size=SIZE) as p1, desk2.run_test(size=SIZE) as p2:
        await start(desk1, p1)
        await start(desk2, p2)
        with at(desk1):
            detail = await open_detail(desk1, p1, hương.id)
        with at(desk1):
            await desk1.push_screen(Screen())  # as the checkout covers it
            await settle(p1)
        version = desk1.data_version
        give_points(engine, staff_id, hương.id, 700)
        await shown_within([p1, p2], lambda: desk1.data_version > version, "the signal")
        await settle(p1)
        assert detail.stale and "Points 0" in card(detail)
        with at(desk1):
            desk1.pop_screen()
            await settle(p1)
        assert isinstance(desk1.screen, CustomerDetailScreen)
        assert "Points 700" in card(detail) and not detail.stale


async def test_a_detail_under_a_dialog_is_updated_in_place(desks, engine, staff_id, hương):
    desk1, desk2 = desks
    async with desk1.run_test(size=SIZE) as p1, desk2.run_test(size=SIZE) as p2:
        await start(desk1, p1)
        await start(desk2, p2)
        with at(desk1):
            detail = await open_detail(desk1, p1, hương.id)
            await p1.press("f1")  # the keys' help, a dialog over the detail
            await settle(p1)
            assert desk1.screen is not detail
        give_points(engine, staff_id, hương.id, 900)
        await shown_within([p1, p2], lambda: "Points 900" in card(detail), "the new balance")
        assert not detail.stale


async def test_the_search_list_keeps_its_cursor_and_waits_while_covered(desks, engine, staff_id,
                                                                         hương, lâm):
    """A change read into the list keeps the cursor on its customer; a list covered by the
    customer detail does not read (nor redraw) until it is shown again."""
    desk1, desk2 = desks
    async with desk1.run_test(size=SIZE) as p1, desk2.run_test(size=SIZE) as p2:
        await start(desk1, p1)
        await start(desk2, p2)
        table = desk1.screen.query_one("#results", DeskTable)
        await p1.press("down")
        chosen = table.current_key
        assert chosen is not None and table.cursor_row == 1
        give_points(engine, staff_id, int(chosen), 120)
        await shown_within([p1, p2], lambda: "120" in " ".join(search_row(
            desk1, "KH000001" if int(chosen) == hương.id else "KH000002")),
            "the new points in the list")
        assert table.current_key == chosen  # still on the same customer
        search = desk1.screen
        searched: list[int] = []
        run = search.run_search
        search.run_search = lambda: (searched.append(1), run())  # type: ignore[method-assign]
        with at(desk1):
            await open_detail(desk1, p1, hương.id)
        version = desk1.data_version
        give_points(engine, staff_id, lâm.id, 10)
        await shown_within([p1, p2], lambda: desk1.data_version > version, "the signal")
        await settle(p1)
        assert searched == []  # covered by the detail: nothing read, nothing drawn
        assert search.stale
