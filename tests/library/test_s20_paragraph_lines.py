"""Stored paragraphs keep their last line (session 20): a wrapped paragraph is cited by all the lines it is printed on.

Since session 18 parts and articles end on their last paragraph's last line; ``Document.paragraphs`` kept
[text, line, heading] only, so the document page and `kuaiban show` could name a paragraph by its first line alone.
The ingest now stores [text, line, heading, end_line]; rows stored before (three items) are still read, as ending on
their first line (``Document.stored_paragraphs``). No migration: the column is JSON.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kuaiban.db import connect
from kuaiban.library import clause_links, queries
from kuaiban.library.ingest import ingest
from kuaiban.library.models import Document, DocumentSource, StoredParagraph
from kuaiban.platform.citations import Clause

COMPILATIONS = Path(__file__).resolve().parents[2] / "data" / "compilations"
ROOT = Path(__file__).resolve().parents[2]


def _doc(paragraphs: list[list]) -> Document:
    return Document(id=1, title="示例通知", doc_no=None, paragraphs=paragraphs, articles=[], units=[], attachments=[],
                    sources=[DocumentSource(file="hunan-hrss-2020.txt", start_line=10, end_line=90)])


def test_old_and_new_rows_are_read_alike():
    doc = _doc([["一、总体要求", 11, True], ["各地要抓紧落实，", 12, False, 14], ["特此通知。", 16, False, 16],
                ["旧行", 18, False, None]])
    assert doc.stored_paragraphs() == [StoredParagraph("一、总体要求", 11, True, 11),
                                       StoredParagraph("各地要抓紧落实，", 12, False, 14),
                                       StoredParagraph("特此通知。", 16, False, 16), StoredParagraph("旧行", 18, False, 18)]
    shown = queries.paragraph_dicts(doc)
    assert [p["source"] for p in shown] == ["湖南汇编 第 11 行", "湖南汇编 第 12–14 行", "湖南汇编 第 16 行",
                                            "湖南汇编 第 18 行"]
    assert shown[1] == {"text": "各地要抓紧落实，", "line": 12, "end_line": 14, "heading": False,
                        "source": "湖南汇编 第 12–14 行"}


@pytest.fixture(scope="module")
def court_db(tmp_path_factory) -> str:
    d = tmp_path_factory.mktemp("court")
    (d / "compilations").mkdir()
    (d / "compilations" / "court-national-provinces-2020.txt").write_bytes(
        (COMPILATIONS / "court-national-provinces-2020.txt").read_bytes())
    url = f"sqlite:///{d / 'kuaiban.db'}"
    ingest(connect(url), d / "compilations")
    return url


def test_the_ingest_stores_each_paragraphs_last_line(court_db):
    lines = (COMPILATIONS / "court-national-provinces-2020.txt").read_text(encoding="utf-8").split("\n")
    with Session(connect(court_db)) as session:
        docs = session.scalars(select(Document)).all()
        rows = [row for d in docs for row in d.paragraphs]
        assert rows and all(len(row) == 4 and row[3] >= row[1] for row in rows)
        spread = [(d, p) for d in docs for p in d.stored_paragraphs() if p.end_line > p.line]
        assert len(spread) > len(rows) // 4  # the PDF extraction wraps most paragraphs over several lines
        for d, p in spread[::40]:
            cited = re.sub(r"\s+", "", "".join(lines[p.line - 1:p.end_line]))
            assert re.sub(r"\s+", "", p.text)[-6:] in cited, (d.title, p.line)  # its text ends inside its lines
            assert re.sub(r"\s+", "", p.text)[-6:] not in re.sub(r"\s+", "", lines[p.line - 1]) or p.end_line == p.line


def _kuaiban(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kuaiban", *args], capture_output=True, text=True, cwd=ROOT,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin", "HOME": "/tmp"}, timeout=120)


def test_show_cites_a_paragraph_by_its_lines(court_db):
    with Session(connect(court_db)) as session:
        doc = next(d for d in session.scalars(select(Document).order_by(Document.id))
                   if any(p.end_line > p.line and not p.heading for p in d.stored_paragraphs()))
        p = next(p for p in doc.stored_paragraphs() if p.end_line > p.line and not p.heading)
        doc_id = doc.id
    out = _kuaiban("show", str(doc_id), "--json", "--db", court_db)
    assert out.returncode == 0, out.stderr
    [shown] = [q for q in json.loads(out.stdout)["paragraphs"] if q["line"] == p.line]
    assert shown["end_line"] == p.end_line and shown["source"] == f"法院及各省汇编 第 {p.line}–{p.end_line} 行"
    out = _kuaiban("show", str(doc_id), "--db", court_db)
    assert out.returncode == 0, out.stderr
    assert f"{p.text}（{shown['source']}）" in out.stdout
    assert ".txt" not in out.stdout


def test_a_clause_quoted_from_a_paragraphs_later_line_links_to_that_paragraph(court_db):
    """The resolver finds the paragraph whose lines hold the clause's line (kuaiban/library/clause_links.py)."""
    squash = clause_links._squash
    with Session(connect(court_db)) as session:
        for doc in session.scalars(select(Document).where(Document.doc_no.is_not(None)).order_by(Document.id)):
            held = [squash(t.text) for t in [*doc.articles, *doc.units]]
            for p in doc.stored_paragraphs():
                quote = p.text[-30:]
                if p.end_line - p.line >= 2 and not p.heading and not any(squash(quote)[:24] in t for t in held):
                    break
            else:
                continue
            break
        clause = Clause(key="示例", doc_no=doc.doc_no, article="", file="court-national-provinces-2020.txt",
                        lines=(p.end_line, p.end_line), quote=quote)
        link = clause_links.resolve(session, clause)
    assert (link.url, link.where) == (f"/library/doc/{doc.id}#l{p.line}", "paragraph")
