"""Every report by its command name: where its builder lives and its title.

The builders are imported when a report is asked for, so the desk starts without them.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from salontui.i18n import N_, _
from salontui.store.errors import ValidationError
from salontui.store.reports.shape import ReportBuilder


@dataclass(frozen=True)
class ReportKind:
    name: str  # `salontui report NAME`
    module: str
    function: str
    title: str  # N_-marked: translate when shown
    at_a_date: bool = False  # a position at the period's end, not a flow over it

    def builder(self) -> ReportBuilder:
        built: ReportBuilder = getattr(importlib.import_module(self.module), self.function)
        return built


_HERE = "salontui.store.reports"
REPORTS: dict[str, ReportKind] = {kind.name: kind for kind in (
    ReportKind("daily", f"{_HERE}.daily", "daily_report", N_("Daily business")),
    ReportKind("staff", f"{_HERE}.staff", "staff_report",
               N_("Staff performance and commission")),
    ReportKind("appointments", f"{_HERE}.appointments", "appointments_report",
               N_("Appointments")),
    ReportKind("liabilities", f"{_HERE}.liabilities", "liabilities_report",
               N_("Assets and liabilities"), at_a_date=True),
    ReportKind("profit", f"{_HERE}.profit", "profit_report", N_("Cost and profit")),
)}


def report_kind(name: str) -> ReportKind:
    """The report called ``name``, or a refusal naming the ones there are."""
    kind = REPORTS.get(name.strip().lower())
    if kind is None:
        raise ValidationError(_("Unknown report '{name}': one of {names}.").format(
            name=name[:40], names=", ".join(REPORTS)), field="report")
    return kind
