"""2021年个人缴费基数下限的过渡 (人社厅发〔2021〕2号 三): a province whose floor would rise too fast may set its 2021
floor from the arithmetic mean of the 2019 and 2020 全口径平均工资 (both provincial figures, not printed: inputs).
The share of that average that makes the floor is not reprinted either, so the answer is the average itself."""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.formulas import parameter_or_none, round_fen


class average_wage_2019(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "本省2019年全口径城镇单位就业人员平均工资（元）"


class average_wage_2020(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "本省2020年全口径城镇单位就业人员平均工资（元）"


class phased_floor_average_wage(Variable):
    value_type = float
    default_value = -1.0
    entity = Person
    definition_period = DateUnit.YEAR
    label = "2021年确定个人缴费基数下限可用的平均工资：2019、2020年全口径平均工资的算术平均值（元）"
    unit = "currency-CNY"
    reference = ("nat_phased_floor_2021",)

    def formula_2021(person, period, parameters):
        years = parameter_or_none(parameters, period.start, "phased_base_floor.national.averaged_years")
        if years is None:
            return np.full(person.count, -1.0)
        total = person("average_wage_2019", period) + person("average_wage_2020", period)
        return round_fen(total / years)
