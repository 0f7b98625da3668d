"""全国退休人员基本养老金调整的高限 (人社部发〔2020〕22号 二 5 %, 人社部发〔2021〕20号 二 4.5 % of last year's average
monthly pension): a province's overall increase may not exceed it. An aggregate figure (per province, not per
person); the province's average pension is a required official input."""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.formulas import parameter_or_none, round_fen


class average_pension_last_year(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "本省上年退休人员月人均基本养老金（元/月；官方数字，汇编未载）"
    unit = "currency-CNY"


class pension_adjustment_ceiling_share(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.YEAR
    label = "全国总体调整比例（各省调整比例的高限）"
    reference = ("nat_pa_ceiling_2020", "nat_pa_ceiling_2021")

    def formula(person, period, parameters):
        share = parameter_or_none(parameters, period.start, "pension_adjustment_ceiling.national.share")
        return np.full(person.count, share or 0.0)


class pension_adjustment_ceiling(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.YEAR
    label = "本省月人均基本养老金调整额的高限（上年月人均基本养老金×全国总体调整比例，元/月）"
    unit = "currency-CNY"
    reference = ("nat_pa_ceiling_2020", "nat_pa_ceiling_2021")

    def formula(person, period, parameters):
        return round_fen(person("average_pension_last_year", period)
                         * person("pension_adjustment_ceiling_share", period))
