"""The analyse stage over a real database: tags stored, the cache reused, items inherit."""

from __future__ import annotations

from sqlmodel import Session, select

from lawcheck.pipeline import analyse_database, import_paths
from lawcheck.store import ClauseRow, TagCacheRow, clauses_of, find_version, get_engine, tags_of


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
    assert (tag.tag, tag.modality, cache.duty_bearer) == ("regulation", "obligation", "인공지능사업자")
    item, _ = by_ref["제43조제1항제1호"]
    assert (item.tag, item.modality, item.inherited_from) == ("regulation", "sanction", "제43조제1항")


def test_pipeline_reimport_with_one_changed_article_analyses_one_text(db_url, tmp_path, corpus_dir):
    engine = get_engine(db_url)
    source = corpus_dir / "raw/text/ai_basic_act_21311.md"
    import_paths([source], engine)
    analyse_database(engine)
    changed = tmp_path / "ai.md"
    text = source.read_text(encoding="utf-8")
    changed.write_text(text.replace("국민의 삶의 질 향상과 국가경쟁력을", "국민의 삶의 질과 국가경쟁력을", 1),
                       encoding="utf-8")
    import_paths([changed], engine)  # same version, another source: rows replaced
    report = analyse_database(engine)
    assert report.analysed == 1
    with Session(engine) as session:
        hashes = session.exec(select(ClauseRow.content_hash)).all()
        cached = session.exec(select(TagCacheRow.content_hash)).all()
    assert set(hashes) <= set(cached)
