"""Alembic environment of lawcheck: runs the revisions in `versions/` on the connection that
`lawcheck.migrations` hands over (or on the URL of the Alembic config, for `alembic` itself).

Batch mode is on so that a revision that alters a table works on SQLite too (it copies the
table: see 0002).
"""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import lawcheck.store  # noqa: F401 - registers every table on SQLModel.metadata

config = context.config


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("lawcheck migrations run online only: use `lawcheck db upgrade --db URL`")
connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    from lawcheck.store import get_engine

    url = context.get_x_argument(as_dictionary=True).get("url")
    engine = get_engine(url or config.get_main_option("sqlalchemy.url"), create=False)
    with engine.connect() as conn:
        _run(conn)
        conn.commit()
