"""Split a law into clauses: 조 → 항 → 호 → 목 → 1) → 가), plus 부칙 and 별표, losslessly.

Input: a `RawLaw` from `importers`. Output: a `LawText` whose blocks carry their text and
units with offsets. Invariants checked after every block (and raised as `SplitError` if
broken, because that is a bug, not bad input): the units' own spans and the newlines between
lines cover the block text with no gap and no overlap, and every reference is unique. Text the
splitter cannot place is kept as an UNPARSED unit with the reason, never dropped.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass, field, replace

from lawcheck.errors import SplitError
from lawcheck.models import (
    Block,
    BlockKind,
    Clause,
    ClauseRef,
    LawText,
    PartKind,
    RawBlock,
    RawLaw,
    RawLine,
    Span,
    UnitKind,
)

log = logging.getLogger(__name__)

_DEPTH = {
    UnitKind.ARTICLE: 0,
    UnitKind.PARAGRAPH: 1,
    UnitKind.ITEM: 2,
    UnitKind.SUBITEM: 3,
    UnitKind.DETAIL: 4,
    UnitKind.SUBDETAIL: 5,
}

_CIRCLED = {chr(0x2460 + i): i + 1 for i in range(20)}  # ①..⑳
_CIRCLED.update({chr(0x3251 + i): 21 + i for i in range(15)})  # ㉑..㉟
_CIRCLED.update({chr(0x32B1 + i): 36 + i for i in range(15)})  # ㊱..㊿

_PARAGRAPH_TEXT_RE = re.compile(r"^([\u2460-\u2473\u3251-\u325f\u32b1-\u32bf])")
# Unit numbers have at most 9 digits: a longer run of digits is text, not a label (and int()
# refuses strings of more than 4300 digits).
_ITEM_TEXT_RE = re.compile(r"^(\d{1,9})(?:의(\d{1,9}))?\.(?=\s|$)")
_SUBITEM_TEXT_RE = re.compile(r"^([가-힣])(?:의(\d+))?\.(?=\s|$)")
# 1) and (1) labels go into the reference as written, whose grammar has ASCII digits only
# ("٣)" would make a ClauseRef that does not parse back): other digits are text.
_DETAIL_TEXT_RE = re.compile(r"^([0-9]{1,9})\)(?=\s|$)")
_SUBDETAIL_TEXT_RE = re.compile(r"^(\([0-9]{1,9}\)|[가-힣]\)|\([가-힣]\))(?=\s|$)")

_ADDENDUM_ARTICLE_RE = re.compile(
    r"^제\s*(\d{1,9})\s*조(?:\s*의\s*(\d{1,9}))?(?=\s*\(|\s+생략|\s+삭제)"
)
_DELETED_RE = re.compile(r"^제\d+조(?:의\d+)?\s*(?:\([^)]*\))?\s*삭제\s*(?:<[^>]*>)?\s*$")

_NOTE_INLINE_RE = re.compile(
    r"<(?:개정|신설|삭제|전문개정|본조신설|제목개정|타법개정|시행일)[^<>]{0,200}?>"
    r"|\[(?:본조신설|전문개정|제목개정|본조제목개정|종전|시행일|제\d+조[^\]]*(?:이동|에서))[^\[\]]{0,300}\]"
)
_NOTE_LINE_RE = re.compile(r"^\[[^\[\]]*(?:개정|신설|이동|삭제|시행일)[^\[\]]*\]$")


@dataclass
class _Unit:
    kind: UnitKind
    ref: ClauseRef
    label: str | None
    lines: list[str]
    first_line: int
    parent: _Unit | None
    reason: str | None = None
    children: list[_Unit] = field(default_factory=list)
    depth: int = -1  # nesting level; an UNPARSED unit takes the level it was meant to have

    def __post_init__(self) -> None:
        if self.depth < 0:
            self.depth = _DEPTH.get(self.kind, 0)


def split_law(raw: RawLaw) -> LawText:
    """Split every block of a law and check the lossless invariants.

    Raises:
        SplitError: an invariant is broken (a bug in lawcheck; the message names the block).
    """
    blocks: list[Block] = []
    seen_refs: dict[ClauseRef, int] = {}
    addendum_ids: Counter[str] = Counter()
    for index, raw_block in enumerate(raw.blocks):
        if raw_block.kind is BlockKind.ADDENDUM:
            # Joint amendments can leave two 부칙 with one number and date; number them.
            addendum_ids[raw_block.addendum or "?"] += 1
            if addendum_ids[raw_block.addendum or "?"] > 1:
                raw_block = replace(
                    raw_block, addendum=f"{raw_block.addendum}#{addendum_ids[raw_block.addendum]}"
                )
        block = split_block(raw_block, law_name=raw.meta.name)
        if block.ref in seen_refs:
            # Two blocks with one number (a source error): keep both, the later as UNPARSED.
            block = _as_unparsed(
                block,
                f"{block.ref} appears twice in the source (block "
                f"{seen_refs[block.ref] + 1} and {index + 1})",
                index,
            )
        seen_refs.setdefault(block.ref, index)
        blocks.append(block)
    counts = Counter()
    for block in blocks:
        if block.kind is BlockKind.ARTICLE and block.clauses[0].kind is UnitKind.ARTICLE:
            counts["articles"] += 1
        for clause in block.clauses:
            counts[_COUNT_NAMES[clause.kind]] += 1
    return LawText(
        meta=raw.meta,
        blocks=tuple(blocks),
        divisions=raw.divisions,
        source_path=raw.source_path,
        source_format=raw.source_format,
        source_sha256=raw.source_sha256,
        counts=dict(counts),
    )


_COUNT_NAMES = {
    UnitKind.PREAMBLE: "preambles",
    UnitKind.ARTICLE: "article_units",
    UnitKind.PARAGRAPH: "paragraphs",
    UnitKind.ITEM: "items",
    UnitKind.SUBITEM: "subitems",
    UnitKind.DETAIL: "details",
    UnitKind.SUBDETAIL: "subdetails",
    UnitKind.NOTE: "notes",
    UnitKind.ADDENDUM: "addenda",
    UnitKind.ADDENDUM_ARTICLE: "addendum_articles",
    UnitKind.ANNEX: "annexes",
    UnitKind.UNPARSED: "unparsed",
}


def split_block(raw: RawBlock, *, law_name: str = "") -> Block:
    """Split one article, addendum or annex into units with offsets."""
    lines = [line for line in raw.lines if line.text.strip()]
    if raw.kind is BlockKind.ARTICLE:
        units, ref = _article_units(raw, lines)
    elif raw.kind is BlockKind.ADDENDUM:
        units, ref = _addendum_units(raw, lines)
    else:
        # No kind means 별표, as ClauseRef prints it, so that the ref parses back unchanged.
        ref = ClauseRef(
            annex_kind=raw.annex_kind or "별표", annex=raw.annex, annex_branch=raw.annex_branch
        )
        units = [_Unit(UnitKind.ANNEX, ref, None, [line.text.strip() for line in lines], 0, None)]
    text, clauses = _assemble(units)
    where = f"{law_name} {ref}".strip()
    _check(text, clauses, where)
    head = clauses[0].text if clauses else ""
    return Block(
        kind=raw.kind,
        ref=ref,
        text=text,
        clauses=tuple(clauses),
        title=raw.title,
        effective_date=raw.effective_date,
        deleted=bool(_DELETED_RE.match(head)) if raw.kind is BlockKind.ARTICLE else False,
        notes=raw.notes,
        division=raw.division,
    )


# ---------------------------------------------------------------------------------------------
# Articles
# ---------------------------------------------------------------------------------------------


def _article_units(raw: RawBlock, lines: list[RawLine]) -> tuple[list[_Unit], ClauseRef]:
    if raw.article is None:
        # 헌법 전문, or the whole body of a law written without articles (조문 없는 법령).
        ref = ClauseRef(preamble=True)
        return [
            _Unit(UnitKind.PREAMBLE, ref, None, [ln.text.strip() for ln in lines], 0, None)
        ], ref
    ref = ClauseRef(article=raw.article, article_branch=raw.article_branch)
    units: list[_Unit] = []
    if not lines or lines[0].level is not UnitKind.ARTICLE:
        # No head line (the source gave 항 straight away): an empty-titled head would be
        # invented text, so the article unit takes the first line whatever it is.
        lines = [RawLine(lines[0].text if lines else "", UnitKind.ARTICLE)] + lines[1:]
    root = _Unit(UnitKind.ARTICLE, ref, None, [lines[0].text.strip()], 0, None)
    units.append(root)
    stack: list[_Unit] = [root]
    for index, line in enumerate(lines[1:], start=1):
        text = line.text.strip()
        kind, label, number = _classify(line, text)
        if kind is None:
            if _NOTE_LINE_RE.match(text) and stack[-1] is root and len(units) > 1:
                units.append(
                    _Unit(UnitKind.NOTE, ref.with_part(None), None, [text], index, root, "note")
                )
                continue
            stack[-1].lines.append(text)
            continue
        depth = _DEPTH[kind]
        while len(stack) > 1 and stack[-1].depth >= depth:
            stack.pop()
        parent = stack[-1]
        child_ref = _child_ref(parent.ref, kind, number, label)
        if child_ref is None or any(
            u.ref == child_ref and u.kind is not UnitKind.UNPARSED for u in units
        ):
            why = (
                f"{label!r} repeats a number already used in {ref}"
                if child_ref is not None
                else f"{label!r} cannot be numbered under {parent.ref}"
            )
            unit = _Unit(
                UnitKind.UNPARSED, parent.ref, label, [text], index, parent, why, depth=depth
            )
            units.append(unit)
            stack.append(unit)
            continue
        unit = _Unit(kind, child_ref, label, [text], index, parent)
        parent.children.append(unit)
        units.append(unit)
        stack.append(unit)
    return units, ref


def _classify(line: RawLine, text: str) -> tuple[UnitKind | None, str | None, tuple | None]:
    """The unit kind of a line: as the source marks it, or from the label it starts with."""
    kind = line.level if line.level is not UnitKind.ARTICLE else None
    label = line.label
    if kind is UnitKind.PARAGRAPH:
        match = _PARAGRAPH_TEXT_RE.match(label or text)
        if match is None:
            number = re.match(r"^<?(\d{1,9})(?!\d)", (label or "").strip())
            return kind, label, ((int(number.group(1)),) if number else None)
        return kind, match.group(1), (_CIRCLED[match.group(1)],)
    if kind is UnitKind.ITEM:
        # The text is authoritative: XML 호번호 says "4." for "4의2." (the branch sits in
        # 호가지번호), so the number written at the start of the text wins.
        match = _ITEM_TEXT_RE.match(text) or _ITEM_TEXT_RE.match((label or "").strip())
        return kind, label, ((int(match.group(1)), int(match.group(2) or 0)) if match else None)
    if kind is UnitKind.SUBITEM:
        match = _SUBITEM_TEXT_RE.match(text) or _SUBITEM_TEXT_RE.match((label or "").strip())
        if match is None:
            return kind, label, None
        letter = match.group(1) + (f"의{match.group(2)}" if match.group(2) else "")
        return kind, label, (letter,)
    # Unmarked line: deeper levels are never marked by the sources; 항/호/목 written as
    # plain text are recognised too so that every format splits the same way.
    for pattern, kind in (
        (_PARAGRAPH_TEXT_RE, UnitKind.PARAGRAPH),
        (_ITEM_TEXT_RE, UnitKind.ITEM),
        (_SUBITEM_TEXT_RE, UnitKind.SUBITEM),
        (_DETAIL_TEXT_RE, UnitKind.DETAIL),
        (_SUBDETAIL_TEXT_RE, UnitKind.SUBDETAIL),
    ):
        match = pattern.match(text)
        if match:
            return (
                _classify(RawLine(text, kind, match.group(0)), text)
                if kind in (UnitKind.PARAGRAPH, UnitKind.ITEM, UnitKind.SUBITEM)
                else (kind, match.group(0), (match.group(0),))
            )
    return None, None, None


def _child_ref(parent: ClauseRef, kind: UnitKind, number: tuple | None, label) -> ClauseRef | None:
    if number is None:
        return None
    base = ClauseRef(
        article=parent.article,
        article_branch=parent.article_branch,
        paragraph=parent.paragraph,
        item=parent.item,
        item_branch=parent.item_branch,
        subitem=parent.subitem,
        details=parent.details,
    )
    if kind is UnitKind.PARAGRAPH:
        if parent.item is not None or parent.subitem is not None:
            return None
        return replace(base, paragraph=number[0])
    if kind is UnitKind.ITEM:
        if parent.subitem is not None:
            return None
        return replace(base, item=number[0], item_branch=number[1])
    if kind is UnitKind.SUBITEM:
        return replace(base, subitem=number[0], details=())
    if parent.subitem is None and parent.item is None:
        return None  # 1) and 가) exist below a 목, or below a 호 that has no 목
    if kind is UnitKind.DETAIL:
        return replace(base, details=(number[0],))
    return replace(base, details=parent.details[:1] + (number[0],))


# ---------------------------------------------------------------------------------------------
# Addenda
# ---------------------------------------------------------------------------------------------


def _addendum_units(raw: RawBlock, lines: list[RawLine]) -> tuple[list[_Unit], ClauseRef]:
    ref = ClauseRef(addendum=raw.addendum or "?")
    root = _Unit(UnitKind.ADDENDUM, ref, None, [], 0, None)
    units = [root]
    current = root
    last_number = (0, 0)
    for index, line in enumerate(lines):
        text = line.text.strip()
        match = _ADDENDUM_ARTICLE_RE.match(text) if index else None
        if match:
            number = (int(match.group(1)), int(match.group(2) or 0))
            # Amendments of other laws quote their articles ("제38조제1항 중 …"); only an
            # increasing number with a title or 생략/삭제 starts an addendum article.
            if number > last_number:
                last_number = number
                current = _Unit(
                    UnitKind.ADDENDUM_ARTICLE,
                    ClauseRef(addendum=ref.addendum, article=number[0], article_branch=number[1]),
                    None,
                    [text],
                    index,
                    root,
                )
                root.children.append(current)
                units.append(current)
                continue
        current.lines.append(text)
    if not root.lines:
        root.lines.append("")
    return units, ref


# ---------------------------------------------------------------------------------------------
# Offsets, parts, notes and invariants
# ---------------------------------------------------------------------------------------------


def _assemble(units: list[_Unit]) -> tuple[str, list[Clause]]:
    pieces: list[str] = []
    offsets: dict[int, tuple[int, int]] = {}
    position = 0
    for i, unit in enumerate(units):
        own = "\n".join(unit.lines)
        start = position
        end = start + len(own)
        offsets[i] = (start, end)
        pieces.append(own)
        position = end + 1  # the newline that ends the unit's last line belongs to it
    text = "\n".join(pieces)
    index_of = {id(u): i for i, u in enumerate(units)}
    clauses = []
    for i, unit in enumerate(units):
        start, end = offsets[i]
        subtree_end = end
        for later in units[i + 1 :]:
            if not _descends(later, unit):
                break
            subtree_end = offsets[index_of[id(later)]][1]
        own = text[start:end]
        clauses.append(
            Clause(
                ref=unit.ref,
                kind=unit.kind,
                text=own,
                start=start,
                end=end,
                end_of_subtree=subtree_end,
                label=unit.label,
                parent=unit.parent.ref if unit.parent is not None else None,
                parts=_parts(own, start, bool(unit.children)),
                notes=tuple(
                    Span(start + m.start(), start + m.end(), "note")
                    for m in _NOTE_INLINE_RE.finditer(own)
                ),
                reason=unit.reason if unit.kind in (UnitKind.UNPARSED,) else None,
            )
        )
    return text, clauses


def _descends(unit: _Unit, ancestor: _Unit) -> bool:
    node = unit.parent
    while node is not None:
        if node is ancestor:
            return True
        node = node.parent
    return False


_PROVISO_RE = re.compile(r"(?:(?<=[.다]\s)|(?<=^))다만[,\s]")
_LATTER_RE = re.compile(r"(?:(?<=[.다]\s)|(?<=^))이\s경우\s")


def _parts(own: str, offset: int, has_children: bool) -> tuple[Span, ...]:
    """본문/단서 and 전단/후단 of a unit's text (block offsets), and its 각 호 외의 부분."""
    spans: list[Span] = []
    body_end = len(own.rstrip())
    proviso = _PROVISO_RE.search(own)
    if proviso and proviso.start() > 0:
        spans.append(Span(offset, offset + proviso.start() - 1, PartKind.MAIN.value))
        spans.append(Span(offset + proviso.start(), offset + body_end, PartKind.PROVISO.value))
    latter = _LATTER_RE.search(own)
    if latter and latter.start() > 0:
        stop = proviso.start() - 1 if proviso and proviso.start() > latter.start() else body_end
        spans.append(Span(offset, offset + latter.start() - 1, PartKind.FRONT.value))
        spans.append(Span(offset + latter.start(), offset + stop, PartKind.LATTER.value))
    if has_children:
        spans.append(Span(offset, offset + body_end, PartKind.LEAD.value))
    return tuple(spans)


def _check(text: str, clauses: list[Clause], where: str) -> None:
    position = 0
    refs: set[ClauseRef] = set()
    for clause in clauses:
        if clause.start != position:
            raise SplitError(
                f"{where}: unit {clause.ref} starts at {clause.start}, expected "
                f"{position} — characters would be lost or doubled"
            )
        if text[clause.start : clause.end] != clause.text:
            raise SplitError(f"{where}: unit {clause.ref} text does not match its span")
        position = clause.end + 1
        if clause.kind is not UnitKind.UNPARSED and clause.kind is not UnitKind.NOTE:
            if clause.ref in refs:
                raise SplitError(f"{where}: reference {clause.ref} is used twice")
            refs.add(clause.ref)
    if clauses and clauses[-1].end != len(text):
        raise SplitError(
            f"{where}: units end at {clauses[-1].end} but the text has {len(text)} characters"
        )


def _as_unparsed(block: Block, reason: str, index: int) -> Block:
    clause = Clause(
        ref=block.ref,
        kind=UnitKind.UNPARSED,
        text=block.text,
        start=0,
        end=len(block.text),
        end_of_subtree=len(block.text),
        reason=reason,
    )
    return replace(block, clauses=(clause,))
