"""项目制培训补贴的拨付 (山东 鲁人社字〔2020〕55号): 60 % in advance; in full when 就业率 ≥ 85 % or 合格率 ≥ 95 %,
otherwise at most 80 %. The full amount follows the local standards (not printed): an input."""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Enterprise
from kuaiban.rules.formulas import round_fen
from kuaiban.rules.region_keys import by_region

CALCULATOR = "project_training_payment"
REFS = ("sd_project_training",)


class project_full_subsidy(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "项目的全额培训补贴资金（按当地标准核定，元）"


class project_employment_rate(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "培训后就业率（0.85 为 85%）"


class project_pass_rate(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "培训合格率（0.95 为 95%）"


class project_training_advance(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "培训实施后可先行拨付的补贴（上限）"
    unit = "currency-CNY"
    reference = REFS

    def formula_2020_05_21(enterprise, period, parameters):
        full = enterprise("project_full_subsidy", period)
        return by_region(enterprise, period, parameters, CALCULATOR, "advance_share",
                         lambda node: round_fen(node.advance_share * full), 0.0)


class project_training_targets_met(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "就业率或合格率达到全额拨付的要求"
    reference = REFS

    def formula_2020_05_21(enterprise, period, parameters):
        employment = enterprise("project_employment_rate", period)
        passed = enterprise("project_pass_rate", period)
        return by_region(enterprise, period, parameters, CALCULATOR, "advance_share",
                         lambda node: (employment >= node.employment_rate) | (passed >= node.pass_rate), False)


class project_training_payment(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "项目制培训补贴应拨付总额（两项指标均未达到的为上限）"
    unit = "currency-CNY"
    reference = REFS

    def formula_2020_05_21(enterprise, period, parameters):
        full = enterprise("project_full_subsidy", period)
        met = enterprise("project_training_targets_met", period)
        return by_region(enterprise, period, parameters, CALCULATOR, "advance_share",
                         lambda node: np.where(met, full, round_fen(node.reduced_share_ceiling * full)), 0.0)


class project_training_balance(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "先行拨付后尚应拨付的余额"
    unit = "currency-CNY"
    reference = REFS

    def formula_2020_05_21(enterprise, period, parameters):
        return np.maximum(enterprise("project_training_payment", period) - enterprise("project_training_advance", period),
                          0.0)
