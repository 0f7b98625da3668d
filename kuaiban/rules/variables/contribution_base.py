"""缴费基数：月工资按当年缴费基数上下限封顶保底.

Each person's year is an input of its own (`contribution_base_year`, the simulation's year when not given), and
the floor and cap are looked up per person in a small region × year table of the figures in force: rows of
several years share one simulation (population mode), with the answers one simulation per year would give.
"""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.enums import Region
from kuaiban.rules.formulas import parameter_or_none

# Regions whose figures the compilations give (Beijing's are not given: see docs/rules.md).
CONTRIBUTION_BASE_REGIONS = ("hunan", "chongqing", "shanghai", "tianjin")
# Years up to this are looked up in a table indexed by region × span + year itself (no subtraction per row);
# a larger year (never a covered one) takes one more pass.
_DIRECT_YEARS = 10_000


def _by_region_and_year(parameters, which: str, low: int, high: int) -> np.ndarray:
    """The floor or cap of each region (rows) and year low … high (columns); NaN where none is in force.

    A year's figure is the one in force on 31 December: Shanghai's and Tianjin's 2020 figures start
    on 1 July 2020 (their 社保年度), Hunan's and Chongqing's on 1 January.
    """
    table = np.full((len(Region), high - low + 1), np.nan)
    for year in range(low, high + 1):
        for key in CONTRIBUTION_BASE_REGIONS:
            value = parameter_or_none(parameters, f"{year:04d}-12-31", f"contribution_base.{key}.{which}")
            if value is not None:
                table[Region[key].index, year - low] = value
    return table


def _bound(person, period, parameters, which: str) -> np.ndarray:
    """The floor or cap of each person's region and year; NaN where no figure is in force (the calculator
    reports the gap). One gather from the table, whatever the mix of years."""
    years = person("contribution_base_year", period)
    regions = np.asarray(person("region", period))
    if not len(years):
        return np.full(0, np.nan)
    low, high = int(years.min()), int(years.max())
    if high - low > 200:  # years far apart (never both covered): those present only
        present = np.unique(years)
        return _by_years(parameters, which, regions, years, present)
    table = _by_region_and_year(parameters, which, low, high)
    if low == high:  # one year: by region alone
        return table[:, 0].take(regions.astype(np.intp, casting="same_kind"))
    span = high - low + 1
    at = np.multiply(regions, span, dtype=np.intp, casting="same_kind")
    if low >= 0 and high < _DIRECT_YEARS:  # years below `low` in the table too (NaN): index region × span + year
        direct = np.full(len(Region) * span + low, np.nan)
        direct[(np.arange(len(Region)) * span)[:, None] + np.arange(low, high + 1)] = table
        at += years
        return direct.take(at)
    at += years - low
    return table.ravel().take(at)


def _by_years(parameters, which: str, regions: np.ndarray, years: np.ndarray, present: np.ndarray) -> np.ndarray:
    """As `_bound`, for years too far apart for one table: a table per year present, its rows apart."""
    out = np.full(len(years), np.nan)
    for year in present:
        rows = np.flatnonzero(years == year)
        column = _by_region_and_year(parameters, which, int(year), int(year))[:, 0]
        out[rows] = column.take(regions.take(rows).astype(np.intp, casting="same_kind"))
    return out


class contribution_base_year(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.YEAR
    label = "缴费年度（未给出时为计算的年度）"

    def formula(person, period, parameters):
        return np.full(person.count, period.start.year, dtype=np.int32)


class contribution_floor(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.YEAR
    default_value = np.nan
    label = "当年个人缴费基数下限（元/月）"
    unit = "currency-CNY"

    def formula(person, period, parameters):
        return _bound(person, period, parameters, "floor")


class contribution_cap(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.YEAR
    default_value = np.nan
    label = "当年个人缴费基数上限（元/月）"
    unit = "currency-CNY"

    def formula(person, period, parameters):
        return _bound(person, period, parameters, "cap")


class contribution_base(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.YEAR
    label = "月缴费基数：月工资低于下限的按下限，高于上限的按上限"
    unit = "currency-CNY"

    def formula(person, period, parameters):
        based = np.maximum(person("monthly_wage", period), person("contribution_floor", period))
        return np.minimum(based, person("contribution_cap", period), out=based)
