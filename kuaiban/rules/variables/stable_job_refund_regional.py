"""失业保险稳岗返还 of 山东 2020 (鲁人社字〔2020〕26号, “六保三促” 7, 鲁人社字〔2020〕63号: 50 %, SMEs 100 %, hardship
≤ 6 × the county's monthly 失业保险金 × insured) and 天津 (津政办规〔2020〕7号: 50 %, layoff rate below the city's
target, a supplied official figure). 湖南 2020 and the national 2021 refund are `stable_job_refund`."""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Enterprise
from kuaiban.rules.enums import Region
from kuaiban.rules.formulas import parameter_or_none, round_fen
from kuaiban.rules.variables.enterprise import SMALL_AND_MICRO, SME

SHANDONG = "stable_job_refund_regional.r370000"
TIANJIN = "stable_job_refund_regional.r120000"
REFERENCES = ("sd_sjr_general", "sd_sjr_paid", "sd_sjr_layoff", "sd_sjr_reserve", "sd_sjr_sme", "tj_sjr")


class ui_paid_months(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "足额缴纳失业保险费的月数"


class fund_reserve_months(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "统筹地区失业保险基金备付能力（月；山东，当地情况，汇编未载）"


class industry_policy_compliant(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "生产经营活动符合产业结构调整和环保政策（可承诺）"
    default_value = True


class losses_2018_and_2019(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "2018年和2019年出现亏损"


class debt_ratio(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "资产负债率（0.5 为50%）"


class revenue_drop_2019(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "2019年营业收入同比下降幅度（0.4 为下降40%）"


class county_monthly_benefit(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "上年末企业参保所在县（市、区）月失业保险金标准（元；官方数字，汇编未载）"


class unemployment_rate_target(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "天津市城镇调查失业率控制目标（0.055 为5.5%；官方数字，汇编未载）"


class regional_refund_layoff_rate(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.MONTH
    label = "裁员率（山东：减少人数法与领金人数法“可按”其一，取较低者；天津：减少人数法）"
    reference = ("sd_sjr_layoff", "tj_sjr")

    def formula(enterprise, period, parameters):
        insured = np.maximum(enterprise("insured_last_year", period), 1)
        by_decrease = enterprise("decrease_last_year", period) / insured
        by_claimants = enterprise("claimants_last_year", period) / insured
        shandong = enterprise("enterprise_region", period) == Region.shandong
        return np.where(shandong, np.minimum(by_decrease, by_claimants), by_decrease)


class regional_refund_general_eligible(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.MONTH
    label = "符合一般稳岗返还条件（缴费月数、裁员率、山东的备付能力和产业政策）"
    reference = REFERENCES

    def formula(enterprise, period, parameters):
        region = enterprise("enterprise_region", period)
        insured = enterprise("insured_last_year", period)
        rate = enterprise("regional_refund_layoff_rate", period)
        paid = enterprise("ui_paid_months", period)
        eligible = np.zeros(enterprise.count, dtype=bool)
        if parameter_or_none(parameters, period.start, f"{SHANDONG}.general_share") is not None:
            p = parameters(period.start).stable_job_refund_regional.r370000
            limit = np.where(insured <= p.small_unit_employees, p.small_unit_layoff_rate, p.layoff_rate)
            shandong = ((paid >= p.paid_months) & (rate <= limit) & enterprise("industry_policy_compliant", period)
                        & (enterprise("fund_reserve_months", period) >= p.general_reserve_months))
            eligible = np.where(region == Region.shandong, shandong, eligible)
        if parameter_or_none(parameters, period.start, f"{TIANJIN}.general_share") is not None:
            p = parameters(period.start).stable_job_refund_regional.r120000
            # “对参保职工 30 人及以下的小微企业，裁员率放宽至 20%”: small and micro firms, not medium ones
            small = (insured <= p.small_unit_employees) & np.isin(enterprise("enterprise_size", period),
                                                                   [s.index for s in SMALL_AND_MICRO])
            # 低于控制目标 (strictly below); 30人及以下的小微企业放宽至20% (at most 20 %)
            rate_ok = np.where(small, (rate < enterprise("unemployment_rate_target", period))
                               | (rate <= p.small_unit_layoff_rate),
                               rate < enterprise("unemployment_rate_target", period))
            eligible = np.where(region == Region.tianjin, (paid >= p.paid_months) & rate_ok, eligible)
        return eligible


class regional_refund_general_share(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.MONTH
    label = "一般稳岗返还比例（山东中小微企业在备付能力条件下为100%）"
    reference = ("sd_sjr_general", "sd_sjr_sme", "tj_sjr")

    def formula(enterprise, period, parameters):
        region = enterprise("enterprise_region", period)
        share = np.zeros(enterprise.count)
        general = parameter_or_none(parameters, period.start, f"{SHANDONG}.general_share")
        if general is not None:
            sme_share = parameter_or_none(parameters, period.start, f"{SHANDONG}.sme_share")
            sme = np.isin(enterprise("enterprise_size", period), [s.index for s in SME])
            shandong = np.where(sme & (sme_share is not None), sme_share or 0.0, general)
            share = np.where(region == Region.shandong, shandong, share)
        tianjin = parameter_or_none(parameters, period.start, f"{TIANJIN}.general_share")
        if tianjin is not None:
            share = np.where(region == Region.tianjin, tianjin, share)
        return share


class stable_job_refund_regional_general(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.MONTH
    label = "一般稳岗返还金额（上年度实际缴纳失业保险费×返还比例）"
    unit = "currency-CNY"
    reference = REFERENCES

    def formula(enterprise, period, parameters):
        amount = enterprise("contributions_last_year", period) * enterprise("regional_refund_general_share", period)
        return np.where(enterprise("regional_refund_general_eligible", period), round_fen(amount), 0.0)


class regional_refund_hardship_eligible(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.MONTH
    label = "符合山东困难企业稳岗返还条件（一般条件＋两年亏损、资产负债率、营业收入降幅、24个月备付能力）"
    reference = ("sd_sjr_hardship_conditions", "sd_sjr_reserve", "sd_sjr_hardship_period")

    def formula(enterprise, period, parameters):
        if parameter_or_none(parameters, period.start, f"{SHANDONG}.hardship_months") is None:
            return np.zeros(enterprise.count, dtype=bool)
        p = parameters(period.start).stable_job_refund_regional.r370000
        debt = enterprise("debt_ratio", period)
        drop = enterprise("revenue_drop_2019", period)
        return ((enterprise("enterprise_region", period) == Region.shandong)
                & enterprise("regional_refund_general_eligible", period)
                & enterprise("losses_2018_and_2019", period)
                & (debt >= p.debt_ratio_min) & (debt <= p.debt_ratio_max)
                & (drop >= p.revenue_drop_min) & (drop <= p.revenue_drop_max)
                & (enterprise("fund_reserve_months", period) >= p.hardship_reserve_months))


class stable_job_refund_regional_hardship(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.MONTH
    label = "山东困难企业稳岗返还上限：6个月×县（市、区）月失业保险金标准×参保职工人数"
    unit = "currency-CNY"
    reference = ("sd_sjr_hardship_amount", "sd_sjr_hardship_ceiling")

    def formula(enterprise, period, parameters):
        months = parameter_or_none(parameters, period.start, f"{SHANDONG}.hardship_months")
        if months is None:
            return np.zeros(enterprise.count)
        amount = months * enterprise("county_monthly_benefit", period) * enterprise("insured_last_year", period)
        return np.where(enterprise("regional_refund_hardship_eligible", period), round_fen(amount), 0.0)


class stable_job_refund_regional(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.MONTH
    label = "申请的稳岗返还金额（同一年度只能按一种政策享受：困难企业或一般）"
    unit = "currency-CNY"
    reference = (*REFERENCES, "sd_sjr_once")

    def formula(enterprise, period, parameters):
        return np.where(enterprise("hardship_refund_requested", period),
                        enterprise("stable_job_refund_regional_hardship", period),
                        enterprise("stable_job_refund_regional_general", period))
