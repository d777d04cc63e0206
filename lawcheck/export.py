"""Researcher exports of the annotated corpus: JSONL, CSV (Excel-ready) and spaCy DocBin.

Input: the analysed database. Output: one record per clause with its stable key, law metadata,
place in the structure, text, tag, modality, duty-bearer, evidence, references, definitions,
sanction links and findings; plus a sidecar `<out>.meta.json` recording the lawcheck version,
the analyser and rule-set hashes and the corpus manifest (every source file with its sha256),
so that a result can be reproduced. Laws are exported one version at a time, so memory stays
bounded on the national corpus.
"""

from __future__ import annotations

import csv
import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass
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

SCHEMA_PATH = Path(__file__).resolve().parent / "schemas" / "clause.schema.json"
FORMATS = ("jsonl", "csv", "docbin")
CSV_COLUMNS = [
    "key", "law_id", "mst", "law_name", "law_kind", "ministry", "promulgation_no",
    "promulgation_date", "effective_date", "ref", "kind", "parent", "division", "article",
    "paragraph", "item", "subitem", "text", "tag", "own_tag", "modality", "proviso_modality",
    "duty_bearer", "actor_type", "regulated_party", "rule", "evidence", "references",
    "definitions", "sanction_links", "findings",
]
Progress = Callable[[int, int, str], None]


@dataclass
class ExportReport:
    """What an export wrote."""

    path: str
    meta_path: str
    format: str
    laws: int = 0
    clauses: int = 0
    bytes: int = 0

    def as_dict(self) -> dict:
        return dict(vars(self))


def clause_records(
    engine: Engine, *, law: str | None = None, progress: Progress | None = None
) -> Iterator[dict]:
    """One JSON-ready record per clause of the newest version of each law (or of `law`)."""
    with Session(engine) as session:
        versions = [find_version(session, law)] if law else list_versions(session, latest_only=True)
    for done, version in enumerate(versions, start=1):
        with Session(engine) as session:
            yield from _version_records(session, version, findings_by_clause(session))
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
            "findings": findings.get((version.law_id, clause.ref), []),
        }


def findings_by_clause(session: Session) -> dict[tuple[str, str], list[dict]]:
    """(법령ID, ref) -> the findings that clause takes part in, with their review status."""
    from lawcheck.store import DecisionRow, FindingRow

    latest: dict[str, str] = {}
    for row in session.exec(select(DecisionRow).order_by(DecisionRow.id)):
        latest[row.finding_id] = row.decision  # decisions are append-only: the last one counts
    out: dict[tuple[str, str], list[dict]] = {}
    for row in session.exec(select(FindingRow).order_by(FindingRow.id)):
        entry = {"id": row.finding_id, "rule": row.rule_id, "kind": row.kind,
                 "severity": row.severity, "status": latest.get(row.finding_id, "open")}
        for key in dict.fromkeys(row.clause_keys):
            law_id, _, ref = key.partition(":")
            out.setdefault((law_id, ref), []).append(entry)
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
# Writers
# ---------------------------------------------------------------------------------------------


def export_corpus(
    engine: Engine,
    fmt: str,
    out: str | Path,
    *,
    law: str | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> ExportReport:
    """Write the annotated corpus as JSONL, CSV or a spaCy DocBin, with a `.meta.json` sidecar.

    Raises:
        LawcheckError: unknown format, or `out` exists and `force` is not set.
    """
    if fmt not in FORMATS:
        raise LawcheckError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    out = Path(out)
    meta_path = out.with_name(out.name + ".meta.json")
    if out.exists() and not force:
        raise LawcheckError(f"{out} exists; pass --force to overwrite it")
    out.parent.mkdir(parents=True, exist_ok=True)
    report = ExportReport(path=str(out), meta_path=str(meta_path), format=fmt)
    records = clause_records(engine, law=law, progress=progress)
    tmp = out.with_name(out.name + ".partial")
    laws: set[str] = set()
    if fmt == "jsonl":
        with tmp.open("w", encoding="utf-8") as handle:
            for record in records:
                handle.write(json.dumps(record, ensure_ascii=False) + "\n")
                report.clauses += 1
                laws.add(record["law"]["law_id"])
    elif fmt == "csv":
        # UTF-8 with BOM so that Excel opens Korean text correctly.
        with tmp.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
            writer.writeheader()
            for record in records:
                writer.writerow(_flat(record))
                report.clauses += 1
                laws.add(record["law"]["law_id"])
    else:
        report.clauses, laws = _write_docbin(records, tmp)
    tmp.replace(out)
    report.laws = len(laws)
    report.bytes = out.stat().st_size
    meta = export_metadata(engine, law=law)
    meta.update({"format": fmt, "clauses": report.clauses, "laws": report.laws})
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    return report


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


def _write_docbin(records: Iterator[dict], path: Path) -> tuple[int, set[str]]:
    """One Doc per clause: the tag as doc.cats, evidence and references as span groups."""
    from spacy.tokens import DocBin

    from lawcheck.analyse import get_pipeline, make_docs

    nlp = get_pipeline()
    bin_ = DocBin(store_user_data=True)
    count = 0
    laws: set[str] = set()
    batch: list[dict] = []

    def flush() -> None:
        nonlocal count
        for record, doc in zip(batch, make_docs([r["text"] for r in batch], nlp), strict=True):
            doc.cats = {t: float(record["tag"] == t) for t in ("promotion", "regulation",
                                                                  "neutral")}
            doc.spans["evidence"] = _spans(doc, record["evidence"], "label")
            doc.spans["references"] = _spans(doc, record["references"], "status")
            doc.user_data["lawcheck"] = {k: v for k, v in record.items()
                                         if k not in ("text", "evidence", "references")}
            bin_.add(doc)
            count += 1
        batch.clear()

    for record in records:
        batch.append(record)
        laws.add(record["law"]["law_id"])
        if len(batch) >= 1000:
            flush()
    flush()
    path.write_bytes(bin_.to_bytes())
    return count, laws


def _spans(doc, items: list[dict], label_key: str) -> list:
    spans = []
    for item in items:
        span = doc.char_span(item["start"], item["end"], label=str(item.get(label_key) or ""),
                             alignment_mode="expand")
        if span is not None:
            spans.append(span)
    return spans


def export_metadata(engine: Engine, *, law: str | None = None) -> dict:
    """What a result depends on: versions of lawcheck, the analyser, the rules, the sources."""
    from lawcheck.pipeline import analyser_id
    from lawcheck.store import redact_url

    with Session(engine) as session:
        versions = [find_version(session, law)] if law else list_versions(session, latest_only=True)
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
