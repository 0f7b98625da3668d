"""Shared structure extraction on real excerpts: articles, chapters, attachments, （略）, tables."""

from __future__ import annotations

from kuaiban.config import COMPILATIONS
from kuaiban.corpus.compilations import read_lines
from kuaiban.corpus.model import Paragraph, RawDocument, SourceSpan
from kuaiban.corpus.structure import build_document, extract_tables

HUNAN = read_lines(COMPILATIONS / "hunan-hrss-2020.txt")


def paragraphs_of(lines: list[str], start: int, end: int) -> list[Paragraph]:
    """Lines start..end (1-based, inclusive) of a one-paragraph-per-line excerpt, blank lines dropped."""
    out = []
    for n in range(start, end + 1):
        text = lines[n - 1].strip()
        if text:
            out.append(Paragraph(text=text.lstrip("# ").strip(), line=n, heading=text.startswith("#")))
    return out


def raw(paragraphs: list[Paragraph], title: str = "测试") -> RawDocument:
    return RawDocument(title=title, paragraphs=paragraphs,
                       source=SourceSpan("hunan-hrss-2020.txt", paragraphs[0].line, paragraphs[-1].line))


def test_articles_are_numbered_integers_with_their_chapter():
    # 中华人民共和国长江保护法: chapters 第一章 … 第九章, articles **第一条** … **第九十六条**
    doc = build_document(raw(paragraphs_of(HUNAN, 213, 609)))
    numbers = [a.number for a in doc.articles]
    assert numbers == list(range(1, 97))
    assert doc.articles[0].chapter == "第一章 总则"  # the letter-spaced 总 则 is closed up
    last = doc.articles[-1]
    assert last.number == 96 and last.chapter == "第九章 附则"
    assert "2021 年 3 月 1 日" in last.text or "2021年3月1日" in last.text


def test_article_text_runs_until_the_next_article():
    doc = build_document(raw(paragraphs_of(HUNAN, 213, 609)))
    art95 = next(a for a in doc.articles if a.number == 95)
    assert "（三）本法所称长江重要支流" in art95.text
    assert "第九十六条" not in art95.text


def test_attachment_sections_and_the_bundle_table_with_repeated_headers():
    # 人社部发〔2020〕26号 from its signature to the end of 附件2
    doc = build_document(raw(paragraphs_of(HUNAN, 683, 755)))
    labels = [a.label for a in doc.attachments]
    assert labels[0] == "附件1"
    assert doc.attachments[0].title == "人社服务 10 个“打包一件事”清单"
    bundle_table = next(t for t in doc.tables if t.header and t.header[1] == "办事场景")
    scenes = [row[1] for row in bundle_table.rows[1:]]
    # the header printed again after every page break is kept once; 创业 spans two pages
    assert scenes[:3] == ["企业招用员工", "企业与员工解除终止劳动合同", "失业"]
    assert "申领社会保障卡" in scenes
    assert bundle_table.rows.count(bundle_table.header) == 1
    assert all("<p>" not in cell for row in bundle_table.rows for cell in row)


def test_an_attachment_list_marked_omitted_is_recorded_not_invented():
    lines = read_lines(COMPILATIONS / "chongqing-hrss-2021.txt")
    paras = [Paragraph(text="各地工作开展情况及时报部行风办和社保中心。", line=4544),
             *[Paragraph(text=lines[n - 1].strip(), line=n) for n in (4546, 4548, 4550)]]
    assert paras[2].text == "与银行合作办理或委托办理业务参考清单(略)"
    doc = build_document(raw(paras))
    assert len(doc.attachments) == 1
    att = doc.attachments[0]
    assert att.omitted and att.title == "与银行合作办理或委托办理业务参考清单" and not att.paragraphs


def test_numbered_omitted_attachments():
    doc = build_document(raw([Paragraph("全国人才流动中心负责联系。", 1), Paragraph("附件:1、2(略)", 2),
                              Paragraph("人力资源社会保障部办公厅", 3), Paragraph("2021年1月28日", 4)]))
    assert [(a.label, a.omitted) for a in doc.attachments] == [("附件1", True), ("附件2", True)]
    assert doc.date.isoformat() == "2021-01-28"


def test_signature_and_effective_dates():
    doc = build_document(raw([Paragraph("本办法自2020年7月1日起施行。", 1),
                              Paragraph("湖南省人力资源和社会保障厅", 2), Paragraph("2020 年 6 月 8 日", 3)]))
    assert doc.date.isoformat() == "2020-06-08"
    assert doc.effective_date.isoformat() == "2020-07-01"


def test_chinese_numeral_signature_date():
    doc = build_document(raw([Paragraph("特此通知。", 1), Paragraph("二〇二〇年四月二十一日", 2)]))
    assert doc.date.isoformat() == "2020-04-21"


def test_single_tab_rows_do_not_make_a_table():
    assert extract_tables([Paragraph("一\t二", 1)]) == []


def test_a_second_text_printed_in_the_body_is_cited_by_its_title():
    # 人社部规〔2020〕1号 prints the 经济专业技术资格规定 (第一条…第十八条), then under its own heading the
    # 经济专业技术资格考试实施办法, numbered from 第一条 again (hunan-hrss-2020.txt:6854)
    from kuaiban.corpus.pipeline import parse_compilation

    [doc] = [d for d in parse_compilation(COMPILATIONS / "hunan-hrss-2020.txt") if d.doc_no == "人社部规〔2020〕1号"]
    [measures] = [a for a in doc.attachments if a.kind == "measures"]
    assert measures.label == "《经济专业技术资格考试实施办法》" and measures.line == 6854
    first = [a for a in doc.articles if a.number == 1]
    assert [(a.attachment, a.line) for a in first] == [(None, 6778), ("《经济专业技术资格考试实施办法》", 6856)]
    assert max(a.number for a in doc.articles if a.attachment is None) == 18


def test_an_attachment_the_notices_list_names_starts_where_the_body_prints_its_title():
    # 人社部函〔2020〕109号 lists "附件：马兰花创业培训项目介绍" and prints that text after the sign-off with no
    # "附件" line above it (hunan-hrss-2020.txt:8157): its parts are the attachment's, not a second 一、二、
    from kuaiban.corpus.pipeline import parse_compilation

    [doc] = [d for d in parse_compilation(COMPILATIONS / "hunan-hrss-2020.txt") if d.doc_no == "人社部函〔2020〕109号"]
    [attachment] = doc.attachments
    assert (attachment.label, attachment.title, attachment.line) == ("附件", "马兰花创业培训项目介绍", 8157)
    assert [u.label for u in doc.units if u.attachment == "附件"][:3] == ["一", "二", "二（一）"]
    assert not any(u.label.startswith("“") for u in doc.units)  # no repeated run left to tell apart
