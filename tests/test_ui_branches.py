"""A desk signed into one branch of a chain (``--branch``, remembered per terminal): its
invoices, receipts, held checkouts, refunds and staff pickers are that branch's, its day
close that branch's or the chain's; a customer's invoices name every branch. A salon with
one branch never sees the word."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import text
from test_ui_helpers import (
    SIZE,
    make_customer,
    open_detail,
    plain,
    read,
    settle,
    start,
    table_rows,
    type_text,
)

from salontui.app import SalonApp, run_desk
from salontui.screens.checkout import CheckoutScreen
from salontui.screens.day_close import DayCloseScreen
from salontui.screens.dialogs.held_checkouts import HeldCheckoutsDialog
from salontui.screens.dialogs.help import screen_keys
from salontui.screens.dialogs.invoice import InvoiceDialog
from salontui.screens.dialogs.refund import RefundDialog
from salontui.store.db import write_session


@pytest.fixture
def branch_file(tmp_path, monkeypatch):
    """This test's own memory of the desk's branch (not the developer's config folder)."""
    path = tmp_path / "config" / "desk-branch.json"
    monkeypatch.setenv("SALONTUI_BRANCH_FILE", str(path))
    return path


@pytest.fixture
def chain(engine, staff_id, fixed_now, branch_file, monkeypatch, tmp_path):
    """Two branches (Q1, the first, and Q2 with its own invoice numbers), a technician at
    each, a service, a customer, and a sale already paid at Q1."""
    from salontui.store.branches import create_branch, first_branch_id, update_branch
    from salontui.store.cart import Cart, CartLine, CartPayment
    from salontui.store.catalog import create_item
    from salontui.store.checkout import checkout
    from salontui.store.models import Staff
    from salontui.store.staff import create_staff

    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(tmp_path / "docs"))
    with write_session(engine) as s:
        first = first_branch_id(s)
        update_branch(s, staff_id=staff_id, branch_id=first, code="Q1", name="Salon Quận 1",
                      address="5 Lê Lợi")
        second = create_branch(s, staff_id=staff_id, code="Q2", name="Salon Quận 2",
                               address="12 Trần Não", phone="028 3744 0000",
                               receipt_header="Chi nhánh Thảo Điền", invoice_prefix="Q2-").id
        item = create_item(s, staff_id=staff_id, name="Cắt tóc nữ", kind="service",
                           price=150_000, code="DV01")
        at_first = create_staff(s, name="Lê Văn Tài", role="technician", staff_id=staff_id).id
        at_second = create_staff(s, name="Võ Thị Mai", role="technician", staff_id=staff_id).id
    with write_session(engine) as s:
        s.get(Staff, at_first).branch_id = first
        s.get(Staff, at_second).branch_id = second
    customer = make_customer(engine, staff_id)
    with write_session(engine) as s:
        checkout(s, staff_id=staff_id, idempotency_key="q1-sale", cart=Cart(
            customer_id=customer.id, lines=[CartLine(kind="service", item_id=item.id)],
            payments=[CartPayment("cash", 150_000)], branch_id=None))
    return {"first": first, "second": second, "item": item, "customer": customer}


async def keys(pilot, *pressed: str) -> None:
    await pilot.press(*pressed)
    await settle(pilot)


def invoices(engine):
    return read(engine, lambda s: s.execute(text(
        "SELECT code, branch_id, total FROM invoice ORDER BY id")).all())


async def test_a_desk_at_q2_pays_holds_and_refunds_there(db_url, engine, staff_id, chain,
                                                          branch_file):
    cid = chain["customer"].id
    app = SalonApp(db_url, staff_id=staff_id, branch="q2")
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        assert app.branch_id == chain["second"] and app.in_chain
        assert app.title.endswith("Salon Quận 2")  # the header says where the desk is
        app.push_screen(CheckoutScreen(cid))
        await settle(pilot)
        screen = app.screen
        # The staff chooser offers this branch's staff (and those of every branch).
        names = [m.name for m in screen.staff]
        assert "Võ Thị Mai" in names and "Lê Văn Tài" not in names
        await type_text(pilot, "DV01")
        await keys(pilot, "enter", "enter", "f9", "f10")
        assert screen.receipt_shown
        receipt = plain(screen.query_one("#receipt"))
        assert "Salon Quận 2" in receipt and "Chi nhánh Thảo Điền" in receipt
        assert "12 Trần Não" in receipt and "5 Lê Lợi" not in receipt
        await keys(pilot, "escape")
        assert invoices(engine)[-1] == ("Q2-HD000001", chain["second"], 150_000)

        # A cart held here is in this branch's held list; one held at Q1 is not.
        from salontui.store.cart import Cart, CartLine
        from salontui.store.drafts import park_cart

        with write_session(engine) as s:
            park_cart(s, staff_id=staff_id, label="ở Q1", cart=Cart(
                customer_id=cid, branch_id=chain["first"],
                lines=[CartLine(kind="service", item_id=chain["item"].id)]))
        app.push_screen(CheckoutScreen(None))
        await settle(pilot)
        await type_text(pilot, "DV01")
        await keys(pilot, "enter", "f11")
        assert read(engine, lambda s: s.execute(text(
            "SELECT branch_id FROM checkout_draft ORDER BY id")).scalars().all()) \
            == [chain["first"], chain["second"]]
        app.push_screen(HeldCheckoutsDialog())
        await settle(pilot)
        assert [row[1] for row in table_rows(app.screen, "#drafts")] == ["Walk-in"]
        await keys(pilot, "escape")

        # A refund done here is this branch's document.
        q1_sale = read(engine, lambda s: s.execute(text(
            "SELECT id FROM invoice WHERE code = 'HD000001'")).scalar())
        app.push_screen(RefundDialog(q1_sale))
        await settle(pilot)
        await keys(pilot, "enter")  # no reason yet: the reason field is focused
        await type_text(pilot, "Khách đổi ý")
        await keys(pilot, "enter")
        assert "Salon Quận 2" in plain(app.screen.query_one("#receipt"))
        await keys(pilot, "escape")
    assert invoices(engine)[-1] == ("Q2-HD000002", chain["second"], -150_000)
    # Remembered for this database, without its password (a SQLite file has none).
    assert json.loads(branch_file.read_text(encoding="utf-8")) == {db_url: "Q2"}


async def test_the_day_close_is_the_branch_s_and_b_shows_the_chain_s(db_url, engine, staff_id,
                                                                    chain, tmp_path):
    from salontui.store.cart import Cart, CartLine, CartPayment
    from salontui.store.checkout import checkout

    with write_session(engine) as s:
        checkout(s, staff_id=staff_id, idempotency_key="q2-sale", cart=Cart(
            customer_id=chain["customer"].id, branch_id=chain["second"],
            lines=[CartLine(kind="service", item_id=chain["item"].id, discount=50_000)],
            payments=[CartPayment("card", 100_000)]))
    app = SalonApp(db_url, staff_id=staff_id, branch="Q2")
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        app.push_screen(DayCloseScreen())
        await settle(pilot)
        screen = app.screen
        head = plain(screen.query_one("#day-head"))
        assert head.startswith("Salon Quận 2 · ") and "b whole chain" in head
        assert table_rows(screen, "#methods") == [
            ["Bank card", "100.000 ₫", "", "100.000 ₫"], ["Total", "100.000 ₫", "0 ₫", "100.000 ₫"]]
        assert any(key == "b" for key, _does, _now in screen_keys(screen))
        await keys(pilot, "b")
        head = plain(screen.query_one("#day-head"))
        assert head.startswith("Whole chain · ") and "b this branch" in head
        assert table_rows(screen, "#methods")[-1] == ["Total", "250.000 ₫", "0 ₫", "250.000 ₫"]
        await keys(pilot, "p")
        await settle(pilot, rounds=3)
        assert screen.saved_path.name.endswith("-chain.txt")
        assert "Whole chain" in screen.saved_path.read_text(encoding="utf-8")
        await keys(pilot, "b")
        assert table_rows(screen, "#methods")[-1][1] == "100.000 ₫"


async def test_the_customer_s_invoices_name_every_branch(db_url, engine, staff_id, chain):
    from salontui.store.cart import Cart, CartLine, CartPayment
    from salontui.store.checkout import checkout

    with write_session(engine) as s:
        checkout(s, staff_id=staff_id, idempotency_key="q2-sale", cart=Cart(
            customer_id=chain["customer"].id, branch_id=chain["second"],
            lines=[CartLine(kind="service", item_id=chain["item"].id)],
            payments=[CartPayment("cash", 150_000)]))
    app = SalonApp(db_url, staff_id=staff_id, branch="Q1")
    async with app.run_test(size=(120, 40)) as pilot:
        await start(app, pilot)
        detail = await open_detail(app, pilot, chain["customer"].id)
        await keys(pilot, "3")
        table = detail.query_one("#invoices-table")
        assert [c.label for c in table.specs][:3] == ["Code", "Date", "Branch"]
        assert {(row[0], row[2]) for row in table_rows(detail, "#invoices-table")} == {
            ("Q2-HD000001", "Salon Quận 2"), ("HD000001", "Salon Quận 1")}
        assert table._widths[2] > 0  # shown: there is room
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        # at 80 the branch stays: Usage and Cashier are left out before it
        labels = [c.label for c in table.specs]
        assert table._widths[2] > 0
        assert table._widths[labels.index("Usage")] == 0
        table.select_key(table._rows[0][0])
        await keys(pilot, "enter")
        assert isinstance(app.screen, InvoiceDialog)
        assert "Branch: Salon Quận 2" in plain(app.screen.query_one("#invoice-head"))


async def test_the_remembered_branch_opens_the_next_start(db_url, staff_id, chain, branch_file):
    app = SalonApp(db_url, staff_id=staff_id, branch="Q2")
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
    again = SalonApp(db_url, staff_id=staff_id)  # no --branch
    async with again.run_test(size=SIZE) as pilot:
        await start(again, pilot)
        assert again.branch_id == chain["second"]
        assert again.title.endswith("Salon Quận 2")
    # A closed branch is not opened again: the first, and the desk says so.
    from salontui.store.branches import update_branch

    with write_session(again.engine) as s:
        update_branch(s, staff_id=staff_id, branch_id=chain["second"], active=False)
    third = SalonApp(db_url, staff_id=staff_id)
    async with third.run_test(size=SIZE) as pilot:
        await start(third, pilot)
        assert third.branch_id is None and not third.in_chain  # one open branch: none named
        assert third.title == "Salon"


async def test_an_unknown_branch_is_one_sentence_and_the_desk_does_not_open(
        db_url, engine, staff_id, chain, branch_file):
    app = SalonApp(db_url, staff_id=staff_id, branch="Q9")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, rounds=4)
        assert app.refusal == "No branch Q9 (the branches are: Q1, Q2)."
        assert app.return_code == 1 and app.staff_id is None and not app.ready
    assert not branch_file.exists()  # nothing remembered
    # A closed branch is refused the same way, naming the open ones.
    from salontui.app import BranchRefused, read_place
    from salontui.store.branches import update_branch

    with write_session(engine) as s:
        update_branch(s, staff_id=staff_id, branch_id=chain["second"], active=False)
    with pytest.raises(BranchRefused, match=r"^Branch Q2 is closed \(the open branches are: "
                                            r"Q1\)\.$"):
        read_place(engine, "Q2")


def test_run_desk_says_the_unknown_branch_on_stderr_with_status_1(db_url, engine, chain,
                                                                    monkeypatch, capsys):
    from textual.app import App

    def headless(self):  # the terminal of a test: no screen to draw on
        return App.run(self, headless=True, size=SIZE)

    monkeypatch.setattr(SalonApp, "run", headless)
    with pytest.raises(SystemExit) as stopped:
        run_desk(db_url, branch="Q9")
    assert stopped.value.code == 1
    assert capsys.readouterr().err == "No branch Q9 (the branches are: Q1, Q2).\n"


def test_branch_is_a_desk_option(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    import salontui.app
    from salontui.cli import app as cli
    from salontui.launch import desk_options

    assert desk_options(["--branch", "Q2", "--db=a.db"]) == {
        "db": "a.db", "demo_if_empty": False, "staff_id": None, "branch": "Q2"}
    assert desk_options(["--branch"]) is None and desk_options(["--branch="]) is None
    opened = []
    monkeypatch.setattr(salontui.app, "run_desk", lambda url, **kw: opened.append(kw))
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "x.db"), "--branch", "Q2"])
    assert result.exit_code == 0, result.output
    assert opened == [{"demo_if_empty": False, "staff_id": None, "branch": "Q2"}]


async def test_a_one_branch_salon_never_names_a_branch(db_url, engine, staff_id, fixed_now):
    """No --branch, no header, no key, no column: and its rows keep no branch."""
    from test_ui_helpers import make_service, pay_service

    customer = make_customer(engine, staff_id)
    pay_service(engine, staff_id, customer.id, make_service(engine, staff_id), key="one")
    app = SalonApp(db_url, staff_id=staff_id)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        assert app.branch_id is None and app.branch is None and app.title == "Salon"
        app.push_screen(DayCloseScreen())
        await settle(pilot)
        screen = app.screen
        words = plain(screen.query_one("#day-head")) + " ".join(
            does for _key, does, _now in screen_keys(screen))
        assert "branch" not in words.lower() and "chain" not in words.lower()
        await keys(pilot, "b")  # no such key here
        assert not screen.whole_chain
        await keys(pilot, "escape")
        detail = await open_detail(app, pilot, customer.id)
        await keys(pilot, "3")
        assert "Branch" not in [c.label for c in detail.query_one("#invoices-table").specs]
    assert read(engine, lambda s: s.execute(text(
        "SELECT branch_id FROM invoice")).scalars().all()) == [None]
