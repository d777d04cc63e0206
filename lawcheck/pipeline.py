"""The order of lawcheck's stages, written once: read → split → store (→ analyse → check).

Input: paths to law files or folders and a database engine. Output: reports of what was
imported. Each file is imported in its own transaction, so a broken file leaves nothing
behind and does not stop the others; its error is reported with the file's name.
"""

from __future__ import annotations

import json
import logging
import multiprocessing
import os
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlmodel import select

from lawcheck.errors import LawcheckError
from lawcheck.importers import MAX_SOURCE_BYTES, iter_law_files, read_path
from lawcheck.models import LawText
from lawcheck.resources import default_workers
from lawcheck.split import split_law
from lawcheck.store import SaveResult, insert_rows, save_law, session_scope

log = logging.getLogger(__name__)

Progress = Callable[[int, int, str], None]


@dataclass
class ImportReport:
    """What `import_paths` did, file by file."""

    saved: list[tuple[str, SaveResult]] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (path, message)
    unparsed: list[tuple[str, str, str]] = field(default_factory=list)  # (law, ref, reason)

    @property
    def ok(self) -> bool:
        return not self.failed

    def as_dict(self) -> dict:
        statuses: dict[str, int] = {}
        for _, result in self.saved:
            statuses[result.status] = statuses.get(result.status, 0) + 1
        return {
            "files": len(self.saved) + len(self.failed),
            "imported": statuses,
            "clauses": sum(r.clauses for _, r in self.saved),
            "failed": [{"path": p, "error": m} for p, m in self.failed],
            "unparsed": [{"law": n, "ref": r, "reason": why} for n, r, why in self.unparsed],
        }


def import_paths(
    paths: Iterable[str | Path],
    engine: Engine,
    *,
    progress: Progress | None = None,
    workers: int | None = None,
    max_bytes: int = MAX_SOURCE_BYTES,
) -> ImportReport:
    """Import law files (API XML/JSON, legalize-kr Markdown) from files, folders or clones.

    Files are read and split in `workers` processes (default: the CPU count, at most 2 here)
    while this process writes each law in its own transaction, in input order. A file larger
    than `max_bytes` is not read; it is reported as failed with the limit.
    """
    files: list[Path] = []
    msts: dict[Path, str] = {}
    for path in paths:
        files.extend(iter_law_files(path))
        msts.update(_manifest_msts(Path(path)))
    jobs = [(file, msts.get(file.resolve()) or _mst_from_name(file), max_bytes) for file in files]
    workers = workers if workers is not None else default_workers()
    report = ImportReport()
    if workers > 1 and len(jobs) >= 8:
        with worker_pool(workers) as pool:
            # Small chunks keep every worker busy; map() yields in input order.
            results = pool.map(_read_and_split, jobs, chunksize=4)
            _save_all(results, files, engine, report, progress)
    else:
        _save_all(map(_read_and_split, jobs), files, engine, report, progress)
    return report


def worker_pool(
    workers: int, initializer: Callable[..., None] | None = None, initargs: tuple = ()
):
    """A process pool for lawcheck's stages. Its workers are spawned, not forked: a forked
    worker shares the parent's open database connection (a killed import left its transaction,
    and the locks it held, open on the server) and can crash or hang in a copy of Kiwi's running
    threads. Each worker exits when its parent is gone instead of waiting on the task queue."""
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(os.getpid(), initializer, initargs),
    )


def _start_worker(parent: int, initializer: Callable[..., None] | None, initargs: tuple) -> None:
    """Pool initializer: watch the parent (end soon after it ends), then the stage's own."""
    import threading
    import time

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="lawcheck-parent-watch", daemon=True).start()
    if initializer is not None:
        initializer(*initargs)


def _read_and_split(job: tuple[Path, str | None, int]) -> LawText | str:
    """Read and split one file (in a worker process); a LawcheckError comes back as its text."""
    file, mst, max_bytes = job
    try:
        return split_law(read_path(file, mst=mst, max_bytes=max_bytes))
    except LawcheckError as exc:
        return str(exc)


def _save_all(
    results, files: list[Path], engine: Engine, report: ImportReport, progress: Progress | None
) -> None:
    for done, (file, law) in enumerate(zip(files, results, strict=True), start=1):
        if isinstance(law, str):
            log.warning("%s", law)
            report.failed.append((str(file), law))
        else:
            try:
                with session_scope(engine) as session:
                    result = save_law(session, law)
            except LawcheckError as exc:
                log.warning("%s", exc)
                report.failed.append((str(file), str(exc)))
            else:
                report.saved.append((str(file), result))
                report.unparsed.extend(
                    (law.meta.name, str(c.ref), c.reason or "")
                    for c in law.clauses()
                    if c.kind.value == "UNPARSED"
                )
        if progress is not None:
            progress(done, len(files), file.name)


def _manifest_msts(root: Path) -> dict[Path, str]:
    """MSTs recorded by `lawcheck fetch` in manifest.jsonl (API bodies do not carry them)."""
    manifest = (root if root.is_dir() else root.parent) / "manifest.jsonl"
    found: dict[Path, str] = {}
    if not manifest.is_file():
        return found
    for line in manifest.read_text(encoding="utf-8").splitlines():
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            continue  # a line cut by a killed fetch; the body it described is re-fetched
        if isinstance(entry, dict) and entry.get("path") and entry.get("mst"):
            found[(manifest.parent / entry["path"]).resolve()] = str(entry["mst"])
    return found


def _mst_from_name(path: Path) -> str | None:
    """'mst_285139.xml' or 'law/285139.xml' -> '285139'."""
    match = re.fullmatch(r"(?:mst_)?(\d{3,})", path.stem)
    return match.group(1) if match else None


# ---------------------------------------------------------------------------------------------
# analyse
# ---------------------------------------------------------------------------------------------

_ITEM_KINDS = {"호", "목", "세목", "세세목"}


@dataclass
class AnalyseReport:
    """What `analyse_database` did."""

    versions: int = 0
    clauses: int = 0
    analysed: int = 0  # distinct texts run through Kiwi and the tagger
    reused: int = 0  # clauses whose text was analysed before (cached, or repeated elsewhere)
    references: int = 0
    definitions: int = 0
    sanction_links: int = 0
    seconds: float = 0.0
    tagging_seconds: float = 0.0  # Kiwi and the tagger on the distinct texts
    linking_seconds: float = 0.0  # clause tags, references, definitions and sanction links

    def as_dict(self) -> dict:
        return dict(vars(self))


def analyser_id() -> str:
    """A hash of everything that decides a tag: code version, Kiwi, patterns, dictionary."""
    import hashlib
    from importlib.metadata import version

    from lawcheck import __version__
    from lawcheck.resources import PATTERN_DIR, USER_DICT

    # The installed version, read without importing Kiwi (a re-check needs no Kiwi).
    digest = hashlib.sha256(f"{__version__}|{version('kiwipiepy')}".encode())
    for path in sorted(PATTERN_DIR.glob("*.yaml")) + [USER_DICT]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def analyse_database(
    engine: Engine,
    *,
    law: str | None = None,
    progress: Progress | None = None,
    batch_size: int = 2000,
    known_names: Path | None = None,
    workers: int | None = None,
) -> AnalyseReport:
    """Tag every clause in the database (or one law), reusing cached analyses by text hash,
    and resolve its references, definitions and sanction links against every stored law.

    Tagging runs first over the distinct texts of the whole selection that no cached analysis
    covers (a text repeated in many laws, such as 부칙 boilerplate or "삭제", is analysed once),
    read and saved in batches of `batch_size` across laws, and tokenised by `workers` Kiwi
    threads. Then each version gets its clause tags and links, resolved in `workers` processes.

    Args:
        known_names: a law index TSV (law_id, law_name_ko, kind) of laws that exist but are
            not imported, so that a citation of one is "law not in corpus", not "no such law".
        workers: Kiwi threads for tagging and processes for linking (default: the CPU count,
            at most 2).
    """
    import time

    from sqlmodel import Session

    from lawcheck.store import find_version, list_versions

    started = time.perf_counter()
    report = AnalyseReport()
    analyser = analyser_id()
    workers = workers if workers is not None else default_workers()
    with Session(engine) as session:
        versions = [find_version(session, law)] if law else list_versions(session)
    _tag_missing(
        engine,
        analyser,
        [v.id for v in versions] if law else None,
        report,
        progress,
        batch_size,
        workers,
    )
    report.tagging_seconds = round(time.perf_counter() - started, 2)
    _link_all(engine, versions, analyser, report, progress, workers, known_names)
    report.linking_seconds = round(time.perf_counter() - started - report.tagging_seconds, 2)
    report.reused = report.clauses - report.analysed
    report.seconds = round(time.perf_counter() - started, 2)
    return report


def _tag_missing(
    engine: Engine,
    analyser: str,
    version_ids: list[int] | None,
    report: AnalyseReport,
    progress: Progress | None,
    batch_size: int,
    workers: int,
) -> None:
    """Analyse every distinct clause text of the selection that the cache lacks, and cache it.

    Only the hashes are held for the whole selection; texts are read batch by batch, so
    memory stays bounded on the national corpus.
    """
    from sqlalchemy import func
    from sqlmodel import Session

    from lawcheck.store import ClauseRow, TagCacheRow

    query = (
        select(ClauseRow.content_hash)
        .outerjoin(
            TagCacheRow,
            (TagCacheRow.content_hash == ClauseRow.content_hash)
            & (TagCacheRow.analyser == analyser),
        )
        .where(TagCacheRow.id.is_(None))
        .group_by(ClauseRow.content_hash)
    )
    if version_ids is not None:
        query = query.where(ClauseRow.version_id.in_(version_ids))
    with Session(engine) as session:
        hashes = list(session.exec(query))
    if not hashes:
        return

    def read(i: int) -> list[tuple[str, str]]:
        # The session is closed before the texts are handed on: no read stays open while
        # `save` writes.
        with Session(engine) as session:
            return session.exec(
                select(ClauseRow.content_hash, func.min(ClauseRow.text))
                .where(ClauseRow.content_hash.in_(hashes[i : i + batch_size]))
                .group_by(ClauseRow.content_hash)
            ).all()

    def save(rows: list[dict]) -> None:
        with session_scope(engine) as session:
            insert_rows(session, TagCacheRow, [{**r, "analyser": analyser} for r in rows])
        report.analysed += len(rows)
        if progress is not None:
            progress(report.analysed, len(hashes), "tagging distinct texts")

    # Reads and writes run in one database thread, a batch ahead of and behind the tagging:
    # Kiwi's threads read only a few dozen texts ahead, and would stand idle while this thread
    # waited on the database.
    with ThreadPoolExecutor(1, thread_name_prefix="lawcheck-db") as database:

        def texts() -> Iterator[tuple[str, str]]:
            next_batch = database.submit(read, 0)
            for i in range(0, len(hashes), batch_size):
                batch = next_batch.result()
                if i + batch_size < len(hashes):
                    next_batch = database.submit(read, i + batch_size)
                yield from batch

        saved = None  # the last save, finished before the next is queued: one batch in flight
        rows: list[dict] = []
        for row in tag_texts(texts(), workers):
            rows.append(row)
            if len(rows) == batch_size:
                if saved is not None:
                    saved.result()
                saved, rows = database.submit(save, rows), []
        if saved is not None:
            saved.result()
        if rows:
            save(rows)


# A text this long is tokenised on its own thread: Kiwi's worker threads read only a few
# dozen texts ahead, so while one of them spent seconds on a 부칙 of 200k characters the other
# would run out of work.
LONG_TEXT = 5_000  # characters


def tag_texts(items: Iterable[tuple[str, str]], kiwi_workers: int | None = None) -> Iterator[dict]:
    """Analyse (content hash, text) pairs: Kiwi morphemes, then the tagger; one tag-cache
    row (without the analyser) per text, as `items` is read. Rows come in input order except
    for texts longer than `LONG_TEXT`, which come a little later.

    One process: Kiwi's worker threads tokenise ahead while this thread tags. Measured
    against a pool of processes with one Kiwi thread each, this holds one Kiwi model instead
    of one per worker, pickles no texts or rows, and tags the same texts faster (issue 7,
    `benchmarks/run_all.py`).
    """
    from lawcheck.analyse import get_pipeline, morphologies
    from lawcheck.tag import tag_doc

    nlp = get_pipeline(kiwi_workers)
    digests: deque[str] = deque()
    long_ones: deque = deque()  # (digest, future morphology) of long texts, in input order

    def row(digest: str, morph) -> dict:
        return {"content_hash": digest, **tag_doc(morph).as_record()}

    with ThreadPoolExecutor(1, thread_name_prefix="lawcheck-long-text") as side:

        def texts() -> Iterator[str]:
            for digest, text in items:
                if len(text) > LONG_TEXT:
                    long_ones.append((digest, side.submit(nlp.tokenizer.morphology, text)))
                else:
                    digests.append(digest)
                    yield text

        for morph in morphologies(texts(), nlp):
            yield row(digests.popleft(), morph)
            while long_ones and long_ones[0][1].done():
                digest, future = long_ones.popleft()
                yield row(digest, future.result())
        for digest, future in long_ones:
            yield row(digest, future.result())


def cache_path(engine: Engine, name: str) -> Path:
    """Where a cache derived from this database lives: beside a SQLite file
    (`<file>.<name>`), else under $XDG_CACHE_HOME/lawcheck/ named by a hash of the URL.
    Caches can always be deleted; they are rebuilt on the next run."""
    import hashlib

    from lawcheck.store import redact_url

    url = engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).with_name(f"{Path(url.database).name}.{name}")
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "lawcheck"
    digest = hashlib.sha256(redact_url(str(url)).encode()).hexdigest()[:16]
    return cache / f"{name}-{digest}"


def build_index(engine: Engine, known_names: Path | None = None, workers: int = 1):
    """The resolver's view of the database: every stored law (newest version wins).

    Each law's entry is kept in a cache beside the database (`cache_path(engine,
    "law-index")`) keyed by version and source hash, so re-analysing one changed law reads
    that law only; the others are read in `workers` processes when many are missing.
    """
    import pickle

    from lawcheck.refs import LawIndex, load_known_names

    known = load_known_names(known_names) if known_names else None
    return LawIndex([pickle.loads(e) for e in _index_entries(engine, workers)], known_names=known)


def _index_entries(engine: Engine, workers: int = 1) -> list[bytes]:
    """The pickled index entry of every stored version, in version order; missing ones are
    made (in `workers` processes when many) and the cache is rewritten. Entries stay pickled
    one by one: whoever refreshes the cache for pool workers need not hold a whole index
    (at national scale, hundreds of MB), nor a pickler's memo of all of it."""
    import hashlib
    import pickle

    from sqlmodel import Session

    from lawcheck.store import list_versions

    code = hashlib.sha256()
    for module in ("refs.py", "models.py", "store.py"):
        code.update((Path(__file__).parent / module).read_bytes())
    path = cache_path(engine, "law-index")
    cached: dict = {}
    if path.is_file():
        try:
            stored = pickle.loads(path.read_bytes())
            cached = stored["entries"] if stored.get("code") == code.hexdigest() else {}
        except (pickle.UnpicklingError, EOFError, KeyError, AttributeError, TypeError) as exc:
            log.warning("law index cache %s unreadable (%s); rebuilding it", path, exc)
    with Session(engine) as session:
        versions = [(v.id, v.source_sha256) for v in list_versions(session)]
    missing = [
        vid for vid, source in versions if not source or cached.get(vid, (None,))[0] != source
    ]
    url = engine.url.render_as_string(hide_password=False)
    if workers > 1 and len(missing) >= 8 and _shareable(engine):
        with worker_pool(workers) as pool:
            fresh = list(pool.map(_pickled_entry, missing, [url] * len(missing), chunksize=4))
    else:
        fresh = [_pickled_entry(vid, engine) for vid in missing]
    sources = dict(versions)
    entries = {vid: cached[vid] for vid, _ in versions if vid in cached}
    entries.update({vid: (sources[vid], entry) for vid, entry in zip(missing, fresh, strict=True)})
    if missing or len(entries) != len(cached):
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(pickle.dumps({"code": code.hexdigest(), "entries": entries}))
        tmp.replace(path)
    return [entries[vid][1] for vid, _ in versions]


def _pickled_entry(version_id: int, source: Engine | str) -> bytes:
    import pickle

    return pickle.dumps(_law_entry(version_id, source))


def _law_entry(version_id: int, source: Engine | str):
    """What the resolver knows of one stored version (in a worker: `source` is a URL)."""
    from sqlmodel import Session

    from lawcheck.refs import LawEntry
    from lawcheck.store import LawVersion, load_law

    engine = source if isinstance(source, Engine) else _engine_for(source)
    with Session(engine) as session:
        version = session.get(LawVersion, version_id)
        return LawEntry.from_law(load_law(session, version, texts=False))


_LINK_INDEX = None  # the resolver's index in a link worker (`_init_link_worker`)


def _link_all(
    engine: Engine,
    versions: list,
    analyser: str,
    report: AnalyseReport,
    progress: Progress | None,
    workers: int,
    known_names: Path | None,
) -> None:
    """Clause tags, references, definitions and sanction links of every version, replacing
    older rows.

    Resolving is pure Python per law, so with several versions it runs in `workers`
    processes, which read the index from its cache and the laws from the database; this
    process refreshes the cache, without loading the index itself (one copy per worker is
    what bounds memory on the national corpus), and writes.
    """
    jobs = [v.id for v in versions]
    url = engine.url.render_as_string(hide_password=False)
    if workers > 1 and len(jobs) >= 8 and _shareable(engine):
        _index_entries(engine, workers)  # refreshed here; each worker reads its own copy
        with worker_pool(workers, _init_link_worker, (url, known_names)) as pool:
            results = pool.map(
                _link_rows, jobs, [url] * len(jobs), [analyser] * len(jobs), chunksize=2
            )
            _write_all(engine, versions, results, report, progress)
    else:
        index = build_index(engine, known_names, workers)
        results = (_link_rows(job, engine, analyser, index) for job in jobs)
        _write_all(engine, versions, results, report, progress)


def _init_link_worker(url: str, known_names: Path | None) -> None:
    global _LINK_INDEX
    _LINK_INDEX = build_index(_engine_for(url), known_names)


def _write_all(engine: Engine, versions, results, report, progress) -> None:
    from sqlmodel import delete

    from lawcheck.store import ClauseTagRow, DefinitionRow, ReferenceRow, SanctionLinkRow

    tables = {
        "tags": ClauseTagRow,
        "references": ReferenceRow,
        "definitions": DefinitionRow,
        "links": SanctionLinkRow,
    }
    for done, (version, rows) in enumerate(zip(versions, results, strict=True), start=1):
        with session_scope(engine) as session:
            for name, table in tables.items():
                session.exec(delete(table).where(table.version_id == version.id))
                insert_rows(session, table, rows[name])
        report.versions += 1
        report.clauses += len(rows["tags"])
        report.references += len(rows["references"])
        report.definitions += len(rows["definitions"])
        report.sanction_links += len(rows["links"])
        if progress is not None:
            progress(done, len(versions), version.name)


def _link_rows(
    version_id: int, source: Engine | str, analyser: str, index=None
) -> dict[str, list[dict]]:
    """The clause-tag, reference, definition and sanction-link rows of one version; in a
    worker, `source` is the database URL and the index the one the worker inherited."""
    from sqlmodel import Session

    from lawcheck.definitions import definitions_of
    from lawcheck.refs import references_of
    from lawcheck.sanctions import sanction_links
    from lawcheck.store import ClauseRow, LawVersion, TagCacheRow, load_law

    index = index if index is not None else _LINK_INDEX
    engine = source if isinstance(source, Engine) else _engine_for(source)
    with Session(engine) as session:
        version = session.get(LawVersion, version_id)
        law = load_law(session, version)
        clauses = session.exec(
            select(
                ClauseRow.id,
                ClauseRow.ref,
                ClauseRow.kind,
                ClauseRow.start,
                ClauseRow.parent_ref,
                TagCacheRow.id,
                TagCacheRow.tag,
                TagCacheRow.modality,
            )
            .join(
                TagCacheRow,
                (TagCacheRow.content_hash == ClauseRow.content_hash)
                & (TagCacheRow.analyser == analyser),
            )
            .where(ClauseRow.version_id == version_id)
            .order_by(ClauseRow.position)
        ).all()
    clause_ids: dict[str, int] = {}
    modality_by_ref: dict[str, str] = {}
    effective: dict[str, tuple[str, str, str | None]] = {}
    tags = []
    for clause_id, ref, kind, start, parent_ref, cache_id, own_tag, own_modality in clauses:
        tag, modality, inherited = own_tag, own_modality, None
        if kind in _ITEM_KINDS and own_modality == "none" and parent_ref in effective:
            # An item without a predicate of its own ("1. 제31조를 위반한 자") takes the tag
            # of the lead-in it completes.
            tag, modality, source_ref = effective[parent_ref]
            inherited = source_ref or parent_ref
        if kind not in ("UNPARSED", "부기"):
            effective[ref] = (tag, modality, inherited)
        tags.append(
            {
                "clause_id": clause_id,
                "version_id": version_id,
                "cache_id": cache_id,
                "tag": tag,
                "modality": modality,
                "inherited_from": inherited,
            }
        )
        clause_ids.setdefault(ref if kind != "UNPARSED" else f"{ref}@{start}", clause_id)
        modality_by_ref[ref] = modality
    references = references_of(law, index)
    definitions = definitions_of(law, index, references=references)
    links = sanction_links(law, references, modality_by_ref)
    return {
        "tags": tags,
        "references": [
            {
                "version_id": version.id,
                "clause_id": clause_ids[key],
                "law_id": version.law_id,
                "from_ref": key.split("@")[0],
                "start": r.start,
                "end": r.end,
                "text": r.text,
                "kind": r.kind,
                "target_law_id": r.target_law_id,
                "target_law_name": r.target_law_name,
                "target_ref": r.target_ref,
                "status": r.status.value,
                "reason": r.reason,
            }
            for key, refs in references.items()
            for r in refs
        ],
        "definitions": [
            {
                "version_id": version.id,
                "law_id": version.law_id,
                "clause_ref": d.clause_ref,
                "term": d.term,
                "body": d.body,
                "start": d.start,
                "end": d.end,
                "scope": d.scope,
                "kind": d.kind,
                "refers_to_law_id": d.refers_to.target_law_id if d.refers_to else None,
                "refers_to_ref": d.refers_to.target_ref if d.refers_to else None,
                "refers_to_status": d.refers_to.status.value if d.refers_to else None,
            }
            for d in definitions
        ],
        "links": [
            {
                "version_id": version.id,
                "clause_id": clause_ids[link.from_ref],
                "law_id": version.law_id,
                "from_ref": link.from_ref,
                "kind": link.kind,
                "target_law_id": link.target_law_id,
                "target_ref": link.target_ref,
                "status": link.status,
                "text": link.text,
            }
            for link in links
        ],
    }


def _shareable(engine: Engine) -> bool:
    """Whether worker processes can open this database (not an in-memory SQLite one)."""
    url = engine.url
    return url.get_backend_name() != "sqlite" or url.database not in (None, "", ":memory:")


@lru_cache(maxsize=1)
def _engine_for(url: str) -> Engine:
    """One engine per worker process (and per URL), made without creating tables."""
    from lawcheck.store import get_engine

    return get_engine(url, create=False)
