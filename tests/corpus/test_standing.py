"""A document's status on any day, read from the texts; each case below was checked by hand against the
line of the compilation it cites (file:line in the comment).

Kinds: a term counted from the 施行 date (有效期5年), an end date (有效期至, 执行期限截止), not yet in force,
a 阶段性 document whose measures all ended, a document some of whose measures ended (部分失效), a yearly
notice replaced by the next year's, a document a clean-up list names as still valid, a document with no
period at all; repeal and amendment by another document (the library holds no such pair, so those two are
shown on two small documents written from the compilations' own wording).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from kuaiban.corpus.model import Paragraph, ParsedDocument, SourceSpan
from kuaiban.corpus.pipeline import parse_corpus
from kuaiban.corpus.standing import (
    AMENDED,
    LAPSED,
    NOT_YET,
    PARTLY_LAPSED,
    UNKNOWN,
    VALID,
    standings,
    status_on,
)
from kuaiban.corpus.text import squeeze, strip_markup

DATA = Path(__file__).resolve().parents[2] / "data" / "compilations"
TODAY = dt.date(2026, 12, 2)


@pytest.fixture(scope="module")
def library() -> dict[str, tuple[ParsedDocument, dict]]:
    docs = parse_corpus(DATA)
    return {d.doc_no or d.title: (d, r) for d, r in zip(docs, standings(docs), strict=True)}


def on(library, key: str, day: dt.date) -> dict:
    return status_on(library[key][1], day)


def test_a_term_of_five_years_counts_from_the_day_it_takes_effect(library):
    # hunan-hrss-2020.txt:4508 "本通知自2020年9月1日起施行，有效期5年。"
    last_day = on(library, "湘人社规〔2020〕14号", dt.date(2025, 8, 31))
    assert (last_day["status"], last_day["valid_from"], last_day["valid_until"]) == (VALID, "2020-09-01",
                                                                                    "2025-08-31")
    after = on(library, "湘人社规〔2020〕14号", dt.date(2025, 9, 1))
    assert after["status"] == LAPSED
    assert after["status_basis"]["line"] == 4508 and after["status_basis"]["article"] == "四（三）"
    assert after["status_basis"]["source"] == "湖南汇编 第 4508 行"
    assert "有效期5年" in after["status_basis"]["quote"]


def test_an_end_date_and_a_policy_deadline_are_the_last_day_in_force(library):
    # national-and-provinces-2020-q2.txt:2518 "九、本通知自印发之日起施行，有效期至 2024年 4 月 1 日。"
    # its subsidies "…执行至2021年12月31日" (一（一） and others) ended first: 部分失效 until the notice itself ends
    assert on(library, "穗人社规字〔2020〕4号", dt.date(2021, 12, 31))["status"] == VALID
    assert on(library, "穗人社规字〔2020〕4号", dt.date(2024, 4, 1))["status"] == PARTLY_LAPSED
    lapsed = on(library, "穗人社规字〔2020〕4号", dt.date(2024, 4, 2))
    assert (lapsed["status"], lapsed["valid_until"], lapsed["status_basis"]["article"]) == (LAPSED, "2024-04-01",
                                                                                            "九")
    # chongqing-hrss-2021.txt:8405 "本文件自印发之日起实施,政策执行期限截止2025年12月31日。"
    deadline = on(library, "人社部发〔2021〕26号", TODAY)
    assert (deadline["status"], deadline["valid_until"]) == (LAPSED, "2025-12-31")
    assert deadline["status_basis"]["line"] == 8405


def test_before_its_date_a_document_is_not_yet_in_force(library):
    # hunan-hrss-2020.txt:4626 "第十九条 本办法自2021年1月1日起施行，有效期5年。"
    before = on(library, "湘人社规〔2020〕22号", dt.date(2020, 12, 31))
    assert before["status"] == NOT_YET
    assert before["status_basis"]["article"] == "第19条" and before["status_basis"]["line"] == 4626
    assert on(library, "湘人社规〔2020〕22号", dt.date(2021, 1, 1))["status"] == VALID


def test_a_temporary_relief_lapses_when_its_last_measure_ends(library):
    # hunan-hrss-2020.txt:5655 "（一）从2020年2月起至6月，免征…"; 5657 "（二）从2020年2月起至4月，减半征收…"
    key = "湘人社规〔2020〕3号"
    assert on(library, key, dt.date(2020, 4, 30))["status"] == VALID
    partly = on(library, key, dt.date(2020, 5, 15))
    assert (partly["status"], partly["status_basis"]["article"], partly["status_basis"]["line"]) == (
        PARTLY_LAPSED, "一（二）", 5657)
    lapsed = on(library, key, dt.date(2020, 7, 1))
    assert (lapsed["status"], lapsed["valid_until"]) == (LAPSED, "2020-06-30")
    assert lapsed["status_basis"]["article"] == "一（一）" and lapsed["status_basis"]["line"] == 5655


def test_a_notice_whose_dated_measures_ended_is_partly_lapsed_not_lapsed(library):
    # court-national-provinces-2020.txt:689 "五、… 2020年3月至6月，…价格临时补贴…提高1倍";
    # :662 "三、… 2020年3月至12月，…可以申领6个月的失业补助金" — the rest of the notice has no end
    key = "人社部发〔2020〕40号"
    assert on(library, key, dt.date(2020, 6, 1))["status"] == VALID
    july = on(library, key, dt.date(2020, 7, 1))
    assert (july["status"], july["status_basis"]["article"], july["status_basis"]["line"]) == (
        PARTLY_LAPSED, "五", 689)
    now = on(library, key, TODAY)
    assert now["status"] == PARTLY_LAPSED and now["valid_until"] is None


def test_next_years_pension_adjustment_replaces_this_years(library):
    # hunan-hrss-2020.txt: 人社部发〔2020〕22号 (2020年调整退休人员基本养老金, signed 2020-04-10);
    # chongqing-hrss-2021.txt:18319 人社部发〔2021〕20号 关于2021年调整…, signed 2021-04-01 (:18350)
    assert on(library, "人社部发〔2020〕22号", dt.date(2021, 3, 31))["status"] == VALID
    replaced = on(library, "人社部发〔2020〕22号", dt.date(2021, 4, 1))
    assert (replaced["status"], replaced["valid_until"]) == (LAPSED, "2021-03-31")
    assert replaced["status_basis"]["doc_no"] == "人社部发〔2021〕20号"
    assert "2021年调整退休人员基本养老金" in replaced["status_basis"]["quote"]
    assert on(library, "人社部发〔2021〕20号", TODAY)["status"] == VALID


def test_a_clean_up_list_naming_a_document_valid_is_its_basis(library):
    # chongqing-hrss-2021.txt:22959, row 361 of 渝人社发〔2021〕64号's list of documents that stay valid
    listed = on(library, "渝人社发〔2021〕9号", TODAY)
    assert listed["status"] == VALID
    assert (listed["status_basis"]["doc_no"], listed["status_basis"]["line"]) == ("渝人社发〔2021〕64号", 22959)
    assert "渝人社发〔2021〕9号" in listed["status_basis"]["quote"]


def test_a_document_with_no_period_is_in_force_with_that_said(library):
    # hunan-hrss-2020.txt:5838, the signature date "2020年7月14日" of 湘人社规〔2020〕11号; no 有效期 anywhere
    plain = on(library, "湘人社规〔2020〕11号", TODAY)
    assert plain["status"] == VALID and plain["valid_until"] is None
    assert plain["status_basis"]["line"] == 5838 and plain["status_basis"]["quote"] == "2020年7月14日"
    assert "未规定有效期" in plain["status_basis"]["note"]


def test_at_most_one_document_in_ten_is_unknown_today(library):
    counts = Counter(status_on(r, TODAY)["status"] for _, r in library.values())
    assert counts[UNKNOWN] <= 0.10 * sum(counts.values())
    assert counts[LAPSED] > 20 and counts[PARTLY_LAPSED] > 10  # 2020's relief measures have ended by 2026


def test_every_basis_quotes_the_line_it_cites(library):
    lines = {f.name: f.read_text(encoding="utf-8-sig").splitlines() for f in DATA.glob("*.txt")}
    checked = 0
    for _, record in library.values():
        clauses = [record["from"], record["until"], *(m["clause"] for m in record["measures"]),
                   *(e["clause"] for e in record["events"])]
        for c in filter(None, clauses):
            around = squeeze(strip_markup(" ".join(lines[c["file"]][c["line"] - 1: c["line"] + 30])))  # its paragraph
            assert squeeze(c["quote"])[:12].replace("\t", "") in around.replace("\t", ""), c
            checked += 1
    assert checked > 400


def _doc(title: str, doc_no: str, signed: dt.date, *texts: str) -> ParsedDocument:
    paragraphs = [Paragraph(text=t, line=10 + i) for i, t in enumerate(texts)]
    return ParsedDocument(title=title, doc_no=doc_no, date=signed, source=SourceSpan("hunan-hrss-2020.txt", 1, 99),
                          paragraphs=paragraphs)


def test_a_repeal_clause_in_a_later_document_ends_the_earlier_one():
    # the wording of hunan-hrss-2020.txt:4508 "…（湘人社发〔2015〕62号）文件…同时废止"
    old = _doc("关于做好校园招聘活动一次性补助工作的通知", "湘人社发〔2015〕62号", dt.date(2015, 6, 1), "一、补助标准。")
    new = _doc("关于进一步做好校园招聘活动的通知", "湘人社规〔2020〕14号", dt.date(2020, 8, 1),
               "本通知自2020年9月1日起施行，有效期5年。《关于做好校园招聘活动一次性补助工作的通知》"
               "（湘人社发〔2015〕62号）文件同时废止。")
    old_record, new_record = standings([old, new])
    assert status_on(old_record, dt.date(2020, 8, 31))["status"] == VALID
    repealed = status_on(old_record, dt.date(2020, 9, 1))
    assert (repealed["status"], repealed["valid_until"]) == (LAPSED, "2020-08-31")
    assert repealed["status_basis"]["doc_no"] == "湘人社规〔2020〕14号" and repealed["status_basis"]["line"] == 10
    assert status_on(new_record, dt.date(2020, 9, 1))["status"] == VALID


def test_an_amending_decision_marks_the_amended_document():
    # the form of chongqing-hrss-2021.txt's 关于修改《重庆市人口与计划生育条例》的决定
    old = _doc("重庆市失业保险条例", "重庆市人民代表大会常务委员会公告〔2004〕第5号", dt.date(2004, 1, 1),
               "第一条 为了保障失业人员失业期间的基本生活，制定本条例。")
    change = _doc("重庆市人民代表大会常务委员会关于修改《重庆市失业保险条例》的决定", "〔五届〕第160号",
                  dt.date(2021, 11, 25), "本决定自公布之日起施行。")
    record = standings([old, change])[0]
    assert status_on(record, dt.date(2021, 11, 24))["status"] == VALID
    amended = status_on(record, dt.date(2021, 11, 25))
    assert amended["status"] == AMENDED and amended["status_basis"]["doc_no"] == "〔五届〕第160号"
