"""e on the customer list at 80×24 (screens/dialogs/export_file.py): the customers the filter
matches written to the file named (a default in the home folder with today's date), with
"N customers written to FILE"; a bad path refused at the field with nothing written; Esc
closes without a file."""

from __future__ import annotations

from datetime import date, datetime

import openpyxl
import pytest
from test_ui_helpers import SIZE, fill, make_customer, paste, plain, settle, start

from salontui.app import SalonApp
from salontui.store import clock

NOW = datetime(2026, 11, 23, 2, 0)  # 09:00 at the salon (UTC+7)


@pytest.fixture
def home(tmp_path, monkeypatch):
    folder = tmp_path / "home"
    folder.mkdir()
    monkeypatch.setenv("HOME", str(folder))
    return folder


async def test_e_exports_the_filtered_list(db_url, engine, staff_id, home, tmp_path):
    from salontui.screens.dialogs.export_file import ExportMembersDialog
    from salontui.screens.loyalty.customers import CustomerListScreen
    from salontui.store.loyalty.customer_list import CustomerFilter

    with clock.pinned(NOW):
        for name, phone, month in (("Nguyễn Thị Lan", "0935 400 001", 3),
                                   ("Trần Thị Mai", "0935 400 002", 6),
                                   ("Lê Thị Hoa", "0935 400 003", 3)):
            make_customer(engine, staff_id, name=name, phone=phone,
                          birthday=date(1990, month, 10))
    out = tmp_path / "out"
    out.mkdir()
    app = SalonApp(db_url, staff_id=staff_id, first_screen="search")
    with clock.pinned(NOW):
        async with app.run_test(size=SIZE) as pilot:
            await start(app, pilot)
            screen = CustomerListScreen()
            app.push_screen(screen)
            await settle(pilot)
            screen.set_filter(CustomerFilter(birthday_month=3))
            await settle(pilot)
            await pilot.press("e")
            await settle(pilot)
            dialog = app.screen
            assert isinstance(dialog, ExportMembersDialog)
            assert dialog.field("path").value == str(home / "customers-2026-11-23.xlsx")
            assert plain(dialog.query_one(".intro")) == "2 customers · Filter: born in March"
            assert "Export (Enter)" in str(dialog.query_one("#confirm").label)
            # Bad paths: refused at the field, nothing written, the dialog stays.
            for path, said in ((out / "list.pdf", "ending in .xlsx or .csv"),
                               (out / "nowhere" / "list.xlsx", "does not exist"),
                               (out, "is a folder")):
                await fill(pilot, "path", str(path))
                await pilot.press("enter")
                await settle(pilot)
                assert app.screen is dialog
                assert said in dialog.errors()["path"], dialog.errors()
            # A page pasted: refused at the field, not cut.
            await fill(pilot, "path", "")
            await paste(pilot, "x" * 10_000)
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen is dialog and "path" in dialog.errors()
            assert list(out.iterdir()) == []
            # A good one: written, and said.
            target = out / "march.xlsx"
            await fill(pilot, "path", str(target))
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen is screen
            said = [n.message for n in app._notifications]
            assert f"2 customers written to {target}" in said
            # Esc closes the next one without a file.
            await pilot.press("e")
            await settle(pilot)
            assert isinstance(app.screen, ExportMembersDialog)
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is screen
    rows = list(openpyxl.load_workbook(target).worksheets[0].values)
    assert [r[1] for r in rows[1:]] == ["Nguyễn Thị Lan", "Lê Thị Hoa"]
    assert list(home.iterdir()) == []
