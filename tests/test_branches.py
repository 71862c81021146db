"""A chain's branches: invoices numbered per branch (with a prefix) without holes, the day
close and held checkouts of one branch or of the chain, a customer's invoices from every
branch with the branch named, staff of a branch; bad input changes nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from salontui.store.branches import (
    create_branch,
    find_branch,
    first_branch_id,
    list_branches,
    update_branch,
)
from salontui.store.cart import Cart, CartLine, CartPayment
from salontui.store.catalog import create_item
from salontui.store.check import run_checks
from salontui.store.checkout import checkout
from salontui.store.dayclose import day_close
from salontui.store.drafts import list_drafts, park_cart
from salontui.store.errors import NotFound, ValidationError
from salontui.store.invoices import invoice_id_by_code, list_invoices
from salontui.store.models import Staff
from salontui.store.staff import create_staff, list_staff


@pytest.fixture
def chain(writer, staff_id):
    with writer() as s:
        first = first_branch_id(s)
        second = create_branch(s, staff_id=staff_id, code="q2", name="Salon Quận 2",
                               address="12 Trần Não", invoice_prefix="q2-").id
        item = create_item(s, staff_id=staff_id, name="Cắt tóc nữ", kind="service",
                           price=200_000).id
    return first, second, item


def _sale(writer, staff_id, customer_id, item, branch, key, amount=200_000):
    with writer() as s:
        return checkout(s, staff_id=staff_id, idempotency_key=key, cart=Cart(
            customer_id=customer_id, branch_id=branch,
            lines=[CartLine(kind="service", item_id=item)],
            payments=[CartPayment("cash", amount)]))


def test_each_branch_numbers_its_invoices_and_the_books_stay_consistent(
        writer, reader, engine, staff_id, customer_id, chain, fixed_now):
    first, second, item = chain
    codes = [_sale(writer, staff_id, customer_id, item, branch, f"k{n}").code
             for n, branch in enumerate([None, second, first, second, second])]
    assert codes == ["HD000001", "Q2-HD000001", "HD000002", "Q2-HD000002", "Q2-HD000003"]
    with reader() as s:
        assert invoice_id_by_code(s, "q2-hd2") == invoice_id_by_code(s, "Q2-HD000002")
        assert invoice_id_by_code(s, "2") != invoice_id_by_code(s, "Q2-HD000002")
        # the customer's invoices from every branch, each named
        rows = {r.code: r.branch for r in list_invoices(s, customer_id=customer_id)}
        home = list_branches(s)[0].name
        assert rows == {"HD000001": home, "HD000002": home, "Q2-HD000001": "Salon Quận 2",
                        "Q2-HD000002": "Salon Quận 2", "Q2-HD000003": "Salon Quận 2"}
    assert run_checks(engine) == []


def test_the_day_close_of_a_branch_and_of_the_chain(writer, reader, staff_id, customer_id,
                                                    chain, fixed_now):
    first, second, item = chain
    _sale(writer, staff_id, customer_id, item, None, "a")
    _sale(writer, staff_id, customer_id, item, second, "b")
    _sale(writer, staff_id, customer_id, item, second, "c")
    day = date(2026, 11, 23)
    with reader() as s:
        chain_close = day_close(s, day=day)
        at_first = day_close(s, day=day, branch_id=first)
        at_second = day_close(s, day=day, branch_id=second)
    assert (at_first.sales_count, at_second.sales_count, chain_close.sales_count) == (1, 2, 3)
    assert at_first.takings["cash"] + at_second.takings["cash"] == chain_close.takings["cash"]


def test_held_checkouts_and_staff_of_a_branch(writer, reader, staff_id, customer_id, chain):
    first, second, item = chain
    with writer() as s:
        park_cart(s, staff_id=staff_id, label="ở Q2", cart=Cart(
            customer_id=customer_id, branch_id=second,
            lines=[CartLine(kind="service", item_id=item)]))
        park_cart(s, staff_id=staff_id, label="ở Q1", cart=Cart(
            customer_id=customer_id, lines=[CartLine(kind="service", item_id=item)]))
        stylist = create_staff(s, name="Võ Thị Mai", role="technician", staff_id=staff_id).id
        s.get(Staff, stylist).branch_id = second
    with reader() as s:
        assert [d.label for d in list_drafts(s, branch_id=second)] == ["ở Q2"]
        assert [d.label for d in list_drafts(s, branch_id=first)] == ["ở Q1"]
        assert len(list_drafts(s)) == 2
        assert "Võ Thị Mai" in [m.name for m in list_staff(s, branch_id=second)]
        assert "Võ Thị Mai" not in [m.name for m in list_staff(s, branch_id=first)]


@pytest.mark.parametrize(("fields", "field"), [
    ({"code": ""}, "code"),
    ({"code": "Q 1"}, "code"),
    ({"code": "X" * 11}, "code"),
    ({"code": "Q2"}, "code"),  # taken
    ({"name": "  "}, "name"),
    ({"name": "x" * 121}, "name"),
    ({"invoice_prefix": "Q2-"}, "invoice_prefix"),  # taken
    ({"invoice_prefix": "HD-"}, "invoice_prefix"),
    ({"invoice_prefix": "ABCDEFG"}, "invoice_prefix"),
    ({"invoice_prefix": "a b"}, "invoice_prefix"),
])
def test_bad_branches_are_refused_and_change_nothing(writer, reader, staff_id, chain, fields,
                                                     field):
    wanted = {"code": "Q3", "name": "Salon Quận 3", **fields}
    with reader() as s:
        before = s.execute(text("SELECT count(*) FROM audit_log")).scalar()
    with pytest.raises(ValidationError) as caught, writer() as s:
        create_branch(s, staff_id=staff_id, **wanted)
    assert caught.value.field == field
    with reader() as s:
        assert len(list_branches(s)) == 2
        assert s.execute(text("SELECT count(*) FROM audit_log")).scalar() == before


def test_changing_and_finding_branches(writer, reader, staff_id, chain):
    first, second, _item = chain
    with writer() as s:
        update_branch(s, staff_id=staff_id, branch_id=second, receipt_header="Chi nhánh Q2",
                      active=False)
    with reader() as s:
        assert [b.id for b in list_branches(s)] == [first]
        assert find_branch(s, code="q2").receipt_header == "Chi nhánh Q2"
        with pytest.raises(NotFound, match="Q9"):
            find_branch(s, code="Q9")
    with pytest.raises(ValidationError, match="first branch"), writer() as s:
        update_branch(s, staff_id=staff_id, branch_id=first, active=False)


def test_a_one_branch_salon_never_names_its_branch(writer, reader, staff_id, customer_id,
                                                   fixed_now):
    with writer() as s:
        item = create_item(s, staff_id=staff_id, name="Gội", kind="service", price=50_000).id
    _sale(writer, staff_id, customer_id, item, None, "only", amount=50_000)
    with reader() as s:
        assert [r.branch for r in list_invoices(s, customer_id=customer_id)] == [""]


def test_the_owner_opens_and_changes_branches_from_the_command_line(db_url, engine, staff_id):
    from typer.testing import CliRunner

    from salontui.cli import app

    runner = CliRunner()
    opened = runner.invoke(app, ["branch", "add", "Q2", "Salon Quận 2", "--invoice-prefix",
                                 "Q2-", "--db", db_url])
    assert opened.exit_code == 0, opened.output
    assert "Branch Q2 (Salon Quận 2) opened." in opened.output
    taken = runner.invoke(app, ["branch", "add", "q2", "Khác", "--db", db_url])
    assert taken.exit_code == 1 and "already used" in taken.output
    assert "Traceback" not in taken.output
    edited = runner.invoke(app, ["branch", "edit", "q2", "--address", "12 Trần Não", "--close",
                                 "--db", db_url])
    assert edited.exit_code == 0, edited.output
    listed = runner.invoke(app, ["branch", "list", "--db", db_url])
    assert "Q2         Salon Quận 2  [Q2-]  12 Trần Não  (closed)" in listed.output
    unknown = runner.invoke(app, ["branch", "edit", "Q9", "--name", "x", "--db", db_url])
    assert unknown.exit_code == 1 and "No branch Q9" in unknown.output
