"""Every screen and the main dialogs, as a receptionist sees them, at 80×24 and 120×40.

Fixed data (``build_world``) and a pinned clock, so a snapshot changes only when what is
drawn changes: the proof that moving code between modules changed nothing on screen.
After an intended change of a layout: ``pytest tests/test_ui_screens_snapshots.py
--snapshot-update``, then look at the SVGs in tests/__snapshots__/ before committing.
"""

from __future__ import annotations

from functools import partial

import pytest
from test_ui_helpers import make_customer, settle, world_copy, world_file

from salontui.app import SalonApp

SIZES = {"80x24": (80, 24), "120x40": (120, 40)}


def _second_customer(engine, staff_id) -> None:
    make_customer(engine, staff_id, name="Đặng Văn Lâm", phone="0912 345 678")


@pytest.fixture(scope="module")
def snapshot_world(tmp_path_factory):
    """``build_world`` and a second customer, built once for the module's 70 cases (the
    same rows, ids and times as built per case: the owner first, the clock pinned)."""
    return world_file(tmp_path_factory, more=_second_customer)


@pytest.fixture
def world(snapshot_world, db_url, fixed_now):
    return world_copy(snapshot_world, db_url)


@pytest.fixture
def staff_id(world):
    return world["staff_id"]


async def _detail(pilot, world, *keys: str, package: str | None = None) -> None:
    """Open the customer, optionally put the cursor on a package, then press ``keys``."""
    await settle(pilot, rounds=4)
    pilot.app.screen.open_customer(world["customer"].id)
    await settle(pilot, rounds=3)
    if package:
        pilot.app.screen.query_one("#packages-table").select_key(str(world[package].id))
        await settle(pilot)  # the footer's keys follow the package before the next key
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


async def _detail_tab(pilot, world, *, tab: str) -> None:
    await _detail(pilot, world, tab)


async def _search(pilot, world, *keys: str) -> None:
    await settle(pilot, rounds=4)
    for key in keys:
        await pilot.press(key)
        await settle(pilot)


# (name, steps): what a receptionist does to get there.
VIEWS = {
    "search": lambda p, w: _search(p, w),
    "new_customer": lambda p, w: _search(p, w, "f3"),
    "find_invoice": lambda p, w: _search(p, w, "f9"),
    "held_checkouts": lambda p, w: _search(p, w, "f7"),
    "day_close": lambda p, w: _search(p, w, "f8"),
    "help": lambda p, w: _search(p, w, "f1"),
    "walk_in_checkout": lambda p, w: _search(p, w, "f6"),
    **{f"detail_tab{tab}": partial(_detail_tab, tab=tab) for tab in "123456789"},
    "package_history": lambda p, w: _detail(p, w, "h", package="count"),
    "extend_package": lambda p, w: _detail(p, w, "x", package="count"),
    "resume_package": lambda p, w: _detail(p, w, "u", package="frozen"),
    "adjust_package": lambda p, w: _detail(p, w, "a", package="count"),
    "adjust_points": lambda p, w: _detail(p, w, "5", "p"),
    "care_note": lambda p, w: _detail(p, w, "8", "c"),
    "give_promotion": lambda p, w: _detail(p, w, "9", "g"),
    "invoice": lambda p, w: _detail(p, w, "3", "enter"),
    "refund": lambda p, w: _detail(p, w, "3", "enter", "r"),
    "card_history": lambda p, w: _detail(p, w, "v"),
    "edit_customer": lambda p, w: _detail(p, w, "e"),
    "delete_customer": lambda p, w: _detail(p, w, "ctrl+d"),
    "checkout": lambda p, w: _detail(p, w, "o"),
    "book_visit": lambda p, w: _detail(p, w, "b"),
    # The day: the board (its visit at the cashier selected), a visit, the reminders, the
    # appointment book and a staff member's working days.
    "today": lambda p, w: _search(p, w, "ctrl+t"),
    "today_visit": lambda p, w: _search(p, w, "ctrl+t", "v"),
    "reminders": lambda p, w: _search(p, w, "ctrl+t", "R"),
    "appointment_book": lambda p, w: _search(p, w, "ctrl+o"),
    "work_days": lambda p, w: _search(p, w, "ctrl+o", "w"),
}


@pytest.mark.parametrize("size", list(SIZES))
@pytest.mark.parametrize("view", list(VIEWS))
def test_view(snap_compare, fixed_now, db_url, staff_id, world, view, size):
    """The clock is pinned before anything is written (the staff member included), so
    every row, and the books' seal on the day close, is the same on every run."""
    async def steps(pilot):
        await VIEWS[view](pilot, world)

    assert snap_compare(SalonApp(db_url, staff_id=staff_id), terminal_size=SIZES[size],
                        run_before=steps)
