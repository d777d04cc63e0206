"""Schema migrations (Alembic): every change of the tables in `lawcheck.store` is a revision in
`versions/`, so that a database made by an older lawcheck is brought up to date with its
review decisions kept.

Input: an engine. Output: the database at the newest revision ("head"). `ensure_schema` is what
`store.get_engine` calls: a new database gets the tables of `store` and is stamped at head; a
database from before migrations existed (tables, no ``alembic_version``) is stamped at the
baseline and upgraded; an older one is upgraded. Two processes opening a new database at once
are serialised (SQLite ``BEGIN IMMEDIATE``, a PostgreSQL advisory lock), so neither sees half a
schema.

A new revision: change the tables in `store.py`, then
``alembic -x url=sqlite:///scratch.db -c lawcheck/migrations/alembic.ini revision
--autogenerate -m "what changed"`` on a database at head, review the file, and add a test in
tests/test_migrations.py that upgrades a database holding decisions through it.
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import SQLAlchemyError

from lawcheck.errors import MigrationError

log = logging.getLogger(__name__)

HERE = Path(__file__).parent
BASELINE = "0001"
# Any number: the key of the PostgreSQL advisory lock that serialises schema set-up.
_PG_LOCK_KEY = 0x6C617763  # "lawc"


def alembic_config(connection: Connection | None = None, url: str | None = None) -> Config:
    """The Alembic configuration of lawcheck, with no .ini file needed."""
    config = Config()
    config.set_main_option("script_location", str(HERE))
    if url is not None:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


@cache
def head() -> str:
    """The newest revision id."""
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    if len(heads) != 1:
        raise MigrationError(
            f"lawcheck/migrations/versions has {len(heads)} heads ({', '.join(heads)}); "
            "merge them with `alembic merge`"
        )
    return heads[0]


def current(engine: Engine) -> str | None:
    """The revision the database is at; None for a database without ``alembic_version``."""
    with engine.connect() as connection:
        return _current(connection)


def _current(connection: Connection) -> str | None:
    heads = MigrationContext.configure(connection).get_current_heads()
    return heads[0] if heads else None


def ensure_schema(engine: Engine) -> str:
    """Bring the database to head (create, stamp or upgrade, see the module docstring).

    Returns:
        What was done: "current", "created", "stamped" (a pre-migration database) or
        "upgraded from <revision>".

    Raises:
        MigrationError: the database is at a revision this lawcheck does not know (made by a
            newer version), or a migration failed; nothing is changed then.
    """
    target = head()
    try:
        with engine.connect() as connection:
            if _current(connection) == target:
                return "current"  # the common case: no lock, no write
        with engine.connect() as connection:
            _lock(connection)
            done = _bring_to_head(connection, target)
            connection.commit()
    except SQLAlchemyError as exc:
        raise MigrationError(
            f"cannot bring the database to schema revision {target}: {exc}; nothing was "
            "changed — check the database URL and that no other lawcheck version uses it"
        ) from exc
    if done != "current":
        log.info("database schema %s (now at %s)", done, target)
    return done


def upgrade(engine: Engine, revision: str = "head") -> tuple[str | None, str | None]:
    """Upgrade to `revision` (an older one than the current does nothing); returns
    (before, after)."""
    try:
        with engine.connect() as connection:
            _lock(connection)
            before = _current(connection)
            if before is None and _has_lawcheck_tables(connection):
                MigrationContext.configure(connection).stamp(
                    ScriptDirectory.from_config(alembic_config()), BASELINE
                )
                before = BASELINE
            command.upgrade(alembic_config(connection), revision)
            after = _current(connection)
            connection.commit()
    except (SQLAlchemyError, CommandError) as exc:
        raise MigrationError(
            f"upgrade to {revision} failed, nothing was changed: {exc}; `lawcheck db current` "
            "shows where the database is"
        ) from exc
    return before, after


def _bring_to_head(connection: Connection, target: str) -> str:
    found = _current(connection)  # again: another process may have done it while we waited
    if found == target:
        return "current"
    script = ScriptDirectory.from_config(alembic_config())
    if found is not None and not _known(script, found):
        raise MigrationError(
            f"the database is at schema revision {found}, which this lawcheck does not know "
            f"(its newest is {target}); it was made by a newer lawcheck — upgrade lawcheck"
        )
    if found is None and not _has_lawcheck_tables(connection):
        from sqlmodel import SQLModel

        SQLModel.metadata.create_all(connection)
        MigrationContext.configure(connection).stamp(script, target)
        return "created"
    if found is None:
        MigrationContext.configure(connection).stamp(script, BASELINE)
        found = BASELINE
    command.upgrade(alembic_config(connection), target)
    return f"upgraded from {found}"


def _known(script: ScriptDirectory, revision: str) -> bool:
    try:
        return script.get_revision(revision) is not None
    except CommandError:
        return False


def _has_lawcheck_tables(connection: Connection) -> bool:
    return "law_version" in inspect(connection).get_table_names()


def _lock(connection: Connection) -> None:
    """Serialise schema changes between processes until the connection commits."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    elif connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
