"""Enterprise (参保单位) inputs and the three employer calculators' formulas:
阶段性减免社会保险费（2020）、湖南失业保险稳岗返还（2020）、湖南工伤保险费（2021起）.
"""

from __future__ import annotations

import numpy as np
from openfisca_core.indexed_enums import Enum as EnumType
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Enterprise
from kuaiban.rules.enums import EnterpriseSize, InjuryBasis, Region, UnitKind
from kuaiban.rules.formulas import parameter_or_none, round_fen, to_date

SME = (EnterpriseSize.micro, EnterpriseSize.small, EnterpriseSize.medium)
SMALL_AND_MICRO = (EnterpriseSize.micro, EnterpriseSize.small)  # 小微企业


class enterprise_region(Variable):
    value_type = EnumType
    possible_values = Region
    default_value = Region.unknown
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "参保地"


class enterprise_size(Variable):
    value_type = EnumType
    possible_values = EnterpriseSize
    default_value = EnterpriseSize.large
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "单位划型"


class unit_kind(Variable):
    value_type = EnumType
    possible_values = UnitKind
    default_value = UnitKind.enterprise
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "失业保险参保单位类型"


class injury_basis(Variable):
    value_type = EnumType
    possible_values = InjuryBasis
    default_value = InjuryBasis.industry
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "工伤保险参保方式"


class payroll(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "当月工资总额（元）"


class employer_rate(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "三项社会保险单位缴费费率合计（由用户提供）"


class restructuring(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "兼并重组、化解产能过剩、淘汰落后产能企业"


class deep_poverty_area(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "企业位于深度贫困地区（名单为官方资料，汇编未给出）"
    reference = ("hn_refund_poverty",)


class blacklisted(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "被列入“黑名单”或“失信被执行人”"


class insured_last_year(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "上年度参保职工人数"


class decrease_last_year(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "上年度参保职工减少人数"


class claimants_last_year(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "上年度领取失业保险金人数"


class fund_reserve_ok(Variable):
    value_type = bool
    default_value = False
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "统筹地区上年度失业保险基金滚存结余备付期限在1年以上（人社部发〔2021〕29号 一；用户提供）"


class layoff_rate_cap(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "统筹区裁员率控制线（当地确定，不高于全国控制目标）"


class contributions_last_year(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "上年度实际缴纳失业保险费（元）"


class loss_months(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "上年度10月至本年度6月连续亏损月数"


class net_profit_drop(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "上年度净利润同比下降比例（0.25 为下降25%）"


class monthly_unemployment_benefit(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "申报当月当地月人均失业保险金（元）"


class avg_insured_oct_to_mar(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "上年10月至本年3月月均参保人数"


class industry_class(Variable):
    value_type = int
    default_value = 1
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "工伤保险行业类别（1–8）"


class wage_total(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "职工工资总额（元）"


class contract_total(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "工程合同总造价（元）"


class current_injury_rate(Variable):
    value_type = float
    default_value = -1.0
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "本单位现行工伤保险费率；未提供为 -1"


# ---- 阶段性减免社会保险费 ----


class social_insurance_relief_share(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.MONTH
    label = "三项社会保险单位缴费中被免征（1）或减征（0.5）的份额"

    def formula_2020_02(enterprise, period, parameters):
        region = enterprise("enterprise_region", period)
        size = enterprise("enterprise_size", period)
        sme_like = np.isin(size, [s.index for s in (*SME, EnterpriseSize.individual_business)])
        large_like = np.isin(size, [EnterpriseSize.large.index, EnterpriseSize.other_unit.index])
        share = np.zeros(enterprise.count)
        for key in ("hunan", "hubei", "shanghai"):
            node = parameter_or_none(parameters, period.start, f"social_insurance_relief.{key}")
            if node is None or parameter_or_none(parameters, period.start, f"social_insurance_relief.{key}.sme") is None:
                continue  # no relief in force there (a null closes the 2020 values)
            here = region == Region[key]
            share = np.where(here & sme_like, node.sme, share)
            share = np.where(here & large_like, node.large, share)
        return share


class social_insurance_relief_amount(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.MONTH
    label = "当月减免的单位缴费额（工资总额 × 用户提供的单位费率 × 减免份额）"
    unit = "currency-CNY"

    def formula_2020_02(enterprise, period, parameters):
        due = enterprise("payroll", period) * enterprise("employer_rate", period)
        return round_fen(due * enterprise("social_insurance_relief_share", period))


# ---- 湖南 失业保险稳岗返还 2020 ----


class refund_layoff_rate(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.MONTH
    label = "单位裁员率：减少人数法与领金人数法取较低者"

    def formula_2020_09(enterprise, period, parameters):
        insured = np.maximum(enterprise("insured_last_year", period), 1)
        by_decrease = enterprise("decrease_last_year", period) / insured
        by_claimants = enterprise("claimants_last_year", period) / insured
        return np.minimum(by_decrease, by_claimants)

    def formula_2021_05(enterprise, period, parameters):
        # 人社部发〔2021〕29号 一 does not say how to count 裁员率: read as the decrease in insured staff over
        # the insured headcount (the decrease method of 湘人社规〔2020〕13号); the explanation says so
        insured = np.maximum(enterprise("insured_last_year", period), 1)
        return enterprise("decrease_last_year", period) / insured


class refund_layoff_test(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.MONTH
    label = "裁员率条件（含30人以下企业20%、领金人数法的20%附加条件）"

    def formula_2020_09(enterprise, period, parameters):
        p = parameters(period.start).stable_job_refund.hunan
        insured = np.maximum(enterprise("insured_last_year", period), 1)
        cap = enterprise("layoff_rate_cap", period)
        small = (enterprise("insured_last_year", period) <= p.small_unit_employees) & (
            enterprise("unit_kind", period) == UnitKind.enterprise
        )
        limit = np.where(small, np.maximum(cap, p.small_unit_layoff_rate), cap)
        rate_ok = enterprise("refund_layoff_rate", period) <= limit
        by_claimants = enterprise("claimants_last_year", period) / insured
        decrease_share = enterprise("decrease_last_year", period) / insured
        extra_ok = (by_claimants >= cap) | (decrease_share <= p.claimant_method_decrease_limit)
        return rate_ok & extra_ok

    def formula_2021_05(enterprise, period, parameters):
        p = parameters(period.start).stable_job_refund.national
        small = enterprise("insured_last_year", period) <= p.small_unit_employees
        cap = enterprise("layoff_rate_cap", period)
        limit = np.where(small, np.maximum(cap, p.small_unit_layoff_rate), cap)
        return enterprise("refund_layoff_rate", period) <= limit


class refund_general_eligible(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.MONTH
    label = "可申请一般稳岗返还"

    def formula_2020_09(enterprise, period, parameters):
        kind = enterprise("unit_kind", period)
        covered = (kind == UnitKind.enterprise) | (kind == UnitKind.other_unit)
        return covered & ~enterprise("blacklisted", period) & enterprise("refund_layoff_test", period)

    def formula_2021_05(enterprise, period, parameters):
        # enterprises, and 社会团体、基金会… 参照实施 (other_unit); no 黑名单 condition in 2021; only where the
        # pooling area's fund covers a year (a fact about the area, supplied by the user)
        kind = enterprise("unit_kind", period)
        covered = (kind == UnitKind.enterprise) | (kind == UnitKind.other_unit)
        return covered & enterprise("fund_reserve_ok", period) & enterprise("refund_layoff_test", period)


class refund_general_share(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.MONTH
    label = "一般稳岗返还比例（中小微企业为最高可提至的上限）"

    def formula_2020_09(enterprise, period, parameters):
        p = parameters(period.start).stable_job_refund.hunan
        share = np.where(enterprise("restructuring", period), p.restructuring_share, p.general_share)
        share = np.where(enterprise("deep_poverty_area", period), np.maximum(share, p.poverty_area_share), share)
        sme = np.isin(enterprise("enterprise_size", period), [s.index for s in SME]) & (
            enterprise("unit_kind", period) == UnitKind.enterprise
        )
        share = np.where(sme, np.maximum(share, p.sme_share_ceiling), share)
        return share * enterprise("refund_general_eligible", period)

    def formula_2021_05(enterprise, period, parameters):
        p = parameters(period.start).stable_job_refund.national
        sme = np.isin(enterprise("enterprise_size", period), [s.index for s in SME])
        share = np.where(sme, p.sme_share_ceiling, p.large_share_ceiling)
        return share * enterprise("refund_general_eligible", period)


class stable_job_refund_general(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.MONTH
    label = "一般稳岗返还金额"
    unit = "currency-CNY"

    def formula_2020_09(enterprise, period, parameters):
        return round_fen(enterprise("refund_general_share", period) * enterprise("contributions_last_year", period))


class refund_hardship_test(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.MONTH
    label = "困难企业净利润条件（连续6个月亏损或净利润同比下降超过20%）"

    def formula_2020_09(enterprise, period, parameters):
        p = parameters(period.start).stable_job_refund.hunan
        losses = enterprise("loss_months", period) >= p.hardship_loss_months
        return losses | (enterprise("net_profit_drop", period) > p.hardship_profit_drop)

    def formula_2021_05(enterprise, period, parameters):
        return np.zeros(enterprise.count, dtype=bool)  # no 困难企业稳岗返还 in 人社部发〔2021〕29号


class refund_hardship_eligible(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.MONTH
    label = "可申请困难企业稳岗返还"

    def formula_2020_09(enterprise, period, parameters):
        enterprise_only = enterprise("unit_kind", period) == UnitKind.enterprise
        return (
            enterprise_only
            & ~enterprise("blacklisted", period)
            & enterprise("refund_layoff_test", period)
            & enterprise("refund_hardship_test", period)
        )

    def formula_2021_05(enterprise, period, parameters):
        return np.zeros(enterprise.count, dtype=bool)  # no 困难企业稳岗返还 in 人社部发〔2021〕29号


class stable_job_refund_hardship(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.MONTH
    label = "困难企业稳岗返还上限：6个月 × 当地月人均失业保险金 × 月均参保人数"
    unit = "currency-CNY"

    def formula_2020_09(enterprise, period, parameters):
        p = parameters(period.start).stable_job_refund.hunan
        amount = (
            p.hardship_months_ceiling
            * enterprise("monthly_unemployment_benefit", period)
            * enterprise("avg_insured_oct_to_mar", period)
        )
        return round_fen(amount * enterprise("refund_hardship_eligible", period))


# ---- 湖南 工伤保险费 ----

    def formula_2021_05(enterprise, period, parameters):
        return np.zeros(enterprise.count)  # no 困难企业稳岗返还 in 人社部发〔2021〕29号


class work_injury_rate(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.MONTH
    label = "适用的工伤保险费率（基准费率；阶段性降低期间现行费率更低的按现行费率）"

    def formula_2021_01(enterprise, period, parameters):
        p = parameters(period.start).work_injury_premium.hunan
        rates = np.array(list(p.industry_rates))
        cls = np.clip(enterprise("industry_class", period), 1, len(rates)) - 1
        base = np.where(enterprise("injury_basis", period) == InjuryBasis.project, p.project_rate, rates[cls])
        current = enterprise("current_injury_rate", period)
        in_reduction = np.datetime64(period.start.date, "D") <= to_date(p.reduction_ends)
        lower_current = in_reduction & (current >= 0) & (current < base)
        return np.where(lower_current, current, base)


class work_injury_premium(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.MONTH
    label = "工伤保险费：工资总额（或工程合同总造价）× 费率"
    unit = "currency-CNY"

    def formula_2021_01(enterprise, period, parameters):
        project = enterprise("injury_basis", period) == InjuryBasis.project
        basis = np.where(project, enterprise("contract_total", period), enterprise("wage_total", period))
        return round_fen(basis * enterprise("work_injury_rate", period))


class hardship_refund_requested(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "申请的是困难企业稳岗返还（否则为一般稳岗返还）"


class stable_job_refund(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.MONTH
    label = "申请的稳岗返还金额（一般或困难企业）"
    unit = "currency-CNY"

    def formula_2020_09(enterprise, period, parameters):
        return np.where(
            enterprise("hardship_refund_requested", period),
            enterprise("stable_job_refund_hardship", period),
            enterprise("stable_job_refund_general", period),
        )
