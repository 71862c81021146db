"""Shared helpers of the desk's Pilot tests: data built through store functions, and
waiting for the app's thread workers. (Also tests that the first paint stays light.)"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from typing import TYPE_CHECKING

import pytest

from salontui.store.db import write_session

if TYPE_CHECKING:
    from salontui.screens.settings import SettingsScreen

SIZE = (80, 24)


async def workers_done(app) -> None:
    """Wait for the app's workers. A read superseded by a newer one of its group (an
    exclusive worker: the board read again by a live refresh) is cancelled, which is the
    desk working as meant, not a failure: wait on for the others."""
    from textual.worker import WorkerCancelled

    for _ in range(20):
        try:
            await app.workers.wait_for_complete()
            return
        except WorkerCancelled:
            continue


def busy(app) -> bool:
    """Whether the app still has work on its way: store answers not yet handled
    (``app.pending_calls``), a worker running (one a callback started after the last
    wait, the start-up's say), callbacks waiting for the next refresh
    (``call_after_refresh``: the start-up worker is started by one, a dialog scrolls to a
    refused field by one) or messages not yet handled (such a callback on its way)."""
    if getattr(app, "pending_calls", 0):
        return True
    if any(not worker.is_finished for worker in app.workers):
        return True
    try:
        screen = app.screen
    except Exception:  # no screen (yet, or any more)
        return False
    return bool(screen._callbacks) or any(
        node.message_queue_size for node in (app, *screen.walk_children(with_self=True)))


async def settle(pilot, rounds: int = 6) -> None:
    """Let thread workers finish and their answers be handled; an answer may start another
    call, so go on while the app is still :func:`busy`. (It waits on the work itself, not
    on time: the Pilot's idle waits are short in this suite, see conftest.py.)"""
    app = pilot.app
    await pilot.pause()
    await workers_done(app)
    await pilot.pause()
    for _ in range(rounds):
        if not busy(app):
            return
        await workers_done(app)
        await pilot.pause()


async def start(app, pilot) -> None:
    """Wait for the start-up worker (engine, settings, staff) and the first search."""
    await settle(pilot, rounds=4)
    assert app.engine is not None, app.status


def make_customer(engine, staff_id, name="Nguyễn Thị Hương", phone="0935 320 888", **kw):
    from salontui.store.customers import create_customer

    with write_session(engine) as s:
        return create_customer(s, staff_id=staff_id, name=name, phone=phone, **kw)


def sell(engine, staff_id, customer_id, *, name="Gội đầu dưỡng sinh 10 buổi", total=10,
         used=0, price=5_980_000, kind="count", days=200, today: date | None = None):
    from salontui.store import clock
    from salontui.store.packages import sell_package

    today = today or clock.today()
    with write_session(engine) as s:
        return sell_package(s, staff_id=staff_id, customer_id=customer_id, name=name,
                            kind=kind, price=price if kind != "gift" else 0,
                            total_uses=total if kind != "time" else None, used=used,
                            purchased_on=today - timedelta(days=10),
                            activated_on=today - timedelta(days=10),
                            expires_on=today + timedelta(days=days))


def freeze(engine, staff_id, package_id, days=30):
    from salontui.store.packages import freeze_package

    with write_session(engine) as s:
        return freeze_package(s, staff_id=staff_id, package_id=package_id, days=days,
                              note="Travelling")


def give_points(engine, staff_id, customer_id, amount, reason="Welcome gift"):
    from salontui.store.ledger import adjust_points

    with write_session(engine) as s:
        return adjust_points(s, staff_id=staff_id, customer_id=customer_id, amount=amount,
                             reason=reason)


def add_debt(engine, staff_id, customer_id, amount):
    from salontui.store.ledger import post_entry

    with write_session(engine) as s:
        return post_entry(s, customer_id=customer_id, account="debt", amount=amount,
                          kind="charge", reason="Paid part later", operator_id=staff_id)


def top_up(engine, staff_id, customer_id, amount, card="General"):
    from salontui.store.ledger import adjust_card

    with write_session(engine) as s:
        return adjust_card(s, staff_id=staff_id, customer_id=customer_id, card_name=card,
                           amount=amount, reason="Opening balance")


def add_note(engine, staff_id, customer_id, title="Called about her next visit",
             type="call", description="Prefers Saturday mornings"):
    from salontui.store.care import add_care_note

    with write_session(engine) as s:
        return add_care_note(s, staff_id=staff_id, customer_id=customer_id, type=type,
                             title=title, description=description)


def make_program(engine, staff_id, name="Tết 2027: 20% off", days=60):
    from salontui.store import clock
    from salontui.store.promotions import create_program

    with write_session(engine) as s:
        return create_program(s, staff_id=staff_id, name=name, discount_percent=20,
                              valid_until=clock.today() + timedelta(days=days))


def read(engine, fn):
    from salontui.store.db import read_session

    with read_session(engine) as s:
        return fn(s)


def count_rows(engine, table: str = "audit_log") -> int:
    """How many rows ``table`` holds (the audit log by default: one row per write)."""
    from sqlalchemy import text

    return read(engine, lambda s: s.execute(text(f"SELECT count(*) FROM {table}")).scalar())


def make_service(engine, staff_id, name="Cắt tóc nữ", price=150_000):
    from salontui.store.catalog import create_item

    with write_session(engine) as s:
        return create_item(s, staff_id=staff_id, name=name, kind="service", price=price)


def pay_service(engine, staff_id, customer_id, item, *, key, appointment_id=None,
                on_account=0):
    """A paid invoice for one service (cash, part on account if asked)."""
    from salontui.store.cart import Cart, CartLine, CartPayment
    from salontui.store.checkout import checkout

    payments = [CartPayment(method="cash", amount=item.price - on_account)]
    if on_account:
        payments.append(CartPayment(method="account", amount=on_account))
    cart = Cart(customer_id=customer_id, lines=[CartLine(kind="service", item_id=item.id,
                                                         staff_id=staff_id)],
                payments=payments, appointment_id=appointment_id)
    with write_session(engine) as s:
        return checkout(s, staff_id=staff_id, cart=cart, idempotency_key=key)


def book(engine, staff_id, customer_id, starts_at, services="Cắt tóc nữ", status=None):
    """A visit for one service of that name (made in the catalogue if it is not there),
    with ``staff_id``; a past start is confirmed."""
    from sqlmodel import select

    from salontui.store.catalog import create_item
    from salontui.store.day.appointments import set_appointment_status
    from salontui.store.day.book import LineIn, book_appointment
    from salontui.store.models import CatalogItem

    with write_session(engine) as s:
        item = s.exec(select(CatalogItem).where(CatalogItem.name == services,
                                                CatalogItem.kind == "service")).first()
        item_id = item.id if item is not None else create_item(
            s, staff_id=staff_id, name=services, kind="service", price=100_000).id
        row = book_appointment(s, staff_id=staff_id, customer_id=customer_id,
                               lines=[LineIn(item_id=item_id, staff_id=staff_id,
                                             starts_at=starts_at)],
                               confirm=True, confirm_past=True)
        if status:
            row = set_appointment_status(s, staff_id=staff_id, appointment_id=row.id,
                                         status=status,
                                         reason="Khách báo bận" if status == "cancelled"
                                         else "")
        return row


async def type_text(pilot, text: str) -> None:
    """Type ``text`` key by key (a space is the "space" key)."""
    keys = ["space" if ch == " " else ch for ch in text]
    await pilot.press(*keys)


async def paste(pilot, text: str) -> None:
    """Paste ``text`` into the focused field at once, as a terminal does (typing 10,000
    characters key by key would take minutes)."""
    from textual import events

    pilot.app.post_message(events.Paste(text))
    await settle(pilot)


async def fill(pilot, widget_id: str, text: str) -> None:
    """Focus the input ``#widget_id`` of the current screen and give it ``text`` (as a paste
    would: one change; typing key by key is tested where it matters)."""
    box = pilot.app.screen.query_one(f"#{widget_id}")
    box.focus()
    box.value = text
    box.cursor_position = len(text)
    await pilot.pause()


def table_rows(screen, selector: str) -> list[list[str]]:
    """The cells of a DeskTable as plain, stripped text."""
    table = screen.query_one(selector)
    return [[text.replace("\xa0", " ").strip() for text in table.row_texts(i)]
            for i in range(table.row_count)]


def plain(widget) -> str:
    """A Static/Label's text."""
    content = widget.content
    return str(getattr(content, "plain", content)).replace("\xa0", " ")


def build_world(engine, staff_id) -> dict:
    """One customer with a bit of everything, made through the store (clock pinned by caller).

    Packages: a 10-session count card with 2 used, a time card expiring in 20 days, a gift,
    and a reserved (frozen) 5-session card. Points 1,500; debt 350,000; cards General
    500,000 and Nails 200,000; two care notes; a promotion program; three paid invoices,
    the first through a checked-in appointment, plus one appointment checked in (to
    cashier) and one booked.
    """
    from datetime import timedelta

    from salontui.store import clock

    now = clock.now()
    customer = make_customer(engine, staff_id)
    cid = customer.id
    count = sell(engine, staff_id, cid, used=2)
    time_card = sell(engine, staff_id, cid, name="Thẻ tháng chăm sóc da", kind="time", days=20)
    gift = sell(engine, staff_id, cid, name="Massage cổ vai gáy tặng", kind="gift", total=3)
    frozen = sell(engine, staff_id, cid, name="Nhuộm phục hồi 5 buổi", total=5, used=1, days=90)
    frozen = freeze(engine, staff_id, frozen.id, days=14)
    give_points(engine, staff_id, cid, 1500)
    add_debt(engine, staff_id, cid, 350_000)
    top_up(engine, staff_id, cid, 500_000)
    top_up(engine, staff_id, cid, 200_000, card="Nails")
    add_note(engine, staff_id, cid)
    add_note(engine, staff_id, cid, title="Facial treatment", type="treatment",
             description="Skin sensitive to retinol")
    program = make_program(engine, staff_id)
    item = make_service(engine, staff_id)
    with clock.pinned(now - timedelta(days=3, hours=1)):
        visit = book(engine, staff_id, cid, now - timedelta(days=3), status="checked_in")
    with clock.pinned(now - timedelta(days=3)):
        first = pay_service(engine, staff_id, cid, item, key="w1", appointment_id=visit.id)
    with clock.pinned(now - timedelta(days=2)):
        pay_service(engine, staff_id, cid, item, key="w2")
    with clock.pinned(now - timedelta(days=1)):
        pay_service(engine, staff_id, cid, item, key="w3")
    with clock.pinned(now - timedelta(hours=2)):
        book(engine, staff_id, cid, now - timedelta(hours=1), status="checked_in")
    book(engine, staff_id, cid, now + timedelta(days=5))
    return {"customer": customer, "count": count, "time": time_card, "gift": gift,
            "frozen": frozen, "program": program, "item": item, "first_invoice": first}


async def open_detail(app, pilot, customer_id):
    """From the search screen, open a customer's detail and wait until it has loaded."""
    from salontui.screens.detail import CustomerDetailScreen

    app.screen.open_customer(customer_id)
    await settle(pilot)
    assert isinstance(app.screen, CustomerDetailScreen)
    return app.screen


async def open_settings(app, pilot, section: str | None = None) -> SettingsScreen:
    """Open Settings with F12 (after the start-up, which :func:`start` waits for: nothing
    more once done) and, given a section id, show that section with its key as the settings
    screen binds it (1-9, 0, ``minus``, ``equals_sign``). Returns the SettingsScreen."""
    from salontui.screens.settings import SettingsScreen
    from salontui.screens.settings.section import SECTION_KEYS

    await start(app, pilot)
    await pilot.press("f12")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, SettingsScreen)
    if section is not None:
        assert section in screen.by_id, f"no settings section {section!r}"
        await pilot.press(SECTION_KEYS[screen.by_id[section].number - 1])
        await settle(pilot)
        for _round in range(100):  # the tab's activation is a message: on a loaded machine
            if screen.active == section:  # it may come a few frames later
                break
            await pilot.pause(0.02)
        assert screen.active == section, (  # where the key went, if it ever fails
            app.screen, app.focused, screen.query_one("#sections").active)
    return screen


async def select_row(pilot, table, key) -> None:
    """Move the cursor of a DeskTable to the row with ``key``."""
    for index in range(table.row_count):
        if table._rows[index][0] == str(key):
            table.move_cursor(row=index)
            await settle(pilot)  # and the footer's keys follow the row (after a refresh)
            return
    raise AssertionError(f"no row {key}")


def world_file(tmp_path_factory, more=None):
    """Build the :func:`build_world` salon in a file of its own, the clock pinned like
    ``fixed_now`` and the owner made first, as the per-test fixtures do; ``more(engine,
    staff_id)`` then adds what a module needs besides. Returns (path, world)."""
    from datetime import datetime

    from salontui.store import clock
    from salontui.store.db import make_engine
    from salontui.store.schema import upgrade
    from salontui.store.staff import create_staff

    path = tmp_path_factory.mktemp("world") / "salon.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    with clock.pinned(datetime(2026, 11, 23, 9, 30)):
        with write_session(engine) as s:
            staff_id = create_staff(s, name="Trần Thu Hà", role="owner").id
        world = build_world(engine, staff_id)
        if more is not None:
            more(engine, staff_id)
    engine.dispose()  # the last connection closed: the file holds everything
    world["staff_id"] = staff_id
    return path, world


@pytest.fixture(scope="module")
def world_template(tmp_path_factory):
    """The :func:`build_world` salon, built once per test module (:func:`world_file`);
    each test works on a copy (see ``world_copy``)."""
    return world_file(tmp_path_factory)


def world_copy(world_template, db_url) -> dict:
    """Copy the closed template database to this test's ``db_url`` (a test-only shortcut:
    the desk never copies a live database)."""
    from salontui.config import sqlite_path

    path, world = world_template
    shutil.copyfile(path, sqlite_path(db_url))
    return world
