"""“三支一扶”计划中央财政补助 (three_supports_subsidy), national from 人社部发〔2021〕32号 (2021-05-28).

A year's central subsidy for one person: the work-and-living subsidy by service area, the training subsidy,
and the one-off settling-in grant for a new recruit after 6 months. Local top-ups are not printed.
"""

from __future__ import annotations

import numpy as np
from openfisca_core.indexed_enums import Enum as EnumType
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.enums import ServiceArea
from kuaiban.rules.formulas import leaf, parameter_or_none

REFERENCES = ("nat_3s_living", "nat_3s_training", "nat_3s_settling")


class ts_area(Variable):
    value_type = EnumType
    possible_values = ServiceArea
    default_value = ServiceArea.central
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "服务地区"


class ts_new_recruit(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "新招募人员"


class ts_months_served(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "已在岗服务月数"


class ts_settling_paid(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "已发放一次性安家费"


class three_supports_living(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.DAY
    label = "工作生活补贴中央财政补助（元/年）"
    unit = "currency-CNY"
    reference = ("nat_3s_living",)

    def formula_2021_05_28(person, period, parameters):
        node = parameter_or_none(parameters, period.start, "three_supports_subsidy.national.living")
        area = person("ts_area", period)
        out = np.zeros(person.count)
        for member in ServiceArea:
            value = leaf(node, member.name) if node is not None else None
            if value is not None:
                out = np.where(area == member, float(value), out)
        return out


class three_supports_settling(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.DAY
    label = "一次性安家费（元）"
    unit = "currency-CNY"
    reference = ("nat_3s_settling",)

    def formula_2021_05_28(person, period, parameters):
        node = parameter_or_none(parameters, period.start, "three_supports_subsidy.national")
        ok = person("ts_new_recruit", period) & ~person("ts_settling_paid", period)
        ok &= person("ts_months_served", period) >= leaf(node, "settling_months")
        return np.where(ok, float(leaf(node, "settling")), 0)


class three_supports_subsidy(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.DAY
    label = "“三支一扶”人员中央财政补助合计（元）：一年的工作生活补贴和培训补助，加符合条件的一次性安家费"
    unit = "currency-CNY"
    reference = REFERENCES

    def formula_2021_05_28(person, period, parameters):
        node = parameter_or_none(parameters, period.start, "three_supports_subsidy.national")
        return (person("three_supports_living", period) + float(leaf(node, "training"))
                + person("three_supports_settling", period))
