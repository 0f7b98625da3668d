"""就业见习补贴 (internship_subsidy): 湖南, 山东, 天津 2020, paid to the 见习单位.

Standards are shares of the local minimum wage, an official figure no compilation prints for these
provinces: it is a required input. The period is the day the subsidy is claimed.
"""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Enterprise
from kuaiban.rules.formulas import leaf, regional_nodes, round_fen

REFERENCES = ("hn_internship_retention", "sd_internship_standard", "sd_internship_retention_43",
              "sd_internship_retention_67", "tj_internship")
UNKNOWN = -1.0


class employer_minimum_wage(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "当地月最低工资标准（元/月，官方公布值）"


class internship_trainee_months(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "申请补贴的见习人月数（各见习人员见习月数之和）"


class internship_retention_rate(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "见习期满留用率"


class internship_retained(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "见习期满留用人数"


class internship_monthly_standard(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "每名见习人员每月的见习补贴（生活费补贴）标准（元）；-1 为文件未印"
    unit = "currency-CNY"
    reference = REFERENCES

    def formula_2020_02_22(enterprise, period, parameters):
        region = enterprise("enterprise_region", period)
        wage = enterprise("employer_minimum_wage", period)
        retention = enterprise("internship_retention_rate", period)
        out = np.full(enterprise.count, UNKNOWN)
        for member, node in regional_nodes(parameters, period.start, "internship_subsidy"):
            here = region == member
            base = leaf(node, "share_of_minimum_wage")
            share = np.full(enterprise.count, UNKNOWN if base is None else float(base))
            retained_share = leaf(node, "retained_share_of_minimum_wage")
            if retained_share is not None:
                # 留用率“达到50%（以上）”：恰好50%也算
                kept = np.round(retention, 6) >= leaf(node, "retention_threshold")
                share = np.where(kept, float(retained_share), share)
            out = np.where(here, np.where(share == UNKNOWN, UNKNOWN, round_fen(wage * share)), out)
        return out


class internship_retention_bonus(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "留用奖励（元）"
    unit = "currency-CNY"
    reference = ("tj_internship",)

    def formula_2020_02_22(enterprise, period, parameters):
        region = enterprise("enterprise_region", period)
        out = np.zeros(enterprise.count)
        for member, node in regional_nodes(parameters, period.start, "internship_subsidy"):
            bonus = leaf(node, "retention_bonus")
            if bonus is not None:
                out = np.where(region == member, float(bonus) * enterprise("internship_retained", period), out)
        return out


class internship_subsidy(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "就业见习补贴合计（元）；-1 为文件未印标准"
    unit = "currency-CNY"
    reference = REFERENCES

    def formula_2020_02_22(enterprise, period, parameters):
        standard = enterprise("internship_monthly_standard", period)
        total = round_fen(standard * enterprise("internship_trainee_months", period))
        return np.where(standard == UNKNOWN, UNKNOWN, total + enterprise("internship_retention_bonus", period))
