"""Alembic environment, run from inside the package (see ``store/schema.py``).

The connection is handed over in ``config.attributes["connection"]`` so a
migration runs inside the caller's engine with our pragmas. SQLite gets
``render_as_batch`` because it cannot ALTER most things in place.
"""

from alembic import context
from sqlmodel import SQLModel

import salontui.store.models  # noqa: F401  (registers the tables on the metadata)

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_online() -> None:
    connection = config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("salontui migrations run online only: use `salontui db upgrade`")
run_migrations_online()
