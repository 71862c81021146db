"""The demo's bulk load on PostgreSQL: COPY, table by table, in one transaction.

Rows go out through psycopg's ``COPY … FROM STDIN`` as each table's batch fills
(:class:`~salontui.store.demo.sinks._CopySink`), so the build holds one batch per
table, never the whole salon. Batches arrive in the builder's order, not the
foreign keys' (an invoice's lines may go before it, the customers go last), and
checking each row's keys as it arrives is most of what an insert costs: so the
foreign keys, unique constraints and secondary indexes of the salon's tables are
dropped for the load and put back afterwards from the definitions PostgreSQL
gives (``pg_get_constraintdef``, ``pg_get_indexdef``). Putting a foreign key back
checks every row against it, so nothing the load wrote escapes them. Primary keys
stay: ids only grow, so each insert is an append. Every row carries its id (the
sequences are moved past them at the end) and its seal, computed here as on
SQLite: COPY fires no trigger, and the append-only guards (BEFORE UPDATE, DELETE
and TRUNCATE) do not stand in its way.

``replace``: the guards refuse TRUNCATE and DELETE on the sealed tables, as they
should, so the salon is not emptied but dropped: every table of the salon (with
the migrations' record and the guards' function) is dropped and the migrations
build the schema again, in the same transaction as the load (a failure leaves
the old salon as it was). The schema itself stays, with its owner and grants.
"""

from __future__ import annotations

from salontui.store.demo.sinks import _CopySink

# The guards' trigger function (migration 0001): dropped with the tables on replace.
GUARD_FUNCTION = "salontui_append_only()"


def _recreate_schema(conn, tables: list[str]) -> None:
    """Drop every table of the salon and build the schema again with the migrations,
    on ``conn`` (in its transaction)."""
    from alembic import command

    from salontui.store.schema import _config

    names = ", ".join(f'"{t}"' for t in [*tables, "alembic_version"])
    conn.exec_driver_sql(f"DROP TABLE IF EXISTS {names} CASCADE")
    conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {GUARD_FUNCTION} CASCADE")
    command.upgrade(_config(conn), "head")


def _drop_for_load(cursor, tables: list[str]) -> list[str]:
    """Drop the foreign keys, unique constraints and secondary indexes of ``tables``;
    return the SQL that puts them back, in an order that works (indexes and unique
    constraints before the foreign keys that lean on them)."""
    cursor.execute(
        "SELECT c.conrelid::regclass::text, quote_ident(c.conname), "
        "pg_get_constraintdef(c.oid), c.contype FROM pg_constraint c "
        "WHERE c.conrelid = ANY(%s::regclass[]) AND c.contype IN ('f', 'u') "
        "ORDER BY c.contype, c.conrelid::regclass::text, c.conname", (tables,))
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT i.indisprimary AND NOT EXISTS ("
        " SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid"
        " AND c.contype IN ('p', 'u', 'x')) "
        "ORDER BY 1", (tables,))
    indexes = cursor.fetchall()
    for table, name, _definition, _kind in constraints:  # 'f' before 'u'
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
    for name, _definition in indexes:
        cursor.execute(f"DROP INDEX {name}")
    back = [definition for _name, definition in indexes]
    back += [f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}"
             for table, name, definition, _kind in reversed(constraints)]  # 'u' before 'f'
    return back


def move_sequences(conn, tables: list[str]) -> None:
    """Move each table's id sequence past the ids written (to 1, unused, when empty)."""
    from sqlmodel import SQLModel

    for table in tables:
        if "id" not in SQLModel.metadata.tables[table].columns:
            continue
        conn.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f"coalesce(max(id), 1), max(id) IS NOT NULL) FROM \"{table}\"")


def _build_postgres(engine, make_builder, tables: list[str], *,
                    replace: bool) -> dict[str, int]:
    """The bulk load: one transaction on one connection, COPY table by table."""
    with engine.begin() as conn:
        if replace:
            _recreate_schema(conn, tables)
        # Nothing of a salon is left (or it was refused before), but what the migrations
        # write into a new database (the first branch) goes: the demo writes its own.
        for table in reversed(tables):
            conn.exec_driver_sql(f'DELETE FROM "{table}"')
        # Building the indexes again sorts whole tables: give the sort room.
        conn.exec_driver_sql("SET LOCAL maintenance_work_mem = '256MB'")
        with conn.connection.driver_connection.cursor() as cursor:
            back = _drop_for_load(cursor, tables)
            builder = make_builder(_CopySink(cursor))
            builder.run()
            builder.progress("indexes", 0.95)
            for sql in back:
                cursor.execute(sql)
        move_sequences(conn, tables)
    # Once committed: the planner's statistics and the visibility map now, not when
    # autovacuum gets round to it. Until a table is vacuumed, every index-only read of
    # it (the search's balances, a customer's last visit) visits the table's rows too:
    # measured at 100,000 customers, a name search takes 6 ms before and 2 ms after.
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM (ANALYZE) " + ", ".join(f'"{t}"' for t in tables))
    return builder.sink.counts
