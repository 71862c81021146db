"""DeskTable formats only what it draws: a cell may be a function, called when its row is
first drawn or read (fifty search results cost the twenty on screen)."""

from __future__ import annotations

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
