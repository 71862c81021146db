"""The spreadsheet commands: ``salontui template …`` and ``salontui import …``.

* ``salontui template customers FILE.xlsx`` / ``template care-actions FILE.xlsx``: a
  template to fill in (headers, example rows, a help sheet in the desk's language).
* ``salontui import customers FILE [--dry-run] [--points add|reset] [--spend add|reset]
  [--skip-bad-rows] [--holdings FILE] [--staff ID]`` and ``salontui import care-actions
  FILE [--dry-run] [--skip-bad-rows] [--staff ID]``.

An import prints what it did (or, with ``--dry-run``, would do): the rows to create,
update or leave, as ranges of row numbers, and every error by sheet, row and column, in
the desk's language. Exit status 0 when no row is in error, 1 otherwise (and when the
file cannot be read). A long file shows a progress bar on a terminal.

Registered by :mod:`salontui.cli` (import this module through it): like every command,
the heavy imports (SQLAlchemy, openpyxl, the store) wait inside the command, so
``salontui --help`` stays quick.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from salontui.cli import DbOption, StaffOption, _fail, _owner, _read, _write
from salontui.i18n import _

if TYPE_CHECKING:
    from salontui.store.io.report import ImportReport

template_app = typer.Typer(help="Spreadsheet templates to fill in and import.",
                           add_completion=False)
import_app = typer.Typer(help="Import spreadsheets (.xlsx or .csv): customers and what they "
                              "still hold, care actions.", add_completion=False)

FileArgument = Annotated[Path, typer.Argument(help="The spreadsheet (.xlsx or .csv).")]
DryRunOption = Annotated[bool, typer.Option(
    "--dry-run", help="Check every row and say what would happen; write nothing.")]
SkipOption = Annotated[bool, typer.Option(
    "--skip-bad-rows", help="Import the good rows and report the rest (without it, one "
                            "row in error and nothing is written).")]
OverwriteOption = Annotated[bool, typer.Option(help="Replace an existing file.")]


# -- templates ---------------------------------------------------------------------------------


@template_app.command("customers")
def template_customers_command(path: Annotated[Path, typer.Argument(
        help="Where to write it (.xlsx; a .csv holds the customers sheet only).")],
        overwrite: OverwriteOption = False) -> None:
    """Write the customer import's template: the sheets customers and holdings (headers and
    example rows) and a help sheet."""
    from salontui.store.errors import SalonError
    from salontui.store.io.templates import write_customers_template

    try:
        result = write_customers_template(path, overwrite=overwrite)
    except SalonError as error:
        _fail(error.message)
    typer.echo(_("Template written: {path}").format(path=result.path))


@template_app.command("care-actions")
def template_care_command(path: Annotated[Path, typer.Argument(
        help="Where to write it (.xlsx, or .csv without the help).")],
        overwrite: OverwriteOption = False) -> None:
    """Write the care actions template: one row a customer, an example and a help sheet."""
    from salontui.store.errors import SalonError
    from salontui.store.io.templates import write_care_template

    try:
        result = write_care_template(path, overwrite=overwrite)
    except SalonError as error:
        _fail(error.message)
    typer.echo(_("Template written: {path}").format(path=result.path))


# -- imports -----------------------------------------------------------------------------------


@contextmanager
def _progress_bar() -> Iterator[Callable[[int, int], object] | None]:
    """A progress bar on stderr when it is a terminal (rows read, then rows written)."""
    if not sys.stderr.isatty():
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        reading = bar.add_task(_("Reading"), total=None)
        writing = None

        def step(done: int, total: int) -> None:
            nonlocal writing
            if not total:
                bar.update(reading, completed=done)
                return
            if writing is None:
                bar.update(reading, visible=False)
                writing = bar.add_task(_("Writing"), total=total)
            bar.update(writing, completed=done, total=total)

        yield step


def _salon_ways(session) -> None:
    """The salon's today and its way of writing dates, for the checks and the messages."""
    from salontui.store import clock
    from salontui.store.dates import use_salon_locale
    from salontui.store.settings import get_settings

    settings = get_settings(session)
    clock.use_salon_offset(settings.utc_offset_minutes)
    use_salon_locale(settings.locale)


def print_report(report: ImportReport) -> None:
    """The report as lines: what happens to the rows, then every error by sheet and row."""
    from salontui.store.io.report import summary_lines

    for line in summary_lines(report):
        typer.echo(line)
    errors = report.sorted_errors()
    if errors:
        typer.echo(_("Errors ({n}):").format(n=f"{report.error_count:,}"))
        for error in errors:
            where = _("{sheet}, row {row}").format(sheet=error.sheet, row=error.row)
            if error.column:
                where += f", {error.column}"
            typer.echo(f"  {where}: {error.message}")
        if report.error_count > len(errors):
            typer.echo("  " + _("… and {n} more.").format(
                n=f"{report.error_count - len(errors):,}"))
    if not report.dry_run and not report.written and report.error_count:
        typer.echo(_("Nothing was written: correct the rows in error, or import the good "
                     "rows with --skip-bad-rows."))


def _finish(report: ImportReport) -> None:
    print_report(report)
    if report.error_count:
        raise typer.Exit(1)


@import_app.command("customers")
def import_customers_command(
    ctx: typer.Context,
    path: FileArgument,
    dry_run: DryRunOption = False,
    points: Annotated[str, typer.Option(
        help="add: the file's points are added to what the customer has; reset: they are "
             "what the customer has after the import.")] = "add",
    spend: Annotated[str, typer.Option(
        help="add or reset, as --points, for the ranking spend (tiền tích lũy).")] = "add",
    skip_bad_rows: SkipOption = False,
    holdings: Annotated[Path | None, typer.Option(
        help="The holdings sheet in a file of its own (a CSV holds one sheet).")] = None,
    staff: StaffOption = None,
    db: DbOption = None,
) -> None:
    """Import customers and what they still hold (balances, packages, products to collect);
    matched by phone, then code: an existing customer is updated, never duplicated."""
    from salontui.store.errors import SalonError
    from salontui.store.io.customers_import import dry_run_customers, import_customers

    for name, value in (("--points", points), ("--spend", spend)):
        if value not in ("add", "reset"):
            _fail(_("{option} is add or reset.").format(option=name))
    holdings_path = str(holdings) if holdings is not None else None
    try:
        with _progress_bar() as progress:
            if dry_run:
                with _read(ctx, db) as session:
                    _salon_ways(session)
                    report = dry_run_customers(session, path=str(path), points=points,
                                               spend=spend, holdings_path=holdings_path,
                                               progress=progress)
            else:
                with _write(ctx, db) as session:
                    _salon_ways(session)
                    report = import_customers(
                        session, staff_id=_owner(session, staff), path=str(path),
                        points=points, spend=spend, skip_bad_rows=skip_bad_rows,
                        holdings_path=holdings_path, progress=progress)
    except SalonError as error:
        _fail(error.message)
    _finish(report)


@import_app.command("care-actions")
def import_care_command(
    ctx: typer.Context,
    path: FileArgument,
    dry_run: DryRunOption = False,
    skip_bad_rows: SkipOption = False,
    staff: StaffOption = None,
    db: DbOption = None,
) -> None:
    """Import care actions: one row a customer (phone), give or deduct points or spend,
    with a care type and a reason of the care catalogue, a value and a note."""
    from salontui.store.errors import SalonError
    from salontui.store.io.care_import import dry_run_care, import_care

    try:
        with _progress_bar() as progress:
            if dry_run:
                with _read(ctx, db) as session:
                    _salon_ways(session)
                    report = dry_run_care(session, path=str(path), progress=progress)
            else:
                with _write(ctx, db) as session:
                    _salon_ways(session)
                    report = import_care(session, staff_id=_owner(session, staff),
                                         path=str(path), skip_bad_rows=skip_bad_rows,
                                         progress=progress)
    except SalonError as error:
        _fail(error.message)
    _finish(report)
