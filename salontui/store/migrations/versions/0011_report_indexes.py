"""the owner's reports' indexes: two indexes widened so that a report reads them alone

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 13:00:00

No index is added: two are built again with more columns after the ones they had, so
every query that used them still does, and the liabilities report (assets and
liabilities at the end of a past day) reads them in their order without a sort and
without fetching a row:

* ``ix_ledger_account_customer`` (account, customer_id, amount) gains ``created_at``: the
  points, vouchers and debt each customer held at an instant are summed on the index
  alone instead of a scan of the whole ledger and a sort of its entries.
* ``ix_package_event_package`` (package_id, id) gains ``created_at``, ``change``,
  ``delta_total``, ``delta_used`` and ``old_expiry``: each package's history at an
  instant is summed in the index's order instead of a scan of the events and a sort.

Measured on the 100,000-customer demo (952,613 invoices, 894,674 ledger entries, 282,645
package events; the slowest of three builds, CPU): the liabilities report at a past day
0.64 s -> 0.34 s (the customers' balances 0.35 -> 0.13 s, the packages' 0.21 -> 0.12 s).
The demo's file grows by 5 % (662 -> 697 MB), its build by well under a second, and a
checkout writes the same rows into indexes a little wider (not measurably slower).
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_index("ix_ledger_account_customer", table_name="ledger_entry")
    op.create_index("ix_ledger_account_customer", "ledger_entry",
                    ["account", "customer_id", "amount", "created_at"])
    op.drop_index("ix_package_event_package", table_name="package_event")
    op.create_index("ix_package_event_package", "package_event",
                    ["package_id", "id", "created_at", "change", "delta_total", "delta_used",
                     "old_expiry"])


def downgrade() -> None:
    raise NotImplementedError("0011 cannot be undone in place: restore a backup")
