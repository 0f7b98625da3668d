"""Validity from the repeal and clean-up lists printed in the compilations: every row is listed,
and the library's own documents named by a list get 现行有效 or 已废止 with the list as basis."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from kuaiban.corpus.model import Paragraph, ParsedDocument, SourceSpan
from kuaiban.corpus.pipeline import merge, parse_compilation
from kuaiban.corpus.validity import (
    REPEALED,
    VALID,
    ListedEntry,
    apply_validity,
    is_list_document,
    listed_entries,
)

DATA = Path(__file__).resolve().parents[2] / "data" / "compilations"


@pytest.fixture(scope="module")
def docs() -> list[ParsedDocument]:
    """The merged library of the two compilations that print lists."""
    return merge(parse_compilation(DATA / "chongqing-hrss-2021.txt")
                 + parse_compilation(DATA / "hunan-hrss-2020.txt"))


@pytest.fixture(scope="module")
def entries(docs) -> list[ListedEntry]:
    return listed_entries(docs)


def rows(entries: list[ListedEntry], basis: str) -> list[ListedEntry]:
    return [e for e in entries if e.basis == basis]


def test_the_lists_found(docs):
    found = sorted(d.doc_no for d in docs if is_list_document(d))
    assert found == ["渝人社发〔2021〕64号", "渝公规〔2021〕6号", "渝府发〔2021〕5号", "渝财规〔2021〕6号",
                     "湘人社规〔2020〕18号"]


def test_chongqing_hrss_list_has_61_repealed_and_434_valid(entries):
    listed = rows(entries, "渝人社发〔2021〕64号")
    assert Counter(e.status for e in listed) == {REPEALED: 61, VALID: 434}
    assert all(e.list_date == dt.date(2021, 12, 29) for e in listed)
    assert all(e.doc_no for e in listed)
    first = listed[0]
    assert (first.serial, first.status, first.doc_no) == (1, REPEALED, "渝人发〔2002〕208号")
    assert first.title == "重庆市人事局关于全市机关事业单位技术工人升级考试考核合格后工资待遇问题的通知"
    # the valid list prints "渝人发〔2000〕124 号" with a space
    valid_first = next(e for e in listed if e.status == VALID)
    assert (valid_first.serial, valid_first.doc_no) == (1, "渝人发〔2000〕124号")
    assert [e.serial for e in listed if e.status == VALID] == list(range(1, 435))


def test_municipal_government_list_with_wrapped_items(entries):
    listed = rows(entries, "渝府发〔2021〕5号")
    assert len(listed) == 77 and {e.status for e in listed} == {REPEALED}
    # "2.重庆市人民政府关于加快创意产业发展的意见(渝府发〔2006〕" / "128号)"
    second = listed[1]
    assert (second.title, second.doc_no) == ("重庆市人民政府关于加快创意产业发展的意见", "渝府发〔2006〕128号")
    assert listed[-1].doc_no == "渝府办发〔2020〕19号"


def test_other_chongqing_lists(entries):
    finance = rows(entries, "渝财规〔2021〕6号")
    assert [e.doc_no for e in finance][:2] == ["渝财综〔2007〕57号", "渝财建〔2008〕144号"]
    assert len(finance) == 7
    police = rows(entries, "渝公规〔2021〕6号")
    assert len(police) == 3
    assert police[0].doc_no == "渝公发〔2011〕679号"
    assert police[0].title == "重庆市公安局重庆市人力资源和社会保障局关于进一步规范我市接收军转干部及其随迁家属落户问题的通知"


def test_hunan_clean_up_notice(entries):
    listed = rows(entries, "湘人社规〔2020〕18号")
    assert Counter(e.status for e in listed) == {VALID: 245, REPEALED: 2}
    assert listed[0].list_date == dt.date(2020, 10, 27)
    # the Hunan table puts 文号 before the title; numbers from 1978 keep their printed form
    assert (listed[0].doc_no, listed[0].status) == ("(78)湘劳字第035号", VALID)
    repealed = [e for e in listed if e.status == REPEALED]
    assert [e.doc_no for e in repealed] == ["湘人社函〔2016〕417号", "湘人社发〔2018〕36号"]


def test_library_documents_listed_as_valid(docs):
    decisions = apply_validity(docs)
    by_no = {docs[d.doc_index].doc_no: d for d in decisions}
    assert len(decisions) == 11
    assert {d.status for d in decisions} == {VALID}
    assert {d.basis for d in decisions} == {"渝人社发〔2021〕64号"}
    decision = by_no["渝人社发〔2021〕22号"]
    assert decision.listed_title == "重庆市人力资源和社会保障局重庆市财政局关于2021年调整退休人员基本养老金的通知"


def test_same_title_different_number_is_not_the_same_document(docs):
    # 渝人社发〔2019〕6号 is repealed; 渝人社发〔2021〕11号 has the very same title and is listed valid
    decisions = {docs[d.doc_index].doc_no: d for d in apply_validity(docs)}
    assert decisions["渝人社发〔2021〕11号"].status == VALID
    repealed_2019 = next(e for e in listed_entries(docs) if e.doc_no == "渝人社发〔2019〕6号")
    assert repealed_2019.title == "重庆市人力资源和社会保障局重庆市财政局关于调整我市工伤职工及工亡职工供养亲属定期待遇的通知"
    assert repealed_2019.status == REPEALED


def test_lists_do_not_rule_on_themselves(docs):
    decided = {docs[d.doc_index].doc_no for d in apply_validity(docs)}
    assert not decided & {"渝人社发〔2021〕64号", "渝府发〔2021〕5号", "湘人社规〔2020〕18号"}


def test_repeal_clauses_in_running_text(entries):
    clauses = {e.doc_no: e for e in entries if e.kind == "clause"}
    # 人力资源社会保障部令第46号: "对《社会保险费申报缴纳管理规定》(人力资源社会保障部令第20号)予以废止"
    order = clauses["人力资源社会保障部令第20号"]
    assert (order.title, order.status, order.basis) == ("社会保险费申报缴纳管理规定", REPEALED,
                                                        "人力资源社会保障部令第46号")
    assert order.list_date == dt.date(2021, 12, 22)
    # 渝人社〔2021〕311号: "原《关于继续落实跨区域交通补助政策的通知》(渝就发〔2021〕27号)同时废止"
    assert clauses["渝就发〔2021〕27号"].basis == "渝人社〔2021〕311号"
    # two texts repealed in one clause, joined by 、
    assert clauses["渝人社〔2014〕415号"].basis == clauses["渝人社〔2017〕331号"].basis == "渝人社发〔2021〕24号"
    # a legal basis cited in the same sentence as a repeal is not repealed
    assert "重庆市人民政府令第329号" not in clauses


def test_a_clause_without_number_is_not_taken(entries):
    # 职业病诊断与鉴定管理办法 repeals "原卫生部2013年2月19日公布的《职业病诊断与鉴定管理办法》" (same title,
    # no 文号): matching it by title would repeal the new text itself
    assert not [e for e in entries if e.kind == "clause" and e.title == "职业病诊断与鉴定管理办法"]


# ---------------------------------------------------------------- precedence, on constructed lists

def _list(doc_no: str, date: dt.date, heading: str, row: str) -> ParsedDocument:
    """A minimal list document around one real row of 渝人社发〔2021〕64号 (the lists are constructed)."""
    return ParsedDocument(
        title=f"关于废止和继续有效行政规范性文件的通知（测试用，{doc_no}）", doc_no=doc_no, date=date,
        source=SourceSpan("constructed", 1, 3),
        paragraphs=[Paragraph(heading, 1, heading=True), Paragraph("序号\t文件名称\t文号", 2),
                    Paragraph(row, 3)])


ROW = "31\t重庆市人力资源和社会保障局重庆市财政局关于调整我市工伤职工及工亡职工供养亲属定期待遇的通知\t渝人社发〔2019〕6号"


def _library_doc() -> ParsedDocument:
    return ParsedDocument(title="重庆市人力资源和社会保障局重庆市财政局关于调整我市工伤职工及工亡职工供养亲属定期待遇的通知",
                          doc_no="渝人社发〔2019〕6号", source=SourceSpan("constructed", 1, 1))


def test_later_repeal_beats_earlier_valid_listing():
    earlier_valid = _list("渝测发〔2020〕1号", dt.date(2020, 6, 1), "继续有效的行政规范性文件目录", ROW)
    later_repeal = _list("渝测发〔2021〕2号", dt.date(2021, 12, 29), "废止的行政规范性文件目录", ROW)
    for order in ([earlier_valid, later_repeal], [later_repeal, earlier_valid]):
        [decision] = apply_validity([_library_doc(), *order])
        assert (decision.doc_index, decision.status, decision.basis) == (0, REPEALED, "渝测发〔2021〕2号")


def test_later_valid_listing_is_the_latest_word():
    earlier_repeal = _list("渝测发〔2020〕1号", dt.date(2020, 6, 1), "废止的行政规范性文件目录", ROW)
    later_valid = _list("渝测发〔2021〕2号", dt.date(2021, 12, 29), "继续有效的行政规范性文件目录", ROW)
    [decision] = apply_validity([_library_doc(), earlier_repeal, later_valid])
    assert (decision.status, decision.basis) == (VALID, "渝测发〔2021〕2号")


def test_same_day_repeal_wins():
    valid = _list("渝测发〔2021〕1号", dt.date(2021, 12, 29), "继续有效的行政规范性文件目录", ROW)
    repeal = _list("渝测发〔2021〕2号", dt.date(2021, 12, 29), "废止的行政规范性文件目录", ROW)
    [decision] = apply_validity([_library_doc(), valid, repeal])
    assert decision.status == REPEALED


def test_title_match_when_the_library_copy_has_no_number():
    listed = _list("渝测发〔2021〕2号", dt.date(2021, 12, 29), "废止的行政规范性文件目录", ROW)
    unnumbered = dataclasses.replace(_library_doc(), doc_no=None)
    [decision] = apply_validity([unnumbered, listed])
    assert (decision.doc_index, decision.status) == (0, REPEALED)
