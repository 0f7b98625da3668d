"""经济补偿封顶基数 (北京, from 2020-05): the monthly wage used for 经济补偿 is capped at 3 × the published
monthly average (11,715 × 3 = 35,145 元). The rest of 劳动合同法 第四十七条 (years, the 12-year limit for high
earners) is not reprinted in the compilations and is not computed here.
"""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.region_keys import by_region

CALCULATOR = "severance_cap"
REFS = ("bj_severance_cap",)


class severance_cap_base(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "经济补偿封顶基数（元/月）；0 为无公布数字"
    unit = "currency-CNY"
    reference = REFS

    def formula_2020_05(person, period, parameters):
        return by_region(person, period, parameters, CALCULATOR, "average_monthly_wage",
                         lambda node: node.average_monthly_wage * node.cap_multiple, 0.0, "region_code")


class severance_monthly_base(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "计算经济补偿的月工资：本人月工资，高于封顶基数的按封顶基数"
    unit = "currency-CNY"
    reference = REFS

    def formula_2020_05(person, period, parameters):
        cap = person("severance_cap_base", period)
        wage = person("monthly_wage", period)
        return np.where(cap > 0, np.minimum(wage, cap), wage)


class severance_wage_capped(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.MONTH
    label = "本人月工资高于封顶基数"
    reference = REFS

    def formula_2020_05(person, period, parameters):
        cap = person("severance_cap_base", period)
        return (cap > 0) & (person("monthly_wage", period) > cap)
