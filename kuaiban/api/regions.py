"""行政区划 JSON API: the GB/T 2260 hierarchy, one level at a time, for forms that choose a region
(the registration page fills its next select from here)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from kuaiban.api.caller_first import SignedInFirst
from kuaiban.platform import regions
from kuaiban.platform.errors import NotFound

router = APIRouter(prefix="/api", tags=["行政区划"], route_class=SignedInFirst)


class RegionOut(BaseModel):
    code: str
    name: str
    level: str  # province | city | county
    label: str  # 湖南省长沙市（430100）


@router.get("/regions", response_model=list[RegionOut],
            summary="下一级行政区划（GB/T 2260）；不带 parent 时为各省、自治区、直辖市")
def children(parent: str | None = None) -> list[RegionOut]:
    if parent and regions.region(parent) is None:
        raise NotFound(f"行政区划代码不存在或已撤销：{parent}", "parent")
    return [RegionOut(code=r.code, name=r.name, level=r.level, label=regions.label(r.code))
            for r in regions.children(parent)]
