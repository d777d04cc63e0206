"""The rule engine: analysed laws in the database + rules from rules/ -> ranked `Finding`s.

Input: a database filled by `pipeline.import_paths` and `pipeline.analyse_database` (clauses,
tags, references, definitions, sanction links) and `Rule`s from `lawcheck.ruleset`. Output:
`Finding`s (models.py) with the clauses on each side, the spans that made the rule fire, a
resolution hint where the law itself answers the conflict (lex specialis, superior,
posterior) and a rank score; `run_check` also reads review decisions so that each finding
says whether a clause changed since it was decided.

Each rule kind is one function registered in `KIND_FUNCTIONS`; its parameters come from the
rule file. Cross-law kinds find candidate pairs through indexes (references, terms, duty
kinds, actors), never by comparing all pairs of clauses. Fuzzy matching states its scorer
and cut-off (rapidfuzz) and normalises strings first.
"""

from __future__ import annotations

import logging
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import fuzz
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from lawcheck.errors import RuleFileError
from lawcheck.models import (
    ClauseRef,
    Finding,
    FindingClause,
    LawLevel,
    Span,
    finding_id,
)
from lawcheck.ruleset import (
    DATA_DIR,
    KINDS,
    Example,
    Rule,
    RuleSet,
    default_rules,
    explain_rule,
    list_rules,
    load_data,
)
from lawcheck.store import (
    BlockRow,
    ClauseRow,
    ClauseTagRow,
    DefinitionRow,
    FindingRow,
    LawVersion,
    ReferenceRow,
    SanctionLinkRow,
    TagCacheRow,
    list_versions,
    save_findings,
    session_scope,
    with_decisions,
)

log = logging.getLogger(__name__)

__all__ = [
    "CheckReport",
    "Corpus",
    "VersionComparison",
    "compare_versions",
    "explain_rule",
    "finding_to_dict",
    "format_finding_text",
    "format_report_text",
    "list_rules",
    "run_check",
    "run_example",
    "run_rules",
]

SEVERITY_ORDER = {"info": 0, "warning": 1, "error": 2}
SEVERITY_WEIGHT = {"info": 1.0, "warning": 2.0, "error": 3.0}
ITEM_KINDS = frozenset({"호", "목", "세목", "세세목"})
SKIP_KINDS = frozenset({"UNPARSED", "부기", "부칙", "별표"})
_ISO = "%Y-%m-%d"
MIN_CORPUS_SIZE = 10_000  # clauses; the smallest corpus size IDF weights assume


# ---------------------------------------------------------------------------------------------
# Text helpers
# ---------------------------------------------------------------------------------------------

_NOTE_RE = re.compile(
    r"<[^<>\n]{0,80}\d{4}\.\s*\d{1,2}\.\s*\d{1,2}\.?[^<>\n]{0,80}>|\[[^\[\]\n]{0,80}\]"
)
_SPACE_RE = re.compile(r"\s+")
_DOTS = str.maketrans({"·": "ㆍ", "・": "ㆍ", "‧": "ㆍ", "∙": "ㆍ", "•": "ㆍ"})


def mask_notes(text: str) -> str:
    """The text with amendment notes (<개정 …>, [본조신설 …]) blanked out, offsets kept."""
    return _NOTE_RE.sub(lambda m: " " * len(m.group(0)), text)


def compact(text: str) -> str:
    """NFC, one middle dot, no white space: for comparing names and terms."""
    return _SPACE_RE.sub("", unicodedata.normalize("NFC", text).translate(_DOTS))


def _is_addendum(ref: str) -> bool:
    return ref.startswith("부칙")


def _is_annex(ref: str) -> bool:
    return ref.startswith(("별표", "서식"))


@lru_cache(maxsize=200_000)  # a corpus's references repeat the same targets many times
def _strip_part(ref: str) -> str:
    for part in (" 각 호 외의 부분", " 본문", " 단서", " 전단", " 후단"):
        if ref.endswith(part):
            return ref[: -len(part)]
    return ref


@lru_cache(maxsize=200_000)
def _parse_ref(ref: str) -> ClauseRef | None:
    try:
        return ClauseRef.parse(ref)
    except ValueError:
        return None


def ref_contains(outer: str, inner: str) -> bool:
    """True if clause `inner` is `outer` or lies inside it (parts ignored)."""
    a, b = _parse_ref(_strip_part(outer)), _parse_ref(_strip_part(inner))
    return a is not None and b is not None and a.contains(b)


def _sort_key(ref: str) -> tuple:
    parsed = _parse_ref(_strip_part(ref))
    return (parsed._path() if parsed else (), ref)  # noqa: SLF001 - ordering only


# ---------------------------------------------------------------------------------------------
# Terms: the words of a clause, for subject-matter overlap
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TermConfig:
    particles: tuple[str, ...]
    stopwords: frozenset[str]
    focus: tuple[str, ...]


@lru_cache(maxsize=4)
def load_terms(path: Path = DATA_DIR / "terms.yaml") -> TermConfig:
    """rules/data/terms.yaml: particles, stop words and focus words of the term index.

    Raises:
        RuleFileError: the file is missing or a list is malformed.
    """
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RuleFileError(path, None, f"cannot read the term file ({exc})") from exc
    out = {}
    for key in ("particles", "stopwords", "focus"):
        values = data.get(key) if isinstance(data, dict) else None
        if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
            raise RuleFileError(path, key, "must be a non-empty list of words")
        out[key] = values
    return TermConfig(
        tuple(sorted(out["particles"], key=len, reverse=True)),
        frozenset(out["stopwords"]),
        tuple(out["focus"]),
    )


@dataclass(frozen=True)
class Term:
    """A content word (or compound) of a clause and where it is in the clause's text."""

    term: str
    start: int
    end: int


_NOUN_TAGS = frozenset({"NNG", "NNP", "SL", "SH", "XR"})
_TERM_CACHE: dict[str, list[Term]] = {}  # content hash -> terms, shared by every Corpus


def noun_terms(tokens, config: TermConfig) -> list[Term]:
    """Content words from Kiwi tokens: nouns of two or more characters, compounds of nouns
    written together ("개인정보처리자") and pairs written apart ("고영향 인공지능")."""
    out: list[Term] = []
    run: list = []  # consecutive noun tokens (touching or one space apart)

    def flush() -> None:
        if len(run) >= 2:
            for i in range(len(run) - 1):
                a, b = run[i], run[i + 1]
                word = a.form + b.form
                if word not in config.stopwords:
                    out.append(Term(word, a.start, b.start + b.len))
            if len(run) >= 3:
                whole = "".join(t.form for t in run)
                out.append(Term(whole, run[0].start, run[-1].start + run[-1].len))
        run.clear()

    previous_end = None
    for token in tokens:
        tag = token.tag.split("-")[0]
        if tag in _NOUN_TAGS:
            if run and previous_end is not None and token.start - previous_end > 1:
                flush()
            if len(token.form) >= 2 and token.form not in config.stopwords:
                out.append(Term(token.form, token.start, token.start + token.len))
                run.append(token)
            else:
                flush()
            previous_end = token.start + token.len
        elif tag == "XSN" and run:
            previous_end = token.start + token.len  # 등, 자 attached to a noun
        else:
            flush()
            previous_end = None
    flush()
    return out


@lru_cache(maxsize=2)
def load_concepts(path: Path = DATA_DIR / "concepts.yaml") -> tuple[tuple[str, re.Pattern], ...]:
    """rules/data/concepts.yaml: concept id -> one regex of its cue words."""
    data = load_data(path)
    return tuple(
        (f"@{key}", re.compile("|".join(f"(?:{c})" for c in entry["cues"])))
        for key, entry in data["kinds"].items()
    )


def concept_terms(text: str) -> list[Term]:
    """The thesaurus concepts a text mentions, as terms "@id" at their first mention."""
    out = []
    for concept, pattern in load_concepts():
        m = pattern.search(text)
        if m:
            out.append(Term(concept, m.start(), m.end()))
    return out


def kiwi_terms(texts: list[str], config: TermConfig) -> list[list[Term]]:
    """Content words of many texts, tokenised in one Kiwi batch (the analysis pipeline's),
    plus the thesaurus concepts they mention."""
    from lawcheck.analyse import get_pipeline

    kiwi = get_pipeline().tokenizer.kiwi
    masked = [mask_notes(t) for t in texts]
    return [
        noun_terms(tokens, config) + concept_terms(text)
        for text, tokens in zip(masked, kiwi.tokenize(masked), strict=True)
    ]


# ---------------------------------------------------------------------------------------------
# The corpus as the checks see it
# ---------------------------------------------------------------------------------------------


@dataclass(slots=True, eq=False)
class LawInfo:
    """One law version taking part in a check."""

    version_id: int
    law_id: str
    name: str
    kind: str
    level: LawLevel
    ministry: str | None
    abbreviation: str | None
    promulgation_no: str | None
    promulgation_date: str | None
    effective_date: str | None
    article_effective_dates: str | None
    family: str = ""  # 법령ID of the statute this law belongs to (itself for a statute)
    parents: tuple[str, ...] = ()  # 법령IDs of the statute (and decree) a lower norm executes


@dataclass(slots=True)
class CClause:
    """A clause with its effective tag (items inherit their lead's)."""

    id: int
    version_id: int
    law_id: str
    ref: str
    kind: str
    text: str
    parent_ref: str | None
    content_hash: str
    block_id: int
    position: int
    tag: str = "unknown"
    modality: str = "none"
    inherited_from: str | None = None
    actor_type: str = "none"
    duty_bearer: str = ""
    regulated_party: str = ""

    @property
    def key(self) -> str:
        return f"{self.law_id}:{self.ref}"


@dataclass(slots=True)
class CBlock:
    version_id: int
    ref: str
    kind: str
    title: str | None
    deleted: bool
    effective_date: str | None
    notes: list
    # Of the block's text only what the rules read is kept (its clauses hold the rest; the
    # whole would cost ~0.2 GB at national scale): a 부칙's text, for its 시행일 provisions,
    # and the last 200 characters of every block, where a [본조신설 …] note stands.
    addendum_text: str | None
    tail: str
    division: list


@dataclass(slots=True)
class CRef:
    clause: CClause  # the citing clause; the cited text is a span of it (not a copy: memory)
    law_id: str
    from_ref: str
    start: int
    end: int
    kind: str
    target_law_id: str | None
    target_law_name: str | None
    target_ref: str | None
    status: str
    reason: str | None

    @property
    def clause_id(self) -> int:
        return self.clause.id

    @property
    def text(self) -> str:
        return self.clause.text[self.start : self.end]


@dataclass(slots=True)
class CDef:
    law_id: str
    clause_ref: str
    term: str
    body: str
    start: int
    end: int
    scope: str
    kind: str
    refers_to_law_id: str | None
    refers_to_ref: str | None


@dataclass(slots=True)
class CSanction:
    clause_id: int
    law_id: str
    from_ref: str
    kind: str
    target_law_id: str | None
    target_ref: str | None
    status: str
    text: str


class Corpus:
    """What the rules read: the chosen version of every law, loaded once, with indexes.

    Args:
        engine: the database.
        versions: version ids to read; default the newest version of every law.
        frequencies: document frequencies of terms and population size to weigh terms by,
            when the versions read are part of a larger corpus (incremental checks).
        term_source: looks up stored terms by content hash before Kiwi is asked (the
            incremental check's index); returns those it has.
    """

    def __init__(
        self,
        engine: Engine,
        versions: Iterable[int] | None = None,
        frequencies: tuple[Counter, int] | None = None,
        term_source: Callable[[list[str]], dict[str, list[Term]]] | None = None,
    ):
        self.engine = engine
        self.term_source = term_source
        # The laws whose findings are wanted (run_rules' law_ids; None: all). Rules whose
        # findings are one clause, or a pair, skip what cannot involve them: an incremental
        # re-check reads ~150 laws to re-evaluate the findings of a few.
        self.focus: set[str] | None = None
        # Clause ids per candidate bucket (duty kind, competence, concept …) of the term-paired
        # rules that ran: pairs form only inside a bucket (the incremental index records it).
        self.buckets: dict[str, set[int]] = defaultdict(set)
        if frequencies is not None:
            self.__dict__["document_frequency"] = frequencies
        with Session(engine) as session:
            if versions is None:
                rows = list_versions(session, latest_only=True)
            else:
                wanted = sorted(set(versions))
                # Only the versions asked for: an incremental check reads ~150 of 5,674 laws.
                rows = [
                    v
                    for i in range(0, len(wanted), 500)
                    for v in session.exec(
                        select(LawVersion).where(LawVersion.id.in_(wanted[i : i + 500]))
                    )
                ]
            self.laws: dict[int, LawInfo] = {
                v.id: LawInfo(
                    v.id,
                    v.law_id,
                    v.name,
                    v.kind,
                    LawLevel.from_kind(v.kind),
                    v.ministry,
                    v.abbreviation,
                    v.promulgation_no,
                    v.promulgation_date,
                    v.effective_date,
                    v.article_effective_dates,
                )
                for v in rows
            }
            self.law: dict[str, LawInfo] = {info.law_id: info for info in self.laws.values()}
            vids = sorted(self.laws)
            self.blocks: dict[int, CBlock] = {}
            self.refs: list[CRef] = []
            self.definitions: list[CDef] = []
            self.sanctions: list[CSanction] = []
            self.by_id: dict[int, CClause] = {}
            # One object per distinct short string (law ids, refs, kinds, statuses): a
            # national corpus repeats them millions of times (issue 7, memory).
            pool: dict = {}
            one = pool.setdefault
            # Plain rows from the connection: the ORM's row handling cost more than the
            # database itself (a third of an incremental re-check, issue 7).
            rows_of = session.connection().execute
            for i in range(0, len(vids), 200):
                chunk = vids[i : i + 200]
                for row in rows_of(
                    select(
                        ClauseRow.id,
                        ClauseRow.version_id,
                        ClauseRow.law_id,
                        ClauseRow.ref,
                        ClauseRow.kind,
                        ClauseRow.text,
                        ClauseRow.parent_ref,
                        ClauseRow.content_hash,
                        ClauseRow.block_id,
                        ClauseRow.position,
                    ).where(ClauseRow.version_id.in_(chunk))
                ):
                    cid, vid, law_id, ref, kind, text, parent, digest, block, position = row
                    self.by_id[cid] = CClause(
                        cid,
                        vid,
                        one(law_id, law_id),
                        one(ref, ref),
                        one(kind, kind),
                        text,
                        one(parent, parent),
                        digest,
                        block,
                        position,
                    )
                for row in rows_of(
                    select(
                        BlockRow.id,
                        BlockRow.version_id,
                        BlockRow.ref,
                        BlockRow.kind,
                        BlockRow.title,
                        BlockRow.deleted,
                        BlockRow.effective_date,
                        BlockRow.notes,
                        BlockRow.text,
                        BlockRow.division,
                    ).where(BlockRow.version_id.in_(chunk))
                ):
                    block_id, vid, ref, kind, title, deleted, effective, notes, text, division = row
                    self.blocks[block_id] = CBlock(
                        vid,
                        ref,
                        kind,
                        title,
                        deleted,
                        effective,
                        notes,
                        text if kind == "부칙" else None,
                        text[-200:],
                        division,
                    )
                for row in rows_of(
                    select(
                        ClauseTagRow.clause_id,
                        ClauseTagRow.tag,
                        ClauseTagRow.modality,
                        ClauseTagRow.inherited_from,
                        TagCacheRow.actor_type,
                        TagCacheRow.duty_bearer,
                        TagCacheRow.regulated_party,
                    )
                    .join(TagCacheRow, ClauseTagRow.cache_id == TagCacheRow.id)
                    .where(ClauseTagRow.version_id.in_(chunk))
                ):
                    clause = self.by_id[row[0]]
                    (
                        clause.tag,
                        clause.modality,
                        clause.inherited_from,
                        clause.actor_type,
                        clause.duty_bearer,
                        clause.regulated_party,
                    ) = (one(x, x) for x in row[1:])
                for row in rows_of(
                    select(
                        ReferenceRow.clause_id,
                        ReferenceRow.law_id,
                        ReferenceRow.from_ref,
                        ReferenceRow.start,
                        ReferenceRow.end,
                        ReferenceRow.kind,
                        ReferenceRow.target_law_id,
                        ReferenceRow.target_law_name,
                        ReferenceRow.target_ref,
                        ReferenceRow.status,
                        ReferenceRow.reason,
                    ).where(ReferenceRow.version_id.in_(chunk))
                ):
                    cid, law, ref, start, end, kind, to_law, to_name, to_ref, status, why = row
                    self.refs.append(
                        CRef(
                            self.by_id[cid],
                            one(law, law),
                            one(ref, ref),
                            start,
                            end,
                            one(kind, kind),
                            one(to_law, to_law),
                            one(to_name, to_name),
                            one(to_ref, to_ref),
                            one(status, status),
                            one(why, why),
                        )
                    )
                for row in rows_of(
                    select(
                        DefinitionRow.law_id,
                        DefinitionRow.clause_ref,
                        DefinitionRow.term,
                        DefinitionRow.body,
                        DefinitionRow.start,
                        DefinitionRow.end,
                        DefinitionRow.scope,
                        DefinitionRow.kind,
                        DefinitionRow.refers_to_law_id,
                        DefinitionRow.refers_to_ref,
                    ).where(DefinitionRow.version_id.in_(chunk))
                ):
                    self.definitions.append(CDef(*row))
                for row in rows_of(
                    select(
                        SanctionLinkRow.clause_id,
                        SanctionLinkRow.law_id,
                        SanctionLinkRow.from_ref,
                        SanctionLinkRow.kind,
                        SanctionLinkRow.target_law_id,
                        SanctionLinkRow.target_ref,
                        SanctionLinkRow.status,
                        SanctionLinkRow.text,
                    ).where(SanctionLinkRow.version_id.in_(chunk))
                ):
                    self.sanctions.append(CSanction(*row))
        self.clauses: list[CClause] = sorted(
            self.by_id.values(), key=lambda c: (c.version_id, c.position)
        )
        self.by_key: dict[tuple[str, str], CClause] = {}
        for clause in self.clauses:
            if clause.kind not in ("UNPARSED", "부기"):
                self.by_key.setdefault((clause.law_id, clause.ref), clause)
        self.refs_from: dict[int, list[CRef]] = defaultdict(list)
        self.refs_to: dict[tuple[str, str], list[CRef]] = defaultdict(list)
        for ref in self.refs:
            self.refs_from[ref.clause_id].append(ref)
            if ref.target_law_id and ref.target_ref and ref.status == "resolved":
                self.refs_to[(ref.target_law_id, _strip_part(ref.target_ref))].append(ref)
        self._assign_families()

    # --- laws ------------------------------------------------------------------------------

    def _assign_families(self) -> None:
        """Link each decree and rule to the statute (and decree) it executes.

        By name ("X 시행령" -> "X") and, failing that, by the law its 법/영 citations resolve
        to most often.
        """
        by_name = {compact(info.name): info for info in self.law.values()}
        parent_votes: dict[str, Counter] = defaultdict(Counter)
        for ref in self.refs:
            if ref.kind == "parent" and ref.target_law_id and ref.target_law_id != ref.law_id:
                parent_votes[ref.law_id][ref.target_law_id] += 1
        for info in self.law.values():
            if info.level in (LawLevel.STATUTE, LawLevel.CONSTITUTION):
                info.family = info.law_id
                continue
            name = compact(info.name)
            statute = decree = None
            for suffix in ("시행규칙", "시행령"):
                if name.endswith(suffix):
                    base = by_name.get(name[: -len(suffix)])
                    if base is not None and base.level is LawLevel.STATUTE:
                        statute = base
                    if suffix == "시행규칙":
                        decree = by_name.get(name[: -len(suffix)] + "시행령")
                    break
            if statute is None:
                for law_id, _ in parent_votes[info.law_id].most_common():
                    target = self.law.get(law_id)
                    if target is not None and target.level is LawLevel.STATUTE:
                        statute = target
                        break
            if decree is None and info.level is LawLevel.RULE:
                for law_id, _ in parent_votes[info.law_id].most_common():
                    target = self.law.get(law_id)
                    if target is not None and target.level is LawLevel.DECREE:
                        decree = target
                        break
            info.family = statute.law_id if statute else info.law_id
            info.parents = tuple(x.law_id for x in (statute, decree) if x is not None)

    def law_of(self, clause: CClause) -> LawInfo:
        return self.laws[clause.version_id]

    def same_family(self, a: str, b: str) -> bool:
        return self.law[a].family == self.law[b].family

    def instruments_of(self, statute_id: str, level: LawLevel) -> list[LawInfo]:
        """Decrees or rules in the corpus that execute this statute."""
        cache = self.__dict__.setdefault("_instruments", None)
        if cache is None:
            cache = defaultdict(list)
            for info in self.law.values():
                if info.family != info.law_id:
                    cache[(info.family, info.level)].append(info)
            self.__dict__["_instruments"] = cache
        return list(cache.get((statute_id, level), ()))

    def in_scope(self, rule: Rule, clause: CClause, *, primary: bool = True) -> bool:
        """Whether a clause may fire for the rule (scope: levels, laws, addenda)."""
        if clause.kind in SKIP_KINDS:
            return False
        if _is_addendum(clause.ref) and not rule.scope.get("include_addenda"):
            return False
        law = self.law_of(clause)
        levels = rule.scope.get("law_levels") or ()
        if primary and levels and law.level.value not in levels:
            return False
        laws = rule.scope.get("laws") or ()
        return not laws or any(
            x in (law.law_id, law.name, law.abbreviation) or compact(x) == compact(law.name)
            for x in laws
        )

    def block_of(self, clause: CClause) -> CBlock:
        return self.blocks[clause.block_id]

    def clauses_of_law(self, law_id: str) -> list[CClause]:
        """The clauses of one law's chosen version, in document order."""
        cache = self.__dict__.setdefault("_by_law", {})
        if not cache:
            for clause in self.clauses:
                cache.setdefault(clause.law_id, []).append(clause)
        return cache.get(law_id, [])

    def article_blocks(self, law_id: str) -> list[CBlock]:
        """The article blocks (조) of one law's chosen version."""
        by_version = self.__dict__.get("_article_blocks")
        if by_version is None:
            # One pass over the blocks for all laws: scanning them per law is quadratic at
            # national scale (issue 7).
            by_version = defaultdict(list)
            for block in self.blocks.values():
                if block.kind == "조":
                    by_version[block.version_id].append(block)
            self.__dict__["_article_blocks"] = by_version
        info = self.law.get(law_id)
        return list(by_version.get(info.version_id, ())) if info is not None else []

    # --- clauses ---------------------------------------------------------------------------

    def evidence(self, clause: CClause) -> list[dict]:
        """The tag evidence of a clause, read from the database on first use: only clauses
        in findings need it (all of it would not fit in memory at national scale, and a
        law's worth per finding made incremental re-checks read thousands of rows)."""
        cache = self.__dict__.setdefault("_evidence", {})
        if clause.id not in cache:
            with Session(self.engine) as session:
                cache[clause.id] = session.exec(
                    select(TagCacheRow.evidence)
                    .join(ClauseTagRow, ClauseTagRow.cache_id == TagCacheRow.id)
                    .where(ClauseTagRow.clause_id == clause.id)
                ).first()
        return cache[clause.id] or []

    def parent(self, clause: CClause) -> CClause | None:
        if not clause.parent_ref:
            return None
        return self.by_key.get((clause.law_id, clause.parent_ref))

    def ancestors(self, clause: CClause) -> Iterator[CClause]:
        seen = 0
        current = self.parent(clause)
        while current is not None and seen < 8:
            yield current
            current = self.parent(current)
            seen += 1

    def actor(self, clause: CClause) -> tuple[str, str]:
        """(actor type, duty-bearer) of a clause; an item takes its lead's."""
        if clause.actor_type != "none" or clause.kind not in ITEM_KINDS:
            return clause.actor_type, clause.duty_bearer
        if clause.inherited_from:
            lead = self.by_key.get((clause.law_id, clause.inherited_from))
            if lead is not None and lead.actor_type != "none":
                return lead.actor_type, lead.duty_bearer
        for up in self.ancestors(clause):
            if up.actor_type != "none":
                return up.actor_type, up.duty_bearer
            if up.kind not in ITEM_KINDS:
                break
        return "none", ""

    def context_text(self, clause: CClause) -> str:
        """An item read with its lead-in(s): "lead\\nitem"."""
        if clause.kind not in ITEM_KINDS:
            return clause.text
        parts = [clause.text]
        for up in self.ancestors(clause):
            parts.append(up.text)
            if up.kind not in ITEM_KINDS:
                break
        return "\n".join(reversed(parts))

    def is_deleted(self, clause: CClause) -> bool:
        block = self.block_of(clause)
        if block.deleted:
            return True
        stripped = mask_notes(clause.text).strip()
        return bool(
            re.fullmatch(
                r"(?:제\d+조(?:의\d+)?(?:\([^)]*\))?\s*)?(?:[①-⑳]\s*|\d+\.\s*|[가-힣]\.\s*)?삭제\s*\.?",
                stripped,
            )
        )

    # --- terms -----------------------------------------------------------------------------

    @cached_property
    def term_config(self) -> TermConfig:
        return load_terms()

    def terms(self, clause: CClause) -> list[Term]:
        """Content words of a clause (Kiwi nouns), cached by text hash for the process."""
        out = _TERM_CACHE.get(clause.content_hash)
        if out is None:
            self.prepare_terms([clause])
            out = _TERM_CACHE[clause.content_hash]
        return out

    def prepare_terms(self, clauses: Iterable[CClause]) -> None:
        """Tokenise the clauses whose terms are not cached yet, in one batch."""
        todo: dict[str, str] = {}
        for clause in clauses:
            if clause.content_hash not in _TERM_CACHE:
                todo.setdefault(clause.content_hash, clause.text)
        if todo and self.term_source is not None:
            for digest, terms in self.term_source(list(todo)).items():
                _TERM_CACHE[digest] = terms
                del todo[digest]
        if todo:
            items = list(todo.items())
            for (digest, _), terms in zip(
                items, kiwi_terms([t for _, t in items], self.term_config), strict=True
            ):
                _TERM_CACHE[digest] = terms

    def note_buckets(self, *groups: dict[str, list[CClause]]) -> None:
        """Record which clauses a term-paired rule put in which bucket."""
        for group in groups:
            for bucket, clauses in group.items():
                self.buckets[bucket].update(c.id for c in clauses)

    def computed_terms(self) -> Iterator[tuple[str, list[Term]]]:
        """(content hash, terms) of each distinct clause text whose terms are computed so far
        (yielded: a national corpus has a million of them)."""
        seen: set[str] = set()
        for c in self.clauses:
            if c.content_hash in _TERM_CACHE and c.content_hash not in seen:
                seen.add(c.content_hash)
                yield c.content_hash, _TERM_CACHE[c.content_hash]

    def context_terms(self, clause: CClause) -> frozenset[str]:
        """The clause's terms with those of its lead-ins and article heading (its subject)."""
        cache = self.__dict__.setdefault("_context_terms", {})
        out = cache.get(clause.id)
        if out is None:
            chain = [clause, *self.ancestors(clause)]
            self.prepare_terms(chain)
            out = frozenset(t.term for c in chain for t in self.terms(c))
            cache[clause.id] = out
        return out

    @cached_property
    def term_population(self) -> list[CClause]:
        """The clauses term weights are computed over: statute clauses that regulate or
        promote (what the cross-law rules compare), addenda and annexes excluded."""
        return [
            c
            for c in self.clauses
            if c.kind not in SKIP_KINDS
            and not _is_addendum(c.ref)
            and not _is_annex(c.ref)
            and c.tag in ("regulation", "promotion")
            and self.law_of(c).level is LawLevel.STATUTE
        ]

    @cached_property
    def document_frequency(self) -> tuple[Counter, int]:
        """In how many clauses of `term_population` each term occurs."""
        population = self.term_population
        self.prepare_terms(population)
        df: Counter = Counter()
        for clause in population:
            df.update({t.term for t in self.terms(clause)})
        return df, max(len(population), 1)

    def idf(self, term: str) -> float:
        """ln((N + 1) / (df + 1)) with N at least `MIN_CORPUS_SIZE`, so that a mini-corpus
        (rule examples, a single law) weighs words as a real corpus of that size would."""
        df, n = self.document_frequency
        return math.log((max(n, MIN_CORPUS_SIZE) + 1) / (df.get(term, 0) + 1))

    def weight(self, terms: Iterable[str]) -> float:
        """Summed idf of shared terms. fsum, because a plain sum depends on the order of a
        set, and a last-bit difference reorders tied pairs between a full and an
        incremental check (a different clause of the same article would be kept)."""
        return math.fsum(self.idf(t) for t in terms)

    def by_rarity(self, terms: Iterable[str]) -> list[str]:
        """Rarest first, ties by the term itself so that messages do not depend on set order."""
        return sorted(terms, key=lambda t: (-self.idf(t), t))

    def is_focus(self, text: str) -> bool:
        return any(word in text for word in self.term_config.focus)

    # --- definitions and actors -------------------------------------------------------------

    @cached_property
    def definitions_by_law(self) -> dict[str, dict[str, CDef]]:
        out: dict[str, dict[str, CDef]] = defaultdict(dict)
        for d in self.definitions:
            if d.scope in ("law", "chapter", "following"):
                out[d.law_id].setdefault(compact(d.term), d)
        return out

    def actor_definition(self, law_id: str, actor: str) -> CDef | None:
        """The definition of the head of an actor phrase in its law, if any."""
        defs = self.definitions_by_law.get(law_id, {})
        key = compact(actor)
        if key in defs:
            return defs[key]
        best = None
        for term, d in defs.items():
            if (
                len(term) >= 2
                and key.endswith(term)
                and (best is None or len(term) > len(compact(best.term)))
            ):
                best = d
        return best

    # --- dates -----------------------------------------------------------------------------

    @cached_property
    def _addenda(self) -> dict[str, dict[str, str]]:
        """law_id -> promulgation date of an addendum (YYYY-MM-DD) -> its text."""
        out: dict[str, dict[str, str]] = defaultdict(dict)
        for block in self.blocks.values():
            if block.kind != "부칙":
                continue
            m = re.search(r"(\d{4})\.\s*(\d{1,2})\.\s*(\d{1,2})", block.ref)
            info = self.laws.get(block.version_id)
            key = _iso(*m.groups()) if m else None
            if key and info is not None and block.addendum_text is not None:
                out[info.law_id][key] = block.addendum_text
        return out

    def clause_date(self, clause: CClause) -> tuple[str | None, str]:
        """When the clause's current text took effect, and how that was found.

        Sources in order: 조문시행일자문자열 of the version; the 부칙 of the amendment named by
        the clause's (or its article's) last <개정>/<신설> note, read for its 시행일 and
        exceptions; the version's 시행일자 for a clause without notes in a law whose
        enactment 부칙 is missing. Returns (None, reason) when unknown.
        """
        cache = self.__dict__.setdefault("_dates", {})
        if clause.id not in cache:
            cache[clause.id] = self._clause_date(clause)
        return cache[clause.id]

    def _clause_date(self, clause: CClause) -> tuple[str | None, str]:
        law = self.law_of(clause)
        listed = _listed_dates(law.article_effective_dates)
        for ref, when in listed:
            if ref_contains(ref, clause.ref):
                return when, "조문시행일자"
        changed, how = self.last_change(clause)
        addenda = self._addenda.get(clause.law_id, {})
        if changed is None:
            # Without a note the text dates from the enactment only if the law was never
            # amended (one 부칙); otherwise the note may simply be missing from the source.
            if len(addenda) == 1:
                first = min(addenda)
                when = _addendum_effective(addenda[first], first, clause.ref)
                if when:
                    return when, "enactment 부칙"
            return None, "no amendment note"
        text = addenda.get(changed)
        if text is None:
            return None, f"부칙 of {changed} not in the source"
        when = _addendum_effective(text, changed, clause.ref)
        if when is None:
            return None, f"시행일 of 부칙 {changed} not understood"
        return when, f"부칙 {changed} ({how})"

    def last_change(self, clause: CClause) -> tuple[str | None, str]:
        """Date (YYYY-MM-DD) and kind (개정/신설) of the last amendment note of a clause."""
        found: list[tuple[str, str]] = []
        for text in (clause.text, *(up.text for up in self._own_chain(clause))):
            for m in re.finditer(r"<(개정|신설|전문개정)\s+([^<>]+)>", text):
                # "<신설 2015.12.1, 2017.7.26>": created at the first date, amended after.
                dates = sorted(
                    iso
                    for d in re.finditer(r"(\d{4})\.\s*(\d{1,2})\.\s*(\d{1,2})", m.group(2))
                    if (iso := _iso(*d.groups()))
                )
                for i, iso in enumerate(dates):
                    found.append((iso, "신설" if m.group(1) == "신설" and i == 0 else "개정"))
            if found:
                break
        block = self.block_of(clause)
        for note in [*block.notes, *re.findall(r"\[[^\[\]]+\]", block.tail)]:
            m = re.search(r"(본조신설|전문개정)\s+(\d{4})\.\s*(\d{1,2})\.\s*(\d{1,2})", note)
            if m:
                iso = _iso(*m.groups()[1:])
                if iso:
                    found.append((iso, "신설" if m.group(1) == "본조신설" else "개정"))
        if not found:
            return None, "original"
        return max(found)

    def _own_chain(self, clause: CClause) -> list[CClause]:
        # An item's note is its own; a paragraph's lead note does not date its items, but a
        # 조 without paragraphs carries the note on its own text.
        return []


def _iso(year: str, month: str, day: str) -> str | None:
    try:
        return date(int(year), int(month), int(day)).strftime(_ISO)
    except ValueError:
        return None


def _listed_dates(value: str | None) -> list[tuple[str, str]]:
    """'20260721:제3조제5항,제6조제2항제7호' -> [(제3조제5항, 2026-07-21), …]."""
    out = []
    for group in (value or "").split(";"):
        if ":" not in group:
            continue
        when, refs = group.split(":", 1)
        when = when.strip()
        if not re.fullmatch(r"\d{8}", when):
            continue
        iso = _iso(when[:4], when[4:6], when[6:])
        for ref in refs.split(","):
            ref = ref.strip()
            if ref and iso:
                out.append((ref, iso))
    return out


_DATE_EXPR = (
    r"(?P<expr>공포한\s*날|공포\s*후\s*(?P<n>\d+)\s*(?P<unit>년|개월|일)이\s*경과한\s*날|"
    r"(?P<y>\d{4})년\s*(?P<m>\d{1,2})월\s*(?P<d>\d{1,2})일)\s*부터\s*시행한다"
)
_EFFECT_RE = re.compile(r"이\s*(?:법|영|규칙)은\s*" + _DATE_EXPR)
_EXCEPTION_RE = re.compile(r"다만\s*,?\s*(?P<list>[^.]*?)(?:은|는)\s*" + _DATE_EXPR)


def _addendum_effective(text: str, promulgated: str, ref: str) -> str | None:
    """The 시행일 an addendum gives the clause `ref`: its exception if it lists the clause."""
    main, exceptions = _addendum_dates(text, promulgated)
    for listed, when in exceptions:
        if _listed_in(listed, ref):
            return when
    return main


@lru_cache(maxsize=4096)
def _addendum_dates(text: str, promulgated: str) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    """(main 시행일, ((exception list text, 시행일), …)) of an addendum's 시행일 provision."""
    main: str | None = None
    exceptions: list[tuple[str, str]] = []
    head = text[:3000]
    for sentence in re.split(r"(?<=다)\.\s*", head):
        if "시행한다" not in sentence:
            continue
        m = _EXCEPTION_RE.search(sentence)
        if m is not None:
            when = _effect_date(m, promulgated)
            if when is not None and re.search(r"제\s*\d+\s*조", m.group("list")):
                exceptions.append((m.group("list"), when))
            continue
        m = _EFFECT_RE.search(sentence)
        if m is not None and main is None:
            main = _effect_date(m, promulgated)
    return main, tuple(exceptions)


def _effect_date(m: re.Match, promulgated: str) -> str | None:
    base = date.fromisoformat(promulgated)
    if m.group("y"):
        return _iso(m.group("y"), m.group("m"), m.group("d"))
    if m.group("n"):
        n, unit = int(m.group("n")), m.group("unit")
        if unit == "일":
            return (base + timedelta(days=n + 1)).strftime(_ISO)
        months = n * 12 if unit == "년" else n
        year, month = divmod(base.month - 1 + months, 12)
        day = min(base.day, 28 if month + 1 == 2 else 30 if month + 1 in (4, 6, 9, 11) else 31)
        return (date(base.year + year, month + 1, day) + timedelta(days=1)).strftime(_ISO)
    return promulgated


_LISTED_RE = re.compile(
    r"제\s*(\d+)\s*조(?:의\s*(\d+))?|제\s*(\d+)\s*항|제\s*(\d+)\s*호(?:의\s*(\d+))?|부터|까지"
)


def _listed_in(listed: str, ref: str) -> bool:
    """Whether an exception list ("제3조제5항, 제6조제2항제7호ㆍ제8호, 제16조제3항부터 제5항까지")
    covers the clause `ref` (article, paragraph and item levels; ranges within one level)."""
    target = _parse_ref(_strip_part(ref))
    if target is None or target.article is None:
        return False
    current: dict[str, Any] = {}
    pending_range: tuple | None = None
    covered: list[ClauseRef] = []
    previous_end = -1
    for m in _LISTED_RE.finditer(listed):
        token = m.group(0)
        # "제16조제3항": the paragraph narrows the article just read, it is not another entry.
        narrows = m.start() == previous_end and token not in ("부터", "까지")
        previous_end = m.end()
        if token == "부터":
            pending_range = _ref_of(current)
            continue
        if token == "까지":
            if pending_range is not None and covered:
                last = covered.pop()
                covered.extend(_expand(pending_range, last))
            pending_range = None
            continue
        if m.group(1):
            current = {"article": int(m.group(1)), "article_branch": int(m.group(2) or 0)}
        elif m.group(3):
            current = {k: v for k, v in current.items() if k in ("article", "article_branch")}
            current["paragraph"] = int(m.group(3))
        elif m.group(4):
            current = {k: v for k, v in current.items() if k != "item" and k != "item_branch"}
            current["item"] = int(m.group(4))
            current["item_branch"] = int(m.group(5) or 0)
        if "article" in current:
            if narrows and covered:
                covered.pop()
            covered.append(_ref_of(current))
    return any(c.contains(target) for c in covered)


def _ref_of(fields: dict) -> ClauseRef:
    return ClauseRef(**fields)


def _expand(first: ClauseRef, last: ClauseRef) -> list[ClauseRef]:
    for level in ("item", "paragraph", "article"):
        a, b = getattr(first, level), getattr(last, level)
        if a is not None and b is not None and a <= b <= a + 200:
            return [replace(last, **{level: n}) for n in range(a, b + 1)]
    return [first, last]


# ---------------------------------------------------------------------------------------------
# Resolution hints: what the laws themselves say about which prevails
# ---------------------------------------------------------------------------------------------

_RELATION_TITLE_RE = re.compile(r"다른\s*법(?:률|령)과의\s*관계")
_GENERAL_LAW_RE = re.compile(
    r"다른\s*법(?:률|령)(?:에서|에)\s*특별(?:한\s*규정이\s*있는|히\s*규정된|한\s*규정이\s*있을)\s*경우"
    r"(?:를|에는)?\s*(?:제외하고|외에는|를\s*제외하고는)"
)
_PRIORITY_RE = re.compile(r"다른\s*법(?:률|령)에\s*우선하여|이\s*법을\s*우선")
_DEEMING_RE = re.compile(
    r"다른\s*법(?:령|률)에\s*따라[^.]{0,120}(?:이행|받은|한)\s*(?:경우|때)[^.]{0,80}본다"
)


def relation_clauses(corpus: Corpus, law_id: str) -> list[CClause]:
    """Clauses of a law that state its relation to other laws (다른 법률과의 관계)."""
    cache = corpus.__dict__.setdefault("_relations", {})
    if law_id not in cache:
        out = []
        for clause in corpus.clauses_of_law(law_id):
            if clause.kind in SKIP_KINDS:
                continue
            block = corpus.block_of(clause)
            if (block.title and _RELATION_TITLE_RE.search(block.title)) or _GENERAL_LAW_RE.search(
                clause.text
            ):
                out.append(clause)
        cache[law_id] = out
    return cache[law_id]


def deeming_clauses(corpus: Corpus, law_id: str) -> list[CClause]:
    """Clauses that count compliance with other laws as compliance with this one."""
    cache = corpus.__dict__.setdefault("_deeming", {})
    if law_id not in cache:
        cache[law_id] = [
            c
            for c in corpus.clauses_of_law(law_id)
            if c.kind not in SKIP_KINDS and _DEEMING_RE.search(c.text)
        ]
    return cache[law_id]


def resolution_hint(corpus: Corpus, a: CClause, b: CClause | None = None) -> str | None:
    """How the laws themselves resolve a tension between clause `a` and clause `b`.

    Lex superior (법률 > 시행령 > 시행규칙, `LawLevel.rank`); lex specialis as stated in
    "다른 법률과의 관계" articles (a law naming the other, or yielding to other laws' special
    provisions); compliance deemed by another law (…다른 법령에 따라 … 이행한 경우 … 본다);
    lex posterior by the dates the clauses took effect.
    """
    if b is None:
        return None
    hints: list[tuple[str, str, str]] = []  # (principle, law, text): one per principle and law
    la, lb = corpus.law_of(a), corpus.law_of(b)
    if la.law_id == lb.law_id:
        if re.search(r"불구하고", a.text + b.text):
            return "같은 법 안의 특례: '…에도 불구하고'로 한 조항이 다른 조항의 예외를 정합니다."
        return None
    if la.level.rank != lb.level.rank:
        high, low = (la, lb) if la.level.rank < lb.level.rank else (lb, la)
        hints.append(
            (
                "superior",
                high.law_id,
                f"상위법 우선: {high.name}({high.kind})이 {low.name}({low.kind})보다 "
                "상위 법령입니다.",
            )
        )
    for law, other in ((la, lb), (lb, la)):
        for clause in relation_clauses(corpus, law.law_id):
            names_other = any(
                r.target_law_id == other.law_id for r in corpus.refs_from.get(clause.id, [])
            )
            excerpt = _excerpt(mask_notes(clause.text))
            if names_other:
                hints.append(
                    (
                        "specialis",
                        law.law_id,
                        f"특별법 관계: {law.name} {clause.ref}가 {other.name}과의 관계를 "
                        f'정합니다 — "{excerpt}"',
                    )
                )
            elif _GENERAL_LAW_RE.search(clause.text):
                hints.append(
                    (
                        "general",
                        law.law_id,
                        f"일반법 조항: {law.name} {clause.ref}에 따르면 다른 법률에 특별한 "
                        f'규정이 있으면 그 규정이 우선합니다 — "{excerpt}"',
                    )
                )
            elif _PRIORITY_RE.search(clause.text):
                hints.append(
                    ("priority", law.law_id, f'우선 적용: {law.name} {clause.ref} — "{excerpt}"')
                )
    for law, mine in ((la, a), (lb, b)):
        # Only a deeming clause of the same article ("제1항 각 호에 준하는 조치를 … 이행한
        # 경우에는 … 이행한 것으로 본다") speaks to this clause.
        for clause in deeming_clauses(corpus, law.law_id):
            if _article(clause.ref) == _article(mine.ref):
                excerpt = _excerpt(mask_notes(clause.text))
                text = f'이행 의제: {law.name} {clause.ref} — "{excerpt}"'
                hints.append(("deeming", law.law_id, text))
                break
    if la.level.rank == lb.level.rank:
        da, _ = corpus.clause_date(a)
        db, _ = corpus.clause_date(b)
        if da and db and da != db:
            newer, when = (la, da) if da > db else (lb, db)
            text = f"신법 우선(참고): {newer.name}의 조항이 더 늦게 시행되었습니다({when})."
            hints.append(("posterior", newer.law_id, text))
    seen: set[tuple[str, str]] = set()
    out = []
    for principle, law_id, text in hints:
        if (principle, law_id) not in seen:
            seen.add((principle, law_id))
            out.append(text)
    return "\n".join(out[:5]) if out else None


def _excerpt(text: str, limit: int = 90) -> str:
    text = _SPACE_RE.sub(" ", text).strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


# ---------------------------------------------------------------------------------------------
# Building findings
# ---------------------------------------------------------------------------------------------


def _side(corpus: Corpus, clause: CClause, role: str, spans: Iterable[Span] = ()) -> FindingClause:
    law = corpus.law_of(clause)
    when, _ = corpus.clause_date(clause) if role in ("decree", "statute") else (None, "")
    return FindingClause(
        law_id=clause.law_id,
        law_name=law.name,
        law_kind=law.kind,
        ref=clause.ref,
        text=clause.text,
        content_hash=clause.content_hash,
        spans=tuple(sorted(set(spans), key=lambda s: (s.start, s.end, s.label))),
        role=role,
        version=law.promulgation_no,
        effective_date=when or law.effective_date,
    )


def _make(
    rule: Rule,
    sides: list[FindingClause],
    fields: dict[str, Any],
    *,
    strength: float = 1.0,
    hint: str | None = None,
    extra_keys: Iterable[str] = (),
    details: dict | None = None,
    focus: bool = False,
) -> Finding:
    precision = rule.known_limits.precision if rule.known_limits.precision is not None else 0.5
    score = SEVERITY_WEIGHT[rule.severity] * (0.25 + precision) * max(0.05, min(strength, 1.0))
    if focus:
        score *= 1.5
    keys = [s.key for s in sides] + list(extra_keys)
    return Finding(
        id=finding_id(rule.id, keys),
        rule_id=rule.id,
        kind=rule.kind,
        severity=rule.severity,
        message=rule.format_message(**fields),
        clauses=tuple(sides),
        resolution_hint=hint,
        score=round(score, 4),
        rule_hash=rule.file_hash,
        details=details or {},
    )


def _evidence_spans(corpus: Corpus, clause: CClause, prefixes: tuple[str, ...]) -> list[Span]:
    out = []
    for e in corpus.evidence(clause):
        label = e.get("label", "")
        if label.startswith(prefixes) and 0 <= e.get("start", -1) < e.get("end", -1) <= len(
            clause.text
        ):
            out.append(Span(e["start"], e["end"], label))
    return out


def _josa(word: str, pair: str = "이가") -> str:
    """The particle after a word: 이/가, 은/는, 을/를, 과/와 by its last syllable."""
    if not word:
        return pair[1]
    last = word[-1]
    code = ord(last) - 0xAC00
    has_final = 0 <= code <= 11171 and code % 28 != 0
    return pair[0] if has_final else pair[1]


def _label(corpus: Corpus, clause: CClause) -> str:
    return f"{corpus.law_of(clause).name} {clause.ref}"


# ---------------------------------------------------------------------------------------------
# Kind: delegation-gap
# ---------------------------------------------------------------------------------------------

_DELEGATION_RE = re.compile(
    r"(?P<inst>대통령령|총리령|[가-힣]{1,12}부령|부령)(?:으로|로|이|에서)\s*(?:정하|정한|정할|정함|위임)"
)


def _instrument(word: str) -> LawLevel:
    return LawLevel.DECREE if word == "대통령령" else LawLevel.RULE


_INSTRUMENTS = r"(?:대통령령|총리령|[가-힣]{1,12}[부처]령|부령)"
_SENTENCE_FINAL_RE = re.compile(rf"{_INSTRUMENTS}(?:으로|로)\s*정한다\.?\s*(?:다만|이\s*경우|$)")
_CATCH_ALL_RE = re.compile(
    rf"그\s*밖에[^.]{{0,200}}{_INSTRUMENTS}(?:으로|로)\s*정한다"
    rf"|필요한\s*사항(?:은|과)?[^.]{{0,30}}{_INSTRUMENTS}(?:으로|로)\s*정한다"
)
_LAW_WIDE_RE = re.compile(r"이\s*법(?:의)?\s*시행에\s*(?:필요한|관하여\s*필요한)\s*사항")
_CHAPTER_WIDE_RE = re.compile(r"이\s*(장|절|관)에서\s*(?:정한|규정한)\s*(?:것|사항)\s*외에")
_EVERY_ITEM_RE = re.compile(r"각\s*(?:호|목)\s*$")


def _depth(ref: str) -> int:
    parsed = _parse_ref(_strip_part(ref))
    return len(parsed._path()) if parsed else 0  # noqa: SLF001


def _instrument_laws(corpus: Corpus, statute_id: str, word: str) -> tuple[LawInfo, ...]:
    """The instruments of a statute's family that a delegation word names: 대통령령 -> its
    decrees; 총리령 or 보건복지부령 -> its rules of exactly that kind; 부령 -> any of its rules."""
    if word == "대통령령":
        return tuple(corpus.instruments_of(statute_id, LawLevel.DECREE))
    rules = corpus.instruments_of(statute_id, LawLevel.RULE)
    if word == "부령":
        return tuple(rules)
    return tuple(r for r in rules if compact(r.kind) == word)


class _DelegationIndex:
    """Citations of each statute by the instruments of its family, by cited article."""

    def __init__(self, corpus: Corpus):
        self.corpus = corpus
        self.by_article: dict[tuple[str, str, str], list[tuple[str, CRef]]] = defaultdict(list)
        self.by_law: dict[tuple[str, str], list[CRef]] = defaultdict(list)
        for ref in corpus.refs:
            if ref.status != "resolved" or not ref.target_ref or not ref.target_law_id:
                continue
            citing = corpus.law.get(ref.law_id)
            if (
                citing is None
                or citing.family != ref.target_law_id
                or ref.law_id == ref.target_law_id
            ):
                continue
            target = _strip_part(ref.target_ref)
            self.by_article[(ref.target_law_id, ref.law_id, _article(target))].append((target, ref))
            if not _is_addendum(ref.from_ref):
                self.by_law[(ref.target_law_id, ref.law_id)].append(ref)
        self._status: dict[tuple[int, tuple[str, ...]], tuple[list[str], str]] = {}

    def cites(self, statute_id: str, instruments: tuple[LawInfo, ...], article: str):
        for info in instruments:
            yield from self.by_article.get((statute_id, info.law_id, article), ())

    def status(
        self, clause: CClause, instruments: tuple[LawInfo, ...], p: dict, depth: int = 0
    ) -> tuple[list[str], str]:
        """(citing clause keys, how) for a delegation of `clause` to `instruments`."""
        key = (clause.id, tuple(i.law_id for i in instruments))
        if key in self._status:
            return self._status[key]
        self._status[key] = ([], "")  # guards against citation cycles
        corpus = self.corpus
        article = _article(clause.ref)
        cites = list(self.cites(clause.law_id, instruments, article))
        links: list[str] = []
        how = ""
        for target, ref in cites:
            if target == clause.ref:
                links.append(f"{ref.law_id}:{ref.from_ref}")
                how = how or "exact"
            elif (
                p["link_ancestors"]
                and not _is_addendum(ref.from_ref)
                and not _EVERY_ITEM_RE.search(ref.text)
                and ref_contains(target, clause.ref)
                and _depth(target) == _depth(clause.ref) - 1
            ):
                # The enclosing 항 (or 조) cited as such, not "제2조제4호 각 목" (every item).
                links.append(f"{ref.law_id}:{ref.from_ref}")
                how = how or "enclosing clause"
            elif p["link_descendants"] and ref_contains(clause.ref, target):
                links.append(f"{ref.law_id}:{ref.from_ref}")
                how = how or "item of the clause"
        text = mask_notes(clause.text)
        if not links and p["link_catch_all"]:
            if _LAW_WIDE_RE.search(text):
                found = [
                    r for i in instruments for r in self.by_law.get((clause.law_id, i.law_id), [])
                ]
                links = [f"{r.law_id}:{r.from_ref}" for r in found[:20]]
                how = "law-wide delegation" if links else ""
            elif m := _CHAPTER_WIDE_RE.search(text):
                division = tuple(corpus.block_of(clause).division or ())
                articles = {
                    _article(c.ref)
                    for c in corpus.clauses_of_law(clause.law_id)
                    if division
                    and tuple(corpus.block_of(c).division or ())[: len(division)] == division
                }
                links = [
                    f"{r.law_id}:{r.from_ref}"
                    for a in sorted(articles)
                    for _, r in self.cites(clause.law_id, instruments, a)
                    if not _is_addendum(r.from_ref)
                ]
                how = f"delegation for the {m.group(1)}" if links else ""
            elif _CATCH_ALL_RE.search(text) or _SENTENCE_FINAL_RE.search(text):
                links = [
                    f"{r.law_id}:{r.from_ref}" for _, r in cites if not _is_addendum(r.from_ref)
                ]
                how = "details of the article (cited elsewhere in it)" if links else ""
        if not links and p["link_via_cited_clause"] and depth < 1:
            # "제1항에 따른 과태료는 대통령령으로 정하는 바에 따라 …": the delegation concerns
            # the clause it cites; an instrument clause citing that clause answers it.
            for r in corpus.refs_from.get(clause.id, []):
                if r.target_law_id != clause.law_id or not r.target_ref or r.status != "resolved":
                    continue
                other = corpus.by_key.get((clause.law_id, _strip_part(r.target_ref)))
                if other is None or other.id == clause.id or ref_contains(other.ref, clause.ref):
                    continue
                via = [
                    f"{ref.law_id}:{ref.from_ref}"
                    for target, ref in self.cites(clause.law_id, instruments, _article(other.ref))
                    if not _is_addendum(ref.from_ref)
                    and (
                        target == other.ref
                        or ref_contains(other.ref, target)
                        or ref_contains(target, other.ref)
                    )
                ]
                if via:
                    links, how = via, f"via cited {other.ref}"
                    break
        if not links and p["link_same_title"]:
            title = corpus.block_of(clause).title
            scorer = getattr(fuzz, p["title_scorer"])
            if title:
                for info in instruments:
                    for block in corpus.article_blocks(info.law_id):
                        if block.title and scorer(
                            compact(title), compact(block.title), score_cutoff=p["title_cutoff"]
                        ):
                            links.append(f"{info.law_id}:{block.ref}")
                            how = f"article of the same title ({block.title})"
                            break
        result = (sorted(set(links), key=_sort_key), how)
        self._status[key] = result
        return result


def _delegations(
    corpus: Corpus, rule: Rule, clause: CClause
) -> list[tuple[tuple[LawInfo, ...], str, list[re.Match]]]:
    """Delegations of a statute clause, grouped by the instruments they name, when those
    instruments are in the corpus (otherwise there is nothing to check)."""
    law = corpus.law_of(clause)
    if law.level is not LawLevel.STATUTE or not corpus.in_scope(rule, clause):
        return []
    wanted = {_instrument(x) for x in rule.parameters["instruments"]}
    text = mask_notes(clause.text)
    matches = [m for m in _DELEGATION_RE.finditer(text) if _instrument(m.group("inst")) in wanted]
    if not matches or (rule.parameters["skip_deleted"] and corpus.is_deleted(clause)):
        return []
    groups: dict[tuple[LawInfo, ...], list[re.Match]] = {}
    words: dict[tuple[LawInfo, ...], str] = {}
    for m in matches:
        instruments = _instrument_laws(corpus, clause.law_id, m.group("inst"))
        if instruments:
            groups.setdefault(instruments, []).append(m)
            words.setdefault(instruments, m.group("inst"))
    return [(k, words[k], v) for k, v in groups.items()]


def _delegation_index(corpus: Corpus) -> _DelegationIndex:
    if "_delegation_index" not in corpus.__dict__:
        corpus.__dict__["_delegation_index"] = _DelegationIndex(corpus)
    return corpus.__dict__["_delegation_index"]


def kind_delegation_gap(corpus: Corpus, rule: Rule) -> Iterator[Finding]:
    p = rule.parameters
    index = _delegation_index(corpus)
    # A finding is the statute clause alone: only the focused laws' clauses can make one.
    clauses = (
        corpus.clauses
        if corpus.focus is None
        else [c for law_id in sorted(corpus.focus) for c in corpus.clauses_of_law(law_id)]
    )
    for clause in clauses:
        for instruments, word, matches in _delegations(corpus, rule, clause):
            links, _ = index.status(clause, instruments, p)
            if links:
                continue
            law = corpus.law_of(clause)
            spans = [Span(m.start(), m.end(), "delegation") for m in matches]
            yield _make(
                rule,
                [_side(corpus, clause, "statute", spans)],
                {
                    "law_name": law.name,
                    "law_id": law.law_id,
                    "ref": clause.ref,
                    "instrument": word,
                    "target_law": ", ".join(i.name for i in instruments),
                    "cue": matches[0].group(0),
                },
                strength=1.0,
                details={"instrument": word, "target_laws": [i.law_id for i in instruments]},
                focus=corpus.is_focus(clause.text),
            )


def delegation_links(corpus: Corpus, statute_id: str, rule: Rule | None = None) -> dict[str, Any]:
    """Every delegation of one statute to an instrument in the corpus and how it is answered.

    Returns:
        {"delegations": [...], "linked": [...], "flagged": [...]}; each entry is
        {"ref", "cue", "instrument", "links": ["law_id:ref", …], "how", "text"}.
    """
    rule = rule or next(r for r in default_rules() if r.kind == "delegation-gap")
    index = _delegation_index(corpus)
    out: dict[str, list] = {"delegations": [], "linked": [], "flagged": []}
    for clause in corpus.clauses_of_law(statute_id):
        for instruments, word, matches in _delegations(corpus, rule, clause):
            links, how = index.status(clause, instruments, rule.parameters)
            entry = {
                "ref": clause.ref,
                "cue": matches[0].group(0),
                "instrument": word,
                "links": links,
                "how": how,
                "text": clause.text,
            }
            out["delegations"].append(entry)
            out["linked" if links else "flagged"].append(entry)
    return out


# ---------------------------------------------------------------------------------------------
# Kind: delegation-excess
# ---------------------------------------------------------------------------------------------


def kind_delegation_excess(corpus: Corpus, rule: Rule) -> Iterator[Finding]:
    p = rule.parameters
    grounded_cache: dict[int, bool] = {}

    def cites_parent(clause: CClause, parents: set[str]) -> bool:
        for r in corpus.refs_from.get(clause.id, []):
            if r.kind == "parent" or (r.target_law_id in parents):
                return True
        return False

    def grounded(clause: CClause, parents: set[str], hops: int) -> bool:
        if clause.id in grounded_cache:
            return grounded_cache[clause.id]
        chain = [clause, *corpus.ancestors(clause)]
        ok = any(cites_parent(c, parents) for c in chain)
        if not ok and hops > 0:
            for c in chain:
                for r in corpus.refs_from.get(c.id, []):
                    if r.target_law_id == clause.law_id and r.target_ref and r.status == "resolved":
                        target = corpus.by_key.get((clause.law_id, _strip_part(r.target_ref)))
                        if (
                            target is not None
                            and target.id != clause.id
                            and grounded(target, parents, hops - 1)
                        ):
                            ok = True
                            break
                if ok:
                    break
        grounded_cache[clause.id] = ok
        return ok

    for clause in corpus.clauses:
        law = corpus.law_of(clause)
        if law.level not in (LawLevel.DECREE, LawLevel.RULE) or not law.parents:
            continue
        if not corpus.in_scope(rule, clause) or _is_annex(clause.ref):
            continue
        if clause.modality not in p["modalities"] or clause.tag != "regulation":
            continue
        if clause.inherited_from:
            continue  # the lead-in is checked once, not each item
        actor_type, bearer = corpus.actor(clause)
        if actor_type not in p["actor_types"]:
            continue
        if any(cue in clause.text for cue in p["procedural_cues"]):
            continue
        if corpus.is_deleted(clause) or grounded(clause, set(law.parents), p["hops"]):
            continue
        parent = corpus.law.get(law.parents[0])
        spans = _evidence_spans(corpus, clause, ("modality", "actor"))
        yield _make(
            rule,
            [_side(corpus, clause, "decree", spans)],
            {
                "law_name": law.name,
                "law_id": law.law_id,
                "ref": clause.ref,
                "parent_name": parent.name if parent else law.parents[0],
                "duty_bearer": bearer or "수범자",
                "cue": clause.modality,
            },
            strength=0.8,
            hint=(
                f"상위법 우선: 위임 없는 의무는 {parent.name if parent else '모법'}의 근거가 "
                "있어야 효력이 있습니다(헌법 제75조·제95조)."
            ),
            focus=corpus.is_focus(clause.text),
        )


# ---------------------------------------------------------------------------------------------
# Kind: dangling-reference
# ---------------------------------------------------------------------------------------------

# Text that amends another law ("… 일부를 다음과 같이 개정한다", "제3조 중 "A"를 "B"로 한다"):
# its citations point into the amended law's old text.
_AMENDING_RE = re.compile(
    r"일부를\s*다음과\s*같이\s*개정|중\s*[\"“][^\"”]*[\"”]\s*(?:을|를)\s*[\"“]"
    r"|(?:을|를)\s*각각\s*[\"“]|전부를\s*다음과|조를\s*다음과\s*같이"
)
_HANJA_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CITED_TITLE_RE = re.compile(r"^\s*\((?P<title>[^()]{2,60})\)")
_NOT_TITLE_RE = re.compile(
    r"^(?:이하|이\s*법|같은|제\d|「)|(?:한다|말한다|포함|제외|같다|경우|따른|의한|해당)"
)


def kind_dangling_reference(corpus: Corpus, rule: Rule) -> Iterator[Finding]:
    p = rule.parameters
    reasons = set(p["reasons"])
    kinds = set(p["reference_kinds"])
    for ref in corpus.refs:
        clause = corpus.by_id.get(ref.clause_id)
        if clause is None or ref.kind not in kinds or not corpus.in_scope(rule, clause):
            continue
        if p["skip_amendment_text"] and _AMENDING_RE.search(clause.text):
            continue
        if corpus.is_deleted(clause):
            continue
        law = corpus.law_of(clause)
        if ref.status != "resolved" and ref.reason in reasons:
            if ref.reason == NO_SUCH_LAW and _NOT_A_LAW_RE.search(ref.text):
                continue
            if p["skip_uncertain_context"] and _uncertain_context(corpus, clause, ref):
                continue
            if ref.reason == "paragraph/item missing" and _first_paragraph_shorthand(corpus, ref):
                continue
            target_name = ref.target_law_name or (
                corpus.law[ref.target_law_id].name if ref.target_law_id in corpus.law else ""
            )
            target_key = f"{ref.target_law_id or compact(target_name)}:{ref.target_ref or ''}"
            yield _make(
                rule,
                [_side(corpus, clause, "citing", [Span(ref.start, ref.end, "citation")])],
                {
                    "law_name": law.name,
                    "law_id": law.law_id,
                    "ref": clause.ref,
                    "cited": ref.text,
                    "reason": _REASON_KO.get(ref.reason or "", ref.reason or ""),
                    "target_law": target_name,
                    "cited_title": "",
                    "actual_title": "",
                },
                strength=1.0 if ref.reason != "no such law (renamed or repealed?)" else 0.7,
                extra_keys=[target_key],
                details={"reason": ref.reason, "target_ref": ref.target_ref},
                focus=corpus.is_focus(clause.text),
            )
        elif (
            p["check_titles"] and ref.status == "resolved" and ref.target_ref and ref.target_law_id
        ):
            m = _CITED_TITLE_RE.match(clause.text[ref.end :])
            if (
                not m
                or _NOT_TITLE_RE.search(m.group("title"))
                or _HANJA_RE.search(m.group("title"))
            ):
                continue  # no title; or written in Hanja, which needs a reading table to compare
            if p["skip_uncertain_context"] and _uncertain_context(corpus, clause, ref):
                continue
            target_law = corpus.law.get(ref.target_law_id)
            parsed = _parse_ref(_strip_part(ref.target_ref))
            if target_law is None or parsed is None or parsed.article is None:
                continue
            if parsed != parsed.article_ref():
                continue  # a title follows the article number; deeper citations carry none
            target = corpus.by_key.get((ref.target_law_id, str(parsed.article_ref())))
            if target is None:
                continue
            actual = corpus.block_of(target).title or ""
            cited_title = m.group("title")
            score = getattr(fuzz, p["title_scorer"])(compact(cited_title), compact(actual))
            if not actual or score >= p["title_cutoff"]:
                continue
            yield _make(
                rule,
                [
                    _side(
                        corpus, clause, "citing", [Span(ref.start, ref.end + m.end(), "citation")]
                    ),
                    _side(corpus, target, "cited"),
                ],
                {
                    "law_name": law.name,
                    "law_id": law.law_id,
                    "ref": clause.ref,
                    "cited": ref.text,
                    "reason": "조문 제목 불일치",
                    "target_law": target_law.name,
                    "cited_title": cited_title,
                    "actual_title": actual,
                },
                strength=(100 - score) / 100,
                details={"title_score": round(score, 1)},
                focus=corpus.is_focus(clause.text),
            )


NO_SUCH_LAW = "no such law (renamed or repealed?)"
_NOT_A_LAW_RE = re.compile(
    r"(?:조약|협정|협약|의정서|분류표|기준표|[가-힣]+표」|개정법률|법률\s*제\s*\d+\s*호)"
)
_HEADING_RE = re.compile(r"^제\d+조(?:의\d+)?(?:\([^()]*\))?\s*")
_QUOTED_RE = re.compile(r"[\"“][^\"”]*[\"”]")
_TITLE_BEFORE_RE = re.compile(r"[)\]]\s*(?:이\s*)?$")
_ANNEX_BEFORE_RE = re.compile(r"(?:별표|서식)\s*\d+(?:의\s*\d+)?(?:의)?\s*$")
_AMENDING_ACT_RE = re.compile(r"(?:법률|대통령령|[가-힣]+령)\s*제\s*\d+\s*호")
_WORD_LAW_BEFORE_RE = re.compile(r"(?<![이같])(?:[가-힣]{1,20}(?:법|령|규칙|규정))\s*$")
_NON_LEGAL_BEFORE_RE = re.compile(r"(?:비상근무|등급|단계|호봉|급|종|형)\s*$")


def _uncertain_context(corpus: Corpus, clause: CClause, ref: CRef) -> bool:
    """Contexts in which an unresolved citation more likely shows a resolver limit than a
    dangling reference: inside quotation marks (the quoted words of another provision);
    right after a parenthesised title ("제79조(…)제3항", chains whose law is lost); after an
    unbracketed law word the index does not know ("기본법 제3조"); a bare or relative citation
    after a citation of another law in the same sentence ("「형법」 제319조(…), 제330조");
    a relative citation in brackets ("(제5호는 제외한다)"); non-legal numbering
    ("비상근무 제3호")."""
    text = clause.text
    # The clause's own heading ("제2조(고지의 방법) ") is not a citation's title.
    before = _HEADING_RE.sub("", text[: ref.start], count=1)
    if any(m.start() < ref.start < m.end() for m in _QUOTED_RE.finditer(text)):
        return True
    if (
        _TITLE_BEFORE_RE.search(before)
        or _NON_LEGAL_BEFORE_RE.search(before)
        or _ANNEX_BEFORE_RE.search(before)
        or _AMENDING_ACT_RE.search(ref.text)
    ):
        return True
    if ref.kind in ("this_law", "relative"):
        if _WORD_LAW_BEFORE_RE.search(before[-25:]) and not before.rstrip().endswith("이 법"):
            return True
        sentence_start = max(before.rfind(". "), before.rfind("\n"), 0)
        for other in corpus.refs_from.get(clause.id, []):
            if (
                sentence_start <= other.start < ref.start
                and other.kind in ("explicit", "same_law", "parent")
                and other.target_law_id != clause.law_id
            ):
                return True
        if ref.kind == "relative" and (
            before.rfind("(") > before.rfind(")") or re.search(r"각\s*(?:호|목)", before[-40:])
        ):
            return True
    return False


def _first_paragraph_shorthand(corpus: Corpus, ref: CRef) -> bool:
    """ "제2조제7호" for 제2조제1항제7호, or "제31조제1항" for an article without numbered
    paragraphs: a common shorthand, not a dangling reference."""
    parsed = _parse_ref(_strip_part(ref.target_ref or ""))
    if parsed is None:
        return False
    law_id = ref.target_law_id or ""
    if parsed.paragraph is None and parsed.item is not None:
        return (law_id, str(replace(parsed, paragraph=1))) in corpus.by_key
    if parsed.paragraph == 1:
        # "제31조제1항" of an article without numbered paragraphs.
        return (law_id, str(replace(parsed, paragraph=None))) in corpus.by_key
    return False


_REASON_KO = {
    "article deleted": "삭제된 조문",
    "article missing": "없는 조문",
    "paragraph/item missing": "없는 항·호·목",
    "no such law (renamed or repealed?)": "없는 법령(제명 변경 또는 폐지?)",
}


# ---------------------------------------------------------------------------------------------
# Kind: definition-divergence
# ---------------------------------------------------------------------------------------------

_BODY_NOISE_RE = re.compile(
    r"[「」『』\"“”'‘’()\[\],.]|(?:을|를)\s*말한다|말한다|이하\s*같다|이하\s*이\s*조에서\s*같다"
)


def _normal_body(body: str) -> str:
    body = mask_notes(body)
    body = _BODY_NOISE_RE.sub(" ", unicodedata.normalize("NFC", body).translate(_DOTS))
    return _SPACE_RE.sub(" ", body).strip()


def _full_body(corpus: Corpus, d: CDef, clause: CClause) -> str:
    """A definition body with its 목/호 when it reads "다음 각 목의 …를 말한다"."""
    if not re.search(r"다음\s*각\s*(?:목|호)", d.body):
        return d.body
    children = [
        c.text
        for c in corpus.clauses_of_law(d.law_id)
        if c.parent_ref == clause.ref and c.kind not in ("UNPARSED", "부기")
    ]
    return d.body + " " + " ".join(children)


def _by_reference(corpus: Corpus, d: CDef, other_law: str | None = None) -> bool:
    """A definition that borrows another law's ("「X법」 제2조제1호에 따른 …를 말한다"), or
    one that names the other law of the pair."""
    if d.refers_to_law_id and d.refers_to_law_id != d.law_id:
        return True
    if d.refers_to_ref and d.refers_to_law_id is None:
        return True
    body = d.body
    if other_law is not None:
        info = corpus.law.get(other_law)
        if info is not None and (
            compact(info.name) in compact(body) or (info.abbreviation and info.abbreviation in body)
        ):
            return True
    return False


def kind_definition_divergence(corpus: Corpus, rule: Rule) -> Iterator[Finding]:
    p = rule.parameters
    term_scorer = getattr(fuzz, p["term_scorer"])
    body_scorer = getattr(fuzz, p["body_scorer"])
    defs = []
    for d in corpus.definitions:
        if d.kind not in p["definition_kinds"] or d.scope not in p["scopes"]:
            continue
        clause = corpus.by_key.get((d.law_id, d.clause_ref))
        if clause is None or not corpus.in_scope(rule, clause, primary=False):
            continue
        body = _normal_body(_full_body(corpus, d, clause))
        if len(compact(body)) < p["min_body_chars"]:
            continue
        defs.append((compact(d.term), body, d, clause))
    # Candidate terms: exact compact term, plus near-same terms within blocks that share the
    # last two characters (the head noun of a Korean compound).
    groups: dict[str, list] = defaultdict(list)
    for item in defs:
        groups[item[0]].append(item)
    blocks: dict[str, list[str]] = defaultdict(list)
    for term in groups:
        blocks[term[-2:]].append(term)
    merged: dict[str, set[str]] = {t: {t} for t in groups}
    for terms in blocks.values():
        if len(terms) < 2 or len(terms) > 2000:
            continue
        for i, a in enumerate(terms):
            for b in terms[i + 1 :]:
                if abs(len(a) - len(b)) <= 2 and term_scorer(a, b, score_cutoff=p["term_cutoff"]):
                    merged[a].add(b)
                    merged[b].add(a)
    emitted: set[str] = set()
    for term in sorted(groups):
        items = [x for t in sorted(merged[term]) for x in groups[t]]
        candidates = []
        for i, (ta, ba, da, ca) in enumerate(items):
            for tb, bb, db, cb in items[i + 1 :]:
                if ta > tb or (
                    ta == tb and (da.law_id, da.clause_ref) > (db.law_id, db.clause_ref)
                ):
                    ta, ba, da, ca, tb, bb, db, cb = tb, bb, db, cb, ta, ba, da, ca
                same_law = da.law_id == db.law_id
                if p["mode"] == "within_law":
                    if not same_law or da.clause_ref == db.clause_ref:
                        continue
                    if not _scopes_overlap(corpus, da, ca, db, cb):
                        continue
                    x, y = compact(ba), compact(bb)
                    if x in y or y in x:
                        continue  # one body restates the other
                    if _borrows(x, ta) and _borrows(y, tb):
                        continue  # both borrow the same defined word ("…에 따른 X")
                else:
                    if same_law or (
                        p["skip_same_family"] and corpus.same_family(da.law_id, db.law_id)
                    ):
                        continue
                    if _by_reference(corpus, da, db.law_id) or _by_reference(corpus, db, da.law_id):
                        continue
                if not (corpus.in_scope(rule, ca) or corpus.in_scope(rule, cb)):
                    continue
                similarity = body_scorer(ba, bb)
                if similarity > p["body_max_similarity"]:
                    continue
                candidates.append((similarity, ta, tb, da, ca, db, cb))
        candidates.sort(key=lambda x: (x[0], x[3].law_id, x[5].law_id))
        for similarity, ta, _tb, da, ca, db, cb in candidates[: p["max_per_term"]]:
            la, lb = corpus.law_of(ca), corpus.law_of(cb)
            f = _make(
                rule,
                [
                    _side(corpus, ca, "a", [Span(da.start, da.end, "term")]),
                    _side(corpus, cb, "b", [Span(db.start, db.end, "term")]),
                ],
                {
                    "term": da.term,
                    "other_term": db.term,
                    "law_a": la.name,
                    "ref_a": ca.ref,
                    "law_b": lb.name,
                    "ref_b": cb.ref,
                    "similarity": f"{similarity:.0f}",
                },
                strength=1.0 - similarity / 100 * 0.6,
                hint=resolution_hint(corpus, ca, cb)
                if da.law_id != db.law_id
                else _scope_hint(da, db),
                extra_keys=[f"term:{ta}"] if ca.key == cb.key else [],
                details={"similarity": round(similarity, 1), "body_a": da.body, "body_b": db.body},
                focus=corpus.is_focus(da.term + db.term),
            )
            if f.id not in emitted:
                emitted.add(f.id)
                yield f


def _borrows(body: str, term: str) -> bool:
    """ "법 제2조제6호에 따른 인공지능서비스": the body is the term as another provision has it."""
    return bool(
        re.search(rf"(?:따른|의한|정하는|말하는){re.escape(term)}(?:를|을)?(?:말한다)?$", body)
    )


def _scopes_overlap(corpus: Corpus, da: CDef, ca: CClause, db: CDef, cb: CClause) -> bool:
    """Whether two definitions of one law can both apply somewhere: chapter-scoped ones only
    within their own chapter."""
    if "chapter" in (da.scope, db.scope):
        return list(corpus.block_of(ca).division or []) == list(corpus.block_of(cb).division or [])
    return True


def _scope_hint(a: CDef, b: CDef) -> str:
    return (
        f"정의 범위: {a.clause_ref}의 정의는 '{a.scope}', {b.clause_ref}의 정의는 "
        f"'{b.scope}' 범위에 적용됩니다; 뒤의 정의가 적용되는 부분을 확인하십시오."
    )


# ---------------------------------------------------------------------------------------------
# Pairing clauses through shared terms (used by several kinds)
# ---------------------------------------------------------------------------------------------


def _pairs_within_kinds(
    corpus: Corpus,
    buckets: dict[str, list[CClause]],
    p: dict,
    allow: Callable[[CClause, CClause], bool],
    ignore: dict[str, Iterable[str]] | None = None,
) -> Iterator[tuple[str, CClause, CClause, float, list[str]]]:
    """Candidate pairs inside each bucket (duty kind, competence …), with the rule's
    term-index parameters: (kind, a, b, shared weight, shared terms)."""
    for kind, clauses in buckets.items():
        own_words = set((ignore or {}).get(kind, ()))
        pairs = pair_by_terms(
            corpus,
            {kind: clauses},
            None,
            max_df=p["max_term_df"],
            min_weight=p["min_shared_weight"],
            allow=allow,
            ignore_terms=lambda t, _w=own_words: t in _w,
            require_any=p["require_concepts"],
            strong=p["strong_concepts"],
            strong_min_weight=p["strong_min_weight"],
        )
        for (ia, ib), (weight, terms) in pairs.items():
            yield kind, corpus.by_id[ia], corpus.by_id[ib], weight, terms


def _pair_rank(result: tuple) -> tuple:
    """Sort key of a pair rule's candidates (score, kind, a, b, …): best first, ties in the
    order of the clauses, so that per-law-pair caps keep the same pairs however they were
    found (a full check, or an incremental one that finds them from the changed law's side)."""
    score, kind, a, b = result[:4]
    return (-score, kind, a.law_id, a.ref, a.position, b.law_id, b.ref, b.position)


def pair_by_terms(
    corpus: Corpus,
    left: dict[str, list[CClause]],
    right: dict[str, list[CClause]] | None,
    *,
    max_df: int,
    min_weight: float,
    allow: Callable[[CClause, CClause], bool],
    ignore_terms: Callable[[str], bool] = lambda t: False,
    require_any: Iterable[str] = (),
    strong: Iterable[str] = (),
    strong_min_weight: float = 0.0,
) -> dict[tuple[int, int], tuple[float, list[str]]]:
    """Pairs of clauses (one from each side, within one bucket) that share rare terms.

    Clauses are grouped in buckets (duty kind, activity …); inside a bucket an inverted index
    from term to clauses finds the pairs, and a term in more than `max_df` clauses of the
    corpus is not used (it pairs everything). `allow` must be symmetric: with a focus
    (`Corpus.focus`) a pair is tried only from its focused side. Returns {(left id, right
    id): (weight, terms)}.
    """
    df, _ = corpus.document_frequency
    corpus.note_buckets(left, right or {})
    required = {f"@{c}" if not c.startswith("@") else c for c in require_any}
    strong_set = {f"@{c}" if not c.startswith("@") else c for c in strong}
    corpus.prepare_terms(
        [
            x
            for group in (left, right or {})
            for clauses in group.values()
            for c in clauses
            for x in (c, *corpus.ancestors(c))
        ]
    )
    out: dict[tuple[int, int], list] = {}
    focus = corpus.focus
    for bucket, lefts in left.items():
        rights = right.get(bucket, []) if right is not None else lefts
        index: dict[str, list[CClause]] = defaultdict(list)
        for clause in rights:
            for term in corpus.context_terms(clause):
                if df.get(term, 0) <= max_df and not ignore_terms(term):
                    index[term].append(clause)
        for a in lefts:
            a_focused = focus is None or a.law_id in focus
            if right is None and not a_focused:
                continue  # a pair with a focused clause is found from that clause's side
            shared: dict[int, set[str]] = defaultdict(set)
            for term in corpus.context_terms(a):
                if df.get(term, 0) > max_df or ignore_terms(term):
                    continue
                for b in index.get(term, ()):
                    if b.id != a.id:
                        shared[b.id].add(term)
            for b_id, terms in shared.items():
                b = corpus.by_id[b_id]
                b_focused = focus is None or b.law_id in focus
                if not (a_focused or b_focused):
                    continue
                key = (a.id, b_id) if right is not None else tuple(sorted((a.id, b_id)))
                if key in out:
                    continue
                # Joined compounds repeat their parts: count a part only if the compound is
                # not also shared.
                kept = [t for t in terms if not any(t != u and t in u for u in terms)]
                weight = corpus.weight(kept)
                if required and not (required & corpus.context_terms(a) & corpus.context_terms(b)):
                    continue
                enough = weight >= min_weight or (
                    weight >= strong_min_weight
                    and bool(strong_set & corpus.context_terms(a) & corpus.context_terms(b))
                )
                if enough and allow(a, b):
                    out[key] = [weight, corpus.by_rarity(kept)]
    return {k: (v[0], v[1]) for k, v in out.items()}


def _term_spans(
    corpus: Corpus, clause: CClause, terms: Iterable[str], label: str = "term"
) -> list[Span]:
    wanted = set(terms)
    return [Span(t.start, t.end, label) for t in corpus.terms(clause) if t.term in wanted]


_COMPILED_CUES: dict[int, tuple[dict, list]] = {}


def _compiled_cues(data: dict) -> list[tuple[str, re.Pattern, list, list, list]]:
    """Per kind of a cue data file (`load_data` keeps one dict per file): one pattern that
    matches where any of its cues does, then the cues, exclusions and objects compiled."""
    cached = _COMPILED_CUES.get(id(data))
    if cached is None or cached[0] is not data:
        kinds = [
            (
                kind,
                re.compile("|".join(f"(?:{cue})" for cue in entry["cues"])),
                [re.compile(cue) for cue in entry["cues"]],
                [re.compile(x) for x in entry.get("exclude", [])],
                [re.compile(o) for o in entry.get("objects") or []],
            )
            for kind, entry in data["kinds"].items()
        ]
        cached = _COMPILED_CUES[id(data)] = (data, kinds)
    return cached[1]


def _cue_kinds(data: dict, text: str) -> dict[str, list[tuple[int, int]]]:
    """Which kinds of a cue data file a text matches, with the cue spans."""
    out: dict[str, list[tuple[int, int]]] = {}
    for kind, any_cue, cues, excludes, objects in _compiled_cues(data):
        # Most texts match no cue of a kind: one search tells, before each cue's spans.
        if not any_cue.search(text):
            continue
        spans = [(m.start(), m.end()) for cue in cues for m in cue.finditer(text)]
        if any(x.search(text) for x in excludes):
            continue
        if objects and not any(o.search(text) for o in objects):
            continue
        out[kind] = spans
    return out


def _actors_overlap(
    corpus: Corpus, a: CClause, actor_a: tuple[str, str], b: CClause, actor_b: tuple[str, str]
) -> float:
    """How far two duty-bearers may be the same persons (0 none … 1 same), via definitions."""
    (type_a, name_a), (type_b, name_b) = actor_a, actor_b
    if "anyone" in (type_a, type_b):
        return 0.8
    if type_a != type_b:
        return 0.0
    ca, cb = compact(name_a), compact(name_b)
    if not ca or not cb:
        return 0.5
    if ca == cb or ca.endswith(cb) or cb.endswith(ca):
        return 1.0
    da = corpus.actor_definition(a.law_id, name_a)
    db = corpus.actor_definition(b.law_id, name_b)
    body_a = compact(da.body) if da else ca
    body_b = compact(db.body) if db else cb
    if (da and compact(db.term if db else cb) in body_a) or (
        db and compact(da.term if da else ca) in body_b
    ):
        return 0.9
    genus = ("법인", "단체", "개인", "사업자", "기업", "자")
    ga = {g for g in genus if g in body_a[-40:] or body_a.endswith(g)}
    gb = {g for g in genus if g in body_b[-40:] or body_b.endswith(g)}
    if ga & gb:
        return 0.6
    return 0.3


# ---------------------------------------------------------------------------------------------
# Kind: overlapping-duty
# ---------------------------------------------------------------------------------------------


def _duty_clauses(
    corpus: Corpus, rule: Rule, modalities: Iterable[str], actor_types: Iterable[str]
) -> list[CClause]:
    out = []
    modalities, actor_types = set(modalities), set(actor_types)
    for clause in corpus.clauses:
        if clause.tag != "regulation" or clause.modality not in modalities:
            continue
        if not corpus.in_scope(rule, clause) or _is_annex(clause.ref):
            continue
        actor_type, bearer = corpus.actor(clause)
        if actor_type not in actor_types or _OFFICIAL_RE.search(compact(bearer)):
            continue
        out.append(clause)
    return out


# Duty-bearers the tagger may type as private that act for the state (the inspector who must
# show an ID card, a committee member): their duties are not duties of the regulated.
_OFFICIAL_RE = re.compile(
    r"(?:공무원|직원|위원|위원회|선거관리위원회|감독관|조사관|검사원|감시원)$"
    r"|(?:검사|조사|출입|점검|감리|검증)(?:를|을)?(?:하는|하려는)(?:사람|자)"
)


def kind_overlapping_duty(corpus: Corpus, rule: Rule) -> Iterator[Finding]:
    p = rule.parameters
    data = load_data(rule.data_path("duty_kinds_file"))
    wanted = set(p["duty_kinds"]) or set(data["kinds"])
    buckets: dict[str, list[CClause]] = defaultdict(list)
    cue_spans: dict[tuple[int, str], list[tuple[int, int]]] = {}
    for clause in _duty_clauses(corpus, rule, p["modalities"], p["actor_types"]):
        text = mask_notes(corpus.context_text(clause))
        offset = len(text) - len(clause.text)
        for kind, spans in _cue_kinds(data, text).items():
            if kind not in wanted:
                continue
            own = [(s - offset, e - offset) for s, e in spans if s >= offset]
            buckets[kind].append(clause)
            cue_spans[(clause.id, kind)] = own
    actors = {}

    def actor_of(c: CClause) -> tuple[str, str]:
        if c.id not in actors:
            actors[c.id] = corpus.actor(c)
        return actors[c.id]

    def allow(a: CClause, b: CClause) -> bool:
        if a.law_id == b.law_id:
            return False
        if p["skip_same_family"] and corpus.same_family(a.law_id, b.law_id):
            return False
        return _actors_overlap(corpus, a, actor_of(a), b, actor_of(b)) >= p["min_actor_overlap"]

    results: list[tuple[float, str, CClause, CClause, list[str], float]] = []
    ignore = {kind: data["kinds"][kind].get("ignore", []) for kind in buckets}
    for kind, a, b, weight, terms in _pairs_within_kinds(corpus, buckets, p, allow, ignore):
        if (a.law_id, a.ref) > (b.law_id, b.ref):
            a, b = b, a
        overlap = _actors_overlap(corpus, a, actor_of(a), b, actor_of(b))
        # A shared AI-domain concept ranks a pair as if it shared much more.
        strong = {f"@{c}" for c in p["strong_concepts"]}
        if strong & corpus.context_terms(a) & corpus.context_terms(b):
            weight += 2 * p["min_shared_weight"]
        results.append((weight * overlap, kind, a, b, terms, overlap))
    results.sort(key=_pair_rank)
    per_pair: Counter = Counter()
    seen_articles: set = set()
    for weight, kind, a, b, terms, overlap in results:
        pair_key = (a.law_id, b.law_id, kind)
        art_key = (kind, a.law_id, _article(a.ref), b.law_id, _article(b.ref))
        if per_pair[pair_key] >= p["max_per_law_pair"] or art_key in seen_articles:
            continue
        per_pair[pair_key] += 1
        seen_articles.add(art_key)
        la, lb = corpus.law_of(a), corpus.law_of(b)
        label = data["kinds"][kind]["label"]
        spans_a = [Span(s, e, f"duty:{kind}") for s, e in cue_spans.get((a.id, kind), [])]
        spans_b = [Span(s, e, f"duty:{kind}") for s, e in cue_spans.get((b.id, kind), [])]
        yield _make(
            rule,
            [
                _side(
                    corpus,
                    a,
                    "a",
                    spans_a
                    + _term_spans(corpus, a, terms[:5])
                    + _evidence_spans(corpus, a, ("actor",)),
                ),
                _side(
                    corpus,
                    b,
                    "b",
                    spans_b
                    + _term_spans(corpus, b, terms[:5])
                    + _evidence_spans(corpus, b, ("actor",)),
                ),
            ],
            {
                "law_a": la.name,
                "ref_a": a.ref,
                "law_b": lb.name,
                "ref_b": b.ref,
                "duty_kind": label,
                "actor_a": actor_of(a)[1] or "누구든지",
                "actor_b": actor_of(b)[1] or "누구든지",
                "shared": ", ".join(terms[:5]),
            },
            strength=min(1.0, weight / (3 * p["min_shared_weight"])),
            hint=resolution_hint(corpus, a, b),
            details={
                "duty_kind": kind,
                "shared_terms": terms[:10],
                "weight": round(weight, 2),
                "actor_overlap": overlap,
            },
            focus=corpus.is_focus(a.text + b.text),
        )


def _article(ref: str) -> str:
    parsed = _parse_ref(_strip_part(ref))
    return str(parsed.article_ref()) if parsed else ref


# ---------------------------------------------------------------------------------------------
# Kind: contradictory-duty
# ---------------------------------------------------------------------------------------------

_ACT_RE = re.compile(
    r"(?P<obj>[가-힣A-Za-z0-9ㆍ]{2,20})(?:을|를)\s+(?:\S+\s+){0,3}?(?P<verb>[가-힣]{2,8}?)"
    r"(?:하여야|해야|하여서는|해서는|할\s*수|하지\s*아니|하지\s*못|하게\s*하여서는)"
)


def _acts(text: str, config: TermConfig) -> set[tuple[str, str]]:
    out = set()
    for m in _ACT_RE.finditer(mask_notes(text)):
        obj = m.group("obj").split("ㆍ")[-1]
        for particle in config.particles:
            if obj.endswith(particle) and len(obj) - len(particle) >= 2:
                obj = obj[: -len(particle)]
                break
        verb = m.group("verb")
        if obj in config.stopwords or verb in config.stopwords:
            continue
        out.add((obj, verb))
    return out


def kind_contradictory_duty(corpus: Corpus, rule: Rule) -> Iterator[Finding]:
    p = rule.parameters
    modal_pairs = [tuple(x) for x in p["pairs"]]
    modalities = {m for pair in modal_pairs for m in pair}
    config = corpus.term_config
    by_act: dict[tuple[str, str], list[CClause]] = defaultdict(list)
    for clause in corpus.clauses:
        if clause.modality not in modalities or clause.inherited_from:
            continue
        if not corpus.in_scope(rule, clause) or _is_annex(clause.ref):
            continue
        if corpus.actor(clause)[0] not in p["actor_types"]:
            continue
        for act in _acts(clause.text, config):
            by_act[act].append(clause)
    emitted: Counter = Counter()
    results = []
    for act, clauses in by_act.items():
        if len(clauses) > p["max_term_df"]:
            continue
        for i, a in enumerate(clauses):
            for b in clauses[i + 1 :]:
                pair = (a.modality, b.modality)
                if pair not in modal_pairs and pair[::-1] not in modal_pairs:
                    continue
                if p["cross_law_only"] and a.law_id == b.law_id:
                    continue
                if p["skip_same_family"] and corpus.same_family(a.law_id, b.law_id):
                    continue
                if a.law_id == b.law_id and _excepts(corpus, a, b):
                    continue
                if _actors_overlap(corpus, a, corpus.actor(a), b, corpus.actor(b)) < 0.6:
                    continue
                shared = {t.term for t in corpus.terms(a)} & {t.term for t in corpus.terms(b)}
                weight = corpus.weight(shared)
                if weight < p["min_shared_weight"]:
                    continue
                results.append((weight, act, a, b, shared))
    results.sort(key=_pair_rank)
    for weight, act, a, b, shared in results:
        if emitted[a.id] >= p["max_per_clause"] or emitted[b.id] >= p["max_per_clause"]:
            continue
        emitted[a.id] += 1
        emitted[b.id] += 1
        la, lb = corpus.law_of(a), corpus.law_of(b)
        act_text = f"{act[0]} {act[1]}"
        yield _make(
            rule,
            [
                _side(
                    corpus,
                    a,
                    "a",
                    _act_spans(a, act) + _evidence_spans(corpus, a, ("modality", "actor")),
                ),
                _side(
                    corpus,
                    b,
                    "b",
                    _act_spans(b, act) + _evidence_spans(corpus, b, ("modality", "actor")),
                ),
            ],
            {
                "law_a": la.name,
                "ref_a": a.ref,
                "law_b": lb.name,
                "ref_b": b.ref,
                "act": act_text,
                "modality_a": _MODALITY_KO.get(a.modality, a.modality),
                "modality_b": _MODALITY_KO.get(b.modality, b.modality),
            },
            strength=min(1.0, weight / (4 * p["min_shared_weight"])),
            hint=resolution_hint(corpus, a, b),
            details={
                "act": list(act),
                "shared_terms": corpus.by_rarity(shared)[:10],
            },
            focus=corpus.is_focus(a.text + b.text),
        )


_MODALITY_KO = {
    "obligation": "의무",
    "prohibition": "금지",
    "permission": "허용",
    "effort_duty": "노력의무",
}


def _act_spans(clause: CClause, act: tuple[str, str]) -> list[Span]:
    out = []
    for m in _ACT_RE.finditer(mask_notes(clause.text)):
        if m.group("verb") == act[1] and act[0] in m.group("obj"):
            out.append(Span(m.start(), m.end(), "act"))
    return out


def _excepts(corpus: Corpus, a: CClause, b: CClause) -> bool:
    """Within one law: one clause is the other's exception (불구하고, 다만, a citation)."""
    for x, y in ((a, b), (b, a)):
        if "불구하고" in x.text or "다만" in x.text:
            return True
        for r in corpus.refs_from.get(x.id, []):
            if (
                r.target_law_id == y.law_id
                and r.target_ref
                and ref_contains(_article(_strip_part(r.target_ref)), y.ref)
            ):
                return True
    return _article(a.ref) == _article(b.ref)


# ---------------------------------------------------------------------------------------------
# Kind: promotion-vs-restriction
# ---------------------------------------------------------------------------------------------


def _concept_pairs(
    corpus: Corpus,
    promote: dict[str, list[CClause]],
    restrict: dict[str, list[CClause]],
    p: dict,
    allow: Callable[[CClause, CClause], bool],
) -> dict[tuple[int, int], tuple[float, list[str]]]:
    """Promoting and restricting clauses of one activity that concern one concept.

    The promoting side is read with the concepts related to its own (training data may hold
    personal data and works: rules/data/concepts.yaml `related`), so that "supporting the
    use of training data" meets "not using personal data beyond its purpose". A pair weighs
    the concept's IDF plus the IDF of the rare words both share; within a concept bucket an
    inverted index over the restricting side finds the word-sharing pairs, and only small
    buckets also pair clauses that share no word.
    """
    related = load_related_concepts()
    wanted = {f"@{c}" for c in p["require_concepts"]} or None
    df, _ = corpus.document_frequency
    out: dict[tuple[int, int], tuple[float, list[str]]] = {}
    for kind, promoters in promote.items():
        restrictors = restrict.get(kind, [])
        if not restrictors:
            continue
        corpus.prepare_terms(
            [x for c in (*promoters, *restrictors) for x in (c, *corpus.ancestors(c))]
        )
        by_concept: dict[str, list[CClause]] = defaultdict(list)
        # Inside a large concept bucket only clauses sharing a rare word pair up: an inverted
        # index over those words finds them without visiting the whole bucket (issue 7).
        by_word: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
        for clause in restrictors:
            terms = corpus.context_terms(clause)
            for term in terms:
                if term.startswith("@") and (wanted is None or term in wanted):
                    position = len(by_concept[term])
                    by_concept[term].append(clause)
                    for word in terms:
                        if not word.startswith("@") and df.get(word, 0) <= p["max_term_df"]:
                            by_word[term][word].append(position)
        for a in promoters:
            own = {t for t in corpus.context_terms(a) if t.startswith("@")}
            expanded = own | {r for c in own for r in related.get(c, ())}
            words_a = {
                t
                for t in corpus.context_terms(a)
                if not t.startswith("@") and df.get(t, 0) <= p["max_term_df"]
            }
            for concept in expanded:
                bucket = by_concept.get(concept, [])
                if len(bucket) > 50:
                    index = by_word[concept]
                    bucket = [
                        bucket[i] for i in sorted({i for w in words_a for i in index.get(w, ())})
                    ]
                for b in bucket:
                    if b.id == a.id or not allow(a, b):
                        continue
                    shared = words_a & corpus.context_terms(b)
                    kept = [t for t in shared if not any(t != u and t in u for u in shared)]
                    weight = corpus.weight([concept, *kept])
                    if weight < p["min_shared_weight"]:
                        continue
                    key = (a.id, b.id)
                    terms = [concept, *corpus.by_rarity(kept)]
                    if key not in out or out[key][0] < weight:
                        out[key] = (weight, terms)
    return out


@lru_cache(maxsize=2)
def load_related_concepts(path: Path = DATA_DIR / "concepts.yaml") -> dict[str, tuple[str, ...]]:
    """Concept -> concepts it may contain (the `related` lists of concepts.yaml)."""
    data = load_data(path)
    return {
        f"@{key}": tuple(f"@{r}" for r in entry.get("related", []))
        for key, entry in data["kinds"].items()
    }


def kind_promotion_vs_restriction(corpus: Corpus, rule: Rule) -> Iterator[Finding]:
    p = rule.parameters
    data = load_data(rule.data_path("activities_file"))
    promote: dict[str, list[CClause]] = defaultdict(list)
    restrict: dict[str, list[CClause]] = defaultdict(list)
    spans: dict[tuple[int, str], list[tuple[int, int]]] = {}
    for clause in corpus.clauses:
        if clause.inherited_from or not corpus.in_scope(rule, clause) or _is_annex(clause.ref):
            continue
        text = mask_notes(clause.text)
        is_promotion = (
            clause.tag == "promotion"
            and corpus.actor(clause)[0] in ("state", "none")
            and any(word in text for word in p["promotion_words"])
        )
        is_restriction = (
            clause.tag == "regulation"
            and clause.modality in p["restriction_modalities"]
            and corpus.actor(clause)[0] in p["restriction_actor_types"]
        )
        if not (is_promotion or is_restriction):
            continue
        for kind, found in _cue_kinds(data, text).items():
            spans[(clause.id, kind)] = found
            (promote if is_promotion else restrict)[kind].append(clause)

    def allow(a: CClause, b: CClause) -> bool:
        if a.law_id == b.law_id:
            return False
        return not (p["skip_same_family"] and corpus.same_family(a.law_id, b.law_id))

    pairs = _concept_pairs(corpus, promote, restrict, p, allow)
    activity_of: dict[tuple[int, int], str] = {}
    for kind in promote:
        ids_p = {c.id for c in promote[kind]}
        ids_r = {c.id for c in restrict.get(kind, [])}
        for key in pairs:
            if key[0] in ids_p and key[1] in ids_r:
                activity_of.setdefault(key, kind)
    ranked = sorted(pairs.items(), key=lambda kv: -kv[1][0])
    per_clause: Counter = Counter()
    seen_articles: set = set()
    for (ia, ib), (weight, terms) in ranked:
        a, b = corpus.by_id[ia], corpus.by_id[ib]
        art_key = (a.law_id, _article(a.ref), b.law_id, _article(b.ref))
        if (
            per_clause[a.id] >= p["max_per_clause"]
            or per_clause[b.id] >= p["max_per_clause"] + 1
            or art_key in seen_articles
        ):
            continue
        per_clause[a.id] += 1
        per_clause[b.id] += 1
        seen_articles.add(art_key)
        kind = activity_of.get((ia, ib), next(iter(data["kinds"])))
        la, lb = corpus.law_of(a), corpus.law_of(b)
        yield _make(
            rule,
            [
                _side(
                    corpus,
                    a,
                    "promotion",
                    [Span(s, e, "activity") for s, e in spans.get((a.id, kind), [])[:3]]
                    + _term_spans(corpus, a, terms[:5]),
                ),
                _side(
                    corpus,
                    b,
                    "restriction",
                    _term_spans(corpus, b, terms[:5]) + _evidence_spans(corpus, b, ("modality",)),
                ),
            ],
            {
                "law_a": la.name,
                "ref_a": a.ref,
                "law_b": lb.name,
                "ref_b": b.ref,
                "activity": data["kinds"][kind]["label"],
                "shared": ", ".join(terms[:5]),
            },
            strength=min(1.0, weight / (2.5 * p["min_shared_weight"])),
            hint=resolution_hint(corpus, a, b),
            details={"activity": kind, "shared_terms": terms[:10], "weight": round(weight, 2)},
            focus=corpus.is_focus(a.text + b.text),
        )


# ---------------------------------------------------------------------------------------------
# Kind: sanction-disparity
# ---------------------------------------------------------------------------------------------

_UNITS = {
    "억": 100_000_000,
    "천만": 10_000_000,
    "백만": 1_000_000,
    "십만": 100_000,
    "만": 10_000,
    "천": 1_000,
    "백": 100,
}
_AMOUNT_RE = re.compile(
    r"(?P<amount>\d[\d,]*(?:\.\d+)?\s*(?:억|천만|백만|십만|만|천|백)?"
    r"(?:\s*\d[\d,]*\s*(?:천만|백만|십만|만|천|백))*)\s*원\s*이하의\s*(?P<what>벌금|과태료|과징금)"
)
_PRISON_RE = re.compile(r"(?P<n>\d+)\s*년\s*이하의\s*(?:징역|금고)")


def parse_amount(text: str) -> int | None:
    """'3천만' -> 30000000, '1억 5천만' -> 150000000, '500만' -> 5000000."""
    total = 0
    found = False
    for m in re.finditer(r"(\d[\d,]*(?:\.\d+)?)\s*(억|천만|백만|십만|만|천|백)?", text):
        number = float(m.group(1).replace(",", ""))
        unit = _UNITS.get(m.group(2) or "", 1)
        total += int(number * unit)
        found = True
    return total if found else None


@dataclass(frozen=True)
class SanctionLevel:
    """The maximum sanction a clause provides."""

    prison_years: int = 0
    criminal_fine: int = 0  # 벌금, won
    admin_fine: int = 0  # 과태료, won
    surcharge: int = 0  # 과징금 (fixed amounts only), won

    @property
    def criminal(self) -> bool:
        return bool(self.prison_years or self.criminal_fine)

    @property
    def amount(self) -> int:
        return self.criminal_fine if self.criminal else self.admin_fine

    def describe(self) -> str:
        parts = []
        if self.prison_years:
            parts.append(f"{self.prison_years}년 이하 징역")
        if self.criminal_fine:
            parts.append(f"{_won(self.criminal_fine)} 이하 벌금")
        if self.admin_fine:
            parts.append(f"{_won(self.admin_fine)} 이하 과태료")
        if self.surcharge:
            parts.append(f"{_won(self.surcharge)} 이하 과징금")
        return " / ".join(parts) or "정하지 않음"


def _won(amount: int) -> str:
    if amount >= 100_000_000 and amount % 100_000_000 == 0:
        return f"{amount // 100_000_000}억원"
    if amount >= 10_000:
        return f"{amount // 10_000:,}만원"
    return f"{amount:,}원"


def sanction_level(text: str) -> SanctionLevel:
    """Parse "3년 이하의 징역 또는 3천만원 이하의 벌금", "3천만원 이하의 과태료" …"""
    text = mask_notes(text)
    prison = max((int(m.group("n")) for m in _PRISON_RE.finditer(text)), default=0)
    amounts: dict[str, int] = defaultdict(int)
    for m in _AMOUNT_RE.finditer(text):
        value = parse_amount(m.group("amount")) or 0
        amounts[m.group("what")] = max(amounts[m.group("what")], value)
    return SanctionLevel(prison, amounts["벌금"], amounts["과태료"], amounts["과징금"])


def kind_sanction_disparity(corpus: Corpus, rule: Rule) -> Iterator[Finding]:
    p = rule.parameters
    data = load_data(rule.data_path("duty_kinds_file"))
    # duty clause id -> (sanction clause, level)
    enforced: dict[int, list[tuple[CClause, SanctionLevel]]] = defaultdict(list)
    for link in corpus.sanctions:
        if link.kind not in ("penalty", "fine") or not link.target_ref or link.status != "resolved":
            continue
        source = corpus.by_id.get(link.clause_id)
        target = corpus.by_key.get((link.target_law_id or "", _strip_part(link.target_ref)))
        if source is None or target is None:
            continue
        level = sanction_level(corpus.context_text(source))
        if not (level.criminal or level.admin_fine):
            continue
        enforced[target.id].append((source, level))
    buckets: dict[str, list[CClause]] = defaultdict(list)
    cue_spans: dict[tuple[int, str], list[tuple[int, int]]] = {}
    for duty_id in enforced:
        duty = corpus.by_id[duty_id]
        if not corpus.in_scope(rule, duty):
            continue
        text = mask_notes(corpus.context_text(duty))
        offset = len(text) - len(duty.text)
        for kind, spans in _cue_kinds(data, text).items():
            buckets[kind].append(duty)
            cue_spans[(duty.id, kind)] = [(s - offset, e - offset) for s, e in spans if s >= offset]

    def worst(duty: CClause) -> tuple[CClause, SanctionLevel]:
        return max(enforced[duty.id], key=lambda x: (x[1].criminal, x[1].prison_years, x[1].amount))

    def allow(a: CClause, b: CClause) -> bool:
        return a.law_id != b.law_id and not corpus.same_family(a.law_id, b.law_id)

    results = []
    ignore = {kind: data["kinds"][kind].get("ignore", []) for kind in buckets}
    for kind, a, b, weight, terms in _pairs_within_kinds(corpus, buckets, p, allow, ignore):
        (sa, va), (sb, vb) = worst(a), worst(b)
        ratio = 1.0
        reason = ""
        if va.criminal != vb.criminal:
            if not p["flag_class_difference"]:
                continue
            reason = "class"
            ratio = 10.0
        else:
            low, high = sorted((va.amount, vb.amount))
            if low <= 0:
                continue
            ratio = high / low
            if va.criminal and va.prison_years and vb.prison_years:
                ratio = max(
                    ratio,
                    max(va.prison_years, vb.prison_years) / min(va.prison_years, vb.prison_years),
                )
            if ratio < p["min_ratio"]:
                continue
            reason = "amount"
        if (a.law_id, a.ref) > (b.law_id, b.ref):
            a, b, sa, sb, va, vb = b, a, sb, sa, vb, va
        results.append(
            (weight * min(ratio, 10) / 10, kind, a, b, sa, sb, va, vb, ratio, terms, reason)
        )
    results.sort(key=_pair_rank)
    per_pair: Counter = Counter()
    for score, kind, a, b, sa, sb, va, vb, ratio, terms, reason in results:
        if per_pair[(a.law_id, b.law_id)] >= p["max_per_law_pair"]:
            continue
        per_pair[(a.law_id, b.law_id)] += 1
        la, lb = corpus.law_of(a), corpus.law_of(b)
        yield _make(
            rule,
            [
                _side(
                    corpus,
                    a,
                    "duty_a",
                    [Span(s, e, f"duty:{kind}") for s, e in cue_spans.get((a.id, kind), [])]
                    + _term_spans(corpus, a, terms[:4]),
                ),
                _side(corpus, sa, "sanction_a", _sanction_spans(sa)),
                _side(
                    corpus,
                    b,
                    "duty_b",
                    [Span(s, e, f"duty:{kind}") for s, e in cue_spans.get((b.id, kind), [])]
                    + _term_spans(corpus, b, terms[:4]),
                ),
                _side(corpus, sb, "sanction_b", _sanction_spans(sb)),
            ],
            {
                "law_a": la.name,
                "ref_a": a.ref,
                "law_b": lb.name,
                "ref_b": b.ref,
                "duty_kind": data["kinds"][kind]["label"],
                "level_a": va.describe(),
                "level_b": vb.describe(),
                "ratio": "형사처벌 대 과태료" if reason == "class" else f"{ratio:.1f}배",
            },
            strength=min(1.0, score / p["min_shared_weight"]),
            hint=resolution_hint(corpus, a, b),
            details={
                "duty_kind": kind,
                "ratio": round(ratio, 2),
                "class_difference": reason == "class",
                "shared_terms": terms[:8],
            },
            focus=corpus.is_focus(a.text + b.text),
        )


def _sanction_spans(clause: CClause) -> list[Span]:
    text = mask_notes(clause.text)
    out = [Span(m.start(), m.end(), "sanction") for m in _AMOUNT_RE.finditer(text)]
    out += [Span(m.start(), m.end(), "sanction") for m in _PRISON_RE.finditer(text)]
    return out


# ---------------------------------------------------------------------------------------------
# Kind: jurisdiction-overlap
# ---------------------------------------------------------------------------------------------

_GENERIC_AUTHORITY_RE = re.compile(
    r"^(?:국가|정부|지방자치단체|국가및지방자치단체|관계중앙행정기관의장|관계행정기관의장|중앙행정기관의장|"
    r"시ㆍ도지사|시장ㆍ군수ㆍ구청장|행정기관|공공기관|장관|위원회|국가기관등|지방자치단체의장|관계기관)$"
)


def _authority(name: str) -> str:
    name = compact(name)
    name = re.sub(r"^(?:제\d+조[^가-힣]*)", "", name)
    return name


def kind_jurisdiction_overlap(corpus: Corpus, rule: Rule) -> Iterator[Finding]:
    p = rule.parameters
    data = load_data(rule.data_path("competences_file"))
    buckets: dict[str, list[CClause]] = defaultdict(list)
    spans: dict[tuple[int, str], list[tuple[int, int]]] = {}
    authority: dict[int, str] = {}
    for clause in corpus.clauses:
        if clause.inherited_from or not corpus.in_scope(rule, clause) or _is_annex(clause.ref):
            continue
        actor_type, bearer = corpus.actor(clause)
        if actor_type != "state" or clause.modality not in ("permission", "obligation"):
            continue
        name = _authority(bearer)
        if not name or _GENERIC_AUTHORITY_RE.match(name) or len(name) > 30:
            continue
        text = mask_notes(clause.text)
        for kind, found in _cue_kinds(data, text).items():
            buckets[kind].append(clause)
            spans[(clause.id, kind)] = found
            authority[clause.id] = name

    def allow(a: CClause, b: CClause) -> bool:
        if a.law_id == b.law_id or (
            p["skip_same_family"] and corpus.same_family(a.law_id, b.law_id)
        ):
            return False
        x, y = authority[a.id], authority[b.id]
        return not (x == y or x in y or y in x)

    results = []
    for kind, a, b, weight, terms in _pairs_within_kinds(corpus, buckets, p, allow):
        if (a.law_id, a.ref) > (b.law_id, b.ref):
            a, b = b, a
        results.append((weight, kind, a, b, terms))
    results.sort(key=_pair_rank)
    per_pair: Counter = Counter()
    for weight, kind, a, b, terms in results:
        if per_pair[(a.law_id, b.law_id)] >= p["max_per_law_pair"]:
            continue
        per_pair[(a.law_id, b.law_id)] += 1
        la, lb = corpus.law_of(a), corpus.law_of(b)
        yield _make(
            rule,
            [
                _side(
                    corpus,
                    a,
                    "a",
                    [Span(s, e, f"competence:{kind}") for s, e in spans[(a.id, kind)]]
                    + _evidence_spans(corpus, a, ("actor",))
                    + _term_spans(corpus, a, terms[:5]),
                ),
                _side(
                    corpus,
                    b,
                    "b",
                    [Span(s, e, f"competence:{kind}") for s, e in spans[(b.id, kind)]]
                    + _evidence_spans(corpus, b, ("actor",))
                    + _term_spans(corpus, b, terms[:5]),
                ),
            ],
            {
                "law_a": la.name,
                "ref_a": a.ref,
                "law_b": lb.name,
                "ref_b": b.ref,
                "authority_a": corpus.actor(a)[1],
                "authority_b": corpus.actor(b)[1],
                "competence": data["kinds"][kind]["label"],
                "shared": ", ".join(terms[:5]),
            },
            strength=min(1.0, weight / (2.5 * p["min_shared_weight"])),
            hint=resolution_hint(corpus, a, b),
            details={"competence": kind, "shared_terms": terms[:10], "weight": round(weight, 2)},
            focus=corpus.is_focus(a.text + b.text),
        )


# ---------------------------------------------------------------------------------------------
# Kind: duty-without-sanction
# ---------------------------------------------------------------------------------------------


def kind_duty_without_sanction(corpus: Corpus, rule: Rule) -> Iterator[Finding]:
    p = rule.parameters
    targets: dict[str, list[str]] = defaultdict(list)
    whole_law: set[str] = set()
    sanctioned_laws: set[str] = set()
    for link in corpus.sanctions:
        if not link.target_law_id:
            continue
        sanctioned_laws.add(link.target_law_id)
        if link.target_ref is None:
            if link.kind == "corrective" and p["count_whole_law_corrective"]:
                whole_law.add(link.target_law_id)
            continue
        targets[link.target_law_id].append(_strip_part(link.target_ref))
    for clause in corpus.clauses:
        if (
            clause.modality not in p["modalities"]
            or clause.tag != "regulation"
            or clause.inherited_from
        ):
            continue
        if not corpus.in_scope(rule, clause) or _is_annex(clause.ref):
            continue
        actor_type, bearer = corpus.actor(clause)
        if actor_type not in p["actor_types"]:
            continue
        if clause.law_id in whole_law:
            continue
        if p["require_sanctions_in_law"] and clause.law_id not in sanctioned_laws:
            continue
        if corpus.is_deleted(clause):
            continue
        refs = targets.get(clause.law_id, [])
        if any(
            t == clause.ref or ref_contains(t, clause.ref) or ref_contains(clause.ref, t)
            for t in refs
        ):
            continue
        law = corpus.law_of(clause)
        yield _make(
            rule,
            [_side(corpus, clause, "duty", _evidence_spans(corpus, clause, ("modality", "actor")))],
            {
                "law_name": law.name,
                "law_id": law.law_id,
                "ref": clause.ref,
                "duty_bearer": bearer or "누구든지",
            },
            strength=0.7,
            focus=corpus.is_focus(clause.text),
        )


# ---------------------------------------------------------------------------------------------
# Kind: effective-date-mismatch
# ---------------------------------------------------------------------------------------------


def _first_implementation(corpus: Corpus, decree: CClause, statute: CClause, when: str) -> bool:
    """No other clause of the decree's law cites the statute clause with an earlier (or
    unknown) date: the delegation had no implementation before `when`."""
    for ref in corpus.refs_to.get((statute.law_id, statute.ref), []):
        other = corpus.by_id.get(ref.clause_id)
        if other is None or other.law_id != decree.law_id or other.id == decree.id:
            continue
        other_date, _ = corpus.clause_date(other)
        if other_date is None or other_date < when:
            return False
    return True


def kind_effective_date_mismatch(corpus: Corpus, rule: Rule) -> Iterator[Finding]:
    p = rule.parameters
    seen: set[tuple[int, int]] = set()
    for ref in corpus.refs:
        if (
            ref.kind != "parent"
            or ref.status != "resolved"
            or not ref.target_ref
            or not ref.target_law_id
        ):
            continue
        decree = corpus.by_id.get(ref.clause_id)
        statute = corpus.by_key.get((ref.target_law_id, _strip_part(ref.target_ref)))
        if decree is None or statute is None or (decree.id, statute.id) in seen:
            continue
        seen.add((decree.id, statute.id))
        if corpus.law_of(statute).level is not LawLevel.STATUTE:
            continue
        if not corpus.in_scope(rule, decree) or _is_annex(decree.ref) or _is_addendum(statute.ref):
            continue
        d_date, d_how = corpus.clause_date(decree)
        s_date, s_how = corpus.clause_date(statute)
        if d_date is None or s_date is None:
            continue
        days = (date.fromisoformat(d_date) - date.fromisoformat(s_date)).days
        # Early: the decree clause executes a statute clause that was created (신설) after it
        # took effect. Late: a decree clause created (신설) long after its statute clause.
        # A clause last amended (개정) existed before in another wording, so neither applies.
        _, statute_change = corpus.last_change(statute)
        _, decree_change = corpus.last_change(decree)
        early = p["flag_early"] and days <= -p["min_early_days"] and statute_change == "신설"
        late = (
            p["flag_late"]
            and days > p["max_lag_days"]
            and decree_change == "신설"
            and bool(_DELEGATION_RE.search(mask_notes(statute.text)))
            and _first_implementation(corpus, decree, statute, d_date)
        )
        if not (early or late):
            continue
        ld, ls = corpus.law_of(decree), corpus.law_of(statute)
        yield _make(
            rule,
            [
                _side(corpus, decree, "decree", [Span(ref.start, ref.end, "citation")]),
                _side(corpus, statute, "statute"),
            ],
            {
                "law_a": ld.name,
                "ref_a": decree.ref,
                "law_b": ls.name,
                "ref_b": statute.ref,
                "date_a": d_date,
                "date_b": s_date,
                "days": str(abs(days)),
            },
            strength=1.0 if early else min(1.0, days / (4 * max(p["max_lag_days"], 1))),
            hint=f"시행일 근거: 시행령 {d_how}, 법률 {s_how}.",
            details={
                "days": days,
                "decree_date_source": d_how,
                "statute_date_source": s_how,
                "early": early,
            },
            focus=corpus.is_focus(decree.text + statute.text),
        )


# ---------------------------------------------------------------------------------------------
# Registry of kinds and the check itself
# ---------------------------------------------------------------------------------------------

KIND_FUNCTIONS: dict[str, Callable[[Corpus, Rule], Iterable[Finding]]] = {
    "delegation-gap": kind_delegation_gap,
    "delegation-excess": kind_delegation_excess,
    "dangling-reference": kind_dangling_reference,
    "definition-divergence": kind_definition_divergence,
    "overlapping-duty": kind_overlapping_duty,
    "contradictory-duty": kind_contradictory_duty,
    "promotion-vs-restriction": kind_promotion_vs_restriction,
    "sanction-disparity": kind_sanction_disparity,
    "jurisdiction-overlap": kind_jurisdiction_overlap,
    "duty-without-sanction": kind_duty_without_sanction,
    "effective-date-mismatch": kind_effective_date_mismatch,
}
assert set(KIND_FUNCTIONS) == set(KINDS), "every kind in ruleset.KINDS needs a function"


@dataclass
class CheckReport:
    """What `run_check` found: findings best first, and what was checked."""

    findings: list[Finding]
    rules: list[Rule]
    laws: list[str]  # names of the laws read
    law_filter: str | None = None
    seconds: float = 0.0
    per_rule: dict[str, int] = field(default_factory=dict)
    # For an incremental check: changed / scope / loaded laws, findings re-evaluated and kept.
    incremental: dict[str, Any] | None = None

    def at_or_above(self, severity: str) -> list[Finding]:
        """Findings whose severity is `severity` or worse (for --fail-on)."""
        floor = SEVERITY_ORDER[severity]
        return [f for f in self.findings if SEVERITY_ORDER[f.severity] >= floor]

    def exit_code(self, fail_on: str = "info") -> int:
        """0 when nothing at or above `fail_on`, else 1 (the CLI maps errors to 2)."""
        return 1 if self.at_or_above(fail_on) else 0

    def as_json(self) -> list[dict]:
        return [finding_to_dict(f) for f in self.findings]


def run_rules(
    corpus: Corpus,
    rules: Iterable[Rule],
    *,
    law_ids: set[str] | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> list[Finding]:
    """Run rules over a loaded corpus; findings involving `law_ids` only, best first."""
    out: dict[str, Finding] = {}
    rules = list(rules)
    corpus.focus = law_ids
    try:
        for done, rule in enumerate(rules, start=1):
            function = KIND_FUNCTIONS[rule.kind]
            for finding in function(corpus, rule):
                if law_ids is not None and not any(c.law_id in law_ids for c in finding.clauses):
                    continue
                out.setdefault(finding.id, finding)
            if progress is not None:
                progress(done, len(rules), rule.id)
    finally:
        corpus.focus = None
    return sorted(out.values(), key=lambda f: (-f.score, f.rule_id, f.id))


def run_check(
    engine: Engine,
    *,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    law: str | None = None,
    preview: bool = False,
    rules: RuleSet | None = None,
    save: bool = False,
    corpus: Corpus | None = None,
    incremental: bool = True,
    progress: Callable[[int, int, str], None] | None = None,
) -> CheckReport:
    """Check the newest version of every law in the database with the selected rules.

    A full saved check leaves a term index beside the database (`lawcheck.incremental`); the
    next saved check of every law re-evaluates only the findings that can involve the laws
    changed since, and keeps the stored others (the same findings a full check gives).

    Args:
        engine: a database filled by import + analyse.
        select / ignore: rule ids, aliases or prefixes ("DLG", "OVL001"); default all.
        law: only findings involving this law (법령ID, name or abbreviation); the other
            laws are still read, as the other side of cross-law findings.
        preview: include preview rules (a preview rule selected by exact id always runs).
        rules: a rule set (default: rules/ of this checkout).
        save: replace the stored findings of the checked scope (rules × law) in one transaction.
        corpus: an already loaded corpus (tests, notebooks, compare_versions).
        incremental: use the term index when it allows (`save`, every law, no `corpus`).
        progress: called with (rules done, rules, rule id) as the rules run.

    Returns:
        A CheckReport; findings carry their latest review decision and whether a clause
        changed since.

    Raises:
        RuleFileError: a rule file is invalid or a selector matches no rule.
        LawNotFoundError: `law` is not in the database.
    """
    import time

    from lawcheck.store import find_version

    started = time.perf_counter()
    ruleset = rules or default_rules()
    chosen = ruleset.select(select, ignore, preview=preview)
    whole = corpus is None and law is None and save
    if whole and incremental:
        from lawcheck.incremental import plan

        todo = plan(engine, chosen)
        if todo is not None:
            return _run_incremental(engine, chosen, todo, started, progress)
    corpus = corpus or Corpus(engine)
    law_ids = None
    if law is not None:
        with Session(engine) as session:
            law_ids = {find_version(session, law).law_id}
    findings = run_rules(corpus, chosen, law_ids=law_ids, progress=progress)
    with Session(engine) as session:
        findings = with_decisions(session, findings)
    if save:
        with session_scope(engine) as session:
            save_findings(session, findings, rule_ids=[r.id for r in chosen], law_ids=law_ids)
    if whole:
        from lawcheck.incremental import write_index

        write_index(engine, corpus, chosen)
    return _report(findings, chosen, [i.name for i in corpus.law.values()], law, started)


def _report(
    findings: list[Finding],
    chosen: list[Rule],
    names: Iterable[str],
    law: str | None,
    started: float,
    incremental: dict[str, Any] | None = None,
) -> CheckReport:
    import time

    per_rule = Counter(f.rule_id for f in findings)
    return CheckReport(
        findings=findings,
        rules=chosen,
        laws=sorted(names),
        law_filter=law,
        seconds=round(time.perf_counter() - started, 2),
        per_rule={r.id: per_rule.get(r.id, 0) for r in chosen},
        incremental=incremental,
    )


def _run_incremental(engine: Engine, chosen: list[Rule], todo, started: float, progress):
    """Re-evaluate the findings of the changed laws' scope on their neighbourhood, replace
    them in the store, keep the others, and return every finding as a full check would."""
    from lawcheck.incremental import update_index
    from lawcheck.store import finding_from_row

    rule_ids = [r.id for r in chosen]
    reevaluated: list[Finding] = []
    loaded = 0
    if todo.changed or todo.removed:
        corpus = Corpus(engine, todo.versions, todo.frequencies, todo.stored_terms)
        loaded = len(corpus.law)
        scope = todo.scope | todo.removed
        reevaluated = run_rules(corpus, chosen, law_ids=scope, progress=progress)
        with session_scope(engine) as session:
            save_findings(session, reevaluated, rule_ids=rule_ids, law_ids=scope)
        update_index(todo, corpus, chosen)
    with Session(engine) as session:
        # Plain rows of the columns a Finding needs: every stored finding is listed.
        rows = session.connection().execute(
            select(
                FindingRow.finding_id,
                FindingRow.rule_id,
                FindingRow.kind,
                FindingRow.severity,
                FindingRow.message,
                FindingRow.clauses,
                FindingRow.resolution_hint,
                FindingRow.score,
                FindingRow.rule_hash,
                FindingRow.details,
            ).where(FindingRow.rule_id.in_(rule_ids))
        )
        findings = [finding_from_row(row) for row in rows]
        findings.sort(key=lambda f: (-f.score, f.rule_id, f.id))
        findings = with_decisions(session, findings)
        names = session.exec(select(LawVersion.name)).all()
    return _report(
        findings,
        chosen,
        sorted(set(names)),
        None,
        started,
        {
            "changed": sorted(todo.changed),
            "removed": sorted(todo.removed),
            "scope": sorted(todo.scope),
            "laws_read": loaded,
            "reevaluated": len(reevaluated),
            "kept": len(findings) - len(reevaluated),
        },
    )


# ---------------------------------------------------------------------------------------------
# Versions
# ---------------------------------------------------------------------------------------------


@dataclass
class VersionComparison:
    """Which findings an amendment created, resolved or kept (ids are version-independent)."""

    law_id: str
    old: str  # 공포번호 / 시행일자 as asked
    new: str
    created: list[Finding]
    resolved: list[Finding]
    kept: list[Finding]


def compare_versions(
    engine: Engine,
    law: str,
    old: str,
    new: str,
    *,
    select: Iterable[str] | None = None,
    ignore: Iterable[str] | None = None,
    preview: bool = False,
    rules: RuleSet | None = None,
) -> VersionComparison:
    """Check the corpus twice — with version `old` of a law, then with `new` — and compare.

    Every other law is read at its newest version. Only findings involving the law count.

    Args:
        law: 법령ID, name or abbreviation.
        old / new: 공포번호 (e.g. "20676") or 시행일자 (YYYY-MM-DD) of the two versions.

    Raises:
        LawNotFoundError: the law or a version is not in the database.
    """
    from lawcheck.store import find_version

    ruleset = rules or default_rules()
    chosen = ruleset.select(select, ignore, preview=preview)
    with Session(engine) as session:
        v_old = find_version(session, law, version=old)
        v_new = find_version(session, law, version=new)
        latest = [
            v.id for v in list_versions(session, latest_only=True) if v.law_id != v_old.law_id
        ]
    results = []
    for version in (v_old, v_new):
        corpus = Corpus(engine, versions=[*latest, version.id])
        results.append({f.id: f for f in run_rules(corpus, chosen, law_ids={version.law_id})})
    before, after = results
    with Session(engine) as session:
        created = with_decisions(session, [after[k] for k in after if k not in before])
        resolved = with_decisions(session, [before[k] for k in before if k not in after])
        kept = with_decisions(session, [after[k] for k in after if k in before])

    def order(items: list[Finding]) -> list[Finding]:
        return sorted(items, key=lambda f: (-f.score, f.id))

    return VersionComparison(v_old.law_id, old, new, order(created), order(resolved), order(kept))


# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    """A finding as JSON data (the `--format json` list items)."""
    return {
        "id": finding.id,
        "rule": finding.rule_id,
        "kind": finding.kind,
        "severity": finding.severity,
        "message": finding.message,
        "score": finding.score,
        "clauses": [
            {
                "role": c.role,
                "law_name": c.law_name,
                "law_id": c.law_id,
                "law_kind": c.law_kind,
                "ref": c.ref,
                "text": c.text,
                "content_hash": c.content_hash,
                "version": c.version,
                "effective_date": c.effective_date,
                "spans": [
                    {
                        "start": s.start,
                        "end": s.end,
                        "label": s.label,
                        "text": c.text[s.start : s.end],
                    }
                    for s in c.spans
                ],
            }
            for c in finding.clauses
        ],
        "resolution_hint": finding.resolution_hint,
        "decision": finding.decision,
        "text_changed_since_decision": finding.text_changed_since_decision,
        "rule_hash": finding.rule_hash,
        "details": finding.details,
    }


def format_finding_text(finding: Finding, *, width: int = 160) -> str:
    """A finding for the terminal: header, message, each clause with its spans marked."""
    lines = [f"{finding.id}  [{finding.severity}] {finding.kind}  score {finding.score:.2f}"]
    lines.append(f"  {finding.message}")
    for c in finding.clauses:
        lines.append(f"  - {c.role}: {c.law_name} ({c.law_kind}) {c.ref}")
        text = _mark(c.text, c.spans)
        text = _SPACE_RE.sub(" ", text).strip()
        if len(text) > width:
            text = text[: width - 1] + "…"
        lines.append(f"      {text}")
    if finding.resolution_hint:
        for i, hint in enumerate(finding.resolution_hint.splitlines()):
            lines.append(("  해결 단서: " if i == 0 else "             ") + hint)
    if finding.decision:
        changed = " (결정 후 조문이 바뀜)" if finding.text_changed_since_decision else ""
        lines.append(f"  검토: {finding.decision}{changed}")
    return "\n".join(lines)


def _mark(text: str, spans: Iterable[Span]) -> str:
    """The text with the firing spans bracketed: ⟦…⟧ (non-overlapping, first wins)."""
    chosen: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -(s.end - s.start))):
        if chosen and span.start < chosen[-1].end:
            continue
        chosen.append(span)
    out = []
    pos = 0
    for span in chosen:
        out.append(text[pos : span.start])
        out.append("⟦" + text[span.start : span.end] + "⟧")
        pos = span.end
    out.append(text[pos:])
    return "".join(out)


def format_report_text(report: CheckReport) -> str:
    """All findings for the terminal, then a summary line per rule."""
    blocks = [format_finding_text(f) for f in report.findings]
    summary = ", ".join(f"{rule}: {n}" for rule, n in sorted(report.per_rule.items()))
    line = f"{len(report.findings)} findings ({summary}) in {report.seconds:.1f} s"
    if report.incremental:
        info = report.incremental
        line += (
            f"; incremental: {len(info['changed'])} laws changed, {info['laws_read']} laws read,"
            f" {info['reevaluated']} findings re-evaluated, {info['kept']} kept"
        )
    blocks.append(line)
    return "\n\n".join(blocks)


# ---------------------------------------------------------------------------------------------
# Rule examples: mini-corpora through the real importer, splitter and analysis
# ---------------------------------------------------------------------------------------------

_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def example_markdown(law) -> str:
    """A legalize-kr Markdown file for one example law (front matter, articles, 부칙)."""
    front = {
        "제목": law.name,
        "법령MST": f"9{law.law_id}",
        "법령ID": law.law_id,
        "법령구분": law.kind,
        "소관부처": [law.ministry] if law.ministry else [],
        "공포일자": law.promulgation_date,
        "공포번호": law.promulgation_no,
        "시행일자": law.effective_date,
        "상태": "시행",
    }
    lines = [
        "---",
        yaml.safe_dump(front, allow_unicode=True, sort_keys=False).strip(),
        "---",
        "",
        f"# {law.name}",
        "",
    ]
    for article in law.articles:
        title = f" ({article.title})" if article.title else ""
        lines += [f"##### {article.ref}{title}", ""]
        for line in article.text.splitlines():
            line = line.strip()
            if not line:
                continue
            if line[0] in _CIRCLED:
                lines.append(f"**{line[0]}** {line[1:].strip()}")
            elif re.match(r"^\d+(?:의\d+)?\.\s", line):
                number, rest = line.split(".", 1)
                lines.append(f"  {number}\\. {rest.strip()}")
            elif re.match(r"^[가-힣](?:의\d+)?\.\s", line):
                letter, rest = line.split(".", 1)
                lines.append(f"    {letter}\\. {rest.strip()}")
            else:
                lines.append(line)
            lines.append("")
    if law.addenda:
        lines += ["## 부칙", ""]
        for addendum in law.addenda:
            for line in addendum.splitlines():
                if line.strip():
                    lines += [line.strip(), ""]
    return "\n".join(lines)


def run_example(rule: Rule, example: Example, workdir: Path | None = None) -> list[Finding]:
    """Run one rule on one example mini-corpus: each law is written as a legalize-kr
    Markdown file, imported, split and analysed into an in-memory database, then checked."""
    import tempfile

    from lawcheck.pipeline import analyse_database, import_paths
    from lawcheck.store import get_engine

    with tempfile.TemporaryDirectory(dir=workdir) as tmp:
        paths = []
        for law in example.laws:
            path = Path(tmp) / f"{law.law_id}.md"
            path.write_text(example_markdown(law), encoding="utf-8")
            paths.append(path)
        engine = get_engine("sqlite://")
        try:
            report = import_paths(paths, engine)
            if report.failed:
                raise RuleFileError(
                    rule.path,
                    f"examples[{example.test_id}]",
                    f"example does not import: {report.failed}",
                )
            known = None
            if example.known_laws is not None:
                known = Path(tmp) / "known_laws.tsv"
                rows = ["law_id\tlaw_name_ko\tkind"]
                rows += [f"{law.law_id}\t{law.name}\t{law.kind}" for law in example.laws]
                rows += [f"\t{name}\t" for name in example.known_laws]
                known.write_text("\n".join(rows) + "\n", encoding="utf-8")
            analyse_database(engine, known_names=known)
            return run_rules(Corpus(engine), [rule])
        finally:
            engine.dispose()
