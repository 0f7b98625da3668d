"""Reading the library: look-ups and the JSON shapes the CLI and the API share."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from kuaiban.corpus import docno
from kuaiban.library.models import ArticleRow, Document, Link, ValidityListing


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
    return [{"file": s.file, "start_line": s.start_line, "end_line": s.end_line} for s in doc.sources]


def citation(doc: Document, article: ArticleRow | None = None) -> str:
    """Human citation: 《标题》（文号）第N条，汇编文件 第a–b行."""
    src = doc.sources[0] if doc.sources else None
    parts = [f"《{doc.title}》"]
    if doc.doc_no:
        parts.append(f"（{doc.doc_no}）")
    if article is not None:
        where = f"{article.attachment}" if article.attachment else ""
        parts.append(f"{where}第{article.number}条")
        if src:
            parts.append(f"，{src.file} 第{article.line}行")
    elif src:
        parts.append(f"，{src.file} 第{src.start_line}–{src.end_line}行")
    return "".join(parts)


def summary(doc: Document, article_count: int | None = None) -> dict:
    """The `kuaiban docs --json` shape."""
    return {
        "id": doc.id,
        "doc_no": doc.doc_no,
        "title": doc.title,
        "issuers": list(doc.issuers or []),
        "date": doc.date.isoformat() if doc.date else None,
        "region": doc.region,
        "category": doc.category,
        "status": doc.status,
        "sources": sources_of(doc),
        "articles": article_count if article_count is not None else len(doc.articles),
    }


def list_documents(session: Session) -> list[dict]:
    counts = dict(
        session.execute(select(ArticleRow.document_id, func.count()).group_by(ArticleRow.document_id)).all()
    )
    docs = session.scalars(select(Document).options(selectinload(Document.sources)).order_by(Document.id))
    return [summary(d, counts.get(d.id, 0)) for d in docs]


def article_dict(doc: Document, a: ArticleRow) -> dict:
    return {
        "number": a.number,
        "chapter": a.chapter,
        "attachment": a.attachment,
        "text": a.text,
        "line": a.line,
        "citation": citation(doc, a),
    }


def detail(session: Session, doc: Document) -> dict:
    """Everything about one document, for `kuaiban show --json` and the API."""
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
    out = summary(doc)
    out.update(
        {
            "effective_date": doc.effective_date.isoformat() if doc.effective_date else None,
            "expiry_date": doc.expiry_date.isoformat() if doc.expiry_date else None,
            "status_basis": doc.status_basis,
            "citation": citation(doc),
            "paragraphs": [{"text": t, "line": line, "heading": h} for t, line, h in doc.paragraphs],
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
        }
    )
    return out
