"""Modality, duty-bearer and the promotion/regulation tag of a clause, from pattern files.

Input: spaCy `Doc`s from `analyse` (Kiwi morphemes in `doc.user_data["kiwi"]`). Output: a
`ClauseTag` per text — modality per sentence and for the 본문/단서, the actor of the main
predicate typed as state/private/anyone, the party that bears the burden, and the tag with its
evidence (spans, pattern ids). The patterns, actor lexicon and cue lists are data files under
rules/patterns/; this module only applies them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from spacy.tokens import Doc

from lawcheck.errors import PatternFileError
from lawcheck.models import ActorType, Modality, Tag

PATTERN_DIR = Path(__file__).resolve().parent.parent / "rules" / "patterns"


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


@dataclass(frozen=True)
class Patterns:
    """Everything under rules/patterns/, validated."""

    modality: tuple[ModalityPattern, ...]
    actors: dict[str, tuple[re.Pattern, ...]]  # ActorType value -> regexes
    cues: dict[str, frozenset[str]]  # "regulation" / "promotion" -> lemmas


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
    """Read and validate modality.yaml, actors.yaml and tag_cues.yaml.

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
                f"{', '.join(m.value for m in Modality)}") from exc
        examples = entry.get("examples") or {}
        must = tuple(examples.get("must_match") or ())
        must_not = tuple(examples.get("must_not_match") or ())
        if not must or not must_not:
            raise PatternFileError(f"{path}: {pid} needs examples.must_match and "
                                   "examples.must_not_match (at least one each)")
        modality.append(ModalityPattern(
            id=pid, modality=mod, tail=_regex(entry.get("tail"), path, f"{pid}.tail"),
            requires=_regex(entry["requires"], path, f"{pid}.requires")
            if entry.get("requires") else None,
            must_match=must, must_not_match=must_not,
        ))
    path = directory / "actors.yaml"
    actors_raw = _load_yaml(path)
    actors = {}
    for kind in (ActorType.ANYONE, ActorType.STATE, ActorType.PRIVATE):
        values = actors_raw.get(kind.value)
        if not isinstance(values, list) or not values:
            raise PatternFileError(f"{path}: '{kind.value}' must be a non-empty list of regexes")
        actors[kind.value] = tuple(_regex(v, path, f"{kind.value}[{j}]")
                                   for j, v in enumerate(values))
    path = directory / "tag_cues.yaml"
    cues_raw = _load_yaml(path)
    cues = {}
    for kind in ("regulation", "promotion"):
        values = cues_raw.get(kind)
        if not isinstance(values, list) or not all(isinstance(v, str) and v for v in values):
            raise PatternFileError(f"{path}: '{kind}' must be a list of words")
        cues[kind] = frozenset(values)
    return Patterns(tuple(modality), actors, cues)


# ---------------------------------------------------------------------------------------------
# Sentences and morphemes
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Morph:
    form: str
    tag: str  # Sejong tag without irregular suffix (VV-R -> VV)
    start: int
    end: int


@dataclass(frozen=True)
class SentenceTag:
    """Modality of one sentence of a clause."""

    start: int
    end: int
    modality: Modality
    pattern: str | None  # id of the pattern that fired
    predicate: tuple[int, int] | None  # span of the final predicate
    proviso: bool  # starts with 다만 (단서)


@dataclass(frozen=True)
class Evidence:
    start: int
    end: int
    label: str  # modality, actor, cue:regulation, cue:promotion …
    pattern: str


@dataclass(frozen=True)
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


_NOTE_RE = re.compile(r"\s*(<[^<>]*>|\[[^\[\]]*\])\s*$")


def morphs_of(doc: Doc) -> list[Morph]:
    """Kiwi morphemes of a doc, with character offsets in doc.text."""
    return [Morph(form, tag.split("-")[0], start, start + length)
            for form, tag, start, length in doc.user_data.get("kiwi", [])]


def sentences(text: str, morphs: list[Morph]) -> list[tuple[int, int, list[Morph]]]:
    """Sentences of a clause: ends at a final ending (EF) followed by '.', or at a line end."""
    out: list[tuple[int, int, list[Morph]]] = []
    current: list[Morph] = []
    line_breaks = {i for i, ch in enumerate(text) if ch == "\n"}
    for i, morph in enumerate(morphs):
        if current and any(current[-1].end <= b < morph.start for b in line_breaks):
            out.append((current[0].start, current[-1].end, current))
            current = []
        current.append(morph)
        nxt = morphs[i + 1] if i + 1 < len(morphs) else None
        if morph.tag == "SF" and current[:-1] and current[-2].tag == "EF":
            out.append((current[0].start, morph.end, current))
            current = []
        elif morph.tag == "EF" and nxt is not None and nxt.tag != "SF" and nxt.form != ".":
            # "…한다 다만" without a period is rare; keep going until the period.
            continue
    if current:
        out.append((current[0].start, current[-1].end, current))
    return out


def _tail_string(morphs: list[Morph]) -> str:
    """'form/TAG' of the sentence without its final punctuation and trailing notes."""
    items = list(morphs)
    while items and (items[-1].tag in ("SF", "SP", "SW", "SSC", "SSO", "SN", "SE")
                     or items[-1].form in (">", "]")):
        # Trailing amendment notes like <개정 2026.1.20> are metadata, not the predicate.
        if items[-1].form in (">", "]") or items[-1].tag in ("SSC",):
            opener = "<" if items[-1].form == ">" else "["
            while items and items[-1].form != opener:
                items.pop()
        if items:
            items.pop()
    return " ".join(f"{m.form}/{m.tag}" for m in items), items


def sentence_modality(morphs: list[Morph], patterns: Patterns) -> tuple[Modality, str | None, tuple[int, int] | None]:
    """The modality of one sentence and the pattern that gave it."""
    tail, kept = _tail_string(morphs)
    whole = " ".join(f"{m.form}/{m.tag}" for m in morphs)
    for pattern in patterns.modality:
        match = pattern.tail.search(tail)
        if match is None:
            continue
        if pattern.requires is not None and pattern.requires.search(whole) is None:
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


def _subject(text: str, morphs: list[Morph]) -> tuple[str, tuple[int, int] | None, str]:
    """The subject noun phrase of a sentence: the first topic (은/는), else subject (이/가)."""
    for morph in morphs:
        if morph.form.startswith("누구") and morph.tag == "NP":
            end = morph.end
            rest = text[end:end + 3]
            if rest.startswith("든지") or rest.startswith("도"):
                return text[morph.start:end + (2 if rest.startswith("든지") else 1)], (
                    morph.start, end + (2 if rest.startswith("든지") else 1)), "anyone"
    for wanted in ({"JX"}, {"JKS"}):
        for i, morph in enumerate(morphs):
            if morph.tag not in wanted or morph.form not in ("은", "는", "이", "가"):
                continue
            j = i - 1
            while j >= 0 and (morphs[j].tag in _NP_TAGS or (
                    morphs[j].form in _JOIN_FORMS and j > 0 and morphs[j - 1].tag in _NP_TAGS)):
                j -= 1
            if j == i - 1 or morphs[i - 1].tag not in _NP_TAGS:
                continue
            first = morphs[j + 1]
            if first.form in _JOIN_FORMS:
                continue
            phrase = text[first.start:morphs[i - 1].end]
            # "이 법은 …" is the law speaking of itself, not an actor.
            if phrase in ("이", "그", "법", "영", "규칙") or phrase.endswith(("경우", "때")):
                continue
            return phrase, (first.start, morphs[i - 1].end), "subject"
    return "", None, ""


def actor_type(actor: str, patterns: Patterns) -> ActorType:
    """State, private or anyone, from the actor lexicon (rules/patterns/actors.yaml)."""
    compact = re.sub(r"\s+", "", actor)
    if not compact:
        return ActorType.NONE
    for kind in (ActorType.ANYONE, ActorType.STATE, ActorType.PRIVATE):
        if any(p.search(compact) for p in patterns.actors[kind.value]):
            return kind
    return ActorType.NONE


def _object_party(text: str, morphs: list[Morph], patterns: Patterns) -> str:
    """The party a state actor acts upon: 'X에게' / 'X에 대하여' with a private head noun."""
    for i, morph in enumerate(morphs):
        if morph.tag != "JKB" or morph.form not in ("에게", "에"):
            continue
        if morph.form == "에" and not text[morph.end:morph.end + 4].startswith(("대하", " 대하")):
            continue
        j = i - 1
        while j >= 0 and (morphs[j].tag in _NP_TAGS or morphs[j].form in ("및", "ㆍ", "또는")):
            j -= 1
        if j == i - 1:
            continue
        phrase = text[morphs[j + 1].start:morphs[i - 1].end]
        if actor_type(phrase, patterns) in (ActorType.PRIVATE, ActorType.ANYONE):
            return phrase
    return ""


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
        proviso = text[start:start + 3].startswith("다만")
        sents.append((SentenceTag(start, end, mod, pid, pred, proviso), sent_morphs))
    main = [s for s in sents if not s[0].proviso]
    modal_main = next((s for s in main if s[0].modality is not Modality.NONE), None)
    if modal_main is None and main:
        modal_main = main[0]
    proviso = next((s for s in sents if s[0].proviso), None)
    evidence: list[Evidence] = []
    if modal_main is None:
        return ClauseTag(Tag.NEUTRAL, Modality.NONE, None, "", ActorType.NONE, "",
                         tuple(s for s, _ in sents), (), "TAG-EMPTY")
    sentence, sent_morphs = modal_main
    modality = sentence.modality
    if sentence.predicate and sentence.pattern:
        evidence.append(Evidence(*sentence.predicate, f"modality:{modality.value}",
                                 sentence.pattern))
    actor, actor_span, how = _subject(text, [m for m in sent_morphs])
    kind = ActorType.ANYONE if how == "anyone" else actor_type(actor, patterns)
    if actor_span:
        evidence.append(Evidence(*actor_span, f"actor:{kind.value}", "ACTOR-SUBJECT"))
    cue_reg, cue_pro = _cues(sent_morphs, sentence, patterns, evidence)
    regulated = ""
    tag, rule = _decide(modality, kind, cue_reg, cue_pro)
    if tag is Tag.REGULATION and kind is ActorType.STATE:
        regulated = _object_party(text, sent_morphs, patterns)
    elif tag is Tag.REGULATION and kind is ActorType.PRIVATE:
        regulated = actor
    return ClauseTag(
        tag=tag,
        modality=modality,
        proviso_modality=proviso[0].modality if proviso else None,
        duty_bearer=actor,
        actor_type=kind,
        regulated_party=regulated,
        sentences=tuple(s for s, _ in sents),
        evidence=tuple(evidence),
        rule=rule,
    )


def _cues(morphs: list[Morph], sentence: SentenceTag, patterns: Patterns,
          evidence: list[Evidence]) -> tuple[int, int]:
    """Regulation and promotion cue counts, weighting words near the predicate."""
    reg = pro = 0
    last = len(morphs)
    for i, morph in enumerate(morphs):
        if morph.tag not in ("NNG", "VV", "XR", "NNP"):
            continue
        weight = 2 if last - i <= 8 else 1
        if morph.form in patterns.cues["regulation"]:
            reg += weight
            evidence.append(Evidence(morph.start, morph.end, "cue:regulation", "CUE-REGULATION"))
        elif morph.form in patterns.cues["promotion"]:
            pro += weight
            evidence.append(Evidence(morph.start, morph.end, "cue:promotion", "CUE-PROMOTION"))
    return reg, pro


def _decide(modality: Modality, actor: ActorType, reg: int, pro: int) -> tuple[Tag, str]:
    """The tag from modality, actor type and cue weights (DOMAIN.md §6–7)."""
    if modality is Modality.SANCTION:
        return Tag.REGULATION, "TAG-SANCTION"
    if modality in (Modality.DEFINITION, Modality.DELEGATION, Modality.DEEMING):
        return Tag.NEUTRAL, f"TAG-{modality.name}"
    if modality is Modality.EXEMPTION:
        return (Tag.PROMOTION, "TAG-EXEMPTION-BENEFIT") if pro > reg else (
            Tag.NEUTRAL, "TAG-EXEMPTION")
    if modality is Modality.NONE and actor is ActorType.NONE:
        return Tag.NEUTRAL, "TAG-NO-MODAL"  # 목적, 기본원칙 declarations, "…을 둔다"
    if actor in (ActorType.PRIVATE, ActorType.ANYONE):
        if modality in (Modality.OBLIGATION, Modality.PROHIBITION, Modality.EFFORT):
            return Tag.REGULATION, "TAG-PRIVATE-DUTY"
        if modality is Modality.PERMISSION:
            if pro > reg:
                return Tag.PROMOTION, "TAG-PRIVATE-BENEFIT"
            if reg:
                return Tag.REGULATION, "TAG-PRIVATE-RIGHT-AGAINST-OTHERS"
            return Tag.NEUTRAL, "TAG-PRIVATE-PERMISSION"
        return Tag.NEUTRAL, "TAG-PRIVATE-OTHER"
    if modality is Modality.PROHIBITION:
        return Tag.REGULATION, "TAG-PROHIBITION"
    if reg > pro:
        return Tag.REGULATION, "TAG-STATE-POWER"
    if pro > reg or (pro and modality is Modality.EFFORT):
        return Tag.PROMOTION, "TAG-STATE-SUPPORT"
    if modality is Modality.EFFORT:
        return Tag.PROMOTION, "TAG-STATE-EFFORT"
    return Tag.NEUTRAL, "TAG-STATE-OTHER"
