"""The rule engine: findings, stable ids, review decisions, versions, output, real data."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from sqlmodel import Session, select

from lawcheck.check import (
    _TERM_CACHE,
    Corpus,
    _addendum_effective,
    _listed_in,
    compare_versions,
    delegation_links,
    example_markdown,
    format_finding_text,
    mask_notes,
    parse_amount,
    ref_contains,
    run_check,
    run_rules,
    sanction_level,
)
from lawcheck.errors import StoreError
from lawcheck.models import finding_id
from lawcheck.pipeline import analyse_database, import_paths
from lawcheck.ruleset import ExampleArticle, ExampleLaw, load_rules
from lawcheck.store import (
    DecisionRow,
    FindingRow,
    decisions_for,
    get_engine,
    load_findings,
    record_decision,
    save_findings,
    session_scope,
)

RULES = load_rules()

STATUTE = ExampleLaw(
    name="가상진흥법",
    kind="법률",
    law_id="990001",
    articles=(
        ExampleArticle(
            "제3조",
            "① 사업자는 대통령령으로 정하는 기준에 해당하는 서비스를 제공하는 경우 이용자에게 "
            "그 사실을 고지하여야 한다.\n② 제1항에 따른 고지의 방법은 대통령령으로 정한다.",
            "고지 의무",
        ),
        ExampleArticle(
            "제4조", "사업자는 고지한 내용을 대통령령으로 정하는 기간 동안 보관하여야 한다.", "기록"
        ),
    ),
)
DECREE = ExampleLaw(
    name="가상진흥법 시행령",
    kind="대통령령",
    law_id="990002",
    articles=(
        ExampleArticle(
            "제2조",
            '① 법 제3조제1항에서 "대통령령으로 정하는 기준"이란 이용자 수가 100만명 이상인 '
            "경우를 말한다.\n② 법 제7조에 따른 보고는 서면으로 한다.",
            "고지 대상",
        ),
    ),
)


def _build(engine, tmp_path: Path, *laws: ExampleLaw) -> None:
    paths = []
    for law in laws:
        path = tmp_path / f"{law.law_id}_{law.promulgation_no}.md"
        path.write_text(example_markdown(law), encoding="utf-8")
        paths.append(path)
    report = import_paths(paths, engine)
    assert report.ok, report.failed
    analyse_database(engine)


@pytest.fixture
def mini(db_url, tmp_path):
    engine = get_engine(db_url)
    _build(engine, tmp_path, STATUTE, DECREE)
    yield engine
    engine.dispose()


# --- small pure helpers ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "won"),
    [("3천만", 30_000_000), ("1억 5천만", 150_000_000), ("500만", 5_000_000), ("2,000", 2_000)],
)
def test_check_parse_amount(text, won):
    assert parse_amount(text) == won


@pytest.mark.parametrize(
    ("text", "prison", "fine", "admin", "criminal"),
    [
        ("3년 이하의 징역 또는 3천만원 이하의 벌금에 처한다.", 3, 30_000_000, 0, True),
        ("3천만원 이하의 과태료를 부과한다.", 0, 0, 30_000_000, False),
        ("1억 5천만원 이하의 과태료", 0, 0, 150_000_000, False),
        ("시정을 명할 수 있다.", 0, 0, 0, False),
    ],
)
def test_check_sanction_level(text, prison, fine, admin, criminal):
    level = sanction_level(text)
    assert (level.prison_years, level.criminal_fine, level.admin_fine) == (prison, fine, admin)
    assert level.criminal is criminal


@pytest.mark.parametrize(
    ("outer", "inner", "expected"),
    [
        ("제3조", "제3조제2항", True),
        ("제3조제1항 각 호 외의 부분", "제3조제1항제2호", True),
        ("제3조제1항", "제3조제2항", False),
        ("제3조제2항제1호", "제3조제2항", False),
    ],
)
def test_check_ref_contains(outer, inner, expected):
    assert ref_contains(outer, inner) is expected


@pytest.mark.parametrize(
    ("ref", "expected"),
    [
        ("제3조제5항", True),
        ("제6조제2항제8호", True),
        ("제16조제4항", True),
        ("제16조제6항", False),
        ("제35조제1항", True),
        ("제6조제1항", False),
    ],
)
def test_check_listed_in_exception_list(ref, expected):
    listed = (
        "다만, 제3조제5항, 제6조제2항제7호ㆍ제8호, 제16조제3항부터 제5항까지, 제17조의2, "
        "제18조 및 제35조제1항 후단의 개정규정"
    )
    assert _listed_in(listed, ref) is expected


def test_check_addendum_effective_dates():
    text = (
        "부칙 <제21311호,2026.1.20>\n이 법은 2026년 1월 22일부터 시행한다. 다만, 제3조제5항 및 "
        "제18조의 개정규정은 공포 후 6개월이 경과한 날부터 시행한다."
    )
    assert _addendum_effective(text, "2026-01-20", "제3조제5항") == "2026-07-21"
    assert _addendum_effective(text, "2026-01-20", "제4조") == "2026-01-22"
    assert (
        _addendum_effective("이 법은 공포한 날부터 시행한다.", "2025-03-18", "제1조")
        == "2025-03-18"
    )


def test_check_mask_notes_keeps_offsets():
    text = "고지하여야 한다. <개정 2026. 1. 20.>"
    masked = mask_notes(text)
    assert len(masked) == len(text) and "개정" not in masked


def test_check_finding_id_is_rule_and_sorted_keys():
    assert finding_id("DUT001", ["b:제2조", "a:제1조"]) == finding_id(
        "DUT001", ["a:제1조", "b:제2조"]
    )
    assert finding_id("DUT001", ["a:제1조"]) == "DUT001:a:제1조"


# --- run_check on a mini corpus ---------------------------------------------------------------


def test_check_run_check_finds_and_filters(mini):
    report = run_check(mini, select=["DLG001", "REF001"], rules=RULES)
    ids = {f.id for f in report.findings}
    assert "DLG001:990001:제4조" in ids  # 대통령령으로 정하는 기간: never defined
    assert "DLG001:990001:제3조제2항" not in ids  # details of 제3조, answered by 시행령 제2조
    assert any(f.rule_id == "REF001" and "990002:제2조제2항" in f.keys for f in report.findings)
    assert report.exit_code("info") == 1
    ignored = run_check(mini, select=["DLG001", "REF001"], ignore=["REF"], rules=RULES)
    assert {f.rule_id for f in ignored.findings} == {"DLG001"}
    statute_only = run_check(mini, select=["REF001"], law="990001", rules=RULES)
    assert statute_only.findings == [] and statute_only.exit_code("error") == 0


def test_check_findings_are_ranked_and_serialisable(mini):
    report = run_check(mini, select=["DLG", "REF"], preview=True, rules=RULES)
    scores = [f.score for f in report.findings]
    assert scores == sorted(scores, reverse=True)
    data = json.loads(json.dumps(report.as_json(), ensure_ascii=False))
    first = data[0]
    assert {"id", "rule", "kind", "severity", "message", "clauses", "resolution_hint"} <= set(first)
    clause = first["clauses"][0]
    assert {"law_name", "law_id", "ref", "text", "spans"} <= set(clause)
    for span in clause["spans"]:
        assert clause["text"][span["start"] : span["end"]] == span["text"]
    text = format_finding_text(report.findings[0])
    assert report.findings[0].id in text and "⟦" in text


def test_check_resolution_hint_names_lex_superior(mini):
    report = run_check(mini, select=["DLG002"], rules=RULES)
    # 시행령 제2조제2항 cites 법 제7조 (missing) but imposes nothing: no DLG002 finding.
    assert report.findings == []
    corpus = Corpus(mini)
    a = corpus.by_key[("990001", "제3조제1항")]
    b = corpus.by_key[("990002", "제2조제1항")]
    from lawcheck.check import resolution_hint

    hint = resolution_hint(corpus, a, b)
    assert hint and "상위법 우선" in hint


# --- stored findings and review decisions -----------------------------------------------------


def test_check_save_findings_replaces_the_checked_scope(mini):
    report = run_check(mini, select=["DLG001", "REF001"], rules=RULES, save=True)
    with Session(mini) as session:
        stored = session.exec(select(FindingRow.finding_id)).all()
    assert set(stored) == {f.id for f in report.findings}
    with session_scope(mini) as session:
        save_findings(session, [], rule_ids=["REF001"], law_ids={"990002"})
    with Session(mini) as session:
        left = session.exec(select(FindingRow.rule_id)).all()
    assert set(left) == {"DLG001"}


def test_check_decisions_are_append_only_and_need_a_reviewer(mini):
    report = run_check(mini, select=["DLG001"], rules=RULES, save=True)
    finding = next(f for f in report.findings if f.id == "DLG001:990001:제4조")
    with session_scope(mini) as session:
        record_decision(session, finding, "needs_discussion", reviewer="kim", note="확인 필요")
        record_decision(session, finding.id, "confirmed", reviewer="lee")
        with pytest.raises(StoreError, match="reviewer"):
            record_decision(session, finding, "confirmed", reviewer=" ")
        with pytest.raises(StoreError, match="not one of"):
            record_decision(session, finding, "maybe", reviewer="kim")
    with Session(mini) as session:
        rows = decisions_for(session, [finding.id])[finding.id]
        assert [r.decision for r in rows] == ["needs_discussion", "confirmed"]
        assert session.exec(select(DecisionRow)).all().__len__() == 2
        loaded = {f.id: f for f in load_findings(session)}
    assert loaded[finding.id].decision == "confirmed"
    assert loaded[finding.id].text_changed_since_decision is False
    again = {f.id: f for f in run_check(mini, select=["DLG001"], rules=RULES).findings}
    assert again[finding.id].decision == "confirmed"


def test_check_text_change_after_decision_is_reported(db_url, tmp_path):
    engine = get_engine(db_url)
    _build(engine, tmp_path, STATUTE, DECREE)
    finding = next(
        f for f in run_check(engine, select=["DLG001"], rules=RULES).findings if "제4조" in f.id
    )
    with session_scope(engine) as session:
        record_decision(session, finding, "dismissed", reviewer="kim")
    changed = ExampleLaw(
        name=STATUTE.name,
        kind=STATUTE.kind,
        law_id=STATUTE.law_id,
        articles=(
            STATUTE.articles[0],
            ExampleArticle(
                "제4조",
                "사업자는 고지한 내용을 대통령령으로 정하는 기간 동안 안전하게 보관하여야 한다.",
                "기록",
            ),
        ),
    )
    (tmp_path / "v2").mkdir()
    _build(engine, tmp_path / "v2", changed)  # same version, another text: rows replaced
    after = {f.id: f for f in run_check(engine, select=["DLG001"], rules=RULES).findings}
    assert after[finding.id].decision == "dismissed"
    assert after[finding.id].text_changed_since_decision is True
    engine.dispose()


# --- versions ---------------------------------------------------------------------------------


def test_check_compare_versions_tells_created_and_resolved(db_url, tmp_path):
    engine = get_engine(db_url)
    old = ExampleLaw(
        name="가상진흥법",
        kind="법률",
        law_id="990001",
        promulgation_no="100",
        promulgation_date="2025-01-01",
        effective_date="2025-01-01",
        articles=(
            ExampleArticle(
                "제3조", "사업자는 대통령령으로 정하는 기준에 따라 고지하여야 한다.", "고지"
            ),
            ExampleArticle("제5조", "사업자는 기록을 보관하여야 한다.", "기록"),
        ),
    )
    new = ExampleLaw(
        name="가상진흥법",
        kind="법률",
        law_id="990001",
        promulgation_no="200",
        promulgation_date="2026-01-01",
        effective_date="2026-01-01",
        articles=(
            ExampleArticle("제3조", "사업자는 고지하여야 한다.", "고지"),
            ExampleArticle(
                "제5조", "사업자는 대통령령으로 정하는 기간 동안 기록을 보관하여야 한다.", "기록"
            ),
        ),
    )
    decree = ExampleLaw(
        name="가상진흥법 시행령",
        kind="대통령령",
        law_id="990002",
        articles=(
            ExampleArticle("제1조", "이 영은 「가상진흥법」에서 위임된 사항을 정한다.", "목적"),
        ),
    )
    _build(engine, tmp_path, old, new, decree)
    result = compare_versions(engine, "990001", "100", "200", select=["DLG001"], rules=RULES)
    assert {f.id for f in result.created} == {"DLG001:990001:제5조"}
    assert {f.id for f in result.resolved} == {"DLG001:990001:제3조"}
    assert result.kept == []
    engine.dispose()


# --- real data: the AI Basic Act and its decree ------------------------------------------------

AI_FLAGGED = {"제2조제4호카목", "제14조제5항", "제28조제1항제3호", "제29조제7호", "제39조제1항"}


@pytest.fixture(scope="module")
def ai_engine(corpus_dir, tmp_path_factory):
    path = tmp_path_factory.mktemp("ai") / "ai.db"
    engine = get_engine(f"sqlite:///{path}")
    import_paths(
        [
            corpus_dir / "raw/xml/ai_basic_act_21311.xml",
            corpus_dir / "raw/json/ai_basic_act_decree_36580.json",
        ],
        engine,
    )
    analyse_database(engine)
    yield engine
    engine.dispose()


def test_check_ai_act_delegations_are_linked_or_flagged(ai_engine):
    corpus = Corpus(ai_engine)
    links = delegation_links(corpus, "014820", RULES.get("DLG001"))
    assert len(links["delegations"]) == 50
    assert len(links["linked"]) == 45
    assert {e["ref"] for e in links["flagged"]} == AI_FLAGGED
    by_ref = {e["ref"]: e for e in links["linked"]}
    assert "015032:제1조의2" in by_ref["제3조제5항"]["links"]
    assert "015032:제29조제1항" in by_ref["제36조제1항"]["links"]
    findings = run_rules(corpus, [RULES.get("DLG001")])
    assert {f.clauses[0].ref for f in findings} == AI_FLAGGED


def test_check_ai_act_findings_are_stable_across_runs(ai_engine):
    first = [f.id for f in run_check(ai_engine, preview=True, rules=RULES).findings]
    second = [f.id for f in run_check(ai_engine, preview=True, rules=RULES).findings]
    assert first == second and len(first) == len(set(first))
    assert all(":014820:" in i or ":015032:" in i for i in first)


INCREMENTAL_LAWS = (
    "ai_basic_act_21311.md",
    "ai_basic_act_decree_36053.md",
    "network_act_21500.md",
    "pipa_21445.md",
    "telecom_business_act_21652.md",
    "credit_info_act_21445.md",
)


def test_check_recheck_after_one_changed_article_reevaluates_only_that_law(tmp_path, corpus_dir):
    """Issue 7: after one article of the AI Basic Act changes, a saved check re-evaluates the
    findings of the Act's family only, keeps the others untouched, and equals a full check."""
    engine = get_engine(f"sqlite:///{tmp_path / 'lawcheck.db'}")
    text_dir = corpus_dir / "raw/text"
    import_paths([text_dir / name for name in INCREMENTAL_LAWS], engine)
    analyse_database(engine)
    first = run_check(engine, save=True)
    assert first.incremental is None  # no index yet: a full check, which writes the index
    same = run_check(engine, save=True)
    assert same.incremental["changed"] == [] and same.incremental["reevaluated"] == 0
    assert {f.id for f in same.findings} == {f.id for f in first.findings}
    with Session(engine) as session:
        before = {r.finding_id: r.id for r in session.exec(select(FindingRow))}

    source = text_dir / "ai_basic_act_21311.md"
    text = source.read_text(encoding="utf-8")
    old = "서면으로 지정하고, 이를 과학기술정보통신부장관에게 신고하여야 한다."
    assert old in text
    changed = tmp_path / source.name
    changed.write_text(text.replace(old, "서면으로 지정할 수 있다.", 1), encoding="utf-8")
    import_paths([changed], engine)
    assert analyse_database(engine, law="014820").analysed == 1  # 제36조제1항
    _TERM_CACHE.clear()  # as in a new process: the terms come from the index
    again = run_check(engine, save=True)

    info = again.incremental
    assert info["changed"] == ["014820"]
    assert set(info["scope"]) == {"014820", "015032"}  # the Act and its decree
    with Session(engine) as session:
        after = {r.finding_id: (r.id, r.law_ids) for r in session.exec(select(FindingRow))}
    untouched = {fid for fid, (_, laws) in after.items() if not set(laws) & set(info["scope"])}
    assert untouched and all(after[fid][0] == before[fid] for fid in untouched)
    assert info["reevaluated"] == len(after) - len(untouched)
    # The duty to appoint a domestic agent became a permission: its findings are gone.
    assert any(key.startswith("014820:제36조제1항") for f in first.findings for key in f.keys)
    assert not any(key.startswith("014820:제36조제1항") for f in again.findings for key in f.keys)
    full = run_check(engine, incremental=False)
    assert {(f.id, f.message, f.resolution_hint) for f in again.findings} == {
        (f.id, f.message, f.resolution_hint) for f in full.findings
    }


def test_rules_run_for_some_laws_find_exactly_the_full_run_findings_involving_them(
    embedded_db_file,
):
    """Issue 7: with law_ids, rules skip clauses and pairs that cannot involve those laws
    (an incremental re-check); what they find must be what a full run finds for them."""
    engine = get_engine(f"sqlite:///{embedded_db_file}")
    corpus = Corpus(engine)
    rules = RULES.select(None, None, preview=True)
    full = run_rules(corpus, rules)
    pair_kinds = {"overlapping-duty", "sanction-disparity", "jurisdiction-overlap"}
    paired = Counter(
        c.law_id for f in full if RULES.get(f.rule_id).kind in pair_kinds for c in f.clauses
    )
    assert len(paired) >= 4  # the pair rules fire across several laws of the corpus
    for law_ids in [{law} for law in sorted(corpus.law)] + [set(list(paired)[:3])]:
        wanted = [f for f in full if any(c.law_id in law_ids for c in f.clauses)]
        found = run_rules(corpus, rules, law_ids=law_ids)
        assert [(f.id, f.message, f.resolution_hint) for f in found] == [
            (f.id, f.message, f.resolution_hint) for f in wanted
        ], law_ids
    assert corpus.focus is None  # run_rules leaves the corpus as it found it
    engine.dispose()
