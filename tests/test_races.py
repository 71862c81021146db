"""Two desks (two processes) racing for the same thing, on each engine: exactly one wins
each race, nothing goes below zero, and invoice codes have no holes and no doubles.

SQLite serialises writers (BEGIN IMMEDIATE); PostgreSQL takes row locks (SELECT … FOR
UPDATE on the package, the customer, the counter). Each worker connects, then waits for a
start file, so both ask at the same moment.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import date

import pytest
from sqlalchemy import text

from salontui.store.catalog import create_item
from salontui.store.check import run_checks
from salontui.store.db import read_session, write_session
from salontui.store.ledger import adjust_points, points_balance
from salontui.store.package_reads import get_package
from salontui.store.packages import sell_package

_WORKER = """
import json, sys, time
from pathlib import Path
from salontui.store.cart import Cart, CartLine, CartPayment
from salontui.store.checkout import checkout
from salontui.store.db import make_engine, write_session
from salontui.store.errors import SalonError

url, go, name = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
staff, customer, technician, package, item, sales = map(int, sys.argv[4:10])
engine = make_engine(url)
with engine.connect():
    pass  # connected before the start
while not go.exists():
    time.sleep(0.001)


def pay(cart, key):
    try:
        with write_session(engine) as s:
            return checkout(s, staff_id=staff, cart=cart, idempotency_key=f"{name}-{key}").code
    except SalonError as error:
        return "refused: " + error.message


service = [CartLine(kind="service", item_id=item)]
outcome = {
    # the package's last session
    "redeem": pay(Cart(customer_id=customer, lines=[
        CartLine(kind="redeem", package_id=package, staff_id=technician)]), "redeem"),
    # the customer's 100 points, worth the whole sale
    "points": pay(Cart(customer_id=customer, lines=service,
                       payments=[CartPayment("points", 10_000)]), "points"),
    # the next invoice codes
    "codes": [pay(Cart(customer_id=customer, lines=service,
                       payments=[CartPayment("cash", 10_000)]), n) for n in range(sales)],
}
print(json.dumps(outcome))
"""


def test_two_desks_race_for_the_last_session_the_same_points_and_the_next_code(
        engine, db_url, staff_id, technician_id, customer_id, tmp_path):
    with write_session(engine) as s:
        package = sell_package(s, staff_id=staff_id, customer_id=customer_id, name="Gói gội",
                               kind="count", price=5980, total_uses=10, used=9,
                               expires_on=date(2027, 6, 1))
        adjust_points(s, staff_id=staff_id, customer_id=customer_id, amount=100,
                      reason="Khách quen")  # worth 10,000 đ: one sale's worth
        item = create_item(s, staff_id=staff_id, name="Gội đầu", kind="service", price=10_000)
    go = tmp_path / "go"
    sales = 6
    workers = [subprocess.Popen(
        [sys.executable, "-c", _WORKER, db_url, str(go), name, str(staff_id), str(customer_id),
         str(technician_id), str(package.id), str(item.id), str(sales)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for name in ("a", "b")]
    time.sleep(0.5)  # both connected and waiting (a late one only makes the race milder)
    go.touch()
    outcomes = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err
        outcomes.append(json.loads(out))
    for race in ("redeem", "points"):
        results = sorted(o[race] for o in outcomes)
        assert results[0].startswith("HD") and results[1].startswith("refused"), (race, results)
    codes = [c for o in outcomes for c in o["codes"]]
    assert all(c.startswith("HD") for c in codes)  # plain sales never lose to each other
    with read_session(engine) as s:
        assert get_package(s, package_id=package.id).remaining == 0
        assert points_balance(s, customer_id=customer_id) >= 0
        written = [r[0] for r in s.execute(text("SELECT code FROM invoice ORDER BY code"))]
    assert len(written) == 2 * sales + 2  # the two winners and every plain sale
    assert written == [f"HD{n:06d}" for n in range(1, len(written) + 1)]  # no holes, no doubles
    assert run_checks(engine) == []


def test_a_row_taken_for_update_shows_what_another_desk_committed(engine, engine_name,
                                                                  staff_id):
    """A row already read in this unit of work and then taken FOR UPDATE is read again:
    the value another desk committed in between, not the one in the session's memory."""
    if engine_name == "sqlite":
        pytest.skip("SQLite's BEGIN IMMEDIATE holds the whole database: nobody commits "
                    "in between")
    from sqlmodel import select

    from salontui.store.db import for_update
    from salontui.store.models import Counter

    with write_session(engine) as s:
        s.execute(text("INSERT INTO counter (name, value) VALUES ('x', 1)"))
    with write_session(engine) as mine:
        seen = mine.exec(select(Counter).where(Counter.name == "x")).one()
        assert seen.value == 1
        with engine.begin() as other:  # another desk, committing meanwhile
            other.execute(text("UPDATE counter SET value = 7 WHERE name = 'x'"))
        locked = mine.exec(for_update(select(Counter).where(Counter.name == "x"), mine)).one()
        assert locked.value == 7
