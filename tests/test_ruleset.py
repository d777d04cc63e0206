"""Rule files: every example of every rule runs, files validate, docs are fresh.

The collector test turns each `examples.must_match` / `must_not_match` entry of each file under
rules/<category>/ into one test (id = rule id + example kind and index): the mini-corpus is
written as legalize-kr Markdown, imported, split and analysed into an in-memory database and
checked with that one rule.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from lawcheck.check import KIND_FUNCTIONS, example_markdown, run_example
from lawcheck.errors import RuleFileError
from lawcheck.ruleset import (
    DOCS_PATH,
    KINDS,
    REQUIRED,
    RULES_DIR,
    explain_rule,
    iter_rule_files,
    list_rules,
    load_rule,
    load_rules,
    main,
    render_docs,
)

RULES = load_rules()
EXAMPLES = [(rule, example) for rule in RULES for example in rule.examples]


@pytest.mark.parametrize(
    ("rule", "example"), EXAMPLES, ids=[f"{r.id}-{e.test_id}" for r, e in EXAMPLES]
)
def test_ruleset_example(rule, example):
    findings = run_example(rule, example)
    keys = {key for finding in findings for key in finding.keys}
    if not example.must_match:
        assert findings == [], [f.message for f in findings]
        return
    assert findings, f"{rule.id} {example.test_id} found nothing"
    for ref in example.expect_refs:
        assert ref in keys, f"{ref} not in {sorted(keys)}"
    if example.expect_count is not None:
        assert len(findings) == example.expect_count, [f.message for f in findings]
    for finding in findings:
        assert finding.rule_id == rule.id and finding.kind == rule.kind
        assert finding.message and "{" not in finding.message


def test_ruleset_meta_ids_files_and_examples():
    paths = list(iter_rule_files())
    assert len(paths) == len(RULES) >= 11
    ids = [rule.id for rule in RULES]
    assert len(ids) == len(set(ids))
    aliases = [alias for rule in RULES for alias in rule.aliases]
    assert not set(aliases) & set(ids) and len(aliases) == len(set(aliases))
    for rule in RULES:
        assert rule.path.stem == rule.id
        assert rule.path.parent.name == rule.category
        assert rule.id[:3] in {p.stem[:3] for p in rule.path.parent.glob("*.yaml")}
        assert any(e.must_match for e in rule.examples), rule.id
        assert any(not e.must_match for e in rule.examples), rule.id
        raw = yaml.safe_load(rule.path.read_text(encoding="utf-8"))
        assert all(field in raw for field in REQUIRED), rule.id
        limits = rule.known_limits
        if limits.sample_size:
            assert limits.precision == pytest.approx(limits.correct / limits.sample_size, abs=0.006)
        # A rule below the useful-precision bar must be preview (off by default).
        if rule.status == "stable":
            assert limits.precision is not None and limits.precision >= 0.5, rule.id


def test_ruleset_every_kind_is_implemented_and_used():
    assert set(KIND_FUNCTIONS) == set(KINDS)
    assert {rule.kind for rule in RULES} == set(KINDS)


def test_ruleset_docs_are_fresh():
    assert DOCS_PATH.read_text(encoding="utf-8") == render_docs(RULES), (
        "docs/rules.md is stale: run `python -m lawcheck.ruleset --docs docs/rules.md`"
    )


def test_ruleset_docs_check_mode(tmp_path):
    stale = tmp_path / "rules.md"
    stale.write_text("old\n", encoding="utf-8")
    assert main(["--docs", str(stale), "--check"]) == 1
    assert main(["--docs", str(stale)]) == 0
    assert main(["--docs", str(stale), "--check"]) == 0


def test_ruleset_explain_and_list():
    text = explain_rule("DLG001")
    assert text.startswith("## DLG001 ") and "Known limits" in text and "precision" in text
    rows = list_rules()
    assert [r["id"] for r in rows] == sorted(r["id"] for r in rows)
    assert {"id", "name", "kind", "severity", "status", "precision"} <= set(rows[0])


@pytest.mark.parametrize(
    ("select", "ignore", "preview", "expected"),
    [
        (None, None, False, {r.id for r in RULES if r.status == "stable"}),
        (None, None, True, {r.id for r in RULES}),
        (["DLG"], None, True, {r.id for r in RULES if r.id.startswith("DLG")}),
        (["DLG"], ["DLG002"], True, {r.id for r in RULES if r.id.startswith("DLG")} - {"DLG002"}),
        (["DUT003"], None, False, {"DUT003"}),  # a preview rule selected by exact id runs
        (["ref"], None, False, {r.id for r in RULES if r.id.startswith("REF") and not r.preview}),
    ],
)
def test_ruleset_select_ignore(select, ignore, preview, expected):
    assert {r.id for r in RULES.select(select, ignore, preview=preview)} == expected


def test_ruleset_select_unknown_prefix_names_the_ids():
    with pytest.raises(RuleFileError, match="matches no rule"):
        RULES.select(["XYZ"])


def _valid_rule() -> dict:
    return yaml.safe_load((RULES_DIR / "delegation" / "DLG001.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("change", "field", "problem"),
    [
        (lambda d: d.pop("title"), "title", "required"),
        (lambda d: d.update(severity="fatal"), "severity", "not one of"),
        (lambda d: d.update(status="beta"), "status", "not one of"),
        (lambda d: d.update(kind="magic"), "kind", "valid kinds"),
        (lambda d: d.update(name="Delegation Gap"), "name", "kebab-case"),
        (lambda d: d["parameters"].update(cutoff=3), "parameters.cutoff", "no such parameter"),
        (
            lambda d: d["parameters"].update(instruments=["고시"]),
            "parameters.instruments",
            "not one of",
        ),
        (lambda d: d.update(message="{nothing}"), "message", "not a field"),
        (lambda d: d["known_limits"].update(precision=0.5), "known_limits.precision", "differs"),
        (
            lambda d: d["examples"].update(must_not_match=[]),
            "examples.must_not_match",
            "at least one",
        ),
        (lambda d: d.update(colour="red"), "colour", "unknown field"),
        (
            lambda d: d["examples"]["must_match"][0]["laws"][0].update(kind="조례"),
            "kind",
            "법률, 대통령령",
        ),
    ],
)
def test_ruleset_invalid_file_names_file_and_field(tmp_path, change, field, problem):
    data = _valid_rule()
    change(data)
    folder = tmp_path / "delegation"
    folder.mkdir()
    path = folder / "DLG001.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(RuleFileError) as info:
        load_rule(path)
    message = str(info.value)
    assert "[R101]" in message and str(path) in message
    assert field in message and problem in message


def test_ruleset_file_name_must_equal_id(tmp_path):
    folder = tmp_path / "delegation"
    folder.mkdir()
    path = folder / "DLG999.yaml"
    path.write_text(yaml.safe_dump(_valid_rule(), allow_unicode=True), encoding="utf-8")
    with pytest.raises(RuleFileError, match="differs from the file name"):
        load_rule(path)


def test_ruleset_duplicate_ids_are_refused(tmp_path):
    for category in ("a", "b"):
        folder = tmp_path / category
        folder.mkdir()
        (folder / "DLG001.yaml").write_text(
            yaml.safe_dump({**_valid_rule(), "category": category}, allow_unicode=True),
            encoding="utf-8",
        )
    with pytest.raises(RuleFileError, match="already used"):
        load_rules(tmp_path)


def test_ruleset_example_markdown_round_trips_through_the_importer(tmp_path):
    from lawcheck.importers import read_path
    from lawcheck.split import split_law

    rule = RULES.get("DLG001")
    law = rule.examples[0].laws[0]
    path = tmp_path / "law.md"
    path.write_text(example_markdown(law), encoding="utf-8")
    text = split_law(read_path(path))
    assert text.meta.law_id == law.law_id and text.meta.kind == law.kind
    refs = {str(c.ref) for c in text.clauses()}
    assert {"제3조제1항", "제3조제2항", "제4조"} <= refs


def test_ruleset_yaml_written_by_hand_loads(tmp_path):
    folder = tmp_path / "reference"
    folder.mkdir()
    text = textwrap.dedent(
        """\
        id: REF901
        name: reference-to-nowhere
        title: 없는 조문을 인용함
        kind: dangling-reference
        severity: warning
        status: preview
        rationale: Citations must point somewhere.
        references: ["DOMAIN.md §4"]
        scope: {}
        parameters: {reasons: [article missing]}
        message: "{law_name} {ref}: {cited}"
        known_limits: {text: Not measured., precision: null, correct: 0, sample_size: 0}
        examples:
          must_match:
            - text: 사업자는 제9조에 따라 신고하여야 한다.
          must_not_match:
            - text: 사업자는 신고하여야 한다.
        """
    )
    (folder / "REF901.yaml").write_text(text, encoding="utf-8")
    rules = load_rules(tmp_path)
    rule = rules.get("REF901")
    assert rule.parameters["reasons"] == ["article missing"]
    assert rule.parameters["check_titles"] is False  # defaults filled in
    assert [e.must_match for e in rule.examples] == [True, False]
    assert Path(rule.path).name == "REF901.yaml"
