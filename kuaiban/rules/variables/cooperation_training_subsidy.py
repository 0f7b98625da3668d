"""鲁渝劳务协作 企业一次性培训补贴 (cooperation_training_subsidy): 重庆 渝人社〔2021〕186号 二 — each year, a firm
that employs poverty-relieved workers (脱贫人口) of Chongqing's 14 key counties in Shandong for 6 months or more
and trains them gets 500 元 per such worker. The paying region is Chongqing (the worker's home); the firm may be
anywhere in Shandong. The period is the application day.
"""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Enterprise
from kuaiban.rules.region_keys import by_region

CALCULATOR = "cooperation_training_subsidy"


class ct_workers(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "吸纳的14个脱贫重点区县（自治县）脱贫人口人数（当年未领过此补贴的）"


class ct_months_employed(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "这些人员在山东省稳定就业的月数（取最短者）"


class ct_trained(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "企业已对这些人员进行技能培训"


class cooperation_training_subsidy(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "鲁渝劳务协作企业一次性培训补贴（元）"
    unit = "currency-CNY"
    reference = ("cq_lc_firm_training", "cq_placement_period")

    def formula_2021_01_01(enterprise, period, parameters):
        workers = enterprise("ct_workers", period)
        ok = enterprise("ct_trained", period)
        months = enterprise("ct_months_employed", period)

        def amount(node):
            return np.where(ok & (months >= int(node.min_months)), float(node.per_person) * workers, 0.0)

        return by_region(enterprise, period, parameters, CALCULATOR, "per_person", amount, 0.0)
