"""The Hunan compilation (湖南省人社厅《人力资源社会保障法规政策汇编 2020》): markdown-like
headings used inconsistently, titles cut at the 文号 printed under them, documents printed
twice, tables with repeated headers and HTML in cells. Every test reads the shipped file."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise
from pathlib import Path

import pytest

from kuaiban.corpus.compilations import read_lines
from kuaiban.corpus.coverage import toc_coverage
from kuaiban.corpus.layouts import hunan
from kuaiban.corpus.model import ParsedDocument
from kuaiban.corpus.pipeline import merge, parse_compilation

FILE = Path(__file__).resolve().parents[2] / "data" / "compilations" / "hunan-hrss-2020.txt"


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return read_lines(FILE)


@pytest.fixture(scope="module")
def docs() -> list[ParsedDocument]:
    return parse_compilation(FILE)


def by_no(docs: list[ParsedDocument], doc_no: str) -> ParsedDocument:
    [doc] = [d for d in docs if d.doc_no == doc_no]
    return doc


# ---------------------------------------------------------------- table of contents

def test_toc_lists_104_numbered_entries_in_five_sections(lines):
    entries = hunan.toc(lines)
    assert len(entries) == 104
    per_section = {s: sum(e.section == s for e in entries) for s in ("综合", "就业", "社会保险", "人才人事", "劳动关系")}
    assert per_section == {"综合": 10, "就业": 31, "社会保险": 22, "人才人事": 35, "劳动关系": 6}
    assert all(e.doc_no for e in entries)


def test_toc_entry_wrapped_with_a_dash_continuation_and_square_brackets(lines):
    # 8. 湖南省人民政府关于印发《应对新冠肺炎疫情影响促进企业健 / - 康发展…》的通知(湘政发[2020]3号) ..... (72)
    entry = next(e for e in hunan.toc(lines) if e.line == 25)
    assert entry.title == "湖南省人民政府关于印发《应对新冠肺炎疫情影响促进企业健康发展的若干政策措施》的通知"
    assert entry.doc_no == "湘政发〔2020〕3号"
    assert (entry.section, entry.page) == ("综合", 72)


def test_toc_number_split_over_two_lines_and_orders_in_chinese_numerals(lines):
    entries = {e.doc_no: e for e in hunan.toc(lines)}
    assert entries["人社部明电〔2020〕2号"].page == 218  # "(人社" / "部明电〔2020〕2号)"
    assert entries["中华人民共和国主席令第65号"].title == "中华人民共和国长江保护法"
    assert entries["人力资源社会保障部令第44号"].title == "网络招聘服务管理规定"


def test_every_toc_entry_is_found_as_its_own_document(docs):
    report = toc_coverage(FILE, docs)
    assert report.entries == 104
    assert report.found == 104, report.missed
    assert report.share >= 0.99


# ---------------------------------------------------------------- cutting into documents

def test_one_document_per_toc_entry_in_file_order_without_overlaps(docs):
    assert len(docs) == 104
    spans = [(d.source.start_line, d.source.end_line) for d in docs]
    assert spans == sorted(spans)
    assert all(end < nxt for (_, end), (nxt, _) in pairwise(spans))
    assert not any(d.title in ("综合", "就业", "社会保险", "社会保険", "人才人事", "劳动关系") for d in docs)


def test_sections_become_categories_including_the_japanese_ken(docs):
    counts = {c: sum(d.category == c for d in docs) for c in ("综合", "就业", "社会保险", "人才人事", "劳动关系")}
    assert counts == {"综合": 10, "就业": 31, "社会保险": 22, "人才人事": 35, "劳动关系": 6}
    assert by_no(docs, "人社部发〔2020〕11号").category == "社会保险"  # under "# 社会保険"


def test_title_printed_as_plain_hard_wrapped_lines_with_letter_spaced_signature(docs):
    # 财政部 农业农村部 民政部  / 人力资源社会保障部 审计署 / … / 资金“一卡通”管理的指导意见 (no heading mark)
    doc = by_no(docs, "财办〔2020〕37号")
    assert doc.title == ("财政部农业农村部民政部人力资源社会保障部审计署国务院扶贫办银保监会"
                         "关于进一步加强惠民惠农财政补贴资金“一卡通”管理的指导意见")
    assert (doc.source.start_line, doc.source.end_line) == (1165, 1236)
    # signed "财 政 部 / 农 业 农 村 部 / … / 银 保 监 会"
    assert doc.issuers == ["财政部", "农业农村部", "民政部", "人力资源社会保障部", "审计署", "国务院扶贫办", "银保监会"]
    assert doc.date == dt.date(2020, 11, 26)
    assert doc.region == "国家"


def test_issuers_printed_as_their_own_heading_above_the_title(docs):
    # "# 人力资源社会保障部 财政部" / "## 关于2020年调整退休人员 基本养老金的通知"
    doc = by_no(docs, "人社部发〔2020〕22号")
    assert doc.source.start_line == 5115
    assert doc.title == "人力资源社会保障部财政部关于2020年调整退休人员基本养老金的通知"
    assert doc.issuers == ["人力资源社会保障部", "财政部"]
    assert doc.date == dt.date(2020, 4, 10)


def test_bold_issuer_block_above_a_bold_title(docs):
    doc = by_no(docs, "湘人社规〔2020〕21号")
    assert doc.source.start_line == 5963
    assert doc.title.endswith("关于企业社会保险费和机关事业单位职业年金交由税务部门征收的公告")
    # "国家税务总局湖南省税务局" is one body, not two
    assert doc.issuers == ["湖南省人力资源和社会保障厅", "湖南省财政厅", "国家税务总局湖南省税务局", "湖南省医疗保障局"]
    assert doc.region == "湖南"


def test_law_with_its_promulgation_order_is_one_document_with_all_articles(docs):
    doc = by_no(docs, "中华人民共和国主席令第65号")
    assert doc.title == "中华人民共和国长江保护法"
    assert (doc.source.start_line, doc.source.end_line) == (183, 609)
    assert doc.issuers == ["中华人民共和国主席"]
    assert doc.date == dt.date(2020, 12, 26)
    assert doc.effective_date == dt.date(2021, 3, 1)
    assert [a.number for a in doc.articles] == list(range(1, 97))
    assert doc.articles[0].chapter == "第一章 总则"
    assert doc.articles[-1].chapter == "第九章 附则"
    assert doc.articles[-1].text.startswith("第九十六条 本法自2021年3月1日起施行")


def test_ministerial_order_number_on_two_lines(docs):
    doc = by_no(docs, "人力资源社会保障部令第44号")
    assert doc.title == "网络招聘服务管理规定"
    assert doc.issuers == ["人力资源社会保障部"]
    assert doc.date == dt.date(2020, 12, 18)
    assert [a.number for a in doc.articles] == list(range(1, 42))


def test_article_typeset_as_a_heading_keeps_its_number(docs):
    doc = by_no(docs, "湘人社规〔2020〕22号")
    fifth = next(a for a in doc.articles if a.number == 5)
    assert (fifth.line, fifth.chapter) == (4555, "第三章 社会保险补贴范围、期限和标准")
    assert fifth.text.startswith("第五条 社会保险补贴范围")
    assert [a.number for a in doc.articles] == list(range(1, 21))


# ---------------------------------------------------------------- documents printed twice

def test_notice_reprinted_without_its_number_is_one_document_covering_both_printings(docs):
    doc = by_no(docs, "人社厅发〔2020〕110号")
    assert (doc.source.start_line, doc.source.end_line) == (899, 1138)
    # the text is the first, complete printing: its 附件1 table is there, nothing from the reprint
    assert [a.label for a in doc.attachments] == ["附件1", "附件2"]
    assert max(p.line for a in doc.attachments for p in a.paragraphs) < 1042
    assert sum("部属各单位" in p.text for p in doc.paragraphs) == 1
    [table] = doc.tables
    assert table.header == ["序号", "办理单位", "办事项", "一级子项", "可实行告知承诺制的证明材料"]
    assert len(table.rows) == 25  # header + 24 items, headers repeated after page breaks dropped
    assert not any("<li>" in c or "<ol" in c for row in table.rows for c in row)


def test_notice_printed_twice_with_its_number_is_folded_into_one(docs):
    [doc] = [d for d in docs if d.doc_no == "人社部发〔2020〕73号"]
    assert (doc.source.start_line, doc.source.end_line) == (7556, 7673)
    assert all(p.line < 7615 for p in doc.paragraphs)
    assert len(merge(docs)) == len(docs)


# ---------------------------------------------------------------- paragraphs, attachments, tables

def test_sentence_split_by_a_page_break_is_joined(docs):
    doc = by_no(docs, "人社部发〔2020〕26号")
    para = next(p for p in doc.paragraphs if p.line == 669)
    assert "“上下联动、左右联通”的业务协同机制" in para.text


def test_internal_headings_are_flagged_whatever_their_level(docs):
    doc = by_no(docs, "人社部发〔2020〕26号")
    headings = {p.line: p.text for p in doc.paragraphs if p.heading}
    assert headings[619] == "一、总体要求"       # ##
    assert headings[621] == "（一）指导思想"      # ###
    assert headings[675] == "（四）加强事中事后监管"  # ####


def test_the_ten_bundles_and_the_speed_up_list_are_the_two_attachments(docs):
    doc = by_no(docs, "人社部发〔2020〕26号")
    assert doc.date == dt.date(2020, 4, 21)
    # 附件2 has no "附件 2" line: its label comes from the notice's own list of attachments
    assert [(a.label, a.title) for a in doc.attachments] == [
        ("附件1", "人社服务10个“打包一件事”清单"),
        ("附件2", "“提速办”服务事项备选清单"),
    ]
    bundles, speed_up = doc.tables
    assert bundles.header == ["序号", "办事场景", "所涉服务事项", "涉及机构", "备注"]
    assert [r[0] for r in bundles.rows[1:]] == [str(n) for n in range(1, 11)]
    start_up = bundles.rows[6]  # row 6 创业 continues after a page break with ⑫ …: one row
    assert start_up[1] == "创业" and "⑫" in start_up[2] and "<p>" not in start_up[2]
    assert speed_up.header == ["序号", "事项名称", "当前规定的办结时限", "提速后办结时限"]
    assert len(speed_up.rows) == 26
    assert speed_up.rows[2] == ["2", "1.6.10 城镇职工基本养老保险关系转移接续申请", "45个工作日", "15个工作日"]


def test_single_attachment_announced_with_a_colon(docs):
    # "附件:" over "## 湖南省贫困人口外出务工就业情况 …"
    doc = by_no(docs, "湘人社发〔2020〕33号")
    [att] = doc.attachments
    assert att.label == "附件" and att.title.startswith("湖南省贫困人口外出务工就业情况")
    assert doc.date == dt.date(2020, 8, 18)


def test_second_copy_of_a_form_is_not_labelled_as_another_attachment(docs):
    doc = by_no(docs, "银保监发〔2020〕23号")
    assert [a.label for a in doc.attachments] == ["附件1", "附件2"]
    assert doc.issuers == ["中国银保监会", "人力资源社会保障部"]


def test_public_service_catalogue_keeps_all_734_rows(docs):
    doc = by_no(docs, "湘政办发〔2020〕19号")
    [table] = doc.tables
    assert table.header == ["序号", "事项名称", "基本编码", "服务层级", "事项关系", "业务指导实施部门", "服务类型"]
    assert len(table.rows) == 735
    assert table.rows[-1][0] == "734"


def test_links_in_cells_keep_their_text_only(docs):
    doc = by_no(docs, "人社厅发〔2020〕9号")
    cells = [c for t in doc.tables for row in t.rows for c in row]
    assert not any("<a" in c or "</a>" in c for c in cells)
    assert any("www.zjzwfw.gov.cn" in c for c in cells)


def test_cover_notice_signs_before_the_measures_it_prints(docs):
    doc = by_no(docs, "湘政发〔2020〕3号")
    assert doc.date == dt.date(2020, 2, 18)
    assert doc.issuers == ["湖南省人民政府"]
    assert any(p.heading and p.text == "应对新冠肺炎疫情影响促进企业健康发展的若干政策措施" for p in doc.paragraphs)


def test_english_and_left_by_the_extraction_reads_as_he(docs):
    doc = by_no(docs, "中华人民共和国主席令第65号")
    article = next(a for a in doc.articles if a.number == 14)
    assert "生态环境保护和绿色发展" in article.text and " and " not in article.text


# ---------------------------------------------------------------- issuer names

@pytest.mark.parametrize(
    ("printed", "names"),
    [
        ("湖南省人力资源和社会保障厅湖南省财政厅", ["湖南省人力资源和社会保障厅", "湖南省财政厅"]),
        ("人力资源社会保障部 国务院扶贫办", ["人力资源社会保障部", "国务院扶贫办"]),
        ("国 务 院 扶 贫 办", ["国务院扶贫办"]),
        ("中共湖南省委组织部", ["中共湖南省委组织部"]),
        ("国务院扶贫办综合司", ["国务院扶贫办综合司"]),
        ("湖南省财政厅国家税务总局湖南省税务局", ["湖南省财政厅", "国家税务总局湖南省税务局"]),
    ],
)
def test_issuer_lines_split_into_bodies(printed, names):
    assert hunan.split_issuers(printed) == names
