"""全国 2020 稳岗返还上限 (stable_job_refund_national_2020): 人社部发〔2020〕30号 二（一） (2020-05-09 … 2020-12-31).

Ceilings only ("最高可提至", "不超过"): small, medium and micro enterprises up to 100 % of last year's unemployment
contributions; a hardship refund up to 6 months of the local monthly average benefit × insured staff, or up to 3
months of the social-insurance contributions due. The local figures (the general share for large enterprises, the
monthly average benefit, the pooling area's reserve) are official inputs the notice does not print. The general
refund needs a reserve of 12 months or more; the 24 months for hardship refunds may be met with the provincial
adjustment fund, so a shorter reserve does not bar it (the explanation says so).
"""

from __future__ import annotations

import numpy as np
from openfisca_core.indexed_enums import Enum as EnumType
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Enterprise
from kuaiban.rules.enums import EnterpriseSize, RefundKind
from kuaiban.rules.formulas import round_fen

REFERENCES = ("nat_refund_sme", "nat_refund_hardship", "nat_refund_reserve")


class nr_refund_kind(Variable):
    value_type = EnumType
    possible_values = RefundKind
    default_value = RefundKind.general
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "稳岗返还的种类"


class nr_contributions_last_year(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "企业及其职工上年度缴纳的失业保险费（元）"


class nr_local_general_share(Variable):
    value_type = float
    default_value = -1.0
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "当地稳岗返还标准（占上年度失业保险费的比例；当地规定，汇编未载；-1 为未提供）"


class nr_monthly_benefit(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "当地月人均失业保险金（元；官方数字，汇编未载）"


class nr_insured_staff(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "参保职工人数"


class nr_monthly_contributions_due(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "企业及其职工每月应缴纳的社会保险费（元）"


class nr_fund_reserve_months(Variable):
    value_type = float
    default_value = -1.0
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "统筹地区上年失业保险基金滚存结余的备付月数（官方数字；-1 为未提供）"


class stable_job_refund_national_2020_reserve_short(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "统筹地区备付能力低于规定月数"
    reference = ("nat_refund_reserve",)

    def formula_2020_05_09(enterprise, period, parameters):
        p = parameters(period.start).stable_job_refund_national_2020.national
        reserve = enterprise("nr_fund_reserve_months", period)
        general = enterprise("nr_refund_kind", period) == RefundKind.general
        needed = np.where(general, p.reserve_months_general, p.reserve_months_hardship)
        return (reserve >= 0) & (reserve < needed)


class stable_job_refund_national_2020(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "2020 年稳岗返还上限（元）"
    unit = "currency-CNY"
    reference = REFERENCES

    def formula_2020_05_09(enterprise, period, parameters):
        p = parameters(period.start).stable_job_refund_national_2020.national
        kind = enterprise("nr_refund_kind", period)
        size = enterprise("enterprise_size", period)
        sme = np.isin(size, [EnterpriseSize.micro.index, EnterpriseSize.small.index, EnterpriseSize.medium.index])
        share = np.where(sme, p.sme_share_cap, np.maximum(enterprise("nr_local_general_share", period), 0))
        general = enterprise("nr_contributions_last_year", period) * share
        general = np.where(enterprise("stable_job_refund_national_2020_reserve_short", period), 0, general)
        by_benefit = p.hardship_benefit_months * enterprise("nr_monthly_benefit", period) * enterprise(
            "nr_insured_staff", period)
        by_contributions = p.hardship_contribution_months * enterprise("nr_monthly_contributions_due", period)
        return round_fen(np.select([kind == RefundKind.general, kind == RefundKind.hardship_benefit],
                                   [general, by_benefit], by_contributions))
