"""loyalty and care: tiers with thresholds and benefits, each customer's tier history and
manual hold, adjustments of ranking spend, adjustment tickets, old phone numbers, the care
catalogue's reasons, bulk care actions that resume, a programme's points price

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30 08:00:00

Tiers were a label on the customer. Every label in use becomes a tier ("Member" first, at
a spend of 0, the others in the order Silver, Gold, Diamond, then by name, with no
threshold until the salon sets one), and each customer points at theirs. A customer above
the first tier holds it as a tier given by hand ("up"): it stays until spend earns a
higher one. The tier history and the spend adjustments are append-only.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("tier_event", "spend_entry")
KNOWN_ORDER = ("Member", "Silver", "Gold", "Diamond")


def _append_only(table: str) -> None:
    dialect = op.get_bind().dialect.name
    for verb in ("UPDATE", "DELETE"):
        name = f"{table}_no_{verb.lower()}"
        if dialect == "sqlite":
            op.execute(f"CREATE TRIGGER {name} BEFORE {verb} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")
        else:
            op.execute(f"CREATE TRIGGER {name} BEFORE {verb} ON {table} "
                       "FOR EACH ROW EXECUTE FUNCTION salontui_append_only()")


def _reference(table: str, column: str, target: str) -> None:
    """A nullable foreign key column, by plain ADD COLUMN on SQLite (no table rebuild)."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"ALTER TABLE {table} ADD COLUMN {column} INTEGER REFERENCES {target} (id)")
    else:
        op.add_column(table, sa.Column(column, sa.Integer(), sa.ForeignKey(f"{target}.id"),
                                       nullable=True))


def _tiers_from_labels() -> None:
    bind = op.get_bind()
    labels = [r[0] for r in bind.execute(sa.text("SELECT DISTINCT tier FROM customer"))]
    names = [n for n in KNOWN_ORDER if n in labels or n == "Member"]
    names += sorted(n for n in labels if n and n not in names)
    now = bind.execute(sa.text("SELECT CURRENT_TIMESTAMP")).scalar()
    tier = sa.table("tier", sa.column("name"), sa.column("position"), sa.column("min_spend"),
                    sa.column("active", sa.Boolean()), sa.column("created_at", sa.DateTime()))
    op.bulk_insert(tier, [{"name": name, "position": n, "min_spend": 0 if n == 0 else None,
                           "active": True, "created_at": _moment(now)}
                          for n, name in enumerate(names)])
    op.execute("UPDATE customer SET tier_id = (SELECT t.id FROM tier t "
               "WHERE t.name = customer.tier)")
    op.execute("UPDATE customer SET tier_id = (SELECT id FROM tier WHERE position = 0), "
               "tier = 'Member' WHERE tier_id IS NULL")
    op.execute("UPDATE customer SET tier_hold = 'up' WHERE tier_id <> "
               "(SELECT id FROM tier WHERE position = 0)")


def _search_key() -> sa.String:
    """A phone searched by prefix range: byte order on PostgreSQL too (models.search_key)."""
    return sa.String(20).with_variant(sa.String(20, collation="C"), "postgresql")


def _moment(value):
    from datetime import datetime

    if isinstance(value, str):
        return datetime.fromisoformat(value)
    return value.replace(tzinfo=None) if value is not None else datetime(2026, 1, 1)


def upgrade() -> None:
    op.create_table(
        "tier",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),  # rank: 0 the first tier
        sa.Column("min_spend", sa.BigInteger(), nullable=True),
        sa.Column("min_points", sa.Integer(), nullable=True),
        sa.Column("discount_percent", sa.Integer(), nullable=True),  # on services
        sa.Column("points_percent", sa.Integer(), nullable=True),  # 150: 1.5× the points
        sa.Column("reward_points", sa.Integer(), nullable=True),  # once, on reaching it
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    _reference("customer", "tier_id", "tier")
    op.add_column("customer", sa.Column("tier_hold", sa.String(4), nullable=False,
                                        server_default=""))  # "" / up / down
    _reference("customer", "tier_before_id", "tier")  # the tier held before a move down
    op.add_column("customer", sa.Column("member_reason", sa.String(250), nullable=False,
                                        server_default=""))  # why excluded
    _tiers_from_labels()
    op.create_index("ix_customer_tier", "customer", ["tier_id"])
    op.create_index("ix_customer_member_state", "customer", ["member_state"])
    op.create_table(
        "tier_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), sa.ForeignKey("customer.id"), nullable=False),
        sa.Column("from_tier_id", sa.Integer(), sa.ForeignKey("tier.id"), nullable=True),
        sa.Column("to_tier_id", sa.Integer(), sa.ForeignKey("tier.id"), nullable=True),
        sa.Column("reason", sa.String(250), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_tier_event_customer", "tier_event", ["customer_id", "id"])
    op.create_table(
        "spend_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), sa.ForeignKey("customer.id"), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(250), nullable=False),
        sa.Column("ref_type", sa.String(12), nullable=False, server_default=""),
        sa.Column("ref_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_spend_entry_customer", "spend_entry", ["customer_id", "created_at"])
    for table in APPEND_ONLY:
        _append_only(table)
    op.create_table(
        "adjustment_ticket",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(20), nullable=False),
        sa.Column("note", sa.String(500), nullable=False, server_default=""),
        sa.Column("tags", sa.String(200), nullable=False, server_default=""),
        sa.Column("status", sa.String(10), nullable=False),  # waiting / applied / cancelled
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("applied_at", sa.DateTime(), nullable=True),
        sa.Column("applied_by", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("cancelled_by", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code"),
    )
    op.create_index("ix_adjustment_ticket_status", "adjustment_ticket",
                    ["status", "created_at"])
    op.create_table(
        "adjustment_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), sa.ForeignKey("adjustment_ticket.id"),
                  nullable=False),
        sa.Column("customer_id", sa.Integer(), sa.ForeignKey("customer.id"), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("tier_id", sa.Integer(), sa.ForeignKey("tier.id"), nullable=True),
        sa.Column("note", sa.String(250), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_adjustment_line_ticket", "adjustment_line", ["ticket_id", "id"])
    op.create_table(
        "customer_phone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), sa.ForeignKey("customer.id"), nullable=False),
        sa.Column("phone", sa.String(20), nullable=False),
        sa.Column("phone_national", _search_key(), nullable=False),
        sa.Column("phone_rev", _search_key(), nullable=False),
        sa.Column("replaced_at", sa.DateTime(), nullable=False),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("approved_by", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_old_phone_rev", "customer_phone", ["phone_rev"])
    op.create_index("ix_old_phone_national", "customer_phone", ["phone_national"])
    op.create_index("ix_old_phone_customer", "customer_phone", ["customer_id"])
    op.create_table(
        "care_reason",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("care_type", sa.String(10), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("care_type", "name"),
    )
    op.create_table(
        "care_batch",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(12), nullable=False),  # points/spend/call/sms/email
        sa.Column("amount", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("care_type", sa.String(10), nullable=False),
        sa.Column("reason_id", sa.Integer(), sa.ForeignKey("care_reason.id"), nullable=True),
        sa.Column("reason", sa.String(120), nullable=False, server_default=""),
        sa.Column("note", sa.Text(), nullable=False, server_default=""),
        sa.Column("status", sa.String(10), nullable=False),  # running / done
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("finished_at", sa.DateTime(), nullable=True),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "care_batch_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), sa.ForeignKey("care_batch.id"), nullable=False),
        sa.Column("customer_id", sa.Integer(), sa.ForeignKey("customer.id"), nullable=False),
        sa.Column("status", sa.String(10), nullable=False),  # pending / done / refused
        sa.Column("message", sa.String(250), nullable=False, server_default=""),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("batch_id", "customer_id"),
    )
    op.create_index("ix_care_batch_item_status", "care_batch_item", ["batch_id", "status"])
    op.add_column("promotion_program", sa.Column("points_price", sa.Integer(), nullable=True))
    for column in (
        sa.Column("tier_basis", sa.String(8), nullable=False, server_default="spend"),
        sa.Column("tier_period_months", sa.Integer(), nullable=False, server_default="12"),
        sa.Column("topup_spend", sa.String(8), nullable=False, server_default="spent"),
    ):
        op.add_column("salon_settings", column)


def downgrade() -> None:
    raise NotImplementedError("0007 cannot be undone in place: restore a backup")
