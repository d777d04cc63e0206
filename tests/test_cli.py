"""The `lawcheck` command as a user runs it: exit codes, JSON output, clear errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from lawcheck.testing import PROJECT_ROOT


def lawcheck(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "lawcheck.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd or PROJECT_ROOT,
        timeout=300,
    )


@pytest.fixture
def db(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


def test_cli_run_imports_embedded_corpus(db):
    result = lawcheck("run", "--db", db, "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["import"]["failed"] == []
    names = {law["name"] for law in data["laws"]}
    assert "인공지능 발전과 신뢰 기반 조성 등에 관한 기본법" in names
    assert "인공지능 발전과 신뢰 기반 조성 등에 관한 기본법 시행령" in names
    assert data["totals"]["laws"] == 10
    assert data["totals"]["unparsed"] == 0
    assert data["analyse"]["clauses"] == data["totals"]["clauses"]
    assert data["findings"].get("DLG001", 0) > 0  # the AI Act's delegation gaps are found
    ai_act = next(law for law in data["laws"] if law["law_id"] == "014820")
    assert ai_act["tags"]["promotion"] > 0 and ai_act["tags"]["regulation"] > 0


def test_cli_show_clause_subtree_and_part(db):
    assert lawcheck("run", "--db", db, "-q").returncode == 0
    result = lawcheck("show", "인공지능기본법", "제2조제7호", "--db", db, "--format", "json")
    assert result.returncode == 0, result.stderr
    refs = [c["ref"] for c in json.loads(result.stdout)["clauses"]]
    assert refs == ["제2조제7호", "제2조제7호가목", "제2조제7호나목"]
    part = lawcheck("show", "014820", "제7조제2항 후단", "--db", db)
    assert part.returncode == 0
    assert "[제7조제2항 후단] 이 경우 제4항제4호에 따른 위원이" in part.stdout


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("show", "없는법"), "no law '없는법'"),
        (("show", "014820", "제99조"), "has no 제99조"),
        (("show", "014820", "제3항조"), "is not a clause reference"),
    ],
)
def test_cli_errors_exit_2_with_a_reason(db, args, words):
    assert lawcheck("run", "--db", db, "-q").returncode == 0
    result = lawcheck(*args, "--db", db)
    assert result.returncode == 2
    assert words in result.stderr


def test_cli_import_reports_broken_file(db, tmp_path):
    bad = tmp_path / "broken.json"
    bad.write_text(
        '{"result": "사용자 정보 검증에 실패하였습니다.", "msg": "..."}', encoding="utf-8"
    )
    result = lawcheck("import", str(bad), "--db", db, "--format", "json")
    assert result.returncode == 2
    failed = json.loads(result.stdout)["failed"]
    assert failed[0]["path"] == str(bad)
    assert "error envelopes must not be imported" in failed[0]["error"]


def test_cli_fetch_from_replay_server_then_import(tmp_path, shared):
    """search → body → decree discovery → saved files → import, as a user runs it."""
    import os

    from lawcheck.replay import ReplayServer

    oc = "cliTestOC7q"
    out = tmp_path / "raw"
    db = f"sqlite:///{tmp_path / 'fetch.db'}"
    env = dict(os.environ, LAWCHECK_OC=oc)
    with ReplayServer(shared) as server:
        args = [
            sys.executable,
            "-m",
            "lawcheck.cli",
            "fetch",
            "--base-url",
            server.base_url,
            "--law",
            "014820",
            "--out",
            str(out),
            "--db",
            db,
            "--format",
            "json",
            "--no-delegated",
        ]
        first = subprocess.run(args, capture_output=True, text=True, env=env, timeout=300)
        second = subprocess.run(args, capture_output=True, text=True, env=env, timeout=300)
    assert first.returncode == 0, first.stderr + first.stdout
    data = json.loads(first.stdout)
    names = {item["name"] for item in data["fetched"]}
    assert "인공지능 발전과 신뢰 기반 조성 등에 관한 기본법" in names
    assert "인공지능 발전과 신뢰 기반 조성 등에 관한 기본법 시행령" in names
    assert data["import"]["failed"] == []
    assert json.loads(second.stdout)["fetched"] == []  # resumed: everything already saved
    laws = json.loads(lawcheck("laws", "--db", db, "--format", "json").stdout)
    assert {"014820", "015032"} <= {law["law_id"] for law in laws}
    assert any(law["mst"] for law in laws)  # MSTs come from the fetch manifest
    for path in [*out.rglob("*"), tmp_path / "fetch.db"]:
        if path.is_file():
            assert oc.encode() not in path.read_bytes(), path
    assert oc not in first.stdout + first.stderr


def test_cli_check_json_and_exit_codes(db):
    assert lawcheck("run", "--db", db, "-q").returncode == 0
    result = lawcheck("check", "--db", db, "--format", "json", "--fail-on", "warning")
    assert result.returncode == 1, result.stderr  # DLG001 warnings on the AI Basic Act
    findings = json.loads(result.stdout)
    findings = findings["findings"] if isinstance(findings, dict) else findings
    gap = next(f for f in findings if f["rule"] == "DLG001")
    assert {"id", "rule", "kind", "severity", "message", "clauses", "resolution_hint"} <= set(gap)
    assert {"law_name", "law_id", "ref", "text"} <= set(gap["clauses"][0])
    quiet = lawcheck("check", "--db", db, "--select", "REF001", "--fail-on", "error")
    assert quiet.returncode == 0
    bad = lawcheck("rules", "explain", "NOPE001")
    assert bad.returncode == 2 and "NOPE001" in bad.stderr
    assert "DLG001" in lawcheck("rules", "explain", "DLG001").stdout


def test_cli_compare_versions_of_the_ai_act(tmp_path, corpus_dir):
    db = f"sqlite:///{tmp_path / 'v.db'}"
    history = corpus_dir / "raw/text/history"
    assert (
        lawcheck(
            "import", str(history), str(corpus_dir / "raw/text/ai_basic_act_21311.md"), "--db", db
        ).returncode
        == 0
    )
    assert lawcheck("analyse", "--db", db, "-q").returncode == 0
    result = lawcheck("compare", "014820", "20676", "21065", "--db", db, "--format", "json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    # 제21065호 only renamed 통계청장 in 제38조: no finding appears or disappears.
    assert data["created"] == [] and data["resolved"] == []
