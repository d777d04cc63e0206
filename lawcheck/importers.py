"""Read law texts from law.go.kr API bodies (XML, JSON) and legalize-kr Markdown.

Input: a file, a folder, or a legalize-kr clone. Output: `RawLaw` values — metadata and
blocks of lines whose structural level the source states (XML elements, Markdown markup).
Nothing here decides what a line means beyond what the source says; `split` does that, the
same way for every format, so that the XML and the Markdown of one law split identically.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
import yaml
from defusedxml import DefusedXmlException

from lawcheck.errors import ImportError_, InputTooLargeError, UnknownFormatError
from lawcheck.models import (
    BlockKind,
    Division,
    LawMeta,
    RawBlock,
    RawLaw,
    RawLine,
    UnitKind,
)

log = logging.getLogger(__name__)

MAX_SOURCE_BYTES = 64 * 1024 * 1024  # the largest real body (건축법 JSON) is a few MB
# JSON bodies nest about 8 levels (법령/조문/조문단위/항/호/목, lists of lists); the JSON
# reader recurses, so far deeper input is refused instead of exhausting the stack.
MAX_NESTING = 100

_DIVISION_RE = re.compile(r"^제\s*(\d+)\s*(편|장|절|관|속)(?:\s*의\s*\d+)?(?:\s|$)")


# ---------------------------------------------------------------------------------------------
# Entry points
# ---------------------------------------------------------------------------------------------


def read_path(
    path: str | Path, *, mst: str | None = None, max_bytes: int = MAX_SOURCE_BYTES
) -> RawLaw:
    """Read one law file, choosing the reader from its content.

    Args:
        path: an API XML body, an API JSON body or a legalize-kr Markdown file.
        mst: the 법령일련번호 the body was requested with (API bodies do not contain it).
        max_bytes: larger files are refused before they are read.

    Raises:
        UnknownFormatError: the file is none of the supported formats.
        ImportError_: the file is of a known format but broken; the message names the place.
        InputTooLargeError: the file is larger than `max_bytes`.
    """
    path = Path(path)
    data = _read_bytes(path, max_bytes)
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"---"):
        return read_markdown(path, data=data)
    if head.startswith(b"<"):
        return read_api_xml(path, data=data, mst=mst)
    if head.startswith(b"{"):
        return read_api_json(path, data=data, mst=mst)
    raise UnknownFormatError(
        f"{path}: not a law.go.kr XML/JSON body or a legalize-kr Markdown file "
        "(expected '<법령', '{\"법령\"' or YAML front matter '---' at the start)"
    )


def iter_law_files(path: str | Path) -> Iterator[Path]:
    """Law files under a path: the file itself, or *.xml/*.json/*.md below a folder.

    A legalize-kr clone is a folder like any other; README/LICENSE files and the fetch
    manifest are skipped, everything else with a law extension is returned (and must import).
    """
    path = Path(path)
    if path.is_file():
        yield path
        return
    if not path.is_dir():
        raise ImportError_(f"{path}: no such file or folder")
    for file in sorted(path.rglob("*")):
        if not file.is_file() or file.suffix.lower() not in {".xml", ".json", ".md"}:
            continue
        if any(part.startswith(".") for part in file.relative_to(path).parts):
            continue
        if file.name.upper().startswith(("README", "LICENSE", "CONTRIBUTING", "CHANGES")):
            continue
        if file.parent.name == "search" or file.parent.name == "lsDelegated":
            continue  # fetch's search pages and delegation tables are not law bodies
        yield file


def _read_bytes(path: Path, max_bytes: int = MAX_SOURCE_BYTES) -> bytes:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportError_(f"{path}: cannot read ({exc.strerror})") from exc
    if size > max_bytes:
        raise InputTooLargeError(
            f"{path}: {size:,} bytes is larger than the {max_bytes:,}-byte limit for one law "
            "file; check that it is really a single law body, or raise the limit with "
            "`lawcheck import --max-bytes N`"
        )
    return path.read_bytes()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _date(value: str | None) -> str | None:
    """'20260120' or '2026-01-20' -> '2026-01-20'; empty -> None."""
    if value is None:
        return None
    value = str(value).strip()
    if not value:
        return None
    digits = re.sub(r"\D", "", value)
    if len(digits) == 8:
        return f"{digits[:4]}-{digits[4:6]}-{digits[6:]}"
    return value


def _number(text: str) -> int:
    """A 조문번호/별표번호 field: ASCII digits only (int() also takes "-3", "1_0", "١")."""
    if not re.fullmatch(r"[0-9]{1,9}", text):
        raise ValueError(text)
    return int(text)


def _lines(text: str | None) -> list[str]:
    """Physical lines of a text, stripped, blank ones dropped (the recorded normalisation)."""
    if not text:
        return []
    return [line.strip() for line in text.splitlines() if line.strip()]


# ---------------------------------------------------------------------------------------------
# law.go.kr lawService XML (and JSON, converted to the same element tree)
# ---------------------------------------------------------------------------------------------


def read_api_xml(path: str | Path, *, data: bytes | None = None, mst: str | None = None) -> RawLaw:
    """Read a lawService.do body (`<법령 법령키=…>`) saved byte for byte."""
    path = Path(path)
    data = _read_bytes(path) if data is None else data
    try:
        root = SafeET.fromstring(data)
    except (SafeET.ParseError, DefusedXmlException) as exc:
        raise ImportError_(
            f"{path}: malformed XML ({exc}); the body is truncated or broken — fetch it again "
            "with `lawcheck fetch`, or report the MST if law.go.kr serves it this way"
        ) from exc
    except (ValueError, LookupError) as exc:
        # expat reads UTF-8/UTF-16 and single-byte encodings only: a declared EUC-KR/CP949
        # raises ValueError, an unknown encoding name LookupError.
        raise ImportError_(
            f"{path}: the XML declaration names an encoding the parser cannot read ({exc}); "
            "law.go.kr bodies are UTF-8 — re-save the file as UTF-8 or fetch it again"
        ) from exc
    return _read_law_element(root, path, data, "api-xml", mst)


def read_api_json(path: str | Path, *, data: bytes | None = None, mst: str | None = None) -> RawLaw:
    """Read a lawService.do `type=JSON` body (`{"법령": {…}}`).

    The JSON is a mechanical XML conversion: one element becomes an object instead of a list,
    attributes become sibling keys or `content` wrappers, multi-line text becomes lists of
    lists. It is turned back into the element tree the XML reader reads.
    """
    path = Path(path)
    data = _read_bytes(path) if data is None else data
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except ValueError as exc:  # UnicodeDecodeError, JSONDecodeError, and int() refusing a
        # number of more than 4300 digits
        raise ImportError_(f"{path}: malformed JSON ({exc}); fetch the body again") from exc
    except RecursionError as exc:  # the json module recurses once per nested array/object
        raise ImportError_(_too_deep_message(path)) from exc
    if _too_deep(doc, MAX_NESTING):  # the conversion below recurses too
        raise ImportError_(_too_deep_message(path))
    if not isinstance(doc, dict) or not isinstance(doc.get("법령"), dict):
        keys = list(doc)[:5] if isinstance(doc, dict) else type(doc).__name__
        raise ImportError_(
            f'{path}: JSON without a top-level "법령" object (found {keys}); this is not a '
            "lawService.do law body — error envelopes must not be imported"
        )
    root = _json_to_element("법령", doc["법령"])
    return _read_law_element(root, path, data, "api-json", mst)


def _too_deep_message(path: Path) -> str:
    return (
        f"{path}: JSON nested more than {MAX_NESTING} arrays/objects deep; a law body nests "
        "about 8 — the file is damaged or not a law.go.kr body"
    )


def _json_to_element(tag: str, value: Any) -> Element:
    element = Element(tag)
    if isinstance(value, dict):
        has_content = "content" in value
        for key, child in value.items():
            if key == "content":
                element.text = _json_text(child)
            elif has_content and not isinstance(child, (dict, list)):
                element.set(key, _json_text(child))  # {"content": "법률", "법종구분코드": …}
            elif isinstance(child, list) and child and all(isinstance(c, dict) for c in child):
                for item in child:
                    element.append(_json_to_element(key, item))
            elif isinstance(child, dict):
                element.append(_json_to_element(key, child))
            else:
                # A scalar is either an attribute or a text child; keep both readings.
                text = _json_text(child)
                element.set(key, text)
                sub = Element(key)
                sub.text = text
                element.append(sub)
    else:
        element.text = _json_text(value)
    return element


def _json_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "\n".join(_json_text(v) for v in value)
    if isinstance(value, dict):
        # An object among text lines: its text (the content wrapper's, or its values'),
        # never its Python repr, which would quote and escape the law's characters.
        if "content" in value:
            return _json_text(value["content"])
        return "\n".join(_json_text(v) for v in value.values())
    return str(value)


def _text(element: Element | None, tag: str | None = None) -> str:
    if element is None:
        return ""
    if tag is not None:
        child = element.find(tag)
        if child is None:
            return element.get(tag, "") or ""
        element = child
    return "".join(element.itertext()).strip()


def _content(element: Element, tag: str) -> str:
    """A text field such as 조문내용, read in full: a repeated element is joined, not dropped."""
    children = element.findall(tag)
    if not children:
        return _text(element, tag)
    return "\n".join("".join(child.itertext()).strip() for child in children).strip()


def _too_deep(value: Any, limit: int) -> bool:
    """True if a parsed JSON value nests deeper than `limit` arrays/objects."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(node, dict):
            stack.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, list):
            stack.extend((child, depth + 1) for child in node)
    return False


def _read_law_element(
    root: Element, path: Path, data: bytes, source_format: str, mst: str | None
) -> RawLaw:
    if root.tag != "법령":
        hint = _text(root)[:80]
        raise ImportError_(
            f"{path}: root element <{root.tag}> is not <법령> ({hint!r}); this is an error "
            "page or another API target, not a law body"
        )
    info = root.find("기본정보")
    if info is None:
        raise ImportError_(f"{path}: <법령> has no <기본정보>; the body is incomplete")
    law_id = _text(info, "법령ID")
    name = _text(info, "법령명_한글")
    kind = _text(info, "법종구분")
    for field_name, value in (("법령ID", law_id), ("법령명_한글", name), ("법종구분", kind)):
        if not value:
            raise ImportError_(f"{path}: <기본정보> has no {field_name}; cannot identify the law")
    ministry = info.find("소관부처")
    meta = LawMeta(
        law_id=law_id,
        name=name,
        kind=kind,
        mst=mst,
        abbreviation=_text(info, "법령명약칭") or None,
        ministry=_text(ministry) or None,
        ministry_code=(ministry.get("소관부처코드") if ministry is not None else None) or None,
        promulgation_no=_text(info, "공포번호") or None,
        promulgation_date=_date(_text(info, "공포일자")),
        effective_date=_date(_text(info, "시행일자")),
        revision_kind=_text(info, "제개정구분") or None,
        law_key=root.get("법령키") or _text(root, "법령키") or None,
        article_effective_dates=_text(info, "조문시행일자문자열") or None,
    )
    blocks: list[RawBlock] = []
    divisions: list[Division] = []
    heading: dict[str, str] = {}
    for unit in root.iterfind("조문/조문단위"):
        kind_text = _text(unit, "조문여부")
        content = _content(unit, "조문내용")
        if kind_text == "전문":
            has_paragraphs = unit.find("항") is not None
            if not has_paragraphs and (
                _DIVISION_RE.match(" ".join(content.split())) or not content.strip()
            ):
                _enter_division(content, len(blocks), divisions, heading)
            else:
                # A 전문 unit that is not a 편/장/절/관 heading is a preamble (헌법 전문); its
                # paragraphs and date come as consecutive units, kept as one block. A heading
                # never has 항: if one does, its text is preamble text too, not dropped.
                lines = tuple(RawLine(line.text) for line in _unit_lines(unit))
                if blocks and blocks[-1].article is None and blocks[-1].kind is BlockKind.ARTICLE:
                    lines = blocks.pop().lines + lines
                blocks.append(
                    RawBlock(kind=BlockKind.ARTICLE, lines=lines, division=tuple(heading.values()))
                )
            continue
        blocks.append(_xml_article(unit, path, tuple(heading.values())))
    for addendum in root.iterfind("부칙/부칙단위"):
        lines = _lines(_content(addendum, "부칙내용"))
        number = _text(addendum, "부칙공포번호")
        blocks.append(
            RawBlock(
                kind=BlockKind.ADDENDUM,
                lines=tuple(RawLine(line) for line in lines),
                addendum=_addendum_id(lines[0] if lines else "", number),
            )
        )
    for annex in root.iterfind("별표/별표단위"):
        blocks.append(_xml_annex(annex, path))
    return RawLaw(
        meta=meta,
        blocks=tuple(blocks),
        divisions=tuple(divisions),
        source_path=str(path),
        source_format=source_format,
        source_sha256=_sha256(data),
    )


def _enter_division(text: str, position: int, divisions: list[Division], heading: dict) -> None:
    text = " ".join(text.split())
    match = _DIVISION_RE.match(text)
    level = match.group(2) if match else "장"
    order = "편장절관속"
    # A new 장 closes the 절 and 관 of the previous one.
    for lower in order[order.index(level) :]:
        heading.pop(lower, None)
    heading[level] = text
    divisions.append(Division(level=level, text=text, position=position))


def _xml_article(unit: Element, path: Path, division: tuple[str, ...]) -> RawBlock:
    number_text = _text(unit, "조문번호")
    branch_text = _text(unit, "조문가지번호")
    try:
        article = _number(number_text)
        branch = _number(branch_text) if branch_text else 0
    except ValueError as exc:
        key = unit.get("조문키") or _text(unit, "조문키")
        raise ImportError_(
            f"{path}: 조문단위 {key}: 조문번호 {number_text!r} / 조문가지번호 {branch_text!r} "
            "is not a number"
        ) from exc
    notes = tuple(_lines(_text(unit, "조문참고자료")))
    return RawBlock(
        kind=BlockKind.ARTICLE,
        lines=tuple(_unit_lines(unit)),
        article=article,
        article_branch=branch,
        title=_text(unit, "조문제목") or None,
        effective_date=_date(_text(unit, "조문시행일자")),
        notes=notes,
        division=division,
    )


def _unit_lines(unit: Element) -> list[RawLine]:
    """The lines of one 조문단위: 조문내용, then each 항 with its 호 and 목."""
    lines: list[RawLine] = []
    head = _lines(_content(unit, "조문내용"))
    for i, line in enumerate(head):
        lines.append(RawLine(line, UnitKind.ARTICLE if i == 0 else None))
    for paragraph in unit.iterfind("항"):
        label = _text(paragraph, "항번호")
        _append_element_lines(lines, _content(paragraph, "항내용"), UnitKind.PARAGRAPH, label)
        for item in paragraph.iterfind("호"):
            label = _text(item, "호번호")
            item_branch = _text(item, "호가지번호")
            if re.fullmatch(r"[0-9]{1,9}", item_branch) and int(item_branch) and "의" not in label:
                # API bodies write 1의2. as 호번호 "1." plus 호가지번호 "2".
                label = f"{label.rstrip('.').strip()}의{int(item_branch)}."
            _append_element_lines(lines, _content(item, "호내용"), UnitKind.ITEM, label)
            for sub in item.iterfind("목"):
                _append_element_lines(
                    lines, _content(sub, "목내용"), UnitKind.SUBITEM, _text(sub, "목번호")
                )
        # Some JSON bodies put 목 beside their 호 instead of inside it (SPEC §5.3).
        for sub in paragraph.iterfind("목"):
            _append_element_lines(
                lines, _content(sub, "목내용"), UnitKind.SUBITEM, _text(sub, "목번호")
            )
    return lines


def _append_element_lines(lines: list[RawLine], text: str, level: UnitKind, label: str) -> None:
    physical = _lines(text)
    for i, line in enumerate(physical):
        lines.append(
            RawLine(line, level if i == 0 else None, label.strip() or None if i == 0 else None)
        )


def _xml_annex(annex: Element, path: Path) -> RawBlock:
    kind_text = _text(annex, "별표구분") or "별표"
    number_text = _text(annex, "별표번호")
    branch_text = _text(annex, "별표가지번호")
    key = annex.get("별표키") or _text(annex, "별표키")
    if not number_text and key:
        number_text, branch_text = key[:4], key[4:6]
    try:
        number = _number(number_text)
        branch = _number(branch_text) if branch_text else 0
    except ValueError as exc:
        raise ImportError_(
            f"{path}: 별표단위 {key}: 별표번호 {number_text!r} is not a number"
        ) from exc
    title = _text(annex, "별표제목") or _text(annex, "별표제목문자열") or None
    lines = _lines(_content(annex, "별표내용"))
    if not lines and title:
        lines = [title]  # annexes published only as HWP/PDF keep their title as text
    return RawBlock(
        kind=BlockKind.ANNEX,
        lines=tuple(RawLine(line) for line in lines),
        title=title,
        effective_date=_date(_text(annex, "별표시행일자")),
        annex_kind="서식" if "서식" in kind_text else "별표",
        annex=number,
        annex_branch=branch,
    )


def _addendum_id(head: str, number: str | None = None) -> str:
    """'부칙 <제21311호,2026.1.20>' -> '제21311호,2026.1.20' (공포번호 and date of the addendum).

    The number alone is not unique: 부칙 of 직제 rules enacted by other instruments carry
    their own numbers ("<제1호,2025.10.1>"), so the date is part of the id.
    """
    inside = re.search(r"<([^<>]*)>", head)
    if inside and inside.group(1).strip():
        return re.sub(r"\s+", "", inside.group(1))
    if number and re.fullmatch(r"[0-9]{1,9}", number.strip()):  # "²".isdigit() is True
        return f"제{int(number)}호"
    # Without angle brackets: the id is written inside 부칙<…> and must parse back from there.
    return re.sub(r"[\s<>]+", "", head) or "?"


# ---------------------------------------------------------------------------------------------
# legalize-kr Markdown
# ---------------------------------------------------------------------------------------------

_MD_ARTICLE_RE = re.compile(
    r"^#{1,6}\s+제\s*(\d{1,9})\s*조(?:\s*의\s*(\d{1,9}))?\s*(?:\((.*)\))?\s*$"
)
_MD_HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_MD_PARAGRAPH_RE = re.compile(
    r"^\*\*([\u2460-\u2473\u3251-\u325f\u32b1-\u32bf]|<\d+>|\d+)\*\*\s*(.*)$"
)
_MD_ITEM_RE = re.compile(r"^( {1,3})(\d+(?:의\d+)?)\\\.\s*(.*)$")
_MD_SUBITEM_RE = re.compile(r"^( {4,})([가-힣](?:의\d+)?)\\\.\s*(.*)$")
_MD_ADDENDUM_RE = re.compile(r"^부\s*칙\s*(?:\([^)]*\))?\s*(?:<[^>]*>)?\s*$")


def read_markdown(path: str | Path, *, data: bytes | None = None) -> RawLaw:
    """Read a legalize-kr Markdown file (YAML front matter, then the law as headings/lines)."""
    path = Path(path)
    data = _read_bytes(path) if data is None else data
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportError_(
            f"{path}: not UTF-8 (byte {exc.start}); legalize-kr files are UTF-8 — re-save it so"
        ) from exc
    front, body, body_line = _split_front_matter(text, path)
    meta = _markdown_meta(front, path)
    blocks: list[RawBlock] = []
    divisions: list[Division] = []
    heading: dict[str, str] = {}
    current: dict | None = None
    in_addenda = False

    def close() -> None:
        nonlocal current
        if current is not None:
            blocks.append(_finish_md_block(current))
        current = None

    for offset, line in enumerate(body.splitlines()):
        lineno = body_line + offset
        if not line.strip():
            continue
        article = _MD_ARTICLE_RE.match(line)
        if article and not in_addenda:
            close()
            number, branch, title = article.groups()
            current = {
                "kind": BlockKind.ARTICLE,
                "article": int(number),
                "branch": int(branch or 0),
                "title": title.strip() if title is not None else None,
                # The numbers as written ("제03조" keeps its 0): the text is never rewritten.
                "head": f"제{number}조"
                + (f"의{branch}" if branch else "")
                + (f"({title.strip()})" if title is not None else ""),
                "lines": [],
                "division": tuple(heading.values()),
                "line": lineno,
            }
            continue
        heading_match = _MD_HEADING_RE.match(line)
        if heading_match and not line.startswith("#####"):
            title = heading_match.group(2)
            if heading_match.group(1) == "#":
                continue  # the law's name, already in the front matter
            if title.replace(" ", "") == "부칙":
                close()
                in_addenda = True
                continue
            if title.replace(" ", "").startswith(("별표", "별지")):
                close()
                in_addenda = False
                current = _md_annex_start(title, lineno)
                continue
            if not in_addenda and _DIVISION_RE.match(title):
                close()
                _enter_division(title, len(blocks), divisions, heading)
                continue
        if in_addenda:
            stripped = line.strip()
            if _MD_ADDENDUM_RE.match(stripped) or current is None:
                close()
                current = {
                    "kind": BlockKind.ADDENDUM,
                    "addendum": _addendum_id(stripped),
                    "lines": [],
                    "line": lineno,
                }
            current["lines"].append(RawLine(stripped))
            continue
        plain = line.strip().strip("*").strip()
        division = _DIVISION_RE.match(plain)
        if division and division.group(2) == "속" and not in_addenda:
            # 제N속 headings (below 관) are bold lines, not headings, in legalize-kr files.
            close()
            _enter_division(plain, len(blocks), divisions, heading)
            continue
        if current is None:
            # Text before the first article (e.g. 헌법 전문): a block without an article
            # number, which the splitter keeps as UNPARSED with that reason.
            current = {
                "kind": BlockKind.ARTICLE,
                "article": None,
                "branch": 0,
                "title": None,
                "head": None,
                "lines": [],
                "division": tuple(heading.values()),
                "line": lineno,
            }
        current["lines"].append(_md_line(line))
    close()
    return RawLaw(
        meta=meta,
        blocks=tuple(blocks),
        divisions=tuple(divisions),
        source_path=str(path),
        source_format="markdown",
        source_sha256=_sha256(data),
    )


def _md_line(line: str) -> RawLine:
    paragraph = _MD_PARAGRAPH_RE.match(line)
    if paragraph:
        label, rest = paragraph.groups()
        return RawLine(f"{label} {rest}".strip(), UnitKind.PARAGRAPH, label)
    item = _MD_ITEM_RE.match(line)
    if item:
        _, label, rest = item.groups()
        return RawLine(f"{label}. {rest}".strip(), UnitKind.ITEM, f"{label}.")
    sub = _MD_SUBITEM_RE.match(line)
    if sub:
        _, label, rest = sub.groups()
        return RawLine(f"{label}. {rest}".strip(), UnitKind.SUBITEM, f"{label}.")
    text = line.strip()
    bold = re.fullmatch(r"\*\*(.+?)\*\*", text)
    if bold:
        text = bold.group(1)  # a bold line that is not a 항 number (e.g. a sub-heading)
    return RawLine(text.replace("\\.", "."))


def _md_annex_start(title: str, lineno: int) -> dict:
    match = re.match(
        r"(별표|별지\s*서식|별지)\s*(\d{1,9})?(?:\s*의\s*(\d{1,9}))?(?!\d)", title.replace(" ", "")
    )
    kind = "서식" if match and "별지" in match.group(1) else "별표"
    return {
        "kind": BlockKind.ANNEX,
        "annex_kind": kind,
        "annex": int(match.group(2)) if match and match.group(2) else 0,
        "annex_branch": int(match.group(3)) if match and match.group(3) else 0,
        "title": title,
        "lines": [RawLine(title)],
        "line": lineno,
    }


def _finish_md_block(current: dict) -> RawBlock:
    kind = current["kind"]
    if kind is BlockKind.ARTICLE:
        lines = list(current["lines"])
        head = current["head"]
        if head is not None:
            # The heading and the first unmarked line form the article's first line, as in
            # the XML 조문내용 ("제2조(정의) 이 법에서 …").
            if lines and lines[0].level is None:
                head = f"{head} {lines.pop(0).text}"
            lines.insert(0, RawLine(head, UnitKind.ARTICLE))
        return RawBlock(
            kind=kind,
            lines=tuple(lines),
            article=current["article"],
            article_branch=current["branch"],
            title=current["title"],
            division=current["division"],
            source_line=current["line"],
        )
    if kind is BlockKind.ADDENDUM:
        return RawBlock(
            kind=kind,
            lines=tuple(current["lines"]),
            addendum=current["addendum"],
            source_line=current["line"],
        )
    return RawBlock(
        kind=kind,
        lines=tuple(current["lines"]),
        title=current["title"],
        annex_kind=current["annex_kind"],
        annex=current["annex"],
        annex_branch=current["annex_branch"],
        source_line=current["line"],
    )


def _split_front_matter(text: str, path: Path) -> tuple[dict, str, int]:
    """(front matter fields, body text, 1-based line number of the body's first line).

    The front matter ends at the first later line that is exactly '---' (trailing blanks
    allowed); lines are split as the body's are (str.splitlines).
    """
    if not text.startswith("---"):
        raise ImportError_(f"{path}: no YAML front matter ('---' on the first line)")
    lines = text.splitlines(keepends=True)
    close = next((i for i in range(1, len(lines)) if lines[i].rstrip() == "---"), None)
    if close is None:
        raise ImportError_(f"{path}: YAML front matter is not closed by a '---' line")
    try:
        front = yaml.safe_load(lines[0][3:] + "".join(lines[1:close])) or {}
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        # PyYAML raises ValueError for impossible dates (공포일자: 2014-13-45) and
        # RecursionError for very deep nesting.
        raise ImportError_(f"{path}: YAML front matter does not parse: {exc}") from exc
    if not isinstance(front, dict):
        raise ImportError_(f"{path}: YAML front matter is not a mapping of fields")
    return front, "".join(lines[close + 1 :]), close + 2


def _markdown_meta(front: dict, path: Path) -> LawMeta:
    def field(name: str, required: bool = False) -> str | None:
        value = front.get(name)
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        value = None if value is None else str(value).strip()
        if required and not value:
            raise ImportError_(
                f"{path}: front matter field {name!r} is missing or empty; legalize-kr files "
                "carry 제목, 법령ID and 법령구분 — is this a legalize-kr law file?"
            )
        return value or None

    law_id = field("법령ID", True)
    assert law_id is not None
    return LawMeta(
        law_id=law_id.zfill(6) if law_id.isdigit() else law_id,
        name=field("제목", True) or "",
        kind=field("법령구분", True) or "",
        mst=field("법령MST"),
        ministry=field("소관부처"),
        promulgation_no=field("공포번호"),
        promulgation_date=_date(field("공포일자")),
        effective_date=_date(field("시행일자")),
        status=field("상태"),
    )
