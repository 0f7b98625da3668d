"""2021年个人缴费基数下限的过渡 (人社厅发〔2021〕2号 三): a province whose floor would rise too fast may set its 2021
floor from the arithmetic mean of the 2019 and 2020 全口径平均工资 (both provincial figures, not printed: inputs).
The share of that average that makes the floor is not reprinted either, so the answer is the average itself.

The transition is for a floor that “增长过快”: where the 2020 average is not above the 2019 one, the mean would
raise the floor above the one the general rule gives (“原则上根据2020年…全口径平均工资确定”), the opposite of a
transition, so the 2020 average is the answer and the explanation says why."""

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


class phased_floor_transition(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.YEAR
    label = "可分两年过渡：2020年全口径平均工资高于2019年（下限增长），按两年的算术平均值确定"
    reference = ("nat_phased_floor_2021", "nat_base_floor_2021_basis")

    def formula_2021(person, period, parameters):
        return person("average_wage_2020", period) > person("average_wage_2019", period)


class phased_floor_average_wage(Variable):
    value_type = float
    default_value = -1.0
    entity = Person
    definition_period = DateUnit.YEAR
    label = ("2021年确定个人缴费基数下限可用的平均工资：2019、2020年全口径平均工资的算术平均值；2020年不高于2019年的，"
             "为2020年全口径平均工资（元）")
    unit = "currency-CNY"
    reference = ("nat_phased_floor_2021", "nat_base_floor_2021_basis")

    def formula_2021(person, period, parameters):
        years = parameter_or_none(parameters, period.start, "phased_base_floor.national.averaged_years")
        if years is None:
            return np.full(person.count, -1.0)
        latest = person("average_wage_2020", period)
        mean = round_fen((person("average_wage_2019", period) + latest) / years)
        return np.where(person("phased_floor_transition", period), mean, latest)
