"""Sanction links: which clauses a penalty, fine or corrective-order clause enforces.

Input: a split law, its resolved references, and the modality of each clause. Output:
`SanctionLink`s from 벌칙/과태료/과징금 clauses ("제31조제1항을 위반하여 …한 자") and corrective-
order clauses ("이 법을 위반한 사실이 있다고 인정되면 … 시정을 명할 수 있다") to the clauses
they enforce. A link is made only where the text says so: a citation followed by 위반 (or
"…에 따른 명령을 이행하지 아니한"), never by proximity alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from lawcheck.models import LawText, Reference, UnitKind

_PENALTY_RE = re.compile(r"징역|벌금|금고|구류|과료")
_FINE_RE = re.compile(r"과태료|과징금|이행강제금")
_CORRECTIVE_RE = re.compile(r"(시정|중지|정지|개선|조치)[^.]{0,40}(명[하할한]|명령|요구)")
# What must follow a citation for it to name the enforced rule.
_ENFORCES_RE = re.compile(
    r"^\s*(?:의\s*규정|에\s*따른\s*[^,.]{0,40}?(?:의무|명령|조치|시정명령|중지명령|처분))?\s*"
    r"(?:을|를|에)?\s*(?:위반|이행하지|따르지|준수하지|거부|방해|기피)"
)
_THIS_LAW_RE = re.compile(
    r"이\s*(?:법|영|규칙)(?:\s*또는\s*이\s*(?:법|영|규칙)에\s*따른\s*명령)?\s*(?:을|를)\s*위반"
)


@dataclass(frozen=True)
class SanctionLink:
    """A sanction clause and one clause (or the whole law) it enforces."""

    from_ref: str
    kind: str  # penalty | fine | corrective
    target_law_id: str | None
    target_ref: str | None  # None: the whole law
    status: str
    text: str  # the words that make the link


def sanction_kind(text: str) -> str | None:
    """penalty / fine / corrective, from the words of a clause (or its lead-in)."""
    if _PENALTY_RE.search(text):
        return "penalty"
    if _FINE_RE.search(text):
        return "fine"
    if _CORRECTIVE_RE.search(text):
        return "corrective"
    return None


def sanction_links(
    law: LawText,
    references: Mapping[str, list[Reference]],
    modality: Mapping[str, str],
) -> list[SanctionLink]:
    """Links from the law's sanction and corrective-order clauses to what they enforce.

    Args:
        law: the split law.
        references: its references keyed by clause ref (`refs.references_of`).
        modality: effective modality per clause ref (items inherit their lead's).
    """
    links: list[SanctionLink] = []
    lead_text: dict[str, str] = {}
    for clause in law.clauses():
        if clause.kind in (UnitKind.UNPARSED, UnitKind.NOTE):
            continue
        key = str(clause.ref)
        context = clause.text
        if clause.parent is not None:
            context = lead_text.get(str(clause.parent), "") + "\n" + clause.text
        lead_text[key] = context
        kind = sanction_kind(context) if modality.get(key) == "sanction" else None
        if kind is None and _CORRECTIVE_RE.search(clause.text):
            kind = "corrective"
        if kind is None:
            continue
        for ref in references.get(key, []):
            after = clause.text[ref.end : ref.end + 60]
            if _ENFORCES_RE.match(after):
                links.append(
                    SanctionLink(
                        key,
                        kind,
                        ref.target_law_id,
                        ref.target_ref,
                        ref.status.value,
                        clause.text[ref.start : ref.end + 12],
                    )
                )
        whole = _THIS_LAW_RE.search(clause.text)
        if whole and kind == "corrective":
            links.append(SanctionLink(key, kind, law.meta.law_id, None, "resolved", whole.group(0)))
    return links
