"""按参训人数给予培训机构（企业、线上平台）的补贴: 天津 免费创业培训 500 元/人; 广州 专项技能帮扶 (no certificate)
50 元/人·天, at most 500 元/人; 重庆 留岗职工 通用素质、安全技能培训 at most 100 元/人·天 for at most 5 days (a
ceiling); 山东 线上平台 20 % of the local standard (an official figure the texts do not print: an input).
"""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Enterprise
from kuaiban.rules.region_keys import by_region, covered_by, optional

CALCULATOR = "training_provider_subsidy"
REFS = ("tj_startup_training", "gz_skill_assistance", "cq_stay_put_training", "sd_online_platform",
        "sd_offline_after_online_72")
PROBES = ("per_trainee", "per_day", "share_of_local_standard")


class provider_trainees(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "符合条件的参训人数（考核合格或未取得证书等，按所在地文件）"


class provider_training_days(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "每人培训天数（按天计补贴的）"


class local_training_standard(Variable):
    value_type = float
    default_value = -1.0
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "当地该培训项目职业培训补贴标准（元/人；当地确定，汇编未载；-1 为未提供）"
    reference = ("sd_online_platform",)


class offline_after_online(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "（山东）已享受线上平台培训补贴后，2020年12月31日前再参加同一职业同一等级线下实训并取得规定证书"
    reference = ("sd_offline_after_online_72",)


def _offline_share(enterprise, period, node) -> np.ndarray:
    """The share of the local standard per trainee: 山东's later offline course (鲁人社字〔2020〕72号 三（一）: 80 %)
    where the case says so and the rule is in force, else the platform's share."""
    offline = enterprise("offline_after_online", period)
    later = optional(node, "offline_after_online_share", None)
    if later is None:
        return np.full(enterprise.count, float(node.share_of_local_standard))
    return np.where(offline, float(later), float(node.share_of_local_standard))


def _per_trainee(enterprise, period, parameters, probe: str) -> np.ndarray:
    days = enterprise("provider_training_days", period)
    standard = enterprise("local_training_standard", period)
    codes = np.asarray(enterprise("enterprise_region_code", period), dtype=object)

    def amount(node):
        city = optional(node, "city", None)
        if city:  # a city's rule inside a province node (广州 in r440000): other cities get nothing
            return np.where(covered_by(codes, str(city)), _amount(node), 0.0)
        return _amount(node)

    def _amount(node):
        if probe == "per_trainee":
            return np.full(enterprise.count, float(node.per_trainee))
        if probe == "per_day":
            counted = np.minimum(days, optional(node, "max_days", 10 ** 6))
            return np.minimum(node.per_day * counted, optional(node, "cap_per_trainee", np.inf))
        return np.where(standard >= 0, _offline_share(enterprise, period, node) * standard, 0.0)

    return by_region(enterprise, period, parameters, CALCULATOR, probe, amount, np.nan)


class training_provider_subsidy_per_trainee(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "每名参训人员的补贴（元）"
    reference = REFS

    def formula_2020_02_06(enterprise, period, parameters):
        out = np.zeros(enterprise.count)
        for probe in PROBES:  # each region's rule has one of these shapes
            found = _per_trainee(enterprise, period, parameters, probe)
            out = np.where(np.isnan(found), out, found)
        return out


class training_provider_subsidy_is_ceiling(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "文件所列为上限（不超过）"
    reference = ("cq_stay_put_training",)

    def formula_2020_02_06(enterprise, period, parameters):
        out = np.zeros(enterprise.count, dtype=bool)
        for probe in PROBES:
            out |= by_region(enterprise, period, parameters, CALCULATOR, probe,
                             lambda node: bool(optional(node, "ceiling", False)), False)
        # 72号's 80 % for a later offline course is “按照…80%给予”, not a ceiling
        later = by_region(enterprise, period, parameters, CALCULATOR, "offline_after_online_share",
                          lambda node: True, False)
        return out & ~(later & enterprise("offline_after_online", period))


class training_provider_subsidy_needs_local_standard(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "需要当地培训补贴标准（官方数字）而未提供"
    reference = ("sd_online_platform",)

    def formula_2020_02_06(enterprise, period, parameters):
        missing = enterprise("local_training_standard", period) < 0
        return by_region(enterprise, period, parameters, CALCULATOR, "share_of_local_standard",
                         lambda node: missing, False)


class training_provider_subsidy(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "按参训人数给予培训机构（企业、平台）的补贴"
    unit = "currency-CNY"
    reference = REFS

    def formula_2020_02_06(enterprise, period, parameters):
        return enterprise("provider_trainees", period) * enterprise("training_provider_subsidy_per_trainee", period)
