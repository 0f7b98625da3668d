"""湖南事业单位老工伤人员伤残保健金 by the old 伤残等级 (湘人社规〔2020〕23号, from 2020-08-01)."""

from __future__ import annotations

from datetime import date

import numpy as np
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.enums import Region
from kuaiban.rules.formulas import parameter_or_none, to_date
from kuaiban.rules.variables.inputs import UNKNOWN_DATE


class OldInjuryGrade(Enum):
    special = "特等"
    first = "一等"
    second_a = "二等甲级"
    second_b = "二等乙级"
    third_a = "三等甲级"
    third_b = "三等乙级"


class old_injury_grade(Variable):
    value_type = Enum
    possible_values = OldInjuryGrade
    default_value = OldInjuryGrade.third_b
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "老工伤人员的伤残等级（特等、一等、二等甲级 … 三等乙级）"


class injury_recognition_date(Variable):
    value_type = date
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "由原人事部门认定工伤的日期；未知时为 9999-12-31"
    default_value = UNKNOWN_DATE


class old_injury_health_allowance(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.MONTH
    label = "事业单位老工伤人员伤残保健金（元/年，按该月有效的标准）"
    unit = "currency-CNY"
    reference = ("hn_old_injury_health", "hn_old_injury_health_date")

    def formula(person, period, parameters):
        if parameter_or_none(parameters, period.start, "old_injury_health_allowance.r430000.by_grade.special") is None:
            return np.zeros(person.count)
        by_grade = parameters(period.start).old_injury_health_allowance.r430000.by_grade
        amount = by_grade[person("old_injury_grade", period)]
        # 老工伤人员即2005年12月29日前由原人事部门认定的工伤人员 (a parameter, so the explanation can print the day)
        before = to_date(parameters(period.start).old_injury_health_allowance.r430000.old_cases_before)
        old_case = person("injury_recognition_date", period) < before
        return np.where((person("region", period) == Region.hunan) & old_case, amount, 0.0)
