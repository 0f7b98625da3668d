"""Losing a job, asked in everyday words (usability report C11): the question is read in the words the texts
print (the library's synonym lists), and the life event it is about (data/topics.yaml) leads to the 失业保险金
guide, the 失业 一件事 and the unemployment_benefit calculator on the search page, whatever documents rank
first. Where a lapsed text is among the hits of an undated question, the page offers the current texts only.

Why 辞退 is 失业: the 失业登记 record's 失业原因 (人社厅发〔2020〕3号, data/compilations/hunan-hrss-2020.txt:3800–3812:
21 被企业解除或终止劳动关系, 23 从机关事业单位被辞退解聘); why 失业 leads to 失业保险金: 人社部发〔2020〕40号 二
(hunan-hrss-2020.txt:5151: 参保缴费满1年、非因本人意愿中断就业、已办理失业登记 的失业人员).
"""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from kuaiban.app import create_app
from kuaiban.cross_refs import topic_actions, topics, topics_of
from kuaiban.db import connect, session_scope
from kuaiban.library.models import Document, DocumentSource, Passage
from kuaiban.library.search import SESSION14_PHRASES, SESSION14_SYNONYMS, plain_words
from kuaiban.library.tokenize import tokenize
from kuaiban.rules.calculators import CALCULATORS
from kuaiban.services import catalogue, guide

JOB_LOSS = ["失业了能领什么钱", "丢了工作", "被辞退了怎么办", "工作没了怎么办", "下岗了有什么补助", "失业金怎么领",
            "失业保险金 湖南"]
OTHER = ["失业保险稳岗返还怎么申请", "退休金今年涨了多少", "公司招人有补贴吗", "社保卡丢了怎么补",
         # other matters that print 失业 (review s14: each was offered the 失业保险金 claim)
         "失业保险基金怎么管理", "失业保险基金省级统筹", "失业保险基金 滚存结余", "失业保险费怎么缴", "缓缴失业保险费",
         "降低失业保险费", "失业保险关系转移", "城镇登记失业率", "失业动态监测", "以工代训补贴 失业保险基金",
         "失业保险 阶段性返还", "失业保险 参保 单位缴费比例", "失业保险技能提升", "辞退员工要给多少补偿"]


@pytest.mark.parametrize("question", JOB_LOSS)
def test_everyday_words_for_losing_a_job_read_as_the_printed_word(question):
    assert "失业" in plain_words(question)


@pytest.mark.parametrize("question", JOB_LOSS)
def test_a_job_loss_question_leads_to_the_guide_the_bundle_and_the_calculator(question):
    actions = topic_actions(question)
    assert [c.key for c in actions["guides"]] == ["1.8.1"]
    assert [b["name"] for b in actions["bundles"]] == ["失业"]
    assert [c["name"] for c in actions["calculators"]] == ["unemployment_benefit"]


@pytest.mark.parametrize("question", OTHER)
def test_other_questions_reach_no_job_loss_topic(question):
    """稳岗返还 is an employer's refund out of 失业保险, not a person's loss of work (the topic's `unless`). (Some
    reach another life event since session 20: 退休金 the 职工退休 topic, 社保卡 the 社会保障卡 one.)"""
    assert "失业" not in [t.name for t in topics_of(question)]


def test_the_topic_file_names_only_what_exists():
    items = {c.key for c in guide.items()}
    bundles = {b.name for b in catalogue.bundles()}
    for topic in topics():
        assert set(topic.guides) <= items and set(topic.bundles) <= bundles
        assert set(topic.calculators) <= set(CALCULATORS)


def test_the_new_everyday_words_translate_into_words_of_two_characters_or_more():
    for word, alternatives in {**SESSION14_SYNONYMS, **SESSION14_PHRASES}.items():
        assert alternatives and all(len(a) >= 2 for a in alternatives), word


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A library of two made-up texts on 失业保险金: one lapsed, one current (statuses as stored)."""
    monkeypatch.setenv("KUAIBAN_VAR", str(tmp_path / "var"))
    url = f"sqlite:///{tmp_path / 'kuaiban.db'}"
    engine = connect(url)
    texts = [("测试〔2020〕1号", "关于发放失业保险金的测试通知", "失效", "失业保险金按月发放。"),
             ("测试〔2021〕2号", "关于做好失业人员就业服务和失业保险金申领工作的测试通知", "现行有效",
              "失业人员可以按规定向参保地经办机构申领失业保险金，经办机构应当及时审核并按月发放。")]
    with session_scope(engine) as s:
        for n, (doc_no, title, status, text) in enumerate(texts, start=1):
            doc = Document(key=f"no:{doc_no}", doc_no=doc_no, title=title, status=status, region="国家")
            s.add(doc)
            s.flush()
            s.add(DocumentSource(document_id=doc.id, position=0, file="test.txt", start_line=n * 10,
                                 end_line=n * 10 + 1))
            s.add(Passage(document_id=doc.id, position=0, text=text, start_line=n * 10, end_line=n * 10 + 1,
                          tokens=" ".join(tokenize(text))))
    with TestClient(create_app(url)) as client:
        yield client


@pytest.mark.parametrize("question", ["丢了工作", "被辞退了怎么办", "失业了能领什么钱"])
def test_the_search_page_offers_the_guide_the_bundle_and_the_calculator(site, question):
    html = site.get("/library", params={"q": question}).text
    box = html[html.index('id="guides-h"'):html.index("</section>", html.index('id="guides-h"'))]
    assert 'href="/services/guides/1.8.1"' in box and "失业保险金申领" in box
    seq = next(b.seq for b in catalogue.bundles() if b.name == "失业")
    assert f'href="/services#bundle-{seq}"' in box and "“失业”一件事" in box
    assert 'href="/calc/unemployment_benefit"' in box and CALCULATORS["unemployment_benefit"].title in box


def test_an_undated_question_with_a_lapsed_hit_is_offered_the_current_texts(site):
    html = site.get("/library", params={"q": "失业保险金"}).text
    assert 'id="lapsed-note"' in html
    link = re.search(r'<a href="(/library\?[^"]+)">只看现行有效的文件</a>', html).group(1)
    current = site.get(link.replace("&amp;", "&")).text
    assert "关于做好失业人员就业服务和失业保险金申领工作的测试通知" in current
    assert "关于发放失业保险金的测试通知" not in current


def test_a_dated_or_filtered_question_is_not_told_so(site):
    assert 'id="lapsed-note"' not in site.get("/library", params={"q": "2020年 失业保险金"}).text
    assert 'id="lapsed-note"' not in site.get("/library", params={"q": "失业保险金", "status": "失效"}).text


@pytest.mark.slow
def test_on_the_full_library_the_everyday_question_finds_the_benefit_texts_first(library_db_url):
    """失业了能领什么钱 opened on 重庆's 技能提升补贴 conditions (钱 → 补贴); read as 失业 + 待遇 it opens on the texts
    that pay 失业人员 (失业保险金, 失业补助金), and 被辞退 reads as 失业."""
    from kuaiban.library.search import get_index

    index = get_index(connect(library_db_url))
    first = index.search("失业了能领什么钱", limit=3)
    assert "技能提升补贴" not in first[0].title
    assert all("失业" in h.title for h in first)
    assert any(h.doc_no == "人社部发〔2020〕40号" for h in first)  # 扩大失业保险保障范围: 失业保险金, 失业补助金
    assert all("失业" in h.title for h in index.search("被辞退了怎么办", limit=3))


def test_the_lapsed_factor_measured_and_left_at_one_orders_current_texts_first_when_set(site, tmp_path):
    """The option the session-14 sweep measured (docs/search.md): off as shipped, since every factor that reorders
    the reported questions (≤ 0.85) lowers Recall@5 and single-clause on the evaluation sets."""
    from sqlalchemy.orm import Session

    from kuaiban.library.search import LAPSED_FACTOR, SearchIndex

    assert LAPSED_FACTOR == 1.0
    with Session(connect(f"sqlite:///{tmp_path / 'kuaiban.db'}")) as s:
        shipped, demoting = SearchIndex.build(s), SearchIndex.build(s, lapsed_factor=0.5)
    assert shipped.search("失业保险金")[0].status == "失效"  # prints the words more often
    assert [h.status for h in demoting.search("失业保险金")] == ["现行有效", "失效"]
    assert demoting.search("2020年 失业保险金")[0].status == "失效"  # a dated question is not demoted
