"""阶段性降低失业、工伤保险费率: the last day a region's reduced rate applies, as known on the query day.

The rates themselves are not printed (an employer's current rate is an input elsewhere); the dates are. Where
the national notice and a province's notice both speak to an insurance, the later notice wins: 人社厅发〔2021〕2号
(2021-01-08) extends both reductions to 2022-04-30 in 山东, 湖南, 广东 …; 重庆's later 渝人社发〔2021〕15号 extends
only the 失业 part and restores normal 工伤 rates from 2021-01-01.
"""

from __future__ import annotations

from datetime import date

import numpy as np
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Enterprise
from kuaiban.rules.formulas import parameter_or_none
from kuaiban.rules.region_keys import covered_by, regional_nodes

CALCULATOR = "reduced_rate_period"
NONE = np.datetime64("0001-01-01", "D")
REFS = ("nat_reduced_rates_2022", "cq_reduced_rates_2021", "gd_unemployment_rate_2021", "sd_reduced_rates_2021",
        "hn_reduced_rates_2021")


class ReducedInsurance(Enum):
    unemployment = "失业保险"
    work_injury = "工伤保险"


class reduced_insurance(Variable):
    value_type = Enum
    possible_values = ReducedInsurance
    default_value = ReducedInsurance.unemployment
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "险种"


class reduced_rate_until(Variable):
    value_type = date
    default_value = date(1, 1, 1)
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "阶段性降低费率执行至（0001-01-01 为汇编未载）"
    reference = REFS

    def formula_2020_02_17(enterprise, period, parameters):
        codes = np.asarray(enterprise("enterprise_region_code", period), dtype=object)
        field = np.where(enterprise("reduced_insurance", period) == ReducedInsurance.work_injury,
                         "work_injury_until", "unemployment_until")
        best_issued = np.full(enterprise.count, NONE)
        best_until = np.full(enterprise.count, NONE)
        candidates = list(regional_nodes(parameters, period.start, CALCULATOR, "issued"))
        national = parameter_or_none(parameters, period.start, f"{CALCULATOR}.national.issued")
        if national is not None:
            candidates.append((None, parameter_or_none(parameters, period.start, f"{CALCULATOR}.national")))
        for code, node in candidates:
            here = np.ones(enterprise.count, dtype=bool) if code is None else covered_by(codes, code)
            issued = np.datetime64(str(node.issued), "D")
            for name in ("unemployment_until", "work_injury_until"):
                value = str(node[name])
                if not value:
                    continue
                take = here & (field == name) & (issued > best_issued)
                best_issued = np.where(take, issued, best_issued)
                best_until = np.where(take, np.datetime64(value, "D"), best_until)
        return best_until


class reduced_rate_applies(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "查询日仍在阶段性降低费率期间"
    reference = REFS

    def formula_2020_02_17(enterprise, period, parameters):
        until = enterprise("reduced_rate_until", period).astype("datetime64[D]")
        return (until != NONE) & (np.datetime64(period.start.date, "D") <= until)
