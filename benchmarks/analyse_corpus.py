"""Benchmark: analysis of the whole ../shared/corpus next to plain Kiwi on the same text.

Prints clauses/s and chars/s for (1) Kiwi tokenisation alone (2 workers, the same texts in one
batch), (2) lawcheck's analysis (Kiwi inside spaCy + modality/actor/tag), their ratio, and
(3) the full `analyse` stage on a database (tags + references + definitions + sanction links),
with peak memory. Usage: python benchmarks/analyse_corpus.py [--db URL] [--limit N]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time

from lawcheck.analyse import get_pipeline, make_docs
from lawcheck.importers import iter_law_files, read_path
from lawcheck.pipeline import analyse_database, import_paths
from lawcheck.split import split_law
from lawcheck.store import get_engine
from lawcheck.tag import tag_doc
from lawcheck.testing import SHARED_MISSING_REASON, shared_dir


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", help="database URL (default: SQLite in a temp folder)")
    parser.add_argument("--limit", type=int, help="only the first N files")
    args = parser.parse_args()
    shared = shared_dir()
    if shared is None:
        print(SHARED_MISSING_REASON, file=sys.stderr)
        return 2
    files = list(iter_law_files(shared / "corpus" / "raw"))
    if args.limit:
        files = files[: args.limit]
    texts = [c.text for f in files for c in split_law(read_path(f)).clauses()]
    chars = sum(map(len, texts))
    print(f"{len(files)} files, {len(texts):,} clauses, {chars:,} characters")

    nlp = get_pipeline(2)
    kiwi = nlp.tokenizer.kiwi
    list(kiwi.tokenize(texts[:200]))  # load the model before timing
    t0 = time.perf_counter()
    for _ in kiwi.tokenize(texts):
        pass
    kiwi_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    for doc in make_docs(texts, nlp):
        tag_doc(doc)
    ours_s = time.perf_counter() - t0
    print(f"plain Kiwi (2 workers): {kiwi_s:.1f}s, {len(texts) / kiwi_s:,.0f} clauses/s, "
          f"{chars / kiwi_s:,.0f} chars/s")
    print(f"lawcheck analysis:      {ours_s:.1f}s, {len(texts) / ours_s:,.0f} clauses/s, "
          f"{chars / ours_s:,.0f} chars/s")
    print(f"throughput ratio (lawcheck / plain Kiwi): {kiwi_s / ours_s:.2f}")
    print(f"peak memory so far: {peak_mb():.0f} MB")

    with tempfile.TemporaryDirectory(prefix="lawcheck-analyse-") as tmp:
        engine = get_engine(args.db or f"sqlite:///{tmp}/bench.db")
        t0 = time.perf_counter()
        import_paths(files, engine)
        import_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        report = analyse_database(engine)
        analyse_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = analyse_database(engine)
        again_s = time.perf_counter() - t0
    print(f"import into the database: {import_s:.1f}s")
    print(f"analyse stage (cold cache): {analyse_s:.1f}s, {report.clauses / analyse_s:,.0f} "
          f"clauses/s; {report.references:,} references, {report.definitions:,} definitions, "
          f"{report.sanction_links:,} sanction links")
    print(f"analyse stage (warm cache): {again_s:.1f}s, {again.analysed} texts re-analysed")
    print(f"peak memory (max RSS): {peak_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
