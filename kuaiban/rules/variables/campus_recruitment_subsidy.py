"""湖南 校园招聘活动补助 (campus_recruitment_subsidy): 基础 + 活动 + 成效, per school and year (湘人社规〔2020〕14号).

The school is the unit (an Enterprise). Fairs beyond the yearly maximum are not paid; large fairs are
counted first (a school applies for its larger fairs). A school that claims no fair gets nothing that year.
"""

from __future__ import annotations

import numpy as np
from openfisca_core.indexed_enums import Enum as EnumType
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Enterprise
from kuaiban.rules.enums import Region, SchoolTier
from kuaiban.rules.formulas import leaf, parameter_or_none

REFERENCES = ("hn_campus_basic", "hn_campus_fairs", "hn_campus_rank")


class campus_school_tier(Variable):
    value_type = EnumType
    possible_values = SchoolTier
    default_value = SchoolTier.other
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "学校类别"


class campus_graduates(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "当年应届毕业生人数"


class campus_large_fairs(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "校级大型招聘会场次（岗位招聘总人数超过500人）"


class campus_small_fairs(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "校级中小型招聘会场次（岗位招聘总人数100人以上、500人以下）"


class campus_rank(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "综合评分排名（未参加排名填0）"


class campus_fairs_paid(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "可获补助的招聘会场次"
    reference = ("hn_campus_fairs",)

    def formula_2020_09_01(enterprise, period, parameters):
        p = parameter_or_none(parameters, period.start, "campus_recruitment_subsidy.r430000")
        if p is None or leaf(p, "large_fair") is None:
            return np.zeros(enterprise.count, dtype=int)
        tier = enterprise("campus_school_tier", period)
        cap = np.where(tier == SchoolTier.first_tier, leaf(p, "max_fairs_first_tier"), leaf(p, "max_fairs_other"))
        small_school = enterprise("campus_graduates", period) <= leaf(p, "small_school_graduates")
        cap = np.where(small_school, np.minimum(cap, leaf(p, "max_fairs_small_school")), cap)
        fairs = enterprise("campus_large_fairs", period) + enterprise("campus_small_fairs", period)
        return np.minimum(fairs, cap)


class campus_recruitment_subsidy(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "校园招聘活动补助（元/年）"
    unit = "currency-CNY"
    reference = REFERENCES

    def formula_2020_09_01(enterprise, period, parameters):
        p = parameter_or_none(parameters, period.start, "campus_recruitment_subsidy.r430000")
        if p is None or leaf(p, "large_fair") is None:
            return np.zeros(enterprise.count)
        tier = enterprise("campus_school_tier", period)
        per_graduate = np.zeros(enterprise.count)
        for member in SchoolTier:
            per_graduate = np.where(tier == member, leaf(p["basic_per_graduate"], member.name), per_graduate)
        basic = per_graduate * enterprise("campus_graduates", period)
        paid = enterprise("campus_fairs_paid", period)
        large = np.minimum(enterprise("campus_large_fairs", period), paid)
        activity = large * leaf(p, "large_fair") + (paid - large) * leaf(p, "small_fair")
        rank = enterprise("campus_rank", period)
        award = np.where((rank >= 1) & (rank <= leaf(p, "top_rank")), leaf(p, "top_award"),
                         np.where((rank > leaf(p, "top_rank")) & (rank <= leaf(p, "second_rank")), leaf(p, "second_award"), 0))
        total = np.where(paid > 0, basic + activity + award, 0)
        return np.where(enterprise("enterprise_region", period) == Region.hunan, total, 0)
