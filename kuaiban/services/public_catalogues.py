"""A region's 公共服务事项目录 (public service catalogue), by region, for the services pages.

Of the provinces the compilations cover, only 湖南 prints its catalogue: 湘政办发〔2020〕19号 (2020-04-24),
《湖南省公共服务事项目录（2020版）》, 734 rows (hunan-hrss-2020.txt 1359–2241, read by tools/extract_services.py
into data/services/hunan_catalogue.yaml). No other region's catalogue is in the texts, so for every other region
the page says so instead of showing the national 一件事 list as if it were theirs. A row's code is Hunan's own
(432004101W00 …) and is not joined to the 人社部 item codes (1.6.10 …), whose numbering differs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from kuaiban.platform import regions
from kuaiban.services import catalogue
from kuaiban.services.catalogue import CatalogueRow, PublicCatalogue

HUMAN_RESOURCES = "省人力资源社会保障厅"  # the rows 人社 offices serve (194), shown first


@dataclass(frozen=True)
class RegionalCatalogue:
    region: str  # the province whose catalogue it is
    issued: date
    load: Callable[[], PublicCatalogue]

    @property
    def catalogue(self) -> PublicCatalogue:
        return self.load()


# every region whose catalogue a text prints (region code → catalogue)
CATALOGUES: tuple[RegionalCatalogue, ...] = (
    RegionalCatalogue("430000", date(2020, 4, 24), catalogue.public_catalogue),
)


def for_region(region: str | None) -> RegionalCatalogue | None:
    """The catalogue that covers ``region`` (湖南's for 430104), None when no text gives one."""
    if not region:
        return None
    return next((c for c in CATALOGUES if regions.covers(c.region, region)), None)


def agencies(cat: PublicCatalogue) -> list[tuple[str, int]]:
    """The 业务指导实施部门 with their row counts, in the catalogue's order."""
    counts = Counter(r.agency for r in cat.rows)
    return [(a, counts[a]) for a in dict.fromkeys(r.agency for r in cat.rows)]


def counts(cat: PublicCatalogue) -> dict[str, int]:
    by = Counter(r.relation for r in cat.rows) + Counter(r.type for r in cat.rows)
    return {"rows": len(cat.rows), **by}


def rows(cat: PublicCatalogue, *, agency: str | None = None, kind: str | None = None,
         words: str = "") -> list[CatalogueRow]:
    """The rows of ``agency`` and service type ``kind`` whose name or code contains ``words``; a 子项 that
    matches brings its 父项 along, and a 父项 that matches its 子项 of that agency and type, so the tree
    reads whole."""
    words = words.strip()

    def kept(r: CatalogueRow) -> bool:
        return (not agency or r.agency == agency) and (not kind or r.type == kind)

    matched = {r.code for r in cat.rows if kept(r) and (not words or words in r.name or words in r.code)}
    parents = {r.parent for r in cat.rows if r.code in matched and r.parent}
    wanted = matched | parents | {r.code for r in cat.rows if r.parent in matched and kept(r)}
    return [r for r in cat.rows if r.code in wanted]
