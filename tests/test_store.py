"""Database: idempotent, transactional imports; versions coexist; keys survive re-import.

Every test runs on SQLite and on the CI PostgreSQL (see the `db_url` fixture).
"""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from lawcheck.errors import LawNotFoundError
from lawcheck.importers import read_path
from lawcheck.pipeline import import_paths
from lawcheck.split import split_law
from lawcheck.store import (
    ClauseRow,
    LawVersion,
    clauses_of,
    count_rows,
    find_version,
    get_engine,
    list_versions,
    save_law,
    session_scope,
)


def test_store_import_is_idempotent(db_url, corpus_dir):
    engine = get_engine(db_url)
    path = corpus_dir / "raw/xml/ai_basic_act_21311.xml"
    first = import_paths([path], engine)
    second = import_paths([path], engine)
    assert [r.status for _, r in first.saved] == ["new"]
    assert [r.status for _, r in second.saved] == ["unchanged"]
    with Session(engine) as session:
        totals = count_rows(session)
        version = find_version(session, "인공지능기본법")
        clauses = clauses_of(session, version.id)
    assert totals["versions"] == 1
    assert totals["clauses"] == len(clauses) == 46 + 164 + 191 + 13 + 3 + 6
    assert clauses[0].ref == "제1조"
    assert version.counts["paragraphs"] == 164


def test_store_failed_transaction_leaves_nothing(db_url, corpus_dir):
    engine = get_engine(db_url)
    law = split_law(read_path(corpus_dir / "raw/xml/ai_basic_act_21311.xml"))
    with pytest.raises(RuntimeError), session_scope(engine) as session:
        save_law(session, law)
        raise RuntimeError("killed after the rows were written, before commit")
    with Session(engine) as session:
        assert count_rows(session) == {"versions": 0, "laws": 0, "clauses": 0, "unparsed": 0}


def test_store_versions_coexist_and_keys_survive(db_url, corpus_dir):
    engine = get_engine(db_url)
    history = corpus_dir / "raw/text/history"
    report = import_paths([history, corpus_dir / "raw/text/ai_basic_act_21311.md"], engine)
    assert report.ok, report.failed
    with Session(engine) as session:
        versions = [v for v in list_versions(session) if v.law_id == "014820"]
        assert sorted(v.promulgation_no for v in versions) == ["20676", "21065", "21311"]
        newest = find_version(session, "014820")
        oldest = find_version(session, "014820", version="20676")
        assert newest.promulgation_no == "21311"
        # The same key addresses the same provision in every version.
        rows = session.exec(
            select(ClauseRow).where(ClauseRow.law_id == "014820", ClauseRow.ref == "제31조제1항")
        ).all()
        assert {r.version_id for r in rows} == {v.id for v in versions}
        assert "제3조제5항" in {r.ref for r in clauses_of(session, newest.id)}
        assert "제3조제5항" not in {r.ref for r in clauses_of(session, oldest.id)}


def test_store_same_version_from_another_source_replaces_rows(db_url, tmp_path, corpus_dir):
    engine = get_engine(db_url)
    source = corpus_dir / "raw/text/ai_basic_act_21311.md"
    edited = tmp_path / "ai.md"
    edited.write_text(
        source.read_text(encoding="utf-8").replace("목적으로 한다.", "목적으로 한다. ", 1),
        encoding="utf-8",
    )
    import_paths([source], engine)
    report = import_paths([edited], engine)
    assert [r.status for _, r in report.saved] == ["updated"]
    with Session(engine) as session:
        assert len(session.exec(select(LawVersion)).all()) == 1
        version = find_version(session, "014820")
        assert version.mst == "282791"
        assert len([c for c in clauses_of(session, version.id) if c.ref == "제1조"]) == 1


def test_store_unknown_law_suggests_names(db_url, corpus_dir):
    engine = get_engine(db_url)
    import_paths([corpus_dir / "raw/xml/ai_basic_act_21311.xml"], engine)
    with Session(engine) as session, pytest.raises(LawNotFoundError) as info:
        find_version(session, "인공지능")
    assert "인공지능 발전과 신뢰 기반 조성 등에 관한 기본법" in str(info.value)


def test_store_broken_file_does_not_stop_the_others(db_url, tmp_path, corpus_dir):
    engine = get_engine(db_url)
    good = corpus_dir / "raw/xml/ai_basic_act_21311.xml"
    bad = tmp_path / "broken.xml"
    bad.write_bytes(good.read_bytes()[:20000])  # a body cut in half
    report = import_paths([good, bad], engine)
    assert len(report.saved) == 1
    assert report.failed and report.failed[0][0] == str(bad)
    assert "malformed XML" in report.failed[0][1]
