"""Crash test: kill -9 a process in the middle of confirming checkouts, again and again.

After every kill, ``salontui check`` must pass and no invoice may be
half-written: SQLite's journal rolls an interrupted transaction back whole.
The suite runs a short version; ``pytest --soak`` runs hundreds of rounds.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

from sqlalchemy import text

from salontui.store.catalog import create_item
from salontui.store.check import run_checks
from salontui.store.customers import create_customer
from salontui.store.db import make_engine, read_session, write_session
from salontui.store.ledger import adjust_card

SHORT_ROUNDS = 12
SOAK_ROUNDS = 300

_CHILD = r"""
import sys, itertools
from salontui.store.db import make_engine, write_session
from salontui.store.cart import Cart, CartLine, CartPayment
from salontui.store.checkout import checkout
url, owner, cid, card, item, tech, tag = sys.argv[1:8]
engine = make_engine(url)
print("ready", flush=True)
for n in itertools.count():
    cart = Cart(customer_id=int(cid),
                lines=[CartLine(kind="service", item_id=int(item), staff_id=int(tech)),
                       CartLine(kind="topup", unit_price=100_000, credit=110_000)],
                payments=[CartPayment("value", 50_000, card_id=int(card)),
                          CartPayment("account", 30_000), CartPayment("cash", 170_000)])
    with write_session(engine) as s:
        checkout(s, staff_id=int(owner), cart=cart, idempotency_key=f"{tag}-{n}")
"""


def test_kill_nine_mid_checkout_never_leaves_a_half_written_invoice(engine, db_url, staff_id,
                                                                   technician_id, soak):
    with write_session(engine) as s:
        cid = create_customer(s, staff_id=staff_id, name="Võ Thị Sáu", phone="0905111222").id
        card = adjust_card(s, staff_id=staff_id, customer_id=cid, card_name="General",
                           amount=100_000, reason="Mở thẻ").card_id
        item = create_item(s, staff_id=staff_id, name="Gội đầu", kind="service",
                           price=150_000).id
    rng = random.Random(7)
    rounds = SOAK_ROUNDS if soak else SHORT_ROUNDS
    env = dict(os.environ)
    for round_ in range(rounds):
        child = subprocess.Popen(
            [sys.executable, "-c", _CHILD, db_url, str(staff_id), str(cid), str(card), str(item),
             str(technician_id), f"r{round_}"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        assert child.stdout.readline().strip() == "ready", child.stderr.read()
        if round_ == 0:  # one checkout at least is through (a loaded machine is slow to
            wait_for_an_invoice(engine)  # start one), so the kills cut into later ones
        time.sleep(rng.uniform(0.02, 0.25))
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        problems = run_checks(make_engine(db_url))
        assert problems == [], f"round {round_}: {problems}"
    with read_session(engine) as s:
        invoices, lines, payments = s.execute(text(
            "SELECT (SELECT count(*) FROM invoice), (SELECT count(*) FROM invoice_line), "
            "(SELECT count(*) FROM payment)")).one()
        codes = [r[0] for r in s.execute(text("SELECT code FROM invoice ORDER BY id"))]
    assert invoices > 0, "no checkout finished before the kills: the test proved nothing"
    assert lines == 2 * invoices and payments == 3 * invoices
    assert codes == [f"HD{n:06d}" for n in range(1, invoices + 1)]  # sequential, no hole


def wait_for_an_invoice(engine, timeout: float = 60.0) -> None:
    """Until the child has committed a checkout (or ``timeout`` seconds: then the test's
    last assertion says the test proved nothing)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with read_session(engine) as s:
            if s.execute(text("SELECT count(*) FROM invoice")).scalar_one():
                return
        time.sleep(0.05)
