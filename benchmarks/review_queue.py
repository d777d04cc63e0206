"""Benchmark: server-side render time of the review queue page with 10,000 findings.

The findings are the real ones of the embedded corpus (all rules, preview included), cloned
with distinct ids until there are --findings of them (each clone keeps its real clauses, so
every page renders real text, positions and references); every third one gets a decision.
The page is rendered by Streamlit's AppTest, which runs app.py's script exactly as the server
does for a browser (no network, no browser paint). Prints the median and worst of --runs
renders for: the first page, a filtered page (one rule, open only) and the last page; and the
two data steps alone (the queue index of all findings, the details of one page).

Usage: python benchmarks/review_queue.py [--findings 10000] [--runs 5] [--db URL]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time

from sqlalchemy import insert
from sqlmodel import Session, select

from lawcheck.check import run_check
from lawcheck.pipeline import analyse_database, import_paths
from lawcheck.review import finding_views, queue_index
from lawcheck.store import DecisionRow, FindingRow, get_engine, session_scope
from lawcheck.testing import PROJECT_ROOT


def _render_page(root: str) -> None:
    import sys

    sys.path.insert(0, root)
    import app

    app.review_queue()


def build(engine, target: int) -> int:
    """Import, analyse and check the embedded corpus, then clone findings up to `target`."""
    corpus = PROJECT_ROOT / "corpus"
    import_paths([corpus / "embed", corpus / "api"], engine)
    analyse_database(engine)
    run_check(engine, preview=True, save=True)
    with Session(engine) as session:
        real = session.exec(select(FindingRow)).all()
    if not real:
        raise SystemExit("the check found nothing to clone")
    columns = [c.name for c in FindingRow.__table__.columns if c.name != "id"]
    rows, decisions, copy = [], [], 0
    while len(real) + len(rows) < target:
        copy += 1
        for row in real:
            if len(real) + len(rows) >= target:
                break
            clone = {name: getattr(row, name) for name in columns}
            clone["finding_id"] = f"{row.finding_id}#{copy}"
            clone["score"] = row.score - copy * 1e-6  # keep the ranking stable and distinct
            rows.append(clone)
    for number, row in enumerate([*real, *rows]):
        if number % 3 == 0:
            fid = row.finding_id if isinstance(row, FindingRow) else row["finding_id"]
            hashes = row.clause_hashes if isinstance(row, FindingRow) else row["clause_hashes"]
            decisions.append(
                {
                    "finding_id": fid,
                    "decision": ("confirmed", "dismissed", "needs_discussion")[(number // 3) % 3],
                    "note": "벤치마크",
                    "reviewer": "benchmark",
                    "created_at": f"2026-11-22T00:00:{number % 60:02d}.{number:06d}+00:00",
                    "clause_hashes": hashes,
                }
            )
    with session_scope(engine) as session:
        for i in range(0, len(rows), 1000):
            session.execute(insert(FindingRow), rows[i : i + 1000])
        for i in range(0, len(decisions), 1000):
            session.execute(insert(DecisionRow), decisions[i : i + 1000])
    return len(real)


def timed(function, runs: int) -> tuple[float, float]:
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds), max(seconds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--findings", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", help="database URL (default: SQLite in a temp folder)")
    args = parser.parse_args()
    from streamlit.testing.v1 import AppTest

    with tempfile.TemporaryDirectory() as tmp:
        url = args.db or f"sqlite:///{tmp}/review.db"
        engine = get_engine(url)
        start = time.perf_counter()
        real = build(engine, args.findings)
        print(
            f"built: {real} real findings cloned to {args.findings:,} "
            f"in {time.perf_counter() - start:.1f}s"
        )
        with Session(engine) as session:
            entries = queue_index(session)
        assert len(entries) == args.findings, len(entries)
        os.environ["LAWCHECK_DB"] = url

        def index() -> None:
            with Session(engine) as session:
                queue_index(session)

        def details() -> None:
            with Session(engine) as session:
                finding_views(session, [e.finding_id for e in entries[:10]])

        at = AppTest.from_function(_render_page, args=(str(PROJECT_ROOT),), default_timeout=300)
        at.run()  # first run: imports and the engine; not counted
        assert not at.exception, at.exception

        def first_page() -> None:
            at.run()

        rule = entries[0].rule_id
        filtered = AppTest.from_function(
            _render_page, args=(str(PROJECT_ROOT),), default_timeout=300
        )
        filtered.run()
        filtered.sidebar.multiselect(key="q_rule").set_value([rule])
        filtered.sidebar.multiselect(key="q_status").set_value(["open"])

        last = AppTest.from_function(_render_page, args=(str(PROJECT_ROOT),), default_timeout=300)
        last.run()
        last.number_input(key="q_page").set_value(-(-args.findings // 10))

        results = [
            ("queue index (all findings + latest decisions)", timed(index, args.runs)),
            ("details of one page (10 findings)", timed(details, args.runs)),
            ("queue page, first page", timed(first_page, args.runs)),
            ("queue page, one rule + open only", timed(filtered.run, args.runs)),
            ("queue page, last page", timed(last.run, args.runs)),
        ]
        for app_test in (at, filtered, last):
            assert not app_test.exception, app_test.exception
        print(f"{'step':<50} {'median':>9} {'worst':>9}")
        for name, (median, worst) in results:
            print(f"{name:<50} {median * 1000:>7.0f}ms {worst * 1000:>7.0f}ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
