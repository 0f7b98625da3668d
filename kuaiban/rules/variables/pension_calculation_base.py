"""2021年度计发基数 (pension_calculation_base): 重庆 渝人社发〔2021〕51号 一、二 — 7,438 元/月 for 2021's new
retirees, the work-injury lump sums (丧葬补助金, 一次性工伤医疗补助金, 生活护理费, 一次性伤残就业补助金) and deaths in
service from 2021-01-01 to 2021-08-31. Deaths from 2021-09-01 follow 渝人社发〔2021〕32号's 暂行办法, which the
compilations do not print (0 here; the calculator refuses them, naming that notice). The period is the day of retirement, of the benefit, or of death.
"""

from __future__ import annotations

import numpy as np
from openfisca_core.indexed_enums import Enum as EnumType
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.enums import CalculationBasePurpose
from kuaiban.rules.region_keys import by_region, optional

CALCULATOR = "pension_calculation_base"


class calculation_base_purpose(Variable):
    value_type = EnumType
    possible_values = CalculationBasePurpose
    default_value = CalculationBasePurpose.new_retiree
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "计发基数的用途"


class pension_calculation_base(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.DAY
    label = "社会保险待遇计发基数（元/月）；0 为该日期、用途无汇编所载基数"
    unit = "currency-CNY"
    reference = ("cq_2021_base", "cq_2021_base_deaths", "cq_2021_base_survivors")

    def formula_2021_01_01(person, period, parameters):
        purpose = person("calculation_base_purpose", period)
        deaths = purpose == CalculationBasePurpose.death_in_service

        def base(node):
            death_value = float(optional(node, "deaths_base", 0.0))  # null from 2021-09-01: the 暂行办法 applies
            return np.where(deaths, death_value, float(node.base))

        return by_region(person, period, parameters, CALCULATOR, "base", base, 0.0, "region_code")
