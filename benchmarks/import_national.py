"""Benchmark: unpack ../shared/national and import all of it (read + split + store).

Prints files/s, clauses/s, errors, UNPARSED units (with reasons, grouped) and peak memory.
Usage: python benchmarks/import_national.py [--db URL] [--limit N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import collections
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from lawcheck.pipeline import import_paths
from lawcheck.store import get_engine
from lawcheck.testing import SHARED_MISSING_REASON, shared_dir


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", help="database URL (default: a SQLite file in the temp folder)")
    parser.add_argument("--limit", type=int, help="import only the first N files")
    args = parser.parse_args()
    shared = shared_dir()
    if shared is None:
        print(SHARED_MISSING_REASON, file=sys.stderr)
        return 2
    archive = shared / "national" / "legalize-kr-national-20260605.tar.xz"
    with tempfile.TemporaryDirectory(prefix="lawcheck-national-") as tmp:
        t0 = time.perf_counter()
        subprocess.run(["tar", "-xJf", str(archive), "-C", tmp], check=True)
        unpack = time.perf_counter() - t0
        files = sorted(Path(tmp).rglob("*.md"))
        if args.limit:
            files = files[: args.limit]
        chars = sum(f.stat().st_size for f in files)
        engine = get_engine(args.db or f"sqlite:///{tmp}/national.db")
        t0 = time.perf_counter()
        last = [0.0]

        def progress(done: int, total: int, name: str) -> None:
            now = time.perf_counter()
            if now - last[0] > 10 or done == total:
                last[0] = now
                print(f"  {done}/{total} files, {now - t0:.0f}s", file=sys.stderr)

        report = import_paths(files, engine, progress=progress)
        elapsed = time.perf_counter() - t0
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    clauses = sum(r.clauses for _, r in report.saved)
    print(f"unpack: {unpack:.1f}s")
    print(
        f"files: {len(files)} ({chars / 1e6:.1f} MB), imported {len(report.saved)}, "
        f"failed {len(report.failed)}"
    )
    print(
        f"import: {elapsed:.1f}s, {len(files) / elapsed:.1f} files/s, "
        f"{clauses / elapsed:,.0f} clauses/s, {chars / elapsed / 1e6:.2f} MB/s"
    )
    print(f"clauses: {clauses:,}; UNPARSED: {len(report.unparsed)}")
    reasons = collections.Counter(
        why.split("'")[0] + "…" if "'" in why else why for _, _, why in report.unparsed
    )
    for why, n in reasons.most_common(10):
        print(f"  {n:5d}  {why}")
    for path, message in report.failed[:20]:
        print(f"FAILED {path}: {message}")
    print(f"peak memory (max RSS): {peak_mb:.0f} MB")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
