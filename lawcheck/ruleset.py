"""Rule files: load, validate and document the rules under rules/<category>/<ID>.yaml.

Input: YAML files, one rule each (file name = rule id), plus the shared data files under
rules/data/. Output: `Rule` values in a `RuleSet` (the registry: every rule file found by
scanning rules/, looked up by id, alias or id prefix), and `docs/rules.md` generated from them
(`python -m lawcheck.ruleset --docs docs/rules.md`).

A rule names its `kind`; kinds are implemented once in `lawcheck.check` and take their
parameters from the file, so adding a rule of an existing kind needs no code. `KINDS` below
states which parameters each kind accepts (with defaults) and which fields its message
template may use; a file that uses anything else fails to load with a `RuleFileError` naming
the file and the field.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import re
import string
import sys
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from lawcheck.errors import RefSyntaxError, RuleFileError
from lawcheck.models import ClauseRef, LawLevel

log = logging.getLogger(__name__)

RULES_DIR = Path(__file__).resolve().parent.parent / "rules"
DATA_DIR = RULES_DIR / "data"
DOCS_PATH = Path(__file__).resolve().parent.parent / "docs" / "rules.md"
# Folders under rules/ that hold data, not rules: tag patterns (the lead's) and shared lists.
NOT_RULE_DIRS = frozenset({"patterns", "data"})

SEVERITIES = ("error", "warning", "info")
STATUSES = ("stable", "preview")
SCORERS = ("ratio", "partial_ratio", "token_sort_ratio", "token_set_ratio", "WRatio", "QRatio")
MODALITIES = (
    "obligation",
    "prohibition",
    "permission",
    "effort_duty",
    "delegation",
    "definition",
    "exemption",
    "sanction",
    "deeming",
    "none",
)
ACTOR_TYPES = ("state", "private", "anyone", "none")
LEVELS = tuple(level.value for level in LawLevel)

_ID_RE = re.compile(r"^[A-Z]{3}\d{3}$")
_NAME_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_LAW_ID_RE = re.compile(r"^[0-9A-Za-z]{1,32}$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# ---------------------------------------------------------------------------------------------
# Kinds: which parameters each accepts and which fields its message may use
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """One parameter a kind accepts: its type(s), default and meaning."""

    types: tuple[type, ...]
    default: Any
    doc: str
    choices: tuple[Any, ...] | None = None  # for a str (or each item of a list)
    bounds: tuple[float, float] | None = None  # for numbers


@dataclass(frozen=True)
class KindSpec:
    """A rule kind: what it looks for, its parameters and its message fields."""

    name: str
    summary: str
    params: Mapping[str, Param]
    message_fields: frozenset[str]


_FUZZY = {
    "scorer": Param((str,), "ratio", "rapidfuzz.fuzz scorer", choices=SCORERS),
}
_COMMON_FIELDS = frozenset({"law_name", "ref", "law_id"})
_PAIR_FIELDS = frozenset({"law_a", "ref_a", "law_b", "ref_b"})


def _p(types, default, doc, **kw) -> Param:
    return Param(types if isinstance(types, tuple) else (types,), default, doc, **kw)


KINDS: dict[str, KindSpec] = {
    spec.name: spec
    for spec in (
        KindSpec(
            "delegation-gap",
            "A statute clause delegates to a decree or rule that is in the corpus, and no "
            "clause of that instrument cites the delegating clause.",
            {
                "instruments": _p(
                    list,
                    ["대통령령", "부령"],
                    "delegation targets checked: 대통령령 (시행령), 부령 (총리령·…부령, 시행규칙)",
                    choices=("대통령령", "부령"),
                ),
                "link_ancestors": _p(
                    bool, True, "a citation of the enclosing 조/항 counts as implementing"
                ),
                "link_descendants": _p(
                    bool, True, "a citation of one of the clause's 호/목 counts as implementing"
                ),
                "link_catch_all": _p(
                    bool,
                    True,
                    "a catch-all delegation (그 밖에 … 필요한 사항은 …) is answered by any "
                    "citation of its article",
                ),
                "link_via_cited_clause": _p(
                    bool,
                    True,
                    "a delegation about a clause it cites (제1항에 따른 과태료는 대통령령으로 "
                    "정하는 바에 따라) is answered by an instrument clause citing that clause",
                ),
                "link_same_title": _p(
                    bool,
                    True,
                    "an instrument article whose title matches the statute article's title "
                    "answers its delegations",
                ),
                "title_scorer": _p(str, "ratio", "rapidfuzz scorer for titles", choices=SCORERS),
                "title_cutoff": _p(
                    (int, float), 80, "titles scoring at least this match", bounds=(0, 100)
                ),
                "skip_deleted": _p(bool, True, "ignore delegations in deleted articles"),
            },
            _COMMON_FIELDS | {"instrument", "target_law", "cue"},
        ),
        KindSpec(
            "delegation-excess",
            "A decree or rule clause burdens private parties without citing the statute "
            "(or decree) that delegates it.",
            {
                "modalities": _p(
                    list,
                    ["obligation", "prohibition"],
                    "modalities that burden the addressee",
                    choices=MODALITIES,
                ),
                "actor_types": _p(
                    list, ["private", "anyone"], "addressees checked", choices=ACTOR_TYPES
                ),
                "hops": _p(
                    int,
                    2,
                    "how many in-law references (제1항에 따른 …) to follow to a parent citation",
                    bounds=(0, 5),
                ),
                "procedural_cues": _p(
                    list,
                    [],
                    "words that make a duty procedural (신청서, 서식 …): such clauses are skipped",
                ),
            },
            _COMMON_FIELDS | {"parent_name", "duty_bearer", "cue"},
        ),
        KindSpec(
            "dangling-reference",
            "A citation that does not resolve (deleted or missing article, paragraph or item, "
            "unknown law), or whose cited title differs from the target's title.",
            {
                "reasons": _p(
                    list,
                    ["article deleted", "article missing", "paragraph/item missing"],
                    "unresolved reasons that fire (refs.REASONS)",
                    choices=(
                        "article deleted",
                        "article missing",
                        "paragraph/item missing",
                        "no such law (renamed or repealed?)",
                    ),
                ),
                "reference_kinds": _p(
                    list,
                    ["explicit", "same_law", "this_law", "parent", "relative"],
                    "reference kinds checked",
                    choices=("explicit", "same_law", "this_law", "parent", "relative"),
                ),
                "check_titles": _p(bool, False, "compare a cited title '제N조(…)' with the target"),
                "title_scorer": _p(str, "ratio", "rapidfuzz scorer for titles", choices=SCORERS),
                "title_cutoff": _p(
                    (int, float), 70, "titles scoring below this differ", bounds=(0, 100)
                ),
                "skip_uncertain_context": _p(
                    bool,
                    True,
                    "skip citations in contexts where the resolver is unreliable (quotations, "
                    "after a parenthesised title, after another law's citation in the sentence)",
                ),
                "skip_amendment_text": _p(
                    bool, True, "skip clauses that amend another law (개정한다, 중 … 으로 한다)"
                ),
            },
            _COMMON_FIELDS | {"cited", "reason", "target_law", "cited_title", "actual_title"},
        ),
        KindSpec(
            "definition-divergence",
            "The same or a near-same term is defined differently in two laws (cross_law), or "
            "twice with different meanings in one law (within_law).",
            {
                "mode": _p(
                    str, "cross_law", "cross_law | within_law", choices=("cross_law", "within_law")
                ),
                "term_scorer": _p(str, "ratio", "rapidfuzz scorer for terms", choices=SCORERS),
                "term_cutoff": _p(
                    (int, float),
                    92,
                    "terms scoring at least this are the same term",
                    bounds=(0, 100),
                ),
                "body_scorer": _p(
                    str,
                    "token_set_ratio",
                    "rapidfuzz scorer for definition bodies",
                    choices=SCORERS,
                ),
                "body_max_similarity": _p(
                    (int, float), 55, "bodies scoring at most this diverge", bounds=(0, 100)
                ),
                "definition_kinds": _p(
                    list,
                    ["article"],
                    "definition kinds compared (article, inline, delegated)",
                    choices=("article", "inline", "delegated"),
                ),
                "scopes": _p(
                    list,
                    ["law", "chapter", "following"],
                    "definition scopes compared",
                    choices=("law", "chapter", "article", "clause", "following", "cited"),
                ),
                "min_body_chars": _p(int, 6, "shorter bodies are not compared", bounds=(0, 1000)),
                "skip_same_family": _p(
                    bool, True, "skip pairs within one statute's family (법·시행령·시행규칙)"
                ),
                "max_per_term": _p(int, 6, "findings kept per term (best first)", bounds=(1, 1000)),
            },
            _PAIR_FIELDS | {"term", "other_term", "similarity"},
        ),
        KindSpec(
            "overlapping-duty",
            "Two laws impose the same kind of duty (data file of cue words) on overlapping "
            "actors for overlapping subject matter.",
            {
                "duty_kinds_file": _p(
                    str, "data/duty_kinds.yaml", "duty kinds and their cue words"
                ),
                "duty_kinds": _p(list, [], "restrict to these duty kind ids (empty: all)"),
                "modalities": _p(
                    list, ["obligation"], "modalities of the duty clauses", choices=MODALITIES
                ),
                "actor_types": _p(
                    list, ["private", "anyone"], "addressees of the duty", choices=ACTOR_TYPES
                ),
                "min_shared_weight": _p(
                    (int, float), 6.0, "summed IDF of shared subject terms needed", bounds=(0, 1000)
                ),
                "max_term_df": _p(
                    int,
                    300,
                    "terms in more clauses than this do not pair clauses",
                    bounds=(2, 10**7),
                ),
                "require_concepts": _p(
                    list,
                    [],
                    "pairs must share one of these thesaurus concepts (rules/data/concepts.yaml)",
                ),
                "strong_concepts": _p(
                    list,
                    [],
                    "sharing one of these concepts lets a pair pass with strong_min_weight",
                ),
                "strong_min_weight": _p(
                    (int, float),
                    0.0,
                    "weight needed with a shared strong concept",
                    bounds=(0, 1000),
                ),
                "min_actor_overlap": _p(
                    (int, float),
                    0.6,
                    "how surely the duty-bearers overlap (0.3 unknown, 0.6 same kind of "
                    "person in their definitions, 0.9 one defined by the other, 1 same word)",
                    bounds=(0, 1),
                ),
                "skip_same_family": _p(bool, True, "skip pairs within one statute's family"),
                "max_per_law_pair": _p(
                    int, 3, "findings kept per pair of laws and duty kind", bounds=(1, 1000)
                ),
            },
            _PAIR_FIELDS | {"duty_kind", "actor_a", "actor_b", "shared"},
        ),
        KindSpec(
            "contradictory-duty",
            "One clause obliges (or permits) an act that another clause prohibits, for the same "
            "actor and act.",
            {
                "pairs": _p(
                    list,
                    [["obligation", "prohibition"], ["permission", "prohibition"]],
                    "modality pairs that contradict",
                ),
                "actor_types": _p(
                    list, ["private", "anyone"], "addressees compared", choices=ACTOR_TYPES
                ),
                "min_shared_weight": _p(
                    (int, float), 4.0, "summed IDF of shared object terms needed", bounds=(0, 1000)
                ),
                "max_term_df": _p(int, 300, "terms in more clauses do not pair", bounds=(2, 10**7)),
                "cross_law_only": _p(bool, False, "only pairs from different laws"),
                "skip_same_family": _p(bool, False, "skip pairs within one statute's family"),
                "max_per_clause": _p(int, 2, "findings kept per clause", bounds=(1, 100)),
            },
            _PAIR_FIELDS | {"act", "modality_a", "modality_b"},
        ),
        KindSpec(
            "promotion-vs-restriction",
            "A clause promoting an activity and a clause of another law restricting the same "
            "activity, matched through shared key terms.",
            {
                "activities_file": _p(
                    str, "data/activities.yaml", "activity words (use, provide …)"
                ),
                "promotion_words": _p(
                    list,
                    ["지원", "촉진", "활성화", "육성", "장려", "진흥", "보급", "확산"],
                    "words a promoting clause (tag promotion, state actor) must contain",
                ),
                "restriction_modalities": _p(
                    list,
                    ["prohibition", "obligation"],
                    "modalities of the restricting clause",
                    choices=MODALITIES,
                ),
                "require_concepts": _p(
                    list,
                    [],
                    "pairs must share one of these thesaurus concepts (rules/data/concepts.yaml)",
                ),
                "strong_concepts": _p(
                    list,
                    [],
                    "sharing one of these concepts lets a pair pass with strong_min_weight",
                ),
                "strong_min_weight": _p(
                    (int, float),
                    0.0,
                    "weight needed with a shared strong concept",
                    bounds=(0, 1000),
                ),
                "restriction_actor_types": _p(
                    list,
                    ["private", "anyone", "none"],
                    "addressees of the restricting clause (none: no subject found)",
                    choices=ACTOR_TYPES,
                ),
                "min_shared_weight": _p(
                    (int, float), 8.0, "summed IDF of shared key terms needed", bounds=(0, 1000)
                ),
                "max_term_df": _p(int, 200, "terms in more clauses do not pair", bounds=(2, 10**7)),
                "skip_same_family": _p(bool, True, "skip pairs within one statute's family"),
                "max_per_clause": _p(int, 2, "findings kept per promoting clause", bounds=(1, 100)),
            },
            _PAIR_FIELDS | {"activity", "shared"},
        ),
        KindSpec(
            "sanction-disparity",
            "Violations of the same kind of duty sanctioned at very different levels in "
            "different laws (과태료/벌금 amounts, 징역 years, criminal vs administrative).",
            {
                "duty_kinds_file": _p(
                    str, "data/duty_kinds.yaml", "duty kinds and their cue words"
                ),
                "min_ratio": _p(
                    (int, float),
                    3.0,
                    "ratio of maximum amounts that counts as disparity",
                    bounds=(1, 10**6),
                ),
                "flag_class_difference": _p(
                    bool, True, "criminal penalty in one law, only a fine in the other"
                ),
                "min_shared_weight": _p(
                    (int, float),
                    5.0,
                    "summed IDF of shared subject terms of the duties",
                    bounds=(0, 1000),
                ),
                "max_term_df": _p(int, 300, "terms in more clauses do not pair", bounds=(2, 10**7)),
                "require_concepts": _p(
                    list,
                    [],
                    "pairs must share one of these thesaurus concepts (rules/data/concepts.yaml)",
                ),
                "strong_concepts": _p(
                    list,
                    [],
                    "sharing one of these concepts lets a pair pass with strong_min_weight",
                ),
                "strong_min_weight": _p(
                    (int, float),
                    0.0,
                    "weight needed with a shared strong concept",
                    bounds=(0, 1000),
                ),
                "max_per_law_pair": _p(int, 2, "findings kept per pair of laws", bounds=(1, 100)),
            },
            _PAIR_FIELDS | {"duty_kind", "level_a", "level_b", "ratio"},
        ),
        KindSpec(
            "jurisdiction-overlap",
            "Different ministries or bodies are given the same kind of authority over the same "
            "subject in different laws.",
            {
                "competences_file": _p(
                    str, "data/competences.yaml", "kinds of authority and their cue words"
                ),
                "min_shared_weight": _p(
                    (int, float), 8.0, "summed IDF of shared subject terms needed", bounds=(0, 1000)
                ),
                "max_term_df": _p(int, 200, "terms in more clauses do not pair", bounds=(2, 10**7)),
                "require_concepts": _p(
                    list,
                    [],
                    "pairs must share one of these thesaurus concepts (rules/data/concepts.yaml)",
                ),
                "strong_concepts": _p(
                    list,
                    [],
                    "sharing one of these concepts lets a pair pass with strong_min_weight",
                ),
                "strong_min_weight": _p(
                    (int, float),
                    0.0,
                    "weight needed with a shared strong concept",
                    bounds=(0, 1000),
                ),
                "skip_same_family": _p(bool, True, "skip pairs within one statute's family"),
                "max_per_law_pair": _p(int, 2, "findings kept per pair of laws", bounds=(1, 100)),
            },
            _PAIR_FIELDS | {"authority_a", "authority_b", "competence", "shared"},
        ),
        KindSpec(
            "duty-without-sanction",
            "An obligation or prohibition on private parties that no penalty, fine or corrective "
            "order of the corpus enforces.",
            {
                "modalities": _p(
                    list, ["obligation", "prohibition"], "modalities checked", choices=MODALITIES
                ),
                "actor_types": _p(
                    list, ["private", "anyone"], "addressees checked", choices=ACTOR_TYPES
                ),
                "count_whole_law_corrective": _p(
                    bool,
                    True,
                    "a corrective order for any violation of the law enforces every duty",
                ),
                "require_sanctions_in_law": _p(
                    bool, True, "only check laws that sanction at least one clause"
                ),
            },
            _COMMON_FIELDS | {"duty_bearer"},
        ),
        KindSpec(
            "effective-date-mismatch",
            "A decree clause implementing a statute clause takes effect before the statute "
            "clause, or long after it.",
            {
                "max_lag_days": _p(
                    int,
                    365,
                    "a decree clause later than this after its statute clause fires",
                    bounds=(0, 10**5),
                ),
                "flag_early": _p(
                    bool, True, "flag decree clauses in force before the statute clause"
                ),
                "flag_late": _p(
                    bool,
                    False,
                    "flag decree clauses that first implement a delegation long after it",
                ),
                "min_early_days": _p(int, 1, "earliness (days) that fires", bounds=(0, 10**5)),
            },
            _PAIR_FIELDS | {"date_a", "date_b", "days"},
        ),
    )
}


# ---------------------------------------------------------------------------------------------
# Rule values
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExampleArticle:
    """One article (or 부칙) of an example law: its reference, title and text as written."""

    ref: str
    text: str
    title: str | None = None


@dataclass(frozen=True)
class ExampleLaw:
    """A law of an example mini-corpus, with the metadata an importer would read."""

    name: str
    kind: str
    law_id: str
    articles: tuple[ExampleArticle, ...]
    addenda: tuple[str, ...] = ()
    promulgation_no: str = "1"
    promulgation_date: str = "2025-01-01"
    effective_date: str = "2025-01-01"
    ministry: str | None = None


@dataclass(frozen=True)
class Example:
    """A mini-corpus on which the rule must (or must not) fire."""

    index: int
    must_match: bool
    laws: tuple[ExampleLaw, ...]
    expect_refs: tuple[str, ...] = ()  # "law_id:ref" keys the finding must include
    expect_count: int | None = None  # exact number of findings, when given
    note: str | None = None
    known_laws: tuple[str, ...] | None = None  # names of laws that exist without text

    @property
    def test_id(self) -> str:
        return f"{'match' if self.must_match else 'nomatch'}-{self.index}"


@dataclass(frozen=True)
class KnownLimits:
    """Known problems of a rule and its measured precision (n correct / n sampled)."""

    text: str
    precision: float | None
    correct: int
    sample_size: int
    findings: int | None = None  # findings on the measurement corpus
    measured_on: str | None = None


@dataclass(frozen=True, eq=False)
class Rule:
    """One validated rule file."""

    id: str
    name: str
    title: str
    category: str
    kind: str
    severity: str
    status: str
    rationale: str
    references: tuple[str, ...]
    scope: Mapping[str, Any]
    parameters: Mapping[str, Any]  # every parameter of the kind, defaults filled in
    message: str
    known_limits: KnownLimits
    aliases: tuple[str, ...]
    examples: tuple[Example, ...]
    path: Path
    file_hash: str  # sha256 of the file (a Finding records which rule text produced it)

    @property
    def preview(self) -> bool:
        return self.status == "preview"

    def format_message(self, **fields: Any) -> str:
        """The message with its fields filled; unknown fields stay as written."""
        return string.Formatter().vformat(self.message, (), _Missing(fields))

    def data_path(self, name: str) -> Path:
        """A data file named by a parameter, relative to rules/."""
        return self.path.parent.parent / self.parameters[name]


class _Missing(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


# ---------------------------------------------------------------------------------------------
# Loading and validation
# ---------------------------------------------------------------------------------------------

REQUIRED = (
    "id",
    "name",
    "title",
    "kind",
    "severity",
    "status",
    "rationale",
    "references",
    "scope",
    "parameters",
    "message",
    "known_limits",
    "examples",
)
OPTIONAL = ("aliases", "category")
SCOPE_KEYS = {
    "law_levels": "levels of the clause that fires (법률, 대통령령, 부령)",
    "laws": "law names, abbreviations or 법령IDs the rule is limited to",
    "include_addenda": "whether 부칙 clauses are checked (default false)",
}


def _fail(path: Path, field_name: str | None, problem: str) -> RuleFileError:
    return RuleFileError(path, field_name, problem)


def _str(data: dict, key: str, path: Path, *, empty: bool = False) -> str:
    value = data.get(key)
    if not isinstance(value, str) or (not empty and not value.strip()):
        raise _fail(path, key, f"must be a non-empty string, got {value!r}")
    return value.strip()


def _str_list(value: Any, path: Path, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(path, where, f"must be a list of non-empty strings, got {value!r}")
    return tuple(v.strip() for v in value)


def load_rule(path: str | Path) -> Rule:
    """Read and validate one rule file.

    Raises:
        RuleFileError: the file does not parse, or a field is missing or invalid; the
            message names the file and the field and lists the valid choices.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
        data = yaml.safe_load(raw.decode("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise _fail(path, None, f"cannot read the rule file ({exc})") from exc
    if not isinstance(data, dict):
        raise _fail(path, None, "expected a mapping of fields at the top level")
    unknown = sorted(set(data) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise _fail(
            path,
            unknown[0],
            f"unknown field; valid fields are {', '.join(REQUIRED + OPTIONAL)}",
        )
    for key in REQUIRED:
        if key not in data:
            raise _fail(path, key, "required field is missing")
    rule_id = _str(data, "id", path)
    if not _ID_RE.match(rule_id):
        raise _fail(
            path, "id", f"{rule_id!r} must be three capital letters and three digits (DLG001)"
        )
    if path.stem != rule_id:
        raise _fail(path, "id", f"{rule_id!r} differs from the file name {path.name!r}")
    name = _str(data, "name", path)
    if not _NAME_RE.match(name):
        raise _fail(path, "name", f"{name!r} must be kebab-case (lower-case words joined by '-')")
    category = path.parent.name
    if data.get("category") not in (None, category):
        raise _fail(path, "category", f"{data['category']!r} differs from the folder {category!r}")
    kind = _str(data, "kind", path)
    if kind not in KINDS:
        raise _fail(path, "kind", f"{kind!r} is not a rule kind; valid kinds: {', '.join(KINDS)}")
    spec = KINDS[kind]
    severity = _str(data, "severity", path)
    if severity not in SEVERITIES:
        raise _fail(path, "severity", f"{severity!r} is not one of {', '.join(SEVERITIES)}")
    status = _str(data, "status", path)
    if status not in STATUSES:
        raise _fail(path, "status", f"{status!r} is not one of {', '.join(STATUSES)}")
    references = _str_list(data.get("references"), path, "references")
    if not references:
        raise _fail(path, "references", "give at least one reference (a law article or a URL)")
    scope = _scope(data.get("scope"), path)
    parameters = _parameters(data.get("parameters"), spec, path)
    message = _str(data, "message", path)
    _check_message(message, spec, path)
    limits = _known_limits(data.get("known_limits"), path)
    aliases = _str_list(data.get("aliases"), path, "aliases")
    for alias in aliases:
        if not _ID_RE.match(alias):
            raise _fail(path, "aliases", f"{alias!r} is not a rule id")
    examples = _examples(data.get("examples"), path)
    return Rule(
        id=rule_id,
        name=name,
        title=_str(data, "title", path),
        category=category,
        kind=kind,
        severity=severity,
        status=status,
        rationale=_str(data, "rationale", path),
        references=references,
        scope=scope,
        parameters=parameters,
        message=message,
        known_limits=limits,
        aliases=aliases,
        examples=examples,
        path=path,
        file_hash=hashlib.sha256(raw).hexdigest(),
    )


def _scope(value: Any, path: Path) -> dict[str, Any]:
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise _fail(path, "scope", "must be a mapping")
    for key in value:
        if key not in SCOPE_KEYS:
            raise _fail(
                path, f"scope.{key}", f"unknown scope key; valid keys are {', '.join(SCOPE_KEYS)}"
            )
    levels = _str_list(value.get("law_levels"), path, "scope.law_levels")
    for level in levels:
        if level not in LEVELS:
            raise _fail(path, "scope.law_levels", f"{level!r} is not one of {', '.join(LEVELS)}")
    include = value.get("include_addenda", False)
    if not isinstance(include, bool):
        raise _fail(path, "scope.include_addenda", "must be true or false")
    return {
        "law_levels": levels,
        "laws": _str_list(value.get("laws"), path, "scope.laws"),
        "include_addenda": include,
    }


def _parameters(value: Any, spec: KindSpec, path: Path) -> dict[str, Any]:
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise _fail(path, "parameters", "must be a mapping")
    out: dict[str, Any] = {}
    for key in value:
        if key not in spec.params:
            raise _fail(
                path,
                f"parameters.{key}",
                f"kind {spec.name} has no such parameter; valid: {', '.join(spec.params)}",
            )
    for key, param in spec.params.items():
        given = value.get(key, param.default)
        where = f"parameters.{key}"
        if isinstance(given, bool) and bool not in param.types:
            raise _fail(path, where, f"must be {_type_names(param)}, got {given!r}")
        if not isinstance(given, param.types):
            raise _fail(path, where, f"must be {_type_names(param)}, got {given!r}")
        if param.choices is not None:
            items = given if isinstance(given, list) else [given]
            for item in items:
                if item not in param.choices:
                    raise _fail(
                        path,
                        where,
                        f"{item!r} is not one of {', '.join(map(str, param.choices))}",
                    )
        if param.bounds is not None and isinstance(given, int | float):
            low, high = param.bounds
            if not low <= given <= high:
                raise _fail(path, where, f"{given!r} is outside [{low}, {high}]")
        if key in ("require_concepts", "strong_concepts"):
            known = load_data(DATA_DIR / "concepts.yaml")["kinds"]
            for concept in given:
                if not isinstance(concept, str) or concept.lstrip("@") not in known:
                    raise _fail(
                        path, where, f"{concept!r} is not a concept of {DATA_DIR / 'concepts.yaml'}"
                    )
        if key.endswith("_file"):
            target = path.parent.parent / given
            if not target.is_file():
                raise _fail(path, where, f"data file {target} does not exist")
        out[key] = list(given) if isinstance(given, list) else given
    if spec.name == "contradictory-duty":
        for pair in out["pairs"]:
            if (
                not isinstance(pair, list)
                or len(pair) != 2
                or not all(m in MODALITIES for m in pair)
            ):
                raise _fail(path, "parameters.pairs", f"{pair!r} must be two modalities")
    return out


def _type_names(param: Param) -> str:
    return " or ".join(t.__name__ for t in param.types)


def _check_message(message: str, spec: KindSpec, path: Path) -> None:
    try:
        fields = [f for _, f, _, _ in string.Formatter().parse(message) if f]
    except ValueError as exc:
        raise _fail(path, "message", f"is not a valid template ({exc})") from exc
    for name in fields:
        if name not in spec.message_fields:
            raise _fail(
                path,
                "message",
                f"{{{name}}} is not a field of kind {spec.name}; valid: "
                f"{', '.join(sorted(spec.message_fields))}",
            )


def _known_limits(value: Any, path: Path) -> KnownLimits:
    if not isinstance(value, dict):
        raise _fail(
            path, "known_limits", "must be a mapping with text, precision, correct, sample_size"
        )
    text = value.get("text")
    if not isinstance(text, str) or not text.strip():
        raise _fail(path, "known_limits.text", "must describe what the rule misses or over-flags")
    correct, sample = value.get("correct"), value.get("sample_size")
    for key, number in (("correct", correct), ("sample_size", sample)):
        if not isinstance(number, int) or isinstance(number, bool) or number < 0:
            raise _fail(path, f"known_limits.{key}", f"must be a whole number >= 0, got {number!r}")
    if correct > sample:
        raise _fail(path, "known_limits.correct", "cannot exceed sample_size")
    precision = value.get("precision")
    if sample == 0:
        if precision is not None:
            raise _fail(path, "known_limits.precision", "must be null when nothing was sampled")
    else:
        if not isinstance(precision, int | float) or isinstance(precision, bool):
            raise _fail(path, "known_limits.precision", "must be a number (correct / sample_size)")
        if abs(precision - correct / sample) > 0.006:
            raise _fail(
                path,
                "known_limits.precision",
                f"{precision} differs from correct/sample_size = {correct / sample:.2f}",
            )
    findings = value.get("findings")
    if findings is not None and (not isinstance(findings, int) or isinstance(findings, bool)):
        raise _fail(path, "known_limits.findings", "must be a whole number")
    measured = value.get("measured_on")
    if measured is not None and not isinstance(measured, str):
        raise _fail(path, "known_limits.measured_on", "must be a string")
    return KnownLimits(
        text=text.strip(),
        precision=float(precision) if precision is not None else None,
        correct=correct,
        sample_size=sample,
        findings=findings,
        measured_on=measured,
    )


def _examples(value: Any, path: Path) -> tuple[Example, ...]:
    if not isinstance(value, dict):
        raise _fail(path, "examples", "must be a mapping with must_match and must_not_match")
    out: list[Example] = []
    for key, must in (("must_match", True), ("must_not_match", False)):
        items = value.get(key)
        if not isinstance(items, list) or not items:
            raise _fail(path, f"examples.{key}", "give at least one example")
        for i, item in enumerate(items):
            out.append(_example(item, must, i, path, f"examples.{key}[{i}]"))
    unknown = sorted(set(value) - {"must_match", "must_not_match"})
    if unknown:
        raise _fail(path, f"examples.{unknown[0]}", "unknown key; use must_match / must_not_match")
    return tuple(out)


def _example(item: Any, must: bool, index: int, path: Path, where: str) -> Example:
    if not isinstance(item, dict):
        raise _fail(path, where, "must be a mapping with 'laws' (or 'text') and 'expect'")
    unknown = sorted(set(item) - {"laws", "text", "expect", "note", "known_laws"})
    if unknown:
        raise _fail(
            path,
            f"{where}.{unknown[0]}",
            "unknown key; valid: laws, text, expect, note, known_laws",
        )
    if "text" in item:
        if "laws" in item:
            raise _fail(path, where, "give either 'text' (one statute article) or 'laws'")
        text = item["text"]
        if not isinstance(text, str) or not text.strip():
            raise _fail(path, f"{where}.text", "must be a non-empty string")
        laws: tuple[ExampleLaw, ...] = (
            ExampleLaw(
                name="예시법",
                kind="법률",
                law_id="990001",
                articles=(ExampleArticle("제1조", text.strip(), None),),
            ),
        )
    else:
        raw_laws = item.get("laws")
        if not isinstance(raw_laws, list) or not raw_laws:
            raise _fail(path, f"{where}.laws", "must be a non-empty list of laws")
        laws = tuple(
            _example_law(law, path, f"{where}.laws[{j}]") for j, law in enumerate(raw_laws)
        )
        ids = [law.law_id for law in laws]
        if len(set(ids)) != len(ids):
            raise _fail(path, f"{where}.laws", "two laws share a law_id")
    expect = item.get("expect") or {}
    if not isinstance(expect, dict):
        raise _fail(path, f"{where}.expect", "must be a mapping (refs, count)")
    unknown = sorted(set(expect) - {"refs", "count"})
    if unknown:
        raise _fail(path, f"{where}.expect.{unknown[0]}", "unknown key; valid: refs, count")
    refs = _str_list(expect.get("refs"), path, f"{where}.expect.refs")
    known_ids = {law.law_id for law in laws}
    for key in refs:
        law_id, _, ref = key.partition(":")
        if law_id not in known_ids or not ref:
            raise _fail(
                path,
                f"{where}.expect.refs",
                f"{key!r} must be 'law_id:ref' of a law of the example",
            )
        try:
            ClauseRef.parse(ref)
        except RefSyntaxError as exc:
            raise _fail(path, f"{where}.expect.refs", exc.message) from exc
    count = expect.get("count")
    if count is not None and (not isinstance(count, int) or isinstance(count, bool) or count < 0):
        raise _fail(path, f"{where}.expect.count", "must be a whole number")
    if not must and (refs or count):
        raise _fail(path, f"{where}.expect", "a must_not_match example expects no finding at all")
    if must and count == 0:
        raise _fail(
            path, f"{where}.expect.count", "a must_match example needs at least one finding"
        )
    note = item.get("note")
    return Example(
        index=index,
        must_match=must,
        laws=laws,
        expect_refs=refs,
        expect_count=count,
        note=note if isinstance(note, str) else None,
        known_laws=_str_list(item["known_laws"], path, f"{where}.known_laws")
        if "known_laws" in item
        else None,
    )


def _example_law(value: Any, path: Path, where: str) -> ExampleLaw:
    if not isinstance(value, dict):
        raise _fail(path, where, "must be a mapping (name, kind, law_id, articles)")
    allowed = {
        "name",
        "kind",
        "law_id",
        "articles",
        "addenda",
        "promulgation_no",
        "promulgation_date",
        "effective_date",
        "ministry",
    }
    unknown = sorted(set(value) - allowed)
    if unknown:
        raise _fail(
            path, f"{where}.{unknown[0]}", f"unknown key; valid: {', '.join(sorted(allowed))}"
        )
    name = _str(value, "name", path) if isinstance(value.get("name"), str) else None
    if not name:
        raise _fail(path, f"{where}.name", "must be the law's name")
    kind = value.get("kind")
    if not isinstance(kind, str) or LawLevel.from_kind(kind) is LawLevel.OTHER:
        raise _fail(path, f"{where}.kind", f"{kind!r} must be 법률, 대통령령, 총리령 or …부령")
    law_id = str(value.get("law_id", ""))
    if not _LAW_ID_RE.match(law_id):
        raise _fail(path, f"{where}.law_id", f"{law_id!r} must be a 법령ID such as 990001")
    dates = {}
    for key in ("promulgation_date", "effective_date"):
        date = value.get(key)
        if date is None:
            continue
        date = str(date)
        if not _DATE_RE.match(date):
            raise _fail(path, f"{where}.{key}", f"{date!r} must be YYYY-MM-DD")
        dates[key] = date
    articles_raw = value.get("articles")
    if not isinstance(articles_raw, list) or not articles_raw:
        raise _fail(path, f"{where}.articles", "must be a non-empty list of {ref, text, title}")
    articles = []
    for k, art in enumerate(articles_raw):
        here = f"{where}.articles[{k}]"
        if not isinstance(art, dict) or not isinstance(art.get("text"), str):
            raise _fail(path, here, "must be a mapping with ref and text")
        ref = str(art.get("ref", ""))
        try:
            parsed = ClauseRef.parse(ref)
        except RefSyntaxError as exc:
            raise _fail(path, f"{here}.ref", exc.message) from exc
        if parsed != parsed.article_ref() or parsed.article is None:
            raise _fail(path, f"{here}.ref", f"{ref!r} must name an article (제3조, 제3조의2)")
        title = art.get("title")
        if title is not None and not isinstance(title, str):
            raise _fail(path, f"{here}.title", "must be a string")
        articles.append(ExampleArticle(str(parsed), art["text"].strip(), title))
    addenda = _str_list(value.get("addenda"), path, f"{where}.addenda")
    defaults = ExampleLaw(name="", kind="", law_id="", articles=())
    return ExampleLaw(
        name=name,
        kind=kind,
        law_id=law_id,
        articles=tuple(articles),
        addenda=addenda,
        promulgation_no=str(value.get("promulgation_no", defaults.promulgation_no)),
        promulgation_date=dates.get("promulgation_date", defaults.promulgation_date),
        effective_date=dates.get("effective_date", defaults.effective_date),
        ministry=value.get("ministry"),
    )


# ---------------------------------------------------------------------------------------------
# The registry
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleSet:
    """Every rule found under rules/, by id; select/ignore by id, alias or prefix."""

    rules: tuple[Rule, ...]
    directory: Path = RULES_DIR
    by_id: Mapping[str, Rule] = field(default_factory=dict, compare=False)

    def __iter__(self) -> Iterator[Rule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def get(self, rule_id: str) -> Rule:
        """The rule with this id or alias.

        Raises:
            RuleFileError: no such rule; the message lists the ids.
        """
        key = rule_id.strip().upper()
        if key in self.by_id:
            return self.by_id[key]
        for rule in self.rules:
            if key in rule.aliases:
                return rule
        raise RuleFileError(
            self.directory, None, f"no rule {rule_id!r}; known ids: {', '.join(self.by_id)}"
        )

    def select(
        self,
        select: Iterable[str] | None = None,
        ignore: Iterable[str] | None = None,
        *,
        preview: bool = False,
    ) -> list[Rule]:
        """Rules chosen by id, alias or prefix (ruff style: "DLG", "DLG001", "D").

        Preview rules run only with `preview=True` or when selected by their exact id.

        Raises:
            RuleFileError: a selector matches no rule.
        """
        select = [s.strip().upper() for s in select or () if s.strip()]
        ignore = [s.strip().upper() for s in ignore or () if s.strip()]
        for selector in (*select, *ignore):
            if selector != "ALL" and not any(_matches(rule, selector) for rule in self.rules):
                raise RuleFileError(
                    self.directory,
                    None,
                    f"{selector!r} matches no rule id, alias or prefix; "
                    f"known ids: {', '.join(self.by_id)}",
                )
        out = []
        for rule in self.rules:
            exact = any(rule.id == s or s in rule.aliases for s in select)
            chosen = not select or "ALL" in select or any(_matches(rule, s) for s in select)
            if not chosen or any(_matches(rule, s) for s in ignore):
                continue
            if rule.preview and not (preview or exact):
                continue
            out.append(rule)
        return out


def _matches(rule: Rule, selector: str) -> bool:
    return selector == "ALL" or rule.id.startswith(selector) or selector in rule.aliases


def iter_rule_files(directory: Path = RULES_DIR) -> Iterator[Path]:
    """Rule files under rules/<category>/ (data and pattern folders skipped)."""
    for path in sorted(directory.glob("*/*.yaml")):
        if path.parent.name not in NOT_RULE_DIRS:
            yield path


def load_rules(directory: str | Path = RULES_DIR) -> RuleSet:
    """Scan rules/ and validate every rule file; ids and aliases must be unique.

    Raises:
        RuleFileError: a file does not validate, or an id/alias is used twice.
    """
    directory = Path(directory)
    rules: list[Rule] = []
    seen: dict[str, Path] = {}
    for path in iter_rule_files(directory):
        rule = load_rule(path)
        for key in (rule.id, *rule.aliases):
            if key in seen:
                raise RuleFileError(path, "id", f"{key!r} is already used by {seen[key]}")
            seen[key] = path
        rules.append(rule)
    rules.sort(key=lambda r: r.id)
    return RuleSet(tuple(rules), directory, {r.id: r for r in rules})


@lru_cache(maxsize=4)
def default_rules(directory: Path = RULES_DIR) -> RuleSet:
    """The rules of this checkout, loaded once per process."""
    return load_rules(directory)


@lru_cache(maxsize=16)
def load_data(path: Path) -> dict:
    """A data file under rules/data/ (duty kinds, activities, competences), validated lightly.

    Each file maps ids to {label: str, cues: [regex, …]} under a top-level key `kinds`.

    Raises:
        RuleFileError: the file is missing, does not parse, or an entry is malformed.
    """
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise RuleFileError(path, None, f"cannot read the data file ({exc})") from exc
    if not isinstance(data, dict) or not isinstance(data.get("kinds"), dict) or not data["kinds"]:
        raise RuleFileError(path, "kinds", "must map ids to {label, cues}")
    for key, entry in data["kinds"].items():
        if not isinstance(entry, dict) or not isinstance(entry.get("label"), str):
            raise RuleFileError(path, f"kinds.{key}.label", "must be a string")
        cues = entry.get("cues")
        if not isinstance(cues, list) or not cues:
            raise RuleFileError(path, f"kinds.{key}.cues", "must be a non-empty list of regexes")
        for i, cue in enumerate(cues):
            try:
                re.compile(cue)
            except (re.error, TypeError) as exc:
                raise RuleFileError(
                    path, f"kinds.{key}.cues[{i}]", f"invalid regex ({exc})"
                ) from exc
        ignore = entry.get("ignore", [])
        if not isinstance(ignore, list) or not all(isinstance(w, str) for w in ignore):
            raise RuleFileError(path, f"kinds.{key}.ignore", "must be a list of words")
        for extra in ("exclude", "objects"):
            values = entry.get(extra, [])
            if not isinstance(values, list):
                raise RuleFileError(path, f"kinds.{key}.{extra}", "must be a list of regexes")
            for i, cue in enumerate(values):
                try:
                    re.compile(cue)
                except (re.error, TypeError) as exc:
                    raise RuleFileError(
                        path, f"kinds.{key}.{extra}[{i}]", f"invalid regex ({exc})"
                    ) from exc
    return data


# ---------------------------------------------------------------------------------------------
# Documentation
# ---------------------------------------------------------------------------------------------

DOCS_HEADER = (
    "<!-- Generated by `python -m lawcheck.ruleset --docs docs/rules.md` from rules/*/*.yaml. "
    "Do not edit by hand: edit the rule files and regenerate. -->\n"
)


def explain_rule(rule: Rule | str, rules: RuleSet | None = None) -> str:
    """The documentation of one rule (what `lawcheck rules explain ID` prints), Markdown."""
    if isinstance(rule, str):
        rule = (rules or default_rules()).get(rule)
    lim = rule.known_limits
    precision = (
        f"{lim.precision:.2f} ({lim.correct}/{lim.sample_size} sampled findings correct)"
        if lim.precision is not None
        else "not measured (no findings to sample)"
    )
    lines = [
        f"## {rule.id} {rule.name}",
        "",
        f"**{rule.title}**",
        "",
        f"- kind: `{rule.kind}` — {KINDS[rule.kind].summary}",
        f"- severity: {rule.severity}; status: {rule.status}"
        + (" (off by default; run with --preview)" if rule.preview else ""),
        f"- precision: {precision}"
        + (f"; {lim.findings} findings on {lim.measured_on}" if lim.findings is not None else ""),
    ]
    if rule.aliases:
        lines.append(f"- aliases: {', '.join(rule.aliases)}")
    lines += ["", "### Why is this a problem?", "", rule.rationale, ""]
    lines += ["### Message", "", f"> {rule.message}", ""]
    lines += ["### Known limits", "", lim.text, ""]
    scope = {k: v for k, v in rule.scope.items() if v}
    if scope:
        lines += ["### Scope", ""]
        lines += [f"- {k}: {_fmt(v)}" for k, v in scope.items()]
        lines.append("")
    lines += ["### Parameters", ""]
    for key, value in rule.parameters.items():
        lines.append(f"- `{key}` = {_fmt(value)} — {KINDS[rule.kind].params[key].doc}")
    lines += ["", "### Examples", ""]
    for ex in rule.examples:
        verdict = "fires" if ex.must_match else "does not fire"
        laws = "; ".join(f"{law.name} ({law.kind}) {len(law.articles)} 조" for law in ex.laws)
        lines.append(f"- {ex.test_id}: {verdict} on {laws}" + (f" — {ex.note}" if ex.note else ""))
    lines += ["", "### References", ""]
    lines += [f"- {ref}" for ref in rule.references]
    return "\n".join(lines).rstrip() + "\n"


def _fmt(value: Any) -> str:
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_fmt(v) for v in value) + "]"
    return str(value).replace("|", "\\|")


def list_rules(rules: RuleSet | None = None) -> list[dict[str, Any]]:
    """One summary row per rule (what `lawcheck rules list` prints)."""
    rules = rules or default_rules()
    return [
        {
            "id": r.id,
            "name": r.name,
            "title": r.title,
            "kind": r.kind,
            "category": r.category,
            "severity": r.severity,
            "status": r.status,
            "precision": r.known_limits.precision,
            "sample_size": r.known_limits.sample_size,
        }
        for r in rules
    ]


def render_docs(rules: RuleSet | None = None) -> str:
    """docs/rules.md: a table of every rule, then each rule's documentation."""
    rules = rules or load_rules()
    out = [DOCS_HEADER, "# lawcheck rules", ""]
    out.append(
        "Each rule is a file `rules/<category>/<ID>.yaml`; its `kind` is implemented once in "
        "`lawcheck/check.py`. Preview rules are off unless `--preview` is given. Precision is "
        "the share of correct findings in a hand-checked sample of the rule's findings on the "
        "whole shared corpus."
    )
    out += [
        "",
        "| id | name | kind | severity | status | precision (n/N) |",
        "|---|---|---|---|---|---|",
    ]
    for r in rules:
        lim = r.known_limits
        prec = (
            f"{lim.precision:.2f} ({lim.correct}/{lim.sample_size})"
            if lim.precision is not None
            else "–"
        )
        out.append(f"| {r.id} | {r.name} | {r.kind} | {r.severity} | {r.status} | {prec} |")
    out.append("")
    out += ["## Kinds", ""]
    for spec in KINDS.values():
        out.append(f"- `{spec.name}`: {spec.summary}")
    out.append("")
    for r in rules:
        out.append(explain_rule(r))
    return "\n".join(out).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    """`python -m lawcheck.ruleset [--docs PATH] [--check]`: validate rules, write the docs."""
    parser = argparse.ArgumentParser(prog="python -m lawcheck.ruleset", description=main.__doc__)
    parser.add_argument("--rules", type=Path, default=RULES_DIR, help="the rules folder")
    parser.add_argument("--docs", type=Path, help="write the generated rule docs here")
    parser.add_argument(
        "--check", action="store_true", help="with --docs: fail if the file is stale"
    )
    args = parser.parse_args(argv)
    try:
        rules = load_rules(args.rules)
    except RuleFileError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"{len(rules)} rules valid", file=sys.stderr)
    if args.docs:
        text = render_docs(rules)
        if args.check:
            current = args.docs.read_text(encoding="utf-8") if args.docs.is_file() else ""
            if current != text:
                print(f"{args.docs} is stale; regenerate it", file=sys.stderr)
                return 1
        else:
            args.docs.write_text(text, encoding="utf-8")
            print(f"wrote {args.docs}", file=sys.stderr)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
