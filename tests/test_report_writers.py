"""The report writers (store/reports/write_*.py) on reports made by hand: the text holds
the figures in the salon's money, the xlsx holds numbers, the pdf keeps a Vietnamese and a
Chinese name as text; a bad file name is refused at its field and nothing is left."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from pypdf import PdfReader

from salontui.report_bars import chart
from salontui.report_text import report_text
from salontui.store.errors import SalonError
from salontui.store.reports.figures import Figures
from salontui.store.reports.shape import Cell, Column, Report, Series, Table
from salontui.store.reports.write_pdf import write_report_pdf
from salontui.store.reports.write_xlsx import write_report_xlsx

VI, ZH = "Nguyễn Thị Hương", "王小明"
VND = Figures()
CNY = Figures(currency="CNY", exponent=2, locale="zh_CN")


def report(rows: int = 2) -> Report:
    kinds = Table("Sales by kind", (Column("Kind"), Column("Count", Cell.COUNT),
                                    Column("Amount", Cell.MONEY),
                                    Column("Share", Cell.PERCENT)),
                  (("Services", 12, 4_500_000, 7_500), ("Products", 3, 1_500_000, 2_500)),
                  (None, 15, 6_000_000, 10_000))
    staff = Table("Staff", (Column("Name"), Column("First", Cell.DATE),
                            Column("Sales", Cell.MONEY)),
                  tuple(((VI, date(2026, 11, 3), 1_234_567), (ZH, None, 7_654_321),
                         *((f"Thợ {n}", None, n * 1000) for n in range(rows - 2)))))
    days = Table("By day", (Column("Day", Cell.DATE), Column("Visits", Cell.COUNT)),
                 ((date(2026, 11, 1), 2), (date(2026, 11, 2), 1)), ("Total", 3))
    return Report(name="daily", title="Daily business", date_from=date(2026, 11, 1),
                  date_to=date(2026, 11, 30), branch_id=None, tables=(kinds, staff, days),
                  charts=(Series("Revenue by staff", (VI, ZH), (1_234_567, 7_654_321)),
                          Series("Revenue by day", ("01/11", "02/11", "03/11"),
                                 (100_000, 0, 300_000), by_day=True)),
                  totals={"sales_total": 6_000_000})


def test_text_has_the_heading_the_figures_and_the_charts():
    text = report_text(report(), VND, where="Q1").replace("\xa0", " ")
    assert "Daily business · 01/11/2026 – 30/11/2026 · Q1" in text
    assert "4.500.000 ₫" in text and "6.000.000 ₫" in text  # the totals row
    assert "75%" in text and "100%" in text and "Total" in text
    assert VI in text and ZH in text and "03/11/2026" in text
    assert "█" in text and "highest 300.000 ₫" in text
    assert "\x1b[" not in text  # plain: no escape codes
    cny = report_text(report(), CNY).replace("\xa0", " ")
    assert "¥45,000.00" in cny and "2026/11/01" in cny and "75%" in cny


def test_percent_and_at_a_date_read_from_basis_points():
    assert VND.percent(1_250) == "12,5%" and CNY.percent(1_250) == "12.5%"
    at = Report(name="liabilities", title="Assets and liabilities", date_from=date(2026, 1, 1),
                date_to=date(2026, 11, 30), branch_id=None, tables=())
    assert VND.period(at) == "at 30/11/2026"


def test_bars_fit_80_columns_and_say_when_empty():
    drawn = chart(report().charts[0], VND, width=78)
    lines = drawn.plain.replace("\xa0", " ").splitlines()
    assert lines[0] == "Revenue by staff" and all(len(line) <= 78 for line in lines)
    assert lines[2].endswith("7.654.321 ₫") and lines[2].count("█") > lines[1].count("█")
    empty = Series("Revenue by service", ("Cắt",), (0,))
    assert "Nothing to draw" in chart(empty, VND, width=78).plain
    days = Series("Revenue by day", tuple(str(d) for d in range(365)),
                  tuple(d % 7 * 1000 for d in range(365)), by_day=True)
    assert all(len(line) <= 78 for line in chart(days, VND, width=78).plain.splitlines())


def test_xlsx_cells_are_numbers(tmp_path):
    result = write_report_xlsx(report(), tmp_path / "daily.xlsx", CNY, where="Q1")
    book = openpyxl.load_workbook(result.path)
    assert book.sheetnames == ["Report", "Sales by kind", "Staff", "By day"]
    # a word under a column of days (the totals row's "Total") leaves the day column days
    assert [c.value for c in book["By day"][4]] == [None, 3]
    sales = book["Sales by kind"]
    assert sales.freeze_panes == "A2"
    assert [c.value for c in sales[2]] == ["Services", 12, Decimal("45000"), Decimal("0.75")]
    assert [c.value for c in sales[4]][:3] == ["Total", 15, Decimal("60000")]
    assert sales["C2"].number_format == "#,##0.00" and sales["D2"].number_format == "0.00%"
    assert book["Staff"]["A2"].value == VI and book["Staff"]["B2"].value.day == 3
    assert [c.value for c in book["Report"]["A"]][:2] == ["Report", "Period"]
    assert not list(tmp_path.glob(".*partial"))


def test_pdf_keeps_vietnamese_and_chinese_and_breaks_pages(tmp_path):
    path = write_report_pdf(report(rows=120), tmp_path / "daily.pdf", VND, where="Quận 1")
    pages = PdfReader(str(path)).pages
    assert len(pages) > 2  # 120 staff rows run over pages
    first = pages[0].extract_text().replace("\xa0", " ")
    assert VI in first and ZH in first and "Quận 1" in first and "4.500.000 ₫" in first
    assert "Name" in pages[1].extract_text()  # the header row again on the next page
    assert pages[0].mediabox.width > pages[0].mediabox.height  # landscape
    assert not list(tmp_path.glob(".*partial"))


@pytest.mark.parametrize("name", ["daily.txt", "", "no/such/folder/a.pdf"])
def test_a_bad_file_name_is_refused_at_its_field(tmp_path, name):
    target = tmp_path / name if name else ""
    for write in (write_report_pdf, write_report_xlsx):
        with pytest.raises(SalonError) as refused:
            write(report(), target, VND)
        assert refused.value.field == "path"
    assert [p.name for p in tmp_path.iterdir()] == []


def test_an_existing_file_is_kept_unless_overwritten(tmp_path):
    target = tmp_path / "daily.pdf"
    target.write_bytes(b"mine")
    with pytest.raises(SalonError):
        write_report_pdf(report(), target, VND)
    assert target.read_bytes() == b"mine"
    write_report_pdf(report(), target, VND, overwrite=True)
    assert target.read_bytes().startswith(b"%PDF")


def test_bars_on_a_linux_console_use_only_its_full_and_half_blocks(monkeypatch):
    """The console's font has █ ▌ ▄ and no eighths: a chart there draws with those alone."""
    days = Series("Revenue by day", tuple(str(d) for d in range(30)),
                  tuple(d * 1000 + 1 for d in range(30)), by_day=True)
    shares = report().charts[0]
    monkeypatch.setenv("TERM", "xterm-256color")
    assert set("▁▂▃▅▆▇") & set(chart(days, VND, width=78).plain)
    monkeypatch.setenv("TERM", "linux")
    for series in (days, shares):
        drawn = chart(series, VND, width=78).plain
        assert "█" in drawn and not set("▁▂▃▅▆▇▏▎▍▋▊▉") & set(drawn)
