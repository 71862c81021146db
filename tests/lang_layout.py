"""Run by tests/test_lang_layout.py in a fresh interpreter (the language is chosen when the
screens are imported): open the desk in $SALONTUI_LANG at 80×24 and at 120×40 on a demo
salon, visit the search list, every tab of a busy customer, the checkout and the day close,
and print as JSON what any table cuts short there."""

from __future__ import annotations

import asyncio
import json
import sys


async def visit(db_url: str, customer_id: int, size: tuple[int, int]) -> dict[str, list[str]]:
    from test_ui_helpers import settle

    from salontui.app import SalonApp
    from salontui.widgets.tables import DeskTable

    found: dict[str, list[str]] = {}

    def look(where: str, app) -> None:
        cut = [text for table in app.screen.query(DeskTable) if table.region.area
               for text in table.cut_texts()]
        if cut:
            found[f"{size[0]}x{size[1]} {where}"] = cut

    app = SalonApp(db_url, staff_id=1)
    async with app.run_test(size=size) as pilot:
        await settle(pilot, rounds=8)
        look("search", app)
        app.screen.open_customer(customer_id)
        await settle(pilot, rounds=8)
        for tab in "123456789":
            await pilot.press(tab)
            await settle(pilot, rounds=6)
            look(f"detail tab {tab}", app)
        await pilot.press("v")  # the card history (a dialog over the detail)
        await settle(pilot, rounds=6)
        look("card history", app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot, rounds=6)
        look("checkout", app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f8")
        await settle(pilot, rounds=6)
        look("day close", app)
    return found


def main() -> None:
    from textual import _wait

    # The Pilot's idle waits in 10 ms slices, as in the suite (tests/conftest.py).
    _wait.SLEEP_GRANULARITY = 0.01
    _wait.SLEEP_IDLE = _wait.SLEEP_GRANULARITY / 20
    db_url, customer_id = sys.argv[1], int(sys.argv[2])
    found: dict[str, list[str]] = {}
    for size in ((80, 24), (120, 40)):
        found.update(asyncio.run(visit(db_url, customer_id, size)))
    print(json.dumps(found, ensure_ascii=False))


if __name__ == "__main__":
    main()
