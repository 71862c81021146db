"""The customer import: a dry run, and the import itself (``salontui import customers`` and
the desk's import dialog call these two).

* :func:`dry_run_customers` reads the file and reports what it would do (rows to create,
  update, leave; every error by sheet, row and column) and writes nothing.
* :func:`import_customers` does the same checks again in the write transaction (the salon
  may have changed since the dry run), then: when a row is in error it writes nothing and
  reports why, unless ``skip_bad_rows`` says to import the good rows (a customer row in
  error takes its holdings with it; a holding in error only itself); else it writes the
  plan (:mod:`customers_apply`) and reports what it wrote.

Options: ``points`` and ``spend`` "add" (the default: after = before + the file) or
"reset" (after = the file's value); stored value, vouchers and debt are always added.
``holdings_path``: the holdings sheet in a file of its own (a CSV holds one sheet).

The file is read while the transaction is open: a large import holds the salon's write
for its whole length (about half a minute for 100,000 customers; reading desks are not
held up, writing ones wait or are told to try again). Import when the salon is quiet.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager

from sqlmodel import Session

from salontui.store.admin.permissions import require_permission
from salontui.store.bounds import boundary
from salontui.store.io.customers_apply import apply_plan
from salontui.store.io.customers_plan import ADD, CustomerPlan, check_mode, plan_customers
from salontui.store.io.headers import CUSTOMERS, HOLDINGS
from salontui.store.io.readers import open_spreadsheet
from salontui.store.io.report import ImportReport
from salontui.store.kinds import MemberState, Permission
from salontui.store.settings import get_settings

Progress = Callable[[int, int], object]


@contextmanager
def paused_gc() -> Iterator[None]:
    """The cyclic garbage collector paused while a file is read and written: its passes
    over the growing heap of rows cost a fifth of a large import (the rows make no
    cycles; the demo's bulk load pauses it too)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _plan(session: Session, *, path: str, points: str, spend: str, dry_run: bool,
          skip_bad_rows: bool, holdings_path: str | None,
          progress: Progress | None) -> CustomerPlan:
    check_mode(points, field="points")
    check_mode(spend, field="spend")
    with ExitStack() as files:
        book = files.enter_context(open_spreadsheet(path, kinds=(CUSTOMERS, HOLDINGS)))
        holdings = None
        if holdings_path:
            holdings = files.enter_context(open_spreadsheet(holdings_path, kinds=(HOLDINGS,)))
        plan = plan_customers(session, book, points=points, spend=spend, dry_run=dry_run,
                              skip_bad_rows=skip_bad_rows, holdings=holdings,
                              progress=progress)
    return plan


@boundary
def dry_run_customers(session: Session, *, path: str, points: str = ADD, spend: str = ADD,
                      holdings_path: str | None = None,
                      progress: Progress | None = None) -> ImportReport:
    """What importing ``path`` would do, and every error; nothing is written."""
    with paused_gc():
        return _plan(session, path=path, points=points, spend=spend, dry_run=True,
                     skip_bad_rows=False, holdings_path=holdings_path,
                     progress=progress).report


@boundary
def import_customers(session: Session, *, staff_id: int, path: str, points: str = ADD,
                     spend: str = ADD, skip_bad_rows: bool = False,
                     holdings_path: str | None = None,
                     progress: Progress | None = None,
                     approved_by: int | None = None) -> ImportReport:
    """Import ``path`` in the caller's transaction (see the module); the report says
    whether anything was written (``written``) and what. An import brings balances in
    (points, stored value, packages, debt): the adjust_balances permission, or a manager's
    approval (``approved_by``), is needed, once for the whole file."""
    approver = require_permission(session, staff_id=staff_id, approved_by=approved_by,
                                  permission=Permission.ADJUST_BALANCES)
    with paused_gc():
        plan = _plan(session, path=path, points=points, spend=spend, dry_run=False,
                     skip_bad_rows=skip_bad_rows, holdings_path=holdings_path,
                     progress=progress)
        report = plan.report
        if report.error_count and not skip_bad_rows:
            return report
        state = (MemberState.ACTIVE if get_settings(session).new_member_active
                 else MemberState.NOT_ACTIVATED)
        apply_plan(session, plan, staff_id=staff_id, member_state=str(state),
                   progress=progress, approved_by=approver)
    report.written = True
    return report
