"""Benchmark: import, analyse and check a corpus end to end, stage by stage (issue 7).

Each stage runs as the lawcheck command a user would type (import, analyse, check), in its
own process. Prints for every stage its time, documents/s, clauses/s, chars/s and the peak
memory of the process tree (this process, the command and its pool workers, sampled every
0.2 s), with the machine load (1-minute load average) at the end of the stage, since other
jobs may share the cores.

  --corpus shared    ../shared/corpus/raw (172 files)
  --corpus national  ../shared/national unpacked to a temporary folder (5,674 files)
  --recheck FILE     on an analysed --db: full check, then FILE re-imported and re-checked
  --scale            check time on nested random subsets of an analysed database (--db) of
                     n, 3n and 10n laws, n = the number of laws of the shared corpus

Plain Kiwi tokenisation (2 workers) of the same clause texts runs in the same process, so
that the analysis stage's throughput can be read as a ratio of it (on national, of a sample
of --kiwi-sample clauses spread over the corpus); it and lawcheck's tagging of the same texts
run in --rounds alternating rounds. After the check, one article of one law is
changed, the law re-imported and re-analysed, and the findings re-checked incrementally.

Usage: python benchmarks/run_all.py --corpus shared|national [--db URL] [--keep]
       python benchmarks/run_all.py --scale --db sqlite:////tmp/national.db
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from contextlib import contextmanager, suppress
from pathlib import Path

import psutil
from sqlalchemy import func
from sqlmodel import Session, select

from lawcheck.check import _TERM_CACHE, Corpus, run_check, run_rules
from lawcheck.importers import iter_law_files, read_path
from lawcheck.pipeline import tag_texts
from lawcheck.ruleset import default_rules
from lawcheck.store import ClauseRow, get_engine, list_versions
from lawcheck.testing import SHARED_MISSING_REASON, shared_dir

SHARED_LAWS = 172  # files of ../shared/corpus/raw: the 1× point of --scale


class MemoryWatch:
    """Peak resident memory of this process and all its children, sampled in a thread."""

    def __init__(self, every: float = 0.2):
        self.every = every
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def current(self) -> int:
        me = psutil.Process()
        total = me.memory_info().rss
        for child in me.children(recursive=True):
            with suppress(psutil.NoSuchProcess):  # a worker that just ended
                total += child.memory_info().rss
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.current())
            time.sleep(self.every)

    def reset(self) -> None:
        self.peak = self.current()


WATCH = MemoryWatch()


def load() -> str:
    return f"load {os.getloadavg()[0]:.2f}"


@contextmanager
def stage(name: str, *, docs: int = 0, clauses: int = 0, chars: int = 0, results: dict):
    """Time a stage; the block may fill `results[name]` with docs/clauses/chars counts."""
    WATCH.reset()
    started = time.perf_counter()
    counts = {"docs": docs, "clauses": clauses, "chars": chars}
    results[name] = counts
    yield counts
    seconds = time.perf_counter() - started
    counts["seconds"] = seconds
    counts["peak"] = WATCH.peak
    rates = ", ".join(
        f"{counts[k] / seconds:,.0f} {k}/s" for k in ("docs", "clauses", "chars") if counts[k]
    )
    print(
        f"{name:<28} {seconds:8.1f}s  {rates}  peak {WATCH.peak / 2**20:,.0f} MB  ({load()})",
        flush=True,
    )


def lawcheck(*args: str, db: str, ok: tuple[int, ...] = (0,)) -> str:
    """Run a lawcheck command as a user does, in its own process (its memory counts in this
    process tree's peak); returns what it printed. Its progress bars go to this terminal."""
    done = subprocess.run(
        [sys.executable, "-m", "lawcheck.cli", *args, "--db", db],
        stdout=subprocess.PIPE,
        text=True,
    )
    if done.returncode not in ok:
        raise SystemExit(f"lawcheck {' '.join(args)} exited with {done.returncode}")
    return done.stdout


def check_summary(output: str) -> str:
    """The summary line `lawcheck check` ends with (findings per rule, incremental work)."""
    return output.rstrip().rsplit("\n", 1)[-1]


def clause_texts(engine, limit: int | None) -> list[str]:
    """Every clause text in id order, or `limit` of them spread evenly over the corpus."""
    with Session(engine) as session:
        n = session.exec(select(func.count(ClauseRow.id))).one()
        step = max(1, n // limit) if limit else 1
        query = select(ClauseRow.text).where(ClauseRow.id % step == 0) if step > 1 else None
        return list(session.exec(query if query is not None else select(ClauseRow.text)))


def kiwi_baseline(texts: list[str], results: dict, rounds: int = 3) -> None:
    """Plain Kiwi (2 workers) and lawcheck's tagging (no cache) on the same texts, in
    `rounds` alternating rounds (Kiwi first, then tagging first, …): on this shared machine
    one run of either varies by ±10% from one minute to the next, and alternating spreads
    that over both. `results` gets each one's mean time."""
    from kiwipiepy import Kiwi

    chars = sum(map(len, texts))
    kiwi = Kiwi(num_workers=2)
    list(kiwi.tokenize(texts[:100]))  # load the model outside the timing
    items = [(str(i), t) for i, t in enumerate(texts)]
    list(tag_texts(items[:20], 2))  # load the model (and the patterns) outside the timing
    runs = {
        "plain Kiwi tokenisation": lambda: deque(kiwi.tokenize(texts), maxlen=0),
        # The path the analyse stage uses.
        "tagging, no cache (2 cores)": lambda: deque(tag_texts(items, 2), maxlen=0),
    }
    seconds: dict[str, list[float]] = {name: [] for name in runs}
    for number in range(rounds):
        for name in list(runs)[:: 1 if number % 2 == 0 else -1]:
            with stage(
                f"{name} ({number + 1})", clauses=len(texts), chars=chars, results=results
            ) as counts:
                runs[name]()
            seconds[name].append(counts["seconds"])
    for name, times in seconds.items():
        results[name] = {"clauses": len(texts), "chars": chars, "seconds": sum(times) / rounds}
    kiwi_s, tag_s = seconds.values()
    per_round = ", ".join(f"{k / t:.2f}" for k, t in zip(kiwi_s, tag_s, strict=True))
    print(
        f"  ratio tagging / plain Kiwi on the same {len(texts):,} texts: "
        f"{sum(kiwi_s) / sum(tag_s):.2f} over {rounds} rounds (each round: {per_round})"
    )


def changed_copy(path: Path, folder: Path) -> tuple[Path, str]:
    """The law file with the text of its first article body changed by one word."""
    text = path.read_text(encoding="utf-8")
    marker = "목적으로 한다"
    if marker not in text:
        raise SystemExit(f"{path}: no '{marker}' to change")
    out = folder / path.name
    out.write_text(text.replace(marker, "목적으로 삼는다", 1), encoding="utf-8")
    return out, "제1조"


def end_to_end(args, sources: list[Path], docs: int, workdir: Path, change: Path) -> None:
    """Import, analyse, check (full), re-check after one change, then the Kiwi baseline;
    each stage is its lawcheck command (`--format json` where a count is read from it)."""
    results: dict = {}
    db = args.db or f"sqlite:///{workdir}/bench.db"
    engine = get_engine(db)
    total_start = time.perf_counter()
    with stage("import", docs=docs, results=results) as counts:
        report = json.loads(lawcheck("import", *map(str, sources), "--format", "json", db=db))
        counts["clauses"] = report["clauses"]
    with Session(engine) as session:
        chars = session.exec(select(func.sum(func.length(ClauseRow.text)))).one()
    counts["chars"] = chars
    print(f"  {report['imported']} imported, {len(report['failed'])} failed; {chars:,} chars")
    import_s = counts["seconds"]
    with stage("analyse", docs=docs, chars=chars, results=results) as counts:
        analysed = json.loads(lawcheck("analyse", "--format", "json", db=db))
        counts["clauses"] = analysed["clauses"]
    analyse_s = counts["seconds"]
    print(
        f"  {analysed['analysed']:,} distinct texts tagged, {analysed['reused']:,} clauses "
        f"reused; {analysed['references']:,} references, {analysed['definitions']:,} "
        f"definitions; tagging {analysed['tagging_seconds']:.0f}s, linking "
        f"{analysed['linking_seconds']:.0f}s"
    )
    with stage("check (full, saved)", docs=docs, chars=chars, results=results) as counts:
        checked = lawcheck("check", db=db, ok=(0, 1))  # 1: findings at the error level
        counts["clauses"] = analysed["clauses"]
    print(f"  {check_summary(checked)}")
    total = time.perf_counter() - total_start
    print(
        f"import + analyse + check: {total:.0f}s ({total / 60:.1f} min); "
        f"import {import_s:.0f}s, analyse {analyse_s:.0f}s, check {counts['seconds']:.0f}s; "
        f"peak {max(r['peak'] for r in results.values()) / 2**20:,.0f} MB"
    )
    recheck(db, *changed_copy(change, workdir), results)
    texts = clause_texts(engine, args.kiwi_sample if args.corpus == "national" else None)
    kiwi_baseline(texts, results, args.rounds)
    kiwi = results["plain Kiwi tokenisation"]
    kiwi_rate = kiwi["clauses"] / kiwi["seconds"]
    for what, seconds in (
        ("its tagging phase (Kiwi + tagger)", analysed["tagging_seconds"]),
        ("the whole stage (+ clause tags, references, links)", analyse_s),
    ):
        print(
            f"  ratio analyse stage, {what}, all clauses, cold cache / plain Kiwi: "
            f"{analysed['clauses'] / seconds:,.0f} vs {kiwi_rate:,.0f} clauses/s = "
            f"{analysed['clauses'] / seconds / kiwi_rate:.2f}"
        )


def recheck(db: str, edited: Path, article: str, results: dict) -> None:
    """Re-import one law with one article changed, re-analyse it and re-check incrementally."""
    with stage("re-check, nothing changed", results=results):
        same = lawcheck("check", db=db, ok=(0, 1))
    print(f"  {check_summary(same)}")
    with stage("re-import one changed law", docs=1, results=results):
        reimported = json.loads(lawcheck("import", str(edited), "--format", "json", db=db))
    law_id = read_path(edited).meta.law_id
    with stage("re-analyse that law", docs=1, results=results) as counts:
        again = json.loads(lawcheck("analyse", "--law", law_id, "--format", "json", db=db))
        counts["clauses"] = again["clauses"]
    print(f"  {reimported['imported']}; {again['analysed']} texts tagged ({article} changed)")
    with stage("re-check (incremental)", docs=1, results=results):
        rechecked = lawcheck("check", db=db, ok=(0, 1))
    print(f"  {check_summary(rechecked)}")


def scaling(args) -> None:
    """Check time (corpus load + all stable rules) on nested subsets of n, 3n, 10n laws."""
    engine = get_engine(args.db, create=False)
    with Session(engine) as session:
        versions = [v.id for v in list_versions(session, latest_only=True)]
    random.Random(7).shuffle(versions)
    rules = default_rules().select(None, None)
    previous: tuple[float, int, int] | None = None
    for factor in (1, 3, 10):
        subset = versions[: SHARED_LAWS * factor]
        _TERM_CACHE.clear()  # each point tokenises its own terms, as a new process would
        WATCH.reset()
        started = time.perf_counter()
        corpus = Corpus(engine, subset)
        loaded = time.perf_counter() - started
        findings = run_rules(corpus, rules)
        seconds = time.perf_counter() - started
        growth = ""
        if previous is not None:
            growth = (
                f", ×{seconds / previous[0]:.2f} time for ×{factor / previous[1]:.1f} laws, "
                f"×{len(corpus.clauses) / previous[2]:.2f} clauses"
            )
        print(
            f"{factor:>2}×: {len(subset):,} laws, {len(corpus.clauses):,} clauses, load "
            f"{loaded:.1f}s, check {seconds:.1f}s, {len(findings):,} findings, "
            f"peak {WATCH.peak / 2**20:,.0f} MB ({load()}){growth}",
            flush=True,
        )
        previous = (seconds, factor, len(corpus.clauses))
        del corpus


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--corpus", choices=["shared", "national"])
    parser.add_argument("--scale", action="store_true")
    parser.add_argument("--db", help="database URL (default: SQLite in the work folder)")
    parser.add_argument("--keep", help="keep the work folder (unpacked files, database) here")
    parser.add_argument("--kiwi-sample", type=int, default=100_000)
    parser.add_argument(
        "--rounds", type=int, default=3, help="alternating rounds of plain Kiwi and tagging"
    )
    parser.add_argument(
        "--baseline",
        action="store_true",
        help="on --db: plain Kiwi and the tagger on --kiwi-sample of its clause texts",
    )
    parser.add_argument(
        "--recheck",
        metavar="FILE",
        help="on --db: a full check, then re-import FILE (one law, an article changed since "
        "it was imported), re-analyse it and re-check incrementally",
    )
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds must be at least 1: the ratio needs one round of each")
    if args.baseline:
        if not args.db:
            parser.error("--baseline needs --db")
        kiwi_baseline(clause_texts(get_engine(args.db), args.kiwi_sample), {}, args.rounds)
        return 0
    if args.recheck:
        if not args.db:
            parser.error("--recheck needs --db: a database analysed with FILE's law")
        results: dict = {}
        with stage("check (full, saved)", results=results):
            # Full, whatever the term index says: the re-check below starts from it.
            checked = run_check(get_engine(args.db), save=True, incremental=False)
        print(f"  {len(checked.findings):,} findings")
        recheck(args.db, Path(args.recheck), "the changed article", results)
        return 0
    if args.scale:
        if not args.db:
            parser.error("--scale needs --db: an analysed database (e.g. from --corpus national)")
        scaling(args)
        return 0
    if not args.corpus:
        parser.error("give --corpus shared|national or --scale")
    shared = shared_dir()
    if shared is None:
        print(SHARED_MISSING_REASON, file=sys.stderr)
        return 2
    workdir = Path(args.keep or tempfile.mkdtemp(prefix="lawcheck-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"{args.corpus} corpus, work folder {workdir}, {os.cpu_count()} CPUs ({load()})")
    try:
        if args.corpus == "shared":
            sources = [shared / "corpus" / "raw"]
            # The XML body, not the Markdown copy: of two sources of one 공포번호 it is
            # the version every stage reads.
            change = shared / "corpus" / "raw" / "xml" / "ai_basic_act_21311.xml"
        else:
            archive = shared / "national" / "legalize-kr-national-20260605.tar.xz"
            unpacked = workdir / "national"
            unpacked.mkdir(exist_ok=True)
            with stage("unpack", results={}):
                subprocess.run(["tar", "-xJf", str(archive), "-C", str(unpacked)], check=True)
            sources = [unpacked]
            change = unpacked / "kr" / "인공지능발전과신뢰기반조성등에관한기본법" / "법률.md"
        docs = sum(1 for source in sources for _ in iter_law_files(source))
        end_to_end(args, sources, docs, workdir, change)
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
