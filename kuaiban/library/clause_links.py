"""The one resolver from a cited clause (kuaiban/platform/citations.py, data/clauses) to the 法规库.

Every pillar cites clauses by registry key; the pages turn a clause into a link with `resolve`.

A clause names its document by 文号 (or by title when it has none), an article or item (第四条,
二、（一）…) and a verbatim quote. The link goes to /library/doc/<id>#art-<N> when the quote lies in
an article 第N条, else to the numbered part holding it (#s2-1 for 二（一）; #c3-2 for 第三章第二节 of a
text divided so without articles), else to the paragraph
holding the quote (#l<line>) or the attachment (#att-<i>: explainers
such as 解读 are kept as attachments), else to the document; when the
library does not hold the document the page shows the quote and its compilation file instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import cn2an
from sqlalchemy import select
from sqlalchemy.orm import Session

from kuaiban.corpus import docno
from kuaiban.library import queries
from kuaiban.library.models import Document
from kuaiban.platform.citations import ELISION, Clause

_ARTICLE = re.compile(r"^第([零〇一二两三四五六七八九十百\d]+)条")
_SPACE = re.compile(r"\s+")
PROBE = 24  # characters of the quote looked for: quotes of hard-wrapped texts can span paragraphs


@dataclass(frozen=True)
class ClauseLink:
    key: str
    doc_no: str
    article: str
    quote: str
    file: str
    url: str | None  # None: the library does not hold the document
    document_title: str | None
    where: str  # "article", "part", "paragraph", "attachment", "document" or "" (not held)

    @property
    def label(self) -> str:
        return f"{self.doc_no} {self.article}".strip()


def _squash(text: str) -> str:
    return _SPACE.sub("", text)


def _find(session: Session, source: Clause) -> Document | None:
    # a note in brackets follows some names: 京人社发[2020]8号（解读）, …说明（上海，无文号）
    plain = re.sub(r"（[^（）]*）$", "", source.doc_no).strip("《》 ")
    for ref in dict.fromkeys((source.doc_no, plain)):
        try:
            found = queries.find_documents(session, ref)
        except queries.NotFound:
            continue
        # one 文号 on two documents (京人社发[2020]8号): the one printed where the clause's lines are
        first = source.lines[0] if source.lines else None
        for doc in found:
            if any(s.file == source.file and first is not None and s.start_line <= first <= s.end_line
                   for s in doc.sources):
                return doc
        return found[0]
    title = plain  # sources without a 文号 carry the title
    if not title:
        return None
    return session.scalars(select(Document).where(Document.title.contains(title)).order_by(Document.id)).first()


def _article_number(article: str) -> int | None:
    m = _ARTICLE.match(article.strip())
    if not m:
        return None
    word = m.group(1)
    try:
        return int(word) if word.isdigit() else int(cn2an.cn2an(word, "smart"))
    except ValueError:
        return None


def resolve(session: Session, source: Clause) -> ClauseLink:
    """Where in the library `source`'s clause is."""
    doc = _find(session, source)
    base = {"key": source.key, "doc_no": source.doc_no, "article": source.article, "quote": source.quote,
            "file": source.file}
    if doc is None:
        return ClauseLink(**base, url=None, document_title=None, where="")
    url = f"/library/doc/{doc.id}"
    probe = _squash(source.quote.split(ELISION)[0])[:PROBE]
    number = _article_number(source.article)
    main_articles = [a for a in doc.articles if a.attachment is None]
    # the article holding the quote: the main text's first, then an attachment's (a 办法 the notice prints)
    for a in [*main_articles, *(a for a in doc.articles if a.attachment is not None)]:
        if probe and probe in _squash(a.text):
            anchor = f"art-{a.number}" + (f"-{a.attachment}" if a.attachment else "")  # as the page names it
            return ClauseLink(**base, url=f"{url}#{anchor}", document_title=doc.title, where="article")
    if number is not None and any(a.number == number for a in main_articles):
        return ClauseLink(**base, url=f"{url}#art-{number}", document_title=doc.title, where="article")
    # numbered parts and divisions (第三章第二节, #c3-2), innermost last
    parts = [u for u in doc.units if u.anchor.startswith(("s", "f", "c", "v"))]
    holding_parts = [u for u in parts if probe and probe in _squash(u.text)]
    if holding_parts:
        return ClauseLink(**base, url=f"{url}#{holding_parts[-1].anchor}", document_title=doc.title, where="part")
    # the paragraph holding the clause's own line, when the library's copy comes from that compilation there
    first = source.lines[0]
    paragraphs = doc.stored_paragraphs()
    if any(src.file == source.file and src.start_line <= first <= src.end_line for src in doc.sources):
        # the paragraph whose lines hold it, else the last one starting above it (old rows know no last line)
        holding = next((p for p in paragraphs if p.line <= first <= p.end_line), None) or max(
            (p for p in paragraphs if p.line <= first), key=lambda p: p.line, default=None)
        if holding is not None and probe and probe in _squash(holding.text):
            return ClauseLink(**base, url=f"{url}#l{holding.line}", document_title=doc.title, where="paragraph")
    for p in paragraphs:
        if probe and probe in _squash(p.text):
            return ClauseLink(**base, url=f"{url}#l{p.line}", document_title=doc.title, where="paragraph")
    for i, att in enumerate(doc.attachments, start=1):  # explainers (解读) are kept as attachments
        if probe and att.text and probe in _squash(att.text):
            return ClauseLink(**base, url=f"{url}#att-{i}", document_title=doc.title, where="attachment")
    return ClauseLink(**base, url=url, document_title=doc.title, where="document")


def document_ids(session: Session, doc_nos: set[str]) -> dict[str, int]:
    """The library document id of each 文号 the library holds (others are left out, not guessed)."""
    keys = {ref: docno.normalize(ref) for ref in doc_nos}
    wanted = {k for k in keys.values() if k}
    if not wanted:
        return {}
    found: dict[str, int] = {}
    for doc_no, doc_id in session.execute(select(Document.doc_no, Document.id).where(Document.doc_no.in_(wanted))
                                          .order_by(Document.id)):
        found.setdefault(doc_no, doc_id)
    return {ref: found[k] for ref, k in keys.items() if k in found}
