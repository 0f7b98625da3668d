"""The site's front page and the 法规库 pages: search with filters, and one page per document.

A document's URL is /library/doc/<id>; each article has the anchor #art-<N> (#art-<N>-<附件> inside an
attachment) and each paragraph #l<line> (its first line in the compilation), so citations link to the clause;
the full text names each paragraph's lines (湖南汇编 第 N–M 行 when it is wrapped over several).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from kuaiban.corpus import standing
from kuaiban.cross_refs import ACTING_SHOWN, acting, claim_note, claim_routes, implementers, topic_actions
from kuaiban.db import session_scope
from kuaiban.deps import get_session
from kuaiban.library import queries
from kuaiban.library.models import Document
from kuaiban.library.search import get_index, named_years, status_filter
from kuaiban.platform import dates
from kuaiban.platform.models import Applicant
from kuaiban.services import guide
from kuaiban.web.calculators import link_for_region
from kuaiban.web.session import WELCOME_COOKIE, user_from_request
from kuaiban.web.templating import STATIC, render, templates

__all__ = ["STATIC", "router", "templates"]

router = APIRouter(include_in_schema=False)
# "有效" = every status under which a document still applies (现行有效, 部分失效, 已被修改)
STATUSES = ["有效", *standing.STATUSES]
RESULTS = 20  # hits or documents per page
MAX_PAGES = 25
# how search hits are listed: one per document (its best part), or the best clauses of any document (按条款,
# SearchIndex.search(..., per_document=False), the view the everyday questions' goal is measured on)
VIEWS = {"document": "按文件", "clause": "按条款"}


def _choices(session: Session, column) -> list[str]:
    return sorted(v for v in session.scalars(select(column).distinct()) if v)


@router.get("/favicon.ico")
def favicon() -> RedirectResponse:
    """The site's icon where a browser or a tool asks for it by default (the pages name /static/favicon.svg)."""
    return RedirectResponse("/static/favicon.svg", status_code=301)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, q: str = ""):
    if q.strip():  # the old front-page search form
        return RedirectResponse(f"/library?{request.url.query}", status_code=307)
    event = request.cookies.get(WELCOME_COOKIE)
    user = user_from_request(request)
    response = render(request, "home.html", {"welcome": WELCOME.get(event or ""),
                                             "enterprise": _is_enterprise(request, user)}, user=user)
    if event:
        response.delete_cookie(WELCOME_COOKIE, path="/")  # shown once
    return response


def _is_enterprise(request: Request, user) -> bool:
    """A 单位 account: its 我的办事 has no 我的失业登记 (失业登记 is the worker's own, under a personal account)."""
    if user is None or user.applicant_id is None:
        return False
    with session_scope(request.app.state.engine) as session:
        return session.scalar(select(Applicant.kind).where(Applicant.id == user.applicant_id)) == "enterprise"


# the confirmation after signing in or registering (login.py, signup.py: session.welcomed)
WELCOME = {"login": "登录成功。", "registered": "注册成功，已为您登录。"}


def _browse(session: Session, region: str, category: str, status: str, issuer: str, year: int | None,
            day: dt.date) -> list[dict]:
    """Documents passing the filters when no query is typed, newest first; status on ``day``."""
    admitted = status_filter(status) if status else None
    rows = [
        r for r in queries.list_documents(session, day)
        if (not region or r["region"] == region)
        and (not category or (r["category"] or "").find(category) >= 0)
        and (not admitted or r["status"] in admitted)
        and (not issuer or any(issuer in i for i in r["issuers"]))
        and (year is None or (r["date"] or "").startswith(str(year)))
    ]
    rows.sort(key=lambda r: r["date"] or "", reverse=True)
    return rows


def _day(value: str, errors: dict[str, str]) -> dt.date:
    if not value.strip():
        return dt.date.today()
    day = dates.read_date(value)  # 2026-12-2, 2026年12月2日 … as every date input is read
    if day is None:
        errors["as_of"] = "效力日期不是有效的日期，请按 2026-12-02 这样的格式填写"
        return dt.date.today()
    return day


def _page(value: str, errors: dict[str, str]) -> int:
    if not value.strip():
        return 1
    if value.strip().isdigit() and 1 <= int(value) <= MAX_PAGES:
        return int(value)
    errors["page"] = f"页码应为 1–{MAX_PAGES} 的整数"
    return 1


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
    as_of: str = "",
    page: str = "",
    by: str = "",
):
    errors: dict[str, str] = {}
    view = by.strip() or "document"
    if view not in VIEWS:
        errors["by"] = f"结果列出方式应为：{'、'.join(VIEWS.values())}"
        view = "document"
    year_value = None
    if year.strip():
        if year.strip().isdigit() and len(year.strip()) == 4:
            year_value = int(year)
        else:
            errors["year"] = "年份应为四位数字，如 2020"
    if status and status not in STATUSES:
        errors["status"] = f"效力应为：{'、'.join(STATUSES)}"
    day = _day(as_of, errors)
    number = _page(page, errors)
    filtered = any(v.strip() for v in (region, category, issuer, status, year))
    hits, documents, total, more = [], [], 0, False
    reading = None  # a question typed in pinyin, as the words it was read as
    spans: dict[int, list] = {}
    start = (number - 1) * RESULTS
    if not errors and q.strip():
        index = get_index(request.app.state.engine)
        spans = {d.id: d.sources for d in index.docs}  # where each is printed: 据此可办 of this document only
        found = index.search(
            q, limit=start + RESULTS + 1, region=region or None, category=category or None,
            status=status or None, issuer=issuer.strip() or None, year=year_value, as_of=day,
            per_document=view == "document",
        )
        hits, more = found[start:start + RESULTS], len(found) > start + RESULTS
        reading = index.pinyin.read(q)
    elif not errors and filtered:
        documents = _browse(session, region, category, status, issuer.strip(), year_value, day)
        total = len(documents)
        documents, more = documents[start:start + RESULTS], total > start + RESULTS
    params = {k: v for k, v in (("q", q), ("region", region), ("category", category), ("issuer", issuer),
                                ("status", status), ("year", year), ("as_of", as_of)) if v}
    if view != "document":
        params["by"] = view  # paging and 只看现行有效 stay in the clause view
    return render(request, "library.html", {
        "q": q, "region": region, "category": category, "issuer": issuer, "status": status, "year": year,
        "as_of": day.isoformat(), "hits": hits, "reading": reading, "view": view, "views": VIEWS,
        **_services_for(reading or q),
        # an undated question asks about now: where a lapsed text is among the hits, offer the current ones
        "current_only_url": f"/library?{urlencode({**params, 'status': '有效'})}"
        if any(h.status == standing.LAPSED for h in hits) and not status and not named_years(q) else None,
        # one list per hit: in the clause view one document can be several hits, each cited at its own clause
        "acting": [_acting(h, region, spans.get(h.document_id)) for h in hits], "documents": documents,
        "total": total,
        "errors": errors,
        "page": number, "first": start + 1,
        # the same question and filters listed the other way, from its first page
        "other_view_url": f"/library?{urlencode(_other_view(params, view))}",
        "prev_url": f"/library?{urlencode({**params, 'page': number - 1})}" if number > 1 else None,
        "next_url": f"/library?{urlencode({**params, 'page': number + 1})}" if more and number < MAX_PAGES
        else None,
        "searched": bool(q.strip()) and not errors, "browsed": filtered and not q.strip() and not errors,
        "regions": _choices(session, Document.region), "categories": _choices(session, Document.category),
        "statuses": STATUSES, "doc_count": session.scalar(select(func.count(Document.id))),
    }, status=422 if errors else 200)


def _other_view(params: dict[str, str], view: str) -> dict[str, str]:
    """The page's query and filters in the other view (按文件 ↔ 按条款); the default view needs no ``by``."""
    rest = {k: v for k, v in params.items() if k != "by"}
    return rest if view == "clause" else {**rest, "by": "clause"}


def _services_for(q: str) -> dict[str, list]:
    """The 相关办事指南 box: guides whose item the question names (two-character pieces of its name), then what
    the question's life event leads to (kuaiban.cross_refs.topic_actions: 丢了工作 → the 失业保险金 guide, the 失业
    一件事 and its calculator)."""
    if not q.strip():
        return {"guides": [], "topic_bundles": [], "topic_calculators": []}
    named = guide.search(q)
    topical = topic_actions(q)
    keys = {c.key for c in named}
    return {"guides": named + [c for c in topical["guides"] if c.key not in keys],
            "topic_bundles": topical["bundles"], "topic_calculators": topical["calculators"]}


def _acting(hit, region: str, spans: list | None = None) -> list[dict]:
    """据此可办 under a hit: a calculator with no claim behind it says so (仅可测算), and one whose programs do
    not run in the hit's region (or the searched region) says that this system does not take the claim there."""
    place = hit.region if hit.region and hit.region != "国家" else (region.strip() or None)
    out = []
    for entry in acting(hit.doc_no, hit.title, hit.unit, hit.article, spans)[:ACTING_SHOWN]:
        if entry["kind"] == "计算器":
            name = entry["url"].rsplit("/", 1)[-1]
            if not claim_routes(name):
                entry = entry | {"note": "仅可测算，本系统不受理申领"}
            elif place and claim_note(name, entry["title"], place):
                entry = entry | {"note": f"仅可测算，本系统不受理{place}的申领"}
        out.append(entry)
    return out


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
    errors: dict[str, str] = {}
    day = _day(request.query_params.get("as_of", ""), errors)
    d = queries.detail(session, doc, day)
    found = implementers(doc.doc_no, doc.title, [(s.file, s.start_line, s.end_line) for s in doc.sources])
    # a guide quotes a region's text (津人社办发〔2020〕91号's 就业登记 materials) on its page for that region; a
    # calculator opens with the document's region chosen (walk s17 B6: 京人社发〔2020〕8号 → 参保地 北京)
    place = doc.region if doc.region and doc.region != "国家" else None
    d["implementers"] = [e | {"url": f"{e['url']}?{urlencode({'region': place})}"}
                         if place and e["kind"] == "办事指南"
                         else e | {"url": link_for_region(e["url"], place)} if e["kind"] == "计算器" else e
                         for e in found]
    return render(request, "document.html", {"d": d, "errors": errors}, status=422 if errors else 200)


@router.get("/documents/{ref}")
def old_document_url(ref: str):
    """The first version's URL, kept working."""
    if not ref.strip():
        raise HTTPException(status_code=404)
    return RedirectResponse(f"/library/doc/{ref}", status_code=301)

