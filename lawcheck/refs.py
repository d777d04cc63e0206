"""Cross-references (인용): find the citations in a clause's text and resolve them to clause keys.

Input: the own text of one clause (from `split`) and a `LawIndex` built from split laws plus
the names of laws known to exist without text. Output: `Reference` values (models.py), each
with its span in the clause text and either a resolved target (법령ID + canonical `ClauseRef`
string that exists in the target law) or a reason from `REASONS` why it stays unresolved.

Two steps, both pure: `extract_references` reads the words ("「개인정보 보호법」 제37조의2제1항",
"같은 항 제2호", "제129조부터 제132조까지") into `RawCitation`s without knowing any law;
`resolve` fills what the words leave to the context (이 법, 같은 법, 법/영 in decrees and rules,
제N항 relative to the citing clause) and checks the target against the index. Regexes are
compiled once and each clause is scanned left to right once, so the cost is linear in the text.
"""

from __future__ import annotations

import bisect
import csv
import logging
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from lawcheck.models import (
    BlockKind,
    ClauseRef,
    LawLevel,
    LawMeta,
    LawText,
    Reference,
    RefStatus,
    UnitKind,
)

log = logging.getLogger(__name__)

ABBREVIATIONS_PATH = (
    Path(__file__).resolve().parent.parent / "corpus" / "dict" / "law_abbreviations.tsv"
)

# Why a reference stays unresolved (Reference.reason). A fixed vocabulary, so that counts and
# rules can rely on it.
LAW_NOT_IN_CORPUS = "law not in corpus"  # the law exists (known name) but its text is not loaded
NO_SUCH_LAW = "no such law (renamed or repealed?)"  # the name is not a known law name
ARTICLE_MISSING = "article missing"  # the law has no such article (or 부칙 article, 별표)
PARAGRAPH_MISSING = "paragraph/item missing"  # the article exists, the 항/호/목 does not
ARTICLE_DELETED = "article deleted"  # the article is a "삭제" stub: the reference dangles
AMBIGUOUS = "ambiguous"  # the words allow more than one target, or none in the context
UNSUPPORTED = "unsupported form"  # a form lawcheck does not resolve (e.g. 항 inside a 별표)
ANNEX_NOT_IN_SOURCE = "annex text not in source"  # 별표 cited, but the source has no 별표 text
REASONS = (
    LAW_NOT_IN_CORPUS,
    NO_SUCH_LAW,
    ARTICLE_MISSING,
    PARAGRAPH_MISSING,
    ARTICLE_DELETED,
    AMBIGUOUS,
    UNSUPPORTED,
    ANNEX_NOT_IN_SOURCE,
)

# Reference.kind values.
KIND_EXPLICIT = "explicit"  # 「법명」, a known 법령약칭, the law named in an amendment 부칙
KIND_SAME_LAW = "same_law"  # 같은 법 (the law last named), 같은 법 시행령
KIND_THIS_LAW = "this_law"  # 이 법 / 이 영 / 이 규칙, or a bare 제N조
KIND_PARENT = "parent"  # 법 / 영 inside a decree or rule
KIND_RELATIVE = "relative"  # 제N항, 제N호, 가목 alone; 같은 조/항/호; 다음 각 호

# RawCitation.law: how the words designate the cited law.
LAW_NAMED = "named"  # 「법명」 (or a full name before "일부를 다음과 같이 개정한다")
LAW_WORD = "word"  # an unbracketed word before 제N조: a citation only if the index knows it
LAW_AMENDED = "amended"  # bare 제N조 inside an amendment of the law named before it
LAW_SAME = "same"  # 같은 법, 같은 영, 동법 …; law_name holds 시행령/시행규칙 if written
LAW_THIS = "this"  # 이 법, 이 영, 이 규칙
LAW_STATUTE = "statute"  # 법 (the parent statute of a decree or rule)
LAW_DECREE = "decree"  # 영 (the decree of a rule)
LAW_IMPLICIT = "implicit"  # nothing written: this law, or relative to the citing clause

_LETTERS = "가나다라마바사아자차카타파하거너더러머버서어저처커터퍼허"
_LETTER_INDEX = {ch: i for i, ch in enumerate(_LETTERS)}
_LEVELS = ("annex", "article", "paragraph", "item", "subitem")
_ANCHOR_LEVEL = {"조": 1, "항": 2, "호": 3, "목": 4}


# ---------------------------------------------------------------------------------------------
# Law names and the index
# ---------------------------------------------------------------------------------------------

_DOTS = str.maketrans({"·": "ㆍ", "・": "ㆍ", "‧": "ㆍ", "∙": "ㆍ", "•": "ㆍ"})
_SPACE_RE = re.compile(r"\s+")


# Every cited law name and candidate word is looked up by this key, the same few thousand names
# over and over across a corpus.
@lru_cache(maxsize=1 << 14)
def compact_name(name: str) -> str:
    """A law name for lookups: NFC, one middle dot (ㆍ), no white space ("개인정보보호법")."""
    return _SPACE_RE.sub("", unicodedata.normalize("NFC", name).translate(_DOTS))


class KnownLaw(NamedTuple):
    """A law known by name (e.g. from the legalize-kr index) whose text may not be loaded."""

    law_id: str | None
    name: str
    kind: str | None = None


@dataclass(frozen=True, eq=False)
class LawEntry:
    """What the resolver knows about one law whose text is in the corpus."""

    law_id: str
    name: str
    kind: str
    abbreviations: tuple[str, ...]
    refs: frozenset[str]  # canonical strings of every clause (without parts)
    deleted: frozenset[str]  # article refs whose block is a 삭제 stub
    titles: Mapping[str, str]  # article ref -> 조문제목
    # parent ref ('' = main text) -> its children's refs, in order. Strings (the objects of
    # `refs`), parsed where a rule needs their parts: as ClauseRef objects they held 1 GB of a
    # national index in each link worker (issue 7).
    children: Mapping[str, tuple[str, ...]]
    addenda: tuple[str, ...]  # 부칙 ids in document order ("제21311호,2026.1.20")
    has_annexes: bool  # False for sources without 별표 text (legalize-kr Markdown)
    source_sha256: str = ""
    effective_date: str | None = None
    promulgation_no: str | None = None

    @property
    def level(self) -> LawLevel:
        return LawLevel.from_kind(self.kind)

    @classmethod
    def from_law(cls, law: LawText, abbreviations: Iterable[str] = ()) -> LawEntry:
        """Collect refs, deleted articles, titles and the child order of one split law."""
        refs: set[str] = set()
        deleted: set[str] = set()
        titles: dict[str, str] = {}
        children: dict[str, list[str]] = {}
        one: dict[str, str] = {}  # one string object per ref, shared by refs and children
        addenda: list[str] = []
        has_annexes = False
        for block in law.blocks:
            key = str(block.ref)
            if block.kind is BlockKind.ADDENDUM:
                addenda.append(block.ref.addendum or "?")
            elif block.kind is BlockKind.ANNEX:
                has_annexes = True
            elif block.ref.article is not None:
                children.setdefault("", []).append(one.setdefault(key, key))
                if block.deleted:
                    deleted.add(key)
                if block.title:
                    titles[key] = block.title
            for clause in block.clauses:
                if clause.kind in (UnitKind.UNPARSED, UnitKind.NOTE):
                    continue
                ref = str(clause.ref)
                refs.add(one.setdefault(ref, ref))
                if clause.parent is not None:
                    parent = str(clause.parent)
                    children.setdefault(one.setdefault(parent, parent), []).append(one[ref])
        abbrevs = tuple(dict.fromkeys(a for a in (law.meta.abbreviation, *abbreviations) if a))
        return cls(
            law_id=law.meta.law_id,
            name=law.meta.name,
            kind=law.meta.kind,
            abbreviations=abbrevs,
            refs=frozenset(refs),
            deleted=frozenset(deleted),
            titles=titles,
            children={k: tuple(v) for k, v in children.items()},
            addenda=tuple(addenda),
            has_annexes=has_annexes,
            source_sha256=law.source_sha256,
            effective_date=law.meta.effective_date,
            promulgation_no=law.meta.promulgation_no,
        )


class LawTarget(NamedTuple):
    """The law a citation points to: its entry if the text is loaded, else why not."""

    entry: LawEntry | None
    law_id: str | None
    name: str | None
    reason: str | None  # None when entry is set
    named: bool = False  # designated by its name (what 같은 법 refers back to)


def load_abbreviations(path: str | Path = ABBREVIATIONS_PATH) -> dict[str, str]:
    """Read a TSV of 법령약칭 -> full name (header `abbreviation<TAB>name`, '#' comments)."""
    path = Path(path)
    out: dict[str, str] = {}
    with path.open(encoding="utf-8") as handle:
        for lineno, line in enumerate(handle, start=1):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#") or lineno == 1 and line.startswith("abbr"):
                continue
            parts = line.split("\t")
            if len(parts) < 2 or not parts[0].strip() or not parts[1].strip():
                raise ValueError(f"{path}:{lineno}: expected 'abbreviation<TAB>full name'")
            out[parts[0].strip()] = parts[1].strip()
    return out


def load_known_names(path: str | Path) -> dict[str, KnownLaw]:
    """Read a law index TSV (columns law_id, law_name_ko, kind) into name -> KnownLaw."""
    out: dict[str, KnownLaw] = {}
    with Path(path).open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            name = (row.get("law_name_ko") or row.get("name") or "").strip()
            if name:
                out[name] = KnownLaw(row.get("law_id") or None, name, row.get("kind") or None)
    return out


class LawIndex:
    """What the resolver knows about the corpus: laws with text, and law names without text.

    Lookups work by exact name, by name without spaces ("개인정보보호법") and by 법령약칭 (from
    LawMeta.abbreviation and corpus/dict/law_abbreviations.tsv). A decree "X 시행령" has the
    parent statute "X"; a rule "X 시행규칙" has the statute "X" and the decree "X 시행령".
    `known_names` (e.g. the 5,674 names of the legalize-kr index) tells "law not in corpus"
    apart from "no such law"; without it every unknown name counts as "law not in corpus".
    """

    def __init__(
        self,
        entries: Iterable[LawEntry],
        *,
        known_names: Mapping[str, KnownLaw | str | None] | Iterable[str] | None = None,
        abbreviations: Mapping[str, str] | None = None,
    ) -> None:
        self._entries: dict[str, LawEntry] = {}
        for entry in entries:
            old = self._entries.get(entry.law_id)
            if old is not None and _version_key(old) > _version_key(entry):
                continue
            self._entries[entry.law_id] = entry
        self._by_name: dict[str, str] = {}
        for entry in self._entries.values():
            self._by_name.setdefault(compact_name(entry.name), entry.law_id)
        self._abbreviations: dict[str, str] = {}
        for abbreviation, name in (abbreviations or {}).items():
            self._abbreviations.setdefault(compact_name(abbreviation), name)
        for entry in self._entries.values():
            for abbreviation in entry.abbreviations:
                self._abbreviations.setdefault(compact_name(abbreviation), entry.name)
        self.has_known_names = known_names is not None
        self._known: dict[str, KnownLaw] = {}
        if isinstance(known_names, Mapping):
            for name, value in known_names.items():
                known = value if isinstance(value, KnownLaw) else KnownLaw(value, name)
                self._known.setdefault(compact_name(name), known)
        elif known_names is not None:
            for name in known_names:
                self._known.setdefault(compact_name(name), KnownLaw(None, name))
        self._known_arg = known_names
        self._abbreviations_arg = abbreviations

    @classmethod
    def from_laws(
        cls,
        laws: Iterable[LawText],
        *,
        known_names: Mapping[str, KnownLaw | str | None] | Iterable[str] | None = None,
        abbreviations: Mapping[str, str] | None = None,
    ) -> LawIndex:
        """Index split laws. Of two versions of one law the newer (시행일자, 공포번호) wins.

        Args:
            laws: split laws (`split_law(read_path(path))`).
            known_names: names of laws that exist (name -> KnownLaw or 법령ID, or just names).
            abbreviations: 법령약칭 -> full name; defaults to corpus/dict/law_abbreviations.tsv.
        """
        if abbreviations is None:
            abbreviations = load_abbreviations() if ABBREVIATIONS_PATH.is_file() else {}
        return cls(
            (LawEntry.from_law(law) for law in laws),
            known_names=known_names,
            abbreviations=abbreviations,
        )

    def with_law(self, law: LawText) -> LawIndex:
        """A copy of the index in which `law` (this version) replaces its 법령ID's entry."""
        entries = [e for e in self._entries.values() if e.law_id != law.meta.law_id]
        new = LawIndex(entries, known_names=self._known_arg, abbreviations=self._abbreviations_arg)
        entry = LawEntry.from_law(law)
        new._entries[entry.law_id] = entry
        new._by_name[compact_name(entry.name)] = entry.law_id
        for abbreviation in entry.abbreviations:
            new._abbreviations.setdefault(compact_name(abbreviation), entry.name)
        return new

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[LawEntry]:
        return iter(self._entries.values())

    def __contains__(self, law_id: object) -> bool:
        return law_id in self._entries

    def get(self, law_id: str) -> LawEntry | None:
        """The entry of a 법령ID, or None if its text is not in the index."""
        return self._entries.get(law_id)

    def full_name(self, name: str) -> str:
        """The full name for a 법령약칭, or the name itself."""
        return self._abbreviations.get(compact_name(name), name)

    def find(self, name: str) -> LawEntry | None:
        """The law with this name, name without spaces, or abbreviation, if its text is here."""
        key = compact_name(name)
        law_id = self._by_name.get(key)
        if law_id is None and key in self._abbreviations:
            law_id = self._by_name.get(compact_name(self._abbreviations[key]))
        return self._entries.get(law_id) if law_id is not None else None

    def known(self, name: str) -> KnownLaw | None:
        """The law with this name among the known names (laws without text included)."""
        key = compact_name(name)
        found = self._known.get(key)
        if found is None and key in self._abbreviations:
            found = self._known.get(compact_name(self._abbreviations[key]))
        return found

    def knows_word(self, word: str) -> bool:
        """True if an unbracketed word is a law name or 법령약칭 the index knows."""
        key = compact_name(word)
        return key in self._abbreviations or key in self._by_name or key in self._known

    def lookup(self, name: str) -> LawTarget:
        """Resolve a cited law name to its entry, or say why there is none."""
        name = name.strip()
        entry = self.find(name)
        if entry is not None:
            return LawTarget(entry, entry.law_id, entry.name, None, True)
        known = self.known(name)
        if known is not None:
            return LawTarget(None, known.law_id, known.name, LAW_NOT_IN_CORPUS, True)
        reason = NO_SUCH_LAW if self.has_known_names else LAW_NOT_IN_CORPUS
        return LawTarget(None, None, self.full_name(name), reason, True)

    def parent_name(self, meta: LawMeta, which: str) -> str | None:
        """Name of the statute ('statute') or decree ('decree') above a decree or rule, by name."""
        name = " ".join(meta.name.split())
        level = meta.level
        if level is LawLevel.DECREE:
            match = re.match(r"^(.*\S)\s*시행령$", name)
            return match.group(1) if match and which == "statute" else None
        if level is LawLevel.RULE:
            match = re.match(r"^(.*\S)\s*시행규칙$", name)
            if not match:
                return None
            base = match.group(1)
            base_entry = self.find(base)
            base_known = self.known(base)
            base_kind = base_entry.kind if base_entry else (base_known.kind if base_known else None)
            base_is_decree = (
                base_kind is not None and LawLevel.from_kind(base_kind) is LawLevel.DECREE
            )
            if which == "statute":
                return None if base_is_decree else base
            return base if base_is_decree else f"{base} 시행령"
        return None

    def parent(self, meta: LawMeta, which: str) -> LawTarget | None:
        """The parent statute or decree of a decree/rule as a LawTarget; None if it has none."""
        name = self.parent_name(meta, which)
        return self.lookup(name) if name else None


def _version_key(entry: LawEntry) -> tuple[str, int]:
    number = entry.promulgation_no or ""
    return (entry.effective_date or "", int(number) if number.isdigit() else 0)


# ---------------------------------------------------------------------------------------------
# Extraction: words -> RawCitation
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CitedUnit:
    """One clause as the citation writes it; levels left out are filled by `resolve`."""

    annex_kind: str | None = None  # 별표 / 서식
    annex: int | None = None
    annex_branch: int = 0
    article: int | None = None
    article_branch: int = 0
    paragraph: int | None = None
    item: int | None = None
    item_branch: int = 0
    subitem: str | None = None  # "가" or "가의2"
    part: str | None = None  # 본문 / 단서 / 전단 / 후단 / 각 호 외의 부분
    addendum: bool = False  # 부칙 제N조
    addendum_id: str | None = None  # 부칙 <제20676호,2025.1.21> or 법률 제20676호 … 부칙
    anchor: str | None = None  # 같은 조/항/호/목 -> 조/항/호/목; 이 조 -> "이 조"
    each: str | None = None  # 각 호 / 각 목 of this unit -> 호 / 목
    # Index in _LEVELS of the highest level written, None if no level is written. Every merge
    # and fill reads it: set once per unit (a cached property's lock cost more than the loop).
    top: int | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for index, name in enumerate(_LEVELS):
            if getattr(self, name) is not None:
                object.__setattr__(self, "top", index)
                return
        object.__setattr__(self, "top", None)


@dataclass(frozen=True)
class RawCitation:
    """A citation as written, before resolution: the law designation and one unit (or range)."""

    start: int  # span in the clause's own text, law designation included
    end: int
    text: str
    law: str  # one of the LAW_* constants
    law_name: str | None  # as written: 「name」 content, the word, or 시행령 for 같은 법 시행령
    unit: CitedUnit | None  # None: the whole law is cited
    through: CitedUnit | None = None  # end of a range "제N조부터 제M조까지" (levels filled)
    unit_start: int | None = None  # where the unit words start (for a word that is no law)
    chain: int = -1  # start of the law designation shared by conjuncts ("제3조 및 제5조")


_NUM = r"\d+(?:\n\d+)?"  # annex text wraps lines even inside numbers ("제4\n3조")
_CIRCLED = "\u2460-\u2473\u3251-\u325f\u32b1-\u32bf"
_AFTER_WORD = r"(?:(?![가-힣])|(?=[의에을를와과및가는이은중만도부까로으나]))"

# The scan tries this pattern at every character of every clause: what can only start a word
# shares one look-behind, and a first-character test rejects the white space, digits and
# punctuation (a third of the text) at once. Alternatives that start differently cannot match
# at the same place, so this grouping finds what one alternative after the other would.
_START_RE = re.compile(
    r"(?=[「가-힣ㆍ])(?:"
    r"(?P<named>「(?P<name>[^「」]{1,150})」)"
    r"|(?<![가-힣])(?:"
    r"(?P<prom>(?:법률|대통령령|총리령|[가-힣]{1,15}[부처]령|[가-힣]{0,15}규칙)"
    r"\s*제\s*(?P<promno>\d+)\s*호(?!\s*서식))"
    r"|(?P<same>같은\s*(?:법률|법|영|규칙|규정)(?:\s+(?P<same_sub>시행령|시행규칙))?(?![가-힣]))"
    r"|(?P<dong>동(?:법|령|규칙)(?=\s*제\s*\d))"
    r"|(?P<this>이\s*(?:법률|법|영|규칙)(?=\s*(?:제\s*\d|부칙\s*제)))"
    r"|(?P<parent>(?P<parent_what>법|영)(?=\s*(?:제\s*\d|부칙\s*제)))"
    r"|(?<!ㆍ)(?P<word>[가-힣ㆍ]{1,40}?(?:법|법률|령|규칙|규정)(?:\s+(?:시행령|시행규칙))?"
    r"(?=\s*제\s*\d+\s*조))"
    r")"
    r"|(?P<amend>(?:일부|전부)를\s*다음과\s*같이\s*개정한다)"
    r"|(?P<unit>제\s*\d"
    rf"|(?:같은|동)\s*(?:조|항|호|목){_AFTER_WORD}(?!\s*외)"
    r"|부칙[ \t]*(?:<[^<>\n]*>[ \t]*)?제\s*\d"
    r"|별표\s*\d|별지\s*(?:제\s*\d+\s*호(?:\s*의\s*\d+)?\s*)?서식"
    r"|(?<![가-힣])(?:이\s*(?:조|항|호)(?=\s*(?:제\s*\d|각\s*[호목]))"
    rf"|[{_LETTERS}](?:의\d+)?목{_AFTER_WORD}(?!적)"
    r"|각\s*(?:호|목)(?!\s*외|적)))"
    r")"
)

_ANCHOR_RE = re.compile(
    rf"(?:같은|동)\s*(?P<same>조|항|호|목){_AFTER_WORD}\s*"
    r"|이\s*(?P<this>조|항|호)(?=\s*(?:제\s*\d|각\s*[호목]))\s*"
)
_ADDENDUM_RE = re.compile(r"부칙[ \t]*(?:<(?P<id>[^<>\n]*)>[ \t]*)?(?=제\s*\d)")
_ANNEX_RE = re.compile(
    r"별표\s*(?P<n>\d+)(?:\s*의\s*(?P<b>\d+))?"
    r"|별지\s*(?:제\s*(?P<fn>\d+)\s*호(?:\s*의\s*(?P<fb>\d+))?\s*)?서식"
    r"|제\s*(?P<gn>\d+)\s*호(?:\s*의\s*(?P<gb>\d+))?\s*서식"
)
_ARTICLE_RE = re.compile(rf"제\s*(?P<n>{_NUM})\s*조(?:\s*의\s*(?P<b>\d+))?")
_PARAGRAPH_RE = re.compile(rf"\s*제\s*(?P<n>{_NUM})\s*항")
_ITEM_RE = re.compile(rf"\s*제\s*(?P<n>{_NUM})\s*호(?:\s*의\s*(?P<b>\d+))?(?!\s*서식)")
_SUBITEM_RE = re.compile(rf"\s*(?P<s>[{_LETTERS}])(?:\s*의\s*(?P<b>\d+))?\s*목{_AFTER_WORD}(?!적)")
_EACH_RE = re.compile(r"\s*각\s*(?P<e>호|목)(?!\s*외|적)")
_PART_RE = re.compile(
    r"\s*(?:(?P<lead>각\s*호\s*외의\s*부분)(?:\s*(?P<p1>본문|단서|전단|후단))?"
    rf"|(?P<p>본문|단서|전단|후단)){_AFTER_WORD}"
)
_RANGE_RE = re.compile(r"\s*부터\s*")
_UNTIL_RE = re.compile(r"\s*까지")
_CONJ_RE = re.compile(r"\s*(?:,|ㆍ|및|또는|이나|나|와|과|그리고)\s*")
_PART_CONJ_RE = re.compile(rf"\s*(?:,|ㆍ|및|또는)\s*(?P<p>본문|단서|전단|후단){_AFTER_WORD}")
_PAREN_RE = re.compile(r"\s*\(\s*")
_TITLE_RE = re.compile(r"\((?![^()\n]*제\s*\d)[^()\n]{1,40}\)")  # 제297조(강간), …
_DIVISION_RE = re.compile(
    r"제\s*\d+\s*(?:편|장|절|관)(?:\s*의\s*\d+)?(?:\s*제\s*\d+\s*(?:절|관)(?:\s*의\s*\d+)?)*"
    r"(?:\s*제\s*\d+\s*(?:장|절|관)(?:\s*의\s*\d+)?)*"
)
_DIVISION_TAIL_RE = re.compile(r"[^.()「」\n]{0,40}?\s중\s+(?=제\s*\d)")
_HEADING_PREFIX_RE = re.compile(
    r"\s*(?:(?:제\s*\d+\s*조(?:\s*의\s*\d+)?)?\s*\([^()\n]*\)\s*)?"
    rf"(?:[{_CIRCLED}]|<\d+>)?\s*"
    r"(?:(?:법률|대통령령|총리령|[가-힣]{1,15}[부처]령)\s*제\s*\d+\s*호\s*)?"
)
_ALIAS_PAREN_RE = re.compile(r"\s*\(이하[^()\n]{0,60}\)\s*")
_GAP_RE = re.compile(r"\s*")


def _skip_space(text: str, pos: int) -> int:
    """The first position at or after pos that is not white space."""
    match = _GAP_RE.match(text, pos)
    return match.end() if match else pos


_LAW_SUFFIX_RE = re.compile(r"(?:법|법률|령|규칙|규정)$")
_AMEND_END_RE = re.compile(rf"\n\s*(?:[{_CIRCLED}]|<\d+>)")
_PROM_TAIL_RE = re.compile(
    r"[ \t]+(?P<name>[^\n「」,()<>]{1,120}?(?:법|법률|령|규칙|규정))"
    r"\s*(?:(?:일부|전부)개정(?:법률|령|규칙))?\s*"
    r"(?=부칙[ \t]*제\s*\d|제\s*\d+\s*조)"
)
_SKIP_RE = re.compile(
    r"<[^<>\n]{0,200}>"  # amendment notes <개정 2026.1.20>, labels <96>
    r"|\[[^\[\]\n]{0,300}\]"  # [본조신설 …], [종전 제5조는 제6조로 이동 …]
    r"|(?m:^제\s*\d+\s*조(?:\s*의\s*\d+)?\s*(?:(?:부터|및|,|ㆍ)\s*제\s*\d+\s*조(?:\s*의\s*\d+)?"
    r"\s*(?:까지)?\s*생략))"  # "제2조부터 제6조까지 생략": omitted 부칙 articles
    r"|(?m:^제\s*\d+\s*조(?:\s*의\s*\d+)?(?=\s*\(|\s*생략|\s*삭제|[ \t]*$))"  # article headings
)


def extract_references(text: str) -> list[RawCitation]:
    """Find the citations in one clause's own text, left to right.

    Pure and context-free: "제1항" stays relative and "같은 법" unnamed until `resolve`.
    Article headings ("제3조(정의)"), omitted 부칙 articles and amendment notes are skipped.
    """
    out: list[RawCitation] = []
    pos = 0
    amended: tuple[str, int] | None = None  # law named by "… 일부를 다음과 같이 개정한다", end
    # Skipped spans, found at the first candidate (a third of the clauses have none).
    skip: list[tuple[int, int]] | None = None
    skip_starts: list[int] = []
    while True:
        match = _START_RE.search(text, pos)
        if match is None:
            break
        start = match.start()
        if skip is None:
            skip = [(m.start(), m.end()) for m in _SKIP_RE.finditer(text)]
            skip_starts = [s for s, _ in skip]
        index = bisect.bisect_right(skip_starts, start) - 1
        if index >= 0 and skip[index][0] <= start < skip[index][1]:
            pos = skip[index][1]
            continue
        if amended is not None and start >= amended[1]:
            amended = None
        pos = match.end()
        if match.group("named") is not None:
            name = " ".join(match.group("name").split())
            after = match.end()
            alias = _ALIAS_PAREN_RE.match(text, after)
            chain_at = alias.end() if alias else _skip_space(text, after)
            pos = _chain(text, out, start, chain_at, LAW_NAMED, name, whole_law_end=match.end())
        elif match.group("prom") is not None:
            tail = _PROM_TAIL_RE.match(text, match.end())
            if tail is None:
                continue
            name = " ".join(tail.group("name").split())
            chain_at = tail.end()
            prefix = f"제{int(match.group('promno'))}호"
            pos = _chain(text, out, start, chain_at, LAW_NAMED, name, addendum_id=prefix)
        elif match.group("same") is not None:
            sub = match.group("same_sub")
            chain_at = _skip_space(text, match.end())
            pos = _chain(text, out, start, chain_at, LAW_SAME, sub, whole_law_end=match.end())
        elif match.group("dong") is not None:
            pos = _chain(text, out, start, match.end(), LAW_SAME, None)
        elif match.group("this") is not None:
            pos = _chain(text, out, start, match.end(), LAW_THIS, None)
        elif match.group("parent") is not None:
            law = LAW_STATUTE if match.group("parent_what") == "법" else LAW_DECREE
            pos = _chain(text, out, start, match.end(), law, None)
        elif match.group("word") is not None:
            word = " ".join(match.group("word").split())
            pos = _chain(text, out, start, match.end(), LAW_WORD, word)
        elif match.group("amend") is not None:
            amended_name = _amended_law(text, out, start)
            if amended_name is not None:
                end = _AMEND_END_RE.search(text, match.end())
                amended = (amended_name, end.start() if end else len(text))
        else:  # a unit with nothing written before it
            if amended:
                pos = _chain(text, out, start, start, LAW_AMENDED, amended[0])
            else:
                pos = _chain(text, out, start, start, LAW_IMPLICIT, None)
    return out


def _amended_law(text: str, out: list[RawCitation], at: int) -> str | None:
    """The law named before "일부를 다음과 같이 개정한다" (emitting it if unbracketed)."""
    if (
        out
        and out[-1].unit is None
        and out[-1].law == LAW_NAMED
        and not text[out[-1].end : at].strip()
    ):
        return out[-1].law_name
    line_start = text.rfind("\n", 0, at) + 1
    prefix = _HEADING_PREFIX_RE.match(text, line_start)
    begin = prefix.end() if prefix else line_start
    name = re.sub(r"\s*(?:일부|전부)개정(?:법률|령|규칙)\s*$", "", text[begin:at].strip())
    if not name or len(name) > 150 or "「" in name or not _LAW_SUFFIX_RE.search(name):
        return None
    start = text.index(name, begin)
    out.append(RawCitation(start, start + len(name), name, LAW_NAMED, name, None, chain=start))
    return name


def _chain(
    text: str,
    out: list[RawCitation],
    start: int,
    at: int,
    law: str,
    law_name: str | None,
    *,
    whole_law_end: int | None = None,
    addendum_id: str | None = None,
) -> int:
    """Parse the units after a law designation (or at `at`) and their conjuncts; emit them.

    Returns the position where scanning continues. A designation with no unit after it is a
    whole-law citation if `whole_law_end` is given ("「에너지법」에 따른", "같은 법에 따른").
    """
    at = _skip_space(text, at)
    parsed = _parse_unit(text, at)
    division = _DIVISION_RE.match(text, at) if parsed is None and whole_law_end else None
    if division is not None:
        # "「형법」 제2편제32장 강간과 추행의 죄 중 제297조(강간), …": divisions are not clause
        # units, so the division is a whole-law citation and the articles after "중" are its own.
        out.append(
            RawCitation(
                start,
                division.end(),
                text[start : division.end()],
                law,
                law_name,
                None,
                chain=start,
            )
        )
        tail = _DIVISION_TAIL_RE.match(text, division.end())
        if tail is None:
            return division.end()
        parsed = _parse_unit(text, tail.end())
        if parsed is None:
            return tail.end()
        start = at = tail.end()
    if parsed is None:
        if whole_law_end is not None:
            out.append(
                RawCitation(
                    start,
                    whole_law_end,
                    text[start:whole_law_end],
                    law,
                    law_name,
                    None,
                    chain=start,
                )
            )
            return whole_law_end
        return max(at, start + 1)
    unit, end = parsed
    if addendum_id and unit.addendum and not unit.addendum_id:
        unit = replace(unit, addendum_id=addendum_id)
    first_start = start
    while True:
        through = None
        range_match = _RANGE_RE.match(text, end)
        if range_match:
            second = _parse_unit(text, range_match.end())
            if second is not None:
                until = _UNTIL_RE.match(text, second[1])
                if until:
                    through = _merge(unit, second[0])
                    end = until.end()
        out.append(
            RawCitation(
                first_start,
                end,
                text[first_start:end],
                law,
                law_name,
                unit,
                through,
                at if first_start == start else first_start,
                start,
            )
        )
        # Conjuncts: "제31조제2항ㆍ제3항", "제3조 및 제5조", "본문 및 단서".
        part = _PART_CONJ_RE.match(text, end) if unit.part else None
        if part:
            unit = replace(unit, part=part.group("p"))
            first_start, end = part.start("p"), part.end()
            continue
        # "제2조제1호(아목과 파목은 제외한다)": a lower unit in brackets belongs to this one.
        paren = _PAREN_RE.match(text, end)
        inner = _parse_unit(text, paren.end()) if paren else None
        if (
            paren is not None
            and inner is not None
            and inner[0].anchor is None
            and inner[0].top is not None
            and unit.top is not None
            and inner[0].top > unit.top
        ):
            unit, end = _merge(unit, inner[0]), inner[1]
            first_start = at = paren.end()
            continue
        title = _TITLE_RE.match(text, end)
        conj = _CONJ_RE.match(text, title.end() if title else end)
        if conj is None:
            return end
        nxt = _parse_unit(text, conj.end())
        if nxt is None:
            return end
        new, new_end = nxt
        if new.anchor is None and new.top is not None:
            new = _merge(unit, new)
        unit = new
        first_start = conj.end()
        at = first_start
        end = new_end


def _parse_unit(text: str, pos: int) -> tuple[CitedUnit, int] | None:
    """Parse one unit ("같은 조 제2항제1호가목 후단", "부칙 제3조", "별표 1", "각 호") at pos."""
    fields: dict = {}
    end = pos
    anchor = _ANCHOR_RE.match(text, end)
    if anchor:
        fields["anchor"] = anchor.group("same") or f"이 {anchor.group('this')}"
        end = anchor.end()
    addendum = _ADDENDUM_RE.match(text, end)
    if addendum:
        fields["addendum"] = True
        if addendum.group("id"):
            fields["addendum_id"] = re.sub(r"\s+", "", addendum.group("id"))
        end = addendum.end()
    annex = _ANNEX_RE.match(text, end)
    if annex and not addendum:
        if annex.group("n"):
            fields.update(
                annex_kind="별표",
                annex=int(annex.group("n")),
                annex_branch=int(annex.group("b") or 0),
            )
        else:
            number = annex.group("fn") or annex.group("gn")
            branch = annex.group("fb") or annex.group("gb")
            fields.update(
                annex_kind="서식", annex=int(number) if number else 0, annex_branch=int(branch or 0)
            )
        end = annex.end()
    else:
        article = _ARTICLE_RE.match(text, end)
        if article:
            fields.update(
                article=_int(article.group("n")), article_branch=int(article.group("b") or 0)
            )
            end = article.end()
        paragraph = _PARAGRAPH_RE.match(text, end)
        if paragraph:
            fields["paragraph"] = _int(paragraph.group("n"))
            end = paragraph.end()
        item = _ITEM_RE.match(text, end)
        if item:
            fields.update(item=_int(item.group("n")), item_branch=int(item.group("b") or 0))
            end = item.end()
        subitem = _SUBITEM_RE.match(text, end)
        if subitem and ("item" in fields or not ({"article", "paragraph"} & fields.keys())):
            letter = subitem.group("s") + (
                f"의{int(subitem.group('b'))}" if subitem.group("b") else ""
            )
            fields["subitem"] = letter
            end = subitem.end()
    if addendum and "article" not in fields:
        return None
    has_level = not fields.keys().isdisjoint(_LEVELS)
    each = _EACH_RE.match(text, end)
    if each:
        fields["each"] = each.group("e")
        end = each.end()
    elif not has_level and "anchor" not in fields:
        return None
    part = _PART_RE.match(text, end)
    if part:  # "각 호 외의 부분 본문" is the 본문 of the lead: ClauseRef holds one part
        fields["part"] = part.group("p1") or part.group("p") or "각 호 외의 부분"
        end = part.end()
    return CitedUnit(**fields), end


def _int(number: str) -> int:
    return int(number) if number.isdigit() else int(_SPACE_RE.sub("", number))


def _merge(prev: CitedUnit, new: CitedUnit) -> CitedUnit:
    """`new` written after `prev` in a conjunction or range: upper levels come from `prev`."""
    top = new.top
    if top is None:
        return new
    fields: dict = {}
    if top >= 1 and prev.annex is None:
        fields.update(addendum=prev.addendum, addendum_id=prev.addendum_id)
    if top > 0:
        fields.update(annex_kind=prev.annex_kind, annex=prev.annex, annex_branch=prev.annex_branch)
    if top > 1:
        fields.update(article=prev.article, article_branch=prev.article_branch)
    if top > 2:
        fields["paragraph"] = prev.paragraph
    if top > 3:
        fields.update(item=prev.item, item_branch=prev.item_branch)
    if prev.anchor and top > _ANCHOR_LEVEL.get(prev.anchor, 1):
        fields["anchor"] = prev.anchor
    return replace(new, **fields)


# ---------------------------------------------------------------------------------------------
# Resolution: RawCitation + context -> Reference
# ---------------------------------------------------------------------------------------------


class _Seen(NamedTuple):
    law: LawTarget
    ref: ClauseRef | None


def resolve(
    citations: Sequence[RawCitation],
    *,
    law: LawMeta,
    clause_ref: ClauseRef,
    index: LawIndex,
    previous: Sequence[Reference] = (),
) -> list[Reference]:
    """Resolve the citations of one clause to References, in order.

    Args:
        citations: `extract_references(clause.text)`.
        law: the citing law (이 법, and the parent of 법/영).
        clause_ref: the citing clause (제N항 and 다음 각 호 are relative to it).
        index: the laws that can be cited.
        previous: References of earlier clauses of the same article, for 같은 법 / 같은 조
            when this clause names nothing itself.
    """
    return _Resolver(index, law, clause_ref, previous).run(citations)


def references_of(law: LawText, index: LawIndex) -> dict[str, list[Reference]]:
    """Every reference of a law, keyed by the citing clause's ref string (offsets in its text).

    Only clauses with references appear. Notes standing on their own line are metadata and
    skipped; an UNPARSED unit is keyed "<ref>@<start>" since it shares its parent's ref.
    """
    own = index.get(law.meta.law_id)
    if own is None or own.source_sha256 != law.source_sha256:
        index = index.with_law(law)
    out: dict[str, list[Reference]] = {}
    for block in law.blocks:
        seen: list[_Seen] = []  # what earlier clauses of this article cited, for 같은 법
        for clause in block.clauses:
            if clause.kind is UnitKind.NOTE:
                continue
            citations = extract_references(clause.text)
            if not citations:
                continue
            found = _Resolver(index, law.meta, clause.ref, (), seen).run(citations)
            key = str(clause.ref)
            if clause.kind is UnitKind.UNPARSED:
                key = f"{key}@{clause.start}"
            out.setdefault(key, []).extend(found)
    return out


class _Resolver:
    def __init__(
        self,
        index: LawIndex,
        law: LawMeta,
        clause_ref: ClauseRef,
        previous: Sequence[Reference],
        seen: list[_Seen] | None = None,
    ) -> None:
        self.index = index
        self.meta = law
        self.clause_ref = clause_ref
        entry = index.get(law.law_id)
        self.own = LawTarget(entry, law.law_id, law.name, None if entry else LAW_NOT_IN_CORPUS)
        # `seen` is shared by the clauses of one article in references_of (no re-parsing).
        self.seen = seen if seen is not None else [self._seen_from(ref) for ref in previous]
        self.chains: dict[int, tuple[LawTarget, str]] = {}

    def _seen_from(self, ref: Reference) -> _Seen:
        entry = self.index.get(ref.target_law_id) if ref.target_law_id else None
        reason = ref.reason if ref.reason in (LAW_NOT_IN_CORPUS, NO_SUCH_LAW) else None
        target = LawTarget(
            entry,
            ref.target_law_id,
            ref.target_law_name,
            None if entry else reason or LAW_NOT_IN_CORPUS,
            ref.kind == KIND_EXPLICIT,
        )
        parsed = None
        # "다음 각 호" points at the citing unit itself: nothing for 같은 조 to refer back to.
        if ref.target_ref and not ref.text.startswith("각"):
            try:
                parsed = ClauseRef.parse(ref.target_ref)
            except ValueError:
                parsed = None
        return _Seen(target, parsed)

    def run(self, citations: Sequence[RawCitation]) -> list[Reference]:
        out: list[Reference] = []
        for citation in citations:
            out.extend(self._one(citation))
        return out

    # -- the law ------------------------------------------------------------------------------

    def _law(self, citation: RawCitation) -> tuple[LawTarget, str, int]:
        """Target law, Reference kind and span start; conjuncts share their chain's law."""
        cached = self.chains.get(citation.chain)
        if cached is not None:
            return cached[0], cached[1], citation.start
        target, kind, start = self._designated(citation)
        self.chains[citation.chain] = (target, kind)
        return target, kind, start

    def _designated(self, citation: RawCitation) -> tuple[LawTarget, str, int]:
        law = citation.law
        if law in (LAW_NAMED, LAW_AMENDED):
            target = self.index.lookup(citation.law_name or "")
            if target.entry is not None and target.entry.law_id == self.meta.law_id:
                target = self.own._replace(named=True)
            return (
                target,
                KIND_EXPLICIT if law == LAW_NAMED or citation.unit is None else KIND_SAME_LAW,
                citation.start,
            )
        if law == LAW_WORD:
            word = citation.law_name or ""
            base = re.sub(r"\s*(시행령|시행규칙)$", "", word)
            if self.index.knows_word(base):
                suffix = word[len(base) :].strip()
                name = self.index.full_name(base) + (f" {suffix}" if suffix else "")
                return self.index.lookup(name), KIND_EXPLICIT, citation.start
            start = citation.unit_start if citation.unit_start is not None else citation.start
            return self.own, KIND_THIS_LAW, start
        if law == LAW_SAME:
            named = next((s.law for s in reversed(self.seen) if s.law.named), None)
            if named is None:
                return LawTarget(None, None, None, AMBIGUOUS), KIND_SAME_LAW, citation.start
            if citation.law_name and named.name:  # 같은 법 시행령: not itself a named law
                return (
                    self.index.lookup(f"{named.name} {citation.law_name}")._replace(named=False),
                    KIND_SAME_LAW,
                    citation.start,
                )
            return named, KIND_SAME_LAW, citation.start
        if law in (LAW_STATUTE, LAW_DECREE):
            parent = self.index.parent(self.meta, "statute" if law == LAW_STATUTE else "decree")
            if parent is None:
                return LawTarget(None, None, None, AMBIGUOUS), KIND_PARENT, citation.start
            return parent._replace(named=False), KIND_PARENT, citation.start
        return self.own, KIND_THIS_LAW, citation.start

    # -- one citation ------------------------------------------------------------------------

    def _one(self, citation: RawCitation) -> list[Reference]:
        target, kind, start = self._law(citation)
        text = self._text(citation, start)
        unit = citation.unit
        if unit is None:
            self.seen.append(_Seen(target, None))
            return [self._make(citation, start, text, kind, target, None, target.reason)]
        if unit.top is None and unit.anchor is None:  # 다음 각 호 / 각 목: the current unit
            ref = self._each_owner(unit.each or "호")
            reason: str | None
            if self.clause_ref.annex is not None or self.clause_ref.addendum is not None:
                reason = UNSUPPORTED  # the items of a 별표 or 부칙 are not split into units
            else:
                reason = AMBIGUOUS if ref is None else self._check(self.own.entry, ref, unit.each)
            return [self._make(citation, start, text, KIND_RELATIVE, self.own, ref, reason)]
        filled = self._fill(unit, target, kind, citation.law)
        if isinstance(filled, str):  # a reason: the context does not give the missing levels
            if unit.anchor or unit.annex is None and unit.article is None:
                kind = KIND_RELATIVE
            self.seen.append(_Seen(target, None))
            return [self._make(citation, start, text, kind, target, None, filled)]
        target, kind, base = filled
        ref = self._to_ref(unit, base)
        if citation.through is not None:
            end_ref = self._to_ref(citation.through, base)
            refs = self._expand(target, ref, end_ref)
            if refs is None:
                self.seen.append(_Seen(target, ref))
                return [self._make(citation, start, text, kind, target, ref, UNSUPPORTED)]
            out = []
            for one, reason in refs:
                out.append(self._make(citation, start, text, kind, target, one, reason))
                self.seen.append(_Seen(target, one))
            return out
        if unit.addendum:
            ref, reason = self._addendum(target, unit, ref)
        else:
            reason = target.reason or self._check(target.entry, ref, unit.each)
        self.seen.append(_Seen(target, ref))
        return [self._make(citation, start, text, kind, target, ref, reason)]

    def _text(self, citation: RawCitation, start: int) -> str:
        return citation.text[start - citation.start :]

    def _make(
        self,
        citation: RawCitation,
        start: int,
        text: str,
        kind: str,
        target: LawTarget,
        ref: ClauseRef | None,
        reason: str | None,
    ) -> Reference:
        return Reference(
            start=start,
            end=citation.end,
            text=text,
            kind=kind,
            target_law_id=target.law_id,
            target_law_name=target.name,
            target_ref=str(ref) if ref is not None else None,
            status=RefStatus.UNRESOLVED if reason else RefStatus.RESOLVED,
            reason=reason,
        )

    def _each_owner(self, each: str) -> ClauseRef | None:
        """The unit whose 호 (or 목) "다음 각 호" means: the citing unit or its parent."""
        ref = self.clause_ref.with_part(None)
        if ref.annex is not None or ref.addendum is not None and ref.article is None:
            return None
        if each == "호":
            if ref.item is not None:
                return replace(ref, item=None, item_branch=0, subitem=None, details=())
            return replace(ref, subitem=None, details=())
        if ref.item is None:
            return None
        return replace(ref, subitem=None, details=())

    def _fill(
        self, unit: CitedUnit, target: LawTarget, kind: str, law: str
    ) -> tuple[LawTarget, str, ClauseRef | None] | str:
        """Where the unit's missing upper levels come from: (law, kind, base ref) or a reason."""
        if unit.anchor and unit.anchor.startswith("이 "):
            return self.own, KIND_RELATIVE, self.clause_ref.with_part(None)
        if unit.anchor:
            level = _ANCHOR_LEVEL[unit.anchor]
            for seen in reversed(self.seen):
                if seen.ref is not None and _has_level(seen.ref, level):
                    return seen.law, KIND_RELATIVE, seen.ref
            return AMBIGUOUS
        if unit.annex is not None or unit.article is not None:
            return target, kind, None
        if law not in (LAW_IMPLICIT, LAW_AMENDED):
            return UNSUPPORTED  # "법 제1항" is not a form laws use
        if law == LAW_AMENDED:
            return UNSUPPORTED
        clause = self.clause_ref.with_part(None)
        if clause.annex is not None:
            return UNSUPPORTED  # the parts of a 별表 are not split into units
        if clause.addendum is not None:
            # "제16조제3항부터 제5항까지(제2항제2호의2 …)": the article last cited in this clause
            for seen in reversed(self.seen):
                if (
                    seen.ref is not None
                    and seen.law.law_id == self.meta.law_id
                    and seen.ref.article is not None
                    and seen.ref.addendum is None
                ):
                    return self.own, KIND_RELATIVE, seen.ref
            return UNSUPPORTED
        if clause.article is None:
            return UNSUPPORTED
        if unit.top == _LEVELS.index("subitem") and clause.item is None:
            return AMBIGUOUS
        return self.own, KIND_RELATIVE, clause

    def _to_ref(self, unit: CitedUnit, base: ClauseRef | None) -> ClauseRef:
        """The unit as a ref, its unwritten upper levels taken from `base`."""
        top = unit.top if unit.top is not None else len(_LEVELS)
        if unit.anchor:  # 같은 조 제3항: the article from base, nothing below it
            top = min(top, _ANCHOR_LEVEL[unit.anchor.removeprefix("이 ")] + 1)
        fields: dict = {}
        if base is not None:
            if top > 0:
                fields.update(addendum=base.addendum)
            if top > 1:
                fields.update(article=base.article, article_branch=base.article_branch)
            if top > 2:
                fields["paragraph"] = base.paragraph
            if top > 3:
                fields.update(item=base.item, item_branch=base.item_branch)
        if unit.annex is not None:
            fields.update(
                annex_kind=unit.annex_kind, annex=unit.annex, annex_branch=unit.annex_branch
            )
        if unit.article is not None:
            fields.update(article=unit.article, article_branch=unit.article_branch)
        if unit.paragraph is not None:
            fields["paragraph"] = unit.paragraph
        if unit.item is not None:
            fields.update(item=unit.item, item_branch=unit.item_branch)
        if unit.subitem is not None:
            fields["subitem"] = unit.subitem
        return ClauseRef(**fields, part=unit.part)

    # -- checks ------------------------------------------------------------------------------

    def _check(self, entry: LawEntry | None, ref: ClauseRef, each: str | None = None) -> str | None:
        """None if `ref` exists in the law (and is not deleted), else the reason."""
        if entry is None:
            return LAW_NOT_IN_CORPUS
        base = ref.with_part(None)
        if base.annex is not None:
            if not entry.has_annexes:
                return ANNEX_NOT_IN_SOURCE
            return None if str(base.article_ref()) in entry.refs else ARTICLE_MISSING
        article = str(base.article_ref())
        if article not in entry.refs:
            return ARTICLE_MISSING
        if article in entry.deleted:
            return ARTICLE_DELETED
        if str(base) not in entry.refs:
            return PARAGRAPH_MISSING
        if each is not None:
            level = "item" if each == "호" else "subitem"
            kids = entry.children.get(str(base), ())
            if not any(getattr(ClauseRef.parse(kid), level) is not None for kid in kids):
                return PARAGRAPH_MISSING
        return None

    def _addendum(
        self, target: LawTarget, unit: CitedUnit, ref: ClauseRef
    ) -> tuple[ClauseRef, str | None]:
        """Place "부칙 제N조" in one 부칙 of the target law, if exactly one fits."""
        if target.entry is None:
            return ref, target.reason
        entry = target.entry
        bare = ref.with_part(None)
        if unit.addendum_id:
            wanted = unit.addendum_id
            candidates = [
                a for a in entry.addenda if a == wanted or a.split(",")[0] == wanted.split(",")[0]
            ]
        elif self.clause_ref.addendum is not None and entry.law_id == self.meta.law_id:
            candidates = [self.clause_ref.addendum]
        else:
            candidates = [a for a in entry.addenda if str(replace(bare, addendum=a)) in entry.refs]
        candidates = list(dict.fromkeys(candidates))
        if len(candidates) > 1:
            fitting = [a for a in candidates if str(replace(bare, addendum=a)) in entry.refs]
            if len(fitting) == 1:
                candidates = fitting
        if len(candidates) != 1:
            return ref, AMBIGUOUS if candidates else ARTICLE_MISSING
        placed = replace(ref, addendum=candidates[0])
        if str(placed.with_part(None)) not in entry.refs:
            article = str(placed.with_part(None).article_ref())
            return placed, ARTICLE_MISSING if article not in entry.refs else PARAGRAPH_MISSING
        return placed, None

    def _expand(
        self, target: LawTarget, first: ClauseRef, last: ClauseRef
    ) -> list[tuple[ClauseRef, str | None]] | None:
        """The units of a range "제N조부터 제M조까지", branch units included; None if odd."""
        a, b = _path(first), _path(last)
        level = next((i for i in range(len(_LEVELS)) if a[i] != b[i]), None)
        if level is None:
            return [(first, target.reason or self._check(target.entry, first))]
        if any(a[i] is not None or b[i] is not None for i in range(level + 1, len(_LEVELS))):
            return None
        if a[level] is None or b[level] is None or _key(a[level]) > _key(b[level]):
            return None
        if first.addendum is not None or first.annex is not None:
            return None
        parent = _truncate(first, level)
        lo, hi = _key(a[level]), _key(b[level])
        out: list[tuple[ClauseRef, str | None]] = []
        if target.entry is None:
            for value in _steps(a[level], b[level], level):
                out.append((_with_level(parent, level, value), target.reason))
            return out
        entry = target.entry
        parent_key = "" if level == 1 else str(parent)
        inside = [
            kid
            for kid in map(ClauseRef.parse, entry.children.get(parent_key, ()))
            if kid.addendum is None
            and _path(kid)[level] is not None
            and lo <= _key(_path(kid)[level]) <= hi
        ]
        present = {_key(_path(kid)[level]) for kid in inside}
        for end in (first, last):
            if _key(_path(end)[level]) not in present:
                inside.append(end)
        inside.sort(key=lambda r: _key(_path(r)[level]))
        for one in inside:
            one = one.with_part(None)
            reason = self._check(entry, one)
            is_end = _key(_path(one)[level]) in (lo, hi)
            if reason == ARTICLE_DELETED and not is_end:
                continue  # a deleted article inside a range is simply not cited any more
            out.append((one, reason))
        return out


def _has_level(ref: ClauseRef, level: int) -> bool:
    return _path(ref)[level] is not None


def _path(ref: ClauseRef) -> tuple:
    """(annex, article, paragraph, item, subitem) of a ref, each None or a sortable value."""
    return (
        (ref.annex, ref.annex_branch) if ref.annex is not None else None,
        (ref.article, ref.article_branch) if ref.article is not None else None,
        (ref.paragraph, 0) if ref.paragraph is not None else None,
        (ref.item, ref.item_branch) if ref.item is not None else None,
        ref.subitem,
    )


def _key(value) -> tuple[int, int]:
    if isinstance(value, str):  # subitem "가" / "가의2"
        letter, _, branch = value.partition("의")
        return (_LETTER_INDEX.get(letter, 99), int(branch or 0))
    return value


def _truncate(ref: ClauseRef, level: int) -> ClauseRef:
    """The parent of the units at `level`: ref with that level and below removed."""
    fields: dict = {"addendum": ref.addendum}
    if level > 1:
        fields.update(article=ref.article, article_branch=ref.article_branch)
    if level > 2:
        fields["paragraph"] = ref.paragraph
    if level > 3:
        fields.update(item=ref.item, item_branch=ref.item_branch)
    return ClauseRef(**fields)


def _with_level(parent: ClauseRef, level: int, value) -> ClauseRef:
    name = _LEVELS[level]
    if name == "article":
        return replace(parent, article=value[0], article_branch=value[1])
    if name == "paragraph":
        return replace(parent, paragraph=value[0])
    if name == "item":
        return replace(parent, item=value[0], item_branch=value[1])
    return replace(parent, subitem=value)


def _steps(first, last, level: int) -> list:
    """Units of a range in a law without text: whole numbers (or letters) only."""
    if _LEVELS[level] == "subitem":
        lo, hi = _key(first)[0], _key(last)[0]
        return [_LETTERS[i] for i in range(lo, min(hi, len(_LETTERS) - 1) + 1)]
    if first[0] == last[0]:  # 제249조의2부터 제249조의9까지
        return [(first[0], b) for b in range(first[1], last[1] + 1)]
    lo, hi = first[0], last[0]
    if hi - lo > 500:
        return [first, last]
    return [first] + [(n, 0) for n in range(lo + 1, hi)] + [last]
