"""Shared fixtures: ../shared paths, databases (SQLite file and the CI PostgreSQL)."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from lawcheck.testing import SHARED_MISSING_REASON, shared_dir

PG_URL = os.environ.get("LAWCHECK_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(scope="session")
def shared() -> Path:
    """The ../shared folder; tests that need it skip with a reason when it is absent."""
    path = shared_dir()
    if path is None:
        pytest.skip(SHARED_MISSING_REASON)
    return path


@pytest.fixture(scope="session")
def corpus_dir(shared: Path) -> Path:
    return shared / "corpus"


def _postgres_available() -> str | None:
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (pip install -e '.[test]')"
    try:
        url = PG_URL.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(url, connect_timeout=3):
            return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not here"
        return (
            f"PostgreSQL at {PG_URL} is not reachable ({type(exc).__name__}); set LAWCHECK_TEST_PG"
        )


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path) -> str:
    """A fresh, empty database: a SQLite file, or a new schema in the CI PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'lawcheck.db'}"
        return
    reason = _postgres_available()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the PostgreSQL tests: {reason}")
        pytest.skip(reason)
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    plain = PG_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(scope="session")
def replay_session(shared: Path):
    """One local law.go.kr replay server for the whole run (tests/test_fetch.py explains it)."""
    from lawcheck.replay import ReplayServer

    with ReplayServer(shared) as server:
        yield server


@pytest.fixture
def server(replay_session):
    """The replay server with no faults queued and an empty request log."""
    replay_session.reset()
    yield replay_session
    replay_session.reset()
