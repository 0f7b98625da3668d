"""公共服务事项目录 by region (``kuaiban.services.public_catalogues``): the catalogue a region's own text prints —
湖南's, 湘政办发〔2020〕19号 — filtered by 部门, 服务类型 and words; for a region no text gives one, the page says
so. Public, like the guides. The JSON twin is ``GET /api/services/catalogues``.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from kuaiban.services import public_catalogues as pc
from kuaiban.web import service_views as views
from kuaiban.web import signup
from kuaiban.web.guide_pages import _region, picked_region, picker_values
from kuaiban.web.page_support import SessionDep, Visitor
from kuaiban.web.templating import render

router = APIRouter(prefix="/services/catalogue", include_in_schema=False)
ALL = "全部"
KINDS = ("依申请类", "主动服务类")


@router.get("", response_class=HTMLResponse)
def catalogue_page(request: Request, s: SessionDep, user: Visitor, region: str = "", agency: str = "",
                   kind: str = "", q: str = "", province: str = "", city: str = "", county: str = "") -> Response:
    """The region is picked by name (省 → 市 → 区县, the deepest chosen) or given as ``region`` (a code or a
    name, as links and the filter form carry it); else the signed-in user's own."""
    chosen = (picked_region(province, city, county) or _region(region)
              or (user.region if user is not None and user.region else None))
    found = pc.for_region(chosen)
    values = picker_values(chosen)
    context: dict = {"region": chosen, "found": found, "regions": signup.region_choices(values), "values": values,
                     "catalogues": pc.CATALOGUES, "q": q, "kinds": KINDS, "all": ALL}
    if found is not None:
        cat = found.catalogue
        names = [a for a, _ in pc.agencies(cat)]
        agency = agency if agency in (*names, ALL) else pc.HUMAN_RESOURCES  # 人社 rows unless asked otherwise
        kind = kind if kind in KINDS else ""
        context |= {"cat": cat, "agency": agency, "kind": kind, "agencies": pc.agencies(cat),
                    "counts": pc.counts(cat), "doc_ids": views.library_ids(s, {cat.source.doc_no}),
                    "rows": pc.rows(cat, agency=None if agency == ALL else agency, kind=kind or None, words=q)}
    return render(request, "services/public_catalogue.html", context, user=user)
