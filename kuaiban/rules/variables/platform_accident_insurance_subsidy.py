"""山东 新就业形态灵活就业意外伤害保险补贴 (platform_accident_insurance_subsidy), 鲁政办发〔2020〕19号 18.

The share of the premium is set by each city (not printed): the answer is the ceiling, the premium itself
capped at the yearly maximum.
"""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.enums import Region
from kuaiban.rules.formulas import leaf, parameter_or_none


class platform_registered(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "依托新业态平台灵活就业并办理了就业登记"


class platform_premium(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "当年购买意外伤害保险的保险费（元）"


class platform_accident_insurance_subsidy(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.DAY
    label = "意外伤害保险补贴上限（元/年）"
    unit = "currency-CNY"
    reference = ("sd_platform_insurance",)

    def formula_2020_10_29(person, period, parameters):
        p = parameter_or_none(parameters, period.start, "platform_accident_insurance_subsidy.r370000")
        if p is None or leaf(p, "yearly_cap") is None:
            return np.zeros(person.count)
        ok = person("platform_registered", period) & (person("region", period) == Region.shandong)
        return np.where(ok, np.minimum(person("platform_premium", period), leaf(p, "yearly_cap")), 0)
