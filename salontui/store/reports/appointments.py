"""Appointments over a period: how many were booked, how many came, how many did not.

An appointment counts on the salon's day it was booked FOR (``starts_at``), of its branch
(None: the first), whatever its status today:

* **booked**: every appointment of the period (all statuses);
* **arrived**: checked in or paid (the customer came);
* **no-show** and **cancelled**;
* **open**: still booked (a day still to come, or one nobody marked yet).

Rates are of the booked, in basis points (1,000 = 10 %; none when nothing was booked).
By staff member: an appointment counts once for each staff member on its lines (so the
rows can add up to more than the total when a visit has two people) and under "no staff"
when a line names nobody. By day: each day of the period, with the chart of bookings by
day.

Totals keys (stable): ``booked``, ``arrived``, ``no_show``, ``cancelled``, ``open``,
``arrived_rate``, ``no_show_rate``, ``cancelled_rate`` (basis points, 0 when nothing was
booked).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import text
from sqlmodel import Session

from salontui.i18n import _
from salontui.store.bounds import boundary
from salontui.store.reports.period import Period, basis_points, read_period
from salontui.store.reports.shape import Cell, Column, Report, Series, Table, Value
from salontui.store.reports.sums import as_date, day_sql

# Each status's column: booked counts them all.
COLUMNS = {"checked_in": "arrived", "paid": "arrived", "no_show": "no_show",
           "cancelled": "cancelled", "booked": "open"}
FIGURES = ("booked", "arrived", "no_show", "cancelled", "open")


def _empty() -> dict[str, int]:
    return dict.fromkeys(FIGURES, 0)


def _add(figures: dict[str, int], status: str, count: int) -> None:
    figures["booked"] += count
    column = COLUMNS.get(status)
    if column is not None:
        figures[column] += count


def _row(label: Value, f: dict[str, int]) -> tuple[Value, ...]:
    booked = f["booked"]
    return (label, booked, f["arrived"], f["no_show"], f["cancelled"], f["open"],
            basis_points(f["arrived"], booked), basis_points(f["no_show"], booked),
            basis_points(f["cancelled"], booked))


def _columns(first: str, cell: Cell = Cell.TEXT) -> tuple[Column, ...]:
    count, percent = Cell.COUNT, Cell.PERCENT
    return (Column(first, cell), Column(_("Booked"), count), Column(_("Arrived"), count),
            Column(_("No-show"), count), Column(_("Cancelled"), count),
            Column(_("Open"), count), Column(_("Arrived %"), percent),
            Column(_("No-show %"), percent), Column(_("Cancelled %"), percent))


@boundary
def appointments_report(session: Session, *, date_from: date, date_to: date,
                        branch_id: int | None = None) -> Report:
    """Booked, arrived, no-show and cancelled appointments of ``date_from`` … ``date_to``
    (the salon's days), with their rates, by staff member and by day."""
    period = read_period(session, date_from=date_from, date_to=date_to, branch_id=branch_id)
    params = period.window.params
    where = (f"{period.window.during('a.starts_at')} AND "
             f"{period.window.here('a.branch_id')}")
    total = _empty()
    days: dict[date, dict[str, int]] = {}
    day = day_sql("a.starts_at", period.dialect, period.offset_minutes)
    for d, status, n in session.execute(text(
            f"SELECT {day}, a.status, count(*) FROM appointment a WHERE {where} "
            "GROUP BY 1, 2"), params):
        _add(total, str(status), int(n))
        _add(days.setdefault(as_date(d), _empty()), str(status), int(n))
    people: dict[int | None, dict[str, int]] = {}
    for staff_id, status, n in session.execute(text(
            "SELECT l.staff_id, a.status, count(DISTINCT a.id) FROM appointment a "
            "LEFT JOIN appointment_line l ON l.appointment_id = a.id "
            f"WHERE {where} GROUP BY 1, 2"), params):
        _add(people.setdefault(None if staff_id is None else int(staff_id), _empty()),
             str(status), int(n))
    return _build(session, period, total, days, people)


def _build(session: Session, period: Period, total: dict[str, int],
           days: dict[date, dict[str, int]], people: dict[int | None, dict[str, int]]
           ) -> Report:
    names = {int(i): str(n) for i, n in session.execute(text("SELECT id, name FROM staff"))}
    no_staff = _("(no staff)")
    ordered = sorted(people.items(), key=lambda kv: (kv[0] is None, -kv[1]["booked"],
                                                    names.get(kv[0] or 0, "")))
    summary = Table(title=_("Appointments"), columns=_columns(_("Period")),
                    rows=(_row(_("All"), total),))
    by_staff = Table(
        title=_("By staff"), columns=_columns(_("Staff")),
        rows=tuple(_row(no_staff if staff_id is None else names.get(staff_id, f"#{staff_id}"),
                        figures) for staff_id, figures in ordered))
    each_day = period.each_day()
    by_day = Table(
        title=_("By day"), columns=_columns(_("Day"), Cell.DATE),
        rows=tuple(_row(day, days.get(day, _empty())) for day in each_day),
        totals=_row(_("Total"), total))
    chart = Series(title=_("Bookings by day"), labels=tuple(d.isoformat() for d in each_day),
                   values=tuple(days.get(d, _empty())["booked"] for d in each_day),
                   cell=Cell.COUNT, by_day=True)
    totals = dict(total)
    for key in ("arrived", "no_show", "cancelled"):
        totals[f"{key}_rate"] = basis_points(total[key], total["booked"]) or 0
    return Report(name="appointments", title=_("Appointments"),
                  date_from=period.date_from, date_to=period.date_to,
                  branch_id=period.branch_id, tables=(summary, by_staff, by_day),
                  charts=(chart,), totals=totals)
