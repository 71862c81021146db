"""the owner's reports: commission rules, and what a product cost on the day it was sold

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 12:00:00

A commission rule pays the staff member on a line a percentage of it or a fixed amount
per unit (per session, for a redemption), for one item or every item of a kind, for one
role, one staff member or everyone. Rules are never edited in place: a change ends the
rule (``ended_at``) and adds a new one, so a report over last month pays last month's
rules. ``invoice_line`` is a sealed table: its new ``unit_cost`` is nullable, so the rows
before it keep their hashes (a report costs those at the product's cost price).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "commission_rule",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("applies_to", sa.String(10), nullable=False),
        sa.Column("item_id", sa.Integer(), sa.ForeignKey("catalog_item.id"), nullable=True),
        sa.Column("role", sa.String(20), nullable=True),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("rate_bp", sa.Integer(), nullable=True),
        sa.Column("fixed_amount", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.CheckConstraint("(rate_bp IS NULL) <> (fixed_amount IS NULL)",
                           name="ck_commission_rule_one_way"),
    )
    op.create_index("ix_commission_rule_applies", "commission_rule", ["applies_to", "item_id"])
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE invoice_line ADD COLUMN unit_cost INTEGER")
    else:
        op.add_column("invoice_line", sa.Column("unit_cost", sa.Integer(), nullable=True))


def downgrade() -> None:
    raise NotImplementedError("0010 cannot be undone in place: restore a backup")
