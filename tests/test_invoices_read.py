"""The invoices and appointments tabs: paged reads, the invoice in full, bookings and their
states."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import event, text

from salontui.store.customers import create_customer
from salontui.store.day.appointments import invoice_state
from salontui.store.errors import NotFound, ValidationError
from salontui.store.invoices import count_invoices, get_invoice, list_invoices

NOW = datetime(2026, 11, 23, 9, 30)


def _invoice(session, *, customer_id, staff_id, code, at, lines, payments=None, kind="sale",
             discount=0, refund_of=None, note=""):
    """A paid invoice written directly (the checkout is tested elsewhere): lines are
    (kind, description, quantity, unit_price, discount, staff_id[, card_id]) tuples."""
    subtotal = sum(q * p - d for _k, _t, q, p, d, *_rest in lines)
    total = subtotal - discount
    invoice_id = session.execute(text(
        "INSERT INTO invoice (code, customer_id, created_at, kind, subtotal, discount, total, "
        "staff_id, refund_of_id, note) VALUES (:code, :c, :at, :kind, :s, :d, :t, :staff, "
        ":r, :note) RETURNING id"),
        {"code": code, "c": customer_id, "at": at, "kind": kind, "s": subtotal, "d": discount,
         "t": total, "staff": staff_id, "r": refund_of, "note": note}).scalar_one()
    for line_kind, description, quantity, price, line_discount, line_staff, *card in lines:
        session.execute(text(
            "INSERT INTO invoice_line (invoice_id, kind, description, quantity, unit_price, "
            "discount, amount, credit, staff_id, card_id, picked_up) VALUES (:i, :k, :t, :q, "
            ":p, :d, :a, 0, :s, :card, TRUE)"),
            {"i": invoice_id, "k": line_kind, "t": description, "q": quantity, "p": price,
             "d": line_discount, "a": quantity * price - line_discount, "s": line_staff,
             "card": card[0] if card else None})
    for method, amount, card_id, points in payments or [("cash", total, None, 0)]:
        session.execute(text(
            "INSERT INTO payment (invoice_id, method, amount, card_id, points) "
            "VALUES (:i, :m, :a, :c, :p)"),
            {"i": invoice_id, "m": method, "a": amount, "c": card_id, "p": points})
    return invoice_id


def _many(session, *, customer_id, staff_id, count, start, first_code=1):
    """``count`` one-line invoices, one a day from ``start``, in one executemany each."""
    conn = session.connection()
    conn.execute(text(
        "INSERT INTO invoice (code, customer_id, created_at, kind, subtotal, discount, total, "
        "staff_id, note) VALUES (:code, :c, :at, 'sale', 100000, 0, 100000, :s, '')"),
        [{"code": f"HD{first_code + n:06d}", "c": customer_id, "at": start + timedelta(days=n),
          "s": staff_id} for n in range(count)])
    conn.execute(text(
        "INSERT INTO invoice_line (invoice_id, kind, description, quantity, unit_price, "
        "discount, amount, credit, picked_up) SELECT id, 'service', 'Cắt tóc nữ', 1, 100000, "
        "0, 100000, 0, TRUE FROM invoice WHERE customer_id = :c"), {"c": customer_id})


@pytest.fixture
def second_customer(writer, staff_id) -> int:
    with writer() as s:
        return create_customer(s, staff_id=staff_id, name="Trần Văn Bình",
                               phone="0912 000 111").id


# -- invoices ---------------------------------------------------------------------------------


def test_list_newest_first_with_item_usage_quantity_and_staff(writer, reader, staff_id,
                                                             technician_id, customer_id):
    with writer() as s:
        _invoice(s, customer_id=customer_id, staff_id=staff_id, code="HD000001",
                 at=datetime(2026, 11, 1, 3, 0),
                 lines=[("service", "Gội đầu dưỡng sinh", 1, 120_000, 0, technician_id)])
        _invoice(s, customer_id=customer_id, staff_id=staff_id, code="HD000002",
                 at=datetime(2026, 11, 20, 3, 0),
                 lines=[("service", "Cắt tóc nữ", 1, 150_000, 0, technician_id),
                        ("product", "Dầu gội bưởi 250ml", 2, 180_000, 36_000, staff_id),
                        ("redeem", "Gói 10 lần gội đầu", 1, 0, 0, technician_id)])
    with reader() as s:
        rows = list_invoices(s, customer_id=customer_id)
    assert [r.code for r in rows] == ["HD000002", "HD000001"]
    newest = rows[0]
    assert newest.item == "Cắt tóc nữ +2 more"
    assert newest.usage_type == "service,product,redeem"
    assert newest.quantity == 4
    assert newest.total == 150_000 + 2 * 180_000 - 36_000
    assert newest.staff_name == "Trần Thu Hà"
    assert newest.created_at == datetime(2026, 11, 20, 3, 0)
    assert rows[1].item == "Gội đầu dưỡng sinh" and rows[1].usage_type == "service"


def test_only_this_customers_invoices(writer, reader, staff_id, customer_id, second_customer):
    with writer() as s:
        _invoice(s, customer_id=customer_id, staff_id=staff_id, code="HD000001",
                 at=NOW, lines=[("service", "Nối mi", 1, 300_000, 0, staff_id)])
        _invoice(s, customer_id=second_customer, staff_id=staff_id, code="HD000002",
                 at=NOW, lines=[("service", "Cắt tóc nam", 1, 80_000, 0, staff_id)])
    with reader() as s:
        assert [r.code for r in list_invoices(s, customer_id=second_customer)] == ["HD000002"]
        assert count_invoices(s, customer_id=customer_id) == 1
        assert list_invoices(s, customer_id=999_999) == []


def test_paging_is_in_sql_and_deep_pages_work(writer, reader, engine, staff_id, customer_id):
    """5,000 invoices: any page comes from an index range with LIMIT/OFFSET (no sort of the
    customer's invoices), and only that page's lines are read."""
    with writer() as s:
        _many(s, customer_id=customer_id, staff_id=staff_id, count=5000,
              start=datetime(2012, 1, 1, 3, 0))
    seen: list[str] = []

    def remember(conn, cursor, statement, parameters, context, executemany):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", remember)
    try:
        with reader() as s:
            page = list_invoices(s, customer_id=customer_id, limit=100, offset=4900)
            total = count_invoices(s, customer_id=customer_id)
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    assert total == 5000
    assert len(page) == 100
    assert page[0].code == "HD000100" and page[-1].code == "HD000001"
    listing = next(q for q in seen if "LIMIT" in q and "FROM invoice" in q)
    if engine.dialect.name == "sqlite":  # (PostgreSQL's planner picks by table statistics)
        with engine.connect() as conn:
            plan = " ".join(str(r[-1]) for r in conn.exec_driver_sql(
                f"EXPLAIN QUERY PLAN {listing}", (customer_id, 100, 4900)))
        # the page is found in the index alone: skipping 4,900 rows reads no table row
        assert "COVERING INDEX ix_invoice_customer_created" in plan
        assert "TEMP B-TREE" not in plan
    for table in ("invoice_line", "invoice i", "invoice LEFT"):
        query = [q for q in seen if f"FROM {table}" in q]
        # the page's ids only (SQLite's placeholders are "?", psycopg's "%(name)s")
        assert all(q.count("?") + q.count("%(") <= 100 for q in query)
    assert any("FROM invoice_line" in q for q in seen)


def test_dates_are_the_salons_calendar_days(writer, reader, staff_id, customer_id):
    # 17:30 UTC on the 22nd is 00:30 on the 23rd in Vietnam (UTC+7).
    with writer() as s:
        _invoice(s, customer_id=customer_id, staff_id=staff_id, code="HD000001",
                 at=datetime(2026, 11, 22, 17, 30), lines=[("service", "A", 1, 1000, 0, None)])
        _invoice(s, customer_id=customer_id, staff_id=staff_id, code="HD000002",
                 at=datetime(2026, 11, 22, 16, 30), lines=[("service", "B", 1, 1000, 0, None)])
    with reader() as s:
        on_23 = list_invoices(s, customer_id=customer_id, date_from=date(2026, 11, 23),
                              date_to=date(2026, 11, 23))
        on_22 = list_invoices(s, customer_id=customer_id, date_from=date(2026, 11, 22),
                              date_to=date(2026, 11, 22))
        assert [r.code for r in on_23] == ["HD000001"]
        assert [r.code for r in on_22] == ["HD000002"]
        assert count_invoices(s, customer_id=customer_id, date_from=date(2026, 11, 23),
                              date_to=None) == 1
        assert count_invoices(s, customer_id=customer_id, date_from=None,
                              date_to=date(2026, 11, 22)) == 1


def test_bad_dates_and_paging_are_refused(reader, customer_id):
    with reader() as s:
        with pytest.raises(ValidationError) as err:
            list_invoices(s, customer_id=customer_id, date_from=date(2026, 2, 1),
                          date_to=date(2026, 1, 1))
        assert err.value.field == "date_to"
        with pytest.raises(ValidationError):
            count_invoices(s, customer_id=customer_id, date_from="yesterday", date_to=None)
        with pytest.raises(ValidationError):
            list_invoices(s, customer_id=customer_id, limit=-1)


def test_invoice_in_full(writer, reader, staff_id, technician_id, customer_id):
    with writer() as s:
        card_id = s.execute(text(
            "INSERT INTO value_card (customer_id, name, created_at) VALUES (:c, 'General', :t) "
            "RETURNING id"), {"c": customer_id, "t": NOW}).scalar_one()
        sale = _invoice(
            s, customer_id=customer_id, staff_id=staff_id, code="HD000001", at=NOW,
            lines=[("service", "Massage body", 1, 350_000, 0, technician_id),
                   ("product", "Serum dưỡng tóc", 1, 350_000, 50_000, staff_id)],
            discount=50_000, payments=[("value", 300_000, card_id, 0),
                                       ("points", 100_000, None, 1000),
                                       ("cash", 200_000, None, 0)])
        refund = _invoice(
            s, customer_id=customer_id, staff_id=staff_id, code="HD000002",
            at=NOW + timedelta(hours=1), kind="refund", refund_of=sale,
            note="Khách không hài lòng",
            lines=[("service", "Massage body", -1, 350_000, 0, technician_id)],
            payments=[("cash", -350_000, None, 0)])
    with reader() as s:
        detail = get_invoice(s, invoice_id=sale)
        back = get_invoice(s, invoice_id=refund)
    assert (detail.code, detail.kind, detail.customer_name) == ("HD000001", "sale",
                                                                "Nguyễn Thị Hương")
    assert (detail.subtotal, detail.discount, detail.total) == (650_000, 50_000, 600_000)
    assert detail.staff_name == "Trần Thu Hà"
    assert [(ln.kind, ln.description, ln.amount, ln.staff_name) for ln in detail.lines] == [
        ("service", "Massage body", 350_000, "Lê Văn Tài"),
        ("product", "Serum dưỡng tóc", 300_000, "Trần Thu Hà")]
    assert detail.lines[1].discount == 50_000 and detail.lines[1].unit_price == 350_000
    assert [(p.method, p.amount, p.card_name, p.points) for p in detail.payments] == [
        ("value", 300_000, "General", 0), ("points", 100_000, None, 1000),
        ("cash", 200_000, None, 0)]
    assert detail.refund_of_code is None
    assert back.refund_of_code == "HD000001" and back.total == -350_000
    assert back.note == "Khách không hài lòng"


def test_walk_in_invoice_and_unknown_invoice(writer, reader, staff_id):
    with writer() as s:
        walk_in = _invoice(s, customer_id=None, staff_id=staff_id, code="HD000001", at=NOW,
                           lines=[("product", "Dầu xả", 1, 220_000, 0, None)])
    with reader() as s:
        detail = get_invoice(s, invoice_id=walk_in)
        assert detail.customer_id is None and detail.customer_name is None
        with pytest.raises(NotFound):
            get_invoice(s, invoice_id=walk_in + 100)


# -- appointments: tests/test_day_book.py ------------------------------------------------


def test_invoice_state_rule():
    assert invoice_state("checked_in", None) == "to_cashier"
    assert invoice_state("paid", 7) == "view"
    assert invoice_state("checked_in", 7) == "view"
    for status in ("booked", "cancelled", "no_show"):
        assert invoice_state(status, None) == "none"


def test_a_merged_duplicates_invoices_are_listed_with_the_customer_kept(
        fixed_now, writer, reader, staff_id, customer_id, second_customer):
    from salontui.store.merge import merge_customers, undo_merge

    with writer() as s:
        _invoice(s, customer_id=customer_id, staff_id=staff_id, code="HD000001",
                 at=NOW - timedelta(days=2), lines=[("service", "Nối mi", 1, 300_000, 0, None)])
        _invoice(s, customer_id=second_customer, staff_id=staff_id, code="HD000002",
                 at=NOW - timedelta(days=1), lines=[("service", "Cắt tóc", 1, 80_000, 0, None)])
        merged = merge_customers(s, staff_id=staff_id, keep_id=customer_id,
                                 merge_id=second_customer)
    with reader() as s:
        assert [r.code for r in list_invoices(s, customer_id=customer_id)] == [
            "HD000002", "HD000001"]
        assert count_invoices(s, customer_id=customer_id) == 2
    with writer() as s:
        undo_merge(s, staff_id=staff_id, merge_id=merged.merge_id)
    with reader() as s:
        assert [r.code for r in list_invoices(s, customer_id=customer_id)] == ["HD000001"]
        assert count_invoices(s, customer_id=second_customer) == 1
