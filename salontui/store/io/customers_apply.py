"""Writing a customer import's plan (:mod:`customers_plan`), in the caller's transaction.

* **New customers** go in bulk: their codes taken from the counter in one move
  (``codes.next_codes``; a code the file gives moves the counter past it first, so no
  code is handed out twice), the rows and their name keys (``text.name_keys``: what
  search finds them by) in multi-row inserts, each in the first tier, a member as the
  salon's settings say, exactly the columns ``customers.create_customer`` writes. One
  by one through ``create_customer`` (its duplicate search and its audit row) costs
  ~2 ms a customer: 100,000 would take minutes.
* **Existing customers** the file changes: only the fields it gives that differ, and their
  name keys again when the name changes.
* **Balances and holdings** go in through the back-fill, ``books.backfill.apply_backfill``
  (source "import FILE", no audit row each), so a back-fill typed at the desk and an
  imported one are the same rows: points, ranking spend (the tier refreshed), stored value
  on the general card or a named card, vouchers, debt, packages, products not yet
  collected. A reset that *lowers* points is an adjustment (``ledger.adjust_points``,
  with its audit row, reason "import FILE"); one that lowers ranking spend a negative
  spend entry (reason "import FILE", ``ref_type`` "import") and the tier refreshed.
* **Tier**: a tier the file names that is not the customer's (after their spend moved
  them) is given by hand, ``loyalty.tiers.set_tier_by_hand`` (reason "import FILE").

One audit row for the whole import (the file, the options and the counts), none per
customer (the back-fill rows and ledger entries name the file and the operator); the
tier engine, an adjustment and a change of phone write their own, as anywhere.

Everything is in one transaction (the caller's): an import that fails or is stopped
part-way leaves nothing, so it is simply run again; never half a row, nor half a file.
The session is emptied every :data:`EXPUNGE_EVERY` customers (after a flush), so
memory stays flat on a large file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlmodel import Session

from salontui.i18n import _
from salontui.store import audit, clock, codes
from salontui.store.books.backfill import BackfillIn, write_backfill
from salontui.store.errors import SalonError
from salontui.store.io.backfill_bulk import refresh_tiers, reserve_ids, write_backfills
from salontui.store.io.customers_plan import CustomerPlan, CustomerRow, HoldingRow
from salontui.store.io.headers import CUSTOMERS, HOLDINGS
from salontui.store.io.report import CREATE, UPDATE
from salontui.store.kinds import BackfillKind
from salontui.store.models import Customer, CustomerNameKey, SpendEntry, Tier, table_of
from salontui.store.phones import Phone
from salontui.store.staff import require_staff
from salontui.store.text import fold, name_keys

INSERT_CHUNK = 2000  # customers per multi-row insert
BULK_CHUNK = 2000  # new customers whose back-fills are written together
EXPUNGE_EVERY = 500  # customers written between two empties of the session
PROGRESS_EVERY = 100

_C = table_of(Customer)
_KEY = table_of(CustomerNameKey)
_TIER = table_of(Tier)

Progress = Callable[[int, int], object]


class RowRefused(SalonError):
    """A row the store refused while writing (the plan let it through): the import is
    rolled back whole; the message names the sheet and the row."""


def _refused(sheet: str, row: int, error: SalonError) -> RowRefused:
    return RowRefused(_("Sheet {sheet}, row {row}: {message} Nothing was imported.").format(
        sheet=sheet, row=row, message=error.message), field="path")


# -- customers ---------------------------------------------------------------------------------

_OUR_CODE = re.compile(r"KH([0-9]{6,9})")


def _codes_for(session: Session, plan: CustomerPlan, count: int) -> list[str]:
    """Codes for the new customers the file gives none: past every KH code the file gives
    its new customers, so none is handed out twice."""
    name, prefix, _width = codes.CUSTOMER
    numbers = [int(m.group(1)) for code in plan.codes if (m := _OUR_CODE.fullmatch(code))
               and code.startswith(prefix)]
    if numbers:
        codes.set_counter(session, name, max(numbers))
        session.flush()
    return codes.next_codes(session, codes.CUSTOMER, count)


def _first_tier(session: Session) -> tuple[int, str]:
    found = session.execute(select(_TIER.c.id, _TIER.c.name)
                            .order_by(_TIER.c.position, _TIER.c.id).limit(1)).first()
    if found is None:
        from salontui.store.errors import NotFound

        raise NotFound(_("The salon has no tiers."), field="tier")
    return int(found[0]), found[1]


def _create(session: Session, plan: CustomerPlan, rows: list[CustomerRow], *,
            member_state: str, now: datetime) -> None:
    """The new customers' rows and name keys, in bulk; ``customer_id`` set on each row."""
    if not rows:
        return
    tier_id, tier_name = _first_tier(session)
    given = [r for r in rows if not r.code]
    generated = iter(_codes_for(session, plan, len(given)))
    ids = iter(reserve_ids(session, "customer", len(rows)))
    for start in range(0, len(rows), INSERT_CHUNK):
        customers: list[dict[str, object]] = []
        keys: list[dict[str, object]] = []
        for out in rows[start:start + INSERT_CHUNK]:
            out.customer_id = next(ids)
            phone = out.phone
            assert phone is not None and out.name  # the plan refused a new row without
            name = out.name
            customers.append({
                "id": out.customer_id, "code": out.code or next(generated), "name": name,
                "name_norm": fold(name), "phone": phone.e164,
                "phone_national": phone.national_digits, "phone_rev": phone.reversed_digits,
                "birthday": out.birthday, "gender": out.gender or "",
                "email": out.email or "", "address": out.address or "",
                "note": out.note or "", "tier": tier_name, "member_state": member_state,
                "member_reason": "", "created_at": now, "updated_at": now,
                "deleted_at": None, "merged_into_id": None, "group_id": None,
                "tier_id": tier_id, "tier_hold": "", "tier_before_id": None})
            keys.extend({"customer_id": out.customer_id, "key": key}
                        for key in name_keys(name))
        session.execute(insert(_C), customers)
        if keys:
            session.execute(insert(_KEY), keys)


def _update(session: Session, rows: list[CustomerRow], now: datetime) -> None:
    """The fields the file changes of existing customers (and their name keys)."""
    for out in rows:
        if not out.changes:
            continue
        assert out.customer_id is not None
        values: dict[str, object] = {}
        for key, value in out.changes.items():
            if isinstance(value, Phone):
                values.update(phone=value.e164, phone_national=value.national_digits,
                              phone_rev=value.reversed_digits)
            elif key == "name":
                values.update(name=value, name_norm=fold(str(value)))
            elif key in ("gender", "email", "address", "note"):
                values[key] = value or ""
            else:
                values[key] = value
        values["updated_at"] = now
        session.execute(update(_C).where(_C.c.id == out.customer_id).values(**values))
        if "name" in out.changes:
            session.execute(delete(_KEY).where(_KEY.c.customer_id == out.customer_id))
            session.execute(insert(_KEY), [{"customer_id": out.customer_id, "key": key}
                                           for key in name_keys(str(out.changes["name"]))])


# -- balances and holdings -------------------------------------------------------------------


def _balances(out: CustomerRow) -> Iterable[BackfillIn]:
    """The back-fills of a customer row's balances (those that only add)."""
    if out.points_delta > 0:
        yield BackfillIn(kind=BackfillKind.POINTS.value, amount=out.points_delta)
    if out.spend_delta > 0:
        yield BackfillIn(kind=BackfillKind.SPEND.value, amount=out.spend_delta)
    if out.value:
        yield BackfillIn(kind=BackfillKind.VALUE.value, amount=out.value, paid=out.value)
    for name, amount in out.cards or ():
        if amount:
            yield BackfillIn(kind=BackfillKind.VALUE.value, amount=amount, paid=amount,
                             card_name=name)
    if out.vouchers:
        yield BackfillIn(kind=BackfillKind.VOUCHER.value, amount=out.vouchers)
    if out.debt:
        yield BackfillIn(kind=BackfillKind.DEBT.value, amount=out.debt)


def _lower(session: Session, staff_id: int, customer_id: int, out: CustomerRow,
           source: str) -> None:
    """A reset that lowers points or ranking spend."""
    if out.points_delta < 0:
        from salontui.store.ledger import adjust_balance

        adjust_balance(session, staff_id=staff_id, customer_id=customer_id, account="points",
                       amount=out.points_delta, reason=source)
    if out.spend_delta < 0:
        from salontui.store.loyalty.tiers import refresh_tier

        session.add(SpendEntry(customer_id=customer_id, amount=out.spend_delta, reason=source,
                               ref_type="import", ref_id=None, created_at=clock.now(),
                               staff_id=staff_id))
        session.flush()
        refresh_tier(session, customer_id=customer_id, staff_id=staff_id, reason=source)


def _tier(session: Session, staff_id: int, customer_id: int, tier_id: int,
          source: str) -> bool:
    """Give the tier by hand unless the customer holds it (after their spend moved them)."""
    from salontui.store.loyalty.tiers import set_tier_by_hand

    held = session.execute(select(_C.c.tier_id).where(_C.c.id == customer_id)).scalar_one()
    if held == tier_id:
        return False
    set_tier_by_hand(session, staff_id=staff_id, customer_id=customer_id, tier_id=tier_id,
                     reason=source)
    return True


def _backfill(session: Session, staff_id: int, customer_id: int, item: BackfillIn,
              source: str, sheet: str, row: int) -> None:
    try:
        write_backfill(session, staff_id=staff_id, customer_id=customer_id, item=item,
                       source=source, audit_row=False)
    except SalonError as error:
        raise _refused(sheet, row, error) from error


def _write_customer(session: Session, staff_id: int, out: CustomerRow, source: str,
                    sheets: dict[str, str]) -> int:
    """A customer row's balances, holdings and tier; how many tier moves by hand."""
    assert out.customer_id is not None
    cid = out.customer_id
    for item in _balances(out):
        _backfill(session, staff_id, cid, item, source, sheets[CUSTOMERS], out.row)
    try:
        _lower(session, staff_id, cid, out, source)
    except SalonError as error:
        raise _refused(sheets[CUSTOMERS], out.row, error) from error
    for holding in out.holdings or ():
        _backfill(session, staff_id, cid, holding.item, source, sheets[HOLDINGS], holding.row)
    if out.tier_id is not None:
        try:
            return int(_tier(session, staff_id, cid, out.tier_id, source))
        except SalonError as error:
            raise _refused(sheets[CUSTOMERS], out.row, error) from error
    return 0


def _write_new(session: Session, staff_id: int, rows: list[CustomerRow], source: str,
               sheets: dict[str, str], now: datetime) -> int:
    """The new customers' balances and holdings in bulk (``backfill_bulk``), their tiers;
    how many tier moves by hand."""
    items = [(out.customer_id, item) for out in rows for item in (
        *_balances(out), *(holding.item for holding in out.holdings or ()))
        if out.customer_id is not None]
    spent = write_backfills(session, staff_id=staff_id, source=source, items=items, now=now)
    spend = {out.customer_id: out.spend_delta for out in rows if out.customer_id is not None}
    refresh_tiers(session, staff_id=staff_id, source=source, customer_ids=spent, spend=spend)
    moves = 0
    for out in rows:
        if out.tier_id is not None and out.customer_id is not None:
            try:
                moves += _tier(session, staff_id, out.customer_id, out.tier_id, source)
            except SalonError as error:
                raise _refused(sheets[CUSTOMERS], out.row, error) from error
    return moves


def apply_plan(session: Session, plan: CustomerPlan, *, staff_id: int, member_state: str,
               progress: Progress | None = None, approved_by: int | None = None) -> None:
    """Write ``plan`` (its good rows) in the caller's transaction, and the import's audit
    row (see the module; ``approved_by``: who approved the import, checked by
    ``import_customers``: the balances below are written with no permission of their own).
    """
    require_staff(session, staff_id)
    report = plan.report
    sheets = {s.kind: s.name for s in report.sheets}
    source = plan.source
    now = clock.now()
    new = [out for out in plan.customers if out.action == CREATE]
    changed = [out for out in plan.customers if out.action == UPDATE]
    _create(session, plan, new, member_state=member_state, now=now)
    _update(session, changed, now)
    session.flush()
    orphans: list[HoldingRow] = plan.orphans
    total = len(new) + len(changed) + len(orphans)
    done = tiers = 0
    for start in range(0, len(new), BULK_CHUNK):
        part = new[start:start + BULK_CHUNK]
        tiers += _write_new(session, staff_id, part, source, sheets, now)
        done += len(part)
        _step(session, progress, done, total, every=1)
    for out in changed:
        tiers += _write_customer(session, staff_id, out, source, sheets)
        done += 1
        _step(session, progress, done, total)
    for holding in orphans:
        assert holding.customer_id is not None
        _backfill(session, staff_id, holding.customer_id, holding.item, source,
                  sheets[HOLDINGS], holding.row)
        done += 1
        _step(session, progress, done, total)
    report.customers_created = len(new)
    report.customers_updated = len(changed)
    report.changes = dict(report.changes, tier=tiers) if tiers else report.changes
    customers = report.sheet(CUSTOMERS)
    audit.record(session, staff_id=staff_id, action="import_customers", entity="import",
                 entity_id=None, approved_by=approved_by, after={
                     "file": plan.file, "points": plan.points, "spend": plan.spend,
                     "skip_bad_rows": bool(report.options.get("skip_bad_rows")),
                     "created": len(new), "updated": len(changed),
                     "unchanged": len(customers.skip) if customers else 0,
                     "rows_in_error": report.bad_rows, "written": report.changes})
    session.flush()
    if progress is not None:
        progress(total, total)


def _step(session: Session, progress: Progress | None, done: int, total: int, *,
          every: int = PROGRESS_EVERY) -> None:
    if every == 1 or done % EXPUNGE_EVERY == 0:
        session.flush()
        session.expunge_all()
    if progress is not None and done % every == 0:
        progress(done, total)
