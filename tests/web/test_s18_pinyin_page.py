"""Session 18: the library page read a question typed in pinyin and says how (usability review P9: "shiye" → 0
results, no suggestion)."""

from __future__ import annotations

import re


def test_a_question_in_pinyin_is_searched_in_chinese_and_the_page_says_so(app_client) -> None:
    page = app_client.get("/library", params={"q": "shiye baoxianjin"})
    assert page.status_code == 200
    note = re.search(r'id="pinyin-reading">(.*?)</p>', page.text)
    assert note is not None
    assert "按拼音“shiye baoxianjin”检索" in note.group(1) and "失业保险金" in note.group(1)
    assert "没有找到相关文件" not in page.text
    assert "失业保险金" in page.text


def test_a_question_in_chinese_gets_no_pinyin_note(app_client) -> None:
    page = app_client.get("/library", params={"q": "失业保险金"})
    assert 'id="pinyin-reading"' not in page.text
