"""The site's front page and the 法规库 pages: search with filters, and one page per document.

A document's URL is /library/doc/<id>; each article has the anchor #art-<N> (#art-<N>-<附件> inside an
attachment) and each paragraph #l<line> (its line in the compilation), so citations link to the clause.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kuaiban.deps import get_session
from kuaiban.library import queries
from kuaiban.library.models import Document
from kuaiban.library.search import get_index
from kuaiban.services import guide
from kuaiban.web.templating import STATIC, render, templates

__all__ = ["STATIC", "router", "templates"]

router = APIRouter(include_in_schema=False)
STATUSES = ["现行有效", "已废止", "未知"]
RESULTS = 20
BROWSE_LIMIT = 50


def _choices(session: Session, column) -> list[str]:
    return sorted(v for v in session.scalars(select(column).distinct()) if v)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, q: str = ""):
    if q.strip():  # the old front-page search form
        return RedirectResponse(f"/library?{request.url.query}", status_code=307)
    return render(request, "home.html")


def _browse(session: Session, region: str, category: str, status: str, issuer: str, year: int | None) -> list[dict]:
    """Documents passing the filters when no query is typed, newest first."""
    rows = [
        r for r in queries.list_documents(session)
        if (not region or r["region"] == region)
        and (not category or (r["category"] or "").find(category) >= 0)
        and (not status or r["status"] == status)
        and (not issuer or any(issuer in i for i in r["issuers"]))
        and (year is None or (r["date"] or "").startswith(str(year)))
    ]
    rows.sort(key=lambda r: r["date"] or "", reverse=True)
    return rows


@router.get("/library", response_class=HTMLResponse)
def library(
    request: Request,
    session: Annotated[Session, Depends(get_session, scope="function")],
    q: str = "",
    region: str = "",
    category: str = "",
    issuer: str = "",
    status: str = "",
    year: str = "",
):
    errors: dict[str, str] = {}
    year_value = None
    if year.strip():
        if year.strip().isdigit() and len(year.strip()) == 4:
            year_value = int(year)
        else:
            errors["year"] = "年份应为四位数字，如 2020"
    if status and status not in STATUSES:
        errors["status"] = f"效力应为：{'、'.join(STATUSES)}"
    filtered = any(v.strip() for v in (region, category, issuer, status, year))
    hits, documents, total = [], [], 0
    if not errors and q.strip():
        hits = get_index(request.app.state.engine).search(
            q, limit=RESULTS, region=region or None, category=category or None, status=status or None,
            issuer=issuer.strip() or None, year=year_value,
        )
    elif not errors and filtered:
        documents = _browse(session, region, category, status, issuer.strip(), year_value)
        total = len(documents)
        documents = documents[:BROWSE_LIMIT]
    return render(request, "library.html", {
        "q": q, "region": region, "category": category, "issuer": issuer, "status": status, "year": year,
        "hits": hits, "guides": guide.search(q) if q.strip() else [], "documents": documents, "total": total, "errors": errors,
        "searched": bool(q.strip()) and not errors, "browsed": filtered and not q.strip() and not errors,
        "regions": _choices(session, Document.region), "categories": _choices(session, Document.category),
        "statuses": STATUSES, "doc_count": session.scalar(select(func.count(Document.id))),
    }, status=422 if errors else 200)


def _article_anchor(article: dict) -> str:
    return f"art-{article['number']}" + (f"-{article['attachment']}" if article["attachment"] else "")


templates.env.globals["article_anchor"] = _article_anchor


@router.get("/library/doc/{ref}", response_class=HTMLResponse)
def document_page(request: Request, ref: str, session: Annotated[Session, Depends(get_session, scope="function")]):
    try:
        doc = queries.find_document(session, ref)
    except queries.NotFound as exc:
        return render(request, "not_found.html", {"message": str(exc)}, status=404)
    if str(doc.id) != ref:  # a 文号 in the URL: send to the stable, citable id URL
        return RedirectResponse(f"/library/doc/{doc.id}", status_code=301)
    return render(request, "document.html", {"d": queries.detail(session, doc)})


@router.get("/documents/{ref}")
def old_document_url(ref: str):
    """The first version's URL, kept working."""
    if not ref.strip():
        raise HTTPException(status_code=404)
    return RedirectResponse(f"/library/doc/{ref}", status_code=301)

