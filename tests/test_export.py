"""Exports on a real analysed and checked database: JSONL validates, CSV opens in pandas with
the right rows, DocBin round-trips with lawcheck's tokenizer, the notebook executes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pandas as pd
import pytest
from sqlmodel import Session

from lawcheck.analyse import get_pipeline
from lawcheck.check import run_check
from lawcheck.errors import LawcheckError
from lawcheck.export import SCHEMA_PATH, export_corpus
from lawcheck.pipeline import analyse_database, import_paths
from lawcheck.store import count_rows, get_engine
from lawcheck.testing import PROJECT_ROOT


@pytest.fixture(scope="module")
def engine(tmp_path_factory, corpus_dir):
    engine = get_engine(f"sqlite:///{tmp_path_factory.mktemp('export') / 'e.db'}")
    raw = corpus_dir / "raw"
    import_paths([raw / "xml/ai_basic_act_21311.xml", raw / "json/ai_basic_act_decree_36580.json",
                  raw / "text/fair_hiring_procedure_act_17326.md"], engine)
    analyse_database(engine)
    run_check(engine, save=True)
    return engine


@pytest.fixture(scope="module")
def jsonl(engine, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("jsonl") / "corpus.jsonl"
    export_corpus(engine, "jsonl", out)
    return out


def test_export_jsonl_has_one_valid_line_per_clause(engine, jsonl):
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    lines = jsonl.read_text(encoding="utf-8").splitlines()
    with Session(engine) as session:
        assert len(lines) == count_rows(session)["clauses"]
    records = [json.loads(line) for line in lines]
    for record in records:
        errors = list(validator.iter_errors(record))
        assert not errors, (record["key"], errors[0].message)
    by_key = {r["key"]: r for r in records}
    clause = by_key["014820:제31조제1항"]
    assert (clause["tag"], clause["modality"], clause["duty_bearer"]) == (
        "regulation", "obligation", "인공지능사업자")
    assert clause["structure"]["article"] == "제31조" and clause["structure"]["paragraph"] == 1
    assert any(e["text"] for e in clause["evidence"])
    fine = by_key["014820:제43조제1항제1호"]
    assert fine["sanction_links"][0]["target_ref"] == "제31조제1항"
    assert any(r["findings"] for r in records)  # findings travel with their clauses
    meta = json.loads(jsonl.with_name(jsonl.name + ".meta.json").read_text(encoding="utf-8"))
    assert meta["clauses"] == len(lines) and meta["ruleset"] and meta["analyser"]
    assert {m["law_id"] for m in meta["corpus"]} == {"014820", "015032", "011990"}


def test_export_csv_opens_in_pandas(engine, jsonl, tmp_path):
    out = tmp_path / "corpus.csv"
    export_corpus(engine, "csv", out)
    assert out.read_bytes()[:3] == b"\xef\xbb\xbf"  # BOM: Excel reads Korean correctly
    frame = pd.read_csv(out, encoding="utf-8-sig")
    assert len(frame) == len(jsonl.read_text(encoding="utf-8").splitlines())
    row = frame[frame["key"] == "014820:제31조제1항"].iloc[0]
    assert row["law_name"] == "인공지능 발전과 신뢰 기반 조성 등에 관한 기본법"
    assert json.loads(row["evidence"])


def test_export_docbin_round_trips(engine, tmp_path):
    from spacy.tokens import DocBin

    out = tmp_path / "ai.spacy"
    report = export_corpus(engine, "docbin", out, law="014820")
    docs = list(DocBin().from_bytes(out.read_bytes()).get_docs(get_pipeline().vocab))
    assert len(docs) == report.clauses
    doc = next(d for d in docs if d.user_data["lawcheck"]["ref"] == "제31조제1항")
    assert doc.cats["regulation"] == 1.0
    assert doc.user_data["lawcheck"]["law"]["law_id"] == "014820"
    assert len(doc.spans["evidence"]) > 0
    assert doc.text.startswith("① 인공지능사업자는")


def test_export_refuses_to_overwrite(engine, jsonl):
    with pytest.raises(LawcheckError) as info:
        export_corpus(engine, "jsonl", jsonl)
    assert "--force" in str(info.value)


def test_export_notebook_executes_on_real_data(jsonl):
    import nbformat
    from nbclient import NotebookClient

    path = PROJECT_ROOT / "notebooks" / "corpus_overview.ipynb"
    notebook = nbformat.read(path, as_version=4)
    assert all(not cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code")
    os.environ["LAWCHECK_EXPORT"] = str(jsonl)
    try:
        NotebookClient(notebook, timeout=300, kernel_name="python3").execute()
    finally:
        del os.environ["LAWCHECK_EXPORT"]
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 3  # balance, modalities and the law network are drawn
    text = "".join(o.get("text", "") for o in outputs)
    assert "clauses from 3 laws" in text
