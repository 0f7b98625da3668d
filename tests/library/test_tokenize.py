"""The search tokenizer: what a passage and a query are cut into."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from kuaiban.library.tokenize import DOMAIN_WORDS, STOPWORDS, tokenize


def test_a_compound_term_is_indexed_with_the_words_inside_it():
    # search mode: a citizen typing 保险费 meets a text that says 社会保险费
    assert tokenize("阶段性减免企业社会保险费") == [
        "阶段", "阶段性", "减免", "企业", "社会", "保险", "保险费", "社会保险费",
    ]


def test_terms_of_art_are_kept_whole():
    # jieba's general dictionary alone cuts 能拿稳岗返还 into 拿稳 / 岗 / 返还
    assert "稳岗返还" in tokenize("公司裁员能拿稳岗返还吗")
    assert "以工代训" in tokenize("大力开展以工代训工作")
    assert "失业保险金" in tokenize("失业保险金网上申领")


def test_question_words_and_punctuation_are_dropped():
    tokens = tokenize("失业了去哪登记？")
    assert tokens == ["失业", "登记"]
    assert not set(tokens) & STOPWORDS


def test_numbers_survive_so_years_and_article_numbers_can_match():
    assert tokenize("2020年6月8日 第 79条") == ["2020", "年", "6", "月", "8", "日", "第", "79", "条"]


def test_full_width_letters_and_kangxi_radicals_from_pdf_extraction_are_folded():
    # PDF extraction prints 人力 with the Kangxi radicals ⼈⼒ (U+2F08, U+2F12)
    assert tokenize("⼈⼒资源") == tokenize("人力资源")
    assert tokenize("ＡＢＣ１２３") == ["abc123"]
    # the compilation's own heading spells 社会保険 with a Japanese 険
    assert tokenize("社会保険") == tokenize("社会保险")


def test_tokenizing_is_deterministic():
    text = "人力资源社会保障部 财政部关于2020年调整退休人员基本养老金的通知"
    assert tokenize(text) == tokenize(text) == tokenize(str(text))


def test_every_domain_word_is_a_token_of_itself():
    for word in DOMAIN_WORDS:
        assert word in tokenize(word), word


def test_empty_and_blank_text_have_no_tokens():
    assert tokenize("") == []
    assert tokenize(" \n\t　") == []


_TOKEN = re.compile(r"^(?:[\u3400-\u4dbf\u4e00-\u9fff]|[a-z0-9])+$")


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("人社部发〔2020〕26号失业保险金的了吗 ，。ABCａ１\n\t《》-")), max_size=60))
def test_tokens_are_only_word_characters_and_never_stopwords(text):
    for token in tokenize(text):
        assert _TOKEN.match(token), token
        assert token not in STOPWORDS
