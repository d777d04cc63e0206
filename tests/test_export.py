"""Exports on the real embedded corpus, imported, analysed and checked (22 findings), with
review decisions recorded through `lawcheck.review.decide`: every record validates against its
shipped JSON Schema, JSONL has one line per clause, CSV opens in pandas with the right rows,
DocBin round-trips with lawcheck's tokenizer, findings and decisions carry the review status
and the full history, and the notebook draws the numbers of the export."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import jsonschema
import pandas as pd
import pytest
from sqlmodel import Session, select

from lawcheck.analyse import get_pipeline
from lawcheck.errors import LawcheckError
from lawcheck.export import SCHEMAS, export_corpus
from lawcheck.review import decide, queue_index
from lawcheck.store import (
    FindingRow,
    count_rows,
    finding_from_row,
    get_engine,
    save_findings,
    session_scope,
)
from lawcheck.testing import PROJECT_ROOT

NOTEBOOK = PROJECT_ROOT / "notebooks" / "corpus_overview.ipynb"


def validator(name: str) -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMAS[name].read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def assert_valid(name: str, records: list[dict], key: str) -> None:
    check = validator(name)
    for record in records:
        errors = list(check.iter_errors(record))
        assert not errors, (record[key], errors[0].json_path, errors[0].message)


def read_meta(path: Path) -> dict:
    meta = json.loads(path.with_name(path.name + ".meta.json").read_text(encoding="utf-8"))
    assert_valid("meta", [meta], "what")
    return meta


@pytest.fixture(scope="module")
def reviewed(embedded_db_file, tmp_path_factory) -> dict:
    """A copy of the checked embedded corpus with decisions by two reviewers: one finding
    decided twice, one once, and one decided and then no longer found by a re-check."""
    path = tmp_path_factory.mktemp("export") / "reviewed.db"
    shutil.copyfile(embedded_db_file, path)
    engine = get_engine(f"sqlite:///{path}")
    with Session(engine) as session:
        entries = queue_index(session)
    twice, once, gone = entries[0], entries[1], entries[-1]
    decide(engine, twice.finding_id, "confirmed", reviewer="김검토", note="위임 조항 없음 확인")
    decide(engine, twice.finding_id, "dismissed", reviewer="이심사", note="시행령 제5조가 정함")
    decide(engine, once.finding_id, "needs_discussion", reviewer="김검토")
    decide(engine, gone.finding_id, "confirmed", reviewer="이심사", note="중복 의무")
    # A re-check of that rule which no longer finds it: the stored finding goes, the decision
    # stays (append-only) and must still be exported.
    with session_scope(engine) as session:
        rows = session.exec(select(FindingRow).where(FindingRow.rule_id == gone.rule_id)).all()
        kept = [finding_from_row(r) for r in rows if r.finding_id != gone.finding_id]
        save_findings(session, kept, rule_ids={gone.rule_id})
    return {"engine": engine, "url": f"sqlite:///{path}", "twice": twice.finding_id,
            "once": once.finding_id, "gone": gone.finding_id, "findings": len(entries) - 1}


@pytest.fixture(scope="module")
def jsonl(reviewed, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("jsonl") / "corpus.jsonl"
    export_corpus(reviewed["engine"], "jsonl", out)
    return out


def test_export_jsonl_has_one_valid_line_per_clause(reviewed, jsonl):
    lines = jsonl.read_text(encoding="utf-8").splitlines()
    with Session(reviewed["engine"]) as session:
        assert len(lines) == count_rows(session)["clauses"]  # one version per law here
    records = [json.loads(line) for line in lines]
    assert_valid("clauses", records, "key")
    by_key = {r["key"]: r for r in records}
    clause = by_key["014820:제31조제1항"]
    assert (clause["tag"], clause["modality"], clause["duty_bearer"]) == (
        "regulation", "obligation", "인공지능사업자")
    assert clause["structure"]["article"] == "제31조" and clause["structure"]["paragraph"] == 1
    assert clause["law"]["promulgation_no"] == "21311"
    assert any(e["text"] for e in clause["evidence"])
    fine = by_key["014820:제43조제1항제1호"]
    assert fine["sanction_links"][0]["target_ref"] == "제31조제1항"
    assert any(r["status"] == "resolved" and r["target_law_id"] == "014820"
               for r in by_key["015032:제1조"]["references"])
    # Findings travel with their clauses, with the latest review decision as their status.
    status = {f["id"]: f["status"] for r in records for f in r["findings"]}
    assert len(status) == reviewed["findings"]
    assert status[reviewed["twice"]] == "dismissed"
    assert status[reviewed["once"]] == "needs_discussion"
    assert reviewed["gone"] not in status
    meta = read_meta(jsonl)
    assert (meta["what"], meta["records"], meta["laws"]) == ("clauses", len(lines), 10)
    assert meta["ruleset"] and meta["analyser"] and meta["lawcheck_version"]
    assert {m["law_id"] for m in meta["corpus"]} == {r["law"]["law_id"] for r in records}


def test_export_csv_opens_in_pandas(reviewed, jsonl, tmp_path):
    out = tmp_path / "corpus.csv"
    export_corpus(reviewed["engine"], "csv", out)
    assert out.read_bytes()[:3] == b"\xef\xbb\xbf"  # BOM: Excel reads Korean correctly
    frame = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert len(frame) == len(jsonl.read_text(encoding="utf-8").splitlines())
    row = frame[frame["key"] == "014820:제31조제1항"].iloc[0]
    assert row["law_name"] == "인공지능 발전과 신뢰 기반 조성 등에 관한 기본법"
    assert row["law_id"] == "014820"  # leading zeros kept when read as text
    assert json.loads(row["evidence"])
    assert read_meta(out)["format"] == "csv"


def test_export_docbin_round_trips_with_lawcheck_tokenizer(reviewed, tmp_path):
    from spacy.tokens import DocBin

    out = tmp_path / "ai.spacy"
    report = export_corpus(reviewed["engine"], "docbin", out, law="014820")
    nlp = get_pipeline()  # a blank Korean pipeline with lawcheck.kiwi_tokenizer.v1
    assert nlp.pipe_names == [] and "Kiwi" in type(nlp.tokenizer).__name__
    docs = list(DocBin().from_bytes(out.read_bytes()).get_docs(nlp.vocab))
    assert len(docs) == report.records == read_meta(out)["records"]
    assert all(set(d.cats) == {"promotion", "regulation", "neutral"} for d in docs)
    doc = next(d for d in docs if d.user_data["lawcheck"]["ref"] == "제31조제1항")
    assert doc.cats["regulation"] == 1.0
    assert doc.user_data["lawcheck"]["law"]["law_id"] == "014820"
    assert len(doc.spans["evidence"]) > 0
    assert doc.text.startswith("① 인공지능사업자는")
    assert [t.text for t in doc] == [t.text for t in nlp(doc.text)]  # same tokens as lawcheck's
    cited = next(d for d in docs if len(d.spans["references"]))
    assert {s.label_ for s in cited.spans["references"]} <= {"resolved", "unresolved"}


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_findings_with_review_status_and_history(reviewed, tmp_path, fmt):
    out = tmp_path / f"findings.{fmt}"
    report = export_corpus(reviewed["engine"], fmt, out, what="findings")
    assert report.records == reviewed["findings"]
    if fmt == "json":
        records = json.loads(out.read_text(encoding="utf-8"))
        assert_valid("findings", records, "id")
        by_id = {r["id"]: r for r in records}
        twice = by_id[reviewed["twice"]]
        assert (twice["status"], twice["decision"]) == ("dismissed", "dismissed")
        assert [(d["reviewer"], d["decision"], d["note"]) for d in twice["decisions"]] == [
            ("김검토", "confirmed", "위임 조항 없음 확인"),
            ("이심사", "dismissed", "시행령 제5조가 정함")]
        assert twice["decisions"][0]["created_at"] < twice["decisions"][1]["created_at"]
        assert twice["text_changed_since_decision"] is False
        assert all(c["position"] and c["key"] in twice["clause_keys"] for c in twice["clauses"])
        assert any(s["text"] for c in twice["clauses"] for s in c["spans"])
        undecided = [r for r in records if not r["decisions"]]
        assert all(r["status"] == "open" and r["decision"] is None for r in undecided)
        statuses = Counter(r["status"] for r in records)
    else:
        frame = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
        assert len(frame) == reviewed["findings"]
        row = frame[frame["id"] == reviewed["twice"]].iloc[0]
        assert (row["status"], row["decision_count"], row["last_reviewer"]) == (
            "dismissed", "2", "이심사")
        assert [d["reviewer"] for d in json.loads(row["decisions"])] == ["김검토", "이심사"]
        statuses = Counter(frame["status"])
    assert statuses == {"open": reviewed["findings"] - 2, "dismissed": 1, "needs_discussion": 1}
    meta = read_meta(out)
    assert (meta["what"], meta["records"], meta["statuses"]) == ("findings", report.records,
                                                                 dict(statuses))


@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_export_decisions_keeps_every_decision(reviewed, tmp_path, fmt):
    out = tmp_path / f"decisions.{fmt}"
    export_corpus(reviewed["engine"], fmt, out, what="decisions")
    if fmt == "json":
        records = json.loads(out.read_text(encoding="utf-8"))
        assert_valid("decisions", records, "finding_id")
    else:
        frame = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
        records = frame.to_dict(orient="records")
    assert len(records) == 4
    rows = {(r["finding_id"], str(r["sequence"])): r for r in records}
    first, second = rows[(reviewed["twice"], "1")], rows[(reviewed["twice"], "2")]
    assert (first["reviewer"], first["decision"], str(first["latest"])) == (
        "김검토", "confirmed", "False")
    assert (second["reviewer"], second["note"], str(second["latest"])) == (
        "이심사", "시행령 제5조가 정함", "True")
    assert rows[(reviewed["once"], "1")]["note"] == ""
    # The decision on a finding the re-check no longer produced is kept, marked as such.
    gone = rows[(reviewed["gone"], "1")]
    assert str(gone["finding_stored"]) == "False" and gone["reviewer"] == "이심사"
    assert gone["clause_keys"] and gone["rule"] == reviewed["gone"].split(":")[0]
    assert read_meta(out)["statuses"] == {"confirmed": 2, "dismissed": 1, "needs_discussion": 1}


def test_export_law_filter_selects_findings_and_decisions_of_that_law(reviewed, tmp_path):
    out = tmp_path / "ai.json"
    export_corpus(reviewed["engine"], None, out, what="findings", law="인공지능기본법")
    records = json.loads(out.read_text(encoding="utf-8"))
    assert records and all("014820" in r["law_ids"] for r in records)
    meta = read_meta(out)
    assert [m["law_id"] for m in meta["corpus"]] == ["014820"]


@pytest.mark.parametrize(("what", "fmt", "message"), [
    ("findings", "docbin", "findings cannot be exported as 'docbin'; choose one of json, csv"),
    ("clauses", "json", "clauses cannot be exported as 'json'; choose one of jsonl, csv, docbin"),
    ("verdicts", "json", "unknown export 'verdicts'; choose one of clauses, findings, decisions"),
])
def test_export_rejects_unknown_combinations(reviewed, tmp_path, what, fmt, message):
    with pytest.raises(LawcheckError) as info:
        export_corpus(reviewed["engine"], fmt, tmp_path / "x", what=what)
    assert info.value.message == message


def test_export_refuses_to_overwrite(reviewed, jsonl):
    with pytest.raises(LawcheckError) as info:
        export_corpus(reviewed["engine"], "jsonl", jsonl)
    assert "--force" in str(info.value)


def test_export_cli_writes_findings_and_rejects_docbin_findings(reviewed, tmp_path):
    def lawcheck(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "lawcheck.cli", "export", "--db",
                               reviewed["url"], "-q", *args], capture_output=True, text=True,
                              cwd=tmp_path, timeout=300)

    done = lawcheck("--what", "findings", "--format", "csv")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert (report["path"], report["records"]) == ("lawcheck-findings.csv", reviewed["findings"])
    done = lawcheck("--what", "decisions")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["path"] == "lawcheck-decisions.json"
    assert len(json.loads((tmp_path / "lawcheck-decisions.json").read_text("utf-8"))) == 4
    bad = lawcheck("--what", "findings", "--format", "docbin")
    assert bad.returncode == 2 and "choose one of json, csv" in bad.stderr


def test_export_all_versions_counts_every_clause_row(checked_db, corpus_dir, tmp_path):
    """With an older version of 인공지능기본법 imported, --all-versions exports every clause
    row; findings attach to the version the rule read, not to the older text."""
    from lawcheck.pipeline import analyse_database, import_paths

    engine = get_engine(checked_db)
    report = import_paths([corpus_dir / "raw/text/history"], engine)
    assert report.ok, report.failed
    analyse_database(engine, law="014820")
    out = tmp_path / "all.jsonl"
    export_corpus(engine, "jsonl", out, all_versions=True)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    with Session(engine) as session:
        assert len(records) == count_rows(session)["clauses"]
    assert_valid("clauses", records, "key")
    versions = {r["law"]["promulgation_no"] for r in records if r["law"]["law_id"] == "014820"}
    assert {"20676", "21311"} <= versions
    with_findings = {r["law"]["promulgation_no"] for r in records
                     if r["law"]["law_id"] == "014820" and r["findings"]}
    assert with_findings == {"21311"}
    assert len(read_meta(out)["corpus"]) == len({(r["law"]["law_id"], r["law"]["promulgation_no"])
                                                  for r in records})


def test_export_notebook_is_committed_without_outputs():
    notebook = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    assert code and all(not c["outputs"] and c["execution_count"] is None for c in code)


def test_export_notebook_draws_the_numbers_of_the_export(jsonl):
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    os.environ["LAWCHECK_EXPORT"] = str(jsonl)
    try:
        NotebookClient(notebook, timeout=300, kernel_name="python3").execute()
    finally:
        del os.environ["LAWCHECK_EXPORT"]
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) == 4  # balance, modalities, findings, the law network
    text = "".join(o.get("text", "") for o in outputs)
    drawn = {line.split(" ", 2)[1]: json.loads(line.split(" ", 2)[2])
             for line in text.splitlines() if line.startswith("drawn ")}

    records = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    assert f"{len(records):,} clauses from 10 laws" in text
    balance: dict = {}
    for r in records:
        counts = balance.setdefault(r["law"]["law_id"], dict.fromkeys(
            ("promotion", "regulation", "neutral"), 0))
        counts[r["tag"]] += 1
    assert drawn["balance"] == balance
    assert drawn["modality"] == dict(Counter(r["modality"] for r in records))
    per_law: dict = {}
    pairs = {(r["law"]["law_id"], f["id"]): f["kind"] for r in records for f in r["findings"]}
    for (law_id, _), kind in pairs.items():
        per_law.setdefault(law_id, Counter())[kind] += 1
    assert drawn["findings"] == {law: dict(c) for law, c in per_law.items()}
    status = {f["id"]: f["status"] for r in records for f in r["findings"]}
    assert drawn["status"] == dict(Counter(status.values()))
    assert sum(drawn["network"]["references"].values()) == sum(
        1 for r in records for ref in r["references"]
        if ref["status"] == "resolved" and ref["target_law_id"]
        and ref["target_law_id"] != r["law"]["law_id"])
    assert drawn["network"]["findings"]
