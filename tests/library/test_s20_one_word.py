"""Session 20: a query of one word finds the clauses that speak of it, not the shortest that name it.

For "工伤" the clause view listed the fields of a form ("3.异地工伤就医报告(勾选)。", "3.工伤认定申请。") first: with
nothing else to tell parts apart, BM25's full length normalisation (of words and of characters) prefers the
shortest text that prints the word once. A query of one word as the dictionary cuts it now chooses parts at length
normalisation 0.3 and without the characters; every other query is ranked as before (no question of the evaluation
sets is one word).
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy.orm import Session

from kuaiban.db import connect
from kuaiban.library.search import SearchIndex, one_word

FORM_FIELD = re.compile(r"[（(](?:默认)?勾选[)）]")


@pytest.fixture(scope="module")
def index(library_db_url) -> SearchIndex:
    with Session(connect(library_db_url)) as session:
        return SearchIndex.build(session)


@pytest.mark.parametrize(("query", "single"), [
    ("工伤", True), ("失业金", True), ("养老保险", True), ("社保卡", True),
    ("工伤认定", False), ("退休 年龄", False), ("技能提升补贴", False), ("我爸去世了，丧葬费能领多少", False),
])
def test_one_word_is_one_word_as_the_dictionary_cuts_it(query, single) -> None:
    assert one_word(query) is single


@pytest.mark.parametrize("word", ["工伤", "退休", "养老保险"])
def test_the_first_clauses_for_one_word_speak_of_it_and_are_not_a_forms_fields(index, word) -> None:
    hits = index.search(word, limit=5, per_document=False)
    assert len(hits) == 5
    for hit in hits[:3]:
        text = index.passages[_passage(index, hit)].text
        assert not FORM_FIELD.search(text), text
        assert len(text) >= 30, text  # a clause that says something of the word, not a one-line item


def test_before_the_change_a_forms_field_came_first(index) -> None:
    """What the change is for: the same search at full length normalisation, as before session 20."""
    index.one_word_part_b = None
    try:
        first = index.search("工伤", limit=1, per_document=False)[0]
    finally:
        index.one_word_part_b = 0.3
    assert FORM_FIELD.search(index.passages[_passage(index, first)].text) or \
        len(index.passages[_passage(index, first)].text) < 30


def test_a_question_of_several_words_is_ranked_as_before(index) -> None:
    question = "公司招了残疾人，社保补贴怎么申请"
    now = [(h.document_id, h.source["start_line"]) for h in index.search(question, limit=10, per_document=False)]
    index.one_word_part_b = None
    try:
        before = [(h.document_id, h.source["start_line"])
                  for h in index.search(question, limit=10, per_document=False)]
    finally:
        index.one_word_part_b = 0.3
    assert now == before


def _passage(index: SearchIndex, hit) -> int:
    """The part a hit cites: its document's passage starting on the hit's first line."""
    doc = next(i for i, d in enumerate(index.docs) if d.id == hit.document_id)
    return next(i for i, p in enumerate(index.passages) if p.doc == doc and p.start_line == hit.source["start_line"])
