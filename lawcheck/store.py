"""Database tables and read/write functions (SQLModel): SQLite by default, PostgreSQL by URL.

Input: `LawText` values from `split`. Output: rows — one `LawVersion` per version of a law
(several versions of one law coexist), its blocks, clauses and divisions. Clauses are keyed by
법령ID + canonical reference so that later work (findings, review decisions) re-attaches after
a newer version is imported. Every write is one transaction: a failed import leaves nothing.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Column,
    Index,
    Text,
    UniqueConstraint,
    cast,
    event,
    insert,
)
from sqlalchemy import text as sql_text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Field, Session, SQLModel, create_engine, delete, func, select

from lawcheck.errors import LawNotFoundError, StoreError
from lawcheck.models import (
    Block,
    BlockKind,
    Clause,
    ClauseRef,
    Division,
    LawLevel,
    LawMeta,
    LawText,
    Span,
    UnitKind,
)

log = logging.getLogger(__name__)

DEFAULT_DB_URL = "sqlite:///lawcheck.db"


# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------


class LawVersionBase(SQLModel):
    law_id: str = Field(index=True, max_length=32)  # 법령ID
    mst: str | None = Field(default=None, max_length=32)  # 법령일련번호
    name: str = Field(index=True)
    abbreviation: str | None = None
    kind: str  # 법령구분
    level: str  # LawLevel value
    ministry: str | None = None
    ministry_code: str | None = None
    promulgation_no: str | None = Field(default=None, max_length=32)
    promulgation_date: str | None = Field(default=None, max_length=10)
    effective_date: str | None = Field(default=None, max_length=10)
    revision_kind: str | None = None
    law_key: str | None = None
    status: str | None = None
    article_effective_dates: str | None = Field(default=None, sa_column=Column(Text))
    source_path: str
    source_format: str
    source_sha256: str = Field(max_length=64)
    imported_at: str
    counts: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))


class LawVersion(LawVersionBase, table=True):
    """One version of one law (법령ID + 공포번호 + 시행일자)."""

    __tablename__ = "law_version"
    __table_args__ = (
        UniqueConstraint("law_id", "promulgation_no", "effective_date", name="uq_law_version"),
    )
    id: int | None = Field(default=None, primary_key=True)


class BlockRow(SQLModel, table=True):
    """An article (조), addendum (부칙) or annex (별표) with its verbatim text."""

    __tablename__ = "block"
    __table_args__ = (Index("ix_block_version_position", "version_id", "position"),)
    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="law_version.id", ondelete="CASCADE")
    position: int
    kind: str
    ref: str
    title: str | None = None
    text: str = Field(sa_column=Column(Text, nullable=False))
    effective_date: str | None = None
    deleted: bool = False
    notes: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    division: list[str] = Field(default_factory=list, sa_column=Column(JSON))


class ClauseRow(SQLModel, table=True):
    """One unit (조/항/호/목/…, 부칙, 별표, UNPARSED) with its offsets in the block text."""

    __tablename__ = "clause"
    __table_args__ = (
        Index("ix_clause_version_position", "version_id", "position"),
        Index("ix_clause_law_ref", "law_id", "ref"),
        Index("ix_clause_content_hash", "content_hash"),
    )
    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="law_version.id", ondelete="CASCADE")
    block_id: int = Field(foreign_key="block.id", ondelete="CASCADE", index=True)
    law_id: str = Field(max_length=32)
    position: int  # document order within the version
    ref: str  # canonical reference; UNPARSED and NOTE units carry their parent's
    kind: str
    label: str | None = None
    parent_ref: str | None = None
    text: str = Field(sa_column=Column(Text, nullable=False))
    start: int
    end: int
    end_of_subtree: int
    parts: list[dict] = Field(default_factory=list, sa_column=Column(JSON))
    notes: list[dict] = Field(default_factory=list, sa_column=Column(JSON))
    reason: str | None = None
    content_hash: str = Field(max_length=64)


class TagCacheRow(SQLModel, table=True):
    """The analysis of one clause text by one analyser: the cache behind every clause tag.

    `analyser` is a hash of the code version, the pattern files and the Kiwi dictionary; a text
    seen before by the same analyser is never analysed again, even after its clause rows were
    replaced by a re-import.
    """

    __tablename__ = "tag_cache"
    __table_args__ = (UniqueConstraint("content_hash", "analyser", name="uq_tag_cache"),)
    id: int | None = Field(default=None, primary_key=True)
    content_hash: str = Field(max_length=64)
    analyser: str = Field(max_length=64)
    tag: str
    modality: str
    proviso_modality: str | None = None
    duty_bearer: str = ""
    actor_type: str = "none"
    regulated_party: str = ""
    rule: str = ""
    evidence: list[dict] = Field(default_factory=list, sa_column=Column(JSON))
    sentences: list[dict] = Field(default_factory=list, sa_column=Column(JSON))


class ClauseTagRow(SQLModel, table=True):
    """A clause's effective tag: its own analysis, or its lead's when it has no predicate."""

    __tablename__ = "clause_tag"
    id: int | None = Field(default=None, primary_key=True)
    clause_id: int = Field(foreign_key="clause.id", ondelete="CASCADE", unique=True)
    version_id: int = Field(foreign_key="law_version.id", ondelete="CASCADE", index=True)
    cache_id: int = Field(foreign_key="tag_cache.id")
    tag: str
    modality: str
    inherited_from: str | None = None  # ref of the clause whose tag was inherited


class ReferenceRow(SQLModel, table=True):
    """A citation inside a clause and what it resolves to (or why it does not)."""

    __tablename__ = "reference"
    __table_args__ = (
        Index("ix_reference_version", "version_id"),
        Index("ix_reference_target", "target_law_id", "target_ref"),
    )
    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="law_version.id", ondelete="CASCADE")
    clause_id: int = Field(foreign_key="clause.id", ondelete="CASCADE", index=True)
    law_id: str = Field(max_length=32)  # the citing law
    from_ref: str
    start: int  # offsets in the citing clause's own text
    end: int
    text: str
    kind: str
    target_law_id: str | None = Field(default=None, max_length=32)
    target_law_name: str | None = None
    target_ref: str | None = None
    status: str
    reason: str | None = None


class DefinitionRow(SQLModel, table=True):
    """A defined term, where it is defined and how far it reaches."""

    __tablename__ = "definition"
    __table_args__ = (Index("ix_definition_term", "term"),)
    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="law_version.id", ondelete="CASCADE", index=True)
    law_id: str = Field(max_length=32)
    clause_ref: str
    term: str
    body: str = Field(sa_column=Column(Text, nullable=False))
    start: int
    end: int
    scope: str
    kind: str
    refers_to_law_id: str | None = None
    refers_to_ref: str | None = None
    refers_to_status: str | None = None


class SanctionLinkRow(SQLModel, table=True):
    """A penalty, fine or corrective-order clause and a clause it enforces."""

    __tablename__ = "sanction_link"
    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="law_version.id", ondelete="CASCADE", index=True)
    clause_id: int = Field(foreign_key="clause.id", ondelete="CASCADE", index=True)
    law_id: str = Field(max_length=32)
    from_ref: str  # the sanction clause
    kind: str  # penalty (징역·벌금) | fine (과태료·과징금) | corrective (시정·중지 명령)
    target_law_id: str | None = None
    target_ref: str | None = None  # None: the whole law ("이 법을 위반한 경우")
    status: str  # of the underlying reference
    text: str  # the words that make the link ("제31조제1항을 위반하여")


class DivisionRow(SQLModel, table=True):
    """A 편/장/절/관 heading and the block it stands before."""

    __tablename__ = "division"
    id: int | None = Field(default=None, primary_key=True)
    version_id: int = Field(foreign_key="law_version.id", ondelete="CASCADE")
    level: str
    text: str
    position: int


# ---------------------------------------------------------------------------------------------
# Engine and sessions
# ---------------------------------------------------------------------------------------------


def db_url(url: str | None = None) -> str:
    """The database URL: the argument, else $LAWCHECK_DB, else a SQLite file here."""
    url = url or os.environ.get("LAWCHECK_DB") or DEFAULT_DB_URL
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def get_engine(url: str | None = None, *, create: bool = True) -> Engine:
    """An engine for the URL, with the schema brought to the newest migration unless
    `create` is False (`lawcheck.migrations.ensure_schema`: new databases are created and
    stamped, older ones upgraded with their rows kept).

    SQLite runs in WAL mode with foreign keys on and a busy timeout, so that a reader (the
    review UI) and a writer (an import) can work at once.
    """
    url = db_url(url)
    kwargs: dict[str, Any] = {}
    if url.startswith("sqlite"):
        kwargs["connect_args"] = {"timeout": 30}
        if url in ("sqlite://", "sqlite:///:memory:"):
            from sqlalchemy.pool import StaticPool

            kwargs["connect_args"]["check_same_thread"] = False
            kwargs["poolclass"] = StaticPool
    try:
        engine = create_engine(url, **kwargs)
    except (SQLAlchemyError, ImportError) as exc:
        raise StoreError(
            f"cannot open database {redact_url(url)}: {exc}; check LAWCHECK_DB "
            "(e.g. sqlite:///lawcheck.db or postgresql://user@host/db)"
        ) from exc
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
    if create:
        from lawcheck.migrations import ensure_schema

        ensure_schema(engine)
    return engine


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def redact_url(url: str) -> str:
    """A database URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a URL that does not parse is shown as given
        return url


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One unit of work: committed if the block ends normally, rolled back otherwise.

    On SQLite the transaction takes the write lock at once (``BEGIN IMMEDIATE``): what it reads
    is then what it writes over, so two processes importing the same law at once cannot both
    decide it is new; the second waits (busy timeout) and finds the first one's rows.
    """
    with Session(engine) as session:
        if engine.dialect.name == "sqlite":
            dbapi = session.connection().connection.dbapi_connection
            if not dbapi.in_transaction:
                dbapi.execute("BEGIN IMMEDIATE")
        try:
            yield session
            session.commit()
        except Exception:
            session.rollback()
            raise


# ---------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SaveResult:
    """What `save_law` did with one law version."""

    version_id: int
    status: str  # new | updated | unchanged
    name: str
    law_id: str
    clauses: int


def content_hash(text: str) -> str:
    """Hash of a clause's text: analysis results are cached by it."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def insert_rows(session: Session, table: type[SQLModel], rows: list[dict]) -> None:
    """Insert dict rows (all with the same keys) in one executemany. A Core insert on the
    table, not the ORM's bulk insert: on the national corpus the ORM's per-row bookkeeping
    cost twice the CPU for the same statement."""
    if rows:
        session.execute(table.__table__.insert(), rows)


def save_law(session: Session, law: LawText) -> SaveResult:
    """Insert or replace one law version inside the caller's transaction.

    The version is identified by 법령ID + 공포번호 + 시행일자. The same source again is a
    no-op; a different source for the same version replaces its blocks and clauses (clause
    keys stay the same, so findings and decisions keyed on them re-attach).
    """
    meta = law.meta
    if session.get_bind().dialect.name == "postgresql":
        # Serialise savers of the same version until commit, so that a concurrent import of
        # the same law waits and then finds it (READ COMMITTED) instead of hitting uq_law_version.
        key = f"{meta.law_id}|{meta.promulgation_no}|{meta.effective_date}"
        lock = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big", signed=True)
        session.execute(sql_text("SELECT pg_advisory_xact_lock(:key)"), {"key": lock})
    existing = session.exec(
        select(LawVersion).where(
            LawVersion.law_id == meta.law_id,
            LawVersion.promulgation_no == meta.promulgation_no,
            LawVersion.effective_date == meta.effective_date,
        )
    ).first()
    clause_total = sum(len(b.clauses) for b in law.blocks)
    if existing is not None and existing.source_sha256 == law.source_sha256:
        return SaveResult(existing.id, "unchanged", meta.name, meta.law_id, clause_total)
    fields = {
        "law_id": meta.law_id,
        "mst": meta.mst,
        "name": meta.name,
        "abbreviation": meta.abbreviation,
        "kind": meta.kind,
        "level": LawLevel.from_kind(meta.kind).value,
        "ministry": meta.ministry,
        "ministry_code": meta.ministry_code,
        "promulgation_no": meta.promulgation_no,
        "promulgation_date": meta.promulgation_date,
        "effective_date": meta.effective_date,
        "revision_kind": meta.revision_kind,
        "law_key": meta.law_key,
        "status": meta.status,
        "article_effective_dates": meta.article_effective_dates,
        "source_path": law.source_path,
        "source_format": law.source_format,
        "source_sha256": law.source_sha256,
        "imported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "counts": dict(law.counts),
    }
    if existing is None:
        version = LawVersion(**fields)
        status = "new"
    else:
        version = existing
        for key, value in fields.items():
            if key == "mst" and value is None:
                continue  # an API body has no MST; keep the one a Markdown file gave
            setattr(version, key, value)
        for table in (
            ClauseTagRow,
            ReferenceRow,
            DefinitionRow,
            SanctionLinkRow,
            ClauseRow,
            BlockRow,
            DivisionRow,
        ):
            session.exec(delete(table).where(table.version_id == version.id))
        status = "updated"
    session.add(version)
    session.flush()
    assert version.id is not None
    # Bulk inserts: one statement for the blocks (ids returned in order), one for the
    # clauses; per-row ORM objects made national imports five times slower.
    block_ids = (
        session.execute(
            insert(BlockRow).returning(BlockRow.id, sort_by_parameter_order=True),
            [
                {
                    "version_id": version.id,
                    "position": i,
                    "kind": block.kind.value,
                    "ref": str(block.ref),
                    "title": block.title,
                    "text": block.text,
                    "effective_date": block.effective_date,
                    "deleted": block.deleted,
                    "notes": list(block.notes),
                    "division": list(block.division),
                }
                for i, block in enumerate(law.blocks)
            ],
        )
        .scalars()
        .all()
        if law.blocks
        else []
    )
    rows = []
    for block_id, block in zip(block_ids, law.blocks, strict=True):
        for clause in block.clauses:
            rows.append(
                {
                    "version_id": version.id,
                    "block_id": block_id,
                    "law_id": meta.law_id,
                    "position": len(rows),
                    "ref": str(clause.ref),
                    "kind": clause.kind.value,
                    "label": clause.label,
                    "parent_ref": str(clause.parent) if clause.parent is not None else None,
                    "text": clause.text,
                    "start": clause.start,
                    "end": clause.end,
                    "end_of_subtree": clause.end_of_subtree,
                    "parts": [
                        {"start": p.start, "end": p.end, "label": p.label} for p in clause.parts
                    ],
                    "notes": [
                        {"start": n.start, "end": n.end, "label": n.label} for n in clause.notes
                    ],
                    "reason": clause.reason,
                    "content_hash": content_hash(clause.text),
                }
            )
    insert_rows(session, ClauseRow, rows)
    insert_rows(
        session,
        DivisionRow,
        [
            {"version_id": version.id, "level": d.level, "text": d.text, "position": d.position}
            for d in law.divisions
        ],
    )
    return SaveResult(version.id, status, meta.name, meta.law_id, clause_total)


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------


def list_versions(session: Session, *, latest_only: bool = False) -> list[LawVersion]:
    """Law versions ordered by name and date; with latest_only, the newest per 법령ID."""
    rows = list(
        session.exec(select(LawVersion).order_by(LawVersion.name, LawVersion.effective_date))
    )
    if not latest_only:
        return rows
    newest: dict[str, LawVersion] = {}
    for row in rows:
        current = newest.get(row.law_id)
        if current is None or _version_order(row) > _version_order(current):
            newest[row.law_id] = row
    return sorted(newest.values(), key=lambda r: r.name)


def _version_order(row: LawVersion) -> tuple:
    return (row.promulgation_date or "", row.effective_date or "", row.id or 0)


def find_version(session: Session, law: str, *, version: str | None = None) -> LawVersion:
    """A law version by 법령ID, name, abbreviation or MST; the newest unless `version` says.

    Args:
        law: 법령ID ("014820"), exact name, abbreviation ("인공지능기본법") or MST.
        version: 공포번호 or 시행일자 (YYYY-MM-DD) to pick an older version.

    Raises:
        LawNotFoundError: no such law in the database; the message lists close names.
    """
    rows = [
        r
        for r in list_versions(session)
        if law in (r.law_id, r.name, r.abbreviation, r.mst)
        or r.name.replace(" ", "") == law.replace(" ", "")
    ]
    if version is not None:
        rows = [r for r in rows if version in (r.promulgation_no, r.effective_date, r.mst)]
    if not rows:
        names = sorted({r.name for r in list_versions(session, latest_only=True)})
        close = [n for n in names if law.replace(" ", "") in n.replace(" ", "")][:5]
        hint = (
            f" Did you mean: {', '.join(close)}?"
            if close
            else (" Run `lawcheck laws` to see what is imported.")
        )
        raise LawNotFoundError(
            f"no law {law!r}{' version ' + version if version else ''} in the database.{hint}"
        )
    return max(rows, key=_version_order)


def clauses_of(session: Session, version_id: int) -> list[ClauseRow]:
    """All clauses of one version in document order."""
    return list(
        session.exec(
            select(ClauseRow).where(ClauseRow.version_id == version_id).order_by(ClauseRow.position)
        )
    )


def blocks_of(session: Session, version_id: int) -> list[BlockRow]:
    """All blocks of one version in document order."""
    return list(
        session.exec(
            select(BlockRow).where(BlockRow.version_id == version_id).order_by(BlockRow.position)
        )
    )


def count_rows(session: Session) -> dict[str, int]:
    """Row counts of the main tables (for summaries)."""
    return {
        "versions": session.exec(select(func.count()).select_from(LawVersion)).one(),
        "laws": session.exec(select(func.count(func.distinct(LawVersion.law_id)))).one(),
        "clauses": session.exec(select(func.count()).select_from(ClauseRow)).one(),
        "unparsed": session.exec(
            select(func.count())
            .select_from(ClauseRow)
            .where(ClauseRow.kind == UnitKind.UNPARSED.value)
        ).one(),
    }


def tags_of(session: Session, version_id: int) -> dict[int, tuple[ClauseTagRow, TagCacheRow]]:
    """Clause id -> (effective tag, the cached analysis behind it) for one version."""
    rows = session.exec(
        select(ClauseTagRow, TagCacheRow)
        .join(TagCacheRow, ClauseTagRow.cache_id == TagCacheRow.id)
        .where(ClauseTagRow.version_id == version_id)
    )
    return {tag.clause_id: (tag, cache) for tag, cache in rows}


def tag_balance(session: Session, version_id: int) -> dict[str, int]:
    """Clauses per effective tag in one version (promotion / regulation / neutral)."""
    rows = session.exec(
        select(ClauseTagRow.tag, func.count())
        .where(ClauseTagRow.version_id == version_id)
        .group_by(ClauseTagRow.tag)
    )
    return dict(rows.all())


def load_law(session: Session, version: LawVersion, *, texts: bool = True) -> LawText:
    """A stored version as the `LawText` the splitter made (for analysis and checks).

    With `texts=False` only the structure is read (refs, kinds, parents, offsets, titles,
    삭제 marks): texts are empty, and clauses have no parts or notes. That is all the
    resolver's index reads, at a third of the cost.
    """
    # Columns, not ORM rows: analyse loads every law twice (index, links), and making the
    # tracked row objects was about a third of the loading time.
    clause_content = (
        (ClauseRow.text, cast(ClauseRow.parts, Text), cast(ClauseRow.notes, Text)) if texts else ()
    )
    clauses: dict[int, list[Clause]] = {}
    for block_id, ref, kind, start, end, subtree, label, parent, reason, *content in session.exec(
        select(
            ClauseRow.block_id,
            ClauseRow.ref,
            ClauseRow.kind,
            ClauseRow.start,
            ClauseRow.end,
            ClauseRow.end_of_subtree,
            ClauseRow.label,
            ClauseRow.parent_ref,
            ClauseRow.reason,
            *clause_content,
        )
        .where(ClauseRow.version_id == version.id)
        .order_by(ClauseRow.position)
    ):
        text, parts, notes = content or ("", None, None)
        clauses.setdefault(block_id, []).append(
            Clause(
                ref=ClauseRef.parse(ref) if ref else ClauseRef(),
                kind=UnitKind(kind),
                text=text,
                start=start,
                end=end,
                end_of_subtree=subtree,
                label=label,
                parent=ClauseRef.parse(parent) if parent else None,
                parts=_spans(parts),
                notes=_spans(notes),
                reason=reason,
            )
        )
    block_content = (BlockRow.text, BlockRow.notes, BlockRow.division) if texts else ()
    blocks = []
    for block_id, kind, ref, title, effective_date, deleted, *content in session.exec(
        select(
            BlockRow.id,
            BlockRow.kind,
            BlockRow.ref,
            BlockRow.title,
            BlockRow.effective_date,
            BlockRow.deleted,
            *block_content,
        )
        .where(BlockRow.version_id == version.id)
        .order_by(BlockRow.position)
    ):
        text, notes, division = content or ("", (), ())
        blocks.append(
            Block(
                kind=BlockKind(kind),
                ref=ClauseRef.parse(ref) if ref else ClauseRef(),
                text=text,
                title=title,
                effective_date=effective_date,
                deleted=deleted,
                notes=tuple(notes),
                division=tuple(division),
                clauses=tuple(clauses.get(block_id, ())),
            )
        )
    divisions = session.exec(
        select(DivisionRow).where(DivisionRow.version_id == version.id).order_by(DivisionRow.id)
    ).all()
    meta = LawMeta(
        law_id=version.law_id,
        name=version.name,
        kind=version.kind,
        mst=version.mst,
        abbreviation=version.abbreviation,
        ministry=version.ministry,
        ministry_code=version.ministry_code,
        promulgation_no=version.promulgation_no,
        promulgation_date=version.promulgation_date,
        effective_date=version.effective_date,
        revision_kind=version.revision_kind,
        law_key=version.law_key,
        status=version.status,
        article_effective_dates=version.article_effective_dates,
    )
    return LawText(
        meta=meta,
        blocks=tuple(blocks),
        divisions=tuple(
            Division(level=d.level, text=d.text, position=d.position) for d in divisions
        ),
        source_path=version.source_path,
        source_format=version.source_format,
        source_sha256=version.source_sha256,
        counts=dict(version.counts),
    )


def _spans(stored: str | None) -> tuple[Span, ...]:
    """A clause's parts or notes from their JSON text. Read as text, not decoded by the column
    type: most clauses have none ("[]"), and decoding 180,000 of those per load of a corpus
    cost a third of `load_law`."""
    if not stored or stored == "[]":
        return ()
    return tuple(Span(s["start"], s["end"], s["label"]) for s in json.loads(stored))


# ---------------------------------------------------------------------------------------------
# Findings and review decisions
# ---------------------------------------------------------------------------------------------

DECISIONS = ("confirmed", "dismissed", "needs_discussion")


class FindingRow(SQLModel, table=True):
    """A finding of the last check of its scope; keyed by its stable id (rule + clause keys).

    Rows are replaced by the next check of the same rules and laws (`save_findings`); review
    decisions live in `DecisionRow`, keyed by the same stable id, and so survive that.
    """

    __tablename__ = "finding"
    __table_args__ = (Index("ix_finding_rule", "rule_id"),)
    id: int | None = Field(default=None, primary_key=True)
    finding_id: str = Field(sa_column=Column(Text, nullable=False, unique=True))
    rule_id: str = Field(max_length=16)
    kind: str
    severity: str
    message: str = Field(sa_column=Column(Text, nullable=False))
    score: float = 0.0
    rule_hash: str = Field(default="", max_length=64)
    law_ids: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    clause_keys: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    clause_hashes: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON))
    clauses: list[dict] = Field(default_factory=list, sa_column=Column(JSON))
    resolution_hint: str | None = Field(default=None, sa_column=Column(Text))
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    checked_at: str


class DecisionRow(SQLModel, table=True):
    """A reviewer's decision on a finding: append-only, never overwritten.

    `clause_hashes` records the texts the reviewer saw, so that a later change of a clause
    shows as `text_changed_since_decision` on the finding.
    """

    __tablename__ = "decision"
    __table_args__ = (
        Index("ix_decision_finding_created", "finding_id", "created_at"),
        CheckConstraint(
            "decision IN ({})".format(", ".join(f"'{d}'" for d in DECISIONS)),
            name="ck_decision_value",
        ),
    )  # both added by migration 0002
    id: int | None = Field(default=None, primary_key=True)
    finding_id: str = Field(sa_column=Column(Text, nullable=False))
    decision: str = Field(max_length=32)
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    reviewer: str
    created_at: str
    clause_hashes: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON))


def _finding_row(finding, checked_at: str) -> dict[str, Any]:
    from dataclasses import asdict

    return {
        "finding_id": finding.id,
        "rule_id": finding.rule_id,
        "kind": finding.kind,
        "severity": finding.severity,
        "message": finding.message,
        "score": float(finding.score),
        "rule_hash": finding.rule_hash,
        "law_ids": sorted({c.law_id for c in finding.clauses}),
        "clause_keys": [c.key for c in finding.clauses],
        "clause_hashes": {c.key: c.content_hash for c in finding.clauses},
        "clauses": [{**asdict(c), "spans": [asdict(s) for s in c.spans]} for c in finding.clauses],
        "resolution_hint": finding.resolution_hint,
        "details": dict(finding.details),
        "checked_at": checked_at,
    }


def save_findings(
    session: Session,
    findings,
    *,
    rule_ids,
    law_ids=None,
) -> int:
    """Replace the stored findings of the checked scope by `findings`, in the caller's
    transaction (use `session_scope`): rows of these rules that involve one of `law_ids`
    (every law when None) are deleted, then the new ones inserted.

    Returns:
        The number of findings written.
    """
    rule_ids = set(rule_ids)
    scope_laws = set(law_ids) if law_ids is not None else None
    new_ids = {f.id for f in findings}
    stale = []
    if rule_ids:
        for row_id, rule_id, row_laws, fid in session.exec(
            select(FindingRow.id, FindingRow.rule_id, FindingRow.law_ids, FindingRow.finding_id)
        ):
            in_scope = rule_id in rule_ids and (
                scope_laws is None or bool(scope_laws & set(row_laws or []))
            )
            if in_scope or fid in new_ids:
                stale.append(row_id)
    for i in range(0, len(stale), 500):
        session.exec(delete(FindingRow).where(FindingRow.id.in_(stale[i : i + 500])))
    now = datetime.now(UTC).isoformat(timespec="seconds")
    rows = [_finding_row(f, now) for f in findings]
    insert_rows(session, FindingRow, rows)
    return len(rows)


def record_decision(
    session: Session,
    finding,
    decision: str,
    *,
    reviewer: str,
    note: str = "",
    clause_hashes: dict[str, str] | None = None,
) -> DecisionRow:
    """Append a review decision on a finding (a `Finding` or its stable id).

    The clause hashes at decision time come from the finding, or from `clause_hashes`, or
    from the stored finding row with that id.

    Raises:
        StoreError: unknown decision, missing reviewer, or no hashes to record.
    """
    if decision not in DECISIONS:
        raise StoreError(f"decision {decision!r} is not one of {', '.join(DECISIONS)}")
    if not reviewer or not reviewer.strip():
        raise StoreError("a decision needs a reviewer (who decided)")
    finding_id = finding if isinstance(finding, str) else finding.id
    if clause_hashes is None and not isinstance(finding, str):
        clause_hashes = {c.key: c.content_hash for c in finding.clauses}
    if clause_hashes is None:
        row = session.exec(select(FindingRow).where(FindingRow.finding_id == finding_id)).first()
        if row is None:
            raise StoreError(
                f"no stored finding {finding_id!r}: pass the Finding or its clause hashes"
            )
        clause_hashes = dict(row.clause_hashes)
    entry = DecisionRow(
        finding_id=finding_id,
        decision=decision,
        note=note or "",
        reviewer=reviewer.strip(),
        created_at=datetime.now(UTC).isoformat(timespec="microseconds"),
        clause_hashes=dict(clause_hashes),
    )
    session.add(entry)
    session.flush()
    return entry


def decisions_for(session: Session, finding_ids=None) -> dict[str, list[DecisionRow]]:
    """Decisions per finding id, oldest first (all findings when `finding_ids` is None)."""
    query = select(DecisionRow).order_by(DecisionRow.created_at, DecisionRow.id)
    out: dict[str, list[DecisionRow]] = {}
    if finding_ids is None:
        for row in session.exec(query):
            out.setdefault(row.finding_id, []).append(row)
        return out
    ids = sorted(set(finding_ids))
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        for row in session.exec(query.where(DecisionRow.finding_id.in_(chunk))):
            out.setdefault(row.finding_id, []).append(row)
    for rows in out.values():
        rows.sort(key=lambda r: (r.created_at, r.id or 0))
    return out


def with_decisions(session: Session, findings) -> list:
    """The findings with their latest decision and `text_changed_since_decision` filled in.

    A clause's text changed when its current content hash differs from the one recorded
    with the latest decision (or the clause was not part of the finding then).
    """
    from dataclasses import replace as _replace

    findings = list(findings)
    decided = decisions_for(session, [f.id for f in findings])
    out = []
    for finding in findings:
        rows = decided.get(finding.id)
        if not rows:
            out.append(_replace(finding, decision=None, text_changed_since_decision=None))
            continue
        last = rows[-1]
        current = {c.key: c.content_hash for c in finding.clauses}
        changed = any(last.clause_hashes.get(k) != h for k, h in current.items())
        out.append(_replace(finding, decision=last.decision, text_changed_since_decision=changed))
    return out


def finding_from_row(row: FindingRow):
    """A stored finding as a `Finding` (without its decisions); `row` may also be a plain
    row of the columns read here."""
    from lawcheck.models import Finding, FindingClause

    clauses = tuple(
        FindingClause(
            **{k: v for k, v in c.items() if k != "spans"},
            spans=tuple(Span(s["start"], s["end"], s["label"]) for s in c.get("spans", [])),
        )
        for c in row.clauses
    )
    return Finding(
        id=row.finding_id,
        rule_id=row.rule_id,
        kind=row.kind,
        severity=row.severity,
        message=row.message,
        clauses=clauses,
        resolution_hint=row.resolution_hint,
        score=row.score,
        rule_hash=row.rule_hash,
        details=dict(row.details or {}),
    )


def load_findings(session: Session, *, rule_ids=None, law_id: str | None = None) -> list:
    """Stored findings (best first) as `Finding`s, with their decisions applied."""
    query = select(FindingRow).order_by(FindingRow.score.desc(), FindingRow.finding_id)
    if rule_ids:
        query = query.where(FindingRow.rule_id.in_(list(rule_ids)))
    findings = [
        finding_from_row(row)
        for row in session.exec(query)
        if law_id is None or law_id in (row.law_ids or [])
    ]
    return with_decisions(session, findings)
