"""The document page cites each paragraph of its full text by the lines it is printed on (session 20): a wrapped
paragraph by its range ("湖南汇编 第 5754–5756 行"), as its numbered parts and articles are; no file name."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from kuaiban.corpus.compilations import source_name
from kuaiban.db import connect, session_scope
from kuaiban.library.models import Document


def test_a_wrapped_paragraph_is_cited_by_its_first_and_last_line(app_client, live_db_url):
    with session_scope(connect(live_db_url)) as s:
        doc = s.scalars(select(Document).where(Document.doc_no == "湘人社规〔2020〕10号")).one()
        spread = [p for p in doc.stored_paragraphs() if p.end_line > p.line and not p.heading]
        single = [p for p in doc.stored_paragraphs() if p.end_line == p.line and not p.heading]
        doc_id, name = doc.id, source_name(doc.sources[0].file)
    assert spread and single and name == "湖南汇编"
    page = app_client.get(f"/library/doc/{doc_id}").text
    full = page.split('id="body-h"')[1].split("</section>")[0]
    p = spread[0]
    shown = re.search(rf'<p id="l{p.line}">(.*?)</p>', full, re.S)
    assert shown and html.unescape(shown[1]).endswith(f'<span class="source">（湖南汇编 第 {p.line}–{p.end_line} 行）</span>')
    q = single[0]
    assert f'<span class="source">（湖南汇编 第 {q.line} 行）</span>' in re.search(rf'<p id="l{q.line}">(.*?)</p>', full,
                                                                                 re.S)[1]
    assert ".txt" not in page
    # every paragraph of the full text that is no heading names its lines
    assert len(re.findall(r'<p id="l\d+">', full)) == len(re.findall(r'<span class="source">（湖南汇编 第 ', full))
