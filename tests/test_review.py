"""The review queue's logic (lawcheck/review.py) on real laws, SQLite and PostgreSQL: statuses,
filters, paging, clause placement, and decisions that survive re-import and re-checking."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from lawcheck.check import run_check
from lawcheck.pipeline import analyse_database, import_paths
from lawcheck.review import (
    CHANGED,
    OPEN,
    QueueFilter,
    decide,
    facet_counts,
    finding_views,
    law_finding_matrix,
    page_of,
    queue_index,
)
from lawcheck.store import decisions_for, get_engine

ACT_21065 = "raw/text/history/ai_basic_act_2025amend_21065.md"
DECREE_36053 = "raw/text/ai_basic_act_decree_36053.md"
ACT_21311 = "raw/xml/ai_basic_act_21311.xml"
DECREE_36580 = "raw/json/ai_basic_act_decree_36580.json"
# 제28조제1항제3호 of the Act delegates to a decree that never takes the delegation up.
GAP = "DLG001:014820:제28조제1항제3호"
GAP_TEXT = "3. 그 밖에 대통령령으로 정하는 인공지능기술 관련 기관"


def _refresh(engine, *paths) -> list:
    report = import_paths(list(paths), engine)
    assert report.ok, report.failed
    analyse_database(engine)
    run_check(engine, save=True)
    with Session(engine) as session:
        return queue_index(session)


def test_decisions_reattach_after_reimport_and_mark_changed_text(db_url, corpus_dir, tmp_path):
    engine = get_engine(db_url)
    first = _refresh(engine, corpus_dir / ACT_21065, corpus_dir / DECREE_36053)
    assert len(first) == 8 and GAP in {e.finding_id for e in first}
    assert all(e.status == OPEN for e in first)
    for number, entry in enumerate(first):
        decide(engine, entry.finding_id, "confirmed", reviewer=f"검토자{number % 2}", note="확인")

    # The next versions of the Act and the decree: three gaps are closed by the new decree,
    # five remain; their decisions re-attach by the finding's stable id.
    second = _refresh(engine, corpus_dir / ACT_21311, corpus_dir / DECREE_36580)
    assert len(second) == 5 and {e.finding_id for e in second} < {e.finding_id for e in first}
    assert all(e.status == "confirmed" and not e.text_changed for e in second)
    with Session(engine) as session:
        kept = decisions_for(session)
    assert sorted(kept) == sorted(e.finding_id for e in first), "no decision is dropped"

    # An amendment rewords the delegating clause: the finding stays, flagged as changed.
    xml = (corpus_dir / ACT_21311).read_text(encoding="utf-8")
    assert xml.count(GAP_TEXT) == 1
    amended = tmp_path / "ai_basic_act_21311.xml"
    amended.write_text(xml.replace(GAP_TEXT, GAP_TEXT.replace("인공지능기술", "인공지능")), "utf-8")
    third = _refresh(engine, amended)
    changed = {e.finding_id for e in third if e.text_changed}
    assert changed == {GAP}
    assert facet_counts(third)["statuses"][CHANGED] == 1
    assert QueueFilter(statuses=frozenset({CHANGED})).accepts(
        next(e for e in third if e.finding_id == GAP)
    )
    with Session(engine) as session:
        (view,) = finding_views(session, [GAP])
    statute = next(c for c in view.clauses if c.clause.law_id == "014820")
    assert statute.changed and "인공지능 관련 기관" in statute.clause.text
    assert view.status == "confirmed" and view.text_changed
    # The queue page marks it, on this database (SQLite or PostgreSQL).
    from test_app import markdown_text, page

    at = page("review_queue", db_url)
    assert not at.exception
    assert at.metric[3].value == "1"
    assert "text changed since the decision" in "\n".join(w.value for w in at.warning)
    assert "조문 변경됨" in markdown_text(at)
    # A new decision on the new text clears the mark.
    decide(engine, GAP, "needs_discussion", reviewer="검토자0")
    with Session(engine) as session:
        entry = next(e for e in queue_index(session) if e.finding_id == GAP)
        (view,) = finding_views(session, [GAP])
    assert entry.status == "needs_discussion" and not entry.text_changed
    assert [h["decision"] for h in view.history] == ["confirmed", "needs_discussion"]


def test_views_place_each_clause_in_its_law(checked_db):
    engine = get_engine(checked_db)
    with Session(engine) as session:
        entries = queue_index(session)
        (view,) = finding_views(session, [GAP])
        overlaps = [e for e in entries if e.rule_id == "DUT001"]
        (duty,) = finding_views(session, [overlaps[0].finding_id])
    statute = view.clauses[0]
    assert statute.position[-2:] == ("제1항", "제3호")
    assert statute.position[-3].startswith("제28조(")
    assert statute.position[0].startswith("제")  # the chapter (장) comes first
    assert statute.url.startswith("https://www.law.go.kr/")
    # An overlapping duty is between two laws: both sides are placed and linked.
    assert len({c.clause.law_id for c in duty.clauses}) == 2
    assert all(len(c.position) >= 2 for c in duty.clauses)


def test_filters_counts_and_pages(checked_db):
    with Session(get_engine(checked_db)) as session:
        entries = queue_index(session)
        from lawcheck.review import law_names

        names = law_names(session)
    counts = facet_counts(entries)
    assert sum(counts["rule_ids"].values()) == len(entries) == counts["statuses"][OPEN]
    assert [e.score for e in entries] == sorted((e.score for e in entries), reverse=True)
    only_pipa = QueueFilter(law_ids=frozenset({"011357"}))
    assert [e for e in entries if only_pipa.accepts(e)] == [
        e for e in entries if "011357" in e.law_ids
    ]
    assert counts["law_ids"]["011357"] == sum(1 for e in entries if "011357" in e.law_ids)
    shown, page, pages = page_of(entries, 99, 10)
    assert page == pages == -(-len(entries) // 10) and shown == entries[(pages - 1) * 10 :]
    matrix = law_finding_matrix(entries, names)
    assert {row["law"] for row in matrix} >= {"개인정보 보호법"}
    assert sum(row["open"] for row in matrix) == sum(len(set(e.law_ids)) for e in entries)


def test_decide_rejects_missing_reviewer_and_unknown_decision(checked_db):
    from lawcheck.errors import StoreError

    engine = get_engine(checked_db)
    with pytest.raises(StoreError, match="reviewer"):
        decide(engine, GAP, "confirmed", reviewer="  ")
    with pytest.raises(StoreError, match="not one of"):
        decide(engine, GAP, "approved", reviewer="김검토")
    with pytest.raises(StoreError, match="no stored finding"):
        decide(engine, "DLG001:000000:제1조", "confirmed", reviewer="김검토")
    with Session(engine) as session:
        assert decisions_for(session) == {}
