"""第X编/章/节 of a text without articles (the 十四五规划) as addressable units, and no change to texts with articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from kuaiban.corpus.model import Paragraph, RawDocument, SourceSpan
from kuaiban.corpus.pipeline import parse_compilation
from kuaiban.corpus.structure import build_document
from kuaiban.corpus.units import division, extract_units
from kuaiban.library.ingest import build_passages

DATA = Path(__file__).resolve().parents[2] / "data" / "compilations"


@pytest.fixture(scope="module")
def plan():
    # chongqing-hrss-2021.txt:3185–3639, 人力资源和社会保障事业发展“十四五”规划 (人社部发〔2021〕47号)
    docs = [d for d in parse_compilation(DATA / "chongqing-hrss-2021.txt") if d.doc_no == "人社部发〔2021〕47号"]
    return docs[0]


@pytest.mark.parametrize(("text", "expected"), [
    ("第三章 健全多层次社会保障体系", (1, "三", "章")),
    ("## 第二节 强化财力保障", (2, "二", "节")),
    ("第五节 巩固拓展脱贫攻坚成果,推进乡村振兴", (2, "五", "节")),
    ("第一编 总则", (0, "一", "编")),
    ("第三章规定的补贴按月发放，由经办机构审核后拨付到个人账户。", None),  # a sentence, not a heading
    ("第十二条 本办法自印发之日起施行", None),
])
def test_a_division_heading_gives_its_kind_and_number(text, expected):
    assert division(text) == expected


def test_the_plans_chapters_and_sections_are_units_cited_by_their_path(plan):
    units = {u.label: u for u in plan.units}
    chapters = [u for u in plan.units if u.level == -2]
    sections = [u for u in plan.units if u.level == -1]
    assert len(chapters) == 8 and len(sections) == 37  # as its 目录 lists them (3091–3179)
    c32 = units["第三章第二节"]
    assert (c32.anchor, c32.parent, c32.line) == ("c3-2", "第三章", 3391)
    assert c32.text.startswith("第二节 完善社会保障制度体系\n在规范省级统筹制度")
    assert "加快建设积极稳健的失业保险制度" in c32.text  # its later paragraphs (3395) are its own
    assert "专栏6社会保险制度建设" in c32.text  # the box it holds; since session 20 the box's items (01 …) are
    assert "02新就业形态群体参保" not in c32.text and c32.end_line == 3401  # units of their own (test_s20_box_items)
    assert units["“专栏6”02"].end_line == 3409
    # a section not set as a heading in the compilation (3607) is one all the same
    assert units["第七章第五节"].line == 3607 and units["第七章第四节"].end_line == 3605
    assert (units["第一章"].anchor, units["第一章"].parent) == ("c1", None)


def test_the_table_of_contents_is_not_the_divisions(plan):
    assert all(u.line >= 3185 for u in plan.units)  # the 目录 (3091–3179) names them, it is not them


def test_a_boxs_items_keep_their_box_and_the_text_after_the_box_goes_on_in_the_section(plan):
    units = {u.label: u for u in plan.units}
    assert units["“专栏2”一1."].anchor == "c1-3-s1-1" and units["“专栏2”一"].parent == "第一章第三节"
    assert units["“专栏1”四13."].end_line == 3216
    # 3218–3220 follow 专栏1 in 第一章第一节
    assert units["第一章第一节"].end_line == 3220 and "我国已转向高质量发展阶段" in units["第一章第一节"].text


def test_every_label_and_anchor_is_cited_once(plan):
    assert len({u.label for u in plan.units}) == len(plan.units)
    assert len({u.anchor for u in plan.units}) == len(plan.units)


def test_a_numbered_part_under_a_division_is_cited_under_it():
    paragraphs = [Paragraph("第一章 总体要求", 1, heading=True), Paragraph("一、基本原则", 2),
                  Paragraph("（一）坚持就业优先。", 3), Paragraph("第二章 主要任务", 4, heading=True),
                  Paragraph("一、稳定就业", 5), Paragraph("第一节 重点群体", 6), Paragraph("一、高校毕业生", 7)]
    units = extract_units(paragraphs, divisions=True)
    assert [(u.label, u.anchor, u.parent) for u in units] == [
        ("第一章", "c1", None), ("第一章一", "c1-s1", "第一章"), ("第一章一（一）", "c1-s1-1", "第一章一"),
        ("第二章", "c2", None), ("第二章一", "c2-s1", "第二章"),
        ("第二章第一节", "c2-1", "第二章"), ("第二章第一节一", "c2-1-s1", "第二章第一节")]
    # without divisions (a text with articles) the same lines are parts as before, told apart by the heading
    assert [u.label for u in extract_units(paragraphs)] == ["一", "一（一）", "“第二章 主要任务”一", "“第一节 重点群体”一"]


def test_a_text_with_articles_keeps_its_chapters_on_its_articles():
    raw = RawDocument(title="某办法", source=SourceSpan("x.txt", 1, 6), paragraphs=[
        Paragraph("第一章 总则", 1, heading=True), Paragraph("第一条 为了规范管理，制定本办法。", 2),
        Paragraph("第二章 附则", 3, heading=True), Paragraph("第二条 本办法自印发之日起施行。", 4)])
    doc = build_document(raw)
    assert [(a.number, a.chapter) for a in doc.articles] == [(1, "第一章 总则"), (2, "第二章 附则")]
    assert doc.units == []


def test_search_passages_point_at_the_section(plan):
    passages = {p["unit"]: p for p in build_passages(plan) if p["unit"]}
    p = passages["第四章第一节"]
    assert p["anchor"] == "c4-1" and "博士后" in p["text"]
