"""重庆 “双更”基地绩效奖补 (employment_base_award), 渝人社〔2021〕351号."""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Enterprise
from kuaiban.rules.enums import Region
from kuaiban.rules.formulas import leaf, parameter_or_none


class base_year_after_recognition(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "评估年度是认定后的第几年（认定当年为第1年）"


class base_evaluation_passed(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "当年绩效评估合格"


class base_people_absorbed(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "当年吸纳高校毕业生、农民工、退捕渔民、脱贫人口、退役军人和其他就业困难人员就业创业的人数"


class employment_base_award(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "“双更”基地绩效奖补（元/年）"
    unit = "currency-CNY"
    reference = ("cq_base_award",)

    def formula_2021_10_09(enterprise, period, parameters):
        p = parameter_or_none(parameters, period.start, "employment_base_award.r500000")
        if p is None or leaf(p, "per_person_year") is None:
            return np.zeros(enterprise.count)
        year = enterprise("base_year_after_recognition", period)
        first = leaf(p, "first_year")
        in_years = (year >= first) & (year < first + leaf(p, "years"))
        ok = in_years & enterprise("base_evaluation_passed", period)
        ok &= enterprise("enterprise_region", period) == Region.chongqing
        amount = np.minimum(leaf(p, "per_person_year") * enterprise("base_people_absorbed", period), leaf(p, "cap"))
        return np.where(ok, amount, 0)
