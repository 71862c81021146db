"""How a report's values read, in the salon's currency, locale and date order.

The text and pdf writers, the bar charts and the Reports screen show a :class:`Cell` value
through :class:`Figures`: money with the salon's currency (``store/money.py``), counts
grouped as the locale groups them, percentages from basis points (1,000 = 10 %), dates in
the salon's order (``store/dates.py``). Nothing here is a float: a percentage is divided
exactly.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from salontui.i18n import _
from salontui.store.dates import DEFAULT_LOCALE, date_pattern
from salontui.store.money import format_money
from salontui.store.reports.registry import REPORTS
from salontui.store.reports.shape import Cell, Report, Value

NUMERIC = (Cell.MONEY, Cell.COUNT, Cell.PERCENT)


@dataclass(frozen=True)
class Figures:
    currency: str = "VND"
    exponent: int = 0
    locale: str = DEFAULT_LOCALE

    @classmethod
    def from_settings(cls, settings) -> Figures:
        return cls(currency=settings.currency, exponent=settings.currency_exponent,
                   locale=settings.locale)

    def money(self, minor: int) -> str:
        return format_money(minor, currency=self.currency, exponent=self.exponent,
                            locale=self.locale)

    def count(self, number: int) -> str:
        from babel.numbers import format_decimal

        return format_decimal(number, locale=self.locale)

    def percent(self, basis_points: int) -> str:
        """1,250 basis points → "12.5 %" (the locale's decimal sign and percent sign)."""
        from babel.numbers import format_percent

        return format_percent(Decimal(basis_points).scaleb(-4), format="#,##0.##%",
                              locale=self.locale)

    def date(self, day: date) -> str:
        return day.strftime(date_pattern(self.locale).strftime)

    def cell(self, value: Value, cell: Cell) -> str:
        """One value as a table shows it ('' for none)."""
        if value is None:
            return ""
        if isinstance(value, int) and not isinstance(value, bool):
            if cell is Cell.MONEY:
                return self.money(value)
            if cell is Cell.PERCENT:
                return self.percent(value)
            return self.count(value)
        if isinstance(value, date):
            return self.date(value)
        return str(value)

    def period(self, report: Report) -> str:
        """"30/11/2026", "01/11/2026 – 30/11/2026" or, for a report at a date,
        "at 30/11/2026"."""
        kind = REPORTS.get(report.name)
        if kind is not None and kind.at_a_date:
            return _("at {day}").format(day=self.date(report.date_to))
        if report.date_from == report.date_to:
            return self.date(report.date_to)
        return f"{self.date(report.date_from)} – {self.date(report.date_to)}"


def heading(report: Report, figures: Figures, where: str = "") -> str:
    """The line over a report: its title, the period and, in a chain, the branch's name
    (or "all branches": the caller says)."""
    if not where:
        return _("{title} · {period}").format(title=report.title,
                                               period=figures.period(report))
    return _("{title} · {period} · {branch}").format(
        title=report.title, period=figures.period(report), branch=where)
