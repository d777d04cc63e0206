"""Pattern files under rules/patterns/: every example must (not) match, and tags on real text."""

from __future__ import annotations

import pytest

from lawcheck.analyse import get_pipeline
from lawcheck.models import ActorType, Modality, Tag
from lawcheck.tag import load_patterns, morphs_of, sentence_modality, sentences, tag_doc

PATTERNS = load_patterns()


def _modality(text: str):
    doc = get_pipeline()(text)
    morphs = morphs_of(doc)
    sent = sentences(doc.text, morphs)[0][2]
    return sentence_modality(sent, PATTERNS)


EXAMPLES = [
    pytest.param(p.id, text, True, id=f"{p.id}-match-{i}")
    for p in PATTERNS.modality
    for i, text in enumerate(p.must_match)
] + [
    pytest.param(p.id, text, False, id=f"{p.id}-nomatch-{i}")
    for p in PATTERNS.modality
    for i, text in enumerate(p.must_not_match)
]


@pytest.mark.parametrize(("pattern_id", "text", "should"), EXAMPLES)
def test_tag_pattern_examples(pattern_id, text, should):
    _, fired, _ = _modality(text)
    assert (fired == pattern_id) is should, f"{pattern_id} on {text!r}: fired {fired}"


@pytest.mark.parametrize(
    ("text", "tag", "modality", "bearer", "actor"),
    [
        (
            "① 인공지능사업자는 고영향 인공지능을 이용한 제품 또는 서비스를 제공하려는 경우 제품 또는 서비스가 "
            "고영향 인공지능에 기반하여 운용된다는 사실을 이용자에게 사전에 고지하여야 한다.",
            Tag.REGULATION,
            Modality.OBLIGATION,
            "인공지능사업자",
            ActorType.PRIVATE,
        ),
        (
            "③ 국가 및 지방자치단체는 인공지능사업자의 창의정신을 존중하고, 안전한 인공지능 이용환경의 조성을 "
            "위하여 노력하여야 한다.",
            Tag.PROMOTION,
            Modality.EFFORT,
            "국가 및 지방자치단체",
            ActorType.STATE,
        ),
        (
            "② 과학기술정보통신부장관은 인공지능사업자가 이 법을 위반한 사실을 발견한 경우 해당 인공지능사업자에게 "
            "위반행위의 중지나 시정을 위하여 필요한 조치를 명할 수 있다.",
            Tag.REGULATION,
            Modality.PERMISSION,
            "과학기술정보통신부장관",
            ActorType.STATE,
        ),
        (
            "제1조(목적) 이 법은 인공지능의 건전한 발전과 신뢰 기반 조성에 필요한 기본적인 사항을 규정함으로써 "
            "국민의 권익과 존엄성을 보호하고 국가경쟁력을 강화하는 데 이바지함을 목적으로 한다.",
            Tag.NEUTRAL,
            Modality.NONE,
            "",
            ActorType.NONE,
        ),
        (
            "누구든지 정당한 권한 없이 개인정보를 처리하여서는 아니 된다.",
            Tag.REGULATION,
            Modality.PROHIBITION,
            "누구든지",
            ActorType.ANYONE,
        ),
    ],
)
def test_tag_real_clauses(text, tag, modality, bearer, actor):
    result = tag_doc(get_pipeline()(text))
    assert (result.tag, result.modality, result.duty_bearer, result.actor_type) == (
        tag,
        modality,
        bearer,
        actor,
    )
    assert result.evidence


def test_tag_proviso_modality_is_separate():
    text = (
        "① 개인정보처리자는 정보주체의 동의를 받아 개인정보를 수집할 수 있다. 다만, 다른 법률에 특별한 "
        "규정이 있는 경우에는 동의를 받지 아니하여도 된다."
    )
    result = tag_doc(get_pipeline()(text))
    assert result.modality is Modality.PERMISSION
    assert result.proviso_modality is not None
    assert [s.proviso for s in result.sentences] == [False, True]


ACTOR_EXAMPLES = [
    pytest.param(kind, actor, id=f"{kind}-{actor}")
    for kind, actors in PATTERNS.actor_examples.items()
    for actor in actors
]


@pytest.mark.parametrize(("kind", "actor"), ACTOR_EXAMPLES)
def test_tag_actor_lexicon_examples(kind, actor):
    from lawcheck.tag import actor_type

    assert actor_type(actor, PATTERNS).value == kind


PREDICATE_EXAMPLES = [
    pytest.param(kind, text, id=f"{kind}-{i}")
    for kind in ("regulate", "promote", "administer")
    for i, text in enumerate(PATTERNS.predicate_examples[kind])
]


@pytest.mark.parametrize(("kind", "text"), PREDICATE_EXAMPLES)
def test_tag_predicate_lexicon_examples(kind, text):
    from lawcheck.tag import _features

    doc = get_pipeline()(text)
    assert _features(text, morphs_of(doc), PATTERNS, [])["best"] == kind


# Sentence features with must/must-not examples in predicates.yaml: a burden on whoever acts,
# and the terms of a regulatory instrument in an impersonal sentence.
FEATURE_EXAMPLES = [
    pytest.param(feature, text, should, id=f"{feature}-{'match' if should else 'nomatch'}-{i}")
    for feature, key in (("burden", "burden"), ("instrument_terms", "instrument_terms"))
    for should, kind in ((True, "must_match"), (False, "must_not_match"))
    for i, text in enumerate(PATTERNS.predicate_examples[key][kind])
]


@pytest.mark.parametrize(("feature", "text", "should"), FEATURE_EXAMPLES)
def test_tag_feature_examples(feature, text, should):
    from lawcheck.tag import _features

    doc = get_pipeline()(text)
    assert _features(text, morphs_of(doc), PATTERNS, [])[feature] is should


CUE_EXAMPLES = [
    pytest.param(kind, text, should, id=f"{kind}-{'match' if should else 'nomatch'}-{i}")
    for kind in ("regulate", "promote")
    for should, key in ((True, "must_match"), (False, "must_not_match"))
    for i, text in enumerate(PATTERNS.predicate_examples[f"{kind}_cues"][key])
]


@pytest.mark.parametrize(("kind", "text", "should"), CUE_EXAMPLES)
def test_tag_cue_examples(kind, text, should):
    from lawcheck.tag import _cue_matches

    assert bool(_cue_matches(morphs_of(get_pipeline()(text)), PATTERNS)[kind]) is should


@pytest.mark.parametrize(
    ("text", "tag"),
    [
        # Relief from other laws' requirements is a 특례 (promotion); a law excluding its own
        # provisions draws its scope (neutral).
        (
            "② 산업데이터를 플랫폼에 공유하려는 자에게는 「국제항해선박 및 항만시설의 보안에 관한 법률」 "
            "제33조제1항제4호를 적용하지 아니한다.",
            Tag.PROMOTION,
        ),
        (
            "③ 개인정보처리자가 동창회를 운영하기 위하여 개인정보를 처리하는 경우에는 제15조 및 제30조를 "
            "적용하지 아니한다.",
            Tag.NEUTRAL,
        ),
        # Deemed compliance inside a regulatory regime is regulation; 공무원 의제 is neutral.
        (
            "③ 인공지능사업자가 다른 법령에 따라 제1항 각 호에 준하는 조치를 이행한 경우에는 제1항에 따른 "
            "조치를 이행한 것으로 본다.",
            Tag.REGULATION,
        ),
        (
            "제39조(벌칙 적용에서 공무원 의제) 위원회의 위원 중 공무원이 아닌 사람은 「형법」 제129조부터 "
            "제132조까지의 규정을 적용할 때에는 공무원으로 본다.",
            Tag.NEUTRAL,
        ),
        # A request made to serve a promotion purpose is still a request (neutral).
        (
            "제22조(자료 제출 요청) 장관은 데이터산업의 진흥을 위하여 데이터사업자에게 사업 수행실적 등의 "
            "자료 제출을 요청할 수 있다.",
            Tag.NEUTRAL,
        ),
        # Support for private self-regulation is support even though its aim is protection.
        (
            "④ 정부는 정보통신서비스 제공자단체의 자율규제를 위한 활동을 지원할 수 있다.",
            Tag.PROMOTION,
        ),
        ("② 제1항제3호의 죄는 피해자가 명시한 의사에 반하여 공소를 제기할 수 없다.", Tag.NEUTRAL),
        # A declared freedom with the state's restriction as the exception is promotion.
        (
            "① 누구든지 신규 기술ㆍ서비스를 활용하여 사업을 할 수 있으며, 국가와 지방자치단체는 국민의 "
            "생명과 안전을 저해하는 경우에 이를 제한할 수 있다.",
            Tag.PROMOTION,
        ),
        # A bar on a double penalty limits the state's sanctioning power.
        (
            "제76조(과태료에 관한 규정 적용의 특례) 제75조의 과태료에 관한 규정을 적용할 때 과징금을 부과한 "
            "행위에 대하여는 과태료를 부과할 수 없다.",
            Tag.NEUTRAL,
        ),
        # Voluntary codes of conduct of private bodies are neutral.
        (
            "① 정보통신서비스 제공자단체는 이용자를 보호하기 위하여 정보통신서비스 제공자 행동강령을 정하여 "
            "시행할 수 있다.",
            Tag.NEUTRAL,
        ),
        # A later sentence on the burden of proof keeps a damages claim civil; a later duty to
        # comply with a request makes the clause regulation.
        (
            "① 정보주체는 개인정보처리자가 이 법을 위반한 행위로 손해를 입으면 개인정보처리자에게 "
            "손해배상을 청구할 수 있다. 이 경우 그 개인정보처리자는 고의 또는 과실이 없음을 입증하지 "
            "아니하면 책임을 면할 수 없다.",
            Tag.NEUTRAL,
        ),
        (
            "① 분쟁조정위원회는 필요한 자료를 분쟁당사자에게 요청할 수 있다. 이 경우 분쟁당사자는 정당한 "
            "사유가 없으면 요청에 따라야 한다.",
            Tag.REGULATION,
        ),
        # The contents of a promotion plan are promotion.
        (
            "② 기본계획에는 다음 각 호의 사항이 포함되어야 한다.\n1. 전문인력의 양성에 관한 사항\n"
            "2. 중소기업의 육성 및 지원에 관한 사항\n3. 창업 촉진에 관한 사항",
            Tag.PROMOTION,
        ),
        # Registration with a state committee by a state body is internal to the state.
        (
            "① 중앙행정기관의 장은 소관 규제의 명칭ㆍ내용ㆍ근거 등을 제23조에 따른 "
            "규제합리화위원회(이하 \"위원회\"라 한다)에 등록하여야 한다.",
            Tag.NEUTRAL,
        ),
        # The validity or criteria of a certification or designation bind its holders; the
        # scope of a survey does not.
        ("⑤ 제1항에 따른 정보보호 관리체계 인증의 유효기간은 3년으로 한다.", Tag.REGULATION),
        ("① 법 제27조제1항에 따른 실태조사의 범위는 다음 각 호와 같다.", Tag.NEUTRAL),
        # Clawing back paid grants and accepting a notification are powers over the
        # grantee or the notifier.
        (
            "③ 중앙행정기관의 장은 제재처분과 별도로 이미 지급한 정부 연구개발비 중 제재사유와 관련된 "
            "연구개발비를 환수할 수 있다.",
            Tag.REGULATION,
        ),
        (
            "⑤ 위원회는 변경신고를 받은 경우 그 내용을 검토하여 이 법에 적합하면 신고를 수리하여야 한다.",
            Tag.REGULATION,
        ),
        # Applying for support or for a sandbox extension is the procedure of a benefit; applying
        # for a registration is a burden.
        (
            "② 비용 지원을 받으려는 사람은 중앙행정기관의 장에게 신청해야 한다.",
            Tag.NEUTRAL,
        ),
        (
            "② 규제특례의 유효기간을 연장받으려는 자는 유효기간 만료 2개월 전에 장관에게 신청하여야 한다.",
            Tag.NEUTRAL,
        ),
        (
            "① 데이터거래사로 등록하려는 사람은 등록 신청서에 서류를 첨부하여 장관에게 제출해야 한다.",
            Tag.REGULATION,
        ),
        # Provisions applied (준용) to a private class bind it; applied to a procedure they
        # do not.
        ("③ 개인사업자신용평가회사 및 그 임직원에 대해서는 제1항 및 제2항을 준용한다.", Tag.REGULATION),
        ("② 재결신청에 대해서는 다른 법률 제80조제2항을 준용한다.", Tag.NEUTRAL),
        # Having a designated support centre perform tasks is not a power over it.
        (
            "① 장관은 규제 개선 등을 지원하기 위하여 기준을 갖춘 법인을 규제지원센터로 지정하여 다음 각 호의 "
            "업무를 수행하게 할 수 있다.",
            Tag.PROMOTION,
        ),
    ],
)
def test_tag_general_rules(text, tag):
    assert tag_doc(get_pipeline()(text)).tag is tag
