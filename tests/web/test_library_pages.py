"""法规库 pages: search with filters, document pages with articles, attachments, tables, validity,
sources and citations both ways; one browser path through all of it."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from kuaiban.db import connect, session_scope
from kuaiban.library.models import ArticleRow, AttachmentRow, Document, Link, TableRow

RELIEF = "湘人社规〔2020〕10号"  # 延长阶段性减免企业社会保险费 (hunan-hrss-2020.txt), cites other held documents


def first_doc(url: str, *conditions) -> Document:
    with session_scope(connect(url)) as s:
        doc = s.scalars(select(Document).where(*conditions).order_by(Document.id)).first()
        s.expunge(doc)
        return doc


def test_search_shows_snippets_with_the_article_to_cite(app_client):
    page = app_client.get("/library", params={"q": "阶段性减免企业社会保险费", "region": "湖南"}).text
    assert "检索结果" in page
    assert "<mark>" in page  # the snippet marks the matched words
    assert RELIEF in page
    assert re.search(r'href="/library/doc/\d+(#(art-\d+|s[\d-]+))?"', page)  # at the article or numbered part
    assert re.search(r"出处：湖南汇编 第 \d+(–\d+)? 行", page) and ".txt" not in page


def test_filters_alone_browse_documents(app_client):
    page = app_client.get("/library", params={"region": "重庆", "year": "2021", "status": "现行有效"})
    assert page.status_code == 200
    assert "符合条件的文件" in page.text
    assert "2021年" in page.text and "2021-" not in page.text and "湖南" not in re.sub(r"<select.*?</select>", "", page.text, flags=re.S)


def test_a_bad_year_is_named_next_to_its_field(app_client):
    page = app_client.get("/library", params={"q": "养老", "year": "二〇二〇"})
    assert page.status_code == 422
    assert 'id="year-error"' in page.text and "年份应为四位数字" in page.text


def test_document_page_has_article_anchors_sources_and_citations(app_client, live_db_url):
    doc = first_doc(live_db_url, Document.doc_no == RELIEF)
    page = app_client.get(f"/library/doc/{doc.id}").text
    assert f"<h1>{doc.title}</h1>" in page
    assert re.search(r'id="l\d+"', page)  # every paragraph is addressable by its compilation line
    assert re.search(r"湖南汇编 第 \d+–\d+ 行", page) and ".txt" not in page
    assert "引用的文件" in page and re.search(r'<ul class="cites">.*href="/library/doc/\d+"', page, re.S)


def test_articles_are_anchored_art_n(app_client, live_db_url):
    with session_scope(connect(live_db_url)) as s:
        doc_id = s.scalar(select(ArticleRow.document_id)
                          .where(ArticleRow.attachment.is_(None), ArticleRow.number == 3))
    page = app_client.get(f"/library/doc/{doc_id}").text
    assert 'id="art-3"' in page and 'href="#art-3"' in page


def test_omitted_attachments_say_so_and_tables_are_tables(app_client, live_db_url):
    with session_scope(connect(live_db_url)) as s:
        omitted_doc = s.scalar(select(AttachmentRow.document_id).where(AttachmentRow.omitted.is_(True)))
        table_doc = s.scalar(select(TableRow.document_id))
    page = app_client.get(f"/library/doc/{omitted_doc}").text
    assert "（略）汇编未收录此附件正文" in page
    page = app_client.get(f"/library/doc/{table_doc}").text
    assert "<table>" in page and "<caption>表格 1" in page


def test_cited_documents_list_who_cites_them(app_client, live_db_url):
    with session_scope(connect(live_db_url)) as s:
        source, target = s.execute(select(Link.from_id, Link.to_id).where(Link.to_id.is_not(None))).first()
    page = app_client.get(f"/library/doc/{target}").text
    assert f'href="/library/doc/{source}"' in page.split("被以下文件引用")[1]


def test_a_doc_no_url_redirects_to_the_stable_id_and_unknown_is_404(app_client, live_db_url):
    doc = first_doc(live_db_url, Document.doc_no == RELIEF)
    r = app_client.get("/library/doc/湘人社规[2020]10号", follow_redirects=False)
    assert r.status_code == 301 and r.headers["location"] == f"/library/doc/{doc.id}"
    assert app_client.get(f"/documents/{doc.id}", follow_redirects=False).headers["location"] == f"/library/doc/{doc.id}"
    r = app_client.get("/library/doc/999999")
    assert r.status_code == 404 and "没有编号为 999999 的文件" in r.text


@pytest.mark.slow
def test_browser_search_filter_open_and_follow_a_citation(page, screenshot, check_accessibility):
    page.goto("/library")
    check_accessibility(page, ["#q", "#region", "button[type=submit]"])
    page.get_by_label("检索词或文号").fill("阶段性减免企业社会保险费 延长")
    page.get_by_role("button", name="检索").click()
    page.wait_for_url(re.compile(r"/library\?q="))
    page.get_by_label("地区").select_option("湖南")
    page.get_by_label("年份").fill("2020")
    page.get_by_role("button", name="检索").click()
    page.wait_for_url(re.compile(r"region=%E6%B9%96%E5%8D%97"))
    hits = page.locator("ol.hits > li")
    assert hits.count() >= 1
    assert all("湖南" in t for t in hits.locator(".meta").all_inner_texts())
    assert page.locator("ol.hits mark").count() > 0
    screenshot(page, "library-search")
    check_accessibility(page)

    page.locator("ol.hits li", has_text=RELIEF).locator("h3 a").click()
    page.wait_for_url(re.compile(r"/library/doc/\d+"))
    assert RELIEF in page.locator("dl.facts").inner_text()
    assert page.locator(".source-ref").first.inner_text().startswith("湖南汇编 第 ")
    screenshot(page, "library-document")
    check_accessibility(page)

    citing_url = page.url.split("#")[0]
    cited = page.locator("ul.cites a").first
    cited_title = cited.inner_text()
    cited.click()
    page.wait_for_url(re.compile(r"/library/doc/\d+$"))
    assert page.url.split("#")[0] != citing_url
    assert page.locator("h1").inner_text().strip() in cited_title
    back = page.locator("ul.cited-by a[href='" + citing_url.replace(page.url.split("/library")[0], "") + "']")
    assert back.count() == 1  # the cited document lists the one we came from
    check_accessibility(page)


def test_document_page_gives_the_status_on_the_day_asked_with_its_clause(app_client, live_db_url):
    # hunan-hrss-2020.txt:5655/5657: the 2020 relief's two measures end in June and in April 2020
    doc = first_doc(live_db_url, Document.doc_no == "湘人社规〔2020〕3号")
    may = app_client.get(f"/library/doc/{doc.id}", params={"as_of": "2020-05-15"}).text
    assert "效力（2020年5月15日）" in may and "<strong>部分失效</strong>" in may
    assert "湖南汇编 第 5657 行" in may  # the clause that ended: 一（二）
    today = app_client.get(f"/library/doc/{doc.id}").text
    assert "<strong>失效</strong>" in today and "阶段性措施均已到期" in today
    assert 'id="s1-1"' in today and 'href="#s1-1"' in today  # each numbered part has its anchor
    bad = app_client.get(f"/library/doc/{doc.id}", params={"as_of": "2020-13-01"})
    assert bad.status_code == 422


def test_a_measure_a_later_document_carries_on_is_shown_under_that_documents_number(app_client, live_db_url):
    # hunan-hrss-2020.txt:5185 人社部发〔2020〕49号 一 extends 人社部发〔2020〕11号's exemption to 2020年12月底
    doc = first_doc(live_db_url, Document.doc_no == "人社部发〔2020〕11号")
    before = app_client.get(f"/library/doc/{doc.id}", params={"as_of": "2020-06-21"}).text
    assert "延长：" not in before and "<dt>有效期至</dt><dd>2020年6月30日</dd>" in before  # 49号 not issued yet
    autumn = app_client.get(f"/library/doc/{doc.id}", params={"as_of": "2020-09-01"}).text
    assert "<strong>部分失效</strong>" in autumn and "<dt>有效期至</dt><dd>2020年12月31日</dd>" in autumn
    assert "人社部发〔2020〕49号 一延长：执行至2020年12月31日" in autumn


def test_document_page_lists_the_calculators_that_implement_it(app_client, live_db_url):
    doc = first_doc(live_db_url, Document.doc_no == "人社部发〔2021〕18号")  # 遗属待遇暂行办法
    page = app_client.get(f"/library/doc/{doc.id}").text
    assert "实施本文件的计算器、补贴与服务" in page
    assert 'href="/calc/survivor_benefit"' in page and "第四条" in page


def test_a_hit_links_the_calculator_that_computes_its_answer(app_client):
    page = app_client.get("/library", params={"q": "企业职工遗属待遇暂行办法 抚恤金"}).text
    assert "据此可办：计算器" in page and 'href="/calc/survivor_benefit"' in page


def test_a_hit_and_its_document_link_the_benefit_program_that_pays_it(app_client, live_db_url):
    # 湘政办发〔2020〕20号 (三) is the 一次性吸纳就业补贴 the employers' program hn_hiring_subsidy pays
    page = app_client.get("/library", params={"q": "湖南 企业吸纳登记失业半年以上人员 一次性吸纳就业补贴"}).text
    assert 'href="/programs/hn_hiring_subsidy/about"' in page and "补贴申领" in page
    doc = first_doc(live_db_url, Document.doc_no == "湘政办发〔2020〕20号")
    listed = app_client.get(f"/library/doc/{doc.id}").text
    assert "补贴申领：<a href=\"/programs/hn_hiring_subsidy/about\">一次性吸纳就业补贴（湖南）</a>" in listed


def test_results_page_through_and_filter_on_validity_that_day(app_client):
    first = app_client.get("/library", params={"region": "重庆"}).text
    assert 'rel="next"' in first and "第 1–20 份" in first
    second = app_client.get("/library", params={"region": "重庆", "page": "2"}).text
    assert "第 21–40 份" in second and 'rel="prev"' in second
    in_2020 = app_client.get("/library", params={"region": "湖南", "status": "尚未生效", "as_of": "2020-03-01"})
    assert in_2020.status_code == 200 and "符合条件的文件" in in_2020.text
    assert app_client.get("/library", params={"region": "湖南", "page": "x"}).status_code == 422


def test_a_calculators_clause_links_to_the_numbered_part_that_holds_it(app_client):
    # kuaiban/rules/sources.yaml hn_pa_flat: 湘人社规〔2020〕11号 二、调整标准（一） "退休人员每人每月增加基本养老金 50 元"
    page = app_client.get("/calc/pension_adjustment").text
    assert re.search(r'<a href="/library/doc/\d+#s2-1" class="clause-link">湘人社规〔2020〕11号', page)
