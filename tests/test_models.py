"""ClauseRef: the canonical string parses back; containment; law levels."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lawcheck.errors import RefSyntaxError
from lawcheck.models import ClauseRef, LawLevel


@pytest.mark.parametrize(
    "text",
    [
        "제3조",
        "제3조의2제1항제2호가목",
        "제2조제1호",
        "제2조제4호카목",
        "제12조제19항제17호의2",
        "제2조제1호가목1)",
        "제2조제1호가목1)가)",
        "제2조제1호의21)",
        "제2조제1호의2/10)",
        "제57조제1항제1호의2다목/10)",  # national corpus: the "/" also follows a 목
        "제35조제1항 후단",
        "제3조제1항 단서",
        "제5조 각 호 외의 부분",
        "부칙<제21311호,2026.1.20>",
        "부칙<제20676호,2025.1.21>제1조",
        "별표2",
        "서식1의2",
    ],
)
def test_models_ref_round_trip(text):
    assert str(ClauseRef.parse(text)) == text


@pytest.mark.parametrize("text", ["", "제조", "3조", "제3조제", "가목1)", "hello"])
def test_models_ref_rejects_garbage(text):
    with pytest.raises(RefSyntaxError) as info:
        ClauseRef.parse(text)
    assert "clause reference" in str(info.value)


def test_models_ref_error_crosses_a_process_pool_unchanged():
    """Pool workers send errors back pickled; the message must not be wrapped twice."""
    import pickle

    with pytest.raises(RefSyntaxError) as info:
        ClauseRef.parse("제조")
    again = pickle.loads(pickle.dumps(info.value))
    assert (type(again), str(again), again.text) == (RefSyntaxError, str(info.value), "제조")
    assert str(again).count("[R001]") == 1


def test_models_ref_tolerates_spaces():
    assert ClauseRef.parse("제3조의2 제1항 제2호 가목") == ClauseRef.parse("제3조의2제1항제2호가목")


def test_models_ref_contains():
    article = ClauseRef.parse("제3조")
    assert article.contains(ClauseRef.parse("제3조제1항제2호"))
    assert not article.contains(ClauseRef.parse("제3조의2제1항"))
    assert not ClauseRef.parse("제3조제1항").contains(ClauseRef.parse("제3조제2항"))


@settings(max_examples=200)
@given(
    article=st.integers(1, 999),
    branch=st.integers(0, 20),
    paragraph=st.none() | st.integers(1, 50),
    item=st.none() | st.integers(1, 99),
    item_branch=st.integers(0, 9),
    subitem=st.none() | st.sampled_from(list("가나다라마바사아자차카타파하")),
    details=st.lists(st.sampled_from(["1)", "10)", "가)", "(1)", "(12)"]), max_size=2),
)
def test_models_ref_round_trip_generated(
    article, branch, paragraph, item, item_branch, subitem, details
):
    ref = ClauseRef(
        article=article,
        article_branch=branch,
        paragraph=paragraph,
        item=item,
        item_branch=item_branch if item else 0,
        subitem=subitem if item else None,
        details=tuple(details) if item else (),
    )
    assert ClauseRef.parse(str(ref)) == ref


@pytest.mark.parametrize(
    ("kind", "level"),
    [
        ("법률", LawLevel.STATUTE),
        ("대통령령", LawLevel.DECREE),
        ("총리령", LawLevel.RULE),
        ("과학기술정보통신부령", LawLevel.RULE),
        ("헌법", LawLevel.CONSTITUTION),
        ("대법원규칙", LawLevel.OTHER),
    ],
)
def test_models_law_level_from_kind(kind, level):
    assert LawLevel.from_kind(kind) is level
