"""``salontui report NAME`` on a real database (both engines): a day's sale as text, the
staff report as .xlsx and .pdf (a Vietnamese name kept), a file name made when none is
given, and every bad value one line and exit status 2, never a traceback."""

from __future__ import annotations

import openpyxl
import pytest
from pypdf import PdfReader
from test_ui_helpers import make_service, pay_service
from typer.testing import CliRunner

from salontui.cli import app

runner = CliRunner()


@pytest.fixture
def sold(engine, staff_id, customer_id):
    """A service of 150,000 paid today, by the owner Trần Thu Hà."""
    pay_service(engine, staff_id, customer_id, make_service(engine, staff_id), key="sale-1")


def report(db_url, *args: str):
    return runner.invoke(app, ["report", *args, "--db", db_url])


def test_the_days_report_as_text_xlsx_and_pdf(db_url, sold, tmp_path, monkeypatch):
    text = report(db_url, "daily")
    assert text.exit_code == 0, text.output
    out = text.output.replace("\xa0", " ")
    assert out.startswith("Daily business · ") and "150.000 ₫" in out
    assert "\x1b[" not in out  # not a terminal: plain
    written = report(db_url, "staff", "--format", "xlsx", "--output",
                     str(tmp_path / "staff.xlsx"))
    assert written.exit_code == 0, written.output
    assert f"written to {tmp_path / 'staff.xlsx'}" in written.output
    book = openpyxl.load_workbook(tmp_path / "staff.xlsx")
    numbers = [c.value for ws in book.worksheets[1:] for row in ws.iter_rows(min_row=2)
               for c in row if isinstance(c.value, int)]
    assert 150_000 in numbers
    pdf = report(db_url, "staff", "--format", "pdf", "-o", str(tmp_path / "staff.pdf"))
    assert pdf.exit_code == 0, pdf.output
    assert "Trần Thu Hà" in PdfReader(str(tmp_path / "staff.pdf")).pages[0].extract_text()
    # No --output: a name made of the report and its days, in the current folder, said.
    monkeypatch.chdir(tmp_path)
    named = report(db_url, "daily", "--to", "2026-11-30", "--format", "xlsx")
    assert named.exit_code == 0, named.output
    assert (tmp_path / "daily_2026-11-30_2026-11-30.xlsx").exists()
    assert "daily_2026-11-30_2026-11-30.xlsx" in named.output
    again = report(db_url, "daily", "--to", "2026-11-30", "--format", "xlsx")
    assert again.exit_code == 1 and "already exists" in again.output


BAD = [
    (["weekly"], "Unknown report 'weekly': one of daily, staff"),
    (["daily", "--from", "2026-13-01"], "--from '2026-13-01' is not a day"),
    (["daily", "--to", "30/11/2026"], "--to '30/11/2026' is not a day"),
    (["daily", "--from", "2026-11-30", "--to", "2026-11-01"], "is after --to"),
    (["daily", "--branch", "Q9"], "No branch Q9"),
    (["daily", "--format", "docx"], "Unknown format 'docx'"),
    (["daily", "--output", "x.txt"], "--output is for --format xlsx or pdf"),
    (["daily", "--format", "pdf", "--output", "x.xlsx"], "ending in .pdf"),
]


def test_a_bad_value_is_one_line_and_status_2(db_url, engine, tmp_path, monkeypatch):
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    for args, said in BAD:
        refused = report(db_url, *args)
        assert said in refused.output, refused.output
        assert refused.exit_code == (1 if "ending in" in said else 2), args
        assert "Traceback" not in refused.output
        assert len(refused.output.strip().splitlines()) == 1
    assert list(here.iterdir()) == []
