"""规模裁员: 天津 津人社办发〔2020〕91号 四（二） (explained 30 days ahead and reported); 山东 “六保三促”方案 8 (the
same thresholds: the 企业主管部门 and the county government step in; no notice period printed)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Enterprise
from kuaiban.rules.region_keys import by_region, optional

CALCULATOR = "mass_layoff"
REFS = ("tj_mass_layoff", "sd_mass_layoff")


class layoff_count(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "拟裁减人数"


class staff_total(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "企业职工总数"


class mass_layoff(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "裁减20人以上，或不足20人但占职工总数10%以上：须提前30日说明情况并报告"
    reference = REFS

    def formula_2020_06_01(enterprise, period, parameters):
        count = enterprise("layoff_count", period)
        staff = np.maximum(enterprise("staff_total", period), 1)
        return by_region(enterprise, period, parameters, CALCULATOR, "min_people",
                         lambda node: (count >= node.min_people) | (count / staff >= node.min_share), False)


class mass_layoff_city_report(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "裁减超过50人：区人社部门收到报告后向市人社部门报告"
    reference = REFS

    def formula_2020_06_01(enterprise, period, parameters):
        count = enterprise("layoff_count", period)
        return by_region(enterprise, period, parameters, CALCULATOR, "min_people",
                         lambda node: count > optional(node, "city_report_over", np.inf), False)


class mass_layoff_government_steps_in(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "企业主管部门和县（市、区）政府提前介入（山东）"
    reference = ("sd_mass_layoff",)

    def formula_2020_06_01(enterprise, period, parameters):
        steps_in = enterprise("mass_layoff", period)
        return by_region(enterprise, period, parameters, CALCULATOR, "min_people",
                         lambda node: steps_in & bool(optional(node, "government_steps_in", False)), False)


class mass_layoff_notice_days(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "应提前说明情况的日数"
    reference = REFS

    def formula_2020_06_01(enterprise, period, parameters):
        return by_region(enterprise, period, parameters, CALCULATOR, "min_people",
                         lambda node: optional(node, "notice_days", 0), 0)


class mass_layoff_earliest_date(Variable):
    value_type = date
    default_value = date(1, 1, 1)
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "自向工会或全体职工说明情况之日（期间）起，最早可实施裁减之日"
    reference = REFS

    def formula_2020_06_01(enterprise, period, parameters):
        days = enterprise("mass_layoff_notice_days", period)
        start = period.start.date
        return np.array([np.datetime64((start + timedelta(days=int(d))).isoformat(), "D") for d in days])
