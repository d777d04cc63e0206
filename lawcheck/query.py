""" "Which laws touch this task?" — rank clauses across all laws for a free-text Korean query.

Input: a query ("채용 면접에 AI 도입") and the analysed database. Output: clauses ranked by how
many of the query's concepts they mention (rarer concepts weigh more), each with its law, ref,
text, tag, modality, duty-bearer and the words that matched. Query words are Kiwi nouns and
Latin words, expanded with the synonym groups in corpus/dict/synonyms.yaml and with the laws'
own defined terms (rapidfuzz, scorer WRatio, cutoff 88); clause text is matched exactly on the
expanded words, so every hit can be shown to the user.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from rapidfuzz import fuzz, process
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from lawcheck.errors import LawcheckError
from lawcheck.store import (
    ClauseRow,
    ClauseTagRow,
    DefinitionRow,
    LawVersion,
    TagCacheRow,
    list_versions,
)

SYNONYMS = Path(__file__).resolve().parent.parent / "corpus" / "dict" / "synonyms.yaml"
MAX_QUERY_CHARS = 200
FUZZY_SCORER = fuzz.WRatio
FUZZY_CUTOFF = 88  # below this a defined term is not taken for a query word
_STOP = {"것", "등", "및", "경우", "관련", "위", "수", "때", "중", "내", "법", "사항"}


@dataclass(frozen=True)
class Concept:
    """One idea of the query and the words that express it in the laws."""

    word: str  # as the user wrote it
    terms: tuple[str, ...]  # words searched in clause texts
    weight: float = 1.0  # a free noun ("도입") says less about the task than a known concept


@dataclass
class Hit:
    """A clause that mentions some of the query's concepts."""

    score: float
    law_id: str
    law_name: str
    law_kind: str
    ref: str
    text: str
    tag: str | None
    modality: str | None
    duty_bearer: str
    matched: dict[str, list[str]] = field(default_factory=dict)  # query word -> words found

    def as_dict(self) -> dict:
        return dict(vars(self))


@lru_cache(maxsize=2)
def load_synonyms(path: Path = SYNONYMS) -> tuple[tuple[str, ...], ...]:
    """Synonym groups from the data file; a malformed file is an error naming it."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise LawcheckError(f"{path}: cannot read synonyms ({exc})") from exc
    groups = data.get("groups") if isinstance(data, dict) else None
    if not isinstance(groups, list) or not all(
        isinstance(g, list) and g and all(isinstance(w, str) and w for w in g) for g in groups
    ):
        raise LawcheckError(f"{path}: 'groups' must be a list of non-empty word lists")
    return tuple(tuple(g) for g in groups)


def concepts_of(text: str, defined_terms: Iterable[str] = ()) -> list[Concept]:
    """The query's concepts: synonym groups named in it (longest words first, so "얼굴인식"
    is one concept, not 얼굴 + 인식), then its remaining nouns and Latin words, each widened
    with the laws' defined terms that are close to it."""
    from lawcheck.analyse import get_pipeline

    compact = re.sub(r"\s+", "", text).lower()
    covered = [False] * len(compact)
    concepts: list[Concept] = []
    members = sorted(
        ((re.sub(r"\s+", "", m).lower(), group) for group in load_synonyms() for m in group),
        key=lambda pair: -len(pair[0]),
    )
    for member, group in members:
        start = compact.find(member)
        while start >= 0:
            if not any(covered[start : start + len(member)]):
                for i in range(start, start + len(member)):
                    covered[i] = True
                if not any(c.terms == group for c in concepts):
                    concepts.append(Concept(member, group))
            start = compact.find(member, start + 1)
    doc = get_pipeline()(text)
    terms_list = list(dict.fromkeys(defined_terms))
    position = 0
    for form, tag, _start, _length in doc.user_data.get("kiwi", []):
        if not tag.startswith(("NNG", "NNP", "SL", "XR")) or form in _STOP:
            continue
        at = compact.find(form.lower(), position)
        if at >= 0:
            position = at + len(form)
            if all(covered[at : at + len(form)]):
                continue  # already part of a synonym group
        terms = {form}
        for match, _score, _ in process.extract(
            form, terms_list, scorer=FUZZY_SCORER, score_cutoff=FUZZY_CUTOFF, limit=5
        ):
            if len(match) >= len(form):  # "AI" must not pull in every two-letter term
                terms.add(match)
        concepts.append(Concept(form, tuple(sorted(terms, key=len, reverse=True)), 0.5))
    return concepts


def search(engine: Engine, text: str, *, limit: int = 50) -> tuple[list[Concept], list[Hit]]:
    """Rank clauses of the newest version of every law for a free-text query.

    Raises:
        LawcheckError: the query is empty or longer than MAX_QUERY_CHARS characters.
    """
    text = text.strip()
    if not text:
        raise LawcheckError('empty query: describe the task, e.g. "채용 면접에 AI 도입"')
    if len(text) > MAX_QUERY_CHARS:
        raise LawcheckError(
            f"query of {len(text)} characters is longer than {MAX_QUERY_CHARS}; describe the "
            "task in a sentence"
        )
    with Session(engine) as session:
        versions = {v.id: v for v in list_versions(session, latest_only=True)}
        terms = session.exec(
            select(DefinitionRow.term).where(DefinitionRow.version_id.in_(list(versions)))
        ).all()
        concepts = concepts_of(text, terms)
        if not concepts:
            return concepts, []
        rows = session.exec(
            select(ClauseRow, ClauseTagRow, TagCacheRow)
            .join(ClauseTagRow, ClauseTagRow.clause_id == ClauseRow.id, isouter=True)
            .join(TagCacheRow, TagCacheRow.id == ClauseTagRow.cache_id, isouter=True)
            .where(ClauseRow.version_id.in_(list(versions)))
        ).all()
    patterns = {c.word: re.compile("|".join(re.escape(t) for t in c.terms)) for c in concepts}
    found: list[tuple[ClauseRow, ClauseTagRow | None, TagCacheRow | None, dict, set]] = []
    document_frequency = dict.fromkeys(patterns, 0)
    own_matches: dict[tuple[int, str], dict[str, list[str]]] = {}
    for clause, _tag, _cache in rows:
        matched = {}
        for word, pattern in patterns.items():
            words = sorted(set(pattern.findall(clause.text)))
            if words:
                matched[word] = words
                document_frequency[word] += 1
        own_matches[(clause.version_id, clause.ref)] = matched
    parents = {(c.version_id, c.ref): c.parent_ref for c, _, _ in rows}
    for clause, tag, cache in rows:
        if clause.kind in ("UNPARSED", "부기"):
            continue
        matched = dict(own_matches[(clause.version_id, clause.ref)])
        inherited: set[str] = set()
        # An item counts what its lead-in says: "사. 채용, 대출 심사 등 …" is about the
        # 고영향 인공지능 its 호 defines.
        parent = clause.parent_ref
        while parent is not None:
            for word, words in own_matches.get((clause.version_id, parent), {}).items():
                if word not in matched:
                    matched[word] = words
                    inherited.add(word)
            parent = parents.get((clause.version_id, parent))
        if len(inherited) < len(matched):
            found.append((clause, tag, cache, matched, inherited))
    total = max(len(rows), 1)
    idf = {w: math.log(1 + total / (1 + df)) for w, df in document_frequency.items()}
    weight = {c.word: c.weight for c in concepts}
    hits: list[Hit] = []
    for clause, tag, cache, matched, inherited in found:
        version: LawVersion = versions[clause.version_id]
        score = sum(idf[w] * weight[w] * (0.5 if w in inherited else 1.0) for w in matched)
        if tag is not None and tag.tag in ("regulation", "promotion"):
            score *= 1.2  # a duty or a support measure answers "what applies" better
        hits.append(
            Hit(
                score=round(score, 3),
                law_id=version.law_id,
                law_name=version.name,
                law_kind=version.kind,
                ref=clause.ref,
                text=clause.text,
                tag=tag.tag if tag else None,
                modality=tag.modality if tag else None,
                duty_bearer=cache.duty_bearer if cache else "",
                matched=matched,
            )
        )
    hits.sort(key=lambda h: (-h.score, h.law_name, h.ref))
    return concepts, hits[:limit]
