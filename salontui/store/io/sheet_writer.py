"""One way to write a table to a spreadsheet file: ``.xlsx`` or ``.csv``, by its extension.

A caller says what each column *is* (:class:`Column` with a :class:`ColumnKind`: text,
money, date, datetime, integer, phone), never how to format it, and hands over the rows as
an iterable of sequences (a generator streaming a query is the intended case: memory stays
flat at 100,000 rows). Then:

- **xlsx** (openpyxl's write-only workbook, one sheet per :class:`Sheet`): a frozen header
  row, column widths from the header and the first rows, dates as real dates with a date
  number format, money as numbers in the currency's unit (VND whole, CNY with two decimals:
  the salon's exponent), integers as numbers, phones and text as text (a leading 0 or + stays,
  and a name that starts with ``=`` is a name, not a formula).
- **csv** (one table only): UTF-8 with a BOM, so Excel reads Vietnamese and Chinese,
  comma-separated; dates ISO (``2026-11-30``, ``2026-11-30 14:05``), money as a plain decimal
  (``1500000``, ``59.80``); a text cell that would start a formula in a spreadsheet
  (``= + - @``) is prefixed with ``'`` (phones are left as they are).

The file is written next to the target under a temporary name and moved to its name only
when complete (as ``store/backup.py`` does), so a failed or stopped export never leaves a
half file under the name asked for. :func:`check_target` refuses an unknown extension, a
folder, a missing or unwritable folder, or an existing file (unless ``overwrite``) with one
clear message at the field ``path``; the desk calls it to answer at its path field.

``progress(rows_written)`` is called every :data:`PROGRESS_EVERY` rows and at the end of
each sheet; an exception raised from it stops the export (and nothing is left behind).
"""

from __future__ import annotations

import contextlib
import csv
import itertools
import os
import queue
import re
import secrets
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import IO, Any

from salontui.i18n import _
from salontui.store.errors import RuleViolation, ValidationError
from salontui.store.money import to_decimal_string
from salontui.store.text import cell_width, quote

PROGRESS_EVERY = 1000
WIDTH_SAMPLE = 200  # rows looked at to size the columns
MIN_WIDTH, MAX_WIDTH = 6, 60
MAX_SHEET_TITLE = 31  # Excel's limit
EXTENSIONS = (".xlsx", ".csv")
MAX_PATH_TEXT = 1000  # characters of a file name as typed
PATH_QUOTE = 120  # characters of a path a message repeats

Progress = Callable[[int], object]
Row = Sequence[Any]


class ColumnKind(StrEnum):
    TEXT = "text"
    MONEY = "money"  # integer minor units of the salon's currency
    DATE = "date"
    DATETIME = "datetime"  # a naive local datetime (the salon's clock)
    INTEGER = "integer"
    PHONE = "phone"
    PERCENT = "percent"  # basis points (1,000 = 10 %): a number with a percent format


@dataclass(frozen=True)
class Column:
    """A column: its header (already in the desk's language) and what its values are."""

    header: str
    kind: ColumnKind = ColumnKind.TEXT
    width: int | None = None  # in characters; None: from the header and the first rows


@dataclass
class Sheet:
    """A table: a title (the xlsx sheet's name), its columns and its rows (an iterable of
    sequences, one value per column; ``None`` is an empty cell)."""

    title: str
    columns: Sequence[Column]
    rows: Iterable[Row] = field(default_factory=list)


@dataclass(frozen=True)
class WriteResult:
    path: Path
    rows: int  # data rows written, over every sheet (headers not counted)
    format: str  # "xlsx" or "csv"
    sheets: tuple[tuple[str, int], ...] = ()  # (title, rows) of each sheet


def file_format(path: str | Path, extensions: tuple[str, ...] = EXTENSIONS) -> str:
    """``"xlsx"`` or ``"csv"`` from the file's extension; else a ValidationError. Another
    writer (a report's .pdf) names its own ``extensions``."""
    suffix = Path(path).suffix.lower()
    if suffix not in extensions:
        if extensions != EXTENSIONS:
            raise ValidationError(
                _("Give a file name ending in {wanted} (not '{suffix}').").format(
                    wanted=" / ".join(extensions), suffix=quote(suffix or Path(path).name)),
                field="path")
        raise ValidationError(
            _("Give a file name ending in .xlsx or .csv (not '{suffix}').").format(
                suffix=quote(suffix or Path(path).name)), field="path")
    return suffix[1:]


def check_target(path: str | Path, *, overwrite: bool = False,
                 extensions: tuple[str, ...] = EXTENSIONS) -> Path:
    """The file to write, resolved, or one clear refusal at the field ``path``."""
    text = str(path).strip() if isinstance(path, str | Path) else ""
    if not text:
        raise ValidationError(_("Give the name of the file to write."), field="path")
    if len(text) > MAX_PATH_TEXT or any(ord(ch) < 32 for ch in text):
        raise ValidationError(_("That is not a file name that can be written."),
                              field="path")
    try:
        return _check_target(Path(text).expanduser(), overwrite, extensions)
    except (OSError, ValueError) as error:  # a name the system refuses (too long a part…)
        raise ValidationError(_("{path} cannot be used: {reason}").format(
            path=_shown_path(text), reason=getattr(error, "strerror", None) or error),
            field="path") from error


def _shown_path(path: object) -> str:
    return quote(str(path), limit=PATH_QUOTE)


def _check_target(target: Path, overwrite: bool,
                  extensions: tuple[str, ...] = EXTENSIONS) -> Path:
    if target.is_dir():
        raise ValidationError(_("{path} is a folder; give the name of the file to write.")
                              .format(path=_shown_path(target)), field="path")
    file_format(target, extensions)
    target = target.resolve()
    folder = target.parent
    if not folder.is_dir():
        raise ValidationError(_("The folder {path} does not exist.").format(
            path=_shown_path(folder)), field="path")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ValidationError(_("The folder {path} cannot be written to.").format(
            path=_shown_path(folder)), field="path")
    if target.exists():
        if not overwrite:
            raise RuleViolation(_("{path} already exists; choose another name or allow "
                                  "overwriting it.").format(path=_shown_path(target)),
                                field="path")
        if not os.access(target, os.W_OK):
            raise ValidationError(_("{path} cannot be written to.").format(
                path=_shown_path(target)), field="path")
    return target


def write_table(path: str | Path, columns: Sequence[Column], rows: Iterable[Row], *,
                title: str = "Sheet1", exponent: int = 0, overwrite: bool = False,
                progress: Progress | None = None, read_ahead: bool = False) -> WriteResult:
    """Write one table to ``path`` (xlsx or csv, by its extension)."""
    return write_sheets(path, [Sheet(title, columns, rows)], exponent=exponent,
                        overwrite=overwrite, progress=progress, read_ahead=read_ahead)


def write_sheets(path: str | Path, sheets: Sequence[Sheet], *, exponent: int = 0,
                 overwrite: bool = False, progress: Progress | None = None,
                 read_ahead: bool = False) -> WriteResult:
    """Write several tables to ``path``: one sheet each in an xlsx; a csv holds one.

    ``read_ahead``: the rows are read in a thread of their own while the file is written
    (a query's rows: the database works, outside Python's lock, while the spreadsheet is
    built: a quarter of the time of 100,000 members, saved when a second core is free).
    The rows are then read by that thread only, and it is done with them (finished or
    stopped) before this returns."""
    target = check_target(path, overwrite=overwrite)
    fmt = file_format(target)
    if not sheets:
        raise ValueError("nothing to write")
    if fmt == "csv" and len(sheets) > 1:
        raise ValidationError(_("A .csv file holds one table; give a .xlsx file name to "
                                "write {count} sheets.").format(count=len(sheets)),
                              field="path")
    for sheet in sheets:
        if not sheet.columns:
            raise ValueError(f"sheet {sheet.title!r} has no columns")
    readers: list[_ReadAhead] = []
    if read_ahead:
        readers = [_ReadAhead(sheet.rows) for sheet in sheets]
        sheets = [Sheet(s.title, s.columns, r) for s, r in zip(sheets, readers, strict=True)]
    counts: list[tuple[str, int]] = []

    def write(out: IO[bytes]) -> None:
        if fmt == "csv":
            counts.append((sheets[0].title, _write_csv(out, sheets[0], exponent, progress)))
        else:
            counts.extend(_write_xlsx(out, sheets, exponent, progress))

    try:
        replace_when_written(target, write)
    finally:
        for reader in readers:
            reader.close()
    return WriteResult(path=target, rows=sum(n for _t, n in counts), format=fmt,
                       sheets=tuple(counts))


def replace_when_written(target: Path, write: Callable[[IO[bytes]], object]) -> None:
    """``write`` a whole file into a temporary one next to ``target`` (checked by
    :func:`check_target`), then move it to its name, for any file (the sheets of
    :func:`write_sheets`, a report's PDF). Nothing is left behind when it fails."""
    try:
        fd, partial = _open_partial(target)
    except OSError as error:
        raise _not_written(target, error) from error
    try:
        with os.fdopen(fd, "w+b") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(partial, target)
    except OSError as error:
        _remove(partial)
        raise _not_written(target, error) from error
    except BaseException:
        _remove(partial)
        raise


def _not_written(target: Path, error: OSError) -> ValidationError:
    return ValidationError(_("{path} could not be written: {reason}").format(
        path=_shown_path(target), reason=error.strerror or error), field="path")


def _open_partial(target: Path) -> tuple[int, Path]:
    """A new file next to ``target`` under a temporary name, made with the permissions any
    new file gets (the umask's: a spreadsheet others may open, not mkstemp's owner-only)."""
    for _attempt in range(100):
        partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")
        try:
            return os.open(partial, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o666), partial
        except FileExistsError:
            continue
    raise FileExistsError(f"no temporary name free next to {target}")


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)


class _ReadAhead:
    """The rows of an iterable, read in chunks by a thread of its own into a short queue
    (what it raises is raised here, in order). :meth:`close` stops it and waits for it:
    the source is never touched again once close returns."""

    CHUNK = 500
    DEPTH = 8  # chunks waiting at most: memory stays flat

    def __init__(self, rows: Iterable[Row]) -> None:
        self._source = rows
        self._queue: queue.Queue = queue.Queue(maxsize=self.DEPTH)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _run(self) -> None:
        try:
            chunk: list[Row] = []
            for row in self._source:
                chunk.append(row)
                if len(chunk) >= self.CHUNK:
                    if not self._put(("rows", chunk)):
                        return
                    chunk = []
            if chunk and not self._put(("rows", chunk)):
                return
            self._put(("end", None))
        except BaseException as error:  # handed to the reader, raised there
            self._put(("error", error))

    def _put(self, item: tuple) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def __iter__(self) -> Iterator[Row]:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="sheet-read-ahead",
                                            daemon=True)
            self._thread.start()
        while True:
            what, item = self._queue.get()
            if what == "end":
                return
            if what == "error":
                raise item
            yield from item

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        close = getattr(self._source, "close", None)
        if close is not None:  # a generator's own clean-up, in this thread
            close()


# ------------------------------------------------------------------------------ values

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # what an xlsx cannot hold
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value: object) -> str:
    text = value if isinstance(value, str) else str(value)
    return _ILLEGAL.sub("", text) if _ILLEGAL.search(text) else text


def _as_date(value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise TypeError(f"a date column was given {type(value).__name__}")


def _as_datetime(value: object) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=None, microsecond=0)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    raise TypeError(f"a datetime column was given {type(value).__name__}")


def _as_int(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"a number column was given {type(value).__name__}")
    return value


def _money_value(minor: int, exponent: int) -> int | Decimal:
    return minor if exponent == 0 else Decimal(minor).scaleb(-exponent)


def _percent_value(basis_points: int) -> Decimal:
    return Decimal(basis_points).scaleb(-4)


_PERCENT_FORMAT = "0.00%"


def _money_format(exponent: int) -> str:
    return "#,##0" if exponent == 0 else "#,##0." + "0" * exponent


_DATE_FORMAT = "yyyy-mm-dd"
_DATETIME_FORMAT = "yyyy-mm-dd hh:mm"


def _shown(value: object, kind: ColumnKind, exponent: int) -> str:
    """Roughly what a spreadsheet shows, to size a column."""
    if value is None:
        return ""
    if kind is ColumnKind.MONEY:
        return f"{_money_value(_as_int(value), exponent):,}"
    if kind is ColumnKind.INTEGER:
        return f"{_as_int(value):,}"
    if kind is ColumnKind.PERCENT:
        return f"{_percent_value(_as_int(value)):.2%}"
    if kind is ColumnKind.DATE:
        return "2026-12-31"
    if kind is ColumnKind.DATETIME:
        return "2026-12-31 23:59"
    return _text(value)


def _widths(columns: Sequence[Column], sample: list[Row], exponent: int) -> list[int]:
    widths = []
    for index, column in enumerate(columns):
        if column.width is not None:
            widths.append(column.width)
            continue
        longest = cell_width(column.header)
        for row in sample:
            value = row[index] if index < len(row) else None
            longest = max(longest, cell_width(_shown(value, column.kind, exponent)))
        widths.append(min(max(longest + 2, MIN_WIDTH), MAX_WIDTH))
    return widths


def _checked(row: Row, columns: Sequence[Column]) -> Row:
    if len(row) != len(columns):
        raise ValueError(f"a row of {len(row)} values for {len(columns)} columns")
    return row


# ------------------------------------------------------------------------------ csv


def _csv_cell(value: object, kind: ColumnKind, exponent: int) -> str:
    if value is None:
        return ""
    if kind is ColumnKind.MONEY:
        return to_decimal_string(_as_int(value), exponent)
    if kind is ColumnKind.INTEGER:
        return str(_as_int(value))
    if kind is ColumnKind.PERCENT:
        return str(_percent_value(_as_int(value)))
    if kind is ColumnKind.DATE:
        return _as_date(value).isoformat()
    if kind is ColumnKind.DATETIME:
        return _as_datetime(value).strftime("%Y-%m-%d %H:%M")
    text = _text(value)
    if kind is ColumnKind.TEXT and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def _write_csv(out: IO[bytes], sheet: Sheet, exponent: int, progress: Progress | None) -> int:
    import io

    columns = list(sheet.columns)
    kinds = [c.kind for c in columns]
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="")
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow([_text(c.header) for c in columns])
    count = 0
    for row in sheet.rows:
        _checked(row, columns)
        writer.writerow([_csv_cell(v, k, exponent) for v, k in zip(row, kinds, strict=True)])
        count += 1
        if progress is not None and count % PROGRESS_EVERY == 0:
            progress(count)
    if progress is not None:
        progress(count)
    text.flush()
    text.detach()  # the caller closes (and syncs) the file
    return count


# ------------------------------------------------------------------------------ xlsx


def _sheet_title(title: str, used: set[str]) -> str:
    clean = re.sub(r"[\[\]:*?/\\]", " ", _text(title)).strip().strip("'") or "Sheet"
    clean = clean[:MAX_SHEET_TITLE]
    candidate, n = clean, 2
    while candidate.lower() in used:
        suffix = f" ({n})"
        candidate = clean[:MAX_SHEET_TITLE - len(suffix)] + suffix
        n += 1
    used.add(candidate.lower())
    return candidate


def _write_xlsx(out: IO[bytes], sheets: Sequence[Sheet], exponent: int,
                progress: Progress | None) -> list[tuple[str, int]]:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    try:
        return _fill_xlsx(book, out, sheets, exponent, progress)
    except BaseException:
        _discard(book)
        raise


def _discard(book: Any) -> None:
    """A write-only workbook given up half way: each sheet's stream closed in order (rows,
    then the sheet) and its temporary file removed (openpyxl removes them only at exit)."""
    for ws in book.worksheets:
        rows, writer = getattr(ws, "_rows", None), getattr(ws, "_writer", None)
        with contextlib.suppress(Exception):
            if rows is not None:
                rows.close()
        with contextlib.suppress(Exception):
            if writer is not None:
                writer.close()
                writer.cleanup()


def _fill_xlsx(book: Any, out: IO[bytes], sheets: Sequence[Sheet], exponent: int,
               progress: Progress | None) -> list[tuple[str, int]]:
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    used: set[str] = set()
    counts: list[tuple[str, int]] = []
    done_before = 0
    for sheet in sheets:
        columns = list(sheet.columns)
        ws = book.create_sheet(_sheet_title(sheet.title, used))
        rows: Iterator[Row] = iter(sheet.rows)
        sample = [_checked(r, columns) for r in itertools.islice(rows, WIDTH_SAMPLE)]
        for index, width in enumerate(_widths(columns, sample, exponent), start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.freeze_panes = "A2"
        bold = Font(bold=True)
        header = []
        for column in columns:
            cell = WriteOnlyCell(ws, value=_text(column.header))
            cell.data_type = "s"
            cell.font = bold
            header.append(cell)
        ws.append(header)

        # One styled cell per column, reused for every row: the write-only sheet writes a
        # row out as soon as it is appended, so a cell is free again for the next row.
        # openpyxl takes a row of such cells as they are; its own step that makes cells of
        # plain values (and tries each value as one first) is skipped for them: ~30 % of
        # the time of a large sheet.
        if hasattr(type(ws), "_values_to_row"):
            ws._values_to_row = _cells_as_given
        cells = []
        for column in columns:
            cell = WriteOnlyCell(ws)
            if column.kind is ColumnKind.MONEY:
                cell.number_format = _money_format(exponent)
            elif column.kind is ColumnKind.DATE:
                cell.number_format = _DATE_FORMAT
            elif column.kind is ColumnKind.DATETIME:
                cell.number_format = _DATETIME_FORMAT
            elif column.kind is ColumnKind.PHONE:
                cell.number_format = "@"
            elif column.kind is ColumnKind.PERCENT:
                cell.number_format = _PERCENT_FORMAT
            cells.append(cell)
        plan = list(zip(cells, [c.kind for c in columns], strict=True))
        count = 0
        for row in itertools.chain(sample, rows):
            _checked(row, columns)
            ws.append(_xlsx_row(row, plan, exponent))
            count += 1
            if progress is not None and count % PROGRESS_EVERY == 0:
                progress(done_before + count)
        done_before += count
        if progress is not None:
            progress(done_before)
        counts.append((ws.title, count))
    book.save(out)
    return counts


def _cells_as_given(cells: list[Any], row_idx: int) -> Iterator[Any]:
    """A row of ready cells (:func:`_xlsx_row`), placed (what openpyxl's write-only sheet
    does with each cell of a row it is given, less making them)."""
    for column, cell in enumerate(cells, 1):
        if cell is not None:
            cell.row, cell.column = row_idx, column
            yield cell


def _xlsx_row(row: Row, plan: list[tuple[Any, ColumnKind]], exponent: int) -> list[Any]:
    out: list[Any] = []
    for value, (cell, kind) in zip(row, plan, strict=True):
        if value is None:
            out.append(None)
            continue
        if kind is ColumnKind.TEXT or kind is ColumnKind.PHONE:
            cell.value = _text(value)
            cell.data_type = "s"  # text, even "=…" (never a formula)
        elif kind is ColumnKind.MONEY:
            cell.value = _money_value(_as_int(value), exponent)
        elif kind is ColumnKind.INTEGER:
            cell.value = _as_int(value)
        elif kind is ColumnKind.PERCENT:
            cell.value = _percent_value(_as_int(value))
        elif kind is ColumnKind.DATE:
            cell.value = _as_date(value)
        else:
            cell.value = _as_datetime(value)
        out.append(cell)
    return out
