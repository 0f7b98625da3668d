"""法规库 JSON API: documents, articles, search."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel
from sqlalchemy.orm import Session

from kuaiban.deps import get_session
from kuaiban.library import queries
from kuaiban.library.search import get_index

router = APIRouter(prefix="/api", tags=["法规库"])


class Source(BaseModel):
    file: str
    start_line: int
    end_line: int


class DocumentSummary(BaseModel):
    id: int
    doc_no: str | None
    title: str
    issuers: list[str]
    date: str | None
    region: str | None
    category: str | None
    status: str
    sources: list[Source]
    articles: int


class SearchHit(BaseModel):
    document_id: int
    doc_no: str | None
    title: str
    article: int | None
    attachment: str | None
    snippet: str
    score: float
    source: Source
    region: str | None
    date: str | None
    status: str
    category: str | None


def _lookup(session: Session, ref: str):
    try:
        return queries.find_document(session, ref)
    except queries.NotFound as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from None


@router.get("/documents", response_model=list[DocumentSummary], summary="全部文件")
def documents(
    session: Annotated[Session, Depends(get_session, scope="function")],
    region: str | None = None,
    category: str | None = None,
    status: str | None = None,
) -> list[dict]:
    rows = queries.list_documents(session)
    return [
        r for r in rows
        if (region is None or r["region"] == region)
        and (category is None or r["category"] == category)
        and (status is None or r["status"] == status)
    ]


@router.get("/documents/{ref}", summary="一份文件（编号或文号）")
def document(ref: str, session: Annotated[Session, Depends(get_session, scope="function")]) -> dict:
    return queries.detail(session, _lookup(session, ref))


@router.get("/documents/{ref}/articles/{number}", summary="一条条款及其出处")
def article(ref: str, number: int, session: Annotated[Session, Depends(get_session, scope="function")],
            attachment: str | None = None) -> dict:
    doc = _lookup(session, ref)
    try:
        a = queries.find_article(doc, number, attachment)
    except queries.NotFound as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from None
    return {"id": doc.id, "doc_no": doc.doc_no, "title": doc.title, "article": queries.article_dict(doc, a)}


@router.get("/search", response_model=list[SearchHit], summary="全文检索")
def search(
    request: Request,
    q: Annotated[str, Query(min_length=1, description="检索词或文号")],
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    region: str | None = None,
    year: int | None = None,
    issuer: str | None = None,
    category: str | None = None,
    status: str | None = None,
) -> list[dict]:
    index = get_index(request.app.state.engine)
    hits = index.search(q, limit=limit, region=region, year=year, issuer=issuer, category=category,
                        status=status)
    return [h.__dict__ for h in hits]
