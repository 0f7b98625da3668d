"""艰苦边远地区名单 lookup, vectorised for populations (pyarrow) and single cases (numpy)."""

from __future__ import annotations

import numpy as np

from kuaiban.rules.enums import Region
from kuaiban.rules.formulas import parameter_or_none
from kuaiban.rules.system import tax_benefit_system


def hardship_counties(region_key: str, period_start: str) -> list[str]:
    """The counties listed for `region_key` in that year's pension adjustment notice ([] if none)."""
    system = tax_benefit_system()
    counties = parameter_or_none(system.parameters, period_start, f"pension_adjustment.{region_key}.hardship_counties")
    return list(counties) if counties is not None else []


def in_hardship_area(region: np.ndarray, county, period_start: str) -> np.ndarray:
    """True where the row's county is on its own region's list; `county` is numpy or pyarrow."""
    result = np.zeros(len(region), dtype=bool)
    for key in ("hunan", "chongqing"):
        names = hardship_counties(key, period_start)
        if not names:
            continue
        if isinstance(county, np.ndarray):
            listed = np.isin(county.astype(str), names)
        else:
            listed = _listed_arrow(county, names)
        result |= (region == Region[key].index) & listed
    return result


def _listed_arrow(county, names: list[str]) -> np.ndarray:
    """Membership for an Arrow string column; a dictionary column is looked up once per distinct value."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if pa.types.is_dictionary(county.type):
        words = pc.fill_null(pc.is_in(county.dictionary, value_set=pa.array(names)), False)
        table = np.append(words.to_numpy(zero_copy_only=False), False)
        return table[county.indices.fill_null(len(county.dictionary)).to_numpy(zero_copy_only=False)]
    return pc.fill_null(pc.is_in(county, value_set=pa.array(names)), False).to_numpy(zero_copy_only=False)
