"""办事指南 pages: every item of the catalogue, findable by name or code, and one guide per item —
conditions, materials (the chosen region's configuration), time limits with their dates, fee, legal
basis linked into the 法规库, office and common questions (``kuaiban.services.guide``). Public: nobody
needs to sign in to learn what an item asks for. The JSON twin is ``GET /api/services/guides/{key}``.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kuaiban.platform import regions
from kuaiban.platform.errors import Invalid, NotFound
from kuaiban.programs import definitions as programs
from kuaiban.services import catalogue, guide
from kuaiban.web import service_views as views
from kuaiban.web import signup
from kuaiban.web.page_support import PageRefused, SessionDep, Visitor
from kuaiban.web.templating import render
from kuaiban.web.uploads import MAX_UPLOAD, TYPES_TEXT

router = APIRouter(prefix="/services/guides", include_in_schema=False)


def picker_values(code: str | None) -> dict[str, str]:
    """The cascaded 省/市/区 picker's choices for a region code (the same picker as the registration form's,
    :func:`kuaiban.web.signup.region_choices`): each level the code lies under, deepest last."""
    values: dict[str, str] = {}
    chain: list[regions.Region] = []
    current = regions.region(code) if code else None
    while current is not None:
        chain.append(current)
        current = regions.region(current.parent) if current.parent else None
    for r in reversed(chain):
        level = {regions.PROVINCE: "province", regions.CITY: "city", regions.COUNTY: "county"}.get(r.level)
        if level:
            values[level] = r.code
    return values


def picked_region(province: str, city: str, county: str) -> str:
    """The deepest of the picker's three codes that lies under the one above it (a 市 left over from another
    省, when the page was sent without script, is ignored), or "" when none is chosen."""
    chosen = ""
    for code in (province.strip(), city.strip(), county.strip()):
        r = regions.region(code) if code else None
        if r is not None and (not chosen or regions.covers(chosen, r.code)):
            chosen = r.code
    return chosen


def _region(value: str | None) -> str | None:
    if not (value or "").strip():
        return None
    try:
        return regions.resolve(value)
    except Invalid:
        return None


def matches(choice, words: str) -> bool:
    words = words.strip()
    return not words or words in choice.label or words in choice.bundle


@router.get("", response_class=HTMLResponse)
def guide_index(request: Request, user: Visitor, q: str = "") -> Response:
    """Every item, grouped by its 一件事, filtered by the words typed (name, code or 一件事)."""
    shown = [c for c in guide.items() if matches(c, q)]
    by_bundle: dict[str, list] = {}
    for c in shown:
        by_bundle.setdefault(c.bundle, []).append(c)
    return render(request, "services/guides.html", {"q": q, "by_bundle": by_bundle, "count": len(shown),
                                                    "bundles": catalogue.bundles()}, user=user)


# an item whose claim this system takes online in some regions, as a 补贴申领 program (by the program's calculator)
ITEM_PROGRAMS = {"1.8.1": "unemployment_benefit", "2.7.3": "job_search_subsidy"}


def claim_programs(code: str) -> list[dict]:
    """The programs through which this item is claimed online here (失业保险金申领 → 失业保险金（北京，网上申领）…),
    with the regions that take them; none for an item no program runs."""
    calculator = ITEM_PROGRAMS.get(code)
    return [{"url": f"/programs/{p.code}/about", "name": p.name,
             "regions": [regions.label(r) for r in p.regions]}
            for p in programs.programs().values() if calculator and p.calculator == calculator and not p.no_application]


@router.get("/{key}", response_class=HTMLResponse)
def guide_page(request: Request, key: str, s: SessionDep, user: Visitor, region: str = "", province: str = "",
               city: str = "", county: str = "") -> Response:
    # the picker posts its three levels; the deepest chosen is the region (``region``: a link's one code)
    picked = next((v for v in (county, city, province) if v.strip()), "")
    chosen = _region(picked) or _region(region) or (user.region if user is not None and user.region else None)
    try:
        g = guide.guide(s, key, chosen)
    except NotFound as exc:
        raise PageRefused("没有这个事项", exc.message, 404) from None
    return render(request, "services/guide.html", {
        "g": g, "doc_ids": views.library_ids(s, g.doc_nos()), "regions": signup.region_choices(values := picker_values(chosen)),
        "values": values, "errors": {}, "claim_programs": claim_programs(g.code),
        "upload_types": TYPES_TEXT, "max_mb": MAX_UPLOAD // (1024 * 1024)}, user=user)
