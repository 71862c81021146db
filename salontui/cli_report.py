"""``salontui report NAME``: one of the owner's reports, as text, a spreadsheet or a PDF.

    salontui report daily                                  today, as text
    salontui report staff --from 2026-11-01 --to 2026-11-30 --format xlsx --output nov.xlsx
    salontui report liabilities --to 2026-11-30 --branch Q1 --format pdf

NAME is one of the registry's reports (``store/reports/registry.py``). ``--to`` is today
(the salon's) unless given, ``--from`` the same day. Text goes to stdout (coloured on a
terminal, plain in a file or a pipe); xlsx and pdf go to ``--output``, or to a name made
of the report and its days in the current folder, which is said. A bad value (an unknown
report, format or branch, a date that is not YYYY-MM-DD, the start after the end) is one
line on stderr and exit status 2; a file that cannot be written, status 1. Registered by
``salontui/cli.py``, whose ``--db`` option and helpers it uses.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from salontui.cli import DbOption, _fail, _read

BAD_INPUT = 2
FORMATS = ("text", "xlsx", "pdf")
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    value = text.strip()
    try:
        if not _DAY.fullmatch(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        _fail(f"{option} {text[:40]!r} is not a day: write it YYYY-MM-DD, e.g. 2026-11-30.",
              BAD_INPUT)


def report_command(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(
        help="The report: daily, staff, appointments, liabilities or profit.",
        metavar="NAME", show_default=False)],
    date_from: Annotated[str | None, typer.Option(
        "--from", help="The first day (YYYY-MM-DD). Default: the --to day.",
        show_default=False)] = None,
    date_to: Annotated[str | None, typer.Option(
        "--to", help="The last day (YYYY-MM-DD), included; a report at a date "
        "(liabilities) is at its end. Default: today.", show_default=False)] = None,
    branch: Annotated[str | None, typer.Option(
        "--branch", help="Only this branch of a chain (its code). Default: every branch.",
        show_default=False)] = None,
    fmt: Annotated[str, typer.Option(
        "--format", help="text (to the screen), xlsx or pdf (to --output).")] = "text",
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", help="The file for xlsx or pdf. Default: NAME_FROM_TO.xlsx (or "
        ".pdf) in the current folder.", show_default=False)] = None,
    overwrite: Annotated[bool, typer.Option(help="Replace an existing file.")] = False,
    db: DbOption = None,
) -> None:
    """Print or write one of the owner's reports over a period (a day by default)."""
    from salontui.store.reports.registry import REPORTS

    kind = REPORTS.get(name.strip().lower())
    if kind is None:
        _fail(f"Unknown report {name[:40]!r}: one of {', '.join(REPORTS)}.", BAD_INPUT)
    wanted = fmt.strip().lower()
    if wanted not in FORMATS:
        _fail(f"Unknown format {fmt[:40]!r}: text, xlsx or pdf.", BAD_INPUT)
    if output is not None and wanted == "text":
        _fail("--output is for --format xlsx or pdf; text goes to the screen "
              "(or > FILE).", BAD_INPUT)
    if branch is not None and not branch.strip():
        _fail("Give --branch a branch's code ('salontui branch list' shows them).", BAD_INPUT)
    last = _day(date_to, "--to")
    first = _day(date_from, "--from")

    from salontui.store import clock
    from salontui.store.branches import find_branch, list_branches
    from salontui.store.dates import use_salon_locale
    from salontui.store.errors import NotFound, SalonError
    from salontui.store.reports.figures import Figures
    from salontui.store.settings import get_settings

    try:
        with _read(ctx, db) as session:
            settings = get_settings(session)
            clock.use_salon_offset(settings.utc_offset_minutes)
            use_salon_locale(settings.locale)
            last = last or clock.today()
            first = first or last
            if first > last:
                _fail(f"--from {first.isoformat()} is after --to {last.isoformat()}.",
                      BAD_INPUT)
            where, branch_id = "", None
            if branch is not None:
                try:
                    found = find_branch(session, code=branch)
                except NotFound as error:
                    _fail(error.message, BAD_INPUT)
                where, branch_id = found.name, found.id
            elif len(list_branches(session, include_inactive=True)) > 1:
                from salontui.i18n import _

                where = _("all branches")
            report = kind.builder()(session, date_from=first, date_to=last,
                                    branch_id=branch_id)
            figures = Figures.from_settings(settings)
    except SalonError as error:
        _fail(error.message, BAD_INPUT if error.field else 1)

    if wanted == "text":
        from salontui.report_text import print_report

        print_report(report, figures, where=where)
        return
    target = output if output is not None else Path(
        f"{kind.name}_{first.isoformat()}_{last.isoformat()}.{wanted}")
    try:
        if wanted == "xlsx":
            from salontui.store.reports.write_xlsx import write_report_xlsx

            written = write_report_xlsx(report, target, figures, where=where,
                                        overwrite=overwrite).path
        else:
            from salontui.store.reports.write_pdf import write_report_pdf

            written = write_report_pdf(report, target, figures, where=where,
                                       overwrite=overwrite)
    except SalonError as error:
        _fail(error.message)
    typer.echo(f"{report.title} ({figures.period(report)}) written to {written}")
