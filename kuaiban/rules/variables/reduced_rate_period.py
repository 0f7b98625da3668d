"""阶段性降低失业、工伤保险费率: the last day a region's reduced rate applies, as known on the query day.

The rates themselves are not printed (an employer's current rate is an input elsewhere); the dates are. Where
the national notice and a province's notice both speak to an insurance, the later notice wins: 人社厅发〔2021〕2号
(2021-01-08) extends both reductions to 2022-04-30 in 山东, 湖南, 广东 …; 重庆's later 渝人社发〔2021〕15号 extends
only the 失业 part and restores normal 工伤 rates from 2021-01-01. 广东's 粤人社发〔2020〕70号 itself extends the 失业
documents; its opening quotes 粤府〔2020〕12号 extending the 工伤 reduction to the same 2021-04-30, which is read as
广东's 工伤 date. The explanation cites the notice the date comes from (reduced_rate_by_national).
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
REFS = ("nat_reduced_rates_2022", "cq_reduced_rates_2021", "gd_unemployment_rate_2021", "gd_reduced_rates_quoted",
        "sd_reduced_rates_2021", "hn_reduced_rates_2021", "sh_reduced_rates_2021")


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
        return _latest_notice(enterprise, period, parameters)[0]


def _latest_notice(enterprise, period, parameters) -> tuple[np.ndarray, np.ndarray]:
    """Per enterprise: the end date the latest notice in force for its region and insurance gives (NONE where
    none does), and whether that notice is the national one."""
    codes = np.asarray(enterprise("enterprise_region_code", period), dtype=object)
    field = np.where(enterprise("reduced_insurance", period) == ReducedInsurance.work_injury,
                     "work_injury_until", "unemployment_until")
    best_issued = np.full(enterprise.count, NONE)
    best_until = np.full(enterprise.count, NONE)
    national_won = np.zeros(enterprise.count, dtype=bool)
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
            national_won = np.where(take, code is None, national_won)
    return best_until, national_won


class reduced_rate_by_national(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "期限依据全国文件（人社厅发〔2021〕2号）而非本省文件"
    reference = REFS

    def formula_2020_02_17(enterprise, period, parameters):
        return _latest_notice(enterprise, period, parameters)[1]


class reduced_rate_applies(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "查询日仍在阶段性降低费率期间"
    reference = REFS

    def formula_2020_02_17(enterprise, period, parameters):
        until = enterprise("reduced_rate_until", period).astype("datetime64[D]")
        return (until != NONE) & (np.datetime64(period.start.date, "D") <= until)
