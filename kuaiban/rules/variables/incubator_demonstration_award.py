"""创业孵化示范基地奖励 (incubator_demonstration_award): 天津 津政办规〔2020〕7号 （十六） — a base rated a national
or a municipal 创业孵化示范基地 gets an award of at most 1,000,000 / 500,000 元. The text gives only the maximum
("分别给予最高"), so the answer is a ceiling; the actual award is decided by the departments that rate the base.
"""

from __future__ import annotations

import numpy as np
from openfisca_core.indexed_enums import Enum as EnumType
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Enterprise
from kuaiban.rules.enums import DemonstrationLevel
from kuaiban.rules.region_keys import by_region

CALCULATOR = "incubator_demonstration_award"


class incubator_demonstration_level(Variable):
    value_type = EnumType
    possible_values = DemonstrationLevel
    default_value = DemonstrationLevel.none
    entity = Enterprise
    definition_period = DateUnit.ETERNITY
    label = "被评为创业孵化示范基地的级别"


class incubator_demonstration_award(Variable):
    value_type = float
    entity = Enterprise
    definition_period = DateUnit.DAY
    label = "创业孵化示范基地奖励上限（元，“最高”）"
    unit = "currency-CNY"
    reference = ("tj_incubator_demonstration",)

    def formula_2020_05_02(enterprise, period, parameters):
        level = enterprise("incubator_demonstration_level", period)

        def award(node):
            return np.select([level == DemonstrationLevel.national, level == DemonstrationLevel.municipal],
                             [float(node.national), float(node.municipal)], 0.0)

        return by_region(enterprise, period, parameters, CALCULATOR, "national", award, 0.0)
