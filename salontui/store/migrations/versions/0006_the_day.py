"""the salon's day: appointment lines, each appointment's history, staff working days,
the visit's follow-up and the reminders done; indexes for a day's invoices and for who
holds a ledger account

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 07:00:00

An appointment's free-text ``services`` and its single ``staff_id`` become lines
(service, staff, start, duration): each comma-separated part of the old text is one
line, matched by name to a catalogue service when one has that name (its duration then),
else kept as written with no service (30 minutes), so no word of the old text is lost.
The lines follow each other from the appointment's start, with the appointment's staff.
The book's slot becomes 15 minutes where the salon kept the old default of 30.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DEFAULT_MINUTES = 30
BATCH = 5_000


def _old_visits() -> list[tuple]:
    """(id, starts_at, services, staff_id, created_at) of every appointment, read before
    the columns go (on SQLite the table is rebuilt, which a line already pointing at it
    would forbid)."""
    return list(op.get_bind().execute(sa.text(
        "SELECT id, starts_at, services, staff_id, created_at FROM appointment ORDER BY id")))


def _lines_from_text(rows: list[tuple]) -> None:
    """One line per comma-separated part of each appointment's services text."""
    bind = op.get_bind()
    services = {}
    for item_id, name, minutes in bind.execute(sa.text(
            "SELECT id, name, duration_minutes FROM catalog_item WHERE kind = 'service' "
            "ORDER BY active DESC, id")):
        services.setdefault(" ".join(name.split()).casefold(), (item_id, minutes))
    line = sa.table("appointment_line", sa.column("appointment_id"), sa.column("position"),
                    sa.column("kind"), sa.column("item_id"), sa.column("label"),
                    sa.column("staff_id"), sa.column("starts_at", sa.DateTime()),
                    sa.column("minutes"), sa.column("quantity"),
                    sa.column("recorded_by"), sa.column("recorded_at", sa.DateTime()))
    todo: list[dict] = []
    for appointment_id, starts_at, text, staff_id, created_at in rows:
        starts_at, created_at = _parse(starts_at), _parse(created_at)  # SQLite: text
        parts = [p.strip() for p in (text or "").split(",") if p.strip()] or [""]
        start = starts_at
        for position, part in enumerate(parts, 1):
            item_id, minutes = services.get(" ".join(part.split()).casefold(), (None, None))
            minutes = minutes or DEFAULT_MINUTES
            todo.append({"appointment_id": appointment_id, "position": position,
                         "kind": "service", "item_id": item_id, "label": part[:120],
                         "staff_id": staff_id, "starts_at": start, "minutes": minutes,
                         "quantity": 1, "recorded_by": None, "recorded_at": created_at})
            start = start + _minutes(minutes)
        if len(todo) >= BATCH:
            op.bulk_insert(line, todo)
            todo = []
    if todo:
        op.bulk_insert(line, todo)


def _parse(value):
    from datetime import datetime

    return value if not isinstance(value, str) else datetime.fromisoformat(value)


def _minutes(count: int):
    from datetime import timedelta

    return timedelta(minutes=count)


def upgrade() -> None:
    false = sa.false()
    visits = _old_visits()
    with op.batch_alter_table("appointment") as batch:
        batch.drop_column("services")
        batch.drop_column("staff_id")
        batch.add_column(sa.Column("reason", sa.String(250), nullable=False,
                                   server_default=""))
        batch.add_column(sa.Column("checked_in_at", sa.DateTime(), nullable=True))
        batch.add_column(sa.Column("followed_up_at", sa.DateTime(), nullable=True))
    op.create_table(
        "appointment_line",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appointment_id", sa.Integer(), sa.ForeignKey("appointment.id"),
                  nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),  # service / product / redeem
        sa.Column("item_id", sa.Integer(), sa.ForeignKey("catalog_item.id"), nullable=True),
        sa.Column("package_id", sa.Integer(), sa.ForeignKey("customer_package.id"),
                  nullable=True),
        sa.Column("label", sa.String(120), nullable=False),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("starts_at", sa.DateTime(), nullable=True),
        sa.Column("minutes", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("quantity", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("recorded_by", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_appointment_line_appointment", "appointment_line",
                    ["appointment_id", "position"])
    op.create_index("ix_appointment_line_starts", "appointment_line", ["starts_at"])
    op.create_index("ix_appointment_line_staff_starts", "appointment_line",
                    ["staff_id", "starts_at"])
    _lines_from_text(visits)
    op.create_index("ix_ledger_account_customer", "ledger_entry",
                    ["account", "customer_id", "amount"])
    op.create_index("ix_invoice_created", "invoice", ["created_at"])
    if op.get_bind().dialect.name == "sqlite":  # plain ADD COLUMN: an unnamed reference
        op.execute("ALTER TABLE appointment ADD COLUMN followed_up_by INTEGER "
                   "REFERENCES staff (id)")
    else:
        op.add_column("appointment", sa.Column("followed_up_by", sa.Integer(),
                                               sa.ForeignKey("staff.id"), nullable=True))
    # The visits that had a follow-up before this revision count as followed up.
    op.execute("UPDATE appointment SET followed_up_at = created_at "
               "WHERE next_step <> '' OR service_notes <> '' OR next_focus <> ''")
    op.create_index("ix_appointment_reminder", "appointment", ["next_reminder_at"])
    op.create_index("ix_appointment_invoice", "appointment", ["invoice_id"])
    op.create_table(
        "appointment_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appointment_id", sa.Integer(), sa.ForeignKey("appointment.id"),
                  nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("change", sa.String(12), nullable=False),
        sa.Column("note", sa.String(500), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_appointment_event_appointment", "appointment_event",
                    ["appointment_id", "id"])
    # Staff working days: Monday..Sunday as seven 1/0; technicians work every day until
    # the salon says otherwise, and the others are not in the book.
    op.add_column("staff", sa.Column("work_days", sa.String(7), nullable=False,
                                     server_default="0000000"))
    op.execute("UPDATE staff SET work_days = '1111111' WHERE role = 'technician'")
    op.create_table(
        "staff_day",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("working", sa.Boolean(), nullable=False, server_default=false),
        sa.Column("note", sa.String(120), nullable=False, server_default=""),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("staff_id", "day"),
    )
    op.create_table(
        "reminder_done",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),  # callback/birthday/expiry/debt
        sa.Column("subject", sa.String(60), nullable=False),
        sa.Column("customer_id", sa.Integer(), sa.ForeignKey("customer.id"), nullable=False),
        sa.Column("care_note_id", sa.Integer(), sa.ForeignKey("care_note.id"),
                  nullable=True),
        sa.Column("staff_id", sa.Integer(), sa.ForeignKey("staff.id"), nullable=True),
        sa.Column("done_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("kind", "subject"),
    )
    op.add_column("salon_settings", sa.Column("reminder_days", sa.Integer(), nullable=False,
                                              server_default="14"))
    op.execute("UPDATE salon_settings SET slot_minutes = 15 WHERE slot_minutes = 30")


def downgrade() -> None:
    raise NotImplementedError("0006 cannot be undone in place: restore a backup")
