"""The part of a 一件事's one form that belongs to an item handed off to another pillar: for the 失业 一件事's
失业登记 (2.4.1), the 《失业人员登记表》 fields the reference form does not list, and the 书面承诺.

人社部发〔2021〕23号 附件2 (chongqing-hrss-2021.txt:4068) “将多个事项的申请表单整合为‘一张表’”: one page, one
submission; each field once (those of the reference form are not asked again, :mod:`kuaiban.unemployment.bundle_intake`).
The inputs are the 失业登记 form's own (:func:`kuaiban.web.unemployment_views.form_field`: code-table choices,
region pickers), posted under their field codes and read back into ``item_forms["2.4.1"]``.
"""

from __future__ import annotations

from dataclasses import dataclass

from kuaiban.platform import audit
from kuaiban.unemployment import bundle_intake, registration
from kuaiban.web import unemployment_views as uv
from kuaiban.web.templating import templates

# shown in the page (the optional fields stay available through the API's item_forms)
SHOWN = bundle_intake.OWN_REQUIRED

# the 失业登记 form's macros (unemployment/_macros.html) call these globals; the 失业登记 pages set them too,
# but the 一件事 pages may be served without those pages loaded
templates.env.globals.setdefault("region_levels", uv.region_levels)
templates.env.globals.setdefault("date_for_input", uv.date_for_input)
templates.env.globals.setdefault("today_iso", lambda: audit.now().date().isoformat())


@dataclass(frozen=True)
class Section:
    code: str
    title: str
    fields: tuple[uv.FormField, ...]
    places: tuple[str, ...]
    declaration: str


def sections(planned) -> list[Section]:
    """The handed-off items' parts of the form, for the items chosen."""
    if not any(p.code == bundle_intake.ITEM for p in planned):
        return []
    return [Section(bundle_intake.ITEM, "失业登记", tuple(uv.form_field(c) for c in SHOWN),
                    registration.place_bases_on(audit.now().date()), registration.DECLARATION)]


def read(data, planned) -> dict[str, dict]:
    """``item_forms`` from a posted form: the region pickers' deepest choice, the other inputs as typed."""
    if not any(p.code == bundle_intake.ITEM for p in planned):
        return {}
    values: dict[str, str | bool] = {}
    for code in SHOWN:
        f = uv.form_field(code)
        if f.kind == "region":
            parts = [str(data.get(f"{code}.{level}") or "").strip() for level in ("county", "city", "province")]
            value = next((p for p in parts if p), str(data.get(code) or "").strip())
        else:
            value = str(data.get(code) or "").strip()
        if value:
            values[code] = value
    basis = str(data.get(bundle_intake.PLACE_BASIS) or "").strip()
    if basis:
        values[bundle_intake.PLACE_BASIS] = basis
    values[bundle_intake.SIGNED] = bool(data.get(bundle_intake.SIGNED))
    return {bundle_intake.ITEM: values}
