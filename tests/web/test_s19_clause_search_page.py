"""Session 19: the library page lists search results 按文件 (one per document, the default) or 按条款 (the clauses
that answer, several of one notice if they do), as 北大法宝 does.

The question is answered by one numbered part of a long notice: 渝人社发〔2021〕38号 三（十五） (children of
新就业形态劳动者 in 义务教育 where they live). 按条款 cites it in its heading, “……实施意见 三（十五）”, linking to
that part of the document page (#s3-15).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

QUESTION = "骑手的孩子能在重庆读义务教育吗"
NOTICE = "渝人社发〔2021〕38号"


def headings(page: str) -> list[tuple[str, str]]:
    """(link, text) of each hit's heading, in order."""
    return [(href, re.sub(r"<[^>]+>", "", text).strip())
            for href, text in re.findall(r'<h3><a href="([^"]+)">(.*?)</a></h3>', page, re.S)]


def test_the_form_offers_both_views_and_by_document_is_the_default(app_client):
    page = app_client.get("/library", params={"q": QUESTION}).text
    assert re.search(r'<legend>结果列出</legend>', page)
    assert re.search(r'id="by-document" name="by" value="document" checked', page)
    assert re.search(r'id="by-clause" name="by" value="clause" >', page)
    assert "按文件" in page and "按条款" in page
    documents = [href.split("#")[0] for href, _ in headings(page)]
    assert documents and len(set(documents)) == len(documents)  # each document once


def test_by_clause_cites_the_clause_in_the_heading_and_links_to_its_anchor(app_client):
    page = app_client.get("/library", params={"q": QUESTION, "by": "clause"}).text
    assert re.search(r'id="by-clause" name="by" value="clause" checked', page)
    first_five = headings(page)[:5]
    answering = [(href, text) for href, text in first_five if text.endswith("实施意见 三（十五）")]
    assert answering, first_five
    assert answering[0][0].endswith("#s3-15")
    assert NOTICE in page and "出处：重庆汇编 第 16803 行" in page


def test_each_view_links_to_the_other_with_the_same_question_and_filters(app_client):
    page = app_client.get("/library", params={"q": QUESTION, "region": "重庆", "by": "clause"}).text
    switch = re.search(r'id="view-switch">.*?<a href="([^"]+)">改为按文件列出</a>', page, re.S)
    assert switch
    query = parse_qs(urlparse(switch.group(1).replace("&amp;", "&")).query)
    assert query == {"q": [QUESTION], "region": ["重庆"]}
    back = app_client.get("/library", params={"q": QUESTION, "region": "重庆"}).text
    switch = re.search(r'id="view-switch">.*?<a href="([^"]+)">改为按条款列出</a>', back, re.S)
    assert switch
    assert parse_qs(urlparse(switch.group(1).replace("&amp;", "&")).query) == {
        "q": [QUESTION], "region": ["重庆"], "by": ["clause"]}


def test_paging_stays_in_the_clause_view(app_client):
    first = app_client.get("/library", params={"q": "失业保险金", "by": "clause"}).text
    following = re.search(r'<a href="([^"]+)" rel="next">下一页</a>', first)
    assert following and "by=clause" in following.group(1) and "page=2" in following.group(1)
    second = app_client.get(following.group(1).replace("&amp;", "&")).text
    assert '<ol class="hits clauses" start="21">' in second and "检索结果（第 21–" in second
    previous = re.search(r'<a href="([^"]+)" rel="prev">上一页</a>', second)
    assert previous and "by=clause" in previous.group(1)
    # and in the document view, as before
    plain = app_client.get("/library", params={"q": "失业保险金", "page": "2"}).text
    assert '<ol class="hits" start="21">' in plain


def test_a_question_in_pinyin_is_read_in_both_views(app_client):
    page = app_client.get("/library", params={"q": "shiye baoxianjin", "by": "clause"}).text
    assert re.search(r'id="pinyin-reading">按拼音“shiye baoxianjin”检索：.*失业保险金', page)
    assert headings(page)


def test_an_unknown_view_is_named_next_to_the_choice(app_client):
    page = app_client.get("/library", params={"q": QUESTION, "by": "article"})
    assert page.status_code == 422
    assert 'id="by-error"' in page.text and "结果列出方式应为：按文件、按条款" in page.text


def test_choosing_by_clause_in_a_browser_and_opening_the_clause(page, check_accessibility):
    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/library?q={QUESTION}")
        page.check("#by-clause")
        page.click("form.search button[type=submit]")
        page.wait_for_url(re.compile(r"by=clause"))
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing runs off a phone
        check_accessibility(page)
        link = page.locator("ol.hits h3 a", has_text="三（十五）").first
        assert link.count() == 1
        link.click()
        page.wait_for_url(re.compile(r"#s3-15$"))
        assert page.locator("#s3-15").is_visible()
