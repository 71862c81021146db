"""bringing a salon in: back-fills (what the salon typed of what a customer still holds),
products paid for and not yet collected, vouchers as a payment method

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 09:00:00

A back-fill is a record of what was typed (by hand at the desk or by an import): the
amounts it put in the ledgers are ordinary ledger entries and package events that point
back at it, so the customer's totals can be compared with what was typed, and a wrong
back-fill is undone by a second back-fill row that reverses it (``reverses_id``).

Products not yet collected were a flag on a sale's line. They become a ledger of goods
held for the customer: a sale or a back-fill puts quantities in, a handover or a refund
takes them out. Lines already sold with the flag off come in as held, less what their
refunds took back. Both new tables are append-only.

Vouchers (phiếu quà tặng / 代金券) are a money balance kept like points: ledger entries
of the account ``voucher``; the built-in payment method ``voucher`` spends them.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = ("backfill", "held_product_entry")


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


def upgrade() -> None:
    op.create_table(
        "backfill",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), sa.ForeignKey("customer.id"), nullable=False),
        # value / package / gift / product / points / voucher / debt / spend
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("source", sa.String(160), nullable=False),  # "back-fill" / "import FILE"
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("operator_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("card_id", sa.Integer(), sa.ForeignKey("value_card.id"), nullable=True),
        sa.Column("package_id", sa.Integer(), sa.ForeignKey("customer_package.id"),
                  nullable=True),
        sa.Column("item_id", sa.Integer(), sa.ForeignKey("catalog_item.id"), nullable=True),
        sa.Column("quantity", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("paid", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("amount", sa.BigInteger(), nullable=False, server_default="0"),
        sa.Column("sessions_total", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("sessions_used", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("purchased_on", sa.Date(), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("reverses_id", sa.Integer(), sa.ForeignKey("backfill.id"), nullable=True),
        sa.Column("note", sa.String(250), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_backfill_customer", "backfill", ["customer_id", "id"])
    op.create_index("ix_backfill_reverses", "backfill", ["reverses_id"])
    op.create_table(
        "held_product_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), sa.ForeignKey("customer.id"), nullable=False),
        sa.Column("item_id", sa.Integer(), sa.ForeignKey("catalog_item.id"), nullable=False),
        sa.Column("description", sa.String(200), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),  # signed: + held, − handed over
        sa.Column("amount", sa.BigInteger(), nullable=False, server_default="0"),  # paid
        # sale / backfill / handover / refund / reverse
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("invoice_line_id", sa.Integer(), sa.ForeignKey("invoice_line.id"),
                  nullable=True),
        sa.Column("backfill_id", sa.Integer(), sa.ForeignKey("backfill.id"), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("note", sa.String(250), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_held_product_customer", "held_product_entry",
                    ["customer_id", "item_id", "quantity"])
    op.create_index("ix_held_product_line", "held_product_entry", ["invoice_line_id"])
    _held_from_sales()
    for table in APPEND_ONLY:
        _append_only(table)
    _voucher_method()


def _held_from_sales() -> None:
    """Products sold and left at the salon (``picked_up`` off) are held; a refund of such a
    line took its quantity back. Nothing was recorded as handed over before: the flag was
    all there was."""
    op.execute(
        "INSERT INTO held_product_entry (customer_id, item_id, description, quantity, "
        "amount, kind, invoice_line_id, created_at, staff_id, note) "
        "SELECT i.customer_id, l.item_id, l.description, l.quantity, l.amount, 'sale', l.id, "
        "i.created_at, i.staff_id, '' FROM invoice_line l JOIN invoice i ON i.id = l.invoice_id "
        "WHERE l.kind = 'product' AND NOT l.picked_up AND l.refund_of_line_id IS NULL "
        "AND i.customer_id IS NOT NULL AND l.item_id IS NOT NULL AND l.quantity > 0 "
        "ORDER BY l.id")
    op.execute(
        "INSERT INTO held_product_entry (customer_id, item_id, description, quantity, "
        "amount, kind, invoice_line_id, created_at, staff_id, note) "
        "SELECT i.customer_id, l.item_id, l.description, -abs(l.quantity), l.amount, "
        "'refund', l.id, i.created_at, i.staff_id, '' "
        "FROM invoice_line l JOIN invoice i ON i.id = l.invoice_id "
        "JOIN invoice_line o ON o.id = l.refund_of_line_id "
        "WHERE o.kind = 'product' AND NOT o.picked_up AND i.customer_id IS NOT NULL "
        "AND l.item_id IS NOT NULL AND l.quantity != 0 ORDER BY l.id")


def _voucher_method() -> None:
    """The built-in method that spends vouchers, last in the panel and with no Alt key: the
    letters a terminal delivers with Alt are the salon's (b and f arrive as word moves), so
    the owner gives it one in Settings → Payment methods if they want."""
    bind = op.get_bind()
    taken = bind.execute(sa.text("SELECT count(*) FROM payment_method "
                                 "WHERE code = 'voucher'")).scalar()
    if taken:
        return
    last = bind.execute(sa.text("SELECT coalesce(max(position), 0) FROM payment_method")
                        ).scalar()
    method = sa.table("payment_method", sa.column("code"), sa.column("name"),
                      sa.column("kind"), sa.column("hotkey"), sa.column("position"),
                      sa.column("active", sa.Boolean()))
    op.bulk_insert(method, [{"code": "voucher", "name": "Voucher", "kind": "voucher",
                             "hotkey": None,
                             "position": int(last) + 1, "active": True}])


def downgrade() -> None:
    raise NotImplementedError("0008 cannot be undone in place: restore a backup")
