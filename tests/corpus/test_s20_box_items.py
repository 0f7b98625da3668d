"""The items of the 十四五 plan's boxes are units (session 20): “专栏3”01 is cited, linked and found as a clause.

人社部发〔2021〕47号 (chongqing-hrss-2021.txt, 3185–3639) is divided into 章/节 without articles; its sections are
units since session 16. Its boxes 专栏3–13 print items as a two-digit number and a title over a description
("01 就业服务质量提升工程" / "健全覆盖城乡的公共就业服务体系，…", 3311–3313). They were text of the section holding
the box, so a citation or a clause hit could only name the whole section. Each item is now a unit: label “专栏3”01
(the box as the indicator boxes' items are cited, “专栏2”一1.), anchor c2-3-b3-1 (the section's, then box and item),
parent the section; its text is its title and description. The box printed at 3575–3601 (第七章第三节) lost its
专栏 title in the compilation: its items are cited under the section (第七章第三节01), no box number made up.
Every test reads the shipped file.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from kuaiban.config import COMPILATIONS
from kuaiban.corpus.compilations import read_lines
from kuaiban.corpus.model import Paragraph
from kuaiban.corpus.pipeline import compilation_files, parse_compilation
from kuaiban.corpus.units import extract_units

FILE = Path(__file__).resolve().parents[2] / "data" / "compilations" / "chongqing-hrss-2021.txt"


@pytest.fixture(scope="module")
def plan():
    [doc] = [d for d in parse_compilation(FILE) if d.doc_no == "人社部发〔2021〕47号"]
    return doc


@pytest.fixture(scope="module")
def lines() -> list[str]:
    return read_lines(FILE)


def test_each_box_item_is_a_unit_cited_under_its_box(plan, lines):
    units = {u.label: u for u in plan.units}
    item = units["“专栏3”01"]
    assert lines[3310] == "01 就业服务质量提升工程"
    assert (item.anchor, item.parent, item.level, item.line, item.end_line) == (
        "c2-3-b3-1", "第二章第三节", 0, 3311, 3313)
    assert item.text.startswith("01就业服务质量提升工程\n健全覆盖城乡的公共就业服务体系")
    assert item.text.endswith("提升公共就业服务标准化、智慧化、专业化水平。")
    # the section keeps its text and the box's title, not the items
    section = units["第二章第三节"]
    assert section.text.endswith("专栏3就业创业促进计划") and section.end_line == 3309
    assert "就业服务质量提升工程" not in section.text
    assert units["“专栏11”01"].text.startswith("01农民工市民化行动")
    assert units["“专栏13”01"].end_line == 3617


def test_the_items_of_every_box_in_print_order(plan, lines):
    items = [u for u in plan.units if "-b" in u.anchor]
    printed = [n + 1 for n, raw in enumerate(lines[3184:3639], start=3184)
               if raw[:2].isdigit() and raw[2:3] == " " and "\t" not in raw]
    assert [u.line for u in items] == printed
    per_box: dict[str, int] = {}
    for u in items:
        box = u.label[:-2]
        per_box[box] = per_box.get(box, 0) + 1
    assert per_box == {"“专栏3”": 5, "“专栏4”": 3, "“专栏5”": 5, "“专栏6”": 2, "“专栏7”": 3, "“专栏8”": 4,
                       "“专栏9”": 1, "“专栏10”": 2, "“专栏11”": 1, "第七章第三节": 7, "“专栏13”": 1}
    assert len(items) == 34 and len(plan.units) == 120  # 86 before
    # each item holds its lines' text and no other's
    for a, b in pairwise(items):
        assert a.end_line < b.line


def test_the_box_without_its_title_is_cited_under_its_section_and_its_last_sentence_does_not_swallow_the_next(
        plan, lines):
    units = {u.label: u for u in plan.units}
    assert "专栏12" not in "".join(lines[3184:3639])  # the compilation lost it
    six, seven = units["第七章第三节06"], units["第七章第三节07"]
    assert lines[3596].endswith("“同城待遇”") and lines[3598] == "07 多层次社会保障信息平台"  # no full stop at 3597
    assert (six.line, six.end_line, seven.line, seven.end_line) == (3595, 3597, 3599, 3601)
    assert (seven.anchor, seven.parent) == ("c7-3-b0-7", "第七章第三节")
    assert "07多层次" not in six.text and seven.text.startswith("07多层次社会保障信息平台\n建成全国集中的")


def test_labels_and_anchors_stay_unique(plan):
    assert len({u.label for u in plan.units}) == len(plan.units)
    assert len({u.anchor for u in plan.units}) == len(plan.units)


def test_no_other_document_has_box_items():
    others = [(f.name, d.doc_no or d.title, u.label) for f in compilation_files(COMPILATIONS)
              for d in parse_compilation(f) for u in d.units if "-b" in u.anchor and d.doc_no != "人社部发〔2021〕47号"]
    assert others == []


def test_text_after_an_items_description_goes_on_in_the_section():
    paragraphs = [Paragraph("第一节 就业", 1, heading=True), Paragraph("促进就业。", 2),
                  Paragraph("专栏3 就业计划", 3, heading=True), Paragraph("01 服务提升工程", 4, heading=True),
                  Paragraph("健全服务体系。", 5), Paragraph("02 青年计划", 6, heading=True), Paragraph("促进青年就业。", 7),
                  Paragraph("各地要抓好落实。", 8)]
    units = extract_units(paragraphs, divisions=True)
    assert [(u.label, u.anchor, u.line, u.end_line) for u in units] == [
        ("第一节", "c0-1", 1, 8), ("“专栏3”01", "c0-1-b3-1", 4, 5), ("“专栏3”02", "c0-1-b3-2", 6, 7)]
    assert units[0].text.endswith("专栏3 就业计划\n各地要抓好落实。")
    # outside a divided text "01 …" is no part: a notice without 章/节 is cut as before
    assert extract_units(paragraphs[1:], divisions=True) == extract_units(paragraphs[1:])
    assert [u.label for u in extract_units(paragraphs[1:])] == []
