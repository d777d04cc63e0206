"""Definitions on real texts: 정의 articles, inline abbreviations, delegated definitions."""

from __future__ import annotations

from pathlib import Path

import pytest

from lawcheck.definitions import (
    KIND_ARTICLE,
    KIND_DELEGATED,
    KIND_INLINE,
    SCOPE_ARTICLE,
    SCOPE_CITED,
    SCOPE_CLAUSE,
    SCOPE_FOLLOWING,
    SCOPE_LAW,
    definitions_of,
)
from lawcheck.importers import read_path
from lawcheck.models import ClauseRef, RefStatus
from lawcheck.refs import LawIndex, load_known_names
from lawcheck.split import split_law

AI_ACT = "raw/xml/ai_basic_act_21311.xml"
AI_DECREE = "raw/json/ai_basic_act_decree_36580.json"
PIPA = "raw/text/pipa_21445.md"
DATA_ACT = "raw/text/data_industry_act_21392.md"  # cited by the AI Act's definition of 데이터
INFO_ACT = "raw/text/intelligent_informatization_act_21065.md"
AI_ACT_ID, AI_DECREE_ID, PIPA_ID = "014820", "015032", "011357"


@pytest.fixture(scope="module")
def laws(corpus_dir: Path):
    out = {}
    for path in (AI_ACT, AI_DECREE, PIPA, DATA_ACT, INFO_ACT):
        law = split_law(read_path(corpus_dir / path))
        out[law.meta.law_id] = law
    return out


@pytest.fixture(scope="module")
def definitions(laws, corpus_dir: Path):
    known = load_known_names(corpus_dir / "lists/law_index_legalize_kr_20260605.tsv")
    index = LawIndex.from_laws(laws.values(), known_names=known)
    return {
        law_id: definitions_of(laws[law_id], index) for law_id in (AI_ACT_ID, AI_DECREE_ID, PIPA_ID)
    }


AI_ACT_ARTICLE_2 = [
    ("제2조제1호", "인공지능"),
    ("제2조제2호", "인공지능시스템"),
    ("제2조제3호", "인공지능기술"),
    ("제2조제4호", "고영향 인공지능"),
    ("제2조제5호", "생성형 인공지능"),
    ("제2조제6호", "인공지능산업"),
    ("제2조제7호", "인공지능사업자"),
    ("제2조제7호가목", "인공지능개발사업자"),
    ("제2조제7호나목", "인공지능이용사업자"),
    ("제2조제8호", "이용자"),
    ("제2조제9호", "영향받는 자"),
    ("제2조제10호", "인공지능사회"),
    ("제2조제11호", "인공지능윤리"),
    ("제2조제12호", "학습용데이터"),
]

PIPA_ARTICLE_2 = [
    ("제2조제1호", "개인정보"),
    ("제2조제1호의2", "가명처리"),
    ("제2조제2호", "처리"),
    ("제2조제3호", "정보주체"),
    ("제2조제4호", "개인정보파일"),
    ("제2조제5호", "개인정보처리자"),
    ("제2조제6호", "공공기관"),
    ("제2조제7호", "고정형 영상정보처리기기"),
    ("제2조제7호의2", "이동형 영상정보처리기기"),
    ("제2조제8호", "과학적 연구"),
]


@pytest.mark.parametrize(
    ("law_id", "expected"),
    [(AI_ACT_ID, AI_ACT_ARTICLE_2), (PIPA_ID, PIPA_ARTICLE_2)],
    ids=["ai_act", "pipa"],
)
def test_definitions_article_items(definitions, law_id, expected):
    items = [d for d in definitions[law_id] if d.kind == KIND_ARTICLE]
    assert [(d.clause_ref, d.term) for d in items] == expected
    assert {d.scope for d in items} == {SCOPE_LAW}


BODY_CASES = [
    (
        AI_ACT_ID,
        "인공지능",
        "학습, 추론, 지각, 판단, 언어의 이해 등 인간이 가진 지적 능력을 "
        "전자적 방법으로 구현한 것을 말한다.",
    ),
    (AI_ACT_ID, "인공지능개발사업자", "인공지능을 개발하여 제공하는 자"),
    (
        PIPA_ID,
        "정보주체",
        "처리되는 정보에 의하여 알아볼 수 있는 사람으로서 그 정보의 주체가 되는 사람을 말한다.",
    ),
]


@pytest.mark.parametrize(("law_id", "term", "body"), BODY_CASES, ids=[c[1] for c in BODY_CASES])
def test_definitions_article_body(definitions, law_id, term, body):
    (found,) = [d for d in definitions[law_id] if d.term == term and d.kind == KIND_ARTICLE]
    assert found.body == body


INLINE_CASES = [
    # law, clause, term, scope, body (the phrase abbreviated or explained)
    (
        AI_ACT_ID,
        "제2조제4호자목",
        "국가기관등",
        SCOPE_FOLLOWING,
        "국가, 지방자치단체, 「공공기관의 운영에 관한 법률」 제4조에 따른 공공기관 등",
    ),
    (
        AI_ACT_ID,
        "제3조제5항",
        "인공지능취약계층",
        SCOPE_FOLLOWING,
        "장애인ㆍ고령자 등 대통령령으로 정하는 취약계층",
    ),
    (AI_ACT_ID, "제7조제1항", "위원회", SCOPE_FOLLOWING, "국가인공지능전략위원회"),
    (
        AI_ACT_ID,
        "제5조제1항",
        "인공지능등",
        SCOPE_FOLLOWING,
        "인공지능, 인공지능기술, 인공지능산업 및 인공지능사회",
    ),
    (
        AI_ACT_ID,
        "제39조제1항",
        "시ㆍ도지사",
        SCOPE_ARTICLE,
        None,
    ),  # "(이하 이 조에서 "시ㆍ도지사"라 한다)"
    (
        AI_ACT_ID,
        "제2조제4호바목",
        "생체인식정보",
        SCOPE_CLAUSE,
        "얼굴ㆍ지문ㆍ홍채 및 손바닥 정맥 등 개인을 식별할 수 있는 "
        "신체적ㆍ생리적ㆍ행동적 특징에 관한 개인정보를 말한다",
    ),
    (
        AI_ACT_ID,
        "제2조제5호",
        "데이터",
        SCOPE_FOLLOWING,
        "「데이터 산업진흥 및 이용촉진에 관한 기본법」 제2조제1호에 따른 데이터를 말한다",
    ),
    (
        AI_DECREE_ID,
        "제1조의2",
        "법",
        SCOPE_FOLLOWING,
        "「인공지능 발전과 신뢰 기반 조성 등에 관한 기본법」",
    ),
    (AI_DECREE_ID, "제5조제4항", "특별위원회", SCOPE_FOLLOWING, "같은 조 제2항에 따른 특별위원회"),
    (AI_DECREE_ID, "제6조제1항", "지원단", SCOPE_ARTICLE, "법 제7조제12항에 따른 지원단"),
    (PIPA_ID, "제2조제1호다목", "가명정보", SCOPE_FOLLOWING, None),
]


@pytest.mark.parametrize(
    ("law_id", "clause", "term", "scope", "body"), INLINE_CASES, ids=[c[2] for c in INLINE_CASES]
)
def test_definitions_inline(definitions, law_id, clause, term, scope, body):
    (found,) = [d for d in definitions[law_id] if d.term == term and d.clause_ref == clause]
    assert (found.kind, found.scope) == (KIND_INLINE, scope)
    if body is not None:
        assert found.body == body


BY_REFERENCE_CASES = [
    # law, term, clause, target law, target ref, resolved?
    (AI_ACT_ID, "데이터", "제2조제5호", "014168", "제2조제1호", True),
    (AI_ACT_ID, "공공기관", "제6조제4항", "000028", "제2조제16호", True),
    (AI_ACT_ID, "가족", "제9조제1항제2호", "001706", "제779조", False),  # 민법: not in this corpus
    (AI_DECREE_ID, "중소기업등", "제22조제3항", AI_ACT_ID, "제16조제2항제3호", True),
]


@pytest.mark.parametrize(
    ("law_id", "term", "clause", "target_law", "target_ref", "resolved"),
    BY_REFERENCE_CASES,
    ids=[c[1] for c in BY_REFERENCE_CASES],
)
def test_definitions_by_reference(
    definitions, law_id, term, clause, target_law, target_ref, resolved
):
    (found,) = [d for d in definitions[law_id] if d.term == term and d.clause_ref == clause]
    ref = found.refers_to
    assert ref is not None and (ref.target_law_id, ref.target_ref) == (target_law, target_ref)
    assert (ref.status is RefStatus.RESOLVED) is resolved


DELEGATED_CASES = [
    # decree clause, term (words of the statute), statute clause
    (
        "제1조의2",
        "인공지능제품 또는 인공지능서비스의 이용에 어려움을 겪는 "
        "장애인ㆍ고령자 등 대통령령으로 정하는 취약계층",
        "제3조제5항",
    ),
    ("제2조", "대통령령으로 정하는 인공지능", "제4조제2항"),
    ("제3조제1항", "대통령령으로 정하는 경미한 사항을 변경하는 경우", "제6조제1항 단서"),
    ("제4조제1항", "대통령령으로 정하는 관계 중앙행정기관", "제7조제4항제1호"),
    ("제24조제1항", "대통령령으로 정하는 기준 이상인 인공지능시스템", "제32조제1항"),
    ("제29조제1항", "대통령령으로 정하는 기준에 해당하는 자", "제36조제1항 각 호 외의 부분"),
    (
        "부칙<제36053호,2026.1.21>제3조",
        "조직, 인력 등 대통령령으로 정하는 요건",
        "부칙<제20676호,2025.1.21>제3조",
    ),
]


@pytest.mark.parametrize(
    ("clause", "term", "statute_ref"), DELEGATED_CASES, ids=[c[0] for c in DELEGATED_CASES]
)
def test_definitions_delegated(definitions, clause, term, statute_ref):
    (found,) = [
        d for d in definitions[AI_DECREE_ID] if d.clause_ref == clause and d.kind == KIND_DELEGATED
    ]
    assert (found.term, found.scope) == (term, SCOPE_CITED)
    assert (found.refers_to.target_law_id, found.refers_to.target_ref) == (AI_ACT_ID, statute_ref)
    assert found.refers_to.status is RefStatus.RESOLVED


def test_definitions_delegated_count(definitions):
    delegated = [d for d in definitions[AI_DECREE_ID] if d.kind == KIND_DELEGATED]
    assert len(delegated) == 16  # every "법 제N조…에서 "…"이란" of the decree
    assert all(d.body.endswith("말한다") for d in delegated)


@pytest.mark.parametrize("law_id", [AI_ACT_ID, AI_DECREE_ID, PIPA_ID])
def test_definitions_spans_point_at_the_term(laws, definitions, law_id):
    texts = {str(c.ref): c.text for c in laws[law_id].clauses()}
    assert definitions[law_id]
    for d in definitions[law_id]:
        ClauseRef.parse(d.clause_ref)
        assert texts[d.clause_ref][d.start : d.end] == d.term
        assert d.law_id == law_id and d.body


def test_definitions_without_index_still_finds_terms(laws):
    found = definitions_of(laws[AI_ACT_ID])
    data = [d for d in found if d.term == "데이터"][0]
    assert data.refers_to is not None and data.refers_to.target_ref == "제2조제1호"
    assert data.refers_to.status is RefStatus.UNRESOLVED  # the index knows only the Act itself
