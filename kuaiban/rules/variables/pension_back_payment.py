"""重庆企业职工基本养老保险补缴与延长缴费 (渝人社发〔2021〕67号, from 2022-01-01), two payments told apart by
`pension_payment_case`: an employer's 补缴 for under-declared headcount, months or bases (二（二）) = last year's
average wage × Σ contribution indices × (employer 20 % to 2019-04 / 16 % from 2019-05 + employee 8 %); the insured
person's 一次性缴费 to reach 15 years (二（三）) = the base they choose × 20 % × the missing months, 8 % of the base
credited to the account (三). The lump sum is open only to those insured by 2011-06-30 who have extended 5 years
(一（三）). The base is chosen within 60–300 % of the average wage; the spec refuses one outside it. The average
wage is a required official input."""

from __future__ import annotations

from datetime import date

import numpy as np
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.enums import Region
from kuaiban.rules.formulas import MONTHS_PER_YEAR, parameter_or_none, round_fen, to_date
from kuaiban.rules.variables.inputs import UNKNOWN_DATE

NODE = "pension_back_payment.r500000"


class PensionPaymentCase(Enum):
    employer_back_payment = "用人单位职工补缴"  # 二（二）
    lump_sum = "延长缴费后一次性缴费"  # 二（三）


class pension_payment_case(Variable):
    value_type = Enum
    possible_values = PensionPaymentCase
    default_value = PensionPaymentCase.employer_back_payment
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "缴费情形：用人单位职工补缴（二（二）），或延长缴费后一次性缴费（二（三））"


class BackPaymentKind(Enum):
    headcount_or_months = "少报职工人数、月数"
    base = "少报缴费基数"


class back_payment_kind(Variable):
    value_type = Enum
    possible_values = BackPaymentKind
    default_value = BackPaymentKind.headcount_or_months
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "补缴原因"


class average_wage_last_year(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "申报时全市上年度就业人员平均工资（元/年；官方数字，汇编未载）"
    unit = "currency-CNY"


class index_sum_until_2019_04(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "补缴期间2019年4月及以前各年度缴费指数之和（少报基数时为基数差额与对应平均工资之比的和）"


class index_sum_from_2019_05(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "补缴期间2019年5月及以后各年度缴费指数之和（少报基数时为基数差额与对应平均工资之比的和）"


class back_paid_years(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "一次性补缴的年数"
    unit = "year"


class pension_insured_since(Variable):
    value_type = date
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "申报参加企业职工基本养老保险并缴费的日期；未知时为 9999-12-31"
    default_value = UNKNOWN_DATE


class extended_months_paid(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "达到法定退休年龄后已延长缴费的月数"
    unit = "month"


class chosen_contribution_base(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "一次性缴费自愿选择的月缴费基数（元/月）"
    unit = "currency-CNY"


class pension_back_payment(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "补缴的企业职工基本养老保险费（单位＋个人）"
    unit = "currency-CNY"
    reference = ("cq_bp_headcount", "cq_bp_index", "cq_bp_base", "cq_bp_in_force")

    def formula(person, period, parameters):
        if parameter_or_none(parameters, period.start, f"{NODE}.employee_rate") is None:
            return np.zeros(person.count)
        p = parameters(period.start).pension_back_payment.r500000
        rate_early = p.employer_rate_until_2019_04 + p.employee_rate
        rate_late = p.employer_rate_from_2019_05 + p.employee_rate
        weighted = (person("index_sum_until_2019_04", period) * rate_early
                    + person("index_sum_from_2019_05", period) * rate_late)
        amount = round_fen(person("average_wage_last_year", period) * weighted)
        return np.where(person("region", period) == Region.chongqing, amount, 0.0)


class pension_payment_due(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "所问情形应缴的养老保险费：用人单位职工补缴的补缴金额，或延长缴费后一次性缴费的金额"
    unit = "currency-CNY"
    reference = ("cq_bp_headcount", "cq_bp_lump_sum")

    def formula(person, period, parameters):
        lump_sum = person("pension_payment_case", period) == PensionPaymentCase.lump_sum
        return np.where(lump_sum, person("pension_lump_sum_contribution", period),
                        person("pension_back_payment", period))


class back_payment_proof_required(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.MONTH
    label = "须提供证明补缴期间存在劳动关系的法律文书（少报人数、月数且一次性补缴3年及以上）"
    reference = ("cq_bp_proof",)

    def formula(person, period, parameters):
        years = parameter_or_none(parameters, period.start, f"{NODE}.proof_years")
        if years is None:
            return np.zeros(person.count, dtype=bool)
        return ((person("region", period) == Region.chongqing)
                & (person("back_payment_kind", period) == BackPaymentKind.headcount_or_months)
                & (person("back_paid_years", period) >= years))


class lump_sum_contribution_allowed(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.MONTH
    label = "可以一次性缴费（2011年6月30日及以前参保，且已延长缴费5年）"
    reference = ("cq_bp_extension",)

    def formula(person, period, parameters):
        if parameter_or_none(parameters, period.start, f"{NODE}.lump_sum_insured_by") is None:
            return np.zeros(person.count, dtype=bool)
        p = parameters(period.start).pension_back_payment.r500000
        return ((person("region", period) == Region.chongqing)
                & (person("pension_insured_since", period) <= to_date(p.lump_sum_insured_by))
                & (person("extended_months_paid", period) >= p.extension_months))


class lump_sum_contribution_months(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.MONTH
    label = "可以一次性缴费补足至满15年的月数（2011年6月30日及以前参保、延长缴费5年后仍不足15年）"
    unit = "month"
    reference = ("cq_bp_extension",)

    def formula(person, period, parameters):
        if parameter_or_none(parameters, period.start, f"{NODE}.target_months") is None:
            return np.zeros(person.count, dtype=np.int64)
        p = parameters(period.start).pension_back_payment.r500000
        missing = np.maximum(p.target_months - person("contribution_months", period), 0)
        return np.where(person("lump_sum_contribution_allowed", period), missing, 0)


def _average_wage_share(person, period, parameters, share_key: str) -> np.ndarray:
    """A share of last year's average wage, by month, to the 分 (0 where the share is not in force)."""
    share = parameter_or_none(parameters, period.start, f"{NODE}.{share_key}")
    if share is None:
        return np.zeros(person.count)
    return round_fen(person("average_wage_last_year", period) / MONTHS_PER_YEAR * share)


class lump_sum_base_floor(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "以个人身份参保的月缴费基数下限（平均工资月额的60%，到分）"
    unit = "currency-CNY"
    reference = ("cq_bp_provisional_base",)

    def formula(person, period, parameters):
        return _average_wage_share(person, period, parameters, "base_floor_share")


class lump_sum_base_ceiling(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "以个人身份参保的月缴费基数上限（平均工资月额的300%，到分）"
    unit = "currency-CNY"
    reference = ("cq_bp_provisional_base",)

    def formula(person, period, parameters):
        return _average_wage_share(person, period, parameters, "base_ceiling_share")


class lump_sum_contribution_base(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "一次性缴费的月缴费基数：参保人员自愿选择的基数（须在个人身份参保的基数范围内，范围外的由计算器拒绝，不截取）"
    unit = "currency-CNY"
    reference = ("cq_bp_lump_sum",)

    def formula(person, period, parameters):
        return person("chosen_contribution_base", period)


class pension_lump_sum_contribution(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "延长缴费后一次性缴费金额（基数×20%×补足月数）"
    unit = "currency-CNY"
    reference = ("cq_bp_extension", "cq_bp_lump_sum")

    def formula(person, period, parameters):
        rate = parameter_or_none(parameters, period.start, f"{NODE}.lump_sum_rate")
        if rate is None:
            return np.zeros(person.count)
        return round_fen(person("lump_sum_contribution_base", period) * rate
                         * person("lump_sum_contribution_months", period))


class lump_sum_account_credit(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "一次性缴费后计入个人账户的金额（基数×8%×补足月数）"
    unit = "currency-CNY"
    reference = ("cq_bp_account",)

    def formula(person, period, parameters):
        rate = parameter_or_none(parameters, period.start, f"{NODE}.account_rate")
        if rate is None:
            return np.zeros(person.count)
        return round_fen(person("lump_sum_contribution_base", period) * rate
                         * person("lump_sum_contribution_months", period))
