"""Reading a spreadsheet a salon brings: ``.xlsx`` (openpyxl, read-only) or ``.csv``.

:func:`open_spreadsheet` checks the file first and refuses it whole, with one sentence at
the field ``path``, when it is missing, too big to be a salon's file, not a spreadsheet,
or has no header row the import knows (``headers.map_header``); then each recognised sheet
gives its rows one at a time (a workbook of 100,000 customers is never held in memory):
the sheet's row number (the header is row 1 of a template; a title line above it is
allowed, the numbers stay the sheet's own) and a dict of the cells by canonical column.

* ``.xlsx`` / ``.xlsm``: ``load_workbook(read_only=True, data_only=True)`` (a formula
  gives the value Excel saved with it), every sheet tried; the workbook is closed when the
  ``with`` block ends. A sheet's stated size is not trusted (``reset_dimensions``).
* ``.csv`` / ``.txt``: UTF-8, with or without the BOM Excel writes ("CSV UTF-8"); fields
  separated by commas, semicolons (Excel in a locale with a decimal comma) or tabs, as
  the header line shows. One file is one sheet. Another encoding is refused (saying how
  to save the file) before anything is read.

Cells come as the file holds them: text (trimmed; empty is None), numbers (int, or float
when not whole), dates (datetime from a date cell) or booleans. A text longer than any
column takes is cut to one character past the longest (its row is refused for it, and a
pasted page never fills memory). The folder of the file is never repeated in a message
beyond its name.
"""

from __future__ import annotations

import codecs
import csv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from salontui.i18n import _
from salontui.store.errors import ValidationError
from salontui.store.io.headers import CUSTOMERS, HOLDINGS, HeaderMap, map_header
from salontui.store.text import quote

MAX_BYTES = 100 * 1024 * 1024  # a salon's file: 100,000 customers are ~10 MB of xlsx
MAX_UNPACKED = 1024 * 1024 * 1024  # what the xlsx's parts unpack to
MAX_ROWS = 1_000_000  # rows of one sheet
MAX_CELL = 4001  # characters kept of a cell (the longest column takes 4,000)
HEADER_ROWS = 10  # rows searched for the header (a title line may come first)
MAX_PATH = 1000
XLSX = (".xlsx", ".xlsm")
CSV = (".csv", ".txt")
FIELD = "path"

Row = dict[str, Any]


def _refuse(message: str) -> ValidationError:
    return ValidationError(message, field=FIELD)


@dataclass
class Sheet:
    """A recognised sheet: its name in the file, what its header says and where it is."""

    name: str
    header: HeaderMap
    header_row: int  # the sheet's row number of the header
    _rows: Any = field(repr=False, default=None)  # () -> iterator of raw rows

    @property
    def kind(self) -> str:
        return self.header.sheet

    def rows(self) -> Iterator[tuple[int, Row]]:
        """(row number, {column: value}) of every row under the header that holds
        anything; a ValidationError (field ``path``) past :data:`MAX_ROWS`."""
        columns = list(self.header.columns.items())
        for number, cells in enumerate(self._rows(), start=1):
            if number <= self.header_row:
                continue
            if number > MAX_ROWS + self.header_row:
                raise _refuse(_("The sheet {sheet} has more than {n:,} rows: split the "
                                "file.").format(sheet=quote(self.name), n=MAX_ROWS))
            width = len(cells)
            row: Row = {}
            for key, index in columns:
                if index < width:
                    value = _clean(cells[index])
                    if value is not None:
                        row[key] = value
            if row:
                yield number, row


def _clean(value: Any) -> Any:
    """A cell as the import takes it (see the module)."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        return text[:MAX_CELL]
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


class Spreadsheet:
    """An opened file: its recognised sheets (:attr:`sheets`), closed by ``with``."""

    def __init__(self, path: Path, sheets: list[Sheet], closer=None) -> None:
        self.path = path
        self.sheets = sheets
        self._closer = closer

    @property
    def file_name(self) -> str:
        return self.path.name

    def sheet(self, kind: str) -> Sheet | None:
        """The first sheet recognised as ``kind`` (customers, holdings, care)."""
        return next((s for s in self.sheets if s.kind == kind), None)

    def close(self) -> None:
        if self._closer is not None:
            self._closer()
            self._closer = None

    def __enter__(self) -> Spreadsheet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def check_path(path: str | Path) -> Path:
    """The file, if it can be a spreadsheet to read: else a ValidationError at ``path``."""
    text = str(path).strip()
    if not text:
        raise _refuse(_("Give the file to import (.xlsx or .csv)."))
    if len(text) > MAX_PATH or "\x00" in text:
        raise _refuse(_("That is not a file's path."))
    found = Path(text).expanduser()
    name = quote(found.name or text)
    try:
        if not found.exists():
            raise _refuse(_("There is no file {name}.").format(name=name))
        if not found.is_file():
            raise _refuse(_("{name} is a folder, not a file.").format(name=name))
        size = found.stat().st_size
    except OSError:
        raise _refuse(_("The file {name} cannot be read.").format(name=name)) from None
    suffix = found.suffix.lower()
    if suffix == ".xls":
        raise _refuse(_("{name} is an old Excel file (.xls): save it as .xlsx (Excel "
                        "Workbook) or as CSV UTF-8 first.").format(name=name))
    if suffix not in XLSX + CSV:
        raise _refuse(_("{name} is not a spreadsheet: give an .xlsx or a .csv "
                        "file.").format(name=name))
    if size > MAX_BYTES:
        raise _refuse(_("{name} is {size} MB: too big to be a salon's file (at most "
                        "{limit} MB). Split it.").format(
            name=name, size=size // (1024 * 1024), limit=MAX_BYTES // (1024 * 1024)))
    if size == 0:
        raise _refuse(_("{name} is empty.").format(name=name))
    return found


def open_spreadsheet(path: str | Path, *, kinds: tuple[str, ...] = (CUSTOMERS, HOLDINGS)
                     ) -> Spreadsheet:
    """Open ``path`` and find its sheets of ``kinds`` (see the module); refused whole with
    a ValidationError at ``path`` if it cannot be. Use it in a ``with`` block."""
    found = check_path(path)
    book = _open_xlsx(found, kinds) if found.suffix.lower() in XLSX else _open_csv(found, kinds)
    if not book.sheets:
        book.close()
        raise _refuse(_("No sheet of {name} has a header this import knows: its first row "
                        "names the columns (for example Name and Phone). A template shows "
                        "them: salontui template customers FILE.xlsx.").format(
            name=quote(found.name)))
    return book


def _find_header(rows: Iterator[tuple], kinds: tuple[str, ...]) -> tuple[int, HeaderMap] | None:
    for number, cells in enumerate(rows, start=1):
        if number > HEADER_ROWS:
            return None
        mapped = map_header(list(cells), sheets=kinds)
        if mapped is not None:
            return number, mapped
    return None


# -- xlsx ----------------------------------------------------------------------------------


def _open_xlsx(path: Path, kinds: tuple[str, ...]) -> Spreadsheet:
    name = quote(path.name)
    not_a_workbook = _("{name} cannot be read as an Excel workbook (.xlsx): is it really "
                       "one? Open it in Excel and save it again, or as CSV UTF-8.").format(
        name=name)
    if not zipfile.is_zipfile(path):
        raise _refuse(not_a_workbook)
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        raise _refuse(not_a_workbook) from None
    if unpacked > MAX_UNPACKED:
        raise _refuse(_("{name} unpacks to more than {limit} MB: too big to be a salon's "
                        "file.").format(name=name, limit=MAX_UNPACKED // (1024 * 1024)))
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise _refuse(not_a_workbook) from None
    sheets: list[Sheet] = []
    try:
        for worksheet in book.worksheets:
            if not hasattr(worksheet, "iter_rows"):
                continue  # a chart sheet
            reset = getattr(worksheet, "reset_dimensions", None)
            if reset is not None:
                reset()

            def rows(ws=worksheet) -> Iterator[tuple]:
                return ws.iter_rows(values_only=True)

            header = _find_header(rows(), kinds)
            if header is not None:
                sheets.append(Sheet(name=worksheet.title, header=header[1],
                                    header_row=header[0], _rows=rows))
    except ValidationError:
        book.close()
        raise
    except Exception:
        book.close()
        raise _refuse(not_a_workbook) from None
    return Spreadsheet(path, sheets, closer=book.close)


# -- csv -----------------------------------------------------------------------------------


def _check_utf8(path: Path) -> None:
    """Refuse a file that is not UTF-8, reading it a megabyte at a time."""
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    line = 1
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1024 * 1024):
                try:
                    decoder.decode(chunk)
                except UnicodeDecodeError as error:
                    line += chunk[:error.start].count(b"\n")
                    raise
                line += chunk.count(b"\n")
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise _refuse(_("{name} is not UTF-8 text (line {line}): in Excel save it as "
                        "'CSV UTF-8', or save it as .xlsx.").format(
            name=quote(path.name), line=line)) from None


def _delimiter(path: Path) -> str:
    """The separator the header line uses: the most frequent of , ; and tab."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for _number in range(HEADER_ROWS):
            line = handle.readline(64 * 1024)
            if not line:
                break
            counts = {sep: line.count(sep) for sep in (",", ";", "\t")}
            best = max(counts, key=lambda sep: counts[sep])
            if counts[best]:
                return best
    return ","


def _open_csv(path: Path, kinds: tuple[str, ...]) -> Spreadsheet:
    _check_utf8(path)
    delimiter = _delimiter(path)
    csv.field_size_limit(MAX_BYTES)

    def rows() -> Iterator[tuple]:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            try:
                yield from csv.reader(handle, delimiter=delimiter)
            except csv.Error as error:
                raise _refuse(_("{name} is not a CSV file this import can read: "
                                "{error}.").format(name=quote(path.name),
                                                    error=quote(str(error), limit=60))
                              ) from None

    try:
        header = _find_header(rows(), kinds)
    except OSError:
        raise _refuse(_("The file {name} cannot be read.").format(
            name=quote(path.name))) from None
    sheets = [] if header is None else [Sheet(name=path.stem, header=header[1],
                                              header_row=header[0], _rows=rows)]
    return Spreadsheet(path, sheets)
