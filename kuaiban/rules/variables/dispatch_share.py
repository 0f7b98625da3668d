"""劳务派遣人数比例 (重庆 “诚信积分制”, 渝人社发〔2021〕58号 附件 第十八条（六）): an agency that sends a user unit more
than 10 % of its 用工总数 loses 3 integrity points per finding."""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Enterprise
from kuaiban.rules.region_keys import by_region

CALCULATOR = "dispatch_share"
REFS = ("cq_dispatch_over_limit", "cq_dispatch_deduction")


class dispatched_workers(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "向该用工单位派遣的劳动者人数"


class workforce_total(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "用工单位用工总数（含被派遣劳动者）"


class dispatch_over_limit(Variable):
    value_type = bool
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "派遣人数超过用工总数的10%"
    reference = REFS

    def formula_2021_12_22(enterprise, period, parameters):
        share = enterprise("dispatched_workers", period) / np.maximum(enterprise("workforce_total", period), 1)
        return by_region(enterprise, period, parameters, CALCULATOR, "max_share",
                         lambda node: share > node.max_share, False)


class dispatch_deduction(Variable):
    value_type = int
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "扣减的诚信积分（每发现1次）"
    reference = REFS

    def formula_2021_12_22(enterprise, period, parameters):
        over = enterprise("dispatch_over_limit", period)
        return by_region(enterprise, period, parameters, CALCULATOR, "max_share",
                         lambda node: np.where(over, node.deduction_points, 0), 0)
