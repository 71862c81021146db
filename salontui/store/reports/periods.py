"""The periods the Reports screen offers at a key (today, this month…), and the step to
the period before or after, from the salon's today. Plain dates in and out."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from enum import StrEnum

from salontui.i18n import N_


class Quick(StrEnum):
    TODAY = "today"
    YESTERDAY = "yesterday"
    THIS_WEEK = "this_week"
    THIS_MONTH = "this_month"
    LAST_MONTH = "last_month"
    THIS_YEAR = "this_year"


QUICK_LABELS = {
    Quick.TODAY: N_("Today"), Quick.YESTERDAY: N_("Yesterday"),
    Quick.THIS_WEEK: N_("This week"), Quick.THIS_MONTH: N_("This month"),
    Quick.LAST_MONTH: N_("Last month"), Quick.THIS_YEAR: N_("This year"),
}


def _month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def quick_period(choice: Quick | str, today: date) -> tuple[date, date]:
    """(first, last day) of ``choice``; a period still running ends today."""
    choice = Quick(choice)
    if choice is Quick.TODAY:
        return today, today
    if choice is Quick.YESTERDAY:
        day = today - timedelta(days=1)
        return day, day
    if choice is Quick.THIS_WEEK:
        return today - timedelta(days=today.weekday()), today
    if choice is Quick.THIS_MONTH:
        return today.replace(day=1), today
    if choice is Quick.LAST_MONTH:
        last = today.replace(day=1) - timedelta(days=1)
        return last.replace(day=1), last
    return today.replace(month=1, day=1), today


def step_period(first: date, last: date, step: int) -> tuple[date, date]:
    """The period ``step`` before (-1) or after (1): a month (or a month so far) steps a
    month, whole; anything else steps its own length in days."""
    if first.day == 1 and first.year == last.year and first.month == last.month:
        month = first.month - 1 + step
        start = date(first.year + month // 12, month % 12 + 1, 1)
        return start, _month_end(start)
    length = (last - first).days + 1
    return first + timedelta(days=step * length), last + timedelta(days=step * length)
