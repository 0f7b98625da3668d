"""职业介绍补贴、就业创业服务补助 (placement_subsidy), paid to the HR service agency (an Enterprise).

Each region prints its own situations (PlacementKind); the parameters of a situation say what the placed
people must meet (months employed, contract, contributions, batch size, placement window) and the amount
per person, or Beijing's tiers. The period is the application day.
"""

from __future__ import annotations

from datetime import date

import numpy as np
from openfisca_core.indexed_enums import Enum as EnumType
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Enterprise
from kuaiban.rules.enums import PlacementKind
from kuaiban.rules.formulas import as_days, leaf, regional_nodes, to_date

REFERENCES = ("hn_placement_key_firms", "hn_placement_export", "bj_placement_tiers", "sd_placement_skilled",
              "sd_placement_chongqing", "tj_placement_hardship", "tj_placement_bulk", "cq_placement_poverty")


class placement_kind(Variable):
    value_type = EnumType
    possible_values = PlacementKind
    default_value = PlacementKind.key_firm
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "介绍就业的情形"


class placement_count(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "符合条件的成功介绍人数（一次输送的人数）"


class placement_employed_months(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "被介绍人员已稳定就业（或实习）的月数"


class placement_contract_months(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "签订的劳动合同期限（月）"


class placement_contribution_months(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "被介绍人员已参保缴费的月数"


class placement_date(Variable):
    value_type = date
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "介绍就业（签订劳动合同）日期"


REQUIREMENTS = ("min_employed_months", "min_contract_months", "min_contribution_months", "min_batch")


def _requirements(enterprise, period, parameters) -> dict[str, np.ndarray]:
    """What the case's situation requires in its region (0 where nothing is required), and `listed`: whether
    the region's texts print the situation at all — so a 0 can say which condition failed."""
    region = enterprise("enterprise_region", period)
    kind = enterprise("placement_kind", period)
    out = {name: np.zeros(enterprise.count) for name in REQUIREMENTS}
    out["listed"] = np.zeros(enterprise.count, dtype=bool)
    for member, node in regional_nodes(parameters, period.start, "placement_subsidy"):
        for situation in PlacementKind:
            scheme = leaf(node, situation.name)
            rows = (region == member) & (kind == situation)
            if scheme is None or not rows.any():
                continue
            if leaf(scheme, "per_person") is None and leaf(scheme, "tier_thresholds") is None:
                continue
            out["listed"] = out["listed"] | rows
            for name in REQUIREMENTS:
                out[name] = np.where(rows, float(leaf(scheme, name, 0)), out[name])
            if leaf(scheme, "tier_thresholds") is not None:  # 北京: the lowest tier is the least number placed
                out["min_batch"] = np.where(rows, float(next(iter(leaf(scheme, "tier_thresholds")))), out["min_batch"])
    return out


def _computed(enterprise, period, parameters):
    region = enterprise("enterprise_region", period)
    kind = enterprise("placement_kind", period)
    count = enterprise("placement_count", period)
    amount = np.zeros(enterprise.count)
    ceiling = np.zeros(enterprise.count, dtype=bool)
    for member, node in regional_nodes(parameters, period.start, "placement_subsidy"):
        for situation in PlacementKind:
            scheme = leaf(node, situation.name)
            rows = (region == member) & (kind == situation)
            if scheme is None or not rows.any():
                continue
            ok = enterprise("placement_employed_months", period) >= leaf(scheme, "min_employed_months", 0)
            ok &= enterprise("placement_contract_months", period) >= leaf(scheme, "min_contract_months", 0)
            ok &= enterprise("placement_contribution_months", period) >= leaf(scheme, "min_contribution_months", 0)
            ok &= count >= leaf(scheme, "min_batch", 0)
            placed = as_days(enterprise("placement_date", period))
            if leaf(scheme, "placed_from") is not None:
                ok &= (placed >= to_date(leaf(scheme, "placed_from"))) & (placed <= to_date(leaf(scheme, "placed_until")))
            per_person = leaf(scheme, "per_person")
            if per_person is not None:
                value = float(per_person) * count
            elif leaf(scheme, "tier_thresholds") is not None:
                thresholds = np.array(list(leaf(scheme, "tier_thresholds")))
                amounts = np.array([0.0, *list(leaf(scheme, "tier_amounts"))])
                value = amounts[np.searchsorted(thresholds, count, side="right")]
            else:
                continue
            amount = np.where(rows, np.where(ok, value, 0), amount)
            ceiling = np.where(rows, ok & bool(leaf(scheme, "is_ceiling", False)), ceiling)
    return amount, ceiling


class placement_subsidy(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "职业介绍补贴（就业创业服务补助）（元）"
    unit = "currency-CNY"
    reference = REFERENCES

    def formula_2020_02_21(enterprise, period, parameters):
        return _computed(enterprise, period, parameters)[0]


class placement_subsidy_is_ceiling(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "金额为上限（“每人最高”）"
    reference = ("tj_placement_bulk",)

    def formula_2020_02_21(enterprise, period, parameters):
        return _computed(enterprise, period, parameters)[1]


class placement_kind_listed(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "所填情形是补贴地文件载明的情形"
    reference = REFERENCES

    def formula_2020_02_21(enterprise, period, parameters):
        return _requirements(enterprise, period, parameters)["listed"]


class placement_required_employed_months(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "此情形要求的稳定就业（实习）月数（0 为不要求）"
    reference = REFERENCES

    def formula_2020_02_21(enterprise, period, parameters):
        return _requirements(enterprise, period, parameters)["min_employed_months"]


class placement_required_contract_months(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "此情形要求的劳动合同期限（月，0 为不要求）"
    reference = REFERENCES

    def formula_2020_02_21(enterprise, period, parameters):
        return _requirements(enterprise, period, parameters)["min_contract_months"]


class placement_required_contribution_months(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "此情形要求的参保缴费月数（0 为不要求）"
    reference = REFERENCES

    def formula_2020_02_21(enterprise, period, parameters):
        return _requirements(enterprise, period, parameters)["min_contribution_months"]


class placement_required_batch(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "此情形要求的（一次输送或累计推荐）人数（0 为不要求）"
    reference = REFERENCES

    def formula_2020_02_21(enterprise, period, parameters):
        return _requirements(enterprise, period, parameters)["min_batch"]
