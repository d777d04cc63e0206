"""What the review UI shows of a law: its clause tree with tags, and tag balances.

Input: the analysed database. Output: plain rows (dicts) that `app.py` renders; nothing here
knows about Streamlit, so the logic is tested without a browser.
"""

from __future__ import annotations

from collections import Counter
from urllib.parse import quote

from sqlmodel import Session, select

from lawcheck.errors import RefSyntaxError
from lawcheck.models import ClauseRef
from lawcheck.store import (
    LawVersion,
    ReferenceRow,
    blocks_of,
    clauses_of,
    list_versions,
    tags_of,
)

TAGS = ("promotion", "regulation", "neutral")
TAG_LABELS = {"promotion": "진흥", "regulation": "규제", "neutral": "중립", None: "—"}
_DEPTH = {
    "전문": 0,
    "조": 0,
    "부칙": 0,
    "별표": 0,
    "항": 1,
    "부칙조": 1,
    "호": 2,
    "목": 3,
    "세목": 4,
    "세세목": 5,
    "부기": 1,
    "UNPARSED": 1,
}


def law_choices(session: Session) -> list[tuple[str, int, str]]:
    """(label, version id, 법령ID) of the newest version of every law, by name."""
    return [
        (
            f"{v.name} ({v.kind}, 제{_number(v.promulgation_no)}호, 시행 {v.effective_date})",
            v.id,
            v.law_id,
        )
        for v in list_versions(session, latest_only=True)
    ]


def _number(value: str | None) -> str:
    return str(int(value)) if value and value.isdigit() else (value or "?")


def law_go_kr_url(name: str, ref: str | None = None) -> str:
    """A link to the law (and article) on law.go.kr, e.g. …/법령/개인정보보호법/제15조."""
    url = "https://www.law.go.kr/" + quote("법령") + "/" + quote(name.replace(" ", ""))
    if ref:
        try:
            parsed = ClauseRef.parse(ref)
        except RefSyntaxError:
            return url
        if parsed.article is not None and parsed.addendum is None:
            article = f"제{parsed.article}조" + (
                f"의{parsed.article_branch}" if parsed.article_branch else ""
            )
            url += "/" + quote(article)
    return url


def law_tree(session: Session, version_id: int) -> list[dict]:
    """Every clause of a version in order, with depth, position, tag and references."""
    version = session.get(LawVersion, version_id)
    if version is None:
        return []
    blocks = {b.id: b for b in blocks_of(session, version_id)}
    tags = tags_of(session, version_id)
    references: dict[int, list[ReferenceRow]] = {}
    for row in session.exec(select(ReferenceRow).where(ReferenceRow.version_id == version_id)):
        references.setdefault(row.clause_id, []).append(row)
    rows = []
    for clause in clauses_of(session, version_id):
        block = blocks[clause.block_id]
        pair = tags.get(clause.id)
        tag, cache = pair if pair else (None, None)
        rows.append(
            {
                "clause_id": clause.id,
                "law_id": version.law_id,
                "ref": clause.ref,
                "kind": clause.kind,
                "depth": _DEPTH.get(clause.kind, 1),
                "position": " > ".join(
                    [*block.division, block.ref] + ([clause.ref] if clause.ref != block.ref else [])
                ),
                "division": list(block.division),
                "text": clause.text,
                "tag": tag.tag if tag else None,
                "modality": tag.modality if tag else None,
                "duty_bearer": cache.duty_bearer if cache else "",
                "actor_type": cache.actor_type if cache else "",
                "rule": cache.rule if cache else "",
                # The decision spans a whole sentence; what made it is the words inside.
                "evidence": [
                    e
                    for e in (cache.evidence if cache else [])
                    if not e["label"].startswith("decision:")
                ],
                "reason": clause.reason,
                "references": [
                    {
                        "text": r.text,
                        "target_law_id": r.target_law_id,
                        "target_law_name": r.target_law_name,
                        "target_ref": r.target_ref,
                        "status": r.status,
                        "reason": r.reason,
                    }
                    for r in references.get(clause.id, [])
                ],
                "url": law_go_kr_url(version.name, clause.ref),
            }
        )
    return rows


def balance_by_division(rows: list[dict]) -> list[dict]:
    """Promotion / regulation / neutral clause counts per chapter (장) of a law tree."""
    counts: dict[str, Counter] = {}
    for row in rows:
        chapter = (
            next((d for d in row["division"] if "장" in d.split()[0]), None)
            if row["division"]
            else None
        )
        key = chapter or ("부칙" if row["kind"] in ("부칙", "부칙조") else "(장 없음)")
        counts.setdefault(key, Counter())[row["tag"]] += 1
    return [{"division": k, **{t: c.get(t, 0) for t in TAGS}} for k, c in counts.items()]


def balance_by_law(session: Session) -> list[dict]:
    """Promotion / regulation / neutral clause counts of the newest version of every law."""
    from lawcheck.store import tag_balance

    out = []
    for version in list_versions(session, latest_only=True):
        counts = tag_balance(session, version.id)
        out.append(
            {
                "law_id": version.law_id,
                "law": version.name,
                "kind": version.kind,
                **{t: counts.get(t, 0) for t in TAGS},
            }
        )
    return out


_MARKDOWN_SPECIAL = set("\\`*_{}[]()#+-.!|<>~$:&")


def md_escape(text: str) -> str:
    """Law text as literal Markdown: every character Streamlit would interpret is escaped
    (including $ for formulas and : for colour directives), so text is never markup."""
    return "".join("\\" + ch if ch in _MARKDOWN_SPECIAL else ch for ch in text).replace(
        "\n", "  \n"
    )


def highlight(text: str, spans: list[dict], colour: str = "orange") -> str:
    """Markdown of `text` with the given [start, end) spans on a coloured background."""
    cuts = sorted(
        {(max(0, s["start"]), min(len(text), s["end"])) for s in spans if s["end"] > s["start"]}
    )
    out, position = [], 0
    for start, end in cuts:
        if start < position:
            continue  # overlapping spans: the first one wins
        out.append(md_escape(text[position:start]))
        out.append(f":{colour}-background[{md_escape(text[start:end])}]")
        position = end
    out.append(md_escape(text[position:]))
    return "".join(out)
