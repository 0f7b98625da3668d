"""Session 18: a 第X条 is cited by every line it is printed on, as a numbered part is (migration 0027,
articles.end_line): "《个人信息保护法》第3条，重庆汇编 第 866–874 行", not its first line alone."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kuaiban.library import queries
from kuaiban.library.models import ArticleRow, Document, DocumentSource

COMPILATIONS = Path(__file__).resolve().parents[2] / "data" / "compilations"


def test_an_article_stored_before_0027_is_cited_by_its_first_line() -> None:
    doc = Document(title="示例条例", doc_no=None, sources=[DocumentSource(file="hunan-hrss-2020.txt", start_line=10,
                                                                             end_line=90)])
    old = ArticleRow(number=3, attachment=None, text="第三条 示例。", line=20, end_line=None)
    new = ArticleRow(number=3, attachment=None, text="第三条 示例。", line=20, end_line=24)
    assert queries.citation(doc, old).endswith("第3条，湖南汇编 第 20 行")
    assert queries.citation(doc, new).endswith("第3条，湖南汇编 第 20–24 行")
    assert queries.article_dict(doc, old)["end_line"] == 20


@pytest.mark.slow
def test_every_article_of_the_library_is_cited_to_its_last_line(library_db_url) -> None:
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from kuaiban.db import connect

    with Session(connect(library_db_url)) as session:
        rows = session.scalars(select(ArticleRow)).all()
        assert rows and all(a.end_line is not None and a.end_line >= a.line for a in rows)
        spread = [a for a in rows if a.end_line > a.line]
        assert len(spread) > len(rows) // 3  # a third and more of the articles run over several lines
        for a in spread[::50]:
            doc = a.document
            lines = (COMPILATIONS / doc.sources[0].file).read_text(encoding="utf-8").split("\n")
            cited = re.sub(r"\s+", "", "".join(lines[a.line - 1:a.end_line]))
            tail = re.sub(r"\s+", "", a.text)[-8:]
            assert tail in cited or re.sub(r"[#*`]", "", tail) in cited, (doc.title, a.number)
            assert f"第 {a.line}–{a.end_line} 行" in queries.citation(doc, a)
