"""``salontui export``: members, invoices and packages to a spreadsheet (.xlsx or .csv, by
the file's extension).

    salontui export members FILE [--tier NAME] [--state STATE] [--birthday-month N]
                                 [--debt | --no-debt] [--visited-after DAY] …
    salontui export invoices FILE --from DAY --to DAY
    salontui export packages FILE

The members' filter is the customer list's (F10 at the desk), option for option. Heavy
imports (SQLAlchemy, the store) happen inside the commands: ``salontui --help`` stays
quick. Registered by ``salontui/cli.py``; this module takes its ``--db`` option and its
helpers from there.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Annotated

import typer

# Made before cli's helpers are imported below: cli imports this module to register it.
export_app = typer.Typer(
    help="Write members, invoices or packages to a spreadsheet (.xlsx or .csv).",
    add_completion=False, rich_markup_mode=None)

from salontui.cli import DbOption, _fail, _read  # noqa: E402

FileArgument = Annotated[Path, typer.Argument(
    help="The file to write: .xlsx (a spreadsheet) or .csv (UTF-8, comma-separated).",
    metavar="FILE", show_default=False)]
OverwriteOption = Annotated[bool, typer.Option(help="Replace an existing file.")]
DAY = ["%Y-%m-%d"]


def _wrote(result, what: str) -> None:
    typer.echo(f"{result.rows:,} {what} written to {result.path}")


def _day(value: datetime | None) -> date | None:
    return value.date() if value is not None else None


@export_app.command("members")
def members_command(
    ctx: typer.Context,
    path: FileArgument,
    tier: Annotated[str | None, typer.Option(
        "--tier", help="Only this tier (its name, e.g. Gold).")] = None,
    state: Annotated[str | None, typer.Option(
        "--state", help="Only this member state: active, not_activated or excluded.")] = None,
    birthday_month: Annotated[int | None, typer.Option(
        "--birthday-month", help="Only those born in this month (1-12).")] = None,
    debt: Annotated[bool | None, typer.Option(
        "--debt/--no-debt", help="Only those who owe something (--debt) or nothing "
        "(--no-debt).", show_default=False)] = None,
    visited_after: Annotated[datetime | None, typer.Option(
        "--visited-after", formats=DAY,
        help="Last visit on or after this day (YYYY-MM-DD).")] = None,
    visited_before: Annotated[datetime | None, typer.Option(
        "--visited-before", formats=DAY,
        help="Visited, and last before this day (YYYY-MM-DD).")] = None,
    not_visited_since: Annotated[datetime | None, typer.Option(
        "--not-visited-since", formats=DAY,
        help="No visit on or after this day, or never (YYYY-MM-DD).")] = None,
    spend_min: Annotated[str | None, typer.Option(
        "--spend-min", help="Total spend at least this amount.")] = None,
    spend_max: Annotated[str | None, typer.Option(
        "--spend-max", help="Total spend at most this amount.")] = None,
    package_days: Annotated[int | None, typer.Option(
        "--package-days", help="A package in use expiring within this many days.")] = None,
    care_type: Annotated[str | None, typer.Option(
        "--care-type",
        help="Received a care note of this type: care, treatment, call, sms or email.")]
    = None,
    overwrite: OverwriteOption = False,
    db: DbOption = None,
) -> None:
    """Write the members (the customer list's columns and more) that the filter matches;
    no filter: every customer."""
    from salontui import cli as _cli  # its _owner is defined after this module is made
    from salontui.store.errors import SalonError
    from salontui.store.io.export import export_members
    from salontui.store.loyalty.customer_list import CustomerFilter, tier_choices
    from salontui.store.money import parse_amount
    from salontui.store.names import tier_label
    from salontui.store.settings import get_settings

    try:
        with _read(ctx, db) as session:
            tier_id = None
            if tier is not None:
                wanted_name = tier.strip().casefold()
                choices = tier_choices(session)
                found = [t for t in choices if wanted_name in
                         (t.name.casefold(), tier_label(t.name).casefold())]
                if not found:
                    _fail(f"No tier named {tier!r}; the tiers are: "
                          + ", ".join(t.name for t in choices) + ".")
                tier_id = found[0].id
            exponent = get_settings(session).currency_exponent
            amounts = {name: parse_amount(text, exponent=exponent, field=name,
                                          allow_zero=True)
                       for name, text in (("spend_min", spend_min), ("spend_max", spend_max))
                       if text is not None}
            wanted = CustomerFilter(
                member_state=state, tier_id=tier_id, birthday_month=birthday_month,
                visited_after=_day(visited_after), visited_before=_day(visited_before),
                spend_min=amounts.get("spend_min"), spend_max=amounts.get("spend_max"),
                has_debt=debt, package_days=package_days,
                not_visited_since=_day(not_visited_since), care_type=care_type)
            result = export_members(session, staff_id=_cli._owner(session, None), path=path,
                                    wanted=wanted, overwrite=overwrite)
    except SalonError as error:
        _fail(error.message)
    _wrote(result, "members")


@export_app.command("invoices")
def invoices_command(
    ctx: typer.Context,
    path: FileArgument,
    date_from: Annotated[datetime, typer.Option(
        "--from", formats=DAY, help="The first day (YYYY-MM-DD), the salon's calendar day.",
        show_default=False)],
    date_to: Annotated[datetime, typer.Option(
        "--to", formats=DAY, help="The last day (YYYY-MM-DD), included.",
        show_default=False)],
    overwrite: OverwriteOption = False,
    db: DbOption = None,
) -> None:
    """Write one row per invoice line of the invoices from one day to another: code, date,
    customer, kind, line, quantity, prices, technician, cashier, payment methods."""
    from salontui import cli as _cli  # its _owner is defined after this module is made
    from salontui.store.errors import SalonError
    from salontui.store.io.export import export_invoices

    try:
        with _read(ctx, db) as session:
            result = export_invoices(session, staff_id=_cli._owner(session, None), path=path,
                                     date_from=date_from.date(), date_to=date_to.date(),
                                     overwrite=overwrite)
    except SalonError as error:
        _fail(error.message)
    _wrote(result, "invoice lines")


@export_app.command("packages")
def packages_command(
    ctx: typer.Context,
    path: FileArgument,
    overwrite: OverwriteOption = False,
    db: DbOption = None,
) -> None:
    """Write one row per package of every customer: kind, status, sessions total, used and
    left, price, per-session value, days bought, activated, expiring and reserved."""
    from salontui import cli as _cli  # its _owner is defined after this module is made
    from salontui.store.errors import SalonError
    from salontui.store.io.export import export_packages

    try:
        with _read(ctx, db) as session:
            result = export_packages(session, staff_id=_cli._owner(session, None), path=path,
                                     overwrite=overwrite)
    except SalonError as error:
        _fail(error.message)
    _wrote(result, "packages")
