"""The review queue: stored findings with their review status, filtered and paged, and the
details a reviewer needs to decide one (both clauses in place, the spans that fired, the
references, the decision history).

Input: the checked database (`FindingRow`, `DecisionRow`, clauses). Output: plain data that
`app.py` renders; nothing here knows about Streamlit, so the logic is tested without a browser.

The queue is built in two steps so that 10,000 findings stay fast: `queue_index` reads only
the small columns of every finding and the latest decision of each, which is all that filters
and counts need; `finding_views` then reads the full rows of the one page on screen.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlmodel import Session, select

from lawcheck.browse import law_go_kr_url
from lawcheck.models import Finding, FindingClause
from lawcheck.store import (
    DECISIONS,
    BlockRow,
    ClauseRow,
    DecisionRow,
    FindingRow,
    LawVersion,
    ReferenceRow,
    finding_from_row,
    list_versions,
    record_decision,
    session_scope,
)

OPEN = "open"
CHANGED = "changed"
# Review status of a finding: its latest decision, or open; "changed" is a separate flag (a
# clause's text changed since the latest decision) that the status filter can also select.
STATUSES = (OPEN, *DECISIONS, CHANGED)
STATUS_LABELS = {
    OPEN: "미검토 open",
    "confirmed": "확인 confirmed",
    "dismissed": "기각 dismissed",
    "needs_discussion": "논의 필요 needs discussion",
    CHANGED: "조문 변경됨 text changed since decision",
}
SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class QueueEntry:
    """What filtering and counting need of one finding."""

    finding_id: str
    rule_id: str
    kind: str
    severity: str
    score: float
    law_ids: tuple[str, ...]
    status: str  # open or the latest decision
    text_changed: bool  # a clause changed since the latest decision


@dataclass(frozen=True)
class QueueFilter:
    """Empty sets select everything."""

    rule_ids: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()
    severities: frozenset[str] = frozenset()
    law_ids: frozenset[str] = frozenset()
    statuses: frozenset[str] = frozenset()

    def accepts(self, entry: QueueEntry) -> bool:
        if self.rule_ids and entry.rule_id not in self.rule_ids:
            return False
        if self.kinds and entry.kind not in self.kinds:
            return False
        if self.severities and entry.severity not in self.severities:
            return False
        if self.law_ids and not self.law_ids.intersection(entry.law_ids):
            return False
        if self.statuses:
            wanted = entry.status in self.statuses or (
                CHANGED in self.statuses and entry.text_changed
            )
            if not wanted:
                return False
        return True


@dataclass(frozen=True)
class ClauseView:
    """One side of a finding, placed in its law."""

    clause: FindingClause
    position: tuple[str, ...]  # 장 > 절 > 조(제목) > 항 > 호
    url: str  # law.go.kr
    references: tuple[dict, ...]  # what this clause cites, resolved or with the reason
    changed: bool  # text differs from the one the latest decision saw


@dataclass(frozen=True)
class FindingView:
    finding: Finding
    clauses: tuple[ClauseView, ...]
    history: tuple[dict, ...]  # every decision, oldest first
    status: str
    text_changed: bool
    checked_at: str = ""
    details: dict = field(default_factory=dict)


def _latest_decisions(session: Session) -> dict[str, tuple[str, dict]]:
    """finding id → (decision, clause hashes) of its latest decision."""
    latest: dict[str, tuple[str, dict]] = {}
    query = select(DecisionRow.finding_id, DecisionRow.decision, DecisionRow.clause_hashes)
    for finding_id, decision, hashes in session.exec(
        query.order_by(DecisionRow.created_at, DecisionRow.id)
    ):
        latest[finding_id] = (decision, hashes or {})
    return latest


def _changed(current: dict, decided: dict) -> bool:
    return any(decided.get(key) != digest for key, digest in current.items())


def queue_stamp(session: Session) -> tuple:
    """Changes whenever findings or decisions change: a cache key for `queue_index`."""
    from sqlalchemy import func

    # Re-checking replaces rows (ids may be reused): the scores and check time tell.
    findings = session.exec(
        select(
            func.count(FindingRow.id),
            func.max(FindingRow.id),
            func.max(FindingRow.checked_at),
            func.sum(FindingRow.score),
        )
    ).one()
    decisions = session.exec(select(func.count(DecisionRow.id), func.max(DecisionRow.id))).one()
    return (*findings, *decisions)


def queue_index(session: Session) -> list[QueueEntry]:
    """Every stored finding, best first, with its review status."""
    latest = _latest_decisions(session)
    entries = []
    query = select(
        FindingRow.finding_id,
        FindingRow.rule_id,
        FindingRow.kind,
        FindingRow.severity,
        FindingRow.score,
        FindingRow.law_ids,
        FindingRow.clause_hashes,
    ).order_by(FindingRow.score.desc(), FindingRow.finding_id)
    for finding_id, rule_id, kind, severity, score, law_ids, hashes in session.exec(query):
        decision = latest.get(finding_id)
        entries.append(
            QueueEntry(
                finding_id=finding_id,
                rule_id=rule_id,
                kind=kind,
                severity=severity,
                score=score,
                law_ids=tuple(law_ids or ()),
                status=decision[0] if decision else OPEN,
                text_changed=bool(decision) and _changed(hashes or {}, decision[1]),
            )
        )
    return entries


def facet_counts(entries: list[QueueEntry]) -> dict[str, Counter]:
    """How many findings each filter value selects (before filtering)."""
    counts: dict[str, Counter] = {
        "rule_ids": Counter(),
        "kinds": Counter(),
        "severities": Counter(),
        "law_ids": Counter(),
        "statuses": Counter(),
    }
    for entry in entries:
        counts["rule_ids"][entry.rule_id] += 1
        counts["kinds"][entry.kind] += 1
        counts["severities"][entry.severity] += 1
        counts["law_ids"].update(set(entry.law_ids))
        counts["statuses"][entry.status] += 1
        if entry.text_changed:
            counts["statuses"][CHANGED] += 1
    return counts


def law_names(session: Session) -> dict[str, str]:
    """법령ID → name of its newest version."""
    return {v.law_id: v.name for v in list_versions(session, latest_only=True)}


def page_of(entries: list, page: int, page_size: int) -> tuple[list, int, int]:
    """The entries of a 1-based page, the page actually shown (clamped) and the page count."""
    pages = max(1, -(-len(entries) // page_size))
    page = min(max(1, page), pages)
    return entries[(page - 1) * page_size : page * page_size], page, pages


def _version_of(session: Session, clause: FindingClause) -> LawVersion | None:
    query = select(LawVersion).where(LawVersion.law_id == clause.law_id)
    if clause.version:
        exact = session.exec(query.where(LawVersion.promulgation_no == clause.version)).first()
        if exact is not None:
            return exact
    versions = [v for v in list_versions(session) if v.law_id == clause.law_id]
    return versions[-1] if versions else None


def _place(session: Session, clause: FindingClause) -> tuple[tuple[str, ...], tuple[dict, ...]]:
    """Where a clause sits (장 > 절 > 조 > 항 > 호 …) and what it cites."""
    version = _version_of(session, clause)
    if version is None:
        return (clause.ref,), ()
    row = session.exec(
        select(ClauseRow).where(ClauseRow.version_id == version.id, ClauseRow.ref == clause.ref)
    ).first()
    if row is None:
        return (clause.ref,), ()
    block = session.get(BlockRow, row.block_id)
    by_ref = {
        r.ref: r for r in session.exec(select(ClauseRow).where(ClauseRow.block_id == row.block_id))
    }
    chain, current = [], row
    while current is not None and current.ref != block.ref:
        chain.append(_unit_label(current))
        current = by_ref.get(current.parent_ref) if current.parent_ref else None
    head = block.ref + (f"({block.title})" if block.title else "")
    position = (*block.division, head, *reversed(chain))
    references = tuple(
        {
            "text": r.text,
            "status": r.status,
            "reason": r.reason,
            "target_law_id": r.target_law_id,
            "target_law_name": r.target_law_name,
            "target_ref": r.target_ref,
            "url": law_go_kr_url(r.target_law_name, r.target_ref) if r.target_law_name else None,
        }
        for r in session.exec(
            select(ReferenceRow)
            .where(ReferenceRow.clause_id == row.id)
            .order_by(ReferenceRow.start)
        )
    )
    return position, references


def _unit_label(row: ClauseRow) -> str:
    """The last level of a unit's reference: 제7조제1항제2호 under 제7조제1항 → 제2호."""
    parent = row.parent_ref or ""
    return row.ref[len(parent) :].strip() if parent and row.ref.startswith(parent) else row.ref


def finding_views(session: Session, finding_ids: list[str]) -> list[FindingView]:
    """Full details of the given findings, in the given order (unknown ids are skipped)."""
    if not finding_ids:
        return []
    rows = {
        r.finding_id: r
        for r in session.exec(select(FindingRow).where(FindingRow.finding_id.in_(finding_ids)))
    }
    history: dict[str, list[DecisionRow]] = {}
    for decision in session.exec(
        select(DecisionRow)
        .where(DecisionRow.finding_id.in_(finding_ids))
        .order_by(DecisionRow.created_at, DecisionRow.id)
    ):
        history.setdefault(decision.finding_id, []).append(decision)
    views = []
    for finding_id in finding_ids:
        row = rows.get(finding_id)
        if row is None:
            continue
        finding = finding_from_row(row)
        decisions = history.get(finding_id, [])
        decided_hashes = decisions[-1].clause_hashes if decisions else {}
        clauses = []
        for clause in finding.clauses:
            position, references = _place(session, clause)
            clauses.append(
                ClauseView(
                    clause=clause,
                    position=position,
                    url=law_go_kr_url(clause.law_name, clause.ref),
                    references=references,
                    changed=bool(decisions)
                    and decided_hashes.get(clause.key) != clause.content_hash,
                )
            )
        views.append(
            FindingView(
                finding=finding,
                clauses=tuple(clauses),
                history=tuple(
                    {
                        "decision": d.decision,
                        "note": d.note,
                        "reviewer": d.reviewer,
                        "created_at": d.created_at,
                    }
                    for d in decisions
                ),
                status=decisions[-1].decision if decisions else OPEN,
                text_changed=any(c.changed for c in clauses),
                checked_at=row.checked_at,
                details=dict(row.details or {}),
            )
        )
    return views


def decide(engine, finding_id: str, decision: str, *, reviewer: str, note: str = "") -> None:
    """Record a reviewer's decision at once, in its own transaction (raises StoreError on a
    missing reviewer, an unknown decision or an unknown finding)."""
    with session_scope(engine) as session:
        record_decision(session, finding_id, decision, reviewer=reviewer, note=note)


def findings_by_clause(session: Session, law_id: str) -> dict[str, list[dict]]:
    """A law's findings per clause reference, for the law browser."""
    latest = _latest_decisions(session)
    out: dict[str, list[dict]] = {}
    query = select(
        FindingRow.finding_id,
        FindingRow.rule_id,
        FindingRow.message,
        FindingRow.clause_keys,
        FindingRow.law_ids,
    ).order_by(FindingRow.score.desc(), FindingRow.finding_id)
    for finding_id, rule_id, message, keys, law_ids in session.exec(query):
        if law_id not in (law_ids or ()):
            continue
        decision = latest.get(finding_id)
        item = {
            "finding_id": finding_id,
            "rule_id": rule_id,
            "message": message,
            "status": decision[0] if decision else OPEN,
        }
        for key in keys or ():
            owner, _, ref = key.partition(":")
            if owner == law_id:
                out.setdefault(ref, []).append(item)
    return out


def law_finding_matrix(entries: list[QueueEntry], names: dict[str, str]) -> list[dict]:
    """Laws × finding kinds: how many findings of each kind involve each law, with how many
    are still open, for the coherence overview."""
    rows: dict[str, Counter] = {}
    for entry in entries:
        for law_id in set(entry.law_ids):
            counts = rows.setdefault(law_id, Counter())
            counts[entry.kind] += 1
            counts["(open)" if entry.status == OPEN else "(reviewed)"] += 1
    kinds = sorted({e.kind for e in entries})
    return [
        {
            "law_id": law_id,
            "law": names.get(law_id, law_id),
            **{kind: counts.get(kind, 0) for kind in kinds},
            "open": counts.get("(open)", 0),
            "reviewed": counts.get("(reviewed)", 0),
        }
        for law_id, counts in sorted(rows.items(), key=lambda kv: -sum(kv[1].values()))
    ]
