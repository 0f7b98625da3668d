"""Hunan tables printed across a page break (session 20): the header printed again on the new page is not a row.

The Hunan compilation repeats a table's header row after every page break. Three ways it stayed in the data:

* a row cut by the break (人社部发〔2020〕26号 附件1, row 6 创业: line 705, continued at 708 with ⑫ … under the header
  repeated at 707) was joined back into one row, but the repeated header stayed in the body as a paragraph after the
  joined row, inside the row's own lines 705–708;
* a reprint spelt otherwise than the first header was kept as a table row: 人社厅发〔2020〕80号 prints 实施部门（单位）
  in full-width brackets at 8330, 8348, 8364 and 8379 for 实施部门(单位) at 8271; 湘人社规〔2020〕19号's 评估细则 prints
  its header letter-spaced at 9364 (一级 指标) and over one more column at 9358 and 9377;
* the second line of a header printed over two (评估细则, 9315: 普通技工学校 / 高级技工学校 under 内涵标准与要求) was
  kept as a row after each of its 11 reprints (9323 … 9384).

Every test reads the shipped file.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kuaiban.corpus.compilations import read_lines
from kuaiban.corpus.model import Paragraph, ParsedDocument
from kuaiban.corpus.pipeline import parse_compilation
from kuaiban.corpus.structure import extract_tables

FILE = Path(__file__).resolve().parents[2] / "data" / "compilations" / "hunan-hrss-2020.txt"


@pytest.fixture(scope="module")
def docs() -> list[ParsedDocument]:
    return parse_compilation(FILE)


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return read_lines(FILE)


def by_no(docs: list[ParsedDocument], doc_no: str) -> ParsedDocument:
    [doc] = [d for d in docs if d.doc_no == doc_no]
    return doc


def test_the_row_cut_at_705_is_one_paragraph_without_the_header_repeated_at_707(docs, lines):
    assert lines[706].split("\t")[:2] == ["序号", "办事场景"]  # the repeat, between the row's halves
    assert lines[707].startswith("6\t创业\t<p>⑫")
    doc = by_no(docs, "人社部发〔2020〕26号")
    paras = [p for a in doc.attachments for p in a.paragraphs]
    [row] = [p for p in paras if p.text.startswith("6\t创业")]
    assert (row.line, row.last_line) == (705, 708)
    assert "⑫ 养老保险关系转移接续" in row.text and "⑮ 4.1.1 劳动用工备案" in row.text
    assert not [p for p in paras if row.line <= p.line <= row.last_line and p is not row]
    assert 707 not in {p.line for p in paras}
    # the other repeats (699, 703, 711, 715) part no row: the body keeps them, the table drops them
    assert {699, 703, 711, 715} <= {p.line for p in paras}
    bundles = doc.tables[0]
    assert [r[0] for r in bundles.rows] == ["序号", *map(str, range(1, 11))]
    assert bundles.rows[6][1] == "创业" and "⑫" in bundles.rows[6][2] and "5. 社保经办机构" in bundles.rows[6][4]


def test_a_header_reprinted_in_full_width_brackets_is_not_a_row(docs, lines):
    for n in (8330, 8348, 8364, 8379):
        assert lines[n - 1].split("\t")[3] == "实施部门（单位）"
    assert lines[8270].split("\t")[3] == "实施部门(单位)"
    [table] = by_no(docs, "人社厅发〔2020〕80号").tables
    assert table.line == 8271
    assert not [r for r in table.rows[1:] if "序号" in r]
    serials = [int(r[0]) for r in table.rows[1:] if r[0]]
    assert serials == list(range(1, 77))  # 水平评价类 76 项, each once, in order
    assert len(table.rows) == 101  # 1 header + 100 rows (105 with the four reprints)


def test_the_evaluation_table_keeps_one_header_of_two_lines(docs, lines):
    reprints = [9322, 9328, 9334, 9341, 9346, 9353, 9358, 9364, 9370, 9377, 9383]
    for n in reprints:
        assert "二级" in lines[n - 1] and "普通技工学校" in lines[n]
    doc = by_no(docs, "湘人社规〔2020〕19号")
    [table] = doc.tables
    assert table.line == 9314
    assert table.rows[1][4:6] == ["普通技工学校", "高级技工学校"]  # the header's second line, once
    rest = table.rows[2:]
    assert not [r for r in rest if "一级指标" in r or ("普通技工学校" in r[4:6] and not any(r[:4]))]
    assert len(table.rows) == 38  # 52 before: 11 second lines and 3 reprints spelt otherwise
    # every scored item is still there, once: the cells naming an indicator (1-1-1 …, 4-4) as the file prints them
    code = re.compile(r"^\d-\d+(-\d+)*\s*\S")
    printed = [c.replace(" ", "") for raw in lines[9313:9388] for c in raw.split("\t") if code.match(c)]
    assert printed and [c for r in rest for c in r if code.match(c)] == printed


def test_a_second_header_line_is_dropped_only_right_after_a_reprinted_header():
    rows = ["序号\t名称\t金额", "\t小计\t", "1\t甲\t3", "\t小计\t", "序号\t名称\t金额", "\t小计\t", "2\t乙\t4"]
    [table] = extract_tables([Paragraph(text, n) for n, text in enumerate(rows, start=1)])
    assert table.rows == [["序号", "名称", "金额"], ["", "小计", ""], ["1", "甲", "3"], ["", "小计", ""],
                          ["2", "乙", "4"]]
    # without a second header line, a short row after the reprint is data
    plain = [Paragraph("序号\t名称", 1), Paragraph("1\t甲", 2), Paragraph("序号\t名称", 3), Paragraph("\t乙", 4)]
    [table] = extract_tables(plain)
    assert table.rows == [["序号", "名称"], ["1", "甲"], ["", "乙"]]
    # a reprint in other brackets, spacing or columns is the header; a row with other words is not
    spelt = ["序号\t实施部门(单位)", "1\t甲", "序 号\t实施部门（单位）\t", "2\t乙", "序号\t实施部门"]
    [table] = extract_tables([Paragraph(text, n) for n, text in enumerate(spelt, start=1)])
    assert table.rows == [["序号", "实施部门(单位)"], ["1", "甲"], ["2", "乙"], ["序号", "实施部门"]]
