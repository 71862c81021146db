"""A state machine over packages and points: random desk operations, days passing,
and after every step the ledgers still add up.

Each example gets its own SQLite file, migrated by the real migrations. A plain
Python model predicts whether each operation is allowed and what it does; a
refused operation runs in a write session that is committed anyway, so anything
written before the refusal would show as a change.

Invariants after every step:

* points balance = sum of the ledger entries = the model's balance;
* each package's total_uses / used columns = the sums of its event deltas;
* used <= total for count and gift cards, and nothing is negative;
* every package's status, expiry, counters and freeze match the model;
* one audit row per successful operation and none for a refused one.

Refunds (a session given back, a package cancelled) are rules too.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import text

from salontui.store import clock, ledger
from salontui.store.customers import create_customer
from salontui.store.db import make_engine, read_session, write_session
from salontui.store.errors import RuleViolation, SalonError
from salontui.store.package_reads import get_package, per_session_values
from salontui.store.packages import (
    adjust_package,
    cancel_package,
    extend_package,
    freeze_package,
    redeem_session,
    restore_session,
    resume_package,
    sell_package,
)
from salontui.store.schema import upgrade
from salontui.store.staff import create_staff

START = datetime(2026, 11, 23, 9, 30)


@dataclass
class ModelPackage:
    kind: str
    price: int
    total: int
    used: int
    expires_on: date
    frozen_from: date | None = None
    frozen_until: date | None = None
    cancelled: bool = False

    def status(self, today: date) -> str:
        if self.frozen_from is not None and self.frozen_from <= today < self.frozen_until:
            return "reserved"
        if today > self.expires_on:
            return "expired"
        if self.kind != "time" and self.used >= self.total:
            return "used_up"
        return "in_use"


class PackagesAndPoints(RuleBasedStateMachine):
    packages = Bundle("packages")

    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="salontui-stateful-"))
        self.engine = make_engine(f"sqlite:///{self.dir / 'salon.db'}")
        upgrade(self.engine)
        self.now = START
        self.model: dict[int, ModelPackage] = {}
        with clock.pinned(self.now), write_session(self.engine) as s:
            self.owner = create_staff(s, name="Trần Thu Hà", role="owner").id
            self.technician = create_staff(s, name="Lê Văn Tài", role="technician",
                                           staff_id=self.owner).id
            self.customers = [
                create_customer(s, staff_id=self.owner, name="Nguyễn Thị Hương",
                                phone="0935 320 888").id,
                create_customer(s, staff_id=self.owner, name="Phạm Minh Anh",
                                phone="0903 111 222").id,
            ]
        self.points = dict.fromkeys(self.customers, 0)
        self.audits = self._count("audit_log")

    def teardown(self) -> None:
        self.engine.dispose()
        shutil.rmtree(self.dir, ignore_errors=True)

    # --- helpers ---------------------------------------------------------------------------

    @property
    def today(self) -> date:
        return self.now.date()

    def _count(self, table: str) -> int:
        with read_session(self.engine) as s:
            return s.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()

    def _snapshot(self):
        with read_session(self.engine) as s:
            return (
                [tuple(r) for r in s.execute(text("SELECT * FROM customer_package ORDER BY id"))],
                [tuple(r) for r in s.execute(text("SELECT * FROM package_event ORDER BY id"))],
                [tuple(r) for r in s.execute(text("SELECT * FROM ledger_entry ORDER BY id"))],
                s.execute(text("SELECT count(*) FROM audit_log")).scalar_one(),
            )

    def attempt(self, allowed: bool, operation, *, refusal=SalonError):
        """Run one desk operation at the pinned time; check it succeeds exactly when the
        model allows it, and that a refusal (committed anyway) changed nothing."""
        before = None if allowed else self._snapshot()
        error = None
        with clock.pinned(self.now), write_session(self.engine) as s:
            try:
                result = operation(s)
            except SalonError as caught:
                error, result = caught, None
        if allowed:
            assert error is None, f"refused unexpectedly: {error}"
            self.audits += 1
        else:
            assert isinstance(error, refusal), f"expected a refusal, got {error!r}"
            assert self._snapshot() == before, f"refused ({error}) but something changed"
        return result

    # --- packages ----------------------------------------------------------------------------

    @rule(target=packages, customer=st.integers(0, 1),
          kind=st.sampled_from(["count", "count", "time", "gift"]),
          price=st.integers(0, 20_000), total=st.integers(1, 12),
          used=st.integers(0, 2) | st.integers(0, 13),
          validity=st.integers(0, 400))
    def sell(self, customer, kind, price, total, used, validity):
        if kind == "gift":
            price = 0
        allowed = kind == "time" or used <= total
        expires_on = self.today + timedelta(days=validity)
        row = self.attempt(allowed, lambda s: sell_package(
            s, staff_id=self.owner, customer_id=self.customers[customer], name=f"{kind} card",
            kind=kind, price=price, total_uses=None if kind == "time" else total,
            expires_on=expires_on, used=used, note="sold"))
        if row is None:
            return multiple()
        self.model[row.id] = ModelPackage(kind=kind, price=price,
                                          total=0 if kind == "time" else total, used=used,
                                          expires_on=expires_on)
        return row.id

    @rule(package=packages)
    def redeem(self, package):
        model = self.model[package]
        allowed = model.status(self.today) == "in_use"
        event = self.attempt(allowed, lambda s: redeem_session(
            s, staff_id=self.owner, package_id=package, service_staff_id=self.technician),
            refusal=RuleViolation)
        if event is not None:
            expected = 0 if model.kind == "time" else per_session_values(
                model.price, model.total)[model.used]
            assert event.value == expected
            assert event.service_staff_name == "Lê Văn Tài"
            model.used += 1

    @precondition(lambda self: any(m.status(self.today) in ("reserved", "expired")
                                   for m in self.model.values()))
    @rule(data=st.data())
    def redeem_frozen_or_expired(self, data):
        """A redemption while frozen or expired is refused and changes nothing."""
        blocked = sorted(pid for pid, m in self.model.items()
                         if m.status(self.today) in ("reserved", "expired"))
        package = data.draw(st.sampled_from(blocked))
        self.attempt(False, lambda s: redeem_session(
            s, staff_id=self.owner, package_id=package, service_staff_id=self.technician),
            refusal=RuleViolation)

    @rule(package=packages, delta=st.integers(-40, 200), with_note=st.booleans())
    def extend(self, package, delta, with_note):
        model = self.model[package]
        new_expiry = model.expires_on + timedelta(days=delta)
        allowed = (not model.cancelled and with_note and new_expiry >= self.today
                   and new_expiry > model.expires_on)
        row = self.attempt(allowed, lambda s: extend_package(
            s, staff_id=self.owner, package_id=package, new_expiry=new_expiry,
            note="goodwill" if with_note else ""))
        if row is not None:
            model.expires_on = new_expiry
            assert row.expires_on == new_expiry

    @rule(package=packages, days=st.integers(0, 60))
    def freeze(self, package, days):
        model = self.model[package]
        allowed = days >= 1 and model.status(self.today) == "in_use"
        row = self.attempt(allowed, lambda s: freeze_package(
            s, staff_id=self.owner, package_id=package, days=days, note="away"))
        if row is not None:
            model.expires_on += timedelta(days=days)
            model.frozen_from = self.today
            model.frozen_until = self.today + timedelta(days=days)

    @rule(package=packages)
    def resume(self, package):
        model = self.model[package]
        allowed = model.status(self.today) == "reserved"
        row = self.attempt(allowed, lambda s: resume_package(
            s, staff_id=self.owner, package_id=package), refusal=RuleViolation)
        if row is not None:
            model.expires_on -= model.frozen_until - self.today
            model.frozen_from = model.frozen_until = None
            assert row.status == "in_use"

    @precondition(lambda self: any(m.status(self.today) == "reserved"
                                   for m in self.model.values()))
    @rule(data=st.data())
    def resume_frozen(self, data):
        frozen = sorted(pid for pid, m in self.model.items()
                        if m.status(self.today) == "reserved")
        self.resume(data.draw(st.sampled_from(frozen)))

    @rule(package=packages, total=st.none() | st.integers(-1, 14),
          used=st.none() | st.integers(-1, 14),
          reason=st.sampled_from(["counted again", "counted again", ""]))
    def adjust(self, package, total, used, reason):
        model = self.model[package]
        new_total = model.total if total is None else total
        new_used = model.used if used is None else used
        allowed = (
            not model.cancelled
            and (total is not None or used is not None)
            and (total is None or (model.kind != "time" and total >= 1))
            and new_used >= 0
            and (model.kind == "time" or new_used <= new_total)
            and (new_total, new_used) != (model.total, model.used)
            and bool(reason)
        )
        row = self.attempt(allowed, lambda s: adjust_package(
            s, staff_id=self.owner, package_id=package, total_uses=total, used=used,
            reason=reason))
        if row is not None:
            model.total, model.used = new_total, new_used

    @rule(package=packages)
    def restore(self, package):
        """The refund of a redemption: one session back, whatever the status."""
        model = self.model[package]
        event = self.attempt(model.used >= 1, lambda s: restore_session(
            s, staff_id=self.owner, package_id=package, note="refund"), refusal=RuleViolation)
        if event is not None:
            expected = 0 if model.kind == "time" else per_session_values(
                model.price, model.total)[model.used - 1]
            assert (event.delta_used, event.value) == (-1, -expected)
            model.used -= 1

    @rule(package=packages)
    def cancel(self, package):
        """The refund of a package bought: only while none of its sessions is used."""
        model = self.model[package]
        allowed = model.used == 0 and not model.cancelled
        row = self.attempt(allowed, lambda s: cancel_package(
            s, staff_id=self.owner, package_id=package, note="refund"), refusal=RuleViolation)
        if row is not None:
            model.total = 0
            model.expires_on = min(model.expires_on, self.today - timedelta(days=1))
            model.frozen_from = model.frozen_until = None
            model.cancelled = True
            assert row.status == "expired"

    @rule(days=st.integers(1, 60))
    def advance_clock(self, days):
        self.now += timedelta(days=days)

    # --- points ------------------------------------------------------------------------------

    @rule(customer=st.integers(0, 1), amount=st.integers(-400, 400))
    def adjust_points(self, customer, amount):
        customer_id = self.customers[customer]
        allowed = amount != 0 and self.points[customer_id] + amount >= 0
        row = self.attempt(allowed, lambda s: ledger.adjust_points(
            s, staff_id=self.owner, customer_id=customer_id, amount=amount,
            reason="goodwill"))
        if row is not None:
            self.points[customer_id] += amount
            assert row.balance_after == self.points[customer_id]

    # --- invariants --------------------------------------------------------------------------

    @invariant()
    def points_are_the_sum_of_entries(self):
        with read_session(self.engine) as s:
            for customer_id, expected in self.points.items():
                summed = s.execute(text(
                    "SELECT coalesce(sum(amount), 0) FROM ledger_entry "
                    "WHERE customer_id = :c AND account = 'points'"),
                    {"c": customer_id}).scalar_one()
                assert summed == expected
                assert ledger.points_balance(s, customer_id=customer_id) == expected

    @invariant()
    def package_counters_are_the_sums_of_events(self):
        with read_session(self.engine) as s:
            rows = s.execute(text(
                "SELECT p.id, p.kind, p.total_uses, p.used, "
                "coalesce(sum(e.delta_total), 0), coalesce(sum(e.delta_used), 0) "
                "FROM customer_package p LEFT JOIN package_event e ON e.package_id = p.id "
                "GROUP BY p.id")).all()
        assert len(rows) == len(self.model)
        for _id, kind, total, used, sum_total, sum_used in rows:
            assert (total, used) == (sum_total, sum_used)
            assert used >= 0 and total >= 0
            if kind != "time":
                assert used <= total

    @invariant()
    def packages_match_the_model(self):
        with clock.pinned(self.now), read_session(self.engine) as s:
            for package_id, model in self.model.items():
                row = get_package(s, package_id=package_id)
                assert row.status == model.status(self.today)
                assert (row.total_uses, row.used, row.expires_on) == (
                    model.total, model.used, model.expires_on)
                if row.status == "reserved":
                    assert (row.frozen_from, row.frozen_until) == (
                        model.frozen_from, model.frozen_until)
                assert row.remaining == (None if model.kind == "time"
                                         else model.total - model.used)

    @invariant()
    def one_audit_row_per_successful_operation(self):
        assert self._count("audit_log") == self.audits


def test_packages_and_points_state_machine(soak):
    config = settings(
        max_examples=200 if soak else 15,
        stateful_step_count=100 if soak else 30,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    run_state_machine_as_test(PackagesAndPoints, settings=config)
