"""The exports of members, invoices and packages (store/io/export.py, store/io/sheet_writer.py)
on both engines: the members of a filter and only those, real spreadsheet types read back
with openpyxl (dates, money in the currency's unit, phones as text, a frozen header), csv in
UTF-8 that keeps Vietnamese, invoices of a date range line by line, packages, paging that
loses no row, a failed export that leaves no file, and the command line."""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta

import openpyxl
import pytest
from typer.testing import CliRunner

from salontui.store import clock
from salontui.store.cart import Cart, CartLine, CartPayment
from salontui.store.catalog import create_item
from salontui.store.checkout import checkout
from salontui.store.customers import create_customer
from salontui.store.errors import RuleViolation, SalonError, ValidationError
from salontui.store.io import export
from salontui.store.io.export import (
    export_invoices,
    export_members,
    export_packages,
    member_columns,
)
from salontui.store.io.sheet_writer import Column, ColumnKind, write_table
from salontui.store.ledger import balance, post_entry
from salontui.store.loyalty.customer_list import CustomerFilter
from salontui.store.loyalty.tiers import ranking_spend
from salontui.store.models import Customer, Tier
from salontui.store.settings import update_settings

NOW = datetime(2026, 11, 23, 2, 0)  # 09:00 at the salon (UTC+7)
TODAY = date(2026, 11, 23)
HEAD = [c.header for c in member_columns()]


@pytest.fixture
def now():
    with clock.pinned(NOW):
        yield NOW


@pytest.fixture
def out(tmp_path):
    """A folder of its own (the SQLite database lies in tmp_path)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def salon(writer, staff_id, technician_id, now):
    """An (Silver, owes 200,000, 1,500 points, a sale of two lines on 1 November), Bình (a
    Chinese phone, 500,000 stored value, a sale on 10 September), Cúc (Silver, excluded, a
    package back-filled: 5,980 for 10 sessions, 2 used) and a customer deleted."""
    from salontui.store.customers import delete_customer
    from salontui.store.loyalty.members import set_member_state
    from salontui.store.packages import sell_package

    with writer() as s:
        silver = Tier(name="Silver", position=1, min_spend=None, active=True, created_at=NOW)
        s.add(silver)
        s.flush()
        people = {}
        for key, name, phone in (("an", "Nguyễn Thị An", "0935 100 001"),
                                 ("binh", "Trần Văn Bình", "+86 138 0013 8000"),
                                 ("cuc", "Lê Thị Cúc", "0935 100 003"),
                                 ("gone", "Đỗ Thị Gone", "0935 100 005")):
            people[key] = create_customer(s, staff_id=staff_id, name=name, phone=phone).id
        for key in ("an", "cuc"):
            row = s.get(Customer, people[key])
            row.tier_id, row.tier, row.tier_hold = silver.id, "Silver", "up"
            s.add(row)
        set_member_state(s, staff_id=staff_id, customer_id=people["cuc"], state="excluded",
                         reason="Staff")
        post_entry(s, customer_id=people["an"], account="debt", amount=200_000,
                   kind="charge", operator_id=staff_id)
        post_entry(s, customer_id=people["an"], account="points", amount=1_500,
                   kind="adjust", operator_id=staff_id)
        post_entry(s, customer_id=people["binh"], account="value", amount=500_000,
                   kind="topup", operator_id=staff_id)
        sell_package(s, staff_id=staff_id, customer_id=people["cuc"], name="Gội 10 buổi",
                     kind="count", price=5_980, total_uses=10, used=2,
                     purchased_on=TODAY - timedelta(days=100),
                     activated_on=TODAY - timedelta(days=100),
                     expires_on=TODAY + timedelta(days=10))
        cut = create_item(s, staff_id=staff_id, name="Cắt tóc nữ", kind="service",
                          price=300_000)
        wax = create_item(s, staff_id=staff_id, name="Sáp vuốt tóc", kind="product",
                          price=120_000)
        delete_customer(s, staff_id=staff_id, customer_id=people["gone"])
    for key, when, lines, payments in (
            ("an", datetime(2026, 11, 1, 3, 0),
             [CartLine(kind="service", item_id=cut.id, staff_id=technician_id),
              CartLine(kind="product", item_id=wax.id, quantity=2)],
             [CartPayment(method="cash", amount=340_000),
              CartPayment(method="transfer", amount=200_000)]),
            ("binh", datetime(2026, 9, 10, 3, 0),
             [CartLine(kind="service", item_id=cut.id, staff_id=technician_id)],
             [CartPayment(method="cash", amount=300_000)])):
        with clock.pinned(when), writer() as s:
            checkout(s, staff_id=staff_id, cart=Cart(customer_id=people[key], lines=lines,
                                                     payments=payments),
                     idempotency_key=f"sale-{key}")
    people["silver"] = silver.id
    people["staff"] = staff_id
    return people


def sheet(path):
    book = openpyxl.load_workbook(path)
    return book.worksheets[0]


def values(ws) -> list[tuple]:
    return [tuple(c.value for c in row) for row in ws.iter_rows()]


def test_the_members_of_a_filter_only_with_real_types(reader, salon, tmp_path):
    target = tmp_path / "silver.xlsx"
    with reader() as s:
        result = export_members(s, staff_id=salon["staff"],
                                path=target, wanted=CustomerFilter(tier_id=salon["silver"]))
        an_ranking = ranking_spend(s, salon["an"])
        an_points = balance(s, customer_id=salon["an"], account="points")
    assert (result.rows, result.format, result.path) == (2, "xlsx", target)
    ws = sheet(target)
    assert ws.freeze_panes == "A2"
    rows = values(ws)
    assert list(rows[0]) == HEAD
    assert [r[1] for r in rows[1:]] == ["Nguyễn Thị An", "Lê Thị Cúc"]
    an = dict(zip(HEAD, rows[1], strict=True))
    assert an["Phone"] == "0935100001" and ws["C2"].data_type == "s"
    assert (an["Member state"], an["Tier"], an["Points"]) == ("active", "Silver", an_points)
    assert an_points > 1_500  # given by hand, and earned by the sale
    assert (an["Debt"], an["Stored value"]) == (200_000, 0)
    assert an["Ranking spend"] == an_ranking == 540_000
    assert ws["I2"].number_format == "#,##0"  # debt: a number, shown with separators
    assert isinstance(an["Last visit"], datetime) and an["Last visit"].date() == date(2026, 11, 1)
    assert an["Created"].date() == TODAY
    assert ws["J2"].is_date and ws["J2"].number_format == "yyyy-mm-dd"
    cuc = dict(zip(HEAD, rows[2], strict=True))
    assert (cuc["Member state"], cuc["Last visit"]) == ("excluded", None)
    # Columns sized from the header and the values: the name wider than the code.
    assert ws.column_dimensions["B"].width > ws.column_dimensions["A"].width >= 6


def test_every_member_to_csv_keeps_vietnamese_and_the_phones(reader, salon, tmp_path):
    target = tmp_path / "members.csv"
    with reader() as s:
        assert export_members(s, staff_id=salon["staff"],
                              path=target).rows == 3  # the deleted customer is not one
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # a BOM: Excel reads it as UTF-8
    with target.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["Name"] for r in rows] == ["Nguyễn Thị An", "Trần Văn Bình", "Lê Thị Cúc"]
    assert [r["Phone"] for r in rows] == ["0935100001", "+8613800138000", "0935100003"]
    assert rows[1]["Stored value"] == "500000" and rows[1]["Last visit"] == "2026-09-10"
    assert rows[0]["Created"] == TODAY.isoformat()


def test_money_in_a_currency_with_cents(writer, reader, salon, staff_id, tmp_path):
    with writer() as s:
        update_settings(s, staff_id=staff_id, currency="CNY")
        post_entry(s, customer_id=salon["cuc"], account="debt", amount=5_980, kind="charge",
                   operator_id=staff_id)
    wanted = CustomerFilter(member_state="excluded")
    with reader() as s:
        export_members(s, staff_id=salon["staff"], path=tmp_path / "m.xlsx", wanted=wanted)
        export_members(s, staff_id=salon["staff"], path=tmp_path / "m.csv", wanted=wanted)
    ws = sheet(tmp_path / "m.xlsx")
    assert ws["I2"].value == pytest.approx(59.80) and ws["I2"].number_format == "#,##0.00"
    with (tmp_path / "m.csv").open(encoding="utf-8-sig") as f:
        assert next(csv.DictReader(f))["Debt"] == "59.80"


def test_invoices_of_a_date_range_line_by_line(reader, salon, tmp_path):
    target = tmp_path / "nov.xlsx"
    with reader() as s:
        result = export_invoices(s, staff_id=salon["staff"],
                                 path=target, date_from=date(2026, 11, 1),
                                 date_to=date(2026, 11, 1))
    assert result.rows == 2
    rows = values(sheet(target))
    head = list(rows[0])
    assert head[:3] == ["Code", "Date", "Customer code"] and "Payment methods" in head
    lines = [dict(zip(head, r, strict=True)) for r in rows[1:]]
    assert [(x["Line"], x["Description"], x["Quantity"], x["Unit price"], x["Amount"])
            for x in lines] == [("service", "Cắt tóc nữ", 1, 300_000, 300_000),
                                ("product", "Sáp vuốt tóc", 2, 120_000, 240_000)]
    first = lines[0]
    assert first["Date"] == datetime(2026, 11, 1, 10, 0)  # the salon's clock
    assert (first["Customer"], first["Phone"], first["Kind"]) == (
        "Nguyễn Thị An", "0935100001", "Sale")
    assert (first["Technician"], first["Cashier"]) == ("Lê Văn Tài", "Trần Thu Hà")
    assert first["Payment methods"] == "Cash, Transfer" == lines[1]["Payment methods"]
    assert lines[1]["Technician"] is None
    with reader() as s:
        wide = export_invoices(s, staff_id=salon["staff"],
                               path=tmp_path / "all.csv", date_from=date(2026, 9, 1),
                               date_to=date(2026, 11, 30))
        assert wide.rows == 3
        none = export_invoices(s, staff_id=salon["staff"],
                               path=tmp_path / "none.csv", date_from=date(2025, 1, 1),
                               date_to=date(2025, 1, 31))
        assert none.rows == 0
        with pytest.raises(ValidationError) as refused:
            export_invoices(s, staff_id=salon["staff"],
                            path=tmp_path / "back.csv", date_from=date(2026, 11, 2),
                            date_to=date(2026, 11, 1))
    assert refused.value.field == "date_to" and not (tmp_path / "back.csv").exists()


def test_packages_one_row_each(reader, salon, tmp_path):
    target = tmp_path / "packages.xlsx"
    with reader() as s:
        assert export_packages(s, staff_id=salon["staff"], path=target).rows == 1
    rows = values(sheet(target))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert (row["Customer"], row["Package"], row["Kind"], row["Status"]) == (
        "Lê Thị Cúc", "Gội 10 buổi", "count card", "in use")
    assert (row["Total"], row["Used"], row["Left"]) == (10, 2, 8)
    assert (row["Price"], row["Per session"]) == (5_980, 598)
    assert row["Expires"].date() == TODAY + timedelta(days=10)
    assert row["Reserved from"] is None


def test_pages_lose_no_row(reader, salon, tmp_path, monkeypatch):
    """Read two at a time (a page boundary inside a customer's rows, an invoice's lines):
    the same files as in one read."""
    with reader() as s:
        export_members(s, staff_id=salon["staff"], path=tmp_path / "m1.csv")
        export_invoices(s, staff_id=salon["staff"],
                        path=tmp_path / "i1.csv", date_from=date(2026, 1, 1),
                        date_to=TODAY)
        export_packages(s, staff_id=salon["staff"], path=tmp_path / "p1.csv")
    monkeypatch.setattr(export, "PAGE", 1)
    monkeypatch.setattr(export, "INVOICE_PAGE", 1)
    with reader() as s:
        export_members(s, staff_id=salon["staff"], path=tmp_path / "m2.csv")
        export_invoices(s, staff_id=salon["staff"],
                        path=tmp_path / "i2.csv", date_from=date(2026, 1, 1),
                        date_to=TODAY)
        export_packages(s, staff_id=salon["staff"], path=tmp_path / "p2.csv")
    for one, paged in (("m1", "m2"), ("i1", "i2"), ("p1", "p2")):
        assert (tmp_path / f"{one}.csv").read_bytes() == (tmp_path / f"{paged}.csv").read_bytes()


def test_a_failed_export_leaves_no_file(reader, salon, out):
    class Stop(Exception):
        pass

    def stop(done: int, total: int) -> None:
        if done:
            raise Stop

    with reader() as s:
        for name in ("stopped.xlsx", "stopped.csv"):
            with pytest.raises(Stop):
                export_members(s, staff_id=salon["staff"], path=out / name, progress=stop)
        assert list(out.iterdir()) == []  # no half file, no temporary one
        for path, field in ((out / "m.txt", "path"), (out / "m", "path"),
                            (out / "no" / "m.xlsx", "path"), (out, "path"), ("", "path"),
                            (f"{out}/a\x00b.xlsx", "path"), (out / ("x" * 300 + ".csv"), "path"),
                            ("x" * 10_000 + ".xlsx", "path")):
            with pytest.raises(ValidationError) as refused:
                export_members(s, staff_id=salon["staff"], path=path)
            assert refused.value.field == field, path
        (out / "there.xlsx").write_text("mine")
        with pytest.raises(RuleViolation) as there:
            export_members(s, staff_id=salon["staff"], path=out / "there.xlsx")
        assert there.value.field == "path" and "already exists" in there.value.message
        assert (out / "there.xlsx").read_text() == "mine"
        assert export_members(s, staff_id=salon["staff"],
                              path=out / "there.xlsx", overwrite=True).rows == 3
    assert sorted(p.name for p in out.iterdir()) == ["there.xlsx"]


def test_the_writer_keeps_text_as_text(tmp_path):
    """A name that looks like a formula stays a name; a sheet can hold many tables; csv
    holds one."""
    from salontui.store.io.sheet_writer import Sheet, write_sheets

    columns = [Column("Tên"), Column("Phone", ColumnKind.PHONE),
               Column("Số lượng", ColumnKind.INTEGER)]
    rows = [("=1+1", "+84935320888", 3), ("Hương\x01", "0935320888", None)]
    write_table(tmp_path / "t.xlsx", columns, iter(rows))
    ws = sheet(tmp_path / "t.xlsx")
    assert (ws["A2"].value, ws["A2"].data_type) == ("=1+1", "s")
    assert (ws["B2"].value, ws["B3"].value, ws["A3"].value) == (
        "+84935320888", "0935320888", "Hương")
    write_table(tmp_path / "t.csv", columns, rows)
    assert "'=1+1,+84935320888,3" in (tmp_path / "t.csv").read_text(encoding="utf-8-sig")
    both = write_sheets(tmp_path / "two.xlsx", [Sheet("A", columns, rows),
                                                Sheet("A", columns, rows[:1])])
    assert both.sheets == (("A", 2), ("A (2)", 1))
    with pytest.raises(ValidationError):
        write_sheets(tmp_path / "two.csv", [Sheet("A", columns, rows), Sheet("B", columns)])


def test_the_command_line(db_url, salon, tmp_path):
    from salontui.cli import app

    runner = CliRunner()
    done = runner.invoke(app, ["export", "members", str(tmp_path / "owe.xlsx"), "--tier",
                               "silver", "--debt", "--db", db_url])
    assert done.exit_code == 0, done.output
    assert done.output.strip() == f"1 members written to {tmp_path / 'owe.xlsx'}"
    assert [r[1] for r in values(sheet(tmp_path / "owe.xlsx"))[1:]] == ["Nguyễn Thị An"]
    lines = runner.invoke(app, ["export", "invoices", str(tmp_path / "i.csv"), "--from",
                                "2026-09-01", "--to", "2026-11-30", "--db", db_url])
    assert lines.exit_code == 0 and "3 invoice lines written" in lines.output
    packages = runner.invoke(app, ["export", "packages", str(tmp_path / "p.csv"), "--db",
                                   db_url])
    assert packages.exit_code == 0 and "1 packages written" in packages.output
    for args, said in (
            (["members", str(tmp_path / "m.pdf")], "ending in .xlsx or .csv"),
            (["members", str(tmp_path / "m.csv"), "--tier", "Platinum"], "No tier named"),
            (["members", str(tmp_path / "m.csv"), "--state", "gone"], "Member state"),
            (["members", str(tmp_path / "m.csv"), "--spend-min", "abc"], "not an amount"),
            (["packages", str(tmp_path / "p.csv")], "already exists")):
        refused = runner.invoke(app, ["export", *args, "--db", db_url])
        assert refused.exit_code == 1 and said in refused.output, refused.output
        assert "Traceback" not in refused.output
    assert not (tmp_path / "m.csv").exists() and not (tmp_path / "m.pdf").exists()


def test_bad_filters_are_refused_at_their_fields(reader, salon, out):
    with reader() as s:
        for wanted, field in ((CustomerFilter(birthday_month=13), "birthday_month"),
                              (CustomerFilter(tier_id=999), "tier_id"),
                              (CustomerFilter(spend_min=-1), "spend_min")):
            with pytest.raises(SalonError) as refused:
                export_members(s, staff_id=salon["staff"], path=out / "m.xlsx", wanted=wanted)
            assert refused.value.field == field
    assert list(out.iterdir()) == []


@pytest.mark.parametrize("suffix", ["xlsx", "csv"])
def test_export_then_import_round_trips(reader, salon, out, suffix):
    """The members' file imports back (a dry run): every row found again by its phone, no
    error, and with points and spend reset nothing changes but what the import always adds
    (stored value and debt come in as top-ups and charges: Bình's card, An's debt)."""
    from salontui.store.io.customers_import import dry_run_customers

    target = out / f"members.{suffix}"
    with reader() as s:
        export_members(s, staff_id=salon["staff"], path=target)
        report = dry_run_customers(s, path=str(target), points="reset", spend="reset")
        added = dry_run_customers(s, path=str(target))
    assert report.error_count == 0 and report.errors == []
    sheet = report.sheets[0]
    assert (sheet.rows, sheet.create, sheet.bad) == (3, [], set())
    assert sheet.update == [2, 3] and sheet.skip == [4]  # An (debt), Bình (card); Cúc: none
    assert report.changes == {"debt": 1, "value": 1}
    # Added instead of reset: the points and spend of the file come on top.
    assert added.error_count == 0
    assert added.changes == {"points": 2, "spend": 2, "debt": 1, "value": 1}
