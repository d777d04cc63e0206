"""Defined terms (정의): 정의 조항 items, inline "(이하 "X"라 한다)", and delegated definitions.

Input: a split law (`LawText`) and optionally a `LawIndex` so that definitions by reference
("「데이터 산업진흥 및 이용촉진에 관한 기본법」 제2조제1호에 따른 데이터를 말한다") carry the
resolved `Reference`. Output: `Definition` values (models.py) in document order, each with the
term's span in the defining clause's own text.

Four shapes are read:
- items of a 정의 lead ("이 법에서 사용하는 용어의 뜻은 다음과 같다.") — `1. "X"란 …을 말한다`,
  `"X"이란`, `"X"라 함은`, and 목 of a defining item written `가. X: …` (kind "article");
- inline abbreviations "(이하 "X"라 한다)", "(이하 이 조에서 "X"라 한다)" (kind "inline"; the body
  is the noun phrase before the bracket, found by a best-effort walk back over the words);
- inline explanations "X(…를 말한다. 이하 같다)" and "X(…를 말한다)" (kind "inline");
- definitions of a cited provision's words, mostly in decrees: "법 제2조제4호카목에서 "대통령령으로
  정하는 영역"이란 … 말한다" (kind "delegated", refers_to = the cited provision).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from lawcheck.models import Block, BlockKind, Clause, Definition, LawText, Reference, UnitKind
from lawcheck.refs import LawIndex, references_of

log = logging.getLogger(__name__)

# Definition.scope values.
SCOPE_LAW = "law"  # 이 법(영, 규칙)에서
SCOPE_CHAPTER = "chapter"  # 이 장(절, 편, 관)에서
SCOPE_ARTICLE = "article"  # 이 조에서, 이하 이 조에서
SCOPE_CLAUSE = "clause"  # 이 항(호, 목)에서, or an explanation without "이하 같다"
SCOPE_FOLLOWING = "following"  # (이하 "X"라 한다), (… 말한다. 이하 같다): from here on
SCOPE_CITED = "cited"  # the words of the cited provision ("법 제2조제4호카목에서 "…"이란")

# Definition.kind values.
KIND_ARTICLE = "article"  # an item of a 정의 article (or of a 정의 lead anywhere)
KIND_INLINE = "inline"
KIND_DELEGATED = "delegated"  # a lower norm defines words of its parent's provision

_SCOPE_OF_UNIT = {
    "법": SCOPE_LAW,
    "법률": SCOPE_LAW,
    "영": SCOPE_LAW,
    "규칙": SCOPE_LAW,
    "규정": SCOPE_LAW,
    "편": SCOPE_CHAPTER,
    "장": SCOPE_CHAPTER,
    "절": SCOPE_CHAPTER,
    "관": SCOPE_CHAPTER,
    "조": SCOPE_ARTICLE,
    "항": SCOPE_CLAUSE,
    "호": SCOPE_CLAUSE,
    "목": SCOPE_CLAUSE,
}

_Q = '"“”'  # straight and curly quotes both occur
_LEAD_RE = re.compile(
    r"이\s*(?P<unit>법률|법|영|규칙|규정|조|장|절|편|관|항)에서\s*(?:사용하는\s*)?"
    r"(?:용어의\s*(?:뜻|정의)|용어)(?:은|는)\s*(?:각각\s*)?다음과\s*같다"
)
_TERMS = (
    rf"[{_Q}][^{_Q}\n]{{1,60}}[{_Q}](?:\s*(?:및|또는|ㆍ|,|와|과)\s*[{_Q}][^{_Q}\n]{{1,60}}[{_Q}])*"
)
_ITEM_DEF_RE = re.compile(
    rf"^\s*(?:\d+(?:의\d+)?\.|[가-힣](?:의\d+)?\.)\s*(?P<terms>{_TERMS})\s*"
    r"(?:이)?(?:란|라\s*함은)\s*(?P<body>.*)$",
    re.S,
)
_COLON_DEF_RE = re.compile(
    r"^\s*[가-힣](?:의\d+)?\.\s*(?P<term>[^\s:：「」\"“”(),.]{1,30})\s*[:：]\s*(?P<body>.+)$", re.S
)
_QUOTED_RE = re.compile(rf"[{_Q}](?P<t>[^{_Q}\n]{{1,60}})[{_Q}]")
_INLINE_RE = re.compile(
    r"\(이하\s*(?:(?P<where>이\s*(?P<unit>조|항|호|목|장|절|편|관|법|영|규칙))에서(?:는)?\s*"
    rf"|(?P<other>[^(){_Q}]{{1,40}}?)에서(?:는)?\s*)?"
    rf"(?P<terms>{_TERMS})\s*(?:이)?라\s*(?:한다|하고|하며|함)[^()]*\)"
)
_EXPLAIN_TAIL_RE = re.compile(
    r"(?:을|를)\s*말한다\s*(?:\.\s*(?P<tail>이하\s*(?:(?P<where>이\s*(?P<unit>조|항|호|목|장|절|편|관))에서\s*)?"
    r"같다)\s*\.?)?\s*$"
)
_DELEGATED_RE = re.compile(rf"\s*에서\s*[{_Q}](?P<term>[^{_Q}\n]{{1,80}})[{_Q}]\s*(?:이)?란\s*")
_SENTENCE_END_RE = re.compile(r"말한다\.|정한다\.|같다\.|본다\.")
_NOTE_RE = re.compile(r"\s*(?:<[^<>\n]*>|\[[^\[\]\n]*\])\s*$")
_BY_REFERENCE_RE = re.compile(
    r"\s*(?:에\s*따른|의|에서\s*정한|에서\s*정하는|에서\s*말하는|에\s*규정된|에\s*해당하는)\s+"
    r"(?P<np>[^\s,.()「」]+(?:\s+[^\s,.()「」]+)?)\s*(?:을|를)\s*말한다\s*(?:\.\s*이하[^.]*같다)?\s*\.?\s*$"
)
_TOKEN_RE = re.compile(r"(?:「[^「」]*」|\([^()]*\)|[^\s「(])+")
_LABEL_RE = re.compile(
    r"^(?:\d+(?:의\d+)?\.|[가-힣]\.|[\u2460-\u2473\u3251-\u325f\u32b1-\u32bf]|<\d+>)$"
)
_LINKERS = {"따른", "의한", "관한", "대한", "정하는", "정한", "해당하는", "속하는", "규정된"}
_JOINERS = {"및", "또는", "등", "그", "밖의", "ㆍ", "내지"}
_STOP_ENDINGS = tuple("는은한된할인던을를이가에로와과도만고며여서면란라아나")
_BARE_STOP_ENDINGS = _STOP_ENDINGS + ("의", "및", "등", "또는")
_CITATION_TOKEN_RE = re.compile(r"^(?:「|제\s*\d+\s*[조항호])")
_HEADING_TOKEN_RE = re.compile(r"^제\s*\d+\s*조(?:의\s*\d+)?\(")


def definitions_of(
    law: LawText,
    index: LawIndex | None = None,
    *,
    references: dict[str, list[Reference]] | None = None,
) -> list[Definition]:
    """Every definition in a law, in document order.

    Args:
        law: a split law.
        index: laws that definitions may cite; without one, only the law itself is known, so
            a definition by reference to another law carries an unresolved Reference.
        references: the law's references if the caller has them (`references_of`), so that
            they are not resolved twice.

    Returns:
        Definitions of 정의 items, inline abbreviations/explanations and delegated definitions.
    """
    if references is None:
        references = references_of(law, index or LawIndex.from_laws([law]))
    out: list[Definition] = []
    for block in law.blocks:
        if block.kind is BlockKind.ARTICLE:
            out.extend(_article_definitions(law, block, references))
        for clause in block.clauses:
            if clause.kind is UnitKind.NOTE:
                continue
            refs = references.get(_key(clause), [])
            out.extend(_delegated(law, clause, refs))
            out.extend(_inline(law, clause, refs))
    order: dict[str, int] = {}
    for position, clause in enumerate(law.clauses()):
        order.setdefault(str(clause.ref), position)
    out.sort(key=lambda d: (order.get(d.clause_ref, 0), d.start))
    return out


def _key(clause: Clause) -> str:
    key = str(clause.ref)
    return f"{key}@{clause.start}" if clause.kind is UnitKind.UNPARSED else key


# ---------------------------------------------------------------------------------------------
# 정의 items
# ---------------------------------------------------------------------------------------------


def _article_definitions(
    law: LawText, block: Block, references: dict[str, list[Reference]]
) -> list[Definition]:
    """Items (and colon-style 목) under a "용어의 뜻은 다음과 같다" lead of one article."""
    out: list[Definition] = []
    leads: dict[str, str] = {}  # lead clause ref -> scope
    for clause in block.clauses:
        lead = _LEAD_RE.search(clause.text)
        if lead and clause.kind in (UnitKind.ARTICLE, UnitKind.PARAGRAPH):
            leads[str(clause.ref)] = _SCOPE_OF_UNIT[lead.group("unit")]
    if not leads:
        return out
    defining_items: dict[str, str] = {}  # item ref -> scope, for their 목
    for clause in block.clauses:
        parent = str(clause.parent) if clause.parent is not None else None
        if clause.kind is UnitKind.ITEM and parent in leads:
            scope = leads[parent]
            found = _item_definitions(law, clause, scope, references)
            if found:
                defining_items[str(clause.ref)] = scope
                out.extend(found)
        elif clause.kind is UnitKind.SUBITEM and parent in defining_items:
            out.extend(_subitem_definitions(law, clause, defining_items[parent], references))
    return out


def _item_definitions(
    law: LawText, clause: Clause, scope: str, references: dict[str, list[Reference]]
) -> list[Definition]:
    match = _ITEM_DEF_RE.match(clause.text)
    if match is None:
        return []
    body, body_start = _body(clause.text, match.start("body"), match.end("body"))
    refers_to = _by_reference(clause.text, body_start, body, references.get(_key(clause), []))
    out = []
    for quoted in _QUOTED_RE.finditer(match.group("terms")):
        start = match.start("terms") + quoted.start("t")
        out.append(
            Definition(
                term=quoted.group("t").strip(),
                body=body,
                law_id=law.meta.law_id,
                clause_ref=str(clause.ref),
                start=start,
                end=start + len(quoted.group("t")),
                scope=scope,
                kind=KIND_ARTICLE,
                refers_to=refers_to,
            )
        )
    return out


def _subitem_definitions(
    law: LawText, clause: Clause, scope: str, references: dict[str, list[Reference]]
) -> list[Definition]:
    """가. 인공지능개발사업자: 인공지능을 개발하여 제공하는 자 (or 가. "X"란 …)."""
    quoted = _item_definitions(law, clause, scope, references)
    if quoted:
        return quoted
    match = _COLON_DEF_RE.match(clause.text)
    if match is None:
        return []
    body, body_start = _body(clause.text, match.start("body"), match.end("body"))
    refers_to = _by_reference(clause.text, body_start, body, references.get(_key(clause), []))
    return [
        Definition(
            term=match.group("term"),
            body=body,
            law_id=law.meta.law_id,
            clause_ref=str(clause.ref),
            start=match.start("term"),
            end=match.end("term"),
            scope=scope,
            kind=KIND_ARTICLE,
            refers_to=refers_to,
        )
    ]


def _body(text: str, start: int, end: int) -> tuple[str, int]:
    """The defining words without trailing amendment notes, and where they start."""
    body = text[start:end]
    while True:
        note = _NOTE_RE.search(body)
        if note is None or not note.group().strip():
            break
        body = body[: note.start()]
    stripped = body.lstrip()
    return stripped.rstrip(), start + len(body) - len(stripped)


def _by_reference(text: str, body_start: int, body: str, refs: list[Reference]) -> Reference | None:
    """The Reference a body consists of: "「X법」 제2조제1호에 따른 데이터를 말한다"."""
    body_end = body_start + len(body)
    for ref in refs:
        if ref.start < body_start or ref.start >= body_end:
            continue
        if text[body_start : ref.start].strip():
            return None  # the body does not start with the citation
        return ref if _BY_REFERENCE_RE.match(text[:body_end], ref.end) else None
    return None


# ---------------------------------------------------------------------------------------------
# Inline definitions
# ---------------------------------------------------------------------------------------------


def _inline(law: LawText, clause: Clause, refs: list[Reference]) -> list[Definition]:
    text = clause.text
    out: list[Definition] = []
    for match in _INLINE_RE.finditer(text):
        if match.group("where"):
            scope = _SCOPE_OF_UNIT[match.group("unit")]
        elif match.group("other"):
            scope = SCOPE_CITED  # (이하 제3조에서 "X"라 한다)
        else:
            scope = SCOPE_FOLLOWING
        body = _phrase_before(text, match.start(), refs)
        for quoted in _QUOTED_RE.finditer(match.group("terms")):
            start = match.start("terms") + quoted.start("t")
            out.append(
                Definition(
                    term=quoted.group("t").strip(),
                    body=body,
                    law_id=law.meta.law_id,
                    clause_ref=str(clause.ref),
                    start=start,
                    end=start + len(quoted.group("t")),
                    scope=scope,
                    kind=KIND_INLINE,
                )
            )
    out.extend(_explanations(law, clause, refs))
    return out


def _explanations(law: LawText, clause: Clause, refs: list[Reference]) -> list[Definition]:
    """X(…를 말한다. 이하 같다): the words before the bracket, explained inside it."""
    text = clause.text
    out: list[Definition] = []
    if "말한다" not in text:  # what every explanation ends with: most clauses have none
        return out
    for open_at, close_at in _brackets(text):
        inside = text[open_at + 1 : close_at]
        tail = _EXPLAIN_TAIL_RE.search(inside)
        if tail is None or inside.startswith("이하"):
            continue
        term_start, term_end = _term_before(text, open_at)
        if term_start == term_end:
            continue
        if tail.group("tail") is None:
            scope = SCOPE_CLAUSE
        elif tail.group("where"):
            scope = _SCOPE_OF_UNIT[tail.group("unit")]
        else:
            scope = SCOPE_FOLLOWING
        body_end = open_at + 1 + tail.start() + inside[tail.start() :].index("말한다") + 3
        body = text[open_at + 1 : body_end].strip()
        refers_to = _by_reference(text, open_at + 1, text[open_at + 1 : close_at], refs)
        out.append(
            Definition(
                term=text[term_start:term_end],
                body=body,
                law_id=law.meta.law_id,
                clause_ref=str(clause.ref),
                start=term_start,
                end=term_end,
                scope=scope,
                kind=KIND_INLINE,
                refers_to=refers_to,
            )
        )
    return out


def _brackets(text: str) -> list[tuple[int, int]]:
    """(open, close) offsets of balanced round brackets, outermost and inner alike."""
    stack: list[int] = []
    pairs: list[tuple[int, int]] = []
    for i, ch in enumerate(text):
        if ch == "(":
            stack.append(i)
        elif ch == ")" and stack:
            pairs.append((stack.pop(), i))
    pairs.sort()
    return pairs


_WORD_BEFORE_RE = re.compile(r"[가-힣A-Za-z0-9]+$")


def _term_before(text: str, at: int) -> tuple[int, int]:
    """The noun (and up to two bare nouns before it) directly before a bracket."""
    word = _WORD_BEFORE_RE.search(text, 0, at)
    if word is None:
        return at, at
    start = word.start()
    for _ in range(1):
        before = text[:start]
        if not before.endswith(" "):
            break
        previous = _WORD_BEFORE_RE.search(before.rstrip())
        if previous is None or previous.end() != len(before.rstrip()):
            break
        token_start = before.rstrip().rfind(" ") + 1
        token = before.rstrip()[token_start:]
        if token != previous.group() or token.endswith(_BARE_STOP_ENDINGS) or token in _JOINERS:
            break
        start = previous.start()
    return start, at


def _phrase_before(text: str, at: int, refs: Sequence[Reference] = ()) -> str:
    """Best effort: the noun phrase an "(이하 "X"라 한다)" abbreviates.

    Walks back over the words before the bracket: coordinations (쉼표, 및, 또는, 등), genitives
    (…의), citations and "…에 따른" stay in the phrase; a verb form or a case particle ends it.
    """
    tokens = [(m.start(), m.group()) for m in _TOKEN_RE.finditer(text, 0, at)]
    if not tokens:
        return ""
    start = tokens[-1][0]
    take_next = False
    for position, token in reversed(tokens[:-1]):
        if take_next:  # the complement of "…에 따른": the whole citation when it is one
            start, take_next = position, False
            for ref in refs:
                if (
                    ref.start < position < ref.end
                    or position <= ref.end <= position + len(token)
                    and ref.start < position
                ):
                    start = min(start, ref.start)
            continue
        if position < start and any(r.start <= position < r.end for r in refs):
            start = position  # a word inside a citation ("같은 조 제2항")
            continue
        if (
            _LABEL_RE.match(token)
            or _HEADING_TOKEN_RE.match(token)
            or token.endswith((".", ":", "란", '"', "”"))
        ):
            break
        if token in _LINKERS:
            start, take_next = position, True
            continue
        if token.endswith(","):
            # A list ("국가, 지방자치단체, … 공공기관 등") only when the phrase says it is one.
            phrase = text[start:at]
            if phrase.rstrip().endswith("등") or " 및 " in phrase or " 또는 " in phrase:
                start = position
                continue
            break
        if token in _JOINERS or token.endswith(("의", "ㆍ")) or _CITATION_TOKEN_RE.match(token):
            start = position
            continue
        if token.endswith(_STOP_ENDINGS):
            break
        start = position
    return text[start:at].strip()


# ---------------------------------------------------------------------------------------------
# Delegated definitions
# ---------------------------------------------------------------------------------------------


def _delegated(law: LawText, clause: Clause, refs: list[Reference]) -> list[Definition]:
    """법 제2조제4호카목에서 "대통령령으로 정하는 영역"이란 …을 말한다."""
    text = clause.text
    out: list[Definition] = []
    for ref in refs:
        match = _DELEGATED_RE.match(text, ref.end)
        if match is None or ref.target_ref is None:
            continue
        end = _SENTENCE_END_RE.search(text, match.end())
        body_end = end.end() - 1 if end else len(text)
        body, _ = _body(text, match.end(), body_end)
        other_law = ref.target_law_id != law.meta.law_id
        out.append(
            Definition(
                term=match.group("term"),
                body=body,
                law_id=law.meta.law_id,
                clause_ref=str(clause.ref),
                start=match.start("term"),
                end=match.end("term"),
                scope=SCOPE_CITED,
                kind=KIND_DELEGATED if other_law else KIND_INLINE,
                refers_to=ref,
            )
        )
    return out
