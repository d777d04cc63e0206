"""Incremental checking: after some laws changed, re-evaluate only the findings that can
involve them (issue 7).

Input: a database whose findings a full `check.run_check(save=True)` stored, and the term
index that check wrote beside it (`index_path`). Output: the findings of the changed laws,
re-evaluated on a corpus of those laws and their neighbours, merged with the stored findings
of every other law; the same findings a full check gives (`tests/test_check.py` compares).

The findings re-evaluated are those of the changed laws' families (a decree's change can
settle a finding that names only its statute's clause). Their neighbours are the laws a rule
can pair them with: laws citing them or cited by them (references, sanction links), laws
defining a term that definition-divergence groups with one of theirs, and laws with a clause
in the same rule bucket (duty kind, competence, concept) as one of theirs that shares terms
weighing at least the rule's lowest threshold; each neighbour comes with the statute (and
decree) it executes, so that families are assigned as in a full check. The index holds what
the last test needs without Kiwi: each bucketed clause's rare terms and concepts (postings),
each law's share of the document frequencies the rules weigh terms by (so the neighbourhood
weighs terms as the whole corpus does), and every clause text's terms. A check selecting a
kind the index does not bound (`INDEXED_KINDS`), or with more than 2% of the laws changed, is
a full one.

The index is a SQLite file, `pipeline.cache_path(engine, "check-index")`: beside a SQLite
database, else under `$XDG_CACHE_HOME/lawcheck/`. It is a cache: deleting it only makes the
next check a full one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import sqlite3
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from lawcheck.check import Corpus, Term, compact
from lawcheck.ruleset import RULES_DIR, Rule
from lawcheck.store import (
    DefinitionRow,
    LawVersion,
    ReferenceRow,
    SanctionLinkRow,
    list_versions,
)

# Lists of values are bound as one JSON parameter, "IN (SELECT value FROM json_each(?))": the
# SQL text stays fixed whatever the values and however many there are.
_DELETE_LAWS = (
    "DELETE FROM laws WHERE law_id IN (SELECT value FROM json_each(?))",
    "DELETE FROM population WHERE law_id IN (SELECT value FROM json_each(?))",
    "DELETE FROM postings WHERE law_id IN (SELECT value FROM json_each(?))",
)

log = logging.getLogger(__name__)

# Kinds whose candidate pairs the index bounds (the others read only their own law, its
# references and family). Not here, so a check selecting them is a full one: contradictory-
# duty (pairs by act with all shared terms) and promotion-vs-restriction (caps findings per
# clause over all its partners, which a neighbourhood does not bound).
TERM_KINDS = {"overlapping-duty", "sanction-disparity", "jurisdiction-overlap"}
INDEXED_KINDS = TERM_KINDS | {
    "definition-divergence",
    "delegation-gap",
    "delegation-excess",
    "dangling-reference",
    "duty-without-sanction",
    "effective-date-mismatch",
}
FORMAT = 4  # of the index file; another format is rebuilt by the next full check
MAX_CHANGED = 0.02  # above this share of the laws changed, a full check is as cheap

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS laws(law_id TEXT PRIMARY KEY, version_id INTEGER, source TEXT,
                                population INTEGER);
CREATE TABLE IF NOT EXISTS df(term TEXT PRIMARY KEY, n INTEGER);
CREATE TABLE IF NOT EXISTS population(law_id TEXT, term TEXT, n INTEGER);
CREATE TABLE IF NOT EXISTS postings(term TEXT, law_id TEXT, ref TEXT, bucket TEXT);
CREATE TABLE IF NOT EXISTS terms(content_hash TEXT PRIMARY KEY, terms TEXT);
CREATE INDEX IF NOT EXISTS ix_population_law ON population(law_id);
CREATE INDEX IF NOT EXISTS ix_postings_term ON postings(term);
CREATE INDEX IF NOT EXISTS ix_postings_law ON postings(law_id);
"""


def index_path(engine: Engine) -> Path:
    """Where the term index of this database lives."""
    from lawcheck.pipeline import cache_path

    return cache_path(engine, "check-index")


def index_stamp() -> str:
    """What the indexed terms depend on: the analyser and every rule and data file."""
    from lawcheck.pipeline import analyser_id

    digest = hashlib.sha256(f"{FORMAT}|{analyser_id()}".encode())
    for path in sorted(RULES_DIR.rglob("*.yaml")):
        digest.update(path.relative_to(RULES_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _law_states(engine: Engine) -> dict[str, tuple[int, str]]:
    """law_id -> (version id, source hash) of the newest version of every law."""
    with Session(engine) as session:
        return {
            v.law_id: (v.id, v.source_sha256 or "")
            for v in list_versions(session, latest_only=True)
        }


def _max_df(rules: Iterable[Rule]) -> int:
    return max((int(r.parameters.get("max_term_df", 0)) for r in rules), default=0)


def write_index(engine: Engine, corpus: Corpus, rules: list[Rule]) -> Path | None:
    """Record the terms of a full check's corpus (called by `run_check` after one)."""
    if any(r.kind not in INDEXED_KINDS for r in rules):
        return None
    path = index_path(engine)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    terms_ready = "document_frequency" in corpus.__dict__
    df, n = corpus.document_frequency if terms_ready else (Counter(), 0)
    limit = 2 * _max_df(rules)  # rare now or after a few changes
    states = _law_states(engine)
    population: dict[str, Counter] = defaultdict(Counter)
    sizes: Counter = Counter()
    if terms_ready:
        for clause in corpus.term_population:
            sizes[clause.law_id] += 1
            population[clause.law_id].update({t.term for t in corpus.terms(clause)})
    with sqlite3.connect(tmp) as db:
        db.executescript(_SCHEMA)
        db.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [
                ("stamp", index_stamp()),
                ("rules", ",".join(sorted(r.id for r in rules))),
                ("terms", "1" if terms_ready else "0"),
                ("n", str(n)),
            ],
        )
        db.executemany(
            "INSERT INTO laws VALUES (?, ?, ?, ?)",
            [(law, vid, source, sizes[law]) for law, (vid, source) in states.items()],
        )
        db.executemany("INSERT INTO df VALUES (?, ?)", df.items())
        db.executemany(
            "INSERT INTO population VALUES (?, ?, ?)",
            ((law, t, c) for law, counts in population.items() for t, c in counts.items()),
        )
        postings = _postings(corpus, set(corpus.law), df, limit)
        db.executemany("INSERT INTO postings VALUES (?, ?, ?, ?)", postings)
        _store_terms(db, corpus)
    db.close()
    tmp.replace(path)
    return path


def _postings(
    corpus: Corpus, laws: set[str], df: Counter, limit: int
) -> Iterator[tuple[str, str, str, str]]:
    """(term, law, ref, bucket) of every bucketed clause of `laws`: its rare terms (words and
    concepts), the only terms a rule pairs clauses of one bucket by. Rows are yielded, not
    listed: at national scale they are millions, written straight into the index."""
    return (
        (term, clause.law_id, clause.ref, bucket)
        for bucket, ids in corpus.buckets.items()
        for clause in (corpus.by_id[i] for i in ids)
        if clause.law_id in laws
        for term in corpus.context_terms(clause)
        if df.get(term, 0) <= limit
    )


def _store_terms(db: sqlite3.Connection, corpus: Corpus) -> None:
    """Keep the Kiwi terms computed for the corpus's clauses, so a later check needs none."""
    db.executemany(
        "INSERT OR REPLACE INTO terms VALUES (?, ?)",
        (
            (digest, json.dumps([[t.term, t.start, t.end] for t in terms], ensure_ascii=False))
            for digest, terms in corpus.computed_terms()
        ),
    )


class StoredTerms:
    """Terms of clause texts from the index (`Corpus(term_source=...)`)."""

    def __init__(self, path: Path):
        self.path = path

    def __call__(self, hashes: list[str]) -> dict[str, list[Term]]:
        out: dict[str, list[Term]] = {}
        with sqlite3.connect(self.path) as db:
            for digest, terms in db.execute(
                "SELECT content_hash, terms FROM terms "
                "WHERE content_hash IN (SELECT value FROM json_each(?))",
                (json.dumps(hashes),),
            ):
                out[digest] = [Term(*t) for t in json.loads(terms)]
        db.close()
        return out


@dataclass
class Plan:
    """What an incremental check will do: the changed laws and the corpus to read."""

    changed: set[str]  # law ids whose newest version differs from the indexed one (or is new)
    removed: set[str]  # law ids indexed but no longer in the database
    scope: set[str]  # the changed laws and their families: whose findings are re-evaluated
    versions: list[int]  # versions to load: the scope and its neighbours
    frequencies: tuple[Counter, int] | None  # the whole corpus's document frequencies
    path: Path
    states: dict[str, tuple[int, str]]  # law id -> (newest version id, source hash)

    @property
    def stored_terms(self) -> StoredTerms:
        return StoredTerms(self.path)


def plan(engine: Engine, rules: list[Rule]) -> Plan | None:
    """The incremental plan, or None when a full check is needed (no or stale index, rules
    not indexed, too many changes).

    A decree's change can settle a finding that names only its statute's clause (a
    delegation gap), so the findings re-evaluated are those of the changed laws' families.
    """
    path = index_path(engine)
    if not path.is_file() or any(r.kind not in INDEXED_KINDS for r in rules):
        return None
    db = sqlite3.connect(path)
    try:
        meta = dict(db.execute("SELECT key, value FROM meta"))
        if meta.get("stamp") != index_stamp() or not {r.id for r in rules} <= set(
            meta.get("rules", "").split(",")
        ):
            return None
        term_rules = [r for r in rules if r.kind in TERM_KINDS]
        if term_rules and meta.get("terms") != "1":
            return None
        indexed = {
            law: (vid, src)
            for law, vid, src in db.execute("SELECT law_id, version_id, source FROM laws")
        }
        states = _law_states(engine)
        changed = {law for law, state in states.items() if indexed.get(law) != state}
        removed = set(indexed) - set(states)
        if len(changed | removed) > max(5, MAX_CHANGED * len(states)):
            return None
        if not changed and not removed:
            return Plan(set(), set(), set(), [], None, path, states)
        scope = _families(engine, changed, states, children=True) & set(states)
        own = Corpus(engine, [states[law][0] for law in scope], term_source=StoredTerms(path))
        laws = (
            scope | _linked_laws(engine, scope, states) | _definition_neighbours(engine, own, rules)
        )
        frequencies = None
        if term_rules:
            frequencies = _frequencies(db, own, changed, removed, int(meta["n"]))
            laws |= _term_neighbours(db, own, term_rules, frequencies, scope)
        laws = _families(engine, laws, states, children=False) & set(states)
        return Plan(
            changed,
            removed,
            scope,
            sorted(states[law][0] for law in laws),
            frequencies,
            path,
            states,
        )
    finally:
        db.close()


def _linked_laws(engine: Engine, laws: set[str], states: dict[str, tuple[int, str]]) -> set[str]:
    """Laws that cite one of `laws` or that one of them cites (references, sanction links)."""
    out: set[str] = set()
    chosen = sorted(laws)
    versions = sorted(states[law][0] for law in laws if law in states)  # indexed, unlike law_id
    with Session(engine) as session:
        for table in (ReferenceRow, SanctionLinkRow):
            out |= {
                t
                for t in session.exec(
                    select(table.target_law_id).where(table.version_id.in_(versions)).distinct()
                )
                if t
            }
            out |= set(
                session.exec(select(table.law_id).where(table.target_law_id.in_(chosen)).distinct())
            )
    return out


def _base(name: str) -> str:
    return name.removesuffix("시행규칙").removesuffix("시행령")


def _families(
    engine: Engine, laws: set[str], states: dict[str, tuple[int, str]], *, children: bool
) -> set[str]:
    """The laws plus the statutes and decrees they execute (by name and by 'parent'
    references), so that every loaded law gets the family a full check gives it; with
    `children`, also the decrees and rules that execute them."""
    with Session(engine) as session:
        rows = session.exec(select(LawVersion.id, LawVersion.law_id, LawVersion.name)).all()
        latest = {vid for vid, _ in states.values()}
        names = {law: compact(name) for vid, law, name in rows if vid in latest}
        parents = {
            law
            for law in session.exec(
                select(ReferenceRow.target_law_id)
                .where(
                    ReferenceRow.version_id.in_(sorted(states[x][0] for x in laws if x in states)),
                    ReferenceRow.kind == "parent",
                )
                .distinct()
            )
            if law
        }
    bases = {_base(names.get(law, "")) for law in laws | parents}
    wanted = set()  # the statute of a decree; the statute and decree of a rule
    for law in laws | parents:
        name = names.get(law, "")
        if name != _base(name):
            wanted |= {_base(name), f"{_base(name)}시행령"} - {name}
    family = {
        law for law, name in names.items() if name in wanted or (children and _base(name) in bases)
    }
    return laws | family | parents


def _definition_neighbours(engine: Engine, own: Corpus, rules: list[Rule]) -> set[str]:
    """Laws defining a term that definition-divergence may compare with one defined by the
    changed laws. The rule groups each term with its near terms (its scorer and cut-off,
    same last two characters) and ranks the pairs of a group together, so the terms within
    two steps of a changed law's term count."""
    rules = [r for r in rules if r.kind == "definition-divergence"]

    def compared(kind: str, scope: str) -> bool:  # the definitions the rules read
        return any(
            kind in r.parameters["definition_kinds"] and scope in r.parameters["scopes"]
            for r in rules
        )

    wanted = {compact(d.term) for d in own.definitions if compared(d.kind, d.scope)}
    if not rules or not wanted:
        return set()
    with Session(engine) as session:
        rows = [
            (law, term)
            for law, term, kind, scope in session.connection().execute(
                select(
                    DefinitionRow.law_id,
                    DefinitionRow.term,
                    DefinitionRow.kind,
                    DefinitionRow.scope,
                ).distinct()
            )
            if compared(kind, scope)
        ]
    by_head: dict[str, set[str]] = defaultdict(set)
    for _, term in rows:
        key = compact(term)
        by_head[key[-2:]].add(key)

    def near(terms: set[str]) -> set[str]:
        out = set(terms)
        for term in terms:
            for other in by_head.get(term[-2:], ()):
                if (
                    other not in out
                    and abs(len(term) - len(other)) <= 2
                    and any(
                        getattr(fuzz, r.parameters["term_scorer"])(
                            term, other, score_cutoff=r.parameters["term_cutoff"]
                        )
                        for r in rules
                    )
                ):
                    out.add(other)
        return out

    wanted = near(near(wanted))
    return {law for law, term in rows if compact(term) in wanted}


def _frequencies(
    db: sqlite3.Connection, own: Corpus, changed: set[str], removed: set[str], n: int
) -> tuple[Counter, int]:
    """The corpus's document frequencies with the changed laws' shares replaced by their
    current ones (what a full check would count now)."""
    df = Counter(dict(db.execute("SELECT term, n FROM df")))
    stale = sorted(changed | removed)
    listed = (json.dumps(stale),)
    for term, count in db.execute(
        "SELECT term, n FROM population WHERE law_id IN (SELECT value FROM json_each(?))", listed
    ):
        df[term] -= count
    (old,) = db.execute(
        "SELECT COALESCE(SUM(population), 0) FROM laws "
        "WHERE law_id IN (SELECT value FROM json_each(?))",
        listed,
    ).fetchone()
    population = [c for c in own.term_population if c.law_id in changed]
    own.prepare_terms(population)
    for clause in population:
        df.update({t.term for t in own.terms(clause)})
    return +df, n - old + len(population)


def _term_neighbours(
    db: sqlite3.Connection,
    own: Corpus,
    rules: list[Rule],
    frequencies: tuple[Counter, int],
    scope: set[str],
) -> set[str]:
    """Laws with an indexed clause that a clause of the scope could pair with under one of
    the term-paired rules: both in one of the rule's buckets, and the rare terms they share
    (as the rule counts them) weigh at least the rule's lowest threshold, an upper bound of
    the rule's own weight."""
    import math

    from lawcheck.check import MIN_CORPUS_SIZE, run_rules

    df, n = frequencies
    run_rules(own, rules)  # puts the scope's clauses in their buckets
    mine = [
        (bucket, own.context_terms(own.by_id[i]))
        for bucket, ids in own.buckets.items()
        for i in ids
    ]
    wanted = sorted({t for _, terms in mine for t in terms})
    postings: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for term, law, ref, bucket in db.execute(
        "SELECT term, law_id, ref, bucket FROM postings "
        "WHERE term IN (SELECT value FROM json_each(?))",
        (json.dumps(wanted),),
    ):
        if law not in scope:
            postings[(bucket, term)].append((law, ref))

    def idf(term: str) -> float:
        return math.log((max(n, MIN_CORPUS_SIZE) + 1) / (df.get(term, 0) + 1))

    out: set[str] = set()
    for rule in rules:
        p = rule.parameters
        threshold = _pair_threshold(p)
        for bucket, terms in mine:
            weight: dict[tuple[str, str], float] = defaultdict(float)
            for term in terms:
                if df.get(term, 0) <= p["max_term_df"]:
                    for key in postings.get((bucket, term), ()):
                        weight[key] += idf(term)
            out |= {law for (law, _), w in weight.items() if w >= threshold}
    return out


def _pair_threshold(p) -> float:
    """The least weight of shared terms with which a rule may pair two clauses."""
    least = float(p.get("min_shared_weight", 0.0))
    if p.get("strong_concepts"):
        least = min(least, float(p.get("strong_min_weight", 0.0)))
    return least


def update_index(plan_: Plan, corpus: Corpus, rules: list[Rule]) -> None:
    """Replace the changed laws' rows of the index by their current terms and versions."""
    stale = sorted(plan_.changed | plan_.removed)
    states = plan_.states
    limit = 2 * _max_df(rules)
    population = [c for c in corpus.term_population if c.law_id in plan_.changed]
    with sqlite3.connect(plan_.path) as db:
        listed = (json.dumps(stale),)
        affected = {
            term
            for (term,) in db.execute(
                "SELECT DISTINCT term FROM population "
                "WHERE law_id IN (SELECT value FROM json_each(?))",
                listed,
            )
        }
        for statement in _DELETE_LAWS:
            db.execute(statement, listed)
        sizes = Counter(c.law_id for c in population)
        db.executemany(
            "INSERT INTO laws VALUES (?, ?, ?, ?)",
            [(law, *states[law], sizes[law]) for law in sorted(plan_.changed)],
        )
        if plan_.frequencies is None:
            # The changed laws' terms were not read: the index no longer knows them.
            db.execute("UPDATE meta SET value = '0' WHERE key = 'terms'")
            return
        df, n = plan_.frequencies
        counts: dict[str, Counter] = defaultdict(Counter)
        for clause in population:
            counts[clause.law_id].update({t.term for t in corpus.terms(clause)})
        db.executemany(
            "INSERT INTO population VALUES (?, ?, ?)",
            [(law, t, c) for law, terms in counts.items() for t, c in terms.items()],
        )
        affected |= {t for terms in counts.values() for t in terms}
        db.executemany("DELETE FROM df WHERE term = ?", [(t,) for t in affected if not df[t]])
        db.executemany(
            "INSERT OR REPLACE INTO df VALUES (?, ?)", [(t, df[t]) for t in affected if df[t]]
        )
        db.execute("UPDATE meta SET value = ? WHERE key = 'n'", (str(n),))
        db.executemany(
            "INSERT INTO postings VALUES (?, ?, ?, ?)", _postings(corpus, plan_.changed, df, limit)
        )
        _store_terms(db, corpus)
    db.close()
