"""Modality, duty-bearer and the promotion/regulation tag of a clause, from pattern files.

Input: spaCy `Doc`s from `analyse` (Kiwi morphemes in `doc.user_data["kiwi"]`). Output: a
`ClauseTag` per text — modality per sentence and for the 본문/단서, the actor of the main
predicate typed as state/private/anyone, the party that bears the burden, and the tag with its
evidence (spans, pattern ids). The patterns, actor lexicon and cue lists are data files under
rules/patterns/; this module only applies them.
"""

from __future__ import annotations

import re
import re._parser
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from spacy.tokens import Doc

from lawcheck.errors import PatternFileError
from lawcheck.models import ActorType, Modality, Tag
from lawcheck.resources import PATTERN_DIR

# ---------------------------------------------------------------------------------------------
# Pattern files
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ModalityPattern:
    """One modality pattern: a regex over the final morphemes, with optional requirement."""

    id: str
    modality: Modality
    tail: re.Pattern
    requires: re.Pattern | None
    must_match: tuple[str, ...]
    must_not_match: tuple[str, ...]
    # Where a match of `tail` can lie (see `_tail_extent`): how far from the end of the string
    # it can start, and what the string must end with.
    reach: int | None
    endings: tuple[str, ...]


def _any_of(regexes: tuple[re.Pattern, ...], path: Path, where: str) -> re.Pattern:
    """One regex that matches wherever one of `regexes` does: typing an actor takes one search
    per type, not one per regex (issue 7). Only for short strings: over a sentence the
    combination is slower than its parts, which each skip to their own first characters.

    Raises:
        PatternFileError: a regex refers back to a group; in the combination its number would
            name another regex's group.
    """
    for regex in regexes:
        if _refers_back(re._parser.parse(regex.pattern, regex.flags)):
            raise PatternFileError(f"{path}: {where}: {regex.pattern!r} must not refer to a group")
    return re.compile("|".join(f"(?:{regex.pattern})" for regex in regexes))


def _refers_back(node) -> bool:
    """Whether a parsed regex (or a part of one) has a group reference: \\1, (?P=name), (?(1)…)."""
    if isinstance(node, re._parser.SubPattern):
        return any(
            op in (re._parser.GROUPREF, re._parser.GROUPREF_EXISTS) or _refers_back(value)
            for op, value in node
        )
    if isinstance(node, (list, tuple)):
        return any(_refers_back(part) for part in node)
    return False


def _needle(regex: re.Pattern) -> str:
    """The longest text every match of `regex` contains: a run of plain characters outside any
    group, repetition or alternative ("(준수|시정)/NNG 하/XSV 도록/EC …" → "/NNG 하/XSV 도록/EC ");
    "" when there is none or the regex ignores case.

    A sentence without it is not searched: most cue and burden regexes start with a group of
    alternatives, which the regex engine tries at nearly every character (issue 7).
    """
    if regex.flags & re.IGNORECASE:
        return ""
    runs, run = [], []
    for op, value in re._parser.parse(regex.pattern, regex.flags):
        if op is re._parser.LITERAL:
            run.append(chr(value))
        else:
            runs.append("".join(run))
            run = []
    runs.append("".join(run))
    return max(runs, key=len)


def _tail_extent(pattern: re.Pattern) -> tuple[int | None, tuple[str, ...]]:
    """For a pattern anchored at the end (`…$`): how far from the end of a string its match can
    start, and the strings one of which the string must end with. Without an anchor (or with
    `$` matching at every line end), or with no widest match ("… .*/EF$"), the reach is None;
    with no literal text before the anchor (or case folded), any ending will do: ("",).

    A sentence is tested for the ending and then searched from the reach only: scanning every
    sentence whole for each of the tail patterns was most of the tagger's regex time (issue 7).
    Both find what a search of the whole string finds: no match can start earlier, and none can
    end otherwise. The reach and endings allow for the line break `$` may stand before.
    """
    parsed = re._parser.parse(pattern.pattern, pattern.flags)
    anchored = len(parsed) and parsed[-1] == (re._parser.AT, re._parser.AT_END)
    if not anchored or pattern.flags & re.MULTILINE:
        return None, ("",)
    widest = parsed.getwidth()[1]
    reach = widest + 1 if widest < re._parser.MAXWIDTH else None
    if pattern.flags & re.IGNORECASE:
        return reach, ("",)
    ending = []
    for op, value in reversed(parsed[:-1]):
        if op is not re._parser.LITERAL:
            break
        ending.append(chr(value))
    ending = "".join(reversed(ending))
    return reach, (ending, ending + "\n")


@dataclass(frozen=True)
class Patterns:
    """Everything under rules/patterns/, validated."""

    modality: tuple[ModalityPattern, ...]
    actors: dict[str, tuple[re.Pattern, ...]]  # ActorType value -> regexes
    actor_examples: dict[str, tuple[str, ...]]  # ActorType value -> strings of that type
    predicates: dict[str, frozenset[str]]  # regulate / promote / administer / sanction -> forms
    # Morpheme-string regexes, each with its `_needle`: those that put a burden on the actor,
    # and the cues of regulate / promote.
    burden: tuple[tuple[re.Pattern, str], ...]
    cues: dict[str, tuple[tuple[re.Pattern, str], ...]]
    predicate_examples: dict  # regulate/promote/administer -> sentences; burden/cues -> must/not
    # One regex for all of `actors` of a type; anyone, state, private: the order they are tried.
    any_actor: dict[ActorType, re.Pattern]


def _load_yaml(path: Path) -> dict:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise PatternFileError(f"{path}: cannot read ({exc})") from exc
    if not isinstance(data, dict):
        raise PatternFileError(f"{path}: expected a mapping at the top level")
    return data


def _regex(value, path: Path, where: str) -> re.Pattern:
    if not isinstance(value, str) or not value:
        raise PatternFileError(f"{path}: {where} must be a non-empty regular expression string")
    try:
        return re.compile(value)
    except re.error as exc:
        raise PatternFileError(f"{path}: {where}: invalid regular expression ({exc})") from exc


@lru_cache(maxsize=4)
def load_patterns(directory: Path = PATTERN_DIR) -> Patterns:
    """Read and validate modality.yaml, actors.yaml and predicates.yaml.

    Raises:
        PatternFileError: a file or field is missing or malformed; the message names both.
    """
    path = directory / "modality.yaml"
    raw = _load_yaml(path).get("patterns")
    if not isinstance(raw, list) or not raw:
        raise PatternFileError(f"{path}: 'patterns' must be a non-empty list")
    modality = []
    seen: set[str] = set()
    for i, entry in enumerate(raw):
        where = f"patterns[{i}]"
        if not isinstance(entry, dict):
            raise PatternFileError(f"{path}: {where} must be a mapping")
        pid = entry.get("id")
        if not isinstance(pid, str) or not pid:
            raise PatternFileError(f"{path}: {where}.id is missing")
        if pid in seen:
            raise PatternFileError(f"{path}: {where}.id {pid!r} is used twice")
        seen.add(pid)
        try:
            mod = Modality(entry.get("modality"))
        except ValueError as exc:
            raise PatternFileError(
                f"{path}: {pid}.modality {entry.get('modality')!r} is not one of "
                f"{', '.join(m.value for m in Modality)}"
            ) from exc
        examples = entry.get("examples") or {}
        must = tuple(examples.get("must_match") or ())
        must_not = tuple(examples.get("must_not_match") or ())
        if not must or not must_not:
            raise PatternFileError(
                f"{path}: {pid} needs examples.must_match and "
                "examples.must_not_match (at least one each)"
            )
        tail = _regex(entry.get("tail"), path, f"{pid}.tail")
        reach, endings = _tail_extent(tail)
        modality.append(
            ModalityPattern(
                id=pid,
                modality=mod,
                tail=tail,
                requires=_regex(entry["requires"], path, f"{pid}.requires")
                if entry.get("requires")
                else None,
                must_match=must,
                must_not_match=must_not,
                reach=reach,
                endings=endings,
            )
        )
    path = actors_path = directory / "actors.yaml"
    actors_raw = _load_yaml(path)
    actors = {}
    for kind in (ActorType.ANYONE, ActorType.STATE, ActorType.PRIVATE):
        values = actors_raw.get(kind.value)
        if not isinstance(values, list) or not values:
            raise PatternFileError(f"{path}: '{kind.value}' must be a non-empty list of regexes")
        actors[kind.value] = tuple(
            _regex(v, path, f"{kind.value}[{j}]") for j, v in enumerate(values)
        )
    actor_examples = actors_raw.get("examples")
    if not isinstance(actor_examples, dict) or not all(
        isinstance(actor_examples.get(k.value), list) and actor_examples.get(k.value)
        for k in ActorType
    ):
        raise PatternFileError(
            f"{path}: 'examples' must give a non-empty list for each of "
            f"{', '.join(k.value for k in ActorType)}"
        )
    path = directory / "predicates.yaml"
    raw_predicates = _load_yaml(path)
    predicates = {}
    for kind in (
        "regulate",
        "promote",
        "administer",
        "sanction",
        "protect",
        "industry",
        "civil",
        "direct_support",
        "relief",
        "criminal_procedure",
        "deemed_burden",
        "procedural",
        "tasks",
        "relief_requested",
        "funding",
        "liability",
        "instruments",
        "instrument_frames",
    ):
        values = raw_predicates.get(kind)
        if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
            raise PatternFileError(f"{path}: '{kind}' must be a non-empty list of words")
        predicates[kind] = frozenset(values)
    burden_raw = raw_predicates.get("burden")
    if not isinstance(burden_raw, list) or not burden_raw:
        raise PatternFileError(f"{path}: 'burden' must be a non-empty list of regexes")
    regexes = [_regex(v, path, f"burden[{j}]") for j, v in enumerate(burden_raw)]
    burden = tuple((regex, _needle(regex)) for regex in regexes)
    cues = {}
    for kind in ("regulate", "promote"):
        key = f"{kind}_cues"
        values = raw_predicates.get(key)
        if not isinstance(values, list) or not values:
            raise PatternFileError(f"{path}: '{key}' must be a non-empty list of regexes")
        regexes = [_regex(v, path, f"{key}[{j}]") for j, v in enumerate(values)]
        cues[kind] = tuple((regex, _needle(regex)) for regex in regexes)
    examples = raw_predicates.get("examples") or {}
    missing = [k for k in ("regulate", "promote", "administer") if not examples.get(k)]
    if missing or any(
        not (examples.get(key) or {}).get(kind)
        for key in ("burden", "regulate_cues", "promote_cues")
        for kind in ("must_match", "must_not_match")
    ):
        raise PatternFileError(
            f"{path}: 'examples' needs sentences for regulate, promote and administer, and "
            "must_match / must_not_match for burden, regulate_cues and promote_cues"
        )
    return Patterns(
        tuple(modality),
        actors,
        {k: tuple(str(v) for v in values) for k, values in actor_examples.items()},
        predicates,
        burden,
        cues,
        examples,
        {ActorType(kind): _any_of(regexes, actors_path, kind) for kind, regexes in actors.items()},
    )


# ---------------------------------------------------------------------------------------------
# Sentences and morphemes
# ---------------------------------------------------------------------------------------------


# Not frozen: a frozen dataclass sets its fields through object.__setattr__, which made
# building the morphemes cost three times as much (issue 7). Nothing changes a Morph once made.
# One __init__ rather than the generated one and a __post_init__: one call per morpheme.
@dataclass(slots=True, init=False)
class Morph:
    form: str
    tag: str  # Sejong tag without irregular suffix (VV-R -> VV)
    start: int
    end: int
    # "form/TAG", the unit the pattern files are written over: made once here, not again for
    # every string a sentence is searched as.
    key: str = field(repr=False, compare=False)

    def __init__(self, form: str, tag: str, start: int, end: int):
        self.form = form
        self.tag = tag
        self.start = start
        self.end = end
        self.key = f"{form}/{tag}"


def _morph_string(morphs: list[Morph]) -> str:
    """Morphemes as the pattern files read them: "사업자/NNG 는/JX …"."""
    return " ".join([m.key for m in morphs])


@dataclass(frozen=True, slots=True)
class SentenceTag:
    """Modality of one sentence of a clause."""

    start: int
    end: int
    modality: Modality
    pattern: str | None  # id of the pattern that fired
    predicate: tuple[int, int] | None  # span of the final predicate
    proviso: bool  # starts with 다만 (단서)


@dataclass(frozen=True, slots=True)
class Evidence:
    start: int
    end: int
    label: str  # modality, actor, cue:regulation, cue:promotion …
    pattern: str


@dataclass(frozen=True, slots=True)
class ClauseTag:
    """The analysis of one clause text."""

    tag: Tag
    modality: Modality
    proviso_modality: Modality | None
    duty_bearer: str
    actor_type: ActorType
    regulated_party: str
    sentences: tuple[SentenceTag, ...]
    evidence: tuple[Evidence, ...]
    rule: str  # id of the tag decision that fired
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    def as_record(self) -> dict:
        """The tag as plain JSON values (what the tag cache stores and `lawcheck tag` prints)."""
        return {
            "tag": self.tag.value,
            "modality": self.modality.value,
            "proviso_modality": self.proviso_modality.value if self.proviso_modality else None,
            "duty_bearer": self.duty_bearer,
            "actor_type": self.actor_type.value,
            "regulated_party": self.regulated_party,
            "rule": self.rule,
            "evidence": [
                {"start": e.start, "end": e.end, "label": e.label, "pattern": e.pattern}
                for e in self.evidence
            ],
            "sentences": [
                {
                    "start": s.start,
                    "end": s.end,
                    "modality": s.modality.value,
                    "pattern": s.pattern,
                    "proviso": s.proviso,
                }
                for s in self.sentences
            ],
        }


def morphs_of(doc: Doc) -> list[Morph]:
    """Kiwi morphemes of a doc, with character offsets in doc.text.

    A noun and its derivational suffix are one word here ("활성/NNG 화/XSN" → 활성화/NNG,
    "안전/NNG 성/XSN" → 안전성/NNG): the cue lists name words, not morphemes.
    """
    morphs: list[Morph] = []
    last: Morph | None = None  # morphs[-1]
    for form, tag, start, length in doc.user_data.get("kiwi", ()):
        if "-" in tag:
            tag = tag.split("-")[0]
        if last is not None:
            if tag == "ETM" and form == "는" and last.tag == "VCP" and last.start == last.end:
                # Kiwi sometimes reads the topic particle after a noun ending in a vowel as an
                # elided copula + adnominal ("사업자/NNG 이/VCP 는/ETM"); it is "사업자/NNG 는/JX".
                morphs.pop()
                tag = "JX"
            elif tag == "XSN" and last.tag == "NNG" and last.end == start:
                last = morphs[-1] = Morph(last.form + form, "NNG", last.start, start + length)
                continue
        last = Morph(form, tag, start, start + length)
        morphs.append(last)
    return morphs


def sentences(text: str, morphs: list[Morph]) -> list[tuple[int, int, list[Morph]]]:
    """Sentences of a clause: ends at a final ending (EF) followed by '.', or at a line end.

    A sentence inside parentheses ("이 법(… 포함한다. 이하 같다)") does not end the clause's
    sentence.
    """
    out: list[tuple[int, int, list[Morph]]] = []
    current: list[Morph] = []
    depth = 0
    # A line break between two morphemes ends the sentence. `newline` is the first line break
    # at or after `searched` (-1: none), found again only when a gap lies outside what it
    # answers: each part of the text is searched about once, so long clauses (부칙 of 200k
    # characters) stay linear, and a clause without line breaks is searched once.
    searched, newline = 0, text.find("\n")
    lines = newline >= 0
    for morph in morphs:
        if lines and current:
            gap = current[-1].end
            if gap < searched or 0 <= newline < gap:
                searched, newline = gap, text.find("\n", gap)
            if 0 <= newline < morph.start:
                out.append((current[0].start, current[-1].end, current))
                current = []
                depth = 0
        current.append(morph)
        if morph.form in ("(", "（"):
            depth += 1
        elif morph.form in (")", "）") and depth:
            depth -= 1
        # "…한다 다만" without a period is rare: the sentence goes on until the period.
        if morph.tag == "SF" and len(current) > 1 and current[-2].tag == "EF" and not depth:
            out.append((current[0].start, morph.end, current))
            current = []
    if current:
        out.append((current[0].start, current[-1].end, current))
    return out


def _tail_string(morphs: list[Morph]) -> str:
    """'form/TAG' of the sentence without its final punctuation and trailing notes."""
    items = list(morphs)
    while items and (
        items[-1].tag in ("SF", "SP", "SW", "SSC", "SSO", "SN", "SE")
        or items[-1].form in (">", "]")
    ):
        # Trailing amendment notes like <개정 2026.1.20> are metadata, not the predicate.
        if items[-1].form in (">", "]") or items[-1].tag in ("SSC",):
            opener = "<" if items[-1].form == ">" else "["
            while items and items[-1].form != opener:
                items.pop()
        if items:
            items.pop()
    return _morph_string(items), items


def sentence_modality(
    morphs: list[Morph], patterns: Patterns
) -> tuple[Modality, str | None, tuple[int, int] | None]:
    """The modality of one sentence and the pattern that gave it."""
    tail, kept = _tail_string(morphs)
    size = len(tail)
    whole = None  # joined only for a pattern with a requirement whose tail matched
    for pattern in patterns.modality:
        if not tail.endswith(pattern.endings):
            continue
        reach = pattern.reach
        match = pattern.tail.search(tail, size - reach if reach is not None and reach < size else 0)
        if match is None:
            continue
        if pattern.requires is not None:
            if whole is None:
                whole = _morph_string(morphs)
            if pattern.requires.search(whole) is None:
                continue
        # Map the match back to characters: count the morphemes in the matched suffix.
        n = len(match.group(0).split(" "))
        span = (kept[-n].start, kept[-1].end) if kept and n <= len(kept) else None
        return pattern.modality, pattern.id, span
    return Modality.NONE, None, None


# ---------------------------------------------------------------------------------------------
# Actors
# ---------------------------------------------------------------------------------------------

_NP_TAGS = {"NNG", "NNP", "NNB", "NR", "SN", "XSN", "XPN", "SL", "SH", "NP"}
_JOIN_FORMS = {"및", "ㆍ", "·", "또는", ",", "와", "과", "의"}


def _final_clause(morphs: list[Morph]) -> list[Morph]:
    """The morphemes of the sentence's last clause: after the last "…하며," / "…하고,".

    In "장관은 자료를 요청할 수 있으며, 요청을 받은 자는 이에 따라야 한다" the final predicate
    (따라야 한다) belongs to "요청을 받은 자", not to the minister.
    """
    for i in range(len(morphs) - 2, 0, -1):
        if (
            morphs[i].tag == "EC"
            and morphs[i].form in ("며", "으며", "고")
            and morphs[i + 1].tag == "SP"
        ):
            return morphs[i + 2 :]
    return morphs


# Head nouns that name a thing, not an actor ("다음 각 호의 사항은", "기준은").
_NOT_ACTORS = {
    "사항",
    "내용",
    "기준",
    "절차",
    "방법",
    "기간",
    "범위",
    "요건",
    "대상",
    "금액",
    "요율",
    "비용",
    "결과",
    "규정",
    "경우",
    "때",
    "것",
    "바",
    "정보",
    "자료",
    "법",
    "영",
    "규칙",
    "이",
    "그",
    "조치",
    "업무",
    "행위",
    "권리",
    "기한",
    "효력",
    "계획",
    "뜻",
    "목적",
    "우려",
}


def _subject(text: str, morphs: list[Morph]) -> tuple[str, tuple[int, int] | None, str]:
    """The subject noun phrase of a sentence: the first topic (은/는), else subject (이/가).

    A phrase headed by 자/사람 after a relative clause ("…을 위반한 자는") is taken whole, so
    the duty-bearer reads as the law writes it.
    """
    first_topic = len(text)
    for morph in morphs:
        if morph.tag == "JX" and morph.form in ("은", "는"):
            first_topic = morph.start
            break
    for morph in morphs:
        if morph.tag == "NP" and morph.form.startswith("누구") and morph.start < first_topic:
            end = morph.end
            rest = text[end : end + 3]
            if rest.startswith("든지") or rest.startswith("도"):
                stop = end + (2 if rest.startswith("든지") else 1)
                return text[morph.start : stop], (morph.start, stop), "anyone"
    for wanted in ({"JX"}, {"JKS"}):
        for i, morph in enumerate(morphs):
            if morph.tag not in wanted or morph.form not in ("은", "는", "이", "가"):
                continue
            if i and morphs[i - 1].form == ")":
                # "A, B 및 C(이하 "D"라 한다)는": the actor is the defined name D.
                name = _defined_name(text, morphs, i - 1)
                if name is not None:
                    return name[0], name[1], "subject"
            j = i - 1
            while j >= 0 and (
                morphs[j].tag in _NP_TAGS
                or (morphs[j].form in _JOIN_FORMS and j > 0 and morphs[j - 1].tag in _NP_TAGS)
            ):
                if morphs[j].form in ("경우", "때") and j < i - 1:
                    break  # "…한 경우 장관은": the phrase starts after 경우
                j -= 1
            if j == i - 1 or morphs[i - 1].tag not in _NP_TAGS:
                continue
            first = morphs[j + 1]
            if first.form in _JOIN_FORMS:
                continue
            head = morphs[i - 1]
            if head.form in _NOT_ACTORS:
                continue
            start = first.start
            if j >= 0 and morphs[j].tag == "ETM" and head.form in ("자", "사람", "者"):
                start = _relative_clause_start(text, morphs, j)
            phrase = text[start : head.end]
            return phrase, (start, head.end), "subject"
    return "", None, ""


_LABEL_RE = re.compile(
    r"^(?:제\d+조(?:의\d+)?(?:\([^)]*\))?\s*|[\u2460-\u2473]\s*|\d+\.\s*|"
    r"[가-힣]\.\s*|다만,\s*)+"
)


def _relative_clause_start(text: str, morphs: list[Morph], etm: int) -> int:
    """Where the relative clause ending at morpheme `etm` starts: the sentence's start (after
    any 조/항/호 label or 다만), or just after the last comma or topic before it."""
    sentence_start = morphs[0].start
    label = _LABEL_RE.match(text[sentence_start:])
    start = sentence_start + (label.end() if label else 0)
    for k in range(etm, -1, -1):
        m = morphs[k]
        if m.start < start:
            break
        if (m.tag == "JX" and m.form in ("은", "는")) or m.form in ("경우", "때"):
            return morphs[k + 1].start if k + 1 < len(morphs) else start
    return start


_INLINE_NAME_RE = re.compile(r'\(이하[^()"“]*["“]([^"”]+)["”]\s*(?:이?라|으로|로)\s*한다\)$')


def _defined_name(text: str, morphs: list[Morph], close: int) -> tuple[str, tuple[int, int]] | None:
    """The name given by an inline definition that ends just before a particle."""
    end = morphs[close].end
    start = text.rfind("(이하", 0, end)
    if start < 0:
        return None
    match = _INLINE_NAME_RE.search(text[start:end])
    if match is None:
        return None
    return match.group(1), (start + match.start(1), start + match.end(1))


_SPACES_RE = re.compile(r"\s+")
_GROUP_SUFFIX_RE = re.compile(r"등$")
_CONJUNCTION_RE = re.compile(r"\s*(?:및|또는|,)\s*")


def actor_type(actor: str, patterns: Patterns) -> ActorType:
    """State, private or anyone, from the actor lexicon (rules/patterns/actors.yaml)."""
    # "신용정보회사등", "국가기관등": a defined group is typed by its head noun.
    compact = _GROUP_SUFFIX_RE.sub("", _SPACES_RE.sub("", actor))
    if not compact:
        return ActorType.NONE
    for kind, regex in patterns.any_actor.items():  # anyone, state, private
        if regex.search(compact):
            return kind
    return ActorType.NONE


def _object_party(text: str, morphs: list[Morph], patterns: Patterns) -> tuple[str, ActorType]:
    """The party an action is directed at: 'X에게' / 'X에 대하여', and its type.

    A private party wins over a state one ("사업자 또는 관계기관에게"): a state power over
    anyone private is regulation, a request to other state bodies is not.
    """
    found: tuple[str, ActorType] = ("", ActorType.NONE)
    for i, morph in enumerate(morphs):
        if morph.tag != "JKB" or morph.form not in ("에게", "에"):
            continue
        if morph.form == "에" and not text[morph.end : morph.end + 4].startswith(
            ("대하", " 대하", "대해", " 대해")  # 에 대하여 / 에 대해서는
        ):
            continue
        j = i - 1
        while j >= 0 and (
            morphs[j].tag in _NP_TAGS or morphs[j].form in ("및", "ㆍ", "또는", ",", "의", "그")
        ):
            j -= 1
        if j == i - 1:
            continue
        phrase = text[morphs[j + 1].start : morphs[i - 1].end]
        # "A 및 그 임직원에 대해서는": each conjunct is typed, a private one wins.
        kinds = {actor_type(part, patterns) for part in _CONJUNCTION_RE.split(phrase)}
        kind = next(
            (k for k in (ActorType.PRIVATE, ActorType.ANYONE, ActorType.STATE) if k in kinds),
            ActorType.NONE,
        )
        if kind in (ActorType.PRIVATE, ActorType.ANYONE):
            return phrase, kind
        if kind is ActorType.STATE and not found[0]:
            found = (phrase, kind)
    return found


# ---------------------------------------------------------------------------------------------
# The tag
# ---------------------------------------------------------------------------------------------


def tag_doc(doc: Doc, patterns: Patterns | None = None) -> ClauseTag:
    """Analyse one clause: sentence modalities, actor, burden, tag and evidence."""
    patterns = patterns or load_patterns()
    text = doc.text
    morphs = morphs_of(doc)
    sents = []
    for start, end, sent_morphs in sentences(text, morphs):
        mod, pid, pred = sentence_modality(sent_morphs, patterns)
        proviso = text[start : start + 3].startswith("다만")
        sents.append((SentenceTag(start, end, mod, pid, pred, proviso), sent_morphs))
    main = [s for s in sents if not s[0].proviso]
    modal_main = next((s for s in main if s[0].modality is not Modality.NONE), None)
    if modal_main is None and main:
        modal_main = main[0]
    proviso = next((s for s in sents if s[0].proviso), None)
    evidence: list[Evidence] = []
    if modal_main is None:
        return ClauseTag(
            Tag.NEUTRAL,
            Modality.NONE,
            None,
            "",
            ActorType.NONE,
            "",
            tuple(s for s, _ in sents),
            (),
            "TAG-EMPTY",
        )
    sentence, sent_morphs = modal_main
    decision = _sentence_decision(text, sentence, sent_morphs, patterns, morphs)
    tag, rule = decision.tag, decision.rule
    evidence = list(decision.evidence)
    if tag is Tag.NEUTRAL:
        # A later sentence or the 단서 may put a duty on a private party ("이 경우 요청받은
        # 자는 이에 따라야 한다", "다만, … 포함하여야 한다"): the clause regulates.
        for other, other_morphs in sents:
            if other is sentence or other.modality not in (
                Modality.OBLIGATION,
                Modality.PROHIBITION,
            ):
                continue
            if {m.form for m in other_morphs} & patterns.predicates["liability"]:
                continue  # "이 경우 … 입증하지 아니하면 책임을 면할 수 없다": civil liability
            second = _sentence_decision(text, other, other_morphs, patterns)
            if second.tag is Tag.REGULATION and second.actor_type in (
                ActorType.PRIVATE,
                ActorType.ANYONE,
            ):
                tag, rule = Tag.REGULATION, "TAG-LATER-SENTENCE-DUTY"
                evidence.extend(second.evidence)
                break
    # The decision itself is evidence: which rule fired, over which sentence.
    evidence.append(Evidence(sentence.start, sentence.end, f"decision:{tag.value}", rule))
    regulated = ""
    if tag is Tag.REGULATION:
        regulated = (
            decision.actor
            if decision.actor_type in (ActorType.PRIVATE, ActorType.ANYONE)
            else decision.object_party
        )
    return ClauseTag(
        tag=tag,
        modality=sentence.modality,
        proviso_modality=proviso[0].modality if proviso else None,
        duty_bearer=decision.actor,
        actor_type=decision.actor_type,
        regulated_party=regulated,
        sentences=tuple(s for s, _ in sents),
        evidence=tuple(evidence),
        rule=rule,
    )


@dataclass(frozen=True, slots=True)
class _Decision:
    tag: Tag
    rule: str
    actor: str
    actor_type: ActorType
    object_party: str
    evidence: tuple[Evidence, ...]


def _sentence_decision(
    text: str,
    sentence: SentenceTag,
    morphs: list[Morph],
    patterns: Patterns,
    context: list[Morph] | None = None,
) -> _Decision:
    """Tag one sentence from its modality, its actor and what its predicate does."""
    evidence: list[Evidence] = []
    if sentence.predicate and sentence.pattern:
        evidence.append(
            Evidence(*sentence.predicate, f"modality:{sentence.modality.value}", sentence.pattern)
        )
    final = _final_clause(morphs)
    actor, actor_span, how = _subject(text, final)
    if not actor and final is not morphs:
        actor, actor_span, how = _subject(text, morphs)
    kind = ActorType.ANYONE if how == "anyone" else actor_type(actor, patterns)
    if actor_span:
        evidence.append(Evidence(*actor_span, f"actor:{kind.value}", "ACTOR-SUBJECT"))
    features = _features(text, morphs, patterns, evidence, context)
    party, party_type = _object_party(text, morphs, patterns)
    features["object"] = party
    features["object_type"] = party_type
    features["benefit_applicant"] = _seeks_benefit(actor, actor_span, morphs, patterns)
    tag, rule = _decide(sentence.modality, kind, features)
    return _Decision(tag, rule, actor, kind, party, tuple(evidence))


_APPLICANT_RE = re.compile(r"(려는|고자\s*하는)\s*(자|사람|기업|법인|기관)$")


def _seeks_benefit(
    actor: str, span: tuple[int, int] | None, morphs: list[Morph], patterns: Patterns
) -> bool:
    """Whether the actor is described as seeking support or relief ("비용 지원을 받으려는
    사람", "규제특례의 유효기간을 연장받으려는 자", "전문인력양성기관으로 지정받으려는 자"):
    what such an applicant must file is the procedure of a benefit, not a burden."""
    if not span or not _APPLICANT_RE.search(actor):
        return False
    nouns = {m.form for m in morphs if span[0] <= m.start < span[1] and m.tag == "NNG"}
    return bool(
        nouns & (patterns.predicates["direct_support"] | patterns.predicates["relief_requested"])
    )


_NOT_HEADS = {"위하", "따르", "관하", "대하", "의하", "통하", "인하", "비롯하", "불구하", "포함"}
_CLAUSE_LINKS = {"고", "며", "으며", "거나", "되", "어", "아", "여"}


def predicate_heads(morphs: list[Morph]) -> list[tuple[Morph, bool, bool]]:
    """Content words heading a clause: (head, is the final predicate, is causative).

    A head is a noun followed by 하다/되다 or a verb stem, whose clause ends in a final ending
    or a clause link (…하고, …하며, …할 수 있으며); heads of relative clauses (…하는 X) and
    postposition-like verbs (위하여, 따라, 관한) are not heads. Heads joined by ㆍ share the
    clause (제정ㆍ공표하다 → 제정, 공표).
    """
    heads: list[tuple[Morph, bool, bool]] = []
    causative: set[int] = set()
    n = len(morphs)
    for i, morph in enumerate(morphs):
        if morph.tag == "NNG" and i + 1 < n and morphs[i + 1].tag in ("XSV", "XSA"):
            j = i + 2
        elif morph.tag == "VV" and morph.form not in _NOT_HEADS:
            j = i + 1
        else:
            continue
        if morph.form in _NOT_HEADS:
            continue
        while j < n and morphs[j].tag in ("EP", "VX", "XSV"):
            j += 1
        if (
            j + 2 < n
            and morphs[j].tag == "ETM"
            and morphs[j + 1].form == "수"
            and morphs[j + 2].tag == "VA"
        ):
            j += 3  # …할 수 있다 / 없다
        if (
            j + 1 < n
            and morphs[j].tag == "EC"
            and morphs[j].form in ("어야", "아야", "여야")
            and morphs[j + 1].tag == "VX"
        ):
            j += 2  # …하여야 한다
        if j >= n:
            continue
        end = morphs[j]
        if (
            end.tag == "EC"
            and end.form in ("게", "도록")
            and j + 1 < n
            and morphs[j + 1].form == "하"
            and morphs[j + 1].tag in ("VV", "VX")
        ):
            # "…에게 제출하게 하다", "시정하도록 하다": the actor makes someone else act.
            causative.add(id(morph))
            j += 2
            while j < n and morphs[j].tag in ("EP", "VX", "XSV"):
                j += 1
            if j + 2 < n and morphs[j].tag == "ETM" and morphs[j + 1].form == "수":
                j += 3
            if j >= n:
                continue
            end = morphs[j]
        if end.tag == "EF" or (end.tag == "EC" and end.form in _CLAUSE_LINKS):
            causes = id(morph) in causative
            if morph.tag == "VV" and morph.form in ("하", "세우", "펼치", "베풀"):
                # A light verb: "지원을 할 수 있다" is about 지원.
                obj = _light_verb_object(morphs, i)
                if obj is None:
                    continue
                morph = obj
            group = [morph]
            k = i - 1
            while k >= 1 and morphs[k].form in ("ㆍ", "·") and morphs[k - 1].tag == "NNG":
                group.insert(0, morphs[k - 1])
                k -= 2
            heads.extend((m, end.tag == "EF", causes) for m in group)
    return heads


def _light_verb_object(morphs: list[Morph], i: int) -> Morph | None:
    """The noun a light verb takes ("X을 하다", "X 등을 하다"), if close before it."""
    k = i - 1
    if k >= 0 and morphs[k].tag == "JKO":
        k -= 1
        while k >= 0 and morphs[k].tag == "NNB" and morphs[k].form == "등":
            k -= 1
        if k >= 0 and morphs[k].tag == "NNG":
            return morphs[k]
    return None


def _purpose_nouns(morphs: list[Morph]) -> list[Morph]:
    """Nouns of a purpose phrase ("…의 진흥을 위하여", "…을 촉진하기 위하여")."""
    nouns: list[Morph] = []
    for i, morph in enumerate(morphs):
        if (
            morph.form == "위하"
            and morph.tag == "VV"
            and i + 1 < len(morphs)
            and morphs[i + 1].tag == "EC"
        ):
            # "…을 위하여" states the purpose of the act; "…하기 위한 사항" only names a thing.
            window = morphs[max(0, i - 6) : i]
            nouns.extend(m for m in window if m.tag == "NNG")
    return nouns


def _object_nouns(morphs: list[Morph]) -> set[str]:
    """Nouns of the object phrases (…을/를) of the sentence."""
    nouns: set[str] = set()
    for i, morph in enumerate(morphs):
        if morph.tag == "JKO":
            k = i - 1
            while k >= 0 and morphs[k].tag in ("NNG", "XSN", "JKG", "SW", "MAG") and i - k <= 6:
                if morphs[k].tag == "NNG":
                    nouns.add(morphs[k].form)
                k -= 1
    return nouns


_DELEGATED_TERM_RE = re.compile(r'["“]([^"”]*(?:대통령령|총리령|부령|고시)[^"”]*)["”]\s*(?:이)?란')
_TITLE_RE = re.compile(r"^제\d+조(?:의\d+)?\(([^)]*)\)")
# Heads of a delegated term that set what a duty requires or whom it binds.
_REQUIREMENT_HEADS = {"기준", "요건", "방법", "절차", "정보", "기간", "사유"}


def _delegated_term(
    text: str, morphs: list[Morph], context: list[Morph], patterns: Patterns
) -> dict:
    """Whether the sentence defines a delegated phrase ("대통령령으로 정하는 사업"이란 …), and
    which side the provision it fills is on: a list of support measures (promote), the
    requirements, methods or addressees of a duty (regulate), or neither (scope, ranges).
    """
    start, end = morphs[0].start, morphs[-1].end
    match = _DELEGATED_TERM_RE.search(text, start, end)
    if match is None:
        return {"delegated_definition": False, "best_term": None}
    term = [m for m in morphs if match.start(1) <= m.start < match.end(1) and m.tag == "NNG"]
    head = term[-1].form if term else ""
    title = _TITLE_RE.match(text)
    title_words = {m.form for m in context if title and title.start(1) <= m.start < title.end(1)}
    cited = [(a.start(), a.end()) for a in re.finditer(r"「[^」]*」", text)]
    items = [
        m.form
        for m in context
        if m.start >= end and m.tag == "NNG" and not any(a <= m.start < b for a, b in cited)
    ]
    support = sum(w in patterns.predicates["direct_support"] for w in items)
    best = None
    if (
        head in patterns.predicates["promote"]
        or title_words & patterns.predicates["direct_support"]
        or support >= 2
    ):
        best = "promote"
    elif (
        head in _REQUIREMENT_HEADS
        or any(m.form == "기준" for m in term)
        or actor_type(text[match.start(1) : match.end(1)].split()[-1], patterns)
        is ActorType.PRIVATE
    ):
        best = "regulate"
    return {"delegated_definition": True, "best_term": best}


# "누구든지 … 할 수 있으며, 정부는 … 제한할 수 있다": a declared freedom to engage in an
# activity, with the state's power to restrict it only as the exception (LABELING.md §3.2).
_FREEDOM_RE = re.compile(r"^(\S+ )*?누구/NP (이/VCP )?든지/(JX|EC) .* 수/NNB 있/VA (으며|고)/EC")
# "기본계획에는 다음 각 호의 사항이 포함되어야 한다": the contents of a state plan.
_PLAN_CONTENTS_RE = re.compile(r"계획/NNG (에/JKB 는/JX|에는/JX) .*포함/NNG 되/XSV (어야|아야)/EC")
_PASSIVE_DUTY_RE = re.compile(r"/NNG 되/XSV (어야|아야)/EC")
# Voluntary ethics codes and self-regulatory bodies of private parties (LABELING.md §3.3).
_SELF_REGULATION_RE = re.compile(r"윤리|행동강령|강령|헌장|자율규제")
_DUTY_LINK_RE = re.compile(r"(어야|아야|여야)/EC 하/VX (며|으며|고)/EC")
_NOTWITHSTANDING_RE = re.compile(r"「[^」]+」[^.]*?에도 불구하고")
_OTHER_LAWS_RE = re.compile(r"「[^」]+」|다른 (?:법률|법령)|관계 법률")


def _cue_matches(morphs: list[Morph], patterns: Patterns) -> dict[str, list[str]]:
    """Cue phrases (rules/patterns/predicates.yaml regulate_cues / promote_cues) in the main
    part of a sentence, as its "form/TAG" string."""
    string = _morph_string(_main_part(morphs))
    return {
        kind: [m.group(0) for p, needle in regexes if needle in string for m in p.finditer(string)]
        for kind, regexes in patterns.cues.items()
    }


_REPORT_NOUNS = {"보고", "제출", "통보", "통지", "신고", "등록"}
# A stand-in sentence that the "(에게|에) 보고하다" burden pattern matches: patterns that match
# it describe a report, which is not a burden when it goes from one state body to another.
_REPORT_TO_PLACEHOLDER = "위원회/NNG 에/JKB 보고/NNG 하/XSV 여야/EC 하/VX ᆫ다/EF"


def _reports_only_to_state(text: str, morphs: list[Morph], patterns: Patterns) -> bool:
    """Whether every report or submission the sentence mentions goes to a state body."""
    recipients = []
    for i in range(1, len(morphs) - 1):
        if (
            morphs[i].tag == "JKB"
            and morphs[i].form in ("에", "에게")
            and (morphs[i + 1].form in _REPORT_NOUNS)
        ):
            name = _defined_name(text, morphs, i - 1) if morphs[i - 1].form == ")" else None
            if name is not None:
                # "규제합리화위원회(이하 "위원회"라 한다)에 등록": the defined name.
                recipients.append(actor_type(name[0], patterns))
                continue
            j = i - 1
            while j >= 0 and morphs[j].tag in _NP_TAGS:
                j -= 1
            phrase = "".join(m.form for m in morphs[j + 1 : i])
            recipients.append(actor_type(phrase, patterns))
    return bool(recipients) and all(kind is ActorType.STATE for kind in recipients)


def _main_part(morphs: list[Morph]) -> list[Morph]:
    """The sentence after its last condition ("…하는 경우에는", "…할 때에는"): cue phrases in a
    condition describe the occasion, not what the sentence does."""
    for i in range(len(morphs) - 2, -1, -1):
        if morphs[i].form in ("경우", "때") and morphs[i + 1].tag in ("JKB", "JX"):
            return morphs[i + 1 :]
    return morphs


def _topic_nouns(morphs: list[Morph]) -> list[str]:
    """The nouns of the sentence's first topic or subject phrase ("…인증의 유효기간은" →
    [인증, 유효, 기간]), in order; [] when the sentence has none."""
    for i, morph in enumerate(morphs):
        if not (
            (morph.tag == "JX" and morph.form in ("은", "는"))
            or (morph.tag == "JKS" and morph.form in ("이", "가"))
        ):
            continue
        j = i - 1
        while j >= 0 and (morphs[j].tag in _NP_TAGS or morphs[j].form in _JOIN_FORMS):
            j -= 1
        return [m.form for m in morphs[j + 1 : i] if m.tag == "NNG"]
    return []


def _sets_instrument_terms(morphs: list[Morph], patterns: Patterns) -> bool:
    """Whether the sentence is about a term of a regulatory instrument: its topic is the
    criteria, requirements, validity or scope of a permit, certification, designation,
    registration, licence or sanction ("…인증의 유효기간은 3년으로 한다", "…의 지정 기준은 다음
    각 호와 같다", "행정처분의 기준은 별표 1과 같다")."""
    nouns = _topic_nouns(morphs)
    if len(nouns) < 2:
        return False
    frames = patterns.predicates["instrument_frames"]
    if nouns[-1] in frames:
        rest = nouns[:-1]
    elif "".join(nouns[-2:]) in frames:
        rest = nouns[:-2]
    else:
        return False
    return bool(set(rest) & patterns.predicates["instruments"])


def _deemed_word(morphs: list[Morph]) -> str:
    """The content word a deeming sentence deems ("침해로 본다" → 침해, "이행한 것으로 본다"
    → 이행), or ""."""
    for i in range(len(morphs) - 1, 1, -1):
        if morphs[i].form == "보" and morphs[i].tag == "VV" and morphs[i - 1].tag == "JKB":
            k = i - 2
            if morphs[k].form == "것" and morphs[k].tag == "NNB":
                k -= 1
                while k >= 0 and morphs[k].tag in ("ETM", "EP", "XSV", "VX", "EC"):
                    k -= 1
            return morphs[k].form if k >= 0 else ""
    return ""


def _features(
    text: str,
    morphs: list[Morph],
    patterns: Patterns,
    evidence: list[Evidence],
    context: list[Morph] | None = None,
) -> dict:
    """What the main sentence does: predicate classes, burdens and sanctions it mentions.

    `context` is every morpheme of the clause (items included), for a delegated term whose
    content is listed in the items. Features that add no evidence are worked out only when
    `_decide` reads them (`_Features`).
    """
    heads = predicate_heads(morphs)
    classes: dict[str, float] = {"regulate": 0.0, "promote": 0.0, "administer": 0.0}
    for morph, final, causes in heads:
        if (
            causes
            and morph.form not in patterns.predicates["promote"] | patterns.predicates["tasks"]
        ):
            # Making someone else submit, report or correct is a power over them; having a
            # research institute run a support programme ("사업을 하게 할 수 있다") or a
            # designated centre perform tasks ("업무를 수행하게 할 수 있다") is not.
            classes["regulate"] += 2.0 if final else 1.0
            evidence.append(
                Evidence(morph.start, morph.end, "predicate:causative", "PRED-CAUSATIVE")
            )
            continue
        for kind in classes:
            if morph.form in patterns.predicates[kind]:
                # Procedural verbs are weak evidence: "지정하여 지원한다" is about support.
                weight = 2.0 if final else 1.0
                classes[kind] += weight / 2 if kind == "administer" else weight
                evidence.append(
                    Evidence(morph.start, morph.end, f"predicate:{kind}", f"PRED-{kind.upper()}")
                )
                break
    string = _morph_string(morphs)
    cues = _cue_matches(morphs, patterns)
    # Phrases that say what an otherwise procedural verb does: "시정을 권고하다" is an
    # enforcement step, "표준계약서를 … 권장하다" and "우선적으로 고려하다" are support, and
    # standards offered to the market stay support even with a recommendation to comply.
    classes["regulate"] += 2.0 * len(cues["regulate"])
    classes["promote"] += 3.0 * len(cues["promote"])
    final_heads = {h[0].form for h in heads if h[1]}
    words = {m.form for m in morphs}
    purpose = _purpose_nouns(morphs) if "위하" in words else []  # a purpose needs 위하여
    if not final_heads & patterns.predicates["procedural"]:
        # A purpose ("…의 진흥을 위하여") colours a support, planning or standard-setting
        # verb; it does not turn a request, a survey or a committee's work into support.
        for morph in purpose:
            if morph.form in patterns.predicates["promote"]:
                classes["promote"] += 1.5
                evidence.append(
                    Evidence(morph.start, morph.end, "purpose:promote", "PURPOSE-PROMOTE")
                )
                break
    if not any(classes.values()):
        # "지원대상사업을 선정할 때에는 … 고려해야 한다": criteria for choosing beneficiaries
        # belong to the support measure.
        choices = patterns.predicates["direct_support"] | {"선정", "지정"}
        for i in range(len(morphs) - 3):
            if (
                morphs[i].form in choices
                and morphs[i + 1].tag == "XSV"
                and morphs[i + 2].tag == "ETM"
                and morphs[i + 3].form == "때"
            ):
                classes["promote"] += 1.0
                break
    # A penalty imposed ("과징금을 부과할 수 있다", "과태료는 … 부과ㆍ징수한다"), not money
    # already collected ("징수한 과징금은 … 사용할 수 있다").
    sanction = [
        m
        for i, m in enumerate(morphs)
        if m.tag == "NNG"
        and m.form in patterns.predicates["sanction"]
        and not (i >= 3 and morphs[i - 1].tag == "ETM" and morphs[i - 3].form in ("징수", "납부"))
    ]
    for m in sanction:
        evidence.append(Evidence(m.start, m.end, "sanction", "PRED-SANCTION"))
    best = max(classes, key=lambda k: classes[k]) if any(classes.values()) else None
    start, end = morphs[0].start, morphs[-1].end

    def burden() -> bool:
        found = [p for p, needle in patterns.burden if needle in string and p.search(string)]
        if found and _reports_only_to_state(text, morphs, patterns):
            # "금융감독원장은 … 금융위원회에 보고하여야 한다": reporting inside the state.
            found = [p for p in found if not p.search(_REPORT_TO_PLACEHOLDER)]
        return bool(found)

    def protective() -> bool:
        # What the state's action is for: an activity or industry (promotion) or protection
        # against harm (a policy that is neither support nor a burden on anyone).
        goal_nouns = {m.form for m in purpose} | _object_nouns(morphs)
        if words & patterns.predicates["relief"]:
            # "규제를 최소화하다", "규제를 개선하다": removing regulation fosters an activity.
            goal_nouns -= {"규제"}
        # Supporting or fostering others' activity (self-regulation, compliance) is support
        # even when its aim is protection (LABELING.md §3.2).
        supported = {h[0].form for h in heads} | {m.form for m in purpose}
        industrial = (
            bool(goal_nouns & patterns.predicates["industry"])
            or bool(cues["promote"])
            or bool(supported & patterns.predicates["direct_support"])
        )
        return bool(goal_nouns & patterns.predicates["protect"]) and not industrial

    def support_items() -> bool:
        count = 0
        for m in context or morphs:
            if m.start > end and m.form in patterns.predicates["direct_support"]:
                count += 1
        return count >= 2

    def delegated_term() -> dict:
        return _delegated_term(text, morphs, context or morphs, patterns)

    return _Features(
        {
            "classes": classes,
            "best": best,
            "sanction": bool(sanction),
            "civil": bool(words & patterns.predicates["civil"]),
            "criminal_procedure": bool(words & patterns.predicates["criminal_procedure"]),
            "final_heads": final_heads,
            "task_heads": patterns.predicates["tasks"],
            "relief_request": bool(words & patterns.predicates["relief_requested"]),
            "funding": bool(words & patterns.predicates["funding"]),
            "heads": [h[0].form for h in heads],
        },
        {
            "burden": burden,
            "protective": protective,
            "deemed_burden": lambda: _deemed_word(morphs) in patterns.predicates["deemed_burden"],
            "deemed_state": lambda: actor_type(_deemed_word(morphs), patterns) is ActorType.STATE,
            "freedom": lambda: bool(_FREEDOM_RE.search(string)),
            # "중앙행정기관의 장은 … 위원회에 등록하여야 한다": registration or reporting inside
            # the state.
            "internal_report": lambda: (
                bool(final_heads & _REPORT_NOUNS) and _reports_only_to_state(text, morphs, patterns)
            ),
            "support_items": support_items,
            "other_laws_notwithstanding": lambda: bool(
                _NOTWITHSTANDING_RE.search(text, start, end)
            ),
            # A request that follows a duty in the same sentence ("검토하여야 하며, … 요청할 수
            # 있다") is part of that duty.
            "request": lambda: (
                bool(final_heads & {"요청", "신청", "요구", "제안"})
                and not _DUTY_LINK_RE.search(string)
            ),
            "plan_contents": lambda: bool(_PLAN_CONTENTS_RE.search(string)),
            # "…은 … 발전되어야 한다": a principle without an addressee.
            "passive": lambda: bool(_PASSIVE_DUTY_RE.search(string)),
            "self_regulation": lambda: bool(_SELF_REGULATION_RE.search(text, start, end)),
            "other_laws": lambda: bool(_OTHER_LAWS_RE.search(text, start, end)),
            "instrument_terms": lambda: _sets_instrument_terms(morphs, patterns),
            "delegated_definition": lambda: delegated_term()["delegated_definition"],
            "best_term": lambda: delegated_term()["best_term"],
        },
    )


class _Features(dict):
    """The features of a sentence: those given as functions are worked out when first read.
    Most decisions read a few of them, so the rest cost nothing (issue 7)."""

    __slots__ = ("_deferred",)

    def __init__(self, known: dict, deferred: dict[str, Callable[[], object]]):
        super().__init__(known)
        self._deferred = deferred

    def __missing__(self, key: str):
        value = self[key] = self._deferred[key]()
        return value


def _decide(modality: Modality, actor: ActorType, f: dict) -> tuple[Tag, str]:
    """The tag from modality, the actor's type and what the predicate does (DOMAIN.md §6–7)."""
    best = f["best"]
    if modality is Modality.PROHIBITION and f["sanction"] and f["final_heads"] & {"부과", "처벌"}:
        # "…에 대하여는 과태료를 부과할 수 없다": a limit on the state's power to sanction.
        return Tag.NEUTRAL, "TAG-SANCTION-LIMIT"
    if modality is Modality.SANCTION or (
        f["sanction"] and not (actor is ActorType.STATE and best in ("promote", "administer"))
    ):
        return Tag.REGULATION, "TAG-SANCTION"
    if modality is Modality.DEFINITION and f["delegated_definition"]:
        # A decree filling "대통령령으로 정하는 X" takes the side of the clause it fills:
        # support projects are promotion, thresholds, requirements, methods and addressees of
        # a duty regulation, ranges and scopes neutral.
        if f["best_term"] == "promote":
            return Tag.PROMOTION, "TAG-DELEGATED-DEFINITION-SUPPORT"
        if f["best_term"] == "regulate":
            return Tag.REGULATION, "TAG-DELEGATED-DEFINITION-REQUIREMENT"
        return Tag.NEUTRAL, "TAG-DELEGATED-DEFINITION-SCOPE"
    if modality in (Modality.DEFINITION, Modality.DELEGATION):
        return Tag.NEUTRAL, f"TAG-{modality.name}"
    if modality is Modality.DEEMING:
        if f["deemed_state"]:
            return Tag.NEUTRAL, "TAG-DEEMING"  # 공무원 의제, competences among ministries
        # Deemed compliance, breach or infringement, and deemings about a regulated party,
        # work inside a regulatory regime (LABELING.md §3.1).
        if (
            f["burden"]
            or best == "regulate"
            or f["deemed_burden"]
            or actor
            in (
                ActorType.PRIVATE,
                ActorType.ANYONE,
            )
        ):
            return Tag.REGULATION, "TAG-DEEMING-BURDEN"
        return Tag.NEUTRAL, "TAG-DEEMING"
    if modality is Modality.EXEMPTION:
        if f["other_laws"]:
            # Relief from other laws' requirements is a 특례 that fosters the activity; a
            # law excluding its own provisions only draws its scope.
            return Tag.PROMOTION, "TAG-EXEMPTION-SPECIAL-CASE"
        return (
            (Tag.PROMOTION, "TAG-EXEMPTION-BENEFIT")
            if best == "promote"
            else (Tag.NEUTRAL, "TAG-EXEMPTION")
        )
    if f["freedom"]:
        return Tag.PROMOTION, "TAG-FREEDOM-PRINCIPLE"
    if actor in (ActorType.PRIVATE, ActorType.ANYONE):
        if modality is Modality.NONE and f["civil"]:
            return Tag.NEUTRAL, "TAG-PRIVATE-CIVIL"
        if modality is Modality.NONE and f["final_heads"] & f["task_heads"] and f["support_items"]:
            # "협회는 다음 각 호의 업무를 수행한다": the task list of a body says what it is for.
            return Tag.PROMOTION, "TAG-BODY-SUPPORT-TASKS"
        if (
            modality is Modality.OBLIGATION
            and f["benefit_applicant"]
            and f["final_heads"] & {"신청", "제출"}
        ):
            # Applying for a subsidy, a designation as beneficiary or a sandbox extension is
            # the procedure of a benefit (LABELING.md: ai_decree:제15조의2제2항).
            return Tag.NEUTRAL, "TAG-PRIVATE-BENEFIT-APPLICATION"
        if modality is Modality.PERMISSION and f["self_regulation"]:
            return Tag.NEUTRAL, "TAG-PRIVATE-SELF-REGULATION"
        if modality is Modality.PERMISSION and f["other_laws_notwithstanding"]:
            # "「의료기기법」 제17조에도 불구하고 … 판매할 수 있다": a 특례 from other laws.
            return Tag.PROMOTION, "TAG-PRIVATE-SPECIAL-CASE"
        if modality is Modality.PERMISSION and f["request"] and f["object_type"] is ActorType.STATE:
            # Asking the state for a regulatory answer, a special case or support is a
            # promotion device; objections, recusals and proposals are procedure.
            if f["relief_request"]:
                return Tag.PROMOTION, "TAG-PRIVATE-RELIEF-REQUEST"
            return Tag.NEUTRAL, "TAG-PRIVATE-PROCEDURAL-REQUEST"
        if modality in (Modality.OBLIGATION, Modality.PROHIBITION, Modality.EFFORT, Modality.NONE):
            # "…하여야 한다" and plain "…공표한다" / "…업무를 수행한다" said of a private
            # party both state what it must do.
            return Tag.REGULATION, "TAG-PRIVATE-DUTY"
        if best == "promote" and not f["burden"] and not f["protective"]:
            return Tag.PROMOTION, "TAG-PRIVATE-BENEFIT"
        if f["civil"]:
            return Tag.NEUTRAL, "TAG-PRIVATE-CIVIL"
        # What a private party "may" do inside a regulated field (lawful bases, rights
        # against processors, ways to discharge a duty) delimits a restriction.
        return Tag.REGULATION, "TAG-PRIVATE-PERMISSION"
    if actor is ActorType.STATE:
        if modality is Modality.PROHIBITION:
            return Tag.NEUTRAL, "TAG-STATE-SELF-RESTRAINT"
        if best == "regulate" and (f["object_type"] is ActorType.STATE or f["internal_report"]):
            return Tag.NEUTRAL, "TAG-STATE-TO-STATE"  # requests and orders among state bodies
        if best == "regulate":
            return Tag.REGULATION, "TAG-STATE-POWER"
        if f["burden"] and best != "promote":
            # "다음 각 호의 요건을 모두 갖춘 기관을 … 지정할 수 있다": conditions others must
            # meet; designating beneficiaries for support is still support.
            return Tag.REGULATION, "TAG-STATE-CONDITIONS"
        if best == "promote" and f["protective"]:
            return Tag.NEUTRAL, "TAG-STATE-PROTECTIVE-POLICY"
        if best == "promote":
            return Tag.PROMOTION, "TAG-STATE-SUPPORT"
        if modality is Modality.EFFORT and not f["protective"]:
            return Tag.PROMOTION, "TAG-STATE-EFFORT"
        return Tag.NEUTRAL, "TAG-STATE-ADMINISTRATION"
    # No actor: passive or impersonal sentences.
    if f["criminal_procedure"]:
        return Tag.NEUTRAL, "TAG-CRIMINAL-PROCEDURE"  # "공소를 제기할 수 없다"
    if f["plan_contents"]:
        # A state plan takes the side of what it plans: support measures, or else neither.
        if f["support_items"]:
            return Tag.PROMOTION, "TAG-PLAN-CONTENTS-SUPPORT"
        return Tag.NEUTRAL, "TAG-PLAN-CONTENTS"
    if f["funding"] and modality is Modality.NONE:
        return Tag.PROMOTION, "TAG-IMPERSONAL-FUNDING"
    if (
        modality is Modality.NONE
        and "준용" in f["final_heads"]
        and f["object_type"] in (ActorType.PRIVATE, ActorType.ANYONE)
    ):
        # "개인사업자신용평가회사 및 그 임직원에 대해서는 제1항 및 제2항을 준용한다": the
        # provisions applied to a private class bind it.
        return Tag.REGULATION, "TAG-APPLIED-TO-PRIVATE"
    if f["instrument_terms"] and modality in (Modality.NONE, Modality.DEFINITION):
        # The criteria, validity or scope of a permit, certification or designation bind
        # whoever seeks or holds it (행정규제기본법 시행령 제2조).
        return Tag.REGULATION, "TAG-IMPERSONAL-INSTRUMENT-TERMS"  # "…은 출연금으로 충당한다"
    if f["burden"]:
        return Tag.REGULATION, "TAG-IMPERSONAL-BURDEN"
    if modality is Modality.PROHIBITION:
        return Tag.REGULATION, "TAG-IMPERSONAL-PROHIBITION"
    if best == "promote" and modality is not Modality.NONE and not f["passive"]:
        return Tag.PROMOTION, "TAG-IMPERSONAL-SUPPORT"
    return Tag.NEUTRAL, "TAG-NO-ACTOR"
