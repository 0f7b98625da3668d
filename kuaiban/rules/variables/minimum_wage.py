"""最低工资标准 by county (重庆, 渝人社发〔2021〕52号, from 2022-04-01) and the shortfall of a wage under it.

The standard is keyed by region in parameters/minimum_wage/r<province>.yaml, each band listing the county
codes it covers, so another province's standard is a new file of the same shape.
"""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.region_keys import province_of, regional_nodes

CALCULATOR = "minimum_wage"
BANDS = ("band_1", "band_2")
REFS = ("cq_min_wage_band_1", "cq_min_wage_band_2", "cq_min_wage_from")


class part_time(Variable):
    value_type = bool
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "非全日制职工（按小时计）"


class wage_for_normal_hours(Variable):
    value_type = float
    default_value = -1.0
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "法定工作时间内正常劳动的工资（不含加班加点工资、特殊条件津贴、非货币性补贴、劳动保险福利；月或小时）；-1 为未提供"
    reference = ("cq_min_wage_excludes",)


def _by_band(person, period, parameters, field: str):
    codes = np.asarray(person("region_code", period), dtype=object)
    province = province_of(codes)
    band = np.zeros(person.count, dtype=int)
    value = np.zeros(person.count)
    for code, node in regional_nodes(parameters, period.start, CALCULATOR, "band_1.monthly"):
        for number, name in enumerate(BANDS, start=1):
            listed = np.isin(codes, list(node[name].counties)) & (province == code)
            band = np.where(listed, number, band)
            if field != "band":
                value = np.where(listed, node[name][field], value)
    return band if field == "band" else value


class minimum_wage_band(Variable):
    value_type = int
    entity = Person
    definition_period = DateUnit.MONTH
    label = "最低工资标准档次（1、2；0 为该区县无标准或未到区县一级）"
    reference = REFS

    def formula_2022_04(person, period, parameters):
        return _by_band(person, period, parameters, "band")


class minimum_wage(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "最低工资标准：全日制职工为月标准（元/月），非全日制职工为小时标准（元/小时）"
    unit = "currency-CNY"
    reference = REFS

    def formula_2022_04(person, period, parameters):
        monthly = _by_band(person, period, parameters, "monthly")
        hourly = _by_band(person, period, parameters, "hourly")
        return np.where(person("part_time", period), hourly, monthly)


class minimum_wage_shortfall(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "正常劳动工资低于最低工资标准的差额（未提供工资为 0）"
    unit = "currency-CNY"
    reference = (*REFS, "cq_min_wage_excludes")

    def formula_2022_04(person, period, parameters):
        wage = person("wage_for_normal_hours", period)
        standard = person("minimum_wage", period)
        return np.where((wage >= 0) & (standard > 0), np.maximum(standard - wage, 0.0), 0.0)
