"""企业职工基本养老保险遗属待遇（人社部发〔2021〕18号），自2021年9月1日起施行."""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.enums import EmploymentStatus
from kuaiban.rules.formulas import MONTHS_PER_YEAR, round_fen


class survivor_funeral_grant(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.DAY
    label = "丧葬补助金：上一年度城镇居民月人均可支配收入的2倍"
    reference = ("sv_funeral",)
    unit = "currency-CNY"

    def formula_2021_09(person, period, parameters):
        p = parameters(period.start).survivor_benefit
        return person("base_income", period) * p.funeral_multiple


class survivor_months_by_contribution(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.DAY
    label = "按缴费年限确定的抚恤金发放月数（在职人员的月数，退休人员的最高月数）"
    reference = ("sv_months_lt5", "sv_months_5_10", "sv_months_10_15", "sv_months_gt15", "sv_to_month")

    def formula_2021_09(person, period, parameters):
        p = parameters(period.start).survivor_benefit
        # 缴费年限计算到月: years are fractional, so 15年6个月 gives 9 + 0.5 months.
        years = person("contribution_months", period) / MONTHS_PER_YEAR
        counted = np.minimum(years, p.years_counted_max)
        above_15 = p.months_10_to_15_years + (counted - 15) * p.months_per_year_over_15
        months = np.select(
            [years < 5, years < 10, years <= 15],
            [p.months_below_5_years, p.months_5_to_10_years, p.months_10_to_15_years],
            above_15,
        )
        return np.minimum(months, p.months_max)


class survivor_pension_months(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.DAY
    label = "抚恤金发放月数"
    reference = ("sv_employed", "sv_retired", "sv_to_month")

    def formula_2021_09(person, period, parameters):
        p = parameters(period.start).survivor_benefit
        months = person("survivor_months_by_contribution", period)
        retired = person("employment_status", period) == EmploymentStatus.retired
        # 每领取1年基本养老金减少1个月，计算到月：12个月减1个月，6个月减0.5个月.
        reduced = np.maximum(months - person("pension_months", period) / MONTHS_PER_YEAR, p.retiree_months_min)
        return np.where(retired, reduced, months)


class survivor_pension(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.DAY
    label = "抚恤金：发放月数 × 上一年度城镇居民月人均可支配收入"
    reference = ("sv_employed", "sv_retired")
    unit = "currency-CNY"

    def formula_2021_09(person, period, parameters):
        return round_fen(person("survivor_pension_months", period) * person("base_income", period))


class survivor_benefit(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.DAY
    label = "遗属待遇合计（丧葬补助金＋抚恤金），缴费不足5年的不超过个人缴费之和"
    reference = ("sv_funeral", "sv_employed", "sv_retired", "sv_cap_lt5", "sv_start")
    unit = "currency-CNY"

    def formula_2021_09(person, period, parameters):
        p = parameters(period.start).survivor_benefit
        total = round_fen(person("survivor_funeral_grant", period) + person("survivor_pension", period))
        own = person("personal_contributions", period)
        capped = (person("contribution_months", period) < p.cap_below_years * MONTHS_PER_YEAR) & (own >= 0)
        return np.where(capped, np.minimum(total, own), total)
