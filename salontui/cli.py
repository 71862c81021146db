"""The ``salontui`` command. With no sub-command it opens the desk.

Heavy imports (Textual, SQLAlchemy) happen inside the command that needs
them, so ``salontui --help`` answers at once on a slow PC.
"""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated, NoReturn

import typer

app = typer.Typer(
    help="salontui: the front desk of a hair salon, spa or beauty clinic, in a terminal. "
    "With no command it opens the desk.\n\n"
    "Your own keys: keymap.toml in the config folder (or the file SALONTUI_KEYMAP names) "
    "rebinds any key by its id, e.g. \"checkout.confirm\" = \"ctrl+s\"; F1 on a screen "
    "shows its keys.",
    no_args_is_help=False,
    add_completion=False,
    rich_markup_mode=None,
)
db_app = typer.Typer(help="Database maintenance.", add_completion=False)
app.add_typer(db_app, name="db")

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="SQLite file or database URL (postgresql+psycopg://…). "
        "Default: salon.db in your data folder, or $SALONTUI_DB.",
    ),
]


def _url(ctx: typer.Context, db: str | None) -> str:
    from salontui.config import resolve_db_url

    return resolve_db_url(db or (ctx.obj or {}).get("db"))


def _engine(url: str):
    """The migrated engine on ``url``; an address that cannot be opened is one sentence
    on stderr and exit status 1, never a traceback."""
    from salontui.store.connect import open_engine
    from salontui.store.errors import SalonError

    try:
        return open_engine(url)
    except SalonError as error:
        _fail(error.message)


def _fail(message: str, code: int = 1) -> NoReturn:
    """One line on stderr and exit ``code`` (1; 2 for a bad value on the command line, as
    Typer's own usage errors)."""
    typer.echo(message, err=True)
    raise typer.Exit(code)


def _read(ctx: typer.Context, db: str | None):
    """A read session on the database the command names (its own commands and the
    spreadsheet ones)."""
    from salontui.store.db import read_session

    return read_session(_engine(_url(ctx, db)))


@app.callback(invoke_without_command=True)
def main_callback(
    ctx: typer.Context,
    db: DbOption = None,
    demo: Annotated[
        bool, typer.Option("--demo", help="On an empty database, build a demo salon first.")
    ] = False,
    staff: Annotated[
        int | None, typer.Option("--staff", help="Sign in as this staff member (id) at start.")
    ] = None,
    branch: Annotated[
        str | None, typer.Option(
            "--branch", help="Open the desk at this branch of a chain (its code, e.g. Q2). "
            "Remembered for this database on this computer; default: the branch chosen "
            "last, else the first.")
    ] = None,
) -> None:
    """Open the desk (the default), or run one of the commands below."""
    ctx.obj = {"db": db}
    if ctx.invoked_subcommand is not None:
        return
    from salontui.app import run_desk

    if branch is not None and not branch.strip():
        _fail("Give --branch a branch's code ('salontui branch list' shows them).")
    run_desk(_url(ctx, db), demo_if_empty=demo, staff_id=staff, branch=branch)


@app.command("demo")
def demo_command(
    ctx: typer.Context,
    customers: Annotated[int, typer.Option(min=1, max=2_000_000, help="How many customers.")] = 500,
    seed: Annotated[int, typer.Option(help="Same seed, same salon.")] = 1,
    branches: Annotated[int, typer.Option(
        min=1, max=8, help="Build a chain of this many branches (each with its staff and "
                           "invoice prefix; customers mostly visit their own).")] = 1,
    replace: Annotated[bool, typer.Option(
        help="Replace a database that has customers: everything in it is deleted (on "
             "PostgreSQL the salon's tables are dropped and made again).")] = False,
    db: DbOption = None,
) -> None:
    """Build a realistic demo salon (Vietnamese names, VND, every kind of record).

    --replace deletes the salon already in the database, in the same transaction as the
    build (if the build fails, the old salon stays). On PostgreSQL, whose append-only
    guards refuse to empty the books, the salon's tables are dropped and the migrations
    build them again. --branches N builds a chain: the salon is its first branch and
    N − 1 more open one after another, each numbering its own invoices (TK-HD000001)."""
    from salontui.store.demo import build_demo
    from salontui.store.errors import SalonError

    url = _url(ctx, db)
    try:
        stats = build_demo(url, customers=customers, seed=seed, replace=replace,
                           branches=branches)
    except SalonError as error:
        _fail(str(error))
    typer.echo(f"Demo salon ready: {stats}")


@app.command("check")
def check_command(
    ctx: typer.Context,
    db: DbOption = None,
    seal: Annotated[str | None, typer.Option(
        help="A seal printed on a day close: also prove nothing before it was rewritten.")]
    = None,
) -> None:
    """Prove the database consistent: integrity, foreign keys, the ledgers' invariants and
    the sealed books (every append-only row's hash chain)."""
    from salontui.store import chain
    from salontui.store.check import Problem, run_checks

    engine = _engine(_url(ctx, db))
    problems = run_checks(engine)
    if seal is not None:
        with engine.connect() as conn:
            wrong = chain.verify_seal(conn, seal.replace(" ", ""))
        if wrong:
            problems.append(Problem("seal", wrong))
        else:
            typer.echo("OK: the books still pass through that seal.")
    if not problems:
        typer.echo("OK: the database is consistent.")
        return
    typer.echo(f"{len(problems)} problem(s) found:")
    for problem in problems:
        typer.echo(f"  - {problem}")
    raise typer.Exit(1)


@app.command("backup")
def backup_command(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="Where to write the copy.")],
    overwrite: Annotated[bool, typer.Option(help="Replace an existing file.")] = False,
    db: DbOption = None,
) -> None:
    """Write a consistent copy of a live database, then verify it (SQLite: its backup API;
    PostgreSQL: pg_dump's custom format, with pg_dump from the PATH)."""
    from salontui.store.backup import backup
    from salontui.store.errors import SalonError

    try:
        result = backup(_engine(_url(ctx, db)), path, overwrite=overwrite)
    except SalonError as error:
        _fail(str(error))
    typer.echo(f"Backup written and verified: {result}")


@app.command("restore")
def restore_command(
    ctx: typer.Context,
    backup: Annotated[Path, typer.Argument(help="The backup file (from salontui backup).")],
    force: Annotated[bool, typer.Option(
        "--force", help="Replace a database that holds data (everything in it is lost).")]
    = False,
    db: DbOption = None,
) -> None:
    """Put a backup back into a database (--db: a new or empty one), after checking it;
    a SQLite backup into a SQLite file, a PostgreSQL one into PostgreSQL (pg_restore from
    the PATH). Close every desk first."""
    from salontui.store.errors import SalonError
    from salontui.store.restore import restore

    try:
        result = restore(backup, _url(ctx, db), force=force)
    except SalonError as error:
        _fail(str(error))
    typer.echo(f"Restored and checked: {result}")


@db_app.command("upgrade")
def db_upgrade_command(ctx: typer.Context, db: DbOption = None) -> None:
    """Bring the database schema up to this version of salontui."""
    from sqlalchemy.exc import DBAPIError

    from salontui.store.connect import unavailable
    from salontui.store.db import make_engine
    from salontui.store.schema import current_revision, head_revision, upgrade

    url = _url(ctx, db)
    engine = make_engine(url)
    try:
        before = current_revision(engine)
        upgrade(engine)
        after = current_revision(engine)
    except DBAPIError as error:
        _fail(unavailable(error, url).message)
    if before == after:
        typer.echo(f"Already up to date (revision {after}).")
    else:
        typer.echo(f"Upgraded from {before or 'empty'} to {after} (head {head_revision()}).")


branch_app = typer.Typer(help="The branches of a chain (one-branch salons need none).",
                         add_completion=False)
app.add_typer(branch_app, name="branch")

from salontui.cli_export import export_app  # noqa: E402  (it uses _read, _fail above)

app.add_typer(export_app, name="export")


def _owner(session, staff: int | None) -> int:
    """Who writes: the staff id given, else the first active owner."""
    from sqlalchemy import text

    if staff is not None:
        return staff
    found = session.execute(text("SELECT min(id) FROM staff WHERE role = 'owner' AND active"))
    owner = found.scalar()
    if owner is None:
        _fail("No active owner to act as: give --staff ID.")
    return int(owner)


StaffOption = Annotated[int | None, typer.Option(
    "--staff", help="Who does it (staff id; default: the first owner).")]


@branch_app.command("list")
def branch_list_command(ctx: typer.Context, db: DbOption = None) -> None:
    """List the branches: code, name, invoice prefix, address."""
    from salontui.store.branches import list_branches
    from salontui.store.db import read_session

    with read_session(_engine(_url(ctx, db))) as session:
        for branch in list_branches(session, include_inactive=True):
            state = "" if branch.active else "  (closed)"
            prefix = branch.invoice_prefix or "-"
            typer.echo(f"{branch.code:<10} {branch.name}  [{prefix}]  {branch.address}{state}")


@branch_app.command("add")
def branch_add_command(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="A short code, e.g. Q2.")],
    name: Annotated[str, typer.Argument(help="The branch's name, as on its receipts.")],
    address: Annotated[str, typer.Option(help="Its address.")] = "",
    phone: Annotated[str, typer.Option(help="Its phone.")] = "",
    receipt_header: Annotated[str, typer.Option(help="A line on top of its receipts.")] = "",
    invoice_prefix: Annotated[str, typer.Option(
        help="Number its invoices on their own with this prefix (Q2- gives Q2-HD000001).")]
    = "",
    staff: StaffOption = None,
    db: DbOption = None,
) -> None:
    """Open a branch of the chain."""
    from salontui.store.branches import create_branch
    from salontui.store.errors import SalonError

    try:
        with _write(ctx, db) as session:
            branch = create_branch(session, staff_id=_owner(session, staff), code=code,
                                   name=name, address=address, phone=phone,
                                   receipt_header=receipt_header, invoice_prefix=invoice_prefix)
    except SalonError as error:
        _fail(error.message)
    typer.echo(f"Branch {branch.code} ({branch.name}) opened.")


@branch_app.command("edit")
def branch_edit_command(
    ctx: typer.Context,
    code: Annotated[str, typer.Argument(help="The branch's code.")],
    name: Annotated[str | None, typer.Option(help="A new name.")] = None,
    new_code: Annotated[str | None, typer.Option("--code", help="A new code.")] = None,
    address: Annotated[str | None, typer.Option(help="A new address.")] = None,
    phone: Annotated[str | None, typer.Option(help="A new phone.")] = None,
    receipt_header: Annotated[str | None, typer.Option(help="A new receipt line.")] = None,
    invoice_prefix: Annotated[str | None, typer.Option(help="A new invoice prefix.")] = None,
    close: Annotated[bool, typer.Option("--close", help="Close the branch.")] = False,
    reopen: Annotated[bool, typer.Option("--reopen", help="Open it again.")] = False,
    staff: StaffOption = None,
    db: DbOption = None,
) -> None:
    """Change a branch (only what is given), close it or open it again."""
    from salontui.store.branches import find_branch, update_branch
    from salontui.store.errors import SalonError

    try:
        with _write(ctx, db) as session:
            branch = find_branch(session, code=code)
            branch = update_branch(
                session, staff_id=_owner(session, staff), branch_id=branch.id, code=new_code,
                name=name, address=address, phone=phone, receipt_header=receipt_header,
                invoice_prefix=invoice_prefix, active=False if close else True if reopen
                else None)
    except SalonError as error:
        _fail(error.message)
    typer.echo(f"Branch {branch.code} ({branch.name}) saved.")


@app.command("points-expire")
def points_expire_command(
    ctx: typer.Context,
    day: Annotated[datetime | None, typer.Option(
        "--day", formats=["%Y-%m-%d"],
        help="Expire as of this day (YYYY-MM-DD; default: the salon's today).")] = None,
    staff: StaffOption = None,
    db: DbOption = None,
) -> None:
    """Take the points older than the points scheme keeps them off every customer's
    balance, oldest first (run it daily, e.g. from cron: a second run the same day takes
    nothing). Nothing happens when the scheme's points never expire."""
    from salontui.store import clock
    from salontui.store.errors import SalonError
    from salontui.store.points_expiry import expire_points
    from salontui.store.settings import get_settings

    try:
        with _write(ctx, db) as session:
            clock.use_salon_offset(get_settings(session).utc_offset_minutes)
            result = expire_points(session, staff_id=_owner(session, staff),
                                   today=day.date() if day is not None else clock.today())
    except SalonError as error:
        _fail(error.message)
    if result.days is None:
        typer.echo("Points never expire in this salon's scheme: nothing to do.")
        return
    typer.echo(f"Points older than {result.days} days expired: {result.points:,} points of "
               f"{result.customers:,} customer(s).")


def _write(ctx: typer.Context, db: str | None):
    from salontui.store.db import write_session

    return write_session(_engine(_url(ctx, db)))


# The spreadsheet templates and imports (salontui/cli_io.py) use the helpers above.
from salontui.cli_io import import_app, template_app  # noqa: E402

app.add_typer(template_app, name="template")
app.add_typer(import_app, name="import")

# The owner's reports (salontui/cli_report.py) use the helpers above.
from salontui.cli_report import report_command  # noqa: E402

app.command("report")(report_command)


def main() -> None:
    """Entry point of the ``salontui`` script."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
