"""艰苦边远地区名单 lookup by 行政区划代码, vectorised for populations (pyarrow) and single cases (numpy)."""

from __future__ import annotations

import numpy as np

from kuaiban.rules.enums import Region
from kuaiban.rules.formulas import parameter_or_none
from kuaiban.rules.regions import code_of, county_codes_listed
from kuaiban.rules.system import tax_benefit_system

KEYS = ("hunan", "chongqing")  # the regions whose pension adjustment notice lists hardship counties


def hardship_counties(region_key: str, period_start: str) -> list[str]:
    """The 行政区划代码 of the counties listed for `region_key` in that year's pension adjustment notice
    ([] if none)."""
    system = tax_benefit_system()
    counties = parameter_or_none(system.parameters, period_start, f"pension_adjustment.{region_key}.hardship_counties")
    return [str(code) for code in counties] if counties is not None else []


def in_hardship_area(region: np.ndarray, county, period_start: str) -> np.ndarray:
    """True where the row's county (a code or a name, read within the row's own province: numpy or
    pyarrow) is on its own region's list."""
    result = np.zeros(len(region), dtype=bool)
    for key in KEYS:
        codes = hardship_counties(key, period_start)
        if not codes:
            continue
        member = Region[key]
        mine = region == member.index
        if mine.any():
            result |= mine & county_codes_listed(code_of(member), county, frozenset(codes), int(period_start[:4]))
    return result
