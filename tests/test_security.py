"""Security: the OC key never leaves the process, hostile text stays text, SQL is never built
from strings, and oversized input is refused with a message that says what to do.

The OC test runs every stage a user runs — fetch (with a fault that makes law.go.kr echo the
key), import, analyse, check, every export, every UI page — with a sentinel key and debug
logging, then searches every byte any of them wrote or printed for it.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from lawcheck.testing import PROJECT_ROOT

SENTINEL = "SeNtInElOcKey4821"
HOSTILE = "<script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3)) &lt;b&gt;"

# Runs the CLI with every logger at DEBUG (urllib3 logs each request URL there), so that the
# search below also covers what a user who turns logging up would see.
DEBUG_CLI = (
    "import logging, sys; logging.basicConfig(level=logging.DEBUG, "
    "format='%(levelname)s %(name)s: %(message)s'); from lawcheck.cli import main; "
    "sys.argv = ['lawcheck', *sys.argv[1:]]; main()"
)


def _cli(*args: str, env: dict, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", DEBUG_CLI, *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=900,
    )


def _render_page(page: str, root: str) -> None:
    """AppTest script: render one page function of app.py (without its navigation)."""
    import sys

    sys.path.insert(0, root)
    import app

    getattr(app, page)()


def _page(name: str, db: str, monkeypatch, **query) -> AppTest:
    monkeypatch.setenv("LAWCHECK_DB", db)
    at = AppTest.from_function(_render_page, args=(name, str(PROJECT_ROOT)), default_timeout=180)
    at.query_params.update(query)
    return at.run()


def _rendered(at: AppTest) -> str:
    """Every value the page put on screen, as text."""
    parts = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "text", "code", "info",
                 "warning", "error", "success", "exception", "metric", "dataframe", "table"):
        for element in getattr(at, kind, []):
            parts.append(str(getattr(element, "value", element)))
    return "\n".join(parts)


def test_security_oc_key_appears_in_no_output(tmp_path, shared, monkeypatch):
    from lawcheck.replay import ReplayServer

    out, db = tmp_path / "raw", f"sqlite:///{tmp_path / 'lawcheck.db'}"
    env = dict(os.environ, LAWCHECK_OC=SENTINEL, LAWCHECK_DB=db)
    outputs: list[str] = []
    with ReplayServer(shared) as server:
        fetch = ["fetch", "--base-url", server.base_url, "--law", "014820", "--out", str(out),
                 "--format", "json", "--no-delegated",
                 "--watchlist", str(PROJECT_ROOT / "corpus" / "watchlist.toml")]
        # law.go.kr echoes the key in error pages and 상세링크: first an auth failure, then a
        # transient 500 that is retried, then the real run.
        server.fault = "auth"
        failed = _cli(*fetch, env=env, cwd=tmp_path)
        server.fault = None
        server.queue_fault("http500", times=1)
        fetched = _cli(*fetch, env=env, cwd=tmp_path)
        assert server.requests, "the replay server saw no request"
    assert failed.returncode == 2 and "[F002]" in failed.stderr, failed.stderr
    assert fetched.returncode == 0, fetched.stderr
    outputs += [failed.stdout, failed.stderr, fetched.stdout, fetched.stderr]
    assert "DEBUG urllib3" in fetched.stderr  # the debug log was really on
    steps = [
        ["analyse", "-q"],
        ["check", "--format", "json"],
        ["export", "--format", "jsonl", "--out", str(tmp_path / "c.jsonl")],
        ["export", "--format", "csv", "--out", str(tmp_path / "c.csv")],
        ["export", "--format", "docbin", "--out", str(tmp_path / "c.spacy")],
        ["export", "--what", "findings", "--format", "json", "--out", str(tmp_path / "f.json")],
        ["export", "--what", "decisions", "--format", "csv", "--out", str(tmp_path / "d.csv")],
        ["show", "014820", "제2조"],
        ["query", "고영향 인공지능 사업자 의무", "--format", "json"],
    ]
    for step in steps:
        result = _cli(*step, env=env, cwd=tmp_path)
        assert result.returncode in (0, 1), (step, result.stderr)
        outputs += [result.stdout, result.stderr]
    for name in ("review_queue", "law_browser", "task_query", "overview"):
        at = _page(name, db, monkeypatch, law="014820")
        assert not at.exception, name
        outputs.append(_rendered(at))

    leaks = [i for i, text in enumerate(outputs) if SENTINEL in text]
    assert not leaks, [outputs[i][:300] for i in leaks]
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(written) >= 10  # raw bodies, manifest, database, exports and their meta files
    assert [p for p in written if SENTINEL.encode() in p.read_bytes()] == []


@pytest.fixture
def hostile_db(tmp_path, corpus_dir):
    """The 채용절차법 with hostile text inside one of its articles, imported and analysed."""
    from lawcheck.pipeline import analyse_database, import_paths
    from lawcheck.store import get_engine

    source = (PROJECT_ROOT / "corpus" / "embed" / "fair_hiring_procedure_act.md").read_text(
        encoding="utf-8"
    )
    marker = "구인자는"
    assert marker in source
    law = tmp_path / "fair_hiring_procedure_act.md"
    law.write_text(source.replace(marker, f"{HOSTILE} {marker}", 1), encoding="utf-8")
    db = f"sqlite:///{tmp_path / 'hostile.db'}"
    engine = get_engine(db)
    assert import_paths([law], engine).ok
    analyse_database(engine)
    return db


def test_security_hostile_law_text_and_query_render_as_text(hostile_db, monkeypatch):
    from sqlmodel import Session, select

    from lawcheck.store import ClauseRow, get_engine

    with Session(get_engine(hostile_db)) as session:
        clause = session.exec(select(ClauseRow).where(ClauseRow.text.contains("<script>"))).first()
    assert clause is not None, "the hostile text was not imported"
    query = _page("task_query", hostile_db, monkeypatch)
    query.text_input(key="query_text").input(f"채용 {HOSTILE}")
    query.button[0].click().run()
    browser = _page("law_browser", hostile_db, monkeypatch, law="011990", ref=clause.ref)
    assert "\\<script\\>" in "\n".join(m.value for m in browser.markdown)  # shown, escaped
    assert "채용절차의 공정화에 관한 법률 제4조제1항" in _rendered(query)  # the hostile clause is found
    pages = [browser, query]
    for at in pages:
        assert not at.exception
        markdown = "\n".join(m.value for m in at.markdown)
        # No tag, link or entity that Markdown would act on: each is preceded by a backslash.
        for live in (r"<script", r"<img", r"\]\(javascript", r"&lt;"):
            assert not re.search(r"(?<!\\)" + live, markdown), live


def test_security_md_escape_keeps_entities_literal():
    from lawcheck.browse import md_escape

    assert md_escape("&lt;b&gt; &amp;") == "\\&lt;b\\&gt; \\&amp;"


# Calls that send SQL to the database: their first argument must never be built from strings
# at run time (f-strings, %, +, .format); values go in as bound parameters.
SQL_METHODS = {"execute", "exec_driver_sql", "exec"}


def _sql_sink(func: ast.expr) -> bool:
    """session.execute(…), connection.exec_driver_sql(…), sqlalchemy's text(…) (not st.text)."""
    if isinstance(func, ast.Name):
        return func.id == "text"
    if isinstance(func, ast.Attribute):
        if func.attr == "text":
            return isinstance(func.value, ast.Name) and func.value.id in {"sa", "sqlalchemy"}
        return func.attr in SQL_METHODS
    return False


def _built_sql(node: ast.AST) -> bool:
    if isinstance(node, ast.JoinedStr):
        return any(isinstance(v, ast.FormattedValue) for v in node.values)
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mod, ast.Add)):
        return isinstance(node.left, (ast.Constant, ast.JoinedStr, ast.BinOp))
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    )


def test_security_sql_only_through_the_orm_or_bound_parameters():
    sources = [*sorted((PROJECT_ROOT / "lawcheck").rglob("*.py")), PROJECT_ROOT / "app.py"]
    offenders, sinks = [], 0
    for path in sources:
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            if _sql_sink(node.func):
                sinks += 1
                if _built_sql(node.args[0]):
                    offenders.append(f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}")
    assert sinks > 20  # the scan does see the database calls
    assert offenders == []


def test_security_oversized_import_is_refused_with_the_limit(tmp_path):
    law = PROJECT_ROOT / "corpus" / "embed" / "pipa.md"
    result = subprocess.run(
        [sys.executable, "-m", "lawcheck.cli", "import", str(law), "--max-bytes", "1000",
         "--db", f"sqlite:///{tmp_path / 'x.db'}"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 2
    message = result.stdout + result.stderr
    assert "pipa.md" in message and "1,000-byte limit" in message and "--max-bytes" in message
