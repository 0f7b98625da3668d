"""事项联想 reads whole words (data/topics.yaml, kuaiban.cross_refs.topics_of): a topic's term counts when the
question says it as a word, or as several words in a row, or when the synonym lists translate a word into it —
not when the term is only part of a longer word. Search-mode segmentation cuts 失业补助金 into 失业 / 补助 /
补助金 / 失业补助金, and the 失业 inside offered the 失业保险金 guide to a question about another benefit."""

from __future__ import annotations

import pytest

from kuaiban.cross_refs import says, topics_of
from kuaiban.library.tokenize import words


def names(question: str) -> list[str]:
    return [t.name for t in topics_of(question)]


def test_a_whole_word_is_one_the_segmenter_keeps_whole():
    assert words("城镇登记失业率") == ["城镇", "登记", "失业率"]
    assert "失业" not in words("失业补助金")


@pytest.mark.parametrize(("question", "term"), [("我失业了", "失业"), ("领取失业保险待遇", "失业保险待遇"),
                                                ("就业失业登记证", "失业登记")])
def test_a_term_is_said_as_a_word_or_as_words_in_a_row(question, term):
    assert says(words(question), term)


@pytest.mark.parametrize(("question", "term"), [("失业补助金", "失业"), ("城镇登记失业率", "失业"),
                                                ("失业保险金", "失业保险待遇")])
def test_a_term_inside_a_longer_word_is_not_said(question, term):
    assert not says(words(question), term)


@pytest.mark.parametrize("question", ["失业补助金", "失业补助金怎么申请", "失业率", "失业率是多少"])
def test_a_question_printing_失业_only_inside_another_word_reaches_no_topic(question):
    assert names(question) == []


@pytest.mark.parametrize("question", ["我失业了", "失业保险怎么领", "失业农民工", "领取失业保险待遇", "防失业",
                                      "下岗职工",  # 下岗 → 失业: a synonym of a word inside is a translation
                                      "失业金怎么领", "救济金"])
def test_questions_about_losing_work_keep_the_topic(question):
    assert names(question) == ["失业"]
