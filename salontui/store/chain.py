"""Tamper-evident books: every append-only row carries a hash chained to the row before.

Triggers refuse UPDATE and DELETE, but whoever holds the database file can drop
them, rewrite a row and put them back, and ``check``'s sums would still agree
if the rewrite was careful. So each row of an append-only table (ledgers,
package history, invoices, their lines and payments, the audit log) carries
``row_hash`` = H(previous row's hash ‖ this row's content), one chain per
table in id order. ``check`` recomputes every chain: a row changed, removed or
slipped in breaks the link at that row. Whoever rewrites a row *and* every hash
after it still cannot match a seal printed before (the day close prints
:func:`seal`), so a printed close proves later that the past was not rewritten.

How a hash is made, the same way from an ORM object, a raw SQLite row or a
PostgreSQL row: each column that is not NULL (``id`` first, then by name;
``row_hash`` excluded) is written ``name=value``, the value as text the way
SQLite stores it (times ``YYYY-MM-DD HH:MM:SS.ffffff``, dates ISO, booleans
1/0), joined with a unit separator; H is SHA-256 cut to 16 bytes (a forger
needs a second pre-image, 2**128 work). The first row follows 16 zero bytes.
NULL columns are left out so that a later migration may add a *nullable*
column to a sealed table without breaking the chains of the rows before it
(a column added with a non-NULL default would: don't).

Rows get their ids here, before the INSERT, so the id is part of what is
sealed: on SQLite ``max(id) + 1`` (writers are serialised by BEGIN IMMEDIATE);
on PostgreSQL the table's sequence, under one transaction-scoped advisory lock
that keeps chain order equal to id order across concurrent desks. The ORM path
seals in a ``before_flush`` hook, so no store function can forget; the demo's
bulk loader seals its rows with the same :class:`Sealer`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

HASH_BYTES = 16
GENESIS = bytes(HASH_BYTES)
HASH_COLUMN = "row_hash"
SEALED_TABLES = (
    "ledger_entry", "package_event", "invoice", "invoice_line", "payment", "audit_log",
)
# One advisory lock for every chain on PostgreSQL: one lock cannot deadlock with itself.
PG_CHAIN_LOCK = 0x5A1_0C4A1
_SEP = "\x1f"


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    return str(value)


def link(prev: bytes, names: Sequence[str], values: Iterable[Any]) -> bytes:
    """The hash of a row whose columns ``names`` (:func:`columns` order) hold
    ``values``, following a row whose hash is ``prev``."""
    return _link(prev, _prefixes(tuple(names)), values)


@cache
def _prefixes(names: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f"{name}=" for name in names)


def _link(prev: bytes, prefixes: tuple[str, ...], values: Iterable[Any]) -> bytes:
    # The hot loop of ``check`` (millions of rows): plain str and int take the short way.
    parts = []
    for prefix, value in zip(prefixes, values, strict=True):
        if value is None:
            continue
        kind = type(value)
        if kind is str:
            parts.append(prefix + value)
        elif kind is int:
            parts.append(prefix + str(value))
        else:
            parts.append(prefix + _text(value))
    content = _SEP.join(parts).encode("utf-8", "surrogatepass")
    return hashlib.sha256(bytes(prev) + content).digest()[:HASH_BYTES]


@cache
def columns(table: str) -> tuple[str, ...]:
    """The sealed columns of ``table``, in the order they are hashed."""
    from sqlmodel import SQLModel

    import salontui.store.models  # noqa: F401  (registers the tables)

    return canonical_order(c.name for c in SQLModel.metadata.tables[table].columns)


def canonical_order(names: Iterable[str]) -> tuple[str, ...]:
    """Sealed columns in the order they are hashed: ``id`` first, then by name (not the
    table's physical order, which differs between a new and an upgraded database)."""
    rest = sorted(n for n in names if n not in ("id", HASH_COLUMN))
    return ("id", *rest)


class Sealer:
    """The running end of one table's chain, for writers that insert many rows in id order."""

    def __init__(self, table: str, *, last_id: int = 0, last_hash: bytes = GENESIS,
                 names: Sequence[str] | None = None):
        self.table = table
        self.last_id = last_id
        self.last_hash = last_hash
        self.names = canonical_order(names) if names is not None else columns(table)
        self._prefixes = _prefixes(self.names)

    def seal(self, values: Sequence[Any]) -> bytes:
        """Seal the next row: its values in :attr:`names` order (``id`` first, set)."""
        self.last_hash = _link(self.last_hash, self._prefixes, values)
        self.last_id = values[0]
        return self.last_hash


def head(connection, table: str) -> tuple[int, bytes]:
    """(id, hash) of the last row of ``table``'s chain; (0, GENESIS) when it is empty."""
    row = connection.exec_driver_sql(
        f"SELECT id, {HASH_COLUMN} FROM {table} ORDER BY id DESC LIMIT 1").first()
    if row is None:
        return 0, GENESIS
    return int(row[0]), bytes(row[1]) if row[1] is not None else GENESIS


def _seal_pending(session: Session, _flush_context, _instances) -> None:
    pending = [obj for obj in session.new
               if getattr(obj, "__tablename__", None) in SEALED_TABLES]
    if not pending:
        return
    pending.sort(key=lambda obj: inspect(obj).insert_order)
    connection = session.connection()
    postgres = connection.dialect.name == "postgresql"
    if postgres:
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({PG_CHAIN_LOCK})")
    by_table: dict[str, list] = {}
    for obj in pending:
        by_table.setdefault(obj.__tablename__, []).append(obj)
    for table, rows in by_table.items():
        last_id, prev = head(connection, table)
        names = columns(table)
        prefixes = _prefixes(names)
        for obj in rows:
            if postgres:
                obj.id = connection.exec_driver_sql(
                    f"SELECT nextval(pg_get_serial_sequence('{table}', 'id'))").scalar_one()
            elif obj.id is None or obj.id <= last_id:
                obj.id = last_id + 1
            last_id = obj.id
            prev = _link(prev, prefixes, [getattr(obj, name) for name in names])
            setattr(obj, HASH_COLUMN, prev)


def install() -> None:
    """Seal append-only rows on every flush of every session (idempotent)."""
    if not event.contains(Session, "before_flush", _seal_pending):
        event.listen(Session, "before_flush", _seal_pending)


def seal(connection) -> str:
    """The books' seal now: a digest of every chain's head, with the ids it stands at.

    Printed on the day close as ``<16 hex>@<id>.<id>…`` (tables in SEALED_TABLES
    order); :func:`verify_seal` later proves the chains still pass through it.
    """
    heads = [head(connection, table) for table in SEALED_TABLES]
    return _format_seal(heads)


def _format_seal(heads: list[tuple[int, bytes]]) -> str:
    digest = hashlib.sha256(b"".join(h for _i, h in heads)).hexdigest()[:16]
    return f"{digest}@{'.'.join(str(i) for i, _h in heads)}"


def parse_seal(token: str) -> tuple[str, list[int]] | None:
    """(digest, ids) of a printed seal, or None if it is not one."""
    token = (token or "").strip().lower()
    if len(token) > 200 or "@" not in token:
        return None
    digest, _at, ids = token.partition("@")
    parts = ids.split(".")
    if (len(digest) != 16 or any(c not in "0123456789abcdef" for c in digest)
            or len(parts) != len(SEALED_TABLES) or not all(p.isdigit() and len(p) < 19
                                                           for p in parts)):
        return None
    return digest, [int(p) for p in parts]


def verify_seal(connection, token: str) -> str | None:
    """None when the chains still pass through the printed seal ``token``; else what is wrong."""
    parsed = parse_seal(token)
    if parsed is None:
        return "not a seal (expected 16 hex digits, '@' and six row numbers)"
    digest, ids = parsed
    heads = []
    for table, row_id in zip(SEALED_TABLES, ids, strict=True):
        if row_id == 0:
            heads.append((0, GENESIS))
            continue
        row = connection.exec_driver_sql(
            f"SELECT {HASH_COLUMN} FROM {table} WHERE id = {row_id}").first()
        if row is None or row[0] is None:
            return f"row {row_id} of {table} named by the seal is gone"
        heads.append((row_id, bytes(row[0])))
    if _format_seal(heads).partition("@")[0] != digest:
        return "the books no longer match this seal: rows before it were rewritten"
    return None


def broken_links(table: str, rows: Iterable[Sequence[Any]]) -> Iterable[int]:
    """Ids of the rows whose hash does not follow from the row before and their content.

    ``rows``: (the columns of :func:`columns`…, row_hash) in id order. A changed row
    shows as itself; a row removed, or a changed row whose hash was recomputed, shows as
    the row after it. After a break the stored hash is followed, so one bad row is
    reported once, not with every row after it.
    """
    names = columns(table)
    prefixes = _prefixes(names)
    width = len(names)
    prev = GENESIS
    for row in rows:
        values = row[:width]
        stored = row[width]
        expected = _link(prev, prefixes, values)
        stored = bytes(stored) if stored is not None else None
        if stored != expected:
            yield values[0]
        prev = stored if stored is not None else expected


def select_sql(table: str) -> str:
    """The SELECT that :func:`broken_links` reads, in id order."""
    return f"SELECT {', '.join(columns(table))}, {HASH_COLUMN} FROM {table} ORDER BY id"
