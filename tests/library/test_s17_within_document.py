"""Session 17: which part of a found document answers — options measured leaving one question set out, not adopted.

``WithinDocumentIndex(local_idf_weight=w)`` (benchmarks/s17_within_document.py) adds to a passage hit's score the
BM25 of the question's words with the document's OWN parts as the collection (a word every part of a 失业保险
notice prints says nothing about which part; a word one part prints says which). ``proximity_weight`` rewards a
part printing two question words close together. Neither met the adoption rule (docs/BENCHMARKS.md, session 17), so
search does not have them: they live in the benchmark, off by default, and neither touches the per-document hits.
These tests document the mechanism the benchmark measures.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # the benchmarks are scripts of the checkout, not part of the package
    sys.path.insert(0, str(ROOT))

from benchmarks import s17_within_document as within  # noqa: E402
from benchmarks.s17_within_document import WithinDocumentIndex  # noqa: E402
from kuaiban.library.search import SearchIndex, _Doc, _Passage  # noqa: E402
from kuaiban.library.tokenize import tokenize  # noqa: E402

# An invented notice in the compilations' style: every part names 失业保险金; a short part on what it does not
# reimburse (报销) outranks, on the whole library's word weights, the long part that answers about 路费.
NOTICE = [
    ("一", "一、失业保险金的申领\n失业人员领取失业保险金，应当办理失业登记。失业保险金按月发放，失业保险金标准按规定执行。"),
    ("二", "二、失业保险金的报销范围\n领取失业保险金期间的医疗费，失业保险金不予报销。"),
    ("三", "三、其他待遇\n领取失业保险金期间，经批准参加职业培训的给予职业培训补贴，到指定地点求职的按规定报销路费，"
           "本人去世的发放丧葬补助金和抚恤金。"),
    ("四", "四、失业保险金的停发\n重新就业的，停止领取失业保险金。失业保险金停发后，失业保险关系转移。"),
]
OTHER = [("一", "一、职业培训补贴\n参加职业培训的，按规定享受职业培训补贴。")]


def _index(cls: type[SearchIndex] = WithinDocumentIndex, **options) -> SearchIndex:
    docs, passages = [], []
    for i, (doc_no, title, parts) in enumerate([("示例〔2021〕7号", "关于做好失业保险金发放工作的通知", NOTICE),
                                               ("示例〔2021〕8号", "关于职业培训补贴的通知", OTHER)]):
        docs.append(_Doc(id=i + 1, doc_no=doc_no, title=title, issuers=[], region="湖南", date="2021-03-01",
                         year=2021, status="现行有效", category=None, sources=[("hunan-hrss-2021.txt", 1, 999)]))
        passages += [_Passage(i, None, None, text, 100 * (i + 1) + 10 * n, 100 * (i + 1) + 10 * n + 5, unit=label,
                              anchor=f"s{n + 1}") for n, (label, text) in enumerate(parts)]
    return cls(docs, passages, [tokenize(p.text) for p in passages], asked=(), **options)


QUESTION = "失业保险金 路费 报销"


def _units(index: SearchIndex, query: str = QUESTION) -> list[str]:
    return [h.unit for h in index.search(query, limit=5, per_document=False)]


def test_off_by_default_and_then_ranked_as_search_ranks():
    assert within.LOCAL_IDF_WEIGHT == 0.0 and within.PROXIMITY_WEIGHT == 0.0
    default, off, plain = _index(), _index(local_idf_weight=0.0, proximity_weight=0.0), _index(SearchIndex)
    for per_document in (False, True):
        assert [(h.unit, h.score) for h in default.search(QUESTION, limit=5, per_document=per_document)] == \
            [(h.unit, h.score) for h in off.search(QUESTION, limit=5, per_document=per_document)] == \
            [(h.unit, h.score) for h in plain.search(QUESTION, limit=5, per_document=per_document)]


def test_words_rare_among_the_documents_own_parts_choose_the_part():
    index = _index(local_idf_weight=1.0)
    vocab, post = index.vocab, index.local_postings()
    # 失业保险金 is printed by every part of the notice: it weighs ~nothing in choosing among them; 路费 by one
    assert float(post[vocab["失业保险金"]][:4].max()) < 0.35 * float(post[vocab["路费"]].max())
    assert _units(_index())[:2] == ["二", "三"]  # now: the short part sharing 失业保险金 and 报销 first
    assert _units(index)[:2] == ["三", "二"]  # the part printing 路费, the one word that tells the parts apart


def test_the_per_document_hits_do_not_change():
    for options in ({"local_idf_weight": 1.0}, {"proximity_weight": 8.0}):
        on, off = _index(**options), _index()
        for q in (QUESTION, "职业培训补贴", "失业保险金停发"):
            assert [(h.document_id, h.unit, h.score) for h in on.search(q, limit=5)] == \
                [(h.document_id, h.unit, h.score) for h in off.search(q, limit=5)]


def test_proximity_favours_a_part_printing_the_question_words_together():
    index = _index(proximity_weight=8.0)
    terms = index.query_terms("报销 路费")
    near = index._proximity(terms, [2, 0])  # 三 prints 报销路费 together; 一 prints neither
    assert near[0] > 0 and near[1] == 0


def test_the_proximity_reads_each_part_as_indexed_with_its_defined_long_forms():
    # a part printing a short form its document defines is indexed with the long form's words too
    defined = [("一", "一、求职创业补贴（以下简称“补贴”）\n毕业年度内的高校毕业生可申请补贴。"),
               ("二", "二、补贴标准\n补贴按每人一次性发放，具体标准由各地确定。")]
    docs = [_Doc(id=1, doc_no="示例〔2021〕9号", title="关于求职创业补贴的通知", issuers=[], region="湖南",
                 date="2021-03-01", year=2021, status="现行有效", category=None,
                 sources=[("hunan-hrss-2021.txt", 1, 99)])]
    passages = [_Passage(0, None, None, text, 10 * n + 1, 10 * n + 5, unit=label, anchor=f"s{n + 1}")
                for n, (label, text) in enumerate(defined)]
    tokens = [tokenize(p.text) for p in passages]
    index = WithinDocumentIndex(docs, passages, tokens, asked=(), proximity_weight=8.0)
    assert "补贴" in index.defined_short
    for p in range(len(passages)):
        indexed = {t for t, ids in index._part_post.ids.items() if p in ids}
        assert set(index._passage_ids[p]) == indexed
    assert set(index._passage_ids[1]) > {index.vocab[t] for t in tokens[1]}  # 二 has the long form's words too
