"""Reading the library: look-ups and the JSON shapes the CLI and the API share."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from kuaiban.corpus import docno, standing
from kuaiban.corpus.compilations import cite_line, source_name
from kuaiban.corpus.titles import in_book_marks
from kuaiban.library.models import ArticleRow, Document, Link, UnitRow, ValidityListing


class NotFound(LookupError):
    """A 文号, id or article the library does not hold (message in Chinese)."""


def find_document(session: Session, ref: str) -> Document:
    """A document by numeric id or by 文号 in any bracket style."""
    ref = ref.strip()
    if ref.isascii() and ref.isdigit():  # not '¹' or '١': str.isdigit takes them, int() does not
        doc = session.get(Document, int(ref))
        if doc:
            return doc
        raise NotFound(f"没有编号为 {ref} 的文件")
    key = docno.normalize(ref)
    if key is None:
        raise NotFound(f"无法识别的文号：{ref}（例：人社部发〔2020〕26号）")
    doc = session.scalars(select(Document).where(Document.doc_no == key).order_by(Document.id)).first()
    if doc is None:
        raise NotFound(f"法规库中没有文号为 {key} 的文件")
    return doc


def find_documents(session: Session, ref: str) -> list[Document]:
    """Every document a 文号 (or id) names, oldest id first. One 文号 can head two documents (004 prints
    京人社发[2020]8号 on the 失业保险金 notice and on the 失业补助金 notice): the library keeps both."""
    first = find_document(session, ref)
    if not first.doc_no or (ref.strip().isascii() and ref.strip().isdigit()):
        return [first]
    return list(session.scalars(select(Document).where(Document.doc_no == first.doc_no).order_by(Document.id)))


def same_doc_no(session: Session, doc: Document) -> list[dict]:
    """The other documents printed with ``doc``'s 文号 ({id, title}), usually none."""
    if not doc.doc_no:
        return []
    rows = session.execute(select(Document.id, Document.title)
                           .where(Document.doc_no == doc.doc_no, Document.id != doc.id).order_by(Document.id))
    return [{"id": i, "title": t} for i, t in rows]


def find_article(doc: Document, number: int, attachment: str | None = None) -> ArticleRow:
    """第N条 of the main text, or of an attachment when ``attachment`` names one
    (or when only attachments have such an article)."""
    candidates = [a for a in doc.articles if a.number == number]
    if attachment is not None:
        candidates = [a for a in candidates if a.attachment == attachment]
    if not candidates:
        raise NotFound(f"{doc.doc_no or doc.title} 没有第{number}条")
    main = [a for a in candidates if a.attachment is None]
    return (main or candidates)[0]


def sources_of(doc: Document) -> list[dict]:
    """Where the document is printed: ``name`` and ``cite`` are what a reader sees ("湖南汇编 第 5754–5790 行");
    ``file`` is for programs."""
    return [{"file": s.file, "start_line": s.start_line, "end_line": s.end_line, "name": source_name(s.file),
             "cite": cite_line(s.file, s.start_line, s.end_line)} for s in doc.sources]


def citation(doc: Document, article: ArticleRow | UnitRow | None = None) -> str:
    """Human citation: 《标题》（文号）第N条 (or 一（二）)，湖南汇编 第 a–b 行."""
    src = doc.sources[0] if doc.sources else None
    parts = [in_book_marks(doc.title)]
    if doc.doc_no:
        parts.append(f"（{doc.doc_no}）")
    if isinstance(article, UnitRow):
        parts.append(f"{article.attachment or ''}{article.label}")
        if src:
            parts.append(f"，{cite_line(src.file, article.line, article.end_line)}")
    elif article is not None:
        where = f"{article.attachment}" if article.attachment else ""
        parts.append(f"{where}第{article.number}条")
        if src:
            parts.append(f"，{cite_line(src.file, article.line, article.end_line)}")
    elif src:
        parts.append(f"，{cite_line(src.file, src.start_line, src.end_line)}")
    return "".join(parts)


def standing_on(doc: Document, day: dt.date | None = None) -> dict:
    """{status, valid_from, valid_until, status_basis} on ``day`` (default today), from the stored record."""
    return standing.status_on(doc.validity, day or dt.date.today())


def summary(doc: Document, article_count: int | None = None, day: dt.date | None = None) -> dict:
    """The `kuaiban docs --json` shape; ``status`` and its basis are on ``day`` (default today)."""
    out = {
        "id": doc.id,
        "doc_no": doc.doc_no,
        "title": doc.title,
        "issuers": list(doc.issuers or []),
        "date": doc.date.isoformat() if doc.date else None,
        "region": doc.region,
        "category": doc.category,
        "sources": sources_of(doc),
        "articles": article_count if article_count is not None else len(doc.articles),
    }
    out.update(standing_on(doc, day))
    return out


def list_documents(session: Session, day: dt.date | None = None) -> list[dict]:
    """Every document with its status on ``day`` (default today)."""
    counts = dict(
        session.execute(select(ArticleRow.document_id, func.count()).group_by(ArticleRow.document_id)).all()
    )
    docs = session.scalars(select(Document).options(selectinload(Document.sources)).order_by(Document.id))
    return [summary(d, counts.get(d.id, 0), day) for d in docs]


def unit_dict(doc: Document, u: UnitRow) -> dict:
    return {"label": u.label, "anchor": u.anchor, "level": u.level, "attachment": u.attachment, "text": u.text,
            "line": u.line, "end_line": u.end_line, "citation": citation(doc, u)}


def paragraph_dicts(doc: Document) -> list[dict]:
    """The stored paragraphs with their first and last source lines and where they are printed, as a reader
    cites them ("湖南汇编 第 5754–5756 行" for a paragraph wrapped over three lines; ``source`` is None when the
    document has no source)."""
    src = doc.sources[0] if doc.sources else None
    return [{"text": p.text, "line": p.line, "end_line": p.end_line, "heading": p.heading,
             "source": cite_line(src.file, p.line, p.end_line) if src else None}
            for p in doc.stored_paragraphs()]


def measures_of(doc: Document, day: dt.date | None = None) -> list[dict]:
    """The document's time-limited measures with their end dates and whether they have ended on ``day``."""
    day = day or dt.date.today()
    out = []
    for m in (doc.validity or {}).get("measures", []):
        if m.get("since") and dt.date.fromisoformat(m["since"]) > day:
            continue  # carried on by a later document not yet issued on that day
        c = m["clause"]
        # a measure a later document carries on is cited in that document's words, under its 文号
        by = (c["doc_no"] or c["title"]) if (c["doc_no"], c["title"]) != (doc.doc_no, doc.title) else None
        out.append({"until": m["until"], "ended": dt.date.fromisoformat(m["until"]) < day,
                    "article": c["article"], "quote": c["quote"], "line": c["line"], "by": by,
                    "source": cite_line(c["file"], c["line"])})
    return out


def article_dict(doc: Document, a: ArticleRow) -> dict:
    return {
        "number": a.number,
        "chapter": a.chapter,
        "attachment": a.attachment,
        "text": a.text,
        "line": a.line,
        "end_line": a.end_line or a.line,
        "citation": citation(doc, a),
    }


def detail(session: Session, doc: Document, day: dt.date | None = None) -> dict:
    """Everything about one document, for `kuaiban show --json` and the API (status on ``day``)."""
    links = session.execute(
        select(Link, Document.title, Document.doc_no)
        .outerjoin(Document, Document.id == Link.to_id)
        .where(Link.from_id == doc.id)
        .order_by(Link.position)
    ).all()
    cited_by = session.execute(
        select(Document.id, Document.doc_no, Document.title)
        .join(Link, Link.from_id == Document.id)
        .where(Link.to_id == doc.id)
        .distinct()
        .order_by(Document.id)
    ).all()
    listings = session.scalars(select(ValidityListing).where(ValidityListing.document_id == doc.id)).all()
    out = summary(doc, day=day)
    out.update(
        {
            "as_of": (day or dt.date.today()).isoformat(),
            "measures": measures_of(doc, day),
            "units": [unit_dict(doc, u) for u in doc.units],
            "effective_date": doc.effective_date.isoformat() if doc.effective_date else None,
            "expiry_date": doc.expiry_date.isoformat() if doc.expiry_date else None,
            "citation": citation(doc),
            "paragraphs": paragraph_dicts(doc),
            "articles": [article_dict(doc, a) for a in doc.articles],
            "attachments": [
                {"label": a.label, "title": a.title, "kind": a.kind, "omitted": a.omitted, "text": a.text,
                 "line": a.line}
                for a in doc.attachments
            ],
            "tables": [{"line": t.line, "header": t.header, "rows": t.rows} for t in doc.tables],
            "cites": [
                {"doc_no": link.cited_doc_no or doc_no, "title": link.cited_title or title,
                 "document_id": link.to_id}
                for link, title, doc_no in links
            ],
            "cited_by": [{"document_id": i, "doc_no": n, "title": t} for i, n, t in cited_by],
            "listings": [{"basis": v.basis, "status": v.status, "title": v.title} for v in listings],
            "same_doc_no": same_doc_no(session, doc),
        }
    )
    return out
