"""法规库 pages: search with filters, and a document page with its articles and sources."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import Session

from kuaiban.api.deps import get_session
from kuaiban.library import queries
from kuaiban.library.models import Document
from kuaiban.library.search import get_index

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(include_in_schema=False)


def highlight(snippet: str) -> Markup:
    """A search snippet as HTML: the search escapes the text itself and adds only <mark> tags."""
    return Markup(re.sub(r"<(?!/?mark>)", "&lt;", snippet))


templates.env.filters["highlight"] = highlight


def _choices(session: Session, column) -> list[str]:
    return sorted(v for v in session.scalars(select(column).distinct()) if v)


@router.get("/", response_class=HTMLResponse)
def home(
    request: Request,
    session: Annotated[Session, Depends(get_session)],
    q: str = "",
    region: str = "",
    category: str = "",
    status: str = "",
    year: str = "",
) -> HTMLResponse:
    hits = []
    error = None
    year_value = None
    if year.strip():
        if year.strip().isdigit():
            year_value = int(year)
        else:
            error = "年份应为四位数字，如 2020"
    if q.strip() and error is None:
        hits = get_index(request.app.state.engine).search(
            q, limit=20, region=region or None, category=category or None, status=status or None,
            year=year_value,
        )
    return templates.TemplateResponse(
        request,
        "library.html",
        {
            "q": q, "region": region, "category": category, "status": status, "year": year,
            "hits": hits, "error": error, "searched": bool(q.strip()),
            "regions": _choices(session, Document.region),
            "categories": _choices(session, Document.category),
            "statuses": ["现行有效", "已废止", "未知"],
        },
    )


@router.get("/documents/{ref}", response_class=HTMLResponse)
def document_page(request: Request, ref: str, session: Annotated[Session, Depends(get_session)]):
    try:
        doc = queries.find_document(session, ref)
    except queries.NotFound as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from None
    return templates.TemplateResponse(request, "document.html", {"d": queries.detail(session, doc)})
