"""HTML fragments left in compilation lines are read as plain text, from the parser to the page.

68 lines of chongqing-hrss-2021.txt and hunan-hrss-2020.txt still carry the markup of the web pages
they were copied from (a flattened table's cells: <p>…</p>, <ol><li>…</li></ol>, links, check boxes).
Each expected value below is worked by hand from the cited line.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from kuaiban.corpus.markup import html_to_text
from kuaiban.corpus.model import ParsedDocument
from kuaiban.corpus.pipeline import parse_compilation
from kuaiban.db import connect, session_scope
from kuaiban.library.models import Document
from kuaiban.library.search import get_index

DATA = Path(__file__).resolve().parents[2] / "data" / "compilations"
PERMITS = "渝人社办〔2021〕174号"  # 深化“证照分离”改革…工作措施, chongqing-hrss-2021.txt:6235–6440, a flattened table
UNEMPLOYMENT_FORM = "人社厅发〔2020〕3号"  # its 失业登记表 prints check boxes (hunan-hrss-2020.txt:3486–3488)
RAW_MARKUP = re.compile(r"</?(?:p|ol|ul|li|a|input|table|tr|td)\b|&lt;|&gt;|&#34;|&quot;", re.I)
ESCAPED_MARKUP = re.compile(r"&lt;/?[a-z]+|&#34;|&quot;", re.I)  # source tags as a page escapes them

# chongqing-hrss-2021.txt:6281, the 申请材料 cell: an <ol> whose <li> tags the extraction lost
MATERIALS = ["1.申办报告。", "2.举办者姓名、住址或名称、地址。",
             "3.学校章程，首届学校理事会、董事会或者其他决策机构组成人员名单。", "4.承诺书。（附件1）"]


# -- the conversion, line by line ------------------------------------------------------------------

def test_an_ol_without_li_is_split_at_its_own_numbers() -> None:
    cell = ('<ol style="list-style-type: none"> 1.申办报告。 2.举办者姓名、住址或名称、地址。 3.学校章程，首届学校理事会、'
            '董事会或者其他决策机构组成人员名单。 4.承诺书。（附件1）')  # chongqing-hrss-2021.txt:6281
    assert html_to_text(cell) == "\n".join(MATERIALS)


def test_a_decimal_inside_an_item_is_not_an_item_number() -> None:
    # chongqing-hrss-2021.txt:6339: "1.8万平方米" inside （一）, not a list item "1."
    cell = "<p>（一）校园占地面积不少于3万平方米（约45亩）；校舍建筑面积不少于1.8万平方米。</p> <p>（二）应具有…</p>"
    assert html_to_text(cell) == "（一）校园占地面积不少于3万平方米（约45亩）；校舍建筑面积不少于1.8万平方米。\n（二）应具有…"


def test_each_li_is_a_line_and_attributes_are_dropped() -> None:
    cell = ('<ol style="list-style-type: none"> <li>1. 统筹内调入的需提供人事（组织）部门正式录用通知、调令、任职文件或者'
            '事业单位聘用合同等复印件；</li> <li>2. 工资关系或工资审批手续复印件。</li> </ol>')  # hunan-hrss-2020.txt:958
    assert html_to_text(cell) == ("1. 统筹内调入的需提供人事（组织）部门正式录用通知、调令、任职文件或者事业单位聘用合同等复印件；\n"
                                  "2. 工资关系或工资审批手续复印件。")


def test_paragraphs_are_lines_and_a_styled_p_loses_its_style() -> None:
    line = ('<p>本人承诺填报的以上内容均真实、准确、有效，如与实际情况不一致，本人愿意承担相应责任，同时纳入人社信用记录。</p> '
            '<p style="text-align: right;">申请人（签字）： 年 月 日</p>')  # hunan-hrss-2020.txt:3491
    assert html_to_text(line) == ("本人承诺填报的以上内容均真实、准确、有效，如与实际情况不一致，本人愿意承担相应责任，同时纳入人社"
                                  "信用记录。\n申请人（签字）： 年 月 日")


def test_a_link_whose_text_is_its_address_reads_as_the_text() -> None:
    cell = '浙江政务服务网(网址: <a href="http://www.zjzwfw.gov.cn">www.zjzwfw.gov.cn</a> )或浙里办 APP'  # hunan:5277
    assert html_to_text(cell) == "浙江政务服务网(网址: www.zjzwfw.gov.cn )或浙里办 APP"
    cell = '海南政务服务网 <a href="https://wssp.hainan.gov.cn/">https://wssp.hainan.gov.cn/</a>'  # hunan:5289
    assert html_to_text(cell) == "海南政务服务网 https://wssp.hainan.gov.cn/"


def test_a_link_whose_text_is_not_its_address_keeps_the_address_in_brackets() -> None:
    # no compilation line links words (every link's text is its address): this is the rule, shown on one
    assert html_to_text('见<a href="http://www.mohrss.gov.cn/">人社部网站</a>。') == "见人社部网站（http://www.mohrss.gov.cn/）。"


def test_a_markdown_link_is_its_address() -> None:
    line = "企业薪酬调查培训手册等相关资料请到以下网址下载:<http://www.mohrss.gov.cn/tjdc/qyxcde>。"  # chongqing:17033
    assert html_to_text(line) == "企业薪酬调查培训手册等相关资料请到以下网址下载:http://www.mohrss.gov.cn/tjdc/qyxcde。"


def test_check_boxes_are_boxes() -> None:
    cell = '<input type="checkbox"/> 户籍地址 <input type="checkbox"/> 常住地址'  # hunan-hrss-2020.txt:3486
    assert html_to_text(cell) == "□ 户籍地址 □ 常住地址"
    assert html_to_text('<input type="checkbox" checked/> 是') == "☑ 是"


def test_entities_are_unescaped_inside_a_fragment() -> None:
    assert html_to_text("<p>城镇调查失业率&lt;5.5%&amp;预期性</p>") == "城镇调查失业率<5.5%&预期性"


def test_a_table_nested_in_a_cell_puts_each_cell_on_a_line() -> None:
    cell = ('<table border="1"> <tr> <td data-bbox="230 900 312 1107">交通运输主管部门及相关 机构</td> '
            '<td data-bbox="312 900 394 1107">国家铁路局</td> </tr> </table>')  # chongqing-hrss-2021.txt:13333
    assert html_to_text(cell) == "交通运输主管部门及相关 机构\n国家铁路局"


def test_text_without_tags_is_left_alone() -> None:
    assert html_to_text("<5") == "<5"  # chongqing-hrss-2021.txt:3200, a cell "<5" (%)
    line = "财政部《关于贯彻落实<国务院关于机关事业单位工作人员养老保险制度改革的"  # court-national-provinces-2020.txt:1998
    assert html_to_text(line) == line


# -- the parsed documents ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def permits() -> ParsedDocument:
    [doc] = [d for d in parse_compilation(DATA / "chongqing-hrss-2021.txt") if d.doc_no == PERMITS]
    return doc


def _at(doc: ParsedDocument, line: int) -> str:
    [text] = [p.text for p in doc.paragraphs if p.line == line]
    return text


def test_the_materials_row_keeps_its_line_and_one_item_a_line(permits) -> None:
    assert _at(permits, 6281) == "申请材料\t" + "\n".join(MATERIALS)
    assert not any(RAW_MARKUP.search(p.text) for p in permits.paragraphs)


def test_a_cell_carried_over_a_page_break_stays_in_its_row(permits) -> None:
    # 6361 prints 许可条件 一、…六、; 6363 carries on the same cell under an empty first cell with 七、…十二、
    row = _at(permits, 6361)
    assert row.startswith("许可条件\t一、应具备高级技工学校资格，并经过办学水平评估，且举办过两期以上技师培训班。\n二、")
    assert "\n七、应具备完善的学生生活设施；" in row and "\n十二、应结合专业设置选择生产设备先进" in row
    assert 6363 not in {p.line for p in permits.paragraphs}


def test_numbers_inside_a_cell_are_not_parts_of_the_notice(permits) -> None:
    # the notice's own parts are the seven 审批 items 一、…七、 (6249, 6292, 6315, 6331, 6353, 6372, 6391) and
    # the 自贸区 list (6415, 6424, 6432); 七、 at 6363 is item 七 of the 许可条件 cell of 6361 (see above)
    lines = {u.line for u in permits.units}
    assert {6249, 6292, 6315, 6331, 6353, 6372, 6391, 6415, 6424, 6432} <= lines
    assert 6363 not in lines
    assert not any(RAW_MARKUP.search(u.text) for u in permits.units)


def test_the_unemployment_forms_check_boxes_read_as_boxes() -> None:
    [doc] = [d for d in parse_compilation(DATA / "hunan-hrss-2020.txt") if d.doc_no == UNEMPLOYMENT_FORM]
    rows = {p.line: p.text for a in doc.attachments for p in a.paragraphs} | {p.line: p.text for p in doc.paragraphs}
    assert rows[3486].split("\t")[:2] == ["登记失业地", "□ 户籍地址 □ 常住地址"]
    assert rows[3488].split("\t")[1] == "是否申领失业保险金* □ 是 □ 否"


# -- what a reader sees: the document page, `kuaiban show`, search ------------------------------------

@pytest.fixture(scope="module")
def library(library_db_url) -> str:
    return library_db_url


@pytest.fixture(scope="module")
def client(library):
    from fastapi.testclient import TestClient

    from kuaiban.app import create_app

    with TestClient(create_app(library)) as c:
        yield c


def _doc_id(url: str, doc_no: str) -> int:
    with session_scope(connect(url)) as s:
        return s.scalars(select(Document.id).where(Document.doc_no == doc_no)).one()


def test_the_document_page_shows_no_tags_and_one_item_a_line(client, library) -> None:
    page = client.get(f"/library/doc/{_doc_id(library, PERMITS)}").text
    assert not ESCAPED_MARKUP.search(page)
    # (since session 20 each paragraph ends with the lines it is printed on, muted)
    assert '<p id="l6281">申请材料\t' + "\n".join(MATERIALS) + ' <span class="source">（重庆汇编 第 6281 行）</span></p>' \
        in page
    assert 'class="full-text"' in page  # whose paragraphs keep their line breaks (site.css: white-space)


def test_show_prints_no_tags_and_one_item_a_line(library) -> None:
    out = subprocess.run([sys.executable, "-m", "kuaiban", "show", PERMITS, "--db", library],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert not RAW_MARKUP.search(out.stdout)
    lines = out.stdout.splitlines()
    start = lines.index("申请材料\t" + MATERIALS[0])
    # the paragraph's last line ends with the lines it is printed on (session 20)
    assert lines[start + 1:start + 4] == [*MATERIALS[1:3], MATERIALS[3] + "（重庆汇编 第 6281 行）"]


def test_show_prints_the_forms_check_boxes(library) -> None:
    out = subprocess.run([sys.executable, "-m", "kuaiban", "show", UNEMPLOYMENT_FORM, "--db", library, "--json"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    texts = [a["text"] for a in json.loads(out.stdout)["attachments"]]
    assert any("登记失业地\t□ 户籍地址 □ 常住地址" in t for t in texts)


def test_a_search_snippet_from_a_fragment_has_no_tags(library, client) -> None:
    index = get_index(connect(library))
    hits = [h for h in index.search("申办报告 举办者姓名 住址", region="重庆", limit=5) if h.doc_no == PERMITS]
    assert hits and hits[0].source["start_line"] == 6281, "the 申请材料 row of 174号 (line 6281) is found"
    plain = hits[0].snippet.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in plain and not RAW_MARKUP.search(hits[0].snippet), hits[0].snippet
    assert plain.startswith("申请材料 1.申办报告。 2.举办者姓名、住址或名称、地址。")  # a snippet is one line
    page = client.get("/library", params={"q": "申办报告 举办者姓名 住址", "region": "重庆"}).text
    assert "1.<mark>申办报告</mark>。" in page and not ESCAPED_MARKUP.search(page)
