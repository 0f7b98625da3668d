"""湖南城乡居民基本养老保险（湘政发〔2020〕19号）：按月待遇与政府缴费补贴."""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.formulas import round_fen
from kuaiban.rules.variables.inputs import UNKNOWN_DATE


class residents_basic_pension(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "当地基础养老金（元/月；中央和省最低标准由上级确定，文件未给出数额）"


class residents_contribution_years(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "累计缴费年限（不含补缴年限）"


class residents_account_balance(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "个人账户全部储存额（元）"


class residents_tier(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "选择的缴费档次（元/年）"


class residents_back_paid(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "该年度为中断后或隔年补缴"


class residents_total_contribution_years(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "累计缴费年限（含补缴年限）"


class residents_pension_age_reached(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.MONTH
    label = "已在年满60周岁的次月及以后"
    reference = ("hn_rp_eligibility",)

    def formula_2020_12(person, period, parameters):
        p = parameters(period.start).residents_pension.hunan
        birth = person("birth_date", period)
        birth_month = birth.astype("datetime64[M]").astype(int)  # months since 1970-01
        turns_age_month = birth_month + int(p.pension_age) * 12
        this_month = (period.start.year - 1970) * 12 + period.start.month - 1
        return this_month > turns_age_month


class residents_pension_years_met(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.MONTH
    label = "累计缴费年限（含补缴）不少于按制度实施时年龄确定的须缴费年限（已满60周岁的不用缴费）"
    reference = ("hn_rp_eligibility", "hn_rp_start_age")

    def formula_2020_12(person, period, parameters):
        # 七 (5506, 5508): the years required by the age at the old scheme's start (residents_pension_required_years);
        # back-paid years count (the 不含补缴 restriction is 六（一）'s, for the extra years pension only).
        # Without the scheme's start date nothing is decided: not met, never assumed.
        known = person("scheme_start_date", period) != np.datetime64(UNKNOWN_DATE.isoformat())
        required = person("residents_pension_required_years", period)
        return known & (person("residents_total_contribution_years", period) >= required)


class residents_pension_eligible(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.MONTH
    label = "符合按月领取条件：年满60周岁的次月起，且累计缴费（含补缴）满须缴费年限"
    reference = ("hn_rp_eligibility", "hn_rp_start_age")

    def formula_2020_12(person, period, parameters):
        return person("residents_pension_age_reached", period) & person("residents_pension_years_met", period)


class residents_extra_years_pension(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "年限基础养老金：满15年后每增加1年每月2元（不含补缴年限）"

    def formula_2020_12(person, period, parameters):
        p = parameters(period.start).residents_pension.hunan
        extra = np.maximum(person("residents_contribution_years", period) - p.years_threshold, 0)
        return extra * p.per_extra_year * person("residents_pension_eligible", period)


class residents_account_pension(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "个人账户养老金：储存额 ÷ 139"

    def formula_2020_12(person, period, parameters):
        p = parameters(period.start).residents_pension.hunan
        monthly = round_fen(person("residents_account_balance", period) / p.account_divisor)
        return monthly * person("residents_pension_eligible", period)


class residents_pension(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "城乡居民养老保险月待遇：基础养老金＋年限基础养老金＋个人账户养老金"
    unit = "currency-CNY"

    def formula_2020_12(person, period, parameters):
        basic = person("residents_basic_pension", period) * person("residents_pension_eligible", period)
        return round_fen(
            basic + person("residents_extra_years_pension", period) + person("residents_account_pension", period)
        )


class residents_contribution_subsidy(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.YEAR
    label = "政府对所选缴费档次的补贴（元/年）；补缴年限不享受"
    unit = "currency-CNY"

    def formula_2021(person, period, parameters):
        p = parameters(period.start).residents_pension.hunan
        thresholds = np.array(list(p.subsidy_thresholds))
        amounts = np.array(list(p.subsidy_amounts), dtype=float)
        tier = person("residents_tier", period)
        index = np.searchsorted(thresholds, tier, side="right") - 1
        subsidy = np.where(index >= 0, amounts[np.clip(index, 0, len(amounts) - 1)], 0.0)
        return subsidy * ~person("residents_back_paid", period)
