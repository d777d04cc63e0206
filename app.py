"""lawcheck review UI (Streamlit). Started by `lawcheck review`; renders only — the logic lives
in the lawcheck package (browse, query, store) and is tested there.

The database URL comes from $LAWCHECK_DB (set by `lawcheck review --db`). Law text, notes,
names and queries are always rendered as escaped text, never as HTML.
"""

from __future__ import annotations

import os

import pandas as pd
import streamlit as st
from sqlmodel import Session

from lawcheck.browse import (
    TAG_LABELS,
    TAGS,
    balance_by_division,
    balance_by_law,
    highlight,
    law_choices,
    law_tree,
    md_escape,
)
from lawcheck.store import get_engine, redact_url

st.set_page_config(page_title="lawcheck", page_icon="⚖️", layout="wide")

TAG_COLOURS = {"promotion": "green", "regulation": "red", "neutral": "gray", None: "gray"}


@st.cache_resource
def engine():
    """One database engine per server process."""
    return get_engine(os.environ.get("LAWCHECK_DB"))


def tag_badge(tag: str | None) -> str:
    return f":{TAG_COLOURS.get(tag, 'gray')}-badge[{TAG_LABELS.get(tag, tag)}]"


# ---------------------------------------------------------------------------------------------
# Law browser
# ---------------------------------------------------------------------------------------------


def law_browser() -> None:
    st.title("법령 탐색 · Law browser")
    with Session(engine()) as session:
        choices = law_choices(session)
    if not choices:
        st.info("No laws in the database yet: run `lawcheck run` or `lawcheck import PATH`.")
        return
    labels = [label for label, _ in choices]
    picked = st.selectbox("법령 · Law", labels, key="browse_law")
    version_id = dict(choices)[picked]
    with Session(engine()) as session:
        rows = law_tree(session, version_id)
    counts = pd.DataFrame(balance_by_division(rows)).set_index("division")
    left, right = st.columns([2, 1])
    with right:
        st.subheader("진흥 · 규제 · 중립 by chapter")
        st.bar_chart(counts[list(TAGS)], color=["#2e8b57", "#c0392b", "#aaaaaa"], horizontal=True)
        totals = counts[list(TAGS)].sum()
        st.caption(
            f"진흥 {totals['promotion']} · 규제 {totals['regulation']} · "
            f"중립 {totals['neutral']} clauses"
        )
    with left:
        only = st.multiselect(
            "Show tags",
            list(TAGS),
            default=list(TAGS),
            format_func=lambda t: TAG_LABELS[t],
            key="browse_tags",
        )
        needle = st.text_input("Filter text", key="browse_filter", max_chars=100)
        shown = [
            r
            for r in rows
            if (r["tag"] in only or r["tag"] is None) and (not needle or needle in r["text"])
        ]
        page_size = 60
        pages = max(1, (len(shown) + page_size - 1) // page_size)
        page = st.number_input("Page", 1, pages, 1, key="browse_page")
        st.caption(f"{len(shown)} of {len(rows)} clauses · page {page}/{pages}")
        for row in shown[(page - 1) * page_size : page * page_size]:
            indent = "\u2003" * row["depth"]
            who = (
                f" · {md_escape(row['duty_bearer'])} ({row['actor_type']})"
                if row["duty_bearer"]
                else ""
            )
            st.markdown(
                f"{indent}**{md_escape(row['ref'])}** {tag_badge(row['tag'])} "
                f":blue-badge[{row['modality'] or '—'}]{who}"
            )
            st.markdown(indent + highlight(row["text"], row["evidence"]))
            if row["references"]:
                with st.expander(f"{indent}references ({len(row['references'])})"):
                    for ref in row["references"]:
                        target = f"{ref['target_law_name'] or ''} {ref['target_ref'] or ''}"
                        note = "" if ref["status"] == "resolved" else f" — {ref['reason']}"
                        st.text(f"{ref['text']} → {target.strip()}{note}")


# ---------------------------------------------------------------------------------------------
# Task query
# ---------------------------------------------------------------------------------------------


def task_query() -> None:
    from lawcheck.errors import LawcheckError
    from lawcheck.query import MAX_QUERY_CHARS, search

    st.title("과업 검색 · Which laws touch this task?")
    with st.form("query_form"):
        text = st.text_input(
            "과업 · Task (Korean)",
            placeholder="예: 채용 면접에 AI 도입",
            max_chars=MAX_QUERY_CHARS,
            key="query_text",
        )
        limit = st.slider("Clauses", 5, 100, 20, key="query_limit")
        submitted = st.form_submit_button("검색 · Search")
    if not submitted and not st.session_state.get("query_done"):
        st.caption("Examples: 채용 면접에 AI 도입 · CCTV 얼굴인식 · 생성형 AI 광고 제작")
        return
    st.session_state["query_done"] = True
    try:
        concepts, hits = search(engine(), text, limit=limit)
    except LawcheckError as exc:
        st.error(exc.message)
        return
    st.caption("Concepts: " + ", ".join(md_escape(c.word) for c in concepts))
    if not hits:
        st.warning("No clause mentions these words; try other words.")
        return
    laws = pd.DataFrame([{"law": h.law_name, "tag": h.tag} for h in hits])
    st.bar_chart(laws.groupby(["law", "tag"]).size().unstack(fill_value=0), horizontal=True)
    for hit in hits:
        found = ", ".join(sorted({w for words in hit.matched.values() for w in words}))
        st.markdown(
            f"**{md_escape(hit.law_name)} {md_escape(hit.ref)}** {tag_badge(hit.tag)} "
            f":blue-badge[{hit.modality or '—'}] · score {hit.score:.2f} · "
            f"matched {md_escape(found)}"
        )
        st.text(hit.text)


# ---------------------------------------------------------------------------------------------
# Overview
# ---------------------------------------------------------------------------------------------


def overview() -> None:
    st.title("정합성 개요 · Coherence overview")
    with Session(engine()) as session:
        balance = pd.DataFrame(balance_by_law(session))
    if balance.empty:
        st.info("No laws in the database yet: run `lawcheck run`.")
        return
    st.subheader("진흥 vs 규제 per law")
    chart = balance.set_index("law")[list(TAGS)]
    st.bar_chart(chart, color=["#2e8b57", "#c0392b", "#aaaaaa"], horizontal=True)
    st.dataframe(balance, hide_index=True)
    st.caption(f"Database: {redact_url(str(engine().url))}")


pages = [
    st.Page(law_browser, title="법령 탐색 Law browser", url_path="laws", default=True),
    st.Page(task_query, title="과업 검색 Task query", url_path="query"),
    st.Page(overview, title="정합성 개요 Overview", url_path="overview"),
]
st.navigation(pages).run()
