"""缴费基数：月工资按当年缴费基数上下限封顶保底.

Each person's year is an input of its own (`contribution_base_year`, the simulation's year when not given),
and the floor and cap are looked up per person in a small region × year table of the figures in force:
rows of several years share one simulation (population mode) with the answers one simulation per year
would give.
"""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import DateUnit, Instant
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.enums import Region
from kuaiban.rules.formulas import parameter_or_none

# Regions whose figures the compilations give (Beijing's are not given: see docs/rules.md).
CONTRIBUTION_BASE_REGIONS = ("hunan", "chongqing", "shanghai", "tianjin")
BOUNDS = ("floor", "cap")
# Years of a table at most this far apart (one simulation's); rows of years further apart are looked up
# year by year
TABLE_YEARS = 200
# Tables of years below this are indexed by region × span + year itself
DIRECT_YEARS = 10_000
# (floor, cap) tables by the years' first and last and the parameter trees read (kept to check identity)
_TABLES: dict[tuple[int, int], tuple[tuple, np.ndarray]] = {}


def _year_end_trees(parameters, low: int, high: int) -> tuple:
    """The parameters in force on 31 December of each year low … high: a year's figure is the one in force
    that day (Shanghai's and Tianjin's 2020 figures start on 1 July 2020, their 社保年度; Hunan's and
    Chongqing's on 1 January)."""
    return tuple(parameters(Instant((year, 12, 31))) for year in range(low, high + 1))


def _bounds_table(parameters, low: int, high: int) -> np.ndarray:
    """The floor ([0]) and cap ([1]) of each region and year, flat: at [k, region × span + year − shift], where
    span = high − low + 1 and shift = `_shift(low, high)`; NaN where no figure is in force. Built once per set
    of parameter trees."""
    trees = _year_end_trees(parameters, low, high)
    cached = _TABLES.get((low, high))
    if cached is not None and all(a is b for a, b in zip(cached[0], trees, strict=True)):  # same years: same count
        return cached[1]
    span, shift = high - low + 1, _shift(low, high)
    table = np.full((len(BOUNDS), len(Region) * span + low - shift), np.nan)
    for year in range(low, high + 1):
        for key in CONTRIBUTION_BASE_REGIONS:
            for k, which in enumerate(BOUNDS):
                value = parameter_or_none(parameters, Instant((year, 12, 31)), f"contribution_base.{key}.{which}")
                if value is not None:
                    table[k, Region[key].index * span + year - shift] = value
    table.flags.writeable = False
    _TABLES[(low, high)] = (trees, table)
    return table


def _shift(low: int, high: int) -> int:
    """What the table index subtracts from region × span + year: nothing for years of this era (the table then
    holds NaN for the years before `low`, a few thousand entries, and each row is spared a subtraction)."""
    return 0 if low >= 0 and high < DIRECT_YEARS else low


def _bounds(person, period, parameters) -> tuple[np.ndarray, np.ndarray]:
    """(floor, cap) of each person's region and year; NaN where no figure is in force (the calculator reports
    the gap). One index per person into a region × year table, two gathers, whatever the mix of years."""
    years = np.asarray(person("contribution_base_year", period))
    regions = np.asarray(person("region", period))
    if not len(years):
        return np.full(0, np.nan), np.full(0, np.nan)
    low, high = int(years.min()), int(years.max())
    if high - low >= TABLE_YEARS:  # years far apart (never both covered): year by year
        return _by_years(parameters, regions, years)
    table = _bounds_table(parameters, low, high)
    at = _index(regions, years, low, high)
    return table[0].take(at), table[1].take(at)


def _index(regions: np.ndarray, years: np.ndarray, low: int, high: int) -> np.ndarray:
    """Each row's place in `_bounds_table(…, low, high)`: region × span + year − shift."""
    shift = _shift(low, high)
    if low == high:  # one year (span 1): by region alone
        return np.add(regions, low - shift, dtype=np.intp, casting="same_kind")
    at = np.multiply(regions, high - low + 1, dtype=np.intp, casting="same_kind")
    at += years
    if shift:
        at -= shift
    return at


def _by_years(parameters, regions: np.ndarray, years: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """As `_bounds`, for years too far apart for one table: each year's rows apart."""
    floor, cap = np.full(len(years), np.nan), np.full(len(years), np.nan)
    for year in np.unique(years).tolist():
        rows = np.flatnonzero(years == year)
        table = _bounds_table(parameters, year, year)
        at = _index(regions.take(rows), years.take(rows), year, year)
        floor[rows], cap[rows] = table[0].take(at), table[1].take(at)
    return floor, cap


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
        return _bounds(person, period, parameters)[0]


class contribution_cap(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.YEAR
    default_value = np.nan
    label = "当年个人缴费基数上限（元/月）"
    unit = "currency-CNY"

    def formula(person, period, parameters):
        return _bounds(person, period, parameters)[1]


class contribution_base(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.YEAR
    label = "月缴费基数：月工资低于下限的按下限，高于上限的按上限"
    unit = "currency-CNY"

    def formula(person, period, parameters):
        # the floor and cap of contribution_floor and contribution_cap, from one lookup per person
        floor, cap = _bounds(person, period, parameters)  # arrays of this call's own: written over
        based = np.maximum(person("monthly_wage", period), floor, out=floor)
        return np.minimum(based, cap, out=based)
