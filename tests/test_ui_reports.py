"""The Reports screen at 80×24 (screens/reports.py): ctrl+r from the search opens it for an
owner (a technician is told, nothing opens); its tables, then its charts (c); another
report from the list (r); the period (p) with a bad day refused at its field and a quick
choice; the report written to a .pdf (x)."""

from __future__ import annotations

import html
from datetime import date

import pytest
from test_ui_helpers import SIZE, make_service, paste, pay_service, plain, settle, start

from salontui.app import SalonApp
from salontui.store.reports.registry import ReportKind
from salontui.store.reports.shape import Cell, Column, Report, Series, Table

asked: list[tuple[str, date, date, int | None]] = []


def on_screen(app) -> str:
    """The words on the screen (the screenshot's, its spaces plain)."""
    return html.unescape(app.export_screenshot()).replace("\xa0", " ")


def fake_builder(name: str):
    def build(session, *, date_from, date_to, branch_id=None) -> Report:
        asked.append((name, date_from, date_to, branch_id))
        table = Table(f"{name} table", (Column("Staff"), Column("Sales", Cell.MONEY)),
                      (("Nguyễn Thị Hương", 1_500_000), ("王小明", 500_000)),
                      (None, 2_000_000))
        return Report(name=name, title=f"{name.capitalize()} report", date_from=date_from,
                      date_to=date_to, branch_id=branch_id, tables=(table,),
                      charts=(Series("Revenue by staff", ("Nguyễn Thị Hương", "王小明"),
                                     (1_500_000, 500_000)),))
    return build


@pytest.fixture
def fake_reports(monkeypatch):
    """Each report made by hand: the screen is tested apart from the builders."""
    asked.clear()
    monkeypatch.setattr(ReportKind, "builder", lambda self: fake_builder(self.name))


async def test_the_reports_screen(db_url, engine, staff_id, fake_reports, tmp_path):
    from salontui.screens.dialogs.report_file import ReportFileDialog
    from salontui.screens.dialogs.report_period import ReportPeriodDialog
    from salontui.screens.dialogs.report_pick import ReportPickDialog
    from salontui.screens.loyalty.care_dialogs import CycleChoice
    from salontui.screens.reports import ReportsScreen

    app = SalonApp(db_url, staff_id=staff_id, first_screen="search")
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        today = asked[-1][2]
        assert asked[-1][:2] == ("daily", today)
        head = plain(screen.query_one("#report-head"))
        assert head == f"Daily report · {today.strftime('%d/%m/%Y')}"
        # the tables first: figures in the salon's money, the totals row
        text = on_screen(app)
        assert "1.500.000" in text and "2.000.000" in text and "Total" in text
        # c: the charts
        await pilot.press("c")
        await settle(pilot)
        text = on_screen(app)
        assert "Revenue by staff" in text and "█" in text
        # r: another report from the list
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ReportPickDialog)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert app.screen is screen and asked[-1][0] == "staff"
        assert plain(screen.query_one("#report-head")).startswith("Staff report")
        # p: a day that is no day is refused at its field; a quick choice fills both
        await pilot.press("p")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ReportPeriodDialog)
        dialog.query_one("#period-from").value = "31/13/2026"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog and "date_from" in dialog.errors()
        dialog.query_one("#period-from").value = ""
        dialog.query_one("#period-from").focus()
        await paste(pilot, "1" * 10_000)  # a page pasted: refused at its field, not frozen on
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog and "too long" in dialog.errors()["date_from"]
        dialog.query_one("#period-from").value = "02/11/2026"
        dialog.query_one("#period-to").value = "01/11/2026"
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog and "date_to" in dialog.errors()
        dialog.query_one("#period-quick", CycleChoice).value = "last_month"
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        first, last = asked[-1][1:3]
        assert first.day == 1 and last.month == first.month and last > first
        assert (last.replace(day=1) - first).days == 0 and last < today.replace(day=1)
        # [ : the month before, whole
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert asked[-1][2].month == (first.month - 2) % 12 + 1
        # x: the report to a PDF
        await pilot.press("x")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, ReportFileDialog)
        dialog.query_one("#report-path").value = str(tmp_path / "staff.txt")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog and "path" in dialog.errors()
        dialog.query_one("#report-path").value = str(tmp_path / "staff.pdf")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert (tmp_path / "staff.pdf").read_bytes().startswith(b"%PDF")
        assert "Report written" in plain(screen.query_one("#report-status"))


async def test_a_technician_is_told_the_reports_are_not_theirs(db_url, engine, technician_id,
                                                               fake_reports):
    from salontui.screens.search import CustomerSearchScreen

    app = SalonApp(db_url, staff_id=technician_id, first_screen="search")
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert isinstance(app.screen, CustomerSearchScreen)
        assert any("owner and the managers" in n.message for n in app._notifications)
        assert asked == []


async def test_the_days_report_from_the_store(db_url, engine, staff_id, customer_id):
    """The real daily report: today's sale of 150,000 in its table and its charts."""
    pay_service(engine, staff_id, customer_id, make_service(engine, staff_id), key="sale")
    app = SalonApp(db_url, staff_id=staff_id, first_screen="search")
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert plain(app.screen.query_one("#report-head")).startswith("Daily business · ")
        assert "150.000 ₫" in on_screen(app)
        await pilot.press("c")
        await settle(pilot)
        text = on_screen(app)
        assert "Cắt tóc nữ" in text and "█" in text and "150.000 ₫" in text
