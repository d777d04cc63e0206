"""Task queries on a real analysed database: concepts, synonyms, ranking, limits."""

from __future__ import annotations

import pytest

from lawcheck.errors import LawcheckError
from lawcheck.pipeline import analyse_database, import_paths
from lawcheck.query import MAX_QUERY_CHARS, concepts_of, search
from lawcheck.store import get_engine


@pytest.fixture(scope="module")
def engine(tmp_path_factory, corpus_dir):
    engine = get_engine(f"sqlite:///{tmp_path_factory.mktemp('q') / 'q.db'}")
    raw = corpus_dir / "raw"
    import_paths(
        [
            raw / "xml/ai_basic_act_21311.xml",
            raw / "text/pipa_21445.md",
            raw / "text/fair_hiring_procedure_act_17326.md",
        ],
        engine,
    )
    analyse_database(engine)
    return engine


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("CCTV 얼굴인식", ["cctv", "얼굴인식"]),  # one concept each, not 얼굴 + 인식
        ("생성형 AI 광고 제작", ["생성형ai", "광고", "제작"]),
        ("채용 면접에 AI 도입", ["ai", "채용", "면접", "도입"]),
    ],
)
def test_query_concepts(query, words):
    assert sorted(c.word for c in concepts_of(query)) == sorted(words)


def test_query_cctv_face_recognition_finds_pipa_cctv_rules(engine):
    _, hits = search(engine, "CCTV 얼굴인식", limit=10)
    refs = {(h.law_id, h.ref) for h in hits}
    assert ("011357", "제25조제1항") in refs  # 고정형 영상정보처리기기 설치ㆍ운영 제한
    assert any(h.law_id == "014820" and h.ref == "제2조제4호바목" for h in hits)  # 생체인식


def test_query_hiring_finds_the_hiring_act_and_high_impact_ai(engine):
    _, hits = search(engine, "채용 면접에 AI 도입", limit=15)
    laws = {h.law_id for h in hits}
    assert "011990" in laws  # 채용절차법
    assert any(h.ref == "제2조제4호사목" for h in hits)  # 채용 as a 고영향 인공지능 area
    assert all(h.matched for h in hits)
    assert hits == sorted(hits, key=lambda h: -h.score)


@pytest.mark.parametrize("text", ["", "   ", "가" * (MAX_QUERY_CHARS + 1)])
def test_query_rejects_empty_and_oversized_queries(engine, text):
    with pytest.raises(LawcheckError):
        search(engine, text)
