"""Care actions by file: ``salontui import care-actions FILE`` and the desk's import dialog.

One row a customer (by phone): the action (give or deduct points, give or deduct ranking
spend), the care type and a reason of that type from the salon's care catalogue, the value
and a note. Each row is checked as the desk's care action over many customers refuses a
customer (``loyalty.care_batches``: deleted, excluded from the loyalty program, a deduction
below zero), and more: an unknown phone, action, care type or reason, a value that is not
a number, an empty required cell, and two rows giving one customer the same kind of thing
(both refused: a customer may have a points row and a spend row).

The rows that do the same (action, value, care type, reason, note) are one care action of
the desk (``start_batch``) over their customers, done in the import's one transaction
(``run_batch_here``): each customer gets exactly what the desk's bulk action writes, a
ledger entry of points or a spend entry (the tier refreshed), a line of care history and
its audit row, and the batch says how many. All or nothing, like the customer import: a
real run with a row in error writes nothing unless ``skip_bad_rows``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlmodel import Session

from salontui.i18n import _
from salontui.store import clock
from salontui.store.bounds import MAX_ITEMS, boundary
from salontui.store.care import MAX_DESCRIPTION
from salontui.store.errors import SalonError
from salontui.store.io import cells
from salontui.store.io.customers_plan import RowReader, chunks, known_customers
from salontui.store.io.headers import CARE, CARE_ACTION_LABELS, CARE_ACTIONS, header_key, word_of
from salontui.store.io.readers import Sheet, open_spreadsheet
from salontui.store.io.report import ImportReport, SheetReport
from salontui.store.kinds import CARE_TYPE_LABELS, CareType, MemberState
from salontui.store.ledger import MAX_POINTS
from salontui.store.loyalty.care_catalogue import list_reasons
from salontui.store.models import LedgerEntry, table_of
from salontui.store.phones import Phone
from salontui.store.settings import get_settings
from salontui.store.staff import require_staff
from salontui.store.text import quote

Progress = Callable[[int, int], object]

_LE = table_of(LedgerEntry)

CARE_TYPE_WORDS: dict[str, tuple[str, ...]] = {
    CareType.CARE.value: ("cham soc", "关怀", "关爱"),
    CareType.TREATMENT.value: ("treatment", "dieu tri", "lieu trinh", "护理", "疗程"),
    CareType.CALL.value: ("call", "phone call", "goi dien", "cuoc goi", "电话", "回访"),
    CareType.SMS.value: ("sms", "text", "tin nhan", "短信"),
    CareType.EMAIL.value: ("email", "e mail", "thu", "邮件"),
}
CARE_TYPE_WORD_LABELS = {str(k): v for k, v in CARE_TYPE_LABELS.items()}
ACTIONS = {"give_points": ("points", 1), "deduct_points": ("points", -1),
           "give_spend": ("spend", 1), "deduct_spend": ("spend", -1)}


@dataclass(slots=True)
class CareRow:
    row: int
    customer_id: int
    action: str  # points / spend
    amount: int  # signed
    care_type: str
    reason_id: int
    note: str


@dataclass
class CarePlan:
    report: ImportReport
    rows: list[CareRow]


def _reasons(session: Session) -> dict[tuple[str, str], int]:
    return {(r.care_type, header_key(r.name)): r.id
            for r in list_reasons(session, include_inactive=False)}


def _read_rows(session: Session, sheet: Sheet, report: ImportReport,
               progress: Progress | None) -> list[tuple[CareRow | None, RowReader, Phone | None]]:
    settings = get_settings(session)
    conventions = cells.Conventions(region=settings.phone_region,
                                    exponent=settings.currency_exponent,
                                    locale=settings.locale, today=clock.today())
    reasons = _reasons(session)
    sheet_report = SheetReport(name=sheet.name, kind=CARE)
    report.sheets.append(sheet_report)
    read: list[tuple[CareRow | None, RowReader, Phone | None]] = []
    for number, values in sheet.rows():
        sheet_report.rows += 1
        row = RowReader(report, sheet_report, sheet.header.headers, number)
        phone = row.read(values, "phone", lambda v: cells.phone(v, conventions))
        action = None
        for column, message in (("phone", _("Phone is required.")),
                                ("action", _("Say what to do: give points, deduct points, "
                                             "give spend or deduct spend.")),
                                ("care_type", _("Say the care type.")),
                                ("reason", _("Say the reason (of the care catalogue).")),
                                ("value", _("Say how many points, or how much spend."))):
            if values.get(column) is None:
                row.error(column, message)
        if values.get("action") is not None:
            action = word_of(values["action"], CARE_ACTIONS, CARE_ACTION_LABELS)
            if action is None:
                row.error("action", _("'{text}' is not an action: give points, deduct "
                                      "points, give spend or deduct spend.").format(
                    text=quote(values["action"])))
        care_type = None
        if values.get("care_type") is not None:
            care_type = word_of(values["care_type"], CARE_TYPE_WORDS, CARE_TYPE_WORD_LABELS)
            if care_type is None:
                row.error("care_type", _("'{text}' is not a care type: care, treatment, "
                                         "call, SMS or email.").format(
                    text=quote(values["care_type"])))
        reason_id = None
        if care_type is not None and values.get("reason") is not None:
            reason_id = reasons.get((care_type, header_key(values["reason"])))
            if reason_id is None:
                row.error("reason", _("The care catalogue has no reason {reason} under "
                                      "{type}.").format(reason=quote(values["reason"]),
                                                        type=_(CARE_TYPE_LABELS[CareType(
                                                            care_type)])))
        value = None
        if action is not None:
            account = ACTIONS[action][0]
            value = row.read(values, "value", (
                (lambda v: cells.count(v, high=MAX_POINTS)) if account == "points"
                else (lambda v: cells.money(v, conventions))))
            if value == 0:
                row.error("value", _("The value cannot be zero."))
        note = row.read(values, "note", lambda v: cells.text(v, limit=MAX_DESCRIPTION)) or ""
        good = None
        if not row.bad and action and care_type and reason_id and value:
            account, sign = ACTIONS[action]
            good = CareRow(row=number, customer_id=0, action=account, amount=sign * value,
                           care_type=care_type, reason_id=reason_id, note=note)
        read.append((good, row, phone))
        if progress is not None and sheet_report.rows % 1000 == 0:
            progress(sheet_report.rows, 0)
    return read


def _check_customers(session: Session, read: list[tuple[CareRow | None, RowReader, Phone | None]]
                     ) -> None:
    phones = [p for _g, _r, p in read if p is not None]
    by_phone, _codes, _ids = known_customers(session, phones=phones, codes=())
    seen: dict[tuple[int, str], list[tuple[CareRow, RowReader]]] = {}
    for good, row, phone in read:
        if phone is None:
            continue
        known = by_phone.get(phone.e164)
        if known is None:
            row.error("phone", _("No customer has this phone."))
            continue
        if good is None:
            continue
        good.customer_id = known.id
        if known.member_state == MemberState.EXCLUDED:
            what = (_("no points can be given or taken") if good.action == "points"
                    else _("no spend can be given or taken"))
            row.error("action", _("{name} is excluded from the loyalty program: {what}.")
                      .format(name=known.name, what=what))
            continue
        seen.setdefault((known.id, good.action), []).append((good, row))
    for same in seen.values():
        if len(same) > 1:
            for good, row in same:
                others = ", ".join(str(g.row) for g, _r in same if g is not good)
                row.error("phone", _("Row {other} gives this customer the same kind of "
                                     "thing: neither row is imported.").format(other=others))
    _check_balances(session, [(g, r) for g, r, _p in read if g is not None and not r.bad])


def _check_balances(session: Session, rows: list[tuple[CareRow, RowReader]]) -> None:
    """A deduction below what the customer has is refused, as the desk refuses it."""
    from salontui.store.loyalty.tiers import ranking_spend

    takes = [(g, r) for g, r in rows if g.amount < 0]
    ids = [g.customer_id for g, _r in takes if g.action == "points"]
    points: dict[int, int] = {}
    for chunk in chunks(ids):
        points.update((cid, int(total or 0)) for cid, total in session.execute(
            select(_LE.c.customer_id, func.sum(_LE.c.amount)).where(
                _LE.c.customer_id.in_(chunk), _LE.c.account == "points")
            .group_by(_LE.c.customer_id)))
    for good, row in takes:
        left = (points.get(good.customer_id, 0) if good.action == "points"
                else ranking_spend(session, good.customer_id))
        if left + good.amount < 0:
            row.error("value", (_("Only {left} points left; cannot deduct {n}.")
                                if good.action == "points" else
                                _("Only {left} of spend; cannot deduct {n}.")).format(
                left=f"{left:,}", n=f"{-good.amount:,}"))


def _plan(session: Session, path: str, *, dry_run: bool, skip_bad_rows: bool,
          progress: Progress | None) -> CarePlan:
    with open_spreadsheet(path, kinds=(CARE,)) as book:
        report = ImportReport(file=book.file_name, what=CARE, dry_run=dry_run,
                              options={"skip_bad_rows": skip_bad_rows})
        sheet = book.sheet(CARE)
        assert sheet is not None  # open_spreadsheet refuses a file without one
        read = _read_rows(session, sheet, report, progress)
    _check_customers(session, read)
    rows = [good for good, row, _p in read if good is not None and not row.bad]
    sheet_report = report.sheets[0]
    sheet_report.update = [g.row for g in rows]
    counts: dict[str, int] = {}
    for good in rows:
        counts[good.action] = counts.get(good.action, 0) + 1
    report.changes = counts
    return CarePlan(report=report, rows=rows)


@boundary
def dry_run_care(session: Session, *, path: str,
                 progress: Progress | None = None) -> ImportReport:
    """What importing the care actions of ``path`` would do, and every error; nothing is
    written."""
    return _plan(session, path, dry_run=True, skip_bad_rows=False, progress=progress).report


@boundary
def import_care(session: Session, *, staff_id: int, path: str, skip_bad_rows: bool = False,
                progress: Progress | None = None) -> ImportReport:
    """Import the care actions of ``path`` in the caller's transaction (see the module)."""
    from salontui.store.io.customers_apply import RowRefused
    from salontui.store.loyalty.care_batches import run_batch_here, start_batch

    require_staff(session, staff_id)
    plan = _plan(session, path, dry_run=False, skip_bad_rows=skip_bad_rows, progress=progress)
    report = plan.report
    if report.error_count and not skip_bad_rows:
        return report
    groups: dict[tuple[str, int, str, int, str], list[CareRow]] = {}
    for good in plan.rows:
        key = (good.action, good.amount, good.care_type, good.reason_id, good.note)
        groups.setdefault(key, []).append(good)
    done, total = 0, len(plan.rows)
    sheet = report.sheets[0].name
    parts = [(key, rows[start:start + MAX_ITEMS]) for key, rows in groups.items()
             for start in range(0, len(rows), MAX_ITEMS)]
    for (action, amount, care_type, reason_id, note), rows in parts:
        try:
            batch = start_batch(session, staff_id=staff_id, action=action, amount=amount,
                                care_type=care_type, reason_id=reason_id, note=note,
                                customer_ids=[g.customer_id for g in rows])
            ran = run_batch_here(session, batch.id)
        except SalonError as error:
            raise RowRefused(_("Sheet {sheet}, row {row}: {message} Nothing was imported.")
                             .format(sheet=sheet, row=rows[0].row, message=error.message),
                             field="path") from error
        if ran.refused:
            first = ran.refused[0]
            row = next(g.row for g in rows if g.customer_id == first.customer_id)
            raise RowRefused(_("Sheet {sheet}, row {row}: {message} Nothing was imported.")
                             .format(sheet=sheet, row=row, message=first.message),
                             field="path")
        done += len(rows)
        if progress is not None:
            progress(done, total)
    report.written = True
    return report
