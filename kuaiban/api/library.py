"""法规库 JSON API: documents, articles, search."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from kuaiban.api.caller_first import SignedInFirst
from kuaiban.cross_refs import ACTING_SHOWN, acting
from kuaiban.deps import get_session
from kuaiban.library import queries
from kuaiban.library.search import get_index, status_filter

router = APIRouter(prefix="/api", tags=["法规库"], route_class=SignedInFirst)


class Source(BaseModel):
    file: str
    start_line: int
    end_line: int
    name: str  # the compilation's Chinese short name (湖南汇编)
    cite: str  # what a reader sees: "湖南汇编 第 5754–5790 行"


class StatusBasis(BaseModel):
    doc_no: str | None
    article: str | None
    quote: str | None
    line: int | None
    source: str | None
    note: str


class DocumentSummary(BaseModel):
    id: int
    doc_no: str | None
    title: str
    issuers: list[str]
    date: str | None
    region: str | None
    category: str | None
    status: str  # on the day asked (as_of, default today)
    valid_from: str | None
    valid_until: str | None
    status_basis: StatusBasis
    sources: list[Source]
    articles: int


class Acting(BaseModel):
    kind: str = Field(description="计算器、补贴申领、快办“一件事”或快办事项时限")
    title: str
    url: str = Field(description="本站页面地址")
    articles: list[str] = Field(description="它引用的本文件条款")


class SearchHit(BaseModel):
    document_id: int
    doc_no: str | None
    title: str
    article: int | None
    attachment: str | None
    unit: str | None
    anchor: str | None
    citation: str
    snippet: str
    score: float
    source: Source
    region: str | None
    date: str | None
    status: str
    category: str | None
    acting: list[Acting] = Field(default_factory=list,
                                 description="据此可办：实施本文件的计算器、补贴项目与快办服务（先列引用命中条款的）")


def _lookup(session: Session, ref: str):
    try:
        return queries.find_document(session, ref)
    except queries.NotFound as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from None


@router.get("/documents", response_model=list[DocumentSummary], summary="全部文件（效力按 as_of 日期，默认今天）")
def documents(
    session: Annotated[Session, Depends(get_session, scope="function")],
    region: str | None = None,
    category: str | None = None,
    status: str | None = None,
    as_of: dt.date | None = None,
) -> list[dict]:
    admitted = status_filter(status) if status else None
    rows = queries.list_documents(session, as_of)
    return [
        r for r in rows
        if (region is None or r["region"] == region)
        and (category is None or r["category"] == category)
        and (admitted is None or r["status"] in admitted)
    ]


@router.get("/documents/{ref}", summary="一份文件（编号或文号；效力按 as_of 日期，默认今天）")
def document(ref: str, session: Annotated[Session, Depends(get_session, scope="function")],
             as_of: dt.date | None = None) -> dict:
    return queries.detail(session, _lookup(session, ref), as_of)


@router.get("/documents/{ref}/articles/{number}", summary="一条条款及其出处")
def article(ref: str, number: int, session: Annotated[Session, Depends(get_session, scope="function")],
            attachment: str | None = None) -> dict:
    doc = _lookup(session, ref)
    try:
        a = queries.find_article(doc, number, attachment)
    except queries.NotFound as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from None
    return {"id": doc.id, "doc_no": doc.doc_no, "title": doc.title, "article": queries.article_dict(doc, a)}


@router.get("/search", response_model=list[SearchHit], summary="全文检索（按文件或按条款）",
            description="默认 by=document 按文件：每份文件列一次，引用其中最相关的条款。"
                        "by=clause 按条款：列出各文件中最相关的条款（第N条、一（二）、1. 等），同一文件可出现多次，"
                        "同一段文字只列一次；其顺序由词语匹配与学得的问句—条款模型共同决定，score 为融合后的排序分"
                        "（与按文件的 score 不可比）。两种方式的每条结果格式相同，均附“据此可办”。")
def search(
    request: Request,
    q: Annotated[str, Query(min_length=1, description="检索词或文号")],
    limit: Annotated[int, Query(ge=1, le=100)] = 10,
    region: str | None = None,
    year: int | None = None,
    issuer: str | None = None,
    category: str | None = None,
    status: str | None = None,
    as_of: dt.date | None = None,
    by: Annotated[Literal["document", "clause"], Query(
        description="document：按文件（默认，每份文件一条）；clause：按条款（同一文件可有多条）")] = "document",
) -> list[dict]:
    index = get_index(request.app.state.engine)
    hits = index.search(q, limit=limit, region=region, year=year, issuer=issuer, category=category,
                        status=status, as_of=as_of, per_document=by == "document")
    spans = {d.id: d.sources for d in index.docs}  # where each is printed: what acts on this document only
    return [h.__dict__ | {"acting": acting(h.doc_no, h.title, h.unit, h.article, spans.get(h.document_id))[:ACTING_SHOWN]}
            for h in hits]
