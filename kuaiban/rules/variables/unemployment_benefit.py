"""失业保险金月发放标准: 北京 by contribution band (京人社发[2020]8号, from 2020-07-01); 90 % of the local minimum
wage in 湖南 (from 2020-03-01), 山东 (2020) and Chongqing's national key counties (渝人社办[2021]189号), paid to
those with a year of contributions (人社部发〔2020〕40号 二) when the months are given.

The minimum wage is an official figure the user supplies, except in Chongqing from 2022-04-01: the four national
key counties (城口、巫溪、酉阳、彭水, 渝人社〔2021〕234号) all stand in one band of 渝人社发〔2021〕52号, whose
monthly standard is then used."""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.enums import Region
from kuaiban.rules.formulas import MONTHS_PER_YEAR, bands, parameter_or_none, regional, round_fen

MINIMUM_WAGE_BANDS = ("band_1", "band_2")  # parameters/minimum_wage/r500000.yaml, numbered from 1
KEY_COUNTIES = "unemployment_benefit.key_counties.r500000.counties"


class unemployment_benefit_contribution_months(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "累计缴费月数（失业保险金）；-1 为未提供"
    default_value = -1


class unemployment_benefit_beijing(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "北京市失业保险金月发放标准"
    unit = "currency-CNY"
    reference = ("bj_ub_1_5", "bj_ub_5_10", "bj_ub_10_15", "bj_ub_15_20", "bj_ub_20", "bj_ub_13th", "bj_ub_start")

    def formula_2020_07(person, period, parameters):
        p = parameters(period.start).unemployment_benefit.beijing
        months = person("unemployment_benefit_contribution_months", period)
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


def key_county_band(parameters, instant) -> int:
    """The band of 重庆's minimum wage (1, 2) listing every national key county; 0 while either list is not in
    force. A band that lists only some of them would leave the standard of a key county open: an error."""
    counties = parameter_or_none(parameters, instant, KEY_COUNTIES)
    node = parameter_or_none(parameters, instant, "minimum_wage.r500000")
    if counties is None or node is None or parameter_or_none(parameters, instant, "minimum_wage.r500000.band_1.monthly") is None:
        return 0
    holding = [number for number, name in enumerate(MINIMUM_WAGE_BANDS, start=1)
               if set(counties) <= set(node[name].counties)]
    if not holding:
        raise ValueError("重庆的国家重点帮扶县不在最低工资标准的同一档：须按县计算")
    return holding[0]


class unemployment_benefit_key_county_band(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.MONTH
    label = "（重庆）国家重点帮扶县所属的最低工资标准档次（汇编载有最低工资标准时；否则为 0）"
    reference = ("cq_key_counties", "cq_min_wage_band_1", "cq_min_wage_band_2")

    def formula(person, period, parameters):
        band = key_county_band(parameters, period.start)
        key_county = (person("region", period) == Region.chongqing) & person("national_key_county", period)
        return np.where(key_county, band, 0)


class unemployment_benefit_printed_minimum_wage(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "汇编所载的当地最低工资标准（元/月；重庆国家重点帮扶县自2022年4月1日起，其他为 0：须由使用者提供）"
    unit = "currency-CNY"
    reference = ("cq_key_counties", "cq_min_wage_band_1", "cq_min_wage_band_2")

    def formula(person, period, parameters):
        band = key_county_band(parameters, period.start)
        if not band:
            return np.zeros(person.count)
        monthly = parameters(period.start).minimum_wage.r500000[MINIMUM_WAGE_BANDS[band - 1]].monthly
        return np.where(person("unemployment_benefit_key_county_band", period) > 0, monthly, 0.0)


class unemployment_benefit_minimum_wage(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "计算失业保险金所用的当地最低工资标准（汇编所载的，否则为使用者提供的）"
    unit = "currency-CNY"
    reference = ("cq_min_wage_band_2",)

    def formula(person, period, parameters):
        supplied = person("local_minimum_wage", period)
        if not key_county_band(parameters, period.start):  # no printed wage in force: no pass over the rows
            return supplied
        printed = person("unemployment_benefit_printed_minimum_wage", period)
        return np.where(printed > 0, printed, supplied)


class unemployment_benefit_contribution_short(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.MONTH
    label = "（按最低工资标准比例计算的地区）提供的累计缴费月数不满领取失业保险金所需的月数"
    reference = ("nat_ub_conditions", "sd_ub_conditions")

    def formula(person, period, parameters):
        qualifying = regional(person, period, parameters, "unemployment_benefit.qualifying_months")
        months = person("unemployment_benefit_contribution_months", period)
        # NaN (no rule in force) compares false; -1 (months not given) is not short
        return (months < qualifying) & (months >= 0)


class unemployment_benefit(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "失业保险金月发放标准（按参保地）"
    unit = "currency-CNY"
    reference = ("bj_ub_start", "bj_ub_1_5", "hn_ub_90", "sd_ub_90_2020_07", "cq_ub_90_key_counties",
                 "nat_ub_conditions")

    def formula(person, period, parameters):
        region = person("region", period)
        by_wage = round_fen(person("unemployment_benefit_minimum_wage_share", period)
                            * person("unemployment_benefit_minimum_wage", period))
        by_wage = np.where(person("unemployment_benefit_contribution_short", period), 0.0, by_wage)
        return np.where(region == Region.beijing, person("unemployment_benefit_beijing", period), by_wage)
