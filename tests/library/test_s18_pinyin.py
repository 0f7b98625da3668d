"""Session 18: a question typed in pinyin is read in the library's own words (usability review P9: "shiye" → 0
results, no suggestion).

Letters alone that spell pinyin syllables become the words of the library spelled so: the word asked about most
(the questions-asked field), then the one most documents print; letters typed together or apart are split into
the fewest words. Anything else is searched as typed.
"""

from __future__ import annotations

import pytest

from kuaiban.library.pinyin import PinyinReader, spelled


def _reader(asked: dict[str, int] | None = None) -> PinyinReader:
    printed = {"失业": 40, "事业": 90, "视野": 2, "保险金": 30, "保险": 80, "金": 50, "养老金": 20, "养老": 60,
               "上": 200, "调": 30, "银行": 12, "女职工": 5, "工伤": 25, "认定": 40}
    return PinyinReader(printed.items(), asked)


def test_the_word_people_asked_about_wins_over_the_word_more_documents_print() -> None:
    assert _reader({"失业": 12, "事业": 1}).read("shiye") == "失业"
    # with no question asked, the most printed of the words spelled alike
    assert _reader().read("shiye") == "事业"


@pytest.mark.parametrize(("typed", "read"), [
    ("shiyebaoxianjin", "失业 保险金"),  # the fewest words: 保险金, not 保险 + 金
    ("yang lao jin", "养老金"),  # syllables typed apart are one word
    ("gongshang rending", "工伤 认定"),
    ("YangLaoJin", "养老金"),  # capitals
    ("yanglaojin shangtiao", "养老金 上 调"),  # single characters where the library has no such word
    ("nvzhigong", "女职工"),  # ü typed as v
    ("yin'hang", "银行"),  # the phrase's reading (háng), not the character's first (xíng)
])
def test_letters_are_split_into_the_fewest_words_they_spell(typed, read) -> None:
    assert _reader({"失业": 12}).read(typed) == read


@pytest.mark.parametrize("typed", ["pdf", "sybx", "失业 shiye", "2020", "", "   ", "shiye!"])
def test_what_is_not_pinyin_alone_is_left_as_typed(typed) -> None:
    assert _reader().read(typed) is None


def test_a_word_is_spelled_without_tones() -> None:
    from pypinyin.phrases_dict import phrases_dict
    from pypinyin.pinyin_dict import pinyin_dict

    assert spelled("失业", pinyin_dict, phrases_dict) == "shiye"
    assert spelled("绿色", pinyin_dict, phrases_dict) == "lvse"


@pytest.mark.slow
def test_the_library_finds_unemployment_documents_for_shiye(library_db_url) -> None:
    """On the bundled library: the asked questions name 失业 far more than 事业, so "shiye" reads 失业."""
    from kuaiban.db import connect
    from kuaiban.library.search import get_index

    index = get_index(connect(library_db_url))
    assert index.pinyin.read("shiye") == "失业"
    hits = index.search("shiye", limit=5)
    assert hits and all("失业" in h.title or "失业" in h.snippet for h in hits)
    assert [h.document_id for h in index.search("shiyebaoxianjin", limit=5)] == \
        [h.document_id for h in index.search("失业保险金", limit=5)]
