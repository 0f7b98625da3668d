"""A part's cited lines hold its whole text (session 18: a part used to end on the FIRST line of its last paragraph).

Layouts join hard-wrapped source lines into one logical paragraph. A numbered part (一、（一）1.), a 第X条
article and a search passage are cited by compilation and line range; the range must run to the last source
line of the last paragraph, or the reader looking it up finds the text cut short ("第 379–381 行" for a part
printed over 379–387).

The check over the whole bundled library: for every stored part (``doc_units``: 一、（一）1., 第X章 of a plan, 第N段)
and every passage (one per article 第X条, per part, or per run of other text), the end of its text — its last
:data:`TAIL` characters — lies inside its cited lines. Text and lines are compared without whitespace and without
what the layouts take out of a line anyway: markdown ``#``, ``*`` and ``\\``, HTML tags (``<p>``, ``<a href=…>``,
``<http://…>``), the Hunan extraction's "and" for 和 between two Chinese characters, and — in the two PDF
extractions (q2, court) only — whole page-footer lines ("第 N 页 共 M 页"), which fall inside a paragraph wherever a
page break does. Where the tail is not in the cited lines but is printed further down the document, the span is
short: that must never happen. Where it is printed nowhere as the source spells it (an HTML entity, a cell
reordered), the text cannot be checked this way; there are none today. The whole text of a part, of an article's
passage and of a part's passage, piece by piece (its paragraphs, a row's cells), lies inside its cited lines too.
"""

from __future__ import annotations

import re
from functools import cache

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session, selectinload

from kuaiban.config import COMPILATIONS
from kuaiban.corpus.compilations import compilation_for, read_lines
from kuaiban.corpus.layouts._wrapped import is_footer
from kuaiban.corpus.model import Paragraph
from kuaiban.corpus.units import extract_units
from kuaiban.library.models import Document, Passage, UnitRow

TAIL = 10  # characters of the end of a text looked for in its cited lines
UNCHECKABLE = 0  # texts whose tail the source does not spell as stored (none today: see the docstring)

_DROPPED = re.compile(r"[\s*#\\]")
_AUTOLINK = re.compile(r"<(https?://[^<>\s]*)>")  # <http://…>: the address stays, its brackets go
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")  # not <普惠金融发展专项资金管理办法>, a title the text keeps
_AND = re.compile(r"(?<=[\u4e00-\u9fff])\s*and\s*(?=[\u4e00-\u9fff])")
_FOOTERS = ("q2", "court")  # the layouts that drop page-footer lines (kuaiban.corpus.layouts._wrapped)
_ANDS = ("hunan",)  # the layouts that read "and" between Chinese characters as 和


def _plain(text: str) -> str:
    return _DROPPED.sub("", text)


@cache
def _lines(file: str) -> tuple[str, ...]:
    """The file's lines as compared (see the module's docstring)."""
    layout = compilation_for(COMPILATIONS / file).layout
    out = []
    for raw in read_lines(COMPILATIONS / file):
        if layout in _FOOTERS and is_footer(raw):
            out.append("")
            continue
        line = _TAG.sub("", _AUTOLINK.sub(r"\1", raw))
        out.append(_plain(_AND.sub("和", line) if layout in _ANDS else line))
    return tuple(out)


def _span(file: str, start: int, end: int) -> str:
    return "".join(_lines(file)[start - 1:end])


def spans_report(url: str) -> dict:
    """Over the library at ``url``: {"checked": how many texts, "short": [(what and its cited lines, its tail, the
    line its tail ends on), …], "uncheckable": [(what, tail), …], "outside": [(what, a piece of its text not in its
    lines), …]}. "outside" checks the whole text, piece by piece (its paragraphs, a table row's cells), of the parts
    and of the passages of articles and parts; a run of other text can hold pieces its layout rewrote (a law's 目录
    folded into "目录：第一章 …", a form's cells rebuilt from HTML) and is checked on its tail only."""
    out: dict = {"checked": 0, "short": [], "uncheckable": [], "outside": []}
    with Session(create_engine(url)) as session:
        docs = session.scalars(select(Document).options(selectinload(Document.sources),
                                                         selectinload(Document.units))).all()
        passages: dict[int, list[Passage]] = {}
        for p in session.scalars(select(Passage)):
            passages.setdefault(p.document_id, []).append(p)
        for doc in docs:
            rows: list[tuple[str, str, int, int, bool]] = [
                (f"unit {u.attachment or ''}{u.label}", u.text, u.line, u.end_line, True) for u in doc.units
            ]
            for p in passages.get(doc.id, []):
                what = f"第{p.article}条" if p.article is not None else p.unit or f"text@{p.start_line}"
                whole = p.article is not None or bool(p.unit and not p.anchor.startswith("p"))
                rows.append((f"passage {p.attachment or ''}{what}", p.text, p.start_line, p.end_line, whole))
            for what, text, start, end, whole in rows:
                source = next((s for s in doc.sources if s.start_line <= start <= s.end_line), doc.sources[0])
                tail = _plain(text)[-TAIL:]
                if not tail:
                    continue
                out["checked"] += 1
                cited = _span(source.file, start, end)
                where = f"{doc.doc_no or doc.title} {what} {source.file}:{start}–{end}"
                if whole:
                    pieces = [_plain(cell) for piece in text.split("\n") for cell in piece.split("\t")]
                    out["outside"].extend((where, piece) for piece in pieces if piece not in cited)
                if tail in cited:
                    continue
                if tail in _span(source.file, start, source.end_line):
                    at = next(n for n in range(end + 1, source.end_line + 1)
                              if tail in _span(source.file, start, n))
                    out["short"].append((where, tail, at))
                else:
                    out["uncheckable"].append((where, tail))
    return out


def test_every_cited_part_and_passage_holds_the_end_of_its_text(library_db_url):
    report = spans_report(library_db_url)
    assert report["checked"] > 15000
    assert report["short"] == [], f"{len(report['short'])} short spans, e.g. {report['short'][:5]}"
    assert len(report["uncheckable"]) <= UNCHECKABLE, report["uncheckable"]
    assert report["outside"] == [], report["outside"][:10]


def test_a_part_and_its_passage_cite_the_same_lines(library_db_url):
    """The search cites a hit on a part by its passage's lines: they are the part's own."""
    with Session(create_engine(library_db_url)) as session:
        units = {(u.document_id, u.attachment, u.label): (u.line, u.end_line) for u in session.scalars(select(UnitRow))}
        differ = [(p.document_id, p.attachment, p.unit, (p.start_line, p.end_line),
                   units.get((p.document_id, p.attachment, p.unit)))
                  for p in session.scalars(select(Passage).where(Passage.unit.is_not(None)))
                  if not p.anchor.startswith("p")
                  and units.get((p.document_id, p.attachment, p.unit)) != (p.start_line, p.end_line)]
    assert differ == []


def test_the_reported_part_now_runs_to_its_last_line(library_db_url):
    """人社部发〔2020〕30号's 一、总体要求 as printed in the second-quarter compilation, lines 379–387."""
    with Session(create_engine(library_db_url)) as session:
        doc = session.scalars(select(Document).where(Document.title.contains("企业稳岗扩岗专项支持计划的通知"),
                                                     Document.region == "国家")).first()
        unit = next(u for u in session.scalars(select(UnitRow).where(UnitRow.document_id == doc.id))
                    if u.label == "一" and u.attachment is None)
        source = next(s for s in doc.sources if s.start_line <= unit.line <= s.end_line)
        assert source.file == "national-and-provinces-2020-q2.txt"
        assert (unit.line, unit.end_line) == (379, 387)
        assert _plain(unit.text) in _span(source.file, unit.line, unit.end_line)


def test_a_part_of_one_wrapped_paragraph_ends_where_the_paragraph_ends():
    paragraphs = [Paragraph("一、总体要求。各地要抓好落实，", 10, end_line=12), Paragraph("加强督导检查。", 14, end_line=16),
                  Paragraph("二、工作措施", 18)]
    units = extract_units(paragraphs)
    assert [(u.label, u.line, u.end_line) for u in units] == [("一", 10, 16), ("二", 18, 18)]


def test_an_article_run_into_the_line_of_the_one_before_ends_on_that_line(library_db_url):
    """法释〔2020〕3号 prints "…进行审查。第十一条 诉讼参与人…" on one line (court-national-provinces-2020.txt:566): 第十条
    runs from line 556 to that line, not to the first line of its last paragraph (564) nor past it; 第十一条 starts on
    that line, not on the first line of the paragraph it was cut from (564)."""
    with Session(create_engine(library_db_url)) as session:
        doc = session.scalars(select(Document).where(Document.doc_no == "法释〔2020〕3号")).one()
        spans = {p.article: (p.start_line, p.end_line) for p in session.scalars(
            select(Passage).where(Passage.document_id == doc.id, Passage.article.in_([10, 11])))}
    assert spans[10] == (556, 566)
    assert spans[11] == (566, 580)  # its last paragraph: 578–580
