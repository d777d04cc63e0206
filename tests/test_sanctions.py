"""Sanction links on the real AI Basic Act: every 벌칙/과태료 clause points at what it enforces."""

from __future__ import annotations

import pytest

from lawcheck.importers import read_path
from lawcheck.refs import LawIndex, references_of
from lawcheck.sanctions import sanction_kind, sanction_links
from lawcheck.split import split_law


@pytest.fixture(scope="module")
def ai_act_links(corpus_dir):
    law = split_law(read_path(corpus_dir / "raw/xml/ai_basic_act_21311.xml"))
    references = references_of(law, LawIndex.from_laws([law]))
    sanction = {"제42조", "제43조제1항", "제43조제1항제1호", "제43조제1항제2호", "제43조제1항제3호"}
    modality = {str(c.ref): "sanction" if str(c.ref) in sanction else "none" for c in law.clauses()}
    return {
        (link.from_ref, link.kind, link.target_ref)
        for link in sanction_links(law, references, modality)
    }


@pytest.mark.parametrize(
    "link",
    [
        ("제42조", "penalty", "제7조제9항"),
        ("제43조제1항제1호", "fine", "제31조제1항"),
        ("제43조제1항제2호", "fine", "제36조제1항"),
        ("제43조제1항제3호", "fine", "제40조제3항"),
        (
            "제40조제3항",
            "corrective",
            None,
        ),  # "이 법을 위반한 사실이 있다고 인정되면 … 명할 수 있다"
    ],
)
def test_sanctions_ai_act_links(ai_act_links, link):
    assert link in ai_act_links


def test_sanctions_no_link_without_a_violation_phrase(ai_act_links):
    # 제43조제2항 cites 제1항 ("제1항에 따른 과태료는 …") without enforcing it.
    assert not any(source.startswith("제43조제2항") for source, _, _ in ai_act_links)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("3년 이하의 징역 또는 3천만원 이하의 벌금에 처한다.", "penalty"),
        ("3천만원 이하의 과태료를 부과한다.", "fine"),
        ("위반행위의 중지나 시정을 위하여 필요한 조치를 명할 수 있다.", "corrective"),
        ("인공지능산업을 지원할 수 있다.", None),
    ],
)
def test_sanctions_kind(text, kind):
    assert sanction_kind(text) == kind
