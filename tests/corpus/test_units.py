"""Numbered parts of notices (一、（一）1.（1）) as addressable units, checked on real documents."""

from __future__ import annotations

from pathlib import Path

import pytest

from kuaiban.corpus.model import Paragraph, ParsedDocument
from kuaiban.corpus.pipeline import parse_compilation, parse_corpus
from kuaiban.corpus.units import extract_units, numbering, paragraph_units

DATA = Path(__file__).resolve().parents[2] / "data" / "compilations"


@pytest.fixture(scope="module")
def hunan() -> dict[str, ParsedDocument]:
    return {d.doc_no: d for d in parse_compilation(DATA / "hunan-hrss-2020.txt") if d.doc_no}


@pytest.mark.parametrize(("text", "expected"), [
    ("一、阶段性减免企业社会保险费", (0, "一")),
    ("## 三、办理程序", (0, "三")),
    ("（二）从2020年2月起至4月，减半征收", (1, "二")),
    ("(二)缓缴社会保险费。", (1, "二")),
    ("**十一、强化组织领导。**", (0, "十一")),
    ("3.对企业吸纳登记失业半年以上人员", (2, "3")),
    ("（4）提供就业服务", (3, "4")),
    ("1.5倍的补贴", None),  # a decimal, not a part
    ("2020年6月底前", None),
])
def test_the_printed_number_gives_the_level(text, expected):
    assert numbering(text) == expected


def test_parts_nest_by_their_printed_form_and_cite_their_line(hunan):
    # hunan-hrss-2020.txt:5653–5679, 关于阶段性减免企业社会保险费的实施意见
    units = {u.label: u for u in hunan["湘人社规〔2020〕3号"].units}
    assert list(units)[:5] == ["一", "一（一）", "一（二）", "二", "三"]
    assert units["一（一）"].line == 5655 and units["一（一）"].text.startswith("（一）从2020年2月起至6月")
    assert units["一（一）"].parent == "一" and units["一（一）"].anchor == "s1-1"
    assert units["三（二）"].line == 5669 and units["三（二）"].anchor == "s3-2"
    # "二、缓缴困难企业社会保险费" has no sub-parts: the next paragraph (5661) is part of it
    assert units["二"].end_line == 5661 and "申请缓缴前连续3个月累计亏损" in units["二"].text


def test_an_article_is_not_cut_again_into_parts():
    paragraphs = [Paragraph("第一条 为了规范管理，制定本办法。", 1), Paragraph("（一）不是一个分项", 2),
                  Paragraph("一、正文的第一部分", 3)]
    units = extract_units(paragraphs, skip_lines={1, 2})
    assert [u.label for u in units] == ["一"]


def test_a_text_without_numbering_is_cited_by_paragraph():
    paragraphs = [Paragraph("关于本市人社领域涉及平均工资相关事项的说明", 1, heading=True),
                  Paragraph("根据国家统计局公布的数据，本市城镇单位就业人员平均工资为……", 2), Paragraph("2020年", 3)]
    assert [(u.label, u.anchor, u.line) for u in paragraph_units(paragraphs)] == [("第1段", "p1", 2)]


@pytest.mark.slow
def test_every_document_has_articles_or_parts_each_cited_once():
    docs = parse_corpus(DATA)
    assert all(d.articles or d.units for d in docs)
    for d in docs:
        cited = [f"{u.attachment or ''}{u.label}" for u in d.units]
        assert len(cited) == len(set(cited)), d.title
        anchors = [u.anchor for u in d.units]  # ids on the document's page
        assert len(anchors) == len(set(anchors)), d.title
        articles = [(a.attachment, a.number) for a in d.articles]
        assert len(articles) == len(set(articles)), d.title
    numbered = [d for d in docs if any(u.anchor.startswith(("s", "f")) for u in d.units)]
    assert len(numbered) > 0.75 * len(docs)


def test_a_notices_closing_is_no_part_of_its_last_part(hunan):
    # hunan-hrss-2020.txt:3451–3468, 关于进一步做好失业登记工作的通知: 八、加强组织保障, then "附件：" with four
    # numbered attachment titles, then the issuer over the date
    units = {u.label: u for u in hunan["人社厅发〔2020〕3号"].units if u.attachment is None}
    assert units["八"].end_line == 3457 and units["八"].text.endswith("请及时报告部就业促进司。")
    assert not any(label.startswith("八") and label != "八" for label in units)  # 1. 失业人员登记表 … are titles


def test_contacts_attachment_list_and_sign_off_end_a_part_but_not_the_parts_after_them():
    paragraphs = [Paragraph("一、加强宣传。各地要广泛宣传。", 1),
                  Paragraph("联系人：就业处，联系电话：010-12345678", 2),
                  Paragraph("二、强化保障。各地要明确专人负责。", 3),
                  Paragraph("请于3月底前报送情况。", 4),
                  Paragraph("附件：", 5), Paragraph("1.申请表", 6), Paragraph("2.汇总表", 7),
                  Paragraph("某省人力资源和社会保障厅", 8), Paragraph("某省财政厅", 9), Paragraph("2020年5月14日", 10)]
    units = extract_units(paragraphs)
    assert [(u.label, u.line, u.end_line) for u in units] == [("一", 1, 1), ("二", 3, 4)]
    assert units[1].text == "二、强化保障。各地要明确专人负责。\n请于3月底前报送情况。"


def test_a_short_line_is_an_issuer_only_above_a_date():
    paragraphs = [Paragraph("一、工作要求", 1), Paragraph("各地要抓好落实", 2), Paragraph("加强督导检查", 3)]
    assert extract_units(paragraphs)[0].end_line == 3  # no date below: body text, kept in the part


def test_a_table_of_contents_lists_the_parts_it_is_not_them():
    paragraphs = [Paragraph("目录", 1), Paragraph("一、总体形势", 2), Paragraph("(一)发展基础", 3),
                  Paragraph("二、总体要求", 4), Paragraph("某市人力资源服务业规划", 5),
                  Paragraph("一、总体形势", 6), Paragraph("(一)发展基础", 7), Paragraph("近年来行业规模不断增长。", 8)]
    assert [(u.label, u.line) for u in extract_units(paragraphs)] == [("一", 6), ("一（一）", 7)]


def test_a_boxs_items_are_cited_under_the_box_and_the_text_goes_on_after_it():
    paragraphs = [Paragraph("一、主要任务", 1), Paragraph("专栏1 职业技能提升行动", 2), Paragraph("1.开展培训", 3),
                  Paragraph("2.建设基地", 4), Paragraph("二、保障措施", 5), Paragraph("1.加强领导。各地要明确责任。", 6)]
    assert [u.label for u in extract_units(paragraphs)] == ["一", "“专栏1”一1.", "“专栏1”一2.", "二", "二1."]


def test_a_run_numbered_again_is_cited_under_its_title_or_by_occurrence():
    paragraphs = [Paragraph("（一）身份证明材料。", 1), Paragraph("（二）劳动合同。", 2), Paragraph("申请流程", 3),
                  Paragraph("（一）登录网站。", 4), Paragraph("（二）提交申请。", 5), Paragraph("（一）再次核对。", 6)]
    assert [u.label for u in extract_units(paragraphs)] == [
        "（一）", "（二）", "“申请流程”（一）", "“申请流程”（二）", "“申请流程”（一）（第2处）"]


def test_a_tables_numbered_row_keeps_its_note_but_not_the_text_after_the_table():
    paragraphs = [Paragraph("专栏1 主要指标", 1), Paragraph("1.城镇新增就业人数(万人)\t6564\t>5000", 2),
                  Paragraph("注:[]内为五年累计数", 3), Paragraph("“十四五”时期，我国发展仍然处于重要战略机遇期。", 4)]
    [row] = extract_units(paragraphs)
    assert (row.label, row.end_line) == ("“专栏1”1.", 3) and row.text.endswith("注:[]内为五年累计数")


def test_a_sub_heading_inside_a_part_opens_no_run_and_a_run_ends_above_its_first_level():
    paragraphs = [Paragraph("一、设立审批", 1), Paragraph("二、变更审批", 2), Paragraph("自贸试验区改革措施", 3),
                  Paragraph("一、取消审批", 4), Paragraph("筹设审批", 5), Paragraph("二、实行告知承诺", 6),
                  Paragraph("教学为主型", 7), Paragraph("1.承担课程。", 8), Paragraph("（四）教授", 9)]
    assert [u.label for u in extract_units(paragraphs)] == [
        "一", "二", "“自贸试验区改革措施”一", "“自贸试验区改革措施”二", "二1.", "二（四）"]


def test_the_text_after_a_box_goes_on_in_the_part_the_box_stands_in():
    paragraphs = [Paragraph("（一）加强基层依法治理", 1), Paragraph("深化法治乡村建设。", 2),
                  Paragraph("专栏2 法律明白人培养工程", 3), Paragraph("1.加快培育。", 4), Paragraph("2.建立激励机制。", 5),
                  Paragraph("深化依法治校。推动各级学校开展法治教育。", 6), Paragraph("（二）加强网络治理。", 7)]
    units = extract_units(paragraphs)
    assert [(u.label, u.end_line) for u in units] == [
        ("（一）", 6), ("“专栏2”（一）1.", 4), ("“专栏2”（一）2.", 5), ("（二）", 7)]
    assert units[0].text.endswith("深化依法治校。推动各级学校开展法治教育。")
    assert "专栏2 法律明白人培养工程" in units[0].text  # the box's title is searched with the part it stands in


def test_a_part_under_a_part_cited_by_occurrence_is_cited_under_it():
    paragraphs = [Paragraph("一、设立审批", 1), Paragraph("二、变更审批", 2), Paragraph("一、取消审批。", 3),
                  Paragraph("1.申请材料。", 4)]
    assert [(u.label, u.parent) for u in extract_units(paragraphs)] == [
        ("一", None), ("二", None), ("一（第2处）", None), ("一（第2处）1.", "一（第2处）")]


def test_a_box_set_as_a_heading_does_not_restart_the_numbering_around_it():
    # Chongqing's layout sets a box's title as a heading; the parts after the box are still 五's
    paragraphs = [Paragraph("五、推进依法治理", 1), Paragraph("（一）加强基层依法治理。", 2),
                  Paragraph("专栏2 法律明白人培养工程", 3, heading=True), Paragraph("1.加快培育。", 4),
                  Paragraph("深化依法治校。", 5), Paragraph("（二）加强网络治理。", 6)]
    assert [(u.label, u.parent) for u in extract_units(paragraphs)] == [
        ("五", None), ("五（一）", "五"), ("“专栏2”五（一）1.", "五（一）"), ("五（二）", "五")]


def test_sub_headings_inside_a_part_keep_its_numbering_and_tell_its_runs_apart():
    # 渝人社发〔2021〕65号 附件 五（三）副教授 / 五（四）教授, each with three types numbered from 1., the types set
    # as headings: every item stays under its rank, and each run is cited by its type
    paragraphs = [Paragraph("五、分别具备以下条件：", 1), Paragraph("(三)副教授", 2, heading=True),
                  Paragraph("科研为主型", 3, heading=True), Paragraph("1.承担1门课程。", 4),
                  Paragraph("教学科研型", 5, heading=True), Paragraph("1.承担2门课程。", 6),
                  Paragraph("(四)教授", 7, heading=True), Paragraph("科研为主型", 8, heading=True),
                  Paragraph("1.担任副教授职务满5年。", 9), Paragraph("六、各高校制定申报条件。", 10)]
    assert [(u.label, u.parent) for u in extract_units(paragraphs)] == [
        ("五", None), ("五（三）", "五"), ("“科研为主型”五（三）1.", "五（三）"), ("“教学科研型”五（三）1.", "五（三）"),
        ("五（四）", "五"), ("五（四）1.", "五（四）"), ("六", None)]


def test_a_heading_before_a_new_top_level_part_still_starts_a_new_section():
    paragraphs = [Paragraph("一、总体要求", 1), Paragraph("(一)指导思想", 2), Paragraph("实施细则", 3, heading=True),
                  Paragraph("1.适用范围。", 4), Paragraph("附表说明", 5, heading=True), Paragraph("一、填表要求", 6)]
    assert [(u.label, u.parent) for u in extract_units(paragraphs)] == [
        ("一", None), ("一（一）", "一"), ("一（一）1.", "一（一）"), ("“附表说明”一", None)]
