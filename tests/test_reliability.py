"""Fault injection: `lawcheck` run as a real process against the local replay server and real
databases, then broken — every replay fault, SIGKILL at several points of a fetch, an import
and an analysis, two imports at once, concurrent review decisions. Each case checks what the
user is told, that nothing partial or corrupt is kept, and that a re-run ends where a clean
run ends.

tests/test_fetch.py tests the same faults one request at a time inside the process; here the
whole command runs. `FAULT_TABLE` is the table of docs/reliability.md
(`python tests/test_reliability.py` rewrites it; a test fails when they differ).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session, func, select

from lawcheck.fetch import RawStore
from lawcheck.replay import FAULTS, ReplayServer
from lawcheck.review import decide
from lawcheck.store import (
    BlockRow,
    ClauseRow,
    ClauseTagRow,
    DecisionRow,
    DivisionRow,
    LawVersion,
    ReferenceRow,
    get_engine,
)
from lawcheck.testing import PROJECT_ROOT

OC = "relSentinelOC7q"  # distinctive, so that a leak anywhere is found by a plain search
EMBED = PROJECT_ROOT / "corpus" / "embed"
AI_ACT = "인공지능 발전과 신뢰 기반 조성 등에 관한 기본법"
INFO_ACT = "지능정보화 기본법"
WATCHLIST = f"""
[[law]]
name = "{AI_ACT}"
law_id = "014820"
decrees = ["{AI_ACT} 시행령"]
rules = []

[[law]]
name = "{INFO_ACT}"
law_id = "000028"
decrees = ["{INFO_ACT} 시행령"]
rules = []
"""
# Four small laws: enough versions for a kill to land between two commits, quick to analyse.
SMALL_LAWS = [
    "fair_hiring_procedure_act.md",
    "admin_basic_act.md",
    "data_industry_act.md",
    "intelligent_informatization_act.md",
]


# --- running lawcheck ------------------------------------------------------------------------


def lawcheck_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "lawcheck.cli", *args]


def lawcheck_env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT), "LAWCHECK_OC": OC, **extra}
    env.pop("LAWCHECK_DB", None)
    return env


def lawcheck(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run `lawcheck ARGS` as a user would (in its own process, the OC in the environment)."""
    return subprocess.run(
        lawcheck_command(*args),
        capture_output=True,
        text=True,
        env=lawcheck_env(),
        cwd=PROJECT_ROOT,
        timeout=timeout,
    )


def kill_when(args: list[str], condition: Callable[[], bool], timeout: float = 60) -> None:
    """Start `lawcheck ARGS`, wait until `condition()` holds, then SIGKILL it (no clean-up)."""
    process = subprocess.Popen(
        lawcheck_command(*args),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=lawcheck_env(),
        cwd=PROJECT_ROOT,
    )
    deadline = time.monotonic() + timeout
    try:
        while not condition():
            if process.poll() is not None:
                pytest.fail(
                    f"lawcheck {' '.join(args)} ended (exit {process.returncode}) before the "
                    f"kill point: {process.stderr.read().decode()[-2000:]}"
                )
            if time.monotonic() > deadline:
                pytest.fail(f"kill point of lawcheck {' '.join(args)} not reached in {timeout}s")
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL


def count(engine, table) -> int:
    with Session(engine) as session:
        return session.exec(select(func.count()).select_from(table)).one()


def count_now(url: str, table) -> int:
    """A row count read by a fresh connection (while another process writes)."""
    engine = get_engine(url, create=False)
    try:
        return count(engine, table)
    except Exception:  # noqa: BLE001 - the other process may not have made the table yet
        return 0
    finally:
        engine.dispose()


VERSION_TABLES = (BlockRow, ClauseRow, DivisionRow, ClauseTagRow, ReferenceRow)


def snapshot(engine) -> dict[tuple, dict[str, int]]:
    """Rows per law version and table: what "the same database" means below."""
    with Session(engine) as session:
        keys = {
            v.id: (v.law_id, v.promulgation_no, v.effective_date, v.source_sha256)
            for v in session.exec(select(LawVersion))
        }
        out: dict[tuple, dict[str, int]] = {key: {} for key in keys.values()}
        for table in VERSION_TABLES:
            for version_id, n in session.exec(
                select(table.version_id, func.count()).group_by(table.version_id)
            ):
                out[keys[version_id]][table.__tablename__] = n
    return out


def assert_database_sound(engine) -> None:
    """SQLite's own checks, and no version without its clauses (half an import)."""
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
    for key, tables in snapshot(engine).items():
        assert tables.get("block", 0) > 0 and tables.get("clause", 0) > 0, key


@pytest.fixture(scope="module")
def clean_small(tmp_path_factory) -> dict[tuple, dict[str, int]]:
    """SMALL_LAWS imported and analysed once, undisturbed: what a killed run must end as."""
    from lawcheck.pipeline import analyse_database, import_paths

    url = f"sqlite:///{tmp_path_factory.mktemp('clean') / 'clean.db'}"
    engine = get_engine(url)
    assert import_paths([EMBED / name for name in SMALL_LAWS], engine).ok
    analyse_database(engine)
    return snapshot(engine)


# --- the fault table -------------------------------------------------------------------------


@dataclass(frozen=True)
class FetchFault:
    """A replay-server fault on every law body request and what lawcheck fetch must do."""

    name: str
    code: str  # the error code the user sees
    hint: str  # words of the message that say what to do
    stops: bool  # nothing else can work (key, registration, cloud IP): the run stops at once
    retried: bool  # transient: retried with backoff, so a short outage passes unnoticed


FETCH_FAULTS = [
    FetchFault("auth", "F002", "register this server's public IP", stops=True, retried=False),
    FetchFault("missing-oc", "F002", "check that LAWCHECK_OC is set", stops=True, retried=False),
    FetchFault("unapproved", "F003", "OPEN API 신청", stops=True, retried=False),
    FetchFault("not-found", "F004", "check the MST/ID", stops=False, retried=False),
    FetchFault("http500", "F005", "try again later", stops=False, retried=True),
    FetchFault("http404", "F005", "try again later", stops=False, retried=True),
    FetchFault("http429", "F005", "try again later", stops=False, retried=True),
    FetchFault("http503", "F005", "try again later", stops=False, retried=True),
    FetchFault("empty", "F005", "try again later", stops=False, retried=True),
    FetchFault("maintenance", "F005", "try again later", stops=False, retried=True),
    FetchFault(
        "antibot", "F006", "run the fetch from the registered server IP", stops=True, retried=False
    ),
    FetchFault("slow", "F008", "raise the timeout", stops=False, retried=True),
    FetchFault("reset", "F008", "check the network", stops=False, retried=True),
    FetchFault("truncated", "F007", "fetch it with type=JSON", stops=False, retried=False),
    FetchFault("malformed", "F007", "fetch it with type=JSON", stops=False, retried=False),
    FetchFault("wrong-encoding", "F007", "fetch it again later", stops=False, retried=False),
    FetchFault("json-shape", "F007", "fetch it with type=JSON", stops=False, retried=False),
    FetchFault("json-list", "F007", "fetch it with type=JSON", stops=False, retried=False),
    FetchFault("result-fail", "F007", "fetch it with type=JSON", stops=False, retried=False),
]

# Where a process is SIGKILLed, and the server-side event that marks the moment.
FETCH_KILLS = {
    "during the first search": "the first lawSearch request hangs",
    "waiting for the first body": "the first lawService request hangs",
    "after two bodies, waiting for the next": "two bodies arrived, then requests hang",
}

KEPT_FETCH = (
    "verified search pages; no body, no temporary file; the re-run fetches the missing bodies"
)
DB_CASES = [
    (
        "`lawcheck fetch` SIGKILLed " + point,
        "nothing (killed); files are written to a temporary name and renamed, the manifest line "
        "last",
        "every file in the corpus matches its manifest sha256; the re-run skips them, cleans "
        "temporary files and fetches the rest; the database equals a clean run's",
    )
    for point in FETCH_KILLS
] + [
    (
        "`lawcheck import` SIGKILLed after some law files were saved (SQLite, PostgreSQL)",
        "one transaction per law file",
        "whole law versions only (integrity and foreign-key checks pass); the re-run imports "
        "the rest: row counts per version equal a clean run's",
    ),
    (
        "`lawcheck analyse` SIGKILLed after the first law version was tagged",
        "one transaction per law version",
        "tags of whole versions only; the re-run reuses the cached analyses and ends with the "
        "same rows as a clean run",
    ),
    (
        "two `lawcheck import` processes on one new database (SQLite WAL, PostgreSQL)",
        "schema set-up serialised (BEGIN IMMEDIATE / advisory lock); each law saved under a "
        "write lock (SQLite) or an advisory lock per version (PostgreSQL)",
        "both exit 0; each file is new in one process and unchanged in the other; the "
        "database equals a clean run's",
    ),
    (
        "review decisions from 8 threads and 3 processes at once (SQLite WAL, PostgreSQL)",
        "each decision in its own short transaction (busy timeout 30 s on SQLite)",
        "every decision, with its reviewer and note",
    ),
    (
        "a database made by an older lawcheck (baseline 0001, or no alembic_version)",
        "upgraded on open through the migrations (0002: CHECK and index on decisions); a "
        "value the CHECK would refuse stops the upgrade with the row ids ([D003]); a database "
        "of a newer lawcheck is refused",
        "every decision and law row (tests/test_migrations.py)",
    ),
]


def fetch_fault_row(fault: FetchFault) -> tuple[str, str, str]:
    did = (
        f"stops the run at once: exit 2, `error: [{fault.code}] …` ({fault.hint} …)"
        if fault.stops
        else f"records `[{fault.code}] …` ({fault.hint} …) for the law, goes on with the next; exit 2"
    )
    if fault.retried:
        did += "; retried with backoff first — a single failure passes (exit 0)"
    return (f"replay `{fault.name}`: {FAULTS[fault.name]}", did, KEPT_FETCH)


FAULT_TABLE = [fetch_fault_row(f) for f in FETCH_FAULTS] + DB_CASES


def render_table() -> str:
    lines = ["| fault | what lawcheck did | what was kept |", "| --- | --- | --- |"]
    lines += [
        "| " + " | ".join(cell.replace("|", "\\|") for cell in row) + " |" for row in FAULT_TABLE
    ]
    return "\n".join(lines) + "\n"


DOC = PROJECT_ROOT / "docs" / "reliability.md"
BEGIN, END = "<!-- fault-table: begin -->\n", "<!-- fault-table: end -->\n"


def test_reliability_doc_table_lists_every_fault_the_suite_covers():
    assert {f.name for f in FETCH_FAULTS} == set(FAULTS), "a replay fault has no case here"
    doc = DOC.read_text(encoding="utf-8")
    table = doc.split(BEGIN, 1)[1].split(END, 1)[0]
    assert table == render_table(), "docs/reliability.md is stale: python tests/test_reliability.py"


# --- fetch under faults ----------------------------------------------------------------------


@pytest.fixture
def watchlist(tmp_path) -> Path:
    path = tmp_path / "watchlist.toml"
    path.write_text(WATCHLIST, encoding="utf-8")
    return path


def fetch_args(server: ReplayServer, watchlist: Path, out: Path, *extra: str) -> list[str]:
    return [
        "fetch",
        "--watchlist",
        str(watchlist),
        "--out",
        str(out),
        "--base-url",
        server.base_url,
        "--no-delegated",
        "--timeout",
        "0.5",
        "-q",
        *extra,
    ]


def corpus_files(root: Path) -> tuple[list[Path], list[Path]]:
    """(files in the corpus, temporary files a kill left) under a raw store root."""
    files = [p for p in root.rglob("*") if p.is_file() and p.name != RawStore.MANIFEST]
    return [p for p in files if not p.name.startswith(".")], [
        p for p in files if p.name.startswith(".")
    ]


def assert_corpus_sound(root: Path, *, temporary_allowed: bool = False) -> set[str]:
    """Every file in the corpus matches its manifest entry; returns the saved body MSTs."""
    store = RawStore(root)
    kept, temporary = corpus_files(root)
    for path in kept:
        assert store.verified(path), f"partial or unrecorded file in the corpus: {path}"
    assert temporary_allowed or not temporary, temporary
    return {p.stem for p in kept if p.parent.name == "law"}


def assert_no_oc(*texts: str, root: Path | None = None) -> None:
    for value in texts:
        assert OC not in value
    if root is not None:
        for path in root.rglob("*"):
            assert not path.is_file() or OC.encode() not in path.read_bytes(), path


def body_requests(server: ReplayServer) -> list[str]:
    return [r.params.get("MST", "") for r in server.requests_to("lawService")]


@pytest.mark.parametrize("fault", FETCH_FAULTS, ids=[f.name for f in FETCH_FAULTS])
def test_reliability_fetch_fault_then_rerun(server, watchlist, tmp_path, fault):
    out = tmp_path / "raw"
    server.slow_seconds = 1.0
    server.retry_after = "0"
    server.queue_fault(fault.name, times=100, endpoint="lawService")
    broken = lawcheck(*fetch_args(server, watchlist, out, "--retries", "0", "--no-import"))
    assert broken.returncode == 2, broken.stderr
    shown = broken.stderr if fault.stops else broken.stdout
    assert f"[{fault.code}]" in shown
    assert "MST=" in shown and fault.hint in shown  # names the request and what to do
    if fault.stops:
        assert "error: " in broken.stderr and len(body_requests(server)) == 1
    assert assert_corpus_sound(out) == set()  # no body kept, none half-written
    assert_no_oc(broken.stdout, broken.stderr, root=out)

    server.reset()
    if fault.retried:  # one failure of each body: the retry makes it pass
        server.slow_seconds = 1.0
        server.retry_after = "0"
        server.queue_fault(fault.name, times=1, endpoint="lawService")
    again = lawcheck(*fetch_args(server, watchlist, out, "--retries", "1", "--no-import"))
    assert again.returncode == 0, again.stdout + again.stderr
    saved = assert_corpus_sound(out)
    assert len(saved) == 4 and set(body_requests(server)) == saved
    if fault.retried:
        assert [r.fault for r in server.requests_to("lawService")][:2] == [fault.name, None]
    assert_no_oc(again.stdout, again.stderr, root=out)


@pytest.mark.parametrize("point", list(FETCH_KILLS))
def test_reliability_fetch_killed_then_rerun_resumes(server, watchlist, tmp_path, point):
    out = tmp_path / "raw"
    server.slow_seconds = 30.0  # a hanging request: the process is inside it when killed
    if point == "during the first search":
        server.queue_fault("slow", endpoint="lawSearch")
        condition = lambda: len(server.requests) >= 1  # noqa: E731
    elif point == "waiting for the first body":
        server.queue_fault("slow", endpoint="lawService")
        condition = lambda: len(body_requests(server)) >= 1  # noqa: E731
    else:
        switched: list[int] = []

        def condition() -> bool:
            if not switched and len(body_requests(server)) >= 2:
                server.fault = "slow"  # from here on every request hangs
                switched.append(len(server.requests))
            return bool(switched) and len(server.requests) > switched[0]

    db = f"sqlite:///{tmp_path / 'fetch.db'}"
    kill_when(
        fetch_args(server, watchlist, out, "--retries", "0", "--timeout", "60", "--db", db),
        condition,
    )
    before = assert_corpus_sound(out, temporary_allowed=True) if out.exists() else set()
    if point == "after two bodies, waiting for the next":
        assert len(before) >= 2

    server.reset()
    again = lawcheck(*fetch_args(server, watchlist, out, "--db", db, "--format", "json"))
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    saved = assert_corpus_sound(out)
    assert len(saved) == 4 and report["failed"] == []
    assert {i["mst"] for i in report["skipped"]} == before  # resumed: nothing fetched twice
    assert set(body_requests(server)) == saved - before
    clean = tmp_path / "clean.db"
    assert lawcheck("import", str(out), "--db", f"sqlite:///{clean}", "-q").returncode == 0
    assert snapshot(get_engine(db)) == snapshot(get_engine(f"sqlite:///{clean}"))


# --- the database under kills and concurrency ------------------------------------------------


def test_reliability_import_killed_then_rerun(db_url, tmp_path):
    laws = tmp_path / "laws"
    laws.mkdir()
    for file in sorted(EMBED.glob("*.md")):
        (laws / file.name).write_bytes(file.read_bytes())
    args = ["import", str(laws), "--db", db_url, "-q"]
    kill_when(args, lambda: count_now(db_url, LawVersion) >= 3)
    engine = get_engine(db_url)
    assert_database_sound(engine)
    assert 3 <= count(engine, LawVersion) < 8
    rerun = lawcheck(*args, "--format", "json")
    assert rerun.returncode == 0, rerun.stderr
    statuses = json.loads(rerun.stdout)["imported"]
    assert statuses.get("unchanged", 0) == count(engine, LawVersion) - statuses.get("new", 0)
    clean = get_engine(f"sqlite:///{tmp_path / 'clean.db'}")
    from lawcheck.pipeline import import_paths

    assert import_paths([laws], clean).ok
    assert snapshot(engine) == snapshot(clean)


def test_reliability_analyse_killed_then_rerun(tmp_path, clean_small):
    url = f"sqlite:///{tmp_path / 'analyse.db'}"
    imported = lawcheck("import", *(str(EMBED / n) for n in SMALL_LAWS), "--db", url, "-q")
    assert imported.returncode == 0, imported.stderr
    kill_when(["analyse", "--db", url, "-q"], lambda: count_now(url, ClauseTagRow) > 0)
    engine = get_engine(url)
    assert_database_sound(engine)
    partial = snapshot(engine)
    tagged = [key for key, tables in partial.items() if tables.get("clause_tag")]
    assert 0 < len(tagged) < len(SMALL_LAWS)
    for key in tagged:  # a version's tags are all there or not at all
        assert partial[key]["clause_tag"] == partial[key]["clause"]
    rerun = lawcheck("analyse", "--db", url, "--format", "json")
    assert rerun.returncode == 0, rerun.stderr
    assert json.loads(rerun.stdout)["reused"] > 0  # the killed run's analyses were kept
    assert snapshot(engine) == clean_small


def test_reliability_two_imports_at_once(db_url):
    args = lawcheck_command(
        "import", *(str(EMBED / n) for n in SMALL_LAWS), "--db", db_url, "--format", "json"
    )
    processes = [
        subprocess.Popen(
            args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=lawcheck_env()
        )
        for _ in range(2)
    ]
    outputs = [p.communicate(timeout=120) for p in processes]
    for process, (_, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, err
    reports = [json.loads(stdout)["imported"] for stdout, _ in outputs]
    assert sum(r.get("new", 0) for r in reports) == len(SMALL_LAWS)
    assert sum(r.get("unchanged", 0) for r in reports) == len(SMALL_LAWS)
    engine = get_engine(db_url)
    assert_database_sound(engine)
    assert {
        k: {t: n for t, n in v.items() if t in ("block", "clause", "division")}
        for k, v in snapshot(engine).items()
    } == {
        k: {t: n for t, n in v.items() if t in ("block", "clause", "division")}
        for k, v in _clean_import().items()
    }


def _clean_import() -> dict:
    from lawcheck.pipeline import import_paths

    engine = get_engine("sqlite://")
    assert import_paths([EMBED / n for n in SMALL_LAWS], engine).ok
    return snapshot(engine)


DECIDER = """
import sys
from lawcheck.review import decide
from lawcheck.store import get_engine
engine = get_engine(sys.argv[1])
for i in range(int(sys.argv[3])):
    decide(engine, f"F{i % 7}", ("confirmed", "dismissed", "needs_discussion")[i % 3],
           reviewer=sys.argv[2], note=f"{sys.argv[2]} #{i}")
"""


def test_reliability_concurrent_decisions_are_all_kept(db_url):
    engine = get_engine(db_url)
    with engine.begin() as connection:  # decide() reads the clause hashes from the finding
        for i in range(7):
            connection.execute(
                text(
                    "INSERT INTO finding (finding_id, rule_id, kind, severity, message, score, "
                    "rule_hash, clause_hashes, checked_at) VALUES (:id, 'DLG001', 'k', 'error', "
                    "'m', 0, '', '{}', 't')"
                ),
                {"id": f"F{i}"},
            )
    per_writer = 25
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", DECIDER, db_url, f"프로세스{n}", str(per_writer)],
            stderr=subprocess.PIPE,
            text=True,
            env=lawcheck_env(),
        )
        for n in range(3)
    ]
    errors: list[BaseException] = []

    def reviewer(n: int) -> None:
        try:
            own = get_engine(db_url) if n % 2 else engine  # shared and own connection pools
            for i in range(per_writer):
                decide(own, f"F{i % 7}", "confirmed", reviewer=f"스레드{n}", note=f"스레드{n} #{i}")
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=reviewer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    for process in processes:
        _, err = process.communicate(timeout=120)
        assert process.returncode == 0, err
    assert errors == []
    with Session(engine) as session:
        notes = sorted(session.exec(select(DecisionRow.note)).all())
    expected = sorted(
        f"{who}{n} #{i}"
        for who, writers in (("스레드", 8), ("프로세스", 3))
        for n in range(writers)
        for i in range(per_writer)
    )
    assert notes == expected


if __name__ == "__main__":
    text_ = DOC.read_text(encoding="utf-8")
    head, rest = text_.split(BEGIN, 1)
    DOC.write_text(head + BEGIN + render_table() + END + rest.split(END, 1)[1], encoding="utf-8")
    print(f"wrote {len(FAULT_TABLE)} rows to {DOC}")
