"""Parsers under bad input: property-based tests of the importers and the splitter.

Seeds are real laws from ../shared (a handful of files per format, loaded once); strategies
mutate them line by line, element by element and byte by byte, and also generate small
inputs from scratch. Properties checked on every example:

* reading either returns a `RawLaw` or raises `ImportError_` / `UnknownFormatError` whose
  message names the file — never any other exception;
* when reading succeeds, `split_law` never raises and its blocks keep the lossless
  invariants: clause texts joined by "\\n" give the block text, every clause text is its span,
  spans are contiguous, refs (other than UNPARSED/NOTE) are unique per block and their
  canonical string parses back, every UNPARSED unit says why;
* no non-space character of the law text is lost (XML/JSON: the text elements at the places
  the format defines; Markdown: the body lines minus markup, as in test_split.py).

The example budget is fixed by the ``lawcheck-properties`` profile below (derandomized, so CI
is deterministic). Run with ``--hypothesis-show-statistics`` to see how many examples ran
and how they ended (the `event` lines). For a longer local search set
``LAWCHECK_HYPOTHESIS_EXAMPLES`` (the budget) and ``LAWCHECK_HYPOTHESIS_RANDOM=1`` (random
instead of derandomized generation).
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import defusedxml.ElementTree as SafeET
import pytest
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

from lawcheck.errors import ImportError_
from lawcheck.importers import read_path
from lawcheck.models import (
    BlockKind,
    ClauseRef,
    LawMeta,
    LawText,
    RawBlock,
    RawLaw,
    RawLine,
    UnitKind,
)
from lawcheck.split import split_law
from lawcheck.testing import shared_dir

settings.register_profile(
    "lawcheck-properties",
    max_examples=int(os.environ.get("LAWCHECK_HYPOTHESIS_EXAMPLES", "300")),
    deadline=None,
    derandomize=os.environ.get("LAWCHECK_HYPOTHESIS_RANDOM") != "1",
    database=None,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
        HealthCheck.filter_too_much,
    ],
)
PROFILE = settings(settings.get_profile("lawcheck-properties"))

# A handful of real laws per format (small ones, so that 300 examples stay fast), chosen for
# their structure: a 전문-only body, 별표, 목, 장 headings, 부칙 articles.
SEED_FILES = {
    "xml": (
        "lawapi/samples/detail/mst_37067.xml",  # no articles: one 전문 unit
        "lawapi/samples/detail/mst_31205.xml",  # 전문 + 별표
        "lawapi/samples/detail/mst_2839.xml",  # 항/호, 별표
        "lawapi/samples/detail/mst_285207.xml",  # 호/목
        "lawapi/samples/detail/mst_4323.xml",  # 장 headings as 전문 units
    ),
    "json": ("corpus/raw/json/ai_basic_act_decree_36580.json",),
    "markdown": (
        "corpus/raw/text/fair_hiring_procedure_act_rule_00119.md",
        "corpus/raw/text/e_government_act_rule_00595.md",
        "corpus/raw/text/industrial_convergence_act_rule_00001.md",  # 부칙 articles
        "corpus/raw/text/admin_basic_act_decree_36187.md",  # 장 headings, 목
        "corpus/raw/text/intelligent_informatization_act_rule_00141.md",  # 목
    ),
}


@functools.cache
def _seeds(fmt: str) -> tuple[tuple[str, bytes], ...]:
    root = shared_dir()
    if root is None:
        return ()
    return tuple((Path(rel).name, (root / rel).read_bytes()) for rel in SEED_FILES[fmt])


@functools.cache
def _json_seed_objects() -> tuple[tuple[str, str], ...]:
    # The parsed seed, kept as text so that each example gets a fresh copy cheaply.
    return tuple((name, data.decode("utf-8")) for name, data in _seeds("json"))


@pytest.fixture(scope="module")
def law_dir(tmp_path_factory) -> Path:
    # A folder name with Hangul and a space, so that "the message names the file" is tested
    # with the kind of path users have.
    return tmp_path_factory.mktemp("법령 속성")


# ---------------------------------------------------------------------------------------------
# Text pieces that the parsers treat specially
# ---------------------------------------------------------------------------------------------

LONG_DIGITS = "9" * 4400  # more digits than int() accepts (sys.int_info.default_max_str_digits)
LONG = "{LONG}"  # stands for LONG_DIGITS in the lists below, to keep Hypothesis' output short


def _expand(text: str) -> str:
    return text.replace(LONG, LONG_DIGITS)


TOKENS = (
    # structure words and labels
    "제3조",
    "제3조의2",
    "제 12 조",
    "제0조",
    "제03조",
    "제-1조",
    f"제{LONG}조",
    "제1장 총칙",
    "제2절 통칙",
    "제1관 x",
    "제1속 x",
    "제1편 총칙",
    "①",
    "②",
    "⑳",
    "㉑",
    "㊿",
    "<1>",
    "<12>",
    "1.",
    "1의2.",
    "12.",
    "가.",
    "가의2.",
    "하.",
    "1)",
    "10)",
    "가)",
    "(1)",
    "(가)",
    f"{LONG}.",
    f"{LONG})",
    f"({LONG})",
    "다만, ",
    "이 경우 ",
    "각 호 외의 부분",
    "삭제",
    "생략",
    # amendment notes and brackets
    "<개정 2020.1.1>",
    "<신설 2020. 1. 1.>",
    "<개정 2020.1.1, 2021.2.2>",
    "[본조신설 2020.1.1]",
    "[전문개정 2020.1.1]",
    "[제3조에서 이동 <2020.1.1>]",
    "[종전 제3조는 제4조로 이동]",
    "삭제 <2020.1.1>",
    "부칙 <제1호,2020.1.1>",
    "부칙 제1호>",
    "부칙",
    "<제1호>",
    "(",
    ")",
    "[",
    "]",
    "<",
    ">",
    "「",
    "」",
    "<<",
    ">>",
    "<>",
    "[]",
    "()",
    "〈",
    "〉",
    # Markdown markup
    "**",
    "**①**",
    "\\.",
    "#",
    "##### ",
    "## ",
    "# ",
    "---",
    "```",
    # digits that are not ASCII, numbers that int() reads oddly
    "²",
    "١",
    "１",
    "٣)",
    "-1",
    "+1",
    "1_0",
    "0",
    # white space, controls, separators Python's splitlines() breaks at
    "\x00",
    "\x01",
    "\x08",
    "\x0b",
    "\x0c",
    "\x1c",
    "\x1e",
    "\x7f",
    "\x85",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\u200b",
    "\u3000",
    "\r",
    "\r\n",
    "\t",
    "\n",
    "\n\n",
    # other scripts
    "漢字",
    "ㄱ",
    "ㅏ",
    "힣",
    "가",
    "Ω",
    "😀",
    "\U000e0001",
)
TOKEN = st.sampled_from(TOKENS)

KOREAN = st.characters(min_codepoint=0xAC00, max_codepoint=0xD7A3)
TEXT_CHARS = st.one_of(
    KOREAN,
    st.sampled_from("①②③⑳1234567890.,()[]<>「」 가나다라의조항호목"),
    st.characters(blacklist_categories=("Cs",)),
)
TEXT = st.text(TEXT_CHARS, max_size=12)
PIECE = st.one_of(TOKEN, TEXT)
SNIPPET = st.lists(PIECE, min_size=1, max_size=4).map(lambda parts: _expand("".join(parts)))

# Unit labels as they start a line, and values for fields that hold numbers.
LABELS = st.sampled_from(
    [
        "①",
        "②",
        "⑳",
        "<2>",
        "1.",
        "2.",
        "10.",
        "1의2.",
        "1의1.",
        "가.",
        "나.",
        "가의2.",
        "1)",
        "2)",
        "10)",
        "12)",
        "가)",
        "(1)",
        "(10)",
        "(가)",
        "٣)",
        "(٣)",
        "١.",
        "１.",
        "²)",
        f"{LONG}.",
        "제1조(시행일)",
        "제2조 삭제",
        "[본조신설 2020.1.1]",
        "삭제",
        "다만,",
    ]
).map(_expand)
LABELLED = st.tuples(LABELS, st.sampled_from(["", " "]), st.one_of(st.just(""), SNIPPET))
# A text field's content: a few lines, some starting with a label.
CONTENT = st.lists(st.one_of(SNIPPET, LABELLED.map("".join), TOKEN), min_size=1, max_size=4).map(
    "\n".join
)
NUMBERS = st.sampled_from(
    ["", "0", "3", "03", "-3", "+3", "²", "١", "１", "1_0", " 7 ", "x", "1의2", LONG]
).map(_expand)


def _one_in(draw, n: int) -> bool:
    """True about one time in n. (Not `integers(0, n - 1) == 0`: Hypothesis draws boundary
    values such as 0 far more often than 1/n, which would make rare mutations common.)"""
    return draw(st.integers(0, 10 * n - 1)) % n == 1


def _one_line(text: str) -> str:
    """The text with every line break Python knows replaced by a space."""
    return " ".join(text.splitlines()) if text else text


# ---------------------------------------------------------------------------------------------
# Mutations shared by every format (text lines and bytes)
# ---------------------------------------------------------------------------------------------


def _mutate_lines(draw, text: str) -> tuple[str, str]:
    lines = text.split("\n")
    op = draw(
        st.sampled_from(
            ["delete line", "duplicate line", "swap lines", "replace line", "inject", "truncate"]
        )
    )
    i = draw(st.integers(0, len(lines) - 1))
    if op == "delete line":
        del lines[i]
    elif op == "duplicate line":
        lines.insert(i, lines[i])
    elif op == "swap lines":
        j = draw(st.integers(0, len(lines) - 1))
        lines[i], lines[j] = lines[j], lines[i]
    elif op == "replace line":
        lines[i] = draw(SNIPPET)
    elif op == "inject":
        line = lines[i]
        at = draw(st.integers(0, len(line)))
        lines[i] = line[:at] + draw(SNIPPET) + line[at:]
    else:
        return text[: draw(st.integers(0, len(text)))], op
    return "\n".join(lines), op


ENCODINGS = ("utf-8", "utf-8-sig", "cp949", "euc-kr", "utf-16", "utf-16-le", "latin-1")


def _encode(draw, text: str) -> tuple[bytes, list[str]]:
    """Encode the text, sometimes wrongly, then sometimes damage the bytes."""
    done = []
    if not _one_in(draw, 4):
        return text.encode("utf-8"), done  # three in four inputs stay clean UTF-8
    encoding = draw(st.sampled_from(ENCODINGS))
    data = text.encode(encoding, errors="replace")
    if encoding != "utf-8":
        done.append(f"encoded as {encoding}")
    for _ in range(draw(st.integers(0, 2))):
        op = draw(st.sampled_from(["bytes", "truncate bytes", "bom"]))
        if op == "bom":
            data = b"\xef\xbb\xbf" + data
        elif op == "truncate bytes":
            data = data[: draw(st.integers(0, len(data)))]
        else:
            at = draw(st.integers(0, len(data)))
            junk = draw(
                st.one_of(
                    st.sampled_from(
                        [
                            b"\x00",
                            b"\xed\xa0\x80",
                            b"\xed\xbf\xbf",
                            b"\xff",
                            b"\xc3",
                            b"\xef\xbb\xbf",
                        ]
                    ),
                    st.binary(min_size=1, max_size=4),
                )
            )
            data = data[:at] + junk + data[at:]
        done.append(op)
    return data, done


# ---------------------------------------------------------------------------------------------
# XML mutations
# ---------------------------------------------------------------------------------------------

XML_TAGS = (
    "조문단위",
    "항",
    "호",
    "목",
    "조문내용",
    "항내용",
    "호내용",
    "목내용",
    "조문번호",
    "조문가지번호",
    "호번호",
    "호가지번호",
    "목번호",
    "항번호",
    "조문여부",
    "조문제목",
    "부칙단위",
    "부칙내용",
    "부칙공포번호",
    "별표단위",
    "별표내용",
    "별표번호",
    "별표가지번호",
    "별표제목",
    "기본정보",
    "법령ID",
    "법종구분",
    "법령명_한글",
    "조문",
    "부칙",
    "별표",
)
XML_VALUES = st.one_of(NUMBERS, LABELS, CONTENT)
NUMBER_FIELDS = {
    "조문번호",
    "조문가지번호",
    "호가지번호",
    "별표번호",
    "별표가지번호",
    "부칙공포번호",
}
LABEL_FIELDS = {"항번호", "호번호", "목번호"}


def _field_values(tag: str):
    """Values that matter for a field: numbers, labels, 전문/조문, or text."""
    if tag in NUMBER_FIELDS:
        return NUMBERS
    if tag in LABEL_FIELDS:
        return LABELS
    if tag == "조문여부":
        return st.sampled_from(["전문", "조문", "", "x"])
    return st.one_of(CONTENT, CONTENT, NUMBERS, LABELS)


def _element_spans(text: str, tag: str) -> list[re.Match]:
    return list(re.finditer(rf"<{tag}(?:\s[^<>]*)?>.*?</{tag}>", text, re.DOTALL))


def _xml_content(draw, value: str) -> str:
    style = draw(st.sampled_from(["cdata", "escaped", "cdata", "escaped", "raw"]))
    if style == "cdata":
        return f"<![CDATA[{value}]]>"
    if style == "escaped":
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value


XML_STRUCTURE_OPS = (
    "delete element",
    "duplicate element",
    "swap elements",
    "move element",
    "set content",
    "set content",
    "set content",
    "deep",
)  # the XML stays well-formed: the law reader and the splitter get to work
XML_SYNTAX_OPS = ("break tag", "break cdata", "declare encoding", "entity", "lines")


def _mutate_xml(draw, text: str, ops=XML_STRUCTURE_OPS + XML_SYNTAX_OPS) -> tuple[str, str]:
    op = draw(st.sampled_from(ops))
    if op == "lines":
        return _mutate_lines(draw, text)
    if op == "break tag":
        positions = [m.start() for m in re.finditer(r"[<>]", text)]
        if not positions:
            return text, op
        at = draw(st.sampled_from(positions))
        how = draw(st.sampled_from(["drop", "rename", "slash"]))
        if how == "drop":
            return text[:at] + text[at + 1 :], f"{op}: drop {text[at]!r}"
        if how == "rename":
            return text[: at + 1] + "x" + text[at + 1 :], f"{op}: rename"
        return text[: at + 1] + "/" + text[at + 1 :], f"{op}: slash"
    if op == "break cdata":
        ends = [m.start() for m in re.finditer(re.escape("]]>"), text)]
        if not ends:
            return text + "<![CDATA[", op
        at = draw(st.sampled_from(ends))
        return text[:at] + text[at + 3 :], op
    if op == "declare encoding":
        enc = draw(st.sampled_from(["EUC-KR", "CP949", "UTF-16", "ISO-8859-1", "x-unknown", ""]))
        if text.startswith("<?xml"):
            return re.sub(r'encoding="[^"]*"', f'encoding="{enc}"', text, count=1), f"{op} {enc}"
        return f'<?xml version="1.0" encoding="{enc}"?>\n' + text, f"{op} {enc}"
    if op == "deep":
        depth = draw(st.sampled_from([3, 150, 3000]))
        at = draw(
            st.sampled_from(
                [m.end() for m in re.finditer(r"<조문내용>|<항내용>|<부칙내용>", text)] or [0]
            )
        )
        return text[:at] + "<a>" * depth + "x" + "</a>" * depth + text[at:], f"{op} {depth}"
    if op == "entity":
        piece = draw(
            st.sampled_from(
                [
                    "&unknown;",
                    "&#0;",
                    "&#xD800;",
                    "&#x1F600;",
                    "&amp;",
                    "&lt;",
                    '<!DOCTYPE 법령 [<!ENTITY a "b">]>',
                    "<!-- 주석 -->",
                    "<?pi x?>",
                ]
            )
        )
        at = draw(st.integers(0, len(text)))
        return text[:at] + piece + text[at:], f"{op} {piece[:10]}"
    tag = draw(st.sampled_from(XML_TAGS))
    spans = _element_spans(text, tag)
    if not spans:
        return text, f"{op} (no <{tag}>)"
    m = spans[draw(st.integers(0, len(spans) - 1))]
    what = f"{op} <{tag}>"
    if op == "delete element":
        return text[: m.start()] + text[m.end() :], what
    if op == "duplicate element":
        return text[: m.end()] + m.group(0) + text[m.end() :], what
    if op == "swap elements":
        other = spans[draw(st.integers(0, len(spans) - 1))]
        first, second = sorted([m, other], key=lambda x: x.start())
        if first.start() == second.start():
            return text, what
        return (
            text[: first.start()]
            + second.group(0)
            + text[first.end() : second.start()]
            + first.group(0)
            + text[second.end() :]
        ), what
    if op == "move element":
        rest = text[: m.start()] + text[m.end() :]
        anchors = [a.end() for a in re.finditer(r"</[^<>]+>", rest)] or [0]
        at = draw(st.sampled_from(anchors))
        return rest[:at] + m.group(0) + rest[at:], what
    # set content
    value = _xml_content(draw, draw(_field_values(tag)))
    open_end = m.group(0).index(">") + 1
    close_start = m.group(0).rindex("</")
    return (
        text[: m.start() + open_end] + value + text[m.start() + close_start :],
        f"{what} {value[:20]!r}",
    )


@dataclass(frozen=True)
class Case:
    """One input for a property: the bytes and how they were made (shown on failure)."""

    how: str
    data: bytes = field(repr=False)  # shown by `_run` as a note, cut to a readable length
    suffix: str = ".txt"


@st.composite
def xml_cases(draw) -> Case:
    name, data = draw(st.sampled_from(_seeds("xml")))
    text = data.decode("utf-8")
    done = [name]
    # Three in four cases change the structure only; the others break the syntax too.
    ops = XML_STRUCTURE_OPS + XML_SYNTAX_OPS if _one_in(draw, 4) else XML_STRUCTURE_OPS
    for _ in range(draw(st.integers(1, 4))):
        text, op = _mutate_xml(draw, text, ops)
        done.append(op)
    raw, byte_ops = _encode(draw, text)
    return Case("; ".join(done + byte_ops), raw, ".xml")


# ---------------------------------------------------------------------------------------------
# JSON mutations: shapes change (object <-> list, keys go missing, numbers for strings …)
# ---------------------------------------------------------------------------------------------

JSON_KEYS = {
    "법령",
    "기본정보",
    "조문",
    "조문단위",
    "항",
    "호",
    "목",
    "조문내용",
    "항내용",
    "호내용",
    "목내용",
    "조문번호",
    "조문가지번호",
    "호번호",
    "호가지번호",
    "항번호",
    "목번호",
    "조문여부",
    "부칙",
    "부칙단위",
    "부칙내용",
    "별표",
    "별표단위",
    "별표내용",
    "별표번호",
    "별표키",
    "별표가지번호",
    "법령ID",
    "법령명_한글",
    "법종구분",
    "content",
    "조문참고자료",
}
DEEP = "\x00deep\x00"  # replaced by deeply nested brackets after json.dumps
SCALARS = st.one_of(
    st.sampled_from(
        [None, True, False, 0, -1, 3, 1.5, 10**30, "", "-3", "²", "1_0", "전문", LONG]
    ).map(lambda v: _expand(v) if isinstance(v, str) else v),
    SNIPPET,
    st.integers(),
    st.floats(allow_nan=False),
)
JSON_KEY = st.sampled_from(sorted(JSON_KEYS))
JSON_VALUES = st.one_of(
    SCALARS,
    st.lists(SCALARS, max_size=3),
    st.lists(st.lists(SCALARS, max_size=2), max_size=2),
    st.dictionaries(JSON_KEY, SCALARS, max_size=3),
    st.lists(st.dictionaries(JSON_KEY, SCALARS, max_size=2), max_size=2),
)


def _json_paths(doc) -> list[tuple]:
    paths, stack = [], [((), doc)]
    while stack:
        path, value = stack.pop()
        paths.append(path)
        if isinstance(value, dict):
            stack.extend((path + (k,), v) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((path + (i,), v) for i, v in enumerate(value))
    paths.sort(key=lambda p: [str(x) for x in p])
    return paths


def _get(doc, path):
    for key in path:
        doc = doc[key]
    return doc


def _mutate_json(draw, doc):
    paths = _json_paths(doc)[1:] or [()]  # the root only now and then (below)
    interesting = [p for p in paths if p and p[-1] in JSON_KEYS] or paths
    choice = draw(st.integers(0, 50))
    path = () if choice == 25 else draw(st.sampled_from(interesting if choice % 2 else paths))
    value = _get(doc, path)
    op = draw(
        st.sampled_from(
            [
                "delete",
                "wrap in list",
                "unwrap list",
                "as content object",
                "replace value",
                "replace value",
                "replace value",
                "nest",
                "deep",
                "duplicate item",
                "swap items",
                "stringify",
                "inject",
            ]
        )
    )
    if op == "wrap in list":
        new = [value]
    elif op == "unwrap list":
        new = value[0] if isinstance(value, list) and value else {}
    elif op == "as content object":
        new = {"content": value, "x코드": draw(SCALARS)}
    elif op == "replace value":
        key = path[-1] if path else None
        if key in JSON_KEYS and draw(st.booleans()):
            new = draw(_field_values(key))
            new = new.split("\n") if draw(st.booleans()) else new  # text as a list of lines
        else:
            new = draw(JSON_VALUES)
    elif op == "nest":
        new = [[value]]
    elif op == "deep":
        new = DEEP
    elif op == "duplicate item" and isinstance(value, list) and value:
        new = value + [value[draw(st.integers(0, len(value) - 1))]]
    elif op == "swap items" and isinstance(value, list) and len(value) > 1:
        new = list(reversed(value))
    elif op == "stringify":
        new = json.dumps(value, ensure_ascii=False)[:200]
    elif op == "inject" and isinstance(value, str):
        at = draw(st.integers(0, len(value)))
        new = value[:at] + draw(SNIPPET) + value[at:]
    elif op == "delete" and path:
        del _get(doc, path[:-1])[path[-1]]
        return doc, f"delete {path[-3:]}"
    else:
        return doc, f"{op} (not applicable)"
    if not path:
        return new, f"{op} (root)"
    _get(doc, path[:-1])[path[-1]] = new
    return doc, f"{op} {path[-3:]}"


@st.composite
def json_cases(draw) -> Case:
    name, text = draw(st.sampled_from(_json_seed_objects()))
    doc = json.loads(text)
    done = [name]
    for _ in range(draw(st.integers(1, 4))):
        doc, op = _mutate_json(draw, doc)
        done.append(op)
    damage_text = _one_in(draw, 5)  # one in five also loses or gains text lines
    indent = 2 if damage_text else draw(st.sampled_from([None, 2]))
    out = json.dumps(doc, ensure_ascii=draw(st.booleans()), indent=indent)
    depth = draw(st.sampled_from([5, 200, 600, 5000]))
    out = out.replace(json.dumps(DEEP), "[" * depth + "1" + "]" * depth)
    out = out.replace(json.dumps(DEEP, ensure_ascii=False), "[" * depth + "1" + "]" * depth)
    if damage_text:
        out, op = _mutate_lines(draw, out)
        done.append(f"text {op}")
    raw, byte_ops = _encode(draw, out)
    return Case("; ".join(done + byte_ops), raw, ".json")


# ---------------------------------------------------------------------------------------------
# Markdown mutations: body lines and YAML front matter
# ---------------------------------------------------------------------------------------------

MD_LINES = (
    "##### 제3조 (목적)",
    "##### 제3조의2 (정의)",
    "##### 제03조 (x)",
    "##### 제 1 조",
    "##### 제3조 (목적) 나머지",
    "# 제5조",
    "###### 제7조의3",
    f"##### 제{LONG}조",
    "## 제2장 총칙",
    "### 제1절 통칙",
    "#### 제1관 x",
    "**제1속 x**",
    "***제2속 y*",
    "## 부칙",
    "## 부 칙",
    "##### 부칙",
    "# 다른 법",
    "## 기타 제목",
    "## 별표 1",
    "## 별표 1의2 (x)",
    "## 별지 서식 3",
    "## 별표",
    f"## 별표 {LONG}",
    "**①** 내용이다.",
    "**②**",
    "**<2>** 내용",
    "**12** 내용",
    "**굵게**",
    "  1\\. 내용",
    "  1의2\\. 내용",
    f"  {LONG}\\. 내용",
    "    가\\. 내용",
    "    가의2\\. 내용",
    "      1) 내용",
    "      가) 내용",
    "(1) 내용",
    "① 내용",
    "부칙 <제1호,2020.1.1>",
    "부칙 제1호>",
    "부칙 <>",
    "제1조(시행일) 이 법은 공포한 날부터 시행한다.",
    "제2조 생략",
    "제2조 삭제",
    f"제{LONG}조(x) 내용",
    "[본조신설 2020.1.1]",
    "삭제 <2020.1.1>",
    "---",
    "...",
    "```",
    "> 인용",
    "- 목록",
    "| a | b |",
    "<br>",
    "\\",
)
FRONT_VALUES = (
    "",
    "'012220'",
    "012220",
    "12",
    "[1, 2]",
    "{a: 1}",
    "2014-13-45",
    "2014-02-30",
    "null",
    "~",
    ".nan",
    "!!binary x",
    "&a [*a]",
    "*nowhere",
    "[" * 700,
    "|\n  여러\n  줄",
    ": :",
    "- - -",
    "\t탭",
    '"닫히지 않은',
    "'012220",
    "!!python/object:os.system x",
    "2020-01-01",
    "法令",
    "- 목록",
    LONG,
)
REQUIRED_FRONT = (("제목", "시험법"), ("법령ID", "'000001'"), ("법령구분", "법률"))
FRONT_FIELDS = (
    "제목",
    "법령ID",
    "법령구분",
    "법령MST",
    "공포일자",
    "공포번호",
    "시행일자",
    "소관부처",
)


def _mutate_front(draw, text: str) -> tuple[str, str]:
    lines = text.split("\n")
    try:
        close = lines.index("---", 1)
    except ValueError:
        close = len(lines)
    op = draw(
        st.sampled_from(
            [
                "set field",
                "set field",
                "set field",
                "drop field",
                "drop closing",
                "odd closing",
                "front only",
                "not a mapping",
                "garbage line",
                "leading text",
            ]
        )
    )
    if op == "set field":
        name = draw(st.sampled_from(FRONT_FIELDS))
        value = _expand(draw(TEXT if _one_in(draw, 4) else st.sampled_from(FRONT_VALUES)))
        found = [i for i in range(1, close) if lines[i].startswith(f"{name}:")]
        line = f"{name}: {value}"
        if found:
            lines[found[0]] = line
        else:
            lines.insert(1, line)
        return "\n".join(lines), f"{op} {line[:30]!r}"
    if op == "drop field":
        name = draw(st.sampled_from(FRONT_FIELDS))
        return "\n".join(ln for ln in lines if not ln.startswith(f"{name}:")), f"{op} {name}"
    if op == "drop closing" and close < len(lines):
        del lines[close]
        return "\n".join(lines), op
    if op == "odd closing" and close < len(lines):
        lines[close] = draw(st.sampled_from(["----", "--- x", "---x", "...", " ---", "---\t"]))
        return "\n".join(lines), f"{op} {lines[close]!r}"
    if op == "front only":
        return "\n".join(lines[: close + 1]), op  # no newline after the closing '---'
    if op == "not a mapping":
        lines[1:close] = [draw(st.sampled_from(["- a", "just text", "[1, 2]", "'s'", "1"]))]
        return "\n".join(lines), op
    if op == "garbage line":
        at = draw(st.integers(1, close))
        lines.insert(at, draw(st.sampled_from(FRONT_VALUES[9:])))
        return "\n".join(lines), f"{op} {lines[at][:20]!r}"
    if op == "leading text":
        return draw(st.sampled_from(["\n", " ", "\ufeff", "x", "\r\n"])) + text, op
    return text, f"{op} (not applicable)"


def _mutate_body(draw, text: str) -> tuple[str, str]:
    """Change the lines after the front matter (the whole text if it has none)."""
    end = text.find("\n---\n", 3)
    front, body = (text[: end + 5], text[end + 5 :]) if end >= 0 else ("", text)
    if _one_in(draw, 4):
        body, op = _mutate_lines(draw, body)
        return front + body, op
    lines = body.split("\n")
    at = draw(st.integers(0, len(lines)))
    line = _expand(draw(st.sampled_from(MD_LINES)))
    if _one_in(draw, 4):
        line += " " + draw(SNIPPET)
    lines.insert(at, line)
    return front + "\n".join(lines), f"insert {line[:30]!r}"


@st.composite
def markdown_cases(draw) -> Case:
    name, data = draw(st.sampled_from(_seeds("markdown")))
    text = data.decode("utf-8")
    done = [name]
    # Two in three cases keep the front matter and change the body; the others damage the
    # front matter (and now and then the body too).
    if not _one_in(draw, 3):
        mutations = [_mutate_body] * draw(st.integers(1, 4))
    else:
        mutations = [_mutate_front] * draw(st.integers(1, 2)) + [_mutate_body] * draw(
            st.integers(0, 1)
        )
    for mutate in mutations:
        text, op = mutate(draw, text)
        done.append(op)
    raw, byte_ops = _encode(draw, text)
    return Case("; ".join(done + byte_ops), raw, ".md")


# ---------------------------------------------------------------------------------------------
# Fully generated small inputs
# ---------------------------------------------------------------------------------------------


def _mostly(draw, good, bad: list):
    """The valid value five times in six, else one of the bad ones."""
    return draw(st.sampled_from(bad)) if _one_in(draw, 6) else good


@st.composite
def generated_xml(draw) -> str:
    def tagged(tag: str, value: str | None = None) -> str:
        if _one_in(draw, 10):
            return ""  # a missing field
        value = draw(_field_values(tag)) if value is None else value
        return f"<{tag}>{_xml_content(draw, value)}</{tag}>"

    info = (
        "<기본정보>"
        + tagged("법령ID", _mostly(draw, "000001", ["", "x"]))
        + tagged("법령명_한글", _mostly(draw, "시험법", [""]))
        + tagged("법종구분", _mostly(draw, "법률", ["대통령령", ""]))
        + "</기본정보>"
    )
    units = []
    for number in range(1, draw(st.integers(0, 3)) + 1):
        paragraphs = "".join(
            "<항>"
            + tagged("항번호")
            + tagged("항내용")
            + "".join(
                "<호>"
                + tagged("호번호")
                + tagged("호가지번호")
                + tagged("호내용")
                + "".join(
                    "<목>" + tagged("목번호") + tagged("목내용") + "</목>"
                    for _ in range(draw(st.integers(0, 2)))
                )
                + "</호>"
                for _ in range(draw(st.integers(0, 2)))
            )
            + "</항>"
            for _ in range(draw(st.integers(0, 2)))
        )
        units.append(
            "<조문단위>"
            + tagged("조문번호", _mostly(draw, str(number), ["0", "-1", "²", "", "1"]))
            + tagged("조문가지번호", _mostly(draw, "", ["0", "2", "-2"]))
            + tagged("조문여부", _mostly(draw, "조문", ["전문", ""]))
            + tagged("조문내용")
            + paragraphs
            + "</조문단위>"
        )
    addenda = "".join(
        "<부칙단위>" + tagged("부칙공포번호") + tagged("부칙내용") + "</부칙단위>"
        for _ in range(draw(st.integers(0, 2)))
    )
    annexes = "".join(
        "<별표단위>"
        + tagged("별표번호", _mostly(draw, f"000{number}", ["1", "", "-1", "x"]))
        + tagged("별표가지번호", _mostly(draw, "", ["00", "02"]))
        + tagged("별표제목")
        + tagged("별표내용")
        + "</별표단위>"
        for number in range(1, draw(st.integers(0, 2)) + 1)
    )
    root = _mostly(draw, "법령", ["Response"])
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><{root}>{info}<조문>{"".join(units)}</조문>'
        f"<부칙>{addenda}</부칙><별표>{annexes}</별표></{root}>"
    )


@st.composite
def generated_json(draw) -> str:
    text = st.one_of(
        CONTENT,
        st.lists(SNIPPET, max_size=3),
        st.lists(st.lists(SNIPPET, max_size=2), max_size=2),
        SCALARS,
    )

    def shape(items: list):
        """A list of objects, or (as law.go.kr writes a single one) the object itself."""
        return items[0] if items and _one_in(draw, 3) else items

    units = []
    for number in range(1, draw(st.integers(0, 3)) + 1):
        paragraphs = [
            {
                "항번호": draw(LABELS),
                "항내용": draw(text),
                "호": shape(
                    [{"호번호": draw(LABELS), "호가지번호": draw(NUMBERS), "호내용": draw(text)}]
                ),
            }
            for _ in range(draw(st.integers(0, 2)))
        ]
        units.append(
            {
                "조문번호": _mostly(draw, str(number), [number, "-1", None, "²"]),
                "조문여부": _mostly(draw, "조문", ["전문", None]),
                "조문내용": draw(text),
                "항": shape(paragraphs),
            }
        )
    kind = _mostly(draw, "법률", [{"content": "법률", "법종구분코드": "A"}, [], None])
    law = {
        "기본정보": {
            "법령ID": _mostly(draw, "000001", [1, None]),
            "법령명_한글": "시험법",
            "법종구분": kind,
        },
        "조문": {"조문단위": shape(units)},
        "부칙": {"부칙단위": shape([{"부칙내용": draw(text)}])},
        "별표": {"별표단위": shape([{"별표번호": draw(NUMBERS), "별표내용": draw(text)}])},
    }
    doc = _mostly(draw, {"법령": law}, [law, [{"법령": law}]])
    return json.dumps(doc, ensure_ascii=False)


@st.composite
def generated_markdown(draw) -> str:
    values = st.sampled_from(["시험법", "'000001'", "법률", "", "2020-01-01", "[a]", "1"])
    names = draw(st.lists(st.sampled_from(FRONT_FIELDS[3:]), max_size=4, unique=True))
    front = "\n".join(
        [f"{name}: {value}" for name, value in REQUIRED_FRONT if not _one_in(draw, 20)]
        + [f"{name}: {draw(values)}" for name in names]
    )
    lines = st.one_of(st.sampled_from(MD_LINES).map(_expand), SNIPPET.map(_one_line))
    body = draw(st.lists(lines, max_size=12))
    return f"---\n{front}\n---\n" + "\n".join(body)


@st.composite
def generated_cases(draw) -> Case:
    kind = draw(st.sampled_from(["xml", "json", "markdown", "bytes"]))
    if kind == "bytes":
        prefix = draw(st.sampled_from([b"", b"<", b"{", b"---\n", b"\xef\xbb\xbf<", b"[", b"\x00"]))
        return Case("generated bytes", prefix + draw(st.binary(max_size=64)), ".txt")
    text = draw(
        {"xml": generated_xml(), "json": generated_json(), "markdown": generated_markdown()}[kind]
    )
    raw, byte_ops = _encode(draw, text) if _one_in(draw, 4) else (text.encode(), [])
    return Case("; ".join([f"generated {kind}"] + byte_ops), raw, f".{kind[:4]}")


# ---------------------------------------------------------------------------------------------
# The properties
# ---------------------------------------------------------------------------------------------


def _chars(text: str) -> Counter:
    return Counter(re.sub(r"\s", "", text))


def _check_law(law: LawText) -> None:
    """The splitter's lossless invariants, checked from the outside."""
    seen_blocks = set()
    for block in law.blocks:
        clauses = block.clauses
        assert clauses, f"{block.ref}: a block without units"
        assert "\n".join(c.text for c in clauses) == block.text, f"{block.ref}: rejoin"
        assert ClauseRef.parse(str(block.ref)) == block.ref, f"block ref {block.ref!s}"
        duplicate = len(clauses) == 1 and clauses[0].kind is UnitKind.UNPARSED
        if not duplicate:
            assert block.ref not in seen_blocks, f"two blocks {block.ref}"
            seen_blocks.add(block.ref)
        position = 0
        refs = set()
        for clause in clauses:
            where = f"{block.ref} / {clause.ref} ({clause.kind})"
            assert clause.start == position, f"{where}: starts at {clause.start}, not {position}"
            assert clause.text == block.text[clause.start : clause.end], f"{where}: span"
            assert clause.start <= clause.end <= clause.end_of_subtree <= len(block.text), where
            for span in clause.parts + clause.notes:
                assert clause.start <= span.start <= span.end <= clause.end, f"{where}: {span}"
            position = clause.end + 1
            if clause.kind is UnitKind.UNPARSED:
                assert clause.reason and clause.reason.strip(), f"{where}: no reason"
            elif clause.kind is not UnitKind.NOTE:
                assert clause.ref not in refs, f"{where}: ref used twice"
                refs.add(clause.ref)
                assert ClauseRef.parse(str(clause.ref)) == clause.ref, f"{where}: round trip"
        assert position - 1 == len(block.text), f"{block.ref}: units do not reach the end"


def _split_chars(law: LawText) -> Counter:
    chars = Counter()
    for block in law.blocks:
        chars += _chars(block.text)
    for division in law.divisions:
        chars += _chars(division.text)
    return chars


# Where the law.go.kr formats put law text: (container path, text tag).
_XML_TEXT_PLACES = (
    ("조문/조문단위", "조문내용"),
    ("조문/조문단위/항", "항내용"),
    ("조문/조문단위/항/호", "호내용"),
    ("조문/조문단위/항/호/목", "목내용"),
    ("조문/조문단위/항/목", "목내용"),
    ("부칙/부칙단위", "부칙내용"),
    ("별표/별표단위", "별표내용"),
)


def _xml_source_chars(data: bytes) -> Counter:
    root = SafeET.fromstring(data)
    chars = Counter()
    for container, tag in _XML_TEXT_PLACES:
        for element in root.iterfind(container):
            for text in element.iterfind(tag):
                chars += _chars("".join(text.itertext()))
    for annex in root.iterfind("별표/별표단위"):
        if not any("".join(text.itertext()).strip() for text in annex.iterfind("별표내용")):
            chars += _chars(annex.findtext("별표제목") or annex.findtext("별표제목문자열") or "")
    return chars


def _json_flat(value) -> str | None:
    """A JSON text value as one string; None where the shape says it is not text."""
    if isinstance(value, dict):
        return _json_flat(value["content"]) if "content" in value else None
    if isinstance(value, list):
        parts = [_json_flat(v) for v in value]
        return None if any(p is None for p in parts) else "\n".join(parts)
    return "" if value is None else str(value)


def _json_units(value) -> list[dict]:
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        return value
    return []


def _json_source_chars(data: bytes) -> Counter:
    """Text at the places the format defines (a lower bound: odd shapes are skipped)."""
    law = json.loads(data.decode("utf-8-sig"))["법령"]
    chars = Counter()

    def add(container: dict, tag: str) -> None:
        text = _json_flat(container.get(tag))
        if text is not None:
            chars.update(_chars(text))

    for group, unit_key, text_tag in (
        ("조문", "조문단위", "조문내용"),
        ("부칙", "부칙단위", "부칙내용"),
        ("별표", "별표단위", "별표내용"),
    ):
        for container in _json_units(law.get(group)):
            for unit in _json_units(container.get(unit_key)):
                add(unit, text_tag)
                if group != "조문":
                    continue
                for paragraph in _json_units(unit.get("항")):
                    add(paragraph, "항내용")
                    for sub in _json_units(paragraph.get("목")):
                        add(sub, "목내용")
                    for item in _json_units(paragraph.get("호")):
                        add(item, "호내용")
                        for sub in _json_units(item.get("목")):
                            add(sub, "목내용")
    return chars


_MARKUP = str.maketrans("", "", "#*\\")
_LAW_TITLE_RE = re.compile(r"^#\s")  # "# 법령명": the name, already in the front matter
_ADDENDA_HEADING_RE = re.compile(r"^#{1,6}\s+부\s*칙\s*$")


def _markdown_source_chars(data: bytes) -> tuple[Counter, Counter]:
    """(chars of the body lines minus markup, chars that may be dropped as mere headings).

    The body starts after the line '---' that closes the front matter.
    """
    lines = data.decode("utf-8-sig").splitlines()
    closing = [i for i in range(1, len(lines)) if lines[i].rstrip() == "---"]
    assert closing, "imported although no line '---' closes the front matter"
    close = closing[0]
    body, skippable = Counter(), Counter()
    for line in lines[close + 1 :]:
        chars = _chars(line.translate(_MARKUP))
        if _LAW_TITLE_RE.match(line) or _ADDENDA_HEADING_RE.match(line.strip()):
            skippable += chars
        else:
            body += chars
    return body, skippable


def _read_and_check(path: Path, data: bytes) -> str:
    """Read a file and check every property; returns how it ended (for `event`)."""
    path.write_bytes(data)
    try:
        raw = read_path(path)
    except ImportError_ as exc:  # UnknownFormatError is a subclass
        assert str(path) in str(exc), f"the error does not name the file: {exc}"
        message = re.sub(r"'[^']*'|\"[^\"]*\"", "", exc.message.removeprefix(f"{path}: "))
        words = re.sub(r"[\d\W_]+", " ", message).split()
        return f"rejected {type(exc).__name__}: {' '.join(words[:3])}"
    law = split_law(raw)
    _check_law(law)
    split = _split_chars(law)
    if raw.source_format == "api-xml":
        lost = _xml_source_chars(data) - split
    elif raw.source_format == "api-json":
        lost = _json_source_chars(data) - split
    else:
        body, skippable = _markdown_source_chars(data)
        split = Counter(_chars("".join(law_text.translate(_MARKUP) for law_text in _texts(law))))
        lost = body - split
        invented = split - body - skippable
        assert not invented, f"text that is not in the Markdown body: {dict(invented)}"
    assert not lost, f"characters lost: {dict(lost)}"
    return f"imported {raw.source_format}" + (
        " with UNPARSED" if law.counts.get("unparsed") else ""
    )


def _texts(law: LawText):
    for block in law.blocks:
        yield block.text
    for division in law.divisions:
        yield division.text


def _run(case: Case, law_dir: Path) -> None:
    note(case.how)
    note(f"{len(case.data)} bytes: {case.data[:300]!r}{' …' if len(case.data) > 300 else ''}")
    outcome = _read_and_check(law_dir / f"법령 본문{case.suffix}", case.data)
    event(outcome)


@PROFILE
@given(case=xml_cases())
def test_properties_xml_mutated_real_laws(shared, law_dir, case):
    _run(case, law_dir)


@PROFILE
@given(case=json_cases())
def test_properties_json_mutated_real_law(shared, law_dir, case):
    _run(case, law_dir)


@PROFILE
@given(case=markdown_cases())
def test_properties_markdown_mutated_real_laws(shared, law_dir, case):
    _run(case, law_dir)


@PROFILE
@given(case=generated_cases())
def test_properties_generated_inputs(law_dir, case):
    _run(case, law_dir)


# --- the splitter alone, on RawLaw values no importer would build ------------------------------

LEVELS = st.sampled_from(
    [
        None,
        None,
        None,
        UnitKind.ARTICLE,
        UnitKind.PARAGRAPH,
        UnitKind.ITEM,
        UnitKind.SUBITEM,
        UnitKind.DETAIL,
        UnitKind.NOTE,
    ]
)
RAW_LINES = st.builds(
    RawLine,
    text=st.one_of(SNIPPET, LABELLED.map("".join), LABELLED.map("".join)).map(_one_line),
    level=LEVELS,
    label=st.one_of(st.none(), LABELS, TOKEN.map(_one_line), TEXT.map(_one_line)),
)
# Addendum ids as `_addendum_id` makes them: no white space, no angle brackets.
ADDENDUM_IDS = st.one_of(
    st.none(),
    st.sampled_from(["제1호", "제1호,2020.1.1", "?"]),
    st.text(
        st.characters(blacklist_categories=("Cs", "Z", "Cc"), blacklist_characters="<>"),
        min_size=1,
        max_size=8,
    ).filter(lambda s: not re.search(r"\s", s)),
)
RAW_BLOCKS = st.one_of(
    st.builds(
        RawBlock,
        kind=st.just(BlockKind.ARTICLE),
        lines=st.lists(RAW_LINES, max_size=8).map(tuple),
        article=st.one_of(st.none(), st.integers(0, 3)),
        article_branch=st.integers(0, 2),
    ),
    st.builds(
        RawBlock,
        kind=st.just(BlockKind.ADDENDUM),
        lines=st.lists(RAW_LINES, max_size=6).map(tuple),
        addendum=ADDENDUM_IDS,
    ),
    st.builds(
        RawBlock,
        kind=st.just(BlockKind.ANNEX),
        lines=st.lists(RAW_LINES, max_size=3).map(tuple),
        annex_kind=st.sampled_from([None, "별표", "서식"]),
        annex=st.integers(0, 3),
        annex_branch=st.integers(0, 2),
    ),
)
RAW_LAWS = st.builds(
    RawLaw,
    meta=st.just(LawMeta(law_id="000001", name="시험법", kind="법률")),
    blocks=st.lists(RAW_BLOCKS, max_size=6).map(tuple),
    divisions=st.just(()),
    source_path=st.just("generated"),
    source_format=st.just("generated"),
    source_sha256=st.just(""),
)


def _split_and_check(raw: RawLaw) -> LawText:
    law = split_law(raw)
    _check_law(law)
    for raw_block, block in zip(raw.blocks, law.blocks, strict=True):
        assert _chars(block.text) == _chars("".join(line.text for line in raw_block.lines))
    return law


@PROFILE
@given(raw=RAW_LAWS)
def test_properties_split_generated_raw_laws(raw):
    law = _split_and_check(raw)
    event("with UNPARSED" if law.counts.get("unparsed") else "all placed")


# ---------------------------------------------------------------------------------------------
# Regressions: the inputs the properties found, kept as plain tests (no ../shared needed)
# ---------------------------------------------------------------------------------------------


def _xml(units: str = "", addenda: str = "", encoding: str = "UTF-8") -> str:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?><법령><기본정보><법령ID>000001</법령ID>'
        "<법령명_한글>시험법</법령명_한글><법종구분>법률</법종구분></기본정보>"
        f"<조문>{units}</조문><부칙>{addenda}</부칙></법령>"
    )


def _md(body: str, front: str = "제목: 시험법\n법령ID: '000001'\n법령구분: 법률\n") -> bytes:
    return f"---\n{front}---\n{body}".encode()


def _json(content) -> bytes:
    unit = {"조문번호": "1", "조문여부": "조문", "조문내용": content}
    law = {"기본정보": {"법령ID": "000001", "법령명_한글": "시험법", "법종구분": "법률"}}
    return json.dumps({"법령": law | {"조문": {"조문단위": unit}}}, ensure_ascii=False).encode()


ARTICLE_1 = (
    "<조문단위><조문번호>1</조문번호><조문여부>조문</조문여부><조문내용>제1조(목적) 목적</조문내용>"
)

# (what was wrong, input, how reading must end). Each was found by a property above (the
# report in the pull request says which) and is kept here so that it never comes back.
REGRESSIONS = [
    (  # pyexpat raised ValueError: multi-byte encodings are not supported
        "xml_declared_euc_kr_encoding",
        _xml(ARTICLE_1 + "</조문단위>", encoding="EUC-KR").encode("euc-kr"),
        "rejected",
    ),
    (  # LookupError: unknown encoding: x-unknown
        "xml_unknown_encoding_name",
        _xml(ARTICLE_1 + "</조문단위>", encoding="x-unknown").encode(),
        "rejected",
    ),
    (  # the second <부칙내용> of a 부칙단위 was silently dropped (only find() was read)
        "xml_repeated_text_element_is_kept",
        _xml(
            addenda="<부칙단위><부칙내용>부칙 &lt;제1호&gt;</부칙내용><부칙내용>두번째 부칙</부칙내용></부칙단위>"
        ).encode(),
        "imported",
    ),
    (  # a 전문 unit with <항> became a heading and its 항 text was dropped
        "xml_preamble_unit_with_paragraphs_is_kept",
        _xml(
            "<조문단위><조문여부>전문</조문여부><조문내용>제1장 총칙</조문내용><항><항내용>항의 글</항내용></항></조문단위>"
        ).encode(),
        "imported",
    ),
    (  # "²".isdigit() is True but int("²") raised ValueError outside the error handling
        "xml_item_branch_superscript_digit",
        _xml(
            ARTICLE_1
            + "<항><호><호번호>1.</호번호><호가지번호>²</호가지번호><호내용>1. 호</호내용></호></항></조문단위>"
        ).encode(),
        "imported",
    ),
    (  # 부칙공포번호 "²": "²".isdigit() is True, int("²") raised ValueError
        "xml_addendum_number_superscript_digit",
        _xml(
            addenda="<부칙단위><부칙공포번호>²</부칙공포번호><부칙내용>부칙</부칙내용></부칙단위>"
        ).encode(),
        "imported",
    ),
    (  # int("-3") made 제-3조, whose string does not parse back
        "xml_negative_article_number",
        _xml(ARTICLE_1.replace("<조문번호>1<", "<조문번호>-3<") + "</조문단위>").encode(),
        "rejected",
    ),
    (  # an object among the lines of a text field became its Python repr: "\x00" was escaped
        "json_object_among_text_lines",
        _json([[{"content": "제1조(목적) \x00 목적", "x코드": 1}, "둘째 줄"]]),
        "imported",
    ),
    (  # json.loads raised ValueError (not JSONDecodeError): int() refuses 4400 digits
        "json_number_longer_than_int_reads",
        _json("X").replace(b'"X"', LONG_DIGITS.encode()),
        "rejected",
    ),
    (  # json.loads raised RecursionError
        "json_nested_deeper_than_the_json_module_reads",
        _json("X").replace(b'"X"', b"[" * 5000 + b"1" + b"]" * 5000),
        "rejected",
    ),
    (  # json.loads read it, then _json_text recursed past the limit (RecursionError)
        "json_nested_deeper_than_the_converter_recurses",
        _json("X").replace(b'"X"', b"[" * 600 + b"1" + b"]" * 600),
        "rejected",
    ),
    (  # PyYAML raised ValueError: month must be in 1..12
        "markdown_impossible_date_in_front_matter",
        _md(
            "##### 제1조 (목적)\n목적\n",
            front="제목: 시험법\n법령ID: '000001'\n법령구분: 법률\n공포일자: 2014-13-45\n",
        ),
        "rejected",
    ),
    (  # PyYAML raised RecursionError
        "markdown_deeply_nested_front_matter",
        _md(
            "",
            front="제목: 시험법\n법령ID: '000001'\n법령구분: 법률\n법령MST: " + "[" * 700 + "\n",
        ),
        "rejected",
    ),
    (  # a closing line '---이 줄' closed the front matter and '이 줄' was lost
        "markdown_front_matter_closed_by_a_longer_line",
        _md("본문", front="제목: 시험법\n법령ID: '000001'\n법령구분: 법률\n").replace(
            b"\n---\n", b"\n---\xec\x9d\xb4 \xec\xa4\x84\n"
        ),
        "rejected",
    ),
    (  # without a newline after the closing '---' the whole file, front matter included, became the body
        "markdown_front_matter_without_trailing_newline",
        _md("")[:-1],
        "imported",
    ),
    (  # '제03조' became '제3조' in the text: a character was lost
        "markdown_article_number_with_leading_zero",
        _md("##### 제03조 (목적)\n목적\n"),
        "imported",
    ),
    (  # '부칙 제1호>' gave the addendum id '부칙제1호>' and the ref 부칙<부칙제1호>> did not parse
        "markdown_addendum_line_with_a_lone_angle_bracket",
        _md("## 부칙\n부칙 제1호>\n이 법은 공포한 날부터 시행한다.\n"),
        "imported",
    ),
    (  # int() of a 4400-digit 별표 number raised ValueError
        "markdown_annex_number_longer_than_int_reads",
        _md(f"## 별표 {LONG_DIGITS}\n"),
        "imported",
    ),
    (  # int() of a 4400-digit article number raised ValueError
        "markdown_article_number_longer_than_int_reads",
        _md(f"##### 제{LONG_DIGITS}조 (목적)\n목적\n"),
        "imported",
    ),
    (  # split: int() of a 4400-digit 부칙 article number raised ValueError
        "markdown_addendum_article_number_longer_than_int_reads",
        _md(
            f"## 부칙\n부칙 <제1호,2020.1.1>\n제1조(시행일) 시행한다.\n제{LONG_DIGITS}조(경과조치) 글\n"
        ),
        "imported",
    ),
    (  # split: int() of a 4400-digit item number raised ValueError
        "markdown_item_number_longer_than_int_reads",
        _md(f"##### 제1조 (목적)\n목적\n{LONG_DIGITS}. 호의 글\n"),
        "imported",
    ),
    (  # split: int() of a 4400-digit paragraph label **<…>** raised ValueError
        "markdown_paragraph_label_longer_than_int_reads",
        _md(f"##### 제1조 (목적)\n목적\n**<{LONG_DIGITS}>** 항의 글\n"),
        "imported",
    ),
]


@pytest.mark.parametrize(
    ("name", "data", "outcome"), REGRESSIONS, ids=[name for name, _, _ in REGRESSIONS]
)
def test_properties_regression(law_dir, name, data, outcome):
    assert _read_and_check(law_dir / f"{name}.bin", data).startswith(outcome)


def _raw_law(*blocks: RawBlock) -> RawLaw:
    meta = LawMeta(law_id="000001", name="시험법", kind="법률")
    return RawLaw(meta, tuple(blocks), (), "regression", "generated", "")


def _article(*lines: str) -> RawBlock:
    return RawBlock(BlockKind.ARTICLE, tuple(RawLine(line) for line in lines), article=1)


SPLIT_REGRESSIONS = [
    (  # an annex without a kind got ref 별표0 with annex_kind None, which parses back as 별표
        "split_annex_without_kind",
        _raw_law(RawBlock(BlockKind.ANNEX, (RawLine("별표"),), annex=0)),
    ),
    (  # '٣)' became a detail label; 제1조제1호٣) does not parse back (ASCII digits only)
        "split_detail_label_with_non_ascii_digit",
        _raw_law(_article("제1조(목적) 목적", "1. 호", "٣) 세목")),
    ),
    (  # found by the generated-RawLaw property as well: int() of a 4400-digit item number
        "split_item_number_longer_than_int_reads",
        _raw_law(_article("제1조(목적) 목적", f"{LONG_DIGITS}. 호")),
    ),
]


@pytest.mark.parametrize(
    ("name", "raw"), SPLIT_REGRESSIONS, ids=[name for name, _ in SPLIT_REGRESSIONS]
)
def test_properties_regression_split(name, raw):
    _split_and_check(raw)


def test_properties_branched_item_with_two_digit_detail_parses_back():
    """제1조제1호의2 + 10) once printed 제1조제1호의210), read back as 제1호의21 + 0)."""
    _split_and_check(_raw_law(_article("제1조(목적) 목적", "1의2. 호", "10) 세목")))
