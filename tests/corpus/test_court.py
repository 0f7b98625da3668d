"""The court compilation (court-national-provinces-2020.txt): 最高人民法院 documents,
national notices, then Beijing, Shanghai, Tianjin, Guangdong and Jiangsu ones.
Hard-wrapped PDF text with "第 N 页 共 92 页" footers, page-start leading spaces,
trailing spaces, spaces inside numbers and dates, and jurisdiction headers (" 最高院 ")."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from kuaiban.corpus.layouts import court
from kuaiban.corpus.structure import build_document
from tests.corpus.layout_files import LayoutFile

FILE = Path(__file__).resolve().parents[2] / "data" / "compilations" / "court-national-provinces-2020.txt"

# Every document the file holds, read off its header lines: (first line, 文号, title).
EXPECTED = [
    (3, "法发〔2020〕20号", "依法妥善审理涉新冠肺炎疫情民事案件若干问题的指导意见（三）"),
    (303, "法〔2020〕158号", "关于认真学习贯彻《中华人民共和国民法典》的通知"),
    (440, "法释〔2020〕3号", "关于行政机关负责人出庭应诉若干问题的规定"),
    (626, "人社部发〔2020〕40号", "关于扩大失业保险保障范围的通知"),
    (775, "人社厅发〔2020〕60号", "关于印发线下招聘活动疫情防控工作指南的通知"),
    (1063, "人社部发〔2020〕49号", "关于延长阶段性减免企业社会保险费政策实施期限等问题的通知"),
    (1139, "人社部发〔2020〕52号", "关于进一步加强劳动人事争议调解仲裁法律援助工作的意见"),
    (1405, "医保发〔2020〕24号", "关于做好2020年城乡居民基本医疗保障工作的通知"),
    (1842, "京人社发〔2020〕4号", "关于阶段性降低本市工伤保险费率的通告"),
    (1908, None, "2019年北京市法人单位从业人员平均工资公布"),
    (1929, "京人社保字〔2020〕68号", "关于合并申报2020年度“五险一金”缴费工资有关问题的通知"),
    (2295, "京人社毕发〔2020〕5号", "《关于应对新冠肺炎疫情影响促进高校毕业生就业工作的若干措施》的通知"),
    (2442, "京人社发〔2020〕8号", "关于调整失业保险金发放标准的通告"),
    (2540, "京人社发〔2020〕8号", "关于做好阶段性失业补助金和临时生活补助申领发放工作的通知"),
    (2746, "沪府规〔2020〕10号", "关于进一步做好稳就业促发展工作的实施意见"),
    (3099, None, "本市延长阶段性减免企业社会保险费政策实施期限"),
    (3146, None, "关于本市人社领域涉及2019年度城镇单位就业人员平均工资相关事项的说明"),
    (3173, "津人社办发〔2020〕84号", "关于学历提升补贴和职称提升补贴有关问题的通知"),
    (3275, "津人社办发〔2020〕91号", "关于规范就失业登记管理有关问题的通知"),
    (3753, "津人社局发〔2020〕12号", "关于2019年度全市职工平均工资及2020年度工资福利社会保险缴费基数标准等有关问题的通知"),
    (3880, "粤人社发〔2020〕70号", "关于延长失业保险费率执行期限的通知"),
    (3919, "苏人社发〔2020〕59号", "关于开展“人社服务快办行动”的通知"),
]


LAYOUT = LayoutFile(court, FILE)
docs, by_no, by_line = LAYOUT.docs, LAYOUT.by_no, LAYOUT.by_line


def test_finds_exactly_the_documents_of_the_file():
    LAYOUT.assert_finds_exactly(EXPECTED)
    assert len(docs()) == 22


@pytest.mark.parametrize(("line", "region"), [
    (3, "国家"),     # under " 最高院 "
    (626, "国家"),   # under " 人社部 "
    (1405, "国家"),  # under " 国家医保局 "
    (1842, "北京"),
    (2746, "上海"),
    (3173, "天津"),
    (3880, "广东"),
    (3919, "江苏"),
])
def test_region_comes_from_the_jurisdiction_header(line, region):
    assert by_line(line).region == region


def test_a_signature_that_repeats_a_header_word_is_not_a_header():
    # "国家医保局" signs 医保发〔2020〕24号 at line 1686: still one document, signed by three bodies
    doc = by_no("医保发〔2020〕24号")
    assert doc.issuers == ["国家医保局", "财政部", "国家税务总局"]
    assert doc.date == dt.date(2020, 6, 10)
    assert doc.source.end_line == 1839


def test_spaced_dates_and_indented_signatures():
    doc = by_no("法发〔2020〕20号")
    assert (doc.issuers, doc.date) == (["最高人民法院"], dt.date(2020, 6, 8))  # "  2020 年 6月 8日 "
    doc49 = by_no("人社部发〔2020〕49号")
    assert doc49.issuers == ["人力资源社会保障部", "财政部", "税务总局"]
    assert doc49.date == dt.date(2020, 6, 22)


def test_spaces_inside_numbers_are_removed():
    text = "\n".join(p.text for p in by_no("法发〔2020〕20号").paragraphs)
    assert "依据公约第79条相关条款的规定进行审查" in text  # printed "公约第 79条"
    assert "2013年撤回了关于不受公约第11条以及公约中有关第11条内容" in text


def test_page_footers_are_dropped():
    assert not any("共 92 页" in p.text or "共92页" in p.text for d in docs() for p in d.paragraphs)


def test_measures_title_run_into_its_first_sentence_is_cut_apart():
    doc = by_no("法发〔2020〕20号")
    i = next(k for k, p in enumerate(doc.paragraphs) if p.heading)
    assert doc.paragraphs[i].text == "最高人民法院关于依法妥善审理涉新冠肺炎疫情民事案件若干问题的指导意见（三）"
    assert doc.paragraphs[i + 1].text.startswith("为依法妥善审理涉新冠肺炎疫情涉外商事海事纠纷等案件")


def test_judicial_interpretation_articles_and_effective_date():
    doc = build_document(by_no("法释〔2020〕3号"))
    # 第十一条 is printed at the end of line 566, after the last sentence of 第十条
    assert [a.number for a in doc.articles] == list(range(1, 16))
    art11 = next(a for a in doc.articles if a.number == 11)
    assert art11.text.startswith("第十一条 诉讼参与人参加诉讼活动，应当依法行使诉讼权利")
    assert doc.effective_date == dt.date(2020, 7, 1)


def test_title_split_over_a_page_start_line():
    doc = by_no("津人社局发〔2020〕12号")
    assert doc.title == "关于2019年度全市职工平均工资及2020年度工资福利社会保险缴费基数标准等有关问题的通知"
    assert doc.source.start_line == 3753


def test_one_number_printed_on_two_notices_stays_on_both():
    # the notices at lines 2442 and 2540 both print 京人社发[2020]8号; both keep it (the merge tells
    # them apart by title, tests/library/test_store.py)
    assert by_line(2442).doc_no == "京人社发〔2020〕8号"
    assert by_line(2442).title == "关于调整失业保险金发放标准的通告"
    assert by_line(2540).doc_no == "京人社发〔2020〕8号"
    assert by_line(2540).title == "关于做好阶段性失业补助金和临时生活补助申领发放工作的通知"


@pytest.mark.parametrize(("doc_no", "title"), [
    ("人社部发〔2020〕40号", "政策解读人社部财政部下发通知扩大失业保险保障范围"),
    ("人社部发〔2020〕52号",
     "人社部调解仲裁管理司负责人就《关于进一步加强劳动人事争议调解仲裁法律援助工作的意见》答记者问"),
    ("京人社发〔2020〕4号", "解读《关于阶段性降低本市工伤保险费率的通告》"),
    ("津人社办发〔2020〕91号", "关于规范就失业登记管理的政策问答"),
])
def test_explainers_belong_to_their_document(doc_no, title):
    doc = build_document(by_no(doc_no))
    assert [(a.kind, a.title) for a in doc.attachments if a.kind == "explainer"] == [("explainer", title)]


def test_documents_without_a_number():
    assert by_line(1908).title == "2019年北京市法人单位从业人员平均工资公布"
    assert by_line(3099).title == "本市延长阶段性减免企业社会保险费政策实施期限"
    assert by_line(3099).region == "上海"
