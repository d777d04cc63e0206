"""Every page of the review UI (app.py) rendered by Streamlit's AppTest on the checked
embedded corpus: the queue with its filters and decisions, the law browser, the task query and
the overview. The real browser test is tests/test_ui_browser.py."""

from __future__ import annotations

import os

import pytest
from sqlmodel import Session, select
from streamlit.testing.v1 import AppTest

from lawcheck.review import queue_index
from lawcheck.store import DecisionRow, get_engine, record_decision, session_scope
from lawcheck.testing import PROJECT_ROOT

APP = PROJECT_ROOT / "app.py"
HOSTILE = "<script>alert(1)</script> **굵게** [x](javascript:alert(1)) $x$ :red[빨강]"


def _render_page(page: str, root: str) -> None:
    """AppTest script: render one page function of app.py (without its navigation)."""
    import sys

    sys.path.insert(0, root)
    import app

    getattr(app, page)()


def page(name: str, db: str, **query) -> AppTest:
    os.environ["LAWCHECK_DB"] = db
    at = AppTest.from_function(_render_page, args=(name, str(PROJECT_ROOT)), default_timeout=120)
    at.query_params.update(query)
    return at.run()


def markdown_text(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


@pytest.fixture(autouse=True)
def _restore_env(monkeypatch):
    monkeypatch.delenv("LAWCHECK_DB", raising=False)


def test_navigation_opens_the_review_queue_first(checked_db):
    os.environ["LAWCHECK_DB"] = checked_db
    at = AppTest.from_file(str(APP), default_timeout=120).run()
    assert not at.exception
    assert at.title[0].value.startswith("검토 대기열")


def test_queue_lists_findings_best_first_with_both_clauses(checked_db):
    with Session(get_engine(checked_db)) as session:
        entries = queue_index(session)
    assert len(entries) >= 20
    at = page("review_queue", checked_db)
    assert not at.exception
    text = markdown_text(at)
    # Page 1 holds the first 10 findings, numbered, each with its rule and status.
    assert "**1.**" in text and "**10.**" in text and "**11.**" not in text
    assert entries[0].rule_id in text
    assert "미검토 open" in text
    # The clauses come with their place in the law and the spans that fired.
    assert ":orange-background[" in text
    assert "law.go.kr ↗" in text
    assert at.metric[0].value == str(len(entries))


def test_queue_filters_by_rule_and_status(checked_db):
    at = page("review_queue", checked_db)
    at.sidebar.multiselect(key="q_rule").set_value(["DLG001"]).run()
    text = markdown_text(at)
    assert "**DLG001**" in text and "**DUT001**" not in text
    assert at.metric[0].value == "5"  # the AI Act's five delegation gaps
    at.sidebar.multiselect(key="q_status").set_value(["confirmed"]).run()
    assert at.metric[0].value == "0"
    assert any("No finding matches" in i.value for i in at.info)


def test_decision_needs_a_reviewer_and_is_saved_at_once(checked_db):
    engine = get_engine(checked_db)
    with Session(engine) as session:
        first = queue_index(session)[0]
    at = page("review_queue", checked_db)
    confirm = [b for b in at.button if b.label.startswith("확인")]
    assert confirm and all(b.disabled for b in confirm), "no reviewer: decisions are disabled"
    assert any("Enter your name" in w.value for w in at.warning)

    at.sidebar.text_input(key="reviewer_input").input("김검토").run()
    at.text_input(key=next(k for k in _keys(at) if k.startswith("note-"))).input("위임 누락 확인")
    [b for b in at.button if b.label.startswith("확인")][0].click().run()
    assert not at.exception
    with Session(engine) as session:
        rows = session.exec(select(DecisionRow)).all()
    assert [(r.finding_id, r.decision, r.reviewer, r.note) for r in rows] == [
        (first.finding_id, "confirmed", "김검토", "위임 누락 확인")
    ]
    assert any("Saved: 확인 confirmed" in s.value for s in at.success)
    assert "확인 confirmed" in markdown_text(at)
    # The name stays for the next decision.
    assert at.sidebar.text_input(key="reviewer_input").value == "김검토"


def _keys(at: AppTest) -> list[str]:
    return [w.key for w in at.text_input if w.key]


def test_history_and_hostile_text_render_as_text(checked_db):
    engine = get_engine(checked_db)
    with Session(engine) as session:
        first = queue_index(session)[0]
    with session_scope(engine) as session:
        record_decision(session, first.finding_id, "needs_discussion", reviewer=HOSTILE, note=HOSTILE)
        record_decision(session, first.finding_id, "dismissed", reviewer="이검토", note="근거 부족")
    at = page("review_queue", checked_db)
    text = markdown_text(at)
    assert "기각 dismissed" in text and "논의 필요 needs discussion" in text
    assert "**이검토**" in text and "근거 부족" in text
    # Reviewer names and notes are escaped Markdown: no tag, link, formula or colour survives.
    assert "<script>" not in text and "](javascript:" not in text and ":red[" not in text
    assert "\\<script\\>" in text
    # Newest first.
    assert text.index("기각 dismissed") < text.index("논의 필요 needs discussion")


def test_app_never_renders_html():
    source = APP.read_text(encoding="utf-8")
    for unsafe in ("unsafe_allow_html", "st.html", "components.v1"):
        assert unsafe not in source


def test_law_browser_opens_a_linked_clause_with_its_findings(checked_db):
    at = page("law_browser", checked_db, law="014820", ref="제28조")
    assert not at.exception
    assert at.selectbox(key="browse_law").value.startswith("인공지능 발전과 신뢰 기반 조성")
    text = markdown_text(at)
    assert "**제28조**" in text and "**제29조**" not in text
    # 제28조제1항제3호 delegates to a decree that never says it: its finding is shown in place.
    assert ":material/flag:" in text and "**DLG001**" in text


def test_law_browser_shows_the_tag_balance_per_chapter(checked_db):
    at = page("law_browser", checked_db, law="014820")
    assert not at.exception
    assert len(at.get("vega_lite_chart")) == 1
    assert any("진흥" in c.value and "규제" in c.value for c in at.caption)


def test_task_query_ranks_clauses(checked_db):
    at = page("task_query", checked_db)
    at.text_input(key="query_text").input("CCTV 얼굴인식")
    at.button[0].click().run()
    assert not at.exception
    text = markdown_text(at)
    assert "개인정보 보호법" in text
    assert "score" in text


def test_overview_shows_balance_and_findings_matrix(checked_db):
    at = page("overview", checked_db)
    assert not at.exception
    assert len(at.get("vega_lite_chart")) == 4
    matrix = at.dataframe[0].value
    assert {"law", "open", "reviewed", "delegation-gap"} <= set(matrix.columns)
    with Session(get_engine(checked_db)) as session:
        total = len(queue_index(session))
    # Each finding counts once per law it involves: at least the number of findings.
    assert matrix["open"].sum() >= total
