"""Storage: the library on SQLite and on PostgreSQL, idempotent and all-or-nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from kuaiban.db import DatabaseError, connect, make_engine, session_scope
from kuaiban.library import ingest as ingest_module
from kuaiban.library.ingest import ingest
from kuaiban.library.models import ArticleRow, Document, DocumentSource, Link, Passage, UnitRow
from kuaiban.library.queries import NotFound, detail, find_article, find_document, standing_on


def _counts(engine) -> dict[str, int]:
    with session_scope(engine) as s:
        return {
            model.__tablename__: s.scalar(select(func.count()).select_from(model))
            for model in (Document, DocumentSource, ArticleRow, UnitRow, Passage, Link)
        }


def test_ingest_stores_documents_with_sources_and_passages(backend_url, small_corpus):
    engine = connect(backend_url)
    report = ingest(engine, small_corpus)
    assert report.documents > 5
    counts = _counts(engine)
    assert counts["documents"] == report.documents
    assert counts["passages"] == report.passages > counts["documents"]
    with session_scope(engine) as s:
        doc = find_document(s, "法发[2020]20号")  # typed with square brackets
        assert doc.doc_no == "法发〔2020〕20号"
        assert doc.sources[0].file == "court-national-provinces-2020.txt"
        assert doc.sources[0].start_line < doc.sources[0].end_line


def test_ingest_stores_numbered_parts_validity_and_passages_that_point_at_parts(backend_url, small_corpus):
    engine = connect(backend_url)
    report = ingest(engine, small_corpus)
    assert report.units == _counts(engine)["doc_units"] > report.documents
    with session_scope(engine) as s:
        doc = find_document(s, "人社部发〔2020〕40号")  # court-national-provinces-2020.txt:642–740
        part = next(u for u in doc.units if u.label == "五")
        assert (part.line, part.anchor) == (689, "s5")
        passage = s.scalars(select(Passage).where(Passage.document_id == doc.id, Passage.unit == "五")).one()
        assert passage.anchor == "s5" and "价格临时补贴" in passage.text
        assert doc.valid_from == dt.date(2020, 5, 29) and doc.validity["measures"]
        july = standing_on(doc, dt.date(2020, 7, 1))
        assert july["status"] == "部分失效" and july["status_basis"]["article"] == "五"
        shown = detail(s, doc, dt.date(2020, 7, 1))
        assert shown["status"] == "部分失效" and shown["as_of"] == "2020-07-01"
        cited = next(u["citation"] for u in shown["units"] if u["label"] == "五")
        assert cited.startswith("《") and "（人社部发〔2020〕40号）五，法院及各省汇编 第 689" in cited


def test_ingest_twice_updates_in_place_and_never_duplicates(backend_url, small_corpus):
    engine = connect(backend_url)
    first = ingest(engine, small_corpus)
    with session_scope(engine) as s:
        ids_before = dict(s.execute(select(Document.key, Document.id)).all())
    counts_before = _counts(engine)

    second = ingest(engine, small_corpus)

    assert second.created == 0
    assert second.updated == first.documents
    assert _counts(engine) == counts_before
    with session_scope(engine) as s:
        assert dict(s.execute(select(Document.key, Document.id)).all()) == ids_before


def test_if_needed_skips_when_nothing_changed(backend_url, small_corpus):
    engine = connect(backend_url)
    ingest(engine, small_corpus)
    again = ingest(engine, small_corpus, if_needed=True)
    assert again.skipped
    assert again.documents == _counts(engine)["documents"]


def test_a_failure_half_way_leaves_the_database_as_it_was(backend_url, small_corpus, monkeypatch):
    engine = connect(backend_url)
    ingest(engine, small_corpus)
    before = _counts(engine)

    calls = {"n": 0}
    real = ingest_module.build_passages

    def failing(doc):
        calls["n"] += 1
        if calls["n"] == 5:
            raise RuntimeError("simulated crash in the middle of an ingest")
        return real(doc)

    monkeypatch.setattr(ingest_module, "build_passages", failing)
    with pytest.raises(RuntimeError):
        ingest(engine, small_corpus)
    assert _counts(engine) == before


def test_unknown_doc_no_and_article_are_reported_in_chinese(backend_url, small_corpus):
    engine = connect(backend_url)
    ingest(engine, small_corpus)
    with session_scope(engine) as s:
        with pytest.raises(NotFound, match="没有文号为 人社部发〔1999〕999号"):
            find_document(s, "人社部发[1999]999号")
        with pytest.raises(NotFound, match="无法识别的文号"):
            find_document(s, "不是文号")
        doc = find_document(s, "法发〔2020〕20号")
        with pytest.raises(NotFound, match="没有第999条"):
            find_article(doc, 999)


@pytest.mark.parametrize(
    "url",
    ["nonsense", "mysql://root@127.0.0.1/test", "sqlite+foo:///x.db"],
)
def test_malformed_or_unsupported_urls_are_refused(url):
    with pytest.raises(DatabaseError):
        make_engine(url)


def test_unreachable_postgres_is_a_clear_error():
    with pytest.raises(DatabaseError, match="无法连接数据库"):
        connect("postgresql+psycopg://postgres@127.0.0.1:1/none")


def test_one_doc_no_on_two_notices_gives_two_records_both_found_and_cited(backend_url, small_corpus):
    """004 prints 京人社发[2020]8号 on the 失业保险金 standards (004:2442) and on the 失业补助金 notice
    (004:2540): both are documents, a 文号 lookup shows both, and each clause resolves to its own."""
    from kuaiban.library.clause_links import resolve
    from kuaiban.library.queries import find_documents
    from kuaiban.library.search import SearchIndex
    from kuaiban.platform.citations import clause

    engine = connect(backend_url)
    ingest(engine, small_corpus)
    with session_scope(engine) as s:
        both = find_documents(s, "京人社发[2020]8号")
        assert [d.title for d in both] == ["关于调整失业保险金发放标准的通告",
                                           "关于做好阶段性失业补助金和临时生活补助申领发放工作的通知"]
        assert len({d.key for d in both}) == 2 and all(d.doc_no == "京人社发〔2020〕8号" for d in both)
        assert detail(s, both[0])["same_doc_no"] == [{"id": both[1].id, "title": both[1].title}]
        standard, relief = resolve(s, clause("bj_ub_1_5")), resolve(s, clause("bj8_us_standard"))
        assert standard.url.startswith(f"/library/doc/{both[0].id}#")
        assert relief.url.startswith(f"/library/doc/{both[1].id}#")
        hits = SearchIndex.build(s).search("京人社发[2020]8号", limit=5)
    assert {h.document_id for h in hits[:2]} == {both[0].id, both[1].id}


def test_a_clause_quoting_a_printed_measures_article_links_to_that_texts_article(library_db_url):
    """人社部规〔2020〕1号 prints its 考试实施办法 after its 规定, each from 第一条 (hunan-hrss-2020.txt:6856): a
    clause quoting the 实施办法's 第一条 links there, not to the 规定's 第一条."""
    from kuaiban.library.clause_links import resolve
    from kuaiban.platform.citations import Clause

    quote = "人力资源社会保障部人事考试中心负责经济专业技术资格考试的具体组织实施工作"
    cited = Clause(key="test_measures", doc_no="人社部规〔2020〕1号", article="第一条", file="hunan-hrss-2020.txt",
                   lines=(6856, 6856), quote=quote)
    with session_scope(connect(library_db_url)) as s:
        link = resolve(s, cited)
    assert link.where == "article" and link.url.endswith("#art-1-《经济专业技术资格考试实施办法》")
