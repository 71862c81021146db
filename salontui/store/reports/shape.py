"""What a report is, whatever it reports: tables of figures and the series a chart draws.

Every report builder returns a :class:`Report`; the Reports screen, the text, xlsx and pdf
writers and ``check`` read only this shape, so a new report needs no new screen or writer.
Money is in minor units (an int) and is formatted by whoever shows it, in the salon's
currency; a percentage is kept as basis points (1,000 = 10 %) so nothing is a float.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Protocol

from sqlmodel import Session


class Cell(StrEnum):
    """How a column's values are shown."""

    TEXT = "text"
    MONEY = "money"  # minor units
    COUNT = "count"  # a whole number
    PERCENT = "percent"  # basis points: 1,000 = 10 %
    DATE = "date"


@dataclass(frozen=True)
class Column:
    label: str  # translated when the report is built
    cell: Cell = Cell.TEXT


Value = str | int | date | None


@dataclass(frozen=True)
class Table:
    """One section of a report: a title, columns, rows and (optionally) a totals row."""

    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Value, ...], ...]
    totals: tuple[Value, ...] | None = None


@dataclass(frozen=True)
class Series:
    """What one chart draws: labelled values (revenue by day, by service, by staff).
    ``cell`` says how to read the values (money in minor units, or a count)."""

    title: str
    labels: tuple[str, ...]
    values: tuple[int, ...]
    cell: Cell = Cell.MONEY
    by_day: bool = False  # labels are days in order: a line or bars over time


@dataclass(frozen=True)
class Report:
    name: str  # the command's NAME
    title: str
    date_from: date
    date_to: date  # inclusive; a report "at a date" (liabilities) is at the end of it
    branch_id: int | None
    tables: tuple[Table, ...]
    charts: tuple[Series, ...] = ()
    # The figures ``check`` and the tests compare with the day close and the invoices, by a
    # stable key (not translated), e.g. {"sales_total": ..., "refunds_total": ...}.
    totals: dict[str, int] = field(default_factory=dict)


class ReportBuilder(Protocol):
    def __call__(self, session: Session, *, date_from: date, date_to: date,
                 branch_id: int | None = None) -> Report: ...
