"""Benchmark and check: every export of the whole ../shared/corpus.

Imports the law texts of every folder that MANIFEST.tsv lists under raw/ (XML, JSON and
legalize-kr Markdown, every version), analyses them (with the legalize-kr law index as the
known names), runs the stable rules, records a few review decisions, then exports clauses as
JSONL, CSV and DocBin (every version) and findings and decisions as JSON and CSV. For each
export it prints the time, the size in MB and the rows, and it verifies:

- the JSONL has one line per clause row in the database and every line validates;
- the DocBin loads back with lawcheck's tokenizer: one Doc per line, tag cats on every Doc;
- pandas reads each CSV with as many rows as the JSON/JSONL of the same export;
- every finding and decision record validates, and there is one finding record per stored
  finding, one decision record per stored decision; every meta.json validates.

Exit code 0 when every check holds, 1 otherwise. Usage:
python benchmarks/export_corpus.py [--db URL] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pandas as pd
from sqlalchemy import func
from sqlmodel import Session, select

from lawcheck.analyse import get_pipeline
from lawcheck.check import run_check
from lawcheck.export import SCHEMAS, export_corpus
from lawcheck.importers import iter_law_files
from lawcheck.pipeline import analyse_database, import_paths
from lawcheck.review import decide, queue_index
from lawcheck.store import DecisionRow, FindingRow, count_rows, get_engine
from lawcheck.testing import SHARED_MISSING_REASON, shared_dir

KNOWN_NAMES = "lists/law_index_legalize_kr_20260605.tsv"
failures: list[str] = []


def expect(ok: bool, what: str) -> None:
    print(f"  {'ok ' if ok else 'FAIL'} {what}")
    if not ok:
        failures.append(what)


def law_folders(corpus: Path) -> list[Path]:
    """The folders MANIFEST.tsv lists law texts in (raw/…), without those inside another
    listed folder, since importing a folder takes its subfolders too."""
    with (corpus / "MANIFEST.tsv").open(encoding="utf-8", newline="") as handle:
        files = [row["file"] for row in csv.DictReader(handle, delimiter="\t")]
    folders = sorted({Path(f).parent for f in files if f.startswith("raw/")})
    top = [f for f in folders if not any(p in folders for p in f.parents)]
    listed = {corpus / f for f in files if f.startswith("raw/")}
    found = {file for folder in top for file in iter_law_files(corpus / folder)}
    expect(found == listed, f"the folders hold exactly the {len(listed)} law files of "
                            f"MANIFEST.tsv (extra: {len(found - listed)}, missing: "
                            f"{len(listed - found)})")
    return [corpus / f for f in top]


def timed(label: str, step: Callable):
    started = time.perf_counter()
    result = step()
    print(f"{label}: {time.perf_counter() - started:.1f}s")
    return result


def validate_all(name: str, records, key: str) -> tuple[int, int]:
    """(records, invalid records); the first few errors are printed."""
    check = jsonschema.Draft202012Validator(json.loads(SCHEMAS[name].read_text("utf-8")))
    count = bad = 0
    for record in records:
        count += 1
        error = next(check.iter_errors(record), None)
        if error is not None:
            bad += 1
            if bad <= 3:
                print(f"    {record.get(key)}: {error.json_path}: {error.message[:200]}")
    return count, bad


def export(engine, out: Path, what: str, fmt: str) -> dict:
    started = time.perf_counter()
    report = export_corpus(engine, fmt, out, what=what, all_versions=True, force=True)
    seconds = time.perf_counter() - started
    mb = report.bytes / 1e6
    print(f"export {what:<9} {fmt:<6} {seconds:7.1f}s {mb:9.2f} MB {report.records:>9,} rows "
          f"({report.laws} laws) -> {out.name}")
    meta = json.loads(Path(report.meta_path).read_text("utf-8"))
    _, bad = validate_all("meta", [meta], "what")
    expect(bad == 0 and meta["records"] == report.records and meta["ruleset"]
           and meta["lawcheck_version"] and meta["corpus"],
           f"{out.name}.meta.json validates: lawcheck {meta['lawcheck_version']}, rule set "
           f"{meta['ruleset']}, {len(meta['corpus'])} versions in the corpus manifest")
    return {"report": report, "seconds": seconds, "mb": mb}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", help="database URL (default: SQLite in a temp folder)")
    parser.add_argument("--keep", type=Path, help="write the exports here and keep them")
    args = parser.parse_args()
    shared = shared_dir()
    if shared is None:
        print(SHARED_MISSING_REASON, file=sys.stderr)
        return 2
    corpus = shared / "corpus"
    with tempfile.TemporaryDirectory(prefix="lawcheck-export-") as tmp:
        out_dir = args.keep or Path(tmp)
        out_dir.mkdir(parents=True, exist_ok=True)
        engine = get_engine(args.db or f"sqlite:///{tmp}/bench.db")
        folders = law_folders(corpus)
        print("folders:", ", ".join(str(f.relative_to(corpus)) for f in folders))
        imported = timed("import", lambda: import_paths(folders, engine))
        expect(imported.ok, f"every file imports ({len(imported.failed)} failed)")
        analysed = timed("analyse", lambda: analyse_database(
            engine, known_names=corpus / KNOWN_NAMES))
        checked = timed("check", lambda: run_check(engine, save=True))
        with Session(engine) as session:
            counts = count_rows(session)
            entries = queue_index(session)
        print(f"database: {counts['versions']} versions of {counts['laws']} laws, "
              f"{counts['clauses']:,} clause rows ({counts['unparsed']} unparsed), "
              f"{analysed.references:,} references, {len(checked.findings):,} findings")
        # Decisions so that the review exports carry history: two reviewers on the best
        # finding, one on the next (a benchmark's decisions, not a real review).
        for entry, decision, reviewer in zip(
            [entries[0], entries[0], entries[1]] if len(entries) > 1 else [],
            ["confirmed", "dismissed", "needs_discussion"], ["bench-a", "bench-b", "bench-a"],
            strict=False,
        ):
            decide(engine, entry.finding_id, decision, reviewer=reviewer, note="benchmark")
        with Session(engine) as session:
            stored_findings = session.exec(select(func.count(FindingRow.id))).one()
            stored_decisions = session.exec(select(func.count(DecisionRow.id))).one()

        print()
        jsonl = export(engine, out_dir / "corpus.jsonl", "clauses", "jsonl")
        with open(jsonl["report"].path, encoding="utf-8") as handle:
            lines, bad = timed("  validate JSONL", lambda: validate_all(
                "clauses", (json.loads(line) for line in handle), "key"))
        expect(lines == counts["clauses"],
               f"JSONL lines {lines:,} == clause rows in the database {counts['clauses']:,}")
        expect(bad == 0, f"every JSONL line validates ({bad} invalid)")

        table = export(engine, out_dir / "corpus.csv", "clauses", "csv")
        frame = pd.read_csv(table["report"].path, encoding="utf-8-sig", dtype=str,
                            keep_default_na=False)
        expect(len(frame) == lines, f"pandas reads the clause CSV: {len(frame):,} rows")
        del frame

        docbin = export(engine, out_dir / "corpus.spacy", "clauses", "docbin")
        from spacy.tokens import DocBin

        nlp = get_pipeline()
        started = time.perf_counter()
        data = Path(docbin["report"].path).read_bytes()
        docs = with_cats = 0
        for doc in DocBin().from_bytes(data).get_docs(nlp.vocab):
            docs += 1
            with_cats += set(doc.cats) == {"promotion", "regulation", "neutral"}
        print(f"  DocBin loaded back in {time.perf_counter() - started:.1f}s")
        expect(docs == lines, f"DocBin round-trips: {docs:,} docs")
        expect(with_cats == docs, f"tag cats on every doc ({with_cats:,})")

        for what, schema_key, stored in (("findings", "id", stored_findings),
                                         ("decisions", "finding_id", stored_decisions)):
            as_json = export(engine, out_dir / f"{what}.json", what, "json")
            records = json.loads(Path(as_json["report"].path).read_text("utf-8"))
            _, bad = validate_all(what, records, schema_key)
            expect(len(records) == stored and bad == 0,
                   f"{len(records):,} {what} records == {stored:,} stored, all valid "
                   f"({bad} invalid)")
            as_csv = export(engine, out_dir / f"{what}.csv", what, "csv")
            frame = pd.read_csv(as_csv["report"].path, encoding="utf-8-sig", dtype=str,
                                keep_default_na=False)
            expect(len(frame) == len(records), f"pandas reads the {what} CSV: {len(frame):,} rows")
        engine.dispose()
    print()
    print("all checks hold" if not failures else f"{len(failures)} checks FAILED")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
