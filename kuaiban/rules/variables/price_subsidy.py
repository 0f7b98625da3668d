"""价格临时补贴 for people drawing 失业保险金 or 失业补助金, doubled from March to June 2020 (人社部发〔2020〕40号 五).
The current standard is a local official figure the compilations do not print: a required input."""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.formulas import parameter_or_none


class price_subsidy_standard(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "当地价格临时补贴现行标准（元/月；官方数字，汇编未载，须由经办机构提供）"
    unit = "currency-CNY"


class price_subsidy_multiplier(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "价格临时补贴相对现行标准的倍数（2020年3月至6月为2，其余为1）"
    reference = ("nat_price_subsidy_2020", "bj_us_price_subsidy")

    def formula(person, period, parameters):
        # before March and from July 2020 the current standard itself (multiplier 1)
        return np.full(person.count, parameter_or_none(parameters, period.start, "price_subsidy.multiplier") or 1.0)


class price_subsidy(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "领取失业保险金或失业补助金人员当月的价格临时补贴"
    unit = "currency-CNY"
    reference = ("nat_price_subsidy_2020", "bj_us_price_subsidy")

    def formula(person, period, parameters):
        receiving = person("drawing_unemployment_benefit", period) | person("drawing_unemployment_subsidy", period)
        multiplier = person("price_subsidy_multiplier", period)
        return np.where(receiving, person("price_subsidy_standard", period) * multiplier, 0.0)
