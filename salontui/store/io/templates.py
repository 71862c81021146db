"""Templates to fill in: ``salontui template customers FILE.xlsx`` and ``salontui template
care-actions FILE.xlsx`` (written through ``sheet_writer``: real types, a frozen header,
sensible widths).

* **customers**: the sheet "customers" (the header and one example row), the sheet
  "holdings" (the header and an example of each kind: a package, a time card, gift
  sessions, a card top-up, products not yet collected) and a help sheet saying what each
  column holds, which are required, how named cards are written in one cell, and how
  points and spend are added or reset.
* **care-actions**: the sheet "care actions" (the header and an example) and its help.

Headers and help are in the desk's language; the import reads the headers of every
language it ships (``headers``), so a template filled at one desk imports at any other.
The example rows are examples: delete them before importing (the help says so).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

from salontui.i18n import _
from salontui.store.io.headers import (
    CARD_AMOUNT,
    CARD_SEPARATOR,
    CARE_COLUMNS,
    CUSTOMER_COLUMNS,
    HOLDING_COLUMNS,
    KIND_LABELS,
    Column,
)
from salontui.store.io.sheet_writer import Column as SheetColumn
from salontui.store.io.sheet_writer import ColumnKind, Sheet, WriteResult, write_sheets

CUSTOMERS_SHEET, HOLDINGS_SHEET, CARE_SHEET, HELP_SHEET = (
    "customers", "holdings", "care actions", "help")

_KINDS = {
    "birthday": ColumnKind.DATE, "purchased": ColumnKind.DATE, "expires": ColumnKind.DATE,
    "phone": ColumnKind.PHONE, "points": ColumnKind.INTEGER, "sessions": ColumnKind.INTEGER,
    "used": ColumnKind.INTEGER, "left": ColumnKind.INTEGER, "quantity": ColumnKind.INTEGER,
    "value": ColumnKind.MONEY, "debt": ColumnKind.MONEY, "spend": ColumnKind.MONEY,
    "vouchers": ColumnKind.MONEY, "paid": ColumnKind.MONEY, "credited": ColumnKind.MONEY,
}


def header_of(column: Column) -> str:
    """A template's header: the label in the desk's language, a star when required."""
    return _(column.label) + (" *" if column.required else "")


def _columns(columns: Sequence[Column], *, care: bool = False) -> list[SheetColumn]:
    kinds = dict(_KINDS, value=ColumnKind.INTEGER) if care else _KINDS
    return [SheetColumn(header_of(c), kinds.get(c.key, ColumnKind.TEXT)) for c in columns]


def _row(columns: Sequence[Column], values: dict[str, object]) -> list[object]:
    return [values.get(c.key) for c in columns]


def _money(major: int, exponent: int) -> int:
    return major * 10**exponent


def _customer_example(exponent: int) -> list[object]:
    return _row(CUSTOMER_COLUMNS, {
        "name": "Nguyễn Thị Hương", "phone": "0935 320 888", "birthday": date(1990, 3, 14),
        "gender": "F", "email": "huong@example.com", "address": "12 Lê Lợi, Đà Nẵng",
        "points": 1200, "value": _money(500_000, exponent),
        "cards": f"Gold{CARD_AMOUNT} 300000{CARD_SEPARATOR} Spa{CARD_AMOUNT} 200000",
        "spend": _money(3_500_000, exponent)})


def _holding_examples(exponent: int, today: date) -> list[list[object]]:
    later = today + timedelta(days=365)
    phone = "0935 320 888"
    kinds = {key: _(label) for key, label in KIND_LABELS.items()}
    return [
        _row(HOLDING_COLUMNS, {"phone": phone, "kind": kinds["package"],
                               "package": _("Hair wash, 10 sessions"),
                               "paid": _money(5980, exponent), "sessions": 10, "used": 2,
                               "purchased": today - timedelta(days=60), "expires": later}),
        _row(HOLDING_COLUMNS, {"phone": phone, "kind": kinds["time"],
                               "package": _("Sauna, one month"),
                               "paid": _money(900_000, exponent),
                               "purchased": today - timedelta(days=10),
                               "expires": today + timedelta(days=20)}),
        _row(HOLDING_COLUMNS, {"phone": phone, "kind": kinds["gift"],
                               "package": _("Head massage, gift"), "sessions": 2, "used": 0,
                               "expires": later}),
        _row(HOLDING_COLUMNS, {"phone": phone, "kind": kinds["topup"], "card": "",
                               "paid": _money(1_000_000, exponent),
                               "credited": _money(1_200_000, exponent)}),
        _row(HOLDING_COLUMNS, {"phone": phone, "kind": kinds["product"],
                               "product": _("Shampoo"), "quantity": 2,
                               "paid": _money(360_000, exponent)}),
    ]


def _help_rows(groups: Sequence[tuple[str, Sequence[Column]]], notes: Sequence[str]
               ) -> list[list[object]]:
    rows: list[list[object]] = [["", "", "", note] for note in notes]
    for sheet, columns in groups:
        for column in columns:
            rows.append([sheet, header_of(column), _("yes") if column.required else "",
                         _(column.help)])
    return rows


def _help_sheet(rows: list[list[object]]) -> Sheet:
    return Sheet(HELP_SHEET, [SheetColumn(_("Sheet"), width=14), SheetColumn(_("Column"),
                                                                              width=22),
                              SheetColumn(_("Required"), width=10),
                              SheetColumn(_("What it holds"), width=90)], rows)


def write_customers_template(path: str | Path, *, exponent: int = 0, overwrite: bool = False,
                             today: date | None = None) -> WriteResult:
    """The customers template at ``path`` (.xlsx; a .csv holds the customers sheet only)."""
    today = today or date.today()
    notes = [
        _("One row a customer on the sheet customers; one row a thing a customer still "
          "holds on the sheet holdings. The header row names the columns (in English, "
          "Vietnamese or Chinese); columns may come in any order, and unknown ones are "
          "left alone. Delete the example rows first."),
        _("Try it first: salontui import customers FILE --dry-run lists the rows to create "
          "and update and every error by row and column, and writes nothing."),
        _("A customer is found by phone, then by code: an existing one is updated (an "
          "empty cell keeps what they have), never duplicated. Two rows with one phone are "
          "both refused."),
        _("Points and ranking spend: --points add (the default) adds the file's figure to "
          "what the customer has; --points reset makes it what they have after the import "
          "(the same for --spend). Stored value, named cards, vouchers and debt are always "
          "added."),
        _("Named cards, in one cell: a card's name, a colon, its balance; cards separated "
          "by semicolons, for example 'Gold: 300000; Spa: 200000'. The names are card types "
          "of the back office."),
        _("Money is in the currency's unit; dates are date cells, or written as the salon "
          "writes them, or YYYY-MM-DD."),
    ]
    customers = Sheet(CUSTOMERS_SHEET, _columns(CUSTOMER_COLUMNS), [_customer_example(exponent)])
    holdings = Sheet(HOLDINGS_SHEET, _columns(HOLDING_COLUMNS),
                     _holding_examples(exponent, today))
    if Path(str(path)).suffix.lower() == ".csv":
        return write_sheets(path, [customers], exponent=exponent, overwrite=overwrite)
    help_sheet = _help_sheet(_help_rows([(CUSTOMERS_SHEET, CUSTOMER_COLUMNS),
                                         (HOLDINGS_SHEET, HOLDING_COLUMNS)], notes))
    return write_sheets(path, [customers, holdings, help_sheet], exponent=exponent,
                        overwrite=overwrite)


def write_care_template(path: str | Path, *, overwrite: bool = False) -> WriteResult:
    """The care actions template at ``path`` (.xlsx; a .csv without its help)."""
    notes = [
        _("One row a customer: give or deduct points, or give or deduct ranking spend, "
          "with a care type and a reason of the salon's care catalogue. Each row done is a "
          "ledger entry (or a spend entry) and a line in the customer's care history, as "
          "the desk's care action over many customers writes them. Delete the example "
          "row first."),
        _("Try it first: salontui import care-actions FILE --dry-run lists every error by "
          "row and column, and writes nothing."),
        _("Points are a whole number; spend is money in the currency's unit."),
    ]
    example = _row(CARE_COLUMNS, {"phone": "0935 320 888", "action": _("give points"),
                                  "care_type": _("Care"), "reason": _("Birthday"),
                                  "value": 100, "note": _("Happy birthday!")})
    care = Sheet(CARE_SHEET, _columns(CARE_COLUMNS, care=True), [example])
    if Path(str(path)).suffix.lower() == ".csv":
        return write_sheets(path, [care], overwrite=overwrite)
    return write_sheets(path, [care, _help_sheet(_help_rows([(CARE_SHEET, CARE_COLUMNS)],
                                                            notes))], overwrite=overwrite)
