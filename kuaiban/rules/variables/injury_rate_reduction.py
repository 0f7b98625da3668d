"""北京 阶段性降低工伤保险费率 (京人社发〔2020〕4号, 2020-05-01…2021-04-30): the current rate of an industry-rated
employer (not printed: an input) cut by 20 %; project-based builders pay 0.8 %."""

from __future__ import annotations

import numpy as np
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Enterprise
from kuaiban.rules.enums import InjuryBasis
from kuaiban.rules.region_keys import by_region

CALCULATOR = "injury_rate_reduction"


class reduced_injury_rate(Variable):
    value_type = float
    default_value = -1.0
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "阶段性降低后的工伤保险费率（-1 为无适用规定或缺少现行费率）"
    reference = ("bj_injury_reduction",)

    def formula_2020_05_01(enterprise, period, parameters):
        project = enterprise("injury_basis", period) == InjuryBasis.project
        current = enterprise("current_injury_rate", period)

        def rate(node):
            by_industry = np.where(current >= 0, np.round(current * (1 - node.cut), 10), -1.0)
            return np.where(project, node.project_rate, by_industry)

        return by_region(enterprise, period, parameters, CALCULATOR, "cut", rate, -1.0)
