"""a chain: branches (staff, appointments, invoices and held checkouts belong to one),
and byte-order collation for the searched columns on PostgreSQL

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 01:00:00

``branch_id`` is NULL on every existing row: NULL means the first branch, so the
sealed invoices need no rewrite (a NULL column is left out of a row's seal). The
first branch is made here from the salon's settings, so a one-branch salon has
one and never needs to name it.

PostgreSQL: the columns searched by prefix range or listed in the desk's order are
``COLLATE "C"`` (byte order, as on SQLite), whatever the server's default collation.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BRANCHED = ("staff", "appointment", "invoice", "checkout_draft")
BYTE_ORDER = (("customer", "code", 20), ("customer", "name_norm", 120),
              ("customer", "phone_national", 20), ("customer", "phone_rev", 20),
              ("customer_name_key", "key", 120), ("catalog_item", "code", 20),
              ("catalog_item", "name_norm", 120), ("invoice", "code", 20))


def _byte_order() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table, column, length in BYTE_ORDER:
        op.execute(f'ALTER TABLE {table} ALTER COLUMN {column} TYPE VARCHAR({length}) '
                   'COLLATE "C"')


def upgrade() -> None:
    op.create_table(
        "branch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=10), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("address", sa.String(length=250), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("receipt_header", sa.String(length=250), nullable=False),
        sa.Column("invoice_prefix", sa.String(length=6), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    bind = op.get_bind()
    for table in BRANCHED:
        if bind.dialect.name == "sqlite":
            # A plain ADD COLUMN, not alembic's batch rebuild: the table (and its
            # append-only guards) stays as it is.
            op.execute(f"ALTER TABLE {table} ADD COLUMN branch_id INTEGER "
                       "REFERENCES branch (id)")
        else:
            op.add_column(table, sa.Column("branch_id", sa.Integer(),
                                           sa.ForeignKey("branch.id"), nullable=True))
    settings = bind.exec_driver_sql(
        "SELECT name, address, phone FROM salon_settings WHERE id = 1").first()
    name, address, phone = settings if settings else ("", "", "")
    bind.execute(sa.text(
        "INSERT INTO branch (code, name, address, phone, receipt_header, invoice_prefix, "
        "active, created_at) VALUES ('1', :n, :a, :p, '', '', :t, :at)"),
        {"n": name or "Salon", "a": address or "", "p": phone or "", "t": True,
         "at": datetime.now(UTC).replace(tzinfo=None)})
    _byte_order()


def downgrade() -> None:
    # Dropping a column on SQLite rebuilds the table, which would take the invoice's
    # append-only guards with it; salontui never goes back a revision (restore the backup
    # taken before the upgrade instead).
    raise NotImplementedError("0004 cannot be undone in place: restore a backup")
