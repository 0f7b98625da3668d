"""Merging copies of one document printed in several compilations."""

from __future__ import annotations

from kuaiban.corpus.model import Paragraph, ParsedDocument, SourceSpan
from kuaiban.corpus.pipeline import identity, merge
from kuaiban.corpus.regions import canonical_region, infer_region


def doc(title, doc_no, file, body, **kw) -> ParsedDocument:
    return ParsedDocument(title=title, doc_no=doc_no, source=SourceSpan(file, 1, 10),
                          paragraphs=[Paragraph(body, 1)], **kw)


def test_same_doc_no_in_two_compilations_is_one_document_with_two_sources():
    hunan = doc("人力资源社会保障部关于开展“人社服务快办行动”的通知", "人社部发〔2020〕26号", "hunan.txt", "正文" * 50,
                category="综合")
    q2 = doc("关于开展“人社服务快办行动”的通知", "人社部发〔2020〕26号", "q2.txt", "正文" * 60)
    other = doc("另一个通知", "人社部发〔2020〕40号", "q2.txt", "正文")
    merged = merge([hunan, q2, other])
    assert [d.doc_no for d in merged] == ["人社部发〔2020〕26号", "人社部发〔2020〕40号"]
    kept = merged[0]
    assert {s.file for s in kept.sources} == {"hunan.txt", "q2.txt"}
    assert kept.title.startswith("人力资源社会保障部")  # the fullest title
    assert kept.category == "综合"  # facts only one copy had are kept
    assert len(kept.body) == len("正文" * 60)  # the longer copy is the text of record


def test_documents_without_a_number_merge_by_title_ignoring_spaces_and_quotes():
    a = doc("中华人民共和国 长江保护法", None, "a.txt", "x")
    b = doc("中华人民共和国长江保护法", None, "b.txt", "xy")
    assert identity(a) == identity(b)
    assert len(merge([a, b])) == 1


def test_region_from_issuer_then_doc_no_then_default():
    assert infer_region(["广州市人力资源和社会保障局"], "关于…的通知", None, None) == "广州"
    assert infer_region([], "关于…的通知", "湘人社规〔2020〕11号", None) == "湖南"
    assert infer_region(["人力资源社会保障部", "财政部"], "关于…的通知", "人社部发〔2020〕22号", "湖南") == "国家"
    assert infer_region([], "某通知", None, "重庆") == "重庆"


def test_canonical_region_accepts_full_names():
    assert canonical_region("湖南省") == "湖南"
    assert canonical_region("重庆市") == "重庆"
    assert canonical_region("全国") == "国家"
