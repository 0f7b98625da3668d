"""The q2 compilation (national-and-provinces-2020-q2.txt): a PDF extraction with a
blank line after every hard-wrapped line, page footers, page-start leading
spaces and jurisdiction header lines (" 北京市")."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise
from pathlib import Path

import pytest

from kuaiban.corpus.compilations import read_lines
from kuaiban.corpus.docno import normalize
from kuaiban.corpus.layouts import court, q2, shandong
from kuaiban.corpus.pipeline import merge, parse_compilation
from kuaiban.corpus.structure import build_document
from kuaiban.corpus.text import squeeze
from tests.corpus.layout_files import LayoutFile

FILE = Path(__file__).resolve().parents[2] / "data" / "compilations" / "national-and-provinces-2020-q2.txt"

# Every document the file holds, read off its header lines: (first line, 文号, title).
# The file has no table of contents, so this list is the yardstick.
EXPECTED = [
    (3, '人社部发〔2020〕26号', "关于开展“人社服务快办行动”的通知"),
    (365, '人社部发〔2020〕30号', "关于实施企业稳岗扩岗专项支持计划的通知"),
    (498, '人社厅明电〔2020〕29号', "关于大力开展以工代训工作的通知"),
    (570, '人社厅函〔2020〕74号', "关于印发“数字平台经济促就业助脱贫行动”方案的通知"),
    (713, '人社部函〔2020〕48号', "关于印发农民工稳就业职业技能培训计划的通知"),
    (1049, '人社厅函〔2020〕81号', "关于做好疫情防控常态化条件下技能扶贫工作的通知"),
    (1220, '人社部发〔2020〕38号', "关于进一步用好公益性岗位发挥就业保障作用的通知"),
    (1357, '京社保发〔2020〕5号', "关于进一步优化使用“北京市企业服务e窗通平台”办理企业及员工参保登记流程的通知"),
    (1411, None, "关于一次性就业创业服务补助材料申报的通知"),
    (1499, None, "关于核对2019年度社会保险个人缴费情况的公告"),
    (1561, None, "关于撤销农民工工资保证金专用账户有关事项的通知"),
    (1665, None, "关于修订印发《广东省兜底安置类公益性岗位开发管理办法》的通知"),
    (1881, None, "关于印发《广东省促进国有企业吸纳高校毕业生就业工作方案》的通知"),
    (2052, '粤人社函〔2020〕147号', "关于恢复开展线下职业技能培训、评价和专业技术人员继续教育培训活动的通知"),
    (2302, '穗人社规字〔2020〕4号', "关于调整、新增就业补助资金部分项目有关问题的通知"),
    (2527, '穗公积金规字〔2020〕2号', "关于实施租房提取住房公积金阶段性支持措施的通知"),
    (2556, '穗人社函〔2020〕95号', "关于应对新冠肺炎疫情影响做好就业困难人员认定工作的通知"),
    (2589, '穗人社函〔2020〕118号', "关于恢复开展线下职业技能培训、评价和专业技术人员继续教育培训活动的通知"),
    (2693, '苏人社函〔2020〕88号', "关于企业职工养老保险有关问题的通知"),
    (2732, '苏人社办函〔2020〕38号', "关于开展2020年农村低收入残疾人就业帮扶活动的通知"),
    (2845, '苏人社发〔2020〕59号', "关于开展“人社服务快办行动”的通知"),
    (3053, '津政办规〔2020〕7号', "关于进一步做好稳就业工作的实施意见"),
    (3634, '津人社局发〔2020〕6号', "关于印发天津市鼓励企业吸纳就业社保补贴和岗位补贴管理办法的通知"),
    (3855, '津人社局发〔2020〕8号', "关于印发《天津市就业困难人员就业援助办法》的通知"),
    (4085, '津人社办发〔2020〕78号', "关于做好本市高校湖北籍应届毕业生一次性求职创业补贴发放工作的通知"),
    (4194, None, "关于疫情期间调整办理灵活就业人员参保缴费期限有关问题的通告"),
    (4239, '津人社办发〔2020〕80号', "关于遴选社区服务型岗位安置就业困难人员有关问题的通知"),
    (4377, '津人社办函〔2020〕299号', "关于做好困难村劳动力职业技能培训有关问题的通知"),
    (4461, '津人社办发〔2020〕84号', "关于学历提升补贴和职称提升补贴有关问题的通知"),
    (4561, '津人社办函〔2020〕295号', "关于开展2020年企业薪酬调查工作的通知"),
    (4654, '津人社办发〔2020〕86号', "关于征集社会培训评价组织的通告"),
    (4806, '津人社办函〔2020〕311号', "关于有序恢复线下职业技能培训和评价工作的通知"),
    (4882, '津人社办发〔2020〕89号', "关于做好就业困难人员灵活就业社会保险补贴有关工作的通知"),
    (5072, '鲁政办发〔2020〕9号', "关于促进3岁以下婴幼儿照护服务发展的实施意见"),
]


LAYOUT = LayoutFile(q2, FILE)
docs, by_no, by_line = LAYOUT.docs, LAYOUT.by_no, LAYOUT.by_line


def test_finds_exactly_the_documents_of_the_file():
    LAYOUT.assert_finds_exactly(EXPECTED)
    assert len(docs()) == 34


def test_documents_are_in_file_order_and_do_not_overlap():
    spans = [d.source for d in docs()]
    assert all(a.end_line < b.start_line for a, b in pairwise(spans))
    assert by_no("人社部发〔2020〕26号").source.start_line == 3
    assert by_no("人社部发〔2020〕26号").source.end_line == 364  # its Q&A included


@pytest.mark.parametrize(("doc_no", "region"), [
    ("人社部发〔2020〕26号", "国家"),
    ("京社保发〔2020〕5号", "北京"),
    ("粤人社函〔2020〕147号", "广东"),
    ("穗人社规字〔2020〕4号", "广州"),
    ("苏人社函〔2020〕88号", "江苏"),
    ("津政办规〔2020〕7号", "天津"),
    ("鲁政办发〔2020〕9号", "山东"),
])
def test_region_comes_from_the_jurisdiction_header(doc_no, region):
    assert by_no(doc_no).region == region


def test_documents_without_a_number_keep_their_region():
    assert by_line(1411).title == "关于一次性就业创业服务补助材料申报的通知"
    assert (by_line(1411).doc_no, by_line(1411).region) == (None, "北京")


def test_spaced_numbers_are_normalised():
    # printed "京社保发〔2020〕5 号" and "粤人社函[2020]147号"
    assert by_line(1357).doc_no == "京社保发〔2020〕5号"
    assert by_line(2052).doc_no == "粤人社函〔2020〕147号"


def test_titles_split_over_lines_are_joined():
    assert by_line(1357).title == (
        "关于进一步优化使用“北京市企业服务e窗通平台”办理企业及员工参保登记流程的通知")
    # the last character of this one sits alone on the next line
    assert by_line(2052).title == "关于恢复开展线下职业技能培训、评价和专业技术人员继续教育培训活动的通知"


def test_hard_wrapped_lines_become_one_paragraph():
    doc = by_no("人社部发〔2020〕26号")
    first = next(p for p in doc.paragraphs if p.line == 11)
    assert first.text.startswith("为深入贯彻落实中央关于深化“放管服”改革、优化营商环境的决策部署，进一步推动")
    assert first.text.endswith("现就有关事项通知如下：")


def test_page_footer_is_dropped_and_the_sentence_it_cut_is_rejoined():
    doc = by_no("人社部发〔2020〕26号")
    para = next(p for p in doc.paragraphs if p.line == 104)
    assert "《关于深入推进审批服务便民化的指导意见》提出的“六个一律取消”的要求" in para.text
    assert not any("页" in p.text and "共" in p.text for d in docs() for p in d.paragraphs)


def test_leading_space_page_start_continues_the_paragraph():
    # line 165 starts a page (" 全省范围应用…") in the middle of the sentence begun on line 154
    para = next(p for p in by_no("人社部发〔2020〕26号").paragraphs if p.line == 154)
    assert "鼓励在全市、全省范围应用统一的人社全业务经办信息系统" in para.text


def test_signature_issuers_and_date():
    doc = by_no("人社部发〔2020〕38号")
    assert doc.issuers == ["人力资源社会保障部", "财政部", "自然资源部", "交通运输部", "水利部",
                           "国家林业草原局", "国务院扶贫办"]
    assert doc.date == dt.date(2020, 5, 29)
    assert by_no("苏人社办函〔2020〕38号").issuers == ["江苏省人力资源和社会保障厅办公室",
                                                      "江苏省残疾人联合会办公室"]
    assert by_no("津政办规〔2020〕7号").date == dt.date(2020, 5, 2)  # printed "2020 年 5 月 2日"


def test_question_and_answer_belongs_to_its_notice():
    doc = build_document(by_no("人社部发〔2020〕26号"))
    (qa,) = doc.attachments
    assert qa.kind == "explainer" and qa.line == 205
    assert qa.title.endswith("《关于开展“人社服务快办行动”的通知》答记者问")
    assert any(p.text.startswith("问：请介绍一下《通知》出台的背景和目的？") for p in qa.paragraphs)
    qa89 = build_document(by_no("津人社办发〔2020〕89号")).attachments[-1]
    assert (qa89.kind, qa89.title) == ("explainer", "关于就业困难人员灵活就业社会保险补贴的政策问答")


def test_cover_notice_keeps_its_measures_with_their_articles():
    raw = by_line(1665)
    assert raw.title == "关于修订印发《广东省兜底安置类公益性岗位开发管理办法》的通知"
    heading = next(p for p in raw.paragraphs if p.heading)
    assert (heading.line, heading.text) == (1685, "广东省兜底安置类公益性岗位开发管理办法")
    doc = build_document(raw)
    assert [a.number for a in doc.articles] == list(range(1, 12))
    assert doc.date == dt.date(2020, 4, 8)


def test_attachment_printed_in_full_and_the_ones_marked_omitted():
    doc = build_document(by_no("人社厅函〔2020〕74号"))
    atts = {a.label: a for a in doc.attachments}
    assert (atts["附件1"].title, atts["附件1"].line, atts["附件1"].omitted) == (
        "“数字平台经济促就业助脱贫行动”方案", 621, False)
    # "2.相关省份负责机构与联系人名单（略）" … in the notice's own list
    assert [label for label, a in sorted(atts.items()) if a.omitted] == ["附件2", "附件3", "附件4"]


def test_copies_in_other_compilations_fold_into_one_document():
    court_file = Path(FILE.parent, "court-national-provinces-2020.txt")
    shandong_file = Path(FILE.parent, "shandong-2020.txt")
    merged = merge([*parse_compilation(FILE), *parse_compilation(court_file),
                    *parse_compilation(shandong_file)])
    for doc_no, files in [
        ("苏人社发〔2020〕59号", {FILE.name, court_file.name}),
        ("津人社办发〔2020〕84号", {FILE.name, court_file.name}),
        ("人社部发〔2020〕38号", {FILE.name, shandong_file.name}),
    ]:
        (doc,) = [d for d in merged if d.doc_no == doc_no]
        assert {s.file for s in doc.sources} == files


def test_titles_match_the_hunan_copies_of_the_same_documents():
    """Hunan prints the national notices with the issuer before 关于; our titles are
    the same words without it, under the same normalised 文号."""
    hunan = read_lines(FILE.parent / "hunan-hrss-2020.txt")
    number_lines = {}
    for i, line in enumerate(hunan):
        no = normalize(line.strip().strip("*#").strip()) if len(line) < 40 else None
        if no:
            number_lines[no] = i
    ours = [*docs()]
    for mod, name in [(court, "court-national-provinces-2020.txt"), (shandong, "shandong-2020.txt")]:
        ours += mod.parse(read_lines(FILE.parent / name), name)
    shared = [d for d in ours if d.doc_no in number_lines]
    assert {d.doc_no for d in shared} >= {"人社部发〔2020〕26号", "人社部发〔2020〕38号", "人社部发〔2020〕40号",
                                          "人社部发〔2020〕52号", "人社厅发〔2020〕40号"}
    for d in shared:
        i = number_lines[d.doc_no]
        assert squeeze(d.title) in squeeze("".join(hunan[i - 8:i])), d.doc_no
