"""the back office: catalogue details, payment methods, card types, programmes' scope,
the points scheme, customer groups, salon settings and closing a course

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 04:00:00

Every new column of a sealed table (``invoice.points_rule``) is nullable, so the seals of
rows written before stay whole (a NULL column is left out of a row's seal). The payment
methods the checkout always had are written here as the salon's list, under the very
codes the old payments carry, so every existing invoice keeps its methods.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (code, name, kind, key): the methods of revisions 0001-0004, in the checkout's order.
BUILT_IN_METHODS = (
    ("cash", "Cash", "cash", "c"), ("card", "Bank card", "card", "k"),
    ("transfer", "Transfer", "card", "t"), ("ewallet", "E-wallet", "card", "e"),
    ("value", "Stored value", "value", "v"), ("points", "Points", "points", "p"),
    ("account", "On account", "account", "a"), ("free", "Waived", "waived", "w"),
)


def _add_reference(table: str, column: str, target: str) -> None:
    """A nullable foreign key column, by plain ADD COLUMN on SQLite (no table rebuild)."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE {table} ADD COLUMN {column} INTEGER REFERENCES {target} (id)")
    else:
        op.add_column(table, sa.Column(column, sa.Integer(), sa.ForeignKey(f"{target}.id"),
                                       nullable=True))


def _add(table: str, column: sa.Column) -> None:
    op.add_column(table, column)


def upgrade() -> None:
    false, true = sa.false(), sa.true()
    # The catalogue.
    _add("catalog_item", sa.Column("category", sa.String(60), nullable=False,
                                   server_default=""))
    _add("catalog_item", sa.Column("duration_minutes", sa.Integer(), nullable=True))
    _add("catalog_item", sa.Column("commission_percent", sa.Integer(), nullable=True))
    _add("catalog_item", sa.Column("cost_price", sa.Integer(), nullable=True))
    _add("catalog_item", sa.Column("track_stock", sa.Boolean(), nullable=False,
                                   server_default=false))
    _add("catalog_item", sa.Column("can_leave", sa.Boolean(), nullable=False,
                                   server_default=false))
    op.create_table(
        "plan_service",
        sa.Column("plan_id", sa.Integer(), sa.ForeignKey("catalog_item.id"), nullable=False),
        sa.Column("service_id", sa.Integer(), sa.ForeignKey("catalog_item.id"),
                  nullable=False),
        sa.PrimaryKeyConstraint("plan_id", "service_id"),
    )
    op.execute("INSERT INTO plan_service (plan_id, service_id) SELECT id, service_id "
               "FROM catalog_item WHERE kind = 'package' AND service_id IS NOT NULL")
    # Payment methods.
    op.create_table(
        "payment_method",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(12), nullable=False),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("hotkey", sa.String(1), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    method = sa.table("payment_method", sa.column("code"), sa.column("name"),
                      sa.column("kind"), sa.column("hotkey"), sa.column("position"),
                      sa.column("active", sa.Boolean()))
    op.bulk_insert(method, [
        {"code": code, "name": name, "kind": kind, "hotkey": key, "position": n + 1,
         "active": True} for n, (code, name, kind, key) in enumerate(BUILT_IN_METHODS)])
    # Card types (stored-value sub-cards set once).
    op.create_table(
        "card_type",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("bonus_pay", sa.Integer(), nullable=True),
        sa.Column("bonus_get", sa.Integer(), nullable=True),
        sa.Column("discounts_apply", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    _add_reference("value_card", "card_type_id", "card_type")
    # Promotion programmes: what a discount applies to, a limit per customer, a code prefix.
    _add("promotion_program", sa.Column("scope", sa.String(10), nullable=False,
                                        server_default="all"))
    _add("promotion_program", sa.Column("per_customer_limit", sa.Integer(), nullable=True))
    _add("promotion_program", sa.Column("code_prefix", sa.String(6), nullable=False,
                                        server_default=""))
    # Customer groups.
    op.create_table(
        "customer_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(60), nullable=False),
        sa.Column("points_percent", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    _add_reference("customer", "group_id", "customer_group")
    # Salon settings: receipt header, opening hours, the book's slot, new members, points.
    for column in (
        sa.Column("receipt_header", sa.String(250), nullable=False, server_default=""),
        sa.Column("opening_hours", sa.String(120), nullable=False,
                  server_default=",".join(["09:00-20:00"] * 7)),
        sa.Column("slot_minutes", sa.Integer(), nullable=False, server_default="30"),
        sa.Column("new_member_active", sa.Boolean(), nullable=False, server_default=true),
        sa.Column("points_services", sa.Boolean(), nullable=False, server_default=true),
        sa.Column("points_products", sa.Boolean(), nullable=False, server_default=true),
        sa.Column("points_packages", sa.Boolean(), nullable=False, server_default=true),
        sa.Column("points_topups", sa.Boolean(), nullable=False, server_default=false),
        sa.Column("points_rounding", sa.String(8), nullable=False, server_default="down"),
        sa.Column("points_expiry_days", sa.Integer(), nullable=True),
    ):
        _add("salon_settings", column)
    # The points rule a sale earned under (sealed; NULL: the rule before 0005).
    _add("invoice", sa.Column("points_rule", sa.String(60), nullable=True))
    # Closing a course early.
    _add("customer_package", sa.Column("closed_on", sa.Date(), nullable=True))


def downgrade() -> None:
    raise NotImplementedError("0005 cannot be undone in place: restore a backup")
