"""The analyse stage over a real database: tags stored, the cache reused, items inherit."""

from __future__ import annotations

from sqlmodel import Session, select

from lawcheck.pipeline import analyse_database, import_paths
from lawcheck.store import (
    ClauseRow,
    ClauseTagRow,
    TagCacheRow,
    clauses_of,
    find_version,
    get_engine,
    tags_of,
)


def test_pipeline_analyse_tags_every_clause_and_reuses_the_cache(db_url, corpus_dir):
    engine = get_engine(db_url)
    import_paths([corpus_dir / "raw/xml/ai_basic_act_21311.xml"], engine)
    first = analyse_database(engine)
    second = analyse_database(engine)
    assert first.clauses == second.clauses == 46 + 164 + 191 + 13 + 3 + 6
    assert first.analysed > 0 and second.analysed == 0
    assert second.reused == second.clauses
    with Session(engine) as session:
        version = find_version(session, "014820")
        tags = tags_of(session, version.id)
        by_ref = {c.ref: tags[c.id] for c in clauses_of(session, version.id)}
    assert len(tags) == first.clauses
    tag, cache = by_ref["제31조제1항"]
    assert (tag.tag, tag.modality, cache.duty_bearer) == (
        "regulation",
        "obligation",
        "인공지능사업자",
    )
    item, _ = by_ref["제43조제1항제1호"]
    assert (item.tag, item.modality, item.inherited_from) == (
        "regulation",
        "sanction",
        "제43조제1항",
    )


def test_pipeline_reimport_with_one_changed_article_analyses_one_text(db_url, tmp_path, corpus_dir):
    engine = get_engine(db_url)
    source = corpus_dir / "raw/text/ai_basic_act_21311.md"
    import_paths([source], engine)
    analyse_database(engine)
    changed = tmp_path / "ai.md"
    text = source.read_text(encoding="utf-8")
    changed.write_text(
        text.replace("국민의 삶의 질 향상과 국가경쟁력을", "국민의 삶의 질과 국가경쟁력을", 1),
        encoding="utf-8",
    )
    import_paths([changed], engine)  # same version, another source: rows replaced
    report = analyse_database(engine)
    assert report.analysed == 1
    with Session(engine) as session:
        hashes = session.exec(select(ClauseRow.content_hash)).all()
        cached = session.exec(select(TagCacheRow.content_hash)).all()
    assert set(hashes) <= set(cached)


def test_pipeline_analyse_stores_references_definitions_and_sanction_links(db_url, corpus_dir):
    from lawcheck.store import DefinitionRow, ReferenceRow, SanctionLinkRow

    engine = get_engine(db_url)
    import_paths(
        [
            corpus_dir / "raw/xml/ai_basic_act_21311.xml",
            corpus_dir / "raw/json/ai_basic_act_decree_36580.json",
        ],
        engine,
    )
    report = analyse_database(engine)
    assert report.references > 500 and report.definitions > 30 and report.sanction_links >= 5
    with Session(engine) as session:
        decree_ref = session.exec(
            select(ReferenceRow).where(
                ReferenceRow.law_id == "015032",
                ReferenceRow.target_law_id == "014820",
                ReferenceRow.status == "resolved",
            )
        ).first()
        terms = set(
            session.exec(select(DefinitionRow.term).where(DefinitionRow.law_id == "014820")).all()
        )
        link = session.exec(
            select(SanctionLinkRow).where(SanctionLinkRow.from_ref == "제43조제1항제1호")
        ).one()
    assert decree_ref is not None  # 법 제N조 in the decree resolves to the Act
    assert {"인공지능", "고영향 인공지능", "인공지능사업자", "국가기관등"} <= terms
    assert (link.kind, link.target_ref) == ("fine", "제31조제1항")


POOL_LAWS = (
    "ai_basic_act_21311.md",
    "ai_basic_act_decree_36053.md",
    "pipa_21445.md",
    "credit_info_act_21445.md",
    "credit_info_act_decree_36074.md",
    "credit_info_act_rule_01635.md",
    "cloud_computing_act_21066.md",
    "cloud_computing_act_decree_35947.md",
    "cloud_computing_act_rule_00105.md",
)


def test_pipeline_analyse_in_worker_processes_equals_in_process(tmp_path, corpus_dir):
    """Kiwi threads and the reference process pool give the rows one thread gives."""
    from lawcheck.store import DefinitionRow, ReferenceRow

    def analysed(name: str, workers: int):
        engine = get_engine(f"sqlite:///{tmp_path / name}")
        import_paths([corpus_dir / "raw/text" / f for f in POOL_LAWS], engine)
        report = analyse_database(engine, workers=workers, batch_size=300)
        with Session(engine) as session:
            tags = sorted(
                (c.law_id, c.ref, c.position, t.tag, t.modality)
                for c, t in session.exec(
                    select(ClauseRow, ClauseTagRow).where(ClauseTagRow.clause_id == ClauseRow.id)
                )
            )
            refs = sorted(
                (r.law_id, r.from_ref, r.start, r.target_law_id, r.target_ref, r.status)
                for r in session.exec(select(ReferenceRow))
            )
            terms = sorted(session.exec(select(DefinitionRow.term)).all())
        return report, tags, refs, terms

    pooled, *rows_pooled = analysed("pooled.db", 2)
    single, *rows_single = analysed("single.db", 1)
    assert pooled.versions >= 8 and pooled.analysed > 3 * 300  # both pools ran
    assert rows_pooled == rows_single
    timings = {"seconds": 0, "tagging_seconds": 0, "linking_seconds": 0}
    assert pooled.as_dict() | timings == single.as_dict() | timings


def test_pipeline_law_index_cache_reads_only_changed_laws(tmp_path, corpus_dir):
    """Re-analysing one re-imported law reads that law only; the others come from the cache."""
    from lawcheck.pipeline import build_index, cache_path

    engine = get_engine(f"sqlite:///{tmp_path / 'lawcheck.db'}")
    import_paths([corpus_dir / "raw/text" / f for f in POOL_LAWS[:3]], engine)
    first = build_index(engine)
    stored = cache_path(engine, "law-index")
    assert stored.is_file()
    stamp = stored.stat().st_mtime_ns
    again = build_index(engine)
    assert stored.stat().st_mtime_ns == stamp  # nothing missing: not rewritten
    # The same laws, read back from the cache (LawEntry compares by identity: compare fields).
    assert [vars(e) for e in again._entries.values()] == [
        vars(e) for e in first._entries.values()
    ]
    source = corpus_dir / "raw/text" / POOL_LAWS[0]
    changed = tmp_path / source.name
    changed.write_text(
        source.read_text(encoding="utf-8").replace("목적으로 한다", "목적으로 삼는다", 1),
        encoding="utf-8",
    )
    import_paths([changed], engine)
    build_index(engine)
    assert stored.stat().st_mtime_ns != stamp


def test_tag_texts_tags_long_texts_on_their_own_thread_like_the_rest(corpus_dir):
    """형법's 부칙 has one clause longer than LONG_TEXT: it is tokenised beside the stream,
    and every text gets exactly the row it gets alone."""
    from lawcheck.analyse import get_pipeline
    from lawcheck.importers import read_path
    from lawcheck.pipeline import LONG_TEXT, tag_texts
    from lawcheck.split import split_law
    from lawcheck.tag import tag_doc

    law = split_law(read_path(corpus_dir / "raw/text/extra/001692_act_21450.md"))
    items = [(f"{i}:{c.ref}", c.text) for i, c in enumerate(law.clauses())]
    assert sum(len(text) > LONG_TEXT for _, text in items) == 1
    rows = list(tag_texts(items, 2))
    assert sorted(r["content_hash"] for r in rows) == sorted(ref for ref, _ in items)
    nlp = get_pipeline(2)
    by_ref = {r["content_hash"]: r for r in rows}
    for ref, text in items:
        expected = tag_doc(nlp.tokenizer.morphology(text)).as_record()
        assert by_ref[ref] == {"content_hash": ref, **expected}, ref
