"""sealed books: a hash chain on every append-only row, INSERT OR REPLACE and TRUNCATE
refused, the points rate and the request fingerprint kept on each invoice

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 22:30:00

Existing rows are sealed here, in id order, with the same function the store
uses (``salontui.store.chain``): the UPDATE guards are lifted for that pass
only and put back before the transaction commits. An existing sale's points
rate is the salon's current one when it earned points, else 0 (so ``check``
recomputes exactly what was earned).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEALED = ("ledger_entry", "package_event", "invoice", "invoice_line", "payment", "audit_log")
BATCH = 5000


def _guards(create: bool, verbs: tuple[str, ...] = ("UPDATE",)) -> None:
    """Drop (and, with ``create``, put back) the row guards of 0001 for ``verbs``."""
    dialect = op.get_bind().dialect.name
    for table in SEALED:
        for verb in verbs:
            name = f"{table}_no_{verb.lower()}"
            if dialect == "sqlite":
                op.execute(f"DROP TRIGGER IF EXISTS {name}")
                if create:
                    op.execute(f"CREATE TRIGGER {name} BEFORE {verb} ON {table} "
                               f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")
            elif dialect == "postgresql":
                op.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                if create:
                    op.execute(f"CREATE TRIGGER {name} BEFORE {verb} ON {table} "
                               "FOR EACH ROW EXECUTE FUNCTION salontui_append_only()")


def _replace_guards() -> None:
    """SQLite's INSERT OR REPLACE deletes the row in the way without firing DELETE
    triggers (unless recursive_triggers is on, which another program's connection
    need not set): refuse any insert that would collide, before it happens.
    PostgreSQL: TRUNCATE fires no row trigger, so it gets a statement trigger."""
    dialect = op.get_bind().dialect.name
    for table in SEALED:
        if dialect == "sqlite":
            clash = f"EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id)"
            if table == "invoice":
                clash += (" OR EXISTS (SELECT 1 FROM invoice WHERE code = NEW.code)"
                          " OR EXISTS (SELECT 1 FROM invoice WHERE idempotency_key ="
                          " NEW.idempotency_key)")
            op.execute(f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
                       f"WHEN {clash} "
                       f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")
        elif dialect == "postgresql":
            op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                       "FOR EACH STATEMENT EXECUTE FUNCTION salontui_append_only()")


def _points_rates(bind) -> None:
    rate = bind.exec_driver_sql(
        "SELECT points_per_amount FROM salon_settings WHERE id = 1").scalar()
    if not rate:
        return
    bind.exec_driver_sql(
        f"UPDATE invoice SET points_rate = {int(rate)} WHERE id IN (SELECT ref_id FROM "
        "ledger_entry WHERE ref_type = 'invoice' AND account = 'points' AND kind = 'earn')")


def _seal_existing(bind) -> None:
    from salontui.store import chain

    for table in SEALED:
        # The columns the table has now (not the models', which a later migration may
        # widen): a column added later is NULL on these rows and left out of their hash.
        sealer = chain.Sealer(table, names=[c["name"] for c in
                                            sa.inspect(bind).get_columns(table)])
        names = sealer.names
        result = bind.exec_driver_sql(
            f"SELECT {', '.join(names)} FROM {table} ORDER BY id").yield_per(BATCH)
        pending: list[dict] = []
        for row in result:
            pending.append({"i": row[0], "h": sealer.seal(tuple(row))})
        result.close()
        for start in range(0, len(pending), BATCH):
            bind.execute(sa.text(f"UPDATE {table} SET row_hash = :h WHERE id = :i"),
                         pending[start:start + BATCH])


def upgrade() -> None:
    for table in SEALED:
        op.add_column(table, sa.Column("row_hash", sa.LargeBinary(length=16), nullable=True))
    op.add_column("invoice", sa.Column("points_rate", sa.Integer(), nullable=False,
                                       server_default="0"))
    op.add_column("invoice", sa.Column("request_hash", sa.String(length=64), nullable=True))
    bind = op.get_bind()
    _guards(create=False)
    _points_rates(bind)
    _seal_existing(bind)
    _guards(create=True)
    _replace_guards()


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in SEALED:
        if dialect == "sqlite":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_replace")
        elif dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
    _guards(create=False, verbs=("UPDATE", "DELETE"))
    for table in SEALED:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("row_hash")
            if table == "invoice":
                batch.drop_column("points_rate")
                batch.drop_column("request_hash")
    _guards(create=True, verbs=("UPDATE", "DELETE"))
