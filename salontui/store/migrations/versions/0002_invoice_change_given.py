"""invoice.change_given: the cash handed back, so a reprinted receipt shows what was tendered

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # ADD COLUMN with a constant default: SQLite rewrites no rows, so even a chain's
    # million invoices upgrade at once; the append-only triggers are untouched.
    op.add_column("invoice", sa.Column("change_given", sa.Integer(), nullable=False,
                                       server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("invoice") as batch:
        batch.drop_column("change_given")
