"""DeskTable formats only what it draws: a cell may be a function, called when its row is
first drawn or read (fifty search results cost the twenty on screen)."""

from __future__ import annotations

import pytest
from textual.app import App

from salontui.widgets.tables import Cell, Col, DeskTable


class OneTable(App):
    def compose(self):
        yield DeskTable([Col("code", "Code", 8), Col("phone", "Phone", None)], id="t")


async def test_lazy_cells_are_formatted_only_for_rows_drawn_or_read():
    called: list[int] = []

    def phone(i: int):
        def format_it():
            called.append(i)
            return Cell(f"0935 320 {i:03d}", "bold")
        return format_it

    app = OneTable()
    async with app.run_test(size=(40, 12)) as pilot:
        table = app.query_one(DeskTable)
        table.set_rows((i, [f"KH{i:06d}", phone(i)]) for i in range(50))
        await pilot.pause()
        drawn = set(called)
        assert drawn and max(drawn) < 12  # the rows on screen, not the fifty
        assert table.row_texts(40) == ["KH000040", "0935 320 040"]
        assert 40 in called
        count = len(called)
        await pilot.press("down")
        await pilot.pause()
        table.row_texts(40)
        assert len(called) == count  # a row is formatted once, then kept


def drawn(table) -> list[str]:
    """The lines the table draws, as the terminal shows them."""
    from textual.geometry import Region

    lines = table.render_lines(Region(0, 0, table.size.width, table.size.height))
    return [line.text.replace("\xa0", " ") for line in lines]


@pytest.mark.parametrize("size", [(120, 24), (80, 24)])
async def test_columns_follow_the_data_a_millionth_customer_and_100000_points(
        db_url, engine, staff_id, fixed_now, size):
    """At 1,000,000 customers the code has 7 digits and a loyal customer 100.000 points:
    neither is cut to "KH10000…" or "100.0…", at 120 columns or at 80."""
    from test_ui_helpers import give_points, make_customer, settle, start, type_text

    from salontui.app import SalonApp
    from salontui.store.codes import set_counter
    from salontui.store.db import write_session

    with write_session(engine) as s:
        set_counter(s, "customer", 999_999)
    big = make_customer(engine, staff_id, name="Võ Thị Loan", phone="0905 123 456")
    give_points(engine, staff_id, big.id, 100_000)
    assert big.code == "KH1000000"
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=size) as pilot:
        await start(app, pilot)
        await type_text(pilot, "loan")
        await settle(pilot)
        await pilot.pause()
        lines = drawn(app.screen.query_one("#results", DeskTable))
    row = next(line for line in lines if "Loan" in line)
    assert "KH1000000 " in row and " 100.000 " in row, lines
    assert "…" not in row
    assert "Võ Thị Loan" in row  # the name still shows whole
