"""Values passed between lawcheck's stages: laws, blocks, clauses and their references.

Input: nothing (this module only defines types). Output: frozen dataclasses used by every
stage — importers build `RawLaw`, the splitter turns it into `LawText` whose `Clause`s carry
`ClauseRef`s with a canonical string form ("제3조의2제1항제2호가목") that parses back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from enum import StrEnum
from functools import lru_cache

from lawcheck.errors import RefSyntaxError


class LawLevel(StrEnum):
    """Rank of a norm in the hierarchy (법령 체계); lower norms fill what higher ones delegate."""

    CONSTITUTION = "헌법"
    STATUTE = "법률"
    DECREE = "대통령령"
    RULE = "부령"
    OTHER = "기타"

    @property
    def rank(self) -> int:
        """Smaller is higher (lex superior compares ranks)."""
        return _LEVEL_RANK[self]

    @classmethod
    def from_kind(cls, kind: str) -> LawLevel:
        """Map a 법령구분 such as '대통령령' or '과학기술정보통신부령' to its level."""
        kind = kind.strip()
        if kind == "헌법":
            return cls.CONSTITUTION
        if kind == "법률":
            return cls.STATUTE
        if kind == "대통령령":
            return cls.DECREE
        if kind == "총리령" or kind.endswith("부령") or kind.endswith("처령"):
            return cls.RULE
        return cls.OTHER


_LEVEL_RANK = {
    LawLevel.CONSTITUTION: 0,
    LawLevel.STATUTE: 1,
    LawLevel.DECREE: 2,
    LawLevel.RULE: 3,
    LawLevel.OTHER: 4,
}


class BlockKind(StrEnum):
    """Top-level container of clause text: an article (조), addendum (부칙) or annex (별표)."""

    ARTICLE = "조"
    ADDENDUM = "부칙"
    ANNEX = "별표"


class UnitKind(StrEnum):
    """Kind of one clause unit; units of a block partition its text."""

    PREAMBLE = "전문"  # text before the first article
    ARTICLE = "조"
    PARAGRAPH = "항"
    ITEM = "호"
    SUBITEM = "목"
    DETAIL = "세목"  # 1), 2) under a 목
    SUBDETAIL = "세세목"  # 가), 나) and deeper (1), (가)
    NOTE = "부기"  # a bracketed amendment note standing on its own line, e.g. [전문개정 2024.2.6]
    ADDENDUM = "부칙"
    ADDENDUM_ARTICLE = "부칙조"
    ANNEX = "별표"
    UNPARSED = "UNPARSED"


class PartKind(StrEnum):
    """Addressable halves of one unit's sentence(s) (본문/단서, 전단/후단)."""

    MAIN = "본문"
    PROVISO = "단서"
    FRONT = "전단"
    LATTER = "후단"
    LEAD = "각 호 외의 부분"


# ---------------------------------------------------------------------------------------------
# Clause references
# ---------------------------------------------------------------------------------------------

_REF_RE = re.compile(
    r"""^
    (?P<preamble>전문)?
    (?:부칙<(?P<addendum>[^>]+)>)?
    (?:(?P<annex_kind>별표|서식)(?P<annex>\d+)(?:의(?P<annex_branch>\d+))?)?
    (?:제(?P<article>\d+)조(?:의(?P<article_branch>\d+))?)?
    (?:제(?P<paragraph>\d+)항)?
    (?:제(?P<item>\d+)호(?:의(?P<item_branch>\d+))?)?
    (?:(?P<subitem>[가-힣](?:의\d+)?)목)?
    (?:/(?=\d))?
    (?P<details>(?:\(?[0-9가-힣]+\))*)
    (?:\ (?P<part>본문|단서|전단|후단|각\ 호\ 외의\ 부분))?
    $""",
    re.VERBOSE,
)
_DETAIL_RE = re.compile(r"\(?[0-9가-힣]+\)")


@dataclass(frozen=True, order=True)
class ClauseRef:
    """Where a clause sits inside one law, independent of the law's version.

    The canonical string ("제3조의2제1항제2호가목", "부칙<제21311호>제1조", "별표2",
    "제35조제1항 후단") parses back with `ClauseRef.parse`. Together with the 법령ID it is the
    clause's stable key: it survives re-import of a newer version of the same law. A label of
    two or more digits right after a branched item is set off by "/" ("제1호의2/10)"), the one
    place where the parts would otherwise run together ambiguously.
    """

    preamble: bool = False  # 전문: text before the first article (헌법 전문, laws without 조)
    addendum: str | None = None  # 부칙 identifier, e.g. "제21311호"
    annex_kind: str | None = None  # "별표" or "서식"
    annex: int | None = None
    annex_branch: int = 0
    article: int | None = None  # 제3조의2 -> article=3, article_branch=2
    article_branch: int = 0
    paragraph: int | None = None  # ① -> 1
    item: int | None = None  # 1의2. -> item=1, item_branch=2
    item_branch: int = 0
    subitem: str | None = None  # Hangul letter, "가" or "가의2"
    details: tuple[str, ...] = ()  # deeper labels as written: "1)", "가)", "(1)"
    part: str | None = None  # a PartKind value

    def __str__(self) -> str:
        # Resolving and linking turn the same refs (shared by `parse`) into keys again and
        # again: the string is made once per object and kept beside the fields, outside eq,
        # hash and order (a cached_property's lock cost more than it saved).
        try:
            return self.__dict__["_canonical"]
        except KeyError:
            text = self._format()
            object.__setattr__(self, "_canonical", text)
            return text

    def _format(self) -> str:
        out = []
        if self.preamble:
            out.append("전문")
        if self.addendum is not None:
            out.append(f"부칙<{self.addendum}>")
        if self.annex is not None:
            out.append(f"{self.annex_kind or '별표'}{self.annex}")
            if self.annex_branch:
                out.append(f"의{self.annex_branch}")
        if self.article is not None:
            out.append(f"제{self.article}조")
            if self.article_branch:
                out.append(f"의{self.article_branch}")
        if self.paragraph is not None:
            out.append(f"제{self.paragraph}항")
        if self.item is not None:
            out.append(f"제{self.item}호")
            if self.item_branch:
                out.append(f"의{self.item_branch}")
        if self.subitem is not None:
            out.append(f"{self.subitem}목")
        if self.item_branch and self.details and self.details[0][:2].isdigit():
            # "제1호의2" + "10)" would read back as 제1호의21 + "0)": a "/" keeps them apart
            # (only there, so that the keys of one-digit labels, "제1호의21)", stay as they were).
            out.append("/")
        out.extend(self.details)
        if self.part:
            out.append(f" {self.part}")
        return "".join(out)

    @classmethod
    def parse(cls, text: str) -> ClauseRef:
        """Parse a canonical reference string; spaces between parts are tolerated.

        Raises:
            RefSyntaxError: the string is not a clause reference.
        """
        return _parse_ref(text)

    def with_part(self, part: str | None) -> ClauseRef:
        """The same clause with a 본문/단서/전단/후단 part (or without one)."""
        # Most callers drop a part the ref does not have: the ref itself is that value.
        return self if part == self.part else replace(self, part=part)

    def article_ref(self) -> ClauseRef:
        """The enclosing article, addendum or annex."""
        return ClauseRef(
            preamble=self.preamble,
            addendum=self.addendum,
            annex_kind=self.annex_kind,
            annex=self.annex,
            annex_branch=self.annex_branch,
            article=self.article,
            article_branch=self.article_branch,
        )

    def contains(self, other: ClauseRef) -> bool:
        """True if `other` is this clause or lies inside it."""
        mine = self._path()
        theirs = other._path()
        return theirs[: len(mine)] == mine and (self.part is None or self.part == other.part)

    def _path(self) -> tuple:
        path: list = [
            ("preamble", self.preamble),
            ("addendum", self.addendum),
            ("annex", self.annex_kind, self.annex, self.annex_branch),
            ("article", self.article, self.article_branch),
        ]
        for name, value in (
            ("paragraph", (self.paragraph,)),
            ("item", (self.item, self.item_branch)),
            ("subitem", (self.subitem,)),
        ):
            if value[0] is not None:
                path.append((name, *value))
        path.extend(("detail", d) for d in self.details)
        # Drop trailing unset levels so that 제3조 contains 제3조제1항.
        while path and all(v in (None, 0) for v in path[-1][1:]):
            path.pop()
        return tuple(path)


_PARTS = tuple(kind.value for kind in PartKind)
_SPACE_RE = re.compile(r"\s+")


# Loading a law parses every clause's ref and parent ref, and resolving parses the refs of the
# cited laws' children: the same strings, across laws too ("제1조제1항"), hundreds of thousands
# of times per analyse. A ClauseRef is frozen, so one object can serve every caller; the bound
# keeps a national run's cache small while the strings of the law at hand stay in it.
@lru_cache(maxsize=1 << 16)
def _parse_ref(raw: str) -> ClauseRef:
    text = raw.strip()
    part = None
    for kind in _PARTS:
        if text.endswith(kind):
            part = kind
            text = text[: -len(kind)].rstrip()
            break
    compact = _SPACE_RE.sub("", text)
    m = _REF_RE.match(compact)
    if (
        not compact
        or m is None
        or (m.group("details") and not (m.group("subitem") or m.group("item")))
        or not (
            m.group("article") or m.group("annex") or m.group("addendum") or m.group("preamble")
        )
    ):
        raise RefSyntaxError(raw)
    g = m.groupdict()
    details = tuple(_DETAIL_RE.findall(g["details"] or ""))
    return ClauseRef(
        preamble=bool(g["preamble"]),
        addendum=g["addendum"],
        annex_kind=g["annex_kind"],
        annex=_int(g["annex"]),
        annex_branch=_int(g["annex_branch"]) or 0,
        article=_int(g["article"]),
        article_branch=_int(g["article_branch"]) or 0,
        paragraph=_int(g["paragraph"]),
        item=_int(g["item"]),
        item_branch=_int(g["item_branch"]) or 0,
        subitem=g["subitem"],
        details=details,
        part=part,
    )


def _int(value: str | None) -> int | None:
    return int(value) if value else None


# ---------------------------------------------------------------------------------------------
# Importer output: what a source says, before splitting
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LawMeta:
    """Metadata of one law version (법령 기본정보)."""

    law_id: str  # 법령ID, 6 digits, stable across versions
    name: str  # 법령명_한글
    kind: str  # 법령구분: 법률, 대통령령, 총리령, 과학기술정보통신부령 …
    mst: str | None = None  # 법령일련번호: one per version; absent from lawService bodies
    abbreviation: str | None = None  # 법령명약칭
    ministry: str | None = None
    ministry_code: str | None = None
    promulgation_no: str | None = None  # 공포번호, zero-padded string as the API gives it
    promulgation_date: str | None = None  # YYYY-MM-DD
    effective_date: str | None = None  # YYYY-MM-DD
    revision_kind: str | None = None  # 제개정구분
    law_key: str | None = None  # 법령키 = 법령ID + 공포일자 + 공포번호
    status: str | None = None  # legalize-kr 상태 (시행 …)
    article_effective_dates: str | None = None  # 조문시행일자문자열, as given

    @property
    def level(self) -> LawLevel:
        return LawLevel.from_kind(self.kind)


@dataclass(frozen=True)
class RawLine:
    """One line of source text with the structural level the source format gave it.

    `level` is the unit kind the source marks explicitly (XML element, Markdown markup), or
    None for a line the source does not mark (continuations, deeper 1)/가) items), which the
    splitter classifies from the text itself.
    """

    text: str
    level: UnitKind | None = None
    label: str | None = None  # number as the source gives it: "①", "1의2.", "가."


@dataclass(frozen=True)
class RawBlock:
    """One article, addendum or annex as the source gives it, lines in document order."""

    kind: BlockKind
    lines: tuple[RawLine, ...]
    article: int | None = None
    article_branch: int = 0
    title: str | None = None
    effective_date: str | None = None  # 조문시행일자 / 별표시행일자
    notes: tuple[str, ...] = ()  # 조문참고자료 such as "[본조신설 2026.1.20]"
    division: tuple[str, ...] = ()  # headings in force: ("제2장 …", "제1절 …")
    annex_kind: str | None = None  # for annexes: 별표 / 서식
    annex: int | None = None
    annex_branch: int = 0
    addendum: str | None = None  # for addenda: "제21311호"
    source_line: int | None = None  # 1-based line in the source file, for error messages


@dataclass(frozen=True)
class Division:
    """A structural heading (편/장/절/관) and the article it stands before."""

    level: str  # 편 | 장 | 절 | 관
    text: str  # "제2장 인공지능의 건전한 발전과 …"
    position: int  # index of the block it precedes


@dataclass(frozen=True)
class RawLaw:
    """What an importer read from one source file."""

    meta: LawMeta
    blocks: tuple[RawBlock, ...]
    divisions: tuple[Division, ...]
    source_path: str
    source_format: str  # api-xml | api-json | markdown
    source_sha256: str


# ---------------------------------------------------------------------------------------------
# Splitter output
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    """A labelled character range [start, end) in a block's text."""

    start: int
    end: int
    label: str


@dataclass(frozen=True)
class Clause:
    """One unit of a law: 조, 항, 호, 목 … with its own text and where it sits.

    `start`/`end` delimit the unit's own text in the block text; `end_of_subtree` extends over
    its children. The own spans of all units of a block, with the single newline that ends each
    line, partition the block text: every character belongs to exactly one unit.
    """

    ref: ClauseRef
    kind: UnitKind
    text: str  # own text, equal to block.text[start:end]
    start: int
    end: int
    end_of_subtree: int
    label: str | None = None
    parent: ClauseRef | None = None
    parts: tuple[Span, ...] = ()  # 본문/단서, 전단/후단 ranges (block offsets)
    notes: tuple[Span, ...] = ()  # inline amendment notes such as <개정 2026.1.20>
    reason: str | None = None  # why a unit is UNPARSED


@dataclass(frozen=True)
class Block:
    """An article, addendum or annex with its verbatim text and its units."""

    kind: BlockKind
    ref: ClauseRef
    text: str
    clauses: tuple[Clause, ...]
    title: str | None = None
    effective_date: str | None = None
    deleted: bool = False  # 삭제 marker
    notes: tuple[str, ...] = ()
    division: tuple[str, ...] = ()


@dataclass(frozen=True)
class LawText:
    """A law version split into blocks and clauses; what `store` persists."""

    meta: LawMeta
    blocks: tuple[Block, ...]
    divisions: tuple[Division, ...]
    source_path: str
    source_format: str
    source_sha256: str
    normalisation: str = (
        "lines stripped of surrounding white space; blank lines dropped; markup removed"
    )
    counts: dict[str, int] = field(default_factory=dict, compare=False, hash=False)

    def clauses(self):
        """Every clause of every block, in document order."""
        for block in self.blocks:
            yield from block.clauses

    def find(self, ref: ClauseRef | str) -> Clause | None:
        """The clause with this reference (without its part), or None."""
        if isinstance(ref, str):
            ref = ClauseRef.parse(ref)
        ref = ref.with_part(None)
        for clause in self.clauses():
            if clause.ref == ref:
                return clause
        return None


# ---------------------------------------------------------------------------------------------
# Analysis output
# ---------------------------------------------------------------------------------------------


class Tag(StrEnum):
    """What a clause does: the state promoting an activity, regulating people, or neither."""

    PROMOTION = "promotion"  # 진흥: support, funding, fostering, infrastructure, preference
    REGULATION = "regulation"  # 규제: duties, prohibitions, permits, orders, sanctions
    NEUTRAL = "neutral"  # definitions, organisation, delegation-only, procedure
    UNKNOWN = "unknown"


class Modality(StrEnum):
    """How a clause binds (DOMAIN.md §6)."""

    OBLIGATION = "obligation"  # 하여야 한다
    PROHIBITION = "prohibition"  # 하여서는 아니 된다, 할 수 없다 (restriction), 금지한다
    PERMISSION = "permission"  # 할 수 있다 (재량, 권한)
    EFFORT = "effort_duty"  # 노력하여야 한다, 힘써야 한다
    DELEGATION = "delegation"  # 대통령령/부령/고시로 정한다
    DEFINITION = "definition"  # "…"란 …을 말한다
    EXEMPTION = "exemption"  # 적용하지 아니한다, 책임을 지지 아니한다
    SANCTION = "sanction"  # 징역/벌금에 처한다, 과태료를 부과한다
    DEEMING = "deeming"  # …로 본다
    NONE = "none"


class ActorType(StrEnum):
    """Who bears a modal verb."""

    STATE = "state"  # 국가, 지방자치단체, 장관, 위원회, 공공기관 acting as authority
    PRIVATE = "private"  # 사업자, 개인정보처리자, 이용자 …
    ANYONE = "anyone"  # 누구든지
    NONE = "none"


class RefStatus(StrEnum):
    RESOLVED = "resolved"
    UNRESOLVED = "unresolved"


@dataclass(frozen=True)
class Reference:
    """A citation inside a clause's text and what it points to.

    `start`/`end` are offsets in the citing clause's own text. A range ("제3조부터 제5조까지")
    yields one Reference per target article, sharing the span.
    """

    start: int
    end: int
    text: str  # the cited words as written
    kind: str  # explicit (「법명」), same_law (같은 법), this_law (이 법 / bare 제N조),
    # parent (법/영 inside decrees and rules), relative (같은 조, 같은 항, 제N항)
    target_law_id: str | None  # 법령ID of the target, when known
    target_law_name: str | None  # as resolved, or as cited when not in the corpus
    target_ref: str | None  # canonical ClauseRef string; None for a whole-law citation
    status: RefStatus = RefStatus.UNRESOLVED
    reason: str | None = None  # why unresolved: law not in corpus, article missing, deleted …


@dataclass(frozen=True)
class Definition:
    """A defined term: an item of a 정의 article or an inline '(이하 "X"이라 한다)'."""

    term: str
    body: str  # the defining words (for an inline definition, the phrase before it)
    law_id: str
    clause_ref: str  # where it is defined
    start: int  # term span in the defining clause's own text
    end: int
    scope: str  # law (이 법에서) | article (이하 이 조에서) | following (이하 같다) | clause
    kind: str  # article (정의 조항) | inline
    refers_to: Reference | None = None  # 「X법」 제2조제1호에 따른 … : definition by reference


# ---------------------------------------------------------------------------------------------
# Check output
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FindingClause:
    """One side of a finding: a clause, its text and the spans that made the rule fire.

    `spans` are offsets in `text` (the clause's own text) labelled with what they show
    ("delegation", "citation", "term", "duty:notice", "sanction" …).
    """

    law_id: str
    law_name: str
    law_kind: str  # 법령구분
    ref: str  # canonical ClauseRef string
    text: str
    content_hash: str
    spans: tuple[Span, ...] = ()
    role: str = ""  # what the clause is in the finding: statute, decree, duty, sanction, a, b …
    version: str | None = None  # 공포번호 of the version read
    effective_date: str | None = None

    @property
    def key(self) -> str:
        """The clause's stable key: 법령ID + canonical reference."""
        return f"{self.law_id}:{self.ref}"


def finding_id(rule_id: str, keys) -> str:
    """A finding's stable id: the rule id and the sorted clause keys (never row ids).

    Versions of a law share their clause keys, so the same problem found in two versions (or
    after a re-import) has the same id, and review decisions re-attach to it.
    """
    return rule_id + ":" + "+".join(sorted(dict.fromkeys(keys)))


@dataclass(frozen=True)
class Finding:
    """A problem a rule found: where, why, how the law itself may resolve it, how it ranks."""

    id: str  # finding_id(rule_id, clause keys)
    rule_id: str
    kind: str
    severity: str  # error | warning | info
    message: str  # Korean, filled from the rule's template
    clauses: tuple[FindingClause, ...]
    resolution_hint: str | None = None  # lex specialis / superior / posterior, when the law says
    score: float = 0.0  # rank: higher first
    rule_hash: str = ""  # sha256 of the rule file that produced it
    details: dict = field(default_factory=dict, compare=False, hash=False)
    decision: str | None = None  # the latest review decision, when read with decisions
    text_changed_since_decision: bool | None = None  # None: no decision

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(c.key for c in self.clauses)
