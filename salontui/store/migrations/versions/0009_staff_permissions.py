"""staff and permissions: a PIN per staff member (a slow salted hash, never the PIN), the
owner's table of what each role may do, the manager who approved an action in the audit
row, and the desk's lock after idle minutes and the discount a cashier may give alone

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 11:00:00

The permission table starts as the reference systems ship it: an owner may do everything
(and is not in the table: the owner's rights cannot be taken away at the desk), a manager
everything but the staff list and the settings, a receptionist the day close, a technician
nothing of it. ``audit_log`` is a sealed table: its new column is nullable, so the rows
before it keep their hashes.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# As they were on the day this migration was written (kinds.Permission may grow later).
PERMISSIONS = ("refund", "delete_customer", "merge_customers", "adjust_points",
               "adjust_packages", "adjust_balances", "price_discount", "waive", "day_close",
               "apply_tickets", "export", "settings", "staff")
GRANTED = {
    "manager": set(PERMISSIONS) - {"settings", "staff"},
    "receptionist": {"day_close"},
    "technician": set(),
}


def upgrade() -> None:
    op.add_column("staff", sa.Column("pin_hash", sa.String(200), nullable=True))
    op.add_column("staff", sa.Column("pin_set_at", sa.DateTime(), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE audit_log ADD COLUMN approved_by INTEGER REFERENCES staff (id)")
    else:
        op.add_column("audit_log", sa.Column("approved_by", sa.Integer(),
                                             sa.ForeignKey("staff.id"), nullable=True))
    op.create_table(
        "role_permission",
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("permission", sa.String(30), nullable=False),
        sa.Column("allowed", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("role", "permission"),
    )
    table = sa.table("role_permission", sa.column("role"), sa.column("permission"),
                     sa.column("allowed", sa.Boolean()))
    op.bulk_insert(table, [{"role": role, "permission": permission,
                            "allowed": permission in granted}
                           for role, granted in GRANTED.items() for permission in PERMISSIONS])
    for column in (
        sa.Column("lock_minutes", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("discount_limit_percent", sa.Integer(), nullable=False,
                  server_default="10"),
    ):
        op.add_column("salon_settings", column)


def downgrade() -> None:
    raise NotImplementedError("0009 cannot be undone in place: restore a backup")
