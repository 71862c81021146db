"""The import dialog of the customer list at 80×24 (screens/loyalty/import_dialog.py): ``i``
opens it; a path that is no file, or a file that is no spreadsheet, is said at the path
and nothing is written; Enter checks the file and shows what it would do and every error
by row and column; with rows in error, importing asks to skip them first; then the import
runs with its progress bar, says what it wrote, and the list reads again."""

from __future__ import annotations

from datetime import datetime

import pytest
from openpyxl import Workbook
from test_ui_helpers import (
    SIZE,
    count_rows,
    fill,
    make_customer,
    paste,
    plain,
    settle,
    start,
    table_rows,
)

from salontui.app import SalonApp
from salontui.store import clock

NOW = datetime(2026, 11, 23, 2, 0)


@pytest.fixture
def now():
    with clock.pinned(NOW):
        yield NOW


async def test_check_then_import_and_a_bad_path_at_its_field(db_url, engine, staff_id, now,
                                                            tmp_path):
    from salontui.screens.loyalty.customers import CustomerListScreen
    from salontui.screens.loyalty.import_dialog import ImportDialog

    make_customer(engine, staff_id)
    book = Workbook()
    sheet = book.active
    sheet.title = "customers"
    for row in (["Họ tên", "Số điện thoại", "Điểm tích lũy"],
                ["Trần Văn Bình", "0935 111 222", 100],
                ["Sai", "123", "x"],
                ["Lê Thị Hoa", "0935 111 223", 50]):
        sheet.append(row)
    good = tmp_path / "khach.xlsx"
    book.save(good)
    (tmp_path / "note.txt").write_text("not a sheet at all", encoding="utf-8")
    app = SalonApp(db_url, staff_id=staff_id, first_screen="search")
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        screen = CustomerListScreen()
        app.push_screen(screen)
        await settle(pilot)
        assert plain(screen.query_one("#list-head")).startswith("1 of 1")
        await pilot.press("i")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ImportDialog)
        audits = count_rows(engine)
        dialog.query_one("#path").focus()
        await paste(pilot, "/tmp/" + "x" * 10_000)  # a pasted page: refused, not cut
        await pilot.press("enter")
        await settle(pilot)
        assert "characters" in dialog.errors()["path"]
        for path, message in ((tmp_path / "none.xlsx", "There is no file none.xlsx."),
                              (tmp_path / "note.txt", "has a header this import knows")):
            await fill(pilot, "path", str(path))
            await pilot.press("enter")
            await settle(pilot)
            assert message in dialog.errors()["path"]
        await fill(pilot, "path", "")
        await pilot.press("enter")
        await settle(pilot)
        assert dialog.errors() == {"path": "Give the file to import (.xlsx or .csv)."}
        assert count_rows(engine) == audits  # nothing written
        # the check: what it would do, the errors by row and column
        await fill(pilot, "path", str(good))
        await pilot.press("enter")
        await settle(pilot)
        summary = plain(dialog.query_one("#import-summary"))
        assert "create 2, update 0, no change 0, in error 1" in summary
        assert table_rows(dialog, "#import-errors") == [
            ["customers", "3", "Số điện thoại", "'123' is not a valid phone number."],
            ["customers", "3", "Điểm tích lũy", "'x' is not a whole number."]]
        await pilot.press("enter")  # rows in error: skip them first
        await settle(pilot)
        assert "1 row is in error" in dialog.errors()["skip"]
        assert count_rows(engine) == audits
        await pilot.press("right")  # (the focus is on the choice) skip them
        await pilot.press("enter")
        await settle(pilot)
        for _ in range(20):
            if not dialog.running:
                break
            await settle(pilot)
        assert dialog.report is not None and dialog.report.written
        assert plain(dialog.query_one("#import-summary")).startswith("Imported khach.xlsx.")
        await pilot.press("enter")  # closes; the list reads again
        await settle(pilot)
        assert app.screen is screen
        assert plain(screen.query_one("#list-head")).startswith("3 of 3")
        names = [r[2] for r in table_rows(screen, "#list-table")]
        assert "Trần Văn Bình" in names and "Sai" not in names
