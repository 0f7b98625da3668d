"""失业保险金月发放标准: 北京 by contribution band (京人社发[2020]8号, from 2020-07-01); 90 % of the local minimum
wage in 湖南 (from 2020-03-01), 山东 (2020) and Chongqing's national key counties (渝人社办[2021]189号)."""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.enums import Region
from kuaiban.rules.formulas import MONTHS_PER_YEAR, bands, regional, round_fen


class unemployment_benefit_beijing(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "北京市失业保险金月发放标准"
    unit = "currency-CNY"
    reference = ("bj_ub_1_5", "bj_ub_5_10", "bj_ub_10_15", "bj_ub_15_20", "bj_ub_20", "bj_ub_13th", "bj_ub_start")

    def formula_2020_07(person, period, parameters):
        p = parameters(period.start).unemployment_benefit.beijing
        months = person("contribution_months", period)
        # the band each person's months fall in: below 1 year none, [1, 5) years the first, … 20 years and more
        # the last (one table lookup per row over the five bounds, not five comparisons and a select)
        bounds = np.array([p.min_years, p.tier_2_from_years, p.tier_3_from_years, p.tier_4_from_years,
                           p.tier_5_from_years]) * MONTHS_PER_YEAR
        amounts = np.array([0.0, p.amount_1_to_5, p.amount_5_to_10, p.amount_10_to_15, p.amount_15_to_20,
                            p.amount_20_plus])
        by_tier = amounts[bands(months, bounds)]
        late = person("benefit_month", period) >= p.flat_from_month
        return np.where(late & (by_tier > 0), p.amount_from_month_13, by_tier)


class unemployment_benefit_minimum_wage_share(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "失业保险金标准占当地最低工资标准的比例（参保地有此规定时）"
    reference = ("hn_ub_90", "sd_ub_90_2020_02", "sd_ub_90_2020_07", "cq_ub_90_key_counties")

    def formula(person, period, parameters):
        share = regional(person, period, parameters, "unemployment_benefit.minimum_wage_share", missing=0.0)
        chongqing_elsewhere = (person("region", period) == Region.chongqing) & ~person("national_key_county", period)
        return np.where(chongqing_elsewhere, 0.0, share)


class unemployment_benefit(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "失业保险金月发放标准（按参保地）"
    unit = "currency-CNY"
    reference = ("bj_ub_start", "bj_ub_1_5", "hn_ub_90", "sd_ub_90_2020_07", "cq_ub_90_key_counties")

    def formula(person, period, parameters):
        region = person("region", period)
        by_wage = round_fen(person("unemployment_benefit_minimum_wage_share", period)
                            * person("local_minimum_wage", period))
        return np.where(region == Region.beijing, person("unemployment_benefit_beijing", period), by_wage)
