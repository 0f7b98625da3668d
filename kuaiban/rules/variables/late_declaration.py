"""北京 未按时申报2020年度缴费工资 (京人社保字〔2020〕68号 四、七): an employer that does not declare pays 110 % of
its previous month's contribution from July 2020; a person who does not declare keeps last year's base, raised
to the pension floor (Beijing's floor is not printed: an input)."""

from __future__ import annotations

import numpy as np
from openfisca_core.indexed_enums import Enum
from openfisca_core.periods import DateUnit
from openfisca_core.variables import Variable

from kuaiban.rules.entities import Person
from kuaiban.rules.formulas import round_fen
from kuaiban.rules.region_keys import by_region

CALCULATOR = "late_declaration"
REFS = ("bj_late_declaration_employer", "bj_late_declaration_individual")


class Declarant(Enum):
    employer = "用人单位"
    individual = "个人（灵活就业人员等）"


class declarant(Variable):
    value_type = Enum
    possible_values = Declarant
    default_value = Declarant.employer
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "未按时申报的是"


class previous_month_contribution(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "单位上月缴费额（元）"


class last_year_base(Variable):
    value_type = float
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "本人上一年度的缴费基数（元/月）"


class pension_floor(Variable):
    value_type = float
    default_value = -1.0
    entity = Person
    definition_period = DateUnit.ETERNITY
    label = "职工养老保险缴费下限（元/月；汇编未载；-1 为未提供）"


class late_declaration_amount(Variable):
    value_type = float
    default_value = -1.0
    entity = Person
    definition_period = DateUnit.MONTH
    label = "用人单位：确定的月缴费额；个人：确定的缴费基数（元；-1 为无适用规定或缺少下限）"
    unit = "currency-CNY"
    reference = REFS

    def formula_2020_06(person, period, parameters):
        employer = person("declarant", period) == Declarant.employer
        floor = person("pension_floor", period)
        individual_base = np.where(floor >= 0, np.maximum(person("last_year_base", period), floor), -1.0)

        def employer_amount(node):
            return round_fen(node.employer_factor * person("previous_month_contribution", period))

        by_employer = by_region(person, period, parameters, CALCULATOR, "employer_factor", employer_amount, -1.0,
                                "region_code")
        by_person = by_region(person, period, parameters, CALCULATOR, "individual_keeps_last_base",
                              lambda node: individual_base, -1.0, "region_code")
        return np.where(employer, by_employer, by_person)
