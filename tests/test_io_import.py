"""The customer import and care actions by file (store/io/), on both engines.

The worked examples of issue 15: a file of 200 customers with 5 bad rows (the dry run
names exactly those, by row and column, and a real run writes nothing); points added or
reset; the same file imported twice (add doubles the balances, reset changes nothing);
the back-fill example through the holdings sheet (5980 for 10 sessions, 2 used: 8 left at
598); headers in Vietnamese and Chinese; two rows with one phone; bad rows skipped; CSV
as well as xlsx; care actions by file. The files are made here with openpyxl.
"""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import text

from salontui.store import clock
from salontui.store.admin.card_types import create_card_type
from salontui.store.books.held_products import held_quantity
from salontui.store.catalog import create_item
from salontui.store.check import run_checks
from salontui.store.customers import create_customer
from salontui.store.errors import ValidationError
from salontui.store.io import readers
from salontui.store.io.care_import import dry_run_care, import_care
from salontui.store.io.customers_import import dry_run_customers, import_customers
from salontui.store.io.headers import header_key, map_header
from salontui.store.io.report import row_ranges
from salontui.store.ledger import balance, card_balances, points_balance
from salontui.store.loyalty.care_catalogue import add_reason
from salontui.store.loyalty.tiers import ranking_spend
from salontui.store.package_reads import list_packages

NOW = datetime(2026, 11, 23, 2, 0)
EN = ["Code", "Name", "Phone", "Birthday", "Gender", "Points", "Stored value", "Debt",
      "Ranking spend", "Vouchers", "Tier", "Named cards"]


@pytest.fixture(autouse=True)
def now():
    with clock.pinned(NOW):
        yield NOW


def workbook(path: Path, sheets: dict[str, list[list]]) -> str:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return str(path)


def phone(n: int) -> str:
    return f"0935{n:06d}"


def customer_id_of(reader, number: str) -> int:
    with reader() as s:
        return s.execute(text("SELECT id FROM customer WHERE phone_national = :p "
                              "AND deleted_at IS NULL"), {"p": number}).scalar_one()


def points_of(reader, number: str) -> int:
    with reader() as s:
        return points_balance(s, customer_id=customer_id_of(reader, number))


def count(reader, table: str) -> int:
    with reader() as s:
        return s.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def run(writer, staff_id, path, **options):
    with writer() as s:
        return import_customers(s, staff_id=staff_id, path=path, **options)


def dry(reader, path, **options):
    with reader() as s:
        return dry_run_customers(s, path=path, **options)


# -- the worked examples -------------------------------------------------------------------


def test_200_rows_with_5_bad_ones_the_dry_run_names_exactly_those(tmp_path, engine, reader,
                                                                   writer, staff_id):
    rows = [EN]
    for n in range(200):
        rows.append([None, f"Khách {n}", phone(n), date(1990, 1, 1), "F", 100, None, None,
                     None, None, None, None])
    # the five bad rows (sheet rows: the header is row 1, customer n is row n + 2)
    rows[11][2] = "12345"  # row 12: not a phone
    rows[31][3] = "31/02/1990"  # row 32: not a date
    rows[51][5] = "many"  # row 52: points not a number
    rows[101][1] = None  # row 102: a new customer without a name
    rows[151][7] = -5000  # row 152: a negative debt
    path = workbook(tmp_path / "khach.xlsx", {"customers": rows})
    report = dry(reader, path)
    assert report.dry_run and not report.written
    found = sorted((e.row, e.column) for e in report.errors)
    assert found == [(12, "Phone"), (32, "Birthday"), (52, "Points"), (102, "Name"),
                     (152, "Debt")]
    sheet = report.sheet("customers")
    assert sheet is not None and sheet.rows == 200 and sorted(sheet.bad) == [12, 32, 52, 102,
                                                                             152]
    assert len(sheet.create) == 195 and row_ranges(sheet.create).startswith("2–11, 13–31")
    assert count(reader, "customer") == 0  # the dry run wrote nothing
    again = run(writer, staff_id, path)  # a real run with a row in error: nothing either
    assert not again.written and again.error_count == 5
    assert count(reader, "customer") == 0 and count(reader, "backfill") == 0
    skipped = run(writer, staff_id, path, skip_bad_rows=True)  # the good rows only
    assert skipped.written and skipped.customers_created == 195
    assert count(reader, "customer") == 195
    assert points_of(reader, phone(0)) == 100
    with reader() as s:
        assert s.execute(text("SELECT count(*) FROM customer WHERE phone_national = :p"),
                         {"p": phone(150)}).scalar_one() == 0  # row 152 not half-imported
    with reader() as s:
        reasons = {r for (r,) in s.execute(text("SELECT DISTINCT reason FROM ledger_entry"))}
        audits = s.execute(text("SELECT count(*) FROM audit_log WHERE action = "
                                "'import_customers'")).scalar_one()
    assert reasons == {"import khach.xlsx"} and audits == 1
    assert run_checks(engine) == []


def test_points_added_or_reset_and_a_second_import_doubles_or_changes_nothing(
        tmp_path, engine, reader, writer, staff_id):
    path = workbook(tmp_path / "diem.xlsx", {"customers": [
        ["Name", "Phone", "Points", "Ranking spend"],
        ["Lan", phone(1), 500, 2_000_000],
        ["Mai", phone(2), 300, None]]})
    run(writer, staff_id, path)
    lan = customer_id_of(reader, phone(1))
    assert points_of(reader, phone(1)) == 500
    again = run(writer, staff_id, path)  # add: after = before + the file
    assert again.customers_created == 0 and again.customers_updated == 2
    assert points_of(reader, phone(1)) == 1000 and points_of(reader, phone(2)) == 600
    with reader() as s:
        assert ranking_spend(s, lan) == 4_000_000
    reset = run(writer, staff_id, path, points="reset", spend="reset")  # after = the file
    assert points_of(reader, phone(1)) == 500 and points_of(reader, phone(2)) == 300
    with reader() as s:
        assert ranking_spend(s, lan) == 2_000_000
    assert reset.written
    entries = count(reader, "ledger_entry")
    same = run(writer, staff_id, path, points="reset", spend="reset")
    assert same.sheet("customers").skip == [2, 3]  # nothing to change
    assert count(reader, "ledger_entry") == entries
    assert points_of(reader, phone(1)) == 500
    lower = workbook(tmp_path / "diem2.xlsx", {"customers": [
        ["Name", "Phone", "Points"], ["Lan", phone(1), 120]]})
    add = run(writer, staff_id, lower)
    assert add.written and points_of(reader, phone(1)) == 620
    run(writer, staff_id, lower, points="reset")
    assert points_of(reader, phone(1)) == 120
    assert run_checks(engine) == []


def test_the_backfill_example_through_the_holdings_sheet(tmp_path, engine, reader, writer,
                                                        staff_id):
    with writer() as s:
        plan = create_item(s, staff_id=staff_id, name="Gội đầu 10 lần", kind="package",
                           price=5980, package_kind="count", sessions=10, validity_days=365,
                           code="GOI10")
        shampoo = create_item(s, staff_id=staff_id, name="Dầu gội", kind="product",
                              price=180_000, code="SP1")
        create_card_type(s, staff_id=staff_id, name="Thẻ Vàng")
    path = workbook(tmp_path / "giu.xlsx", {
        "customers": [["Name", "Phone", "Stored value", "Named cards", "Vouchers", "Debt"],
                      ["Hương", phone(1), 500_000, "the vang: 200000", 50_000, 30_000]],
        "holdings": [["Customer phone", "Kind", "Package", "Paid", "Total sessions",
                      "Sessions used", "Purchase date", "Card", "Credited", "Product",
                      "Quantity", "Expiry"],
                     [phone(1), "package", "GOI10", 5980, 10, 2, date(2026, 6, 1), None, None,
                      None, None],
                     [phone(1), "gift", "Massage tặng", None, 2, 0, None, None, None, None,
                      None, date(2027, 1, 31)],
                     [phone(1), "top-up", None, 1_000_000, None, None, None, "Thẻ Vàng",
                      1_200_000, None, None],
                     [phone(1), "product", None, 360_000, None, None, None, None, None,
                      "Dầu gội", 2]]})
    report = run(writer, staff_id, path)
    assert report.written, report.errors
    cid = customer_id_of(reader, phone(1))
    with reader() as s:
        packages = {p.name: p for p in list_packages(s, customer_id=cid)}
        cards = {c.name: c.balance for c in card_balances(s, customer_id=cid)}
        vouchers = balance(s, customer_id=cid, account="voucher")
        debt = balance(s, customer_id=cid, account="debt")
        held = held_quantity(s, customer_id=cid, item_id=shampoo.id)
    goi = packages["Gội đầu 10 lần"]
    assert (goi.price, goi.total_uses, goi.used, goi.remaining, goi.per_session_value) == (
        5980, 10, 2, 8, 598)
    assert goi.plan_id == plan.id and goi.invoice_id is None
    assert goi.expires_on == date(2027, 6, 1)  # the plan's validity from the purchase
    gift = packages["Massage tặng"]
    assert (gift.kind, gift.price, gift.remaining) == ("gift", 0, 2)
    assert cards == {"General": 500_000, "Thẻ Vàng": 1_400_000}
    assert (vouchers, debt, held) == (50_000, 30_000, 2)
    with reader() as s:
        paid = s.execute(text("SELECT paid, amount FROM backfill WHERE kind = 'value' "
                              "ORDER BY amount DESC")).all()
        sources = {r for (r,) in s.execute(text("SELECT DISTINCT source FROM backfill"))}
    assert paid[0] == (1_000_000, 1_200_000) and sources == {"import giu.xlsx"}
    assert run_checks(engine) == []


def test_headers_in_vietnamese_and_chinese(tmp_path, reader, writer, staff_id):
    vi = workbook(tmp_path / "vi.xlsx", {"Sheet1": [
        ["Danh sách khách hàng"],  # a title line above the header
        ["Mã KH", "Họ tên", "Số điện thoại", "Ngày sinh", "Giới tính", "Điểm tích lũy",
         "Tiền tích lũy", "Số dư", "Công nợ", "Ghi chú khác"],
        [None, "Nguyễn Thị Hương", phone(1), "14/03/1990", "Nữ", 1200, 3_500_000,
         500_000, None, "bỏ qua"]]})
    zh = workbook(tmp_path / "zh.xlsx", {"会员": [
        ["会员编号", "姓名", "手机号", "生日", "性别", "积分", "累计消费", "储值余额", "欠款"],
        ["VIP001", "王芳", 935000002, "1988-07-01", "女", 300, None, None, 20_000]]})
    assert run(writer, staff_id, vi).written
    assert run(writer, staff_id, zh).written
    with reader() as s:
        rows = s.execute(text("SELECT code, name, birthday, gender FROM customer "
                              "ORDER BY id")).all()
    assert [(r.name, str(r.birthday), r.gender) for r in rows] == [
        ("Nguyễn Thị Hương", "1990-03-14", "female"), ("王芳", "1988-07-01", "female")]
    assert rows[1].code == "VIP001" and rows[0].code.startswith("KH")
    assert points_of(reader, phone(1)) == 1200 and points_of(reader, phone(2)) == 300
    header = map_header(["Họ và tên", "SĐT", "Điểm (hiện có)", "手机"])
    assert header is not None and header.columns == {"name": 0, "phone": 1, "points": 2}
    assert header_key("Số điện thoại *") == header_key("SO DIEN THOAI")


def test_the_tier_column_moves_by_hand_and_spend_ranks(tmp_path, engine, reader, writer,
                                                       staff_id, customer_id):
    from salontui.store.loyalty.tier_admin import create_tier
    from salontui.store.loyalty.tiers import tier_history

    with writer() as s:
        create_tier(s, staff_id=staff_id, name="Silver", min_spend=5_000_000)
        create_tier(s, staff_id=staff_id, name="Gold", min_spend=15_000_000)
    path = workbook(tmp_path / "hang.xlsx", {"customers": [
        ["Name", "Phone", "Tier", "Ranking spend"],
        ["Lan", phone(1), "Gold", None],  # new, given Gold by hand
        ["Mai", phone(2), None, 6_000_000],  # new, Silver by her spend
        ["Nguyễn Thị Hương", "0935 320 888", "silver", None],  # there already: by hand
        ["Hoa", phone(3), "Member", 20_000_000]]})  # Gold by spend; Member by hand after
    report = run(writer, staff_id, path)
    assert report.written and report.changes["tier"] == 3, report.errors
    with reader() as s:
        tiers = dict(s.execute(text("SELECT phone_national, tier FROM customer")).all())
        history = tier_history(s, customer_id)
        holds = dict(s.execute(text("SELECT phone_national, tier_hold FROM customer")).all())
    assert tiers == {phone(1): "Gold", phone(2): "Silver", "0935320888": "Silver",
                     phone(3): "Member"}
    assert holds[phone(1)] == "up" and holds[phone(3)] == "down" and holds[phone(2)] == ""
    assert history[0].to_name == "Silver" and history[0].reason == "import hang.xlsx"
    assert run_checks(engine) == []


def test_two_rows_with_one_phone_are_both_refused(tmp_path, reader, writer, staff_id):
    path = workbook(tmp_path / "trung.xlsx", {"customers": [
        ["Name", "Phone"], ["Lan", "0935 000 001"], ["Mai", phone(2)], ["Lan 2", "+84935000001"]]})
    report = dry(reader, path)
    assert sorted((e.row, e.column) for e in report.errors) == [(2, "Phone"), (4, "Phone")]
    assert "Row 4" in report.errors[0].message
    done = run(writer, staff_id, path, skip_bad_rows=True)
    assert done.customers_created == 1 and count(reader, "customer") == 1


def test_an_existing_customer_is_updated_never_duplicated(tmp_path, reader, writer, staff_id,
                                                         customer_id):
    with reader() as s:
        code = s.execute(text("SELECT code FROM customer")).scalar_one()
    path = workbook(tmp_path / "cu.xlsx", {"customers": [
        ["Code", "Name", "Phone", "Points"],
        [code, None, None, 2],  # by code, the phone left out: found
        ["KH999999", "Someone", "0935320888", None]]})  # another code with her phone
    report = dry(reader, path)
    assert sorted((e.row, e.column) for e in report.errors) == [(3, "Code")]
    assert report.sheet("customers").update == [2]
    moved = workbook(tmp_path / "doi.xlsx", {"customers": [
        ["Code", "Name", "Phone"], [code, "Other", "0935 000 777"]]})  # a member's new phone
    assert [(e.row, e.column) for e in dry(reader, moved).errors] == [(2, "Phone")]
    ok = workbook(tmp_path / "cu2.xlsx", {"customers": [
        ["Code", "Name", "Phone", "Email", "Points"],
        [None, "Nguyễn Thị Hương", "0935320888", "huong@example.com", 40]]})
    done = run(writer, staff_id, ok)
    assert done.customers_updated == 1 and count(reader, "customer") == 1
    with reader() as s:
        assert s.execute(text("SELECT email FROM customer")).scalar_one() == "huong@example.com"
    assert points_of(reader, "0935320888") == 40


def test_csv_with_a_bom_and_semicolons_and_a_holdings_file(tmp_path, reader, writer,
                                                           staff_id):
    path = tmp_path / "khach.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer_ = csv.writer(out, delimiter=";")
        writer_.writerow(["Họ tên", "Số điện thoại", "Điểm tích lũy", "Số dư"])
        writer_.writerow(["Trần Văn Bình", "0935 000 001", "1.200", "500.000"])
    held = tmp_path / "giu.csv"
    held.write_text("Số điện thoại,Loại,Gói dịch vụ,Giá mua,Tổng số buổi,Đã dùng,"
                    "Ngày hết hạn\n0935000001,Gói,Gội 5 lần,1000,5,1,2027-12-31\n",
                    encoding="utf-8")
    report = run(writer, staff_id, str(path), holdings_path=str(held))
    assert report.written, report.errors
    cid = customer_id_of(reader, phone(1))
    assert points_of(reader, phone(1)) == 1200
    with reader() as s:
        (package,) = list_packages(s, customer_id=cid)
        cards = card_balances(s, customer_id=cid)
    assert (package.total_uses, package.used, package.price) == (5, 1, 1000)
    assert [(c.name, c.balance) for c in cards] == [("General", 500_000)]
    latin = tmp_path / "latin.csv"
    latin.write_bytes(b"Name,Phone\nB\xecnh,0935000009\n")
    with pytest.raises(ValidationError, match="not UTF-8"):
        dry(reader, str(latin))


@pytest.mark.parametrize(("name", "content", "message"), [
    ("none.xlsx", None, "There is no file"),
    ("notes.docx", b"hello", "not a spreadsheet"),
    ("old.xls", b"\xd0\xcf\x11\xe0", "old Excel file"),
    ("fake.xlsx", b"this is no zip", "cannot be read as an Excel workbook"),
    ("empty.csv", b"", "is empty"),
    ("other.csv", "Món,Giá\nPhở,40000\n".encode(), "has a header this import knows"),
])
def test_a_file_that_cannot_be_imported_is_refused_whole(tmp_path, reader, name, content,
                                                         message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ValidationError, match=message) as refused:
        dry(reader, str(path))
    assert refused.value.field == "path"


def test_a_file_too_big_for_a_salon_is_refused(tmp_path, reader, monkeypatch):
    path = tmp_path / "big.csv"
    path.write_text("Name,Phone\n" + "Lan,0935000001\n" * 20, encoding="utf-8")
    monkeypatch.setattr(readers, "MAX_BYTES", 100)
    with pytest.raises(ValidationError, match="too big"):
        dry(reader, str(path))


def test_holdings_errors_by_row_and_column(tmp_path, reader, writer, staff_id):
    with writer() as s:
        create_item(s, staff_id=staff_id, name="Gội 10", kind="package", price=5980,
                    package_kind="count", sessions=10, validity_days=365, code="G10")
    path = workbook(tmp_path / "sai.xlsx", {
        "customers": [["Name", "Phone", "Tier"], ["Lan", phone(1), "Platinum"],
                      ["Mai", phone(2), None]],
        "holdings": [["Customer phone", "Kind", "Package", "Total sessions", "Sessions used",
                      "Expiry", "Product", "Card", "Credited"],
                     [phone(1), "package", "G10", 10, 2, None, None, None, None],
                     [phone(2), "package", "G10", 10, 12, None, None, None, None],
                     [phone(2), "package", "G10", -1, None, None, None, None, None],
                     [phone(2), "package", "Unknown plan", None, None, None, None, None,
                      None],
                     [phone(2), "product", None, None, None, None, "Nothing", None, None],
                     [phone(2), "top-up", None, None, None, None, None, "Platinum card",
                      100],
                     [phone(2), "package", "G10", 10, 1, date(2020, 1, 1), None, None, None],
                     [phone(3), "package", "G10", None, None, None, None, None, None],
                     [phone(2), "voucher?", None, None, None, None, None, None, None]]})
    report = dry(reader, path)
    found = sorted((e.sheet, e.row, e.column) for e in report.errors)
    assert found == [
        ("customers", 2, "Tier"),
        ("holdings", 2, ""),  # Lan's row is in error
        ("holdings", 3, "Sessions used"),  # 12 of 10
        ("holdings", 4, "Total sessions"),  # negative
        ("holdings", 5, "Package"),  # no such plan, no figures
        ("holdings", 6, "Product"),
        ("holdings", 7, "Card"),
        ("holdings", 8, "Expiry"),  # already expired
        ("holdings", 9, "Customer phone"),  # nobody has it
        ("holdings", 10, "Kind"),
    ]


def test_the_same_rows_whether_the_customer_is_new_or_was_there(tmp_path, db_url, engine,
                                                               reader, writer, staff_id):
    """A new customer's back-fills are written in bulk, an existing one's through
    apply_backfill: the rows are the same (but for their ids and times)."""
    with writer() as s:
        create_item(s, staff_id=staff_id, name="Gội 10", kind="package", price=5980,
                    package_kind="count", sessions=10, validity_days=365, code="G10")
        create_item(s, staff_id=staff_id, name="Dầu gội", kind="product", price=1000,
                    code="SP1")
        create_card_type(s, staff_id=staff_id, name="Vàng")
    holdings = [["Customer phone", "Kind", "Package", "Paid", "Total sessions",
                 "Sessions used", "Purchase date", "Expiry", "Card", "Credited", "Product",
                 "Quantity", "Note"],
                [None, "package", "G10", 5980, None, 2, date(2026, 6, 1), None, None, None,
                 None, None, "từ sổ cũ"],
                [None, "time", "Xông hơi tháng", 900, None, None, None, date(2026, 12, 31),
                 None, None, None, None, None],
                [None, "gift", "Massage", None, 2, 1, None, date(2027, 1, 31), None, None,
                 None, None, None],
                [None, "top-up", None, 1000, None, None, None, None, "Vàng", 1200, None,
                 None, None],
                [None, "top-up", None, 300, None, None, None, None, None, None, None, None,
                 None],
                [None, "product", None, 2000, None, None, None, None, None, None, "SP1", 2,
                 None]]

    def book(name: str, number: str) -> str:
        held = [holdings[0]] + [[number, *row[1:]] for row in holdings[1:]]
        return workbook(tmp_path / name, {
            "customers": [["Name", "Phone", "Points", "Ranking spend", "Stored value",
                           "Named cards", "Vouchers", "Debt"],
                          ["Lan", number, 70, 900_000, 100, "Vàng: 50", 30, 20]],
            "holdings": held})

    assert run(writer, staff_id, book("moi.xlsx", phone(1))).customers_created == 1
    with writer() as s:
        create_customer(s, staff_id=staff_id, name="Lan", phone=phone(2),
                        allow_duplicate=True)
    assert run(writer, staff_id, book("cu.xlsx", phone(2))).customers_updated == 1
    new, old = customer_id_of(reader, phone(1)), customer_id_of(reader, phone(2))
    queries = {
        "backfill": "SELECT kind, operator_id, quantity, paid, amount, sessions_total, "
                    "sessions_used, purchased_on, expires_on, note, card_id IS NULL, "
                    "package_id IS NULL, item_id FROM backfill WHERE customer_id = :c",
        "ledger_entry": "SELECT account, amount, kind, ref_type, operator_id, card_id IS NULL "
                        "FROM ledger_entry WHERE customer_id = :c",
        "value_card": "SELECT name, card_type_id FROM value_card WHERE customer_id = :c",
        "customer_package": "SELECT plan_id, name, kind, price, purchased_on, activated_on, "
                            "expires_on, total_uses, used, invoice_id, closed_on "
                            "FROM customer_package WHERE customer_id = :c",
        "package_event": "SELECT e.change, e.delta_total, e.delta_used, e.value, e.old_expiry, "
                         "e.new_expiry, e.note, e.operator_id FROM package_event e JOIN "
                         "customer_package p ON p.id = e.package_id WHERE p.customer_id = :c",
        "spend_entry": "SELECT amount, ref_type, staff_id FROM spend_entry "
                       "WHERE customer_id = :c",
        "held_product_entry": "SELECT item_id, description, quantity, amount, kind, note, "
                              "staff_id FROM held_product_entry WHERE customer_id = :c",
    }
    with reader() as s:
        for table, sql in queries.items():
            def rows(cid: int, name: str, sql: str = sql) -> list[tuple]:
                return sorted((tuple("FILE" if v == f"import {name}" else v for v in row)
                               for row in s.execute(text(sql), {"c": cid})), key=repr)

            mine, theirs = rows(new, "moi.xlsx"), rows(old, "cu.xlsx")
            assert mine == theirs, table
            assert mine, table
        for table in ("backfill", "ledger_entry"):
            sources = s.execute(text(f"SELECT {'source' if table == 'backfill' else 'reason'}"
                                     f" FROM {table} WHERE customer_id IN (:a, :b)"),
                                {"a": new, "b": old}).scalars().all()
            assert {src.split(" ")[0] for src in sources} == {"import"}
    assert run_checks(engine) == []


def test_exported_members_import_into_another_salon(tmp_path, engine, reader, writer,
                                                   staff_id):
    """Export then import round-trips: the members of one salon, written by
    ``export_members``, come into a new salon with their codes, names, phones, points,
    ranking spend, stored value and debt (the columns it does not know are left alone)."""
    from salontui.store.db import make_engine, write_session
    from salontui.store.io.export import export_members
    from salontui.store.ledger import adjust_card, debt_balance
    from salontui.store.schema import upgrade
    from salontui.store.staff import create_staff

    first = run(writer, staff_id, workbook(tmp_path / "goc.xlsx", {"customers": [
        ["Name", "Phone", "Points", "Ranking spend", "Debt", "Birthday"],
        ["Nguyễn Thị Lan", phone(1), 120, 1_500_000, 30_000, date(1990, 3, 1)],
        ["Trần Văn Nam", phone(2), None, None, None, None]]}))
    assert first.written
    with writer() as s:
        adjust_card(s, staff_id=staff_id, customer_id=customer_id_of(reader, phone(2)),
                    card_name="General", amount=200_000, reason="nạp")
        exported = export_members(s, staff_id=staff_id, path=str(tmp_path / "members.xlsx"))
    assert exported.rows == 2
    other = make_engine(f"sqlite:///{tmp_path / 'other.db'}")
    upgrade(other)
    try:
        with write_session(other) as s:
            owner = create_staff(s, name="Chủ", role="owner").id
        with write_session(other) as s:
            report = import_customers(s, staff_id=owner, path=str(tmp_path / "members.xlsx"))
        assert report.written and report.customers_created == 2, report.errors
        with write_session(other) as s:
            rows = s.execute(text("SELECT id, code, name, phone FROM customer "
                                  "ORDER BY code")).all()
            lan, nam = (r.id for r in rows)
            figures = (points_balance(s, customer_id=lan), ranking_spend(s, lan),
                       debt_balance(s, customer_id=lan),
                       [c.balance for c in card_balances(s, customer_id=nam)])
    finally:
        other.dispose()
    with reader() as s:
        before = s.execute(text("SELECT id, code, name, phone FROM customer "
                                "ORDER BY code")).all()
    assert [tuple(r[1:]) for r in rows] == [tuple(r[1:]) for r in before]
    assert figures == (120, 1_500_000, 30_000, [200_000])


# -- care actions by file ------------------------------------------------------------------


def test_care_actions_by_file(tmp_path, engine, reader, writer, staff_id):
    with writer() as s:
        for n in (1, 2, 3):
            create_customer(s, staff_id=staff_id, name=f"Khách {n}", phone=phone(n))
        add_reason(s, staff_id=staff_id, care_type="care", name="Sinh nhật")
        add_reason(s, staff_id=staff_id, care_type="call", name="Xin lỗi")
    path = workbook(tmp_path / "cham.xlsx", {"Sheet": [
        ["Số điện thoại", "Hành động", "Loại chăm sóc", "Lý do", "Giá trị", "Ghi chú"],
        [phone(1), "give points", "care", "sinh nhat", 100, "Chúc mừng"],
        [phone(2), "Tặng điểm", "Chăm sóc", "Sinh nhật", 100, "Chúc mừng"],
        [phone(3), "give spend", "call", "Xin lỗi", 500_000, None],
        [phone(1), "deduct points", "care", "Sinh nhật", 10, None]]})
    bad = workbook(tmp_path / "sai.xlsx", {"Sheet": [
        ["Phone", "Action", "Care type", "Reason", "Value", "Note"],
        [phone(1), "give points", "care", "Sinh nhật", 100, None],
        [phone(2), "deduct points", "care", "Sinh nhật", 50, None],  # has none
        [phone(9), "give points", "care", "Sinh nhật", 5, None],  # nobody
        [phone(3), "jump", "care", "Sinh nhật", 5, None],
        [phone(3), "give spend", "care", "Unknown", "abc", None],
        [phone(1), "give points", "care", "Sinh nhật", 1, None]]})  # twice points for 1
    with reader() as s:
        report = dry_run_care(s, path=bad)
    assert sorted((e.row, e.column) for e in report.errors) == [
        (2, "Phone"), (3, "Value"), (4, "Phone"), (5, "Action"), (6, "Reason"), (6, "Value"),
        (7, "Phone")]
    assert report.sheets[0].rows == 6 and count(reader, "care_note") == 0
    with reader() as s:
        problem = dry_run_care(s, path=path)
    assert [(e.row, e.column) for e in problem.errors] == [(2, "Số điện thoại"),
                                                           (5, "Số điện thoại")]
    good = workbook(tmp_path / "tot.xlsx", {"Sheet": [
        ["Số điện thoại", "Hành động", "Loại chăm sóc", "Lý do", "Giá trị", "Ghi chú"],
        [phone(1), "give points", "care", "sinh nhat", 100, "Chúc mừng"],
        [phone(2), "Tặng điểm", "Chăm sóc", "Sinh nhật", 100, "Chúc mừng"],
        [phone(3), "give spend", "call", "Xin lỗi", 500_000, None]]})
    with writer() as s:
        done = import_care(s, staff_id=staff_id, path=good)
    assert done.written and done.changes == {"points": 2, "spend": 1}
    assert points_of(reader, phone(1)) == 100 and points_of(reader, phone(2)) == 100
    with reader() as s:
        notes = s.execute(text("SELECT type, title, description FROM care_note "
                               "ORDER BY id")).all()
        batches = s.execute(text("SELECT action, amount, status, total FROM care_batch "
                                 "ORDER BY id")).all()
        assert ranking_spend(s, customer_id_of(reader, phone(3))) == 500_000
    assert [tuple(n) for n in notes] == [("care", "Sinh nhật", "Chúc mừng")] * 2 + [
        ("call", "Xin lỗi", "")]
    assert [tuple(b) for b in batches] == [("points", 100, "done", 2),
                                           ("spend", 500_000, "done", 1)]
    assert run_checks(engine) == []


# -- the command line ----------------------------------------------------------------------


def test_the_command_line_template_dry_run_and_import(tmp_path, db_url, engine, reader,
                                                      staff_id):
    from openpyxl import load_workbook
    from typer.testing import CliRunner

    from salontui.cli import app

    runner = CliRunner()
    template = tmp_path / "mau.xlsx"
    made = runner.invoke(app, ["template", "customers", str(template)])
    assert made.exit_code == 0, made.output
    book = load_workbook(template, read_only=True)
    assert book.sheetnames == ["customers", "holdings", "help"]
    book.close()
    assert runner.invoke(app, ["template", "customers", str(template)]).exit_code == 1
    care = runner.invoke(app, ["template", "care-actions", str(tmp_path / "cham.xlsx")])
    assert care.exit_code == 0, care.output
    path = workbook(tmp_path / "khach.xlsx", {"customers": [
        ["Name", "Phone", "Points"], ["Lan", phone(1), 10], ["Mai", "123", 5],
        ["Hoa", phone(3), "x"]]})
    dry_run = runner.invoke(app, ["import", "customers", path, "--dry-run", "--db", db_url])
    assert dry_run.exit_code == 1
    assert "customers, row 3, Phone: '123' is not a valid phone number." in dry_run.output
    assert "customers, row 4, Points: 'x' is not a whole number." in dry_run.output
    assert "create: rows 2" in dry_run.output
    refused = runner.invoke(app, ["import", "customers", path, "--db", db_url])
    assert refused.exit_code == 1 and "Nothing was written" in refused.output
    assert count(reader, "customer") == 0
    skipped = runner.invoke(app, ["import", "customers", path, "--skip-bad-rows", "--db",
                                  db_url, "--points", "reset"])
    assert skipped.exit_code == 1 and "Imported khach.xlsx." in skipped.output
    assert points_of(reader, phone(1)) == 10
    good = workbook(tmp_path / "tot.xlsx", {"customers": [["Name", "Phone", "Points"],
                                                          ["Lan", phone(1), 5]]})
    done = runner.invoke(app, ["import", "customers", good, "--db", db_url,
                               "--staff", str(staff_id)])
    assert done.exit_code == 0, done.output
    assert points_of(reader, phone(1)) == 15
    wrong = runner.invoke(app, ["import", "customers", good, "--points", "double",
                                "--db", db_url])
    assert wrong.exit_code == 1 and "--points is add or reset." in wrong.output
    missing = runner.invoke(app, ["import", "care-actions", str(tmp_path / "no.xlsx"),
                                  "--db", db_url])
    assert missing.exit_code == 1 and "There is no file no.xlsx." in missing.output
