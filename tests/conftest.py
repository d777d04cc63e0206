"""Shared fixtures: ../shared paths, databases (SQLite file and the CI PostgreSQL)."""

from __future__ import annotations

import os
import sys
import uuid
from pathlib import Path

import pytest

from lawcheck.testing import SHARED_MISSING_REASON, shared_dir

PG_URL = os.environ.get("LAWCHECK_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


@pytest.fixture(autouse=True)
def _keep_main_module():
    """Streamlit's AppTest leaves its generated script as sys.modules["__main__"]; lawcheck's
    process pools spawn their workers, which re-import __main__, and would run that script."""
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main


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


@pytest.fixture(scope="session")
def embedded_db_file(tmp_path_factory) -> Path:
    """The embedded corpus imported, analysed and checked once per run (a SQLite file);
    tests copy it (`checked_db`) rather than paying for the analysis again."""
    from lawcheck.check import run_check
    from lawcheck.pipeline import analyse_database, import_paths
    from lawcheck.store import get_engine
    from lawcheck.testing import PROJECT_ROOT

    path = tmp_path_factory.mktemp("embedded") / "lawcheck.db"
    engine = get_engine(f"sqlite:///{path}")
    report = import_paths([PROJECT_ROOT / "corpus" / "embed", PROJECT_ROOT / "corpus" / "api"], engine)
    assert report.ok, report.failed
    analyse_database(engine)
    run_check(engine, save=True)
    engine.dispose()
    return path


@pytest.fixture
def checked_db(embedded_db_file: Path, tmp_path: Path) -> str:
    """A private copy of the checked embedded corpus: its SQLite URL."""
    import shutil

    copy = tmp_path / "checked.db"
    shutil.copyfile(embedded_db_file, copy)
    return f"sqlite:///{copy}"
