"""The search screen: start-up, search as you type, open, new customer, deleted customers."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from test_ui_helpers import (
    SIZE,
    fill,
    make_customer,
    plain,
    read,
    settle,
    start,
    table_rows,
    type_text,
)

from salontui.app import SalonApp
from salontui.screens.base import Handlers, StoreDone
from salontui.screens.detail import CustomerDetailScreen
from salontui.screens.dialogs.customer_form import CustomerFormDialog
from salontui.screens.dialogs.duplicate import DuplicateCustomerDialog
from salontui.screens.search import SEARCH, CustomerSearchScreen
from salontui.store.customers import delete_customer, get_customer
from salontui.store.db import write_session
from salontui.widgets.inputs import DeskInput


def count_customers(engine) -> int:
    return read(engine, lambda s: s.execute(text("SELECT count(*) FROM customer")).scalar())


@pytest.fixture
def people(engine, staff_id, fixed_now):
    """Three customers, made through the store."""
    return [
        make_customer(engine, staff_id),  # Nguyễn Thị Hương, 0935 320 888
        make_customer(engine, staff_id, name="Đặng Văn Lâm", phone="0912 345 678"),
        make_customer(engine, staff_id, name="Phạm Minh Anh", phone="0987 111 222"),
    ]


@pytest.fixture
def app(db_url, staff_id, people):
    return SalonApp(db_url, staff_id=staff_id)


async def test_paints_then_loads_and_signs_in(app):
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, CustomerSearchScreen)
        await start(app, pilot)
        assert app.status == "Ready"
        assert app.sub_title == "Trần Thu Hà"
        assert plain(app.screen.query_one("#status")).startswith("Ready")
        rows = table_rows(app.screen, "#results")
        assert [r[0] for r in rows] == ["KH000003", "KH000002", "KH000001"]  # newest first
        assert all(box.cursor_blink is False for box in app.screen.query(DeskInput))


async def test_search_as_you_type_by_name_phone_and_code(app):
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        await type_text(pilot, "nguyen thi huong")  # no case, no diacritics
        await settle(pilot)
        rows = table_rows(app.screen, "#results")
        assert [r[1] for r in rows] == ["Nguyễn Thị Hương"]
        assert rows[0][2] == "0935 320 888"
        assert "1 found" in plain(app.screen.query_one("#status"))
        await fill(pilot, "query", "5678")  # the last digits of the phone
        await settle(pilot)
        assert [r[1] for r in table_rows(app.screen, "#results")] == ["Đặng Văn Lâm"]
        await fill(pilot, "query", "kh3")
        await settle(pilot)
        assert [r[0] for r in table_rows(app.screen, "#results")] == ["KH000003"]
        await pilot.press("escape")  # clears the search: the newest customers again
        await settle(pilot)
        assert app.screen.query_one("#query").value == ""
        assert len(table_rows(app.screen, "#results")) == 3


async def test_up_down_move_from_the_input_and_enter_opens(app, people):
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        screen = app.screen
        await pilot.press("down", "down")
        assert isinstance(screen.focused, DeskInput)  # focus never left the input
        assert screen.query_one("#results").cursor_row == 2
        await pilot.press("up")
        assert screen.query_one("#results").cursor_row == 1
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CustomerDetailScreen)
        assert app.screen.customer_id == people[1].id
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen


async def test_stale_answers_are_dropped(app, people):
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        screen = app.screen
        before = table_rows(screen, "#results")
        gate = threading.Event()

        def slow(_session):
            gate.wait(10)
            return []

        newest = screen.ask(slow, screen.show_results, tag=SEARCH)
        # An older answer arriving while the newest is on its way: it must not show.
        app.pending_calls += 1  # counted as the store counts what it asks
        screen.post_message(StoreDone(SEARCH, newest - 1, Handlers(screen.show_results),
                                      value=screen.rows[:1]))
        await pilot.pause()
        assert table_rows(screen, "#results") == before
        assert app.pending_calls == 1  # the newest, still on its way
        gate.set()
        await settle(pilot)
        assert table_rows(screen, "#results") == []  # the newest answer: no rows
        assert app.pending_calls == 0


async def test_keys_typed_while_a_query_runs_start_one_more_query(app, monkeypatch):
    """At most one query in flight: keys typed while it runs only mark the search as due,
    and its answer starts one more query with what is typed by then (a 4,000-key paste
    typed key by key costs a few queries, not 4,000)."""
    from salontui.store import search

    real = search.search_customers
    gate = threading.Event()
    queries = []

    def held(session, *, query, **kw):
        queries.append(query)
        gate.wait(10)
        return real(session, query=query, **kw)

    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        screen = app.screen
        monkeypatch.setattr(search, "search_customers", held)
        await type_text(pilot, "pham")  # "p" is asked; "h", "a", "m" wait for its answer
        assert screen.searching and screen.search_due
        assert app.pending_calls == 1
        gate.set()
        await settle(pilot)
        assert queries == ["p", "pham"]
        assert [r[1] for r in table_rows(screen, "#results")] == ["Phạm Minh Anh"]
        assert app.pending_calls == 0 and not screen.searching and not screen.search_due


async def test_a_refused_search_clears_the_results(app):
    """A paste carrying a control character (a terminal's bell) is a query the store
    refuses: the rows of the search before go, and the status says why."""
    from textual.events import Paste

    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        screen = app.screen
        await type_text(pilot, "nguyen")
        await settle(pilot)
        assert [r[1] for r in table_rows(screen, "#results")] == ["Nguyễn Thị Hương"]
        screen.query_one("#query", DeskInput).post_message(Paste(" thi\x07"))
        await settle(pilot)
        assert screen.query_one("#query", DeskInput).value == "nguyen thi\x07"
        assert table_rows(screen, "#results") == []
        assert screen.rows == []
        status = plain(screen.query_one("#status"))
        assert status.startswith("Search failed:") and "control character U+0007" in status
        assert app.pending_calls == 0
        await pilot.press("backspace")  # the query is good again: so are the results
        await settle(pilot)
        assert [r[1] for r in table_rows(screen, "#results")] == ["Nguyễn Thị Hương"]


async def test_new_customer_is_saved_and_opened(app, engine):
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        await pilot.press("f3")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, CustomerFormDialog)
        assert dialog.focused.id == "name"  # the first field has focus
        await type_text(pilot, "Võ Thị Sáu")
        await pilot.press("tab")
        assert dialog.focused.id == "phone"  # Tab moves on
        await type_text(pilot, "0905 123 456")
        await fill(pilot, "birthday", "02/09/1990")
        await fill(pilot, "email", "sau@example.com")
        await pilot.press("enter")  # Enter confirms from any field
        await settle(pilot)
        assert isinstance(app.screen, CustomerDetailScreen)
        record = read(engine, lambda s: get_customer(s, customer_id=app.screen.customer_id))
        assert (record.name, record.phone, record.email) == ("Võ Thị Sáu", "+84905123456",
                                                             "sau@example.com")
        assert record.birthday.isoformat() == "1990-09-02"


async def test_new_customer_bad_input_is_shown_at_the_field(app, engine):
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        before = count_customers(engine)
        await pilot.press("f3")
        await settle(pilot)
        dialog = app.screen
        for name, phone, birthday, email, field, message in (
            ("", "0905 123 456", "", "", "name", "Name is required."),
            ("Võ Thị Sáu", "", "", "", "phone", "Phone is required."),
            ("Võ Thị Sáu", "12", "", "", "phone", "not a valid phone number"),
            ("Võ Thị Sáu", "0905 123 456", "31/02/1990", "", "birthday", "is not a date"),
            ("Võ Thị Sáu", "0905 123 456", "01/01/2099", "", "birthday", "future"),
            ("Võ Thị Sáu", "0905 123 456", "", "sau at home", "email", "not an email"),
        ):
            await fill(pilot, "name", name)
            await fill(pilot, "phone", phone)
            await fill(pilot, "birthday", birthday)
            await fill(pilot, "email", email)
            await pilot.press("enter")
            await settle(pilot)
            assert app.screen is dialog  # still open
            assert message in dialog.errors().get(field, ""), (field, dialog.errors())
            assert count_customers(engine) == before
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CustomerSearchScreen)
        assert count_customers(engine) == before


async def test_duplicate_phone_offers_the_existing_customer(app, engine, people):
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        before = count_customers(engine)
        await pilot.press("f3")
        await settle(pilot)
        await type_text(pilot, "Hương Nguyễn")
        await fill(pilot, "phone", "0935320888")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DuplicateCustomerDialog)
        assert "KH000001" in plain(app.screen.query_one(".warning-text"))
        await pilot.press("enter")  # open the existing one
        await settle(pilot)
        assert isinstance(app.screen, CustomerDetailScreen)
        assert app.screen.customer_id == people[0].id
        assert count_customers(engine) == before


async def test_duplicate_name_can_be_saved_anyway(app, engine):
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        before = count_customers(engine)
        await pilot.press("f3")
        await settle(pilot)
        await type_text(pilot, "Pham Minh Anh")  # same folded name as KH000003
        await fill(pilot, "phone", "0903 000 111")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DuplicateCustomerDialog)
        await pilot.press("c")  # create anyway
        await settle(pilot)
        assert isinstance(app.screen, CustomerDetailScreen)
        assert count_customers(engine) == before + 1


async def test_duplicate_back_returns_to_the_form(app, engine):
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        before = count_customers(engine)
        await pilot.press("f3")
        await settle(pilot)
        await type_text(pilot, "Someone")
        await fill(pilot, "phone", "0912345678")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CustomerFormDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CustomerSearchScreen)
        assert count_customers(engine) == before


async def test_show_deleted_and_restore(app, engine, staff_id, people):
    with write_session(engine) as s:
        delete_customer(s, staff_id=staff_id, customer_id=people[1].id)
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        screen = app.screen
        assert "Đặng Văn Lâm" not in [r[1] for r in table_rows(screen, "#results")]
        assert screen.check_action("restore_customer", ()) is False  # F5 hidden
        await pilot.press("f4")
        await settle(pilot)
        assert [r[1] for r in table_rows(screen, "#results")] == ["Đặng Văn Lâm"]
        assert "DELETED" in plain(screen.query_one("#mode"))
        await pilot.press("f5")
        await settle(pilot)
        assert read(engine, lambda s: get_customer(s, customer_id=people[1].id)).deleted_at \
            is None
        assert table_rows(screen, "#results") == []
        await pilot.press("f4")
        await settle(pilot)
        assert "Đặng Văn Lâm" in [r[1] for r in table_rows(screen, "#results")]


async def test_palette_offers_the_screen_commands(app):
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        names = [name for name, _help, _cb in app.screen.palette_commands()]
        for wanted in ("New customer", "Show deleted customers", "Restore customer"):
            assert wanted in names
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, "néw cùstomer")  # accents and case do not matter
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CustomerFormDialog)


async def test_f1_lists_the_keys_of_the_screen(app):
    from salontui.screens.dialogs.help import HelpDialog

    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpDialog)
        described = {text for _key, text, _on in app.screen.keys}
        assert {"New customer", "Show deleted customers (again: back to the others)", "Open",
                "Help", "Switch staff member", "Quit"} <= described
        keys = [key for key, _text, _on in app.screen.keys]
        assert keys.count("f2") == 1 and keys.count("f1") == 1  # the app's keys once
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, CustomerSearchScreen)


@pytest.mark.parametrize(("typed", "error"), [
    ("", "Enter the invoice code"),
    ("HD999999", "No invoice HD999999"),
    ("KH000001", "not an invoice code"),
    ("12x", "not an invoice code"),
])
async def test_find_invoice_refuses_empty_unknown_and_malformed_codes(app, typed, error):
    from salontui.screens.dialogs.find_invoice import FindInvoiceDialog

    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        await pilot.press("f9")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, FindInvoiceDialog)
        await type_text(pilot, typed)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is dialog
        assert error.lower() in dialog.errors()["code"].lower()


async def test_find_invoice_by_the_code_on_the_receipt(app, engine, staff_id, people):
    """F9, the code as printed or just its number, Enter: the invoice, ready to refund."""
    from test_ui_helpers import make_service, pay_service

    from salontui.screens.dialogs.invoice import InvoiceDialog

    service = make_service(engine, staff_id)
    for n in range(3):
        pay_service(engine, staff_id, people[0].id, service, key=f"k{n}")
    async with app.run_test(size=SIZE) as pilot:
        await start(app, pilot)
        for typed, code in (("hd000002", "HD000002"), ("3", "HD000003")):
            await pilot.press("f9")
            await settle(pilot)
            await type_text(pilot, typed)
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, InvoiceDialog)
            assert app.screen.invoice.code == code
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, CustomerSearchScreen)
        names = [name for name, _help, _cb in app.screen.palette_commands()]
        assert {"Find invoice", "Check out a walk-in", "Resume held checkout",
                "Close the day"} <= set(names)
