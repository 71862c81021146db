"""Snapshots of the desk at 80×24 with fixed data and a pinned clock.

Update after an intended change of the layout: ``pytest tests/test_ui_snapshots.py
--snapshot-update``, then look at the SVGs in tests/__snapshots__/ before committing.
"""

from __future__ import annotations

import pytest
from test_ui_helpers import SIZE, build_world, make_customer, settle

from salontui.app import SalonApp


@pytest.fixture
def world(engine, staff_id, fixed_now):
    world = build_world(engine, staff_id)
    make_customer(engine, staff_id, name="Đặng Văn Lâm", phone="0912 345 678")
    make_customer(engine, staff_id, name="Lê [VIP] Lan", phone="0903 999 000")
    return world


def test_search_screen(snap_compare, db_url, staff_id, world):
    async def ready(pilot):
        await settle(pilot, rounds=4)

    assert snap_compare(SalonApp(db_url, staff_id=staff_id), terminal_size=SIZE,
                        run_before=ready)


def test_detail_screen(snap_compare, db_url, staff_id, world):
    async def open_customer(pilot):
        await settle(pilot, rounds=4)
        pilot.app.screen.open_customer(world["customer"].id)
        await settle(pilot, rounds=3)

    assert snap_compare(SalonApp(db_url, staff_id=staff_id), terminal_size=SIZE,
                        run_before=open_customer)


def test_reserve_dialog(snap_compare, db_url, staff_id, world):
    async def reserve(pilot):
        await settle(pilot, rounds=4)
        pilot.app.screen.open_customer(world["customer"].id)
        await settle(pilot, rounds=3)
        table = pilot.app.screen.query_one("#packages-table")
        table.select_key(str(world["count"].id))
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("1", "4", "tab", "tab", *"Travelling")
        await settle(pilot)

    assert snap_compare(SalonApp(db_url, staff_id=staff_id), terminal_size=SIZE,
                        run_before=reserve)
