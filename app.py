"""lawcheck review UI (Streamlit). Started by `lawcheck review`; renders only — the logic lives
in the lawcheck package (browse, query, store) and is tested there.

The database URL comes from $LAWCHECK_DB (set by `lawcheck review --db`). Law text, notes,
names and queries are always rendered as escaped text, never as HTML.
"""

from __future__ import annotations

import hashlib
import os
from urllib.parse import urlencode

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
from lawcheck.errors import StoreError
from lawcheck.review import (
    CHANGED,
    OPEN,
    SEVERITIES,
    STATUS_LABELS,
    STATUSES,
    QueueFilter,
    decide,
    facet_counts,
    finding_views,
    findings_by_clause,
    law_finding_matrix,
    law_names,
    page_of,
    queue_index,
    queue_stamp,
)
from lawcheck.store import DECISIONS, get_engine, redact_url

TAG_COLOURS = {"promotion": "green", "regulation": "red", "neutral": "gray", None: "gray"}


@st.cache_resource
def _engine_for(url: str | None):
    return get_engine(url)


def engine():
    """One database engine per server process and database URL."""
    return _engine_for(os.environ.get("LAWCHECK_DB"))


@st.cache_data(max_entries=8, show_spinner=False)
def _queue_for(url: str | None, stamp: tuple):
    with Session(_engine_for(url)) as session:
        return queue_index(session), law_names(session)


def queue():
    """Every finding's review status and the law names; read again only when a finding or a
    decision changed (decoding 10,000 findings' hashes is most of a page's render time)."""
    url = os.environ.get("LAWCHECK_DB")
    with Session(engine()) as session:
        stamp = queue_stamp(session)
    return _queue_for(url, stamp)


def tag_badge(tag: str | None) -> str:
    return f":{TAG_COLOURS.get(tag, 'gray')}-badge[{TAG_LABELS.get(tag, tag)}]"


SEVERITY_COLOURS = {"error": "red", "warning": "orange", "info": "blue"}
STATUS_COLOURS = {
    OPEN: "gray",
    "confirmed": "red",
    "dismissed": "green",
    "needs_discussion": "violet",
    CHANGED: "orange",
}
DECISION_BUTTONS = {
    "confirmed": "확인 · Confirm",
    "dismissed": "기각 · Dismiss",
    "needs_discussion": "논의 필요 · Discuss",
}


def status_badge(status: str) -> str:
    return f":{STATUS_COLOURS.get(status, 'gray')}-badge[{STATUS_LABELS.get(status, status)}]"


def reviewer_name() -> str:
    """The reviewer's name, kept for the whole browser session and in the address (?reviewer=)
    so that a reload or a bookmarked queue still knows who is deciding."""
    # A widget's own state is dropped on pages that do not render it: keep a copy.
    if "reviewer_name" not in st.session_state:
        st.session_state["reviewer_name"] = st.query_params.get("reviewer", "")[:80]
    name = st.sidebar.text_input(
        "검토자 · Reviewer (required to decide)",
        value=st.session_state["reviewer_name"],
        max_chars=80,
        key="reviewer_input",
        placeholder="이름 · your name",
    ).strip()
    st.session_state["reviewer_name"] = name
    if name:
        st.query_params["reviewer"] = name
    else:
        st.query_params.pop("reviewer", None)
    return name


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
    labels = [label for label, _, _ in choices]
    by_law_id = {law_id: label for label, _, law_id in choices}
    # Links from the review queue open a law (and a clause) by ?law=법령ID&ref=조문.
    linked = by_law_id.get(st.query_params.get("law", ""))
    picked = st.selectbox(
        "법령 · Law", labels, index=labels.index(linked) if linked else 0, key="browse_law"
    )
    version_id = next(vid for label, vid, _ in choices if label == picked)
    with Session(engine()) as session:
        rows = law_tree(session, version_id)
        findings = findings_by_clause(session, rows[0]["law_id"]) if rows else {}
    counts = pd.DataFrame(balance_by_division(rows)).set_index("division")
    left, right = st.columns([3, 2])
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
        focus = st.query_params.get("ref", "") if linked else ""
        if focus:
            st.caption(f"Showing {md_escape(focus)} — clear the address's ?ref= to see all")
        shown = [
            r
            for r in rows
            if (r["tag"] in only or r["tag"] is None)
            and (not needle or needle in r["text"])
            and (not focus or r["ref"].startswith(focus) or focus.startswith(r["ref"]))
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
            for item in findings.get(row["ref"], []):
                st.markdown(
                    f"{indent}:material/flag: {status_badge(item['status'])} "
                    f"**{item['rule_id']}** {md_escape(item['message'])}"
                )
            if row["references"]:
                with st.expander(f"{indent}references ({len(row['references'])})"):
                    for ref in row["references"]:
                        target = f"{ref['target_law_name'] or ''} {ref['target_ref'] or ''}"
                        note = "" if ref["status"] == "resolved" else f" — {ref['reason']}"
                        st.text(f"{ref['text']} → {target.strip()}{note}")


# ---------------------------------------------------------------------------------------------
# Review queue
# ---------------------------------------------------------------------------------------------


def _multiselect(label: str, key: str, options, counts, names=None) -> frozenset:
    def fmt(value: str) -> str:
        shown = names.get(value, value) if names else value
        return f"{shown} ({counts.get(value, 0)})"

    return frozenset(st.sidebar.multiselect(label, list(options), format_func=fmt, key=key))


def review_queue() -> None:
    st.title("검토 대기열 · Review queue")
    reviewer = reviewer_name()
    entries, names = queue()
    if not entries:
        st.info("No findings yet: run `lawcheck check` (or `lawcheck run`) first.")
        return
    counts = facet_counts(entries)
    st.sidebar.subheader("Filters")
    flt = QueueFilter(
        statuses=frozenset(
            st.sidebar.multiselect(
                "상태 · Status",
                list(STATUSES),
                format_func=lambda s: f"{STATUS_LABELS[s]} ({counts['statuses'].get(s, 0)})",
                key="q_status",
            )
        ),
        severities=_multiselect(
            "심각도 · Severity", "q_severity", SEVERITIES, counts["severities"]
        ),
        rule_ids=_multiselect(
            "규칙 · Rule", "q_rule", sorted(counts["rule_ids"]), counts["rule_ids"]
        ),
        kinds=_multiselect("유형 · Kind", "q_kind", sorted(counts["kinds"]), counts["kinds"]),
        law_ids=_multiselect(
            "법령 · Law",
            "q_law",
            sorted(counts["law_ids"], key=lambda i: names.get(i, i)),
            counts["law_ids"],
            names,
        ),
    )
    shown = [e for e in entries if flt.accepts(e)]
    reviewed = sum(1 for e in entries if e.status != OPEN)
    metrics = st.columns(4)
    metrics[0].metric("Findings shown", f"{len(shown):,}", help=f"of {len(entries):,} in all")
    metrics[1].metric("Open", f"{counts['statuses'].get(OPEN, 0):,}")
    metrics[2].metric("Reviewed", f"{reviewed:,}")
    metrics[3].metric("Text changed since decision", f"{counts['statuses'].get(CHANGED, 0):,}")
    if not reviewer:
        st.warning("Enter your name in the sidebar (검토자) to record decisions.")
    flash = st.session_state.pop("review_flash", None)
    if flash:
        st.success(flash)
    if not shown:
        st.info("No finding matches these filters.")
        return

    page_size = st.sidebar.selectbox("Findings per page", (10, 25, 50), key="q_page_size")
    pages = max(1, -(-len(shown) // page_size))
    st.session_state.setdefault("q_page", 1)
    st.session_state["q_page"] = min(max(1, st.session_state["q_page"]), pages)
    nav = st.columns([2, 2, 2, 5], vertical_alignment="center")
    if nav[0].button("◀ Prev", shortcut="Alt+P", disabled=st.session_state["q_page"] <= 1):
        st.session_state["q_page"] -= 1
    if nav[1].button("Next ▶", shortcut="Alt+N", disabled=st.session_state["q_page"] >= pages):
        st.session_state["q_page"] += 1
    nav[2].number_input("Page", 1, pages, key="q_page", label_visibility="collapsed")
    on_page, page, pages = page_of(shown, st.session_state["q_page"], page_size)
    nav[3].caption(f"page {page} of {pages} · Alt+P / Alt+N to turn pages")
    with Session(engine()) as session:
        views = finding_views(session, [e.finding_id for e in on_page])
    for number, view in enumerate(views, start=(page - 1) * page_size + 1):
        render_finding(number, view, reviewer, names)


def render_finding(number: int, view, reviewer: str, names: dict[str, str]) -> None:
    finding = view.finding
    # Widget keys must be stable per finding and CSS-safe (ids hold Korean and colons).
    key = hashlib.sha1(finding.id.encode()).hexdigest()[:16]
    with st.container(border=True, key=f"finding-{key}"):
        changed = " " + status_badge(CHANGED) if view.text_changed else ""
        st.markdown(
            f"**{number}.** :{SEVERITY_COLOURS.get(finding.severity, 'gray')}-badge"
            f"[{finding.severity}] **{finding.rule_id}** · {md_escape(finding.kind)} · "
            f"{status_badge(view.status)}{changed} · score {finding.score:.2f}"
        )
        st.markdown("**" + md_escape(finding.message) + "**")
        columns = st.columns(min(len(view.clauses), 3) or 1)
        for index, clause_view in enumerate(view.clauses):
            with columns[index % len(columns)]:
                render_clause(clause_view)
        if finding.resolution_hint:
            st.info("해석 힌트 · Resolution hint: " + md_escape(finding.resolution_hint))
        with st.expander(f"결정 이력 · History ({len(view.history)})"):
            for entry in reversed(view.history):
                note = f" — {md_escape(entry['note'])}" if entry["note"] else ""
                st.markdown(
                    f"- {status_badge(entry['decision'])} by **{md_escape(entry['reviewer'])}**"
                    f" · {entry['created_at'][:19].replace('T', ' ')} UTC{note}"
                )
            if not view.history:
                st.caption("No decision yet.")
            st.caption(f"finding id: {finding.id} · checked {view.checked_at}")
        with st.form(key=f"decide-{key}", clear_on_submit=True, border=False):
            note = st.text_input(
                "메모 · Note", key=f"note-{key}", max_chars=2000, placeholder="why (optional)"
            )
            buttons = st.columns(len(DECISIONS))
            pressed = [
                decision
                for column, decision in zip(buttons, DECISIONS, strict=True)
                if column.form_submit_button(DECISION_BUTTONS[decision], disabled=not reviewer)
            ]
        if pressed:
            try:
                decide(engine(), finding.id, pressed[0], reviewer=reviewer, note=note)
            except StoreError as exc:
                st.error(exc.message)
                return
            st.session_state["review_flash"] = (
                f"Saved: {STATUS_LABELS[pressed[0]]} on #{number} {finding.rule_id} by {reviewer}"
            )
            st.rerun()


def render_clause(view) -> None:
    clause = view.clause
    role = f" · {md_escape(clause.role)}" if clause.role else ""
    st.markdown(f"**{md_escape(clause.law_name)}** {md_escape(clause.ref)}{role}")
    st.caption(" › ".join(view.position))
    spans = [{"start": s.start, "end": s.end} for s in clause.spans]
    st.markdown(highlight(clause.text, spans))
    if view.changed:
        st.warning("이 조문은 마지막 결정 이후 변경되었습니다 · text changed since the decision")
    links = [f"[law.go.kr ↗]({view.url})", f"[browse ↗]({browse_link(clause.law_id, clause.ref)})"]
    st.markdown(" · ".join(links))
    if view.references:
        with st.expander(f"인용 조문 · References ({len(view.references)})"):
            for ref in view.references:
                if ref["status"] == "resolved":
                    target = f"{ref['target_law_name'] or ''} {ref['target_ref'] or ''}".strip()
                    link = browse_link(ref["target_law_id"], ref["target_ref"] or "")
                    st.markdown(f"{md_escape(ref['text'])} → [{md_escape(target)}]({link})")
                else:
                    why = md_escape(ref["reason"] or ref["status"])
                    st.markdown(f"{md_escape(ref['text'])} → :orange[{why}]")


def browse_link(law_id: str, ref: str) -> str:
    return "/laws?" + urlencode({"law": law_id, "ref": ref})


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
    entries, names = queue()
    if balance.empty:
        st.info("No laws in the database yet: run `lawcheck run`.")
        return
    st.subheader("진흥 vs 규제 per law")
    chart = balance.set_index("law")[list(TAGS)]
    st.bar_chart(chart, color=["#2e8b57", "#c0392b", "#aaaaaa"], horizontal=True)
    st.subheader("Findings: laws × kinds")
    matrix = pd.DataFrame(law_finding_matrix(entries, names))
    if matrix.empty:
        st.caption("No findings yet: run `lawcheck check`.")
    else:
        kinds = [c for c in matrix.columns if c not in ("law_id", "law", "open", "reviewed")]
        st.bar_chart(matrix.set_index("law")[kinds], horizontal=True)
        left, right = st.columns(2)
        with left:
            st.caption("Open vs reviewed findings per law")
            st.bar_chart(
                matrix.set_index("law")[["open", "reviewed"]],
                color=["#999999", "#2e6fdb"],
                horizontal=True,
            )
        with right:
            statuses = pd.Series(
                {STATUS_LABELS[s]: facet_counts(entries)["statuses"].get(s, 0) for s in STATUSES}
            )
            st.caption("Review status of all findings")
            st.bar_chart(statuses, horizontal=True)
        st.dataframe(matrix, hide_index=True)
    st.subheader("Clause tags per law")
    st.dataframe(balance, hide_index=True)
    st.caption(f"Database: {redact_url(str(engine().url))}")


PAGES = [
    st.Page(review_queue, title="검토 대기열 Review queue", url_path="queue", default=True),
    st.Page(law_browser, title="법령 탐색 Law browser", url_path="laws"),
    st.Page(task_query, title="과업 검색 Task query", url_path="query"),
    st.Page(overview, title="정합성 개요 Overview", url_path="overview"),
]

# `streamlit run app.py` runs this file as __main__; tests import it to render one page.
if __name__ == "__main__":
    st.set_page_config(page_title="lawcheck", page_icon="⚖️", layout="wide")
    st.navigation(PAGES).run()
