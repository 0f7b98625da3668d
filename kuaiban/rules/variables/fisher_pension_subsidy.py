"""退捕渔民养老保险补贴: 湖南 (湘人社发〔2020〕37号 四（四）: 3,000 / 2,000 元 a year + 400 元, 15 years, at most 2
per household, credited at once; already drawing → account pension + amount ÷ 139) and 重庆 (渝人社发〔2021〕9号:
2,500 元 a year for the 3,000 元 tier or flexible workers pro rata, 37,500 元 for those drawing by 2020, settlement
of the remaining years at eligibility)."""

from __future__ import annotations

import numpy as np
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.enums import Region
from kuaiban.rules.formulas import MONTHS_PER_YEAR, parameter_or_none, round_fen

HUNAN = "fisher_pension_subsidy.r430000"
CHONGQING = "fisher_pension_subsidy.r500000"


class FisherKind(Enum):
    professional = "专业渔民"
    part_time_licensed = "持证兼业渔民"
    other_licensed = "其它持证渔民"


class FisherScheme(Enum):
    residents = "城乡居民基本养老保险"
    enterprise = "企业职工基本养老保险（灵活就业人员）"


class FisherSubsidyCase(Enum):
    annual = "按年缴费补贴"
    drawing_by_2020 = "2020年底前已领取城乡居民养老保险待遇"
    settlement = "符合待遇领取条件时清算剩余年限"


class fisher_kind(Variable):
    value_type = Enum
    possible_values = FisherKind
    default_value = FisherKind.professional
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "退捕渔民身份（湖南）"


class fisher_scheme(Variable):
    value_type = Enum
    possible_values = FisherScheme
    default_value = FisherScheme.residents
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "参加的养老保险"


class fisher_subsidy_case(Variable):
    value_type = Enum
    possible_values = FisherSubsidyCase
    default_value = FisherSubsidyCase.annual
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "补贴情形（重庆）"


class household_others_subsidised(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "本户已享受补贴的其他人数（湖南）"


class drawing_residents_pension(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "已经领取城乡居民养老保险待遇（湖南）"


class contribution_year(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "补贴的缴费年度（重庆）"


class annual_contribution(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "该年度选择的城乡居民养老保险年缴费档次（元，重庆）"
    unit = "currency-CNY"


class paid_in_full(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "该年度已按年足额缴费（无欠费）"


class months_paid_in_year(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "灵活就业人员当年缴费月数（重庆）"
    unit = "month"


class double_dismissal_subsidy(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "当年度已按渝府发[2009]115号、渝人社发[2011]182号享受养老保险缴费补贴（“双解”等人员）"


class cumulative_contributions(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "本人累计缴纳的城乡居民养老保险费（元；清算时为2020年1月1日前的累计缴费）"
    unit = "currency-CNY"


class years_subsidised(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "已享受缴费补贴的年限（重庆清算）"
    unit = "year"


def _hunan(person, period, parameters):
    """(annual amount, total credited) for Hunan."""
    zeros = np.zeros(person.count)
    if parameter_or_none(parameters, period.start, f"{HUNAN}.years") is None:
        return zeros, zeros
    p = parameters(period.start).fisher_pension_subsidy.r430000
    kind = person("fisher_kind", period)
    government = np.select([kind == FisherKind.professional, kind == FisherKind.part_time_licensed],
                           [p.government_subsidy.professional, p.government_subsidy.part_time_licensed], 0.0)
    within_household = person("household_others_subsidised", period) < p.per_household
    annual = np.where((government > 0) & within_household, government + p.contribution_subsidy, 0.0)
    annual = np.where(person("region", period) == Region.hunan, annual, 0.0)
    return annual, annual * p.years


def _chongqing(person, period, parameters):
    """(annual amount, lump sum, top-up still to pay) for Chongqing."""
    zeros = np.zeros(person.count)
    if parameter_or_none(parameters, period.start, f"{CHONGQING}.years") is None:
        return zeros, zeros, zeros
    p = parameters(period.start).fisher_pension_subsidy.r500000
    here = person("region", period) == Region.chongqing
    case = person("fisher_subsidy_case", period)
    year = person("contribution_year", period)
    in_years = (year >= p.first_year) & (year <= p.last_year)
    residents = person("fisher_scheme", period) == FisherScheme.residents
    tier_ok = (person("annual_contribution", period) >= p.minimum_tier) & person("paid_in_full", period)
    months = np.clip(person("months_paid_in_year", period), 0, MONTHS_PER_YEAR)
    # 2500元/12个月×当年缴费月数，计算结果保留到元 (round half up to the yuan)
    flexible = np.floor(p.annual_subsidy * months / MONTHS_PER_YEAR + 0.5 + 1e-9)
    annual = np.where(residents, np.where(tier_ok, p.annual_subsidy, 0.0), flexible)
    annual = np.where((case == FisherSubsidyCase.annual) & in_years & here
                      & ~person("double_dismissal_subsidy", period), annual, 0.0)
    contributed = person("cumulative_contributions", period)
    drawing = (case == FisherSubsidyCase.drawing_by_2020) & here
    drawing_top_up = np.maximum(p.drawing_contribution_threshold - contributed, 0.0)
    remaining = np.maximum(p.years - person("years_subsidised", period), 0)
    settling = (case == FisherSubsidyCase.settlement) & here & residents
    per_year_own = p.minimum_tier - p.annual_subsidy
    settlement_top_up = np.maximum(per_year_own * remaining - contributed, 0.0)
    lump = np.select([drawing, settling], [p.drawing_lump_sum, p.annual_subsidy * remaining], 0.0)
    top_up = np.select([drawing, settling], [drawing_top_up, settlement_top_up], 0.0)
    return annual, lump, top_up


class fisher_pension_subsidy_annual(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "退捕渔民养老保险补贴（每人每年）"
    unit = "currency-CNY"
    reference = ("hn_fisher_amount", "cq_fisher_residents", "cq_fisher_flexible", "cq_fisher_double_dismissal",
                 "cq_fisher_2020", "cq_fisher_scope")

    def formula(person, period, parameters):
        hunan, _ = _hunan(person, period, parameters)
        chongqing, _, _ = _chongqing(person, period, parameters)
        return hunan + chongqing


class fisher_pension_subsidy(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "退捕渔民养老保险补贴金额（湖南：补贴年限合计一次计入；重庆：该年度补贴，或一次计入个人账户的金额）"
    unit = "currency-CNY"
    reference = ("hn_fisher_amount", "hn_fisher_other", "hn_fisher_residents", "hn_fisher_enterprise", "cq_fisher_scope",
                 "cq_fisher_residents", "cq_fisher_2020", "cq_fisher_flexible", "cq_fisher_drawing", "cq_fisher_settlement",
                 "cq_fisher_settlement_scope")

    def formula(person, period, parameters):
        _, hunan_total = _hunan(person, period, parameters)
        annual, lump, _ = _chongqing(person, period, parameters)
        return hunan_total + annual + lump


class fisher_top_up_required(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "计入补贴前本人须补缴的差额（重庆：已领待遇者累计缴费不足7500元，或清算时累计缴费不足）"
    unit = "currency-CNY"
    reference = ("cq_fisher_drawing", "cq_fisher_settlement")

    def formula(person, period, parameters):
        _, _, top_up = _chongqing(person, period, parameters)
        return top_up


class fisher_account_pension_increase(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "已领取城乡居民养老保险待遇的，从次月起每月增发的个人账户养老金（湖南：补贴金额÷139，保留到分）"
    unit = "currency-CNY"
    reference = ("hn_fisher_residents",)

    def formula(person, period, parameters):
        divisor = parameter_or_none(parameters, period.start, f"{HUNAN}.account_divisor")
        if divisor is None:
            return np.zeros(person.count)
        _, total = _hunan(person, period, parameters)
        drawing = person("drawing_residents_pension", period) & (
            person("fisher_scheme", period) == FisherScheme.residents)
        return np.where(drawing, round_fen(total / divisor), 0.0)
