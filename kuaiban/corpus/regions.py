"""Which jurisdiction a document belongs to, from its issuers or title."""

from __future__ import annotations

import re

# Order matters: 广州 before 广东 (a 广州市 document is Guangzhou's, not the province's).
REGIONS: list[tuple[str, tuple[str, ...]]] = [
    ("湖北", ("湖北省", "湖北")),
    ("湖南", ("湖南省", "湘政", "湘人社", "湘财", "湘医保", "湘")),
    ("重庆", ("重庆市", "渝府", "渝人社", "渝财", "渝", "市政府令")),
    ("山东", ("山东省", "鲁政", "鲁人社", "鲁财", "鲁")),
    ("北京", ("北京市", "京政", "京人社", "京")),
    ("天津", ("天津市", "津政", "津人社", "津")),
    ("上海", ("上海市", "沪府", "沪人社", "沪")),
    ("广州", ("广州市", "穗府", "穗人社", "穗")),
    ("广东", ("广东省", "粤府", "粤人社", "粤")),
    ("江苏", ("江苏省", "苏政", "苏人社", "苏")),
]
NATIONAL = "国家"
_NATIONAL_MARKERS = ("中华人民共和国", "国务院", "人力资源社会保障部", "人社部", "财政部", "国家",
                     "中共中央", "最高人民法院", "全国", "教育部", "民政部", "税务总局", "人社厅")


def region_of_doc_no(doc_no: str | None) -> str | None:
    """Provincial 文号 start with the province's one-character abbreviation (湘, 渝, 鲁 …)."""
    if not doc_no:
        return None
    for region, markers in REGIONS:
        for marker in markers:
            if len(marker) <= 3 and doc_no.startswith(marker):
                return region
    if doc_no.startswith(("人社", "国", "财", "法", "中", "国办", "医保", "税", "教", "民", "卫")):
        return NATIONAL
    return None


def infer_region(issuers: list[str], title: str, doc_no: str | None, default: str | None) -> str | None:
    """Issuer first, then 文号 prefix, then title, then the compilation's default."""
    for text in [*issuers, title[:30]]:
        for region, markers in REGIONS:
            if any(m in text for m in markers if len(m) >= 3):
                return region
    by_no = region_of_doc_no(doc_no)
    if by_no:
        return by_no
    joined = " ".join(issuers) + title
    if any(m in joined for m in _NATIONAL_MARKERS):
        return NATIONAL
    return default


def is_region(name: str) -> bool:
    return name == NATIONAL or any(name == r for r, _ in REGIONS)


def canonical_region(name: str) -> str:
    """Accept 湖南省 / 重庆市 / 全国 … and return the stored region name."""
    name = re.sub(r"\s+", "", name)
    if name in ("全国", "中央", "国务院", NATIONAL):
        return NATIONAL
    for region, _ in REGIONS:
        if name.startswith(region):
            return region
    return name
