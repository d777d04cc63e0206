"""The `lawcheck` command: one thin command per stage over the library functions.

Results go to stdout (text, or JSON with `--format json`), progress and logs to stderr.
Exit codes: 0 success; 1 findings at or above `--fail-on` (check); 2 bad input, configuration
or internal error.
"""

from __future__ import annotations

import json
import logging
import sys
from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from lawcheck import __version__
from lawcheck.errors import LawcheckError, RefSyntaxError
from lawcheck.importers import MAX_SOURCE_BYTES
from lawcheck.models import ClauseRef, UnitKind
from lawcheck.pipeline import import_paths
from lawcheck.progress import progress_bar
from lawcheck.store import (
    blocks_of,
    clauses_of,
    count_rows,
    db_url,
    find_version,
    get_engine,
    list_versions,
    redact_url,
    tag_balance,
    tags_of,
)

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="lawcheck: coherence between Korean AI laws that promote (진흥) and regulate (규제).",
)
log = logging.getLogger("lawcheck")


class OutputFormat(StrEnum):
    text = "text"
    json = "json"


DbOption = Annotated[
    str | None,
    typer.Option("--db", help="Database URL (default $LAWCHECK_DB or sqlite:///lawcheck.db)."),
]
FormatOption = Annotated[OutputFormat, typer.Option("--format", help="Output format.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress output.")]


def main() -> None:
    """Entry point of the console script; turns lawcheck errors into exit code 2."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        app()
    except LawcheckError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", help="Show the version.")] = False,
) -> None:
    if version:
        typer.echo(__version__)
        raise typer.Exit(0)


def _emit(data, fmt: OutputFormat, text_lines) -> None:
    if fmt is OutputFormat.json:
        typer.echo(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for line in text_lines:
            typer.echo(line)


# ---------------------------------------------------------------------------------------------
# import / laws / show
# ---------------------------------------------------------------------------------------------


@app.command("import")
def import_cmd(
    paths: Annotated[list[Path], typer.Argument(help="Files, folders or a legalize-kr clone.")],
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.text,
    quiet: QuietOption = False,
    max_bytes: Annotated[
        int,
        typer.Option("--max-bytes", min=1, help="Refuse law files larger than this (bytes)."),
    ] = MAX_SOURCE_BYTES,
) -> None:
    """Import law.go.kr XML/JSON bodies and legalize-kr Markdown into the database."""
    engine = get_engine(db)
    with progress_bar("import", quiet) as progress:
        report = import_paths(paths, engine, progress=progress, max_bytes=max_bytes)
    data = report.as_dict()
    lines = [
        f"{data['files']} files: "
        + ", ".join(f"{n} {status}" for status, n in sorted(data["imported"].items()))
        + f"; {data['clauses']:,} clauses; {len(report.unparsed)} UNPARSED; "
        f"{len(report.failed)} failed",
    ]
    lines += [f"UNPARSED {law} {ref}: {why}" for law, ref, why in report.unparsed]
    lines += [f"FAILED {path}: {message}" for path, message in report.failed]
    _emit(data, fmt, lines)
    if not report.ok:
        raise typer.Exit(2)


@app.command("laws")
def laws_cmd(
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.text,
    all_versions: Annotated[bool, typer.Option("--all-versions", help="Every version.")] = False,
) -> None:
    """List the laws in the database (newest version of each unless --all-versions)."""
    engine = get_engine(db)
    from sqlmodel import Session

    with Session(engine) as session:
        rows = list_versions(session, latest_only=not all_versions)
        data = [
            {
                "law_id": r.law_id,
                "mst": r.mst,
                "name": r.name,
                "abbreviation": r.abbreviation,
                "kind": r.kind,
                "ministry": r.ministry,
                "promulgation_no": r.promulgation_no,
                "promulgation_date": r.promulgation_date,
                "effective_date": r.effective_date,
                "articles": r.counts.get("articles", 0),
                "source_format": r.source_format,
            }
            for r in rows
        ]
    lines = [
        f"{d['law_id']}  {d['kind']:<12} {d['name']}  (제{_int(d['promulgation_no'])}호, "
        f"시행 {d['effective_date']}, {d['articles']}조)"
        for d in data
    ]
    _emit(data, fmt, lines or ["(no laws imported: run `lawcheck import PATH` or `lawcheck run`)"])


def _tag_fields(pair) -> dict:
    """The analysis of one clause for output, or nothing before `lawcheck analyse` ran."""
    if pair is None:
        return {}
    tag, cache = pair
    return {
        "tag": tag.tag,
        "modality": tag.modality,
        "own_tag": cache.tag,
        "proviso_modality": cache.proviso_modality,
        "duty_bearer": cache.duty_bearer,
        "actor_type": cache.actor_type,
        "regulated_party": cache.regulated_party,
        "rule": cache.rule,
        "inherited_from": tag.inherited_from,
        "evidence": cache.evidence,
    }


def _int(value: str | None) -> str:
    return str(int(value)) if value and value.isdigit() else (value or "?")


@app.command("show")
def show_cmd(
    law: Annotated[str, typer.Argument(help="법령ID, name, abbreviation or MST.")],
    ref: Annotated[
        str | None, typer.Argument(help="Clause, e.g. 제3조의2제1항 or 제5조 단서.")
    ] = None,
    version: Annotated[
        str | None, typer.Option(help="공포번호 or 시행일자 of an older version.")
    ] = None,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Print a law, or one clause with everything below it."""
    engine = get_engine(db)
    from sqlmodel import Session

    with Session(engine) as session:
        row = find_version(session, law, version=version)
        clauses = clauses_of(session, row.id)
        tags = tags_of(session, row.id)
        blocks = {b.id: b for b in blocks_of(session, row.id)}
        selected = clauses
        part_text = None
        if ref:
            try:
                wanted = ClauseRef.parse(ref)
            except RefSyntaxError:
                raise
            target = wanted.with_part(None)
            selected = [
                c
                for c in clauses
                if c.kind != UnitKind.UNPARSED.value and target.contains(ClauseRef.parse(c.ref))
            ]
            if not selected:
                raise LawcheckError(
                    f"{row.name} has no {target}; `lawcheck show {law}` lists its clauses"
                )
            if wanted.part:
                head = selected[0]
                spans = [p for p in head.parts if p["label"] == wanted.part]
                if not spans:
                    raise LawcheckError(f"{row.name} {target} has no {wanted.part}")
                block_text = blocks[head.block_id].text
                part_text = block_text[spans[0]["start"] : spans[0]["end"]]
        data = {
            "law": {
                "law_id": row.law_id,
                "name": row.name,
                "kind": row.kind,
                "promulgation_no": row.promulgation_no,
                "effective_date": row.effective_date,
            },
            "clauses": [
                {
                    "ref": c.ref,
                    "kind": c.kind,
                    "label": c.label,
                    "parent": c.parent_ref,
                    "text": c.text,
                    "start": c.start,
                    "end": c.end,
                    "reason": c.reason,
                    **_tag_fields(tags.get(c.id)),
                }
                for c in selected
            ],
        }
        if part_text is not None:
            data["part"] = {"ref": ref, "text": part_text}
    indent = {"조": 0, "항": 1, "호": 2, "목": 3, "세목": 4, "세세목": 5, "부칙조": 1}
    lines = [f"{row.name} ({row.kind}, 제{_int(row.promulgation_no)}호, 시행 {row.effective_date})"]
    if part_text is not None:
        lines.append(f"[{ref}] {part_text}")
    else:
        for c in data["clauses"]:
            pad = "  " * indent.get(c["kind"], 0)
            tag = f"[{c['ref']}]" if c["kind"] != "UNPARSED" else f"[UNPARSED: {c['reason']}]"
            for i, text_line in enumerate(c["text"].split("\n")):
                lines.append(f"{pad}{tag if i == 0 else ' ' * len(tag)} {text_line}")
            if c.get("tag"):
                who = f", {c['duty_bearer']} ({c['actor_type']})" if c["duty_bearer"] else ""
                via = f", from {c['inherited_from']}" if c["inherited_from"] else ""
                lines.append(f"{pad}{' ' * len(tag)}   → {c['tag']}, {c['modality']}{who}{via}")
    _emit(data, fmt, lines)


# ---------------------------------------------------------------------------------------------
# The main job
# ---------------------------------------------------------------------------------------------


def embedded_corpus() -> Path:
    """The corpus shipped with lawcheck (./corpus in a checkout)."""
    here = Path.cwd() / "corpus"
    if (here / "embed").is_dir():
        return here
    from lawcheck.testing import PROJECT_ROOT

    return PROJECT_ROOT / "corpus"


@app.command("run")
def run_cmd(
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.text,
    quiet: QuietOption = False,
    review: Annotated[
        bool | None,
        typer.Option(
            "--review/--no-review",
            help="Start the review UI at the end (default: when run in a terminal).",
        ),
    ] = None,
    port: Annotated[int, typer.Option(help="Port of the review UI.")] = 8501,
) -> None:
    """The main job: import, analyse and check the embedded corpus, summarise it, then open
    the review UI on it."""
    corpus = embedded_corpus()
    sources = [corpus / "embed", corpus / "api"]
    missing = [str(p) for p in sources if not p.is_dir()]
    if missing:
        raise LawcheckError(
            f"embedded corpus not found ({', '.join(missing)}); run lawcheck "
            "from the project checkout"
        )
    from lawcheck.pipeline import analyse_database

    engine = get_engine(db)
    with progress_bar("import", quiet) as progress:
        report = import_paths(sources, engine, progress=progress)
    with progress_bar("analyse", quiet) as progress:
        analysed = analyse_database(engine, progress=progress)
    from lawcheck.check import run_check

    with progress_bar("check", quiet) as progress:
        checked = run_check(engine, save=True, progress=progress)
    findings = dict(sorted(Counter(f.rule_id for f in checked.findings).items()))
    from sqlmodel import Session

    with Session(engine) as session:
        totals = count_rows(session)
        laws = list_versions(session, latest_only=True)
        balance = {r.law_id: tag_balance(session, r.id) for r in laws}
    data = {
        "database": redact_url(db_url(db)),
        "import": report.as_dict(),
        "analyse": analysed.as_dict(),
        "totals": totals,
        "findings": findings,
        "laws": [
            {
                "law_id": r.law_id,
                "name": r.name,
                "kind": r.kind,
                "articles": r.counts.get("articles", 0),
                "tags": balance[r.law_id],
            }
            for r in laws
        ],
    }
    lines = [
        f"database: {data['database']}",
        f"imported {len(report.saved)} files ({len(report.failed)} failed): "
        f"{totals['laws']} laws, {totals['versions']} versions, {totals['clauses']:,} clauses, "
        f"{totals['unparsed']} UNPARSED",
        f"analysed {analysed.clauses:,} clauses ({analysed.analysed:,} new texts, "
        f"{analysed.reused:,} from the cache) in {analysed.seconds:.1f}s",
        f"checked: {len(checked.findings)} findings ("
        + ", ".join(f"{rule} {n}" for rule, n in findings.items())
        + ") — `lawcheck check` lists them, `lawcheck review` opens the UI",
        "",
        f"  {'법령ID':<7} {'kind':<8} {'진흥':>5} {'규제':>5} {'중립':>5}  law",
    ]
    lines += [
        f"  {r.law_id:<9} {r.kind:<8} {balance[r.law_id].get('promotion', 0):>5} "
        f"{balance[r.law_id].get('regulation', 0):>5} {balance[r.law_id].get('neutral', 0):>5}  "
        f"{r.name} ({r.counts.get('articles', 0)}조)"
        for r in laws
    ]
    lines += [f"FAILED {p}: {m}" for p, m in report.failed]
    _emit(data, fmt, lines)
    if not report.ok:
        raise typer.Exit(2)
    # Scripts and pipes get the summary and the exit code; a person at a terminal gets the UI.
    if review if review is not None else (sys.stdin.isatty() and sys.stdout.isatty()):
        _serve_review(db, "127.0.0.1", port)


# ---------------------------------------------------------------------------------------------
# fetch
# ---------------------------------------------------------------------------------------------


@app.command("fetch")
def fetch_cmd(
    watchlist: Annotated[Path, typer.Option(help="Laws to follow (TOML).")] = Path(
        "corpus/watchlist.toml"
    ),
    out: Annotated[Path, typer.Option(help="Where raw responses are saved.")] = Path("corpus/raw"),
    law: Annotated[
        list[str] | None,
        typer.Option("--law", help="Only these watchlist laws (name or 법령ID); repeatable."),
    ] = None,
    base_url: Annotated[
        str, typer.Option("--base-url", help="law.go.kr DRF base URL (a replay server in tests).")
    ] = "https://www.law.go.kr",
    delegated: Annotated[
        bool,
        typer.Option(
            "--delegated/--no-delegated", help="Also fetch lsDelegated (위임법령) tables."
        ),
    ] = True,
    do_import: Annotated[
        bool,
        typer.Option("--import/--no-import", help="Import the fetched bodies into the database."),
    ] = True,
    timeout: Annotated[float, typer.Option(help="Seconds per request.")] = 30.0,
    retries: Annotated[int, typer.Option(help="Retries of transient failures.")] = 4,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.text,
    quiet: QuietOption = False,
) -> None:
    """Fetch the watchlist's statutes with their 시행령 and 시행규칙 from law.go.kr.

    The OC key comes from $LAWCHECK_OC. Bodies are saved byte for byte with a manifest; a
    re-run skips what is already saved and verified, so an interrupted fetch resumes.
    """
    from lawcheck.fetch import LawApiClient, RawStore, fetch_watchlist, load_watchlist

    entries = load_watchlist(watchlist)
    if law:
        wanted = set(law)
        entries = [e for e in entries if e.name in wanted or e.law_id in wanted]
        unknown = wanted - {e.name for e in entries} - {e.law_id for e in entries}
        if unknown:
            raise LawcheckError(
                f"{', '.join(sorted(unknown))} not in {watchlist}; add a "
                "[[law]] entry with its name and 법령ID"
            )
    store = RawStore(out)
    with (
        LawApiClient(base_url=base_url, timeout=timeout, retries=retries) as client,
        progress_bar("fetch", quiet) as progress,
    ):
        report = fetch_watchlist(
            entries, store, client, progress=progress, include_delegated=delegated
        )
    data: dict = {
        "fetched": [vars(i) for i in report.fetched],
        "skipped": [vars(i) for i in report.skipped],
        "failed": [vars(f) for f in report.failed],
        "out": str(out),
    }
    lines = [report.summary(), f"saved under {out} (manifest.jsonl lists every file)"]
    if do_import:
        engine = get_engine(db)
        with progress_bar("import", quiet) as progress:
            imported = import_paths([out], engine, progress=progress)
        data["import"] = imported.as_dict()
        lines.append(
            f"imported {len(imported.saved)} bodies into {redact_url(db_url(db))}, "
            f"{len(imported.failed)} failed"
        )
        lines += [f"FAILED {p}: {m}" for p, m in imported.failed]
        if not imported.ok:
            _emit(data, fmt, lines)
            raise typer.Exit(2)
    _emit(data, fmt, lines)
    if not report.ok:
        raise typer.Exit(2)


# ---------------------------------------------------------------------------------------------
# Analysis
# ---------------------------------------------------------------------------------------------


@app.command("analyse")
def analyse_cmd(
    law: Annotated[
        str | None, typer.Option(help="Only this law (법령ID, name, abbreviation).")
    ] = None,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.text,
    quiet: QuietOption = False,
) -> None:
    """Tag every clause (promotion / regulation / neutral, modality, duty-bearer, evidence)."""
    from lawcheck.pipeline import analyse_database

    engine = get_engine(db)
    with progress_bar("analyse", quiet) as progress:
        report = analyse_database(engine, law=law, progress=progress)
    data = report.as_dict()
    _emit(
        data,
        fmt,
        [
            f"{report.versions} law versions, {report.clauses:,} clauses: "
            f"{report.analysed:,} texts analysed, {report.reused:,} reused from the "
            f"cache, {report.seconds:.1f}s"
        ],
    )


@app.command("query")
def query_cmd(
    text: Annotated[str, typer.Argument(help='The task in Korean, e.g. "CCTV 얼굴인식".')],
    limit: Annotated[int, typer.Option(help="How many clauses to show.")] = 20,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Which laws touch this task? Clauses ranked across all laws, with their tags."""
    from lawcheck.query import search

    concepts, hits = search(get_engine(db), text, limit=limit)
    data = {
        "query": text,
        "concepts": [{"word": c.word, "terms": list(c.terms)} for c in concepts],
        "clauses": [h.as_dict() for h in hits],
    }
    lines = [f"concepts: {', '.join(c.word for c in concepts) or '(none)'}"]
    for h in hits:
        found = ", ".join(sorted({w for words in h.matched.values() for w in words}))
        lines.append(
            f"{h.score:6.2f}  {h.law_name} {h.ref}  [{h.tag or '-'}, {h.modality or '-'}"
            f"{', ' + h.duty_bearer if h.duty_bearer else ''}]  ({found})"
        )
        lines.append(f"        {h.text[:160]}")
    if not hits:
        lines.append("no clause mentions these words; try other words or `lawcheck laws`")
    _emit(data, fmt, lines)


@app.command("tag")
def tag_cmd(
    jsonl: Annotated[Path, typer.Option("--jsonl", help='Input lines {"id": …, "text": …}.')],
    out: Annotated[Path | None, typer.Option("--out", help="Write here instead of stdout.")] = None,
) -> None:
    """Tag texts: one JSON line per input with label, modality, duty-bearer and evidence."""
    from lawcheck.evaluate import read_jsonl, tag_texts

    items = read_jsonl(jsonl)
    results = tag_texts([item["text"] for item in items])
    lines = []
    for item, result in zip(items, results, strict=True):
        record = result.as_record()
        for evidence in record["evidence"]:
            evidence["text"] = item["text"][evidence["start"] : evidence["end"]]
        line = {"id": item["id"], "label": record.pop("tag"), **record}
        lines.append(json.dumps(line, ensure_ascii=False))
    if out is not None:
        out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    else:
        for line in lines:
            typer.echo(line)


@app.command("eval")
def eval_cmd(
    path: Annotated[
        Path | None, typer.Argument(help="Labelled JSONL (default: corpus/eval).")
    ] = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Precision/recall/F1 per tag, the confusion matrix and modality accuracy."""
    from lawcheck.evaluate import EVAL_SET, LABELS, evaluate

    report = evaluate(path or EVAL_SET)
    lines = [
        f"{report['items']} items; tag macro-F1 {report['macro_f1']:.3f}; "
        f"modality accuracy {report['modality_accuracy']:.3f}",
        "",
        f"{'':<12}{'precision':>10}{'recall':>8}{'F1':>7}{'n':>5}",
    ]
    for label, c in report["per_class"].items():
        lines.append(
            f"{label:<12}{c['precision']:>10.3f}{c['recall']:>8.3f}{c['f1']:>7.3f}{c['support']:>5}"
        )
    lines += [
        "",
        "confusion (rows gold, columns predicted):",
        f"{'':<12}" + "".join(f"{p:>12}" for p in LABELS),
    ]
    for gold in LABELS:
        lines.append(f"{gold:<12}" + "".join(f"{report['confusion'][gold][p]:>12}" for p in LABELS))
    _emit(report, fmt, lines)


@app.command("review")
def review_cmd(
    db: DbOption = None,
    port: Annotated[int, typer.Option(help="Port of the review UI.")] = 8501,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
) -> None:
    """Start the review UI (Streamlit) on the database."""
    _serve_review(db, host, port)


def _serve_review(db: str | None, host: str, port: int) -> NoReturn:
    """Replace this process with Streamlit serving app.py; it runs until stopped."""
    import os

    from lawcheck.testing import PROJECT_ROOT

    app_path = PROJECT_ROOT / "app.py"
    if not app_path.is_file():
        raise LawcheckError(f"{app_path} not found; run lawcheck review from the project checkout")
    get_engine(db)  # fail here, with a clear message, if the database cannot be opened
    env = dict(os.environ, LAWCHECK_DB=db_url(db))
    typer.echo(
        f"lawcheck review on http://{host}:{port} (database {redact_url(db_url(db))}); "
        "Ctrl+C stops it",
        err=True,
    )
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app_path),
        "--server.port",
        str(port),
        "--server.address",
        host,
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    sys.stdout.flush()
    sys.stderr.flush()
    # Streamlit takes this process's place, so that a signal to it (Ctrl+C, a service
    # manager's SIGTERM) reaches the server itself and no orphaned server is left behind.
    os.execve(sys.executable, command, env)


# ---------------------------------------------------------------------------------------------
# check / rules / export
# ---------------------------------------------------------------------------------------------


class Severity(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"


@app.command("check")
def check_cmd(
    select: Annotated[list[str] | None, typer.Option(help="Rule ids or prefixes to run.")] = None,
    ignore: Annotated[list[str] | None, typer.Option(help="Rule ids or prefixes to skip.")] = None,
    law: Annotated[str | None, typer.Option(help="Only findings involving this law.")] = None,
    preview: Annotated[bool, typer.Option(help="Also run preview rules.")] = False,
    fail_on: Annotated[
        Severity, typer.Option(help="Exit 1 on findings at or above this.")
    ] = Severity.error,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.text,
    quiet: QuietOption = False,
) -> None:
    """Run the rules: conflicts and incoherence between laws, ranked, saved for review."""
    from lawcheck.check import format_report_text, run_check

    with progress_bar("check", quiet) as progress:
        report = run_check(
            get_engine(db),
            select=select,
            ignore=ignore,
            law=law,
            preview=preview,
            save=True,
            progress=progress,
        )
    if fmt is OutputFormat.json:
        typer.echo(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
    else:
        typer.echo(format_report_text(report))
    raise typer.Exit(report.exit_code(fail_on.value))


@app.command("compare")
def compare_cmd(
    law: Annotated[str, typer.Argument(help="법령ID, name or abbreviation.")],
    old: Annotated[str, typer.Argument(help="공포번호 or 시행일자 of the older version.")],
    new: Annotated[str, typer.Argument(help="공포번호 or 시행일자 of the newer version.")],
    preview: Annotated[bool, typer.Option(help="Also run preview rules.")] = False,
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Which findings an amendment created and which it resolved (two versions of a law)."""
    from lawcheck.check import compare_versions, finding_to_dict

    result = compare_versions(get_engine(db), law, old, new, preview=preview)
    data = {
        "law_id": result.law_id,
        "old": result.old,
        "new": result.new,
        "created": [finding_to_dict(f) for f in result.created],
        "resolved": [finding_to_dict(f) for f in result.resolved],
        "kept": [f.id for f in result.kept],
    }
    lines = [
        f"{result.law_id} {old} → {new}: {len(result.created)} created, "
        f"{len(result.resolved)} resolved, {len(result.kept)} kept"
    ]
    lines += [f"  + {f.id}  {f.message}" for f in result.created]
    lines += [f"  - {f.id}  {f.message}" for f in result.resolved]
    _emit(data, fmt, lines)


rules_app = typer.Typer(help="The rules lawcheck checks.", no_args_is_help=True)
app.add_typer(rules_app, name="rules")


@rules_app.command("list")
def rules_list_cmd(fmt: FormatOption = OutputFormat.text) -> None:
    """Every rule with its id, kind, severity and status."""
    from lawcheck.ruleset import list_rules

    rules = list_rules()
    _emit(
        rules,
        fmt,
        [
            f"{r['id']:<8} {r['status']:<8} {r['severity']:<8} {r['kind']:<26} {r['title']}"
            for r in rules
        ],
    )


@rules_app.command("explain")
def rules_explain_cmd(rule_id: Annotated[str, typer.Argument(help="A rule id, e.g. DLG001.")]):
    """A rule's documentation: rationale, parameters, examples, known limits."""
    from lawcheck.ruleset import explain_rule

    typer.echo(explain_rule(rule_id))


class ExportWhat(StrEnum):
    clauses = "clauses"
    findings = "findings"
    decisions = "decisions"


class ExportFormat(StrEnum):
    jsonl = "jsonl"
    csv = "csv"
    docbin = "docbin"
    json = "json"


@app.command("export")
def export_cmd(
    what: Annotated[
        ExportWhat, typer.Option(help="Clauses, findings or review decisions.")
    ] = ExportWhat.clauses,
    export_format: Annotated[
        ExportFormat | None,
        typer.Option(
            "--format",
            help="clauses: jsonl (default), csv, docbin; findings/decisions: json (default), csv.",
        ),
    ] = None,
    out: Annotated[Path | None, typer.Option(help="Output file.")] = None,
    law: Annotated[str | None, typer.Option(help="Only this law.")] = None,
    all_versions: Annotated[
        bool, typer.Option(help="Clauses of every stored version, not only the newest.")
    ] = False,
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
    db: DbOption = None,
    quiet: QuietOption = False,
) -> None:
    """Export clauses, findings or review decisions for research, with a .meta.json sidecar."""
    from lawcheck.export import FORMATS, SUFFIXES, export_corpus

    fmt = export_format.value if export_format else FORMATS[what.value][0]
    stem = "export" if what is ExportWhat.clauses else what.value
    target = out or Path(f"lawcheck-{stem}.{SUFFIXES[fmt]}")
    with progress_bar("export", quiet) as progress:
        report = export_corpus(
            get_engine(db), fmt, target, what=what.value, law=law, all_versions=all_versions,
            force=force, progress=progress,
        )
    typer.echo(json.dumps(report.as_dict(), ensure_ascii=False))


# ---------------------------------------------------------------------------------------------
# db: schema migrations
# ---------------------------------------------------------------------------------------------

db_app = typer.Typer(help="The database schema (Alembic migrations).", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("current")
def db_current_cmd(db: DbOption = None, fmt: FormatOption = OutputFormat.text) -> None:
    """The schema revision of the database and the newest one this lawcheck knows."""
    from lawcheck import migrations

    engine = get_engine(db, create=False)
    found, newest = migrations.current(engine), migrations.head()
    data = {"database": redact_url(db_url(db)), "current": found, "head": newest}
    state = (
        "up to date"
        if found == newest
        else "not yet a lawcheck database, or made before migrations: run `lawcheck db upgrade`"
        if found is None
        else "behind: run `lawcheck db upgrade`"
    )
    _emit(data, fmt, [f"{data['database']}: revision {found or '(none)'}, head {newest} — {state}"])


@db_app.command("upgrade")
def db_upgrade_cmd(
    revision: Annotated[str, typer.Argument(help="Target revision.")] = "head",
    db: DbOption = None,
    fmt: FormatOption = OutputFormat.text,
) -> None:
    """Upgrade the schema (every lawcheck command also does this on start), keeping every row."""
    from lawcheck import migrations

    before, after = migrations.upgrade(get_engine(db, create=False), revision)
    data = {"database": redact_url(db_url(db)), "before": before, "after": after}
    _emit(data, fmt, [f"{data['database']}: {before or '(empty)'} → {after}"])


if __name__ == "__main__":
    main()
