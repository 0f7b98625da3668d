"""企业新型学徒制培训补贴: apprentices × the yearly standard × the years actually trained (不超过备案期限).

The standard is the 市（地）'s (an official figure: input), which the national notices want at 5,000 元 or more
(原则上); 重庆 pays 6,000 元 for apprentices who reach 高级工 or above and lets 50 % be advanced.
"""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Enterprise
from kuaiban.rules.formulas import MONTHS_PER_YEAR, parameter_or_none, round_fen
from kuaiban.rules.region_keys import by_region

CALCULATOR = "apprenticeship_subsidy"
REFS = ("nat_apprentice_2020", "nat_apprentice_2021", "cq_apprentice_advanced", "cq_apprentice_advance")


class apprentices(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "学徒人数"


class apprentice_training_months(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "实际培训期限（月）"


class apprentice_filed_months(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "备案的培训期限（月）"


class apprentice_local_standard(Variable):
    value_type = float
    default_value = -1.0
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "市（地）确定的学徒每人每年补贴标准（元；汇编未载；-1 为未提供）"


class apprentice_advanced_certificate(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "学徒取得高级工及以上国家职业资格证书（或职业技能等级证书）"


class apprenticeship_standard(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "学徒每人每年补贴标准（元；-1 为需由用户提供的当地标准而未提供）"
    reference = REFS

    def formula_2020_07_21(enterprise, period, parameters):
        local = enterprise("apprentice_local_standard", period)
        advanced = enterprise("apprentice_advanced_certificate", period)
        return by_region(enterprise, period, parameters, CALCULATOR, "advanced_per_year",
                         lambda node: np.where(advanced, node.advanced_per_year, local), local)


class apprenticeship_below_national_floor(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "所用标准低于全国原则上的下限（每人每年5000元以上）"
    reference = ("nat_apprentice_2020", "nat_apprentice_2021")

    def formula_2020_07_21(enterprise, period, parameters):
        floor = parameter_or_none(parameters, period.start, f"{CALCULATOR}.national.floor_per_year")
        standard = enterprise("apprenticeship_standard", period)
        return (standard >= 0) & (standard < (floor or 0))


class apprenticeship_subsidy(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "企业新型学徒制培训补贴：人数 × 每人每年标准 × 实际培训期限（不超过备案期限）"
    unit = "currency-CNY"
    reference = REFS

    def formula_2020_07_21(enterprise, period, parameters):
        months = np.minimum(enterprise("apprentice_training_months", period), enterprise("apprentice_filed_months", period))
        standard = enterprise("apprenticeship_standard", period)
        amount = enterprise("apprentices", period) * standard * months / MONTHS_PER_YEAR
        return np.where(standard >= 0, round_fen(amount), 0.0)


class apprenticeship_advance(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "同意开班后可预支的补贴（上限；0 为文件未规定）"
    unit = "currency-CNY"
    reference = ("cq_apprentice_advance",)

    def formula_2020_07_21(enterprise, period, parameters):
        total = enterprise("apprenticeship_subsidy", period)
        return by_region(enterprise, period, parameters, CALCULATOR, "advanced_per_year",
                         lambda node: round_fen(node.advance_share * total), 0.0)
