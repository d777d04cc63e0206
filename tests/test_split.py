"""Importers + splitter on the real corpus: counts, XML/Markdown identity, losslessness."""

from __future__ import annotations

import difflib
import re
from collections import Counter
from pathlib import Path

import defusedxml.ElementTree as SafeET
import pytest

from lawcheck.errors import ImportError_, UnknownFormatError
from lawcheck.importers import iter_law_files, read_path
from lawcheck.models import BlockKind, ClauseRef, UnitKind
from lawcheck.split import split_law

AI_ACT_XML = "raw/xml/ai_basic_act_21311.xml"
AI_ACT_MD = "raw/text/ai_basic_act_21311.md"
AI_DECREE_JSON = "raw/json/ai_basic_act_decree_36580.json"


def _law(path: Path):
    return split_law(read_path(path))


def test_split_ai_basic_act_xml_counts(corpus_dir):
    law = _law(corpus_dir / AI_ACT_XML)
    assert law.meta.law_id == "014820"
    assert law.meta.promulgation_no == "21311"
    assert law.meta.abbreviation == "인공지능기본법"
    assert law.counts["articles"] == 46
    assert law.counts["paragraphs"] == 164
    assert law.counts["items"] == 191
    assert law.counts["subitems"] == 13
    assert law.counts["addenda"] == 3
    assert "unparsed" not in law.counts
    assert [d.text for d in law.divisions][:2] == [
        "제1장 총칙",
        "제2장 인공지능의 건전한 발전과 신뢰 기반 조성을 위한 추진체계",
    ]


def test_split_ai_basic_act_xml_and_markdown_are_identical(corpus_dir):
    xml = _law(corpus_dir / AI_ACT_XML)
    md = _law(corpus_dir / AI_ACT_MD)

    def articles(law):
        return [
            (str(c.ref), c.kind, c.text, c.start, c.end, str(c.parent))
            for b in law.blocks
            if b.kind is BlockKind.ARTICLE
            for c in b.clauses
        ]

    assert articles(xml) == articles(md)
    assert [b.division for b in xml.blocks] == [b.division for b in md.blocks]
    xml_addenda = [(str(b.ref), b.text) for b in xml.blocks if b.kind is BlockKind.ADDENDUM]
    md_addenda = [(str(b.ref), b.text) for b in md.blocks if b.kind is BlockKind.ADDENDUM]
    assert [r for r, _ in xml_addenda] == [r for r, _ in md_addenda]
    # The two sources differ in one 부칙 line (legalize-kr writes "제2조 부터"); nothing else.
    changed = [
        line
        for (_, a), (_, b) in zip(xml_addenda, md_addenda, strict=True)
        for line in difflib.ndiff(a.split("\n"), b.split("\n"))
        if line[:2] in ("- ", "+ ")
    ]
    assert changed == ["- 제2조부터 제6조까지 생략", "+ 제2조 부터 제6조까지 생략"]


def test_split_json_decree(corpus_dir):
    law = _law(corpus_dir / AI_DECREE_JSON)
    assert law.meta.kind == "대통령령"
    assert law.meta.law_id == "015032"
    assert law.counts["articles"] == 39
    refs = {str(b.ref) for b in law.blocks}
    assert {"제1조의2", "제15조의2", "제15조의3", "제16조의4", "별표1", "별표2"} <= refs
    annex = next(b for b in law.blocks if str(b.ref) == "별표2")
    assert "과태료" in annex.text


def _all_sources(shared: Path) -> list[Path]:
    return (
        list(iter_law_files(shared / "corpus" / "raw"))
        + list(iter_law_files(shared / "corpus" / "embed"))
        + list(iter_law_files(shared / "lawapi" / "samples" / "detail"))
    )


# UNPARSED units in ../shared: each is a genuine defect of the source text, kept with a reason.
KNOWN_UNPARSED = {
    ("001584_act_21738.md", "제111조"),  # two ② paragraphs (old and new wording side by side)
    ("001584_act_21738.md", "제113조"),  # two ② and two ③ paragraphs
}


def test_split_whole_shared_corpus_imports(shared):
    files = _all_sources(shared)
    assert len([f for f in files if f.parent.name == "detail"]) == 64
    unparsed = set()
    totals = Counter()
    for file in files:
        law = _law(file)
        totals.update(law.counts)
        for block in law.blocks:
            assert "\n".join(c.text for c in block.clauses) == block.text
            for clause in block.clauses:
                if clause.kind is UnitKind.UNPARSED:
                    assert clause.reason
                    unparsed.add((file.name, str(clause.ref.article_ref())))
                elif clause.kind is not UnitKind.NOTE:
                    assert ClauseRef.parse(str(clause.ref)) == clause.ref
    assert unparsed == KNOWN_UNPARSED
    assert totals["articles"] > 14000


_XML_TEXT_TAGS = ("조문내용", "항내용", "호내용", "목내용", "부칙내용", "별표내용")


def _chars(text: str) -> Counter:
    return Counter(re.sub(r"\s", "", text))


@pytest.mark.parametrize("name", ["mst_285309.xml", "mst_285051.xml", "mst_285317.xml"])
def test_split_xml_keeps_every_character(shared, name):
    """Every non-space character of the law text elements ends up in exactly one clause."""
    path = shared / "lawapi" / "samples" / "detail" / name
    root = SafeET.parse(path).getroot()
    source = Counter()
    for tag in _XML_TEXT_TAGS:
        for element in root.iter(tag):
            source += _chars("".join(element.itertext()))
    for annex in root.iter("별표단위"):
        if not "".join(annex.findtext("별표내용") or "").strip():
            source += _chars(annex.findtext("별표제목") or "")
    law = _law(path)
    split = Counter()
    for block in law.blocks:
        split += _chars(block.text)
    for division in law.divisions:
        split += _chars(division.text)
    assert split == source


@pytest.mark.parametrize("name", ["pipa.md", "copyright_act.md", "credit_info_act.md"])
def test_split_markdown_keeps_every_character(shared, name):
    path = shared / "corpus" / "embed" / name
    text = path.read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1]
    source = Counter()
    for line in body.splitlines():
        if line.startswith("# ") or line.replace(" ", "") == "##부칙":
            continue
        line = re.sub(r"^#+\s*", "", line).replace("**", "").replace("\\.", ".")
        source += _chars(line)
    law = _law(path)
    split = Counter()
    for block in law.blocks:
        split += _chars(block.text)
    for division in law.divisions:
        split += _chars(division.text)
    assert split == source


def test_split_deleted_article_and_branch_items(shared):
    law = _law(shared / "corpus" / "raw" / "text" / "pipa_21445.md")
    block = next(b for b in law.blocks if str(b.ref) == "제8조")
    assert block.deleted
    assert law.find("제7조의2") is not None
    assert law.find("제2조제1호가목") is not None


def test_split_parts_proviso_and_latter(corpus_dir):
    law = _law(corpus_dir / AI_ACT_XML)
    block = next(b for b in law.blocks if str(b.ref) == "제7조")
    clause = law.find("제7조제2항")
    labels = {p.label: block.text[p.start : p.end] for p in clause.parts}
    assert labels["후단"].startswith("이 경우 제4항제4호에 따른 위원이")
    assert labels["전단"].endswith("위원으로 구성한다.")
    lead = law.find("제7조제4항")
    assert {p.label for p in lead.parts} == {"각 호 외의 부분"}
    assert any(block.text[n.start : n.end] == "<개정 2026.1.20>" for n in clause.notes)


@pytest.mark.parametrize(
    ("content", "error", "words"),
    [
        (
            "<?xml version='1.0'?><법령><기본정보><법령ID>1</법령ID>".encode(),
            ImportError_,
            "malformed XML",
        ),
        ('{"Law": "일치하는 법령이 없습니다."}'.encode(), ImportError_, '"법령"'),
        (
            "<Response><result>사용자 정보 검증에 실패하였습니다.</result></Response>".encode(),
            ImportError_,
            "<Response>",
        ),
        (b"plain text", UnknownFormatError, "not a law.go.kr"),
        ("---\n제목: x\n---\n".encode(), ImportError_, "법령ID"),
    ],
)
def test_split_bad_input_names_the_file(tmp_path, content, error, words):
    path = tmp_path / "bad.xml"
    path.write_bytes(content)
    with pytest.raises(error) as info:
        read_path(path)
    assert str(path) in str(info.value)
    assert words in str(info.value)
