"""Where the demo's rows go: one :class:`_Shape` per INSERT, and three sinks.

The builder appends plain tuples to a shape's ``rows``; a sink writes them. On
SQLite (:class:`_SqliteSink`) rows are flushed in large batches through
``executemany`` of multi-row INSERTs on one raw connection, with constant
columns as SQL literals and NULLs as ``nullif(?, 0)`` (binding Python's None
is slow). On PostgreSQL (:class:`_CopySink`) each batch is one ``COPY … FROM
STDIN`` of its table through psycopg, as it fills, so only a batch per table is
ever held. Any other engine (:class:`_CoreSink`) gets the same rows at the end
through SQLAlchemy Core, in dependency order. Every way, the rows of an
append-only table are sealed (``chain.py``) in id order as they are flushed,
exactly as the store would have sealed them one by one.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date, datetime
from itertools import chain, islice
from typing import Any

BATCH = 50_000  # rows kept per shape before a flush
MULTI_ROWS = 32  # rows per INSERT statement in the bulk load

_NO_SENTINEL = object()  # a column that is never NULL in the demo's rows


def _literal(value: Any) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


class _Shape:
    """One INSERT: the columns bound per row, the ones fixed for every row of this shape.

    ``nulls`` are nullable columns given as 0 (integers) or "" (text, dates) for NULL:
    binding Python's None goes through sqlite3's adaptation machinery and costs several
    times an integer, so SQLite gets ``nullif(?, 0)`` and other engines get None.
    """

    def __init__(self, table: str, bound: tuple[str, ...], fixed: dict[str, Any] | None = None,
                 nulls: tuple[str, ...] = ()):
        import sqlalchemy as sa
        from sqlmodel import SQLModel

        import salontui.store.models  # noqa: F401  (registers the tables)
        from salontui.store import chain

        self.table = table
        # Rows of an append-only table are sealed (chain.py) when flushed: the builder
        # appends them without their hash, :meth:`seal_rows` adds it in id order.
        self.sealer = chain.Sealer(table) if table in chain.SEALED_TABLES else None
        self.bound = (*bound, chain.HASH_COLUMN) if self.sealer else bound
        bound = self.bound
        self.fixed = fixed or {}
        columns = SQLModel.metadata.tables[table].columns
        given = set(bound) | set(self.fixed)
        missing = [c.name for c in columns if c.name not in given and c.name != "id"]
        unknown = [c for c in given if c not in columns]
        if missing or unknown or not set(nulls) <= set(bound):
            # the schema changed: say so rather than write wrong rows
            raise RuntimeError(f"demo shape {table}: missing {missing}, unknown {unknown}")
        self.nulls = {name: 0 if isinstance(columns[name].type, sa.Integer) else ""
                      for name in nulls}
        # For SQLAlchemy (other engines): the stored strings of times and dates as objects.
        self.parse = {name: (datetime.fromisoformat if isinstance(columns[name].type,
                                                                   sa.DateTime)
                             else date.fromisoformat)
                      for name in bound
                      if isinstance(columns[name].type, sa.DateTime | sa.Date)}
        self.columns = [*bound, *self.fixed]
        values = [f"nullif(?, {_literal(self.nulls[c])})" if c in self.nulls else "?"
                  for c in bound]
        values += [_literal(v) for v in self.fixed.values()]
        row = f"({', '.join(values)})"
        self.sql = f"INSERT INTO {table} ({', '.join(self.columns)}) VALUES {row}"
        # Many rows per statement: Python's sqlite3 spends more per executed row than
        # SQLite does inserting it (measured: 32 rows per INSERT, 3× faster).
        self.per_statement = max(1, min(MULTI_ROWS, 900 // max(1, len(bound))))
        self.multi_sql = (f"INSERT INTO {table} ({', '.join(self.columns)}) VALUES "
                          + ", ".join([row] * self.per_statement))
        self.rows: list[tuple] = []
        if self.sealer:
            self._sealing = self._sealing_plan(columns)
        # COPY is given every id (SQLite numbers a table's rows 1, 2, … as they come; a
        # PostgreSQL sequence may have moved on): ``numbered`` shapes get it in front.
        self.numbered = "id" in columns and "id" not in bound
        copied = ["id", *self.columns] if self.numbered else self.columns
        self.copy_sql = f"COPY {table} ({', '.join(copied)}) FROM STDIN"

    def _sealing_plan(self, columns) -> list[tuple[int, Any, Any]]:
        """Per sealed column, in table order: (index in the row or -1, fixed value, NULL
        sentinel); the id, when SQLite numbers the rows, is index -2."""
        assert self.sealer is not None  # planned only for a sealed table
        plan = []
        for name in self.sealer.names:
            if name in self.bound:
                plan.append((self.bound.index(name), None, self.nulls.get(name, _NO_SENTINEL)))
            elif name in self.fixed:
                plan.append((-1, self.fixed[name], _NO_SENTINEL))
            elif name == "id":
                plan.append((-2, None, _NO_SENTINEL))
            else:
                raise RuntimeError(f"demo shape {self.table}: cannot seal column {name}")
        return plan

    def seal_rows(self) -> None:
        """Append each pending row's hash (rows are in id order: the chain's order)."""
        if not self.sealer:
            return
        sealer, plan, rows = self.sealer, self._sealing, self.rows
        for r, row in enumerate(rows):
            values = []
            for index, fixed, sentinel in plan:
                if index >= 0:
                    value = row[index]
                    values.append(None if value == sentinel else value)
                elif index == -1:
                    values.append(fixed)
                else:
                    values.append(sealer.last_id + 1)
            rows[r] = (*row, sealer.seal(values))

    def copy_rows(self, first_id: int) -> Iterator[list[Any]]:
        """The pending rows as COPY takes them: the id in front if :attr:`numbered` (from
        ``first_id``), sentinels back to None, the fixed columns after."""
        fixed = tuple(self.fixed.values())
        numbered = self.numbered
        nulls = [(self.bound.index(name) + (1 if numbered else 0), sentinel)
                 for name, sentinel in self.nulls.items()]
        for row_id, row in enumerate(self.rows, first_id):
            values = [row_id, *row, *fixed] if numbered else [*row, *fixed]
            for index, sentinel in nulls:
                if values[index] == sentinel:
                    values[index] = None
            yield values

    def as_dict(self, row: tuple) -> dict[str, Any]:
        """A row as a dict of column values for SQLAlchemy (sentinels back to None)."""
        values = dict(zip(self.bound, row, strict=True))
        for name, sentinel in self.nulls.items():
            if values[name] == sentinel:
                values[name] = None
        for name, parse in self.parse.items():
            if isinstance(values[name], str):
                values[name] = parse(values[name])
        return {**values, **self.fixed}


class _SqliteSink:
    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.counts: dict[str, int] = {}

    def flush(self, shape: _Shape) -> None:
        rows = shape.rows
        if not rows:
            return
        shape.seal_rows()
        per = shape.per_statement
        whole = len(rows) - len(rows) % per
        if whole:
            flat = chain.from_iterable(rows)
            self.conn.executemany(shape.multi_sql, (tuple(islice(flat, per * len(shape.bound)))
                                                    for _chunk in range(whole // per)))
        if whole < len(rows):
            self.conn.executemany(shape.sql, rows[whole:])
        self.counts[shape.table] = self.counts.get(shape.table, 0) + len(rows)
        rows.clear()  # in place: the builder holds references to these lists

    def close(self, shapes: list[_Shape]) -> None:
        for shape in shapes:
            self.flush(shape)


class _CopySink:
    """PostgreSQL: each flush is one ``COPY`` of the shape's pending rows into its table,
    on the load's psycopg connection (its one transaction). Rows arrive in any table
    order (lines before their invoices, customers last), so the load runs with the
    foreign keys dropped (``postgres.py`` puts them back and so checks every row)."""

    def __init__(self, cursor):
        self.cursor = cursor  # a psycopg cursor
        self.counts: dict[str, int] = {}

    def flush(self, shape: _Shape) -> None:
        rows = shape.rows
        if not rows:
            return
        shape.seal_rows()
        written = self.counts.get(shape.table, 0)
        with self.cursor.copy(shape.copy_sql) as copy:
            write = copy.write_row
            for row in shape.copy_rows(written + 1):
                write(row)
        self.counts[shape.table] = written + len(rows)
        rows.clear()  # in place: the builder holds references to these lists

    def close(self, shapes: list[_Shape]) -> None:
        for shape in shapes:
            self.flush(shape)


class _CoreSink:
    """Any engine: rows kept until the end, then written in dependency order through
    SQLAlchemy Core (foreign keys checked at once are satisfied). Slow and memory-bound:
    SQLite and PostgreSQL have their own sinks; a test proves this one writes their rows."""

    def __init__(self, conn):
        self.conn = conn
        self.counts: dict[str, int] = {}

    def flush(self, shape: _Shape) -> None:
        pass

    def close(self, shapes: list[_Shape]) -> None:
        from sqlmodel import SQLModel

        for shape in shapes:
            table = SQLModel.metadata.tables[shape.table]
            shape.seal_rows()
            for start in range(0, len(shape.rows), 5000):
                chunk = shape.rows[start:start + 5000]
                self.conn.execute(table.insert(), [shape.as_dict(row) for row in chunk])
            self.counts[shape.table] = self.counts.get(shape.table, 0) + len(shape.rows)
            shape.rows.clear()  # in place: the builder holds references to these lists
