"""Researcher exports: the annotated corpus (JSONL, CSV, spaCy DocBin), the findings and the
review decisions (JSON, CSV).

Input: the analysed and checked database. Output, by `what`:

- clauses: one record per clause with its stable key, law metadata, place in the structure,
  text, tag, modality, duty-bearer, evidence, references, definitions, sanction links and the
  findings it takes part in with their review status;
- findings: one record per stored finding with its clauses (placed in their law, with the
  spans that fired), review status and full decision history;
- decisions: one record per review decision (append-only history), with its finding.

Every export writes a sidecar `<out>.meta.json` recording the lawcheck version, the analyser
and rule-set hashes and the corpus manifest (every source file with its sha256), so that a
result can be reproduced. Each record kind has a JSON Schema under `lawcheck/schemas/`. Laws
are exported one version at a time, so memory stays bounded on the national corpus.
"""

from __future__ import annotations

import csv
import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from lawcheck import __version__
from lawcheck.errors import LawcheckError
from lawcheck.store import (
    BlockRow,
    ClauseRow,
    DefinitionRow,
    LawVersion,
    ReferenceRow,
    SanctionLinkRow,
    blocks_of,
    clauses_of,
    find_version,
    list_versions,
    tags_of,
)

log = logging.getLogger(__name__)

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
# The JSON Schema of one record of each export (JSONL line, JSON array item), and of meta.json.
SCHEMAS = {
    "clauses": SCHEMA_DIR / "clause.schema.json",
    "findings": SCHEMA_DIR / "finding.schema.json",
    "decisions": SCHEMA_DIR / "decision.schema.json",
    "meta": SCHEMA_DIR / "meta.schema.json",
}
# What can be exported, and in which formats (the first is the default).
FORMATS = {
    "clauses": ("jsonl", "csv", "docbin"),
    "findings": ("json", "csv"),
    "decisions": ("json", "csv"),
}
SUFFIXES = {"jsonl": "jsonl", "csv": "csv", "docbin": "spacy", "json": "json"}
CSV_COLUMNS = [
    "key", "law_id", "mst", "law_name", "law_kind", "ministry", "promulgation_no",
    "promulgation_date", "effective_date", "ref", "kind", "parent", "division", "article",
    "paragraph", "item", "subitem", "text", "tag", "own_tag", "modality", "proviso_modality",
    "duty_bearer", "actor_type", "regulated_party", "rule", "evidence", "references",
    "definitions", "sanction_links", "findings",
]
FINDING_CSV_COLUMNS = [
    "id", "rule", "kind", "severity", "score", "message", "law_ids", "law_names", "clause_keys",
    "status", "text_changed_since_decision", "decision_count", "last_reviewer",
    "last_decided_at", "last_note", "resolution_hint", "rule_hash", "checked_at", "clauses",
    "decisions", "details",
]
DECISION_CSV_COLUMNS = [
    "finding_id", "sequence", "latest", "decision", "reviewer", "created_at", "note", "rule",
    "kind", "severity", "law_ids", "clause_keys", "finding_stored", "finding_status",
    "text_changed_since", "clause_hashes",
]
Progress = Callable[[int, int, str], None]
# finding_views reads a page of findings at a time; this keeps memory flat on large corpora.
FINDING_PAGE = 500


@dataclass
class ExportReport:
    """What an export wrote."""

    path: str
    meta_path: str
    what: str
    format: str
    laws: int = 0
    records: int = 0
    bytes: int = 0

    def as_dict(self) -> dict:
        return dict(vars(self))


def _versions(session: Session, law: str | None, all_versions: bool) -> list[LawVersion]:
    if law:
        return [find_version(session, law)]
    return list_versions(session, latest_only=not all_versions)


def clause_records(
    engine: Engine,
    *,
    law: str | None = None,
    all_versions: bool = False,
    progress: Progress | None = None,
) -> Iterator[dict]:
    """One JSON-ready record per clause of the newest version of each law (or of `law`, or of
    every stored version with `all_versions`)."""
    with Session(engine) as session:
        versions = _versions(session, law, all_versions)
        findings = findings_by_clause(session)
    for done, version in enumerate(versions, start=1):
        with Session(engine) as session:
            yield from _version_records(session, version, findings)
        if progress is not None:
            progress(done, len(versions), version.name)


def _version_records(session: Session, version: LawVersion, findings: dict) -> Iterator[dict]:
    blocks = {b.id: b for b in blocks_of(session, version.id)}
    tags = tags_of(session, version.id)
    references = _grouped(session, ReferenceRow, version.id, "clause_id")
    sanctions = _grouped(session, SanctionLinkRow, version.id, "clause_id")
    definitions = _grouped(session, DefinitionRow, version.id, "clause_ref")
    law = {
        "law_id": version.law_id, "mst": version.mst, "name": version.name, "kind": version.kind,
        "ministry": version.ministry, "promulgation_no": version.promulgation_no,
        "promulgation_date": version.promulgation_date, "effective_date": version.effective_date,
    }
    for clause in clauses_of(session, version.id):
        block: BlockRow = blocks[clause.block_id]
        tag_pair = tags.get(clause.id)
        tag, cache = tag_pair if tag_pair else (None, None)
        yield {
            "key": f"{version.law_id}:{clause.ref}" + (
                f"@{clause.start}" if clause.kind in ("UNPARSED", "부기") else ""),
            "law": law,
            "ref": clause.ref,
            "kind": clause.kind,
            "label": clause.label,
            "parent": clause.parent_ref,
            "structure": _structure(clause, block),
            "text": clause.text,
            "start": clause.start,
            "end": clause.end,
            "unparsed_reason": clause.reason,
            "tag": tag.tag if tag else None,
            "own_tag": cache.tag if cache else None,
            "modality": tag.modality if tag else None,
            "proviso_modality": cache.proviso_modality if cache else None,
            "duty_bearer": cache.duty_bearer if cache else "",
            "actor_type": cache.actor_type if cache else "none",
            "regulated_party": cache.regulated_party if cache else "",
            "rule": cache.rule if cache else None,
            "inherited_from": tag.inherited_from if tag else None,
            "evidence": [
                {**e, "text": clause.text[e["start"]:e["end"]]} for e in (cache.evidence if cache
                                                                          else [])
            ],
            "references": [
                {"start": r.start, "end": r.end, "text": r.text, "kind": r.kind,
                 "target_law_id": r.target_law_id, "target_law_name": r.target_law_name,
                 "target_ref": r.target_ref, "status": r.status, "reason": r.reason}
                for r in references.get(clause.id, [])
            ],
            "definitions": [
                {"term": d.term, "body": d.body, "start": d.start, "end": d.end,
                 "scope": d.scope, "kind": d.kind, "refers_to_law_id": d.refers_to_law_id,
                 "refers_to_ref": d.refers_to_ref}
                for d in (definitions.get(clause.ref, []) if clause.kind != "UNPARSED" else [])
            ],
            "sanction_links": [
                {"kind": s.kind, "target_law_id": s.target_law_id, "target_ref": s.target_ref,
                 "status": s.status, "text": s.text}
                for s in sanctions.get(clause.id, [])
            ],
            "findings": (findings.get((version.law_id, clause.ref, version.promulgation_no,
                                       version.effective_date), [])
                         + findings.get((version.law_id, clause.ref, None, None), [])),
        }


def findings_by_clause(session: Session) -> dict[tuple, list[dict]]:
    """(법령ID, ref, 공포번호 and 시행일자 of the version the rule read) -> the findings that
    clause takes part in, with their review status (`lawcheck.review.queue_index`); the
    version is None when the finding did not record it, and then it applies to every version."""
    from lawcheck.review import queue_index
    from lawcheck.store import FindingRow

    entries = {e.finding_id: e for e in queue_index(session)}
    out: dict[tuple[str, str, str | None], list[dict]] = {}
    for finding_id, clauses in session.exec(
        select(FindingRow.finding_id, FindingRow.clauses).order_by(FindingRow.id)
    ):
        e = entries[finding_id]
        entry = {"id": finding_id, "rule": e.rule_id, "kind": e.kind, "severity": e.severity,
                 "status": e.status, "text_changed_since_decision": e.text_changed}
        places = dict.fromkeys(
            (c["law_id"], c["ref"], c.get("version"),
             c.get("effective_date") if c.get("version") else None)
            for c in clauses)
        for place in places:
            out.setdefault(place, []).append(entry)
    return out


def ruleset_hash() -> str:
    """A hash of every rule and data file under rules/: the rule set a result came from."""
    import hashlib

    from lawcheck.ruleset import RULES_DIR

    digest = hashlib.sha256()
    for path in sorted(RULES_DIR.rglob("*.yaml")):
        digest.update(str(path.relative_to(RULES_DIR)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _grouped(session: Session, table, version_id: int, key: str) -> dict:
    out: dict = {}
    for row in session.exec(select(table).where(table.version_id == version_id)
                            .order_by(table.id)):
        out.setdefault(getattr(row, key), []).append(row)
    return out


def _structure(clause: ClauseRow, block: BlockRow) -> dict:
    from lawcheck.models import ClauseRef

    ref = ClauseRef.parse(clause.ref) if clause.ref else ClauseRef()
    article = None
    if ref.article is not None:
        article = f"제{ref.article}조" + (f"의{ref.article_branch}" if ref.article_branch else "")
    return {
        "division": list(block.division),
        "block": block.ref,
        "block_kind": block.kind,
        "article": article,
        "article_title": block.title,
        "paragraph": ref.paragraph,
        "item": (f"{ref.item}" + (f"의{ref.item_branch}" if ref.item_branch else ""))
        if ref.item is not None else None,
        "subitem": ref.subitem,
        "details": list(ref.details),
    }


# ---------------------------------------------------------------------------------------------
# Findings and review decisions
# ---------------------------------------------------------------------------------------------


def finding_records(
    engine: Engine, *, law: str | None = None, progress: Progress | None = None
) -> Iterator[dict]:
    """One record per stored finding (best first; only those involving `law` if given): the
    finding as `lawcheck check --format json` prints it, each clause placed in its law, the
    review status and every decision (reviewer, decision, note, time), oldest first."""
    from lawcheck.check import finding_to_dict
    from lawcheck.review import OPEN, QueueFilter, finding_views, queue_index

    with Session(engine) as session:
        wanted = QueueFilter(law_ids=frozenset([find_version(session, law).law_id])
                             if law else frozenset())
        ids = [e.finding_id for e in queue_index(session) if wanted.accepts(e)]
    for first in range(0, len(ids), FINDING_PAGE):
        with Session(engine) as session:
            views = finding_views(session, ids[first:first + FINDING_PAGE])
        for view in views:
            decided = bool(view.history)
            record = finding_to_dict(replace(
                view.finding,
                decision=view.status if view.status != OPEN else None,
                text_changed_since_decision=view.text_changed if decided else None,
            ))
            for clause, place in zip(record["clauses"], view.clauses, strict=True):
                clause["key"] = place.clause.key
                clause["position"] = list(place.position)
                clause["changed_since_decision"] = place.changed if decided else None
            record.update({
                "status": view.status,
                "law_ids": sorted({c.law_id for c in view.finding.clauses}),
                "clause_keys": list(view.finding.keys),
                "checked_at": view.checked_at,
                "decisions": list(view.history),
            })
            yield record
        if progress is not None:
            done = min(first + FINDING_PAGE, len(ids))
            progress(done, len(ids), "findings")


def decision_records(
    engine: Engine, *, law: str | None = None, progress: Progress | None = None
) -> Iterator[dict]:
    """One record per review decision, per finding oldest first, with the finding it was made
    on. Decisions on findings the last check no longer produced are kept (finding_stored is
    false; their clause keys are the ones the reviewer saw)."""
    from lawcheck.review import finding_views
    from lawcheck.store import decisions_for

    with Session(engine) as session:
        law_id = find_version(session, law).law_id if law else None
        history = decisions_for(session)
        views = {}
        ids = sorted(history)
        for first in range(0, len(ids), FINDING_PAGE):
            views.update((v.finding.id, v)
                         for v in finding_views(session, ids[first:first + FINDING_PAGE]))
    for done, (finding_id, rows) in enumerate(sorted(history.items()), start=1):
        view = views.get(finding_id)
        if view is not None:
            keys = list(view.finding.keys)
            current = {c.key: c.content_hash for c in view.finding.clauses}
            meta = {"rule": view.finding.rule_id, "kind": view.finding.kind,
                    "severity": view.finding.severity, "finding_status": view.status}
        else:
            keys = list(rows[-1].clause_hashes)
            current = None
            meta = {"rule": finding_id.partition(":")[0], "kind": None, "severity": None,
                    "finding_status": None}
        law_ids = sorted({key.partition(":")[0] for key in keys})
        if law_id is not None and law_id not in law_ids:
            continue
        for sequence, row in enumerate(rows, start=1):
            yield {
                "finding_id": finding_id,
                "sequence": sequence,
                "latest": sequence == len(rows),
                "decision": row.decision,
                "reviewer": row.reviewer,
                "created_at": row.created_at,
                "note": row.note,
                **meta,
                "law_ids": law_ids,
                "clause_keys": keys,
                "finding_stored": view is not None,
                "text_changed_since": None if current is None else any(
                    row.clause_hashes.get(key) != digest for key, digest in current.items()),
                "clause_hashes": dict(row.clause_hashes),
            }
        if progress is not None:
            progress(done, len(history), finding_id)


def _flat_finding(record: dict) -> dict:
    decisions = record["decisions"]
    last = decisions[-1] if decisions else {}
    return {
        **{name: record[name] for name in (
            "id", "rule", "kind", "severity", "score", "message", "status",
            "text_changed_since_decision", "resolution_hint", "rule_hash", "checked_at")},
        "law_ids": "; ".join(record["law_ids"]),
        "law_names": "; ".join(dict.fromkeys(c["law_name"] for c in record["clauses"])),
        "clause_keys": "; ".join(record["clause_keys"]),
        "decision_count": len(decisions),
        "last_reviewer": last.get("reviewer"),
        "last_decided_at": last.get("created_at"),
        "last_note": last.get("note"),
        **{name: json.dumps(record[name], ensure_ascii=False)
           for name in ("clauses", "decisions", "details")},
    }


def _flat_decision(record: dict) -> dict:
    return {
        **record,
        "law_ids": "; ".join(record["law_ids"]),
        "clause_keys": "; ".join(record["clause_keys"]),
        "clause_hashes": json.dumps(record["clause_hashes"], ensure_ascii=False),
    }


# ---------------------------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------------------------


def export_corpus(
    engine: Engine,
    fmt: str | None,
    out: str | Path,
    *,
    what: str = "clauses",
    law: str | None = None,
    all_versions: bool = False,
    force: bool = False,
    progress: Progress | None = None,
) -> ExportReport:
    """Write clauses (JSONL, CSV or a spaCy DocBin), findings or review decisions (JSON, CSV),
    with a `.meta.json` sidecar.

    Args:
        fmt: one of `FORMATS[what]`; None picks the first.
        law: only this law (findings and decisions: those involving it).
        all_versions: clauses of every stored version, not only the newest of each law.

    Raises:
        LawcheckError: unknown `what` or format, or `out` exists and `force` is not set.
    """
    if what not in FORMATS:
        raise LawcheckError(f"unknown export {what!r}; choose one of {', '.join(FORMATS)}")
    fmt = fmt or FORMATS[what][0]
    if fmt not in FORMATS[what]:
        raise LawcheckError(
            f"{what} cannot be exported as {fmt!r}; choose one of {', '.join(FORMATS[what])}")
    out = Path(out)
    meta_path = out.with_name(out.name + ".meta.json")
    if out.exists() and not force:
        raise LawcheckError(f"{out} exists; pass --force to overwrite it")
    out.parent.mkdir(parents=True, exist_ok=True)
    report = ExportReport(path=str(out), meta_path=str(meta_path), what=what, format=fmt)
    tmp = out.with_name(out.name + ".partial")
    laws: set[str] = set()
    statuses: Counter = Counter()
    if what == "clauses":
        records = _laws_seen(
            clause_records(engine, law=law, all_versions=all_versions, progress=progress), laws)
        if fmt == "docbin":
            report.records = _write_docbin(records, tmp)
        else:
            report.records = _write_records(records, fmt, tmp, CSV_COLUMNS, _flat)
    elif what == "findings":
        records = _counted(finding_records(engine, law=law, progress=progress), laws,
                           statuses, "status")
        report.records = _write_records(records, fmt, tmp, FINDING_CSV_COLUMNS, _flat_finding)
    else:
        records = _counted(decision_records(engine, law=law, progress=progress), laws,
                           statuses, "decision")
        report.records = _write_records(records, fmt, tmp, DECISION_CSV_COLUMNS, _flat_decision)
    tmp.replace(out)
    report.laws = len(laws)
    report.bytes = out.stat().st_size
    meta = export_metadata(engine, law=law, all_versions=all_versions)
    meta.update({"what": what, "format": fmt, "records": report.records, "laws": report.laws})
    if what != "clauses":
        meta["statuses"] = dict(sorted(statuses.items()))
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    return report


def _laws_seen(records: Iterable[dict], laws: set[str]) -> Iterator[dict]:
    for record in records:
        laws.add(record["law"]["law_id"])
        yield record


def _counted(
    records: Iterable[dict], laws: set[str], statuses: Counter, status_field: str
) -> Iterator[dict]:
    """Findings and decisions: the laws involved and how many records have each status."""
    for record in records:
        laws.update(record["law_ids"])
        statuses[record[status_field]] += 1
        yield record


def _write_records(records: Iterable[dict], fmt: str, path: Path, columns: list[str],
                   flat: Callable[[dict], dict]) -> int:
    """JSONL (a line per record), JSON (one array) or CSV (UTF-8 with BOM, so that Excel opens
    Korean text correctly); returns how many records were written."""
    count = 0
    if fmt == "csv":
        with path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            for record in records:
                writer.writerow(flat(record))
                count += 1
        return count
    with path.open("w", encoding="utf-8") as handle:
        if fmt == "json":
            handle.write("[")
        for record in records:
            line = json.dumps(record, ensure_ascii=False)
            if fmt == "json":
                handle.write(("," if count else "") + "\n" + line)
            else:
                handle.write(line + "\n")
            count += 1
        if fmt == "json":
            handle.write("\n]\n")
    return count


def _flat(record: dict) -> dict:
    law, structure = record["law"], record["structure"]
    return {
        "key": record["key"], "law_id": law["law_id"], "mst": law["mst"],
        "law_name": law["name"], "law_kind": law["kind"], "ministry": law["ministry"],
        "promulgation_no": law["promulgation_no"], "promulgation_date": law["promulgation_date"],
        "effective_date": law["effective_date"], "ref": record["ref"], "kind": record["kind"],
        "parent": record["parent"], "division": " > ".join(structure["division"]),
        "article": structure["article"], "paragraph": structure["paragraph"],
        "item": structure["item"], "subitem": structure["subitem"], "text": record["text"],
        "tag": record["tag"], "own_tag": record["own_tag"], "modality": record["modality"],
        "proviso_modality": record["proviso_modality"], "duty_bearer": record["duty_bearer"],
        "actor_type": record["actor_type"], "regulated_party": record["regulated_party"],
        "rule": record["rule"],
        **{name: json.dumps(record[name], ensure_ascii=False)
           for name in ("evidence", "references", "definitions", "sanction_links", "findings")},
    }


def _write_docbin(records: Iterable[dict], path: Path) -> int:
    """One Doc per clause: the tag as doc.cats, evidence and references as span groups, the
    rest of the record in user_data; returns how many docs were written."""
    from spacy.tokens import DocBin

    from lawcheck.analyse import get_pipeline, make_docs

    nlp = get_pipeline()
    bin_ = DocBin(store_user_data=True)
    count = 0
    batch: list[dict] = []

    def flush() -> None:
        nonlocal count
        for record, doc in zip(batch, make_docs([r["text"] for r in batch], nlp), strict=True):
            doc.cats = {t: float(record["tag"] == t) for t in ("promotion", "regulation",
                                                                  "neutral")}
            doc.spans["evidence"] = _spans(doc, record, "evidence", "label")
            doc.spans["references"] = _spans(doc, record, "references", "status")
            doc.user_data["lawcheck"] = {k: v for k, v in record.items()
                                         if k not in ("text", "evidence", "references")}
            bin_.add(doc)
            count += 1
        batch.clear()

    for record in records:
        batch.append(record)
        if len(batch) >= 1000:
            flush()
    flush()
    path.write_bytes(bin_.to_bytes())
    return count


def _spans(doc, record: dict, field: str, label_key: str) -> list:
    spans = []
    for item in record[field]:
        span = doc.char_span(item["start"], item["end"], label=str(item.get(label_key) or ""),
                             alignment_mode="expand")
        if span is None:  # offsets outside the text: a broken analysis, reported not hidden
            raise LawcheckError(
                f"{record['key']}: {field} span {item['start']}-{item['end']} is outside the "
                f"clause text ({len(doc.text)} characters); re-run `lawcheck analyse`")
        spans.append(span)
    return spans


def export_metadata(
    engine: Engine, *, law: str | None = None, all_versions: bool = False
) -> dict:
    """What a result depends on: versions of lawcheck, the analyser, the rules, the sources."""
    from lawcheck.pipeline import analyser_id
    from lawcheck.store import redact_url

    with Session(engine) as session:
        versions = _versions(session, law, all_versions)
        manifest = [
            {"law_id": v.law_id, "name": v.name, "kind": v.kind, "mst": v.mst,
             "promulgation_no": v.promulgation_no, "effective_date": v.effective_date,
             "source_path": v.source_path, "source_format": v.source_format,
             "source_sha256": v.source_sha256}
            for v in versions
        ]
    return {
        "lawcheck_version": __version__,
        "analyser": analyser_id(),
        "ruleset": ruleset_hash(),
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": redact_url(str(engine.url)),
        "corpus": manifest,
    }
