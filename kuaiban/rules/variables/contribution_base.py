"""缴费基数：月工资按当年缴费基数上下限封顶保底."""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.enums import Region
from kuaiban.rules.formulas import parameter_or_none
from kuaiban.rules.regions import per_region

# Regions whose figures the compilations give (Beijing's are not given: see docs/rules.md).
CONTRIBUTION_BASE_REGIONS = ("hunan", "chongqing", "shanghai", "tianjin")


def _bound(person, period, parameters, which: str) -> np.ndarray:
    """The floor or cap by region; NaN where no figure is in force (the calculator reports the gap).

    A year's figure is the one in force on 31 December: Shanghai's and Tianjin's 2020 figures start
    on 1 July 2020 (their 社保年度), Hunan's and Chongqing's on 1 January.
    """
    by_region = np.full(len(Region), np.nan)  # one figure per region, then one lookup per person
    for key in CONTRIBUTION_BASE_REGIONS:
        value = parameter_or_none(parameters, period.stop, f"contribution_base.{key}.{which}")
        if value is not None:
            by_region[Region[key].index] = value
    return per_region(by_region, person("region", period))


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
