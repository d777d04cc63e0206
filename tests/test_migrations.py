"""Schema migrations (lawcheck.migrations, Alembic) on SQLite and PostgreSQL: the revisions
build exactly the tables of store.py, and a database made at the baseline with review
decisions is upgraded through 0002 (a CHECK that copies the table on SQLite) and 0003
(indexes) with every decision kept."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, SQLModel, select

from lawcheck import migrations
from lawcheck.errors import MigrationError
from lawcheck.importers import read_path
from lawcheck.split import split_law
from lawcheck.store import (
    DecisionRow,
    LawVersion,
    count_rows,
    get_engine,
    record_decision,
    save_law,
    session_scope,
)
from lawcheck.testing import PROJECT_ROOT

PIPA = PROJECT_ROOT / "corpus" / "embed" / "pipa.md"
NOTES = [
    "",
    "근거 조문 확인함",
    "<script>alert(1)</script>",
    "줄\n바꿈",
    "'; DROP TABLE decision; --",
]


def at_revision(url: str, revision: str):
    """An engine on a database built by the migrations up to `revision` (not to head)."""
    engine = get_engine(url, create=False)
    with engine.connect() as connection:
        command.upgrade(migrations.alembic_config(connection), revision)
        connection.commit()
    return engine


def decisions(engine) -> list[tuple]:
    with Session(engine) as session:
        rows = session.exec(select(DecisionRow).order_by(DecisionRow.id)).all()
        return [
            (r.id, r.finding_id, r.decision, r.note, r.reviewer, r.created_at, r.clause_hashes)
            for r in rows
        ]


def fill_baseline(engine, count: int = 90) -> None:
    """A law and `count` decisions by three reviewers, written at the baseline schema."""
    with session_scope(engine) as session:
        save_law(session, split_law(read_path(PIPA)))
    for i in range(count):
        with session_scope(engine) as session:
            record_decision(
                session,
                f"DLG001:011357:제{i % 30 + 1}조",
                ("confirmed", "dismissed", "needs_discussion")[i % 3],
                reviewer=("김검토", "Lee", "박 <b>")[i % 3],
                note=NOTES[i % len(NOTES)],
                clause_hashes={f"011357:제{i % 30 + 1}조": f"{i:064x}"},
            )


def test_migrations_head_builds_exactly_the_store_tables(db_url):
    engine = at_revision(db_url, "head")
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []
    assert migrations.current(engine) == migrations.head() == "0003"


def test_migrations_new_database_is_created_and_stamped(db_url):
    assert migrations.ensure_schema(get_engine(db_url, create=False)) == "created"
    engine = get_engine(db_url)
    assert migrations.current(engine) == migrations.head()
    assert migrations.ensure_schema(engine) == "current"


def test_migrations_upgrade_keeps_every_decision(db_url):
    engine = at_revision(db_url, migrations.BASELINE)
    fill_baseline(engine)
    before = decisions(engine)
    with Session(engine) as session:
        laws_before = count_rows(session)
    assert len(before) == 90 and migrations.current(engine) == "0001"

    upgraded = get_engine(db_url)  # what every lawcheck command does on start
    assert migrations.current(upgraded) == "0003"
    assert decisions(upgraded) == before
    with Session(upgraded) as session:
        assert count_rows(session) == laws_before
    indexes = {i["name"] for i in inspect(upgraded).get_indexes("decision")}
    assert "ix_decision_finding_created" in indexes and "ix_decision_finding" not in indexes
    # The CHECK now holds, and new decisions get ids after the old ones.
    with pytest.raises(IntegrityError), upgraded.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO decision (finding_id, decision, note, reviewer, created_at) "
                "VALUES ('x', 'maybe', '', 'r', 't')"
            )
        )
    with session_scope(upgraded) as session:
        row = record_decision(session, "x", "confirmed", reviewer="r", clause_hashes={})
        assert row.id > before[-1][0]


def test_migrations_database_from_before_migrations_is_stamped_then_upgraded(db_url):
    engine = at_revision(db_url, migrations.BASELINE)
    fill_baseline(engine, count=6)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))
    assert migrations.current(engine) is None
    before = decisions(engine)
    assert migrations.ensure_schema(engine) == "upgraded from 0001"
    assert decisions(engine) == before and migrations.current(engine) == "0003"


def test_migrations_bad_decision_value_stops_the_upgrade_and_changes_nothing(db_url):
    engine = at_revision(db_url, migrations.BASELINE)
    fill_baseline(engine, count=3)
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO decision (finding_id, decision, note, reviewer, created_at) "
                "VALUES ('DLG001:x', 'maybe', '', 'r', 't')"
            )
        )
    before = decisions(engine)
    with pytest.raises(MigrationError, match=r"'maybe'.*lawcheck db upgrade") as info:
        get_engine(db_url)
    assert "[D003]" in str(info.value)
    assert migrations.current(engine) == "0001" and decisions(engine) == before
    with Session(engine) as session:
        assert session.exec(select(LawVersion)).first() is not None


def test_migrations_database_of_a_newer_lawcheck_is_refused(db_url):
    engine = at_revision(db_url, "head")
    with engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(MigrationError, match="newer lawcheck"):
        get_engine(db_url)


def test_migrations_cli_current_and_upgrade(db_url):
    engine = at_revision(db_url, migrations.BASELINE)
    fill_baseline(engine, count=4)
    before = decisions(engine)

    def lawcheck(*args: str) -> str:
        result = subprocess.run(
            [sys.executable, "-m", "lawcheck.cli", *args, "--db", db_url],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(PROJECT_ROOT)},
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    assert "revision 0001, head 0003 — behind: run `lawcheck db upgrade`" in lawcheck(
        "db", "current"
    )
    assert "0001 → 0003" in lawcheck("db", "upgrade")
    assert "revision 0003, head 0003 — up to date" in lawcheck("db", "current")
    assert decisions(engine) == before
