"""一次性吸纳就业补贴 (hiring_subsidy): 湖南 2020, 山东 2020, 重庆 2021–.

One enterprise claims for a batch of hires who share the same facts (group, hire date, contract …).
The period is the application day: the texts open and close the subsidy by application date (湖南
受理截止 2020-12-31) and, in 山东, by hire-date windows that are parameters too.
"""

from __future__ import annotations

from datetime import date

import numpy as np
from openfisca_core.indexed_enums import Enum as EnumType
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Enterprise
from kuaiban.rules.enums import EnterpriseSize, HiredGroup
from kuaiban.rules.formulas import leaf, regional_nodes, to_date

REFERENCES = [
    "hn_hiring_unemployed", "hn_hiring_graduates", "hn_hiring_graduates_term", "hn_hiring_2020_20",
    "sd_hiring_new_hires", "sd_hiring_new_hires_5", "sd_hiring_graduates",
    "cq_hiring_graduates", "cq_hiring_graduates_123",
]
CEILING_REFERENCES = ["sd_hiring_graduates"]
SME_SIZES = [EnterpriseSize.micro.index, EnterpriseSize.small.index, EnterpriseSize.medium.index]
GRADUATES = [HiredGroup.graduate_of_year.index, HiredGroup.other_graduate.index]


class hiring_group(Variable):
    value_type = EnumType
    possible_values = HiredGroup
    default_value = HiredGroup.other
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "被吸纳人员类别"


class hiring_count(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "本次申请吸纳人数（同一类别、同一条件）"


class hiring_date(Variable):
    value_type = date
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "招用（签订劳动合同）日期"


class hiring_contract_months(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "劳动合同期限（月；无固定期限填 999）"


class hiring_contributions_paid(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "已按规定为其缴纳社会保险费（经批准缓缴的视为已缴）"


class hiring_unemployed_months(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "被吸纳前连续登记失业月数"


class hiring_employed_months(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "申请时已稳定用工月数"


class hiring_prior_record(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "签订劳动合同前半年内在本企业有就业登记（备案）或社保缴费记录"


class hiring_subsidised_before(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "这些人员已享受过一次性吸纳就业补贴"


class hiring_job_post_subsidy_received(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "已为这些人员享受一次性岗位补贴"


def _scheme_amount(enterprise, period, scheme, group_ok) -> tuple[np.ndarray, np.ndarray]:
    """Per-hire amount of one scheme of one region (0 where a condition fails), and its ceiling flag."""
    amount = leaf(scheme, "amount")
    if amount is None:
        return np.zeros(enterprise.count), np.zeros(enterprise.count, dtype=bool)
    ok = np.array(group_ok, dtype=bool)
    ok &= enterprise("hiring_contract_months", period) >= leaf(scheme, "min_contract_months", 0)
    ok &= enterprise("hiring_employed_months", period) >= leaf(scheme, "min_employed_months", 0)
    if leaf(scheme, "contributions_required", False):
        ok &= enterprise("hiring_contributions_paid", period)
    if leaf(scheme, "sme_only", False):
        ok &= np.isin(enterprise("enterprise_size", period), SME_SIZES)
    if leaf(scheme, "excludes_job_post_subsidy", False):
        ok &= ~enterprise("hiring_job_post_subsidy_received", period)
    hired = enterprise("hiring_date", period).astype("datetime64[D]")
    if leaf(scheme, "hired_from") is not None:
        ok &= hired >= to_date(leaf(scheme, "hired_from"))
    if leaf(scheme, "hired_until") is not None:
        ok &= hired <= to_date(leaf(scheme, "hired_until"))
    if leaf(scheme, "no_prior_record_months") is not None:
        ok &= ~enterprise("hiring_prior_record", period)
    ceiling = np.full(enterprise.count, bool(leaf(scheme, "is_ceiling", False)))
    return np.where(ok, amount, 0.0), ok & ceiling


# The schemes a region's node may hold, each with the group it is for. 湖南: 2号 and 4号 until 2020-04-27, 20号's
# from 2020-04-28 (20号 replaces what is inconsistent with it; the parameters end 2号's and 4号's on that day);
# a hire gets the best scheme in force.
UNEMPLOYED_SCHEMES = ("unemployed", "unemployed_20")
GRADUATE_SCHEMES = ("graduate", "graduate_20")


def _per_hire(enterprise, period, parameters) -> tuple[np.ndarray, np.ndarray]:
    region = enterprise("enterprise_region", period)
    group = enterprise("hiring_group", period)
    value = np.zeros(enterprise.count)
    ceiling = np.zeros(enterprise.count, dtype=bool)
    for member, node in regional_nodes(parameters, period.start, "hiring_subsidy"):
        here = region == member
        candidates = []
        for name in UNEMPLOYED_SCHEMES:
            unemployed = leaf(node, name)
            if unemployed is not None:
                months_ok = enterprise("hiring_unemployed_months", period) >= leaf(unemployed, "min_unemployed_months", 0)
                candidates.append(_scheme_amount(
                    enterprise, period, unemployed, (group == HiredGroup.registered_unemployed) & months_ok))
        for name in GRADUATE_SCHEMES:
            graduate = leaf(node, name)
            if graduate is not None:
                of_year_only = leaf(graduate, "graduate_of_year_only", False)
                is_graduate = (group == HiredGroup.graduate_of_year) if of_year_only else np.isin(group, GRADUATES)
                candidates.append(_scheme_amount(enterprise, period, graduate, is_graduate))
        new_hire = leaf(node, "new_hire")
        if new_hire is not None:
            candidates.append(_scheme_amount(enterprise, period, new_hire, np.ones(enterprise.count, dtype=bool)))
        for amount, is_ceiling in candidates:
            # One subsidy per hire: the best scheme the hire qualifies for.
            better = here & (amount > value)
            ceiling = np.where(better, is_ceiling, ceiling)
            value = np.where(better, amount, value)
    once = ~enterprise("hiring_subsidised_before", period)
    return value * once, ceiling & once & (value > 0)


class hiring_subsidy_per_hire(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "一次性吸纳就业补贴：每吸纳1人的金额（元）"
    unit = "currency-CNY"
    reference = REFERENCES

    def formula_2020_02_17(enterprise, period, parameters):
        return _per_hire(enterprise, period, parameters)[0]


class hiring_subsidy_is_ceiling(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "金额为文件规定的上限（“最高”）"
    reference = CEILING_REFERENCES

    def formula_2020_02_17(enterprise, period, parameters):
        return _per_hire(enterprise, period, parameters)[1]


class hiring_subsidy(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "一次性吸纳就业补贴（元）"
    unit = "currency-CNY"
    reference = REFERENCES

    def formula_2020_02_17(enterprise, period, parameters):
        return enterprise("hiring_subsidy_per_hire", period) * enterprise("hiring_count", period)
