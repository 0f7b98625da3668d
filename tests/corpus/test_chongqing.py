"""The Chongqing compilation (重庆市人力资源和社会保障法规政策文件汇编 劳动就业和社会保障分册 2021):
a 226-entry table of contents in 7 sections with sub-headings, then issuer / title / 文号
blocks, letter-spaced signatures, hard wraps with a blank line after every line. Every
test reads the shipped file."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise
from pathlib import Path

import pytest

from kuaiban.corpus.compilations import read_lines
from kuaiban.corpus.coverage import toc_coverage
from kuaiban.corpus.layouts import chongqing
from kuaiban.corpus.model import ParsedDocument
from kuaiban.corpus.pipeline import parse_compilation

FILE = Path(__file__).resolve().parents[2] / "data" / "compilations" / "chongqing-hrss-2021.txt"


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return read_lines(FILE)


@pytest.fixture(scope="module")
def docs() -> list[ParsedDocument]:
    return parse_compilation(FILE)


@pytest.fixture(scope="module")
def toc(lines):
    return chongqing.toc(lines)


def by_no(docs: list[ParsedDocument], doc_no: str) -> ParsedDocument:
    [doc] = [d for d in docs if d.doc_no == doc_no]
    return doc


def by_title(docs: list[ParsedDocument], title: str) -> ParsedDocument:
    [doc] = [d for d in docs if d.title == title]
    return doc


# ---------------------------------------------------------------- table of contents

def test_toc_has_226_entries_in_seven_sections(toc):
    assert len(toc) == 226
    main = {"综合": 0, "劳动就业": 0, "职业能力建设": 0, "劳动关系": 0, "社会保险": 0, "劳动保障监察": 0,
            "人力社保法治": 0}
    for e in toc:
        if e.section in main:
            main[e.section] += 1
    # entries directly under a section heading (the rest sit under a sub-heading)
    assert main == {"综合": 10, "劳动就业": 17, "职业能力建设": 14, "劳动关系": 5, "社会保险": 13,
                    "劳动保障监察": 5, "人力社保法治": 14}
    assert sum(main.values()) + sum(e.section not in main for e in toc) == 226


def test_sub_headings_are_categories_too(toc):
    sections = [e.section for e in toc]
    for sub in ("“放管服”改革", "高校毕业生就业", "工资福利", "劳动保护", "基本养老保险", "职业年金",
                "失业保险", "工伤保险"):
        assert sub in sections
    entries = {e.doc_no: e for e in toc if e.doc_no}
    assert entries["人社部发〔2021〕23号"].section == "“放管服”改革"
    assert entries["人社部发〔2021〕20号"].section == "基本养老保险"
    # a short title under a sub-heading is not mistaken for another sub-heading
    assert entries["国家卫生健康委员会令第5号"].title == "工作场所职业卫生管理规定"
    assert entries["国家卫生健康委员会令第5号"].section == "劳动保护"


def test_toc_line_shapes(toc):
    at = {e.line: e for e in toc}
    # "中华人民共和国个人信息保护法<TAB>2": no 文号
    assert (at[30].title, at[30].doc_no, at[30].page) == ("中华人民共和国个人信息保护法", None, 2)
    # 文号 at the end of the title line, after a space
    assert at[32].doc_no == "〔五届〕第154号"
    assert at[32].title == "重庆市人民代表大会常务委员会关于修改《重庆市人口与计划生育条例》的决定"
    assert (at[37].title, at[37].doc_no) == ("重庆市内部审计工作办法", "重庆市人民政府令第340号")
    # title line, then "人社部发[2021]47号108": the page glued to the 文号
    assert (at[41].doc_no, at[41].page) == ("人社部发〔2021〕47号", 108)
    # ".....763" leaders and no 文号
    assert (at[415].doc_no, at[415].page) == (None, 763)
    # a title split over two lines with a blank line between
    assert at[151].title == "重庆市人民政府办公厅关于印发重庆市加快淘汰煤炭落后产能总体方案的通知"
    assert (at[151].doc_no, at[151].page) == ("渝府办〔2021〕2号", 350)
    # "国务院令 第741号642"
    assert (at[369].doc_no, at[369].page) == ("国务院令第741号", 642)


def test_joint_notice_numbered_by_year_is_cited_under_its_first_issuer(toc):
    # "财政部国家税务总局人力资源社会保障部国家乡村振兴局关于……的公告" / "2021年第18号478"
    entry = next(e for e in toc if e.line == 265)
    assert entry.doc_no == "财政部公告〔2021〕18号"
    assert entry.page == 478


def test_toc_coverage_is_complete():
    report = toc_coverage(FILE)
    assert (report.found, report.entries) == (226, 226), report.missed


# ---------------------------------------------------------------- documents

def test_one_document_per_toc_entry_in_file_order(docs, toc):
    assert len(docs) == len(toc) == 226
    starts = [d.source.start_line for d in docs]
    assert starts == sorted(starts)
    for a, b in pairwise(docs):
        assert a.source.end_line < b.source.start_line


def test_compilation_section_headings_are_not_documents(docs, lines):
    titles = {d.title for d in docs}
    assert not titles & {"一、综合类", "综合", "社会保险", "“放管服”改革", "工伤保险"}
    # "五、社会保険" (Japanese 険) at line 17504 sits between two documents, in neither
    assert lines[17503] == "五、社会保険"
    before = by_no(docs, "人社部发〔2021〕5号")
    after = by_no(docs, "人力资源社会保障部令第46号")
    assert before.source.end_line == 17502 and after.source.start_line == 17506
    assert after.category == "社会保险"


def test_issuer_title_and_number_block(docs):
    # 人力资源社会保障部办公厅 / 关于推进流动人员人事档案信息化建设的有关 事项的通知 / 人社厅函〔2021〕15号
    doc = by_no(docs, "人社厅函〔2021〕15号")
    assert doc.title == "人力资源社会保障部办公厅关于推进流动人员人事档案信息化建设的有关事项的通知"
    assert doc.source.start_line == 4388
    assert doc.issuers == ["人力资源社会保障部办公厅"]
    assert doc.date == dt.date(2021, 1, 28)
    assert doc.category == "“放管服”改革"
    assert doc.region == "国家"


def test_letter_spaced_signature_gives_every_issuer(docs):
    # 中共中央组织部 / 人力资源社会保障部 / 财 政 部 / 国 家 邮 政 局 / 国 家 档 案 局 / 2021年12月29日
    doc = by_no(docs, "人社部发〔2021〕112号")
    assert doc.issuers == ["中共中央组织部", "人力资源社会保障部", "财政部", "国家邮政局", "国家档案局"]
    assert doc.date == dt.date(2021, 12, 29)


def test_chongqing_joint_notice(docs):
    doc = by_no(docs, "渝人社发〔2021〕42号")
    assert doc.title == ("重庆市人力资源和社会保障局重庆市财政局重庆市医疗保障局国家税务总局重庆市税务局"
                         "关于做好2021年度社会保险缴费基数上下限核定等有关工作的通知")
    assert doc.issuers == ["重庆市人力资源和社会保障局", "重庆市财政局", "重庆市医疗保障局",
                           "国家税务总局重庆市税务局"]
    assert doc.date == dt.date(2021, 11, 16)
    assert doc.region == "重庆"
    assert doc.category == "社会保险"
    assert "就业人员平均工资为73978元/年(6165元/月)" in doc.body
    assert "月缴费基数上限为18495元、下限为3699元" in doc.body


def test_long_signatures_are_read_whole(docs):
    # 20 bodies signed one per line; the ministry is the seventh
    doc = by_no(docs, "人社部发〔2021〕66号")
    assert len(doc.issuers) == 20
    assert doc.issuers[0] == "国家发展和改革委员会" and doc.issuers[6] == "人力资源社会保障部"
    assert len(by_no(docs, "渝人社发〔2021〕54号").issuers) == 21  # "中共重庆市委组织部等21个部门"
    # a signature broken over lines: "…管理委员" / "会 中 国 银 行 保 险 监 督 管 理 委 员 会" / "会"
    assert by_no(docs, "教发〔2021〕5号").issuers[-1] == "中国银行保险监督管理委员会"


def test_office_issuer_is_one_body(docs):
    assert by_no(docs, "渝人社办〔2021〕6号").issuers == ["重庆市人力资源和社会保障局办公室"]
    assert by_no(docs, "人社职司便函〔2021〕2号").issuers == [
        "人力资源社会保障部职业能力建设司", "人力资源社会保障部职业技能鉴定中心"]


def test_law_without_number(docs):
    doc = by_title(docs, "中华人民共和国个人信息保护法")
    assert doc.doc_no is None
    assert doc.source.start_line == 834
    assert doc.issuers == ["全国人民代表大会常务委员会"]
    assert doc.date == dt.date(2021, 8, 20)  # "(2021年8月20日……第三十次会议通过)"
    assert doc.effective_date == dt.date(2021, 11, 1)
    assert [a.number for a in doc.articles] == list(range(1, 75))
    # the law's own 目录 is one paragraph, so its chapter list does not label the first articles
    assert doc.paragraphs[1].text.startswith("目录：第一章 总则 第二章 个人信息处理规则")
    first, thirteenth = doc.articles[0], doc.articles[12]
    assert first.chapter is None
    assert thirteenth.number == 13 and thirteenth.chapter == "第二章 个人信息处理规则"


def test_amended_law_takes_its_latest_date(docs):
    doc = by_title(docs, "中华人民共和国人口与计划生育法")
    assert doc.date == dt.date(2021, 8, 20)
    assert len(doc.articles) == 48


def test_hard_wraps_are_joined(docs):
    doc = by_title(docs, "中华人民共和国个人信息保护法")
    art3 = next(a for a in doc.articles if a.number == 3)
    # lines 868 / 870: "…境内自然人个人信" + "息的活动,有下列情形之一的,也适用本法:"
    assert "在中华人民共和国境外处理中华人民共和国境内自然人个人信息的活动,有下列情形之一的,也适用本法:" in art3.text
    assert "(三)法律、行政法规规定的其他情形。" in art3.text
    # an addressee line wrapped after "(局),"
    notice = by_no(docs, "人社部发〔2021〕23号")
    assert notice.paragraphs[0].text == "各省、自治区、直辖市及新疆生产建设兵团人力资源社会保障厅(局),部属各单位:"
    assert notice.paragraphs[0].line == 3647


def test_headings_are_flagged(docs):
    doc = by_no(docs, "渝人社发〔2021〕52号")
    headings = [p.text for p in doc.paragraphs if p.heading]
    assert headings[:4] == ["一、具体标准", "二、适用范围", "三、最低工资标准不包括的项目", "四、执行时间"]
    assert "上述标准自2022年4月1日起执行。" in doc.body


def test_order_prints_number_before_title(docs):
    # 中华人民共和国国务院令 / 第741号 / promulgation / 二〇二一年四月七日 / 中华人民共和国民办教育促进法实施条例
    doc = by_no(docs, "国务院令第741号")
    assert doc.title == "中华人民共和国民办教育促进法实施条例"
    assert doc.source.start_line == 11089
    assert doc.issuers == ["国务院"]
    assert doc.date == dt.date(2021, 4, 7)
    assert len(doc.articles) == 68
    assert doc.articles[0].chapter == "第一章 总则"
    assert any(p.heading and p.text == "中华人民共和国民办教育促进法实施条例" for p in doc.paragraphs)


def test_municipal_orders_are_unified(docs):
    # the TOC prints 市政府令第344号, the body 重庆市人民政府令 / 第344号
    doc = by_no(docs, "重庆市人民政府令第344号")
    assert doc.title == "重庆市集体土地征收补偿安置办法"
    assert doc.issuers == ["重庆市人民政府"]
    assert doc.date == dt.date(2021, 5, 19)
    assert by_no(docs, "重庆市人民政府令第340号").title == "重庆市内部审计工作办法"


def test_date_in_number_line_and_date_ending_in_hao(docs):
    # "(中发办[2021]9号 2021年2月22日)"
    assert by_no(docs, "中发办〔2021〕9号").date == dt.date(2021, 2, 22)
    # the signature of 人社部发〔2021〕34号 reads "2021年5月30号"
    assert by_no(docs, "人社部发〔2021〕34号").date == dt.date(2021, 5, 30)


def test_central_document_dated_under_its_title(docs):
    doc = by_title(docs, "中共中央办公厅国务院办公厅关于更加有效发挥统计监督职能作用的意见")
    assert doc.date == dt.date(2021, 12, 21)
    assert doc.issuers == ["中共中央办公厅", "国务院办公厅"]


def test_listed_attachments_get_their_label(docs):
    # "附件：1.10个打包“一件事”表单参考信息项 2.打包“一件事”参考工作流程" before the signature,
    # the two attachments after it under their titles only
    doc = by_no(docs, "人社部发〔2021〕23号")
    assert [(a.label, a.title, a.line) for a in doc.attachments] == [
        ("附件1", "10个打包“一件事”表单参考信息项", 3713),
        ("附件2", "打包“一件事”参考工作流程", 4052),
    ]
    assert doc.date == dt.date(2021, 4, 21)
    fields = "\n".join(p.text for p in doc.attachments[0].paragraphs)
    assert "一、企业招用员工“一件事”" in fields


def test_numbered_attachments_and_tables(docs):
    doc = by_no(docs, "渝人社发〔2021〕31号")
    assert [a.label for a in doc.attachments] == ["附件1", "附件2", "附件3", "附件4", "附件5"]
    assert doc.attachments[0].title == "重庆市企业新型学徒制培训开班申请表"
    assert doc.issuers[-2:] == ["重庆市总工会", "重庆市工商业联合会"]  # letter-spaced in the signature


def test_repeal_list_table(docs):
    doc = by_no(docs, "渝人社发〔2021〕64号")
    assert [a.title for a in doc.attachments] == ["废止的行政规范性文件目录", "继续有效的行政规范性文件目录"]
    rows = [r for t in doc.tables for r in t.rows if r and r[0].isdigit()]
    assert len(rows) == 61 + 434
    assert rows[0] == ["1", "重庆市人事局关于全市机关事业单位技术工人升级考试考核合格后工资待遇问题的通知",
                       "渝人发〔2002〕208号"]


def test_explainer_heuristic_not_fooled_by_a_title_naming_解读(docs):
    doc = by_no(docs, "渝府办发〔2021〕101号")
    assert not [a for a in doc.attachments if a.kind == "explainer"]
    assert len(doc.articles) > 30


def test_document_printed_twice_is_two_copies(docs):
    # 渝人社办〔2021〕270号 is printed under 劳动就业 and again under 技工教育和职业培训
    copies = [d for d in docs if d.doc_no == "渝人社办〔2021〕270号"]
    assert [(c.source.start_line, c.category) for c in copies] == [(7435, "劳动就业"), (16371, "技工教育和职业培训")]


# ---------------------------------------------------------------- helpers on excerpts

@pytest.mark.parametrize(("text", "names"), [
    ("人力资源社会保障部 财政部 教育部", ["人力资源社会保障部", "财政部", "教育部"]),
    ("人力资源社会保障部国家发展改革委民政部财政部", ["人力资源社会保障部", "国家发展改革委", "民政部", "财政部"]),
    ("重 庆 市 财 政 局", ["重庆市财政局"]),
    ("国家税务总局重庆市税务局", ["国家税务总局重庆市税务局"]),
    ("重庆市财政局 中国人民银行重庆营业管理部", ["重庆市财政局", "中国人民银行重庆营业管理部"]),
    ("中共中央组织部 人力资源社会保障部等五部门", ["中共中央组织部", "人力资源社会保障部"]),
    ("人力资源社会保障部办公厅 财 政 部 办 公 厅", ["人力资源社会保障部办公厅", "财政部办公厅"]),
])
def test_split_issuers(text, names):
    assert chongqing.split_issuers(text) == names


def test_build_paragraphs_on_an_excerpt():
    excerpt = [
        "第四十三条 任何国家或者地区在个人信息保护方面对中华人",
        "",
        "民共和国采取歧视性的禁止、限制或者其他类似措施的,中华人民共和国可以根据实际情况对该国家或者地区对等采取措施。",
        "",
        "第四章 个人在个人信息处理活动中的权利",
        "",
        "- (一)处理目的已实现、无法实现或者为实现处理目的不再必要;",
        "重 庆 市 财 政 局",
        "2021年3月1日",
    ]
    paras = chongqing.build_paragraphs(excerpt, 0, len(excerpt))
    assert [(p.line, p.heading) for p in paras] == [(1, False), (5, True), (7, False), (8, True), (9, False)]
    assert paras[0].text.endswith("对中华人民共和国采取歧视性的禁止、限制或者其他类似措施的,中华人民共和国可以根据实际情况对该国家或者地区对等采取措施。")
    assert paras[2].text == "(一)处理目的已实现、无法实现或者为实现处理目的不再必要;"
    assert paras[3].text == "重庆市财政局"


def test_items_set_as_headings_stay_in_their_article_and_a_glued_article_is_its_own(docs):
    # chongqing-hrss-2021.txt:12650–12662: "第六条 学历、学位符合下列条件：" then "(一)技术员" … "(三)研究实习员",
    # which the compilation sets as headings; 12714 prints "…满5年。第十二条掌握…" in one paragraph
    doc = next(d for d in docs if d.doc_no == "渝人社发〔2021〕63号")
    articles = {a.number: a for a in doc.articles}
    assert sorted(articles) == list(range(1, 20))
    assert "(三)研究实习员" in articles[6].text and articles[6].end_line == 12662
    assert articles[11].text.endswith("从事技术经纪工作满5年。")
    assert articles[12].line == 12714 and articles[12].text.startswith("第十二条掌握与本专业相关的法律")
    assert not doc.units  # the items are inside articles, not parts of their own


def test_the_attachment_list_is_no_part_of_the_last_article(docs):
    # chongqing-hrss-2021.txt: 重庆市市级人力资源服务产业园管理办法(试行) 第二十八条, then "附件：" and two titles (略)
    doc = next(d for d in docs if d.doc_no == "渝人社发〔2021〕57号")
    last = doc.articles[-1]
    assert last.number == 28 and "附件" not in last.text and "评估认定表" not in last.text
    assert not any(u.label in ("1.", "2.") for u in doc.units if u.attachment is None)
